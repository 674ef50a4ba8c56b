//! A synthetic estate for benchmarks: a fanout repository with many clusters and workloads.
//!
//! ```sh
//! cargo run --release --example estate -- --size S|M|L|XL --seed N --out DIR [--clusters N] [--workloads N]
//! ```
//!
//! The same size and seed always give the same repository, byte for byte. Sizes (output files of
//! `fanout render`, clusters × objects landing on them, plus one `kustomization.yaml` per cluster):
//!
//! | size | clusters | workloads | output files |
//! |------|----------|-----------|--------------|
//! | S    | 16       | 100       | ≈ 1,000      |
//! | M    | 40       | 450       | ≈ 10,000     |
//! | L    | 100      | 2,000     | ≈ 100,000    |
//! | XL   | 1,000    | 10,000    | ≈ 5 million  |
//!
//! XL is for the commands that do not write the whole tree (`validate`, `plan`, `render --cluster ONE
//! --stdout`, `argocd-generate`): 10 million workload × cluster pairs, 21,001 input files (35 MiB).
//! `--clusters` and `--workloads` override a size's counts (the size only names the estate).
//!
//! What is in it:
//!
//! - `clusters/`: one Karmada `Cluster` per file, across aws, gcp and azure, 23 regions with one to three
//!   zones each; labels `env` (prod/staging/dev), `tier` (gold/silver/bronze), `gpu` on some; a taint
//!   `dedicated=batch:NoSchedule` on every seventh cluster (labelled `workload: batch`); capacities in
//!   `status.resourceSummary` (cpu, memory, pods) large enough for every divided placement.
//! - `platform/namespaces.yaml`: one Namespace per team and a ClusterPropagationPolicy placing them on
//!   every cluster, tainted ones included.
//! - `apps/<team>/<workload>/`: ten kinds of workload in turn, each with a ConfigMap (and every other one
//!   a Secret) that it references and that follows it to its clusters:
//!   0. `MulticloudDeployment`, `Duplicated`, by provider and `env` label, with short-form overrides;
//!   1. `MulticloudDeployment`, `DynamicWeight`, by `env` labels with exclusions, some spread over regions;
//!   2. `MulticloudDeployment`, `StaticWeight`, by cluster names with per-cluster weights and overrides;
//!   3. `MulticloudDeployment`, `Aggregated`, by provider, spread over two regions;
//!   4. `MulticloudJob`, `Duplicated`, by provider, tolerating the batch taint;
//!   5. `MulticloudJob`, `StaticWeight` over batch-labelled and other clusters;
//!   6. Deployment + PropagationPolicy (`Divided`, static weights by `tier` label selectors) + OverridePolicy
//!      (image registry by provider, labels by tier);
//!   7. Deployment + Service + PropagationPolicy (`Duplicated` by regions) + OverridePolicy (JSON patch on
//!      staging clusters, annotations, and a `fieldOverrider` on the ConfigMap's YAML);
//!   8. Job + PropagationPolicy (`Divided`, dynamic weight by available replicas) + OverridePolicy (args);
//!   9. Deployment + PropagationPolicy (`Divided`, `Aggregated`, spread by region and cluster).
//! - `estate.json` (not read by fanout): the parameters, counts, and the file and text a benchmark flips
//!   to change exactly one workload (`change.file`, `change.from`, `change.to`).
//!
//! YAML is written as text by the small emitter below (block style, strings quoted whenever a YAML 1.1 or
//! 1.2 reader could take them for something else).

use serde_json::{Map, Value, json};
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

// ---------------------------------------------------------------------------------------------------
// Deterministic randomness (SplitMix64): no dependency, same stream on every platform.

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    /// `k` distinct items of `items`, in the order of `items`.
    fn sample<T: Clone>(&mut self, items: &[T], k: usize) -> Vec<T> {
        let mut idx: Vec<usize> = (0..items.len()).collect();
        for i in 0..k.min(idx.len()) {
            let j = i + (self.next() % (idx.len() - i) as u64) as usize;
            idx.swap(i, j);
        }
        let mut chosen: Vec<usize> = idx.into_iter().take(k).collect();
        chosen.sort_unstable();
        chosen.into_iter().map(|i| items[i].clone()).collect()
    }
}

// ---------------------------------------------------------------------------------------------------
// A minimal block-style YAML emitter for serde_json values (insertion order kept).

fn plain_ok(s: &str) -> bool {
    const WORDS: [&str; 12] = [
        "true", "false", "null", "yes", "no", "on", "off", "y", "n", "~", "none", "nan",
    ];
    let first = s.chars().next();
    matches!(first, Some(c) if c.is_ascii_alphabetic() || c == '/')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "._/-:@".contains(c))
        && !s.ends_with(':')
        && !WORDS.contains(&s.to_ascii_lowercase().as_str())
}

fn scalar(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) if plain_ok(s) => s.clone(),
        Value::String(s) => serde_json::to_string(s).expect("a string serializes"),
        Value::Array(a) if a.is_empty() => "[]".into(),
        Value::Object(o) if o.is_empty() => "{}".into(),
        _ => unreachable!("not a scalar"),
    }
}

fn is_block(v: &Value) -> bool {
    match v {
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
        Value::String(s) => s.contains('\n'),
        _ => false,
    }
}

fn emit_map(m: &Map<String, Value>, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    for (k, v) in m {
        let key = if plain_ok(k) {
            k.clone()
        } else {
            serde_json::to_string(k).expect("a key serializes")
        };
        match v {
            Value::Object(o) if !o.is_empty() => {
                let _ = writeln!(out, "{pad}{key}:");
                emit_map(o, indent + 2, out);
            }
            Value::Array(a) if !a.is_empty() => {
                let _ = writeln!(out, "{pad}{key}:");
                emit_seq(a, indent, out);
            }
            Value::String(s) if s.contains('\n') => {
                let chomp = if s.ends_with('\n') { "|" } else { "|-" };
                let _ = writeln!(out, "{pad}{key}: {chomp}");
                for line in s.trim_end_matches('\n').split('\n') {
                    let _ = writeln!(out, "{pad}  {line}");
                }
            }
            _ => {
                let _ = writeln!(out, "{pad}{key}: {}", scalar(v));
            }
        }
    }
}

fn emit_seq(a: &[Value], indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    for item in a {
        if is_block(item) {
            let mut inner = String::new();
            match item {
                Value::Object(o) => emit_map(o, indent + 2, &mut inner),
                Value::Array(x) => emit_seq(x, indent + 2, &mut inner),
                _ => unreachable!("multi-line strings are not list items here"),
            }
            // The first line of the item goes after the dash.
            out.push_str(&pad);
            out.push_str("- ");
            out.push_str(&inner[indent + 2..]);
        } else {
            let _ = writeln!(out, "{pad}- {}", scalar(item));
        }
    }
}

/// One YAML document for a JSON object, optionally preceded by a comment line.
fn doc(comment: Option<&str>, v: &Value) -> String {
    let mut out = String::new();
    if let Some(c) = comment {
        let _ = writeln!(out, "# {c}");
    }
    emit_map(v.as_object().expect("a document is a mapping"), 0, &mut out);
    out
}

fn stream(docs: &[String]) -> String {
    docs.join("---\n")
}

// ---------------------------------------------------------------------------------------------------
// The inventory.

const PROVIDERS: [&str; 3] = ["aws", "gcp", "azure"];

fn regions(provider: &str) -> &'static [&'static str] {
    match provider {
        "aws" => &[
            "us-east-1",
            "us-west-2",
            "eu-west-1",
            "eu-central-1",
            "ap-southeast-1",
            "ap-northeast-1",
            "sa-east-1",
            "ca-central-1",
        ],
        "gcp" => &[
            "us-central1",
            "us-east4",
            "europe-west4",
            "europe-west1",
            "asia-east1",
            "asia-northeast1",
            "australia-southeast1",
            "southamerica-east1",
        ],
        _ => &[
            "eastus",
            "westus2",
            "westeurope",
            "northeurope",
            "southeastasia",
            "japaneast",
            "australiaeast",
        ],
    }
}

fn zone(provider: &str, region: &str, i: usize) -> String {
    match provider {
        "aws" => format!("{region}{}", ["a", "b", "c"][i]),
        "gcp" => format!("{region}-{}", ["a", "b", "c"][i]),
        _ => format!("{region}-{}", i + 1),
    }
}

#[derive(Clone)]
struct Cluster {
    name: String,
    provider: &'static str,
    region: &'static str,
    env: &'static str,
    tier: &'static str,
    batch: bool,
}

fn inventory(rng: &mut Rng, n: usize) -> (Vec<Cluster>, Vec<(String, String)>) {
    let mut clusters = Vec::new();
    let mut files = Vec::new();
    for i in 0..n {
        let provider = PROVIDERS[i % 3];
        let rs = regions(provider);
        let region = rs[(i / 3) % rs.len()];
        let name = format!("{provider}-{region}-{i:03}");
        // Within each provider: three prod clusters in five, then one staging, one dev.
        let j = i / 3;
        let env = ["prod", "prod", "prod", "staging", "dev"][j % 5];
        let tier = ["gold", "silver", "bronze", "silver"][(j + i % 3) % 4];
        let batch = i % 7 == 6;
        let mut labels = json!({"env": env, "tier": tier, "provider": provider});
        if batch {
            labels["workload"] = json!("batch");
        }
        if rng.chance(15) {
            labels["gpu"] = json!("true");
        }
        let zones: Vec<String> = (0..rng.range(1, 3) as usize)
            .map(|z| zone(provider, region, z))
            .collect();
        let cores = rng.range(20, 80) * 100;
        let used = cores * rng.range(10, 40) / 100;
        let mut spec = json!({
            "syncMode": if i % 2 == 0 { "Pull" } else { "Push" },
            "provider": provider,
            "region": region,
            "zones": zones,
        });
        if batch {
            spec["taints"] =
                json!([{"key": "dedicated", "value": "batch", "effect": "NoSchedule"}]);
        }
        let obj = json!({
            "apiVersion": "cluster.karmada.io/v1alpha1",
            "kind": "Cluster",
            "metadata": {"name": name, "labels": labels},
            "spec": spec,
            "status": {
                "kubernetesVersion": format!("v1.3{}.{}", rng.range(1, 4), rng.range(0, 9)),
                "resourceSummary": {
                    "allocatable": {
                        "cpu": cores.to_string(),
                        "memory": format!("{}Gi", cores * 4),
                        "pods": (cores * 30).to_string(),
                    },
                    "allocated": {
                        "cpu": used.to_string(),
                        "memory": format!("{}Gi", used * 4),
                        "pods": (used * 10).to_string(),
                    },
                },
            },
        });
        files.push((
            format!("clusters/{name}.yaml"),
            doc(
                Some("yaml-language-server: $schema=../schema/cluster.schema.json"),
                &obj,
            ),
        ));
        clusters.push(Cluster {
            name,
            provider,
            region,
            env,
            tier,
            batch,
        });
    }
    (clusters, files)
}

// ---------------------------------------------------------------------------------------------------
// Workloads.

struct Ctx<'a> {
    clusters: &'a [Cluster],
    files: Vec<(String, String)>,
    change: Option<(String, String, String)>,
}

fn names(cs: &[&Cluster]) -> Vec<String> {
    cs.iter().map(|c| c.name.clone()).collect()
}

impl Ctx<'_> {
    fn select(&self, f: impl Fn(&Cluster) -> bool) -> Vec<&Cluster> {
        self.clusters.iter().filter(|c| f(c)).collect()
    }
}

/// The ConfigMap (and maybe Secret) a workload references, and the container that references them.
fn dependencies(rng: &mut Rng, ns: &str, name: &str, with_secret: bool) -> (Vec<String>, Value) {
    let level = *rng.pick(&["debug", "info", "warn"]);
    let config = json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": format!("{name}-config"), "namespace": ns, "labels": {"app.kubernetes.io/part-of": name}},
        "data": {
            "LOG_LEVEL": level,
            "UPSTREAM_URL": format!("http://{}.{ns}.svc:8080", name),
            "settings.yaml": format!(
                "server:\n  port: 8080\n  timeoutSeconds: {}\nfeatures:\n  cache: {}\n  tracing: true\n",
                rng.range(5, 60),
                rng.chance(50)
            ),
        },
    });
    let mut docs = vec![doc(None, &config)];
    let mut env = vec![
        json!({"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}),
    ];
    if with_secret {
        let secret = json!({
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {"name": format!("{name}-secrets"), "namespace": ns},
            "type": "Opaque",
            "stringData": {"api-token": format!("token-{:016x}", rng.next())},
        });
        docs.push(doc(None, &secret));
        env.push(json!({"name": "API_TOKEN", "valueFrom": {"secretKeyRef": {"name": format!("{name}-secrets"), "key": "api-token"}}}));
    }
    let container = json!({
        "name": "main",
        "image": format!("registry.example.com/{ns}/{name}:1.{}.{}", rng.range(0, 9), rng.range(0, 20)),
        "ports": [{"name": "http", "containerPort": 8080}],
        "envFrom": [{"configMapRef": {"name": format!("{name}-config")}}],
        "env": env,
        "resources": {
            "requests": {"cpu": format!("{}m", rng.range(1, 8) * 50), "memory": format!("{}Mi", rng.range(1, 8) * 64)},
            "limits": {"memory": format!("{}Mi", rng.range(8, 16) * 64)},
        },
        "readinessProbe": {"httpGet": {"path": "/healthz", "port": "http"}, "periodSeconds": 10},
    });
    (docs, container)
}

fn short_form(
    kind: &str,
    ns: &str,
    name: &str,
    description: String,
    spec_head: Value,
    container: Value,
    tail: Value,
) -> Value {
    let mut spec = Map::new();
    spec.insert("description".into(), json!(description));
    for (k, v) in spec_head.as_object().expect("a mapping") {
        spec.insert(k.clone(), v.clone());
    }
    spec.insert(
        "template".into(),
        json!({"metadata": {"labels": {"app.kubernetes.io/component": "server"}}, "spec": {"containers": [container]}}),
    );
    for (k, v) in tail.as_object().expect("a mapping") {
        spec.insert(k.clone(), v.clone());
    }
    json!({
        "apiVersion": "fanout.dev/v1alpha1",
        "kind": kind,
        "metadata": {"name": name, "namespace": ns, "labels": {"team": ns}},
        "spec": spec,
    })
}

fn deployment(ns: &str, name: &str, replicas: u64, container: Value) -> Value {
    json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": ns, "labels": {"app.kubernetes.io/name": name, "team": ns}},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app.kubernetes.io/name": name}},
            "template": {
                "metadata": {"labels": {"app.kubernetes.io/name": name}},
                "spec": {"containers": [container]},
            },
        },
    })
}

fn selector(kind: &str, api: &str, name: &str) -> Value {
    json!({"apiVersion": api, "kind": kind, "name": name})
}

fn propagation(ns: &str, name: &str, selectors: Vec<Value>, placement: Value) -> Value {
    json!({
        "apiVersion": "policy.karmada.io/v1alpha1",
        "kind": "PropagationPolicy",
        "metadata": {"name": name, "namespace": ns},
        "spec": {"resourceSelectors": selectors, "propagateDeps": true, "placement": placement},
    })
}

fn override_policy(ns: &str, name: &str, selectors: Vec<Value>, rules: Value) -> Value {
    json!({
        "apiVersion": "policy.karmada.io/v1alpha1",
        "kind": "OverridePolicy",
        "metadata": {"name": name, "namespace": ns},
        "spec": {"resourceSelectors": selectors, "overrideRules": rules},
    })
}

const SF_DEPLOY: &str =
    "yaml-language-server: $schema=../../../schema/multiclouddeployment.schema.json";
const SF_JOB: &str = "yaml-language-server: $schema=../../../schema/multicloudjob.schema.json";

fn workload(ctx: &mut Ctx, rng: &mut Rng, i: usize, ns: &str) {
    let kind = i % 10;
    let n = ctx.clusters.len();
    let prefix = [
        "web", "api", "edge", "cache", "batch", "etl", "svc", "portal", "report", "queue",
    ][kind];
    let name = format!("{prefix}-{i:04}");
    let dir = format!("apps/{ns}/{name}");
    let (mut deps, container) = dependencies(rng, ns, &name, i.is_multiple_of(2));
    let provider = PROVIDERS[(i / 10) % 3];
    let mut out: Vec<String> = Vec::new();
    match kind {
        0 => {
            // Duplicated on one provider's prod clusters, with short-form overrides.
            let targets = ctx.select(|c| c.provider == provider && c.env == "prod" && !c.batch);
            let mut tail = json!({});
            if let Some(first) = targets.first() {
                tail = json!({"overrides": [
                    {"clusters": [first.name], "image": format!("mirror.example.com/{ns}/{name}:1.0.0"), "env": [{"name": "LOG_LEVEL", "value": "debug"}]},
                    {"clusters": names(&targets[targets.len() / 2..]), "labels": {"canary": "false"}, "annotations": {"owner": ns}},
                ]});
            }
            let mut c = container;
            c["image"] = json!(format!("registry.example.com/{ns}/{name}:1.0.0"));
            let sf = short_form(
                "MulticloudDeployment",
                ns,
                &name,
                format!("{name}: one copy per {provider} production cluster"),
                json!({
                    "replicas": rng.range(2, 4),
                    "placement": {"providers": [provider], "labels": [{"key": "env", "operator": "In", "values": "prod"}]},
                    "scheduling": {"type": "Duplicated"},
                }),
                c,
                tail,
            );
            if ctx.change.is_none() {
                ctx.change = Some((
                    format!("{dir}/workload.yaml"),
                    format!("{name}:1.0.0"),
                    format!("{name}:1.0.1"),
                ));
            }
            out.push(doc(Some(SF_DEPLOY), &sf));
        }
        1 => {
            // Dynamic weight over prod and staging, some clusters excluded, every third spread over regions.
            let candidates = ctx.select(|c| c.env != "dev" && !c.batch);
            let exclude = rng.sample(&names(&candidates), 2.min(candidates.len()));
            let replicas = (n as u64 / 4).max(2) + rng.range(0, 4);
            let mut placement = json!({
                "labels": [{"key": "env", "operator": "In", "values": "prod;staging"}],
                "exclude": exclude,
            });
            if i.is_multiple_of(3) {
                placement["spread"] = json!({"regions": {"minGroups": 2, "maxGroups": 12}});
            }
            let sf = short_form(
                "MulticloudDeployment",
                ns,
                &name,
                format!("{name}: replicas follow free capacity"),
                json!({"replicas": replicas, "placement": placement, "scheduling": {"type": "DynamicWeight"}}),
                container,
                json!({}),
            );
            out.push(doc(Some(SF_DEPLOY), &sf));
        }
        2 => {
            // Static weights over a sample of one provider's clusters.
            let pool = ctx.select(|c| c.provider == provider && !c.batch);
            let k = (n / 8).max(2).min(pool.len());
            let chosen = rng.sample(&names(&pool), k);
            let mut weights = Map::new();
            let mut total = 0;
            for c in &chosen {
                let w = rng.range(1, 3);
                total += w;
                weights.insert(c.clone(), json!(w));
            }
            let tail = if let Some(first) = chosen.first() {
                json!({"overrides": [{"clusters": [first], "env": [{"name": "REGION_PRIMARY", "value": "true"}]}]})
            } else {
                json!({})
            };
            let sf = short_form(
                "MulticloudDeployment",
                ns,
                &name,
                format!("{name}: hand-weighted over {k} clusters"),
                json!({
                    "replicas": total * 2,
                    "placement": {"clusterNames": chosen},
                    "scheduling": {"type": "StaticWeight", "weights": weights},
                }),
                container,
                tail,
            );
            out.push(doc(Some(SF_DEPLOY), &sf));
        }
        3 => {
            // Aggregated on one provider, spread over two regions.
            let sf = short_form(
                "MulticloudDeployment",
                ns,
                &name,
                format!("{name}: packed on few {provider} clusters in two regions"),
                json!({
                    "replicas": rng.range(4, 12),
                    "placement": {"providers": [provider], "spread": {"regions": {"minGroups": 2, "maxGroups": 2}}},
                    "scheduling": {"type": "Aggregated"},
                }),
                container,
                json!({}),
            );
            out.push(doc(Some(SF_DEPLOY), &sf));
        }
        4 => {
            // A Job on every cluster of one provider, batch clusters included.
            let parallelism = rng.range(1, 4);
            let sf = short_form(
                "MulticloudJob",
                ns,
                &name,
                format!("{name}: nightly job on every {provider} cluster"),
                json!({
                    "parallelism": parallelism,
                    "completions": parallelism * 2,
                    "timeoutSeconds": 3600,
                    "restartPolicy": "OnFailure",
                    "backoffLimit": 3,
                    "placement": {
                        "providers": [provider],
                        "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "batch", "effect": "NoSchedule"}],
                    },
                    "scheduling": {"type": "Duplicated"},
                }),
                job_container(container),
                json!({}),
            );
            out.push(doc(Some(SF_JOB), &sf));
        }
        5 => {
            // A Job divided by static weights, batch clusters weighted higher.
            let pool = ctx.select(|c| c.env != "dev");
            let k = (n / 10).max(2).min(pool.len());
            let chosen: Vec<&Cluster> = rng
                .sample(&(0..pool.len()).collect::<Vec<_>>(), k)
                .into_iter()
                .map(|j| pool[j])
                .collect();
            let mut weights = Map::new();
            for c in &chosen {
                weights.insert(c.name.clone(), json!(if c.batch { 3 } else { 1 }));
            }
            let parallelism = (k as u64) * 3;
            let sf = short_form(
                "MulticloudJob",
                ns,
                &name,
                format!("{name}: backfill, batch clusters take more"),
                json!({
                    "parallelism": parallelism,
                    "completions": parallelism * 4,
                    "restartPolicy": "Never",
                    "placement": {
                        "clusterNames": names(&chosen),
                        "tolerations": [{"key": "dedicated", "operator": "Exists"}],
                    },
                    "scheduling": {"type": "StaticWeight", "weights": weights},
                }),
                job_container(container),
                json!({"overrides": [{"clusters": [chosen[0].name.clone()], "env": [{"name": "SHARD", "value": "0"}]}]}),
            );
            out.push(doc(Some(SF_JOB), &sf));
        }
        6 => {
            // Plain Deployment, static weights by tier over two providers' prod clusters.
            let other = PROVIDERS[(i / 10 + 1) % 3];
            let d = deployment(ns, &name, n as u64 * 2, container);
            let sel = vec![selector("Deployment", "apps/v1", &name)];
            let pp = propagation(
                ns,
                &name,
                sel.clone(),
                json!({
                    "clusterAffinity": {
                        "labelSelector": {"matchLabels": {"env": "prod"}},
                        "fieldSelector": {"matchExpressions": [{"key": "provider", "operator": "In", "values": [provider, other]}]},
                    },
                    "replicaScheduling": {
                        "replicaSchedulingType": "Divided",
                        "replicaDivisionPreference": "Weighted",
                        "weightPreference": {"staticWeightList": [
                            {"targetCluster": {"labelSelector": {"matchLabels": {"tier": "gold"}}}, "weight": 3},
                            {"targetCluster": {"labelSelector": {"matchLabels": {"tier": "silver"}}}, "weight": 2},
                            {"targetCluster": {"labelSelector": {"matchLabels": {"tier": "bronze"}}}, "weight": 1},
                        ]},
                    },
                }),
            );
            let op = override_policy(
                ns,
                &name,
                sel,
                json!([
                    {
                        "targetCluster": {"fieldSelector": {"matchExpressions": [{"key": "provider", "operator": "In", "values": ["gcp"]}]}},
                        "overriders": {"imageOverrider": [{"component": "Registry", "operator": "replace", "value": "europe-docker.pkg.dev"}]},
                    },
                    {
                        "targetCluster": {"labelSelector": {"matchLabels": {"tier": "gold"}}},
                        "overriders": {"labelsOverrider": [{"operator": "add", "value": {"slo": "gold"}}]},
                    },
                ]),
            );
            out.push(doc(None, &d));
            out.push(doc(None, &pp));
            out.push(doc(None, &op));
        }
        7 => {
            // Plain Deployment and Service, duplicated over a few regions.
            let all_regions: BTreeSet<&str> = ctx.clusters.iter().map(|c| c.region).collect();
            let all_regions: Vec<&str> = all_regions.into_iter().collect();
            let chosen = rng.sample(
                &all_regions,
                (all_regions.len() / 4).max(2).min(all_regions.len()),
            );
            let d = deployment(ns, &name, rng.range(1, 3), container);
            let svc = json!({
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {"name": name, "namespace": ns},
                "spec": {"selector": {"app.kubernetes.io/name": name}, "ports": [{"name": "http", "port": 80, "targetPort": "http"}]},
            });
            let pp = propagation(
                ns,
                &name,
                vec![
                    selector("Deployment", "apps/v1", &name),
                    selector("Service", "v1", &name),
                ],
                json!({
                    "clusterAffinity": {"fieldSelector": {"matchExpressions": [{"key": "region", "operator": "In", "values": chosen}]}},
                    "replicaScheduling": {"replicaSchedulingType": "Duplicated"},
                }),
            );
            let op = override_policy(
                ns,
                &name,
                vec![selector("Deployment", "apps/v1", &name)],
                json!([{
                    "targetCluster": {"labelSelector": {"matchLabels": {"env": "staging"}}},
                    "overriders": {
                        "plaintext": [{"path": "/spec/template/spec/containers/0/env/-", "operator": "add", "value": {"name": "SANDBOX", "value": "true"}}],
                        "annotationsOverrider": [{"operator": "add", "value": {"example.com/environment": "staging"}}],
                    },
                }]),
            );
            let config_name = format!("{name}-config");
            let op_config = override_policy(
                ns,
                &config_name,
                vec![selector("ConfigMap", "v1", &config_name)],
                json!([{
                    "targetCluster": {"labelSelector": {"matchLabels": {"env": "prod"}}},
                    "overriders": {"fieldOverrider": [{"fieldPath": "/data/settings.yaml", "yaml": [{"subPath": "/features/tracing", "operator": "replace", "value": false}]}]},
                }]),
            );
            out.push(doc(None, &d));
            out.push(doc(None, &svc));
            out.push(doc(None, &pp));
            out.push(doc(None, &op));
            out.push(doc(None, &op_config));
        }
        8 => {
            // Plain Job divided by available replicas over staging and dev clusters.
            let parallelism = (n as u64 / 3).max(2);
            let job = json!({
                "apiVersion": "batch/v1",
                "kind": "Job",
                "metadata": {"name": name, "namespace": ns, "labels": {"team": ns}},
                "spec": {
                    "parallelism": parallelism,
                    "completions": parallelism * 2,
                    "backoffLimit": 2,
                    "template": {"spec": {"restartPolicy": "Never", "containers": [job_container(container)]}},
                },
            });
            let sel = vec![selector("Job", "batch/v1", &name)];
            let pp = propagation(
                ns,
                &name,
                sel.clone(),
                json!({
                    "clusterAffinity": {"labelSelector": {"matchExpressions": [{"key": "env", "operator": "In", "values": ["staging", "dev"]}]}},
                    "clusterTolerations": [{"key": "dedicated", "operator": "Exists", "effect": "NoSchedule"}],
                    "replicaScheduling": {
                        "replicaSchedulingType": "Divided",
                        "replicaDivisionPreference": "Weighted",
                        "weightPreference": {"dynamicWeight": "AvailableReplicas"},
                    },
                }),
            );
            let op = override_policy(
                ns,
                &name,
                sel,
                json!([{
                    "targetCluster": {"labelSelector": {"matchLabels": {"env": "dev"}}},
                    "overriders": {"argsOverrider": [{"containerName": "main", "operator": "add", "value": ["--dry-run"]}]},
                }]),
            );
            out.push(doc(None, &job));
            out.push(doc(None, &pp));
            out.push(doc(None, &op));
        }
        _ => {
            // Plain Deployment packed on few clusters, spread over regions.
            let d = deployment(ns, &name, rng.range(6, 20), container);
            let pp = propagation(
                ns,
                &name,
                vec![selector("Deployment", "apps/v1", &name)],
                json!({
                    "clusterAffinity": {"labelSelector": {"matchExpressions": [{"key": "env", "operator": "NotIn", "values": ["dev"]}]}},
                    "spreadConstraints": [
                        {"spreadByField": "region", "minGroups": 2, "maxGroups": 3},
                        {"spreadByField": "cluster", "minGroups": 2, "maxGroups": 4},
                    ],
                    "replicaScheduling": {"replicaSchedulingType": "Divided", "replicaDivisionPreference": "Aggregated"},
                }),
            );
            out.push(doc(None, &d));
            out.push(doc(None, &pp));
        }
    }
    let _ = rng.next();
    ctx.files
        .push((format!("{dir}/workload.yaml"), stream(&out)));
    ctx.files.push((
        format!("{dir}/config.yaml"),
        stream(&std::mem::take(&mut deps)),
    ));
}

fn job_container(mut c: Value) -> Value {
    let o = c.as_object_mut().expect("a container");
    o.remove("ports");
    o.remove("readinessProbe");
    o.insert("args".into(), json!(["--once", "--since=24h"]));
    c
}

// ---------------------------------------------------------------------------------------------------

struct Args {
    clusters: usize,
    workloads: usize,
    size: String,
    seed: u64,
    out: PathBuf,
}

fn usage() -> ExitCode {
    eprintln!(
        "usage: estate --size S|M|L|XL [--seed N] --out DIR [--clusters N] [--workloads N]\n\
         writes a synthetic fanout repository into DIR (which must not exist or be empty)"
    );
    ExitCode::from(2)
}

fn parse() -> Result<Args, String> {
    let mut args = std::env::args().skip(1);
    let (mut size, mut seed, mut out, mut clusters, mut workloads) = (None, 1u64, None, None, None);
    while let Some(a) = args.next() {
        let mut val = |what: &str| args.next().ok_or(format!("{what} needs a value"));
        match a.as_str() {
            "--size" => size = Some(val("--size")?.to_ascii_uppercase()),
            "--seed" => seed = val("--seed")?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--out" => out = Some(PathBuf::from(val("--out")?)),
            "--clusters" => {
                clusters = Some(
                    val("--clusters")?
                        .parse()
                        .map_err(|e| format!("--clusters: {e}"))?,
                )
            }
            "--workloads" => {
                workloads = Some(
                    val("--workloads")?
                        .parse()
                        .map_err(|e| format!("--workloads: {e}"))?,
                )
            }
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    let size = size.unwrap_or_else(|| "S".into());
    let (c, w) = match size.as_str() {
        "S" => (16, 100),
        "M" => (40, 450),
        "L" => (100, 2000),
        "XL" => (1000, 10_000),
        other => return Err(format!("unknown size `{other}` (S, M, L or XL)")),
    };
    let clusters: usize = clusters.unwrap_or(c);
    if clusters < 6 {
        return Err("--clusters must be at least 6".into());
    }
    Ok(Args {
        clusters,
        workloads: workloads.unwrap_or(w),
        size,
        seed,
        out: out.ok_or("--out is required")?,
    })
}

fn write_all(root: &Path, files: &[(String, String)]) -> std::io::Result<()> {
    for (rel, text) in files {
        let path = root.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, text)?;
    }
    Ok(())
}

fn main() -> ExitCode {
    let args = match parse() {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("estate: {e}");
            }
            return usage();
        }
    };
    if let Ok(mut entries) = std::fs::read_dir(&args.out)
        && entries.next().is_some()
    {
        eprintln!("estate: {} is not empty", args.out.display());
        return ExitCode::from(2);
    }
    let mut rng = Rng(args.seed ^ 0x6661_6e6f_7574);
    let (clusters, mut files) = inventory(&mut rng, args.clusters);
    let teams = (args.workloads / 100).clamp(4, 20);
    let team_names: Vec<String> = (0..teams).map(|t| format!("team-{t:02}")).collect();

    let mut ns_docs: Vec<String> = team_names
        .iter()
        .map(|t| {
            doc(
                None,
                &json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": t, "labels": {"team": t}}}),
            )
        })
        .collect();
    ns_docs.push(doc(
        Some("yaml-language-server: $schema=../schema/propagationpolicy.schema.json"),
        &json!({
            "apiVersion": "policy.karmada.io/v1alpha1",
            "kind": "ClusterPropagationPolicy",
            "metadata": {"name": "team-namespaces"},
            "spec": {
                "resourceSelectors": [{"apiVersion": "v1", "kind": "Namespace"}],
                "placement": {"clusterTolerations": [{"operator": "Exists"}]},
            },
        }),
    ));
    files.push(("platform/namespaces.yaml".into(), stream(&ns_docs)));

    let mut ctx = Ctx {
        clusters: &clusters,
        files: Vec::new(),
        change: None,
    };
    for i in 0..args.workloads {
        let ns = team_names[i % teams].clone();
        workload(&mut ctx, &mut rng, i, &ns);
    }
    files.append(&mut ctx.files);

    let (file, from, to) = ctx.change.unwrap_or_default();
    let summary = json!({
        "size": args.size,
        "seed": args.seed,
        "clusters": args.clusters,
        "workloads": args.workloads,
        "teams": teams,
        "providers": PROVIDERS,
        "regions": clusters.iter().map(|c| c.region).collect::<BTreeSet<_>>().len(),
        "inputFiles": files.len(),
        "inputBytes": files.iter().map(|(_, t)| t.len()).sum::<usize>(),
        "clusterEnvs": {
            "prod": clusters.iter().filter(|c| c.env == "prod").count(),
            "staging": clusters.iter().filter(|c| c.env == "staging").count(),
            "dev": clusters.iter().filter(|c| c.env == "dev").count(),
        },
        "goldClusters": clusters.iter().filter(|c| c.tier == "gold").count(),
        "change": {"file": file, "from": from, "to": to},
    });
    files.push((
        "estate.json".into(),
        serde_json::to_string_pretty(&summary).expect("json") + "\n",
    ));
    if let Err(e) = write_all(&args.out, &files) {
        eprintln!("estate: writing {}: {e}", args.out.display());
        return ExitCode::from(3);
    }
    eprintln!(
        "estate: {} clusters, {} workloads, {} files in {}",
        args.clusters,
        args.workloads,
        files.len(),
        args.out.display()
    );
    ExitCode::SUCCESS
}

//! Sharding through the real binary (issue #15): on a repository of 34 workloads with shared
//! dependencies, label-selecting policies and overrides that span shards, standalone objects, a CRD and
//! a template, for N in 1..=4:
//!
//! - the union of the N shard renders (every object file under `<output>/shard-I-of-N/<cluster>/`) is
//!   the whole render's object files, byte for byte, with no file in two shards; the placement
//!   summaries' lines and the per-cluster `kustomization.yaml` resource lists are the whole render's
//!   too, merged;
//! - every object (and so every workload) is in exactly one shard, and `fanout shards` counts them;
//! - no shard costs more than `max(⌈mean × 1.05⌉, ⌈mean⌉ + largest unit)`;
//! - the split and the renders do not depend on how the objects are spread over files.

mod common;
use common::text;

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;
use std::process::{Command, Output};

fn fanout(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fanout"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run fanout")
}

fn ok(args: &[&str], dir: &Path) -> Output {
    let out = fanout(args, dir);
    assert!(out.status.success(), "fanout {args:?}: {}", text(&out));
    out
}

/// Clusters in the inventory.
const CLUSTERS: usize = 8;

fn cluster(name: &str, provider: &str, region: &str, env: &str, tier: &str, extra: &str) -> String {
    format!(
        "apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata:\n  name: {name}\n  labels: {{env: {env}, tier: {tier}}}\nspec:\n  provider: {provider}\n  region: {region}\n  zones: [{region}a]\n{extra}status:\n  resourceSummary:\n    allocatable: {{cpu: \"200\", memory: 800Gi, pods: \"2000\"}}\n"
    )
}

fn pod_spec(name: &str, env_from: &[(&str, &str)], extra: &str) -> String {
    let mut refs = String::new();
    for (kind, dep) in env_from {
        refs += &format!("            - {kind}: {{name: {dep}}}\n");
    }
    let env_from = if refs.is_empty() {
        String::new()
    } else {
        format!("          envFrom:\n{refs}")
    };
    format!(
        "{extra}      containers:\n        - name: main\n          image: registry.acme.io/{name}:1.0\n{env_from}          resources:\n            requests: {{cpu: 100m, memory: 128Mi}}\n"
    )
}

fn deployment(name: &str, ns: &str, tier: &str, replicas: u32, deps: &[(&str, &str)]) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  namespace: {ns}\n  labels: {{tier: {tier}}}\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels: {{app: {name}}}\n  template:\n    metadata:\n      labels: {{app: {name}}}\n    spec:\n{}",
        pod_spec(name, deps, "")
    )
}

fn config_map(name: &str, ns: &str, labels: &str) -> String {
    format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  namespace: {ns}\n  labels: {{{labels}}}\ndata:\n  owner: {name}\n"
    )
}

fn secret(name: &str, ns: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: {name}\n  namespace: {ns}\ntype: Opaque\nstringData:\n  token: t-{name}\n"
    )
}

/// The repository as (file, documents), the documents of a file in order; the template apart.
struct Estate {
    files: Vec<(String, Vec<String>)>,
    template: (String, String),
    /// Objects in the largest connected group (`web-*` with `common` and their own ConfigMaps).
    largest_unit: usize,
    workloads: usize,
    objects: usize,
}

fn estate() -> Estate {
    let mut files: Vec<(String, Vec<String>)> = Vec::new();
    let mut add = |file: &str, doc: String| match files.iter_mut().find(|(f, _)| f == file) {
        Some((_, docs)) => docs.push(doc),
        None => files.push((file.to_owned(), vec![doc])),
    };
    let taint = "  taints:\n    - {key: dedicated, value: batch, effect: NoSchedule}\n";
    for (name, provider, region, env, tier, extra) in [
        ("aws-eu-1", "aws", "eu-west-1", "prod", "gold", ""),
        ("aws-eu-2", "aws", "eu-central-1", "staging", "silver", ""),
        ("aws-us-1", "aws", "us-east-1", "prod", "gold", ""),
        ("aws-us-2", "aws", "us-west-2", "prod", "silver", ""),
        ("gcp-eu-1", "gcp", "europe-west4", "prod", "gold", ""),
        ("gcp-us-1", "gcp", "us-central1", "staging", "silver", ""),
        ("gcp-asia-1", "gcp", "asia-east1", "prod", "silver", ""),
        ("aws-batch-1", "aws", "us-east-1", "prod", "bronze", taint),
    ] {
        add(
            &format!("clusters/{name}.yaml"),
            cluster(name, provider, region, env, tier, extra),
        );
    }
    let (mut workloads, mut objects) = (0, 0);
    // platform: namespaces, a CRD and one of its objects, a standalone ConfigMap, policies
    for ns in ["shop", "payments", "batch"] {
        add(
            "platform/namespaces.yaml",
            format!("apiVersion: v1\nkind: Namespace\nmetadata: {{name: {ns}}}\n"),
        );
        objects += 1;
    }
    add(
        "platform/namespaces.yaml",
        "apiVersion: policy.karmada.io/v1alpha1\nkind: ClusterPropagationPolicy\nmetadata: {name: namespaces}\nspec:\n  resourceSelectors: [{apiVersion: v1, kind: Namespace}]\n  placement:\n    clusterTolerations: [{operator: Exists}]\n".into(),
    );
    add(
        "platform/widgets.yaml",
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: widgets.acme.dev}\nspec:\n  group: acme.dev\n  scope: Namespaced\n  names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}\n  versions:\n    - name: v1\n      served: true\n      storage: true\n      schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}\n".into(),
    );
    add(
        "platform/widgets.yaml",
        "apiVersion: acme.dev/v1\nkind: Widget\nmetadata: {name: gizmo, namespace: shop}\nspec: {size: 3}\n".into(),
    );
    add(
        "platform/widgets.yaml",
        "apiVersion: policy.karmada.io/v1alpha1\nkind: ClusterPropagationPolicy\nmetadata: {name: widgets}\nspec:\n  resourceSelectors:\n    - {apiVersion: apiextensions.k8s.io/v1, kind: CustomResourceDefinition}\n    - {apiVersion: acme.dev/v1, kind: Widget}\n  placement:\n    clusterAffinity: {labelSelector: {matchLabels: {env: prod}}}\n".into(),
    );
    objects += 2;
    add(
        "platform/flags.yaml",
        config_map("feature-flags", "shop", "kind: flags"),
    );
    add(
        "platform/flags.yaml",
        "apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata: {name: flags, namespace: shop}\nspec:\n  resourceSelectors: [{apiVersion: v1, kind: ConfigMap, labelSelector: {matchLabels: {kind: flags}}}]\n  placement: {}\n".into(),
    );
    add(
        "platform/info-policy.yaml",
        "apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata: {name: cluster-info, namespace: shop}\nspec:\n  resourceSelectors: [{apiVersion: v1, kind: ConfigMap, name: cluster-info}]\n  placement:\n    clusterTolerations: [{operator: Exists}]\n".into(),
    );
    objects += 2; // feature-flags, and the template's cluster-info
    // overrides that select workloads of every shard
    add(
        "platform/overrides.yaml",
        "apiVersion: policy.karmada.io/v1alpha1\nkind: OverridePolicy\nmetadata: {name: registry, namespace: shop}\nspec:\n  resourceSelectors: [{apiVersion: apps/v1, kind: Deployment}]\n  overrideRules:\n    - targetCluster: {fieldSelector: {matchExpressions: [{key: provider, operator: In, values: [gcp]}]}}\n      overriders:\n        imageOverrider: [{component: Registry, operator: replace, value: europe-docker.pkg.dev}]\n".into(),
    );
    add(
        "platform/overrides.yaml",
        "apiVersion: policy.karmada.io/v1alpha1\nkind: ClusterOverridePolicy\nmetadata: {name: staging-label}\nspec:\n  resourceSelectors: [{apiVersion: v1, kind: ConfigMap}]\n  overrideRules:\n    - targetCluster: {labelSelector: {matchLabels: {env: staging}}}\n      overriders:\n        labelsOverrider: [{operator: add, value: {stage: staging}}]\n".into(),
    );
    // shop/web-*: one connected group through the shared `common` ConfigMap
    add("apps/shop/common.yaml", config_map("common", "shop", ""));
    objects += 1;
    for i in 0..8 {
        let own = format!("web-{i}-config");
        let mut deps = vec![("configMapRef", "common")];
        if i % 2 == 0 {
            deps.push(("configMapRef", own.as_str()));
            add(
                &format!("apps/shop/web-{i}.yaml"),
                config_map(&own, "shop", ""),
            );
            objects += 1;
        }
        add(
            &format!("apps/shop/web-{i}.yaml"),
            deployment(&format!("web-{i}"), "shop", "web", 3 + i, &deps),
        );
        workloads += 1;
        objects += 1;
    }
    let largest_unit = 1 + 8 + 4;
    add(
        "apps/shop/policies.yaml",
        "apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata: {name: web, namespace: shop}\nspec:\n  resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, labelSelector: {matchLabels: {tier: web}}}]\n  propagateDeps: true\n  placement:\n    clusterAffinity: {labelSelector: {matchLabels: {env: prod}}}\n    replicaScheduling:\n      replicaSchedulingType: Divided\n      replicaDivisionPreference: Weighted\n      weightPreference:\n        staticWeightList:\n          - {targetCluster: {labelSelector: {matchLabels: {tier: gold}}}, weight: 2}\n          - {targetCluster: {labelSelector: {matchLabels: {tier: silver}}}, weight: 1}\n".into(),
    );
    // shop/api-*: own ConfigMaps; api-0 and api-1 share a Secret
    add("apps/shop/api-token.yaml", secret("api-token", "shop"));
    objects += 1;
    for i in 0..6 {
        let own = format!("api-{i}-config");
        let mut deps = vec![("configMapRef", own.as_str())];
        if i < 2 {
            deps.push(("secretRef", "api-token"));
        }
        add(
            &format!("apps/shop/api-{i}.yaml"),
            config_map(&own, "shop", ""),
        );
        add(
            &format!("apps/shop/api-{i}.yaml"),
            deployment(&format!("api-{i}"), "shop", "api", 2, &deps),
        );
        workloads += 1;
        objects += 2;
    }
    add(
        "apps/shop/policies.yaml",
        "apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata: {name: api, namespace: shop}\nspec:\n  resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, labelSelector: {matchLabels: {tier: api}}}]\n  propagateDeps: true\n  placement:\n    clusterAffinity: {labelSelector: {matchExpressions: [{key: env, operator: In, values: [prod, staging]}]}}\n    replicaScheduling: {replicaSchedulingType: Duplicated}\n".into(),
    );
    // shop/sf-*: short forms; sf-2 and sf-3 share a ConfigMap
    add(
        "apps/shop/shared-flags.yaml",
        config_map("shared-flags", "shop", ""),
    );
    objects += 1;
    for i in 0..6 {
        let own = format!("sf-{i}-config");
        let shared = if i == 2 || i == 3 {
            "            - configMapRef: {name: shared-flags}\n"
        } else {
            ""
        };
        let scheduling = ["DynamicWeight", "Duplicated", "Aggregated"][i % 3];
        add(
            &format!("apps/shop/sf-{i}.yaml"),
            config_map(&own, "shop", ""),
        );
        add(
            &format!("apps/shop/sf-{i}.yaml"),
            format!(
                "apiVersion: fanout.dev/v1alpha1\nkind: MulticloudDeployment\nmetadata: {{name: sf-{i}, namespace: shop}}\nspec:\n  replicas: {}\n  placement:\n    providers: [aws, gcp]\n  scheduling: {{type: {scheduling}}}\n  template:\n    spec:\n      containers:\n        - name: web\n          image: ghcr.io/acme/sf-{i}:1.0\n          envFrom:\n            - configMapRef: {{name: {own}}}\n{shared}          resources:\n            requests: {{cpu: 100m, memory: 128Mi}}\n  overrides:\n    - clusters: [gcp-us-1]\n      image: us-docker.pkg.dev/acme/sf-{i}:1.0\n",
                4 + i
            ),
        );
        workloads += 1;
        objects += 2;
    }
    // payments/pay-*: one group through the shared Secret `db`
    add("apps/payments/db.yaml", secret("db", "payments"));
    objects += 1;
    for i in 0..6 {
        add(
            &format!("apps/payments/pay-{i}.yaml"),
            deployment(
                &format!("pay-{i}"),
                "payments",
                "pay",
                2 + i,
                &[("secretRef", "db")],
            ),
        );
        workloads += 1;
        objects += 1;
    }
    add(
        "apps/payments/policy.yaml",
        "apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata: {name: pay, namespace: payments}\nspec:\n  resourceSelectors: [{apiVersion: apps/v1, kind: Deployment}]\n  propagateDeps: true\n  placement:\n    clusterAffinity:\n      fieldSelector: {matchExpressions: [{key: region, operator: In, values: [eu-west-1, europe-west4, us-east-1]}]}\n    replicaScheduling: {replicaSchedulingType: Divided, replicaDivisionPreference: Aggregated}\n".into(),
    );
    // batch/job-*: Jobs; three share the ServiceAccount `runner`
    add(
        "apps/batch/runner.yaml",
        "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: runner, namespace: batch}\n".into(),
    );
    objects += 1;
    for i in 0..6 {
        let sa = if i < 3 {
            "      serviceAccountName: runner\n      restartPolicy: Never\n"
        } else {
            "      restartPolicy: Never\n"
        };
        add(
            &format!("apps/batch/job-{i}.yaml"),
            format!(
                "apiVersion: batch/v1\nkind: Job\nmetadata: {{name: job-{i}, namespace: batch}}\nspec:\n  parallelism: 2\n  completions: 6\n  template:\n    spec:\n{}",
                pod_spec(&format!("job-{i}"), &[], sa)
            ),
        );
        workloads += 1;
        objects += 1;
    }
    add(
        "apps/batch/policy.yaml",
        "apiVersion: policy.karmada.io/v1alpha1\nkind: ClusterPropagationPolicy\nmetadata: {name: batch-jobs}\nspec:\n  resourceSelectors: [{apiVersion: batch/v1, kind: Job}]\n  propagateDeps: true\n  placement:\n    clusterAffinity: {clusterNames: [aws-batch-1, aws-us-1, gcp-us-1]}\n    clusterTolerations: [{key: dedicated, operator: Equal, value: batch, effect: NoSchedule}]\n    replicaScheduling:\n      replicaSchedulingType: Divided\n      replicaDivisionPreference: Weighted\n      weightPreference:\n        staticWeightList:\n          - {targetCluster: {clusterNames: [aws-batch-1]}, weight: 3}\n          - {targetCluster: {clusterNames: [aws-us-1, gcp-us-1]}, weight: 1}\n".into(),
    );
    for i in 0..2 {
        add(
            &format!("apps/batch/report-{i}.yaml"),
            format!(
                "apiVersion: fanout.dev/v1alpha1\nkind: MulticloudJob\nmetadata: {{name: report-{i}, namespace: batch}}\nspec:\n  parallelism: 2\n  completions: 4\n  restartPolicy: OnFailure\n  placement:\n    clusterNames: [aws-batch-1, gcp-us-1]\n    tolerations:\n      - {{key: dedicated, operator: Equal, value: batch, effect: NoSchedule}}\n  scheduling:\n    type: StaticWeight\n    weights: {{aws-batch-1: 3, gcp-us-1: 1}}\n  template:\n    spec:\n      containers:\n        - name: report\n          image: ghcr.io/acme/report:1.{i}\n          resources:\n            requests: {{cpu: 100m, memory: 128Mi}}\n"
            ),
        );
        workloads += 1;
        objects += 1;
    }
    let template = (
        "platform/cluster-info.yaml.j2".to_owned(),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cluster-info\n  namespace: shop\ndata:\n  CLUSTER: {{ cluster.name }}\n  REGION: {{ cluster.region }}\n".to_owned(),
    );
    Estate {
        files,
        template,
        largest_unit,
        workloads,
        objects,
    }
}

/// Write the estate: `shuffled` puts every document in a file of its own, named so that the files are
/// read in the reverse order of the documents (and so of the original files).
fn write(estate: &Estate, root: &Path, shuffled: bool) {
    let mut out: Vec<(String, String)> = Vec::new();
    if shuffled {
        let docs: Vec<&String> = estate.files.iter().flat_map(|(_, d)| d).collect();
        for (k, doc) in docs.iter().enumerate() {
            out.push((format!("all/{:03}.yaml", 999 - k), (*doc).clone()));
        }
        out.push(("zz/info.yaml.j2".into(), estate.template.1.clone()));
    } else {
        for (file, docs) in &estate.files {
            out.push((file.clone(), docs.join("---\n")));
        }
        out.push(estate.template.clone());
    }
    for (file, text) in out {
        let path = root.join(file);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
}

/// Every file under `dir` by its '/'-separated path, but fanout's own `.fanout/` and the directories
/// of shards (`shard-*`, when `dir` is the whole render's).
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let rel = p.strip_prefix(dir).unwrap().to_str().unwrap().to_owned();
            if rel == ".fanout" || rel.starts_with("shard-") {
                continue;
            }
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(rel, fs::read(&p).unwrap());
            }
        }
    }
    out
}

/// Object files: all but each cluster's `kustomization.yaml`.
fn objects(tree: &BTreeMap<String, Vec<u8>>) -> BTreeMap<&str, &[u8]> {
    (tree.iter())
        .filter(|(p, _)| !p.ends_with("/kustomization.yaml"))
        .map(|(p, b)| (p.as_str(), b.as_slice()))
        .collect()
}

/// The resources a cluster's `kustomization.yaml` lists.
fn listed(tree: &BTreeMap<String, Vec<u8>>) -> BTreeMap<String, BTreeSet<String>> {
    (tree.iter())
        .filter_map(|(p, b)| Some((p.strip_suffix("/kustomization.yaml")?, b)))
        .map(|(cluster, b)| {
            let text = String::from_utf8_lossy(b);
            let items = (text.lines())
                .filter_map(|l| l.strip_prefix("- "))
                .map(str::to_owned);
            (cluster.to_owned(), items.collect())
        })
        .collect()
}

fn placement_lines(dir: &Path) -> Vec<String> {
    let text = fs::read_to_string(dir.join(".fanout/placement.tsv")).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

fn split(repo: &Path, n: usize) -> Vec<Value> {
    let out = ok(
        &["shards", ".", "--count", &n.to_string(), "--output", "json"],
        repo,
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        stdout.lines().count(),
        1,
        "one line for $GITHUB_OUTPUT: {stdout}"
    );
    serde_json::from_str::<Value>(&stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn the_union_of_the_shards_is_the_whole_render() {
    let estate = estate();
    assert!(estate.workloads >= 30, "{} workloads", estate.workloads);
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    write(&estate, &repo, false);
    ok(&["render", "."], &repo);
    let rendered = repo.join("rendered");
    let whole = files(&rendered);
    let whole_objects = objects(&whole);
    assert!(whole_objects.len() > 150, "{} files", whole_objects.len());
    let whole_listed = listed(&whole);
    let mut whole_placement = placement_lines(&rendered);
    whole_placement.sort();
    let per_object = CLUSTERS as u64;
    for n in 1..=4 {
        let entries = split(&repo, n);
        assert_eq!(entries.len(), n);
        // every object and workload counted once; the cost within the bound
        let sum = |key: &str| {
            entries
                .iter()
                .map(|e| e[key].as_u64().unwrap())
                .sum::<u64>()
        };
        assert_eq!(sum("workloads"), estate.workloads as u64, "{n} shards");
        assert_eq!(sum("objects"), estate.objects as u64, "{n} shards");
        let total = sum("cost");
        assert_eq!(total, estate.objects as u64 * per_object);
        let mean = total.div_ceil(n as u64);
        let bound = (total * 105)
            .div_ceil(100 * n as u64)
            .max(mean + estate.largest_unit as u64 * per_object);
        for (i, e) in entries.iter().enumerate() {
            assert_eq!(e["shard"], format!("{}/{n}", i + 1));
            assert_eq!(e["dir"], format!("shard-{}-of-{n}", i + 1));
            assert_eq!(e["cost"], e["objects"].as_u64().unwrap() * per_object);
            assert!(
                e["cost"].as_u64().unwrap() <= bound,
                "{n} shards: {e} over {bound}"
            );
        }
        // each shard renders into its own directory; the union is the whole render
        let mut union: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        let mut union_listed: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut union_placement = Vec::new();
        for e in &entries {
            let shard = e["shard"].as_str().unwrap();
            ok(&["render", ".", "--shard", shard], &repo);
            let dir = rendered.join(e["dir"].as_str().unwrap());
            assert_eq!(
                fs::read_to_string(dir.join(".fanout/shard")).unwrap(),
                format!("{shard}\n")
            );
            let tree = files(&dir);
            for (path, bytes) in objects(&tree) {
                let before = union.insert(path.to_owned(), bytes.to_vec());
                assert!(before.is_none(), "{path} is in two shards of {n}");
            }
            for (cluster, items) in listed(&tree) {
                union_listed.entry(cluster).or_default().extend(items);
            }
            union_placement.extend(placement_lines(&dir));
            // the shard's tree is up to date and its plan names only its objects
            ok(&["check", ".", "--shard", shard], &repo);
        }
        let union_objects: BTreeMap<&str, &[u8]> = union
            .iter()
            .map(|(p, b)| (p.as_str(), b.as_slice()))
            .collect();
        assert_eq!(
            union_objects.keys().collect::<Vec<_>>(),
            whole_objects.keys().collect::<Vec<_>>(),
            "{n} shards"
        );
        assert!(
            union_objects == whole_objects,
            "{n} shards: some file differs"
        );
        assert_eq!(union_listed, whole_listed, "{n} shards");
        union_placement.sort();
        assert_eq!(union_placement, whole_placement, "{n} shards");
    }
}

#[test]
fn plan_of_a_shard_names_its_objects_only() {
    let estate = estate();
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    write(&estate, &repo, false);
    let names = |args: &[&str]| -> Vec<String> {
        let out = ok(args, &repo);
        let plan: Value = serde_json::from_slice(&out.stdout).unwrap();
        (plan["workloads"].as_array().unwrap().iter())
            .map(|w| format!("{}/{}/{}", w["kind"], w["namespace"], w["name"]))
            .collect()
    };
    let mut whole = names(&["plan", ".", "--output", "json"]);
    whole.sort();
    let mut union = Vec::new();
    for shard in ["1/3", "2/3", "3/3"] {
        let part = names(&["plan", ".", "--output", "json", "--shard", shard]);
        assert!(!part.is_empty(), "shard {shard} is empty");
        union.extend(part);
    }
    union.sort();
    assert_eq!(union, whole);
}

#[test]
fn shards_do_not_depend_on_file_order() {
    let estate = estate();
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    write(&estate, &a, false);
    write(&estate, &b, true);
    for n in [2, 3] {
        assert_eq!(split(&a, n), split(&b, n), "{n} shards");
        for i in 1..=n {
            let shard = format!("{i}/{n}");
            ok(&["render", ".", "--shard", &shard], &a);
            ok(&["render", ".", "--shard", &shard], &b);
            let dir = format!("rendered/shard-{i}-of-{n}");
            assert!(
                files(&a.join(&dir)) == files(&b.join(&dir)),
                "shard {shard} differs"
            );
        }
    }
}

#[test]
fn a_shard_never_renders_over_another() {
    let estate = estate();
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    write(&estate, &repo, false);
    ok(&["render", ".", "--shard", "1/2", "--out", "out"], &repo);
    let before = files(&repo.join("out"));
    for args in [
        &["render", ".", "--shard", "2/2", "--out", "out"][..],
        &["render", ".", "--shard", "1/3", "--out", "out"][..],
        &["render", ".", "--out", "out"][..],
    ] {
        let out = fanout(args, &repo);
        assert_eq!(out.status.code(), Some(3), "{args:?}: {}", text(&out));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("holds the render of shard 1/2"), "{stderr}");
    }
    assert!(files(&repo.join("out")) == before, "a refused render wrote");
    // and a shard refuses a whole render's directory
    ok(&["render", ".", "--out", "whole"], &repo);
    let out = fanout(&["render", ".", "--shard", "1/2", "--out", "whole"], &repo);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("holds the render of the whole repository")
    );
    // a bad shard is a usage error
    for bad in ["0/2", "3/2", "1/0", "x"] {
        let out = fanout(&["render", ".", "--shard", bad], &repo);
        assert_eq!(out.status.code(), Some(3), "{bad}: {}", text(&out));
    }
    let out = fanout(&["shards", ".", "--count", "0"], &repo);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
}

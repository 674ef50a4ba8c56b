//! Decisions → what each cluster receives, as files: the per-cluster objects (replicas revised, Job
//! completions divided, overrides applied, server-set fields dropped) serialised to YAML, one file per
//! object, a `kustomization.yaml` per cluster, and fanout's own bookkeeping under `.fanout/`.
//!
//! Pure: the model and the decisions in, a [`Tree`] (path → bytes) out; `emit` writes it. Output is
//! deterministic: objects keep the key order they were written with (after `apiVersion`, `kind`,
//! `metadata`), files are sorted, nothing depends on time or on the order input was read in.

pub mod diff;
pub mod overrides;
pub mod review;
pub mod schedule;

use crate::diagnostic::Diagnostic;
use crate::emit::Tree;
use crate::model::{Cluster, Model, ObjectRef, Resource};
use crate::place::{Decision, Outcome};
use serde_json::{Map, Value};
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// Directory (under the output directory) of fanout's own files; never YAML.
pub const STATE_DIR: &str = ".fanout";
/// The placement summary, one line per object and cluster.
pub const PLACEMENT_FILE: &str = ".fanout/placement.tsv";

/// One object as one cluster receives it.
#[derive(Clone, Debug, PartialEq)]
pub struct ClusterObject {
    pub id: ObjectRef,
    /// Path of the output file, relative to the output directory.
    pub path: String,
    /// The whole file: one header comment line, then the object's YAML. Clusters that receive the same
    /// object share one allocation.
    pub file: Arc<str>,
}

impl ClusterObject {
    /// The object's YAML, without the header line.
    pub fn yaml(&self) -> &str {
        self.file.split_once('\n').map_or("", |(_, yaml)| yaml)
    }
}

/// Every cluster's objects, by cluster name; clusters that receive nothing are present with no objects.
pub type Rendered = BTreeMap<String, Vec<ClusterObject>>;

/// Metadata the API server sets: meaningless in a manifest, and wrong on another cluster (uids).
pub const SERVER_METADATA: [&str; 9] = [
    "uid",
    "resourceVersion",
    "creationTimestamp",
    "generation",
    "managedFields",
    "selfLink",
    "ownerReferences",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
];

/// File name of an object inside its cluster directory: `<namespace>/<Kind>[.<group>]_<name>.yaml`, with
/// `_cluster` for cluster-scoped objects (namespaces cannot contain `_`). Characters outside
/// `[A-Za-z0-9._-]` are written as `%XX` so distinct names never share a file.
pub fn object_path(cluster: &str, id: &ObjectRef) -> String {
    let group = id.group();
    let kind = if group.is_empty() {
        id.kind.clone()
    } else {
        format!("{}.{group}", id.kind)
    };
    let dir = id.namespace.as_deref().unwrap_or("_cluster");
    format!(
        "{cluster}/{dir}/{}_{}.yaml",
        escape(&kind),
        escape(&id.name)
    )
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// What makes one cluster's copy of an object differ from another's: a template's rendering for that
/// cluster, the replicas and completions written into it, and the override rules that match the cluster.
/// Clusters with equal keys receive byte-identical files, so each distinct key is rendered once.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Variant<'a> {
    template: Option<&'a str>,
    replicas: Option<i32>,
    completions: Option<i32>,
    rules: Vec<(usize, usize)>,
}

/// The objects of every cluster. Failures (an override that does not apply) are located diagnostics;
/// when there is any, nothing should be written.
pub fn render(model: &Model, decisions: &[Decision]) -> Result<Rendered, Vec<Diagnostic>> {
    render_clusters(model, decisions, None)
}

/// [`render`] for the clusters in `only` (all when `None`): placement is always decided for every
/// cluster, since replicas are divided among them, but objects are made only for the selected ones, so
/// a render of one cluster (an Argo CD Application, a CI shard) costs that cluster's objects. Failures on
/// other clusters are not looked for.
pub fn render_clusters(
    model: &Model,
    decisions: &[Decision],
    only: Option<&BTreeSet<String>>,
) -> Result<Rendered, Vec<Diagnostic>> {
    let clusters: HashMap<&str, &Cluster> = (model.clusters.iter())
        .filter(|c| only.is_none_or(|o| o.contains(&c.name)))
        .map(|c| (c.name.as_str(), c))
        .collect();
    let mut out: Rendered = (clusters.keys())
        .map(|&name| (name.to_owned(), Vec::new()))
        .collect();
    let mut diagnostics = Vec::new();
    let by_namespace = overrides::ByNamespace::new(model);
    for d in decisions {
        let Outcome::Placed(placed) = &d.outcome else {
            continue;
        };
        let resource = &model.resources[d.resource];
        let policies = by_namespace.policies_for(resource);
        let header = format!(
            "# {} placed by fanout; edit the source, not this file\n",
            resource.id
        );
        let mut made: HashMap<Variant<'_>, Result<Arc<str>, overrides::OverrideError>> =
            HashMap::new();
        for target in &placed.targets {
            let Some(&cluster) = clusters.get(target.cluster.as_str()) else {
                continue;
            };
            let key = Variant {
                template: (resource.variants.get_key_value(&cluster.name)).map(|(k, _)| k.as_str()),
                replicas: target.replicas.filter(|_| placed.workload),
                completions: (target.completions)
                    .filter(|_| placed.workload && resource.id.kind == "Job"),
                rules: overrides::matching_rules(&policies, cluster),
            };
            let file = match made.entry(key) {
                Entry::Occupied(e) => e.get().clone(),
                Entry::Vacant(e) => {
                    let body = cluster_object(resource, e.key(), &policies);
                    let file = body.map(|body| Arc::from(header.clone() + &to_yaml(&body)));
                    e.insert(file).clone()
                }
            };
            match file {
                Ok(file) => out
                    .entry(cluster.name.clone())
                    .or_default()
                    .push(ClusterObject {
                        id: resource.id.clone(),
                        path: object_path(&cluster.name, &resource.id),
                        file,
                    }),
                Err(e) => {
                    let policy = policies[e.policy];
                    diagnostics.push(
                        Diagnostic::error(
                            "override",
                            policy.origin.span_at(&e.pointer),
                            format!(
                                "cannot override `{}` for cluster `{}`: {}",
                                resource.id, cluster.name, e.message
                            ),
                        )
                        .with_related(resource.origin.span_at("/metadata/name"), "the object"),
                    );
                }
            }
        }
    }
    for objects in out.values_mut() {
        objects.sort_by(|a, b| a.path.cmp(&b.path));
    }
    if diagnostics.is_empty() {
        Ok(out)
    } else {
        Err(diagnostics)
    }
}

/// The object the clusters of one [`Variant`] receive (karmada-semantics.md §6.2): replicas revised where
/// the template has the field, Job completions divided, overrides applied, namespace made explicit,
/// server fields dropped.
fn cluster_object(
    resource: &Resource,
    variant: &Variant<'_>,
    policies: &[&crate::model::OverridePolicy],
) -> Result<Value, overrides::OverrideError> {
    let mut body = match variant.template {
        Some(cluster) => resource.variants[cluster].clone(),
        None => resource.body.clone(),
    };
    if let Some(n) = variant.replicas {
        let field = if resource.id.kind == "Job" {
            "parallelism"
        } else {
            "replicas"
        };
        if let Some(slot) = body.pointer_mut(&format!("/spec/{field}")) {
            *slot = Value::from(n);
        }
    }
    if let Some(c) = variant.completions
        && let Some(slot) = body.pointer_mut("/spec/completions")
    {
        *slot = Value::from(c);
    }
    overrides::apply_rules(policies, &variant.rules, &mut body)?;
    Ok(normalise(body, resource.id.namespace.as_deref()))
}

/// `apiVersion`, `kind`, `metadata` first (with the namespace explicit), then the rest in written order;
/// server-set metadata and `status` dropped.
fn normalise(body: Value, namespace: Option<&str>) -> Value {
    let Value::Object(mut map) = body else {
        return body;
    };
    let mut out = Map::new();
    for key in ["apiVersion", "kind"] {
        if let Some(v) = map.shift_remove(key) {
            out.insert(key.into(), v);
        }
    }
    let mut meta = match map.shift_remove("metadata") {
        Some(Value::Object(m)) => m,
        _ => Map::new(),
    };
    for f in SERVER_METADATA {
        meta.shift_remove(f);
    }
    if let Some(ns) = namespace {
        let mut ordered = Map::new();
        if let Some(name) = meta.shift_remove("name") {
            ordered.insert("name".into(), name);
        }
        ordered.insert("namespace".into(), Value::from(ns));
        meta.shift_remove("namespace");
        ordered.extend(meta);
        meta = ordered;
    }
    out.insert("metadata".into(), Value::Object(meta));
    map.shift_remove("status");
    out.extend(map);
    Value::Object(out)
}

/// YAML text of one object.
pub fn to_yaml(body: &Value) -> String {
    serde_saphyr::to_string(body).unwrap_or_default()
}

/// The output tree of the given clusters (all when `only` is None): object files, a `kustomization.yaml`
/// per cluster, the placement summary and the schedule result the next render starts from
/// ([`schedule`]).
pub fn tree(
    model: &Model,
    rendered: &Rendered,
    decisions: &[Decision],
    only: Option<&BTreeSet<String>>,
) -> Tree {
    let mut tree = Tree::new();
    for (cluster, objects) in rendered {
        if only.is_some_and(|o| !o.contains(cluster)) {
            continue;
        }
        let mut resources = Vec::new();
        for o in objects {
            tree.insert(o.path.clone(), Arc::<[u8]>::from(o.file.clone()));
            resources.push(o.path[cluster.len() + 1..].to_owned());
        }
        let mut k = String::from(
            "# Generated by fanout: the objects of this cluster, for `kubectl apply -k`, Argo CD and Flux.\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n",
        );
        if resources.is_empty() {
            k.push_str("resources: []\n");
        } else {
            k.push_str("resources:\n");
            for r in &resources {
                k.push_str(&format!("- {r}\n"));
            }
        }
        tree.insert(
            format!("{cluster}/kustomization.yaml"),
            k.into_bytes().into(),
        );
    }
    tree.insert(
        PLACEMENT_FILE.into(),
        placement_summary(model, decisions).into_bytes().into(),
    );
    tree.insert(
        schedule::SCHEDULE_FILE.into(),
        schedule::to_text(model, decisions).into_bytes().into(),
    );
    tree
}

/// `cluster \t object \t replicas` for every placement, sorted: what moved where, at a glance.
pub fn placement_summary(model: &Model, decisions: &[Decision]) -> String {
    let mut lines = BTreeSet::new();
    for d in decisions {
        let Outcome::Placed(p) = &d.outcome else {
            continue;
        };
        let id = &model.resources[d.resource].id;
        for t in &p.targets {
            let replicas = t.replicas.map_or("-".to_owned(), |n| n.to_string());
            lines.insert(format!(
                "{}\t{}\t{}\t{replicas}",
                t.cluster, id.api_version, id
            ));
        }
    }
    let mut out = String::from("# cluster\tapiVersion\tobject\treplicas\n");
    for l in lines {
        out.push_str(&l);
        out.push('\n');
    }
    out
}

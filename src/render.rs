//! Decisions → what each cluster receives, as files: the per-cluster objects (replicas revised, Job
//! completions divided, overrides applied, server-set fields dropped) serialised to YAML, one file per
//! object, a `kustomization.yaml` per cluster, and fanout's own bookkeeping under `.fanout/`.
//!
//! Pure: the model and the decisions in, a [`Tree`] (path → bytes) out; `emit` writes it. Output is
//! deterministic: objects keep the key order they were written with (after `apiVersion`, `kind`,
//! `metadata`), files are sorted, nothing depends on time or on the order input was read in.

pub mod diff;
pub mod overrides;
pub mod paths;
pub mod review;
pub mod schedule;

pub use paths::object_path;

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
    // which resource each output path belongs to: two objects must never share a file
    let mut owners: HashMap<String, usize> = HashMap::new();
    let mut clashes = BTreeSet::new();
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
        let suspended = d.policy.map(|p| &model.propagation_policies[p].suspended);
        let revised = revised(model, resource, placed);
        for target in &placed.targets {
            let Some(&cluster) = clusters.get(target.cluster.as_str()) else {
                continue;
            };
            // `suspension`: scheduled, but nothing is dispatched to this cluster
            if suspended.is_some_and(|s| s.covers(&cluster.name)) {
                continue;
            }
            let key = Variant {
                template: (resource.variants.get_key_value(&cluster.name)).map(|(k, _)| k.as_str()),
                replicas: target.replicas.filter(|_| revised),
                completions: (target.completions)
                    .filter(|_| placed.workload && resource.id.kind == "Job"),
                rules: overrides::matching_rules(&policies, cluster),
            };
            let file = match made.entry(key) {
                Entry::Occupied(e) => e.get().clone(),
                Entry::Vacant(e) => {
                    let body = cluster_object(model, resource, e.key(), &policies);
                    let file = body.map(|body| Arc::from(header.clone() + &to_yaml(&body)));
                    e.insert(file).clone()
                }
            };
            let path = object_path(&cluster.name, &resource.id);
            match owners.entry(path.clone()) {
                Entry::Occupied(e) if *e.get() != d.resource => {
                    // the file name scheme is injective; this guards it: never drop an object silently
                    let first = *e.get();
                    if clashes.insert((first, d.resource)) {
                        diagnostics.push(clash(&model.resources[first], resource, &path));
                    }
                    continue;
                }
                Entry::Occupied(_) => {}
                Entry::Vacant(e) => {
                    e.insert(d.resource);
                }
            }
            match file {
                Ok(file) => out
                    .entry(cluster.name.clone())
                    .or_default()
                    .push(ClusterObject {
                        id: resource.id.clone(),
                        path,
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

/// Two objects that would be written to one file: an error at the second, naming the first.
fn clash(first: &Resource, second: &Resource, path: &str) -> Diagnostic {
    Diagnostic::error(
        "duplicate",
        second.origin.span_at("/metadata/name"),
        format!(
            "`{}` ({}) and `{}` ({}) would both be written to `{path}`",
            second.id, second.id.api_version, first.id, first.id.api_version
        ),
    )
    .with_related(first.origin.span_at("/metadata/name"), "the other object")
}

/// Replicas as they land where an override changes them (a Deployment's `spec.replicas`, a Job's
/// `spec.parallelism`): (resource index, cluster) → the rendered count, only where it differs from the
/// scheduled one, so `plan` can show both. Only objects with override rules for a cluster are rendered.
pub fn overridden_replicas(model: &Model, decisions: &[Decision]) -> crate::place::plan::Landed {
    use rayon::prelude::*;
    let by_namespace = overrides::ByNamespace::new(model);
    let clusters: HashMap<&str, &Cluster> = model
        .clusters
        .iter()
        .map(|c| (c.name.as_str(), c))
        .collect();
    let found: Vec<Vec<((usize, String), i64)>> = (decisions.par_iter())
        .map(|d| {
            let Outcome::Placed(placed) = &d.outcome else {
                return Vec::new();
            };
            let resource = &model.resources[d.resource];
            let policies = by_namespace.policies_for(resource);
            if !revised(model, resource, placed) || policies.is_empty() {
                return Vec::new();
            }
            let field = if resource.id.kind == "Job" {
                "/spec/parallelism"
            } else {
                "/spec/replicas"
            };
            // Only a plaintext operation on the field, or on a field holding it, can change it.
            let touched = (policies.iter())
                .flat_map(|p| &p.rules)
                .flat_map(|r| &r.overriders.plaintext)
                .any(|o| pointers_overlap(&o.path, field));
            if !touched {
                return Vec::new();
            }
            let mut out = Vec::new();
            // Clusters with the same rules, template and count render the same count: once each.
            let mut seen: HashMap<VariantKey, Option<i64>> = HashMap::new();
            for target in &placed.targets {
                let (Some(n), Some(&cluster)) =
                    (target.replicas, clusters.get(target.cluster.as_str()))
                else {
                    continue;
                };
                let rules = overrides::matching_rules(&policies, cluster);
                if rules.is_empty() {
                    continue;
                }
                let template =
                    (resource.variants.get_key_value(&cluster.name)).map(|(k, _)| k.as_str());
                let rendered = *seen.entry((rules.clone(), template, n)).or_insert_with(|| {
                    let variant = Variant {
                        template,
                        replicas: Some(n),
                        completions: None,
                        rules,
                    };
                    cluster_object(model, resource, &variant, &policies)
                        .ok()
                        .and_then(|o| o.pointer(field).and_then(Value::as_i64))
                });
                if let Some(r) = rendered.filter(|r| *r != i64::from(n)) {
                    out.push(((d.resource, cluster.name.clone()), r));
                }
            }
            out
        })
        .collect();
    found.into_iter().flatten().collect()
}

/// What a cluster's copy of an object depends on besides the object: the override rules that apply,
/// its template variant and its replicas.
type VariantKey<'a> = (Vec<(usize, usize)>, Option<&'a str>, i32);

/// Whether one JSON pointer is the other or holds it (`/spec` holds `/spec/replicas`; `` holds all).
fn pointers_overlap(a: &str, b: &str) -> bool {
    let holds = |outer: &str, inner: &str| {
        inner
            .strip_prefix(outer)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    };
    holds(a, b) || holds(b, a)
}

/// Whether each cluster's copy gets its replicas written in: Karmada's binding controller calls
/// ReviseReplica only for a binding that is a workload (`IsWorkload`: replicas > 0 or replica
/// requirements, `pkg/controllers/binding/common.go`), not by kind; a Job with `completions: 0` keeps
/// its (defaulted) `parallelism`. Only a binding without replicas needs the interpreter asked again.
fn revised(model: &Model, resource: &Resource, placed: &crate::place::Placed) -> bool {
    placed.workload
        && (placed.total_replicas().unwrap_or(0) > 0
            || crate::place::interpret::binding(model, resource).is_workload())
}

/// The object the clusters of one [`Variant`] receive (karmada-semantics.md §6.2): replicas revised
/// ([`crate::place::interpret::revise`]), Job completions divided, overrides applied, namespace made
/// explicit, server fields dropped.
fn cluster_object(
    model: &Model,
    resource: &Resource,
    variant: &Variant<'_>,
    policies: &[&crate::model::OverridePolicy],
) -> Result<Value, overrides::OverrideError> {
    let mut body = match variant.template {
        Some(cluster) => resource.variants[cluster].clone(),
        None => resource.body.clone(),
    };
    // the template as karmada-apiserver stores it, then Karmada's ReviseReplica
    crate::place::interpret::api_defaults(resource, &mut body);
    if let Some(n) = variant.replicas {
        crate::place::interpret::revise(model, resource, &mut body, n);
    }
    if let Some(c) = variant.completions
        && let Some(slot) = body.pointer_mut("/spec/completions")
    {
        *slot = Value::from(c);
    }
    if !variant.rules.is_empty() {
        nesting_after_overrides(&body, policies, &variant.rules)?;
    }
    overrides::apply_rules(policies, &variant.rules, &mut body)?;
    Ok(normalise(body, resource.id.namespace.as_deref()))
}

/// The deepest nesting fanout writes: twice the deepest it reads
/// ([`MAX_DEPTH_CEILING`](crate::front::config::MAX_DEPTH_CEILING)) and room for a few more rules, so
/// one override may put a value as deep as the reader allows into an object as deep. Writing a file
/// recurses once per level, on the main thread (8 MiB): about 1.8 KiB a level in a debug build, 0.4 KiB
/// in a release build, so 2,048 levels take 3.7 MiB at worst.
pub const MAX_OUTPUT_DEPTH: usize = 2 * crate::front::config::MAX_DEPTH_CEILING + 48;

/// How deeply mappings and sequences nest in `v` (a scalar: 0), without recursion.
pub fn nesting(v: &Value) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(v, 1)];
    while let Some((v, level)) = stack.pop() {
        match v {
            Value::Array(items) => {
                deepest = deepest.max(level);
                stack.extend(items.iter().map(|c| (c, level + 1)));
            }
            Value::Object(map) => {
                deepest = deepest.max(level);
                stack.extend(map.values().map(|c| (c, level + 1)));
            }
            _ => {}
        }
    }
    deepest
}

/// Each override rule can nest an object deeper, each by as much as its values nest, so rules applied
/// one after the other can build an object far deeper than any file (a value put under the one put by
/// the rule before): deep enough to overflow the stack that writes it, or even drops it. Before any
/// rule is applied, bound the nesting they can reach; past [`MAX_OUTPUT_DEPTH`], fail at the rule that
/// crosses it. The bound: a plaintext value nests at most one level below the object's deepest, a field
/// overrider's document (read with the default reader limits) as deep as those limits plus its own
/// values, and the other overriders add a few fixed levels (labels, annotations, commands, images).
fn nesting_after_overrides(
    body: &Value,
    policies: &[&crate::model::OverridePolicy],
    rules: &[(usize, usize)],
) -> Result<(), overrides::OverrideError> {
    const FIXED: usize = 8;
    let embedded = crate::front::yaml::Limits::default().max_depth;
    let mut bound = nesting(body);
    for &(index, rule) in rules {
        let policy = policies[index];
        let ov = &policy.rules[rule].overriders;
        let value = |v: &Option<Value>| 1 + v.as_ref().map_or(0, nesting);
        bound += ov.plaintext.iter().map(|p| value(&p.value)).sum::<usize>() + FIXED;
        for f in &ov.field_overrider {
            let document = embedded
                + f.json
                    .iter()
                    .chain(&f.yaml)
                    .map(|p| value(&p.value))
                    .sum::<usize>();
            bound = bound.max(document);
        }
        if bound > MAX_OUTPUT_DEPTH {
            let pointer = if policy.generated_for.is_some() {
                format!("/spec/overrides/{rule}")
            } else {
                format!("/spec/overrideRules/{rule}")
            };
            return Err(overrides::OverrideError {
                policy: index,
                pointer,
                message: format!(
                    "with this rule the overrides could nest the object up to {bound} levels deep, more than the {MAX_OUTPUT_DEPTH} fanout writes"
                ),
            });
        }
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::place::tests::{cluster, model};

    /// Two objects that map to one file are an error at the second, never a silent drop: the duplicate
    /// check keys objects by group, so this can only be reached by a model built around it (here, two
    /// versions of one group's kind), but the guard must hold whatever the file name scheme becomes.
    #[test]
    fn two_objects_for_one_file_are_an_error() {
        let mut m = model(&format!(
            "{}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: a, namespace: ns}}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: b, namespace: ns}}\n---\napiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata: {{name: p, namespace: ns}}\nspec:\n  resourceSelectors: [{{apiVersion: v1, kind: ConfigMap}}, {{apiVersion: v2, kind: ConfigMap}}]\n  placement: {{}}\n",
            cluster("c1", "r", "", "")
        ));
        m.resources[1].id.api_version = "v2".into();
        m.resources[1].id.name = "a".into();
        let (decisions, _) = crate::place::place(&m);
        let errors = render(&m, &decisions).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].code, "duplicate");
        assert!(
            errors[0].message.contains("c1/ns/ConfigMap_a.yaml"),
            "{}",
            errors[0].message
        );
        assert_eq!(errors[0].span.unwrap().start.line, 17);
        assert_eq!(errors[0].related[0].0.start.line, 13);
    }

    /// Override rules that each put a value below the one put by the rule before would build an object
    /// far deeper than any file: a located error at the rule that crosses the bound, before any is
    /// applied (issue #13, item 8). With the default limits, 30 rules of 100 levels reach 3,000.
    #[test]
    fn stacked_overrides_cannot_nest_past_the_bound() {
        let levels = 100;
        let mut rules = String::new();
        for i in 0..30 {
            rules.push_str(&format!(
                "    - overriders:\n        plaintext:\n          - path: /spec/deep{}\n            operator: replace\n            value: {}x{}\n",
                "/0".repeat(levels * (i + 1)),
                "[".repeat(levels),
                "]".repeat(levels)
            ));
        }
        let text = format!(
            "{}---\napiVersion: acme.dev/v1\nkind: Widget\nmetadata: {{name: w, namespace: ns}}\nspec:\n  deep: {}x{}\n---\napiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata: {{name: p, namespace: ns}}\nspec:\n  resourceSelectors: [{{apiVersion: acme.dev/v1, kind: Widget}}]\n  placement: {{}}\n---\napiVersion: policy.karmada.io/v1alpha1\nkind: OverridePolicy\nmetadata: {{name: o, namespace: ns}}\nspec:\n  resourceSelectors: [{{apiVersion: acme.dev/v1, kind: Widget}}]\n  overrideRules:\n{rules}",
            cluster("c1", "r", "", ""),
            "[".repeat(levels),
            "]".repeat(levels)
        );
        let m = model(&text);
        let (decisions, _) = crate::place::place(&m);
        let errors = render(&m, &decisions).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].code, "override");
        assert!(
            errors[0]
                .message
                .contains("more than the 2048 fanout writes"),
            "{}",
            errors[0].message
        );
        // 102 levels of object, then 101 + 8 more per rule: the 18th rule crosses 2,048
        let eighteenth = text
            .lines()
            .enumerate()
            .filter(|(_, l)| *l == "    - overriders:")
            .nth(17)
            .map(|(i, _)| i as u32 + 1);
        assert_eq!(Some(errors[0].span.unwrap().start.line), eighteenth);
    }

    /// Each cluster's Job starts from the API server's defaults; Karmada's ReviseReplica then writes its
    /// parallelism, only for a binding that is a workload (`IsWorkload`): a Job with `completions: 0`
    /// (0 replicas, no requests) keeps the defaulted `parallelism: 1`.
    #[test]
    fn jobs_are_defaulted_then_revised_only_as_workloads() {
        let job = |name: &str, spec: &str| {
            format!(
                "---\napiVersion: batch/v1\nkind: Job\nmetadata: {{name: {name}, namespace: ns}}\nspec:\n{spec}  template:\n    spec:\n      restartPolicy: Never\n      containers: [{{name: c, image: i}}]\n"
            )
        };
        let m = model(&format!(
            "{}{}{}{}{}",
            cluster("c1", "r", "", ""),
            cluster("c2", "r", "", ""),
            job("none", ""),
            job("zero", "  completions: 0\n"),
            "---\napiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata: {name: p, namespace: ns}\nspec:\n  resourceSelectors: [{apiVersion: batch/v1, kind: Job}]\n  placement:\n    replicaScheduling: {replicaSchedulingType: Divided, replicaDivisionPreference: Weighted}\n"
        ));
        let (decisions, _) = crate::place::place(&m);
        let rendered = render(&m, &decisions).unwrap();
        let spec = |cluster: &str, name: &str| -> Vec<String> {
            let file = (rendered[cluster].iter())
                .find(|o| o.id.name == name)
                .map(|o| o.file.to_string())
                .unwrap_or_default();
            (file.lines())
                .filter(|l| l.starts_with("  parallelism") || l.starts_with("  completions"))
                .map(str::to_owned)
                .collect()
        };
        // one replica, on the first cluster by name (Webster's tie-break without a uid)
        assert_eq!(spec("c1", "none"), ["  parallelism: 1", "  completions: 1"]);
        assert_eq!(spec("c2", "none"), Vec::<String>::new());
        for c in ["c1", "c2"] {
            assert_eq!(spec(c, "zero"), ["  parallelism: 1", "  completions: 0"]);
        }
    }

    #[test]
    fn nesting_counts_collections() {
        assert_eq!(nesting(&serde_json::json!(1)), 0);
        assert_eq!(
            nesting(&serde_json::json!({"a": [1, {"b": []}], "c": {}})),
            4
        );
    }
}

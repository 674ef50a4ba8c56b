//! Live ResourceBindings (`kubectl get resourcebindings,clusterresourcebindings -A -o yaml`) → the
//! previous schedule result ([`crate::place::steady::History`]), so that the first render of a
//! repository taken over from a live Karmada starts where Karmada is, not from a first schedule.
//!
//! Per binding (`work.karmada.io/v1alpha2` `ResourceBinding` or `ClusterResourceBinding`, alone or in a
//! `List`): the object is `spec.resource`; the result is `spec.clusters`; the placement it was scheduled
//! with is the annotation `policy.karmada.io/applied-placement` (JSON), resolved by fanout's own front
//! end (schema, webhook defaults) and fingerprinted like a repository placement; the term last used is
//! `status.schedulerObservedAffinityName`. A binding without the annotation, or whose placement fanout
//! cannot read, gets a fingerprint no placement has: Karmada reschedules such a binding on its next
//! pass (`placementChanged` with no applied placement), and so does fanout, in steady mode from the
//! adopted clusters. Bindings of objects that are not in the repository are left out (a note says so).
//!
//! Pure: values in, history and notes out; the command reads the files and writes the result through
//! [`crate::emit`].

use crate::front::schemas::Schemas;
use crate::model::api::ClusterAffinityTerm;
use crate::model::{Affinity, Model, ObjectRef, Placement};
use crate::place::steady::{History, Previous, placement_hash, term_hash};
use crate::source::{SourceFile, Sources};
use serde_json::Value;
use std::collections::BTreeSet;

/// Annotation Karmada's scheduler writes with the placement a binding was scheduled with.
pub const APPLIED_PLACEMENT: &str = "policy.karmada.io/applied-placement";

/// A fingerprint no placement has: the adopted result is rescheduled (steady) at the next render.
pub const UNKNOWN_PLACEMENT: &str = "0000000000000000";

/// What [`adopt`] found.
#[derive(Debug, Default)]
pub struct Adopted {
    pub history: History,
    /// One line per binding left out or adopted with an unknown placement.
    pub notes: Vec<String>,
}

/// The bindings among `documents` (objects, or `List`s of them) as previous results of the model's
/// objects. Errors: documents that are not bindings, or bindings without `spec.resource`.
pub fn adopt(
    model: &Model,
    documents: &[Value],
    schemas: &Schemas,
) -> Result<Adopted, Vec<String>> {
    let mut bindings = Vec::new();
    let mut errors = Vec::new();
    for doc in documents {
        let items: Vec<&Value> = match doc.get("items").and_then(Value::as_array) {
            Some(items) if doc.get("kind").and_then(Value::as_str) == Some("List") => {
                items.iter().collect()
            }
            _ => vec![doc],
        };
        for item in items {
            let kind = item.get("kind").and_then(Value::as_str).unwrap_or("");
            let api = item.get("apiVersion").and_then(Value::as_str).unwrap_or("");
            if !matches!(kind, "ResourceBinding" | "ClusterResourceBinding")
                || !api.starts_with("work.karmada.io/")
            {
                errors.push(format!(
                    "`{api}` `{kind}` is not a Karmada ResourceBinding or ClusterResourceBinding"
                ));
                continue;
            }
            bindings.push(item);
        }
    }
    let known: BTreeSet<&ObjectRef> = model.resources.iter().map(|r| &r.id).collect();
    let mut adopted = Adopted::default();
    let mut seen = BTreeSet::new();
    for b in bindings {
        let name = b
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or("?");
        let Some(id) = resource(b) else {
            errors.push(format!(
                "binding `{name}` has no `spec.resource` with apiVersion, kind and name"
            ));
            continue;
        };
        if !known.contains(&id) {
            adopted.notes.push(format!(
                "binding `{name}`: `{id}` is not in the repository; left out"
            ));
            continue;
        }
        if !seen.insert(id.clone()) {
            errors.push(format!("`{id}` has more than one binding (`{name}`)"));
            continue;
        }
        let mut clusters: Vec<(String, i32)> =
            (b.pointer("/spec/clusters").and_then(Value::as_array))
                .into_iter()
                .flatten()
                .filter_map(|c| {
                    let n = c.get("name").and_then(Value::as_str)?;
                    let r = c.get("replicas").and_then(Value::as_i64).unwrap_or(0);
                    Some((n.to_owned(), r.clamp(0, i64::from(i32::MAX)) as i32))
                })
                .collect();
        clusters.sort();
        clusters.dedup_by(|a, b| a.0 == b.0);
        let placement = b
            .pointer(&format!(
                "/metadata/annotations/{}",
                APPLIED_PLACEMENT.replace('/', "~1")
            ))
            .and_then(Value::as_str)
            .and_then(|text| serde_json::from_str::<Value>(text).ok())
            .and_then(|json| resolve_placement(&json, schemas));
        let observed = b
            .pointer("/status/schedulerObservedAffinityName")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty());
        let (placement, term) = match &placement {
            Some(p) => (placement_hash(p), observed.and_then(|o| term_of(p, o))),
            None => {
                adopted.notes.push(format!(
                    "binding `{name}`: no `{APPLIED_PLACEMENT}` fanout can read; `{id}` will be rescheduled from its clusters"
                ));
                (UNKNOWN_PLACEMENT.to_owned(), None)
            }
        };
        adopted.history.insert(
            id,
            Previous {
                placement,
                term,
                clusters,
            },
        );
    }
    if errors.is_empty() {
        Ok(adopted)
    } else {
        Err(errors)
    }
}

fn resource(b: &Value) -> Option<ObjectRef> {
    let r = b.pointer("/spec/resource")?;
    let s = |k: &str| r.get(k).and_then(Value::as_str).filter(|s| !s.is_empty());
    Some(ObjectRef {
        api_version: s("apiVersion")?.to_owned(),
        kind: s("kind")?.to_owned(),
        namespace: s("namespace").map(str::to_owned),
        name: s("name")?.to_owned(),
    })
}

fn term_of(p: &Placement, name: &str) -> Option<(String, String)> {
    let Affinity::Terms(terms) = &p.affinity else {
        return None;
    };
    terms
        .iter()
        .find(|t: &&ClusterAffinityTerm| t.affinity_name == name)
        .map(|t| (t.affinity_name.clone(), term_hash(t)))
}

/// A Karmada placement (JSON) as fanout resolves it: through a PropagationPolicy of its own, read by
/// the front end (schemas, defaults). `None` when the front end does not accept it.
pub fn resolve_placement(json: &Value, schemas: &Schemas) -> Option<Placement> {
    let policy = serde_json::json!({
        "apiVersion": "policy.karmada.io/v1alpha1",
        "kind": "PropagationPolicy",
        "metadata": {"name": "adopted", "namespace": "adopted"},
        "spec": {
            "resourceSelectors": [{"apiVersion": "v1", "kind": "ConfigMap", "name": "adopted"}],
            "placement": json,
        },
    });
    let mut sources = Sources::default();
    let id = sources.add(SourceFile {
        rel_path: "applied-placement.yaml".into(),
        display_path: "applied-placement.yaml".into(),
        text: policy.to_string(),
    });
    let analysis = crate::analyse(
        &mut sources,
        &[id],
        &crate::front::config::Limits::default(),
        schemas,
    );
    if analysis.has_errors() {
        return None;
    }
    analysis
        .model
        .propagation_policies
        .into_iter()
        .next()
        .map(|p| p.placement)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::place::tests::{cluster, model};

    fn binding(resource: &str, clusters: &str, placement: Option<&str>, observed: &str) -> Value {
        let annotations = match placement {
            Some(p) => serde_json::json!({ APPLIED_PLACEMENT: p }),
            None => serde_json::json!({}),
        };
        serde_json::json!({
            "apiVersion": "work.karmada.io/v1alpha2",
            "kind": "ResourceBinding",
            "metadata": {"name": "web-deployment", "namespace": "ns", "annotations": annotations},
            "spec": {
                "resource": serde_json::from_str::<Value>(resource).unwrap(),
                "clusters": serde_json::from_str::<Value>(clusters).unwrap(),
            },
            "status": {"schedulerObservedAffinityName": observed},
        })
    }

    const WEB: &str =
        r#"{"apiVersion": "apps/v1", "kind": "Deployment", "namespace": "ns", "name": "web"}"#;

    #[test]
    fn a_binding_becomes_the_previous_result_with_karmadas_placement() {
        let m = model(&format!(
            "{}{}---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web, namespace: ns}}\nspec:\n  replicas: 3\n  selector: {{matchLabels: {{app: web}}}}\n  template:\n    metadata: {{labels: {{app: web}}}}\n    spec: {{containers: [{{name: c, image: nginx}}]}}\n---\napiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata: {{name: p, namespace: ns}}\nspec:\n  resourceSelectors: [{{apiVersion: apps/v1, kind: Deployment}}]\n  placement:\n    clusterAffinities:\n      - {{affinityName: one, clusterNames: [a]}}\n    replicaScheduling: {{replicaSchedulingType: Divided}}\n",
            cluster("a", "r1", "10", ""),
            cluster("b", "r1", "10", ""),
        ));
        let schemas = Schemas::new();
        // As Karmada writes it: webhook defaults applied (Weighted), Go's field order.
        let applied = r#"{"clusterAffinities":[{"affinityName":"one","clusterNames":["a"]}],"replicaScheduling":{"replicaDivisionPreference":"Weighted","replicaSchedulingType":"Divided"}}"#;
        let list = serde_json::json!({"apiVersion": "v1", "kind": "List", "items": [
            binding(WEB, r#"[{"name": "b", "replicas": 1}, {"name": "a", "replicas": 2}]"#, Some(applied), "one"),
            binding(r#"{"apiVersion": "v1", "kind": "ConfigMap", "namespace": "ns", "name": "gone"}"#, "[]", None, ""),
        ]});
        let a = adopt(&m, &[list], &schemas).unwrap();
        let prev = &a.history[&m.resources[0].id];
        assert_eq!(prev.clusters, vec![("a".into(), 2), ("b".into(), 1)]);
        // The same fingerprint as the repository's own placement: no placement change.
        assert_eq!(
            prev.placement,
            placement_hash(&m.propagation_policies[0].placement)
        );
        assert_eq!(prev.term.as_ref().unwrap().0, "one");
        assert!(!crate::place::steady::placement_changed(
            prev,
            &m.propagation_policies[0].placement
        ));
        assert_eq!(a.notes.len(), 1, "{:?}", a.notes);

        let bare = adopt(&m, &[binding(WEB, "[]", None, "")], &schemas).unwrap();
        assert_eq!(
            bare.history[&m.resources[0].id].placement,
            UNKNOWN_PLACEMENT
        );

        let err = adopt(
            &m,
            &[serde_json::json!({"apiVersion": "v1", "kind": "Pod"})],
            &schemas,
        );
        assert!(err.unwrap_err()[0].contains("is not a Karmada ResourceBinding"));
    }
}

//! Documents → objects, told apart by `apiVersion` and `kind`.
//!
//! Every non-empty document must be a mapping with a string `apiVersion`, `kind` and `metadata.name`
//! (else a located error). A `List` (`v1 List`, or any `…List` kind with `items`, as `kubectl get -o yaml`
//! prints) expands into its items. Classification decides which schema and which resolver an object gets;
//! it does not look further into the object.

use crate::diagnostic::Diagnostic;
use crate::front::yaml::{Document, Node, Value};
use crate::model::shortform;
use std::sync::Arc;

pub const CLUSTER_API: &str = "cluster.karmada.io/v1alpha1";
pub const POLICY_API: &str = "policy.karmada.io/v1alpha1";

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    Cluster,
    PropagationPolicy,
    ClusterPropagationPolicy,
    OverridePolicy,
    ClusterOverridePolicy,
    ShortForm,
    Resource,
}

/// One object of the repository, with its YAML node.
#[derive(Clone, Debug, PartialEq)]
pub struct Object {
    pub class: Class,
    pub api_version: String,
    pub kind: String,
    pub name: String,
    pub node: Arc<Node>,
}

impl Object {
    /// The object as JSON, as `kubectl` would send it: a number with no fractional part is an integer
    /// (`replicas: 3.0` is `3`; kubectl's YAML-to-JSON conversion writes it so, and JSON Schema's
    /// `integer` accepts it), so every reader sees the integer.
    pub fn json(&self) -> serde_json::Value {
        let mut json = self.node.to_json();
        integral_numbers(&mut json);
        json
    }

    pub fn namespace(&self) -> Option<&str> {
        self.node.get("metadata")?.get("namespace")?.as_str()
    }
}

/// Every float with no fractional part that fits an `i64` (or a `u64`) becomes that integer.
fn integral_numbers(value: &mut serde_json::Value) {
    use serde_json::Value as Json;
    match value {
        Json::Number(n) => {
            if let Some(f) = n.as_f64().filter(|f| n.is_f64() && f.fract() == 0.0) {
                let two_63 = -(i64::MIN as f64);
                if (-two_63..two_63).contains(&f) {
                    *value = Json::from(f as i64);
                } else if (0.0..2.0 * two_63).contains(&f) {
                    *value = Json::from(f as u64);
                }
            }
        }
        Json::Array(items) => items.iter_mut().for_each(integral_numbers),
        Json::Object(map) => map.values_mut().for_each(integral_numbers),
        _ => {}
    }
}

pub fn class_of(api_version: &str, kind: &str) -> Class {
    match (api_version, kind) {
        (CLUSTER_API, "Cluster") => Class::Cluster,
        (POLICY_API, "PropagationPolicy") => Class::PropagationPolicy,
        (POLICY_API, "ClusterPropagationPolicy") => Class::ClusterPropagationPolicy,
        (POLICY_API, "OverridePolicy") => Class::OverridePolicy,
        (POLICY_API, "ClusterOverridePolicy") => Class::ClusterOverridePolicy,
        (shortform::API_VERSION, shortform::DEPLOYMENT_KIND | shortform::JOB_KIND) => {
            Class::ShortForm
        }
        _ => Class::Resource,
    }
}

/// Classify every document; lists are expanded. Returns the objects and the problems found.
pub fn classify(documents: Vec<Document>) -> (Vec<Object>, Vec<Diagnostic>) {
    let mut objects = Vec::new();
    let mut diagnostics = Vec::new();
    for doc in documents {
        classify_node(doc.root, &mut objects, &mut diagnostics);
    }
    (objects, diagnostics)
}

fn classify_node(node: Node, objects: &mut Vec<Object>, diagnostics: &mut Vec<Diagnostic>) {
    if !matches!(node.value, Value::Map(_)) {
        diagnostics.push(Diagnostic::error(
            "not-an-object",
            node.span,
            format!(
                "a document must be a mapping (a Kubernetes object), found {}",
                node.type_name()
            ),
        ));
        return;
    }
    let field = |name: &str| -> Result<String, Diagnostic> {
        match node.get(name) {
            Some(Node {
                value: Value::Str(s),
                ..
            }) if !s.is_empty() => Ok(s.clone()),
            Some(other) => Err(Diagnostic::error(
                "missing-field",
                other.span,
                format!(
                    "`{name}` must be a non-empty string, found {}",
                    other.type_name()
                ),
            )),
            None => Err(Diagnostic::error(
                "missing-field",
                node.span,
                format!("object has no `{name}`"),
            )),
        }
    };
    let (api_version, kind) = match (field("apiVersion"), field("kind")) {
        (Ok(a), Ok(k)) => (a, k),
        (a, k) => {
            diagnostics.extend(a.err());
            diagnostics.extend(k.err());
            return;
        }
    };
    if let Some(items) = node
        .get("items")
        .filter(|_| kind == "List" || kind.ends_with("List"))
    {
        match &items.value {
            Value::Seq(list) => {
                for item in list {
                    classify_node(item.clone(), objects, diagnostics);
                }
            }
            Value::Null => {}
            _ => diagnostics.push(Diagnostic::error(
                "schema",
                items.span,
                format!(
                    "`items` of a `{kind}` must be a sequence, found {}",
                    items.type_name()
                ),
            )),
        }
        return;
    }
    let name = match node.entry("metadata") {
        Some((key, meta)) if matches!(meta.value, Value::Map(_)) => match meta.get("name") {
            Some(Node {
                value: Value::Str(s),
                ..
            }) if !s.is_empty() => s.clone(),
            Some(other) => {
                diagnostics.push(Diagnostic::error(
                    "missing-field",
                    other.span,
                    format!(
                        "`metadata.name` must be a non-empty string, found {}",
                        other.type_name()
                    ),
                ));
                return;
            }
            None => {
                diagnostics.push(Diagnostic::error(
                    "missing-field",
                    key.span,
                    format!("`{kind}` has no `metadata.name`"),
                ));
                return;
            }
        },
        Some((_, other)) => {
            diagnostics.push(Diagnostic::error(
                "missing-field",
                other.span,
                format!("`metadata` must be a mapping, found {}", other.type_name()),
            ));
            return;
        }
        None => {
            diagnostics.push(Diagnostic::error(
                "missing-field",
                node.span,
                format!("`{kind}` has no `metadata.name`"),
            ));
            return;
        }
    };
    objects.push(Object {
        class: class_of(&api_version, &kind),
        api_version,
        kind,
        name,
        node: Arc::new(node),
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::front::yaml::{Limits, parse};
    use crate::source::FileId;

    fn run(text: &str) -> (Vec<Object>, Vec<Diagnostic>) {
        classify(parse(FileId(0), text, Limits::default()).documents)
    }

    #[test]
    fn kinds_are_recognised() {
        let (objects, diags) = run(
            "apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata: {name: a}\n---\n\
             apiVersion: fanout.dev/v1alpha1\nkind: MulticloudJob\nmetadata: {name: j}\n---\n\
             apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
        );
        assert!(diags.is_empty());
        let classes: Vec<Class> = objects.iter().map(|o| o.class).collect();
        assert_eq!(
            classes,
            vec![Class::Cluster, Class::ShortForm, Class::Resource]
        );
    }

    #[test]
    fn integral_floats_are_integers() {
        let (objects, _) = run(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {replicas: 3.0, a: [-2.0, 0.5, 1e3, 9223372036854775808.0, 1e30]}\n",
        );
        let json = objects[0].json();
        assert_eq!(json["spec"]["replicas"], serde_json::json!(3));
        assert!(json["spec"]["replicas"].is_i64());
        assert_eq!(
            json["spec"]["a"],
            serde_json::json!([-2, 0.5, 1000, 9_223_372_036_854_775_808_u64, 1e30])
        );
    }

    #[test]
    fn lists_expand() {
        let (objects, diags) = run(
            "apiVersion: v1\nkind: List\nitems:\n- apiVersion: cluster.karmada.io/v1alpha1\n  kind: Cluster\n  metadata: {name: a}\n- apiVersion: cluster.karmada.io/v1alpha1\n  kind: Cluster\n  metadata: {name: b}\n",
        );
        assert!(diags.is_empty());
        assert_eq!(objects.len(), 2);
        assert_eq!(objects[1].name, "b");
        assert_eq!(objects[1].node.span.start.line, 7);
    }

    #[test]
    fn missing_identity_is_located() {
        let (_, diags) = run(
            "kind: ConfigMap\nmetadata: {name: c}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels: {}\n---\n- a\n",
        );
        let messages: Vec<(u32, &str)> = diags
            .iter()
            .map(|d| (d.span.unwrap().start.line, d.message.as_str()))
            .collect();
        assert_eq!(
            messages,
            vec![
                (1, "object has no `apiVersion`"),
                (6, "`ConfigMap` has no `metadata.name`"),
                (
                    9,
                    "a document must be a mapping (a Kubernetes object), found a sequence"
                ),
            ]
        );
    }
}

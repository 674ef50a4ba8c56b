//! Documents → objects, told apart by `apiVersion` and `kind`.
//!
//! Every non-empty document must be a mapping with a string `apiVersion`, `kind` and `metadata.name`
//! (else a located error). A `List` (`v1 List`, or any `…List` kind with `items`, as `kubectl get -o yaml`
//! prints) expands into its items. Classification decides which schema and which resolver an object gets;
//! it does not look further into the object.
//!
//! [`secret_values`] finds, by the same reading of documents, where a file keeps Secret values, so that
//! diagnostics never print them.

use crate::diagnostic::Diagnostic;
use crate::front::yaml::{Document, Node, Value};
use crate::model::shortform;
use crate::source::Span;
use std::sync::Arc;

pub const CLUSTER_API: &str = "cluster.karmada.io/v1alpha1";
pub const POLICY_API: &str = "policy.karmada.io/v1alpha1";
pub const CONFIG_API: &str = "config.karmada.io/v1alpha1";

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    Cluster,
    PropagationPolicy,
    ClusterPropagationPolicy,
    OverridePolicy,
    ClusterOverridePolicy,
    /// `config.karmada.io/v1alpha1` `ResourceInterpreterCustomization`: how Karmada interprets a kind.
    InterpreterCustomization,
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
        (CONFIG_API, "ResourceInterpreterCustomization") => Class::InterpreterCustomization,
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

/// Top-level fields of a Secret that hold no secret; every other one's value is masked (`data`,
/// `stringData`, and any misplaced field, such as a value indented one level too little).
const SECRET_PUBLIC_FIELDS: [&str; 5] = ["apiVersion", "kind", "metadata", "type", "immutable"];

/// The spans of the secret values in a file's documents: in every `Secret` of `apiVersion` `v1` (or with
/// no string `apiVersion`, which is an error elsewhere but still a Secret), also one among a `List`'s
/// items, the value of each entry of `data` and `stringData` (keys stay visible; the whole field when
/// it is not a mapping), and the value of every other top-level field except `apiVersion`, `kind`,
/// `metadata`, `type` and `immutable`. This reads the source object, whatever it renders to.
pub fn secret_values(documents: &[Document]) -> Vec<Span> {
    let mut out = Vec::new();
    for doc in documents {
        secret_node(&doc.root, &mut out);
    }
    out
}

fn secret_node(node: &Node, out: &mut Vec<Span>) {
    let Value::Map(entries) = &node.value else {
        return;
    };
    let kind = node.get("kind").and_then(Node::as_str).unwrap_or("");
    if kind.ends_with("List")
        && let Some(Node {
            value: Value::Seq(items),
            ..
        }) = node.get("items")
    {
        for item in items {
            secret_node(item, out);
        }
        return;
    }
    let v1 = match node.get("apiVersion") {
        Some(Node {
            value: Value::Str(a),
            ..
        }) => a == "v1",
        _ => true,
    };
    if kind != "Secret" || !v1 {
        return;
    }
    for (key, value) in entries {
        if SECRET_PUBLIC_FIELDS.contains(&key.text.as_str()) {
            continue;
        }
        match &value.value {
            Value::Map(values) if matches!(key.text.as_str(), "data" | "stringData") => {
                out.extend(values.iter().map(|(_, v)| v.span));
            }
            _ => out.push(value.span),
        }
    }
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

    /// The text of each span [`secret_values`] finds.
    fn secrets(text: &str) -> Vec<String> {
        let parsed = parse(FileId(0), text, Limits::default());
        let lines: Vec<&str> = text.lines().collect();
        secret_values(&parsed.documents)
            .iter()
            .map(|s| {
                let mut out: Vec<String> = Vec::new();
                for n in s.start.line..=s.end.line {
                    let line = lines.get(n as usize - 1).copied().unwrap_or("");
                    let from = if n == s.start.line { s.start.col } else { 1 };
                    let to = if n == s.end.line { s.end.col } else { u32::MAX };
                    let part: String = line
                        .chars()
                        .skip(from as usize - 1)
                        .take(to.saturating_sub(from) as usize)
                        .collect();
                    if !part.trim().is_empty() {
                        out.push(part.trim().to_owned());
                    }
                }
                out.join(" ")
            })
            .collect()
    }

    #[test]
    fn secret_values_cover_data_string_data_and_misplaced_fields() {
        let found = secrets(
            "apiVersion: v1\nkind: Secret\nmetadata: {name: db, labels: {a: b}}\ntype: Opaque\n\
             data: {token: Q0FOQVJZ}\nstringData:\n  enabled: on\n  pem: |\n    one\n    two\n  quoted: \"q\"\n\
             password: misplaced\n",
        );
        assert_eq!(
            found,
            ["Q0FOQVJZ", "on", "one two", "\"q\"", "misplaced"],
            "keys, metadata and type stay visible"
        );
        // a whole field when it is not a mapping; no string apiVersion still counts as a Secret
        assert_eq!(secrets("kind: Secret\nstringData: [a, b]\n"), ["[a, b]"]);
    }

    #[test]
    fn secret_values_are_found_in_lists_and_only_in_v1_secrets() {
        let found = secrets(
            "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: c}\n  data: {a: visible}\n\
             - apiVersion: v1\n  kind: Secret\n  metadata: {name: s}\n  stringData: {b: hidden}\n---\n\
             apiVersion: example.com/v1\nkind: Secret\nmetadata: {name: custom}\ndata: {c: visible}\n",
        );
        assert_eq!(found, ["hidden"]);
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

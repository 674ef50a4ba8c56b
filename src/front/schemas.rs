//! JSON Schema validation of every document fanout reads, and of the JSON that `fanout plan` writes.
//!
//! The schemas live in `schema/*.json` (JSON Schema 2020-12) and are embedded in the binary with
//! `include_str!`: validation does no I/O and never touches the network. The same files serve
//! editors through yaml-language-server (`# yaml-language-server: $schema=<path to the file>`).
//!
//! References between files are relative (`"$ref": "defs.schema.json#/$defs/quantity"`) and no
//! file has an `$id`, so an editor resolves them against the file's own location. Here every file
//! is registered under a virtual base, `file:///fanout/schema/<name>`, and each validator is built
//! with its own file's URI as base: the relative references resolve to those registered resources,
//! and the offline retriever refuses anything else (nothing is ever read from that path).
//!
//! Invariants:
//! - [`Schemas::new`] compiles every embedded file; a file that does not compile is a bug in
//!   fanout, so it panics (a unit test compiles them all).
//! - [`Schemas::validate`] returns every problem at once, as data: a JSON pointer into the
//!   instance, a one-line lower-case message with names in backticks, and the offending key when
//!   the problem is a key itself (an unknown or unsupported field). Errors are sorted by pointer
//!   (array indices numerically) and de-duplicated.
//! - Messages read the schema, not the other way round: a subschema may carry `errorMessage`
//!   (replaces an enum or const message), `patternErrorMessage` (the noun of a pattern, e.g.
//!   "not a valid quantity"), `deprecationMessage` (the message of a `not: {}` that forbids a
//!   field, e.g. a Karmada field fanout does not support) and `writeOnly: true` (a secret value,
//!   never echoed in a message). yaml-language-server shows the same texts.
//!
//! Built-in Kubernetes kinds ([`kubernetes`]) and the custom resources of a repository's CRDs ([`crd`])
//! are checked strictly on top of `resource.schema.json`, each kind's validator compiled the first time
//! an object of that kind is seen. `resource.schema.json` refers to `kubernetes.schema.json` for
//! editors; here that reference is an empty schema, and [`Schemas::validate`] dispatches itself.
//!
//! It does not check what a schema cannot express (references between documents, cluster names
//! that exist, `maxGroups >= minGroups`, ...): later stages do. It does not know where a pointer
//! is in the source file: the caller maps pointers to spans.

use std::collections::BTreeMap;

use jsonschema::Validator;
use serde_json::{Value, json};

pub mod crd;
mod kubernetes;
mod messages;
mod pointer;

pub use crd::CustomResources;
pub use kubernetes::{KUBERNETES_TEXT, KUBERNETES_VERSION};

use pointer::compare_pointers;

/// Virtual location of the schema folder: resources are registered under it, never read from it.
const BASE_URI: &str = "file:///fanout/schema/";

/// `(name, text)` of embedded files under `schema/`.
macro_rules! embed {
    ($($name:literal),* $(,)?) => {
        [$(($name, include_str!(concat!("../../schema/", $name)))),*]
    };
}

/// Every embedded file, the shared definitions first (`kubernetes.schema.json` apart: [`KUBERNETES_TEXT`]).
pub const FILES: [(&str, &str); 10] = embed![
    "defs.schema.json",
    "config.schema.json",
    "cluster.schema.json",
    "propagationpolicy.schema.json",
    "overridepolicy.schema.json",
    "resourceinterpretercustomization.schema.json",
    "multiclouddeployment.schema.json",
    "multicloudjob.schema.json",
    "resource.schema.json",
    "plan.schema.json",
];

/// A document type with a schema of its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SchemaKind {
    /// `fanout.yaml` at the repository root.
    Config,
    /// `cluster.karmada.io/v1alpha1` `Cluster` (one item of a `List` at a time).
    Cluster,
    /// `policy.karmada.io/v1alpha1` `PropagationPolicy` and `ClusterPropagationPolicy`.
    PropagationPolicy,
    /// `policy.karmada.io/v1alpha1` `OverridePolicy` and `ClusterOverridePolicy`.
    OverridePolicy,
    /// `config.karmada.io/v1alpha1` `ResourceInterpreterCustomization`.
    InterpreterCustomization,
    /// `fanout.dev/v1alpha1` `MulticloudDeployment` (short form).
    MulticloudDeployment,
    /// `fanout.dev/v1alpha1` `MulticloudJob` (short form).
    MulticloudJob,
    /// Any other Kubernetes object.
    Resource,
    /// The output of `fanout plan --output json`.
    Plan,
}

impl SchemaKind {
    /// Every kind, in declaration order.
    pub const ALL: [SchemaKind; 9] = [
        SchemaKind::Config,
        SchemaKind::Cluster,
        SchemaKind::PropagationPolicy,
        SchemaKind::OverridePolicy,
        SchemaKind::InterpreterCustomization,
        SchemaKind::MulticloudDeployment,
        SchemaKind::MulticloudJob,
        SchemaKind::Resource,
        SchemaKind::Plan,
    ];
}

/// The file name of a kind's schema under `schema/`, for the README and for editor modelines.
pub fn schema_file(kind: SchemaKind) -> &'static str {
    match kind {
        SchemaKind::Config => "config.schema.json",
        SchemaKind::Cluster => "cluster.schema.json",
        SchemaKind::PropagationPolicy => "propagationpolicy.schema.json",
        SchemaKind::OverridePolicy => "overridepolicy.schema.json",
        SchemaKind::InterpreterCustomization => "resourceinterpretercustomization.schema.json",
        SchemaKind::MulticloudDeployment => "multiclouddeployment.schema.json",
        SchemaKind::MulticloudJob => "multicloudjob.schema.json",
        SchemaKind::Resource => "resource.schema.json",
        SchemaKind::Plan => "plan.schema.json",
    }
}

/// One schema violation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemaError {
    /// JSON pointer (RFC 6901) of the offending instance location. For an unknown or unsupported
    /// key, the pointer of that key's value (e.g. `/spec/placement/clusterAfinity`), so the caller
    /// can point at the key.
    pub pointer: String,
    /// One line, lower case, no trailing period, names in backticks: "unknown field
    /// `clusterAfinity`", "`failover` is a Karmada field fanout does not support", "expected an
    /// integer, found a string", "`Sometimes` is not one of `Duplicated`, `Divided`", "`4 cores`
    /// is not a valid quantity".
    pub message: String,
    /// The property name when the error is about a key itself (an unknown or unsupported
    /// field), so the caller points at the key, not at its value.
    pub key: Option<String>,
}

/// The compiled validators, built once.
pub struct Schemas {
    /// The parsed files by name, to read message texts from the subschema that failed.
    documents: BTreeMap<&'static str, Value>,
    validators: BTreeMap<SchemaKind, Validator>,
}

impl Default for Schemas {
    fn default() -> Self {
        Schemas::new()
    }
}

impl Schemas {
    /// Compiles the embedded schemas. Panics if one does not compile: that is a bug in fanout.
    pub fn new() -> Schemas {
        kubernetes::prefetch();
        let documents: BTreeMap<&'static str, Value> = FILES
            .iter()
            .map(|(name, text)| {
                let document = serde_json::from_str(text)
                    .unwrap_or_else(|e| panic!("embedded schema/{name} is not valid JSON: {e}"));
                (*name, document)
            })
            .collect();
        let validators = {
            let registry = jsonschema::Registry::new()
                .extend(
                    documents
                        .iter()
                        .map(|(name, document)| (format!("{BASE_URI}{name}"), document)),
                )
                // built-in kinds are dispatched by `validate`, one lazily compiled validator per kind
                .and_then(|builder| {
                    builder.add(format!("{BASE_URI}{}", kubernetes::FILE), json!({}))
                })
                .and_then(|builder| builder.prepare())
                .unwrap_or_else(|e| panic!("embedded schemas do not register: {e}"));
            SchemaKind::ALL
                .iter()
                .map(|&kind| {
                    let name = schema_file(kind);
                    let validator = jsonschema::options()
                        .with_draft(jsonschema::Draft::Draft202012)
                        .with_base_uri(format!("{BASE_URI}{name}"))
                        .with_registry(&registry)
                        .offline()
                        .build(&documents[name])
                        .unwrap_or_else(|e| panic!("embedded schema/{name} does not compile: {e}"));
                    (kind, validator)
                })
                .collect()
        };
        Schemas {
            documents,
            validators,
        }
    }

    /// Every violation of `kind`'s schema by `instance`, sorted by pointer and de-duplicated. A
    /// [`SchemaKind::Resource`] of a built-in API group is also checked against its kind's strict
    /// schema (Kubernetes [`KUBERNETES_VERSION`]).
    pub fn validate(&self, kind: SchemaKind, instance: &Value) -> Vec<SchemaError> {
        let mut errors = Vec::new();
        self.collect(&self.validators[&kind], instance, &mut errors);
        if kind == SchemaKind::Resource {
            self.builtin(instance, &mut errors);
        }
        finish(errors)
    }

    /// The checks of a built-in kind: `apiVersion` and `kind` name a kind Kubernetes serves when the
    /// API group is built in, and the object follows that kind's schema.
    fn builtin(&self, instance: &Value, errors: &mut Vec<SchemaError>) {
        let (Some(api_version), Some(kind)) = (
            instance.get("apiVersion").and_then(Value::as_str),
            instance.get("kind").and_then(Value::as_str),
        ) else {
            return;
        };
        let kubernetes = kubernetes::get();
        self.collect(kubernetes.builtin(), instance, errors);
        if let Some(validator) = kubernetes.kind(api_version, kind) {
            self.collect(validator, instance, errors);
        }
    }

    /// Every violation of one validator, converted.
    fn collect(&self, validator: &Validator, instance: &Value, errors: &mut Vec<SchemaError>) {
        for error in validator.iter_errors(instance) {
            self.convert(&error, instance, errors);
        }
    }
}

/// Sorted by pointer (then message), de-duplicated: two schemas that say the same about the same
/// place say it once.
fn finish(mut errors: Vec<SchemaError>) -> Vec<SchemaError> {
    errors.sort_by(|a, b| {
        compare_pointers(&a.pointer, &b.pointer).then_with(|| a.message.cmp(&b.message))
    });
    errors.dedup();
    errors
}

#[cfg(test)]
mod tests;

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
//! It does not check what a schema cannot express (references between documents, cluster names
//! that exist, `maxGroups >= minGroups`, ...): later stages do. It does not know where a pointer
//! is in the source file: the caller maps pointers to spans.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::str::FromStr;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{JsonType, ValidationError, Validator};
use serde_json::{Map, Value};

/// Virtual location of the schema folder: resources are registered under it, never read from it.
const BASE_URI: &str = "file:///fanout/schema/";

/// `(name, text)` of embedded files under `schema/`.
macro_rules! embed {
    ($($name:literal),* $(,)?) => {
        [$(($name, include_str!(concat!("../../schema/", $name)))),*]
    };
}

/// Every embedded file, the shared definitions first.
const FILES: [(&str, &str); 9] = embed![
    "defs.schema.json",
    "config.schema.json",
    "cluster.schema.json",
    "propagationpolicy.schema.json",
    "overridepolicy.schema.json",
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
    pub const ALL: [SchemaKind; 8] = [
        SchemaKind::Config,
        SchemaKind::Cluster,
        SchemaKind::PropagationPolicy,
        SchemaKind::OverridePolicy,
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

    /// Every violation of `kind`'s schema by `instance`, sorted by pointer and de-duplicated.
    pub fn validate(&self, kind: SchemaKind, instance: &Value) -> Vec<SchemaError> {
        let mut errors = Vec::new();
        for error in self.validators[&kind].iter_errors(instance) {
            self.convert(&error, instance, &mut errors);
        }
        errors.sort_by(|a, b| {
            compare_pointers(&a.pointer, &b.pointer).then_with(|| a.message.cmp(&b.message))
        });
        errors.dedup();
        errors
    }

    /// Turns one validator error into friendly errors (several for several unknown keys).
    fn convert(&self, error: &ValidationError<'_>, root: &Value, out: &mut Vec<SchemaError>) {
        let pointer = error.instance_path().as_str().to_string();
        let value: &Value = error.instance();
        let schema = self.failing_subschema(error);
        let text = |keyword: &str| {
            schema
                .and_then(|s| s.get(keyword))
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        let message = match error.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected }
            | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
                for key in unexpected {
                    out.push(SchemaError {
                        pointer: format!("{pointer}/{}", escape_segment(key)),
                        message: format!("unknown field `{key}`"),
                        key: Some(key.clone()),
                    });
                }
                return;
            }
            ValidationErrorKind::Not { .. } | ValidationErrorKind::FalseSchema => {
                let key = key_of(root, &pointer);
                let message = text("errorMessage")
                    .or_else(|| text("deprecationMessage"))
                    .unwrap_or_else(|| match &key {
                        Some(key) => format!("`{key}` is not allowed here"),
                        None => "this value is not allowed here".to_string(),
                    });
                out.push(SchemaError {
                    pointer,
                    message,
                    key,
                });
                return;
            }
            ValidationErrorKind::Type { kind } => {
                // the schema's own order ("string or number"), else the validator's
                let declared = schema
                    .and_then(|s| s.get("type"))
                    .and_then(Value::as_array)
                    .map(|types| {
                        let names: Vec<&str> = types
                            .iter()
                            .filter_map(Value::as_str)
                            .filter_map(|name| JsonType::from_str(name).ok())
                            .map(type_phrase)
                            .collect();
                        names.join(" or ")
                    })
                    .filter(|names| !names.is_empty());
                let expected = declared.unwrap_or_else(|| expected_types(kind));
                format!("expected {expected}, found {}", describe(value))
            }
            ValidationErrorKind::Enum { options } => {
                text("errorMessage").unwrap_or_else(|| enum_message(value, options))
            }
            ValidationErrorKind::Constant { expected_value } => text("errorMessage")
                .unwrap_or_else(|| {
                    format!(
                        "expected {}, found {}",
                        literal(expected_value),
                        literal(value)
                    )
                }),
            ValidationErrorKind::Required { property } => {
                format!("missing field `{}`", plain(property))
            }
            ValidationErrorKind::Pattern { pattern } => {
                let secret = schema
                    .and_then(|s| s.get("writeOnly"))
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                match (text("patternErrorMessage"), secret) {
                    (Some(noun), true) => format!("the value is {noun}"),
                    (Some(noun), false) => format!("{} is {noun}", literal(value)),
                    (None, true) => "the value does not have the expected form".to_string(),
                    (None, false) => format!("{} does not match `{pattern}`", literal(value)),
                }
            }
            ValidationErrorKind::Minimum { limit } => {
                format!("expected at least {}, found {}", plain(limit), plain(value))
            }
            ValidationErrorKind::Maximum { limit } => {
                format!("expected at most {}, found {}", plain(limit), plain(value))
            }
            ValidationErrorKind::ExclusiveMinimum { limit } => {
                format!(
                    "expected more than {}, found {}",
                    plain(limit),
                    plain(value)
                )
            }
            ValidationErrorKind::ExclusiveMaximum { limit } => {
                format!(
                    "expected less than {}, found {}",
                    plain(limit),
                    plain(value)
                )
            }
            ValidationErrorKind::MinLength { limit } => {
                let found = value.as_str().map_or(0, |s| s.chars().count());
                format!(
                    "expected at least {}, found {found}",
                    counted(*limit, "character")
                )
            }
            ValidationErrorKind::MaxLength { limit } => {
                let found = value.as_str().map_or(0, |s| s.chars().count());
                format!(
                    "expected at most {}, found {found}",
                    counted(*limit, "character")
                )
            }
            ValidationErrorKind::MinItems { limit } => {
                let found = value.as_array().map_or(0, Vec::len);
                format!(
                    "expected at least {}, found {found}",
                    counted(*limit, "item")
                )
            }
            ValidationErrorKind::MaxItems { limit } => {
                let found = value.as_array().map_or(0, Vec::len);
                format!(
                    "expected at most {}, found {found}",
                    counted(*limit, "item")
                )
            }
            ValidationErrorKind::MinProperties { limit } => {
                let found = value.as_object().map_or(0, Map::len);
                format!(
                    "expected at least {}, found {found}",
                    counted(*limit, "entry")
                )
            }
            ValidationErrorKind::MaxProperties { limit } => {
                let found = value.as_object().map_or(0, Map::len);
                format!(
                    "expected at most {}, found {found}",
                    counted(*limit, "entry")
                )
            }
            ValidationErrorKind::UniqueItems => {
                "expected unique items, found duplicates".to_string()
            }
            ValidationErrorKind::Format { format } => {
                format!("{} is not a valid `{format}`", literal(value))
            }
            _ => fallback(&error.to_string()),
        };
        out.push(SchemaError {
            pointer,
            message,
            key: None,
        });
    }

    /// The schema object holding the keyword that failed, read from the embedded file through
    /// the error's absolute keyword location (`file:///fanout/schema/<file>#/<pointer>/<keyword>`).
    fn failing_subschema(&self, error: &ValidationError<'_>) -> Option<&Map<String, Value>> {
        let location = error.absolute_keyword_location()?;
        let (file, fragment) = location.as_str().strip_prefix(BASE_URI)?.split_once('#')?;
        let fragment = percent_decode(fragment);
        let (parent, _keyword) = fragment.rsplit_once('/')?;
        self.documents.get(file)?.pointer(parent)?.as_object()
    }
}

/// The unescaped last segment of `pointer` when its parent in `root` is an object (so the
/// pointer names a property, not an array item).
fn key_of(root: &Value, pointer: &str) -> Option<String> {
    let (parent, last) = pointer.rsplit_once('/')?;
    root.pointer(parent)?.as_object()?;
    Some(last.replace("~1", "/").replace("~0", "~"))
}

/// RFC 6901 escaping of one pointer segment.
fn escape_segment(segment: &str) -> Cow<'_, str> {
    if segment.contains(['~', '/']) {
        Cow::Owned(segment.replace('~', "~0").replace('/', "~1"))
    } else {
        Cow::Borrowed(segment)
    }
}

/// Decodes `%XX` escapes of a URI fragment (the pointer of a keyword location).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let hex = bytes
            .get(index + 1..index + 3)
            .filter(|_| bytes[index] == b'%')
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match hex {
            Some(byte) => {
                decoded.push(byte);
                index += 3;
            }
            None => {
                decoded.push(bytes[index]);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

/// Orders pointers segment by segment, array indices numerically (`/2` before `/10`).
fn compare_pointers(a: &str, b: &str) -> Ordering {
    let mut left = a.split('/');
    let mut right = b.split('/');
    loop {
        match (left.next(), right.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => {
                let order = match (x.parse::<u64>(), y.parse::<u64>()) {
                    (Ok(m), Ok(n)) => m.cmp(&n).then_with(|| x.cmp(y)),
                    _ => x.cmp(y),
                };
                if order != Ordering::Equal {
                    return order;
                }
            }
        }
    }
}

/// "a string", "an integer", ... for a JSON type.
fn type_phrase(kind: JsonType) -> &'static str {
    match kind {
        JsonType::Null => "null",
        JsonType::Boolean => "a boolean",
        JsonType::Integer => "an integer",
        JsonType::Number => "a number",
        JsonType::String => "a string",
        JsonType::Array => "a list",
        JsonType::Object => "an object",
    }
}

fn expected_types(kind: &TypeKind) -> String {
    match kind {
        TypeKind::Single(kind) => type_phrase(*kind).to_string(),
        TypeKind::Multiple(set) => set.iter().map(type_phrase).collect::<Vec<_>>().join(" or "),
    }
}

/// The type of a value, as a phrase.
fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "an integer",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// A scalar as text (strings unquoted, cut when long); a collection as its type phrase.
fn plain(value: &Value) -> String {
    match value {
        Value::String(s) if s.chars().count() > 60 => {
            format!("{}...", s.chars().take(57).collect::<String>())
        }
        Value::String(s) => s.clone(),
        Value::Null | Value::Bool(_) | Value::Number(_) => value.to_string(),
        Value::Array(_) | Value::Object(_) => describe(value).to_string(),
    }
}

/// A scalar in backticks; a collection as its type phrase.
fn literal(value: &Value) -> String {
    match value {
        Value::Array(_) | Value::Object(_) => describe(value).to_string(),
        _ => format!("`{}`", plain(value)),
    }
}

fn enum_message(value: &Value, options: &Value) -> String {
    let allowed = options
        .as_array()
        .map(|options| options.iter().map(literal).collect::<Vec<_>>().join(", "))
        .unwrap_or_default();
    match value {
        Value::Array(_) | Value::Object(_) => {
            format!("expected one of {allowed}, found {}", describe(value))
        }
        _ => format!("{} is not one of {allowed}", literal(value)),
    }
}

/// "1 character", "63 characters", "1 entry", "2 entries".
fn counted(count: u64, noun: &str) -> String {
    match (count, noun) {
        (1, _) => format!("1 {noun}"),
        (_, "entry") => format!("{count} entries"),
        _ => format!("{count} {noun}s"),
    }
}

/// The validator's own message, in fanout's style: lower-case start, no trailing period.
fn fallback(message: &str) -> String {
    let message = message.trim().trim_end_matches('.');
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => "invalid value".to_string(),
    }
}

#[cfg(test)]
mod tests;

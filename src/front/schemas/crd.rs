//! Custom resources: the schemas a repository's `CustomResourceDefinition`s (`apiextensions.k8s.io/v1`)
//! give their kinds. A custom resource whose group and kind a CRD of the repository defines is checked
//! against the `openAPIV3Schema` of its version, as the API server would check it:
//!
//! - the version must be one the CRD lists and serves;
//! - unknown fields are errors, as the API server prunes them from a structural schema, except under
//!   `x-kubernetes-preserve-unknown-fields: true` (and `apiVersion`, `kind`, `metadata` of the object
//!   itself and of an `x-kubernetes-embedded-resource`);
//! - `x-kubernetes-int-or-string` allows an integer or a string; `format: int32`/`int64` are range
//!   checks; OpenAPI's boolean `exclusiveMinimum`/`exclusiveMaximum` become JSON Schema's numbers;
//!   `x-kubernetes-list-type: set` requires unique items;
//! - a null is accepted for any field (the API server drops nulls a schema does not mark `nullable`).
//!
//! Not checked: `x-kubernetes-validations` (CEL rules), list-map keys' uniqueness, `metadata`
//! constraints a CRD adds (the object's metadata is checked as every object's is). A custom resource
//! with no CRD in the repository is checked as before: apiVersion, kind and metadata only.
//!
//! Each version's validator is compiled the first time a custom resource of it is checked.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use jsonschema::Validator;
use serde_json::{Map, Value, json};

use super::{SchemaError, Schemas, finish};

pub const API_VERSION: &str = "apiextensions.k8s.io/v1";
pub const KIND: &str = "CustomResourceDefinition";

/// The custom kinds defined by a set of CRDs, by group and kind.
#[derive(Clone, Default)]
pub struct CustomResources {
    kinds: BTreeMap<(String, String), Arc<Definition>>,
}

impl std::fmt::Debug for CustomResources {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.kinds.keys()).finish()
    }
}

/// One CRD.
struct Definition {
    /// `metadata.name`, e.g. `gateways.net.example.com`.
    name: String,
    versions: BTreeMap<String, Version>,
}

struct Version {
    served: bool,
    /// The JSON Schema of the version (`None`: the CRD gives none, anything goes).
    schema: Option<Value>,
    validator: OnceLock<Result<Validator, String>>,
}

/// Is this a CRD?
pub fn is_crd(api_version: &str, kind: &str) -> bool {
    api_version == API_VERSION && kind == KIND
}

impl CustomResources {
    /// These kinds and those the `crds` define (objects that passed the CRD schema); a group and
    /// kind already known keeps its first definition.
    pub fn with<'a>(&self, crds: impl IntoIterator<Item = &'a Value>) -> CustomResources {
        let mut kinds = self.kinds.clone();
        for crd in crds {
            if let Some((key, definition)) = definition(crd) {
                kinds.entry(key).or_insert_with(|| Arc::new(definition));
            }
        }
        CustomResources { kinds }
    }

    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty()
    }

    /// The CRD defining this object's group and kind, if any.
    fn find<'a>(&'a self, instance: &'a Value) -> Option<(&'a Definition, &'a str)> {
        let api_version = instance.get("apiVersion")?.as_str()?;
        let kind = instance.get("kind")?.as_str()?;
        let (group, version) = api_version.split_once('/')?;
        let definition = self.kinds.get(&(group.to_string(), kind.to_string()))?;
        Some((definition, version))
    }
}

impl Schemas {
    /// Every violation by `instance` of the schema of [`super::SchemaKind::Resource`], of its built-in
    /// kind's schema and of the schema its CRD among `custom` gives it; sorted and de-duplicated.
    pub fn validate_resource(
        &self,
        instance: &Value,
        custom: &CustomResources,
    ) -> Vec<SchemaError> {
        let mut errors = self.validate(super::SchemaKind::Resource, instance);
        let Some((definition, version)) = custom.find(instance) else {
            return errors;
        };
        let problem = |message: String| SchemaError {
            pointer: "/apiVersion".to_string(),
            message,
            key: None,
        };
        let Some(entry) = definition.versions.get(version) else {
            let known: Vec<String> = definition
                .versions
                .keys()
                .map(|v| format!("`{v}`"))
                .collect();
            errors.push(problem(format!(
                "the CustomResourceDefinition `{}` has no version `{version}` (it has {})",
                definition.name,
                known.join(", ")
            )));
            return finish(errors);
        };
        if !entry.served {
            errors.push(problem(format!(
                "the CustomResourceDefinition `{}` does not serve version `{version}`",
                definition.name
            )));
            return finish(errors);
        }
        let Some(schema) = &entry.schema else {
            return errors;
        };
        let compiled = entry.validator.get_or_init(|| {
            jsonschema::options()
                .with_draft(jsonschema::Draft::Draft202012)
                .with_base_uri(format!("file:///fanout/crd/{}/{version}", definition.name))
                .offline()
                .build(schema)
                .map_err(|e| e.to_string())
        });
        match compiled {
            Ok(validator) => {
                for error in validator.iter_errors(instance) {
                    self.convert(&error, instance, &mut errors);
                }
            }
            Err(e) => errors.push(problem(format!(
                "the schema of version `{version}` of the CustomResourceDefinition `{}` is not valid: {e}",
                definition.name
            ))),
        }
        finish(errors)
    }
}

/// `(group, kind)` and the definition of one CRD object; `None` if it lacks what is needed.
fn definition(crd: &Value) -> Option<((String, String), Definition)> {
    let spec = crd.get("spec")?;
    let group = spec.get("group")?.as_str()?;
    let kind = spec.get("names")?.get("kind")?.as_str()?;
    let name = crd
        .get("metadata")
        .and_then(|m| m.get("name"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    let mut versions = BTreeMap::new();
    for version in spec.get("versions")?.as_array()? {
        let Some(version_name) = version.get("name").and_then(Value::as_str) else {
            continue;
        };
        let schema = version
            .get("schema")
            .and_then(|s| s.get("openAPIV3Schema"))
            .map(root_schema);
        versions.insert(
            version_name.to_string(),
            Version {
                served: version.get("served").and_then(Value::as_bool) == Some(true),
                schema,
                validator: OnceLock::new(),
            },
        );
    }
    Some((
        (group.to_string(), kind.to_string()),
        Definition {
            name: name.to_string(),
            versions,
        },
    ))
}

/// The JSON Schema of a CRD version's `openAPIV3Schema`: [`structural`], with the object's own
/// `apiVersion`, `kind` and `metadata` left to the checks every object gets.
fn root_schema(openapi: &Value) -> Value {
    let mut schema = structural(openapi, true);
    if let Some(map) = schema.as_object_mut() {
        let properties = map
            .entry("properties")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(properties) = properties.as_object_mut() {
            for field in ["apiVersion", "kind", "metadata"] {
                properties.insert(field.to_string(), Value::Bool(true));
            }
        }
    }
    schema
}

/// Keywords of OpenAPI v3 schemas that mean the same in JSON Schema 2020-12, copied as they are.
const SAME: [&str; 15] = [
    "type",
    "required",
    "enum",
    "format",
    "maximum",
    "minimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "multipleOf",
    "maxProperties",
    "minProperties",
];

/// One OpenAPI v3 schema node of a CRD → JSON Schema 2020-12. `pruned`: the node is on the structural
/// path (not under `allOf`, `anyOf`, `oneOf` or `not`), where the API server prunes unknown fields.
fn structural(openapi: &Value, pruned: bool) -> Value {
    let Some(node) = openapi.as_object() else {
        return openapi.clone();
    };
    let flag = |name: &str| node.get(name).and_then(Value::as_bool) == Some(true);
    let mut out = Map::new();
    for (key, value) in node {
        match key.as_str() {
            k if SAME.contains(&k) => {
                out.insert(key.clone(), value.clone());
            }
            "properties" => {
                let properties = value
                    .as_object()
                    .map(|p| {
                        p.iter()
                            .map(|(name, s)| (name.clone(), structural(s, pruned)))
                            .collect()
                    })
                    .unwrap_or_default();
                out.insert(key.clone(), Value::Object(properties));
            }
            "items" | "additionalProperties" => {
                out.insert(key.clone(), structural(value, pruned));
            }
            "allOf" | "anyOf" | "oneOf" => {
                let list = value
                    .as_array()
                    .map(|l| l.iter().map(|s| structural(s, false)).collect())
                    .unwrap_or_default();
                out.insert(key.clone(), Value::Array(list));
            }
            "not" => {
                out.insert(key.clone(), structural(value, false));
            }
            // annotations, defaulting, CEL rules and OpenAPI-only keywords
            _ => {}
        }
    }
    // OpenAPI v3.0's boolean exclusive bounds
    for (exclusive, bound) in [
        ("exclusiveMaximum", "maximum"),
        ("exclusiveMinimum", "minimum"),
    ] {
        if flag(exclusive)
            && let Some(limit) = out.remove(bound)
        {
            out.insert(exclusive.to_string(), limit);
        }
    }
    let range = match node.get("format").and_then(Value::as_str) {
        Some("int32") => Some((i64::from(i32::MIN), i64::from(i32::MAX))),
        Some("int64") => Some((i64::MIN, i64::MAX)),
        _ => None,
    };
    if let Some((low, high)) = range {
        out.entry("minimum").or_insert(json!(low));
        out.entry("maximum").or_insert(json!(high));
    }
    if flag("x-kubernetes-int-or-string") {
        out.insert("type".to_string(), json!(["integer", "string"]));
    }
    if node.get("x-kubernetes-list-type").and_then(Value::as_str) == Some("set") {
        out.insert("uniqueItems".to_string(), Value::Bool(true));
    }
    let is_object =
        out.get("type").and_then(Value::as_str) == Some("object") || out.contains_key("properties");
    if flag("x-kubernetes-embedded-resource") {
        let properties = out
            .entry("properties")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(properties) = properties.as_object_mut() {
            for field in ["apiVersion", "kind", "metadata"] {
                properties.entry(field).or_insert(Value::Bool(true));
            }
        }
    }
    if pruned
        && is_object
        && !flag("x-kubernetes-preserve-unknown-fields")
        && !out.contains_key("additionalProperties")
    {
        out.insert("additionalProperties".to_string(), Value::Bool(false));
    }
    allow_null(&mut out);
    Value::Object(out)
}

/// A null is accepted where a value of the node's type is (the API server drops it, or keeps it under
/// `nullable: true`); an `enum` still applies to every other value.
fn allow_null(out: &mut Map<String, Value>) {
    match out.get("type") {
        Some(Value::String(t)) => {
            let t = t.clone();
            out.insert("type".to_string(), json!([t, "null"]));
        }
        Some(Value::Array(types)) if !types.contains(&json!("null")) => {
            let mut types = types.clone();
            types.push(json!("null"));
            out.insert("type".to_string(), Value::Array(types));
        }
        _ => {}
    }
    let enum_without_null = out
        .get("enum")
        .and_then(Value::as_array)
        .is_some_and(|values| !values.contains(&Value::Null));
    if enum_without_null && let Some(values) = out.remove("enum") {
        out.insert("if".to_string(), json!({"type": "null"}));
        out.insert("else".to_string(), json!({ "enum": values }));
    }
}

#[cfg(test)]
mod tests;

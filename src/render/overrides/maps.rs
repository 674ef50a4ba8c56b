//! The labels and annotations overriders (`labelannotationoverrider.go`): add, replace or remove keys of
//! `metadata.labels` or `metadata.annotations` as JSON patch operations, with Karmada's quirks: `add` first
//! makes the map exist (replacing one that is not a map of strings), `replace` and `remove` skip keys that
//! do not exist.
//!
//! Not here: checking keys or values (the overrider takes them as they are), and applying the patch
//! (`json_patch`).

use super::json_patch::Op;
use crate::model::api;
use serde_json::{Map, Value};

/// `unstructured.NestedStringMap(obj, "metadata", field)`: `None` when absent, null, not a map, or
/// holding a non-string value.
fn string_map<'a>(object: &'a Value, field: &str) -> Option<&'a Map<String, Value>> {
    let map = object
        .get("metadata")?
        .as_object()?
        .get(field)?
        .as_object()?;
    map.values().all(Value::is_string).then_some(map)
}

/// The operations of one labels or annotations overrider. `add` first makes the map exist (replacing one
/// that is not a map of strings, as Karmada does); `replace` and `remove` skip keys that do not exist.
pub(super) fn map_ops(object: &mut Value, field: &str, o: &api::MapOverrider) -> Vec<Op> {
    let mut ops = Vec::new();
    for (key, value) in &o.value {
        let skip = match o.operator.as_str() {
            "remove" | "replace" => !string_map(object, field).is_some_and(|m| m.contains_key(key)),
            "add" => string_map(object, field).is_none() && !reset_map(object, field),
            _ => false,
        };
        if skip {
            continue;
        }
        // Only `/` is escaped, as in Karmada: `~` is not valid in label or annotation keys.
        let path = format!("/metadata/{field}/{}", key.replace('/', "~1"));
        ops.push(Op::new(&o.operator, &path, Value::String(value.clone())));
    }
    ops
}

/// `unstructured.SetNestedStringMap(obj, {}, "metadata", field)`; false when `metadata` is not a map.
fn reset_map(object: &mut Value, field: &str) -> bool {
    let Some(root) = object.as_object_mut() else {
        return false;
    };
    let metadata = root
        .entry("metadata")
        .or_insert_with(|| Value::Object(Map::new()));
    match metadata {
        Value::Object(m) => {
            m.insert(field.to_owned(), Value::Object(Map::new()));
            true
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests;

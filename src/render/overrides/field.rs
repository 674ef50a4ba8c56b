//! The field overrider (`applyFieldOverriders`): the string at `fieldPath` (a go-openapi JSON pointer) is
//! read as JSON or as YAML, patched with the overrider's sub-operations and written back as Karmada's Go
//! libraries write it. JSON comes back compact, in its own key order, untouched numbers and strings spelled
//! as they were, with Go's HTML escaping; YAML is read with yaml.v2's YAML 1.1 scalars and written as
//! yaml.v2 writes it. An overrider with neither `json` nor `yaml` empties the field, as Karmada's does.
//!
//! Not here: how Go reads and writes those texts ([`crate::gocompat`]), the patch semantics
//! (`json_patch`), and fields that are not strings (an error, as in Karmada).

use super::json_patch::{Op, patch};
use crate::gocompat::json::{go_json, raw_leaves};
use crate::gocompat::number::go_atoi;
use crate::gocompat::yaml_v2::{read_yaml11, write_yaml_v2};
use crate::model::api;
use serde_json::Value;

/// One field overrider; on failure, the pointer suffix within it (`/json/0`, or empty) and why.
pub(super) fn field_override(
    object: &mut Value,
    f: &api::FieldOverrider,
) -> Result<(), (String, String)> {
    let whole = |e: String| (String::new(), e);
    let path = &f.field_path;
    let slot = field_slot(object, path).map_err(whole)?;
    let Value::String(text) = slot else {
        return Err(whole(format!("field `{path}` is not a string")));
    };
    let new = if !f.yaml.is_empty() {
        patch_yaml_text(text, &f.yaml).map_err(|(at, e)| match at {
            Some(j) => (format!("/yaml/{j}"), e),
            None => (String::new(), format!("field `{path}`: {e}")),
        })?
    } else if !f.json.is_empty() {
        patch_json_text(text, &f.json).map_err(|(at, e)| match at {
            Some(j) => (format!("/json/{j}"), e),
            None => (String::new(), format!("field `{path}`: {e}")),
        })?
    } else {
        String::new()
    };
    *slot = Value::String(new);
    Ok(())
}

/// go-openapi/jsonpointer `Get`, returning the slot so it can be `Set` afterwards.
fn field_slot<'a>(object: &'a mut Value, path: &str) -> Result<&'a mut Value, String> {
    if path.is_empty() {
        return Ok(object);
    }
    let Some(rest) = path.strip_prefix('/') else {
        return Err(format!("field path `{path}` must start with `/`"));
    };
    let mut node = object;
    for raw in rest.split('/') {
        let token = raw.replace("~1", "/").replace("~0", "~");
        node = match node {
            Value::Object(m) => m
                .get_mut(&token)
                .ok_or_else(|| format!("field `{path}` does not exist"))?,
            Value::Array(items) => {
                let len = items.len();
                go_atoi(&token)
                    .and_then(|i| usize::try_from(i).ok())
                    .filter(|i| *i < len)
                    .and_then(|i| items.get_mut(i))
                    .ok_or_else(|| format!("field `{path}` does not exist"))?
            }
            _ => return Err(format!("field `{path}` does not exist")),
        };
    }
    Ok(node)
}

fn sub_ops(list: &[api::FieldPatch]) -> Vec<Op> {
    list.iter()
        .map(|p| {
            Op::new(
                &p.operator,
                &p.sub_path,
                p.value.clone().unwrap_or(Value::Null),
            )
        })
        .collect()
}

/// Error of a text patch: the failing sub-operation, if one failed, and why.
type TextError = (Option<usize>, String);

/// `applyRawJSONPatch`: empty text is left alone; otherwise the result is compact, in key order.
fn patch_json_text(text: &str, list: &[api::FieldPatch]) -> Result<String, TextError> {
    if text.is_empty() {
        return Ok(String::new());
    }
    let mut doc: Value =
        serde_json::from_str(text).map_err(|e| (None, format!("not valid JSON: {e}")))?;
    // evanphx reads the document as an array only when its very first byte is `[`.
    if !(text.starts_with('[') || doc.is_object() || doc.is_null()) {
        return Err((None, "not a JSON object".into()));
    }
    patch(&mut doc, &sub_ops(list)).map_err(|(i, e)| (Some(i), e))?;
    if doc.is_null() {
        return Err((None, "the patched document is not an object".into()));
    }
    let raw = raw_leaves(text);
    let mut out = String::new();
    go_json(&doc, &mut String::new(), &raw, &mut out);
    Ok(out)
}

/// `applyRawYAMLPatch`: YAML → JSON → patch → YAML, as `sigs.k8s.io/yaml` with yaml.v2 does it.
fn patch_yaml_text(text: &str, list: &[api::FieldPatch]) -> Result<String, TextError> {
    let mut doc = read_yaml11(text).map_err(|e| (None, e))?;
    if !(doc.is_object() || doc.is_array() || doc.is_null()) {
        return Err((None, "not a YAML mapping or sequence".into()));
    }
    patch(&mut doc, &sub_ops(list)).map_err(|(i, e)| (Some(i), e))?;
    write_yaml_v2(&doc).map_err(|e| (None, e))
}

#[cfg(test)]
mod tests;

//! JSON patches as Karmada applies them: RFC 6902 `add`, `remove` and `replace`, addressed as
//! `evanphx/json-patch/v5` does with Karmada's options. Negative array indices count from the end, indices
//! are parsed leniently (`+1`, `007`: Go's `strconv.Atoi`), a path's first segment is ignored when it does
//! not start with `/`, removing a key keeps the order of the others. Paths are resolved here and the
//! resolved, canonical operation is applied with the `json-patch` crate. After every patch of the whole
//! object it must still be a JSON object with a `kind` (Karmada decodes it back into an `Unstructured`).
//!
//! Not here: which operations an overrider makes (its own module), `move`, `copy` and `test` (no overrider
//! makes them; they are refused as unsupported), and where a failure is in the policy (the dispatch's).

use crate::gocompat::number::go_atoi;
use json_patch::jsonptr::PointerBuf;
use serde_json::Value;

/// One RFC 6902 operation as Karmada builds it (`overrideOption`): an absent value is JSON `null`.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Op {
    op: String,
    path: String,
    value: Value,
}

impl Op {
    pub(super) fn new(op: &str, path: &str, value: Value) -> Op {
        Op {
            op: op.to_owned(),
            path: path.to_owned(),
            value,
        }
    }
}

/// A patch of the whole object: applied, then the object must still decode as an `Unstructured`.
pub(super) fn patch_object(object: &mut Value, ops: &[Op]) -> Result<(), String> {
    patch(object, ops).map_err(|(_, message)| message)?;
    still_an_object(object)
}

/// What `Unstructured.UnmarshalJSON` demands of a patched object.
pub(super) fn still_an_object(object: &Value) -> Result<(), String> {
    match object {
        Value::Object(m) => match m.get("kind") {
            Some(Value::String(k)) if !k.is_empty() => Ok(()),
            _ => Err("after the patch the object has no `kind`".into()),
        },
        _ => Err("after the patch the object is no longer a JSON object".into()),
    }
}

/// Apply operations in order; on failure, the index of the failing operation and why.
pub(super) fn patch(doc: &mut Value, ops: &[Op]) -> Result<(), (usize, String)> {
    for (i, op) in ops.iter().enumerate() {
        apply_op(doc, op)
            .map_err(|why| (i, format!("json patch `{}` at `{}`: {why}", op.op, op.path)))?;
    }
    Ok(())
}

/// RFC 6901 token decoding as evanphx does it (`~1` → `/`, `~0` → `~`, anything else kept).
fn decode_token(token: &str) -> String {
    let mut out = String::with_capacity(token.len());
    let mut chars = token.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('~', Some('1')) => {
                out.push('/');
                chars.next();
            }
            ('~', Some('0')) => {
                out.push('~');
                chars.next();
            }
            _ => out.push(c),
        }
    }
    out
}

/// Resolve a (possibly negative) array index against a length, as evanphx does for get, replace and
/// remove; `None` when out of range.
fn existing_index(key: &str, len: usize) -> Result<usize, String> {
    let idx = go_atoi(key).ok_or_else(|| format!("`{key}` is not an array index"))?;
    let len = len as i128;
    let mut i = i128::from(idx);
    if i < 0 {
        i += len;
    }
    if (0..len).contains(&i) {
        usize::try_from(i).map_err(|_| format!("index `{key}` is out of range"))
    } else {
        Err(format!("index `{key}` is out of range"))
    }
}

fn apply_op(doc: &mut Value, op: &Op) -> Result<(), String> {
    if !matches!(op.op.as_str(), "add" | "remove" | "replace") {
        return Err(format!("unsupported operator `{}`", op.op));
    }
    if op.path.is_empty() && op.op != "remove" {
        // The whole document is replaced; evanphx only accepts a container.
        if !(op.value.is_object() || op.value.is_array()) {
            return Err("a whole document must be an object or an array".into());
        }
        *doc = op.value.clone();
        return Ok(());
    }
    let split: Vec<&str> = op.path.split('/').collect();
    let (parents, last): (&[&str], &str) = if op.path.is_empty() {
        (&[], "")
    } else if split.len() < 2 {
        return Err("path does not exist".into());
    } else {
        (&split[1..split.len() - 1], split[split.len() - 1])
    };
    let (parent, node) = resolve_parent(doc, parents)?;
    let (target, removed_at) = resolve_last(node, &op.op, decode_token(last))?;
    let mut path = parent.clone();
    path.push_back(target.as_str());
    json_patch::patch(doc, &[canonical(op, path)]).map_err(|e| e.kind.to_string())?;
    if op.op == "remove" {
        keep_key_order(doc, &parent, removed_at);
    }
    Ok(())
}

/// Walk a path's parent segments as evanphx does (object keys, array indices counted from the end when
/// negative), every step a container: the parent's canonical pointer and the parent.
fn resolve_parent<'d>(doc: &'d Value, parents: &[&str]) -> Result<(PointerBuf, &'d Value), String> {
    let mut tokens: Vec<String> = Vec::with_capacity(parents.len() + 1);
    let mut node: &Value = doc;
    for part in parents {
        let token = decode_token(part);
        node = match node {
            Value::Object(m) => {
                let next = m.get(&token).ok_or("path does not exist")?;
                tokens.push(token);
                next
            }
            Value::Array(items) => {
                let i = existing_index(&token, items.len()).map_err(|_| "path does not exist")?;
                tokens.push(i.to_string());
                &items[i]
            }
            _ => return Err("path does not exist".into()),
        };
        if !(node.is_object() || node.is_array()) {
            return Err("path does not exist".into());
        }
    }
    Ok((
        PointerBuf::from_tokens(tokens.iter().map(String::as_str)),
        node,
    ))
}

/// A path's last segment resolved in its parent for operation `op`, as evanphx does: the canonical
/// token, and for an existing key, its position and the object's length (see [`keep_key_order`]).
fn resolve_last(
    node: &Value,
    op: &str,
    key: String,
) -> Result<(String, Option<(usize, usize)>), String> {
    let mut removed_at: Option<(usize, usize)> = None;
    let target: String = match node {
        Value::Object(m) => {
            if op != "add" {
                let Some(pos) = m.keys().position(|k| *k == key) else {
                    return Err("path does not exist".into());
                };
                removed_at = Some((pos, m.len()));
            }
            key
        }
        Value::Array(items) => {
            let len = items.len();
            if op == "add" {
                if key == "-" {
                    len.to_string()
                } else {
                    let idx =
                        go_atoi(&key).ok_or_else(|| format!("`{key}` is not an array index"))?;
                    let size = len as i128 + 1;
                    let mut i = i128::from(idx);
                    if i >= size || i < -size {
                        return Err(format!("index `{key}` is out of range"));
                    }
                    if i < 0 {
                        i += size;
                    }
                    i.to_string()
                }
            } else {
                existing_index(&key, len)?.to_string()
            }
        }
        _ => return Err("path does not exist".into()),
    };
    Ok((target, removed_at))
}

/// The resolved operation, as the `json-patch` crate takes it.
fn canonical(op: &Op, path: PointerBuf) -> json_patch::PatchOperation {
    match op.op.as_str() {
        "add" => json_patch::PatchOperation::Add(json_patch::AddOperation {
            path,
            value: op.value.clone(),
        }),
        "remove" => json_patch::PatchOperation::Remove(json_patch::RemoveOperation { path }),
        _ => json_patch::PatchOperation::Replace(json_patch::ReplaceOperation {
            path,
            value: op.value.clone(),
        }),
    }
}

/// After a `remove` of the key that was at `removed_at` (position, length) in the object at `parent`:
/// serde_json's `remove` swaps the last key into the hole; Go keeps the order: move it back.
fn keep_key_order(doc: &mut Value, parent: &PointerBuf, removed_at: Option<(usize, usize)>) {
    if let (Some((pos, len)), Some(Value::Object(m))) =
        (removed_at, doc.pointer_mut(parent.as_str()))
        && pos + 1 < len
        && let Some(moved) = m.keys().nth(pos).cloned()
        && let Some(v) = m.shift_remove(&moved)
    {
        m.insert(moved, v);
    }
}

#[cfg(test)]
mod tests;

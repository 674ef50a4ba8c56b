//! The command and args overriders (`commandargsoverride.go`): for each container of the given name in the
//! workload's pod spec, add values to or remove values from its `command` or `args` list, as one JSON patch
//! operation per container (`add` when the list is absent or null, else `replace`).
//!
//! Not here: init containers and kinds outside `pod_spec` (Karmada leaves them alone), and applying the
//! patch (`json_patch`).

use super::json_patch::Op;
use super::pod_spec::pod_spec_segments;
use crate::model::api;
use serde_json::Value;

/// The operations of one command or args overrider: for each container of that name, `add` the list
/// when it is absent or null, else `replace` it.
pub(super) fn command_args_ops(
    object: &Value,
    field: &str,
    o: &api::CommandArgsOverrider,
) -> Result<Vec<Op>, String> {
    let Some(segments) = pod_spec_segments(object) else {
        return Ok(Vec::new());
    };
    let segments: Vec<&str> = segments.iter().copied().chain(["containers"]).collect();
    // `unstructured.NestedSlice`: a null or absent step means none, any other non-object is an error.
    let mut node = object;
    for (i, seg) in segments.iter().enumerate() {
        if node.is_null() {
            return Ok(Vec::new());
        }
        let Value::Object(m) = node else {
            return Err(format!("`.{}` is not an object", segments[..i].join(".")));
        };
        match m.get(*seg) {
            None => return Ok(Vec::new()),
            Some(v) => node = v,
        }
    }
    let Value::Array(containers) = node else {
        return Err(format!("`.{}` is not a list", segments.join(".")));
    };
    let base = segments.join("/");
    let mut ops = Vec::new();
    for (i, c) in containers.iter().enumerate() {
        let Value::Object(c) = c else {
            return Err(format!("`.{}[{i}]` is not an object", segments.join(".")));
        };
        if c.get("name").and_then(Value::as_str) != Some(o.container_name.as_str()) {
            continue;
        }
        let path = format!("/{base}/{i}/{field}");
        let (op, current) = match c.get(field) {
            None | Some(Value::Null) => ("add", Vec::new()),
            Some(Value::Array(items)) => {
                let strings = items
                    .iter()
                    .map(|v| v.as_str().map(str::to_owned))
                    .collect::<Option<Vec<String>>>()
                    .ok_or_else(|| {
                        format!(
                            "`{field}` of container `{}` holds a non-string item",
                            o.container_name
                        )
                    })?;
                ("replace", strings)
            }
            Some(_) => {
                return Err(format!(
                    "`{field}` of container `{}` is not a list",
                    o.container_name
                ));
            }
        };
        let new: Vec<Value> = match o.operator.as_str() {
            "add" => current.into_iter().chain(o.value.iter().cloned()).collect(),
            "remove" => current
                .into_iter()
                .filter(|v| !o.value.contains(v))
                .collect(),
            _ => current,
        }
        .into_iter()
        .map(Value::String)
        .collect();
        ops.push(Op::new(op, &path, Value::Array(new)));
    }
    Ok(ops)
}

#[cfg(test)]
mod tests;

//! The image overrider (`imageoverride.go`): for each container of the workload's pod spec (not init
//! containers), or for the one string a `predicate` path names, parse the image, change its registry,
//! repository or tag as told, and replace it with a JSON patch operation.
//!
//! Not here: the reference grammar and its errors (`reference`), applying the patch (`json_patch`), and
//! `docker.io` normalisation (Karmada does none: `nginx` stays `nginx`).

mod reference;

use super::json_patch::Op;
use super::pod_spec::pod_spec_segments;
use crate::gocompat::number::go_atoi;
use crate::model::api;
use reference::Image;
use serde_json::Value;

/// The image after one overrider (`overrideImage`).
fn override_image(image: &str, o: &api::ImageOverrider) -> Result<String, String> {
    let mut c = Image::parse(image).map_err(|e| format!("cannot parse image `{image}`: {e}"))?;
    let op = o.operator.as_str();
    match o.component.as_str() {
        "Registry" => match op {
            "add" => c.hostname.push_str(&o.value),
            "replace" => c.hostname.clone_from(&o.value),
            "remove" => c.hostname.clear(),
            _ => {}
        },
        "Repository" => match op {
            "add" => c.repository.push_str(&o.value),
            "replace" => c.repository.clone_from(&o.value),
            "remove" => c.repository.clear(),
            _ => {}
        },
        "Tag" => match op {
            "add" => {
                let joined = format!("{}{}", c.tag_or_digest(), o.value);
                c.set_tag_or_digest(&joined);
            }
            "replace" => c.set_tag_or_digest(&o.value),
            "remove" => c.remove_tag_or_digest(),
            _ => {}
        },
        other => return Err(format!("unsupported image component `{other}`")),
    }
    Ok(c.to_string())
}

/// The replace operations of one image overrider (`buildPatches`).
pub(super) fn image_ops(object: &Value, o: &api::ImageOverrider) -> Result<Vec<Op>, String> {
    if let Some(predicate) = &o.predicate {
        let path = &predicate.path;
        let image =
            predicate_image(object, path).map_err(|e| format!("image predicate `{path}`: {e}"))?;
        if !path.starts_with('/') {
            return Err(format!("image predicate `{path}` must start with `/`"));
        }
        let new = override_image(&image, o)?;
        return Ok(vec![Op::new("replace", path, Value::String(new))]);
    }
    let Some(segments) = pod_spec_segments(object) else {
        return Ok(Vec::new());
    };
    // Karmada converts the object to its typed form first: null or absent parts mean no containers.
    let mut node = object;
    let mut walked = String::new();
    for seg in segments {
        walked.push('.');
        walked.push_str(seg);
        match node.get(*seg) {
            None | Some(Value::Null) => return Ok(Vec::new()),
            Some(v @ Value::Object(_)) => node = v,
            Some(_) => return Err(format!("`{walked}` is not an object")),
        }
    }
    let containers = match node.get("containers") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(items)) => items,
        Some(_) => return Err(format!("`{walked}.containers` is not a list")),
    };
    let prefix = format!("/{}", segments.join("/"));
    let mut ops = Vec::with_capacity(containers.len());
    for (i, c) in containers.iter().enumerate() {
        let image = match c {
            Value::Null => "",
            Value::Object(m) => match m.get("image") {
                None | Some(Value::Null) => "",
                Some(Value::String(s)) => s,
                Some(_) => return Err(format!("`{walked}.containers[{i}].image` is not a string")),
            },
            _ => return Err(format!("`{walked}.containers[{i}]` is not an object")),
        };
        let path = format!("{prefix}/containers/{i}/image");
        let new =
            override_image(image, o).map_err(|e| format!("container image at `{path}`: {e}"))?;
        ops.push(Op::new("replace", &path, Value::String(new)));
    }
    Ok(ops)
}

/// Karmada's `obtainImageValue`: plain `/`-separated segments (no `~` escapes), a list step takes the
/// next segment as its index.
fn predicate_image(object: &Value, path: &str) -> Result<String, String> {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let mut current = object
        .as_object()
        .ok_or("the object is not a JSON object")?;
    let mut i = 0;
    while i + 1 < segments.len() {
        match current.get(segments[i]) {
            Some(Value::Object(m)) => current = m,
            Some(Value::Array(items)) => {
                let index_text = segments[i + 1];
                let index = go_atoi(index_text)
                    .filter(|n| i32::try_from(*n).is_ok())
                    .ok_or_else(|| format!("`{index_text}` is not a list index"))?;
                current = usize::try_from(index)
                    .ok()
                    .and_then(|n| items.get(n))
                    .ok_or_else(|| format!("index `{index_text}` is out of range"))?
                    .as_object()
                    .ok_or_else(|| format!("item `{index_text}` is not an object"))?;
                i += 1;
            }
            _ => return Err(format!("`{}` is not an object or a list", segments[i])),
        }
        i += 1;
    }
    let last = segments[segments.len() - 1];
    match current.get(last) {
        Some(Value::String(s)) => Ok(s.clone()),
        _ => Err(format!("`{last}` is not a string")),
    }
}

#[cfg(test)]
mod tests;

//! Label selectors of live objects: whether one is the short form's own, what of it the short form keeps,
//! whether it selects a set of labels, and how kubectl writes it. Pure.

use super::*;

/// Whether a live selector is exactly the one the short form generates.
pub(super) fn selector_is_short_forms(selector: Option<&Value>, name: &str) -> bool {
    let Some(Value::Object(s)) = selector else {
        return false;
    };
    let labels_ok = s.get("matchLabels") == Some(&json!({ NAME_LABEL: name }));
    let no_expressions = match s.get("matchExpressions") {
        None | Some(Value::Null) => true,
        Some(Value::Array(e)) => e.is_empty(),
        Some(_) => false,
    };
    labels_ok
        && no_expressions
        && s.keys()
            .all(|k| k == "matchLabels" || k == "matchExpressions")
}

/// A live selector as the short form's `spec.selector`: `matchLabels` of strings and `matchExpressions`
/// rules (`In`/`NotIn` with values, `Exists`/`DoesNotExist` without), empty parts left out, so that the
/// expanded Deployment has the same selector. `None` for anything else, and for an empty selector.
pub(super) fn kept_selector(selector: &Value) -> Option<Value> {
    let Value::Object(s) = selector else {
        return None;
    };
    let mut out = Map::new();
    for (key, value) in s {
        match (key.as_str(), value) {
            (_, Value::Null) => {}
            ("matchLabels", Value::Object(labels)) => {
                if !labels.values().all(Value::is_string) {
                    return None;
                }
                if !labels.is_empty() {
                    out.insert(key.clone(), value.clone());
                }
            }
            ("matchExpressions", Value::Array(rules)) => {
                let rules = rules
                    .iter()
                    .map(kept_requirement)
                    .collect::<Option<Vec<Value>>>()?;
                if !rules.is_empty() {
                    out.insert(key.clone(), Value::Array(rules));
                }
            }
            _ => return None,
        }
    }
    (!out.is_empty()).then_some(Value::Object(out))
}

pub(super) fn kept_requirement(rule: &Value) -> Option<Value> {
    let Value::Object(r) = rule else {
        return None;
    };
    if r.keys()
        .any(|k| !matches!(k.as_str(), "key" | "operator" | "values"))
    {
        return None;
    }
    let key = r.get("key").and_then(Value::as_str)?;
    let operator = r.get("operator").and_then(Value::as_str)?;
    let values = match r.get("values") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(v)) => v.clone(),
        Some(_) => return None,
    };
    if !values.iter().all(Value::is_string) {
        return None;
    }
    let wants_values = match operator {
        "In" | "NotIn" => true,
        "Exists" | "DoesNotExist" => false,
        _ => return None,
    };
    if wants_values == values.is_empty() {
        return None;
    }
    let mut out = Map::new();
    out.insert("key".into(), json!(key));
    out.insert("operator".into(), json!(operator));
    if wants_values {
        out.insert("values".into(), Value::Array(values));
    }
    Some(Value::Object(out))
}

/// Whether a selector [`kept_selector`] returned holds for `labels`.
pub(super) fn selects(selector: &Value, labels: &Map<String, Value>) -> bool {
    let labels_hold = selector
        .get("matchLabels")
        .and_then(Value::as_object)
        .is_none_or(|m| m.iter().all(|(k, v)| labels.get(k) == Some(v)));
    let rules = selector
        .get("matchExpressions")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    labels_hold
        && rules.iter().all(|r| {
            let key = r.get("key").and_then(Value::as_str).unwrap_or_default();
            let has = labels.get(key);
            let listed = r
                .get("values")
                .and_then(Value::as_array)
                .is_some_and(|values| has.is_some_and(|v| values.contains(v)));
            match r.get("operator").and_then(Value::as_str) {
                Some("In") => listed,
                Some("NotIn") => !listed,
                Some("Exists") => has.is_some(),
                _ => has.is_none(),
            }
        })
}

/// A label selector as kubectl writes one: `app=web,tier in (a,b),!canary,gpu`.
pub(super) fn selector_text(selector: &Value) -> String {
    let mut parts = Vec::new();
    if let Some(Value::Object(labels)) = selector.get("matchLabels") {
        for (k, v) in labels {
            parts.push(format!("{k}={}", v.as_str().unwrap_or_default()));
        }
    }
    if let Some(Value::Array(expressions)) = selector.get("matchExpressions") {
        for e in expressions {
            let key = e.get("key").and_then(Value::as_str).unwrap_or_default();
            let values: Vec<&str> = e
                .get("values")
                .and_then(Value::as_array)
                .map(|v| v.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            parts.push(match e.get("operator").and_then(Value::as_str) {
                Some("In") => format!("{key} in ({})", values.join(",")),
                Some("NotIn") => format!("{key} notin ({})", values.join(",")),
                Some("Exists") => key.to_owned(),
                Some("DoesNotExist") => format!("!{key}"),
                _ => serde_json::to_string(e).unwrap_or_default(),
            });
        }
    }
    if parts.is_empty() {
        serde_json::to_string(selector).unwrap_or_default()
    } else {
        parts.join(",")
    }
}

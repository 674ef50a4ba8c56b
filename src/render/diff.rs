//! Old tree × new tree → unified diffs, with Secret values masked.
//!
//! Secret `data` and `stringData` values never appear: as `kubectl diff` does, each value becomes `***`,
//! and a value that changed shows as `*** (before)` / `*** (after)`, so a reviewer sees that it changed and
//! nothing else. Pure: trees in, text out.

use crate::emit::{Changes, Tree};
use crate::source::FileId;
use serde_json::Value;
use similar::TextDiff;
use std::collections::BTreeMap;

/// The JSON of a YAML file fanout wrote, if it is one object.
fn object(bytes: &[u8]) -> Option<Value> {
    let text = std::str::from_utf8(bytes).ok()?;
    let parsed = crate::front::yaml::parse(FileId(0), text, crate::front::yaml::Limits::default());
    let doc = parsed.documents.into_iter().next()?;
    Some(doc.root.to_json())
}

fn is_secret(v: &Value) -> bool {
    v.get("kind").and_then(Value::as_str) == Some("Secret")
        && v.get("apiVersion").and_then(Value::as_str) == Some("v1")
}

/// Mask the values of `data` and `stringData` in two versions of a Secret (either may be absent).
pub fn mask_secrets(mut old: Option<&mut Value>, mut new: Option<&mut Value>) {
    for field in ["data", "stringData"] {
        let before: BTreeMap<String, Value> = old
            .as_ref()
            .and_then(|o| o.get(field))
            .and_then(Value::as_object)
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default();
        let after: BTreeMap<String, Value> = new
            .as_ref()
            .and_then(|o| o.get(field))
            .and_then(Value::as_object)
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default();
        let mask = |side: Option<&mut Value>, other: &BTreeMap<String, Value>, suffix: &str| {
            let Some(map) = side
                .and_then(|v| v.get_mut(field))
                .and_then(Value::as_object_mut)
            else {
                return;
            };
            for (k, v) in map.iter_mut() {
                let changed = other.get(k).is_some_and(|o| o != v);
                *v = Value::from(if changed {
                    format!("*** ({suffix})")
                } else {
                    "***".to_owned()
                });
            }
        };
        mask(old.as_deref_mut(), &after, "before");
        mask(new.as_deref_mut(), &before, "after");
    }
}

/// The text shown for one side of a file: Secrets re-rendered with their values masked.
fn shown(old: Option<&[u8]>, new: Option<&[u8]>) -> (String, String) {
    let text = |b: Option<&[u8]>| {
        b.map(|b| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default()
    };
    let mut o = old.and_then(object);
    let mut n = new.and_then(object);
    if o.as_ref().is_some_and(is_secret) || n.as_ref().is_some_and(is_secret) {
        mask_secrets(o.as_mut(), n.as_mut());
        let render = |v: Option<Value>| v.map(|v| crate::render::to_yaml(&v)).unwrap_or_default();
        return (render(o), render(n));
    }
    (text(old), text(new))
}

/// A unified diff of one file (`a/` and `b/` prefixes, `/dev/null` for a missing side).
pub fn file_diff(path: &str, old: Option<&[u8]>, new: Option<&[u8]>) -> String {
    let (a, b) = shown(old, new);
    let from = if old.is_some() {
        format!("a/{path}")
    } else {
        "/dev/null".into()
    };
    let to = if new.is_some() {
        format!("b/{path}")
    } else {
        "/dev/null".into()
    };
    let diff = TextDiff::configure()
        .timeout(std::time::Duration::from_secs(5))
        .diff_lines(&a, &b);
    diff.unified_diff()
        .context_radius(3)
        .header(&from, &to)
        .to_string()
}

/// Diffs of every changed path, in path order.
pub fn tree_diff(old: &Tree, new: &Tree, changes: &Changes) -> String {
    let mut paths: Vec<&String> = changes
        .added
        .iter()
        .chain(&changes.changed)
        .chain(&changes.removed)
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| file_diff(p, old.get(p).map(|b| &b[..]), new.get(p).map(|b| &b[..])))
        .collect()
}

/// Per top-level directory (cluster): added, changed, removed counts.
pub fn summary(changes: &Changes) -> BTreeMap<String, [usize; 3]> {
    let mut out: BTreeMap<String, [usize; 3]> = BTreeMap::new();
    for (i, list) in [&changes.added, &changes.changed, &changes.removed]
        .into_iter()
        .enumerate()
    {
        for p in list {
            let top = p.split('/').next().unwrap_or("").to_owned();
            out.entry(top).or_default()[i] += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: &str = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: hunter2\n  user: admin\n";
    const NEW: &str = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: correct-horse\n  user: admin\n  token: fresh\n";

    #[test]
    fn secret_values_never_show_but_changes_do() {
        let d = file_diff("c/db.yaml", Some(OLD.as_bytes()), Some(NEW.as_bytes()));
        for secret in ["hunter2", "correct-horse", "admin", "fresh"] {
            assert!(!d.contains(secret), "{d}");
        }
        assert!(
            d.contains("-  password: '*** (before)'")
                || d.contains("-  password: \"*** (before)\""),
            "{d}"
        );
        assert!(d.contains("(after)"), "{d}");
        assert!(d.contains("+  token:"), "{d}");
    }

    #[test]
    fn added_and_removed_secrets_are_masked_too() {
        let d = file_diff("c/db.yaml", None, Some(NEW.as_bytes()));
        assert!(
            !d.contains("correct-horse") && d.starts_with("--- /dev/null\n+++ b/c/db.yaml"),
            "{d}"
        );
        let d = file_diff("c/db.yaml", Some(OLD.as_bytes()), None);
        assert!(!d.contains("hunter2") && d.contains("+++ /dev/null"), "{d}");
    }

    #[test]
    fn other_files_diff_as_text() {
        let d = file_diff("c/cm.yaml", Some(b"a: 1\n"), Some(b"a: 2\n"));
        assert_eq!(
            d,
            "--- a/c/cm.yaml\n+++ b/c/cm.yaml\n@@ -1 +1 @@\n-a: 1\n+a: 2\n"
        );
    }
}

//! Karmada's `pkg/util/overridemanager/labelannotationoverrider_test.go` cases, then the overriders'
//! edges.

use super::*;
use crate::render::overrides::json_patch::patch_object;
use crate::render::overrides::tests::deployment;
use serde_json::json;

fn map_overrider(op: &str, value: &[(&str, &str)]) -> api::MapOverrider {
    api::MapOverrider {
        operator: op.into(),
        value: value
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
    }
}

fn run_map(object: &mut Value, field: &str, o: &api::MapOverrider) -> Result<(), String> {
    let ops = map_ops(object, field, o);
    if ops.is_empty() {
        return Ok(());
    }
    patch_object(object, &ops)
}

/// Test_applyLabelsOverriders and Test_applyAnnotationsOverriders.
#[test]
fn labels_annotations_karmada_table() {
    let foo_bar = json!({"foo": "foo", "bar": "bar"});
    let composed = json!({"testannotation/projectId": "c-m-lfx9lk92:p-v86cf", "foo": "foo"});
    let cases: Vec<(&str, &str, Option<Value>, api::MapOverrider, Value)> = vec![
        (
            "test empty labels",
            "labels",
            None,
            map_overrider("add", &[("test2", "test2")]),
            json!({"test2": "test2"}),
        ),
        (
            "test labels replace",
            "labels",
            Some(foo_bar.clone()),
            map_overrider("replace", &[("foo", "exist"), ("non-exist", "non-exist")]),
            json!({"foo": "exist", "bar": "bar"}),
        ),
        (
            "test labels add",
            "labels",
            Some(foo_bar.clone()),
            map_overrider("add", &[("test", "test")]),
            json!({"test": "test", "foo": "foo", "bar": "bar"}),
        ),
        (
            "test labels remove",
            "labels",
            Some(foo_bar.clone()),
            map_overrider("remove", &[("foo", "foo"), ("non-exist", "non-exist")]),
            json!({"bar": "bar"}),
        ),
        (
            "test empty annotations",
            "annotations",
            None,
            map_overrider("add", &[("test2", "test2")]),
            json!({"test2": "test2"}),
        ),
        (
            "test annotations replace",
            "annotations",
            Some(foo_bar.clone()),
            map_overrider("replace", &[("foo", "exist"), ("non-exist", "non-exist")]),
            json!({"foo": "exist", "bar": "bar"}),
        ),
        (
            "test annotations add",
            "annotations",
            Some(foo_bar.clone()),
            map_overrider("add", &[("test", "test")]),
            json!({"test": "test", "foo": "foo", "bar": "bar"}),
        ),
        (
            "test annotations remove",
            "annotations",
            Some(foo_bar.clone()),
            map_overrider("remove", &[("foo", "foo"), ("non-exist", "non-exist")]),
            json!({"bar": "bar"}),
        ),
        (
            "test annotations remain the same (remove nothing)",
            "annotations",
            Some(foo_bar.clone()),
            map_overrider("remove", &[]),
            foo_bar.clone(),
        ),
        (
            "test annotations remain the same (replace missing)",
            "annotations",
            Some(foo_bar.clone()),
            map_overrider("replace", &[("test", "test")]),
            foo_bar.clone(),
        ),
        (
            "test annotations remain the same (remove missing)",
            "annotations",
            Some(foo_bar.clone()),
            map_overrider("remove", &[("test", "test")]),
            foo_bar.clone(),
        ),
        (
            "test add composed annotation",
            "annotations",
            Some(foo_bar.clone()),
            map_overrider(
                "add",
                &[("testannotation/projectId", "c-m-lfx9lk92:p-v86cf")],
            ),
            json!({"foo": "foo", "bar": "bar", "testannotation/projectId": "c-m-lfx9lk92:p-v86cf"}),
        ),
        (
            "test remove composed annotation",
            "annotations",
            Some(composed),
            map_overrider(
                "remove",
                &[("testannotation/projectId", "c-m-lfx9lk92:p-v86cf")],
            ),
            json!({"foo": "foo"}),
        ),
    ];
    for (name, field, initial, overrider, want) in cases {
        let mut d = if field == "labels" {
            deployment(initial, None)
        } else {
            deployment(None, initial)
        };
        run_map(&mut d, field, &overrider).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(d["metadata"][field], want, "{name}");
    }
}

#[test]
fn labels_edges() {
    // `add` onto labels holding a non-string value: Karmada resets the map first.
    let mut d = deployment(Some(json!({"version": 1, "app": "x"})), None);
    run_map(&mut d, "labels", &map_overrider("add", &[("a", "b")])).unwrap();
    assert_eq!(d["metadata"]["labels"], json!({"a": "b"}));
    // `replace` there finds nothing to replace.
    let mut d = deployment(Some(json!({"version": 1, "app": "x"})), None);
    run_map(&mut d, "labels", &map_overrider("replace", &[("app", "y")])).unwrap();
    assert_eq!(d["metadata"]["labels"], json!({"version": 1, "app": "x"}));
    // No metadata at all: created.
    let mut d = json!({"kind": "ConfigMap"});
    run_map(&mut d, "annotations", &map_overrider("add", &[("a", "b")])).unwrap();
    assert_eq!(d["metadata"], json!({"annotations": {"a": "b"}}));
    // Null metadata cannot be set: the key is skipped.
    let mut d = json!({"kind": "ConfigMap", "metadata": null});
    run_map(&mut d, "labels", &map_overrider("add", &[("a", "b")])).unwrap();
    assert_eq!(d["metadata"], Value::Null);
    // An unknown operator is a failing patch.
    let mut d = deployment(Some(json!({"a": "b"})), None);
    assert_eq!(
        run_map(&mut d, "labels", &map_overrider("set", &[("a", "c")])),
        Err("json patch `set` at `/metadata/labels/a`: unsupported operator `set`".into())
    );
}

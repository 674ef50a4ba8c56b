use super::*;

fn crd(schema: Value) -> Value {
    json!({
        "apiVersion": API_VERSION, "kind": KIND,
        "metadata": {"name": "widgets.example.com"},
        "spec": {
            "group": "example.com",
            "names": {"kind": "Widget", "plural": "widgets"},
            "scope": "Namespaced",
            "versions": [
                {"name": "v1", "served": true, "storage": true, "schema": {"openAPIV3Schema": schema}},
                {"name": "v0", "served": false, "storage": false, "schema": {"openAPIV3Schema": {"type": "object"}}},
            ],
        },
    })
}

fn widget(version: &str, spec: Value) -> Value {
    json!({"apiVersion": format!("example.com/{version}"), "kind": "Widget", "metadata": {"name": "w"}, "spec": spec})
}

/// `(pointer, message)` of every error.
fn check(schema: Value, instance: Value) -> Vec<(String, String)> {
    let custom = CustomResources::default().with([&crd(schema)]);
    Schemas::new()
        .validate_resource(&instance, &custom)
        .into_iter()
        .map(|e| (e.pointer, e.message))
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(p, m)| (p.to_string(), m.to_string()))
        .collect()
}

#[test]
fn unknown_fields_are_errors_unless_preserved() {
    let schema = json!({
        "type": "object",
        "properties": {"spec": {"type": "object", "properties": {
            "size": {"type": "integer"},
            "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
            "closed": {"type": "object"},
        }}},
    });
    let found = check(
        schema,
        widget(
            "v1",
            json!({"size": 1, "sise": 2, "free": {"a": {"b": 1}}, "closed": {"a": 1}}),
        ),
    );
    assert_eq!(
        found,
        pairs(&[
            ("/spec/closed/a", "unknown field `a`"),
            ("/spec/sise", "unknown field `sise`"),
        ])
    );
}

#[test]
fn the_object_outside_spec_is_pruned_too() {
    let found = check(
        json!({"type": "object", "properties": {"spec": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}),
        json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w", "labels": {"a": "b"}}, "spec": {"x": 1}, "status": {}}),
    );
    assert_eq!(found, pairs(&[("/status", "unknown field `status`")]));
}

#[test]
fn openapi_keywords_become_json_schema() {
    let schema = json!({"type": "object", "properties": {"spec": {"type": "object", "properties": {
        "port": {"type": "integer", "format": "int32", "minimum": 0, "exclusiveMinimum": true},
        "big": {"type": "integer", "format": "int64"},
        "window": {"x-kubernetes-int-or-string": true},
        "mode": {"type": "string", "enum": ["A", "B"]},
        "set": {"type": "array", "x-kubernetes-list-type": "set", "items": {"type": "string"}},
        "maybe": {"type": "string", "nullable": true},
    }}}});
    let ok = check(
        schema.clone(),
        widget(
            "v1",
            json!({"port": 1, "big": 9_223_372_036_854_775_807_i64, "window": "5%", "mode": null, "set": ["a", "b"], "maybe": null}),
        ),
    );
    assert_eq!(ok, vec![]);
    let found = check(
        schema,
        widget(
            "v1",
            json!({"port": 0, "big": 9_223_372_036_854_775_808_u64, "window": true, "mode": "C", "set": ["a", "a"]}),
        ),
    );
    assert_eq!(
        found,
        pairs(&[
            (
                "/spec/big",
                "expected at most 9223372036854775807, found 9223372036854775808"
            ),
            ("/spec/mode", "`C` is not one of `A`, `B`"),
            ("/spec/port", "expected more than 0, found 0"),
            ("/spec/set", "expected unique items, found duplicates"),
            (
                "/spec/window",
                "expected an integer or a string, found a boolean"
            ),
        ])
    );
}

#[test]
fn versions_must_exist_and_be_served() {
    let schema = json!({"type": "object", "x-kubernetes-preserve-unknown-fields": true});
    assert_eq!(
        check(schema.clone(), widget("v0", json!({}))),
        pairs(&[(
            "/apiVersion",
            "the CustomResourceDefinition `widgets.example.com` does not serve version `v0`"
        )])
    );
    assert_eq!(
        check(schema, widget("v2", json!({}))),
        pairs(&[(
            "/apiVersion",
            "the CustomResourceDefinition `widgets.example.com` has no version `v2` (it has `v0`, `v1`)"
        )])
    );
}

#[test]
fn embedded_resources_keep_their_identity() {
    let schema = json!({"type": "object", "properties": {"spec": {"type": "object", "properties": {
        "template": {"type": "object", "x-kubernetes-embedded-resource": true, "properties": {"spec": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}},
    }}}});
    let found = check(
        schema,
        widget(
            "v1",
            json!({"template": {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"a": 1}, "other": 1}}),
        ),
    );
    assert_eq!(
        found,
        pairs(&[("/spec/template/other", "unknown field `other`")])
    );
}

#[test]
fn a_schema_that_does_not_compile_is_reported_at_the_resource() {
    let found = check(
        json!({"type": "object", "properties": {"spec": {"type": "strin"}}}),
        widget("v1", json!({})),
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "/apiVersion");
    assert!(
        found[0]
            .1
            .starts_with("the schema of version `v1` of the CustomResourceDefinition `widgets.example.com` is not valid"),
        "{found:?}"
    );
}

#[test]
fn kinds_without_a_crd_are_left_alone() {
    let custom = CustomResources::default().with([&crd(json!({"type": "object"}))]);
    let other = json!({"apiVersion": "other.example.com/v1", "kind": "Widget", "metadata": {"name": "w"}, "spec": {"anything": 1}});
    assert!(Schemas::new().validate_resource(&other, &custom).is_empty());
}

//! Karmada's `pkg/util/overridemanager/commandargsoverride_test.go` cases, then the overriders' edges.

use super::*;
use crate::render::overrides::tests::ops;
use serde_json::json;

fn command_workload(kind: &str, field: &str, containers: &[&str]) -> Value {
    let containers: Vec<Value> = containers
        .iter()
        .map(|name| json!({"image": "nginx", "name": name, field: ["nginx", "-v", "-t"]}))
        .collect();
    if kind == "Pod" {
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "nginx"}, "spec": {"containers": containers}})
    } else {
        json!({"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": "nginx"},
            "spec": {"replicas": 1, "template": {"metadata": {"labels": {"app": "nginx"}}, "spec": {"containers": containers}}}})
    }
}

fn command_overrider(container: &str, op: &str, values: &[&str]) -> api::CommandArgsOverrider {
    api::CommandArgsOverrider {
        container_name: container.into(),
        operator: op.into(),
        value: values.iter().map(|v| (*v).to_owned()).collect(),
    }
}

/// TestParseJSONPatchesByCommandOverrider and TestParseJSONPatchesByArgsOverrider.
#[test]
fn command_args_overrider_karmada_table() {
    let hello = "&& echo 'hello karmada'";
    type Case<'a> = (
        &'a str,
        &'a str,
        Value,
        api::CommandArgsOverrider,
        Vec<(&'a str, &'a str, Value)>,
    );
    let cases: Vec<Case> = vec![
        (
            "command, Deployment, add",
            "command",
            command_workload("Deployment", "command", &["nginx"]),
            command_overrider("nginx", "add", &[hello]),
            vec![(
                "replace",
                "/spec/template/spec/containers/0/command",
                json!(["nginx", "-v", "-t", hello]),
            )],
        ),
        (
            "command, Deployment, remove",
            "command",
            command_workload("Deployment", "command", &["nginx"]),
            command_overrider("nginx", "remove", &["-t"]),
            vec![(
                "replace",
                "/spec/template/spec/containers/0/command",
                json!(["nginx", "-v"]),
            )],
        ),
        (
            "command, remove value is empty",
            "command",
            command_workload("Deployment", "command", &["nginx"]),
            command_overrider("nginx", "remove", &[]),
            vec![(
                "replace",
                "/spec/template/spec/containers/0/command",
                json!(["nginx", "-v", "-t"]),
            )],
        ),
        (
            "command, more than one container, add",
            "command",
            command_workload("Deployment", "command", &["nginx", "nginx1"]),
            command_overrider("nginx", "add", &["echo 'hello karmada'"]),
            vec![(
                "replace",
                "/spec/template/spec/containers/0/command",
                json!(["nginx", "-v", "-t", "echo 'hello karmada'"]),
            )],
        ),
        (
            "command, more than one container, remove",
            "command",
            command_workload("Deployment", "command", &["nginx", "nginx1"]),
            command_overrider("nginx", "remove", &["-t"]),
            vec![(
                "replace",
                "/spec/template/spec/containers/0/command",
                json!(["nginx", "-v"]),
            )],
        ),
        (
            "command, Pod, add",
            "command",
            command_workload("Pod", "command", &["nginx"]),
            command_overrider("nginx", "add", &["echo 'hello karmada'"]),
            vec![(
                "replace",
                "/spec/containers/0/command",
                json!(["nginx", "-v", "-t", "echo 'hello karmada'"]),
            )],
        ),
        (
            "command, StatefulSet, add",
            "command",
            command_workload("StatefulSet", "command", &["nginx"]),
            command_overrider("nginx", "add", &["echo 'hello karmada'"]),
            vec![(
                "replace",
                "/spec/template/spec/containers/0/command",
                json!(["nginx", "-v", "-t", "echo 'hello karmada'"]),
            )],
        ),
        (
            "command, ReplicaSet, remove",
            "command",
            command_workload("ReplicaSet", "command", &["nginx"]),
            command_overrider("nginx", "remove", &["-t"]),
            vec![(
                "replace",
                "/spec/template/spec/containers/0/command",
                json!(["nginx", "-v"]),
            )],
        ),
        (
            // Karmada's "DaemonSet" fixture is a ReplicaSet.
            "command, DaemonSet, remove",
            "command",
            command_workload("ReplicaSet", "command", &["nginx"]),
            command_overrider("nginx", "remove", &["-t"]),
            vec![(
                "replace",
                "/spec/template/spec/containers/0/command",
                json!(["nginx", "-v"]),
            )],
        ),
        (
            "args, Deployment, add",
            "args",
            command_workload("Deployment", "args", &["nginx"]),
            command_overrider("nginx", "add", &[hello]),
            vec![(
                "replace",
                "/spec/template/spec/containers/0/args",
                json!(["nginx", "-v", "-t", hello]),
            )],
        ),
        (
            "args, Deployment, remove",
            "args",
            command_workload("Deployment", "args", &["nginx"]),
            command_overrider("nginx", "remove", &["-t"]),
            vec![(
                "replace",
                "/spec/template/spec/containers/0/args",
                json!(["nginx", "-v"]),
            )],
        ),
        (
            "args absent, Deployment, add",
            "args",
            command_workload("Deployment", "command", &["nginx"]),
            command_overrider("nginx", "add", &["-t"]),
            vec![(
                "add",
                "/spec/template/spec/containers/0/args",
                json!(["-t"]),
            )],
        ),
    ];
    for (name, field, object, overrider, want) in cases {
        assert_eq!(
            command_args_ops(&object, field, &overrider),
            Ok(ops(&want)),
            "{name}"
        );
    }
}

#[test]
fn command_args_edges() {
    // Absent list with `remove` becomes an empty list; an unknown operator keeps the list as it is.
    let d = command_workload("DaemonSet", "command", &["a"]);
    assert_eq!(
        command_args_ops(&d, "args", &command_overrider("a", "remove", &["x"])),
        Ok(ops(&[(
            "add",
            "/spec/template/spec/containers/0/args",
            json!([])
        )]))
    );
    assert_eq!(
        command_args_ops(&d, "command", &command_overrider("a", "replace", &["x"])),
        Ok(ops(&[(
            "replace",
            "/spec/template/spec/containers/0/command",
            json!(["nginx", "-v", "-t"])
        )]))
    );
    // No container of that name, another kind, no containers: nothing.
    assert_eq!(
        command_args_ops(&d, "command", &command_overrider("b", "add", &["x"])),
        Ok(vec![])
    );
    let svc =
        json!({"kind": "Service", "spec": {"template": {"spec": {"containers": [{"name": "a"}]}}}});
    assert_eq!(
        command_args_ops(&svc, "command", &command_overrider("a", "add", &["x"])),
        Ok(vec![])
    );
    assert_eq!(
        command_args_ops(
            &json!({"kind": "Job", "spec": null}),
            "command",
            &command_overrider("a", "add", &["x"])
        ),
        Ok(vec![])
    );
    // A null list is added anew; a null `containers` or a non-object step is an error.
    let mut null_args = d.clone();
    null_args["spec"]["template"]["spec"]["containers"][0]["args"] = Value::Null;
    assert_eq!(
        command_args_ops(&null_args, "args", &command_overrider("a", "add", &["x"])),
        Ok(ops(&[(
            "add",
            "/spec/template/spec/containers/0/args",
            json!(["x"])
        )]))
    );
    assert_eq!(
        command_args_ops(
            &json!({"kind": "Pod", "spec": {"containers": null}}),
            "args",
            &command_overrider("a", "add", &["x"])
        ),
        Err("`.spec.containers` is not a list".into())
    );
    assert_eq!(
        command_args_ops(
            &json!({"kind": "Pod", "spec": "x"}),
            "args",
            &command_overrider("a", "add", &["x"])
        ),
        Err("`.spec` is not an object".into())
    );
    let mut numeric = d.clone();
    numeric["spec"]["template"]["spec"]["containers"][0]["command"] = json!(["sleep", 5]);
    assert_eq!(
        command_args_ops(&numeric, "command", &command_overrider("a", "add", &["x"])),
        Err("`command` of container `a` holds a non-string item".into())
    );
    // Every container of that name is patched.
    let twice = command_workload("Pod", "args", &["a", "a"]);
    assert_eq!(
        command_args_ops(
            &twice,
            "args",
            &command_overrider("a", "remove", &["-v", "nginx"])
        ),
        Ok(ops(&[
            ("replace", "/spec/containers/0/args", json!(["-t"])),
            ("replace", "/spec/containers/1/args", json!(["-t"])),
        ]))
    );
}

use super::*;
use serde_json::json;
use std::sync::LazyLock;

mod samples;
mod violations;

use samples::{
    full_override_policy, full_propagation_policy, live_cluster, live_deployment,
    short_form_deployment, short_form_job,
};

static SCHEMAS: LazyLock<Schemas> = LazyLock::new(Schemas::new);

fn errors(kind: SchemaKind, instance: &Value) -> Vec<SchemaError> {
    SCHEMAS.validate(kind, instance)
}

#[track_caller]
fn assert_valid(kind: SchemaKind, instance: &Value) {
    let found = errors(kind, instance);
    assert!(
        found.is_empty(),
        "{kind:?} should be valid, found {found:#?}"
    );
}

/// Asserts that exactly one error is reported, and returns it.
#[track_caller]
fn single(kind: SchemaKind, instance: &Value) -> SchemaError {
    let mut found = errors(kind, instance);
    assert_eq!(found.len(), 1, "expected one error, found {found:#?}");
    found.remove(0)
}

#[track_caller]
fn assert_error(error: &SchemaError, pointer: &str, message: &str, key: Option<&str>) {
    assert_eq!(
        (
            error.pointer.as_str(),
            error.message.as_str(),
            error.key.as_deref()
        ),
        (pointer, message, key)
    );
}

/// `value` with `pointer` set to `new` (the parent must exist).
fn with(mut value: Value, pointer: &str, new: Value) -> Value {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    match value.pointer_mut(parent).unwrap() {
        Value::Object(map) => {
            map.insert(key.replace("~1", "/").replace("~0", "~"), new);
        }
        Value::Array(items) => items[key.parse::<usize>().unwrap()] = new,
        other => panic!("{parent} is {other}"),
    }
    value
}

fn without(mut value: Value, pointer: &str) -> Value {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    value
        .pointer_mut(parent)
        .unwrap()
        .as_object_mut()
        .unwrap()
        .remove(key);
    value
}

#[test]
fn every_schema_compiles_and_is_listed() {
    let schemas = Schemas::new();
    for kind in SchemaKind::ALL {
        let file = schema_file(kind);
        assert!(
            FILES.iter().any(|(name, _)| *name == file),
            "{file} is not embedded"
        );
        // a non-object is an error for every kind, never a panic
        assert!(!schemas.validate(kind, &json!(42)).is_empty(), "{kind:?}");
    }
    for (name, text) in FILES {
        let document: Value = serde_json::from_str(text).unwrap();
        assert_eq!(
            document["$schema"], "https://json-schema.org/draft/2020-12/schema",
            "{name}"
        );
        assert!(
            document.get("$id").is_none(),
            "{name}: refs must stay relative to the file"
        );
    }
}

#[test]
fn every_relative_reference_names_an_existing_definition() {
    fn walk(value: &Value, file: &str, out: &mut Vec<(String, String)>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(target)) = map.get("$ref") {
                    out.push((file.to_string(), target.clone()));
                }
                map.values().for_each(|v| walk(v, file, out));
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, file, out)),
            _ => {}
        }
    }
    let mut documents: BTreeMap<&str, Value> = FILES
        .iter()
        .map(|(name, text)| (*name, serde_json::from_str(text).unwrap()))
        .collect();
    documents.insert(kubernetes::FILE, (*kubernetes::get().document).clone());
    let mut refs = Vec::new();
    for (name, document) in &documents {
        walk(document, name, &mut refs);
    }
    assert!(refs.len() > 50);
    for (file, target) in refs {
        let (target_file, pointer) = target.split_once('#').unwrap_or((&target, ""));
        let target_file = if target_file.is_empty() {
            file.as_str()
        } else {
            target_file
        };
        assert!(
            documents[target_file].pointer(pointer).is_some(),
            "{file}: {target} does not resolve"
        );
    }
}

#[test]
fn schemas_can_be_shared_between_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<Schemas>();
    shareable::<SchemaError>();
}

#[test]
fn schema_files_are_named_after_their_kind() {
    assert_eq!(
        schema_file(SchemaKind::PropagationPolicy),
        "propagationpolicy.schema.json"
    );
    assert_eq!(
        schema_file(SchemaKind::MulticloudJob),
        "multicloudjob.schema.json"
    );
    assert_eq!(schema_file(SchemaKind::Plan), "plan.schema.json");
}

#[test]
fn a_live_cluster_validates_as_is() {
    assert_valid(SchemaKind::Cluster, &live_cluster());
    let minimal = json!({
        "apiVersion": "cluster.karmada.io/v1alpha1",
        "kind": "Cluster",
        "metadata": {"name": "edge-1"},
        "spec": {"zone": "eu-west-1a"}
    });
    assert_valid(SchemaKind::Cluster, &minimal);
}

#[test]
fn the_short_form_examples_validate() {
    assert_valid(SchemaKind::MulticloudDeployment, &short_form_deployment());
    assert_valid(SchemaKind::MulticloudJob, &short_form_job());
    let minimal = json!({
        "apiVersion": "fanout.dev/v1alpha1",
        "kind": "MulticloudDeployment",
        "metadata": {"name": "a"},
        "spec": {"template": {"spec": {"containers": [{"name": "a", "image": "nginx"}]}}}
    });
    assert_valid(SchemaKind::MulticloudDeployment, &minimal);
}

#[test]
fn full_karmada_policies_validate() {
    assert_valid(SchemaKind::PropagationPolicy, &full_propagation_policy());
    let cluster_wide = with(
        with(
            full_propagation_policy(),
            "/kind",
            json!("ClusterPropagationPolicy"),
        ),
        "/metadata",
        json!({"name": "all"}),
    );
    assert_valid(SchemaKind::PropagationPolicy, &cluster_wide);
    let single_affinity = with(
        full_propagation_policy(),
        "/spec/placement",
        json!({"clusterAffinity": {"clusterNames": ["a"], "labelSelector": {"matchLabels": {"env": "prod"}}}, "replicaScheduling": {"replicaSchedulingType": "Duplicated"}}),
    );
    assert_valid(SchemaKind::PropagationPolicy, &single_affinity);
    assert_valid(SchemaKind::OverridePolicy, &full_override_policy());
    let cluster_wide = with(
        full_override_policy(),
        "/kind",
        json!("ClusterOverridePolicy"),
    );
    assert_valid(SchemaKind::OverridePolicy, &cluster_wide);
}

#[test]
fn kubernetes_resources_validate() {
    assert_valid(SchemaKind::Resource, &live_deployment());
    let others = [
        json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}, "spec": {"ports": [{"port": 80, "targetPort": "http"}], "type": "ClusterIP"}}),
        json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db"}, "type": "Opaque", "data": {"url": "cG9zdGdyZXM6Ly9kYg==", "empty": ""}, "stringData": {"user": "web"}}),
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"}, "data": {"a": "1"}, "binaryData": {"b": "AAEC"}}),
        json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j"}, "spec": {"parallelism": 2, "completions": 4, "activeDeadlineSeconds": 60, "suspend": true, "template": {"spec": {"restartPolicy": "Never", "containers": [{"name": "j", "image": "busybox"}]}}}}),
        json!({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "c"}, "spec": {"schedule": "*/5 * * * *", "jobTemplate": {"spec": {"template": {"spec": {"restartPolicy": "OnFailure", "containers": [{"name": "c", "image": "busybox"}]}}}}}}),
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "p", "image": "busybox"}], "ephemeralContainers": [{"name": "debug", "image": "busybox", "targetContainerName": "p"}]}}),
        json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "i"}, "spec": {"tls": [{"hosts": ["a.example"], "secretName": "a-tls"}], "rules": []}}),
        json!({"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "d"}, "spec": {"selector": {"matchLabels": {"a": "d"}}, "template": {"spec": {"containers": [{"name": "d", "image": "agent"}]}}}}),
        json!({"apiVersion": "acme.dev/v1", "kind": "Widget", "metadata": {"name": "w"}, "spec": {"replicas": "many"}}),
    ];
    for resource in &others {
        assert_valid(SchemaKind::Resource, resource);
    }
}

#[test]
fn config_and_plan_validate() {
    assert_valid(
        SchemaKind::Config,
        &json!({"output": "out", "exclude": ["charts/**"], "limits": {"maxFileBytes": 1048576, "maxDocuments": 1000, "maxDepth": 64, "maxAliasNodes": 10000}}),
    );
    assert_valid(SchemaKind::Config, &json!({}));
    let plan = json!({"workloads": [
        {"apiVersion": "apps/v1", "kind": "Deployment", "namespace": "shop", "name": "web",
         "policy": "PropagationPolicy shop/web", "clusters": [{"name": "aws-eu-1", "replicas": 2}, {"name": "gcp-us-1", "replicas": 1}], "totalReplicas": 3,
         "rejected": [{"reason": "excluded", "clusters": ["aws-eu-3", "aws-eu-4"]}]},
        {"apiVersion": "v1", "kind": "Namespace", "namespace": null, "name": "shop",
         "policy": "ClusterPropagationPolicy all", "requiredBy": ["Deployment shop/web"], "clusters": [{"name": "aws-eu-1", "replicas": null}], "totalReplicas": null, "rejected": []},
        {"apiVersion": "apps/v1", "kind": "Deployment", "namespace": "shop", "name": "big",
         "policy": null, "clusters": [], "totalReplicas": null, "rejected": [], "error": "0/2 clusters are available"}
    ]});
    assert_valid(SchemaKind::Plan, &plan);
    let missing = without(plan, "/workloads/0/clusters/1/replicas");
    assert_error(
        &single(SchemaKind::Plan, &missing),
        "/workloads/0/clusters/1",
        "missing field `replicas`",
        None,
    );
}

#[test]
fn resource_interpreter_customizations_validate() {
    let customization = json!({
        "apiVersion": "config.karmada.io/v1alpha1",
        "kind": "ResourceInterpreterCustomization",
        "metadata": {"name": "rollout"},
        "spec": {
            "target": {"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout"},
            "customizations": {
                "replicaResource": {"luaScript": "function GetReplicas(obj) return obj.spec.replicas end"},
                "healthInterpretation": {"luaScript": "function InterpretHealth(o) return true end"}
            }
        }
    });
    assert_valid(SchemaKind::InterpreterCustomization, &customization);
    let typo = with(
        customization.clone(),
        "/spec/customizations/replicaResources",
        json!({"luaScript": ""}),
    );
    assert_eq!(
        single(SchemaKind::InterpreterCustomization, &typo)
            .key
            .as_deref(),
        Some("replicaResources")
    );
    let no_kind = without(customization, "/spec/target/kind");
    assert_eq!(
        single(SchemaKind::InterpreterCustomization, &no_kind).pointer,
        "/spec/target"
    );
}

use super::*;
use crate::front::schemas::{SchemaKind, Schemas};

fn full_document() -> Value {
    serde_json::from_str(include_str!("../../../../schema/kubernetes.schema.json")).unwrap()
}

/// `(pointer, message)` of every error of a Resource.
fn errors(instance: Value) -> Vec<(String, String)> {
    Schemas::new()
        .validate(SchemaKind::Resource, &instance)
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
fn the_version_is_the_files() {
    let document = full_document();
    assert_eq!(document["x-kubernetes-version"], KUBERNETES_VERSION);
    assert_eq!(
        document["title"],
        format!("Kubernetes {KUBERNETES_VERSION} built-in kinds")
    );
}

#[test]
fn the_binary_copy_is_the_file_without_descriptions() {
    fn strip(value: &mut Value) {
        match value {
            Value::Object(map) => {
                if map.get("description").is_some_and(Value::is_string) {
                    map.remove("description");
                }
                map.values_mut().for_each(strip);
            }
            Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut full = full_document();
    strip(&mut full);
    assert!(full == *get().document);
}

#[test]
fn every_kind_of_the_openapi_is_dispatched_and_compiles() {
    let kubernetes = get();
    let kinds: Vec<(&str, &str, &str)> = kubernetes.kinds().collect();
    assert_eq!(kinds.len(), 108);
    for (api_version, kind, definition) in &kinds {
        assert!(
            kubernetes.document["$defs"].get(definition).is_some(),
            "{api_version} {kind}: no {definition}"
        );
        assert!(kubernetes.kind(api_version, kind).is_some());
    }
    for expected in [
        ("v1", "Service"),
        ("v1", "ConfigMap"),
        ("apps/v1", "Deployment"),
        ("batch/v1", "CronJob"),
        ("networking.k8s.io/v1", "Ingress"),
        ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"),
        ("policy/v1", "PodDisruptionBudget"),
        ("autoscaling/v2", "HorizontalPodAutoscaler"),
        ("storage.k8s.io/v1", "StorageClass"),
        ("scheduling.k8s.io/v1", "PriorityClass"),
        ("coordination.k8s.io/v1", "Lease"),
        ("discovery.k8s.io/v1", "EndpointSlice"),
        ("apiextensions.k8s.io/v1", "CustomResourceDefinition"),
    ] {
        assert!(
            kinds.iter().any(|(a, k, _)| (*a, *k) == expected),
            "{expected:?} is missing"
        );
    }
    assert!(kubernetes.kind("apps/v1", "DeploymentList").is_none());
    assert!(kubernetes.kind("acme.dev/v1", "Widget").is_none());
}

#[test]
fn unknown_fields_of_built_in_kinds_are_errors() {
    let deployment = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}, "spec": {
        "replicaz": 5, "selector": {"matchLabels": {"app": "web"}},
        "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", "image": "nginx", "ports": [{"containerPort": 80, "protocl": "TCP"}]}]}}}});
    assert_eq!(
        errors(deployment),
        pairs(&[
            ("/spec/replicaz", "unknown field `replicaz`"),
            (
                "/spec/template/spec/containers/0/ports/0/protocl",
                "unknown field `protocl`"
            ),
        ])
    );
    let hpa = json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "web"}, "spec": {
        "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}, "maxReplicas": 3, "targetCPUUtilizationPercentage": 80}});
    assert_eq!(
        errors(hpa),
        pairs(&[(
            "/spec/targetCPUUtilizationPercentage",
            "unknown field `targetCPUUtilizationPercentage`"
        )])
    );
}

#[test]
fn integers_are_range_checked_and_types_named() {
    let service = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}, "spec": {"ports": [
        {"port": "80"}, {"port": 70000, "targetPort": true}, {"port": 2_147_483_648_i64}]}});
    assert_eq!(
        errors(service),
        pairs(&[
            ("/spec/ports/0/port", "expected an integer, found a string"),
            (
                "/spec/ports/1/targetPort",
                "expected an integer or a string, found a boolean"
            ),
            (
                "/spec/ports/2/port",
                "expected at most 2147483647, found 2147483648"
            ),
        ])
    );
    let job = json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j"}, "spec": {
        "activeDeadlineSeconds": 9_223_372_036_854_775_808_u64, "parallelism": 2.0,
        "template": {"spec": {"restartPolicy": "Never", "containers": [{"name": "j", "image": "busybox"}]}}}});
    assert_eq!(
        errors(job),
        pairs(&[(
            "/spec/activeDeadlineSeconds",
            "expected at most 9223372036854775807, found 9223372036854775808"
        )])
    );
}

#[test]
fn quantities_everywhere_follow_fanouts_pattern() {
    let quota = json!({"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": "q"}, "spec": {"hard": {"cpu": "4 cores", "memory": "8Gi", "pods": 10}}});
    assert_eq!(
        errors(quota),
        pairs(&[("/spec/hard/cpu", "`4 cores` is not a valid quantity")])
    );
}

#[test]
fn kinds_and_versions_of_built_in_groups_must_exist() {
    let typo = json!({"apiVersion": "apps/v1", "kind": "Deploymnet", "metadata": {"name": "d"}});
    assert_eq!(
        errors(typo),
        pairs(&[(
            "/kind",
            "`Deploymnet` is not one of `ControllerRevision`, `DaemonSet`, `Deployment`, `ReplicaSet`, `StatefulSet`"
        )])
    );
    let removed = json!({"apiVersion": "policy/v1beta1", "kind": "PodDisruptionBudget", "metadata": {"name": "p"}});
    assert_eq!(
        errors(removed),
        pairs(&[(
            "/apiVersion",
            "this version of a built-in API group is not served by Kubernetes 1.37"
        )])
    );
    // other groups (custom resources, Karmada's, aggregated APIs) are not built in
    for api_version in [
        "acme.dev/v1",
        "metrics.k8s.io/v1beta1",
        "gateway.networking.k8s.io/v1",
    ] {
        let custom = json!({"apiVersion": api_version, "kind": "Anything", "metadata": {"name": "a"}, "spec": {"x": 1}});
        assert_eq!(errors(custom), vec![], "{api_version}");
    }
}

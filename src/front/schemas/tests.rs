use super::*;
use serde_json::json;
use std::sync::LazyLock;

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

/// A Cluster as `kubectl get cluster member1 -o yaml` prints it on a live Karmada.
fn live_cluster() -> Value {
    json!({
        "apiVersion": "cluster.karmada.io/v1alpha1",
        "kind": "Cluster",
        "metadata": {
            "creationTimestamp": "2026-11-02T08:14:51Z",
            "finalizers": ["karmada.io/cluster-controller"],
            "generation": 3,
            "labels": {"env": "prod", "topology.karmada.io/region": "eu-west-1"},
            "managedFields": [{
                "apiVersion": "cluster.karmada.io/v1alpha1",
                "fieldsType": "FieldsV1",
                "fieldsV1": {"f:spec": {"f:apiEndpoint": {}}},
                "manager": "karmadactl",
                "operation": "Update",
                "time": "2026-11-02T08:14:51Z"
            }],
            "name": "aws-eu-1",
            "resourceVersion": "884213",
            "uid": "0f3d5c1e-8c1b-4d55-9a65-4c1c8f0e2a17"
        },
        "spec": {
            "apiEndpoint": "https://172.18.0.3:6443",
            "id": "a8c3a0d6-0a6e-4c1b-b8f5-0d6a1d7a5e11",
            "impersonatorSecretRef": {"name": "aws-eu-1-impersonator", "namespace": "karmada-cluster"},
            "provider": "aws",
            "region": "eu-west-1",
            "resourceModels": [
                {"grade": 0, "ranges": [{"max": "1", "min": "0", "name": "cpu"}, {"max": "4Gi", "min": "0", "name": "memory"}]},
                {"grade": 1, "ranges": [{"max": "2", "min": "1", "name": "cpu"}, {"max": "16Gi", "min": "4Gi", "name": "memory"}]}
            ],
            "secretRef": {"name": "aws-eu-1", "namespace": "karmada-cluster"},
            "syncMode": "Push",
            "taints": [{"effect": "NoSchedule", "key": "dedicated", "value": "batch", "timeAdded": "2026-11-03T10:00:00Z"}],
            "zones": ["eu-west-1a", "eu-west-1b"]
        },
        "status": {
            "apiEnablements": [
                {"groupVersion": "apps/v1", "resources": [{"kind": "Deployment", "name": "deployments"}, {"kind": "StatefulSet", "name": "statefulsets"}]},
                {"groupVersion": "v1", "resources": [{"kind": "ConfigMap", "name": "configmaps"}]}
            ],
            "conditions": [
                {"lastTransitionTime": "2026-11-02T08:15:02Z", "message": "cluster is healthy and ready to accept workloads", "reason": "ClusterReady", "status": "True", "type": "Ready"},
                {"lastTransitionTime": "2026-11-02T08:15:02Z", "message": "", "reason": "CompleteAPIEnablements", "status": "True", "type": "CompleteAPIEnablements"}
            ],
            "kubernetesVersion": "v1.34.1",
            "nodeSummary": {"readyNum": 3, "totalNum": 3},
            "remedyActions": [],
            "resourceSummary": {
                "allocatable": {"cpu": "12", "ephemeral-storage": "291381072Ki", "hugepages-1Gi": "0", "memory": "47958836Ki", "pods": "330"},
                "allocated": {"cpu": "3150m", "memory": "2147483648", "pods": "27"},
                "allocating": {"cpu": "0", "pods": 0},
                "allocatableModelings": [{"count": 0, "grade": 0}, {"count": 3, "grade": 1}]
            }
        }
    })
}

/// The example of docs/short-form.md, as JSON.
fn short_form_deployment() -> Value {
    json!({
        "apiVersion": "fanout.dev/v1alpha1",
        "kind": "MulticloudDeployment",
        "metadata": {
            "name": "web",
            "namespace": "shop",
            "labels": {"team": "shop"},
            "annotations": {"owner": "shop-team"},
            "uid": "6f1c2a9e-3b7d-4c1e-9f00-1a2b3c4d5e6f"
        },
        "spec": {
            "description": "Storefront",
            "replicas": 3,
            "paused": false,
            "restartedAt": "2026-11-20T10:00:00Z",
            "placement": {
                "clusterNames": ["aws-eu-1", "gcp-us-1"],
                "providers": ["aws", "gcp"],
                "regions": ["eu-west-1"],
                "zones": ["eu-west-1a"],
                "labels": [
                    {"key": "env", "operator": "In", "values": "prod;staging"},
                    {"key": "gpu", "operator": "Exists"}
                ],
                "exclude": ["aws-eu-3"],
                "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "batch", "effect": "NoSchedule"}],
                "spread": {
                    "regions": {"minGroups": 2, "maxGroups": 3},
                    "clusters": {"minGroups": 2, "maxGroups": 6}
                }
            },
            "scheduling": {"type": "Duplicated"},
            "propagateDependencies": true,
            "template": {
                "metadata": {"labels": {"tier": "frontend"}},
                "spec": {
                    "containers": [{
                        "name": "web",
                        "image": "ghcr.io/acme/web:1.4.2",
                        "ports": [{"containerPort": 8080}],
                        "resources": {"requests": {"cpu": "250m", "memory": "256Mi"}}
                    }]
                }
            },
            "overrides": [{
                "clusters": ["gcp-us-1"],
                "container": "web",
                "image": "us-docker.pkg.dev/acme/web:1.4.2",
                "env": [{"name": "REGION", "value": "us"}],
                "labels": {"edge": "true"},
                "annotations": {"cdn": "fastly"}
            }]
        }
    })
}

fn short_form_job() -> Value {
    json!({
        "apiVersion": "fanout.dev/v1alpha1",
        "kind": "MulticloudJob",
        "metadata": {"name": "report"},
        "spec": {
            "parallelism": 2,
            "completions": 4,
            "timeoutSeconds": 600,
            "restartPolicy": "Never",
            "backoffLimit": 6,
            "suspend": false,
            "placement": {"labels": [{"key": "tier", "operator": "NotIn", "values": ["edge", "lab"]}]},
            "scheduling": {"type": "StaticWeight", "weights": {"aws-eu-1": 2, "gcp-us-1": 1}},
            "template": {"spec": {"containers": [{"name": "report", "image": "busybox:1.36", "command": ["sh", "-c", "date"]}]}}
        }
    })
}

fn full_propagation_policy() -> Value {
    json!({
        "apiVersion": "policy.karmada.io/v1alpha1",
        "kind": "PropagationPolicy",
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": {
            "resourceSelectors": [
                {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
                {"apiVersion": "v1", "kind": "ConfigMap", "namespace": "shop", "labelSelector": {"matchLabels": {"app": "web"}, "matchExpressions": [{"key": "tier", "operator": "Exists"}]}}
            ],
            "propagateDeps": true,
            "priority": 10,
            "conflictResolution": "Overwrite",
            "preserveResourcesOnDeletion": false,
            "schedulerName": "default-scheduler",
            "preemption": "Never",
            "placement": {
                "clusterAffinities": [
                    {
                        "affinityName": "primary",
                        "clusterNames": ["aws-eu-1", "aws-eu-2"],
                        "exclude": ["aws-eu-3"],
                        "labelSelector": {"matchExpressions": [{"key": "env", "operator": "In", "values": ["prod"]}]},
                        "fieldSelector": {"matchExpressions": [{"key": "region", "operator": "In", "values": ["eu-west-1"]}]},
                        "overflowAffinities": [{"affinityName": "burst", "clusterNames": ["gcp-us-1"]}]
                    },
                    {"affinityName": "backup", "fieldSelector": {"matchExpressions": [{"key": "provider", "operator": "NotIn", "values": ["aws"]}]}}
                ],
                "clusterTolerations": [
                    {"key": "dedicated", "operator": "Equal", "value": "batch", "effect": "NoSchedule"},
                    {"key": "cluster.karmada.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}
                ],
                "spreadConstraints": [
                    {"spreadByField": "region", "minGroups": 2, "maxGroups": 3},
                    {"spreadByField": "cluster", "minGroups": 2, "maxGroups": 6}
                ],
                "replicaScheduling": {
                    "replicaSchedulingType": "Divided",
                    "replicaDivisionPreference": "Weighted",
                    "weightPreference": {
                        "staticWeightList": [
                            {"targetCluster": {"clusterNames": ["aws-eu-1"]}, "weight": 2},
                            {"targetCluster": {"labelSelector": {"matchLabels": {"env": "prod"}}, "fieldSelector": {"matchExpressions": [{"key": "zone", "operator": "Exists"}]}}, "weight": 1}
                        ],
                        "dynamicWeight": "AvailableReplicas"
                    }
                }
            }
        }
    })
}

fn full_override_policy() -> Value {
    json!({
        "apiVersion": "policy.karmada.io/v1alpha1",
        "kind": "OverridePolicy",
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": {
            "resourceSelectors": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}],
            "overrideRules": [
                {
                    "targetCluster": {"clusterNames": ["gcp-us-1"]},
                    "overriders": {
                        "plaintext": [
                            {"path": "/spec/replicas", "operator": "replace", "value": 5},
                            {"path": "/metadata/annotations/note", "operator": "add", "value": "gcp"},
                            {"path": "/spec/template/spec/nodeSelector", "operator": "remove"}
                        ],
                        "imageOverrider": [
                            {"component": "Registry", "operator": "replace", "value": "us-docker.pkg.dev"},
                            {"predicate": {"path": "/spec/template/spec/containers/0/image"}, "component": "Tag", "operator": "replace", "value": "1.4.3"},
                            {"component": "Repository", "operator": "remove"}
                        ],
                        "commandOverrider": [{"containerName": "web", "operator": "add", "value": ["--verbose"]}],
                        "argsOverrider": [{"containerName": "web", "operator": "remove", "value": ["--debug"]}],
                        "labelsOverrider": [{"operator": "add", "value": {"edge": "true"}}],
                        "annotationsOverrider": [{"operator": "remove", "value": {"cdn": ""}}],
                        "fieldOverrider": [{
                            "fieldPath": "/data/config.yaml",
                            "yaml": [{"subPath": "/server/port", "operator": "replace", "value": 8443}],
                            "json": [{"subPath": "/flags/0", "operator": "add", "value": {"beta": true}}]
                        }]
                    }
                },
                {"overriders": {"labelsOverrider": [{"operator": "replace", "value": {"tier": "web"}}]}}
            ],
            "targetCluster": {"fieldSelector": {"matchExpressions": [{"key": "zone", "operator": "NotIn", "values": ["eu-west-1c"]}]}},
            "overriders": {}
        }
    })
}

/// A Deployment as `kubectl get deploy web -o yaml` prints it.
fn live_deployment() -> Value {
    json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
            "annotations": {"deployment.kubernetes.io/revision": "2"},
            "creationTimestamp": "2026-10-01T09:00:00Z",
            "generation": 2,
            "labels": {"app": "web"},
            "name": "web",
            "namespace": "shop",
            "resourceVersion": "1234",
            "uid": "9b2f6c1e-0000-4000-8000-000000000001"
        },
        "spec": {
            "progressDeadlineSeconds": 600,
            "replicas": 3,
            "revisionHistoryLimit": 10,
            "selector": {"matchLabels": {"app": "web"}},
            "strategy": {"rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}, "type": "RollingUpdate"},
            "template": {
                "metadata": {"creationTimestamp": null, "labels": {"app": "web"}},
                "spec": {
                    "containers": [{
                        "env": [
                            {"name": "MODE", "value": "prod"},
                            {"name": "DB", "valueFrom": {"secretKeyRef": {"key": "url", "name": "db"}}},
                            {"name": "FLAGS", "valueFrom": {"configMapKeyRef": {"key": "flags", "name": "web-config", "optional": true}}},
                            {"name": "POD", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}}}
                        ],
                        "envFrom": [{"configMapRef": {"name": "web-env"}}, {"secretRef": {"name": "web-secrets"}, "prefix": "S_"}],
                        "image": "ghcr.io/acme/web:1.4.2",
                        "imagePullPolicy": "IfNotPresent",
                        "livenessProbe": {"httpGet": {"path": "/healthz", "port": 8080}},
                        "name": "web",
                        "ports": [{"containerPort": 8080, "protocol": "TCP"}],
                        "resources": {"limits": {"memory": "512Mi"}, "requests": {"cpu": 0.25, "memory": "256Mi"}},
                        "terminationMessagePath": "/dev/termination-log",
                        "terminationMessagePolicy": "File",
                        "volumeMounts": [{"mountPath": "/etc/web", "name": "config"}]
                    }],
                    "initContainers": [{"name": "migrate", "image": "ghcr.io/acme/migrate:1", "resources": {"requests": {"cpu": "1"}}}],
                    "dnsPolicy": "ClusterFirst",
                    "imagePullSecrets": [{"name": "ghcr"}],
                    "nodeSelector": {"kubernetes.io/os": "linux"},
                    "overhead": {"cpu": "100m"},
                    "restartPolicy": "Always",
                    "schedulerName": "default-scheduler",
                    "securityContext": {},
                    "serviceAccountName": "web",
                    "terminationGracePeriodSeconds": 30,
                    "tolerations": [{"key": "spot", "operator": "Exists", "effect": "NoSchedule"}],
                    "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": []}}},
                    "volumes": [
                        {"configMap": {"defaultMode": 420, "name": "web-config"}, "name": "config"},
                        {"name": "certs", "secret": {"secretName": "web-tls"}},
                        {"name": "all", "projected": {"sources": [{"configMap": {"name": "a"}}, {"secret": {"name": "b"}}, {"serviceAccountToken": {"path": "token"}}]}},
                        {"name": "data", "persistentVolumeClaim": {"claimName": "web-data"}},
                        {"name": "vault", "csi": {"driver": "secrets-store.csi.k8s.io", "nodePublishSecretRef": {"name": "vault-creds"}}},
                        {"name": "tmp", "emptyDir": {}}
                    ]
                }
            }
        },
        "status": {"availableReplicas": 3, "observedGeneration": 2, "readyReplicas": 3, "replicas": 3}
    })
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
    let documents: BTreeMap<&str, Value> = FILES
        .iter()
        .map(|(name, text)| (*name, serde_json::from_str(text).unwrap()))
        .collect();
    let mut refs = Vec::new();
    for (name, document) in &documents {
        walk(document, name, &mut refs);
    }
    assert!(refs.len() > 50);
    for (file, target) in refs {
        let (target_file, pointer) = target.split_once('#').unwrap();
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
        json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}, "spec": {"ports": [{"port": 80}], "anything": {"goes": true}}}),
        json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db"}, "type": "Opaque", "data": {"url": "cG9zdGdyZXM6Ly9kYg==", "empty": ""}, "stringData": {"user": "web"}}),
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"}, "data": {"a": "1"}, "binaryData": {"b": "AAEC"}}),
        json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j"}, "spec": {"parallelism": 2, "completions": 4, "activeDeadlineSeconds": 60, "suspend": true, "template": {"spec": {"restartPolicy": "Never", "containers": [{"name": "j", "image": "busybox"}]}}}}),
        json!({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "c"}, "spec": {"schedule": "*/5 * * * *", "jobTemplate": {"spec": {"template": {"spec": {"restartPolicy": "OnFailure", "containers": [{"name": "c", "image": "busybox"}]}}}}}}),
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "p", "image": "busybox"}], "ephemeralContainers": [{"name": "debug", "image": "busybox", "targetContainerName": "p"}]}}),
        json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "i"}, "spec": {"tls": [{"hosts": ["a.example"], "secretName": "a-tls"}], "rules": []}}),
        json!({"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "d"}, "spec": {"template": {"spec": {"containers": [{"name": "d", "image": "agent"}]}}}}),
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
         "rejected": [{"cluster": "aws-eu-3", "reason": "excluded"}]},
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
fn a_typo_is_an_unknown_field() {
    let policy = full_propagation_policy();
    let affinities = policy["spec"]["placement"]["clusterAffinities"][1].clone();
    let typo = with(
        without(policy, "/spec/placement/clusterAffinities"),
        "/spec/placement/clusterAfinity",
        affinities,
    );
    assert_error(
        &single(SchemaKind::PropagationPolicy, &typo),
        "/spec/placement/clusterAfinity",
        "unknown field `clusterAfinity`",
        Some("clusterAfinity"),
    );
}

#[test]
fn an_unsupported_karmada_field_is_named() {
    let policy = with(
        full_propagation_policy(),
        "/spec/failover",
        json!({"application": {"decisionConditions": {"tolerationSeconds": 60}}}),
    );
    assert_error(
        &single(SchemaKind::PropagationPolicy, &policy),
        "/spec/failover",
        "`failover` is a Karmada field fanout does not support",
        Some("failover"),
    );
    let policy = with(
        full_propagation_policy(),
        "/spec/placement/workloadAffinity",
        json!({"affinity": {"groupByLabelKey": "app"}}),
    );
    assert_error(
        &single(SchemaKind::PropagationPolicy, &policy),
        "/spec/placement/workloadAffinity",
        "`workloadAffinity` is a Karmada field fanout does not support",
        Some("workloadAffinity"),
    );
    let policy = with(full_propagation_policy(), "/spec/association", json!(false));
    assert_valid(SchemaKind::PropagationPolicy, &policy);
    let policy = with(full_propagation_policy(), "/spec/association", json!(true));
    assert_error(
        &single(SchemaKind::PropagationPolicy, &policy),
        "/spec/association",
        "`association` is deprecated and ignored by Karmada: use `propagateDeps`",
        None,
    );
    let policy = with(
        full_propagation_policy(),
        "/spec/preemption",
        json!("Always"),
    );
    assert_error(
        &single(SchemaKind::PropagationPolicy, &policy),
        "/spec/preemption",
        "fanout does not support policy preemption: only `Never` is accepted",
        None,
    );
}

#[test]
fn a_wrong_type_says_what_was_expected() {
    let workload = with(short_form_deployment(), "/spec/replicas", json!("three"));
    assert_error(
        &single(SchemaKind::MulticloudDeployment, &workload),
        "/spec/replicas",
        "expected an integer, found a string",
        None,
    );
    let deployment = with(live_deployment(), "/spec/replicas", json!("three"));
    assert_error(
        &single(SchemaKind::Resource, &deployment),
        "/spec/replicas",
        "expected an integer, found a string",
        None,
    );
    let label = with(
        short_form_deployment(),
        "/metadata/labels/team",
        json!(true),
    );
    assert_error(
        &single(SchemaKind::MulticloudDeployment, &label),
        "/metadata/labels/team",
        "expected a string, found a boolean",
        None,
    );
}

#[test]
fn a_bad_quantity_is_named() {
    let pointer = "/spec/template/spec/containers/0/resources/requests/cpu";
    let workload = with(short_form_deployment(), pointer, json!("4 cores"));
    assert_error(
        &single(SchemaKind::MulticloudDeployment, &workload),
        pointer,
        "`4 cores` is not a valid quantity",
        None,
    );
    let cluster = with(
        live_cluster(),
        "/status/resourceSummary/allocatable/memory",
        json!(["48Gi"]),
    );
    assert_error(
        &single(SchemaKind::Cluster, &cluster),
        "/status/resourceSummary/allocatable/memory",
        "expected a string or a number, found a list",
        None,
    );
    for good in [
        "1", "0.5", ".5", "5.", "250m", "2Gi", "1e3", "1E", "-1", "+3k", "100u",
    ] {
        let cluster = with(
            live_cluster(),
            "/status/resourceSummary/allocatable/cpu",
            json!(good),
        );
        assert_valid(SchemaKind::Cluster, &cluster);
    }
    for bad in ["", "1.2.3", "2 Gi", "2gi", "Gi", "1e", "0x10"] {
        let cluster = with(
            live_cluster(),
            "/status/resourceSummary/allocatable/cpu",
            json!(bad),
        );
        assert_eq!(errors(SchemaKind::Cluster, &cluster).len(), 1, "{bad:?}");
    }
}

#[test]
fn a_bad_enum_lists_the_choices() {
    let policy = with(
        full_propagation_policy(),
        "/spec/placement/replicaScheduling/replicaSchedulingType",
        json!("Sometimes"),
    );
    assert_error(
        &single(SchemaKind::PropagationPolicy, &policy),
        "/spec/placement/replicaScheduling/replicaSchedulingType",
        "`Sometimes` is not one of `Duplicated`, `Divided`",
        None,
    );
    let workload = with(
        short_form_deployment(),
        "/spec/scheduling/type",
        json!("Weighted"),
    );
    assert_error(
        &single(SchemaKind::MulticloudDeployment, &workload),
        "/spec/scheduling/type",
        "`Weighted` is not one of `Duplicated`, `Aggregated`, `DynamicWeight`, `StaticWeight`",
        None,
    );
    let cluster = with(live_cluster(), "/spec/taints/0/effect", json!("NoRun"));
    assert_error(
        &single(SchemaKind::Cluster, &cluster),
        "/spec/taints/0/effect",
        "`NoRun` is not one of `NoSchedule`, `PreferNoSchedule`, `NoExecute`",
        None,
    );
    let cluster = with(
        live_cluster(),
        "/apiVersion",
        json!("cluster.karmada.io/v1"),
    );
    assert_error(
        &single(SchemaKind::Cluster, &cluster),
        "/apiVersion",
        "expected `cluster.karmada.io/v1alpha1`, found `cluster.karmada.io/v1`",
        None,
    );
}

#[test]
fn names_and_descriptions_are_limited() {
    let workload = with(short_form_deployment(), "/metadata/name", json!("Web_1"));
    assert_error(
        &single(SchemaKind::MulticloudDeployment, &workload),
        "/metadata/name",
        "`Web_1` is not a valid name: use at most 63 lower case letters, digits and `-`, starting and ending with a letter or digit",
        None,
    );
    let workload = with(
        short_form_deployment(),
        "/metadata/name",
        json!("a".repeat(64)),
    );
    assert_error(
        &single(SchemaKind::MulticloudDeployment, &workload),
        "/metadata/name",
        "expected at most 63 characters, found 64",
        None,
    );
    let workload = with(
        short_form_deployment(),
        "/spec/description",
        json!("x".repeat(513)),
    );
    assert_error(
        &single(SchemaKind::MulticloudDeployment, &workload),
        "/spec/description",
        "expected at most 512 characters, found 513",
        None,
    );
    let job = with(
        short_form_job(),
        "/spec/description",
        json!("x".repeat(600)),
    );
    assert_error(
        &single(SchemaKind::MulticloudJob, &job),
        "/spec/description",
        "expected at most 512 characters, found 600",
        None,
    );
    assert_valid(
        SchemaKind::MulticloudDeployment,
        &with(
            short_form_deployment(),
            "/spec/description",
            json!("é".repeat(512)),
        ),
    );
}

#[test]
fn weights_are_at_least_one() {
    let job = with(
        short_form_job(),
        "/spec/scheduling/weights/aws-eu-1",
        json!(0),
    );
    assert_error(
        &single(SchemaKind::MulticloudJob, &job),
        "/spec/scheduling/weights/aws-eu-1",
        "expected at least 1, found 0",
        None,
    );
    let policy = with(
        full_propagation_policy(),
        "/spec/placement/replicaScheduling/weightPreference/staticWeightList/0/weight",
        json!(0),
    );
    assert_error(
        &single(SchemaKind::PropagationPolicy, &policy),
        "/spec/placement/replicaScheduling/weightPreference/staticWeightList/0/weight",
        "expected at least 1, found 0",
        None,
    );
    let job = with(
        short_form_job(),
        "/spec/scheduling/type",
        json!("DynamicWeight"),
    );
    assert_error(
        &single(SchemaKind::MulticloudJob, &job),
        "/spec/scheduling/weights",
        "`weights` is only used with `type: StaticWeight`",
        Some("weights"),
    );
    let job = without(short_form_job(), "/spec/scheduling/weights");
    assert_error(
        &single(SchemaKind::MulticloudJob, &job),
        "/spec/scheduling",
        "missing field `weights`",
        None,
    );
}

#[test]
fn label_rules_need_values_only_for_in_and_not_in() {
    let pointer = "/spec/placement/labels/1";
    let workload = with(
        short_form_deployment(),
        pointer,
        json!({"key": "gpu", "operator": "Exists", "values": "a"}),
    );
    assert_error(
        &single(SchemaKind::MulticloudDeployment, &workload),
        "/spec/placement/labels/1/values",
        "`values` must not be set with `Exists` or `DoesNotExist`",
        Some("values"),
    );
    let workload = with(
        short_form_deployment(),
        pointer,
        json!({"key": "env", "operator": "In"}),
    );
    assert_error(
        &single(SchemaKind::MulticloudDeployment, &workload),
        pointer,
        "missing field `values`",
        None,
    );
    let workload = with(
        short_form_deployment(),
        pointer,
        json!({"key": "env", "operator": "Equals", "values": ["a"]}),
    );
    assert_error(
        &single(SchemaKind::MulticloudDeployment, &workload),
        "/spec/placement/labels/1/operator",
        "`Equals` is not one of `In`, `NotIn`, `Exists`, `DoesNotExist`",
        None,
    );
}

#[test]
fn region_spread_needs_max_groups() {
    let pointer = "/spec/placement/spread/regions";
    let workload = with(short_form_deployment(), pointer, json!({"maxGroups": 2}));
    assert_valid(SchemaKind::MulticloudDeployment, &workload);
    let workload = with(short_form_deployment(), pointer, json!({"minGroups": 2}));
    assert_error(
        &single(SchemaKind::MulticloudDeployment, &workload),
        pointer,
        "missing field `maxGroups`",
        None,
    );
    let workload = with(
        short_form_deployment(),
        "/spec/placement/spread/clusters/minGroups",
        json!(0),
    );
    assert_error(
        &single(SchemaKind::MulticloudDeployment, &workload),
        "/spec/placement/spread/clusters/minGroups",
        "expected at least 1, found 0",
        None,
    );
}

#[test]
fn short_form_fields_of_the_other_kind_are_explained() {
    let job = with(short_form_job(), "/spec/replicas", json!(3));
    assert_error(
        &single(SchemaKind::MulticloudJob, &job),
        "/spec/replicas",
        "`replicas` is a MulticloudDeployment field: a MulticloudJob uses `parallelism` and `completions`",
        Some("replicas"),
    );
    let workload = with(short_form_deployment(), "/spec/parallelism", json!(3));
    assert_error(
        &single(SchemaKind::MulticloudDeployment, &workload),
        "/spec/parallelism",
        "`parallelism` is a MulticloudJob field: a MulticloudDeployment uses `replicas`",
        Some("parallelism"),
    );
    let job = with(short_form_job(), "/spec/restartPolicy", json!("Always"));
    assert_error(
        &single(SchemaKind::MulticloudJob, &job),
        "/spec/restartPolicy",
        "`Always` is not one of `Never`, `OnFailure`",
        None,
    );
}

#[test]
fn pod_spec_and_container_typos_are_caught() {
    let spec = "/spec/template/spec";
    let deployment = live_deployment();
    let containers = deployment["spec"]["template"]["spec"]["containers"].clone();
    let typo = with(
        without(deployment, &format!("{spec}/containers")),
        &format!("{spec}/contaners"),
        containers,
    );
    let found = errors(SchemaKind::Resource, &typo);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert_error(&found[0], spec, "missing field `containers`", None);
    assert_error(
        &found[1],
        &format!("{spec}/contaners"),
        "unknown field `contaners`",
        Some("contaners"),
    );
    let typo = with(
        live_deployment(),
        &format!("{spec}/containers/0/imagePullPolicyy"),
        json!("Always"),
    );
    assert_error(
        &single(SchemaKind::Resource, &typo),
        &format!("{spec}/containers/0/imagePullPolicyy"),
        "unknown field `imagePullPolicyy`",
        Some("imagePullPolicyy"),
    );
    let env = with(
        live_deployment(),
        &format!("{spec}/containers/0/env/0/value"),
        json!(8080),
    );
    assert_error(
        &single(SchemaKind::Resource, &env),
        &format!("{spec}/containers/0/env/0/value"),
        "expected a string, found an integer",
        None,
    );
    let claim = with(
        live_deployment(),
        &format!("{spec}/volumes/3/persistentVolumeClaim"),
        json!({"name": "web-data"}),
    );
    assert_error(
        &single(SchemaKind::Resource, &claim),
        &format!("{spec}/volumes/3/persistentVolumeClaim"),
        "missing field `claimName`",
        None,
    );
}

#[test]
fn workload_fields_fanout_reads_are_typed() {
    let job = json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j"}, "spec": {
        "parallelism": -1, "completions": 1.5, "activeDeadlineSeconds": 0, "suspend": "yes",
        "template": {"spec": {"containers": [{"name": "j"}]}}}});
    let found = errors(SchemaKind::Resource, &job);
    let summary: Vec<(&str, &str)> = found
        .iter()
        .map(|e| (e.pointer.as_str(), e.message.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            (
                "/spec/activeDeadlineSeconds",
                "expected at least 1, found 0"
            ),
            ("/spec/completions", "expected an integer, found a number"),
            ("/spec/parallelism", "expected at least 0, found -1"),
            ("/spec/suspend", "expected a boolean, found a string"),
        ]
    );
    let cron = json!({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "c"}, "spec": {"jobTemplate": {"spec": {}}}});
    assert_error(
        &single(SchemaKind::Resource, &cron),
        "/spec/jobTemplate/spec",
        "missing field `template`",
        None,
    );
    let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": []}});
    assert_error(
        &single(SchemaKind::Resource, &pod),
        "/spec/containers",
        "expected at least 1 item, found 0",
        None,
    );
    let ingress = json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "i"}, "spec": {"tls": [{"secretName": 7}]}});
    assert_error(
        &single(SchemaKind::Resource, &ingress),
        "/spec/tls/0/secretName",
        "expected a string, found an integer",
        None,
    );
    let nameless = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"labels": {}}});
    assert_error(
        &single(SchemaKind::Resource, &nameless),
        "/metadata",
        "missing field `name`",
        None,
    );
}

#[test]
fn secret_values_never_appear_in_messages() {
    let secret = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db"}, "data": {"password": "hunter2 is plain text"}});
    let error = single(SchemaKind::Resource, &secret);
    assert_error(
        &error,
        "/data/password",
        "the value is not valid base64",
        None,
    );
    assert!(!error.message.contains("hunter2"));
    let config = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "binaryData": {"b": "not base64!"}});
    assert_error(
        &single(SchemaKind::Resource, &config),
        "/binaryData/b",
        "`not base64!` is not valid base64",
        None,
    );
}

#[test]
fn policy_constraints_read_clearly() {
    let both = with(
        full_propagation_policy(),
        "/spec/placement/clusterAffinity",
        json!({"clusterNames": ["a"]}),
    );
    assert_error(
        &single(SchemaKind::PropagationPolicy, &both),
        "/spec/placement/clusterAffinities",
        "`clusterAffinities` cannot be used together with `clusterAffinity`",
        Some("clusterAffinities"),
    );
    let field = with(
        full_propagation_policy(),
        "/spec/placement/clusterAffinities/1/fieldSelector/matchExpressions/0/key",
        json!("metadata.name"),
    );
    assert_error(
        &single(SchemaKind::PropagationPolicy, &field),
        "/spec/placement/clusterAffinities/1/fieldSelector/matchExpressions/0/key",
        "`metadata.name` is not one of `provider`, `region`, `zone`",
        None,
    );
    let pointer = "/spec/placement/clusterTolerations/0/operator";
    let toleration = with(full_propagation_policy(), pointer, json!("Gt"));
    assert_error(
        &single(SchemaKind::PropagationPolicy, &toleration),
        pointer,
        "`Gt` is not one of `Exists`, `Equal`",
        None,
    );
    let pod_toleration = with(
        live_deployment(),
        "/spec/template/spec/tolerations/0",
        json!({"key": "gpu-count", "operator": "Gt", "value": "2", "effect": "NoSchedule"}),
    );
    assert_valid(SchemaKind::Resource, &pod_toleration);
    let empty = with(
        full_propagation_policy(),
        "/spec/resourceSelectors",
        json!([]),
    );
    assert_error(
        &single(SchemaKind::PropagationPolicy, &empty),
        "/spec/resourceSelectors",
        "expected at least 1 item, found 0",
        None,
    );
    let scheduler = with(
        full_propagation_policy(),
        "/spec/schedulerName",
        json!("mine"),
    );
    assert_error(
        &single(SchemaKind::PropagationPolicy, &scheduler),
        "/spec/schedulerName",
        "fanout only reproduces Karmada's `default-scheduler`",
        None,
    );
    let path = "/spec/overrideRules/0/overriders/plaintext/0/path";
    let plaintext = with(full_override_policy(), path, json!("spec/replicas"));
    assert_error(
        &single(SchemaKind::OverridePolicy, &plaintext),
        path,
        "`spec/replicas` is not a JSON pointer: it must start with `/`",
        None,
    );
    let operator = "/spec/overrideRules/0/overriders/commandOverrider/0/operator";
    let command = with(full_override_policy(), operator, json!("replace"));
    assert_error(
        &single(SchemaKind::OverridePolicy, &command),
        operator,
        "`replace` is not one of `add`, `remove`",
        None,
    );
}

#[test]
fn every_error_is_reported_sorted_and_once() {
    let mut workload = short_form_deployment();
    workload["spec"]["replicas"] = json!("three");
    workload["spec"]["placement"]["regionz"] = json!(["x"]);
    workload["metadata"]["name"] = json!("Web");
    workload["spec"]["template"]["spec"]["containers"][0]["resources"]["requests"]["a/b~c"] =
        json!("x");
    for i in 0..11 {
        workload["spec"]["overrides"]
            .as_array_mut()
            .unwrap()
            .push(json!({"clusters": [format!("c{i}")], "bogus": i}));
    }
    let found = errors(SchemaKind::MulticloudDeployment, &workload);
    let pointers: Vec<&str> = found.iter().map(|e| e.pointer.as_str()).collect();
    let expected = [
        "/metadata/name",
        "/spec/overrides/1/bogus",
        "/spec/overrides/2/bogus",
        "/spec/overrides/3/bogus",
        "/spec/overrides/4/bogus",
        "/spec/overrides/5/bogus",
        "/spec/overrides/6/bogus",
        "/spec/overrides/7/bogus",
        "/spec/overrides/8/bogus",
        "/spec/overrides/9/bogus",
        "/spec/overrides/10/bogus",
        "/spec/overrides/11/bogus",
        "/spec/placement/regionz",
        "/spec/replicas",
        "/spec/template/spec/containers/0/resources/requests/a~1b~0c",
    ];
    assert_eq!(pointers, expected);
    let first = &found[0];
    assert!(
        first.message.starts_with("`Web` is not a valid name"),
        "{first:?}"
    );
}

#[test]
fn unknown_keys_with_special_characters_are_escaped() {
    let cluster = with(live_cluster(), "/spec/a~1b", json!(1));
    assert_error(
        &single(SchemaKind::Cluster, &cluster),
        "/spec/a~1b",
        "unknown field `a/b`",
        Some("a/b"),
    );
}

#[test]
fn config_is_strict() {
    let config =
        json!({"output": "", "limits": {"maxDepth": 0, "maxFiles": 3}, "exclude": "charts/**"});
    let found = errors(SchemaKind::Config, &config);
    let summary: Vec<(&str, &str, Option<&str>)> = found
        .iter()
        .map(|e| (e.pointer.as_str(), e.message.as_str(), e.key.as_deref()))
        .collect();
    assert_eq!(
        summary,
        [
            ("/exclude", "expected a list, found a string", None),
            ("/limits/maxDepth", "expected at least 1, found 0", None),
            (
                "/limits/maxFiles",
                "unknown field `maxFiles`",
                Some("maxFiles")
            ),
            ("/output", "expected at least 1 character, found 0", None),
        ]
    );
}

#[test]
fn pointers_sort_numerically_and_messages_are_styled() {
    assert_eq!(compare_pointers("/a/2", "/a/10"), Ordering::Less);
    assert_eq!(compare_pointers("/a", "/a/0"), Ordering::Less);
    assert_eq!(compare_pointers("/b", "/a/0"), Ordering::Greater);
    assert_eq!(
        fallback("Something Odd happened."),
        "something Odd happened"
    );
    assert_eq!(percent_decode("/%24defs/a%7Eb"), "/$defs/a~b");
    assert_eq!(counted(2, "entry"), "2 entries");
}

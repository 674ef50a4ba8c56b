//! Sample documents: live objects as `kubectl get -o yaml` prints them, the short-form examples of
//! the docs, and Karmada policies using every field fanout supports.

use serde_json::{Value, json};

/// A Cluster as `kubectl get cluster member1 -o yaml` prints it on a live Karmada.
pub(super) fn live_cluster() -> Value {
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
pub(super) fn short_form_deployment() -> Value {
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

pub(super) fn short_form_job() -> Value {
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

pub(super) fn full_propagation_policy() -> Value {
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

pub(super) fn full_override_policy() -> Value {
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
pub(super) fn live_deployment() -> Value {
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

use super::*;
use serde_json::json;

mod invariants;

const NS: &str = "karmada-test";

/// The (kind, name) pairs of named dependencies, in output order; every one must be in `NS`.
fn names(found: &[Dependency]) -> Vec<(&'static str, String)> {
    for dependency in found {
        assert_eq!(dependency.namespace, NS, "{dependency:?}");
        assert_eq!(dependency.api_version, V1, "{dependency:?}");
    }
    found.iter().map(|d| (d.kind, d.name.clone())).collect()
}

fn run_named(interpreter: Interpreter, object: &Value) -> Vec<(&'static str, String)> {
    names(&run(interpreter, object, NS).expect("accepted").named)
}

fn pairs(list: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    list.iter().map(|(k, n)| (*k, (*n).to_owned())).collect()
}

/// The pod specs and expected results shared by the tests of `dependencies_test.go` (`testPairs`).
fn test_pairs() -> Vec<(Value, Vec<(&'static str, String)>)> {
    vec![
        (
            json!({
                "serviceAccountName": "test-serviceaccount",
                "volumes": [
                    {"name": "initcontainer-volume-mount", "configMap": {"name": "test-configmap"}},
                    {"name": "cloud-secret-volume", "secret": {"secretName": "cloud-secret"}},
                    {"name": "container-volume-mount", "persistentVolumeClaim": {"claimName": "test-pvc"}}
                ]
            }),
            pairs(&[
                (CONFIG_MAP, "test-configmap"),
                (SECRET, "cloud-secret"),
                (SERVICE_ACCOUNT, "test-serviceaccount"),
                (PERSISTENT_VOLUME_CLAIM, "test-pvc"),
            ]),
        ),
        (
            json!({
                "serviceAccountName": "test-serviceaccount",
                "imagePullSecrets": [{"name": "test-secret"}],
                "initContainers": [{
                    "envFrom": [{
                        "configMapRef": {"name": "initcontainer-envfrom-configmap"},
                        "secretRef": {"name": "test-secret"}
                    }],
                    "env": [{"valueFrom": {"secretKeyRef": {"name": "test-secret"}}}]
                }]
            }),
            pairs(&[
                (CONFIG_MAP, "initcontainer-envfrom-configmap"),
                (SECRET, "test-secret"),
                (SERVICE_ACCOUNT, "test-serviceaccount"),
            ]),
        ),
        (
            json!({
                "containers": [{
                    "envFrom": [{"configMapRef": {"name": "test-configmap"}}],
                    "env": [{"valueFrom": {"configMapKeyRef": {"name": "test-configmap"}}}]
                }],
                "volumes": [{
                    "name": "container-volume-mount",
                    "persistentVolumeClaim": {"claimName": "test-pvc"},
                    "azureFile": {"secretName": "test-secret"}
                }]
            }),
            pairs(&[
                (CONFIG_MAP, "test-configmap"),
                (SECRET, "test-secret"),
                (PERSISTENT_VOLUME_CLAIM, "test-pvc"),
            ]),
        ),
    ]
}

/// One Go table (`Test_get<Kind>Dependencies`): the object without a pod template has no dependencies,
/// and the object built around each of `testPairs` has that pair's dependencies. The Go tests call the
/// handler directly, so the object's own `apiVersion` does not choose the handler.
fn check_pod_template_table(
    go_test: &str,
    interpreter: Interpreter,
    without_template: Value,
    wrap: impl Fn(Value) -> Value,
) {
    assert_eq!(
        run_named(interpreter, &without_template),
        vec![],
        "{go_test}: without dependencies"
    );
    for (i, (spec, want)) in test_pairs().into_iter().enumerate() {
        let object = wrap(spec);
        assert_eq!(
            run_named(interpreter, &object),
            want,
            "{go_test}: with dependencies {}",
            i + 1
        );
    }
}

#[test]
fn get_deployment_dependencies() {
    // Test_getDeploymentDependencies
    check_pod_template_table(
        "Test_getDeploymentDependencies",
        Interpreter::PodTemplate(TEMPLATE_POD_SPEC),
        json!({"apiVersion": "apps/v1", "kind": "Deployment",
               "metadata": {"name": "fake-deployment", "generation": 1, "namespace": NS},
               "spec": {"replicas": 3}}),
        |spec| {
            json!({"apiVersion": "apps/v1", "kind": "Deployment",
                   "metadata": {"name": "fake-deployment", "namespace": NS},
                   "spec": {"replicas": 3, "template": {"spec": spec}}})
        },
    );
}

#[test]
fn get_replica_set_dependencies() {
    // Test_getReplicaSetDependencies
    check_pod_template_table(
        "Test_getReplicaSetDependencies",
        Interpreter::PodTemplate(TEMPLATE_POD_SPEC),
        json!({"apiVersion": "apps/v1", "kind": "ReplicaSet",
               "metadata": {"name": "fake-replicaset", "generation": 1, "namespace": NS},
               "spec": {"replicas": 3}}),
        |spec| {
            json!({"apiVersion": "apps/v1", "kind": "ReplicaSet",
                   "metadata": {"name": "fake-replicaset", "namespace": NS},
                   "spec": {"replicas": 3, "template": {"spec": spec}}})
        },
    );
}

#[test]
fn get_job_dependencies() {
    // Test_getJobDependencies
    check_pod_template_table(
        "Test_getJobDependencies",
        Interpreter::PodTemplate(TEMPLATE_POD_SPEC),
        json!({"apiVersion": "batch/v1", "kind": "Job",
               "metadata": {"name": "fake-job", "namespace": NS},
               "spec": {"parallelism": 1}}),
        |spec| {
            json!({"apiVersion": "batch/v1", "kind": "Job",
                   "metadata": {"name": "fake-job", "namespace": NS},
                   "spec": {"parallelism": 1, "template": {"spec": spec}}})
        },
    );
}

#[test]
fn get_cron_job_dependencies() {
    // Test_getCronJobDependencies (its objects say batch/v1beta1; the handler is called directly)
    check_pod_template_table(
        "Test_getCronJobDependencies",
        Interpreter::PodTemplate(CRON_JOB_POD_SPEC),
        json!({"apiVersion": "batch/v1beta1", "kind": "CronJob",
               "metadata": {"name": "fake-cronjob", "namespace": NS},
               "spec": {"schedule": "*/1 * * * *"}}),
        |spec| {
            json!({"apiVersion": "batch/v1beta1", "kind": "CronJob",
                   "metadata": {"name": "fake-cronjob", "namespace": NS},
                   "spec": {"schedule": "*/1 * * * *",
                            "jobTemplate": {"spec": {"template": {"spec": spec}}}}})
        },
    );
}

#[test]
fn get_pod_dependencies() {
    // Test_getPodDependencies ("pod with dependencies 3" says batch/v1beta1 `pod`; the handler is
    // called directly)
    check_pod_template_table(
        "Test_getPodDependencies",
        Interpreter::PodTemplate(POD_SPEC),
        json!({"apiVersion": "v1", "kind": "Pod",
               "metadata": {"name": "fake-pod", "namespace": NS},
               "spec": {"containers": [{"name": "example-container", "image": "busybox",
                                        "command": ["echo", "Hello, World!"]}]}}),
        |spec| {
            json!({"apiVersion": "v1", "kind": "Pod",
                   "metadata": {"name": "fake-pod", "namespace": NS},
                   "spec": spec})
        },
    );
}

#[test]
fn get_daemon_set_dependencies() {
    // Test_getDaemonSetDependencies
    let selector = json!({"matchLabels": {"app": "fake"}});
    check_pod_template_table(
        "Test_getDaemonSetDependencies",
        Interpreter::PodTemplate(TEMPLATE_POD_SPEC),
        json!({"apiVersion": "apps/v1", "kind": "DaemonSet",
               "metadata": {"name": "fake-daemonset", "namespace": NS},
               "spec": {"selector": selector}}),
        |spec| {
            json!({"apiVersion": "apps/v1", "kind": "DaemonSet",
                   "metadata": {"name": "fake-daemonset", "namespace": NS},
                   "spec": {"selector": selector, "template": {"spec": spec}}})
        },
    );
}

fn stateful_set(spec: Option<Value>, claim_templates: Option<Value>) -> Value {
    let mut object = json!({"apiVersion": "apps/v1", "kind": "StatefulSet",
           "metadata": {"name": "fake-statefulset", "namespace": NS},
           "spec": {"serviceName": "fake-service", "selector": {"matchLabels": {"app": "fake"}}}});
    if let Some(spec) = spec {
        object["spec"]["template"] = json!({ "spec": spec });
    }
    if let Some(templates) = claim_templates {
        object["spec"]["volumeClaimTemplates"] = templates;
    }
    object
}

#[test]
fn get_stateful_set_dependencies() {
    // Test_getStatefulSetDependencies, cases 1 to 3 and "without dependencies"
    check_pod_template_table(
        "Test_getStatefulSetDependencies",
        Interpreter::StatefulSet,
        stateful_set(None, None),
        |spec| stateful_set(Some(spec), None),
    );
    // "statefulset with partial dependencies 4": the claim named by a volumeClaimTemplate is dropped
    let (spec, mut want) = test_pairs().swap_remove(0);
    let object = stateful_set(
        Some(spec),
        Some(json!([{"metadata": {"name": "test-pvc"}}])),
    );
    want.truncate(3);
    assert_eq!(run_named(Interpreter::StatefulSet, &object), want);
    assert_eq!(names(&dependencies(&object, NS)), want);
}

#[test]
fn stateful_set_keeps_claims_not_named_by_a_template() {
    let spec = json!({"volumes": [
        {"name": "a", "persistentVolumeClaim": {"claimName": "data"}},
        {"name": "b", "persistentVolumeClaim": {"claimName": "shared"}}
    ]});
    let object = stateful_set(
        Some(spec),
        Some(json!([{"metadata": {"name": "data"}}, "not-a-template", {"metadata": {}}])),
    );
    assert_eq!(
        names(&dependencies(&object, NS)),
        pairs(&[(PERSISTENT_VOLUME_CLAIM, "shared")])
    );
}

#[test]
fn get_service_import_dependencies() {
    // Test_getServiceImportDependencies
    let object = json!({
        "apiVersion": "multicluster.x-k8s.io/v1alpha1", "kind": "ServiceImport",
        "metadata": {"name": "fake-serviceImport", "namespace": NS},
        "spec": {"type": "ClusterSetIP", "ports": [{"port": 80, "protocol": "TCP"}]}
    });
    let found = interpret(&object, NS).expect("accepted");
    assert_eq!(
        found.named,
        vec![Dependency {
            api_version: "v1",
            kind: "Service",
            namespace: NS.to_owned(),
            name: "derived-fake-serviceImport".to_owned(),
            pointer: "/metadata/name".to_owned(),
        }]
    );
    assert_eq!(
        found.selected,
        vec![SelectedDependency {
            api_version: "discovery.k8s.io/v1",
            kind: "EndpointSlice",
            namespace: NS.to_owned(),
            match_labels: BTreeMap::from([(
                "kubernetes.io/service-name".to_owned(),
                "derived-fake-serviceImport".to_owned()
            )]),
            pointer: "/metadata/name".to_owned(),
        }]
    );
    assert_eq!(dependencies(&object, NS), found.named);
}

#[test]
fn service_import_with_a_name_too_long_for_a_label_is_rejected() {
    // `derived-` + 55 characters is the longest label value; one more and Karmada's
    // `VerifyDependencies` rejects the EndpointSlice selector.
    let object = |name: &str| {
        json!({"apiVersion": "multicluster.x-k8s.io/v1alpha1", "kind": "ServiceImport",
               "metadata": {"name": name}})
    };
    let longest = "a".repeat(55);
    assert_eq!(dependencies(&object(&longest), NS).len(), 1);
    let too_long = "a".repeat(56);
    let rejected = interpret(&object(&too_long), NS).expect_err("rejected");
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0].pointer, "/metadata/name");
    assert_eq!(dependencies(&object(&too_long), NS), vec![]);
    // no name: `derived-` ends with `-`, not a label value either
    let nameless = json!({"apiVersion": "multicluster.x-k8s.io/v1alpha1", "kind": "ServiceImport"});
    assert!(interpret(&nameless, NS).is_err());
}

#[test]
fn get_all_default_dependencies_interpreter() {
    // Test_getAllDefaultDependenciesInterpreter: exactly these nine kinds, matched on group, version
    // and kind
    let expected = [
        ("apps/v1", "Deployment"),
        ("apps/v1", "ReplicaSet"),
        ("batch/v1", "Job"),
        ("batch/v1", "CronJob"),
        ("v1", "Pod"),
        ("apps/v1", "DaemonSet"),
        ("apps/v1", "StatefulSet"),
        ("networking.k8s.io/v1", "Ingress"),
        ("multicluster.x-k8s.io/v1alpha1", "ServiceImport"),
    ];
    for (api_version, kind) in expected {
        assert!(interprets(api_version, kind), "{api_version} {kind}");
    }
    for (api_version, kind) in [
        ("batch/v1beta1", "CronJob"),
        ("extensions/v1beta1", "Deployment"),
        ("apps/v1", "deployment"),
        ("v1", "pod"),
        ("v1", "ConfigMap"),
        ("v1", "Service"),
        ("networking.k8s.io/v1beta1", "Ingress"),
        ("apps.kruise.io/v1alpha1", "CloneSet"),
        ("", ""),
    ] {
        assert!(!interprets(api_version, kind), "{api_version} {kind}");
    }
    // dispatch goes through the table: a batch/v1beta1 CronJob has no dependencies
    let (spec, _) = test_pairs().swap_remove(0);
    let cron_job = json!({"apiVersion": "batch/v1beta1", "kind": "CronJob",
        "spec": {"jobTemplate": {"spec": {"template": {"spec": spec}}}}});
    assert_eq!(dependencies(&cron_job, NS), vec![]);
    let mut current = cron_job.clone();
    current["apiVersion"] = json!("batch/v1");
    assert_eq!(dependencies(&current, NS).len(), 4);
}

#[test]
fn get_ingress_dependencies() {
    // Test_getIngressDependencies ("ingress with dependencies 2")
    let object = json!({
        "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
        "metadata": {"name": "test-ingress", "namespace": NS},
        "spec": {"tls": [
            {"hosts": ["foo1.*.bar.com"], "secretName": "cloud-secret"},
            {"hosts": ["foo2.*.bar.com"], "secretName": "test-secret"}
        ]}
    });
    let found = dependencies(&object, NS);
    assert_eq!(
        names(&found),
        pairs(&[(SECRET, "cloud-secret"), (SECRET, "test-secret")])
    );
    assert_eq!(found[1].pointer, "/spec/tls/1/secretName");
}

#[test]
fn ingress_tls_without_secret_name_rejects_every_dependency() {
    let object = json!({
        "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
        "spec": {"tls": [
            {"secretName": "cloud-secret"},
            {"hosts": ["default-certificate.example.com"]},
            {"secretName": ""},
            {"secretName": null},
            {"secretName": "cloud-secret"}
        ]}
    });
    let rejected = interpret(&object, NS).expect_err("rejected");
    let pointers: Vec<&str> = rejected.iter().map(|r| r.pointer.as_str()).collect();
    assert_eq!(
        pointers,
        [
            "/spec/tls/1",
            "/spec/tls/2/secretName",
            "/spec/tls/3/secretName"
        ]
    );
    assert_eq!(dependencies(&object, NS), vec![]);
    // duplicates alone are fine: collapsed
    let twice = json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
        "spec": {"tls": [{"secretName": "s"}, {"secretName": "s"}]}});
    let found = dependencies(&twice, NS);
    assert_eq!(names(&found), pairs(&[(SECRET, "s")]));
    assert_eq!(found[0].pointer, "/spec/tls/0/secretName");
}

/// `helper.NewPod` of Karmada's tests: two containers that reference nothing.
fn new_pod_spec() -> Value {
    json!({"containers": [
        {"name": "nginx", "image": "nginx:1.19.0",
         "ports": [{"name": "web", "containerPort": 80, "protocol": "TCP"}]},
        {"name": "busybox", "image": "busybox:1.36.0", "command": ["sleep", "3600"],
         "ports": [{"name": "web", "containerPort": 81, "protocol": "TCP"}]}
    ]})
}

fn pod(spec: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod",
           "metadata": {"name": "fake-pod", "namespace": NS}, "spec": spec})
}

/// The names of one kind, in output order.
fn of_kind(object: &Value, kind: &str) -> Vec<String> {
    dependencies(object, NS)
        .into_iter()
        .filter(|d| d.kind == kind)
        .map(|d| d.name)
        .collect()
}

fn secrets_pod_spec() -> Value {
    let mut spec = new_pod_spec();
    spec["imagePullSecrets"] = json!([{"name": "image-secret"}]);
    let container = |prefix: &str| {
        json!({
            "envFrom": [{"secretRef": {"name": format!("{prefix}-envfrom-secret")}}],
            "env": [{"valueFrom": {"secretKeyRef": {"name": format!("{prefix}-env-secret")}}}]
        })
    };
    spec["initContainers"] = json!([container("initcontainer")]);
    spec["containers"] = json!([container("container")]);
    spec["ephemeralContainers"] = json!([container("ephemeralcontainer")]);
    spec["volumes"] = json!([
        {"azureFile": {"secretName": "azure-secret"}},
        {"cephfs": {"secretRef": {"name": "cephfs-secret"}}},
        {"cinder": {"secretRef": {"name": "cinder-secret"}}},
        {"flexVolume": {"secretRef": {"name": "flex-secret"}}},
        {"projected": {"sources": [{"secret": {"name": "projected-secret"}}]}},
        {"rbd": {"secretRef": {"name": "rbd-secret"}}},
        {"secret": {"secretName": "secret-config"}},
        {"scaleIO": {"secretRef": {"name": "scaleio-secret"}}},
        {"iscsi": {"secretRef": {"name": "iscsi-secret"}}},
        {"storageos": {"secretRef": {"name": "storageos-secret"}}},
        {"csi": {"nodePublishSecretRef": {"name": "csi-secret"}}}
    ]);
    spec
}

#[test]
fn get_secret_names() {
    // TestGetSecretNames (Go compares sets; the expected list happens to be in visiting order)
    assert_eq!(of_kind(&pod(new_pod_spec()), SECRET), Vec::<String>::new());
    let want = [
        "image-secret",
        "initcontainer-envfrom-secret",
        "initcontainer-env-secret",
        "container-envfrom-secret",
        "container-env-secret",
        "ephemeralcontainer-envfrom-secret",
        "ephemeralcontainer-env-secret",
        "azure-secret",
        "cephfs-secret",
        "cinder-secret",
        "flex-secret",
        "projected-secret",
        "rbd-secret",
        "secret-config",
        "scaleio-secret",
        "iscsi-secret",
        "storageos-secret",
        "csi-secret",
    ];
    assert_eq!(of_kind(&pod(secrets_pod_spec()), SECRET), want);
}

fn config_maps_pod_spec() -> Value {
    let mut spec = new_pod_spec();
    let container = |prefix: &str| {
        json!({
            "envFrom": [{"configMapRef": {"name": format!("{prefix}-envfrom-configmap")}}],
            "env": [{"valueFrom": {"configMapKeyRef": {"name": format!("{prefix}-env-configmap")}}}]
        })
    };
    spec["initContainers"] = json!([container("initcontainer")]);
    spec["containers"] = json!([container("container")]);
    spec["ephemeralContainers"] = json!([container("ephemeralcontainer")]);
    spec["volumes"] = json!([
        {"projected": {"sources": [{"configMap": {"name": "projected-configmap"}}]}},
        {"configMap": {"name": "configmap-config"}}
    ]);
    spec
}

#[test]
fn get_config_map_names() {
    // TestGetConfigMapNames
    assert_eq!(
        of_kind(&pod(new_pod_spec()), CONFIG_MAP),
        Vec::<String>::new()
    );
    let want = [
        "initcontainer-envfrom-configmap",
        "initcontainer-env-configmap",
        "container-envfrom-configmap",
        "container-env-configmap",
        "ephemeralcontainer-envfrom-configmap",
        "ephemeralcontainer-env-configmap",
        "projected-configmap",
        "configmap-config",
    ];
    assert_eq!(of_kind(&pod(config_maps_pod_spec()), CONFIG_MAP), want);
}

#[test]
fn get_pvc_names() {
    // TestGetPVCNames
    assert_eq!(
        of_kind(&pod(new_pod_spec()), PERSISTENT_VOLUME_CLAIM),
        Vec::<String>::new()
    );
    let mut spec = new_pod_spec();
    spec["volumes"] = json!([
        {"name": "foo-name", "persistentVolumeClaim": {"claimName": "fake-foo", "readOnly": true}},
        {"name": "bar-name", "persistentVolumeClaim": {"claimName": "fake-bar", "readOnly": true}}
    ]);
    assert_eq!(
        of_kind(&pod(spec), PERSISTENT_VOLUME_CLAIM),
        ["fake-foo", "fake-bar"]
    );
}

#[test]
fn get_dependencies_from_pod_template() {
    // TestGetDependenciesFromPodTemplate
    assert_eq!(dependencies(&pod(new_pod_spec()), NS), vec![]);
    let mut spec = new_pod_spec();
    spec["volumes"] = json!([
        {"name": "foo-name", "configMap": {"name": "fake-foo"}},
        {"name": "bar-name", "secret": {"secretName": "fake-bar"}},
        {"name": "pvc-name", "persistentVolumeClaim": {"claimName": "fake-pvc"}}
    ]);
    spec["serviceAccountName"] = json!("fake-sa");
    assert_eq!(
        names(&dependencies(&pod(spec), NS)),
        pairs(&[
            (CONFIG_MAP, "fake-foo"),
            (SECRET, "fake-bar"),
            (SERVICE_ACCOUNT, "fake-sa"),
            (PERSISTENT_VOLUME_CLAIM, "fake-pvc"),
        ])
    );
}

#[test]
fn get_service_account_names() {
    // Test_getServiceAccountNames, plus the empty name and the legacy field
    let cases: [(Value, &[&str]); 5] = [
        (json!({"serviceAccountName": "test"}), &["test"]),
        (json!({"serviceAccountName": "default"}), &[]),
        (json!({"serviceAccountName": ""}), &[]),
        (json!({"serviceAccount": "legacy"}), &[]),
        (
            json!({"serviceAccount": "legacy", "serviceAccountName": "current"}),
            &["current"],
        ),
    ];
    for (spec, want) in cases {
        assert_eq!(of_kind(&pod(spec.clone()), SERVICE_ACCOUNT), want, "{spec}");
    }
}

#[test]
fn only_the_first_present_volume_source_names_a_secret() {
    // Karmada switches on the volume source: `cephfs` comes before `secret`, `projected` before
    // `secret`; a present but empty source still wins.
    let spec = json!({"volumes": [
        {"cephfs": {"secretRef": {"name": "ceph"}}, "secret": {"secretName": "ignored-1"}},
        {"projected": {"sources": [{"secret": {"name": "proj"}}]}, "secret": {"secretName": "ignored-2"}},
        {"azureFile": {}, "csi": {"nodePublishSecretRef": {"name": "ignored-3"}}},
        {"azureFile": null, "csi": {"nodePublishSecretRef": {"name": "csi"}}},
        {"rbd": {"secretRef": null}, "iscsi": {"secretRef": {"name": "ignored-4"}}}
    ]});
    assert_eq!(of_kind(&pod(spec), SECRET), ["ceph", "proj", "csi"]);
    // for ConfigMaps `projected` comes first; the Secret and ConfigMap switches are independent
    let spec = json!({"volumes": [
        {"projected": {"sources": [{"configMap": {"name": "proj"}}]}, "configMap": {"name": "ignored"}},
        {"configMap": {"name": "cm"}, "secret": {"secretName": "sec"}},
        {"azureFile": {"secretName": "azure"},
         "projected": {"sources": [{"configMap": {"name": "proj-2"}}]}}
    ]});
    assert_eq!(
        of_kind(&pod(spec.clone()), CONFIG_MAP),
        ["proj", "cm", "proj-2"]
    );
    assert_eq!(of_kind(&pod(spec), SECRET), ["sec", "azure"]);
}

#[test]
fn optional_references_count_and_empty_names_do_not() {
    let spec = json!({
        "imagePullSecrets": [{"name": ""}, {}],
        "containers": [{
            "envFrom": [{"configMapRef": {"name": "opt-cm", "optional": true}},
                        {"configMapRef": {"name": ""}}, {"secretRef": {}}],
            "env": [{"valueFrom": {"secretKeyRef": {"name": "opt-secret", "key": "k", "optional": true}}},
                    {"valueFrom": {"configMapKeyRef": {"key": "k"}}}, {"value": "plain"}]
        }],
        "volumes": [
            {"configMap": {"name": "", "optional": true}},
            {"secret": {"secretName": "opt-volume", "optional": true}},
            {"persistentVolumeClaim": {"claimName": ""}},
            {"ephemeral": {"volumeClaimTemplate": {"metadata": {"name": "scratch"}}}}
        ]
    });
    assert_eq!(
        names(&dependencies(&pod(spec), NS)),
        pairs(&[
            (CONFIG_MAP, "opt-cm"),
            (SECRET, "opt-secret"),
            (SECRET, "opt-volume"),
        ])
    );
}

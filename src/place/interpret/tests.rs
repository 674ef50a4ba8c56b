//! Karmada's own test data for its built-in customizations, transcribed: each test cites the file under
//! `pkg/resourceinterpreter/default/thirdparty/resourcecustomizations/<group>/<version>/<Kind>/testdata/`
//! and the case's name; inputs keep the fields the hook reads. Dependencies are compared as sets (Karmada's
//! scripts return them in Lua table order).

use super::*;
use crate::model::quantity::Quantity;
use serde_json::json;

fn object(api_version: &str, kind: &str, spec: Value) -> Value {
    json!({"apiVersion": api_version, "kind": kind,
        "metadata": {"name": "sample", "namespace": "test"}, "spec": spec})
}

fn rule(object: &Value) -> &'static KindRule {
    built_in(
        object["apiVersion"].as_str().unwrap(),
        object["kind"].as_str().unwrap(),
    )
    .expect("a built-in customization")
}

/// GetReplicas: the replicas and the requests, sorted by resource name.
fn replicas(object: &Value) -> (i32, Option<Vec<(String, Quantity)>>) {
    let (n, requirements) = get_replicas(&rule(object).replicas.unwrap(), object).unwrap();
    (
        n,
        requirements.map(|r| r.resource_request.into_iter().collect()),
    )
}

fn requests(list: &[(&str, &str)]) -> Option<Vec<(String, Quantity)>> {
    Some(
        list.iter()
            .map(|(name, q)| (name.to_string(), Quantity::parse(q).unwrap()))
            .collect(),
    )
}

/// ReviseReplica.
fn revised(object: &Value, replicas: i32) -> Value {
    let mut body = object.clone();
    apply_revise(&rule(object).revise.unwrap(), &mut body, replicas).unwrap();
    body
}

/// GetDependencies as Karmada's chain runs it, as a sorted set of `(kind, name)`.
fn dependencies_of(object: &Value) -> Vec<(&'static str, String)> {
    let mut found: Vec<_> = dependencies(&Model::default(), object, "test")
        .into_iter()
        .map(|d| (d.kind, d.name))
        .collect();
    found.sort();
    found
}

fn named(list: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    let mut out: Vec<_> = list.iter().map(|(k, n)| (*k, n.to_string())).collect();
    out.sort();
    out
}

fn container_env(refs: Value) -> Value {
    json!({"spec": {"containers": [{"name": "c", "image": "i", "env": refs}]}})
}

#[test]
fn every_customization_folder_is_interpreted_or_listed_as_left_out() {
    // `git ls-tree` of the folder at Karmada v1.19 (UnitedDeployment's file lists its hooks with a
    // different indentation, but has them all)
    let folders = [
        "apps.kruise.io/v1alpha1/AdvancedCronJob",
        "apps.kruise.io/v1alpha1/BroadcastJob",
        "apps.kruise.io/v1alpha1/CloneSet",
        "apps.kruise.io/v1alpha1/DaemonSet",
        "apps.kruise.io/v1alpha1/SidecarSet",
        "apps.kruise.io/v1alpha1/UnitedDeployment",
        "apps.kruise.io/v1beta1/StatefulSet",
        "argoproj.io/v1alpha1/Workflow",
        "batch.volcano.sh/v1alpha1/Job",
        "flink.apache.org/v1beta1/FlinkDeployment",
        "helm.toolkit.fluxcd.io/v2beta1/HelmRelease",
        "kubeflow.org/v1/Notebook",
        "kubeflow.org/v1/PyTorchJob",
        "kubeflow.org/v1/TFJob",
        "kubeflow.org/v2beta1/MPIJob",
        "kustomize.toolkit.fluxcd.io/v1/Kustomization",
        "kyverno.io/v1/ClusterPolicy",
        "kyverno.io/v1/Policy",
        "ray.io/v1/RayCluster",
        "ray.io/v1/RayJob",
        "ray.io/v1/RayService",
        "source.toolkit.fluxcd.io/v1/GitRepository",
        "source.toolkit.fluxcd.io/v1beta2/Bucket",
        "source.toolkit.fluxcd.io/v1beta2/HelmChart",
        "source.toolkit.fluxcd.io/v1beta2/HelmRepository",
        "source.toolkit.fluxcd.io/v1beta2/OCIRepository",
        "sparkoperator.k8s.io/v1beta2/SparkApplication",
    ];
    let mut known: Vec<String> = BUILT_IN
        .iter()
        .map(|r| format!("{}/{}", r.api_version, r.kind))
        .chain(NOT_INTERPRETED.iter().map(|(a, k, _)| format!("{a}/{k}")))
        .collect();
    known.sort();
    assert_eq!(known, folders);
    for rule in BUILT_IN {
        assert!(
            rule.replicas.is_some() || rule.dependencies.is_some(),
            "{}",
            rule.kind
        );
        assert!(rule.revise.is_none() || rule.replicas.is_some());
        assert!(rule.source().ends_with(&format!("/{}", rule.kind)));
    }
}

// ---- GetReplicas and ReviseReplica ----

/// CloneSet/testdata/interpretreplica-test.yaml "CloneSet with replicas set to 4" and
/// revisereplica-test.yaml "CloneSet: revise replica test".
#[test]
fn kruise_clone_set() {
    let cloneset = object(
        "apps.kruise.io/v1alpha1",
        "CloneSet",
        json!({"replicas": 4, "template": {"spec": {"containers": [{"name": "nginx", "image": "nginx:alpine"}]}}}),
    );
    assert_eq!(replicas(&cloneset), (4, None));
    assert_eq!(revised(&cloneset, 1)["spec"]["replicas"], 1);
    // Karmada's control plane runs no Kruise webhook: an absent `replicas` is a nil the script returns
    let mut unset = cloneset.clone();
    unset["spec"].as_object_mut().unwrap().remove("replicas");
    let failure = get_replicas(&rule(&unset).replicas.unwrap(), &unset).unwrap_err();
    assert_eq!(failure.pointer, "/spec");
    assert!(failure.message.starts_with("`spec.replicas` is absent"));
}

/// StatefulSet (apps.kruise.io/v1beta1)/testdata/interpretreplica-test.yaml "StatefulSet with replicas set
/// to 3", "StatefulSet with zero replicas"; revisereplica-test.yaml "StatefulSet revise replica from 1 to 3".
#[test]
fn kruise_advanced_stateful_set() {
    let sts = |n: i32| {
        object(
            "apps.kruise.io/v1beta1",
            "StatefulSet",
            json!({"replicas": n}),
        )
    };
    assert_eq!(replicas(&sts(3)), (3, None));
    assert_eq!(replicas(&sts(0)), (0, None));
    assert_eq!(revised(&sts(1), 3)["spec"]["replicas"], 3);
}

/// UnitedDeployment/testdata/interpretreplica-test.yaml "UnitedDeployment with replicas set to 3",
/// revisereplica-test.yaml "UnitedDeployment: revise replica test".
#[test]
fn kruise_united_deployment() {
    let ud = object(
        "apps.kruise.io/v1alpha1",
        "UnitedDeployment",
        json!({"replicas": 3, "template": {"spec": {"containers": [{"name": "nginx", "image": "nginx"}]}}}),
    );
    assert_eq!(replicas(&ud), (3, None));
    assert_eq!(revised(&ud, 1)["spec"]["replicas"], 1);
}

/// BroadcastJob/testdata/interpretreplica-test.yaml "BroadcastJob with parallelism set to 3",
/// "BroadcastJob without parallelism"; revisereplica-test.yaml "BroadcastJob revise replica should update
/// parallelism".
#[test]
fn kruise_broadcast_job() {
    let job = |spec: Value| object("apps.kruise.io/v1alpha1", "BroadcastJob", spec);
    assert_eq!(replicas(&job(json!({"parallelism": 3}))).0, 3);
    assert_eq!(replicas(&job(json!({"template": {}}))).0, 1);
    assert_eq!(
        revised(&job(json!({"parallelism": 1})), 3)["spec"]["parallelism"],
        3
    );
    // `parallelism` is an IntOrString: a percentage is no number for the script
    let percent = job(json!({"parallelism": "50%"}));
    let failure = get_replicas(&rule(&percent).replicas.unwrap(), &percent).unwrap_err();
    assert_eq!(failure.pointer, "/spec/parallelism");
}

/// SidecarSet/testdata/interpretreplica-test.yaml "SidecarSet replicas should always be 0".
#[test]
fn kruise_sidecar_set() {
    let set = object(
        "apps.kruise.io/v1alpha1",
        "SidecarSet",
        json!({"containers": [{"name": "sidecar", "image": "busybox"}]}),
    );
    assert_eq!(replicas(&set), (0, None));
}

/// Workflow/testdata/interpretreplica-test.yaml "Workflow with parallelism set to 2", "Workflow with
/// parallelism unset"; revisereplica-test.yaml "Workflow revise replica should update parallelism".
#[test]
fn argo_workflow() {
    let wf = |spec: Value| object("argoproj.io/v1alpha1", "Workflow", spec);
    let with_tolerations = wf(json!({"parallelism": 2, "tolerations": [
        {"key": "key", "operation": "Equal", "value": "value", "effect": "NoSchedule"}],
        "templates": [{"name": "whalesay", "container": {"image": "docker/whalesay:latest",
            "resources": {"limits": {"memory": "1Gi"}, "requests": {"memory": "1Mi"}}}}]}));
    // the templates' requests are not read: only the node claim
    let (n, requirements) = get_replicas(
        &rule(&with_tolerations).replicas.unwrap(),
        &with_tolerations,
    )
    .unwrap();
    assert_eq!(n, 2);
    let requirements = requirements.unwrap();
    assert!(requirements.node_claim && requirements.resource_request.is_empty());
    assert_eq!(replicas(&wf(json!({"templates": []}))), (1, None));
    assert_eq!(
        revised(&wf(json!({"parallelism": 1})), 3)["spec"]["parallelism"],
        3
    );
}

/// Notebook/testdata/interpretreplica-test.yaml: "Notebook with basic template should return replica 1",
/// "... with resource requirements in template", "... with multiple containers, should aggregate
/// resources", "... with empty template spec".
#[test]
fn kubeflow_notebook() {
    let nb = |template: Value| object("kubeflow.org/v1", "Notebook", json!({"template": template}));
    let container = |cpu: &str, memory: &str| json!({"name": "c", "image": "jupyter", "resources": {"requests": {"cpu": cpu, "memory": memory}}});
    assert_eq!(
        replicas(&nb(
            json!({"spec": {"containers": [{"name": "c", "image": "jupyter"}]}})
        )),
        (1, None)
    );
    assert_eq!(
        replicas(&nb(
            json!({"spec": {"containers": [container("2", "4Gi")]}})
        )),
        (1, requests(&[("cpu", "2"), ("memory", "4Gi")]))
    );
    assert_eq!(
        replicas(&nb(
            json!({"spec": {"containers": [container("1", "2Gi"), container("100m", "128Mi")]}})
        )),
        (1, requests(&[("cpu", "1100m"), ("memory", "2176Mi")]))
    );
    assert_eq!(replicas(&nb(json!({"spec": {}}))), (1, None));
}

/// FlinkDeployment/testdata/interpretreplica-test.yaml, all nine cases.
#[test]
fn flink_deployment() {
    let flink = |spec: Value| object("flink.apache.org/v1beta1", "FlinkDeployment", spec);
    let manager = |replicas: Option<i32>, cpu: i32, memory: &str| match replicas {
        Some(n) => json!({"replicas": n, "resource": {"cpu": cpu, "memory": memory}}),
        None => json!({"resource": {"cpu": cpu, "memory": memory}}),
    };
    let slots = |n: &str| json!({"taskmanager.numberOfTaskSlots": n});
    let base = requests(&[("cpu", "1"), ("memory", "2048m")]);
    // case 1: taskManager.replicas set to 1
    let case = flink(
        json!({"flinkConfiguration": slots("2"), "job": {"parallelism": 2},
        "jobManager": manager(Some(1), 1, "2048m"), "taskManager": manager(Some(1), 1, "2048m")}),
    );
    assert_eq!(replicas(&case), (2, base.clone()));
    // case 2: taskManager.replicas unset: ceil(10 / 2)
    let case = flink(
        json!({"flinkConfiguration": slots("2"), "job": {"parallelism": 10},
        "jobManager": manager(None, 1, "2048m"), "taskManager": manager(None, 1, "2048m")}),
    );
    assert_eq!(replicas(&case), (6, base.clone()));
    // case 3: podTemplate nodeSelector and tolerations: a node claim
    let case = flink(json!({"flinkConfiguration": slots("2"),
        "jobManager": manager(Some(1), 1, "2048m"), "taskManager": manager(Some(2), 1, "2048m"),
        "podTemplate": {"spec": {"nodeSelector": {"disktype": "ssd"},
            "tolerations": [{"key": "key1", "operator": "Equal", "value": "value1", "effect": "NoSchedule"}],
            "priorityClassName": "high-priority"}}}));
    assert_eq!(replicas(&case), (3, base.clone()));
    let (_, requirements) = get_replicas(&Replicas::Flink, &case).unwrap();
    assert!(requirements.unwrap().node_claim);
    // case 4: jobManager.replicas unset defaults to 1
    let case = flink(json!({"flinkConfiguration": slots("2"),
        "jobManager": manager(None, 1, "2048m"), "taskManager": manager(Some(2), 1, "2048m")}));
    assert_eq!(replicas(&case), (3, base.clone()));
    // case 5: no task manager replicas, parallelism or slots: 1 + 1
    let case = flink(json!({"flinkConfiguration": {}, "job": {},
        "jobManager": manager(Some(1), 1, "2048m"), "taskManager": manager(None, 1, "2048m")}));
    assert_eq!(replicas(&case), (2, base.clone()));
    // case 6: the larger cpu and memory (job manager)
    let case = flink(json!({"flinkConfiguration": slots("2"),
        "jobManager": manager(Some(1), 2, "4096m"), "taskManager": manager(Some(2), 1, "2048m")}));
    assert_eq!(
        replicas(&case),
        (3, requests(&[("cpu", "2"), ("memory", "4096m")]))
    );
    // case 7: the larger memory (task manager)
    let case = flink(json!({"flinkConfiguration": slots("2"),
        "jobManager": manager(Some(1), 1, "2048m"), "taskManager": manager(Some(2), 2, "8192m")}));
    assert_eq!(
        replicas(&case),
        (3, requests(&[("cpu", "2"), ("memory", "8192m")]))
    );
    // case 8: no jobManager: 1 + 2, the task manager's resources
    let case = flink(json!({"flinkConfiguration": slots("2"),
        "taskManager": manager(Some(2), 1, "2048m")}));
    assert_eq!(replicas(&case), (3, base.clone()));
    // case 9: zero task slots: no division, 1 task manager
    let case = flink(
        json!({"flinkConfiguration": slots("0"), "job": {"parallelism": 10},
        "jobManager": manager(Some(1), 1, "2048m"), "taskManager": manager(None, 1, "2048m")}),
    );
    assert_eq!(replicas(&case), (2, base));
}

fn ray_template(requests: &[(&str, &str)]) -> Value {
    let containers: Vec<Value> = requests
        .iter()
        .map(|(cpu, memory)| {
            json!({"name": "ray", "image": "rayproject/ray:2.9.0",
            "resources": {"requests": {"cpu": cpu, "memory": memory}}})
        })
        .collect();
    json!({"spec": {"containers": containers}})
}

fn ray_service(head: Value, workers: &[(Option<i64>, Value)]) -> Value {
    let groups: Vec<Value> = workers
        .iter()
        .map(|(replicas, template)| match replicas {
            Some(n) => json!({"groupName": "workers", "replicas": n, "template": template}),
            None => json!({"groupName": "workers", "template": template}),
        })
        .collect();
    object(
        "ray.io/v1",
        "RayService",
        json!({"rayClusterConfig": {"headGroupSpec": {"template": head}, "workerGroupSpecs": groups}}),
    )
}

/// RayService/testdata/interpretreplica-test.yaml, all seven cases.
#[test]
fn ray_service_get_replicas() {
    let t = ray_template;
    let cases = [
        // basic: head + one group of 3
        (
            ray_service(t(&[("2", "4Gi")]), &[(Some(3), t(&[("2", "4Gi")]))]),
            4,
            ("2", "4Gi"),
        ),
        // the largest resources come from the workers
        (
            ray_service(
                t(&[("1", "2Gi")]),
                &[
                    (Some(2), t(&[("2", "4Gi")])),
                    (Some(4), t(&[("8", "32Gi")])),
                ],
            ),
            7,
            ("8", "32Gi"),
        ),
        // head only
        (ray_service(t(&[("2", "4Gi")]), &[]), 1, ("2", "4Gi")),
        // the head's larger resources; a group of 0 still counts for resources
        (
            ray_service(
                t(&[("4", "16Gi")]),
                &[(Some(0), t(&[("1", "2Gi")])), (Some(3), t(&[("2", "4Gi")]))],
            ),
            4,
            ("4", "16Gi"),
        ),
        // several containers add up in the head's pod
        (
            ray_service(
                t(&[("2", "4Gi"), ("500m", "512Mi")]),
                &[(Some(2), t(&[("1", "2Gi")]))],
            ),
            3,
            ("2500m", "4608Mi"),
        ),
        // cpu and memory maxima from different pods
        (
            ray_service(t(&[("1", "16Gi")]), &[(Some(3), t(&[("8", "4Gi")]))]),
            4,
            ("8", "16Gi"),
        ),
    ];
    for (case, n, (cpu, memory)) in cases {
        assert_eq!(
            replicas(&case),
            (n, requests(&[("cpu", cpu), ("memory", memory)]))
        );
    }
    // the node selector and tolerations of the head make a node claim
    let mut head = t(&[("2", "8Gi")]);
    head["spec"]["nodeSelector"] = json!({"accelerator": "nvidia-a100"});
    let case = ray_service(head, &[(Some(2), t(&[("2", "8Gi")]))]);
    let (n, requirements) = get_replicas(&Replicas::RayService, &case).unwrap();
    assert_eq!(n, 3);
    assert!(requirements.unwrap().node_claim);
}

/// RayService/testdata/revisereplica-test.yaml, all six cases.
#[test]
fn ray_service_revise_replica() {
    let t = json!({"spec": {"containers": [{"name": "ray", "image": "rayproject/ray:2.9.0"}]}});
    let workers = |replicas: &[i64], to: i32| -> Vec<Value> {
        let groups: Vec<(Option<i64>, Value)> =
            replicas.iter().map(|n| (Some(*n), t.clone())).collect();
        let body = revised(&ray_service(t.clone(), &groups), to);
        body["spec"]["rayClusterConfig"]["workerGroupSpecs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["replicas"].clone())
            .collect()
    };
    assert_eq!(workers(&[3], 7), [json!(6)], "single worker group scaling");
    assert_eq!(
        workers(&[1, 2, 3], 13),
        [json!(2), json!(4), json!(6)],
        "proportional distribution"
    );
    assert_eq!(
        workers(&[0, 0], 7),
        [json!(3), json!(3)],
        "scale from 0 workers"
    );
    assert_eq!(workers(&[5], 0), [json!(0)], "scale to 0");
    assert_eq!(workers(&[], 5), Vec::<Value>::new(), "head only");
    assert_eq!(
        workers(&[4, 0], 9),
        [json!(8), json!(0)],
        "partial zero group"
    );
    // beyond the test data: the rounding can leave the last group negative, as the script does
    assert_eq!(
        workers(&[1, 1, 1, 1], 3),
        [json!(1), json!(1), json!(1), json!(-1)]
    );
}

// ---- GetDependencies ----

/// CloneSet/testdata/interpretdependency-test.yaml "CloneSet with configmap dependency".
#[test]
fn kruise_clone_set_dependencies() {
    let template = json!({"spec": {"volumes": [{"name": "configmap", "configMap": {"name": "my-sample-config"}}],
        "containers": [{"name": "nginx", "image": "nginx:alpine", "env": [
            {"name": "logData", "valueFrom": {"configMapKeyRef": {"name": "mysql-config", "key": "log"}}},
            {"name": "lowerData", "valueFrom": {"configMapKeyRef": {"name": "mysql-config", "key": "lower"}}}]}]}});
    let cloneset = object(
        "apps.kruise.io/v1alpha1",
        "CloneSet",
        json!({"replicas": 4, "template": template}),
    );
    assert_eq!(
        dependencies_of(&cloneset),
        named(&[
            (deps::CONFIG_MAP, "my-sample-config"),
            (deps::CONFIG_MAP, "mysql-config")
        ])
    );
}

/// StatefulSet (v1beta1), BroadcastJob, DaemonSet and UnitedDeployment interpretdependency-test.yaml:
/// "StatefulSet with configmap and secret dependency", "BroadcastJob with configmap and secret
/// dependency", "DaemonSet with secret dependency", "UnitedDeployment with configmap and secret
/// dependency".
#[test]
fn kruise_workloads_dependencies() {
    let template = json!({"spec": {"volumes": [{"name": "cm", "configMap": {"name": "app-config"}}],
        "containers": [{"name": "nginx", "image": "nginx:alpine", "env": [
            {"name": "TOKEN", "valueFrom": {"secretKeyRef": {"name": "api-secret", "key": "token"}}}]}]}});
    let want = named(&[
        (deps::CONFIG_MAP, "app-config"),
        (deps::SECRET, "api-secret"),
    ]);
    for (api_version, kind) in [
        ("apps.kruise.io/v1beta1", "StatefulSet"),
        ("apps.kruise.io/v1alpha1", "BroadcastJob"),
        ("apps.kruise.io/v1alpha1", "DaemonSet"),
        ("apps.kruise.io/v1alpha1", "UnitedDeployment"),
    ] {
        let o = object(api_version, kind, json!({"template": template}));
        assert_eq!(dependencies_of(&o), want, "{kind}");
    }
    // unlike apps/v1 StatefulSet, a claim named like a claim template stays a dependency
    let sts = object(
        "apps.kruise.io/v1beta1",
        "StatefulSet",
        json!({"template": {"spec": {"containers": [],
            "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": "data"}}]}},
            "volumeClaimTemplates": [{"metadata": {"name": "data"}}]}),
    );
    assert_eq!(
        dependencies_of(&sts),
        named(&[(deps::PERSISTENT_VOLUME_CLAIM, "data")])
    );
}

/// AdvancedCronJob/testdata/interpretdependency-test.yaml "AdvancedCronJob dependency broadcast job mixed".
#[test]
fn kruise_advanced_cron_job_dependencies() {
    let pod = json!({"spec": {"containers": [{"name": "app", "image": "myapp:latest", "env": [
            {"name": "DB_HOST", "valueFrom": {"configMapKeyRef": {"name": "db-config", "key": "host"}}},
            {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db-secret", "key": "password"}}}]}],
        "volumes": [{"name": "app-config", "configMap": {"name": "app-config"}},
            {"name": "tls-certs", "secret": {"secretName": "tls-secret"}}]}});
    let cron = object(
        "apps.kruise.io/v1alpha1",
        "AdvancedCronJob",
        json!({"schedule": "*/2 * * * *",
            "template": {"broadcastJobTemplate": {"spec": {"template": pod.clone()}}}}),
    );
    assert_eq!(
        dependencies_of(&cron),
        named(&[
            (deps::CONFIG_MAP, "app-config"),
            (deps::CONFIG_MAP, "db-config"),
            (deps::SECRET, "db-secret"),
            (deps::SECRET, "tls-secret"),
        ])
    );
    // both templates set: the broadcast job's wins, as the script assigns it last
    let both = object(
        "apps.kruise.io/v1alpha1",
        "AdvancedCronJob",
        json!({"template": {
            "jobTemplate": {"spec": {"template": container_env(json!([
                {"name": "X", "valueFrom": {"configMapKeyRef": {"name": "job-only", "key": "k"}}}]))}},
            "broadcastJobTemplate": {"spec": {"template": pod}}}}),
    );
    assert!(
        !dependencies_of(&both)
            .iter()
            .any(|(_, name)| name == "job-only")
    );
}

/// Workflow/testdata/interpretdependency-test.yaml, all three cases; then what the script reads that
/// its test data does not show.
#[test]
fn argo_workflow_dependencies() {
    let wf = |spec: Value| object("argoproj.io/v1alpha1", "Workflow", spec);
    assert!(dependencies_of(&wf(json!({"parallelism": 1, "templates": []}))).is_empty());
    assert_eq!(
        dependencies_of(&wf(json!({"volumes": [{"name": "workdir",
            "persistentVolumeClaim": {"claimName": "my-existing-volume"}}],
            "serviceAccountName": "my-service-account"}))),
        named(&[
            (deps::PERSISTENT_VOLUME_CLAIM, "my-existing-volume"),
            (deps::SERVICE_ACCOUNT, "my-service-account"),
        ])
    );
    assert_eq!(
        dependencies_of(&wf(json!({"volumes": [{"name": "config-volume",
            "configMap": {"name": "workflow-config"}}]}))),
        named(&[(deps::CONFIG_MAP, "workflow-config")])
    );
    // claim templates and the executor's account are dependencies; a secret volume is not (the script
    // reads `secret.name`), nor are the templates' containers
    assert_eq!(
        dependencies_of(&wf(json!({
            "volumeClaimTemplates": [{"metadata": {"name": "work"}}],
            "executor": {"serviceAccountName": "default"},
            "volumes": [{"name": "s", "secret": {"secretName": "mounted"}}],
            "templates": [{"name": "t", "container": {"image": "i",
                "envFrom": [{"configMapRef": {"name": "ignored"}}]}}]}))),
        named(&[
            (deps::SERVICE_ACCOUNT, "default"),
            (deps::PERSISTENT_VOLUME_CLAIM, "work"),
        ])
    );
}

/// PyTorchJob/testdata/interpretdependency-test.yaml "PyTorchJob with multiple dependencies from both
/// Master and Worker", "PyTorchJob with default ServiceAccount (should not be included)".
#[test]
fn kubeflow_pytorch_job_dependencies() {
    let replica = |env: Value| {
        json!({"replicas": 1, "template": {"spec": {"serviceAccountName": "pytorch-service-account",
            "containers": [{"name": "pytorch", "image": "pytorch", "env": env}],
            "volumes": [{"name": "training-data", "persistentVolumeClaim": {"claimName": "training-data-pvc"}}]}}})
    };
    let job = object(
        "kubeflow.org/v1",
        "PyTorchJob",
        json!({"pytorchReplicaSpecs": {
            "Master": replica(json!([{"name": "C", "valueFrom": {"configMapKeyRef": {"name": "pytorch-config", "key": "config"}}}])),
            "Worker": replica(json!([{"name": "S", "valueFrom": {"secretKeyRef": {"name": "pytorch-secret", "key": "secret"}}}]))}}),
    );
    assert_eq!(
        dependencies_of(&job),
        named(&[
            (deps::SERVICE_ACCOUNT, "pytorch-service-account"),
            (deps::CONFIG_MAP, "pytorch-config"),
            (deps::PERSISTENT_VOLUME_CLAIM, "training-data-pvc"),
            (deps::SECRET, "pytorch-secret"),
        ])
    );
    let default_account = object(
        "kubeflow.org/v1",
        "PyTorchJob",
        json!({"pytorchReplicaSpecs": {"Master": {"template": {"spec": {
            "serviceAccountName": "default", "containers": [{"name": "p", "image": "i"}]}}}}}),
    );
    assert!(dependencies_of(&default_account).is_empty());
    // a PyTorchJob has no replicas for Karmada (componentResource only, its feature gate off)
    assert!(
        built_in("kubeflow.org/v1", "PyTorchJob")
            .unwrap()
            .replicas
            .is_none()
    );
}

/// TFJob/testdata/interpretdependency-test.yaml "TFJob with all replica types".
#[test]
fn kubeflow_tf_job_dependencies() {
    let spec = |extra: Value| {
        let mut pod = json!({"serviceAccountName": "tfjob-sa", "containers": [{"name": "tensorflow", "image": "tf"}]});
        pod.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        json!({"replicas": 1, "template": {"spec": pod}})
    };
    let env = |kind: &str, name: &str| {
        json!({"containers": [{"name": "tensorflow", "image": "tf",
            "env": [{"name": "X", "valueFrom": {kind: {"name": name, "key": "k"}}}]}]})
    };
    let job = object(
        "kubeflow.org/v1",
        "TFJob",
        json!({"tfReplicaSpecs": {
            "PS": spec(env("configMapKeyRef", "tfjob-config")),
            "Worker": spec(env("secretKeyRef", "tfjob-secret")),
            "Chief": spec(json!({"volumes": [{"name": "d", "persistentVolumeClaim": {"claimName": "data-pvc"}}]})),
            "Master": spec(json!({})),
            "Evaluator": spec(json!({}))}}),
    );
    assert_eq!(
        dependencies_of(&job),
        named(&[
            (deps::SERVICE_ACCOUNT, "tfjob-sa"),
            (deps::CONFIG_MAP, "tfjob-config"),
            (deps::PERSISTENT_VOLUME_CLAIM, "data-pvc"),
            (deps::SECRET, "tfjob-secret"),
        ])
    );
}

/// RayJob/testdata/interpretdependency-test.yaml "RayJob with submitter pod template dependencies",
/// "RayJob with worker group dependencies".
#[test]
fn ray_job_dependencies() {
    let job = object(
        "ray.io/v1",
        "RayJob",
        json!({"entrypoint": "python /home/ray/script.py",
            "submitterPodTemplate": {"spec": {"serviceAccountName": "submitter-sa",
                "containers": [{"name": "ray-job-submitter", "image": "rayproject/ray:2.9.0"}]}},
            "rayClusterSpec": {"headGroupSpec": {"template": {"spec": {"containers": [{"name": "ray-head", "image": "ray"}]}}},
                "workerGroupSpecs": [{"groupName": "w", "template": {"spec": {"containers": [{"name": "w", "image": "ray",
                    "envFrom": [{"configMapRef": {"name": "worker-settings"}}]}]}}}]}}),
    );
    assert_eq!(
        dependencies_of(&job),
        named(&[
            (deps::SERVICE_ACCOUNT, "submitter-sa"),
            (deps::CONFIG_MAP, "worker-settings")
        ])
    );
}

/// RayService/testdata/interpretdependency-test.yaml "RayService with head group dependencies".
#[test]
fn ray_service_dependencies() {
    let head = json!({"spec": {"serviceAccountName": "ray-head-sa",
        "imagePullSecrets": [{"name": "docker-registry-secret"}],
        "volumes": [{"name": "serve-config", "configMap": {"name": "serve-config-cm"}},
            {"name": "model-weights", "persistentVolumeClaim": {"claimName": "model-pvc"}}],
        "containers": [{"name": "ray-head", "image": "ray",
            "env": [{"name": "API_KEY", "valueFrom": {"secretKeyRef": {"name": "api-secrets", "key": "api-key"}}}],
            "envFrom": [{"configMapRef": {"name": "env-config-cm"}}, {"secretRef": {"name": "env-secrets"}}]}]}});
    assert_eq!(
        dependencies_of(&ray_service(head, &[])),
        named(&[
            (deps::CONFIG_MAP, "serve-config-cm"),
            (deps::CONFIG_MAP, "env-config-cm"),
            (deps::SECRET, "docker-registry-secret"),
            (deps::SECRET, "api-secrets"),
            (deps::SECRET, "env-secrets"),
            (deps::SERVICE_ACCOUNT, "ray-head-sa"),
            (deps::PERSISTENT_VOLUME_CLAIM, "model-pvc"),
        ])
    );
}

/// HelmRelease/testdata/dependencyInterpretation-test.yaml "HelmRelease with all dependency types should
/// return all dependencies"; then Karmada's validation of an empty `valuesFrom` name.
#[test]
fn flux_helm_release_dependencies() {
    let release = |values_from: Value| {
        object(
            "helm.toolkit.fluxcd.io/v2beta1",
            "HelmRelease",
            json!({"valuesFrom": values_from,
                "chart": {"spec": {"chart": "./charts/podinfo", "verify": {"secretRef": {"name": "verify-secret"}}}},
                "kubeConfig": {"secretRef": {"name": "kubeconfig-secret"}},
                "serviceAccountName": "my-serviceaccount"}),
        )
    };
    assert_eq!(
        dependencies_of(&release(json!([
            {"kind": "Secret", "name": "values-secret"},
            {"kind": "ConfigMap", "name": "values-configmap"}]))),
        named(&[
            (deps::CONFIG_MAP, "values-configmap"),
            (deps::SECRET, "kubeconfig-secret"),
            (deps::SECRET, "values-secret"),
            (deps::SECRET, "verify-secret"),
            (deps::SERVICE_ACCOUNT, "my-serviceaccount"),
        ])
    );
    assert!(dependencies_of(&release(json!([{"kind": "Secret", "name": ""}]))).is_empty());
}

/// Kustomization/testdata/dependencyinterpretation-test.yaml "Kustomization with empty secretRef name",
/// "Kustomization with same secret name in decryption and kubeConfig".
#[test]
fn flux_kustomization_dependencies() {
    let k = |spec: Value| object("kustomize.toolkit.fluxcd.io/v1", "Kustomization", spec);
    assert_eq!(
        dependencies_of(&k(json!({"decryption": {"secretRef": {"name": ""}},
            "serviceAccountName": "my-service-account"}))),
        named(&[(deps::SERVICE_ACCOUNT, "my-service-account")])
    );
    assert_eq!(
        dependencies_of(&k(
            json!({"decryption": {"secretRef": {"name": "shared-secret"}},
            "kubeConfig": {"secretRef": {"name": "shared-secret"}},
            "serviceAccountName": "my-service-account"})
        )),
        named(&[
            (deps::SECRET, "shared-secret"),
            (deps::SERVICE_ACCOUNT, "my-service-account")
        ])
    );
}

/// GitRepository, Bucket, HelmChart, HelmRepository and OCIRepository interpretdependency-test.yaml:
/// "GitRepository with secretRef and certSecretRef", "GitRepository with empty secretRef names", "Bucket
/// with secretRef dependency", "HelmChart with verify.secretRef dependency", "HelmRepository with
/// secretRef", "OCIRepository with duplicate secret references".
#[test]
fn flux_sources_dependencies() {
    let git = |spec: Value| object("source.toolkit.fluxcd.io/v1", "GitRepository", spec);
    assert_eq!(
        dependencies_of(&git(
            json!({"secretRef": {"name": "git-secret"}, "certSecretRef": {"name": "cert-secret"}})
        )),
        named(&[(deps::SECRET, "git-secret")])
    );
    assert!(
        dependencies_of(&git(
            json!({"secretRef": {"name": ""}, "verify": {"secretRef": {"name": ""}}})
        ))
        .is_empty()
    );
    let v1beta2 = |kind: &str, spec: Value| object("source.toolkit.fluxcd.io/v1beta2", kind, spec);
    assert_eq!(
        dependencies_of(&v1beta2(
            "Bucket",
            json!({"secretRef": {"name": "bucket-secret"}})
        )),
        named(&[(deps::SECRET, "bucket-secret")])
    );
    assert_eq!(
        dependencies_of(&v1beta2(
            "HelmChart",
            json!({"verify": {"secretRef": {"name": "cosign-public-key"}}})
        )),
        named(&[(deps::SECRET, "cosign-public-key")])
    );
    assert_eq!(
        dependencies_of(&v1beta2(
            "HelmRepository",
            json!({"secretRef": {"name": "repo-secret"}})
        )),
        named(&[(deps::SECRET, "repo-secret")])
    );
    let oci = |spec: Value| v1beta2("OCIRepository", spec);
    assert_eq!(
        dependencies_of(&oci(json!({"secretRef": {"name": "shared-secret"},
            "verify": {"secretRef": {"name": "shared-secret"}}, "serviceAccountName": ""}))),
        named(&[(deps::SECRET, "shared-secret")])
    );
    // without `serviceAccountName` the script indexes a table with nil and fails: nothing propagates
    assert!(dependencies_of(&oci(json!({"secretRef": {"name": "oci-secret"}}))).is_empty());
    // a reference object without a name fails the same way
    assert!(
        dependencies_of(&git(
            json!({"secretRef": {}, "verify": {"secretRef": {"name": "v"}}})
        ))
        .is_empty()
    );
}

#[test]
fn field_names_and_pointers() {
    assert_eq!(field_name("/spec/replicas"), "spec.replicas");
    assert_eq!(
        field_name("/spec/workerGroupSpecs/0/replicas"),
        "spec.workerGroupSpecs[0].replicas"
    );
    let o = json!({"spec": {"a": {}}});
    assert_eq!(parent_present(&o, "/spec/a/b/c"), "/spec/a");
    assert_eq!(parent_present(&o, "/status/x"), "");
    let mut no_spec = json!({"metadata": {}});
    let failure = apply_revise(&Revise::Field("/spec/replicas"), &mut no_spec, 2).unwrap_err();
    assert_eq!(failure.pointer, "");
    assert!(failure.message.starts_with("`spec` is absent"));
}

// ---- failures, located ----

/// A claimed CloneSet without `replicas` and a BroadcastJob with a percentage: Karmada's GetReplicas
/// fails, so they are errors at the field; an unclaimed one is nobody's business.
#[test]
fn failing_get_replicas_is_a_located_error_for_claimed_objects() {
    let yaml = format!(
        "{}---\napiVersion: apps.kruise.io/v1alpha1\nkind: CloneSet\nmetadata: {{name: web, namespace: ns}}\nspec:\n  template: {{spec: {{containers: []}}}}\n\
         ---\napiVersion: apps.kruise.io/v1alpha1\nkind: BroadcastJob\nmetadata: {{name: warm, namespace: ns}}\nspec:\n  parallelism: 50%\n\
         ---\napiVersion: apps.kruise.io/v1alpha1\nkind: CloneSet\nmetadata: {{name: other, namespace: elsewhere}}\nspec: {{}}\n\
         ---\napiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata: {{name: p, namespace: ns}}\nspec:\n  resourceSelectors:\n    - {{apiVersion: apps.kruise.io/v1alpha1, kind: CloneSet}}\n    - {{apiVersion: apps.kruise.io/v1alpha1, kind: BroadcastJob}}\n  placement: {{}}\n",
        crate::place::tests::cluster("a", "r", "", "")
    );
    let model = crate::place::tests::model(&yaml);
    let (_, diagnostics) = crate::place::place(&model);
    let found: Vec<(u32, &str)> = diagnostics
        .iter()
        .map(|d| (d.span.unwrap().start.line, d.message.as_str()))
        .collect();
    assert_eq!(found.len(), 2, "{found:?}");
    let job = found
        .iter()
        .find(|(_, m)| m.contains("BroadcastJob"))
        .unwrap();
    assert!(
        job.1
            .starts_with("`BroadcastJob ns/warm`: `spec.parallelism` is the string `50%`"),
        "{found:?}"
    );
    // located at the value, in the YAML (the cluster takes the first lines)
    assert_eq!(
        yaml.lines().nth(job.0 as usize - 1).unwrap().trim(),
        "parallelism: 50%"
    );
    let cloneset = found
        .iter()
        .find(|(_, m)| m.contains("CloneSet ns/web"))
        .unwrap();
    assert!(
        cloneset.1.contains("`spec.replicas` is absent"),
        "{}",
        cloneset.1
    );
    assert!(cloneset.1.ends_with(&format!(
        "its GetReplicas fails (Karmada's built-in interpreter `{CUSTOMIZATIONS_DIR}/apps.kruise.io/v1alpha1/CloneSet`), so Karmada never propagates it"
    )));
}

// ---- a repository's ResourceInterpreterCustomization ----

fn customization(name: &str, api_version: &str, kind: &str, hooks: &str) -> String {
    format!(
        "---\napiVersion: config.karmada.io/v1alpha1\nkind: ResourceInterpreterCustomization\nmetadata: {{name: {name}}}\nspec:\n  target: {{apiVersion: {api_version}, kind: {kind}}}\n  customizations:\n{hooks}"
    )
}

fn hook(name: &str, script: &str) -> String {
    let body: String = script.lines().map(|l| format!("        {l}\n")).collect();
    format!("    {name}:\n      luaScript: |\n{body}")
}

/// Karmada asks the repository's customization before its built-in ones: a CloneSet whose replicas the
/// repository declares at `spec.size` is divided and revised there; dependency scripts of several
/// customizations add up; an empty script is no script.
#[test]
fn declared_customizations_come_first() {
    let cloneset = "---\napiVersion: apps.kruise.io/v1alpha1\nkind: CloneSet\nmetadata: {name: web, namespace: ns}\nspec:\n  replicas: 9\n  size: 4\n  template:\n    spec:\n      serviceAccountName: web\n      containers: [{name: c, image: i, envFrom: [{configMapRef: {name: extra}}]}]\n  sidecar:\n    spec:\n      containers: [{name: s, image: i, envFrom: [{secretRef: {name: side}}]}]\n";
    let yaml = [
        cloneset.to_owned(),
        customization(
            "a",
            "apps.kruise.io/v1alpha1",
            "CloneSet",
            &(hook(
                "replicaResource",
                "function GetReplicas(obj)\n  return obj.spec.size\nend",
            ) + &hook(
                "replicaRevision",
                "function ReviseReplica(obj, n)\n  obj.spec.size = n\n  return obj\nend",
            ) + &hook(
                "dependencyInterpretation",
                "local kube = require(\"kube\")\nfunction GetDependencies(o)\n  return kube.getPodDependencies(o.spec.sidecar, o.metadata.namespace)\nend",
            )),
        ),
        customization(
            "b",
            "apps.kruise.io/v1alpha1",
            "CloneSet",
            &(hook(
                "dependencyInterpretation",
                "local kube = require(\"kube\")\nfunction GetDependencies(o)\n  return kube.getPodDependencies(o.spec.template, o.metadata.namespace)\nend",
            ) + "    healthInterpretation: {luaScript: \"\"}\n"),
        ),
    ]
    .concat();
    let model = crate::place::tests::model(&yaml);
    let resource = &model.resources[0];
    let b = binding(&model, resource);
    assert_eq!((b.replicas, b.requirements, b.workload), (4, None, true));
    let mut body = resource.body.clone();
    revise(&model, resource, &mut body, 2);
    assert_eq!(
        (&body["spec"]["size"], &body["spec"]["replicas"]),
        (&json!(2), &json!(9))
    );
    let mut found: Vec<_> = dependencies(&model, &resource.body, "ns")
        .into_iter()
        .map(|d| (d.kind, d.name))
        .collect();
    found.sort();
    assert_eq!(
        found,
        named(&[
            (deps::CONFIG_MAP, "extra"),
            (deps::SECRET, "side"),
            (deps::SERVICE_ACCOUNT, "web")
        ])
    );
}

/// A declared replica path the object lacks: Lua returns nil, GetReplicas fails, an error at the object.
#[test]
fn a_declared_path_the_object_lacks_is_a_located_error() {
    let yaml = format!(
        "{}---\napiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {{name: web, namespace: ns}}\nspec:\n  template: {{}}\n{}---\napiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata: {{name: p, namespace: ns}}\nspec:\n  resourceSelectors: [{{apiVersion: argoproj.io/v1alpha1, kind: Rollout}}]\n  placement: {{}}\n",
        crate::place::tests::cluster("a", "r", "", ""),
        customization(
            "rollout",
            "argoproj.io/v1alpha1",
            "Rollout",
            &hook(
                "replicaResource",
                "function GetReplicas(obj)\n  return obj.spec.replicas\nend"
            )
        )
    );
    let model = crate::place::tests::model(&yaml);
    let (_, diagnostics) = crate::place::place(&model);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(
        diagnostics[0].message,
        "`Rollout ns/web`: `spec.replicas` is absent (nothing in Karmada's control plane defaults it); its GetReplicas fails (ResourceInterpreterCustomization `rollout`), so Karmada never propagates it"
    );
}

/// Without a ReviseReplica anywhere (only the repository's GetReplicas), Karmada sends every cluster the
/// object whole, even when it has a `spec.replicas`; the native interpreter only revises Deployments,
/// ReplicaSets, StatefulSets and Jobs.
#[test]
fn no_revise_hook_means_the_object_is_received_whole() {
    let yaml = format!(
        "---\napiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {{name: web, namespace: ns}}\nspec:\n  replicas: 4\n  template: {{}}\n{}",
        customization(
            "rollout",
            "argoproj.io/v1alpha1",
            "Rollout",
            &hook(
                "replicaResource",
                "function GetReplicas(obj)\n  return obj.spec.replicas\nend"
            )
        )
    );
    let model = crate::place::tests::model(&yaml);
    let resource = &model.resources[0];
    assert_eq!(binding(&model, resource).replicas, 4);
    let mut body = resource.body.clone();
    revise(&model, resource, &mut body, 2);
    assert_eq!(body, resource.body);
}

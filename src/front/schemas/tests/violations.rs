//! What each kind of violation reads as: unknown and unsupported fields, wrong types, bad
//! quantities and enums, limits, secrets kept out of messages, and the order of the errors.

use super::*;

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
fn karmada_fields_are_accepted_refused_or_checked_as_the_readme_table_says() {
    // accepted (run-time behaviour, noted) with their real structure: a typo inside is still caught
    for (pointer, value) in [
        (
            "/spec/failover",
            json!({"application": {"decisionConditions": {"tolerationSeconds": 60}, "purgeMode": "Gracefully"}}),
        ),
        ("/spec/preemption", json!("Always")),
        ("/spec/association", json!(true)),
        ("/spec/activationPreference", json!("Lazy")),
        (
            "/spec/schedulePriority",
            json!({"priorityClassSource": "KubePriorityClass", "priorityClassName": "high"}),
        ),
        (
            "/spec/suspension",
            json!({"dispatchingOnClusters": {"clusterNames": ["a"]}}),
        ),
        ("/spec/dependentOverrides", json!(["web-overrides"])),
    ] {
        let policy = with(full_propagation_policy(), pointer, value);
        assert_valid(SchemaKind::PropagationPolicy, &policy);
    }
    let typo = with(
        full_propagation_policy(),
        "/spec/failover",
        json!({"application": {"decisionConditions": {"tolerationSecond": 60}}}),
    );
    let found = single(SchemaKind::PropagationPolicy, &typo);
    assert!(found.message.contains("tolerationSecond"), "{found:?}");
    // refused, saying why
    let policy = with(
        full_propagation_policy(),
        "/spec/placement/workloadAffinity",
        json!({"affinity": {"groupByLabelKey": "app"}}),
    );
    assert_error(
        &single(SchemaKind::PropagationPolicy, &policy),
        "/spec/placement/workloadAffinity",
        "`workloadAffinity` is refused: it places a workload by where other workloads already run (Karmada's scheduling order), which fanout cannot know offline",
        Some("workloadAffinity"),
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
    let found = errors(SchemaKind::Resource, &claim);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert_error(
        &found[0],
        &format!("{spec}/volumes/3/persistentVolumeClaim"),
        "missing field `claimName`",
        None,
    );
    assert_error(
        &found[1],
        &format!("{spec}/volumes/3/persistentVolumeClaim/name"),
        "unknown field `name`",
        Some("name"),
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
    let cron = json!({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "c"}, "spec": {"schedule": "@daily", "jobTemplate": {"spec": {}}}});
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
    // Karmada's CRD admits any operator string; its webhook refuses `Lt`/`Gt`, which fanout's semantic
    // checks do (model::checks::toleration), so the schema admits both.
    let toleration = with(full_propagation_policy(), pointer, json!("Gt"));
    assert_valid(SchemaKind::PropagationPolicy, &toleration);
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

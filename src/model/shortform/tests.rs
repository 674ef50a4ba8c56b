use super::*;

fn short(yaml_spec: serde_json::Value, kind: &str) -> ShortForm {
    serde_json::from_value(json!({
        "kind": kind,
        "metadata": {"name": "web", "namespace": "shop", "labels": {"team": "a"}},
        "spec": yaml_spec,
    }))
    .unwrap()
}

#[test]
fn deployment_expansion() {
    let sf = short(
        json!({
            "replicas": 3, "paused": true, "restartedAt": "2026-01-01T00:00:00Z", "description": "d",
            "template": {"metadata": {"labels": {"tier": "fe"}}, "spec": {"containers": [{"name": "c", "image": "i"}]}}
        }),
        DEPLOYMENT_KIND,
    );
    let e = sf.expand(4).unwrap();
    let w = &e.workload;
    assert_eq!(w["kind"], "Deployment");
    assert_eq!(w["spec"]["replicas"], 3);
    assert_eq!(w["spec"]["paused"], true);
    assert_eq!(w["spec"]["selector"]["matchLabels"][NAME_LABEL], "web");
    assert_eq!(w["metadata"]["labels"]["team"], "a");
    assert_eq!(w["metadata"]["annotations"][DESCRIPTION_ANNOTATION], "d");
    let pod_labels = &w["spec"]["template"]["metadata"]["labels"];
    assert_eq!(
        (
            pod_labels["tier"].as_str(),
            pod_labels[NAME_LABEL].as_str(),
            pod_labels["team"].as_str()
        ),
        (Some("fe"), Some("web"), Some("a"))
    );
    assert_eq!(
        w["spec"]["template"]["metadata"]["annotations"][RESTARTED_AT_ANNOTATION],
        "2026-01-01T00:00:00Z"
    );
    assert_eq!(e.propagation.spec.resource_selectors[0].name, "web");
    assert_eq!(
        e.propagation
            .spec
            .placement
            .replica_scheduling
            .unwrap()
            .replica_scheduling_type,
        "Duplicated"
    );
    assert!(e.overrides.is_none());
}

#[test]
fn job_expansion_and_defaults() {
    let sf = short(
        json!({"completions": 5, "timeoutSeconds": 60, "suspend": true,
               "template": {"spec": {"containers": [{"name": "c", "image": "i"}]}}}),
        JOB_KIND,
    );
    let w = sf.expand(1).unwrap().workload;
    assert_eq!(w["kind"], "Job");
    assert_eq!(w["spec"]["parallelism"], 1);
    assert_eq!(w["spec"]["completions"], 5);
    assert_eq!(w["spec"]["activeDeadlineSeconds"], 60);
    assert_eq!(w["spec"]["suspend"], true);
    assert_eq!(w["spec"]["template"]["spec"]["restartPolicy"], "Never");
    assert!(w["spec"].get("selector").is_none());
}

#[test]
fn conflicting_restart_policies_are_a_problem() {
    let sf = short(
        json!({"restartPolicy": "OnFailure", "template": {"spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "i"}]}}}),
        JOB_KIND,
    );
    let problems = sf.expand(1).unwrap_err();
    assert_eq!(problems[0].0, "/spec/restartPolicy");
}

#[test]
fn placement_maps_to_karmada_fields() {
    let sf = short(
        json!({
            "placement": {
                "clusterNames": ["a", "b"], "providers": ["aws"], "regions": ["r"], "zones": ["z"],
                "labels": [{"key": "env", "operator": "In", "values": "prod; staging;"}, {"key": "gpu", "operator": "Exists"}],
                "exclude": ["c"], "spread": {"regions": {"minGroups": 2, "maxGroups": 3}}
            },
            "scheduling": {"type": "StaticWeight", "weights": {"b": 1, "a": 2}},
            "template": {"spec": {"containers": [{"name": "c", "image": "i"}]}}
        }),
        DEPLOYMENT_KIND,
    );
    let p = sf.expand(5).unwrap().propagation.spec.placement;
    let a = p.cluster_affinity.unwrap();
    assert_eq!(a.cluster_names, vec!["a", "b"]);
    assert_eq!(a.exclude, vec!["c"]);
    let fields: Vec<(String, Vec<String>)> = a
        .field_selector
        .unwrap()
        .match_expressions
        .into_iter()
        .map(|r| (r.key, r.values))
        .collect();
    assert_eq!(
        fields,
        vec![
            ("provider".into(), vec!["aws".into()]),
            ("region".into(), vec!["r".into()]),
            ("zone".into(), vec!["z".into()])
        ]
    );
    let labels = a.label_selector.unwrap().match_expressions;
    assert_eq!(labels[0].values, vec!["prod", "staging"]);
    assert!(labels[1].values.is_empty());
    let spread: Vec<(String, i32, i32)> = p
        .spread_constraints
        .into_iter()
        .map(|s| (s.spread_by_field, s.min_groups, s.max_groups))
        .collect();
    assert_eq!(
        spread,
        vec![("region".into(), 2, 3), ("cluster".into(), 2, 5)]
    );
    let rs = p.replica_scheduling.unwrap();
    assert_eq!(
        (
            rs.replica_scheduling_type.as_str(),
            rs.replica_division_preference.as_str()
        ),
        ("Divided", "Weighted")
    );
    let weights: Vec<(Vec<String>, i64)> = rs
        .weight_preference
        .unwrap()
        .static_weight_list
        .into_iter()
        .map(|w| (w.target_cluster.cluster_names, w.weight))
        .collect();
    assert_eq!(weights, vec![(vec!["a".into()], 2), (vec!["b".into()], 1)]);
}

#[test]
fn overrides_become_json_patches_and_map_overriders() {
    let sf = short(
        json!({
            "template": {"spec": {"containers": [
                {"name": "side", "image": "s"},
                {"name": "app", "image": "i", "env": [{"name": "A", "value": "1"}]}
            ]}},
            "overrides": [
                {"clusters": ["x"], "container": "app", "image": "j", "env": [{"name": "A", "value": "2"}, {"name": "B", "value": "3"}], "labels": {"l": "v"}},
                {"clusters": ["y"], "env": [{"name": "C", "value": "4"}, {"name": "D", "value": "5"}]},
                {"clusters": ["z"], "container": "nope", "image": "k"}
            ]
        }),
        DEPLOYMENT_KIND,
    );
    let problems = sf.expand(1).unwrap_err();
    assert_eq!(
        problems,
        vec![(
            "/spec/overrides/2/container".to_string(),
            "the pod template has no container `nope`".to_string()
        )]
    );
    let mut ok = sf.clone();
    ok.spec.overrides.pop();
    let rules = ok.expand(1).unwrap().overrides.unwrap().spec.override_rules;
    let paths = |i: usize| -> Vec<(String, String)> {
        rules[i]
            .overriders
            .plaintext
            .iter()
            .map(|p| (p.operator.clone(), p.path.clone()))
            .collect()
    };
    assert_eq!(
        paths(0),
        vec![
            (
                "replace".into(),
                "/spec/template/spec/containers/1/image".into()
            ),
            (
                "replace".into(),
                "/spec/template/spec/containers/1/env/0".into()
            ),
            (
                "add".into(),
                "/spec/template/spec/containers/1/env/-".into()
            ),
        ]
    );
    assert_eq!(
        paths(1),
        vec![
            ("add".into(), "/spec/template/spec/containers/0/env".into()),
            (
                "add".into(),
                "/spec/template/spec/containers/0/env/-".into()
            ),
        ]
    );
    assert_eq!(rules[0].overriders.labels_overrider[0].operator, "add");
    assert_eq!(
        rules[1].target_cluster.as_ref().unwrap().cluster_names,
        vec!["y"]
    );
}

#[test]
fn a_given_selector_is_the_deployments_and_the_pods_keep_exactly_their_labels() {
    let sf = short(
        json!({
            "selector": {
                "matchLabels": {"app": "web"},
                "matchExpressions": [
                    {"key": "tier", "operator": "In", "values": ["fe", "frontend"]},
                    {"key": "canary", "operator": "DoesNotExist"},
                    {"key": "team", "operator": "Exists", "values": []}
                ]
            },
            "template": {"metadata": {"labels": {"tier": "fe"}}, "spec": {"containers": [{"name": "c", "image": "i"}]}}
        }),
        DEPLOYMENT_KIND,
    );
    let w = sf.expand(1).unwrap().workload;
    assert_eq!(
        w["spec"]["selector"],
        json!({
            "matchLabels": {"app": "web"},
            "matchExpressions": [
                {"key": "tier", "operator": "In", "values": ["fe", "frontend"]},
                {"key": "canary", "operator": "DoesNotExist"},
                {"key": "team", "operator": "Exists"}
            ]
        })
    );
    // The workload's labels, the template's, the selector's; no name label the live pods would lack.
    assert_eq!(
        w["spec"]["template"]["metadata"]["labels"],
        json!({"team": "a", "tier": "fe", "app": "web"})
    );
    // The Deployment itself still carries the name label.
    assert_eq!(
        w["metadata"]["labels"],
        json!({NAME_LABEL: "web", "team": "a"})
    );
}

#[test]
fn the_name_label_is_on_the_pods_when_given_and_may_differ_from_the_name() {
    let sf = short(
        json!({
            "selector": {"matchLabels": {NAME_LABEL: "legacy-web"}},
            "template": {"spec": {"containers": [{"name": "c", "image": "i"}]}}
        }),
        DEPLOYMENT_KIND,
    );
    let w = sf.expand(1).unwrap().workload;
    assert_eq!(
        w["spec"]["selector"],
        json!({"matchLabels": {NAME_LABEL: "legacy-web"}})
    );
    assert_eq!(
        w["spec"]["template"]["metadata"]["labels"],
        json!({"team": "a", NAME_LABEL: "legacy-web"})
    );
    assert_eq!(w["metadata"]["labels"][NAME_LABEL], "web");
}

#[test]
fn a_selector_the_pods_do_not_satisfy_is_a_located_problem() {
    let sf = short(
        json!({
            "selector": {
                "matchLabels": {"team": "b", "app.kubernetes.io/part-of": "shop", "tier": "be"},
                "matchExpressions": [
                    {"key": "zone", "operator": "In", "values": ["x"]},
                    {"key": "tier", "operator": "In", "values": ["fe"]},
                    {"key": "tier", "operator": "NotIn", "values": ["be", "fe"]},
                    {"key": "gpu", "operator": "Exists"},
                    {"key": "team", "operator": "DoesNotExist"},
                    {"key": "canary", "operator": "NotIn", "values": ["true"]}
                ]
            },
            "template": {"metadata": {"labels": {"tier": "fe"}}, "spec": {"containers": [{"name": "c", "image": "i"}]}}
        }),
        DEPLOYMENT_KIND,
    );
    let problems = sf.expand(1).unwrap_err();
    let expected = [
        (
            "/spec/selector/matchLabels/team",
            "the selector requires `team=b` but `metadata.labels` labels the pods `team=a`; a Deployment must select its own pods",
        ),
        (
            "/spec/selector/matchLabels/tier",
            "the selector requires `tier=be` but `template.metadata.labels` labels the pods `tier=fe`; a Deployment must select its own pods",
        ),
        (
            "/spec/selector/matchExpressions/0",
            "the selector requires `zone in (x)` but the pods have no label `zone`: add it to `template.metadata.labels`; a Deployment must select its own pods",
        ),
        (
            "/spec/selector/matchExpressions/2",
            "the selector requires `tier notin (be,fe)` but the pods are labelled `tier=fe`; a Deployment must select its own pods",
        ),
        (
            "/spec/selector/matchExpressions/3",
            "the selector requires `gpu` but the pods have no label `gpu`: add it to `template.metadata.labels`; a Deployment must select its own pods",
        ),
        (
            "/spec/selector/matchExpressions/4",
            "the selector requires `!team` but the pods are labelled `team=a`; a Deployment must select its own pods",
        ),
    ];
    assert_eq!(
        problems,
        expected.map(|(p, m)| (p.to_owned(), m.to_owned()))
    );
}

#[test]
fn an_empty_selector_is_a_problem_and_a_job_has_none() {
    let template = json!({"spec": {"containers": [{"name": "c", "image": "i"}]}});
    let sf = short(
        json!({"selector": {"matchLabels": {}}, "template": template}),
        DEPLOYMENT_KIND,
    );
    let problems = sf.expand(1).unwrap_err();
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].0, "/spec/selector");
    assert!(problems[0].1.starts_with("the selector is empty"));
    // A Job's selector is Kubernetes' (the checks report the field); the pods keep the name label.
    let sf = short(
        json!({"selector": {"matchLabels": {"app": "x"}}, "template": template}),
        JOB_KIND,
    );
    let w = sf.expand(1).unwrap().workload;
    assert!(w["spec"].get("selector").is_none());
    assert_eq!(
        w["spec"]["template"]["metadata"]["labels"],
        json!({NAME_LABEL: "web", "team": "a"})
    );
}

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

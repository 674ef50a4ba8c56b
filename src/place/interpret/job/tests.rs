use super::*;
use serde_json::json;

fn job(spec: Value) -> Value {
    json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j"}, "spec": spec})
}

/// `SetDefaults_Job`: neither count → both 1; no parallelism → 1, completions untouched.
#[test]
fn counts_follow_the_api_server_defaults() {
    let table = [
        (json!({}), (1, Some(1))),
        (
            json!({"parallelism": null, "completions": null}),
            (1, Some(1)),
        ),
        (json!({"completions": 4}), (1, Some(4))),
        (json!({"parallelism": 3}), (3, None)),
        (json!({"parallelism": 2, "completions": 6}), (2, Some(6))),
        (json!({"parallelism": 0}), (0, None)),
        (json!({"parallelism": 5_000_000_000_i64}), (i32::MAX, None)),
    ];
    for (spec, want) in table {
        assert_eq!(counts(&job(spec.clone())), want, "{spec}");
    }
}

#[test]
fn defaults_are_written_first_in_spec_in_jobspec_order() {
    let mut j = job(json!({"backoffLimit": 2, "template": {}}));
    apply_defaults(&mut j);
    let keys: Vec<&String> = j["spec"].as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        ["parallelism", "completions", "backoffLimit", "template"]
    );
    assert_eq!(j["spec"]["parallelism"], 1);
    assert_eq!(j["spec"]["completions"], 1);
}

#[test]
fn given_counts_stay_and_a_work_queue_gets_no_completions() {
    let mut given = job(json!({"completions": 4, "parallelism": 2}));
    let before = given.clone();
    apply_defaults(&mut given);
    assert_eq!(given, before);

    let mut queue = job(json!({"parallelism": 3, "template": {}}));
    apply_defaults(&mut queue);
    assert_eq!(queue["spec"], json!({"parallelism": 3, "template": {}}));

    let mut fixed = job(json!({"completions": 5}));
    apply_defaults(&mut fixed);
    let keys: Vec<&String> = fixed["spec"].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["parallelism", "completions"]);
    assert_eq!(fixed["spec"]["parallelism"], 1);

    let mut nulls = job(json!({"completions": null, "parallelism": null}));
    apply_defaults(&mut nulls);
    assert_eq!(nulls["spec"], json!({"parallelism": 1, "completions": 1}));
}

#[test]
fn a_job_without_a_spec_mapping_is_left_alone() {
    for mut j in [json!({"kind": "Job"}), job(json!(null)), job(json!([1]))] {
        let before = j.clone();
        apply_defaults(&mut j);
        assert_eq!(j, before);
    }
}

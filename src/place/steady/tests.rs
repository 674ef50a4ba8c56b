//! Karmada's reschedule triggers and placement fingerprints (`pkg/scheduler/scheduler.go`
//! `doScheduleBinding`, `pkg/scheduler/helper.go` `placementChanged`), and steady placement end to end
//! on small models.

use super::*;
use crate::model::Model;
use crate::place::tests::{cluster, model};
use crate::place::{Outcome, place_with};

fn deployment(replicas: i32) -> String {
    format!(
        "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web, namespace: ns}}\nspec:\n  replicas: {replicas}\n  selector: {{matchLabels: {{app: web}}}}\n  template:\n    metadata: {{labels: {{app: web}}}}\n    spec:\n      containers: [{{name: c, image: nginx}}]\n"
    )
}

fn policy(placement: &str) -> String {
    format!(
        "---\napiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata: {{name: p, namespace: ns}}\nspec:\n  resourceSelectors: [{{apiVersion: apps/v1, kind: Deployment}}]\n  placement:\n{placement}"
    )
}

const DYNAMIC: &str = "    replicaScheduling: {replicaSchedulingType: Divided, replicaDivisionPreference: Weighted, weightPreference: {dynamicWeight: AvailableReplicas}}\n";

fn repo(clusters: &[(&str, &str, &str)], replicas: i32, placement: &str) -> Model {
    let mut yaml = String::new();
    for (name, pods, extra) in clusters {
        yaml.push_str(&cluster(name, "r1", pods, extra));
    }
    yaml.push_str(&deployment(replicas));
    yaml.push_str(&policy(placement));
    model(&yaml)
}

/// Place with `prior`; the deployment's targets and how.
fn run(m: &Model, prior: &Prior) -> (Vec<(String, i32)>, How, Option<Record>) {
    let (decisions, _) = place_with(m, prior);
    let d = decisions.into_iter().next().unwrap();
    let targets = match d.outcome {
        Outcome::Placed(p) => (p.targets.into_iter())
            .map(|t| (t.cluster, t.replicas.unwrap_or(-1)))
            .collect(),
        other => panic!("{other:?}"),
    };
    (targets, d.how.unwrap(), d.record)
}

/// The prior a render of `m` leaves for the next one.
fn after(m: &Model, prior: &Prior) -> Prior {
    let (decisions, _) = place_with(m, prior);
    let mut history = History::new();
    for d in decisions {
        if let Some(r) = d.record {
            history.insert(
                m.resources[d.resource].id.clone(),
                Previous {
                    placement: r.placement,
                    term: r.term,
                    clusters: (r.clusters.into_iter())
                        .map(|(c, n)| (c, n.unwrap_or(0)))
                        .collect(),
                },
            );
        }
    }
    Prior {
        history,
        reschedule: Reschedule::None,
    }
}

fn split(pairs: &[(&str, i32)]) -> Vec<(String, i32)> {
    pairs.iter().map(|(c, n)| (c.to_string(), *n)).collect()
}

#[test]
fn without_a_previous_result_it_is_a_first_schedule() {
    let m = repo(&[("a", "10", ""), ("b", "8", "")], 9, DYNAMIC);
    let (targets, how, _) = run(&m, &Prior::default());
    assert_eq!(targets, split(&[("a", 5), ("b", 4)]));
    assert!(how.is_first());
    assert_eq!(how.change, Change::Fresh);
}

#[test]
fn a_divided_workload_is_kept_without_a_trigger() {
    let m = repo(&[("a", "10", ""), ("b", "8", "")], 9, DYNAMIC);
    let prior = after(&m, &Prior::default());
    // Capacity, labels and a taint change: no trigger.
    let changed = repo(
        &[
            ("a", "1", "  taints: [{key: k, effect: NoSchedule}]\n"),
            ("b", "80", ""),
        ],
        9,
        DYNAMIC,
    );
    let (targets, how, _) = run(&changed, &prior);
    assert_eq!(targets, split(&[("a", 5), ("b", 4)]));
    assert!(how.describe().starts_with("kept"));
    assert_eq!((how.change, how.trigger), (Change::Kept, None));
}

#[test]
fn the_triggers_in_karmadas_order() {
    let m = repo(&[("a", "10", ""), ("b", "8", "")], 9, DYNAMIC);
    let prior = after(&m, &Prior::default());
    let trig = |m: &Model, forced: bool| {
        let p = &m.propagation_policies[0].placement;
        trigger(
            prior.history.values().next(),
            forced,
            true,
            crate::place::binding(&m.resources[0]).replicas,
            p,
            &m.clusters,
        )
    };
    assert_eq!(trig(&m, false), None);
    assert_eq!(trig(&m, true), Some(Trigger::Requested));
    let scaled = repo(&[("a", "10", ""), ("b", "8", "")], 12, DYNAMIC);
    assert_eq!(
        trig(&scaled, false),
        Some(Trigger::ReplicasChanged { from: 9, to: 12 })
    );
    let tolerating = repo(
        &[("a", "10", ""), ("b", "8", "")],
        9,
        &format!("    clusterTolerations: [{{key: k, operator: Exists}}]\n{DYNAMIC}"),
    );
    assert_eq!(trig(&tolerating, false), Some(Trigger::PlacementChanged));
    let gone = repo(&[("a", "10", "")], 9, DYNAMIC);
    assert_eq!(
        trig(&gone, false),
        Some(Trigger::ClusterRemoved("b".into()))
    );
    let deleting = model(&format!(
        "{}---\napiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata: {{name: b, deletionTimestamp: \"2026-01-01T00:00:00Z\"}}\nspec: {{provider: p}}\n{}{}",
        cluster("a", "r1", "10", ""),
        deployment(9),
        policy(DYNAMIC)
    ));
    assert_eq!(
        trig(&deleting, false),
        Some(Trigger::ClusterDeleting("b".into()))
    );
    let duplicated = repo(
        &[("a", "10", ""), ("b", "8", "")],
        9,
        "    replicaScheduling: {replicaSchedulingType: Duplicated}\n",
    );
    // A new placement first; with the Duplicated placement recorded, Duplicated every time.
    assert_eq!(trig(&duplicated, false), Some(Trigger::PlacementChanged));
    let p = &duplicated.propagation_policies[0].placement;
    let dup_prev = Previous {
        placement: placement_hash(p),
        term: None,
        clusters: split(&[("a", 9), ("b", 9)]),
    };
    assert_eq!(
        trigger(Some(&dup_prev), false, true, 9, p, &duplicated.clusters),
        Some(Trigger::Duplicated)
    );
    assert_eq!(
        trigger(Some(&dup_prev), false, true, 3, p, &duplicated.clusters),
        Some(Trigger::ReplicasChanged { from: 9, to: 3 })
    );
    assert_eq!(
        trigger(Some(&dup_prev), false, false, 0, p, &duplicated.clusters),
        Some(Trigger::NotWorkload)
    );
}

const TERMS: &str = "    clusterAffinities:\n      - {affinityName: one, clusterNames: [a]}\n      - {affinityName: two, clusterNames: [b]}\n";

#[test]
fn only_the_term_last_used_counts_as_the_placement() {
    let m = repo(
        &[("a", "0", ""), ("b", "8", "")],
        3,
        &format!("{TERMS}{DYNAMIC}"),
    );
    let prior = after(&m, &Prior::default());
    let prev = prior.history.values().next().unwrap();
    assert_eq!(prev.term.as_ref().map(|t| t.0.as_str()), Some("two"));
    let with = |terms: &str| {
        let m = repo(
            &[("a", "0", ""), ("b", "8", "")],
            3,
            &format!("{terms}{DYNAMIC}"),
        );
        placement_changed(prev, &m.propagation_policies[0].placement)
    };
    assert!(!with(TERMS));
    // Another term changes, or one is added: the term last used is the same.
    assert!(!with(
        "    clusterAffinities:\n      - {affinityName: one, clusterNames: [a, c]}\n      - {affinityName: two, clusterNames: [b]}\n      - {affinityName: three, clusterNames: [c]}\n"
    ));
    // The term last used changes, or is gone.
    assert!(with(
        "    clusterAffinities:\n      - {affinityName: one, clusterNames: [a]}\n      - {affinityName: two, clusterNames: [b, c]}\n"
    ));
    assert!(with(
        "    clusterAffinities:\n      - {affinityName: one, clusterNames: [a]}\n"
    ));
    assert!(with("    clusterAffinity: {clusterNames: [b]}\n"));
    assert!(with(""));
}

/// A fingerprint is part of the committed schedule file: changing how it is computed would make every
/// placement look changed after an upgrade, so its value is pinned.
#[test]
fn placement_fingerprints_are_stable() {
    let m = repo(&[("a", "10", "")], 3, &format!("{TERMS}{DYNAMIC}"));
    let p = &m.propagation_policies[0].placement;
    assert_eq!(placement_hash(p), "574e2ed992cffe9f");
    let Affinity::Terms(terms) = &p.affinity else {
        panic!()
    };
    assert_eq!(term_hash(&terms[1]), "771c7d5da5dd5f3a");
}

#[test]
fn a_reschedule_starts_from_the_first_term_and_divides_afresh() {
    let m = repo(
        &[("a", "0", ""), ("b", "8", "")],
        3,
        &format!("{TERMS}{DYNAMIC}"),
    );
    let prior = after(&m, &Prior::default());
    let grown = repo(
        &[("a", "10", ""), ("b", "8", "")],
        5,
        &format!("{TERMS}{DYNAMIC}"),
    );
    let (targets, how, record) = run(&grown, &prior);
    assert_eq!(targets, split(&[("b", 5)]));
    assert_eq!(how.change, Change::ScaledUp);
    assert_eq!(record.unwrap().term.unwrap().0, "two");
    let forced = Prior {
        reschedule: Reschedule::Only(["ns/web".to_owned()].into()),
        ..prior
    };
    let (targets, how, _) = run(&grown, &forced);
    assert_eq!(targets, split(&[("a", 5)]));
    assert_eq!(
        (how.change, how.trigger),
        (Change::Fresh, Some(Trigger::Requested))
    );
}

/// §5.7: a fresh reschedule counts a cluster's previous replicas as available (the inventory's
/// `allocated` includes them), and still lets previous clusters pass the taint filter.
#[test]
fn a_fresh_reschedule_adds_the_previous_replicas_to_the_available_ones() {
    let m = repo(&[("a", "10", ""), ("b", "10", "")], 10, DYNAMIC);
    let prior = after(&m, &Prior::default());
    // Afterwards the snapshot shows the pods running (5 pods left on each, 10 available with the previous
    // replicas), a is tainted, and 12 replicas are wanted: without the previous replicas 10 < 12 fails.
    let now = repo(
        &[
            ("a", "5", "  taints: [{key: k, effect: NoSchedule}]\n"),
            ("b", "5", ""),
        ],
        12,
        DYNAMIC,
    );
    let forced = Prior {
        reschedule: Reschedule::All,
        ..prior
    };
    let (targets, how, _) = run(&now, &forced);
    assert_eq!(targets, split(&[("a", 6), ("b", 6)]));
    assert_eq!(how.change, Change::Fresh);
}

#[test]
fn spread_selection_prefers_the_clusters_already_used() {
    // maxGroups 1 over equal clusters: a first schedule takes `a` (name order); once `b` holds the
    // workload, ClusterLocality keeps it first when the placement changes.
    let spread = "    spreadConstraints: [{spreadByField: cluster, maxGroups: 1, minGroups: 1}]\n";
    let m = repo(
        &[("a", "10", ""), ("b", "10", "")],
        3,
        &format!("{spread}{DYNAMIC}"),
    );
    let (targets, _, _) = run(&m, &Prior::default());
    assert_eq!(targets, split(&[("a", 3)]));
    let mut prior = after(&m, &Prior::default());
    for prev in prior.history.values_mut() {
        prev.clusters = split(&[("b", 3)]);
    }
    let changed = repo(
        &[("a", "10", ""), ("b", "10", "")],
        3,
        &format!("    clusterTolerations: [{{key: k, operator: Exists}}]\n{spread}{DYNAMIC}"),
    );
    let (targets, how, _) = run(&changed, &prior);
    assert_eq!(targets, split(&[("b", 3)]));
    assert_eq!(how.trigger, Some(Trigger::PlacementChanged));
}

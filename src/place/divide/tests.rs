use super::*;
use proptest::prelude::{
    Just, ProptestConfig, any, prop_assert, prop_assert_eq, prop_oneof, proptest,
};
use proptest::strategy::Strategy as _;

// The uids of Karmada's pkg/util/helper/binding_test.go.
pub(super) const EVEN_UID: &str = "4858ca61-3ff8-4095-8267-f3d059d8074c";
pub(super) const ODD_UID: &str = "d43fdeeb-d750-4e2b-bee3-64eb94534f4c";

type Weights = Vec<(String, i64)>;
type Outcome = Result<Vec<TargetCluster>, DivideError>;
/// (Go test case name, seats, weights, uid, expected)
pub(super) type WebsterCase<'a> = (&'a str, i32, Weights, &'a str, Vec<TargetCluster>);
/// (Go test case name, strategy, replicas, candidates, expected)
type AssignCase<'a> = (&'a str, Strategy, i32, Vec<Candidate>, Outcome);

pub(super) fn tcs(list: &[(&str, i32)]) -> Vec<TargetCluster> {
    list.iter().map(|(n, r)| target(n, *r)).collect()
}

fn cands(list: &[(&str, i32)]) -> Vec<Candidate> {
    list.iter().map(|(n, a)| cand(n, *a, 0)).collect()
}

fn cand(name: &str, available: i32, tier: usize) -> Candidate {
    Candidate {
        name: name.to_string(),
        available,
        tier,
        previous: 0,
    }
}

pub(super) fn weights(list: &[(&str, i64)]) -> Vec<(String, i64)> {
    list.iter().map(|(n, w)| (n.to_string(), *w)).collect()
}

fn static_w(list: &[(&str, i64)]) -> Strategy {
    Strategy::StaticWeight(weights(list))
}

/// binding_test.go Test_dispenser_AllocateByWeight. Skipped: "Scale up 6/3/2 replicas" (initial
/// assignments, steady mode only).
#[test]
fn dispenser_karmada_cases() {
    let ha = weights(&[("A", 2), ("B", 1)]);
    let brand_new = weights(&[("A", 170), ("B", 110), ("C", 60)]);
    let even = weights(&[("A", 1), ("B", 1)]);
    let cases: Vec<WebsterCase> = vec![
        (
            "HA scenario with weight 2:1: assign 1 replica",
            1,
            ha.clone(),
            "",
            tcs(&[("A", 1), ("B", 0)]),
        ),
        (
            "HA scenario with weight 2:1: assign 2 replicas",
            2,
            ha.clone(),
            "",
            tcs(&[("A", 1), ("B", 1)]),
        ),
        (
            "HA scenario with weight 2:1: assign 3 replicas",
            3,
            ha.clone(),
            "",
            tcs(&[("A", 2), ("B", 1)]),
        ),
        (
            "brand new assign 5 replicas",
            5,
            brand_new.clone(),
            "",
            tcs(&[("A", 2), ("B", 2), ("C", 1)]),
        ),
        (
            "brand new assign 6 replicas",
            6,
            brand_new.clone(),
            "",
            tcs(&[("A", 3), ("B", 2), ("C", 1)]),
        ),
        (
            "brand new assign 5 replicas with odd uuid",
            5,
            even.clone(),
            ODD_UID,
            tcs(&[("A", 2), ("B", 3)]),
        ),
        (
            "brand new assign 5 replicas with even uuid",
            5,
            even.clone(),
            EVEN_UID,
            tcs(&[("A", 3), ("B", 2)]),
        ),
    ];
    for (name, seats, w, uid, want) in cases {
        assert_eq!(webster(seats, &w, uid), want, "{name}");
        assert_eq!(dispense(seats, &w, uid), want, "{name}");
    }
}

/// binding_test.go TestDispenseReplicasByTargetClusters (SpreadReplicasByTargetClusters, which the
/// completions division calls), and the binding controller's Test_divideReplicasByJobCompletions
/// "completions found" ("error in NestedInt64" is the caller's parsing). Where the Go test accepts
/// any of several results, the one for the empty uid is pinned.
#[test]
fn spread_by_target_clusters_karmada_cases() {
    let one = tcs(&[("member1", 5)]);
    let even = tcs(&[("member1", 5), ("member2", 5), ("member3", 5)]);
    let ratio = tcs(&[("member1", 1), ("member2", 2), ("member3", 3)]);
    let cases: Vec<(&str, i32, Vec<TargetCluster>, Vec<TargetCluster>)> = vec![
        ("empty clusters", 10, vec![], vec![]),
        (
            "1 cluster, 5 replicas, 10 sum",
            10,
            one,
            tcs(&[("member1", 10)]),
        ),
        (
            "3 cluster, 1:1:1, 12 sum",
            12,
            even.clone(),
            tcs(&[("member1", 4), ("member2", 4), ("member3", 4)]),
        ),
        (
            "3 cluster, 1:1:1, 10 sum",
            10,
            even,
            tcs(&[("member1", 4), ("member2", 3), ("member3", 3)]),
        ),
        (
            "3 cluster, 1:2:3, 13 sum",
            13,
            ratio,
            tcs(&[("member1", 2), ("member2", 4), ("member3", 7)]),
        ),
        (
            "completions found",
            10,
            tcs(&[("cluster1", 5), ("cluster2", 5)]),
            tcs(&[("cluster1", 5), ("cluster2", 5)]),
        ),
    ];
    for (name, completions, assigned, want) in cases {
        assert_eq!(
            divide_completions(completions, &assigned, ""),
            want,
            "{name}"
        );
    }
}

#[test]
fn completions_edge_cases() {
    // Fewer completions than clusters: a cluster is listed with 0 (Karmada writes completions: 0).
    let assigned = tcs(&[("b", 1), ("a", 1)]);
    assert_eq!(
        divide_completions(1, &assigned, ""),
        tcs(&[("a", 1), ("b", 0)])
    );
    assert_eq!(
        divide_completions(1, &assigned, ODD_UID),
        tcs(&[("a", 0), ("b", 1)])
    );
    // Weights summing to 0: nothing, the template's completions stay.
    assert_eq!(divide_completions(4, &tcs(&[("a", 0)]), ""), vec![]);
    // Parallelism 3:1 over 8 completions.
    assert_eq!(
        divide_completions(8, &tcs(&[("a", 3), ("b", 1)]), ""),
        tcs(&[("a", 6), ("b", 2)])
    );
}

/// assignment_test.go Test_assignByStaticWeightStrategy (the caller resolves each cluster's weight
/// as the max of its matching rules; "default weight" is a placement without weightPreference), and
/// common_test.go TestAssignReplicas "Assign replicas to single cluster" and
/// TestAssignComponentSchedulingResults "ordinary workload keeps scalar result".
#[test]
fn static_weight_karmada_cases() {
    let three = cands(&[("member1", 0), ("member2", 0), ("member3", 0)]);
    let two = cands(&[("member1", 0), ("member2", 0)]);
    let w321 = static_w(&[("member1", 3), ("member2", 2), ("member3", 1)]);
    let cases: Vec<AssignCase> = vec![
        (
            "replica 12, weight 3:2:1",
            w321.clone(),
            12,
            three.clone(),
            Ok(tcs(&[("member1", 6), ("member2", 4), ("member3", 2)])),
        ),
        (
            "replica 12, default weight",
            static_w(&[]),
            12,
            three.clone(),
            Ok(tcs(&[("member1", 4), ("member2", 4), ("member3", 4)])),
        ),
        (
            "replica 13, weight 3:2:1",
            w321.clone(),
            13,
            three.clone(),
            Ok(tcs(&[("member1", 7), ("member2", 4), ("member3", 2)])),
        ),
        (
            "replica 14, weight 3:2:1",
            w321,
            14,
            three.clone(),
            Ok(tcs(&[("member1", 7), ("member2", 5), ("member3", 2)])),
        ),
        (
            "selected cluster without weight should be ignored",
            static_w(&[("member1", 1)]),
            2,
            two.clone(),
            Ok(tcs(&[("member1", 2)])),
        ),
        (
            "cluster with multiple weights",
            static_w(&[("member1", 1), ("member2", 1), ("member1", 2)]),
            3,
            two.clone(),
            Ok(tcs(&[("member1", 2), ("member2", 1)])),
        ),
    ];
    for (name, strategy, replicas, candidates, want) in cases {
        assert_eq!(
            assign(&strategy, replicas, true, &candidates, false, ""),
            want,
            "{name}"
        );
    }
    // "insufficient replica assignment should get 0 replica": the Go test calls the strategy
    // directly; through AssignReplicas 0 replicas without requirements list every cluster with 0,
    // and with requirements the zeros are dropped.
    let w11 = static_w(&[("member1", 1), ("member2", 1)]);
    assert_eq!(
        assign(&w11, 0, false, &two, false, ""),
        Ok(tcs(&[("member1", 0), ("member2", 0)]))
    );
    assert_eq!(assign(&w11, 0, true, &two, false, ""), Ok(vec![]));
    // common_test.go: single cluster, Weighted without weightPreference.
    let one = cands(&[("member1", 0)]);
    assert_eq!(
        assign(&static_w(&[]), 3, false, &one, false, ""),
        Ok(tcs(&[("member1", 3)]))
    );
}

/// assignment_test.go Test_dynamicScaleUp (the six cases without a previous result; "with cluster3
/// disappeared and cluster2 appeared" has one and is skipped, as is all of Test_dynamicScale),
/// Test_assignByDynamicStrategy_UnschedulableErrorPreserved, and division_algorithm_test.go
/// Test_dynamicDivideReplicas (its available lists given as the candidates).
#[test]
fn dynamic_and_aggregated_karmada_cases() {
    let not_enough = |available| Err(DivideError::NotEnoughAvailable { available });
    let cases: Vec<AssignCase> = vec![
        (
            "replica 12, dynamic weight 6:8:10",
            Strategy::DynamicWeight,
            12,
            cands(&[("member1", 6), ("member2", 8), ("member3", 10)]),
            Ok(tcs(&[("member1", 3), ("member2", 4), ("member3", 5)])),
        ),
        (
            "replica 12, dynamic weight 8:8:10",
            Strategy::DynamicWeight,
            12,
            cands(&[("member1", 8), ("member2", 8), ("member3", 10)]),
            Ok(tcs(&[("member1", 4), ("member2", 4), ("member3", 4)])),
        ),
        (
            "replica 12, dynamic weight 3:3:3",
            Strategy::DynamicWeight,
            12,
            cands(&[("member1", 3), ("member2", 3), ("member3", 3)]),
            not_enough(9),
        ),
        (
            "replica 12, aggregated 6:8:10",
            Strategy::Aggregated,
            12,
            cands(&[("member1", 6), ("member2", 8), ("member3", 10)]),
            Ok(tcs(&[("member2", 5), ("member3", 7)])),
        ),
        (
            "replica 12, aggregated 12:8:10",
            Strategy::Aggregated,
            12,
            cands(&[("member1", 12), ("member2", 8), ("member3", 10)]),
            Ok(tcs(&[("member1", 12)])),
        ),
        (
            "replica 12, aggregated 3:3:3",
            Strategy::Aggregated,
            12,
            cands(&[("member1", 3), ("member2", 3), ("member3", 3)]),
            not_enough(9),
        ),
        (
            "UnschedulableErrorPreserved",
            Strategy::DynamicWeight,
            10,
            cands(&[("member1", 3)]),
            not_enough(3),
        ),
        (
            "replica 12, dynamic weight 18:12:6",
            Strategy::DynamicWeight,
            12,
            cands(&[("member1", 18), ("member2", 12), ("member3", 6)]),
            Ok(tcs(&[("member1", 6), ("member2", 4), ("member3", 2)])),
        ),
        (
            "replica 12, dynamic weight 20:12:6",
            Strategy::DynamicWeight,
            12,
            cands(&[("member1", 20), ("member2", 12), ("member3", 6)]),
            Ok(tcs(&[("member1", 6), ("member2", 4), ("member3", 2)])),
        ),
        (
            "replica 12, dynamic weight 6:12:6",
            Strategy::DynamicWeight,
            12,
            cands(&[("member1", 6), ("member2", 12), ("member3", 6)]),
            Ok(tcs(&[("member1", 3), ("member2", 6), ("member3", 3)])),
        ),
        (
            "replica 12, aggregated 12:6:6",
            Strategy::Aggregated,
            12,
            cands(&[("member2", 12), ("member1", 6), ("member3", 6)]),
            Ok(tcs(&[("member2", 12)])),
        ),
        (
            "replica 12, aggregated 6:6:6",
            Strategy::Aggregated,
            12,
            cands(&[("member1", 6), ("member2", 6), ("member3", 6)]),
            Ok(tcs(&[("member1", 6), ("member2", 6)])),
        ),
    ];
    for (name, strategy, replicas, candidates, want) in cases {
        assert_eq!(
            assign(&strategy, replicas, true, &candidates, false, ""),
            want,
            "{name}"
        );
    }
    let err = assign(
        &Strategy::DynamicWeight,
        10,
        true,
        &cands(&[("member1", 3)]),
        false,
        "",
    )
    .unwrap_err();
    assert!(err.is_unschedulable());
    assert_eq!(
        err.to_string(),
        "failed to scale up: Clusters available replicas 3 are not enough to schedule."
    );
}

/// assignment_test.go Test_assignByDuplicatedStrategy, through AssignReplicas: "the target cluster is
/// null" meets AssignReplicas' own empty check first; "replicas is null" is the non-workload path.
#[test]
fn duplicated_karmada_cases() {
    let two = cands(&[("member1", 0), ("member2", 0)]);
    assert_eq!(
        assign(&Strategy::Duplicated, 2, false, &two, false, ""),
        Ok(tcs(&[("member1", 2), ("member2", 2)]))
    );
    assert_eq!(
        assign(&Strategy::Duplicated, 2, false, &[], false, ""),
        Err(DivideError::NoClusters)
    );
    assert_eq!(
        assign(&Strategy::Duplicated, 0, false, &two, false, ""),
        Ok(tcs(&[("member1", 0), ("member2", 0)]))
    );
}

/// common_test.go TestAssignReplicas. Skipped: "Overflow: AvailableReplicas greater than
/// AllocatableReplicas due to previously assigned replicas" (a previous result) and "Unsupported
/// replica scheduling strategy" (not expressible as a [`Strategy`]).
#[test]
fn assign_replicas_karmada_cases() {
    let err = assign(&Strategy::DynamicWeight, 1, false, &[], false, "").unwrap_err();
    assert_eq!(err.to_string(), "no clusters available to schedule");
    assert!(!err.is_unschedulable());
    // Non-workload scenario (zero replicas).
    assert_eq!(
        assign(
            &static_w(&[]),
            0,
            false,
            &cands(&[("member1", 0), ("member2", 0)]),
            false,
            ""
        ),
        Ok(tcs(&[("member1", 0), ("member2", 0)]))
    );
    let tiers = |a: i32, b: i32| vec![cand("member1", a, 0), cand("member2", b, 1)];
    let dynamic = Strategy::DynamicWeight;
    assert_eq!(
        assign(&dynamic, 5, false, &tiers(10, 10), true, ""),
        Ok(tcs(&[("member1", 5)])),
        "Overflow: primary group has enough capacity, no overflow needed"
    );
    assert_eq!(
        assign(&dynamic, 5, false, &tiers(2, 10), true, ""),
        Ok(tcs(&[("member1", 2), ("member2", 3)])),
        "Overflow: primary group capacity exhausted, remaining replicas overflow to next tier"
    );
    let err = assign(&dynamic, 10, false, &tiers(2, 2), true, "").unwrap_err();
    assert_eq!(
        err,
        DivideError::TiersExhausted,
        "Overflow: all tiers exhausted"
    );
    assert_eq!(
        err.to_string(),
        "Clusters available replicas are not enough to schedule."
    );
    assert!(err.is_unschedulable());
}

#[test]
fn overflow_tiers_per_strategy() {
    // Duplicated: every cluster of a tier gets the tier's share, min(remaining, tier capacity).
    let c = vec![cand("a", 3, 0), cand("b", 1, 0), cand("c", 10, 1)];
    assert_eq!(
        assign(&Strategy::Duplicated, 5, false, &c, true, ""),
        Ok(tcs(&[("a", 4), ("b", 4), ("c", 1)]))
    );
    // Static weight inside each tier; a tier without positive weight falls back to 1 each.
    let c = vec![
        cand("a", 2, 0),
        cand("b", 2, 0),
        cand("c", 100, 1),
        cand("d", 100, 1),
    ];
    let w = static_w(&[("a", 1), ("b", 3)]);
    assert_eq!(
        assign(&w, 10, false, &c, true, ""),
        Ok(tcs(&[("a", 1), ("b", 3), ("c", 3), ("d", 3)]))
    );
    // A tier without capacity is passed over; tiers need not be contiguous.
    let c = vec![cand("a", 0, 0), cand("b", 5, 3)];
    assert_eq!(
        assign(&Strategy::Aggregated, 3, true, &c, true, ""),
        Ok(tcs(&[("b", 3)]))
    );
    // Tiers in use but a single tier: the overflow error, not the scale-up one.
    assert_eq!(
        assign(
            &Strategy::DynamicWeight,
            10,
            true,
            &[cand("a", 4, 0)],
            true,
            ""
        ),
        Err(DivideError::TiersExhausted)
    );
    // 0 replicas with requirements: nothing, tiers or not.
    assert_eq!(
        assign(&Strategy::Duplicated, 0, true, &[cand("a", 4, 0)], true, ""),
        Ok(vec![])
    );
}

#[test]
fn semantics_examples() {
    // Aggregated does not fill the first cluster to the brim: 10 + 8 available for 12 -> 7 + 5.
    assert_eq!(
        assign(
            &Strategy::Aggregated,
            12,
            true,
            &cands(&[("a", 10), ("b", 8)]),
            false,
            ""
        ),
        Ok(tcs(&[("a", 7), ("b", 5)]))
    );
    // Static 1:1 with an odd count: the uid decides.
    let two = cands(&[("a", 0), ("b", 0)]);
    let w = static_w(&[("a", 1), ("b", 1)]);
    assert_eq!(
        assign(&w, 3, false, &two, false, ""),
        Ok(tcs(&[("a", 2), ("b", 1)]))
    );
    assert_eq!(
        assign(&w, 3, false, &two, false, EVEN_UID),
        Ok(tcs(&[("a", 2), ("b", 1)]))
    );
    assert_eq!(
        assign(&w, 3, false, &two, false, ODD_UID),
        Ok(tcs(&[("a", 1), ("b", 2)]))
    );
    // 0 replicas with requirements: every strategy ends empty.
    for s in [
        Strategy::Duplicated,
        Strategy::Aggregated,
        Strategy::DynamicWeight,
        w,
    ] {
        assert_eq!(assign(&s, 0, true, &two, false, ""), Ok(vec![]));
    }
    // Duplicated never checks capacity.
    assert_eq!(
        assign(&Strategy::Duplicated, 7, true, &two, false, ""),
        Ok(tcs(&[("a", 7), ("b", 7)]))
    );
    // Go sums available replicas in int32: two near-MaxInt32 clusters wrap to a negative total.
    let huge = cands(&[("a", i32::MAX), ("b", i32::MAX)]);
    assert_eq!(
        assign(&Strategy::DynamicWeight, 5, true, &huge, false, ""),
        Err(DivideError::NotEnoughAvailable { available: -2 })
    );
}

/// Above 12 clusters Go's sort is not stable, and Aggregated's prefix shows it.
#[test]
fn aggregated_prefix_follows_go_sort() {
    let c: Vec<Candidate> = (0..13)
        .map(|i| cand(&format!("c{i:02}"), if i % 2 == 1 { 10 } else { 5 }, 0))
        .collect();
    // Sorted: c09, c01, c03, ... (not c01, c03 as a stable sort would give).
    assert_eq!(
        assign(&Strategy::Aggregated, 15, true, &c, false, ""),
        Ok(tcs(&[("c01", 8), ("c09", 7)]))
    );
}

fn candidates_strategy(
    max_len: usize,
) -> impl proptest::strategy::Strategy<Value = Vec<Candidate>> {
    proptest::collection::btree_map("[a-p]{1,2}", (0i32..60, 0usize..3), 1..max_len).prop_map(|m| {
        m.into_iter()
            .map(|(name, (available, tier))| Candidate {
                name,
                available,
                tier,
                previous: 0,
            })
            .collect()
    })
}

pub(super) fn uid_strategy() -> impl proptest::strategy::Strategy<Value = &'static str> {
    prop_oneof![Just(""), Just(EVEN_UID), Just(ODD_UID), Just("x")]
}

fn static_for(candidates: &[Candidate], seed: u64) -> Strategy {
    Strategy::StaticWeight(
        candidates
            .iter()
            .enumerate()
            .map(|(i, c)| (c.name.clone(), ((seed >> (i % 60)) & 3) as i64))
            .collect(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn divided_strategies_conserve_replicas(
        c in candidates_strategy(12),
        replicas in 1i32..400,
        which in 0usize..3,
        tiered in any::<bool>(),
        seed in any::<u64>(),
        uid in uid_strategy(),
    ) {
        let strategy = match which {
            0 => static_for(&c, seed),
            1 => Strategy::DynamicWeight,
            _ => Strategy::Aggregated,
        };
        let capacity: i32 = c.iter().map(|c| c.available).sum();
        match assign(&strategy, replicas, true, &c, tiered, uid) {
            Ok(result) => {
                prop_assert_eq!(result.iter().map(|t| t.replicas).sum::<i32>(), replicas);
                prop_assert!(result.iter().all(|t| t.replicas > 0));
                prop_assert!(result.windows(2).all(|p| p[0].name < p[1].name));
            }
            Err(e) => {
                // Static weight fails only through the tiers; the others only short of capacity.
                prop_assert!(tiered || which != 0);
                prop_assert!(capacity < replicas, "{e}");
            }
        }
    }

    #[test]
    fn dynamic_and_aggregated_respect_capacity(
        c in candidates_strategy(12),
        replicas in 1i32..400,
        aggregated in any::<bool>(),
        tiered in any::<bool>(),
        uid in uid_strategy(),
    ) {
        let strategy = if aggregated { Strategy::Aggregated } else { Strategy::DynamicWeight };
        if let Ok(result) = assign(&strategy, replicas, true, &c, tiered, uid) {
            for t in &result {
                let available = c.iter().find(|c| c.name == t.name).map(|c| c.available);
                prop_assert!(Some(t.replicas) <= available, "{} got {}", t.name, t.replicas);
            }
        }
    }

    #[test]
    fn duplicated_gives_everyone_everything(
        c in candidates_strategy(12),
        replicas in 1i32..1000,
        has_requirements in any::<bool>(),
    ) {
        let result = assign(&Strategy::Duplicated, replicas, has_requirements, &c, false, "").unwrap();
        prop_assert_eq!(result.len(), c.len());
        prop_assert!(result.iter().all(|t| t.replicas == replicas));
    }

    #[test]
    fn results_ignore_candidate_order_except_aggregated_ties(
        c in candidates_strategy(16),
        shuffle in any::<u64>(),
        replicas in 0i32..300,
        which in 0usize..4,
        tiered in any::<bool>(),
        seed in any::<u64>(),
        uid in uid_strategy(),
    ) {
        let strategy = match which {
            0 => static_for(&c, seed),
            1 => Strategy::DynamicWeight,
            2 => Strategy::Duplicated,
            _ => Strategy::Aggregated,
        };
        let mut shuffled = c.clone();
        let mut state = shuffle | 1;
        for i in (1..shuffled.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            shuffled.swap(i, (state % (i as u64 + 1)) as usize);
        }
        let mut distinct: Vec<i32> = c.iter().map(|c| c.available).collect();
        distinct.sort();
        distinct.dedup();
        if which == 3 && distinct.len() != c.len() {
            return Ok(());
        }
        prop_assert_eq!(
            assign(&strategy, replicas, true, &c, tiered, uid),
            assign(&strategy, replicas, true, &shuffled, tiered, uid)
        );
    }

    #[test]
    fn completions_are_conserved(
        assigned in proptest::collection::btree_map("[a-h]{1,2}", 0i32..20, 0..8),
        completions in 0i32..500,
        uid in uid_strategy(),
    ) {
        let assigned: Vec<TargetCluster> = assigned.into_iter().map(|(n, r)| target(&n, r)).collect();
        let result = divide_completions(completions, &assigned, uid);
        if assigned.iter().any(|t| t.replicas > 0) {
            prop_assert_eq!(result.len(), assigned.len());
            prop_assert_eq!(result.iter().map(|t| t.replicas).sum::<i32>(), completions);
        } else {
            prop_assert!(result.is_empty());
        }
    }

    #[test]
    fn never_panics_on_any_input(
        list in proptest::collection::vec(
            (".{0,3}", any::<i32>(), 0usize..4, any::<i64>()), 0..8),
        replicas in any::<i32>(),
        which in 0usize..4,
        has_requirements in any::<bool>(),
        tiered in any::<bool>(),
        uid in ".{0,8}",
    ) {
        let c: Vec<Candidate> = list.iter().map(|(n, a, t, _)| cand(n, *a, *t)).collect();
        let strategy = match which {
            0 => Strategy::StaticWeight(list.iter().map(|(n, _, _, w)| (n.clone(), *w)).collect()),
            1 => Strategy::DynamicWeight,
            2 => Strategy::Duplicated,
            _ => Strategy::Aggregated,
        };
        let _ = assign(&strategy, replicas, has_requirements, &c, tiered, &uid);
        let w: Vec<(String, i64)> = list.iter().map(|(n, _, _, w)| (n.clone(), *w)).collect();
        let _ = webster(replicas, &w, &uid);
        let t: Vec<TargetCluster> = list.iter().map(|(n, a, _, _)| target(n, *a)).collect();
        let _ = divide_completions(replicas, &t, &uid);
    }
}

/// Karmada's `Test_dynamicScale` (pkg/scheduler/core/assignment_test.go): steady scale-up and
/// scale-down from a previous result; (name, strategy, replicas, (cluster, available, previous),
/// expected or `None` for an error).
#[test]
fn steady_karmada_cases() {
    type Case<'a> = (
        &'a str,
        Strategy,
        i32,
        Vec<(&'a str, i32, i32)>,
        Option<Vec<(&'a str, i32)>>,
    );
    let (d, a) = (Strategy::DynamicWeight, Strategy::Aggregated);
    let cases: Vec<Case> = vec![
        (
            "replica 12 -> 6, dynamic weighted 1:1:1",
            d.clone(),
            6,
            vec![("member1", 1, 2), ("member2", 1, 4), ("member3", 1, 6)],
            Some(vec![("member1", 1), ("member2", 2), ("member3", 3)]),
        ),
        (
            "replica 12 -> 24, dynamic weighted 10:10:10",
            d.clone(),
            24,
            vec![("member1", 10, 2), ("member2", 10, 4), ("member3", 10, 6)],
            Some(vec![("member1", 6), ("member2", 8), ("member3", 10)]),
        ),
        (
            "replica 12 -> 24, dynamic weighted 1:1:1",
            d.clone(),
            24,
            vec![("member1", 1, 2), ("member2", 1, 4), ("member3", 1, 6)],
            None,
        ),
        (
            "replica 12 -> 6, aggregated 1:1:1",
            a.clone(),
            6,
            vec![("member1", 1, 4), ("member2", 1, 8), ("member3", 1, 0)],
            Some(vec![("member2", 6)]),
        ),
        (
            "replica 12 -> 8, aggregated 100:100",
            a.clone(),
            8,
            vec![("member1", 100, 4), ("member2", 100, 8)],
            Some(vec![("member2", 8)]),
        ),
        (
            "replica 12 -> 24, aggregated 4:6:8",
            a.clone(),
            24,
            vec![("member1", 4, 4), ("member2", 6, 8), ("member3", 8, 0)],
            Some(vec![("member1", 7), ("member2", 12), ("member3", 5)]),
        ),
        (
            "replica 12 -> 24, aggregated 6:6:20",
            a.clone(),
            24,
            vec![("member1", 6, 4), ("member2", 6, 8), ("member3", 20, 0)],
            Some(vec![("member1", 10), ("member2", 14)]),
        ),
        (
            "replica 12 -> 24, aggregated 1:1:1",
            a.clone(),
            24,
            vec![("member1", 1, 4), ("member2", 1, 8), ("member3", 1, 0)],
            None,
        ),
        (
            // member2 (8 previous replicas) is no candidate any more: its replicas are ignored.
            "replica 12 -> 24, aggregated 4:8:12, with cluster2 disappeared and cluster4 appeared",
            a.clone(),
            24,
            vec![("member1", 4, 4), ("member3", 8, 0), ("member4", 12, 0)],
            Some(vec![("member1", 7), ("member3", 7), ("member4", 10)]),
        ),
        (
            "replica 12, dynamic weight 3:3, with cluster3 disappeared and cluster2 appeared",
            d.clone(),
            12,
            vec![("member1", 3, 6), ("member2", 3, 0)],
            Some(vec![("member1", 9), ("member2", 3)]),
        ),
    ];
    for (name, strategy, replicas, candidates, want) in cases {
        let candidates: Vec<Candidate> = (candidates.iter())
            .map(|(n, available, previous)| Candidate {
                previous: *previous,
                ..cand(n, *available, 0)
            })
            .collect();
        let got = assign_mode(
            &strategy,
            replicas,
            true,
            &candidates,
            false,
            "",
            Mode::Steady,
        );
        match want {
            Some(want) => assert_eq!(got, Ok(tcs(&want)), "{name}"),
            None => assert!(
                matches!(got, Err(DivideError::NotEnoughAvailable { .. })),
                "{name}: {got:?}"
            ),
        }
    }
}

/// A fresh reschedule (`dynamicFreshScale`) divides everything with the previous replicas added to the
/// available ones; its error names the fresh scale.
#[test]
fn fresh_mode_counts_the_previous_replicas_as_available() {
    let candidates: Vec<Candidate> = [("a", 2, 4), ("b", 2, 8)]
        .iter()
        .map(|(n, available, previous)| Candidate {
            previous: *previous,
            ..cand(n, *available, 0)
        })
        .collect();
    let fresh = |replicas| {
        assign_mode(
            &Strategy::DynamicWeight,
            replicas,
            true,
            &candidates,
            false,
            "",
            Mode::Fresh,
        )
    };
    // Weights 6:10 for 8 replicas.
    assert_eq!(fresh(8), Ok(tcs(&[("a", 3), ("b", 5)])));
    assert_eq!(
        fresh(17).unwrap_err().to_string(),
        "failed to do fresh scale: Clusters available replicas 16 are not enough to schedule."
    );
    // Steady: 12 replicas are what is there: kept.
    let steady = assign_mode(
        &Strategy::DynamicWeight,
        12,
        true,
        &candidates,
        false,
        "",
        Mode::Steady,
    );
    assert_eq!(steady, Ok(tcs(&[("a", 4), ("b", 8)])));
}

use super::*;
use crate::place::spread::sort_candidates;
use crate::place::spread::tests::{cand, in_region, names};

/// `generateClusterScores` in Karmada's `group_clusters_test.go`.
fn scored(scores: [i64; 5], available: [i32; 5]) -> Vec<Candidate> {
    (0..5)
        .map(|i| cand(&format!("member{}", i + 1), scores[i], available[i]))
        .collect()
}

// Karmada `Test_CalcGroupScore` (group_clusters_test.go), ids 1-6. The placements there carry
// no spread constraint, so the cluster constraint's minGroups is 0; aggregated, dynamic and
// static weight all score as Divided.
#[test]
fn calc_group_score_karmada_cases() {
    let high = [100, 100, 100, 100, 100];
    let mixed = [100, 100, 0, 0, 0];
    let cases = [
        (
            1,
            scored(mixed, [30; 5]),
            scored(high, [30, 30, 30, 10, 10]),
            20,
            Mode::Duplicated,
            0,
            true,
        ),
        (
            2,
            scored(mixed, [30, 30, 30, 10, 10]),
            scored(high, [30, 30, 30, 10, 10]),
            20,
            Mode::Duplicated,
            0,
            false,
        ),
        (
            3,
            scored(mixed, [30, 30, 30, 10, 10]),
            scored(high, [10, 10, 10, 5, 5]),
            100,
            Mode::Divided,
            2,
            true,
        ),
        (
            4,
            scored(mixed, [10, 10, 10, 10, 5]),
            scored(high, [10, 10, 10, 5, 5]),
            100,
            Mode::Divided,
            2,
            true,
        ),
        (
            5,
            scored(mixed, [10, 10, 10, 5, 5]),
            scored(high, [10, 10, 10, 5, 5]),
            100,
            Mode::Divided,
            2,
            false,
        ),
        (
            6,
            scored([0; 5], [100; 5]),
            scored(high, [50; 5]),
            100,
            Mode::Divided,
            2,
            false,
        ),
    ];
    for (id, group1, group2, replicas, mode, min_groups, group1_wins) in cases {
        let score1 = group_score(&group1, replicas, mode, min_groups, 0);
        let score2 = group_score(&group2, replicas, mode, min_groups, 0);
        assert_eq!(
            score1 >= score2,
            group1_wins,
            "test ID {id}: {score1} vs {score2}"
        );
    }
}

// The worked examples in the comments of Karmada's `calcGroupScore` and
// `calcGroupScoreForDuplicate`.
#[test]
fn calc_group_score_documented_examples() {
    let five = |s: i64, a: [i32; 5]| scored([s; 5], a);
    let four = |a: [i32; 4]| -> Vec<Candidate> {
        (0..4)
            .map(|i| cand(&format!("member{}", i + 1), 0, a[i]))
            .collect()
    };
    assert_eq!(
        group_score(&five(100, [60, 70, 40, 30, 10]), 50, Mode::Duplicated, 1, 1),
        2100
    );
    assert_eq!(
        group_score(&four([60, 60, 60, 60]), 50, Mode::Duplicated, 1, 1),
        4000
    );
    assert_eq!(
        group_score(&five(100, [10, 10, 10, 10, 5]), 100, Mode::Divided, 2, 1),
        45100
    );
    assert_eq!(
        group_score(&four([40, 30, 10, 10]), 100, Mode::Divided, 2, 1),
        50000
    );
    assert_eq!(
        group_score(&five(100, [40, 40, 10, 10, 5]), 100, Mode::Divided, 2, 1),
        50100
    );
    assert_eq!(
        group_score(&four([100, 100, 10, 10]), 100, Mode::Divided, 2, 1),
        50000
    );
}

// Karmada `Test_CalcGroupScoreForDuplicate` (group_clusters_test.go).
#[test]
fn calc_group_score_for_duplicate_karmada_cases() {
    // "get 0 score when clusters is empty"
    assert_eq!(group_score(&[], 10, Mode::Duplicated, 1, 1), 0);
    // "get 0 score when all clusters can not meet the replica requirements"
    let clusters = [cand("member1", 50, 5), cand("member2", 50, 5)];
    assert_eq!(group_score(&clusters, 10, Mode::Duplicated, 1, 1), 0);
}

// Karmada `Test_GroupClustersWithScore` (group_clusters_test.go): candidate order and region
// count.
#[test]
fn group_clusters_with_score_karmada_cases() {
    let topo = |name: &str, region: &str, score: i64| Candidate {
        provider: Some(
            if name == "member3" || name == "member4" {
                "P2"
            } else {
                "P1"
            }
            .into(),
        ),
        zones: vec![
            if name == "member2" || name == "member4" {
                "Z2"
            } else {
                "Z1"
            }
            .to_owned(),
        ]
        .into(),
        ..in_region(name, region, score, 100)
    };
    let mut clusters = vec![
        topo("member1", "R1", 20),
        topo("member2", "R1", 40),
        topo("member3", "R1", 30),
        topo("member4", "R2", 60),
    ];
    sort_candidates(&mut clusters);
    assert_eq!(
        names(&clusters),
        ["member4", "member2", "member3", "member1"]
    );
    // "test SpreadConstraints is region" and "... is provider/region/zone": two regions.
    assert_eq!(
        group_by_region(&clusters, 0, Mode::Duplicated, 1, 0).len(),
        2
    );
}

#[test]
fn divided_region_score_uses_the_group_min_groups() {
    // target = ceil(10 / 2) = 5, at least max(1, 2) clusters taken.
    let clusters = [cand("a", 0, 3), cand("b", 0, 4), cand("c", 0, 100)];
    assert_eq!(group_score(&clusters, 10, Mode::Divided, 2, 1), 5000);
    let short = [cand("a", 10, 1), cand("b", 20, 1)];
    // Short of the target: available x 1000 + score sum / all clusters.
    assert_eq!(group_score(&short, 10, Mode::Divided, 2, 1), 2015);
}

use super::*;
use crate::place::divide::tests::{EVEN_UID, ODD_UID, WebsterCase, tcs, uid_strategy, weights};
use proptest::prelude::{ProptestConfig, prop_assert_eq, prop_oneof, proptest};
use proptest::strategy::Strategy as _;

/// The dispenser as Karmada runs it: one seat at a time to the best party (reference for the
/// closed form in `allocate`).
fn naive_webster(seats: i32, weights: &[(String, i64)], uid: &str) -> Vec<TargetCluster> {
    let mut votes: BTreeMap<String, i64> = BTreeMap::new();
    for (n, w) in weights {
        votes.insert(n.clone(), *w);
    }
    let mut parties: Vec<(String, i64, i32)> = votes.into_iter().map(|(n, w)| (n, w, 0)).collect();
    let descending = name_descending(uid);
    for _ in 0..seats.max(0) {
        let mut best = 0;
        for i in 1..parties.len() {
            let (a, b) = (&parties[i], &parties[best]);
            let better = match quotient_cmp(a.1, a.2, b.1, b.2) {
                Ordering::Greater => true,
                Ordering::Less => false,
                Ordering::Equal if a.2 != b.2 => a.2 < b.2,
                Ordering::Equal => (a.0 > b.0) == descending,
            };
            if better {
                best = i;
            }
        }
        if let Some(p) = parties.get_mut(best) {
            p.2 += 1;
        }
    }
    parties.iter().map(|(n, _, s)| target(n, *s)).collect()
}

#[test]
fn uid_parity_of_karmada_test_uids() {
    assert!(!name_descending(""));
    assert!(!name_descending(EVEN_UID));
    assert!(name_descending(ODD_UID));
}

/// webstermethod_test.go: ExampleAllocateWebsterSeats and TestAllocateWebsterSeats. Skipped: the four
/// cases with initial assignments ("tie-breaker is nil, expect break tie by seats" and the three
/// "non-initial allocation" ones): the scheduler never passes initial seats.
#[test]
fn webster_karmada_cases() {
    let classic = weights(&[
        ("PartyA", 100000),
        ("PartyB", 80000),
        ("PartyC", 30000),
        ("PartyD", 20000),
    ]);
    let cases: Vec<WebsterCase> = vec![
        (
            "ExampleAllocateWebsterSeats",
            4,
            weights(&[("Alpha", 1200), ("Beta", 900), ("Gamma", 400)]),
            "",
            tcs(&[("Alpha", 2), ("Beta", 1), ("Gamma", 1)]),
        ),
        (
            "classic example, round 1",
            1,
            classic.clone(),
            "",
            tcs(&[("PartyA", 1), ("PartyB", 0), ("PartyC", 0), ("PartyD", 0)]),
        ),
        (
            "classic example, round 2",
            2,
            classic.clone(),
            "",
            tcs(&[("PartyA", 1), ("PartyB", 1), ("PartyC", 0), ("PartyD", 0)]),
        ),
        (
            "classic example, round 3",
            3,
            classic.clone(),
            "",
            tcs(&[("PartyA", 2), ("PartyB", 1), ("PartyC", 0), ("PartyD", 0)]),
        ),
        (
            "classic example, round 4",
            4,
            classic.clone(),
            "",
            tcs(&[("PartyA", 2), ("PartyB", 1), ("PartyC", 1), ("PartyD", 0)]),
        ),
        (
            "classic example, round 5",
            5,
            classic.clone(),
            "",
            tcs(&[("PartyA", 2), ("PartyB", 2), ("PartyC", 1), ("PartyD", 0)]),
        ),
        (
            "classic example, round 6",
            6,
            classic.clone(),
            "",
            tcs(&[("PartyA", 2), ("PartyB", 2), ("PartyC", 1), ("PartyD", 1)]),
        ),
        (
            "classic example, round 7",
            7,
            classic.clone(),
            "",
            tcs(&[("PartyA", 3), ("PartyB", 2), ("PartyC", 1), ("PartyD", 1)]),
        ),
        (
            "classic example, round 8",
            8,
            classic.clone(),
            "",
            tcs(&[("PartyA", 3), ("PartyB", 3), ("PartyC", 1), ("PartyD", 1)]),
        ),
        (
            "empty party votes, expect nil result",
            1,
            vec![],
            "",
            vec![],
        ),
        (
            "party votes not empty, newSeats is 0, expect all seats 0",
            0,
            weights(&[("PartyA", 100), ("PartyB", 200)]),
            "",
            tcs(&[("PartyA", 0), ("PartyB", 0)]),
        ),
        (
            "both party votes and newSeats are 0, expect nil result",
            0,
            vec![],
            "",
            vec![],
        ),
        (
            "tie-breaker is nil, expect break tie by name",
            1,
            weights(&[("PartyA", 1), ("PartyB", 1)]),
            "",
            tcs(&[("PartyA", 1), ("PartyB", 0)]),
        ),
        // The custom tie-breakers of the Go test are the two the uid selects.
        (
            "custom tie-breaker returns true, expect custom tie-breaker controls seat",
            1,
            weights(&[("PartyA", 1), ("PartyB", 1)]),
            EVEN_UID,
            tcs(&[("PartyA", 1), ("PartyB", 0)]),
        ),
        (
            "custom tie-breaker returns false, expect custom tie-breaker controls seat",
            1,
            weights(&[("PartyA", 1), ("PartyB", 1)]),
            ODD_UID,
            tcs(&[("PartyA", 0), ("PartyB", 1)]),
        ),
    ];
    for (name, seats, w, uid, want) in cases {
        assert_eq!(webster(seats, &w, uid), want, "{name}");
    }
}

#[test]
fn webster_huge_counts_are_fast_and_exact() {
    let w = weights(&[("a", 3), ("b", 2), ("c", 1)]);
    let got = webster(i32::MAX, &w, "");
    let total: i64 = got.iter().map(|t| i64::from(t.replicas)).sum();
    assert_eq!(total, i64::from(i32::MAX));
    // 2^31 - 1 = 6 * 357913941 + 1: the quotas are whole but for one seat, which goes to the
    // largest weight.
    assert_eq!(
        got,
        tcs(&[("a", 1073741824), ("b", 715827882), ("c", 357913941)])
    );
    let got = webster(1_000_000, &weights(&[("x", i64::MAX), ("y", 1)]), ODD_UID);
    assert_eq!(got, tcs(&[("x", 1_000_000), ("y", 0)]));
    // No positive weight: zeros share round robin in tie order, negatives get nothing.
    let w = weights(&[("a", 0), ("b", -1), ("c", 0)]);
    assert_eq!(webster(5, &w, ""), tcs(&[("a", 3), ("b", 0), ("c", 2)]));
    assert_eq!(
        webster(5, &w, ODD_UID),
        tcs(&[("a", 2), ("b", 0), ("c", 3)])
    );
    // Only negative weights: the best one takes every seat.
    let w = weights(&[("a", -2), ("b", -1), ("c", -1)]);
    assert_eq!(webster(4, &w, ""), tcs(&[("a", 0), ("b", 4), ("c", 0)]));
    assert_eq!(
        webster(4, &w, ODD_UID),
        tcs(&[("a", 0), ("b", 0), ("c", 4)])
    );
    // A name listed twice keeps its last weight, as Go's map does.
    let w = weights(&[("a", 5), ("b", 1), ("a", 1)]);
    assert_eq!(webster(2, &w, ""), tcs(&[("a", 1), ("b", 1)]));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn webster_closed_form_equals_one_seat_at_a_time(
        list in proptest::collection::vec(("[a-h]", prop_oneof![0i64..8, 0i64..1_000_000, -3i64..3]), 0..10),
        seats in prop_oneof![0i32..40, 0i32..600],
        uid in uid_strategy(),
    ) {
        let w: Vec<(String, i64)> = list.into_iter().collect();
        prop_assert_eq!(webster(seats, &w, uid), naive_webster(seats, &w, uid));
    }

    #[test]
    fn webster_ignores_input_order(
        w in proptest::collection::btree_map("[a-h]{1,2}", 0i64..50, 0..10)
            .prop_map(|m| m.into_iter().collect::<Vec<_>>())
            .prop_shuffle(),
        seats in 0i32..300,
        uid in uid_strategy(),
    ) {
        let mut sorted = w.clone();
        sorted.sort();
        prop_assert_eq!(webster(seats, &w, uid), webster(seats, &sorted, uid));
    }
}

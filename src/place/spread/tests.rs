use super::*;
use proptest::prelude::*;

pub(super) fn cand(name: &str, score: i64, available: i32) -> Candidate {
    Candidate {
        name: name.into(),
        provider: None,
        region: None,
        zones: Vec::new().into(),
        score,
        available,
        tier: 0,
    }
}

pub(super) fn in_region(name: &str, region: &str, score: i64, available: i32) -> Candidate {
    Candidate {
        region: Some(region.into()),
        ..cand(name, score, available)
    }
}

fn by(field: SpreadField, min_groups: i32, max_groups: i32) -> SpreadConstraint {
    SpreadConstraint {
        field: Some(field),
        label: None,
        min_groups,
        max_groups,
    }
}

pub(super) fn names(clusters: &[Candidate]) -> Vec<&str> {
    clusters.iter().map(|c| &*c.name).collect()
}

fn region(name: &str, score: i64, clusters: Vec<Candidate>) -> RegionGroup {
    RegionGroup {
        name: name.to_owned(),
        score,
        clusters,
    }
}

/// `generateClusterInfo` in Karmada's `select_clusters_test.go`.
fn karmada_cluster_info() -> Vec<Candidate> {
    vec![
        cand("member4", 60, 50),
        cand("member2", 40, 60),
        cand("member3", 30, 80),
        cand("member1", 20, 40),
    ]
}

// Karmada `TestSelectBestClusters` (select_clusters_test.go), every case.
#[test]
fn select_best_clusters_karmada_cases() {
    let info = karmada_cluster_info();
    let cluster_2 = [by(SpreadField::Cluster, 1, 2)];
    struct Case {
        name: &'static str,
        constraints: Vec<SpreadConstraint>,
        replicas: i32,
        mode: Mode,
        want: Result<Vec<&'static str>, &'static str>,
    }
    let cases = [
        Case {
            name: "select clusters by cluster score",
            constraints: cluster_2.to_vec(),
            replicas: 100,
            mode: Mode::Duplicated,
            want: Ok(vec!["member4", "member2"]),
        },
        Case {
            name: "select clusters by cluster score and ignore available resources when scheduling strategy is duplicated",
            constraints: cluster_2.to_vec(),
            replicas: 120,
            mode: Mode::Duplicated,
            want: Ok(vec!["member4", "member2"]),
        },
        Case {
            name: "select clusters by cluster score and ignore available resources when scheduling strategy is static weight",
            constraints: cluster_2.to_vec(),
            replicas: 120,
            mode: Mode::StaticWeight,
            want: Ok(vec!["member4", "member2", "member3", "member1"]),
        },
        Case {
            name: "select clusters by cluster score and satisfy available resources",
            constraints: cluster_2.to_vec(),
            replicas: 120,
            mode: Mode::Divided,
            want: Ok(vec!["member4", "member3"]),
        },
        Case {
            name: "select clusters by cluster score and insufficient resources",
            constraints: cluster_2.to_vec(),
            replicas: 200,
            mode: Mode::Divided,
            want: Err("no enough resource when selecting 2 clusters"),
        },
        Case {
            name: "select clusters by cluster score and exceeded the number of available clusters.",
            constraints: vec![by(SpreadField::Cluster, 7, 7)],
            replicas: 30,
            mode: Mode::Duplicated,
            want: Err("the number of feasible clusters is less than spreadConstraint.MinGroups"),
        },
    ];
    for case in cases {
        let got = select_clusters(&info, &case.constraints, case.replicas, case.mode);
        let got = got.as_ref().map(|c| names(c)).map_err(|e| e.to_string());
        let want = case.want.map_err(str::to_owned);
        assert_eq!(got, want, "{}", case.name);
    }
}

// Karmada `Test_selectBestClustersByRegion` (select_clusters_by_region_test.go): region scores
// are given, not computed, so these drive `select_by_region` directly.
#[test]
fn select_best_clusters_by_region_karmada_cases() {
    let r1_r2 = || {
        vec![
            region(
                "R1",
                100,
                vec![
                    in_region("member1", "R1", 100, 40),
                    in_region("member2", "R1", 80, 40),
                ],
            ),
            region(
                "R2",
                80,
                vec![
                    in_region("member3", "R2", 80, 40),
                    in_region("member4", "R2", 80, 40),
                    in_region("member5", "R2", 60, 40),
                ],
            ),
        ]
    };
    struct Case {
        name: &'static str,
        region: SpreadConstraint,
        cluster: SpreadConstraint,
        regions: Vec<RegionGroup>,
        want: Option<Vec<&'static str>>,
    }
    let cases = vec![
        Case {
            name: "select cluster from the region with the higher score",
            region: by(SpreadField::Region, 1, 1),
            cluster: by(SpreadField::Cluster, 2, 2),
            regions: r1_r2(),
            want: Some(vec!["member1", "member2"]),
        },
        Case {
            name: "select cluster from the region with enough clusters",
            region: by(SpreadField::Region, 1, 1),
            cluster: by(SpreadField::Cluster, 3, 3),
            regions: r1_r2(),
            want: Some(vec!["member3", "member4", "member5"]),
        },
        Case {
            name: "select cluster from the region with enough clusters and higher score",
            region: by(SpreadField::Region, 2, 2),
            cluster: by(SpreadField::Cluster, 4, 5),
            regions: vec![
                region("R1", 90, vec![in_region("member1", "R1", 90, 40)]),
                region(
                    "R2",
                    70,
                    vec![
                        in_region("member2", "R2", 70, 40),
                        in_region("member3", "R2", 60, 40),
                        in_region("member4", "R2", 30, 40),
                    ],
                ),
                region(
                    "R3",
                    80,
                    vec![
                        in_region("member5", "R3", 80, 40),
                        in_region("member6", "R3", 50, 60),
                    ],
                ),
                region(
                    "R4",
                    50,
                    vec![
                        in_region("member7", "R4", 50, 50),
                        in_region("member8", "R4", 40, 50),
                        in_region("member9", "R4", 10, 50),
                        in_region("member10", "R4", 0, 50),
                    ],
                ),
            ],
            want: Some(vec!["member1", "member2", "member3", "member4"]),
        },
        Case {
            name: "select cluster from more than `minGroups` regions with enough clusters and higher score",
            region: by(SpreadField::Region, 1, 3),
            cluster: by(SpreadField::Cluster, 6, 8),
            regions: vec![
                region("R1", 70, vec![in_region("member1", "R1", 70, 40)]),
                region(
                    "R2",
                    40,
                    vec![
                        in_region("member2", "R2", 40, 40),
                        in_region("member3", "R2", 40, 40),
                        in_region("member4", "R2", 40, 40),
                    ],
                ),
                region(
                    "R3",
                    60,
                    vec![
                        in_region("member5", "R3", 60, 40),
                        in_region("member6", "R3", 50, 60),
                    ],
                ),
                region("R4", 70, vec![in_region("member7", "R4", 70, 100)]),
                region("R5", 50, vec![in_region("member8", "R5", 50, 50)]),
            ],
            want: Some(vec![
                "member1", "member5", "member2", "member6", "member3", "member4",
            ]),
        },
        Case {
            name: "no enough region",
            region: by(SpreadField::Region, 3, 3),
            cluster: by(SpreadField::Cluster, 3, 3),
            regions: r1_r2(),
            want: None,
        },
        Case {
            name: "no enough clusters",
            region: by(SpreadField::Region, 1, 1),
            cluster: by(SpreadField::Cluster, 4, 4),
            regions: {
                let mut regions = r1_r2();
                regions[0].clusters[1].available = 60;
                regions
            },
            want: None,
        },
        Case {
            name: "no more regions to replace",
            region: by(SpreadField::Region, 1, 1),
            cluster: by(SpreadField::Cluster, 3, 4),
            regions: vec![region(
                "R1",
                100,
                vec![
                    in_region("member1", "R1", 100, 40),
                    in_region("member2", "R1", 80, 20),
                ],
            )],
            want: None,
        },
    ];
    for case in cases {
        let got = select_by_region(&case.regions, &case.region, &case.cluster);
        let got = got.as_ref().ok().map(|c| names(c));
        assert_eq!(got, case.want, "{}", case.name);
    }
}

// Karmada `Test_sortClusters` (util_test.go), every case.
#[test]
fn sort_clusters_karmada_cases() {
    let cases = [
        (
            "different scores",
            vec![cand("b", 2, 0), cand("a", 1, 0)],
            ["b", "a"],
        ),
        (
            "same score, default to sort by name",
            vec![cand("b", 1, 5), cand("a", 1, 10)],
            ["a", "b"],
        ),
        (
            "same score, sort by availableReplicas",
            vec![cand("a", 1, 5), cand("b", 1, 10)],
            ["b", "a"],
        ),
    ];
    for (name, mut clusters, want) in cases {
        sort_candidates(&mut clusters);
        assert_eq!(names(&clusters), want, "{name}");
    }
}

#[test]
fn tier_sorts_before_score() {
    let mut clusters = vec![
        Candidate {
            tier: 1,
            ..cand("a", 100, 100)
        },
        cand("b", 0, 0),
    ];
    sort_candidates(&mut clusters);
    assert_eq!(names(&clusters), ["b", "a"]);
}

// Karmada `TestSelectClusters` (pkg/scheduler/core/common_test.go), the cases with spread
// constraints.
#[test]
fn select_clusters_core_karmada_cases() {
    // "select top 1 cluster": no replicaScheduling, maxGroups 1, minGroups left 0.
    let mut clusters = vec![
        cand("cluster1", 10, 0),
        cand("cluster2", 20, 0),
        cand("cluster3", 15, 0),
    ];
    sort_candidates(&mut clusters);
    let got = select_clusters(
        &clusters,
        &[by(SpreadField::Cluster, 0, 1)],
        0,
        Mode::Duplicated,
    );
    assert_eq!(got.map(|c| names(&c).join(",")), Ok("cluster2".to_owned()));
    // "select clusters with overflow affinities": dynamic weight, cluster2 in overflow tier 1.
    let mut clusters = vec![
        cand("cluster1", 10, 0),
        Candidate {
            tier: 1,
            ..cand("cluster2", 20, 0)
        },
    ];
    sort_candidates(&mut clusters);
    let got = select_clusters(
        &clusters,
        &[by(SpreadField::Cluster, 1, 1)],
        0,
        Mode::Divided,
    );
    assert_eq!(got.map(|c| names(&c).join(",")), Ok("cluster1".to_owned()));
    // "select all clusters": no spread constraint keeps every candidate.
    let got = select_clusters(&clusters, &[], 0, Mode::Duplicated);
    assert_eq!(got.map(|c| c.len()), Ok(2));
}

// The worked example in the comment of Karmada's `selectClustersByAvailableResource`.
#[test]
fn swaps_in_the_cluster_with_most_available() {
    let clusters = [
        cand("member1", 60, 40),
        cand("member2", 50, 30),
        cand("member3", 40, 60),
    ];
    let got = select_clusters(
        &clusters,
        &[by(SpreadField::Cluster, 1, 2)],
        80,
        Mode::Divided,
    );
    assert_eq!(
        got.map(|c| names(&c).join(",")),
        Ok("member1,member3".to_owned())
    );
}

#[test]
fn swaps_walk_from_the_back_and_keep_positions() {
    // Position 2 takes e (90), position 1 takes d (70): the result keeps slot order.
    let clusters = [
        cand("a", 50, 10),
        cand("b", 40, 10),
        cand("c", 30, 10),
        cand("d", 20, 70),
        cand("e", 10, 90),
    ];
    let got = select_clusters(
        &clusters,
        &[by(SpreadField::Cluster, 1, 3)],
        170,
        Mode::Divided,
    );
    assert_eq!(got.map(|c| names(&c).join(",")), Ok("a,d,e".to_owned()));
    // The swapped-out cluster goes back to the pool and can be swapped in again.
    let clusters = [cand("a", 50, 10), cand("b", 40, 20), cand("c", 30, 30)];
    let got = select_clusters(
        &clusters,
        &[by(SpreadField::Cluster, 1, 2)],
        50,
        Mode::Divided,
    );
    assert_eq!(got.map(|c| names(&c).join(",")), Ok("b,c".to_owned()));
}

#[test]
fn zero_max_groups() {
    let clusters = karmada_cluster_info();
    let zero = [by(SpreadField::Cluster, 0, 0)];
    assert_eq!(
        select_clusters(&clusters, &zero, 3, Mode::Duplicated),
        Ok(vec![])
    );
    let err = select_clusters(&clusters, &zero, 0, Mode::Divided).unwrap_err();
    assert_eq!(
        err.to_string(),
        "no enough resource when selecting 0 clusters"
    );
}

#[test]
fn label_and_zone_constraints_are_unsupported_alone() {
    let clusters = karmada_cluster_info();
    let label = SpreadConstraint {
        field: None,
        label: Some("team".to_owned()),
        min_groups: 1,
        max_groups: 2,
    };
    for constraints in [
        vec![label.clone()],
        vec![by(SpreadField::Zone, 1, 2)],
        vec![by(SpreadField::Provider, 1, 1)],
    ] {
        let err = select_clusters(&clusters, &constraints, 1, Mode::Divided).unwrap_err();
        assert_eq!(err.kind(), &SpreadErrorKind::UnsupportedConstraint);
        assert_eq!(
            err.to_string(),
            "just support cluster and region spread constraint"
        );
    }
    // Alongside a cluster constraint the label is ignored.
    let got = select_clusters(
        &clusters,
        &[label, by(SpreadField::Cluster, 1, 1)],
        1,
        Mode::Divided,
    );
    assert_eq!(got.map(|c| names(&c).join(",")), Ok("member4".to_owned()));
    // Static weight ignores even an unsupported constraint.
    let got = select_clusters(
        &clusters,
        &[by(SpreadField::Zone, 1, 2)],
        1,
        Mode::StaticWeight,
    );
    assert_eq!(got.map(|c| c.len()), Ok(4));
}

#[test]
fn the_last_constraint_on_a_field_wins() {
    let clusters = karmada_cluster_info();
    let constraints = [
        by(SpreadField::Cluster, 1, 1),
        by(SpreadField::Cluster, 1, 3),
    ];
    let got = select_clusters(&clusters, &constraints, 1, Mode::Duplicated);
    assert_eq!(got.map(|c| c.len()), Ok(3));
}

#[test]
fn region_selection_end_to_end() {
    // Fresh schedule, Duplicated with 2 replicas: every cluster holds them, so a region scores
    // 1000 x its cluster count. R1 (two clusters) wins over R2 and R3 with one each.
    let mut clusters = vec![
        in_region("a", "R2", 0, 5),
        in_region("b", "R1", 0, 5),
        in_region("c", "R1", 0, 3),
        in_region("d", "R3", 0, 9),
        cand("e", 0, 50),
    ];
    sort_candidates(&mut clusters);
    let constraints = [
        by(SpreadField::Region, 1, 1),
        by(SpreadField::Cluster, 1, 2),
    ];
    let got = select_clusters(&clusters, &constraints, 2, Mode::Duplicated);
    assert_eq!(got.map(|c| names(&c).join(",")), Ok("b,c".to_owned()));
    // Two regions: R1 (2000) with R2 or R3 (1000 each): the tie goes to the combination
    // found first, R2's (the search visits R2 before R3 by name); a leads R2, c is the best of
    // the rest.
    let constraints = [
        by(SpreadField::Region, 2, 2),
        by(SpreadField::Cluster, 1, 3),
    ];
    let got = select_clusters(&clusters, &constraints, 2, Mode::Duplicated);
    assert_eq!(got.map(|c| names(&c).join(",")), Ok("b,a,c".to_owned()));
    // Clusters without a region are never grouped.
    let constraints = [
        by(SpreadField::Region, 4, 4),
        by(SpreadField::Cluster, 1, 4),
    ];
    let err = select_clusters(&clusters, &constraints, 2, Mode::Duplicated).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the number of feasible region is less than spreadConstraint.MinGroups"
    );
    // More clusters wanted than the regions hold.
    let constraints = [
        by(SpreadField::Region, 1, 1),
        by(SpreadField::Cluster, 3, 3),
    ];
    let err = select_clusters(&clusters, &constraints, 2, Mode::Duplicated).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the number of clusters is less than the cluster spreadConstraint.MinGroups"
    );
}

#[test]
fn region_selection_keeps_one_cluster_per_region_beyond_max_groups() {
    // Karmada takes the best cluster of every chosen region, even past the cluster maxGroups.
    let clusters = [
        in_region("a", "R1", 0, 1),
        in_region("b", "R2", 0, 1),
        in_region("c", "R2", 0, 1),
    ];
    let constraints = [
        by(SpreadField::Region, 2, 2),
        by(SpreadField::Cluster, 1, 1),
    ];
    let got = select_clusters(&clusters, &constraints, 1, Mode::Divided);
    assert_eq!(got.map(|c| c.len()), Ok(2));
}

fn arb_candidates() -> impl Strategy<Value = Vec<Candidate>> {
    prop::collection::vec(
        (
            prop::option::of(prop::sample::select(vec!["R1", "R2", "R3", "R4"])),
            0i64..3,
            -5i32..40,
            0usize..2,
        ),
        0..9,
    )
    .prop_map(|specs| {
        specs
            .into_iter()
            .enumerate()
            .map(|(i, (region, score, available, tier))| Candidate {
                name: format!("m{i}").into(),
                provider: None,
                region: region.map(Into::into),
                zones: Vec::new().into(),
                score: score * 50,
                available,
                tier,
            })
            .collect()
    })
}

fn arb_mode() -> impl Strategy<Value = Mode> {
    prop::sample::select(vec![Mode::Duplicated, Mode::Divided, Mode::StaticWeight])
}

fn arb_constraints() -> impl Strategy<Value = Vec<SpreadConstraint>> {
    let field = prop::option::of(prop::sample::select(vec![
        SpreadField::Cluster,
        SpreadField::Region,
        SpreadField::Zone,
        SpreadField::Provider,
    ]));
    prop::collection::vec((field, -1i32..5, -1i32..7), 0..4).prop_map(|specs| {
        specs
            .into_iter()
            .map(|(field, min_groups, max_groups)| SpreadConstraint {
                label: if field.is_none() {
                    Some("team".to_owned())
                } else {
                    None
                },
                field,
                min_groups,
                max_groups,
            })
            .collect()
    })
}

proptest! {
    #[test]
    fn cluster_constraint_selects_at_most_max_groups(
        mut clusters in arb_candidates(),
        min_groups in 0i32..4,
        max_groups in 0i32..8,
        replicas in 0i32..120,
        mode in prop::sample::select(vec![Mode::Duplicated, Mode::Divided]),
    ) {
        sort_candidates(&mut clusters);
        let constraints = [by(SpreadField::Cluster, min_groups, max_groups)];
        if let Ok(selected) = select_clusters(&clusters, &constraints, replicas, mode) {
            prop_assert!(selected.len() <= max_groups as usize);
            if mode == Mode::Divided {
                let total: i64 = selected.iter().map(|c| i64::from(c.available)).sum();
                prop_assert!(total >= i64::from(replicas));
            }
        }
    }

    #[test]
    fn selection_is_a_set_of_candidates(
        mut clusters in arb_candidates(),
        constraints in arb_constraints(),
        replicas in -2i32..120,
        mode in arb_mode(),
    ) {
        sort_candidates(&mut clusters);
        if let Ok(selected) = select_clusters(&clusters, &constraints, replicas, mode) {
            for cluster in &selected {
                prop_assert!(clusters.contains(cluster));
            }
            let mut seen: Vec<&str> = names(&selected);
            seen.sort_unstable();
            seen.dedup();
            prop_assert_eq!(seen.len(), selected.len());
        }
    }

    #[test]
    fn selection_does_not_depend_on_input_order(
        (clusters, shuffled) in arb_candidates()
            .prop_flat_map(|c| (Just(c.clone()), Just(c).prop_shuffle())),
        constraints in arb_constraints(),
        replicas in 0i32..120,
        mode in arb_mode(),
    ) {
        let mut a = clusters;
        let mut b = shuffled;
        sort_candidates(&mut a);
        sort_candidates(&mut b);
        prop_assert_eq!(&a, &b);
        prop_assert_eq!(
            select_clusters(&a, &constraints, replicas, mode),
            select_clusters(&b, &constraints, replicas, mode)
        );
    }

    #[test]
    fn region_selection_respects_region_bounds(
        mut clusters in arb_candidates(),
        region_min in 1i32..4,
        region_extra in 0i32..3,
        cluster_min in 1i32..5,
        cluster_extra in 0i32..4,
        replicas in 0i32..60,
        mode in prop::sample::select(vec![Mode::Duplicated, Mode::Divided]),
    ) {
        sort_candidates(&mut clusters);
        let constraints = [
            by(SpreadField::Region, region_min, region_min + region_extra),
            by(SpreadField::Cluster, cluster_min, cluster_min + cluster_extra),
        ];
        if let Ok(selected) = select_clusters(&clusters, &constraints, replicas, mode) {
            let mut regions: Vec<&str> =
                selected.iter().filter_map(|c| c.region.as_deref()).collect();
            prop_assert_eq!(regions.len(), selected.len());
            regions.sort_unstable();
            regions.dedup();
            prop_assert!(regions.len() as i32 >= region_min);
            prop_assert!(regions.len() as i32 <= region_min + region_extra);
            prop_assert!(selected.len() as i32 >= cluster_min);
        }
    }
}

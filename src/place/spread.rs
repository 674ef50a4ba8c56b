//! Candidate order and spread-constraint cluster selection, as Karmada's scheduler does them
//! (`pkg/scheduler/core/spreadconstraint/`) on a fresh schedule.
//!
//! Input → output: the clusters that passed the filters, each with its score, its estimated
//! available replicas and its overflow tier ([`Candidate`]), sorted by [`sort_candidates`]; the
//! placement's spread constraints (webhook defaults already applied); the binding's
//! `spec.replicas`; and the replica scheduling [`Mode`]. [`select_clusters`] returns the selected
//! clusters in the order Karmada hands them to replica assignment, or Karmada's error
//! ([`SpreadError`], whose `Display` is Karmada's message; the scheduler itself prefixes it with
//! `failed to select clusters: `).
//!
//! How Karmada selects:
//! - no spread constraint, or a static-weight placement: every candidate, in candidate order;
//! - a `region` constraint: regions are chosen first (a depth-first search over region
//!   combinations ranked by region score), then the best cluster of each chosen region, then the
//!   best remaining clusters of those regions up to the `cluster` constraint's `maxGroups`;
//! - otherwise a `cluster` constraint: the first `maxGroups` candidates, swapping in clusters with
//!   more available replicas from the back while their total falls short of the replicas (not
//!   for Duplicated);
//! - otherwise (only `zone`, `provider` or `spreadByLabel` constraints): an error.
//!
//! Invariants: pure, deterministic, never panics. Every returned cluster is one of the candidates
//! and appears once (given distinct names). [`sort_candidates`] is a total order, so selection
//! does not depend on the order the candidates arrived in. Score arithmetic wraps like Go's
//! `int64`.
//!
//! Deliberately not done here:
//! - `spreadByLabel` is never selected by: Karmada fails with "just support cluster and region
//!   spread constraint" unless a `cluster` or `region` constraint is also present, in which case
//!   the label constraint is ignored;
//! - `zone` and `provider` constraints never select (they act only through the filter, as in
//!   Karmada);
//! - steady mode: Karmada adds the replicas already assigned to a cluster to its available
//!   replicas; a fresh schedule has none, so [`Candidate::available`] is the estimator's answer;
//! - input validation: Karmada's webhook rejects negative `minGroups`/`maxGroups`; here a
//!   negative `maxGroups` selects nothing (Karmada's code would slice out of range).

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;

/// A cluster that passed the filters, as the selection sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub name: String,
    /// `spec.provider`, `None` when empty.
    pub provider: Option<String>,
    /// `spec.region`, `None` when empty.
    pub region: Option<String>,
    /// `spec.zones`.
    pub zones: Vec<String>,
    /// Sum of the score plugins; 0 on a fresh schedule.
    pub score: i64,
    /// Estimated available replicas (after the `calAvailableReplicas` glue).
    pub available: i32,
    /// Overflow tier: 0 for the active affinity term itself, `i + 1` for `overflowAffinities[i]`.
    pub tier: usize,
}

/// The value of `spreadByField`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum SpreadField {
    Cluster,
    Region,
    Zone,
    Provider,
}

impl SpreadField {
    /// The field as written in a policy.
    pub fn as_str(self) -> &'static str {
        match self {
            SpreadField::Cluster => "cluster",
            SpreadField::Region => "region",
            SpreadField::Zone => "zone",
            SpreadField::Provider => "provider",
        }
    }
}

/// One entry of `placement.spreadConstraints`, webhook defaults already applied
/// (empty field and label → `cluster`, `minGroups: 0` → 1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpreadConstraint {
    /// `spreadByField`; `None` for a `spreadByLabel` constraint.
    pub field: Option<SpreadField>,
    /// `spreadByLabel`.
    pub label: Option<String>,
    pub min_groups: i32,
    pub max_groups: i32,
}

/// How replicas will be scheduled, as far as the selection cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// `Duplicated`, or no `replicaScheduling`: available replicas are ignored while selecting.
    Duplicated,
    /// `Divided` other than static weight: Aggregated, or dynamic weight.
    Divided,
    /// `Divided` + `Weighted` with no `weightPreference`, or a `staticWeightList` without
    /// `dynamicWeight`: spread constraints are ignored and every candidate is selected.
    StaticWeight,
}

/// Why the selection failed; `Display` gives Karmada's message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpreadError {
    kind: SpreadErrorKind,
}

/// The failures Karmada's spread selection can report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SpreadErrorKind {
    /// Fewer candidates than the `cluster` constraint's `minGroups`.
    TooFewClusters,
    /// The selected clusters (this many) cannot hold the replicas.
    NotEnoughResource { clusters: usize },
    /// Fewer regions than the `region` constraint's `minGroups`.
    TooFewRegions,
    /// No combination of regions satisfies both the region and the cluster constraint.
    NoRegionCombination,
    /// Neither a `cluster` nor a `region` constraint is present.
    UnsupportedConstraint,
}

impl SpreadError {
    fn new(kind: SpreadErrorKind) -> Self {
        SpreadError { kind }
    }

    /// What went wrong.
    pub fn kind(&self) -> &SpreadErrorKind {
        &self.kind
    }
}

impl fmt::Display for SpreadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            SpreadErrorKind::TooFewClusters => f.write_str(
                "the number of feasible clusters is less than spreadConstraint.MinGroups",
            ),
            SpreadErrorKind::NotEnoughResource { clusters } => {
                write!(f, "no enough resource when selecting {clusters} clusters")
            }
            SpreadErrorKind::TooFewRegions => {
                f.write_str("the number of feasible region is less than spreadConstraint.MinGroups")
            }
            SpreadErrorKind::NoRegionCombination => f.write_str(
                "the number of clusters is less than the cluster spreadConstraint.MinGroups",
            ),
            SpreadErrorKind::UnsupportedConstraint => {
                f.write_str("just support cluster and region spread constraint")
            }
        }
    }
}

impl std::error::Error for SpreadError {}

/// Karmada's candidate order: tier ascending, score descending, available replicas descending, name
/// ascending. The remaining fields break ties between equal names so the order is total.
fn candidate_order(a: &Candidate, b: &Candidate) -> Ordering {
    a.tier
        .cmp(&b.tier)
        .then_with(|| b.score.cmp(&a.score))
        .then_with(|| b.available.cmp(&a.available))
        .then_with(|| a.name.cmp(&b.name))
        .then_with(|| a.provider.cmp(&b.provider))
        .then_with(|| a.region.cmp(&b.region))
        .then_with(|| a.zones.cmp(&b.zones))
}

/// Sort candidates as Karmada does (tier asc, score desc, available desc, name asc).
pub fn sort_candidates(candidates: &mut [Candidate]) {
    candidates.sort_by(candidate_order);
}

/// Karmada's `SelectBestClusters`. `candidates` must already be sorted by [`sort_candidates`];
/// `replicas` is the binding's `spec.replicas` (region scores use it even for Duplicated).
/// Returns the selected clusters in Karmada's order, or Karmada's error.
pub fn select_clusters(
    candidates: &[Candidate],
    constraints: &[SpreadConstraint],
    replicas: i32,
    mode: Mode,
) -> Result<Vec<Candidate>, SpreadError> {
    if constraints.is_empty() || mode == Mode::StaticWeight {
        return Ok(candidates.to_vec());
    }
    // Karmada keys the constraints by field: a later constraint on a field replaces an earlier one.
    let last = |field: SpreadField| constraints.iter().rev().find(|c| c.field == Some(field));
    let cluster = last(SpreadField::Cluster);
    if let Some(region) = last(SpreadField::Region) {
        let no_constraint = SpreadConstraint {
            field: Some(SpreadField::Cluster),
            label: None,
            min_groups: 0,
            max_groups: 0,
        };
        let cluster = cluster.unwrap_or(&no_constraint);
        let regions = group_by_region(
            candidates,
            replicas,
            mode,
            region.min_groups,
            cluster.min_groups,
        );
        return select_by_region(&regions, region, cluster);
    }
    match cluster {
        Some(cluster) => {
            let need = if mode == Mode::Duplicated {
                None
            } else {
                Some(replicas)
            };
            select_by_cluster(candidates, cluster, need)
        }
        None => Err(SpreadError::new(SpreadErrorKind::UnsupportedConstraint)),
    }
}

/// `selectBestClustersByCluster`: the first `maxGroups` candidates; when `need` replicas are given,
/// clusters with more available replicas are swapped in until they fit.
fn select_by_cluster(
    candidates: &[Candidate],
    constraint: &SpreadConstraint,
    need: Option<i32>,
) -> Result<Vec<Candidate>, SpreadError> {
    if (candidates.len() as i64) < i64::from(constraint.min_groups) {
        return Err(SpreadError::new(SpreadErrorKind::TooFewClusters));
    }
    let count = candidates
        .len()
        .min(usize::try_from(constraint.max_groups).unwrap_or(0));
    let Some(need) = need else {
        return Ok(candidates[..count].to_vec());
    };
    let selected = select_by_available(candidates, count, need);
    if selected.is_empty() {
        return Err(SpreadError::new(SpreadErrorKind::NotEnoughResource {
            clusters: count,
        }));
    }
    Ok(selected)
}

/// `selectClustersByAvailableResource`: walk the picked clusters from the last to the first,
/// swapping each with the unpicked cluster holding the most available replicas (strictly more than
/// the picked one; the first such on ties) until the picked total reaches `need`. Empty when it
/// never does.
fn select_by_available(candidates: &[Candidate], count: usize, need: i32) -> Vec<Candidate> {
    let mut picked = candidates[..count].to_vec();
    let mut rest = candidates[count..].to_vec();
    let fits = |clusters: &[Candidate]| {
        clusters.iter().map(|c| i64::from(c.available)).sum::<i64>() >= i64::from(need)
    };
    for position in (0..picked.len()).rev() {
        if fits(&picked) {
            break;
        }
        let mut best: Option<usize> = None;
        let mut most = picked[position].available;
        for (index, cluster) in rest.iter().enumerate() {
            if cluster.available > most {
                most = cluster.available;
                best = Some(index);
            }
        }
        if let Some(index) = best {
            std::mem::swap(&mut picked[position], &mut rest[index]);
        }
    }
    if fits(&picked) { picked } else { Vec::new() }
}

/// A region and its clusters in candidate order.
#[derive(Clone, Debug, PartialEq, Eq)]
struct RegionGroup {
    name: String,
    score: i64,
    clusters: Vec<Candidate>,
}

/// `generateRegionInfo`: group the candidates by region (clusters without a region belong to none)
/// and score each region.
fn group_by_region(
    candidates: &[Candidate],
    replicas: i32,
    mode: Mode,
    region_min_groups: i32,
    cluster_min_groups: i32,
) -> Vec<RegionGroup> {
    let mut by_name: BTreeMap<&str, Vec<Candidate>> = BTreeMap::new();
    for candidate in candidates {
        if let Some(region) = candidate.region.as_deref().filter(|r| !r.is_empty()) {
            by_name.entry(region).or_default().push(candidate.clone());
        }
    }
    by_name
        .into_iter()
        .map(|(name, clusters)| RegionGroup {
            name: name.to_owned(),
            score: group_score(
                &clusters,
                replicas,
                mode,
                region_min_groups,
                cluster_min_groups,
            ),
            clusters,
        })
        .collect()
}

/// Karmada's weight unit for group scores: replicas count in thousands, the mean score in units.
const WEIGHT_UNIT: i64 = 1000;

/// `calcGroupScore`: the score of a group whose clusters are in candidate order.
fn group_score(
    clusters: &[Candidate],
    replicas: i32,
    mode: Mode,
    group_min_groups: i32,
    cluster_min_groups: i32,
) -> i64 {
    if mode == Mode::Duplicated {
        // Clusters that can hold every replica count first, their mean score second.
        let target = i64::from(replicas);
        let valid: Vec<&Candidate> = clusters
            .iter()
            .filter(|c| i64::from(c.available) >= target)
            .collect();
        if valid.is_empty() {
            return 0;
        }
        let count = valid.len() as i64;
        let scores = valid.iter().fold(0i64, |sum, c| sum.wrapping_add(c.score));
        return count.wrapping_mul(WEIGHT_UNIT).wrapping_add(scores / count);
    }
    // A group always has a cluster; Go would divide by zero on an empty one.
    if clusters.is_empty() {
        return 0;
    }
    let target = ceil_div_as_go(replicas, group_min_groups);
    let wanted = i64::from(cluster_min_groups.max(group_min_groups));
    let mut available = 0i64;
    let mut scores = 0i64;
    let mut taken = 0i64;
    for cluster in clusters {
        available = available.wrapping_add(i64::from(cluster.available));
        scores = scores.wrapping_add(cluster.score);
        taken += 1;
        if taken >= wanted && available >= target {
            break;
        }
    }
    if available < target {
        available
            .wrapping_mul(WEIGHT_UNIT)
            .wrapping_add(scores / clusters.len() as i64)
    } else {
        target
            .wrapping_mul(WEIGHT_UNIT)
            .wrapping_add(scores / taken)
    }
}

/// `int64(math.Ceil(float64(replicas) / float64(groups)))` as Go computes it on amd64, where
/// converting an infinite or NaN quotient gives `math.MinInt64` (webhook defaults make
/// `groups >= 1`).
fn ceil_div_as_go(replicas: i32, groups: i32) -> i64 {
    if groups == 0 {
        return i64::MIN;
    }
    (f64::from(replicas) / f64::from(groups)).ceil() as i64
}

/// `selectBestClustersByRegion`: choose regions, then the best cluster of each, then the best of
/// the rest up to the cluster constraint's `maxGroups`.
fn select_by_region(
    regions: &[RegionGroup],
    region: &SpreadConstraint,
    cluster: &SpreadConstraint,
) -> Result<Vec<Candidate>, SpreadError> {
    if (regions.len() as i64) < i64::from(region.min_groups) {
        return Err(SpreadError::new(SpreadErrorKind::TooFewRegions));
    }
    let groups: Vec<Group> = regions
        .iter()
        .map(|r| Group {
            name: r.name.clone(),
            value: r.clusters.len() as i64,
            weight: r.score,
        })
        .collect();
    let chosen = select_groups(
        groups,
        i64::from(region.min_groups),
        i64::from(region.max_groups),
        i64::from(cluster.min_groups),
    );
    if chosen.is_empty() {
        return Err(SpreadError::new(SpreadErrorKind::NoRegionCombination));
    }
    let mut selected = Vec::new();
    let mut rest = Vec::new();
    for group in &chosen {
        let Some(region) = regions.iter().find(|r| r.name == group.name) else {
            continue;
        };
        let mut clusters = region.clusters.iter();
        if let Some(best) = clusters.next() {
            selected.push(best.clone());
        }
        rest.extend(clusters.cloned());
    }
    let total = selected.len() + rest.len();
    let count = total.min(usize::try_from(cluster.max_groups).unwrap_or(0));
    if count > selected.len() {
        rest.sort_by(candidate_order);
        let more = count - selected.len();
        selected.extend(rest.into_iter().take(more));
    }
    Ok(selected)
}

/// A group for [`select_groups`]: `value` counts its clusters, `weight` is its score.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Group {
    name: String,
    value: i64,
    weight: i64,
}

/// A feasible combination found by the search, its groups in weight-desc/name-asc order.
#[derive(Clone, Debug)]
struct Path {
    id: usize,
    groups: Vec<Group>,
    weight: i64,
    value: i64,
}

impl Path {
    /// Whether `shorter` has fewer groups and names the same groups as this path's first ones.
    fn starts_with(&self, shorter: &Path) -> bool {
        shorter.groups.len() < self.groups.len()
            && shorter
                .groups
                .iter()
                .zip(&self.groups)
                .all(|(a, b)| a.name == b.name)
    }
}

/// `selectGroups`: the best combination of groups whose size lies in `[min, max]` and whose values
/// reach `target`, in weight-desc/name-asc order; empty when there is none.
/// Like Karmada's, the search enumerates combinations: its cost grows exponentially with the
/// number of regions.
fn select_groups(mut groups: Vec<Group>, min: i64, max: i64, target: i64) -> Vec<Group> {
    if groups.is_empty() {
        return Vec::new();
    }
    groups.sort_by(|a, b| {
        a.value
            .cmp(&b.value)
            .then_with(|| b.weight.cmp(&a.weight))
            .then_with(|| a.name.cmp(&b.name))
    });
    let mut search = Search {
        groups: &groups,
        min,
        max,
        target,
        path: Vec::new(),
        found: Vec::new(),
    };
    search.walk(0, 0);
    prioritize(search.found)
        .map(|p| p.groups)
        .unwrap_or_default()
}

/// The depth-first search of `findFeasiblePaths`, over groups sorted by value asc, weight desc,
/// name asc.
struct Search<'a> {
    groups: &'a [Group],
    min: i64,
    max: i64,
    target: i64,
    /// Indices into `groups` of the combination being grown.
    path: Vec<usize>,
    found: Vec<Path>,
}

impl Search<'_> {
    /// Grow the current combination with groups from `begin` on. Returns `true` when the search
    /// must stop altogether (Karmada stops backtracking when every group is needed to reach `min`).
    fn walk(&mut self, sum: i64, begin: usize) -> bool {
        let length = self.path.len() as i64;
        if sum >= self.target && length >= self.min && length <= self.max {
            self.record();
            return false;
        }
        if length >= self.max {
            return false;
        }
        let all_needed = self.groups.len() as i64 == self.min;
        for index in begin..self.groups.len() {
            self.path.push(index);
            let stop = self.walk(sum.wrapping_add(self.groups[index].value), index + 1);
            if stop || all_needed {
                return true;
            }
            self.path.pop();
        }
        false
    }

    fn record(&mut self) {
        let mut groups: Vec<Group> = self.path.iter().map(|&i| self.groups[i].clone()).collect();
        groups.sort_by(|a, b| b.weight.cmp(&a.weight).then_with(|| a.name.cmp(&b.name)));
        let weight = groups
            .iter()
            .fold(0i64, |sum, g| sum.wrapping_add(g.weight));
        let value = groups.iter().fold(0i64, |sum, g| sum.wrapping_add(g.value));
        self.found.push(Path {
            id: self.found.len() + 1,
            groups,
            weight,
            value,
        });
    }
}

/// `prioritizePaths`: the path with the highest total weight, then the highest total value, then
/// the earliest found; replaced, in ranking order, by any later path that is a strict prefix of it.
fn prioritize(mut paths: Vec<Path>) -> Option<Path> {
    paths.sort_by(|a, b| {
        b.weight
            .cmp(&a.weight)
            .then_with(|| b.value.cmp(&a.value))
            .then_with(|| a.id.cmp(&b.id))
    });
    let mut paths = paths.into_iter();
    let mut best = paths.next()?;
    for path in paths {
        if best.starts_with(&path) {
            best = path;
        }
    }
    Some(best)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn cand(name: &str, score: i64, available: i32) -> Candidate {
        Candidate {
            name: name.to_owned(),
            provider: None,
            region: None,
            zones: Vec::new(),
            score,
            available,
            tier: 0,
        }
    }

    fn in_region(name: &str, region: &str, score: i64, available: i32) -> Candidate {
        Candidate {
            region: Some(region.to_owned()),
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

    fn names(clusters: &[Candidate]) -> Vec<&str> {
        clusters.iter().map(|c| c.name.as_str()).collect()
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
                want: Err(
                    "the number of feasible clusters is less than spreadConstraint.MinGroups",
                ),
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

    // Karmada `TestSelectGroups` (select_groups_test.go), every case.
    #[test]
    fn select_groups_karmada_cases() {
        let g = |name: &str, value: i64, weight: i64| Group {
            name: name.to_owned(),
            value,
            weight,
        };
        let cases = vec![
            ("empty groups", vec![], 2, 3, 1, vec![]),
            ("no enough groups", vec![g("R1", 1, 80)], 2, 3, 1, vec![]),
            (
                "no enough value",
                vec![g("R1", 1, 80), g("R2", 2, 30)],
                2,
                3,
                4,
                vec![],
            ),
            (
                "select one group",
                vec![g("R1", 1, 80)],
                1,
                3,
                1,
                vec!["R1"],
            ),
            (
                "prioritize one path",
                vec![
                    g("R1", 1, 80),
                    g("R3", 1, 80),
                    g("R2", 1, 60),
                    g("R5", 2, 60),
                    g("R4", 5, 50),
                    g("R6", 3, 50),
                ],
                1,
                3,
                10,
                vec!["R5", "R4", "R6"],
            ),
            (
                "select groups with less total number",
                vec![
                    g("R1", 1, 80),
                    g("R2", 4, 40),
                    g("R3", 1, 30),
                    g("R4", 3, 30),
                    g("R5", 3, 20),
                    g("R6", 5, 10),
                ],
                2,
                6,
                5,
                vec!["R1", "R2"],
            ),
            (
                "select groups with the highest score",
                vec![
                    g("R1", 1, 60),
                    g("R2", 1, 50),
                    g("R3", 1, 40),
                    g("R4", 3, 30),
                    g("R5", 3, 20),
                    g("R6", 3, 10),
                ],
                1,
                3,
                6,
                vec!["R1", "R4", "R5"],
            ),
            (
                "select groups that are chosen earlier",
                vec![
                    g("R1", 1, 60),
                    g("R2", 2, 50),
                    g("R3", 3, 40),
                    g("R4", 4, 30),
                ],
                1,
                2,
                5,
                vec!["R1", "R4"],
            ),
            (
                "select groups with greater value",
                vec![
                    g("R4", 1, 60),
                    g("R3", 3, 50),
                    g("R1", 3, 40),
                    g("R2", 4, 30),
                ],
                1,
                2,
                5,
                vec!["R3", "R1"],
            ),
        ];
        for (name, groups, min, max, target, want) in cases {
            let got = select_groups(groups, min, max, target);
            let got: Vec<&str> = got.iter().map(|g| g.name.as_str()).collect();
            assert_eq!(got, want, "{name}");
        }
    }

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
                .to_owned(),
            ),
            zones: vec![
                if name == "member2" || name == "member4" {
                    "Z2"
                } else {
                    "Z1"
                }
                .to_owned(),
            ],
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

    #[test]
    fn divided_region_score_uses_the_group_min_groups() {
        // target = ceil(10 / 2) = 5, at least max(1, 2) clusters taken.
        let clusters = [cand("a", 0, 3), cand("b", 0, 4), cand("c", 0, 100)];
        assert_eq!(group_score(&clusters, 10, Mode::Divided, 2, 1), 5000);
        let short = [cand("a", 10, 1), cand("b", 20, 1)];
        // Short of the target: available x 1000 + score sum / all clusters.
        assert_eq!(group_score(&short, 10, Mode::Divided, 2, 1), 2015);
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
                    name: format!("m{i}"),
                    provider: None,
                    region: region.map(str::to_owned),
                    zones: Vec::new(),
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
}

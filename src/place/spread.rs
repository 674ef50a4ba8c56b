//! Candidate order and spread-constraint cluster selection, as Karmada's scheduler does them
//! (`pkg/scheduler/core/spreadconstraint/`).
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
//! - steady mode lives in the caller: a cluster of the previous result comes with a score of 100
//!   (ClusterLocality) and its previous replicas added to [`Candidate::available`], as Karmada's
//!   `generateClustersInfo` adds them;
//! - input validation: Karmada's webhook rejects negative `minGroups`/`maxGroups`; here a
//!   negative `maxGroups` selects nothing (Karmada's code would slice out of range).

use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

mod group_score;
mod group_search;

use group_score::{RegionGroup, group_by_region};
use group_search::{Group, select_groups};

/// A cluster that passed the filters, as the selection sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// Shared with every other workload's candidate for the cluster: selection clones candidates.
    pub name: Arc<str>,
    /// `spec.provider`, `None` when empty.
    pub provider: Option<Arc<str>>,
    /// `spec.region`, `None` when empty.
    pub region: Option<Arc<str>>,
    /// `spec.zones`.
    pub zones: Arc<[String]>,
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

#[cfg(test)]
mod tests;

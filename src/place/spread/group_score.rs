//! Regions and their scores, as Karmada's spread selection ranks them (`generateRegionInfo` and
//! `calcGroupScore` in `pkg/scheduler/core/spreadconstraint/group_clusters.go`): the candidates grouped
//! by region, each region scored from its clusters' available replicas and scores.
//!
//! Deliberately not here: which regions are chosen ([`super::group_search`]) and which of their
//! clusters are selected ([`super`]); zone and provider groups (they never select). Score arithmetic
//! wraps like Go's `int64`.

use std::collections::BTreeMap;

use super::{Candidate, Mode};

/// A region and its clusters in candidate order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct RegionGroup {
    pub(super) name: String,
    pub(super) score: i64,
    pub(super) clusters: Vec<Candidate>,
}

/// `generateRegionInfo`: group the candidates by region (clusters without a region belong to none)
/// and score each region.
pub(super) fn group_by_region(
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

#[cfg(test)]
mod tests;

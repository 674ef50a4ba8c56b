//! Replica division: how many replicas each selected cluster receives, as Karmada's scheduler assigns
//! them, on a first schedule and in steady mode (`AssignReplicas` in `pkg/scheduler/core/common.go`, `assignment.go`,
//! `division_algorithm.go`, and the Webster dispenser of `pkg/util/helper/webstermethod.go`, `binding.go`).
//!
//! Input → output: the selected clusters in candidate order ([`Candidate`]: name, available replicas,
//! overflow tier), the resolved [`Strategy`], the binding's replicas, whether it has replica
//! requirements, whether overflow tiers are in use, and the template's uid. [`assign`] returns the
//! clusters that receive replicas, sorted by name, or Karmada's error ([`DivideError`], whose `Display`
//! is the message `AssignReplicas` returns; the scheduler itself prefixes it with
//! `failed to assign replicas: `). [`divide_completions`] divides a Job's `.spec.completions` over the
//! assigned clusters as the binding controller does; [`webster`] is the dispenser both use.
//!
//! How Karmada divides:
//! - Duplicated: every cluster gets all the replicas; capacity is never checked;
//! - static weight: Webster / Sainte-Laguë over the clusters with a positive weight (every cluster with
//!   weight 1 when none has one); capacity is never checked;
//! - dynamic weight: when the available replicas (summed as Go's `int32`) cover the replicas, Webster
//!   with the available replicas as weights;
//! - Aggregated: as dynamic weight, but only over the shortest prefix of the clusters sorted by available
//!   replicas descending (Go's unstable `sort.Sort`, reproduced exactly) whose sum covers the replicas;
//! - steady mode ([`Mode`], karmada-semantics.md §5.7): dynamic weight and Aggregated keep the previous
//!   split ([`Candidate::previous`]): a scale-up divides only the difference (Aggregated trying the
//!   clusters already used first) and adds it, a scale-down divides the new total with the previous
//!   replicas as weights; a fresh reschedule divides everything with the previous replicas added to the
//!   available ones. Static weight and Duplicated ignore the previous result;
//! - overflow tiers: tier by tier, each tier taking at most its summed available replicas, divided
//!   inside the tier by the strategy; replicas left after the last tier are an error.
//!
//! Webster ties (equal quotient) go to the cluster with fewer seats, then to the smaller name, or to the
//! larger name when the FNV-1a-32 hash of the uid is odd.
//!
//! Invariants: pure, deterministic, std only, never panics. Static weight, dynamic weight and Aggregated
//! hand out exactly the replicas (when they succeed); dynamic weight and Aggregated never give a cluster
//! more than its available replicas; results depend on the order of the candidates only through
//! Aggregated's prefix (ties in available replicas keep candidate order up to 12 clusters, follow Go's
//! pdqsort above). Webster quotients are compared exactly (cross-multiplication), and the seats are
//! counted in closed form up to a few rounds before the end, so a huge replica count costs no more than
//! a small one.
//!
//! Deliberately not done here:
//! - the order of Karmada's `spec.clusters`: after a merge Karmada appends clusters that got no new
//!   replicas in Go map order; here the previous split is always listed by name, which matters only for
//!   ties in an Aggregated scale-down;
//! - `--enable-empty-workload-propagation` (re-adding every cluster with 0 replicas when a 0-replica
//!   workload with requirements ends with none);
//! - Go's float64 comparison of quotients and its `int32` overflow of `2 * seats + 1` above 2^30 seats:
//!   they differ from exact arithmetic only for weights times seats beyond about 2^52;
//! - multi-component workloads and an unsupported strategy: the caller never builds them.

use std::collections::BTreeMap;
use std::fmt;

use crate::gocompat::sort::go_sort;

mod webster;

pub use webster::webster;

/// A cluster and the replicas it receives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TargetCluster {
    pub name: String,
    pub replicas: i32,
}

/// One selected cluster in candidate order (already sorted by the caller: overflow tier asc, score desc,
/// available desc, name asc).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub name: String,
    /// The estimator's available replicas for this cluster (Karmada's `AllocatableReplicas`: the
    /// replicas it already runs are not added).
    pub available: i32,
    /// The overflow tier: 0 for the active affinity term itself, i + 1 for its `overflowAffinities[i]`.
    pub tier: usize,
    /// Replicas of the previous schedule result on this cluster (0 on a first schedule).
    pub previous: i32,
}

/// How dynamic weight and Aggregated treat the previous result (`assignmentMode` in Karmada's
/// `assignment.go`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    /// Keep the previous split: divide only the difference on a scale-up, divide the new total by the
    /// previous replicas on a scale-down. With no previous result this is a first schedule.
    #[default]
    Steady,
    /// `rescheduleTriggeredAt`: divide everything anew, each cluster's previous replicas added to its
    /// available replicas.
    Fresh,
}

/// The replica division strategy, resolved from the placement's `replicaScheduling`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Strategy {
    Duplicated,
    Aggregated,
    DynamicWeight,
    /// weight per selected cluster, already resolved by the caller as "max weight of the matching
    /// staticWeightList rules", 0 when none matched (a cluster missing from the list counts 0)
    StaticWeight(Vec<(String, i64)>),
}

/// Why Karmada could not assign the replicas.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DivideError {
    /// No cluster was selected.
    NoClusters,
    /// Dynamic weight or Aggregated: the available replicas, summed as Go's `int32` (wrapping), are fewer
    /// than the replicas to place.
    NotEnoughAvailable { available: i32 },
    /// Overflow tiers: replicas were left over after the last tier.
    TiersExhausted,
    /// As `NotEnoughAvailable`, on a fresh reschedule.
    FreshNotEnoughAvailable { available: i32 },
}

impl DivideError {
    /// Whether Karmada reports this as an `UnschedulableError` (binding condition reason `Unschedulable`);
    /// otherwise the reason is `SchedulerError`.
    pub fn is_unschedulable(&self) -> bool {
        !matches!(self, DivideError::NoClusters)
    }
}

impl fmt::Display for DivideError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DivideError::NoClusters => f.write_str("no clusters available to schedule"),
            // A first schedule runs Karmada's steady-mode scale-up, which wraps the unschedulable error.
            DivideError::NotEnoughAvailable { available } => write!(
                f,
                "failed to scale up: Clusters available replicas {available} are not enough to schedule."
            ),
            DivideError::TiersExhausted => {
                f.write_str("Clusters available replicas are not enough to schedule.")
            }
            DivideError::FreshNotEnoughAvailable { available } => write!(
                f,
                "failed to do fresh scale: Clusters available replicas {available} are not enough to schedule."
            ),
        }
    }
}

impl std::error::Error for DivideError {}

/// Karmada's `AssignReplicas` on a first schedule:
/// - no candidates -> error;
/// - replicas <= 0 and !has_requirements -> every selected cluster with 0;
/// - otherwise the strategy; clusters with 0 replicas dropped from the result;
/// - with overflow tiers in use (`tiered == true`: the active affinity term has `overflowAffinities`,
///   even an empty list), fill tier by tier as `pkg/scheduler/core/common.go` does.
///
/// `uid` is the resource template's metadata.uid or "" (tie-break seed). Result sorted by cluster name.
pub fn assign(
    strategy: &Strategy,
    replicas: i32,
    has_requirements: bool,
    candidates: &[Candidate],
    tiered: bool,
    uid: &str,
) -> Result<Vec<TargetCluster>, DivideError> {
    assign_mode(
        strategy,
        replicas,
        has_requirements,
        candidates,
        tiered,
        uid,
        Mode::Steady,
    )
}

/// [`assign`] in the given [`Mode`], the candidates carrying the previous result's replicas.
pub fn assign_mode(
    strategy: &Strategy,
    replicas: i32,
    has_requirements: bool,
    candidates: &[Candidate],
    tiered: bool,
    uid: &str,
    mode: Mode,
) -> Result<Vec<TargetCluster>, DivideError> {
    if candidates.is_empty() {
        return Err(DivideError::NoClusters);
    }
    let mut result = if replicas > 0 || has_requirements {
        if tiered {
            assign_tiers(strategy, replicas, candidates, uid, mode)?
        } else {
            assign_group(strategy, replicas, candidates, uid, mode)?
        }
    } else {
        // Non-workloads (and 0-replica workloads without requirements) go everywhere.
        candidates.iter().map(|c| target(&c.name, 0)).collect()
    };
    result.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(result)
}

/// Job completions: divide `completions` over the clusters with their assigned replicas
/// (parallelism) as weights, seed uid. Every cluster is listed, by name, zero included; an empty result
/// (no clusters, or weights summing to 0) means Karmada leaves `.spec.completions` untouched.
pub fn divide_completions(
    completions: i32,
    assigned: &[TargetCluster],
    uid: &str,
) -> Vec<TargetCluster> {
    let weights: Vec<(String, i64)> = assigned
        .iter()
        .map(|t| (t.name.clone(), i64::from(t.replicas)))
        .collect();
    dispense(completions, &weights, uid)
}

fn target(name: &str, replicas: i32) -> TargetCluster {
    TargetCluster {
        name: name.to_string(),
        replicas,
    }
}

/// Overflow tiers: tier by tier, each taking min(remaining, its summed available replicas, the previous
/// replicas included as Karmada's `AvailableReplicas` has them).
fn assign_tiers(
    strategy: &Strategy,
    replicas: i32,
    candidates: &[Candidate],
    uid: &str,
    mode: Mode,
) -> Result<Vec<TargetCluster>, DivideError> {
    let mut tiers: BTreeMap<usize, Vec<Candidate>> = BTreeMap::new();
    for c in candidates {
        tiers.entry(c.tier).or_default().push(c.clone());
    }
    let mut result = Vec::new();
    let mut remaining = replicas;
    for group in tiers.values() {
        let capacity: i64 = (group.iter())
            .map(|c| i64::from(c.available) + i64::from(c.previous))
            .sum();
        // Bounded above by `remaining`; the clamp only guards against negative available replicas.
        let share = i64::from(remaining)
            .min(capacity)
            .clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32;
        result.extend(assign_group(strategy, share, group, uid, mode)?);
        remaining = remaining.wrapping_sub(share);
        if remaining <= 0 {
            break;
        }
    }
    if remaining > 0 {
        return Err(DivideError::TiersExhausted);
    }
    Ok(result)
}

/// One strategy over one group of clusters (all candidates, or one tier); zero-replica clusters dropped.
fn assign_group(
    strategy: &Strategy,
    replicas: i32,
    group: &[Candidate],
    uid: &str,
    mode: Mode,
) -> Result<Vec<TargetCluster>, DivideError> {
    let result = match strategy {
        Strategy::Duplicated => group.iter().map(|c| target(&c.name, replicas)).collect(),
        Strategy::StaticWeight(rules) => static_weight(replicas, group, rules, uid),
        Strategy::DynamicWeight => dynamic(replicas, group, false, uid, mode)?,
        Strategy::Aggregated => dynamic(replicas, group, true, uid, mode)?,
    };
    Ok(result.into_iter().filter(|t| t.replicas > 0).collect())
}

fn static_weight(
    replicas: i32,
    group: &[Candidate],
    rules: &[(String, i64)],
    uid: &str,
) -> Vec<TargetCluster> {
    let mut resolved: BTreeMap<&str, i64> = BTreeMap::new();
    for (name, weight) in rules {
        let w = resolved.entry(name).or_insert(0);
        *w = (*w).max(*weight);
    }
    let mut list: Vec<(String, i64)> = group
        .iter()
        .filter_map(|c| {
            let w = resolved.get(c.name.as_str()).copied().unwrap_or(0);
            (w > 0).then(|| (c.name.clone(), w))
        })
        .collect();
    if list.iter().fold(0i64, |s, w| s.wrapping_add(w.1)) == 0 {
        list = group.iter().map(|c| (c.name.clone(), 1)).collect();
    }
    dispense(replicas, &list, uid)
}

/// Dynamic weight and Aggregated (`assignByDynamicStrategy`). The previous result is the candidates'
/// `previous` replicas (clusters that are no longer candidates are already left out, as
/// `buildScheduledClusters` does), listed by name.
/// - Fresh: every replica divided anew, weights = available + previous (`dynamicFreshScale`);
/// - Steady, previous sum > replicas: the new total divided with the previous replicas as weights
///   (`dynamicScaleDown`);
/// - Steady, previous sum < replicas: only the difference divided, weights = available, Aggregated
///   trying the clusters already used first, then added to the previous split (`dynamicScaleUp`; a
///   first schedule is a scale-up from zero);
/// - Steady, equal: the previous split.
fn dynamic(
    replicas: i32,
    group: &[Candidate],
    aggregated: bool,
    uid: &str,
    mode: Mode,
) -> Result<Vec<TargetCluster>, DivideError> {
    let mut scheduled: Vec<(String, i32)> = (group.iter())
        .filter(|c| c.previous != 0)
        .map(|c| (c.name.clone(), c.previous))
        .collect();
    scheduled.sort();
    let assigned = scheduled.iter().fold(0i32, |s, c| s.wrapping_add(c.1));
    if mode == Mode::Fresh {
        let mut available: Vec<(String, i32)> = (group.iter())
            .map(|c| (c.name.clone(), c.available.wrapping_add(c.previous)))
            .collect();
        go_sort(&mut available, |a, b| a.1 > b.1);
        return divide_dynamic(replicas, available, &[], aggregated, uid)
            .map_err(|available| DivideError::FreshNotEnoughAvailable { available });
    }
    if assigned > replicas {
        let mut available = scheduled;
        go_sort(&mut available, |a, b| a.1 > b.1);
        // The previous replicas sum to more than the target: the division cannot fall short.
        return Ok(divide_dynamic(replicas, available, &[], aggregated, uid).unwrap_or_default());
    }
    if assigned == replicas {
        return Ok(scheduled.into_iter().map(|(n, r)| target(&n, r)).collect());
    }
    let mut available: Vec<(String, i32)> = (group.iter())
        .map(|c| (c.name.clone(), c.available))
        .collect();
    go_sort(&mut available, |a, b| a.1 > b.1);
    divide_dynamic(
        replicas.wrapping_sub(assigned),
        available,
        &scheduled,
        aggregated,
        uid,
    )
    .map_err(|available| DivideError::NotEnoughAvailable { available })
}

/// Karmada's `dynamicDivideReplicas`: `seats` replicas over `available` (sorted by available
/// replicas, descending), then added to `scheduled`. `Err` carries the available sum (Go `int32`)
/// when it falls short of `seats`.
fn divide_dynamic(
    seats: i32,
    mut available: Vec<(String, i32)>,
    scheduled: &[(String, i32)],
    aggregated: bool,
    uid: &str,
) -> Result<Vec<TargetCluster>, i32> {
    let sum = available.iter().fold(0i32, |s, a| s.wrapping_add(a.1));
    if sum < seats {
        return Err(sum);
    }
    if aggregated {
        // `resortAvailableClusters`: clusters already holding replicas first, each part in order.
        let used = |name: &str| scheduled.iter().any(|s| s.0 == name && s.1 > 0);
        let (mut first, rest): (Vec<_>, Vec<_>) = available.into_iter().partition(|a| used(&a.0));
        first.extend(rest);
        available = first;
        let mut prefix = 0i32;
        if let Some(end) = available.iter().position(|a| {
            prefix = prefix.wrapping_add(a.1);
            prefix >= seats
        }) {
            available.truncate(end + 1);
        }
    }
    let weights: Vec<(String, i64)> = available
        .into_iter()
        .map(|(name, a)| (name, i64::from(a)))
        .collect();
    let mut result = dispense(seats, &weights, uid);
    // `MergeTargetClusters`: the new replicas added to the previous ones.
    for (name, replicas) in scheduled {
        match result.iter_mut().find(|t| &t.name == name) {
            Some(t) => t.replicas = t.replicas.wrapping_add(*replicas),
            None => result.push(target(name, *replicas)),
        }
    }
    Ok(result)
}

/// Karmada's `Dispenser` with no initial result: nothing when the weights sum (Go `int64`) to 0.
fn dispense(replicas: i32, weights: &[(String, i64)], uid: &str) -> Vec<TargetCluster> {
    if weights.iter().fold(0i64, |s, w| s.wrapping_add(w.1)) == 0 {
        return Vec::new();
    }
    webster(replicas, weights, uid)
}

#[cfg(test)]
mod tests;

//! Replica division: how many replicas each selected cluster receives, as Karmada's scheduler assigns
//! them on a first schedule (`AssignReplicas` in `pkg/scheduler/core/common.go`, `assignment.go`,
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
//! - steady mode: a later schedule that scales an existing assignment up or down (keeping the previous
//!   clusters) is not reproduced yet; every call is a first schedule, which Karmada runs as a scale-up
//!   from zero (hence the `failed to scale up: ` in its error);
//! - `--enable-empty-workload-propagation` (re-adding every cluster with 0 replicas when a 0-replica
//!   workload with requirements ends with none);
//! - Go's float64 comparison of quotients and its `int32` overflow of `2 * seats + 1` above 2^30 seats:
//!   they differ from exact arithmetic only for weights times seats beyond about 2^52;
//! - multi-component workloads and an unsupported strategy: the caller never builds them.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BinaryHeap};
use std::fmt;

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
    /// The estimator's available replicas for this cluster (on a first schedule nothing is assigned yet).
    pub available: i32,
    /// The overflow tier: 0 for the active affinity term itself, i + 1 for its `overflowAffinities[i]`.
    pub tier: usize,
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
    if candidates.is_empty() {
        return Err(DivideError::NoClusters);
    }
    let mut result = if replicas > 0 || has_requirements {
        if tiered {
            assign_tiers(strategy, replicas, candidates, uid)?
        } else {
            assign_group(strategy, replicas, candidates, uid)?
        }
    } else {
        // Non-workloads (and 0-replica workloads without requirements) go everywhere.
        candidates.iter().map(|c| target(&c.name, 0)).collect()
    };
    result.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(result)
}

/// The Webster / Sainte-Laguë dispenser (pkg/util/helper/webstermethod.go): `seats` seats over
/// (name, weight); each seat goes to the highest `weight / (2 * seats + 1)`.
/// Ties: fewer seats first, then name ascending if uid is empty or FNV-1a-32(uid) is even, descending
/// if odd. Quotients are compared exactly. A name listed twice keeps its last weight. Result listed by
/// name ascending, zero-seat clusters included; empty when `weights` is.
pub fn webster(seats: i32, weights: &[(String, i64)], uid: &str) -> Vec<TargetCluster> {
    let mut votes: BTreeMap<&str, i64> = BTreeMap::new();
    for (name, weight) in weights {
        votes.insert(name, *weight);
    }
    let parties: Vec<(&str, i64)> = votes.into_iter().collect();
    let weights: Vec<i64> = parties.iter().map(|p| p.1).collect();
    let given = allocate(seats, &weights, name_descending(uid));
    parties
        .iter()
        .zip(given)
        .map(|((name, _), seats)| target(name, seats))
        .collect()
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

/// Overflow tiers: tier by tier, each taking min(remaining, its summed available replicas).
fn assign_tiers(
    strategy: &Strategy,
    replicas: i32,
    candidates: &[Candidate],
    uid: &str,
) -> Result<Vec<TargetCluster>, DivideError> {
    let mut tiers: BTreeMap<usize, Vec<Candidate>> = BTreeMap::new();
    for c in candidates {
        tiers.entry(c.tier).or_default().push(c.clone());
    }
    let mut result = Vec::new();
    let mut remaining = replicas;
    for group in tiers.values() {
        let capacity: i64 = group.iter().map(|c| i64::from(c.available)).sum();
        // Bounded above by `remaining`; the clamp only guards against negative available replicas.
        let share = i64::from(remaining)
            .min(capacity)
            .clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32;
        result.extend(assign_group(strategy, share, group, uid)?);
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
) -> Result<Vec<TargetCluster>, DivideError> {
    let result = match strategy {
        Strategy::Duplicated => group.iter().map(|c| target(&c.name, replicas)).collect(),
        Strategy::StaticWeight(rules) => static_weight(replicas, group, rules, uid),
        Strategy::DynamicWeight => dynamic(replicas, group, false, uid)?,
        Strategy::Aggregated => dynamic(replicas, group, true, uid)?,
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

/// Dynamic weight and Aggregated on a first schedule (Karmada's steady scale-up from zero).
fn dynamic(
    replicas: i32,
    group: &[Candidate],
    aggregated: bool,
    uid: &str,
) -> Result<Vec<TargetCluster>, DivideError> {
    if replicas <= 0 {
        // Nothing to add: Karmada returns the (empty) previous result.
        return Ok(Vec::new());
    }
    let mut available: Vec<(String, i32)> = group
        .iter()
        .map(|c| (c.name.clone(), c.available))
        .collect();
    go_sort(&mut available, |a, b| a.1 > b.1);
    let sum = available.iter().fold(0i32, |s, a| s.wrapping_add(a.1));
    if sum < replicas {
        return Err(DivideError::NotEnoughAvailable { available: sum });
    }
    if aggregated {
        let mut prefix = 0i32;
        if let Some(end) = available.iter().position(|a| {
            prefix = prefix.wrapping_add(a.1);
            prefix >= replicas
        }) {
            available.truncate(end + 1);
        }
    }
    let weights: Vec<(String, i64)> = available
        .into_iter()
        .map(|(name, a)| (name, i64::from(a)))
        .collect();
    Ok(dispense(replicas, &weights, uid))
}

/// Karmada's `Dispenser` with no initial result: nothing when the weights sum (Go `int64`) to 0.
fn dispense(replicas: i32, weights: &[(String, i64)], uid: &str) -> Vec<TargetCluster> {
    if weights.iter().fold(0i64, |s, w| s.wrapping_add(w.1)) == 0 {
        return Vec::new();
    }
    webster(replicas, weights, uid)
}

/// Karmada's uid tie-break: larger names win ties when FNV-1a-32 of the uid is odd.
fn name_descending(uid: &str) -> bool {
    !uid.is_empty() && fnv1a32(uid.as_bytes()) & 1 == 1
}

fn fnv1a32(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5u32, |h, b| {
        (h ^ u32::from(*b)).wrapping_mul(0x0100_0193)
    })
}

/// Webster seats for parties listed by name ascending (distinct names); returns seats per party.
fn allocate(seats: i32, weights: &[i64], descending: bool) -> Vec<i32> {
    let k = weights.len();
    let mut given = vec![0i32; k];
    if seats <= 0 || k == 0 {
        return given;
    }
    // Rank in tie order: the party with the smaller rank wins a full tie.
    let rank = |i: usize| if descending { k - 1 - i } else { i };
    let positive: Vec<usize> = (0..k).filter(|&i| weights[i] > 0).collect();
    if positive.is_empty() {
        allocate_without_positive(seats, weights, &rank, &mut given);
        return given;
    }
    // Closed form for the bulk: with lambda = W / (2 * seats - k) over the positive parties, every
    // quotient above lambda is among the first seats handed out (their count is below `seats`), so each
    // party starts with the number of its quotients above lambda; the heap hands out the rest in order.
    let total: i128 = positive.iter().map(|&i| i128::from(weights[i])).sum();
    let divisor = 2 * i128::from(seats) - positive.len() as i128;
    let mut left = seats;
    if divisor > 0 {
        for &i in &positive {
            let q = i128::from(weights[i]) * divisor;
            // number of odd o with o * total < q
            let below = (q - 1) / total;
            let count = i32::try_from((below + 1) / 2).unwrap_or(i32::MAX).min(left);
            given[i] = count;
            left -= count;
        }
    }
    let mut heap: BinaryHeap<Party> = positive
        .iter()
        .map(|&i| Party {
            index: i,
            weight: weights[i],
            seats: given[i],
            rank: rank(i),
        })
        .collect();
    while left > 0 {
        let Some(mut next) = heap.pop() else { break };
        next.seats += 1;
        given[next.index] = next.seats;
        left -= 1;
        heap.push(next);
    }
    given
}

/// No positive weight. Zero-weight parties (quotient 0) outrank negative ones and share the seats round
/// robin in tie order; with only negative weights the best party wins the first seat and, its quotient
/// only rising, every later one.
fn allocate_without_positive(
    seats: i32,
    weights: &[i64],
    rank: &dyn Fn(usize) -> usize,
    given: &mut [i32],
) {
    let mut zeros: Vec<usize> = (0..weights.len()).filter(|&i| weights[i] == 0).collect();
    if zeros.is_empty() {
        let best = (0..weights.len()).max_by(|&a, &b| {
            weights[a]
                .cmp(&weights[b])
                .then_with(|| rank(b).cmp(&rank(a)))
        });
        if let Some(best) = best {
            given[best] = seats;
        }
        return;
    }
    zeros.sort_by_key(|&i| rank(i));
    let n = zeros.len() as i64;
    let each = i64::from(seats) / n;
    let extra = i64::from(seats) % n;
    for (position, &i) in zeros.iter().enumerate() {
        let share = each + i64::from((position as i64) < extra);
        given[i] = i32::try_from(share).unwrap_or(i32::MAX);
    }
}

/// A heap entry: the greatest entry gets the next seat.
#[derive(Debug, PartialEq, Eq)]
struct Party {
    index: usize,
    weight: i64,
    seats: i32,
    rank: usize,
}

impl Ord for Party {
    fn cmp(&self, other: &Self) -> Ordering {
        quotient_cmp(self.weight, self.seats, other.weight, other.seats)
            .then_with(|| other.seats.cmp(&self.seats))
            .then_with(|| other.rank.cmp(&self.rank))
    }
}

impl PartialOrd for Party {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Compares w_a / (2 s_a + 1) with w_b / (2 s_b + 1) exactly (denominators are positive).
fn quotient_cmp(w_a: i64, s_a: i32, w_b: i64, s_b: i32) -> Ordering {
    let d_a = 2 * i128::from(s_a) + 1;
    let d_b = 2 * i128::from(s_b) + 1;
    (i128::from(w_a) * d_b).cmp(&(i128::from(w_b) * d_a))
}

/// Go's `sort.Sort` (pattern-defeating quicksort, Go 1.19+, with the 64-bit xorshift of current Go),
/// reproduced step for step so that elements that compare equal end in the same order as in Karmada.
/// Insertion sort, hence stable, up to 12 elements.
fn go_sort<T>(data: &mut [T], less: impl Fn(&T, &T) -> bool) {
    let n = data.len();
    if n <= 1 {
        return;
    }
    let limit = bits_len(n);
    let mut sorter = GoSort { data, less };
    sorter.pdqsort(0, n, limit);
}

fn bits_len(n: usize) -> u32 {
    usize::BITS - n.leading_zeros()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Hint {
    Unknown,
    Increasing,
    Decreasing,
}

struct GoSort<'a, T, F> {
    data: &'a mut [T],
    less: F,
}

impl<T, F: Fn(&T, &T) -> bool> GoSort<'_, T, F> {
    fn lt(&self, i: usize, j: usize) -> bool {
        (self.less)(&self.data[i], &self.data[j])
    }

    fn swap(&mut self, i: usize, j: usize) {
        self.data.swap(i, j);
    }

    fn insertion_sort(&mut self, a: usize, b: usize) {
        for i in a + 1..b {
            let mut j = i;
            while j > a && self.lt(j, j - 1) {
                self.swap(j, j - 1);
                j -= 1;
            }
        }
    }

    fn sift_down(&mut self, lo: usize, hi: usize, first: usize) {
        let mut root = lo;
        loop {
            let mut child = 2 * root + 1;
            if child >= hi {
                return;
            }
            if child + 1 < hi && self.lt(first + child, first + child + 1) {
                child += 1;
            }
            if !self.lt(first + root, first + child) {
                return;
            }
            self.swap(first + root, first + child);
            root = child;
        }
    }

    fn heap_sort(&mut self, a: usize, b: usize) {
        let hi = b - a;
        if hi == 0 {
            return;
        }
        for i in (0..=(hi - 1) / 2).rev() {
            self.sift_down(i, hi, a);
        }
        for i in (0..hi).rev() {
            self.swap(a, a + i);
            self.sift_down(0, i, a);
        }
    }

    fn pdqsort(&mut self, mut a: usize, mut b: usize, mut limit: u32) {
        const MAX_INSERTION: usize = 12;
        let mut was_balanced = true;
        let mut was_partitioned = true;
        loop {
            let length = b - a;
            if length <= MAX_INSERTION {
                self.insertion_sort(a, b);
                return;
            }
            if limit == 0 {
                self.heap_sort(a, b);
                return;
            }
            if !was_balanced {
                self.break_patterns(a, b);
                limit -= 1;
            }
            let (mut pivot, mut hint) = self.choose_pivot(a, b);
            if hint == Hint::Decreasing {
                self.reverse_range(a, b);
                pivot = (b - 1) - (pivot - a);
                hint = Hint::Increasing;
            }
            if was_balanced
                && was_partitioned
                && hint == Hint::Increasing
                && self.partial_insertion_sort(a, b)
            {
                return;
            }
            if a > 0 && !self.lt(a - 1, pivot) {
                a = self.partition_equal(a, b, pivot);
                continue;
            }
            let (mid, already_partitioned) = self.partition(a, b, pivot);
            was_partitioned = already_partitioned;
            let (left, right) = (mid - a, b - mid);
            let threshold = length / 8;
            if left < right {
                was_balanced = left >= threshold;
                self.pdqsort(a, mid, limit);
                a = mid + 1;
            } else {
                was_balanced = right >= threshold;
                self.pdqsort(mid + 1, b, limit);
                b = mid;
            }
        }
    }

    /// Requires b - a >= 2 (pdqsort only partitions more than 12 elements).
    fn partition(&mut self, a: usize, b: usize, pivot: usize) -> (usize, bool) {
        self.swap(a, pivot);
        let (mut i, mut j) = (a + 1, b - 1);
        while i <= j && self.lt(i, a) {
            i += 1;
        }
        while i <= j && !self.lt(j, a) {
            j -= 1;
        }
        if i > j {
            self.swap(j, a);
            return (j, true);
        }
        self.swap(i, j);
        i += 1;
        j -= 1;
        loop {
            while i <= j && self.lt(i, a) {
                i += 1;
            }
            while i <= j && !self.lt(j, a) {
                j -= 1;
            }
            if i > j {
                break;
            }
            self.swap(i, j);
            i += 1;
            j -= 1;
        }
        self.swap(j, a);
        (j, false)
    }

    fn partition_equal(&mut self, a: usize, b: usize, pivot: usize) -> usize {
        self.swap(a, pivot);
        let (mut i, mut j) = (a + 1, b - 1);
        loop {
            while i <= j && !self.lt(a, i) {
                i += 1;
            }
            while i <= j && self.lt(a, j) {
                j -= 1;
            }
            if i > j {
                return i;
            }
            self.swap(i, j);
            i += 1;
            j -= 1;
        }
    }

    fn partial_insertion_sort(&mut self, a: usize, b: usize) -> bool {
        const MAX_STEPS: usize = 5;
        const SHORTEST_SHIFTING: usize = 50;
        let mut i = a + 1;
        for _ in 0..MAX_STEPS {
            while i < b && !self.lt(i, i - 1) {
                i += 1;
            }
            if i == b {
                return true;
            }
            if b - a < SHORTEST_SHIFTING {
                return false;
            }
            self.swap(i, i - 1);
            // Shift the smaller one to the left (Go walks down to index 1, not to `a`).
            if i - a >= 2 {
                let mut j = i - 1;
                while j >= 1 {
                    if !self.lt(j, j - 1) {
                        break;
                    }
                    self.swap(j, j - 1);
                    j -= 1;
                }
            }
            // Shift the greater one to the right.
            if b - i >= 2 {
                for j in i + 1..b {
                    if !self.lt(j, j - 1) {
                        break;
                    }
                    self.swap(j, j - 1);
                }
            }
        }
        false
    }

    fn break_patterns(&mut self, a: usize, b: usize) {
        let length = b - a;
        if length >= 8 {
            let mut random = length as u64;
            let modulus = 1usize << bits_len(length);
            let middle = a + (length / 4) * 2;
            for idx in middle - 1..=middle + 1 {
                random ^= random << 13;
                random ^= random >> 7;
                random ^= random << 17;
                let mut other = (random as usize) & (modulus - 1);
                if other >= length {
                    other -= length;
                }
                self.swap(idx, a + other);
            }
        }
    }

    fn choose_pivot(&mut self, a: usize, b: usize) -> (usize, Hint) {
        const SHORTEST_NINTHER: usize = 50;
        const MAX_SWAPS: usize = 4 * 3;
        let l = b - a;
        let mut swaps = 0;
        let mut i = a + l / 4;
        let mut j = a + l / 4 * 2;
        let mut k = a + l / 4 * 3;
        if l >= 8 {
            if l >= SHORTEST_NINTHER {
                i = self.median(i - 1, i, i + 1, &mut swaps);
                j = self.median(j - 1, j, j + 1, &mut swaps);
                k = self.median(k - 1, k, k + 1, &mut swaps);
            }
            j = self.median(i, j, k, &mut swaps);
        }
        let hint = match swaps {
            0 => Hint::Increasing,
            MAX_SWAPS => Hint::Decreasing,
            _ => Hint::Unknown,
        };
        (j, hint)
    }

    fn order2(&self, a: usize, b: usize, swaps: &mut usize) -> (usize, usize) {
        if self.lt(b, a) {
            *swaps += 1;
            (b, a)
        } else {
            (a, b)
        }
    }

    fn median(&self, a: usize, b: usize, c: usize, swaps: &mut usize) -> usize {
        let (a, b) = self.order2(a, b, swaps);
        let (b, _) = self.order2(b, c, swaps);
        let (_, b) = self.order2(a, b, swaps);
        b
    }

    fn reverse_range(&mut self, a: usize, b: usize) {
        let (mut i, mut j) = (a, b - 1);
        while i < j {
            self.swap(i, j);
            i += 1;
            j -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::{
        Just, ProptestConfig, any, prop_assert, prop_assert_eq, prop_oneof, proptest,
    };
    use proptest::strategy::Strategy as _;

    // The uids of Karmada's pkg/util/helper/binding_test.go.
    const EVEN_UID: &str = "4858ca61-3ff8-4095-8267-f3d059d8074c";
    const ODD_UID: &str = "d43fdeeb-d750-4e2b-bee3-64eb94534f4c";

    type Weights = Vec<(String, i64)>;
    type Outcome = Result<Vec<TargetCluster>, DivideError>;
    /// (Go test case name, seats, weights, uid, expected)
    type WebsterCase<'a> = (&'a str, i32, Weights, &'a str, Vec<TargetCluster>);
    /// (Go test case name, strategy, replicas, candidates, expected)
    type AssignCase<'a> = (&'a str, Strategy, i32, Vec<Candidate>, Outcome);

    fn tcs(list: &[(&str, i32)]) -> Vec<TargetCluster> {
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
        }
    }

    fn weights(list: &[(&str, i64)]) -> Vec<(String, i64)> {
        list.iter().map(|(n, w)| (n.to_string(), *w)).collect()
    }

    fn static_w(list: &[(&str, i64)]) -> Strategy {
        Strategy::StaticWeight(weights(list))
    }

    /// The dispenser as Karmada runs it: one seat at a time to the best party (reference for the
    /// closed form in `allocate`).
    fn naive_webster(seats: i32, weights: &[(String, i64)], uid: &str) -> Vec<TargetCluster> {
        let mut votes: BTreeMap<String, i64> = BTreeMap::new();
        for (n, w) in weights {
            votes.insert(n.clone(), *w);
        }
        let mut parties: Vec<(String, i64, i32)> =
            votes.into_iter().map(|(n, w)| (n, w, 0)).collect();
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
        // FNV-1a-32 reference values.
        assert_eq!(fnv1a32(b""), 0x811c_9dc5);
        assert_eq!(fnv1a32(b"a"), 0xe40c_292c);
        assert_eq!(fnv1a32(b"foobar"), 0xbf9c_f968);
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

    /// Go's sort.Sort on (available desc), permutations recorded from Go's implementation.
    #[test]
    fn go_sort_matches_recorded_permutations() {
        let cases: Vec<(Vec<i32>, Vec<usize>)> = vec![
            (vec![10; 15], (0..15).collect()),
            (
                (0..30).map(|i| (i * 7) % 4).collect(),
                vec![
                    9, 1, 29, 25, 21, 5, 17, 13, 14, 18, 10, 22, 2, 6, 26, 15, 27, 7, 11, 19, 3,
                    23, 0, 4, 24, 20, 16, 8, 28, 12,
                ],
            ),
            (
                (0..13).map(|i| i % 2).collect(),
                vec![9, 1, 3, 5, 7, 11, 2, 4, 6, 8, 0, 10, 12],
            ),
            (
                (0..12).map(|i| i % 3).collect(),
                vec![2, 5, 8, 11, 1, 4, 7, 10, 0, 3, 6, 9],
            ),
            (
                {
                    let mut v: Vec<i32> = (0..60).map(|i| 60 - i).collect();
                    v.swap(1, 58);
                    v
                },
                {
                    let mut p: Vec<usize> = (0..60).collect();
                    p.swap(1, 58);
                    p
                },
            ),
        ];
        for (values, want) in cases {
            let mut v: Vec<(usize, i32)> = values.iter().copied().enumerate().collect();
            go_sort(&mut v, |a, b| a.1 > b.1);
            let got: Vec<usize> = v.iter().map(|x| x.0).collect();
            assert_eq!(got, want, "{values:?}");
        }
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

    fn candidates_strategy(
        max_len: usize,
    ) -> impl proptest::strategy::Strategy<Value = Vec<Candidate>> {
        proptest::collection::btree_map("[a-p]{1,2}", (0i32..60, 0usize..3), 1..max_len).prop_map(
            |m| {
                m.into_iter()
                    .map(|(name, (available, tier))| Candidate {
                        name,
                        available,
                        tier,
                    })
                    .collect()
            },
        )
    }

    fn uid_strategy() -> impl proptest::strategy::Strategy<Value = &'static str> {
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
        fn go_sort_sorts_and_is_stable_up_to_12(
            values in proptest::collection::vec(0i32..6, 0..80),
        ) {
            let mut v: Vec<(usize, i32)> = values.iter().copied().enumerate().collect();
            go_sort(&mut v, |a, b| a.1 > b.1);
            prop_assert!(v.windows(2).all(|p| p[0].1 >= p[1].1));
            let mut seen: Vec<usize> = v.iter().map(|x| x.0).collect();
            seen.sort();
            prop_assert_eq!(seen, (0..values.len()).collect::<Vec<_>>());
            if values.len() <= 12 {
                prop_assert!(v.windows(2).all(|p| p[0].1 != p[1].1 || p[0].0 < p[1].0));
            }
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
}

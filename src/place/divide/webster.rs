//! The Webster / Sainte-Laguë dispenser, as Karmada runs it (`pkg/util/helper/webstermethod.go`):
//! `seats` seats over named weights, each seat to the highest `weight / (2 * seats + 1)`, ties to the
//! party with fewer seats, then by name in the order the uid's FNV-1a-32 parity chooses
//! ([`crate::gocompat::fnv`]).
//!
//! Quotients are compared exactly (cross-multiplication), and the seats are counted in closed form up
//! to a few rounds before the end, so a huge seat count costs no more than a small one.
//!
//! Deliberately not here: which weights a strategy hands the dispenser, and Karmada's `Dispenser`
//! check for weights summing to 0 (both in [`super`]); initial seats (the scheduler never passes
//! any); Go's float64 comparison of quotients (it differs from exact arithmetic only beyond about 2^52).

use std::cmp::Ordering;
use std::collections::{BTreeMap, BinaryHeap};

use super::{TargetCluster, target};
use crate::gocompat::fnv::name_descending;

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

#[cfg(test)]
mod tests;

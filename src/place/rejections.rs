//! The clusters a placement leaves out, each with the reason a reviewer can act on, stored compactly.
//!
//! At estate scale most workload × cluster pairs are rejections (10,000 workloads × 1,000 clusters is
//! millions of them), while one workload has only a handful of distinct reasons. So a cluster is its
//! index in `model.clusters` (sorted by name) and each distinct reason is kept once per decision:
//! eight bytes per pair. [`Rejections::groups`] gives the reasons with their clusters, which is how
//! `plan --output json` prints them.

use std::collections::HashMap;

/// Rejected clusters with their reasons. Equality compares the (cluster, reason) pairs in order.
#[derive(Clone, Debug, Default)]
pub struct Rejections {
    /// (cluster index, reason index), in cluster order once [`Rejections::sort`] ran.
    entries: Vec<(u32, u32)>,
    reasons: Vec<Box<str>>,
    /// Reason text → index in `reasons`.
    index: HashMap<Box<str>, u32>,
}

impl Rejections {
    pub fn new() -> Self {
        Self::default()
    }

    /// Reject cluster `cluster` (an index into `model.clusters`) for `reason`.
    pub fn push(&mut self, cluster: usize, reason: &str) {
        let id = self.intern(reason);
        self.push_id(cluster, id);
    }

    /// The id of `reason` for [`Rejections::push_id`] (the same text, the same id).
    pub fn intern(&mut self, reason: &str) -> u32 {
        match self.index.get(reason) {
            Some(&id) => id,
            None => {
                let id = self.reasons.len() as u32;
                self.reasons.push(reason.into());
                self.index.insert(reason.into(), id);
                id
            }
        }
    }

    /// Reject cluster `cluster` for the reason [`Rejections::intern`] gave `id`.
    pub fn push_id(&mut self, cluster: usize, id: u32) {
        self.entries.push((cluster as u32, id));
    }

    /// In cluster order (the inventory's order: by name).
    pub fn sort(&mut self) {
        self.entries.sort_unstable_by_key(|(c, _)| *c);
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Each rejected cluster's index with its reason.
    pub fn iter(&self) -> impl Iterator<Item = (usize, &str)> + '_ {
        (self.entries.iter()).map(|&(c, r)| (c as usize, &*self.reasons[r as usize]))
    }

    pub fn contains(&self, cluster: usize) -> bool {
        self.entries.iter().any(|&(c, _)| c as usize == cluster)
    }

    /// Keep the clusters for which `keep` says so.
    pub fn retain(&mut self, mut keep: impl FnMut(usize) -> bool) {
        self.entries.retain(|&(c, _)| keep(c as usize));
    }

    /// The reasons, each with its clusters in order; reasons in the order of their first cluster.
    pub fn groups(&self) -> Vec<(&str, Vec<usize>)> {
        let mut slot: Vec<Option<usize>> = vec![None; self.reasons.len()];
        let mut out: Vec<(&str, Vec<usize>)> = Vec::new();
        for &(c, r) in &self.entries {
            let g = *slot[r as usize].get_or_insert_with(|| {
                out.push((&self.reasons[r as usize], Vec::new()));
                out.len() - 1
            });
            out[g].1.push(c as usize);
        }
        out
    }
}

impl PartialEq for Rejections {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_kept_once_and_grouped_by_first_cluster() {
        let mut r = Rejections::new();
        r.push(3, "b");
        r.push(1, "a");
        r.push(2, "b");
        r.push(0, "c");
        r.sort();
        assert_eq!(r.reasons.len(), 3);
        let pairs: Vec<(usize, &str)> = r.iter().collect();
        assert_eq!(pairs, [(0, "c"), (1, "a"), (2, "b"), (3, "b")]);
        assert_eq!(
            r.groups(),
            [("c", vec![0]), ("a", vec![1]), ("b", vec![2, 3])]
        );
        assert!(r.contains(2) && !r.contains(4));
        r.retain(|c| c != 2);
        assert_eq!(r.groups(), [("c", vec![0]), ("a", vec![1]), ("b", vec![3])]);
    }

    #[test]
    fn equality_ignores_the_order_reasons_were_first_seen() {
        let mut a = Rejections::new();
        a.push(0, "x");
        a.push(1, "y");
        let mut b = Rejections::new();
        b.push(1, "y");
        b.push(0, "x");
        b.sort();
        assert_eq!(a, b);
        b.push(2, "x");
        assert_ne!(a, b);
    }
}

//! Karmada's filter plugins over the whole inventory for one scheduling attempt, in fanout's fixed
//! order: APIEnablement, TaintToleration, ClusterAffinity, SpreadConstraint (a cluster being deleted
//! is skipped first). Each cluster left out keeps a reason a reviewer can act on; when none passes,
//! Karmada's `0/N clusters are available: ...` error counts the scheduler's own terse reasons.
//!
//! One attempt tests every cluster, and at estate scale most clusters fail for one of a few reasons,
//! so a failure is first identified by what it quotes ([`Why`]) and worded once per distinct reason.
//!
//! Pure: the model in, the answer out.

use super::Rejections;
use super::affinity::{Matcher, Miss, taint_string, untolerated_taint};
use super::api_enablement::{self, ServedApis};
use crate::model::api::{ClusterAffinity, Taint};
use crate::model::{Cluster, Model, Placement, Resource};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// FNV-1a over the few words a [`Why`] hashes: the memo is looked up once per cluster, and a keyed
/// hash costs more than the filters themselves (the keys come from the model, not from an attacker
/// who could choose collisions at will, and a collision only costs time).
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// The filters' answer for one attempt.
pub struct Filtered {
    /// The clusters that pass (indices into `model.clusters`, in order) with their overflow tier: 0
    /// for the active affinity itself, `i` for the `i`-th overflow affinity.
    pub passed: Vec<(usize, usize)>,
    /// The others, each with its reason, in cluster order.
    pub rejected: Rejections,
    /// The detail of Karmada's `0/N clusters are available` error, when no cluster passes.
    pub none_available: Option<String>,
}

/// What a failing cluster's reason depends on: equal keys word the same reason.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Why<'c> {
    Deleting,
    Taint(&'c Taint),
    /// The first of the attempt's affinities the cluster fails, and how.
    Affinity(Miss<'c>),
    /// The property a spread constraint needs and the cluster lacks.
    Spread(&'static str),
}

/// Run the filters over every cluster. `affinities[0]` is the active affinity (the placement's
/// `clusterAffinity` or the term's), the rest its overflow tiers; none means every cluster matches.
/// A cluster of the previous result (`previous[i]` is its replicas there, by cluster index; empty on
/// a first schedule) passes APIEnablement and TaintToleration, as in Karmada; `served` are the APIs the
/// repository's CRDs bring to the clusters they land on.
pub fn filter_clusters(
    model: &Model,
    resource: &Resource,
    placement: &Placement,
    (affinities, previous, served): (&[&ClusterAffinity], &[Option<i32>], &ServedApis),
) -> Filtered {
    let matchers: Vec<Matcher> = affinities.iter().map(|a| Matcher::new(a)).collect();
    let mut passed = Vec::new();
    let mut rejected = Rejections::new();
    // Each distinct reason: its id in `rejected`, Karmada's terse reason and how many clusters.
    let mut seen: HashMap<Why, (u32, String, usize), BuildHasherDefault<Fnv>> = HashMap::default();
    // Clusters without the API: its reason names the cluster's own list, so it is worded per cluster.
    let mut without_api = 0;
    for (i, c) in model.clusters.iter().enumerate() {
        let scheduled = previous.get(i).is_some_and(Option::is_some);
        if !c.deleting
            && !scheduled
            && let Err(detail) = api_enablement::filter(c, resource, served)
        {
            rejected.push(i, &detail);
            without_api += 1;
            continue;
        }
        let why = match check(c, placement, &matchers, scheduled) {
            Ok(tier) => {
                passed.push((i, tier));
                continue;
            }
            Err(why) => why,
        };
        let entry = seen.entry(why).or_insert_with(|| {
            let (karmada, detail) = words(why, &matchers);
            (rejected.intern(&detail), karmada, 0)
        });
        entry.2 += 1;
        rejected.push_id(i, entry.0);
    }
    let none_available = passed.is_empty().then(|| {
        // Counted by Karmada's reason (several of fanout's may share one), deleting clusters aside.
        let mut counts: HashMap<&str, usize> = HashMap::new();
        if without_api > 0 {
            counts.insert(api_enablement::KARMADA_REASON, without_api);
        }
        for (why, (_, karmada, n)) in &seen {
            if !matches!(why, Why::Deleting) {
                *counts.entry(karmada.as_str()).or_default() += n;
            }
        }
        let mut reasons: Vec<String> = counts.iter().map(|(r, n)| format!("{n} {r}")).collect();
        reasons.sort();
        if reasons.is_empty() {
            "no cluster exists".to_owned()
        } else {
            reasons.join(", ")
        }
    });
    Filtered {
        passed,
        rejected,
        none_available,
    }
}

/// The filter plugins after APIEnablement for one cluster; `Ok` gives the overflow tier.
fn check<'c>(
    c: &'c Cluster,
    placement: &Placement,
    affinities: &[Matcher],
    scheduled: bool,
) -> Result<usize, Why<'c>> {
    if c.deleting {
        return Err(Why::Deleting);
    }
    if !scheduled && let Some(taint) = untolerated_taint(c, &placement.tolerations) {
        return Err(Why::Taint(taint));
    }
    let tier = affinity_tier(c, affinities)?;
    spread_properties(c, placement)?;
    Ok(tier)
}

/// ClusterAffinity: the index of the first of `affinities` (the term, then its overflow tiers) the
/// cluster matches; 0 when there is none. A cluster matching none fails as it fails the first.
fn affinity_tier<'c>(c: &'c Cluster, affinities: &[Matcher]) -> Result<usize, Why<'c>> {
    let mut first = None;
    for (i, a) in affinities.iter().enumerate() {
        match a.check(c) {
            Ok(()) => return Ok(i),
            Err(miss) => {
                first.get_or_insert(miss);
            }
        }
    }
    first.map_or(Ok(0), |miss| Err(Why::Affinity(miss)))
}

/// SpreadConstraint: the cluster has the property each spread constraint spreads by.
fn spread_properties<'c>(c: &Cluster, placement: &Placement) -> Result<(), Why<'c>> {
    for s in &placement.spread_constraints {
        let missing = match s.spread_by_field.as_str() {
            "provider" if c.provider.is_none() => Some("provider"),
            "region" if c.region.is_none() => Some("region"),
            "zone" if c.zones.is_empty() => Some("zone"),
            _ => None,
        };
        if let Some(field) = missing {
            return Err(Why::Spread(field));
        }
    }
    Ok(())
}

/// Karmada's terse reason (for `0/N clusters are available`) and fanout's detailed one.
fn words(why: Why<'_>, affinities: &[Matcher]) -> (String, String) {
    match why {
        Why::Deleting => (String::new(), "the cluster is being deleted".into()),
        Why::Taint(taint) => {
            let t = taint_string(taint);
            (
                format!("cluster(s) had untolerated taint {{{t}}}"),
                format!("untolerated taint `{t}`"),
            )
        }
        Why::Affinity(miss) => (
            "cluster(s) did not match the placement cluster affinity constraint".into(),
            affinities
                .first()
                .map(|a| a.reason(&miss))
                .unwrap_or_default(),
        ),
        Why::Spread(field) => {
            let (property, spec) = match field {
                "provider" => ("provider", "provider"),
                "region" => ("region", "region"),
                _ => ("zones", "zones"),
            };
            (
                format!("cluster(s) did not have {property} property"),
                format!("spreading by {field} needs the cluster's `spec.{spec}`, which is not set"),
            )
        }
    }
}

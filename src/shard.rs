//! Sharding (issue #15): split the repository's objects into N balanced shards that compile and render
//! independently, for estates past one machine or one CI job.
//!
//! **The unit** of sharding is a connected group of objects: an object is joined with every object it
//! names as a dependency ([`deps::dependencies`]: the ConfigMaps, Secrets, ServiceAccounts and
//! PersistentVolumeClaims of a pod template, an Ingress's TLS Secrets, ...) or selects by label (a
//! ServiceImport's EndpointSlices, [`deps::interpret`]), with the custom resources of a CRD when the
//! CRD's placement decides whether they pass the API-enablement filter (some cluster's inventory lists
//! APIs without theirs: [`place::api_enablement::crd_links`]), and with every object that
//! would be written to the same file name (another version of one group's kind). Workloads that share a
//! dependency therefore share a shard, and a dependency goes to exactly the clusters it goes to in the
//! whole render. Edges are taken whether or not the claiming policy has `propagateDeps`, so editing a
//! policy never moves a unit. Every object is in exactly one unit, standalone ones (a ConfigMap nothing
//! references, a Namespace, a CRD) in a unit of their own. Policies are not split: every shard sees every
//! PropagationPolicy and OverridePolicy, and each object keeps the policy that claims it (a claim depends
//! only on the object and the policies).
//!
//! Why this is exact: placement is per object (each is filtered against every cluster and its replicas
//! divided on its own, against the inventory's capacities, never against other objects), rendering is
//! per object and cluster, and dependencies only widen the clusters of the objects they name, which sit
//! in the same unit, and a CRD only widens the API filter for its own custom resources, which sit in its
//! unit when that can matter. So a shard's compile gives, for each of its objects, the same files as the whole
//! compile, and the shards' outputs are disjoint. A workload that fails fails its own shard: the whole
//! render succeeds exactly when every shard does.
//!
//! **The cost** of a unit is its objects times the inventory size (at least 1): every object is filtered
//! against every cluster, the term that dominates large estates (README, "Scaling").
//!
//! **Balancing** is rendezvous hashing with bounded loads, deterministic and independent of file order:
//! a unit's identity is its smallest member's `group/kind/namespace/name` (not the version, so a version
//! bump moves nothing); each shard gets a score from a hash of that identity and the shard's number, and
//! a unit prefers the shards in score order. Units are taken largest first (ties by hash, then identity)
//! and each goes to the preferred shard that stays within a cap. The cap is the mean plus
//! [`SLACK_PERCENT`] (almost always enough: units are small beside a shard); when a few large units do
//! not fit in it, the smallest cap the same pass fits them in, up to `⌈mean⌉ + largest unit`, where some
//! shard always has room (a shard that cannot take a unit holds more than the mean, and not all of them
//! can). So **no shard costs more than `max(⌈mean × 1.05⌉, ⌈mean⌉ + largest unit)`** ([`cap`]), and a
//! unit moves only when its preferred shard fills up: adding or removing one workload moves few others,
//! and going from N to N + 1 shards moves about 1/(N + 1) of the units, to the new shard.

use crate::Compiled;
use crate::diagnostic::Diagnostic;
use crate::front::load;
use crate::front::schemas::Schemas;
use crate::model::Model;
use crate::place::{self, deps};
use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::str::FromStr;

/// The most shards a repository may be split into.
pub const MAX_COUNT: usize = 1000;

/// How far above the mean a shard's cost may go before units spill to their next shard, in percent
/// (unless one unit alone is larger: see [`cap`]).
pub const SLACK_PERCENT: u64 = 5;

/// One shard of a split: `index` of `count`, counted from 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl Shard {
    /// The shard's own output directory under the configured one: `shard-I-of-N`.
    pub fn dir_name(&self) -> String {
        format!("shard-{}-of-{}", self.index, self.count)
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = String;

    /// `I/N`, with 1 ≤ I ≤ N ≤ [`MAX_COUNT`].
    fn from_str(s: &str) -> Result<Self, String> {
        let bad =
            || format!("`{s}` is not a shard: expected I/N, as in 2/4 (1 ≤ I ≤ N ≤ {MAX_COUNT})");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let number = |t: &str| {
            (!t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()))
                .then(|| t.parse::<usize>().ok())
                .flatten()
        };
        let (index, count) = (number(i).ok_or_else(bad)?, number(n).ok_or_else(bad)?);
        if index == 0 || index > count || count > MAX_COUNT {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

/// A connected group of objects: the unit of sharding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unit {
    /// Indices into `model.resources`, ascending.
    pub members: Vec<usize>,
    /// The smallest member's `group/kind/namespace/name`.
    pub key: String,
    /// Members times the inventory size.
    pub cost: u64,
}

/// `group/kind/namespace/name` of an object (empty namespace for a cluster-scoped one).
fn identity(r: &crate::model::Resource) -> String {
    let id = &r.id;
    format!(
        "{}/{}/{}/{}",
        id.group(),
        id.kind,
        id.namespace.as_deref().unwrap_or(""),
        id.name
    )
}

/// The units of a model, sorted by key.
pub fn units(model: &Model) -> Vec<Unit> {
    let n = model.resources.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut join = |a: usize, b: usize| {
        let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
        if ra != rb {
            parent[ra.max(rb)] = ra.min(rb);
        }
    };
    // As `place::dependency_followers` looks dependencies up: exact apiVersion, kind, namespace, name.
    let mut by_ref: HashMap<(&str, &str, Option<&str>, &str), usize> = HashMap::new();
    // One output file per group, kind, namespace and name (`render::paths`): such objects clash.
    let mut by_file: HashMap<(&str, &str, Option<&str>, &str), usize> = HashMap::new();
    for (i, r) in model.resources.iter().enumerate() {
        let id = &r.id;
        let ns = id.namespace.as_deref();
        by_ref.insert((&id.api_version, &id.kind, ns, &id.name), i);
        if let Some(&j) = by_file.get(&(id.group(), id.kind.as_str(), ns, id.name.as_str())) {
            join(i, j);
        } else {
            by_file.insert((id.group(), &id.kind, ns, &id.name), i);
        }
    }
    for (i, r) in model.resources.iter().enumerate() {
        let ns = r.id.namespace.as_deref().unwrap_or("default");
        let found = deps::interpret(&r.body, ns).unwrap_or_default();
        for dep in found.named {
            let key = (
                dep.api_version,
                dep.kind,
                Some(dep.namespace.as_str()),
                dep.name.as_str(),
            );
            if let Some(&j) = by_ref.get(&key) {
                join(i, j);
            }
        }
        for selected in &found.selected {
            for (j, o) in model.resources.iter().enumerate() {
                let id = &o.id;
                if selected.selects(
                    &id.api_version,
                    &id.kind,
                    id.namespace.as_deref(),
                    &o.labels,
                ) {
                    join(i, j);
                }
            }
        }
    }
    // A CRD whose placement decides whether its custom resources pass the API filter.
    for (crd, custom) in place::api_enablement::crd_links(model) {
        join(crd, custom);
    }
    let per_object = model.clusters.len().max(1) as u64;
    let mut groups: HashMap<usize, Vec<usize>> = HashMap::new();
    for i in 0..n {
        groups.entry(root(&mut parent, i)).or_default().push(i);
    }
    let mut units: Vec<Unit> = groups
        .into_values()
        .map(|members| {
            let key = (members.iter())
                .map(|&i| identity(&model.resources[i]))
                .min()
                .unwrap_or_default();
            let cost = members.len() as u64 * per_object;
            Unit { members, key, cost }
        })
        .collect();
    units.sort_by(|a, b| a.key.cmp(&b.key));
    units
}

/// SplitMix64's finaliser: a well-mixed 64-bit value from another.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A unit's hash: the first 8 bytes of the blake3 hash of its key.
fn unit_hash(key: &str) -> u64 {
    let bytes = blake3::hash(key.as_bytes());
    u64::from_le_bytes(bytes.as_bytes()[..8].try_into().unwrap_or_default())
}

/// The most any shard may cost when `total` is split `count` ways and the largest unit costs
/// `largest`: `max(⌈mean × (1 + SLACK)⌉, ⌈mean⌉ + largest)`.
pub fn cap(total: u64, count: usize, largest: u64) -> u64 {
    let n = count.max(1) as u64;
    let slack = (total * (100 + SLACK_PERCENT)).div_ceil(100 * n);
    slack.max(total.div_ceil(n) + largest)
}

/// One shard of a split, summarised for a CI matrix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    pub shard: Shard,
    /// Objects with replicas (Deployments, StatefulSets, ReplicaSets, Jobs, Pods).
    pub workloads: usize,
    /// Every object, dependencies and standalone objects included.
    pub objects: usize,
    pub units: usize,
    pub cost: u64,
}

/// A split of a model into shards.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Split {
    /// The shard (0-based) of each object, as `model.resources`.
    pub of_resource: Vec<usize>,
    pub shards: Vec<Summary>,
    /// The most a shard may cost in this split (at most [`cap`]).
    pub cap: u64,
    /// The largest unit's cost.
    pub largest: u64,
}

/// Assign units (each a hash and a cost) to `count` shards: the index of each unit's shard, 0-based,
/// and the cap the assignment keeps to (at most [`cap`]; see the module documentation).
pub fn assign(units: &[(u64, u64)], count: usize) -> (Vec<usize>, u64) {
    let count = count.max(1);
    let total: u64 = units.iter().map(|u| u.1).sum();
    let largest = units.iter().map(|u| u.1).max().unwrap_or(0);
    let mut order: Vec<usize> = (0..units.len()).collect();
    // largest first, then by hash; equal hashes keep the caller's (sorted) order
    order.sort_by(|&a, &b| {
        units[b]
            .1
            .cmp(&units[a].1)
            .then(units[a].0.cmp(&units[b].0))
    });
    let slack = (total * (100 + SLACK_PERCENT)).div_ceil(100 * count as u64);
    // The mean plus the slack nearly always holds (units are small beside a shard); when a few large
    // units do not fit in it, the smallest cap that the same greedy pass fits them in, found by
    // bisection up to the cap that always holds.
    if let Some(of) = fill(units, &order, count, slack) {
        return (of, slack);
    }
    let (mut lo, mut hi) = (slack, cap(total, count, largest));
    let mut best = fill(units, &order, count, hi);
    while lo + 1 < hi {
        let mid = lo + (hi - lo) / 2;
        match fill(units, &order, count, mid) {
            Some(of) => {
                best = Some(of);
                hi = mid;
            }
            None => lo = mid,
        }
    }
    // `fill` at `cap` always succeeds (module documentation); the fallback only keeps this total
    let of = best.unwrap_or_else(|| vec![0; units.len()]);
    (of, hi)
}

/// One greedy pass: each unit, in `order`, to its preferred shard with room under `cap`; `None` when a
/// unit fits nowhere.
fn fill(units: &[(u64, u64)], order: &[usize], count: usize, cap: u64) -> Option<Vec<usize>> {
    let mut load = vec![0u64; count];
    let mut out = vec![0; units.len()];
    for &u in order {
        let (hash, cost) = units[u];
        let best = (0..count)
            .filter(|&s| load[s] + cost <= cap)
            .max_by_key(|&s| (mix(hash ^ mix(s as u64)), std::cmp::Reverse(s)))?;
        load[best] += cost;
        out[u] = best;
    }
    Some(out)
}

/// Split a model's objects into `count` shards.
pub fn split(model: &Model, count: usize) -> Split {
    let count = count.max(1);
    let units = units(model);
    let weighted: Vec<(u64, u64)> = units.iter().map(|u| (unit_hash(&u.key), u.cost)).collect();
    let (of_unit, cap) = assign(&weighted, count);
    let mut of_resource = vec![0; model.resources.len()];
    let mut shards: Vec<Summary> = (0..count)
        .map(|i| Summary {
            shard: Shard {
                index: i + 1,
                count,
            },
            workloads: 0,
            objects: 0,
            units: 0,
            cost: 0,
        })
        .collect();
    for (unit, &s) in units.iter().zip(&of_unit) {
        let summary = &mut shards[s];
        summary.units += 1;
        summary.cost += unit.cost;
        summary.objects += unit.members.len();
        for &i in &unit.members {
            of_resource[i] = s;
            if place::binding(&model.resources[i]).workload {
                summary.workloads += 1;
            }
        }
    }
    let largest = weighted.iter().map(|u| u.1).max().unwrap_or(0);
    Split {
        of_resource,
        shards,
        cap,
        largest,
    }
}

/// Keep only the objects of `shard` in the model (clusters and policies stay whole).
pub fn restrict(model: &mut Model, shard: Shard) {
    let split = split(model, shard.count);
    let mut of = split.of_resource.into_iter();
    model
        .resources
        .retain(|_| of.next() == Some(shard.index - 1));
}

/// [`crate::compile_clusters`] for one shard's objects (all when `shard` is `None`).
pub fn compile(
    repo: &mut load::Repo,
    schemas: &Schemas,
    only: Option<&BTreeSet<String>>,
    shard: Option<Shard>,
    prior: &crate::place::steady::Prior,
) -> Result<Compiled, Vec<Diagnostic>> {
    let mut analysis = crate::analyse_repo(repo, schemas);
    if let Some(shard) = shard
        && !analysis.has_errors()
    {
        restrict(&mut analysis.model, shard);
    }
    crate::place_and_render(analysis, &repo.sources, only, prior)
}

/// A render's fingerprint ([`crate::fingerprint`]) with the shard it renders folded in.
pub fn fingerprint(inputs: blake3::Hash, shard: Option<Shard>) -> blake3::Hash {
    match shard {
        None => inputs,
        Some(s) => {
            let mut h = blake3::Hasher::new();
            h.update(inputs.as_bytes());
            h.update(format!("shard {s}").as_bytes());
            h.finalize()
        }
    }
}

/// The file in a shard's output that names the shard, so that two shards (or a shard and the whole
/// repository) are never rendered into one directory, where each would prune the other's files.
pub const MARKER_PATH: &str = ".fanout/shard";

/// The marker's contents for a shard.
pub fn marker(shard: Shard) -> String {
    format!("{shard}\n")
}

#[cfg(test)]
mod tests;

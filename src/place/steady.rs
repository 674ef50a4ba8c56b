//! Steady scheduling: what Karmada's scheduler does when a binding already has a schedule result
//! (karmada-semantics.md §5.7; `pkg/scheduler/scheduler.go` `doScheduleBinding`, `placementChanged`,
//! `HasTerminatingTargetClusters`; `pkg/util/binding.go` `IsBindingReplicasChanged`).
//!
//! Input → output: the previous result of one object ([`Previous`]: per-cluster replicas, the
//! fingerprint of the placement it was scheduled with and the `clusterAffinities` term it used), the
//! object's binding and placement now, the inventory, and whether a fresh reschedule was asked for
//! ([`Reschedule`], Karmada's `rescheduleTriggeredAt`) → the [`Trigger`] that makes Karmada schedule the
//! object again, or none: then the previous result stands as it is.
//!
//! Karmada's triggers, in its order: the placement changed (everything but `clusterAffinities`, or the
//! `clusterAffinities` term last used); a Divided workload's replicas differ from the sum of its previous
//! split (Duplicated: any cluster's replicas differ); a reschedule was asked for; the object is not a
//! workload (no replicas and no requirements) or is Duplicated (scheduled every time); one of its
//! clusters is being deleted (offline also: left the inventory). Without a trigger nothing is
//! recomputed, even when capacity, labels or taints changed.
//!
//! What a reschedule then does with the previous result (filters letting previous clusters pass,
//! ClusterLocality scores, available replicas, steady division) is in [`super`] and [`super::divide`].
//!
//! Pure; the previous result is read at the edge ([`crate::previous`]) and parsed by
//! [`crate::render::schedule`].

use crate::model::api::{
    ClusterAffinity, ClusterAffinityTerm, LabelSelector, Requirement, SpreadConstraint, Toleration,
};
use crate::model::{Affinity, Cluster, ObjectRef, Placement, Scheduling};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// What Karmada keeps on a ResourceBinding that steady scheduling reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Previous {
    /// [`placement_hash`] of the placement the result was scheduled with.
    pub placement: String,
    /// `status.schedulerObservedAffinityName` and the [`term_hash`] of that term, for `clusterAffinities`.
    pub term: Option<(String, String)>,
    /// `spec.clusters`, by name: each cluster and its replicas (0 for objects without replicas).
    pub clusters: Vec<(String, i32)>,
}

impl Previous {
    /// Sum of the replicas (Go's `int32` arithmetic, wrapping).
    pub fn sum(&self) -> i32 {
        self.clusters.iter().fold(0i32, |s, c| s.wrapping_add(c.1))
    }

    /// `TargetContains`.
    pub fn contains(&self, cluster: &str) -> bool {
        self.clusters.iter().any(|c| c.0 == cluster)
    }

    /// `AssignedReplicasForCluster`.
    pub fn replicas_on(&self, cluster: &str) -> i32 {
        (self.clusters.iter())
            .find(|c| c.0 == cluster)
            .map_or(0, |c| c.1)
    }
}

/// The previous results, by object.
pub type History = BTreeMap<ObjectRef, Previous>;

/// Objects to schedule afresh, as Karmada's WorkloadRebalancer asks (`spec.rescheduleTriggeredAt`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Reschedule {
    #[default]
    None,
    All,
    /// `NAMESPACE/NAME`, or `NAME` for cluster-scoped objects.
    Only(BTreeSet<String>),
}

impl Reschedule {
    pub fn wants(&self, id: &ObjectRef) -> bool {
        match self {
            Reschedule::None => false,
            Reschedule::All => true,
            Reschedule::Only(names) => names.contains(&short_name(id)),
        }
    }
}

/// `NAMESPACE/NAME`, or `NAME` for cluster-scoped objects.
pub fn short_name(id: &ObjectRef) -> String {
    match &id.namespace {
        Some(ns) => format!("{ns}/{}", id.name),
        None => id.name.clone(),
    }
}

/// What placement starts from besides the model: the previous results and the reschedule requests.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Prior {
    pub history: History,
    pub reschedule: Reschedule,
}

/// Why Karmada schedules an object that has a previous result (or that it has none).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Trigger {
    /// No previous result: a first schedule.
    FirstSchedule,
    /// The placement (or the `clusterAffinities` term last used) changed.
    PlacementChanged,
    /// The replicas differ from the previous split's sum (Duplicated: from a cluster's replicas).
    ReplicasChanged { from: i32, to: i32 },
    /// `--reschedule`: a fresh schedule (`rescheduleTriggeredAt`).
    Requested,
    /// Not a workload (no replicas, no requirements): scheduled every time.
    NotWorkload,
    /// Duplicated: scheduled every time.
    Duplicated,
    /// A cluster of the previous result is being deleted.
    ClusterDeleting(String),
    /// A cluster of the previous result is no longer in the inventory.
    ClusterRemoved(String),
}

impl Trigger {
    /// A stable name for JSON.
    pub fn as_str(&self) -> &'static str {
        match self {
            Trigger::FirstSchedule => "firstSchedule",
            Trigger::PlacementChanged => "placementChanged",
            Trigger::ReplicasChanged { .. } => "replicasChanged",
            Trigger::Requested => "reschedule",
            Trigger::NotWorkload => "notWorkload",
            Trigger::Duplicated => "duplicated",
            Trigger::ClusterDeleting(_) => "clusterDeleting",
            Trigger::ClusterRemoved(_) => "clusterRemoved",
        }
    }

    fn describe(&self) -> String {
        match self {
            Trigger::FirstSchedule => "first schedule".into(),
            Trigger::PlacementChanged => "the placement changed".into(),
            Trigger::ReplicasChanged { from, to } => {
                format!("replicas changed from {from} to {to}")
            }
            Trigger::Requested => "--reschedule".into(),
            Trigger::NotWorkload => "no replicas: scheduled every time".into(),
            Trigger::Duplicated => "Duplicated: scheduled every time".into(),
            Trigger::ClusterDeleting(c) => format!("cluster `{c}` is being deleted"),
            Trigger::ClusterRemoved(c) => format!("cluster `{c}` left the inventory"),
        }
    }
}

/// What became of the previous result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// No trigger: the previous result stands.
    Kept,
    /// Replicas were added to the previous split.
    ScaledUp,
    /// The new total was divided over the previous split.
    ScaledDown,
    /// Scheduled again in steady mode (previous clusters pass the taint and API filters, score higher,
    /// keep their replicas where the division allows).
    Rescheduled,
    /// Scheduled without keeping the previous split (a first schedule, or `--reschedule`).
    Fresh,
}

impl Change {
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Kept => "kept",
            Change::ScaledUp => "scaledUp",
            Change::ScaledDown => "scaledDown",
            Change::Rescheduled => "rescheduled",
            Change::Fresh => "fresh",
        }
    }

    fn words(self) -> &'static str {
        match self {
            Change::Kept => "kept",
            Change::ScaledUp => "scaled up",
            Change::ScaledDown => "scaled down",
            Change::Rescheduled => "rescheduled",
            Change::Fresh => "fresh",
        }
    }
}

/// How one object's schedule came about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct How {
    pub change: Change,
    /// Why it was scheduled; `None` when the previous result was kept.
    pub trigger: Option<Trigger>,
    /// The sum of the previous split, when there is a previous result.
    pub previous: Option<i32>,
}

impl How {
    /// `kept (no reschedule trigger: ...)`, `scaled up (replicas changed from 6 to 9)`, ...
    pub fn describe(&self) -> String {
        match &self.trigger {
            None => {
                "kept (no reschedule trigger: placement, replicas and clusters unchanged)".into()
            }
            Some(trigger) => format!("{} ({})", self.change.words(), trigger.describe()),
        }
    }

    /// Whether this is a first schedule (nothing to explain).
    pub fn is_first(&self) -> bool {
        self.trigger == Some(Trigger::FirstSchedule)
    }
}

/// What a placement is, as far as the schedule trigger compares it, and what the next render records.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// `spec.clusters` as scheduled: each cluster and its replicas (`None` for objects without them).
    pub clusters: Vec<(String, Option<i32>)>,
    pub placement: String,
    pub term: Option<(String, String)>,
}

/// The trigger that makes Karmada schedule an object again (`None`: keep the previous result).
/// `workload` is Karmada's `IsWorkload` (replicas > 0 or replica requirements). A requested reschedule
/// (`forced`) is named first whatever else changed: it is what makes the schedule fresh.
pub fn trigger(
    previous: Option<&Previous>,
    forced: bool,
    workload: bool,
    replicas: i32,
    placement: &Placement,
    clusters: &[Cluster],
) -> Option<Trigger> {
    let Some(prev) = previous else {
        return Some(if forced {
            Trigger::Requested
        } else {
            Trigger::FirstSchedule
        });
    };
    if forced {
        // Karmada schedules on any trigger; a requested one decides the mode (fresh), so it is named.
        return Some(Trigger::Requested);
    }
    if placement_changed(prev, placement) {
        return Some(Trigger::PlacementChanged);
    }
    let duplicated = matches!(placement.scheduling, Scheduling::Duplicated);
    let sum = prev.sum();
    if duplicated {
        if workload && let Some(c) = prev.clusters.iter().find(|c| c.1 != replicas) {
            return Some(Trigger::ReplicasChanged {
                from: c.1,
                to: replicas,
            });
        }
    } else if sum != replicas {
        return Some(Trigger::ReplicasChanged {
            from: sum,
            to: replicas,
        });
    }
    if !workload {
        return Some(Trigger::NotWorkload);
    }
    if duplicated {
        return Some(Trigger::Duplicated);
    }
    for (name, _) in &prev.clusters {
        // the inventory is sorted by name; a list that is not still finds its clusters
        let found = match clusters.binary_search_by(|c| c.name.as_str().cmp(name)) {
            Ok(i) => Some(&clusters[i]),
            Err(_) => clusters.iter().find(|c| &c.name == name),
        };
        match found {
            None => return Some(Trigger::ClusterRemoved(name.clone())),
            Some(c) if c.deleting => return Some(Trigger::ClusterDeleting(name.clone())),
            Some(_) => {}
        }
    }
    None
}

/// What the schedule did, given its trigger (`None`: kept) and the previous result.
pub fn how(trigger: Option<Trigger>, forced: bool, previous: Option<&Previous>) -> How {
    let change = match &trigger {
        None => Change::Kept,
        Some(_) if forced => Change::Fresh,
        Some(Trigger::FirstSchedule) => Change::Fresh,
        Some(Trigger::ReplicasChanged { from, to }) if to > from => Change::ScaledUp,
        Some(Trigger::ReplicasChanged { .. }) => Change::ScaledDown,
        Some(_) => Change::Rescheduled,
    };
    How {
        change,
        trigger,
        previous: previous.map(Previous::sum),
    }
}

/// Karmada's `placementChanged`: everything but `clusterAffinities` compared whole; with
/// `clusterAffinities`, only the term last used (it must still exist, unchanged).
pub fn placement_changed(prev: &Previous, placement: &Placement) -> bool {
    if prev.placement != placement_hash(placement) {
        return true;
    }
    let terms = match &placement.affinity {
        Affinity::Terms(terms) => terms.as_slice(),
        _ => &[],
    };
    if terms.is_empty() && prev.term.is_none() {
        return false;
    }
    let Some((name, hash)) = &prev.term else {
        return true;
    };
    match terms.iter().find(|t| &t.affinity_name == name) {
        Some(t) => &term_hash(t) != hash,
        None => true,
    }
}

/// The index of the term last used (`getAffinityIndex`): 0 when there is none or it is gone.
pub fn affinity_index(prev: Option<&Previous>, terms: &[ClusterAffinityTerm]) -> usize {
    prev.and_then(|p| p.term.as_ref())
        .and_then(|(name, _)| terms.iter().position(|t| &t.affinity_name == name))
        .unwrap_or(0)
}

fn hash(v: &Value) -> String {
    let text = v.to_string();
    blake3::hash(text.as_bytes()).to_hex()[..16].to_owned()
}

/// A fingerprint of the placement without `clusterAffinities` (16 hex digits): the effective placement
/// (webhook defaults applied) written out field by field in Karmada's names, hashed.
pub fn placement_hash(p: &Placement) -> String {
    let affinity = match &p.affinity {
        Affinity::Single(a) => affinity_json(a),
        Affinity::All | Affinity::Terms(_) => Value::Null,
    };
    let scheduling = match &p.scheduling {
        Scheduling::Duplicated => json!({"replicaSchedulingType": "Duplicated"}),
        Scheduling::Aggregated => json!({"replicaSchedulingType": "Divided",
            "replicaDivisionPreference": "Aggregated"}),
        Scheduling::DynamicWeight => json!({"replicaSchedulingType": "Divided",
            "replicaDivisionPreference": "Weighted",
            "weightPreference": {"dynamicWeight": "AvailableReplicas"}}),
        Scheduling::StaticWeight(list) => json!({"replicaSchedulingType": "Divided",
            "replicaDivisionPreference": "Weighted",
            "weightPreference": {"staticWeightList": list.iter().map(|w| json!({
                "targetCluster": affinity_json(&w.target_cluster), "weight": w.weight})).collect::<Vec<_>>()}}),
    };
    hash(&json!({
        "clusterAffinity": affinity,
        "clusterTolerations": p.tolerations.iter().map(toleration_json).collect::<Vec<_>>(),
        "spreadConstraints": p.spread_constraints.iter().map(spread_json).collect::<Vec<_>>(),
        "replicaScheduling": scheduling,
    }))
}

/// A fingerprint of one `clusterAffinities` term (its name, affinity and overflow affinities).
pub fn term_hash(t: &ClusterAffinityTerm) -> String {
    hash(&json!({
        "affinityName": t.affinity_name,
        "affinity": affinity_json(&t.affinity),
        "overflowAffinities": t.overflow_affinities.iter().map(affinity_json).collect::<Vec<_>>(),
    }))
}

fn requirements_json(list: &[Requirement]) -> Value {
    list.iter()
        .map(|r| json!({"key": r.key, "operator": r.operator, "values": r.values}))
        .collect()
}

fn selector_json(s: &LabelSelector) -> Value {
    json!({"matchLabels": s.match_labels, "matchExpressions": requirements_json(&s.match_expressions)})
}

fn affinity_json(a: &ClusterAffinity) -> Value {
    json!({
        "clusterNames": a.cluster_names,
        "exclude": a.exclude,
        "labelSelector": a.label_selector.as_ref().map(selector_json),
        "fieldSelector": a.field_selector.as_ref().map(|f| json!({
            "matchExpressions": requirements_json(&f.match_expressions)})),
    })
}

fn toleration_json(t: &Toleration) -> Value {
    json!({"key": t.key, "operator": t.operator, "value": t.value, "effect": t.effect,
        "tolerationSeconds": t.toleration_seconds})
}

fn spread_json(s: &SpreadConstraint) -> Value {
    json!({"spreadByField": s.spread_by_field, "spreadByLabel": s.spread_by_label,
        "maxGroups": s.max_groups, "minGroups": s.min_groups})
}

#[cfg(test)]
mod tests;

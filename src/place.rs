//! Placement: for every resource, the clusters it lands on and the replicas each gets, as Karmada's
//! scheduler decides them: on a first schedule, or in steady mode from the previous result ([`steady`]).
//!
//! The repository's CustomResourceDefinitions are scheduled first: where they land, their APIs count
//! as enabled for the objects they define ([`api_enablement`]). Then per resource: the claiming policy
//! (`matching`), the binding's replicas and per-pod requirements
//! (karmada-semantics.md §6.1, [`estimate`]), then for each active affinity term (§2.3, failing over term
//! by term): the filters in a fixed order (APIEnablement, TaintToleration, ClusterAffinity,
//! SpreadConstraint), available replicas per cluster (§3), candidate order and spread selection
//! ([`spread`]), replica assignment ([`divide`]), and Job completions (§5.8). Every cluster left out keeps a
//! reason a reviewer can act on; failures carry Karmada's own message.
//!
//! With a previous result ([`steady::Prior`]) an object is scheduled again only on one of Karmada's
//! triggers ([`steady::trigger`]); otherwise its previous result stands. When it is scheduled again, the
//! clusters of the previous result pass the APIEnablement and TaintToleration filters, score 100
//! (ClusterLocality) and count their previous replicas as available for the candidate order and spread
//! selection (§2.1, §2.4); `clusterAffinities` start from the term last used (§2.3); dynamic weight and
//! Aggregated divide in steady mode ([`divide::Mode`]).
//!
//! Pure: the model in, decisions out. Karmada runs its filter plugins in Go map order, so when a cluster
//! fails several filters Karmada's `0/N clusters are available` text may name another one of them; fanout
//! always names the first in the order above.

pub mod affinity;
pub mod api_enablement;
pub mod deps;
pub mod divide;
pub mod estimate;
pub mod filters;
pub mod interpret;
pub mod matching;
pub mod plan;
pub mod rejections;
pub mod spread;
pub mod steady;

use crate::diagnostic::Diagnostic;
use crate::model::api::ClusterAffinity;
use crate::model::{Affinity, Cluster, Model, ObjectRef, PropagationPolicy, Resource, Scheduling};
use affinity::Matcher;
use api_enablement::ServedApis;
use divide::Strategy;
use estimate::{ReplicaRequirements, ResourceModel, ResourceSummary};
use matching::{Skipped, namespace_auto_propagated, never_propagated};
use rayon::prelude::*;
pub use rejections::Rejections;
use serde_json::Value;
use spread::{Mode, SpreadField};
use std::collections::{BTreeMap, BTreeSet};
use steady::{How, Previous, Prior, Record};

/// The decision for one resource.
#[derive(Clone, Debug, PartialEq)]
pub struct Decision {
    /// Index into `model.resources`.
    pub resource: usize,
    /// Index into `model.propagation_policies` of the claiming policy.
    pub policy: Option<usize>,
    pub outcome: Outcome,
    /// How the schedule came about (kept, scaled, rescheduled, fresh, and why); `None` when no policy
    /// claims the resource.
    pub how: Option<How>,
    /// The scheduler's own result for the resource (before dependencies follow their workloads), as the
    /// next render reads it back; `None` unless placed.
    pub record: Option<Record>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// No policy propagates it (or Karmada never would); it is rendered nowhere.
    NotPropagated {
        reason: String,
    },
    Placed(Placed),
    /// The scheduler fails; the message is Karmada's.
    Failed {
        error: String,
        rejected: Rejections,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Placed {
    /// By cluster name.
    pub targets: Vec<Target>,
    pub rejected: Rejections,
    /// A workload (Deployment, StatefulSet, ReplicaSet, Job, Pod): replicas are meaningful.
    pub workload: bool,
    /// The `clusterAffinities` term that succeeded.
    pub affinity_term: Option<String>,
    /// Earlier `clusterAffinities` terms that failed, with Karmada's error for each.
    pub skipped_terms: Vec<(String, String)>,
    /// Workloads whose `propagateDeps` brings this object along (Karmada's attached bindings); it goes to
    /// the union of their clusters and its own.
    pub required_by: Vec<ObjectRef>,
    /// Target clusters whose inventory does not list the object's API, served there by the repository's
    /// CustomResourceDefinition (by name) placed on them ([`api_enablement`]).
    pub api_from_crd: BTreeMap<String, String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub cluster: String,
    /// Replicas (Job: parallelism) for workloads; `None` for other objects.
    pub replicas: Option<i32>,
    /// Job completions on this cluster when Karmada divides them.
    pub completions: Option<i32>,
}

impl Placed {
    /// Sum of replicas over the clusters; `None` for non-workloads.
    pub fn total_replicas(&self) -> Option<i64> {
        self.workload.then(|| {
            self.targets
                .iter()
                .map(|t| i64::from(t.replicas.unwrap_or(0)))
                .sum()
        })
    }
}

/// What Karmada's interpreter reads from a resource (§6.1) with API defaults applied (§9).
#[derive(Clone, Debug, PartialEq)]
pub struct Binding {
    pub replicas: i32,
    pub requirements: Option<ReplicaRequirements>,
    /// A kind with replicas (Deployment, Job, ..., a custom kind whose interpreter gives some): `plan`
    /// shows its replicas. Not what Karmada's scheduler decides by: see [`Binding::is_workload`].
    pub workload: bool,
    pub job_completions: Option<i32>,
}

impl Binding {
    /// Karmada's `ResourceBindingSpec.IsWorkload` (`pkg/apis/work/v1alpha2/binding_types_helper.go`):
    /// replicas > 0 or replica requirements, whatever the kind. Only then do overflow affinities count
    /// (`clusteraffinity` filter), replicas fill overflow tiers and the scheduler reschedules only on its
    /// triggers; a 0-replica Deployment without requests is scheduled like a ConfigMap.
    pub fn is_workload(&self) -> bool {
        self.replicas > 0 || self.requirements.is_some()
    }
}

fn int(v: Option<&Value>) -> Option<i32> {
    v.and_then(Value::as_i64)
        .map(|n| n.clamp(0, i64::from(i32::MAX)) as i32)
}

pub fn binding(resource: &Resource) -> Binding {
    let body = &resource.body;
    let spec = |p: &str| body.pointer(&format!("/spec/{p}"));
    let (replicas, pod_spec, workload, completions) =
        match (resource.id.group(), resource.id.kind.as_str()) {
            ("apps", "Deployment" | "ReplicaSet" | "StatefulSet") => (
                int(spec("replicas")).unwrap_or(1),
                spec("template/spec"),
                true,
                None,
            ),
            ("batch", "Job") => {
                // as the API server defaults them: neither given → both 1
                let (parallelism, completions) = interpret::job::counts(body);
                (
                    parallelism.min(completions.unwrap_or(parallelism)),
                    spec("template/spec"),
                    true,
                    completions,
                )
            }
            ("", "Pod") => (1, spec(""), true, None),
            _ => match interpret::built_in_binding(resource) {
                Some(custom) => return custom,
                None => (0, None, false, None),
            },
        };
    Binding {
        replicas,
        requirements: pod_spec.and_then(estimate::replica_requirements),
        workload,
        job_completions: completions,
    }
}

/// The per-cluster capacity inputs, converted once.
struct Capacity {
    summary: Option<ResourceSummary>,
    models: Vec<ResourceModel>,
    /// The cluster as spread selection sees it, shared by every workload's candidate.
    topology: spread::Candidate,
}

fn capacity(c: &Cluster) -> Capacity {
    let summary = c.resource_summary.as_ref().map(|s| ResourceSummary {
        allocatable: estimate::resource_list(&s.allocatable),
        allocated: estimate::resource_list(&s.allocated),
        allocating: estimate::resource_list(&s.allocating),
        allocatable_modelings: s
            .allocatable_modelings
            .iter()
            .map(|m| estimate::AllocatableModeling {
                grade: m.grade,
                count: m.count,
            })
            .collect(),
    });
    let models = c
        .resource_models
        .iter()
        .map(|m| ResourceModel {
            grade: m.grade,
            ranges: m
                .ranges
                .iter()
                .map(|r| estimate::ResourceModelRange {
                    name: r.name.clone(),
                    min: crate::model::quantity::Quantity::from_json(&r.min).unwrap_or_default(),
                    max: crate::model::quantity::Quantity::from_json(&r.max).unwrap_or_default(),
                })
                .collect(),
        })
        .collect();
    Capacity {
        summary,
        models: estimate::cluster_resource_models(models),
        topology: spread::Candidate {
            name: c.name.as_str().into(),
            provider: c.provider.as_deref().map(Into::into),
            region: c.region.as_deref().map(Into::into),
            zones: c.zones.clone().into(),
            score: 0,
            available: 0,
            tier: 0,
        },
    }
}

/// Place every resource of the model on a first schedule, then let dependencies follow the workloads
/// that reference them (`propagateDeps`, §6.3). A referenced object missing from the repository is a
/// warning at the reference.
pub fn place(model: &Model) -> (Vec<Decision>, Vec<Diagnostic>) {
    place_with(model, &Prior::default())
}

/// [`place`], starting from the previous results and reschedule requests in `prior`.
pub fn place_with(model: &Model, prior: &Prior) -> (Vec<Decision>, Vec<Diagnostic>) {
    let mut decisions = schedule_all(model, prior);
    let mut diagnostics = interpret::problems(model, &decisions);
    diagnostics.extend(attach_dependencies(model, &mut decisions));
    (decisions, diagnostics)
}

fn schedule_all(model: &Model, prior: &Prior) -> Vec<Decision> {
    let (claims, _) = matching::claims(model);
    let capacities: Vec<Capacity> = model.clusters.iter().map(capacity).collect();
    let skipped = Skipped::new(model);
    // Each policy's fingerprint, once (workloads often share a policy).
    let mut claimed = vec![false; model.propagation_policies.len()];
    for p in claims.iter().flatten() {
        claimed[*p] = true;
    }
    let hashes: Vec<Option<String>> = (model.propagation_policies.par_iter())
        .zip(claimed.par_iter())
        .map(|(p, &used)| used.then(|| steady::placement_hash(&p.placement)))
        .collect();
    let inputs = (&claims[..], &capacities[..], &skipped, &hashes[..]);
    // The repository's CRDs first: where they land, their APIs count as enabled for the objects they
    // define ([`api_enablement`]), as Karmada learns an API once the CRD is on the member cluster.
    let crds = schedule_where(
        model,
        prior,
        inputs,
        &ServedApis::default(),
        api_enablement::is_crd,
    );
    let served = ServedApis::new(model, &crds);
    let others = schedule_where(model, prior, inputs, &served, |r| {
        !api_enablement::is_crd(r)
    });
    let mut decisions: Vec<Decision> = crds.into_iter().chain(others).collect();
    decisions.sort_by_key(|d| d.resource);
    decisions
}

/// What every object's schedule reads besides the model: the claiming policies, the capacities,
/// the skipped namespaces and each policy's [`steady::placement_hash`].
type Inputs<'a> = (
    &'a [Option<usize>],
    &'a [Capacity],
    &'a Skipped,
    &'a [Option<String>],
);

/// [`schedule_all`]'s per-object step for the resources `which` keeps, with the APIs `served` by the
/// repository's CRDs.
fn schedule_where(
    model: &Model,
    prior: &Prior,
    (claims, capacities, skipped, hashes): Inputs<'_>,
    served: &ServedApis,
    which: impl Fn(&Resource) -> bool + Sync,
) -> Vec<Decision> {
    // Each resource is scheduled on its own (as Karmada's scheduler does, one binding at a time, against
    // the inventory's capacities): on every core, decisions in resource order.
    (model.resources.par_iter())
        .enumerate()
        .filter(|(_, r)| which(r))
        .map(|(i, r)| {
            let auto = namespace_auto_propagated(r, skipped);
            let (outcome, how, record) = match claims[i] {
                // Karmada's namespace controller: every Namespace goes to every cluster, whatever the
                // policies (ClusterOverridePolicies still apply).
                _ if auto => (
                    Outcome::Placed(Placed {
                        targets: (model.clusters.iter())
                            .map(|c| Target {
                                cluster: c.name.clone(),
                                replicas: None,
                                completions: None,
                            })
                            .collect(),
                        rejected: Rejections::new(),
                        workload: false,
                        affinity_term: None,
                        skipped_terms: Vec::new(),
                        required_by: Vec::new(),
                        api_from_crd: BTreeMap::new(),
                    }),
                    None,
                    None,
                ),
                None => (
                    Outcome::NotPropagated {
                        reason: never_propagated(r, skipped)
                            .unwrap_or(
                                "no PropagationPolicy or ClusterPropagationPolicy selects it",
                            )
                            .to_owned(),
                    },
                    None,
                    None,
                ),
                Some(p) if model.propagation_policies[p].waiting.is_some() => (
                    Outcome::NotPropagated {
                        reason: model.propagation_policies[p]
                            .waiting
                            .clone()
                            .unwrap_or_default(),
                    },
                    None,
                    None,
                ),
                Some(p) => {
                    let (outcome, how, record) = schedule(
                        model,
                        capacities,
                        r,
                        (
                            &model.propagation_policies[p],
                            hashes[p].as_deref().unwrap_or(""),
                        ),
                        prior.history.get(&r.id),
                        prior.reschedule.wants(&r.id),
                        served,
                    );
                    (outcome, Some(how), record)
                }
            };
            Decision {
                resource: i,
                // a Namespace the namespace controller sends is not placed by any policy
                policy: claims[i].filter(|_| !auto),
                outcome,
                how,
                record,
            }
        })
        .collect()
}

fn attach_dependencies(model: &Model, decisions: &mut [Decision]) -> Vec<Diagnostic> {
    let (follows, diagnostics) = dependency_followers(model, decisions);
    for (i, (clusters, required_by)) in follows {
        let d = &mut decisions[i];
        let mut all: Vec<bool> = clusters;
        let rejected = match &d.outcome {
            Outcome::Placed(p) => {
                for t in &p.targets {
                    all[cluster_index(model, &t.cluster)] = true;
                }
                let mut rejected = p.rejected.clone();
                rejected.retain(|c| !all[c]);
                rejected
            }
            _ => Rejections::new(),
        };
        d.outcome = Outcome::Placed(Placed {
            targets: (all.iter().enumerate())
                .filter(|(_, on)| **on)
                .map(|(c, _)| Target {
                    cluster: model.clusters[c].name.clone(),
                    replicas: None,
                    completions: None,
                })
                .collect(),
            rejected,
            workload: false,
            affinity_term: None,
            skipped_terms: Vec::new(),
            required_by: required_by.into_iter().collect(),
            api_from_crd: BTreeMap::new(),
        });
    }
    diagnostics
}

/// The objects that follow workloads, by resource index: the clusters they go to (by index in
/// `model.clusters`) and the workloads that bring them.
type Followers = BTreeMap<usize, (Vec<bool>, BTreeSet<ObjectRef>)>;

/// What each placed workload with `propagateDeps` references: an object in the repository follows it to
/// its clusters; a missing one is a warning at the reference. Objects its interpreter selects by label
/// follow it too, every one that matches (Karmada's dependencies distributor,
/// `handleDependentResource`).
fn dependency_followers(model: &Model, decisions: &[Decision]) -> (Followers, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let index: BTreeMap<(&str, &str, Option<&str>, &str), usize> = model
        .resources
        .iter()
        .enumerate()
        .map(|(i, r)| {
            (
                (
                    r.id.api_version.as_str(),
                    r.id.kind.as_str(),
                    r.id.namespace.as_deref(),
                    r.id.name.as_str(),
                ),
                i,
            )
        })
        .collect();
    let mut follows: Followers = BTreeMap::new();
    for d in decisions.iter() {
        let (Some(p), Outcome::Placed(placed)) = (d.policy, &d.outcome) else {
            continue;
        };
        if !model.propagation_policies[p].propagate_deps || placed.targets.is_empty() {
            continue;
        }
        let r = &model.resources[d.resource];
        let ns = r.id.namespace.as_deref().unwrap_or("default");
        let found = interpret::all_dependencies(model, &r.body, ns);
        let on: Vec<usize> = (placed.targets.iter())
            .map(|t| cluster_index(model, &t.cluster))
            .collect();
        let mut follow = |i: usize| {
            let entry = follows
                .entry(i)
                .or_insert_with(|| (vec![false; model.clusters.len()], BTreeSet::new()));
            for &c in &on {
                entry.0[c] = true;
            }
            entry.1.insert(r.id.clone());
        };
        // selected by label (a ServiceImport's EndpointSlices): every match follows; none is no warning
        for selected in &found.selected {
            let matching = (model.resources.iter().enumerate()).filter(|(_, o)| {
                let id = &o.id;
                selected.selects(
                    &id.api_version,
                    &id.kind,
                    id.namespace.as_deref(),
                    &o.labels,
                )
            });
            for (i, _) in matching {
                follow(i);
            }
        }
        for dep in found.named {
            let key = (
                dep.api_version,
                dep.kind,
                Some(dep.namespace.as_str()),
                dep.name.as_str(),
            );
            match index.get(&key) {
                Some(&i) => follow(i),
                None => diagnostics.push(Diagnostic::warning(
                    "missing-dependency",
                    r.origin.span_at(&dep.pointer),
                    format!(
                        "`{}` references {} `{}/{}`, which is not in the repository; it will not be propagated",
                        r.id, dep.kind, dep.namespace, dep.name
                    ),
                )),
            }
        }
    }
    (follows, diagnostics)
}

/// One resource: keep its previous result when Karmada has no reason to schedule it again, else
/// schedule it (term by term for `clusterAffinities`, from the term last used). `policy` comes with its
/// [`steady::placement_hash`], computed once per policy.
fn schedule(
    model: &Model,
    capacities: &[Capacity],
    resource: &Resource,
    (policy, placement_hash): (&PropagationPolicy, &str),
    prev: Option<&Previous>,
    forced: bool,
    served: &ServedApis,
) -> (Outcome, How, Option<Record>) {
    let binding = interpret::binding(model, resource);
    let placement = &policy.placement;
    let trigger = steady::trigger(
        prev,
        forced,
        binding.is_workload(),
        binding.replicas,
        placement,
        &model.clusters,
    );
    let how = steady::how(trigger.clone(), forced, prev);
    let all_terms: &[crate::model::api::ClusterAffinityTerm] = match &placement.affinity {
        Affinity::Terms(terms) => terms,
        _ => &[],
    };
    let record = |placed: &Placed| Record {
        clusters: (placed.targets.iter())
            .map(|t| (t.cluster.clone(), t.replicas))
            .collect(),
        placement: placement_hash.to_owned(),
        term: (placed.affinity_term.as_deref())
            .and_then(|n| all_terms.iter().find(|t| t.affinity_name == n))
            .map(|t| (t.affinity_name.clone(), steady::term_hash(t))),
    };
    let mode = if forced {
        divide::Mode::Fresh
    } else {
        divide::Mode::Steady
    };
    let start = if forced {
        0
    } else {
        steady::affinity_index(prev, all_terms)
    };
    let terms: Vec<(Option<&str>, Vec<&ClusterAffinity>, bool)> = match &placement.affinity {
        Affinity::All => vec![(None, Vec::new(), false)],
        Affinity::Single(a) => vec![(None, vec![a], false)],
        Affinity::Terms(terms) => (terms.iter().skip(start))
            .map(|t| {
                // overflow tiers only for what Karmada counts as a workload, not by kind
                let mut list = vec![&t.affinity];
                if binding.is_workload() {
                    list.extend(t.overflow_affinities.iter());
                }
                (
                    Some(t.affinity_name.as_str()),
                    list,
                    binding.is_workload() && !t.overflow_affinities.is_empty(),
                )
            })
            .collect(),
    };
    if let (None, Some(prev)) = (&trigger, prev) {
        let mut placed = kept(resource, placement, &binding, prev);
        // Why the other clusters are not there, as a schedule now would see them.
        if let Some((_, affinities, tiered)) = terms.first() {
            let attempt = Attempt {
                binding: &binding,
                affinities,
                tiered: *tiered,
                prev: Some(prev),
                mode,
                served,
            };
            let rejected = match schedule_term(model, capacities, resource, policy, &attempt) {
                Ok(p) => p.rejected,
                Err((_, rejected)) => rejected,
            };
            placed.rejected = left_out(model, &placed.targets, rejected);
        }
        placed.api_from_crd =
            api_enablement::granted(&model.clusters, resource, &placed.targets, served);
        let record = record(&placed);
        return (Outcome::Placed(placed), how, Some(record));
    }
    let mut first_failure = None;
    let mut skipped = Vec::new();
    for (name, affinities, tiered) in terms {
        let attempt = Attempt {
            binding: &binding,
            affinities: &affinities,
            tiered,
            prev,
            mode,
            served,
        };
        match schedule_term(model, capacities, resource, policy, &attempt) {
            Ok(mut placed) => {
                placed.affinity_term = name.map(str::to_owned);
                placed.skipped_terms = skipped;
                placed.api_from_crd =
                    api_enablement::granted(&model.clusters, resource, &placed.targets, served);
                let record = record(&placed);
                return (Outcome::Placed(placed), how, Some(record));
            }
            Err(failure) => {
                if let Some(n) = name {
                    skipped.push((n.to_owned(), failure.0.clone()));
                }
                first_failure.get_or_insert(failure);
            }
        }
    }
    let (error, rejected) = first_failure.unwrap_or_default();
    (Outcome::Failed { error, rejected }, how, None)
}

/// The clusters of the inventory that a kept result leaves out, each with the reason a schedule now
/// would give (`rejected`), or else because the previous result stands.
fn left_out(model: &Model, targets: &[Target], mut rejected: Rejections) -> Rejections {
    let landed: BTreeSet<&str> = targets.iter().map(|t| t.cluster.as_str()).collect();
    rejected.retain(|c| !landed.contains(model.clusters[c].name.as_str()));
    let mut known = vec![false; model.clusters.len()];
    for (c, _) in rejected.iter() {
        known[c] = true;
    }
    for (i, c) in model.clusters.iter().enumerate() {
        if !landed.contains(c.name.as_str()) && !known[i] {
            rejected.push(i, "not in the previous schedule result, which stands");
        }
    }
    rejected.sort();
    rejected
}

/// The previous result, standing: its clusters and replicas (a Job's completions divided again).
fn kept(
    resource: &Resource,
    placement: &crate::model::Placement,
    binding: &Binding,
    prev: &Previous,
) -> Placed {
    let assigned: Vec<divide::TargetCluster> = (prev.clusters.iter())
        .map(|(name, replicas)| divide::TargetCluster {
            name: name.clone(),
            replicas: *replicas,
        })
        .collect();
    Placed {
        targets: targets(resource, placement, binding, &assigned),
        rejected: Rejections::new(),
        workload: binding.workload,
        affinity_term: prev.term.as_ref().map(|t| t.0.clone()),
        skipped_terms: Vec::new(),
        required_by: Vec::new(),
        api_from_crd: BTreeMap::new(),
    }
}

/// One scheduling attempt's inputs besides the model: `affinities[0]` is the active term (or the
/// placement's `clusterAffinity`), the rest its overflow tiers.
struct Attempt<'a> {
    binding: &'a Binding,
    affinities: &'a [&'a ClusterAffinity],
    tiered: bool,
    prev: Option<&'a Previous>,
    mode: divide::Mode,
    /// The APIs the repository's CRDs serve where they are placed.
    served: &'a ServedApis,
}

/// Why one affinity term failed: Karmada's error, and the clusters left out so far with their reasons.
type TermFailure = (String, Rejections);

/// One scheduling attempt with one affinity term active.
fn schedule_term(
    model: &Model,
    capacities: &[Capacity],
    resource: &Resource,
    policy: &PropagationPolicy,
    attempt: &Attempt<'_>,
) -> Result<Placed, TermFailure> {
    let placement = &policy.placement;
    let binding = attempt.binding;
    let (mut candidates, mut rejected, allocatable) =
        feasible_clusters(model, capacities, resource, placement, attempt)?;
    let selected = select_by_spread(model, placement, binding, &mut candidates, &mut rejected)
        .map_err(|e| (format!("failed to select clusters: {e}"), rejected.clone()))?;
    let assigned = assign_replicas(
        model,
        resource,
        placement,
        attempt,
        &selected,
        &allocatable,
        &mut rejected,
    )
    .map_err(|e| (format!("failed to assign replicas: {e}"), rejected.clone()))?;
    let targets = targets(resource, placement, binding, &assigned);
    rejected.sort();
    Ok(Placed {
        targets,
        rejected,
        workload: binding.workload,
        affinity_term: None,
        skipped_terms: Vec::new(),
        required_by: Vec::new(),
        api_from_crd: BTreeMap::new(),
    })
}

/// The clusters that passed the filters (with their score, available replicas and tier), the rejected
/// ones, and each candidate's estimator answer (available replicas without its previous replicas).
type Feasible = (Vec<spread::Candidate>, Rejections, BTreeMap<String, i32>);

/// The filters over every cluster: the clusters that pass, each with its score (ClusterLocality: 100
/// for a cluster of the previous result), its available replicas (the previous replicas on it
/// included, §2.4) and overflow tier (in inventory order), and the rejected ones with their reasons;
/// Karmada's `0/N clusters are available` error when none passes.
fn feasible_clusters(
    model: &Model,
    capacities: &[Capacity],
    resource: &Resource,
    placement: &crate::model::Placement,
    attempt: &Attempt<'_>,
) -> Result<Feasible, TermFailure> {
    let binding = attempt.binding;
    // The previous replicas by cluster index (`None`: not in the previous result).
    let mut previous: Vec<Option<i32>> = Vec::new();
    if let Some(prev) = attempt.prev {
        previous.resize(model.clusters.len(), None);
        for (name, replicas) in &prev.clusters {
            if let Ok(i) = model
                .clusters
                .binary_search_by(|c| c.name.as_str().cmp(name))
            {
                previous[i].get_or_insert(*replicas);
            }
        }
    }
    let filtered = filters::filter_clusters(
        model,
        resource,
        placement,
        (attempt.affinities, &previous, attempt.served),
    );
    if let Some(detail) = filtered.none_available {
        return Err((
            format!(
                "0/{} clusters are available: {detail}.",
                model.clusters.len()
            ),
            filtered.rejected,
        ));
    }
    let mut allocatable = BTreeMap::new();
    let mut candidates = Vec::with_capacity(filtered.passed.len());
    for &(i, tier) in &filtered.passed {
        let c = &model.clusters[i];
        let prev_replicas = previous.get(i).copied().flatten();
        let available = estimate::available_replicas(
            binding.replicas,
            capacities[i].summary.as_ref(),
            &capacities[i].models,
            binding.requirements.as_ref(),
        );
        allocatable.insert(c.name.clone(), available);
        candidates.push(spread::Candidate {
            score: if prev_replicas.is_some() { 100 } else { 0 },
            available: available.saturating_add(prev_replicas.unwrap_or(0)),
            tier,
            ..capacities[i].topology.clone()
        });
    }
    Ok((candidates, filtered.rejected, allocatable))
}

/// Candidate order and spread selection: sorts `candidates`, returns the selected clusters in
/// Karmada's order and rejects the others.
fn select_by_spread(
    model: &Model,
    placement: &crate::model::Placement,
    binding: &Binding,
    candidates: &mut [spread::Candidate],
    rejected: &mut Rejections,
) -> Result<Vec<spread::Candidate>, spread::SpreadError> {
    spread::sort_candidates(candidates);
    let mode = match placement.scheduling {
        Scheduling::Duplicated => Mode::Duplicated,
        _ if !placement.spread_selects => Mode::StaticWeight,
        Scheduling::StaticWeight(_) | Scheduling::Aggregated | Scheduling::DynamicWeight => {
            Mode::Divided
        }
    };
    let constraints: Vec<spread::SpreadConstraint> = placement
        .spread_constraints
        .iter()
        .map(|s| spread::SpreadConstraint {
            field: match s.spread_by_field.as_str() {
                "cluster" => Some(SpreadField::Cluster),
                "region" => Some(SpreadField::Region),
                "zone" => Some(SpreadField::Zone),
                "provider" => Some(SpreadField::Provider),
                _ => None,
            },
            label: (!s.spread_by_label.is_empty()).then(|| s.spread_by_label.clone()),
            min_groups: s.min_groups,
            max_groups: s.max_groups,
        })
        .collect();
    let selected = spread::select_clusters(candidates, &constraints, binding.replicas, mode)?;
    let chosen: BTreeSet<&str> = selected.iter().map(|c| &*c.name).collect();
    for c in candidates.iter().filter(|c| !chosen.contains(&*c.name)) {
        rejected.push(
            cluster_index(model, &c.name),
            "not selected by the spread constraints",
        );
    }
    Ok(selected)
}

/// Replica assignment over the selected clusters; rejects those that receive none.
fn assign_replicas(
    model: &Model,
    resource: &Resource,
    placement: &crate::model::Placement,
    attempt: &Attempt<'_>,
    selected: &[spread::Candidate],
    allocatable: &BTreeMap<String, i32>,
    rejected: &mut Rejections,
) -> Result<Vec<divide::TargetCluster>, divide::DivideError> {
    let binding = attempt.binding;
    let strategy = match &placement.scheduling {
        Scheduling::Duplicated => Strategy::Duplicated,
        Scheduling::Aggregated => Strategy::Aggregated,
        Scheduling::DynamicWeight => Strategy::DynamicWeight,
        Scheduling::StaticWeight(rules) => {
            let rules: Vec<(Matcher, i64)> = (rules.iter())
                .map(|r| (Matcher::new(&r.target_cluster), r.weight))
                .collect();
            Strategy::StaticWeight(
                selected
                    .iter()
                    .map(|c| {
                        let cluster = &model.clusters[cluster_index(model, &c.name)];
                        let weight = (rules.iter())
                            .filter(|(m, _)| m.check(cluster).is_ok())
                            .map(|(_, w)| *w)
                            .max()
                            .unwrap_or(0);
                        (c.name.to_string(), weight)
                    })
                    .collect(),
            )
        }
    };
    let divide_candidates: Vec<divide::Candidate> = selected
        .iter()
        .map(|c| divide::Candidate {
            name: c.name.to_string(),
            available: allocatable.get(&*c.name).copied().unwrap_or(c.available),
            tier: c.tier,
            previous: attempt.prev.map_or(0, |p| p.replicas_on(&c.name)),
        })
        .collect();
    let assigned = divide::assign_mode(
        &strategy,
        binding.replicas,
        binding.requirements.is_some(),
        &divide_candidates,
        attempt.tiered,
        &resource.uid,
        attempt.mode,
    )?;
    let landed: BTreeSet<&str> = assigned.iter().map(|t| t.name.as_str()).collect();
    // Under static weights a cluster no rule matches gets weight 0 and is dropped (unless every
    // weight is 0, when all count equally): say so rather than quote its capacity.
    let unweighted: BTreeSet<&str> = match &strategy {
        Strategy::StaticWeight(weights) if weights.iter().any(|(_, w)| *w > 0) => (weights.iter())
            .filter(|(_, w)| *w == 0)
            .map(|(name, _)| name.as_str())
            .collect(),
        _ => BTreeSet::new(),
    };
    for c in selected.iter().filter(|c| !landed.contains(&*c.name)) {
        let reason = if unweighted.contains(&*c.name) {
            "no weight rule matches".to_owned()
        } else {
            format!("no replicas assigned ({} available)", c.available)
        };
        rejected.push(cluster_index(model, &c.name), &reason);
    }
    Ok(assigned)
}

/// The targets of an assignment: replicas for workloads, and a Job's completions, divided over the
/// clusters when Karmada divides them.
fn targets(
    resource: &Resource,
    placement: &crate::model::Placement,
    binding: &Binding,
    assigned: &[divide::TargetCluster],
) -> Vec<Target> {
    let divided = !matches!(placement.scheduling, Scheduling::Duplicated);
    let completions: BTreeMap<String, i32> = match binding.job_completions {
        Some(n) if divided && binding.replicas > 0 => {
            divide::divide_completions(n, assigned, &resource.uid)
                .into_iter()
                .map(|t| (t.name, t.replicas))
                .collect()
        }
        _ => BTreeMap::new(),
    };
    let workload = binding.workload;
    assigned
        .iter()
        .map(|t| Target {
            cluster: t.name.clone(),
            replicas: workload.then_some(t.replicas),
            completions: if completions.is_empty() {
                binding.job_completions.filter(|_| workload)
            } else {
                completions.get(&t.name).copied()
            },
        })
        .collect()
}

/// The index of a cluster of the inventory (sorted by name, names unique) by its name.
fn cluster_index(model: &Model, name: &str) -> usize {
    (model.clusters)
        .binary_search_by(|c| c.name.as_str().cmp(name))
        .unwrap_or_else(|_| unreachable!("`{name}` is a cluster of the inventory"))
}

#[cfg(test)]
pub(crate) mod tests;

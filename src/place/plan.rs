//! The expected placement, for people and for programs: [`to_json`] is the stable contract described by
//! `schema/plan.schema.json`, [`to_text`] a readable table. Both list, per resource, the clusters it lands on
//! with replicas, the total, and every cluster left out with its reason; a resource that cannot be placed
//! shows Karmada's error while the others still show. A resource with a previous schedule result also
//! says what became of it (kept, scaled up, scaled down, rescheduled, fresh) and why.

use crate::diagnostic::Diagnostic;
use crate::model::{Model, ObjectRef, OverridePolicy, Resource};
use crate::place::{Decision, Outcome};
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;

/// Keep the decisions of resources named `NAMESPACE/NAME` (or `NAME` for cluster-scoped objects); all when empty.
pub fn filter<'a>(model: &Model, decisions: &'a [Decision], names: &[String]) -> Vec<&'a Decision> {
    decisions
        .iter()
        .filter(|d| {
            names.is_empty() || {
                let id = &model.resources[d.resource].id;
                let full = match &id.namespace {
                    Some(ns) => format!("{ns}/{}", id.name),
                    None => id.name.clone(),
                };
                names.contains(&full)
            }
        })
        .collect()
}

fn policy_label(model: &Model, d: &Decision) -> Option<String> {
    d.policy.map(|p| {
        let p = &model.propagation_policies[p];
        // A short form's generated policy is named like the PropagationPolicy it stands for, so the plan
        // of a short form and of its Karmada equivalent are identical.
        match &p.namespace {
            Some(ns) => format!("PropagationPolicy {ns}/{}", p.name),
            None => format!("ClusterPropagationPolicy {}", p.name),
        }
    })
}

/// The JSON plan as a value (see [`Json`] to write it without building one).
pub fn to_json(model: &Model, decisions: &[&Decision]) -> Value {
    serde_json::to_value(Json::new(model, decisions)).unwrap_or_default()
}

/// The JSON plan, borrowed from the model: serialise it straight to the output, one workload at a
/// time (the plan of an estate of 10,000 workloads × 1,000 clusters lists millions of clusters; it is
/// never held in memory as a whole).
pub struct Json<'a> {
    model: &'a Model,
    decisions: &'a [&'a Decision],
    landed: &'a Landed,
}

impl Serialize for Json<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut plan = serializer.serialize_struct("Json", 1)?;
        plan.serialize_field("workloads", &Workloads(self))?;
        plan.end()
    }
}

/// The `workloads` list of a [`Json`], each built as it is written.
struct Workloads<'b, 'a>(&'b Json<'a>);

impl Serialize for Workloads<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let Json {
            model,
            decisions,
            landed,
        } = self.0;
        let mut list = serializer.serialize_seq(Some(decisions.len()))?;
        for d in decisions.iter() {
            let mut w = workload(model, d);
            // this resource's rendered counts, if an override changes any
            let start = (d.resource, String::new());
            let end = (d.resource + 1, String::new());
            let counts: HashMap<&str, i64> = (landed.range(start..end))
                .map(|((_, cluster), n)| (cluster.as_str(), *n))
                .collect();
            if !counts.is_empty() {
                for c in &mut w.clusters {
                    c.rendered_replicas = counts.get(c.name).copied();
                }
            }
            list.serialize_element(&w)?;
        }
        list.end()
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonWorkload<'a> {
    api_version: &'a str,
    kind: &'a str,
    namespace: Option<&'a str>,
    name: &'a str,
    policy: Option<String>,
    clusters: Vec<JsonCluster<'a>>,
    total_replicas: Option<i64>,
    rejected: Vec<JsonRejection<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    not_propagated: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    affinity_term: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    skipped_terms: Option<Vec<JsonTerm<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    required_by: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    schedule: Option<JsonSchedule>,
}

/// What became of the previous schedule result; absent on a first schedule.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonSchedule {
    change: &'static str,
    /// `None` when the previous result was kept.
    trigger: Option<&'static str>,
    previous_replicas: Option<i32>,
    reason: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonCluster<'a> {
    name: &'a str,
    replicas: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    completions: Option<i32>,
    /// What the rendered object says when an override changes the scheduled count.
    #[serde(skip_serializing_if = "Option::is_none")]
    rendered_replicas: Option<i64>,
    /// `CustomResourceDefinition <name>`: the repository's CRD that serves the object's API on this
    /// cluster, whose inventory does not list it.
    #[serde(skip_serializing_if = "Option::is_none")]
    api_from: Option<String>,
}

/// Replicas as rendered where an override changes the scheduled count: (resource index, cluster) →
/// the count in the rendered object (`render::overridden_replicas` computes it).
pub type Landed = std::collections::BTreeMap<(usize, String), i64>;

/// One reason with every cluster it leaves out (format version 2: grouped, so a plan of many clusters
/// prints each reason once rather than once per cluster).
#[derive(Serialize)]
struct JsonRejection<'a> {
    reason: &'a str,
    clusters: Vec<&'a str>,
}

#[derive(Serialize)]
struct JsonTerm<'a> {
    name: &'a str,
    error: &'a str,
}

/// No rendered counts: the scheduled ones stand everywhere.
static NO_LANDED: Landed = Landed::new();

impl<'a> Json<'a> {
    pub fn new(model: &'a Model, decisions: &'a [&'a Decision]) -> Self {
        Self::with_landed(model, decisions, &NO_LANDED)
    }

    /// [`Json::new`], with each cluster's rendered replicas where an override changes them.
    pub fn with_landed(
        model: &'a Model,
        decisions: &'a [&'a Decision],
        landed: &'a Landed,
    ) -> Self {
        Json {
            model,
            decisions,
            landed,
        }
    }
}

fn workload<'a>(model: &'a Model, d: &'a Decision) -> JsonWorkload<'a> {
    let r = &model.resources[d.resource];
    let rejections = |rejected: &'a crate::place::Rejections| {
        (rejected.groups().into_iter())
            .map(|(reason, clusters)| JsonRejection {
                reason,
                clusters: (clusters.into_iter())
                    .map(|c| model.clusters[c].name.as_str())
                    .collect(),
            })
            .collect()
    };
    let mut item = JsonWorkload {
        api_version: &r.id.api_version,
        kind: &r.id.kind,
        namespace: r.id.namespace.as_deref(),
        name: &r.id.name,
        policy: policy_label(model, d),
        clusters: Vec::new(),
        total_replicas: None,
        rejected: Vec::new(),
        error: None,
        not_propagated: None,
        affinity_term: None,
        skipped_terms: None,
        required_by: None,
        schedule: d
            .how
            .as_ref()
            .filter(|h| !h.is_first())
            .map(|h| JsonSchedule {
                change: h.change.as_str(),
                trigger: h.trigger.as_ref().map(|t| t.as_str()),
                previous_replicas: h.previous,
                reason: h.describe(),
            }),
    };
    match &d.outcome {
        Outcome::Placed(p) => {
            item.clusters = (p.targets.iter())
                .map(|t| JsonCluster {
                    name: &t.cluster,
                    replicas: t.replicas,
                    completions: t.completions,
                    rendered_replicas: None,
                    api_from: (p.api_from_crd.get(&t.cluster))
                        .map(|crd| format!("CustomResourceDefinition {crd}")),
                })
                .collect();
            item.total_replicas = p.total_replicas();
            item.rejected = rejections(&p.rejected);
            if let Some(term) = &p.affinity_term {
                item.affinity_term = Some(term);
                item.skipped_terms = Some(
                    (p.skipped_terms.iter())
                        .map(|(name, error)| JsonTerm { name, error })
                        .collect(),
                );
            }
            if !p.required_by.is_empty() {
                item.required_by = Some(p.required_by.iter().map(|r| r.to_string()).collect());
            }
        }
        Outcome::Failed { error, rejected } => {
            item.rejected = rejections(rejected);
            item.error = Some(error);
        }
        Outcome::NotPropagated { reason } => item.not_propagated = Some(reason),
    }
    item
}

fn title(r: &Resource) -> String {
    match &r.id.namespace {
        Some(ns) => format!("{} {ns}/{}", r.id.kind, r.id.name),
        None => format!("{} {}", r.id.kind, r.id.name),
    }
}

pub fn to_text(model: &Model, decisions: &[&Decision]) -> String {
    to_text_with(model, decisions, &Landed::new())
}

/// [`to_text`], saying where an override makes the rendered count differ from the scheduled one.
pub fn to_text_with(model: &Model, decisions: &[&Decision], landed: &Landed) -> String {
    let mut out = String::new();
    for d in decisions {
        let r = &model.resources[d.resource];
        let _ = write!(out, "{}", title(r));
        if let Some(p) = policy_label(model, d) {
            let _ = write!(out, "  ({p})");
        } else if r.id.kind == "Namespace" && matches!(d.outcome, Outcome::Placed(_)) {
            let _ = write!(out, "  (Karmada's namespace controller: every cluster)");
        }
        out.push('\n');
        let width = model
            .clusters
            .iter()
            .map(|c| c.name.len())
            .max()
            .unwrap_or(8)
            .max(8);
        let schedule = d.how.as_ref().filter(|h| !h.is_first());
        match &d.outcome {
            Outcome::NotPropagated { reason } => {
                let _ = writeln!(out, "  not propagated: {reason}");
            }
            Outcome::Failed { error, rejected } => {
                let _ = writeln!(out, "  error: {error}");
                if let Some(h) = schedule {
                    let _ = writeln!(out, "    schedule: {}", h.describe());
                }
                for (c, reason) in rejected.iter() {
                    let _ = writeln!(out, "  - {:width$}  {reason}", model.clusters[c].name);
                }
            }
            Outcome::Placed(p) => {
                for t in &p.targets {
                    let what = match (t.replicas, t.completions) {
                        (Some(n), Some(c)) => format!("parallelism {n}, completions {c}"),
                        (Some(n), None) => format!("{n} replica{}", if n == 1 { "" } else { "s" }),
                        (None, _) => String::new(),
                    };
                    let suspended = (d.policy).is_some_and(|p| {
                        model.propagation_policies[p].suspended.covers(&t.cluster)
                    });
                    let what = if suspended {
                        format!("{what} (suspended: nothing dispatched)")
                    } else {
                        what
                    };
                    let what = match landed.get(&(d.resource, t.cluster.clone())) {
                        Some(n) => format!("{what} scheduled, {n} rendered (an override sets it)"),
                        None => what,
                    };
                    let line = format!("  + {:width$}  {what}", t.cluster);
                    let _ = writeln!(out, "{}", line.trim_end());
                }
                if let Some(total) = p.total_replicas() {
                    let _ = writeln!(
                        out,
                        "    {:width$}  {}",
                        "total",
                        total_text(model, d, p, total)
                    );
                }
                for r in &p.required_by {
                    let _ = writeln!(out, "    follows {r} (propagateDeps)");
                }
                for (crd, clusters) in api_from_crd(p) {
                    let _ = writeln!(
                        out,
                        "    API `{}` `{}` on {}: from the repository's CustomResourceDefinition `{crd}`, placed there (not in the inventory's `status.apiEnablements`)",
                        r.id.api_version,
                        r.id.kind,
                        clusters.join(", ")
                    );
                }
                for (name, error) in &p.skipped_terms {
                    let _ = writeln!(out, "    affinity term `{name}` skipped: {error}");
                }
                if let Some(term) = &p.affinity_term {
                    let _ = writeln!(out, "    affinity term `{term}`");
                }
                if let Some(h) = schedule {
                    let _ = writeln!(out, "    schedule: {}", h.describe());
                }
                for (c, reason) in p.rejected.iter() {
                    let _ = writeln!(out, "  - {:width$}  {reason}", model.clusters[c].name);
                }
            }
        }
        out.push('\n');
    }
    out
}

/// The clusters that got the object's API from the repository's CRDs, by CRD.
fn api_from_crd(p: &crate::place::Placed) -> std::collections::BTreeMap<&str, Vec<&str>> {
    let mut by_crd: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
    for (cluster, crd) in &p.api_from_crd {
        by_crd.entry(crd).or_default().push(cluster);
    }
    by_crd
}

/// Short-form overrides that name a cluster the workload did not land on: an error when the filters
/// leave that cluster out (the seed's rule: only clusters the placement selects may be overridden), a
/// warning when it was selected but given no replicas (the override merely has no effect).
pub fn idle_overrides(model: &Model, decisions: &[Decision]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut generated: HashMap<&ObjectRef, Vec<&OverridePolicy>> = HashMap::new();
    for op in &model.override_policies {
        if let Some(id) = &op.generated_for {
            generated.entry(id).or_default().push(op);
        }
    }
    for d in decisions {
        let Outcome::Placed(p) = &d.outcome else {
            continue;
        };
        let r = &model.resources[d.resource];
        let Some(ops) = generated.get(&r.id) else {
            continue;
        };
        let landed: BTreeSet<&str> = p.targets.iter().map(|t| t.cluster.as_str()).collect();
        for op in ops {
            for (i, rule) in op.rules.iter().enumerate() {
                let Some(target) = &rule.target_cluster else {
                    continue;
                };
                for (j, name) in target.cluster_names.iter().enumerate() {
                    if landed.contains(name.as_str()) {
                        continue;
                    }
                    let span = op
                        .origin
                        .span_at(&format!("/spec/overrides/{i}/clusters/{j}"));
                    // Only the clusters the placement selects may be overridden: one the filters
                    // leave out is an error; one selected but given no replicas only idles.
                    let filtered = (p.rejected.iter())
                        .find(|(c, _)| model.clusters[*c].name == *name)
                        .filter(|(_, reason)| !is_division_outcome(reason));
                    out.push(match filtered {
                        Some(x) => Diagnostic::error(
                            "override-cluster",
                            span,
                            format!(
                                "override for cluster `{name}`, where `{}` cannot be placed: {}",
                                r.id, x.1
                            ),
                        )
                        .with_note("an override may only name clusters the workload may be placed on"),
                        None => Diagnostic::warning(
                            "idle-override",
                            span,
                            format!("override for cluster `{name}` has no effect: `{}` is not placed there", r.id),
                        ),
                    });
                }
            }
        }
    }
    out
}

/// Whether a rejection comes from choosing among clusters that passed the filters (spread selection or
/// replica division) rather than from the filters themselves.
fn is_division_outcome(reason: &str) -> bool {
    reason.starts_with("not selected by the spread constraints")
        || reason.starts_with("no replicas assigned")
}

/// The total line as a Kairship user reads it: `3 × 3 clusters = 9` for Duplicated (each cluster runs
/// the full count), `9 in all` otherwise.
fn total_text(model: &Model, d: &Decision, p: &crate::place::Placed, total: i64) -> String {
    let duplicated = d.policy.is_some_and(|i| {
        matches!(
            model.propagation_policies[i].placement.scheduling,
            crate::model::Scheduling::Duplicated
        )
    });
    let per_cluster = p.targets.first().and_then(|t| t.replicas);
    match per_cluster {
        Some(n) if duplicated && p.targets.len() > 1 => {
            format!("{n} × {} clusters = {total}", p.targets.len())
        }
        _ => format!("{total} in all"),
    }
}

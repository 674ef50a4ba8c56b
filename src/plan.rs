//! The expected placement, for people and for programs: [`to_json`] is the stable contract described by
//! `schema/plan.schema.json`, [`to_text`] a readable table. Both list, per resource, the clusters it lands on
//! with replicas, the total, and every cluster left out with its reason; a resource that cannot be placed
//! shows Karmada's error while the others still show.

use crate::diagnostic::Diagnostic;
use crate::model::{Model, Resource};
use crate::place::{Decision, Outcome};
use serde_json::{Value, json};
use std::collections::BTreeSet;
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

pub fn to_json(model: &Model, decisions: &[&Decision]) -> Value {
    let workloads: Vec<Value> = decisions
        .iter()
        .map(|d| {
            let r = &model.resources[d.resource];
            let mut item = json!({
                "apiVersion": r.id.api_version,
                "kind": r.id.kind,
                "namespace": r.id.namespace,
                "name": r.id.name,
                "policy": policy_label(model, d),
            });
            let (clusters, total, rejected) = match &d.outcome {
                Outcome::Placed(p) => (
                    p.targets
                        .iter()
                        .map(|t| {
                            let mut c = json!({"name": t.cluster, "replicas": t.replicas});
                            if let Some(n) = t.completions {
                                c["completions"] = json!(n);
                            }
                            c
                        })
                        .collect(),
                    json!(p.total_replicas()),
                    &p.rejected,
                ),
                Outcome::Failed { rejected, .. } => (Vec::new(), Value::Null, rejected),
                Outcome::NotPropagated { .. } => (Vec::new(), Value::Null, &Vec::new()),
            };
            item["clusters"] = Value::Array(clusters);
            item["totalReplicas"] = total;
            item["rejected"] = rejected
                .iter()
                .map(|r| json!({"cluster": r.cluster, "reason": r.reason}))
                .collect();
            match &d.outcome {
                Outcome::Failed { error, .. } => item["error"] = json!(error),
                Outcome::NotPropagated { reason } => item["notPropagated"] = json!(reason),
                Outcome::Placed(p) => {
                    if let Some(term) = &p.affinity_term {
                        item["affinityTerm"] = json!(term);
                        item["skippedTerms"] = p
                            .skipped_terms
                            .iter()
                            .map(|(name, error)| json!({"name": name, "error": error}))
                            .collect();
                    }
                    if !p.required_by.is_empty() {
                        item["requiredBy"] =
                            p.required_by.iter().map(|r| json!(r.to_string())).collect();
                    }
                }
            }
            item
        })
        .collect();
    json!({ "workloads": workloads })
}

fn title(r: &Resource) -> String {
    match &r.id.namespace {
        Some(ns) => format!("{} {ns}/{}", r.id.kind, r.id.name),
        None => format!("{} {}", r.id.kind, r.id.name),
    }
}

pub fn to_text(model: &Model, decisions: &[&Decision]) -> String {
    let mut out = String::new();
    for d in decisions {
        let r = &model.resources[d.resource];
        let _ = write!(out, "{}", title(r));
        if let Some(p) = policy_label(model, d) {
            let _ = write!(out, "  ({p})");
        }
        out.push('\n');
        let width = model
            .clusters
            .iter()
            .map(|c| c.name.len())
            .max()
            .unwrap_or(8)
            .max(8);
        match &d.outcome {
            Outcome::NotPropagated { reason } => {
                let _ = writeln!(out, "  not propagated: {reason}");
            }
            Outcome::Failed { error, rejected } => {
                let _ = writeln!(out, "  error: {error}");
                for x in rejected {
                    let _ = writeln!(out, "  - {:width$}  {}", x.cluster, x.reason);
                }
            }
            Outcome::Placed(p) => {
                for t in &p.targets {
                    let what = match (t.replicas, t.completions) {
                        (Some(n), Some(c)) => format!("{n} parallel, {c} completions"),
                        (Some(n), None) => format!("{n} replica{}", if n == 1 { "" } else { "s" }),
                        (None, _) => String::new(),
                    };
                    let line = format!("  + {:width$}  {what}", t.cluster);
                    let _ = writeln!(out, "{}", line.trim_end());
                }
                if let Some(total) = p.total_replicas() {
                    let _ = writeln!(out, "    {:width$}  {total} in all", "total");
                }
                for r in &p.required_by {
                    let _ = writeln!(out, "    follows {r} (propagateDeps)");
                }
                for (name, error) in &p.skipped_terms {
                    let _ = writeln!(out, "    affinity term `{name}` skipped: {error}");
                }
                if let Some(term) = &p.affinity_term {
                    let _ = writeln!(out, "    affinity term `{term}`");
                }
                for x in &p.rejected {
                    let _ = writeln!(out, "  - {:width$}  {}", x.cluster, x.reason);
                }
            }
        }
        out.push('\n');
    }
    out
}

/// Overrides (short-form or OverridePolicy rules with explicit `clusterNames`) that name a cluster the
/// resource did not land on: they have no effect, which is worth a warning.
pub fn idle_overrides(model: &Model, decisions: &[Decision]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for d in decisions {
        let Outcome::Placed(p) = &d.outcome else {
            continue;
        };
        let r = &model.resources[d.resource];
        let landed: BTreeSet<&str> = p.targets.iter().map(|t| t.cluster.as_str()).collect();
        for op in model
            .override_policies
            .iter()
            .filter(|op| op.generated_for.as_ref() == Some(&r.id))
        {
            for (i, rule) in op.rules.iter().enumerate() {
                let Some(target) = &rule.target_cluster else {
                    continue;
                };
                for (j, name) in target.cluster_names.iter().enumerate() {
                    if !landed.contains(name.as_str()) {
                        out.push(Diagnostic::warning(
                            "idle-override",
                            op.origin.span_at(&format!("/spec/overrides/{i}/clusters/{j}")),
                            format!("override for cluster `{name}` has no effect: `{}` is not placed there", r.id),
                        ));
                    }
                }
            }
        }
    }
    out
}

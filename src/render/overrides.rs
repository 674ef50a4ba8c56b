//! Per-cluster differences: Karmada's OverridePolicy and ClusterOverridePolicy applied to one object for
//! one member cluster (`pkg/util/overridemanager`, `pkg/util/imageparser`; karmada-semantics.md §7).
//!
//! Input → output: [`policies_for`] picks, from the model, the override policies that select a resource,
//! in Karmada's application order; [`apply`] runs them for one target cluster over the object's JSON,
//! in place, or says which overrider failed and why ([`OverrideError`], located by a JSON pointer into
//! the policy's own YAML).
//!
//! Order (`overridemanager.go`): every matching ClusterOverridePolicy, then, for a namespaced object, every
//! matching OverridePolicy of its namespace; within each set ascending by implicit priority (no selectors
//! counts as match-all) and then by name, so the later, more specific policy wins. Within a policy, each rule
//! whose `targetCluster` is absent or matches; within a rule's `overriders`: image, command, args, labels,
//! annotations, field, plaintext, each list in order.
//!
//! This file is that order and where a failure is located, nothing more. Every overrider behaves as
//! Karmada's code does, including its quirks, because the output must be what Karmada would push to the
//! member cluster; each is a child module:
//! - `json_patch`: RFC 6902 operations with evanphx/json-patch/v5's lenient paths; plaintext is a list of
//!   them, and every other overrider is turned into some.
//! - `image`: the image overrider, its reference grammar in `image::reference`.
//! - `command_args` and `maps` (labels and annotations): those overriders; `pod_spec`: where the
//!   containers are, for image, command and args.
//! - `field`: JSON or YAML text inside a string field, read and written with [`crate::gocompat`].
//!
//! Invariants: pure (no I/O), deterministic, never panics on any input; the object is left unspecified
//! when an error is returned, as Karmada discards it too. Error messages are fanout's own, not Karmada's.
//!
//! Not done here: the number normalisation that Karmada's round trip through `Unstructured` applies to
//! the whole object (left to rendering).

mod command_args;
mod field;
mod image;
mod json_patch;
mod maps;
mod pod_spec;

use crate::model::api;
use crate::model::{Cluster, Model, OverridePolicy, Resource};
use crate::place::affinity::cluster_matches;
use crate::place::matching::{Match, best_match};
use command_args::command_args_ops;
use field::field_override;
use image::image_ops;
use json_patch::{Op, patch, patch_object, still_an_object};
use maps::map_ops;
use serde_json::Value;
use std::collections::HashMap;

/// Which override policies apply to `resource`, in Karmada's application order
/// (pkg/util/overridemanager/overridemanager.go): all matching ClusterOverridePolicies, then (namespaced
/// resources only) the matching OverridePolicies of its namespace; within each set sorted ascending by
/// implicit priority (empty resourceSelectors = match-all) then by name; later wins.
pub fn policies_for<'m>(model: &'m Model, resource: &Resource) -> Vec<&'m OverridePolicy> {
    ByNamespace::new(model).policies_for(resource)
}

/// The model's override policies grouped by namespace (`None`: ClusterOverridePolicies), built once so
/// that finding a resource's policies looks only at its own namespace's.
pub struct ByNamespace<'m>(HashMap<Option<&'m str>, Vec<&'m OverridePolicy>>);

impl<'m> ByNamespace<'m> {
    pub fn new(model: &'m Model) -> Self {
        let mut map: HashMap<Option<&'m str>, Vec<&'m OverridePolicy>> = HashMap::new();
        for p in &model.override_policies {
            map.entry(p.namespace.as_deref()).or_default().push(p);
        }
        ByNamespace(map)
    }

    /// See [`policies_for`].
    pub fn policies_for(&self, resource: &Resource) -> Vec<&'m OverridePolicy> {
        let ranked = |namespace: Option<&str>| {
            let mut found: Vec<(Match, &'m OverridePolicy)> = (self.0.get(&namespace))
                .into_iter()
                .flatten()
                .map(|&p| {
                    let rank = if p.selectors.is_empty() {
                        Match::All
                    } else {
                        best_match(resource, &p.selectors)
                    };
                    (rank, p)
                })
                .filter(|(rank, _)| *rank != Match::None)
                .collect();
            found.sort_by(|(ra, a), (rb, b)| ra.cmp(rb).then_with(|| a.name.cmp(&b.name)));
            found.into_iter().map(|(_, p)| p)
        };
        let mut out: Vec<&'m OverridePolicy> = ranked(None).collect();
        if let Some(ns) = resource.id.namespace.as_deref().filter(|ns| !ns.is_empty()) {
            out.extend(ranked(Some(ns)));
        }
        out
    }
}

/// Apply the policies for one target cluster to the object (JSON), rule by rule (a rule applies when it
/// has no targetCluster or `cluster_matches`), each overriders block in Karmada's order: imageOverrider,
/// commandOverrider, argsOverrider, labelsOverrider, annotationsOverrider, fieldOverrider, plaintext. Any
/// failing patch aborts the whole override for that cluster: return the error and leave `object`
/// unspecified.
pub fn apply(
    policies: &[&OverridePolicy],
    cluster: &Cluster,
    object: &mut Value,
) -> Result<(), OverrideError> {
    apply_rules(policies, &matching_rules(policies, cluster), object)
}

/// The rules that apply to `cluster`, as (policy index, rule index) in application order. Overriders do
/// not depend on the cluster otherwise, so two clusters with the same rules get the same object.
pub fn matching_rules(policies: &[&OverridePolicy], cluster: &Cluster) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for (index, policy) in policies.iter().enumerate() {
        for (rule_index, rule) in policy.rules.iter().enumerate() {
            let applies = (rule.target_cluster.as_ref())
                .is_none_or(|target| cluster_matches(cluster, target).is_ok());
            if applies {
                out.push((index, rule_index));
            }
        }
    }
    out
}

/// Apply the given rules (from [`matching_rules`]) in order; see [`apply`].
pub fn apply_rules(
    policies: &[&OverridePolicy],
    rules: &[(usize, usize)],
    object: &mut Value,
) -> Result<(), OverrideError> {
    for &(index, rule_index) in rules {
        let policy = policies[index];
        let rule = &policy.rules[rule_index];
        let before = identity(object);
        apply_overriders(&rule.overriders, object)
            .and_then(|()| same_identity(&before, object))
            .map_err(|f| OverrideError {
                policy: index,
                pointer: pointer_in_policy(policy, rule_index, &f.at),
                message: f.message,
            })?;
    }
    Ok(())
}

/// The fields that say which object this is.
const IDENTITY: [(&str, &str); 4] = [
    ("apiVersion", "/apiVersion"),
    ("kind", "/kind"),
    ("metadata.name", "/metadata/name"),
    ("metadata.namespace", "/metadata/namespace"),
];

fn identity(object: &Value) -> [Option<Value>; 4] {
    IDENTITY.map(|(_, pointer)| object.pointer(pointer).cloned())
}

/// An override may not turn the object into another one: a Secret overridden into a ConfigMap would
/// be rendered (and diffed) unmasked, and Karmada would push an object its policies never selected.
fn same_identity(before: &[Option<Value>; 4], object: &Value) -> Result<(), Failure> {
    let after = identity(object);
    for (i, (field, _)) in IDENTITY.iter().enumerate() {
        if before[i] != after[i] {
            return Err(Failure {
                at: String::new(),
                message: format!(
                    "an override may not change `{field}` (it names the object; write another object instead)"
                ),
            });
        }
    }
    Ok(())
}

/// Why overriding one object for one cluster failed, and which overrider of which policy did it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OverrideError {
    /// Index of the failing policy in the slice given to `apply`.
    pub policy: usize,
    /// JSON pointer of the failing overrider inside the policy's own YAML, so the caller can point at it:
    /// e.g. "/spec/overrideRules/0/overriders/plaintext/1" (or "/spec/overriders/..." for the deprecated
    /// form); for a policy generated from a short form (`generated_for.is_some()`),
    /// `/spec/overrides/<rule index>`.
    pub pointer: String,
    /// lower case, no trailing period, names in backticks, e.g. "json patch `replace` at `/spec/foo`: path
    /// does not exist"
    pub message: String,
}

impl std::fmt::Display for OverrideError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for OverrideError {}

/// Where a rule's overriders live in the policy's YAML, joined with `at` (e.g. `plaintext/1`).
fn pointer_in_policy(policy: &OverridePolicy, rule: usize, at: &str) -> String {
    if policy.generated_for.is_some() {
        return format!("/spec/overrides/{rule}");
    }
    let listed = match policy.origin.node.at_pointer("/spec/overrideRules") {
        Some((_, node)) => match &node.value {
            crate::front::yaml::Value::Seq(items) => items.len(),
            _ => 0,
        },
        None => 0,
    };
    let block = if rule < listed {
        format!("/spec/overrideRules/{rule}/overriders")
    } else {
        "/spec/overriders".to_owned()
    };
    if at.is_empty() {
        block
    } else {
        format!("{block}/{at}")
    }
}

/// A failure inside one `overriders` block: where (relative to the block) and why.
#[derive(Debug)]
struct Failure {
    at: String,
    message: String,
}

fn fail(at: String) -> impl FnOnce(String) -> Failure {
    move |message| Failure { at, message }
}

/// One `overriders` block, in Karmada's order (`applyPolicyOverriders`).
fn apply_overriders(ov: &api::Overriders, object: &mut Value) -> Result<(), Failure> {
    for (i, o) in ov.image_overrider.iter().enumerate() {
        let at = format!("imageOverrider/{i}");
        let ops = image_ops(object, o).map_err(fail(at.clone()))?;
        patch_object(object, &ops).map_err(fail(at))?;
    }
    for (field, list, name) in [
        ("command", &ov.command_overrider, "commandOverrider"),
        ("args", &ov.args_overrider, "argsOverrider"),
    ] {
        for (i, o) in list.iter().enumerate() {
            let at = format!("{name}/{i}");
            let ops = command_args_ops(object, field, o).map_err(fail(at.clone()))?;
            patch_object(object, &ops).map_err(fail(at))?;
        }
    }
    for (field, list, name) in [
        ("labels", &ov.labels_overrider, "labelsOverrider"),
        (
            "annotations",
            &ov.annotations_overrider,
            "annotationsOverrider",
        ),
    ] {
        for (i, o) in list.iter().enumerate() {
            let ops = map_ops(object, field, o);
            if !ops.is_empty() {
                patch_object(object, &ops).map_err(fail(format!("{name}/{i}")))?;
            }
        }
    }
    for (i, o) in ov.field_overrider.iter().enumerate() {
        field_override(object, o).map_err(|(sub, message)| Failure {
            at: format!("fieldOverrider/{i}{sub}"),
            message,
        })?;
    }
    let ops: Vec<Op> = ov
        .plaintext
        .iter()
        .map(|p| Op::new(&p.operator, &p.path, p.value.clone().unwrap_or(Value::Null)))
        .collect();
    match patch(object, &ops) {
        Ok(()) => still_an_object(object).map_err(fail("plaintext".into())),
        Err((i, message)) => Err(Failure {
            at: format!("plaintext/{i}"),
            message,
        }),
    }
}

#[cfg(test)]
mod tests;

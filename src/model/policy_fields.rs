//! The PropagationPolicy fields beyond placement and priority, each with one of three answers (the
//! README's table): **reproduced** (`suspension`, `dependentOverrides`: they change what is rendered),
//! **accepted with a note** (`failover`, `preemption`, `activationPreference`, `conflictResolution`,
//! `preserveResourcesOnDeletion`, `schedulePriority`, `association`: run-time behaviour a compiler cannot
//! see; one `info` per field the first time it is seen), or **refused** by the schema (`workloadAffinity`,
//! a `schedulerName` other than Karmada's default scheduler).
//!
//! Also the webhook's rules on these fields (`pkg/util/validation/validation.go`): suspension of every
//! cluster and of named clusters together, `preemption: Always` without resource names, application
//! failover without `propagateDeps`. Pure: objects in, diagnostics and model values out.

use crate::diagnostic::Diagnostic;
use crate::front::classify::Object;
use crate::model::api::PropagationSpec;
use crate::model::{Model, Suspended};
use std::collections::BTreeSet;

/// The run-time fields, with the note each gets: `(field, note)`.
const NOTED: &[(&str, &str)] = &[
    (
        "failover",
        "`failover` acts at run time (Karmada moves replicas when a cluster or the application fails); the render shows the schedule before any failure",
    ),
    (
        "preemption",
        "`preemption: Always` lets a policy take resources another policy already claimed, at run time (Karmada's PolicyPreemption feature gate); offline every resource is matched afresh",
    ),
    (
        "activationPreference",
        "`activationPreference: Lazy` only delays when Karmada applies policy changes; the render shows the policy as written",
    ),
    (
        "conflictResolution",
        "`conflictResolution` decides what Karmada does when the object already exists in a member cluster; it does not change what is rendered",
    ),
    (
        "preserveResourcesOnDeletion",
        "`preserveResourcesOnDeletion` keeps objects in member clusters when their template is deleted; in GitOps, pruning is the sync tool's setting",
    ),
    (
        "schedulePriority",
        "`schedulePriority` orders Karmada's scheduling queue; each workload's placement is the same",
    ),
    (
        "association",
        "`association` is deprecated and ignored by Karmada: use `propagateDeps`",
    ),
];

/// The webhook's checks and the notes for one policy's spec, and where its `suspension` stops
/// dispatching. `noted`: the fields already noted in this run (each is noted once).
pub fn check(
    o: &Object,
    spec: &PropagationSpec,
    noted: &mut BTreeSet<&'static str>,
) -> (Suspended, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let err = |pointer: &str, message: &str| {
        Diagnostic::error("invalid", o.node.span_at(pointer), message.to_owned())
    };
    let present = |field: &str| match field {
        "failover" => spec.failover.is_some(),
        "preemption" => spec.preemption == "Always",
        "activationPreference" => !spec.activation_preference.is_empty(),
        "conflictResolution" => spec.conflict_resolution == "Overwrite",
        "preserveResourcesOnDeletion" => spec.preserve_resources_on_deletion == Some(true),
        "schedulePriority" => spec.schedule_priority.is_some(),
        "association" => spec.association,
        _ => false,
    };
    for (field, note) in NOTED {
        if present(field) && noted.insert(field) {
            out.push(Diagnostic::info(
                "run-time-field",
                o.node.key_span_at(&format!("/spec/{field}")),
                format!("{note} (noted once per run)"),
            ));
        }
    }
    if spec.preemption == "Always" {
        for (i, s) in spec.resource_selectors.iter().enumerate() {
            if s.name.is_empty() {
                out.push(err(
                    &format!("/spec/resourceSelectors/{i}"),
                    "name cannot be empty if preemption is Always, the empty name may cause unexpected resources preemption",
                ));
            }
        }
    }
    let application_failover = (spec.failover.as_ref())
        .is_some_and(|f| f.get("application").is_some_and(|a| !a.is_null()));
    if application_failover && !spec.propagate_deps {
        out.push(err(
            "/spec/failover/application",
            "application failover is set, `propagateDeps` must be true",
        ));
    }
    let suspended = match &spec.suspension {
        None => Suspended::Nowhere,
        Some(s) => {
            let clusters: BTreeSet<String> = (s.dispatching_on_clusters.iter())
                .flat_map(|c| c.cluster_names.iter().cloned())
                .collect();
            match s.dispatching {
                Some(true) if !clusters.is_empty() => {
                    out.push(err(
                        "/spec/suspension",
                        "suspension `dispatching` cannot co-exist with `dispatchingOnClusters.clusterNames`",
                    ));
                    Suspended::Everywhere
                }
                Some(true) => Suspended::Everywhere,
                _ if clusters.is_empty() => Suspended::Nowhere,
                _ => Suspended::On(clusters),
            }
        }
    };
    (suspended, out)
}

/// Policies whose `dependentOverrides` name an override policy missing from the repository: Karmada
/// waits for it and propagates nothing with that policy, and so does fanout (a warning at the name).
/// A PropagationPolicy waits for OverridePolicies of its namespace, a ClusterPropagationPolicy for
/// ClusterOverridePolicies.
pub fn wait_for_overrides(model: &mut Model) -> Vec<Diagnostic> {
    let present: BTreeSet<(Option<&str>, &str)> = (model.override_policies.iter())
        .filter(|op| op.generated_for.is_none())
        .map(|op| (op.namespace.as_deref(), op.name.as_str()))
        .collect();
    let mut waits = Vec::new();
    let mut out = Vec::new();
    for (i, pp) in model.propagation_policies.iter().enumerate() {
        let missing: Vec<(usize, &String)> = (pp.dependent_overrides.iter().enumerate())
            .filter(|(_, name)| !present.contains(&(pp.namespace.as_deref(), name.as_str())))
            .collect();
        let kind = if pp.namespace.is_some() {
            "OverridePolicy"
        } else {
            "ClusterOverridePolicy"
        };
        for (j, name) in &missing {
            out.push(Diagnostic::warning(
                "waiting",
                pp.origin.span_at(&format!("/spec/dependentOverrides/{j}")),
                format!(
                    "{kind} `{name}` is not in the repository: Karmada waits for it, so this policy propagates nothing"
                ),
            ));
        }
        if let Some((_, name)) = missing.first() {
            waits.push((
                i,
                format!("waiting for {kind} `{name}` (`dependentOverrides`)"),
            ));
        }
    }
    for (i, reason) in waits {
        model.propagation_policies[i].waiting = Some(reason);
    }
    out
}

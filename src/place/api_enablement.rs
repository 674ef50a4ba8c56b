//! The APIEnablement filter (Karmada `pkg/scheduler/framework/plugins/apienablement`, with
//! `Cluster.APIEnablement` of `pkg/apis/cluster/v1alpha1/cluster_helper.go`), and the APIs the
//! repository's own CustomResourceDefinitions bring to the clusters they land on.
//!
//! A Cluster that lists `status.apiEnablements` serves the group/versions and kinds listed there; one
//! that lists none serves everything (fanout's offline choice: an inventory written by hand has none).
//! Karmada learns a custom API from the member cluster once the CRD is installed there; offline the
//! repository is the truth: a `CustomResourceDefinition` (`apiextensions.k8s.io/v1`) placed on a cluster
//! (and dispatched there, not `suspension`-held) serves, on that cluster, its group with each served
//! version, its kind and its scope. So placement schedules the repository's CRDs first, collects what
//! they serve where ([`ServedApis`]), then filters every other object with the inventory's list and
//! those APIs together. A cluster rejected keeps Karmada's reason first, then how to fix the inventory
//! or the placement; a cluster accepted only thanks to a CRD is named in the plan ([`granted`]).
//!
//! Pure and deterministic (CRDs in name order, clusters sorted); never panics.

use super::{Decision, Outcome, Target};
use crate::front::schemas::crd;
use crate::model::{ApiEnablements, Cluster, Model, Resource};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Karmada's reason, in `0/N clusters are available: ...` and first in each rejected cluster's reason.
pub const KARMADA_REASON: &str = "cluster(s) did not have the API resource";

/// What one CRD serves: its group, served versions, kind and scope.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Definition {
    pub group: String,
    /// Served versions, sorted.
    pub versions: Vec<String>,
    pub kind: String,
    pub namespaced: bool,
}

impl Definition {
    /// The definition in a CRD object; `None` when it lacks a group or kind (the schema requires them).
    pub fn of(crd: &Value) -> Option<Definition> {
        let spec = crd.get("spec")?;
        let mut versions: Vec<String> = (spec.get("versions")?.as_array()?.iter())
            .filter(|v| v.get("served").and_then(Value::as_bool) == Some(true))
            .filter_map(|v| Some(v.get("name")?.as_str()?.to_owned()))
            .collect();
        versions.sort();
        versions.dedup();
        Some(Definition {
            group: spec.get("group")?.as_str()?.to_owned(),
            versions,
            kind: spec.pointer("/names/kind")?.as_str()?.to_owned(),
            namespaced: spec.get("scope").and_then(Value::as_str) != Some("Cluster"),
        })
    }

    /// Whether this definition serves `resource`: its group and kind, a served version, its scope.
    pub fn serves(&self, resource: &Resource) -> bool {
        let (group, version) = (resource.id.api_version.rsplit_once('/'))
            .unwrap_or(("", resource.id.api_version.as_str()));
        group == self.group
            && resource.id.kind == self.kind
            && self.versions.iter().any(|v| v == version)
            && resource.id.namespace.is_some() == self.namespaced
    }
}

/// Whether a resource is a CRD whose API the filter can learn (`apiextensions.k8s.io/v1`).
pub fn is_crd(resource: &Resource) -> bool {
    crd::is_crd(&resource.id.api_version, &resource.id.kind)
}

/// The repository's CRDs: what each serves and the clusters it is placed and dispatched on.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ServedApis {
    /// `(CRD name, definition)` → clusters; a CRD rendered per cluster from a template may serve
    /// different APIs on different clusters. Every CRD of the repository is here, placed or not.
    served: BTreeMap<(String, Definition), BTreeSet<String>>,
}

impl ServedApis {
    /// From the decisions of the repository's CRDs (other decisions are ignored).
    pub fn new<'d>(model: &Model, decisions: impl IntoIterator<Item = &'d Decision>) -> Self {
        let mut served: BTreeMap<(String, Definition), BTreeSet<String>> = BTreeMap::new();
        for d in decisions {
            let r = &model.resources[d.resource];
            if !is_crd(r) {
                continue;
            }
            if let Some(def) = Definition::of(&r.body) {
                served.entry((r.id.name.clone(), def)).or_default();
            }
            let Outcome::Placed(placed) = &d.outcome else {
                continue;
            };
            let suspended = d.policy.map(|p| &model.propagation_policies[p].suspended);
            for t in &placed.targets {
                if suspended.is_some_and(|s| s.covers(&t.cluster)) {
                    continue;
                }
                let body = r.variants.get(&t.cluster).unwrap_or(&r.body);
                if let Some(def) = Definition::of(body) {
                    let clusters = served.entry((r.id.name.clone(), def)).or_default();
                    clusters.insert(t.cluster.clone());
                }
            }
        }
        ServedApis { served }
    }

    /// The CRD (by name) that serves `resource`'s API on `cluster`, the first by name.
    pub fn granting(&self, cluster: &str, resource: &Resource) -> Option<&str> {
        (self.served.iter())
            .find(|((_, def), clusters)| clusters.contains(cluster) && def.serves(resource))
            .map(|((name, _), _)| name.as_str())
    }

    /// The repository's CRD that defines `resource`'s API, placed or not, the first by name.
    fn defining(&self, resource: &Resource) -> Option<&str> {
        (self.served.keys())
            .find(|(_, def)| def.serves(resource))
            .map(|(name, _)| name.as_str())
    }
}

/// Whether the inventory's list names the resource's group/version and kind.
fn listed(apis: &ApiEnablements, resource: &Resource) -> bool {
    apis.list.iter().any(|a| {
        a.group_version == resource.id.api_version
            && a.resources.iter().any(|r| r.kind == resource.id.kind)
    })
}

/// The filter for a cluster not in the previous result: `Err` with the reason for this cluster, Karmada's
/// words first, then what to change.
pub fn filter(c: &Cluster, resource: &Resource, served: &ServedApis) -> Result<(), String> {
    let Some(apis) = &c.api_enablements else {
        return Ok(());
    };
    if listed(apis, resource) || served.granting(&c.name, resource).is_some() {
        return Ok(());
    }
    let (gv, kind) = (&resource.id.api_version, &resource.id.kind);
    let incomplete = if apis.complete {
        ""
    } else {
        " (an incomplete list: its condition `CompleteAPIEnablements` is not `True`)"
    };
    let add = format!("add groupVersion `{gv}` with kind `{kind}` there if the cluster serves it");
    let fix = match served.defining(resource) {
        Some(name) => format!(
            "{add}, or propagate the repository's CustomResourceDefinition `{name}` to this cluster"
        ),
        None if crate::model::scope::built_in_group(resource.id.group()) => add,
        None => format!(
            "{add}, or propagate a CustomResourceDefinition of it (`apiextensions.k8s.io/v1`) to this cluster"
        ),
    };
    Err(format!(
        "{KARMADA_REASON}: the Cluster's `status.apiEnablements` does not list `{gv}` `{kind}`{incomplete}; {fix}"
    ))
}

/// The target clusters whose inventory does not list `resource`'s API but where a CRD of the
/// repository serves it, each with that CRD's name: what the plan says of them.
pub fn granted(
    clusters: &[Cluster],
    resource: &Resource,
    targets: &[Target],
    served: &ServedApis,
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if served.defining(resource).is_none() {
        return out;
    }
    for t in targets {
        let Ok(i) = clusters.binary_search_by(|c| c.name.as_str().cmp(&t.cluster)) else {
            continue;
        };
        let unlisted = (clusters[i].api_enablements.as_ref()).is_some_and(|a| !listed(a, resource));
        if let Some(crd) = served.granting(&t.cluster, resource).filter(|_| unlisted) {
            out.insert(t.cluster.clone(), crd.to_owned());
        }
    }
    out
}

/// Pairs (CRD, custom resource), by index into `model.resources`, where the CRD's placement can change
/// whether the resource passes the filter: the CRD defines its API and some cluster's inventory lists
/// API enablements without it. Sharding keeps such pairs together.
pub fn crd_links(model: &Model) -> Vec<(usize, usize)> {
    let mut definitions: Vec<(usize, BTreeSet<Definition>)> = Vec::new();
    for (i, r) in model
        .resources
        .iter()
        .enumerate()
        .filter(|(_, r)| is_crd(r))
    {
        let defs: BTreeSet<Definition> = (std::iter::once(&r.body).chain(r.variants.values()))
            .filter_map(Definition::of)
            .collect();
        definitions.push((i, defs));
    }
    if definitions.is_empty() {
        return Vec::new();
    }
    let mut links = Vec::new();
    for (j, r) in model.resources.iter().enumerate() {
        let defining = definitions
            .iter()
            .filter(|(_, defs)| defs.iter().any(|d| d.serves(r)));
        let mut defining = defining.peekable();
        if defining.peek().is_none() {
            continue;
        }
        let unlisted = (model.clusters.iter())
            .any(|c| (c.api_enablements.as_ref()).is_some_and(|a| !listed(a, r)));
        if unlisted {
            links.extend(defining.map(|(i, _)| (*i, j)));
        }
    }
    links
}

#[cfg(test)]
mod tests;

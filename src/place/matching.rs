//! Which policy claims each resource, and which resources a selector picks (karmada-semantics.md §1.3,
//! `pkg/util/selector.go`, `pkg/detector/policy.go`).
//!
//! A PropagationPolicy of the resource's namespace always beats a ClusterPropagationPolicy; among
//! candidates of one kind the highest explicit `priority` wins, then the best implicit priority (a name
//! match, then a label-selector match, then match-all), then the smaller policy name. Namespaces Karmada
//! never propagates are skipped. A short-form workload is always claimed by the policy generated from
//! it; another policy that selects it by name is a conflict, reported as a diagnostic.

use crate::diagnostic::Diagnostic;
use crate::model::api::ResourceSelector;
use crate::model::{Model, ObjectRef, PropagationPolicy, Resource};
use crate::place::affinity::labels_match;

/// How well a selector matches a resource (Karmada's `ImplicitPriority`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Match {
    None,
    All,
    LabelSelector,
    Name,
}

pub fn selector_match(resource: &Resource, s: &ResourceSelector) -> Match {
    let ns = resource.id.namespace.as_deref().unwrap_or("");
    if resource.id.api_version != s.api_version
        || resource.id.kind != s.kind
        || (!s.namespace.is_empty() && ns != s.namespace)
    {
        return Match::None;
    }
    if !s.name.is_empty() {
        return if s.name == resource.id.name {
            Match::Name
        } else {
            Match::None
        };
    }
    match &s.label_selector {
        None => Match::All,
        Some(ls) if labels_match(ls, &resource.labels).is_ok() => Match::LabelSelector,
        Some(_) => Match::None,
    }
}

/// The best match over a list of selectors (an empty list matches nothing).
pub fn best_match(resource: &Resource, selectors: &[ResourceSelector]) -> Match {
    selectors
        .iter()
        .map(|s| selector_match(resource, s))
        .max()
        .unwrap_or(Match::None)
}

/// Karmada's `--skipped-propagating-namespaces`, compiled: regular expressions matched anywhere in a
/// namespace name (Go's `MatchString`), `kube-.*` by default.
pub struct Skipped(Vec<regex::Regex>);

impl Skipped {
    pub fn new(model: &Model) -> Skipped {
        let default = [crate::front::config::DEFAULT_SKIPPED_NAMESPACES.to_owned()];
        let patterns = model.skipped_namespaces.as_deref().unwrap_or(&default);
        // `fanout.yaml` rejected invalid expressions already
        Skipped(
            patterns
                .iter()
                .filter_map(|p| regex::Regex::new(p).ok())
                .collect(),
        )
    }

    pub fn matches(&self, namespace: &str) -> bool {
        self.0.iter().any(|r| r.is_match(namespace))
    }
}

/// Why Karmada never propagates a resource, whatever the policies: it lives in one of Karmada's own
/// namespaces or a skipped one (`--skipped-propagating-namespaces`), or another controller claimed it.
pub fn never_propagated(resource: &Resource, skipped: &Skipped) -> Option<&'static str> {
    let ns = resource.id.namespace.as_deref().unwrap_or("");
    if is_reserved(ns) {
        return Some("Karmada never propagates objects of its own namespaces");
    }
    if !ns.is_empty() && skipped.matches(ns) {
        return Some(
            "its namespace is skipped (`skippedPropagatingNamespaces`, Karmada's --skipped-propagating-namespaces)",
        );
    }
    if resource
        .labels
        .contains_key("resourcetemplate.karmada.io/claimed-by")
    {
        return Some("claimed by another controller (`resourcetemplate.karmada.io/claimed-by`)");
    }
    None
}

/// Karmada's own namespaces (`names.IsReservedNamespace`).
pub fn is_reserved(namespace: &str) -> bool {
    namespace == "karmada-system"
        || namespace == "karmada-cluster"
        || namespace.starts_with("karmada-es-")
}

/// Whether Karmada's namespace controller sends this Namespace object to every cluster, policy or not
/// (`namespaceShouldBeSynced`): not reserved, not `default`, not skipped, not labelled
/// `namespace.karmada.io/skip-auto-propagation: "true"`.
pub fn namespace_auto_propagated(resource: &Resource, skipped: &Skipped) -> bool {
    let name = resource.id.name.as_str();
    resource.id.api_version == "v1"
        && resource.id.kind == "Namespace"
        && !is_reserved(name)
        && name != "default"
        && !skipped.matches(name)
        && !(resource
            .labels
            .get("namespace.karmada.io/skip-auto-propagation"))
        .is_some_and(|v| v.eq_ignore_ascii_case("true"))
}

/// For each resource (same order as `model.resources`), the index of the policy that claims it.
pub fn claims(model: &Model) -> (Vec<Option<usize>>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let skipped = Skipped::new(model);
    // A short form's own policy, by the workload it was generated for (looked up once per workload).
    let generated: std::collections::HashMap<&ObjectRef, usize> = (model.propagation_policies)
        .iter()
        .enumerate()
        .filter_map(|(i, p)| Some((p.generated_for.as_ref()?, i)))
        .rev() // the first policy wins, as `position` would have it
        .collect();
    // Policies written by hand (generated ones only ever claim their own workload), indexed by what
    // their selectors can match, so each resource only looks at policies that could select it.
    let written = Written::new(model);
    let claims = model
        .resources
        .iter()
        .map(|r| {
            if r.short_form {
                for (_, p) in written.candidates(r) {
                    if best_match(r, &p.selectors) == Match::Name {
                        diagnostics.push(
                            Diagnostic::error(
                                "policy-conflict",
                                p.origin.span_at("/spec/resourceSelectors"),
                                format!("`{}` is a short-form workload placed by its own `placement`; this policy also selects it by name", r.id),
                            )
                            .with_related(r.origin.span_at("/spec/placement"), "placed here"),
                        );
                    }
                }
                return generated.get(&r.id).copied();
            }
            if never_propagated(r, &skipped).is_some() {
                return None;
            }
            claim(r, &written)
        })
        .collect();
    (claims, diagnostics)
}

/// The key a selector can match under: the policy's namespace (`None` for a cluster-wide policy) and
/// the selector's apiVersion and kind.
type SelectorKey<'a> = (Option<&'a str>, &'a str, &'a str);

/// Policies written by hand, by [`SelectorKey`], each list in policy order.
struct Written<'a> {
    by_key: std::collections::HashMap<SelectorKey<'a>, Vec<(usize, &'a PropagationPolicy)>>,
}

impl<'a> Written<'a> {
    fn new(model: &'a Model) -> Self {
        let mut by_key: std::collections::HashMap<SelectorKey<'a>, Vec<_>> = Default::default();
        for (i, p) in model.propagation_policies.iter().enumerate() {
            if p.generated_for.is_some() {
                continue;
            }
            for s in &p.selectors {
                let list = by_key
                    .entry((p.namespace.as_deref(), &s.api_version, &s.kind))
                    .or_default();
                if list.last().is_none_or(|(last, _)| *last != i) {
                    list.push((i, p));
                }
            }
        }
        Written { by_key }
    }

    /// The policies of one scope (`namespaced`: the resource's namespace, else cluster-wide) that
    /// could select `resource`.
    fn scope(&self, resource: &'a Resource, namespaced: bool) -> &[(usize, &'a PropagationPolicy)] {
        let ns = if namespaced {
            match resource.id.namespace.as_deref() {
                Some(ns) => Some(ns),
                None => return &[],
            }
        } else {
            None
        };
        let key = (
            ns,
            resource.id.api_version.as_str(),
            resource.id.kind.as_str(),
        );
        self.by_key.get(&key).map_or(&[], Vec::as_slice)
    }

    /// Every policy, of either scope, that could select `resource`, in policy order.
    fn candidates(&self, resource: &'a Resource) -> Vec<(usize, &'a PropagationPolicy)> {
        let mut all: Vec<_> = (self.scope(resource, true).iter())
            .chain(self.scope(resource, false))
            .copied()
            .collect();
        all.sort_by_key(|(i, _)| *i);
        all
    }
}

fn claim<'a>(resource: &'a Resource, written: &Written<'a>) -> Option<usize> {
    let best = |namespaced: bool| {
        (written.scope(resource, namespaced).iter())
            .copied()
            .filter_map(|(i, p)| {
                let m = best_match(resource, &p.selectors);
                (m != Match::None).then_some((i, p, m))
            })
            .min_by(|(_, a, am), (_, b, bm)| {
                b.priority
                    .cmp(&a.priority)
                    .then(bm.cmp(am))
                    .then(a.name.cmp(&b.name))
            })
            .map(|(i, _, _)| i)
    };
    if resource.id.namespace.is_some()
        && let Some(i) = best(true)
    {
        return Some(i);
    }
    best(false)
}

#[cfg(test)]
mod tests;

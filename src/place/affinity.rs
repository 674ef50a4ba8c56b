//! Cluster predicates of Karmada's scheduler: does a cluster match a `ClusterAffinity`
//! (`pkg/util/selector.go` ClusterMatches), and does a placement tolerate a cluster's taints
//! (Kubernetes' toleration rules as Karmada's TaintToleration filter applies them).
//!
//! Each predicate returns why a cluster does not match, in words a reviewer understands; the scheduler's own
//! terse reasons (for `0/N clusters are available` messages) live in `place`.

use crate::model::Cluster;
use crate::model::api::{ClusterAffinity, LabelSelector, Requirement, Taint, Toleration};
use std::collections::BTreeMap;

/// Whether `cluster` matches `affinity`; `Err` says which part failed first, in Karmada's order
/// (exclude, label selector, field selector, cluster names). To test many clusters against one
/// affinity, prepare it once with [`Matcher`].
pub fn cluster_matches(cluster: &Cluster, affinity: &ClusterAffinity) -> Result<(), String> {
    Matcher::new(affinity).matches(cluster)
}

/// One `ClusterAffinity` prepared for testing many clusters: its name lists sorted for lookup and its
/// label selector checked once (placement tests every workload against every cluster).
pub struct Matcher<'a> {
    affinity: &'a ClusterAffinity,
    exclude: Vec<&'a str>,
    names: Vec<&'a str>,
    /// Why the label selector matches nothing, when Karmada cannot parse it.
    invalid_selector: Option<String>,
}

/// Which part of an affinity a cluster fails, with the cluster's values the reason quotes: two misses
/// that are equal read the same, so a placement words each distinct reason once ([`Matcher::reason`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Miss<'c> {
    Excluded,
    InvalidSelector,
    /// The label requirement (`matchLabels` entries in order, then `matchExpressions`) and the
    /// cluster's value of its key.
    Label(usize, Option<&'c str>),
    /// The field requirement and what the cluster has.
    Field(usize, FieldMiss<'c>),
    NotInNames,
}

/// A field requirement's failure: the cluster's zones, provider or region as the reason quotes them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FieldMiss<'c> {
    Zones(&'c [String]),
    NoValues,
    Value(Option<&'c str>),
}

impl<'a> Matcher<'a> {
    pub fn new(affinity: &'a ClusterAffinity) -> Self {
        let sorted = |list: &'a [String]| {
            let mut v: Vec<&str> = list.iter().map(String::as_str).collect();
            v.sort_unstable();
            v
        };
        Matcher {
            affinity,
            exclude: sorted(&affinity.exclude),
            names: sorted(&affinity.cluster_names),
            invalid_selector: (affinity.label_selector.as_ref())
                .and_then(crate::model::checks::label_selector_problem)
                .map(|(_, why)| invalid_selector(&why)),
        }
    }

    /// [`cluster_matches`] for this affinity.
    pub fn matches(&self, cluster: &Cluster) -> Result<(), String> {
        self.check(cluster).map_err(|miss| self.reason(&miss))
    }

    /// Whether the cluster matches, and if not which part fails first, in Karmada's order.
    pub fn check<'c>(&self, cluster: &'c Cluster) -> Result<(), Miss<'c>> {
        let name = cluster.name.as_str();
        if self.exclude.binary_search(&name).is_ok() {
            return Err(Miss::Excluded);
        }
        if self.invalid_selector.is_some() {
            return Err(Miss::InvalidSelector);
        }
        if let Some(selector) = &self.affinity.label_selector {
            label_check(selector, &cluster.labels).map_err(|(i, v)| Miss::Label(i, v))?;
        }
        if let Some(fields) = &self.affinity.field_selector {
            for (i, r) in fields.match_expressions.iter().enumerate() {
                field_check(cluster, r).map_err(|m| Miss::Field(i, m))?;
            }
        }
        if !self.names.is_empty() && self.names.binary_search(&name).is_err() {
            return Err(Miss::NotInNames);
        }
        Ok(())
    }

    /// The words for a miss of [`Matcher::check`].
    pub fn reason(&self, miss: &Miss<'_>) -> String {
        match *miss {
            Miss::Excluded => "excluded by `exclude`".into(),
            Miss::InvalidSelector => self.invalid_selector.clone().unwrap_or_default(),
            Miss::Label(i, value) => match &self.affinity.label_selector {
                Some(selector) => label_reason(selector, i, value),
                None => String::new(),
            },
            Miss::Field(i, m) => (self.affinity.field_selector.as_ref())
                .and_then(|f| f.match_expressions.get(i))
                .map(|r| field_reason(r, m))
                .unwrap_or_default(),
            Miss::NotInNames => "not among `clusterNames`".into(),
        }
    }
}

fn invalid_selector(why: &str) -> String {
    format!("the label selector is invalid ({why}) and matches nothing")
}

fn describe(label: Option<&str>) -> String {
    match label {
        Some(v) => format!("is `{v}`"),
        None => "is not set".into(),
    }
}

/// A Kubernetes label selector against a label set.
pub fn labels_match(
    selector: &LabelSelector,
    labels: &BTreeMap<String, String>,
) -> Result<(), String> {
    // Karmada (`LabelSelectorAsSelector` failing) matches nothing with a selector it cannot parse.
    if let Some((_, why)) = crate::model::checks::label_selector_problem(selector) {
        return Err(invalid_selector(&why));
    }
    label_check(selector, labels).map_err(|(i, value)| label_reason(selector, i, value))
}

/// A selector known to parse against a label set: the first requirement that fails (`matchLabels`
/// entries in order, then `matchExpressions`) with the set's value of its key.
fn label_check<'c>(
    selector: &LabelSelector,
    labels: &'c BTreeMap<String, String>,
) -> Result<(), (usize, Option<&'c str>)> {
    for (i, (k, v)) in selector.match_labels.iter().enumerate() {
        let value = labels.get(k);
        if value != Some(v) {
            return Err((i, value.map(String::as_str)));
        }
    }
    let offset = selector.match_labels.len();
    for (i, r) in selector.match_expressions.iter().enumerate() {
        let value = labels.get(&r.key);
        let ok = match r.operator.as_str() {
            "In" => value.is_some_and(|v| r.values.contains(v)),
            "NotIn" => value.is_none_or(|v| !r.values.contains(v)),
            "Exists" => value.is_some(),
            "DoesNotExist" => value.is_none(),
            _ => false,
        };
        if !ok {
            return Err((offset + i, value.map(String::as_str)));
        }
    }
    Ok(())
}

/// Why requirement `i` of [`label_check`] fails when the key's value is `value`.
fn label_reason(selector: &LabelSelector, i: usize, value: Option<&str>) -> String {
    if let Some((k, v)) = selector.match_labels.iter().nth(i) {
        return format!("label `{k}` {}, not `{v}`", describe(value));
    }
    let Some(r) = selector
        .match_expressions
        .get(i - selector.match_labels.len())
    else {
        return String::new();
    };
    match r.operator.as_str() {
        "In" => format!(
            "label `{}` {}, not in [{}]",
            r.key,
            describe(value),
            r.values.join(", ")
        ),
        "NotIn" => format!(
            "label `{}` {}, one of [{}]",
            r.key,
            describe(value),
            r.values.join(", ")
        ),
        "Exists" => format!("label `{}` is not set", r.key),
        "DoesNotExist" => format!("label `{}` is set", r.key),
        other => format!("invalid label selector operator `{other}`"),
    }
}

/// One field-selector requirement: `zone` against `spec.zones`; `provider` and `region` as labels of a
/// synthetic set (absent when empty) with node-selector operators; other keys are absent from the set.
fn field_check<'c>(cluster: &'c Cluster, r: &Requirement) -> Result<(), FieldMiss<'c>> {
    if r.key == "zone" {
        let zones = &cluster.zones;
        let ok = match r.operator.as_str() {
            "In" => zones.iter().any(|z| r.values.contains(z)),
            "NotIn" => !zones.iter().any(|z| r.values.contains(z)),
            "Exists" => !zones.is_empty(),
            "DoesNotExist" => zones.is_empty(),
            _ => false,
        };
        return if ok {
            Ok(())
        } else {
            Err(FieldMiss::Zones(zones))
        };
    }
    // `NodeSelectorRequirementsAsSelector` refuses `In`/`NotIn` without values: nothing matches.
    if matches!(r.operator.as_str(), "In" | "NotIn") && r.values.is_empty() {
        return Err(FieldMiss::NoValues);
    }
    let actual = match r.key.as_str() {
        "provider" => cluster.provider.as_ref(),
        "region" => cluster.region.as_ref(),
        _ => None,
    };
    let ok = match r.operator.as_str() {
        "In" => actual.is_some_and(|v| r.values.contains(v)),
        "NotIn" => actual.is_none_or(|v| !r.values.contains(v)),
        "Exists" => actual.is_some(),
        "DoesNotExist" => actual.is_none(),
        "Gt" | "Lt" => {
            let want = r.values.first().and_then(|v| v.parse::<i64>().ok());
            let have = actual.and_then(|v| v.parse::<i64>().ok());
            match (have, want) {
                (Some(h), Some(w)) if r.operator == "Gt" => h > w,
                (Some(h), Some(w)) => h < w,
                _ => false,
            }
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(FieldMiss::Value(actual.map(String::as_str)))
    }
}

/// Why a field requirement fails, from [`field_check`]'s answer.
fn field_reason(r: &Requirement, miss: FieldMiss<'_>) -> String {
    let values = r.values.join(", ");
    match miss {
        FieldMiss::Zones([]) => format!(
            "zone filter `{} {}`: the cluster has no zones",
            r.operator, values
        ),
        FieldMiss::Zones(zones) => format!(
            "zones [{}] do not satisfy `zone {} [{values}]`",
            zones.join(", "),
            r.operator
        ),
        FieldMiss::NoValues => format!(
            "field filter `{} {}` has no values and matches no cluster",
            r.key, r.operator
        ),
        FieldMiss::Value(actual) => format!(
            "{} {} does not satisfy `{} {} [{values}]`",
            r.key,
            match actual {
                Some(v) => format!("`{v}`"),
                None => "(not set)".into(),
            },
            r.key,
            r.operator
        ),
    }
}

/// Kubernetes `Toleration.ToleratesTaint` (without the comparison operators, as Karmada calls it).
pub fn tolerates(t: &Toleration, taint: &Taint) -> bool {
    if !t.effect.is_empty() && t.effect != taint.effect {
        return false;
    }
    if !t.key.is_empty() && t.key != taint.key {
        return false;
    }
    match t.operator.as_str() {
        "" | "Equal" => t.value == taint.value,
        "Exists" => true,
        _ => false,
    }
}

/// The first `NoSchedule` or `NoExecute` taint of the cluster that no toleration tolerates.
pub fn untolerated_taint<'a>(
    cluster: &'a Cluster,
    tolerations: &[Toleration],
) -> Option<&'a Taint> {
    cluster
        .taints
        .iter()
        .filter(|t| t.effect == "NoSchedule" || t.effect == "NoExecute")
        .find(|taint| !tolerations.iter().any(|t| tolerates(t, taint)))
}

/// Kubernetes `Taint.ToString`: `key=value:effect`, or `key:effect` without a value.
pub fn taint_string(t: &Taint) -> String {
    if t.value.is_empty() {
        format!("{}:{}", t.key, t.effect)
    } else {
        format!("{}={}:{}", t.key, t.value, t.effect)
    }
}

#[cfg(test)]
mod tests;

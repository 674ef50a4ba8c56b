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
/// (exclude, label selector, field selector, cluster names).
pub fn cluster_matches(cluster: &Cluster, affinity: &ClusterAffinity) -> Result<(), String> {
    if affinity.exclude.contains(&cluster.name) {
        return Err("excluded by `exclude`".into());
    }
    if let Some(selector) = &affinity.label_selector {
        labels_match(selector, &cluster.labels)?;
    }
    if let Some(fields) = &affinity.field_selector {
        for r in &fields.match_expressions {
            field_matches(cluster, r)?;
        }
    }
    if !affinity.cluster_names.is_empty() && !affinity.cluster_names.contains(&cluster.name) {
        return Err("not among `clusterNames`".into());
    }
    Ok(())
}

fn describe(label: Option<&String>) -> String {
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
        return Err(format!(
            "the label selector is invalid ({why}) and matches nothing"
        ));
    }
    for (k, v) in &selector.match_labels {
        if labels.get(k) != Some(v) {
            return Err(format!(
                "label `{k}` {}, not `{v}`",
                describe(labels.get(k))
            ));
        }
    }
    for r in &selector.match_expressions {
        let value = labels.get(&r.key);
        let ok = match r.operator.as_str() {
            "In" => value.is_some_and(|v| r.values.contains(v)),
            "NotIn" => value.is_none_or(|v| !r.values.contains(v)),
            "Exists" => value.is_some(),
            "DoesNotExist" => value.is_none(),
            _ => false,
        };
        if !ok {
            return Err(match r.operator.as_str() {
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
            });
        }
    }
    Ok(())
}

/// One field-selector requirement: `zone` against `spec.zones`; `provider` and `region` as labels of a
/// synthetic set (absent when empty) with node-selector operators; other keys are absent from the set.
fn field_matches(cluster: &Cluster, r: &Requirement) -> Result<(), String> {
    let values = r.values.join(", ");
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
        } else if zones.is_empty() {
            Err(format!(
                "zone filter `{} {}`: the cluster has no zones",
                r.operator, values
            ))
        } else {
            Err(format!(
                "zones [{}] do not satisfy `zone {} [{values}]`",
                zones.join(", "),
                r.operator
            ))
        };
    }
    // `NodeSelectorRequirementsAsSelector` refuses `In`/`NotIn` without values: nothing matches.
    if matches!(r.operator.as_str(), "In" | "NotIn") && r.values.is_empty() {
        return Err(format!(
            "field filter `{} {}` has no values and matches no cluster",
            r.key, r.operator
        ));
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
        Err(format!(
            "{} {} does not satisfy `{} {} [{values}]`",
            r.key,
            match actual {
                Some(v) => format!("`{v}`"),
                None => "(not set)".into(),
            },
            r.key,
            r.operator
        ))
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

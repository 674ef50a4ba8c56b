//! Semantic rules the schemas cannot express, one function per object part, each returning located
//! diagnostics: label rules, field selectors, tolerations, spread constraints (Karmada's validation), Job
//! parallelism, quantities, overriders, short-form references to clusters, and duplicate objects.

use crate::diagnostic::Diagnostic;
use crate::front::classify::Object;
use crate::front::yaml::Value as YamlValue;
use crate::model::Model;
use crate::model::api;
use crate::model::names;
use crate::model::quantity::Quantity;
use crate::model::shortform::{self, ShortForm};
use serde_json::Value;
use std::collections::BTreeMap;

fn err(o: &Object, pointer: &str, message: impl Into<String>) -> Diagnostic {
    Diagnostic::error("invalid", o.node.span_at(pointer), message)
}

/// Why Kubernetes' `LabelSelectorAsSelector` refuses a label selector (an invalid key or value, `In`/
/// `NotIn` without values, `Exists`/`DoesNotExist` with values, another operator), if it does: the JSON
/// pointer of the offending part inside the selector, and why. Karmada's webhook never checks label
/// selectors: such a selector is admitted and matches nothing.
pub fn label_selector_problem(s: &api::LabelSelector) -> Option<(String, String)> {
    for (k, v) in &s.match_labels {
        if let Err(why) = names::label_key(k).and_then(|()| names::label_value(v)) {
            let at = format!("/matchLabels/{}", k.replace('~', "~0").replace('/', "~1"));
            return Some((at, why));
        }
    }
    for (i, r) in s.match_expressions.iter().enumerate() {
        let at = || format!("/matchExpressions/{i}");
        if let Err(why) = names::label_key(&r.key) {
            return Some((format!("{}/key", at()), why));
        }
        match r.operator.as_str() {
            "In" | "NotIn" if r.values.is_empty() => {
                let why = format!("operator `{}` needs at least one value", r.operator);
                return Some((format!("{}/values", at()), why));
            }
            "Exists" | "DoesNotExist" if !r.values.is_empty() => {
                let why = format!("operator `{}` takes no values", r.operator);
                return Some((format!("{}/values", at()), why));
            }
            "In" | "NotIn" | "Exists" | "DoesNotExist" => {}
            other => {
                let why = format!("`{other}` is not a label selector operator");
                return Some((format!("{}/operator", at()), why));
            }
        }
        for (j, v) in r.values.iter().enumerate() {
            if let Err(why) = names::label_value(v) {
                return Some((format!("{}/values/{j}", at()), why));
            }
        }
    }
    None
}

/// A label selector Karmada admits but that can match nothing: a warning, located at the selector.
pub fn label_selector(o: &Object, s: &api::LabelSelector, at: &str) -> Vec<Diagnostic> {
    label_selector_problem(s)
        .map(|(inner, why)| {
            Diagnostic::warning(
                "matches-nothing",
                o.node.span_at(&format!("{at}{inner}")),
                format!(
                    "this label selector is invalid ({why}); Karmada admits it and it matches nothing"
                ),
            )
        })
        .into_iter()
        .collect()
}

/// A field-selector requirement as Karmada's webhook checks it in a cluster affinity
/// (`ValidatePolicyFieldSelector`): key `provider`, `region` or `zone`, operator `In` or `NotIn`.
/// Values are not checked (an `In` without values matches no cluster).
fn field_requirement(r: &api::Requirement) -> Option<String> {
    if !matches!(r.key.as_str(), "provider" | "region" | "zone") {
        return Some(format!(
            "unsupported key `{}`, must be `provider`, `region`, or `zone`",
            r.key
        ));
    }
    if !matches!(r.operator.as_str(), "In" | "NotIn") {
        return Some(format!(
            "unsupported operator `{}`, must be `In` or `NotIn`",
            r.operator
        ));
    }
    None
}

/// A Karmada ClusterAffinity as the webhook checks it (`ValidateClusterAffinity`): field-selector keys
/// and operators are errors; an invalid label selector is admitted and only warned about.
pub fn affinity(o: &Object, a: &api::ClusterAffinity, at: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if let Some(ls) = &a.label_selector {
        out.extend(label_selector(o, ls, &format!("{at}/labelSelector")));
    }
    if let Some(fs) = &a.field_selector {
        for (i, r) in fs.match_expressions.iter().enumerate() {
            if let Some(why) = field_requirement(r) {
                out.push(err(
                    o,
                    &format!("{at}/fieldSelector/matchExpressions/{i}"),
                    why,
                ));
            }
        }
    }
    out
}

/// A `staticWeightList` target: Karmada's webhook checks nothing there, so whatever cannot match is a
/// warning, never an error.
pub fn weight_target(o: &Object, a: &api::ClusterAffinity, at: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if let Some(ls) = &a.label_selector {
        out.extend(label_selector(o, ls, &format!("{at}/labelSelector")));
    }
    if let Some(fs) = &a.field_selector {
        for (i, r) in fs.match_expressions.iter().enumerate() {
            if let Some(why) = field_requirement(r) {
                out.push(Diagnostic::warning(
                    "matches-nothing",
                    o.node
                        .span_at(&format!("{at}/fieldSelector/matchExpressions/{i}")),
                    format!("{why}: Karmada admits it here and the rule matches no cluster"),
                ));
            }
        }
    }
    out
}

/// A cluster toleration as Karmada's webhook checks it (`validateClusterTolerations`): only `Lt` and
/// `Gt` are refused. Anything else is admitted and matched as Kubernetes matches tolerations; what can
/// tolerate nothing is warned about.
pub fn toleration(o: &Object, t: &api::Toleration, at: &str) -> Vec<Diagnostic> {
    let warn = |pointer: &str, message: String| {
        Diagnostic::warning("tolerates-nothing", o.node.span_at(pointer), message)
    };
    match t.operator.as_str() {
        "Lt" | "Gt" => vec![err(
            o,
            &format!("{at}/operator"),
            format!(
                "operator `{}` is not supported in cluster tolerations (Karmada allows ``, `Exists` and `Equal`)",
                t.operator
            ),
        )],
        "" | "Equal" | "Exists" => Vec::new(),
        other => vec![warn(
            &format!("{at}/operator"),
            format!(
                "`{other}` is not a toleration operator; Karmada admits it and it tolerates no taint"
            ),
        )],
    }
}

/// Karmada's spread-constraint validation (`pkg/util/validation`), after webhook defaults.
pub fn spread(o: &Object, constraints: &[api::SpreadConstraint], at: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut fields = BTreeMap::new();
    for (i, s) in constraints.iter().enumerate() {
        let here = format!("{at}/{i}");
        if !s.spread_by_field.is_empty() && !s.spread_by_label.is_empty() {
            out.push(err(
                o,
                &here,
                "`spreadByField` and `spreadByLabel` cannot both be set",
            ));
        }
        if s.min_groups < 0 || s.max_groups < 0 {
            let which = if s.min_groups < 0 {
                "minGroups"
            } else {
                "maxGroups"
            };
            out.push(err(
                o,
                &format!("{here}/{which}"),
                format!("`{which}` lower than 0 is not allowed"),
            ));
        }
        if !s.spread_by_field.is_empty() && fields.insert(s.spread_by_field.clone(), i).is_some() {
            out.push(err(
                o,
                &format!("{here}/spreadByField"),
                format!("more than one spread constraint by `{}`", s.spread_by_field),
            ));
        }
        if s.max_groups > 0 && s.max_groups < s.min_groups {
            out.push(err(
                o,
                &format!("{here}/maxGroups"),
                format!(
                    "`maxGroups` ({}) is less than `minGroups` ({})",
                    s.max_groups, s.min_groups
                ),
            ));
        }
    }
    if !fields.is_empty() && !fields.contains_key("cluster") {
        out.push(err(
            o,
            at,
            "spreading by a field needs a spread constraint by `cluster` too",
        ));
    }
    out
}

/// Quantities of a cluster's capacity and resource models.
pub fn cluster(o: &Object, c: &api::Cluster) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if let Some(s) = &c.status.resource_summary {
        for (part, list) in [
            ("allocatable", &s.allocatable),
            ("allocating", &s.allocating),
            ("allocated", &s.allocated),
        ] {
            for (name, v) in list {
                out.extend(quantity(
                    o,
                    v,
                    &format!("/status/resourceSummary/{part}/{}", escape(name)),
                ));
            }
        }
    }
    for (i, m) in c.spec.resource_models.iter().enumerate() {
        for (j, r) in m.ranges.iter().enumerate() {
            out.extend(quantity(
                o,
                &r.min,
                &format!("/spec/resourceModels/{i}/ranges/{j}/min"),
            ));
            out.extend(quantity(
                o,
                &r.max,
                &format!("/spec/resourceModels/{i}/ranges/{j}/max"),
            ));
        }
    }
    for (i, t) in c.spec.taints.iter().enumerate() {
        if let Err(why) = names::label_key(&t.key) {
            out.push(err(o, &format!("/spec/taints/{i}/key"), why));
        }
    }
    out
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn quantity(o: &Object, v: &Value, pointer: &str) -> Option<Diagnostic> {
    Quantity::from_json(v)
        .err()
        .map(|e| err(o, pointer, e.to_string()))
}

/// Pod templates of the workload kinds fanout reads.
fn pod_spec_pointer(kind: &str) -> Option<&'static str> {
    match kind {
        "Deployment" | "StatefulSet" | "ReplicaSet" | "DaemonSet" | "Job" => {
            Some("/spec/template/spec")
        }
        "CronJob" => Some("/spec/jobTemplate/spec/template/spec"),
        "Pod" => Some("/spec"),
        _ => None,
    }
}

/// A plain Kubernetes object: resource quantities in its pod spec, Job parallelism.
pub fn resource(o: &Object, json: &Value) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if let Some(base) = pod_spec_pointer(&o.kind) {
        out.extend(pod_quantities(o, json, base));
    }
    if o.kind == "Job" {
        let p = json.pointer("/spec/parallelism").and_then(Value::as_i64);
        let c = json.pointer("/spec/completions").and_then(Value::as_i64);
        if let (Some(p), Some(c)) = (p, c)
            && p > c
        {
            out.push(Diagnostic::warning(
                    "parallelism",
                    o.node.span_at("/spec/parallelism"),
                    format!("`parallelism` ({p}) is more than `completions` ({c}); at most {c} pods run at once"),
                ));
        }
    }
    out
}

fn pod_quantities(o: &Object, json: &Value, base: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for group in ["containers", "initContainers", "ephemeralContainers"] {
        let Some(containers) = json
            .pointer(&format!("{base}/{group}"))
            .and_then(Value::as_array)
        else {
            continue;
        };
        for (i, c) in containers.iter().enumerate() {
            for part in ["requests", "limits"] {
                if let Some(Value::Object(list)) = c.pointer(&format!("/resources/{part}")) {
                    for (name, v) in list {
                        out.extend(quantity(
                            o,
                            v,
                            &format!("{base}/{group}/{i}/resources/{part}/{}", escape(name)),
                        ));
                    }
                }
            }
        }
    }
    if let Some(Value::Object(list)) = json.pointer(&format!("{base}/overhead")) {
        for (name, v) in list {
            out.extend(quantity(o, v, &format!("{base}/overhead/{}", escape(name))));
        }
    }
    out
}

/// The short form's own rules: Job parallelism, the Deployment selector's label keys and values, weights
/// and overrides naming clusters the workload may be placed on (they must exist and match the placement's
/// names, exclusions and filters).
pub fn short_form(o: &Object, sf: &ShortForm, inventory: &[String]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let spec = &sf.spec;
    let job_only = [
        ("parallelism", spec.parallelism.is_some()),
        ("completions", spec.completions.is_some()),
        ("timeoutSeconds", spec.timeout_seconds.is_some()),
        ("restartPolicy", spec.restart_policy.is_some()),
        ("backoffLimit", spec.backoff_limit.is_some()),
        ("suspend", spec.suspend),
    ];
    let deployment_only = [
        ("replicas", spec.replicas.is_some()),
        ("paused", spec.paused),
        ("restartedAt", spec.restarted_at.is_some()),
        ("selector", spec.selector.is_some()),
    ];
    let (wrong, other) = if sf.is_job() {
        (&deployment_only[..], shortform::DEPLOYMENT_KIND)
    } else {
        (&job_only[..], shortform::JOB_KIND)
    };
    for (field, set) in wrong {
        if *set {
            out.push(Diagnostic::error(
                "invalid",
                o.node.key_span_at(&format!("/spec/{field}")),
                format!("`{field}` belongs to a `{other}`, not a `{}`", sf.kind),
            ));
        }
    }
    if sf.is_job() {
        let (p, c) = (spec.parallelism.unwrap_or(1), spec.completions.unwrap_or(1));
        if p > c {
            out.push(err(
                o,
                "/spec/parallelism",
                format!("`parallelism` ({p}) may not be more than `completions` ({c}), the total number of pods"),
            ));
        }
    }
    if let Some(selector) = spec.selector.as_ref().filter(|_| !sf.is_job()) {
        out.extend(label_selector(o, selector, "/spec/selector"));
    }
    for (i, t) in spec.placement.tolerations.iter().enumerate() {
        // fanout's own kind is strict: an operator that tolerates nothing is an error here.
        if !matches!(t.operator.as_str(), "" | "Equal" | "Exists" | "Lt" | "Gt") {
            out.push(err(
                o,
                &format!("/spec/placement/tolerations/{i}/operator"),
                format!(
                    "`{}` is not a toleration operator (`Equal` or `Exists`)",
                    t.operator
                ),
            ));
        } else {
            out.extend(toleration(
                o,
                t,
                &format!("/spec/placement/tolerations/{i}"),
            ));
        }
    }
    for (i, r) in spec.placement.labels.iter().enumerate() {
        let req = api::Requirement {
            key: r.key.clone(),
            operator: r.operator.clone(),
            values: r
                .values
                .as_ref()
                .map(shortform::Values::to_vec)
                .unwrap_or_default(),
        };
        // fanout's own kind is strict: a rule that could match nothing is an error here.
        let selector = api::LabelSelector {
            match_expressions: vec![req],
            ..Default::default()
        };
        if let Some((inner, why)) = label_selector_problem(&selector) {
            let inner = inner.trim_start_matches("/matchExpressions/0");
            out.push(err(o, &format!("/spec/placement/labels/{i}{inner}"), why));
        }
    }
    if let Some(spread) = &spec.placement.spread {
        for (name, groups) in [("regions", spread.regions), ("clusters", spread.clusters)] {
            let Some(g) = groups else { continue };
            let (min, max) = (g.min_groups.unwrap_or(1), g.max_groups.unwrap_or(0));
            if max > 0 && max < min {
                out.push(err(
                    o,
                    &format!("/spec/placement/spread/{name}/maxGroups"),
                    format!("`spread.{name}.maxGroups` ({max}) is less than `minGroups` ({min})"),
                ));
            }
        }
    }
    let scheduling = spec.scheduling.type_.as_deref().unwrap_or("Duplicated");
    if scheduling == "StaticWeight" && spec.scheduling.weights.is_empty() {
        out.push(err(o, "/spec/scheduling", "`StaticWeight` needs `weights`"));
    }
    if scheduling != "StaticWeight" && !spec.scheduling.weights.is_empty() {
        out.push(Diagnostic::error(
            "invalid",
            o.node.key_span_at("/spec/scheduling/weights"),
            format!("`weights` only apply to `type: StaticWeight`, this is `{scheduling}`"),
        ));
    }
    let known = |name: &str| inventory.iter().any(|c| c == name);
    for name in spec.scheduling.weights.keys() {
        if !known(name) {
            out.push(Diagnostic::error(
                "unknown-cluster",
                o.node
                    .key_span_at(&format!("/spec/scheduling/weights/{}", escape(name))),
                format!("no cluster `{name}` in the inventory"),
            ));
        }
    }
    for (field, list) in [
        ("clusterNames", &spec.placement.cluster_names),
        ("exclude", &spec.placement.exclude),
    ] {
        for (i, name) in list.iter().enumerate() {
            if !known(name) {
                out.push(Diagnostic::warning(
                    "unknown-cluster",
                    o.node.span_at(&format!("/spec/placement/{field}/{i}")),
                    format!("no cluster `{name}` in the inventory"),
                ));
            }
        }
    }
    let p = &spec.placement;
    for (i, ov) in spec.overrides.iter().enumerate() {
        if ov.clusters.is_empty() {
            out.push(err(
                o,
                &format!("/spec/overrides/{i}"),
                "an override needs `clusters`",
            ));
        }
        for (j, name) in ov.clusters.iter().enumerate() {
            let at = format!("/spec/overrides/{i}/clusters/{j}");
            let reason = if !known(name) {
                Some(format!("no cluster `{name}` in the inventory"))
            } else if p.exclude.contains(name) {
                Some(format!("cluster `{name}` is excluded by the placement"))
            } else if !p.cluster_names.is_empty() && !p.cluster_names.contains(name) {
                Some(format!(
                    "cluster `{name}` is not among the placement's `clusterNames`"
                ))
            } else {
                None
            };
            if let Some(reason) = reason {
                out.push(
                    Diagnostic::error("override-cluster", o.node.span_at(&at), reason).with_note(
                        "an override may only name clusters the workload may be placed on",
                    ),
                );
            }
        }
    }
    out
}

/// Overrider rules the schema cannot express.
pub fn overriders(o: &Object, spec: &api::OverrideSpec) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut check = |ov: &api::Overriders, at: String| {
        for (i, p) in ov.plaintext.iter().enumerate() {
            if p.operator != "remove" && p.value.is_none() {
                out.push(err(
                    o,
                    &format!("{at}/plaintext/{i}"),
                    format!("plaintext operator `{}` needs a `value`", p.operator),
                ));
            }
        }
        for (i, f) in ov.field_overrider.iter().enumerate() {
            if f.json.is_empty() == f.yaml.is_empty() {
                out.push(err(
                    o,
                    &format!("{at}/fieldOverrider/{i}"),
                    "a field overrider needs exactly one of `json` and `yaml`",
                ));
            }
        }
        for (i, im) in ov.image_overrider.iter().enumerate() {
            if im.operator != "remove" && im.value.is_empty() {
                out.push(err(
                    o,
                    &format!("{at}/imageOverrider/{i}"),
                    format!("image operator `{}` needs a `value`", im.operator),
                ));
            }
        }
    };
    for (i, rule) in spec.override_rules.iter().enumerate() {
        check(
            &rule.overriders,
            format!("/spec/overrideRules/{i}/overriders"),
        );
    }
    if let Some(ov) = &spec.overriders {
        check(ov, "/spec/overriders".into());
    }
    out
}

/// No two clusters with one name; no two objects with one group, kind, namespace and name; no two
/// policies of one kind with one namespace and name. Names both places.
pub fn duplicates(model: &Model) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut report = |what: String, first: &crate::model::Origin, second: &crate::model::Origin| {
        out.push(
            Diagnostic::error(
                "duplicate",
                second.span_at("/metadata/name"),
                format!("{what} is defined twice"),
            )
            .with_related(first.span_at("/metadata/name"), "first defined here"),
        );
    };
    let mut seen = BTreeMap::new();
    for c in &model.clusters {
        if let Some(first) = seen.insert(c.name.clone(), &c.origin) {
            report(format!("cluster `{}`", c.name), first, &c.origin);
        }
    }
    let mut seen = BTreeMap::new();
    for r in &model.resources {
        let key = (
            r.id.group().to_owned(),
            r.id.kind.clone(),
            r.id.namespace.clone(),
            r.id.name.clone(),
        );
        if let Some(first) = seen.insert(key, &r.origin) {
            report(format!("`{}`", r.id), first, &r.origin);
        }
    }
    // A short form's policies are keyed by the workload kind too: a MulticloudDeployment and a
    // MulticloudJob of one name each get their own (names are unique per kind, as for the workloads).
    let policies = (model.propagation_policies.iter())
        .map(|p| {
            let kind = if p.namespace.is_some() {
                "PropagationPolicy"
            } else {
                "ClusterPropagationPolicy"
            };
            (kind, &p.namespace, &p.name, &p.generated_for, &p.origin)
        })
        .chain(model.override_policies.iter().map(|p| {
            let kind = if p.namespace.is_some() {
                "OverridePolicy"
            } else {
                "ClusterOverridePolicy"
            };
            (kind, &p.namespace, &p.name, &p.generated_for, &p.origin)
        }));
    let mut seen: BTreeMap<_, Vec<(Option<&str>, &crate::model::Origin)>> = BTreeMap::new();
    for (kind, namespace, name, generated_for, origin) in policies {
        let this = generated_for.as_ref().map(|id| id.kind.as_str());
        let earlier = seen.entry((kind, namespace, name)).or_default();
        let clash = (earlier.iter())
            .find(|(other, _)| this.is_none() || other.is_none() || *other == this)
            .map(|(_, first)| *first);
        earlier.push((this, origin));
        if let Some(first) = clash {
            report(
                policy_name(kind, namespace, name, generated_for.is_some()),
                first,
                origin,
            );
        }
    }
    out
}

fn policy_name(kind: &str, ns: &Option<String>, name: &str, generated: bool) -> String {
    let base = match ns {
        Some(ns) => format!("`{kind} {ns}/{name}`"),
        None => format!("`{kind} {name}`"),
    };
    if generated {
        format!("{base} (one is generated by a short-form workload of that name)")
    } else {
        base
    }
}

/// Cluster names in Karmada policies (`clusterNames` and `exclude` lists anywhere in their spec) that
/// name no cluster of the inventory. Karmada admits them and places as if they were not there, and so
/// does fanout; a typo (`memebr2`) then sends the workload elsewhere silently, so each one is a warning
/// at the entry, with the nearest cluster name when one is close. Short forms warn on their own.
pub fn unknown_cluster_names(model: &Model) -> Vec<Diagnostic> {
    let known: std::collections::BTreeSet<&str> =
        model.clusters.iter().map(|c| c.name.as_str()).collect();
    let origins = (model.propagation_policies.iter())
        .filter(|p| p.generated_for.is_none())
        .map(|p| &p.origin)
        .chain(
            (model.override_policies.iter())
                .filter(|p| p.generated_for.is_none())
                .map(|p| &p.origin),
        );
    let mut out = Vec::new();
    for origin in origins {
        let Some(spec) = origin.node.get("spec") else {
            continue;
        };
        let mut stack = vec![spec];
        while let Some(node) = stack.pop() {
            match &node.value {
                YamlValue::Map(entries) => {
                    for (key, value) in entries {
                        if (key.text == "clusterNames" || key.text == "exclude")
                            && let YamlValue::Seq(items) = &value.value
                        {
                            for item in items {
                                if let YamlValue::Str(name) = &item.value
                                    && !known.contains(name.as_str())
                                {
                                    out.push(unknown_cluster(item.span, name, &known));
                                }
                            }
                        } else {
                            stack.push(value);
                        }
                    }
                }
                YamlValue::Seq(items) => stack.extend(items),
                _ => {}
            }
        }
    }
    out
}

fn unknown_cluster(
    span: crate::source::Span,
    name: &str,
    known: &std::collections::BTreeSet<&str>,
) -> Diagnostic {
    let nearest = (known.iter())
        .map(|k| (edit_distance(name, k), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 3))
        .min();
    let hint = nearest.map_or(String::new(), |(_, k)| format!(" (did you mean `{k}`?)"));
    Diagnostic::warning(
        "unknown-cluster",
        span,
        format!(
            "no cluster `{name}` in the inventory{hint}; Karmada admits it and it matches nothing"
        ),
    )
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (row[j + 1] + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

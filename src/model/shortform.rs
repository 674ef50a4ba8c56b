//! fanout's short form (`MulticloudDeployment`, `MulticloudJob`) and its expansion.
//!
//! A short form is expanded into exactly the objects a user would otherwise write: the Deployment or Job,
//! a PropagationPolicy selecting it by name, and an OverridePolicy for the per-cluster differences
//! (docs/short-form.md has the table). Expansion is pure; problems it finds (an override naming a container
//! the template does not have, conflicting restart policies) come back as `(pointer, message)` pairs that the
//! caller locates in the short form's YAML.

use crate::model::api::{self, ObjectMeta};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

pub const API_VERSION: &str = "fanout.dev/v1alpha1";
pub const DEPLOYMENT_KIND: &str = "MulticloudDeployment";
pub const JOB_KIND: &str = "MulticloudJob";
/// Label on the workload, its pod template and the Deployment selector.
pub const NAME_LABEL: &str = "app.kubernetes.io/name";
pub const DESCRIPTION_ANNOTATION: &str = "fanout.dev/description";
pub const RESTARTED_AT_ANNOTATION: &str = "kubectl.kubernetes.io/restartedAt";

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ShortForm {
    pub kind: String,
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: Spec,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Spec {
    pub description: Option<String>,
    pub replicas: Option<i64>,
    #[serde(default)]
    pub paused: bool,
    pub restarted_at: Option<String>,
    /// A Deployment's own selector (to keep a live Deployment's, which cannot change); default
    /// `matchLabels: {app.kubernetes.io/name: <name>}`.
    pub selector: Option<api::LabelSelector>,
    pub parallelism: Option<i64>,
    pub completions: Option<i64>,
    pub timeout_seconds: Option<i64>,
    pub restart_policy: Option<String>,
    pub backoff_limit: Option<i64>,
    #[serde(default)]
    pub suspend: bool,
    #[serde(default)]
    pub placement: Placement,
    #[serde(default)]
    pub scheduling: Scheduling,
    pub propagate_dependencies: Option<bool>,
    #[serde(default)]
    pub template: Value,
    #[serde(default)]
    pub overrides: Vec<Override>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Placement {
    #[serde(default)]
    pub cluster_names: Vec<String>,
    #[serde(default)]
    pub providers: Vec<String>,
    #[serde(default)]
    pub regions: Vec<String>,
    #[serde(default)]
    pub zones: Vec<String>,
    #[serde(default)]
    pub labels: Vec<LabelRule>,
    #[serde(default)]
    pub exclude: Vec<String>,
    #[serde(default)]
    pub tolerations: Vec<api::Toleration>,
    pub spread: Option<Spread>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct LabelRule {
    pub key: String,
    pub operator: String,
    pub values: Option<Values>,
}

/// `"a;b"` as the form writes it, or a YAML list.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum Values {
    Text(String),
    List(Vec<String>),
}

impl Values {
    pub fn to_vec(&self) -> Vec<String> {
        match self {
            Values::Text(t) => t
                .split(';')
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
                .collect(),
            Values::List(l) => l.clone(),
        }
    }
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Spread {
    pub regions: Option<Groups>,
    pub clusters: Option<Groups>,
}

#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Groups {
    pub min_groups: Option<i32>,
    pub max_groups: Option<i32>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Scheduling {
    #[serde(rename = "type")]
    pub type_: Option<String>,
    #[serde(default)]
    pub weights: BTreeMap<String, i64>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Override {
    #[serde(default)]
    pub clusters: Vec<String>,
    pub container: Option<String>,
    pub image: Option<String>,
    #[serde(default)]
    pub env: Vec<Value>,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
}

/// What a short form stands for.
#[derive(Clone, Debug, PartialEq)]
pub struct Expanded {
    /// The Deployment or Job, as JSON.
    pub workload: Value,
    pub propagation: api::PropagationPolicy,
    /// Present when the short form has overrides.
    pub overrides: Option<api::OverridePolicy>,
}

/// A problem found while expanding: a JSON pointer into the short form and a message.
pub type Problem = (String, String);

impl ShortForm {
    pub fn is_job(&self) -> bool {
        self.kind == JOB_KIND
    }

    pub fn namespace(&self) -> &str {
        self.metadata.namespace.as_deref().unwrap_or("default")
    }

    /// Expand into the equivalent objects. `inventory_size` is the number of clusters, the default cluster
    /// `maxGroups` of a region spread.
    pub fn expand(&self, inventory_size: usize) -> Result<Expanded, Vec<Problem>> {
        let mut problems = Vec::new();
        let workload = self.workload(&mut problems);
        let (api_version, kind) = if self.is_job() {
            ("batch/v1", "Job")
        } else {
            ("apps/v1", "Deployment")
        };
        let meta = ObjectMeta {
            name: self.metadata.name.clone(),
            namespace: Some(self.namespace().to_owned()),
            ..ObjectMeta::default()
        };
        let selector = api::ResourceSelector {
            api_version: api_version.to_owned(),
            kind: kind.to_owned(),
            namespace: self.namespace().to_owned(),
            name: self.metadata.name.clone(),
            label_selector: None,
        };
        let propagation = api::PropagationPolicy {
            metadata: meta.clone(),
            spec: api::PropagationSpec {
                resource_selectors: vec![selector.clone()],
                placement: self.placement(inventory_size),
                propagate_deps: self.spec.propagate_dependencies.unwrap_or(true),
                priority: 0,
                ..api::PropagationSpec::default()
            },
        };
        let rules: Vec<api::OverrideRule> = self
            .spec
            .overrides
            .iter()
            .enumerate()
            .map(|(i, o)| self.override_rule(i, o, &workload, &mut problems))
            .collect();
        let overrides = (!rules.is_empty()).then(|| api::OverridePolicy {
            metadata: meta,
            spec: api::OverrideSpec {
                resource_selectors: vec![selector],
                override_rules: rules,
                target_cluster: None,
                overriders: None,
            },
        });
        if problems.is_empty() {
            Ok(Expanded {
                workload,
                propagation,
                overrides,
            })
        } else {
            Err(problems)
        }
    }

    fn workload(&self, problems: &mut Vec<Problem>) -> Value {
        let name = &self.metadata.name;
        let spec = &self.spec;
        let mut labels = Map::new();
        labels.insert(NAME_LABEL.into(), json!(name));
        labels.extend(
            self.metadata
                .labels
                .iter()
                .map(|(k, v)| (k.clone(), json!(v))),
        );
        let mut annotations: Map<String, Value> = self
            .metadata
            .annotations
            .iter()
            .map(|(k, v)| (k.clone(), json!(v)))
            .collect();
        if let Some(d) = &spec.description {
            annotations.insert(DESCRIPTION_ANNOTATION.into(), json!(d));
        }
        let mut metadata = Map::new();
        metadata.insert("name".into(), json!(name));
        metadata.insert("namespace".into(), json!(self.namespace()));
        metadata.insert("labels".into(), Value::Object(labels.clone()));
        if !annotations.is_empty() {
            metadata.insert("annotations".into(), Value::Object(annotations));
        }

        let mut template = match &spec.template {
            Value::Object(t) => t.clone(),
            _ => Map::new(),
        };
        let template_meta = template
            .entry("metadata")
            .or_insert_with(|| json!({}))
            .as_object_mut()
            .map(std::mem::take)
            .unwrap_or_default();
        let template_labels = match template_meta.get("labels") {
            Some(Value::Object(l)) => l.clone(),
            _ => Map::new(),
        };
        let selector = spec.selector.as_ref().filter(|_| !self.is_job());
        let pod_labels = match selector {
            None => {
                let mut pod_labels = labels;
                pod_labels.extend(template_labels);
                pod_labels.insert(NAME_LABEL.into(), json!(name));
                pod_labels
            }
            Some(selector) => self.selected_pod_labels(selector, template_labels, problems),
        };
        let mut pod_meta = template_meta;
        pod_meta.insert("labels".into(), Value::Object(pod_labels));
        if let Some(at) = &spec.restarted_at {
            let ann = pod_meta.entry("annotations").or_insert_with(|| json!({}));
            if let Some(ann) = ann.as_object_mut() {
                ann.insert(RESTARTED_AT_ANNOTATION.into(), json!(at));
            }
        }
        template.shift_remove("metadata");
        let mut ordered = Map::new();
        ordered.insert("metadata".into(), Value::Object(pod_meta));
        ordered.extend(template);
        let mut template = ordered;

        if self.is_job() {
            let pod_spec = template.entry("spec").or_insert_with(|| json!({}));
            let from_template = pod_spec
                .get("restartPolicy")
                .and_then(Value::as_str)
                .map(str::to_owned);
            let policy = match (&spec.restart_policy, from_template) {
                (Some(a), Some(b)) if *a != b => {
                    problems.push((
                        "/spec/restartPolicy".into(),
                        format!("`restartPolicy` is `{a}` but the pod template says `{b}`; set it in one place"),
                    ));
                    a.clone()
                }
                (Some(a), _) => a.clone(),
                (None, Some(b)) => b,
                (None, None) => "Never".into(),
            };
            if let Some(p) = pod_spec.as_object_mut() {
                p.insert("restartPolicy".into(), json!(policy));
            }
            let mut job = Map::new();
            job.insert("parallelism".into(), json!(spec.parallelism.unwrap_or(1)));
            job.insert("completions".into(), json!(spec.completions.unwrap_or(1)));
            if let Some(t) = spec.timeout_seconds {
                job.insert("activeDeadlineSeconds".into(), json!(t));
            }
            if let Some(b) = spec.backoff_limit {
                job.insert("backoffLimit".into(), json!(b));
            }
            if spec.suspend {
                job.insert("suspend".into(), json!(true));
            }
            job.insert("template".into(), Value::Object(template));
            json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": metadata, "spec": job})
        } else {
            let mut dep = Map::new();
            dep.insert("replicas".into(), json!(spec.replicas.unwrap_or(1)));
            if spec.paused {
                dep.insert("paused".into(), json!(true));
            }
            let selector = match selector {
                Some(s) => selector_json(s),
                None => json!({"matchLabels": {NAME_LABEL: name}}),
            };
            dep.insert("selector".into(), selector);
            dep.insert("template".into(), Value::Object(template));
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": metadata, "spec": dep})
        }
    }

    /// The pod labels of a Deployment with its own selector: the workload's labels, the template's (which
    /// win), then the selector's `matchLabels`; `app.kubernetes.io/name` only where one of those sets it,
    /// so a live Deployment's pods keep exactly their labels. A `matchLabels` entry the other labels
    /// contradict, a `matchExpressions` rule they do not satisfy and an empty selector are problems.
    fn selected_pod_labels(
        &self,
        selector: &api::LabelSelector,
        template_labels: Map<String, Value>,
        problems: &mut Vec<Problem>,
    ) -> Map<String, Value> {
        let mut pod_labels: Map<String, Value> = self
            .metadata
            .labels
            .iter()
            .map(|(k, v)| (k.clone(), json!(v)))
            .collect();
        let from_template: Vec<String> = template_labels.keys().cloned().collect();
        pod_labels.extend(template_labels);
        if selector.match_labels.is_empty() && selector.match_expressions.is_empty() {
            problems.push((
                "/spec/selector".into(),
                "the selector is empty: a Deployment's selector must require at least one label (`matchLabels` or `matchExpressions`)".into(),
            ));
        }
        for (key, want) in &selector.match_labels {
            match pod_labels.get(key).and_then(Value::as_str) {
                Some(have) if have != want => {
                    let source = if from_template.contains(key) {
                        "template.metadata.labels"
                    } else {
                        "metadata.labels"
                    };
                    problems.push((
                        format!("/spec/selector/matchLabels/{}", escape(key)),
                        format!("the selector requires `{key}={want}` but `{source}` labels the pods `{key}={have}`; a Deployment must select its own pods"),
                    ));
                }
                Some(_) => {}
                None => {
                    pod_labels.insert(key.clone(), json!(want));
                }
            }
        }
        for (i, r) in selector.match_expressions.iter().enumerate() {
            let have = pod_labels.get(&r.key).and_then(Value::as_str);
            let holds = match (r.operator.as_str(), have) {
                ("In", Some(v)) => r.values.iter().any(|x| x == v),
                ("NotIn", Some(v)) => !r.values.iter().any(|x| x == v),
                ("Exists", Some(_)) | ("NotIn" | "DoesNotExist", None) => true,
                ("In" | "Exists", None) | ("DoesNotExist", Some(_)) => false,
                // An unknown operator is reported by the checks of the selector.
                _ => true,
            };
            if holds {
                continue;
            }
            let why = match have {
                None => format!(
                    "the pods have no label `{}`: add it to `template.metadata.labels`",
                    r.key
                ),
                Some(v) => format!("the pods are labelled `{}={v}`", r.key),
            };
            problems.push((
                format!("/spec/selector/matchExpressions/{i}"),
                format!(
                    "the selector requires `{}` but {why}; a Deployment must select its own pods",
                    requirement_text(r)
                ),
            ));
        }
        pod_labels
    }

    fn placement(&self, inventory_size: usize) -> api::Placement {
        let p = &self.spec.placement;
        let mut fields = Vec::new();
        for (key, values) in [
            ("provider", &p.providers),
            ("region", &p.regions),
            ("zone", &p.zones),
        ] {
            if !values.is_empty() {
                fields.push(api::Requirement {
                    key: key.into(),
                    operator: "In".into(),
                    values: values.clone(),
                });
            }
        }
        let expressions: Vec<api::Requirement> = p
            .labels
            .iter()
            .map(|r| api::Requirement {
                key: r.key.clone(),
                operator: r.operator.clone(),
                values: r.values.as_ref().map(Values::to_vec).unwrap_or_default(),
            })
            .collect();
        let affinity = api::ClusterAffinity {
            cluster_names: p.cluster_names.clone(),
            exclude: p.exclude.clone(),
            label_selector: (!expressions.is_empty()).then(|| api::LabelSelector {
                match_labels: BTreeMap::new(),
                match_expressions: expressions,
            }),
            field_selector: (!fields.is_empty()).then_some(api::FieldSelector {
                match_expressions: fields,
            }),
        };
        let any = affinity != api::ClusterAffinity::default();
        api::Placement {
            cluster_affinity: any.then_some(affinity),
            cluster_affinities: Vec::new(),
            cluster_tolerations: p.tolerations.clone(),
            spread_constraints: self.spread(inventory_size),
            replica_scheduling: Some(self.replica_scheduling()),
        }
    }

    fn spread(&self, inventory_size: usize) -> Vec<api::SpreadConstraint> {
        let Some(spread) = &self.spec.placement.spread else {
            return Vec::new();
        };
        let constraint = |field: &str, g: Groups| api::SpreadConstraint {
            spread_by_field: field.into(),
            spread_by_label: String::new(),
            min_groups: g.min_groups.unwrap_or(1),
            max_groups: g.max_groups.unwrap_or(0),
        };
        let mut out = Vec::new();
        if let Some(r) = spread.regions {
            out.push(constraint("region", r));
        }
        let clusters = spread.clusters.or_else(|| {
            spread.regions.map(|r| Groups {
                min_groups: r.min_groups,
                max_groups: Some(i32::try_from(inventory_size.max(1)).unwrap_or(i32::MAX)),
            })
        });
        if let Some(c) = clusters {
            out.push(constraint("cluster", c));
        }
        out
    }

    fn replica_scheduling(&self) -> api::ReplicaScheduling {
        let s = &self.spec.scheduling;
        let divided = |pref: &str, weight: Option<api::WeightPreference>| api::ReplicaScheduling {
            replica_scheduling_type: "Divided".into(),
            replica_division_preference: pref.into(),
            weight_preference: weight,
        };
        match s.type_.as_deref().unwrap_or("Duplicated") {
            "Aggregated" => divided("Aggregated", None),
            "DynamicWeight" => divided(
                "Weighted",
                Some(api::WeightPreference {
                    static_weight_list: Vec::new(),
                    dynamic_weight: "AvailableReplicas".into(),
                }),
            ),
            "StaticWeight" => divided(
                "Weighted",
                Some(api::WeightPreference {
                    static_weight_list: s
                        .weights
                        .iter()
                        .map(|(cluster, weight)| api::StaticWeight {
                            target_cluster: api::ClusterAffinity {
                                cluster_names: vec![cluster.clone()],
                                ..api::ClusterAffinity::default()
                            },
                            weight: *weight,
                        })
                        .collect(),
                    dynamic_weight: String::new(),
                }),
            ),
            _ => api::ReplicaScheduling {
                replica_scheduling_type: "Duplicated".into(),
                ..api::ReplicaScheduling::default()
            },
        }
    }

    fn override_rule(
        &self,
        i: usize,
        o: &Override,
        workload: &Value,
        problems: &mut Vec<Problem>,
    ) -> api::OverrideRule {
        let containers = workload
            .pointer("/spec/template/spec/containers")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let index = match &o.container {
            None => Some(0).filter(|_| !containers.is_empty()),
            Some(name) => containers
                .iter()
                .position(|c| c.get("name").and_then(Value::as_str) == Some(name.as_str())),
        };
        let mut plaintext = Vec::new();
        if o.image.is_some() || !o.env.is_empty() {
            match index {
                None => problems.push((
                    format!("/spec/overrides/{i}/container"),
                    match &o.container {
                        Some(name) => format!("the pod template has no container `{name}`"),
                        None => "the pod template has no container to override".into(),
                    },
                )),
                Some(c) => {
                    let base = format!("/spec/template/spec/containers/{c}");
                    if let Some(image) = &o.image {
                        plaintext.push(patch("replace", format!("{base}/image"), json!(image)));
                    }
                    let mut names: Vec<String> = containers[c]
                        .get("env")
                        .and_then(Value::as_array)
                        .map(|env| {
                            env.iter()
                                .map(|e| {
                                    e.get("name")
                                        .and_then(Value::as_str)
                                        .unwrap_or("")
                                        .to_owned()
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    let mut has_list = containers[c].get("env").is_some_and(Value::is_array);
                    for var in &o.env {
                        let name = var.get("name").and_then(Value::as_str).unwrap_or("");
                        if let Some(j) = names.iter().position(|n| n == name) {
                            plaintext.push(patch(
                                "replace",
                                format!("{base}/env/{j}"),
                                var.clone(),
                            ));
                        } else if has_list {
                            plaintext.push(patch("add", format!("{base}/env/-"), var.clone()));
                            names.push(name.to_owned());
                        } else {
                            plaintext.push(patch("add", format!("{base}/env"), json!([var])));
                            names.push(name.to_owned());
                            has_list = true;
                        }
                    }
                }
            }
        }
        let map = |m: &BTreeMap<String, String>| {
            if m.is_empty() {
                Vec::new()
            } else {
                vec![api::MapOverrider {
                    operator: "add".into(),
                    value: m.clone(),
                }]
            }
        };
        api::OverrideRule {
            target_cluster: Some(api::ClusterAffinity {
                cluster_names: o.clusters.clone(),
                ..api::ClusterAffinity::default()
            }),
            overriders: api::Overriders {
                plaintext,
                labels_overrider: map(&o.labels),
                annotations_overrider: map(&o.annotations),
                ..api::Overriders::default()
            },
        }
    }
}

/// A selector as the Deployment carries it: `matchLabels` (sorted), then `matchExpressions` in order,
/// `values` only when there are some; empty parts left out.
fn selector_json(s: &api::LabelSelector) -> Value {
    let mut out = Map::new();
    if !s.match_labels.is_empty() {
        out.insert("matchLabels".into(), json!(s.match_labels));
    }
    if !s.match_expressions.is_empty() {
        let expressions: Vec<Value> = s
            .match_expressions
            .iter()
            .map(|r| {
                let mut e = Map::new();
                e.insert("key".into(), json!(r.key));
                e.insert("operator".into(), json!(r.operator));
                if !r.values.is_empty() {
                    e.insert("values".into(), json!(r.values));
                }
                Value::Object(e)
            })
            .collect();
        out.insert("matchExpressions".into(), Value::Array(expressions));
    }
    Value::Object(out)
}

/// A selector rule as kubectl writes it: `tier in (a,b)`, `tier notin (a)`, `tier`, `!tier`.
pub fn requirement_text(r: &api::Requirement) -> String {
    let values = r.values.join(",");
    match r.operator.as_str() {
        "In" => format!("{} in ({values})", r.key),
        "NotIn" => format!("{} notin ({values})", r.key),
        "Exists" => r.key.clone(),
        "DoesNotExist" => format!("!{}", r.key),
        other => format!("{} {other} ({values})", r.key),
    }
}

/// A key as one JSON pointer segment.
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn patch(operator: &str, path: String, value: Value) -> api::PlaintextOverrider {
    api::PlaintextOverrider {
        path,
        operator: operator.into(),
        value: Some(value),
    }
}

#[cfg(test)]
mod tests;

//! Schema-valid objects → the typed [`Model`], with defaults applied and cross-object rules checked.
//!
//! Defaults are those of Karmada's API server and webhooks (karmada-semantics.md §9): namespace `default`,
//! replicas 1, `spec.zone` moved into `zones`, selector namespaces, spread-constraint defaults, `Divided` with
//! no preference → `Weighted`. Short forms are expanded here (see `shortform`). Semantic rules the schemas
//! cannot express are checked here too, each as a located diagnostic: names, label rules, spread
//! constraints, short-form overrides and weights naming real clusters. Duplicates are checked by the
//! caller once templates are expanded (`checks::duplicates`).
//! Objects with schema errors never reach this stage.

use crate::diagnostic::Diagnostic;
use crate::front::classify::{Class, Object};
use crate::model::api;
use crate::model::checks;
use crate::model::names;
use crate::model::numbers;
use crate::model::policy_fields;
use crate::model::scope::{self, Scope};
use crate::model::shortform::ShortForm;
use crate::model::{self, Affinity, Model, ObjectRef, Origin, Placement, Scheduling};
use serde::de::DeserializeOwned;
use std::collections::{BTreeMap, BTreeSet};

/// Build the model from schema-valid objects. Every problem is reported; the model is only usable when
/// no diagnostic is an error.
pub fn resolve(objects: &[Object]) -> (Model, Vec<Diagnostic>) {
    let mut r = Resolver::default();
    for o in objects.iter().filter(|o| o.class == Class::Cluster) {
        r.cluster(o);
    }
    let inventory: Vec<String> = r.model.clusters.iter().map(|c| c.name.clone()).collect();
    r.crd_scopes = crd_scopes(objects);
    for o in objects {
        match o.class {
            Class::Cluster => {}
            Class::PropagationPolicy | Class::ClusterPropagationPolicy => r.propagation(o),
            Class::OverridePolicy | Class::ClusterOverridePolicy => r.override_policy(o),
            Class::ShortForm => r.short_form(o, &inventory),
            Class::Resource => r.resource(o),
            Class::InterpreterCustomization => {}
        }
    }
    let (interpreter, found) = crate::model::customization::resolve(
        (objects.iter()).filter(|o| o.class == Class::InterpreterCustomization),
    );
    r.model.interpreter = interpreter;
    r.diagnostics.extend(found);
    r.finish()
}

#[derive(Default)]
struct Resolver {
    model: Model,
    diagnostics: Vec<Diagnostic>,
    /// `(group, kind, scope)` of the custom resources the repository's CRDs declare.
    crd_scopes: Vec<(String, String, Scope)>,
    /// Run-time policy fields already noted (each once per run).
    noted: BTreeSet<&'static str>,
}

/// The custom kinds that CustomResourceDefinitions in the repository declare, with their scope.
fn crd_scopes(objects: &[Object]) -> Vec<(String, String, Scope)> {
    objects
        .iter()
        .filter(|o| {
            o.kind == "CustomResourceDefinition"
                && o.api_version.starts_with("apiextensions.k8s.io/")
        })
        .filter_map(|o| {
            let crd = o.json();
            let spec = crd.get("spec")?;
            let scope = match spec.get("scope")?.as_str()? {
                "Cluster" => Scope::Cluster,
                _ => Scope::Namespaced,
            };
            Some((
                spec.get("group")?.as_str()?.to_owned(),
                spec.pointer("/names/kind")?.as_str()?.to_owned(),
                scope,
            ))
        })
        .collect()
}

/// Deserialize a schema-valid object; a failure here means the schema let something through, and is
/// still reported at the offending field.
fn decode<T: DeserializeOwned>(o: &Object, diagnostics: &mut Vec<Diagnostic>) -> Option<T> {
    let json = o.json();
    match serde_path_to_error::deserialize::<_, T>(&json) {
        Ok(v) => Some(v),
        Err(e) => {
            let pointer: String = e
                .path()
                .iter()
                .map(|seg| format!("/{seg}"))
                .collect::<String>()
                .replace("/.", "/");
            diagnostics.push(Diagnostic::error(
                "schema",
                o.node.span_at(&pointer),
                format!("`{}`: {}", e.path(), e.inner()),
            ));
            None
        }
    }
}

fn origin(o: &Object) -> Origin {
    Origin {
        node: o.node.clone(),
    }
}

fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_owned())
}

impl Resolver {
    fn error(&mut self, o: &Object, pointer: &str, message: impl Into<String>) {
        self.diagnostics.push(Diagnostic::error(
            "invalid",
            o.node.span_at(pointer),
            message,
        ));
    }

    fn cluster(&mut self, o: &Object) {
        let Some(c) = decode::<api::Cluster>(o, &mut self.diagnostics) else {
            return;
        };
        if let Err(why) = crate::model::names::dns1123_label(&c.metadata.name) {
            self.error(
                o,
                "/metadata/name",
                format!("cluster name {why}; it names the cluster's output directory"),
            );
        }
        let mut zones = c.spec.zones.clone();
        if zones.is_empty() && !c.spec.zone.is_empty() {
            zones.push(c.spec.zone.clone());
        }
        self.diagnostics.extend(checks::cluster(o, &c));
        let complete = c
            .status
            .conditions
            .iter()
            .any(|k| k.type_ == "CompleteAPIEnablements" && k.status == "True");
        self.model.clusters.push(model::Cluster {
            name: c.metadata.name.clone(),
            origin: origin(o),
            labels: c.metadata.labels,
            provider: non_empty(&c.spec.provider),
            region: non_empty(&c.spec.region),
            zones,
            taints: c.spec.taints,
            api_enablements: c
                .status
                .api_enablements
                .map(|list| model::ApiEnablements { list, complete }),
            resource_summary: c.status.resource_summary,
            resource_models: c.spec.resource_models,
            deleting: c.metadata.deletion_timestamp.is_some(),
        });
    }

    fn resource(&mut self, o: &Object) {
        let json = o.json();
        let meta: api::ObjectMeta = match decode_meta(o, &mut self.diagnostics) {
            Some(m) => m,
            None => return,
        };
        let group = o.api_version.rsplit_once('/').map_or("", |(g, _)| g);
        if let Err(why) = crate::model::names::object_name_for(group, &o.kind, &o.name) {
            self.error(
                o,
                "/metadata/name",
                format!("invalid `{}` name: {why}", o.kind),
            );
        }
        if let Some(ns) = &meta.namespace
            && let Err(why) = crate::model::names::dns1123_label(ns)
        {
            self.error(
                o,
                "/metadata/namespace",
                format!("invalid namespace: {why}"),
            );
        }
        self.diagnostics.extend(numbers::check(o));
        self.diagnostics.extend(checks::resource(o, &json));
        let from_crd = (self.crd_scopes.iter())
            .find(|(g, k, _)| g == group && *k == o.kind)
            .map(|(_, _, s)| *s);
        let given = meta.namespace.as_deref().filter(|n| !n.is_empty());
        let namespace = match scope::scope(group, &o.kind, from_crd) {
            Scope::Cluster => None,
            Scope::Namespaced => Some(given.unwrap_or("default").to_owned()),
            Scope::Unknown => {
                if given.is_none() {
                    self.diagnostics.push(Diagnostic::warning(
                        "unknown-scope",
                        o.node.span_at("/kind"),
                        format!(
                            "the scope of `{}` in `{}` is not known (no CustomResourceDefinition for it in the repository, and not a kind fanout knows): it is rendered as namespaced, in `default`; add its CRD to the repository, or give it a namespace",
                            o.kind, o.api_version
                        ),
                    ));
                }
                Some(given.unwrap_or("default").to_owned())
            }
        };
        self.model.resources.push(model::Resource {
            id: ObjectRef {
                api_version: o.api_version.clone(),
                kind: o.kind.clone(),
                namespace,
                name: o.name.clone(),
            },
            uid: meta.uid.unwrap_or_default(),
            labels: meta.labels,
            body: json,
            origin: origin(o),
            short_form: false,
            variants: BTreeMap::new(),
        });
    }

    fn short_form(&mut self, o: &Object, inventory: &[String]) {
        // before decoding, which would reject `3.0` less clearly and accept 2147483648
        let numbers = numbers::check(o);
        if !numbers.is_empty() {
            self.diagnostics.extend(numbers);
            return;
        }
        let Some(sf) = decode::<ShortForm>(o, &mut self.diagnostics) else {
            return;
        };
        self.diagnostics
            .extend(checks::short_form(o, &sf, inventory));
        let expanded = match sf.expand(inventory.len()) {
            Ok(e) => e,
            Err(problems) => {
                for (pointer, message) in problems {
                    self.error(o, &pointer, message);
                }
                return;
            }
        };
        let id = ObjectRef {
            api_version: expanded.workload["apiVersion"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            kind: expanded.workload["kind"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            namespace: Some(sf.namespace().to_owned()),
            name: sf.metadata.name.clone(),
        };
        self.model.resources.push(model::Resource {
            id: id.clone(),
            uid: sf.metadata.uid.clone().unwrap_or_default(),
            labels: expanded.workload["metadata"]["labels"]
                .as_object()
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                        .collect()
                })
                .unwrap_or_default(),
            body: expanded.workload,
            origin: origin(o),
            short_form: true,
            variants: BTreeMap::new(),
        });
        // The short form's own checks already located every rule at the short form's fields; the checks
        // of the generated Karmada placement would only repeat them at the wrong place.
        let checked = self.diagnostics.len();
        let placement = self.placement(o, &expanded.propagation.spec.placement, "/spec/placement");
        self.diagnostics.truncate(checked);
        self.model
            .propagation_policies
            .push(model::PropagationPolicy {
                name: sf.metadata.name.clone(),
                namespace: Some(sf.namespace().to_owned()),
                origin: origin(o),
                priority: 0,
                selectors: expanded.propagation.spec.resource_selectors,
                placement,
                propagate_deps: expanded.propagation.spec.propagate_deps,
                generated_for: Some(id.clone()),
                suspended: model::Suspended::Nowhere,
                dependent_overrides: Vec::new(),
                waiting: None,
            });
        if let Some(op) = expanded.overrides {
            self.model.override_policies.push(model::OverridePolicy {
                name: sf.metadata.name.clone(),
                namespace: Some(sf.namespace().to_owned()),
                origin: origin(o),
                selectors: op.spec.resource_selectors,
                rules: op.spec.override_rules,
                generated_for: Some(id),
            });
        }
    }

    fn propagation(&mut self, o: &Object) {
        let Some(pp) = decode::<api::PropagationPolicy>(o, &mut self.diagnostics) else {
            return;
        };
        let namespace = (o.class == Class::PropagationPolicy).then(|| {
            pp.metadata
                .namespace
                .clone()
                .unwrap_or_else(|| "default".into())
        });
        if let Err(why) = crate::model::names::object_name(&o.name) {
            self.error(o, "/metadata/name", format!("policy name {why}"));
        }
        let selectors = self.selectors(o, &pp.spec.resource_selectors, namespace.as_deref());
        let placement = self.placement(o, &pp.spec.placement, "/spec/placement");
        let (suspended, found) = policy_fields::check(o, &pp.spec, &mut self.noted);
        self.diagnostics.extend(found);
        self.model
            .propagation_policies
            .push(model::PropagationPolicy {
                name: o.name.clone(),
                namespace,
                origin: origin(o),
                priority: pp.spec.priority,
                selectors,
                placement,
                propagate_deps: pp.spec.propagate_deps
                    || pp.spec.resource_selectors.iter().any(|s| {
                        s.api_version == "multicluster.x-k8s.io/v1alpha1"
                            && s.kind == "ServiceImport"
                    }),
                generated_for: None,
                suspended,
                dependent_overrides: pp.spec.dependent_overrides.clone(),
                waiting: None,
            });
    }

    fn override_policy(&mut self, o: &Object) {
        let Some(op) = decode::<api::OverridePolicy>(o, &mut self.diagnostics) else {
            return;
        };
        let namespace = (o.class == Class::OverridePolicy).then(|| {
            op.metadata
                .namespace
                .clone()
                .unwrap_or_else(|| "default".into())
        });
        let selectors = self.selectors(o, &op.spec.resource_selectors, namespace.as_deref());
        let mut rules = op.spec.override_rules.clone();
        match (
            &op.spec.target_cluster,
            &op.spec.overriders,
            rules.is_empty(),
        ) {
            (None, None, _) => {}
            (target, _, false) => self.diagnostics.push(Diagnostic::error(
                "invalid",
                o.node.key_span_at(if target.is_some() {
                    "/spec/targetCluster"
                } else {
                    "/spec/overriders"
                }),
                "`targetCluster`/`overriders` and `overrideRules` cannot be used together",
            )),
            (target, overriders, true) => rules.push(api::OverrideRule {
                target_cluster: target.clone(),
                overriders: overriders.clone().unwrap_or_default(),
            }),
        }
        for (i, rule) in rules.iter().enumerate() {
            if let Some(t) = &rule.target_cluster {
                let pointer = if op.spec.override_rules.is_empty() {
                    "/spec/targetCluster".to_owned()
                } else {
                    format!("/spec/overrideRules/{i}/targetCluster")
                };
                self.diagnostics.extend(checks::affinity(o, t, &pointer));
            }
        }
        self.diagnostics.extend(checks::overriders(o, &op.spec));
        self.model.override_policies.push(model::OverridePolicy {
            name: o.name.clone(),
            namespace,
            origin: origin(o),
            selectors,
            rules,
            generated_for: None,
        });
    }

    /// Resource selectors with the webhook's namespace default; a namespaced policy only ever selects in its
    /// own namespace.
    fn selectors(
        &mut self,
        o: &Object,
        selectors: &[api::ResourceSelector],
        namespace: Option<&str>,
    ) -> Vec<api::ResourceSelector> {
        selectors
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let mut s = s.clone();
                if let Some(ns) = namespace {
                    if s.namespace.is_empty() {
                        s.namespace = ns.to_owned();
                    } else if s.namespace != ns {
                        self.error(
                            o,
                            &format!("/spec/resourceSelectors/{i}/namespace"),
                            format!("a policy in namespace `{ns}` can only select resources in `{ns}`, not `{}`", s.namespace),
                        );
                    }
                }
                if let Some(ls) = &s.label_selector {
                    self.diagnostics.extend(checks::label_selector(
                        o,
                        ls,
                        &format!("/spec/resourceSelectors/{i}/labelSelector"),
                    ));
                }
                s
            })
            .collect()
    }

    /// A term's overflow tiers as Karmada's webhook checks them (`ValidateOverflowAffinities`): only
    /// beside a non-empty inline affinity, each named by a label key unique within the term.
    fn overflow(&mut self, o: &Object, term: &api::ClusterAffinityTerm, here: &str) {
        if term.overflow_affinities.is_empty() {
            return;
        }
        let a = &term.affinity;
        let inline_empty = a.cluster_names.is_empty()
            && a.exclude.is_empty()
            && a.label_selector.is_none()
            && a.field_selector.is_none();
        if inline_empty {
            self.error(
                o,
                &format!("{here}/overflowAffinities"),
                "overflowAffinities can only be used together with the inline ClusterAffinity",
            );
        }
        let mut names = BTreeSet::from([term.affinity_name.clone()]);
        for (j, overflow) in term.overflow_affinities.iter().enumerate() {
            let at = format!("{here}/overflowAffinities/{j}");
            let name = o
                .node
                .at_pointer(&format!("{at}/affinityName"))
                .and_then(|(_, n)| n.as_str().map(str::to_owned))
                .unwrap_or_default();
            if let Err(why) = names::label_key(&name) {
                self.error(
                    o,
                    &format!("{at}/affinityName"),
                    format!("`affinityName` must be a label key: {why}"),
                );
            } else if !names.insert(name) {
                self.error(
                    o,
                    &format!("{at}/affinityName"),
                    "overflow affinity name must be unique and must not duplicate the primary group's affinityName",
                );
            }
            self.diagnostics.extend(checks::affinity(o, overflow, &at));
        }
    }

    fn placement(&mut self, o: &Object, p: &api::Placement, at: &str) -> Placement {
        let affinity = match (&p.cluster_affinity, p.cluster_affinities.is_empty()) {
            (Some(a), true) => {
                self.diagnostics
                    .extend(checks::affinity(o, a, &format!("{at}/clusterAffinity")));
                Affinity::Single(a.clone())
            }
            (None, false) => {
                let mut seen = BTreeMap::new();
                for (i, term) in p.cluster_affinities.iter().enumerate() {
                    let here = format!("{at}/clusterAffinities/{i}");
                    if term.affinity_name.is_empty() {
                        self.error(
                            o,
                            &here,
                            "every `clusterAffinities` term needs an `affinityName`",
                        );
                    } else if let Err(why) = names::label_key(&term.affinity_name) {
                        self.error(
                            o,
                            &format!("{here}/affinityName"),
                            format!("`affinityName` must be a label key: {why}"),
                        );
                    } else if let Some(first) = seen.insert(term.affinity_name.clone(), i) {
                        self.diagnostics.push(
                            Diagnostic::error(
                                "invalid",
                                o.node.span_at(&format!("{here}/affinityName")),
                                format!("`affinityName` `{}` is used twice", term.affinity_name),
                            )
                            .with_related(
                                o.node.span_at(&format!(
                                    "{at}/clusterAffinities/{first}/affinityName"
                                )),
                                "first used here",
                            ),
                        );
                    }
                    self.diagnostics
                        .extend(checks::affinity(o, &term.affinity, &here));
                    self.overflow(o, term, &here);
                }
                Affinity::Terms(p.cluster_affinities.clone())
            }
            (None, true) => Affinity::All,
            (Some(a), false) => {
                self.error(
                    o,
                    &format!("{at}/clusterAffinities"),
                    "`clusterAffinity` and `clusterAffinities` cannot be used together",
                );
                Affinity::Single(a.clone())
            }
        };
        for (i, t) in p.cluster_tolerations.iter().enumerate() {
            self.diagnostics.extend(checks::toleration(
                o,
                t,
                &format!("{at}/clusterTolerations/{i}"),
            ));
        }
        let spread_constraints: Vec<api::SpreadConstraint> = p
            .spread_constraints
            .iter()
            .map(|s| {
                let mut s = s.clone();
                if s.spread_by_field.is_empty() && s.spread_by_label.is_empty() {
                    s.spread_by_field = "cluster".into();
                }
                if s.min_groups == 0 {
                    s.min_groups = 1;
                }
                s
            })
            .collect();
        self.diagnostics.extend(checks::spread(
            o,
            &spread_constraints,
            &format!("{at}/spreadConstraints"),
        ));
        let scheduling = match &p.replica_scheduling {
            None => Scheduling::Duplicated,
            Some(rs) => {
                let kind = if rs.replica_scheduling_type.is_empty() {
                    "Divided"
                } else {
                    &rs.replica_scheduling_type
                };
                let preference = if rs.replica_division_preference.is_empty() {
                    "Weighted"
                } else {
                    &rs.replica_division_preference
                };
                match (kind, preference) {
                    ("Duplicated", _) => Scheduling::Duplicated,
                    (_, "Aggregated") => Scheduling::Aggregated,
                    _ => match &rs.weight_preference {
                        Some(w) if !w.dynamic_weight.is_empty() => Scheduling::DynamicWeight,
                        Some(w) => {
                            for (i, rule) in w.static_weight_list.iter().enumerate() {
                                self.diagnostics.extend(checks::weight_target(
                                    o,
                                    &rule.target_cluster,
                                    &format!("{at}/replicaScheduling/weightPreference/staticWeightList/{i}/targetCluster"),
                                ));
                            }
                            Scheduling::StaticWeight(w.static_weight_list.clone())
                        }
                        None => Scheduling::StaticWeight(Vec::new()),
                    },
                }
            }
        };
        if !matches!(
            scheduling,
            Scheduling::Aggregated | Scheduling::DynamicWeight
        ) {
            for (i, term) in p.cluster_affinities.iter().enumerate() {
                if !term.overflow_affinities.is_empty() {
                    self.error(
                        o,
                        &format!("{at}/clusterAffinities/{i}/overflowAffinities"),
                        "overflowAffinities can only be used together with dynamic weight or aggregated scheduling",
                    );
                }
            }
        }
        let spread_selects = match (&scheduling, &p.replica_scheduling) {
            (Scheduling::StaticWeight(list), Some(rs)) => {
                rs.weight_preference.is_some() && list.is_empty()
            }
            _ => true,
        };
        Placement {
            spread_selects,
            affinity,
            tolerations: p.cluster_tolerations.clone(),
            spread_constraints,
            scheduling,
        }
    }

    fn finish(mut self) -> (Model, Vec<Diagnostic>) {
        let m = &mut self.model;
        // Ties (duplicates) are broken by where the object is written, so the result never depends on
        // the order objects were read in.
        m.clusters
            .sort_by(|a, b| (&a.name, a.origin.span()).cmp(&(&b.name, b.origin.span())));
        sort_resources(&mut m.resources);
        m.propagation_policies.sort_by(|a, b| {
            (&a.namespace, &a.name, a.origin.span()).cmp(&(&b.namespace, &b.name, b.origin.span()))
        });
        m.override_policies.sort_by(|a, b| {
            (&a.namespace, &a.name, a.origin.span()).cmp(&(&b.namespace, &b.name, b.origin.span()))
        });
        let found = policy_fields::wait_for_overrides(&mut self.model);
        self.diagnostics.extend(found);
        (self.model, self.diagnostics)
    }
}

/// Resources in model order: group, kind, namespace, name, then where they are written.
pub fn sort_resources(resources: &mut [model::Resource]) {
    resources.sort_by(|a, b| {
        (
            a.id.group(),
            &a.id.kind,
            &a.id.namespace,
            &a.id.name,
            a.origin.span(),
        )
            .cmp(&(
                b.id.group(),
                &b.id.kind,
                &b.id.namespace,
                &b.id.name,
                b.origin.span(),
            ))
    });
}

fn decode_meta(o: &Object, diagnostics: &mut Vec<Diagnostic>) -> Option<api::ObjectMeta> {
    #[derive(serde::Deserialize)]
    struct Meta {
        metadata: api::ObjectMeta,
    }
    decode::<Meta>(o, diagnostics).map(|m| m.metadata)
}

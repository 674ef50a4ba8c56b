//! Karmada's resource interpreter for custom kinds, without Lua: what a binding's replicas and per-pod
//! requirements are (GetReplicas), what replica field each cluster's copy gets (ReviseReplica), and which
//! ConfigMaps, Secrets, ServiceAccounts and PVCs follow a workload (GetDependencies).
//!
//! Karmada asks, in order, a repository's `ResourceInterpreterCustomization` (the declarative subset
//! fanout reads, [`crate::model::customization`]), then its built-in third-party customizations
//! (`pkg/resourceinterpreter/default/thirdparty/resourcecustomizations/`, always loaded), then its native
//! interpreter (Deployment, Job, ...: [`super::binding`], [`super::deps`]). The built-in customizations are
//! data here ([`BUILT_IN`], one [`KindRule`] per kind): a replica field, a pod template, a revised field,
//! pod templates or named references for dependencies, and a few named strategies where a script
//! computes (Flink, Ray, Argo Workflow). Webhook interpreters are not run.
//!
//! Input → output: the model and one object → a [`Binding`], a revised object, dependencies. Where
//! Karmada's script fails (a replica field it reads as a number is absent or not a number), GetReplicas
//! fails and Karmada never propagates the object: [`problems`] reports it, located at the field, for
//! the objects a policy claims.
//!
//! Invariants: pure, deterministic, no panics; a failed GetDependencies means no dependencies (as in
//! Karmada), never an error.

pub mod job;
mod strategies;
mod table;
#[cfg(test)]
mod tests;

pub use table::{BUILT_IN, NOT_INTERPRETED};

use super::deps::{self, Collector, Dependency};
use super::estimate::{self, ReplicaRequirements};
use super::{Binding, Decision};
use crate::diagnostic::Diagnostic;
use crate::model::customization::{self, Customization, ReplicaSource};
use crate::model::{Model, Resource};
use serde_json::Value;

/// Where Karmada's built-in customizations live in its repository.
pub const CUSTOMIZATIONS_DIR: &str =
    "pkg/resourceinterpreter/default/thirdparty/resourcecustomizations";

/// One kind's built-in customization: the hooks that matter offline.
#[derive(Clone, Copy, Debug)]
pub struct KindRule {
    /// Exact `apiVersion` (group/version) and `kind` of the customization's target.
    pub api_version: &'static str,
    pub kind: &'static str,
    /// GetReplicas; `None`: not a workload (unless the native interpreter knows the kind).
    pub replicas: Option<Replicas<'static>>,
    /// ReviseReplica; `None`: every cluster receives the object unchanged.
    pub revise: Option<Revise<'static>>,
    /// GetDependencies; `None`: none.
    pub dependencies: Option<Dependencies>,
}

impl KindRule {
    /// The customization's folder, for messages.
    pub fn source(&self) -> String {
        format!("{CUSTOMIZATIONS_DIR}/{}/{}", self.api_version, self.kind)
    }
}

/// How GetReplicas computes the replicas and the per-pod requirements. Pointers are RFC 6901.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Replicas<'a> {
    /// The integer at `at`. When it is absent: `absent` (the script's own default), or, with `None`, the
    /// script returns nil and GetReplicas fails.
    Field {
        at: &'a str,
        absent: Option<i32>,
        requirements: Requirements<'a>,
    },
    /// Always the same number.
    Constant {
        replicas: i32,
        requirements: Requirements<'a>,
    },
    /// FlinkDeployment (named strategy, `strategies::flink_replicas`).
    Flink,
    /// RayService (named strategy, `strategies::ray_service_replicas`).
    RayService,
}

/// Where the per-pod requirements come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Requirements<'a> {
    None,
    /// `kube.accuratePodRequirements` of the PodTemplateSpec at this pointer (Karmada's
    /// `GenerateReplicaRequirements` of its `spec`).
    PodTemplate(&'a str),
    /// The same, of a pod spec made only of the `affinity`, `nodeSelector` and `tolerations` of the object
    /// at this pointer (Argo Workflow).
    NodeClaimOf(&'a str),
}

/// How ReviseReplica writes a cluster's replicas into its copy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Revise<'a> {
    /// `obj.<path> = replicas`: the field is set, created if absent (its parent must exist, else the
    /// script fails).
    Field(&'a str),
    /// RayService: the head keeps 1, the worker groups share the rest
    /// (`strategies::ray_service_revise`).
    RayServiceWorkers,
}

/// How GetDependencies finds the objects a workload needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dependencies {
    /// `kube.getPodDependencies` of each PodTemplateSpec at these pointers, in order (`*` steps through
    /// every item of a list); absent templates are skipped.
    PodTemplates(&'static [&'static str]),
    /// Only the template of the last present `(container, template)` pair (AdvancedCronJob).
    LastOf(&'static [(&'static str, &'static str)]),
    /// Named references (Flux).
    References(&'static [Reference]),
    /// Argo Workflow's own visitor (`strategies::workflow_dependencies`).
    Workflow,
}

/// One way a Flux script names a dependency.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reference {
    /// A `v1` object of `kind` named by the string at `at`.
    Name {
        kind: &'static str,
        at: &'static str,
        check: Check,
    },
    /// A HelmRelease's `valuesFrom` list: each item of kind `Secret` or `ConfigMap` names one by `name`,
    /// unchecked (an empty name makes Karmada's validation reject the whole result, an absent one fails
    /// the script).
    ValuesFrom(&'static str),
}

/// How a script guards a reference before using the name as a table key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    /// `if X ~= nil and X.name ~= ''`: skipped when the reference object is absent or the name empty;
    /// a reference object without a name is a nil table key, which fails the script.
    ParentPresent,
    /// `if name ~= nil and name ~= ''`: skipped when absent or empty.
    Guarded,
    /// `if name ~= ''`: an absent name is a nil table key, which fails the script.
    Unguarded,
}

/// Why Karmada's interpretation of an object fails: the field (RFC 6901 pointer) and the reason.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Failure {
    pub pointer: String,
    pub message: String,
}

/// The built-in customization for an exact `apiVersion` and `kind`.
pub fn built_in(api_version: &str, kind: &str) -> Option<&'static KindRule> {
    BUILT_IN
        .iter()
        .find(|r| r.api_version == api_version && r.kind == kind)
}

/// The binding Karmada's built-in customizations give a custom kind, `None` when no built-in
/// customization implements GetReplicas for it. A failing GetReplicas gives a non-workload binding
/// ([`problems`] reports it).
pub fn built_in_binding(resource: &Resource) -> Option<Binding> {
    let rule = built_in(&resource.id.api_version, &resource.id.kind)?;
    let replicas = rule.replicas?;
    Some(binding_of(get_replicas(&replicas, &resource.body)))
}

/// The binding of a resource as Karmada's interpreter chain gives it: the repository's customization,
/// then the built-in ones, then the native interpreter ([`super::binding`]).
pub fn binding(model: &Model, resource: &Resource) -> Binding {
    match declared(model, resource).and_then(|c| c.replicas.as_ref()) {
        Some(rule) => binding_of(get_replicas(&declared_replicas(&rule.rule), &resource.body)),
        None => super::binding(resource),
    }
}

/// The repository's customization of a resource's kind.
fn declared<'m>(model: &'m Model, resource: &Resource) -> Option<&'m Customization> {
    (model.interpreter).get(&resource.id.api_version, &resource.id.kind)
}

/// A declared GetReplicas as a rule: the path (absent: the script returns nil and fails) or the constant.
fn declared_replicas(rule: &customization::Replicas) -> Replicas<'_> {
    let requirements = match &rule.template {
        Some(at) => Requirements::PodTemplate(at),
        None => Requirements::None,
    };
    match &rule.source {
        ReplicaSource::Field(at) => Replicas::Field {
            at,
            absent: None,
            requirements,
        },
        &ReplicaSource::Constant(replicas) => Replicas::Constant {
            replicas,
            requirements,
        },
    }
}

fn binding_of(result: Result<(i32, Option<ReplicaRequirements>), Failure>) -> Binding {
    let (replicas, requirements) = result.unwrap_or((0, None));
    Binding {
        replicas,
        workload: replicas > 0 || requirements.is_some(),
        requirements,
        job_completions: None,
    }
}

/// GetReplicas by `rule` on `object`: the replicas and the per-pod requirements.
pub fn get_replicas(
    rule: &Replicas<'_>,
    object: &Value,
) -> Result<(i32, Option<ReplicaRequirements>), Failure> {
    match *rule {
        Replicas::Field {
            at,
            absent,
            requirements,
        } => {
            let replicas = match (object.pointer(at), absent) {
                (Some(v), _) => count(v).map_err(|why| Failure {
                    pointer: at.to_owned(),
                    message: format!("`{}` {why}", field_name(at)),
                })?,
                (None, Some(n)) => n,
                (None, None) => {
                    return Err(Failure {
                        pointer: parent_present(object, at),
                        message: format!(
                            "`{}` is absent (nothing in Karmada's control plane defaults it)",
                            field_name(at)
                        ),
                    });
                }
            };
            Ok((replicas, pod_requirements(object, requirements)))
        }
        Replicas::Constant {
            replicas,
            requirements,
        } => Ok((replicas, pod_requirements(object, requirements))),
        Replicas::Flink => strategies::flink_replicas(object),
        Replicas::RayService => strategies::ray_service_replicas(object),
    }
}

fn pod_requirements(object: &Value, from: Requirements<'_>) -> Option<ReplicaRequirements> {
    match from {
        Requirements::None => None,
        Requirements::PodTemplate(at) => template_requirements(object.pointer(at)),
        Requirements::NodeClaimOf(at) => {
            let source = object.pointer(at)?;
            let mut spec = serde_json::Map::new();
            for key in ["affinity", "nodeSelector", "tolerations"] {
                if let Some(v) = source.get(key) {
                    spec.insert(key.to_owned(), v.clone());
                }
            }
            estimate::replica_requirements(&Value::Object(spec))
        }
    }
}

/// `kube.accuratePodRequirements` of a PodTemplateSpec.
fn template_requirements(template: Option<&Value>) -> Option<ReplicaRequirements> {
    estimate::replica_requirements(template?.get("spec")?)
}

/// A replica count as Lua's GetReplicas returns it and the API server admits it: an integer from 0 to
/// 2147483647.
fn count(v: &Value) -> Result<i32, String> {
    match v {
        Value::Number(n) => match n.as_i64() {
            Some(i) if (0..=i64::from(i32::MAX)).contains(&i) => Ok(i as i32),
            Some(i) => Err(format!("is {i}, not a replica count from 0 to 2147483647")),
            None => match n.as_f64() {
                Some(f) if f.fract() == 0.0 && (0.0..=f64::from(i32::MAX)).contains(&f) => {
                    Ok(f as i32)
                }
                _ => Err(format!("is {n}, not a replica count from 0 to 2147483647")),
            },
        },
        Value::String(s) => Err(format!(
            "is the string `{s}`, which Karmada's interpreter cannot return as a number of replicas"
        )),
        Value::Null => Err("is null".to_owned()),
        Value::Bool(_) => Err("is a boolean, not a number".to_owned()),
        Value::Array(_) => Err("is a sequence, not a number".to_owned()),
        Value::Object(_) => Err("is a mapping, not a number".to_owned()),
    }
}

/// `spec.template.containers[0]`, as Kubernetes names a field.
pub(crate) fn field_name(pointer: &str) -> String {
    let mut out = String::new();
    for step in pointer.split('/').skip(1) {
        let step = step.replace("~1", "/").replace("~0", "~");
        if !step.is_empty() && step.bytes().all(|b| b.is_ascii_digit()) {
            out.push_str(&format!("[{step}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&step);
        }
    }
    out
}

/// The deepest prefix of `pointer` present in `object` (where a diagnostic about an absent field points).
fn parent_present(object: &Value, pointer: &str) -> String {
    let mut at = pointer;
    while !at.is_empty() {
        if object.pointer(at).is_some() {
            return at.to_owned();
        }
        at = at.rsplit_once('/').map_or("", |(parent, _)| parent);
    }
    String::new()
}

/// ReviseReplica by `rule`: writes `replicas` into `body`.
pub fn apply_revise(rule: &Revise<'_>, body: &mut Value, replicas: i32) -> Result<(), Failure> {
    match *rule {
        Revise::Field(at) => {
            let (parent, key) = at.rsplit_once('/').unwrap_or(("", at));
            match body.pointer_mut(parent) {
                Some(Value::Object(map)) => {
                    map.insert(
                        key.replace("~1", "/").replace("~0", "~"),
                        Value::from(replicas),
                    );
                    Ok(())
                }
                _ => Err(Failure {
                    pointer: parent_present(body, parent),
                    message: format!(
                        "`{}` is absent, so the script cannot set `{}`",
                        field_name(parent),
                        field_name(at)
                    ),
                }),
            }
        }
        Revise::RayServiceWorkers => {
            strategies::ray_service_revise(body, i64::from(replicas));
            Ok(())
        }
    }
}

/// The revise rule that applies to a resource: the repository's, then the built-in one.
fn revise_rule<'m>(model: &'m Model, resource: &Resource) -> Option<Revise<'m>> {
    match declared(model, resource).and_then(|c| c.revise.as_ref()) {
        Some(rule) => Some(Revise::Field(&rule.rule)),
        None => built_in(&resource.id.api_version, &resource.id.kind)?.revise,
    }
}

/// The API server's defaults on the fields Karmada's interpreter reads and revises, written into a copy
/// of `resource` (`body`) as karmada-apiserver stores the template: a Job's `parallelism` and
/// `completions` ([`job`]). Other kinds are left as written.
pub fn api_defaults(resource: &Resource, body: &mut Value) {
    if let ("batch", "Job") = (resource.id.group(), resource.id.kind.as_str()) {
        job::apply_defaults(body);
    }
}

/// Revises one cluster's copy (`body`) of a workload to `replicas` (karmada-semantics.md §6.2): by the
/// repository's or a built-in customization when one implements ReviseReplica for the kind (a failing
/// script leaves the body unchanged; [`problems`] reports it), else by the native interpreter, which
/// writes `spec.replicas` of a Deployment, ReplicaSet or StatefulSet and `spec.parallelism` of a Job
/// when the template has the field. Other kinds are not revised: every cluster receives them whole.
pub fn revise(model: &Model, resource: &Resource, body: &mut Value, replicas: i32) {
    if let Some(rule) = revise_rule(model, resource) {
        let _ = apply_revise(&rule, body, replicas);
        return;
    }
    let field = match (resource.id.group(), resource.id.kind.as_str()) {
        ("apps", "Deployment" | "ReplicaSet" | "StatefulSet") => "replicas",
        ("batch", "Job") => "parallelism",
        _ => return,
    };
    if let Some(slot) = body.pointer_mut(&format!("/spec/{field}")) {
        *slot = Value::from(replicas);
    }
}

/// The named dependencies of `object` in `namespace`: the repository's customization, then the
/// built-in one, then the native interpreter ([`deps::dependencies`]). A failing script gives none.
pub fn dependencies(model: &Model, object: &Value, namespace: &str) -> Vec<Dependency> {
    all_dependencies(model, object, namespace).named
}

/// Everything `object` in `namespace` depends on: the named dependencies ([`dependencies`]) and those
/// selected by label, which only the native interpreter gives (a ServiceImport's EndpointSlices,
/// [`deps::interpret`]); the customizations fanout reads name their dependencies. A failing script, or
/// a result Karmada rejects, gives none.
pub fn all_dependencies(model: &Model, object: &Value, namespace: &str) -> deps::Dependencies {
    let api_version = object
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or("");
    let kind = object.get("kind").and_then(Value::as_str).unwrap_or("");
    let named = |named| deps::Dependencies {
        named,
        selected: Vec::new(),
    };
    if let Some(c) = model.interpreter.get(api_version, kind)
        && !c.dependencies.is_empty()
    {
        let mut found = Collector::new(namespace);
        let templates = c.dependencies.iter().map(|d| d.rule.as_str());
        pod_template_dependencies(object, templates, &mut found);
        return named(found.finish());
    }
    let rule = built_in(api_version, kind).and_then(|r| r.dependencies);
    match rule {
        Some(rule) => named(built_in_dependencies(&rule, object, namespace).unwrap_or_default()),
        None => deps::interpret(object, namespace).unwrap_or_default(),
    }
}

/// GetDependencies by a built-in rule; `Err` when Karmada's script fails or its result is rejected.
pub fn built_in_dependencies(
    rule: &Dependencies,
    object: &Value,
    namespace: &str,
) -> Result<Vec<Dependency>, String> {
    let mut found = Collector::new(namespace);
    match *rule {
        Dependencies::PodTemplates(patterns) => {
            pod_template_dependencies(object, patterns.iter().copied(), &mut found)
        }
        Dependencies::LastOf(pairs) => {
            let last = pairs
                .iter()
                .rev()
                .find(|(container, _)| object.pointer(container).is_some_and(|v| !v.is_null()));
            if let Some(&(_, template)) = last {
                pod_template_dependencies(object, [template], &mut found);
            }
        }
        Dependencies::References(refs) => references(object, refs, &mut found)?,
        Dependencies::Workflow => strategies::workflow_dependencies(object, &mut found)?,
    }
    Ok(found.finish())
}

/// `kube.getPodDependencies` of every PodTemplateSpec matching the patterns.
pub(crate) fn pod_template_dependencies<'p>(
    object: &Value,
    patterns: impl IntoIterator<Item = &'p str>,
    found: &mut Collector,
) {
    for pattern in patterns {
        for (at, template) in expand(object, pattern) {
            if template.get("spec").is_some_and(Value::is_object) {
                deps::visit_pod_spec(object, &format!("{at}/spec"), found);
            }
        }
    }
}

/// The values at a pointer whose `*` steps go through every item of a list, with their pointers.
fn expand<'v>(object: &'v Value, pattern: &str) -> Vec<(String, &'v Value)> {
    let mut found = vec![(String::new(), object)];
    for step in pattern.split('/').skip(1) {
        let mut next = Vec::new();
        for (at, value) in found {
            match (value, step) {
                (Value::Array(items), "*") => next.extend(
                    (items.iter().enumerate()).map(|(i, item)| (format!("{at}/{i}"), item)),
                ),
                (Value::Object(map), key) if key != "*" => {
                    if let Some(child) = map.get(key) {
                        next.push((format!("{at}/{key}"), child));
                    }
                }
                _ => {}
            }
        }
        found = next;
    }
    found.retain(|(_, v)| !v.is_null());
    found
}

/// Flux's references, as its scripts read them.
fn references(object: &Value, refs: &[Reference], found: &mut Collector) -> Result<(), String> {
    if !object.get("spec").is_some_and(Value::is_object) {
        return Err("the object has no `spec`".to_owned());
    }
    for reference in refs {
        match *reference {
            Reference::Name { kind, at, check } => {
                let name = object.pointer(at).filter(|v| !v.is_null());
                let (parent, _) = at.rsplit_once('/').unwrap_or(("", at));
                let parent_present = object.pointer(parent).is_some_and(|v| !v.is_null());
                match (name, check) {
                    (Some(Value::String(s)), _) if s.is_empty() => {}
                    (Some(Value::String(s)), _) => found.add(kind, s, at.to_owned()),
                    (Some(_), _) => return Err(format!("`{}` is not a string", field_name(at))),
                    (None, Check::Guarded) => {}
                    (None, Check::ParentPresent) if !parent_present => {}
                    (None, _) => {
                        return Err(format!(
                            "`{}` is absent: a nil table key fails the script",
                            field_name(at)
                        ));
                    }
                }
            }
            Reference::ValuesFrom(at) => {
                for (i, item) in deps::items(object.pointer(at)) {
                    let item_kind = item.get("kind").and_then(Value::as_str);
                    let Some(&(_, kind)) = table::VALUES_FROM_KINDS
                        .iter()
                        .find(|(k, _)| Some(*k) == item_kind)
                    else {
                        continue;
                    };
                    match item.get("name") {
                        Some(Value::String(s)) if !s.is_empty() => {
                            found.add(kind, s, format!("{at}/{i}/name"))
                        }
                        _ => {
                            return Err(format!(
                                "`{}[{i}].name` is absent or empty: Karmada rejects the result",
                                field_name(at)
                            ));
                        }
                    }
                }
            }
        }
    }
    Ok(())
}

/// Where Karmada's interpreter fails on the objects a policy claims (GetReplicas; ReviseReplica on
/// workloads): each an error at the field, as Karmada then never propagates the object.
pub fn problems(model: &Model, decisions: &[Decision]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for d in decisions.iter().filter(|d| d.policy.is_some()) {
        let resource = &model.resources[d.resource];
        let Some((rule, source)) = replicas_rule(model, resource) else {
            continue;
        };
        let revise = revise_rule(model, resource);
        // a template's renderings are interpreted one by one, as each cluster's copy would be
        let bodies = std::iter::once(&resource.body).chain(resource.variants.values());
        let mut seen = std::collections::BTreeSet::new();
        for body in bodies {
            let failure = match get_replicas(&rule, body) {
                Err(f) => Some((f, "GetReplicas", "Karmada never propagates it")),
                Ok((replicas, requirements)) if replicas > 0 || requirements.is_some() => revise
                    .and_then(|r| apply_revise(&r, &mut body.clone(), replicas).err())
                    .map(|f| (f, "ReviseReplica", "no cluster receives it")),
                Ok(_) => None,
            };
            if let Some((f, hook, consequence)) = failure
                && seen.insert(f.clone())
            {
                out.push(Diagnostic::error(
                    "interpreter",
                    resource.origin.span_at(&f.pointer),
                    format!(
                        "`{}`: {}; its {hook} fails ({source}), so {consequence}",
                        resource.id, f.message
                    ),
                ));
            }
        }
    }
    out
}

/// The GetReplicas rule that applies to a resource, with a description of where it comes from.
fn replicas_rule<'m>(model: &'m Model, resource: &Resource) -> Option<(Replicas<'m>, String)> {
    if let Some(rule) = declared(model, resource).and_then(|c| c.replicas.as_ref()) {
        return Some((
            declared_replicas(&rule.rule),
            format!("ResourceInterpreterCustomization `{}`", rule.name),
        ));
    }
    let rule = built_in(&resource.id.api_version, &resource.id.kind)?;
    Some((
        rule.replicas?,
        format!("Karmada's built-in interpreter `{}`", rule.source()),
    ))
}

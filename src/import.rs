//! Live objects → short-form workloads (`fanout import`): promote a Deployment or a Job that already runs
//! (`kubectl get deploy web -o yaml`, a Job, or a `List` of them) to a `MulticloudDeployment` /
//! `MulticloudJob` file.
//!
//! What it drops, because the API server or a controller set it and a manifest must not carry it:
//! `status`; `metadata` `uid`, `resourceVersion`, `creationTimestamp`, `generation`, `managedFields`,
//! `selfLink`, `ownerReferences`, `generateName` and deletion marks; annotations such as
//! `deployment.kubernetes.io/revision` and `kubectl.kubernetes.io/last-applied-configuration`, and labels and
//! annotations of Karmada (`*.karmada.io/`) or of the tool that applied the object (Helm release, Argo CD
//! tracking id and, on the workload itself, its `app.kubernetes.io/instance` tracking label, Flux
//! `kustomize.toolkit.fluxcd.io/` labels); for Jobs the generated `spec.selector` and the
//! `controller-uid` / `job-name` labels. Fields the API server fills with their default are dropped only when
//! they equal that default (`progressDeadlineSeconds: 600`, `revisionHistoryLimit: 10`, the 25% / 25% rolling
//! update, `dnsPolicy: ClusterFirst`, `schedulerName: default-scheduler`, `terminationGracePeriodSeconds:
//! 30`, `imagePullPolicy` as Kubernetes derives it from the image tag, probe timings, `protocol: TCP`,
//! `defaultMode: 420`, ...), so applying the result gives the same object back.
//!
//! What it maps: `replicas`, `paused`, the pod-template `kubectl.kubernetes.io/restartedAt` annotation
//! (`restartedAt`), Job `parallelism`, `completions`, `activeDeadlineSeconds` (`timeoutSeconds`),
//! `backoffLimit`, `suspend`, the pod `restartPolicy`, and the `fanout.dev/description` annotation. Workload
//! labels go to `metadata.labels`, pod labels that differ from them to the template. A Deployment selector
//! other than the short form's `app.kubernetes.io/name: <name>` is kept as `spec.selector` (a selector
//! cannot change), and then the pods keep their labels as they are, name label or not: the rendered
//! Deployment has the live selector and the live pod labels (plus any workload label the pods lack, with a
//! warning). The result has no placement (every cluster) and no `scheduling` (`Duplicated`): each cluster
//! runs what the live object ran.
//!
//! What it cannot express is never dropped silently: it comes back as a warning naming the field (a
//! non-default `strategy`, `ttlSecondsAfterFinished`, a Job's `manualSelector`, a Deployment selector that
//! is missing or malformed — the live Deployment must then be recreated —, pod labels the short form adds,
//! `finalizers`, ...). Warnings are also written as comments at the top of the file, which starts with a
//! yaml-language-server modeline only when the caller says where the schemas are ([`Options`]).
//!
//! What it refuses, as [`ImportError`]s naming the object: any kind but `apps/v1` Deployment and
//! `batch/v1` Job, a missing name, a name that is not a DNS-1123 label (the short form needs one), a pod
//! template without containers, fields of the wrong type, and the same workload twice.
//!
//! Pure: JSON values in (the caller reads and parses the files), text out; deterministic (input order,
//! keys in the order the object had them, but a container's or volume's `name` first); no panics on any
//! input.

use crate::front::schemas::{SchemaKind, schema_file};
use crate::model::shortform::{self, DESCRIPTION_ANNOTATION, NAME_LABEL, RESTARTED_AT_ANNOTATION};
use crate::render::to_yaml;
use serde_json::{Map, Value, json};
use std::collections::BTreeSet;
use std::fmt;

/// One imported workload: its short-form YAML text (with a comment naming what it came from, after a
/// yaml-language-server modeline when [`Options::schema_dir`] is given) and warnings.
#[derive(Clone, Debug, PartialEq)]
pub struct Imported {
    /// The short form's kind: `MulticloudDeployment` or `MulticloudJob`.
    pub kind: String,
    /// The workload's namespace (`default` when the live object had none).
    pub namespace: String,
    pub name: String,
    pub yaml: String,
    /// What the short form could not express, one line each, naming the field.
    pub warnings: Vec<String>,
}

impl Imported {
    /// A file name for the workload, unique per kind, namespace and name:
    /// `<namespace>/<name>.deployment.yaml` or `<namespace>/<name>.job.yaml`.
    pub fn file_name(&self) -> String {
        let suffix = if self.kind == shortform::JOB_KIND {
            "job"
        } else {
            "deployment"
        };
        format!("{}/{}.{suffix}.yaml", self.namespace, self.name)
    }
}

/// An object that cannot be imported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportError {
    /// `Kind namespace/name` (`Kind name` without a namespace, `Kind #n` without a name: the n-th object,
    /// counting `List` items).
    pub object: String,
    pub message: String,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}`: {}", self.object, self.message)
    }
}

impl std::error::Error for ImportError {}

/// How the produced files refer to the JSON Schemas.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Where fanout's `schema/` folder is, as seen from the written file: a relative path
    /// (`../../schema`) or a URL. Each file then starts with a yaml-language-server modeline naming its
    /// schema there. `None` (the default): no modeline, since a path that does not resolve in the user's
    /// repository would only make editors report a missing schema.
    pub schema_dir: Option<String>,
}

/// Objects (JSON values, `List`s expanded here) → short forms, with the default [`Options`]. Deployments
/// and Jobs are imported; any other kind is an error naming it, as is a missing name. Every error is
/// reported, and nothing is returned unless every object imported.
pub fn import(objects: &[Value]) -> Result<Vec<Imported>, Vec<ImportError>> {
    import_with(objects, &Options::default())
}

/// [`import`] with explicit options.
pub fn import_with(
    objects: &[Value],
    options: &Options,
) -> Result<Vec<Imported>, Vec<ImportError>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let mut seen = BTreeSet::new();
    for (i, object) in expand_lists(objects).into_iter().enumerate() {
        let label = describe(&object, i + 1);
        match import_one(&object, options) {
            Ok(imported) => {
                let key = (
                    imported.kind.clone(),
                    imported.namespace.clone(),
                    imported.name.clone(),
                );
                if seen.insert(key) {
                    out.push(imported);
                } else {
                    errors.push(ImportError {
                        object: label,
                        message: "imported twice: an earlier object has the same kind, namespace and name".into(),
                    });
                }
            }
            Err(messages) => errors.extend(messages.into_iter().map(|message| ImportError {
                object: label.clone(),
                message,
            })),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Server-set annotations and labels, and those of the tool that applied the object.
const DROPPED_KEYS: [&str; 10] = [
    "deployment.kubernetes.io/revision",
    "deployment.kubernetes.io/desired-replicas",
    "deployment.kubernetes.io/max-replicas",
    "kubectl.kubernetes.io/last-applied-configuration",
    "batch.kubernetes.io/job-tracking",
    "batch.kubernetes.io/cronjob-scheduled-timestamp",
    "meta.helm.sh/release-name",
    "meta.helm.sh/release-namespace",
    "argocd.argoproj.io/tracking-id",
    "kustomize.toolkit.fluxcd.io/name",
];

/// The label Argo CD tracks the objects of an Application by (its default tracking method) and sets when
/// it syncs. Dropped from the workload's own labels only: Helm charts put the same key on pods and in
/// selectors, where a Deployment's selector depends on it.
const ARGO_CD_INSTANCE_LABEL: &str = "app.kubernetes.io/instance";

/// Labels the Job controller puts on a Job and its pods.
const JOB_LABELS: [&str; 4] = [
    "controller-uid",
    "batch.kubernetes.io/controller-uid",
    "job-name",
    "batch.kubernetes.io/job-name",
];

/// `List`s (and typed lists such as `DeploymentList`, whose items carry no `kind`) replaced by their items,
/// in order; `null` documents skipped. Iterative, so nesting depth does not matter.
fn expand_lists(objects: &[Value]) -> Vec<Value> {
    let mut out = Vec::new();
    let mut stack: Vec<Value> = objects.iter().rev().cloned().collect();
    while let Some(object) = stack.pop() {
        if object.is_null() {
            continue;
        }
        let kind = object.get("kind").and_then(Value::as_str).unwrap_or("");
        let items = object.get("items").and_then(Value::as_array);
        match (kind.strip_suffix("List"), items) {
            (Some(item_kind), Some(items)) => {
                let api_version = object.get("apiVersion").cloned();
                for item in items.iter().rev() {
                    let mut item = item.clone();
                    if let Value::Object(map) = &mut item
                        && !item_kind.is_empty()
                        && !map.contains_key("kind")
                    {
                        let mut typed = Map::new();
                        if let Some(v) = &api_version {
                            typed.insert("apiVersion".into(), v.clone());
                        }
                        typed.insert("kind".into(), json!(item_kind));
                        typed.extend(std::mem::take(map));
                        *map = typed;
                    }
                    stack.push(item);
                }
            }
            _ => out.push(object),
        }
    }
    out
}

/// `Kind namespace/name`, `Kind name`, or `Kind #n` for the n-th object when it has no name.
fn describe(object: &Value, n: usize) -> String {
    let kind = object
        .get("kind")
        .and_then(Value::as_str)
        .filter(|k| !k.is_empty())
        .unwrap_or("object");
    let meta = object.get("metadata");
    let name = meta
        .and_then(|m| m.get("name"))
        .and_then(Value::as_str)
        .filter(|n| !n.is_empty());
    let namespace = meta
        .and_then(|m| m.get("namespace"))
        .and_then(Value::as_str)
        .filter(|n| !n.is_empty());
    match (namespace, name) {
        (_, None) => format!("{kind} #{n}"),
        (Some(ns), Some(name)) => format!("{kind} {ns}/{name}"),
        (None, Some(name)) => format!("{kind} {name}"),
    }
}

/// Which workload an object is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Deployment,
    Job,
}

fn import_one(object: &Value, options: &Options) -> Result<Imported, Vec<String>> {
    let Value::Object(_) = object else {
        return Err(vec![format!(
            "expected a Kubernetes object, found {}",
            type_name(object)
        )]);
    };
    let kind_text = object.get("kind").and_then(Value::as_str).unwrap_or("");
    let api_version = object
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or("");
    let kind = match (api_version, kind_text) {
        ("apps/v1", "Deployment") => Kind::Deployment,
        ("batch/v1", "Job") => Kind::Job,
        (_, "") => {
            return Err(vec![
                "no `kind`: only a Deployment or a Job can be imported".into(),
            ]);
        }
        (v, k @ ("Deployment" | "Job")) => {
            let want = if k == "Job" { "batch/v1" } else { "apps/v1" };
            let found = if v.is_empty() {
                "no `apiVersion`".to_owned()
            } else {
                format!("`apiVersion: {v}` is not supported")
            };
            return Err(vec![format!("{found}: a {k} must be `{want}`")]);
        }
        (_, k) => {
            return Err(vec![format!(
                "only a Deployment or a Job can be imported, not a `{k}`; keep it in the repository as a plain manifest"
            )]);
        }
    };
    let live = clean(object);
    let mut errors = Vec::new();
    let name = match live.pointer("/metadata/name") {
        Some(Value::String(n)) if !n.is_empty() => n.clone(),
        None | Some(Value::Null) => {
            return Err(vec!["no `metadata.name`: a workload needs a name".into()]);
        }
        Some(Value::String(_)) => {
            return Err(vec![
                "`metadata.name` is empty: a workload needs a name".into(),
            ]);
        }
        Some(other) => {
            return Err(vec![format!(
                "`metadata.name` must be a string, found {}",
                type_name(other)
            )]);
        }
    };
    if !is_dns_label(&name) {
        errors.push(format!(
            "name `{name}` is not a DNS-1123 label (at most 63 lower case letters, digits and `-`), which a short-form workload needs; rename it"
        ));
    }
    let namespace = match live.pointer("/metadata/namespace") {
        None | Some(Value::Null) => None,
        Some(Value::String(ns)) if is_dns_label(ns) => Some(ns.clone()),
        Some(other) => {
            errors.push(format!(
                "`metadata.namespace` {} is not a valid namespace",
                compact(other)
            ));
            None
        }
    };
    let owner = object
        .pointer("/metadata/ownerReferences")
        .and_then(Value::as_array)
        .and_then(|owners| {
            owners
                .iter()
                .find(|o| o.get("controller") == Some(&Value::Bool(true)))
        });
    let mut warnings = Vec::new();
    if let Some(owner) = owner {
        let text = |key: &str| owner.get(key).and_then(Value::as_str).unwrap_or("?");
        warnings.push(format!(
            "`metadata.ownerReferences`: the live object is controlled by {} `{}`, which creates and updates it; the imported workload is an independent copy",
            text("kind"),
            text("name")
        ));
    }
    let selector = match kind {
        Kind::Job => Selector::Default,
        Kind::Deployment => {
            let live_selector = live.pointer("/spec/selector");
            if selector_is_short_forms(live_selector, &name) {
                Selector::Default
            } else {
                live_selector
                    .and_then(kept_selector)
                    .map_or(Selector::Lost, Selector::Kept)
            }
        }
    };
    let mut convert = Converter {
        kind,
        name: name.clone(),
        selector,
        warnings,
        errors,
    };
    let short = convert.short_form(&live, namespace.as_deref());
    if !convert.errors.is_empty() {
        return Err(convert.errors);
    }
    let (short_kind, schema) = match kind {
        Kind::Deployment => (shortform::DEPLOYMENT_KIND, SchemaKind::MulticloudDeployment),
        Kind::Job => (shortform::JOB_KIND, SchemaKind::MulticloudJob),
    };
    let namespace = namespace.unwrap_or_else(|| "default".to_owned());
    let mut yaml = String::new();
    if let Some(dir) = &options.schema_dir {
        yaml.push_str(&format!(
            "# yaml-language-server: $schema={}/{}\n",
            dir.trim_end_matches('/'),
            schema_file(schema)
        ));
    }
    yaml.push_str(&format!(
        "# imported by `fanout import` from {api_version} {kind_text} {namespace}/{name}\n"
    ));
    yaml.push_str(
        "# no placement: every cluster runs the whole workload; add `spec.placement` and `spec.scheduling` to choose\n",
    );
    for w in &convert.warnings {
        yaml.push_str("# warning: ");
        yaml.push_str(&w.replace(['\n', '\r'], " "));
        yaml.push('\n');
    }
    yaml.push_str(&to_yaml(&Value::Object(short)));
    Ok(Imported {
        kind: short_kind.to_owned(),
        namespace,
        name,
        yaml,
        warnings: convert.warnings,
    })
}

/// A DNS-1123 label: what the short form requires of names and namespaces.
fn is_dns_label(s: &str) -> bool {
    let b = s.as_bytes();
    let ok = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    !b.is_empty()
        && b.len() <= 63
        && b.first().is_some_and(ok)
        && b.last().is_some_and(ok)
        && b.iter().all(|c| ok(c) || *c == b'-')
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

/// A value in backticks: a one-line string as it is, anything else as compact JSON; shortened past 100
/// characters.
fn compact(v: &Value) -> String {
    let text = match v {
        Value::String(s) if !s.contains(['\n', '\r', '`']) => s.clone(),
        _ => serde_json::to_string(v).unwrap_or_default(),
    };
    if text.chars().count() > 100 {
        let short: String = text.chars().take(97).collect();
        format!("`{short}...`")
    } else {
        format!("`{text}`")
    }
}

// ---------------------------------------------------------------------------------------------------------
// Cleaning: the live object without server-set fields and without fields equal to their defaults.
// ---------------------------------------------------------------------------------------------------------

/// The live object as a user would have written it: `status`, server-set metadata, controller labels and
/// annotations, the generated Job selector and every field equal to the default the API server fills in
/// are removed. What remains is what the short form must carry.
fn clean(object: &Value) -> Value {
    let Value::Object(map) = object else {
        return object.clone();
    };
    let is_job = map.get("kind").and_then(Value::as_str) == Some("Job");
    let mut out = Map::new();
    for (key, value) in map {
        match (key.as_str(), value) {
            ("status", _) => {}
            ("metadata", Value::Object(meta)) => {
                out.insert(
                    key.clone(),
                    Value::Object(clean_metadata(meta, is_job, true)),
                );
            }
            ("spec", Value::Object(spec)) => {
                let spec = if is_job {
                    clean_job_spec(spec)
                } else {
                    clean_deployment_spec(spec)
                };
                out.insert(key.clone(), Value::Object(spec));
            }
            _ => {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    Value::Object(out)
}

/// Whether a label or annotation key is set by the server, Karmada or the applying tool.
fn dropped_key(key: &str, is_job: bool) -> bool {
    let domain = key.split_once('/').map_or("", |(d, _)| d);
    DROPPED_KEYS.contains(&key)
        || key == "kustomize.toolkit.fluxcd.io/namespace"
        || domain == "karmada.io"
        || domain.ends_with(".karmada.io")
        || (is_job && JOB_LABELS.contains(&key))
}

fn clean_metadata(meta: &Map<String, Value>, is_job: bool, top: bool) -> Map<String, Value> {
    let mut out = Map::new();
    for (key, value) in meta {
        let server_set =
            crate::render::SERVER_METADATA.contains(&key.as_str()) || key == "generateName";
        if server_set && (top || key == "creationTimestamp") {
            continue;
        }
        match (key.as_str(), value) {
            ("labels" | "annotations", Value::Object(m)) => {
                let tracking = |k: &str| top && key == "labels" && k == ARGO_CD_INSTANCE_LABEL;
                let kept: Map<String, Value> = m
                    .iter()
                    .filter(|(k, _)| !dropped_key(k, is_job) && !tracking(k))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                if !kept.is_empty() {
                    out.insert(key.clone(), Value::Object(kept));
                }
            }
            _ => {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    out
}

/// Remove `key` from `map` when its value equals `default`.
fn drop_default(map: &mut Map<String, Value>, key: &str, default: &Value) {
    if map.get(key) == Some(default) {
        map.shift_remove(key);
    }
}

fn clean_deployment_spec(spec: &Map<String, Value>) -> Map<String, Value> {
    let mut out = spec.clone();
    drop_default(&mut out, "progressDeadlineSeconds", &json!(600));
    drop_default(&mut out, "revisionHistoryLimit", &json!(10));
    drop_default(&mut out, "minReadySeconds", &json!(0));
    drop_default(&mut out, "paused", &json!(false));
    let default_strategy = |s: &Value| {
        s == &json!({"type": "RollingUpdate"})
            || s == &json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}})
    };
    if out.get("strategy").is_some_and(default_strategy) {
        out.shift_remove("strategy");
    }
    clean_template(&mut out, false);
    out
}

fn clean_job_spec(spec: &Map<String, Value>) -> Map<String, Value> {
    let mut out = spec.clone();
    drop_default(&mut out, "backoffLimit", &json!(6));
    drop_default(&mut out, "completionMode", &json!("NonIndexed"));
    drop_default(&mut out, "suspend", &json!(false));
    drop_default(&mut out, "manualSelector", &json!(false));
    if !out.contains_key("podFailurePolicy") {
        drop_default(
            &mut out,
            "podReplacementPolicy",
            &json!("TerminatingOrFailed"),
        );
    }
    if out.get("manualSelector") != Some(&json!(true)) {
        out.shift_remove("selector");
    }
    clean_template(&mut out, true);
    out
}

fn clean_template(spec: &mut Map<String, Value>, is_job: bool) {
    let Some(Value::Object(template)) = spec.get_mut("template") else {
        return;
    };
    if let Some(Value::Object(meta)) = template.get_mut("metadata") {
        *meta = clean_metadata(meta, is_job, false);
        if meta.is_empty() {
            template.shift_remove("metadata");
        }
    }
    if let Some(Value::Object(pod)) = template.get_mut("spec") {
        clean_pod_spec(pod, is_job);
    }
}

fn clean_pod_spec(pod: &mut Map<String, Value>, is_job: bool) {
    drop_default(pod, "dnsPolicy", &json!("ClusterFirst"));
    drop_default(pod, "schedulerName", &json!("default-scheduler"));
    drop_default(pod, "securityContext", &json!({}));
    drop_default(pod, "terminationGracePeriodSeconds", &json!(30));
    drop_default(pod, "enableServiceLinks", &json!(true));
    if !is_job {
        drop_default(pod, "restartPolicy", &json!("Always"));
    }
    if let Some(account) = pod.get("serviceAccountName").cloned() {
        drop_default(pod, "serviceAccount", &account);
    }
    for key in ["containers", "initContainers"] {
        if let Some(Value::Array(containers)) = pod.get_mut(key) {
            for c in containers.iter_mut() {
                if let Value::Object(c) = c {
                    clean_container(c);
                    name_first(c, &["name", "image"]);
                }
            }
        }
    }
    if let Some(Value::Array(volumes)) = pod.get_mut("volumes") {
        for v in volumes.iter_mut() {
            if let Value::Object(v) = v {
                clean_volume(v);
                name_first(v, &["name"]);
            }
        }
    }
}

/// Put `keys` first (kubectl prints keys sorted, which buries a container's name).
fn name_first(map: &mut Map<String, Value>, keys: &[&str]) {
    let mut ordered = Map::new();
    for k in keys {
        if let Some(v) = map.shift_remove(*k) {
            ordered.insert((*k).to_owned(), v);
        }
    }
    ordered.extend(std::mem::take(map));
    *map = ordered;
}

/// The pull policy Kubernetes gives a container without one: `Always` for `:latest` or no tag (and no
/// digest), `IfNotPresent` otherwise.
fn default_pull_policy(image: &str) -> &'static str {
    if image.contains('@') {
        return "IfNotPresent";
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.rsplit_once(':') {
        Some((_, tag)) if tag != "latest" => "IfNotPresent",
        _ => "Always",
    }
}

fn clean_container(c: &mut Map<String, Value>) {
    drop_default(c, "terminationMessagePath", &json!("/dev/termination-log"));
    drop_default(c, "terminationMessagePolicy", &json!("File"));
    drop_default(c, "resources", &json!({}));
    if let Some(image) = c.get("image").and_then(Value::as_str) {
        let policy = json!(default_pull_policy(image));
        drop_default(c, "imagePullPolicy", &policy);
    }
    if let Some(Value::Array(ports)) = c.get_mut("ports") {
        for p in ports.iter_mut().filter_map(Value::as_object_mut) {
            drop_default(p, "protocol", &json!("TCP"));
        }
    }
    for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
        if let Some(Value::Object(p)) = c.get_mut(probe) {
            drop_default(p, "failureThreshold", &json!(3));
            drop_default(p, "periodSeconds", &json!(10));
            drop_default(p, "successThreshold", &json!(1));
            drop_default(p, "timeoutSeconds", &json!(1));
            clean_handler(p);
        }
    }
    if let Some(Value::Object(lifecycle)) = c.get_mut("lifecycle") {
        for hook in ["postStart", "preStop"] {
            if let Some(Value::Object(h)) = lifecycle.get_mut(hook) {
                clean_handler(h);
            }
        }
    }
    if let Some(Value::Array(env)) = c.get_mut("env") {
        for e in env.iter_mut() {
            if let Some(Value::Object(from)) = e.get_mut("valueFrom") {
                clean_value_from(from);
            }
        }
    }
}

fn clean_handler(handler: &mut Map<String, Value>) {
    if let Some(Value::Object(get)) = handler.get_mut("httpGet") {
        drop_default(get, "scheme", &json!("HTTP"));
    }
}

/// `fieldRef.apiVersion: v1` and `resourceFieldRef.divisor: "0"` are defaults.
fn clean_value_from(from: &mut Map<String, Value>) {
    if let Some(Value::Object(f)) = from.get_mut("fieldRef") {
        drop_default(f, "apiVersion", &json!("v1"));
    }
    if let Some(Value::Object(r)) = from.get_mut("resourceFieldRef") {
        drop_default(r, "divisor", &json!("0"));
    }
}

fn clean_volume(v: &mut Map<String, Value>) {
    for source in ["configMap", "secret", "projected", "downwardAPI"] {
        if let Some(Value::Object(s)) = v.get_mut(source) {
            drop_default(s, "defaultMode", &json!(420));
            if source == "downwardAPI" {
                clean_downward_items(s);
            }
        }
    }
    if let Some(Value::Object(p)) = v.get_mut("projected")
        && let Some(Value::Array(sources)) = p.get_mut("sources")
    {
        for s in sources.iter_mut().filter_map(Value::as_object_mut) {
            if let Some(Value::Object(d)) = s.get_mut("downwardAPI") {
                clean_downward_items(d);
            }
            if let Some(Value::Object(t)) = s.get_mut("serviceAccountToken") {
                drop_default(t, "expirationSeconds", &json!(3600));
            }
        }
    }
    if let Some(Value::Object(h)) = v.get_mut("hostPath") {
        drop_default(h, "type", &json!(""));
    }
}

fn clean_downward_items(d: &mut Map<String, Value>) {
    if let Some(Value::Array(items)) = d.get_mut("items") {
        for item in items.iter_mut().filter_map(Value::as_object_mut) {
            clean_value_from(item);
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// Conversion: the cleaned object → the short form, with a warning for everything it cannot carry.
// ---------------------------------------------------------------------------------------------------------

struct Converter {
    kind: Kind,
    name: String,
    /// What becomes of a Deployment's selector (a Job's is Kubernetes').
    selector: Selector,
    warnings: Vec<String>,
    errors: Vec<String>,
}

/// A live Deployment's selector in the short form.
#[derive(Clone, Debug, PartialEq)]
enum Selector {
    /// The short form's own, `app.kubernetes.io/name: <name>` (also a Job's: not written).
    Default,
    /// Written as `spec.selector`, normalized; the pods keep exactly their labels.
    Kept(Value),
    /// Missing, or not a selector the short form can hold: the short form's own, with a warning.
    Lost,
}

/// Why a field the short form cannot express matters, by field.
fn consequence(field: &str) -> &'static str {
    match field {
        "strategy" => "the Deployment gets the default rolling update (25% surge, 25% unavailable)",
        "minReadySeconds" => "pods count as available as soon as they are ready",
        "revisionHistoryLimit" => "Kubernetes keeps its default of 10 old ReplicaSets",
        "progressDeadlineSeconds" => "the rollout deadline is the default 600 seconds",
        "ttlSecondsAfterFinished" => "the finished Job is no longer deleted automatically",
        "completionMode" => "pods no longer get completion indexes",
        "podFailurePolicy" => "every pod failure counts against `backoffLimit`",
        "podReplacementPolicy" => "failed pods are replaced as soon as they terminate",
        "backoffLimitPerIndex" | "maxFailedIndexes" => "retries are counted for the whole Job",
        "successPolicy" => "the Job succeeds when `completions` pods have succeeded",
        "managedBy" => "the built-in Job controller runs the Job",
        "finalizers" => "nothing holds the object's deletion",
        _ => "keep the object as a plain manifest in the repository if it matters",
    }
}

impl Converter {
    fn warn(&mut self, message: String) {
        self.warnings.push(message);
    }

    fn left_out(&mut self, path: &str, value: &Value) {
        let field = path.rsplit('.').next().unwrap_or(path);
        self.warn(format!(
            "`{path}` ({}) cannot be expressed in the short form and was left out: {}",
            compact(value),
            consequence(field)
        ));
    }

    /// A map of strings at `path`, or an error.
    fn strings(&mut self, value: Option<&Value>, path: &str) -> Map<String, Value> {
        match value {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(m)) => {
                let mut out = Map::new();
                for (k, v) in m {
                    if v.is_string() {
                        out.insert(k.clone(), v.clone());
                    } else {
                        self.errors.push(format!(
                            "`{path}.{k}` must be a string, found {}",
                            type_name(v)
                        ));
                    }
                }
                out
            }
            Some(other) => {
                self.errors.push(format!(
                    "`{path}` must be a mapping, found {}",
                    type_name(other)
                ));
                Map::new()
            }
        }
    }

    /// An integer at `path`, or an error.
    fn int(&mut self, spec: &Map<String, Value>, key: &str) -> Option<i64> {
        match spec.get(key) {
            None | Some(Value::Null) => None,
            Some(v) => match v.as_i64() {
                Some(n) => Some(n),
                None => {
                    self.errors.push(format!(
                        "`spec.{key}` must be an integer, found {}",
                        type_name(v)
                    ));
                    None
                }
            },
        }
    }

    fn short_form(&mut self, live: &Value, namespace: Option<&str>) -> Map<String, Value> {
        let empty = Map::new();
        let meta = live
            .get("metadata")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let spec = match live.get("spec") {
            Some(Value::Object(s)) => s.clone(),
            None => Map::new(),
            Some(other) => {
                self.errors.push(format!(
                    "`spec` must be a mapping, found {}",
                    type_name(other)
                ));
                Map::new()
            }
        };
        for (key, value) in live.as_object().unwrap_or(&empty) {
            if !matches!(key.as_str(), "apiVersion" | "kind" | "metadata" | "spec") {
                self.left_out(key, value);
            }
        }

        // Metadata: workload labels and annotations; the name label is the short form's own.
        let mut labels = self.strings(meta.get("labels"), "metadata.labels");
        self.name_label(&mut labels, Some("metadata.labels"));
        let mut annotations = self.strings(meta.get("annotations"), "metadata.annotations");
        let description = match annotations.get(DESCRIPTION_ANNOTATION) {
            Some(Value::String(d)) if d.chars().count() <= 512 => {
                let d = d.clone();
                annotations.shift_remove(DESCRIPTION_ANNOTATION);
                Some(d)
            }
            _ => None,
        };
        for (key, value) in meta {
            if !matches!(
                key.as_str(),
                "name" | "namespace" | "labels" | "annotations"
            ) {
                self.left_out(&format!("metadata.{key}"), value);
            }
        }
        let mut metadata = Map::new();
        metadata.insert("name".into(), json!(self.name));
        if let Some(ns) = namespace {
            metadata.insert("namespace".into(), json!(ns));
        }
        if !labels.is_empty() {
            metadata.insert("labels".into(), Value::Object(labels.clone()));
        }
        if !annotations.is_empty() {
            metadata.insert("annotations".into(), Value::Object(annotations));
        }

        let mut short_spec = Map::new();
        if let Some(d) = description {
            short_spec.insert("description".into(), json!(d));
        }
        let template = self.template(&spec, &labels, &mut short_spec);
        match self.kind {
            Kind::Deployment => self.deployment(&spec, &mut short_spec),
            Kind::Job => self.job(&spec, &mut short_spec),
        }
        short_spec.insert("template".into(), Value::Object(template));

        let kind = match self.kind {
            Kind::Deployment => shortform::DEPLOYMENT_KIND,
            Kind::Job => shortform::JOB_KIND,
        };
        let mut out = Map::new();
        out.insert("apiVersion".into(), json!(shortform::API_VERSION));
        out.insert("kind".into(), json!(kind));
        out.insert("metadata".into(), Value::Object(metadata));
        out.insert("spec".into(), Value::Object(short_spec));
        out
    }

    /// Remove `app.kubernetes.io/name` from a label map: the short form sets it to the workload's name.
    /// A different value is reported when `path` is given.
    fn name_label(&mut self, labels: &mut Map<String, Value>, path: Option<&str>) {
        if let Some(value) = labels.shift_remove(NAME_LABEL)
            && value.as_str() != Some(self.name.as_str())
            && let Some(path) = path
        {
            self.warn(format!(
                "`{path}.{NAME_LABEL}` is {} but the short form sets it to the workload's name `{}`",
                compact(&value),
                self.name
            ));
        }
    }

    /// The pod template: labels the workload already has removed, `restartedAt` and the Job restart
    /// policy taken out (the caller puts them in the spec).
    fn template(
        &mut self,
        spec: &Map<String, Value>,
        labels: &Map<String, Value>,
        short_spec: &mut Map<String, Value>,
    ) -> Map<String, Value> {
        let mut template = match spec.get("template") {
            Some(Value::Object(t)) => t.clone(),
            None | Some(Value::Null) => Map::new(),
            Some(other) => {
                self.errors.push(format!(
                    "`spec.template` must be a mapping, found {}",
                    type_name(other)
                ));
                Map::new()
            }
        };
        let has_containers = template
            .get("spec")
            .and_then(|s| s.get("containers"))
            .and_then(Value::as_array)
            .is_some_and(|c| !c.is_empty());
        if !has_containers {
            self.errors
                .push("`spec.template.spec.containers` is missing or empty".into());
        }
        let mut meta = match template.shift_remove("metadata") {
            Some(Value::Object(m)) => m,
            None | Some(Value::Null) => Map::new(),
            Some(other) => {
                self.errors.push(format!(
                    "`spec.template.metadata` must be a mapping, found {}",
                    type_name(&other)
                ));
                Map::new()
            }
        };
        let path = "spec.template.metadata.labels";
        let mut pod_labels = self.strings(meta.get("labels"), path);
        let live_pod_labels = pod_labels.clone();
        // A different name label on the pods is reported with the selector (Deployment) or with the
        // labels the pods gain (Job). With a kept selector the short form adds no name label to the pods:
        // theirs stays.
        if !matches!(self.selector, Selector::Kept(_)) {
            self.name_label(&mut pod_labels, None);
        }
        pod_labels.retain(|k, v| labels.get(k) != Some(v));
        if pod_labels.is_empty() {
            meta.shift_remove("labels");
        } else {
            meta.insert("labels".into(), Value::Object(pod_labels));
        }
        if self.kind == Kind::Deployment
            && let Some(Value::Object(ann)) = meta.get_mut("annotations")
        {
            if let Some(Value::String(at)) = ann.get(RESTARTED_AT_ANNOTATION).cloned() {
                ann.shift_remove(RESTARTED_AT_ANNOTATION);
                short_spec.insert("restartedAt".into(), json!(at));
            }
            if ann.is_empty() {
                meta.shift_remove("annotations");
            }
        }
        self.gained_labels(labels, &live_pod_labels);
        if let Selector::Kept(selector) = &self.selector
            && !selects(selector, &live_pod_labels)
        {
            let text = selector_text(selector);
            self.warn(format!(
                "`spec.selector` `{text}` does not select the pod template's labels, as Kubernetes requires; `fanout validate` points at the rule in the imported file: fix the selector or the template's labels"
            ));
        }
        if self.kind == Kind::Job
            && let Some(Value::Object(pod)) = template.get_mut("spec")
        {
            match pod.get("restartPolicy") {
                Some(Value::String(p)) if p == "Never" || p == "OnFailure" => {
                    short_spec.insert("restartPolicy".into(), json!(p));
                    pod.shift_remove("restartPolicy");
                }
                _ => {}
            }
        }
        let mut out = Map::new();
        if !meta.is_empty() {
            out.insert("metadata".into(), Value::Object(meta));
        }
        out.extend(template);
        out
    }

    /// Warn when the expanded pod template gets labels the live one does not have: a Deployment rolls out
    /// new pods (unless its selector changes, which says more), a Job's template cannot change at all.
    fn gained_labels(&mut self, labels: &Map<String, Value>, live_pod_labels: &Map<String, Value>) {
        let mut expanded = labels.clone();
        for (k, v) in live_pod_labels {
            expanded.insert(k.clone(), v.clone());
        }
        if !matches!(self.selector, Selector::Kept(_)) {
            expanded.insert(NAME_LABEL.into(), json!(self.name));
        }
        let gained: Vec<String> = expanded
            .iter()
            .filter(|(k, v)| live_pod_labels.get(*k) != Some(*v))
            .map(|(k, v)| format!("`{k}={}`", v.as_str().unwrap_or_default()))
            .collect();
        if gained.is_empty() {
            return;
        }
        let list = gained.join(", ");
        match self.kind {
            Kind::Deployment => match self.selector {
                Selector::Default => self.warn(format!(
                    "the pod template gains label(s) {list} (the short form labels its pods with the workload's labels and `{NAME_LABEL}`): applying it rolls out new pods"
                )),
                Selector::Kept(_) => self.warn(format!(
                    "the pod template gains label(s) {list} (the short form labels its pods with the workload's labels): applying it rolls out new pods"
                )),
                Selector::Lost => {}
            },
            Kind::Job => self.warn(format!(
                "the pod template gains label(s) {list} (the short form labels its pods with the workload's labels and `{NAME_LABEL}`); a Job's pod template cannot change, so delete the live Job before the rendered one is applied"
            )),
        }
    }

    fn deployment(&mut self, spec: &Map<String, Value>, short_spec: &mut Map<String, Value>) {
        let replicas = self.int(spec, "replicas").unwrap_or(1);
        if replicas < 0 {
            self.errors
                .push(format!("`spec.replicas` is {replicas}, less than 0"));
        }
        let mut fields = Map::new();
        fields.insert("replicas".into(), json!(replicas));
        match spec.get("paused") {
            None | Some(Value::Null) | Some(Value::Bool(false)) => {}
            Some(Value::Bool(true)) => {
                fields.insert("paused".into(), json!(true));
            }
            Some(other) => self.errors.push(format!(
                "`spec.paused` must be a boolean, found {}",
                type_name(other)
            )),
        }
        // `description` first, then the Deployment's own fields, then `restartedAt` (set by `template`).
        let restarted_at = short_spec.shift_remove("restartedAt");
        short_spec.extend(fields);
        if let Some(at) = restarted_at {
            short_spec.insert("restartedAt".into(), at);
        }
        match &self.selector {
            Selector::Default => {}
            Selector::Kept(selector) => {
                short_spec.insert("selector".into(), selector.clone());
            }
            Selector::Lost => {
                let live = spec
                    .get("selector")
                    .map_or_else(|| "none".to_owned(), selector_text);
                self.warn(format!(
                    "`spec.selector` is `{live}` but the short form selects `{NAME_LABEL}={}`; a Deployment's selector cannot change, so the live Deployment must be deleted (with its pods) before the rendered one is applied",
                    self.name
                ));
            }
        }
        for (key, value) in spec {
            if !matches!(
                key.as_str(),
                "replicas" | "paused" | "selector" | "template"
            ) {
                self.left_out(&format!("spec.{key}"), value);
            }
        }
    }

    fn job(&mut self, spec: &Map<String, Value>, short_spec: &mut Map<String, Value>) {
        let mut parallelism = self.int(spec, "parallelism");
        let mut completions = self.int(spec, "completions");
        let mut suspend = match spec.get("suspend") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(other) => {
                self.errors.push(format!(
                    "`spec.suspend` must be a boolean, found {}",
                    type_name(other)
                ));
                false
            }
        };
        if parallelism.is_some_and(|p| p < 1) {
            self.warn(format!(
                "`spec.parallelism` is {}, which runs no pod; the short form needs at least 1, so the Job is imported suspended (`suspend: true`) with parallelism 1",
                parallelism.unwrap_or_default()
            ));
            parallelism = Some(1);
            suspend = true;
        }
        let p = parallelism.unwrap_or(1);
        if completions.is_none() && p > 1 {
            self.warn(format!(
                "`spec.completions` is not set (a work-queue Job: done when one pod succeeds); the short form always counts completions, so it is imported as {p}, one success per parallel pod"
            ));
        }
        let c = completions.unwrap_or(p);
        if c < 1 {
            self.errors.push(format!(
                "`spec.completions` is {c}; the short form needs at least 1"
            ));
        }
        if p > c && c >= 1 {
            self.warn(format!(
                "`spec.parallelism` ({p}) is more than `completions` ({c}); imported as {c}, as many pods as Kubernetes runs at once"
            ));
            parallelism = Some(c);
        }
        completions = Some(c);
        let restart_policy = short_spec.shift_remove("restartPolicy");
        short_spec.insert("parallelism".into(), json!(parallelism.unwrap_or(1)));
        short_spec.insert("completions".into(), json!(completions.unwrap_or(1)));
        if let Some(t) = self.int(spec, "activeDeadlineSeconds") {
            if t >= 1 {
                short_spec.insert("timeoutSeconds".into(), json!(t));
            } else {
                self.left_out("spec.activeDeadlineSeconds", &json!(t));
            }
        }
        if let Some(policy) = restart_policy {
            short_spec.insert("restartPolicy".into(), policy);
        }
        if let Some(b) = self.int(spec, "backoffLimit") {
            if b >= 0 {
                short_spec.insert("backoffLimit".into(), json!(b));
            } else {
                self.left_out("spec.backoffLimit", &json!(b));
            }
        }
        if suspend {
            short_spec.insert("suspend".into(), json!(true));
        }
        if spec.get("manualSelector") == Some(&json!(true)) {
            let live = spec
                .get("selector")
                .map_or_else(|| "none".to_owned(), selector_text);
            self.warn(format!(
                "`spec.manualSelector` with `spec.selector` `{live}` cannot be expressed in the short form and was left out: Kubernetes generates the selector; a Job's selector cannot change, so delete the live Job before the rendered one is applied"
            ));
        }
        for (key, value) in spec {
            if !matches!(
                key.as_str(),
                "parallelism"
                    | "completions"
                    | "activeDeadlineSeconds"
                    | "backoffLimit"
                    | "suspend"
                    | "template"
                    | "manualSelector"
                    | "selector"
            ) {
                self.left_out(&format!("spec.{key}"), value);
            }
        }
    }
}

/// Whether a live selector is exactly the one the short form generates.
fn selector_is_short_forms(selector: Option<&Value>, name: &str) -> bool {
    let Some(Value::Object(s)) = selector else {
        return false;
    };
    let labels_ok = s.get("matchLabels") == Some(&json!({ NAME_LABEL: name }));
    let no_expressions = match s.get("matchExpressions") {
        None | Some(Value::Null) => true,
        Some(Value::Array(e)) => e.is_empty(),
        Some(_) => false,
    };
    labels_ok
        && no_expressions
        && s.keys()
            .all(|k| k == "matchLabels" || k == "matchExpressions")
}

/// A live selector as the short form's `spec.selector`: `matchLabels` of strings and `matchExpressions`
/// rules (`In`/`NotIn` with values, `Exists`/`DoesNotExist` without), empty parts left out, so that the
/// expanded Deployment has the same selector. `None` for anything else, and for an empty selector.
fn kept_selector(selector: &Value) -> Option<Value> {
    let Value::Object(s) = selector else {
        return None;
    };
    let mut out = Map::new();
    for (key, value) in s {
        match (key.as_str(), value) {
            (_, Value::Null) => {}
            ("matchLabels", Value::Object(labels)) => {
                if !labels.values().all(Value::is_string) {
                    return None;
                }
                if !labels.is_empty() {
                    out.insert(key.clone(), value.clone());
                }
            }
            ("matchExpressions", Value::Array(rules)) => {
                let rules = rules
                    .iter()
                    .map(kept_requirement)
                    .collect::<Option<Vec<Value>>>()?;
                if !rules.is_empty() {
                    out.insert(key.clone(), Value::Array(rules));
                }
            }
            _ => return None,
        }
    }
    (!out.is_empty()).then_some(Value::Object(out))
}

fn kept_requirement(rule: &Value) -> Option<Value> {
    let Value::Object(r) = rule else {
        return None;
    };
    if r.keys()
        .any(|k| !matches!(k.as_str(), "key" | "operator" | "values"))
    {
        return None;
    }
    let key = r.get("key").and_then(Value::as_str)?;
    let operator = r.get("operator").and_then(Value::as_str)?;
    let values = match r.get("values") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(v)) => v.clone(),
        Some(_) => return None,
    };
    if !values.iter().all(Value::is_string) {
        return None;
    }
    let wants_values = match operator {
        "In" | "NotIn" => true,
        "Exists" | "DoesNotExist" => false,
        _ => return None,
    };
    if wants_values == values.is_empty() {
        return None;
    }
    let mut out = Map::new();
    out.insert("key".into(), json!(key));
    out.insert("operator".into(), json!(operator));
    if wants_values {
        out.insert("values".into(), Value::Array(values));
    }
    Some(Value::Object(out))
}

/// Whether a selector [`kept_selector`] returned holds for `labels`.
fn selects(selector: &Value, labels: &Map<String, Value>) -> bool {
    let labels_hold = selector
        .get("matchLabels")
        .and_then(Value::as_object)
        .is_none_or(|m| m.iter().all(|(k, v)| labels.get(k) == Some(v)));
    let rules = selector
        .get("matchExpressions")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    labels_hold
        && rules.iter().all(|r| {
            let key = r.get("key").and_then(Value::as_str).unwrap_or_default();
            let has = labels.get(key);
            let listed = r
                .get("values")
                .and_then(Value::as_array)
                .is_some_and(|values| has.is_some_and(|v| values.contains(v)));
            match r.get("operator").and_then(Value::as_str) {
                Some("In") => listed,
                Some("NotIn") => !listed,
                Some("Exists") => has.is_some(),
                _ => has.is_none(),
            }
        })
}

/// A label selector as kubectl writes one: `app=web,tier in (a,b),!canary,gpu`.
fn selector_text(selector: &Value) -> String {
    let mut parts = Vec::new();
    if let Some(Value::Object(labels)) = selector.get("matchLabels") {
        for (k, v) in labels {
            parts.push(format!("{k}={}", v.as_str().unwrap_or_default()));
        }
    }
    if let Some(Value::Array(expressions)) = selector.get("matchExpressions") {
        for e in expressions {
            let key = e.get("key").and_then(Value::as_str).unwrap_or_default();
            let values: Vec<&str> = e
                .get("values")
                .and_then(Value::as_array)
                .map(|v| v.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            parts.push(match e.get("operator").and_then(Value::as_str) {
                Some("In") => format!("{key} in ({})", values.join(",")),
                Some("NotIn") => format!("{key} notin ({})", values.join(",")),
                Some("Exists") => key.to_owned(),
                Some("DoesNotExist") => format!("!{key}"),
                _ => serde_json::to_string(e).unwrap_or_default(),
            });
        }
    }
    if parts.is_empty() {
        serde_json::to_string(selector).unwrap_or_default()
    } else {
        parts.join(",")
    }
}

#[cfg(test)]
mod tests;

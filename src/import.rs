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

mod clean;
mod convert;
mod selector;

use clean::*;
use convert::*;
use selector::*;

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

#[cfg(test)]
mod tests;

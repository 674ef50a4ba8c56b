//! Dependencies of a workload: the ConfigMaps, Secrets, ServiceAccounts and PersistentVolumeClaims its
//! pod template names, the Secrets of an Ingress's TLS entries, and the derived Service of a
//! ServiceImport, as Karmada's default dependency interpreter finds them
//! (`pkg/resourceinterpreter/default/native/dependencies.go`, `pkg/util/helper/pod.go`,
//! `pkg/util/lifted/visitpod.go`, checked by `pkg/util/interpreter/validation/validation.go`). With
//! `propagateDeps`, those objects follow the workload to every cluster it lands on.
//!
//! Input → output: one object as JSON and its namespace (after defaulting). [`interpret`] returns the
//! named dependencies ([`Dependency`], each with the JSON pointer of the field that names it), the
//! dependencies chosen by label ([`SelectedDependency`]), or the reasons Karmada rejects the result
//! ([`InvalidDependency`]); [`dependencies`] is the named list alone, empty when rejected.
//!
//! What Karmada reads, by exact `apiVersion` and `kind` (anything else has no dependencies):
//! - the pod spec of apps/v1 Deployment, ReplicaSet, DaemonSet and StatefulSet (`/spec/template/spec`),
//!   batch/v1 Job (`/spec/template/spec`) and CronJob (`/spec/jobTemplate/spec/template/spec`), and v1 Pod
//!   (`/spec`). In it:
//!   - ConfigMaps: `envFrom[].configMapRef` and `env[].valueFrom.configMapKeyRef` of init, regular and
//!     ephemeral containers; volumes: `projected.sources[].configMap`, else `configMap`;
//!   - Secrets: `imagePullSecrets`; `envFrom[].secretRef` and `env[].valueFrom.secretKeyRef` of every
//!     container; volumes: the first present of `azureFile`, `cephfs`, `cinder`, `flexVolume`, `projected`,
//!     `rbd`, `secret`, `scaleIO`, `iscsi`, `storageos`, `csi` (only that source is read, as Karmada does);
//!   - the ServiceAccount `serviceAccountName`, unless empty or `default` (the legacy `serviceAccount`
//!     field is not read);
//!   - PersistentVolumeClaims: volumes' `persistentVolumeClaim.claimName`; a StatefulSet drops claims named
//!     like one of its `volumeClaimTemplates` (the StatefulSet creates those itself).
//!
//!   Empty names are skipped; `optional: true` references are still dependencies.
//! - networking.k8s.io/v1 Ingress: the Secret of each `spec.tls[].secretName`. An entry without a
//!   `secretName` makes Karmada reject the whole result (a dependency needs a name), so none of the
//!   Ingress's dependencies propagate.
//! - multicluster.x-k8s.io/v1alpha1 ServiceImport `<name>`: the Service `derived-<name>`, and the
//!   EndpointSlices labelled `kubernetes.io/service-name: derived-<name>`. Those cannot be named, so they
//!   are a [`SelectedDependency`], left out of [`dependencies`]; placement attaches every object the
//!   selector matches ([`SelectedDependency::selects`]). When `derived-<name>` is not a valid label
//!   value (longer than 63 characters) Karmada rejects the result and propagates neither.
//!
//! Invariants: pure, no I/O, never panics, deterministic. Each object appears once (the first reference
//! keeps its pointer); the output is grouped ConfigMaps, Secrets, ServiceAccounts, PersistentVolumeClaims,
//! then the rest, and within a group follows the order in which Karmada visits the fields (init, regular
//! then ephemeral containers, `envFrom` before `env`, then volumes; `imagePullSecrets` first among
//! Secrets). Karmada collects names in Go sets, so its own order within a kind is random. Pointers are
//! RFC 6901; every segment is a fixed field name or an index, so none needs escaping.
//!
//! Deliberately not done: a field of the wrong JSON type is skipped (Karmada fails to decode such an
//! object, but the API server never admits one); references inside other objects (PVC → PV → Secret) are
//! not followed; whether the referenced objects exist is the caller's question. Custom kinds (Karmada's
//! built-in third-party customizations, a repository's `ResourceInterpreterCustomization`) are
//! [`super::interpret`]'s, which falls back to this module; webhook interpreters are not run.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

/// One referenced object. `pointer` is the RFC 6901 JSON pointer, inside the workload object, of the field
/// that names it (e.g. `/spec/template/spec/containers/0/envFrom/1/configMapRef/name`), so the caller can
/// point at it in the YAML when the referenced object is missing from the repository.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Dependency {
    pub api_version: &'static str,
    pub kind: &'static str,
    pub namespace: String,
    pub name: String,
    pub pointer: String,
}

/// Objects depended on through a label selector rather than a name (the EndpointSlices of a
/// ServiceImport's derived Service): every object of this kind in `namespace` whose labels include all of
/// `match_labels`. `pointer` is the field the labels are derived from.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SelectedDependency {
    pub api_version: &'static str,
    pub kind: &'static str,
    pub namespace: String,
    pub match_labels: BTreeMap<String, String>,
    pub pointer: String,
}

impl SelectedDependency {
    /// Whether the object `api_version`/`kind` in `namespace` with `labels` is one of these: the
    /// exact `apiVersion` and kind, the namespace, every label of the selector (Karmada lists the
    /// dependency's kind in the namespace with the selector, `FetchResourceTemplatesByLabelSelector`).
    pub fn selects(
        &self,
        api_version: &str,
        kind: &str,
        namespace: Option<&str>,
        labels: &BTreeMap<String, String>,
    ) -> bool {
        api_version == self.api_version
            && kind == self.kind
            && namespace == Some(self.namespace.as_str())
            && (self.match_labels.iter()).all(|(k, v)| labels.get(k) == Some(v))
    }
}

/// Everything one object depends on.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Dependencies {
    pub named: Vec<Dependency>,
    pub selected: Vec<SelectedDependency>,
}

/// Why Karmada rejects an object's dependencies (none of them propagate): the field at `pointer` (or the
/// entry lacking it) and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct InvalidDependency {
    pub pointer: String,
    pub message: String,
}

/// Dependencies of one object given as JSON (`apiVersion`, `kind`, the whole object), in the namespace
/// `namespace` (the object's namespace after defaulting). Duplicates collapsed (the first pointer kept),
/// output grouped ConfigMaps, Secrets, ServiceAccounts, PVCs then the rest, and within a group in the order
/// first referenced. Kinds without a pod template give none, except Ingress (`spec.tls[].secretName`) and
/// ServiceImport (the `derived-<name>` Service). EndpointSlices selected by label are not named and are
/// left out (see [`interpret`]); when Karmada rejects the object's dependencies the result is empty,
/// because Karmada then propagates none.
pub fn dependencies(object: &Value, namespace: &str) -> Vec<Dependency> {
    interpret(object, namespace)
        .map(|found| found.named)
        .unwrap_or_default()
}

/// Everything [`dependencies`] finds, plus the dependencies selected by label, or the reasons Karmada's
/// validation rejects the result (all of them, in field order).
pub fn interpret(object: &Value, namespace: &str) -> Result<Dependencies, Vec<InvalidDependency>> {
    let api_version = object.get("apiVersion").and_then(Value::as_str);
    let kind = object.get("kind").and_then(Value::as_str);
    match interpreter_for(api_version.unwrap_or(""), kind.unwrap_or("")) {
        Some(interpreter) => run(interpreter, object, namespace),
        None => Ok(Dependencies::default()),
    }
}

/// Whether Karmada's default interpreter computes dependencies for this `apiVersion` and `kind`.
pub fn interprets(api_version: &str, kind: &str) -> bool {
    interpreter_for(api_version, kind).is_some()
}

const V1: &str = "v1";
pub(crate) const CONFIG_MAP: &str = "ConfigMap";
pub(crate) const SECRET: &str = "Secret";
pub(crate) const SERVICE_ACCOUNT: &str = "ServiceAccount";
pub(crate) const PERSISTENT_VOLUME_CLAIM: &str = "PersistentVolumeClaim";
const SERVICE: &str = "Service";

/// Where the pod spec sits in each kind that has one.
const TEMPLATE_POD_SPEC: &str = "/spec/template/spec";
const CRON_JOB_POD_SPEC: &str = "/spec/jobTemplate/spec/template/spec";
const POD_SPEC: &str = "/spec";

/// The label EndpointSlices carry naming their Service (`discoveryv1.LabelServiceName`).
const SERVICE_NAME_LABEL: &str = "kubernetes.io/service-name";
/// Prefix of the Service derived from a ServiceImport (`names.GenerateDerivedServiceName`).
const DERIVED_SERVICE_PREFIX: &str = "derived-";

/// One handler of Karmada's table `getAllDefaultDependenciesInterpreter`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Interpreter {
    /// A workload whose pod spec is at this pointer.
    PodTemplate(&'static str),
    /// A StatefulSet: its pod template, minus the claims of its `volumeClaimTemplates`.
    StatefulSet,
    Ingress,
    ServiceImport,
}

fn interpreter_for(api_version: &str, kind: &str) -> Option<Interpreter> {
    Some(match (api_version, kind) {
        ("apps/v1", "Deployment" | "ReplicaSet" | "DaemonSet") | ("batch/v1", "Job") => {
            Interpreter::PodTemplate(TEMPLATE_POD_SPEC)
        }
        ("batch/v1", "CronJob") => Interpreter::PodTemplate(CRON_JOB_POD_SPEC),
        ("v1", "Pod") => Interpreter::PodTemplate(POD_SPEC),
        ("apps/v1", "StatefulSet") => Interpreter::StatefulSet,
        ("networking.k8s.io/v1", "Ingress") => Interpreter::Ingress,
        ("multicluster.x-k8s.io/v1alpha1", "ServiceImport") => Interpreter::ServiceImport,
        _ => return None,
    })
}

fn run(
    interpreter: Interpreter,
    object: &Value,
    namespace: &str,
) -> Result<Dependencies, Vec<InvalidDependency>> {
    let mut found = Collector::new(namespace);
    let mut selected = Vec::new();
    let mut invalid = Vec::new();
    match interpreter {
        Interpreter::PodTemplate(at) => visit_pod_spec(object, at, &mut found),
        Interpreter::StatefulSet => {
            visit_pod_spec(object, TEMPLATE_POD_SPEC, &mut found);
            let claims: BTreeSet<&str> = items(object.pointer("/spec/volumeClaimTemplates"))
                .filter_map(|(_, template)| template.pointer("/metadata/name")?.as_str())
                .collect();
            found.drop_claims(&claims);
        }
        Interpreter::Ingress => visit_ingress(object, &mut found, &mut invalid),
        Interpreter::ServiceImport => {
            visit_service_import(object, namespace, &mut found, &mut selected, &mut invalid)
        }
    }
    if invalid.is_empty() {
        Ok(Dependencies {
            named: found.finish(),
            selected,
        })
    } else {
        Err(invalid)
    }
}

/// Named dependencies in output order: one list per group, each object once.
pub(crate) struct Collector<'n> {
    namespace: &'n str,
    /// ConfigMaps, Secrets, ServiceAccounts, PersistentVolumeClaims, the rest.
    groups: [Vec<Dependency>; 5],
    seen: BTreeSet<(&'static str, &'static str, String)>,
}

impl<'n> Collector<'n> {
    pub(crate) fn new(namespace: &'n str) -> Self {
        Collector {
            namespace,
            groups: Default::default(),
            seen: BTreeSet::new(),
        }
    }

    /// Records a core (`v1`) object unless its name is empty or it is already recorded.
    pub(crate) fn add(&mut self, kind: &'static str, name: &str, pointer: String) {
        if name.is_empty() || !self.seen.insert((V1, kind, name.to_owned())) {
            return;
        }
        let group = match kind {
            CONFIG_MAP => 0,
            SECRET => 1,
            SERVICE_ACCOUNT => 2,
            PERSISTENT_VOLUME_CLAIM => 3,
            _ => 4,
        };
        self.groups[group].push(Dependency {
            api_version: V1,
            kind,
            namespace: self.namespace.to_owned(),
            name: name.to_owned(),
            pointer,
        });
    }

    fn drop_claims(&mut self, names: &BTreeSet<&str>) {
        self.groups[3].retain(|claim| !names.contains(claim.name.as_str()));
    }

    pub(crate) fn finish(self) -> Vec<Dependency> {
        self.groups.into_iter().flatten().collect()
    }
}

/// The elements of a JSON array with their indices; nothing when the value is absent or not an array.
pub(crate) fn items(value: Option<&Value>) -> impl Iterator<Item = (usize, &Value)> {
    value
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
}

/// `value[key]` when it is an object (a present, non-null struct in Karmada's typed view).
fn object_at<'v>(value: &'v Value, key: &str) -> Option<&'v Value> {
    value.get(key).filter(|inner| inner.is_object())
}

/// `value[key]` when it is a string.
fn string_at<'v>(value: &'v Value, key: &str) -> Option<&'v str> {
    value.get(key).and_then(Value::as_str)
}

/// The container lists Karmada visits, in its order.
const CONTAINER_LISTS: [&str; 3] = ["initContainers", "containers", "ephemeralContainers"];

/// Every container of the pod spec at `spec_at`, in visiting order, with its pointer.
fn containers<'v>(object: &'v Value, spec_at: &str) -> Vec<(String, &'v Value)> {
    let spec = object.pointer(spec_at);
    CONTAINER_LISTS
        .iter()
        .flat_map(|list| {
            items(spec.and_then(|spec| spec.get(*list)))
                .map(move |(i, container)| (format!("{spec_at}/{list}/{i}"), container))
        })
        .collect()
}

/// The volumes of the pod spec at `spec_at`, with their pointers.
fn volumes<'v>(object: &'v Value, spec_at: &str) -> Vec<(String, &'v Value)> {
    let spec = object.pointer(spec_at);
    items(spec.and_then(|spec| spec.get("volumes")))
        .map(|(i, volume)| (format!("{spec_at}/volumes/{i}"), volume))
        .collect()
}

/// Karmada's `GetDependenciesFromPodTemplate` (also Lua's `kube.getPodDependencies`) on the pod spec at
/// `spec_at`.
pub(crate) fn visit_pod_spec(object: &Value, spec_at: &str, found: &mut Collector) {
    let containers = containers(object, spec_at);
    let volumes = volumes(object, spec_at);
    visit_config_maps(&containers, &volumes, found);
    visit_secrets(object, spec_at, &containers, &volumes, found);
    visit_service_account(object, spec_at, found);
    visit_claims(&volumes, found);
}

/// The `envFrom[].<from_ref>.name` and `env[].valueFrom.<key_ref>.name` of every container.
fn visit_container_refs(
    containers: &[(String, &Value)],
    kind: &'static str,
    from_ref: &str,
    key_ref: &str,
    found: &mut Collector,
) {
    for (at, container) in containers {
        for (j, source) in items(container.get("envFrom")) {
            if let Some(name) = object_at(source, from_ref).and_then(|r| string_at(r, "name")) {
                found.add(kind, name, format!("{at}/envFrom/{j}/{from_ref}/name"));
            }
        }
        for (j, var) in items(container.get("env")) {
            let selector = object_at(var, "valueFrom").and_then(|from| object_at(from, key_ref));
            if let Some(name) = selector.and_then(|r| string_at(r, "name")) {
                found.add(kind, name, format!("{at}/env/{j}/valueFrom/{key_ref}/name"));
            }
        }
    }
}

/// The `name` of every `projected.sources[].<key>`.
fn visit_projected(
    at: &str,
    projected: &Value,
    kind: &'static str,
    key: &str,
    found: &mut Collector,
) {
    for (j, source) in items(projected.get("sources")) {
        if let Some(name) = object_at(source, key).and_then(|r| string_at(r, "name")) {
            found.add(kind, name, format!("{at}/projected/sources/{j}/{key}/name"));
        }
    }
}

fn visit_config_maps(
    containers: &[(String, &Value)],
    volumes: &[(String, &Value)],
    found: &mut Collector,
) {
    visit_container_refs(
        containers,
        CONFIG_MAP,
        "configMapRef",
        "configMapKeyRef",
        found,
    );
    for (at, volume) in volumes {
        if let Some(projected) = object_at(volume, "projected") {
            visit_projected(at, projected, CONFIG_MAP, "configMap", found);
        } else if let Some(name) = object_at(volume, "configMap").and_then(|c| string_at(c, "name"))
        {
            found.add(CONFIG_MAP, name, format!("{at}/configMap/name"));
        }
    }
}

/// Where a volume source names its Secret.
#[derive(Clone, Copy)]
enum SecretAt {
    /// A string field of the source.
    Field(&'static str),
    /// The `name` of a reference object of the source.
    Reference(&'static str),
    /// The `secret` entries of `projected.sources`.
    Projected,
}

/// The volume sources that can name a Secret, in the order Karmada tries them; only the first one present
/// in a volume is read.
const SECRET_VOLUME_SOURCES: [(&str, SecretAt); 11] = [
    ("azureFile", SecretAt::Field("secretName")),
    ("cephfs", SecretAt::Reference("secretRef")),
    ("cinder", SecretAt::Reference("secretRef")),
    ("flexVolume", SecretAt::Reference("secretRef")),
    ("projected", SecretAt::Projected),
    ("rbd", SecretAt::Reference("secretRef")),
    ("secret", SecretAt::Field("secretName")),
    ("scaleIO", SecretAt::Reference("secretRef")),
    ("iscsi", SecretAt::Reference("secretRef")),
    ("storageos", SecretAt::Reference("secretRef")),
    ("csi", SecretAt::Reference("nodePublishSecretRef")),
];

fn visit_secrets(
    object: &Value,
    spec_at: &str,
    containers: &[(String, &Value)],
    volumes: &[(String, &Value)],
    found: &mut Collector,
) {
    let spec = object.pointer(spec_at);
    for (i, reference) in items(spec.and_then(|spec| spec.get("imagePullSecrets"))) {
        if let Some(name) = string_at(reference, "name") {
            found.add(SECRET, name, format!("{spec_at}/imagePullSecrets/{i}/name"));
        }
    }
    visit_container_refs(containers, SECRET, "secretRef", "secretKeyRef", found);
    for (at, volume) in volumes {
        let first = SECRET_VOLUME_SOURCES
            .iter()
            .find_map(|&(key, secret_at)| Some((key, object_at(volume, key)?, secret_at)));
        match first {
            Some((key, source, SecretAt::Field(field))) => {
                if let Some(name) = string_at(source, field) {
                    found.add(SECRET, name, format!("{at}/{key}/{field}"));
                }
            }
            Some((key, source, SecretAt::Reference(field))) => {
                if let Some(name) = object_at(source, field).and_then(|r| string_at(r, "name")) {
                    found.add(SECRET, name, format!("{at}/{key}/{field}/name"));
                }
            }
            Some((_, projected, SecretAt::Projected)) => {
                visit_projected(at, projected, SECRET, "secret", found);
            }
            None => {}
        }
    }
}

fn visit_service_account(object: &Value, spec_at: &str, found: &mut Collector) {
    let name = object
        .pointer(spec_at)
        .and_then(|spec| string_at(spec, "serviceAccountName"));
    if let Some(name) = name.filter(|name| *name != "default") {
        found.add(
            SERVICE_ACCOUNT,
            name,
            format!("{spec_at}/serviceAccountName"),
        );
    }
}

fn visit_claims(volumes: &[(String, &Value)], found: &mut Collector) {
    for (at, volume) in volumes {
        let claim =
            object_at(volume, "persistentVolumeClaim").and_then(|c| string_at(c, "claimName"));
        if let Some(name) = claim {
            found.add(
                PERSISTENT_VOLUME_CLAIM,
                name,
                format!("{at}/persistentVolumeClaim/claimName"),
            );
        }
    }
}

fn visit_ingress(object: &Value, found: &mut Collector, invalid: &mut Vec<InvalidDependency>) {
    for (i, tls) in items(object.pointer("/spec/tls")) {
        if !tls.is_object() {
            continue;
        }
        match tls.get("secretName") {
            Some(Value::String(name)) if !name.is_empty() => {
                found.add(SECRET, name, format!("/spec/tls/{i}/secretName"));
            }
            Some(Value::String(_) | Value::Null) => {
                invalid.push(unnamed_tls_secret(format!("/spec/tls/{i}/secretName"), i))
            }
            None => invalid.push(unnamed_tls_secret(format!("/spec/tls/{i}"), i)),
            Some(_) => {}
        }
    }
}

fn unnamed_tls_secret(pointer: String, index: usize) -> InvalidDependency {
    InvalidDependency {
        pointer,
        message: format!(
            "`spec.tls[{index}]` has no `secretName`; Karmada rejects a Secret dependency without a name \
             and then propagates none of this Ingress's dependencies"
        ),
    }
}

fn visit_service_import(
    object: &Value,
    namespace: &str,
    found: &mut Collector,
    selected: &mut Vec<SelectedDependency>,
    invalid: &mut Vec<InvalidDependency>,
) {
    const AT: &str = "/metadata/name";
    let name = object.pointer(AT).and_then(Value::as_str).unwrap_or("");
    let derived = format!("{DERIVED_SERVICE_PREFIX}{name}");
    if !is_label_value(&derived) {
        invalid.push(InvalidDependency {
            pointer: AT.to_owned(),
            message: format!(
                "`{derived}` is not a valid label value (at most 63 letters, digits, `-`, `_` or `.`, \
                 starting and ending with a letter or digit), so Karmada rejects the EndpointSlice \
                 selector and propagates none of this ServiceImport's dependencies"
            ),
        });
        return;
    }
    found.add(SERVICE, &derived, AT.to_owned());
    selected.push(SelectedDependency {
        api_version: "discovery.k8s.io/v1",
        kind: "EndpointSlice",
        namespace: namespace.to_owned(),
        match_labels: BTreeMap::from([(SERVICE_NAME_LABEL.to_owned(), derived)]),
        pointer: AT.to_owned(),
    });
}

/// A Kubernetes label value: empty, or at most 63 characters of letters, digits, `-`, `_` and `.`,
/// starting and ending with a letter or digit.
fn is_label_value(value: &str) -> bool {
    let bytes = value.as_bytes();
    let inner = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.');
    match (bytes.first(), bytes.last()) {
        (None, _) | (_, None) => true,
        (Some(first), Some(last)) => {
            bytes.len() <= 63
                && first.is_ascii_alphanumeric()
                && last.is_ascii_alphanumeric()
                && bytes.iter().all(inner)
        }
    }
}

#[cfg(test)]
mod tests;

//! How many more replicas of a workload a cluster can take: Karmada's general estimator, offline.
//!
//! Input → output: a cluster's `status.resourceSummary` and resource models, and the per-pod
//! [`ReplicaRequirements`] of a workload (read from its pod spec by [`replica_requirements`]) → the
//! cluster's available replicas ([`general_estimate`]), and the value the scheduler divides with
//! ([`available_replicas`]). Facts from Karmada `pkg/estimator/client/general.go`, `pkg/util/resource.go`,
//! `pkg/util/helper/binding.go`, `pkg/apis/cluster/mutation/mutation.go`, `pkg/scheduler/core/util.go`.
//!
//! The estimate, per cluster:
//! 1. no resource summary → 0; allowed pods = `pods` allocatable − allocated − allocating, at least 0;
//!    0 → 0 (a summary without `allocatable.pods` therefore gives 0);
//! 2. no replica requirements → allowed pods;
//! 3. `allocatableModelings` non-empty (feature CustomizedClusterResourceModeling, on by default) →
//!    the model path, capped by allowed pods, is final unless it fails (no models, a negative node count),
//!    in which case step 4 runs. The model path places replicas one at a time, first fit, on virtual
//!    nodes: `count` nodes per grade present in both the models and the modelings, each holding that
//!    grade's **min** of every range and 110 pods. A node takes min(capacity / request) over the requested
//!    resources (cpu in millicores), at most 110; a requested resource the models do not name gives 0.
//!    Node claims play no part (virtual nodes have no labels or taints);
//! 4. the summary path: min(allowed pods, ⌊available / request⌋ for each requested resource), where
//!    available = allocatable − allocated − allocating; a requested resource missing from allocatable,
//!    or with nothing left, gives 0.
//!
//! Invariants: pure and deterministic; never negative; never above the allowed pods; arithmetic saturates
//! where Go's int64 would wrap; no panics on any input.
//!
//! Deliberately not done: the accurate scheduler-estimator, in-flight (assumed) workloads (feature
//! SchedulingOvercommitProtection, off by default), multi-template components, and models that fail the
//! API server's validation (negative capacities are read as 0).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::model::quantity::Quantity;

/// Resource name → quantity, as in a Kubernetes `ResourceList`.
pub type ResourceList = BTreeMap<String, Quantity>;

const CPU: &str = "cpu";
const MEMORY: &str = "memory";
const PODS: &str = "pods";
const EPHEMERAL_STORAGE: &str = "ephemeral-storage";
/// Pods a virtual node of the model path holds (the Kubernetes default per node).
const MAX_PODS_PER_NODE: i64 = 110;
/// What an estimator answers when it cannot tell; the scheduler ignores it.
const UNAUTHENTIC_REPLICA: i32 = -1;
const GIB: i64 = 1 << 30;

/// A cluster's `status.resourceSummary`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ResourceSummary {
    pub allocatable: ResourceList,
    pub allocated: ResourceList,
    pub allocating: ResourceList,
    pub allocatable_modelings: Vec<AllocatableModeling>,
}

/// How many of a cluster's nodes fall in a resource-model grade.
#[derive(Clone, Debug, PartialEq)]
pub struct AllocatableModeling {
    pub grade: u32,
    pub count: i64,
}

/// One grade of a cluster's `spec.resourceModels`.
#[derive(Clone, Debug, PartialEq)]
pub struct ResourceModel {
    pub grade: u32,
    pub ranges: Vec<ResourceModelRange>,
}

/// A grade's interval `[min, max)` for one resource.
#[derive(Clone, Debug, PartialEq)]
pub struct ResourceModelRange {
    pub name: String,
    pub min: Quantity,
    pub max: Quantity,
}

/// What one replica needs: its resource requests and whether it constrains nodes (selector,
/// tolerations, required affinity). As [`replica_requirements`] builds them, requests are positive, cpu
/// a whole number of millicores and every other resource a whole number.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ReplicaRequirements {
    pub resource_request: ResourceList,
    pub node_claim: bool,
}

/// Reads a resource list from JSON entries, skipping quantities that do not parse (validation reports them).
pub fn resource_list<'a>(
    entries: impl IntoIterator<Item = (&'a String, &'a Value)>,
) -> ResourceList {
    entries
        .into_iter()
        .filter_map(|(name, v)| Quantity::from_json(v).ok().map(|q| (name.clone(), q)))
        .collect()
}

/// The 9 grades the API server gives a Cluster without `spec.resourceModels`: cpu boundaries
/// 0, 1, 2, 4, … 128 cores and memory boundaries 0, 4, 16, 32, … 1024 GiB; the last grade is open-ended.
pub fn default_resource_models() -> Vec<ResourceModel> {
    const CPU_CORES: [i64; 9] = [0, 1, 2, 4, 8, 16, 32, 64, 128];
    const MEMORY_GIB: [i64; 9] = [0, 4, 16, 32, 64, 128, 256, 512, 1024];
    let bound = |bounds: &[i64; 9], scale: i64, i: usize| match bounds.get(i) {
        Some(&b) => Quantity::from_int(b * scale),
        None => Quantity::from_int(i64::MAX),
    };
    (0..9)
        .map(|i| ResourceModel {
            grade: i as u32,
            ranges: vec![
                ResourceModelRange {
                    name: CPU.to_string(),
                    min: bound(&CPU_CORES, 1, i),
                    max: bound(&CPU_CORES, 1, i + 1),
                },
                ResourceModelRange {
                    name: MEMORY.to_string(),
                    min: bound(&MEMORY_GIB, GIB, i),
                    max: bound(&MEMORY_GIB, GIB, i + 1),
                },
            ],
        })
        .collect()
}

/// What the API server stores for given models: sorted by grade, the first grade's mins set to 0 and the
/// last grade's maxes to 2^63-1. Empty stays empty.
pub fn normalize_resource_models(mut models: Vec<ResourceModel>) -> Vec<ResourceModel> {
    models.sort_by_key(|m| m.grade);
    if let Some(first) = models.first_mut() {
        for range in &mut first.ranges {
            range.min = Quantity::ZERO;
        }
    }
    if let Some(last) = models.last_mut() {
        for range in &mut last.ranges {
            range.max = Quantity::from_int(i64::MAX);
        }
    }
    models
}

/// The models a Cluster has once created: the defaults when `spec.resourceModels` is empty, else the
/// given ones normalized.
pub fn cluster_resource_models(spec_models: Vec<ResourceModel>) -> Vec<ResourceModel> {
    if spec_models.is_empty() {
        default_resource_models()
    } else {
        normalize_resource_models(spec_models)
    }
}

/// Per-pod requirements from a pod spec (the JSON of a `PodSpec`), as Karmada's
/// `GenerateReplicaRequirements`: the sum of the containers' requests (a limit without a request counts as
/// the request), per resource at least the largest single init container's, plus `overhead`. Only the
/// resources Karmada counts are kept: cpu (in millicores, each quantity rounded up), memory,
/// ephemeral-storage, pods and scalar resources ([`is_scalar_resource_name`]), each rounded up to a whole
/// number; amounts that end at 0 or below are dropped. The node claim is a non-empty `nodeSelector`, a
/// non-empty `tolerations` list, or a required node affinity (the API server drops empty ones).
/// `None` when there are neither requests nor a node claim. Invalid quantities are skipped.
pub fn replica_requirements(pod_spec: &Value) -> Option<ReplicaRequirements> {
    let containers = |key: &str| {
        pod_spec
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
    };
    let mut total = Amounts::default();
    for container in containers("containers") {
        for (name, q) in container_requests(container) {
            total.add(&name, q);
        }
    }
    for container in containers("initContainers") {
        for (name, q) in container_requests(container) {
            total.raise_to(&name, q);
        }
    }
    let overhead = pod_spec.get("overhead").and_then(Value::as_object);
    for (name, q) in resource_list(overhead.into_iter().flatten()) {
        total.add(&name, q);
    }
    let resource_request = total.into_list();
    let node_claim = has_node_claim(pod_spec);
    (node_claim || !resource_request.is_empty()).then_some(ReplicaRequirements {
        resource_request,
        node_claim,
    })
}

/// A container's requests, with each limit that has no request standing in for it.
fn container_requests(container: &Value) -> ResourceList {
    let part = |key: &str| {
        container
            .get("resources")
            .and_then(|r| r.get(key))
            .and_then(Value::as_object)
    };
    let requests = part("requests");
    let mut list = resource_list(requests.into_iter().flatten());
    let limits = part("limits").into_iter().flatten();
    let unrequested = limits.filter(|(name, _)| !requests.is_some_and(|r| r.contains_key(*name)));
    list.extend(resource_list(unrequested));
    list
}

fn has_node_claim(pod_spec: &Value) -> bool {
    let non_empty_map = |key: &str| {
        pod_spec
            .get(key)
            .and_then(Value::as_object)
            .is_some_and(|m| !m.is_empty())
    };
    let non_empty_list = |key: &str| {
        pod_spec
            .get(key)
            .and_then(Value::as_array)
            .is_some_and(|l| !l.is_empty())
    };
    let required_affinity = pod_spec
        .pointer("/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution")
        .is_some_and(Value::is_object);
    non_empty_map("nodeSelector") || non_empty_list("tolerations") || required_affinity
}

/// Whether Karmada counts `name` as a scalar resource (Kubernetes `IsScalarResourceName`): an extended
/// resource (`example.com/gpu`), `hugepages-*`, `attachable-volumes-*`, or any `*kubernetes.io/*` name.
pub fn is_scalar_resource_name(name: &str) -> bool {
    let prefixed_native = name.contains("kubernetes.io/");
    let native = !name.contains('/') || prefixed_native;
    let extended =
        !native && !name.starts_with("requests.") && is_qualified_name(&format!("requests.{name}"));
    extended
        || name.starts_with("hugepages-")
        || prefixed_native
        || name.starts_with("attachable-volumes-")
}

/// Kubernetes `IsQualifiedName`: an optional DNS-subdomain prefix and `/`, then a name of at most 63
/// alphanumerics, `-`, `_`, `.`, starting and ending alphanumeric.
fn is_qualified_name(value: &str) -> bool {
    let name = match value.split_once('/') {
        None => value,
        Some((prefix, name)) => {
            if !is_dns_subdomain(prefix) {
                return false;
            }
            name
        }
    };
    let edge_ok = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    !name.is_empty()
        && name.len() <= 63
        && edge_ok(name.chars().next())
        && edge_ok(name.chars().last())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

fn is_dns_subdomain(value: &str) -> bool {
    let label_ok = |label: &str| {
        let edge_ok =
            |c: Option<char>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
        edge_ok(label.chars().next())
            && edge_ok(label.chars().last())
            && label
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    };
    !value.is_empty() && value.len() <= 253 && value.split('.').all(label_ok)
}

/// Resource amounts as Karmada's scheduler counts them (its `util.Resource`): cpu in millicores, the
/// other counted resources in whole units, rounded up; names it does not count are ignored.
#[derive(Default)]
struct Amounts(BTreeMap<String, i64>);

impl Amounts {
    fn amount(name: &str, q: Quantity) -> Option<i64> {
        let counted =
            matches!(name, MEMORY | EPHEMERAL_STORAGE | PODS) || is_scalar_resource_name(name);
        if name == CPU {
            Some(q.milli_value())
        } else {
            counted.then(|| q.value())
        }
    }

    fn of(list: &ResourceList) -> Amounts {
        let mut amounts = Amounts::default();
        for (name, &q) in list {
            amounts.add(name, q);
        }
        amounts
    }

    fn get(&self, name: &str) -> i64 {
        self.0.get(name).copied().unwrap_or(0)
    }

    fn add(&mut self, name: &str, q: Quantity) {
        if let Some(v) = Amounts::amount(name, q) {
            let entry = self.0.entry(name.to_string()).or_insert(0);
            *entry = entry.saturating_add(v);
        }
    }

    fn raise_to(&mut self, name: &str, q: Quantity) {
        if let Some(v) = Amounts::amount(name, q)
            && v > self.get(name)
        {
            self.0.insert(name.to_string(), v);
        }
    }

    /// The positive amounts as quantities.
    fn into_list(self) -> ResourceList {
        let quantity = |name: &str, v: i64| {
            if name == CPU {
                Quantity::from_milli(v)
            } else {
                Quantity::from_int(v)
            }
        };
        self.0
            .into_iter()
            .filter(|&(_, v)| v > 0)
            .map(|(name, v)| {
                let q = quantity(&name, v);
                (name, q)
            })
            .collect()
    }
}

/// Karmada's general estimator for one cluster (`GeneralEstimator.maxAvailableReplicas`, before its
/// conversion to int32). `models` are the cluster's models as stored ([`cluster_resource_models`]).
/// Always in `0..=allowed pods`.
pub fn general_estimate(
    summary: Option<&ResourceSummary>,
    models: &[ResourceModel],
    req: Option<&ReplicaRequirements>,
) -> i64 {
    let Some(summary) = summary else { return 0 };
    let allowed = allowed_pods(summary);
    if allowed == 0 {
        return 0;
    }
    let Some(req) = req else { return allowed };
    if !summary.allocatable_modelings.is_empty()
        && let Ok(replicas) = model_estimate(models, &summary.allocatable_modelings, req)
    {
        return replicas.min(allowed);
    }
    summary_estimate(summary, req).min(allowed)
}

/// The available replicas the scheduler divides with for one cluster (the per-cluster part of
/// `calAvailableReplicas`, general estimator only):
/// - `binding_replicas == 0` (a resource without replicas): no estimate, `i32::MAX`;
/// - otherwise the general estimate, converted to `i32` as Go's `int32()` does (keeping the low 32 bits,
///   so only an estimate above 2^31-1, i.e. more than 2^31 allowed pods, is altered); an answer of -1
///   would mean "unknown" and is ignored;
/// - a result still equal to `i32::MAX` becomes `binding_replicas`.
pub fn available_replicas(
    binding_replicas: i32,
    summary: Option<&ResourceSummary>,
    models: &[ResourceModel],
    req: Option<&ReplicaRequirements>,
) -> i32 {
    if binding_replicas == 0 {
        return i32::MAX;
    }
    let estimate = general_estimate(summary, models, req) as i32;
    if estimate == UNAUTHENTIC_REPLICA || estimate == i32::MAX {
        binding_replicas
    } else {
        estimate
    }
}

/// `pods` allocatable − allocated − allocating, at least 0.
fn allowed_pods(summary: &ResourceSummary) -> i64 {
    let pods = |list: &ResourceList| list.get(PODS).map_or(0, Quantity::value);
    let left = pods(&summary.allocatable)
        .saturating_sub(pods(&summary.allocated))
        .saturating_sub(pods(&summary.allocating));
    left.max(0)
}

/// The summary path: the smallest ⌊available / request⌋ over the requested resources (cpu in millicores),
/// `i64::MAX` when nothing is requested.
fn summary_estimate(summary: &ResourceSummary, req: &ReplicaRequirements) -> i64 {
    let mut replicas = i64::MAX;
    for (name, request) in &req.resource_request {
        if request.value() <= 0 {
            continue;
        }
        let Some(&allocatable) = summary.allocatable.get(name) else {
            return 0;
        };
        let used = |list: &ResourceList| list.get(name).copied().unwrap_or_default();
        let left = allocatable - used(&summary.allocated) - used(&summary.allocating);
        if left.value() <= 0 {
            return 0;
        }
        let (available, requested) = if name == CPU {
            (left.milli_value(), request.milli_value())
        } else {
            (left.value(), request.value())
        };
        replicas = replicas.min(available / requested);
    }
    replicas
}

/// Why the model path cannot answer (the estimate then falls back to the summary path).
#[derive(Debug, PartialEq, Eq)]
enum ModelError {
    NoModels,
    NegativeCount,
}

/// The model path: replicas that fit on the virtual nodes, at most `i32::MAX`.
fn model_estimate(
    models: &[ResourceModel],
    modelings: &[AllocatableModeling],
    req: &ReplicaRequirements,
) -> Result<i64, ModelError> {
    if models.is_empty() {
        return Err(ModelError::NoModels);
    }
    // A later model of the same grade replaces an earlier one, and a later range of the same name too.
    let mut node_by_grade = BTreeMap::new();
    for model in models {
        let mut template: ResourceList = model
            .ranges
            .iter()
            .map(|r| (r.name.clone(), r.min))
            .collect();
        template.insert(PODS.to_string(), Quantity::from_int(MAX_PODS_PER_NODE));
        node_by_grade.insert(model.grade, Amounts::of(&template));
    }
    let mut count_by_grade: BTreeMap<u32, i64> = BTreeMap::new();
    for modeling in modelings {
        if modeling.count < 0 {
            return Err(ModelError::NegativeCount);
        }
        let count = count_by_grade.entry(modeling.grade).or_insert(0);
        *count = count.saturating_add(modeling.count);
    }
    // One replica needs one pod slot, whatever its `pods` request says.
    let mut request = Amounts::of(&req.resource_request);
    request.0.remove(PODS);
    let mut replicas: i64 = 0;
    for (grade, node) in &node_by_grade {
        let count = count_by_grade.get(grade).copied().unwrap_or(0);
        replicas = replicas.saturating_add(count.saturating_mul(replicas_per_node(node, &request)));
    }
    Ok(replicas.min(i64::from(i32::MAX)))
}

/// How many replicas fit on one node: ⌊capacity / request⌋ for each resource requested, at most the
/// node's pods.
fn replicas_per_node(node: &Amounts, request: &Amounts) -> i64 {
    request
        .0
        .iter()
        .filter(|&(_, &r)| r > 0)
        .map(|(name, &r)| node.get(name).max(0) / r)
        .fold(node.get(PODS).max(0), i64::min)
}

#[cfg(test)]
mod tests;

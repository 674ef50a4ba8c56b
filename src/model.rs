//! The typed model every later stage works on: clusters, resources to place, propagation policies and
//! override policies, with Karmada's API-server and webhook defaults applied (see `resolve`).
//!
//! Short-form workloads are not a separate kind here: they have been expanded into the Deployment or Job,
//! PropagationPolicy and OverridePolicy a user would otherwise write, so every later stage treats both
//! spellings alike. Each object keeps its [`Origin`], the YAML node it came from, so any field can be pointed
//! at by JSON pointer long after parsing.

pub mod api;
pub mod checks;
pub mod customization;
pub mod names;
pub mod numbers;
pub mod policy_fields;
pub mod quantity;
pub mod resolve;
pub mod scope;
pub mod shortform;

use crate::front::yaml::Node;
use crate::source::Span;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Where an object came from: its YAML node (the document, a `List` item, or the short form that
/// generated it).
#[derive(Clone, Debug, PartialEq)]
pub struct Origin {
    pub node: Arc<Node>,
}

impl Origin {
    pub fn span(&self) -> Span {
        self.node.span
    }

    /// The span of the value at a JSON pointer (the deepest existing node along it).
    pub fn span_at(&self, pointer: &str) -> Span {
        self.node.span_at(pointer)
    }

    /// The span of the key at the end of a JSON pointer.
    pub fn key_span_at(&self, pointer: &str) -> Span {
        self.node.key_span_at(pointer)
    }
}

/// apiVersion, kind, namespace and name: how objects are told apart.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectRef {
    pub api_version: String,
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
}

impl ObjectRef {
    /// The API group (`apps` for `apps/v1`, empty for the core group).
    pub fn group(&self) -> &str {
        self.api_version.rsplit_once('/').map_or("", |(g, _)| g)
    }
}

impl std::fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.namespace {
            Some(ns) => write!(f, "{} {}/{}", self.kind, ns, self.name),
            None => write!(f, "{} {}", self.kind, self.name),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Model {
    /// Sorted by name.
    pub clusters: Vec<Cluster>,
    /// Sorted by (group, kind, namespace, name).
    pub resources: Vec<Resource>,
    pub propagation_policies: Vec<PropagationPolicy>,
    pub override_policies: Vec<OverridePolicy>,
    /// The repository's `ResourceInterpreterCustomization`s, merged per kind.
    pub interpreter: customization::Customizations,
    /// Karmada's `--skipped-propagating-namespaces` (regular expressions), from `fanout.yaml`; `None`:
    /// Karmada's default, `kube-.*`.
    pub skipped_namespaces: Option<Vec<String>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Cluster {
    pub name: String,
    pub origin: Origin,
    pub labels: BTreeMap<String, String>,
    pub provider: Option<String>,
    pub region: Option<String>,
    /// `spec.zones`, or the deprecated `spec.zone` moved in as the API server does.
    pub zones: Vec<String>,
    pub taints: Vec<api::Taint>,
    /// `None` when the inventory lists no `status.apiEnablements`: every API counts as enabled then.
    pub api_enablements: Option<ApiEnablements>,
    pub resource_summary: Option<api::ResourceSummary>,
    /// As written; `place` applies the API server's default models when empty.
    pub resource_models: Vec<api::ResourceModel>,
    /// `metadata.deletionTimestamp` is set: the scheduler skips the cluster.
    pub deleting: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ApiEnablements {
    pub list: Vec<api::ApiEnablement>,
    /// Condition `CompleteAPIEnablements` is `True`.
    pub complete: bool,
}

/// A Kubernetes object to place and render.
#[derive(Clone, Debug, PartialEq)]
pub struct Resource {
    pub id: ObjectRef,
    /// `metadata.uid` when given (Karmada's tie-break seed), else empty.
    pub uid: String,
    pub labels: BTreeMap<String, String>,
    /// The whole object as JSON, as it will be rendered before per-cluster changes.
    pub body: Value,
    pub origin: Origin,
    /// Expanded from a short form.
    pub short_form: bool,
    /// From a `*.yaml.j2` template: the object as rendered for each cluster (`body` is the first of them).
    pub variants: BTreeMap<String, Value>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PropagationPolicy {
    pub name: String,
    /// `None` for a ClusterPropagationPolicy.
    pub namespace: Option<String>,
    pub origin: Origin,
    pub priority: i32,
    /// With the webhook's namespace default applied.
    pub selectors: Vec<api::ResourceSelector>,
    pub placement: Placement,
    pub propagate_deps: bool,
    /// Generated from the short form of this object.
    pub generated_for: Option<ObjectRef>,
    /// Clusters nothing is dispatched to (`suspension`): scheduled, never rendered.
    pub suspended: Suspended,
    /// `dependentOverrides` this policy waits for (names of override policies of its scope).
    pub dependent_overrides: Vec<String>,
    /// Why the policy propagates nothing yet (a dependent override missing from the repository).
    pub waiting: Option<String>,
}

/// Where a policy's `suspension` stops dispatching.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Suspended {
    #[default]
    Nowhere,
    Everywhere,
    On(std::collections::BTreeSet<String>),
}

impl Suspended {
    pub fn covers(&self, cluster: &str) -> bool {
        match self {
            Suspended::Nowhere => false,
            Suspended::Everywhere => true,
            Suspended::On(clusters) => clusters.contains(cluster),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Placement {
    pub affinity: Affinity,
    pub tolerations: Vec<api::Toleration>,
    /// With the webhook defaults applied (empty field and label → `cluster`, minGroups 0 → 1).
    pub spread_constraints: Vec<api::SpreadConstraint>,
    pub scheduling: Scheduling,
    /// Whether spread constraints choose among the candidates. Karmada ignores them for selection
    /// (`shouldIgnoreSpreadConstraint`) under static weighting: Divided and Weighted with no
    /// `weightPreference`, or with a non-empty `staticWeightList` and no `dynamicWeight`. A
    /// `weightPreference: {}` still selects, then divides equally. The spread filter applies either way.
    pub spread_selects: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Affinity {
    /// No affinity: every cluster matches.
    All,
    Single(api::ClusterAffinity),
    /// `clusterAffinities`: ordered failover terms.
    Terms(Vec<api::ClusterAffinityTerm>),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Scheduling {
    Duplicated,
    Aggregated,
    DynamicWeight,
    /// Weighted without dynamic weight; an empty list means every cluster weighs 1.
    StaticWeight(Vec<api::StaticWeight>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct OverridePolicy {
    pub name: String,
    /// `None` for a ClusterOverridePolicy.
    pub namespace: Option<String>,
    pub origin: Origin,
    /// With the webhook's namespace default applied; empty selects every resource.
    pub selectors: Vec<api::ResourceSelector>,
    /// The deprecated `targetCluster` + `overriders` pair comes last as one more rule.
    pub rules: Vec<api::OverrideRule>,
    pub generated_for: Option<ObjectRef>,
}

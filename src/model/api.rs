//! The input objects as written: Karmada's Cluster, PropagationPolicy and OverridePolicy (the subset fanout
//! reads), deserialised from JSON after schema validation. Field names follow the Karmada API
//! (`pkg/apis/cluster/v1alpha1`, `pkg/apis/policy/v1alpha1`). No defaults are applied here: `resolve` does that.
//! Unknown fields are the schema's job; serde ignores nothing it is not told to, so a field missing here
//! but allowed by a schema is a bug caught by the fixture tests.

use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ObjectMeta {
    #[serde(default)]
    pub name: String,
    pub namespace: Option<String>,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
    pub uid: Option<String>,
    pub deletion_timestamp: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct LabelSelector {
    #[serde(default)]
    pub match_labels: BTreeMap<String, String>,
    #[serde(default)]
    pub match_expressions: Vec<Requirement>,
}

/// A label-selector or field-selector requirement.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Requirement {
    pub key: String,
    pub operator: String,
    #[serde(default)]
    pub values: Vec<String>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct FieldSelector {
    #[serde(default)]
    pub match_expressions: Vec<Requirement>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ClusterAffinity {
    #[serde(default)]
    pub cluster_names: Vec<String>,
    #[serde(default)]
    pub exclude: Vec<String>,
    pub label_selector: Option<LabelSelector>,
    pub field_selector: Option<FieldSelector>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ClusterAffinityTerm {
    #[serde(default)]
    pub affinity_name: String,
    #[serde(flatten)]
    pub affinity: ClusterAffinity,
    #[serde(default)]
    pub overflow_affinities: Vec<ClusterAffinity>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Toleration {
    #[serde(default)]
    pub key: String,
    #[serde(default)]
    pub operator: String,
    #[serde(default)]
    pub value: String,
    #[serde(default)]
    pub effect: String,
    pub toleration_seconds: Option<i64>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "camelCase")]
pub struct Taint {
    pub key: String,
    #[serde(default)]
    pub value: String,
    pub effect: String,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct SpreadConstraint {
    #[serde(default)]
    pub spread_by_field: String,
    #[serde(default)]
    pub spread_by_label: String,
    #[serde(default)]
    pub max_groups: i32,
    #[serde(default)]
    pub min_groups: i32,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct StaticWeight {
    pub target_cluster: ClusterAffinity,
    pub weight: i64,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct WeightPreference {
    #[serde(default)]
    pub static_weight_list: Vec<StaticWeight>,
    #[serde(default)]
    pub dynamic_weight: String,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ReplicaScheduling {
    #[serde(default)]
    pub replica_scheduling_type: String,
    #[serde(default)]
    pub replica_division_preference: String,
    pub weight_preference: Option<WeightPreference>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Placement {
    pub cluster_affinity: Option<ClusterAffinity>,
    #[serde(default)]
    pub cluster_affinities: Vec<ClusterAffinityTerm>,
    #[serde(default)]
    pub cluster_tolerations: Vec<Toleration>,
    #[serde(default)]
    pub spread_constraints: Vec<SpreadConstraint>,
    pub replica_scheduling: Option<ReplicaScheduling>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ResourceSelector {
    pub api_version: String,
    pub kind: String,
    #[serde(default)]
    pub namespace: String,
    #[serde(default)]
    pub name: String,
    pub label_selector: Option<LabelSelector>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PropagationSpec {
    #[serde(default)]
    pub resource_selectors: Vec<ResourceSelector>,
    #[serde(default)]
    pub placement: Placement,
    #[serde(default)]
    pub propagate_deps: bool,
    #[serde(default)]
    pub priority: i32,
    /// `Never` (default) or `Always`: run-time behaviour, noted.
    #[serde(default)]
    pub preemption: String,
    /// OverridePolicies (ClusterOverridePolicies for a ClusterPropagationPolicy) that must exist first.
    #[serde(default)]
    pub dependent_overrides: Vec<String>,
    pub suspension: Option<Suspension>,
    /// Fields that only change run-time behaviour: kept to be noted (and checked where the webhook
    /// checks them), never used for placement.
    pub failover: Option<serde_json::Value>,
    #[serde(default)]
    pub association: bool,
    #[serde(default)]
    pub conflict_resolution: String,
    pub preserve_resources_on_deletion: Option<bool>,
    #[serde(default)]
    pub activation_preference: String,
    pub schedule_priority: Option<serde_json::Value>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Suspension {
    pub dispatching: Option<bool>,
    pub dispatching_on_clusters: Option<SuspendClusters>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SuspendClusters {
    #[serde(default)]
    pub cluster_names: Vec<String>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PropagationPolicy {
    pub metadata: ObjectMeta,
    pub spec: PropagationSpec,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PlaintextOverrider {
    pub path: String,
    pub operator: String,
    pub value: Option<Value>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ImagePredicate {
    pub path: String,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ImageOverrider {
    pub predicate: Option<ImagePredicate>,
    pub component: String,
    pub operator: String,
    #[serde(default)]
    pub value: String,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CommandArgsOverrider {
    pub container_name: String,
    pub operator: String,
    #[serde(default)]
    pub value: Vec<String>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct MapOverrider {
    pub operator: String,
    #[serde(default)]
    pub value: BTreeMap<String, String>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct FieldPatch {
    pub sub_path: String,
    pub operator: String,
    pub value: Option<Value>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct FieldOverrider {
    pub field_path: String,
    #[serde(default)]
    pub json: Vec<FieldPatch>,
    #[serde(default)]
    pub yaml: Vec<FieldPatch>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Overriders {
    #[serde(default)]
    pub plaintext: Vec<PlaintextOverrider>,
    #[serde(default)]
    pub image_overrider: Vec<ImageOverrider>,
    #[serde(default)]
    pub command_overrider: Vec<CommandArgsOverrider>,
    #[serde(default)]
    pub args_overrider: Vec<CommandArgsOverrider>,
    #[serde(default)]
    pub labels_overrider: Vec<MapOverrider>,
    #[serde(default)]
    pub annotations_overrider: Vec<MapOverrider>,
    #[serde(default)]
    pub field_overrider: Vec<FieldOverrider>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct OverrideRule {
    pub target_cluster: Option<ClusterAffinity>,
    #[serde(default)]
    pub overriders: Overriders,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct OverrideSpec {
    #[serde(default)]
    pub resource_selectors: Vec<ResourceSelector>,
    #[serde(default)]
    pub override_rules: Vec<OverrideRule>,
    pub target_cluster: Option<ClusterAffinity>,
    pub overriders: Option<Overriders>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct OverridePolicy {
    pub metadata: ObjectMeta,
    pub spec: OverrideSpec,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ResourceModelRange {
    pub name: String,
    pub min: Value,
    pub max: Value,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ResourceModel {
    pub grade: u32,
    #[serde(default)]
    pub ranges: Vec<ResourceModelRange>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ClusterSpec {
    #[serde(default)]
    pub provider: String,
    #[serde(default)]
    pub region: String,
    #[serde(default)]
    pub zone: String,
    #[serde(default)]
    pub zones: Vec<String>,
    #[serde(default)]
    pub taints: Vec<Taint>,
    #[serde(default)]
    pub resource_models: Vec<ResourceModel>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ApiResource {
    pub name: String,
    pub kind: String,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ApiEnablement {
    pub group_version: String,
    #[serde(default)]
    pub resources: Vec<ApiResource>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Condition {
    #[serde(rename = "type")]
    pub type_: String,
    pub status: String,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AllocatableModeling {
    pub grade: u32,
    pub count: i64,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ResourceSummary {
    #[serde(default)]
    pub allocatable: BTreeMap<String, Value>,
    #[serde(default)]
    pub allocating: BTreeMap<String, Value>,
    #[serde(default)]
    pub allocated: BTreeMap<String, Value>,
    #[serde(default)]
    pub allocatable_modelings: Vec<AllocatableModeling>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ClusterStatus {
    pub api_enablements: Option<Vec<ApiEnablement>>,
    #[serde(default)]
    pub conditions: Vec<Condition>,
    pub resource_summary: Option<ResourceSummary>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Cluster {
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: ClusterSpec,
    #[serde(default)]
    pub status: ClusterStatus,
}

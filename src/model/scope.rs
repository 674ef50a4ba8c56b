//! Which kinds live outside namespaces. The API server knows every kind's scope; offline, fanout knows
//! it from three sources, in this order: the repository's own CustomResourceDefinitions (given by the
//! caller), Kubernetes' built-in API groups, and a table of well-known add-ons' kinds (below, as data).
//! A kind none of them knows is [`Scope::Unknown`]: it is rendered as namespaced (in `default` when it
//! names no namespace, as `kubectl apply` would put it) and the caller warns.
//!
//! Pure data and lookups; no I/O.

/// Where objects of a kind live.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Namespaced,
    Cluster,
    /// Neither the repository, nor Kubernetes, nor the table below knows this kind.
    Unknown,
}

/// Kubernetes' built-in API groups (`""` is the core group): every kind in them is known, and
/// namespaced unless [`BUILT_IN_CLUSTER_SCOPED`] lists it.
const BUILT_IN_GROUPS: &[&str] = &[
    "",
    "admissionregistration.k8s.io",
    "apiextensions.k8s.io",
    "apiregistration.k8s.io",
    "apps",
    "authentication.k8s.io",
    "authorization.k8s.io",
    "autoscaling",
    "batch",
    "certificates.k8s.io",
    "coordination.k8s.io",
    "discovery.k8s.io",
    "events.k8s.io",
    "flowcontrol.apiserver.k8s.io",
    "internal.apiserver.k8s.io",
    "networking.k8s.io",
    "node.k8s.io",
    "policy",
    "rbac.authorization.k8s.io",
    "resource.k8s.io",
    "scheduling.k8s.io",
    "storage.k8s.io",
    "storagemigration.k8s.io",
];

/// The cluster-scoped kinds of the built-in groups.
const BUILT_IN_CLUSTER_SCOPED: &[&str] = &[
    "APIService",
    "CertificateSigningRequest",
    "ClusterRole",
    "ClusterRoleBinding",
    "ClusterTrustBundle",
    "ComponentStatus",
    "CSIDriver",
    "CSINode",
    "CustomResourceDefinition",
    "DeviceClass",
    "FlowSchema",
    "IngressClass",
    "IPAddress",
    "MutatingAdmissionPolicy",
    "MutatingAdmissionPolicyBinding",
    "MutatingWebhookConfiguration",
    "Namespace",
    "Node",
    "PersistentVolume",
    "PriorityClass",
    "PriorityLevelConfiguration",
    "ResourceSlice",
    "RuntimeClass",
    "SelfSubjectAccessReview",
    "SelfSubjectReview",
    "SelfSubjectRulesReview",
    "ServiceCIDR",
    "StorageClass",
    "StorageVersion",
    "StorageVersionMigration",
    "SubjectAccessReview",
    "TokenReview",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "ValidatingWebhookConfiguration",
    "VolumeAttachment",
    "VolumeAttributesClass",
];

/// Well-known add-ons' kinds, `(group, kind, scope)`, for repositories that do not carry their CRDs.
/// A group whose every kind is cluster-scoped is listed with kind `*`.
const WELL_KNOWN: &[(&str, &str, Scope)] = &[
    // cert-manager
    ("cert-manager.io", "ClusterIssuer", Scope::Cluster),
    ("cert-manager.io", "Issuer", Scope::Namespaced),
    ("cert-manager.io", "Certificate", Scope::Namespaced),
    ("cert-manager.io", "CertificateRequest", Scope::Namespaced),
    ("acme.cert-manager.io", "Order", Scope::Namespaced),
    ("acme.cert-manager.io", "Challenge", Scope::Namespaced),
    // Gatekeeper: every constraint kind is cluster-scoped
    ("constraints.gatekeeper.sh", "*", Scope::Cluster),
    (
        "templates.gatekeeper.sh",
        "ConstraintTemplate",
        Scope::Cluster,
    ),
    ("config.gatekeeper.sh", "Config", Scope::Namespaced),
    ("mutations.gatekeeper.sh", "*", Scope::Cluster),
    // Kyverno
    ("kyverno.io", "ClusterPolicy", Scope::Cluster),
    ("kyverno.io", "Policy", Scope::Namespaced),
    ("kyverno.io", "PolicyException", Scope::Namespaced),
    ("kyverno.io", "ClusterCleanupPolicy", Scope::Cluster),
    ("kyverno.io", "CleanupPolicy", Scope::Namespaced),
    // external-secrets
    ("external-secrets.io", "ClusterSecretStore", Scope::Cluster),
    (
        "external-secrets.io",
        "ClusterExternalSecret",
        Scope::Cluster,
    ),
    ("external-secrets.io", "SecretStore", Scope::Namespaced),
    ("external-secrets.io", "ExternalSecret", Scope::Namespaced),
    ("external-secrets.io", "PushSecret", Scope::Namespaced),
    // Gateway API
    ("gateway.networking.k8s.io", "GatewayClass", Scope::Cluster),
    ("gateway.networking.k8s.io", "Gateway", Scope::Namespaced),
    ("gateway.networking.k8s.io", "HTTPRoute", Scope::Namespaced),
    ("gateway.networking.k8s.io", "GRPCRoute", Scope::Namespaced),
    ("gateway.networking.k8s.io", "TCPRoute", Scope::Namespaced),
    ("gateway.networking.k8s.io", "TLSRoute", Scope::Namespaced),
    ("gateway.networking.k8s.io", "UDPRoute", Scope::Namespaced),
    (
        "gateway.networking.k8s.io",
        "ReferenceGrant",
        Scope::Namespaced,
    ),
    // CSI snapshots
    (
        "snapshot.storage.k8s.io",
        "VolumeSnapshotClass",
        Scope::Cluster,
    ),
    (
        "snapshot.storage.k8s.io",
        "VolumeSnapshotContent",
        Scope::Cluster,
    ),
    (
        "snapshot.storage.k8s.io",
        "VolumeSnapshot",
        Scope::Namespaced,
    ),
    // Prometheus operator
    ("monitoring.coreos.com", "*", Scope::Namespaced),
    // Argo
    ("argoproj.io", "ClusterWorkflowTemplate", Scope::Cluster),
    ("argoproj.io", "ClusterAnalysisTemplate", Scope::Cluster),
    ("argoproj.io", "Application", Scope::Namespaced),
    ("argoproj.io", "ApplicationSet", Scope::Namespaced),
    ("argoproj.io", "AppProject", Scope::Namespaced),
    ("argoproj.io", "Rollout", Scope::Namespaced),
    ("argoproj.io", "AnalysisTemplate", Scope::Namespaced),
    ("argoproj.io", "Workflow", Scope::Namespaced),
    ("argoproj.io", "WorkflowTemplate", Scope::Namespaced),
    ("argoproj.io", "CronWorkflow", Scope::Namespaced),
    // Flux: every kind is namespaced
    ("source.toolkit.fluxcd.io", "*", Scope::Namespaced),
    ("kustomize.toolkit.fluxcd.io", "*", Scope::Namespaced),
    ("helm.toolkit.fluxcd.io", "*", Scope::Namespaced),
    ("notification.toolkit.fluxcd.io", "*", Scope::Namespaced),
    ("image.toolkit.fluxcd.io", "*", Scope::Namespaced),
    // Istio: every kind is namespaced
    ("networking.istio.io", "*", Scope::Namespaced),
    ("security.istio.io", "*", Scope::Namespaced),
    ("telemetry.istio.io", "*", Scope::Namespaced),
    // Cilium and Calico
    (
        "cilium.io",
        "CiliumClusterwideNetworkPolicy",
        Scope::Cluster,
    ),
    ("cilium.io", "CiliumNetworkPolicy", Scope::Namespaced),
    (
        "crd.projectcalico.org",
        "GlobalNetworkPolicy",
        Scope::Cluster,
    ),
    ("crd.projectcalico.org", "NetworkPolicy", Scope::Namespaced),
    ("projectcalico.org", "GlobalNetworkPolicy", Scope::Cluster),
    ("projectcalico.org", "NetworkPolicy", Scope::Namespaced),
    // Karpenter
    ("karpenter.sh", "NodePool", Scope::Cluster),
    ("karpenter.sh", "NodeClaim", Scope::Cluster),
    ("karpenter.k8s.aws", "EC2NodeClass", Scope::Cluster),
    // Crossplane
    ("pkg.crossplane.io", "*", Scope::Cluster),
    ("apiextensions.crossplane.io", "*", Scope::Cluster),
    // OpenKruise
    ("apps.kruise.io", "SidecarSet", Scope::Cluster),
    ("apps.kruise.io", "NodeImage", Scope::Cluster),
    ("apps.kruise.io", "*", Scope::Namespaced),
    // KEDA
    ("keda.sh", "ClusterTriggerAuthentication", Scope::Cluster),
    ("keda.sh", "ScaledObject", Scope::Namespaced),
    ("keda.sh", "ScaledJob", Scope::Namespaced),
    ("keda.sh", "TriggerAuthentication", Scope::Namespaced),
    // Velero
    ("velero.io", "*", Scope::Namespaced),
    // Kubeflow, Ray, Volcano, Flink workloads
    ("kubeflow.org", "*", Scope::Namespaced),
    ("ray.io", "*", Scope::Namespaced),
    ("batch.volcano.sh", "*", Scope::Namespaced),
    ("flink.apache.org", "*", Scope::Namespaced),
    // Multi-cluster services
    ("multicluster.x-k8s.io", "*", Scope::Namespaced),
];

/// Whether `group` is one of Kubernetes' built-in API groups (`""` is the core group).
pub fn built_in_group(group: &str) -> bool {
    BUILT_IN_GROUPS.contains(&group)
}

/// The scope of `kind` in API group `group`. `from_crd`: the scope a CustomResourceDefinition of the
/// repository declares for it, which wins.
pub fn scope(group: &str, kind: &str, from_crd: Option<Scope>) -> Scope {
    if let Some(scope) = from_crd {
        return scope;
    }
    if BUILT_IN_GROUPS.contains(&group) {
        return if BUILT_IN_CLUSTER_SCOPED.contains(&kind) {
            Scope::Cluster
        } else {
            Scope::Namespaced
        };
    }
    let exact = WELL_KNOWN
        .iter()
        .find(|(g, k, _)| *g == group && *k == kind);
    let whole_group = || WELL_KNOWN.iter().find(|(g, k, _)| *g == group && *k == "*");
    exact
        .or_else(whole_group)
        .map_or(Scope::Unknown, |(_, _, s)| *s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_well_known_declared_and_unknown_kinds() {
        assert_eq!(scope("", "Namespace", None), Scope::Cluster);
        assert_eq!(scope("", "ConfigMap", None), Scope::Namespaced);
        assert_eq!(scope("apps", "Deployment", None), Scope::Namespaced);
        assert_eq!(scope("apps.kruise.io", "SidecarSet", None), Scope::Cluster);
        assert_eq!(scope("apps.kruise.io", "CloneSet", None), Scope::Namespaced);
        assert_eq!(
            scope("rbac.authorization.k8s.io", "ClusterRole", None),
            Scope::Cluster
        );
        assert_eq!(
            scope("cert-manager.io", "ClusterIssuer", None),
            Scope::Cluster
        );
        assert_eq!(
            scope("cert-manager.io", "Certificate", None),
            Scope::Namespaced
        );
        assert_eq!(
            scope("constraints.gatekeeper.sh", "K8sRequiredLabels", None),
            Scope::Cluster
        );
        assert_eq!(scope("example.com", "Widget", None), Scope::Unknown);
        assert_eq!(
            scope("example.com", "Widget", Some(Scope::Cluster)),
            Scope::Cluster
        );
        // a repository's own CRD wins over the table
        assert_eq!(
            scope("cert-manager.io", "Issuer", Some(Scope::Cluster)),
            Scope::Cluster
        );
    }

    #[test]
    fn the_table_lists_each_kind_once() {
        let mut seen = std::collections::BTreeSet::new();
        for (g, k, _) in WELL_KNOWN {
            assert!(seen.insert((g, k)), "{g} {k} twice");
            assert!(!BUILT_IN_GROUPS.contains(g), "{g} is built in");
        }
    }
}

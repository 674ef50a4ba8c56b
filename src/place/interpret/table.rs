//! Karmada's built-in third-party customizations as data: one entry per kind of
//! `pkg/resourceinterpreter/default/thirdparty/resourcecustomizations/` (Karmada v1.19), read from its
//! `customizations.yaml`. Each comment names what the entry transcribes; the scripts' hooks that play no
//! part offline (health, status reflection and aggregation, retention) are not listed.
//!
//! Karmada only reads `componentResource` (multi-template scheduling) when the alpha feature gate
//! `MultiplePodTemplatesScheduling` is on; it is off by default, so the kinds that only have that hook
//! (Volcano Job, Kubeflow MPIJob, Ray RayCluster and RayJob, Spark SparkApplication; PyTorchJob and TFJob
//! for their replicas) have no replicas: they go whole to every selected cluster, as any object without
//! replicas does. [`NOT_INTERPRETED`] lists them with the reason.

use super::{Check, Dependencies, KindRule, Reference, Replicas, Requirements, Revise};
use crate::place::deps::{CONFIG_MAP, SECRET, SERVICE_ACCOUNT};

/// `kube.accuratePodRequirements(obj.spec.template)`.
const SPEC_TEMPLATE: Requirements<'static> = Requirements::PodTemplate("/spec/template");

/// `kube.getPodDependencies(desiredObj.spec.template, desiredObj.metadata.namespace)`.
const SPEC_TEMPLATE_DEPS: Dependencies = Dependencies::PodTemplates(&["/spec/template"]);

/// `if X ~= nil and X.name ~= '' then secrets[X.name] = true end` for each `X` (Flux's scripts).
const fn secret_ref(at: &'static str) -> Reference {
    Reference::Name {
        kind: SECRET,
        at,
        check: Check::ParentPresent,
    }
}

/// Every kind whose built-in customization implements GetReplicas, ReviseReplica or GetDependencies.
pub const BUILT_IN: &[KindRule] = &[
    // GetDependencies: the template of `jobTemplate`, replaced by that of `broadcastJobTemplate` when
    // both are set.
    KindRule {
        api_version: "apps.kruise.io/v1alpha1",
        kind: "AdvancedCronJob",
        replicas: None,
        revise: None,
        dependencies: Some(Dependencies::LastOf(&[
            (
                "/spec/template/jobTemplate",
                "/spec/template/jobTemplate/spec/template",
            ),
            (
                "/spec/template/broadcastJobTemplate",
                "/spec/template/broadcastJobTemplate/spec/template",
            ),
        ])),
    },
    // `replica = 1; if obj.spec.parallelism ~= nil then replica = obj.spec.parallelism end`;
    // `obj.spec.parallelism = replica`.
    KindRule {
        api_version: "apps.kruise.io/v1alpha1",
        kind: "BroadcastJob",
        replicas: Some(Replicas::Field {
            at: "/spec/parallelism",
            absent: Some(1),
            requirements: SPEC_TEMPLATE,
        }),
        revise: Some(Revise::Field("/spec/parallelism")),
        dependencies: Some(SPEC_TEMPLATE_DEPS),
    },
    // `replica = obj.spec.replicas` (nil fails: Kruise's webhook, which defaults it to 1, does not run in
    // Karmada's control plane); `obj.spec.replicas = desiredReplica`.
    KindRule {
        api_version: "apps.kruise.io/v1alpha1",
        kind: "CloneSet",
        replicas: Some(Replicas::Field {
            at: "/spec/replicas",
            absent: None,
            requirements: SPEC_TEMPLATE,
        }),
        revise: Some(Revise::Field("/spec/replicas")),
        dependencies: Some(SPEC_TEMPLATE_DEPS),
    },
    // Kruise's DaemonSet: dependencies only.
    KindRule {
        api_version: "apps.kruise.io/v1alpha1",
        kind: "DaemonSet",
        replicas: None,
        revise: None,
        dependencies: Some(SPEC_TEMPLATE_DEPS),
    },
    // `function GetReplicas(obj) return 0 end`: no replicas and no requirements, so not a workload.
    // Its GetDependencies is not listed: a SidecarSet is cluster-scoped, and Karmada's dependencies
    // distributor only follows namespaced ResourceBindings.
    KindRule {
        api_version: "apps.kruise.io/v1alpha1",
        kind: "SidecarSet",
        replicas: Some(Replicas::Constant {
            replicas: 0,
            requirements: Requirements::None,
        }),
        revise: None,
        dependencies: None,
    },
    // `local replica = obj.spec.replicas`, requirements and dependencies from `obj.spec.template`
    // (which for a UnitedDeployment holds workload templates, not a pod template, so both are usually
    // empty); `obj.spec.replicas = desiredReplica`.
    KindRule {
        api_version: "apps.kruise.io/v1alpha1",
        kind: "UnitedDeployment",
        replicas: Some(Replicas::Field {
            at: "/spec/replicas",
            absent: None,
            requirements: SPEC_TEMPLATE,
        }),
        revise: Some(Revise::Field("/spec/replicas")),
        dependencies: Some(SPEC_TEMPLATE_DEPS),
    },
    // Advanced StatefulSet, as CloneSet. Unlike apps/v1 StatefulSet, claims named like a
    // `volumeClaimTemplates` entry stay dependencies (the script calls `kube.getPodDependencies` alone).
    KindRule {
        api_version: "apps.kruise.io/v1beta1",
        kind: "StatefulSet",
        replicas: Some(Replicas::Field {
            at: "/spec/replicas",
            absent: None,
            requirements: SPEC_TEMPLATE,
        }),
        revise: Some(Revise::Field("/spec/replicas")),
        dependencies: Some(SPEC_TEMPLATE_DEPS),
    },
    // `replica = 1; if obj.spec.parallelism ~= nil ...`; requirements from a pod template made of the
    // workflow's `affinity`, `nodeSelector` and `tolerations`; `obj.spec.parallelism = replica`.
    KindRule {
        api_version: "argoproj.io/v1alpha1",
        kind: "Workflow",
        replicas: Some(Replicas::Field {
            at: "/spec/parallelism",
            absent: Some(1),
            requirements: Requirements::NodeClaimOf("/spec"),
        }),
        revise: Some(Revise::Field("/spec/parallelism")),
        dependencies: Some(Dependencies::Workflow),
    },
    // GetReplicas: job manager plus task managers, the larger cpu and memory of the two. No
    // ReviseReplica: every cluster receives the whole deployment.
    KindRule {
        api_version: "flink.apache.org/v1beta1",
        kind: "FlinkDeployment",
        replicas: Some(Replicas::Flink),
        revise: None,
        dependencies: None,
    },
    KindRule {
        api_version: "helm.toolkit.fluxcd.io/v2beta1",
        kind: "HelmRelease",
        replicas: None,
        revise: None,
        dependencies: Some(Dependencies::References(&[
            Reference::ValuesFrom("/spec/valuesFrom"),
            secret_ref("/spec/chart/spec/verify/secretRef/name"),
            secret_ref("/spec/kubeConfig/secretRef/name"),
            Reference::Name {
                kind: SERVICE_ACCOUNT,
                at: "/spec/serviceAccountName",
                check: Check::Guarded,
            },
        ])),
    },
    // `local replica = 1`, requirements from `obj.spec.template`; no ReviseReplica.
    KindRule {
        api_version: "kubeflow.org/v1",
        kind: "Notebook",
        replicas: Some(Replicas::Constant {
            replicas: 1,
            requirements: SPEC_TEMPLATE,
        }),
        revise: None,
        dependencies: None,
    },
    // GetDependencies over the `Master` then `Worker` replica specs (replicas: componentResource only).
    KindRule {
        api_version: "kubeflow.org/v1",
        kind: "PyTorchJob",
        replicas: None,
        revise: None,
        dependencies: Some(Dependencies::PodTemplates(&[
            "/spec/pytorchReplicaSpecs/Master/template",
            "/spec/pytorchReplicaSpecs/Worker/template",
        ])),
    },
    // GetDependencies over the `PS`, `Worker`, `Chief`, `Master`, `Evaluator` replica specs.
    KindRule {
        api_version: "kubeflow.org/v1",
        kind: "TFJob",
        replicas: None,
        revise: None,
        dependencies: Some(Dependencies::PodTemplates(&[
            "/spec/tfReplicaSpecs/PS/template",
            "/spec/tfReplicaSpecs/Worker/template",
            "/spec/tfReplicaSpecs/Chief/template",
            "/spec/tfReplicaSpecs/Master/template",
            "/spec/tfReplicaSpecs/Evaluator/template",
        ])),
    },
    KindRule {
        api_version: "kustomize.toolkit.fluxcd.io/v1",
        kind: "Kustomization",
        replicas: None,
        revise: None,
        dependencies: Some(Dependencies::References(&[
            secret_ref("/spec/decryption/secretRef/name"),
            secret_ref("/spec/kubeConfig/secretRef/name"),
            Reference::Name {
                kind: SERVICE_ACCOUNT,
                at: "/spec/serviceAccountName",
                check: Check::Guarded,
            },
        ])),
    },
    // GetDependencies: the head, worker and submitter pod templates. The script visits them by hand;
    // on objects the API server admits (one source per volume, no ephemeral containers in a template)
    // that is `kube.getPodDependencies`.
    KindRule {
        api_version: "ray.io/v1",
        kind: "RayJob",
        replicas: None,
        revise: None,
        dependencies: Some(Dependencies::PodTemplates(&[
            "/spec/rayClusterSpec/headGroupSpec/template",
            "/spec/rayClusterSpec/workerGroupSpecs/*/template",
            "/spec/submitterPodTemplate",
        ])),
    },
    // GetReplicas: 1 head + the worker groups' replicas, the largest cpu and memory of any group;
    // ReviseReplica spreads `replicas - 1` over the worker groups.
    KindRule {
        api_version: "ray.io/v1",
        kind: "RayService",
        replicas: Some(Replicas::RayService),
        revise: Some(Revise::RayServiceWorkers),
        dependencies: Some(Dependencies::PodTemplates(&[
            "/spec/rayClusterConfig/headGroupSpec/template",
            "/spec/rayClusterConfig/workerGroupSpecs/*/template",
        ])),
    },
    KindRule {
        api_version: "source.toolkit.fluxcd.io/v1",
        kind: "GitRepository",
        replicas: None,
        revise: None,
        dependencies: Some(Dependencies::References(&[
            secret_ref("/spec/secretRef/name"),
            secret_ref("/spec/verify/secretRef/name"),
        ])),
    },
    KindRule {
        api_version: "source.toolkit.fluxcd.io/v1beta2",
        kind: "Bucket",
        replicas: None,
        revise: None,
        dependencies: Some(Dependencies::References(&[secret_ref(
            "/spec/secretRef/name",
        )])),
    },
    KindRule {
        api_version: "source.toolkit.fluxcd.io/v1beta2",
        kind: "HelmChart",
        replicas: None,
        revise: None,
        dependencies: Some(Dependencies::References(&[secret_ref(
            "/spec/verify/secretRef/name",
        )])),
    },
    KindRule {
        api_version: "source.toolkit.fluxcd.io/v1beta2",
        kind: "HelmRepository",
        replicas: None,
        revise: None,
        dependencies: Some(Dependencies::References(&[secret_ref(
            "/spec/secretRef/name",
        )])),
    },
    // `if desiredObj.spec.serviceAccountName ~= ''`: an absent one is a nil table key, so the script
    // fails and no dependency propagates (Karmada's own test data always sets it, to "").
    KindRule {
        api_version: "source.toolkit.fluxcd.io/v1beta2",
        kind: "OCIRepository",
        replicas: None,
        revise: None,
        dependencies: Some(Dependencies::References(&[
            secret_ref("/spec/secretRef/name"),
            secret_ref("/spec/verify/secretRef/name"),
            secret_ref("/spec/certSecretRef/name"),
            Reference::Name {
                kind: SERVICE_ACCOUNT,
                at: "/spec/serviceAccountName",
                check: Check::Unguarded,
            },
        ])),
    },
];

/// The kinds of Karmada's built-in customizations that nothing above interprets, with the reason.
pub const NOT_INTERPRETED: &[(&str, &str, &str)] = &[
    (
        "batch.volcano.sh/v1alpha1",
        "Job",
        "componentResource only (feature gate MultiplePodTemplatesScheduling, off by default)",
    ),
    (
        "kubeflow.org/v2beta1",
        "MPIJob",
        "componentResource only (feature gate MultiplePodTemplatesScheduling, off by default)",
    ),
    (
        "ray.io/v1",
        "RayCluster",
        "componentResource only (feature gate MultiplePodTemplatesScheduling, off by default)",
    ),
    (
        "sparkoperator.k8s.io/v1beta2",
        "SparkApplication",
        "componentResource only (feature gate MultiplePodTemplatesScheduling, off by default)",
    ),
    (
        "kyverno.io/v1",
        "ClusterPolicy",
        "health and status hooks only",
    ),
    ("kyverno.io/v1", "Policy", "health and status hooks only"),
];

/// The ConfigMap kind, for the `valuesFrom` entries of a HelmRelease.
pub(super) const VALUES_FROM_KINDS: [(&str, &str); 2] =
    [("Secret", SECRET), ("ConfigMap", CONFIG_MAP)];

//! Placement scenarios, each a small repository in YAML, checked against what Karmada decides.

use super::*;
use crate::source::{SourceFile, Sources};

/// Analyse one YAML stream (any number of documents) into a model; panics on errors.
pub(crate) fn model(yaml: &str) -> Model {
    let mut sources = Sources::default();
    let id = sources.add(SourceFile {
        rel_path: "repo.yaml".into(),
        display_path: "repo.yaml".into(),
        text: yaml.into(),
    });
    let schemas = crate::front::schemas::Schemas::new();
    let analysis = crate::analyse(
        &mut sources,
        &[id],
        &crate::front::config::Limits::default(),
        &schemas,
    );
    assert!(
        !analysis.has_errors(),
        "{}",
        crate::diagnostic::render_text(&analysis.diagnostics, &sources)
    );
    analysis.model
}

/// A cluster with pods/cpu/memory capacity ("" for none) and extra spec lines.
pub(crate) fn cluster(name: &str, region: &str, pods: &str, extra: &str) -> String {
    let summary = if pods.is_empty() {
        String::new()
    } else {
        format!(
            "status:\n  resourceSummary:\n    allocatable: {{pods: \"{pods}\", cpu: \"100\", memory: 400Gi}}\n"
        )
    };
    format!(
        "---\napiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata:\n  name: {name}\n  labels: {{region: {region}}}\nspec:\n  provider: p\n  region: {region}\n{extra}{summary}"
    )
}

fn deployment(name: &str, replicas: i32, requests: bool) -> String {
    let res = if requests {
        "\n          resources: {requests: {cpu: 100m}}"
    } else {
        ""
    };
    format!(
        "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}, namespace: ns}}\nspec:\n  replicas: {replicas}\n  selector: {{matchLabels: {{app: {name}}}}}\n  template:\n    metadata: {{labels: {{app: {name}}}}}\n    spec:\n      containers:\n        - name: c\n          image: nginx{res}\n"
    )
}

fn policy(placement: &str) -> String {
    format!(
        "---\napiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata: {{name: p, namespace: ns}}\nspec:\n  resourceSelectors:\n    - {{apiVersion: apps/v1, kind: Deployment}}\n    - {{apiVersion: v1, kind: ConfigMap}}\n    - {{apiVersion: batch/v1, kind: Job}}\n  placement:\n{placement}"
    )
}

type Targets = Vec<(String, Option<i32>)>;

fn placed(m: &Model) -> Vec<(String, Targets)> {
    place(m)
        .0
        .into_iter()
        .map(|d| {
            let name = m.resources[d.resource].id.name.clone();
            let targets = match d.outcome {
                Outcome::Placed(p) => p
                    .targets
                    .into_iter()
                    .map(|t| (t.cluster, t.replicas))
                    .collect(),
                Outcome::Failed { error, .. } => vec![(error, None)],
                Outcome::NotPropagated { reason } => vec![(reason, None)],
            };
            (name, targets)
        })
        .collect()
}

fn targets(pairs: &[(&str, i32)]) -> Vec<(String, Option<i32>)> {
    pairs
        .iter()
        .map(|(n, r)| (n.to_string(), Some(*r)))
        .collect()
}

#[test]
fn duplicated_gives_every_cluster_the_full_count() {
    let m = model(&format!(
        "{}{}{}{}",
        cluster("a", "r1", "", ""),
        cluster("b", "r2", "", ""),
        deployment("web", 3, false),
        policy("    replicaScheduling: {replicaSchedulingType: Duplicated}\n")
    ));
    let (decisions, _) = place(&m);
    let Outcome::Placed(p) = &decisions[0].outcome else {
        panic!("{decisions:?}")
    };
    assert_eq!(p.targets.len(), 2);
    assert_eq!(p.total_replicas(), Some(6));
}

/// karmada-semantics.md §5.3: 14 replicas with static weights 3:2:1 give 7:5:2 from v1.16 on.
#[test]
fn static_weights_use_webster() {
    let weights = "    replicaScheduling:\n      replicaSchedulingType: Divided\n      replicaDivisionPreference: Weighted\n      weightPreference:\n        staticWeightList:\n          - {targetCluster: {clusterNames: [a]}, weight: 3}\n          - {targetCluster: {clusterNames: [b]}, weight: 2}\n          - {targetCluster: {clusterNames: [c]}, weight: 1}\n";
    let m = model(&format!(
        "{}{}{}{}{}",
        cluster("a", "r1", "", ""),
        cluster("b", "r1", "", ""),
        cluster("c", "r1", "", ""),
        deployment("web", 14, false),
        policy(weights)
    ));
    assert_eq!(placed(&m)[0].1, targets(&[("a", 7), ("b", 5), ("c", 2)]));
}

/// §5.6: Aggregated with 10 + 8 available and 12 replicas gives 7 + 5, not 10 + 2.
#[test]
fn aggregated_takes_the_shortest_prefix_then_webster() {
    let m = model(&format!(
        "{}{}{}{}{}",
        cluster("a", "r1", "10", ""),
        cluster("b", "r1", "8", ""),
        cluster("c", "r1", "3", ""),
        deployment("web", 12, true),
        policy(
            "    replicaScheduling: {replicaSchedulingType: Divided, replicaDivisionPreference: Aggregated}\n"
        )
    ));
    assert_eq!(placed(&m)[0].1, targets(&[("a", 7), ("b", 5)]));
}

#[test]
fn dynamic_weight_follows_available_replicas_and_fails_when_short() {
    let base = format!(
        "{}{}",
        cluster("a", "r1", "30", ""),
        cluster("b", "r1", "10", "")
    );
    let dynamic = "    replicaScheduling:\n      replicaSchedulingType: Divided\n      weightPreference: {dynamicWeight: AvailableReplicas}\n";
    let m = model(&format!(
        "{base}{}{}",
        deployment("web", 8, true),
        policy(dynamic)
    ));
    assert_eq!(placed(&m)[0].1, targets(&[("a", 6), ("b", 2)]));
    let m = model(&format!(
        "{base}{}{}",
        deployment("web", 41, true),
        policy(dynamic)
    ));
    let (decisions, _) = place(&m);
    let Outcome::Failed { error, .. } = &decisions[0].outcome else {
        panic!("{decisions:?}")
    };
    assert_eq!(
        error,
        "failed to assign replicas: failed to scale up: Clusters available replicas 40 are not enough to schedule."
    );
}

#[test]
fn no_fit_is_karmadas_fit_error_with_sorted_reasons() {
    let taint = "  taints: [{key: dedicated, value: batch, effect: NoSchedule}]\n";
    let m = model(&format!(
        "{}{}{}{}{}",
        cluster("a", "r1", "", taint),
        cluster("b", "r2", "", ""),
        cluster("c", "r3", "", ""),
        deployment("web", 1, false),
        policy("    clusterAffinity: {clusterNames: [a]}\n")
    ));
    let (decisions, _) = place(&m);
    let Outcome::Failed { error, rejected } = &decisions[0].outcome else {
        panic!("{decisions:?}")
    };
    assert_eq!(
        error,
        "0/3 clusters are available: 1 cluster(s) had untolerated taint {dedicated=batch:NoSchedule}, 2 cluster(s) did not match the placement cluster affinity constraint."
    );
    let reasons: Vec<&str> = rejected.iter().map(|(_, reason)| reason).collect();
    assert_eq!(
        reasons,
        vec![
            "untolerated taint `dedicated=batch:NoSchedule`",
            "not among `clusterNames`",
            "not among `clusterNames`"
        ]
    );
}

#[test]
fn failover_terms_try_the_next_term_on_any_error() {
    let terms = "    clusterAffinities:\n      - {affinityName: primary, clusterNames: [a]}\n      - {affinityName: backup, clusterNames: [b]}\n    replicaScheduling: {replicaSchedulingType: Divided, replicaDivisionPreference: Aggregated}\n";
    let m = model(&format!(
        "{}{}{}{}",
        cluster("a", "r1", "2", ""),
        cluster("b", "r2", "50", ""),
        deployment("web", 5, true),
        policy(terms)
    ));
    let (decisions, _) = place(&m);
    let Outcome::Placed(p) = &decisions[0].outcome else {
        panic!("{decisions:?}")
    };
    assert_eq!(p.affinity_term.as_deref(), Some("backup"));
    assert_eq!(p.targets[0].cluster, "b");
}

#[test]
fn non_workloads_go_to_every_selected_cluster_without_replicas() {
    let m = model(&format!(
        "{}{}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: cfg, namespace: ns}}\n{}",
        cluster("a", "r1", "", ""),
        cluster("b", "r2", "", ""),
        policy(
            "    replicaScheduling: {replicaSchedulingType: Divided, replicaDivisionPreference: Aggregated}\n"
        )
    ));
    assert_eq!(
        placed(&m)[0].1,
        vec![("a".to_string(), None), ("b".to_string(), None)]
    );
}

/// §5.8: a divided Job's completions follow its parallelism per cluster.
#[test]
fn job_completions_are_divided_by_parallelism() {
    let job = "---\napiVersion: batch/v1\nkind: Job\nmetadata: {name: j, namespace: ns}\nspec:\n  parallelism: 4\n  completions: 10\n  template:\n    spec:\n      restartPolicy: Never\n      containers: [{name: c, image: busybox}]\n";
    let weights = "    replicaScheduling:\n      replicaSchedulingType: Divided\n      weightPreference:\n        staticWeightList:\n          - {targetCluster: {clusterNames: [a]}, weight: 3}\n          - {targetCluster: {clusterNames: [b]}, weight: 1}\n";
    let m = model(&format!(
        "{}{}{job}{}",
        cluster("a", "r1", "", ""),
        cluster("b", "r1", "", ""),
        policy(weights)
    ));
    let (decisions, _) = place(&m);
    let Outcome::Placed(p) = &decisions[0].outcome else {
        panic!("{decisions:?}")
    };
    let got: Vec<(i32, i32)> = p
        .targets
        .iter()
        .map(|t| (t.replicas.unwrap(), t.completions.unwrap()))
        .collect();
    // Webster over 3:1 for 10 seats: ties go to the cluster with fewer seats, giving 7:3.
    assert_eq!(got, vec![(3, 7), (1, 3)]);
}

#[test]
fn deleting_clusters_and_missing_apis_are_left_out() {
    let deleting = cluster("a", "r1", "", "").replace(
        "metadata:\n  name: a\n",
        "metadata:\n  name: a\n  deletionTimestamp: \"2026-01-01T00:00:00Z\"\n",
    );
    let no_api = format!(
        "{}status:\n  apiEnablements: [{{groupVersion: v1, resources: [{{name: configmaps, kind: ConfigMap}}]}}]\n",
        cluster("b", "r1", "", "")
    );
    let m = model(&format!(
        "{deleting}{no_api}{}{}{}",
        cluster("c", "r1", "", ""),
        deployment("web", 2, false),
        policy("    clusterTolerations: []\n")
    ));
    let (decisions, _) = place(&m);
    let Outcome::Placed(p) = &decisions[0].outcome else {
        panic!("{decisions:?}")
    };
    assert_eq!(p.targets.len(), 1);
    let reasons: Vec<(&str, &str)> = p
        .rejected
        .iter()
        .map(|(c, reason)| (m.clusters[c].name.as_str(), reason))
        .collect();
    assert_eq!(
        reasons,
        vec![
            ("a", "the cluster is being deleted"),
            (
                "b",
                "cluster(s) did not have the API resource: the Cluster's `status.apiEnablements` does not list `apps/v1` `Deployment` (an incomplete list: its condition `CompleteAPIEnablements` is not `True`); add groupVersion `apps/v1` with kind `Deployment` there if the cluster serves it"
            ),
        ]
    );
}

#[test]
fn unclaimed_resources_are_not_propagated() {
    let m = model(&format!(
        "{}{}",
        cluster("a", "r1", "", ""),
        deployment("web", 1, false)
    ));
    let (decisions, _) = place(&m);
    assert!(matches!(
        &decisions[0].outcome,
        Outcome::NotPropagated { .. }
    ));
}

/// Overflow affinities count only for what Karmada's `IsWorkload` calls a workload (replicas > 0 or
/// replica requirements), not by kind: a 0-replica Deployment without requests stays in the primary
/// group, like a ConfigMap; with requests its overflow clusters pass the filter (and, 0 replicas being
/// divided, it lands nowhere).
#[test]
fn overflow_affinities_only_for_karmada_workloads() {
    let overflow = "    clusterAffinities:\n      - affinityName: primary\n        clusterNames: [a]\n        overflowAffinities:\n          - {affinityName: burst, clusterNames: [b]}\n    replicaScheduling:\n      replicaSchedulingType: Divided\n      replicaDivisionPreference: Weighted\n      weightPreference: {dynamicWeight: AvailableReplicas}\n";
    let m = model(&format!(
        "{}{}{}{}{}",
        cluster("a", "r1", "10", ""),
        cluster("b", "r2", "10", ""),
        deployment("idle", 0, false),
        deployment("reserved", 0, true),
        policy(overflow)
    ));
    let (decisions, _) = place(&m);
    let by_name = |name: &str| {
        let d = (decisions.iter())
            .find(|d| m.resources[d.resource].id.name == name)
            .unwrap();
        let Outcome::Placed(p) = &d.outcome else {
            panic!("{d:?}")
        };
        p.clone()
    };
    let idle = by_name("idle");
    assert_eq!(
        (idle.targets.iter())
            .map(|t| (t.cluster.as_str(), t.replicas))
            .collect::<Vec<_>>(),
        vec![("a", Some(0))]
    );
    let b = (idle.rejected.iter())
        .find(|(c, _)| m.clusters[*c].name == "b")
        .unwrap();
    assert!(b.1.contains("clusterNames"), "{}", b.1);
    let reserved = by_name("reserved");
    assert!(reserved.targets.is_empty(), "{reserved:?}");
    // both tiers passed the filter (no estimate for 0 replicas: Karmada counts MaxInt32 available)
    let rejected: Vec<(&str, &str)> = (reserved.rejected.iter())
        .map(|(c, reason)| (m.clusters[c].name.as_str(), reason))
        .collect();
    let reason = "no replicas assigned (2147483647 available)";
    assert_eq!(rejected, vec![("a", reason), ("b", reason)]);
}

/// A Job with neither `parallelism` nor `completions`: the API server sets both to 1, which Karmada
/// divides (one replica, its one completion) and the plan shows.
#[test]
fn a_job_without_counts_has_the_defaulted_completion() {
    let job = "---\napiVersion: batch/v1\nkind: Job\nmetadata: {name: once, namespace: ns}\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers: [{name: c, image: busybox}]\n";
    let divided = "    replicaScheduling: {replicaSchedulingType: Divided, replicaDivisionPreference: Weighted}\n";
    for (placement, clusters) in [(divided, 1), ("    clusterTolerations: []\n", 2)] {
        let m = model(&format!(
            "{}{}{job}{}",
            cluster("a", "r1", "", ""),
            cluster("b", "r1", "", ""),
            policy(placement)
        ));
        assert_eq!(
            binding(&m.resources[0]).job_completions,
            Some(1),
            "the API server's default"
        );
        let (decisions, _) = place(&m);
        let Outcome::Placed(p) = &decisions[0].outcome else {
            panic!("{decisions:?}")
        };
        let got: Vec<(Option<i32>, Option<i32>)> = (p.targets.iter())
            .map(|t| (t.replicas, t.completions))
            .collect();
        assert_eq!(got, vec![(Some(1), Some(1)); clusters], "{placement}");
    }
}

/// Karmada's dependencies distributor attaches what a ServiceImport's interpreter selects by label:
/// every EndpointSlice of its namespace labelled `kubernetes.io/service-name: derived-<name>` follows
/// it to its clusters (attached bindings have no replicas); others stay where their own policy puts them.
#[test]
fn endpoint_slices_selected_by_label_follow_their_service_import() {
    let slice = |name: &str, ns: &str, service: &str| {
        format!(
            "---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: {name}\n  namespace: {ns}\n  labels: {{kubernetes.io/service-name: {service}}}\naddressType: IPv4\nendpoints: [{{addresses: [10.0.0.1]}}]\nports: [{{port: 80}}]\n"
        )
    };
    let import = "---\napiVersion: multicluster.x-k8s.io/v1alpha1\nkind: ServiceImport\nmetadata: {name: web, namespace: ns}\nspec:\n  type: ClusterSetIP\n  ports: [{port: 80, protocol: TCP}]\n";
    let policy = "---\napiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata: {name: mcs, namespace: ns}\nspec:\n  resourceSelectors: [{apiVersion: multicluster.x-k8s.io/v1alpha1, kind: ServiceImport}]\n  placement:\n    clusterAffinity: {clusterNames: [b]}\n";
    let m = model(&format!(
        "{}{}{import}{}{}{}{}{policy}",
        cluster("a", "r1", "", ""),
        cluster("b", "r1", "", ""),
        slice("web-1", "ns", "derived-web"),
        slice("web-2", "ns", "derived-web"),
        slice("web-elsewhere", "other", "derived-web"),
        slice("api-1", "ns", "derived-api"),
    ));
    let (decisions, _) = place(&m);
    let outcome = |name: &str| {
        let d = (decisions.iter())
            .find(|d| m.resources[d.resource].id.name == name)
            .unwrap();
        match &d.outcome {
            Outcome::Placed(p) => {
                let clusters: Vec<(&str, Option<i32>)> = (p.targets.iter())
                    .map(|t| (t.cluster.as_str(), t.replicas))
                    .collect();
                let by: Vec<String> = p.required_by.iter().map(|r| r.to_string()).collect();
                format!("{clusters:?} {by:?} workload={}", p.workload)
            }
            other => format!("{other:?}"),
        }
    };
    let follows = r#"[("b", None)] ["ServiceImport ns/web"] workload=false"#;
    assert_eq!(outcome("web-1"), follows);
    assert_eq!(outcome("web-2"), follows);
    for stays in ["web-elsewhere", "api-1"] {
        assert!(outcome(stays).starts_with("NotPropagated"), "{stays}");
    }
}

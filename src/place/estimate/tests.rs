use super::*;
use proptest::prelude::*;
use serde_json::json;

type Entries<'a> = &'a [(&'a str, &'a str)];

fn q(text: &str) -> Quantity {
    Quantity::parse(text).unwrap()
}

fn list(entries: Entries) -> ResourceList {
    entries
        .iter()
        .map(|&(n, v)| (n.to_string(), q(v)))
        .collect()
}

fn req(entries: Entries) -> ReplicaRequirements {
    let resource_request = list(entries);
    ReplicaRequirements {
        resource_request,
        node_claim: false,
    }
}

fn summary(allocatable: Entries, allocated: Entries) -> ResourceSummary {
    let (allocatable, allocated) = (list(allocatable), list(allocated));
    ResourceSummary {
        allocatable,
        allocated,
        ..Default::default()
    }
}

fn model(grade: u32, ranges: &[(&str, &str, &str)]) -> ResourceModel {
    let range = |&(name, min, max): &(&str, &str, &str)| ResourceModelRange {
        name: name.into(),
        min: q(min),
        max: q(max),
    };
    ResourceModel {
        grade,
        ranges: ranges.iter().map(range).collect(),
    }
}

fn modelings(counts: &[(u32, i64)]) -> Vec<AllocatableModeling> {
    let modeling = |&(grade, count): &(u32, i64)| AllocatableModeling { grade, count };
    counts.iter().map(modeling).collect()
}

/// The model path with the default models.
fn on_defaults(counts: &[(u32, i64)], request: Entries) -> Result<i64, ModelError> {
    model_estimate(
        &default_resource_models(),
        &modelings(counts),
        &req(request),
    )
}

/// Karmada `TestGetMaximumReplicasBasedOnResourceModels`.
#[test]
fn model_path_cases() {
    let one_each = modelings(&[(0, 1), (1, 1), (2, 1)]);
    let cpu = [
        model(0, &[("cpu", "0", "1")]),
        model(1, &[("cpu", "1", "2")]),
        model(2, &[("cpu", "2", "4")]),
    ];
    let cpu_memory = [
        model(0, &[("cpu", "0", "1"), ("memory", "0", "1Gi")]),
        model(1, &[("cpu", "1", "2"), ("memory", "1Gi", "2Gi")]),
        model(2, &[("cpu", "2", "4"), ("memory", "2Gi", "4Gi")]),
    ];
    let run = |models: &[ResourceModel], request| model_estimate(models, &one_each, &req(request));
    // No grade defined should result in an error.
    assert_eq!(
        model_estimate(&[], &[], &req(&[("cpu", "1")])),
        Err(ModelError::NoModels)
    );
    assert_eq!(
        run(&cpu, &[("cpu", "1.5")]),
        Ok(1),
        "partially compliant grades"
    );
    assert_eq!(run(&cpu, &[("cpu", "3")]), Ok(0), "no compliant grades");
    let multi = [("cpu", "1"), ("memory", "1.5Gi")];
    assert_eq!(run(&cpu_memory, &multi), Ok(1), "multi resource request");
    let too_big = [("cpu", "1"), ("memory", "2.5Gi")];
    assert_eq!(
        run(&cpu_memory, &too_big),
        Ok(0),
        "request exceeds highest grade"
    );
}

/// Karmada `TestMaxAvailableReplicasGeneralWithResourceModels` (the baseline without in-flight
/// workloads): 3 nodes of 1 cpu take 2 replicas of 500m each, whatever the summary's cpu says.
#[test]
fn model_path_is_final() {
    let models = [
        model(0, &[("cpu", "0", "1")]),
        model(1, &[("cpu", "1", "2")]),
    ];
    let mut cluster = summary(&[("pods", "100"), ("cpu", "3")], &[]);
    cluster.allocatable_modelings = modelings(&[(0, 0), (1, 3)]);
    let half_cpu = req(&[("cpu", "500m")]);
    assert_eq!(
        general_estimate(Some(&cluster), &models, Some(&half_cpu)),
        6
    );
    cluster.allocatable.insert("cpu".into(), q("1"));
    assert_eq!(
        general_estimate(Some(&cluster), &models, Some(&half_cpu)),
        6
    );
}

#[test]
fn model_path_details() {
    // Grade 2 nodes: 2 cpu, 16Gi; grade 8: 128 cpu, 1Ti; grade 9 is no model and adds nothing.
    let nodes = [(2, 3), (8, 1), (9, 50)];
    assert_eq!(on_defaults(&nodes, &[("cpu", "1")]), Ok(3 * 2 + 110));
    assert_eq!(on_defaults(&nodes, &[("memory", "8Gi")]), Ok(3 * 2 + 110));
    // Nothing requested (a node claim only): 110 pods per node.
    assert_eq!(on_defaults(&nodes, &[]), Ok(4 * 110));
    // A resource the models do not name fits nowhere.
    assert_eq!(
        on_defaults(&nodes, &[("cpu", "1"), ("nvidia.com/gpu", "1")]),
        Ok(0)
    );
    assert_eq!(on_defaults(&nodes, &[("ephemeral-storage", "1Gi")]), Ok(0));
    // A resource Karmada does not count is ignored; a `pods` request takes one slot.
    assert_eq!(
        on_defaults(&nodes, &[("foo", "1"), ("pods", "50")]),
        Ok(4 * 110)
    );
    // No nodes at all: 0, and that is final.
    assert_eq!(on_defaults(&[(0, 0)], &[("cpu", "1")]), Ok(0));
    let negative = on_defaults(&[(1, -1)], &[("cpu", "1")]);
    assert_eq!(negative, Err(ModelError::NegativeCount));
    // Counts of a grade add up; the total stops at i32::MAX.
    assert_eq!(on_defaults(&[(2, 1), (2, 1)], &[("cpu", "1")]), Ok(4));
    assert_eq!(on_defaults(&[(8, i64::MAX)], &[]), Ok(i64::from(i32::MAX)));
}

#[test]
fn model_path_falls_back_on_error() {
    let mut cluster = summary(&[("pods", "100"), ("cpu", "4")], &[]);
    cluster.allocatable_modelings = modelings(&[(1, 2)]);
    let one_cpu = req(&[("cpu", "1")]);
    let defaults = default_resource_models();
    assert_eq!(general_estimate(Some(&cluster), &[], Some(&one_cpu)), 4);
    assert_eq!(
        general_estimate(Some(&cluster), &defaults, Some(&one_cpu)),
        2
    );
    cluster.allocatable_modelings = modelings(&[(1, -2)]);
    assert_eq!(
        general_estimate(Some(&cluster), &defaults, Some(&one_cpu)),
        4
    );
}

/// Karmada `TestResource_MaxDivided`.
#[test]
fn replicas_per_node_from_karmada() {
    let node = Amounts::of(&list(&[
        ("cpu", "100m"),
        ("memory", "100"),
        ("ephemeral-storage", "100"),
        ("pods", "100"),
        ("test.karmada.io/foo", "100"),
    ]));
    let request = Amounts::of(&list(&[
        ("cpu", "10m"),
        ("memory", "5"),
        ("ephemeral-storage", "15"),
        ("test.karmada.io/foo", "18"),
    ]));
    assert_eq!(replicas_per_node(&node, &request), 5);
}

/// Karmada `TestMaxAvailableReplicasGeneral` and `TestMaxAvailableReplicas` (without in-flight
/// workloads).
#[test]
fn general_estimate_cases() {
    let estimate = |cluster: Option<&ResourceSummary>, request: Option<&ReplicaRequirements>| {
        general_estimate(cluster, &default_resource_models(), request)
    };
    assert_eq!(estimate(None, None), 0, "nil resource summary");
    let full = summary(&[("pods", "10")], &[("pods", "10")]);
    assert_eq!(estimate(Some(&full), None), 0, "no allowed pods");
    let ten = summary(&[("pods", "10")], &[]);
    assert_eq!(estimate(Some(&ten), None), 10, "nil replica requirements");
    let basic = summary(
        &[("pods", "100"), ("cpu", "4"), ("memory", "8Gi")],
        &[("pods", "20"), ("cpu", "1"), ("memory", "2Gi")],
    );
    let request = req(&[("cpu", "500m"), ("memory", "1Gi")]);
    assert_eq!(
        estimate(Some(&basic), Some(&request)),
        6,
        "basic resource estimation"
    );
    assert_eq!(
        estimate(None, Some(&request)),
        0,
        "cluster with no resources"
    );
}

/// Karmada `TestGetAllowedPodNumber`.
#[test]
fn allowed_pods_cases() {
    let pods = |allocatable: &str, allocated: &str, allocating: &str| ResourceSummary {
        allocating: list(&[("pods", allocating)]),
        ..summary(&[("pods", allocatable)], &[("pods", allocated)])
    };
    assert_eq!(allowed_pods(&pods("100", "40", "10")), 50, "normal case");
    let no_allocatable = summary(&[], &[("pods", "10")]);
    assert_eq!(allowed_pods(&no_allocatable), 0, "no allocatable pods");
    assert_eq!(allowed_pods(&pods("100", "90", "20")), 0, "over allocation");
}

/// Karmada `TestGetMaximumReplicasBasedOnClusterSummary`, and the edges of the summary path.
#[test]
fn summary_path_cases() {
    let request = req(&[("cpu", "500m"), ("memory", "1Gi")]);
    let enough = summary(
        &[("cpu", "4"), ("memory", "8Gi")],
        &[("cpu", "1"), ("memory", "2Gi")],
    );
    assert_eq!(
        summary_estimate(&enough, &request),
        6,
        "sufficient resources"
    );
    let short = summary(
        &[("cpu", "4"), ("memory", "2Gi")],
        &[("cpu", "1"), ("memory", "1.5Gi")],
    );
    assert_eq!(summary_estimate(&short, &request), 0, "insufficient memory");
    // Missing from allocatable; nothing requested; a request of 0.
    assert_eq!(
        summary_estimate(&enough, &req(&[("nvidia.com/gpu", "1")])),
        0
    );
    assert_eq!(summary_estimate(&enough, &req(&[])), i64::MAX);
    assert_eq!(
        summary_estimate(&enough, &req(&[("nvidia.com/gpu", "0")])),
        i64::MAX
    );
    // Allocating counts; cpu goes by millicores, also below one core left.
    let mut busy = summary(&[("cpu", "2")], &[("cpu", "1")]);
    busy.allocating = list(&[("cpu", "300m")]);
    assert_eq!(summary_estimate(&busy, &req(&[("cpu", "100m")])), 7);
    assert_eq!(summary_estimate(&busy, &req(&[("cpu", "1")])), 0);
}

#[test]
fn available_replicas_glue() {
    let available = |replicas, cluster: Option<&ResourceSummary>, request: Entries| {
        let request = (!request.is_empty()).then(|| req(request));
        available_replicas(replicas, cluster, &[], request.as_ref())
    };
    let ten = summary(&[("pods", "10")], &[]);
    assert_eq!(available(0, None, &[("cpu", "1")]), i32::MAX);
    assert_eq!(available(5, None, &[("cpu", "1")]), 0);
    assert_eq!(available(5, Some(&ten), &[]), 10);
    assert_eq!(available(5, Some(&ten), &[("cpu", "1")]), 0);
    assert_eq!(
        available(5, Some(&summary(&[("pods", "2147483647")], &[])), &[]),
        5
    );
    // Go's int32 conversion: 2^32 + 7 pods read as 7; 2^32 - 1 as -1, "unknown".
    assert_eq!(
        available(5, Some(&summary(&[("pods", "4294967303")], &[])), &[]),
        7
    );
    assert_eq!(
        available(5, Some(&summary(&[("pods", "4294967295")], &[])), &[]),
        5
    );
}

/// Karmada `TestSetDefaultClusterResourceModels`.
#[test]
fn default_models() {
    let models = default_resource_models();
    let max = &i64::MAX.to_string();
    assert_eq!(models.len(), 9);
    assert_eq!(
        models[0],
        model(0, &[("cpu", "0", "1"), ("memory", "0", "4Gi")])
    );
    assert_eq!(
        models[3],
        model(3, &[("cpu", "4", "8"), ("memory", "32Gi", "64Gi")])
    );
    assert_eq!(
        models[8],
        model(8, &[("cpu", "128", max), ("memory", "1Ti", max)])
    );
    assert_eq!(normalize_resource_models(models.clone()), models);
    assert_eq!(cluster_resource_models(vec![]), models);
}

/// Karmada `TestStandardizeClusterResourceModels`.
#[test]
fn normalize_models() {
    let max = &i64::MAX.to_string();
    let (low, high) = (
        model(1, &[("cpu", "0", "2")]),
        model(2, &[("cpu", "2", max)]),
    );
    let sorted = normalize_resource_models(vec![high.clone(), low.clone()]);
    assert_eq!(sorted, vec![low, high], "sort models");
    let open = vec![model(1, &[("cpu", "0", max)])];
    let start = normalize_resource_models(vec![model(1, &[("cpu", "1", max)])]);
    assert_eq!(start, open, "start with 0");
    let end = normalize_resource_models(vec![model(1, &[("cpu", "0", "2")])]);
    assert_eq!(end, open, "end with MaxInt64");
    assert_eq!(normalize_resource_models(vec![]), vec![]);
}

/// Karmada `TestGenerateReplicaRequirements` and `TestGenerateNodeClaimByPodSpec`.
#[test]
fn replica_requirements_from_karmada() {
    assert_eq!(
        replica_requirements(&json!({})),
        None,
        "nodeClaim and resource request are nil"
    );
    let claimed = Some(ReplicaRequirements {
        resource_request: ResourceList::new(),
        node_claim: true,
    });
    let affinity = json!({"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
        "nodeSelectorTerms": [{"matchFields": [{"key": "foo", "operator": "Exists"}]}]}}});
    let has_claim = json!({
        "nodeSelector": {"foo": "foo1"},
        "tolerations": [{"key": "foo", "operator": "Exists", "effect": "NoSchedule"}],
        "affinity": affinity,
    });
    assert_eq!(replica_requirements(&has_claim), claimed, "has nodeClaim");
    let selector = json!({"nodeSelector": {"disktype": "ssd"}});
    let tolerations = json!({"tolerations": [{"key": "key1", "operator": "Exists"}]});
    for spec in [selector, tolerations, json!({ "affinity": affinity })] {
        assert_eq!(replica_requirements(&spec), claimed, "{spec}");
    }
    let empty_selector = json!({"nodeSelector": {}});
    let empty_tolerations = json!({"tolerations": []});
    let no_required = json!({"affinity": {"nodeAffinity": {}}});
    for spec in [empty_selector, empty_tolerations, no_required] {
        assert_eq!(replica_requirements(&spec), None, "{spec}");
    }
    let limit_only = json!({"containers": [{"resources": {"limits": {"cpu": "200m"}}}]});
    let expected = Some(req(&[("cpu", "200m")]));
    assert_eq!(
        replica_requirements(&limit_only),
        expected,
        "has resourceRequest"
    );
}

/// Karmada `TestResource_AddPodTemplateRequest`.
#[test]
fn pod_request_from_karmada() {
    let spec = json!({
        "containers": [{"resources": {
            "requests": {"cpu": "10m", "memory": "10", "test.karmada.io/foo": "10",
                "test.karmada.io/bar": "10"},
            "limits": {"memory": "99999", "pods": "10", "test.karmada.io/bar": "99999",
                "test.karmada.io/baz": "10"},
        }}],
        "initContainers": [{"resources": {
            "requests": {"cpu": "5m", "memory": "10", "test.karmada.io/foo": "5",
                "test.karmada.io/bar": "10"},
            "limits": {"memory": "99999", "pods": "20", "test.karmada.io/bar": "99999",
                "test.karmada.io/baz": "20"},
        }}],
        "overhead": {"cpu": "5m", "memory": "5", "ephemeral-storage": "5", "pods": "5",
            "test.karmada.io/foo": "5", "test.karmada.io/bar": "5", "test.karmada.io/baz": "5"},
    });
    let expected = req(&[
        ("cpu", "15m"),
        ("memory", "15"),
        ("ephemeral-storage", "5"),
        ("pods", "25"),
        ("test.karmada.io/foo", "15"),
        ("test.karmada.io/bar", "15"),
        ("test.karmada.io/baz", "25"),
    ]);
    assert_eq!(replica_requirements(&spec), Some(expected));
}

#[test]
fn pod_request_rounding_and_names() {
    let spec = json!({
        "containers": [
            {"resources": {"requests": {"cpu": "0.1m", "memory": "1.5", "foo": "3",
                "example.com/gpu": 1}}},
            {"resources": {"requests": {"cpu": "0.1m", "hugepages-2Mi": "2Mi", "cpu-x": "bad"}}},
            {"name": "no resources"},
        ],
        "initContainers": [{"resources": {"requests": {"cpu": "1", "memory": "-5"}}}],
    });
    // cpu: 1m + 1m, then the init container's 1000m; memory 1.5 rounds up to 2; `foo` is not counted.
    let expected = req(&[
        ("cpu", "1"),
        ("memory", "2"),
        ("example.com/gpu", "1"),
        ("hugepages-2Mi", "2Mi"),
    ]);
    assert_eq!(replica_requirements(&spec), Some(expected));
    let zero = json!({"containers": [{"resources": {"requests": {"cpu": "0"}}}]});
    assert_eq!(replica_requirements(&zero), None);
}

#[test]
fn scalar_resource_names() {
    let scalar = [
        "example.com/gpu",
        "hugepages-2Mi",
        "attachable-volumes-x",
        "a.kubernetes.io/b",
    ];
    for name in scalar {
        assert!(is_scalar_resource_name(name), "{name}");
    }
    let not_scalar = [
        "cpu",
        "pods",
        "foo",
        "requests.a.com/b",
        "A.com/b",
        "a/b/c",
        "a.com/",
        "a.com/-x",
    ];
    for name in not_scalar {
        assert!(!is_scalar_resource_name(name), "{name}");
    }
}

fn arb_list() -> impl Strategy<Value = ResourceList> {
    let names = prop::sample::select(vec!["cpu", "memory", "pods", "example.com/gpu"]);
    let amounts = (0_i64..5_000).prop_map(Quantity::from_milli);
    prop::collection::btree_map(names.prop_map(String::from), amounts, 0..4)
}

proptest! {
    #[test]
    fn estimate_stays_within_allowed_pods_and_capacity(
        allocatable in arb_list(),
        allocated in arb_list(),
        resource_request in arb_list(),
        counts in prop::collection::vec((0_u32..10, 0_i64..5), 0..4),
    ) {
        let allocatable_modelings = modelings(&counts);
        let cluster = ResourceSummary { allocatable, allocated, allocatable_modelings, ..Default::default() };
        let requirements = ReplicaRequirements { resource_request, node_claim: false };
        let models = default_resource_models();
        let n = general_estimate(Some(&cluster), &models, Some(&requirements));
        prop_assert!((0..=allowed_pods(&cluster)).contains(&n));
        if counts.is_empty() {
            // The summary path never exceeds what is left of a requested resource.
            for (name, r) in requirements.resource_request.iter().filter(|(_, r)| r.value() > 0) {
                let used = cluster.allocated.get(name).copied().unwrap_or_default();
                let left = cluster.allocatable.get(name).map_or(Quantity::ZERO, |&a| a - used);
                let (available, requested) = if name == CPU {
                    (left.milli_value(), r.milli_value())
                } else {
                    (left.value(), r.value())
                };
                prop_assert!(n * requested <= available.max(0));
            }
        } else {
            let nodes: i64 = counts.iter().filter(|(grade, _)| *grade < 9).map(|(_, c)| c).sum();
            prop_assert!(n <= nodes * MAX_PODS_PER_NODE);
        }
        let available = available_replicas(3, Some(&cluster), &models, Some(&requirements));
        prop_assert!(available == 3 || i64::from(available) == n);
    }
}

use super::*;
use crate::front::yaml::{Node, Value};
use crate::model::Origin;
use serde_json::json;
use std::sync::Arc;

pub(crate) fn cluster(
    name: &str,
    labels: &[(&str, &str)],
    provider: &str,
    region: &str,
    zones: &[&str],
) -> Cluster {
    let span = crate::source::Span::file_start(crate::source::FileId(0));
    Cluster {
        name: name.into(),
        origin: Origin {
            node: Arc::new(Node {
                value: Value::Null,
                span,
            }),
        },
        labels: labels
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        provider: (!provider.is_empty()).then(|| provider.into()),
        region: (!region.is_empty()).then(|| region.into()),
        zones: zones.iter().map(|z| z.to_string()).collect(),
        taints: Vec::new(),
        api_enablements: None,
        resource_summary: None,
        resource_models: Vec::new(),
        deleting: false,
    }
}

/// Ported from Karmada `pkg/util/selector_test.go` TestClusterMatches (same cluster, same cases, same answers).
#[test]
fn cluster_matches_karmada_table() {
    let c = cluster(
        "cluster1",
        &[("foo", "bar")],
        "provider1",
        "region1",
        &["zone1", "zone2", "zone3"],
    );
    let zones = json!(["zone1", "zone2", "zone3"]);
    let f = |key: &str, op: &str, values: serde_json::Value| json!({"matchExpressions": [{"key": key, "operator": op, "values": values}]});
    let cases = [
        (
            "test cluster excluded and names",
            json!({"exclude": ["cluster1"], "clusterNames": ["cluster1"]}),
            false,
        ),
        (
            "test cluster excluded and label selector",
            json!({"exclude": ["cluster1"], "labelSelector": {"matchLabels": {"foo": "bar"}}}),
            false,
        ),
        (
            "test cluster excluded and field selector",
            json!({"exclude": ["cluster1"], "fieldSelector": f("zone", "In", zones.clone())}),
            false,
        ),
        (
            "test cluster names",
            json!({"clusterNames": ["cluster1"]}),
            true,
        ),
        (
            "test cluster names not matched",
            json!({"clusterNames": ["cluster2"]}),
            false,
        ),
        (
            "test cluster names and label selector",
            json!({"clusterNames": ["cluster1"], "labelSelector": {"matchLabels": {"foo": "bar"}}}),
            true,
        ),
        (
            "test cluster names and label selector not matched",
            json!({"clusterNames": ["cluster1"], "labelSelector": {"matchLabels": {"foo": "unmatched"}}}),
            false,
        ),
        (
            "test cluster names and field selector(zone & region)",
            json!({"clusterNames": ["cluster1"], "fieldSelector": {"matchExpressions": [{"key": "zone", "operator": "In", "values": zones.clone()}, {"key": "region", "operator": "In", "values": ["region1"]}]}}),
            true,
        ),
        (
            "test cluster names and field selector(provider)",
            json!({"clusterNames": ["cluster1"], "fieldSelector": f("provider", "In", json!(["provider1"]))}),
            true,
        ),
        (
            "test cluster names and field selector(region)",
            json!({"clusterNames": ["cluster1"], "fieldSelector": f("region", "In", json!(["region1"]))}),
            true,
        ),
        (
            "test cluster names and field selector(zone not in)",
            json!({"clusterNames": ["cluster1"], "fieldSelector": f("zone", "NotIn", zones.clone())}),
            false,
        ),
        (
            "test cluster names and field selector(provider not in)",
            json!({"clusterNames": ["cluster1"], "fieldSelector": f("provider", "NotIn", json!(["provider1"]))}),
            false,
        ),
        (
            "test cluster names and field selector(region not in)",
            json!({"clusterNames": ["cluster1"], "fieldSelector": f("region", "NotIn", json!(["region1"]))}),
            false,
        ),
        (
            "test label selector and field selector(zone)",
            json!({"labelSelector": {"matchLabels": {"foo": "bar"}}, "fieldSelector": f("zone", "In", zones.clone())}),
            true,
        ),
        (
            "test label selector and field selector(provider)",
            json!({"labelSelector": {"matchLabels": {"foo": "bar"}}, "fieldSelector": f("provider", "In", json!(["provider1"]))}),
            true,
        ),
        (
            "test label selector and field selector(region)",
            json!({"labelSelector": {"matchLabels": {"foo": "bar"}}, "fieldSelector": f("region", "In", json!(["region1"]))}),
            true,
        ),
        (
            "test label selector and field selector(zone not in)",
            json!({"labelSelector": {"matchLabels": {"foo": "bar"}}, "fieldSelector": f("zone", "NotIn", zones.clone())}),
            false,
        ),
        (
            "test label selector and field selector(provider) [not in]",
            json!({"labelSelector": {"matchLabels": {"foo": "bar"}}, "fieldSelector": f("provider", "NotIn", json!(["provider1"]))}),
            false,
        ),
        (
            "test label selector and field selector(region) [not in]",
            json!({"labelSelector": {"matchLabels": {"foo": "bar"}}, "fieldSelector": f("region", "NotIn", json!(["region1"]))}),
            false,
        ),
        (
            "test label selector",
            json!({"labelSelector": {"matchLabels": {"foo": "bar"}}}),
            true,
        ),
        (
            "test label selector not matched",
            json!({"labelSelector": {"matchLabels": {"foo": "unmatched"}}}),
            false,
        ),
        ("test empty cluster affinity matched", json!({}), true),
        (
            "test label selector error",
            json!({"labelSelector": {"matchLabels": {"": "bar"}}}),
            false,
        ),
        (
            "test field selector error",
            json!({"fieldSelector": {"matchExpressions": [{"key": "", "operator": ""}]}}),
            false,
        ),
        (
            "test field selector zone matched",
            json!({"fieldSelector": f("zone", "In", zones.clone())}),
            true,
        ),
        (
            "test field selector zone partially matched",
            json!({"clusterNames": ["cluster1"], "fieldSelector": f("zone", "NotIn", zones.clone())}),
            false,
        ),
        (
            "test field selector zone not matched",
            json!({"clusterNames": ["cluster1"], "fieldSelector": f("zone", "In", json!(["zone2"]))}),
            true,
        ),
        (
            "test field selector region matched",
            json!({"fieldSelector": f("region", "In", json!(["region1"]))}),
            true,
        ),
        (
            "test field selector region not matched",
            json!({"clusterNames": ["cluster1"], "fieldSelector": f("region", "NotIn", json!(["region1"]))}),
            false,
        ),
        (
            "test field selector region not matched [other value]",
            json!({"clusterNames": ["cluster1"], "fieldSelector": f("region", "In", json!(["region2"]))}),
            false,
        ),
        (
            "test field selector provider matched",
            json!({"fieldSelector": f("provider", "In", json!(["provider1"]))}),
            true,
        ),
        (
            "test field selector provider not matched",
            json!({"fieldSelector": f("provider", "NotIn", json!(["provider1"]))}),
            false,
        ),
        (
            "test field selector provider not matched [other value]",
            json!({"fieldSelector": f("provider", "In", json!(["provider2"]))}),
            false,
        ),
        (
            "test field selector other key not matched",
            json!({"fieldSelector": f("metadata.name", "In", json!(["cluster1"]))}),
            false,
        ),
        (
            "test field selector cluster names and label selector",
            json!({"clusterNames": ["cluster1"], "labelSelector": {"matchLabels": {"foo": "bar"}}, "fieldSelector": f("zone", "In", zones.clone())}),
            true,
        ),
        (
            "test field selector cluster names and label selector not matched",
            json!({"clusterNames": ["cluster2"], "labelSelector": {"matchLabels": {"foo": "bar"}}, "fieldSelector": f("zone", "In", zones.clone())}),
            false,
        ),
        (
            "test field selector cluster names and label selector not matched [zone not in]",
            json!({"clusterNames": ["cluster1"], "labelSelector": {"matchLabels": {"foo": "bar"}}, "fieldSelector": f("zone", "NotIn", zones.clone())}),
            false,
        ),
        (
            "test field selector cluster names and label selector not matched [label]",
            json!({"clusterNames": ["cluster1"], "labelSelector": {"matchLabels": {"foo": "Unmatched"}}, "fieldSelector": f("zone", "In", zones.clone())}),
            false,
        ),
    ];
    for (name, affinity, want) in cases {
        let affinity: ClusterAffinity = serde_json::from_value(affinity).unwrap();
        assert_eq!(cluster_matches(&c, &affinity).is_ok(), want, "{name}");
    }
}

/// Ported from Karmada `pkg/util/selector_test.go` Test_matchZones: zone operators against `spec.zones`.
#[test]
fn zone_operators() {
    let with = cluster("c", &[], "", "", &["z1", "z2"]);
    let without = cluster("c", &[], "", "", &[]);
    let req = |op: &str, values: &[&str]| ClusterAffinity {
        field_selector: Some(crate::model::api::FieldSelector {
            match_expressions: vec![Requirement {
                key: "zone".into(),
                operator: op.into(),
                values: values.iter().map(|v| v.to_string()).collect(),
            }],
        }),
        ..ClusterAffinity::default()
    };
    assert!(cluster_matches(&with, &req("In", &["z2", "z9"])).is_ok());
    assert!(cluster_matches(&without, &req("In", &["z1"])).is_err());
    assert!(cluster_matches(&with, &req("NotIn", &["z9"])).is_ok());
    assert!(cluster_matches(&with, &req("NotIn", &["z1"])).is_err());
    assert!(cluster_matches(&without, &req("NotIn", &["z1"])).is_ok());
    assert!(cluster_matches(&with, &req("Exists", &[])).is_ok());
    assert!(cluster_matches(&without, &req("Exists", &[])).is_err());
    assert!(cluster_matches(&without, &req("DoesNotExist", &[])).is_ok());
    assert!(cluster_matches(&with, &req("Gt", &["1"])).is_err());
}

#[test]
fn reasons_name_the_failing_part() {
    let c = cluster("a", &[("env", "staging")], "aws", "eu-west-1", &[]);
    let a: ClusterAffinity = serde_json::from_value(json!({"labelSelector": {"matchExpressions": [{"key": "env", "operator": "In", "values": ["prod"]}]}})).unwrap();
    assert_eq!(
        cluster_matches(&c, &a).unwrap_err(),
        "label `env` is `staging`, not in [prod]"
    );
    let a: ClusterAffinity = serde_json::from_value(json!({"fieldSelector": {"matchExpressions": [{"key": "region", "operator": "In", "values": ["us-east-1"]}]}})).unwrap();
    assert_eq!(
        cluster_matches(&c, &a).unwrap_err(),
        "region `eu-west-1` does not satisfy `region In [us-east-1]`"
    );
    let a: ClusterAffinity = serde_json::from_value(json!({"exclude": ["a"]})).unwrap();
    assert_eq!(
        cluster_matches(&c, &a).unwrap_err(),
        "excluded by `exclude`"
    );
}

/// Kubernetes toleration semantics (k8s.io/api core/v1 toleration tests: TestTolerationToleratesTaint).
#[test]
fn tolerations() {
    let taint = Taint {
        key: "foo".into(),
        value: "bar".into(),
        effect: "NoSchedule".into(),
    };
    let t = |key: &str, op: &str, value: &str, effect: &str| Toleration {
        key: key.into(),
        operator: op.into(),
        value: value.into(),
        effect: effect.into(),
        toleration_seconds: None,
    };
    assert!(tolerates(&t("foo", "Equal", "bar", "NoSchedule"), &taint));
    assert!(
        tolerates(&t("foo", "", "bar", ""), &taint),
        "empty effect tolerates all effects"
    );
    assert!(
        tolerates(&t("", "Exists", "", ""), &taint),
        "empty key with Exists tolerates everything"
    );
    assert!(tolerates(&t("foo", "Exists", "", "NoSchedule"), &taint));
    assert!(!tolerates(&t("foo", "Equal", "baz", "NoSchedule"), &taint));
    assert!(!tolerates(&t("foo", "Equal", "bar", "NoExecute"), &taint));
    assert!(!tolerates(&t("other", "Exists", "", ""), &taint));
    let mut c = cluster("c", &[], "", "", &[]);
    c.taints = vec![
        Taint {
            key: "soft".into(),
            value: String::new(),
            effect: "PreferNoSchedule".into(),
        },
        taint.clone(),
    ];
    assert_eq!(
        untolerated_taint(&c, &[]).map(taint_string),
        Some("foo=bar:NoSchedule".into())
    );
    assert_eq!(untolerated_taint(&c, &[t("foo", "Exists", "", "")]), None);
}

//! The dispatch: Karmada's `pkg/util/overridemanager/overridemanager_test.go` cases, order and error
//! locations; and the fixtures the overriders' tests share.

use super::*;
use crate::model::{ObjectRef, Origin};
use crate::source::FileId;
use serde_json::json;
use std::sync::Arc;

// ---------------------------------------------------------------------------------------------------
// Fixtures: objects, policies and clusters as a user writes them
// ---------------------------------------------------------------------------------------------------

fn node(text: &str) -> crate::front::yaml::Node {
    let parsed = crate::front::yaml::parse(FileId(0), text, crate::front::yaml::Limits::default());
    assert!(
        parsed.diagnostics.is_empty(),
        "{:?}",
        parsed
            .diagnostics
            .iter()
            .map(|d| &d.message)
            .collect::<Vec<_>>()
    );
    parsed.documents[0].root.clone()
}

/// An OverridePolicy or ClusterOverridePolicy from YAML, resolved as `resolve` does (namespace default,
/// deprecated pair as a last rule).
fn policy(text: &str) -> OverridePolicy {
    let root = node(text);
    let json = root.to_json();
    let op: api::OverridePolicy = serde_json::from_value(json.clone()).expect("policy");
    let namespace = (json["kind"] != "ClusterOverridePolicy").then(|| {
        op.metadata
            .namespace
            .clone()
            .unwrap_or_else(|| "default".into())
    });
    let mut rules = op.spec.override_rules.clone();
    if rules.is_empty() && (op.spec.target_cluster.is_some() || op.spec.overriders.is_some()) {
        rules.push(api::OverrideRule {
            target_cluster: op.spec.target_cluster.clone(),
            overriders: op.spec.overriders.clone().unwrap_or_default(),
        });
    }
    let selectors = op
        .spec
        .resource_selectors
        .iter()
        .map(|s| {
            let mut s = s.clone();
            if let (Some(ns), true) = (&namespace, s.namespace.is_empty()) {
                s.namespace.clone_from(ns);
            }
            s
        })
        .collect();
    OverridePolicy {
        name: op.metadata.name.clone(),
        namespace,
        origin: Origin {
            node: Arc::new(root),
        },
        selectors,
        rules,
        generated_for: None,
    }
}

fn cluster(name: &str, labels: &[(&str, &str)]) -> Cluster {
    Cluster {
        name: name.into(),
        origin: Origin {
            node: Arc::new(node("{}")),
        },
        labels: labels
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        provider: None,
        region: None,
        zones: Vec::new(),
        taints: Vec::new(),
        api_enablements: None,
        resource_summary: None,
        resource_models: Vec::new(),
        deleting: false,
    }
}

fn resource(body: Value) -> Resource {
    let meta = &body["metadata"];
    let labels = meta["labels"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_owned()))
                .collect()
        })
        .unwrap_or_default();
    Resource {
        id: ObjectRef {
            api_version: body["apiVersion"].as_str().unwrap_or("").into(),
            kind: body["kind"].as_str().unwrap_or("").into(),
            namespace: meta["namespace"].as_str().map(str::to_owned),
            name: meta["name"].as_str().unwrap_or("").into(),
        },
        uid: String::new(),
        labels,
        variants: Default::default(),
        body,
        origin: Origin {
            node: Arc::new(node("{}")),
        },
        short_form: false,
    }
}

pub(super) fn ops(list: &[(&str, &str, Value)]) -> Vec<Op> {
    list.iter()
        .map(|(op, path, value)| Op::new(op, path, value.clone()))
        .collect()
}

pub(super) fn deployment(labels: Option<Value>, annotations: Option<Value>) -> Value {
    let mut d = json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "test", "namespace": "default", "creationTimestamp": null},
        "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "nginx"}},
            "template": {"metadata": {"labels": {"app": "nginx"}},
                "spec": {"containers": [{"name": "nginx", "image": "nginx:1.19.0"}]}}}
    });
    if let Some(l) = labels {
        d["metadata"]["labels"] = l;
    }
    if let Some(a) = annotations {
        d["metadata"]["annotations"] = a;
    }
    d
}

// ---------------------------------------------------------------------------------------------------
// pkg/util/overridemanager/overridemanager_test.go
// ---------------------------------------------------------------------------------------------------

/// Test_overrideManagerImpl_ApplyLabelAnnotationOverriderPolicies.
#[test]
fn apply_label_annotation_policies_karmada() {
    let overriders = "
        labelsOverrider: [{operator: add, value: {testAddLabel: testAddLabel}}]
        annotationsOverrider: [{operator: add, value: {testAddAnnotation: testAddAnnotation}}]";
    let op = policy(&format!(
        "apiVersion: policy.karmada.io/v1alpha1
kind: OverridePolicy
metadata: {{name: test1, namespace: default}}
spec:
  resourceSelectors: [{{apiVersion: apps/v1, kind: Deployment, namespace: default, name: test1}}]
  overrideRules:
    - targetCluster: {{clusterNames: [test1]}}
      overriders: {overriders}
"
    ));
    let cop = policy(&format!(
        "apiVersion: policy.karmada.io/v1alpha1
kind: ClusterOverridePolicy
metadata: {{name: test2}}
spec:
  resourceSelectors: [{{apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole, name: test2}}]
  overrideRules:
    - targetCluster: {{clusterNames: [test2]}}
      overriders: {overriders}
"
    ));
    let mut dep = deployment(
        Some(json!({"testLabel": "testLabel"})),
        Some(json!({"testAnnotation": "testAnnotation"})),
    );
    dep["metadata"]["name"] = json!("test1");
    let role = json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
        "metadata": {"name": "test2", "labels": {"testLabel": "testLabel"}, "annotations": {"testAnnotation": "testAnnotation"}}});
    let model = Model {
        override_policies: vec![op, cop],
        ..Model::default()
    };
    for (object, cluster_name, applied) in [(dep, "test1", "test1"), (role, "test2", "test2")] {
        let r = resource(object.clone());
        let chosen = policies_for(&model, &r);
        assert_eq!(
            chosen.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
            [applied]
        );
        let mut object = object;
        apply(&chosen, &cluster(cluster_name, &[]), &mut object).unwrap();
        assert_eq!(
            object["metadata"]["labels"],
            json!({"testLabel": "testLabel", "testAddLabel": "testAddLabel"})
        );
        assert_eq!(
            object["metadata"]["annotations"],
            json!({"testAnnotation": "testAnnotation", "testAddAnnotation": "testAddAnnotation"})
        );
    }
}

/// The rules that apply for one cluster, in order: (policy name, annotation value the rule writes).
fn applied_rules(policies: &[&OverridePolicy], cluster: &Cluster) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for p in policies {
        for rule in &p.rules {
            if rule
                .target_cluster
                .as_ref()
                .is_none_or(|t| cluster_matches(cluster, t).is_ok())
            {
                let value = rule.overriders.plaintext[0]
                    .value
                    .as_ref()
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned();
                out.push((p.name.clone(), value));
            }
        }
    }
    out
}

/// TestGetMatchingOverridePolicies.
#[test]
fn matching_override_policies_karmada() {
    let plaintext = |v: &str| {
        format!("{{plaintext: [{{path: /metadata/annotations, operator: add, value: '{v}'}}]}}")
    };
    let op1 = policy(&format!(
        "kind: OverridePolicy
metadata: {{namespace: default, name: overridePolicy1}}
spec:
  resourceSelectors: [{{apiVersion: apps/v1, kind: Deployment, name: test}}]
  overrideRules:
    - targetCluster: {{clusterNames: [cluster1, cluster2]}}
      overriders: {}
    - targetCluster: {{clusterNames: [cluster2]}}
      overriders: {}
",
        plaintext("foo: bar"),
        plaintext("aaa: bbb")
    ));
    let rule3 = format!(
        "  overrideRules:
    - targetCluster: {{clusterNames: [cluster1, cluster2]}}
      overriders: {}
",
        plaintext("hello: world")
    );
    let op2 = policy(&format!(
        "kind: OverridePolicy\nmetadata: {{namespace: default, name: overridePolicy2}}\nspec:\n{rule3}"
    ));
    let op3 = policy(&format!(
        "kind: OverridePolicy\nmetadata: {{namespace: default, name: overridePolicy3}}\nspec:\n  resourceSelectors: []\n{rule3}"
    ));
    let old = policy(&format!(
        "kind: ClusterOverridePolicy
metadata: {{namespace: default, name: oldOverridePolicy}}
spec:
  targetCluster: {{clusterNames: [cluster1]}}
  overriders: {}
",
        plaintext("hello: world")
    ));
    let dep = resource(deployment(None, None));
    let (c1, c2) = (cluster("cluster1", &[]), cluster("cluster2", &[]));
    let pair = |n: &str, v: &str| (n.to_owned(), v.to_owned());
    let cases = [
        (
            "OverrideRules test 1",
            vec![op1.clone(), op2.clone()],
            &c1,
            vec![
                pair("overridePolicy2", "hello: world"),
                pair("overridePolicy1", "foo: bar"),
            ],
        ),
        (
            "OverrideRules test 2",
            vec![op1, op2],
            &c2,
            vec![
                pair("overridePolicy2", "hello: world"),
                pair("overridePolicy1", "foo: bar"),
                pair("overridePolicy1", "aaa: bbb"),
            ],
        ),
        (
            "OverrideRules test 3",
            vec![op3],
            &c2,
            vec![pair("overridePolicy3", "hello: world")],
        ),
        (
            "TargetCluster and Overriders test",
            vec![old],
            &c1,
            vec![pair("oldOverridePolicy", "hello: world")],
        ),
    ];
    for (name, policies, cluster, want) in cases {
        let model = Model {
            override_policies: policies,
            ..Model::default()
        };
        let chosen = policies_for(&model, &dep);
        assert_eq!(applied_rules(&chosen, cluster), want, "{name}");
    }
}

/// Test_overrideManagerImpl_ApplyFieldOverriderPolicies_YAML and
/// Test_overrideManagerImpl_ApplyJSONOverridePolicies_JSON.
#[test]
fn apply_field_overrider_policies_karmada() {
    let cases = [
        (
            "test.yaml",
            "\nkey: \n  key1: value\n",
            "yaml",
            "key:\n  key1: updated_value\n",
        ),
        (
            "test.json",
            r#"{"key":{"key1":"value"}}"#,
            "json",
            r#"{"key":{"key1":"updated_value"}}"#,
        ),
    ];
    for (entry, text, format, want) in cases {
        let op = policy(&format!(
            r#"kind: OverridePolicy
metadata: {{name: test1, namespace: default}}
spec:
  resourceSelectors: [{{apiVersion: v1, kind: ConfigMap, namespace: default, name: test1}}]
  overrideRules:
    - targetCluster: {{clusterNames: [test1]}}
      overriders:
        fieldOverrider:
          - fieldPath: /data/{entry}
            {format}: [{{subPath: /key/key1, operator: replace, value: "updated_value"}}]
"#
        ));
        let mut cm = json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"namespace": "default", "name": "test1", "creationTimestamp": null},
            "data": {entry: text}});
        let model = Model {
            override_policies: vec![op],
            ..Model::default()
        };
        let chosen = policies_for(&model, &resource(cm.clone()));
        apply(&chosen, &cluster("test1", &[]), &mut cm).unwrap();
        assert_eq!(cm["data"], json!({entry: want}), "{entry}");
    }
}

// ---------------------------------------------------------------------------------------------------
// Order and error locations
// ---------------------------------------------------------------------------------------------------

#[test]
fn policies_for_order() {
    let p = |kind: &str, name: &str, ns: &str, selectors: &str| {
        policy(&format!(
            "kind: {kind}\nmetadata: {{name: {name}, namespace: {ns}}}\nspec:\n  resourceSelectors: {selectors}\n  overrideRules: []\n"
        ))
    };
    let by_name = "[{apiVersion: apps/v1, kind: Deployment, name: test}]";
    let by_label =
        "[{apiVersion: apps/v1, kind: Deployment, labelSelector: {matchLabels: {app: web}}}]";
    let all = "[{apiVersion: apps/v1, kind: Deployment}]";
    let other = "[{apiVersion: v1, kind: ConfigMap}]";
    let model = Model {
        override_policies: vec![
            p("OverridePolicy", "a-name", "default", by_name),
            p("OverridePolicy", "b-label", "default", by_label),
            p("OverridePolicy", "c-all", "default", all),
            p("OverridePolicy", "d-empty", "default", "[]"),
            p("OverridePolicy", "e-other-ns", "prod", all),
            p("OverridePolicy", "f-other-kind", "default", other),
            p("ClusterOverridePolicy", "z-cluster-name", "", by_name),
            p("ClusterOverridePolicy", "y-cluster-all", "", "[]"),
        ],
        ..Model::default()
    };
    let dep = resource(deployment(Some(json!({"app": "web"})), None));
    let names: Vec<&str> = policies_for(&model, &dep)
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "y-cluster-all",
            "z-cluster-name",
            "c-all",
            "d-empty",
            "b-label",
            "a-name"
        ]
    );
    // A cluster-scoped object only gets ClusterOverridePolicies.
    let role = resource(
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "test"}}),
    );
    let names: Vec<&str> = policies_for(&model, &role)
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(names, ["y-cluster-all", "z-cluster-name"]);
}

#[test]
fn error_pointers() {
    let mut object = deployment(None, None);
    let rules = policy(
        "kind: OverridePolicy
metadata: {name: p}
spec:
  overrideRules:
    - targetCluster: {clusterNames: [other]}
      overriders: {plaintext: [{path: /nope/x, operator: add, value: 1}]}
    - overriders:
        plaintext:
          - {path: /spec/replicas, operator: replace, value: 5}
          - {path: /spec/missing, operator: replace, value: 5}
",
    );
    let err = apply(&[&rules], &cluster("c", &[]), &mut object).unwrap_err();
    assert_eq!(
        err,
        OverrideError {
            policy: 0,
            pointer: "/spec/overrideRules/1/overriders/plaintext/1".into(),
            message: "json patch `replace` at `/spec/missing`: path does not exist".into(),
        }
    );
    let deprecated = policy(
        "kind: ClusterOverridePolicy
metadata: {name: old}
spec:
  overriders:
    fieldOverrider:
      - fieldPath: /data/x
        json: [{subPath: /a, operator: add, value: 1}]
",
    );
    let ok = policy(
        "kind: OverridePolicy\nmetadata: {name: fine}\nspec: {overrideRules: [{overriders: {}}]}\n",
    );
    let err = apply(&[&ok, &deprecated], &cluster("c", &[]), &mut object).unwrap_err();
    assert_eq!(
        err,
        OverrideError {
            policy: 1,
            pointer: "/spec/overriders/fieldOverrider/0".into(),
            message: "field `/data/x` does not exist".into(),
        }
    );
    let mut generated = rules.clone();
    generated.generated_for = Some(resource(deployment(None, None)).id);
    let err = apply(&[&generated], &cluster("c", &[]), &mut object).unwrap_err();
    assert_eq!(err.pointer, "/spec/overrides/1");
    // A field overrider's failing sub-operation is located inside it.
    let mut cm = json!({"kind": "ConfigMap", "data": {"x": "{\"a\": 1}"}});
    let field = policy(
        "kind: OverridePolicy
metadata: {name: f}
spec:
  overrideRules:
    - overriders:
        fieldOverrider:
          - fieldPath: /data/x
            json:
              - {subPath: /a, operator: replace, value: 2}
              - {subPath: /b, operator: remove}
",
    );
    let err = apply(&[&field], &cluster("c", &[]), &mut cm).unwrap_err();
    assert_eq!(
        err.pointer,
        "/spec/overrideRules/0/overriders/fieldOverrider/0/json/1"
    );
    assert_eq!(
        err.message,
        "json patch `remove` at `/b`: path does not exist"
    );
}

#[test]
fn overriders_run_in_karmada_order() {
    // Plaintext runs last, so it sees the image overrider's result; labels before annotations.
    let p = policy(
        "kind: OverridePolicy
metadata: {name: p}
spec:
  overrideRules:
    - overriders:
        plaintext: [{path: /metadata/annotations/copied, operator: add, value: x}]
        annotationsOverrider: [{operator: add, value: {first: a}}]
        imageOverrider: [{component: Registry, operator: replace, value: reg.io}]
        commandOverrider: [{containerName: nginx, operator: add, value: [run]}]
        argsOverrider: [{containerName: nginx, operator: add, value: [--v]}]
",
    );
    let mut d = deployment(None, None);
    apply(&[&p], &cluster("c", &[]), &mut d).unwrap();
    let c = &d["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(c["image"], "reg.io/nginx:1.19.0");
    assert_eq!(c["command"], json!(["run"]));
    assert_eq!(c["args"], json!(["--v"]));
    assert_eq!(
        d["metadata"]["annotations"],
        json!({"first": "a", "copied": "x"})
    );
}

#[test]
fn removing_kind_fails_like_unstructured() {
    let p = policy(
        "kind: OverridePolicy\nmetadata: {name: p}\nspec:\n  overrideRules:\n    - overriders: {plaintext: [{path: /kind, operator: remove}]}\n",
    );
    let mut d = deployment(None, None);
    let err = apply(&[&p], &cluster("c", &[]), &mut d).unwrap_err();
    assert_eq!(err.pointer, "/spec/overrideRules/0/overriders/plaintext");
    assert_eq!(err.message, "after the patch the object has no `kind`");
}

#[test]
fn no_panics_on_odd_inputs() {
    let odd = [
        json!(null),
        json!([]),
        json!({"kind": "Deployment", "spec": []}),
        json!({"kind": "Deployment", "spec": {"template": {"spec": {"containers": [1, null, {"image": 3}]}}}}),
        json!({"kind": "Pod", "spec": {"containers": [{"name": "a", "command": "sh"}]}, "metadata": "x"}),
    ];
    let overriders: api::Overriders = serde_json::from_value(json!({
        "imageOverrider": [{"component": "Tag", "operator": "add", "value": "x"},
                           {"predicate": {"path": "/spec/containers/99999999999/image"}, "component": "Tag", "operator": "add"}],
        "commandOverrider": [{"containerName": "a", "operator": "add", "value": ["x"]}],
        "labelsOverrider": [{"operator": "add", "value": {"a/b~c": "d"}}],
        "fieldOverrider": [{"fieldPath": "/spec/-", "yaml": [{"subPath": "", "operator": "add"}]}],
        "plaintext": [{"path": "/-/-1/x", "operator": "remove"}]
    }))
    .unwrap();
    for object in odd {
        let mut o = object.clone();
        let _ = apply_overriders(&overriders, &mut o);
        for single in [
            api::Overriders {
                image_overrider: overriders.image_overrider.clone(),
                ..Default::default()
            },
            api::Overriders {
                command_overrider: overriders.command_overrider.clone(),
                ..Default::default()
            },
            api::Overriders {
                labels_overrider: overriders.labels_overrider.clone(),
                ..Default::default()
            },
            api::Overriders {
                field_overrider: overriders.field_overrider.clone(),
                ..Default::default()
            },
        ] {
            let mut o = object.clone();
            let _ = apply_overriders(&single, &mut o);
        }
    }
}

/// Issue #13: an override may not change what names the object (a Secret turned into a ConfigMap would
/// be rendered unmasked); the error points at the rule's overriders.
#[test]
fn an_override_may_not_change_the_objects_identity() {
    for (path, value) in [
        ("/kind", "ConfigMap"),
        ("/apiVersion", "v2"),
        ("/metadata/name", "other"),
        ("/metadata/namespace", "elsewhere"),
    ] {
        let op = policy(&format!(
            r#"kind: OverridePolicy
metadata: {{name: rename, namespace: default}}
spec:
  resourceSelectors: [{{apiVersion: v1, kind: Secret, name: token}}]
  overrideRules:
    - overriders:
        plaintext: [{{path: "{path}", operator: replace, value: "{value}"}}]
"#
        ));
        let mut secret = json!({"apiVersion": "v1", "kind": "Secret",
            "metadata": {"namespace": "default", "name": "token"}, "data": {"t": "c2VjcmV0"}});
        let e = apply(&[&op], &cluster("c", &[]), &mut secret).unwrap_err();
        assert!(
            e.message.contains("may not change"),
            "{path}: {}",
            e.message
        );
        assert_eq!(e.pointer, "/spec/overrideRules/0/overriders", "{path}");
    }
}

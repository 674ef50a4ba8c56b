use super::*;
use crate::place::tests::{cluster, model};

fn policy(kind: &str, name: &str, ns: Option<&str>, priority: i32, selector: &str) -> String {
    let ns = ns.map(|n| format!(", namespace: {n}")).unwrap_or_default();
    format!(
        "---\napiVersion: policy.karmada.io/v1alpha1\nkind: {kind}\nmetadata: {{name: {name}{ns}}}\nspec:\n  priority: {priority}\n  resourceSelectors: [{selector}]\n  placement: {{clusterTolerations: []}}\n"
    )
}

const CM: &str =
    "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm, namespace: ns, labels: {app: x}}\n";

fn winner(yaml: &str) -> Option<String> {
    let m = model(&format!("{}{CM}{yaml}", cluster("a", "r", "", "")));
    let (claims, _) = claims(&m);
    claims[0].map(|i| m.propagation_policies[i].name.clone())
}

/// Karmada `pkg/util/selector_test.go` TestResourceSelectorPriority: name > label selector > match all.
#[test]
fn implicit_priority() {
    let all = "{apiVersion: v1, kind: ConfigMap}";
    let label = "{apiVersion: v1, kind: ConfigMap, labelSelector: {matchLabels: {app: x}}}";
    let name = "{apiVersion: v1, kind: ConfigMap, name: cm}";
    let miss = "{apiVersion: v1, kind: ConfigMap, name: other}";
    let pp = |n: &str, p: i32, s: &str| policy("PropagationPolicy", n, Some("ns"), p, s);
    assert_eq!(
        winner(&format!(
            "{}{}{}",
            pp("a", 0, all),
            pp("b", 0, label),
            pp("c", 0, name)
        ))
        .as_deref(),
        Some("c")
    );
    assert_eq!(
        winner(&format!("{}{}", pp("a", 0, all), pp("b", 0, label))).as_deref(),
        Some("b")
    );
    assert_eq!(winner(&pp("a", 0, miss)), None);
    // explicit priority beats specificity; equal everything: the smaller name
    assert_eq!(
        winner(&format!("{}{}", pp("a", 1, all), pp("b", 0, name))).as_deref(),
        Some("a")
    );
    assert_eq!(
        winner(&format!("{}{}", pp("z", 0, all), pp("y", 0, all))).as_deref(),
        Some("y")
    );
}

/// `pkg/detector/policy.go`: a PropagationPolicy always beats a ClusterPropagationPolicy; a namespaced
/// policy only selects in its own namespace.
#[test]
fn namespaced_policies_win_and_stay_in_their_namespace() {
    let cpp = policy(
        "ClusterPropagationPolicy",
        "c",
        None,
        100,
        "{apiVersion: v1, kind: ConfigMap, name: cm}",
    );
    let pp = policy(
        "PropagationPolicy",
        "p",
        Some("ns"),
        0,
        "{apiVersion: v1, kind: ConfigMap}",
    );
    let other = policy(
        "PropagationPolicy",
        "o",
        Some("other"),
        0,
        "{apiVersion: v1, kind: ConfigMap}",
    );
    assert_eq!(winner(&format!("{cpp}{pp}")).as_deref(), Some("p"));
    assert_eq!(winner(&format!("{cpp}{other}")).as_deref(), Some("c"));
}

#[test]
fn karmada_namespaces_are_never_propagated() {
    let cm = "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm, namespace: kube-public}\n";
    let cpp = policy(
        "ClusterPropagationPolicy",
        "c",
        None,
        0,
        "{apiVersion: v1, kind: ConfigMap}",
    );
    let m = model(&format!("{}{cm}{cpp}", cluster("a", "r", "", "")));
    assert_eq!(claims(&m).0, vec![None]);
}

#[test]
fn a_policy_naming_a_short_form_workload_is_a_conflict() {
    let sf = "---\napiVersion: fanout.dev/v1alpha1\nkind: MulticloudDeployment\nmetadata: {name: web, namespace: ns}\nspec:\n  template:\n    spec:\n      containers: [{name: c, image: i}]\n";
    let pp = policy(
        "PropagationPolicy",
        "extra",
        Some("ns"),
        5,
        "{apiVersion: apps/v1, kind: Deployment, name: web}",
    );
    let mut sources = crate::source::Sources::default();
    let text = format!("{}{sf}{pp}", cluster("a", "r", "", ""));
    let id = sources.add(crate::source::SourceFile {
        rel_path: "r.yaml".into(),
        display_path: "r.yaml".into(),
        text,
    });
    let a = crate::analyse(
        &mut sources,
        &[id],
        &crate::front::config::Limits::default(),
        &crate::front::schemas::Schemas::new(),
    );
    let conflict: Vec<&str> = a
        .diagnostics
        .iter()
        .filter(|d| d.code == "policy-conflict")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(conflict.len(), 1, "{:?}", a.diagnostics);
}

/// Karmada's `--skipped-propagating-namespaces` are regular expressions matched anywhere in the name,
/// `kube-.*` by default; `fanout.yaml` can set them.
#[test]
fn skipped_namespaces_follow_the_setting() {
    let cm = "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm, namespace: team-kube-x}\n";
    let cpp = policy(
        "ClusterPropagationPolicy",
        "c",
        None,
        0,
        "{apiVersion: v1, kind: ConfigMap}",
    );
    let mut m = model(&format!("{}{cm}{cpp}", cluster("a", "r", "", "")));
    // unanchored, as Go's MatchString: `team-kube-x` contains `kube-x`
    assert_eq!(claims(&m).0, vec![None]);
    m.skipped_namespaces = Some(vec!["^sandbox-".into()]);
    assert_eq!(claims(&m).0, vec![Some(0)]);
}

/// Karmada's namespace controller sends every Namespace to every cluster, policy or not, except its own,
/// `default`, skipped ones and those labelled `namespace.karmada.io/skip-auto-propagation: "true"`.
#[test]
fn namespaces_go_to_every_cluster_without_a_policy() {
    let ns = |name: &str, labels: &str| {
        format!(
            "---\napiVersion: v1\nkind: Namespace\nmetadata: {{name: {name}, labels: {{{labels}}}}}\n"
        )
    };
    let text = format!(
        "{}{}{}{}{}{}",
        cluster("a", "r", "", ""),
        ns("shop", ""),
        ns("default", ""),
        ns("kube-extra", ""),
        ns("karmada-system", ""),
        ns(
            "quiet",
            "namespace.karmada.io/skip-auto-propagation: \"true\""
        ),
    );
    let m = model(&text);
    let skipped = Skipped::new(&m);
    let auto: Vec<(&str, bool)> = (m.resources.iter())
        .map(|r| (r.id.name.as_str(), namespace_auto_propagated(r, &skipped)))
        .collect();
    assert_eq!(
        auto,
        [
            ("default", false),
            ("karmada-system", false),
            ("kube-extra", false),
            ("quiet", false),
            ("shop", true)
        ]
    );
}

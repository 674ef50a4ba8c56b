use super::*;
use crate::place::tests::{cluster, model};
use crate::place::{Outcome, place};

/// A cluster listing the CRD API and the core group, with the `CompleteAPIEnablements` condition.
fn listing(name: &str, complete: bool) -> String {
    let condition = if complete {
        "  conditions: [{type: CompleteAPIEnablements, status: \"True\"}]\n"
    } else {
        ""
    };
    format!(
        "{}status:\n  apiEnablements:\n    - {{groupVersion: apiextensions.k8s.io/v1, resources: [{{name: customresourcedefinitions, kind: CustomResourceDefinition}}]}}\n    - {{groupVersion: v1, resources: [{{name: configmaps, kind: ConfigMap}}]}}\n{condition}",
        cluster(name, "r1", "", "")
    )
}

/// `acme.io` sorts before `apiextensions.k8s.io`: custom resources come first in the model, so the
/// CRDs being scheduled first is the placement's doing, not the model's order.
const CRD: &str = "---\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: widgets.acme.io}\nspec:\n  group: acme.io\n  scope: Namespaced\n  names: {plural: widgets, singular: widget, kind: Widget, listKind: WidgetList}\n  versions:\n    - {name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}\n    - {name: v1beta1, served: false, storage: false, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}\n";

const WIDGET: &str = "---\napiVersion: acme.io/v1\nkind: Widget\nmetadata: {name: w, namespace: ns}\nspec: {size: 3}\n";

/// A ClusterPropagationPolicy for the CRD (on `crd_clusters`, with `extra` placement lines) and a
/// PropagationPolicy for every Widget and ConfigMap of `ns`, everywhere.
fn policies(crd_clusters: &str, extra: &str) -> String {
    format!(
        "---\napiVersion: policy.karmada.io/v1alpha1\nkind: ClusterPropagationPolicy\nmetadata: {{name: crds}}\nspec:\n  resourceSelectors: [{{apiVersion: apiextensions.k8s.io/v1, kind: CustomResourceDefinition}}]\n  placement:\n    clusterAffinity: {{clusterNames: [{crd_clusters}]}}\n{extra}---\napiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata: {{name: apps, namespace: ns}}\nspec:\n  resourceSelectors: [{{apiVersion: acme.io/v1, kind: Widget}}, {{apiVersion: v1, kind: ConfigMap}}]\n"
    )
}

fn decision<'d>(m: &Model, decisions: &'d [Decision], name: &str) -> &'d crate::place::Placed {
    let d = (decisions.iter())
        .find(|d| m.resources[d.resource].id.name == name)
        .unwrap();
    match &d.outcome {
        Outcome::Placed(p) => p,
        other => panic!("{other:?}"),
    }
}

fn clusters(p: &crate::place::Placed) -> Vec<&str> {
    p.targets.iter().map(|t| t.cluster.as_str()).collect()
}

#[test]
fn definitions_serve_their_group_served_versions_kind_and_scope() {
    let m = model(&format!("{}{CRD}{WIDGET}", cluster("a", "r1", "", "")));
    let crd = m.resources.iter().find(|r| is_crd(r)).unwrap();
    let def = Definition::of(&crd.body).unwrap();
    assert_eq!(
        def,
        Definition {
            group: "acme.io".into(),
            versions: vec!["v1".into()],
            kind: "Widget".into(),
            namespaced: true,
        }
    );
    let widget = m.resources.iter().find(|r| r.id.kind == "Widget").unwrap();
    assert!(def.serves(widget));
    let mut other = widget.clone();
    for change in [
        |r: &mut Resource| r.id.api_version = "acme.io/v1beta1".into(),
        |r: &mut Resource| r.id.api_version = "other.io/v1".into(),
        |r: &mut Resource| r.id.kind = "Gadget".into(),
        |r: &mut Resource| r.id.namespace = None,
    ] {
        other.clone_from(widget);
        change(&mut other);
        assert!(!def.serves(&other), "{:?}", other.id);
    }
}

/// The CRD placed on `a` serves Widgets there; `b` lists APIs without it and keeps the rejection,
/// naming the CRD; `c` lists none and serves everything. The ConfigMap is listed everywhere.
#[test]
fn a_crd_placed_on_a_cluster_enables_its_api_there() {
    let m = model(&format!(
        "{}{}{}{CRD}{WIDGET}{}",
        listing("a", true),
        listing("b", true),
        cluster("c", "r1", "", ""),
        policies("a, c", "")
    ));
    let (decisions, _) = place(&m);
    assert_eq!(
        clusters(decision(&m, &decisions, "widgets.acme.io")),
        ["a", "c"]
    );
    let widget = decision(&m, &decisions, "w");
    assert_eq!(clusters(widget), ["a", "c"]);
    assert_eq!(
        widget.api_from_crd,
        BTreeMap::from([("a".to_owned(), "widgets.acme.io".to_owned())]),
        "c lists no APIs: nothing to explain"
    );
    let rejected: Vec<(&str, &str)> = (widget.rejected.iter())
        .map(|(c, reason)| (m.clusters[c].name.as_str(), reason))
        .collect();
    assert_eq!(
        rejected,
        [(
            "b",
            "cluster(s) did not have the API resource: the Cluster's `status.apiEnablements` does not list `acme.io/v1` `Widget`; add groupVersion `acme.io/v1` with kind `Widget` there if the cluster serves it, or propagate the repository's CustomResourceDefinition `widgets.acme.io` to this cluster"
        )]
    );
}

/// Where the CRD is scheduled but nothing is dispatched (`suspension`), it is not installed: no API.
#[test]
fn a_suspended_crd_enables_nothing() {
    let suspended = "  suspension:\n    dispatchingOnClusters: {clusterNames: [a]}\n";
    let m = model(&format!(
        "{}{}{CRD}{WIDGET}{}",
        listing("a", true),
        listing("b", true),
        policies("a, b", suspended)
    ));
    let (decisions, _) = place(&m);
    assert_eq!(clusters(decision(&m, &decisions, "w")), ["b"]);
}

/// No cluster passes: Karmada's own error, counting the reason.
#[test]
fn without_the_crd_placed_the_fit_error_is_karmadas() {
    let m = model(&format!(
        "{}{}{WIDGET}{}",
        listing("a", false),
        listing("b", true),
        policies("a", "")
    ));
    let (decisions, _) = place(&m);
    let Outcome::Failed { error, rejected } = &decisions[0].outcome else {
        panic!("{decisions:?}")
    };
    assert_eq!(
        error,
        "0/2 clusters are available: 2 cluster(s) did not have the API resource."
    );
    assert_eq!(
        rejected.iter().next().unwrap().1,
        "cluster(s) did not have the API resource: the Cluster's `status.apiEnablements` does not list `acme.io/v1` `Widget` (an incomplete list: its condition `CompleteAPIEnablements` is not `True`); add groupVersion `acme.io/v1` with kind `Widget` there if the cluster serves it, or propagate a CustomResourceDefinition of it (`apiextensions.k8s.io/v1`) to this cluster"
    );
}

/// A built-in kind has no CRD to propagate: only the inventory can be fixed.
#[test]
fn a_built_in_kind_is_only_fixed_in_the_inventory() {
    let deployment = "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, namespace: ns}\nspec:\n  selector: {matchLabels: {app: d}}\n  template:\n    metadata: {labels: {app: d}}\n    spec: {containers: [{name: c, image: i}]}\n";
    let m = model(&format!(
        "{}{}{deployment}",
        listing("a", true),
        cluster("b", "r1", "", "")
    ));
    let r = &m.resources[0];
    assert_eq!(
        filter(&m.clusters[0], r, &ServedApis::default()),
        Err("cluster(s) did not have the API resource: the Cluster's `status.apiEnablements` does not list `apps/v1` `Deployment`; add groupVersion `apps/v1` with kind `Deployment` there if the cluster serves it".to_owned())
    );
    assert_eq!(filter(&m.clusters[1], r, &ServedApis::default()), Ok(()));
}

/// Sharding keeps a CRD with its custom resources only when its placement can matter.
#[test]
fn crd_links_only_where_an_inventory_lists_apis_without_it() {
    let index = |m: &Model, name: &str| m.resources.iter().position(|r| r.id.name == name).unwrap();
    let listed = model(&format!("{}{CRD}{WIDGET}", listing("a", true)));
    assert_eq!(
        crd_links(&listed),
        [(index(&listed, "widgets.acme.io"), index(&listed, "w"))]
    );
    let unlisted = model(&format!("{}{CRD}{WIDGET}", cluster("a", "r1", "", "")));
    assert_eq!(crd_links(&unlisted), []);
}

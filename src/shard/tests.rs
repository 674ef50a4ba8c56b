use super::*;
use crate::place::tests::{cluster, model};

#[test]
fn shards_parse_as_i_of_n() {
    assert_eq!("2/4".parse(), Ok(Shard { index: 2, count: 4 }));
    assert_eq!("1/1".parse(), Ok(Shard { index: 1, count: 1 }));
    for bad in [
        "", "1", "0/4", "5/4", "1/0", "-1/4", "+1/4", "1/4/2", " 1/4", "a/4", "1/1001",
    ] {
        assert!(bad.parse::<Shard>().is_err(), "{bad}");
    }
    assert_eq!(Shard { index: 3, count: 8 }.to_string(), "3/8");
    assert_eq!(Shard { index: 3, count: 8 }.dir_name(), "shard-3-of-8");
}

fn deployment(name: &str, config: &str) -> String {
    format!(
        "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}, namespace: ns}}\nspec:\n  selector: {{matchLabels: {{app: {name}}}}}\n  template:\n    metadata: {{labels: {{app: {name}}}}}\n    spec:\n      containers:\n        - name: c\n          image: i\n          envFrom: [{{configMapRef: {{name: {config}}}}}]\n"
    )
}

fn config_map(name: &str) -> String {
    format!("---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: {name}, namespace: ns}}\n")
}

/// Workloads that share a dependency are one unit with it; a standalone object is a unit of its own.
#[test]
fn a_shared_dependency_joins_its_workloads() {
    let m = model(&format!(
        "{}{}{}{}{}{}{}",
        cluster("c1", "r", "", ""),
        cluster("c2", "r", "", ""),
        deployment("a", "shared"),
        deployment("b", "shared"),
        deployment("c", "own"),
        config_map("shared") + &config_map("own"),
        config_map("alone"),
    ));
    let units = units(&m);
    let names = |u: &Unit| -> Vec<&str> {
        (u.members.iter())
            .map(|&i| m.resources[i].id.name.as_str())
            .collect()
    };
    let got: Vec<(String, Vec<&str>, u64)> = (units.iter())
        .map(|u| (u.key.clone(), names(u), u.cost))
        .collect();
    assert_eq!(
        got,
        [
            ("/ConfigMap/ns/alone".to_owned(), vec!["alone"], 2),
            ("/ConfigMap/ns/own".to_owned(), vec!["own", "c"], 4),
            (
                "/ConfigMap/ns/shared".to_owned(),
                vec!["shared", "a", "b"],
                6
            ),
        ]
    );
}

/// A ServiceImport is one unit with the EndpointSlices it selects by label (they follow it), not with
/// those of another service or namespace.
#[test]
fn endpoint_slices_selected_by_label_join_their_service_import() {
    let slice = |name: &str, ns: &str, service: &str| {
        format!(
            "---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: {name}\n  namespace: {ns}\n  labels: {{kubernetes.io/service-name: {service}}}\naddressType: IPv4\nendpoints: []\n"
        )
    };
    let m = model(&format!(
        "{}{}{}{}{}",
        cluster("c1", "r", "", ""),
        "---\napiVersion: multicluster.x-k8s.io/v1alpha1\nkind: ServiceImport\nmetadata: {name: web, namespace: ns}\nspec: {type: ClusterSetIP}\n",
        slice("web-1", "ns", "derived-web"),
        slice("web-2", "other", "derived-web"),
        slice("api-1", "ns", "derived-api"),
    ));
    let units: Vec<Vec<&str>> = (units(&m).iter())
        .map(|u| {
            (u.members.iter())
                .map(|&i| m.resources[i].id.name.as_str())
                .collect()
        })
        .collect();
    assert_eq!(units, [vec!["api-1"], vec!["web-1", "web"], vec!["web-2"]]);
}

/// A CRD is one unit with its custom resources when its placement decides where they may go (a
/// Cluster lists API enablements without theirs), and a unit of its own otherwise.
#[test]
fn a_crd_joins_its_custom_resources_when_its_placement_can_matter() {
    let crd = "---\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: widgets.acme.io}\nspec:\n  group: acme.io\n  scope: Namespaced\n  names: {plural: widgets, kind: Widget}\n  versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}]\n";
    let widget = "---\napiVersion: acme.io/v1\nkind: Widget\nmetadata: {name: w, namespace: ns}\n";
    let listing = "status:\n  apiEnablements: [{groupVersion: v1, resources: [{name: configmaps, kind: ConfigMap}]}]\n";
    let names = |m: &Model| -> Vec<Vec<String>> {
        (units(m).iter())
            .map(|u| {
                (u.members.iter())
                    .map(|&i| m.resources[i].id.name.clone())
                    .collect()
            })
            .collect()
    };
    let listed = model(&format!(
        "{}{listing}{crd}{widget}",
        cluster("c1", "r", "", "")
    ));
    assert_eq!(names(&listed), [vec!["w", "widgets.acme.io"]]);
    let unlisted = model(&format!("{}{crd}{widget}", cluster("c1", "r", "", "")));
    assert_eq!(names(&unlisted), [vec!["w"], vec!["widgets.acme.io"]]);
}

/// A deterministic stream of unit hashes and costs (2 to 4 objects of 100 clusters, some larger).
fn some_units(n: usize, seed: u64) -> Vec<(u64, u64)> {
    (0..n as u64)
        .map(|i| {
            let h = mix(seed ^ mix(i));
            let cost = if h.is_multiple_of(50) {
                2_000
            } else {
                200 + 100 * (h % 3)
            };
            (h, cost)
        })
        .collect()
}

fn loads(units: &[(u64, u64)], of: &[usize], count: usize) -> Vec<u64> {
    let mut load = vec![0; count];
    for (u, &s) in units.iter().zip(of) {
        load[s] += u.1;
    }
    load
}

#[test]
fn no_shard_costs_more_than_the_cap() {
    for (n, count) in [
        (0, 3),
        (1, 4),
        (5, 8),
        (40, 3),
        (500, 7),
        (2_000, 16),
        (300, 1),
    ] {
        let units = some_units(n, n as u64);
        let (of, used) = assign(&units, count);
        assert!(of.iter().all(|&s| s < count));
        let total = units.iter().map(|u| u.1).sum();
        let largest = units.iter().map(|u| u.1).max().unwrap_or(0);
        let cap = cap(total, count, largest);
        assert!(used <= cap);
        let load = loads(&units, &of, count);
        assert!(
            load.iter().all(|&l| l <= used),
            "{n} units, {count}: {load:?} > {used}"
        );
        assert_eq!(load.iter().sum::<u64>(), total);
    }
}

/// A few large units: the cap comes down from `mean + largest` to the mean plus the slack when they
/// fit in it, else to the least they fit in.
#[test]
fn a_few_large_units_are_packed_tightly() {
    let units = |costs: &[u64]| -> Vec<(u64, u64)> {
        (costs.iter().enumerate())
            .map(|(i, &c)| (mix(i as u64), c))
            .collect()
    };
    // mean 35, slack cap 37, `mean + largest` 63
    let few = units(&[28, 21, 14, 14, 7, 7, 7, 7]);
    let (of, used) = assign(&few, 3);
    assert_eq!(used, 37);
    assert!(loads(&few, &of, 3).iter().all(|&l| l <= 37));
    // mean 40: 50 fits nowhere under 42; the least cap that the pass fits is 50
    let big = units(&[50, 30, 20, 20]);
    let (of, used) = assign(&big, 3);
    assert_eq!(used, 50);
    let load = loads(&big, &of, 3);
    assert_eq!(load.iter().max(), Some(&50), "{load:?}");
}

#[test]
fn the_assignment_does_not_depend_on_the_order_of_units() {
    let units = some_units(300, 7);
    let (of, _) = assign(&units, 5);
    let mut reversed = units.clone();
    reversed.reverse();
    let (mut of_reversed, _) = assign(&reversed, 5);
    of_reversed.reverse();
    assert_eq!(of, of_reversed);
}

/// One unit added moves few others; one more shard takes about its share and moves little else.
#[test]
fn small_edits_move_few_units() {
    let units = some_units(1_000, 3);
    let (before, _) = assign(&units, 8);
    let mut grown = units.clone();
    grown.push((mix(12345), 300));
    let (after, _) = assign(&grown, 8);
    let moved = before.iter().zip(&after).filter(|(a, b)| a != b).count();
    assert!(moved <= 10, "one unit added moved {moved} of 1,000");
    let (nine, _) = assign(&units, 9);
    let to_new = nine.iter().filter(|&&s| s == 8).count();
    let elsewhere = (before.iter().zip(&nine))
        .filter(|&(a, b)| a != b && *b != 8)
        .count();
    assert!(
        (80..=150).contains(&to_new),
        "{to_new} moved to the new shard"
    );
    assert!(elsewhere <= 30, "{elsewhere} moved between old shards");
}

/// Restricting a model to each shard in turn keeps every object exactly once.
#[test]
fn every_object_is_in_exactly_one_shard() {
    let mut text = cluster("c1", "r", "", "");
    for i in 0..20 {
        text += &deployment(&format!("w{i}"), &format!("cfg{}", i % 7));
    }
    for i in 0..7 {
        text += &config_map(&format!("cfg{i}"));
    }
    let m = model(&text);
    for count in 1..=4 {
        let mut seen = Vec::new();
        for index in 1..=count {
            let mut part = m.clone();
            restrict(&mut part, Shard { index, count });
            seen.extend(part.resources.iter().map(|r| r.id.clone()));
        }
        seen.sort();
        let mut all: Vec<_> = m.resources.iter().map(|r| r.id.clone()).collect();
        all.sort();
        assert_eq!(seen, all, "{count} shards");
    }
}

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

fn image_overrider(
    predicate: Option<&str>,
    component: &str,
    op: &str,
    value: &str,
) -> api::ImageOverrider {
    api::ImageOverrider {
        predicate: predicate.map(|p| api::ImagePredicate { path: p.into() }),
        component: component.into(),
        operator: op.into(),
        value: value.into(),
    }
}

fn ops(list: &[(&str, &str, Value)]) -> Vec<Op> {
    list.iter()
        .map(|(op, path, value)| Op::new(op, path, value.clone()))
        .collect()
}

// ---------------------------------------------------------------------------------------------------
// pkg/util/imageparser/parser_test.go
// ---------------------------------------------------------------------------------------------------

const DIGEST: &str = "sha256:50d858e0985ecc7f60418aaf0cc5ab587f42c2570a884095a9e8ccacd0f6545c";

/// TestParse.
#[test]
fn image_parse_karmada_table() {
    let digest_image = format!("fictional.registry.example:10443/subpath/imagename@{DIGEST}");
    let cases = [
        ("simple", "pause", "", "pause", "", ""),
        (
            "repository",
            "subpath/imagename:v1.0.0",
            "",
            "subpath/imagename",
            "v1.0.0",
            "",
        ),
        (
            "normal",
            "fictional.registry.example/imagename:v1.0.0",
            "fictional.registry.example",
            "imagename",
            "v1.0.0",
            "",
        ),
        (
            "hostname with port",
            "fictional.registry.example:10443/subpath/imagename:v1.0.0",
            "fictional.registry.example:10443",
            "subpath/imagename",
            "v1.0.0",
            "",
        ),
        (
            "digest",
            digest_image.as_str(),
            "fictional.registry.example:10443",
            "subpath/imagename",
            "",
            DIGEST,
        ),
    ];
    for (name, image, hostname, repository, tag, digest) in cases {
        let c = Image::parse(image).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(c.to_string(), image, "{name}: full name changed");
        assert_eq!(c.hostname, hostname, "{name}");
        assert_eq!(c.repository, repository, "{name}");
        assert_eq!(c.tag, tag, "{name}");
        assert_eq!(c.digest, digest, "{name}");
    }
}

/// TestSplitHostname.
#[test]
fn split_hostname_karmada_table() {
    let cases = [
        ("empty image got nothing", "", "", ""),
        ("simple repository", "imagename", "", "imagename"),
        (
            "repository with sub-path",
            "subpath/imagename",
            "",
            "subpath/imagename",
        ),
        (
            "canonical image",
            "fictional.registry.example/subpath/imagename",
            "fictional.registry.example",
            "subpath/imagename",
        ),
        (
            "hostname with port",
            "fictional.registry.example:10443/subpath/imagename",
            "fictional.registry.example:10443",
            "subpath/imagename",
        ),
        (
            "hostname with IP",
            "10.10.10.10:10443/subpath/imagename",
            "10.10.10.10:10443",
            "subpath/imagename",
        ),
    ];
    for (name, input, hostname, repository) in cases {
        assert_eq!(split_hostname(input), (hostname, repository), "{name}");
    }
}

/// ExampleComponents_SetHostname, ExampleComponents_SetRepository, ExampleComponents_SetTagOrDigest,
/// ExampleComponents_String.
#[test]
fn image_components_karmada_examples() {
    let mut c = Image::parse("imagename:v1.0.0").unwrap();
    c.hostname = "fictional.registry.example".into();
    assert_eq!(c.to_string(), "fictional.registry.example/imagename:v1.0.0");
    c.hostname = "gcr.io".into();
    assert_eq!(c.to_string(), "gcr.io/imagename:v1.0.0");
    c.hostname.clear();
    assert_eq!(c.to_string(), "imagename:v1.0.0");

    let mut c = Image::parse("gcr.io/kube-apiserver:v1.19.0").unwrap();
    c.repository = "kube-controller-manager".into();
    assert_eq!(c.to_string(), "gcr.io/kube-controller-manager:v1.19.0");

    let mut c = Image::parse("gcr.io/kube-apiserver").unwrap();
    c.set_tag_or_digest("v1.19.0");
    assert_eq!(c.to_string(), "gcr.io/kube-apiserver:v1.19.0");
    c.remove_tag_or_digest();
    assert_eq!(c.to_string(), "gcr.io/kube-apiserver");
    c.set_tag_or_digest(DIGEST);
    assert_eq!(c.to_string(), format!("gcr.io/kube-apiserver@{DIGEST}"));
    c.remove_tag_or_digest();
    assert_eq!(c.to_string(), "gcr.io/kube-apiserver");

    let c = Image {
        hostname: "fictional.registry.example".into(),
        repository: "karmada-scheduler".into(),
        tag: "v1.0.0".into(),
        digest: String::new(),
    };
    assert_eq!(
        c.to_string(),
        "fictional.registry.example/karmada-scheduler:v1.0.0"
    );
}

/// The reference grammar's edges: what distribution/reference accepts and the errors it gives.
#[test]
fn image_parse_grammar_edges() {
    let ok = [
        ("localhost/app", "localhost", "app", "", ""),
        ("localhost:5000/app:1", "localhost:5000", "app", "1", ""),
        ("host:5000", "", "host", "5000", ""),
        ("[::1]:5000/app", "[::1]:5000", "app", "", ""),
        (
            "docker.io/library/nginx",
            "docker.io",
            "library/nginx",
            "",
            "",
        ),
        ("library/nginx", "", "library/nginx", "", ""),
        ("a__b/c--d/e.f_g", "", "a__b/c--d/e.f_g", "", ""),
        ("Registry.Example/app", "Registry.Example", "app", "", ""),
    ];
    for (image, hostname, repository, tag, digest) in ok {
        let c = Image::parse(image).unwrap_or_else(|e| panic!("{image}: {e}"));
        assert_eq!(
            (
                c.hostname.as_str(),
                c.repository.as_str(),
                c.tag.as_str(),
                c.digest.as_str()
            ),
            (hostname, repository, tag, digest),
            "{image}"
        );
    }
    // Tag and digest together: only the tag is kept.
    let c = Image::parse(&format!("nginx:1.0@{DIGEST}")).unwrap();
    assert_eq!(c.to_string(), "nginx:1.0");

    let errors = [
        ("", "repository name must have at least one component"),
        ("Nginx", "repository name must be lowercase"),
        ("app:", "invalid reference format"),
        ("a___b", "invalid reference format"),
        ("-app", "invalid reference format"),
        ("app@sha256:abc", "invalid reference format"),
        (
            "app@sha256:50d858e0985ecc7f60418aaf0cc5ab587f42c2570a884095a9e8ccacd0f6545",
            "invalid checksum digest length",
        ),
        (
            "app@SHA256:50d858e0985ecc7f60418aaf0cc5ab587f42c2570a884095a9e8ccacd0f6545c",
            "invalid checksum digest format",
        ),
        (
            "app@md5:50d858e0985ecc7f60418aaf0cc5ab58",
            "unsupported digest algorithm",
        ),
        (
            "app@sha256:50D858E0985ECC7F60418AAF0CC5AB587F42C2570A884095A9E8CCACD0F6545C",
            "invalid checksum digest format",
        ),
    ];
    for (image, message) in errors {
        assert_eq!(Image::parse(image), Err(message), "{image}");
    }
    let long = "a".repeat(256);
    assert_eq!(
        Image::parse(&long),
        Err("repository name must not be more than 255 characters")
    );
    assert!(Image::parse(&format!("registry.io/{}", "a".repeat(255))).is_ok());
}

#[test]
fn tag_and_digest_validity() {
    assert!(is_tag("v1.0.0"));
    assert!(is_tag("_x"));
    assert!(is_tag(&"a".repeat(128)));
    assert!(!is_tag(&"a".repeat(129)));
    assert!(!is_tag(".x"));
    assert!(!is_tag("-x"));
    assert!(!is_tag("a:b"));
    assert!(!is_tag("é"));
    assert!(is_digest(DIGEST));
    assert!(is_digest("a+b.c:0123456789abcdefABCDEF0123456789"));
    assert!(!is_digest("sha256:0123"));
    assert!(!is_digest("1sha:0123456789abcdef0123456789abcdef"));
    assert!(!is_digest(
        "v1.0.0sha256:dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c"
    ));
}

// ---------------------------------------------------------------------------------------------------
// pkg/util/overridemanager/imageoverride_test.go
// ---------------------------------------------------------------------------------------------------

fn workload(kind: &str, api_version: &str, images: &[(&str, &str)]) -> Value {
    let containers: Vec<Value> = images
        .iter()
        .map(|(name, image)| json!({"image": image, "name": name}))
        .collect();
    let spec = json!({"containers": containers});
    if kind == "Pod" {
        json!({"apiVersion": api_version, "kind": kind, "metadata": {"name": "nginx", "labels": {"app": "nginx"}}, "spec": spec})
    } else {
        json!({
            "apiVersion": api_version, "kind": kind,
            "metadata": {"name": "nginx", "labels": {"app": "nginx"}},
            "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "nginx"}},
                     "template": {"metadata": {"labels": {"app": "nginx"}}, "spec": spec}}
        })
    }
}

const IMAGE: &str = "fictional.registry.example/imagename:v1.0.0";
const SHA: &str = "sha256:dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c";
const TEMPLATE_IMAGE: &str = "/spec/template/spec/containers/0/image";

/// TestParseJSONPatchesByImageOverrider.
#[test]
fn image_overrider_karmada_table() {
    let deployment = workload("Deployment", "apps/v1", &[("nginx", IMAGE)]);
    let two = workload(
        "Deployment",
        "apps/v1",
        &[
            ("nginx", IMAGE),
            ("nginx", "registry.k8s.io/nginx-slim:0.8"),
        ],
    );
    let job = json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "pi"},
        "spec": {"template": {"spec": {"containers": [{"image": "perl:5.34.0", "name": "perl"}]}}}});
    let pod = workload("Pod", "v1", &[("nginx", IMAGE)]);
    let statefulset = workload("StatefulSet", "apps/v1", &[("nginx", IMAGE)]);
    let replicaset = workload("ReplicaSet", "apps/v1", &[("nginx", IMAGE)]);
    let daemonset = workload("DaemonSet", "apps/v1", &[("nginx", IMAGE)]);
    let with_sha = format!("fictional.registry.example/imagename@{SHA}");
    type Case<'a> = (
        &'a str,
        &'a Value,
        api::ImageOverrider,
        Vec<(&'a str, &'a str)>,
    );
    let cases: Vec<Case> = vec![
        (
            "empty predicate, Job, Registry add",
            &job,
            image_overrider(None, "Registry", "add", "registry.k8s.io"),
            vec![(TEMPLATE_IMAGE, "registry.k8s.io/perl:5.34.0")],
        ),
        (
            "predicate, Job, Registry add",
            &job,
            image_overrider(Some(TEMPLATE_IMAGE), "Registry", "add", "registry.k8s.io"),
            vec![(TEMPLATE_IMAGE, "registry.k8s.io/perl:5.34.0")],
        ),
        (
            "empty predicate, Deployment, Registry add",
            &deployment,
            image_overrider(None, "Registry", "add", ".test"),
            vec![(
                TEMPLATE_IMAGE,
                "fictional.registry.example.test/imagename:v1.0.0",
            )],
        ),
        (
            "empty predicate, Deployment, Registry replace",
            &deployment,
            image_overrider(None, "Registry", "replace", "fictional.registry.us"),
            vec![(TEMPLATE_IMAGE, "fictional.registry.us/imagename:v1.0.0")],
        ),
        (
            "empty predicate, Deployment, Registry remove",
            &deployment,
            image_overrider(None, "Registry", "remove", "fictional.registry.us"),
            vec![(TEMPLATE_IMAGE, "imagename:v1.0.0")],
        ),
        (
            "empty predicate, Deployment, Repository add",
            &deployment,
            image_overrider(None, "Repository", "add", "/nginx"),
            vec![(
                TEMPLATE_IMAGE,
                "fictional.registry.example/imagename/nginx:v1.0.0",
            )],
        ),
        (
            "empty predicate, Deployment, Repository replace",
            &deployment,
            image_overrider(None, "Repository", "replace", "nginx"),
            vec![(TEMPLATE_IMAGE, "fictional.registry.example/nginx:v1.0.0")],
        ),
        (
            "empty predicate, Deployment, Repository remove",
            &deployment,
            image_overrider(None, "Repository", "remove", "nginx"),
            vec![(TEMPLATE_IMAGE, "fictional.registry.example/:v1.0.0")],
        ),
        (
            "empty predicate, Deployment, Tag add (only one of tag and digest is valid)",
            &deployment,
            image_overrider(None, "Tag", "add", SHA),
            vec![(TEMPLATE_IMAGE, IMAGE)],
        ),
        (
            "empty predicate, Deployment, Tag replace",
            &deployment,
            image_overrider(None, "Tag", "replace", SHA),
            vec![(TEMPLATE_IMAGE, with_sha.as_str())],
        ),
        (
            "empty predicate, Deployment, Tag remove",
            &deployment,
            image_overrider(None, "Tag", "remove", SHA),
            vec![(TEMPLATE_IMAGE, "fictional.registry.example/imagename")],
        ),
        (
            "empty predicate, Pod",
            &pod,
            image_overrider(None, "Repository", "replace", "nginx"),
            vec![(
                "/spec/containers/0/image",
                "fictional.registry.example/nginx:v1.0.0",
            )],
        ),
        (
            "empty predicate, StatefulSet",
            &statefulset,
            image_overrider(None, "Repository", "replace", "nginx"),
            vec![(TEMPLATE_IMAGE, "fictional.registry.example/nginx:v1.0.0")],
        ),
        (
            "empty predicate, ReplicaSet",
            &replicaset,
            image_overrider(None, "Repository", "replace", "nginx"),
            vec![(TEMPLATE_IMAGE, "fictional.registry.example/nginx:v1.0.0")],
        ),
        (
            "empty predicate, DaemonSet",
            &daemonset,
            image_overrider(None, "Repository", "replace", "nginx"),
            vec![(TEMPLATE_IMAGE, "fictional.registry.example/nginx:v1.0.0")],
        ),
        (
            "empty predicate, more than one container",
            &two,
            image_overrider(None, "Repository", "replace", "nginx"),
            vec![
                (TEMPLATE_IMAGE, "fictional.registry.example/nginx:v1.0.0"),
                (
                    "/spec/template/spec/containers/1/image",
                    "registry.k8s.io/nginx:0.8",
                ),
            ],
        ),
        (
            "predicate, one container",
            &deployment,
            image_overrider(Some(TEMPLATE_IMAGE), "Repository", "replace", "nginx"),
            vec![(TEMPLATE_IMAGE, "fictional.registry.example/nginx:v1.0.0")],
        ),
        (
            "predicate, more than one container",
            &two,
            image_overrider(
                Some("/spec/template/spec/containers/1/image"),
                "Repository",
                "replace",
                "nginx",
            ),
            vec![(
                "/spec/template/spec/containers/1/image",
                "registry.k8s.io/nginx:0.8",
            )],
        ),
    ];
    for (name, object, overrider, want) in cases {
        let want: Vec<Op> = want
            .iter()
            .map(|(path, image)| Op::new("replace", path, json!(image)))
            .collect();
        assert_eq!(image_ops(object, &overrider), Ok(want), "{name}");
    }
}

#[test]
fn image_overrider_edges() {
    // Init containers and other kinds are left alone.
    let mut d = workload("Deployment", "apps/v1", &[("a", "nginx")]);
    d["spec"]["template"]["spec"]["initContainers"] = json!([{"name": "i", "image": "busybox"}]);
    let o = image_overrider(None, "Registry", "replace", "reg.io");
    assert_eq!(
        image_ops(&d, &o),
        Ok(ops(&[("replace", TEMPLATE_IMAGE, json!("reg.io/nginx"))]))
    );
    let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}});
    assert_eq!(image_ops(&cm, &o), Ok(Vec::new()));
    // A CronJob is not among Karmada's kinds.
    let cron = json!({"kind": "CronJob", "spec": {"jobTemplate": {}}});
    assert_eq!(image_ops(&cron, &o), Ok(Vec::new()));
    // No template or no containers: nothing.
    assert_eq!(
        image_ops(&json!({"kind": "Deployment"}), &o),
        Ok(Vec::new())
    );
    // A container without an image cannot be parsed.
    let no_image = json!({"kind": "Pod", "spec": {"containers": [{"name": "a"}]}});
    assert_eq!(
        image_ops(&no_image, &o),
        Err("container image at `/spec/containers/0/image`: cannot parse image ``: repository name must have at least one component".into())
    );
    // An unknown component is an error once the image parsed; an unknown operator only normalises.
    let bad = image_overrider(None, "Name", "replace", "x");
    assert_eq!(
        image_ops(&d, &bad),
        Err("container image at `/spec/template/spec/containers/0/image`: unsupported image component `Name`".into())
    );
    let mut tagged = workload("Pod", "v1", &[("a", "")]);
    tagged["spec"]["containers"][0]["image"] = json!(format!("nginx:1@{DIGEST}"));
    let noop = image_overrider(None, "Tag", "append", "x");
    assert_eq!(
        image_ops(&tagged, &noop),
        Ok(ops(&[(
            "replace",
            "/spec/containers/0/image",
            json!("nginx:1")
        )]))
    );
    // Tag add concatenates, and keeps only valid results.
    let add = image_overrider(None, "Tag", "add", "-debug");
    let pod = workload("Pod", "v1", &[("a", "nginx:1.19")]);
    assert_eq!(
        image_ops(&pod, &add),
        Ok(ops(&[(
            "replace",
            "/spec/containers/0/image",
            json!("nginx:1.19-debug")
        )]))
    );
}

#[test]
fn image_predicate_paths() {
    let d = workload("Deployment", "apps/v1", &[("a", "nginx:1")]);
    let o = |path: &str| image_overrider(Some(path), "Registry", "replace", "reg.io");
    // Trailing and doubled slashes are trimmed for the lookup; the patch uses the path as written.
    assert_eq!(
        image_ops(&d, &o("/spec/template/spec/containers/0/image/")),
        Ok(ops(&[(
            "replace",
            "/spec/template/spec/containers/0/image/",
            json!("reg.io/nginx:1")
        )]))
    );
    let mut object = d.clone();
    let failure = image_ops(&object, &o("/spec/template/spec/containers/0/image/"))
        .and_then(|ops| patch_object(&mut object, &ops));
    assert_eq!(
        failure,
        Err("json patch `replace` at `/spec/template/spec/containers/0/image/`: path does not exist".into())
    );
    // Without a leading slash the lookup works but Karmada refuses the patch path.
    assert_eq!(
        image_ops(&d, &o("spec/template/spec/containers/0/image")),
        Err("image predicate `spec/template/spec/containers/0/image` must start with `/`".into())
    );
    let errors = [
        (
            "/spec/template/spec/containers/x/image",
            "`x` is not a list index",
        ),
        (
            "/spec/template/spec/containers/3/image",
            "index `3` is out of range",
        ),
        (
            "/spec/template/spec/containers/-1/image",
            "index `-1` is out of range",
        ),
        (
            "/spec/template/spec/missing/0/image",
            "`missing` is not an object or a list",
        ),
        (
            "/spec/replicas/image",
            "`replicas` is not an object or a list",
        ),
        (
            "/spec/template/spec/containers/0/name/x",
            "`name` is not an object or a list",
        ),
        ("/spec/template/spec/containers/0", "`0` is not a string"),
        ("/metadata/labels", "`labels` is not a string"),
    ];
    for (path, why) in errors {
        assert_eq!(
            image_ops(&d, &o(path)),
            Err(format!("image predicate `{path}`: {why}")),
            "{path}"
        );
    }
    // Any string field can be an image through a predicate.
    let cm = json!({"kind": "ConfigMap", "data": {"image": "nginx"}});
    assert_eq!(
        image_ops(&cm, &o("/data/image")),
        Ok(ops(&[("replace", "/data/image", json!("reg.io/nginx"))]))
    );
}

// ---------------------------------------------------------------------------------------------------
// pkg/util/overridemanager/commandargsoverride_test.go
// ---------------------------------------------------------------------------------------------------

fn command_workload(kind: &str, field: &str, containers: &[&str]) -> Value {
    let containers: Vec<Value> = containers
        .iter()
        .map(|name| json!({"image": "nginx", "name": name, field: ["nginx", "-v", "-t"]}))
        .collect();
    if kind == "Pod" {
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "nginx"}, "spec": {"containers": containers}})
    } else {
        json!({"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": "nginx"},
            "spec": {"replicas": 1, "template": {"metadata": {"labels": {"app": "nginx"}}, "spec": {"containers": containers}}}})
    }
}

fn command_overrider(container: &str, op: &str, values: &[&str]) -> api::CommandArgsOverrider {
    api::CommandArgsOverrider {
        container_name: container.into(),
        operator: op.into(),
        value: values.iter().map(|v| (*v).to_owned()).collect(),
    }
}

/// TestParseJSONPatchesByCommandOverrider and TestParseJSONPatchesByArgsOverrider.
#[test]
fn command_args_overrider_karmada_table() {
    let hello = "&& echo 'hello karmada'";
    type Case<'a> = (
        &'a str,
        &'a str,
        Value,
        api::CommandArgsOverrider,
        Vec<(&'a str, &'a str, Value)>,
    );
    let cases: Vec<Case> = vec![
        (
            "command, Deployment, add",
            "command",
            command_workload("Deployment", "command", &["nginx"]),
            command_overrider("nginx", "add", &[hello]),
            vec![(
                "replace",
                "/spec/template/spec/containers/0/command",
                json!(["nginx", "-v", "-t", hello]),
            )],
        ),
        (
            "command, Deployment, remove",
            "command",
            command_workload("Deployment", "command", &["nginx"]),
            command_overrider("nginx", "remove", &["-t"]),
            vec![(
                "replace",
                "/spec/template/spec/containers/0/command",
                json!(["nginx", "-v"]),
            )],
        ),
        (
            "command, remove value is empty",
            "command",
            command_workload("Deployment", "command", &["nginx"]),
            command_overrider("nginx", "remove", &[]),
            vec![(
                "replace",
                "/spec/template/spec/containers/0/command",
                json!(["nginx", "-v", "-t"]),
            )],
        ),
        (
            "command, more than one container, add",
            "command",
            command_workload("Deployment", "command", &["nginx", "nginx1"]),
            command_overrider("nginx", "add", &["echo 'hello karmada'"]),
            vec![(
                "replace",
                "/spec/template/spec/containers/0/command",
                json!(["nginx", "-v", "-t", "echo 'hello karmada'"]),
            )],
        ),
        (
            "command, more than one container, remove",
            "command",
            command_workload("Deployment", "command", &["nginx", "nginx1"]),
            command_overrider("nginx", "remove", &["-t"]),
            vec![(
                "replace",
                "/spec/template/spec/containers/0/command",
                json!(["nginx", "-v"]),
            )],
        ),
        (
            "command, Pod, add",
            "command",
            command_workload("Pod", "command", &["nginx"]),
            command_overrider("nginx", "add", &["echo 'hello karmada'"]),
            vec![(
                "replace",
                "/spec/containers/0/command",
                json!(["nginx", "-v", "-t", "echo 'hello karmada'"]),
            )],
        ),
        (
            "command, StatefulSet, add",
            "command",
            command_workload("StatefulSet", "command", &["nginx"]),
            command_overrider("nginx", "add", &["echo 'hello karmada'"]),
            vec![(
                "replace",
                "/spec/template/spec/containers/0/command",
                json!(["nginx", "-v", "-t", "echo 'hello karmada'"]),
            )],
        ),
        (
            "command, ReplicaSet, remove",
            "command",
            command_workload("ReplicaSet", "command", &["nginx"]),
            command_overrider("nginx", "remove", &["-t"]),
            vec![(
                "replace",
                "/spec/template/spec/containers/0/command",
                json!(["nginx", "-v"]),
            )],
        ),
        (
            // Karmada's "DaemonSet" fixture is a ReplicaSet.
            "command, DaemonSet, remove",
            "command",
            command_workload("ReplicaSet", "command", &["nginx"]),
            command_overrider("nginx", "remove", &["-t"]),
            vec![(
                "replace",
                "/spec/template/spec/containers/0/command",
                json!(["nginx", "-v"]),
            )],
        ),
        (
            "args, Deployment, add",
            "args",
            command_workload("Deployment", "args", &["nginx"]),
            command_overrider("nginx", "add", &[hello]),
            vec![(
                "replace",
                "/spec/template/spec/containers/0/args",
                json!(["nginx", "-v", "-t", hello]),
            )],
        ),
        (
            "args, Deployment, remove",
            "args",
            command_workload("Deployment", "args", &["nginx"]),
            command_overrider("nginx", "remove", &["-t"]),
            vec![(
                "replace",
                "/spec/template/spec/containers/0/args",
                json!(["nginx", "-v"]),
            )],
        ),
        (
            "args absent, Deployment, add",
            "args",
            command_workload("Deployment", "command", &["nginx"]),
            command_overrider("nginx", "add", &["-t"]),
            vec![(
                "add",
                "/spec/template/spec/containers/0/args",
                json!(["-t"]),
            )],
        ),
    ];
    for (name, field, object, overrider, want) in cases {
        assert_eq!(
            command_args_ops(&object, field, &overrider),
            Ok(ops(&want)),
            "{name}"
        );
    }
}

#[test]
fn command_args_edges() {
    // Absent list with `remove` becomes an empty list; an unknown operator keeps the list as it is.
    let d = command_workload("DaemonSet", "command", &["a"]);
    assert_eq!(
        command_args_ops(&d, "args", &command_overrider("a", "remove", &["x"])),
        Ok(ops(&[(
            "add",
            "/spec/template/spec/containers/0/args",
            json!([])
        )]))
    );
    assert_eq!(
        command_args_ops(&d, "command", &command_overrider("a", "replace", &["x"])),
        Ok(ops(&[(
            "replace",
            "/spec/template/spec/containers/0/command",
            json!(["nginx", "-v", "-t"])
        )]))
    );
    // No container of that name, another kind, no containers: nothing.
    assert_eq!(
        command_args_ops(&d, "command", &command_overrider("b", "add", &["x"])),
        Ok(vec![])
    );
    let svc =
        json!({"kind": "Service", "spec": {"template": {"spec": {"containers": [{"name": "a"}]}}}});
    assert_eq!(
        command_args_ops(&svc, "command", &command_overrider("a", "add", &["x"])),
        Ok(vec![])
    );
    assert_eq!(
        command_args_ops(
            &json!({"kind": "Job", "spec": null}),
            "command",
            &command_overrider("a", "add", &["x"])
        ),
        Ok(vec![])
    );
    // A null list is added anew; a null `containers` or a non-object step is an error.
    let mut null_args = d.clone();
    null_args["spec"]["template"]["spec"]["containers"][0]["args"] = Value::Null;
    assert_eq!(
        command_args_ops(&null_args, "args", &command_overrider("a", "add", &["x"])),
        Ok(ops(&[(
            "add",
            "/spec/template/spec/containers/0/args",
            json!(["x"])
        )]))
    );
    assert_eq!(
        command_args_ops(
            &json!({"kind": "Pod", "spec": {"containers": null}}),
            "args",
            &command_overrider("a", "add", &["x"])
        ),
        Err("`.spec.containers` is not a list".into())
    );
    assert_eq!(
        command_args_ops(
            &json!({"kind": "Pod", "spec": "x"}),
            "args",
            &command_overrider("a", "add", &["x"])
        ),
        Err("`.spec` is not an object".into())
    );
    let mut numeric = d.clone();
    numeric["spec"]["template"]["spec"]["containers"][0]["command"] = json!(["sleep", 5]);
    assert_eq!(
        command_args_ops(&numeric, "command", &command_overrider("a", "add", &["x"])),
        Err("`command` of container `a` holds a non-string item".into())
    );
    // Every container of that name is patched.
    let twice = command_workload("Pod", "args", &["a", "a"]);
    assert_eq!(
        command_args_ops(
            &twice,
            "args",
            &command_overrider("a", "remove", &["-v", "nginx"])
        ),
        Ok(ops(&[
            ("replace", "/spec/containers/0/args", json!(["-t"])),
            ("replace", "/spec/containers/1/args", json!(["-t"])),
        ]))
    );
}

// ---------------------------------------------------------------------------------------------------
// pkg/util/overridemanager/labelannotationoverrider_test.go
// ---------------------------------------------------------------------------------------------------

fn deployment(labels: Option<Value>, annotations: Option<Value>) -> Value {
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

fn map_overrider(op: &str, value: &[(&str, &str)]) -> api::MapOverrider {
    api::MapOverrider {
        operator: op.into(),
        value: value
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
    }
}

fn run_map(object: &mut Value, field: &str, o: &api::MapOverrider) -> Result<(), String> {
    let ops = map_ops(object, field, o);
    if ops.is_empty() {
        return Ok(());
    }
    patch_object(object, &ops)
}

/// Test_applyLabelsOverriders and Test_applyAnnotationsOverriders.
#[test]
fn labels_annotations_karmada_table() {
    let foo_bar = json!({"foo": "foo", "bar": "bar"});
    let composed = json!({"testannotation/projectId": "c-m-lfx9lk92:p-v86cf", "foo": "foo"});
    let cases: Vec<(&str, &str, Option<Value>, api::MapOverrider, Value)> = vec![
        (
            "test empty labels",
            "labels",
            None,
            map_overrider("add", &[("test2", "test2")]),
            json!({"test2": "test2"}),
        ),
        (
            "test labels replace",
            "labels",
            Some(foo_bar.clone()),
            map_overrider("replace", &[("foo", "exist"), ("non-exist", "non-exist")]),
            json!({"foo": "exist", "bar": "bar"}),
        ),
        (
            "test labels add",
            "labels",
            Some(foo_bar.clone()),
            map_overrider("add", &[("test", "test")]),
            json!({"test": "test", "foo": "foo", "bar": "bar"}),
        ),
        (
            "test labels remove",
            "labels",
            Some(foo_bar.clone()),
            map_overrider("remove", &[("foo", "foo"), ("non-exist", "non-exist")]),
            json!({"bar": "bar"}),
        ),
        (
            "test empty annotations",
            "annotations",
            None,
            map_overrider("add", &[("test2", "test2")]),
            json!({"test2": "test2"}),
        ),
        (
            "test annotations replace",
            "annotations",
            Some(foo_bar.clone()),
            map_overrider("replace", &[("foo", "exist"), ("non-exist", "non-exist")]),
            json!({"foo": "exist", "bar": "bar"}),
        ),
        (
            "test annotations add",
            "annotations",
            Some(foo_bar.clone()),
            map_overrider("add", &[("test", "test")]),
            json!({"test": "test", "foo": "foo", "bar": "bar"}),
        ),
        (
            "test annotations remove",
            "annotations",
            Some(foo_bar.clone()),
            map_overrider("remove", &[("foo", "foo"), ("non-exist", "non-exist")]),
            json!({"bar": "bar"}),
        ),
        (
            "test annotations remain the same (remove nothing)",
            "annotations",
            Some(foo_bar.clone()),
            map_overrider("remove", &[]),
            foo_bar.clone(),
        ),
        (
            "test annotations remain the same (replace missing)",
            "annotations",
            Some(foo_bar.clone()),
            map_overrider("replace", &[("test", "test")]),
            foo_bar.clone(),
        ),
        (
            "test annotations remain the same (remove missing)",
            "annotations",
            Some(foo_bar.clone()),
            map_overrider("remove", &[("test", "test")]),
            foo_bar.clone(),
        ),
        (
            "test add composed annotation",
            "annotations",
            Some(foo_bar.clone()),
            map_overrider(
                "add",
                &[("testannotation/projectId", "c-m-lfx9lk92:p-v86cf")],
            ),
            json!({"foo": "foo", "bar": "bar", "testannotation/projectId": "c-m-lfx9lk92:p-v86cf"}),
        ),
        (
            "test remove composed annotation",
            "annotations",
            Some(composed),
            map_overrider(
                "remove",
                &[("testannotation/projectId", "c-m-lfx9lk92:p-v86cf")],
            ),
            json!({"foo": "foo"}),
        ),
    ];
    for (name, field, initial, overrider, want) in cases {
        let mut d = if field == "labels" {
            deployment(initial, None)
        } else {
            deployment(None, initial)
        };
        run_map(&mut d, field, &overrider).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(d["metadata"][field], want, "{name}");
    }
}

#[test]
fn labels_edges() {
    // `add` onto labels holding a non-string value: Karmada resets the map first.
    let mut d = deployment(Some(json!({"version": 1, "app": "x"})), None);
    run_map(&mut d, "labels", &map_overrider("add", &[("a", "b")])).unwrap();
    assert_eq!(d["metadata"]["labels"], json!({"a": "b"}));
    // `replace` there finds nothing to replace.
    let mut d = deployment(Some(json!({"version": 1, "app": "x"})), None);
    run_map(&mut d, "labels", &map_overrider("replace", &[("app", "y")])).unwrap();
    assert_eq!(d["metadata"]["labels"], json!({"version": 1, "app": "x"}));
    // No metadata at all: created.
    let mut d = json!({"kind": "ConfigMap"});
    run_map(&mut d, "annotations", &map_overrider("add", &[("a", "b")])).unwrap();
    assert_eq!(d["metadata"], json!({"annotations": {"a": "b"}}));
    // Null metadata cannot be set: the key is skipped.
    let mut d = json!({"kind": "ConfigMap", "metadata": null});
    run_map(&mut d, "labels", &map_overrider("add", &[("a", "b")])).unwrap();
    assert_eq!(d["metadata"], Value::Null);
    // An unknown operator is a failing patch.
    let mut d = deployment(Some(json!({"a": "b"})), None);
    assert_eq!(
        run_map(&mut d, "labels", &map_overrider("set", &[("a", "c")])),
        Err("json patch `set` at `/metadata/labels/a`: unsupported operator `set`".into())
    );
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

// ---------------------------------------------------------------------------------------------------
// JSON patch semantics (evanphx/json-patch/v5 with Karmada's options)
// ---------------------------------------------------------------------------------------------------

fn run(doc: Value, list: &[(&str, &str, Value)]) -> Result<Value, (usize, String)> {
    let mut doc = doc;
    patch(&mut doc, &ops(list))?;
    Ok(doc)
}

#[test]
fn json_patch_rfc_basics() {
    let doc = json!({"a": {"b": [1, 2, 3]}, "c": "x"});
    assert_eq!(
        run(
            doc.clone(),
            &[
                ("add", "/a/d", json!(1)),
                ("replace", "/c", json!("y")),
                ("remove", "/a/b/0", Value::Null)
            ]
        ),
        Ok(json!({"a": {"b": [2, 3], "d": 1}, "c": "y"}))
    );
    assert_eq!(
        run(doc.clone(), &[("add", "/a/b/-", json!(4))]),
        Ok(json!({"a": {"b": [1, 2, 3, 4]}, "c": "x"}))
    );
    assert_eq!(
        run(doc.clone(), &[("add", "/a/b/3", json!(4))]),
        Ok(json!({"a": {"b": [1, 2, 3, 4]}, "c": "x"}))
    );
    assert_eq!(
        run(doc.clone(), &[("add", "/a/b/4", json!(4))]),
        Err((
            0,
            "json patch `add` at `/a/b/4`: index `4` is out of range".into()
        ))
    );
    assert_eq!(
        run(doc.clone(), &[("replace", "/a/x", json!(4))]),
        Err((
            0,
            "json patch `replace` at `/a/x`: path does not exist".into()
        ))
    );
    assert_eq!(
        run(doc.clone(), &[("add", "/a/x/y", json!(4))]),
        Err((
            0,
            "json patch `add` at `/a/x/y`: path does not exist".into()
        ))
    );
    assert_eq!(
        run(doc.clone(), &[("add", "/c/y", json!(4))]),
        Err((0, "json patch `add` at `/c/y`: path does not exist".into()))
    );
    assert_eq!(
        run(doc.clone(), &[("move", "/c", json!(4))]),
        Err((
            0,
            "json patch `move` at `/c`: unsupported operator `move`".into()
        ))
    );
    // Escapes; `~` that is not an escape stays as it is.
    assert_eq!(
        run(
            json!({"a/b": 1, "m~n": 2}),
            &[
                ("replace", "/a~1b", json!(3)),
                ("remove", "/m~0n", Value::Null),
                ("add", "/x~y", json!(0))
            ]
        ),
        Ok(json!({"a/b": 3, "x~y": 0}))
    );
    // A missing value is null.
    assert_eq!(
        run(json!({}), &[("add", "/a", Value::Null)]),
        Ok(json!({"a": null}))
    );
    // The whole document.
    assert_eq!(
        run(json!({"a": 1}), &[("replace", "", json!({"b": 2}))]),
        Ok(json!({"b": 2}))
    );
    assert_eq!(
        run(json!({"a": 1}), &[("add", "", json!(3))]),
        Err((
            0,
            "json patch `add` at ``: a whole document must be an object or an array".into()
        ))
    );
}

#[test]
fn json_patch_evanphx_leniency() {
    let doc = json!({"l": [1, 2, 3]});
    // Negative indices count from the end.
    assert_eq!(
        run(doc.clone(), &[("replace", "/l/-1", json!(9))]),
        Ok(json!({"l": [1, 2, 9]}))
    );
    assert_eq!(
        run(doc.clone(), &[("remove", "/l/-3", Value::Null)]),
        Ok(json!({"l": [2, 3]}))
    );
    assert_eq!(
        run(doc.clone(), &[("add", "/l/-1", json!(4))]),
        Ok(json!({"l": [1, 2, 3, 4]}))
    );
    assert_eq!(
        run(doc.clone(), &[("add", "/l/-4", json!(0))]),
        Ok(json!({"l": [0, 1, 2, 3]}))
    );
    assert!(run(doc.clone(), &[("add", "/l/-5", json!(0))]).is_err());
    assert!(run(doc.clone(), &[("remove", "/l/-4", Value::Null)]).is_err());
    // Atoi accepts a sign and leading zeros.
    assert_eq!(
        run(doc.clone(), &[("replace", "/l/+01", json!(9))]),
        Ok(json!({"l": [1, 9, 3]}))
    );
    assert_eq!(
        run(json!({"l": [{"a": 1}]}), &[("add", "/l/-1/b", json!(2))]),
        Ok(json!({"l": [{"a": 1, "b": 2}]}))
    );
    // Without a leading `/`, the first segment is ignored.
    assert_eq!(
        run(json!({"a": 1}), &[("replace", "spec/a", json!(2))]),
        Ok(json!({"a": 2}))
    );
    assert!(run(json!({"a": 1}), &[("replace", "a", json!(2))]).is_err());
    // Removing a key keeps the order of the others.
    let removed = run(
        json!({"a": 1, "b": 2, "c": 3, "d": 4}),
        &[("remove", "/b", Value::Null)],
    )
    .unwrap();
    assert_eq!(
        removed.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["a", "c", "d"]
    );
    // The failing operation is reported by index.
    assert_eq!(
        run(
            doc,
            &[("add", "/x", json!(1)), ("remove", "/l/7", Value::Null)]
        ),
        Err((
            1,
            "json patch `remove` at `/l/7`: index `7` is out of range".into()
        ))
    );
}

// ---------------------------------------------------------------------------------------------------
// Field overrider
// ---------------------------------------------------------------------------------------------------

fn field(path: &str, format: &str, list: &[(&str, &str, Value)]) -> api::FieldOverrider {
    let patches: Vec<api::FieldPatch> = list
        .iter()
        .map(|(op, sub, value)| api::FieldPatch {
            sub_path: (*sub).to_owned(),
            operator: (*op).to_owned(),
            value: (!value.is_null()).then(|| value.clone()),
        })
        .collect();
    api::FieldOverrider {
        field_path: path.into(),
        json: if format == "json" {
            patches.clone()
        } else {
            Vec::new()
        },
        yaml: if format == "yaml" {
            patches
        } else {
            Vec::new()
        },
    }
}

fn yaml_field(text: &str, list: &[(&str, &str, Value)]) -> Result<String, (String, String)> {
    let mut cm = json!({"kind": "ConfigMap", "data": {"f": text}});
    field_override(&mut cm, &field("/data/f", "yaml", list))?;
    Ok(cm["data"]["f"].as_str().unwrap().to_owned())
}

fn json_field(text: &str, list: &[(&str, &str, Value)]) -> Result<String, (String, String)> {
    let mut cm = json!({"kind": "ConfigMap", "data": {"f": text}});
    field_override(&mut cm, &field("/data/f", "json", list))?;
    Ok(cm["data"]["f"].as_str().unwrap().to_owned())
}

#[test]
fn field_overrider_json_output() {
    // Key order kept, new keys last, compact, Go's HTML escaping.
    assert_eq!(
        json_field(
            "{\n  \"z\": 1,\n  \"a\": {\"k\": [1, 2]},\n  \"m\": \"x\"\n}",
            &[
                ("add", "/b", json!("<a&b>")),
                ("remove", "/a/k/0", Value::Null),
                ("replace", "/z", json!(1.5))
            ]
        ),
        Ok(r#"{"z":1.5,"a":{"k":[2]},"m":"x","b":"\u003ca\u0026b\u003e"}"#.to_owned())
    );
    assert_eq!(
        json_field("[1]", &[("add", "/0", json!({"t": "\u{1}\n\u{2028}é"}))]),
        Ok("[{\"t\":\"\\u0001\\n\\u2028é\"},1]".to_owned())
    );
    // Go's float formatting.
    assert_eq!(
        json_field(
            "{}",
            &[(
                "add",
                "/a",
                json!([1e21, 1e-7, 0.000001, 123456789.0, -2.5e-9])
            )]
        ),
        Ok(r#"{"a":[1e+21,1e-7,0.000001,123456789,-2.5e-9]}"#.to_owned())
    );
    // Untouched values keep their spelling (checked against evanphx/json-patch v5.9.11).
    assert_eq!(
        json_field(
            r#"{"a": 1.0, "b": 10.50, "c": "\u00e9<", "l": [1.50]}"#,
            &[("add", "/d", json!(1))]
        ),
        Ok(r#"{"a":1.0,"b":10.50,"c":"\u00e9\u003c","l":[1.50],"d":1}"#.to_owned())
    );
    // Empty text is left alone; no operations blank the field.
    assert_eq!(
        json_field("", &[("add", "/a", json!(1))]),
        Ok(String::new())
    );
    let mut cm = json!({"kind": "ConfigMap", "data": {"f": "{\"a\":1}"}});
    field_override(&mut cm, &field("/data/f", "json", &[])).unwrap();
    assert_eq!(cm["data"]["f"], "");
    // Errors.
    assert_eq!(
        json_field("{", &[("add", "/a", json!(1))]).unwrap_err().0,
        ""
    );
    assert!(
        json_field("{", &[("add", "/a", json!(1))])
            .unwrap_err()
            .1
            .starts_with("field `/data/f`: not valid JSON: ")
    );
    assert_eq!(
        json_field(" [1]", &[("add", "/0", json!(1))]),
        Err((String::new(), "field `/data/f`: not a JSON object".into()))
    );
    assert_eq!(
        json_field("{}", &[("replace", "/a", json!(1))]),
        Err((
            "/json/0".into(),
            "json patch `replace` at `/a`: path does not exist".into()
        ))
    );
}

#[test]
fn field_overrider_paths() {
    let mut object =
        json!({"kind": "X", "spec": {"list": ["{}", 3], "n": null}, "a/b": {"~": "{}"}});
    let add = [("add", "/k", json!(true))];
    field_override(&mut object, &field("/spec/list/0", "json", &add)).unwrap();
    field_override(&mut object, &field("/a~1b/~0", "json", &add)).unwrap();
    assert_eq!(object["spec"]["list"][0], r#"{"k":true}"#);
    assert_eq!(object["a/b"]["~"], r#"{"k":true}"#);
    let errors = [
        ("/spec/list/1", "field `/spec/list/1` is not a string"),
        ("/spec/list/2", "field `/spec/list/2` does not exist"),
        ("/spec/n", "field `/spec/n` is not a string"),
        ("/spec/n/x", "field `/spec/n/x` does not exist"),
        ("/nope", "field `/nope` does not exist"),
        ("", "field `` is not a string"),
        ("spec", "field path `spec` must start with `/`"),
    ];
    for (path, message) in errors {
        assert_eq!(
            field_override(&mut object, &field(path, "json", &add)),
            Err((String::new(), message.to_owned())),
            "{path}"
        );
    }
}

#[test]
fn field_overrider_yaml_output() {
    // yaml.v2 key order: letters before other characters, digit runs as numbers.
    assert_eq!(
        yaml_field(
            "b10: 1\nb9: 2\na: 3\n_x: 4\n\"1\": 5\nB: 6\n",
            &[("add", "/c", json!("z"))]
        ),
        Ok("_x: 4\n\"1\": 5\nB: 6\na: 3\nb9: 2\nb10: 1\nc: z\n".to_owned())
    );
    // Nested maps and unindented sequences, 2-space indent.
    assert_eq!(
        yaml_field(
            "server:\n    ports:\n        - 80\n        - name: https\n          port: 443\n",
            &[("add", "/server/host", json!("example.com"))]
        ),
        Ok(
            "server:\n  host: example.com\n  ports:\n  - 80\n  - name: https\n    port: 443\n"
                .to_owned()
        )
    );
    // Strings that would read as something else are double-quoted, strings plain YAML cannot hold
    // single-quoted, multi-line strings are literal blocks.
    assert_eq!(
        yaml_field(
            "a: x\n",
            &[
                ("add", "/bool", json!("yes")),
                ("add", "/num", json!("1.0")),
                ("add", "/date", json!("2001-12-14")),
                ("add", "/colon", json!("a: b")),
                ("add", "/dash", json!("- x")),
                ("add", "/empty", json!("")),
                ("add", "/lines", json!("one\ntwo\n")),
            ]
        ),
        Ok("a: x\nbool: \"yes\"\ncolon: 'a: b'\ndash: '- x'\ndate: \"2001-12-14\"\nempty: \"\"\nlines: |\n  one\n  two\nnum: \"1.0\"\n".to_owned())
    );
    // Integral floats are written as integers (Go's JSON step turns them into integers).
    assert_eq!(
        yaml_field("a: 1.0\nb: 2.5\n", &[("add", "/c", json!(3.0))]),
        Ok("a: 1\nb: 2.5\nc: 3\n".to_owned())
    );
    // Whole documents.
    assert_eq!(
        yaml_field("", &[("add", "", json!({"a": []}))]),
        Ok("a: []\n".to_owned())
    );
    assert_eq!(
        yaml_field("- 1\n", &[("add", "/-", json!({}))]),
        Ok("- 1\n- {}\n".to_owned())
    );
    assert_eq!(
        yaml_field("just text", &[("add", "/a", json!(1))]),
        Err((
            String::new(),
            "field `/data/f`: not a YAML mapping or sequence".into()
        ))
    );
    assert!(
        yaml_field("a: [", &[("add", "/a", json!(1))])
            .unwrap_err()
            .1
            .starts_with("field `/data/f`: invalid YAML: ")
    );
    assert_eq!(
        yaml_field("a: .inf", &[("add", "/b", json!(1))]),
        Err((
            String::new(),
            "field `/data/f`: `.inf` cannot be represented in JSON, which Kubernetes objects are"
                .into()
        ))
    );
    assert_eq!(
        yaml_field("a: 1", &[("add", "/x/y", json!(1))]),
        Err((
            "/yaml/0".into(),
            "json patch `add` at `/x/y`: path does not exist".into()
        ))
    );
}

#[test]
fn field_overrider_reads_yaml_1_1() {
    // Plain scalars as yaml.v2 resolves them; quoted ones stay strings; anchors and aliases follow.
    assert_eq!(
        yaml_field(
            "a: yes\nb: 'yes'\nc: 017\nd: 1_000\ne: &x off\nf: *x\ng: 0x1F\nh: 08\non: k\ni: ~\nj: !!str no\n",
            &[("add", "/z", json!(0))]
        ),
        Ok("a: true\nb: \"yes\"\nc: 15\nd: 1000\ne: false\nf: false\ng: 31\nh: 8\ni: null\nj: \"no\"\n\"true\": k\nz: 0\n".to_owned())
    );
    assert_eq!(
        read_yaml11("1.5: a\n3: b\nnull: c\n"),
        Err("the mapping key `null` is null".into())
    );
    assert_eq!(
        read_yaml11("1.5: a\n3: b\n"),
        Ok(json!({"1.5": "a", "3": "b"}))
    );
    assert_eq!(read_yaml11("0.1: a\n"), Ok(json!({"0.1": "a"})));
    assert_eq!(
        read_yaml11("017: a\n1e3: b\n3.14159265358979: c\n'017': d\n"),
        Ok(json!({"15": "a", "1000": "b", "3.1415927": "c", "017": "d"}))
    );
    assert_eq!(read_yaml11("---\na: 1\n---\nb: 2\n"), Ok(json!({"a": 1})));
    assert_eq!(read_yaml11(""), Ok(Value::Null));
}

#[test]
fn yaml_1_1_resolution() {
    let cases: [(&str, Option<Scalar11>); 20] = [
        ("y", Some(Scalar11::Bool(true))),
        ("Off", Some(Scalar11::Bool(false))),
        ("NULL", Some(Scalar11::Null)),
        ("nope", None),
        ("0o17", Some(Scalar11::Int(15))),
        ("-0b11", Some(Scalar11::Int(-3))),
        ("+12", Some(Scalar11::Int(12))),
        ("18446744073709551615", Some(Scalar11::UInt(u64::MAX))),
        ("1e3", Some(Scalar11::Float(1000.0))),
        ("1.", Some(Scalar11::Float(1.0))),
        (".5", Some(Scalar11::Float(0.5))),
        ("1e400", None),
        ("2001-12-14", None),
        ("2001-12-14t21:59:43.10-05:00", None),
        ("1:20", None),
        ("12-1", None),
        ("1.2.3", None),
        ("-", None),
        ("0x", None),
        ("~", Some(Scalar11::Null)),
    ];
    for (text, want) in cases {
        assert_eq!(resolve_scalar11(text), want, "{text}");
    }
    assert!(is_timestamp("2001-12-14"));
    assert!(is_timestamp("2001-2-3 4:05:06.5"));
    assert!(is_timestamp("2001-12-14T21:59:43Z"));
    assert!(!is_timestamp("2001-02-30"));
    assert!(!is_timestamp("2001-12-14T21:59:43"));
    assert!(is_base60_float("1:20"));
    assert!(is_base60_float("-190:20:30.15"));
    assert!(!is_base60_float("1:60"));
    assert!(!is_base60_float("12"));
}

#[test]
fn yaml_v2_styles() {
    let cases = [
        ("plain", Style::Plain),
        ("with space", Style::Plain),
        ("a:b", Style::Plain),
        ("?x", Style::Plain),
        ("", Style::Double),
        ("true", Style::Double),
        ("1:20", Style::Double),
        (" lead", Style::Single),
        ("trail ", Style::Single),
        ("# c", Style::Single),
        ("a #c", Style::Single),
        ("*ref", Style::Single),
        ("---", Style::Single),
        ("tab\there", Style::Double),
        ("emoji 😀", Style::Double),
        ("x\ny", Style::Literal),
        ("x \ny", Style::Double),
        ("\nx", Style::Literal),
    ];
    for (s, style) in cases {
        assert_eq!(yaml_v2_style(s, false), style, "{s:?}");
    }
    assert_eq!(yaml_v2_style("x\ny", true), Style::Double);
}

#[test]
fn yaml_v2_key_order_table() {
    let mut keys = vec![
        "a10", "a2", "a1", "b", "A", "_", "1", "01", "001", "10", "9", "a", "ab", "a-b",
    ];
    merge_sort_by(&mut keys, &|a, b| yaml_v2_key_order(a, b));
    assert_eq!(
        keys,
        [
            "_", "1", "01", "001", "9", "10", "A", "a", "a-b", "a1", "a2", "a10", "ab", "b"
        ]
    );
}

#[test]
fn go_number_formats() {
    let g = |x: f64| go_format_g(&format!("{x:e}"));
    assert_eq!(g(1.0), "1");
    assert_eq!(g(1.5), "1.5");
    assert_eq!(g(123456.0), "123456");
    assert_eq!(g(1234567.5), "1.2345675e+06");
    assert_eq!(g(1e6), "1e+06");
    assert_eq!(g(0.0001), "0.0001");
    assert_eq!(g(0.00001), "1e-05");
    assert_eq!(g(-0.0), "-0");
    assert_eq!(g(1e100), "1e+100");
    assert_eq!(key_text11("0.1"), Ok("0.1".into()));
    assert_eq!(key_text11("3.14159265358979"), Ok("3.1415927".into()));
    assert_eq!(key_text11("1e39"), Ok(".inf".into()));
    let mut out = String::new();
    go_json_float(1e20, &mut out);
    assert_eq!(out, "100000000000000000000");
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
    for text in [
        "- - - [",
        "a: *x",
        "? [a]\n: b",
        "a: !!binary x",
        "\t",
        "a:\n- b\n c",
    ] {
        let _ = read_yaml11(text);
    }
    for image in [
        "@", ":", "/", "a//b", "[", "[::1", "[]:1/a", "a@", "a:b:c", "é",
    ] {
        let _ = Image::parse(image);
    }
}

/// Outputs of Karmada's own libraries (go.yaml.in/yaml/v2 v2.4.4 behind sigs.k8s.io/yaml, evanphx/json-patch
/// v5.9.11), run on the same inputs.
#[test]
fn yaml_field_matches_yaml_v2() {
    let strings = [
        "plain",
        "with space",
        "a:b",
        "?x",
        " lead",
        "trail ",
        "# c",
        "a #c",
        "*ref",
        "---",
        "tab\there",
        "x\ny",
        "~x",
        "@x",
        "%x",
        "x \ny",
        "aé",
        "\u{a0}x",
        "1:20",
        "a\u{1}b",
        "  indented\nblock",
        "0777",
        "0x1G",
        "1_0",
        "+1",
        "-",
        "- ",
        "a: ",
        "a:",
        "key # x",
        "'q'",
        "\"dq\"",
        "[x",
        "{x}",
        ",x",
        "!x",
        "&x",
        "|x",
        ">x",
        "`x",
        "y",
        "Y",
        "n",
        "No",
        "ON",
        "null",
        "Null",
        "~",
        "true",
        "True",
        ".inf",
        ".Inf",
        "-.inf",
        ".nan",
        ".NaN",
        "1e3",
        "1E3",
        "1.5e+3",
        "2001-12-14 21:59:43.10",
        "2001-12-14T21:59:43Z",
        "12:30:00",
        "190:20:30.15",
        "0b101",
        "0o17",
        "0O17",
        "-0x1f",
        "1__0",
        "1e",
        "e1",
        "x:y",
        "x :y",
        "x: y",
        "-x",
        "--x",
        "...",
        "... x",
        "a\u{85}b",
        "a\u{feff}b",
        "\t",
        " ",
        "\u{7f}",
    ];
    let want = concat!(
        "a: 1\ns:\n- plain\n- with space\n- a:b\n- ?x\n- ' lead'\n- 'trail '\n- '# c'\n- 'a #c'\n- '*ref'\n",
        "- '---'\n- \"tab\\there\"\n- |-\n  x\n  y\n- ~x\n- '@x'\n- '%x'\n- \"x \\ny\"\n- aé\n- \u{a0}x\n- \"1:20\"\n",
        "- \"a\\x01b\"\n- |2-\n    indented\n  block\n- \"0777\"\n- 0x1G\n- \"1_0\"\n- \"+1\"\n- '-'\n- '- '\n- 'a: '\n",
        "- 'a:'\n- 'key # x'\n- '''q'''\n- '\"dq\"'\n- '[x'\n- '{x}'\n- ',x'\n- '!x'\n- '&x'\n- '|x'\n- '>x'\n- '`x'\n",
        "- \"y\"\n- \"Y\"\n- \"n\"\n- \"No\"\n- \"ON\"\n- \"null\"\n- \"Null\"\n- \"~\"\n- \"true\"\n- \"True\"\n",
        "- \".inf\"\n- \".Inf\"\n- \"-.inf\"\n- \".nan\"\n- \".NaN\"\n- \"1e3\"\n- \"1E3\"\n- \"1.5e+3\"\n",
        "- \"2001-12-14 21:59:43.10\"\n- \"2001-12-14T21:59:43Z\"\n- \"12:30:00\"\n- \"190:20:30.15\"\n- \"0b101\"\n",
        "- \"0o17\"\n- \"0O17\"\n- \"-0x1f\"\n- \"1__0\"\n- 1e\n- e1\n- x:y\n- x :y\n- 'x: y'\n- -x\n- --x\n- '...'\n",
        "- '... x'\n- \"a\\Nb\"\n- \"a\\uFEFFb\"\n- \"\\t\"\n- ' '\n- \"\\x7F\"\n",
    );
    assert_eq!(
        yaml_field("a: 1", &[("add", "/s", json!(strings.to_vec()))]),
        Ok(want.to_owned())
    );

    let keys = r#"{"z": 1, "A": 2, "a": 3, "a1": 4, "a01": 5, "a001": 6, "a10": 7, "a2": 8, "é": 9, "1": 10,
        "-1": 11, "_": 12, "~": 13, "": 14, "b-1": 15, "b_1": 16, "b.1": 17, "b1": 18}"#;
    assert_eq!(
        yaml_field(keys, &[("add", "/x", json!(1))]),
        Ok(concat!(
            "\"\": 14\n\"-1\": 11\n_: 12\n\"~\": 13\n\"1\": 10\nA: 2\na: 3\na1: 4\na01: 5\na001: 6\na2: 8\na10: 7\n",
            "b-1: 15\nb.1: 17\nb_1: 16\nb1: 18\nx: 1\nz: 1\né: 9\n"
        )
        .to_owned())
    );
    assert_eq!(
        yaml_field(
            "a:\n  - [1, 2]\n  - []\n  - {}\n  - {b: {c: [x, {d: e}]}}\nf: null\n",
            &[("add", "/x", json!(1))]
        ),
        Ok(
            "a:\n- - 1\n  - 2\n- []\n- {}\n- b:\n    c:\n    - x\n    - d: e\nf: null\nx: 1\n"
                .to_owned()
        )
    );
    assert_eq!(
        yaml_field(
            "base: &b {x: 1, y: 2}\nd:\n  <<: *b\n  y: 3\n",
            &[("add", "/z", json!(0))]
        ),
        Ok("base:\n  \"true\": 2\n  x: 1\nd:\n  \"true\": 3\n  x: 1\nz: 0\n".to_owned())
    );
    assert_eq!(
        yaml_field(
            "a: \"x\\ty\"\nb: |\n  multi\n  line\nc: >\n  folded\n  text\nd: 'it''s'\ne: plain # comment\n",
            &[("add", "/z", json!(0))]
        ),
        Ok(
            "a: \"x\\ty\"\nb: |\n  multi\n  line\nc: |\n  folded text\nd: it's\ne: plain\nz: 0\n"
                .to_owned()
        )
    );
}

//! Karmada's `pkg/util/overridemanager/imageoverride_test.go` cases, then the overrider's edges and
//! predicate paths.

use super::*;
use crate::render::overrides::json_patch::patch_object;
use crate::render::overrides::tests::ops;
use serde_json::json;

pub(super) const DIGEST: &str =
    "sha256:50d858e0985ecc7f60418aaf0cc5ab587f42c2570a884095a9e8ccacd0f6545c";

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

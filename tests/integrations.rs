//! The integrations, driven through the real clients: the Argo CD plugin's `generate` command run the way
//! Argo CD's sidecar runs it (output checked with `kubernetes-validate` and against `kubectl kustomize` of
//! the rendered directory), the sidecar patch merged by `kubectl kustomize`, the Flux wiring on a rendered
//! tree, and `.pre-commit-hooks.yaml` in a real `pre-commit run`. A test whose tool is not installed says
//! so on stderr and passes, except under CI (`CI=true`), where it fails; `.ci/run` installs the tools.

mod common;
use common::{copy_dir, installed};

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const FANOUT: &str = env!("CARGO_BIN_EXE_fanout");
const ROOT: &str = env!("CARGO_MANIFEST_DIR");
/// The Kubernetes version whose bundled schemas `kubernetes-validate` checks against.
const KUBERNETES: &str = "1.33";
/// The example repository's clusters: Flux and the ApplicationSet list them one by one.
const CLUSTERS: [&str; 7] = [
    "aws-batch-1",
    "aws-eu-1",
    "aws-eu-2",
    "aws-us-1",
    "gcp-asia-1",
    "gcp-eu-1",
    "gcp-us-1",
];

// ---------------------------------------------------------------------------------------------------
// Helpers

fn root() -> &'static Path {
    Path::new(ROOT)
}

fn kubectl_installed() -> bool {
    installed("kubectl", &["version", "--client"])
}

fn kubernetes_validate_installed() -> bool {
    installed("kubernetes-validate", &["--version"])
}

fn text(o: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The documents of a YAML stream, read by fanout's own YAML 1.2 reader; a syntax error fails the test.
fn docs(yaml: &str, what: &str) -> Vec<Value> {
    let parsed = fanout::front::yaml::parse(
        fanout::source::FileId(0),
        yaml,
        fanout::front::yaml::Limits::default(),
    );
    assert!(
        !fanout::diagnostic::has_errors(&parsed.diagnostics),
        "{what} is not valid YAML: {:?}\n{yaml}",
        parsed.diagnostics
    );
    parsed.documents.iter().map(|d| d.root.to_json()).collect()
}

fn file_docs(rel: &str) -> Vec<Value> {
    let path = root().join(rel);
    let yaml = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    docs(&yaml, rel)
}

fn one_doc(rel: &str) -> Value {
    let mut d = file_docs(rel);
    assert_eq!(d.len(), 1, "{rel} holds one document");
    d.remove(0)
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not a list: {v}"))
        .iter()
        .map(|s| {
            s.as_str()
                .unwrap_or_else(|| panic!("not a string: {s}"))
                .to_owned()
        })
        .collect()
}

/// Every file under `dir`, relative, sorted.
fn listing(dir: &Path) -> Vec<PathBuf> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
        for e in fs::read_dir(dir).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                walk(base, &e.path(), out);
            } else {
                out.push(e.path().strip_prefix(base).unwrap().to_path_buf());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// A copy of the example repository (without any rendered tree) at `<tmp>/examples/multicloud`, the
/// same path as in this repository, so Flux paths resolve against `<tmp>` as against the git root.
fn example() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("examples/multicloud");
    copy_dir(&root().join("examples/multicloud"), &repo);
    let _ = fs::remove_dir_all(repo.join("rendered"));
    (tmp, repo)
}

/// The clusters of the example's inventory, by name.
fn inventory() -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for e in fs::read_dir(root().join("examples/multicloud/clusters")).unwrap() {
        let path = e.unwrap().path();
        let yaml = fs::read_to_string(&path).unwrap();
        for d in docs(&yaml, &path.display().to_string()) {
            if d["kind"] == "Cluster" {
                out.insert(d["metadata"]["name"].as_str().unwrap().to_owned());
            }
        }
    }
    out
}

fn fanout(args: &[&str], dir: &Path) -> Output {
    Command::new(FANOUT)
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run fanout")
}

/// `fanout render REPO --cluster NAME --stdout`: what the plugin must print for that cluster.
fn render_stdout(repo: &Path, cluster: &str) -> String {
    let o = fanout(&["render", ".", "--cluster", cluster, "--stdout"], repo);
    assert!(o.status.success(), "{}", text(&o));
    String::from_utf8(o.stdout).unwrap()
}

/// Feed a YAML stream to `kubernetes-validate --strict`: every document must pass against the schemas
/// of a real Kubernetes version (no document may go unchecked for want of a schema).
fn kubernetes_validate(stream: &str, count: usize, what: &str) {
    let mut child = Command::new("kubernetes-validate")
        .args(["--strict", "-k", KUBERNETES, "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run kubernetes-validate");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stream.as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        o.status.success(),
        "{what}: kubernetes-validate failed\n{report}"
    );
    let passed = report.matches("passed for resource").count();
    assert_eq!(
        passed, count,
        "{what}: {count} objects, {passed} validated\n{report}"
    );
}

fn kubectl_kustomize(dir: &Path) -> String {
    let o = Command::new("kubectl")
        .arg("kustomize")
        .arg(dir)
        .output()
        .expect("run kubectl");
    assert!(
        o.status.success(),
        "kubectl kustomize {}: {}",
        dir.display(),
        text(&o)
    );
    String::from_utf8(o.stdout).unwrap()
}

/// Objects keyed by kind, namespace and name, for comparing two renderings regardless of order.
fn by_identity(objects: &[Value]) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    for o in objects {
        let key = format!(
            "{} {} {}/{}",
            o["apiVersion"].as_str().unwrap_or(""),
            o["kind"].as_str().unwrap_or(""),
            o["metadata"]["namespace"].as_str().unwrap_or(""),
            o["metadata"]["name"].as_str().unwrap_or("")
        );
        assert!(out.insert(key.clone(), o.clone()).is_none(), "{key} twice");
    }
    out
}

// ---------------------------------------------------------------------------------------------------
// Argo CD

fn plugin() -> Value {
    one_doc("integrations/argocd/plugin.yaml")
}

/// The plugin's `generate` command line, as the sidecar runs it: `command` then `args`.
fn generate_argv() -> Vec<String> {
    let p = plugin();
    let generate = &p["spec"]["generate"];
    let mut argv = strings(&generate["command"]);
    if !generate["args"].is_null() {
        argv.extend(strings(&generate["args"]));
    }
    argv
}

/// Run the plugin's `generate` command as Argo CD's CMP server does: in the Application's source
/// directory, with `fanout` found on PATH (the built binary's directory first), and only the sidecar's
/// and Argo CD's build environment (`ARGOCD_APP_*`, `KUBE_*`, `PARAM_*`, `ARGOCD_ENV_*`).
fn run_generate(repo: &Path, app: &str, env: &[(&str, &str)]) -> Output {
    let argv = generate_argv();
    let bin_dir = Path::new(FANOUT).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    Command::new(&argv[0])
        .args(&argv[1..])
        .current_dir(repo)
        .env_clear()
        .env("PATH", path)
        .env("HOME", repo.parent().unwrap())
        .env("ARGOCD_APP_NAME", app)
        .env("ARGOCD_APP_NAMESPACE", "argocd")
        .env(
            "ARGOCD_APP_REVISION",
            "0123456789abcdef0123456789abcdef01234567",
        )
        .env("ARGOCD_APP_SOURCE_PATH", "examples/multicloud")
        .env(
            "ARGOCD_APP_SOURCE_REPO_URL",
            "https://git.example.com/platform/fanout.git",
        )
        .env("ARGOCD_APP_SOURCE_TARGET_REVISION", "main")
        .env("KUBE_VERSION", "1.33.0")
        .env("KUBE_API_VERSIONS", "v1,apps/v1,batch/v1")
        .envs(env.iter().copied())
        .output()
        .expect("run the plugin's generate command")
}

fn cluster_parameter(cluster: &str) -> String {
    serde_json::json!([{"name": "cluster", "string": cluster}]).to_string()
}

/// Every string value of the Secrets in `objects` (their `data` and `stringData`).
fn secret_values(objects: &[Value]) -> Vec<String> {
    let mut out = Vec::new();
    for o in objects.iter().filter(|o| o["kind"] == "Secret") {
        for field in ["data", "stringData"] {
            if let Some(m) = o[field].as_object() {
                out.extend(m.values().filter_map(|v| v.as_str()).map(str::to_owned));
            }
        }
    }
    out
}

#[test]
fn argocd_plugin_command_is_fanout_argocd_generate() {
    let argv = generate_argv();
    assert_eq!(argv[0], "fanout", "the sidecar runs fanout from its PATH");
    assert_eq!(argv[1..], ["argocd-generate", "."]);
    let p = plugin();
    assert_eq!(p["apiVersion"], "argoproj.io/v1alpha1");
    assert_eq!(p["kind"], "ConfigManagementPlugin");
    assert_eq!(p["metadata"]["name"], "fanout");
    let announced = p["spec"]["parameters"]["static"].as_array().unwrap();
    let cluster = announced
        .iter()
        .find(|a| a["name"] == "cluster")
        .expect("the `cluster` parameter is announced");
    assert_eq!(cluster["required"], true);
    assert!(
        cluster.get("string").is_none(),
        "no announced default: Argo CD would not send it anyway"
    );
}

#[test]
fn argocd_plugin_generates_each_cluster_as_argo_cd_runs_it() {
    let (tmp, repo) = example();
    let before = listing(&repo);
    // The same clusters through the directory path (Flux, `kubectl apply -k`) to compare with.
    let out = tmp.path().join("rendered");
    let o = fanout(&["render", ".", "--out", out.to_str().unwrap()], &repo);
    assert!(o.status.success(), "{}", text(&o));
    let kubectl = kubectl_installed();
    let validate = kubernetes_validate_installed();
    for cluster in CLUSTERS {
        let params = cluster_parameter(cluster);
        let o = run_generate(
            &repo,
            &format!("fanout-{cluster}"),
            &[
                ("ARGOCD_APP_PARAMETERS", params.as_str()),
                ("PARAM_CLUSTER", cluster),
            ],
        );
        assert!(o.status.success(), "{cluster}: {}", text(&o));
        let stdout = String::from_utf8(o.stdout.clone()).expect("UTF-8 on stdout");
        assert!(!stdout.trim().is_empty(), "{cluster}: empty stdout");
        assert_eq!(
            stdout,
            render_stdout(&repo, cluster),
            "{cluster}: the plugin prints what `fanout render --cluster {cluster} --stdout` prints"
        );
        // Nothing but Kubernetes objects on stdout.
        let objects = docs(&stdout, &format!("{cluster}'s stream"));
        assert!(!objects.is_empty(), "{cluster}: no objects");
        for obj in &objects {
            assert!(
                obj["apiVersion"].is_string()
                    && obj["kind"].is_string()
                    && obj["metadata"]["name"].is_string(),
                "{cluster}: not a Kubernetes object on stdout: {obj}"
            );
        }
        // Logs only on stderr, and never a Secret's value.
        let stderr = String::from_utf8_lossy(&o.stderr);
        for secret in secret_values(&objects) {
            assert!(
                !stderr.contains(&secret),
                "{cluster}: a Secret value on stderr"
            );
        }
        if validate {
            kubernetes_validate(&stdout, objects.len(), cluster);
        }
        if kubectl {
            let built = kubectl_kustomize(&out.join(cluster));
            let from_dir = docs(&built, &format!("kubectl kustomize {cluster}"));
            assert_eq!(
                by_identity(&objects),
                by_identity(&from_dir),
                "{cluster}: the plugin's stream and the rendered directory hold the same objects"
            );
        }
    }
    assert_eq!(listing(&repo), before, "the plugin writes nothing");
}

#[test]
fn argocd_plugin_takes_the_cluster_from_the_plugin_env() {
    let (_tmp, repo) = example();
    // What Argo CD sends for an Application with `plugin.env` and no parameters.
    let o = run_generate(
        &repo,
        "fanout-aws-eu-1",
        &[
            ("ARGOCD_APP_PARAMETERS", "null"),
            ("ARGOCD_ENV_FANOUT_CLUSTER", "aws-eu-1"),
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(
        String::from_utf8(o.stdout).unwrap(),
        render_stdout(&repo, "aws-eu-1")
    );
    // The parameter wins over the env.
    let params = cluster_parameter("gcp-eu-1");
    let o = run_generate(
        &repo,
        "fanout-gcp-eu-1",
        &[
            ("ARGOCD_APP_PARAMETERS", params.as_str()),
            ("ARGOCD_ENV_FANOUT_CLUSTER", "aws-eu-1"),
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(
        String::from_utf8(o.stdout).unwrap(),
        render_stdout(&repo, "gcp-eu-1")
    );
}

#[test]
fn argocd_plugin_fails_loudly_with_nothing_on_stdout() {
    let (_tmp, repo) = example();
    let unknown = cluster_parameter("no-such-cluster");
    let bad_name = cluster_parameter("GCP_US_1");
    // (what, ARGOCD_APP_PARAMETERS if set, what stderr must say)
    let cases = [
        ("no cluster given", None, "FANOUT_CLUSTER"),
        (
            "no cluster given (Argo CD's empty parameter list)",
            Some("null"),
            "cluster",
        ),
        (
            "an unknown cluster",
            Some(unknown.as_str()),
            "no-such-cluster",
        ),
        (
            "a name that is no cluster name",
            Some(bad_name.as_str()),
            "DNS-1123",
        ),
        (
            "an unknown parameter",
            Some(r#"[{"name":"clusters","string":"gcp-us-1"}]"#),
            "clusters",
        ),
    ];
    for (what, params, says) in cases {
        let env: Vec<(&str, &str)> = params
            .map(|p| ("ARGOCD_APP_PARAMETERS", p))
            .into_iter()
            .collect();
        let o = run_generate(&repo, "fanout-x", &env);
        assert!(!o.status.success(), "{what}: {}", text(&o));
        assert!(
            o.stdout.is_empty(),
            "{what}: something on stdout: {}",
            text(&o)
        );
        assert!(
            String::from_utf8_lossy(&o.stderr).contains(says),
            "{what}: stderr should say `{says}`: {}",
            text(&o)
        );
    }
    // An invalid repository: a misspelt field in a workload.
    let workload = repo.join("apps/storefront/workload.yaml");
    let yaml = fs::read_to_string(&workload).unwrap();
    fs::write(&workload, yaml.replacen("replicas:", "replicaz:", 1)).unwrap();
    let params = cluster_parameter("gcp-us-1");
    let o = run_generate(
        &repo,
        "fanout-gcp-us-1",
        &[("ARGOCD_APP_PARAMETERS", &params)],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(o.stdout.is_empty(), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("replicaz"),
        "{}",
        text(&o)
    );
}

/// The plugin's `discover` command, run as Argo CD does: in the source directory; a match is a zero
/// exit with something on stdout.
fn discover(dir: &Path) -> Output {
    let p = plugin();
    let argv = strings(&p["spec"]["discover"]["find"]["command"]);
    Command::new(&argv[0])
        .args(&argv[1..])
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .output()
        .expect("run the plugin's discover command")
}

#[test]
fn argocd_plugin_discovers_fanout_repositories() {
    let (tmp, repo) = example();
    let o = discover(&repo);
    assert!(o.status.success() && !o.stdout.is_empty(), "{}", text(&o));

    let with_config = tmp.path().join("configured");
    fs::create_dir_all(&with_config).unwrap();
    fs::write(with_config.join("fanout.yaml"), "output: rendered\n").unwrap();
    let o = discover(&with_config);
    assert!(o.status.success() && !o.stdout.is_empty(), "{}", text(&o));

    let other = tmp.path().join("other");
    fs::create_dir_all(&other).unwrap();
    fs::write(
        other.join("deploy.yaml"),
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n",
    )
    .unwrap();
    let o = discover(&other);
    assert!(o.status.success() && o.stdout.is_empty(), "{}", text(&o));
}

#[test]
fn argocd_applications_use_the_plugin_for_each_cluster() {
    let plugin_name = plugin()["metadata"]["name"].as_str().unwrap().to_owned();
    let clusters: BTreeSet<String> = CLUSTERS.iter().map(|c| (*c).to_owned()).collect();
    assert_eq!(inventory(), clusters, "CLUSTERS is the example's inventory");

    let app = one_doc("integrations/argocd/application.yaml");
    assert_eq!(app["apiVersion"], "argoproj.io/v1alpha1");
    assert_eq!(app["kind"], "Application");
    let source = &app["spec"]["source"];
    assert_eq!(
        source["plugin"]["name"].as_str(),
        Some(plugin_name.as_str())
    );
    assert!(root().join(source["path"].as_str().unwrap()).is_dir());
    let params = source["plugin"]["parameters"].as_array().unwrap();
    assert_eq!(params.len(), 1);
    assert_eq!(params[0]["name"], "cluster");
    let cluster = params[0]["string"].as_str().unwrap();
    assert!(clusters.contains(cluster), "{cluster}");
    assert_eq!(app["spec"]["destination"]["name"].as_str(), Some(cluster));

    let set = one_doc("integrations/argocd/applicationset.yaml");
    assert_eq!(set["kind"], "ApplicationSet");
    let generators = set["spec"]["generators"].as_array().unwrap();
    assert_eq!(generators.len(), 1);
    let listed: BTreeSet<String> = generators[0]["list"]["elements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["cluster"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        listed, clusters,
        "one Application per cluster of the inventory"
    );
    let template = &set["spec"]["template"];
    assert!(
        template["metadata"]["name"]
            .as_str()
            .unwrap()
            .contains("{{.cluster}}")
    );
    let source = &template["spec"]["source"];
    assert_eq!(
        source["plugin"]["name"].as_str(),
        Some(plugin_name.as_str())
    );
    assert_eq!(
        source["plugin"]["parameters"],
        serde_json::json!([{"name": "cluster", "string": "{{.cluster}}"}])
    );
    assert_eq!(template["spec"]["destination"]["name"], "{{.cluster}}");
    assert!(root().join(source["path"].as_str().unwrap()).is_dir());
}

/// The sidecar container of sidecar.yaml (a patch of `argocd-repo-server`).
fn sidecar_container(deployment: &Value) -> Value {
    deployment["spec"]["template"]["spec"]["containers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "fanout")
        .expect("a `fanout` container")
        .clone()
}

#[test]
fn argocd_sidecar_runs_the_cmp_server_with_the_plugin_config() {
    let patch = one_doc("integrations/argocd/sidecar.yaml");
    assert_eq!(patch["kind"], "Deployment");
    assert_eq!(patch["metadata"]["name"], "argocd-repo-server");
    let c = sidecar_container(&patch);
    assert_eq!(
        c["command"],
        serde_json::json!(["/var/run/argocd/argocd-cmp-server"])
    );
    assert_eq!(c["securityContext"]["runAsUser"], 999);
    let mounts: BTreeMap<String, Value> = c["volumeMounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["mountPath"].as_str().unwrap().to_owned(), m.clone()))
        .collect();
    let config = &mounts["/home/argocd/cmp-server/config/plugin.yaml"];
    assert_eq!(config["subPath"], "plugin.yaml");
    assert_eq!(mounts["/var/run/argocd"]["name"], "var-files");
    assert_eq!(mounts["/home/argocd/cmp-server/plugins"]["name"], "plugins");
    let timeout = c["env"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "ARGOCD_EXEC_TIMEOUT")
        .expect("ARGOCD_EXEC_TIMEOUT is set");
    assert_eq!(timeout["value"], "90s");
}

/// A stand-in for Argo CD's argocd-repo-server Deployment: the volumes the sidecar shares with it.
const REPO_SERVER: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: argocd-repo-server
spec:
  selector:
    matchLabels: {app.kubernetes.io/name: argocd-repo-server}
  template:
    metadata:
      labels: {app.kubernetes.io/name: argocd-repo-server}
    spec:
      containers:
        - name: argocd-repo-server
          image: quay.io/argoproj/argocd:v3.1.0
          volumeMounts:
            - {name: var-files, mountPath: /var/run/argocd}
            - {name: plugins, mountPath: /home/argocd/cmp-server/plugins}
      volumes:
        - {name: var-files, emptyDir: {}}
        - {name: plugins, emptyDir: {}}
";

#[test]
fn argocd_sidecar_patch_merges_into_the_repo_server() {
    if !kubectl_installed() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::write(dir.join("repo-server.yaml"), REPO_SERVER).unwrap();
    for f in ["plugin.yaml", "sidecar.yaml"] {
        fs::copy(root().join("integrations/argocd").join(f), dir.join(f)).unwrap();
    }
    // The kustomize wiring sidecar.yaml describes.
    fs::write(
        dir.join("kustomization.yaml"),
        "namespace: argocd\nresources: [repo-server.yaml]\n\
         configMapGenerator:\n  - {name: fanout-plugin, files: [plugin.yaml]}\n\
         patches:\n  - path: sidecar.yaml\n",
    )
    .unwrap();
    let built = kubectl_kustomize(dir);
    let objects = docs(&built, "the patched repo-server");
    let config_map = objects
        .iter()
        .find(|o| o["kind"] == "ConfigMap")
        .expect("the plugin ConfigMap");
    assert_eq!(
        config_map["data"]["plugin.yaml"].as_str(),
        Some(
            fs::read_to_string(root().join("integrations/argocd/plugin.yaml"))
                .unwrap()
                .as_str()
        )
    );
    let deployment = objects.iter().find(|o| o["kind"] == "Deployment").unwrap();
    let spec = &deployment["spec"]["template"]["spec"];
    let containers: Vec<&str> = spec["containers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert!(containers.contains(&"argocd-repo-server") && containers.contains(&"fanout"));
    // Every volume the sidecar mounts exists, the plugin config pointing at the generated ConfigMap.
    let volumes: BTreeMap<&str, &Value> = spec["volumes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["name"].as_str().unwrap(), v))
        .collect();
    for m in sidecar_container(deployment)["volumeMounts"]
        .as_array()
        .unwrap()
    {
        let name = m["name"].as_str().unwrap();
        assert!(volumes.contains_key(name), "volume {name} is missing");
    }
    assert_eq!(
        volumes["fanout-plugin"]["configMap"]["name"],
        config_map["metadata"]["name"]
    );
    if kubernetes_validate_installed() {
        kubernetes_validate(&built, objects.len(), "the patched repo-server");
    }
}

// ---------------------------------------------------------------------------------------------------
// Flux

#[test]
fn flux_kustomizations_sync_each_rendered_cluster_directory() {
    let (tmp, repo) = example();
    let o = fanout(&["render", "."], &repo);
    assert!(o.status.success(), "{}", text(&o));
    let git_root = tmp.path();

    let mut seen = BTreeSet::new();
    let mut sources = BTreeSet::new();
    for e in fs::read_dir(root().join("integrations/flux/clusters")).unwrap() {
        let path = e.unwrap().path();
        let cluster = path.file_stem().unwrap().to_str().unwrap().to_owned();
        let rel = format!("integrations/flux/clusters/{cluster}.yaml");
        let objects = file_docs(&rel);
        let kinds: Vec<&str> = objects
            .iter()
            .map(|o| o["kind"].as_str().unwrap())
            .collect();
        assert_eq!(kinds, ["GitRepository", "Kustomization"], "{rel}");
        let (source, kustomization) = (&objects[0], &objects[1]);
        assert_eq!(source["apiVersion"], "source.toolkit.fluxcd.io/v1", "{rel}");
        assert_eq!(
            kustomization["apiVersion"], "kustomize.toolkit.fluxcd.io/v1",
            "{rel}"
        );
        sources.insert(source.to_string());
        let spec = &kustomization["spec"];
        assert_eq!(spec["sourceRef"]["kind"], "GitRepository", "{rel}");
        assert_eq!(
            spec["sourceRef"]["name"], source["metadata"]["name"],
            "{rel}"
        );
        assert_eq!(
            kustomization["metadata"]["namespace"], source["metadata"]["namespace"],
            "{rel}"
        );
        assert_eq!(spec["prune"], true, "{rel}");
        let flux_path = spec["path"].as_str().unwrap();
        assert_eq!(
            flux_path,
            format!("./examples/multicloud/rendered/{cluster}"),
            "{rel}"
        );
        let dir = git_root.join(flux_path.trim_start_matches("./"));
        assert!(
            dir.join("kustomization.yaml").is_file(),
            "{rel}: {flux_path} is not a rendered cluster directory"
        );
        seen.insert(cluster);
    }
    assert_eq!(
        sources.len(),
        1,
        "every cluster's GitRepository is the same"
    );
    let rendered: BTreeSet<String> = fs::read_dir(repo.join("rendered"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    assert_eq!(
        seen, rendered,
        "one Flux Kustomization per rendered cluster"
    );
    assert_eq!(
        seen,
        CLUSTERS
            .iter()
            .map(|c| (*c).to_owned())
            .collect::<BTreeSet<_>>()
    );

    // Every cluster directory builds, and every object in it is valid Kubernetes.
    let kubectl = kubectl_installed();
    let validate = kubernetes_validate_installed();
    for cluster in &seen {
        let dir = repo.join("rendered").join(cluster);
        let listed = strings(&one_file_docs(&dir.join("kustomization.yaml"))["resources"]);
        let stream = if kubectl {
            kubectl_kustomize(&dir)
        } else {
            let files: Vec<String> = listed
                .iter()
                .map(|f| fs::read_to_string(dir.join(f)).unwrap())
                .collect();
            files.join("---\n")
        };
        let objects = docs(&stream, cluster);
        assert_eq!(
            objects.len(),
            listed.len(),
            "{cluster}: every listed file builds"
        );
        if validate {
            kubernetes_validate(&stream, objects.len(), cluster);
        }
    }
}

fn one_file_docs(path: &Path) -> Value {
    let yaml = fs::read_to_string(path).unwrap();
    let mut d = docs(&yaml, &path.display().to_string());
    assert_eq!(d.len(), 1);
    d.remove(0)
}

// ---------------------------------------------------------------------------------------------------
// pre-commit

/// `git` with a clean configuration, so a developer's settings (signing, hooks) play no part.
fn git(dir: &Path, args: &[&str]) -> Output {
    let o = Command::new("git")
        .args([
            "-c",
            "user.name=fanout",
            "-c",
            "user.email=fanout@example.com",
        ])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_DATE", "2000-01-01T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2000-01-01T00:00:00Z")
        .output()
        .expect("run git");
    assert!(o.status.success(), "git {args:?}: {}", text(&o));
    o
}

fn pre_commit(repo: &Path, home: &Path, args: &[&str]) -> Output {
    pre_commit_with(repo, home, args, None)
}

/// [`pre_commit`], with `first` (if given) first on PATH.
fn pre_commit_with(repo: &Path, home: &Path, args: &[&str], first: Option<&Path>) -> Output {
    // The hooks run `cargo install`; make sure they find the cargo running us.
    let cargo_dir = std::env::var_os("CARGO")
        .map(PathBuf::from)
        .and_then(|c| c.parent().map(Path::to_path_buf));
    let mut path = std::env::var_os("PATH").unwrap_or_default();
    if let Some(dir) = cargo_dir {
        let mut dirs = vec![dir];
        dirs.extend(std::env::split_paths(&path));
        path = std::env::join_paths(dirs).unwrap();
    }
    if let Some(dir) = first {
        let mut dirs = vec![dir.to_path_buf()];
        dirs.extend(std::env::split_paths(&path));
        path = std::env::join_paths(dirs).unwrap();
    }
    Command::new("pre-commit")
        .args(args)
        .args(["--color", "never"])
        .current_dir(repo)
        .env("PATH", path)
        .env("PRE_COMMIT_HOME", home)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("CARGO_TARGET_DIR")
        .output()
        .expect("run pre-commit")
}

/// A hook repository holding this repository's `.pre-commit-hooks.yaml`, `scripts/pre-commit-hook` and
/// `pyproject.toml` as they are, committed, beside a stand-in crate whose `fanout` binary runs the
/// binary under test: the hooks really run `cargo install --locked` on it (or pip and maturin), in
/// seconds. (Installing the real crate works the same way, but builds fanout in release mode:
/// minutes.)
fn hook_repo(dir: &Path) -> String {
    fs::create_dir_all(dir.join("src")).unwrap();
    fs::create_dir_all(dir.join("scripts")).unwrap();
    for file in [
        ".pre-commit-hooks.yaml",
        "scripts/pre-commit-hook",
        "pyproject.toml",
    ] {
        fs::copy(root().join(file), dir.join(file)).unwrap();
    }
    fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"fanout\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n[workspace]\n",
    )
    .unwrap();
    fs::write(
        dir.join("Cargo.lock"),
        "version = 4\n\n[[package]]\nname = \"fanout\"\nversion = \"0.0.0\"\n",
    )
    .unwrap();
    fs::write(
        dir.join("src/main.rs"),
        format!(
            "use std::os::unix::process::CommandExt;\n\
             fn main() {{\n    \
                 let e = std::process::Command::new({FANOUT:?}).args(std::env::args_os().skip(1)).exec();\n    \
                 eprintln!(\"cannot run fanout: {{e}}\");\n    \
                 std::process::exit(3);\n\
             }}\n"
        ),
    )
    .unwrap();
    git(dir, &["init", "-q"]);
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", "hooks"]);
    let rev = git(dir, &["rev-parse", "HEAD"]).stdout;
    String::from_utf8(rev).unwrap().trim().to_owned()
}

/// A repository holding the example at its root, rendered and committed, whose
/// `.pre-commit-config.yaml` uses `hooks` of the hook repository at `hook_dir`, `rev`.
fn hooked_example(dir: &Path, hook_dir: &Path, rev: &str, hooks: &[&str]) -> PathBuf {
    let repo = dir.join("repo");
    copy_dir(&root().join("examples/multicloud"), &repo);
    let _ = fs::remove_dir_all(repo.join("rendered"));
    let o = fanout(&["render", "."], &repo);
    assert!(o.status.success(), "{}", text(&o));
    let ids: String = hooks.iter().map(|h| format!("      - id: {h}\n")).collect();
    fs::write(
        repo.join(".pre-commit-config.yaml"),
        format!(
            "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n{ids}",
            hook_dir.display()
        ),
    )
    .unwrap();
    fs::write(repo.join("NOTES.txt"), "not YAML\n").unwrap();
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "example"]);
    repo
}

#[test]
fn pre_commit_hooks_pass_on_a_fresh_tree_and_fail_on_a_stale_one() {
    // Our hook definitions, as pre-commit will read them.
    let hooks = file_docs(".pre-commit-hooks.yaml");
    assert_eq!(hooks.len(), 1);
    let hooks = hooks[0].as_array().expect("a list of hooks");
    let ids: Vec<&str> = hooks.iter().map(|h| h["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "fanout-validate",
            "fanout-check",
            "fanout-validate-python",
            "fanout-check-python"
        ]
    );
    let entries = [
        ("scripts/pre-commit-hook validate", "script"),
        ("scripts/pre-commit-hook check", "script"),
        ("fanout validate", "python"),
        ("fanout check", "python"),
    ];
    for (hook, (entry, language)) in hooks.iter().zip(entries) {
        assert_eq!(hook["entry"], entry);
        assert_eq!(hook["language"], language);
        assert_eq!(hook["pass_filenames"], false);
    }
    if !installed("git", &["--version"]) || !installed("pre-commit", &["--version"]) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let rev = hook_repo(&tmp.path().join("hooks"));
    let home = tmp.path().join("pre-commit-home");
    let repo = hooked_example(
        tmp.path(),
        &tmp.path().join("hooks"),
        &rev,
        &["fanout-validate", "fanout-check"],
    );

    let o = pre_commit(&repo, &home, &["run", "--all-files"]);
    let out = text(&o);
    assert!(o.status.success(), "a fresh tree passes: {out}");
    assert!(
        out.contains("fanout validate") && out.contains("fanout check"),
        "{out}"
    );
    assert_eq!(out.matches("Passed").count(), 2, "{out}");

    // Only YAML files trigger the hooks.
    let o = pre_commit(&repo, &home, &["run", "--files", "NOTES.txt"]);
    let out = text(&o);
    assert!(o.status.success(), "{out}");
    assert_eq!(out.matches("Skipped").count(), 2, "{out}");

    // A workload edited without re-rendering: validate passes, check fails with the diff.
    let workload = repo.join("apps/storefront/workload.yaml");
    let yaml = fs::read_to_string(&workload).unwrap();
    assert!(yaml.contains("replicas: 6"));
    fs::write(&workload, yaml.replacen("replicas: 6", "replicas: 9", 1)).unwrap();
    git(&repo, &["add", "-A"]);
    let o = pre_commit(&repo, &home, &["run", "--all-files"]);
    let out = text(&o);
    assert!(!o.status.success(), "a stale tree fails: {out}");
    let check = &out[out.find("fanout check").expect("the check hook ran")..];
    assert!(check.contains("Failed"), "{out}");
    assert!(check.contains("exit code: 1"), "{out}");
    assert!(
        check.contains("--- a/") && check.contains("+++ b/") && check.contains("+  replicas:"),
        "the hook's output shows the diff: {out}"
    );
    let validate = &out[out.find("fanout validate").unwrap()..out.find("fanout check").unwrap()];
    assert!(validate.contains("Passed"), "{out}");

    // Re-rendered: passes again.
    let o = fanout(&["render", "."], &repo);
    assert!(o.status.success(), "{}", text(&o));
    git(&repo, &["add", "-A"]);
    let o = pre_commit(&repo, &home, &["run", "--all-files"]);
    assert!(o.status.success(), "{}", text(&o));

    // An invalid workload: the validate hook fails (exit 2) and names the problem.
    fs::write(&workload, yaml.replacen("replicas: 6", "replicaz: 6", 1)).unwrap();
    let o = pre_commit(&repo, &home, &["run", "--all-files"]);
    let out = text(&o);
    assert!(!o.status.success(), "{out}");
    let validate = &out[out.find("fanout validate").unwrap()..out.find("fanout check").unwrap()];
    assert!(
        validate.contains("Failed") && validate.contains("exit code: 2"),
        "{out}"
    );
    assert!(validate.contains("replicaz"), "{out}");
}

/// The Rust hooks build with `cargo install --locked` (cargo then takes the dependency versions of
/// `Cargo.lock`): a `cargo` first on PATH records how the hook calls it, then runs the real one. (A
/// stale `Cargo.lock` would not show it: `cargo install --locked` uses the file without requiring it
/// to be up to date, cargo issue 9289.) Built once: the second run does not call cargo.
#[test]
fn pre_commit_rust_hooks_build_with_the_lock_file() {
    if !installed("git", &["--version"]) || !installed("pre-commit", &["--version"]) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let rev = hook_repo(&tmp.path().join("hooks"));
    let repo = hooked_example(
        tmp.path(),
        &tmp.path().join("hooks"),
        &rev,
        &["fanout-validate", "fanout-check"],
    );
    let shim = tmp.path().join("shim");
    fs::create_dir_all(&shim).unwrap();
    let log = tmp.path().join("cargo.log");
    let real = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    fs::write(
        shim.join("cargo"),
        format!(
            "#!/bin/sh\necho \"$*\" >> '{}'\nexec '{real}' \"$@\"\n",
            log.display()
        ),
    )
    .unwrap();
    let mut perms = fs::metadata(shim.join("cargo")).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    fs::set_permissions(shim.join("cargo"), perms).unwrap();
    let home = tmp.path().join("home");
    for _ in 0..2 {
        let o = pre_commit_with(&repo, &home, &["run", "--all-files"], Some(&shim));
        assert!(o.status.success(), "{}", text(&o));
    }
    let calls = fs::read_to_string(&log).unwrap_or_default();
    let installs: Vec<&str> = calls.lines().filter(|l| l.starts_with("install")).collect();
    assert_eq!(installs.len(), 1, "{calls}");
    assert!(
        installs[0].starts_with("install --locked ") && installs[0].contains("--path "),
        "{calls}"
    );
}

/// The `language: python` hooks: pre-commit installs the hook repository with pip, which builds the
/// wheel with maturin from `pyproject.toml` (pip fetches maturin from the package index).
#[test]
fn pre_commit_python_hooks_install_the_wheel() {
    if !installed("git", &["--version"]) || !installed("pre-commit", &["--version"]) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let rev = hook_repo(&tmp.path().join("hooks"));
    let repo = hooked_example(
        tmp.path(),
        &tmp.path().join("hooks"),
        &rev,
        &["fanout-validate-python", "fanout-check-python"],
    );
    let home = tmp.path().join("home");
    let o = pre_commit(&repo, &home, &["run", "--all-files"]);
    let out = text(&o);
    assert!(o.status.success(), "{out}");
    assert_eq!(out.matches("Passed").count(), 2, "{out}");
    let workload = repo.join("apps/storefront/workload.yaml");
    let yaml = fs::read_to_string(&workload).unwrap();
    fs::write(&workload, yaml.replacen("replicas: 6", "replicaz: 6", 1)).unwrap();
    let o = pre_commit(&repo, &home, &["run", "--all-files"]);
    let out = text(&o);
    assert!(!o.status.success() && out.contains("replicaz"), "{out}");
}

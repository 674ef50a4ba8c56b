//! The command line itself: help, usage errors, completions, the manual page, exit codes.

mod common;

use std::process::Command;

/// The build script, for its git lookup (its `main` is not used here).
#[allow(dead_code)]
#[path = "../build.rs"]
mod build_script;

fn fanout(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_fanout"))
        .args(args)
        .output()
        .expect("run fanout");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn help_lists_commands_and_exit_codes() {
    let (code, out, _) = fanout(&["--help"]);
    assert_eq!(code, Some(0));
    for cmd in [
        "validate",
        "plan",
        "render",
        "check",
        "diff",
        "completions",
        "man",
    ] {
        assert!(out.contains(cmd), "{out}");
    }
    assert!(
        out.contains("Exit codes: 0 success, 1 differences found, 2 invalid input"),
        "{out}"
    );
}

/// Issue #17: `--version` names the commit (as `git rev-parse --short HEAD` gives it) and the Karmada
/// and Kubernetes versions fanout follows; `-V` is the one-line form.
#[test]
fn version_names_the_commit_and_the_versions_followed() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let commit = std::env::var("FANOUT_GIT_COMMIT")
        .ok()
        .filter(|c| !c.trim().is_empty())
        .or_else(|| build_script::git_commit(root))
        .unwrap_or_else(|| "unknown".to_owned());
    let (code, out, _) = fanout(&["--version"]);
    assert_eq!(code, Some(0));
    let first = format!("fanout {} (commit {commit})", env!("CARGO_PKG_VERSION"));
    assert_eq!(out.lines().next(), Some(first.as_str()), "{out}");
    assert!(
        out.contains("Karmada scheduler: v1.16 and later, checked against v1.19")
            && out.contains("Kubernetes: 1.37"),
        "{out}"
    );
    let (code, out, _) = fanout(&["-V"]);
    assert_eq!((code, out), (Some(0), format!("{first}\n")));
}

/// Outside a git work tree the build script falls back to `unknown` instead of failing the build.
#[test]
fn the_commit_lookup_gives_none_outside_git() {
    let tmp = tempfile::tempdir().unwrap();
    assert_eq!(build_script::git_commit(tmp.path()), None);
    assert_eq!(
        build_script::git_commit(&tmp.path().join("not-even-there")),
        None
    );
}

#[test]
fn usage_errors_exit_3() {
    assert_eq!(fanout(&["render", "--no-such-flag"]).0, Some(3));
    assert_eq!(fanout(&["frobnicate"]).0, Some(3));
    let (code, _, err) = fanout(&["validate", "/definitely/not/here"]);
    assert_eq!(code, Some(3));
    assert!(err.contains("/definitely/not/here"), "{err}");
}

#[test]
fn completions_and_manual_page() {
    for shell in ["bash", "zsh", "fish"] {
        let (code, out, _) = fanout(&["completions", shell]);
        assert_eq!(code, Some(0));
        assert!(
            out.contains("fanout") && out.contains("render"),
            "{shell}: {out}"
        );
    }
    let (code, out, _) = fanout(&["man"]);
    assert_eq!(code, Some(0));
    assert!(out.contains(".TH fanout 1"), "{out}");
}

#[test]
fn imported_workloads_validate_and_render() {
    let tmp = tempfile::tempdir().unwrap();
    let live = tmp.path().join("live.yaml");
    std::fs::write(
        &live,
        r#"apiVersion: v1
kind: List
items:
- apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: web
    namespace: shop
    uid: 0b7c5d7e-1111-2222-3333-444455556666
    resourceVersion: "123"
    generation: 4
    creationTimestamp: "2026-01-01T00:00:00Z"
    annotations:
      deployment.kubernetes.io/revision: "4"
    labels: {app.kubernetes.io/name: web}
    managedFields: [{manager: kubectl, operation: Update}]
  spec:
    replicas: 3
    progressDeadlineSeconds: 600
    revisionHistoryLimit: 10
    selector: {matchLabels: {app.kubernetes.io/name: web}}
    strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 25%, maxUnavailable: 25%}}
    template:
      metadata: {labels: {app.kubernetes.io/name: web}}
      spec:
        containers:
        - name: web
          image: nginx:1.27
          imagePullPolicy: IfNotPresent
          terminationMessagePath: /dev/termination-log
          terminationMessagePolicy: File
        dnsPolicy: ClusterFirst
        restartPolicy: Always
        schedulerName: default-scheduler
        securityContext: {}
        terminationGracePeriodSeconds: 30
  status: {replicas: 3, readyReplicas: 3}
"#,
    )
    .unwrap();
    let repo = tmp.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    std::fs::write(
        repo.join("clusters.yaml"),
        "apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata: {name: eu-1}\nspec: {provider: aws, region: eu-west-1}\n",
    )
    .unwrap();
    let (code, _, err) = fanout(&[
        "import",
        live.to_str().unwrap(),
        "--out-dir",
        repo.join("apps").to_str().unwrap(),
    ]);
    assert_eq!(code, Some(0), "{err}");
    let written = std::fs::read_to_string(repo.join("apps/shop/web.deployment.yaml")).unwrap();
    for gone in [
        "managedFields",
        "resourceVersion",
        "0b7c5d7e",
        "status",
        "revision",
    ] {
        assert!(!written.contains(gone), "{gone} left in:\n{written}");
    }
    let (code, _, err) = fanout(&["validate", repo.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{err}");
    let (code, out, err) = fanout(&["render", repo.to_str().unwrap(), "--stdout"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        out.contains("kind: Deployment")
            && out.contains("replicas: 3")
            && out.contains("image: nginx:1.27"),
        "{out}"
    );
}

/// A live Deployment whose selector is not the short form's comes back from `import` then `render` with the
/// same selector and pod labels, so the rendered one can take over the running one.
#[test]
fn an_imported_selector_renders_back_as_it_was() {
    let tmp = tempfile::tempdir().unwrap();
    let live = tmp.path().join("live.yaml");
    std::fs::write(
        &live,
        r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels: {app: web, app.kubernetes.io/instance: shop-apps}
  annotations: {argocd.argoproj.io/tracking-id: "shop-apps:apps/Deployment:shop/web"}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web, tier: fe}
    spec:
      containers:
      - {name: web, image: nginx:1.27}
"#,
    )
    .unwrap();
    let repo = tmp.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    std::fs::write(
        repo.join("clusters.yaml"),
        "apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata: {name: eu-1}\nspec: {provider: aws, region: eu-west-1}\n",
    )
    .unwrap();
    let (code, _, err) = fanout(&[
        "import",
        live.to_str().unwrap(),
        "--out-dir",
        repo.join("apps").to_str().unwrap(),
    ]);
    assert_eq!(code, Some(0), "{err}");
    assert!(!err.contains("selector"), "{err}");
    let written = std::fs::read_to_string(repo.join("apps/shop/web.deployment.yaml")).unwrap();
    // No modeline pointing at a `schema/` folder the repository does not have; no Argo CD tracking.
    for gone in ["yaml-language-server", "instance", "argocd"] {
        assert!(!written.contains(gone), "{gone} left in:\n{written}");
    }
    let (code, out, err) = fanout(&["render", repo.to_str().unwrap(), "--stdout"]);
    assert_eq!(code, Some(0), "{err}");
    let parsed = fanout::front::yaml::parse(
        fanout::source::FileId(0),
        &out,
        fanout::front::yaml::Limits::default(),
    );
    let deployment = parsed
        .documents
        .iter()
        .map(|d| d.root.to_json())
        .find(|d| d["kind"] == "Deployment")
        .unwrap_or_else(|| panic!("no Deployment in\n{out}"));
    assert_eq!(
        deployment["spec"]["selector"],
        serde_json::json!({"matchLabels": {"app": "web"}})
    );
    assert_eq!(
        deployment["spec"]["template"]["metadata"]["labels"],
        serde_json::json!({"app": "web", "tier": "fe"})
    );
}

#[test]
fn quiet_prints_only_errors_and_output_has_no_colour_off_a_terminal() {
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/multicloud");
    let (code, out, err) = fanout(&["--quiet", "validate", example]);
    assert_eq!((code, out.as_str(), err.as_str()), (Some(0), "", ""));
    let (code, out, err) = fanout(&["plan", example, "-q"]);
    assert_eq!(code, Some(0));
    assert!(!out.is_empty() && err.is_empty(), "{err}");
    let missing = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/missing-dependency/repo"
    );
    let (_, _, err) = fanout(&["plan", missing]);
    assert!(
        err.contains("warning[missing-dependency]") && !err.contains('\x1b'),
        "{err}"
    );
    let (_, _, err) = fanout(&["plan", missing, "--quiet"]);
    assert!(err.is_empty(), "{err}");
}

/// Every command that prints its result on stdout, run on the example repository.
/// `out`: a directory of the test's own for the commands that write.
fn printing_commands(out: &std::path::Path) -> Vec<Vec<String>> {
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/multicloud");
    let out = out.join("rendered").to_str().unwrap().to_owned();
    [
        vec!["validate", example, "--output", "json"],
        vec!["plan", example],
        vec!["plan", example, "--output", "json"],
        vec!["render", example, "--stdout"],
        vec!["render", example, "--out", &out, "--diff"],
        vec!["check", example, "--out", &out],
        vec!["completions", "bash"],
        vec!["man"],
    ]
    .into_iter()
    .map(|args| args.into_iter().map(str::to_owned).collect())
    .collect()
}

/// Issue #14, lost output: a full disk on stdout is an I/O error (exit 3, one line on stderr), never
/// a success or a "differences found" with nothing printed.
#[test]
fn a_failed_write_on_stdout_is_an_io_error() {
    let tmp = tempfile::tempdir().unwrap();
    for args in printing_commands(tmp.path()) {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_fanout"))
            .args(&args)
            .stdout(full)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{args:?}: {stderr}");
        assert!(
            stderr.contains("error: cannot write to standard output"),
            "{args:?}: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

/// Issue #14, lost output: a closed pipe (`fanout plan | head`) ends the output quietly.
#[test]
fn a_closed_pipe_ends_quietly() {
    let tmp = tempfile::tempdir().unwrap();
    for args in printing_commands(tmp.path()) {
        let mut child = Command::new(env!("CARGO_BIN_EXE_fanout"))
            .args(&args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(!stderr.contains("cannot write"), "{args:?}: {stderr}");
        assert!(
            matches!(out.status.code(), Some(0..=2)),
            "{args:?}: {stderr}"
        );
    }
}

/// Issue #17: `fanout man --dir DIR` writes a page per command; each one is read by the real `man`
/// (man-db) and by `groff -ww` without a single warning. `fanout man` alone still prints the top page.
#[test]
fn manual_pages_for_every_command_read_without_warnings() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("man/man1");
    let (code, out, err) = fanout(&["man", "--dir", dir.to_str().unwrap()]);
    assert_eq!((code, out.as_str()), (Some(0), ""), "{err}");
    let mut written: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    let mut expected: Vec<String> = [
        "",
        "adopt-bindings",
        "argocd-generate",
        "check",
        "completions",
        "diff",
        "import",
        "init",
        "man",
        "plan",
        "render",
        "schemas",
        "shards",
        "validate",
    ]
    .iter()
    .map(|c| {
        if c.is_empty() {
            "fanout.1".to_owned()
        } else {
            format!("fanout-{c}.1")
        }
    })
    .collect();
    expected.sort();
    assert_eq!(written, expected);
    let (code, top, _) = fanout(&["man"]);
    assert_eq!(code, Some(0));
    assert_eq!(top, std::fs::read_to_string(dir.join("fanout.1")).unwrap());
    assert!(
        top.contains("fanout\\-render(1)"),
        "the top page names the others: {top}"
    );
    let render = std::fs::read_to_string(dir.join("fanout-render.1")).unwrap();
    assert!(
        render.contains(".TH fanout-render 1") && render.contains("\\-\\-cluster"),
        "{render}"
    );

    let have_man = common::installed("man", &["--version"]);
    let have_groff = common::installed("groff", &["--version"]);
    for page in &written {
        let path = dir.join(page);
        let mut readers = Vec::new();
        if have_man {
            let mut man = Command::new("man");
            man.args(["--warnings", "-l"])
                .arg(&path)
                .env("MANWIDTH", "80");
            readers.push(("man --warnings -l", man));
        }
        if have_groff {
            let mut groff = Command::new("groff");
            groff.args(["-ww", "-man", "-z"]).arg(&path);
            readers.push(("groff -ww -man -z", groff));
        }
        for (what, mut reader) in readers {
            let o = reader.output().unwrap();
            let stderr = String::from_utf8_lossy(&o.stderr);
            assert!(
                o.status.success() && stderr.is_empty(),
                "{what} {page}: {stderr}"
            );
            if what.starts_with("man") {
                let shown = String::from_utf8_lossy(&o.stdout);
                let name = page.trim_end_matches(".1");
                assert!(
                    shown.contains(name) && shown.contains("SYNOPSIS"),
                    "{shown}"
                );
            }
        }
    }
}

/// A repository with one schema error on a line of wide characters: the caret must land under
/// `provder`, counted in display columns (each of `日本語` and `東京` takes two).
fn wide_repo() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("cluster.yaml"),
        "apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata: {name: tokyo-1}\nspec: {region: 日本語-東京, provder: aws}\n",
    )
    .unwrap();
    tmp
}

/// `fanout validate REPO` with extra arguments and environment, colour variables cleared first.
fn validate_with(repo: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> String {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_fanout"));
    cmd.arg("validate").arg(repo).args(args);
    for var in ["NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "TERM"] {
        cmd.env_remove(var);
    }
    let out = cmd.envs(env.iter().copied()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    String::from_utf8(out.stderr).unwrap()
}

/// Issue #17: diagnostics are laid out in display columns.
#[test]
fn a_caret_after_wide_characters_lands_under_its_text() {
    let repo = wide_repo();
    let err = validate_with(repo.path(), &[], &[]);
    let lines: Vec<&str> = err.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.contains("日本語"))
        .unwrap_or_else(|| panic!("{err}"));
    assert_eq!(
        lines[at], "4 | spec: {region: 日本語-東京, provder: aws}",
        "{err}"
    );
    // "spec: {region: " is 15 columns, 日本語 6, "-" 1, 東京 4, ", " 2: `provder` starts at column 29.
    assert_eq!(
        lines[at + 1],
        format!("  | {}^^^^^^^", " ".repeat(28)),
        "{err}"
    );
}

/// Issue #17: `--color`, `NO_COLOR`, `CLICOLOR_FORCE` and `TERM=dumb` off a terminal.
#[test]
fn color_follows_the_flag_then_the_environment() {
    let repo = wide_repo();
    let styled = |err: &str| err.contains("\x1b[") && err.contains("error");
    let plain = |err: &str| !err.contains('\x1b') && err.starts_with("error[schema]");
    for (args, env, want) in [
        (&[][..], &[][..], false),
        (&["--color", "always"], &[], true),
        (&["--color=always"], &[("NO_COLOR", "1")], true),
        (&["--color", "never"], &[("CLICOLOR_FORCE", "1")], false),
        (&[], &[("CLICOLOR_FORCE", "1")], true),
        (&[], &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")], false),
        (&[], &[("CLICOLOR_FORCE", "1"), ("TERM", "dumb")], true),
        (&["--color", "auto"], &[("TERM", "xterm-256color")], false),
    ] {
        let err = validate_with(repo.path(), args, env);
        let ok = if want { styled(&err) } else { plain(&err) };
        assert!(ok, "{args:?} {env:?}: {err:?}");
    }
    let (code, _, err) = fanout(&["--color", "sometimes", "validate"]);
    assert_eq!(code, Some(3), "{err}");
}

/// Issue #17: on a terminal (a pseudo-terminal from `script`), `auto` colours unless `NO_COLOR` is set
/// or `TERM=dumb`; `--color never` wins.
#[test]
fn color_on_a_terminal_follows_no_color_and_term() {
    if !common::installed("script", &["--version"]) {
        return;
    }
    let repo = wide_repo();
    let fanout = env!("CARGO_BIN_EXE_fanout");
    let run = |flag: &str, env: &[(&str, &str)]| {
        let line = format!("{fanout} validate {} {flag}", repo.path().display());
        let mut cmd = Command::new("script");
        cmd.args(["-qec", &line, "/dev/null"]);
        for var in ["NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE"] {
            cmd.env_remove(var);
        }
        let out = cmd
            .env("TERM", "xterm")
            .envs(env.iter().copied())
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let on_terminal = run("", &[]);
    assert!(
        on_terminal.contains("\x1b[") && on_terminal.contains("[schema]: unknown field"),
        "{on_terminal:?}"
    );
    for (flag, env) in [
        ("", &[("NO_COLOR", "1")][..]),
        ("", &[("TERM", "dumb")]),
        ("--color never", &[]),
    ] {
        let out = run(flag, env);
        assert!(
            out.contains("error[schema]") && !out.contains('\x1b'),
            "{flag} {env:?}: {out:?}"
        );
    }
}

/// Issue #17: every JSON output starts with its `formatVersion`.
#[test]
fn json_outputs_carry_a_format_version() {
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/multicloud");
    for (command, field, version) in [("validate", "diagnostics", 1), ("plan", "workloads", 2)] {
        let (code, out, err) = fanout(&[command, example, "--output", "json"]);
        assert_eq!(code, Some(0), "{err}");
        let json: serde_json::Value = serde_json::from_str(&out).unwrap();
        let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["formatVersion", field], "{command}");
        assert_eq!(json["formatVersion"], version, "{command}");
    }
}

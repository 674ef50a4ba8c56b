//! Adversarial suite (issue #13): the real binary against hostile repositories, hostile git commits and
//! hostile output directories, each built in a temporary directory.
//!
//! Every run of fanout goes through one harness ([`Sandbox::run`]) that enforces what the README's
//! "Guarantees and limits" promise for any input, whatever the test:
//!
//! - it ends within [`TIME_LIMIT`] (else its process group is killed and the test fails with "hung");
//! - it runs under a 2 GiB address-space cap (`prlimit --as`) and does not crash (no signal, no Rust
//!   panic exit 101, no 128+signal code);
//! - it prints no [`CANARY`] on stdout or stderr (the canary lives outside the repository, in Secrets, or
//!   in files fanout must not read);
//! - nothing outside the repository changes: the sibling sentinel directory `outside/` is snapshotted
//!   (paths, types, modes, inodes, link counts, mtimes, contents, link targets) before and after, the
//!   temporary root holds no new entry, and the private `TMPDIR` given to fanout is left empty.
//!
//! Each test then asserts its own exit code and located message. Layout of every sandbox:
//! `ROOT/repo` (the repository, a git repository where git is used), `ROOT/outside` (the sentinel) and
//! `ROOT/tmp` (fanout's `TMPDIR`).

mod common;
use common::copy_dir;

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fs;
use std::io::{Read, Write};
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt, symlink};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

// ------------------------------------------------------------------------------------------------------
// Harness
// ------------------------------------------------------------------------------------------------------

/// A value that must never be printed, nor written outside the repository.
const CANARY: &str = "CANARY-7f3a91";
/// What `outside/canary.txt` holds: read as `fanout.yaml` it is an invalid `output` (whose diagnostic
/// quotes the value), read as a manifest an object without `apiVersion` (whose diagnostic quotes the
/// line), so a read shows up in the output.
const CANARY_TEXT: &str = "output: ../CANARY-7f3a91\n";
/// Wall-clock limit of one fanout run.
const TIME_LIMIT: Duration = Duration::from_secs(20);
/// Address-space cap of one fanout run (2 GiB).
const MEMORY_CAP: &str = "2147483648";
const PRLIMIT: &str = "/usr/bin/prlimit";
const TIME: &str = "/usr/bin/time";

/// fanout's exit codes (README "Exit codes", `src/cli.rs`).
const OK: i32 = 0;
const DIFFERENCES: i32 = 1;
const INVALID: i32 = 2;
const USAGE_OR_IO: i32 = 3;

/// One finished run of fanout.
struct Run {
    what: String,
    code: i32,
    stdout: String,
    stderr: String,
    /// Peak resident memory in KiB, when measured ([`Sandbox::run_measured`]).
    max_rss_kib: Option<u64>,
}

impl Run {
    fn text(&self) -> String {
        format!(
            "`{}`: exit {}\n--- stdout\n{}\n--- stderr\n{}",
            self.what, self.code, self.stdout, self.stderr
        )
    }

    #[track_caller]
    fn expect_code(&self, codes: &[i32]) {
        assert!(
            codes.contains(&self.code),
            "expected exit code in {codes:?}\n{}",
            self.text()
        );
    }

    /// Whether stderr names `file` with a position: `file:LINE:COL`, or `file (...):LINE:COL` as for
    /// templates (`x.yaml.j2 (rendered for CLUSTER):3:1`).
    fn located(&self, file: &str) -> bool {
        located(&self.stderr, file)
    }

    #[track_caller]
    fn expect_located(&self, file: &str) {
        assert!(
            self.located(file),
            "expected a diagnostic located at `{file}:LINE:COL`\n{}",
            self.text()
        );
    }

    /// Peak memory (of fanout and what it started) below `mib` MiB; needs [`Sandbox::run_measured`].
    #[track_caller]
    fn expect_rss_below_mib(&self, mib: u64) {
        let kib = self.max_rss_kib.expect("memory was not measured");
        assert!(
            kib < mib * 1024,
            "peak RSS {kib} KiB, expected < {mib} MiB\n{}",
            self.text()
        );
    }

    #[track_caller]
    fn expect_stderr(&self, needle: &str) {
        assert!(
            self.stderr.contains(needle),
            "expected stderr to contain `{needle}`\n{}",
            self.text()
        );
    }
}

fn located(text: &str, file: &str) -> bool {
    text.match_indices(file).any(|(i, _)| {
        let mut rest = &text[i + file.len()..];
        if let Some(r) = rest.strip_prefix(" (") {
            match r.find(')') {
                Some(end) if !r[..end].contains('\n') => rest = &r[end + 1..],
                _ => return false,
            }
        }
        fn number(s: &str) -> Option<&str> {
            let n = s.bytes().take_while(u8::is_ascii_digit).count();
            (n > 0).then(|| &s[n..])
        }
        rest.strip_prefix(':')
            .and_then(number)
            .and_then(|r| r.strip_prefix(':'))
            .and_then(number)
            .is_some()
    })
}

/// A temporary root holding the repository, the sentinel and fanout's private `TMPDIR`.
struct Sandbox {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    repo: PathBuf,
    outside: PathBuf,
    tmpdir: PathBuf,
    outside_before: Snapshot,
    root_before: Vec<OsString>,
}

impl Sandbox {
    fn new() -> Sandbox {
        assert!(
            Path::new(PRLIMIT).exists(),
            "{PRLIMIT} is needed to cap fanout's memory"
        );
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        let (repo, outside, tmpdir) = (root.join("repo"), root.join("outside"), root.join("tmp"));
        for d in [&repo, &outside, &tmpdir] {
            fs::create_dir(d).unwrap();
        }
        fs::write(outside.join("canary.txt"), CANARY_TEXT).unwrap();
        fs::write(
            outside.join("canary.yaml"),
            format!(
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: stolen, namespace: shop}}\n\
                 data: {{leak: {CANARY}}}\n"
            ),
        )
        .unwrap();
        fs::create_dir(outside.join("sub")).unwrap();
        fs::write(outside.join("sub/kustomization.yaml"), CANARY_TEXT).unwrap();
        let outside_before = snapshot(&outside);
        let root_before = listing(&root);
        Sandbox {
            _tmp: tmp,
            root,
            repo,
            outside,
            tmpdir,
            outside_before,
            root_before,
        }
    }

    /// `fanout ARGS` in the repository.
    fn fanout(&self, args: &[&str]) -> Run {
        self.run(&self.repo, args)
    }

    /// `fanout ARGS` in `cwd`, with every check of the harness.
    fn run(&self, cwd: &Path, args: &[&str]) -> Run {
        self.spawn(cwd, args, None)
    }

    /// [`Sandbox::run`], also measuring peak resident memory with `/usr/bin/time -f %M`.
    fn run_measured(&self, cwd: &Path, args: &[&str]) -> Run {
        assert!(
            Path::new(TIME).exists(),
            "{TIME} is needed to measure memory"
        );
        let report = tempfile::tempdir().unwrap();
        self.spawn(cwd, args, Some(&report.path().join("rss")))
    }

    fn spawn(&self, cwd: &Path, args: &[&str], rss_file: Option<&Path>) -> Run {
        let what = format!("fanout {}", args.join(" "));
        let mut cmd = Command::new(PRLIMIT);
        cmd.arg(format!("--as={MEMORY_CAP}")).arg("--");
        if let Some(file) = rss_file {
            cmd.arg(TIME).arg("-f").arg("%M").arg("-o").arg(file);
        }
        cmd.arg(env!("CARGO_BIN_EXE_fanout"))
            .args(args)
            .current_dir(cwd)
            .env("TMPDIR", &self.tmpdir)
            .env("NO_COLOR", "1")
            .env_remove("FANOUT_CLUSTER")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            // its own process group, so a hung run is killed with every child (git) it started
            .process_group(0);
        let mut child = cmd.spawn().expect("spawn prlimit/fanout");
        let pid = child.id();
        let drain = |mut r: Box<dyn Read + Send>| {
            thread::spawn(move || {
                let mut buf = Vec::new();
                let _ = r.read_to_end(&mut buf);
                String::from_utf8_lossy(&buf).into_owned()
            })
        };
        let out = drain(Box::new(child.stdout.take().unwrap()));
        let err = drain(Box::new(child.stderr.take().unwrap()));
        let start = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break Some(status);
            }
            if start.elapsed() > TIME_LIMIT {
                break None;
            }
            thread::sleep(Duration::from_millis(20));
        };
        let Some(status) = status else {
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{pid}")])
                .status();
            let _ = child.wait();
            let (stdout, stderr) = (out.join().unwrap(), err.join().unwrap());
            panic!(
                "hung: `{what}` did not finish within {} s (killed)\n--- stdout\n{}\n--- stderr\n{}",
                TIME_LIMIT.as_secs(),
                tail(&stdout),
                tail(&stderr)
            );
        };
        let (stdout, stderr) = (out.join().unwrap(), err.join().unwrap());
        let max_rss_kib = rss_file.map(|f| {
            let text = fs::read_to_string(f).unwrap_or_default();
            (text.lines().rev())
                .find_map(|l| l.trim().parse().ok())
                .unwrap_or_else(|| panic!("no peak RSS reported by {TIME}: {text:?}"))
        });
        let code = match (status.code(), status.signal()) {
            (_, Some(sig)) => panic!(
                "crashed: `{what}` was killed by signal {sig}\n--- stderr\n{}",
                tail(&stderr)
            ),
            (Some(code), None) => code,
            (None, None) => unreachable!(),
        };
        let run = Run {
            what,
            code,
            stdout,
            stderr,
            max_rss_kib,
        };
        // 101: a Rust panic; >= 128: killed by a signal (as reported through `time`, or abort).
        assert!(run.code != 101 && run.code < 128, "crashed: {}", run.text());
        assert!(
            !run.stdout.contains(CANARY) && !run.stderr.contains(CANARY),
            "canary `{CANARY}` printed\n{}",
            run.text()
        );
        let now = snapshot(&self.outside);
        assert!(
            now == self.outside_before,
            "the sentinel directory outside the repository changed:\n{}\n{}",
            difference(&self.outside_before, &now),
            run.text()
        );
        assert_eq!(
            listing(&self.root),
            self.root_before,
            "an entry appeared or vanished beside the repository\n{}",
            run.text()
        );
        assert_eq!(
            listing(&self.tmpdir),
            Vec::<OsString>::new(),
            "fanout left files in its TMPDIR\n{}",
            run.text()
        );
        run
    }
}

fn tail(s: &str) -> &str {
    let mut start = s.len().saturating_sub(4000);
    while !s.is_char_boundary(start) {
        start += 1;
    }
    &s[start..]
}

/// The names in a directory, sorted.
fn listing(dir: &Path) -> Vec<OsString> {
    let mut names: Vec<OsString> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    names
}

/// One entry of a directory tree as seen without following symlinks.
#[derive(Debug, PartialEq, Eq)]
struct Node {
    kind: &'static str,
    mode: u32,
    ino: u64,
    nlink: u64,
    mtime_ns: i128,
    /// File contents or a symlink's target.
    data: Vec<u8>,
}

impl Node {
    fn brief(&self) -> String {
        format!(
            "{} mode {:o} ino {} nlink {} mtime {} ns, {} bytes",
            self.kind,
            self.mode,
            self.ino,
            self.nlink,
            self.mtime_ns,
            self.data.len()
        )
    }
}

type Snapshot = BTreeMap<PathBuf, Node>;

/// Every entry under `dir` (and `dir` itself, as ""), never following symlinks.
fn snapshot(dir: &Path) -> Snapshot {
    fn walk(path: &Path, base: &Path, out: &mut Snapshot) {
        let Ok(meta) = fs::symlink_metadata(path) else {
            return;
        };
        let t = meta.file_type();
        let (kind, data) = if t.is_symlink() {
            let target = fs::read_link(path).unwrap_or_default();
            ("symlink", target.into_os_string().into_encoded_bytes())
        } else if t.is_dir() {
            ("dir", Vec::new())
        } else if t.is_file() {
            ("file", fs::read(path).unwrap_or_default())
        } else if t.is_fifo() {
            ("fifo", Vec::new())
        } else {
            ("other", Vec::new())
        };
        let rel = path.strip_prefix(base).unwrap().to_path_buf();
        out.insert(
            rel,
            Node {
                kind,
                mode: meta.permissions().mode(),
                ino: meta.ino(),
                nlink: meta.nlink(),
                mtime_ns: i128::from(meta.mtime()) * 1_000_000_000 + i128::from(meta.mtime_nsec()),
                data,
            },
        );
        if kind == "dir" {
            let mut children: Vec<PathBuf> = fs::read_dir(path)
                .map(|rd| rd.flatten().map(|e| e.path()).collect())
                .unwrap_or_default();
            children.sort();
            for c in children {
                walk(&c, base, out);
            }
        }
    }
    let mut out = Snapshot::new();
    walk(dir, dir, &mut out);
    out
}

fn difference(before: &Snapshot, after: &Snapshot) -> String {
    let mut s = String::new();
    for (p, n) in before {
        match after.get(p) {
            None => s.push_str(&format!("  removed `{}`\n", p.display())),
            Some(m) if m != n => s.push_str(&format!(
                "  changed `{}`: {} -> {}\n",
                p.display(),
                n.brief(),
                m.brief()
            )),
            Some(_) => {}
        }
    }
    for p in after.keys().filter(|p| !before.contains_key(*p)) {
        s.push_str(&format!("  created `{}`\n", p.display()));
    }
    s
}

/// Regular files and symlinks under `dir` (not following symlinks), relative paths.
fn files_under(dir: &Path) -> Vec<(PathBuf, &'static str, Vec<u8>)> {
    snapshot(dir)
        .into_iter()
        .filter(|(_, n)| n.kind != "dir")
        .map(|(p, n)| (p, n.kind, n.data))
        .collect()
}

fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    fs::write(path, text).unwrap();
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(status.success(), "mkfifo {}", path.display());
}

/// Remove whatever sits at `path` (file, symlink, FIFO or directory).
fn remove(path: &Path) {
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => fs::remove_dir_all(path).unwrap(),
        Ok(_) => fs::remove_file(path).unwrap(),
        Err(_) => {}
    }
}

// ------------------------------------------------------------------------------------------------------
// Repositories
// ------------------------------------------------------------------------------------------------------

const CLUSTER: &str = "apiVersion: cluster.karmada.io/v1alpha1
kind: Cluster
metadata: {name: eu-1, labels: {env: prod}}
spec: {provider: aws, region: eu-west-1, zones: [eu-west-1a]}
status:
  resourceSummary:
    allocatable: {cpu: \"32\", memory: 128Gi, pods: \"110\"}
";

const POLICY: &str = "apiVersion: policy.karmada.io/v1alpha1
kind: ClusterPropagationPolicy
metadata: {name: all}
spec:
  resourceSelectors:
    - {apiVersion: v1, kind: ConfigMap}
    - {apiVersion: v1, kind: Secret}
    - {apiVersion: apps/v1, kind: Deployment}
  placement:
    clusterAffinity: {clusterNames: [eu-1]}
";

/// A plain Deployment; `replicas` is on line 7, its value at column 13.
fn deployment(name: &str, replicas: &str) -> String {
    format!(
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: shop
spec:
  replicas: {replicas}
  selector:
    matchLabels: {{app: web}}
  template:
    metadata:
      labels: {{app: web}}
    spec:
      containers:
        - {{name: web, image: ghcr.io/acme/web:1.0.0}}
"
    )
}

/// The smallest valid repository: one cluster, one policy placing everything there, one Deployment and
/// one ConfigMap.
fn minimal_repo(repo: &Path) {
    write(&repo.join("clusters.yaml"), CLUSTER);
    write(&repo.join("policy.yaml"), POLICY);
    write(&repo.join("apps/web.yaml"), &deployment("web", "2"));
    write(
        &repo.join("apps/config.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web-config, namespace: shop}\ndata: {MODE: fast}\n",
    );
}

/// A sandbox holding the minimal repository.
fn minimal() -> Sandbox {
    let sb = Sandbox::new();
    minimal_repo(&sb.repo);
    sb
}

/// A sandbox holding the minimal repository, rendered once.
fn rendered() -> Sandbox {
    let sb = minimal();
    let first = sb.fanout(&["render", "."]);
    first.expect_code(&[OK]);
    assert!(sb.repo.join("rendered/.fanout/index").is_file());
    sb
}

/// An edit to an input, so that the next render has to write.
fn touch_input(sb: &Sandbox) {
    write(&sb.repo.join("apps/web.yaml"), &deployment("web", "3"));
}

/// No file or symlink under `REPO/rendered` came from the sentinel, and `rendered` is a real directory.
#[track_caller]
fn assert_nothing_adopted(sb: &Sandbox, run: &Run) {
    assert_nothing_adopted_but(sb, run, None);
}

/// [`assert_nothing_adopted`], except for a symlink the test planted itself (relative to `rendered`).
#[track_caller]
fn assert_nothing_adopted_but(sb: &Sandbox, run: &Run, planted: Option<&Path>) {
    let out = sb.repo.join("rendered");
    let Ok(meta) = fs::symlink_metadata(&out) else {
        return;
    };
    assert!(
        meta.is_dir(),
        "`rendered` is not a real directory after the run\n{}",
        run.text()
    );
    for (path, kind, data) in files_under(&out) {
        if kind == "symlink" && Some(path.as_path()) == planted {
            continue;
        }
        assert!(
            kind != "symlink",
            "a symlink `rendered/{}` appeared (adopted from outside?)\n{}",
            path.display(),
            run.text()
        );
        assert!(
            !String::from_utf8_lossy(&data).contains(CANARY),
            "the canary appeared in `rendered/{}`\n{}",
            path.display(),
            run.text()
        );
    }
}

// ------------------------------------------------------------------------------------------------------
// Git
// ------------------------------------------------------------------------------------------------------

fn git_with(dir: &Path, args: &[&str], input: Option<&[u8]>) -> String {
    let mut child = Command::new("git")
        .args(["-c", "user.email=ci@example.com", "-c", "user.name=ci"])
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "ci")
        .env("GIT_AUTHOR_EMAIL", "ci@example.com")
        .env("GIT_COMMITTER_NAME", "ci")
        .env("GIT_COMMITTER_EMAIL", "ci@example.com")
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("git");
    let writer = input.map(|bytes| {
        let mut stdin = child.stdin.take().unwrap();
        let bytes = bytes.to_vec();
        thread::spawn(move || stdin.write_all(&bytes))
    });
    let out = child.wait_with_output().unwrap();
    if let Some(w) = writer {
        w.join().unwrap().unwrap();
    }
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim_end().to_owned()
}

fn git(dir: &Path, args: &[&str]) -> String {
    git_with(dir, args, None)
}

/// Where the fanout repository sits in the git repository `ROOT/repo`.
#[derive(Clone, Copy, Debug)]
enum Layout {
    /// The fanout repository is the git root.
    Root,
    /// The fanout repository is `deploy/` of the git repository.
    Subdir,
}

const LAYOUTS: [Layout; 2] = [Layout::Subdir, Layout::Root];

/// A sandbox whose `repo/` is a git repository holding a copy of `examples/multicloud` (without its
/// `rendered/`) at the layout's place, committed. Returns the fanout repository's directory.
fn committed_example(sb: &Sandbox, layout: Layout) -> PathBuf {
    let dir = match layout {
        Layout::Root => sb.repo.clone(),
        Layout::Subdir => sb.repo.join("deploy"),
    };
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/multicloud"),
        &dir,
    );
    let _ = fs::remove_dir_all(dir.join("rendered"));
    git(&sb.repo, &["init", "-q"]);
    git(&sb.repo, &["add", "-A"]);
    git(&sb.repo, &["commit", "-qm", "base"]);
    dir
}

fn blob(sb: &Sandbox, bytes: &[u8]) -> String {
    git_with(&sb.repo, &["hash-object", "-w", "--stdin"], Some(bytes))
}

fn mktree(sb: &Sandbox, lines: &[String]) -> String {
    let mut input = lines.join("\n");
    input.push('\n');
    git_with(&sb.repo, &["mktree"], Some(input.as_bytes()))
}

/// A commit on top of HEAD whose fanout-repository tree is HEAD's with `edit` applied to its
/// `git ls-tree` lines (`<mode> <type> <sha>\t<name>`, duplicates allowed). Returns the commit's id.
fn hostile_commit(sb: &Sandbox, layout: Layout, edit: impl FnOnce(&mut Vec<String>)) -> String {
    let tree_of = |rev: &str| git(&sb.repo, &["rev-parse", rev]);
    let lines_of = |tree: &str| -> Vec<String> {
        git(&sb.repo, &["ls-tree", tree])
            .lines()
            .map(str::to_owned)
            .collect()
    };
    let dir_tree = match layout {
        Layout::Root => tree_of("HEAD^{tree}"),
        Layout::Subdir => tree_of("HEAD:deploy"),
    };
    let mut lines = lines_of(&dir_tree);
    edit(&mut lines);
    let mut tree = mktree(sb, &lines);
    if let Layout::Subdir = layout {
        let mut top = lines_of("HEAD^{tree}");
        top.retain(|l| !l.ends_with("\tdeploy"));
        top.push(format!("040000 tree {tree}\tdeploy"));
        tree = mktree(sb, &top);
    }
    let commit = git(
        &sb.repo,
        &["commit-tree", &tree, "-p", "HEAD", "-m", "hostile"],
    );
    git(&sb.repo, &["update-ref", "refs/heads/hostile", &commit]);
    commit
}

/// The `git ls-tree` line of `name` in `lines`, removed from them.
fn take_entry(lines: &mut Vec<String>, name: &str) -> String {
    let i = (lines.iter())
        .position(|l| l.ends_with(&format!("\t{name}")))
        .unwrap_or_else(|| panic!("no `{name}` in {lines:?}"));
    lines.remove(i)
}

fn entry_sha(line: &str) -> &str {
    line.split(['\t', ' ']).nth(2).unwrap()
}

/// `fanout diff --base REV .` in the fanout repository.
fn diff_base(sb: &Sandbox, dir: &Path, rev: &str) -> Run {
    sb.run(dir, &["diff", "--base", rev, "."])
}

// ------------------------------------------------------------------------------------------------------
// 1. `diff --base REV` against hostile commits
// ------------------------------------------------------------------------------------------------------

/// Issue #13 case 1a: a symlink `apps` -> the sentinel beside a tree `apps` must not make fanout write
/// through the link; the duplicate entry is an error naming it.
#[test]
fn diff_base_duplicate_symlink_and_tree_entry_is_refused_without_writing_outside() {
    for layout in LAYOUTS {
        let sb = Sandbox::new();
        let dir = committed_example(&sb, layout);
        let link = blob(&sb, sb.outside.as_os_str().as_encoded_bytes());
        let x = blob(
            &sb,
            b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: planted, namespace: shop}\ndata: {k: v}\n",
        );
        let rev = hostile_commit(&sb, layout, |lines| {
            let apps = take_entry(lines, "apps");
            let mut inner: Vec<String> = git(&sb.repo, &["ls-tree", entry_sha(&apps)])
                .lines()
                .map(str::to_owned)
                .collect();
            inner.push(format!("100644 blob {x}\tx.yaml"));
            let apps_tree = mktree(&sb, &inner);
            lines.push(format!("120000 blob {link}\tapps"));
            lines.push(format!("040000 tree {apps_tree}\tapps"));
        });
        let run = diff_base(&sb, &dir, &rev);
        run.expect_code(&[INVALID, USAGE_OR_IO]);
        let err = run.stderr.to_lowercase();
        assert!(
            err.contains("apps") && (err.contains("duplicate") || err.contains("twice")),
            "{layout:?}: expected a message naming the duplicate entry `apps`\n{}",
            run.text()
        );
    }
}

/// Issue #13 case 1b: a symlink `x.yaml` -> an outside file beside a blob `x.yaml` must not make fanout
/// write the blob through the link; the duplicate entry is an error naming it.
#[test]
fn diff_base_duplicate_symlink_and_blob_entry_is_refused_without_writing_outside() {
    for layout in LAYOUTS {
        let sb = Sandbox::new();
        let dir = committed_example(&sb, layout);
        let target = sb.outside.join("canary.txt");
        let link = blob(&sb, target.as_os_str().as_encoded_bytes());
        let x = blob(
            &sb,
            b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: planted, namespace: shop}\ndata: {k: overwritten}\n",
        );
        let rev = hostile_commit(&sb, layout, |lines| {
            lines.push(format!("120000 blob {link}\tx.yaml"));
            lines.push(format!("100644 blob {x}\tx.yaml"));
        });
        let run = diff_base(&sb, &dir, &rev);
        run.expect_code(&[INVALID, USAGE_OR_IO]);
        let err = run.stderr.to_lowercase();
        assert!(
            err.contains("x.yaml") && (err.contains("duplicate") || err.contains("twice")),
            "{layout:?}: expected a message naming the duplicate entry `x.yaml`\n{}",
            run.text()
        );
    }
}

/// Issue #13 case 1c: symlinks in the base revision that lead out of the repository (relative, absolute,
/// and relative ones that escape wherever the revision is materialised) are warned about like the
/// working-tree loader does, and never read.
#[test]
fn diff_base_symlinks_out_of_the_repository_are_warned_and_not_read() {
    for layout in LAYOUTS {
        let sb = Sandbox::new();
        let dir = committed_example(&sb, layout);
        let canary = sb.outside.join("canary.txt");
        let up = match layout {
            Layout::Root => "../",
            Layout::Subdir => "../../",
        };
        let links = [
            ("leak.yaml", canary.display().to_string()),
            ("leak-rel.yaml", format!("{up}outside/canary.txt")),
            // escapes a revision materialised at TMPDIR/<dir>/repo (TMPDIR is ROOT/tmp)
            ("leak-tmp.yaml", "../../../outside/canary.txt".to_owned()),
            (
                "leak-deep.yaml",
                format!("{}{}", "../".repeat(40), canary.display()),
            ),
            ("leak-object.yaml", format!("{up}outside/canary.yaml")),
        ];
        let shas: Vec<(String, &str)> = (links.iter())
            .map(|(name, target)| (blob(&sb, target.as_bytes()), *name))
            .collect();
        let rev = hostile_commit(&sb, layout, |lines| {
            for (sha, name) in &shas {
                lines.push(format!("120000 blob {sha}\t{name}"));
            }
        });
        let run = diff_base(&sb, &dir, &rev);
        // nothing was read from the links, so both sides compile to the same thing
        run.expect_code(&[OK]);
        run.expect_stderr("warning[symlink]");
        for (name, _) in &links {
            run.expect_stderr(name);
        }
        assert!(!run.stderr.contains("stolen"), "{}", run.text());
    }
}

/// Issue #13 case 1d: a submodule (gitlink) entry in the base revision is skipped, without a crash.
#[test]
fn diff_base_submodule_entry_is_skipped() {
    for layout in LAYOUTS {
        let sb = Sandbox::new();
        let dir = committed_example(&sb, layout);
        let head = git(&sb.repo, &["rev-parse", "HEAD"]);
        let rev = hostile_commit(&sb, layout, |lines| {
            lines.push(format!("160000 commit {head}\tvendor"));
            lines.push(format!("160000 commit {head}\tsub.yaml"));
        });
        let run = diff_base(&sb, &dir, &rev);
        run.expect_code(&[OK]);
    }
}

/// Issue #13 case 1e: a 64 MiB blob in the base revision (the limit is 16 MiB) is a located "too large"
/// problem, not a crash, and peak memory (fanout and the git it runs) stays below 200 MiB.
#[test]
fn diff_base_huge_blob_is_refused_located_within_bounded_memory() {
    const SIZE: usize = 64 * 1024 * 1024;
    let line = b"a: b\n";
    let big: Vec<u8> = line.iter().copied().cycle().take(SIZE).collect();
    for layout in LAYOUTS {
        let sb = Sandbox::new();
        let dir = committed_example(&sb, layout);
        let sha = blob(&sb, &big);
        let rev = hostile_commit(&sb, layout, |lines| {
            lines.push(format!("100644 blob {sha}\tbig.yaml"));
        });
        let run = sb.run_measured(&dir, &["diff", "--base", &rev, "."]);
        run.expect_code(&[OK, DIFFERENCES, INVALID, USAGE_OR_IO]);
        run.expect_located("big.yaml");
        let err = run.stderr.to_lowercase();
        assert!(
            err.contains("too large") || err.contains("over the limit"),
            "{layout:?}: expected a \"too large\" message\n{}",
            run.text()
        );
        let kib = run.max_rss_kib.unwrap();
        eprintln!("{layout:?}: peak RSS of `fanout diff` over a 64 MiB blob: {kib} KiB");
        run.expect_rss_below_mib(200);
    }
}

/// Issue #13 case 1f: a plain base revision works with the fanout repository at the git root and in a
/// subdirectory: exit 0 when nothing changed, 1 after a change.
#[test]
fn diff_base_works_at_the_git_root_and_in_a_subdirectory() {
    for layout in LAYOUTS {
        let sb = Sandbox::new();
        let dir = committed_example(&sb, layout);
        let same = diff_base(&sb, &dir, "HEAD");
        assert_eq!(same.code, OK, "{layout:?}\n{}", same.text());
        let path = dir.join("apps/payments/deployment.yaml");
        let edited = fs::read_to_string(&path)
            .unwrap()
            .replace("replicas: 5", "replicas: 8");
        fs::write(&path, edited).unwrap();
        let changed = diff_base(&sb, &dir, "HEAD");
        assert_eq!(changed.code, DIFFERENCES, "{layout:?}\n{}", changed.text());
    }
}

// ------------------------------------------------------------------------------------------------------
// 2. Lock and staging paths beside the output directory
// ------------------------------------------------------------------------------------------------------

/// Issue #13 case 2a: a dangling symlink at the lock path (`.rendered.fanout-lock`) is not followed:
/// nothing is created outside, whether the render refuses or succeeds.
#[test]
fn lock_path_symlink_is_not_followed() {
    for existing_tree in [false, true] {
        let sb = if existing_tree { rendered() } else { minimal() };
        if existing_tree {
            touch_input(&sb);
        }
        let lock = sb.repo.join(".rendered.fanout-lock");
        symlink("../outside/created-by-fanout", &lock).unwrap();
        let run = sb.fanout(&["render", "."]);
        run.expect_code(&[OK, INVALID, USAGE_OR_IO]);
        assert!(
            !sb.outside.join("created-by-fanout").exists(),
            "{}",
            run.text()
        );
        assert_nothing_adopted(&sb, &run);
    }
}

/// Issue #13 case 2b: a symlink to the sentinel named like an old tree of a killed render
/// (`.rendered.fanout-old-N`) is never adopted as the output directory.
#[test]
fn old_tree_symlink_beside_the_output_is_never_adopted() {
    for existing_tree in [false, true] {
        for target in ["abs", "../outside"] {
            let sb = if existing_tree { rendered() } else { minimal() };
            if existing_tree {
                touch_input(&sb);
            }
            let target = if target == "abs" {
                sb.outside.clone()
            } else {
                PathBuf::from(target)
            };
            symlink(&target, sb.repo.join(".rendered.fanout-old-1")).unwrap();
            symlink(&target, sb.repo.join(".rendered.fanout-old-99999999")).unwrap();
            let run = sb.fanout(&["render", "."]);
            run.expect_code(&[OK, INVALID, USAGE_OR_IO]);
            assert_nothing_adopted(&sb, &run);
        }
    }
}

/// Issue #13 case 2c: a symlink to the sentinel named like a staging directory
/// (`.rendered.fanout-staging-N`) is never adopted, nor its target emptied.
#[test]
fn staging_symlink_beside_the_output_is_never_adopted() {
    for existing_tree in [false, true] {
        let sb = if existing_tree { rendered() } else { minimal() };
        if existing_tree {
            touch_input(&sb);
        }
        symlink(&sb.outside, sb.repo.join(".rendered.fanout-staging-1")).unwrap();
        symlink(
            "../outside",
            sb.repo.join(".rendered.fanout-staging-424242"),
        )
        .unwrap();
        let run = sb.fanout(&["render", "."]);
        run.expect_code(&[OK, INVALID, USAGE_OR_IO]);
        assert_nothing_adopted(&sb, &run);
    }
}

// ------------------------------------------------------------------------------------------------------
// 3. The output directory itself a symlink out of the repository
// ------------------------------------------------------------------------------------------------------

/// Issue #13 case 3: a committed `rendered -> ../outside` (or an absolute link) is refused, and nothing
/// is written outside.
#[test]
fn output_directory_symlinked_outside_is_refused() {
    for absolute in [false, true] {
        let sb = minimal();
        let target = if absolute {
            sb.outside.clone()
        } else {
            PathBuf::from("../outside")
        };
        symlink(&target, sb.repo.join("rendered")).unwrap();
        let run = sb.fanout(&["render", "."]);
        run.expect_code(&[INVALID, USAGE_OR_IO]);
        run.expect_stderr("rendered");
        assert!(
            fs::symlink_metadata(sb.repo.join("rendered"))
                .unwrap()
                .file_type()
                .is_symlink(),
            "{}",
            run.text()
        );
    }
}

// ------------------------------------------------------------------------------------------------------
// 4. `output` naming the repository itself
// ------------------------------------------------------------------------------------------------------

/// Issue #13 case 4: `output: .`, `""`, `./` and `./.` are refused with a diagnostic at fanout.yaml's
/// line, and the repository is left exactly as it was.
#[test]
fn output_naming_the_repository_itself_is_refused_located() {
    for value in [".", "\"\"", "./", "./.", "''"] {
        let sb = minimal();
        write(
            &sb.repo.join("fanout.yaml"),
            &format!("# where fanout writes\noutput: {value}\n"),
        );
        let before = snapshot(&sb.repo);
        for args in [&["validate", "."][..], &["render", "."]] {
            let run = sb.fanout(args);
            assert_eq!(run.code, INVALID, "output: {value}\n{}", run.text());
            assert!(
                run.stderr.contains("fanout.yaml:2:"),
                "output: {value}: expected a diagnostic at fanout.yaml:2\n{}",
                run.text()
            );
            let after = snapshot(&sb.repo);
            assert!(
                before == after,
                "output: {value}: the repository changed\n{}{}",
                difference(&before, &after),
                run.text()
            );
        }
    }
}

// ------------------------------------------------------------------------------------------------------
// 5. Symlinks to outside files and to /dev/zero where fanout reads its own files
// ------------------------------------------------------------------------------------------------------

/// Issue #13 case 5a: `fanout.yaml` as a symlink to an outside file or to `/dev/zero` is not read: no
/// canary printed, no hang, no out-of-memory; the path is named.
#[test]
fn fanout_yaml_symlinked_outside_or_to_dev_zero_is_not_read() {
    for target in ["../outside/canary.txt", "abs", "/dev/zero"] {
        let sb = minimal();
        let target = if target == "abs" {
            sb.outside.join("canary.txt")
        } else {
            PathBuf::from(target)
        };
        symlink(&target, sb.repo.join("fanout.yaml")).unwrap();
        for args in [&["validate", "."][..], &["render", "."]] {
            let run = sb.run_measured(&sb.repo, args);
            run.expect_code(&[OK, INVALID, USAGE_OR_IO]);
            run.expect_stderr("fanout.yaml");
            run.expect_rss_below_mib(200);
        }
    }
}

/// Issue #13 case 5b: `rendered/.fanout/{index,cache,placement.tsv}` replaced by symlinks to an outside
/// file or to `/dev/zero`: `check`, `render --diff` and `render` end, print no canary, write nothing
/// outside.
#[test]
fn state_files_symlinked_outside_or_to_dev_zero_are_not_read() {
    for file in ["index", "cache", "placement.tsv"] {
        for target in ["canary", "/dev/zero"] {
            let sb = rendered();
            let path = sb.repo.join("rendered/.fanout").join(file);
            let target = if target == "canary" {
                sb.outside.join("canary.txt")
            } else {
                PathBuf::from(target)
            };
            for args in [
                &["check", "."][..],
                &["render", ".", "--diff"],
                &["render", "."],
            ] {
                fs::create_dir_all(path.parent().unwrap()).unwrap();
                remove(&path);
                symlink(&target, &path).unwrap();
                let run = sb.run_measured(&sb.repo, args);
                run.expect_code(&[OK, DIFFERENCES, INVALID, USAGE_OR_IO]);
                run.expect_rss_below_mib(200);
                assert_nothing_adopted_but(&sb, &run, Some(&Path::new(".fanout").join(file)));
            }
        }
    }
}

// ------------------------------------------------------------------------------------------------------
// 6. FIFOs
// ------------------------------------------------------------------------------------------------------

/// Issue #13 case 6a: `fanout.yaml` as a FIFO: no hang, a message naming it.
#[test]
fn fanout_yaml_fifo_does_not_hang() {
    let sb = minimal();
    mkfifo(&sb.repo.join("fanout.yaml"));
    for args in [&["validate", "."][..], &["render", "."]] {
        let run = sb.fanout(args);
        run.expect_code(&[OK, INVALID, USAGE_OR_IO]);
        run.expect_stderr("fanout.yaml");
    }
}

/// Issue #13 case 6b: `apps/x.yaml` a symlink to a FIFO inside the repository (and a FIFO named
/// `apps/y.yaml`): no hang, a message naming the link.
#[test]
fn manifest_symlink_to_fifo_does_not_hang() {
    let sb = minimal();
    mkfifo(&sb.repo.join("apps/pipe"));
    symlink("pipe", sb.repo.join("apps/x.yaml")).unwrap();
    mkfifo(&sb.repo.join("apps/y.yaml"));
    for args in [&["validate", "."][..], &["render", "."]] {
        let run = sb.fanout(args);
        run.expect_code(&[OK, INVALID, USAGE_OR_IO]);
        run.expect_stderr("apps/x.yaml");
    }
}

/// Issue #13 case 6c: a FIFO in place of `rendered/.fanout/index` (and of the stat cache): `render`,
/// `check` and `render --diff` end; a message names the index.
#[test]
fn state_file_fifo_does_not_hang() {
    for file in ["index", "cache"] {
        let sb = rendered();
        let path = sb.repo.join("rendered/.fanout").join(file);
        for args in [
            &["render", "."][..],
            &["check", "."],
            &["render", ".", "--diff"],
        ] {
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            remove(&path);
            mkfifo(&path);
            let run = sb.fanout(args);
            run.expect_code(&[OK, DIFFERENCES, INVALID, USAGE_OR_IO]);
            if file == "index" {
                run.expect_stderr(".fanout/index");
            }
        }
    }
}

// ------------------------------------------------------------------------------------------------------
// 7. Secret values in diagnostics
// ------------------------------------------------------------------------------------------------------

/// Issue #13 case 7a: Secret values never reach diagnostics: an invalid base64 `data` value, a duplicate
/// `stringData` key, and an ambiguous scalar on the same line as a secret value. `validate` (text and
/// JSON), `plan`, `render --diff` and `render` print no canary; the problems are still reported.
#[test]
fn secret_values_never_appear_in_diagnostics() {
    let secrets = [
        (
            "bad-base64",
            format!(
                "apiVersion: v1\nkind: Secret\nmetadata: {{name: s, namespace: shop}}\ntype: Opaque\n\
                 data:\n  token: {CANARY}!!!\n"
            ),
        ),
        (
            "duplicate-key",
            format!(
                "apiVersion: v1\nkind: Secret\nmetadata: {{name: s, namespace: shop}}\ntype: Opaque\n\
                 stringData:\n  password: {CANARY}\n  password: {CANARY}-again\n"
            ),
        ),
        (
            "ambiguous",
            format!(
                "apiVersion: v1\nkind: Secret\nmetadata: {{name: s, namespace: shop}}\ntype: Opaque\n\
                 stringData: {{enabled: on, token: {CANARY}}}\n"
            ),
        ),
    ];
    for (case, text) in secrets {
        let sb = minimal();
        write(&sb.repo.join("apps/secret.yaml"), &text);
        let runs: Vec<Run> = [
            &["validate", "."][..],
            &["validate", ".", "--output", "json"],
            &["plan", "."],
            &["plan", ".", "--output", "json"],
            &["render", ".", "--diff"],
            &["render", "."],
        ]
        .iter()
        .map(|args| sb.fanout(args))
        .collect();
        let validate = &runs[0];
        match case {
            "duplicate-key" => {
                assert_eq!(validate.code, INVALID, "{case}\n{}", validate.text());
                validate.expect_located("apps/secret.yaml");
            }
            "ambiguous" => {
                validate.expect_stderr("ambiguous-scalar");
                validate.expect_located("apps/secret.yaml");
            }
            _ => {}
        }
    }
}

/// Issue #13 case 7b: an OverridePolicy whose plaintext overrider turns a Secret into a ConfigMap (which
/// would unmask its values) is an error; `render --diff` writes nothing and prints no value.
#[test]
fn override_turning_a_secret_into_a_configmap_is_refused() {
    let sb = minimal();
    write(
        &sb.repo.join("apps/secret.yaml"),
        &format!(
            "apiVersion: v1\nkind: Secret\nmetadata: {{name: s, namespace: shop}}\ntype: Opaque\n\
             stringData:\n  token: {CANARY}\n"
        ),
    );
    write(
        &sb.repo.join("apps/unmask.yaml"),
        "apiVersion: policy.karmada.io/v1alpha1
kind: OverridePolicy
metadata: {name: unmask, namespace: shop}
spec:
  resourceSelectors:
    - {apiVersion: v1, kind: Secret, name: s}
  overrideRules:
    - targetCluster: {clusterNames: [eu-1]}
      overriders:
        plaintext:
          - {path: /kind, operator: replace, value: ConfigMap}
",
    );
    let diff = sb.fanout(&["render", ".", "--diff"]);
    assert_eq!(diff.code, INVALID, "{}", diff.text());
    diff.expect_located("apps/unmask.yaml");
    assert!(!sb.repo.join("rendered").exists(), "{}", diff.text());
    let validate = sb.fanout(&["validate", "."]);
    assert_eq!(validate.code, INVALID, "{}", validate.text());
}

// ------------------------------------------------------------------------------------------------------
// 8. Raised limits
// ------------------------------------------------------------------------------------------------------

/// Issue #13 case 8a: `maxDepth: 100000` and a file nested 20,000 levels deep (block sequences, and flow
/// sequences): no crash, no hang.
#[test]
fn deep_nesting_under_raised_max_depth_does_not_crash() {
    const LEVELS: usize = 20_000;
    let block = format!("{}x\n", "- ".repeat(LEVELS));
    let flow = format!("{}x{}\n", "[".repeat(LEVELS), "]".repeat(LEVELS));
    for (case, value) in [("block", block), ("flow", flow)] {
        let sb = minimal();
        write(&sb.repo.join("fanout.yaml"), "limits: {maxDepth: 100000}\n");
        let value = if case == "block" {
            format!("\n{value}")
        } else {
            format!(" {value}")
        };
        write(
            &sb.repo.join("apps/deep.yaml"),
            &format!(
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: deep, namespace: shop}}\ndeep:{value}"
            ),
        );
        for args in [&["validate", "."][..], &["render", "."]] {
            let run = sb.fanout(args);
            run.expect_code(&[OK, INVALID, USAGE_OR_IO]);
        }
    }
}

/// Issue #13 case 8b: `templateFuel: 1000000000000000` and a template that loops (practically)
/// forever: the run ends within the time limit with an error at the template (or at the limit).
#[test]
fn endless_template_under_huge_fuel_ends_in_time() {
    let loops = [
        "{% for i in range(999999999) %}{% for j in range(999999999) %}{% endfor %}{% endfor %}",
        "{% for i in range(10000) %}{% for j in range(10000) %}{% for k in range(10000) %}\
         {% for l in range(10000) %}{% endfor %}{% endfor %}{% endfor %}{% endfor %}",
    ];
    for body in loops {
        let sb = minimal();
        write(
            &sb.repo.join("fanout.yaml"),
            "limits: {templateFuel: 1000000000000000}\n",
        );
        write(
            &sb.repo.join("apps/loop.yaml.j2"),
            &format!(
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: loop, namespace: shop}}\n\
                 data:\n  x: \"{body}\"\n"
            ),
        );
        for args in [&["validate", "."][..], &["render", "."]] {
            let run = sb.fanout(args);
            assert_eq!(run.code, INVALID, "{}", run.text());
            assert!(
                run.located("apps/loop.yaml.j2") || run.located("fanout.yaml"),
                "expected an error at the template or at the limit\n{}",
                run.text()
            );
        }
    }
}

// ------------------------------------------------------------------------------------------------------
// 9. Output file names that collide after escaping
// ------------------------------------------------------------------------------------------------------

/// Issue #13 case 9: `v1 Deployment.apps web` and `apps/v1 Deployment web` map to the same file name
/// `shop/Deployment.apps_web.yaml`: either both are written to distinct files, or a located error;
/// never one silently dropped, never a file listed twice.
#[test]
fn colliding_output_file_names_are_never_silently_merged() {
    let sb = Sandbox::new();
    write(&sb.repo.join("clusters.yaml"), CLUSTER);
    write(
        &sb.repo.join("policy.yaml"),
        "apiVersion: policy.karmada.io/v1alpha1
kind: ClusterPropagationPolicy
metadata: {name: all}
spec:
  resourceSelectors:
    - {apiVersion: v1, kind: Deployment.apps}
    - {apiVersion: apps/v1, kind: Deployment}
  placement:
    clusterAffinity: {clusterNames: [eu-1]}
",
    );
    write(
        &sb.repo.join("apps/core.yaml"),
        "apiVersion: v1\nkind: Deployment.apps\nmetadata: {name: web, namespace: shop}\ndata: {marker: core-v1-object}\n",
    );
    write(&sb.repo.join("apps/web.yaml"), &deployment("web", "2"));
    let run = sb.fanout(&["render", "."]);
    if run.code != OK {
        assert_eq!(run.code, INVALID, "{}", run.text());
        assert!(
            run.located("apps/core.yaml") || run.located("apps/web.yaml"),
            "expected a located error\n{}",
            run.text()
        );
        return;
    }
    let cluster = sb.repo.join("rendered/eu-1");
    let kustomization = fs::read_to_string(cluster.join("kustomization.yaml")).unwrap();
    let listed: Vec<&str> = (kustomization.lines())
        .filter_map(|l| l.strip_prefix("- "))
        .collect();
    let mut unique = listed.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(
        unique.len(),
        listed.len(),
        "kustomization.yaml lists a file twice:\n{kustomization}"
    );
    let objects: Vec<String> = files_under(&cluster.join("shop"))
        .into_iter()
        .map(|(_, _, data)| String::from_utf8(data).unwrap())
        .collect();
    let core = objects
        .iter()
        .filter(|o| o.contains("core-v1-object"))
        .count();
    let apps = objects
        .iter()
        .filter(|o| o.contains("apiVersion: apps/v1") && o.contains("ghcr.io/acme/web"))
        .count();
    assert_eq!(
        (core, apps),
        (1, 1),
        "both objects must be written, each once: {objects:#?}\n{}",
        run.text()
    );
    for file in &listed {
        assert!(cluster.join(file).is_file(), "{file} listed but missing");
    }
}

// ------------------------------------------------------------------------------------------------------
// 10. Replicas that are not 32-bit integers
// ------------------------------------------------------------------------------------------------------

/// Issue #13 case 10: `replicas: 3.0`, `1e3`, `2147483648` and `18446744073709551616` are each a located
/// error from `validate` (exit 2) at the replicas line.
#[test]
fn non_integer_or_overflowing_replicas_are_located_errors() {
    for value in ["3.0", "1e3", "2147483648", "18446744073709551616"] {
        let sb = minimal();
        write(&sb.repo.join("apps/web.yaml"), &deployment("web", value));
        let run = sb.fanout(&["validate", "."]);
        assert_eq!(run.code, INVALID, "replicas: {value}\n{}", run.text());
        run.expect_stderr("error[");
        assert!(
            run.stderr.contains("apps/web.yaml:7:"),
            "replicas: {value}: expected an error at apps/web.yaml:7:COL\n{}",
            run.text()
        );
    }
}

// ------------------------------------------------------------------------------------------------------
// 11. A 253-character name
// ------------------------------------------------------------------------------------------------------

/// Issue #13 case 11: a Deployment named with 253 characters (a valid DNS subdomain) either renders
/// with every file name within 255 bytes, or is a located error; never an unlocated "File name too
/// long".
#[test]
fn name_of_253_characters_renders_or_is_located() {
    let name = format!(
        "{}.{}.{}.{}",
        "a".repeat(63),
        "b".repeat(63),
        "c".repeat(63),
        "d".repeat(61)
    );
    assert_eq!(name.len(), 253);
    let sb = minimal();
    write(&sb.repo.join("apps/long.yaml"), &deployment(&name, "1"));
    let render = sb.fanout(&["render", "."]);
    let unlocated = |run: &Run| {
        assert!(
            !run.stderr.contains("File name too long") && !run.stderr.contains("os error 36"),
            "an unlocated \"File name too long\"\n{}",
            run.text()
        );
    };
    unlocated(&render);
    if render.code == OK {
        let out = sb.repo.join("rendered");
        let files = files_under(&out);
        for (path, _, _) in &files {
            for c in path.components() {
                assert!(c.as_os_str().len() <= 255, "{}", path.display());
            }
        }
        assert!(
            (files.iter()).any(|(_, _, data)| String::from_utf8_lossy(data).contains(&name)),
            "the Deployment was not written\n{}",
            render.text()
        );
    } else {
        assert_eq!(render.code, INVALID, "{}", render.text());
        render.expect_located("apps/long.yaml");
        let validate = sb.fanout(&["validate", "."]);
        unlocated(&validate);
        assert_eq!(validate.code, INVALID, "{}", validate.text());
        validate.expect_located("apps/long.yaml");
    }
}

// ------------------------------------------------------------------------------------------------------
// 12. `import --out-dir` over existing files
// ------------------------------------------------------------------------------------------------------

/// Issue #13 case 12: `fanout import live.yaml --out-dir DIR` refuses to overwrite a file already at
/// `DIR/<namespace>/<name>.deployment.yaml` (kept byte-identical); `--force` overwrites it.
#[test]
fn import_refuses_to_overwrite_without_force() {
    let sb = Sandbox::new();
    write(
        &sb.repo.join("live.yaml"),
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  uid: 0b1c2d3e-0000-0000-0000-000000000000
  resourceVersion: \"42\"
spec:
  replicas: 2
  selector:
    matchLabels: {app.kubernetes.io/name: web}
  template:
    metadata:
      labels: {app.kubernetes.io/name: web}
    spec:
      containers:
        - {name: web, image: ghcr.io/acme/web:1.0.0}
",
    );
    let existing = sb.repo.join("apps/shop/web.deployment.yaml");
    let hand_written = format!("# hand-written, keep me\n# note: {CANARY}\nkind: Keep\n");
    write(&existing, &hand_written);
    let refused = sb.fanout(&["import", "live.yaml", "--out-dir", "apps"]);
    refused.expect_code(&[INVALID, USAGE_OR_IO]);
    refused.expect_stderr("web.deployment.yaml");
    assert_eq!(
        fs::read(&existing).unwrap(),
        hand_written.as_bytes(),
        "the existing file was modified\n{}",
        refused.text()
    );
    let forced = sb.fanout(&["import", "live.yaml", "--out-dir", "apps", "--force"]);
    forced.expect_code(&[OK]);
    let now = fs::read_to_string(&existing).unwrap();
    assert!(
        now.contains("kind: MulticloudDeployment") && !now.contains("hand-written"),
        "--force did not overwrite:\n{now}\n{}",
        forced.text()
    );
}

// ------------------------------------------------------------------------------------------------------
// The harness itself
// ------------------------------------------------------------------------------------------------------

/// The located-message matcher accepts `file:L:C` and `file (note):L:C`, nothing looser.
#[test]
fn harness_located_matcher() {
    assert!(located(" --> apps/web.yaml:7:13\n", "apps/web.yaml"));
    assert!(located(
        " --> apps/loop.yaml.j2 (rendered for eu-1):7:1",
        "apps/loop.yaml.j2"
    ));
    assert!(!located("apps/web.yaml: no position", "apps/web.yaml"));
    assert!(!located("apps/web.yaml:7", "apps/web.yaml"));
}

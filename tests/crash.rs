//! Crash safety of `fanout render` with the real binary: a render killed (SIGKILL) at any moment leaves
//! the output directory holding exactly the old tree or exactly the new one, never a mix, and the next
//! render removes what the killed one left beside it; an output location that cannot be written fails
//! with an error naming the path and leaves the old tree as it was.

mod common;
use common::text;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::os::unix::fs::MetadataExt as _;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// fanout's exit code for a failure to read or write (`cli::exit::USAGE_OR_IO`).
const IO_ERROR: i32 = 3;
const PROVIDERS: [&str; 3] = ["aws", "gcp", "azure"];

fn fanout(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_fanout"));
    c.args(args).env("NO_COLOR", "1");
    c
}

fn render(repo: &Path, out: &Path) -> Output {
    fanout(&["render"])
        .arg(repo)
        .arg("--out")
        .arg(out)
        .output()
        .expect("run fanout")
}

/// A repository of `clusters` clusters and `workloads` short-form workloads; `version` changes every
/// workload (image, description), so two versions render trees that differ in every object file. The
/// replicas stay: a render starts from the previous schedule result, and a change of replicas would
/// make each tree depend on the one it was rendered over (steady scheduling), not only on its version.
fn generate(root: &Path, version: u32, clusters: usize, workloads: usize) {
    fs::create_dir_all(root.join("clusters")).unwrap();
    for c in 0..clusters {
        let provider = PROVIDERS[c % PROVIDERS.len()];
        let region = format!("{provider}-region-{}", c % 5);
        let text = format!(
            "apiVersion: cluster.karmada.io/v1alpha1\n\
             kind: Cluster\n\
             metadata:\n  name: c{c:02}\n  labels: {{env: prod, rack: r{}}}\n\
             spec:\n  provider: {provider}\n  region: {region}\n  zones: [{region}a]\n\
             status:\n  resourceSummary:\n    allocatable: {{cpu: \"512\", memory: 2Ti, pods: \"5000\"}}\n    \
             allocated: {{cpu: \"{}\", memory: 64Gi, pods: \"100\"}}\n",
            c % 4,
            8 + c
        );
        fs::write(root.join(format!("clusters/c{c:02}.yaml")), text).unwrap();
    }
    for w in 0..workloads {
        let ns = format!("team-{}", w % 10);
        let dir = root.join("apps").join(&ns);
        fs::create_dir_all(&dir).unwrap();
        let (placement, scheduling) = match w % 3 {
            0 => ("{providers: [aws]}", "Duplicated"),
            1 => ("{}", "DynamicWeight"),
            _ => ("{providers: [gcp, azure]}", "Aggregated"),
        };
        let replicas = 3 + w % 4;
        let text = format!(
            "apiVersion: fanout.dev/v1alpha1\n\
             kind: MulticloudDeployment\n\
             metadata: {{name: app-{w:03}, namespace: {ns}}}\n\
             spec:\n  description: workload {w} at version {version}\n  replicas: {replicas}\n  \
             placement: {placement}\n  scheduling: {{type: {scheduling}}}\n  template:\n    spec:\n      \
             containers:\n        - name: app\n          image: registry.example/app-{w:03}:{version}.0\n          \
             resources: {{requests: {{cpu: 100m, memory: 128Mi}}}}\n"
        );
        fs::write(dir.join(format!("app-{w:03}.yaml")), text).unwrap();
    }
}

/// What a directory holds: every entry (directories as `None`, files with their bytes), by relative path.
type Snapshot = BTreeMap<String, Option<Vec<u8>>>;

fn snapshot(dir: &Path) -> Snapshot {
    fn walk(dir: &Path, base: &Path, out: &mut Snapshot) {
        let mut entries: Vec<_> = fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for p in entries {
            let rel = p.strip_prefix(base).unwrap().to_string_lossy().into_owned();
            if rel == ".fanout/cache" {
                continue; // inode numbers and times of this machine: differs between equal trees
            }
            let meta = fs::symlink_metadata(&p).unwrap();
            if meta.is_dir() {
                out.insert(rel, None);
                walk(&p, base, out);
            } else {
                out.insert(rel, Some(fs::read(&p).unwrap()));
            }
        }
    }
    let mut out = Snapshot::new();
    walk(dir, dir, &mut out);
    out
}

/// How `actual` differs from `expected`, briefly.
fn difference(expected: &Snapshot, actual: &Snapshot) -> String {
    let mut s = String::new();
    let mut shown = 0;
    for (path, want) in expected {
        match actual.get(path) {
            None => {
                let _ = writeln!(s, "  missing {path}");
                shown += 1;
            }
            Some(got) if got != want => {
                let _ = writeln!(s, "  differs {path}");
                shown += 1;
            }
            Some(_) => {}
        }
        if shown >= 5 {
            break;
        }
    }
    for path in actual.keys().filter(|p| !expected.contains_key(*p)).take(5) {
        let _ = writeln!(s, "  extra   {path}");
    }
    s
}

/// Names beside the output directory other than the output directory itself: a killed render's lock
/// file, staging directory or set-aside old tree.
fn leftovers(parent: &Path, out_name: &str) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(parent)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != out_name)
        .collect();
    names.sort();
    names
}

/// Render fully into `out`, expecting `want` and nothing left beside `out`.
fn render_clean(repo: &Path, out: &Path, want: &Snapshot, what: &str) {
    let o = render(repo, out);
    assert!(o.status.success(), "{what}: render failed\n{}", text(&o));
    let got = snapshot(out);
    assert!(
        &got == want,
        "{what}: the tree is not the expected one\n{}",
        difference(want, &got)
    );
    let name = out.file_name().unwrap().to_string_lossy();
    let left = leftovers(out.parent().unwrap(), &name);
    assert!(
        left.is_empty(),
        "{what}: a successful render left {left:?} beside the output directory"
    );
}

/// Two generated repositories (A, and B with every workload changed) and an empty directory `work` to
/// hold the output directory `work/out`.
struct Setup {
    _tmp: tempfile::TempDir,
    repo_a: std::path::PathBuf,
    repo_b: std::path::PathBuf,
    parent: std::path::PathBuf,
    out: std::path::PathBuf,
}

fn setup(clusters: usize, workloads: usize) -> Setup {
    let tmp = tempfile::tempdir().unwrap();
    let (repo_a, repo_b) = (tmp.path().join("a"), tmp.path().join("b"));
    generate(&repo_a, 0, clusters, workloads);
    generate(&repo_b, 1, clusters, workloads);
    let parent = tmp.path().join("work");
    fs::create_dir(&parent).unwrap();
    let out = parent.join("out");
    Setup {
        _tmp: tmp,
        repo_a,
        repo_b,
        parent,
        out,
    }
}

/// When to kill a render: after a delay, or as soon as something is seen on disk.
#[derive(Clone, Copy, Debug)]
enum Kill {
    After(Duration),
    /// The lock file beside the output directory exists: the write has begun.
    Locked,
    /// The staging directory beside the output directory has entries: files are being staged.
    Staging,
    /// The output directory is another directory than before: the switch happened, the old tree is
    /// being deleted.
    Switched,
}

/// Start a render of `repo` into `out` and SIGKILL it as `kill` says (polling the disk every
/// millisecond for the events); returns what it left beside `out`.
fn killed_render(repo: &Path, out: &Path, kill: Kill) -> std::process::ExitStatus {
    let parent = out.parent().unwrap();
    let inode = |p: &Path| fs::metadata(p).map(|m| m.ino()).ok();
    let before = inode(out);
    let mut child = fanout(&["render"])
        .arg(repo)
        .arg("--out")
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start fanout");
    let seen = || match kill {
        Kill::After(_) => false,
        Kill::Locked => parent.join(".out.fanout-lock").exists(),
        Kill::Staging => fs::read_dir(parent).unwrap().any(|e| {
            let e = e.unwrap();
            e.file_name()
                .to_string_lossy()
                .starts_with(".out.fanout-staging-")
                && fs::read_dir(e.path()).is_ok_and(|mut d| d.next().is_some())
        }),
        Kill::Switched => inode(out) != before,
    };
    match kill {
        Kill::After(delay) => std::thread::sleep(delay),
        _ => {
            while !seen() && child.try_wait().unwrap().is_none() {
                std::thread::sleep(Duration::from_millis(1));
            }
        }
    }
    let _ = child.kill();
    child.wait().unwrap()
}

#[test]
fn a_killed_render_leaves_the_old_tree_or_the_new_one() {
    let started = Instant::now();
    let Setup {
        repo_a,
        repo_b,
        parent,
        out,
        ..
    } = &setup(30, 300);

    // Tree B written from scratch, then tree A over it: how long a full render that rewrites every
    // object takes, started as the kills start it.
    let o = render(repo_b, out);
    assert!(o.status.success(), "render B\n{}", text(&o));
    let tree_b = snapshot(out);
    let t = Instant::now();
    let o = render(repo_a, out);
    let full = t.elapsed();
    assert!(o.status.success(), "render A\n{}", text(&o));
    let tree_a = snapshot(out);
    assert!(leftovers(parent, "out").is_empty());
    let files = tree_a.values().filter(|v| v.is_some()).count();
    assert!(files > 1000, "the repository renders only {files} files");
    let differing = (tree_a.iter())
        .filter(|(p, v)| v.is_some() && tree_b.get(*p) != Some(v))
        .count();
    assert!(
        differing * 10 > files * 8,
        "A and B differ in only {differing} of {files} files"
    );
    eprintln!("{files} files, {differing} differ between A and B; a full render takes {full:?}");

    // Kill renders from the tree in place towards the other one: at delays spread over [0, full] (and
    // a little beyond, as the machine's load varies), and at the moments that matter, seen on disk.
    // After each kill the tree must be one of the two; the next successful render (of the tree in
    // place: it has nothing to write) must clear whatever the killed one left beside the output.
    const POINTS: u32 = 16;
    let mut kills: Vec<Kill> = (0..=POINTS)
        .map(|i| Kill::After(full * i * 5 / (POINTS * 4)))
        .collect();
    kills.extend([Kill::Locked, Kill::Staging, Kill::Switched, Kill::Switched]);
    let (mut kept_old, mut got_new, mut left_something) = (0, 0, 0);
    let mut at_a = true;
    for kill in kills {
        let (from, to, repo_to) = if at_a {
            (&tree_a, &tree_b, repo_b)
        } else {
            (&tree_b, &tree_a, repo_a)
        };
        let status = killed_render(repo_to, out, kill);
        let got = snapshot(out);
        let left = leftovers(parent, "out");
        let outcome = if &got == from {
            kept_old += 1;
            "the old tree"
        } else if &got == to {
            got_new += 1;
            at_a = !at_a;
            "the new tree"
        } else {
            panic!(
                "killed at {kill:?} ({status}): the output is neither the old tree nor the new one\n\
                 against the old tree:\n{}against the new tree:\n{}beside it: {left:?}",
                difference(from, &got),
                difference(to, &got)
            );
        };
        eprintln!("killed at {kill:?}: {outcome}, beside it {left:?}");
        if !left.is_empty() {
            left_something += 1;
        }
        let (repo_now, tree_now) = if at_a {
            (repo_a, &tree_a)
        } else {
            (repo_b, &tree_b)
        };
        render_clean(
            repo_now,
            out,
            tree_now,
            &format!("the render after a kill at {kill:?} (which left {left:?})"),
        );
    }
    eprintln!(
        "{kept_old} kills kept the old tree, {got_new} left the new one, {left_something} left files beside it"
    );

    // The first render of all (no output directory yet) killed as files are staged and as it switches:
    // no output directory, or the whole tree.
    for kill in [Kill::Staging, Kill::Switched] {
        let _ = fs::remove_dir_all(out);
        let status = killed_render(repo_b, out, kill);
        let left = leftovers(parent, "out");
        if out.exists() {
            let got = snapshot(out);
            assert!(
                got == tree_b,
                "a first render killed at {kill:?} ({status}) left a partial tree\n{}beside it: {left:?}",
                difference(&tree_b, &got)
            );
        }
        eprintln!(
            "first render killed at {kill:?}: {}, beside it {left:?}",
            if out.exists() {
                "the new tree"
            } else {
                "no output directory"
            }
        );
    }

    // A last normal render: B, and nothing beside it.
    render_clean(repo_b, out, &tree_b, "the final render");
    eprintln!("kill test took {:?}", started.elapsed());
}

#[test]
fn an_output_below_a_file_fails_naming_the_path() {
    let s = setup(3, 6);
    let file = s.parent.join("file");
    fs::write(&file, "not a directory\n").unwrap();
    let out = file.join("sub").join("out");
    let o = render(&s.repo_a, &out);
    assert_eq!(o.status.code(), Some(IO_ERROR), "{}", text(&o));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains(&*file.to_string_lossy()),
        "the error does not name the path\n{}",
        text(&o)
    );
    assert_eq!(fs::read(&file).unwrap(), b"not a directory\n");
    assert_eq!(leftovers(&s.parent, ""), ["file"]);
}

#[test]
fn an_output_that_cannot_be_locked_fails_and_keeps_the_old_tree() {
    let s = setup(3, 6);
    let o = render(&s.repo_a, &s.out);
    assert!(o.status.success(), "{}", text(&o));
    let tree_a = snapshot(&s.out);
    // Where the lock file goes, a directory: opening it for writing fails, whoever runs the test.
    let lock = s.parent.join(".out.fanout-lock");
    fs::create_dir(&lock).unwrap();
    let o = render(&s.repo_b, &s.out);
    assert_eq!(o.status.code(), Some(IO_ERROR), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains(&*lock.to_string_lossy()),
        "the error does not name the lock file\n{}",
        text(&o)
    );
    assert!(snapshot(&s.out) == tree_a, "the old tree changed");
    assert_eq!(leftovers(&s.parent, "out"), [".out.fanout-lock"]);
    fs::remove_dir(&lock).unwrap();
    let o = render(&s.repo_b, &s.out);
    assert!(o.status.success(), "{}", text(&o));
    assert!(leftovers(&s.parent, "out").is_empty());
}

/// A tmpfs mounted for one test, unmounted when dropped.
struct Mount(std::path::PathBuf);

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

#[test]
fn a_full_filesystem_fails_and_keeps_the_old_tree() {
    let s = setup(6, 30);
    let mnt = s.parent.join("mnt");
    fs::create_dir(&mnt).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=2m,mode=0755", "tmpfs"])
        .arg(&mnt)
        .stderr(Stdio::null())
        .status();
    if !matches!(mounted, Ok(st) if st.success()) {
        eprintln!("SKIPPED: cannot mount a tmpfs here (needs CAP_SYS_ADMIN)");
        return;
    }
    let _mount = Mount(mnt.clone());
    let out = mnt.join("out");
    let o = render(&s.repo_a, &out);
    assert!(o.status.success(), "{}", text(&o));
    let tree_a = snapshot(&out);
    // Fill the filesystem: writing anything more fails with ENOSPC.
    let filler = mnt.join("filler");
    {
        use std::io::Write as _;
        let mut f = fs::File::create(&filler).unwrap();
        let chunk = vec![0u8; 4096];
        while f.write_all(&chunk).is_ok() {}
        while f.write_all(&chunk[..1]).is_ok() {}
    }
    let o = render(&s.repo_b, &out);
    assert_eq!(o.status.code(), Some(IO_ERROR), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains(&*mnt.to_string_lossy()),
        "the error does not name a path\n{}",
        text(&o)
    );
    assert!(snapshot(&out) == tree_a, "the old tree changed");
    assert_eq!(leftovers(&mnt, "out"), ["filler"], "{}", text(&o));
    // With room again, the same render succeeds and leaves nothing beside the tree.
    fs::remove_file(&filler).unwrap();
    let o = render(&s.repo_b, &out);
    assert!(o.status.success(), "{}", text(&o));
    assert!(leftovers(&mnt, "out").is_empty());
}

use super::*;
use std::os::unix::fs::MetadataExt as _;
use tempfile::TempDir;

fn tree(files: &[(&str, &str)]) -> Tree {
    files
        .iter()
        .map(|(p, c)| (p.to_string(), c.as_bytes().into()))
        .collect()
}

fn scope(clusters: &[&str]) -> BTreeSet<String> {
    clusters.iter().map(|c| c.to_string()).collect()
}

fn setup() -> (TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("rendered");
    (tmp, out)
}

/// Everything below `dir`: kind, contents or link target, inode, mtime.
#[derive(Debug, PartialEq, Eq)]
struct Snap {
    kind: &'static str,
    bytes: Vec<u8>,
    ino: u64,
    mtime: (i64, i64),
}

fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Snap> {
    let mut all = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            let meta = fs::symlink_metadata(&path).unwrap();
            let (kind, bytes) = if meta.is_dir() {
                stack.push(path.clone());
                ("dir", Vec::new())
            } else if meta.file_type().is_symlink() {
                (
                    "symlink",
                    fs::read_link(&path)
                        .unwrap()
                        .into_os_string()
                        .into_encoded_bytes(),
                )
            } else {
                ("file", fs::read(&path).unwrap())
            };
            let mtime = (meta.mtime(), meta.mtime_nsec());
            let rel = path.strip_prefix(dir).unwrap().to_path_buf();
            all.insert(
                rel,
                Snap {
                    kind,
                    bytes,
                    ino: meta.ino(),
                    mtime,
                },
            );
        }
    }
    all
}

/// The contents only: kinds and bytes, without inodes or times, nor the stat cache (which holds
/// them).
fn contents(dir: &Path) -> BTreeMap<PathBuf, (&'static str, Vec<u8>)> {
    let snap = snapshot(dir).into_iter();
    (snap.filter(|(p, _)| p != Path::new(CACHE_PATH)))
        .map(|(p, s)| (p, (s.kind, s.bytes)))
        .collect()
}

/// Names beside `out` that fanout uses for staging, old trees and locks.
fn leftovers(out: &Path) -> Vec<String> {
    let parent = out.parent().unwrap();
    let names = fs::read_dir(parent)
        .unwrap()
        .map(|e| e.unwrap().file_name());
    names
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| n.contains(".fanout-"))
        .collect()
}

fn ino(path: &Path) -> u64 {
    fs::symlink_metadata(path).unwrap().ino()
}

fn v1() -> Tree {
    tree(&[
        (
            "aws-eu-1/kustomization.yaml",
            "resources:\n- web.yaml\n- db.yaml\n",
        ),
        ("aws-eu-1/web.yaml", "kind: Deployment\n"),
        ("aws-eu-1/db.yaml", "kind: StatefulSet\n"),
        ("gcp-us-1/kustomization.yaml", "resources:\n- web.yaml\n"),
        ("gcp-us-1/web.yaml", "kind: Deployment\n"),
    ])
}

fn index_line(path: &str, bytes: &str) -> String {
    format!("{}  {path}\n", blake3::hash(bytes.as_bytes()).to_hex())
}

#[test]
fn first_write_creates_the_tree_and_the_index() {
    let (_tmp, out) = setup();
    let new = v1();
    let changes = write(&out, &new, None).unwrap();
    assert_eq!(changes.added, new.keys().cloned().collect::<Vec<_>>());
    assert!(changes.changed.is_empty() && changes.removed.is_empty());
    assert_eq!(read_owned(&out).unwrap(), new);
    let index = fs::read_to_string(out.join(INDEX_PATH)).unwrap();
    let expected: String = new
        .iter()
        .map(|(p, b)| index_line(p, std::str::from_utf8(b).unwrap()))
        .collect();
    assert_eq!(index, expected);
    assert!(!index.contains(INDEX_PATH));
    assert_eq!(leftovers(&out), Vec::<String>::new());
}

#[test]
fn a_second_identical_write_touches_nothing() {
    let (_tmp, out) = setup();
    write(&out, &v1(), None).unwrap();
    let before = snapshot(&out);
    let out_ino = ino(&out);
    let changes = write(&out, &v1(), None).unwrap();
    assert!(changes.is_empty());
    assert_eq!(snapshot(&out), before);
    assert_eq!(ino(&out), out_ino);
    assert_eq!(leftovers(&out), Vec::<String>::new());
}

#[test]
fn one_changed_file_is_the_only_file_written() {
    let (_tmp, out) = setup();
    write(&out, &v1(), None).unwrap();
    let before = snapshot(&out);
    let mut new = v1();
    new.insert(
        "aws-eu-1/web.yaml".into(),
        b"kind: Deployment\nspec: {}\n".to_vec().into(),
    );
    let changes = write(&out, &new, None).unwrap();
    let expected = Changes {
        changed: vec!["aws-eu-1/web.yaml".into()],
        ..Changes::default()
    };
    assert_eq!(changes, expected);
    assert_eq!(read_owned(&out).unwrap(), new);
    let after = snapshot(&out);
    for (rel, snap) in &before {
        let changed = ["aws-eu-1/web.yaml", INDEX_PATH, CACHE_PATH]
            .map(Path::new)
            .contains(&rel.as_path());
        if snap.kind == "file" && !changed {
            assert_eq!(after[rel], *snap, "{} was rewritten", rel.display());
        }
    }
    assert_ne!(
        after[Path::new("aws-eu-1/web.yaml")].ino,
        before[Path::new("aws-eu-1/web.yaml")].ino
    );
    assert_eq!(leftovers(&out), Vec::<String>::new());
}

#[test]
fn owned_files_are_pruned_and_foreign_ones_survive() {
    let (_tmp, out) = setup();
    let mut old = v1();
    old.insert(
        "azure-1/web.yaml".into(),
        b"kind: Deployment\n".to_vec().into(),
    );
    old.insert(
        "aws-eu-1/extra/cm.yaml".into(),
        b"kind: ConfigMap\n".to_vec().into(),
    );
    write(&out, &old, None).unwrap();
    fs::write(out.join("gcp-us-1/NOTES.md"), "hand written\n").unwrap();
    fs::create_dir(out.join("empty-by-hand")).unwrap();
    let foreign = snapshot(&out)[Path::new("gcp-us-1/NOTES.md")].ino;

    let new = tree(&[("aws-eu-1/web.yaml", "kind: Deployment\n")]);
    let changes = write(&out, &new, None).unwrap();
    assert_eq!(
        changes.removed,
        [
            "aws-eu-1/db.yaml",
            "aws-eu-1/extra/cm.yaml",
            "aws-eu-1/kustomization.yaml",
            "azure-1/web.yaml",
            "gcp-us-1/kustomization.yaml",
            "gcp-us-1/web.yaml",
        ]
    );
    assert_eq!(read_owned(&out).unwrap(), new);
    let after = snapshot(&out);
    let names: Vec<_> = after
        .keys()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let expected = [
        ".fanout",
        GITIGNORE_PATH,
        CACHE_PATH,
        INDEX_PATH,
        "aws-eu-1",
        "aws-eu-1/web.yaml",
        "empty-by-hand",
        "gcp-us-1",
        "gcp-us-1/NOTES.md",
    ];
    assert_eq!(names, expected);
    let notes = &after[Path::new("gcp-us-1/NOTES.md")];
    assert_eq!(
        (notes.bytes.as_slice(), notes.ino),
        (&b"hand written\n"[..], foreign)
    );
}

#[test]
fn overwriting_a_foreign_file_is_refused() {
    let (_tmp, out) = setup();
    write(&out, &v1(), None).unwrap();
    fs::write(out.join("aws-eu-1/secret.yaml"), "mine\n").unwrap();
    let before = snapshot(&out);
    let mut new = v1();
    new.insert("aws-eu-1/secret.yaml".into(), b"theirs\n".to_vec().into());
    new.insert("aws-eu-1/web.yaml".into(), b"changed\n".to_vec().into());
    let err = write(&out, &new, None).unwrap_err();
    let path = out.join("aws-eu-1/secret.yaml");
    assert!(matches!(err.kind(), EmitErrorKind::Foreign));
    assert_eq!(
        err.to_string(),
        format!(
            "refusing to overwrite `{}`, which fanout did not write",
            path.display()
        )
    );
    assert_eq!(snapshot(&out), before);
    assert_eq!(leftovers(&out), Vec::<String>::new());
}

#[test]
fn a_foreign_file_where_a_directory_is_needed_is_refused() {
    let (_tmp, out) = setup();
    write(&out, &v1(), None).unwrap();
    fs::write(out.join("aws-eu-1/apps"), "a file\n").unwrap();
    let before = snapshot(&out);
    let mut new = v1();
    new.insert(
        "aws-eu-1/apps/web.yaml".into(),
        b"kind: Deployment\n".to_vec().into(),
    );
    let err = write(&out, &new, None).unwrap_err();
    assert_eq!(err.path(), out.join("aws-eu-1/apps"));
    assert!(matches!(err.kind(), EmitErrorKind::Foreign));
    assert_eq!(snapshot(&out), before);
    assert_eq!(leftovers(&out), Vec::<String>::new());
}

#[test]
fn a_directory_holding_foreign_files_is_not_replaced_by_a_file() {
    let (_tmp, out) = setup();
    write(&out, &tree(&[("c/apps/web.yaml", "a\n")]), None).unwrap();
    fs::write(out.join("c/apps/NOTES"), "mine\n").unwrap();
    let before = snapshot(&out);
    let err = write(&out, &tree(&[("c/apps", "a file now\n")]), None).unwrap_err();
    assert_eq!(err.path(), out.join("c/apps"));
    assert_eq!(snapshot(&out), before);
}

#[test]
fn an_owned_file_can_become_a_directory_and_back() {
    let (_tmp, out) = setup();
    write(&out, &tree(&[("c/apps", "file\n")]), None).unwrap();
    let nested = tree(&[("c/apps/web.yaml", "nested\n")]);
    write(&out, &nested, None).unwrap();
    assert_eq!(read_owned(&out).unwrap(), nested);
    let flat = tree(&[("c/apps", "file again\n")]);
    write(&out, &flat, None).unwrap();
    assert_eq!(read_owned(&out).unwrap(), flat);
}

#[test]
fn a_scoped_write_leaves_other_clusters_alone() {
    let (_tmp, out) = setup();
    write(&out, &v1(), None).unwrap();
    let before = snapshot(&out);
    let new = tree(&[
        ("aws-eu-1/web.yaml", "kind: Deployment\nspec: {}\n"),
        ("gcp-us-1/web.yaml", "ignored: out of scope\n"),
        ("new-cluster/x.yaml", "ignored too\n"),
    ]);
    let only = scope(&["aws-eu-1"]);
    let expected = changes(&read_owned(&out).unwrap(), &new, Some(&only));
    let changes = write(&out, &new, Some(&only)).unwrap();
    assert_eq!(changes, expected);
    assert_eq!(changes.changed, ["aws-eu-1/web.yaml"]);
    assert_eq!(
        changes.removed,
        ["aws-eu-1/db.yaml", "aws-eu-1/kustomization.yaml"]
    );
    let after = snapshot(&out);
    for (rel, snap) in before
        .iter()
        .filter(|(rel, s)| rel.starts_with("gcp-us-1") && s.kind == "file")
    {
        assert_eq!(after[rel], *snap);
    }
    assert!(!out.join("new-cluster").exists());
    let owned = read_owned(&out).unwrap();
    assert_eq!(&owned["gcp-us-1/web.yaml"][..], b"kind: Deployment\n");
    // The index still lists the other clusters' files.
    let index = fs::read_to_string(out.join(INDEX_PATH)).unwrap();
    assert!(index.contains(&index_line("gcp-us-1/web.yaml", "kind: Deployment\n")));
}

#[test]
fn a_second_writer_is_refused() {
    let (_tmp, out) = setup();
    write(&out, &v1(), None).unwrap();
    let target = Target::resolve(&out).unwrap();
    let held = Lock::take(&target).unwrap();
    let before = snapshot(&out);
    let err = write(&out, &tree(&[("a/b.yaml", "x\n")]), None).unwrap_err();
    assert!(matches!(err.kind(), EmitErrorKind::Locked { .. }));
    let message = err.to_string();
    assert!(
        message.contains("being written by another fanout process"),
        "{message}"
    );
    assert!(message.contains(".rendered.fanout-lock"), "{message}");
    assert_eq!(snapshot(&out), before);
    drop(held);
    assert_eq!(leftovers(&out), Vec::<String>::new());
    write(&out, &tree(&[("a/b.yaml", "x\n")]), None).unwrap();
}

#[test]
fn leftovers_of_killed_runs_are_removed() {
    let (_tmp, out) = setup();
    write(&out, &v1(), None).unwrap();
    let parent = out.parent().unwrap();
    fs::create_dir_all(parent.join(".rendered.fanout-staging-99999/aws-eu-1")).unwrap();
    fs::write(
        parent.join(".rendered.fanout-staging-99999/aws-eu-1/x"),
        "half\n",
    )
    .unwrap();
    fs::create_dir(parent.join(".rendered.fanout-old-4242")).unwrap();
    // Look-alikes that are not fanout's stay.
    fs::create_dir(parent.join(".rendered.fanout-staging-mine")).unwrap();
    fs::create_dir(parent.join(".other.fanout-staging-1")).unwrap();
    let changes = write(&out, &v1(), None).unwrap();
    assert!(changes.is_empty());
    let mut left = leftovers(&out);
    left.sort();
    assert_eq!(
        left,
        [".other.fanout-staging-1", ".rendered.fanout-staging-mine"]
    );
}

#[test]
fn a_failure_while_staging_leaves_out_as_it_was() {
    let (_tmp, out) = setup();
    write(&out, &v1(), None).unwrap();
    let before = snapshot(&out);
    let mut new = v1();
    new.insert("aws-eu-1/web.yaml".into(), b"changed\n".to_vec().into());
    // Staged after the change above; no filesystem takes a 300-byte name.
    let long = format!("zz/{}.yaml", "n".repeat(300));
    new.insert(long.clone(), b"x\n".to_vec().into());
    let err = write(&out, &new, None).unwrap_err();
    assert_eq!(err.path(), out.join(&long));
    assert!(
        err.to_string()
            .starts_with(&format!("cannot write `{}`: ", out.join(&long).display()))
    );
    assert_eq!(snapshot(&out), before);
    assert_eq!(leftovers(&out), Vec::<String>::new());
}

#[test]
fn a_kill_after_staging_leaves_the_old_tree() {
    let (_tmp, out) = setup();
    write(&out, &v1(), None).unwrap();
    let before = contents(&out);
    let new = tree(&[("aws-eu-1/web.yaml", "v2\n")]);
    let target = Target::resolve(&out).unwrap();
    {
        let _lock = Lock::take(&target).unwrap();
        let disk = scan(&out).unwrap();
        let plan = plan(&out, &disk, &new, None).unwrap();
        stage(&out, &plan, &target.staging(), None).unwrap();
        // Killed here: no swap, no cleanup.
    }
    assert_eq!(contents(&out), before);
    assert_eq!(leftovers(&out).len(), 1);
    write(&out, &new, None).unwrap();
    assert_eq!(read_owned(&out).unwrap(), new);
    assert_eq!(leftovers(&out), Vec::<String>::new());
}

#[test]
fn a_kill_after_the_exchange_leaves_the_new_tree() {
    let (_tmp, out) = setup();
    write(&out, &v1(), None).unwrap();
    let new = tree(&[("aws-eu-1/web.yaml", "v2\n")]);
    let target = Target::resolve(&out).unwrap();
    {
        let _lock = Lock::take(&target).unwrap();
        let plan = plan(&out, &scan(&out).unwrap(), &new, None).unwrap();
        let staging = target.staging();
        stage(&out, &plan, &staging, None).unwrap();
        let old = swap(&target, &staging).unwrap();
        // With an atomic exchange, the old tree is where staging was.
        #[cfg(target_os = "linux")]
        assert_eq!(old, Some(staging));
        assert!(old.is_some());
        // Killed here: the old tree was not deleted.
    }
    assert_eq!(read_owned(&out).unwrap(), new);
    assert_eq!(leftovers(&out).len(), 1);
    assert!(write(&out, &new, None).unwrap().is_empty());
    assert_eq!(leftovers(&out), Vec::<String>::new());
}

#[test]
fn the_fallback_switch_recovers_from_a_kill_between_its_renames() {
    let (_tmp, out) = setup();
    write(&out, &v1(), None).unwrap();
    let before = contents(&out);
    let new = tree(&[("aws-eu-1/web.yaml", "v2\n")]);
    let target = Target::resolve(&out).unwrap();
    {
        let _lock = Lock::take(&target).unwrap();
        let plan = plan(&out, &scan(&out).unwrap(), &new, None).unwrap();
        stage(&out, &plan, &target.staging(), None).unwrap();
        move_aside(&target, &target.aside()).unwrap();
        // Killed here: `out` is missing, the old tree is beside it.
    }
    assert!(!out.exists());
    let _lock = Lock::take(&target).unwrap();
    recover(&target).unwrap();
    assert_eq!(contents(&out), before);
    assert_eq!(leftovers(&out), [".rendered.fanout-lock"]);
}

#[test]
fn the_fallback_switch_puts_the_new_tree_in_place() {
    let (_tmp, out) = setup();
    write(&out, &v1(), None).unwrap();
    let new = tree(&[("aws-eu-1/web.yaml", "v2\n")]);
    let target = Target::resolve(&out).unwrap();
    let plan = plan(&out, &scan(&out).unwrap(), &new, None).unwrap();
    let (staging, aside) = (target.staging(), target.aside());
    stage(&out, &plan, &staging, None).unwrap();
    move_aside(&target, &aside).unwrap();
    move_in(&target, &staging, &aside).unwrap();
    assert_eq!(read_owned(&out).unwrap(), new);
    assert_eq!(read_owned(&aside).unwrap(), v1());
}

#[test]
fn foreign_symlinks_stay_symlinks() {
    let (_tmp, out) = setup();
    write(&out, &v1(), None).unwrap();
    std::os::unix::fs::symlink("web.yaml", out.join("aws-eu-1/alias.yaml")).unwrap();
    std::os::unix::fs::symlink("/nonexistent", out.join("dangling")).unwrap();
    let mut new = v1();
    new.insert("aws-eu-1/web.yaml".into(), b"v2\n".to_vec().into());
    write(&out, &new, None).unwrap();
    let link = out.join("aws-eu-1/alias.yaml");
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(fs::read_link(&link).unwrap(), Path::new("web.yaml"));
    assert_eq!(
        fs::read_link(out.join("dangling")).unwrap(),
        Path::new("/nonexistent")
    );
    assert!(
        !read_owned(&out)
            .unwrap()
            .contains_key("aws-eu-1/alias.yaml")
    );
}

#[test]
fn copies_keep_contents_permissions_and_symlinks() {
    use std::os::unix::fs::PermissionsExt as _;
    let tmp = tempfile::tempdir().unwrap();
    let (file, link) = (tmp.path().join("f"), tmp.path().join("l"));
    fs::write(&file, "x\n").unwrap();
    fs::set_permissions(&file, Permissions::from_mode(0o640)).unwrap();
    std::os::unix::fs::symlink("f", &link).unwrap();
    copy_entry(&file, &tmp.path().join("f2")).unwrap();
    copy_entry(&link, &tmp.path().join("l2")).unwrap();
    let copy = fs::metadata(tmp.path().join("f2")).unwrap();
    assert_eq!(copy.permissions().mode() & 0o777, 0o640);
    assert_eq!(fs::read(tmp.path().join("f2")).unwrap(), b"x\n");
    assert_eq!(
        fs::read_link(tmp.path().join("l2")).unwrap(),
        Path::new("f")
    );
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    let (_tmp, a) = setup();
    let b = a.with_file_name("other");
    write(&a, &v1(), None).unwrap();
    write(&b, &v1(), None).unwrap();
    assert_eq!(contents(&a), contents(&b));
    // Reaching the same tree by another route gives the same index too.
    let (_tmp2, c) = setup();
    write(
        &c,
        &tree(&[("aws-eu-1/web.yaml", "old\n"), ("zz/x", "y\n")]),
        None,
    )
    .unwrap();
    write(&c, &v1(), None).unwrap();
    assert_eq!(contents(&a), contents(&c));
}

#[test]
fn a_hand_edited_owned_file_is_changed_back() {
    let (_tmp, out) = setup();
    write(&out, &v1(), None).unwrap();
    fs::write(out.join("aws-eu-1/web.yaml"), "edited by hand\n").unwrap();
    fs::remove_file(out.join("gcp-us-1/web.yaml")).unwrap();
    let changes = write(&out, &v1(), None).unwrap();
    assert_eq!(changes.changed, ["aws-eu-1/web.yaml"]);
    assert_eq!(changes.added, ["gcp-us-1/web.yaml"]);
    assert_eq!(read_owned(&out).unwrap(), v1());
}

#[test]
fn the_stat_cache_vouches_only_for_untouched_files() {
    let (_tmp, out) = setup();
    write(&out, &v1(), None).unwrap();
    assert!(up_to_date(&out, &v1()), "fresh tree, fresh cache");
    let mut other = v1();
    other.insert("aws-eu-1/web.yaml".into(), b"kind: Other\n".to_vec().into());
    assert!(!up_to_date(&out, &other), "different wanted contents");

    // Replaced as editors do (a new file renamed over it), same size, the mtime set back to what it
    // was: the inode tells. The old inode stays alive elsewhere, so its number cannot be reused.
    let file = out.join("aws-eu-1/web.yaml");
    let before = fs::metadata(&file).unwrap();
    fs::hard_link(&file, _tmp.path().join("old-inode")).unwrap();
    let same_size = "kind: Deploymenx\n";
    assert_eq!(same_size.len() as u64, before.len());
    let replacement = out.join("aws-eu-1/.web.yaml.swp");
    fs::write(&replacement, same_size).unwrap();
    File::options()
        .write(true)
        .open(&replacement)
        .unwrap()
        .set_modified(before.modified().unwrap())
        .unwrap();
    fs::rename(&replacement, &file).unwrap();
    assert!(
        !up_to_date(&out, &v1()),
        "a replaced file is not vouched for"
    );
    let changes = write(&out, &v1(), None).unwrap();
    assert_eq!(changes.changed, ["aws-eu-1/web.yaml"]);
    assert!(up_to_date(&out, &v1()));

    // An edit in place changes the mtime.
    std::thread::sleep(std::time::Duration::from_millis(20));
    fs::write(&file, same_size).unwrap();
    assert!(
        !up_to_date(&out, &v1()),
        "an edited file is not vouched for"
    );
    write(&out, &v1(), None).unwrap();

    // Without the cache, or with a damaged one, the files are compared by reading them.
    fs::remove_file(out.join(CACHE_PATH)).unwrap();
    assert!(!up_to_date(&out, &v1()));
    let before = snapshot(&out);
    assert!(write(&out, &v1(), None).unwrap().is_empty());
    assert_eq!(
        snapshot(&out),
        before,
        "an up-to-date tree is not rewritten"
    );
    fs::write(
        out.join(CACHE_PATH),
        "# fanout stat cache 1\n1 2 3 4 5 zz  x\n",
    )
    .unwrap();
    assert!(!up_to_date(&out, &v1()));
    assert!(write(&out, &v1(), None).unwrap().is_empty());
}

#[test]
fn a_tree_remembers_the_inputs_it_was_written_from() {
    let (_tmp, out) = setup();
    let inputs = blake3::hash(b"inputs");
    write_recording(&out, &v1(), None, Some(inputs)).unwrap();
    let clusters: Vec<String> = rendered_from(&out, inputs).unwrap().into_iter().collect();
    assert_eq!(clusters, ["aws-eu-1", "gcp-us-1"]);
    assert_eq!(rendered_from(&out, blake3::hash(b"other")), None);
    // A write that changes nothing records nothing, and a tree edited by hand is not vouched for.
    write(&out, &v1(), None).unwrap();
    assert!(rendered_from(&out, inputs).is_some());
    std::thread::sleep(std::time::Duration::from_millis(20));
    fs::write(out.join("aws-eu-1/web.yaml"), "kind: Deploymenx\n").unwrap();
    assert_eq!(rendered_from(&out, inputs), None);
    // Leftovers of a killed run beside the tree: a real write must clean them up first.
    write_recording(&out, &v1(), None, Some(inputs)).unwrap();
    let lock = out.parent().unwrap().join(".rendered.fanout-lock");
    fs::write(&lock, "").unwrap();
    assert_eq!(
        rendered_from(&out, inputs),
        None,
        "not with a lock file beside it"
    );
    fs::remove_file(&lock).unwrap();
    assert!(rendered_from(&out, inputs).is_some());
    // A write that changes the tree without inputs forgets them.
    let mut other = v1();
    other.insert(
        "aws-eu-1/extra.yaml".into(),
        b"kind: Extra\n".to_vec().into(),
    );
    write(&out, &other, None).unwrap();
    assert_eq!(rendered_from(&out, inputs), None);
}

#[test]
fn fanouts_own_files_cannot_be_rendered_paths() {
    for own in [INDEX_PATH, CACHE_PATH, GITIGNORE_PATH, ".fanout/cache/x"] {
        assert!(check_path(own).is_err(), "{own}");
    }
    assert!(check_path(".fanout/placement.tsv").is_ok());
}

#[test]
fn a_stale_index_is_rewritten_without_changes() {
    let (_tmp, out) = setup();
    let (_tmp2, reference) = setup();
    write(&reference, &v1(), None).unwrap();
    let mut old = v1();
    old.insert("gone/x.yaml".into(), b"x\n".to_vec().into());
    write(&out, &old, None).unwrap();
    // Deleted by hand: no longer owned, but still listed.
    fs::remove_file(out.join("gone/x.yaml")).unwrap();
    assert!(write(&out, &v1(), None).unwrap().is_empty());
    assert_eq!(contents(&out), contents(&reference));
}

#[test]
fn writing_an_empty_tree_prunes_everything_owned() {
    let (_tmp, out) = setup();
    write(&out, &v1(), None).unwrap();
    fs::write(out.join("README"), "foreign\n").unwrap();
    let changes = write(&out, &Tree::new(), None).unwrap();
    assert_eq!(changes.removed.len(), v1().len());
    let names: Vec<_> = contents(&out).into_keys().collect();
    assert_eq!(
        names,
        [".fanout", GITIGNORE_PATH, INDEX_PATH, "README"].map(PathBuf::from)
    );
    assert_eq!(fs::read(out.join(INDEX_PATH)).unwrap(), b"");
}

#[test]
fn bad_paths_are_rejected_before_writing() {
    let (_tmp, out) = setup();
    for bad in [
        "",
        "/abs",
        "a//b",
        "a/../b",
        "./a",
        "a\nb",
        ".fanout/index",
        "x/",
    ] {
        let err = write(&out, &tree(&[(bad, "x")]), None).unwrap_err();
        assert!(
            matches!(err.kind(), EmitErrorKind::InvalidPath { .. }),
            "{bad:?}: {err}"
        );
    }
    let err = write(&out, &tree(&[("a/b", "x"), ("a/b/c", "y")]), None).unwrap_err();
    assert_eq!(err.path(), out.join("a/b"));
    assert!(!out.exists());
    assert_eq!(leftovers(&out), Vec::<String>::new());
}

#[test]
fn a_corrupt_index_is_an_error_naming_it() {
    let (_tmp, out) = setup();
    write(&out, &v1(), None).unwrap();
    fs::write(out.join(INDEX_PATH), "not a hash  a/b\n").unwrap();
    let err = read_owned(&out).unwrap_err();
    let index = out.join(INDEX_PATH);
    let expected = format!(
        "corrupt index `{}`: line 1 is not `<blake3 hex>  <path>`",
        index.display()
    );
    assert_eq!(err.to_string(), expected);
    let escaping = format!("{}  ../../etc/passwd\n", blake3::hash(b"").to_hex());
    fs::write(&index, escaping).unwrap();
    assert!(matches!(
        write(&out, &v1(), None).unwrap_err().kind(),
        EmitErrorKind::CorruptIndex { line: 1 }
    ));
}

#[test]
fn read_owned_of_a_missing_directory_is_empty() {
    let (_tmp, out) = setup();
    assert_eq!(read_owned(&out).unwrap(), Tree::new());
    fs::create_dir(&out).unwrap();
    fs::write(out.join("foreign.yaml"), "x").unwrap();
    assert_eq!(read_owned(&out).unwrap(), Tree::new());
}

#[test]
fn a_symlinked_output_directory_stays_a_symlink() {
    let (tmp, out) = setup();
    let real = tmp.path().join("real");
    fs::create_dir(&real).unwrap();
    std::os::unix::fs::symlink("real", &out).unwrap();
    write(&out, &v1(), None).unwrap();
    assert!(fs::symlink_metadata(&out).unwrap().file_type().is_symlink());
    assert_eq!(read_owned(&real).unwrap(), v1());
}

#[test]
fn an_output_path_that_is_a_file_is_an_error() {
    let (_tmp, out) = setup();
    fs::write(&out, "x").unwrap();
    let err = write(&out, &v1(), None).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("`{}` is not a directory", out.display())
    );
}

#[test]
fn names_beside_a_relative_output_directory() {
    let target = Target::resolve(Path::new("no-such-output-dir")).unwrap();
    assert_eq!(target.dir(), Path::new("."));
    assert_eq!(
        target.lock_path(),
        Path::new(".no-such-output-dir.fanout-lock")
    );
    let staging = target.staging();
    let name = staging.file_name().unwrap();
    assert!(target.is_leftover(name, STAGING));
    assert!(!target.is_leftover(name, ASIDE));
    assert!(!target.is_leftover(OsStr::new(".no-such-output-dir.fanout-staging-"), STAGING));
}

#[test]
fn changes_respect_the_scope() {
    let old = tree(&[("a/x", "1"), ("a/y", "1"), ("b/x", "1")]);
    let new = tree(&[("a/x", "2"), ("a/z", "1"), ("c/x", "1")]);
    let all = changes(&old, &new, None);
    assert_eq!(all.added, ["a/z", "c/x"]);
    assert_eq!(all.changed, ["a/x"]);
    assert_eq!(all.removed, ["a/y", "b/x"]);
    let only_a = changes(&old, &new, Some(&scope(&["a"])));
    let expected = Changes {
        added: vec!["a/z".into()],
        changed: vec!["a/x".into()],
        removed: vec!["a/y".into()],
    };
    assert_eq!(only_a, expected);
    assert!(changes(&old, &old, None).is_empty());
}

#[test]
fn io_errors_say_what_and_where() {
    let err = io_err("write", "rendered/aws-eu-1/x.yaml")(io::Error::from_raw_os_error(28));
    let text = err.to_string();
    assert!(
        text.starts_with("cannot write `rendered/aws-eu-1/x.yaml`: "),
        "{text}"
    );
    assert!(text.ends_with("(os error 28)"), "{text}");
    assert!(std::error::Error::source(&err).is_some());
}

/// Issue #13, escape 2: a committed (dangling) symlink at the lock path is refused, never followed.
#[test]
fn a_symlink_at_the_lock_path_is_refused_and_not_followed() {
    let (tmp, out) = setup();
    let outside = tmp.path().join("outside");
    fs::create_dir(&outside).unwrap();
    std::os::unix::fs::symlink(
        outside.join("created"),
        tmp.path().join(".rendered.fanout-lock"),
    )
    .unwrap();
    let err = write(&out, &v1(), None).unwrap_err();
    assert!(err.to_string().contains("it is a symlink"), "{err}");
    assert_eq!(fs::read_dir(&outside).unwrap().count(), 0);
    assert!(!out.exists());
}

/// Issue #13, escape 2: a symlink named like an old tree or a staging directory is never adopted,
/// emptied or followed.
#[test]
fn a_symlink_named_like_a_leftover_is_refused() {
    for name in [".rendered.fanout-old-1", ".rendered.fanout-staging-7"] {
        let (tmp, out) = setup();
        let outside = tmp.path().join("outside");
        fs::create_dir_all(outside.join(".fanout")).unwrap();
        fs::write(outside.join("canary.yaml"), "canary\n").unwrap();
        fs::write(outside.join(INDEX_PATH), "").unwrap();
        std::os::unix::fs::symlink(&outside, tmp.path().join(name)).unwrap();
        let before = snapshot(&outside);
        let err = write(&out, &v1(), None).unwrap_err();
        assert!(
            err.to_string()
                .contains("not a directory fanout left behind"),
            "{err}"
        );
        assert!(!out.exists(), "{name}");
        assert_eq!(snapshot(&outside), before, "{name}");
    }
}

/// Issue #13, items 5 and 6: fanout's index as a FIFO or a symlink is an error, never read or waited on.
#[test]
fn an_index_that_is_not_a_regular_file_is_an_error() {
    let (tmp, out) = setup();
    write(&out, &v1(), None).unwrap();
    let index = out.join(INDEX_PATH);
    fs::remove_file(&index).unwrap();
    rustix::fs::mkfifoat(
        rustix::fs::CWD,
        &index,
        rustix::fs::Mode::RUSR | rustix::fs::Mode::WUSR,
    )
    .unwrap();
    let err = write(&out, &tree(&[("a/b.yaml", "x\n")]), None).unwrap_err();
    assert!(err.to_string().contains("not a regular file"), "{err}");
    assert!(read_owned(&out).is_err());
    fs::remove_file(&index).unwrap();
    fs::write(tmp.path().join("secret"), "CANARY\n").unwrap();
    std::os::unix::fs::symlink(tmp.path().join("secret"), &index).unwrap();
    let err = write(&out, &tree(&[("a/b.yaml", "x\n")]), None).unwrap_err();
    assert!(!err.to_string().contains("CANARY"), "{err}");
    assert!(!up_to_date(&out, &v1()));
}

/// Issue #13, escapes 3 and 4: the configured output must resolve inside the repository.
#[test]
fn the_output_must_resolve_inside_the_repository() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    fs::create_dir_all(repo.join("real")).unwrap();
    fs::create_dir(tmp.path().join("elsewhere")).unwrap();
    std::os::unix::fs::symlink("../elsewhere", repo.join("rendered")).unwrap();
    std::os::unix::fs::symlink("real", repo.join("inside")).unwrap();
    assert!(check_inside(&repo, &repo.join("rendered")).is_err());
    assert!(check_inside(&repo, &repo.join("rendered/deeper/still")).is_err());
    assert!(check_inside(&repo, &repo.join(".")).is_err());
    assert!(check_inside(&repo, &repo.join("a/..")).is_err());
    assert!(check_inside(&repo, &repo.join("inside")).is_ok());
    assert!(check_inside(&repo, &repo.join("new/dir")).is_ok());
}

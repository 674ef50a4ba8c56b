//! EDGE: a repository directory as it was at a git revision, materialised into a temporary directory
//! without touching the user's checkout: no worktree, no index, no checkout, only `git ls-tree` and
//! `git cat-file --batch` reading objects.

use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Why a revision could not be read; the message names the command or path.
#[derive(Debug)]
pub struct GitError(pub String);

impl std::fmt::Display for GitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for GitError {}

fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, GitError> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| GitError(format!("cannot run `git`: {e}")))?;
    if !out.status.success() {
        return Err(GitError(format!(
            "`git {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(out.stdout)
}

/// Write the files under `repo` as they are at `rev` into `dest` (which must exist), keeping the same
/// relative layout; returns the directory in `dest` that corresponds to `repo`.
pub fn materialise(repo: &Path, rev: &str, dest: &Path) -> Result<PathBuf, GitError> {
    let top = String::from_utf8_lossy(&git(repo, &["rev-parse", "--show-toplevel"])?)
        .trim()
        .to_owned();
    let prefix = String::from_utf8_lossy(&git(repo, &["rev-parse", "--show-prefix"])?)
        .trim()
        .to_owned();
    let commit = format!("{rev}^{{commit}}");
    git(repo, &["rev-parse", "--verify", "--quiet", &commit]).map_err(|_| {
        GitError(format!(
            "`{rev}` is not a commit of the repository at `{top}`"
        ))
    })?;
    let listing = git(
        Path::new(&top),
        &["ls-tree", "-r", "-z", "--full-tree", rev, "--", &prefix],
    )?;
    let mut entries = Vec::new();
    for record in listing.split(|b| *b == 0).filter(|r| !r.is_empty()) {
        let record = String::from_utf8_lossy(record);
        let Some((meta, path)) = record.split_once('\t') else {
            continue;
        };
        let mut parts = meta.split(' ');
        let (mode, kind, object) = (parts.next(), parts.next(), parts.next());
        if kind != Some("blob") {
            continue;
        }
        let rel = path.strip_prefix(&prefix).unwrap_or(path).to_owned();
        if rel.split('/').any(|c| c == ".." || c.is_empty()) {
            continue;
        }
        entries.push((
            mode.unwrap_or("").to_owned(),
            object.unwrap_or("").to_owned(),
            rel,
        ));
    }
    let root = dest.join("repo");
    std::fs::create_dir_all(&root)
        .map_err(|e| GitError(format!("cannot create `{}`: {e}", root.display())))?;
    let mut child = Command::new("git")
        .arg("-C")
        .arg(&top)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| GitError(format!("cannot run `git cat-file`: {e}")))?;
    let mut input = child
        .stdin
        .take()
        .ok_or_else(|| GitError("no stdin for `git cat-file`".into()))?;
    let ids: String = entries.iter().map(|(_, o, _)| format!("{o}\n")).collect();
    let writer = std::thread::spawn(move || input.write_all(ids.as_bytes()));
    let mut output = BufReader::new(
        child
            .stdout
            .take()
            .ok_or_else(|| GitError("no stdout for `git cat-file`".into()))?,
    );
    for (mode, _, rel) in &entries {
        let content = read_object(&mut output)
            .map_err(|e| GitError(format!("reading `{rel}` at `{rev}`: {e}")))?;
        let path = root.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| GitError(format!("cannot create `{}`: {e}", parent.display())))?;
        }
        if mode == "120000" {
            #[cfg(unix)]
            std::os::unix::fs::symlink(String::from_utf8_lossy(&content).as_ref(), &path)
                .map_err(|e| GitError(format!("cannot create `{}`: {e}", path.display())))?;
        } else {
            std::fs::write(&path, &content)
                .map_err(|e| GitError(format!("cannot write `{}`: {e}", path.display())))?;
        }
    }
    let _ = writer.join();
    let _ = child.wait();
    Ok(root)
}

/// One `<oid> <type> <size>\n<content>\n` record of `git cat-file --batch`.
fn read_object(r: &mut impl BufRead) -> io::Result<Vec<u8>> {
    let mut header = String::new();
    r.read_line(&mut header)?;
    let size: usize = header
        .split_whitespace()
        .nth(2)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| {
            io::Error::other(format!(
                "unexpected `git cat-file` output `{}`",
                header.trim()
            ))
        })?;
    let mut content = vec![0; size];
    r.read_exact(&mut content)?;
    let mut newline = [0u8; 1];
    r.read_exact(&mut newline)?;
    Ok(content)
}

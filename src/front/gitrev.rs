//! EDGE: a repository directory as it was at a git revision, read into memory from git's object store.
//! Nothing is checked out or written: one `git ls-tree` lists the revision's tree (with object sizes),
//! one `git cat-file --batch` hands over the blobs to read.
//!
//! The revision is as untrusted as the working tree, and is read under the same rules as
//! [`load`](crate::front::load) reads a directory: hidden paths, excluded paths and output directories are
//! skipped; a symlink is resolved inside the revision's own tree (a link to a file inside is read under the
//! link's path, a link leading out or dangling is a warning and not read, a link to a directory is not
//! descended); submodules are not read. Two entries with one name (which `git mktree` can build) make
//! the revision unreadable: an error, nothing of it is used. Sizes come from the tree listing, so a blob
//! over `limits.maxFileBytes` is refused before any of it is read.
//!
//! Files are named `REV:path` in diagnostics (`main:apps/web.yaml:5:9`), the path relative to the
//! repository directory.
//!
//! [`load_with_schedule`] also hands over the revision's previous schedule result
//! (`<output>/.fanout/schedule.tsv` of the revision's own `output`), read under the same rules: a
//! symlink there is refused, its size is checked from the listing ([`crate::previous::MAX_BYTES`]).

use crate::front::config;
use crate::front::load::{CHART_FILE, Reader, Repo, globs, is_input_name, is_kustomization};
use crate::front::schemas::Schemas;
use crate::safe_read::ReadError;
use std::collections::BTreeMap;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};

/// Why a revision could not be read; the message names the command or the revision.
#[derive(Debug)]
pub struct GitError(pub String);

impl std::fmt::Display for GitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for GitError {}

/// Symlinks followed one after another before a link counts as dangling (as the kernel's `ELOOP`).
const MAX_LINKS: usize = 40;

fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, GitError> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
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

/// One entry of the revision's tree, below the repository directory.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Entry {
    Blob { oid: String, size: u64 },
    Symlink { oid: String, size: u64 },
    Tree,
    Submodule,
}

/// Read the repository at `repo` (a directory inside a git work tree, possibly its root) as it is at
/// `rev`. The result is a [`Repo`] like [`load`](crate::front::load::load) gives, rooted at `repo`.
pub fn load(repo: &Path, rev: &str, schemas: &Schemas) -> Result<Repo, GitError> {
    load_with_schedule(repo, rev, schemas).map(|(repo, _)| repo)
}

/// What [`load_with_schedule`] found as the revision's schedule file: its name (`REV:path`) and its
/// bytes (`None` when the revision has none).
pub type ScheduleFile = (String, Option<Vec<u8>>);

/// [`load`], and the revision's schedule file (`<output>/.fanout/schedule.tsv`).
pub fn load_with_schedule(
    repo: &Path,
    rev: &str,
    schemas: &Schemas,
) -> Result<(Repo, ScheduleFile), GitError> {
    let prefix = String::from_utf8_lossy(&git(repo, &["rev-parse", "--show-prefix"])?)
        .trim_end_matches('\n')
        .to_owned();
    let commit = format!("{rev}^{{commit}}");
    let commit = git(
        repo,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            &commit,
        ],
    )
    .map_err(|_| {
        GitError(format!(
            "`{rev}` is not a commit of the git repository at `{}`",
            repo.display()
        ))
    })?;
    let commit = String::from_utf8_lossy(&commit).trim().to_owned();
    // `<commit>:<prefix>` is the repository directory's own tree at the revision (`<commit>:` at the root).
    let tree = format!("{commit}:{prefix}");
    let listing = git(
        repo,
        &["ls-tree", "-r", "-t", "-l", "-z", "--full-tree", &tree],
    )
    .map_err(|_| GitError(format!("`{}` does not exist at `{rev}`", repo.display())))?;
    let mut batch = Batch::start(repo)?;
    let read = read_tree(repo, rev, &listing, &mut batch, schemas);
    batch.finish();
    read
}

/// Where blobs come from: git's object store ([`Batch`]), or anything else that maps an object id to
/// its bytes (the fuzz target's made-up trees).
pub trait Blobs {
    /// The blob `oid`, if it is at most `max` bytes (else `None`, and nothing of it is kept).
    fn read(&mut self, oid: &str, max: u64) -> io::Result<Option<Vec<u8>>>;
}

/// The revision's files from its tree listing (`git ls-tree -r -t -l -z` output) and a blob source: the
/// part of [`load_with_schedule`] that decides what is read, with no process or disk of its own.
pub fn read_tree(
    repo: &Path,
    rev: &str,
    listing: &[u8],
    batch: &mut dyn Blobs,
    schemas: &Schemas,
) -> Result<(Repo, ScheduleFile), GitError> {
    let entries = parse_listing(listing, rev)?;

    let mut reader = Reader::new(|rel| format!("{rev}:{rel}"));
    let config_read = match entries.get(config::FILE_NAME) {
        None => Err(ReadError::NotFound),
        Some(Entry::Blob { oid, size }) if *size <= super::load::CONFIG_MAX_BYTES => batch
            .read(oid, *size)
            .map_err(|e| read_error(rev, config::FILE_NAME, e))?
            .ok_or(ReadError::TooLarge(*size)),
        Some(Entry::Blob { size, .. }) => Err(ReadError::TooLarge(*size)),
        Some(Entry::Symlink { .. }) => Err(ReadError::Symlink),
        Some(_) => Err(ReadError::NotRegular("directory")),
    };
    reader
        .config(config_read, schemas)
        .map_err(|e| read_error(rev, config::FILE_NAME, e))?;
    let excludes = globs(&reader.config.exclude);
    let output = normalise(&reader.config.output);
    let max = reader.config.limits.max_file_bytes;
    let skipped = |rel: &str| {
        let mut dirs = ancestors(rel);
        rel.split('/').any(|c| c.starts_with('.'))
            || excludes.is_match(rel)
            || dirs.any(|dir| {
                excludes.is_match(dir)
                    || output.as_deref() == Some(dir)
                    || entries.contains_key(&format!("{dir}/{}", crate::emit::INDEX_PATH))
            })
    };
    let chart_of = |rel: &str| {
        ancestors(rel)
            .filter(|dir| entries.contains_key(&format!("{dir}/{CHART_FILE}")))
            .last()
            .map(str::to_owned)
    };
    let mut charts = std::collections::BTreeSet::new();
    for (rel, entry) in &entries {
        if rel == config::FILE_NAME || !is_input_name(rel) || skipped(rel) {
            continue;
        }
        if let Some(chart) = chart_of(rel) {
            charts.insert(chart);
            continue;
        }
        if is_kustomization(rel) {
            reader.kustomization(rel);
            continue;
        }
        let (oid, size) = match entry {
            Entry::Blob { oid, size } => (oid.clone(), *size),
            Entry::Symlink { .. } => match resolve(&entries, rel, batch, rev)? {
                Resolved::File(oid, size) => (oid, size),
                Resolved::Directory => continue,
                Resolved::Outside(target) => {
                    reader.warn(
                        "symlink",
                        rel,
                        &format!("symlink points outside the repository (to `{target}`); not read"),
                    );
                    continue;
                }
                Resolved::Dangling => {
                    reader.warn("symlink", rel, "broken symlink; not read");
                    continue;
                }
            },
            Entry::Tree | Entry::Submodule => continue,
        };
        if size > max {
            reader.too_large(rel, size);
            continue;
        }
        let bytes = batch
            .read(&oid, size)
            .map_err(|e| read_error(rev, rel, e))?
            .ok_or(ReadError::TooLarge(size));
        reader
            .file(rel.clone(), bytes)
            .map_err(|e| read_error(rev, rel, e))?;
    }
    let schedule_rel = match output.as_deref() {
        Some("") | None => crate::render::schedule::SCHEDULE_FILE.to_owned(),
        Some(dir) => format!("{dir}/{}", crate::render::schedule::SCHEDULE_FILE),
    };
    let schedule_name = format!("{rev}:{schedule_rel}");
    let refuse = |why: &str| GitError(format!("cannot read `{schedule_name}`: {why}"));
    let schedule = match entries.get(&schedule_rel) {
        None => None,
        Some(Entry::Blob { size, .. }) if *size > crate::previous::MAX_BYTES => {
            return Err(refuse(&ReadError::TooLarge(*size).to_string()));
        }
        Some(Entry::Blob { oid, size }) => Some(
            batch
                .read(oid, *size)
                .map_err(|e| read_error(rev, &schedule_rel, e))?
                .ok_or_else(|| refuse(&ReadError::TooLarge(*size).to_string()))?,
        ),
        Some(Entry::Symlink { .. }) => return Err(refuse(&ReadError::Symlink.to_string())),
        Some(_) => return Err(refuse(&ReadError::NotRegular("directory").to_string())),
    };
    for chart in charts {
        reader.chart(&chart);
    }
    Ok((reader.finish(repo.to_path_buf()), (schedule_name, schedule)))
}

fn read_error(rev: &str, rel: &str, e: io::Error) -> GitError {
    GitError(format!("cannot read `{rev}:{rel}`: {e}"))
}

/// `git ls-tree -r -t -l -z` records, `<mode> <type> <oid> <size>\t<path>`, into a map keyed by path;
/// two entries with one path make the whole revision an error.
fn parse_listing(listing: &[u8], rev: &str) -> Result<BTreeMap<String, Entry>, GitError> {
    let mut entries = BTreeMap::new();
    for record in listing.split(|b| *b == 0).filter(|r| !r.is_empty()) {
        let Some(tab) = record.iter().position(|b| *b == b'\t') else {
            return Err(GitError(format!(
                "unexpected `git ls-tree` output at `{rev}`"
            )));
        };
        let meta = String::from_utf8_lossy(&record[..tab]);
        let path = String::from_utf8_lossy(&record[tab + 1..]).into_owned();
        let mut parts = meta.split_whitespace();
        let (mode, oid, size) = (parts.next(), parts.nth(1), parts.next());
        let oid = oid.unwrap_or_default().to_owned();
        let size = size.and_then(|s| s.parse::<u64>().ok()).unwrap_or(0);
        let entry = match mode {
            Some("120000") => Entry::Symlink { oid, size },
            Some("040000") => Entry::Tree,
            Some("160000") => Entry::Submodule,
            _ => Entry::Blob { oid, size },
        };
        if entries.insert(path.clone(), entry).is_some() {
            return Err(GitError(format!(
                "the tree at `{rev}` has duplicate entries named `{path}`; a revision like that is not read"
            )));
        }
    }
    // A name that is a file and also has entries below it is the same trick one level down.
    for path in entries.keys() {
        if let Some(dir) =
            ancestors(path).find(|d| entries.get(*d).is_some_and(|e| !matches!(e, Entry::Tree)))
        {
            return Err(GitError(format!(
                "the tree at `{rev}` has duplicate entries named `{dir}`; a revision like that is not read"
            )));
        }
    }
    Ok(entries)
}

/// The proper ancestors of a '/'-separated path, nearest first.
fn ancestors(rel: &str) -> impl Iterator<Item = &str> {
    let mut rest = rel;
    std::iter::from_fn(move || {
        let (dir, _) = rest.rsplit_once('/')?;
        rest = dir;
        Some(dir)
    })
}

/// A relative path with `.` and empty components removed and `..` applied; `None` when it climbs
/// above its start or is absolute.
fn normalise(path: &str) -> Option<String> {
    if path.starts_with('/') {
        return None;
    }
    let mut parts: Vec<&str> = Vec::new();
    for c in path.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            c => parts.push(c),
        }
    }
    Some(parts.join("/"))
}

enum Resolved {
    File(String, u64),
    Directory,
    Outside(String),
    Dangling,
}

/// Where the symlink at `rel` leads inside the revision's tree, following links up to [`MAX_LINKS`].
fn resolve(
    entries: &BTreeMap<String, Entry>,
    rel: &str,
    batch: &mut dyn Blobs,
    rev: &str,
) -> Result<Resolved, GitError> {
    let mut at = rel.to_owned();
    for _ in 0..MAX_LINKS {
        let Some(Entry::Symlink { oid, size }) = entries.get(&at) else {
            break;
        };
        // A link target is a path, never long: anything larger is not one.
        let Some(target) = batch
            .read(oid, (*size).min(4096))
            .map_err(|e| read_error(rev, &at, e))?
        else {
            return Ok(Resolved::Dangling);
        };
        let target = String::from_utf8_lossy(&target).into_owned();
        let dir = at.rsplit_once('/').map_or("", |(d, _)| d);
        let joined = if dir.is_empty() {
            target.clone()
        } else {
            format!("{dir}/{target}")
        };
        let Some(next) = normalise(&joined) else {
            return Ok(Resolved::Outside(target));
        };
        at = next;
    }
    Ok(match entries.get(&at) {
        Some(Entry::Blob { oid, size }) => Resolved::File(oid.clone(), *size),
        Some(Entry::Tree) => Resolved::Directory,
        None if at.is_empty() => Resolved::Directory,
        _ => Resolved::Dangling,
    })
}

/// One `git cat-file --batch` process: a blob id in, its bytes out, one at a time, so no more than one
/// (bounded) blob is held at once.
struct Batch {
    child: std::process::Child,
    input: std::process::ChildStdin,
    output: BufReader<std::process::ChildStdout>,
}

impl Batch {
    fn start(repo: &Path) -> Result<Batch, GitError> {
        let mut child = Command::new("git")
            .arg("-C")
            .arg(repo)
            .args(["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| GitError(format!("cannot run `git cat-file`: {e}")))?;
        let input = child.stdin.take();
        let output = child.stdout.take();
        match (input, output) {
            (Some(input), Some(output)) => Ok(Batch {
                child,
                input,
                output: BufReader::new(output),
            }),
            _ => Err(GitError("cannot talk to `git cat-file`".into())),
        }
    }

    fn finish(mut self) {
        drop(self.input);
        let _ = self.child.wait();
    }
}

impl Blobs for Batch {
    fn read(&mut self, oid: &str, max: u64) -> io::Result<Option<Vec<u8>>> {
        writeln!(self.input, "{oid}")?;
        self.input.flush()?;
        let mut header = String::new();
        self.output.read_line(&mut header)?;
        let size: u64 = header
            .split_whitespace()
            .nth(2)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| {
                io::Error::other(format!(
                    "unexpected `git cat-file` output `{}`",
                    header.trim()
                ))
            })?;
        if size > max {
            // Skip the content without keeping it.
            io::copy(&mut (&mut self.output).take(size + 1), &mut io::sink())?;
            return Ok(None);
        }
        let mut content = Vec::with_capacity(size as usize);
        (&mut self.output).take(size).read_to_end(&mut content)?;
        let mut newline = [0u8; 1];
        self.output.read_exact(&mut newline)?;
        Ok(Some(content))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_normalise_inside_their_root_only() {
        assert_eq!(normalise("a/./b/../c").as_deref(), Some("a/c"));
        assert_eq!(normalise("rendered/").as_deref(), Some("rendered"));
        assert_eq!(normalise("a/../..").as_deref(), None);
        assert_eq!(normalise("/etc/passwd").as_deref(), None);
        assert_eq!(normalise(".").as_deref(), Some(""));
    }

    #[test]
    fn duplicate_names_make_a_listing_an_error() {
        let listing = b"120000 blob aaa 10\tapps\x00040000 tree bbb -\tapps\0";
        let e = parse_listing(listing, "HEAD").unwrap_err();
        assert!(e.0.contains("duplicate entries named `apps`"), "{e}");
        let listing = b"120000 blob aaa 10\tapps\x00100644 blob ccc 5\tapps/x.yaml\0";
        let e = parse_listing(listing, "HEAD").unwrap_err();
        assert!(e.0.contains("duplicate entries named `apps`"), "{e}");
        let listing = b"040000 tree bbb -\tapps\x00100644 blob ccc 5\tapps/x.yaml\0";
        assert_eq!(parse_listing(listing, "HEAD").unwrap().len(), 2);
    }

    #[test]
    fn ancestors_are_nearest_first() {
        assert_eq!(ancestors("a/b/c.yaml").collect::<Vec<_>>(), ["a/b", "a"]);
        assert_eq!(ancestors("c.yaml").count(), 0);
    }
}

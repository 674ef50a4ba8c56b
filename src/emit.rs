//! EDGE: the only module that writes the output tree.
//!
//! Input: a rendered [`Tree`] (paths relative to the output directory → bytes), made by a pure stage.
//! Output: the output directory on disk holds that tree, and [`Changes`] says what moved.
//!
//! Guarantees of [`write()`]:
//!
//! 1. **Ownership.** fanout records the files it wrote in `<out>/.fanout/index` (not YAML, so Flux and
//!    Argo CD never read it as a manifest): one line per owned file, `<blake3 hex>  <path>`, sorted by the
//!    path's bytes; the index does not list itself. fanout owns a path that the index lists and that is a
//!    regular file (a hand-edited owned file is rewritten; one deleted by hand is written again). Anything
//!    else is *foreign*: it is never modified, moved or deleted, and it is carried over into every new
//!    tree. Writing a path where a foreign file (or a directory that holds foreign files, or a foreign file
//!    where a directory is needed) sits is refused before anything is written.
//! 2. **Only what changed.** When the owned files on disk already equal the new tree (within the scope) and
//!    the index is up to date, nothing is written at all: no staging, no index rewrite, inodes and mtimes
//!    stay as they are. Whether they are equal is first asked of the stat cache (`.fanout/cache`, see
//!    [`cache`]: inode, size and mtime of every owned file as fanout left it), so an up-to-date tree is
//!    confirmed with one `stat` per file; only when the cache cannot vouch for every file are the files
//!    read and compared. The cache may also record the fingerprint of the inputs a tree was rendered
//!    from ([`write_recording`]); [`rendered_from`] then lets a caller skip rendering altogether when
//!    the inputs are the same and every owned file is as fanout left it (and nothing of a killed run or
//!    another writer sits beside `out`). The cache and `.fanout/.gitignore` (which keeps the cache out of git) are
//!    fanout's own files like the index: remade with every tree, never listed in the index, never
//!    renderable paths.
//! 3. **Atomic switch.** Otherwise the new tree is built in a staging directory next to `out`
//!    (`.<out-name>.fanout-staging-<pid>`): unchanged owned files and foreign entries are hard-linked
//!    (symlinks stay symlinks; a copy is made where a hard link fails, e.g. across devices), directories
//!    are recreated with their permissions, only added and changed files are written, then the index; the
//!    whole staged tree is made durable (one `syncfs` on Linux, an `fsync` per written file and directory
//!    elsewhere); then staging and `out` are exchanged in one `renameat2(RENAME_EXCHANGE)`
//!    (`renameatx_np(RENAME_SWAP)` on Apple systems), or staging is renamed into place when `out` does not
//!    exist yet. The old tree, now at the staging path, is deleted last. A process killed at any moment
//!    leaves `out` as the old tree or the new one, never a mix.
//!
//!    Fallback: where the exchange is not available (another OS, or a filesystem that answers `EINVAL`),
//!    the switch is two renames, `out` → `.<out-name>.fanout-old-<pid>` then staging → `out`. A kill between
//!    them leaves no `out` but the complete old tree beside it; the next [`write()`] puts it back first.
//! 4. **Recovery.** At the start of every write, under the lock, leftovers of killed runs (staging
//!    directories and old trees beside `out`) are removed, after putting an old tree back if `out` is
//!    missing.
//! 5. **Lock.** A lock file `.<out-name>.fanout-lock` next to `out` is held (`File::try_lock`) for the whole
//!    write; a second writer is refused, not queued. The lock file is removed when the write ends.
//! 6. **Errors** leave `out` exactly as it was and remove the staging directory; every error names its path.
//!    Directories that held owned files and have nothing left after pruning go away; directories that hold
//!    foreign files, and directories fanout never wrote into, stay.
//! 7. **Determinism.** The same inputs give the same bytes and the same index.
//!
//! The steps, each its own function so tests can stop between them as a kill would: `Lock::take` →
//! `recover` → `up_to_date_in` (the stat-cache shortcut) → `scan` (what is on disk) → `plan` (every
//! decision and refusal; reads only) → `stage` (files on every core, then the index and the stat cache)
//! → `swap` → `discard` the old tree. A symlinked `out` is followed: the directory it
//! points to is replaced, the link stays.
//!
//! What it deliberately doesn't do: render, diff or print anything (that is for the pure stages and
//! `main`); keep the inode or mtime of carried-over *directories* (the staged tree has new directories,
//! with the same permissions); preserve ownership (uid/gid) of copies made where a hard link failed;
//! synchronise [`read_owned`] with a concurrent writer (it reads by path, without the lock); follow
//! symlinks inside `out` (a symlink is an entry like any other, never a directory to descend into). The
//! parent of `out` is created when missing, and stays if a write then fails.

mod cache;

use cache::{CACHE_PATH, GITIGNORE, GITIGNORE_PATH};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ffi::{OsStr, OsString};
use std::fmt;
use std::fs::{self, File, OpenOptions, Permissions, TryLockError};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

/// A rendered tree in memory: '/'-separated paths relative to the output directory → file contents.
/// Produced by a pure stage. Contents are shared: many clusters receive byte-identical files.
pub type Tree = BTreeMap<String, Bytes>;

/// The contents of one file of a [`Tree`].
pub type Bytes = std::sync::Arc<[u8]>;

/// Where fanout keeps its index of owned files, relative to the output directory.
pub const INDEX_PATH: &str = ".fanout/index";

/// What a write changes, as sorted '/'-separated paths relative to the output directory.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Changes {
    pub added: Vec<String>,
    pub changed: Vec<String>,
    pub removed: Vec<String>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.changed.is_empty() && self.removed.is_empty()
    }
}

/// A failure to read or write the output tree. Always names a path.
#[derive(Debug)]
pub struct EmitError {
    path: PathBuf,
    kind: EmitErrorKind,
}

/// Why an [`EmitError`] happened.
#[derive(Debug)]
#[non_exhaustive]
pub enum EmitErrorKind {
    /// An operating-system call failed; `op` is what fanout was doing ("write", "read", ...).
    Io { op: &'static str, source: io::Error },
    /// The path holds something fanout did not write, and the new tree needs it.
    Foreign,
    /// Another fanout process holds the lock on the output directory (the error's path).
    Locked { lock: PathBuf },
    /// The output directory is not a directory.
    NotADirectory,
    /// A path of the rendered tree is not usable as a relative path below the output directory.
    InvalidPath { reason: &'static str },
    /// A line of the index is not `<blake3 hex>  <path>`.
    CorruptIndex { line: usize },
}

impl EmitError {
    /// The file or directory the error is about.
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn kind(&self) -> &EmitErrorKind {
        &self.kind
    }

    fn new(path: impl Into<PathBuf>, kind: EmitErrorKind) -> Self {
        EmitError {
            path: path.into(),
            kind,
        }
    }
}

impl fmt::Display for EmitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path.display();
        match &self.kind {
            EmitErrorKind::Io { op, source } => write!(f, "cannot {op} `{path}`: {source}"),
            EmitErrorKind::Foreign => {
                write!(
                    f,
                    "refusing to overwrite `{path}`, which fanout did not write"
                )
            }
            EmitErrorKind::Locked { lock } => write!(
                f,
                "`{path}` is being written by another fanout process (lock `{}` is held)",
                lock.display()
            ),
            EmitErrorKind::NotADirectory => write!(f, "`{path}` is not a directory"),
            EmitErrorKind::InvalidPath { reason } => {
                write!(f, "invalid output path `{path}`: {reason}")
            }
            EmitErrorKind::CorruptIndex { line } => write!(
                f,
                "corrupt index `{path}`: line {line} is not `<blake3 hex>  <path>`"
            ),
        }
    }
}

impl std::error::Error for EmitError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            EmitErrorKind::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Maps an `io::Error` to an [`EmitError`] naming `path`.
fn io_err(op: &'static str, path: impl Into<PathBuf>) -> impl FnOnce(io::Error) -> EmitError {
    let path = path.into();
    move |source| EmitError::new(path, EmitErrorKind::Io { op, source })
}

/// The files fanout owns in `out` as they are on disk now, according to fanout's index: listed in the
/// index and a regular file (not behind a symlink). Missing `out` → empty tree.
pub fn read_owned(out: &Path) -> Result<Tree, EmitError> {
    let disk = scan(out)?;
    let owned: Vec<&String> = disk.owned.iter().collect();
    let read = owned.par_iter().map(|path| {
        let file = out.join(rel_path(path));
        let bytes = fs::read(&file).map_err(io_err("read", &file))?;
        Ok(((*path).clone(), Bytes::from(bytes)))
    });
    read.collect()
}

/// What writing `new` would change. `scope`: when Some, only paths whose first component is in the set
/// are considered (rendering a subset of clusters); owned files outside the scope are neither changed nor
/// removed, and paths of `new` outside it are ignored.
pub fn changes(old: &Tree, new: &Tree, scope: Option<&BTreeSet<String>>) -> Changes {
    let mut changes = Changes::default();
    for (path, bytes) in new.iter().filter(|(p, _)| in_scope(p, scope)) {
        match old.get(path) {
            None => changes.added.push(path.clone()),
            Some(before) if before != bytes => changes.changed.push(path.clone()),
            Some(_) => {}
        }
    }
    changes.removed = (old.keys())
        .filter(|p| in_scope(p, scope) && !new.contains_key(*p))
        .cloned()
        .collect();
    changes
}

/// Make `out` hold `new` (within `scope`, as in [`changes`]), then return what changed. See the module
/// documentation for the guarantees.
pub fn write(
    out: &Path,
    new: &Tree,
    scope: Option<&BTreeSet<String>>,
) -> Result<Changes, EmitError> {
    write_recording(out, new, scope, None)
}

/// [`write()`], recording in the stat cache what the tree was rendered from (`inputs`, a fingerprint
/// the caller computed), for [`rendered_from`] to find. A write that changes nothing records nothing.
pub fn write_recording(
    out: &Path,
    new: &Tree,
    scope: Option<&BTreeSet<String>>,
    inputs: Option<blake3::Hash>,
) -> Result<Changes, EmitError> {
    let target = Target::resolve(out)?;
    fs::create_dir_all(target.dir()).map_err(io_err("create directory", target.dir()))?;
    let _lock = Lock::take(&target)?;
    recover(&target)?;
    if up_to_date_in(&target.out, new, scope) {
        return Ok(Changes::default());
    }
    let disk = scan(&target.out)?;
    let plan = plan(&target.out, &disk, new, scope)?;
    if plan.noop {
        return Ok(plan.changes);
    }
    let staging = target.staging();
    if let Err(e) = stage(&target.out, &plan, &staging, inputs) {
        discard(&staging);
        return Err(e);
    }
    match swap(&target, &staging) {
        Ok(old) => {
            if let Some(old) = old {
                discard(&old);
            }
            Ok(plan.changes)
        }
        Err(e) => {
            discard(&staging);
            Err(e)
        }
    }
}

/// Whether `out` already holds `new` (and its index), decided from the index and the stat cache alone,
/// without reading the files ([`cache`]). `false` means "not known to be": compare the contents then.
pub fn up_to_date(out: &Path, new: &Tree) -> bool {
    up_to_date_in(out, new, None)
}

fn up_to_date_in(out: &Path, new: &Tree, scope: Option<&BTreeSet<String>>) -> bool {
    let Some(vouched) = Vouched::read(out) else {
        return false;
    };
    let mut wanted = BTreeMap::new();
    let mut hashes = Hashes::default();
    for (path, &hash) in &vouched.files {
        if !in_scope(path, scope) {
            wanted.insert(path.as_str(), hash);
        }
    }
    for (path, bytes) in new.iter().filter(|(p, _)| in_scope(p, scope)) {
        wanted.insert(path.as_str(), hashes.of(bytes));
    }
    render_index(&wanted) == vouched.index
}

/// Whether `out` is, untouched, the tree last written from inputs with this fingerprint (see
/// [`write_recording`]): then rendering them again would change nothing, and need not be done. Returns
/// the top-level directories of the owned files (the clusters) when it is.
pub fn rendered_from(out: &Path, inputs: blake3::Hash) -> Option<BTreeSet<String>> {
    // Leftovers of a killed run, or a writer at work: only a real write may deal with those.
    let target = Target::resolve(out).ok()?;
    if has_leftovers(&target) {
        return None;
    }
    let vouched = Vouched::read(&target.out)?;
    if vouched.inputs != Some(inputs) {
        return None;
    }
    let tops = (vouched.files.keys())
        .filter_map(|p| p.split_once('/').map(|(top, _)| top))
        .filter(|top| !top.starts_with('.'))
        .map(str::to_owned);
    Some(tops.collect())
}

/// The owned files of `out` as the stat cache vouches for them, when it vouches for every one and agrees
/// with the index (and git is told to ignore the cache); read without the lock, like [`read_owned`].
struct Vouched {
    index: Vec<u8>,
    files: BTreeMap<String, blake3::Hash>,
    inputs: Option<blake3::Hash>,
}

impl Vouched {
    fn read(out: &Path) -> Option<Vouched> {
        let read = |rel: &str| fs::read(out.join(rel_path(rel))).ok();
        let (index, cache, gitignore) =
            (read(INDEX_PATH)?, read(CACHE_PATH)?, read(GITIGNORE_PATH)?);
        if gitignore != GITIGNORE {
            return None;
        }
        let indexed = parse_index(&index, Path::new(INDEX_PATH)).ok()?;
        let paths: Vec<&str> = indexed.iter().map(String::as_str).collect();
        let (cache, inputs) = cache::parse(&cache);
        let vouched = cache::verified(out, &cache, &paths);
        let files = (paths.iter().zip(vouched))
            .map(|(&path, hash)| Some((path, hash?)))
            .collect::<Option<BTreeMap<&str, _>>>()?;
        // The files hold what the cache says, and the cache agrees with the index.
        if render_index(&files) != index {
            return None;
        }
        let files = (files.into_iter())
            .map(|(p, h)| (p.to_owned(), h))
            .collect();
        Some(Vouched {
            index,
            files,
            inputs,
        })
    }
}

/// blake3 of file contents, once per allocation: many clusters share one allocation for the same file.
#[derive(Default)]
struct Hashes(HashMap<(*const u8, usize), blake3::Hash>);

impl Hashes {
    fn of(&mut self, bytes: &[u8]) -> blake3::Hash {
        let key = (bytes.as_ptr(), bytes.len());
        *self.0.entry(key).or_insert_with(|| blake3::hash(bytes))
    }
}

fn in_scope(path: &str, scope: Option<&BTreeSet<String>>) -> bool {
    let first = path.split_once('/').map_or(path, |(first, _)| first);
    scope.is_none_or(|clusters| clusters.contains(first))
}

/// A tree path as a relative filesystem path. Only for paths [`check_path`] accepted.
fn rel_path(path: &str) -> &Path {
    Path::new(path)
}

/// A path below `out` as fanout handles it on disk: '/'-separated components, the bytes the filesystem
/// returned (names need not be UTF-8). Maps keyed by it compare bytes, far cheaper than comparing `Path`s
/// component by component; a directory still sorts before everything inside it.
type Rel = OsString;

/// `dir/name`, or `name` at the top.
fn rel_join(dir: &OsStr, name: &OsStr) -> Rel {
    let mut rel = OsString::with_capacity(dir.len() + name.len() + 1);
    if !dir.is_empty() {
        rel.push(dir);
        rel.push("/");
    }
    rel.push(name);
    rel
}

/// Why `path` cannot be a path of the output tree, if it can't.
fn check_path(path: &str) -> Result<(), &'static str> {
    if path.is_empty() {
        return Err("the path is empty");
    }
    if path.starts_with('/') {
        return Err("the path is absolute");
    }
    if path.contains(['\0', '\n', '\r']) {
        return Err("the path contains a NUL or line break");
    }
    for component in path.split('/') {
        if component.is_empty() {
            return Err("the path has an empty component");
        }
        if component == "." || component == ".." {
            return Err("the path has a `.` or `..` component");
        }
    }
    for own in [INDEX_PATH, CACHE_PATH, GITIGNORE_PATH] {
        if path == own
            || path
                .strip_prefix(own)
                .is_some_and(|rest| rest.starts_with('/'))
        {
            return Err("the path is reserved for fanout's own files");
        }
    }
    Ok(())
}

/// The proper, non-empty ancestors of a relative path, nearest first.
fn ancestors(rel: &OsStr) -> impl Iterator<Item = &OsStr> {
    (Path::new(rel).ancestors().skip(1))
        .map(Path::as_os_str)
        .filter(|a| !a.is_empty())
}

/// The directories of `paths`, each once: adds each path's ancestors to `dirs`, skipping paths whose
/// parent is the previous path's (sorted input makes that the common case).
fn collect_dirs<'a>(paths: impl Iterator<Item = &'a OsStr>, dirs: &mut BTreeSet<&'a OsStr>) {
    let mut last_parent: Option<&OsStr> = None;
    for path in paths {
        let parent = Path::new(path).parent().map(Path::as_os_str);
        if parent == last_parent {
            continue;
        }
        last_parent = parent;
        dirs.extend(ancestors(path));
    }
}

/// `out` and the names fanout uses beside it.
#[derive(Debug)]
struct Target {
    out: PathBuf,
    parent: PathBuf,
    name: OsString,
}

impl Target {
    /// A symlink `out` is followed, so the switch replaces the directory it points to, not the link.
    fn resolve(out: &Path) -> Result<Target, EmitError> {
        let mut out = out.to_path_buf();
        match fs::symlink_metadata(&out) {
            Ok(meta) if meta.file_type().is_symlink() => {
                out = fs::canonicalize(&out).map_err(io_err("resolve", &out))?;
                if !out.is_dir() {
                    return Err(EmitError::new(out, EmitErrorKind::NotADirectory));
                }
            }
            Ok(meta) if !meta.is_dir() => {
                return Err(EmitError::new(out, EmitErrorKind::NotADirectory));
            }
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_err("read", &out)(e)),
        }
        if out.file_name().is_none() {
            // `.`, `..`, `a/..`: name the directory for real, so siblings can be named after it.
            out = fs::canonicalize(&out).map_err(io_err("resolve", &out))?;
        }
        let Some(name) = out.file_name().map(|n| n.to_os_string()) else {
            return Err(EmitError::new(out, EmitErrorKind::NotADirectory));
        };
        let parent = out.parent().map(Path::to_path_buf).unwrap_or_default();
        Ok(Target { out, parent, name })
    }

    /// The directory holding `out`, usable as a path (`.` for a bare relative name).
    fn dir(&self) -> &Path {
        if self.parent.as_os_str().is_empty() {
            Path::new(".")
        } else {
            &self.parent
        }
    }

    /// `.<out-name><suffix>` next to `out`.
    fn sibling(&self, suffix: &str) -> PathBuf {
        let mut name = OsString::from(".");
        name.push(&self.name);
        name.push(suffix);
        self.parent.join(name)
    }

    fn lock_path(&self) -> PathBuf {
        self.sibling(".fanout-lock")
    }

    fn staging(&self) -> PathBuf {
        self.sibling(&format!("{STAGING}{}", std::process::id()))
    }

    fn aside(&self) -> PathBuf {
        self.sibling(&format!("{ASIDE}{}", std::process::id()))
    }

    /// If `name` is `.<out-name><kind><digits>`.
    fn is_leftover(&self, name: &OsStr, kind: &str) -> bool {
        let mut prefix = OsString::from(".");
        prefix.push(&self.name);
        prefix.push(kind);
        let (name, prefix) = (name.as_encoded_bytes(), prefix.as_encoded_bytes());
        name.strip_prefix(prefix)
            .is_some_and(|pid| !pid.is_empty() && pid.iter().all(u8::is_ascii_digit))
    }
}

const STAGING: &str = ".fanout-staging-";
const ASIDE: &str = ".fanout-old-";

/// The exclusive lock on one output directory, released (and its file removed) on drop.
#[derive(Debug)]
struct Lock {
    file: File,
    path: PathBuf,
}

impl Lock {
    fn take(target: &Target) -> Result<Lock, EmitError> {
        let path = target.lock_path();
        let locked = || {
            let lock = path.clone();
            EmitError::new(&target.out, EmitErrorKind::Locked { lock })
        };
        // The file is removed on release; a writer that locked a file just removed retries on a new one.
        for _ in 0..8 {
            let file = (OpenOptions::new().read(true).write(true).create(true))
                .truncate(false)
                .open(&path)
                .map_err(io_err("create", &path))?;
            match file.try_lock() {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => return Err(locked()),
                Err(TryLockError::Error(e)) => return Err(io_err("lock", &path)(e)),
            }
            if still_at(&file, &path).map_err(io_err("read", &path))? {
                return Ok(Lock { file, path });
            }
        }
        Err(locked())
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Removed while still held, so no other writer can lock this file and then lose it. Failures
        // only leave the lock file behind, which the next writer reuses.
        #[cfg(unix)]
        let _ = fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

/// Whether `path` still names the open `file` (and not a newer lock file, or none).
#[cfg(unix)]
fn still_at(file: &File, path: &Path) -> io::Result<bool> {
    use std::os::unix::fs::MetadataExt as _;
    let held = file.metadata()?;
    match fs::metadata(path) {
        Ok(now) => Ok(held.dev() == now.dev() && held.ino() == now.ino()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

#[cfg(not(unix))]
fn still_at(_: &File, _: &Path) -> io::Result<bool> {
    Ok(true)
}

/// Removes leftovers of killed runs beside `out`; puts an old tree back first if `out` is missing (a run
/// killed between the two renames of the fallback switch).
fn recover(target: &Target) -> Result<(), EmitError> {
    let parent = target.dir();
    let mut staging = Vec::new();
    let mut asides = Vec::new();
    for entry in fs::read_dir(parent).map_err(io_err("read directory", parent))? {
        let entry = entry.map_err(io_err("read directory", parent))?;
        let name = entry.file_name();
        if target.is_leftover(&name, STAGING) {
            staging.push(entry.path());
        } else if target.is_leftover(&name, ASIDE) {
            asides.push(entry.path());
        }
    }
    asides.sort();
    if !exists(&target.out)?
        && let Some(old) = asides.pop()
    {
        fs::rename(&old, &target.out).map_err(io_err("restore", &target.out))?;
    }
    for leftover in staging.iter().chain(&asides) {
        remove_entry(leftover)?;
    }
    Ok(())
}

/// Whether a lock file, a staging directory or an old tree sits beside `out`.
fn has_leftovers(target: &Target) -> bool {
    let Ok(entries) = fs::read_dir(target.dir()) else {
        return true;
    };
    let lock = target.lock_path();
    entries.flatten().any(|e| {
        let name = e.file_name();
        target.is_leftover(&name, STAGING)
            || target.is_leftover(&name, ASIDE)
            || lock.file_name() == Some(name.as_os_str())
    })
}

fn exists(path: &Path) -> Result<bool, EmitError> {
    match fs::symlink_metadata(path) {
        Ok(_) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(io_err("read", path)(e)),
    }
}

fn remove_entry(path: &Path) -> Result<(), EmitError> {
    let removed = match fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => fs::remove_dir_all(path),
        Ok(_) => fs::remove_file(path),
        Err(e) => Err(e),
    };
    match removed {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(io_err("remove", path)(e)),
        _ => Ok(()),
    }
}

/// Best-effort removal of a staging directory or an old tree: a failure leaves it for [`recover`].
fn discard(path: &Path) {
    let _ = remove_entry(path);
}

/// One entry of `out` on disk, as seen without following symlinks.
#[derive(Clone, Debug)]
enum Entry {
    Dir(Permissions),
    File,
    /// A symlink, FIFO, socket or device: carried over as it is.
    Other,
}

/// `out` as it is on disk.
#[derive(Debug, Default)]
struct Disk {
    /// Permissions of `out` itself, when it exists.
    root: Option<Permissions>,
    /// Every entry below `out` except the index.
    entries: BTreeMap<Rel, Entry>,
    /// The index file's bytes, when it is a regular file.
    index: Option<Vec<u8>>,
    /// The paths the index lists, sorted.
    indexed: Vec<String>,
    /// The indexed paths that are regular files: what fanout owns now.
    owned: BTreeSet<String>,
}

fn scan(out: &Path) -> Result<Disk, EmitError> {
    let meta = match fs::metadata(out) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Disk::default()),
        Err(e) => return Err(io_err("read", out)(e)),
    };
    if !meta.is_dir() {
        return Err(EmitError::new(out, EmitErrorKind::NotADirectory));
    }
    let mut entries = BTreeMap::new();
    let mut dirs = vec![Rel::new()];
    while let Some(rel) = dirs.pop() {
        let dir = out.join(&rel);
        for entry in fs::read_dir(&dir).map_err(io_err("read directory", &dir))? {
            let entry = entry.map_err(io_err("read directory", &dir))?;
            let path = rel_join(&rel, &entry.file_name());
            let kind = entry.file_type().map_err(io_err("read", out.join(&path)))?;
            let entry = if kind.is_dir() {
                let meta = entry.metadata().map_err(io_err("read", out.join(&path)))?;
                dirs.push(path.clone());
                Entry::Dir(meta.permissions())
            } else if kind.is_file() {
                Entry::File
            } else {
                Entry::Other
            };
            entries.insert(path, entry);
        }
    }
    // fanout's cache and ignore file are remade with every tree, never carried over.
    for own in [CACHE_PATH, GITIGNORE_PATH] {
        if let Some(Entry::File) = entries.get(OsStr::new(own)) {
            entries.remove(OsStr::new(own));
        }
    }
    let index_rel = OsStr::new(INDEX_PATH);
    let index_file = out.join(index_rel);
    let index = match entries.get(index_rel) {
        Some(Entry::File) => {
            entries.remove(index_rel);
            Some(fs::read(&index_file).map_err(io_err("read", &index_file))?)
        }
        _ => None,
    };
    let indexed = match &index {
        Some(bytes) => parse_index(bytes, &index_file)?,
        None => Vec::new(),
    };
    let owned = (indexed.iter())
        .filter(|p| matches!(entries.get(OsStr::new(p.as_str())), Some(Entry::File)))
        .cloned()
        .collect();
    Ok(Disk {
        root: Some(meta.permissions()),
        entries,
        index,
        indexed,
        owned,
    })
}

/// The paths an index lists, sorted and without duplicates.
fn parse_index(bytes: &[u8], file: &Path) -> Result<Vec<String>, EmitError> {
    let mut paths = BTreeSet::new();
    let lines = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    if lines.is_empty() {
        return Ok(Vec::new());
    }
    for (n, line) in lines.split(|b| *b == b'\n').enumerate() {
        let corrupt = || EmitError::new(file, EmitErrorKind::CorruptIndex { line: n + 1 });
        let line = std::str::from_utf8(line).map_err(|_| corrupt())?;
        let (hash, rest) = line.split_at_checked(64).ok_or_else(corrupt)?;
        let path = rest.strip_prefix("  ").ok_or_else(corrupt)?;
        let hex = |c: char| c.is_ascii_digit() || ('a'..='f').contains(&c);
        if !hash.chars().all(hex) || check_path(path).is_err() {
            return Err(corrupt());
        }
        paths.insert(path.to_owned());
    }
    Ok(paths.into_iter().collect())
}

/// The index for these owned files.
fn render_index(hashes: &BTreeMap<&str, blake3::Hash>) -> Vec<u8> {
    let mut text = String::new();
    for (path, hash) in hashes {
        text.push_str(&hash.to_hex());
        text.push_str("  ");
        text.push_str(path);
        text.push('\n');
    }
    text.into_bytes()
}

/// A file of the staged tree.
#[derive(Debug)]
enum Item<'a> {
    /// Carried over from `out` by hard link (or copy).
    Keep,
    Write(&'a [u8]),
}

/// The staged tree, decided before anything is written.
#[derive(Debug)]
struct Plan<'a> {
    changes: Changes,
    /// Nothing to write: the owned files and the index already are as wanted.
    noop: bool,
    root: Option<Permissions>,
    /// Directories of the staged tree, with the permissions of the ones that exist now.
    dirs: BTreeMap<Rel, Option<Permissions>>,
    /// Files (and other non-directories) of the staged tree, except the index.
    items: BTreeMap<Rel, Item<'a>>,
    index: Vec<u8>,
    /// Every file the new index lists, with its hash: what the stat cache describes.
    owned: Vec<(String, blake3::Hash)>,
}

fn plan<'a>(
    out: &Path,
    disk: &Disk,
    new: &'a Tree,
    scope: Option<&BTreeSet<String>>,
) -> Result<Plan<'a>, EmitError> {
    let wanted: BTreeMap<&str, &[u8]> = (new.iter())
        .filter(|(p, _)| in_scope(p, scope))
        .map(|(p, b)| (p.as_str(), &b[..]))
        .collect();
    for path in wanted.keys() {
        let invalid =
            |reason| EmitError::new(out.join(path), EmitErrorKind::InvalidPath { reason });
        check_path(path).map_err(invalid)?;
        for (slash, _) in path.match_indices('/') {
            let dir = &path[..slash];
            if wanted.contains_key(dir) {
                let reason = "the rendered tree has it both as a file and as a directory";
                return Err(EmitError::new(
                    out.join(dir),
                    EmitErrorKind::InvalidPath { reason },
                ));
            }
        }
    }

    let mut changes = Changes::default();
    let mut items = BTreeMap::new();
    for (rel, entry) in &disk.entries {
        if !matches!(entry, Entry::Dir(_)) && !disk.owned.contains(rel.to_str().unwrap_or("")) {
            items.insert(rel.clone(), Item::Keep);
        }
    }
    // Owned files: out of scope they are kept (the index needs their hash); in scope, compared with the
    // new bytes. Both read files, so both run on every core.
    let owned: Vec<&String> = disk.owned.iter().collect();
    let looked: Vec<Owned> = (owned.par_iter())
        .map(|&path| {
            let file = out.join(rel_path(path));
            if !in_scope(path, scope) {
                let bytes = fs::read(&file).map_err(io_err("read", &file))?;
                Ok(Owned::Kept(blake3::hash(&bytes)))
            } else if let Some(&bytes) = wanted.get(path.as_str()) {
                Ok(Owned::Wanted(same_content(&file, bytes)?))
            } else {
                Ok(Owned::Removed)
            }
        })
        .collect::<Result<_, EmitError>>()?;
    let mut hashes = BTreeMap::new();
    let mut hashed = Hashes::default();
    let mut hash = |bytes: &[u8]| hashed.of(bytes);
    for (&path, looked) in owned.iter().zip(looked) {
        let rel = OsString::from(path);
        match looked {
            Owned::Kept(h) => {
                hashes.insert(path.as_str(), h);
                items.insert(rel, Item::Keep);
            }
            Owned::Wanted(same) => {
                let bytes = wanted[path.as_str()];
                hashes.insert(path.as_str(), hash(bytes));
                if same {
                    items.insert(rel, Item::Keep);
                } else {
                    changes.changed.push(path.clone());
                    items.insert(rel, Item::Write(bytes));
                }
            }
            Owned::Removed => changes.removed.push(path.clone()),
        }
    }
    let mut added = Vec::new();
    for (&path, &bytes) in &wanted {
        if !disk.owned.contains(path) {
            hashes.insert(path, hash(bytes));
            items.insert(OsString::from(path), Item::Write(bytes));
            added.push(OsStr::new(path));
            changes.added.push(path.to_owned());
        }
    }
    changes.changed.sort();
    changes.removed.sort();

    // Directories: those the staged files need, and those that never held an owned file (foreign, kept
    // even when empty). A directory emptied by pruning is not carried over.
    let index_rel = OsStr::new(INDEX_PATH);
    let mut had_owned = BTreeSet::new();
    collect_dirs(disk.indexed.iter().map(OsStr::new), &mut had_owned);
    let mut needed: BTreeSet<&OsStr> = BTreeSet::new();
    collect_dirs(items.keys().map(OsString::as_os_str), &mut needed);
    needed.extend(ancestors(index_rel));
    for (rel, entry) in &disk.entries {
        if matches!(entry, Entry::Dir(_)) && !had_owned.contains(rel.as_os_str()) {
            needed.insert(rel);
            needed.extend(ancestors(rel));
        }
    }
    let dirs: BTreeMap<Rel, Option<Permissions>> = (needed.into_iter())
        .map(|rel| match disk.entries.get(rel) {
            Some(Entry::Dir(perms)) => (rel.to_owned(), Some(perms.clone())),
            _ => (rel.to_owned(), None),
        })
        .collect();

    // Foreign entries in the way of an added file or of fanout's own files.
    let own = [INDEX_PATH, CACHE_PATH, GITIGNORE_PATH].map(OsStr::new);
    for &rel in added.iter().chain(&own) {
        if let Some(entry) = disk.entries.get(rel) {
            let pruned_dir = matches!(entry, Entry::Dir(_)) && !dirs.contains_key(rel);
            if !pruned_dir {
                return Err(EmitError::new(out.join(rel), EmitErrorKind::Foreign));
            }
        }
        for dir in ancestors(rel) {
            let in_the_way = match disk.entries.get(dir) {
                None | Some(Entry::Dir(_)) => false,
                Some(_) => !dir.to_str().is_some_and(|d| disk.owned.contains(d)),
            };
            if in_the_way {
                return Err(EmitError::new(out.join(dir), EmitErrorKind::Foreign));
            }
        }
    }

    let index = render_index(&hashes);
    let ignored = fs::read(out.join(GITIGNORE_PATH)).is_ok_and(|bytes| bytes == GITIGNORE);
    let noop = changes.is_empty() && ignored && disk.index.as_deref() == Some(index.as_slice());
    if ignored {
        items.insert(GITIGNORE_PATH.into(), Item::Keep);
    }
    Ok(Plan {
        changes,
        noop,
        root: disk.root.clone(),
        dirs,
        items,
        index,
        owned: (hashes.into_iter())
            .map(|(p, h)| (p.to_owned(), h))
            .collect(),
    })
}

/// What [`plan`] found for one owned file.
enum Owned {
    /// Outside the scope: kept as it is, with this hash.
    Kept(blake3::Hash),
    /// Wanted by the new tree: whether the file already holds the new bytes.
    Wanted(bool),
    /// Not in the new tree.
    Removed,
}

/// Whether the file at `path` holds exactly `bytes`.
fn same_content(path: &Path, bytes: &[u8]) -> Result<bool, EmitError> {
    let meta = fs::metadata(path).map_err(io_err("read", path))?;
    if meta.len() != bytes.len() as u64 {
        return Ok(false);
    }
    Ok(fs::read(path).map_err(io_err("read", path))? == bytes)
}

/// Builds the planned tree at `staging`. Errors name the path in `out` the staged entry stands for.
fn stage(
    out: &Path,
    plan: &Plan<'_>,
    staging: &Path,
    inputs: Option<blake3::Hash>,
) -> Result<(), EmitError> {
    fs::create_dir(staging).map_err(io_err("create directory", staging))?;
    for rel in plan.dirs.keys() {
        let dir = staging.join(rel);
        fs::create_dir(&dir).map_err(io_err("create directory", out.join(rel)))?;
    }
    // Files on every core: creating many small files is bound by the latency of each system call, and
    // the kernel works on different directories at once.
    let items: Vec<(&Rel, &Item<'_>)> = plan.items.iter().collect();
    items.par_iter().try_for_each(|(rel, item)| {
        let (from, to) = (out.join(rel), staging.join(rel));
        match item {
            Item::Keep => link_or_copy(&from, &to),
            Item::Write(bytes) => write_new(&to, bytes).map_err(io_err("write", from)),
        }
    })?;
    let index = staging.join(rel_path(INDEX_PATH));
    write_new(&index, &plan.index).map_err(io_err("write", out.join(INDEX_PATH)))?;
    write_cache(out, plan, staging, inputs)?;
    // Deepest first, so a read-only directory gets its mode after it is filled.
    for (rel, perms) in plan.dirs.iter().rev() {
        if let Some(perms) = perms {
            let dir = staging.join(rel);
            fs::set_permissions(&dir, perms.clone()).map_err(io_err("set permissions of", &dir))?;
        }
    }
    if let Some(perms) = &plan.root {
        fs::set_permissions(staging, perms.clone())
            .map_err(io_err("set permissions of", staging))?;
    }
    make_durable(out, plan, staging)
}

/// The stat cache of the staged files (their inodes and mtimes are what `out` will have after the
/// switch) and the ignore file that keeps it out of git. A file that cannot be stamped is left out.
fn write_cache(
    out: &Path,
    plan: &Plan<'_>,
    staging: &Path,
    inputs: Option<blake3::Hash>,
) -> Result<(), EmitError> {
    let stamps: Vec<Option<cache::Stamp>> = (plan.owned.par_iter())
        .map(|(path, _)| cache::stamp(&staging.join(rel_path(path))))
        .collect();
    let entries = (plan.owned.iter().zip(stamps))
        .filter_map(|((path, hash), stamp)| Some((path.as_str(), stamp?, *hash)));
    let file = staging.join(rel_path(CACHE_PATH));
    let text = cache::render(entries, inputs);
    write_new(&file, &text).map_err(io_err("write", out.join(CACHE_PATH)))?;
    if !plan.items.contains_key(OsStr::new(GITIGNORE_PATH)) {
        let file = staging.join(rel_path(GITIGNORE_PATH));
        write_new(&file, GITIGNORE).map_err(io_err("write", out.join(GITIGNORE_PATH)))?;
    }
    Ok(())
}

/// Creates a file that must not exist yet. Not fsynced here: [`make_durable`] does it for the whole tree.
fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    File::create_new(path)?.write_all(bytes)
}

/// Makes the staged tree (written files, index, directory entries) durable before the switch. On Linux
/// one `syncfs` on the staging filesystem: an `fsync` per file measured ~3 ms each on ext4 (20,000 files:
/// 59 s instead of about 2 s), which is far above the write floor. Elsewhere, an `fsync` per written file
/// and per directory.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn make_durable(_: &Path, _: &Plan<'_>, staging: &Path) -> Result<(), EmitError> {
    let dir = File::open(staging).map_err(io_err("sync", staging))?;
    rustix::fs::syncfs(&dir).map_err(|e| io_err("sync", staging)(e.into()))
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn make_durable(out: &Path, plan: &Plan<'_>, staging: &Path) -> Result<(), EmitError> {
    let written = plan
        .items
        .iter()
        .filter(|(_, item)| matches!(item, Item::Write(_)));
    let index = OsString::from(INDEX_PATH);
    for rel in written.map(|(rel, _)| rel).chain([&index]) {
        let file = OpenOptions::new().write(true).open(staging.join(rel));
        file.and_then(|f| f.sync_all())
            .map_err(io_err("sync", out.join(rel)))?;
    }
    for rel in plan.dirs.keys().rev() {
        sync_dir(&staging.join(rel)).map_err(io_err("sync", out.join(rel)))?;
    }
    sync_dir(staging).map_err(io_err("sync", staging))
}

/// Carries `from` over to `to`: a hard link, or a copy where linking fails (another device, a filesystem
/// without hard links, too many links).
fn link_or_copy(from: &Path, to: &Path) -> Result<(), EmitError> {
    if fs::hard_link(from, to).is_ok() {
        return Ok(());
    }
    copy_entry(from, to).map_err(io_err("copy", from))
}

/// A copy of a regular file (with its permissions, fsynced) or of a symlink (as a symlink).
fn copy_entry(from: &Path, to: &Path) -> io::Result<()> {
    let meta = fs::symlink_metadata(from)?;
    if meta.file_type().is_symlink() {
        #[cfg(unix)]
        return std::os::unix::fs::symlink(fs::read_link(from)?, to);
        #[cfg(not(unix))]
        return Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "cannot copy a symlink here",
        ));
    }
    if !meta.is_file() {
        let what = "a special file cannot be copied";
        return Err(io::Error::new(io::ErrorKind::Unsupported, what));
    }
    fs::copy(from, to)?;
    File::open(to)?.sync_all()
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_: &Path) -> io::Result<()> {
    Ok(())
}

/// Puts the staged tree at `out`. Returns where the old tree is now, if there was one.
fn swap(target: &Target, staging: &Path) -> Result<Option<PathBuf>, EmitError> {
    let out = &target.out;
    if !exists(out)? {
        fs::rename(staging, out).map_err(io_err("create", out))?;
        // Best effort: the switch is done; this only makes it durable sooner.
        let _ = sync_dir(target.dir());
        return Ok(None);
    }
    match exchange(staging, out) {
        Ok(()) => {
            let _ = sync_dir(target.dir());
            Ok(Some(staging.to_path_buf()))
        }
        Err(e) if exchange_unsupported(&e) => {
            let aside = target.aside();
            move_aside(target, &aside)?;
            move_in(target, staging, &aside)?;
            let _ = sync_dir(target.dir());
            Ok(Some(aside))
        }
        Err(e) => Err(io_err("replace", out)(e)),
    }
}

/// Swaps two directories atomically: `renameat2(RENAME_EXCHANGE)` on Linux, `renameatx_np(RENAME_SWAP)`
/// on Apple systems (both through rustix, which wraps them safely).
#[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

#[cfg(not(any(target_os = "linux", target_os = "android", target_vendor = "apple")))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

/// Whether the exchange failed because the system or filesystem lacks it (not because of the paths).
fn exchange_unsupported(e: &io::Error) -> bool {
    #[cfg(unix)]
    {
        use rustix::io::Errno;
        let lacking = [Errno::INVAL, Errno::NOSYS, Errno::OPNOTSUPP];
        if lacking
            .iter()
            .any(|errno| e.raw_os_error() == Some(errno.raw_os_error()))
        {
            return true;
        }
    }
    e.kind() == io::ErrorKind::Unsupported
}

/// Fallback switch, step one: the old tree goes beside `out`.
fn move_aside(target: &Target, aside: &Path) -> Result<(), EmitError> {
    fs::rename(&target.out, aside).map_err(io_err("move", &target.out))
}

/// Fallback switch, step two: the staged tree becomes `out`; on failure the old tree goes back.
fn move_in(target: &Target, staging: &Path, aside: &Path) -> Result<(), EmitError> {
    fs::rename(staging, &target.out).map_err(|e| {
        // If this fails too, `recover` puts the old tree back at the next write.
        let _ = fs::rename(aside, &target.out);
        io_err("replace", &target.out)(e)
    })
}

#[cfg(all(test, unix))]
mod tests {
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
}

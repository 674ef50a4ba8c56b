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
//! → `swap` → `discard` the old tree. Files: `beside` (target names, lock, recovery), `index` (scan and
//! index), `vouched` and `cache` (the stat cache), `plan`, `stage`, `swap`, `paths`, `error`. A symlinked `out` is followed: the directory it
//! points to is replaced, the link stays.
//!
//! What it deliberately doesn't do: render, diff or print anything (that is for the pure stages and
//! `main`); keep the inode or mtime of carried-over *directories* (the staged tree has new directories,
//! with the same permissions); preserve ownership (uid/gid) of copies made where a hard link failed;
//! synchronise [`read_owned`] with a concurrent writer (it reads by path, without the lock); follow
//! symlinks inside `out` (a symlink is an entry like any other, never a directory to descend into). The
//! parent of `out` is created when missing, and stays if a write then fails.

mod beside;
mod cache;
mod error;
mod index;
mod paths;
mod plan;
mod stage;
mod swap;
#[cfg(all(test, unix))]
mod tests;
mod vouched;

pub use beside::check_inside;
use beside::*;
use cache::{CACHE_PATH, GITIGNORE, GITIGNORE_PATH};
use error::*;
pub use error::{EmitError, EmitErrorKind};
use index::*;
use paths::*;
use plan::*;
use rayon::prelude::*;
use stage::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ffi::{OsStr, OsString};
use std::fmt;
use std::fs::{self, File, OpenOptions, Permissions, TryLockError};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use swap::*;
use vouched::*;

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

/// The files fanout owns in `out` as they are on disk now, according to fanout's index: listed in the
/// index and a regular file (not behind a symlink). Missing `out` → empty tree.
pub fn read_owned(out: &Path) -> Result<Tree, EmitError> {
    let disk = scan(out)?;
    let owned: Vec<&String> = disk.owned.iter().collect();
    let read = owned.par_iter().map(|path| {
        let file = out.join(rel_path(path));
        let bytes = read_file(&file, u64::MAX)?;
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

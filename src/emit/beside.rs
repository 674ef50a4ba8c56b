//! What sits beside `out`: the names fanout uses next to the output directory ([`Target`]), the lock
//! ([`Lock`]), and the recovery of leftovers of killed runs (staging directories, old trees).

use super::*;

/// `out` and the names fanout uses beside it.
#[derive(Debug)]
pub(super) struct Target {
    pub(super) out: PathBuf,
    pub(super) parent: PathBuf,
    pub(super) name: OsString,
}

impl Target {
    /// A symlink `out` is followed, so the switch replaces the directory it points to, not the link.
    pub(super) fn resolve(out: &Path) -> Result<Target, EmitError> {
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
    pub(super) fn dir(&self) -> &Path {
        if self.parent.as_os_str().is_empty() {
            Path::new(".")
        } else {
            &self.parent
        }
    }

    /// `.<out-name><suffix>` next to `out`.
    pub(super) fn sibling(&self, suffix: &str) -> PathBuf {
        let mut name = OsString::from(".");
        name.push(&self.name);
        name.push(suffix);
        self.parent.join(name)
    }

    pub(super) fn lock_path(&self) -> PathBuf {
        self.sibling(".fanout-lock")
    }

    pub(super) fn staging(&self) -> PathBuf {
        self.sibling(&format!("{STAGING}{}", std::process::id()))
    }

    pub(super) fn aside(&self) -> PathBuf {
        self.sibling(&format!("{ASIDE}{}", std::process::id()))
    }

    /// If `name` is `.<out-name><kind><digits>`.
    pub(super) fn is_leftover(&self, name: &OsStr, kind: &str) -> bool {
        let mut prefix = OsString::from(".");
        prefix.push(&self.name);
        prefix.push(kind);
        let (name, prefix) = (name.as_encoded_bytes(), prefix.as_encoded_bytes());
        name.strip_prefix(prefix)
            .is_some_and(|pid| !pid.is_empty() && pid.iter().all(u8::is_ascii_digit))
    }
}

pub(super) const STAGING: &str = ".fanout-staging-";
pub(super) const ASIDE: &str = ".fanout-old-";

/// The exclusive lock on one output directory, released (and its file removed) on drop.
#[derive(Debug)]
pub(super) struct Lock {
    pub(super) file: File,
    pub(super) path: PathBuf,
}

impl Lock {
    pub(super) fn take(target: &Target) -> Result<Lock, EmitError> {
        let path = target.lock_path();
        let locked = || {
            let lock = path.clone();
            EmitError::new(&target.out, EmitErrorKind::Locked { lock })
        };
        // The file is removed on release; a writer that locked a file just removed retries on a new one.
        for _ in 0..8 {
            let file = open_lock_file(&path)?;
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

/// The lock file, created if missing, never through a symlink (a committed dangling link at the lock path
/// would otherwise create a file wherever it points) and never blocking on a FIFO; it must be a regular
/// file.
pub(super) fn open_lock_file(path: &Path) -> Result<File, EmitError> {
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        let flags = rustix::fs::OFlags::NOFOLLOW | rustix::fs::OFlags::NONBLOCK;
        options.custom_flags(flags.bits() as i32);
    }
    let refused = |what: &str| {
        io_err("lock", path)(io::Error::other(format!(
            "it is {what}, not a lock file fanout made; remove it"
        )))
    };
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => return Err(refused("a symlink")),
        _ => {}
    }
    let file = options.open(path).map_err(|e| {
        if fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
            refused("a symlink")
        } else {
            io_err("create", path)(e)
        }
    })?;
    let meta = file.metadata().map_err(io_err("read", path))?;
    if !meta.is_file() {
        return Err(refused(&format!(
            "a {}",
            crate::safe_read::kind_of(&meta.file_type())
        )));
    }
    Ok(file)
}

/// Whether `path` still names the open `file` (and not a newer lock file, or none).
#[cfg(unix)]
pub(super) fn still_at(file: &File, path: &Path) -> io::Result<bool> {
    use std::os::unix::fs::MetadataExt as _;
    let held = file.metadata()?;
    match fs::metadata(path) {
        Ok(now) => Ok(held.dev() == now.dev() && held.ino() == now.ino()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

#[cfg(not(unix))]
pub(super) fn still_at(_: &File, _: &Path) -> io::Result<bool> {
    Ok(true)
}

/// Removes leftovers of killed runs beside `out`; puts an old tree back first if `out` is missing (a run
/// killed between the two renames of the fallback switch).
pub(super) fn recover(target: &Target) -> Result<(), EmitError> {
    let parent = target.dir();
    let mut staging = Vec::new();
    let mut asides = Vec::new();
    for entry in fs::read_dir(parent).map_err(io_err("read directory", parent))? {
        let entry = entry.map_err(io_err("read directory", parent))?;
        let name = entry.file_name();
        let (is_staging, is_aside) = (
            target.is_leftover(&name, STAGING),
            target.is_leftover(&name, ASIDE),
        );
        if !is_staging && !is_aside {
            continue;
        }
        // Only a directory fanout made is a leftover: a symlink (or anything else) under such a name
        // is never adopted, followed or emptied.
        let path = entry.path();
        if !fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) {
            return Err(io_err("recover", &path)(io::Error::other(
                "it is not a directory fanout left behind; remove it",
            )));
        }
        if is_staging {
            staging.push(path);
        } else {
            asides.push(path);
        }
    }
    asides.sort();
    // Put back only an old tree: a directory holding fanout's index as a regular file.
    let is_tree = |dir: &PathBuf| {
        fs::symlink_metadata(dir.join(crate::emit::INDEX_PATH)).is_ok_and(|m| m.is_file())
    };
    if !exists(&target.out)?
        && asides.last().is_some_and(is_tree)
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
pub(super) fn has_leftovers(target: &Target) -> bool {
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

pub(super) fn exists(path: &Path) -> Result<bool, EmitError> {
    match fs::symlink_metadata(path) {
        Ok(_) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(io_err("read", path)(e)),
    }
}

pub(super) fn remove_entry(path: &Path) -> Result<(), EmitError> {
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
pub(super) fn discard(path: &Path) {
    let _ = remove_entry(path);
}

/// That `out` lies inside `root` once every symlink along it is resolved (the deepest part of `out`
/// that exists is resolved; what does not exist yet cannot lead anywhere else).
pub fn check_inside(root: &Path, out: &Path) -> Result<(), EmitError> {
    let root = fs::canonicalize(root).map_err(io_err("resolve", root))?;
    let mut existing = out.to_path_buf();
    let mut rest = Vec::new();
    let resolved = loop {
        match fs::canonicalize(&existing) {
            Ok(p) => break p,
            Err(_) => match (existing.parent(), existing.file_name()) {
                (Some(parent), Some(name)) => {
                    rest.push(name.to_os_string());
                    existing = parent.to_path_buf();
                }
                _ => {
                    return Err(EmitError::new(
                        out,
                        EmitErrorKind::Outside { resolved: existing },
                    ));
                }
            },
        }
    };
    let full = rest.iter().rev().fold(resolved, |p, name| p.join(name));
    if full.starts_with(&root) && full != root {
        Ok(())
    } else {
        Err(EmitError::new(
            out,
            EmitErrorKind::Outside { resolved: full },
        ))
    }
}

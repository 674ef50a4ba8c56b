//! The output writer's one error type: what failed, always naming a path ([`EmitError`]).

use super::*;

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
    /// The output directory resolves outside the repository, or to the repository itself (`resolved`).
    Outside { resolved: PathBuf },
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

    pub(super) fn new(path: impl Into<PathBuf>, kind: EmitErrorKind) -> Self {
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
            EmitErrorKind::Outside { resolved } => write!(
                f,
                "the output directory `{path}` resolves to `{}`, which is not inside the repository \
                 (a symlink on the way leads out, or it is the repository itself); `--out` can name a \
                 directory elsewhere",
                resolved.display()
            ),
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

/// fanout's own files under `out` (the index, the stat cache) are read only up to this size.
pub(super) const MAX_STATE_BYTES: u64 = 1 << 30;

/// The regular file at `path`, at most `max` bytes, read without following a symlink or blocking on a
/// FIFO ([`crate::safe_read`]); anything else is an error naming the path.
pub(super) fn read_file(path: &Path, max: u64) -> Result<Vec<u8>, EmitError> {
    crate::safe_read::read_regular(path, max).map_err(|why| match why {
        crate::safe_read::ReadError::Io(e) => io_err("read", path)(e),
        why => io_err("read", path)(io::Error::other(why.to_string())),
    })
}

/// Maps an `io::Error` to an [`EmitError`] naming `path`.
pub(super) fn io_err(
    op: &'static str,
    path: impl Into<PathBuf>,
) -> impl FnOnce(io::Error) -> EmitError {
    let path = path.into();
    move |source| EmitError::new(path, EmitErrorKind::Io { op, source })
}

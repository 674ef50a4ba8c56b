//! EDGE helper: read a file the way an untrusted repository or output directory demands. The file is
//! opened without following a symlink at its last component (`O_NOFOLLOW`) and without blocking on a
//! FIFO (`O_NONBLOCK`); the opened handle must be a regular file, and its size is checked against a
//! bound before anything is read (a file growing meanwhile is cut at the bound, never read past it).
//!
//! Used by the two edges that read: `front::load` (the repository and `fanout.yaml`) and `emit` (the
//! output directory's index and stat cache). It does not resolve symlinks elsewhere in the path: callers
//! pass paths whose directories they walked themselves or were given on the command line.

use std::fs::{File, OpenOptions};
use std::io::{self, Read};
use std::path::Path;

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadError {
    /// Nothing is at the path.
    NotFound,
    /// A symlink sits at the path; it is not followed.
    Symlink,
    /// Something other than a regular file (a directory, FIFO, socket or device); names what it is.
    NotRegular(&'static str),
    /// Larger than the bound; the size found.
    TooLarge(u64),
    Io(io::Error),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::NotFound => f.write_str("no such file"),
            ReadError::Symlink => f.write_str("it is a symlink, which is not followed"),
            ReadError::NotRegular(what) => write!(f, "it is a {what}, not a regular file"),
            ReadError::TooLarge(size) => write!(f, "it is {size} bytes, over the size limit"),
            ReadError::Io(e) => write!(f, "{e}"),
        }
    }
}

/// Open `path` for reading if it is a regular file, without following a final symlink and without
/// blocking; returns the handle and its size.
pub fn open_regular(path: &Path) -> Result<(File, u64), ReadError> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        let flags = rustix::fs::OFlags::NOFOLLOW | rustix::fs::OFlags::NONBLOCK;
        options.custom_flags(flags.bits() as i32);
    }
    #[cfg(not(unix))]
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(ReadError::Symlink);
    }
    let file = options.open(path).map_err(|e| classify(path, e))?;
    let meta = file.metadata().map_err(ReadError::Io)?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular(kind_of(&meta.file_type())));
    }
    Ok((file, meta.len()))
}

/// The contents of the regular file at `path`, if it is at most `max` bytes.
pub fn read_regular(path: &Path, max: u64) -> Result<Vec<u8>, ReadError> {
    let (file, size) = open_regular(path)?;
    if size > max {
        return Err(ReadError::TooLarge(size));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > max {
        return Err(ReadError::TooLarge(bytes.len() as u64));
    }
    Ok(bytes)
}

/// An open error, with `ELOOP` from `O_NOFOLLOW` told apart as a symlink.
fn classify(path: &Path, e: io::Error) -> ReadError {
    if e.kind() == io::ErrorKind::NotFound {
        return ReadError::NotFound;
    }
    #[cfg(unix)]
    if e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) {
        return ReadError::Symlink;
    }
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return ReadError::Symlink;
    }
    ReadError::Io(e)
}

/// What a non-regular file type is, in words.
pub fn kind_of(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if t.is_fifo() {
            return "FIFO";
        }
        if t.is_socket() {
            return "socket";
        }
        if t.is_block_device() || t.is_char_device() {
            return "device";
        }
    }
    if t.is_dir() {
        "directory"
    } else if t.is_symlink() {
        "symlink"
    } else if t.is_file() {
        "regular file"
    } else {
        "special file"
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn regular_files_within_the_bound_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.yaml");
        std::fs::write(&path, "a: 1\n").unwrap();
        assert_eq!(read_regular(&path, 5).unwrap(), b"a: 1\n");
        assert!(matches!(
            read_regular(&path, 4),
            Err(ReadError::TooLarge(5))
        ));
    }

    #[test]
    fn symlinks_fifos_directories_and_devices_are_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target.yaml");
        std::fs::write(&target, "secret").unwrap();
        let link = dir.path().join("link.yaml");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert!(matches!(read_regular(&link, 100), Err(ReadError::Symlink)));
        let dangling = dir.path().join("dangling.yaml");
        std::os::unix::fs::symlink(dir.path().join("nowhere"), &dangling).unwrap();
        assert!(matches!(
            read_regular(&dangling, 100),
            Err(ReadError::Symlink)
        ));
        let fifo = dir.path().join("fifo.yaml");
        rustix::fs::mkfifoat(
            rustix::fs::CWD,
            &fifo,
            rustix::fs::Mode::RUSR | rustix::fs::Mode::WUSR,
        )
        .unwrap();
        assert!(matches!(
            read_regular(&fifo, 100),
            Err(ReadError::NotRegular("FIFO"))
        ));
        assert!(matches!(
            read_regular(dir.path(), 100),
            Err(ReadError::NotRegular("directory"))
        ));
        assert!(matches!(
            read_regular(Path::new("/dev/zero"), 100),
            Err(ReadError::NotRegular("device"))
        ));
        assert!(matches!(
            read_regular(&dir.path().join("missing"), 100),
            Err(ReadError::NotFound)
        ));
    }
}

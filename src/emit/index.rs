//! The output directory as it is on disk ([`scan`]: owned files, foreign entries, directories, without
//! following symlinks) and fanout's index of owned files (`<blake3 hex>  <path>` lines).

use super::*;

/// One entry of `out` on disk, as seen without following symlinks.
#[derive(Clone, Debug)]
pub(super) enum Entry {
    Dir(Permissions),
    File,
    /// A symlink, FIFO, socket or device: carried over as it is.
    Other,
}

/// `out` as it is on disk.
#[derive(Debug, Default)]
pub(super) struct Disk {
    /// Permissions of `out` itself, when it exists.
    pub(super) root: Option<Permissions>,
    /// Every entry below `out` except the index.
    pub(super) entries: BTreeMap<Rel, Entry>,
    /// The index file's bytes, when it is a regular file.
    pub(super) index: Option<Vec<u8>>,
    /// The paths the index lists, sorted.
    pub(super) indexed: Vec<String>,
    /// The indexed paths that are regular files: what fanout owns now.
    pub(super) owned: BTreeSet<String>,
}

pub(super) fn scan(out: &Path) -> Result<Disk, EmitError> {
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
            Some(read_file(&index_file, MAX_STATE_BYTES)?)
        }
        // A symlink, FIFO or directory where the index belongs: never read, never taken for none.
        Some(_) => {
            return Err(io_err("read", &index_file)(io::Error::other(
                "fanout's index is not a regular file; remove it and render again",
            )));
        }
        None => None,
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
pub(super) fn parse_index(bytes: &[u8], file: &Path) -> Result<Vec<String>, EmitError> {
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
pub(super) fn render_index(hashes: &BTreeMap<&str, blake3::Hash>) -> Vec<u8> {
    let mut text = String::new();
    for (path, hash) in hashes {
        text.push_str(&hash.to_hex());
        text.push_str("  ");
        text.push_str(path);
        text.push('\n');
    }
    text.into_bytes()
}

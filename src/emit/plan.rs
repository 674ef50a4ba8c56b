//! Every decision of a write before anything is written ([`plan`]): what is added, changed, kept,
//! removed or carried over, and every refusal (a foreign file in the way). Reads only.

use super::*;

/// A file of the staged tree.
#[derive(Debug)]
pub(super) enum Item<'a> {
    /// Carried over from `out` by hard link (or copy).
    Keep,
    Write(&'a [u8]),
}

/// The staged tree, decided before anything is written.
#[derive(Debug)]
pub(super) struct Plan<'a> {
    pub(super) changes: Changes,
    /// Nothing to write: the owned files and the index already are as wanted.
    pub(super) noop: bool,
    pub(super) root: Option<Permissions>,
    /// Directories of the staged tree, with the permissions of the ones that exist now.
    pub(super) dirs: BTreeMap<Rel, Option<Permissions>>,
    /// Files (and other non-directories) of the staged tree, except the index.
    pub(super) items: BTreeMap<Rel, Item<'a>>,
    pub(super) index: Vec<u8>,
    /// Every file the new index lists, with its hash: what the stat cache describes.
    pub(super) owned: Vec<(String, blake3::Hash)>,
}

pub(super) fn plan<'a>(
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
                let bytes = read_file(&file, u64::MAX)?;
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
    let ignored = crate::safe_read::read_regular(&out.join(GITIGNORE_PATH), GITIGNORE.len() as u64)
        .is_ok_and(|bytes| bytes == GITIGNORE);
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
pub(super) enum Owned {
    /// Outside the scope: kept as it is, with this hash.
    Kept(blake3::Hash),
    /// Wanted by the new tree: whether the file already holds the new bytes.
    Wanted(bool),
    /// Not in the new tree.
    Removed,
}

/// Whether the file at `path` holds exactly `bytes`.
pub(super) fn same_content(path: &Path, bytes: &[u8]) -> Result<bool, EmitError> {
    let meta = fs::metadata(path).map_err(io_err("read", path))?;
    if meta.len() != bytes.len() as u64 {
        return Ok(false);
    }
    Ok(read_file(path, bytes.len() as u64)? == bytes)
}

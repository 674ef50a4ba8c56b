//! Paths of the output tree: which are acceptable ([`check_path`]), the byte-compared relative paths the
//! writer keys its maps by, and the directories a set of paths needs. Pure string work, no I/O.

use super::*;

pub(super) fn in_scope(path: &str, scope: Option<&BTreeSet<String>>) -> bool {
    let first = path.split_once('/').map_or(path, |(first, _)| first);
    scope.is_none_or(|clusters| clusters.contains(first))
}

/// A tree path as a relative filesystem path. Only for paths [`check_path`] accepted.
pub(super) fn rel_path(path: &str) -> &Path {
    Path::new(path)
}

/// A path below `out` as fanout handles it on disk: '/'-separated components, the bytes the filesystem
/// returned (names need not be UTF-8). Maps keyed by it compare bytes, far cheaper than comparing `Path`s
/// component by component; a directory still sorts before everything inside it.
pub(super) type Rel = OsString;

/// `dir/name`, or `name` at the top.
pub(super) fn rel_join(dir: &OsStr, name: &OsStr) -> Rel {
    let mut rel = OsString::with_capacity(dir.len() + name.len() + 1);
    if !dir.is_empty() {
        rel.push(dir);
        rel.push("/");
    }
    rel.push(name);
    rel
}

/// Why `path` cannot be a path of the output tree, if it can't.
pub(super) fn check_path(path: &str) -> Result<(), &'static str> {
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
pub(super) fn ancestors(rel: &OsStr) -> impl Iterator<Item = &OsStr> {
    (Path::new(rel).ancestors().skip(1))
        .map(Path::as_os_str)
        .filter(|a| !a.is_empty())
}

/// The directories of `paths`, each once: adds each path's ancestors to `dirs`, skipping paths whose
/// parent is the previous path's (sorted input makes that the common case).
pub(super) fn collect_dirs<'a>(
    paths: impl Iterator<Item = &'a OsStr>,
    dirs: &mut BTreeSet<&'a OsStr>,
) {
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

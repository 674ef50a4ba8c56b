//! The stat cache: lets a render or `check` that changes nothing skip reading every output file.
//!
//! `<out>/.fanout/cache` is written with every new tree (into the staging directory, so it switches in
//! with the tree) and never committed: `<out>/.fanout/.gitignore` lists it. One line per owned file,
//! `<dev> <ino> <size> <mtime s> <mtime ns> <blake3 hex>  <path>`, the metadata taken from the staged
//! file right after it was written or linked; before them, optionally, `inputs <blake3 hex>`: the
//! fingerprint of what the tree was rendered from (fanout itself, every input file, the clusters asked
//! for), recorded by a render that printed no warning. A file whose metadata still equals its line holds the bytes
//! the hash names: rewriting a file in place changes its mtime, editors that replace files give a new
//! inode, and git checkouts create new files. This is what git's own index does.
//!
//! It is only a shortcut: a missing, corrupt or foreign cache (another machine, a copy) matches nothing
//! and fanout reads the files as before. What can fool it: a rewrite that keeps the size and then sets
//! the mtime back to the nanosecond (`touch -r`), or a change made while fanout is writing the tree
//! (the same window in which a change to a carried-over file is missed without the cache).

use rayon::prelude::*;
use std::collections::HashMap;
use std::path::Path;

/// Where the cache lives, relative to the output directory.
pub const CACHE_PATH: &str = ".fanout/cache";
/// The ignore file that keeps the cache out of git, relative to the output directory.
pub const GITIGNORE_PATH: &str = ".fanout/.gitignore";
/// What the ignore file says.
pub const GITIGNORE: &[u8] =
    b"# fanout's stat cache describes files on this machine only: never commit it\n/cache\n";

const HEADER: &str = "# fanout stat cache 1\n";

/// The metadata that changes whenever a file's contents may have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp {
    dev: u64,
    ino: u64,
    size: u64,
    mtime: i64,
    mtime_ns: i64,
}

/// The stamp of the regular file at `path` (not following a symlink), if it is one.
#[cfg(unix)]
pub fn stamp(path: &Path) -> Option<Stamp> {
    use std::os::unix::fs::MetadataExt as _;
    let meta = std::fs::symlink_metadata(path).ok()?;
    meta.is_file().then(|| Stamp {
        dev: meta.dev(),
        ino: meta.ino(),
        size: meta.size(),
        mtime: meta.mtime(),
        mtime_ns: meta.mtime_nsec(),
    })
}

/// No stamps elsewhere: the cache stays empty and every comparison reads the files.
#[cfg(not(unix))]
pub fn stamp(_: &Path) -> Option<Stamp> {
    None
}

/// Path → (stamp, hash of the contents the stamp vouches for).
pub type Cache = HashMap<String, (Stamp, blake3::Hash)>;

/// The cache's text, parsed leniently: a line that does not parse vouches for nothing. Also the inputs
/// fingerprint, when recorded.
pub fn parse(bytes: &[u8]) -> (Cache, Option<blake3::Hash>) {
    let Some(text) = std::str::from_utf8(bytes)
        .ok()
        .and_then(|t| t.strip_prefix(HEADER))
    else {
        return (Cache::new(), None);
    };
    let inputs = (text.lines().next())
        .and_then(|l| l.strip_prefix(INPUTS))
        .and_then(|hex| blake3::Hash::from_hex(hex).ok());
    (text.lines().filter_map(parse_line).collect(), inputs)
}

const INPUTS: &str = "inputs ";

fn parse_line(line: &str) -> Option<(String, (Stamp, blake3::Hash))> {
    let (fields, path) = line.split_once("  ")?;
    let mut f = fields.split(' ');
    let stamp = Stamp {
        dev: f.next()?.parse().ok()?,
        ino: f.next()?.parse().ok()?,
        size: f.next()?.parse().ok()?,
        mtime: f.next()?.parse().ok()?,
        mtime_ns: f.next()?.parse().ok()?,
    };
    let hash = blake3::Hash::from_hex(f.next()?).ok()?;
    f.next().is_none().then(|| (path.to_owned(), (stamp, hash)))
}

/// The cache's text for these files (path, stamp, hash), in the given order, and the inputs fingerprint.
pub fn render<'a>(
    entries: impl Iterator<Item = (&'a str, Stamp, blake3::Hash)>,
    inputs: Option<blake3::Hash>,
) -> Vec<u8> {
    use std::fmt::Write as _;
    let mut text = String::from(HEADER);
    if let Some(inputs) = inputs {
        let _ = writeln!(text, "{INPUTS}{}", inputs.to_hex());
    }
    for (path, s, hash) in entries {
        let _ = writeln!(
            text,
            "{} {} {} {} {} {}  {path}",
            s.dev,
            s.ino,
            s.size,
            s.mtime,
            s.mtime_ns,
            hash.to_hex()
        );
    }
    text.into_bytes()
}

/// For each path (relative to `out`), the hash the cache vouches for, when the file's stamp still
/// matches; stamps are taken on every core.
pub fn verified(out: &Path, cache: &Cache, paths: &[&str]) -> Vec<Option<blake3::Hash>> {
    (paths.par_iter())
        .map(|path| {
            let (want, hash) = cache.get(*path)?;
            (stamp(&out.join(path)) == Some(*want)).then_some(*hash)
        })
        .collect()
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_cache_round_trips_and_vouches_only_for_unchanged_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.yaml"), "a\n").unwrap();
        std::fs::write(dir.path().join("b.yaml"), "b\n").unwrap();
        let (ha, hb) = (blake3::hash(b"a\n"), blake3::hash(b"b\n"));
        let a = stamp(&dir.path().join("a.yaml")).unwrap();
        let b = stamp(&dir.path().join("b.yaml")).unwrap();
        let inputs = blake3::hash(b"inputs");
        let text = render(
            [("a.yaml", a, ha), ("b.yaml", b, hb)].into_iter(),
            Some(inputs),
        );
        let (cache, recorded) = parse(&text);
        assert_eq!(recorded, Some(inputs));
        assert_eq!(cache.len(), 2);
        let paths = ["a.yaml", "b.yaml", "c.yaml"];
        assert_eq!(
            verified(dir.path(), &cache, &paths),
            [Some(ha), Some(hb), None]
        );
        // Rewritten (a new mtime), replaced (a new inode): no longer vouched for.
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(dir.path().join("a.yaml"), "x\n").unwrap();
        std::fs::remove_file(dir.path().join("b.yaml")).unwrap();
        std::fs::write(dir.path().join("b.yaml"), "b\n").unwrap();
        let b_now = stamp(&dir.path().join("b.yaml")).unwrap();
        assert_eq!(verified(dir.path(), &cache, &paths)[0], None);
        assert_eq!(
            verified(dir.path(), &cache, &paths)[1].is_some(),
            b_now == b,
            "a replaced file is vouched for only if its stamp is identical"
        );
    }

    #[test]
    fn a_damaged_cache_vouches_for_nothing() {
        assert!(parse(b"").0.is_empty());
        assert!(parse(b"not a cache\n1 2 3 4 5 00  a.yaml\n").0.is_empty());
        let hash = blake3::hash(b"x").to_hex();
        let text = format!(
            "{HEADER}1 2 3 4 5 {hash}  good.yaml\n1 2 x 4 5 {hash}  bad.yaml\n1 2 3 4 5 zz  bad2.yaml\n1 2 3 4 {hash}  short.yaml\n"
        );
        let (cache, inputs) = parse(text.as_bytes());
        assert_eq!(cache.keys().collect::<Vec<_>>(), ["good.yaml"]);
        assert_eq!(inputs, None);
    }
}

//! The cache of printed streams: `render --cluster NAME --stdout` and `argocd-generate` print one
//! cluster's objects, and an Argo CD refresh asks for the same stream again and again while the
//! repository does not change. With a cache directory, a stream printed once is printed again from it,
//! without reading YAML, placing or rendering, as long as everything it was made from is unchanged.
//!
//! Where: `$FANOUT_CACHE_DIR`, else `$XDG_CACHE_HOME/fanout`; without either there is no cache (fanout
//! then writes nothing outside the repository and its output directory). The directory is the
//! operator's, not the repository's: a repository cannot point it anywhere.
//!
//! Key: the render fingerprint ([`fanout::fingerprint`]: this executable's bytes, every file read from
//! the repository, the clusters asked for), the shard, and the previous schedule result the render
//! starts from. An entry is `fanout stream v1 KEY BODY-HASH\n` then the stream; one whose key or hash
//! does not match is ignored (and replaced). Entries are written to a temporary file and renamed into
//! place, so a reader never sees half of one; at most [`KEEP`] entries are kept, the oldest removed.
//! Only streams printed without a warning are cached, so a warning is shown on every call.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Entries kept in the directory; the oldest (by modification time) go first.
const KEEP: usize = 256;
/// The largest entry read back (a cluster's stream is a few MiB at estate scale).
const MAX_ENTRY: u64 = 1 << 30;
const MAGIC: &str = "fanout stream v1";

/// The cache directory, if one is configured (`get` reads the environment).
pub fn dir(get: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    let set = |k: &str| get(k).filter(|v| !v.is_empty());
    match (set("FANOUT_CACHE_DIR"), set("XDG_CACHE_HOME")) {
        (Some(d), _) => Some(PathBuf::from(d)),
        (None, Some(d)) => Some(Path::new(&d).join("fanout")),
        (None, None) => None,
    }
}

/// The key of one stream: the render fingerprint and whatever else it depends on.
pub fn key(fingerprint: blake3::Hash, context: &[u8]) -> String {
    let mut h = blake3::Hasher::new();
    h.update(MAGIC.as_bytes());
    h.update(fingerprint.as_bytes());
    h.update(&(context.len() as u64).to_le_bytes());
    h.update(context);
    h.finalize().to_hex().to_string()
}

fn entry(dir: &Path, key: &str) -> PathBuf {
    dir.join(format!("stream-{key}"))
}

/// The stream cached under `key`, if there is a sound entry.
pub fn get(dir: &Path, key: &str) -> Option<Vec<u8>> {
    let bytes = fanout::safe_read::read_regular(&entry(dir, key), MAX_ENTRY).ok()?;
    let newline = bytes.iter().position(|b| *b == b'\n')?;
    let header = std::str::from_utf8(&bytes[..newline]).ok()?;
    let body = &bytes[newline + 1..];
    let expected = format!("{MAGIC} {key} {}", blake3::hash(body).to_hex());
    (header == expected).then(|| body.to_vec())
}

/// Cache `body` under `key`; failures are ignored (the cache only saves time).
pub fn put(dir: &Path, key: &str, body: &[u8]) {
    let _ = try_put(dir, key, body);
    prune(dir);
}

fn try_put(dir: &Path, key: &str, body: &[u8]) -> std::io::Result<()> {
    fs::create_dir_all(dir)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".stream-")
        .tempfile_in(dir)?;
    writeln!(tmp, "{MAGIC} {key} {}", blake3::hash(body).to_hex())?;
    tmp.write_all(body)?;
    tmp.persist(entry(dir, key)).map_err(|e| e.error)?;
    Ok(())
}

/// Keep the newest [`KEEP`] entries.
fn prune(dir: &Path) {
    let Ok(read) = fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<(std::time::SystemTime, PathBuf)> = read
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("stream-"))
        .filter_map(|e| {
            let meta = e.metadata().ok()?; // does not follow a symlink
            let modified = meta.modified().ok()?;
            meta.is_file().then(|| (modified, e.path()))
        })
        .collect();
    if entries.len() <= KEEP {
        return;
    }
    entries.sort();
    for (_, path) in &entries[..entries.len() - KEEP] {
        let _ = fs::remove_file(path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_directory_comes_from_the_environment() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                (pairs.iter())
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(dir(&env(&[])), None);
        assert_eq!(
            dir(&env(&[("XDG_CACHE_HOME", "/c")])),
            Some(PathBuf::from("/c/fanout"))
        );
        assert_eq!(
            dir(&env(&[
                ("XDG_CACHE_HOME", "/c"),
                ("FANOUT_CACHE_DIR", "/f")
            ])),
            Some(PathBuf::from("/f"))
        );
        assert_eq!(dir(&env(&[("FANOUT_CACHE_DIR", "")])), None);
    }

    #[test]
    fn an_entry_is_read_back_only_when_sound() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("cache");
        let k = key(blake3::hash(b"inputs"), b"cluster a");
        assert_eq!(get(&dir, &k), None);
        put(&dir, &k, b"---\nkind: ConfigMap\n");
        assert_eq!(
            get(&dir, &k).as_deref(),
            Some(&b"---\nkind: ConfigMap\n"[..])
        );
        // another key, another entry
        let other = key(blake3::hash(b"inputs"), b"cluster b");
        assert_ne!(k, other);
        assert_eq!(get(&dir, &other), None);
        // a tampered body no longer matches its hash
        let path = entry(&dir, &k);
        let mut text = fs::read(&path).unwrap();
        text.extend_from_slice(b"extra: 1\n");
        fs::write(&path, text).unwrap();
        assert_eq!(get(&dir, &k), None);
        // a symlink in place of an entry is not followed
        fs::remove_file(&path).unwrap();
        let target = tmp.path().join("elsewhere");
        fs::write(&target, b"anything").unwrap();
        std::os::unix::fs::symlink(&target, &path).unwrap();
        assert_eq!(get(&dir, &k), None);
    }

    #[test]
    fn old_entries_are_pruned() {
        let tmp = tempfile::tempdir().unwrap();
        for i in 0..KEEP + 3 {
            put(tmp.path(), &format!("{i:04}"), b"x");
        }
        let count = fs::read_dir(tmp.path()).unwrap().count();
        assert_eq!(count, KEEP);
    }
}

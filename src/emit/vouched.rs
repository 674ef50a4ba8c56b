//! What the stat cache vouches for: the owned files of `out` confirmed by one `stat` each, without
//! reading them ([`Vouched`]), and content hashes computed once per shared allocation ([`Hashes`]).
//! Reads only; never decides what to write.

use super::*;

/// The owned files of `out` as the stat cache vouches for them, when it vouches for every one and agrees
/// with the index (and git is told to ignore the cache); read without the lock, like [`read_owned`].
pub(super) struct Vouched {
    pub(super) index: Vec<u8>,
    pub(super) files: BTreeMap<String, blake3::Hash>,
    pub(super) inputs: Option<blake3::Hash>,
}

impl Vouched {
    pub(super) fn read(out: &Path) -> Option<Vouched> {
        let read = |rel: &str| {
            crate::safe_read::read_regular(&out.join(rel_path(rel)), MAX_STATE_BYTES).ok()
        };
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
pub(super) struct Hashes(HashMap<(*const u8, usize), blake3::Hash>);

impl Hashes {
    pub(super) fn of(&mut self, bytes: &[u8]) -> blake3::Hash {
        let key = (bytes.as_ptr(), bytes.len());
        *self.0.entry(key).or_insert_with(|| blake3::hash(bytes))
    }
}

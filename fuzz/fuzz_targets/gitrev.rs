//! Crafted git trees → the base-revision reader of `fanout diff --base`: never a panic, never a file
//! outside the revision's own tree read, every file named `REV:path`.
//!
//! The input is a tree listing as `git ls-tree -r -t -l -z` prints it (modes, duplicate names, symlinks,
//! submodules, sizes: whatever the fuzzer makes); blobs come from a made-up object store in which an
//! object's bytes are its id, so symlink targets (`../..`, absolute paths, loops) are fuzzed too.
#![no_main]

mod common;

use fanout::front::gitrev::{self, Blobs};
use libfuzzer_sys::fuzz_target;
use std::path::Path;

/// The made-up object store: an object's content is its id; sizes over `max` are refused.
struct Store;

impl Blobs for Store {
    fn read(&mut self, oid: &str, max: u64) -> std::io::Result<Option<Vec<u8>>> {
        Ok((oid.len() as u64 <= max).then(|| oid.as_bytes().to_vec()))
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok((repo, _)) = gitrev::read_tree(
        Path::new("/nonexistent/repo"),
        "REV",
        data,
        &mut Store,
        &common::SCHEMAS,
    ) else {
        return;
    };
    for (_, file) in repo.sources.iter() {
        assert!(file.display_path.starts_with("REV:"), "{}", file.display_path);
        assert!(!file.rel_path.starts_with('/'), "{}", file.rel_path);
        assert!(!file.rel_path.split('/').any(|c| c == ".."), "{}", file.rel_path);
    }
});

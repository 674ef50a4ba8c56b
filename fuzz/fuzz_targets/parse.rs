//! Arbitrary bytes → the YAML reader: never a panic, and every position it reports is inside the file.
#![no_main]

mod common;

use fanout::source::{FileId, SourceFile, Sources};
use fanout::front::yaml;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let parsed = yaml::parse(FileId(0), &text, yaml::Limits::default());
    for doc in &parsed.documents {
        assert_eq!(doc.file, FileId(0));
        common::check_node(&doc.root, &text);
        let _ = doc.root.to_json();
    }
    let mut sources = Sources::default();
    sources.add(SourceFile {
        rel_path: "input.yaml".into(),
        display_path: "input.yaml".into(),
        text,
    });
    common::check_diagnostics(&parsed.diagnostics, &sources);
});

//! Arbitrary text as one file of a repository → the whole front end (parse, classify, validate against
//! the real schemas, resolve, checks), and as `fanout.yaml`: never a panic, every diagnostic located
//! inside the file.
#![no_main]

mod common;

use fanout::front::config::Limits;
use fanout::source::{SourceFile, Sources};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let mut sources = Sources::default();
    let id = sources.add(SourceFile {
        rel_path: "input.yaml".into(),
        display_path: "input.yaml".into(),
        text,
    });
    let analysis = fanout::analyse(&mut sources, &[id], &Limits::default(), &common::SCHEMAS);
    common::check_diagnostics(&analysis.diagnostics, &sources);
    if let Err(found) = fanout::front::config::parse(id, &sources.get(id).text, &common::SCHEMAS) {
        common::check_diagnostics(&found, &sources);
    }
});

//! An in-memory repository → the whole pipeline: analyse, and when that finds no error, place, render and
//! build the output tree. Never a panic; every diagnostic located inside the file it names.
//!
//! The input is split on NUL bytes into at most 8 files (`f0.yaml`, `f1.yaml`, ...), after a fixed cluster
//! inventory (`clusters.yaml`). A file whose text starts with `{#` (a Jinja comment) is a template,
//! `fN.yaml.j2`.
#![no_main]

mod common;

use fanout::front::config::Limits;
use fanout::diagnostic::has_errors;
use fanout::source::{SourceFile, Sources};
use fanout::place::{self, plan};
use fanout::render;
use libfuzzer_sys::fuzz_target;

/// As in the binary: template renderings run under their memory budget.
#[global_allocator]
static ALLOCATOR: fanout::front::memory::Guarded<std::alloc::System> =
    fanout::front::memory::Guarded(std::alloc::System);

const INVENTORY: &str = include_str!("inventory.yaml");
const MAX_FILES: usize = 8;

fuzz_target!(|data: &[u8]| {
    let mut sources = Sources::default();
    let mut files = vec![sources.add(SourceFile {
        rel_path: "clusters.yaml".into(),
        display_path: "clusters.yaml".into(),
        text: INVENTORY.into(),
    })];
    for (i, chunk) in data.split(|&b| b == 0).take(MAX_FILES).enumerate() {
        let text = String::from_utf8_lossy(chunk).into_owned();
        let name = if text.starts_with("{#") {
            format!("f{i}.yaml.j2")
        } else {
            format!("f{i}.yaml")
        };
        files.push(sources.add(SourceFile {
            rel_path: name.clone(),
            display_path: name,
            text,
        }));
    }
    let limits = Limits {
        // a template may burn its whole budget for each of the 4 clusters: keep one run short
        template_fuel: 200_000,
        ..Limits::default()
    };
    let analysis = fanout::analyse(&mut sources, &files, &limits, &common::SCHEMAS);
    common::check_diagnostics(&analysis.diagnostics, &sources);
    if analysis.has_errors() {
        return;
    }
    let model = analysis.model;
    let (decisions, mut diagnostics) = place::place(&model);
    diagnostics.extend(plan::idle_overrides(&model, &decisions));
    common::check_diagnostics(&diagnostics, &sources);
    let all: Vec<&place::Decision> = decisions.iter().collect();
    let _ = plan::to_text(&model, &all);
    let _ = plan::to_json(&model, &all);
    let placed_all = !decisions
        .iter()
        .any(|d| matches!(d.outcome, place::Outcome::Failed { .. }));
    if has_errors(&diagnostics) || !placed_all {
        return;
    }
    match render::render(&model, &decisions) {
        Ok(rendered) => {
            let tree = render::tree(&model, &rendered, &decisions, None);
            assert!(tree.contains_key(render::PLACEMENT_FILE));
            for path in tree.keys() {
                assert!(
                    !path
                        .split('/')
                        .any(|c| c.is_empty() || c == "." || c == ".."),
                    "output path `{path}` would escape or be ambiguous"
                );
            }
        }
        Err(found) => common::check_diagnostics(&found, &sources),
    }
});

//! Same input, same output, whatever order the files are read in: every fixture and the example are
//! compiled with their files in several shuffled orders and must give byte-identical trees, plans and
//! diagnostics.

use fanout::front::schemas::Schemas;
use std::path::Path;

/// As in the binary: template renderings run under their memory budget (the fixtures include a
/// template that would otherwise take all memory).
#[global_allocator]
static ALLOCATOR: fanout::front::memory::Guarded<std::alloc::System> =
    fanout::front::memory::Guarded(std::alloc::System);

/// A small deterministic shuffle (no randomness in tests either).
fn shuffle<T>(v: &mut [T], seed: u64) {
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    for i in (1..v.len()).rev() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        v.swap(i, (x % (i as u64 + 1)) as usize);
    }
}

fn fingerprint(repo: &mut fanout::front::load::Repo, schemas: &Schemas) -> String {
    match fanout::compile(repo, schemas) {
        Ok(c) => {
            let tree = fanout::render::tree(&c.model, &c.rendered, &c.decisions, None);
            let all: Vec<&fanout::place::Decision> = c.decisions.iter().collect();
            let plan = fanout::place::plan::to_json(&c.model, &all);
            format!(
                "{tree:?}\n{plan}\n{}",
                fanout::diagnostic::render_text(&c.diagnostics, &repo.sources)
            )
        }
        Err(d) => fanout::diagnostic::render_text(&d, &repo.sources),
    }
}

#[test]
fn output_does_not_depend_on_input_order() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let schemas = Schemas::new();
    let mut repos: Vec<_> = std::fs::read_dir(root.join("fixtures"))
        .unwrap()
        .map(|e| e.unwrap().path().join("repo"))
        .filter(|p| p.is_dir())
        .collect();
    repos.push(root.join("examples/multicloud"));
    repos.sort();
    for path in repos {
        let Ok(repo) = fanout::front::load::load(&path, None, &schemas) else {
            continue;
        };
        let reference = fingerprint(&mut repo.clone(), &schemas);
        for seed in 1..4 {
            let mut shuffled = repo.clone();
            shuffle(&mut shuffled.files, seed);
            assert_eq!(
                fingerprint(&mut shuffled, &schemas),
                reference,
                "{} (shuffle {seed})",
                path.display()
            );
        }
    }
}

//! The binary's copy of `schema/kubernetes.schema.json`: the same document without its `description`
//! strings and indentation (1.5 MB → 0.3 MB). Editors read the file with its descriptions; validation
//! never reads them. The file is written by `schema/vendor-kubernetes.py` (`json.dump`, `indent=1`), so
//! every string value sits on the line of its key and no string holds a raw newline: a description
//! is a whole line `"description": "...",`, dropped here with the comma it may leave before a `}`.

use std::env;
use std::fs;
use std::path::Path;

fn main() {
    let source = "schema/kubernetes.schema.json";
    println!("cargo::rerun-if-changed={source}");
    let text = fs::read_to_string(source).unwrap_or_else(|e| panic!("{source}: {e}"));
    let mut out = String::with_capacity(text.len() / 4);
    for line in text.lines() {
        let line = line.trim_start();
        if line.starts_with("\"description\": \"") {
            continue;
        }
        if (line.starts_with('}') || line.starts_with(']')) && out.ends_with(',') {
            out.pop();
        }
        out.push_str(line);
    }
    let target = Path::new(&env::var("OUT_DIR").unwrap()).join("kubernetes.schema.json");
    fs::write(&target, out).unwrap_or_else(|e| panic!("{}: {e}", target.display()));
}

//! The short form and its Karmada equivalent give the same plan (PRODUCT.md: "plan output for a
//! short-form workload and for its Karmada equivalent must be identical").

use std::path::Path;
use std::process::Command;

fn plan(case: &str) -> String {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(case)
        .join("repo");
    let out = Command::new(env!("CARGO_BIN_EXE_fanout"))
        .args(["plan", "--output", "json"])
        .arg(&repo)
        .output()
        .expect("run fanout");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn short_form_plans_like_its_karmada_equivalent() {
    let short = plan("equivalent-short");
    let karmada = plan("equivalent-karmada");
    assert!(short.contains("\"replicas\""), "{short}");
    assert_eq!(short, karmada);
}

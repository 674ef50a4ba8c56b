//! The Python wheel (pyproject.toml, maturin's `bin` bindings), built as a release would build it and
//! installed the way pip, pipx and uvx install it: `maturin build --release --locked`, a fresh
//! virtualenv, `pip install` of the wheel alone (no index), then `fanout` from the virtualenv's `bin/`.
//!
//! Slow (a release build of fanout: several minutes on 2 cores), so it runs only with
//! `FANOUT_WHEEL_TEST=1`; `.ci/run` leaves it out of the default run. With the variable set, a missing
//! `maturin` or `virtualenv` fails the test under CI (`CI=true`) and skips it elsewhere.

mod common;
use common::{installed, text};

use std::path::Path;
use std::process::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

#[test]
fn the_wheel_installs_fanout_into_a_virtualenv() {
    if std::env::var("FANOUT_WHEEL_TEST").as_deref() != Ok("1") {
        eprintln!(
            "SKIPPED: set FANOUT_WHEEL_TEST=1 to build and install the wheel (a release build)"
        );
        return;
    }
    if !installed("maturin", &["--version"]) || !installed("virtualenv", &["--version"]) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let wheels = tmp.path().join("wheels");
    let o = Command::new("maturin")
        .args(["build", "--release", "--locked", "--out"])
        .arg(&wheels)
        .current_dir(ROOT)
        .output()
        .unwrap();
    assert!(o.status.success(), "maturin build: {}", text(&o));
    let built: Vec<_> = std::fs::read_dir(&wheels)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(built.len(), 1, "{built:?}");
    let wheel = &built[0];
    let name = wheel.file_name().unwrap().to_string_lossy().into_owned();
    // fanout-0.1.0-py3-none-<platform>.whl: name and version from Cargo.toml, any Python 3.
    let prefix = format!("fanout-{}-py3-none-", env!("CARGO_PKG_VERSION"));
    assert!(name.starts_with(&prefix), "{name}");

    let venv = tmp.path().join("venv");
    let o = Command::new("virtualenv")
        .args(["--quiet", "--no-download"])
        .arg(&venv)
        .output()
        .unwrap();
    assert!(o.status.success(), "virtualenv: {}", text(&o));
    let o = Command::new(venv.join("bin/python"))
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-index",
            "--disable-pip-version-check",
        ])
        .arg(wheel)
        .output()
        .unwrap();
    assert!(o.status.success(), "pip install: {}", text(&o));

    let fanout = venv.join("bin/fanout");
    let example = Path::new(ROOT).join("examples/multicloud");
    let o = Command::new(&fanout)
        .arg("validate")
        .arg(&example)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("valid: "),
        "{}",
        text(&o)
    );
    let o = Command::new(&fanout).arg("--version").output().unwrap();
    let version = String::from_utf8_lossy(&o.stdout);
    assert!(
        version.starts_with(&format!("fanout {} (commit ", env!("CARGO_PKG_VERSION"))),
        "{version}"
    );
}

//! Helpers shared by the integration test binaries.

use std::fs;
use std::path::Path;
use std::process::Output;

/// Copy a directory tree (files and directories only).
#[allow(dead_code)]
pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// A process's exit code, stdout and stderr, for assertion messages.
#[allow(dead_code)]
pub fn text(o: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Is the real client `tool` installed (`tool VERSION_ARGS...` succeeds)? When it is not: under CI
/// (`CI=true`, where `.ci/run` installs every client) the test fails; elsewhere it says on stderr that
/// it is skipped, and the caller returns.
#[allow(dead_code)]
pub fn installed(tool: &str, version_args: &[&str]) -> bool {
    let ok = std::process::Command::new(tool)
        .args(version_args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{tool} is not installed, and CI=true: .ci/run must install it"
        );
        eprintln!("SKIPPED: {tool} is not installed; .ci/run installs it");
    }
    ok
}

//! The command line itself: help, usage errors, completions, the manual page, exit codes.

use std::process::Command;

fn fanout(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_fanout"))
        .args(args)
        .output()
        .expect("run fanout");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn help_lists_commands_and_exit_codes() {
    let (code, out, _) = fanout(&["--help"]);
    assert_eq!(code, Some(0));
    for cmd in [
        "validate",
        "plan",
        "render",
        "check",
        "diff",
        "completions",
        "man",
    ] {
        assert!(out.contains(cmd), "{out}");
    }
    assert!(
        out.contains("Exit codes: 0 success, 1 differences found, 2 invalid input"),
        "{out}"
    );
}

#[test]
fn usage_errors_exit_3() {
    assert_eq!(fanout(&["render", "--no-such-flag"]).0, Some(3));
    assert_eq!(fanout(&["frobnicate"]).0, Some(3));
    let (code, _, err) = fanout(&["validate", "/definitely/not/here"]);
    assert_eq!(code, Some(3));
    assert!(err.contains("/definitely/not/here"), "{err}");
}

#[test]
fn completions_and_manual_page() {
    for shell in ["bash", "zsh", "fish"] {
        let (code, out, _) = fanout(&["completions", shell]);
        assert_eq!(code, Some(0));
        assert!(
            out.contains("fanout") && out.contains("render"),
            "{shell}: {out}"
        );
    }
    let (code, out, _) = fanout(&["man"]);
    assert_eq!(code, Some(0));
    assert!(out.contains(".TH fanout 1"), "{out}");
}

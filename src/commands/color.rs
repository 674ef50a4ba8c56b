//! `--color auto|always|never`, decided once for the process through `anstream`'s global choice: every
//! styled write goes through an `anstream` stream, which keeps or strips the styles.
//!
//! `auto` (the default) colours a terminal only, and follows the usual variables as `anstream` reads
//! them: `NO_COLOR` (set and not empty) turns colour off, `CLICOLOR_FORCE` (set and not empty) turns it
//! on even off a terminal, `CLICOLOR=0` turns it off, and `TERM=dumb` (or no `TERM`) means no colour, also under CI. `NO_COLOR` wins
//! over `CLICOLOR_FORCE`.
//! `always` and `never` override the environment, as the NO_COLOR convention asks of a command-line flag.

use crate::cli::ColorWhen;
use std::ffi::OsString;

/// Apply `--color`.
pub fn set(when: ColorWhen) {
    anstream::ColorChoice::write_global(match when {
        // anstream colours a terminal under CI (`CI` set) even with `TERM=dumb`; a dumb terminal
        // gets no colour here unless `CLICOLOR_FORCE` asks for it.
        ColorWhen::Auto if dumb_terminal() && !anstyle_query::clicolor_force() => {
            anstream::ColorChoice::Never
        }
        ColorWhen::Auto => anstream::ColorChoice::Auto,
        ColorWhen::Always => anstream::ColorChoice::Always,
        ColorWhen::Never => anstream::ColorChoice::Never,
    });
}

fn dumb_terminal() -> bool {
    std::env::var_os("TERM").is_some_and(|t| t == "dumb")
}

/// When the command line does not parse, clap's own message (or `--help`) is printed before any
/// `--color` could be applied: find the flag in the raw arguments so it holds for that message too.
pub fn set_from_raw(args: impl IntoIterator<Item = OsString>) {
    let mut when = None;
    let mut args = args.into_iter().skip(1);
    while let Some(arg) = args.next() {
        let value = match arg.to_str() {
            Some("--") => break,
            Some("--color") => args.next(),
            Some(a) => a.strip_prefix("--color=").map(OsString::from),
            None => None,
        };
        match value.as_ref().and_then(|v| v.to_str()) {
            Some("auto") => when = Some(ColorWhen::Auto),
            Some("always") => when = Some(ColorWhen::Always),
            Some("never") => when = Some(ColorWhen::Never),
            _ => {}
        }
    }
    if let Some(when) = when {
        set(when);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_arguments_give_the_last_color_flag() {
        let args = |a: &[&str]| a.iter().map(OsString::from).collect::<Vec<_>>();
        set_from_raw(args(&["fanout", "--color", "never", "--help"]));
        assert_eq!(
            anstream::ColorChoice::global(),
            anstream::ColorChoice::Never
        );
        set_from_raw(args(&["fanout", "--color=always", "x", "--color", "bogus"]));
        assert_eq!(
            anstream::ColorChoice::global(),
            anstream::ColorChoice::Always
        );
        set_from_raw(args(&["fanout", "--", "--color=never"]));
        assert_eq!(
            anstream::ColorChoice::global(),
            anstream::ColorChoice::Always
        );
    }
}

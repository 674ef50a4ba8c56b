//! `fanout completions SHELL` and `fanout man`: shell completions and the manual page, from the
//! command-line definition.

use super::print_stdout;
use crate::cli::{Cli, exit};

pub fn completions(shell: clap_complete::Shell) -> i32 {
    let mut cmd = <Cli as clap::CommandFactory>::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "fanout", &mut script);
    match print_stdout(|out| out.write_all(&script)) {
        Ok(()) => exit::OK,
        Err(code) => code,
    }
}

pub fn man() -> i32 {
    let cmd = <Cli as clap::CommandFactory>::command();
    let mut page = Vec::new();
    if let Err(e) = clap_mangen::Man::new(cmd).render(&mut page) {
        eprintln!("error: cannot make the manual page: {e}");
        return exit::USAGE_OR_IO;
    }
    match print_stdout(|out| out.write_all(&page)) {
        Ok(()) => exit::OK,
        Err(code) => code,
    }
}

//! `fanout completions SHELL` and `fanout man`: shell completions and the manual page, from the
//! command-line definition.

use crate::cli::{Cli, exit};

pub fn completions(shell: clap_complete::Shell) -> i32 {
    let mut cmd = <Cli as clap::CommandFactory>::command();
    clap_complete::generate(shell, &mut cmd, "fanout", &mut std::io::stdout());
    exit::OK
}

pub fn man() -> i32 {
    let cmd = <Cli as clap::CommandFactory>::command();
    match clap_mangen::Man::new(cmd).render(&mut std::io::stdout()) {
        Ok(()) => exit::OK,
        Err(e) => {
            eprintln!("error: cannot write the manual page: {e}");
            exit::USAGE_OR_IO
        }
    }
}

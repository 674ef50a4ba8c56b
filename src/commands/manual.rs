//! `fanout completions SHELL` and `fanout man [--dir DIR]`: shell completions and the manual pages, from
//! the command-line definition.

use super::print_stdout;
use crate::cli::{Cli, exit};
use std::path::Path;

pub fn completions(shell: clap_complete::Shell) -> i32 {
    let mut cmd = <Cli as clap::CommandFactory>::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "fanout", &mut script);
    match print_stdout(|out| out.write_all(&script)) {
        Ok(()) => exit::OK,
        Err(code) => code,
    }
}

/// `fanout man`: the top page on stdout; `fanout man --dir DIR`: every page into DIR.
pub fn man(dir: Option<&Path>) -> i32 {
    let pages = match pages() {
        Ok(pages) => pages,
        Err(e) => {
            eprintln!("error: cannot make the manual pages: {e}");
            return exit::USAGE_OR_IO;
        }
    };
    let Some(dir) = dir else {
        let top = &pages[0].1;
        return match print_stdout(|out| out.write_all(top)) {
            Ok(()) => exit::OK,
            Err(code) => code,
        };
    };
    if let Err(e) = std::fs::create_dir_all(dir) {
        eprintln!("error: cannot create {}: {e}", dir.display());
        return exit::USAGE_OR_IO;
    }
    for (name, page) in &pages {
        let path = dir.join(name);
        if let Err(e) = std::fs::write(&path, page) {
            eprintln!("error: cannot write {}: {e}", path.display());
            return exit::USAGE_OR_IO;
        }
    }
    note!("wrote {} manual pages to {}", pages.len(), dir.display());
    exit::OK
}

/// Every manual page as (file name, roff): `fanout.1` first, then one per visible subcommand
/// (`fanout-render.1`, ...), each page's SUBCOMMANDS section naming the pages below it.
fn pages() -> std::io::Result<Vec<(String, Vec<u8>)>> {
    fn walk(cmd: clap::Command, out: &mut Vec<(String, Vec<u8>)>) -> std::io::Result<()> {
        let man = clap_mangen::Man::new(cmd.clone());
        let mut page = Vec::new();
        man.render(&mut page)?;
        out.push((man.get_filename(), page));
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            walk(sub.clone(), out)?;
        }
        Ok(())
    }
    let mut cmd = <Cli as clap::CommandFactory>::command().disable_help_subcommand(true);
    cmd.build();
    let mut out = Vec::new();
    walk(cmd, &mut out)?;
    Ok(out)
}

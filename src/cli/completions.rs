//! `preflight completions SHELL`: a completion script for the shell.

use std::io::Write;

use clap::CommandFactory;

use super::args::{Cli, CompletionsArgs};
use super::shared::EXIT_OK;

pub(super) fn run(args: &CompletionsArgs) -> u8 {
    let mut command = Cli::command();
    // Generated into memory first: the generator treats a failed write as fatal,
    // and a closed pipe (`| head`) is no reason to fail.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "preflight", &mut script);
    let _ = std::io::stdout().write_all(&script);
    EXIT_OK
}

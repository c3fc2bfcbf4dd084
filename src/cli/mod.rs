//! Stage 6, the command line: a thin clap shell over the library.
//!
//! Each command lives in its own file and returns the process exit code; this
//! module only parses arguments and dispatches. Exit codes follow `cli.md`:
//! 0 clean, 1 findings, 2 the run cannot be trusted (bad input, bad pack, bad
//! command line).

mod validate;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::report::diagnostics_human::ColorChoice;

/// Exit code: everything checked, nothing to report.
pub const EXIT_OK: u8 = 0;
/// Exit code: findings at or above the failing severity.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code: the run could not be trusted.
pub const EXIT_TROUBLE: u8 = 2;

/// preflight: check planned CSP subscription transfers against policy packs.
#[derive(Debug, Parser)]
#[command(name = "preflight", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Parse and type-check policy packs without any input documents.
    ///
    /// Reports every problem in the pack with the place to fix and what to write
    /// instead. Exit code 0 when the pack is valid (warnings allowed), 2 otherwise.
    ///
    /// Example: preflight validate -p policies/csp
    Validate(ValidateArgs),
}

/// Options of `validate`.
#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    /// Pack directory or single `.policy` file; repeat to merge packs into one
    /// namespace (as `check` does).
    #[arg(short = 'p', long = "policy", value_name = "PATH")]
    pub policy: Vec<PathBuf>,
    /// Output form.
    #[arg(short = 'f', long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
    /// When to colour the human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// Output forms of `validate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Diagnostics for people, with source snippets.
    Human,
    /// One JSON object on standard output.
    Json,
}

/// Parses the command line and runs the command.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Validate(args) => validate::run(&args),
    };
    ExitCode::from(code)
}

//! Stage 6, the command line: a thin clap shell over the library.
//!
//! Each command lives in its own file and returns the process exit code; this
//! module only parses arguments (`args.rs`) and dispatches. Exit codes follow
//! `cli.md`: 0 clean, 1 findings, 2 the run cannot be trusted (bad input, bad
//! pack, bad command line).

mod args;
mod check;
mod color;
mod completions;
mod explain;
mod fmt;
mod lsp;
mod packs;
mod rules;
mod schema;
mod shared;
mod test;
mod validate;

use std::process::ExitCode;

use clap::Parser;

pub use self::args::{
    CheckArgs, Cli, Command, CompletionsArgs, ExplainArgs, FailOn, FmtArgs, InputFormat, LspArgs,
    OutputFormat, RulesArgs, SchemaArgs, Show, TestArgs, ValidateArgs,
};
pub use self::color::ColorChoice;
pub use self::shared::{EXIT_FINDINGS, EXIT_OK, EXIT_TROUBLE, WORKER_STACK_BYTES};

/// Parses the command line and runs the command.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Test(args) => test::run(&args),
        Command::Fmt(args) => fmt::run(&args),
        Command::Rules(args) => rules::run(&args),
        Command::Packs(args) => packs::run(&args),
        Command::Explain(args) => explain::run(&args),
        Command::Schema(args) => schema::run(&args),
        Command::Completions(args) => completions::run(&args),
        Command::Lsp(args) => lsp::run(&args),
        Command::Validate(args) => validate::run(&args),
    };
    ExitCode::from(code)
}

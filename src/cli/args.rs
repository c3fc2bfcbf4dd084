//! The command line as clap sees it: every command, its options and their
//! values. Commands read their options from here; nothing here runs anything.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use super::color::ColorChoice;
use crate::report::form::FindingsForm;

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
    /// Check documents (planned transfers) against a pack and report findings.
    ///
    /// Every broken rule is reported with the values involved, their line in the
    /// input file, the failing clause and what to do. Exit code 0 when nothing at
    /// or above `--fail-on` was found, 1 when something was, 2 when the run could
    /// not be trusted (a pack that does not load, data that does not conform, an
    /// unreadable input); documents that did load are still checked.
    ///
    /// Example: preflight check -p policies/csp plans/q3.yaml --today 2026-03-01
    Check(CheckArgs),
    /// Run a pack's own tests: every `tests/*.test.yaml` of each PACK.
    ///
    /// Each case gives an input document and the outcome expected of some rules
    /// (or of some of their subjects). Prints one line per case, the differences
    /// for failed ones, and `N passed, N failed`. Exit code 0 when all pass, 1
    /// when one fails, 2 when a test file is malformed.
    ///
    /// Example: preflight test policies/csp --coverage
    Test(TestArgs),
    /// Rewrite policy files in the one canonical layout (comments kept).
    ///
    /// Each PATH is a `.policy` file or a directory searched for them (default:
    /// the current directory). With `--check`, nothing is written: files that
    /// would change are listed and the exit code is 1. A file that does not parse
    /// is reported and left alone (exit code 2).
    ///
    /// Example: preflight fmt --check policies/csp
    Fmt(FmtArgs),
    /// List the pack's rules: id, severity, where, and what each checks.
    ///
    /// Example: preflight rules --format json
    Rules(RulesArgs),
    /// List the packs embedded in this binary: name, rule count and what each
    /// checks. Any of them is selected with `-p builtin:NAME`.
    ///
    /// Example: preflight packs --format json
    Packs(PacksArgs),
    /// Show one rule in full: its doc comment, severity, place, source, and the
    /// params and data it reads.
    ///
    /// Example: preflight explain same-region
    Explain(ExplainArgs),
    /// Print the pack's input type as JSON Schema (draft 2020-12), for editors
    /// and plan generators.
    ///
    /// Example: preflight schema > transfer.schema.json
    Schema(SchemaArgs),
    /// Print a shell completion script.
    ///
    /// Example: preflight completions bash > /etc/bash_completion.d/preflight
    Completions(CompletionsArgs),
    /// Serve the Language Server Protocol on standard input and output, for
    /// editors: diagnostics as you type, hover, definition, references,
    /// completion, outline, formatting and quick fixes.
    ///
    /// The pack of a file is the directory holding it. Logs go to standard
    /// error. Exit code 0 after the client's `shutdown` and `exit`, 1 if the
    /// input ends before.
    ///
    /// Example: preflight lsp
    Lsp(LspArgs),
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

/// Options of `check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Input files (`.json`, `.yaml`/`.yml`, `.jsonl`/`.ndjson`); `-` reads
    /// standard input.
    #[arg(value_name = "INPUT", required = true)]
    pub inputs: Vec<String>,
    /// Pack directory or single `.policy` file; repeatable (packs are merged).
    #[arg(short = 'p', long = "policy", value_name = "PATH")]
    pub policy: Vec<PathBuf>,
    /// Data file for a `data` declaration, overriding the pack's default.
    #[arg(short = 'd', long = "data", value_name = "NAME=PATH")]
    pub data: Vec<String>,
    /// Override a `param`; the value is parsed per the param's type.
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub param: Vec<String>,
    /// The evaluation date for `today()`, `YYYY-MM-DD`; default the system's date.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<String>,
    /// Output form.
    #[arg(short = 'f', long, value_enum, default_value_t = FindingsForm::Human)]
    pub format: FindingsForm,
    /// Lowest severity whose findings make the exit code 1.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// When to colour the human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// `all`: also list pass and skip outcomes (an audit trail).
    #[arg(long, value_enum, value_name = "all")]
    pub show: Option<Show>,
    /// Format of standard input (`-`, default json) and of input files whose
    /// name does not end in a known extension.
    #[arg(long, value_enum)]
    pub input_format: Option<InputFormat>,
    /// Threads evaluating documents (default: one per core). The output is the
    /// same whatever the number.
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<std::num::NonZeroUsize>,
    /// How deep arrays and objects may nest in input and data files (at most
    /// 1000).
    #[arg(long, value_name = "N", default_value_t = crate::limits::DEFAULT_INPUT_DEPTH as u16,
          value_parser = clap::value_parser!(u16).range(1..=crate::limits::MAX_INPUT_DEPTH_CEILING as i64))]
    pub max_input_depth: u16,
    /// How many values YAML aliases may expand to in one file.
    #[arg(long, value_name = "N", default_value_t = crate::limits::DEFAULT_YAML_ALIAS_VALUES)]
    pub max_yaml_aliases: usize,
    /// Evaluation steps one document may take before it gets an `error` outcome
    /// (0: no limit).
    #[arg(long, value_name = "N", default_value_t = crate::limits::DEFAULT_EVAL_STEPS)]
    pub max_steps: u64,
    /// A waiver file (YAML or JSON): findings accepted as known risks, each
    /// with a reason, an owner and an expiry; repeatable.
    #[arg(long = "waivers", value_name = "FILE")]
    pub waivers: Vec<PathBuf>,
    /// How many days after `--today` a waiver may expire.
    #[arg(long, value_name = "DAYS", default_value_t = crate::signoff::waivers::DEFAULT_MAX_WAIVER_DAYS)]
    pub max_waiver_days: u32,
    /// The JSON output of an earlier run: each finding is then `new` or
    /// `unchanged`, and findings that are gone are listed as fixed.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Only findings new since `--baseline` (at or above `--fail-on`) make
    /// the exit code 1.
    #[arg(long, requires = "baseline")]
    pub fail_on_new: bool,
}

impl CheckArgs {
    /// The limits given on the command line.
    pub fn limits(&self) -> crate::limits::Limits {
        crate::limits::Limits {
            input_depth: usize::from(self.max_input_depth),
            yaml_alias_values: self.max_yaml_aliases,
            eval_steps: self.max_steps,
        }
    }

    /// Whether `--show all` was given.
    pub fn show_all(&self) -> bool {
        self.show == Some(Show::All)
    }
}

/// Options of `fmt`.
#[derive(Debug, clap::Args)]
pub struct FmtArgs {
    /// `.policy` files, or directories to search for them.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Only report files that are not in the canonical layout (exit code 1).
    #[arg(long)]
    pub check: bool,
    /// When to colour diagnostics.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// Options of `rules`.
#[derive(Debug, clap::Args)]
pub struct RulesArgs {
    /// Pack directory, single `.policy` file, or `builtin:NAME` (see `preflight packs`); default: the embedded CSP pack.
    #[arg(short = 'p', long = "policy", value_name = "PATH")]
    pub policy: Vec<PathBuf>,
    /// Output form.
    #[arg(short = 'f', long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
    /// When to colour diagnostics.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// Options of `packs`.
#[derive(Debug, clap::Args)]
pub struct PacksArgs {
    /// Output form.
    #[arg(short = 'f', long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
    /// When to colour diagnostics.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// Options of `explain`.
#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// The rule id.
    pub rule: String,
    /// Pack directory, single `.policy` file, or `builtin:NAME` (see `preflight packs`); default: the embedded CSP pack.
    #[arg(short = 'p', long = "policy", value_name = "PATH")]
    pub policy: Vec<PathBuf>,
    /// When to colour diagnostics.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// Options of `schema`.
#[derive(Debug, clap::Args)]
pub struct SchemaArgs {
    /// Pack directory, single `.policy` file, or `builtin:NAME` (see `preflight packs`); default: the embedded CSP pack.
    #[arg(short = 'p', long = "policy", value_name = "PATH")]
    pub policy: Vec<PathBuf>,
    /// When to colour diagnostics.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// Options of `lsp`.
#[derive(Debug, clap::Args)]
pub struct LspArgs {
    /// Serve on standard input and output (the only transport, and the
    /// default; accepted because some clients pass it).
    #[arg(long)]
    pub stdio: bool,
}

/// Options of `completions`.
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Options of `test`.
#[derive(Debug, clap::Args)]
pub struct TestArgs {
    /// Pack directories whose `tests/` to run.
    #[arg(value_name = "PACK")]
    pub packs: Vec<PathBuf>,
    /// Also list, per pack, the rules the tests never saw failing (or passing).
    #[arg(long)]
    pub coverage: bool,
    /// When to colour diagnostics.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// `--format`'s values are the report's forms, named and described by
/// `report/` itself, so that a new form needs no change here.
impl ValueEnum for FindingsForm {
    fn value_variants<'a>() -> &'a [Self] {
        FindingsForm::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.name()).help(self.description()))
    }
}

/// `--input-format`: the syntax of inputs whose name does not say it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputFormat {
    /// JSON: an object, or an array of documents.
    Json,
    /// YAML: one or more `---` documents; a lone top-level sequence is a list of documents.
    Yaml,
    /// JSON Lines: one JSON document per line.
    Jsonl,
}

impl From<InputFormat> for crate::data::format::Format {
    fn from(format: InputFormat) -> Self {
        use crate::data::format::Format;
        match format {
            InputFormat::Json => Format::Json,
            InputFormat::Yaml => Format::Yaml,
            InputFormat::Jsonl => Format::Jsonl,
        }
    }
}

/// `--fail-on` levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Only findings of `error` rules fail the run.
    Error,
    /// Findings of `error` and `warning` rules fail the run.
    Warning,
    /// Every finding fails the run.
    Info,
}

/// What `--show` can add.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Show {
    /// Every outcome, passes and skips included.
    All,
}

/// Output forms of `validate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Diagnostics for people, with source snippets.
    Human,
    /// One JSON object on standard output.
    Json,
}

//! `preflight check`: evaluate documents against a pack and report findings.
//!
//! This file only maps arguments to the run's [`Options`] and the report's
//! [`ReportOptions`], and the report's [`Verdict`] to an exit code. How each
//! output form is written is `report/`'s business ([`report::open`]).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use super::args::{CheckArgs, FailOn};
use super::shared::{EXIT_FINDINGS, EXIT_OK, EXIT_TROUBLE};
use crate::data::format::Format;
use crate::data::read::Input;
use crate::diagnostic::{Code, Diagnostic};
use crate::eval::Keep;
use crate::model::program::RuleSeverity;
use crate::pack::Pack;
use crate::report::form::{Report, ReportOptions, Threshold, Verdict};
use crate::report::{self, progress};
use crate::run::{self, Options, Session};
use crate::signoff::waivers::{self, WaiverContext};
use crate::signoff::{Baseline, Judge};

pub(super) fn run(args: &CheckArgs) -> u8 {
    let pack = super::shared::load_pack(&args.policy);
    let (options, usage) = run_options(args);
    let inputs = inputs(args);
    // Pack warnings are worth seeing; they do not change the exit code.
    let warnings: Vec<Diagnostic> = pack
        .diagnostics
        .iter()
        .filter(|d| !d.is_error())
        .cloned()
        .collect();
    let report_options = report_options(args, &inputs);
    let open = || {
        report::open(
            &report_options,
            pack.program.as_ref(),
            &pack.sources,
            &warnings,
        )
    };
    // A malformed option stops the run before anything is read, like the other
    // setting errors (`Session::start` reports those).
    if !usage.is_empty() {
        let stopped = run::Checked::failed(pack.sources.clone(), usage);
        return exit_code(open().stopped(stopped));
    }
    // Worker threads evaluate documents, which recurses once per level of a
    // policy expression: they get the main thread's deep stack, not rayon's
    // 2 MiB default (reserved, not used, like the main thread's).
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs.map_or(0, std::num::NonZeroUsize::get))
        .stack_size(super::shared::WORKER_STACK_BYTES)
        .build();
    let signoff = SignOffArgs {
        waivers: &args.waivers,
        max_waiver_days: args.max_waiver_days,
        baseline: args.baseline.as_deref(),
    };
    let check = || check(&pack, &options, &inputs, &signoff, open());
    let verdict = match &pool {
        Ok(pool) => pool.install(check),
        // No pool could be made (a tiny address space): work on this thread.
        Err(_) => check(),
    };
    exit_code(verdict)
}

/// The sign-off options of `check`: waiver files and a baseline.
struct SignOffArgs<'a> {
    waivers: &'a [PathBuf],
    max_waiver_days: u32,
    baseline: Option<&'a Path>,
}

/// Runs the session, sending what it finds to `report` through the judge of
/// waivers and baseline.
fn check(
    pack: &Pack,
    options: &Options,
    inputs: &[Input],
    signoff: &SignOffArgs<'_>,
    report: Box<dyn Report + '_>,
) -> Verdict {
    let mut session = match Session::start(pack, options) {
        Err(stopped) => return report.stopped(stopped),
        Ok(session) => session,
    };
    let Some(program) = pack.program.as_ref() else {
        return report.stopped(session.finish());
    };
    // Waiver files and the baseline are read before any document: their
    // problems (exit code 2) come first, and a file with any error waives
    // nothing.
    let context = WaiverContext {
        program,
        today: session.today(),
        max_days: signoff.max_waiver_days,
    };
    let (waivers, mut problems) =
        waivers::load_files(signoff.waivers, context, &mut session.sources);
    let baseline =
        signoff
            .baseline
            .and_then(|path| match Baseline::load(path, &mut session.sources) {
                Ok(b) => Some(b),
                Err(e) => {
                    problems.extend(e);
                    None
                }
            });
    let mut session = session.with_sink(Judge::new(report, program, waivers, baseline));
    for p in problems {
        session.report(p);
    }
    session.check_inputs(inputs, options.input_format);
    let provenance = session.provenance.clone();
    let (sources, judge, _) = session.into_parts();
    let (report, signoff) = judge.conclude(&sources, Some(provenance));
    report.finish(sources, &signoff)
}

/// The run's settings, and the problems of options that are malformed.
fn run_options(args: &CheckArgs) -> (Options, Vec<Diagnostic>) {
    let mut usage = Vec::new();
    let mut pairs = |values: &[String], flag: &str| -> Vec<(String, String)> {
        values
            .iter()
            .filter_map(|v| match run::settings::name_value(v) {
                Ok(pair) => Some(pair),
                Err(why) => {
                    usage.push(Diagnostic::error(
                        Code::Usage,
                        format!("`{flag} {v}`: {why}"),
                    ));
                    None
                }
            })
            .collect()
    };
    let data = pairs(&args.data, "--data")
        .into_iter()
        .map(|(n, p)| (n, PathBuf::from(p)))
        .collect();
    let params = pairs(&args.param, "--param");
    let options = Options {
        data,
        params,
        today: args.today.clone(),
        keep: if args.show_all() {
            Keep::All
        } else {
            Keep::Findings
        },
        input_format: args.input_format.map(Format::from),
        limits: args.limits(),
        hash_inputs: args.format.shows_provenance(),
    };
    (options, usage)
}

/// The inputs named on the command line; `-` is standard input.
fn inputs(args: &CheckArgs) -> Vec<Input> {
    args.inputs
        .iter()
        .map(|i| {
            if i == "-" {
                Input::Stdin(args.input_format.map_or(Format::Json, Format::from))
            } else {
                Input::File(PathBuf::from(i))
            }
        })
        .collect()
}

/// How the report is written, from `--format`, `--show`, `--color` and
/// `--fail-on` and what standard output and error are.
fn report_options(args: &CheckArgs, inputs: &[Input]) -> ReportOptions {
    ReportOptions {
        form: args.format,
        show_all: args.show_all(),
        color_stdout: args.color.for_stdout(),
        color_stderr: args.color.for_stderr(),
        width: super::shared::terminal_width(),
        stdout_is_terminal: std::io::stdout().is_terminal(),
        progress: true,
        input_bytes: progress::input_size(inputs),
        fail_on: Threshold {
            severity: match args.fail_on {
                FailOn::Error => RuleSeverity::Error,
                FailOn::Warning => RuleSeverity::Warning,
                FailOn::Info => RuleSeverity::Info,
            },
            new_only: args.fail_on_new,
        },
        command_line: command_line(std::env::args_os().skip(1)),
    }
}

/// The exit code of a run: 2 when it had problems, 1 for findings at or above
/// `--fail-on`, else 0.
fn exit_code(verdict: Verdict) -> u8 {
    if verdict.errors > 0 {
        EXIT_TROUBLE
    } else if verdict.failing_findings {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

/// `preflight` and its arguments as one line a POSIX shell reads back as the
/// same command: an argument with anything but letters, digits and `_./:=@%+,-`
/// is single-quoted.
fn command_line(args: impl Iterator<Item = std::ffi::OsString>) -> String {
    let mut line = String::from("preflight");
    for arg in args {
        let arg = arg.to_string_lossy();
        let plain = !arg.is_empty()
            && arg
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_./:=@%+,-".contains(c));
        line.push(' ');
        if plain {
            line.push_str(&arg);
        } else {
            line.push('\'');
            line.push_str(&arg.replace('\'', "'\\''"));
            line.push('\'');
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::command_line;

    #[test]
    fn the_command_line_quotes_what_a_shell_would_split() {
        let args =
            ["check", "my plan.yaml", "-f", "html", "it's", ""].map(std::ffi::OsString::from);
        assert_eq!(
            command_line(args.into_iter()),
            "preflight check 'my plan.yaml' -f html 'it'\\''s' ''"
        );
    }
}

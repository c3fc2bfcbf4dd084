//! `preflight check`: evaluate documents against a pack and report findings.

use std::io::Write;
use std::path::PathBuf;

use super::{CheckArgs, CheckFormat, EXIT_FINDINGS, EXIT_OK, EXIT_TROUBLE, FailOn};
use crate::diagnostic::{Code, Diagnostic};
use crate::eval::Keep;
use crate::report::{diagnostics_human, findings_human, findings_json};
use crate::run::{self, Input, Options};
use crate::syntax::ast::RuleSeverity;

pub(super) fn run(args: &CheckArgs) -> u8 {
    let pack = super::load_pack(&args.policy);
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
        input_format: args.input_format,
        limits: args.limits(),
    };
    let inputs: Vec<Input> = args
        .inputs
        .iter()
        .map(|i| {
            if i == "-" {
                Input::Stdin(args.input_format.unwrap_or(crate::data::load::Format::Json))
            } else {
                Input::File(PathBuf::from(i))
            }
        })
        .collect();
    // A malformed option stops the run before anything is read, like the other
    // setting errors (`run::check` reports those).
    let mut checked = if usage.is_empty() {
        let run = || run::check(&pack, &inputs, &options);
        // Worker threads evaluate documents, which recurses once per level of a
        // policy expression: they get the main thread's deep stack, not rayon's
        // 2 MiB default (reserved, not used, like the main thread's).
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(args.jobs.map_or(0, std::num::NonZeroUsize::get))
            .stack_size(super::WORKER_STACK_BYTES)
            .build();
        match pool {
            Ok(pool) => pool.install(run),
            // No pool could be made (a tiny address space): work on this thread.
            Err(_) => run(),
        }
    } else {
        run::Checked::failed(pack.sources.clone(), Vec::new())
    };
    // Pack warnings are worth seeing; they do not change the exit code.
    let warnings: Vec<Diagnostic> = pack
        .diagnostics
        .iter()
        .filter(|d| !d.is_error())
        .cloned()
        .collect();
    usage.extend(std::mem::take(&mut checked.errors));
    checked.errors = usage;
    let fail_on = match args.fail_on {
        FailOn::Error => RuleSeverity::Error,
        FailOn::Warning => RuleSeverity::Warning,
        FailOn::Info => RuleSeverity::Info,
    };
    let findings_at_or_above = checked.documents.iter().any(|d| {
        d.outcomes
            .iter()
            .any(|o| o.finding.is_some() && run::severity_of_program(&pack, o.rule) <= fail_on)
    });
    let code = if !checked.errors.is_empty() {
        EXIT_TROUBLE
    } else if findings_at_or_above {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    };
    let mut stdout = std::io::stdout().lock();
    let mut stderr = std::io::stderr().lock();
    match args.format {
        CheckFormat::Human => {
            let color_err = args.color.for_stderr();
            let mut problems = warnings.clone();
            problems.extend(checked.errors.iter().cloned());
            let text = diagnostics_human::render(&problems, &checked.sources, color_err);
            let _ = stderr.write_all(text.as_bytes());
            if let Some(program) = pack.program.as_ref() {
                let width = super::terminal_width();
                let text = findings_human::render(
                    &checked,
                    program,
                    args.show_all(),
                    args.color.for_stdout(),
                    width,
                );
                let _ = stdout.write_all(text.as_bytes());
            }
            if !checked.errors.is_empty() {
                let _ = writeln!(
                    stderr,
                    "error: {} problem(s) kept this run from being complete",
                    checked.errors.len()
                );
            }
        }
        CheckFormat::Sarif | CheckFormat::Junit | CheckFormat::Github => {
            // Machine forms on standard output; problems of the run on standard
            // error, as in the human form.
            let text = diagnostics_human::render(
                &checked.errors,
                &checked.sources,
                args.color.for_stderr(),
            );
            let _ = stderr.write_all(text.as_bytes());
            // A pack that did not load still gets a well-formed report of the
            // run's errors: consumers reject an empty file.
            let empty = crate::check::program::Program::empty();
            let program = pack.program.as_ref().unwrap_or(&empty);
            let form = match args.format {
                CheckFormat::Sarif => crate::report::findings_sarif::render(&checked, program),
                CheckFormat::Junit => crate::report::findings_junit::render(&checked, program),
                _ => crate::report::findings_github::render(&checked, program),
            };
            let _ = stdout.write_all(form.as_bytes());
        }
        CheckFormat::Json => {
            // Serialized straight from the structs, so fields keep cli.md's order.
            let output = match pack.program.as_ref() {
                Some(program) => {
                    findings_json::output(&checked, program, &warnings, args.show_all())
                }
                None => findings_json::failed(&checked),
            };
            match serde_json::to_string_pretty(&output) {
                Ok(json) => {
                    let _ = writeln!(stdout, "{json}");
                }
                Err(e) => {
                    let _ = writeln!(stderr, "error: cannot write JSON: {e}");
                    return EXIT_TROUBLE;
                }
            }
        }
    }
    code
}

//! `preflight check`: evaluate documents against a pack and report findings.

use std::io::{BufWriter, IsTerminal, Stderr, Stdout, Write};
use std::path::PathBuf;

use super::progress::{self, Progress};
use super::{CheckArgs, CheckFormat, EXIT_FINDINGS, EXIT_OK, EXIT_TROUBLE, FailOn};
use crate::diagnostic::{Code, Diagnostic};
use crate::eval::Keep;
use crate::model::program::Program;
use crate::model::program::RuleSeverity;
use crate::pack::Pack;
use crate::report::{diagnostics_human, findings_human, findings_json};
use crate::run::{self, DocumentResult, Input, Options, Session, Sink};
use crate::source::Sources;

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
    let fail_on = match args.fail_on {
        FailOn::Error => RuleSeverity::Error,
        FailOn::Warning => RuleSeverity::Warning,
        FailOn::Info => RuleSeverity::Info,
    };
    // Pack warnings are worth seeing; they do not change the exit code.
    let warnings: Vec<Diagnostic> = pack
        .diagnostics
        .iter()
        .filter(|d| !d.is_error())
        .cloned()
        .collect();
    // Worker threads evaluate documents, which recurses once per level of a
    // policy expression: they get the main thread's deep stack, not rayon's
    // 2 MiB default (reserved, not used, like the main thread's).
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs.map_or(0, std::num::NonZeroUsize::get))
        .stack_size(super::WORKER_STACK_BYTES)
        .build();
    let in_pool = |run: &(dyn Fn() -> u8 + Sync)| match &pool {
        Ok(pool) => pool.install(run),
        // No pool could be made (a tiny address space): work on this thread.
        Err(_) => run(),
    };
    // A malformed option stops the run before anything is read, like the other
    // setting errors (`Session::start` reports those).
    if !usage.is_empty() {
        let checked = run::Checked::failed(pack.sources.clone(), usage);
        return report_collected(args, &pack, checked, &warnings, fail_on);
    }
    let streamed = matches!(args.format, CheckFormat::Human | CheckFormat::Json);
    in_pool(&|| {
        let session = match Session::start(&pack, &options) {
            Ok(session) => session,
            Err(checked) => return report_collected(args, &pack, checked, &warnings, fail_on),
        };
        match pack.program.as_ref() {
            Some(program) if streamed => {
                let sink = Streamed::new(args, program, &pack.sources, &warnings, &inputs);
                let mut session = session.with_sink(sink);
                session.check_inputs(&inputs, options.input_format);
                let (sources, sink, _) = session.into_parts();
                sink.finish(&sources, &warnings, fail_on)
            }
            _ => {
                let mut session = session;
                session.check_inputs(&inputs, options.input_format);
                report_collected(args, &pack, session.finish(), &warnings, fail_on)
            }
        }
    })
}

/// The exit code of a run: 2 when it had problems, 1 for findings at or above
/// `--fail-on`, else 0.
fn exit_code(errors: bool, findings: bool) -> u8 {
    if errors {
        EXIT_TROUBLE
    } else if findings {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

/// `check`'s human and JSON forms, written as documents are checked, so that
/// memory does not grow with the number of documents: findings on standard
/// output, problems of the run on standard error (human form) or in the JSON
/// object's `errors`; a progress bar on a terminal.
struct Streamed<'p> {
    form: Form<'p>,
    progress: Progress,
    errors: usize,
}

/// The form being written.
enum Form<'p> {
    Human {
        findings: Box<findings_human::Stream<'p, BufWriter<Stdout>>>,
        stderr: Stderr,
        color: bool,
        /// Whether standard output is a terminal: then each document's findings
        /// are shown at once.
        flush: bool,
    },
    Json {
        findings: Box<findings_json::Stream<'p, BufWriter<Stdout>>>,
    },
}

impl<'p> Streamed<'p> {
    fn new(
        args: &CheckArgs,
        program: &'p Program,
        sources: &Sources,
        warnings: &[Diagnostic],
        inputs: &[Input],
    ) -> Streamed<'p> {
        let stdout = BufWriter::with_capacity(1 << 16, std::io::stdout());
        let form = match args.format {
            CheckFormat::Json => Form::Json {
                findings: Box::new(findings_json::Stream::new(program, args.show_all(), stdout)),
            },
            _ => {
                let color = args.color.for_stderr();
                let mut stderr = std::io::stderr();
                let text = diagnostics_human::render(warnings, sources, color);
                let _ = stderr.write_all(text.as_bytes());
                Form::Human {
                    findings: Box::new(findings_human::Stream::new(
                        program,
                        args.show_all(),
                        args.color.for_stdout(),
                        super::terminal_width(),
                        stdout,
                    )),
                    stderr,
                    color,
                    flush: std::io::stdout().is_terminal(),
                }
            }
        };
        Streamed {
            form,
            progress: Progress::new(progress::input_size(inputs)),
            errors: 0,
        }
    }

    /// Writes the end of the report; the exit code.
    fn finish(self, sources: &Sources, warnings: &[Diagnostic], fail_on: RuleSeverity) -> u8 {
        self.progress.finish();
        let errors = self.errors;
        let found = match self.form {
            Form::Human {
                findings,
                mut stderr,
                ..
            } => {
                let found = findings.counts().any_at_or_above(fail_on);
                findings.finish(errors > 0);
                if errors > 0 {
                    let _ = writeln!(
                        stderr,
                        "error: {errors} problem(s) kept this run from being complete"
                    );
                }
                found
            }
            Form::Json { findings } => {
                let found = findings.counts().any_at_or_above(fail_on);
                findings.finish(sources, warnings);
                found
            }
        };
        exit_code(errors > 0, found)
    }
}

impl Sink for Streamed<'_> {
    const KEEPS_SPANS: bool = false;

    fn error(&mut self, sources: &Sources, error: Diagnostic) {
        self.errors += 1;
        match &mut self.form {
            Form::Human { stderr, color, .. } => {
                let text = diagnostics_human::render(std::slice::from_ref(&error), sources, *color);
                let _ = self.progress.suspend(|| stderr.write_all(text.as_bytes()));
            }
            Form::Json { findings } => findings.error(sources, &error),
        }
    }

    fn document(&mut self, sources: &Sources, document: DocumentResult) {
        let found = document
            .outcomes
            .iter()
            .filter(|o| o.finding.is_some())
            .count();
        self.progress.document(found as u64);
        match &mut self.form {
            Form::Human {
                findings, flush, ..
            } => {
                if *flush {
                    self.progress.suspend(|| {
                        findings.document(sources, &document);
                        findings.flush();
                    });
                } else {
                    findings.document(sources, &document);
                }
            }
            Form::Json { findings } => findings.document(sources, &document),
        }
    }

    fn read(&mut self, bytes: u64) {
        self.progress.read(bytes);
    }
}

/// Reports a run whose results were all kept: the SARIF, JUnit and GitHub forms
/// (which are written whole), and runs that stopped before any document (a pack
/// that did not load, bad settings).
fn report_collected(
    args: &CheckArgs,
    pack: &Pack,
    checked: run::Checked,
    warnings: &[Diagnostic],
    fail_on: RuleSeverity,
) -> u8 {
    let findings_at_or_above = checked.documents.iter().any(|d| {
        d.outcomes
            .iter()
            .any(|o| o.finding.is_some() && run::severity_of_program(pack, o.rule) <= fail_on)
    });
    let code = exit_code(!checked.errors.is_empty(), findings_at_or_above);
    let mut stdout = std::io::stdout().lock();
    let mut stderr = std::io::stderr().lock();
    match args.format {
        CheckFormat::Human => {
            let color_err = args.color.for_stderr();
            let mut problems = warnings.to_vec();
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
            let empty = crate::model::program::Program::empty();
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
                    findings_json::output(&checked, program, warnings, args.show_all())
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

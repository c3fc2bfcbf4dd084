//! The one interface of `check`'s output forms: a [`Report`] is a run's
//! [`Sink`] that also knows how to end its output, built from
//! [`ReportOptions`] by [`crate::report::open`]. The command line maps its
//! arguments to the options and the [`Verdict`] to an exit code; nothing else
//! about a form is known outside `report/`.

use std::sync::LazyLock;

use crate::model::program::{Program, RuleSeverity};
use crate::run::{Checked, Sink};
use crate::source::Sources;

/// The output forms of `check` (cli.md, "Output forms").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingsForm {
    /// miette reports on standard output, problems on standard error.
    Human,
    /// One JSON object (cli.md's shape).
    Json,
    /// A SARIF 2.1.0 log.
    Sarif,
    /// A JUnit XML report.
    Junit,
    /// GitHub Actions workflow commands.
    Github,
}

impl FindingsForm {
    /// Every form, in the order `--help` lists them. A new form is added here
    /// (and in [`crate::report::open`]); the command line reads its names from
    /// this list.
    pub const ALL: &[FindingsForm] = &[
        FindingsForm::Human,
        FindingsForm::Json,
        FindingsForm::Sarif,
        FindingsForm::Junit,
        FindingsForm::Github,
    ];

    /// The name `--format` takes.
    pub fn name(self) -> &'static str {
        match self {
            FindingsForm::Human => "human",
            FindingsForm::Json => "json",
            FindingsForm::Sarif => "sarif",
            FindingsForm::Junit => "junit",
            FindingsForm::Github => "github",
        }
    }

    /// One line for `--help`.
    pub fn description(self) -> &'static str {
        match self {
            FindingsForm::Human => {
                "Findings for people: the input and the policy with labelled values"
            }
            FindingsForm::Json => "One JSON object on standard output (cli.md, \"JSON form\")",
            FindingsForm::Sarif => "SARIF 2.1.0, for GitHub code scanning and other SARIF viewers",
            FindingsForm::Junit => "JUnit XML: one suite per document, one case per rule",
            FindingsForm::Github => {
                "GitHub Actions workflow commands (`::error file=…`), one per finding"
            }
        }
    }
}

/// How the report of one `check` run is written.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    /// Which form.
    pub form: FindingsForm,
    /// `--show all`: every outcome, not only findings.
    pub show_all: bool,
    /// Whether to colour what goes to standard output.
    pub color_stdout: bool,
    /// Whether to colour what goes to standard error.
    pub color_stderr: bool,
    /// The width reports are laid out for.
    pub width: usize,
    /// Whether standard output is a terminal: then the human form shows each
    /// document's findings as soon as it is checked.
    pub stdout_is_terminal: bool,
    /// Draw a progress bar on standard error (only ever drawn when it is a
    /// terminal).
    pub progress: bool,
    /// The bytes of input the run will read, for the bar's total (`None`: not
    /// known, as for standard input).
    pub input_bytes: Option<u64>,
    /// `--fail-on`: findings at or above this severity make the verdict.
    pub fail_on: RuleSeverity,
}

/// What a finished report tells the command line, to choose the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    /// Problems of the run (exit code 2 when any).
    pub errors: usize,
    /// Whether some finding is at or above `--fail-on` (exit code 1).
    pub failing_findings: bool,
}

/// An output form of `check`: it is given the run's problems and documents in
/// input order (as a [`Sink`]), then ends its output. A form may write as
/// documents come (human, JSON) or keep them and write at the end (SARIF,
/// JUnit, GitHub).
pub trait Report: Sink {
    /// Writes what is left of the output (a summary, the closing of a JSON
    /// object, a whole SARIF log); `sources` holds every file the run read.
    fn finish(self: Box<Self>, sources: Sources) -> Verdict;

    /// Reports a run that stopped before any document was read (a pack that
    /// did not load, bad settings, data files that do not conform): its
    /// problems, then the end of the output.
    fn stopped(mut self: Box<Self>, run: Checked) -> Verdict {
        for error in run.errors {
            self.error(&run.sources, error);
        }
        self.finish(run.sources)
    }

    /// Whether each document's output is shown on a terminal as soon as it is
    /// written, so a progress bar has to step aside for it.
    fn shows_documents(&self) -> bool {
        false
    }
}

/// The program a form describes when the pack did not load: no rules, so that
/// the form still reports the run (its errors) in its own shape.
pub(crate) fn program_or_empty(program: Option<&Program>) -> &Program {
    static EMPTY: LazyLock<Program> = LazyLock::new(Program::empty);
    program.unwrap_or(&EMPTY)
}

//! The one interface of `check`'s output forms: a [`Report`] is a run's
//! [`Sink`] that also knows how to end its output, built from
//! [`ReportOptions`] by [`crate::report::open`]. The command line maps its
//! arguments to the options and the [`Verdict`] to an exit code; nothing else
//! about a form is known outside `report/`.

use std::sync::LazyLock;

use super::counts::Counts;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::program::{Program, RuleSeverity};
use crate::run::{Checked, Sink};
use crate::signoff::SignOff;
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
    /// The change-board report: one self-contained HTML file.
    Html,
    /// The change-board report as GitHub-flavoured Markdown.
    Markdown,
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
        FindingsForm::Html,
        FindingsForm::Markdown,
    ];

    /// The name `--format` takes.
    pub fn name(self) -> &'static str {
        match self {
            FindingsForm::Human => "human",
            FindingsForm::Json => "json",
            FindingsForm::Sarif => "sarif",
            FindingsForm::Junit => "junit",
            FindingsForm::Github => "github",
            FindingsForm::Html => "html",
            FindingsForm::Markdown => "markdown",
        }
    }

    /// Whether the form carries the run's provenance, with each input file's
    /// SHA-256 (then the run hashes its inputs as it reads them).
    pub fn shows_provenance(self) -> bool {
        match self {
            FindingsForm::Json
            | FindingsForm::Sarif
            | FindingsForm::Junit
            | FindingsForm::Html
            | FindingsForm::Markdown => true,
            FindingsForm::Human | FindingsForm::Github => false,
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
            FindingsForm::Html => {
                "The change-board report: one self-contained HTML file (decision, summary, findings, waivers)"
            }
            FindingsForm::Markdown => {
                "The change-board report as GitHub-flavoured Markdown, for a pull request or a wiki"
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
    /// `--fail-on` and `--fail-on-new`: which findings make the verdict.
    pub fail_on: Threshold,
    /// The command as typed (`preflight check …`, quoted for a POSIX shell),
    /// for the header of the change-board report.
    pub command_line: String,
}

/// Which findings make a run fail (exit code 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Threshold {
    /// `--fail-on`: findings at or above this severity.
    pub severity: RuleSeverity,
    /// `--fail-on-new`: only those new since the baseline.
    pub new_only: bool,
}

impl Threshold {
    /// Findings at or above `severity`, new or not.
    pub fn at(severity: RuleSeverity) -> Threshold {
        Threshold {
            severity,
            new_only: false,
        }
    }
}

/// What a finished report tells the command line, to choose the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    /// Problems of the run (exit code 2 when any).
    pub errors: usize,
    /// Whether some finding is at or above `--fail-on` (exit code 1).
    pub failing_findings: bool,
}

impl Verdict {
    /// What the run says to a change board: the exit code in words.
    pub fn decision(self) -> Decision {
        if self.errors > 0 {
            Decision::CannotTell
        } else if self.failing_findings {
            Decision::NoGo
        } else {
            Decision::Go
        }
    }
}

/// The decision a change-board report shows first (signoff.md §4): exit
/// code 0, 1 or 2 in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// No finding at or above `--fail-on` (exit code 0).
    Go,
    /// Some finding at or above `--fail-on` (exit code 1).
    NoGo,
    /// The run was not complete: files that did not parse or conform (exit
    /// code 2), so its findings cannot be trusted to be all.
    CannotTell,
}

impl Decision {
    /// The decision as the report writes it.
    pub fn word(self) -> &'static str {
        match self {
            Decision::Go => "GO",
            Decision::NoGo => "NO GO",
            Decision::CannotTell => "CANNOT TELL",
        }
    }

    /// A lower-case name without blanks, for a CSS class.
    pub fn class(self) -> &'static str {
        match self {
            Decision::Go => "go",
            Decision::NoGo => "no-go",
            Decision::CannotTell => "cannot-tell",
        }
    }
}

/// The run's problems as the forms count them for the [`Verdict`]: an error
/// (a file that does not parse, a document that does not conform) makes the
/// run incomplete, while a warning about the data (a near miss of an open
/// record's field) is shown but only fails the run under `--fail-on warning`
/// (or `info`), like a finding of a `warning` rule. Every form counts alike
/// through this one type.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Problems {
    /// Problems of severity error.
    pub(crate) errors: usize,
    /// Warnings among the run's problems.
    pub(crate) warnings: usize,
    /// Notes among the run's problems (a waiver that matched nothing).
    pub(crate) infos: usize,
}

impl Problems {
    /// Counts one problem of the run.
    pub(crate) fn add(&mut self, problem: &Diagnostic) {
        match problem.severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Info => self.infos += 1,
        }
    }

    /// The problems of a whole run.
    pub(crate) fn of<'a>(problems: impl IntoIterator<Item = &'a Diagnostic>) -> Problems {
        let mut out = Problems::default();
        for p in problems {
            out.add(p);
        }
        out
    }

    /// The verdict of a run with these problems and these findings.
    pub(crate) fn verdict(self, counts: &Counts, threshold: Threshold) -> Verdict {
        let fail_on = threshold.severity;
        let warnings_fail = self.warnings > 0 && fail_on != RuleSeverity::Error;
        let infos_fail = self.infos > 0 && fail_on == RuleSeverity::Info;
        let findings_fail = if threshold.new_only {
            counts.any_new_at_or_above(fail_on)
        } else {
            counts.any_at_or_above(fail_on)
        };
        Verdict {
            errors: self.errors,
            failing_findings: findings_fail || warnings_fail || infos_fail,
        }
    }
}

/// An output form of `check`: it is given the run's problems and documents in
/// input order (as a [`Sink`]), then ends its output. A form may write as
/// documents come (human, JSON) or keep them and write at the end (SARIF,
/// JUnit, GitHub).
pub trait Report: Sink {
    /// Writes what is left of the output (a summary, the closing of a JSON
    /// object, a whole SARIF log); `sources` holds every file the run read,
    /// `signoff` what the waivers, the baseline and the provenance say.
    fn finish(self: Box<Self>, sources: Sources, signoff: &SignOff) -> Verdict;

    /// Reports a run that stopped before any document was read (a pack that
    /// did not load, bad settings, data files that do not conform): its
    /// problems, then the end of the output.
    fn stopped(mut self: Box<Self>, run: Checked) -> Verdict {
        for error in run.errors {
            self.error(&run.sources, error);
        }
        self.finish(run.sources, &SignOff::default())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Code;

    #[test]
    fn data_warnings_fail_only_under_fail_on_warning() {
        let warning = Diagnostic::warning(Code::NearMiss, "near miss");
        let problems = Problems::of([&warning]);
        let counts = Counts::default();
        let verdict = |fail_on| problems.verdict(&counts, Threshold::at(fail_on));
        assert_eq!(
            verdict(RuleSeverity::Error),
            Verdict {
                errors: 0,
                failing_findings: false
            }
        );
        assert!(verdict(RuleSeverity::Warning).failing_findings);
        assert!(verdict(RuleSeverity::Info).failing_findings);
        let error = Diagnostic::error(Code::Data, "bad");
        assert_eq!(Problems::of([&warning, &error]).errors, 1);
    }
}

//! Forms written whole once the run is over (SARIF, JUnit, GitHub): each is a
//! function from the run's [`Checked`] to text, so this sink keeps every
//! problem and document (spans included) and calls it at the end. Problems of
//! the run also go to standard error, as in the human form.

use std::io::Write as _;

use super::counts::Counts;
use super::diagnostics_human;
use super::form::{Problems, Report, ReportOptions, Threshold, Verdict, program_or_empty};
use crate::diagnostic::Diagnostic;
use crate::model::program::Program;
use crate::run::{Checked, Collect, DocumentResult, Sink};
use crate::signoff::SignOff;
use crate::source::Sources;

/// How a whole form turns a finished run into text.
pub(crate) type Render = fn(&Checked, &Program, &SignOff) -> String;

/// A form written at the end of the run.
pub(crate) struct Whole<'p> {
    program: Option<&'p Program>,
    render: Render,
    kept: Collect,
    counts: Counts,
    color_stderr: bool,
    fail_on: Threshold,
}

impl<'p> Whole<'p> {
    /// A form that renders with `render` at the end.
    pub(crate) fn new(
        options: &ReportOptions,
        program: Option<&'p Program>,
        render: Render,
    ) -> Self {
        Whole {
            program,
            render,
            kept: Collect::default(),
            counts: Counts::default(),
            color_stderr: options.color_stderr,
            fail_on: options.fail_on,
        }
    }
}

impl Sink for Whole<'_> {
    fn keeps_spans(&self) -> bool {
        true
    }

    fn error(&mut self, sources: &Sources, error: Diagnostic) {
        self.kept.error(sources, error);
    }

    fn document(&mut self, sources: &Sources, document: DocumentResult) {
        self.counts.add(program_or_empty(self.program), &document);
        self.kept.document(sources, document);
    }
}

impl Report for Whole<'_> {
    fn finish(self: Box<Self>, sources: Sources, signoff: &SignOff) -> Verdict {
        let program = program_or_empty(self.program);
        let checked = Checked {
            sources,
            errors: self.kept.errors,
            documents: self.kept.documents,
            tally: self.counts.tally,
        };
        let verdict = Problems::of(&checked.errors).verdict(&self.counts, self.fail_on);
        // Problems of the run on standard error; the form on standard output.
        let problems =
            diagnostics_human::render(&checked.errors, &checked.sources, self.color_stderr);
        let _ = std::io::stderr().lock().write_all(problems.as_bytes());
        let text = (self.render)(&checked, program, signoff);
        let _ = std::io::stdout().lock().write_all(text.as_bytes());
        verdict
    }
}

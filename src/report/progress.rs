//! The progress bar of `check` on a terminal (cli.md, "Inputs"), and the
//! report that wraps a form with it ([`WithProgress`]).
//!
//! Drawn on standard error, only when it is a terminal, and only once a run has
//! taken more than a second: checking one plan never flashes a bar. It counts
//! bytes of input read (the bar) and documents checked (the message); the total
//! is the size of the input files, when they are files. Anything else written to
//! the terminal while the bar is up goes through [`Progress::suspend`], so the
//! bar never garbles a report.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::form::{Report, Verdict};
use crate::data::read::Input;
use crate::diagnostic::Diagnostic;
use crate::run::{DocumentResult, Sink};
use crate::signoff::SignOff;
use crate::source::Sources;

/// How long a run goes before its bar appears.
const SHOW_AFTER: Duration = Duration::from_secs(1);

/// The progress of one run.
pub(crate) struct Progress {
    /// `None` when standard error is not a terminal.
    bar: Option<ProgressBar>,
    started: Instant,
    shown: bool,
    documents: u64,
    findings: u64,
}

impl Progress {
    /// A bar for a run over `total` bytes of input (`None`: not known, as for
    /// standard input).
    pub(crate) fn new(total: Option<u64>) -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let (bar, template) = match total {
                Some(total) => (
                    ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden()),
                    "{elapsed_precise} [{wide_bar}] {binary_bytes}/{binary_total_bytes} · {msg} · {eta} left",
                ),
                None => (
                    ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden()),
                    "{elapsed_precise} {spinner} {binary_bytes} read · {msg}",
                ),
            };
            if let Ok(style) = ProgressStyle::with_template(template) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar
        });
        Progress {
            bar,
            started: Instant::now(),
            shown: false,
            documents: 0,
            findings: 0,
        }
    }

    /// `bytes` more of the input were read.
    pub(crate) fn read(&mut self, bytes: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(bytes);
        }
        self.show_when_due();
    }

    /// A document was checked, with `findings` findings.
    pub(crate) fn document(&mut self, findings: u64) {
        self.documents += 1;
        self.findings += findings;
        // The message is a new string: update it now and then, not per document.
        if self.documents.is_multiple_of(512) {
            self.show_when_due();
            if let Some(bar) = &self.bar
                && self.shown
            {
                bar.set_message(format!(
                    "{} documents, {} findings",
                    self.documents, self.findings
                ));
            }
        }
    }

    /// Runs `write` with the bar out of the way.
    pub(crate) fn suspend<R>(&self, write: impl FnOnce() -> R) -> R {
        match &self.bar {
            Some(bar) if self.shown => bar.suspend(write),
            _ => write(),
        }
    }

    /// Takes the bar off the terminal.
    pub(crate) fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }

    fn show_when_due(&mut self) {
        if let Some(bar) = &self.bar
            && !self.shown
            && self.started.elapsed() >= SHOW_AFTER
        {
            bar.set_draw_target(ProgressDrawTarget::stderr());
            self.shown = true;
        }
    }
}

/// The bytes of input the run will read: the size of each input file; `None`
/// when an input is standard input or its size cannot be read.
pub fn input_size(inputs: &[Input]) -> Option<u64> {
    inputs.iter().try_fold(0u64, |sum, input| match input {
        Input::File(path) => std::fs::metadata(path).ok().map(|m| sum + m.len()),
        _ => None,
    })
}

/// A form with a progress bar: everything the form writes while the bar is up
/// is written with the bar out of the way.
pub(crate) struct WithProgress<'p> {
    form: Box<dyn Report + 'p>,
    progress: Progress,
}

impl<'p> WithProgress<'p> {
    /// `form`, with a bar over `total` bytes of input.
    pub(crate) fn new(form: Box<dyn Report + 'p>, total: Option<u64>) -> Self {
        WithProgress {
            form,
            progress: Progress::new(total),
        }
    }
}

impl Sink for WithProgress<'_> {
    fn keeps_spans(&self) -> bool {
        self.form.keeps_spans()
    }

    fn error(&mut self, sources: &Sources, error: Diagnostic) {
        let form = &mut self.form;
        self.progress.suspend(|| form.error(sources, error));
    }

    fn document(&mut self, sources: &Sources, document: DocumentResult) {
        let found = document
            .outcomes
            .iter()
            .filter(|o| o.finding.is_some())
            .count();
        self.progress.document(found as u64);
        let form = &mut self.form;
        if form.shows_documents() {
            self.progress.suspend(|| form.document(sources, document));
        } else {
            form.document(sources, document);
        }
    }

    fn read(&mut self, bytes: u64) {
        self.progress.read(bytes);
        self.form.read(bytes);
    }
}

impl Report for WithProgress<'_> {
    fn finish(self: Box<Self>, sources: Sources, signoff: &SignOff) -> Verdict {
        self.progress.finish();
        self.form.finish(sources, signoff)
    }

    fn shows_documents(&self) -> bool {
        self.form.shows_documents()
    }
}

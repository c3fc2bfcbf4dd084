//! Where a session sends what it finds, in input order.

use super::result::DocumentResult;
use crate::diagnostic::Diagnostic;
use crate::source::Sources;

/// Where a [`Session`](super::Session) sends what it finds, in input order, as documents are
/// checked. [`Collect`] keeps everything (a [`Checked`](super::Checked)); the command line's
/// reports write each document out as it comes, so that memory does not grow
/// with the number of documents.
pub trait Sink {
    /// Whether the sink keeps spans beyond the call that gave them. If it does
    /// not, the session forgets the text of a streamed document (a JSON Lines
    /// line, an element of a JSON array) once the sink has seen it.
    fn keeps_spans(&self) -> bool;

    /// A problem of the run (exit code 2); `sources` holds every file its spans
    /// point into. A document's problems come just before the document.
    fn error(&mut self, sources: &Sources, error: Diagnostic);

    /// A document read: evaluated, or not (then its problems came before it).
    fn document(&mut self, sources: &Sources, document: DocumentResult);

    /// `bytes` more of the input were read (for a progress bar).
    fn read(&mut self, bytes: u64) {
        let _ = bytes;
    }
}

/// The sink that keeps every problem and document, to make a [`Checked`](super::Checked).
#[derive(Debug, Default)]
pub struct Collect {
    /// Problems found so far (exit code 2).
    pub errors: Vec<Diagnostic>,
    /// Documents checked so far, in order.
    pub documents: Vec<DocumentResult>,
}

/// A boxed sink is a sink: the command line picks its report at run time.
impl<S: Sink + ?Sized> Sink for Box<S> {
    fn keeps_spans(&self) -> bool {
        (**self).keeps_spans()
    }

    fn error(&mut self, sources: &Sources, error: Diagnostic) {
        (**self).error(sources, error);
    }

    fn document(&mut self, sources: &Sources, document: DocumentResult) {
        (**self).document(sources, document);
    }

    fn read(&mut self, bytes: u64) {
        (**self).read(bytes);
    }
}

impl Sink for Collect {
    fn keeps_spans(&self) -> bool {
        true
    }

    fn error(&mut self, _: &Sources, error: Diagnostic) {
        self.errors.push(error);
    }

    fn document(&mut self, _: &Sources, document: DocumentResult) {
        self.documents.push(document);
    }
}

//! Recording why a `require` failed.
//!
//! The evaluator is generic over a [`Tracer`]. The everyday one, [`NoTrace`], is
//! a zero-sized type whose methods do nothing, so the compiled fast path has no
//! trace code at all. A failed `require` is evaluated once more with a
//! [`Recorder`], which keeps the values the clause read (with their paths, so a
//! report can point into the input) and the sub-values it computed.

use crate::model::path::Path;
use crate::model::types::Type;
use crate::model::value::Value;
use crate::source::Span;

/// At most this many values read, and this many computed values, are kept per
/// finding: enough to explain a clause, bounded for clauses over long lists.
pub const MAX_TRACE_ENTRIES: usize = 24;

/// A value a failing `require` read from the document or a data file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Read {
    /// The expression in the policy that read it (`transfer.partner.region`).
    pub span: Span,
    /// Where the value is: a path into the document or a data file.
    pub path: Path,
    /// The value.
    pub value: Value,
    /// Its type, to show it.
    pub ty: Type,
}

/// A sub-value a failing `require` computed, to label the policy with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Computed {
    /// The expression.
    pub span: Span,
    /// Its value.
    pub value: Value,
    /// Its type, to show it.
    pub ty: Type,
}

/// What the evaluator tells a tracer. See the module docs.
pub(crate) trait Tracer {
    /// Whether this tracer records anything; when false, the evaluator skips the
    /// work of building paths.
    const ON: bool;
    /// A value was read at `path`.
    fn read(&mut self, read: Read);
    /// A sub-value was computed.
    fn computed(&mut self, computed: Computed);
    /// A position to return to with [`Tracer::rewind`].
    fn mark(&self) -> (usize, usize);
    /// Forgets everything recorded after `mark` (the elements of a generator that
    /// did not decide its result).
    fn rewind(&mut self, mark: (usize, usize));
}

/// The tracer of the fast path: records nothing, costs nothing.
pub(crate) struct NoTrace;

impl Tracer for NoTrace {
    const ON: bool = false;
    fn read(&mut self, _: Read) {}
    fn computed(&mut self, _: Computed) {}
    fn mark(&self) -> (usize, usize) {
        (0, 0)
    }
    fn rewind(&mut self, _: (usize, usize)) {}
}

/// The tracer of a failed `require`.
#[derive(Debug, Default)]
pub(crate) struct Recorder {
    pub(crate) reads: Vec<Read>,
    pub(crate) computed: Vec<Computed>,
}

impl Tracer for Recorder {
    const ON: bool = true;

    fn read(&mut self, read: Read) {
        if self.reads.len() < MAX_TRACE_ENTRIES && !self.reads.iter().any(|r| r.path == read.path) {
            self.reads.push(read);
        }
    }

    fn computed(&mut self, computed: Computed) {
        if self.computed.len() < MAX_TRACE_ENTRIES
            && !self.computed.iter().any(|c| c.span == computed.span)
        {
            self.computed.push(computed);
        }
    }

    fn mark(&self) -> (usize, usize) {
        (self.reads.len(), self.computed.len())
    }

    fn rewind(&mut self, (reads, computed): (usize, usize)) {
        self.reads.truncate(reads);
        self.computed.truncate(computed);
    }
}

//! The step budget: how many evaluation steps a document may take.
//!
//! One [`Budget`] per document, shared by its rules; every expression a [`Frame`]
//! evaluates takes steps from it, so that a document whose rules would run for
//! minutes (nested generators over long lists) stops with an error instead. Kept
//! apart from the frame because the rule loop in `mod.rs` owns its life: it makes
//! one per document and stops when it is spent.

use std::cell::Cell;

/// The evaluation steps a document has left ([`crate::limits::Limits::eval_steps`]).
///
/// One per document, shared by its rules; when it runs out, the expression in
/// hand fails with an error, that subject's outcome is recorded (with a small
/// allowance to render its message), and the document's evaluation stops.
#[derive(Debug)]
pub(crate) struct Budget {
    limit: u64,
    left: Cell<u64>,
    spent: Cell<bool>,
}

/// Steps allowed, after the budget ran out, to report the subject it ran out
/// on (its message and what the clause read).
const REPORT_ALLOWANCE: u64 = 100_000;

impl Budget {
    pub(super) fn new(limit: u64) -> Budget {
        Budget {
            limit,
            left: Cell::new(limit),
            spent: Cell::new(false),
        }
    }

    /// Takes `steps`; false when there were not that many left.
    #[inline]
    pub(crate) fn take(&self, steps: u64) -> bool {
        if self.limit == 0 {
            return true;
        }
        match self.left.get().checked_sub(steps) {
            Some(left) => {
                self.left.set(left);
                true
            }
            None => {
                self.left.set(0);
                self.spent.set(true);
                false
            }
        }
    }

    pub(crate) fn limit(&self) -> u64 {
        self.limit
    }

    pub(crate) fn is_spent(&self) -> bool {
        self.spent.get()
    }

    /// Lends a few steps to report the subject the budget ran out on.
    pub(crate) fn allow_report(&self) {
        if self.is_spent() {
            self.left.set(REPORT_ALLOWANCE);
        }
    }
}

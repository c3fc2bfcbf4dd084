//! Lazy `let`s: a `let` is computed when it is first read (decision 60).
//!
//! A `let` that only a message shows costs nothing for a passing subject. When a
//! `let` is read, the pending `let`s it reads are computed first, in the order
//! written, so a long chain of `let`s needs no recursion; a `let` that fails keeps
//! its error until something reads it, and a trace follows into it to show what
//! it read.

use super::error::EvalErrorKind;
use super::evaluator::Binder;
use super::frame::{Eval, Frame, Local};
use super::trace::{NoTrace, Tracer};
use crate::model::program::TExpr;

/// How many failed `let`s a trace follows into, one inside the other, to show
/// what the failing one read (see [`Frame::local`]).
const MAX_RETRACE: u32 = 64;

impl<'e, 'a> Frame<'e, 'a> {
    /// The value of a local variable, computing a pending `let` first.
    pub(super) fn local<T: Tracer>(&mut self, slot: u32, e: &'a TExpr, t: &mut T) -> Eval {
        if matches!(self.locals.get(slot as usize), Some(Local::Pending)) {
            self.force(slot);
        }
        match self.locals.get(slot as usize) {
            Some(Local::Ready(v)) => Ok(v.clone()),
            Some(Local::Failed(error)) => {
                // A trace of the clause that read a failed `let` follows into the
                // `let`, so that the report shows what it read.
                if T::ON
                    && self.retrace < MAX_RETRACE
                    && let Some(Binder::Let(value)) = self.layout.binders.get(slot as usize)
                {
                    let error = (**error).clone();
                    self.retrace += 1;
                    let traced = self.eval_in(value, t, false);
                    self.retrace -= 1;
                    return traced.and(Err(error));
                }
                Err((**error).clone())
            }
            _ => Err(self.error(
                EvalErrorKind::NotComputed,
                format!("`{}` was not computed for this subject", self.text(e.span)),
                e,
                None,
            )),
        }
    }

    /// Computes the pending `let` in `slot`, and first the pending `let`s it
    /// reads, directly or through others, in the order written: each then finds
    /// what it reads computed, so a long chain of `let`s is computed without
    /// recursion. (A `let` read only on a branch not taken is computed all the
    /// same; its error, if any, is kept until something reads it.)
    fn force(&mut self, slot: u32) {
        let layout = self.layout;
        let pending = |s: &u32| matches!(self.locals.get(*s as usize), Some(Local::Pending));
        if !layout.let_reads(slot).iter().any(pending) {
            self.compute_let(slot);
            return;
        }
        let mut order = Vec::new();
        let mut todo = vec![slot];
        while let Some(s) = todo.pop() {
            if let Some(l @ Local::Pending) = self.locals.get_mut(s as usize) {
                *l = Local::Queued;
                order.push(s);
                todo.extend_from_slice(layout.let_reads(s));
            }
        }
        // Slots are numbered in the order they are written.
        order.sort_unstable();
        for s in order {
            self.compute_let(s);
        }
    }

    fn compute_let(&mut self, slot: u32) {
        let Some(Binder::Let(value)) = self.layout.binders.get(slot as usize) else {
            return;
        };
        let state = match self.eval_in(value, &mut NoTrace, false) {
            Ok(v) => Local::Ready(v),
            Err(e) => Local::Failed(Box::new(e)),
        };
        self.set(slot, state);
    }
}

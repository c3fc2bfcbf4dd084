//! Calls of pack functions, and the `map(key: value for …)` generator.
//!
//! A pack function's body runs in a frame of its own: its parameters are its
//! first slots, bound to the arguments, and it sees the document, `data` and
//! params like a rule. The arguments are evaluated (and traced) in the caller's
//! frame; the body is evaluated without a trace, and the call's result is
//! what a report labels, so a finding shows `catalog_key(s.offerId)` with its
//! value rather than the body's inner workings. Every expression of the body
//! costs steps from the document's budget like any other.

use std::collections::HashSet;
use std::sync::Arc;

use super::error::EvalErrorKind;
use super::frame::{Eval, Frame, Local};
use super::trace::{NoTrace, Tracer};
use crate::model::program::TExpr;
use crate::model::value::{Map, Value};

/// How deeply pack function calls may nest. No function calls itself (the
/// checker rejects cycles), so only a chain of this many distinct functions
/// could reach it; the limit keeps such a pack from exhausting the stack.
pub(crate) const MAX_CALL_DEPTH: u32 = 128;

impl<'e, 'a> Frame<'e, 'a> {
    /// `f(args…)` for pack function number `func`. Not inlined, so that its
    /// locals do not enlarge the frame of every nested evaluation.
    #[inline(never)]
    pub(super) fn call_fn<T: Tracer>(
        &mut self,
        e: &'a TExpr,
        func: u32,
        args: &'a [TExpr],
        t: &mut T,
    ) -> Eval {
        let ev = self.ev;
        let (Some(f), Some(layout)) = (
            ev.program.functions.get(func as usize),
            ev.fn_layouts.get(func as usize),
        ) else {
            return Err(self.internal(e.span));
        };
        if self.depth >= MAX_CALL_DEPTH {
            return Err(self.error(
                EvalErrorKind::CallDepth,
                format!(
                    "pack functions are nested more than {MAX_CALL_DEPTH} calls deep at `{}`",
                    f.name
                ),
                e,
                None,
            ));
        }
        let n = f.slots as usize;
        let mut locals = Vec::with_capacity(n);
        for a in args {
            let v = self.eval_in(a, t, false)?;
            self.note_operand(t, a, &v);
            locals.push(Local::Ready(v));
        }
        locals.resize(n, Local::Unbound);
        let mut frame = Frame {
            ev,
            steps: &[],
            layout,
            doc: self.doc,
            budget: self.budget,
            identities: self.identities,
            locals,
            index: vec![0; n],
            retrace: 0,
            depth: self.depth + 1,
        };
        frame.eval_in(&f.body, &mut NoTrace, false)
    }

    /// `map(key: value for x in iter if filter)`: entries in the list's order,
    /// the first entry of a key winning.
    #[inline(never)]
    pub(super) fn map_generator<T: Tracer>(
        &mut self,
        slot: u32,
        iter: &'a TExpr,
        filter: Option<&'a TExpr>,
        key: &'a TExpr,
        value: &'a TExpr,
        t: &mut T,
    ) -> Eval {
        let Value::List(xs) = self.eval_in(iter, t, false)? else {
            return Err(self.internal(iter.span));
        };
        let mut seen: HashSet<Arc<str>, foldhash::fast::RandomState> = HashSet::default();
        let mut entries = Vec::with_capacity(xs.len());
        for (i, x) in xs.iter().enumerate() {
            self.bind_element(slot, x.clone(), i);
            if let Some(f) = filter
                && !self.bool(f, t)?
            {
                continue;
            }
            let Value::Str(k) = self.eval_in(key, t, false)? else {
                return Err(self.internal(key.span));
            };
            if seen.contains(&k) {
                continue;
            }
            let v = self.eval_in(value, t, false)?;
            seen.insert(k.clone());
            entries.push((k, v));
        }
        self.unbind(slot);
        Ok(Value::Map(Arc::new(Map::new(entries))))
    }
}

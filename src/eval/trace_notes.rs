//! What a trace records while a failed `require` is evaluated again.
//!
//! The evaluator calls these at the points where a report wants a label: a value
//! read from a file (with its path), an operand or a call's result computed on the
//! way. With [`NoTrace`](super::trace::NoTrace) they compile to nothing; the
//! [`Tracer`] decides what to keep.

use super::frame::{Frame, is_path, is_scalar};
use super::trace::{Computed, Read, Tracer};
use crate::model::path::Root;
use crate::model::program::{TExpr, TExprKind};
use crate::model::value::Value;

impl<'e, 'a> Frame<'e, 'a> {
    /// Records a value read from a file (or, when its place is not in a file, as
    /// a computed value).
    pub(super) fn note_read<T: Tracer>(&self, t: &mut T, e: &'a TExpr, v: &Value) {
        if !T::ON {
            return;
        }
        match self.path_of(e, 0) {
            Some(path) if !matches!(path.root, Root::Computed { .. }) => t.read(Read {
                span: e.span,
                path,
                value: v.clone(),
                ty: e.ty.clone(),
            }),
            _ => self.note_computed(t, e, v),
        }
    }

    fn note_computed<T: Tracer>(&self, t: &mut T, e: &'a TExpr, v: &Value) {
        if T::ON {
            t.computed(Computed {
                span: e.span,
                value: v.clone(),
                ty: e.ty.clone(),
            });
        }
    }

    /// Labels an operand of a comparison or arithmetic with its value, unless it
    /// is a literal or a value read from a file (which is labelled there).
    pub(super) fn note_operand<T: Tracer>(&self, t: &mut T, e: &'a TExpr, v: &Value) {
        if !T::ON || matches!(e.kind, TExprKind::Const(_) | TExprKind::List(_)) {
            return;
        }
        if !is_path(e) {
            self.note_computed(t, e, v);
        } else if !is_scalar(&e.ty) {
            // A list or record compared or searched (`x in from.equivalents`):
            // shown where it is written, like a plain value. (Plain values read
            // as operands were recorded when they were evaluated.)
            self.note_read(t, e, v);
        }
    }

    /// Labels a boolean that decides a clause when it comes from a call
    /// (`all(…) = false`); comparisons and `has` explain themselves.
    pub(super) fn note_decision<T: Tracer>(&self, t: &mut T, e: &'a TExpr, v: &Value) {
        if T::ON
            && matches!(
                e.kind,
                TExprKind::Call { .. }
                    | TExprKind::CallFn { .. }
                    | TExprKind::Generator { .. }
                    | TExprKind::Aggregate { .. }
                    | TExprKind::Matches { .. }
            )
        {
            self.note_computed(t, e, v);
        }
    }
}

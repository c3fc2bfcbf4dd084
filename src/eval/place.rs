//! Reading values in place: the fast path of the evaluator.
//!
//! Most of what rules do is read a field of a field (`s.target.offer`), look a key
//! up (`catalog.offers[s.offer]`) and compare. Evaluated in full, every step of
//! such a path copies its value out (an `Arc` count up and down, shared by all
//! threads). Here a path is followed by reference, and comparisons, membership
//! tests and `has` work on the references, so nothing is copied at all.
//!
//! The fast path only ever answers when the answer is plain: a `let` not computed
//! yet, an absent field, a missing key or index, anything computed, and it gives
//! up (`None`). The caller then evaluates the expression in full, which computes
//! the `let` or reports the error. A trace never takes the fast path, so reports
//! are built by the one full evaluator. Both paths charge the same steps: one per
//! expression walked.

use std::cmp::Ordering;

use super::frame::{Frame, Local};
use crate::model::program::{Const, TExpr, TExprKind};
use crate::model::value::Value;

/// An operand read in place: a value of the document, a data file, a param or a
/// computed variable, or a literal of the program.
#[derive(Debug, Clone, Copy)]
pub(super) enum Operand<'x> {
    Value(&'x Value),
    Const(&'x Const),
}

impl<'x> Operand<'x> {
    /// Whether two operands are equal, as `==` has it.
    pub(super) fn same(self, other: Operand<'_>) -> bool {
        match (self, other) {
            (Operand::Value(a), Operand::Value(b)) => a == b,
            (Operand::Value(v), Operand::Const(c)) | (Operand::Const(c), Operand::Value(v)) => {
                same_as_const(v, c)
            }
            (Operand::Const(a), Operand::Const(b)) => Value::from_const(a) == Value::from_const(b),
        }
    }

    /// How two ints, two dates or two datetimes compare; `None` for other values.
    pub(super) fn order(self, other: Operand<'_>) -> Option<Ordering> {
        match (self.scalar()?, other.scalar()?) {
            (Scalar::Int(a), Scalar::Int(b)) => Some(a.cmp(&b)),
            (Scalar::Date(a), Scalar::Date(b)) => Some(a.cmp(&b)),
            (Scalar::DateTime(a), Scalar::DateTime(b)) => Some(a.cmp(&b)),
            _ => None,
        }
    }

    /// The text of a string operand.
    pub(super) fn as_str(self) -> Option<&'x str> {
        match self {
            Operand::Value(Value::Str(s)) | Operand::Const(Const::Str(s)) => Some(s),
            _ => None,
        }
    }

    /// The evaluation steps walking this operand costs ([`Value::walk_cost`]).
    pub(super) fn walk_cost(self) -> usize {
        match self {
            Operand::Value(v) => v.walk_cost(),
            Operand::Const(Const::Str(s)) => s.len() / 64,
            Operand::Const(_) => 0,
        }
    }

    fn scalar(self) -> Option<Scalar> {
        match self {
            Operand::Value(Value::Int(i)) | Operand::Const(Const::Int(i)) => Some(Scalar::Int(*i)),
            Operand::Value(Value::Date(d)) | Operand::Const(Const::Date(d)) => {
                Some(Scalar::Date(*d))
            }
            Operand::Value(Value::DateTime(t)) | Operand::Const(Const::DateTime(t)) => {
                Some(Scalar::DateTime(*t))
            }
            _ => None,
        }
    }
}

/// An int, a date or a datetime, the values that `<` compares.
enum Scalar {
    Int(i64),
    Date(jiff::civil::Date),
    DateTime(crate::model::datetime::DateTime),
}

/// Whether a value equals a literal.
fn same_as_const(v: &Value, c: &Const) -> bool {
    match (v, c) {
        (Value::Bool(a), Const::Bool(b)) => a == b,
        (Value::Int(a), Const::Int(b)) => a == b,
        (Value::Str(a), Const::Str(b)) => a == b,
        (Value::Date(a), Const::Date(b)) => a == b,
        (Value::DateTime(a), Const::DateTime(b)) => a == b,
        (Value::Enum(a), Const::Enum(_, b)) => a == b,
        _ => false,
    }
}

impl<'e, 'a> Frame<'e, 'a> {
    /// The value at a place expression (a variable, or a field, element or map
    /// entry of one), by reference; `None` when it cannot be had that simply.
    /// `steps` counts the expressions walked.
    pub(super) fn place(&self, e: &'a TExpr, steps: &mut usize) -> Option<&Value> {
        *steps += 1;
        match &e.kind {
            TExprKind::Input => Some(self.doc),
            TExprKind::Data(i) => self.ev.data.get(*i as usize),
            TExprKind::Param(i) => self.ev.params.get(*i as usize),
            TExprKind::Local(slot) => match self.locals.get(*slot as usize)? {
                Local::Ready(v) => Some(v),
                _ => None,
            },
            TExprKind::Field { target, field } => match self.place(target, steps)? {
                Value::Record(fields) => fields.get(*field as usize)?.as_ref(),
                _ => None,
            },
            TExprKind::Index { target, index } => {
                let Value::List(xs) = self.place(target, steps)? else {
                    return None;
                };
                let i = match self.operand(index, steps)?.scalar()? {
                    Scalar::Int(i) => usize::try_from(i).ok()?,
                    Scalar::Date(_) | Scalar::DateTime(_) => return None,
                };
                xs.get(i)
            }
            TExprKind::Lookup { target, key } => {
                let Value::Map(m) = self.place(target, steps)? else {
                    return None;
                };
                m.get(self.operand(key, steps)?.as_str()?)
            }
            _ => None,
        }
    }

    /// A literal or a place, by reference.
    pub(super) fn operand(&self, e: &'a TExpr, steps: &mut usize) -> Option<Operand<'_>> {
        match &e.kind {
            TExprKind::Const(c) => {
                *steps += 1;
                Some(Operand::Const(c))
            }
            _ => self.place(e, steps).map(Operand::Value),
        }
    }

    /// Both operands of a binary operator, by reference.
    pub(super) fn operands(
        &self,
        lhs: &'a TExpr,
        rhs: &'a TExpr,
        steps: &mut usize,
    ) -> Option<(Operand<'_>, Operand<'_>)> {
        Some((self.operand(lhs, steps)?, self.operand(rhs, steps)?))
    }
}

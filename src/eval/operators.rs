//! Operators: `and`/`or`, comparisons, `in`, arithmetic and the `??` chain.
//!
//! Comparisons and `in` first try to read their operands in place (`place.rs`),
//! which copies nothing; when that gives up, or a trace is being recorded, the
//! operands are evaluated in full. Arithmetic is checked: overflow and division by
//! zero are errors, never a wrapped value or a panic.

use std::cmp::Ordering;

use super::error::{EvalError, EvalErrorKind};
use super::frame::{Eval, Frame};
use super::place::Operand;
use super::trace::Tracer;
use crate::model::program::{BinOp, TExpr, TExprKind};
use crate::model::value::Value;

impl<'e, 'a> Frame<'e, 'a> {
    /// Evaluates a chain of field accesses under `??`: `None` when an optional
    /// field on the chain is absent.
    pub(super) fn eval_chain<T: Tracer>(
        &mut self,
        e: &'a TExpr,
        t: &mut T,
    ) -> Result<Option<Value>, EvalError> {
        match &e.kind {
            TExprKind::Field { target, field } => {
                let Some(record) = self.eval_chain(target, t)? else {
                    return Ok(None);
                };
                let Value::Record(fields) = record else {
                    return Err(self.internal(target.span));
                };
                Ok(fields.get(*field as usize).and_then(Clone::clone))
            }
            _ => self.eval_in(e, t, true).map(Some),
        }
    }

    pub(super) fn bool<T: Tracer>(&mut self, e: &'a TExpr, t: &mut T) -> Result<bool, EvalError> {
        match self.eval_in(e, t, false)? {
            Value::Bool(b) => Ok(b),
            _ => Err(self.internal(e.span)),
        }
    }

    pub(super) fn int<T: Tracer>(&mut self, e: &'a TExpr, t: &mut T) -> Result<i64, EvalError> {
        match self.eval_in(e, t, false)? {
            Value::Int(i) => Ok(i),
            _ => Err(self.internal(e.span)),
        }
    }

    pub(super) fn overflow(&self, e: &'a TExpr) -> EvalError {
        self.error(
            EvalErrorKind::Overflow,
            format!("integer overflow in `{}`", self.text(e.span)),
            e,
            None,
        )
        .with_help(
            "the result is beyond the 64-bit integer range; check the values in the data".into(),
        )
    }

    pub(super) fn binary<T: Tracer>(
        &mut self,
        e: &'a TExpr,
        op: BinOp,
        lhs: &'a TExpr,
        rhs: &'a TExpr,
        t: &mut T,
    ) -> Eval {
        Ok(match op {
            BinOp::And | BinOp::Or => {
                let l = self.bool(lhs, t)?;
                self.note_decision(t, lhs, &Value::Bool(l));
                if l == (op == BinOp::Or) {
                    return Ok(Value::Bool(l));
                }
                let r = self.bool(rhs, t)?;
                self.note_decision(t, rhs, &Value::Bool(r));
                Value::Bool(r)
            }
            BinOp::Eq | BinOp::Ne => {
                let mut steps = 0;
                if !T::ON
                    && let Some((l, r)) = self.operands(lhs, rhs, &mut steps)
                {
                    let same = l.same(r);
                    self.charge(steps + l.walk_cost(), e)?;
                    return Ok(Value::Bool(same == (op == BinOp::Eq)));
                }
                let l = self.eval_in(lhs, t, false)?;
                let r = self.eval_in(rhs, t, false)?;
                self.note_operand(t, lhs, &l);
                self.note_operand(t, rhs, &r);
                self.charge(l.walk_cost(), e)?;
                Value::Bool((l == r) == (op == BinOp::Eq))
            }
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                let mut steps = 0;
                if !T::ON
                    && let Some((l, r)) = self.operands(lhs, rhs, &mut steps)
                    && let Some(ord) = l.order(r)
                {
                    self.charge(steps, e)?;
                    return Ok(Value::Bool(holds(op, ord)));
                }
                let l = self.eval_in(lhs, t, false)?;
                let r = self.eval_in(rhs, t, false)?;
                self.note_operand(t, lhs, &l);
                self.note_operand(t, rhs, &r);
                let ord = compare(&l, &r).ok_or_else(|| self.internal(e.span))?;
                Value::Bool(holds(op, ord))
            }
            BinOp::InList | BinOp::NotInList => {
                if !T::ON
                    && let Some(found) = self.in_list_in_place(e, lhs, rhs)?
                {
                    return Ok(Value::Bool(found == (op == BinOp::InList)));
                }
                let x = self.eval_in(lhs, t, false)?;
                self.note_operand(t, lhs, &x);
                let found = if let TExprKind::List(items) = &rhs.kind {
                    // A literal list is searched without being built.
                    let mut found = false;
                    for item in items {
                        if self.eval_in(item, t, false)? == x {
                            found = true;
                            break;
                        }
                    }
                    found
                } else {
                    let list = self.eval_in(rhs, t, false)?;
                    self.note_operand(t, rhs, &list);
                    let Value::List(xs) = list else {
                        return Err(self.internal(rhs.span));
                    };
                    self.charge(xs.len().saturating_mul(x.walk_cost().max(1)), e)?;
                    xs.contains(&x)
                };
                Value::Bool(found == (op == BinOp::InList))
            }
            BinOp::InMap | BinOp::NotInMap => {
                let mut steps = 0;
                if !T::ON
                    && let Some(k) = self.operand(lhs, &mut steps).and_then(|k| k.as_str())
                    && let Some(Value::Map(m)) = self.place(rhs, &mut steps)
                {
                    let found = m.get(k).is_some();
                    self.charge(steps, e)?;
                    return Ok(Value::Bool(found == (op == BinOp::InMap)));
                }
                let k = self.eval_in(lhs, t, false)?;
                self.note_operand(t, lhs, &k);
                let (Value::Str(k), Value::Map(m)) = (k, self.eval_in(rhs, t, true)?) else {
                    return Err(self.internal(e.span));
                };
                Value::Bool(m.get(&k).is_some() == (op == BinOp::InMap))
            }
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => {
                let l = self.int(lhs, t)?;
                let r = self.int(rhs, t)?;
                self.note_operand(t, lhs, &Value::Int(l));
                self.note_operand(t, rhs, &Value::Int(r));
                let result = match op {
                    BinOp::Add => l.checked_add(r),
                    BinOp::Sub => l.checked_sub(r),
                    BinOp::Mul => l.checked_mul(r),
                    _ => {
                        if r == 0 {
                            let path = self.path_of(rhs, 0);
                            return Err(self
                                .error(
                                    EvalErrorKind::DivisionByZero,
                                    format!("division by zero in `{}`", self.text(e.span)),
                                    e,
                                    path,
                                )
                                .with_help(format!(
                                    "guard the rule with `when {} != 0`",
                                    self.text(rhs.span)
                                )));
                        }
                        l.checked_div(r)
                    }
                };
                Value::Int(result.ok_or_else(|| self.overflow(e))?)
            }
        })
    }

    /// `x in xs` read in place: `None` when an operand is not a place or a
    /// literal (the caller then evaluates it in full).
    fn in_list_in_place(
        &self,
        e: &'a TExpr,
        lhs: &'a TExpr,
        rhs: &'a TExpr,
    ) -> Result<Option<bool>, EvalError> {
        let mut steps = 0;
        let Some(x) = self.operand(lhs, &mut steps) else {
            return Ok(None);
        };
        let found = if let TExprKind::List(items) = &rhs.kind {
            // A literal list is searched without being built.
            let mut found = false;
            for item in items {
                let TExprKind::Const(c) = &item.kind else {
                    return Ok(None);
                };
                steps += 1;
                if x.same(Operand::Const(c)) {
                    found = true;
                    break;
                }
            }
            found
        } else {
            let Some(Value::List(xs)) = self.place(rhs, &mut steps) else {
                return Ok(None);
            };
            steps = steps.saturating_add(xs.len().saturating_mul(x.walk_cost().max(1)));
            xs.iter().any(|v| x.same(Operand::Value(v)))
        };
        self.charge(steps, e)?;
        Ok(Some(found))
    }
}

/// Whether an ordering satisfies a comparison operator.
fn holds(op: BinOp, ord: Ordering) -> bool {
    match op {
        BinOp::Lt => ord == Ordering::Less,
        BinOp::Le => ord != Ordering::Greater,
        BinOp::Gt => ord == Ordering::Greater,
        _ => ord != Ordering::Less,
    }
}

/// Orders two ints, two dates or two datetimes (by instant); `None` for
/// anything else.
pub(super) fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Some(x.cmp(y)),
        (Value::Date(x), Value::Date(y)) => Some(x.cmp(y)),
        (Value::DateTime(x), Value::DateTime(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

//! Generators (`all(x > 0 for x in xs if …)`) and aggregates over plain lists
//! (`sum(xs)`), which share what `min` and `max` mean.
//!
//! `all` and `any` stop at the element that decides them (a failed `all` keeps
//! only that element's reads in its trace); `min` and `max` of nothing are
//! errors. Sums and counts are checked for overflow.

use std::cmp::Ordering;
use std::sync::Arc;

use super::error::{EvalError, EvalErrorKind};
use super::frame::{Eval, Frame};
use super::operators::compare;
use super::trace::Tracer;
use crate::model::path::Path;
use crate::model::program::{Aggregate, TExpr};
use crate::model::value::Value;

impl<'e, 'a> Frame<'e, 'a> {
    #[expect(
        clippy::too_many_arguments,
        reason = "the parts of one generator expression"
    )]
    pub(super) fn generator<T: Tracer>(
        &mut self,
        e: &'a TExpr,
        kind: Aggregate,
        slot: u32,
        iter: &'a TExpr,
        filter: Option<&'a TExpr>,
        body: &'a TExpr,
        t: &mut T,
    ) -> Eval {
        let Value::List(xs) = self.eval_in(iter, t, false)? else {
            return Err(self.internal(iter.span));
        };
        let mut count: i64 = 0;
        let mut sum: i64 = 0;
        let mut best: Option<Value> = None;
        let mut list = Vec::new();
        for (i, x) in xs.iter().enumerate() {
            self.bind_element(slot, x.clone(), i);
            let mark = t.mark();
            if let Some(f) = filter
                && !self.bool(f, t)?
            {
                t.rewind(mark);
                continue;
            }
            match kind {
                Aggregate::All => {
                    if !self.bool(body, t)? {
                        // The element that decides the result keeps its trace;
                        // the ones that held explain nothing.
                        return Ok(Value::Bool(false));
                    }
                    t.rewind(mark);
                }
                Aggregate::Any => {
                    if self.bool(body, t)? {
                        return Ok(Value::Bool(true));
                    }
                }
                Aggregate::Count => {
                    count = count.checked_add(1).ok_or_else(|| self.overflow(e))?;
                }
                Aggregate::Sum => {
                    let v = self.int(body, t)?;
                    sum = sum.checked_add(v).ok_or_else(|| self.overflow(e))?;
                }
                Aggregate::Min | Aggregate::Max => {
                    let v = self.eval_in(body, t, false)?;
                    best = Some(self.better(e, kind, best, v)?);
                }
                Aggregate::List => list.push(self.eval_in(body, t, false)?),
            }
            // Other generators keep what each element read (`any` that found
            // nothing, the terms of a `sum`), up to the recorder's cap.
        }
        self.unbind(slot);
        Ok(match kind {
            Aggregate::All => Value::Bool(true),
            Aggregate::Any => Value::Bool(false),
            Aggregate::Count => Value::Int(count),
            Aggregate::Sum => Value::Int(sum),
            Aggregate::Min | Aggregate::Max => {
                best.ok_or_else(|| self.empty(e, kind, self.path_of(iter, 0)))?
            }
            Aggregate::List => Value::List(Arc::from(list)),
        })
    }

    pub(super) fn aggregate(
        &self,
        e: &'a TExpr,
        kind: Aggregate,
        list: &'a TExpr,
        xs: &[Value],
    ) -> Eval {
        Ok(match kind {
            Aggregate::All => Value::Bool(xs.iter().all(|x| *x == Value::Bool(true))),
            Aggregate::Any => Value::Bool(xs.contains(&Value::Bool(true))),
            Aggregate::Count => Value::Int(i64::try_from(xs.len()).map_err(|_| self.overflow(e))?),
            Aggregate::Sum => {
                let mut sum: i64 = 0;
                for x in xs {
                    let Value::Int(i) = x else {
                        return Err(self.internal(e.span));
                    };
                    sum = sum.checked_add(*i).ok_or_else(|| self.overflow(e))?;
                }
                Value::Int(sum)
            }
            Aggregate::Min | Aggregate::Max => {
                let mut best = None;
                for x in xs {
                    best = Some(self.better(e, kind, best, x.clone())?);
                }
                best.ok_or_else(|| self.empty(e, kind, self.path_of(list, 0)))?
            }
            Aggregate::List => Value::List(Arc::from(xs)),
        })
    }

    /// The smaller (`min`) or larger (`max`) of the best so far and `v`.
    fn better(&self, e: &'a TExpr, kind: Aggregate, best: Option<Value>, v: Value) -> Eval {
        let Some(b) = best else { return Ok(v) };
        let ord = compare(&v, &b).ok_or_else(|| self.internal(e.span))?;
        let take = match kind {
            Aggregate::Min => ord == Ordering::Less,
            _ => ord == Ordering::Greater,
        };
        Ok(if take { v } else { b })
    }

    fn empty(&self, e: &'a TExpr, kind: Aggregate, path: Option<Path>) -> EvalError {
        let what = if kind == Aggregate::Min { "min" } else { "max" };
        self.error(
            EvalErrorKind::EmptyAggregate,
            format!(
                "`{}` has no values to take the {what} of",
                self.text(e.span)
            ),
            e,
            path,
        )
        .with_help(
            "guard the rule so that the list is not empty, e.g. with `when count(…) > 0`"
                .to_string(),
        )
    }
}

//! Calls of built-in functions: `len`, the string functions, dates, `keys` and
//! `values`.
//!
//! The arguments are evaluated first, and walking them (strings, lists, maps) is
//! charged to the step budget in proportion to their size. Generators and the
//! aggregates over plain lists (`all`, `sum`, `min`, …) are in `aggregates.rs`.

use std::sync::Arc;

use super::error::EvalErrorKind;
use super::frame::{Eval, Frame};
use super::trace::Tracer;
use crate::model::date::parse_date;
use crate::model::program::{Builtin, TExpr};
use crate::model::value::Value;

impl<'e, 'a> Frame<'e, 'a> {
    pub(super) fn call<T: Tracer>(
        &mut self,
        e: &'a TExpr,
        func: Builtin,
        args: &'a [TExpr],
        t: &mut T,
    ) -> Eval {
        // Builtins take at most two arguments: kept on the stack, not allocated.
        let mut buffer = [Value::Bool(false), Value::Bool(false)];
        if args.len() > buffer.len() {
            return Err(self.internal(e.span));
        }
        for (arg, slot) in args.iter().zip(buffer.iter_mut()) {
            let v = self.eval_in(arg, t, false)?;
            self.note_operand(t, arg, &v);
            *slot = v;
        }
        let values = buffer.get(..args.len()).unwrap_or_default();
        // Walking strings, lists and maps costs steps in proportion to them.
        let walked: usize = values.iter().map(Value::walk_cost).sum();
        self.charge(walked, e)?;
        let bad = || self.internal(e.span);
        let count = |n: usize| i64::try_from(n).map_err(|_| self.overflow(e));
        Ok(match (func, values) {
            (Builtin::Len, [Value::List(xs)]) => Value::Int(count(xs.len())?),
            (Builtin::Len, [Value::Map(m)]) => Value::Int(count(m.len())?),
            (Builtin::Len, [Value::Str(s)]) => Value::Int(count(s.chars().count())?),
            (Builtin::Lower, [Value::Str(s)]) => Value::Str(Arc::from(s.to_lowercase())),
            (Builtin::Upper, [Value::Str(s)]) => Value::Str(Arc::from(s.to_uppercase())),
            (Builtin::StartsWith, [Value::Str(s), Value::Str(p)]) => {
                Value::Bool(s.starts_with(&**p))
            }
            (Builtin::EndsWith, [Value::Str(s), Value::Str(p)]) => Value::Bool(s.ends_with(&**p)),
            (Builtin::Contains, [Value::Str(s), Value::Str(p)]) => Value::Bool(s.contains(&**p)),
            (Builtin::Date, [Value::Str(s)]) => match parse_date(s) {
                Ok(d) => Value::Date(d),
                Err(why) => {
                    let path = args.first().and_then(|a| self.path_of(a, 0));
                    return Err(self.error(
                        EvalErrorKind::InvalidDate,
                        format!(
                            "{:?} is not a date ({why}) in `{}`",
                            s.as_ref(),
                            self.text(e.span)
                        ),
                        e,
                        path,
                    ));
                }
            },
            (Builtin::Today, []) => Value::Date(self.ev.today),
            (Builtin::DaysBetween, [Value::Date(a), Value::Date(b)]) => {
                // Both dates are valid civil dates, whose difference in days always
                // fits; the error arm only keeps evaluation total.
                let days = a.until(*b).map_err(|_| self.overflow(e))?.get_days();
                Value::Int(i64::from(days))
            }
            (Builtin::AddDays, [Value::Date(d), Value::Int(n)]) => {
                let out_of_range = || {
                    self.error(
                        EvalErrorKind::DateOutOfRange,
                        format!("`{}` is outside the supported dates", self.text(e.span)),
                        e,
                        None,
                    )
                };
                let span = jiff::Span::new().try_days(*n).map_err(|_| out_of_range())?;
                Value::Date(d.checked_add(span).map_err(|_| out_of_range())?)
            }
            (Builtin::Keys, [Value::Map(m)]) => Value::List(
                m.entries()
                    .iter()
                    .map(|(k, _)| Value::Str(k.clone()))
                    .collect(),
            ),
            (Builtin::Values, [Value::Map(m)]) => {
                Value::List(m.entries().iter().map(|(_, v)| v.clone()).collect())
            }
            _ => return Err(bad()),
        })
    }
}

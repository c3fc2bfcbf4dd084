//! Calls of built-in functions: `len`, the string functions, dates and
//! datetimes, conversions, `keys` and `values`, and the list functions `take`,
//! `drop`, `distinct` and `flatten`.
//!
//! The arguments are evaluated first, and walking them (strings, lists, maps) is
//! charged to the step budget in proportion to their size; what a function
//! builds (the pieces of `split`, the text of `join` and `replace`) is charged
//! too, before it is built. Generators and the aggregates over plain lists
//! (`all`, `sum`, `min`, …) are in `aggregates.rs`.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::Arc;

use super::error::{EvalError, EvalErrorKind};
use super::frame::{Eval, Frame};
use super::trace::Tracer;
use crate::model::date::parse_date;
use crate::model::datetime::{datetime_help, parse_datetime};
use crate::model::program::{Builtin, TExpr};
use crate::model::value::Value;

/// The longest string `replace` or `join` builds (64 MiB): far beyond any
/// identifier or message, and small enough that a document cannot make the
/// evaluator exhaust memory by repeating a long text.
const MAX_BUILT_TEXT: usize = 64 * 1024 * 1024;

impl<'e, 'a> Frame<'e, 'a> {
    pub(super) fn call<T: Tracer>(
        &mut self,
        e: &'a TExpr,
        func: Builtin,
        args: &'a [TExpr],
        t: &mut T,
    ) -> Eval {
        // Builtins take at most three arguments: kept on the stack, not allocated.
        let mut buffer = [Value::Bool(false), Value::Bool(false), Value::Bool(false)];
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
                let span = jiff::Span::new()
                    .try_days(*n)
                    .map_err(|_| self.out_of_range(e))?;
                Value::Date(d.checked_add(span).map_err(|_| self.out_of_range(e))?)
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
            (Builtin::DateTime, [Value::Str(s)]) => match parse_datetime(s) {
                Ok(t) => Value::DateTime(t),
                Err(why) => {
                    let path = args.first().and_then(|a| self.path_of(a, 0));
                    return Err(self
                        .error(
                            EvalErrorKind::InvalidDateTime,
                            format!(
                                "{:?} is not a datetime ({why}) in `{}`",
                                s.as_ref(),
                                self.text(e.span)
                            ),
                            e,
                            path,
                        )
                        .with_help(datetime_help(s)));
                }
            },
            (Builtin::Day, [Value::DateTime(t)]) => Value::Date(t.day()),
            (Builtin::DaysBetweenInstants, [Value::DateTime(a), Value::DateTime(b)]) => {
                Value::Int(a.days_until(b))
            }
            (Builtin::HoursBetween, [Value::DateTime(a), Value::DateTime(b)]) => {
                Value::Int(a.hours_until(b))
            }
            (Builtin::AddDaysInstant, [Value::DateTime(t), Value::Int(n)]) => {
                Value::DateTime(t.add_days(*n).ok_or_else(|| self.out_of_range(e))?)
            }
            (Builtin::Trim, [Value::Str(s)]) => {
                let trimmed = s.trim();
                if trimmed.len() == s.len() {
                    Value::Str(s.clone())
                } else {
                    Value::Str(Arc::from(trimmed))
                }
            }
            (Builtin::Split, [Value::Str(s), Value::Str(sep)]) => {
                if sep.is_empty() {
                    return Err(self.empty_text(e, args, "the separator of `split`"));
                }
                let pieces: Arc<[Value]> = s
                    .split(&**sep)
                    .map(|piece| Value::Str(Arc::from(piece)))
                    .collect();
                self.charge(pieces.len(), e)?;
                Value::List(pieces)
            }
            (Builtin::Join, [Value::List(xs), Value::Str(sep)]) => {
                let mut length = sep.len().saturating_mul(xs.len().saturating_sub(1));
                for x in xs.iter() {
                    let Value::Str(s) = x else { return Err(bad()) };
                    length = length.saturating_add(s.len());
                }
                self.building(length, e)?;
                let mut out = String::with_capacity(length);
                for (i, x) in xs.iter().enumerate() {
                    if i > 0 {
                        out.push_str(sep);
                    }
                    if let Value::Str(s) = x {
                        out.push_str(s);
                    }
                }
                Value::Str(Arc::from(out))
            }
            (Builtin::Replace, [Value::Str(s), Value::Str(from), Value::Str(to)]) => {
                if from.is_empty() {
                    return Err(self.empty_text(e, args, "the text `replace` looks for"));
                }
                let found = s.matches(&**from).count();
                let length =
                    (s.len() - found * from.len()).saturating_add(found.saturating_mul(to.len()));
                self.building(length, e)?;
                Value::Str(Arc::from(s.replace(&**from, to)))
            }
            (Builtin::Take | Builtin::Drop, [Value::List(xs), Value::Int(n)]) => {
                let Ok(n) = usize::try_from(*n) else {
                    let path = args.get(1).and_then(|a| self.path_of(a, 0));
                    let name = if func == Builtin::Take {
                        "take"
                    } else {
                        "drop"
                    };
                    return Err(self
                        .error(
                            EvalErrorKind::InvalidArgument,
                            format!(
                                "`{name}` of a negative count ({n}) in `{}`",
                                self.text(e.span)
                            ),
                            e,
                            path,
                        )
                        .with_help(format!(
                            "guard the rule with `when {} >= 0`",
                            args.get(1).map_or("n", |a| self.text(a.span))
                        )));
                };
                match (func, n >= xs.len()) {
                    // The whole list, or none of it: nothing to copy.
                    (Builtin::Take, true) => Value::List(xs.clone()),
                    (_, true) => Value::List(Arc::from([])),
                    (Builtin::Take, false) => Value::List(xs.iter().take(n).cloned().collect()),
                    (_, false) => Value::List(xs.iter().skip(n).cloned().collect()),
                }
            }
            (Builtin::Distinct, [Value::List(xs)]) => {
                let unique = distinct(xs);
                if unique.len() == xs.len() {
                    Value::List(xs.clone())
                } else {
                    Value::List(Arc::from(unique))
                }
            }
            (Builtin::Flatten, [Value::List(xss)]) => {
                let mut out: Vec<Value> = Vec::new();
                for xs in xss.iter() {
                    let Value::List(xs) = xs else {
                        return Err(bad());
                    };
                    self.charge(xs.len(), e)?;
                    out.extend(xs.iter().cloned());
                }
                Value::List(Arc::from(out))
            }
            (Builtin::ToInt, [Value::Str(s)]) => match parse_decimal(s) {
                Some(i) => Value::Int(i),
                None => {
                    let path = args.first().and_then(|a| self.path_of(a, 0));
                    return Err(self
                        .error(
                            EvalErrorKind::InvalidNumber,
                            format!(
                                "{:?} is not a whole number in `{}`",
                                s.as_ref(),
                                self.text(e.span)
                            ),
                            e,
                            path,
                        )
                        .with_help(number_help(s)));
                }
            },
            (Builtin::ToString, [v]) => {
                let ty = args.first().map(|a| &a.ty).ok_or_else(bad)?;
                Value::Str(Arc::from(v.display(ty, &self.ev.program.schema)))
            }
            _ => return Err(bad()),
        })
    }

    /// `add_days` past the dates or instants the evaluator represents.
    fn out_of_range(&self, e: &'a TExpr) -> EvalError {
        self.error(
            EvalErrorKind::DateOutOfRange,
            format!("`{}` is outside the supported dates", self.text(e.span)),
            e,
            None,
        )
    }

    /// An empty separator or search text, computed at run time (an empty
    /// literal is a load error).
    fn empty_text(&self, e: &'a TExpr, args: &'a [TExpr], what: &str) -> EvalError {
        let arg = args.get(1);
        let path = arg.and_then(|a| self.path_of(a, 0));
        let text = arg.map_or("", |a| self.text(a.span));
        self.error(
            EvalErrorKind::InvalidArgument,
            format!("{what} is empty in `{}`", self.text(e.span)),
            e,
            path,
        )
        .with_help(format!("guard the rule with `when {text} != \"\"`"))
    }

    /// Charges building a string of `length` bytes, or refuses one longer than
    /// [`MAX_BUILT_TEXT`].
    fn building(&self, length: usize, e: &'a TExpr) -> Result<(), EvalError> {
        if length > MAX_BUILT_TEXT {
            return Err(self.error(
                EvalErrorKind::TooLarge,
                format!(
                    "`{}` would build a text of {length} bytes, more than the limit of {MAX_BUILT_TEXT}",
                    self.text(e.span)
                ),
                e,
                None,
            ));
        }
        self.charge(length / 64, e)
    }
}

/// The elements of `xs` without repeats, each at its first occurrence.
/// Values are bucketed by a hash consistent with `==`, so that the work is
/// linear in the list rather than quadratic; equal hashes are compared.
fn distinct(xs: &[Value]) -> Vec<Value> {
    let state = foldhash::fast::RandomState::default();
    let mut buckets: HashMap<u64, Vec<usize>, _> = HashMap::with_hasher(state.clone());
    let mut out: Vec<Value> = Vec::new();
    for x in xs {
        let bucket = buckets.entry(hash_value(x, &state)).or_default();
        if bucket.iter().any(|&i| out.get(i) == Some(x)) {
            continue;
        }
        bucket.push(out.len());
        out.push(x.clone());
    }
    out
}

/// A hash of a value that agrees with `==`: a datetime hashes its instant,
/// and a map the sum of its entries' hashes (its equality ignores order).
fn hash_value<S: BuildHasher>(v: &Value, state: &S) -> u64 {
    let mut h = state.build_hasher();
    feed(v, state, &mut h);
    h.finish()
}

fn feed<S: BuildHasher, H: Hasher>(v: &Value, state: &S, h: &mut H) {
    match v {
        Value::Bool(b) => (0u8, b).hash(h),
        Value::Int(i) => (1u8, i).hash(h),
        Value::Str(s) => (2u8, &**s).hash(h),
        Value::Date(d) => (3u8, d.year(), d.month(), d.day()).hash(h),
        Value::DateTime(t) => {
            let instant = t.instant();
            (4u8, instant.as_second(), instant.subsec_nanosecond()).hash(h);
        }
        Value::Enum(i) => (5u8, i).hash(h),
        Value::List(xs) => {
            (6u8, xs.len()).hash(h);
            for x in xs.iter() {
                feed(x, state, h);
            }
        }
        Value::Map(m) => {
            let entries = m.entries().iter().fold(0u64, |sum, (k, v)| {
                let mut entry = state.build_hasher();
                k.hash(&mut entry);
                feed(v, state, &mut entry);
                sum.wrapping_add(entry.finish())
            });
            (7u8, m.len(), entries).hash(h);
        }
        Value::Record(fields) => {
            8u8.hash(h);
            for field in fields.iter() {
                match field {
                    Some(v) => {
                        1u8.hash(h);
                        feed(v, state, h);
                    }
                    None => 0u8.hash(h),
                }
            }
        }
    }
}

/// A decimal integer: an optional `-` and ASCII digits (leading zeros
/// allowed), within the 64-bit range. No `+`, white space or separators, so
/// that a value reads back what `to_string` writes and nothing looser.
fn parse_decimal(s: &str) -> Option<i64> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// What to do about a text `to_int` cannot read.
fn number_help(s: &str) -> String {
    if s.trim() != s && parse_decimal(s.trim()).is_some() {
        return "the text has white space around the number: convert `trim(…)` of it".to_string();
    }
    if let Some(rest) = s.strip_prefix('+')
        && parse_decimal(rest).is_some()
    {
        return "`to_int` reads an optional `-` and digits; a leading `+` is not accepted"
            .to_string();
    }
    let digits = s.strip_prefix('-').unwrap_or(s);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return "the number is beyond the 64-bit integer range".to_string();
    }
    "`to_int` reads a decimal integer such as `42` or `-7`; guard the rule with `matches(…, \"^-?[0-9]+$\")`".to_string()
}

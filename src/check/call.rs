//! Typing of function calls, generators and aggregates over plain lists.

use std::sync::Arc;

use super::Checker;
use super::expr::{invalid, typed};
use super::scope::Scope;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::date::parse_date;
use crate::model::datetime::{datetime_help, parse_datetime};
use crate::model::index::SymbolKind;
use crate::model::program::{Aggregate, Builtin, Const, TExpr, TExprKind};
use crate::model::types::Type;
use crate::source::Span;
use crate::suggest::{did_you_mean, list_names};
use crate::syntax::ast::{Expr, ExprKind, Generator, Ident};
use crate::syntax::literal::unescape;

/// Every function, with the signature shown in diagnostics.
const FUNCTIONS: &[(&str, &str)] = &[
    ("len", "len(list | map | string) -> int"),
    ("lower", "lower(string) -> string"),
    ("upper", "upper(string) -> string"),
    ("trim", "trim(string) -> string"),
    ("starts_with", "starts_with(string, string) -> bool"),
    ("ends_with", "ends_with(string, string) -> bool"),
    ("contains", "contains(string, string) -> bool"),
    ("matches", "matches(string, \"pattern\") -> bool"),
    ("split", "split(string, separator) -> [string]"),
    ("join", "join([string], separator) -> string"),
    ("replace", "replace(string, from, to) -> string"),
    ("to_int", "to_int(string) -> int"),
    (
        "to_string",
        "to_string(int | bool | date | datetime | enum) -> string",
    ),
    ("date", "date(\"YYYY-MM-DD\") -> date"),
    ("datetime", "datetime(\"YYYY-MM-DDTHH:MM:SSZ\") -> datetime"),
    ("today", "today() -> date"),
    ("day", "day(datetime) -> date"),
    (
        "days_between",
        "days_between(date, date) or days_between(datetime, datetime) -> int",
    ),
    (
        "add_days",
        "add_days(date, int) -> date or add_days(datetime, int) -> datetime",
    ),
    ("hours_between", "hours_between(datetime, datetime) -> int"),
    ("keys", "keys([string: T]) -> [string]"),
    ("values", "values([string: T]) -> [T]"),
    ("take", "take([T], int) -> [T]"),
    ("drop", "drop([T], int) -> [T]"),
    ("distinct", "distinct([T]) -> [T]"),
    ("flatten", "flatten([[T]]) -> [T]"),
    (
        "all",
        "all(bool for x in xs if cond) or all([bool]) -> bool",
    ),
    (
        "any",
        "any(bool for x in xs if cond) or any([bool]) -> bool",
    ),
    ("count", "count(x for x in xs if cond) or count([T]) -> int"),
    ("sum", "sum(int for x in xs if cond) or sum([int]) -> int"),
    (
        "min",
        "min(int | date | datetime for x in xs if cond) or min([int] | [date] | [datetime])",
    ),
    (
        "max",
        "max(int | date | datetime for x in xs if cond) or max([int] | [date] | [datetime])",
    ),
    ("list", "list(T for x in xs if cond) -> [T]"),
    ("map", "map(string: V for x in xs if cond) -> [string: V]"),
];

/// The most memory one compiled pattern may take (the `regex` crate's default is
/// 10 MiB; `\\w{100}` already needs about 6). Identical patterns are compiled once.
const REGEX_SIZE_LIMIT: usize = 2 * 1024 * 1024;

/// The longest pattern text accepted; parsing a pattern takes time in
/// proportion to its length, and no real pattern comes near this.
/// Compiling takes time in proportion too (a 64 KiB alternation took a second,
/// found by fuzzing); real patterns are a few dozen bytes.
pub const MAX_PATTERN_BYTES: usize = 4 * 1024;

/// Names other languages use for a built-in function.
const FUNCTION_ALIASES: &[(&str, &str)] = &[
    ("length", "len"),
    ("size", "len"),
    ("lowercase", "lower"),
    ("uppercase", "upper"),
    ("startswith", "starts_with"),
    ("endswith", "ends_with"),
    ("includes", "contains"),
    ("match", "matches"),
    ("regex", "matches"),
    ("now", "today"),
    ("every", "all"),
    ("some", "any"),
    ("strip", "trim"),
    ("trim_space", "trim"),
    ("unique", "distinct"),
    ("uniq", "distinct"),
    ("dedup", "distinct"),
    ("flat", "flatten"),
    ("flat_map", "flatten"),
    ("concat_lists", "flatten"),
    ("parse_int", "to_int"),
    ("parseInt", "to_int"),
    ("int", "to_int"),
    ("atoi", "to_int"),
    ("str", "to_string"),
    ("string", "to_string"),
    ("toString", "to_string"),
    ("format", "to_string"),
    ("concat", "join"),
    ("implode", "join"),
    ("explode", "split"),
    ("replace_all", "replace"),
    ("replaceAll", "replace"),
    ("head", "take"),
    ("first", "take"),
    ("limit", "take"),
    ("skip", "drop"),
    ("tail", "drop"),
    ("timestamp", "datetime"),
    ("instant", "datetime"),
    ("parse_datetime", "datetime"),
    ("to_date", "day"),
    ("date_of", "day"),
    ("hours", "hours_between"),
];

/// The built-in functions and generators, each with its signature: what an
/// editor offers and shows on hover.
pub fn builtin_functions() -> &'static [(&'static str, &'static str)] {
    FUNCTIONS
}

/// The name of the built-in function `name`, borrowed from the table.
pub(crate) fn builtin_name(name: &str) -> Option<&'static str> {
    FUNCTIONS.iter().find(|(n, _)| *n == name).map(|(n, _)| *n)
}

/// Whether `name` is a built-in function or generator.
pub(crate) fn is_function_name(name: &str) -> bool {
    builtin_name(name).is_some()
}

fn signature(name: &str) -> &'static str {
    FUNCTIONS
        .iter()
        .find(|(n, _)| *n == name)
        .map_or("", |(_, s)| s)
}

fn aggregate(name: &str) -> Option<Aggregate> {
    Some(match name {
        "all" => Aggregate::All,
        "any" => Aggregate::Any,
        "count" => Aggregate::Count,
        "sum" => Aggregate::Sum,
        "min" => Aggregate::Min,
        "max" => Aggregate::Max,
        "list" => Aggregate::List,
        _ => return None,
    })
}

/// How many arguments a built-in function takes.
fn arity(name: &str) -> usize {
    match name {
        "today" => 0,
        "starts_with" | "ends_with" | "contains" | "matches" | "days_between" | "add_days"
        | "hours_between" | "split" | "join" | "take" | "drop" => 2,
        "replace" => 3,
        _ => 1,
    }
}

/// The built-in a name calls; `None` for `matches`, which is typed by its own
/// code (its pattern is compiled now). `days_between` and `add_days` name
/// their date forms here; `Checker::time_call` picks the datetime forms.
fn builtin(name: &str) -> Option<Builtin> {
    Some(match name {
        "len" => Builtin::Len,
        "lower" => Builtin::Lower,
        "upper" => Builtin::Upper,
        "trim" => Builtin::Trim,
        "starts_with" => Builtin::StartsWith,
        "ends_with" => Builtin::EndsWith,
        "contains" => Builtin::Contains,
        "split" => Builtin::Split,
        "join" => Builtin::Join,
        "replace" => Builtin::Replace,
        "to_int" => Builtin::ToInt,
        "to_string" => Builtin::ToString,
        "date" => Builtin::Date,
        "datetime" => Builtin::DateTime,
        "today" => Builtin::Today,
        "day" => Builtin::Day,
        "days_between" => Builtin::DaysBetween,
        "add_days" => Builtin::AddDays,
        "hours_between" => Builtin::HoursBetween,
        "keys" => Builtin::Keys,
        "values" => Builtin::Values,
        "take" => Builtin::Take,
        "drop" => Builtin::Drop,
        "distinct" => Builtin::Distinct,
        "flatten" => Builtin::Flatten,
        _ => return None,
    })
}

/// The one type argument `index` of `func` must have; `None` where the
/// function accepts several (a list of any element, `to_string`'s scalars),
/// which its own arm in `Checker::call` checks.
fn parameter_type(func: Builtin, index: usize) -> Option<Type> {
    match (func, index) {
        (
            Builtin::Len
            | Builtin::Keys
            | Builtin::Values
            | Builtin::Distinct
            | Builtin::Flatten
            | Builtin::ToString,
            _,
        )
        | (Builtin::Take | Builtin::Drop, 0) => None,
        (Builtin::Take | Builtin::Drop, _) => Some(Type::Int),
        (Builtin::Join, 0) => Some(Type::List(Box::new(Type::String))),
        (Builtin::Day, _) => Some(Type::DateTime),
        _ => Some(Type::String),
    }
}

/// Whether `to_string` accepts a value of this type: the scalars whose
/// rendering is unambiguous (a string is one already).
fn renders_as_text(t: &Type) -> bool {
    matches!(
        t,
        Type::Int | Type::Bool | Type::Date | Type::DateTime | Type::Enum(_) | Type::Unknown
    )
}

impl Checker<'_> {
    pub(crate) fn call(
        &mut self,
        scope: &mut Scope,
        func: &Ident,
        args: &[Expr],
        span: Span,
    ) -> TExpr {
        let name = func.name.as_str();
        if !is_function_name(name)
            && let Some(call) = self.pack_call(scope, func, args, span)
        {
            return call;
        }
        self.note_builtin(func.span, name);
        if !is_function_name(name) {
            // A `fn` whose declaration did not parse: its error is reported.
            if !self.unparsed_names.contains(name) {
                self.unknown_function(func);
            }
            for a in args {
                self.expr(scope, a, None);
            }
            return invalid(span);
        }
        if name == "map" {
            self.report(
                Diagnostic::error(Code::Arguments, "`map` is a generator")
                    .label(span, "not a generator")
                    .help("build a map with `map(key: value for x in xs)`, e.g. `map(s.id: s for s in subscriptions)`"),
            );
            for a in args {
                self.expr(scope, a, None);
            }
            return invalid(span);
        }
        let want = arity(name);
        if args.len() != want {
            let plural = if want == 1 { "argument" } else { "arguments" };
            self.report(
                Diagnostic::error(
                    Code::Arguments,
                    format!("`{name}` takes {want} {plural}, found {}", args.len()),
                )
                .label(span, format!("called with {} here", args.len()))
                .help(format!("the signature is `{}`", signature(name))),
            );
            for a in args {
                self.expr(scope, a, None);
            }
            return invalid(span);
        }
        if let Some(kind) = aggregate(name) {
            return self.aggregate_list(scope, kind, name, args, span);
        }
        let Some(func_kind) = builtin(name) else {
            return self.matches_call(scope, args, span);
        };
        if matches!(
            func_kind,
            Builtin::DaysBetween | Builtin::AddDays | Builtin::HoursBetween
        ) {
            return self.time_call(scope, name, func_kind, args, span);
        }
        if matches!(func_kind, Builtin::Date | Builtin::DateTime)
            && let Some(arg) = args.first()
            && let ExprKind::Str(text) = &arg.unparen().kind
        {
            return self.time_literal(func_kind, text, arg.span, span);
        }
        let mut typed_args = Vec::with_capacity(args.len());
        for (i, arg) in args.iter().enumerate() {
            let want = parameter_type(func_kind, i);
            let t = self.expr(scope, arg, want.as_ref());
            if let Some(want) = want {
                self.expect_argument(name, i, &t, &want);
            }
            typed_args.push(t);
        }
        // An empty separator or search text written in the policy can never
        // be meant: it is reported now rather than fail on every document.
        if matches!(func_kind, Builtin::Split | Builtin::Replace)
            && let Some(arg) = args.get(1)
            && matches!(&arg.unparen().kind, ExprKind::Str(s) if s.is_empty())
        {
            let subject = args.first().map_or("s", |a| self.sources.slice(a.span));
            let subject = subject.to_string();
            self.empty_text_argument(func_kind, arg.span, &subject);
            return invalid(span);
        }
        let arg_ty = typed_args
            .first()
            .map(|a| a.ty.clone())
            .unwrap_or(Type::Unknown);
        let ret = match func_kind {
            Builtin::Len => {
                if !matches!(
                    arg_ty,
                    Type::List(_) | Type::Map(_) | Type::String | Type::Unknown
                ) {
                    self.wrong_argument(name, 0, typed_args.first(), "a list, a map or a string");
                }
                Type::Int
            }
            Builtin::Keys | Builtin::Values => match &arg_ty {
                Type::Map(v) => {
                    if func_kind == Builtin::Keys {
                        Type::List(Box::new(Type::String))
                    } else {
                        Type::List(v.clone())
                    }
                }
                Type::Unknown => Type::Unknown,
                _ => {
                    self.wrong_argument(name, 0, typed_args.first(), "a map");
                    Type::Unknown
                }
            },
            Builtin::Take | Builtin::Drop | Builtin::Distinct => match &arg_ty {
                Type::List(_) | Type::Unknown => arg_ty.clone(),
                _ => {
                    self.wrong_argument(name, 0, typed_args.first(), "a list");
                    Type::Unknown
                }
            },
            Builtin::Flatten => match &arg_ty {
                Type::List(inner) if matches!(**inner, Type::List(_) | Type::Unknown) => {
                    match &**inner {
                        Type::Unknown => Type::List(Box::new(Type::Unknown)),
                        list => list.clone(),
                    }
                }
                Type::Unknown => Type::Unknown,
                _ => {
                    self.wrong_argument(name, 0, typed_args.first(), "a list of lists");
                    Type::Unknown
                }
            },
            Builtin::ToString => {
                if !renders_as_text(&arg_ty)
                    && let Some(arg) = typed_args.first()
                {
                    self.unrenderable_argument(arg);
                }
                Type::String
            }
            Builtin::Lower | Builtin::Upper | Builtin::Trim | Builtin::Join | Builtin::Replace => {
                Type::String
            }
            Builtin::StartsWith | Builtin::EndsWith | Builtin::Contains => Type::Bool,
            Builtin::Split => Type::List(Box::new(Type::String)),
            Builtin::ToInt => Type::Int,
            Builtin::Date | Builtin::Today | Builtin::Day => Type::Date,
            Builtin::DateTime => Type::DateTime,
            // Typed by `time_call` above.
            Builtin::DaysBetween
            | Builtin::AddDays
            | Builtin::HoursBetween
            | Builtin::DaysBetweenInstants
            | Builtin::AddDaysInstant => return invalid(span),
        };
        typed(
            TExprKind::Call {
                func: func_kind,
                args: typed_args,
            },
            ret,
            span,
        )
    }

    /// `date("…")` and `datetime("…")` of a literal: parsed now, so that a
    /// typo is a load error at the literal, and evaluation reads a constant.
    fn time_literal(&mut self, func: Builtin, text: &str, at: Span, span: Span) -> TExpr {
        if func == Builtin::Date {
            return match parse_date(text) {
                Ok(d) => typed(TExprKind::Const(Const::Date(d)), Type::Date, span),
                Err(problem) => {
                    self.report(
                        Diagnostic::error(
                            Code::Literal,
                            format!("invalid date `{text}`: {problem}"),
                        )
                        .label(at, "not a date")
                        .help("write dates as `YYYY-MM-DD`, as in `date(\"2026-03-31\")`"),
                    );
                    invalid(span)
                }
            };
        }
        match parse_datetime(text) {
            Ok(t) => typed(TExprKind::Const(Const::DateTime(t)), Type::DateTime, span),
            Err(problem) => {
                self.report(
                    Diagnostic::error(
                        Code::Literal,
                        format!("invalid datetime `{text}`: {problem}"),
                    )
                    .label(at, "not a datetime")
                    .help(if parse_date(text).is_ok() {
                        format!("a datetime has a time and a zone, as in `datetime(\"{text}T00:00:00Z\")`; for the calendar day write `date(\"{text}\")`")
                    } else {
                        datetime_help(text)
                    }),
                );
                invalid(span)
            }
        }
    }

    /// `days_between`, `add_days` and `hours_between`. The first two work on
    /// two dates or on two datetimes (then they count days of 24 hours), never
    /// on one of each: which calendar day an instant falls on depends on a
    /// time zone, so the policy says it with `day(t)`.
    fn time_call(
        &mut self,
        scope: &mut Scope,
        name: &str,
        func: Builtin,
        args: &[Expr],
        span: Span,
    ) -> TExpr {
        let (Some(a), Some(b)) = (args.first(), args.get(1)) else {
            return invalid(span);
        };
        let first = self.expr(scope, a, None);
        let second_hint = match (func, &first.ty) {
            (Builtin::AddDays, _) => Some(Type::Int),
            (Builtin::HoursBetween, _) => Some(Type::DateTime),
            (_, t @ (Type::Date | Type::DateTime)) => Some(t.clone()),
            _ => None,
        };
        let second = self.expr(scope, b, second_hint.as_ref());
        let instants = first.ty == Type::DateTime
            || (first.ty == Type::Unknown && second.ty == Type::DateTime);
        if func == Builtin::HoursBetween {
            for (i, t) in [&first, &second].into_iter().enumerate() {
                if !t.ty.compatible(&Type::DateTime) {
                    let help = if t.ty == Type::Date {
                        "a `date` has no time of day; count the days between dates with `days_between(a, b)`".to_string()
                    } else {
                        format!("the signature is `{}`", signature(name))
                    };
                    self.wrong_argument_help(name, i, t, "`datetime`", help);
                }
            }
        } else {
            if !matches!(first.ty, Type::Date | Type::DateTime | Type::Unknown) {
                self.wrong_argument(name, 0, Some(&first), "a `date` or a `datetime`");
            }
            if func == Builtin::AddDays {
                self.expect_argument(name, 1, &second, &Type::Int);
            } else if let Some((l, r)) = self.with_day(&first, &second) {
                let (lt, rt) = (self.type_name(&first.ty), self.type_name(&second.ty));
                self.report(
                    Diagnostic::error(
                        Code::Type,
                        format!("`days_between` counts between two dates or two datetimes, found a `{lt}` and a `{rt}`"),
                    )
                    .label(first.span, format!("this is `{lt}`"))
                    .label(second.span, format!("this is `{rt}`"))
                    .help(format!("count the calendar days (in UTC): `days_between({l}, {r})`")),
                );
            } else if !matches!(second.ty, Type::Date | Type::DateTime | Type::Unknown) {
                let want = match &first.ty {
                    Type::Date => "`date`",
                    Type::DateTime => "`datetime`",
                    _ => "a `date` or a `datetime`",
                };
                self.wrong_argument(name, 1, Some(&second), want);
            }
        }
        let (func, ret) = match (func, instants) {
            (Builtin::AddDays, false) => (Builtin::AddDays, Type::Date),
            (Builtin::AddDays, true) => (Builtin::AddDaysInstant, Type::DateTime),
            (Builtin::DaysBetween, false) => (Builtin::DaysBetween, Type::Int),
            (Builtin::DaysBetween, true) => (Builtin::DaysBetweenInstants, Type::Int),
            (other, _) => (other, Type::Int),
        };
        typed(
            TExprKind::Call {
                func,
                args: vec![first, second],
            },
            ret,
            span,
        )
    }

    /// An empty separator of `split` or search text of `replace`, written in
    /// the policy.
    fn empty_text_argument(&mut self, func: Builtin, at: Span, subject: &str) {
        let (message, label, help) = if func == Builtin::Split {
            (
                "the separator of `split` is empty",
                "an empty separator",
                format!(
                    "`split` cuts the text at each occurrence of a separator, which must not be empty, as in `split({subject}, \",\")`"
                ),
            )
        } else {
            (
                "the text `replace` looks for is empty",
                "an empty text to look for",
                format!(
                    "`replace(s, from, to)` replaces every occurrence of a non-empty `from`, as in `replace({subject}, \"-\", \"\")`"
                ),
            )
        };
        self.report(
            Diagnostic::error(Code::Arguments, message)
                .label(at, label)
                .help(help),
        );
    }

    /// A `to_string` argument that is not a scalar it renders, with a help
    /// that turns what was given into text.
    fn unrenderable_argument(&mut self, t: &TExpr) {
        let found = self.type_name(&t.ty);
        let text = self.sources.slice(t.span).to_string();
        let help = match &t.ty {
            Type::String => "it is a string already: use it as it is".to_string(),
            Type::List(e) if **e == Type::String => {
                format!("to make one text of the strings, join them: `join({text}, \", \")`")
            }
            Type::List(e) if renders_as_text(e) => format!(
                "to make one text of the list, convert each element and join them: `join(list(to_string(x) for x in {text}), \", \")`"
            ),
            Type::List(_) => {
                format!("to show the list in a message, interpolate it: \"{{{text}}}\"")
            }
            _ => format!("the signature is `{}`", signature("to_string")),
        };
        self.report(
            Diagnostic::error(
                Code::Arguments,
                format!("argument 1 of `to_string` must be an `int`, a `bool`, a `date`, a `datetime` or an enum value, found `{found}`"),
            )
            .label(t.span, format!("this is `{found}`"))
            .help(help),
        );
    }

    fn expect_argument(&mut self, name: &str, index: usize, t: &TExpr, want: &Type) {
        if !t.ty.compatible(want) {
            let want = format!("`{}`", self.type_name(want));
            self.wrong_argument(name, index, Some(t), &want);
        }
    }

    fn wrong_argument(&mut self, name: &str, index: usize, t: Option<&TExpr>, want: &str) {
        let Some(t) = t else { return };
        let help = format!("the signature is `{}`", signature(name));
        self.wrong_argument_help(name, index, t, want, help);
    }

    fn wrong_argument_help(
        &mut self,
        name: &str,
        index: usize,
        t: &TExpr,
        want: &str,
        help: String,
    ) {
        let found = self.type_name(&t.ty);
        self.report(
            Diagnostic::error(
                Code::Arguments,
                format!(
                    "argument {} of `{name}` must be {want}, found `{found}`",
                    index + 1
                ),
            )
            .label(t.span, format!("this is `{found}`"))
            .help(help),
        );
    }

    fn unknown_function(&mut self, func: &Ident) {
        let names: Vec<&str> = FUNCTIONS
            .iter()
            .map(|(n, _)| *n)
            .chain(self.function_names())
            .collect();
        let alias = FUNCTION_ALIASES
            .iter()
            .find(|(alias, _)| *alias == func.name)
            .map(|(_, real)| *real);
        let close = alias.or_else(|| did_you_mean(&func.name, names.iter().copied()));
        let fix = close.map(|s| (format!("change to `{s}`"), s.to_string()));
        let help = match close {
            Some(s) => {
                let sig = self
                    .pack_signature(s)
                    .unwrap_or_else(|| signature(s).to_string());
                format!("did you mean `{s}`? (`{sig}`)")
            }
            None => format!(
                "the functions are {}",
                list_names(names.iter().copied(), 40)
            ),
        };
        self.report(
            Diagnostic::error(
                Code::UnknownFunction,
                format!("unknown function `{}`", func.name),
            )
            .label(func.span, "not a function")
            .help(help)
            .fix_when(fix, func.span),
        );
    }

    /// `matches(s, "pattern")`: the pattern is compiled now, and an invalid one is
    /// reported at the offending character of the policy text.
    fn matches_call(&mut self, scope: &mut Scope, args: &[Expr], span: Span) -> TExpr {
        let (Some(subject), Some(pattern)) = (args.first(), args.get(1)) else {
            return invalid(span);
        };
        let subject = self.expr(scope, subject, Some(&Type::String));
        self.expect_argument("matches", 0, &subject, &Type::String);
        let ExprKind::Str(text) = &pattern.unparen().kind else {
            let p = self.expr(scope, pattern, None);
            self.report(
                Diagnostic::error(Code::Arguments, "the pattern of `matches` must be a string literal")
                    .label(p.span, "not a literal")
                    .help("patterns are compiled when the pack loads, so they must be written in the policy, as in `matches(s.id, \"^[A-Z]+$\")`"),
            );
            return invalid(span);
        };
        let pattern_span = pattern.unparen().span;
        if text.len() > MAX_PATTERN_BYTES {
            self.report(
                Diagnostic::error(
                    Code::Regex,
                    format!(
                        "the pattern is {} bytes long, more than the limit of {MAX_PATTERN_BYTES}",
                        text.len()
                    ),
                )
                .label(pattern_span, "this pattern")
                .help("match with a shorter pattern; to test membership in many values, put them in a list or a data file and use `in`"),
            );
            return invalid(span);
        }
        if let Err((range, message)) = regex_problem(text) {
            // Map the decoded range back to the escaped source inside the quotes.
            let raw = self.sources.slice(pattern_span);
            let inner = raw.get(1..raw.len().saturating_sub(1)).unwrap_or("");
            let (decoded, _) = unescape(inner);
            let start = pattern_span.start as usize + 1;
            let at = Span::new(
                pattern_span.file,
                start + decoded.source_offset(range.start),
                start + decoded.source_offset(range.end),
            );
            self.report(
                Diagnostic::error(Code::Regex, "invalid regular expression")
                    .label(if at.is_empty() { pattern_span } else { at }, message)
                    .help("patterns use the syntax of the Rust `regex` crate; in a policy string a backslash is written `\\\\`"),
            );
            return invalid(span);
        }
        if let Some(regex) = self.regexes.get(text.as_str()) {
            let regex = Arc::clone(regex);
            return typed(
                TExprKind::Matches {
                    subject: Box::new(subject),
                    regex,
                },
                Type::Bool,
                span,
            );
        }
        match regex::RegexBuilder::new(text)
            .size_limit(REGEX_SIZE_LIMIT)
            .build()
        {
            Ok(regex) => {
                let regex = Arc::new(regex);
                self.regexes.insert(text.clone(), Arc::clone(&regex));
                typed(
                    TExprKind::Matches {
                        subject: Box::new(subject),
                        regex,
                    },
                    Type::Bool,
                    span,
                )
            }
            Err(error) => {
                self.report(
                    Diagnostic::error(Code::Regex, "regular expression cannot be compiled")
                        .label(pattern_span, match error {
                            regex::Error::CompiledTooBig(_) => format!(
                                "compiled, this pattern needs more than {} MiB",
                                REGEX_SIZE_LIMIT / (1024 * 1024)
                            ),
                            other => other.to_string().lines().last().unwrap_or("").to_string(),
                        })
                        .help("simplify the pattern: Unicode classes such as `\\w` or `\\d` repeated many times are large; ASCII classes such as `[A-Za-z0-9_]` are much smaller"),
                );
                invalid(span)
            }
        }
    }

    /// `all(xs)`, `sum(xs)`, … over a plain list.
    fn aggregate_list(
        &mut self,
        scope: &mut Scope,
        kind: Aggregate,
        name: &str,
        args: &[Expr],
        span: Span,
    ) -> TExpr {
        let Some(arg) = args.first() else {
            return invalid(span);
        };
        let hint = match kind {
            Aggregate::All | Aggregate::Any => Some(Type::List(Box::new(Type::Bool))),
            Aggregate::Sum => Some(Type::List(Box::new(Type::Int))),
            _ => None,
        };
        let list = self.expr(scope, arg, hint.as_ref());
        let elem = match &list.ty {
            Type::List(e) => (**e).clone(),
            Type::Unknown => Type::Unknown,
            _ => {
                self.wrong_argument(name, 0, Some(&list), "a list");
                return invalid(span);
            }
        };
        let Some(ret) = self.aggregate_result(kind, name, &elem, list.span) else {
            return invalid(span);
        };
        typed(
            TExprKind::Aggregate {
                kind,
                list: Box::new(list),
            },
            ret,
            span,
        )
    }

    /// The result type of an aggregate over elements of type `elem`, or a
    /// reported error.
    fn aggregate_result(
        &mut self,
        kind: Aggregate,
        name: &str,
        elem: &Type,
        at: Span,
    ) -> Option<Type> {
        let ok = match kind {
            Aggregate::All | Aggregate::Any => elem.compatible(&Type::Bool),
            Aggregate::Sum => elem.compatible(&Type::Int),
            Aggregate::Min | Aggregate::Max => {
                matches!(
                    elem,
                    Type::Int | Type::Date | Type::DateTime | Type::Unknown
                )
            }
            Aggregate::Count | Aggregate::List => true,
        };
        if !ok {
            let want = match kind {
                Aggregate::All | Aggregate::Any => "`bool`",
                Aggregate::Sum => "`int`",
                _ => "`int`, `date` or `datetime`",
            };
            let found = self.type_name(elem);
            self.report(
                Diagnostic::error(
                    Code::Arguments,
                    format!("`{name}` works on {want} values, found `{found}`"),
                )
                .label(at, format!("these are `{found}`"))
                .help(format!("the signature is `{}`", signature(name))),
            );
            return None;
        }
        Some(match kind {
            Aggregate::All | Aggregate::Any => Type::Bool,
            Aggregate::Count | Aggregate::Sum => Type::Int,
            Aggregate::Min | Aggregate::Max => elem.clone(),
            Aggregate::List => Type::List(Box::new(elem.clone())),
        })
    }

    /// The element type of a list iterated by `for` (a clause or a generator).
    pub(crate) fn element_type(&mut self, iter: &TExpr) -> Type {
        match &iter.ty {
            Type::List(e) => (**e).clone(),
            Type::Unknown => Type::Unknown,
            Type::Map(_) => {
                let text = self.sources.slice(iter.span).to_string();
                self.report(
                    Diagnostic::error(Code::Type, "`for` goes through a list, not a map")
                        .label(iter.span, format!("`{text}` is a map"))
                        .help(format!("go through its keys with `keys({text})` or its values with `values({text})`")),
                );
                Type::Unknown
            }
            other => {
                let ty = self.type_name(other);
                self.report(
                    Diagnostic::error(
                        Code::Type,
                        format!("`for` goes through a list, found `{ty}`"),
                    )
                    .label(iter.span, format!("this is `{ty}`")),
                );
                Type::Unknown
            }
        }
    }

    pub(crate) fn generator(&mut self, scope: &mut Scope, g: &Generator, span: Span) -> TExpr {
        let name = g.func.name.as_str();
        self.note_builtin(g.func.span, name);
        if name == "map" {
            return self.map_generator(scope, g, span);
        }
        self.key_outside_map(g);
        let kind = aggregate(name);
        if kind.is_none() {
            let generators = ["all", "any", "count", "sum", "min", "max", "list", "map"];
            let help = if is_function_name(name) {
                format!(
                    "`{name}` is not a generator; the generators are {}",
                    list_names(generators, 10)
                )
            } else {
                let alias = FUNCTION_ALIASES
                    .iter()
                    .find(|(a, real)| *a == name && aggregate(real).is_some())
                    .map(|(_, r)| *r);
                match alias.or_else(|| did_you_mean(name, generators)) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("the generators are {}", list_names(generators, 10)),
                }
            };
            self.report(
                Diagnostic::error(Code::UnknownFunction, format!("unknown generator `{name}`"))
                    .label(g.func.span, "not a generator")
                    .help(help),
            );
        }
        let iter = self.expr(scope, &g.iter, None);
        let elem = self.element_type(&iter);
        self.check_new_name(scope, &g.var);
        self.note_local(&g.var, &elem, span, SymbolKind::Local, None);
        let slot = scope.bind(&g.var.name, elem, g.var.span, true);
        let mark = scope.facts_mark();
        let filter = g.filter.as_ref().map(|f| {
            let t = self.expr(scope, f, Some(&Type::Bool));
            self.expect_type(&t, &Type::Bool, "an `if` filter");
            let facts = scope.facts_when_true(f);
            scope.assume(facts);
            t
        });
        let hint = match kind {
            Some(Aggregate::All | Aggregate::Any) => Some(Type::Bool),
            Some(Aggregate::Sum) => Some(Type::Int),
            _ => None,
        };
        let body = self.expr(scope, &g.body, hint.as_ref());
        scope.restore_facts(mark);
        scope.unbind();
        let Some(kind) = kind else {
            return invalid(span);
        };
        let Some(ret) = self.aggregate_result(kind, name, &body.ty, body.span) else {
            return invalid(span);
        };
        typed(
            TExprKind::Generator {
                kind,
                slot,
                iter: Box::new(iter),
                filter: filter.map(Box::new),
                body: Box::new(body),
            },
            ret,
            span,
        )
    }
}

/// Parses a pattern with `regex-syntax` to find where it is wrong: the byte range
/// within the decoded pattern and a description.
fn regex_problem(pattern: &str) -> Result<(), (std::ops::Range<usize>, String)> {
    let ast = regex_syntax::ast::parse::Parser::new()
        .parse(pattern)
        .map_err(|e| {
            (
                e.span().start.offset..e.span().end.offset,
                e.kind().to_string(),
            )
        })?;
    regex_syntax::hir::translate::Translator::new()
        .translate(pattern, &ast)
        .map_err(|e| {
            (
                e.span().start.offset..e.span().end.offset,
                e.kind().to_string(),
            )
        })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regex_problems_have_ranges() {
        assert!(regex_problem("^[A-Z]+$").is_ok());
        let (range, _) = regex_problem("ab(c").unwrap_err();
        assert_eq!(range.start, 2);
    }
}

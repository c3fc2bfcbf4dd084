//! Typing of function calls, generators and aggregates over plain lists.

use std::sync::Arc;

use super::Checker;
use super::expr::{invalid, typed};
use super::scope::Scope;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::date::parse_date;
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
    ("starts_with", "starts_with(string, string) -> bool"),
    ("ends_with", "ends_with(string, string) -> bool"),
    ("contains", "contains(string, string) -> bool"),
    ("matches", "matches(string, \"pattern\") -> bool"),
    ("date", "date(\"YYYY-MM-DD\") -> date"),
    ("today", "today() -> date"),
    ("days_between", "days_between(date, date) -> int"),
    ("add_days", "add_days(date, int) -> date"),
    ("keys", "keys([string: T]) -> [string]"),
    ("values", "values([string: T]) -> [T]"),
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
        "min(int | date for x in xs if cond) or min([int] | [date])",
    ),
    (
        "max",
        "max(int | date for x in xs if cond) or max([int] | [date])",
    ),
    ("list", "list(T for x in xs if cond) -> [T]"),
    ("map", "map(string: V for x in xs if cond) -> [string: V]"),
];

/// The most memory one compiled pattern may take (the `regex` crate's default is
/// 10 MiB; `\\w{100}` already needs about 6). Identical patterns are compiled once.
const REGEX_SIZE_LIMIT: usize = 2 * 1024 * 1024;

/// The longest pattern text accepted; parsing a pattern takes time in
/// proportion to its length, and no real pattern comes near this.
pub const MAX_PATTERN_BYTES: usize = 64 * 1024;

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
];

/// Whether `name` is a built-in function or generator.
pub(crate) fn is_function_name(name: &str) -> bool {
    FUNCTIONS.iter().any(|(n, _)| *n == name)
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
        if !is_function_name(name) {
            self.unknown_function(func);
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
        let want = match name {
            "today" => 0,
            "starts_with" | "ends_with" | "contains" | "matches" | "days_between" | "add_days" => 2,
            _ => 1,
        };
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
        let func_kind = match name {
            "len" => Builtin::Len,
            "lower" => Builtin::Lower,
            "upper" => Builtin::Upper,
            "starts_with" => Builtin::StartsWith,
            "ends_with" => Builtin::EndsWith,
            "contains" => Builtin::Contains,
            "date" => Builtin::Date,
            "today" => Builtin::Today,
            "days_between" => Builtin::DaysBetween,
            "add_days" => Builtin::AddDays,
            "keys" => Builtin::Keys,
            "values" => Builtin::Values,
            _ => return self.matches_call(scope, args, span),
        };
        let mut typed_args = Vec::with_capacity(args.len());
        for (i, arg) in args.iter().enumerate() {
            let want = match (func_kind, i) {
                (Builtin::DaysBetween, _) | (Builtin::AddDays, 0) => Some(Type::Date),
                (Builtin::AddDays, _) => Some(Type::Int),
                (Builtin::Len | Builtin::Keys | Builtin::Values, _) => None,
                _ => Some(Type::String),
            };
            let t = self.expr(scope, arg, want.as_ref());
            if let Some(want) = want {
                self.expect_argument(name, i, &t, &want);
            }
            typed_args.push(t);
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
            Builtin::Lower | Builtin::Upper => Type::String,
            Builtin::StartsWith | Builtin::EndsWith | Builtin::Contains => Type::Bool,
            Builtin::Date | Builtin::Today | Builtin::AddDays => Type::Date,
            Builtin::DaysBetween => Type::Int,
            // Not reachable yet: the v2 built-ins are typed by their own checker code.
            _ => Type::Unknown,
        };
        if func_kind == Builtin::Date
            && let Some(ExprKind::Str(text)) = args.first().map(|a| &a.unparen().kind)
        {
            return match parse_date(text) {
                Ok(d) => typed(TExprKind::Const(Const::Date(d)), Type::Date, span),
                Err(problem) => {
                    self.report(
                        Diagnostic::error(
                            Code::Literal,
                            format!("invalid date `{text}`: {problem}"),
                        )
                        .label(args.first().map_or(span, |a| a.span), "not a date")
                        .help("write dates as `YYYY-MM-DD`, as in `date(\"2026-03-31\")`"),
                    );
                    invalid(span)
                }
            };
        }
        typed(
            TExprKind::Call {
                func: func_kind,
                args: typed_args,
            },
            ret,
            span,
        )
    }

    fn expect_argument(&mut self, name: &str, index: usize, t: &TExpr, want: &Type) {
        if !t.ty.compatible(want) {
            let want = format!("`{}`", self.type_name(want));
            self.wrong_argument(name, index, Some(t), &want);
        }
    }

    fn wrong_argument(&mut self, name: &str, index: usize, t: Option<&TExpr>, want: &str) {
        let Some(t) = t else { return };
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
            .help(format!("the signature is `{}`", signature(name))),
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
        let help = match alias.or_else(|| did_you_mean(&func.name, names.iter().copied())) {
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
            .help(help),
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
                matches!(elem, Type::Int | Type::Date | Type::Unknown)
            }
            Aggregate::Count | Aggregate::List => true,
        };
        if !ok {
            let want = match kind {
                Aggregate::All | Aggregate::Any => "`bool`",
                Aggregate::Sum => "`int`",
                _ => "`int` or `date`",
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

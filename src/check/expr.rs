//! Typing of expressions: every form of language.md §5, with narrowing of optional
//! fields and the string-literal-to-enum rule.
//!
//! Each function returns a [`TExpr`] even when it reports an error; the erroneous
//! part gets [`Type::Unknown`], which is compatible with everything, so that one
//! mistake gives one diagnostic and checking continues.

use super::scope::Scope;
use super::{Checker, GlobalKind};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::program::{BinOp, Const, TExpr, TExprKind};
use crate::model::types::Type;
use crate::source::Span;
use crate::suggest::{did_you_mean, help_did_you_mean, list_names};
use crate::syntax::ast::{BinaryOp, Expr, ExprKind, Ident, IfExpr, UnaryOp};

/// An optional field read without a guard.
#[derive(Debug, Clone)]
struct Unguarded {
    /// The text of the record's path (`s.target`), when it is a path.
    path: Option<String>,
    /// The optional field.
    field: String,
    /// The read, up to and including this field.
    read: Span,
    /// Where the field is declared.
    declared: Span,
    /// The field's type.
    ty: Type,
    /// Whether the path starts at a generator's variable.
    generator: bool,
}

/// Names other languages use for "no value".
const NULL_NAMES: [&str; 5] = ["null", "nil", "None", "undefined", "NULL"];

/// Why a field of a record is looked up, for diagnostics on non-records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    /// `r.f`
    Field,
    /// `r has f`
    Has,
}

impl Checker<'_> {
    /// Types `e`. `expected` is a hint that lets a string literal become an enum
    /// member and a list literal take its element type; the caller still checks
    /// the result type.
    pub(crate) fn expr(&mut self, scope: &mut Scope, e: &Expr, expected: Option<&Type>) -> TExpr {
        let span = e.span;
        match &e.kind {
            ExprKind::Bool(b) => typed(TExprKind::Const(Const::Bool(*b)), Type::Bool, span),
            ExprKind::Int(n) => typed(TExprKind::Const(Const::Int(*n)), Type::Int, span),
            ExprKind::Str(s) => self.string_literal(s, span, expected),
            ExprKind::List(items) => self.list_literal(scope, items, span, expected),
            ExprKind::Var(v) => self.variable(scope, v),
            ExprKind::Paren(inner) => {
                let inner = self.expr(scope, inner, expected);
                TExpr { span, ..inner }
            }
            ExprKind::Field(target, field) => self.field(scope, e, target, field),
            ExprKind::Index(target, index) => self.index(scope, span, target, index),
            ExprKind::Has(target, field) => {
                let t = self.expr(scope, target, None);
                match self.record_field(&t, target, field, Access::Has) {
                    Some((index, _)) => typed(
                        TExprKind::Has {
                            target: Box::new(t),
                            field: index,
                        },
                        Type::Bool,
                        span,
                    ),
                    None => invalid(span),
                }
            }
            ExprKind::Unary(UnaryOp::Not, operand) => {
                let operand = self.expr(scope, operand, Some(&Type::Bool));
                self.expect_operand(&operand, &Type::Bool, "not");
                typed(TExprKind::Not(Box::new(operand)), Type::Bool, span)
            }
            ExprKind::Unary(UnaryOp::Neg, operand) => {
                let operand = self.expr(scope, operand, Some(&Type::Int));
                self.expect_operand(&operand, &Type::Int, "-");
                typed(TExprKind::Neg(Box::new(operand)), Type::Int, span)
            }
            ExprKind::Binary(op, op_span, lhs, rhs) => {
                self.binary(scope, *op, *op_span, lhs, rhs, span)
            }
            ExprKind::Call(func, args) => self.call(scope, func, args, span),
            ExprKind::Generator(g) => self.generator(scope, g, span),
            ExprKind::If(i) => self.conditional(scope, i, span, expected),
            ExprKind::Invalid => invalid(span),
        }
    }

    /// Checks that `e` has type `want`, reporting "expected … found …" otherwise.
    pub(crate) fn expect_type(&mut self, e: &TExpr, want: &Type, context: &str) {
        if !e.ty.compatible(want) {
            let found = self.type_name(&e.ty);
            let want = self.type_name(want);
            self.report(
                Diagnostic::error(
                    Code::Type,
                    format!("{context} must be `{want}`, found `{found}`"),
                )
                .label(e.span, format!("this is `{found}`")),
            );
        }
    }

    fn expect_operand(&mut self, e: &TExpr, want: &Type, op: &str) {
        self.expect_type(e, want, &format!("the operand of `{op}`"));
    }

    pub(crate) fn type_name(&self, t: &Type) -> String {
        t.display(&self.schema).to_string()
    }

    fn string_literal(&mut self, s: &str, span: Span, expected: Option<&Type>) -> TExpr {
        let Some(Type::Enum(id)) = expected else {
            return typed(
                TExprKind::Const(Const::Str(std::sync::Arc::from(s))),
                Type::String,
                span,
            );
        };
        let Some(def) = self.schema.enum_def(*id) else {
            return invalid(span);
        };
        let member = def.member(s);
        let declared = member
            .and_then(|m| def.members.get(m as usize))
            .map(|m| m.span);
        self.note_enum_string(span, *id);
        if let Some(declared) = declared {
            self.note_use(span, declared);
        }
        let Some(def) = self.schema.enum_def(*id) else {
            return invalid(span);
        };
        match member {
            Some(member) => typed(
                TExprKind::Const(Const::Enum(*id, member)),
                Type::Enum(*id),
                span,
            ),
            None => {
                let members: Vec<&str> = def.members.iter().map(|m| m.value.as_str()).collect();
                let suggestion = did_you_mean(s, members.iter().copied());
                let fix = suggestion
                    .map(|m| (format!("change to `{m}`"), crate::syntax::literal::quote(m)));
                let label = match suggestion {
                    Some(m) => format!("did you mean `{m}`?"),
                    None => format!("not a member of `{}`", def.name),
                };
                let diagnostic = Diagnostic::error(
                    Code::UnknownMember,
                    format!("`{s}` is not a member of enum `{}`", def.name),
                )
                .label(span, label)
                .label(def.name_span, "enum declared here")
                .help(format!(
                    "the members of `{}` are {}",
                    def.name,
                    list_names(members, 20)
                ));
                self.report(diagnostic.fix_when(fix, span));
                typed(
                    TExprKind::Const(Const::Str(std::sync::Arc::from(s))),
                    Type::Enum(*id),
                    span,
                )
            }
        }
    }

    fn list_literal(
        &mut self,
        scope: &mut Scope,
        items: &[Expr],
        span: Span,
        expected: Option<&Type>,
    ) -> TExpr {
        let mut elem_hint = match expected {
            Some(Type::List(t)) if t.is_known() => Some((**t).clone()),
            _ => None,
        };
        if items.is_empty() {
            // A hint without a known element type comes from a side that already
            // has an error (or is itself `[]`, reported there).
            if matches!(expected, Some(Type::Unknown))
                || matches!(expected, Some(Type::List(t)) if !t.is_known())
            {
                return typed(
                    TExprKind::List(Vec::new()),
                    Type::List(Box::new(Type::Unknown)),
                    span,
                );
            }
            return match elem_hint {
                Some(t) => typed(TExprKind::List(Vec::new()), Type::List(Box::new(t)), span),
                None => {
                    self.report(
                        Diagnostic::error(Code::Type, "cannot tell the element type of `[]`")
                            .label(span, "an empty list of what?")
                            .help("use `[]` where its type is known, as in `xs == []`; to test for emptiness write `len(xs) == 0`"),
                    );
                    invalid(span)
                }
            };
        }
        // Without a hint, a non-literal element gives the type, so that the
        // strings of `["active", s.status]` are checked as members of its enum.
        let mut typed_items: Vec<Option<TExpr>> = vec![None; items.len()];
        if elem_hint.is_none()
            && items.iter().any(is_literal)
            && let Some((pos, item)) = items.iter().enumerate().find(|(_, i)| !is_literal(i))
        {
            let t = self.expr(scope, item, None);
            elem_hint = Some(t.ty.clone());
            if let Some(slot) = typed_items.get_mut(pos) {
                *slot = Some(t);
            }
        }
        let mut elem_ty = Type::Unknown;
        let mut first: Option<(Span, Type)> = None;
        let mut out = Vec::with_capacity(items.len());
        for (item, done) in items.iter().zip(typed_items) {
            let t = match done {
                Some(t) => t,
                None => self.expr(scope, item, elem_hint.as_ref()),
            };
            match &first {
                None => {
                    first = Some((t.span, t.ty.clone()));
                    if elem_hint.is_none() {
                        elem_hint = Some(t.ty.clone());
                    }
                }
                Some((first_span, first_ty)) if !first_ty.compatible(&t.ty) => {
                    let (a, b) = (self.type_name(first_ty), self.type_name(&t.ty));
                    self.report(
                        Diagnostic::error(
                            Code::Type,
                            "the elements of a list must all have one type",
                        )
                        .label(t.span, format!("this is `{b}`"))
                        .label(*first_span, format!("the first element is `{a}`")),
                    );
                }
                Some(_) => {}
            }
            elem_ty = elem_ty.merge(t.ty.clone());
            out.push(t);
        }
        typed(TExprKind::List(out), Type::List(Box::new(elem_ty)), span)
    }

    fn variable(&mut self, scope: &Scope, v: &Ident) -> TExpr {
        if let Some(local) = scope.lookup(&v.name) {
            let declared = local.span;
            let t = typed(TExprKind::Local(local.slot), local.ty.clone(), v.span);
            self.note_use(v.span, declared);
            return t;
        }
        if let Some(g) = self.global(&v.name) {
            let kind = match g.kind {
                GlobalKind::Input => TExprKind::Input,
                GlobalKind::Data(i) => TExprKind::Data(i),
                GlobalKind::Param(i) => TExprKind::Param(i),
            };
            let (t, declared) = (typed(kind, g.ty.clone(), v.span), g.span);
            self.note_use(v.span, declared);
            return t;
        }
        if self.unparsed_names.contains(&v.name) {
            return invalid(v.span);
        }
        let names: Vec<String> = scope
            .names()
            .map(str::to_string)
            .chain(self.globals.iter().map(|g| g.name.clone()))
            .collect();
        let lower = v.name.to_lowercase();
        let help = if lower == "true" || lower == "false" {
            Some(format!("did you mean `{lower}`?"))
        } else if NULL_NAMES.contains(&v.name.as_str()) {
            Some("there is no null value: an absent optional field is tested with `has`, as in `not (s has target)`".to_string())
        } else if super::call::is_function_name(&v.name) {
            Some(format!(
                "`{0}` is a function: call it, as in `{0}(…)`",
                v.name
            ))
        } else if self.type_names.contains_key(&v.name) {
            let input = self
                .globals
                .iter()
                .find(|g| matches!(g.kind, GlobalKind::Input));
            Some(
                match (
                    help_did_you_mean(&v.name, names.iter().map(String::as_str)),
                    input,
                ) {
                    (Some(h), _) => format!("`{}` is a type, not a value; {h}", v.name),
                    (None, Some(i)) => format!(
                        "`{}` is a type, not a value; each document is `{}`",
                        v.name, i.name
                    ),
                    (None, None) => format!("`{}` is a type, not a value", v.name),
                },
            )
        } else {
            help_did_you_mean(&v.name, names.iter().map(String::as_str)).or_else(|| {
                let mut sorted: Vec<&str> = names.iter().map(String::as_str).collect();
                sorted.sort_unstable();
                (!sorted.is_empty())
                    .then(|| format!("names in scope here: {}", list_names(sorted, 12)))
            })
        };
        let lower_bool = (lower == "true" || lower == "false").then_some(lower.as_str());
        let close = lower_bool.or_else(|| did_you_mean(&v.name, names.iter().map(String::as_str)));
        let fix = close.map(|c| (format!("change to `{c}`"), c.to_string()));
        self.report(
            Diagnostic::error(Code::UnknownName, format!("unknown name `{}`", v.name))
                .label(v.span, "not defined here")
                .maybe_help(help)
                .fix_when(fix, v.span),
        );
        invalid(v.span)
    }

    /// `target.field` where `target` is already typed as `t`: the field's position
    /// and definition, or a reported error.
    fn record_field(
        &mut self,
        t: &TExpr,
        target: &Expr,
        field: &Ident,
        access: Access,
    ) -> Option<(u32, crate::model::types::FieldDef)> {
        let target_text = self.sources.slice(target.span).to_string();
        self.note_receiver(field.span, &t.ty);
        match &t.ty {
            Type::Record(id) => {
                let record = self.schema.record(*id)?;
                if let Some((index, def)) = record.field(&field.name) {
                    let def = def.clone();
                    self.note_use(field.span, def.span);
                    return Some((index, def));
                }
                let names: Vec<&str> = record.fields.iter().map(|f| f.name.as_str()).collect();
                let close = did_you_mean(&field.name, names.iter().copied());
                // Written after a dot, only a plain name can replace the one there.
                let fix = close
                    .filter(|s| crate::syntax::literal::is_plain_name(s))
                    .map(|s| (format!("change to `{s}`"), s.to_string()));
                let help = match close {
                    Some(s) => format!(
                        "did you mean `{s}`? `{}` has {}",
                        record.name,
                        list_names(names, 20)
                    ),
                    None => format!("`{}` has {}", record.name, list_names(names, 20)),
                };
                let label = format!("`{}` has no field `{}`", record.name, field.name);
                let message = format!("unknown field `{}` on `{}`", field.name, record.name);
                let declared = record.name_span;
                self.report(
                    Diagnostic::error(Code::UnknownField, message)
                        .label(field.span, label)
                        .label(declared, "record declared here")
                        .help(help)
                        .fix_when(fix, field.span),
                );
                None
            }
            Type::Unknown => None,
            other => {
                let (what, help) = match (other, access) {
                    (Type::List(_), Access::Field) => (
                        "a list".to_string(),
                        format!(
                            "go through its elements with `for x in {target_text}`, or a generator such as `all(x.{} … for x in {target_text})`",
                            field.name
                        ),
                    ),
                    (Type::Map(_), Access::Field) => (
                        "a map".to_string(),
                        format!("look a key up with `{target_text}[\"{}\"]`", field.name),
                    ),
                    (Type::Map(_), Access::Has) => (
                        "a map".to_string(),
                        format!(
                            "test whether a key is present with `\"{}\" in {target_text}`",
                            field.name
                        ),
                    ),
                    (Type::List(_), Access::Has) => (
                        "a list".to_string(),
                        "`has` tests a field of a record".to_string(),
                    ),
                    (other, _) => (
                        format!("`{}`", self.type_name(other)),
                        "only records have fields".to_string(),
                    ),
                };
                let (message, label) = match access {
                    Access::Field => (
                        format!("`{target_text}` is {what}, which has no fields"),
                        format!("`.{}` on {what}", field.name),
                    ),
                    Access::Has => (
                        format!("`has` needs a record, and `{target_text}` is {what}"),
                        format!("`has {}` on {what}", field.name),
                    ),
                };
                self.report(
                    Diagnostic::error(Code::Type, message)
                        .label(field.span, label)
                        .help(help),
                );
                None
            }
        }
    }

    /// `target.field`. A chain such as `t.main.target.date` with several optional
    /// fields read without a guard gives one diagnostic for the whole read.
    fn field(&mut self, scope: &mut Scope, e: &Expr, target: &Expr, field: &Ident) -> TExpr {
        let mut unguarded = Vec::new();
        let t = self.field_link(scope, e, target, field, &mut unguarded);
        if !unguarded.is_empty() {
            self.report_unguarded(e, &t.ty, &unguarded);
        }
        t
    }

    /// One link of a field chain; optional fields read without a guard are
    /// collected into `unguarded`, innermost first.
    fn field_link(
        &mut self,
        scope: &mut Scope,
        e: &Expr,
        target: &Expr,
        field: &Ident,
        unguarded: &mut Vec<Unguarded>,
    ) -> TExpr {
        let t = match &target.kind {
            ExprKind::Field(inner, inner_field) => {
                self.field_link(scope, target, inner, inner_field, unguarded)
            }
            _ => self.expr(scope, target, None),
        };
        self.typed_field(scope, e, target, t, field, unguarded)
    }

    /// Field `field` of the already typed record `t` (written `target`): the
    /// second half of [`Self::field_link`], shared with `x["quoted name"]`.
    fn typed_field(
        &mut self,
        scope: &mut Scope,
        e: &Expr,
        target: &Expr,
        t: TExpr,
        field: &Ident,
        unguarded: &mut Vec<Unguarded>,
    ) -> TExpr {
        let Some((index, def)) = self.record_field(&t, target, field, Access::Field) else {
            return invalid(e.span);
        };
        if def.optional {
            let key = scope.path_key(target);
            if !key.as_ref().is_some_and(|p| scope.knows(p, &field.name)) {
                let generator = key
                    .as_ref()
                    .and_then(|k| k.split('.').next())
                    .and_then(|root| scope.lookup(root))
                    .is_some_and(|l| l.generator);
                unguarded.push(Unguarded {
                    path: key.map(|_| self.sources.slice(target.span).to_string()),
                    field: field.name.clone(),
                    read: e.span,
                    declared: def.span,
                    ty: def.ty.clone(),
                    generator,
                });
            }
        }
        typed(
            TExprKind::Field {
                target: Box::new(t),
                field: index,
            },
            def.ty,
            e.span,
        )
    }

    /// One diagnostic for a read of optional fields without a guard: the `has`
    /// tests to write (as a `when`, or a generator's `if`), and a default.
    fn report_unguarded(&mut self, e: &Expr, read_ty: &Type, links: &[Unguarded]) {
        let Some(first) = links.first() else { return };
        let text = self.sources.slice(e.span).to_string();
        let absent = self.sources.slice(first.read).to_string();
        let ty = self.type_name(&first.ty);
        let tests: Option<Vec<String>> = links
            .iter()
            .map(|l| {
                l.path
                    .as_ref()
                    .map(|p| format!("{p} has {}", field_ref(&l.field)))
            })
            .collect();
        let default = match read_ty {
            Type::Int => format!("{text} ?? 0"),
            Type::Bool => format!("{text} ?? false"),
            Type::String => format!("{text} ?? \"\""),
            _ => format!("{text} ?? …"),
        };
        let mut fixes = Vec::new();
        let help = match tests {
            Some(tests) => {
                let guard = tests.join(" and ");
                let generator = links.iter().any(|l| l.generator);
                if let Some(clause) = self.clause.filter(|_| !self.in_template && !generator) {
                    let indent = self.sources.get(clause.file).map_or("", |f| {
                        let before = f.text().get(..clause.start as usize).unwrap_or("");
                        let line = before.rsplit('\n').next().unwrap_or("");
                        line.get(..line.len() - line.trim_start().len())
                            .unwrap_or("")
                    });
                    fixes.push((
                        format!("add `when {guard}` before this clause"),
                        clause.start_point(),
                        format!("when {guard}\n{indent}"),
                    ));
                }
                if generator {
                    format!(
                        "guard it in the generator's filter: `… for … in … if {guard}` (join it with `and` to a filter already there), or give a default: `{default}`"
                    )
                } else if self.in_template {
                    format!(
                        "a message is also shown where a `require` failed, so a `require … has …` does not guard it: add `when {guard}` before the requires, or give a default: `{default}`"
                    )
                } else {
                    format!(
                        "guard it: add `when {guard}` before this clause, or test it in place with `{guard} and …`, or give a default: `{default}`"
                    )
                }
            }
            // A computed value (a call, a generator) is not a path, so a `has`
            // test of it proves nothing about a second computation: name it.
            None => format!(
                "a computed value cannot be guarded in place: name it with `let`, then test that name with `has {}`; or give a default: `{default}`",
                field_ref(&first.field)
            ),
        };
        if !default.contains('…') {
            // `??` binds more loosely than arithmetic: `n + s.x ?? 0` would
            // default the sum.
            let text = self.sources.get(e.span.file).map_or("", |f| f.text());
            let before = text.get(..e.span.start as usize).unwrap_or("").trim_end();
            let after = text.get(e.span.end as usize..).unwrap_or("").trim_start();
            let arithmetic = |c: Option<char>| c.is_some_and(|c| "+-*/".contains(c));
            let written =
                if arithmetic(before.chars().next_back()) || arithmetic(after.chars().next()) {
                    format!("({default})")
                } else {
                    default.clone()
                };
            fixes.push((format!("give a default: `{default}`"), e.span, written));
        }
        let mut diagnostic = Diagnostic::error(Code::Optional, format!("`{absent}` may be absent"))
            .label(e.span, "read here without a guard")
            .label(
                first.declared,
                format!("`{}` is declared optional (`{ty}?`)", first.field),
            )
            .help(help);
        for (title, span, text) in fixes {
            diagnostic = diagnostic.fix(title, span, text);
        }
        self.report(diagnostic);
    }

    fn index(&mut self, scope: &mut Scope, span: Span, target: &Expr, index: &Expr) -> TExpr {
        let t = self.expr(scope, target, None);
        match t.ty.clone() {
            Type::List(elem) => {
                let i = self.expr(scope, index, Some(&Type::Int));
                self.expect_type(&i, &Type::Int, "a list index");
                typed(
                    TExprKind::Index {
                        target: Box::new(t),
                        index: Box::new(i),
                    },
                    *elem,
                    span,
                )
            }
            Type::Map(value) => {
                let k = self.expr(scope, index, Some(&Type::String));
                self.expect_type(&k, &Type::String, "a map key");
                typed(
                    TExprKind::Lookup {
                        target: Box::new(t),
                        key: Box::new(k),
                    },
                    *value,
                    span,
                )
            }
            Type::Unknown => {
                self.expr(scope, index, None);
                invalid(span)
            }
            // `x["@odata.type"]`: a field whose name is not an identifier.
            Type::Record(_) if matches!(index.unparen().kind, ExprKind::Str(_)) => {
                let ExprKind::Str(name) = &index.unparen().kind else {
                    return invalid(span);
                };
                let field = Ident {
                    name: name.clone(),
                    span: index.unparen().span,
                };
                let e = Expr {
                    kind: ExprKind::Invalid,
                    span,
                };
                let mut unguarded = Vec::new();
                let read = self.typed_field(scope, &e, target, t, &field, &mut unguarded);
                if !unguarded.is_empty() {
                    self.report_unguarded(&e, &read.ty, &unguarded);
                }
                read
            }
            other => {
                let ty = self.type_name(&other);
                let text = self.sources.slice(target.span).to_string();
                self.report(
                    Diagnostic::error(Code::Type, format!("cannot index into `{ty}`"))
                        .label(t.span, format!("`{text}` is `{ty}`"))
                        .help("only lists (`xs[0]`) and maps (`m[\"key\"]`) can be indexed"),
                );
                invalid(span)
            }
        }
    }

    fn binary(
        &mut self,
        scope: &mut Scope,
        op: BinaryOp,
        op_span: Span,
        lhs: &Expr,
        rhs: &Expr,
        span: Span,
    ) -> TExpr {
        let bin = |kind: BinOp, l: TExpr, r: TExpr, ty: Type| {
            typed(
                TExprKind::Binary {
                    op: kind,
                    op_span,
                    lhs: Box::new(l),
                    rhs: Box::new(r),
                },
                ty,
                span,
            )
        };
        // `a < b < c` and `a == not b` were reported when parsing; check both
        // sides, but not the operator, which would only repeat that error.
        // `x == null`: one error that shows the `has` test to write, rather than
        // "may be absent" plus "unknown name".
        if matches!(op, BinaryOp::Eq | BinaryOp::Ne)
            && let Some((null, other)) = self.null_side(scope, lhs, rhs)
        {
            let test = match &other.unparen().kind {
                ExprKind::Field(target, field) => {
                    let target = self.sources.slice(target.span);
                    if op == BinaryOp::Eq {
                        format!("not ({target} has {})", field.name)
                    } else {
                        format!("{target} has {}", field.name)
                    }
                }
                _ => "r has f".to_string(),
            };
            let name = self.sources.slice(null.span).to_string();
            self.report(
                Diagnostic::error(Code::UnknownName, format!("there is no `{name}` in policies"))
                    .label(null.span, "not a value")
                    .help(format!("an optional field that is absent (or null in the data) is tested with `has`: write `{test}`")),
            );
            return typed(TExprKind::Invalid, Type::Bool, span);
        }
        let chained = op.is_comparison()
            && matches!(&lhs.kind, ExprKind::Binary(inner, ..) if inner.is_comparison());
        let bare_not = !matches!(op, BinaryOp::And | BinaryOp::Or)
            && matches!(rhs.kind, ExprKind::Unary(UnaryOp::Not, _));
        if chained || bare_not {
            let l = self.expr(scope, lhs, None);
            let r = self.expr(scope, rhs, None);
            return bin(typed_op(op), l, r, Type::Bool);
        }
        match op {
            BinaryOp::And | BinaryOp::Or => {
                let l = self.expr(scope, lhs, Some(&Type::Bool));
                self.expect_operand(&l, &Type::Bool, op.as_str());
                let mark = scope.facts_mark();
                let facts = if op == BinaryOp::And {
                    scope.facts_when_true(lhs)
                } else {
                    scope.facts_when_false(lhs)
                };
                scope.assume(facts);
                let r = self.expr(scope, rhs, Some(&Type::Bool));
                scope.restore_facts(mark);
                self.expect_operand(&r, &Type::Bool, op.as_str());
                bin(typed_op(op), l, r, Type::Bool)
            }
            BinaryOp::Eq | BinaryOp::Ne => {
                let (l, r) =
                    self.operands(scope, lhs, rhs, |t| Some(t.clone()), |t| Some(t.clone()));
                if !l.ty.compatible(&r.ty) {
                    let help = self
                        .day_comparison(&l, op, &r)
                        .or_else(|| self.mismatch_help(&l.ty, &r.ty));
                    self.mismatch(
                        format!(
                            "cannot compare `{{l}}` with `{{r}}` using `{}`",
                            op.as_str()
                        ),
                        &l,
                        &r,
                        help,
                    );
                }
                bin(typed_op(op), l, r, Type::Bool)
            }
            BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
                let (l, r) =
                    self.operands(scope, lhs, rhs, |t| Some(t.clone()), |t| Some(t.clone()));
                let ordered =
                    |t: &Type| matches!(t, Type::Int | Type::Date | Type::DateTime | Type::Unknown);
                if !ordered(&l.ty) || !ordered(&r.ty) || !l.ty.compatible(&r.ty) {
                    let help = Some(
                        match self
                            .day_comparison(&l, op, &r)
                            .or_else(|| self.mismatch_help(&l.ty, &r.ty))
                        {
                            Some(h) => h,
                            None => format!(
                                "`{}` orders two `int`s, two `date`s or two `datetime`s",
                                op.as_str()
                            ),
                        },
                    );
                    self.mismatch(
                        format!("cannot order `{{l}}` and `{{r}}` with `{}`", op.as_str()),
                        &l,
                        &r,
                        help,
                    );
                }
                bin(typed_op(op), l, r, Type::Bool)
            }
            BinaryOp::In | BinaryOp::NotIn => {
                let (l, r) = self.operands(
                    scope,
                    lhs,
                    rhs,
                    |t| match t {
                        Type::List(e) => Some((**e).clone()),
                        Type::Map(_) => Some(Type::String),
                        _ => None,
                    },
                    |t| Some(Type::List(Box::new(t.clone()))),
                );
                let negate = op == BinaryOp::NotIn;
                let kind = match &r.ty {
                    Type::List(elem) => {
                        if !l.ty.compatible(elem) {
                            let (lt, et) = (self.type_name(&l.ty), self.type_name(elem));
                            let help = self.mismatch_help(&l.ty, elem);
                            self.report(
                                Diagnostic::error(
                                    Code::Type,
                                    format!("cannot look for `{lt}` in a list of `{et}`"),
                                )
                                .label(l.span, format!("this is `{lt}`"))
                                .label(r.span, format!("this is `[{et}]`"))
                                .maybe_help(help),
                            );
                        }
                        if negate {
                            BinOp::NotInList
                        } else {
                            BinOp::InList
                        }
                    }
                    Type::Map(_) => {
                        if !l.ty.compatible(&Type::String) {
                            let lt = self.type_name(&l.ty);
                            let rt = self.type_name(&r.ty);
                            self.report(
                                Diagnostic::error(
                                    Code::Type,
                                    format!("map keys are strings, found `{lt}`"),
                                )
                                .label(l.span, format!("this is `{lt}`"))
                                .label(r.span, format!("this is `{rt}`")),
                            );
                        }
                        if negate {
                            BinOp::NotInMap
                        } else {
                            BinOp::InMap
                        }
                    }
                    Type::Unknown => BinOp::InList,
                    other => {
                        let rt = self.type_name(other);
                        self.report(
                            Diagnostic::error(Code::Type, format!("`{}` needs a list or a map on its right", op.as_str()))
                                .label(r.span, format!("this is `{rt}`"))
                                .help("test membership in a list (`x in [\"a\", \"b\"]`) or a map's keys (`k in catalog.offers`)"),
                        );
                        BinOp::InList
                    }
                };
                bin(kind, l, r, Type::Bool)
            }
            BinaryOp::Default => self.default_op(scope, lhs, rhs, span),
            BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div => {
                let l = self.expr(scope, lhs, Some(&Type::Int));
                let r = self.expr(scope, rhs, Some(&Type::Int));
                let ok = l.ty.compatible(&Type::Int) && r.ty.compatible(&Type::Int);
                if !ok {
                    let help = match (&l.ty, &r.ty, op) {
                        (Type::Date, Type::Int, BinaryOp::Add | BinaryOp::Sub) => {
                            Some("move a date with `add_days(d, n)` (negative `n` goes back)".to_string())
                        }
                        (Type::Date, Type::Date, BinaryOp::Sub) => {
                            Some("count the days between two dates with `days_between(a, b)`".to_string())
                        }
                        (Type::DateTime, Type::Int, BinaryOp::Add | BinaryOp::Sub) => {
                            Some("move a datetime by whole days with `add_days(t, n)` (negative `n` goes back)".to_string())
                        }
                        (Type::DateTime, Type::DateTime, BinaryOp::Sub) => {
                            Some("count the time between two datetimes with `hours_between(a, b)` or `days_between(a, b)`".to_string())
                        }
                        (Type::String, Type::String, BinaryOp::Add) => Some(
                            "strings are not joined with `+`; a `message` can interpolate both: \"{a}{b}\"".to_string(),
                        ),
                        _ => Some(format!("`{}` works on two `int`s", op.as_str())),
                    };
                    self.mismatch(
                        format!("cannot apply `{}` to `{{l}}` and `{{r}}`", op.as_str()),
                        &l,
                        &r,
                        help,
                    );
                }
                bin(
                    typed_op(op),
                    l,
                    r,
                    if ok { Type::Int } else { Type::Unknown },
                )
            }
        }
    }

    /// In `a == null` or `null == a`, the `null`-like name (when it is not a
    /// declared name) and the other side.
    fn null_side<'e>(
        &self,
        scope: &Scope,
        lhs: &'e Expr,
        rhs: &'e Expr,
    ) -> Option<(&'e Expr, &'e Expr)> {
        let is_null = |e: &Expr| match &e.unparen().kind {
            ExprKind::Var(v) => {
                NULL_NAMES.contains(&v.name.as_str())
                    && scope.lookup(&v.name).is_none()
                    && self.global(&v.name).is_none()
            }
            _ => false,
        };
        if is_null(rhs) {
            Some((rhs, lhs))
        } else if is_null(lhs) {
            Some((lhs, rhs))
        } else {
            None
        }
    }

    /// Types both operands, letting a literal side take its type from the other
    /// (so `"accepted" == transfer.relationship` checks the enum member).
    fn operands(
        &mut self,
        scope: &mut Scope,
        lhs: &Expr,
        rhs: &Expr,
        hint_for_lhs: impl Fn(&Type) -> Option<Type>,
        hint_for_rhs: impl Fn(&Type) -> Option<Type>,
    ) -> (TExpr, TExpr) {
        let empty_list =
            |e: &Expr| matches!(&e.unparen().kind, ExprKind::List(items) if items.is_empty());
        if is_literal(lhs) && (!is_literal(rhs) || empty_list(lhs)) {
            let r = self.expr(scope, rhs, None);
            let hint = hint_for_lhs(&r.ty);
            let l = self.expr(scope, lhs, hint.as_ref());
            (l, r)
        } else {
            let l = self.expr(scope, lhs, None);
            let hint = hint_for_rhs(&l.ty);
            let r = self.expr(scope, rhs, hint.as_ref());
            (l, r)
        }
    }

    /// Reports a mismatch, labelling both operands with their types. `message`
    /// may contain `{l}` and `{r}`, replaced by the types.
    fn mismatch(&mut self, message: String, l: &TExpr, r: &TExpr, help: Option<String>) {
        let (lt, rt) = (self.type_name(&l.ty), self.type_name(&r.ty));
        let message = message.replace("{l}", &lt).replace("{r}", &rt);
        self.report(
            Diagnostic::error(Code::Type, message)
                .label(l.span, format!("this is `{lt}`"))
                .label(r.span, format!("this is `{rt}`"))
                .maybe_help(help),
        );
    }

    /// For a `date` beside a `datetime`: the text of both operands, the
    /// datetime one wrapped in `day(…)`, so that a help can show the
    /// comparison or call to write. `None` unless they are one of each.
    pub(crate) fn with_day(&self, l: &TExpr, r: &TExpr) -> Option<(String, String)> {
        let text = |e: &TExpr| self.sources.slice(e.span).to_string();
        match (&l.ty, &r.ty) {
            (Type::DateTime, Type::Date) => Some((format!("day({})", text(l)), text(r))),
            (Type::Date, Type::DateTime) => Some((text(l), format!("day({})", text(r)))),
            _ => None,
        }
    }

    /// The help for comparing a `date` with a `datetime`: the comparison of
    /// the datetime's calendar day, written out.
    fn day_comparison(&self, l: &TExpr, op: BinaryOp, r: &TExpr) -> Option<String> {
        let (l, r) = self.with_day(l, r)?;
        Some(format!(
            "a `datetime` is an instant and a `date` a calendar day; compare the day (in UTC): `{l} {} {r}`",
            op.as_str()
        ))
    }

    fn mismatch_help(&self, a: &Type, b: &Type) -> Option<String> {
        match (a, b) {
            (Type::Date, Type::String) | (Type::String, Type::Date) => {
                Some("write a date as `date(\"2026-01-31\")`".to_string())
            }
            (Type::DateTime, Type::String) | (Type::String, Type::DateTime) => {
                Some("write a datetime as `datetime(\"2026-05-01T09:30:00Z\")`".to_string())
            }
            (Type::Enum(id), Type::String) | (Type::String, Type::Enum(id)) => {
                let name = self.schema.enum_def(*id).map_or("", |e| e.name.as_str());
                Some(format!(
                    "a `{name}` value compares with a string literal that is one of its members, or with another `{name}`"
                ))
            }
            (Type::Int, Type::String) | (Type::String, Type::Int) => Some(
                "numbers and strings are never equal; write the number without quotes".to_string(),
            ),
            _ => None,
        }
    }

    /// `if C then A else B`: `C` a bool, both branches of one type; `A` is
    /// checked knowing what `C` proves, `B` knowing what `not C` proves. Not
    /// inlined, so that it does not enlarge the frame of every nested [`Self::expr`].
    #[inline(never)]
    fn conditional(
        &mut self,
        scope: &mut Scope,
        i: &IfExpr,
        span: Span,
        expected: Option<&Type>,
    ) -> TExpr {
        let cond = self.expr(scope, &i.cond, Some(&Type::Bool));
        self.expect_type(&cond, &Type::Bool, "the condition of `if`");
        let mark = scope.facts_mark();
        let facts = scope.facts_when_true(&i.cond);
        scope.assume(facts);
        let then = self.expr(scope, &i.then_branch, expected);
        scope.restore_facts(mark);
        let facts = scope.facts_when_false(&i.cond);
        scope.assume(facts);
        // The `then` branch's type is a hint for the `else` branch, so that
        // `if c then Region.x else "emea"` types the literal as the enum.
        let hint = expected.cloned().or_else(|| Some(then.ty.clone()));
        let otherwise = self.expr(scope, &i.else_branch, hint.as_ref());
        scope.restore_facts(mark);
        let ty = if then.ty.compatible(&otherwise.ty) {
            then.ty.clone().merge(otherwise.ty.clone())
        } else {
            let (tt, et) = (self.type_name(&then.ty), self.type_name(&otherwise.ty));
            self.report(
                Diagnostic::error(
                    Code::Type,
                    format!("the branches of `if` have different types: `{tt}` and `{et}`"),
                )
                .label(then.span, format!("`then` gives `{tt}`"))
                .label(otherwise.span, format!("`else` gives `{et}`"))
                .help("both branches must give a value of the same type: convert one (e.g. with `to_string`) or change what it computes"),
            );
            Type::Unknown
        };
        typed(
            TExprKind::If {
                cond: Box::new(cond),
                then: Box::new(then),
                otherwise: Box::new(otherwise),
            },
            ty,
            span,
        )
    }

    fn default_op(&mut self, scope: &mut Scope, lhs: &Expr, rhs: &Expr, span: Span) -> TExpr {
        if field_parts(lhs).is_none() {
            // `-s.target.qty ?? 0` is `(-s.target.qty) ?? 0`: say so, and check the
            // field as the left side of `??` so that no second error follows.
            let (l, help) = match &lhs.kind {
                ExprKind::Unary(op, inner) if matches!(inner.unparen().kind, ExprKind::Field(..)) => {
                    let (l, _) = self.optional_chain(scope, inner);
                    let (sign, inner_text) = (if *op == UnaryOp::Neg { "-" } else { "not " }, self.sources.slice(inner.span));
                    let rhs_text = self.sources.slice(rhs.span);
                    (l, format!("`{}` binds tighter than `??`: write `{sign}({inner_text} ?? {rhs_text})`", sign.trim()))
                }
                _ => (
                    self.expr(scope, lhs, None),
                    "`??` gives a default for an optional record field, as in `s.assigned ?? s.quantity`".to_string(),
                ),
            };
            let r = self.expr(scope, rhs, Some(&l.ty));
            let text = self.sources.slice(lhs.span).to_string();
            self.report(
                Diagnostic::error(Code::Optional, "`??` needs an optional field on its left")
                    .label(lhs.span, format!("`{text}` is not a field access"))
                    .help(help),
            );
            return TExpr { span, ..r };
        }
        let (value, may_be_absent) = self.optional_chain(scope, lhs);
        let d = self.expr(scope, rhs, Some(&value.ty));
        if !may_be_absent {
            let ty = self.type_name(&value.ty);
            let text = self.sources.slice(lhs.span).to_string();
            let (label, help) = match &lhs.unparen().kind {
                ExprKind::Field(target, field)
                    if !matches!(target.unparen().kind, ExprKind::Field(..)) =>
                {
                    (
                        format!("`{}` is a required `{ty}`", field.name),
                        format!(
                            "remove `?? …`, or declare the field optional: `{}: {ty}?`",
                            field.name
                        ),
                    )
                }
                _ => (
                    format!("every field on this path is required; this is always an `{ty}`"),
                    "remove `?? …`, or declare one of the fields optional with `?`".to_string(),
                ),
            };
            self.report(
                Diagnostic::error(Code::Optional, format!("`{text}` is never absent"))
                    .label(lhs.span, label)
                    .help(help),
            );
        }
        if !d.ty.compatible(&value.ty) {
            let (ft, dt) = (self.type_name(&value.ty), self.type_name(&d.ty));
            self.report(
                Diagnostic::error(
                    Code::Type,
                    format!("the default must be `{ft}` like the field, found `{dt}`"),
                )
                .label(lhs.span, format!("this is `{ft}`"))
                .label(d.span, format!("this is `{dt}`")),
            );
        }
        let ty = value.ty.clone();
        typed(
            TExprKind::Default {
                value: Box::new(value),
                default: Box::new(d),
            },
            ty,
            span,
        )
    }

    /// Types the left side of `??`: a chain of field accesses in which optional
    /// fields may be read without a guard. Also says whether any field on the
    /// chain is declared optional (`true` as well after an error, so that no
    /// second error follows).
    fn optional_chain(&mut self, scope: &mut Scope, e: &Expr) -> (TExpr, bool) {
        let Some((target, field)) = field_parts(e) else {
            return (self.expr(scope, e, None), false);
        };
        let (t, optional_before) = self.optional_chain(scope, target);
        if !matches!(t.ty, Type::Record(_) | Type::Unknown)
            && !matches!(e.unparen().kind, ExprKind::Field(..))
        {
            // `m["key"] ?? …` on a map: a lookup, not an optional field.
            let text = self.sources.slice(e.span).to_string();
            self.report(
                Diagnostic::error(Code::Optional, "`??` needs an optional field on its left")
                    .label(e.span, format!("`{text}` is not a field access"))
                    .help("a missing map key is tested with `in`: `if k in m then m[k] else …`"),
            );
            return (invalid(e.span), true);
        }
        match self.record_field(&t, target, &field, Access::Field) {
            Some((index, def)) => (
                typed(
                    TExprKind::Field {
                        target: Box::new(t),
                        field: index,
                    },
                    def.ty,
                    e.span,
                ),
                optional_before || def.optional,
            ),
            None => (invalid(e.span), true),
        }
    }
}

/// A field's name as a `has` test writes it: quoted unless it is a plain name.
fn field_ref(name: &str) -> String {
    if crate::syntax::literal::is_plain_name(name) {
        name.to_string()
    } else {
        crate::syntax::literal::quote(name)
    }
}

/// The record and field of `r.field` or `r["quoted name"]`.
fn field_parts(e: &Expr) -> Option<(&Expr, Ident)> {
    match &e.unparen().kind {
        ExprKind::Field(target, field) => Some((target, field.clone())),
        ExprKind::Index(target, index) => match &index.unparen().kind {
            ExprKind::Str(name) => Some((
                target,
                Ident {
                    name: name.clone(),
                    span: index.unparen().span,
                },
            )),
            _ => None,
        },
        _ => None,
    }
}

/// The typed operator of an operator whose meaning does not depend on its
/// operand types (`in`, `not in` and `??` are resolved by their callers).
fn typed_op(op: BinaryOp) -> BinOp {
    match op {
        BinaryOp::Or => BinOp::Or,
        BinaryOp::And => BinOp::And,
        BinaryOp::Eq => BinOp::Eq,
        BinaryOp::Ne => BinOp::Ne,
        BinaryOp::Lt => BinOp::Lt,
        BinaryOp::Le => BinOp::Le,
        BinaryOp::Gt => BinOp::Gt,
        BinaryOp::Ge => BinOp::Ge,
        BinaryOp::Add => BinOp::Add,
        BinaryOp::Sub => BinOp::Sub,
        BinaryOp::Mul => BinOp::Mul,
        BinaryOp::Div => BinOp::Div,
        // Resolved by `binary` from the operand types (list or map) and by
        // `default_op`; listed so the match stays exhaustive.
        BinaryOp::In => BinOp::InList,
        BinaryOp::NotIn => BinOp::NotInList,
        BinaryOp::Default => BinOp::Eq,
    }
}

/// A node of a given type.
pub(crate) fn typed(kind: TExprKind, ty: Type, span: Span) -> TExpr {
    TExpr { kind, ty, span }
}

/// The node for a part that already has an error.
pub(crate) fn invalid(span: Span) -> TExpr {
    typed(TExprKind::Invalid, Type::Unknown, span)
}

/// A string literal, or a list literal of them (possibly empty): expressions
/// whose type may be taken from the other side of a comparison.
fn is_literal(e: &Expr) -> bool {
    match &e.unparen().kind {
        ExprKind::Str(_) => true,
        ExprKind::List(items) => items.iter().all(is_literal),
        _ => false,
    }
}

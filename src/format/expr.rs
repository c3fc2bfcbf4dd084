//! Expressions and types in canonical spacing.
//!
//! The syntax tree keeps the parentheses the author wrote, so printing each node
//! with its operands in place reproduces the token sequence the parser read
//! (white space and trailing commas aside): the tree parsed back is the same, and
//! no precedence reasoning is needed here. Literals are copied from the source.

use crate::syntax::ast::{
    BinaryOp, Expr, ExprKind, Ident, IfExpr, TypeExpr, TypeExprKind, UnaryOp,
};
use crate::syntax::literal::{is_plain_name, quote};

use super::doc::Doc;

/// Prints expressions whose literals are read from `src`, the text they were
/// parsed from.
#[derive(Clone, Copy)]
pub(super) struct ExprPrinter<'a> {
    pub(super) src: &'a str,
}

impl<'a> ExprPrinter<'a> {
    /// The source text of a literal (always there for a tree parsed from `src`).
    fn literal(self, expr: &Expr, fallback: impl FnOnce() -> String) -> Doc<'a> {
        match self.src.get(expr.span.range()) {
            Some(text) if !text.is_empty() => Doc::text(text),
            _ => Doc::text(fallback()),
        }
    }

    /// An expression as the whole of a clause (or a `param` default): a top-level
    /// chain of `and` or `or` may break before each operator.
    pub(super) fn clause(self, expr: &Expr) -> Doc<'a> {
        let op = match &expr.kind {
            ExprKind::Binary(op @ (BinaryOp::And | BinaryOp::Or), ..) => *op,
            _ => return self.expr(expr),
        };
        // `a and b and c` is `(a and b) and c`: walk down the left operands.
        let mut rights = Vec::new();
        let mut first = expr;
        while let ExprKind::Binary(inner, _, lhs, rhs) = &first.kind
            && *inner == op
        {
            rights.push(rhs.as_ref());
            first = lhs;
        }
        let mut tail = Vec::with_capacity(rights.len() * 2);
        for operand in rights.into_iter().rev() {
            tail.push(Doc::Line);
            tail.push(Doc::Concat(vec![
                Doc::text(op.as_str()),
                Doc::text(" "),
                self.clause(operand),
            ]));
        }
        // The first operand is indented too: when it is a chain of the other
        // operator and breaks, its lines go deeper than this chain's.
        Doc::group(Doc::Concat(vec![
            Doc::indent(self.clause(first)),
            Doc::indent(Doc::Concat(tail)),
        ]))
    }

    /// An expression on one line, except for list literals that do not fit.
    pub(super) fn expr(self, expr: &Expr) -> Doc<'a> {
        match &expr.kind {
            ExprKind::Bool(b) => Doc::text(if *b { "true" } else { "false" }),
            ExprKind::Int(n) => self.literal(expr, || n.to_string()),
            ExprKind::Str(s) => self.literal(expr, || format!("{s:?}")),
            ExprKind::List(items) => self.list(items),
            ExprKind::Var(name) => Doc::text(name.name.clone()),
            ExprKind::Paren(inner) => {
                Doc::Concat(vec![Doc::text("("), self.expr(inner), Doc::text(")")])
            }
            ExprKind::Field(target, field) => Doc::Concat(vec![
                self.expr(target),
                Doc::text("."),
                Doc::text(field.name.clone()),
            ]),
            ExprKind::Index(target, index) => Doc::Concat(vec![
                self.expr(target),
                Doc::text("["),
                self.expr(index),
                Doc::text("]"),
            ]),
            ExprKind::Has(target, field) => Doc::Concat(vec![
                self.expr(target),
                Doc::text(" has "),
                Doc::text(self.field_name(field)),
            ]),
            ExprKind::Unary(op, operand) => Doc::Concat(vec![
                Doc::text(match op {
                    UnaryOp::Not => "not ",
                    // `- -x`, not `--x`, which reads like a decrement.
                    UnaryOp::Neg if matches!(operand.kind, ExprKind::Unary(UnaryOp::Neg, _)) => {
                        "- "
                    }
                    UnaryOp::Neg => "-",
                }),
                self.expr(operand),
            ]),
            ExprKind::Binary(op, _, lhs, rhs) => Doc::Concat(vec![
                self.expr(lhs),
                Doc::text(" "),
                Doc::text(op.as_str()),
                Doc::text(" "),
                self.expr(rhs),
            ]),
            ExprKind::If(i) => self.if_expr(i),
            ExprKind::Call(func, args) => {
                let mut parts = vec![Doc::text(func.name.clone()), Doc::text("(")];
                for (i, arg) in args.iter().enumerate() {
                    if i > 0 {
                        parts.push(Doc::text(", "));
                    }
                    parts.push(self.expr(arg));
                }
                parts.push(Doc::text(")"));
                Doc::Concat(parts)
            }
            ExprKind::Generator(generator) => {
                let mut parts = vec![Doc::text(generator.func.name.clone()), Doc::text("(")];
                if let Some(key) = &generator.key {
                    parts.push(self.expr(key));
                    parts.push(Doc::text(": "));
                }
                parts.extend([
                    self.expr(&generator.body),
                    Doc::text(" for "),
                    Doc::text(generator.var.name.clone()),
                    Doc::text(" in "),
                    self.expr(&generator.iter),
                ]);
                if let Some(filter) = &generator.filter {
                    parts.push(Doc::text(" if "));
                    parts.push(self.expr(filter));
                }
                parts.push(Doc::text(")"));
                Doc::Concat(parts)
            }
            // Only in trees with errors, which are never formatted.
            ExprKind::Invalid => self.literal(expr, String::new),
        }
    }

    /// A field name as `has` and record fields write it: bare when it is an
    /// identifier that is not a keyword, else quoted (as written when it was
    /// written quoted, so that its escapes stay as they are).
    pub(super) fn field_name(self, name: &Ident) -> String {
        if is_plain_name(&name.name) {
            return name.name.clone();
        }
        match self.src.get(name.span.range()) {
            Some(text) if text.starts_with('"') => text.to_string(),
            _ => quote(&name.name),
        }
    }

    /// `if c then a else b` on one line when it fits; otherwise broken before
    /// `then` and `else`, one level deeper than the `if`. An `else if` chain is
    /// one unit: its `else if`, `then` and `else` lines all line up.
    fn if_expr(self, first: &IfExpr) -> Doc<'a> {
        let mut parts = vec![Doc::text("if "), self.expr(&first.cond)];
        let mut tail = Vec::new();
        let mut current = first;
        loop {
            tail.push(Doc::Line);
            tail.push(Doc::text("then "));
            tail.push(self.expr(&current.then_branch));
            tail.push(Doc::Line);
            match &current.else_branch.kind {
                ExprKind::If(next) => {
                    tail.push(Doc::text("else if "));
                    tail.push(self.expr(&next.cond));
                    current = next;
                }
                _ => {
                    tail.push(Doc::text("else "));
                    tail.push(self.expr(&current.else_branch));
                    break;
                }
            }
        }
        parts.push(Doc::indent(Doc::Concat(tail)));
        Doc::group(Doc::Concat(parts))
    }

    /// `[a, b]`, or one element per line with a trailing comma when that does not fit.
    fn list(self, items: &[Expr]) -> Doc<'a> {
        if items.is_empty() {
            return Doc::text("[]");
        }
        let mut inner = Vec::with_capacity(items.len() * 3 + 2);
        inner.push(Doc::SoftLine);
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                inner.push(Doc::text(","));
                inner.push(Doc::Line);
            }
            inner.push(self.expr(item));
        }
        inner.push(Doc::IfBreak(","));
        Doc::group(Doc::Concat(vec![
            Doc::text("["),
            Doc::indent(Doc::Concat(inner)),
            Doc::SoftLine,
            Doc::text("]"),
        ]))
    }
}

/// A type: `int`, `[T]`, `[string: T]`, `T?`.
pub(super) fn type_expr(ty: &TypeExpr) -> String {
    let mut out = String::new();
    write_type(ty, &mut out);
    out
}

fn write_type(ty: &TypeExpr, out: &mut String) {
    match &ty.kind {
        TypeExprKind::Named(name) => out.push_str(&name.name),
        TypeExprKind::List(element) => {
            out.push('[');
            write_type(element, out);
            out.push(']');
        }
        TypeExprKind::Map(key, value) => {
            out.push('[');
            write_type(key, out);
            out.push_str(": ");
            write_type(value, out);
            out.push(']');
        }
        TypeExprKind::Optional(inner) => {
            write_type(inner, out);
            out.push('?');
        }
    }
}

//! Equality of syntax trees with spans ignored: the formatter's output must say
//! exactly what its input said.

use crate::syntax::ast::{
    Clause, ClauseKind, Decl, Expr, ExprKind, File, Ident, Template, TemplatePart, TypeExpr,
    TypeExprKind,
};

/// The index of the first declaration in which `a` and `b` differ (the length of
/// the shorter when one has more declarations), or `None` when they are the same.
pub(super) fn first_difference(a: &File, b: &File) -> Option<usize> {
    let differing = a
        .decls
        .iter()
        .zip(&b.decls)
        .position(|(x, y)| !same_decl(x, y));
    match differing {
        Some(index) => Some(index),
        None if a.decls.len() != b.decls.len() => Some(a.decls.len().min(b.decls.len())),
        None if a.unparsed != b.unparsed => Some(0),
        None => None,
    }
}

fn same_decl(a: &Decl, b: &Decl) -> bool {
    match (a, b) {
        (Decl::Enum(x), Decl::Enum(y)) => {
            x.doc == y.doc
                && same_ident(&x.name, &y.name)
                && x.members.len() == y.members.len()
                && x.members
                    .iter()
                    .zip(&y.members)
                    .all(|(m, n)| m.doc == n.doc && m.value == n.value)
        }
        (Decl::Record(x), Decl::Record(y)) => {
            x.doc == y.doc
                && x.open == y.open
                && same_ident(&x.name, &y.name)
                && x.fields.len() == y.fields.len()
                && x.fields.iter().zip(&y.fields).all(|(f, g)| {
                    f.doc == g.doc && same_ident(&f.name, &g.name) && same_type(&f.ty, &g.ty)
                })
        }
        (Decl::Input(x), Decl::Input(y)) => {
            x.doc == y.doc
                && same_ident(&x.name, &y.name)
                && same_type(&x.ty, &y.ty)
                && match (&x.title, &y.title) {
                    (Some(a), Some(b)) => same_template(a, b),
                    (None, None) => true,
                    _ => false,
                }
        }
        (Decl::Data(x), Decl::Data(y)) => {
            x.doc == y.doc
                && same_ident(&x.name, &y.name)
                && same_type(&x.ty, &y.ty)
                && x.path.as_ref().map(|p| &p.0) == y.path.as_ref().map(|p| &p.0)
        }
        (Decl::Param(x), Decl::Param(y)) => {
            x.doc == y.doc
                && same_ident(&x.name, &y.name)
                && same_type(&x.ty, &y.ty)
                && same_expr(&x.default, &y.default)
        }
        (Decl::Fn(x), Decl::Fn(y)) => {
            x.doc == y.doc
                && same_ident(&x.name, &y.name)
                && x.params.len() == y.params.len()
                && x.params
                    .iter()
                    .zip(&y.params)
                    .all(|((p, t), (q, u))| same_ident(p, q) && same_type(t, u))
                && same_type(&x.result, &y.result)
                && same_expr(&x.body, &y.body)
        }
        (Decl::Rule(x), Decl::Rule(y)) => {
            x.doc == y.doc
                && x.id == y.id
                && x.clauses.len() == y.clauses.len()
                && x.clauses
                    .iter()
                    .zip(&y.clauses)
                    .all(|(c, d)| same_clause(c, d))
        }
        _ => false,
    }
}

fn same_ident(a: &Ident, b: &Ident) -> bool {
    a.name == b.name
}

fn same_type(a: &TypeExpr, b: &TypeExpr) -> bool {
    match (&a.kind, &b.kind) {
        (TypeExprKind::Named(x), TypeExprKind::Named(y)) => same_ident(x, y),
        (TypeExprKind::List(x), TypeExprKind::List(y))
        | (TypeExprKind::Optional(x), TypeExprKind::Optional(y)) => same_type(x, y),
        (TypeExprKind::Map(k, v), TypeExprKind::Map(l, w)) => same_type(k, l) && same_type(v, w),
        _ => false,
    }
}

fn same_clause(a: &Clause, b: &Clause) -> bool {
    match (&a.kind, &b.kind) {
        (ClauseKind::Severity(x), ClauseKind::Severity(y)) => x == y,
        (ClauseKind::For(v, x, p), ClauseKind::For(w, y, q)) => {
            same_ident(v, w)
                && same_expr(x, y)
                && match (p, q) {
                    (Some(p), Some(q)) => same_ident(p, q),
                    (None, None) => true,
                    _ => false,
                }
        }
        (ClauseKind::Let(v, x), ClauseKind::Let(w, y)) => same_ident(v, w) && same_expr(x, y),
        (ClauseKind::When(x), ClauseKind::When(y))
        | (ClauseKind::Require(x), ClauseKind::Require(y))
        | (ClauseKind::At(x), ClauseKind::At(y)) => same_expr(x, y),
        (ClauseKind::Message(x), ClauseKind::Message(y))
        | (ClauseKind::Help(x), ClauseKind::Help(y)) => same_template(x, y),
        _ => false,
    }
}

fn same_template(a: &Template, b: &Template) -> bool {
    a.parts.len() == b.parts.len()
        && a.parts.iter().zip(&b.parts).all(|pair| match pair {
            (TemplatePart::Text(x), TemplatePart::Text(y)) => x == y,
            (TemplatePart::Expr(x), TemplatePart::Expr(y)) => same_expr(x, y),
            _ => false,
        })
}

fn same_exprs(a: &[Expr], b: &[Expr]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same_expr(x, y))
}

fn same_expr(a: &Expr, b: &Expr) -> bool {
    match (&a.kind, &b.kind) {
        (ExprKind::Bool(x), ExprKind::Bool(y)) => x == y,
        (ExprKind::Int(x), ExprKind::Int(y)) => x == y,
        (ExprKind::Str(x), ExprKind::Str(y)) => x == y,
        (ExprKind::List(x), ExprKind::List(y)) => same_exprs(x, y),
        (ExprKind::Var(x), ExprKind::Var(y)) => same_ident(x, y),
        (ExprKind::Paren(x), ExprKind::Paren(y)) => same_expr(x, y),
        (ExprKind::Field(x, f), ExprKind::Field(y, g))
        | (ExprKind::Has(x, f), ExprKind::Has(y, g)) => same_expr(x, y) && same_ident(f, g),
        (ExprKind::Index(x, i), ExprKind::Index(y, j)) => same_expr(x, y) && same_expr(i, j),
        (ExprKind::Unary(o, x), ExprKind::Unary(p, y)) => o == p && same_expr(x, y),
        (ExprKind::Binary(o, _, x, i), ExprKind::Binary(p, _, y, j)) => {
            o == p && same_expr(x, y) && same_expr(i, j)
        }
        (ExprKind::Call(f, x), ExprKind::Call(g, y)) => same_ident(f, g) && same_exprs(x, y),
        (ExprKind::If(x), ExprKind::If(y)) => {
            same_expr(&x.cond, &y.cond)
                && same_expr(&x.then_branch, &y.then_branch)
                && same_expr(&x.else_branch, &y.else_branch)
        }
        (ExprKind::Generator(x), ExprKind::Generator(y)) => {
            same_ident(&x.func, &y.func)
                && same_optional(x.key.as_ref(), y.key.as_ref())
                && same_ident(&x.var, &y.var)
                && same_expr(&x.body, &y.body)
                && same_expr(&x.iter, &y.iter)
                && same_optional(x.filter.as_ref(), y.filter.as_ref())
        }
        _ => false,
    }
}

fn same_optional(a: Option<&Expr>, b: Option<&Expr>) -> bool {
    match (a, b) {
        (Some(x), Some(y)) => same_expr(x, y),
        (None, None) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Sources;
    use crate::syntax::parse;

    fn tree(text: &str) -> File {
        let mut sources = Sources::new();
        let id = sources.add("t.policy", text);
        parse(id, text).0
    }

    #[test]
    fn spans_and_spacing_do_not_count() {
        let a = tree("record A { x: int? }\nrule r { require a.x ?? 1 == 2 }");
        let b = tree("record A {\n  x: int?,\n}\n\nrule r {\n  require a.x ?? 1 == 2\n}\n");
        assert_eq!(first_difference(&a, &b), None);
    }

    #[test]
    fn the_first_differing_declaration_is_found() {
        let a = tree("input a: A\nrule r { require (a or b) and c }");
        let b = tree("input a: A\nrule r { require a or b and c }");
        assert_eq!(first_difference(&a, &b), Some(1));
        let c = tree("input a: A\n/// doc\nrule r { require (a or b) and c }");
        assert_eq!(first_difference(&a, &c), Some(1));
        let d = tree("input a: A");
        assert_eq!(first_difference(&a, &d), Some(1));
        let e = tree("input a: A\nrule r { require (a or b) and c }");
        assert_eq!(first_difference(&a, &e), None);
    }

    #[test]
    fn the_v2_constructs_are_compared() {
        let pairs = [
            ("record A { x: int }", "record A { x: int, .. }"),
            ("fn f(x: int): int = x", "fn f(x: string): int = x"),
            ("fn f(x: int): int = x", "fn f(x: int): bool = x"),
            ("fn f(x: int): int = x", "fn f(y: int): int = y"),
            (
                "rule r { require if a then b else c }",
                "rule r { require if a then c else b }",
            ),
            (
                "rule r { require len(map(k: v for x in xs)) == 1 }",
                "rule r { require len(map(v: k for x in xs)) == 1 }",
            ),
            (
                "rule r { require x has \"@a\" }",
                "rule r { require x has \"@b\" }",
            ),
            ("record A { \"@a\": int }", "record A { \"@b\": int }"),
        ];
        for (a, b) in pairs {
            assert_eq!(first_difference(&tree(a), &tree(b)), Some(0), "{a} vs {b}");
            assert_eq!(first_difference(&tree(a), &tree(a)), None, "{a}");
        }
    }
}

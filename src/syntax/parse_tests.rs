//! Parser tests of the language v2 syntax: text in, the shape of the AST out
//! (written as S-expressions so that precedence shows), or the diagnostics.

#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use super::ast::{ClauseKind, Decl, Expr, ExprKind, File, TypeExprKind};
use super::parse;
use crate::diagnostic::Diagnostic;
use crate::source::Sources;

fn parse_text(text: &str) -> (File, Vec<Diagnostic>) {
    let mut sources = Sources::new();
    let id = sources.add("t.policy", text);
    parse(id, text)
}

/// The expression of `require …` in a one-rule file, as an S-expression.
fn shape(expr: &str) -> String {
    let text = format!("rule r {{\n  require {expr}\n}}\n");
    let (file, diags) = parse_text(&text);
    assert!(diags.is_empty(), "{expr}: {diags:?}");
    match file.decls.first() {
        Some(Decl::Rule(rule)) => match &rule.clauses.first().unwrap().kind {
            ClauseKind::Require(e) => sexp(e),
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
}

/// The messages of the errors of `text`.
fn errors(text: &str) -> Vec<String> {
    let (_, diags) = parse_text(text);
    diags
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.message.clone())
        .collect()
}

/// The helps of the diagnostics of `text`.
fn helps(text: &str) -> Vec<String> {
    let (_, diags) = parse_text(text);
    diags.iter().filter_map(|d| d.help.clone()).collect()
}

fn sexp(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Bool(b) => b.to_string(),
        ExprKind::Int(n) => n.to_string(),
        ExprKind::Str(s) => format!("{s:?}"),
        ExprKind::List(items) => {
            format!("[{}]", items.iter().map(sexp).collect::<Vec<_>>().join(" "))
        }
        ExprKind::Var(v) => v.name.clone(),
        ExprKind::Paren(inner) => format!("({})", sexp(inner)),
        ExprKind::Field(t, f) => format!("(. {} {})", sexp(t), f.name),
        ExprKind::Index(t, i) => format!("(index {} {})", sexp(t), sexp(i)),
        ExprKind::Has(t, f) => format!("(has {} {:?})", sexp(t), f.name),
        ExprKind::Unary(op, x) => format!("({op:?} {})", sexp(x)),
        ExprKind::Binary(op, _, a, b) => format!("({} {} {})", op.as_str(), sexp(a), sexp(b)),
        ExprKind::Call(f, args) => format!(
            "(call {} {})",
            f.name,
            args.iter().map(sexp).collect::<Vec<_>>().join(" ")
        ),
        ExprKind::Generator(g) => format!(
            "({} {}{} for {} in {}{})",
            g.func.name,
            g.key
                .as_ref()
                .map(|k| format!("{}: ", sexp(k)))
                .unwrap_or_default(),
            sexp(&g.body),
            g.var.name,
            sexp(&g.iter),
            g.filter
                .as_ref()
                .map(|f| format!(" if {}", sexp(f)))
                .unwrap_or_default()
        ),
        ExprKind::If(i) => format!(
            "(if {} {} {})",
            sexp(&i.cond),
            sexp(&i.then_branch),
            sexp(&i.else_branch)
        ),
        ExprKind::Invalid => "invalid".to_string(),
    }
}

#[test]
fn if_binds_loosest_and_its_else_extends_right() {
    assert_eq!(shape("if c then 1 else 2 + 3"), "(if c 1 (+ 2 3))");
    assert_eq!(
        shape("if a or b then x == 1 else y"),
        "(if (or a b) (== x 1) y)"
    );
    assert_eq!(
        shape("x + if c then 1 else 2 * 3"),
        "(+ x (if c 1 (* 2 3)))"
    );
    assert_eq!(shape("(if c then 1 else 2) + 3"), "(+ ((if c 1 2)) 3)");
    assert_eq!(
        shape("if c then 1 else 2 == 3 and d"),
        "(if c 1 (and (== 2 3) d))"
    );
    assert_eq!(shape("not if c then a else b"), "(Not (if c a b))");
    assert_eq!(
        shape("if c then a.x ?? 0 else s[\"k\"] has \"@odata.type\""),
        "(if c (?? (. a x) 0) (has (index s \"k\") \"@odata.type\"))"
    );
}

#[test]
fn ifs_nest() {
    assert_eq!(
        shape("if a then 1 else if b then 2 else 3"),
        "(if a 1 (if b 2 3))"
    );
    assert_eq!(
        shape("if if a then b else c then if d then 1 else 2 else 3"),
        "(if (if a b c) (if d 1 2) 3)"
    );
}

#[test]
fn if_and_generator_filters_do_not_clash() {
    assert_eq!(
        shape("list(if a then b else c for x in xs)"),
        "(list (if a b c) for x in xs)"
    );
    assert_eq!(
        shape("count(x for x in xs if if x then a else b)"),
        "(count x for x in xs if (if x a b))"
    );
    assert_eq!(
        shape("all(if x > 0 then x else 0 for x in if c then xs else ys if x != 1)"),
        "(all (if (> x 0) x 0) for x in (if c xs ys) if (!= x 1))"
    );
}

#[test]
fn if_goes_wherever_an_expression_goes() {
    let text = "fn f(x: int): int = if x > 0 then x else 0 - x\n\
                param p: int = if true then 1 else 2\n\
                rule r {\n  let v = if a then b else c\n  when if a then b else c\n  \
                message \"{if a then \"x\" else \"y\"}\"\n}\n";
    let (file, diags) = parse_text(text);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(file.decls.len(), 3);
}

#[test]
fn a_missing_else_or_then_is_explained() {
    assert_eq!(
        errors("rule r {\n  require if a then b\n}\n"),
        ["`if` needs an `else`"]
    );
    let help = helps("rule r {\n  require if a b else c\n}\n");
    assert!(help.iter().any(|h| h.contains("`then`")), "{help:?}");
    let help = helps("rule r {\n  if a then b else c\n}\n");
    assert!(help.iter().any(|h| h.contains("require if")), "{help:?}");
}

#[test]
fn then_else_and_fn_are_keywords() {
    for word in ["then", "else", "fn"] {
        assert!(!errors(&format!("rule r {{\n  let {word} = 1\n}}\n")).is_empty());
    }
    // Words that merely start with them are names.
    assert_eq!(shape("thenx + elsey + fnord"), "(+ (+ thenx elsey) fnord)");
}

#[test]
fn open_records() {
    for (text, fields) in [
        ("record R { a: int, .. }", 1),
        ("record R { a: int .. }", 1),
        ("record R { a: int, b: string,\n  ..\n}", 2),
        ("record R { .. }", 0),
        ("record R {\n  ..,\n}", 0),
    ] {
        let (file, diags) = parse_text(text);
        assert!(diags.is_empty(), "{text}: {diags:?}");
        match file.decls.first() {
            Some(Decl::Record(r)) => {
                assert!(r.open, "{text}");
                assert_eq!(r.fields.len(), fields, "{text}");
            }
            other => panic!("{other:?}"),
        }
    }
    let (file, _) = parse_text("record R { a: int }");
    assert!(matches!(file.decls.first(), Some(Decl::Record(r)) if !r.open));
    assert_eq!(
        errors("record R { .., a: int }"),
        ["`..` must come after the last field"]
    );
}

#[test]
fn quoted_field_names() {
    let (file, diags) =
        parse_text("record R { \"@odata.type\": string?, \"in\": int, \"a\\\"b\": int }");
    assert!(diags.is_empty(), "{diags:?}");
    match file.decls.first() {
        Some(Decl::Record(r)) => {
            let names: Vec<&str> = r.fields.iter().map(|f| f.name.name.as_str()).collect();
            assert_eq!(names, ["@odata.type", "in", "a\"b"]);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        errors("record R { \"\": int }"),
        ["a field name cannot be empty"]
    );
    assert_eq!(
        shape("x has \"@odata.type\" and x[\"@odata.type\"] == \"a\""),
        "(and (has x \"@odata.type\") (== (index x \"@odata.type\") \"a\"))"
    );
}

#[test]
fn fn_declarations() {
    let text = "/// Doubles.\nfn twice(x: int, y: [string: int],): int =\n  x * 2\n";
    let (file, diags) = parse_text(text);
    assert!(diags.is_empty(), "{diags:?}");
    match file.decls.first() {
        Some(Decl::Fn(f)) => {
            assert_eq!(f.doc.as_deref(), Some("Doubles."));
            assert_eq!(f.name.name, "twice");
            assert_eq!(f.params.len(), 2);
            assert!(matches!(&f.result.kind, TypeExprKind::Named(n) if n.name == "int"));
            assert_eq!(sexp(&f.body), "(* x 2)");
        }
        other => panic!("{other:?}"),
    }
    let (file, _) = parse_text("fn none(): bool = true\nrule r {\n  require none()\n}\n");
    assert_eq!(file.decls.len(), 2);
}

#[test]
fn fn_mistakes_are_explained() {
    assert_eq!(
        errors("fn f(x: int?): int = 1"),
        ["a function's parameter cannot be optional"]
    );
    assert_eq!(
        errors("fn f(x: int): int? = 1"),
        ["a function's result cannot be optional"]
    );
    let (file, diags) = parse_text("fn f(x: int) = x");
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(file.unparsed.len(), 1);
    assert_eq!(file.unparsed.first().unwrap().name, "f");
    let help = helps("fn f(x: int): int\n  x + 1\n");
    assert!(help.iter().any(|h| h.contains("= EXPR")), "{help:?}");
}

#[test]
fn map_generators() {
    assert_eq!(
        shape("map(lower(s.id): s for s in xs if s.ok)"),
        "(map (call lower (. s id)): s for s in xs if (. s ok))"
    );
    assert_eq!(
        errors("rule r {\n  require count(k: v for x in xs) == 1\n}\n"),
        ["`:` in a call of `count`"]
    );
    assert_eq!(
        errors("rule r {\n  require f(a: b) == 1\n}\n"),
        ["`:` in a call of `f`"]
    );
    assert_eq!(
        errors("rule r {\n  require map(a: b) == 1\n}\n"),
        ["`:` in a call of `map`"]
    );
}

#[test]
fn deep_if_chains_are_refused_before_parsing() {
    let mut text = String::from("rule r {\n  require ");
    for _ in 0..10_000 {
        text.push_str("if a then 1 else ");
    }
    text.push_str("2\n}\n");
    let (_, diags) = parse_text(&text);
    assert_eq!(diags.len(), 1);
    assert!(
        diags[0].message.starts_with("`if` expressions"),
        "{diags:?}"
    );
    // A long rule with many `if`s one after the other is fine.
    let mut text = String::from("rule r {\n");
    for _ in 0..200 {
        text.push_str("  require if a then f(if b then 1 else 2, if c then 3 else 4) else 5\n");
    }
    text.push_str("}\n");
    let (_, diags) = parse_text(&text);
    assert!(diags.is_empty(), "{diags:?}");
}

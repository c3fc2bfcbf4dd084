//! Lowering of expressions: pest's flat operand/operator sequence becomes a tree.
//!
//! Precedence and associativity live in one table, [`PRATT`], built with pest's
//! `PrattParser` in the order of language.md §5. This is also where the common
//! slips (`=`, `&&`, `||`, `!`, single quotes, chained comparisons) are reported:
//! the grammar accepts them so that we can say what to write instead, and the tree
//! is built as if the right operator had been written, so checking can go on.
//!
//! Recursion is bounded here: operator chains that pest's Pratt parser handles by
//! recursion (runs of prefix operators, `??` chains) are capped before it runs, and
//! the depth of the resulting tree is capped while it is built, so that the checker
//! and the evaluator can recurse over expressions without risk.

use std::sync::LazyLock;

use pest::iterators::Pair;
use pest::pratt_parser::{Assoc, Op, PrattParser};

use super::ast::{BinaryOp, Expr, ExprKind, Generator, Ident, IfExpr, UnaryOp};
use super::grammar::Rule;
use super::literal::{parse_int, unescape};
use super::lower::Lowerer;
use crate::diagnostic::{Code, Diagnostic};

/// The deepest expression tree a policy may build. A chain `a or b or …` is a
/// tree as deep as it has operands, so this also bounds such chains.
pub const MAX_EXPR_DEPTH: u32 = 256;

/// The longest run of prefix operators, or of `??`, in one expression.
pub const MAX_OPERATOR_CHAIN: usize = 32;

/// Operator precedence, loosest first (language.md §5).
static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::op_or, Assoc::Left) | Op::infix(Rule::op_or_pipes, Assoc::Left))
        .op(Op::infix(Rule::op_and, Assoc::Left) | Op::infix(Rule::op_and_amps, Assoc::Left))
        .op(Op::prefix(Rule::op_not) | Op::prefix(Rule::op_bang))
        .op(Op::infix(Rule::op_eq, Assoc::Left)
            | Op::infix(Rule::op_ne, Assoc::Left)
            | Op::infix(Rule::op_lt, Assoc::Left)
            | Op::infix(Rule::op_le, Assoc::Left)
            | Op::infix(Rule::op_gt, Assoc::Left)
            | Op::infix(Rule::op_ge, Assoc::Left)
            | Op::infix(Rule::op_in, Assoc::Left)
            | Op::infix(Rule::op_not_in, Assoc::Left)
            | Op::infix(Rule::op_assign, Assoc::Left))
        .op(Op::infix(Rule::op_default, Assoc::Right))
        .op(Op::infix(Rule::op_add, Assoc::Left) | Op::infix(Rule::op_sub, Assoc::Left))
        .op(Op::infix(Rule::op_mul, Assoc::Left) | Op::infix(Rule::op_div, Assoc::Left))
        .op(Op::prefix(Rule::op_neg))
        .op(Op::postfix(Rule::field_access)
            | Op::postfix(Rule::index)
            | Op::postfix(Rule::has_test))
});

/// An expression with the depth of its tree.
type Sized = (Expr, u32);

impl Lowerer {
    /// Lowers an `expr` pair.
    pub(crate) fn expr(&self, pair: Pair<'_, Rule>) -> Expr {
        self.expr_sized(pair).0
    }

    fn expr_sized(&self, pair: Pair<'_, Rule>) -> Sized {
        let span = self.span(&pair);
        if let Some(problem) = operator_chain_problem(&pair) {
            self.report(
                Diagnostic::error(
                    Code::Limit,
                    format!("more than {MAX_OPERATOR_CHAIN} {problem}"),
                )
                .label(span, "this expression")
                .help("split the expression with `let` clauses"),
            );
            return (
                Expr {
                    kind: ExprKind::Invalid,
                    span,
                },
                1,
            );
        }
        PRATT
            .map_primary(|p| self.primary(p))
            .map_prefix(|op, operand| self.prefix(op, operand))
            .map_postfix(|operand, op| self.postfix(operand, op))
            .map_infix(|lhs, op, rhs| self.infix(lhs, op, rhs))
            .parse(pair.into_inner())
    }

    /// Builds a node over children of the given depths, or an `Invalid` node (and
    /// one report per file) when the tree would grow too deep.
    fn node(&self, kind: ExprKind, span: crate::source::Span, depths: &[u32]) -> Sized {
        let depth = 1 + depths.iter().copied().max().unwrap_or(0);
        if depth > MAX_EXPR_DEPTH {
            if !self.depth_reported.replace(true) {
                self.report(
                    Diagnostic::error(
                        Code::Limit,
                        format!("expression nested more than {MAX_EXPR_DEPTH} levels deep"),
                    )
                    .label(span, "this expression is too deep")
                    .help("a chain such as `a or b or …` counts one level per operand: for a list of allowed values write `x in [\"a\", \"b\", …]`; otherwise split the expression with `let` clauses"),
                );
            }
            return (
                Expr {
                    kind: ExprKind::Invalid,
                    span,
                },
                1,
            );
        }
        (Expr { kind, span }, depth)
    }

    fn primary(&self, pair: Pair<'_, Rule>) -> Sized {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::int_lit => match parse_int(pair.as_str()) {
                Some(n) => self.node(ExprKind::Int(n), span, &[]),
                None => {
                    self.report(
                        Diagnostic::error(Code::Literal, "integer literal out of range")
                            .label(span, "does not fit in 64 bits")
                            .help("integers range from -9223372036854775807 - 1 to 9223372036854775807"),
                    );
                    self.node(ExprKind::Invalid, span, &[])
                }
            },
            Rule::string_lit => {
                let text = self.string_lit(pair);
                self.node(ExprKind::Str(text), span, &[])
            }
            Rule::single_quoted => {
                let text = self.single_quoted(&pair);
                self.node(ExprKind::Str(text), span, &[])
            }
            Rule::bool_lit => self.node(ExprKind::Bool(pair.as_str() == "true"), span, &[]),
            Rule::name => self.name(pair),
            Rule::paren => match pair.into_inner().next() {
                Some(inner) => {
                    let (inner, depth) = self.expr_sized(inner);
                    self.node(ExprKind::Paren(Box::new(inner)), span, &[depth])
                }
                None => self.invalid(span),
            },
            Rule::list_lit => {
                let (items, depths): (Vec<_>, Vec<_>) =
                    pair.into_inner().map(|p| self.expr_sized(p)).unzip();
                self.node(ExprKind::List(items), span, &depths)
            }
            Rule::if_expr => self.if_expr(pair),
            _ => self.invalid(span),
        }
    }

    /// `if C then A else B`; a missing `else` is reported and stands for an
    /// invalid expression, so that the `then` branch is still checked.
    fn if_expr(&self, pair: Pair<'_, Rule>) -> Sized {
        let pair_span = self.span(&pair);
        let mut inner = pair.into_inner();
        let (Some(if_kw), Some(cond), Some(then_kw), Some(then_branch)) =
            (inner.next(), inner.next(), inner.next(), inner.next())
        else {
            return self.invalid(pair_span);
        };
        let if_span = self.span(&if_kw);
        let then_span = self.span(&then_kw);
        let (cond, cond_depth) = self.expr_sized(cond);
        let (then_branch, then_depth) = self.expr_sized(then_branch);
        let (else_span, else_branch, else_depth) = match (inner.next(), inner.next()) {
            (Some(else_kw), Some(else_branch)) => {
                let (else_branch, depth) = self.expr_sized(else_branch);
                (self.span(&else_kw), else_branch, depth)
            }
            _ => {
                let end = then_branch.span.end as usize;
                let at = crate::source::Span::new(self.file, end, end);
                self.report(
                    Diagnostic::error(Code::Parse, "`if` needs an `else`")
                        .label(if_span, "this `if` has no `else`")
                        .label(at, "add `else …` here")
                        .help("`if` needs an `else`: `if C then A else B`; to apply a rule only where a condition holds, write `when C`"),
                );
                let invalid = Expr {
                    kind: ExprKind::Invalid,
                    span: at,
                };
                (at, invalid, 1)
            }
        };
        let span = if_span.to(else_branch.span);
        let node = IfExpr {
            cond,
            then_branch,
            else_branch,
            then_span,
            else_span,
        };
        self.node(
            ExprKind::If(Box::new(node)),
            span,
            &[cond_depth, then_depth, else_depth],
        )
    }

    /// A variable, or a call when the name is followed by arguments.
    fn name(&self, pair: Pair<'_, Rule>) -> Sized {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let Some(name) = inner.next() else {
            return self.invalid(span);
        };
        let func = self.ident(&name);
        let Some(args) = inner.next() else {
            // The span of `name` may include white space skipped while looking for
            // `(`; a variable is exactly its identifier.
            let span = func.span;
            return self.node(ExprKind::Var(func), span, &[]);
        };
        let mut inner = args.into_inner();
        let Some(first) = inner.next() else {
            return self.node(ExprKind::Call(func, Vec::new()), span, &[]);
        };
        let (first, first_depth) = self.expr_sized(first);
        let Some(mut rest) = inner.next() else {
            return self.invalid(span);
        };
        // `map(key: value for …)`: the first expression is the key.
        let mut key = None;
        let (mut first, mut first_depth) = (first, first_depth);
        if rest.as_rule() == Rule::map_value {
            let colon = self.span(&rest);
            let colon =
                crate::source::Span::new(self.file, colon.start as usize, colon.start as usize + 1);
            let Some(value) = rest.clone().into_inner().next() else {
                return self.invalid(span);
            };
            let Some(next) = inner.next() else {
                return self.invalid(span);
            };
            rest = next;
            let (value, value_depth) = self.expr_sized(value);
            let is_generator = rest.as_rule() == Rule::generator;
            if func.name == "map" && is_generator {
                key = Some((first, first_depth));
            } else {
                let help = if func.name == "map" {
                    "`map` builds a map from a generator: write `map(K: V for x in xs)`, or `map(K: V for x in xs if C)`".to_string()
                } else if is_generator {
                    format!(
                        "only `map` takes a key: `map(K: V for x in xs)` builds a map; `{}(…)` takes one expression before `for`",
                        func.name
                    )
                } else {
                    "arguments are separated by `,`; `K: V` is written only in `map(K: V for x in xs)`".to_string()
                };
                self.report(
                    Diagnostic::error(Code::Parse, format!("`:` in a call of `{}`", func.name))
                        .label(colon, "unexpected `:`")
                        .help(help),
                );
                if !is_generator {
                    return self.node(ExprKind::Invalid, span, &[]);
                }
            }
            (first, first_depth) = (value, value_depth);
        }
        if rest.as_rule() == Rule::generator {
            let mut parts = rest.into_inner();
            let (Some(_for), Some(var), Some(_in), Some(iter)) =
                (parts.next(), parts.next(), parts.next(), parts.next())
            else {
                return self.invalid(span);
            };
            let var = self.ident(&var);
            let (iter, iter_depth) = self.expr_sized(iter);
            let _if = parts.next();
            let filter = parts.next().map(|p| self.expr_sized(p));
            let filter_depth = filter.as_ref().map_or(0, |f| f.1);
            let key_depth = key.as_ref().map_or(0, |k| k.1);
            let generator = Generator {
                key: key.map(|k| k.0),
                func,
                body: first,
                var,
                iter,
                filter: filter.map(|f| f.0),
            };
            return self.node(
                ExprKind::Generator(Box::new(generator)),
                span,
                &[key_depth, first_depth, iter_depth, filter_depth],
            );
        }
        let mut args = vec![first];
        let mut depths = vec![first_depth];
        for p in rest.into_inner() {
            let (arg, depth) = self.expr_sized(p);
            args.push(arg);
            depths.push(depth);
        }
        self.node(ExprKind::Call(func, args), span, &depths)
    }

    fn prefix(&self, op: Pair<'_, Rule>, (operand, depth): Sized) -> Sized {
        let op_span = self.span(&op);
        let span = op_span.to(operand.span);
        let unary = match op.as_rule() {
            Rule::op_neg => UnaryOp::Neg,
            Rule::op_bang => {
                self.report(
                    Diagnostic::error(Code::Parse, "`!` is not an operator in policies")
                        .label(op_span, "write `not` here")
                        .help("negation is written `not`, as in `not s.trial`"),
                );
                UnaryOp::Not
            }
            _ => UnaryOp::Not,
        };
        self.node(ExprKind::Unary(unary, Box::new(operand)), span, &[depth])
    }

    fn postfix(&self, (operand, depth): Sized, op: Pair<'_, Rule>) -> Sized {
        let span = operand.span.to(self.span(&op));
        let rule = op.as_rule();
        let mut inner = op.into_inner();
        match rule {
            Rule::field_access => match inner.next() {
                Some(field) => self.node(
                    ExprKind::Field(Box::new(operand), self.ident(&field)),
                    span,
                    &[depth],
                ),
                None => self.invalid(span),
            },
            Rule::index => match inner.next() {
                Some(index) => {
                    let (index, index_depth) = self.expr_sized(index);
                    self.node(
                        ExprKind::Index(Box::new(operand), Box::new(index)),
                        span,
                        &[depth, index_depth],
                    )
                }
                None => self.invalid(span),
            },
            _ => match inner.nth(1) {
                Some(field) => self.node(
                    ExprKind::Has(Box::new(operand), self.field_name(field)),
                    span,
                    &[depth],
                ),
                None => self.invalid(span),
            },
        }
    }

    fn infix(&self, (lhs, lhs_depth): Sized, op: Pair<'_, Rule>, (rhs, rhs_depth): Sized) -> Sized {
        let op_span = self.span(&op);
        let span = lhs.span.to(rhs.span);
        let slip = |written: &str, instead: &str, example: &str| {
            self.report(
                Diagnostic::error(
                    Code::Parse,
                    format!("`{written}` is not an operator in policies"),
                )
                .label(op_span, format!("write `{instead}` here"))
                .help(example.to_string())
                .fix(format!("write `{instead}`"), op_span, instead),
            );
        };
        let binary = match op.as_rule() {
            Rule::op_or => BinaryOp::Or,
            Rule::op_or_pipes => {
                slip("||", "or", "either-or is written `or`, as in `a or b`");
                BinaryOp::Or
            }
            Rule::op_and => BinaryOp::And,
            Rule::op_and_amps => {
                slip("&&", "and", "both-and is written `and`, as in `a and b`");
                BinaryOp::And
            }
            Rule::op_eq => BinaryOp::Eq,
            Rule::op_assign => {
                self.report(
                    Diagnostic::error(Code::Parse, "`=` is not a comparison")
                        .label(op_span, "write `==` here")
                        .help("equality is written `==`; a single `=` only names a value in `let`, `param` and `data`")
                        .fix("write `==`", op_span, "=="),
                );
                BinaryOp::Eq
            }
            Rule::op_ne => BinaryOp::Ne,
            Rule::op_lt => BinaryOp::Lt,
            Rule::op_le => BinaryOp::Le,
            Rule::op_gt => BinaryOp::Gt,
            Rule::op_ge => BinaryOp::Ge,
            Rule::op_in => BinaryOp::In,
            Rule::op_not_in => BinaryOp::NotIn,
            Rule::op_default => BinaryOp::Default,
            Rule::op_add => BinaryOp::Add,
            Rule::op_sub => BinaryOp::Sub,
            Rule::op_mul => BinaryOp::Mul,
            _ => BinaryOp::Div,
        };
        // `not` binds more loosely than comparisons and arithmetic; the Pratt parser
        // would quietly read `a == not b == c` as `a == (not (b == c))`.
        if !matches!(binary, BinaryOp::Or | BinaryOp::And)
            && let ExprKind::Unary(UnaryOp::Not, _) = &rhs.kind
        {
            self.report(
                Diagnostic::error(Code::Parse, format!("`not` needs parentheses after `{}`", binary.as_str()))
                    .label(rhs.span, "write `(not …)` here")
                    .help(format!(
                        "`not` applies to everything up to the next `and` or `or`; write `a {} (not b)`",
                        binary.as_str()
                    )),
            );
        }
        if binary.is_comparison()
            && let ExprKind::Binary(inner, inner_span, ..) = &lhs.kind
            && inner.is_comparison()
        {
            self.report(
                Diagnostic::error(Code::Parse, "comparisons cannot be chained")
                    .label(op_span, format!("`{}` would compare the result of this comparison…", binary.as_str()))
                    .label(*inner_span, "…with this one")
                    .help("join two comparisons with `and`, as in `a < b and b < c`, or add parentheses"),
            );
        }
        self.node(
            ExprKind::Binary(binary, op_span, Box::new(lhs), Box::new(rhs)),
            span,
            &[lhs_depth, rhs_depth],
        )
    }

    fn invalid(&self, span: crate::source::Span) -> Sized {
        self.internal(span);
        (
            Expr {
                kind: ExprKind::Invalid,
                span,
            },
            1,
        )
    }

    /// Decodes a `string_lit` pair, reporting bad escapes.
    pub(crate) fn string_lit(&self, pair: Pair<'_, Rule>) -> String {
        let span = self.span(&pair);
        let raw = pair.into_inner().next().map_or("", |p| p.as_str());
        let (text, errors) = unescape(raw);
        for error in errors {
            let start = span.start as usize + 1;
            self.report(
                Diagnostic::error(Code::Literal, error.message)
                    .label(
                        crate::source::Span::new(
                            span.file,
                            start + error.range.start,
                            start + error.range.end,
                        ),
                        "in this string",
                    )
                    .help(r#"the escapes are `\"`, `\\`, `\n`, `\t` and `\u{hex}`"#),
            );
        }
        text.text
    }

    /// Reports a single-quoted string and returns its content.
    pub(crate) fn single_quoted(&self, pair: &Pair<'_, Rule>) -> String {
        let raw = pair.as_str();
        let inner = raw.get(1..raw.len().saturating_sub(1)).unwrap_or("");
        self.report(
            Diagnostic::error(Code::Parse, "strings are written in double quotes")
                .label(self.span(pair), "single quotes")
                .help(format!("write \"{}\"", inner.replace('"', "\\\""))),
        );
        inner.to_string()
    }

    /// An identifier pair as an [`Ident`].
    pub(crate) fn ident(&self, pair: &Pair<'_, Rule>) -> Ident {
        Ident {
            name: pair.as_str().to_string(),
            span: self.span(pair),
        }
    }
}

/// Whether the flat sequence of an `expr` pair has a run of operators that the
/// Pratt parser would handle by recursion longer than allowed.
fn operator_chain_problem(pair: &Pair<'_, Rule>) -> Option<&'static str> {
    let (mut prefix_run, mut defaults, mut nested_nots) = (0usize, 0usize, 0usize);
    let mut after_tight_infix = false;
    for p in pair.clone().into_inner() {
        let rule = p.as_rule();
        match rule {
            Rule::op_not | Rule::op_neg | Rule::op_bang => {
                prefix_run += 1;
                if prefix_run > MAX_OPERATOR_CHAIN {
                    return Some("prefix operators in a row");
                }
                // `a == not b == not c …`: each such `not` nests the rest of the
                // expression one level deeper in the Pratt parser.
                if after_tight_infix && rule != Rule::op_neg {
                    nested_nots += 1;
                    if nested_nots > MAX_OPERATOR_CHAIN {
                        return Some("`not` operators after comparisons or arithmetic");
                    }
                }
            }
            Rule::op_default => {
                defaults += 1;
                if defaults > MAX_OPERATOR_CHAIN {
                    return Some("`??` operators in one expression");
                }
                prefix_run = 0;
            }
            _ => prefix_run = 0,
        }
        if !matches!(rule, Rule::op_not | Rule::op_neg | Rule::op_bang) {
            after_tight_infix = matches!(
                rule,
                Rule::op_eq
                    | Rule::op_ne
                    | Rule::op_lt
                    | Rule::op_le
                    | Rule::op_gt
                    | Rule::op_ge
                    | Rule::op_in
                    | Rule::op_not_in
                    | Rule::op_assign
                    | Rule::op_default
                    | Rule::op_add
                    | Rule::op_sub
                    | Rule::op_mul
                    | Rule::op_div
            );
        }
    }
    None
}

//! The abstract syntax tree: what a policy file says, with a span on every node.
//!
//! The AST is close to the text (it keeps parentheses, so the formatter can
//! reproduce them) but free of pest types. Names are still strings here; the
//! checker resolves them.

use crate::model::program::RuleSeverity;
use crate::source::Span;

/// An identifier with its location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ident {
    /// The name as written.
    pub name: String,
    /// Where it is written.
    pub span: Span,
}

/// The doc comment of a declaration, field or enum member: the `///` lines joined
/// with newlines, each with its leading `///` and one space removed.
pub type Doc = Option<String>;

/// One parsed policy file.
#[derive(Debug, Clone, Default)]
pub struct File {
    /// Declarations in textual order.
    pub decls: Vec<Decl>,
    /// Declarations that could not be parsed (already reported). The checker uses
    /// them to avoid follow-up errors such as "unknown type" for a record whose
    /// declaration had a syntax error.
    pub unparsed: Vec<Unparsed>,
}

/// What is known of a declaration that did not parse: its leading words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unparsed {
    /// The first word (`record`, `rule`, …), or empty when there is none.
    pub keyword: String,
    /// The word after it, usually the declared name.
    pub name: String,
}

/// A top-level declaration.
#[derive(Debug, Clone)]
pub enum Decl {
    /// `enum Name { "a", "b" }`
    Enum(EnumDecl),
    /// `record Name { field: Type }`
    Record(RecordDecl),
    /// `input name: Type`
    Input(InputDecl),
    /// `data name: Type = "path"`
    Data(DataDecl),
    /// `param name: Type = literal`
    Param(ParamDecl),
    /// `rule id { … }`
    Rule(RuleDecl),
    /// `fn name(param: Type, …): Type = expr`
    Fn(FnDecl),
}

/// `fn name(param: Type, …): Type = body` (language v2 §4).
#[derive(Debug, Clone)]
pub struct FnDecl {
    /// Doc comment.
    pub doc: Doc,
    /// The function's name.
    pub name: Ident,
    /// Parameters in order, each with its type.
    pub params: Vec<(Ident, TypeExpr)>,
    /// The declared result type.
    pub result: TypeExpr,
    /// The body.
    pub body: Expr,
    /// The whole declaration.
    pub span: Span,
}

/// `enum Name { "a", "b" }`
#[derive(Debug, Clone)]
pub struct EnumDecl {
    /// Doc comment.
    pub doc: Doc,
    /// The enum's name.
    pub name: Ident,
    /// Members in order.
    pub members: Vec<EnumMember>,
    /// The whole declaration.
    pub span: Span,
}

/// One enum member.
#[derive(Debug, Clone)]
pub struct EnumMember {
    /// Doc comment.
    pub doc: Doc,
    /// The member's string value.
    pub value: String,
    /// The string literal, quotes included.
    pub span: Span,
}

/// `record Name { field: Type, … }`
#[derive(Debug, Clone)]
pub struct RecordDecl {
    /// Doc comment.
    pub doc: Doc,
    /// The record's name.
    pub name: Ident,
    /// Fields in order.
    pub fields: Vec<FieldDecl>,
    /// Whether the field list ends with `..`: keys of the data that are not
    /// declared are then allowed and ignored.
    pub open: bool,
    /// The whole declaration.
    pub span: Span,
}

/// `name: Type` inside a record.
#[derive(Debug, Clone)]
pub struct FieldDecl {
    /// Doc comment.
    pub doc: Doc,
    /// The field's name, unquoted (`@odata.type` for `"@odata.type": string?`).
    pub name: Ident,
    /// Its type, possibly optional.
    pub ty: TypeExpr,
}

/// A type as written.
#[derive(Debug, Clone)]
pub struct TypeExpr {
    /// What kind of type.
    pub kind: TypeExprKind,
    /// The whole type expression, `?` included.
    pub span: Span,
}

/// The forms a type can be written in.
#[derive(Debug, Clone)]
pub enum TypeExprKind {
    /// `bool`, `int`, `string`, `date`, or a declared record or enum.
    Named(Ident),
    /// `[T]`
    List(Box<TypeExpr>),
    /// `[K: T]`; the checker requires `K` to be `string`.
    Map(Box<TypeExpr>, Box<TypeExpr>),
    /// `T?`
    Optional(Box<TypeExpr>),
}

/// `input name: Type`
#[derive(Debug, Clone)]
pub struct InputDecl {
    /// Doc comment.
    pub doc: Doc,
    /// The variable through which rules see each document.
    pub name: Ident,
    /// The document type.
    pub ty: TypeExpr,
    /// `title "…"`: how reports name a document.
    pub title: Option<Template>,
    /// The whole declaration.
    pub span: Span,
}

/// `data name: Type = "path"`
#[derive(Debug, Clone)]
pub struct DataDecl {
    /// Doc comment.
    pub doc: Doc,
    /// The variable.
    pub name: Ident,
    /// The data's type.
    pub ty: TypeExpr,
    /// Default path, relative to the pack, with its span.
    pub path: Option<(String, Span)>,
    /// The whole declaration.
    pub span: Span,
}

/// `param name: Type = literal`
#[derive(Debug, Clone)]
pub struct ParamDecl {
    /// Doc comment.
    pub doc: Doc,
    /// The variable.
    pub name: Ident,
    /// The param's type.
    pub ty: TypeExpr,
    /// The default value (the checker requires a literal).
    pub default: Expr,
    /// The whole declaration.
    pub span: Span,
}

/// `rule id { clauses }`
#[derive(Debug, Clone)]
pub struct RuleDecl {
    /// Doc comment.
    pub doc: Doc,
    /// The rule id, e.g. `same-region`.
    pub id: String,
    /// Where the id is written.
    pub id_span: Span,
    /// Clauses in textual order.
    pub clauses: Vec<Clause>,
    /// The whole declaration.
    pub span: Span,
}

/// One clause of a rule body.
#[derive(Debug, Clone)]
pub struct Clause {
    /// What kind of clause.
    pub kind: ClauseKind,
    /// The whole clause, keyword included.
    pub span: Span,
    /// The keyword alone.
    pub keyword_span: Span,
}

/// The clause forms.
#[derive(Debug, Clone)]
pub enum ClauseKind {
    /// `severity error|warning|info`
    Severity(RuleSeverity),
    /// `for name in expr`, or `for position, name in expr`: the element's
    /// name, the list, and the name of its position.
    For(Ident, Expr, Option<Ident>),
    /// `let name = expr`
    Let(Ident, Expr),
    /// `when expr`
    When(Expr),
    /// `require expr`
    Require(Expr),
    /// `message "…"`
    Message(Template),
    /// `help "…"`
    Help(Template),
    /// `at expr`: the value a finding points at.
    At(Expr),
}

impl ClauseKind {
    /// The clause's keyword.
    pub fn keyword(&self) -> &'static str {
        match self {
            ClauseKind::Severity(_) => "severity",
            ClauseKind::For(..) => "for",
            ClauseKind::Let(..) => "let",
            ClauseKind::When(_) => "when",
            ClauseKind::Require(_) => "require",
            ClauseKind::Message(_) => "message",
            ClauseKind::Help(_) => "help",
            ClauseKind::At(_) => "at",
        }
    }
}

/// A `message` or `help` string: text with `{expr}` holes.
#[derive(Debug, Clone)]
pub struct Template {
    /// Pieces in order.
    pub parts: Vec<TemplatePart>,
    /// The string literal, quotes included.
    pub span: Span,
}

/// A piece of a [`Template`].
#[derive(Debug, Clone)]
pub enum TemplatePart {
    /// Literal text, escapes resolved and `{{`/`}}` turned into braces.
    Text(String),
    /// An interpolated expression.
    Expr(Expr),
}

/// An expression.
#[derive(Debug, Clone)]
pub struct Expr {
    /// What kind of expression.
    pub kind: ExprKind,
    /// The whole expression.
    pub span: Span,
}

/// Prefix operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    /// `not a`
    Not,
    /// `-a`
    Neg,
}

/// Infix operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    /// `or`
    Or,
    /// `and`
    And,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `in`
    In,
    /// `not in`
    NotIn,
    /// `??`
    Default,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
}

impl BinaryOp {
    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            BinaryOp::Or => "or",
            BinaryOp::And => "and",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::In => "in",
            BinaryOp::NotIn => "not in",
            BinaryOp::Default => "??",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
        }
    }

    /// Whether this is one of the non-associative comparison operators.
    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinaryOp::Eq
                | BinaryOp::Ne
                | BinaryOp::Lt
                | BinaryOp::Le
                | BinaryOp::Gt
                | BinaryOp::Ge
                | BinaryOp::In
                | BinaryOp::NotIn
        )
    }
}

/// The expression forms of language.md §5.
#[derive(Debug, Clone)]
pub enum ExprKind {
    /// `true`, `false`
    Bool(bool),
    /// An integer literal (always non-negative; `-1` is `Neg` applied to `1`).
    Int(i64),
    /// A string literal, escapes resolved.
    Str(String),
    /// `[a, b]`
    List(Vec<Expr>),
    /// A variable.
    Var(Ident),
    /// `( e )`, kept so the formatter can reproduce it.
    Paren(Box<Expr>),
    /// `target.field`
    Field(Box<Expr>, Ident),
    /// `target[index]`
    Index(Box<Expr>, Box<Expr>),
    /// `target has field`, or `target has "quoted name"` (the name unquoted).
    Has(Box<Expr>, Ident),
    /// `not a`, `-a`
    Unary(UnaryOp, Box<Expr>),
    /// `a op b`; the span of the operator is kept for labels.
    Binary(BinaryOp, Span, Box<Expr>, Box<Expr>),
    /// `f(a, b)`
    Call(Ident, Vec<Expr>),
    /// `f(body for var in iter if filter)`, and `map(key: body for …)`
    Generator(Box<Generator>),
    /// `if cond then a else b`
    If(Box<IfExpr>),
    /// A part that could not be lowered; its problem is already reported, and the
    /// checker gives it a type that matches anything so no second error follows.
    Invalid,
}

/// The parts of a generator call.
#[derive(Debug, Clone)]
pub struct Generator {
    /// `all`, `any`, `count`, `sum`, `min`, `max`, `list` or `map` (checked later).
    pub func: Ident,
    /// The key of `map(key: body for …)`; `None` for every other generator.
    pub key: Option<Expr>,
    /// The expression computed per element.
    pub body: Expr,
    /// The element variable.
    pub var: Ident,
    /// The list iterated.
    pub iter: Expr,
    /// The optional `if` filter.
    pub filter: Option<Expr>,
}

/// `if cond then then_branch else else_branch`
#[derive(Debug, Clone)]
pub struct IfExpr {
    /// The condition.
    pub cond: Expr,
    /// The value when it holds.
    pub then_branch: Expr,
    /// The value when it does not.
    pub else_branch: Expr,
    /// The `then` keyword, for labels.
    pub then_span: Span,
    /// The `else` keyword, for labels.
    pub else_span: Span,
}

impl Expr {
    /// The expression inside any number of parentheses.
    pub fn unparen(&self) -> &Expr {
        let mut e = self;
        while let ExprKind::Paren(inner) = &e.kind {
            e = inner;
        }
        e
    }
}

//! The typed program: the checker's output and the evaluator's input.
//!
//! Nothing here is looked up by string at run time: variables are slots, record
//! fields are positions, enum members are indexes, functions are enum variants and
//! regexes are compiled. Spans are kept on every node so that findings can point
//! at the policy text.

use std::sync::Arc;

use super::types::{EnumId, Schema, Type};
use crate::source::Span;

/// A checked pack.
#[derive(Debug, Clone)]
pub struct Program {
    /// Declared records and enums.
    pub schema: Schema,
    /// The `input` declaration.
    pub input: Global,
    /// `data` declarations, in declaration order; `TExprKind::Data(i)` indexes here.
    pub data: Vec<DataDef>,
    /// `param` declarations; `TExprKind::Param(i)` indexes here.
    pub params: Vec<ParamDef>,
    /// Rules, in declaration order (files in byte order of name, then text order).
    pub rules: Vec<Rule>,
    /// Pack functions (`fn`), in declaration order; `TExprKind::CallFn` indexes here.
    pub functions: Vec<Function>,
    /// The `input` declaration's `title`: how reports name each document.
    pub title: Option<DocumentTitle>,
}

/// How the change-board report names a document (`input t: T title "…"`):
/// a template over the input, `data` and `param`s, evaluated once per
/// document. Reports fall back on the document's file name without one.
#[derive(Debug, Clone)]
pub struct DocumentTitle {
    /// The template.
    pub template: Template,
    /// Local slots its generators use (none in most titles).
    pub slots: u32,
}

impl Program {
    /// A program with no rules and no declarations: what output forms render
    /// against when a pack did not load, so that they still describe the run
    /// (its errors) in their own format.
    pub fn empty() -> Program {
        Program {
            schema: Schema::default(),
            input: Global {
                name: String::new(),
                doc: None,
                ty: Type::Unknown,
                span: Span::new(crate::source::FileId::NONE, 0, 0),
            },
            data: Vec::new(),
            params: Vec::new(),
            rules: Vec::new(),
            functions: Vec::new(),
            title: None,
        }
    }

    /// The rule with this id.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// The severity of the rule at this index in [`Program::rules`] (`error`
    /// for an index that is not there, which a checked run never gives).
    pub fn severity(&self, rule: usize) -> RuleSeverity {
        self.rules
            .get(rule)
            .map_or(RuleSeverity::Error, |r| r.severity)
    }

    /// The id of the rule at this index in [`Program::rules`] (`?` for an
    /// index that is not there).
    pub fn rule_id(&self, rule: usize) -> &str {
        self.rules.get(rule).map_or("?", |r| r.id.as_str())
    }
}

/// The `input` declaration.
#[derive(Debug, Clone)]
pub struct Global {
    /// The variable rules use for the document.
    pub name: String,
    /// Its doc comment.
    pub doc: Option<String>,
    /// The document type (always a record).
    pub ty: Type,
    /// The declaration.
    pub span: Span,
}

/// A `data` declaration.
#[derive(Debug, Clone)]
pub struct DataDef {
    /// The variable.
    pub name: String,
    /// Its doc comment.
    pub doc: Option<String>,
    /// The data's type.
    pub ty: Type,
    /// The pack's default path, relative to the pack directory, with the span of
    /// the string literal that gives it.
    pub path: Option<(String, Span)>,
    /// The declaration.
    pub span: Span,
}

/// A `param` declaration.
#[derive(Debug, Clone)]
pub struct ParamDef {
    /// The variable.
    pub name: String,
    /// Its doc comment.
    pub doc: Option<String>,
    /// `bool`, `int`, `string`, `date` or an enum.
    pub ty: Type,
    /// The default value.
    pub default: Const,
    /// The declaration.
    pub span: Span,
}

/// A pack function: `fn name(param: Type, …): Type = body` (language v2 §4).
///
/// Its body is checked once, where it is declared; its parameters are slots
/// `0..params.len()` of the body's own frame, and the generators of the body
/// use the slots after them.
#[derive(Debug, Clone)]
pub struct Function {
    /// The function's name.
    pub name: String,
    /// Its doc comment.
    pub doc: Option<String>,
    /// Parameter names and types, in order.
    pub params: Vec<(String, Type)>,
    /// The declared result type.
    pub result: Type,
    /// The body.
    pub body: TExpr,
    /// How many slots the body uses (parameters first).
    pub slots: u32,
    /// The name of each slot, for traces.
    pub slot_names: Vec<String>,
    /// Where the name is written.
    pub name_span: Span,
    /// The whole declaration.
    pub span: Span,
}

impl Function {
    /// The signature as written: `catalog_key(offer_id: string): string`.
    pub fn signature(&self, schema: &Schema) -> String {
        let params: Vec<String> = self
            .params
            .iter()
            .map(|(n, t)| format!("{n}: {}", t.display(schema)))
            .collect();
        format!(
            "{}({}): {}",
            self.name,
            params.join(", "),
            self.result.display(schema)
        )
    }
}

/// A constant value known when the pack loads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Const {
    /// `true`, `false`
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A string (shared, so that evaluating it is a pointer copy).
    Str(Arc<str>),
    /// A date.
    Date(jiff::civil::Date),
    /// A datetime.
    DateTime(crate::model::datetime::DateTime),
    /// A member of an enum, by index.
    Enum(EnumId, u32),
}

/// A checked rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// The rule id.
    pub id: String,
    /// Its doc comment.
    pub doc: Option<String>,
    /// How serious a finding is.
    pub severity: RuleSeverity,
    /// `for`, `let` and `when` clauses in textual order.
    pub steps: Vec<Step>,
    /// `require` clauses in textual order; the first false one is reported.
    pub requires: Vec<Require>,
    /// The `message` template.
    pub message: Option<Template>,
    /// The `help` template.
    pub help: Option<Template>,
    /// The `at` clause: the value whose place a finding points at, when the
    /// pack author chose it (else the first value the failed clause read).
    pub at: Option<TExpr>,
    /// How many local slots (for, let and generator variables) the rule uses.
    pub slots: u32,
    /// The name of each slot, for traces.
    pub slot_names: Vec<String>,
    /// The whole rule.
    pub span: Span,
    /// The rule id in the source.
    pub id_span: Span,
}

impl Rule {
    /// Calls `f` on every expression of the rule, sub-expressions included
    /// (clauses, `message` and `help` interpolations), iteratively.
    pub fn visit<'a>(&'a self, mut f: impl FnMut(&'a TExpr)) {
        for step in &self.steps {
            match step {
                Step::For { iter: e, .. } | Step::Let { value: e, .. } | Step::When(e) => {
                    e.visit(&mut f)
                }
            }
        }
        for require in &self.requires {
            require.expr.visit(&mut f);
        }
        if let Some(at) = &self.at {
            at.visit(&mut f);
        }
        for template in self.message.iter().chain(self.help.iter()) {
            for part in &template.parts {
                if let TemplatePart::Expr(e) = part {
                    e.visit(&mut f);
                }
            }
        }
    }
}

impl TExpr {
    /// Whether this names a place (a variable, a field, an element, a lookup):
    /// the expressions whose values a report can point at in a file.
    pub fn is_path(&self) -> bool {
        matches!(
            self.kind,
            TExprKind::Input
                | TExprKind::Data(_)
                | TExprKind::Local(_)
                | TExprKind::Field { .. }
                | TExprKind::Index { .. }
                | TExprKind::Lookup { .. }
        )
    }

    /// Calls `f` on this expression and every sub-expression, iteratively (an
    /// expression may be as deep as the checker allows).
    pub fn visit<'a>(&'a self, f: &mut impl FnMut(&'a TExpr)) {
        let mut stack: Vec<&'a TExpr> = vec![self];
        while let Some(e) = stack.pop() {
            f(e);
            match &e.kind {
                TExprKind::List(items) => stack.extend(items.iter()),
                TExprKind::Call { args, .. } | TExprKind::CallFn { args, .. } => {
                    stack.extend(args.iter())
                }
                TExprKind::MapGenerator {
                    iter,
                    filter,
                    key,
                    value,
                    ..
                } => {
                    stack.push(iter);
                    stack.push(key);
                    stack.push(value);
                    if let Some(f) = filter {
                        stack.push(f);
                    }
                }
                TExprKind::If {
                    cond,
                    then,
                    otherwise,
                } => {
                    stack.push(cond);
                    stack.push(then);
                    stack.push(otherwise);
                }
                TExprKind::Field { target, .. } | TExprKind::Has { target, .. } => {
                    stack.push(target)
                }
                TExprKind::Default { value, default } => {
                    stack.push(value);
                    stack.push(default);
                }
                TExprKind::Index { target, index: k } | TExprKind::Lookup { target, key: k } => {
                    stack.push(target);
                    stack.push(k);
                }
                TExprKind::Not(x) | TExprKind::Neg(x) => stack.push(x),
                TExprKind::Binary { lhs, rhs, .. } => {
                    stack.push(lhs);
                    stack.push(rhs);
                }
                TExprKind::Matches { subject, .. } => stack.push(subject),
                TExprKind::Generator {
                    iter, filter, body, ..
                } => {
                    stack.push(iter);
                    stack.push(body);
                    if let Some(f) = filter {
                        stack.push(f);
                    }
                }
                TExprKind::Aggregate { list, .. } => stack.push(list),
                TExprKind::Const(_)
                | TExprKind::Input
                | TExprKind::Data(_)
                | TExprKind::Param(_)
                | TExprKind::Local(_)
                | TExprKind::Invalid => {}
            }
        }
    }
}

/// A `for`, `let` or `when` clause.
#[derive(Debug, Clone)]
pub enum Step {
    /// Bind each element of the list to the slot in turn.
    For {
        /// The slot bound.
        slot: u32,
        /// The list.
        iter: TExpr,
        /// The slot bound to the element's position (`for i, x in xs`).
        position: Option<u32>,
    },
    /// Bind a value to the slot.
    Let {
        /// The slot bound.
        slot: u32,
        /// The value.
        value: TExpr,
    },
    /// Skip the subject unless this holds.
    When(TExpr),
}

/// A `require` clause.
#[derive(Debug, Clone)]
pub struct Require {
    /// What must hold.
    pub expr: TExpr,
    /// The whole clause.
    pub span: Span,
}

/// A checked `message`, `help` or `title` string.
#[derive(Debug, Clone)]
pub struct Template {
    /// Pieces in order.
    pub parts: Vec<TemplatePart>,
    /// The string literal.
    pub span: Span,
}

/// A piece of a [`Template`].
#[derive(Debug, Clone)]
pub enum TemplatePart {
    /// Literal text.
    Text(String),
    /// An interpolated value.
    Expr(TExpr),
}

/// A typed expression.
#[derive(Debug, Clone)]
pub struct TExpr {
    /// What it computes.
    pub kind: TExprKind,
    /// Its type.
    pub ty: Type,
    /// Where it is written.
    pub span: Span,
}

/// Built-in functions (language.md §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Builtin {
    /// `len(list | map | string) -> int`
    Len,
    /// `lower(string) -> string`
    Lower,
    /// `upper(string) -> string`
    Upper,
    /// `starts_with(string, string) -> bool`
    StartsWith,
    /// `ends_with(string, string) -> bool`
    EndsWith,
    /// `contains(string, string) -> bool`
    Contains,
    /// `date(string) -> date`, for non-literal arguments (literals are folded).
    Date,
    /// `today() -> date`
    Today,
    /// `days_between(date, date) -> int`
    DaysBetween,
    /// `add_days(date, int) -> date`
    AddDays,
    /// `keys([string: T]) -> [string]`
    Keys,
    /// `values([string: T]) -> [T]`
    Values,
    /// `datetime(string) -> datetime`, for non-literal arguments.
    DateTime,
    /// `day(datetime) -> date`
    Day,
    /// `days_between(datetime, datetime) -> int`
    DaysBetweenInstants,
    /// `add_days(datetime, int) -> datetime`
    AddDaysInstant,
    /// `hours_between(datetime, datetime) -> int`
    HoursBetween,
    /// `split(string, string) -> [string]`
    Split,
    /// `join([string], string) -> string`
    Join,
    /// `replace(string, string, string) -> string`
    Replace,
    /// `trim(string) -> string`
    Trim,
    /// `take([T], int) -> [T]`
    Take,
    /// `drop([T], int) -> [T]`
    Drop,
    /// `distinct([T]) -> [T]`
    Distinct,
    /// `flatten([[T]]) -> [T]`: the lists one after the other, so that a rule
    /// can run over items and their nested items alike.
    Flatten,
    /// `to_int(string) -> int`
    ToInt,
    /// `to_string(int | bool | date | datetime | enum) -> string`
    ToString,
}

/// The aggregating names, usable as generators or over a plain list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aggregate {
    /// True when every element holds (true on empty).
    All,
    /// True when some element holds (false on empty).
    Any,
    /// Number of elements.
    Count,
    /// Sum of ints (0 on empty).
    Sum,
    /// Smallest int or date (an evaluation error on empty).
    Min,
    /// Largest int or date (an evaluation error on empty).
    Max,
    /// The values as a list.
    List,
}

/// Operators with their operand types resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    /// Short-circuit `or`.
    Or,
    /// Short-circuit `and`.
    And,
    /// Structural equality.
    Eq,
    /// Structural inequality.
    Ne,
    /// `<` on ints or dates.
    Lt,
    /// `<=` on ints or dates.
    Le,
    /// `>` on ints or dates.
    Gt,
    /// `>=` on ints or dates.
    Ge,
    /// Element of a list.
    InList,
    /// Key of a map.
    InMap,
    /// Not an element of a list.
    NotInList,
    /// Not a key of a map.
    NotInMap,
    /// Checked `+`.
    Add,
    /// Checked `-`.
    Sub,
    /// Checked `*`.
    Mul,
    /// Checked, truncating `/`.
    Div,
}

/// The typed expression forms.
#[derive(Debug, Clone)]
pub enum TExprKind {
    /// A constant (literals, folded `date("…")`).
    Const(Const),
    /// A list literal.
    List(Vec<TExpr>),
    /// The input document.
    Input,
    /// A `data` value, by index into [`Program::data`].
    Data(u32),
    /// A `param`, by index into [`Program::params`].
    Param(u32),
    /// A rule-local slot (`for`, `let`, generator variable).
    Local(u32),
    /// A record field by position; reading an absent optional field is an
    /// evaluation error (the checker has proved presence where it could).
    Field {
        /// The record.
        target: Box<TExpr>,
        /// The field's position.
        field: u32,
    },
    /// `value ?? default`, where `value` is a chain of field accesses with at
    /// least one optional field on it (`s.assigned`, `s.target.offer`): when any
    /// optional field on the chain is absent, the result is `default`.
    Default {
        /// The chain of field accesses.
        value: Box<TExpr>,
        /// The value when something on the chain is absent.
        default: Box<TExpr>,
    },
    /// `target has field`
    Has {
        /// The record.
        target: Box<TExpr>,
        /// The field's position.
        field: u32,
    },
    /// `list[index]`
    Index {
        /// The list.
        target: Box<TExpr>,
        /// The index.
        index: Box<TExpr>,
    },
    /// `map[key]`
    Lookup {
        /// The map.
        target: Box<TExpr>,
        /// The key.
        key: Box<TExpr>,
    },
    /// `not a`
    Not(Box<TExpr>),
    /// `-a`, checked.
    Neg(Box<TExpr>),
    /// A binary operation.
    Binary {
        /// The operator.
        op: BinOp,
        /// Where the operator is written.
        op_span: Span,
        /// Left operand.
        lhs: Box<TExpr>,
        /// Right operand.
        rhs: Box<TExpr>,
    },
    /// A built-in function call.
    Call {
        /// Which function.
        func: Builtin,
        /// Its arguments, checked against its signature.
        args: Vec<TExpr>,
    },
    /// `matches(subject, "pattern")` with the pattern compiled at load time.
    Matches {
        /// The string tested.
        subject: Box<TExpr>,
        /// The compiled pattern.
        regex: Arc<regex::Regex>,
    },
    /// `all(body for x in iter if filter)` and the other generators.
    Generator {
        /// What is computed.
        kind: Aggregate,
        /// The slot bound to each element.
        slot: u32,
        /// The list iterated.
        iter: Box<TExpr>,
        /// The optional filter.
        filter: Option<Box<TExpr>>,
        /// The per-element expression.
        body: Box<TExpr>,
    },
    /// `map(key: value for x in iter if filter)`: a `[string: V]`, the first
    /// occurrence of a key winning.
    MapGenerator {
        /// The slot bound to each element.
        slot: u32,
        /// The list iterated.
        iter: Box<TExpr>,
        /// The optional filter.
        filter: Option<Box<TExpr>>,
        /// The key computed per element (a string).
        key: Box<TExpr>,
        /// The value computed per element.
        value: Box<TExpr>,
    },
    /// `if cond then then_ else else_`: only the branch taken is evaluated.
    If {
        /// The condition.
        cond: Box<TExpr>,
        /// The value when it holds.
        then: Box<TExpr>,
        /// The value when it does not.
        otherwise: Box<TExpr>,
    },
    /// A call of a pack function, by index into [`Program::functions`].
    CallFn {
        /// Which function.
        func: u32,
        /// Its arguments, one per parameter.
        args: Vec<TExpr>,
    },
    /// `sum(xs)` and the other aggregates over a plain list.
    Aggregate {
        /// What is computed.
        kind: Aggregate,
        /// The list.
        list: Box<TExpr>,
    },
    /// A part with an error. Only built while checking a pack with errors, and a
    /// pack with errors never yields a [`Program`], so the evaluator never sees it.
    Invalid,
}

/// A finding's severity, as written after `severity`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RuleSeverity {
    /// The default.
    Error,
    /// Reported, but by default does not fail a run.
    Warning,
    /// Informational.
    Info,
}

impl RuleSeverity {
    /// The keyword.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleSeverity::Error => "error",
            RuleSeverity::Warning => "warning",
            RuleSeverity::Info => "info",
        }
    }
}

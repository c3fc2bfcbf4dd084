//! What a rule can see at a point of its body: local variables (with their slots)
//! and the narrowing facts that prove optional fields present.

use super::types::Type;
use crate::source::Span;
use crate::syntax::ast::{BinaryOp, Expr, ExprKind, UnaryOp};

/// A rule-local variable.
#[derive(Debug, Clone)]
pub(crate) struct Local {
    pub(crate) name: String,
    pub(crate) slot: u32,
    pub(crate) ty: Type,
    pub(crate) span: Span,
    /// Bound by a generator (`… for x in xs`), not by a clause: guards for it are
    /// written as the generator's `if`, not as a `when`.
    pub(crate) generator: bool,
}

/// "The optional field `field` of the record at `path` is present."
///
/// `path` is the text of a variable/field chain (`s.target`), compared as written,
/// which is sound because rule variables cannot shadow one another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fact {
    pub(crate) path: String,
    pub(crate) field: String,
}

/// Locals and facts, both as stacks so that a sub-expression can push and pop.
#[derive(Debug, Default)]
pub(crate) struct Scope {
    locals: Vec<Local>,
    facts: Vec<Fact>,
    slot_names: Vec<String>,
    /// `let t = s.target` makes `t` an alias of the path `s.target`, so that
    /// facts about one apply to the other.
    aliases: Vec<(String, String)>,
}

impl Scope {
    /// Binds a new local in a fresh slot.
    pub(crate) fn bind(&mut self, name: &str, ty: Type, span: Span, generator: bool) -> u32 {
        let slot = u32::try_from(self.slot_names.len()).unwrap_or(u32::MAX);
        self.slot_names.push(name.to_string());
        self.locals.push(Local {
            name: name.to_string(),
            slot,
            ty,
            span,
            generator,
        });
        slot
    }

    /// Removes the most recent binding (the end of a generator).
    pub(crate) fn unbind(&mut self) {
        self.locals.pop();
    }

    /// The innermost local of this name.
    pub(crate) fn lookup(&self, name: &str) -> Option<&Local> {
        self.locals.iter().rev().find(|l| l.name == name)
    }

    /// Names of the locals in scope, for suggestions.
    pub(crate) fn names(&self) -> impl Iterator<Item = &str> {
        self.locals.iter().map(|l| l.name.as_str())
    }

    /// The current height of the fact stack, to restore later.
    pub(crate) fn facts_mark(&self) -> usize {
        self.facts.len()
    }

    /// Forgets facts pushed since `mark`.
    pub(crate) fn restore_facts(&mut self, mark: usize) {
        self.facts.truncate(mark);
    }

    /// Adds facts.
    pub(crate) fn assume(&mut self, facts: Vec<Fact>) {
        self.facts.extend(facts);
    }

    /// Whether `path.field` is known to be present.
    pub(crate) fn knows(&self, path: &str, field: &str) -> bool {
        self.facts
            .iter()
            .any(|f| f.path == path && f.field == field)
    }

    /// Records that the local `name` is the value at `path` (a `let` of a path).
    pub(crate) fn alias(&mut self, name: &str, path: String) {
        self.aliases.push((name.to_string(), path));
    }

    /// The canonical text of a variable/field chain such as `s.target`, with
    /// `let` aliases expanded, or `None` for any other expression (those cannot
    /// be narrowed).
    pub(crate) fn path_key(&self, e: &Expr) -> Option<String> {
        match &e.unparen().kind {
            ExprKind::Var(v) => Some(
                self.aliases
                    .iter()
                    .rev()
                    .find(|(n, _)| *n == v.name)
                    .map_or_else(|| v.name.clone(), |(_, p)| p.clone()),
            ),
            ExprKind::Field(target, field) => {
                self.path_key(target).map(|p| format!("{p}.{}", field.name))
            }
            _ => None,
        }
    }

    /// Facts that hold wherever `e` is true: its `has` tests, through `and`.
    pub(crate) fn facts_when_true(&self, e: &Expr) -> Vec<Fact> {
        let mut out = Vec::new();
        self.collect_true(e, &mut out);
        out
    }

    fn collect_true(&self, e: &Expr, out: &mut Vec<Fact>) {
        match &e.unparen().kind {
            ExprKind::Has(target, field) => {
                if let Some(path) = self.path_key(target) {
                    out.push(Fact {
                        path,
                        field: field.name.clone(),
                    });
                }
            }
            ExprKind::Binary(BinaryOp::And, _, a, b) => {
                self.collect_true(a, out);
                self.collect_true(b, out);
            }
            _ => {}
        }
    }

    /// Facts that hold wherever `e` is false: its `not (r has f)` terms, through `or`.
    pub(crate) fn facts_when_false(&self, e: &Expr) -> Vec<Fact> {
        let mut out = Vec::new();
        self.collect_false(e, &mut out);
        out
    }

    fn collect_false(&self, e: &Expr, out: &mut Vec<Fact>) {
        match &e.unparen().kind {
            ExprKind::Unary(UnaryOp::Not, inner) => self.collect_true(inner, out),
            ExprKind::Binary(BinaryOp::Or, _, a, b) => {
                self.collect_false(a, out);
                self.collect_false(b, out);
            }
            _ => {}
        }
    }

    /// The slot names, for the checked rule.
    pub(crate) fn into_slot_names(self) -> Vec<String> {
        self.slot_names
    }
}

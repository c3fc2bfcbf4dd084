//! What a rule can see at a point of its body: local variables (with their slots)
//! and the narrowing facts that prove optional fields present.

use std::collections::HashMap;

use crate::model::types::Type;
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

/// The longest path text tracked for narrowing; a longer path is simply not
/// narrowed (reading its optional fields needs a guard or a default), which keeps
/// memory linear in the policy's size.
const MAX_PATH_KEY: usize = 1024;

/// Locals and facts, both as stacks so that a sub-expression can push and pop.
/// Lookups go through hash maps, so that rules with thousands of `let`s or
/// `when`s are checked in linear time.
#[derive(Debug, Default)]
pub(crate) struct Scope {
    locals: Vec<Local>,
    /// For each name, the indexes in `locals` that bind it, innermost last.
    by_name: HashMap<String, Vec<usize>>,
    facts: Vec<Fact>,
    /// How many times each fact is on the stack.
    fact_counts: HashMap<(String, String), usize>,
    slot_names: Vec<String>,
    /// `let t = s.target` makes `t` an alias of the path `s.target`, so that
    /// facts about one apply to the other.
    aliases: HashMap<String, String>,
}

impl Scope {
    /// Binds a new local in a fresh slot.
    pub(crate) fn bind(&mut self, name: &str, ty: Type, span: Span, generator: bool) -> u32 {
        let slot = u32::try_from(self.slot_names.len()).unwrap_or(u32::MAX);
        self.slot_names.push(name.to_string());
        self.by_name
            .entry(name.to_string())
            .or_default()
            .push(self.locals.len());
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
        if let Some(local) = self.locals.pop()
            && let Some(indexes) = self.by_name.get_mut(&local.name)
        {
            indexes.pop();
        }
    }

    /// The innermost local of this name.
    pub(crate) fn lookup(&self, name: &str) -> Option<&Local> {
        let index = self.by_name.get(name).and_then(|i| i.last())?;
        self.locals.get(*index)
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
        while self.facts.len() > mark {
            if let Some(fact) = self.facts.pop()
                && let Some(count) = self.fact_counts.get_mut(&(fact.path, fact.field))
            {
                *count = count.saturating_sub(1);
            }
        }
    }

    /// Adds facts.
    pub(crate) fn assume(&mut self, facts: Vec<Fact>) {
        for fact in facts {
            *self
                .fact_counts
                .entry((fact.path.clone(), fact.field.clone()))
                .or_default() += 1;
            self.facts.push(fact);
        }
    }

    /// Whether `path.field` is known to be present.
    pub(crate) fn knows(&self, path: &str, field: &str) -> bool {
        self.fact_counts
            .get(&(path.to_string(), field.to_string()))
            .is_some_and(|&n| n > 0)
    }

    /// Records that the local `name` is the value at `path` (a `let` of a path).
    pub(crate) fn alias(&mut self, name: &str, path: String) {
        self.aliases.insert(name.to_string(), path);
    }

    /// The canonical text of a variable/field/index chain such as `s.target` or
    /// `transfer.subscriptions[0].target`, with `let` aliases expanded, or `None`
    /// for any other expression (those cannot be narrowed) and for paths longer than [`MAX_PATH_KEY`].
    pub(crate) fn path_key(&self, e: &Expr) -> Option<String> {
        let key = match &e.unparen().kind {
            ExprKind::Var(v) => self
                .aliases
                .get(&v.name)
                .cloned()
                .unwrap_or_else(|| v.name.clone()),
            ExprKind::Field(target, field) => format!("{}.{}", self.path_key(target)?, field.name),
            // An element picked by a literal or by another path is the same element
            // wherever the path is written within one subject.
            ExprKind::Index(target, key) => {
                let key = match &key.unparen().kind {
                    ExprKind::Int(n) => n.to_string(),
                    ExprKind::Str(s) => format!("{s:?}"),
                    _ => self.path_key(key)?,
                };
                format!("{}[{key}]", self.path_key(target)?)
            }
            _ => return None,
        };
        (key.len() <= MAX_PATH_KEY).then_some(key)
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

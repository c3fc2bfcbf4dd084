//! The [`Evaluator`]: a checked program with its data, params and date, and
//! how each rule's slots are bound ([`Layout`]), worked out once per run.
//! What a frame reads of the run; the rule loop that uses it is `rules.rs`.

use jiff::civil::Date;

use crate::model::program::{Function, Program, Rule, Step, TExpr, TExprKind};
use crate::model::value::Value;
use crate::source::Sources;

/// A program ready to run: the checked pack with its data, params and date.
///
/// Built once per run and shared by all documents (it is `Sync`, so documents
/// may be evaluated on several threads).
#[derive(Debug)]
pub struct Evaluator<'a> {
    pub(crate) program: &'a Program,
    pub(crate) sources: &'a Sources,
    pub(crate) data: Vec<Value>,
    pub(crate) params: Vec<Value>,
    pub(crate) today: Date,
    /// Per rule: what binds each slot, and what each `let` reads.
    pub(crate) layouts: Vec<Layout<'a>>,
    /// Per pack function: what binds each slot of its body.
    pub(crate) fn_layouts: Vec<Layout<'a>>,
    /// Evaluation steps each document may take; 0 for no limit.
    pub(crate) max_steps: u64,
}

/// What binds a rule-local slot.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Binder<'a> {
    /// The `for` at this step, over this list.
    For(usize, &'a TExpr),
    /// A `let` of this value.
    Let(&'a TExpr),
    /// A generator over this list.
    Generator(&'a TExpr),
    /// A parameter of a pack function (bound to an argument by the call).
    Param,
    /// The position of a `for` element (`i` of `for i, x in xs`): a number
    /// in no file.
    Position,
    /// Not bound by anything (cannot happen in a checked program).
    None,
}

impl<'a> Evaluator<'a> {
    /// An evaluator for `program`. `data` and `params` are the values of the
    /// program's `data` and `param` declarations, in declaration order (conformed
    /// by the caller); `sources` holds the policy files, for naming expressions in
    /// run-time errors; `today` is what `today()` returns.
    pub fn new(
        program: &'a Program,
        sources: &'a Sources,
        data: Vec<Value>,
        params: Vec<Value>,
        today: Date,
    ) -> Evaluator<'a> {
        let layouts = program.rules.iter().map(Layout::of).collect();
        let fn_layouts = program.functions.iter().map(Layout::of_function).collect();
        Evaluator {
            program,
            sources,
            data,
            params,
            today,
            layouts,
            fn_layouts,
            max_steps: crate::limits::DEFAULT_EVAL_STEPS,
        }
    }

    /// Sets how many evaluation steps one document may take (0: no limit).
    pub fn with_step_budget(mut self, steps: u64) -> Evaluator<'a> {
        self.max_steps = steps;
        self
    }

    /// The program being run.
    pub fn program(&self) -> &'a Program {
        self.program
    }
}

/// How a rule's slots are bound, worked out once per run.
#[derive(Debug, Default)]
pub(crate) struct Layout<'a> {
    /// Per slot: what binds it (for paths of subjects and traces).
    pub(crate) binders: Vec<Binder<'a>>,
    /// Per slot: for a `let`, the `let` slots its value reads directly (so that a
    /// chain of `let`s is computed in order, without recursion); empty otherwise.
    pub(crate) let_reads: Vec<Box<[u32]>>,
    /// Per slot: whether it is a `let` whose value depends on no `for`
    /// variable, so that it is computed at most once per document (its value
    /// is kept from one subject to the next).
    pub(crate) invariant: Vec<bool>,
}

impl<'a> Layout<'a> {
    fn of(rule: &'a Rule) -> Layout<'a> {
        let slots = rule.slots as usize;
        let mut binders = vec![Binder::None; slots];
        let mut set = |slot: u32, b| {
            if let Some(x) = binders.get_mut(slot as usize) {
                *x = b;
            }
        };
        for (i, step) in rule.steps.iter().enumerate() {
            match step {
                Step::For {
                    slot,
                    iter,
                    position,
                } => {
                    set(*slot, Binder::For(i, iter));
                    if let Some(p) = position {
                        set(*p, Binder::Position);
                    }
                }
                Step::Let { slot, value } => set(*slot, Binder::Let(value)),
                Step::When(_) => {}
            }
        }
        // Generator slots, found in every expression of the rule.
        rule.visit(|e| {
            if let TExprKind::Generator { slot, iter, .. }
            | TExprKind::MapGenerator { slot, iter, .. } = &e.kind
            {
                set(*slot, Binder::Generator(iter));
            }
        });
        let mut let_reads: Vec<Box<[u32]>> = vec![Box::default(); slots];
        for step in &rule.steps {
            let Step::Let { slot, value } = step else {
                continue;
            };
            let mut reads = Vec::new();
            value.visit(&mut |e| {
                if let TExprKind::Local(s) = e.kind
                    && matches!(binders.get(s as usize), Some(Binder::Let(_)))
                {
                    reads.push(s);
                }
            });
            reads.sort_unstable();
            reads.dedup();
            if let Some(x) = let_reads.get_mut(*slot as usize) {
                *x = reads.into_boxed_slice();
            }
        }
        // In slot order (the order written): a `let` is invariant when all the
        // rule-level slots its value reads are invariant `let`s.
        let mut invariant = vec![false; slots];
        for step in &rule.steps {
            let Step::Let { slot, value } = step else {
                continue;
            };
            let mut depends = false;
            value.visit(&mut |e| {
                if let TExprKind::Local(s) = e.kind {
                    match binders.get(s as usize) {
                        Some(Binder::Let(_)) => {
                            depends |= !invariant.get(s as usize).copied().unwrap_or(false)
                        }
                        Some(Binder::For(..) | Binder::Position) => depends = true,
                        _ => {}
                    }
                }
            });
            if let Some(x) = invariant.get_mut(*slot as usize) {
                *x = !depends;
            }
        }
        Layout {
            binders,
            let_reads,
            invariant,
        }
    }

    /// The layout of a pack function's body: its parameters, then the slots
    /// of the generators in it.
    fn of_function(f: &'a Function) -> Layout<'a> {
        let slots = f.slots as usize;
        let mut binders = vec![Binder::None; slots];
        for b in binders.iter_mut().take(f.params.len()) {
            *b = Binder::Param;
        }
        f.body.visit(&mut |e| {
            if let TExprKind::Generator { slot, iter, .. }
            | TExprKind::MapGenerator { slot, iter, .. } = &e.kind
                && let Some(x) = binders.get_mut(*slot as usize)
            {
                *x = Binder::Generator(iter);
            }
        });
        Layout {
            binders,
            let_reads: vec![Box::default(); slots],
            invariant: vec![false; slots],
        }
    }

    /// Whether `let` slot `slot` keeps its value for the whole document.
    pub(crate) fn is_invariant(&self, slot: u32) -> bool {
        self.invariant.get(slot as usize).copied().unwrap_or(false)
    }

    /// The `let` slots the value of `let` slot `slot` reads.
    pub(crate) fn let_reads(&self, slot: u32) -> &[u32] {
        self.let_reads.get(slot as usize).map_or(&[], |r| r)
    }
}

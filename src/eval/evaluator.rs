//! The [`Evaluator`]: a checked program with its data, params and date, and
//! how each rule's slots are bound ([`Layout`]), worked out once per run.
//! What a frame reads of the run; the rule loop that uses it is `rules.rs`.

use jiff::civil::Date;

use crate::model::program::{Program, Rule, Step, TExpr, TExprKind};
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
        Evaluator {
            program,
            sources,
            data,
            params,
            today,
            layouts,
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
                Step::For { slot, iter } => set(*slot, Binder::For(i, iter)),
                Step::Let { slot, value } => set(*slot, Binder::Let(value)),
                Step::When(_) => {}
            }
        }
        // Generator slots, found in every expression of the rule.
        rule.visit(|e| {
            if let TExprKind::Generator { slot, iter, .. } = &e.kind {
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
        Layout { binders, let_reads }
    }

    /// The `let` slots the value of `let` slot `slot` reads.
    pub(crate) fn let_reads(&self, slot: u32) -> &[u32] {
        self.let_reads.get(slot as usize).map_or(&[], |r| r)
    }
}

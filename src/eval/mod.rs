//! Stage 4, evaluation: running a checked [`Program`] over conformed documents.
//!
//! Owns the run-time semantics of language.md §4–§6: subjects per `for` binding,
//! the four outcomes, short-circuit logic, generators and functions. Evaluation is
//! pure (no I/O, no clock: `today()` comes from the [`Evaluator`]'s settings) and
//! total: every run-time problem becomes an `error` outcome, never a panic.
//!
//! Passing subjects cost no allocation for reports: only when a `require` fails is
//! it evaluated a second time with a recorder ([`trace`]) that keeps the values it
//! read and the sub-values it computed, and only then are paths built.

mod aggregates;
mod budget;
mod builtins;
mod error;
mod frame;
mod lets;
mod operators;
mod place;
pub mod trace;
mod trace_notes;
mod value_paths;

#[cfg(test)]
mod tests;

use std::sync::Arc;

use jiff::civil::Date;

use self::budget::Budget;
pub use self::error::{EvalError, EvalErrorKind};
use self::frame::{Frame, Slots};
use self::trace::{Computed, NoTrace, Read, Recorder};
use crate::model::path::Path;
use crate::model::program::{Program, Rule, Step, TExpr, TExprKind, Template, TemplatePart};
use crate::model::value::Value;
use crate::source::{Sources, Span};

/// What a subject's evaluation came to (language.md §4, "Outcomes").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OutcomeKind {
    /// Every `require` held.
    Pass,
    /// A `require` was false.
    Fail,
    /// A `when` was false.
    Skip,
    /// Evaluation could not finish.
    Error,
}

impl OutcomeKind {
    /// The word used in reports and test files.
    pub fn as_str(self) -> &'static str {
        match self {
            OutcomeKind::Pass => "pass",
            OutcomeKind::Fail => "fail",
            OutcomeKind::Skip => "skip",
            OutcomeKind::Error => "error",
        }
    }
}

/// One subject's outcome for one rule.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Index of the rule in [`Program::rules`].
    pub rule: usize,
    /// The subject: the innermost `for` element, or the document root.
    pub subject: Path,
    /// What it came to.
    pub kind: OutcomeKind,
    /// For `fail` and `error`: what a report needs to explain it.
    pub finding: Option<Box<FindingDetail>>,
}

/// Why a subject failed or errored.
#[derive(Debug, Clone)]
pub struct FindingDetail {
    /// The rule's message, interpolated; parts that could not be computed read
    /// `<error: …>` (for an `error` outcome, a `let` may not have been reached).
    /// `None` when the rule has no `message`.
    pub message: Option<String>,
    /// The rule's help, interpolated likewise.
    pub help: Option<String>,
    /// For `fail`: the failing `require` clause.
    pub require: Option<Span>,
    /// For `error`: what stopped evaluation.
    pub error: Option<EvalError>,
    /// Values the failing `require` read from the document and data files.
    pub reads: Vec<Read>,
    /// Sub-values it computed (`sum(…) = 40`), for labels on the policy.
    pub computed: Vec<Computed>,
}

/// How many outcomes of each kind a document produced.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// `pass` outcomes.
    pub pass: u64,
    /// `fail` outcomes.
    pub fail: u64,
    /// `skip` outcomes.
    pub skip: u64,
    /// `error` outcomes.
    pub error: u64,
}

impl Tally {
    /// Counts one outcome.
    pub fn add(&mut self, kind: OutcomeKind) {
        match kind {
            OutcomeKind::Pass => self.pass += 1,
            OutcomeKind::Fail => self.fail += 1,
            OutcomeKind::Skip => self.skip += 1,
            OutcomeKind::Error => self.error += 1,
        }
    }

    /// Adds another tally to this one.
    pub fn merge(&mut self, other: Tally) {
        self.pass += other.pass;
        self.fail += other.fail;
        self.skip += other.skip;
        self.error += other.error;
    }
}

/// Which outcomes to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// Only findings (`fail`, `error`); passes and skips are counted.
    Findings,
    /// Every outcome, with its subject (`--show all`, `preflight test`).
    All,
}

/// The outcomes of one document.
#[derive(Debug, Clone, Default)]
pub struct DocumentOutcomes {
    /// Outcomes kept, in rule order, then subject order.
    pub outcomes: Vec<Outcome>,
    /// Counts of every outcome, kept or not.
    pub tally: Tally,
}

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

    /// Evaluates every rule on one conformed document.
    pub fn evaluate(&self, doc: &Value, keep: Keep) -> DocumentOutcomes {
        let mut out = DocumentOutcomes::default();
        let budget = Budget::new(self.max_steps);
        // The rules of a document share one set of buffers.
        let mut slots = Slots::default();
        let mut open = Vec::new();
        let empty = Layout::default();
        for (i, rule) in self.program.rules.iter().enumerate() {
            let layout = self.layouts.get(i).unwrap_or(&empty);
            let mut frame = Frame::new(self, rule, layout, doc, &budget, slots);
            open.clear();
            self.evaluate_rule(i, rule, &mut frame, &mut open, keep, &mut out);
            slots = frame.into_slots();
            if budget.is_spent() {
                break;
            }
        }
        out
    }

    /// Runs one rule over a document. `open` holds the `for` loops currently
    /// open: (step, list, next element).
    fn evaluate_rule(
        &self,
        index: usize,
        rule: &'a Rule,
        frame: &mut Frame<'_, 'a>,
        open: &mut Vec<(usize, Arc<[Value]>, usize)>,
        keep: Keep,
        out: &mut DocumentOutcomes,
    ) {
        let mut step = 0;
        loop {
            // Run the steps from `step` on until the subject is decided or a `for`
            // opens a loop.
            let mut decided = None;
            while let Some(s) = rule.steps.get(step) {
                match s {
                    Step::For { iter, .. } => match frame.eval(iter, &mut NoTrace) {
                        Ok(Value::List(xs)) => {
                            open.push((step, xs, 0));
                            break;
                        }
                        Ok(_) => {
                            decided = Some(Err((frame.internal(iter.span), iter)));
                            break;
                        }
                        Err(e) => {
                            decided = Some(Err((e, iter)));
                            break;
                        }
                    },
                    // Computed when first read (decision 60).
                    Step::Let { slot, .. } => frame.bind_lazy(*slot),
                    Step::When(cond) => match frame.eval(cond, &mut NoTrace) {
                        Ok(Value::Bool(true)) => {}
                        Ok(_) => {
                            decided = Some(Ok(OutcomeKind::Skip));
                            break;
                        }
                        Err(e) => {
                            decided = Some(Err((e, cond)));
                            break;
                        }
                    },
                }
                step += 1;
            }
            let opened_loop = matches!(rule.steps.get(step), Some(Step::For { .. }))
                && decided.is_none()
                && open
                    .last()
                    .is_some_and(|(s, _, next)| *s == step && *next == 0);
            if !opened_loop {
                match decided {
                    Some(Ok(kind)) => self.record(index, rule, frame, open, kind, None, keep, out),
                    Some(Err((e, expr))) => self.record(
                        index,
                        rule,
                        frame,
                        open,
                        OutcomeKind::Error,
                        Some(Failure::Error(e, expr)),
                        keep,
                        out,
                    ),
                    None => self.requires(index, rule, frame, open, keep, out),
                }
                if frame.budget_spent() {
                    return;
                }
            }
            // Move to the next element of the innermost open loop, closing
            // exhausted loops.
            loop {
                let Some((s, xs, next)) = open.last_mut() else {
                    return;
                };
                if let Some(x) = xs.get(*next) {
                    let x = x.clone();
                    let s = *s;
                    // Values bound after this `for` belong to the previous element;
                    // clear them, so that a message rendered for a subject that
                    // stops early shows `<error: …>` rather than a stale value.
                    for later in rule.steps.iter().skip(s + 1) {
                        if let Step::For { slot, .. } | Step::Let { slot, .. } = later {
                            frame.unbind(*slot);
                        }
                    }
                    if let Some(Step::For { slot, .. }) = rule.steps.get(s) {
                        frame.bind_element(*slot, x, *next);
                    }
                    *next += 1;
                    step = s + 1;
                    break;
                }
                open.pop();
            }
        }
    }

    /// Evaluates the `require`s of a subject whose steps all ran.
    fn requires(
        &self,
        index: usize,
        rule: &'a Rule,
        frame: &mut Frame<'_, 'a>,
        open: &[(usize, Arc<[Value]>, usize)],
        keep: Keep,
        out: &mut DocumentOutcomes,
    ) {
        for require in &rule.requires {
            match frame.eval(&require.expr, &mut NoTrace) {
                Ok(Value::Bool(true)) => {}
                Ok(_) => {
                    // Evaluate again, recording what the clause read. Evaluation is
                    // pure, so the second run takes the same path.
                    let mut recorder = Recorder::default();
                    let _ = frame.eval_traced(&require.expr, &mut recorder);
                    // The clause from `require` to the end of its expression (the
                    // clause's own span may run on over trailing blanks).
                    let span = Span {
                        end: require.expr.span.end,
                        ..require.span
                    };
                    let failure = Failure::Require(span, recorder);
                    self.record(
                        index,
                        rule,
                        frame,
                        open,
                        OutcomeKind::Fail,
                        Some(failure),
                        keep,
                        out,
                    );
                    return;
                }
                Err(e) => {
                    let failure = Failure::Error(e, &require.expr);
                    self.record(
                        index,
                        rule,
                        frame,
                        open,
                        OutcomeKind::Error,
                        Some(failure),
                        keep,
                        out,
                    );
                    return;
                }
            }
        }
        self.record(index, rule, frame, open, OutcomeKind::Pass, None, keep, out);
    }

    #[expect(
        clippy::too_many_arguments,
        reason = "one private helper of the rule loop"
    )]
    fn record(
        &self,
        index: usize,
        rule: &'a Rule,
        frame: &mut Frame<'_, 'a>,
        open: &[(usize, Arc<[Value]>, usize)],
        kind: OutcomeKind,
        failure: Option<Failure<'a>>,
        keep: Keep,
        out: &mut DocumentOutcomes,
    ) {
        out.tally.add(kind);
        if failure.is_none() && keep == Keep::Findings {
            return;
        }
        frame.allow_report();
        let subject = match open.last() {
            Some((step, ..)) => frame.subject_at(*step),
            None => Path::input(),
        };
        let finding = failure.map(|failure| {
            Box::new(match failure {
                Failure::Require(span, recorder) => FindingDetail {
                    message: rule.message.as_ref().map(|t| self.render(frame, t)),
                    help: rule.help.as_ref().map(|t| self.render(frame, t)),
                    require: Some(span),
                    error: None,
                    reads: recorder.reads,
                    computed: recorder.computed,
                },
                Failure::Error(error, expr) => {
                    // Reported with the rule's message (parts that cannot be
                    // computed show `<error: …>`) and what the clause read up to
                    // the error, found by evaluating it once more.
                    let mut recorder = Recorder::default();
                    let _ = frame.eval_traced(expr, &mut recorder);
                    FindingDetail {
                        message: rule.message.as_ref().map(|t| self.render(frame, t)),
                        help: rule.help.as_ref().map(|t| self.render(frame, t)),
                        require: None,
                        error: Some(error),
                        reads: recorder.reads,
                        computed: recorder.computed,
                    }
                }
            })
        });
        out.outcomes.push(Outcome {
            rule: index,
            subject,
            kind,
            finding,
        });
    }

    /// Interpolates a `message` or `help` template.
    fn render(&self, frame: &mut Frame<'_, 'a>, template: &'a Template) -> String {
        let mut text = String::new();
        for part in &template.parts {
            match part {
                TemplatePart::Text(t) => text.push_str(t),
                TemplatePart::Expr(e) => match frame.eval(e, &mut NoTrace) {
                    Ok(v) => text.push_str(&v.display(&e.ty, &self.program.schema)),
                    Err(err) => {
                        text.push_str("<error: ");
                        text.push_str(&err.message);
                        text.push('>');
                    }
                },
            }
        }
        text
    }
}

/// Why a finding was made, before it is turned into a [`FindingDetail`].
enum Failure<'a> {
    Require(Span, Recorder),
    Error(EvalError, &'a TExpr),
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

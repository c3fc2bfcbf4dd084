//! The rule loop: every rule over one document, its `for` subjects, `when`
//! guards and `require`s, each subject's outcome, and the trace and messages of
//! a failed one. Iterative, so that long rules cannot overflow the stack.

use std::sync::Arc;

use super::budget::Budget;
use super::error::EvalError;
use super::evaluator::{Evaluator, Layout};
use super::frame::{Frame, Slots};
use super::identity::Identities;
use super::outcome::{DocumentOutcomes, FindingDetail, Keep, Outcome, OutcomeKind};
use super::trace::{NoTrace, Read, Recorder};
use crate::model::path::{Path, Root};
use crate::model::program::{Rule, Step, TExpr, Template, TemplatePart};
use crate::model::value::Value;
use crate::source::Span;

impl<'a> Evaluator<'a> {
    /// Evaluates every rule on one conformed document.
    pub fn evaluate(&self, doc: &Value, keep: Keep) -> DocumentOutcomes {
        let mut out = DocumentOutcomes::default();
        let budget = Budget::new(self.max_steps);
        let identities = Identities::default();
        // The rules of a document share one set of buffers.
        let mut slots = Slots::default();
        let mut open = Vec::new();
        let empty = Layout::default();
        if let Some(title) = &self.program.title {
            let mut frame = Frame::bare(self, title.slots, &empty, doc, &budget, &identities);
            out.title = Some(self.render(&mut frame, &title.template));
        }
        for (i, rule) in self.program.rules.iter().enumerate() {
            let layout = self.layouts.get(i).unwrap_or(&empty);
            let mut frame = Frame::new(self, rule, layout, doc, &budget, &identities, slots);
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
                    // Computed when first read (decision 60); a `let` that no
                    // `for` variable reaches keeps its value for the document.
                    Step::Let { slot, .. } => {
                        if !(frame.layout.is_invariant(*slot) && frame.is_computed(*slot)) {
                            frame.bind_lazy(*slot);
                        }
                    }
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
                    // A `let` no `for` variable reaches is the same for every
                    // subject: it keeps its value for the document.
                    for later in rule.steps.iter().skip(s + 1) {
                        match later {
                            Step::Let { slot, .. } if frame.layout.is_invariant(*slot) => {}
                            Step::For { slot, position, .. } => {
                                frame.unbind(*slot);
                                if let Some(p) = position {
                                    frame.unbind(*p);
                                }
                            }
                            Step::Let { slot, .. } => frame.unbind(*slot),
                            Step::When(_) => {}
                        }
                    }
                    if let Some(Step::For { slot, position, .. }) = rule.steps.get(s) {
                        frame.bind_element(*slot, x, *next);
                        if let Some(p) = position {
                            frame.bind(*p, Value::Int(i64::try_from(*next).unwrap_or(i64::MAX)));
                        }
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
                    anchor: None,
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
                        anchor: None,
                    }
                }
            })
        });
        let finding = finding.map(|mut f| {
            f.anchor = rule.at.as_ref().and_then(|at| anchor(frame, at));
            f
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

/// The value an `at` clause names and its place, when it has one in a file.
fn anchor<'a>(frame: &mut Frame<'_, 'a>, at: &'a TExpr) -> Option<Read> {
    let value = frame.eval(at, &mut NoTrace).ok()?;
    let path = frame.path_of(at, 0)?;
    if matches!(path.root, Root::Computed { .. }) {
        return None;
    }
    Some(Read {
        span: at.span,
        path,
        value,
        ty: at.ty.clone(),
    })
}

/// Why a finding was made, before it is turned into a [`FindingDetail`].
enum Failure<'a> {
    Require(Span, Recorder),
    Error(EvalError, &'a TExpr),
}

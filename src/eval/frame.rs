//! The frame of one rule's evaluation, and the dispatch over expressions.
//!
//! A [`Frame`] holds a rule's local slots while its subjects are evaluated: what
//! each slot is bound to, the position of each `for` and generator element, and
//! the document's step budget. [`Frame::eval_in`] is the one place that knows
//! every form of expression; it reads paths (fields, elements, map entries) itself
//! and hands the other forms to the files that own them: `lets.rs` (lazy `let`s),
//! `operators.rs`, `builtins.rs`, `aggregates.rs` (generators and aggregates),
//! `trace_notes.rs` (what a trace records) and `value_paths.rs` (where a value is).
//!
//! Every operation is checked: overflow, division by zero, a missing key or index,
//! an absent optional and an empty `min`/`max` return an [`EvalError`] naming the
//! expression, which makes the subject's outcome `error`. The code is generic over
//! the [`Tracer`], so the same function serves the fast path and the trace of a
//! failed `require`.

use std::sync::Arc;

use super::budget::Budget;
use super::error::{EvalError, EvalErrorKind};
use super::evaluator::{Evaluator, Layout};
use super::identity::Identities;
use super::trace::{Recorder, Tracer};
use crate::model::path::Path;
use crate::model::program::{Rule, Step, TExpr, TExprKind};
use crate::model::types::{Schema, Type};
use crate::model::value::Value;
use crate::source::Span;

/// The state of a rule-local slot for the subject in hand.
#[derive(Debug, Clone)]
pub(super) enum Local {
    /// Its clause was not reached for this subject.
    Unbound,
    /// A `let` that was reached but not computed yet: it is computed when first
    /// read (decision 60), so a value that only a message shows costs nothing for
    /// a passing subject.
    Pending,
    /// A `let` about to be computed, with the `let`s it reads (see [`Frame::force`]).
    Queued,
    /// Bound to a value.
    Ready(Value),
    /// A `let` whose value could not be computed.
    Failed(Box<EvalError>),
}

/// The buffers of a [`Frame`], handed from one rule's frame to the next so that a
/// document's rules share one allocation.
#[derive(Debug, Default)]
pub(crate) struct Slots {
    locals: Vec<Local>,
    index: Vec<usize>,
}

/// The state of one rule's evaluation on one document.
pub(crate) struct Frame<'e, 'a> {
    pub(super) ev: &'e Evaluator<'a>,
    /// The clauses of the rule (empty for the body of a pack function).
    pub(super) steps: &'a [Step],
    pub(super) layout: &'e Layout<'a>,
    pub(super) doc: &'e Value,
    /// The document's evaluation steps left, shared by all its rules.
    pub(super) budget: &'e Budget,
    /// The places of the document's records and lists, for reports (built
    /// when first needed, shared by all its rules).
    pub(super) identities: &'e Identities,
    /// What each slot holds.
    pub(super) locals: Vec<Local>,
    /// For `for` and generator slots: the position of the bound element.
    pub(super) index: Vec<usize>,
    /// How many failed `let`s the trace in progress has followed into.
    pub(super) retrace: u32,
    /// How many pack function calls this frame is nested in.
    pub(super) depth: u32,
}

pub(super) type Eval = Result<Value, EvalError>;

impl<'e, 'a> Frame<'e, 'a> {
    /// A frame outside any rule, with `slots` local slots for generator
    /// variables: for the `input` declaration's title.
    pub(crate) fn bare(
        ev: &'e Evaluator<'a>,
        slots: u32,
        layout: &'e Layout<'a>,
        doc: &'e Value,
        budget: &'e Budget,
        identities: &'e Identities,
    ) -> Frame<'e, 'a> {
        let n = slots as usize;
        Frame {
            ev,
            steps: &[],
            layout,
            doc,
            budget,
            identities,
            locals: vec![Local::Unbound; n],
            index: vec![0; n],
            retrace: 0,
            depth: 0,
        }
    }

    pub(crate) fn new(
        ev: &'e Evaluator<'a>,
        rule: &'a Rule,
        layout: &'e Layout<'a>,
        doc: &'e Value,
        budget: &'e Budget,
        identities: &'e Identities,
        slots: Slots,
    ) -> Frame<'e, 'a> {
        let Slots {
            mut locals,
            mut index,
        } = slots;
        let n = rule.slots as usize;
        locals.clear();
        locals.resize(n, Local::Unbound);
        index.clear();
        index.resize(n, 0);
        Frame {
            ev,
            steps: &rule.steps,
            layout,
            doc,
            budget,
            identities,
            locals,
            index,
            retrace: 0,
            depth: 0,
        }
    }

    /// The frame's buffers, for the next rule's frame.
    pub(crate) fn into_slots(self) -> Slots {
        let Frame {
            mut locals, index, ..
        } = self;
        // Release the values of this rule's subjects now.
        locals.clear();
        Slots { locals, index }
    }

    pub(super) fn set(&mut self, slot: u32, state: Local) {
        if let Some(l) = self.locals.get_mut(slot as usize) {
            *l = state;
        }
    }

    pub(crate) fn bind(&mut self, slot: u32, value: Value) {
        self.set(slot, Local::Ready(value));
    }

    /// Whether `slot` holds a computed value or error (not merely reached).
    pub(crate) fn is_computed(&self, slot: u32) -> bool {
        matches!(
            self.locals.get(slot as usize),
            Some(Local::Ready(_) | Local::Failed(_))
        )
    }

    /// A `let` was reached: its value is computed when first read.
    pub(crate) fn bind_lazy(&mut self, slot: u32) {
        self.set(slot, Local::Pending);
    }

    pub(crate) fn unbind(&mut self, slot: u32) {
        self.set(slot, Local::Unbound);
    }

    pub(crate) fn bind_element(&mut self, slot: u32, value: Value, index: usize) {
        self.bind(slot, value);
        if let Some(i) = self.index.get_mut(slot as usize) {
            *i = index;
        }
    }

    /// Evaluates an expression.
    pub(crate) fn eval<T: Tracer>(&mut self, e: &'a TExpr, t: &mut T) -> Eval {
        self.eval_in(e, t, false)
    }

    /// Evaluates a failed `require` again, recording what it read and computed.
    pub(crate) fn eval_traced(&mut self, e: &'a TExpr, recorder: &mut Recorder) -> Eval {
        let v = self.eval_in(e, recorder, false)?;
        self.note_decision(recorder, e, &v);
        Ok(v)
    }

    /// An error for a value of a type the checker ruled out: cannot happen for a
    /// checked program, but the evaluator stays total rather than panic.
    pub(crate) fn internal(&self, span: Span) -> EvalError {
        EvalError {
            kind: EvalErrorKind::Internal,
            message: format!(
                "internal error: `{}` has a value of an unexpected type",
                self.text(span)
            ),
            span,
            path: None,
            help: None,
        }
    }

    pub(super) fn text(&self, span: Span) -> &'a str {
        self.ev.sources.slice(span)
    }

    /// An error of `kind` at `e`; `path` is where the value involved is, when
    /// it came from a file.
    pub(super) fn error(
        &self,
        kind: EvalErrorKind,
        message: String,
        e: &'a TExpr,
        path: Option<Path>,
    ) -> EvalError {
        EvalError {
            kind,
            message,
            span: e.span,
            path,
            help: None,
        }
    }

    /// Evaluates `e`, dispatching on its form. `in_path` is true when the caller
    /// reads on into the value or labels it itself (the target of a field, an
    /// element, an entry or `has`, the map of `in`, the chain under `??`): a trace
    /// then does not label `e` as a value read.
    pub(super) fn eval_in<T: Tracer>(&mut self, e: &'a TExpr, t: &mut T, in_path: bool) -> Eval {
        if !T::ON
            && matches!(
                e.kind,
                TExprKind::Field { .. } | TExprKind::Index { .. } | TExprKind::Lookup { .. }
            )
        {
            // A path read in place copies only the value at its end.
            let mut steps = 0;
            if let Some(v) = self.place(e, &mut steps) {
                let v = v.clone();
                self.charge(steps, e)?;
                return Ok(v);
            }
        }
        self.charge(1, e)?;
        let v = match &e.kind {
            TExprKind::Const(c) => Value::from_const(c),
            TExprKind::List(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.push(self.eval_in(item, t, false)?);
                }
                Value::List(Arc::from(out))
            }
            TExprKind::Input => self.doc.clone(),
            TExprKind::Data(i) => self
                .ev
                .data
                .get(*i as usize)
                .cloned()
                .ok_or_else(|| self.internal(e.span))?,
            TExprKind::Param(i) => self
                .ev
                .params
                .get(*i as usize)
                .cloned()
                .ok_or_else(|| self.internal(e.span))?,
            TExprKind::Local(slot) => self.local(*slot, e, t)?,
            TExprKind::Field { target, field } => self.field(e, target, *field, t)?,
            TExprKind::Default { value, default } => match self.eval_chain(value, t)? {
                Some(v) => {
                    if T::ON && is_scalar(&value.ty) {
                        self.note_read(t, value, &v);
                    }
                    v
                }
                None => self.eval_in(default, t, false)?,
            },
            TExprKind::Has { target, field } => self.has(e, target, *field, t)?,
            TExprKind::Index { target, index } => self.element(e, target, index, t)?,
            TExprKind::Lookup { target, key } => self.entry(e, target, key, t)?,
            TExprKind::Not(x) => {
                let v = self.bool(x, t)?;
                self.note_decision(t, x, &Value::Bool(v));
                Value::Bool(!v)
            }
            TExprKind::Neg(x) => {
                let Value::Int(i) = self.eval_in(x, t, false)? else {
                    return Err(self.internal(x.span));
                };
                Value::Int(i.checked_neg().ok_or_else(|| self.overflow(e))?)
            }
            TExprKind::Binary { op, lhs, rhs, .. } => self.binary(e, *op, lhs, rhs, t)?,
            TExprKind::Call { func, args } => self.call(e, *func, args, t)?,
            TExprKind::Matches { subject, regex } => {
                let Value::Str(s) = self.eval_in(subject, t, false)? else {
                    return Err(self.internal(subject.span));
                };
                self.charge(s.len() / 64, e)?;
                Value::Bool(regex.is_match(&s))
            }
            TExprKind::Generator {
                kind,
                slot,
                iter,
                filter,
                body,
            } => self.generator(e, *kind, *slot, iter, filter.as_deref(), body, t)?,
            TExprKind::Aggregate { kind, list } => {
                let Value::List(xs) = self.eval_in(list, t, false)? else {
                    return Err(self.internal(list.span));
                };
                self.charge(xs.len(), e)?;
                self.aggregate(e, *kind, list, &xs)?
            }
            TExprKind::If {
                cond,
                then,
                otherwise,
            } => self.conditional(cond, then, otherwise, t)?,
            TExprKind::MapGenerator {
                slot,
                iter,
                filter,
                key,
                value,
            } => self.map_generator(*slot, iter, filter.as_deref(), key, value, t)?,
            TExprKind::CallFn { func, args } => self.call_fn(e, *func, args, t)?,
            TExprKind::Invalid => return Err(self.internal(e.span)),
        };
        if T::ON && !in_path && is_path(e) && is_scalar(&e.ty) {
            self.note_read(t, e, &v);
        }
        Ok(v)
    }

    /// `if cond then … else …`: only the branch taken is evaluated. Kept out of
    /// [`Frame::eval_in`] so that its locals do not enlarge the frame of every
    /// nested evaluation.
    #[inline(never)]
    fn conditional<T: Tracer>(
        &mut self,
        cond: &'a TExpr,
        then: &'a TExpr,
        otherwise: &'a TExpr,
        t: &mut T,
    ) -> Eval {
        let c = self.bool(cond, t)?;
        self.note_decision(t, cond, &Value::Bool(c));
        self.eval_in(if c { then } else { otherwise }, t, false)
    }

    /// A record field (`r.f`). Not inlined: the recursive [`Frame::eval_in`] keeps a small frame.
    #[inline(never)]
    fn field<T: Tracer>(&mut self, e: &'a TExpr, target: &'a TExpr, field: u32, t: &mut T) -> Eval {
        let record = self.eval_in(target, t, true)?;
        let Value::Record(fields) = record else {
            return Err(self.internal(target.span));
        };
        match fields.get(field as usize) {
            Some(Some(v)) => Ok(v.clone()),
            _ => {
                let path = self.path_of(target, 0);
                Err(self
                    .error(
                        EvalErrorKind::AbsentOptional,
                        format!("`{}` is absent", self.text(e.span)),
                        e,
                        path,
                    )
                    .with_help(format!(
                        "guard the rule with `when {} has {}`, or give a default with `??`",
                        self.text(target.span),
                        self.field_name(target, field)
                    )))
            }
        }
    }

    /// `r has f`. Not inlined: the recursive [`Frame::eval_in`] keeps a small frame.
    #[inline(never)]
    fn has<T: Tracer>(&mut self, e: &'a TExpr, target: &'a TExpr, field: u32, t: &mut T) -> Eval {
        let mut steps = 0;
        if !T::ON
            && let Some(Value::Record(fields)) = self.place(target, &mut steps)
        {
            let has = matches!(fields.get(field as usize), Some(Some(_)));
            self.charge(steps, e)?;
            return Ok(Value::Bool(has));
        }
        let Value::Record(fields) = self.eval_in(target, t, true)? else {
            return Err(self.internal(target.span));
        };
        Ok(Value::Bool(matches!(
            fields.get(field as usize),
            Some(Some(_))
        )))
    }

    /// A list element (`xs[i]`). Not inlined: the recursive [`Frame::eval_in`] keeps a small frame.
    #[inline(never)]
    fn element<T: Tracer>(
        &mut self,
        e: &'a TExpr,
        target: &'a TExpr,
        index: &'a TExpr,
        t: &mut T,
    ) -> Eval {
        let list = self.eval_in(target, t, true)?;
        let i = self.eval_in(index, t, false)?;
        let (Value::List(xs), Value::Int(i)) = (list, i) else {
            return Err(self.internal(e.span));
        };
        let found = usize::try_from(i).ok().and_then(|u| xs.get(u));
        match found {
            Some(v) => Ok(v.clone()),
            None => {
                let path = self.path_of(target, 0);
                Err(self
                    .error(
                        EvalErrorKind::IndexOutOfRange,
                        format!(
                            "index {i} is out of range for `{}`, which has {} element(s)",
                            self.text(target.span),
                            xs.len()
                        ),
                        e,
                        path,
                    )
                    .with_help(format!(
                        "guard the rule with `when {} < len({})`",
                        self.text(index.span),
                        self.text(target.span)
                    )))
            }
        }
    }

    /// A map entry (`m[k]`). Not inlined: the recursive [`Frame::eval_in`] keeps a small frame.
    #[inline(never)]
    fn entry<T: Tracer>(
        &mut self,
        e: &'a TExpr,
        target: &'a TExpr,
        key: &'a TExpr,
        t: &mut T,
    ) -> Eval {
        let map = self.eval_in(target, t, true)?;
        let k = self.eval_in(key, t, false)?;
        let (Value::Map(m), Value::Str(k)) = (map, k) else {
            return Err(self.internal(e.span));
        };
        match m.get(&k) {
            Some(v) => Ok(v.clone()),
            None => {
                let path = self.path_of(key, 0).or_else(|| self.path_of(target, 0));
                Err(self
                    .error(
                        EvalErrorKind::MissingKey,
                        format!(
                            "no {} {:?} in `{}`",
                            noun_of(target, &self.ev.program.schema),
                            k.as_ref(),
                            self.text(target.span)
                        ),
                        e,
                        path,
                    )
                    .with_help(format!(
                        "add {:?} to `{}`, or guard the rule with `when {} in {}`",
                        k.as_ref(),
                        self.text(target.span),
                        self.text(key.span),
                        self.text(target.span)
                    )))
            }
        }
    }

    /// The name of field `field` of the record type of `target`.
    fn field_name(&self, target: &TExpr, field: u32) -> &'a str {
        match &target.ty {
            Type::Record(id) => self
                .ev
                .program
                .schema
                .record(*id)
                .and_then(|r| r.fields.get(field as usize))
                .map_or("?", |f| f.name.as_str()),
            _ => "?",
        }
    }
}

/// What a map's entries are called, for "no offer "X" in catalog.offers": the
/// singular of the map's field name when it has an obvious one, else "key".
fn noun_of(map: &TExpr, schema: &Schema) -> String {
    let TExprKind::Field { target, field } = &map.kind else {
        return "key".into();
    };
    let Type::Record(id) = &target.ty else {
        return "key".into();
    };
    let Some(name) = schema
        .record(*id)
        .and_then(|r| r.fields.get(*field as usize))
        .map(|f| f.name.as_str())
    else {
        return "key".into();
    };
    if let Some(stem) = name.strip_suffix("ies") {
        format!("{stem}y")
    } else if let Some(stem) = name.strip_suffix('s')
        && !stem.ends_with('s')
        && !stem.is_empty()
    {
        stem.to_string()
    } else {
        "key".into()
    }
}

impl<'e, 'a> Frame<'e, 'a> {
    /// Whether the document's step budget has run out.
    pub(crate) fn budget_spent(&self) -> bool {
        self.budget.is_spent()
    }

    /// After the budget ran out: a few steps to report the subject in hand.
    pub(crate) fn allow_report(&self) {
        self.budget.allow_report();
    }

    /// Takes `steps` from the document's budget; the error when it is spent.
    pub(super) fn charge(&self, steps: usize, e: &'a TExpr) -> Result<(), EvalError> {
        if self.budget.take(steps as u64) {
            return Ok(());
        }
        let limit = self.budget.limit();
        Err(self
            .error(
                EvalErrorKind::StepBudget,
                format!(
                    "evaluation stopped after {limit} steps (`--max-steps`); the document's remaining subjects and rules were not evaluated"
                ),
                e,
                None,
            )
            .with_help(
                "raise `--max-steps` (0 for no limit) if the document is really this large, or simplify nested generators".to_string(),
            ))
    }
}

/// Whether `e` names a place: see [`TExpr::is_path`].
pub(super) fn is_path(e: &TExpr) -> bool {
    e.is_path()
}

/// Whether values of this type are worth showing as a label (a plan line shows
/// `region: "europe"`, not a whole list of subscriptions).
pub(super) fn is_scalar(ty: &Type) -> bool {
    ty.is_scalar()
}

//! Evaluating expressions for one subject.
//!
//! A [`Frame`] holds a rule's local slots while its subjects are evaluated. Every
//! operation is checked: overflow, division by zero, a missing key or index, an
//! absent optional and an empty `min`/`max` return an [`EvalError`] naming the
//! expression, which makes the subject's outcome `error`. The code is generic over
//! the [`Tracer`], so the same function serves the fast path and the trace of a
//! failed `require`.

use std::cmp::Ordering;
use std::sync::Arc;

use super::place::Operand;
use super::trace::NoTrace;
use super::trace::{Computed, Read, Recorder, Tracer};
use super::{Binder, Budget, EvalError, Evaluator, Layout};
use crate::model::path::{Path, Root, Seg};
use crate::model::program::{Aggregate, BinOp, Builtin, Rule, Step, TExpr, TExprKind};
use crate::model::types::Type;
use crate::model::value::Value;
use crate::source::Span;

/// How many steps [`Frame::path_of`] follows through `let` and `for` bindings
/// before giving up on naming a value's place (a report then shows it without
/// a location). Bounds the recursion for rules with long chains of `let`s.
const MAX_PATH_STEPS: usize = 64;

/// How many failed `let`s a trace follows into, one inside the other, to show
/// what the failing one read (see [`Frame::local`]).
const MAX_RETRACE: u32 = 64;

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
    rule: &'a Rule,
    layout: &'e Layout<'a>,
    pub(super) doc: &'e Value,
    /// The document's evaluation steps left, shared by all its rules.
    budget: &'e Budget,
    /// What each slot holds.
    pub(super) locals: Vec<Local>,
    /// For `for` and generator slots: the position of the bound element.
    index: Vec<usize>,
    /// How many failed `let`s the trace in progress has followed into.
    retrace: u32,
}

type Eval = Result<Value, EvalError>;

impl<'e, 'a> Frame<'e, 'a> {
    pub(crate) fn new(
        ev: &'e Evaluator<'a>,
        rule: &'a Rule,
        layout: &'e Layout<'a>,
        doc: &'e Value,
        budget: &'e Budget,
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
            rule,
            layout,
            doc,
            budget,
            locals,
            index,
            retrace: 0,
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

    /// Whether the document's step budget has run out.
    pub(crate) fn budget_spent(&self) -> bool {
        self.budget.is_spent()
    }

    fn set(&mut self, slot: u32, state: Local) {
        if let Some(l) = self.locals.get_mut(slot as usize) {
            *l = state;
        }
    }

    pub(crate) fn bind(&mut self, slot: u32, value: Value) {
        self.set(slot, Local::Ready(value));
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
            message: format!(
                "internal error: `{}` has a value of an unexpected type",
                self.text(span)
            ),
            span,
            path: None,
            help: None,
        }
    }

    /// The subject when the `for` at `step` is the innermost one bound.
    pub(crate) fn subject_at(&self, step: usize) -> Path {
        match self.rule.steps.get(step) {
            Some(Step::For { slot, .. }) => self.slot_path(*slot, 0).unwrap_or_else(Path::input),
            _ => Path::input(),
        }
    }

    fn text(&self, span: Span) -> &'a str {
        self.ev.sources.slice(span)
    }

    fn error(&self, message: String, e: &'a TExpr, path: Option<Path>) -> EvalError {
        EvalError {
            message,
            span: e.span,
            path,
            help: None,
        }
    }

    /// After the budget ran out: a few steps to report the subject in hand.
    pub(crate) fn allow_report(&self) {
        self.budget.allow_report();
    }

    /// Takes `steps` from the document's budget; the error when it is spent.
    fn charge(&self, steps: usize, e: &'a TExpr) -> Result<(), EvalError> {
        if self.budget.take(steps as u64) {
            return Ok(());
        }
        let limit = self.budget.limit();
        Err(self
            .error(
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

    fn eval_in<T: Tracer>(&mut self, e: &'a TExpr, t: &mut T, in_path: bool) -> Eval {
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
            TExprKind::Field { target, field } => {
                let record = self.eval_in(target, t, true)?;
                let Value::Record(fields) = record else {
                    return Err(self.internal(target.span));
                };
                match fields.get(*field as usize) {
                    Some(Some(v)) => v.clone(),
                    _ => {
                        let path = self.path_of(target, 0);
                        return Err(self
                            .error(format!("`{}` is absent", self.text(e.span)), e, path)
                            .with_help(format!(
                                "guard the rule with `when {} has {}`, or give a default with `??`",
                                self.text(target.span),
                                self.field_name(target, *field)
                            )));
                    }
                }
            }
            TExprKind::Default { value, default } => match self.eval_chain(value, t)? {
                Some(v) => {
                    if T::ON && is_scalar(&value.ty) {
                        self.note_read(t, value, &v);
                    }
                    v
                }
                None => self.eval_in(default, t, false)?,
            },
            TExprKind::Has { target, field } => {
                let mut steps = 0;
                if !T::ON
                    && let Some(Value::Record(fields)) = self.place(target, &mut steps)
                {
                    let has = matches!(fields.get(*field as usize), Some(Some(_)));
                    self.charge(steps, e)?;
                    return Ok(Value::Bool(has));
                }
                let Value::Record(fields) = self.eval_in(target, t, true)? else {
                    return Err(self.internal(target.span));
                };
                Value::Bool(matches!(fields.get(*field as usize), Some(Some(_))))
            }
            TExprKind::Index { target, index } => {
                let list = self.eval_in(target, t, true)?;
                let i = self.eval_in(index, t, false)?;
                let (Value::List(xs), Value::Int(i)) = (list, i) else {
                    return Err(self.internal(e.span));
                };
                let found = usize::try_from(i).ok().and_then(|u| xs.get(u));
                match found {
                    Some(v) => v.clone(),
                    None => {
                        let path = self.path_of(target, 0);
                        return Err(self
                            .error(
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
                            )));
                    }
                }
            }
            TExprKind::Lookup { target, key } => {
                let map = self.eval_in(target, t, true)?;
                let k = self.eval_in(key, t, false)?;
                let (Value::Map(m), Value::Str(k)) = (map, k) else {
                    return Err(self.internal(e.span));
                };
                match m.get(&k) {
                    Some(v) => v.clone(),
                    None => {
                        let path = self.path_of(key, 0).or_else(|| self.path_of(target, 0));
                        return Err(self
                            .error(
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
                            )));
                    }
                }
            }
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
            TExprKind::Invalid => return Err(self.internal(e.span)),
        };
        if T::ON && !in_path && is_path(e) && is_scalar(&e.ty) {
            self.note_read(t, e, &v);
        }
        Ok(v)
    }

    /// The value of a local variable, computing a pending `let` first.
    fn local<T: Tracer>(&mut self, slot: u32, e: &'a TExpr, t: &mut T) -> Eval {
        if matches!(self.locals.get(slot as usize), Some(Local::Pending)) {
            self.force(slot);
        }
        match self.locals.get(slot as usize) {
            Some(Local::Ready(v)) => Ok(v.clone()),
            Some(Local::Failed(error)) => {
                // A trace of the clause that read a failed `let` follows into the
                // `let`, so that the report shows what it read.
                if T::ON
                    && self.retrace < MAX_RETRACE
                    && let Some(Binder::Let(value)) = self.layout.binders.get(slot as usize)
                {
                    let error = (**error).clone();
                    self.retrace += 1;
                    let traced = self.eval_in(value, t, false);
                    self.retrace -= 1;
                    return traced.and(Err(error));
                }
                Err((**error).clone())
            }
            _ => Err(self.error(
                format!("`{}` was not computed for this subject", self.text(e.span)),
                e,
                None,
            )),
        }
    }

    /// Computes the pending `let` in `slot`, and first the pending `let`s it
    /// reads, directly or through others, in the order written: each then finds
    /// what it reads computed, so a long chain of `let`s is computed without
    /// recursion. (A `let` read only on a branch not taken is computed all the
    /// same; its error, if any, is kept until something reads it.)
    fn force(&mut self, slot: u32) {
        let layout = self.layout;
        let pending = |s: &u32| matches!(self.locals.get(*s as usize), Some(Local::Pending));
        if !layout.let_reads(slot).iter().any(pending) {
            self.compute_let(slot);
            return;
        }
        let mut order = Vec::new();
        let mut todo = vec![slot];
        while let Some(s) = todo.pop() {
            if let Some(l @ Local::Pending) = self.locals.get_mut(s as usize) {
                *l = Local::Queued;
                order.push(s);
                todo.extend_from_slice(layout.let_reads(s));
            }
        }
        // Slots are numbered in the order they are written.
        order.sort_unstable();
        for s in order {
            self.compute_let(s);
        }
    }

    fn compute_let(&mut self, slot: u32) {
        let Some(Binder::Let(value)) = self.layout.binders.get(slot as usize) else {
            return;
        };
        let state = match self.eval_in(value, &mut NoTrace, false) {
            Ok(v) => Local::Ready(v),
            Err(e) => Local::Failed(Box::new(e)),
        };
        self.set(slot, state);
    }

    /// Evaluates a chain of field accesses under `??`: `None` when an optional
    /// field on the chain is absent.
    fn eval_chain<T: Tracer>(
        &mut self,
        e: &'a TExpr,
        t: &mut T,
    ) -> Result<Option<Value>, EvalError> {
        match &e.kind {
            TExprKind::Field { target, field } => {
                let Some(record) = self.eval_chain(target, t)? else {
                    return Ok(None);
                };
                let Value::Record(fields) = record else {
                    return Err(self.internal(target.span));
                };
                Ok(fields.get(*field as usize).and_then(Clone::clone))
            }
            _ => self.eval_in(e, t, true).map(Some),
        }
    }

    fn bool<T: Tracer>(&mut self, e: &'a TExpr, t: &mut T) -> Result<bool, EvalError> {
        match self.eval_in(e, t, false)? {
            Value::Bool(b) => Ok(b),
            _ => Err(self.internal(e.span)),
        }
    }

    fn int<T: Tracer>(&mut self, e: &'a TExpr, t: &mut T) -> Result<i64, EvalError> {
        match self.eval_in(e, t, false)? {
            Value::Int(i) => Ok(i),
            _ => Err(self.internal(e.span)),
        }
    }

    fn overflow(&self, e: &'a TExpr) -> EvalError {
        self.error(
            format!("integer overflow in `{}`", self.text(e.span)),
            e,
            None,
        )
        .with_help(
            "the result is beyond the 64-bit integer range; check the values in the data".into(),
        )
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

    fn binary<T: Tracer>(
        &mut self,
        e: &'a TExpr,
        op: BinOp,
        lhs: &'a TExpr,
        rhs: &'a TExpr,
        t: &mut T,
    ) -> Eval {
        Ok(match op {
            BinOp::And | BinOp::Or => {
                let l = self.bool(lhs, t)?;
                self.note_decision(t, lhs, &Value::Bool(l));
                if l == (op == BinOp::Or) {
                    return Ok(Value::Bool(l));
                }
                let r = self.bool(rhs, t)?;
                self.note_decision(t, rhs, &Value::Bool(r));
                Value::Bool(r)
            }
            BinOp::Eq | BinOp::Ne => {
                let mut steps = 0;
                if !T::ON
                    && let Some((l, r)) = self.operands(lhs, rhs, &mut steps)
                {
                    let same = l.same(r);
                    self.charge(steps + l.walk_cost(), e)?;
                    return Ok(Value::Bool(same == (op == BinOp::Eq)));
                }
                let l = self.eval_in(lhs, t, false)?;
                let r = self.eval_in(rhs, t, false)?;
                self.note_operand(t, lhs, &l);
                self.note_operand(t, rhs, &r);
                self.charge(l.walk_cost(), e)?;
                Value::Bool((l == r) == (op == BinOp::Eq))
            }
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                let mut steps = 0;
                if !T::ON
                    && let Some((l, r)) = self.operands(lhs, rhs, &mut steps)
                    && let Some(ord) = l.order(r)
                {
                    self.charge(steps, e)?;
                    return Ok(Value::Bool(holds(op, ord)));
                }
                let l = self.eval_in(lhs, t, false)?;
                let r = self.eval_in(rhs, t, false)?;
                self.note_operand(t, lhs, &l);
                self.note_operand(t, rhs, &r);
                let ord = compare(&l, &r).ok_or_else(|| self.internal(e.span))?;
                Value::Bool(holds(op, ord))
            }
            BinOp::InList | BinOp::NotInList => {
                if !T::ON
                    && let Some(found) = self.in_list_in_place(e, lhs, rhs)?
                {
                    return Ok(Value::Bool(found == (op == BinOp::InList)));
                }
                let x = self.eval_in(lhs, t, false)?;
                self.note_operand(t, lhs, &x);
                let found = if let TExprKind::List(items) = &rhs.kind {
                    // A literal list is searched without being built.
                    let mut found = false;
                    for item in items {
                        if self.eval_in(item, t, false)? == x {
                            found = true;
                            break;
                        }
                    }
                    found
                } else {
                    let list = self.eval_in(rhs, t, false)?;
                    self.note_operand(t, rhs, &list);
                    let Value::List(xs) = list else {
                        return Err(self.internal(rhs.span));
                    };
                    self.charge(xs.len().saturating_mul(x.walk_cost().max(1)), e)?;
                    xs.contains(&x)
                };
                Value::Bool(found == (op == BinOp::InList))
            }
            BinOp::InMap | BinOp::NotInMap => {
                let mut steps = 0;
                if !T::ON
                    && let Some(k) = self.operand(lhs, &mut steps).and_then(|k| k.as_str())
                    && let Some(Value::Map(m)) = self.place(rhs, &mut steps)
                {
                    let found = m.get(k).is_some();
                    self.charge(steps, e)?;
                    return Ok(Value::Bool(found == (op == BinOp::InMap)));
                }
                let k = self.eval_in(lhs, t, false)?;
                self.note_operand(t, lhs, &k);
                let (Value::Str(k), Value::Map(m)) = (k, self.eval_in(rhs, t, true)?) else {
                    return Err(self.internal(e.span));
                };
                Value::Bool(m.get(&k).is_some() == (op == BinOp::InMap))
            }
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => {
                let l = self.int(lhs, t)?;
                let r = self.int(rhs, t)?;
                self.note_operand(t, lhs, &Value::Int(l));
                self.note_operand(t, rhs, &Value::Int(r));
                let result = match op {
                    BinOp::Add => l.checked_add(r),
                    BinOp::Sub => l.checked_sub(r),
                    BinOp::Mul => l.checked_mul(r),
                    _ => {
                        if r == 0 {
                            let path = self.path_of(rhs, 0);
                            return Err(self
                                .error(
                                    format!("division by zero in `{}`", self.text(e.span)),
                                    e,
                                    path,
                                )
                                .with_help(format!(
                                    "guard the rule with `when {} != 0`",
                                    self.text(rhs.span)
                                )));
                        }
                        l.checked_div(r)
                    }
                };
                Value::Int(result.ok_or_else(|| self.overflow(e))?)
            }
        })
    }

    /// `x in xs` read in place: `None` when an operand is not a place or a
    /// literal (the caller then evaluates it in full).
    fn in_list_in_place(
        &self,
        e: &'a TExpr,
        lhs: &'a TExpr,
        rhs: &'a TExpr,
    ) -> Result<Option<bool>, EvalError> {
        let mut steps = 0;
        let Some(x) = self.operand(lhs, &mut steps) else {
            return Ok(None);
        };
        let found = if let TExprKind::List(items) = &rhs.kind {
            // A literal list is searched without being built.
            let mut found = false;
            for item in items {
                let TExprKind::Const(c) = &item.kind else {
                    return Ok(None);
                };
                steps += 1;
                if x.same(Operand::Const(c)) {
                    found = true;
                    break;
                }
            }
            found
        } else {
            let Some(Value::List(xs)) = self.place(rhs, &mut steps) else {
                return Ok(None);
            };
            steps = steps.saturating_add(xs.len().saturating_mul(x.walk_cost().max(1)));
            xs.iter().any(|v| x.same(Operand::Value(v)))
        };
        self.charge(steps, e)?;
        Ok(Some(found))
    }

    fn call<T: Tracer>(
        &mut self,
        e: &'a TExpr,
        func: Builtin,
        args: &'a [TExpr],
        t: &mut T,
    ) -> Eval {
        // Builtins take at most two arguments: kept on the stack, not allocated.
        let mut buffer = [Value::Bool(false), Value::Bool(false)];
        if args.len() > buffer.len() {
            return Err(self.internal(e.span));
        }
        for (arg, slot) in args.iter().zip(buffer.iter_mut()) {
            let v = self.eval_in(arg, t, false)?;
            self.note_operand(t, arg, &v);
            *slot = v;
        }
        let values = buffer.get(..args.len()).unwrap_or_default();
        // Walking strings, lists and maps costs steps in proportion to them.
        let walked: usize = values.iter().map(Value::walk_cost).sum();
        self.charge(walked, e)?;
        let bad = || self.internal(e.span);
        let count = |n: usize| i64::try_from(n).map_err(|_| self.overflow(e));
        Ok(match (func, values) {
            (Builtin::Len, [Value::List(xs)]) => Value::Int(count(xs.len())?),
            (Builtin::Len, [Value::Map(m)]) => Value::Int(count(m.len())?),
            (Builtin::Len, [Value::Str(s)]) => Value::Int(count(s.chars().count())?),
            (Builtin::Lower, [Value::Str(s)]) => Value::Str(Arc::from(s.to_lowercase())),
            (Builtin::Upper, [Value::Str(s)]) => Value::Str(Arc::from(s.to_uppercase())),
            (Builtin::StartsWith, [Value::Str(s), Value::Str(p)]) => {
                Value::Bool(s.starts_with(&**p))
            }
            (Builtin::EndsWith, [Value::Str(s), Value::Str(p)]) => Value::Bool(s.ends_with(&**p)),
            (Builtin::Contains, [Value::Str(s), Value::Str(p)]) => Value::Bool(s.contains(&**p)),
            (Builtin::Date, [Value::Str(s)]) => match crate::model::date::parse_date(s) {
                Ok(d) => Value::Date(d),
                Err(why) => {
                    let path = args.first().and_then(|a| self.path_of(a, 0));
                    return Err(self.error(
                        format!(
                            "{:?} is not a date ({why}) in `{}`",
                            s.as_ref(),
                            self.text(e.span)
                        ),
                        e,
                        path,
                    ));
                }
            },
            (Builtin::Today, []) => Value::Date(self.ev.today),
            (Builtin::DaysBetween, [Value::Date(a), Value::Date(b)]) => {
                // Both dates are valid civil dates, whose difference in days always
                // fits; the error arm only keeps evaluation total.
                let days = a.until(*b).map_err(|_| self.overflow(e))?.get_days();
                Value::Int(i64::from(days))
            }
            (Builtin::AddDays, [Value::Date(d), Value::Int(n)]) => {
                let out_of_range = || {
                    self.error(
                        format!("`{}` is outside the supported dates", self.text(e.span)),
                        e,
                        None,
                    )
                };
                let span = jiff::Span::new().try_days(*n).map_err(|_| out_of_range())?;
                Value::Date(d.checked_add(span).map_err(|_| out_of_range())?)
            }
            (Builtin::Keys, [Value::Map(m)]) => Value::List(
                m.entries()
                    .iter()
                    .map(|(k, _)| Value::Str(k.clone()))
                    .collect(),
            ),
            (Builtin::Values, [Value::Map(m)]) => {
                Value::List(m.entries().iter().map(|(_, v)| v.clone()).collect())
            }
            _ => return Err(bad()),
        })
    }

    #[expect(
        clippy::too_many_arguments,
        reason = "the parts of one generator expression"
    )]
    fn generator<T: Tracer>(
        &mut self,
        e: &'a TExpr,
        kind: Aggregate,
        slot: u32,
        iter: &'a TExpr,
        filter: Option<&'a TExpr>,
        body: &'a TExpr,
        t: &mut T,
    ) -> Eval {
        let Value::List(xs) = self.eval_in(iter, t, false)? else {
            return Err(self.internal(iter.span));
        };
        let mut count: i64 = 0;
        let mut sum: i64 = 0;
        let mut best: Option<Value> = None;
        let mut list = Vec::new();
        for (i, x) in xs.iter().enumerate() {
            self.bind_element(slot, x.clone(), i);
            let mark = t.mark();
            if let Some(f) = filter
                && !self.bool(f, t)?
            {
                t.rewind(mark);
                continue;
            }
            match kind {
                Aggregate::All => {
                    if !self.bool(body, t)? {
                        // The element that decides the result keeps its trace;
                        // the ones that held explain nothing.
                        return Ok(Value::Bool(false));
                    }
                    t.rewind(mark);
                }
                Aggregate::Any => {
                    if self.bool(body, t)? {
                        return Ok(Value::Bool(true));
                    }
                }
                Aggregate::Count => {
                    count = count.checked_add(1).ok_or_else(|| self.overflow(e))?;
                }
                Aggregate::Sum => {
                    let v = self.int(body, t)?;
                    sum = sum.checked_add(v).ok_or_else(|| self.overflow(e))?;
                }
                Aggregate::Min | Aggregate::Max => {
                    let v = self.eval_in(body, t, false)?;
                    best = Some(self.better(e, kind, best, v)?);
                }
                Aggregate::List => list.push(self.eval_in(body, t, false)?),
            }
            // Other generators keep what each element read (`any` that found
            // nothing, the terms of a `sum`), up to the recorder's cap.
        }
        self.unbind(slot);
        Ok(match kind {
            Aggregate::All => Value::Bool(true),
            Aggregate::Any => Value::Bool(false),
            Aggregate::Count => Value::Int(count),
            Aggregate::Sum => Value::Int(sum),
            Aggregate::Min | Aggregate::Max => {
                best.ok_or_else(|| self.empty(e, kind, self.path_of(iter, 0)))?
            }
            Aggregate::List => Value::List(Arc::from(list)),
        })
    }

    fn aggregate(&self, e: &'a TExpr, kind: Aggregate, list: &'a TExpr, xs: &[Value]) -> Eval {
        Ok(match kind {
            Aggregate::All => Value::Bool(xs.iter().all(|x| *x == Value::Bool(true))),
            Aggregate::Any => Value::Bool(xs.contains(&Value::Bool(true))),
            Aggregate::Count => Value::Int(i64::try_from(xs.len()).map_err(|_| self.overflow(e))?),
            Aggregate::Sum => {
                let mut sum: i64 = 0;
                for x in xs {
                    let Value::Int(i) = x else {
                        return Err(self.internal(e.span));
                    };
                    sum = sum.checked_add(*i).ok_or_else(|| self.overflow(e))?;
                }
                Value::Int(sum)
            }
            Aggregate::Min | Aggregate::Max => {
                let mut best = None;
                for x in xs {
                    best = Some(self.better(e, kind, best, x.clone())?);
                }
                best.ok_or_else(|| self.empty(e, kind, self.path_of(list, 0)))?
            }
            Aggregate::List => Value::List(Arc::from(xs)),
        })
    }

    /// The smaller (`min`) or larger (`max`) of the best so far and `v`.
    fn better(&self, e: &'a TExpr, kind: Aggregate, best: Option<Value>, v: Value) -> Eval {
        let Some(b) = best else { return Ok(v) };
        let ord = compare(&v, &b).ok_or_else(|| self.internal(e.span))?;
        let take = match kind {
            Aggregate::Min => ord == Ordering::Less,
            _ => ord == Ordering::Greater,
        };
        Ok(if take { v } else { b })
    }

    fn empty(&self, e: &'a TExpr, kind: Aggregate, path: Option<Path>) -> EvalError {
        let what = if kind == Aggregate::Min { "min" } else { "max" };
        self.error(
            format!(
                "`{}` has no values to take the {what} of",
                self.text(e.span)
            ),
            e,
            path,
        )
        .with_help(
            "guard the rule so that the list is not empty, e.g. with `when count(…) > 0`"
                .to_string(),
        )
    }

    // ----- tracing ----------------------------------------------------------------

    /// Records a value read from a file (or, when its place is not in a file, as
    /// a computed value).
    fn note_read<T: Tracer>(&self, t: &mut T, e: &'a TExpr, v: &Value) {
        if !T::ON {
            return;
        }
        match self.path_of(e, 0) {
            Some(path) if !matches!(path.root, Root::Computed { .. }) => t.read(Read {
                span: e.span,
                path,
                value: v.clone(),
                ty: e.ty.clone(),
            }),
            _ => self.note_computed(t, e, v),
        }
    }

    fn note_computed<T: Tracer>(&self, t: &mut T, e: &'a TExpr, v: &Value) {
        if T::ON {
            t.computed(Computed {
                span: e.span,
                value: v.clone(),
                ty: e.ty.clone(),
            });
        }
    }

    /// Labels an operand of a comparison or arithmetic with its value, unless it
    /// is a literal or a value read from a file (which is labelled there).
    fn note_operand<T: Tracer>(&self, t: &mut T, e: &'a TExpr, v: &Value) {
        if !T::ON || matches!(e.kind, TExprKind::Const(_) | TExprKind::List(_)) {
            return;
        }
        if !is_path(e) {
            self.note_computed(t, e, v);
        } else if !is_scalar(&e.ty) {
            // A list or record compared or searched (`x in from.equivalents`):
            // shown where it is written, like a plain value. (Plain values read
            // as operands were recorded when they were evaluated.)
            self.note_read(t, e, v);
        }
    }

    /// Labels a boolean that decides a clause when it comes from a call
    /// (`all(…) = false`); comparisons and `has` explain themselves.
    fn note_decision<T: Tracer>(&self, t: &mut T, e: &'a TExpr, v: &Value) {
        if T::ON
            && matches!(
                e.kind,
                TExprKind::Call { .. }
                    | TExprKind::Generator { .. }
                    | TExprKind::Aggregate { .. }
                    | TExprKind::Matches { .. }
            )
        {
            self.note_computed(t, e, v);
        }
    }

    // ----- paths ------------------------------------------------------------------

    /// Where the value of `e` is, when it is read from the document or a data file
    /// (or is an element of a list the rule computed).
    pub(crate) fn path_of(&self, e: &'a TExpr, depth: usize) -> Option<Path> {
        if depth > MAX_PATH_STEPS {
            return None;
        }
        match &e.kind {
            TExprKind::Input => Some(Path::input()),
            TExprKind::Data(i) => {
                let name = self.ev.program.data.get(*i as usize)?.name.as_str();
                Some(Path {
                    root: Root::Data(*i, Arc::from(name)),
                    segs: Vec::new(),
                })
            }
            TExprKind::Local(slot) => self.slot_path(*slot, depth + 1),
            TExprKind::Field { target, field } => {
                let Type::Record(id) = &target.ty else {
                    return None;
                };
                let name = &self
                    .ev
                    .program
                    .schema
                    .record(*id)?
                    .fields
                    .get(*field as usize)?
                    .name;
                Some(
                    self.path_of(target, depth + 1)?
                        .child(Seg::Key(Arc::from(name.as_str()))),
                )
            }
            TExprKind::Default { value, default } => {
                // The side that gave the value: the chain when all of it is
                // present, else the default.
                let mut scratch = self.scratch();
                match scratch.eval_chain(value, &mut NoTrace) {
                    Ok(Some(_)) => self.path_of(value, depth + 1),
                    Ok(None) => self.path_of(default, depth + 1),
                    Err(_) => None,
                }
            }
            TExprKind::Index { target, index } => {
                let base = self.path_of(target, depth + 1)?;
                let mut scratch = self.scratch();
                let Ok(Value::Int(i)) = scratch.eval(index, &mut NoTrace) else {
                    return None;
                };
                Some(base.child(Seg::Index(usize::try_from(i).ok()?)))
            }
            TExprKind::Lookup { target, key } => {
                let base = self.path_of(target, depth + 1)?;
                let mut scratch = self.scratch();
                let Ok(Value::Str(k)) = scratch.eval(key, &mut NoTrace) else {
                    return None;
                };
                Some(base.child(Seg::Key(k)))
            }
            _ => None,
        }
    }

    /// Where the value bound to `slot` is.
    fn slot_path(&self, slot: u32, depth: usize) -> Option<Path> {
        if depth > MAX_PATH_STEPS {
            return None;
        }
        let index = self.index.get(slot as usize).copied().unwrap_or(0);
        match self.layout.binders.get(slot as usize)? {
            Binder::Let(value) => self.path_of(value, depth + 1),
            Binder::For(step, iter) => Some(match self.element_path(iter, index, depth) {
                Some(p) => p,
                None => self.computed_element(*step, index, depth),
            }),
            Binder::Generator(iter) => Some(match self.element_path(iter, index, depth) {
                Some(p) => p,
                None => self.computed_element(usize::MAX, index, depth),
            }),
            Binder::None => None,
        }
    }

    /// A copy of this frame, to evaluate a sub-expression again while building a
    /// path (only on the reporting path, never for passing subjects).
    fn scratch(&self) -> Frame<'e, 'a> {
        Frame {
            ev: self.ev,
            rule: self.rule,
            layout: self.layout,
            doc: self.doc,
            budget: self.budget,
            locals: self.locals.clone(),
            index: self.index.clone(),
            retrace: self.retrace,
        }
    }

    /// Where element `index` of the list `iter` is: after the list's own path, or,
    /// for `values(m)`, the entry's place in the map (`@catalog/offers/E3`).
    fn element_path(&self, iter: &'a TExpr, index: usize, depth: usize) -> Option<Path> {
        if let Some(p) = self.path_of(iter, depth + 1) {
            return Some(p.child(Seg::Index(index)));
        }
        let TExprKind::Call {
            func: Builtin::Values,
            args,
        } = &iter.kind
        else {
            return None;
        };
        let map = args.first()?;
        let base = self.path_of(map, depth + 1)?;
        let mut scratch = self.scratch();
        let Ok(Value::Map(m)) = scratch.eval(map, &mut NoTrace) else {
            return None;
        };
        let (key, _) = m.entries().get(index)?;
        Some(base.child(Seg::Key(key.clone())))
    }

    /// Element `index` of a list computed by the rule: the enclosing subject's path
    /// followed by `[index]` (language.md §4).
    fn computed_element(&self, before_step: usize, index: usize, depth: usize) -> Path {
        let enclosing = self
            .rule
            .steps
            .iter()
            .enumerate()
            .take(before_step)
            .rev()
            .filter_map(|(i, s)| match s {
                Step::For { slot, .. }
                    if i < before_step
                        && matches!(self.locals.get(*slot as usize), Some(Local::Ready(_))) =>
                {
                    Some(*slot)
                }
                _ => None,
            })
            .next()
            .and_then(|slot| self.slot_path(slot, depth + 1))
            .unwrap_or_else(Path::input);
        Path {
            root: Root::Computed {
                base: Arc::from(enclosing.to_string()),
                index,
            },
            segs: Vec::new(),
        }
    }
}

/// Whether an ordering satisfies a comparison operator.
fn holds(op: BinOp, ord: Ordering) -> bool {
    match op {
        BinOp::Lt => ord == Ordering::Less,
        BinOp::Le => ord != Ordering::Greater,
        BinOp::Gt => ord == Ordering::Greater,
        _ => ord != Ordering::Less,
    }
}

/// Whether `e` names a place (a variable, a field, an element): the expressions
/// whose values a report can point at in a file.
fn is_path(e: &TExpr) -> bool {
    matches!(
        e.kind,
        TExprKind::Input
            | TExprKind::Data(_)
            | TExprKind::Local(_)
            | TExprKind::Field { .. }
            | TExprKind::Index { .. }
            | TExprKind::Lookup { .. }
    )
}

/// Whether values of this type are worth showing as a label (a plan line shows
/// `region: "europe"`, not a whole list of subscriptions).
fn is_scalar(ty: &Type) -> bool {
    matches!(
        ty,
        Type::Bool | Type::Int | Type::String | Type::Date | Type::Enum(_)
    )
}

/// Orders two ints or two dates; `None` for anything else.
fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Some(x.cmp(y)),
        (Value::Date(x), Value::Date(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

/// What a map's entries are called, for "no offer "X" in catalog.offers": the
/// singular of the map's field name when it has an obvious one, else "key".
fn noun_of(map: &TExpr, schema: &crate::model::types::Schema) -> String {
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

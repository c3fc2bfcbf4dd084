//! Where a value is: the paths of subjects and of the values a report names.
//!
//! A value read from the document or a data file has a path into it
//! (`/subscriptions/0/offer`, `@catalog/offers/E3`); an element of a list the rule
//! computed is named after its enclosing subject (language.md §4). Paths are
//! built only for reports, never for passing subjects, by following `let` and
//! `for` bindings back to where their values came from.

use std::sync::Arc;

use super::evaluator::Binder;
use super::frame::{Frame, Local};
use super::trace::NoTrace;
use crate::model::path::{Path, Root, Seg};
use crate::model::program::{Builtin, Step, TExpr, TExprKind};
use crate::model::types::Type;
use crate::model::value::Value;

/// How many steps [`Frame::path_of`] follows through `let` and `for` bindings
/// before giving up on naming a value's place (a report then shows it without
/// a location). Bounds the recursion for rules with long chains of `let`s.
const MAX_PATH_STEPS: usize = 64;

impl<'e, 'a> Frame<'e, 'a> {
    /// The subject when the `for` at `step` is the innermost one bound.
    pub(crate) fn subject_at(&self, step: usize) -> Path {
        match self.steps.get(step) {
            Some(Step::For { slot, .. }) => self.slot_path(*slot, 0).unwrap_or_else(Path::input),
            _ => Path::input(),
        }
    }

    /// Where the value of `e` is, when it is read from the document or a data file
    /// (or is an element of a list the rule computed): by the expression's own
    /// path, else, for a record or list that came through a pack function, a
    /// `map(…)` or a conditional, by identity (see `identity.rs`).
    pub(crate) fn path_of(&self, e: &'a TExpr, depth: usize) -> Option<Path> {
        if depth > MAX_PATH_STEPS {
            return None;
        }
        self.expression_path(e, depth).or_else(|| {
            // `Local`, `Field` and `??` already fell back inside.
            if matches!(
                e.kind,
                TExprKind::Local(_) | TExprKind::Field { .. } | TExprKind::Default { .. }
            ) || !matches!(e.ty, Type::Record(_) | Type::List(_))
            {
                return None;
            }
            let mut scratch = self.scratch();
            let v = scratch.eval(e, &mut NoTrace).ok()?;
            self.identity_path(&v)
        })
    }

    /// [`Frame::path_of`] by the expression alone.
    fn expression_path(&self, e: &'a TExpr, depth: usize) -> Option<Path> {
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
                None => self
                    .bound_identity(slot)
                    .unwrap_or_else(|| self.computed_element(*step, index, depth)),
            }),
            Binder::Generator(iter) => Some(match self.element_path(iter, index, depth) {
                Some(p) => p,
                None => self
                    .bound_identity(slot)
                    .unwrap_or_else(|| self.computed_element(usize::MAX, index, depth)),
            }),
            Binder::None | Binder::Param | Binder::Position => None,
        }
    }

    /// The place, by identity, of the element bound to a `for` or generator
    /// slot: an element of a list a pack function built is still the record the
    /// document holds.
    fn bound_identity(&self, slot: u32) -> Option<Path> {
        match self.locals.get(slot as usize)? {
            Local::Ready(v) => self.identity_path(v),
            _ => None,
        }
    }

    /// The place of `v` in the document or a data value, by identity.
    pub(super) fn identity_path(&self, v: &Value) -> Option<Path> {
        self.identities.path(self.ev, self.doc, v)
    }

    /// A copy of this frame, to evaluate a sub-expression again while building a
    /// path (only on the reporting path, never for passing subjects).
    fn scratch(&self) -> Frame<'e, 'a> {
        Frame {
            ev: self.ev,
            steps: self.steps,
            layout: self.layout,
            doc: self.doc,
            budget: self.budget,
            identities: self.identities,
            locals: self.locals.clone(),
            index: self.index.clone(),
            retrace: self.retrace,
            depth: self.depth,
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

//! Where a record or list came from when no expression path leads to it.
//!
//! [`Frame::path_of`] names a value's place by following the expression that
//! produced it (`s.target.quantity`, a `let`, a `for` element). A record that
//! reached the rule through a pack function (`fn subscription_of(…)`) or a
//! `map(…)` lookup has no such expression path, yet it is the very value the
//! document holds: the evaluator never copies a record or a list, it shares the
//! same allocation. So the place of such a value is found by walking the
//! document (then each `data` value) for that allocation. This is done only on
//! the reporting path, for a failed subject, never for a passing one.

use std::sync::Arc;

use super::frame::Frame;
use crate::model::path::{Path, Root, Seg};
use crate::model::types::{Schema, Type};
use crate::model::value::Value;

/// The allocation a value owns, if it is one the document can share: a record,
/// or a non-empty list (an empty one says nothing about where it is).
fn allocation(v: &Value) -> Option<*const ()> {
    match v {
        Value::Record(fields) => Some(Arc::as_ptr(fields).cast::<()>()),
        Value::List(xs) if !xs.is_empty() => Some(Arc::as_ptr(xs).cast::<()>()),
        _ => None,
    }
}

impl Frame<'_, '_> {
    /// The place of `v` in the document or a data value, found by identity.
    pub(super) fn identity_path(&self, v: &Value) -> Option<Path> {
        let target = allocation(v)?;
        let program = self.ev.program;
        let mut segs = Vec::new();
        if find(
            &program.schema,
            self.doc,
            &program.input.ty,
            target,
            &mut segs,
        ) {
            return Some(Path {
                root: Root::Input,
                segs,
            });
        }
        for (i, (decl, value)) in program.data.iter().zip(&self.ev.data).enumerate() {
            segs.clear();
            if find(&program.schema, value, &decl.ty, target, &mut segs) {
                return Some(Path {
                    root: Root::Data(u32::try_from(i).ok()?, Arc::from(decl.name.as_str())),
                    segs,
                });
            }
        }
        None
    }
}

/// Depth-first search of `value` (of type `ty`) for the allocation `target`,
/// leaving the steps to it in `segs`. The document's nesting is bounded by the
/// input depth limit, which bounds the recursion.
fn find(schema: &Schema, value: &Value, ty: &Type, target: *const (), segs: &mut Vec<Seg>) -> bool {
    if allocation(value) == Some(target) {
        return true;
    }
    match (value, ty) {
        (Value::Record(fields), Type::Record(id)) => {
            let Some(record) = schema.record(*id) else {
                return false;
            };
            for (field, def) in fields.iter().zip(&record.fields) {
                let Some(v) = field else { continue };
                if !could_hold(&def.ty) {
                    continue;
                }
                segs.push(Seg::Key(Arc::from(def.name.as_str())));
                if find(schema, v, &def.ty, target, segs) {
                    return true;
                }
                segs.pop();
            }
            false
        }
        (Value::List(xs), Type::List(inner)) if could_hold(inner) => {
            for (i, x) in xs.iter().enumerate() {
                segs.push(Seg::Index(i));
                if find(schema, x, inner, target, segs) {
                    return true;
                }
                segs.pop();
            }
            false
        }
        (Value::Map(m), Type::Map(inner)) if could_hold(inner) => {
            for (k, v) in m.entries() {
                segs.push(Seg::Key(k.clone()));
                if find(schema, v, inner, target, segs) {
                    return true;
                }
                segs.pop();
            }
            false
        }
        _ => false,
    }
}

/// Whether a value of type `ty` can be or contain a record or a list (the
/// search does not descend into lists of strings).
fn could_hold(ty: &Type) -> bool {
    matches!(ty, Type::Record(_) | Type::List(_) | Type::Map(_))
}

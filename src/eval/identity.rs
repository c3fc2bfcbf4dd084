//! Where a record or list came from when no expression path leads to it.
//!
//! `Frame::path_of` names a value's place by following the expression that
//! produced it (`s.target.quantity`, a `let`, a `for` element). A record that
//! reached the rule through a pack function (`fn subscription_of(…)`) or a
//! `map(…)` lookup has no such expression path, yet it is the very value the
//! document holds: the evaluator never copies a record or a list, it shares the
//! same allocation. So the place of such a value is found by its allocation,
//! in an index of the document's (and the `data` values') records and lists
//! built by one walk the first time a report of the document needs it. This is
//! only on the reporting path, for a failed subject, never for a passing one.

use std::cell::OnceCell;
use std::collections::HashMap;
use std::sync::Arc;

use super::evaluator::Evaluator;
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

/// The places of a document's records and lists, by allocation: built the
/// first time a report of the document needs one (one walk of the document
/// and the data values), then shared by every finding of every rule, so that a
/// document with many findings is not walked once per finding.
#[derive(Default)]
pub(crate) struct Identities {
    index: OnceCell<HashMap<usize, Path, foldhash::fast::RandomState>>,
}

impl Identities {
    /// The place of `v` in the document `doc` or a data value of `ev`, found
    /// by identity.
    pub(super) fn path(&self, ev: &Evaluator<'_>, doc: &Value, v: &Value) -> Option<Path> {
        let target = allocation(v)?;
        let index = self.index.get_or_init(|| {
            let program = ev.program;
            let mut index = HashMap::default();
            let mut segs = Vec::new();
            record_all(
                &program.schema,
                doc,
                &program.input.ty,
                &Root::Input,
                &mut segs,
                &mut index,
            );
            for (i, (decl, value)) in program.data.iter().zip(&ev.data).enumerate() {
                let Ok(i) = u32::try_from(i) else { break };
                let root = Root::Data(i, Arc::from(decl.name.as_str()));
                segs.clear();
                record_all(
                    &program.schema,
                    value,
                    &decl.ty,
                    &root,
                    &mut segs,
                    &mut index,
                );
            }
            index
        });
        index.get(&(target as usize)).cloned()
    }
}

/// Records the place of every record and non-empty list in `value` (of type
/// `ty`); the first place of an allocation wins (the document before the data).
/// The document's nesting is bounded by the input depth limit, which bounds the
/// recursion.
fn record_all(
    schema: &Schema,
    value: &Value,
    ty: &Type,
    root: &Root,
    segs: &mut Vec<Seg>,
    index: &mut HashMap<usize, Path, foldhash::fast::RandomState>,
) {
    if let Some(ptr) = allocation(value) {
        index.entry(ptr as usize).or_insert_with(|| Path {
            root: root.clone(),
            segs: segs.clone(),
        });
    }
    match (value, ty) {
        (Value::Record(fields), Type::Record(id)) => {
            let Some(record) = schema.record(*id) else {
                return;
            };
            for (field, def) in fields.iter().zip(&record.fields) {
                let Some(v) = field else { continue };
                if !could_hold(&def.ty) {
                    continue;
                }
                segs.push(Seg::Key(Arc::from(def.name.as_str())));
                record_all(schema, v, &def.ty, root, segs, index);
                segs.pop();
            }
        }
        (Value::List(xs), Type::List(inner)) if could_hold(inner) => {
            for (i, x) in xs.iter().enumerate() {
                segs.push(Seg::Index(i));
                record_all(schema, x, inner, root, segs, index);
                segs.pop();
            }
        }
        (Value::Map(m), Type::Map(inner)) if could_hold(inner) => {
            for (k, v) in m.entries() {
                segs.push(Seg::Key(k.clone()));
                record_all(schema, v, inner, root, segs, index);
                segs.pop();
            }
        }
        _ => {}
    }
}

/// Whether a value of type `ty` can be or contain a record or a list (the
/// search does not descend into lists of strings).
fn could_hold(ty: &Type) -> bool {
    matches!(ty, Type::Record(_) | Type::List(_) | Type::Map(_))
}

//! Run-time values: what conformed documents, data files and params become.
//!
//! A value carries no type and no location. Its type is the static type of the
//! expression that produced it (the checker guarantees they agree), and its
//! location is found again from its path when a report needs it
//! ([`crate::data::locate`]). Keeping values small and shared (`Arc`) makes
//! binding a `for` variable or reading a field a pointer copy.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;

use jiff::civil::Date;

use crate::model::datetime::DateTime;
use crate::model::program::Const;
use crate::model::types::Schema;
use crate::model::types::Type;

/// A value of the language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// `bool`
    Bool(bool),
    /// `int`
    Int(i64),
    /// `string`
    Str(Arc<str>),
    /// `date`
    Date(Date),
    /// `datetime`
    DateTime(DateTime),
    /// A member of an enum, by index into its declaration.
    Enum(u32),
    /// `[T]`
    List(Arc<[Value]>),
    /// `[string: T]`
    Map(Arc<Map>),
    /// A record: one slot per declared field, in declaration order; `None` for an
    /// optional field that is absent (missing or `null` in the data).
    Record(Arc<[Option<Value>]>),
}

/// A map from strings to values, keeping the data's order of keys (so `keys(m)`
/// lists them as the file does) with lookups in constant time.
#[derive(Debug, Clone, Default)]
pub struct Map {
    entries: Vec<(Arc<str>, Value)>,
    /// Key → position in `entries`; built only for maps large enough to need it.
    /// Hashed with foldhash, which is several times faster than the standard
    /// SipHash on short keys and still seeded per process, so keys written in an
    /// input file cannot be chosen to collide.
    index: Option<HashMap<Arc<str>, usize, foldhash::fast::RandomState>>,
}

/// Maps with at most this many entries are searched linearly.
const LINEAR_MAP: usize = 8;

impl Map {
    /// A map of these entries; keys are unique (conformance rejects duplicates).
    pub fn new(entries: Vec<(Arc<str>, Value)>) -> Map {
        let index = (entries.len() > LINEAR_MAP).then(|| {
            entries
                .iter()
                .enumerate()
                .map(|(i, (k, _))| (k.clone(), i))
                .collect()
        });
        Map { entries, index }
    }

    /// The value under `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match &self.index {
            Some(index) => self.entries.get(*index.get(key)?).map(|(_, v)| v),
            None => self
                .entries
                .iter()
                .find(|(k, _)| k.as_ref() == key)
                .map(|(_, v)| v),
        }
    }

    /// Entries in the data's order.
    pub fn entries(&self) -> &[(Arc<str>, Value)] {
        &self.entries
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the map has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl PartialEq for Map {
    /// Maps are equal when they have the same keys with equal values, in any order.
    fn eq(&self, other: &Map) -> bool {
        self.len() == other.len()
            && self
                .entries
                .iter()
                .all(|(k, v)| other.get(k).is_some_and(|w| w == v))
    }
}

impl Eq for Map {}

impl Value {
    /// The evaluation steps an operation that walks this value at its top level
    /// is charged (see [`crate::limits::Limits::eval_steps`]): one per element,
    /// entry or field, one per 64 bytes of text.
    pub fn walk_cost(&self) -> usize {
        match self {
            Value::Str(s) => s.len() / 64,
            Value::List(xs) => xs.len(),
            Value::Map(m) => m.len(),
            Value::Record(fields) => fields.len(),
            Value::Bool(_)
            | Value::Int(_)
            | Value::Date(_)
            | Value::DateTime(_)
            | Value::Enum(_) => 0,
        }
    }

    /// A constant of the program (a literal, a param's default) as a value.
    pub fn from_const(c: &Const) -> Value {
        match c {
            Const::Bool(b) => Value::Bool(*b),
            Const::Int(i) => Value::Int(*i),
            Const::Str(s) => Value::Str(s.clone()),
            Const::Date(d) => Value::Date(*d),
            Const::DateTime(t) => Value::DateTime(*t),
            Const::Enum(_, i) => Value::Enum(*i),
        }
    }

    /// The value as `message` interpolation shows it (language.md §5): strings raw,
    /// ints in decimal, dates `YYYY-MM-DD`, enum values as their string, lists as
    /// `[a, b]`. Records and maps (which the checker keeps out of messages) show
    /// as `{field: value, …}`.
    pub fn display(&self, ty: &Type, schema: &Schema) -> String {
        let mut out = String::new();
        self.write_display(ty, schema, &mut out);
        out
    }

    fn write_display(&self, ty: &Type, schema: &Schema, out: &mut String) {
        match (self, ty) {
            (Value::Bool(b), _) => {
                let _ = write!(out, "{b}");
            }
            (Value::Int(i), _) => {
                let _ = write!(out, "{i}");
            }
            (Value::Str(s), _) => out.push_str(s),
            (Value::Date(d), _) => {
                let _ = write!(out, "{d}");
            }
            (Value::DateTime(t), _) => {
                let _ = write!(out, "{t}");
            }
            (Value::Enum(i), Type::Enum(id)) => out.push_str(enum_member(schema, *id, *i)),
            (Value::Enum(i), _) => {
                let _ = write!(out, "#{i}");
            }
            (Value::List(xs), _) => {
                let elem = element_type(ty);
                out.push('[');
                for (n, x) in xs.iter().enumerate() {
                    if n > 0 {
                        out.push_str(", ");
                    }
                    x.write_display(elem, schema, out);
                }
                out.push(']');
            }
            (Value::Map(m), _) => {
                let elem = element_type(ty);
                out.push('{');
                for (n, (k, v)) in m.entries().iter().enumerate() {
                    if n > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(k);
                    out.push_str(": ");
                    v.write_display(elem, schema, out);
                }
                out.push('}');
            }
            (Value::Record(fields), Type::Record(id)) => {
                out.push('{');
                let defs = schema
                    .record(*id)
                    .map(|r| r.fields.as_slice())
                    .unwrap_or(&[]);
                let mut first = true;
                for (def, field) in defs.iter().zip(fields.iter()) {
                    if let Some(v) = field {
                        if !first {
                            out.push_str(", ");
                        }
                        first = false;
                        out.push_str(&def.name);
                        out.push_str(": ");
                        v.write_display(&def.ty, schema, out);
                    }
                }
                out.push('}');
            }
            (Value::Record(_), _) => out.push_str("{…}"),
        }
    }

    /// The value as JSON, for the `values` of the JSON report: the form it has in
    /// a data file.
    pub fn to_json(&self, ty: &Type, schema: &Schema) -> serde_json::Value {
        use serde_json::Value as J;
        match (self, ty) {
            (Value::Bool(b), _) => J::Bool(*b),
            (Value::Int(i), _) => J::from(*i),
            (Value::Str(s), _) => J::String(s.to_string()),
            (Value::Date(d), _) => J::String(d.to_string()),
            (Value::DateTime(t), _) => J::String(t.to_string()),
            (Value::Enum(i), Type::Enum(id)) => J::String(enum_member(schema, *id, *i).to_string()),
            (Value::Enum(i), _) => J::from(*i),
            (Value::List(xs), _) => {
                let elem = element_type(ty);
                J::Array(xs.iter().map(|x| x.to_json(elem, schema)).collect())
            }
            (Value::Map(m), _) => {
                let elem = element_type(ty);
                J::Object(
                    m.entries()
                        .iter()
                        .map(|(k, v)| (k.to_string(), v.to_json(elem, schema)))
                        .collect(),
                )
            }
            (Value::Record(fields), Type::Record(id)) => {
                let defs = schema
                    .record(*id)
                    .map(|r| r.fields.as_slice())
                    .unwrap_or(&[]);
                J::Object(
                    defs.iter()
                        .zip(fields.iter())
                        .filter_map(|(def, v)| {
                            v.as_ref()
                                .map(|v| (def.name.clone(), v.to_json(&def.ty, schema)))
                        })
                        .collect(),
                )
            }
            (Value::Record(_), _) => J::Null,
        }
    }
}

/// The element type of a list or map type (`Unknown` for anything else).
pub fn element_type(ty: &Type) -> &Type {
    match ty {
        Type::List(t) | Type::Map(t) => t,
        _ => &Type::Unknown,
    }
}

fn enum_member(schema: &Schema, id: crate::model::types::EnumId, i: u32) -> &str {
    schema
        .enum_def(id)
        .and_then(|e| e.members.get(i as usize))
        .map_or("?", |m| m.value.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> Value {
        Value::Str(Arc::from(x))
    }

    #[test]
    fn values_stay_small() {
        // Every `Value` on the evaluator's stack costs this much; deep
        // expressions are evaluated recursively.
        assert_eq!(std::mem::size_of::<Value>(), 24);
    }

    #[test]
    fn maps_look_up_linear_and_hashed() {
        for n in [3usize, 50] {
            let entries = (0..n)
                .map(|i| (Arc::from(format!("k{i}")), Value::Int(i as i64)))
                .collect();
            let m = Map::new(entries);
            assert_eq!(m.get("k2"), Some(&Value::Int(2)));
            assert_eq!(m.get("nope"), None);
        }
    }

    #[test]
    fn map_equality_ignores_order() {
        let a = Map::new(vec![(Arc::from("a"), s("1")), (Arc::from("b"), s("2"))]);
        let b = Map::new(vec![(Arc::from("b"), s("2")), (Arc::from("a"), s("1"))]);
        let c = Map::new(vec![(Arc::from("b"), s("2")), (Arc::from("a"), s("x"))]);
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn lists_display_with_brackets() {
        let schema = Schema::default();
        let v = Value::List(Arc::from(vec![Value::Int(1), Value::Int(2)]));
        assert_eq!(
            v.display(&Type::List(Box::new(Type::Int)), &schema),
            "[1, 2]"
        );
        assert_eq!(s("x").display(&Type::String, &schema), "x");
    }
}

//! The types of the language, as the checker and the evaluator see them.

use std::fmt;

use super::program::Schema;

/// Index of an enum in [`Schema::enums`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EnumId(pub u32);

/// Index of a record in [`Schema::records`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RecordId(pub u32);

/// A value type. Optionality is not a type of its own: it belongs to record
/// fields ([`super::program::FieldDef::optional`]), because only fields can be
/// absent and the checker tracks presence per field path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Type {
    /// `bool`
    Bool,
    /// `int`, 64-bit signed.
    Int,
    /// `string`
    String,
    /// `date`, a calendar date.
    Date,
    /// A declared enum.
    Enum(EnumId),
    /// A declared record.
    Record(RecordId),
    /// `[T]`
    List(Box<Type>),
    /// `[string: T]`
    Map(Box<Type>),
    /// The type of an expression that already has an error, and the element type
    /// of an empty list literal: compatible with every type, so that one mistake
    /// gives one diagnostic.
    Unknown,
}

impl Type {
    /// Whether a value of type `other` can stand where `self` is expected and
    /// the two can be compared: equal, up to [`Type::Unknown`].
    pub fn compatible(&self, other: &Type) -> bool {
        match (self, other) {
            (Type::Unknown, _) | (_, Type::Unknown) => true,
            (Type::List(a), Type::List(b)) | (Type::Map(a), Type::Map(b)) => a.compatible(b),
            (a, b) => a == b,
        }
    }

    /// Whether this type contains no [`Type::Unknown`].
    pub fn is_known(&self) -> bool {
        match self {
            Type::Unknown => false,
            Type::List(t) | Type::Map(t) => t.is_known(),
            _ => true,
        }
    }

    /// The more informative of two compatible types (for list literal elements).
    pub fn merge(self, other: Type) -> Type {
        match (self, other) {
            (Type::Unknown, t) | (t, Type::Unknown) => t,
            (Type::List(a), Type::List(b)) => Type::List(Box::new(a.merge(*b))),
            (Type::Map(a), Type::Map(b)) => Type::Map(Box::new(a.merge(*b))),
            (a, _) => a,
        }
    }

    /// A displayable form that uses declared names (`Subscription`, `[Region]`).
    pub fn display<'a>(&'a self, schema: &'a Schema) -> TypeDisplay<'a> {
        TypeDisplay { ty: self, schema }
    }
}

/// See [`Type::display`].
pub struct TypeDisplay<'a> {
    ty: &'a Type,
    schema: &'a Schema,
}

impl fmt::Display for TypeDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.ty {
            Type::Bool => f.write_str("bool"),
            Type::Int => f.write_str("int"),
            Type::String => f.write_str("string"),
            Type::Date => f.write_str("date"),
            Type::Enum(id) => {
                f.write_str(self.schema.enum_def(*id).map_or("?", |e| e.name.as_str()))
            }
            Type::Record(id) => {
                f.write_str(self.schema.record(*id).map_or("?", |r| r.name.as_str()))
            }
            Type::List(t) => write!(f, "[{}]", t.display(self.schema)),
            Type::Map(t) => write!(f, "[string: {}]", t.display(self.schema)),
            Type::Unknown => f.write_str("_"),
        }
    }
}

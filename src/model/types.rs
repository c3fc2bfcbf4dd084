//! The types of the language and the declared records and enums they name
//! (the [`Schema`]), as the checker, the data loader and the evaluator see them.

use std::collections::HashMap;
use std::fmt;

use crate::source::Span;

/// Index of an enum in [`Schema::enums`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EnumId(pub u32);

/// Index of a record in [`Schema::records`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RecordId(pub u32);

/// A value type. Optionality is not a type of its own: it belongs to record
/// fields ([`FieldDef::optional`]), because only fields can be
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
    /// `datetime`, an instant (RFC 3339 with a zone in the data).
    DateTime,
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
    /// Whether values of this type are shown as labels and values of a
    /// finding: one word or number, not a whole list or record.
    pub fn is_scalar(&self) -> bool {
        matches!(
            self,
            Type::Bool | Type::Int | Type::String | Type::Date | Type::DateTime | Type::Enum(_)
        )
    }

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
            Type::DateTime => f.write_str("datetime"),
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

/// Declared records and enums, addressed by [`RecordId`] and [`EnumId`].
#[derive(Debug, Clone, Default)]
pub struct Schema {
    /// Enums in declaration order.
    pub enums: Vec<EnumDef>,
    /// Records in declaration order.
    pub records: Vec<RecordDef>,
}

impl Schema {
    /// The enum with this id.
    pub fn enum_def(&self, id: EnumId) -> Option<&EnumDef> {
        self.enums.get(id.0 as usize)
    }

    /// The record with this id.
    pub fn record(&self, id: RecordId) -> Option<&RecordDef> {
        self.records.get(id.0 as usize)
    }
}

/// An enum declaration.
#[derive(Debug, Clone)]
pub struct EnumDef {
    /// Its name.
    pub name: String,
    /// Its doc comment.
    pub doc: Option<String>,
    /// Members in declaration order; a value of the enum is an index here.
    pub members: Vec<MemberDef>,
    /// Where the name is written.
    pub name_span: Span,
    /// Member value → index, for lookups in constant time (checking enum
    /// literals here, conforming data values later).
    pub(crate) index: HashMap<String, u32, foldhash::fast::RandomState>,
}

impl EnumDef {
    /// The index of the member with this value.
    pub fn member(&self, value: &str) -> Option<u32> {
        self.index.get(value).copied()
    }
}

/// An enum member.
#[derive(Debug, Clone)]
pub struct MemberDef {
    /// The string value.
    pub value: String,
    /// Its doc comment.
    pub doc: Option<String>,
    /// Where it is written.
    pub span: Span,
}

/// A record declaration.
#[derive(Debug, Clone)]
pub struct RecordDef {
    /// Its name.
    pub name: String,
    /// Its doc comment.
    pub doc: Option<String>,
    /// Fields in declaration order; a field access is an index here.
    pub fields: Vec<FieldDef>,
    /// Where the name is written.
    pub name_span: Span,
    /// Declared with a trailing `..`: keys of the data that are not fields are
    /// allowed and ignored (language v2 §1).
    pub open: bool,
    /// Field name → position, for lookups in constant time.
    pub(crate) index: HashMap<String, u32, foldhash::fast::RandomState>,
}

impl RecordDef {
    /// The position and definition of the field with this name.
    pub fn field(&self, name: &str) -> Option<(u32, &FieldDef)> {
        let i = *self.index.get(name)?;
        self.fields.get(i as usize).map(|f| (i, f))
    }
}

/// A record field.
#[derive(Debug, Clone)]
pub struct FieldDef {
    /// Its name.
    pub name: String,
    /// Its doc comment.
    pub doc: Option<String>,
    /// Its type (without the `?`).
    pub ty: Type,
    /// Whether it was declared `T?`: may be absent or null in the data.
    pub optional: bool,
    /// Where the field is declared.
    pub span: Span,
}

//! What the checker learns about names, kept for editors: every declaration
//! (a [`Symbol`]), every use of one (a [`Reference`]), the type of each value
//! a `.` is applied to, and the string literals read as enum members.
//!
//! The checker fills it (`check/index.rs`) only when asked, and keeps it for
//! packs with errors too: an editor needs hover and completion most while
//! the pack is broken. `preflight lsp` answers from it.

use std::collections::HashMap;

use super::types::{EnumId, Schema, Type};
use crate::source::Span;

/// What a [`Symbol`] declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SymbolKind {
    /// `record R { … }`
    Record,
    /// A field of a record.
    Field,
    /// `enum E { … }`
    Enum,
    /// A member of an enum (its string).
    Member,
    /// `input t: T`
    Input,
    /// `data d: T`
    Data,
    /// `param p: T = …`
    Param,
    /// `fn f(…): T = …`
    Function,
    /// A parameter of a pack function.
    Parameter,
    /// A `for`, `let` or generator variable.
    Local,
    /// `rule id { … }`
    Rule,
}

/// One declaration of the pack.
#[derive(Debug, Clone)]
pub struct Symbol {
    /// The name as written (an enum member's string without quotes).
    pub name: String,
    /// What it declares.
    pub kind: SymbolKind,
    /// The type of the value it names (fields, globals, parameters, locals),
    /// or the result type of a function; `None` for types and rules.
    pub ty: Option<Type>,
    /// Whether a field was declared `T?`.
    pub optional: bool,
    /// The function's signature, as a reader would write it.
    pub signature: Option<String>,
    /// Its doc comment.
    pub doc: Option<String>,
    /// Where its name is written: what definition jumps to.
    pub name_span: Span,
    /// The whole declaration: what an outline selects.
    pub span: Span,
    /// The record of a field, the enum of a member, the function of a
    /// parameter, the rule or function a local belongs to.
    pub parent: Option<usize>,
    /// For a local or parameter: the text in which it is in scope.
    pub visible: Option<Span>,
}

impl Symbol {
    /// Its type as written in a declaration, `?` included (`int?`), or
    /// `None` for what has no type (a record, a rule).
    pub fn type_text(&self, schema: &Schema) -> Option<String> {
        let ty = self.ty.as_ref()?;
        let optional = if self.optional { "?" } else { "" };
        Some(format!("{}{optional}", ty.display(schema)))
    }
}

/// What a use of a name refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A declaration of the pack: an index into [`Index::symbols`].
    Symbol(usize),
    /// A built-in function, by name.
    Builtin(&'static str),
}

/// One use of a name, where it is written.
#[derive(Debug, Clone)]
pub struct Reference {
    /// The name as written at the use.
    pub span: Span,
    /// What it refers to.
    pub target: Target,
}

/// `x.f` or `x has f`: the type of `x`, which is what completion after the dot
/// offers fields of.
#[derive(Debug, Clone)]
pub struct Receiver {
    /// The field name written after the dot (or after `has`).
    pub field: Span,
    /// The type of the value before it.
    pub ty: Type,
}

/// Names, uses and types of one checked pack (see the module doc).
#[derive(Debug, Clone, Default)]
pub struct Index {
    /// Declarations, in the order met.
    pub symbols: Vec<Symbol>,
    /// Uses of names, in the order checked.
    pub references: Vec<Reference>,
    /// Values a field is read from.
    pub receivers: Vec<Receiver>,
    /// String literals checked as members of an enum.
    pub enum_strings: Vec<(Span, EnumId)>,
    /// The pack's records and enums, for naming types.
    pub schema: Schema,
    /// Declaration name span → symbol.
    by_name_span: HashMap<Span, usize>,
    /// Type name → the first record or enum declared with it (the one the
    /// checker resolves the name to).
    types_by_name: HashMap<String, usize>,
}

impl Index {
    /// The symbol declared with its name at `span`.
    pub fn declared_at(&self, span: Span) -> Option<usize> {
        self.by_name_span.get(&span).copied()
    }

    /// The symbol at this index.
    pub fn symbol(&self, id: usize) -> Option<&Symbol> {
        self.symbols.get(id)
    }

    /// Adds a declaration; the first one with its name span is the one
    /// [`Index::declared_at`] finds.
    pub fn add(&mut self, symbol: Symbol) -> usize {
        let id = self.symbols.len();
        self.by_name_span.entry(symbol.name_span).or_insert(id);
        self.symbols.push(symbol);
        id
    }

    /// Records that `name` is a type declared by the symbol `id`, unless one
    /// was declared with that name before.
    pub fn name_type(&mut self, name: &str, id: usize) {
        self.types_by_name.entry(name.to_string()).or_insert(id);
    }

    /// The record or enum the type name `name` resolves to.
    pub fn type_named(&self, name: &str) -> Option<usize> {
        self.types_by_name.get(name).copied()
    }
}

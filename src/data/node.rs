//! The parsed form of a data file: values as written, each with its byte range.
//!
//! JSON and YAML parse into the same [`Node`] tree, so conformance and location
//! lookups are written once. A node keeps what the file said (an integer too big
//! for 64 bits, a float, a key written twice is already rejected) so that
//! conformance can say precisely what is wrong with it; the evaluator never sees
//! nodes, only the conformed [`crate::model::value::Value`]s built from them.

/// A value of a data file with where it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// What the file says.
    pub kind: NodeKind,
    /// Byte offset of the value's first character in the file.
    pub start: u32,
    /// Byte offset just past the value's last character.
    pub end: u32,
}

/// The kinds of data values, before any type is applied.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    /// `null` (JSON), `null`/`~`/empty (YAML).
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer that fits 64 bits.
    Int(i64),
    /// An integer written without fraction or exponent that does not fit 64 bits.
    BigInt,
    /// Any other number (with a fraction or an exponent, or YAML `.inf`/`.nan`).
    Float(f64),
    /// A string.
    Str(String),
    /// An array (YAML sequence).
    Array(Vec<Node>),
    /// An object (YAML mapping), members in file order, keys unique.
    Object(Vec<Entry>),
}

/// A member of an object.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The key (a YAML scalar key as written, e.g. `1` for `1: x`).
    pub key: String,
    /// Byte offset of the key's first character (its opening quote, if quoted).
    pub key_start: u32,
    /// Byte offset just past the key.
    pub key_end: u32,
    /// The value.
    pub value: Node,
}

/// A data file that cannot be parsed, with where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    /// One line, lower case, no trailing period, e.g. "expected `,` or `}`, found `]`".
    pub message: String,
    /// Byte range the message points at (may be empty, at the place of the problem).
    pub start: u32,
    /// See `start`.
    pub end: u32,
    /// Text for the label at `start..end`, if any.
    pub label: Option<String>,
    /// A second place, with its label (the first occurrence of a duplicate key).
    pub other: Option<(u32, u32, String)>,
    /// What to do about it.
    pub help: Option<String>,
    /// What kind of mistake it is, for callers that treat some differently.
    pub kind: LoadErrorKind,
}

/// What kind of mistake a [`LoadError`] is. The parsers set it where they find
/// the mistake (with the help that goes with it), so that no caller needs to
/// read a message's text to tell errors apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LoadErrorKind {
    /// Not a mistake in the text's syntax: an empty file, several documents
    /// where one is wanted, a failure of the YAML library. What
    /// [`LoadError::new`] gives.
    Other,
    /// Any other JSON or YAML syntax error: a token that is not JSON (a bad
    /// number, escape or word, a single-quoted string, a key without quotes),
    /// something else where a value, key or `:` was expected, or what the YAML
    /// parser reports without a kind of its own.
    Syntax,
    /// The JSON text ended where more was expected, inside an array, an object
    /// or before any value ("unexpected end of the file: expected …").
    UnexpectedEnd,
    /// The JSON text ended inside a string.
    UnterminatedString,
    /// Between the values of a JSON array or object, something else than a
    /// comma or the closing bracket (`[1 2]`): a comma may be missing.
    MissingComma,
    /// Between the values of a JSON array or object, the closing bracket of
    /// the other kind: `]` in an object, `}` in an array.
    WrongClosingBracket,
    /// A comma right before a JSON array's `]` or an object's `}`.
    TrailingComma,
    /// Text after the JSON value (a second value, say).
    TrailingCharacters,
    /// A comment in JSON.
    Comment,
    /// A key written twice in one JSON object or YAML mapping.
    DuplicateKey,
    /// YAML's "mapping values are not allowed": a `: ` where no mapping value
    /// can start (a line indented too far, an unquoted value holding `: `).
    YamlMappingValue,
    /// YAML's "did not find expected key" in a block mapping: the keys of a
    /// mapping are not indented alike.
    YamlKeyIndentation,
    /// A tab in the indentation of a YAML line.
    YamlTab,
    /// YAML that data may not use: a tag other than the core ones or one that
    /// does not fit its value, a merge key (`<<`), a key that is not a scalar.
    Unsupported,
    /// A YAML alias that names no anchor, or is used inside the value it names.
    Alias,
    /// Arrays and objects (sequences and mappings) nest deeper than the limit.
    TooDeep,
    /// Another limit met: YAML aliases expand to too many values, a streamed
    /// array's element is too long, too many YAML documents of a file are broken.
    Limit,
}

impl LoadError {
    /// An error at a byte range, with no label text, second place or help, of
    /// the kind [`LoadErrorKind::Other`].
    pub fn new(message: impl Into<String>, start: u32, end: u32) -> LoadError {
        LoadError {
            message: message.into(),
            start,
            end,
            label: None,
            other: None,
            help: None,
            kind: LoadErrorKind::Other,
        }
    }

    /// The same error, of `kind`.
    pub fn with_kind(mut self, kind: LoadErrorKind) -> LoadError {
        self.kind = kind;
        self
    }

    /// The same error, with `help`.
    pub fn with_help(mut self, help: impl Into<String>) -> LoadError {
        self.help = Some(help.into());
        self
    }
}

impl Node {
    /// A short name of what this node is, for messages: "a string", "an object".
    pub fn describe(&self) -> &'static str {
        match self.kind {
            NodeKind::Null => "null",
            NodeKind::Bool(_) => "a boolean",
            NodeKind::Int(_) | NodeKind::BigInt => "an integer",
            NodeKind::Float(_) => "a number with a fraction",
            NodeKind::Str(_) => "a string",
            NodeKind::Array(_) => "an array",
            NodeKind::Object(_) => "an object",
        }
    }
}

impl Node {
    /// The value as JSON, positions dropped: for tools that take JSON (validating
    /// a YAML plan against `preflight schema`, say). A number too large for 64
    /// bits or not finite becomes `null`.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.kind {
            NodeKind::Null | NodeKind::BigInt => J::Null,
            NodeKind::Bool(b) => J::Bool(*b),
            NodeKind::Int(i) => J::from(*i),
            NodeKind::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
            NodeKind::Str(s) => J::String(s.clone()),
            NodeKind::Array(items) => J::Array(items.iter().map(Node::to_json).collect()),
            NodeKind::Object(entries) => J::Object(
                entries
                    .iter()
                    .map(|e| (e.key.clone(), e.value.to_json()))
                    .collect(),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{LoadError, LoadErrorKind};

    #[test]
    fn new_errors_are_of_the_other_kind_until_told() {
        let e = LoadError::new("the file is empty", 0, 0);
        assert_eq!(e.kind, LoadErrorKind::Other);
        let e = e.with_kind(LoadErrorKind::Limit).with_help("split it");
        assert_eq!(e.kind, LoadErrorKind::Limit);
        assert_eq!(e.help.as_deref(), Some("split it"));
    }
}

/// Assertions shared by the JSON and YAML parser tests.
#[cfg(test)]
pub(crate) mod test_support {
    use super::{Entry, Node, NodeKind};

    /// The entries of an object node (panics on any other kind).
    pub(crate) fn object(n: &Node) -> &[Entry] {
        match &n.kind {
            NodeKind::Object(e) => e,
            k => panic!("not an object: {k:?}"),
        }
    }

    /// The elements of an array node (panics on any other kind).
    pub(crate) fn array(n: &Node) -> &[Node] {
        match &n.kind {
            NodeKind::Array(e) => e,
            k => panic!("not an array: {k:?}"),
        }
    }
}

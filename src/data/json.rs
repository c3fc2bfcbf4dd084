//! JSON and JSON Lines text → [`Node`] trees with byte offsets.
//!
//! A hand-written, strict RFC 8259 parser rather than `serde_json`, because the
//! checker must say *where* every value is written and serde gives no positions.
//! Owning the parser also lets it:
//!
//! - record the byte range of every value and every key (plus a `base`, so a
//!   JSONL line is parsed with its offset in the whole file);
//! - reject what JSON does not allow with a message in words and the offending
//!   token's range: trailing commas, comments, `NaN`, single quotes, raw control
//!   characters in strings, lone surrogates, text after the value;
//! - reject a key written twice in one object, pointing at both places;
//! - bound the nesting depth ([`Limits::input_depth`]) with an explicit stack, so no
//!   input can overflow the stack.
//!
//! It works on bytes and allocates once per string (no escapes: one `to_owned`
//! of the slice) and once per array or object. The tokens and the words of
//! every error are those of the lexer `json_lex`, which the streamed arrays of
//! [`super::array_stream`] share; this module reads the structure around them.

use std::collections::HashMap;

use super::json_lex::{self as lex, Expected, is_ws, to_u32};
use super::node::{Entry, LoadError, LoadErrorKind, Node, NodeKind};
use crate::limits::Limits;

/// Parses one JSON value that makes up all of `text`.
///
/// `base` is added to every offset of the result (values, keys and errors), so
/// that a piece of a larger file (a JSONL line) reports offsets in that file. A
/// leading byte order mark (U+FEFF) is skipped.
pub fn parse_json(text: &str, base: u32) -> Result<Node, LoadError> {
    parse_json_with(text, base, &Limits::default())
}

/// [`parse_json`] with the nesting limit of `limits`.
pub fn parse_json_with(text: &str, base: u32, limits: &Limits) -> Result<Node, LoadError> {
    parse_value_text(text, base, true, limits.input_depth)
}

/// Parses JSON Lines: one JSON value per line.
///
/// Lines holding only whitespace are skipped; lines may end in `\n` or `\r\n`; a
/// byte order mark at the start of the file is skipped. Each entry is the line's
/// number (from 1) and its value or why it cannot be read; offsets are in `text`.
pub fn parse_jsonl(text: &str) -> Vec<(u32, Result<Node, LoadError>)> {
    parse_jsonl_with(text, &Limits::default())
}

/// [`parse_jsonl`] with the nesting limit of `limits`.
pub fn parse_jsonl_with(text: &str, limits: &Limits) -> Vec<(u32, Result<Node, LoadError>)> {
    let mut out = Vec::new();
    let mut rest = text;
    let mut offset = 0usize;
    if let Some(stripped) = rest.strip_prefix('\u{feff}') {
        rest = stripped;
        offset = text.len() - rest.len();
    }
    let mut line_no = 0u32;
    while !rest.is_empty() {
        line_no = line_no.saturating_add(1);
        let (line, next) = match rest.find('\n') {
            Some(i) => (rest.get(..i).unwrap_or(""), rest.get(i + 1..).unwrap_or("")),
            None => (rest, ""),
        };
        let consumed = rest.len() - next.len();
        let line = line.strip_suffix('\r').unwrap_or(line);
        if !line.bytes().all(is_ws) {
            out.push((
                line_no,
                parse_value_text(line, to_u32(offset), false, limits.input_depth),
            ));
        }
        offset += consumed;
        rest = next;
    }
    out
}

/// The entry point shared by [`parse_json`] and [`parse_jsonl`] (which allows no
/// byte order mark on its lines).
fn parse_value_text(
    text: &str,
    base: u32,
    skip_bom: bool,
    max_depth: usize,
) -> Result<Node, LoadError> {
    let mut p = JsonParser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        base,
        max_depth,
    };
    if skip_bom && text.starts_with('\u{feff}') {
        p.pos = '\u{feff}'.len_utf8();
    }
    p.document()
}

/// The message, labels and help for a key written twice in one mapping; shared
/// with the YAML loader so both formats say it the same way.
pub(crate) fn duplicate_key_error(key: &str, first: (u32, u32), second: (u32, u32)) -> LoadError {
    LoadError {
        message: format!(
            "key `{}` is written twice in this object",
            lex::snippet(key)
        ),
        start: second.0,
        end: second.1,
        label: Some("written again here".to_owned()),
        other: Some((first.0, first.1, "first written here".to_owned())),
        help: Some("remove one of the two; a key may appear once in an object".to_owned()),
        kind: LoadErrorKind::DuplicateKey,
    }
}

/// Finds keys written twice in one object: a linear scan for small objects, a
/// hash map once an object grows (so big objects stay linear overall).
#[derive(Debug, Default)]
pub(crate) struct KeyIndex {
    map: Option<HashMap<String, usize>>,
}

impl KeyIndex {
    /// Objects up to this many entries are scanned linearly.
    const LINEAR: usize = 16;

    /// Checks that `key` is not among `entries`, and records it as the key of
    /// the entry that will be pushed next (at index `entries.len()`). Returns
    /// the index of the entry that already has this key.
    pub(crate) fn check_and_add(&mut self, entries: &[Entry], key: &str) -> Option<usize> {
        if self.map.is_none() {
            if entries.len() < Self::LINEAR {
                return entries.iter().position(|e| e.key == key);
            }
            let mut map = HashMap::with_capacity(entries.len() * 2);
            for (i, e) in entries.iter().enumerate() {
                map.entry(e.key.clone()).or_insert(i);
            }
            self.map = Some(map);
        }
        let map = self.map.as_mut()?;
        if let Some(&i) = map.get(key) {
            return Some(i);
        }
        map.insert(key.to_owned(), entries.len());
        None
    }
}

/// An array or object being filled.
enum Frame {
    Array {
        /// Byte position of `[`.
        open: usize,
        items: Vec<Node>,
    },
    Object {
        /// Byte position of `{`.
        open: usize,
        entries: Vec<Entry>,
        keys: KeyIndex,
        /// The key whose value is being parsed.
        key: Option<(String, u32, u32)>,
    },
}

impl Frame {
    fn open(&self) -> usize {
        match self {
            Frame::Array { open, .. } | Frame::Object { open, .. } => *open,
        }
    }

    fn is_array(&self) -> bool {
        matches!(self, Frame::Array { .. })
    }
}

struct JsonParser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    base: u32,
    /// How deep arrays and objects may nest.
    max_depth: usize,
}

impl JsonParser<'_> {
    /// The file offset of byte position `pos` of the text.
    fn off(&self, pos: usize) -> u32 {
        to_u32(pos).saturating_add(self.base)
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    #[inline]
    fn skip_ws(&mut self) {
        self.pos = lex::skip_ws(self.bytes, self.pos);
    }

    /// The bytes from the current position on.
    fn rest(&self) -> &[u8] {
        self.bytes.get(self.pos..).unwrap_or(&[])
    }

    /// The whole value: an explicit stack of open arrays and objects, so depth
    /// costs heap, not call stack.
    fn document(&mut self) -> Result<Node, LoadError> {
        let mut stack: Vec<Frame> = Vec::new();
        'value: loop {
            // A value starts here.
            self.skip_ws();
            let mut done = match self.peek() {
                None => return Err(self.eof_error(stack.last(), Expected::Value)),
                Some(open_byte @ (b'[' | b'{')) => {
                    let open = self.pos;
                    if stack.len() >= self.max_depth {
                        let max = self.max_depth;
                        let e = LoadError::new(
                            format!("the data nests deeper than {max} levels"),
                            self.off(open),
                            self.off(open + 1),
                        )
                        .with_kind(LoadErrorKind::TooDeep)
                        .with_help(format!(
                            "arrays and objects may be nested at most {max} deep (`--max-input-depth`)"
                        ));
                        return Err(e);
                    }
                    self.pos += 1;
                    self.skip_ws();
                    if open_byte == b'[' {
                        if self.peek() == Some(b']') {
                            self.pos += 1;
                            Node {
                                kind: NodeKind::Array(Vec::new()),
                                start: self.off(open),
                                end: self.off(self.pos),
                            }
                        } else {
                            stack.push(Frame::Array {
                                open,
                                items: Vec::new(),
                            });
                            continue 'value;
                        }
                    } else if self.peek() == Some(b'}') {
                        self.pos += 1;
                        Node {
                            kind: NodeKind::Object(Vec::new()),
                            start: self.off(open),
                            end: self.off(self.pos),
                        }
                    } else {
                        let key = self.key(open, true)?;
                        stack.push(Frame::Object {
                            open,
                            entries: Vec::new(),
                            keys: KeyIndex::default(),
                            key: Some(key),
                        });
                        continue 'value;
                    }
                }
                Some(_) => self.scalar()?,
            };

            // A value is complete: put it into its container, then read what
            // follows it, closing containers as long as they end.
            loop {
                let Some(top) = stack.last_mut() else {
                    self.skip_ws();
                    return match self.peek() {
                        None => Ok(done),
                        Some(_) => Err(lex::trailing(self.rest(), self.off(self.pos))),
                    };
                };
                match top {
                    Frame::Array { items, .. } => items.push(done),
                    Frame::Object { entries, key, .. } => {
                        if let Some((key, key_start, key_end)) = key.take() {
                            entries.push(Entry {
                                key,
                                key_start,
                                key_end,
                                value: done,
                            });
                        }
                    }
                }
                self.skip_ws();
                let is_array = top.is_array();
                let open = top.open();
                match self.peek() {
                    Some(b',') => {
                        let comma = self.pos;
                        self.pos += 1;
                        self.skip_ws();
                        let close = if is_array { b']' } else { b'}' };
                        if self.peek() == Some(close) {
                            return Err(lex::trailing_comma(is_array, self.off(comma)));
                        }
                        if let Frame::Object {
                            entries, keys, key, ..
                        } = top
                        {
                            let (name, key_start, key_end) = self.key(open, false)?;
                            if let Some(i) = keys.check_and_add(entries, &name) {
                                let (first_start, first_end) = entries
                                    .get(i)
                                    .map_or((key_start, key_end), |e| (e.key_start, e.key_end));
                                return Err(duplicate_key_error(
                                    &name,
                                    (first_start, first_end),
                                    (key_start, key_end),
                                ));
                            }
                            *key = Some((name, key_start, key_end));
                        }
                        continue 'value;
                    }
                    Some(b']') if is_array => {
                        self.pos += 1;
                        let items = match stack.pop() {
                            Some(Frame::Array { items, .. }) => items,
                            _ => Vec::new(),
                        };
                        done = Node {
                            kind: NodeKind::Array(items),
                            start: self.off(open),
                            end: self.off(self.pos),
                        };
                    }
                    Some(b'}') if !is_array => {
                        self.pos += 1;
                        let entries = match stack.pop() {
                            Some(Frame::Object { entries, .. }) => entries,
                            _ => Vec::new(),
                        };
                        done = Node {
                            kind: NodeKind::Object(entries),
                            start: self.off(open),
                            end: self.off(self.pos),
                        };
                    }
                    None => {
                        return Err(self.eof_error(stack.last(), after(is_array)));
                    }
                    Some(_) => return Err(self.unexpected(after(is_array))),
                }
            }
        }
    }

    /// An object key and the `:` after it. `first`: right after `{` (where `}`
    /// was possible too).
    fn key(&mut self, open: usize, first: bool) -> Result<(String, u32, u32), LoadError> {
        self.skip_ws();
        let expected = if first {
            Expected::FirstKey
        } else {
            Expected::Key
        };
        match self.peek() {
            Some(b'"') => {}
            None => return Err(self.eof_error_in(open, false, expected)),
            Some(b'\'') => return Err(lex::single_quoted(self.text, self.pos, self.base)),
            Some(b) if lex::is_word(b) => {
                let end = lex::word_end(self.bytes, self.pos);
                let word = self.text.get(self.pos..end).unwrap_or("");
                let (start, end) = (self.off(self.pos), self.off(end));
                return Err(lex::unquoted_key(expected, word, start, end));
            }
            Some(_) => return Err(self.unexpected(expected)),
        }
        let start = self.pos;
        let name = self.string()?;
        let end = self.pos;
        self.skip_ws();
        match self.peek() {
            Some(b':') => self.pos += 1,
            None => return Err(self.eof_error_in(open, false, Expected::Colon)),
            Some(_) => return Err(self.unexpected(Expected::Colon)),
        }
        Ok((name, self.off(start), self.off(end)))
    }

    /// A string, number or literal at the current position (not whitespace, not
    /// the end, not `[` or `{`).
    fn scalar(&mut self) -> Result<Node, LoadError> {
        let start = self.pos;
        let (kind, end) = match self.peek() {
            Some(b'"') => {
                let (s, end) = lex::string(self.text, start, self.base)?;
                (NodeKind::Str(s), end)
            }
            Some(b'-' | b'0'..=b'9') => lex::number(self.text, start, self.base)?,
            Some(b'.' | b'+') => return Err(lex::bad_number(self.text, start, self.base)),
            Some(b'\'') => return Err(lex::single_quoted(self.text, start, self.base)),
            Some(b) if lex::is_word(b) => lex::literal(self.text, start, self.base)?,
            _ => return Err(self.unexpected(Expected::Value)),
        };
        self.pos = end;
        Ok(Node {
            kind,
            start: self.off(start),
            end: self.off(end),
        })
    }

    /// The string at the current `"`; the position ends after the closing `"`.
    fn string(&mut self) -> Result<String, LoadError> {
        let (s, end) = lex::string(self.text, self.pos, self.base)?;
        self.pos = end;
        Ok(s)
    }

    /// "expected …, found …" for the character at the current position.
    fn unexpected(&self, expected: Expected) -> LoadError {
        lex::unexpected(expected, self.rest(), self.off(self.pos))
    }

    /// The end of the file where `expected` was expected, inside `innermost`
    /// (the open array or object, if any).
    fn eof_error(&self, innermost: Option<&Frame>, expected: Expected) -> LoadError {
        match innermost {
            Some(f) => self.eof_error_in(f.open(), f.is_array(), expected),
            None => lex::unexpected_end(expected, self.off(self.bytes.len())),
        }
    }

    fn eof_error_in(&self, open: usize, is_array: bool, expected: Expected) -> LoadError {
        let mut e = lex::unexpected_end(expected, self.off(self.bytes.len()));
        e.other = Some((
            self.off(open),
            self.off(open + 1),
            lex::not_closed(is_array),
        ));
        e
    }
}

/// What may follow a value in an array (`in_array`) or object.
fn after(in_array: bool) -> Expected {
    if in_array {
        Expected::AfterElement
    } else {
        Expected::AfterMember
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::node::test_support::{array, object};

    fn ok(text: &str) -> Node {
        match parse_json(text, 0) {
            Ok(n) => n,
            Err(e) => panic!("{text:?}: {e:?}"),
        }
    }

    fn err(text: &str) -> LoadError {
        match parse_json(text, 0) {
            Ok(n) => panic!("{text:?} parsed: {n:?}"),
            Err(e) => e,
        }
    }

    /// Message and byte range of the error for `text`.
    fn err_at(text: &str) -> (String, u32, u32) {
        let e = err(text);
        (e.message, e.start, e.end)
    }

    #[test]
    fn the_depth_limit_can_be_changed() {
        let limits = |input_depth| Limits {
            input_depth,
            ..Limits::default()
        };
        let deep = format!("{}1{}", "[".repeat(200), "]".repeat(200));
        assert!(parse_json(&deep, 0).is_err());
        assert!(parse_json_with(&deep, 0, &limits(200)).is_ok());
        let e = parse_json_with("[[1]]", 0, &limits(1)).unwrap_err();
        assert_eq!(e.message, "the data nests deeper than 1 levels");
        assert!(parse_jsonl_with("[[1]]\n[1]\n", &limits(1))[0].1.is_err());
        assert!(parse_jsonl_with("[[1]]\n[1]\n", &limits(1))[1].1.is_ok());
    }

    #[test]
    fn scalars() {
        assert_eq!(ok("null").kind, NodeKind::Null);
        assert_eq!(ok("true").kind, NodeKind::Bool(true));
        assert_eq!(ok(" false ").kind, NodeKind::Bool(false));
        assert_eq!(ok("0").kind, NodeKind::Int(0));
        assert_eq!(ok("-0").kind, NodeKind::Int(0));
        assert_eq!(ok("-12").kind, NodeKind::Int(-12));
        assert_eq!(ok("1.5").kind, NodeKind::Float(1.5));
        assert_eq!(ok("-1.5e2").kind, NodeKind::Float(-150.0));
        assert_eq!(ok("1E+2").kind, NodeKind::Float(100.0));
        assert_eq!(ok("1e-2").kind, NodeKind::Float(0.01));
        assert_eq!(ok("1e400").kind, NodeKind::Float(f64::INFINITY));
        assert_eq!(ok("\"hi\"").kind, NodeKind::Str("hi".into()));
        assert_eq!(ok("\"\"").kind, NodeKind::Str(String::new()));
        assert_eq!(ok("\"é ✓\"").kind, NodeKind::Str("é ✓".into()));
    }

    #[test]
    fn big_ints() {
        assert_eq!(ok("9223372036854775807").kind, NodeKind::Int(i64::MAX));
        assert_eq!(ok("-9223372036854775808").kind, NodeKind::Int(i64::MIN));
        assert_eq!(ok("9223372036854775808").kind, NodeKind::BigInt);
        assert_eq!(ok("-9223372036854775809").kind, NodeKind::BigInt);
        assert_eq!(ok("123456789012345678901234567890").kind, NodeKind::BigInt);
        assert_eq!(
            ok("123456789012345678901234567890.0").kind,
            NodeKind::Float(1.2345678901234568e29)
        );
    }

    #[test]
    fn escapes() {
        assert_eq!(
            ok(r#""a\"b\\c\/d\b\f\n\r\t""#).kind,
            NodeKind::Str("a\"b\\c/d\u{8}\u{c}\n\r\t".into())
        );
        assert_eq!(
            ok(r#""\u0041\u00e9\u2713x""#).kind,
            NodeKind::Str("Aé✓x".into())
        );
        assert_eq!(ok(r#""\uD83D\uDE00""#).kind, NodeKind::Str("😀".into()));
        assert_eq!(ok(r#""\u0000""#).kind, NodeKind::Str("\0".into()));
    }

    #[test]
    fn offsets_of_nested_values() {
        let text = r#"{"a": [1, {"b": "x"}], "c": null}"#;
        let n = ok(text);
        assert_eq!((n.start, n.end), (0, text.len() as u32));
        let entries = object(&n);
        assert_eq!(entries.len(), 2);
        let a = &entries[0];
        assert_eq!(a.key, "a");
        assert_eq!((a.key_start, a.key_end), (1, 4));
        assert_eq!((a.value.start, a.value.end), (6, 21));
        let items = array(&a.value);
        assert_eq!((items[0].start, items[0].end), (7, 8));
        assert_eq!((items[1].start, items[1].end), (10, 20));
        let b = &object(&items[1])[0];
        assert_eq!(&text[b.key_start as usize..b.key_end as usize], "\"b\"");
        assert_eq!(&text[b.value.start as usize..b.value.end as usize], "\"x\"");
        let c = &entries[1];
        assert_eq!(&text[c.key_start as usize..c.key_end as usize], "\"c\"");
        assert_eq!(&text[c.value.start as usize..c.value.end as usize], "null");
    }

    #[test]
    fn base_offset_is_added() {
        let n = parse_json("[1]", 100).unwrap();
        assert_eq!((n.start, n.end), (100, 103));
        assert_eq!(array(&n)[0].start, 101);
        let e = parse_json("[1,]", 100).unwrap_err();
        assert_eq!((e.start, e.end), (102, 103));
    }

    #[test]
    fn empty_containers_and_whitespace() {
        let n = ok(" \t\r\n[ ] ");
        assert_eq!((n.start, n.end), (4, 7));
        assert_eq!(array(&n).len(), 0);
        let n = ok("{ }");
        assert_eq!(object(&n).len(), 0);
        let n = ok("[[], {}, [[]]]");
        assert_eq!(array(&n).len(), 3);
    }

    #[test]
    fn bom_is_skipped() {
        let n = ok("\u{feff}{\"a\": 1}");
        assert_eq!((n.start, n.end), (3, 11));
        assert_eq!(object(&n)[0].key_start, 4);
        // Only at the start.
        assert_eq!(
            err_at("[\u{feff}1]"),
            ("expected a value, found the character U+FEFF".into(), 1, 4)
        );
    }

    #[test]
    fn duplicate_keys_point_at_both() {
        let text = r#"{"x": 1, "y": 2, "x": 3}"#;
        let e = err(text);
        assert_eq!(e.message, "key `x` is written twice in this object");
        assert_eq!((e.start, e.end), (17, 20));
        assert_eq!(e.label.as_deref(), Some("written again here"));
        assert_eq!(e.other, Some((1, 4, "first written here".to_owned())));
        assert!(e.help.unwrap().contains("remove one"));
        // Keys compare after unescaping.
        let e = err(r#"{"a": 1, "\u0061": 2}"#);
        assert_eq!(e.message, "key `a` is written twice in this object");
        // Same key in different objects is fine.
        ok(r#"{"a": {"a": 1}, "b": {"a": 2}}"#);
    }

    #[test]
    fn duplicate_keys_in_big_objects() {
        let mut text = String::from("{");
        for i in 0..1000 {
            text.push_str(&format!("\"k{i}\": {i},"));
        }
        text.push_str("\"k500\": 0}");
        let e = err(&text);
        assert_eq!(e.message, "key `k500` is written twice in this object");
        let first = text.find("\"k500\"").unwrap() as u32;
        let second = text.rfind("\"k500\"").unwrap() as u32;
        assert_eq!((e.start, e.end), (second, second + 6));
        assert_eq!(e.other.map(|o| (o.0, o.1)), Some((first, first + 6)));
        // Without the duplicate, all keys are there.
        let text = text.replace(",\"k500\": 0}", "}");
        assert_eq!(object(&ok(&text)).len(), 1000);
    }

    #[test]
    fn depth_limit() {
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        ok(&deep(crate::limits::DEFAULT_INPUT_DEPTH));
        let e = err(&deep(crate::limits::DEFAULT_INPUT_DEPTH + 1));
        assert_eq!(e.message, "the data nests deeper than 128 levels");
        assert_eq!((e.start, e.end), (128, 129));
        let objects = |n: usize| format!("{}1{}", "{\"a\":".repeat(n), "}".repeat(n));
        ok(&objects(crate::limits::DEFAULT_INPUT_DEPTH));
        let e = err(&objects(crate::limits::DEFAULT_INPUT_DEPTH + 1));
        assert_eq!(e.message, "the data nests deeper than 128 levels");
        assert_eq!(e.start, 5 * 128);
        // Very deep input fails without overflowing the stack.
        let e = err(&"[".repeat(100_000));
        assert_eq!(e.message, "the data nests deeper than 128 levels");
        let e = err(&"{\"a\":".repeat(100_000));
        assert_eq!(e.message, "the data nests deeper than 128 levels");
    }

    #[test]
    fn value_errors() {
        assert_eq!(
            err_at(r#"{"a": }"#),
            ("expected a value, found `}`".into(), 6, 7)
        );
        assert_eq!(
            err_at("[1, @]"),
            ("expected a value, found `@`".into(), 4, 5)
        );
        assert_eq!(
            err_at("[1, é]"),
            ("expected a value, found `é`".into(), 4, 6)
        );
        let e = err("[yes]");
        assert_eq!(
            (e.message.as_str(), e.start, e.end),
            ("expected a value, found `yes`", 1, 4)
        );
        assert!(e.help.unwrap().contains("double quotes"));
        let e = err("True");
        assert_eq!(e.message, "expected a value, found `True`");
        assert!(e.help.unwrap().contains("lower case"));
        assert_eq!(err_at("[,1]"), ("expected a value, found `,`".into(), 1, 2));
    }

    #[test]
    fn separator_errors() {
        assert_eq!(
            err_at(r#"{"a": 1 x}"#),
            (
                "expected `,` or `}` after an object member, found `x`".into(),
                8,
                9
            )
        );
        assert_eq!(
            err_at(r#"{"a": 1]"#),
            (
                "expected `,` or `}` after an object member, found `]`".into(),
                7,
                8
            )
        );
        assert_eq!(
            err_at("[1 2]"),
            (
                "expected `,` or `]` after an array element, found `2`".into(),
                3,
                4
            )
        );
        assert_eq!(
            err_at(r#"{"a" 1}"#),
            ("expected `:` after the object key, found `1`".into(), 5, 6)
        );
        let e = err("{a: 1}");
        assert_eq!(
            (e.message.as_str(), e.start, e.end),
            ("expected a string key or `}`, found `a`", 1, 2)
        );
        assert!(e.help.unwrap().contains("\"a\""));
        assert_eq!(
            err_at(r#"{"a": 1, 2: 3}"#),
            ("expected a string key, found `2`".into(), 9, 10)
        );
    }

    #[test]
    fn end_of_file_errors() {
        assert_eq!(
            err_at(""),
            ("unexpected end of the file: expected a value".into(), 0, 0)
        );
        assert_eq!(
            err_at("  \n"),
            ("unexpected end of the file: expected a value".into(), 3, 3)
        );
        let e = err("[1, 2");
        assert_eq!(
            (e.message.as_str(), e.start, e.end),
            ("unexpected end of the file: expected `]`", 5, 5)
        );
        assert_eq!(e.other, Some((0, 1, "this array is not closed".to_owned())));
        assert_eq!(
            err_at("[1,"),
            ("unexpected end of the file: expected a value".into(), 3, 3)
        );
        let e = err(r#"{"a": [1], "b": {"#);
        assert_eq!(e.message, "unexpected end of the file: expected `}`");
        assert_eq!((e.start, e.end), (17, 17));
        assert_eq!(
            e.other,
            Some((16, 17, "this object is not closed".to_owned()))
        );
        assert_eq!(
            err_at(r#"{"a""#),
            ("unexpected end of the file: expected `:`".into(), 4, 4)
        );
        assert_eq!(
            err_at(r#"{"a":"#),
            ("unexpected end of the file: expected a value".into(), 5, 5)
        );
        assert_eq!(
            err_at(r#"{"a":1,"#),
            (
                "unexpected end of the file: expected a string key".into(),
                7,
                7
            )
        );
    }

    #[test]
    fn unterminated_string() {
        let e = err(r#"["abc"#);
        assert_eq!(
            (e.message.as_str(), e.start, e.end),
            ("unterminated string", 5, 5)
        );
        assert_eq!(e.other, Some((1, 2, "the string starts here".to_owned())));
        let e = err(r#""ab\"#);
        assert_eq!(e.message, "unterminated string");
    }

    #[test]
    fn control_characters_in_strings() {
        let e = err("\"a\nb\"");
        assert_eq!(
            (e.message.as_str(), e.start, e.end),
            ("raw control character U+000A inside a string", 2, 3)
        );
        let e = err("\"a\tb\"");
        assert_eq!(e.message, "raw control character U+0009 inside a string");
        assert!(e.help.unwrap().contains("\\u0009"));
        // DEL and other non-C0 characters are allowed.
        assert_eq!(ok("\"\u{7f}\"").kind, NodeKind::Str("\u{7f}".into()));
    }

    #[test]
    fn escape_errors() {
        assert_eq!(
            err_at(r#""a\x""#),
            ("`\\x` is not a valid escape in a JSON string".into(), 2, 4)
        );
        assert_eq!(
            err_at(r#""\u12G4""#),
            ("`\\u12` is not a valid unicode escape".into(), 1, 5)
        );
        assert_eq!(
            err_at(r#"["\uD800"]"#),
            (
                "`\\uD800` is half of a surrogate pair, without its other half".into(),
                2,
                8
            )
        );
        assert_eq!(
            err_at(r#""x\uDC00""#),
            (
                "`\\uDC00` is half of a surrogate pair, without its other half".into(),
                2,
                8
            )
        );
        assert_eq!(
            err_at(r#""\uD800\u0041""#),
            (
                "`\\uD800` is half of a surrogate pair, without its other half".into(),
                1,
                7
            )
        );
        assert_eq!(
            err_at(r#""\uD800\n""#).0,
            "`\\uD800` is half of a surrogate pair, without its other half"
        );
    }

    #[test]
    fn number_errors() {
        let e = err("[01]");
        assert_eq!(
            (e.message.as_str(), e.start, e.end),
            ("`01` is not a valid JSON number", 1, 3)
        );
        assert!(e.help.unwrap().contains("leading zeros"));
        let e = err("+1");
        assert_eq!(e.message, "`+1` is not a valid JSON number");
        assert!(e.help.unwrap().contains("`+`"));
        let e = err("[.5]");
        assert_eq!(
            (e.message.as_str(), e.start, e.end),
            ("`.5` is not a valid JSON number", 1, 3)
        );
        assert_eq!(err("1.").message, "`1.` is not a valid JSON number");
        assert_eq!(err("1.e3").message, "`1.e3` is not a valid JSON number");
        assert_eq!(err("1e").message, "`1e` is not a valid JSON number");
        assert_eq!(err("-").message, "`-` is not a valid JSON number");
        assert_eq!(err("0x1F").message, "`0x1F` is not a valid JSON number");
        assert_eq!(err("[1.5.3]").message, "`1.5.3` is not a valid JSON number");
        assert_eq!(err("12abc").message, "`12abc` is not a valid JSON number");
    }

    #[test]
    fn nan_and_infinity() {
        let e = err("[NaN]");
        assert_eq!(
            (e.message.as_str(), e.start, e.end),
            ("`NaN` is not JSON", 1, 4)
        );
        assert!(e.help.is_some());
        assert_eq!(
            err_at(r#"{"a": Infinity}"#),
            ("`Infinity` is not JSON".into(), 6, 14)
        );
        assert_eq!(
            err_at("[-Infinity]"),
            ("`-Infinity` is not JSON".into(), 1, 10)
        );
    }

    #[test]
    fn single_quotes() {
        let e = err("['abc']");
        assert_eq!(
            (e.message.as_str(), e.start, e.end),
            ("`'abc'` is not a JSON string", 1, 6)
        );
        assert_eq!(
            e.help.as_deref(),
            Some("JSON strings use double quotes: `\"...\"`")
        );
        let e = err("{'a': 1}");
        assert_eq!(
            (e.message.as_str(), e.start, e.end),
            ("`'a'` is not a JSON string", 1, 4)
        );
        // Not closed on its line: just the quote.
        assert_eq!((err("'abc\n'").start, err("'abc\n'").end), (0, 1));
    }

    #[test]
    fn trailing_commas() {
        let e = err("[1, 2,]");
        assert_eq!(
            (e.message.as_str(), e.start, e.end),
            ("trailing comma before `]`", 5, 6)
        );
        assert!(e.help.unwrap().starts_with("remove the comma"));
        let e = err("{\"a\": 1 ,\n}");
        assert_eq!(
            (e.message.as_str(), e.start, e.end),
            ("trailing comma before `}`", 8, 9)
        );
    }

    #[test]
    fn comments() {
        let e = err("{\"a\": 1 // note\n}");
        assert_eq!(
            (e.message.as_str(), e.start, e.end),
            ("comments are not allowed in JSON", 8, 15)
        );
        assert!(e.help.unwrap().contains("JSON has no comments"));
        let e = err("/* x */ 1");
        assert_eq!(
            (e.message.as_str(), e.start, e.end),
            ("comments are not allowed in JSON", 0, 7)
        );
        let e = err("[1] // end");
        assert_eq!(
            (e.message.as_str(), e.start, e.end),
            ("comments are not allowed in JSON", 4, 10)
        );
        let e = err("[1, /*/ 2]");
        assert_eq!((e.start, e.end), (4, 10));
    }

    #[test]
    fn trailing_characters() {
        let e = err("{} {}");
        assert_eq!(
            (e.message.as_str(), e.start, e.end),
            ("trailing characters after the JSON value", 3, 4)
        );
        assert!(e.help.unwrap().contains("`.jsonl`"));
        assert_eq!(err_at("1 2").1, 2);
        assert_eq!(err_at("nullx").0, "expected a value, found `nullx`");
    }

    #[test]
    fn jsonl_lines() {
        let text = "\u{feff}{\"a\": 1}\r\n\n   \r\n[1, 2,]\n\"x\"\n\t\n";
        let docs = parse_jsonl(text);
        assert_eq!(docs.len(), 3);
        let (line, first) = &docs[0];
        assert_eq!(*line, 1);
        let first = first.as_ref().unwrap();
        assert_eq!((first.start, first.end), (3, 11));
        let (line, second) = &docs[1];
        assert_eq!(*line, 4);
        let e = second.as_ref().unwrap_err();
        assert_eq!(e.message, "trailing comma before `]`");
        let comma = text.find(",]").unwrap() as u32;
        assert_eq!((e.start, e.end), (comma, comma + 1));
        let (line, third) = &docs[2];
        assert_eq!(*line, 5);
        let third = third.as_ref().unwrap();
        assert_eq!(third.kind, NodeKind::Str("x".into()));
        assert_eq!(&text[third.start as usize..third.end as usize], "\"x\"");
    }

    #[test]
    fn jsonl_edge_cases() {
        assert!(parse_jsonl("").is_empty());
        assert!(parse_jsonl("\n\n \r\n").is_empty());
        // No final line break; an end of file inside a line points at the line's end.
        let docs = parse_jsonl("1\n[2");
        assert_eq!(docs.len(), 2);
        let e = docs[1].1.as_ref().unwrap_err();
        assert_eq!((e.start, e.end), (4, 4));
        // Two values on one line.
        let docs = parse_jsonl("1 2\n");
        assert_eq!(
            docs[0].1.as_ref().unwrap_err().message,
            "trailing characters after the JSON value"
        );
        // A value spread over lines is an error on each line.
        let docs = parse_jsonl("[1,\n2]\n");
        assert_eq!(docs.len(), 2);
        assert!(docs.iter().all(|(_, d)| d.is_err()));
    }

    #[test]
    fn each_kind_arises() {
        use LoadErrorKind as K;
        let cases: &[(&str, LoadErrorKind)] = &[
            ("[1, 2", K::UnexpectedEnd),
            ("", K::UnexpectedEnd),
            (r#"{"a""#, K::UnexpectedEnd),
            (r#"["abc"#, K::UnterminatedString),
            ("[1 2]", K::MissingComma),
            (r#"{"a": 1 "b": 2}"#, K::MissingComma),
            (r#"{"a": 1]"#, K::WrongClosingBracket),
            ("[1}", K::WrongClosingBracket),
            ("[1,]", K::TrailingComma),
            ("{} {}", K::TrailingCharacters),
            ("[1, // x\n2]", K::Comment),
            (r#"{"a": 1, "a": 2}"#, K::DuplicateKey),
            (&"[".repeat(200), K::TooDeep),
            ("[01]", K::Syntax),
            ("{a: 1}", K::Syntax),
            (r#"{"a": }"#, K::Syntax),
            ("\"\\x\"", K::Syntax),
            ("tru", K::Syntax),
        ];
        for (text, kind) in cases {
            assert_eq!(err(text).kind, *kind, "{text:?}");
        }
    }

    #[test]
    fn the_parser_gives_the_help_for_commas_and_brackets() {
        let e = err("[1 2]");
        assert_eq!(
            e.help.as_deref(),
            Some("is a comma missing at the end of the previous value?")
        );
        let e = err(r#"{"a": [1, 2}"#);
        assert_eq!(e.kind, LoadErrorKind::WrongClosingBracket);
        assert_eq!(
            e.help.as_deref(),
            Some("a bracket is closed with the wrong kind: `[` pairs with `]`, `{` with `}`")
        );
        // A comment between values is a comment, not a missing comma.
        let e = err("[1 /* x */]");
        assert_eq!(e.kind, LoadErrorKind::Comment);
        assert!(e.help.unwrap().contains("no comments"));
        // Where a value is expected, no such help.
        assert_eq!(err("[1, }").help, None);
    }
}

//! YAML text → [`Node`] trees with byte offsets.
//!
//! `saphyr-parser` turns the text into events with character positions; this
//! module builds the same [`Node`] tree as the JSON parser from them, with an
//! explicit stack of open sequences and mappings (so depth costs heap, never call
//! stack, and is bounded by [`Limits::input_depth`]). It owns the decisions that make
//! YAML data as unambiguous as JSON data:
//!
//! - plain scalars are resolved with the YAML 1.2 core schema (`yes`, `on` and
//!   `2026-03-01` are strings); quoted and block scalars are always strings;
//! - only the core tags (`!!str`, `!!int`, `!!float`, `!!bool`, `!!null`, `!!map`,
//!   `!!seq`, and the non-specific `!`) are accepted;
//! - mapping keys are scalars, written once per mapping; merge keys (`<<`) are
//!   rejected, because a merged value would have no single place in the file;
//! - aliases are expanded into copies, with a budget on the values they produce
//!   across the stream, so an alias bomb fails fast instead of eating memory.

use std::cell::Cell;
use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Span, Tag};

use super::json::{KeyIndex, duplicate_key_error};
use super::json_lex::{snippet, to_u32};
use super::node::{Entry, LoadError, LoadErrorKind, Node, NodeKind};
use crate::limits::Limits;

/// Parses a YAML stream: one [`Node`] per document.
///
/// Returns every complete document up to the first error, and that error if
/// there is one. A stream with no document (empty, or only comments) gives no
/// nodes. Offsets are byte offsets in `text`.
pub fn parse_yaml(text: &str) -> (Vec<Node>, Option<LoadError>) {
    parse_yaml_with(text, &Limits::default())
}

/// [`parse_yaml`] with the nesting and alias limits of `limits`.
pub fn parse_yaml_with(text: &str, limits: &Limits) -> (Vec<Node>, Option<LoadError>) {
    let pairs = SurrogatePairs::find(text);
    let mut builder = Builder {
        max_depth: limits.input_depth,
        max_alias_values: limits.yaml_alias_values,
        text,
        offsets: Offsets::new(text),
        docs: Vec::new(),
        root: None,
        stack: Vec::new(),
        anchors: HashMap::new(),
        expanded: 0,
        pairs: &pairs.at,
    };
    let mut parser = Parser::new_from_str(pairs.text.as_deref().unwrap_or(text));
    while let Some(next) = parser.next_event() {
        let result = match next {
            Ok((event, span)) => builder.event(event, span),
            Err(e) => Err(builder.scan_error(&e)),
        };
        if let Err(e) = result {
            return (builder.docs, Some(e));
        }
    }
    (builder.docs, None)
}

/// JSON-style surrogate pairs (`\ud83d\ude00`) in YAML double-quoted
/// strings. YAML has `\U0001F600` for a character beyond the BMP, and saphyr
/// rejects each half of a pair as an invalid escape; but JSON writes such
/// characters as pairs, and YAML files are often JSON converted, so a pair is
/// read as the one character it stands for (a lone or reversed half stays an
/// error).
///
/// The parser is given a copy of the text in which each pair's halves are
/// written as private-use characters (`\ud83d` → `\ue03d`, `\ude00` →
/// `\ue600`: same length, so every offset stays right); a double-quoted
/// scalar that holds them has each placeholder pair joined into its
/// character, and any other scalar (where a backslash is just a backslash)
/// gets its text back. This is exact because it is done only for a text
/// that holds no such private-use character, written or escaped, of its own.
struct SurrogatePairs {
    /// The text for the parser, when some pair was rewritten.
    text: Option<String>,
    /// The byte offsets of the rewritten pairs (each 12 bytes), in order.
    at: Vec<usize>,
}

/// The private-use characters the halves of a pair are written as: high
/// halves (U+D800–U+DBFF) as U+E000–U+E3FF, low halves as U+E400–U+E7FF.
const PLACEHOLDERS: std::ops::RangeInclusive<char> = '\u{e000}'..='\u{e7ff}';

impl SurrogatePairs {
    fn find(text: &str) -> SurrogatePairs {
        let none = || SurrogatePairs {
            text: None,
            at: Vec::new(),
        };
        // The common case costs one search.
        if !text.contains("\\u") {
            return none();
        }
        let bytes = text.as_bytes();
        let hex = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_hexdigit);
        // `\uD8..`–`\uDB..` then `\uDC..`–`\uDF..`, the backslash not escaped.
        let half = |i: usize, low: bool| {
            bytes.get(i) == Some(&b'\\')
                && bytes.get(i + 1) == Some(&b'u')
                && matches!(bytes.get(i + 2), Some(b'd' | b'D'))
                && bytes.get(i + 3).is_some_and(|b| {
                    let b = b.to_ascii_lowercase();
                    if low {
                        (b'c'..=b'f').contains(&b)
                    } else {
                        matches!(b, b'8' | b'9' | b'a' | b'b')
                    }
                })
                && hex(i + 4)
                && hex(i + 5)
        };
        let mut at = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            match bytes.get(i) {
                Some(b'\\') if half(i, false) && half(i + 6, true) => {
                    at.push(i);
                    i += 12;
                }
                // An escaped backslash (or any other escape) is skipped whole.
                Some(b'\\') => i += 2,
                _ => i += 1,
            }
        }
        let lower = text.to_ascii_lowercase();
        let own_placeholders = text.chars().any(|c| PLACEHOLDERS.contains(&c))
            || [
                "\\ue0", "\\ue1", "\\ue2", "\\ue3", "\\ue4", "\\ue5", "\\ue6", "\\ue7", "\\u0000e",
            ]
            .iter()
            .any(|p| lower.contains(p));
        if at.is_empty() || own_placeholders {
            return none();
        }
        let mut out = text.to_string();
        for &p in &at {
            if let Some(pair) = text.get(p..p + 12) {
                out.replace_range(p..p + 12, &placeholder(pair));
            }
        }
        SurrogatePairs {
            text: Some(out),
            at,
        }
    }
}

/// The text a pair (`\ud83d\ude00`, 12 ASCII bytes) is given to the parser
/// as (`\ue03d\ue600`): `d8`–`db` become `e0`–`e3`, `dc`–`df` become
/// `e4`–`e7`.
fn placeholder(pair: &str) -> String {
    pair.char_indices()
        .map(|(i, c)| match i {
            2 | 8 => 'e',
            // The second hex digit of a half is 8–f: less 8, it is 0–7.
            3 | 9 => c
                .to_digit(16)
                .and_then(|d| d.checked_sub(8))
                .and_then(|d| char::from_digit(d, 16))
                .unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// A double-quoted scalar's value with each placeholder pair joined into the
/// character it stands for ([`SurrogatePairs`]).
fn join_pairs(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        let high = u32::from(c).wrapping_sub(0xE000);
        if high < 0x400
            && let Some(&next) = chars.peek()
            && let low = u32::from(next).wrapping_sub(0xE400)
            && low < 0x400
            && let Some(joined) = char::from_u32(0x10000 + (high << 10) + low)
        {
            out.push(joined);
            chars.next();
        } else {
            out.push(c);
        }
    }
    out
}

/// Character index → byte offset.
///
/// saphyr's markers count characters. Their `index` is used rather than
/// `line`/`col`: the column does not count a byte order mark at the start of
/// the file, and the end-of-stream marker is on a line past the last one. The
/// table holds the byte offset of every 64th character, so a lookup is a table
/// access plus at most 63 characters of walking, whatever the line lengths.
struct Offsets<'t> {
    text: &'t str,
    /// `None` for ASCII text, where character and byte offsets are equal.
    checkpoints: Option<Vec<usize>>,
    /// The last lookup (character index, byte offset): markers mostly move
    /// forward a little, so walking on from there is shorter.
    cursor: Cell<(usize, usize)>,
}

impl<'t> Offsets<'t> {
    const STRIDE: usize = 64;

    fn new(text: &'t str) -> Offsets<'t> {
        let checkpoints = (!text.is_ascii()).then(|| {
            text.char_indices()
                .step_by(Self::STRIDE)
                .map(|(b, _)| b)
                .collect()
        });
        Offsets {
            text,
            checkpoints,
            cursor: Cell::new((0, 0)),
        }
    }

    /// The byte offset of character `index` (the end of the text if past it).
    fn byte(&self, index: usize) -> u32 {
        let len = self.text.len();
        let Some(checkpoints) = &self.checkpoints else {
            return to_u32(index.min(len));
        };
        let Some(&checkpoint) = checkpoints.get(index / Self::STRIDE) else {
            return to_u32(len);
        };
        let (mut from_index, mut from) = (index - index % Self::STRIDE, checkpoint);
        let (last_index, last) = self.cursor.get();
        if (from_index..=index).contains(&last_index) {
            (from_index, from) = (last_index, last);
        }
        let rest = self.text.get(from..).unwrap_or("");
        let byte = rest
            .char_indices()
            .nth(index - from_index)
            .map_or(len, |(i, _)| from + i);
        self.cursor.set((index, byte));
        to_u32(byte)
    }
}

/// A value whose node is kept for the aliases that name it.
struct Anchored {
    node: Node,
    /// Values in `node`, keys included.
    size: usize,
    /// Collection levels in `node` (0 for a scalar).
    height: usize,
    /// The text of a scalar, for use as a mapping key.
    key: Option<String>,
}

/// A finished value on its way into its parent.
struct Item {
    node: Node,
    size: usize,
    height: usize,
    /// The scalar's text, if it is a scalar (a mapping key needs one).
    key: Option<String>,
    /// A plain, untagged `<<`.
    merge: bool,
    /// Where the value is written: the node's range, or the alias's.
    range: (u32, u32),
}

enum Kind {
    Seq(Vec<Node>),
    Map {
        entries: Vec<Entry>,
        keys: KeyIndex,
        /// The key whose value comes next.
        key: Option<(String, u32, u32)>,
    },
}

/// An open sequence or mapping.
struct Frame {
    kind: Kind,
    anchor: usize,
    start: u32,
    /// The end of the text written so far (for block collections, whose end
    /// event is at the start of the next token).
    last_end: u32,
    size: usize,
    height: usize,
}

struct Builder<'t> {
    text: &'t str,
    offsets: Offsets<'t>,
    docs: Vec<Node>,
    root: Option<Node>,
    stack: Vec<Frame>,
    /// Anchored values of the current document, by saphyr's anchor id.
    anchors: HashMap<usize, Anchored>,
    /// Values produced by alias expansion so far in the stream.
    expanded: usize,
    /// How deep sequences and mappings may nest.
    max_depth: usize,
    /// How many values aliases may produce in the stream.
    max_alias_values: usize,
    /// Where surrogate pairs were rewritten for the parser ([`SurrogatePairs`]).
    pairs: &'t [usize],
}

const CORE_PREFIX: &str = "tag:yaml.org,2002:";

/// The suffix of a core schema tag (`!!int` → `int`), also written verbatim
/// (`!<tag:yaml.org,2002:int>`).
fn core_suffix(tag: &Tag) -> Option<&str> {
    if tag.handle == CORE_PREFIX {
        Some(&tag.suffix)
    } else if tag.handle.is_empty() {
        tag.suffix.strip_prefix(CORE_PREFIX)
    } else {
        None
    }
}

/// The non-specific tag `!`: "a string, sequence or mapping, by its kind".
fn is_non_specific(tag: &Tag) -> bool {
    tag.handle.is_empty() && tag.suffix == "!"
}

/// A tag as it is usually written, for messages.
fn tag_name(tag: &Tag) -> String {
    if let Some(suffix) = core_suffix(tag) {
        format!("!!{suffix}")
    } else if tag.handle == "!" {
        format!("!{}", tag.suffix)
    } else if tag.handle.is_empty() {
        if tag.suffix == "!" {
            "!".to_owned()
        } else {
            format!("!<{}>", tag.suffix)
        }
    } else {
        format!("{}{}", tag.handle, tag.suffix)
    }
}

fn unsupported_tag(tag: &Tag, start: u32, end: u32) -> LoadError {
    let mut e = unsupported(
        format!("the tag `{}` is not supported", snippet(&tag_name(tag))),
        start,
        end,
    );
    e.help = Some(
        "write the value without the tag; the tags data may use are `!!str`, `!!int`, `!!float`, `!!bool`, `!!null`, `!!map` and `!!seq`"
            .to_owned(),
    );
    e
}

/// YAML that data may not use, at `start..end`.
fn unsupported(message: impl Into<String>, start: u32, end: u32) -> LoadError {
    LoadError::new(message, start, end).with_kind(LoadErrorKind::Unsupported)
}

fn depth_error(max: usize, start: u32, end: u32) -> LoadError {
    let mut e = LoadError::new(
        format!("the data nests deeper than {max} levels"),
        start,
        end,
    )
    .with_kind(LoadErrorKind::TooDeep);
    e.help = Some(format!(
        "sequences and mappings may be nested at most {max} deep (`--max-input-depth`)"
    ));
    e
}

fn is_null(s: &str) -> bool {
    matches!(s, "" | "~" | "null" | "Null" | "NULL")
}

fn as_bool(s: &str) -> Option<bool> {
    match s {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

/// The byte offset of the quote that closes the quoted scalar whose opening quote
/// is at or after `start` (after an anchor or tag): `\"` escapes in double quotes,
/// `''` in single quotes.
fn closing_quote(text: &str, start: usize, style: ScalarStyle) -> Option<usize> {
    let quote = if style == ScalarStyle::DoubleQuoted {
        b'"'
    } else {
        b'\''
    };
    let bytes = text.as_bytes();
    let open = start + bytes.get(start..)?.iter().position(|b| *b == quote)?;
    let mut i = open + 1;
    while let Some(&b) = bytes.get(i) {
        if quote == b'"' && b == b'\\' {
            i += 2;
            continue;
        }
        if b == quote {
            if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') {
                i += 2;
                continue;
            }
            return Some(i);
        }
        i += 1;
    }
    None
}

/// `[-+]?[0-9]+`, `0o[0-7]+`, `0x[0-9a-fA-F]+`: `Int`, or `BigInt` if it does
/// not fit 64 bits.
fn as_int(s: &str) -> Option<NodeKind> {
    let fits = |r: Result<i64, _>| Some(r.map_or(NodeKind::BigInt, NodeKind::Int));
    if let Some(octal) = s.strip_prefix("0o") {
        if !octal.is_empty() && octal.bytes().all(|b| matches!(b, b'0'..=b'7')) {
            return fits(i64::from_str_radix(octal, 8));
        }
        return None;
    }
    if let Some(hex) = s.strip_prefix("0x") {
        if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return fits(i64::from_str_radix(hex, 16));
        }
        return None;
    }
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        // `i64::from_str` takes the sign (`+` too) and leading zeros; the only
        // failure left is overflow.
        return fits(s.parse::<i64>());
    }
    None
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, `[-+]?.inf` and
/// `.nan` (in three spellings each).
fn as_float(s: &str) -> Option<f64> {
    let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") {
        return Some(if s.starts_with('-') {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        });
    }
    if matches!(s, ".nan" | ".NaN" | ".NAN") {
        return Some(f64::NAN);
    }
    let b = unsigned.as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize| {
        let from = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - from
    };
    if b.first() == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return None;
        }
    } else {
        if digits(&mut i) == 0 {
            return None;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return None;
        }
    }
    if i != b.len() {
        return None;
    }
    s.parse::<f64>().ok()
}

/// A plain scalar by the core schema: null, boolean, integer or float; `None`
/// for a string.
fn resolve_plain(s: &str) -> Option<NodeKind> {
    if is_null(s) {
        Some(NodeKind::Null)
    } else if let Some(b) = as_bool(s) {
        Some(NodeKind::Bool(b))
    } else if let Some(k) = as_int(s) {
        Some(k)
    } else {
        as_float(s).map(NodeKind::Float)
    }
}

/// A scalar's value, by its tag if it has one, else by its style; `None` for a
/// string (the caller moves the text in, saving a copy).
fn resolve_scalar(
    value: &str,
    style: ScalarStyle,
    tag: Option<&Tag>,
    start: u32,
    end: u32,
) -> Result<Option<NodeKind>, LoadError> {
    let Some(tag) = tag else {
        return Ok(match style {
            ScalarStyle::Plain => resolve_plain(value),
            _ => None,
        });
    };
    if is_non_specific(tag) {
        return Ok(None);
    }
    let Some(suffix) = core_suffix(tag) else {
        return Err(unsupported_tag(tag, start, end));
    };
    let kind = match suffix {
        "str" => return Ok(None),
        "null" => is_null(value).then_some(NodeKind::Null),
        "bool" => as_bool(value).map(NodeKind::Bool),
        "int" => as_int(value),
        "float" => as_float(value)
            .or_else(|| {
                // An integer too big for 64 bits is still a float.
                matches!(as_int(value), Some(NodeKind::BigInt))
                    .then(|| value.parse::<f64>().ok())
                    .flatten()
            })
            .map(NodeKind::Float),
        "map" | "seq" => {
            let what = if suffix == "map" {
                "a mapping"
            } else {
                "a sequence"
            };
            return Err(unsupported(
                format!("the tag `!!{suffix}` is for {what}, not for a scalar"),
                start,
                end,
            ));
        }
        _ => return Err(unsupported_tag(tag, start, end)),
    };
    kind.map(Some).ok_or_else(|| {
        let mut e = unsupported(
            format!(
                "`{}` is not a valid value for the tag `!!{suffix}`",
                snippet(value)
            ),
            start,
            end,
        );
        e.help = Some(match suffix {
            "null" => "`!!null` takes `null`, `~` or nothing".to_owned(),
            "bool" => "`!!bool` takes `true` or `false`".to_owned(),
            "int" => "`!!int` takes an integer such as `42`, `-7`, `0o17` or `0x1F`".to_owned(),
            _ => "`!!float` takes a number such as `1.5`, `2e3`, `.inf` or `.nan`".to_owned(),
        });
        e
    })
}

/// Checks the tag of a sequence (`seq`) or mapping (`map`).
fn check_collection_tag(
    tag: Option<&Tag>,
    seq: bool,
    start: u32,
    end: u32,
) -> Result<(), LoadError> {
    let Some(tag) = tag else { return Ok(()) };
    if is_non_specific(tag) {
        return Ok(());
    }
    let (own, what) = if seq {
        ("seq", "a sequence")
    } else {
        ("map", "a mapping")
    };
    match core_suffix(tag) {
        Some(s) if s == own => Ok(()),
        Some(s @ ("str" | "int" | "float" | "bool" | "null" | "seq" | "map")) => Err(unsupported(
            format!("the tag `!!{s}` does not fit {what}"),
            start,
            end,
        )),
        _ => Err(unsupported_tag(tag, start, end)),
    }
}

impl Builder<'_> {
    fn range(&self, span: Span) -> (u32, u32) {
        (
            self.offsets.byte(span.start.index()),
            self.offsets.byte(span.end.index()),
        )
    }

    /// Whether the next value is a mapping key.
    fn expects_key(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Frame {
                kind: Kind::Map { key: None, .. },
                ..
            })
        )
    }

    fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), LoadError> {
        match event {
            Event::Nothing | Event::StreamStart | Event::StreamEnd => Ok(()),
            Event::DocumentStart(_) => {
                self.stack.clear();
                self.root = None;
                // Anchors are local to a document (saphyr forgets them too).
                self.anchors.clear();
                Ok(())
            }
            Event::DocumentEnd => {
                if let Some(root) = self.root.take() {
                    self.docs.push(root);
                }
                Ok(())
            }
            Event::Scalar(value, style, anchor, tag) => {
                let (start, mut end) = self.range(span);
                if value.is_empty() && style == ScalarStyle::Plain && anchor == 0 && tag.is_none() {
                    // An empty value: saphyr's span may be the next token's.
                    end = start;
                } else if matches!(style, ScalarStyle::Literal | ScalarStyle::Folded) {
                    // A block scalar's span runs to the start of the next line.
                    let bytes = self.text.as_bytes();
                    while end > start
                        && matches!(
                            bytes.get(end as usize - 1),
                            Some(b'\n' | b'\r' | b' ' | b'\t')
                        )
                    {
                        end -= 1;
                    }
                } else if matches!(style, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted) {
                    // A quoted scalar's span may run on over a comment after it:
                    // end it at its closing quote.
                    if let Some(close) = closing_quote(self.text, start as usize, style) {
                        end = end.min(u32::try_from(close + 1).unwrap_or(end));
                    }
                }
                let value = self.restore_pairs(value, style, start, end);
                let resolved = resolve_scalar(&value, style, tag.as_deref(), start, end)?;
                let merge = style == ScalarStyle::Plain && tag.is_none() && value == "<<";
                let value = value.into_owned();
                let anchored_text = (anchor != 0).then(|| value.clone());
                let (kind, key) = match (resolved, self.expects_key()) {
                    (Some(kind), false) => (kind, None),
                    (Some(kind), true) => (kind, Some(value)),
                    (None, false) => (NodeKind::Str(value), None),
                    // A key keeps only its text; its node is used only by
                    // aliases of an anchored key.
                    (None, true) => (
                        NodeKind::Str(anchored_text.clone().unwrap_or_default()),
                        Some(value),
                    ),
                };
                // A scalar weighs one value per started 64 bytes of text, so that
                // aliases of one long string cannot expand to gigabytes either.
                let size = match &kind {
                    NodeKind::Str(text) => 1 + text.len() / 64,
                    _ => 1,
                };
                let node = Node { kind, start, end };
                if anchored_text.is_some() {
                    self.anchors.insert(
                        anchor,
                        Anchored {
                            node: node.clone(),
                            size,
                            height: 0,
                            key: anchored_text,
                        },
                    );
                }
                self.complete(Item {
                    node,
                    size,
                    height: 0,
                    key,
                    merge,
                    range: (start, end),
                })
            }
            Event::Alias(id) => self.alias(id, span),
            Event::SequenceStart(anchor, tag) => self.open(true, anchor, tag.as_deref(), span),
            Event::MappingStart(anchor, tag) => self.open(false, anchor, tag.as_deref(), span),
            Event::SequenceEnd | Event::MappingEnd => self.close(span),
        }
    }

    /// The value of a scalar written over `start..end` in which surrogate
    /// pairs were rewritten ([`SurrogatePairs`]): joined into characters in a
    /// double-quoted scalar, given their text back in any other.
    fn restore_pairs<'v>(
        &self,
        value: std::borrow::Cow<'v, str>,
        style: ScalarStyle,
        start: u32,
        end: u32,
    ) -> std::borrow::Cow<'v, str> {
        let first = self.pairs.partition_point(|&p| p < start as usize);
        let inside = self
            .pairs
            .get(first..)
            .unwrap_or(&[])
            .iter()
            .take_while(|&&p| p < end as usize);
        if style == ScalarStyle::DoubleQuoted {
            if inside.clone().next().is_none() {
                return value;
            }
            return std::borrow::Cow::Owned(join_pairs(&value));
        }
        let mut value = value;
        for &p in inside {
            if let Some(pair) = self.text.get(p..p + 12) {
                value = std::borrow::Cow::Owned(value.replace(&placeholder(pair), pair));
            }
        }
        value
    }

    /// An alias: a copy of the anchored value.
    ///
    /// The copy keeps the offsets of the anchored value's text, not the
    /// alias's: the values are written there, and a message about one of them
    /// is best shown where it is written (the alias itself, as a single token,
    /// has no place for the values inside it). A mapping key that is an alias
    /// takes the alias's place, since keys are reported where they are used.
    fn alias(&mut self, id: usize, span: Span) -> Result<(), LoadError> {
        let (start, end) = self.range(span);
        let name = self.text.get(start as usize..end as usize).unwrap_or("*");
        let Some(anchored) = self.anchors.get(&id) else {
            let inside = self.stack.iter().any(|f| f.anchor == id);
            let mut e = LoadError::new(
                if inside {
                    format!(
                        "the alias `{}` is used inside the value it names",
                        snippet(name)
                    )
                } else {
                    format!("the alias `{}` refers to no anchor", snippet(name))
                },
                start,
                end,
            )
            .with_kind(LoadErrorKind::Alias);
            e.help = Some(if inside {
                "a value cannot contain itself".to_owned()
            } else {
                "an alias `*name` repeats a value written before it with `&name`".to_owned()
            });
            return Err(e);
        };
        if self.stack.len() + anchored.height > self.max_depth {
            return Err(depth_error(self.max_depth, start, end));
        }
        self.expanded = self.expanded.saturating_add(anchored.size);
        if self.expanded > self.max_alias_values {
            let max = self.max_alias_values;
            let mut e = LoadError::new(
                format!(
                    "aliases expand to more than {max} values (or {} MB of text)",
                    max.saturating_mul(64) / 1_000_000
                ),
                start,
                end,
            )
            .with_kind(LoadErrorKind::Limit);
            e.help = Some(
                "write the data out, or use fewer aliases of large values (`--max-yaml-aliases` raises the limit)"
                    .to_owned(),
            );
            return Err(e);
        }
        let is_key = self.expects_key();
        let item = Item {
            node: anchored.node.clone(),
            size: anchored.size,
            height: anchored.height,
            key: if is_key { anchored.key.clone() } else { None },
            merge: false,
            range: (start, end),
        };
        self.complete(item)
    }

    fn open(
        &mut self,
        seq: bool,
        anchor: usize,
        tag: Option<&Tag>,
        span: Span,
    ) -> Result<(), LoadError> {
        let (start, end) = self.range(span);
        if self.expects_key() {
            let what = if seq { "a sequence" } else { "a mapping" };
            let mut e = unsupported(
                format!("a mapping key must be a scalar, not {what}"),
                start,
                end,
            );
            e.help = Some("write the key as a string".to_owned());
            return Err(e);
        }
        check_collection_tag(tag, seq, start, end)?;
        if self.stack.len() >= self.max_depth {
            return Err(depth_error(self.max_depth, start, end));
        }
        let kind = if seq {
            Kind::Seq(Vec::new())
        } else {
            Kind::Map {
                entries: Vec::new(),
                keys: KeyIndex::default(),
                key: None,
            }
        };
        self.stack.push(Frame {
            kind,
            anchor,
            start,
            last_end: end,
            size: 0,
            height: 0,
        });
        Ok(())
    }

    fn close(&mut self, span: Span) -> Result<(), LoadError> {
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        let (span_start, span_end) = self.range(span);
        // A flow collection ends at its `]` or `}`; a block one ends where its
        // last value does (its end event is empty, at the next token).
        let end = if span_end > span_start {
            span_end
        } else {
            frame.last_end.max(frame.start)
        };
        let kind = match frame.kind {
            Kind::Seq(items) => NodeKind::Array(items),
            Kind::Map { entries, .. } => NodeKind::Object(entries),
        };
        let node = Node {
            kind,
            start: frame.start,
            end,
        };
        let size = frame.size.saturating_add(1);
        let height = frame.height + 1;
        if frame.anchor != 0 {
            self.anchors.insert(
                frame.anchor,
                Anchored {
                    node: node.clone(),
                    size,
                    height,
                    key: None,
                },
            );
        }
        self.complete(Item {
            node,
            size,
            height,
            key: None,
            merge: false,
            range: (frame.start, end),
        })
    }

    /// Puts a finished value into the open collection (or makes it the
    /// document's value).
    fn complete(&mut self, item: Item) -> Result<(), LoadError> {
        let Some(top) = self.stack.last_mut() else {
            self.root = Some(item.node);
            return Ok(());
        };
        top.size = top.size.saturating_add(item.size);
        top.height = top.height.max(item.height);
        top.last_end = top.last_end.max(item.range.1);
        match &mut top.kind {
            Kind::Seq(items) => items.push(item.node),
            Kind::Map { entries, keys, key } => match key.take() {
                Some((name, key_start, key_end)) => entries.push(Entry {
                    key: name,
                    key_start,
                    key_end,
                    value: item.node,
                }),
                None => {
                    let (start, end) = item.range;
                    let Some(name) = item.key else {
                        let mut e = unsupported(
                            format!(
                                "a mapping key must be a scalar, not {}",
                                match item.node.kind {
                                    NodeKind::Array(_) => "a sequence",
                                    _ => "a mapping",
                                }
                            ),
                            start,
                            end,
                        );
                        e.help = Some("write the key as a string".to_owned());
                        return Err(e);
                    };
                    if item.merge {
                        let mut e =
                            unsupported("YAML merge keys (`<<`) are not supported", start, end);
                        e.help = Some("write the fields out in full".to_owned());
                        return Err(e);
                    }
                    if let Some(i) = keys.check_and_add(entries, &name) {
                        let first = entries
                            .get(i)
                            .map_or((start, end), |e| (e.key_start, e.key_end));
                        return Err(duplicate_key_error(&name, first, (start, end)));
                    }
                    *key = Some((name, start, end));
                }
            },
        }
        Ok(())
    }

    /// A scanner or parser error, in this crate's wording where it helps.
    ///
    /// saphyr gives its errors no kind, only a text: this is the one place
    /// that reads that text, to tell the kind of the error (and give the help
    /// that goes with it) once, as it is converted.
    fn scan_error(&self, e: &ScanError) -> LoadError {
        let at = self.offsets.byte(e.marker().index());
        let info = e.info();
        if info == "while parsing node, found unknown anchor" {
            // Point at the whole `*name`.
            let rest = self.text.get(at as usize..).unwrap_or("");
            let len = rest
                .char_indices()
                .skip(1)
                .find(|&(_, c)| c.is_whitespace() || matches!(c, ',' | '[' | ']' | '{' | '}'))
                .map_or(rest.len(), |(i, _)| i);
            let name = rest.get(..len).unwrap_or("*");
            let mut err = LoadError::new(
                format!("the alias `{}` refers to no anchor", snippet(name)),
                at,
                at.saturating_add(to_u32(len)),
            )
            .with_kind(LoadErrorKind::Alias);
            err.help =
                Some("an alias `*name` repeats a value written before it with `&name`".to_owned());
            return err;
        }
        if info.contains("recursion limit exceeded") {
            // The parser's own bound on nesting (deeper than ours, but met
            // before the events reach the builder when a document nests very
            // deeply in one flow).
            // The block collections open around the flow count too.
            let mut depth = self.stack.len().saturating_sub(1);
            let mut first_too_deep = at as usize;
            for (i, b) in self.text.bytes().enumerate().take(at as usize) {
                match b {
                    b'[' | b'{' => {
                        depth += 1;
                        if depth > self.max_depth {
                            first_too_deep = i;
                            break;
                        }
                    }
                    b']' | b'}' => depth = depth.saturating_sub(1),
                    _ => {}
                }
            }
            let start = to_u32(first_too_deep);
            return depth_error(self.max_depth, start, start.saturating_add(1));
        }
        if let Some(tab) = indenting_tab(self.text, at as usize) {
            let tab = to_u32(tab);
            let mut err = LoadError::new(
                "a tab indents this line; YAML indents with spaces only",
                tab,
                tab.saturating_add(1),
            )
            .with_kind(LoadErrorKind::YamlTab);
            err.help = Some("replace the tab with spaces".to_owned());
            return err;
        }
        let mut message = String::with_capacity(info.len());
        let mut chars = info.trim_end_matches('.').chars();
        if let Some(first) = chars.next() {
            message.extend(first.to_lowercase());
            message.push_str(chars.as_str());
        }
        let (kind, help) = if message.contains("mapping values are not allowed") {
            (
                LoadErrorKind::YamlMappingValue,
                Some("check the indentation of this line, and quote a value that contains `: `"),
            )
        } else if message.contains("did not find expected key") || message.contains("block mapping")
        {
            (
                LoadErrorKind::YamlKeyIndentation,
                Some("check that the keys of this mapping are indented alike"),
            )
        } else {
            (LoadErrorKind::Syntax, None)
        };
        let mut err = LoadError::new(message, at, at).with_kind(kind);
        err.help = help.map(str::to_owned);
        err
    }
}

/// The offset of a tab in the indentation of the line holding `at` or of the
/// next line, if there is one: YAML forbids tabs there, and the parser reports
/// them somewhere near, in its own words.
fn indenting_tab(text: &str, at: usize) -> Option<usize> {
    let line_start = text.get(..at)?.rfind('\n').map_or(0, |i| i + 1);
    let mut start = line_start;
    for _ in 0..2 {
        let line = text.get(start..)?;
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        if let Some(i) = line.get(..indent)?.find('\t') {
            return Some(start + i);
        }
        start += line.find('\n')? + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::node::test_support::{array, object};

    fn one(text: &str) -> Node {
        let (mut docs, err) = parse_yaml(text);
        assert_eq!(err, None, "{text:?}");
        assert_eq!(docs.len(), 1, "{text:?}");
        docs.pop().unwrap()
    }

    fn err(text: &str) -> LoadError {
        match parse_yaml(text).1 {
            Some(e) => e,
            None => panic!("{text:?} parsed"),
        }
    }

    fn kind(text: &str) -> NodeKind {
        one(text).kind
    }

    fn slice(text: &str, start: u32, end: u32) -> &str {
        &text[start as usize..end as usize]
    }

    #[test]
    fn core_schema_resolution() {
        let str = |s: &str| NodeKind::Str(s.to_owned());
        let table: Vec<(&str, NodeKind)> = vec![
            ("null", NodeKind::Null),
            ("Null", NodeKind::Null),
            ("NULL", NodeKind::Null),
            ("~", NodeKind::Null),
            ("nULL", str("nULL")),
            ("true", NodeKind::Bool(true)),
            ("True", NodeKind::Bool(true)),
            ("TRUE", NodeKind::Bool(true)),
            ("false", NodeKind::Bool(false)),
            ("False", NodeKind::Bool(false)),
            ("FALSE", NodeKind::Bool(false)),
            ("tRUE", str("tRUE")),
            ("yes", str("yes")),
            ("no", str("no")),
            ("on", str("on")),
            ("off", str("off")),
            ("y", str("y")),
            ("0", NodeKind::Int(0)),
            ("42", NodeKind::Int(42)),
            ("-42", NodeKind::Int(-42)),
            ("+42", NodeKind::Int(42)),
            ("007", NodeKind::Int(7)),
            ("0o17", NodeKind::Int(15)),
            ("0x1F", NodeKind::Int(31)),
            ("0xff", NodeKind::Int(255)),
            ("0o8", str("0o8")),
            ("0x", str("0x")),
            ("-0x1", str("-0x1")),
            ("9223372036854775807", NodeKind::Int(i64::MAX)),
            ("-9223372036854775808", NodeKind::Int(i64::MIN)),
            ("9223372036854775808", NodeKind::BigInt),
            ("0x1ffffffffffffffff", NodeKind::BigInt),
            ("1.5", NodeKind::Float(1.5)),
            ("-1.5", NodeKind::Float(-1.5)),
            ("1.", NodeKind::Float(1.0)),
            (".5", NodeKind::Float(0.5)),
            ("+.5", NodeKind::Float(0.5)),
            ("1e3", NodeKind::Float(1000.0)),
            ("1.5E-2", NodeKind::Float(0.015)),
            (".inf", NodeKind::Float(f64::INFINITY)),
            ("+.Inf", NodeKind::Float(f64::INFINITY)),
            ("-.INF", NodeKind::Float(f64::NEG_INFINITY)),
            ("1e", str("1e")),
            (".", str(".")),
            ("1.2.3", str("1.2.3")),
            ("inf", str("inf")),
            ("2026-03-01", str("2026-03-01")),
            ("12:30", str("12:30")),
            ("1_000", str("1_000")),
            ("hello world", str("hello world")),
        ];
        for (text, want) in table {
            assert_eq!(kind(text), want, "{text:?}");
        }
        for nan in [".nan", ".NaN", ".NAN"] {
            assert!(
                matches!(kind(nan), NodeKind::Float(f) if f.is_nan()),
                "{nan}"
            );
        }
        assert_eq!(kind("-.nan"), str("-.nan"));
    }

    #[test]
    fn surrogate_pairs_in_double_quotes_are_one_character() {
        // The string of a one-entry mapping or one-element list.
        let string = |text: &str| match one(text).kind {
            NodeKind::Object(entries) => entries.first().map(|e| e.value.kind.clone()),
            NodeKind::Array(items) => items.first().map(|n| n.kind.clone()),
            _ => None,
        };
        let s = |v: &str| Some(NodeKind::Str(v.into()));
        assert_eq!(string(r#"name: "Contoso \ud83d\ude00""#), s("Contoso 😀"));
        assert_eq!(string(r#"- "\uD83D\uDE00\u00e9""#), s("😀é"));
        assert_eq!(string(r#"- "a\ud83d\ude00\ud83d\ude01b""#), s("a😀😁b"));
        // A backslash elsewhere is a backslash: the text is kept.
        assert_eq!(string(r#"a: C:\ud83d\ude00"#), s(r"C:\ud83d\ude00"));
        assert_eq!(string(r#"a: 'C:\ud83d\ude00'"#), s(r"C:\ud83d\ude00"));
        // A text with private-use characters of its own is left alone.
        assert!(
            err("a: \"\\ud83d\\ude00\u{e000}\"")
                .message
                .contains("escape")
        );
        // Offsets after a pair are right.
        let text = "a: \"\\ud83d\\ude00\"\nb: 1\n";
        let NodeKind::Object(entries) = one(text).kind else {
            panic!()
        };
        let b = entries
            .get(1)
            .map(|e| slice(text, e.value.start, e.value.end));
        assert_eq!(b, Some("1"));
        // A lone or reversed half stays an error.
        // (An escaped backslash before `u` is no escape: `\\ud83d` is text
        // and the low half after it is alone.)
        for text in [
            r#"a: "\ud83d""#,
            r#"a: "\ude00\ud83d""#,
            r#"a: "\ud83dx\ude00""#,
            r#"a: "\\ud83d\ude00""#,
        ] {
            assert!(err(text).message.contains("escape"), "{text}");
        }
    }

    #[test]
    fn quoted_and_block_scalars_are_strings() {
        let n = one("a: '1'\nb: \"true\"\nc: |\n  null\nd: >\n  12\n  34\ne: ''\nf:\n");
        let e = object(&n);
        assert_eq!(e[0].value.kind, NodeKind::Str("1".into()));
        assert_eq!(e[1].value.kind, NodeKind::Str("true".into()));
        assert_eq!(e[2].value.kind, NodeKind::Str("null\n".into()));
        assert_eq!(e[3].value.kind, NodeKind::Str("12 34\n".into()));
        assert_eq!(e[4].value.kind, NodeKind::Str(String::new()));
        assert_eq!(e[5].value.kind, NodeKind::Null);
    }

    #[test]
    fn offsets_of_nested_values() {
        let text = "a: 1\nb:\n  - x\n  - {c: \"d\", e: [1, 2]}\nf: |\n  lit\n";
        let n = one(text);
        assert_eq!(n.start, 0);
        let e = object(&n);
        assert_eq!(slice(text, e[0].key_start, e[0].key_end), "a");
        assert_eq!(slice(text, e[0].value.start, e[0].value.end), "1");
        let b = &e[1].value;
        assert_eq!(
            slice(text, b.start, b.end),
            "- x\n  - {c: \"d\", e: [1, 2]}"
        );
        let items = array(b);
        assert_eq!(slice(text, items[0].start, items[0].end), "x");
        assert_eq!(
            slice(text, items[1].start, items[1].end),
            "{c: \"d\", e: [1, 2]}"
        );
        let inner = object(&items[1]);
        assert_eq!(
            slice(text, inner[0].value.start, inner[0].value.end),
            "\"d\""
        );
        assert_eq!(slice(text, inner[1].key_start, inner[1].key_end), "e");
        assert_eq!(
            slice(text, inner[1].value.start, inner[1].value.end),
            "[1, 2]"
        );
        let two = &array(&inner[1].value)[1];
        assert_eq!(slice(text, two.start, two.end), "2");
        assert_eq!(slice(text, e[2].value.start, e[2].value.end), "lit");
        // The whole mapping, without the final line break.
        assert_eq!(slice(text, n.start, n.end), text.trim_end());
    }

    #[test]
    fn offsets_with_multibyte_bom_and_crlf() {
        let text = "\u{feff}é: \"ü✓\"\r\nb:\r\n  - ß\r\n";
        let n = one(text);
        let e = object(&n);
        assert_eq!(e[0].key, "é");
        assert_eq!(slice(text, e[0].key_start, e[0].key_end), "é");
        assert_eq!(slice(text, e[0].value.start, e[0].value.end), "\"ü✓\"");
        let items = array(&e[1].value);
        assert_eq!(items[0].kind, NodeKind::Str("ß".into()));
        assert_eq!(slice(text, items[0].start, items[0].end), "ß");
        // Checkpoints every 64 characters: a long line of multibyte text.
        let long = format!("k: {}\nz: [{}]\n", "é".repeat(200), "ü".repeat(100));
        let n = one(&long);
        let e = object(&n);
        assert_eq!(slice(&long, e[1].key_start, e[1].key_end), "z");
        let z = &array(&e[1].value)[0];
        assert_eq!(slice(&long, z.start, z.end), "ü".repeat(100));
    }

    #[test]
    fn offsets_match_char_indices_in_any_order() {
        let text = format!("a\u{feff}é✓😀 {}\r\nz", "xé".repeat(100));
        let table = Offsets::new(&text);
        let want: Vec<usize> = text
            .char_indices()
            .map(|(b, _)| b)
            .chain([text.len()])
            .collect();
        let order = (0..want.len())
            .chain((0..want.len()).rev())
            .chain((0..want.len()).map(|i| (i * 37) % want.len()));
        for i in order {
            assert_eq!(table.byte(i) as usize, want[i], "char {i}");
        }
        assert_eq!(table.byte(want.len() + 10) as usize, text.len());
        assert_eq!(Offsets::new("abc").byte(7), 3);
    }

    #[test]
    fn documents() {
        let (docs, e) = parse_yaml("");
        assert!(docs.is_empty() && e.is_none());
        let (docs, e) = parse_yaml("# only a comment\n");
        assert!(docs.is_empty() && e.is_none());
        let text = "a: 1\n---\nb: 2\n--- 3\n...\n---\n";
        let (docs, e) = parse_yaml(text);
        assert_eq!(e, None);
        assert_eq!(docs.len(), 4);
        assert_eq!(object(&docs[0])[0].key, "a");
        assert_eq!(object(&docs[1])[0].key, "b");
        assert_eq!(
            slice(
                text,
                object(&docs[1])[0].key_start,
                object(&docs[1])[0].key_end
            ),
            "b"
        );
        assert_eq!(docs[2].kind, NodeKind::Int(3));
        assert_eq!(docs[3].kind, NodeKind::Null);
    }

    #[test]
    fn error_in_second_document_keeps_the_first() {
        let text = "a: 1\n---\nb: [1,\n";
        let (docs, e) = parse_yaml(text);
        assert_eq!(docs.len(), 1);
        assert_eq!(object(&docs[0])[0].key, "a");
        let e = e.unwrap();
        assert!(!e.message.is_empty());
        assert!(
            e.message.starts_with(|c: char| c.is_lowercase()),
            "{}",
            e.message
        );
        assert!(!e.message.ends_with('.'));
        assert_eq!(e.start, e.end);
        assert!(e.start as usize <= text.len());
        // A semantic error in document 2 too.
        let (docs, e) = parse_yaml("a: 1\n---\nb: 1\nb: 2\n");
        assert_eq!(docs.len(), 1);
        assert_eq!(
            e.unwrap().message,
            "key `b` is written twice in this object"
        );
    }

    #[test]
    fn scan_error_position() {
        let text = "a: [1, 2\nb: 3\n";
        let e = err(text);
        assert_eq!(e.start, e.end);
        assert!(e.message.starts_with(|c: char| c.is_lowercase()));
        let e = err("a: \"é\n");
        assert!(e.start as usize <= "a: \"é\n".len());
        let e = err("key: value\n\tbad: tab\n");
        assert!(!e.message.is_empty());
    }

    #[test]
    fn duplicate_keys_point_at_both() {
        let text = "x: 1\ny: 2\nx: 3\n";
        let e = err(text);
        assert_eq!(e.message, "key `x` is written twice in this object");
        assert_eq!((e.start, e.end), (10, 11));
        assert_eq!(e.label.as_deref(), Some("written again here"));
        assert_eq!(e.other, Some((0, 1, "first written here".to_owned())));
        assert!(e.help.unwrap().contains("remove one"));
        // Keys are compared as text: `1` and "1" are the same key.
        let e = err("{1: a, \"1\": b}");
        assert_eq!(e.message, "key `1` is written twice in this object");
        assert_eq!((e.start, e.end), (7, 10));
        // Many keys.
        let mut big: String = (0..500).map(|i| format!("k{i}: {i}\n")).collect();
        assert_eq!(object(&one(&big)).len(), 500);
        big.push_str("k250: x\n");
        assert_eq!(
            err(&big).message,
            "key `k250` is written twice in this object"
        );
    }

    #[test]
    fn keys_are_scalars() {
        let e = err("? [1, 2]\n: x\n");
        assert_eq!(e.message, "a mapping key must be a scalar, not a sequence");
        assert_eq!((e.start, e.end), (2, 3));
        let e = err("{{a: 1}: x}");
        assert_eq!(e.message, "a mapping key must be a scalar, not a mapping");
        let e = err("a: &x [1]\n*x : 2\n");
        assert_eq!(e.message, "a mapping key must be a scalar, not a sequence");
        assert_eq!((e.start, e.end), (10, 12));
        // The key text is the scalar as written.
        let n = one("1: a\n~: b\ntrue: c\n\"q\": d\n");
        let keys: Vec<&str> = object(&n).iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["1", "~", "true", "q"]);
    }

    #[test]
    fn merge_key_is_rejected() {
        let text = "base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n";
        let e = err(text);
        assert_eq!(e.message, "YAML merge keys (`<<`) are not supported");
        assert_eq!(slice(text, e.start, e.end), "<<");
        assert_eq!(e.help.as_deref(), Some("write the fields out in full"));
        // A quoted `<<` is an ordinary key.
        assert_eq!(object(&one("'<<': 1\n"))[0].key, "<<");
    }

    #[test]
    fn anchors_and_aliases() {
        let text = "a: &x {b: [1, 2]}\nc: *x\nd: &s hi\ne: *s\n*s : k\n";
        let n = one(text);
        let e = object(&n);
        assert_eq!(e[1].value.kind, e[0].value.kind);
        // A copy keeps the offsets of the anchored text.
        assert_eq!(
            (e[1].value.start, e[1].value.end),
            (e[0].value.start, e[0].value.end)
        );
        assert_eq!(
            slice(text, e[1].value.start, e[1].value.end),
            "&x {b: [1, 2]}"
        );
        assert_eq!(e[3].value.kind, NodeKind::Str("hi".into()));
        // An alias as a key takes its text, and its own place.
        assert_eq!(e[4].key, "hi");
        assert_eq!(slice(text, e[4].key_start, e[4].key_end), "*s");
        // Anchors are redefinable; an alias takes the latest.
        let n = one("- &a 1\n- &a 2\n- *a\n");
        assert_eq!(array(&n)[2].kind, NodeKind::Int(2));
    }

    #[test]
    fn unknown_and_recursive_aliases() {
        let text = "a: *nope\n";
        let e = err(text);
        assert_eq!(e.message, "the alias `*nope` refers to no anchor");
        assert_eq!(slice(text, e.start, e.end), "*nope");
        let text = "a: &r [1, *r]\n";
        let e = err(text);
        assert_eq!(
            e.message,
            "the alias `*r` is used inside the value it names"
        );
        assert_eq!(slice(text, e.start, e.end), "*r");
        // Anchors do not cross documents.
        let (docs, e) = parse_yaml("a: &x 1\n---\nb: *x\n");
        assert_eq!(docs.len(), 1);
        assert_eq!(e.unwrap().message, "the alias `*x` refers to no anchor");
    }

    #[test]
    fn alias_bomb_fails_fast() {
        let bomb = "\
a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
";
        let e = err(bomb);
        assert_eq!(
            e.message,
            "aliases expand to more than 100000 values (or 6 MB of text)"
        );
        assert_eq!(slice(bomb, e.start, e.end), "*e");
        // The budget counts across documents.
        let doc = format!("a: &a [{}]\nb: [*a, *a, *a, *a, *a]\n", "1,".repeat(999));
        let stream: String = (0..25).map(|_| format!("---\n{doc}")).collect();
        let (docs, e) = parse_yaml(&stream);
        assert_eq!(
            e.unwrap().message,
            "aliases expand to more than 100000 values (or 6 MB of text)"
        );
        // 5 aliases of 1000 values per document: 20 documents fit exactly.
        assert_eq!(docs.len(), 20);
    }

    #[test]
    fn tags() {
        assert_eq!(kind("!!str 12"), NodeKind::Str("12".into()));
        assert_eq!(kind("!!str"), NodeKind::Str(String::new()));
        assert_eq!(kind("! 12"), NodeKind::Str("12".into()));
        assert_eq!(kind("!!int \"12\""), NodeKind::Int(12));
        assert_eq!(kind("!!int 0x10"), NodeKind::Int(16));
        assert_eq!(kind("!!int 99999999999999999999"), NodeKind::BigInt);
        assert_eq!(kind("!!float 1"), NodeKind::Float(1.0));
        assert_eq!(kind("!!float '2.5'"), NodeKind::Float(2.5));
        assert_eq!(kind("!!bool True"), NodeKind::Bool(true));
        assert_eq!(kind("!!null ~"), NodeKind::Null);
        assert_eq!(kind("!!null"), NodeKind::Null);
        assert_eq!(kind("!<tag:yaml.org,2002:int> 5"), NodeKind::Int(5));
        assert_eq!(array(&one("!!seq [1]")).len(), 1);
        assert_eq!(object(&one("!!map {a: 1}")).len(), 1);
        assert_eq!(object(&one("--- !!map\na: 1\n")).len(), 1);

        let text = "a: !!int abc\n";
        let e = err(text);
        assert_eq!(e.message, "`abc` is not a valid value for the tag `!!int`");
        assert_eq!(slice(text, e.start, e.end), "!!int abc");
        assert_eq!(
            err("!!bool yes").message,
            "`yes` is not a valid value for the tag `!!bool`"
        );
        assert_eq!(
            err("!!null 0").message,
            "`0` is not a valid value for the tag `!!null`"
        );
        assert_eq!(
            err("!!float x").message,
            "`x` is not a valid value for the tag `!!float`"
        );
        assert_eq!(
            err("!!map x").message,
            "the tag `!!map` is for a mapping, not for a scalar"
        );
        assert_eq!(
            err("!!seq {a: 1}").message,
            "the tag `!!seq` does not fit a mapping"
        );

        let text = "a: !foo bar\n";
        let e = err(text);
        assert_eq!(e.message, "the tag `!foo` is not supported");
        assert_eq!(slice(text, e.start, e.end), "!foo bar");
        assert!(e.help.is_some());
        assert_eq!(
            err("!!binary aGk=").message,
            "the tag `!!binary` is not supported"
        );
        assert_eq!(
            err("!!timestamp 2001-12-14").message,
            "the tag `!!timestamp` is not supported"
        );
        assert_eq!(err("!!set {a}").message, "the tag `!!set` is not supported");
        assert_eq!(
            err("- !thing [1]").message,
            "the tag `!thing` is not supported"
        );
        assert_eq!(err("!foo: 1").message, "the tag `!foo:` is not supported");
    }

    #[test]
    fn depth_limit() {
        let flow = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        one(&flow(crate::limits::DEFAULT_INPUT_DEPTH));
        let e = err(&flow(crate::limits::DEFAULT_INPUT_DEPTH + 1));
        assert_eq!(e.message, "the data nests deeper than 128 levels");
        assert_eq!((e.start, e.end), (128, 129));
        let block = |n: usize| -> String {
            (0..n)
                .map(|i| format!("{}k:\n", "  ".repeat(i)))
                .collect::<String>()
                + &"  ".repeat(n)
                + "v\n"
        };
        one(&block(crate::limits::DEFAULT_INPUT_DEPTH));
        let text = block(crate::limits::DEFAULT_INPUT_DEPTH + 1);
        let e = err(&text);
        assert_eq!(e.message, "the data nests deeper than 128 levels");
        assert_eq!(
            e.start as usize,
            text.find(&format!("\n{}k", "  ".repeat(128))).unwrap() + 1 + 256
        );
        // Very deep input fails fast, without overflowing the stack.
        for deep in [
            "[".repeat(100_000),
            "{a: ".repeat(100_000),
            "- ".repeat(100_000),
        ] {
            let (_, e) = parse_yaml(&deep);
            assert!(e.is_some());
        }
        // An alias cannot nest a value deeper than the limit either.
        let deep_anchor = format!("a: &d {}{}\n", "[".repeat(100), "]".repeat(100));
        let text = format!("{deep_anchor}b: {}*d{}\n", "[".repeat(27), "]".repeat(27));
        assert!(parse_yaml(&text).1.is_none());
        let text = format!("{deep_anchor}b: {}*d{}\n", "[".repeat(28), "]".repeat(28));
        let e = err(&text);
        assert_eq!(e.message, "the data nests deeper than 128 levels");
        assert_eq!(slice(&text, e.start, e.end), "*d");
    }

    #[test]
    fn limits_can_be_changed() {
        let lower = Limits {
            input_depth: 2,
            yaml_alias_values: 3,
            ..Limits::default()
        };
        let (_, e) = parse_yaml_with("a: [[1]]\n", &lower);
        assert_eq!(e.unwrap().message, "the data nests deeper than 2 levels");
        let (docs, e) = parse_yaml_with("a: [1]\n", &lower);
        assert!(e.is_none() && docs.len() == 1);
        let (_, e) = parse_yaml_with("a: &x [1, 2, 3]\nb: *x\n", &lower);
        assert!(
            e.unwrap()
                .message
                .starts_with("aliases expand to more than 3 values")
        );
        let higher = Limits {
            input_depth: 300,
            ..Limits::default()
        };
        let deep = format!("{}1{}", "[".repeat(200), "]".repeat(200));
        assert!(parse_yaml(&deep).1.is_some());
        assert!(parse_yaml_with(&deep, &higher).1.is_none());
    }

    #[test]
    fn scan_error_message_is_lower_case_without_period() {
        let b = Builder {
            text: "ab",
            offsets: Offsets::new("ab"),
            docs: Vec::new(),
            root: None,
            stack: Vec::new(),
            anchors: HashMap::new(),
            expanded: 0,
            max_depth: 8,
            max_alias_values: 8,
            pairs: &[],
        };
        let e = b.scan_error(&ScanError::new_str(
            saphyr_parser::Marker::new(1, 1, 1),
            "Did not find it.",
        ));
        assert_eq!(
            (e.message.as_str(), e.start, e.end),
            ("did not find it", 1, 1)
        );
    }

    #[test]
    fn each_kind_arises() {
        use LoadErrorKind as K;
        let bomb = "a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\nb: [*a, *a]\n";
        let lower = Limits {
            yaml_alias_values: 15,
            ..Limits::default()
        };
        assert_eq!(parse_yaml_with(bomb, &lower).1.unwrap().kind, K::Limit);
        let cases: &[(&str, LoadErrorKind)] = &[
            ("a: b: c\n", K::YamlMappingValue),
            ("a:\n  b: 1\n c: 2\n", K::YamlKeyIndentation),
            ("key: value\n\tbad: tab\n", K::YamlTab),
            ("x: 1\nx: 2\n", K::DuplicateKey),
            ("a: !foo bar\n", K::Unsupported),
            ("a: !!int abc\n", K::Unsupported),
            ("<<: {a: 1}\n", K::Unsupported),
            ("? [1]\n: x\n", K::Unsupported),
            ("a: *nope\n", K::Alias),
            ("a: &r [1, *r]\n", K::Alias),
            (&"[".repeat(200), K::TooDeep),
            ("a: [1, 2\nb: 3\n", K::Syntax),
        ];
        for (text, kind) in cases {
            assert_eq!(err(text).kind, *kind, "{text:?}");
        }
    }

    #[test]
    fn the_parser_gives_the_help_for_indentation() {
        let e = err("a: b: c\n");
        assert!(e.message.contains("mapping values are not allowed"));
        assert_eq!(
            e.help.as_deref(),
            Some("check the indentation of this line, and quote a value that contains `: `")
        );
        let e = err("a:\n  b: 1\n c: 2\n");
        assert_eq!(
            e.help.as_deref(),
            Some("check that the keys of this mapping are indented alike")
        );
        assert_eq!(err("a: [1, 2\nb: 3\n").help, None);
    }
}

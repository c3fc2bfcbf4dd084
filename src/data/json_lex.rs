//! JSON's lexical layer, written once for the two readers of JSON text.
//!
//! [`super::json`] parses a whole `&str` into nodes; [`super::array_stream`]
//! finds the elements of a top-level array in a byte stream that may stop in
//! the middle of a buffer, and hands each element's text to the parser. The
//! two skip the same whitespace, recognise the same comments, name an
//! unexpected character the same way and report the same mistakes between
//! values, so those are here, once:
//!
//! - byte-level scanning functions over a slice (what follows a position,
//!   never the state of a reader): whitespace, the plain run of a string,
//!   comments, the character at a place;
//! - the tokens only the parser decodes (strings with their escapes, numbers,
//!   literal words), read from a whole text, so that one module holds JSON's
//!   lexical grammar;
//! - the constructor of every JSON error text, with its help and its
//!   [`LoadErrorKind`]. A token's error is built at the file offset `base +
//!   pos` of the token; a structural one at a file offset `at` given by the
//!   caller (the scanner gives 0 and moves the error into its window).
//!
//! The small functions are `#[inline]`: the parser calls them for every token.

use super::node::{LoadError, LoadErrorKind, NodeKind};

/// JSON whitespace (RFC 8259: space, tab, line feed, carriage return).
#[inline]
pub(crate) fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// The position of the first byte at or after `pos` that is not whitespace
/// (the length of `bytes` if there is none).
#[inline]
pub(crate) fn skip_ws(bytes: &[u8], mut pos: usize) -> usize {
    while bytes.get(pos).is_some_and(|&b| is_ws(b)) {
        pos += 1;
    }
    pos
}

/// Where the plain bytes of a string end: the position of the first `"`, `\`
/// or control character at or after `pos` (the length of `bytes` if there is
/// none). All three are ASCII, so a `&str` may be cut there.
#[inline]
pub(crate) fn string_run_end(bytes: &[u8], mut pos: usize) -> usize {
    while let Some(&c) = bytes.get(pos) {
        if c == b'"' || c == b'\\' || c < 0x20 {
            break;
        }
        pos += 1;
    }
    pos
}

/// The length of the comment that `rest` starts with, if it starts with one:
/// `//` to the end of its line, `/*` to its `*/` (or to the end of `rest`).
#[inline]
pub(crate) fn comment_len(rest: &[u8]) -> Option<usize> {
    match rest.get(..2) {
        Some(b"//") => Some(
            rest.iter()
                .position(|&b| b == b'\n' || b == b'\r')
                .unwrap_or(rest.len()),
        ),
        Some(b"/*") => Some(
            rest.windows(2)
                .skip(2)
                .position(|w| w == b"*/")
                .map_or(rest.len(), |p| p + 4),
        ),
        _ => None,
    }
}

/// Characters that continue a word-like token (`true`, `NaN`, `abc`) in messages.
#[inline]
pub(crate) fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Characters that continue a number-like token (`01`, `1.2.3`, `0x1F`) in messages.
#[inline]
fn is_number_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'+' | b'-' | b'_')
}

/// The end of the word that starts at `from`.
#[inline]
pub(crate) fn word_end(bytes: &[u8], from: usize) -> usize {
    let mut i = from;
    while bytes.get(i).is_some_and(|&b| is_word(b)) {
        i += 1;
    }
    i
}

/// How a message names the character that `rest` starts with, and its length
/// in bytes: `` `x` ``; "the character U+0009" for a control character,
/// whitespace or a byte order mark; "a byte that is not UTF-8" (one byte long)
/// for anything else, the end of `rest` included.
fn found(rest: &[u8]) -> (String, usize) {
    let head = rest.get(..4).unwrap_or(rest);
    let valid = match std::str::from_utf8(head) {
        Ok(s) => s,
        Err(e) => head
            .get(..e.valid_up_to())
            .and_then(|h| std::str::from_utf8(h).ok())
            .unwrap_or(""),
    };
    match valid.chars().next() {
        Some(c) if c.is_control() || c.is_whitespace() || c == '\u{feff}' => (
            format!("the character U+{:04X}", u32::from(c)),
            c.len_utf8(),
        ),
        Some(c) => (format!("`{c}`"), c.len_utf8()),
        None => ("a byte that is not UTF-8".to_owned(), 1),
    }
}

/// Converts an offset to the `u32` that nodes and errors hold (saturating;
/// files are far smaller than 4 GiB).
#[inline]
pub(crate) fn to_u32(n: impl TryInto<u32>) -> u32 {
    n.try_into().unwrap_or(u32::MAX)
}

/// The file offset of position `pos` of a text that starts at `base`.
#[inline]
fn off(base: u32, pos: usize) -> u32 {
    to_u32(pos).saturating_add(base)
}

/// User text for a message: at most 40 characters, longer text cut with `…`.
pub(crate) fn snippet(s: &str) -> String {
    const MAX: usize = 40;
    match s.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}…", s.get(..i).unwrap_or("")),
        None => s.to_owned(),
    }
}

/// An error of `kind` at `start..end`, with `help`.
fn error(
    kind: LoadErrorKind,
    message: impl Into<String>,
    start: u32,
    end: u32,
    help: Option<String>,
) -> LoadError {
    let mut e = LoadError::new(message, start, end).with_kind(kind);
    e.help = help;
    e
}

// ----- mistakes between values ------------------------------------------------

/// Where in JSON's grammar a reader was when it met a mistake: what it
/// expected there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Expected {
    /// A value.
    Value,
    /// The `[` that opens a streamed array.
    OpenArray,
    /// What follows an array's element: `,` or `]`.
    AfterElement,
    /// What follows an object's member: `,` or `}`.
    AfterMember,
    /// The first key of an object, or `}`.
    FirstKey,
    /// A key after a comma.
    Key,
    /// The `:` after a key.
    Colon,
}

impl Expected {
    /// What was expected, where something else was found.
    fn instead_of_found(self) -> &'static str {
        match self {
            Expected::Value => "a value",
            Expected::OpenArray => "`[`",
            Expected::AfterElement => "`,` or `]` after an array element",
            Expected::AfterMember => "`,` or `}` after an object member",
            Expected::FirstKey => "a string key or `}`",
            Expected::Key => "a string key",
            Expected::Colon => "`:` after the object key",
        }
    }

    /// What was expected, where the input ended.
    fn at_end(self) -> &'static str {
        match self {
            Expected::Value => "a value",
            Expected::OpenArray => "`[`",
            Expected::AfterElement => "`]`",
            Expected::AfterMember | Expected::FirstKey => "`}`",
            Expected::Key => "a string key",
            Expected::Colon => "`:`",
        }
    }
}

/// The comment that `rest` (at file offset `at`) starts with, if it starts
/// with one.
pub(crate) fn comment(rest: &[u8], at: u32) -> Option<LoadError> {
    let len = comment_len(rest)?;
    Some(error(
        LoadErrorKind::Comment,
        "comments are not allowed in JSON",
        at,
        at.saturating_add(to_u32(len)),
        Some(
            "JSON has no comments: remove it, or write the data as YAML, which has `#` comments"
                .to_owned(),
        ),
    ))
}

/// "expected …, found …" for the character that `rest` (at file offset `at`)
/// starts with, or the comment there. Between values, a closing bracket of the
/// other kind and anything else that is not a comma each have their kind and
/// help.
pub(crate) fn unexpected(expected: Expected, rest: &[u8], at: u32) -> LoadError {
    if let Some(e) = comment(rest, at) {
        return e;
    }
    let (found, len) = found(rest);
    let between = matches!(expected, Expected::AfterElement | Expected::AfterMember);
    let (kind, help) = match rest.first() {
        Some(b']' | b'}') if between => (
            LoadErrorKind::WrongClosingBracket,
            Some("a bracket is closed with the wrong kind: `[` pairs with `]`, `{` with `}`"),
        ),
        _ if between => (
            LoadErrorKind::MissingComma,
            Some("is a comma missing at the end of the previous value?"),
        ),
        _ => (LoadErrorKind::Syntax, None),
    };
    error(
        kind,
        format!("expected {}, found {found}", expected.instead_of_found()),
        at,
        at.saturating_add(to_u32(len)),
        help.map(str::to_owned),
    )
}

/// A word where a key was expected (`{a: 1}`), at `start..end`.
pub(crate) fn unquoted_key(expected: Expected, word: &str, start: u32, end: u32) -> LoadError {
    error(
        LoadErrorKind::Syntax,
        format!(
            "expected {}, found `{}`",
            expected.instead_of_found(),
            snippet(word)
        ),
        start,
        end,
        Some(format!(
            "object keys are strings in double quotes: `\"{}\"`",
            snippet(word)
        )),
    )
}

/// The input ended at file offset `at`, where `expected` was expected.
pub(crate) fn unexpected_end(expected: Expected, at: u32) -> LoadError {
    error(
        LoadErrorKind::UnexpectedEnd,
        format!("unexpected end of the file: expected {}", expected.at_end()),
        at,
        at,
        None,
    )
}

/// The label of the bracket of an array or object that the input ended in.
pub(crate) fn not_closed(in_array: bool) -> String {
    format!(
        "this {} is not closed",
        if in_array { "array" } else { "object" }
    )
}

/// A comma at file offset `at` right before the `]` (`in_array`) or `}`.
pub(crate) fn trailing_comma(in_array: bool, at: u32) -> LoadError {
    let (close, last) = if in_array {
        (']', "element")
    } else {
        ('}', "member")
    };
    error(
        LoadErrorKind::TrailingComma,
        format!("trailing comma before `{close}`"),
        at,
        at.saturating_add(1),
        Some(format!(
            "remove the comma: JSON allows no comma after the last {last}"
        )),
    )
}

/// Text after the value: the comment or the character that `rest` (at file
/// offset `at`) starts with.
pub(crate) fn trailing(rest: &[u8], at: u32) -> LoadError {
    if let Some(e) = comment(rest, at) {
        return e;
    }
    let (_, len) = found(rest);
    error(
        LoadErrorKind::TrailingCharacters,
        "trailing characters after the JSON value",
        at,
        at.saturating_add(to_u32(len)),
        Some(
            "a JSON file holds one value; several JSON documents, one per line, make a JSONL file (`.jsonl`)"
                .to_owned(),
        ),
    )
}

// ----- tokens -----------------------------------------------------------------

/// The string whose `"` is at `open` in `text` (which starts at file offset
/// `base`), unescaped, and the position after its closing `"`. Allocates once:
/// the slice is copied, or, after an escape, the string is built up.
pub(crate) fn string(text: &str, open: usize, base: u32) -> Result<(String, usize), LoadError> {
    let b = text.as_bytes();
    let mut i = open + 1;
    let mut chunk_start = i;
    // Only allocated when an escape appears.
    let mut buf: Option<String> = None;
    loop {
        i = string_run_end(b, i);
        let chunk = text.get(chunk_start..i).unwrap_or("");
        match b.get(i) {
            None => return Err(unterminated(text, open, base)),
            Some(b'"') => {
                let s = match buf {
                    None => chunk.to_owned(),
                    Some(mut s) => {
                        s.push_str(chunk);
                        s
                    }
                };
                return Ok((s, i + 1));
            }
            Some(b'\\') => {
                let s = buf.get_or_insert_with(String::new);
                s.push_str(chunk);
                i = escape(text, open, i, base, s)?;
                chunk_start = i;
            }
            Some(&c) => {
                let help = if c == b'\n' || c == b'\r' {
                    "close the string with `\"` on its line, or write a line break as `\\n`"
                        .to_owned()
                } else {
                    format!("write it as the escape `\\u{c:04x}`")
                };
                return Err(error(
                    LoadErrorKind::Syntax,
                    format!("raw control character U+{c:04X} inside a string"),
                    off(base, i),
                    off(base, i + 1),
                    Some(help),
                ));
            }
        }
    }
}

/// The text ended inside the string that opens at `open`.
fn unterminated(text: &str, open: usize, base: u32) -> LoadError {
    let end = off(base, text.len());
    let mut e = error(
        LoadErrorKind::UnterminatedString,
        "unterminated string",
        end,
        end,
        Some("close the string with `\"`".to_owned()),
    );
    e.label = Some("the file ends here".to_owned());
    e.other = Some((
        off(base, open),
        off(base, open + 1),
        "the string starts here".to_owned(),
    ));
    e
}

/// The escape at `i` (a `\`) of the string that opens at `open`, appended to
/// `out`; returns the position after it.
fn escape(
    text: &str,
    open: usize,
    i: usize,
    base: u32,
    out: &mut String,
) -> Result<usize, LoadError> {
    let bytes = text.as_bytes();
    let Some(&c) = bytes.get(i + 1) else {
        return Err(unterminated(text, open, base));
    };
    let simple = match c {
        b'"' => Some('"'),
        b'\\' => Some('\\'),
        b'/' => Some('/'),
        b'b' => Some('\u{8}'),
        b'f' => Some('\u{c}'),
        b'n' => Some('\n'),
        b'r' => Some('\r'),
        b't' => Some('\t'),
        _ => None,
    };
    if let Some(ch) = simple {
        out.push(ch);
        return Ok(i + 2);
    }
    if c != b'u' {
        let ch = text
            .get(i + 1..)
            .and_then(|s| s.chars().next())
            .unwrap_or('?');
        let end = i + 1 + ch.len_utf8();
        let shown = if ch.is_control() {
            format!("U+{:04X} after `\\`", u32::from(ch))
        } else {
            format!("`\\{ch}`")
        };
        return Err(error(
            LoadErrorKind::Syntax,
            format!("{shown} is not a valid escape in a JSON string"),
            off(base, i),
            off(base, end),
            Some(
                "the escapes are `\\\"`, `\\\\`, `\\/`, `\\b`, `\\f`, `\\n`, `\\r`, `\\t` and `\\uXXXX`; write a backslash as `\\\\`"
                    .to_owned(),
            ),
        ));
    }
    let hi = hex4(text, i, base)?;
    if (0xDC00..=0xDFFF).contains(&hi) {
        return Err(lone_surrogate(text, i, base));
    }
    if (0xD800..=0xDBFF).contains(&hi) {
        let next_is_escape = bytes.get(i + 6) == Some(&b'\\') && bytes.get(i + 7) == Some(&b'u');
        if !next_is_escape {
            return Err(lone_surrogate(text, i, base));
        }
        let lo = hex4(text, i + 6, base)?;
        if !(0xDC00..=0xDFFF).contains(&lo) {
            return Err(lone_surrogate(text, i, base));
        }
        let cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
        out.push(char::from_u32(cp).unwrap_or('\u{fffd}'));
        return Ok(i + 12);
    }
    out.push(char::from_u32(hi).unwrap_or('\u{fffd}'));
    Ok(i + 6)
}

/// The four hex digits of the `\u` escape at `i`.
fn hex4(text: &str, i: usize, base: u32) -> Result<u32, LoadError> {
    let mut v = 0u32;
    for k in 0..4 {
        let digit = text
            .as_bytes()
            .get(i + 2 + k)
            .and_then(|&b| (b as char).to_digit(16));
        match digit {
            Some(d) => v = v * 16 + d,
            None => {
                let end = i + 2 + k;
                let token = text.get(i..end).unwrap_or("\\u");
                return Err(error(
                    LoadErrorKind::Syntax,
                    format!("`{token}` is not a valid unicode escape"),
                    off(base, i),
                    off(base, end),
                    Some("write `\\u` and exactly four hex digits".to_owned()),
                ));
            }
        }
    }
    Ok(v)
}

/// A `\u` escape at `i` of half a surrogate pair, without the other half.
fn lone_surrogate(text: &str, i: usize, base: u32) -> LoadError {
    let token = text.get(i..i + 6).unwrap_or("\\u");
    error(
        LoadErrorKind::Syntax,
        format!("`{token}` is half of a surrogate pair, without its other half"),
        off(base, i),
        off(base, i + 6),
        Some(
            "a character above U+FFFF is written as two escapes, `\\uD8xx` to `\\uDBxx` then `\\uDCxx` to `\\uDFxx`"
                .to_owned(),
        ),
    )
}

/// A `'...'` string at `start`: not JSON.
pub(crate) fn single_quoted(text: &str, start: usize, base: u32) -> LoadError {
    let rest = text.as_bytes().get(start + 1..).unwrap_or(&[]);
    // The whole single-quoted token if it closes on the same line.
    let end = rest
        .iter()
        .position(|&b| b == b'\'' || b == b'\n')
        .filter(|&i| rest.get(i) == Some(&b'\''))
        .map_or(start + 1, |i| start + i + 2);
    let token = text.get(start..end).unwrap_or("'");
    error(
        LoadErrorKind::Syntax,
        format!("`{}` is not a JSON string", snippet(token)),
        off(base, start),
        off(base, end),
        Some("JSON strings use double quotes: `\"...\"`".to_owned()),
    )
}

/// The number at `start`, `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?` not
/// followed by more number-like characters, and the position after it.
pub(crate) fn number(text: &str, start: usize, base: u32) -> Result<(NodeKind, usize), LoadError> {
    let b = text.as_bytes();
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    let mut i = start;
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            while digit(i) {
                i += 1;
            }
        }
        _ => return Err(bad_number(text, start, base)),
    }
    // A fraction or an exponent: one digit or more from `i`, the position
    // after them.
    let digits = |mut i: usize| {
        if !digit(i) {
            return Err(bad_number(text, start, base));
        }
        while digit(i) {
            i += 1;
        }
        Ok(i)
    };
    let mut is_float = false;
    if b.get(i) == Some(&b'.') {
        i = digits(i + 1)?;
        is_float = true;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        i = digits(i)?;
        is_float = true;
    }
    if b.get(i).is_some_and(|&c| is_number_char(c)) {
        return Err(bad_number(text, start, base));
    }
    let s = text.get(start..i).unwrap_or("");
    let kind = if is_float {
        match s.parse::<f64>() {
            Ok(v) => NodeKind::Float(v),
            Err(_) => return Err(bad_number(text, start, base)),
        }
    } else {
        // The grammar was checked: the only possible failure is overflow.
        match s.parse::<i64>() {
            Ok(v) => NodeKind::Int(v),
            Err(_) => NodeKind::BigInt,
        }
    };
    Ok((kind, i))
}

/// The error for a number-like token at `start` that is not a JSON number.
pub(crate) fn bad_number(text: &str, start: usize, base: u32) -> LoadError {
    let bytes = text.as_bytes();
    let mut end = start + 1;
    while bytes.get(end).is_some_and(|&c| is_number_char(c)) {
        end += 1;
    }
    let token = text.get(start..end).unwrap_or("");
    let unsigned = token.strip_prefix('-').unwrap_or(token);
    let (start, end) = (off(base, start), off(base, end));
    if unsigned == "Infinity" || unsigned == "NaN" {
        return error(
            LoadErrorKind::Syntax,
            format!("`{token}` is not JSON"),
            start,
            end,
            Some(
                "JSON has no infinity or NaN: write a number, `null` or a string instead"
                    .to_owned(),
            ),
        );
    }
    let ub = unsigned.as_bytes();
    let help = if token.starts_with('+') {
        Some("JSON numbers have no `+` sign: remove it")
    } else if unsigned.starts_with("0x") || unsigned.starts_with("0X") {
        Some("JSON has no hexadecimal numbers: write the number in decimal")
    } else if ub.first() == Some(&b'0') && ub.get(1).is_some_and(u8::is_ascii_digit) {
        Some("JSON numbers have no leading zeros")
    } else if unsigned.starts_with('.') {
        Some("write a digit before the decimal point, e.g. `0.5`")
    } else if unsigned.ends_with('.') || unsigned.contains(".e") || unsigned.contains(".E") {
        Some("write a digit after the decimal point, e.g. `1.0`")
    } else {
        None
    };
    error(
        LoadErrorKind::Syntax,
        format!("`{}` is not a valid JSON number", snippet(token)),
        start,
        end,
        help.map(str::to_owned),
    )
}

/// `true`, `false` or `null` at `start`, and the position after it; any other
/// word is not JSON (a word cut short may be the file's end).
pub(crate) fn literal(text: &str, start: usize, base: u32) -> Result<(NodeKind, usize), LoadError> {
    let end = word_end(text.as_bytes(), start);
    let word = text.get(start..end).unwrap_or("");
    let kind = match word {
        "true" => NodeKind::Bool(true),
        "false" => NodeKind::Bool(false),
        "null" => NodeKind::Null,
        _ => return Err(bad_word(word, off(base, start), off(base, end))),
    };
    Ok((kind, end))
}

/// The error for a word at `start..end` that is not a JSON literal.
fn bad_word(word: &str, start: u32, end: u32) -> LoadError {
    let (message, help) = match word {
        "NaN" | "nan" => (
            format!("`{word}` is not JSON"),
            "JSON has no NaN: write `null` or a string instead".to_owned(),
        ),
        "Infinity" | "inf" => (
            format!("`{word}` is not JSON"),
            "JSON has no infinity: write a number, `null` or a string instead".to_owned(),
        ),
        _ => {
            const LITERALS: [&str; 3] = ["true", "false", "null"];
            let help = match word {
                "True" | "TRUE" | "False" | "FALSE" | "Null" | "NULL" => {
                    "JSON literals are lower case: `true`, `false` and `null`".to_owned()
                }
                "None" | "nil" | "undefined" => "JSON writes no value as `null`".to_owned(),
                w if !w.is_empty() && LITERALS.iter().any(|l| l.starts_with(w)) => {
                    let full = LITERALS
                        .into_iter()
                        .find(|l| l.starts_with(w))
                        .unwrap_or("null");
                    format!("did you mean `{full}`? (the file may be cut short here)")
                }
                _ => format!(
                    "JSON strings are written in double quotes: `\"{}\"`",
                    snippet(word)
                ),
            };
            (format!("expected a value, found `{}`", snippet(word)), help)
        }
    };
    error(LoadErrorKind::Syntax, message, start, end, Some(help))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scanning_functions() {
        assert_eq!(skip_ws(b" \t\r\n x", 0), 5);
        assert_eq!(skip_ws(b"x ", 1), 2);
        assert_eq!(string_run_end(b"ab\"c", 0), 2);
        assert_eq!(string_run_end(b"a\\", 0), 1);
        assert_eq!(string_run_end(b"a\tb", 0), 1);
        assert_eq!(string_run_end("é✓".as_bytes(), 0), 5);
        assert_eq!(comment_len(b"// x\ny"), Some(4));
        assert_eq!(comment_len(b"/* x */ y"), Some(7));
        assert_eq!(comment_len(b"/*/ y"), Some(5));
        assert_eq!(comment_len(b"/ y"), None);
        assert_eq!(word_end(b"abc_1 ", 0), 5);
    }

    #[test]
    fn snippet_cuts_long_text() {
        let long = "k".repeat(100);
        assert_eq!(snippet(&long).chars().count(), 41);
        assert_eq!(snippet("short"), "short");
    }

    #[test]
    fn found_names_the_character() {
        assert_eq!(found(b"x"), ("`x`".to_owned(), 1));
        assert_eq!(found("é]".as_bytes()), ("`é`".to_owned(), 2));
        assert_eq!(found(b"\t"), ("the character U+0009".to_owned(), 1));
        assert_eq!(
            found("\u{feff}".as_bytes()),
            ("the character U+FEFF".to_owned(), 3)
        );
        assert_eq!(found(b"\xff"), ("a byte that is not UTF-8".to_owned(), 1));
        assert_eq!(found(b""), ("a byte that is not UTF-8".to_owned(), 1));
        // A character cut off by the end of a buffer.
        assert_eq!(
            found(&"é".as_bytes()[..1]),
            ("a byte that is not UTF-8".to_owned(), 1)
        );
    }

    #[test]
    fn mistakes_between_values_have_their_kind_and_help() {
        let e = unexpected(Expected::AfterElement, b"2]", 10);
        assert_eq!(e.kind, LoadErrorKind::MissingComma);
        assert_eq!((e.start, e.end), (10, 11));
        assert!(e.help.unwrap().contains("comma missing"));
        let e = unexpected(Expected::AfterMember, b"]", 0);
        assert_eq!(e.kind, LoadErrorKind::WrongClosingBracket);
        assert!(e.help.unwrap().contains("wrong kind"));
        let e = unexpected(Expected::AfterElement, b"}", 0);
        assert_eq!(e.kind, LoadErrorKind::WrongClosingBracket);
        let e = unexpected(Expected::Value, b"}", 0);
        assert_eq!((e.kind, e.help), (LoadErrorKind::Syntax, None));
        let e = unexpected(Expected::AfterElement, b"// x", 0);
        assert_eq!(e.kind, LoadErrorKind::Comment);
        assert_eq!(
            unexpected_end(Expected::Colon, 3).kind,
            LoadErrorKind::UnexpectedEnd
        );
        assert_eq!(trailing_comma(false, 0).kind, LoadErrorKind::TrailingComma);
        assert_eq!(trailing(b"x", 0).kind, LoadErrorKind::TrailingCharacters);
    }
}

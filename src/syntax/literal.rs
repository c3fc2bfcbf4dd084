//! Decoding of string and integer literals.
//!
//! Escapes are resolved here, once; the AST holds the decoded text. A decoded
//! string can be mapped back to source offsets (see [`Unescaped::source_offset`]) so
//! that an error inside a regex pattern points at the right character of the policy.

/// A decoded string with the source offset of each decoded character.
#[derive(Debug, Clone, Default)]
pub struct Unescaped {
    /// The decoded text.
    pub text: String,
    /// For each byte offset into `text` where a character starts, the byte offset of
    /// its source (relative to the start of the escaped text).
    starts: Vec<(usize, usize)>,
    /// Length of the escaped source.
    source_len: usize,
}

impl Unescaped {
    /// The source offset (relative to the escaped text) of the character at byte
    /// `offset` of the decoded text; the end of the source for the end of the text.
    pub fn source_offset(&self, offset: usize) -> usize {
        let i = self
            .starts
            .partition_point(|&(decoded, _)| decoded <= offset);
        match i.checked_sub(1).and_then(|i| self.starts.get(i)) {
            Some(&(decoded, source)) if decoded == offset => source,
            Some(&(_, source)) if offset < self.text.len() => source,
            _ => self.source_len,
        }
    }
}

/// A problem with one escape sequence, at a byte range of the escaped text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EscapeError {
    /// Byte range of the bad escape within the escaped text.
    pub range: std::ops::Range<usize>,
    /// What is wrong.
    pub message: String,
}

/// Decodes `\"`, `\\`, `\n`, `\t` and `\u{…}` in `raw` (the text between the quotes).
/// Bad escapes are reported and decoded as themselves, so lowering can go on.
pub fn unescape(raw: &str) -> (Unescaped, Vec<EscapeError>) {
    let mut out = Unescaped {
        source_len: raw.len(),
        ..Unescaped::default()
    };
    let mut errors = Vec::new();
    let mut chars = raw.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        out.starts.push((out.text.len(), at));
        if c != '\\' {
            out.text.push(c);
            continue;
        }
        match chars.next() {
            Some((_, '"')) => out.text.push('"'),
            Some((_, '\\')) => out.text.push('\\'),
            Some((_, 'n')) => out.text.push('\n'),
            Some((_, 't')) => out.text.push('\t'),
            Some((_, 'u')) => {
                let rest = raw.get(at + 2..).unwrap_or("");
                match decode_unicode(rest) {
                    Ok((ch, used)) => {
                        out.text.push(ch);
                        // Skip the `{…}` part, which `decode_unicode` consumed.
                        while chars.peek().is_some_and(|&(i, _)| i < at + 2 + used) {
                            chars.next();
                        }
                    }
                    Err((message, used)) => {
                        errors.push(EscapeError {
                            range: at..at + 2 + used,
                            message,
                        });
                        out.text.push_str("\\u");
                    }
                }
            }
            Some((i, other)) => {
                errors.push(EscapeError {
                    range: at..i + other.len_utf8(),
                    message: format!("unknown escape `\\{other}`"),
                });
                out.text.push('\\');
                out.text.push(other);
            }
            None => {
                errors.push(EscapeError {
                    range: at..at + 1,
                    message: "a string cannot end with `\\`".into(),
                });
            }
        }
    }
    (out, errors)
}

/// Decodes `{1F600}` at the start of `rest`; returns the char and the bytes used.
fn decode_unicode(rest: &str) -> Result<(char, usize), (String, usize)> {
    let Some(body) = rest.strip_prefix('{') else {
        return Err((
            "`\\u` must be followed by `{hex digits}`, as in `\\u{1F600}`".into(),
            0,
        ));
    };
    let Some(close) = body.find('}') else {
        return Err(("`\\u{` is not closed with `}`".into(), body.len() + 1));
    };
    let hex = body.get(..close).unwrap_or("");
    let used = close + 2;
    if hex.is_empty() || hex.len() > 6 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err((format!("`\\u{{{hex}}}` needs 1 to 6 hex digits"), used));
    }
    let value = u32::from_str_radix(hex, 16)
        .map_err(|_| (format!("bad hex digits in `\\u{{{hex}}}`"), used))?;
    char::from_u32(value).map(|c| (c, used)).ok_or((
        format!("`\\u{{{hex}}}` is not a Unicode scalar value"),
        used,
    ))
}

/// Parses an integer literal as written (digits with optional `_`).
pub fn parse_int(text: &str) -> Option<i64> {
    let digits: String = text.chars().filter(|&c| c != '_').collect();
    digits.parse::<i64>().ok()
}

/// Whether `name` can be written bare where a field name goes: an identifier
/// that is not a keyword. Other names (`@odata.type`, `in`) must be quoted, and
/// the formatter quotes exactly those.
pub fn is_plain_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !super::parse_error::KEYWORDS.contains(&name)
}

/// `text` as a string literal that decodes back to it: quotes, and escapes for
/// `"`, `\\`, line feeds, tabs and other control characters.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_escapes() {
        let (u, errors) = unescape(r#"a\"b\\c\nd\te\u{1F600}f"#);
        assert!(errors.is_empty());
        assert_eq!(u.text, "a\"b\\c\nd\te\u{1F600}f");
    }

    #[test]
    fn maps_decoded_offsets_to_source() {
        let (u, _) = unescape(r"x\\d+");
        // decoded: `x\d+`; `d` is decoded byte 2, source byte 3.
        assert_eq!(u.source_offset(2), 3);
        assert_eq!(u.source_offset(u.text.len()), 5);
    }

    #[test]
    fn reports_bad_escapes() {
        let (_, errors) = unescape(r"a\qb\u{110000}\u12");
        let messages: Vec<_> = errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(messages.len(), 3, "{messages:?}");
        assert_eq!(errors.first().map(|e| e.range.clone()), Some(1..3));
    }

    #[test]
    fn parses_ints() {
        assert_eq!(parse_int("1_000"), Some(1000));
        assert_eq!(parse_int("9223372036854775808"), None);
    }

    #[test]
    fn names_are_quoted_only_when_needed() {
        assert!(is_plain_name("offerId"));
        assert!(is_plain_name("_x1"));
        assert!(!is_plain_name("in"));
        assert!(!is_plain_name("then"));
        assert!(!is_plain_name("@odata.type"));
        assert!(!is_plain_name("1a"));
        assert!(!is_plain_name(""));
        for text in ["a\"b", "back\\slash", "line\nfeed\t", "bell\u{7}", "é"] {
            let quoted = quote(text);
            let inner = &quoted[1..quoted.len() - 1];
            let (decoded, errors) = unescape(inner);
            assert!(errors.is_empty(), "{quoted}");
            assert_eq!(decoded.text, text);
        }
    }
}

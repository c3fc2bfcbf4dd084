//! Globs for waivers: a waiver names its document and its subject either exactly or
//! with a glob, so one sign-off can cover a family of files or subjects.
//!
//! `*` matches a run of characters within one `/`-separated part, `**` a run that
//! may cross `/`, `?` exactly one character, `[…]` one character of a class (`!` or
//! `^` negates it) and `\` makes the next character literal. Everything else, `#`
//! included, is literal; matching is case-sensitive, by character, and anchored at
//! both ends. A glob compiles to a [`Regex`], which matches in linear time, so no
//! pattern can make matching blow up.

use std::fmt::{self, Write as _};
use std::iter::Peekable;
use std::str::CharIndices;

use regex::{Regex, RegexBuilder};

/// The longest pattern accepted, in bytes: far above any real document or subject
/// name, small enough that the compiled regex stays small.
const MAX_PATTERN_BYTES: usize = 1024;

/// How much memory one compiled glob may take, so a pathological pattern is
/// refused up front instead of slowing down every match.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// A document or subject pattern of a waiver: exact text or a compiled glob.
#[derive(Debug, Clone)]
pub enum Pattern {
    /// Text without glob syntax; it matches only itself.
    Exact(String),
    /// A glob, kept as written for reports, and the anchored regex it compiles to.
    Glob {
        /// The pattern as written.
        text: String,
        /// The compiled matcher, anchored at both ends.
        regex: Regex,
    },
}

/// Why a pattern is not a valid glob: the byte offset in the pattern where the
/// problem is, its length in bytes (at least 1 where possible), and the reason in
/// words, plus a help line saying what to write instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlobError {
    /// Byte offset in the pattern where the problem starts, so it can be underlined.
    pub offset: usize,
    /// Length in bytes of the offending text.
    pub len: usize,
    /// What is wrong, in words.
    pub reason: String,
    /// What to write instead.
    pub help: String,
}

impl GlobError {
    /// Builds an error; a helper so each check reads as one expression.
    fn new(offset: usize, len: usize, reason: impl Into<String>, help: impl Into<String>) -> Self {
        let (reason, help) = (reason.into(), help.into());
        GlobError {
            offset,
            len,
            reason,
            help,
        }
    }
}

impl fmt::Display for GlobError {
    /// Shows the reason, so the error reads well with `?` and in logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for GlobError {}

impl Pattern {
    /// Parses a waiver's document or subject pattern: text with none of `*?[\` is
    /// exact, anything else is compiled as a glob, and a malformed glob is refused
    /// with its place and reason, so a waiver never silently matches nothing.
    pub fn parse(text: &str) -> Result<Pattern, GlobError> {
        if text.len() > MAX_PATTERN_BYTES {
            let reason = format!("a pattern of more than {MAX_PATTERN_BYTES} bytes");
            let help = "shorten it, using `*` or `**` for the parts that vary";
            return Err(GlobError::new(0, text.len(), reason, help));
        }
        if !text.contains(['*', '?', '[', '\\']) {
            return Ok(Pattern::Exact(text.to_owned()));
        }
        let source = translate(text)?;
        let built = RegexBuilder::new(&source)
            .size_limit(REGEX_SIZE_LIMIT)
            .build();
        let regex = built.map_err(|e| {
            let reason = match e {
                regex::Error::CompiledTooBig(_) => "this glob is too complex to match".to_owned(),
                other => format!("this glob could not be compiled: {other}"),
            };
            let help = "use fewer wildcards and classes, or split it into several waivers";
            GlobError::new(0, text.len(), reason, help)
        })?;
        let text = text.to_owned();
        Ok(Pattern::Glob { text, regex })
    }

    /// Whether `candidate` (a document name or a subject path) is covered by this
    /// pattern; the whole candidate must match.
    pub fn matches(&self, candidate: &str) -> bool {
        match self {
            Pattern::Exact(text) => text == candidate,
            Pattern::Glob { regex, .. } => regex.is_match(candidate),
        }
    }

    /// Whether the pattern is plain text, so callers can look it up directly
    /// instead of trying it against every candidate.
    pub fn is_exact(&self) -> bool {
        matches!(self, Pattern::Exact(_))
    }

    /// The pattern as written, for reports and messages.
    pub fn as_str(&self) -> &str {
        match self {
            Pattern::Exact(text) | Pattern::Glob { text, .. } => text,
        }
    }
}

/// The pattern's characters with their byte offsets, read front to back; the
/// offsets give error spans without indexing the string.
type Chars<'a> = Peekable<CharIndices<'a>>;

/// Translates a glob into anchored regex syntax, or reports its first error.
fn translate(text: &str) -> Result<String, GlobError> {
    let mut out = String::from(r"\A");
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match c {
            '*' => {
                let mut run = 1;
                while chars.next_if(|&(_, c)| c == '*').is_some() {
                    run += 1;
                }
                match run {
                    1 => out.push_str("[^/]*"),
                    2 => out.push_str("(?s:.*)"),
                    _ => {
                        let reason = "three or more `*` in a row";
                        let help = "write `*` for one `/`-separated part, or `**` to cross `/`";
                        return Err(GlobError::new(at, run, reason, help));
                    }
                }
            }
            '?' => out.push_str("(?s:.)"),
            '\\' => {
                let Some((_, escaped)) = chars.next() else {
                    let (reason, help) = (
                        r"a trailing `\` escapes nothing",
                        r"write `\\` for a literal backslash",
                    );
                    return Err(GlobError::new(at, 1, reason, help));
                };
                push_literal(&mut out, escaped);
            }
            '[' => class(text, &mut chars, at, &mut out)?,
            _ => push_literal(&mut out, c),
        }
    }
    out.push_str(r"\z");
    Ok(out)
}

/// Appends one character, escaped so the regex takes it literally.
fn push_literal(out: &mut String, c: char) {
    out.push_str(&regex::escape(c.encode_utf8(&mut [0; 4])));
}

/// Appends one class member as `\x{…}`, which is literal anywhere in a regex
/// class, so no member (`]`, `^`, `-`, `&`, `~`, `[`) can change the class.
fn push_class_char(out: &mut String, c: char) {
    // Writing to a `String` cannot fail.
    let _ = write!(out, r"\x{{{:X}}}", u32::from(c));
}

/// Reads one class member, honouring `\` escapes: its start offset, its character
/// and the offset just past it, or `None` at the end of the pattern.
fn member(chars: &mut Chars<'_>) -> Option<(usize, char, usize)> {
    let (at, c) = chars.next()?;
    let (end, c) = match c {
        '\\' => chars.next().map(|(i, e)| (i + e.len_utf8(), e))?,
        _ => (at + c.len_utf8(), c),
    };
    Some((at, c, end))
}

/// Translates the character class whose `[` (at `open`) was just read and
/// appends it to `out`.
fn class(
    text: &str,
    chars: &mut Chars<'_>,
    open: usize,
    out: &mut String,
) -> Result<(), GlobError> {
    let unclosed = || {
        let help = r"close it with `]`, or write `\[` for a literal bracket";
        let reason = "`[` opens a character class that is never closed";
        GlobError::new(open, 1, reason, help)
    };
    let negated = chars.next_if(|&(_, c)| c == '!' || c == '^').is_some();
    out.push_str(if negated { "[^" } else { "[" });
    let mut first = true;
    loop {
        // A `]` first in the class (after any negation mark) is a member.
        if !first && chars.next_if(|&(_, c)| c == ']').is_some() {
            break;
        }
        first = false;
        let (lo_at, lo, lo_end) = member(chars).ok_or_else(unclosed)?;
        push_class_char(out, lo);
        // A `-` makes a range only between two members; first or last it is literal.
        if chars.next_if(|&(_, c)| c == '-').is_none() {
            continue;
        }
        if matches!(chars.peek(), Some((_, ']')) | None) {
            push_class_char(out, '-');
            continue;
        }
        let (hi_at, hi, hi_end) = member(chars).ok_or_else(unclosed)?;
        if hi < lo {
            let quote = |start, end| text.get(start..end).unwrap_or_default();
            let reason = format!("`{}` is a range that goes backwards", quote(lo_at, hi_end));
            let help = format!("write `{}-{}`", quote(hi_at, hi_end), quote(lo_at, lo_end));
            return Err(GlobError::new(lo_at, hi_end - lo_at, reason, help));
        }
        out.push('-');
        push_class_char(out, hi);
    }
    out.push(']');
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Asserts `pattern` is a glob that matches every `yes` and no `no`.
    fn check(pattern: &str, yes: &[&str], no: &[&str]) {
        let p = Pattern::parse(pattern).unwrap();
        assert!(!p.is_exact(), "{pattern} should be a glob");
        assert_eq!(p.as_str(), pattern);
        for y in yes {
            assert!(p.matches(y), "{pattern} should match {y:?}");
        }
        for n in no {
            assert!(!p.matches(n), "{pattern} should not match {n:?}");
        }
    }

    /// The offset, length and reason of the error for `pattern`.
    fn err(pattern: &str) -> (usize, usize, String) {
        let e = Pattern::parse(pattern).unwrap_err();
        (e.offset, e.len, e.reason)
    }

    #[test]
    fn plain_text_is_exact() {
        let p = Pattern::parse("plans/contoso.yaml").unwrap();
        assert!(p.is_exact() && p.matches("plans/contoso.yaml"));
        assert_eq!(p.as_str(), "plans/contoso.yaml");
        assert!(!p.matches("plans/contoso.yaml2") && !p.matches("Plans/contoso.yaml"));
        assert!(Pattern::parse("doc.yaml#/a]").unwrap().is_exact());
        let empty = Pattern::parse("").unwrap();
        assert!(empty.is_exact() && empty.matches("") && !empty.matches("a"));
    }

    #[test]
    fn star_stays_within_a_segment() {
        let (doc, nested) = ("plans/q3.yaml#2", "plans/sub/q3.yaml#2");
        check(
            "plans/*.yaml#*",
            &[doc, "plans/.yaml#"],
            &[nested, "plans/q3.yaml"],
        );
        let (sub, addon) = ("/subscriptions/2", "/subscriptions/2/addons/0");
        check("/subscriptions/*", &[sub, "/subscriptions/"], &[addon]);
        check("/subscriptions/*/addons/*", &[addon], &[sub]);
        check("*", &["a\nb", ""], &["a/b"]);
    }

    #[test]
    fn double_star_crosses_slashes_anywhere() {
        check(
            "plans/**.yaml",
            &["plans/a/b/c.yaml", "plans/.yaml"],
            &["a.yaml"],
        );
        check("a**b", &["ab", "a/b", "a/x/y/b", "axb"], &["a/bc"]);
        check(
            "/subscriptions/**",
            &["/subscriptions/2/addons/0"],
            &["/x/2"],
        );
    }

    #[test]
    fn question_mark_is_one_char_of_any_kind() {
        check("q?.yaml", &["q3.yaml"], &["q.yaml", "q33.yaml"]);
        check("a?b", &["a/b", "a\nb"], &["ab"]);
    }

    #[test]
    fn non_ascii_is_matched_by_character() {
        check("caf?", &["café"], &["caf", "cafée"]);
        check("?", &["😀", "é"], &["", "😀😀"]);
        check("é*😀", &["été 😀"], &["ete 😀"]);
        check("[é-ë]", &["ê"], &["e"]);
        check("[!é]", &["e"], &["é"]);
    }

    #[test]
    fn classes_ranges_and_negation() {
        check("q[0-9].yaml", &["q3.yaml"], &["qx.yaml", "q10.yaml"]);
        check("[abc]", &["b"], &["d", "ab"]);
        check("[!0-9]", &["x", "/"], &["5", ""]);
        check("[^0-9]", &["x", "/"], &["5"]);
        check("[!/]", &["a"], &["/"]);
        check("[a-cx-z]", &["b", "y"], &["m"]);
    }

    #[test]
    fn literal_members_in_classes() {
        check("[]a]", &["]", "a"], &["b"]);
        check("[!]a]", &["b"], &["]", "a"]);
        check("[^]]", &["a"], &["]"]);
        check("[-a]", &["-", "a"], &["b"]);
        check("[a-]", &["-", "a"], &["b"]);
        check("[!-]", &["a"], &["-"]);
        check("[a-c-e]", &["-", "e"], &["d"]);
        check("[]-a]", &["_"], &["b"]);
        check("[a^&~[]", &["^", "&", "~", "["], &["b"]);
        check(r"[\]\\]", &["]", r"\"], &["a"]);
    }

    #[test]
    fn escapes_and_other_characters_are_literal() {
        check(r"\*", &["*"], &["x", ""]);
        check(r"a\?", &["a?"], &["ab"]);
        check(r"\[x]", &["[x]"], &["x"]);
        check(r"\\\a", &[r"\a"], &["a"]);
        check(
            "d.yaml#/s/*",
            &["d.yaml#/s/0"],
            &["dxyaml#/s/0", "d.yaml/s/0"],
        );
        check("(a)+|$*", &["(a)+|$x"], &["a"]);
        check("*.yaml", &["a.yaml"], &["a.yaml.bak", "a.YAML"]);
    }

    #[test]
    fn unclosed_class() {
        let e = Pattern::parse("plans/[ab").unwrap_err();
        assert_eq!((e.offset, e.len), (6, 1));
        assert_eq!(e.reason, "`[` opens a character class that is never closed");
        assert_eq!(
            e.help,
            r"close it with `]`, or write `\[` for a literal bracket"
        );
        let cases = [
            ("[]", 0),
            ("x[!]", 1),
            ("é[a-", 2),
            (r"[a\", 0),
            (r"[a-\", 0),
        ];
        for (pattern, offset) in cases {
            assert_eq!(err(pattern).0, offset, "{pattern}");
        }
    }

    #[test]
    fn backwards_range() {
        let e = Pattern::parse("x[z-a]").unwrap_err();
        assert_eq!((e.offset, e.len), (2, 3));
        assert_eq!(e.reason, "`z-a` is a range that goes backwards");
        assert_eq!(e.help, "write `a-z`");
        assert_eq!(err("[!a-c9-0]").0, 5);
        assert_eq!(err("[ë-é]").1, 5);
    }

    #[test]
    fn three_stars_and_trailing_backslash() {
        assert_eq!(err("a***"), (1, 3, "three or more `*` in a row".to_owned()));
        assert_eq!(err("ab****").1, 4);
        assert!(Pattern::parse(r"\***").is_ok());
        let reason = r"a trailing `\` escapes nothing".to_owned();
        assert_eq!(err(r"ab\"), (2, 1, reason));
        assert_eq!(err(r"é\").0, 2);
        assert!(Pattern::parse(r"ab\\").is_ok());
    }

    #[test]
    fn length_is_capped_and_big_patterns_compile() {
        assert!(Pattern::parse(&"*a".repeat(512)).is_ok());
        let reason = "a pattern of more than 1024 bytes".to_owned();
        assert_eq!(err(&"*a".repeat(513)), (0, 1026, reason));
        assert!(Pattern::parse(&"x".repeat(1025)).is_err());
        let (b, a) = ("b".repeat(256), "a".repeat(256));
        check(&"[!a]".repeat(256), &[&b], &[&a]);
        check(&"**?".repeat(341), &[&"x".repeat(400)], &[&"x".repeat(300)]);
    }
}

//! The VS Code extension (`editors/vscode/`) agrees with the language: its
//! TextMate grammar highlights every keyword of `grammar/preflight.pest`, its
//! regexes match where they should, and its manifest ties the `.policy`
//! extension, the language id and the grammar's scope together.
//!
//! TextMate grammars use Oniguruma regexes. The ones the `regex` crate can
//! compile are tried here; the others are only accepted if they use a construct
//! the `regex` crate lacks (look-around).

use std::collections::BTreeSet;
use std::path::Path;

use regex::Regex;
use serde_json::Value;

const PEST: &str = "grammar/preflight.pest";
const TM_GRAMMAR: &str = "editors/vscode/syntaxes/preflight.tmLanguage.json";
const PACKAGE: &str = "editors/vscode/package.json";
const EXTENSION: &str = "editors/vscode/extension.js";
const LANGUAGE_CONFIGURATION: &str = "editors/vscode/language-configuration.json";

fn read(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn read_json(relative: &str) -> Value {
    serde_json::from_str(&read(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"))
}

// ------------------------------------------------------------------ the pest keywords

/// The body of the pest rule `name = … { body }`, without the braces.
fn rule_body<'a>(pest: &'a str, name: &str) -> Option<&'a str> {
    let start = pest.lines().find_map(|line| {
        let rest = line.strip_prefix(name)?.trim_start().strip_prefix('=')?;
        let offset = line.as_ptr() as usize - pest.as_ptr() as usize;
        Some(offset + line.len() - rest.len())
    })?;
    let open = start + pest[start..].find('{')?;
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (i, c) in pest[open..].char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '{' if !in_string => depth += 1,
            '}' if !in_string => {
                depth -= 1;
                if depth == 0 {
                    return Some(&pest[open + 1..open + i]);
                }
            }
            _ => {}
        }
    }
    None
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Str(String),
    Open,
    Close,
    Choice,
    Sequence,
    Not,
    Name,
}

fn tokens(body: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                let mut s = String::new();
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => s.extend(chars.next()),
                        _ => s.push(c),
                    }
                }
                tokens.push(Token::Str(s));
            }
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '(' => tokens.push(Token::Open),
            ')' => tokens.push(Token::Close),
            '|' => tokens.push(Token::Choice),
            '~' => tokens.push(Token::Sequence),
            '!' => tokens.push(Token::Not),
            c if c.is_ascii_alphabetic() || c == '_' => {
                while chars
                    .peek()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_')
                {
                    chars.next();
                }
                tokens.push(Token::Name);
            }
            c if c.is_whitespace() => {}
            c => panic!("unexpected {c:?} in a keyword rule of {PEST}"),
        }
    }
    tokens
}

/// The words a pest expression made of string literals, `~`, `|`, parentheses
/// and negative look-aheads (`!ident_char`, which consume nothing) spells out.
struct Words {
    tokens: Vec<Token>,
    at: usize,
}

impl Words {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn choice(&mut self) -> BTreeSet<String> {
        let mut words = self.sequence();
        while self.peek() == Some(&Token::Choice) {
            self.at += 1;
            words.extend(self.sequence());
        }
        words
    }

    fn sequence(&mut self) -> BTreeSet<String> {
        // A leading `|` (pest allows one) starts no alternative of its own.
        if self.peek() == Some(&Token::Choice) {
            self.at += 1;
        }
        let mut words = self.term();
        while self.peek() == Some(&Token::Sequence) {
            self.at += 1;
            let next = self.term();
            words = words
                .iter()
                .flat_map(|a| next.iter().map(move |b| format!("{a}{b}")))
                .collect();
        }
        words
    }

    fn term(&mut self) -> BTreeSet<String> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        match token {
            Some(Token::Str(s)) => BTreeSet::from([s]),
            Some(Token::Open) => {
                let words = self.choice();
                assert_eq!(self.peek(), Some(&Token::Close), "unbalanced `(` in {PEST}");
                self.at += 1;
                words
            }
            // `!ident_char`, or `!"…"`: a look-ahead, which spells nothing.
            Some(Token::Not) => {
                if self.peek() == Some(&Token::Name) {
                    self.at += 1;
                } else {
                    self.term();
                }
                BTreeSet::from([String::new()])
            }
            other => panic!("unexpected {other:?} in a keyword rule of {PEST}"),
        }
    }
}

fn words_of(body: &str) -> BTreeSet<String> {
    let mut words = Words {
        tokens: tokens(body),
        at: 0,
    };
    let result = words.choice();
    assert_eq!(
        words.at,
        words.tokens.len(),
        "{PEST}: could not read {body:?}"
    );
    result
}

/// Every keyword of the pest grammar: the word of each `kw_*` rule and every
/// word the `keyword` rule spells out.
fn pest_keywords() -> BTreeSet<String> {
    let pest = read(PEST);
    let mut keywords = BTreeSet::new();
    let kw_rules: Vec<&str> = pest
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| name.starts_with("kw_"))
        .collect();
    assert!(
        kw_rules.len() >= 20,
        "only {} kw_* rules found",
        kw_rules.len()
    );
    for name in kw_rules.into_iter().chain(["keyword"]) {
        let body = rule_body(&pest, name).unwrap_or_else(|| panic!("{PEST}: no rule {name}"));
        let words = words_of(body);
        assert!(!words.is_empty(), "{PEST}: no words in {name}");
        if let Some(word) = name.strip_prefix("kw_") {
            assert_eq!(words, BTreeSet::from([word.to_string()]), "{PEST}: {name}");
        }
        keywords.extend(words);
    }
    for word in &keywords {
        assert!(
            !word.is_empty() && word.chars().all(|c| c.is_ascii_lowercase()),
            "{PEST}: {word:?} read as a keyword"
        );
    }
    keywords
}

#[test]
fn the_keywords_are_read_from_the_pest_grammar() {
    let keywords = pest_keywords();
    for word in [
        "rule", "record", "require", "enum", "error", "else", "input", "info", "in", "if", "fn",
        "false", "true", "then", "warning", "when", "at", "title",
    ] {
        assert!(keywords.contains(word), "{word} missing from {keywords:?}");
    }
    assert!(!keywords.contains("r"), "{keywords:?}");
}

// ------------------------------------------------------------------ the TextMate grammar

/// One `match` or `begin` regex of the grammar and the scopes its rule gives.
struct Pattern {
    regex: String,
    /// The rule's `name` (for a `match` rule, the scope of the whole match).
    name: Option<String>,
    /// Capture group → scope, from `captures` or `beginCaptures`.
    captures: Vec<(usize, String)>,
}

fn patterns(value: &Value, out: &mut Vec<Pattern>) {
    match value {
        Value::Object(object) => {
            for key in ["match", "begin"] {
                if let Some(Value::String(regex)) = object.get(key) {
                    let captures_key = if key == "match" {
                        "captures"
                    } else {
                        "beginCaptures"
                    };
                    let captures = object
                        .get(captures_key)
                        .and_then(Value::as_object)
                        .into_iter()
                        .flatten()
                        .filter_map(|(group, capture)| {
                            Some((group.parse().ok()?, capture["name"].as_str()?.to_string()))
                        })
                        .collect();
                    out.push(Pattern {
                        regex: regex.clone(),
                        name: object
                            .get("name")
                            .and_then(Value::as_str)
                            .map(str::to_string),
                        captures,
                    });
                }
            }
            object.values().for_each(|v| patterns(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| patterns(v, out)),
        _ => {}
    }
}

fn grammar_patterns() -> Vec<Pattern> {
    let mut out = Vec::new();
    patterns(&read_json(TM_GRAMMAR), &mut out);
    assert!(
        out.len() >= 30,
        "only {} patterns in {TM_GRAMMAR}",
        out.len()
    );
    out
}

/// The regex with every escape (`\b`, `\s`, `\(` …) blanked out, so that the
/// letter of `\bfor` does not look like part of the word.
fn without_escapes(regex: &str) -> String {
    let mut out = String::new();
    let mut chars = regex.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            chars.next();
            out.push_str("  ");
        } else {
            out.push(c);
        }
    }
    out
}

fn has_whole_word(text: &str, word: &str) -> bool {
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    text.match_indices(word).any(|(i, _)| {
        !text[..i].chars().next_back().is_some_and(is_word)
            && !text[i + word.len()..].chars().next().is_some_and(is_word)
    })
}

#[test]
fn every_pest_keyword_is_in_the_textmate_grammar() {
    let regexes: Vec<String> = grammar_patterns()
        .iter()
        .map(|p| without_escapes(&p.regex))
        .collect();
    let missing: Vec<String> = pest_keywords()
        .into_iter()
        .filter(|word| !regexes.iter().any(|r| has_whole_word(r, word)))
        .collect();
    assert!(
        missing.is_empty(),
        "keywords of {PEST} that no `match` or `begin` regex of {TM_GRAMMAR} names: {}",
        missing.join(", ")
    );
}

fn uses_look_around(regex: &str) -> bool {
    ["(?=", "(?!", "(?<=", "(?<!"]
        .iter()
        .any(|construct| regex.contains(construct))
}

#[test]
fn every_regex_compiles_or_needs_oniguruma() {
    let mut broken = Vec::new();
    for pattern in grammar_patterns() {
        if let Err(e) = Regex::new(&pattern.regex)
            && !uses_look_around(&pattern.regex)
        {
            broken.push(format!("{:?}: {e}", pattern.regex));
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

#[test]
fn every_scope_is_a_preflight_scope() {
    let grammar = read_json(TM_GRAMMAR);
    assert_eq!(grammar["scopeName"], "source.preflight");
    let mut names = Vec::new();
    fn collect<'a>(value: &'a Value, names: &mut Vec<&'a str>) {
        match value {
            Value::Object(object) => {
                for (key, v) in object {
                    if let ("name" | "contentName", Value::String(s)) = (key.as_str(), v) {
                        names.push(s);
                    }
                    collect(v, names);
                }
            }
            Value::Array(items) => items.iter().for_each(|v| collect(v, names)),
            _ => {}
        }
    }
    collect(&grammar["repository"], &mut names);
    collect(&grammar["patterns"], &mut names);
    let foreign: Vec<&str> = names
        .iter()
        .flat_map(|name| name.split_whitespace())
        .filter(|scope| !scope.ends_with(".preflight") && !scope.ends_with(".preflight.embedded"))
        .collect();
    assert!(
        foreign.is_empty(),
        "scopes without the .preflight suffix: {foreign:?}"
    );
}

/// The compilable regexes of the `match` rules whose whole match gets a scope
/// starting with `scope`.
fn named(scope: &str) -> Vec<Regex> {
    let regexes: Vec<Regex> = grammar_patterns()
        .into_iter()
        .filter(|p| p.name.as_deref().is_some_and(|n| n.starts_with(scope)))
        .filter_map(|p| Regex::new(&p.regex).ok())
        .collect();
    assert!(!regexes.is_empty(), "no compilable regex scoped {scope}");
    regexes
}

/// The compilable regexes whose capture `group` gets a scope starting with `scope`.
fn captured(scope: &str) -> Vec<(Regex, usize)> {
    let regexes: Vec<(Regex, usize)> = grammar_patterns()
        .into_iter()
        .flat_map(|p| {
            let regex = p.regex;
            p.captures
                .into_iter()
                .filter(|(_, name)| name.starts_with(scope))
                .filter_map(move |(group, _)| Some((Regex::new(&regex).ok()?, group)))
        })
        .collect();
    assert!(!regexes.is_empty(), "no compilable regex captures {scope}");
    regexes
}

/// Whether one of `regexes` matches all of `text`.
fn matches_whole(regexes: &[Regex], text: &str) -> bool {
    regexes
        .iter()
        .any(|r| r.find(text).is_some_and(|m| m.as_str() == text))
}

fn matches_anywhere(regexes: &[Regex], text: &str) -> bool {
    regexes.iter().any(|r| r.is_match(text))
}

#[test]
fn keywords_are_scoped_as_whole_words() {
    let cases = [
        (
            "keyword.control",
            &["severity", "for", "in", "let", "when", "require"][..],
        ),
        (
            "keyword.control",
            &["message", "help", "if", "then", "else"][..],
        ),
        ("keyword.operator.word", &["has", "and", "or", "not"][..]),
        (
            "constant.language",
            &["true", "false", "null", "error", "warning", "info"][..],
        ),
        (
            "support.type",
            &["bool", "int", "string", "date", "datetime"][..],
        ),
        (
            "storage.type",
            &["rule", "record", "enum", "input", "data", "param", "fn"][..],
        ),
    ];
    for (scope, words) in cases {
        let regexes = named(scope);
        for word in words {
            assert!(matches_whole(&regexes, word), "{scope}: {word} not matched");
            for near in [format!("{word}d"), format!("x{word}"), format!("{word}_1")] {
                assert!(
                    !matches_anywhere(&regexes, &near),
                    "{scope}: matches {near}"
                );
            }
        }
    }
    let clause = named("keyword.control");
    assert!(matches_whole(&clause, "require"));
    assert!(!matches_anywhere(&clause, "required"));
}

#[test]
fn rule_ids_types_numbers_and_comments_are_scoped() {
    let rule_ids = captured("entity.name.function.rule");
    for (line, id) in [
        ("rule same-region {", "same-region"),
        ("rule 2fa-required {", "2fa-required"),
        ("rule license_count", "license_count"),
    ] {
        let found = rule_ids
            .iter()
            .filter_map(|(r, group)| Some(r.captures(line)?.get(*group)?.as_str().to_string()))
            .next();
        assert_eq!(found.as_deref(), Some(id), "{line}");
    }

    let types = named("entity.name.type");
    assert!(matches_whole(&types, "Transfer"));
    assert!(!matches_anywhere(&types, "transfer"));

    let numbers = named("constant.numeric");
    assert!(matches_whole(&numbers, "30"));
    assert!(matches_whole(&numbers, "1_000"));
    assert!(!matches_anywhere(&numbers, "x1"));

    let line_comments = named("comment.line.double-slash");
    assert!(matches_whole(&line_comments, "// a comment"));
    let file_comments: Vec<Regex> = grammar_patterns()
        .into_iter()
        .filter(|p| p.name.as_deref() == Some("comment.block.documentation.file.preflight"))
        .map(|p| Regex::new(&p.regex).unwrap())
        .collect();
    assert!(matches_anywhere(&file_comments, "//// file comment"));
    assert!(!matches_anywhere(&file_comments, "/// doc comment"));

    let templates = captured("string.quoted.double.template");
    for line in ["message \"{s.id}\"", "help \"x\"", "title \"{t.name}\""] {
        assert!(
            templates.iter().any(|(r, _)| r.is_match(line)),
            "no template starts in {line}"
        );
    }
}

// ------------------------------------------------------------------ the extension

#[test]
fn the_extension_manifest_names_the_language_and_the_grammar() {
    let package = read_json(PACKAGE);
    let grammar = read_json(TM_GRAMMAR);
    assert_eq!(package["name"], "preflight");
    assert_eq!(package["main"], "./extension.js");
    assert!(
        package["activationEvents"]
            .as_array()
            .is_some_and(|events| events.iter().any(|e| e == "onLanguage:preflight")),
        "{PACKAGE}: no onLanguage:preflight activation event"
    );

    let contributes = &package["contributes"];
    let language = contributes["languages"]
        .as_array()
        .and_then(|languages| languages.iter().find(|l| l["id"] == "preflight"))
        .unwrap_or_else(|| panic!("{PACKAGE}: no language with the id preflight"));
    assert!(
        language["extensions"]
            .as_array()
            .is_some_and(|extensions| extensions.iter().any(|e| e == ".policy")),
        "{PACKAGE}: the preflight language does not claim .policy"
    );
    assert_eq!(language["configuration"], "./language-configuration.json");

    let contributed = contributes["grammars"]
        .as_array()
        .and_then(|grammars| grammars.iter().find(|g| g["language"] == "preflight"))
        .unwrap_or_else(|| panic!("{PACKAGE}: no grammar for the preflight language"));
    assert_eq!(contributed["scopeName"], grammar["scopeName"]);
    let path = contributed["path"].as_str().unwrap();
    let extension_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("editors/vscode");
    assert!(
        extension_dir.join(path).is_file(),
        "{PACKAGE}: the grammar {path} does not exist"
    );
    assert_eq!(
        path.trim_start_matches("./"),
        TM_GRAMMAR.trim_start_matches("editors/vscode/"),
        "{PACKAGE}: the grammar is not {TM_GRAMMAR}"
    );

    let settings = &contributes["configuration"]["properties"];
    assert_eq!(settings["preflight.path"]["default"], "preflight");
    assert_eq!(settings["preflight.trace.server"]["default"], "off");

    let configuration = read_json(LANGUAGE_CONFIGURATION);
    assert_eq!(configuration["comments"]["lineComment"], "//");
}

#[test]
fn the_extension_starts_the_language_server() {
    let extension = read(EXTENSION);
    let args = Regex::new(r#"args:\s*\[\s*"lsp"\s*\]"#).unwrap();
    assert!(
        args.is_match(&extension),
        "{EXTENSION} does not run `preflight lsp`"
    );
    assert!(extension.contains(r#"getConfiguration("preflight")"#));
    assert!(extension.contains("vscode-languageclient/node"));
}

#[test]
fn every_builtin_function_is_in_the_textmate_grammar() {
    let regexes: Vec<String> = grammar_patterns()
        .iter()
        .filter(|p| {
            p.name.as_deref().is_some_and(|n| n.contains("function"))
                || p.captures.iter().any(|(_, n)| n.contains("function"))
        })
        .map(|p| without_escapes(&p.regex))
        .collect();
    let missing: Vec<&str> = preflight::check::call::builtin_functions()
        .iter()
        .map(|(name, _)| *name)
        .filter(|name| !regexes.iter().any(|r| has_whole_word(r, name)))
        .collect();
    assert!(
        missing.is_empty(),
        "built-in functions that no function pattern of {TM_GRAMMAR} names: {}",
        missing.join(", ")
    );
}

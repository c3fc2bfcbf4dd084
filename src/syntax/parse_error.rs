//! Turns pest's parse errors into diagnostics that say what was expected in words.
//!
//! pest reports the grammar rules (and, with error detail on, the literal tokens)
//! it tried at the furthest position. Rule names are an implementation detail, so
//! each is mapped to a phrase a policy author understands ("an expression",
//! "`require`"). A few situations get a targeted help on top.

use pest::error::{Error, ErrorVariant, InputLocation};

use super::grammar::Rule;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, Span};
use crate::suggest::did_you_mean;

/// The diagnostic for a pest error in `text`, one declaration's chunk of a file;
/// `last` says whether the chunk ends the file (otherwise another declaration
/// follows it).
pub(crate) fn parse_error(file: FileId, text: &str, error: &Error<Rule>, last: bool) -> Diagnostic {
    let mut at = match error.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    let mut rules: Vec<Rule> = match &error.variant {
        ErrorVariant::ParsingError { positives, .. } => positives.clone(),
        ErrorVariant::CustomError { message } => {
            return Diagnostic::error(Code::Parse, message.clone()).mark(Span::new(file, at, at));
        }
    };
    let (pest_at, pest_rules) = (at, rules.clone());
    let mut tokens: Vec<String> = Vec::new();
    // With error detail on, pest also knows the literal tokens it tried, and where
    // parsing got furthest (which may be past the rule-level error position).
    if let Some(attempts) = error.parse_attempts()
        && attempts.max_position >= at
    {
        if attempts.max_position > at {
            rules.clear();
            at = attempts.max_position;
        }
        for stack in attempts.call_stacks() {
            if let Some(rule) = stack.deepest.get_rule().copied().or(stack.parent) {
                rules.push(rule);
            }
        }
        tokens = attempts
            .expected_tokens()
            .iter()
            .map(ToString::to_string)
            .collect();
    }
    // pest may stop before the whitespace that precedes the offending token, or
    // in the middle of a word (`requires` after matching `require`).
    at += text
        .get(at..)
        .map_or(0, |rest| rest.len() - rest.trim_start().len());
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    let before = text.get(..at).unwrap_or("");
    if before.ends_with(is_word) && text.get(at..).is_some_and(|rest| rest.starts_with(is_word)) {
        at = before.trim_end_matches(is_word).len();
        tokens.clear();
        // Back at the start of the word: what pest expected there still holds.
        if at == pest_at {
            rules = pest_rules;
        } else if rules.iter().all(|r| describe(*r).is_none()) {
            rules.clear();
        }
    }
    // A keyword where a name belongs (`let in = …`): pest gets past the keyword
    // before failing, so point back at it.
    let expects_name = rules.iter().any(|r| matches!(r, Rule::ident | Rule::name));
    if expects_name {
        let before = text.get(..at).unwrap_or("").trim_end();
        let word = before
            .get(before.trim_end_matches(is_word).len()..)
            .unwrap_or("");
        let binder = before.trim_end_matches(is_word).trim_end();
        let takes_name = [
            "let", "for", "enum", "record", "input", "data", "param", "has", "{", ",", ".",
        ];
        if KEYWORDS.contains(&word) && takes_name.iter().any(|k| binder.ends_with(k)) {
            at = before.len() - word.len();
        }
    }
    let found = found_token(text, at);
    let span = Span::new(file, at, at + found.len());
    let expected = expected_words(&rules, &tokens);
    let found_words = match found {
        "" if last => "end of file".to_string(),
        "" => "the next declaration".to_string(),
        f if f.chars().any(|c| c.is_control() || is_invisible(c)) => f
            .chars()
            .map(|c| format!("U+{:04X}", u32::from(c)))
            .collect::<Vec<_>>()
            .join(" "),
        f => format!("`{f}`"),
    };
    let message = match expected.as_slice() {
        [] => format!("unexpected {found_words}"),
        list => format!("expected {}, found {found_words}", join_or(list)),
    };
    let line_start = text
        .get(..at)
        .unwrap_or("")
        .rsplit('\n')
        .next()
        .is_some_and(|l| l.trim().is_empty());
    let situation = Situation {
        decl: first_word(text),
        found,
        rules: &rules,
        expected: &expected,
        line_start,
        next_declaration: found.is_empty() && !last,
        before: text.get(..at).unwrap_or("").trim_end(),
    };
    let label = if situation.next_declaration {
        "the declaration above is not finished"
    } else {
        "unexpected here"
    };
    let diagnostic = Diagnostic::error(Code::Parse, message).label(span, label);
    match targeted_help(&situation) {
        Some(help) => diagnostic.help(help),
        None => diagnostic,
    }
}

/// What `targeted_help` looks at.
struct Situation<'a> {
    /// The keyword of the declaration (`fn`, `record`, …).
    decl: &'a str,
    /// The offending token (empty at the end of the chunk).
    found: &'a str,
    /// The grammar rules that were expected.
    rules: &'a [Rule],
    /// What was expected, in words.
    expected: &'a [String],
    /// Whether the token starts its line.
    line_start: bool,
    /// Whether parsing ran into the next declaration.
    next_declaration: bool,
    /// The text before the token, trimmed.
    before: &'a str,
}

/// Zero-width and other characters that show nothing when printed.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{00AD}')
}

/// What was expected, in words: rule phrases first, then the literal tokens that
/// the phrases do not already cover.
fn expected_words(rules: &[Rule], tokens: &[String]) -> Vec<String> {
    const OPERATORS: &[&str] = &[
        "!=", "&&", "*", "+", "-", "/", "<", "<=", "==", ">", ">=", "??", "||", "and", "or", "in",
        "not", "has", ".", "[",
    ];
    const EXPRESSION_STARTS: &[&str] = &["!", "\"", "(", "-", "[", "'", "not", "true", "false"];
    fn push(words: &mut Vec<String>, s: &str) {
        if !words.iter().any(|w| w == s) {
            words.push(s.to_string());
        }
    }
    let mut words: Vec<String> = Vec::new();
    for rule in rules {
        if let Some(phrase) = describe(*rule) {
            push(&mut words, phrase);
        }
    }
    let has = |words: &Vec<String>, phrase: &str| words.iter().any(|w| w == phrase);
    let expects_expression = has(&words, "an expression");
    let expects_name = has(&words, "a name") || has(&words, "a rule id such as `same-region`");
    for token in tokens {
        let token = token.as_str();
        let is_range = token.contains("..") && token.chars().count() == 4;
        let blank = token
            .trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
            .is_empty();
        if blank || token.starts_with("//") || is_range || token == "_" {
            continue;
        }
        let covered = (expects_expression && EXPRESSION_STARTS.contains(&token))
            || (expects_name && token.chars().all(|c| c.is_ascii_alphanumeric()))
            || words.iter().any(|w| w.contains(&format!("`{token}`")))
            || (token == "(" && has(&words, "an operator"));
        if OPERATORS.contains(&token) && !(expects_expression && EXPRESSION_STARTS.contains(&token))
        {
            push(&mut words, "an operator");
        } else if !covered {
            push(&mut words, &format!("`{token}`"));
        }
    }
    // The grammar tests the first character before trying the operators; those
    // characters are covered by "an operator".
    // `=` is named on its own where only it can follow (`param p: int = 1`); after
    // an operand it is one of the operators (and reported as a slip if used).
    if has(&words, "an operator") {
        words.retain(|w| {
            !["`o`", "`a`", "`n`", "`i`", "`|`", "`&`", "`?`", "`=`"].contains(&w.as_str())
        });
    }
    // After an operand only an operator can continue the expression; before one,
    // "an expression" already covers names and strings.
    if has(&words, "an operator") {
        words.retain(|w| w != "an expression");
    } else if has(&words, "an expression") {
        // `if` starts an expression too.
        words.retain(|w| w != "a name" && w != "a string" && w != "`if`");
    }
    // The quotes are what "a string" starts with.
    if has(&words, "a string")
        || has(&words, "an enum member (a string)")
        || has(&words, "an expression")
    {
        words.retain(|w| w != "`\"`" && w != "`'`");
    }
    if has(&words, "an enum member (a string)") {
        words.retain(|w| w != "a string");
    }
    words
}

/// The language's reserved words (language.md §2, and `then`, `else` and
/// `fn` of v2): no name may be one; editors offer them.
pub const KEYWORDS: &[&str] = &[
    "rule", "record", "enum", "input", "data", "param", "severity", "for", "in", "let", "when",
    "require", "message", "help", "and", "or", "not", "has", "if", "then", "else", "fn", "true",
    "false", "error", "warning", "info",
];

/// A phrase for a grammar rule, or `None` for rules not worth naming.
fn describe(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::EOI => "end of file",
        Rule::declaration => {
            "a declaration (`enum`, `record`, `input`, `data`, `param`, `rule` or `fn`)"
        }
        // `at` is a clause keyword only (not reserved), so the parser names it
        // on its own; it is one of the clauses.
        Rule::clause | Rule::kw_at => {
            "a clause (`require`, `when`, `let`, `for`, `severity`, `message`, `help` or `at`)"
        }
        Rule::ident | Rule::name => "a name",
        Rule::rule_id => "a rule id such as `same-region`",
        Rule::type_expr | Rule::named_type | Rule::bracket_type => "a type",
        Rule::expr
        | Rule::paren
        | Rule::list_lit
        | Rule::int_lit
        | Rule::bool_lit
        | Rule::if_expr => "an expression",
        Rule::string_lit | Rule::template | Rule::single_quoted => "a string",
        Rule::enum_member => "an enum member (a string)",
        Rule::field_decl => "a field (`name: Type`)",
        Rule::open_mark => "`..`",
        Rule::fn_param => "a parameter (`name: Type`)",
        Rule::fn_params => "`(`",
        Rule::kw_fn => "`fn`",
        Rule::kw_then => "`then`",
        Rule::kw_else => "`else`",
        Rule::severity_level => "a severity (`error`, `warning` or `info`)",
        Rule::kw_rule => "`rule`",
        Rule::kw_record => "`record`",
        Rule::kw_enum => "`enum`",
        Rule::kw_input => "`input`",
        Rule::kw_data => "`data`",
        Rule::kw_param => "`param`",
        Rule::kw_severity => "`severity`",
        Rule::kw_for | Rule::generator => "`for`",
        Rule::kw_in => "`in`",
        Rule::kw_let => "`let`",
        Rule::kw_when => "`when`",
        Rule::kw_require => "`require`",
        Rule::kw_message => "`message`",
        Rule::kw_help => "`help`",
        Rule::kw_if => "`if`",
        Rule::optional_mark => "`?`",
        Rule::kw_has
        | Rule::has_test
        | Rule::field_access
        | Rule::index
        | Rule::op_or
        | Rule::op_and
        | Rule::op_eq
        | Rule::op_ne
        | Rule::op_lt
        | Rule::op_le
        | Rule::op_gt
        | Rule::op_ge
        | Rule::op_in
        | Rule::op_not_in
        | Rule::op_default
        | Rule::op_add
        | Rule::op_sub
        | Rule::op_mul
        | Rule::op_div => "an operator",
        Rule::template_text | Rule::template_brace | Rule::template_expr | Rule::template_stray => {
            "the rest of the string"
        }
        Rule::call_rest => "`,`",
        _ => return None,
    })
}

/// The token at `at`, for "found …": a word, or one character.
fn found_token(text: &str, at: usize) -> &str {
    let rest = text.get(at..).unwrap_or("");
    let word_len = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    if word_len > 0 {
        return rest.get(..word_len).unwrap_or("");
    }
    rest.chars()
        .next()
        .map_or("", |c| rest.get(..c.len_utf8()).unwrap_or(""))
}

/// Help for common situations, judged from the token found and what was expected.
fn targeted_help(at: &Situation<'_>) -> Option<String> {
    let found = at.found;
    let expects = |phrase: &str| at.expected.iter().any(|e| e == phrase);
    if inside_interpolation(at.before) {
        return Some("`{` in a message starts an interpolation such as `{s.id}`; write `{{` and `}}` for literal braces".into());
    }
    if at.next_declaration && expects("`}`") {
        return Some("a `{` is not closed: add `}` before the next declaration".into());
    }
    let expects_name = at
        .rules
        .iter()
        .any(|r| matches!(r, Rule::ident | Rule::name));
    if expects_name
        && KEYWORDS.contains(&found)
        && at.decl == "record"
        && !at.before.ends_with("record")
    {
        return Some(format!(
            "`{found}` is a keyword: a field of that name is declared quoted, `\"{found}\": TYPE`, and read as `x[\"{found}\"]`"
        ));
    }
    if expects_name && KEYWORDS.contains(&found) {
        return Some(format!(
            "`{found}` is a keyword and cannot be used as a name (of a variable, a field or a type); choose another name"
        ));
    }
    if found == ":" && expects("`=`") {
        return Some("`let` names a value without a type: write `let name = …`".into());
    }
    if matches!(found, "\u{201C}" | "\u{201D}" | "\u{2018}" | "\u{2019}") {
        return Some("use straight double quotes `\"` for strings, not typographic quotes".into());
    }
    if !found.is_ascii() && found.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return Some("names are written with ASCII letters, digits and `_`".into());
    }
    if found == "=" && at.before.ends_with("==") {
        return Some("equality is written `==` (there is no `===`)".into());
    }
    if at.rules.contains(&Rule::enum_member)
        && found.chars().all(|c| c.is_alphanumeric() || c == '_')
    {
        return Some(format!("enum members are strings: write `\"{found}\"`"));
    }
    if at.rules.contains(&Rule::kw_then) {
        return Some("`if` needs `then` after its condition: `if C then A else B`".into());
    }
    if at.rules.contains(&Rule::clause) {
        if found == "if" {
            return Some("`if` is an expression, not a clause: to apply the rule only where a condition holds write `when C`; for a requirement that depends on one write `require if C then … else …`".into());
        }
        if found == "where" {
            return Some("a rule applies only where a condition holds with `when`, as in `when s has target`".into());
        }
        let clauses = [
            "require", "when", "let", "for", "severity", "message", "help",
        ];
        if let Some(keyword) = did_you_mean(found, clauses) {
            return Some(format!("did you mean `{keyword}`?"));
        }
        if at.line_start && starts_expression(found) {
            return Some(format!(
                "did you forget `require`? a condition is written `require {found} …`; a rule body is a list of clauses, each starting with its keyword"
            ));
        }
        if at.line_start {
            return Some("a rule body is a list of clauses, each starting with its keyword, as in `require a == b`".into());
        }
    }
    if at.decl == "fn" && (expects("`=`") || expects("`:`")) && !at.before.contains('=') {
        return Some("a function is written `fn NAME(PARAM: TYPE, …): TYPE = EXPR`: its result type after `:`, then `=` and its body".into());
    }
    if at.rules.contains(&Rule::declaration) {
        let declarations = ["enum", "record", "input", "data", "param", "rule", "fn"];
        if let Some(keyword) = did_you_mean(found, declarations) {
            return Some(format!("did you mean `{keyword}`?"));
        }
    }
    if found == "'" {
        return Some("strings are written in double quotes".into());
    }
    if found == "?"
        || found == ":"
        || (at.before.ends_with('?')
            && !at.before.ends_with("??")
            && at.decl == "rule"
            && at.expected.is_empty())
    {
        return Some("there is no `c ? a : b`; write `if c then a else b`".into());
    }
    None
}

/// The first word of a chunk, after its comments: its declaration keyword.
fn first_word(text: &str) -> &str {
    let code = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with("//"))
        .unwrap_or("");
    code.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .next()
        .unwrap_or("")
}

/// Whether the text before the error ends inside the `{…}` of a `message` or
/// `help` string on the same line.
fn inside_interpolation(before: &str) -> bool {
    let line = before.rsplit('\n').next().unwrap_or("");
    let Some(start) = ["message \"", "help \""]
        .iter()
        .filter_map(|k| line.rfind(k).map(|i| i + k.len()))
        .max()
    else {
        return false;
    };
    let mut depth = 0usize;
    let mut chars = line.get(start..).unwrap_or("").chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' | '}' if chars.peek() == Some(&c) => {
                chars.next();
            }
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            '"' if depth == 0 => return false,
            _ => {}
        }
    }
    depth > 0
}

/// Whether a token can start an expression (a name, a number, a string, a bracket).
fn starts_expression(token: &str) -> bool {
    token.starts_with(|c: char| {
        c.is_ascii_alphanumeric() || matches!(c, '_' | '"' | '(' | '[' | '-')
    })
}

fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

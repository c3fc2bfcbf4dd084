//! Reading a test file (`tests/*.test.yaml`, cli.md "Test files") into
//! [`TestCase`]s, with a located diagnostic for everything malformed.

use std::path::{Path, PathBuf};

use crate::data::node::{Entry, Node, NodeKind};
use crate::diagnostic::{Code, Diagnostic};
use crate::eval::OutcomeKind;
use crate::source::{FileId, Span};
use crate::suggest;

/// One test case of a test file.
#[derive(Debug, Clone)]
pub struct TestCase {
    /// Its `name`.
    pub name: String,
    /// Where the case starts in the test file.
    pub span: Span,
    /// Its input document.
    pub input: TestInput,
    /// `today`, as written.
    pub today: Option<String>,
    /// `params`, as `NAME=VALUE` pairs.
    pub params: Vec<(String, String)>,
    /// `data` overrides, resolved against the test file's directory.
    pub data: Vec<(String, PathBuf)>,
    /// What the rules must come to.
    pub expect: Vec<Expectation>,
    /// `waivers`: a list of waivers as a waiver file writes them, applied to
    /// the case's findings (checked when the case runs, against its `today`).
    pub waivers: Option<Node>,
}

/// Where a test's input document is.
#[derive(Debug, Clone)]
pub enum TestInput {
    /// A file, resolved against the test file's directory.
    File(PathBuf),
    /// A mapping written in the test file itself.
    Inline(Node),
}

/// What one rule (or one of its subjects) must come to.
#[derive(Debug, Clone)]
pub struct Expectation {
    /// The rule id.
    pub rule: String,
    /// Where the rule id is written.
    pub rule_span: Span,
    /// A subject path, for per-subject expectations.
    pub subject: Option<String>,
    /// The expected outcome.
    pub outcome: Expected,
}

/// An outcome a test case may expect: one of evaluation's, or `waived` (a
/// finding a waiver of the case accepts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    /// Evaluation's outcome, not waived.
    Kind(OutcomeKind),
    /// A finding accepted by a waiver.
    Waived,
}

impl Expected {
    /// The word, as reports and test files write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Expected::Kind(kind) => kind.as_str(),
            Expected::Waived => "waived",
        }
    }
}

const CASE_KEYS: [&str; 7] = [
    "name", "input", "today", "params", "data", "expect", "waivers",
];

/// Reads the test cases of a parsed test file. `dir` is the test file's
/// directory (paths in it are relative to it); `rules` the pack's rule ids, for
/// "did you mean".
pub fn read(
    root: &Node,
    file: FileId,
    dir: &Path,
    rules: &[&str],
    diags: &mut Vec<Diagnostic>,
) -> Vec<TestCase> {
    let span = |n: &Node| Span::new(file, n.start as usize, n.end as usize);
    let key_span = |e: &Entry| Span::new(file, e.key_start as usize, e.key_end as usize);
    let err = |node: &Node, message: String, help: &str| {
        Diagnostic::error(Code::Test, message)
            .label(span(node), "here")
            .help(help.to_string())
    };
    let NodeKind::Object(top) = &root.kind else {
        diags.push(err(
            root,
            "a test file is a mapping with a `tests` list".into(),
            "start the file with `tests:` and a list of cases",
        ));
        return Vec::new();
    };
    for e in top.iter().filter(|e| e.key != "tests") {
        diags.push(
            Diagnostic::error(
                Code::Test,
                format!("unknown key `{}` in a test file", e.key),
            )
            .label(key_span(e), "not `tests`")
            .help("a test file has one key, `tests`, with the list of cases"),
        );
    }
    let Some(tests) = top.iter().find(|e| e.key == "tests") else {
        diags.push(err(
            root,
            "this test file has no `tests` list".into(),
            "put the cases under `tests:`",
        ));
        return Vec::new();
    };
    let NodeKind::Array(items) = &tests.value.kind else {
        diags.push(err(
            &tests.value,
            "`tests` must be a list of cases".into(),
            "write each case as `- name: …`",
        ));
        return Vec::new();
    };
    let mut cases = Vec::new();
    for item in items {
        let NodeKind::Object(fields) = &item.kind else {
            diags.push(err(
                item,
                "a test case must be a mapping".into(),
                "give it `name`, `input` and `expect`",
            ));
            continue;
        };
        let before = diags.len();
        for e in fields
            .iter()
            .filter(|e| !CASE_KEYS.contains(&e.key.as_str()))
        {
            let help = match suggest::did_you_mean(&e.key, CASE_KEYS) {
                Some(close) => format!("did you mean `{close}`?"),
                None => format!("a case has {}", suggest::list_names(CASE_KEYS, 6)),
            };
            diags.push(
                Diagnostic::error(
                    Code::Test,
                    format!("unknown key `{}` in a test case", e.key),
                )
                .label(key_span(e), "not a key of a test case")
                .help(help),
            );
        }
        let get = |k: &str| fields.iter().find(|e| e.key == k).map(|e| &e.value);
        let name = match get("name").map(|n| &n.kind) {
            Some(NodeKind::Str(s)) => s.clone(),
            Some(_) => {
                diags.push(err(
                    get("name").unwrap_or(item),
                    "`name` must be a string".into(),
                    "name the case in words",
                ));
                String::new()
            }
            None => {
                diags.push(err(
                    item,
                    "this test case has no `name`".into(),
                    "add `name: …` saying what the case shows",
                ));
                String::new()
            }
        };
        let input = match get("input") {
            Some(Node {
                kind: NodeKind::Str(path),
                ..
            }) => Some(TestInput::File(dir.join(path))),
            Some(
                n @ Node {
                    kind: NodeKind::Object(_),
                    ..
                },
            ) => Some(TestInput::Inline(n.clone())),
            Some(n) => {
                diags.push(err(
                    n,
                    "`input` must be a file path or a mapping".into(),
                    "give a path relative to this file, or write the document here",
                ));
                None
            }
            None => {
                diags.push(err(
                    item,
                    "this test case has no `input`".into(),
                    "add `input:` with a file path or the document itself",
                ));
                None
            }
        };
        let today = match get("today") {
            Some(Node {
                kind: NodeKind::Str(s),
                ..
            }) => Some(s.clone()),
            Some(n) => {
                diags.push(err(
                    n,
                    "`today` must be a date `YYYY-MM-DD`".into(),
                    "e.g. `today: 2026-03-01`",
                ));
                None
            }
            None => None,
        };
        let mut params = Vec::new();
        if let Some(node) = get("params") {
            match &node.kind {
                NodeKind::Object(entries) => {
                    for e in entries {
                        match scalar_text(&e.value) {
                            Some(v) => params.push((e.key.clone(), v)),
                            None => diags.push(err(
                                &e.value,
                                format!("the value of param `{}` must be a plain value", e.key),
                                "write a number, a boolean, a date or a string",
                            )),
                        }
                    }
                }
                _ => diags.push(err(
                    node,
                    "`params` must be a mapping".into(),
                    "e.g. `params: { grace_days: 30 }`",
                )),
            }
        }
        let mut data = Vec::new();
        if let Some(node) = get("data") {
            match &node.kind {
                NodeKind::Object(entries) => {
                    for e in entries {
                        match &e.value.kind {
                            NodeKind::Str(p) => data.push((e.key.clone(), dir.join(p))),
                            _ => diags.push(err(
                                &e.value,
                                format!("the file for data `{}` must be a path", e.key),
                                "give a path relative to this file",
                            )),
                        }
                    }
                }
                _ => diags.push(err(
                    node,
                    "`data` must be a mapping".into(),
                    "e.g. `data: { catalog: fixtures/catalog.yaml }`",
                )),
            }
        }
        let mut expect = Vec::new();
        match get("expect") {
            Some(Node {
                kind: NodeKind::Object(entries),
                ..
            }) => {
                for e in entries {
                    if !rules.contains(&e.key.as_str()) {
                        let help = match suggest::did_you_mean(&e.key, rules.iter().copied()) {
                            Some(close) => format!("did you mean `{close}`?"),
                            None => format!(
                                "the pack's rules are {}",
                                suggest::list_names(rules.iter().copied(), 30)
                            ),
                        };
                        diags.push(
                            Diagnostic::error(
                                Code::Test,
                                format!("the pack has no rule `{}`", e.key),
                            )
                            .label(key_span(e), "not a rule of the pack")
                            .help(help),
                        );
                        continue;
                    }
                    match &e.value.kind {
                        NodeKind::Object(subjects) => {
                            for s in subjects {
                                if let Some(outcome) = outcome(&s.value, diags, file) {
                                    expect.push(Expectation {
                                        rule: e.key.clone(),
                                        rule_span: key_span(e),
                                        subject: Some(s.key.clone()),
                                        outcome,
                                    });
                                }
                            }
                        }
                        _ => {
                            if let Some(outcome) = outcome(&e.value, diags, file) {
                                expect.push(Expectation {
                                    rule: e.key.clone(),
                                    rule_span: key_span(e),
                                    subject: None,
                                    outcome,
                                });
                            }
                        }
                    }
                }
            }
            Some(n) => diags.push(err(
                n,
                "`expect` must be a mapping of rule ids".into(),
                "e.g. `expect: { same-region: fail }`",
            )),
            None => diags.push(err(
                item,
                "this test case has no `expect`".into(),
                "add `expect:` with the outcome of each rule it is about",
            )),
        }
        if diags.len() > before {
            continue;
        }
        if expect.is_empty() {
            diags.push(
                Diagnostic::warning(
                    Code::Test,
                    "this test case expects nothing, so it checks nothing",
                )
                .label(span(item), "here")
                .help("name the rules it is about under `expect:`"),
            );
        }
        if let Some(input) = input {
            cases.push(TestCase {
                name,
                span: span(item),
                input,
                today,
                params,
                data,
                expect,
                waivers: get("waivers").cloned(),
            });
        }
    }
    cases
}

/// An expected outcome: `pass`, `fail`, `skip`, `error` or `waived`.
fn outcome(node: &Node, diags: &mut Vec<Diagnostic>, file: FileId) -> Option<Expected> {
    const WORDS: [&str; 5] = ["pass", "fail", "skip", "error", "waived"];
    let found = match &node.kind {
        NodeKind::Str(s) => match s.as_str() {
            "pass" => return Some(Expected::Kind(OutcomeKind::Pass)),
            "fail" => return Some(Expected::Kind(OutcomeKind::Fail)),
            "skip" => return Some(Expected::Kind(OutcomeKind::Skip)),
            "error" => return Some(Expected::Kind(OutcomeKind::Error)),
            "waived" => return Some(Expected::Waived),
            other => other.to_string(),
        },
        _ => String::new(),
    };
    let help = match suggest::did_you_mean(&found, WORDS) {
        Some(close) if !found.is_empty() => format!("did you mean `{close}`?"),
        _ => "an outcome is `pass`, `fail`, `skip`, `error` or `waived`".to_string(),
    };
    diags.push(
        Diagnostic::error(
            Code::Test,
            "an expected outcome must be `pass`, `fail`, `skip`, `error` or `waived`",
        )
        .label(
            Span::new(file, node.start as usize, node.end as usize),
            "here",
        )
        .help(help),
    );
    None
}

/// A plain value as the command line would give it (`--param NAME=VALUE`).
fn scalar_text(node: &Node) -> Option<String> {
    match &node.kind {
        NodeKind::Str(s) => Some(s.clone()),
        NodeKind::Int(i) => Some(i.to_string()),
        NodeKind::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

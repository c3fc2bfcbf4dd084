//! Baselines (`--baseline FILE`, signoff.md §2): the JSON output of an earlier
//! run, read so that each finding of this run is `new` or `unchanged`, and the
//! baseline's findings that are gone are `fixed`.
//!
//! A finding is identified by its rule, document and subject, never by a line
//! number: editing other parts of a plan moves lines, not findings.

use std::collections::HashMap;
use std::path::Path;

use crate::data::json::parse_json_with;
use crate::data::node::{Entry, Node, NodeKind};
use crate::data::read::{Input, load_error, read_input};
use crate::diagnostic::{Code, Diagnostic};
use crate::limits::Limits;
use crate::run::BaselineMark;
use crate::source::{FileId, Sources, Span};

/// The version of the JSON form this build writes and reads as a baseline.
pub const JSON_FORM_VERSION: i64 = 1;

/// A finding of the baseline that this run no longer has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixedFinding {
    /// The rule id.
    pub rule: String,
    /// The document it was in.
    pub document: String,
    /// Its subject.
    pub subject: String,
    /// Its message, as the baseline run wrote it.
    pub message: String,
}

/// What identifies a finding across runs: rule, document, subject.
type Key = (String, String, String);

/// A baseline, read: its findings by identity, each to be claimed by at most
/// one finding of this run.
#[derive(Debug)]
pub struct Baseline {
    /// The file, as named on the command line.
    pub file: String,
    /// The pack digest the baseline run recorded, with where it is written
    /// (`None` for an output without provenance).
    pub digest: Option<(String, Span)>,
    findings: Vec<FixedFinding>,
    /// The baseline's findings not yet claimed, by identity.
    unclaimed: HashMap<Key, Vec<usize>>,
    claimed: Vec<bool>,
}

impl Baseline {
    /// Reads a baseline file; its problems, located, when it is not the JSON
    /// output of a preflight run of this version of the JSON form.
    pub fn load(path: &Path, sources: &mut Sources) -> Result<Baseline, Vec<Diagnostic>> {
        let (name, text) = read_input(&Input::File(path.to_path_buf())).map_err(|e| {
            let mut d = e.into_diagnostic(sources);
            d.code = Code::Baseline;
            vec![d.help("`--baseline` takes the output of an earlier `preflight check -f json`")]
        })?;
        let file = sources.add(name.clone(), text.as_str());
        let root = parse_json_with(&text, 0, &Limits::default()).map_err(|e| {
            let mut d = load_error(&e, file);
            d.code = Code::Baseline;
            vec![d.help("a baseline is the output of `preflight check -f json`, unchanged")]
        })?;
        Baseline::read(&root, file, name)
    }

    /// Reads the parsed JSON output of a run.
    fn read(root: &Node, file: FileId, name: String) -> Result<Baseline, Vec<Diagnostic>> {
        let span = |n: &Node| Span::new(file, n.start as usize, n.end as usize);
        let not_output = |n: &Node, why: &str| {
            Diagnostic::error(
                Code::Baseline,
                format!("`{name}` is not the JSON output of a preflight run: {why}"),
            )
            .label(span(n), "here")
            .help("make the baseline with `preflight check … -f json > baseline.json`")
        };
        let NodeKind::Object(top) = &root.kind else {
            return Err(vec![not_output(root, "it is not a JSON object")]);
        };
        fn field<'n>(fields: &'n [Entry], key: &str) -> Option<&'n Node> {
            fields.iter().find(|e| e.key == key).map(|e| &e.value)
        }
        match field(top, "version").map(|n| (n, &n.kind)) {
            Some((_, NodeKind::Int(JSON_FORM_VERSION))) => {}
            Some((n, NodeKind::Int(v))) => {
                return Err(vec![
                    Diagnostic::error(
                        Code::Baseline,
                        format!(
                            "`{name}` is version {v} of the JSON form; this preflight reads version {JSON_FORM_VERSION}"
                        ),
                    )
                    .label(span(n), "another version")
                    .help("make the baseline again with this version of preflight"),
                ]);
            }
            Some((n, _)) => return Err(vec![not_output(n, "its `version` is not a number")]),
            None => return Err(vec![not_output(root, "it has no `version`")]),
        }
        let Some(list) = field(top, "findings") else {
            return Err(vec![not_output(root, "it has no `findings` list")]);
        };
        let NodeKind::Array(items) = &list.kind else {
            return Err(vec![not_output(list, "its `findings` is not a list")]);
        };
        let mut problems = Vec::new();
        let mut findings = Vec::with_capacity(items.len());
        for item in items {
            let NodeKind::Object(fields) = &item.kind else {
                problems.push(not_output(item, "a finding is not an object"));
                continue;
            };
            let text = |key: &str| match field(fields, key).map(|n| &n.kind) {
                Some(NodeKind::Str(s)) => Some(s.clone()),
                _ => None,
            };
            match (text("rule"), text("document"), text("subject")) {
                (Some(rule), Some(document), Some(subject)) => findings.push(FixedFinding {
                    rule,
                    document,
                    subject,
                    message: text("message").unwrap_or_default(),
                }),
                _ => problems.push(not_output(
                    item,
                    "a finding lacks a `rule`, `document` or `subject` string",
                )),
            }
            // One report of a malformed list is enough.
            if problems.len() >= 3 {
                break;
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let digest = field(top, "provenance")
            .and_then(|p| match &p.kind {
                NodeKind::Object(f) => field(f, "pack"),
                _ => None,
            })
            .and_then(|p| match &p.kind {
                NodeKind::Object(f) => field(f, "digest"),
                _ => None,
            })
            .and_then(|d| match &d.kind {
                NodeKind::Str(s) => Some((s.clone(), span(d))),
                _ => None,
            });
        let mut unclaimed: HashMap<Key, Vec<usize>> = HashMap::with_capacity(findings.len());
        // Claimed first to last, so a repeated identity pairs up in order.
        for (i, f) in findings.iter().enumerate().rev() {
            let key = (f.rule.clone(), f.document.clone(), f.subject.clone());
            unclaimed.entry(key).or_default().push(i);
        }
        Ok(Baseline {
            file: name,
            digest,
            claimed: vec![false; findings.len()],
            findings,
            unclaimed,
        })
    }

    /// Whether the baseline has this finding of the run; a finding it has is
    /// claimed, so that it is not also `fixed`.
    pub fn mark(&mut self, rule: &str, document: &str, subject: &str) -> BaselineMark {
        let key = (rule.to_string(), document.to_string(), subject.to_string());
        match self.unclaimed.get_mut(&key).and_then(Vec::pop) {
            Some(i) => {
                if let Some(c) = self.claimed.get_mut(i) {
                    *c = true;
                }
                BaselineMark::Unchanged
            }
            None => BaselineMark::New,
        }
    }

    /// The baseline's findings that no finding of the run claimed, in the
    /// baseline's order.
    pub fn fixed(self) -> Vec<FixedFinding> {
        self.findings
            .into_iter()
            .zip(self.claimed)
            .filter(|(_, claimed)| !claimed)
            .map(|(f, _)| f)
            .collect()
    }
}

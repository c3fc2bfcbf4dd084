//! Waiver files (`--waivers FILE`, signoff.md §1): read, checked against the
//! pack and the run's date, and held ready for the judge to match findings.
//!
//! Everything that is wrong with a file is a located error, and a run with
//! any such error waives nothing: a half-applied waiver file must never pass
//! a plan. The same reader serves the `waivers:` of a test case.

use std::path::Path;
use std::sync::Arc;

use jiff::civil::Date;

use super::glob::Pattern;
use crate::data::load::parse_data_file;
use crate::data::node::{Entry, Node, NodeKind};
use crate::data::read::{Input, load_error, read_input};
use crate::diagnostic::{Code, Diagnostic};
use crate::limits::Limits;
use crate::model::program::Program;
use crate::run::AppliedWaiver;
use crate::source::{FileId, Sources, Span};
use crate::suggest;

/// How many days after the run's date a waiver may expire, unless
/// `--max-waiver-days` says otherwise: a year, so that every accepted risk is
/// looked at again at least yearly.
pub const DEFAULT_MAX_WAIVER_DAYS: u32 = 365;

/// The fields of a waiver, in the order help lists them.
const FIELDS: [&str; 7] = [
    "rule",
    "document",
    "subject",
    "reason",
    "owner",
    "approved_by",
    "expires",
];

/// One waiver, checked.
#[derive(Debug, Clone)]
pub struct Waiver {
    /// What the reports show on a finding it accepts.
    pub shown: Arc<AppliedWaiver>,
    /// The index of its rule in the program.
    pub rule: usize,
    /// Its rule id, as written.
    pub rule_id: String,
    /// The documents it applies to; `None`: any.
    pub document: Option<Pattern>,
    /// The subjects it applies to; `None`: any.
    pub subject: Option<Pattern>,
    /// Whether its `expires` is before the run's date: it then applies to
    /// nothing, and is reported.
    pub expired: bool,
    /// The first line of its entry, for diagnostics about it.
    pub span: Span,
}

impl Waiver {
    /// Whether it names one document and one subject exactly: only such a
    /// waiver may accept an `error` outcome (an evaluation that could not
    /// finish is never waived by a pattern).
    pub fn is_exact(&self) -> bool {
        let exact = |p: &Option<Pattern>| p.as_ref().is_some_and(Pattern::is_exact);
        exact(&self.document) && exact(&self.subject)
    }

    /// Whether it applies to this document and subject (its rule aside).
    pub fn covers(&self, document: &str, subject: &str) -> bool {
        let ok = |p: &Option<Pattern>, text: &str| p.as_ref().is_none_or(|p| p.matches(text));
        ok(&self.document, document) && ok(&self.subject, subject)
    }
}

/// What waivers are checked against: the pack's rules, the run's date and
/// the horizon.
#[derive(Debug, Clone, Copy)]
pub struct WaiverContext<'a> {
    /// The pack, for rule ids.
    pub program: &'a Program,
    /// The run's date (`--today`).
    pub today: Date,
    /// `--max-waiver-days`: how far after `today` an `expires` may be.
    pub max_days: u32,
}

/// Reads every waiver file, in order: the waivers and the problems found.
/// When any problem is an error, no waiver is returned.
pub fn load_files(
    paths: &[impl AsRef<Path>],
    context: WaiverContext<'_>,
    sources: &mut Sources,
) -> (Vec<Waiver>, Vec<Diagnostic>) {
    let mut waivers = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        let (name, text) = match read_input(&Input::File(path.as_ref().to_path_buf())) {
            Ok(read) => read,
            Err(e) => {
                let mut d = e.into_diagnostic(sources);
                d.code = Code::Waiver;
                problems
                    .push(d.help("`--waivers` takes a YAML or JSON file with a `waivers:` list"));
                continue;
            }
        };
        let file = sources.add(name.clone(), text.as_str());
        match parse_data_file(&name, &text, &Limits::default()) {
            Err(e) => {
                let mut d = load_error(&e, file);
                d.code = Code::Waiver;
                problems.push(d);
            }
            Ok(root) => {
                let reader = Reader {
                    file,
                    name: &name,
                    text: &text,
                    context,
                };
                if let Some(list) = reader.top(&root, &mut problems) {
                    waivers.extend(reader.list(list, &mut problems));
                }
            }
        }
    }
    if problems.iter().any(Diagnostic::is_error) {
        waivers.clear();
    }
    (waivers, problems)
}

/// Reads a `waivers:` list written in another file (a test case's), whose
/// text is `text` in `file` named `name`. When any problem is an error, no
/// waiver is returned.
pub fn read_list(
    list: &Node,
    file: FileId,
    name: &str,
    text: &str,
    context: WaiverContext<'_>,
) -> (Vec<Waiver>, Vec<Diagnostic>) {
    let reader = Reader {
        file,
        name,
        text,
        context,
    };
    let mut problems = Vec::new();
    let mut waivers = reader.list(list, &mut problems);
    if problems.iter().any(Diagnostic::is_error) {
        waivers.clear();
    }
    (waivers, problems)
}

/// The diagnostic of an expired waiver: it no longer applies.
pub fn expired(w: &Waiver) -> Diagnostic {
    Diagnostic::warning(
        Code::WaiverExpired,
        format!(
            "the waiver of `{}` expired on {}, owner {}",
            w.rule_id, w.shown.expires, w.shown.owner
        ),
    )
    .label(w.span, "expired: it no longer applies")
    .help("the findings it accepted are reported again; renew it with a later `expires` if the risk is still accepted, or remove it")
}

/// The diagnostic of a waiver that matched no finding of the run.
pub fn unused(w: &Waiver) -> Diagnostic {
    Diagnostic::info(
        Code::WaiverUnused,
        format!("the waiver of `{}` matches no finding", w.rule_id),
    )
    .label(w.span, "matched nothing in this run")
    .help("remove it, or check its rule, document and subject against the names the JSON form reports")
}

/// The diagnostic of a pattern waiver whose only matches are `error`
/// outcomes, which it may not accept.
pub fn only_errors(w: &Waiver, count: u64) -> Diagnostic {
    Diagnostic::info(
        Code::WaiverUnused,
        format!(
            "the waiver of `{}` matches only {count} `error` outcome(s), which a pattern cannot accept",
            w.rule_id
        ),
    )
    .label(w.span, "accepted nothing in this run")
    .help("an evaluation that could not finish is accepted only by a waiver that names its `document` and `subject` exactly")
}

/// Reads one file's waivers.
struct Reader<'a> {
    file: FileId,
    name: &'a str,
    text: &'a str,
    context: WaiverContext<'a>,
}

impl Reader<'_> {
    fn span(&self, start: u32, end: u32) -> Span {
        Span::new(self.file, start as usize, end as usize)
    }

    fn node_span(&self, n: &Node) -> Span {
        self.span(n.start, n.end)
    }

    fn key_span(&self, e: &Entry) -> Span {
        self.span(e.key_start, e.key_end)
    }

    /// The span of a node's first line: how an entry is pointed at.
    fn first_line(&self, n: &Node) -> Span {
        let start = n.start as usize;
        let rest = self.text.get(start..n.end as usize).unwrap_or_default();
        let len = rest.find('\n').unwrap_or(rest.len());
        let line = rest.get(..len).unwrap_or_default().trim_end();
        Span::new(self.file, start, start + line.len().max(1))
    }

    /// The `waivers` list of the top-level mapping.
    fn top<'n>(&self, root: &'n Node, problems: &mut Vec<Diagnostic>) -> Option<&'n Node> {
        let NodeKind::Object(top) = &root.kind else {
            problems.push(
                Diagnostic::error(Code::Waiver, "a waiver file is a mapping with a `waivers` list")
                    .label(self.first_line(root), "not a mapping")
                    .help("start the file with `waivers:` and a list of entries, each with `rule`, `reason`, `owner` and `expires`"),
            );
            return None;
        };
        for e in top.iter().filter(|e| e.key != "waivers") {
            let help = match suggest::did_you_mean(&e.key, ["waivers"]) {
                Some(_) => "did you mean `waivers`?".to_string(),
                None => {
                    "a waiver file has one key, `waivers`, with the list of waivers".to_string()
                }
            };
            problems.push(
                Diagnostic::error(
                    Code::Waiver,
                    format!("unknown key `{}` in a waiver file", e.key),
                )
                .label(self.key_span(e), "not `waivers`")
                .help(help),
            );
        }
        let Some(list) = top.iter().find(|e| e.key == "waivers") else {
            problems.push(
                Diagnostic::error(
                    Code::Waiver,
                    format!("`{}` has no `waivers` list", self.name),
                )
                .label(self.first_line(root), "no `waivers` here")
                .help("put the waivers under `waivers:`"),
            );
            return None;
        };
        Some(&list.value)
    }

    /// Every waiver of a list.
    fn list(&self, list: &Node, problems: &mut Vec<Diagnostic>) -> Vec<Waiver> {
        let NodeKind::Array(items) = &list.kind else {
            problems.push(
                Diagnostic::error(Code::Waiver, "`waivers` must be a list")
                    .label(self.node_span(list), "not a list")
                    .help("write each waiver as `- rule: …` on a line of its own"),
            );
            return Vec::new();
        };
        items
            .iter()
            .filter_map(|item| self.waiver(item, problems))
            .collect()
    }

    /// One waiver; `None` when it has an error (reported).
    fn waiver(&self, item: &Node, problems: &mut Vec<Diagnostic>) -> Option<Waiver> {
        let NodeKind::Object(fields) = &item.kind else {
            problems.push(
                Diagnostic::error(Code::Waiver, "a waiver must be a mapping")
                    .label(self.first_line(item), "not a mapping")
                    .help("give it `rule`, `reason`, `owner` and `expires`"),
            );
            return None;
        };
        let before = problems.len();
        let here = self.first_line(item);
        for e in fields.iter().filter(|e| !FIELDS.contains(&e.key.as_str())) {
            let help = match suggest::did_you_mean(&e.key, FIELDS) {
                Some(close) => format!("did you mean `{close}`?"),
                None => format!(
                    "a waiver has the fields {}",
                    suggest::list_names(FIELDS, 10)
                ),
            };
            problems.push(
                Diagnostic::error(
                    Code::Waiver,
                    format!("unknown field `{}` in a waiver", e.key),
                )
                .label(self.key_span(e), "not a field of a waiver")
                .help(help),
            );
        }
        let field = |name: &str| fields.iter().find(|e| e.key == name);
        let rule = self.required(
            field("rule"),
            "rule",
            here,
            problems,
            "name the rule it accepts: `rule: RULE-ID` (`preflight rules` lists them)",
        );
        let reason = self.required(
            field("reason"),
            "reason",
            here,
            problems,
            "say why the finding is accepted: `reason: \"…\"`",
        );
        let owner = self.required(
            field("owner"),
            "owner",
            here,
            problems,
            "say who answers for it: `owner: name@example.com`",
        );
        let expires = self.required(
            field("expires"),
            "expires",
            here,
            problems,
            "give the last day it applies: `expires: YYYY-MM-DD`",
        );
        let approved_by = field("approved_by").and_then(|e| self.text_of(e, problems));
        let document = field("document").and_then(|e| self.pattern(e, problems));
        let subject = field("subject").and_then(|e| self.pattern(e, problems));
        let rule_index = rule
            .as_ref()
            .and_then(|(id, node)| self.rule(id, node, problems));
        let expires_on = expires
            .as_ref()
            .and_then(|(text, node)| self.date(text, node, problems));
        if problems.len() > before {
            return None;
        }
        let ((rule_id, _), (reason, _), (owner, _), (expires, _), Some(rule), Some(expires_on)) =
            (rule?, reason?, owner?, expires?, rule_index, expires_on)
        else {
            return None;
        };
        let line = self.line_of(item.start);
        let waiver = Waiver {
            shown: Arc::new(AppliedWaiver {
                file: self.name.to_string(),
                line,
                reason,
                owner,
                approved_by,
                expires,
            }),
            rule,
            rule_id,
            document,
            subject,
            expired: expires_on < self.context.today,
            span: here,
        };
        if waiver.expired {
            problems.push(expired(&waiver));
        }
        Some(waiver)
    }

    /// The 1-based line of a byte offset.
    fn line_of(&self, offset: u32) -> usize {
        let before = self.text.get(..offset as usize).unwrap_or(self.text);
        before.bytes().filter(|b| *b == b'\n').count() + 1
    }

    /// A required text field, with its node: reported when missing or not
    /// text.
    fn required<'n>(
        &self,
        entry: Option<&'n Entry>,
        name: &str,
        here: Span,
        problems: &mut Vec<Diagnostic>,
        help: &str,
    ) -> Option<(String, &'n Node)> {
        let Some(entry) = entry else {
            problems.push(
                Diagnostic::error(Code::Waiver, format!("this waiver has no `{name}`"))
                    .label(here, format!("`{name}` is required"))
                    .help(help.to_string()),
            );
            return None;
        };
        let text = self.text_of(entry, problems)?;
        if text.trim().is_empty() && name != "rule" {
            problems.push(
                Diagnostic::error(Code::Waiver, format!("`{name}` is empty"))
                    .label(self.node_span(&entry.value), "nothing written here")
                    .help(help.to_string()),
            );
            return None;
        }
        Some((text, &entry.value))
    }

    /// A field's value as text; reported when it is not text.
    fn text_of(&self, entry: &Entry, problems: &mut Vec<Diagnostic>) -> Option<String> {
        match &entry.value.kind {
            NodeKind::Str(s) => Some(s.clone()),
            _ => {
                problems.push(
                    Diagnostic::error(Code::Waiver, format!("`{}` must be text", entry.key))
                        .label(self.node_span(&entry.value), "not text")
                        .help("quote the value: `\"…\"`"),
                );
                None
            }
        }
    }

    /// The rule a waiver names, by index; reported when the pack has none of
    /// that id.
    fn rule(&self, id: &str, node: &Node, problems: &mut Vec<Diagnostic>) -> Option<usize> {
        let rules = &self.context.program.rules;
        if let Some(i) = rules.iter().position(|r| r.id == id) {
            return Some(i);
        }
        let ids = rules.iter().map(|r| r.id.as_str());
        let help = match suggest::did_you_mean(id, ids.clone()) {
            Some(close) => format!("did you mean `{close}`?"),
            None => format!(
                "the pack's rules are {}; `preflight rules` lists them",
                suggest::list_names(ids, 12)
            ),
        };
        problems.push(
            Diagnostic::error(Code::Waiver, format!("the pack has no rule `{id}`"))
                .label(self.node_span(node), "not a rule of the pack")
                .help(help),
        );
        None
    }

    /// `expires`, checked: a date, not past the horizon.
    fn date(&self, text: &str, node: &Node, problems: &mut Vec<Diagnostic>) -> Option<Date> {
        let date = match crate::model::date::parse_date(text) {
            Ok(d) => d,
            Err(why) => {
                problems.push(
                    Diagnostic::error(Code::Waiver, format!("`expires`: {why}"))
                        .label(self.node_span(node), "not a date")
                        .help("write the last day the waiver applies as `YYYY-MM-DD`"),
                );
                return None;
            }
        };
        let WaiverContext {
            today, max_days, ..
        } = self.context;
        let horizon = today
            .checked_add(jiff::Span::new().days(i64::from(max_days)))
            .unwrap_or(Date::MAX);
        if date > horizon {
            problems.push(
                Diagnostic::error(
                    Code::Waiver,
                    format!(
                        "`expires` is {date}, more than {max_days} days after today ({today})"
                    ),
                )
                .label(self.node_span(node), format!("the latest allowed is {horizon}"))
                .help("accept a risk for a bounded time and renew the waiver when it runs out; `--max-waiver-days` sets the horizon"),
            );
            return None;
        }
        Some(date)
    }

    /// A `document` or `subject` pattern; reported when it is not a valid glob.
    fn pattern(&self, entry: &Entry, problems: &mut Vec<Diagnostic>) -> Option<Pattern> {
        let text = self.text_of(entry, problems)?;
        match Pattern::parse(&text) {
            Ok(p) => Some(p),
            Err(e) => {
                let node = &entry.value;
                // Point inside the value when it is written as it reads
                // (quoted or not, without escapes); else at the whole value.
                let written = self
                    .text
                    .get(node.start as usize..node.end as usize)
                    .unwrap_or_default();
                let inner = match written.as_bytes().first() {
                    Some(b'"' | b'\'') => 1,
                    _ => 0,
                };
                let span = if written.get(inner..inner + text.len()) == Some(text.as_str()) {
                    let at = node.start as usize + inner + e.offset;
                    Span::new(self.file, at, at + e.len.max(1))
                } else {
                    self.node_span(node)
                };
                problems.push(
                    Diagnostic::error(
                        Code::Waiver,
                        format!("`{}` is not a valid glob: {}", entry.key, e.reason),
                    )
                    .label(span, "here")
                    .help(e.help),
                );
                None
            }
        }
    }
}

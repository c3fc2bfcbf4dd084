//! Findings as JUnit XML, so that CI dashboards show checks as tests (cli.md,
//! "Output forms").
//!
//! One `<testsuite>` per document, named after it, with one `<testcase>` per rule
//! of the pack (by rule id): a rule with a `fail` finding is a `<failure>` whose
//! text lists every finding of the rule in that document with its
//! `file:line:column` (`error` outcomes of the same rule too); a rule with only
//! `error` outcomes is an `<error>`; a rule that had no subject, or whose every
//! subject was skipped, is `<skipped/>`; any other rule passed.
//!
//! A run keeps passes and skips only with `--show all`. When it did (every
//! outcome counted in the tally is at hand), rules are judged as above; when it
//! did not, a rule without a finding in a document counts as passed, since
//! nothing tells a rule that passed from one that was skipped.
//!
//! A document that could not be read or conformed is a suite with one testcase,
//! `load`, in error with the problems found in it; problems that belong to no
//! document (an unreadable file, a data file, a setting) go to a last suite
//! named `preflight`, in a testcase named `run`. When they are all notes (a
//! waiver that matched nothing), `run` passes and lists them in its
//! `<system-out>`: a note alone does not make a run incomplete.
//!
//! Sign-off (signoff.md §1, §3): a waived finding does not fail its rule. A
//! rule whose findings in a document are all waived is `<skipped>`, its message
//! giving each waiver (`waived: REASON (owner O, approved by A, until D;
//! FILE:LINE)`, the approver when given); a rule with failing and waived
//! findings is a `<failure>` whose text lists the waived ones after the
//! failing ones, each with its waiver. Every suite starts with `<properties>`
//! holding the run's provenance: `preflight.version`, `pack.name`,
//! `pack.digest`, `today`, `param.NAME` (a text as is, other values as JSON),
//! and `input.FILE.sha256` for the input files of its document (the `preflight`
//! suite, made for them if need be, lists the inputs no document suite does).
//!
//! With `--baseline` (signoff.md §3), each finding in a testcase's text says
//! whether the baseline had it (`new since the baseline`, `unchanged since
//! the baseline`), a failure's message says how many of its findings are
//! new, every suite's properties give `baseline.file`, `baseline.new` and
//! `baseline.fixed` (counts for the run), and the `preflight` suite (made
//! for them if need be) lists each finding of the baseline that is gone as a
//! `baseline.fixed.finding` property: `RULE in DOCUMENT (SUBJECT): MESSAGE`.
//!
//! The XML is written by hand: `& < > " '` are escaped, as are line ends and tabs
//! in attributes, and characters XML 1.0 cannot hold (control characters, U+FFFE,
//! U+FFFF) are written as `\u{…}`.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::path::Path;

use crate::diagnostic::{Diagnostic, Severity};
use crate::eval::OutcomeKind;
use crate::model::program::Program;
use crate::report::counts::Counts as RunCounts;
use crate::report::diagnostics_json::location;
use crate::report::findings::{finding_text, waiver_text};
use crate::run::provenance::{InputDigest, Provenance};
use crate::run::{AppliedWaiver, BaselineMark, Checked, DocumentResult, ReportedOutcome};
use crate::signoff::SignOff;
use crate::source::Sources;

/// Renders the outcomes of a run as one JUnit XML document.
pub fn render(checked: &Checked, program: &Program, signoff: &SignOff) -> String {
    let kept: u64 = checked
        .documents
        .iter()
        .map(|d| d.outcomes.len() as u64)
        .sum();
    let t = checked.tally;
    let all_kept = kept == t.pass + t.fail + t.skip + t.error;
    let mut order: Vec<usize> = (0..program.rules.len()).collect();
    order.sort_by(|a, b| {
        let id = |i: &usize| program.rules.get(*i).map_or("", |r| r.id.as_str());
        id(a).cmp(id(b))
    });
    let mut claimed = vec![false; checked.errors.len()];
    let mut suites = Vec::new();
    for doc in &checked.documents {
        if doc.evaluated {
            suites.push(evaluated_suite(checked, program, doc, &order, all_kept));
        } else {
            let errors: Vec<&Diagnostic> = checked
                .errors
                .iter()
                .zip(claimed.iter_mut())
                .filter(|(d, _)| belongs_to(d, doc, &checked.sources))
                .map(|(d, claimed)| {
                    *claimed = true;
                    d
                })
                .collect();
            suites.push(error_suite(&doc.name, "load", &errors, &checked.sources));
        }
        if let Some(s) = suites.last_mut() {
            s.file = Some(doc.file.as_str());
        }
    }
    let rest: Vec<&Diagnostic> = checked
        .errors
        .iter()
        .zip(&claimed)
        .filter(|(_, claimed)| !**claimed)
        .map(|(d, _)| d)
        .collect();
    let provenance = signoff.provenance.as_ref();
    let fixed = signoff.baseline.as_ref().map(|b| b.fixed.as_slice());
    let inputs = provenance.map_or(&[][..], |p| p.inputs.as_slice());
    let (by_file, orphans) = place_inputs(inputs, &suites);
    if rest.iter().all(|d| d.severity == Severity::Info) && !rest.is_empty() {
        suites.push(notes_suite(&rest, &checked.sources));
    } else if !rest.is_empty() {
        suites.push(error_suite("preflight", "run", &rest, &checked.sources));
    } else if (provenance.is_some() && (suites.is_empty() || !orphans.is_empty()))
        || fixed.is_some_and(|f| !f.is_empty())
    {
        suites.push(Suite {
            name: "preflight".to_string(),
            file: None,
            counts: Counts::default(),
            cases: String::new(),
        });
    }
    let mut total = Counts::default();
    for s in &suites {
        total.add(s.counts);
    }
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"preflight\" {}>",
        total.attributes()
    );
    let mut common = provenance.map(run_properties).unwrap_or_default();
    if let Some(baseline) = &signoff.baseline {
        let mut counts = RunCounts::default();
        for doc in &checked.documents {
            counts.add(program, doc);
        }
        property(&mut common, "baseline.file", &baseline.file);
        property(&mut common, "baseline.new", &counts.new.to_string());
        property(
            &mut common,
            "baseline.fixed",
            &baseline.fixed.len().to_string(),
        );
    }
    for s in &suites {
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" {}>",
            escape(&s.name, true),
            s.counts.attributes()
        );
        if !common.is_empty() {
            out.push_str("    <properties>\n");
            out.push_str(&common);
            let own = match s.file {
                Some(f) => by_file.get(f).map_or(&[][..], Vec::as_slice),
                None => orphans.as_slice(),
            };
            for i in own {
                property(
                    &mut out,
                    &format!("input.{}.sha256", i.file),
                    &i.sha256.hex(),
                );
            }
            if s.file.is_none() {
                for f in fixed.unwrap_or_default() {
                    let finding = format!(
                        "{} in {} ({}): {}",
                        f.rule, f.document, f.subject, f.message
                    );
                    property(&mut out, "baseline.fixed.finding", &finding);
                }
            }
            out.push_str("    </properties>\n");
        }
        out.push_str(&s.cases);
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// The inputs of each document's file (or case directory), and the inputs of
/// none, which the `preflight` suite lists.
fn place_inputs<'a, 'i>(
    inputs: &'i [InputDigest],
    suites: &[Suite<'a>],
) -> (HashMap<&'a str, Vec<&'i InputDigest>>, Vec<&'i InputDigest>) {
    let files: HashSet<&'a str> = suites.iter().filter_map(|s| s.file).collect();
    let mut by_file: HashMap<&'a str, Vec<&'i InputDigest>> = HashMap::new();
    let mut orphans = Vec::new();
    for i in inputs {
        let mut placed = false;
        // A file of a case directory belongs to the directory's document.
        for dir in Path::new(&i.file).ancestors() {
            if let Some(f) = dir.to_str().and_then(|d| files.get(d)) {
                by_file.entry(*f).or_default().push(i);
                placed = true;
            }
        }
        if !placed {
            orphans.push(i);
        }
    }
    (by_file, orphans)
}

/// The properties every suite has: the provenance but its inputs.
fn run_properties(p: &Provenance) -> String {
    let mut out = String::new();
    property(&mut out, "preflight.version", p.version);
    property(&mut out, "pack.name", &p.pack);
    property(&mut out, "pack.digest", &p.digest.to_string());
    property(&mut out, "today", &p.today);
    for (name, value) in &p.params {
        let text = match value {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        property(&mut out, &format!("param.{name}"), &text);
    }
    out
}

/// Writes one `<property>` line.
fn property(out: &mut String, name: &str, value: &str) {
    let _ = writeln!(
        out,
        "      <property name=\"{}\" value=\"{}\"/>",
        escape(name, true),
        escape(value, true)
    );
}

/// Test counts of a suite.
#[derive(Debug, Clone, Copy, Default)]
struct Counts {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
}

impl Counts {
    fn add(&mut self, other: Counts) {
        self.tests += other.tests;
        self.failures += other.failures;
        self.errors += other.errors;
        self.skipped += other.skipped;
    }

    fn attributes(self) -> String {
        format!(
            "tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\"",
            self.tests, self.failures, self.errors, self.skipped
        )
    }
}

/// A suite: its name, the input file of its document, its counts and its
/// testcases, written.
struct Suite<'a> {
    name: String,
    file: Option<&'a str>,
    counts: Counts,
    cases: String,
}

/// The suite of an evaluated document: one testcase per rule, by rule id.
fn evaluated_suite<'a>(
    checked: &Checked,
    program: &Program,
    doc: &'a DocumentResult,
    order: &[usize],
    all_kept: bool,
) -> Suite<'a> {
    let name = escape(&doc.name, true);
    let mut counts = Counts::default();
    let mut cases = String::new();
    for &rule in order {
        let id = program.rule_id(rule);
        let outcomes: Vec<&ReportedOutcome> =
            doc.outcomes.iter().filter(|o| o.rule == rule).collect();
        counts.tests += 1;
        let _ = write!(
            cases,
            "    <testcase name=\"{}\" classname=\"{name}\"",
            escape(id, true)
        );
        // Findings that fail the rule, and findings a waiver accepts.
        let (accepted, failing): (Vec<&ReportedOutcome>, Vec<&ReportedOutcome>) = outcomes
            .iter()
            .copied()
            .filter(|o| o.finding.is_some())
            .partition(|o| o.is_waived());
        let has = |kind: OutcomeKind| failing.iter().any(|o| o.kind == kind);
        let element = if has(OutcomeKind::Fail) {
            counts.failures += 1;
            Some("failure")
        } else if has(OutcomeKind::Error) {
            counts.errors += 1;
            Some("error")
        } else {
            None
        };
        let mut text = String::new();
        for o in &failing {
            text.push_str(&finding_lines(&checked.sources, doc, o));
        }
        for o in &accepted {
            text.push_str(&finding_lines(&checked.sources, doc, o));
        }
        match element {
            Some(element) => {
                let severity = program.severity(rule).as_str();
                let first = failing
                    .first()
                    .and_then(|o| o.finding.as_ref())
                    .map(finding_text)
                    .unwrap_or_default();
                let mut besides = Vec::new();
                if failing.len() > 1 {
                    besides.push(format!("and {} more", failing.len() - 1));
                }
                if failing.iter().any(|o| o.disposition.baseline.is_some()) {
                    let new = failing
                        .iter()
                        .filter(|o| o.disposition.baseline == Some(BaselineMark::New))
                        .count();
                    besides.push(match new {
                        0 => "none new since the baseline".to_string(),
                        n if n == failing.len() && n == 1 => "new since the baseline".to_string(),
                        n if n == failing.len() => "all new since the baseline".to_string(),
                        n => format!("{n} new since the baseline"),
                    });
                }
                if !accepted.is_empty() {
                    besides.push(format!("{} waived", accepted.len()));
                }
                let message = if besides.is_empty() {
                    first
                } else {
                    format!("{first} ({})", besides.join(", "))
                };
                let _ = writeln!(
                    cases,
                    ">\n      <{element} message=\"{}\" type=\"{}\">{}</{element}>\n    </testcase>",
                    escape(&format!("{severity}: {message}"), true),
                    escape(id, true),
                    escape(&text, false)
                );
            }
            None if !accepted.is_empty() => {
                counts.skipped += 1;
                let mut reasons: Vec<&AppliedWaiver> = Vec::new();
                for w in accepted
                    .iter()
                    .filter_map(|o| o.disposition.waiver.as_deref())
                {
                    if !reasons.contains(&w) {
                        reasons.push(w);
                    }
                }
                let message: Vec<String> = reasons.into_iter().map(waiver_text).collect();
                let _ = writeln!(
                    cases,
                    ">\n      <skipped message=\"{}\">{}</skipped>\n    </testcase>",
                    escape(&message.join("; "), true),
                    escape(&text, false)
                );
            }
            None if all_kept && !outcomes.iter().any(|o| o.kind == OutcomeKind::Pass) => {
                counts.skipped += 1;
                let why = if outcomes.is_empty() {
                    "no subject to check"
                } else {
                    "every subject was skipped"
                };
                let _ = writeln!(
                    cases,
                    ">\n      <skipped message=\"{why}\"/>\n    </testcase>"
                );
            }
            None => cases.push_str("/>\n"),
        }
    }
    Suite {
        name: doc.name.clone(),
        file: Some(doc.file.as_str()),
        counts,
        cases,
    }
}

/// The lines of one finding in a failure's text: `file:line:column: message`
/// (the document's name when the finding has no place), then the help.
fn finding_lines(sources: &Sources, doc: &DocumentResult, o: &ReportedOutcome) -> String {
    let Some(f) = &o.finding else {
        return String::new();
    };
    let place = match f.location.and_then(|s| location(sources, s)) {
        Some(l) => format!("{}:{}:{}", l.file, l.line, l.column),
        None => doc.name.clone(),
    };
    let mut out = format!("{place}: {}\n", finding_text(f));
    if let Some(mark) = o.disposition.baseline {
        let _ = writeln!(out, "  {} since the baseline", mark.as_str());
    }
    // A waived finding asks for no fix: what accepts it instead of the help.
    match (&o.disposition.waiver, &f.help) {
        (Some(w), _) => {
            let _ = writeln!(out, "  {}", waiver_text(w));
        }
        (None, Some(help)) => {
            let _ = writeln!(out, "  help: {help}");
        }
        (None, None) => {}
    }
    out
}

/// Whether a problem of the run is about this (unevaluated) document: in a file
/// of several documents its message starts with the document's name, otherwise
/// it points into the document's file.
fn belongs_to(d: &Diagnostic, doc: &DocumentResult, sources: &Sources) -> bool {
    if doc.name != doc.file {
        return d.document.as_deref() == Some(doc.name.as_str());
    }
    d.primary_span()
        .and_then(|s| sources.get(s.file))
        .is_some_and(|f| f.name() == doc.file)
}

/// A suite of one testcase in error with these problems.
fn error_suite<'a>(
    suite: &str,
    case: &str,
    errors: &[&Diagnostic],
    sources: &Sources,
) -> Suite<'a> {
    let name = escape(suite, true);
    // In a suite of its own, the document need not be named again.
    let prefix = format!("{suite}: ");
    let said = |d: &Diagnostic| {
        d.message
            .strip_prefix(prefix.as_str())
            .unwrap_or(&d.message)
            .to_string()
    };
    let message = match errors {
        [] => "could not be checked".to_string(),
        [one] => said(one),
        [first, more @ ..] => format!("{} (and {} more)", said(first), more.len()),
    };
    let kind = errors
        .first()
        .map_or("preflight::data", |d| d.code.as_str());
    Suite {
        name: suite.to_string(),
        file: None,
        counts: Counts {
            tests: 1,
            errors: 1,
            ..Counts::default()
        },
        cases: format!(
            "    <testcase name=\"{case}\" classname=\"{name}\">\n      <error message=\"{}\" type=\"{}\">{}</error>\n    </testcase>\n",
            escape(&message, true),
            escape(kind, true),
            escape(&problem_lines(errors, sources, &said), false)
        ),
    }
}

/// The `preflight` suite of a run whose own problems are all notes: its
/// testcase `run` passes, with the notes as its output.
fn notes_suite<'a>(notes: &[&Diagnostic], sources: &Sources) -> Suite<'a> {
    let said = |d: &Diagnostic| d.message.clone();
    Suite {
        name: "preflight".to_string(),
        file: None,
        counts: Counts {
            tests: 1,
            ..Counts::default()
        },
        cases: format!(
            "    <testcase name=\"run\" classname=\"preflight\">\n      <system-out>{}</system-out>\n    </testcase>\n",
            escape(&problem_lines(notes, sources, &said), false)
        ),
    }
}

/// The text of problems: `file:line:column: message` each (the message
/// alone when it points nowhere), then its help.
fn problem_lines(
    problems: &[&Diagnostic],
    sources: &Sources,
    said: &dyn Fn(&Diagnostic) -> String,
) -> String {
    let mut text = String::new();
    for d in problems {
        match d.primary_span().and_then(|s| location(sources, s)) {
            Some(l) => {
                let _ = writeln!(text, "{}:{}:{}: {}", l.file, l.line, l.column, said(d));
            }
            None => {
                let _ = writeln!(text, "{}", said(d));
            }
        }
        if let Some(help) = &d.help {
            let _ = writeln!(text, "  help: {help}");
        }
    }
    text
}

/// Text escaped for XML 1.0 content (`attribute` false) or a double- or
/// single-quoted attribute value: markup characters as entities; in attributes,
/// line ends and tabs as character references (a parser would turn them into
/// spaces); `\r` everywhere (a parser would turn it into `\n`); characters XML 1.0
/// does not allow as `\u{…}`.
pub fn escape(text: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\n' | '\t' => out.push(c),
            c if allowed_in_xml(c) => out.push(c),
            c => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
        }
    }
    out
}

/// Whether XML 1.0 allows the character (`Char` of the specification, less the
/// line ends and tab handled by [`escape`]).
fn allowed_in_xml(c: char) -> bool {
    matches!(c, '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_keeps_xml_well_formed() {
        assert_eq!(
            escape("a<b>&\"c\" 'd'", false),
            "a&lt;b&gt;&amp;&quot;c&quot; &apos;d&apos;"
        );
        assert_eq!(
            escape("x\u{1b}[2J\u{0}y\u{ffff}", false),
            "x\\u{1b}[2J\\u{0}y\\u{ffff}"
        );
        assert_eq!(escape("a\nb\tc\r", true), "a&#10;b&#9;c&#13;");
        assert_eq!(escape("a\nb\tc", false), "a\nb\tc");
        assert_eq!(escape("é 😀", true), "é 😀");
    }
}

//! Findings as the JSON object of cli.md ("JSON form").
//!
//! The shape is a contract with users' scripts: fields are only ever added.
//! `help`, `location`, `policy` and `values` are left out when there is nothing
//! to say. Additions beyond cli.md: `error` on `error` outcomes (what stopped
//! evaluation), computed sub-values in `values` (with `policy` instead of
//! `location`), `severity`, `help` and `labels` on errors, `warnings` (the
//! pack's), and `outcomes` with `--show all`.

use std::io::{BufWriter, Stdout, Write};

use serde::Serialize;

use super::counts::Counts;
use super::diagnostics_json::{self, JsonDiagnostic, Location, location};
use super::findings::{message, sorted};
use super::form::{Problems, Report, ReportOptions, Threshold, Verdict, program_or_empty};
use crate::diagnostic::Diagnostic;
use crate::model::program::Program;
use crate::run::provenance::Provenance;
use crate::run::{AppliedWaiver, BaselineMark, Checked, DocumentResult, Sink};
use crate::signoff::{BaselineOutcome, SignOff};
use crate::source::Sources;

/// The whole output.
#[derive(Debug, Serialize)]
pub struct Output {
    /// Format version: 1.
    pub version: u32,
    /// Every finding, ordered by input file, document, rule id, subject.
    pub findings: Vec<JsonFinding>,
    /// The fields after the findings.
    #[serde(flatten)]
    pub tail: Tail,
}

/// The fields that follow `findings`: written once every document is checked.
#[derive(Debug, Serialize)]
pub struct Tail {
    /// Problems that made the run untrustworthy.
    pub errors: Vec<JsonDiagnostic>,
    /// Warnings about the pack (they do not change the exit code).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<JsonDiagnostic>,
    /// Counts.
    pub summary: Summary,
    /// With `--show all`: every outcome, findings included.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcomes: Option<Vec<JsonOutcome>>,
    /// With `--baseline`: the baseline's findings this run no longer has.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fixed: Option<Vec<JsonFixed>>,
    /// With `--waivers`: every waiver, with what became of it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub waivers: Vec<JsonWaiverUse>,
    /// What the run was made of (absent when the pack did not load).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provenance: Option<JsonProvenance>,
}

/// A finding of the baseline that is gone.
#[derive(Debug, Serialize)]
pub struct JsonFixed {
    /// The rule id.
    pub rule: String,
    /// The document it was in.
    pub document: String,
    /// Its subject.
    pub subject: String,
    /// Its message in the baseline.
    pub message: String,
}

/// A waiver and what became of it.
#[derive(Debug, Serialize)]
pub struct JsonWaiverUse {
    /// The waiver file.
    pub file: String,
    /// The first line of its entry.
    pub line: usize,
    /// Its rule id.
    pub rule: String,
    /// `applied`, `expired` or `unused`.
    pub status: &'static str,
    /// The findings it matched (an expired one: would have).
    pub matched: u64,
}

/// The waiver that accepted a finding.
#[derive(Debug, Serialize)]
pub struct JsonWaiver {
    /// The waiver file.
    pub file: String,
    /// The first line of its entry.
    pub line: usize,
    /// Why the finding is accepted.
    pub reason: String,
    /// Who answers for it.
    pub owner: String,
    /// Who approved it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approved_by: Option<String>,
    /// The last day it applies.
    pub expires: String,
}

/// The provenance of the run (signoff.md §3).
#[derive(Debug, Serialize)]
pub struct JsonProvenance {
    /// The tool.
    pub tool: JsonTool,
    /// The pack.
    pub pack: JsonPack,
    /// Every param in effect, defaults included.
    pub params: serde_json::Map<String, serde_json::Value>,
    /// The evaluation date.
    pub today: String,
    /// Each input file with its SHA-256.
    pub inputs: Vec<JsonInput>,
}

/// The tool's name and version.
#[derive(Debug, Serialize)]
pub struct JsonTool {
    /// `preflight`.
    pub name: &'static str,
    /// The version.
    pub version: &'static str,
}

/// The pack and its digest.
#[derive(Debug, Serialize)]
pub struct JsonPack {
    /// `builtin:NAME` or the `-p` paths.
    pub name: String,
    /// `sha256:` and 64 hex digits.
    pub digest: String,
}

/// An input file and its SHA-256.
#[derive(Debug, Serialize)]
pub struct JsonInput {
    /// The file as the findings name it.
    pub file: String,
    /// 64 hex digits.
    pub sha256: String,
}

impl JsonWaiver {
    /// The JSON of the waiver that accepts a finding (every form that shows
    /// one in JSON shows it so).
    pub fn of(w: &AppliedWaiver) -> JsonWaiver {
        JsonWaiver {
            file: w.file.clone(),
            line: w.line,
            reason: w.reason.clone(),
            owner: w.owner.clone(),
            approved_by: w.approved_by.clone(),
            expires: w.expires.clone(),
        }
    }
}

impl BaselineSummary {
    /// How a run with `new` and `unchanged` findings compares with `b`.
    pub fn of(b: &BaselineOutcome, new: u64, unchanged: u64) -> BaselineSummary {
        BaselineSummary {
            file: b.file.clone(),
            new,
            unchanged,
            fixed: b.fixed.len(),
            same_pack: b.same_pack,
        }
    }
}

impl JsonProvenance {
    /// The JSON of a run's provenance.
    pub fn of(p: &Provenance) -> JsonProvenance {
        JsonProvenance {
            tool: JsonTool {
                name: p.tool,
                version: p.version,
            },
            pack: JsonPack {
                name: p.pack.clone(),
                digest: p.digest.to_string(),
            },
            params: p.params.iter().cloned().collect(),
            today: p.today.clone(),
            inputs: p
                .inputs
                .iter()
                .map(|i| JsonInput {
                    file: i.file.clone(),
                    sha256: i.sha256.hex(),
                })
                .collect(),
        }
    }
}

/// One finding.
#[derive(Debug, Serialize)]
pub struct JsonFinding {
    /// The rule id.
    pub rule: String,
    /// `error`, `warning` or `info`.
    pub severity: &'static str,
    /// `fail`, `error`, or `waived` when a waiver accepts it.
    pub outcome: &'static str,
    /// The interpolated message.
    pub message: String,
    /// The interpolated help.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// `FILE` or `FILE#N`.
    pub document: String,
    /// The subject's path; `""` for the document.
    pub subject: String,
    /// Where in the input the finding points.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// The failing `require` (or the expression that could not be evaluated).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<Location>,
    /// Values the failing `require` read.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<JsonValue>,
    /// For `error` outcomes: what stopped evaluation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// With `--baseline`: `new` or `unchanged`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<&'static str>,
    /// For a `waived` finding: the waiver that accepts it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waiver: Option<JsonWaiver>,
}

/// A value read by a failing `require` (with its `location` in the input or a
/// data file), or a sub-value it computed (with the `policy` place of the
/// expression instead).
#[derive(Debug, Serialize)]
pub struct JsonValue {
    /// The expression in the policy.
    pub expr: String,
    /// The value.
    pub value: serde_json::Value,
    /// Where the value is written in the input or a data file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// For a computed value: where the expression is in the policy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<Location>,
}

/// Counts of the run.
#[derive(Debug, Serialize)]
pub struct Summary {
    /// Documents evaluated.
    pub documents: usize,
    /// Documents read but not evaluated (they did not parse or conform); each
    /// has its errors in `errors`, with a `document` field naming it.
    pub not_evaluated: usize,
    /// Rules in the pack.
    pub rules: usize,
    /// Outcomes by kind.
    pub outcomes: Outcomes,
    /// Findings by severity (waived ones left out).
    pub findings: Severities,
    /// With `--baseline`: how this run compares with it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineSummary>,
}

/// How a run compares with its baseline.
#[derive(Debug, Serialize)]
pub struct BaselineSummary {
    /// The baseline file.
    pub file: String,
    /// Findings it did not have.
    pub new: u64,
    /// Findings it had too.
    pub unchanged: u64,
    /// Its findings that are gone.
    pub fixed: usize,
    /// Whether it was made with the same pack digest (`null`: it recorded none).
    pub same_pack: Option<bool>,
}

/// Outcomes by kind.
#[derive(Debug, Serialize)]
pub struct Outcomes {
    /// `pass`
    pub pass: u64,
    /// `fail`, not waived.
    pub fail: u64,
    /// `skip`
    pub skip: u64,
    /// `error`, not waived.
    pub error: u64,
    /// Findings a waiver accepts.
    pub waived: u64,
}

/// Findings by severity.
#[derive(Debug, Serialize, Default)]
pub struct Severities {
    /// Severity `error`.
    pub error: u64,
    /// Severity `warning`.
    pub warning: u64,
    /// Severity `info`.
    pub info: u64,
}

/// One outcome, for `--show all`.
#[derive(Debug, Serialize)]
pub struct JsonOutcome {
    /// The rule id.
    pub rule: String,
    /// `FILE` or `FILE#N`.
    pub document: String,
    /// The subject's path.
    pub subject: String,
    /// `pass`, `fail`, `skip`, `error` or `waived`.
    pub outcome: &'static str,
}

/// Builds the JSON output of a run.
pub fn output(
    checked: &Checked,
    program: &Program,
    warnings: &[Diagnostic],
    show_all: bool,
    signoff: &SignOff,
) -> Output {
    let sources = &checked.sources;
    let mut findings = Vec::new();
    let mut outcomes = Vec::new();
    let mut counts = Counts::default();
    for doc in &checked.documents {
        counts.add(program, doc);
        document(
            sources,
            program,
            doc,
            show_all,
            &mut findings,
            &mut outcomes,
        );
    }
    Output {
        version: 1,
        findings,
        tail: tail(
            program,
            &counts,
            diagnostics_json::diagnostics(&checked.errors, sources),
            diagnostics_json::diagnostics(warnings, sources),
            show_all.then_some(outcomes),
            signoff,
        ),
    }
}

/// The findings of one document (and with `show_all` its outcomes), in report
/// order.
fn document(
    sources: &Sources,
    program: &Program,
    doc: &DocumentResult,
    show_all: bool,
    findings: &mut Vec<JsonFinding>,
    outcomes: &mut Vec<JsonOutcome>,
) {
    for o in sorted(&doc.outcomes, program) {
        let rule = program.rule_id(o.rule).to_string();
        if show_all {
            outcomes.push(JsonOutcome {
                rule: rule.clone(),
                document: doc.name.clone(),
                subject: o.subject.clone(),
                outcome: o.word(),
            });
        }
        let Some(f) = &o.finding else { continue };
        let severity = program.severity(o.rule);
        findings.push(JsonFinding {
            rule,
            severity: severity.as_str(),
            outcome: o.word(),
            message: message(f).into_owned(),
            help: f.help.clone(),
            document: doc.name.clone(),
            subject: o.subject.clone(),
            location: f.location.and_then(|s| location(sources, s)),
            policy: f.policy.and_then(|s| location(sources, s)),
            values: f
                .values
                .iter()
                .map(|v| JsonValue {
                    expr: v.expr.clone(),
                    value: v.value.clone(),
                    location: v.location.and_then(|s| location(sources, s)),
                    policy: None,
                })
                .chain(f.computed.iter().map(|c| JsonValue {
                    expr: c.expr.clone(),
                    value: c.value.clone(),
                    location: None,
                    policy: location(sources, c.span),
                }))
                .collect(),
            error: f.error.clone(),
            baseline: o.disposition.baseline.map(BaselineMark::as_str),
            waiver: o.disposition.waiver.as_deref().map(JsonWaiver::of),
        });
    }
}

/// The fields after the findings.
fn tail(
    program: &Program,
    counts: &Counts,
    errors: Vec<JsonDiagnostic>,
    warnings: Vec<JsonDiagnostic>,
    outcomes: Option<Vec<JsonOutcome>>,
    signoff: &SignOff,
) -> Tail {
    let t = counts.outcomes();
    let [error, warning, info] = counts.by_severity;
    Tail {
        errors,
        warnings,
        summary: Summary {
            documents: counts.evaluated,
            not_evaluated: counts.not_evaluated,
            rules: program.rules.len(),
            outcomes: Outcomes {
                pass: t.pass,
                fail: t.fail,
                skip: t.skip,
                error: t.error,
                waived: t.waived,
            },
            findings: Severities {
                error,
                warning,
                info,
            },
            baseline: signoff
                .baseline
                .as_ref()
                .map(|b| BaselineSummary::of(b, counts.new, counts.unchanged)),
        },
        outcomes,
        fixed: signoff.baseline.as_ref().map(|b| {
            b.fixed
                .iter()
                .map(|f| JsonFixed {
                    rule: f.rule.clone(),
                    document: f.document.clone(),
                    subject: f.subject.clone(),
                    message: f.message.clone(),
                })
                .collect()
        }),
        waivers: signoff
            .waivers
            .iter()
            .map(|u| JsonWaiverUse {
                file: u.waiver.file.clone(),
                line: u.waiver.line,
                rule: u.rule.clone(),
                status: u.status.as_str(),
                matched: u.matched,
            })
            .collect(),
        provenance: signoff.provenance.as_ref().map(JsonProvenance::of),
    }
}

/// The JSON form written a document at a time, as a run checks them: the
/// findings as they come, then the errors, the summary and (with `show_all`) the
/// outcomes. The text is the same as [`Output`] pretty-printed.
pub struct Stream<'p, W: Write> {
    program: &'p Program,
    show_all: bool,
    out: W,
    written: usize,
    counts: Counts,
    errors: Vec<JsonDiagnostic>,
    outcomes: Vec<JsonOutcome>,
    /// Reused for each document's findings.
    findings: Vec<JsonFinding>,
}

impl<'p, W: Write> Stream<'p, W> {
    /// A stream writing to `out`; writes the opening at once.
    pub fn new(program: &'p Program, show_all: bool, mut out: W) -> Self {
        let _ = out.write_all(b"{\n  \"version\": 1,\n  \"findings\": [");
        Stream {
            program,
            show_all,
            out,
            written: 0,
            counts: Counts::default(),
            errors: Vec::new(),
            outcomes: Vec::new(),
            findings: Vec::new(),
        }
    }

    /// Keeps a problem of the run for the `errors` field (with its places
    /// resolved now: the text it points into may be gone by the end).
    pub fn error(&mut self, sources: &Sources, error: &Diagnostic) {
        self.errors.extend(diagnostics_json::diagnostics(
            std::slice::from_ref(error),
            sources,
        ));
    }

    /// Writes the findings of one document. A write error (a closed pipe) is
    /// ignored: the run goes on, and its exit code still tells the result.
    pub fn document(&mut self, sources: &Sources, doc: &DocumentResult) {
        self.counts.add(self.program, doc);
        let mut findings = std::mem::take(&mut self.findings);
        document(
            sources,
            self.program,
            doc,
            self.show_all,
            &mut findings,
            &mut self.outcomes,
        );
        let mut text = String::new();
        for finding in findings.drain(..) {
            text.push_str(if self.written == 0 { "\n" } else { ",\n" });
            self.written += 1;
            // Strings in JSON hold no raw line breaks, so indenting by line is safe.
            let json = serde_json::to_string_pretty(&finding).unwrap_or_default();
            for (i, line) in json.lines().enumerate() {
                if i > 0 {
                    text.push('\n');
                }
                text.push_str("    ");
                text.push_str(line);
            }
        }
        self.findings = findings;
        let _ = self.out.write_all(text.as_bytes());
    }

    /// What has been counted so far.
    pub fn counts(&self) -> &Counts {
        &self.counts
    }

    /// Writes the fields after the findings; `warnings` are the pack's.
    pub fn finish(mut self, sources: &Sources, warnings: &[Diagnostic], signoff: &SignOff) -> W {
        let tail = tail(
            self.program,
            &self.counts,
            std::mem::take(&mut self.errors),
            diagnostics_json::diagnostics(warnings, sources),
            self.show_all.then(|| std::mem::take(&mut self.outcomes)),
            signoff,
        );
        let mut text = String::from(if self.written == 0 { "]" } else { "\n  ]" });
        let json = serde_json::to_string_pretty(&tail).unwrap_or_default();
        // Without its braces, the tail is already indented as fields of the whole.
        let lines: Vec<&str> = json.lines().collect();
        if let [_, fields @ .., _] = lines.as_slice() {
            for (i, line) in fields.iter().enumerate() {
                text.push_str(if i == 0 { ",\n" } else { "\n" });
                text.push_str(line);
            }
        }
        text.push_str("\n}\n");
        let _ = self.out.write_all(text.as_bytes());
        let _ = self.out.flush();
        self.out
    }
}

/// `check`'s JSON form on standard output, written as documents are checked;
/// the run's problems go into its `errors`. Without a pack (it did not load)
/// it describes a run of no rules whose errors are the pack's diagnostics.
pub(crate) struct JsonReport<'p> {
    stream: Stream<'p, BufWriter<Stdout>>,
    warnings: Vec<Diagnostic>,
    problems: Problems,
    fail_on: Threshold,
}

impl<'p> JsonReport<'p> {
    /// The form; the opening of the object is written at once.
    pub(crate) fn new(
        options: &ReportOptions,
        program: Option<&'p Program>,
        warnings: &[Diagnostic],
    ) -> Self {
        let stdout = BufWriter::with_capacity(1 << 16, std::io::stdout());
        JsonReport {
            stream: Stream::new(program_or_empty(program), options.show_all, stdout),
            // A pack that did not load has its warnings among the errors.
            warnings: if program.is_some() {
                warnings.to_vec()
            } else {
                Vec::new()
            },
            problems: Problems::default(),
            fail_on: options.fail_on,
        }
    }
}

impl Sink for JsonReport<'_> {
    fn keeps_spans(&self) -> bool {
        false
    }

    fn error(&mut self, sources: &Sources, error: Diagnostic) {
        self.problems.add(&error);
        self.stream.error(sources, &error);
    }

    fn document(&mut self, sources: &Sources, document: DocumentResult) {
        self.stream.document(sources, &document);
    }
}

impl Report for JsonReport<'_> {
    fn finish(self: Box<Self>, sources: Sources, signoff: &SignOff) -> Verdict {
        let verdict = self.problems.verdict(self.stream.counts(), self.fail_on);
        self.stream.finish(&sources, &self.warnings, signoff);
        verdict
    }
}

//! Findings as the JSON object of cli.md ("JSON form").
//!
//! The shape is a contract with users' scripts: fields are only ever added.
//! `help`, `location`, `policy` and `values` are left out when there is nothing
//! to say. Additions beyond cli.md: `error` on `error` outcomes (what stopped
//! evaluation), computed sub-values in `values` (with `policy` instead of
//! `location`), `severity`, `help` and `labels` on errors, `warnings` (the
//! pack's), and `outcomes` with `--show all`.

use serde::Serialize;

use super::diagnostics_json::{self, JsonDiagnostic, Location, location};
use crate::check::program::Program;
use crate::report::findings_human::sorted;
use crate::run::{Checked, severity_of};

/// The whole output.
#[derive(Debug, Serialize)]
pub struct Output {
    /// Format version: 1.
    pub version: u32,
    /// Every finding, ordered by input file, document, rule id, subject.
    pub findings: Vec<JsonFinding>,
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
}

/// One finding.
#[derive(Debug, Serialize)]
pub struct JsonFinding {
    /// The rule id.
    pub rule: String,
    /// `error`, `warning` or `info`.
    pub severity: &'static str,
    /// `fail` or `error`.
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
    /// Findings by severity.
    pub findings: Severities,
}

/// Outcomes by kind.
#[derive(Debug, Serialize)]
pub struct Outcomes {
    /// `pass`
    pub pass: u64,
    /// `fail`
    pub fail: u64,
    /// `skip`
    pub skip: u64,
    /// `error`
    pub error: u64,
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
    /// `pass`, `fail`, `skip` or `error`.
    pub outcome: &'static str,
}

/// Builds the JSON output of a run.
pub fn output(
    checked: &Checked,
    program: &Program,
    warnings: &[crate::diagnostic::Diagnostic],
    show_all: bool,
) -> Output {
    let sources = &checked.sources;
    let mut findings = Vec::new();
    let mut severities = Severities::default();
    let mut outcomes = Vec::new();
    for doc in &checked.documents {
        for o in sorted(&doc.outcomes, program) {
            let rule = program
                .rules
                .get(o.rule)
                .map_or("?", |r| r.id.as_str())
                .to_string();
            if show_all {
                outcomes.push(JsonOutcome {
                    rule: rule.clone(),
                    document: doc.name.clone(),
                    subject: o.subject.clone(),
                    outcome: o.kind.as_str(),
                });
            }
            let Some(f) = &o.finding else { continue };
            let severity = severity_of(program, o.rule);
            match severity.as_str() {
                "error" => severities.error += 1,
                "warning" => severities.warning += 1,
                _ => severities.info += 1,
            }
            findings.push(JsonFinding {
                rule,
                severity: severity.as_str(),
                outcome: o.kind.as_str(),
                message: f.message.clone(),
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
            });
        }
    }
    let t = checked.tally;
    Output {
        version: 1,
        findings,
        errors: diagnostics_json::diagnostics(&checked.errors, sources),
        warnings: diagnostics_json::diagnostics(warnings, sources),
        summary: Summary {
            documents: checked.documents.iter().filter(|d| d.evaluated).count(),
            not_evaluated: checked.documents.iter().filter(|d| !d.evaluated).count(),
            rules: program.rules.len(),
            outcomes: Outcomes {
                pass: t.pass,
                fail: t.fail,
                skip: t.skip,
                error: t.error,
            },
            findings: severities,
        },
        outcomes: show_all.then_some(outcomes),
    }
}

/// The JSON output of a run whose pack did not load: no findings, the pack's
/// diagnostics as errors.
pub fn failed(checked: &Checked) -> Output {
    Output {
        version: 1,
        findings: Vec::new(),
        errors: diagnostics_json::diagnostics(&checked.errors, &checked.sources),
        warnings: Vec::new(),
        summary: Summary {
            documents: 0,
            not_evaluated: 0,
            rules: 0,
            outcomes: Outcomes {
                pass: 0,
                fail: 0,
                skip: 0,
                error: 0,
            },
            findings: Severities::default(),
        },
        outcomes: None,
    }
}

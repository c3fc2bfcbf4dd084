//! Findings as SARIF 2.1.0, for code-scanning dashboards (cli.md, "Output forms").
//!
//! One run; `tool.driver.rules` lists every rule of the pack with its doc text and
//! its severity as the default level. One `result` per finding (`fail` and `error`
//! outcomes), in the order of the JSON form: the physical location is the place in
//! the input file the finding points to, `relatedLocations` are the failing clause
//! of the policy (id 0), then the values it read and the sub-values it computed.
//! `properties` carry what SARIF has no field for (document, subject, outcome,
//! help). The problems of the run (those that kept it from being complete, and
//! the warnings and notes about it) are `invocations[0].toolExecutionNotifications`;
//! an error among them makes `executionSuccessful` false.
//!
//! Sign-off (signoff.md §1–§3): a waived finding stays a result (`outcome`
//! `waived`) with an `external`, `accepted` suppression (`justification`: the
//! reason; `location`: the waiver's line), which viewers hide but keep. With a
//! baseline, results have a `baselineState`, and each fixed finding is an
//! `absent` result without locations, as SARIF viewers show fixed findings.
//! `run.properties` holds the provenance (the JSON form's shape; each input's
//! SHA-256 is in `run.artifacts` too) and how the run compares with the baseline.
//!
//! Columns count characters (`run.columnKind` is `unicodeCodePoints`), as in the
//! other forms. File names become URI references: relative names stay relative,
//! absolute ones become `file:` URIs, and characters a URI cannot hold are
//! percent-encoded (`<default pack>` reads `%3Cdefault%20pack%3E`).

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::program::{Program, Rule, RuleSeverity};
use crate::report::doc_text;
use crate::report::findings::{computed_label, finding_text, sorted, value_label};
use crate::report::findings_json::{BaselineSummary, JsonProvenance, JsonWaiver};
use crate::run::{AppliedWaiver, BaselineMark, Checked};
use crate::signoff::{FixedFinding, SignOff};
use crate::source::{Sources, Span};

/// The URI of the SARIF 2.1.0 schema, as `$schema`.
pub const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// Renders the findings of a run as one SARIF log: pretty JSON and a newline.
pub fn render(checked: &Checked, program: &Program, signoff: &SignOff) -> String {
    let log = log(checked, program, signoff);
    match serde_json::to_string_pretty(&log) {
        Ok(mut json) => {
            json.push('\n');
            json
        }
        // Serializing plain structs of strings and numbers cannot fail.
        Err(_) => String::new(),
    }
}

/// The SARIF level of a rule severity.
pub fn level(severity: RuleSeverity) -> &'static str {
    match severity {
        RuleSeverity::Error => "error",
        RuleSeverity::Warning => "warning",
        RuleSeverity::Info => "note",
    }
}

/// A SARIF log file.
#[derive(Debug, Serialize)]
pub struct Log {
    /// The schema's URI.
    #[serde(rename = "$schema")]
    pub schema: &'static str,
    /// `2.1.0`.
    pub version: &'static str,
    /// Exactly one run.
    pub runs: Vec<Run>,
}

/// One run of the tool.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Run {
    /// preflight and the rules of the pack.
    pub tool: Tool,
    /// One invocation, with the problems of the run.
    pub invocations: Vec<Invocation>,
    /// `unicodeCodePoints`: columns count characters.
    pub column_kind: &'static str,
    /// The input files, each with its SHA-256 (when the provenance has them).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub artifacts: Vec<Artifact>,
    /// One result per finding, then one per fixed finding of the baseline.
    pub results: Vec<SarifResult>,
    /// Sign-off: the provenance and the baseline, when there is either.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub properties: Option<RunProperties>,
}

/// What a run says about sign-off that SARIF has no field for: the same
/// shapes as the JSON form's, so a board reads one vocabulary.
#[derive(Debug, Serialize)]
pub struct RunProperties {
    /// What the run was made of: tool, pack and digest, params, today, inputs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provenance: Option<JsonProvenance>,
    /// With a baseline: how the run compares with it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineSummary>,
}

/// An input file of the run, with its SHA-256, so that a viewer can tell
/// which version of a plan the results are about.
#[derive(Debug, Serialize)]
pub struct Artifact {
    /// The file.
    pub location: ArtifactLocation,
    /// `analysisTarget`: the run checked it.
    pub roles: Vec<&'static str>,
    /// Its SHA-256.
    pub hashes: Hashes,
}

/// The hashes of an artifact.
#[derive(Debug, Serialize)]
pub struct Hashes {
    /// 64 hex digits.
    #[serde(rename = "sha-256")]
    pub sha256: String,
}

/// The tool.
#[derive(Debug, Serialize)]
pub struct Tool {
    /// preflight.
    pub driver: Driver,
}

/// The tool's driver: preflight and the pack's rules.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Driver {
    /// `preflight`.
    pub name: &'static str,
    /// preflight's version.
    pub version: &'static str,
    /// Every rule of the pack, in declaration order (`ruleIndex` indexes here).
    pub rules: Vec<ReportingDescriptor>,
}

/// A rule.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportingDescriptor {
    /// The rule id.
    pub id: String,
    /// The first sentence of the doc comment, or the id.
    pub short_description: Text,
    /// The whole doc comment, when there is one, its paragraphs reflowed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub full_description: Option<Text>,
    /// The level of its findings.
    pub default_configuration: Configuration,
}

/// A rule's default configuration.
#[derive(Debug, Serialize)]
pub struct Configuration {
    /// `error`, `warning` or `note`.
    pub level: &'static str,
}

/// A SARIF message or description: plain text.
#[derive(Debug, Serialize)]
pub struct Text {
    /// The text.
    pub text: String,
}

/// The one invocation of a run.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Invocation {
    /// False when the run had problems (exit code 2).
    pub execution_successful: bool,
    /// The problems of the run.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tool_execution_notifications: Vec<Notification>,
}

/// A problem of the run.
#[derive(Debug, Serialize)]
pub struct Notification {
    /// `error` or `warning`.
    pub level: &'static str,
    /// The diagnostic's message.
    pub message: Text,
    /// The diagnostic's code.
    pub descriptor: DescriptorReference,
    /// Every labelled place, the primary one first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub locations: Vec<SarifLocation>,
    /// The help, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub properties: Option<HelpProperty>,
}

/// A reference to a descriptor, by id.
#[derive(Debug, Serialize)]
pub struct DescriptorReference {
    /// A diagnostic code such as `preflight::data`.
    pub id: &'static str,
}

/// The properties of a notification.
#[derive(Debug, Serialize)]
pub struct HelpProperty {
    /// What to do.
    pub help: String,
}

/// One finding.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifResult {
    /// The rule id.
    pub rule_id: String,
    /// The rule's index in `tool.driver.rules` (left out for a fixed finding
    /// of a rule the pack no longer has).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_index: Option<usize>,
    /// From the rule's severity (`none` for a fixed finding of a rule the
    /// pack no longer has).
    pub level: &'static str,
    /// The finding's message.
    pub message: Text,
    /// The place in the input the finding points to.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub locations: Vec<SarifLocation>,
    /// The failing clause (id 0), the values read, the sub-values computed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related_locations: Vec<SarifLocation>,
    /// Identifies the finding across runs: rule, document and subject.
    pub partial_fingerprints: Fingerprints,
    /// With a baseline: `new`, `unchanged`, or `absent` for a fixed finding.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline_state: Option<&'static str>,
    /// For a waived finding: the waiver that accepts it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suppressions: Vec<Suppression>,
    /// What SARIF has no field for.
    pub properties: ResultProperties,
}

/// A waiver, as SARIF records a finding accepted outside the input: viewers
/// hide the result but keep it, with who accepted it and why.
#[derive(Debug, Serialize)]
pub struct Suppression {
    /// `external`: the waiver is in a file of its own, not in the input.
    pub kind: &'static str,
    /// `accepted`: the waiver applies (expired ones accept nothing).
    pub status: &'static str,
    /// The waiver's reason.
    pub justification: String,
    /// The waiver's first line in its file.
    pub location: SarifLocation,
    /// The waiver as the JSON form shows it: file, line, reason, owner,
    /// approver, expiry.
    pub properties: JsonWaiver,
}

/// Fingerprints of a result.
#[derive(Debug, Serialize)]
pub struct Fingerprints {
    /// `RULE|DOCUMENT|SUBJECT`.
    #[serde(rename = "preflight/v1")]
    pub preflight: String,
}

/// The properties of a result.
#[derive(Debug, Serialize)]
pub struct ResultProperties {
    /// `FILE` or `FILE#N`.
    pub document: String,
    /// The subject's path; `""` for the document.
    pub subject: String,
    /// `fail`, `error`, `waived`, or `fixed` for a finding of the baseline
    /// that is gone.
    pub outcome: &'static str,
    /// The interpolated help.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

/// A location: a place in a file, a message, or both.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifLocation {
    /// For related locations: their number within the result.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<usize>,
    /// The place.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub physical_location: Option<PhysicalLocation>,
    /// What is there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<Text>,
}

/// A place in a file.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PhysicalLocation {
    /// The file.
    pub artifact_location: ArtifactLocation,
    /// The range.
    pub region: Region,
}

/// A file.
#[derive(Debug, Serialize)]
pub struct ArtifactLocation {
    /// The file name as a URI reference.
    pub uri: String,
}

/// A range of text: 1-based lines, 1-based columns in characters, the end
/// column one past the last character. A region of a start line alone is that
/// whole line (how a waiver's entry is pointed at).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Region {
    /// First line.
    pub start_line: usize,
    /// First column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_column: Option<usize>,
    /// Last line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_line: Option<usize>,
    /// Column after the last character.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_column: Option<usize>,
}

/// Builds the SARIF log of a run, with what sign-off concluded about it.
pub fn log(checked: &Checked, program: &Program, signoff: &SignOff) -> Log {
    let sources = &checked.sources;
    let mut results = Vec::new();
    for doc in &checked.documents {
        for o in sorted(&doc.outcomes, program) {
            let Some(f) = &o.finding else { continue };
            let id = program.rule_id(o.rule).to_string();
            let mut related = Vec::new();
            if let Some(place) = f.policy.and_then(|s| physical(sources, s)) {
                let what = match &f.error {
                    Some(e) => format!("could not be evaluated: {e}"),
                    None => "the failing requirement".to_string(),
                };
                related.push(located(place, what));
            }
            for v in &f.values {
                let text = value_label(v);
                match v.location.and_then(|s| physical(sources, s)) {
                    Some(place) => related.push(located(place, text)),
                    None => related.push(SarifLocation {
                        id: None,
                        physical_location: None,
                        message: Some(Text { text }),
                    }),
                }
            }
            for c in &f.computed {
                if let Some(place) = physical(sources, c.span) {
                    related.push(located(place, computed_label(c)));
                }
            }
            for (n, r) in related.iter_mut().enumerate() {
                r.id = Some(n);
            }
            results.push(SarifResult {
                partial_fingerprints: Fingerprints {
                    preflight: format!("{id}|{}|{}", doc.name, o.subject),
                },
                baseline_state: o.disposition.baseline.map(BaselineMark::as_str),
                suppressions: o
                    .disposition
                    .waiver
                    .as_deref()
                    .map(suppression)
                    .into_iter()
                    .collect(),
                rule_id: id,
                rule_index: Some(o.rule),
                level: level(program.severity(o.rule)),
                message: Text {
                    text: finding_text(f),
                },
                locations: f
                    .location
                    .and_then(|s| physical(sources, s))
                    .map(at)
                    .into_iter()
                    .collect(),
                related_locations: related,
                properties: ResultProperties {
                    document: doc.name.clone(),
                    subject: o.subject.clone(),
                    outcome: o.word(),
                    help: f.help.clone(),
                },
            });
        }
    }
    if let Some(baseline) = &signoff.baseline {
        results.extend(baseline.fixed.iter().map(|f| absent(f, program)));
    }
    Log {
        schema: SCHEMA_URI,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "preflight",
                    version: env!("CARGO_PKG_VERSION"),
                    rules: program.rules.iter().map(descriptor).collect(),
                },
            },
            invocations: vec![Invocation {
                // Warnings and notes (an unused waiver) do not make a run
                // incomplete; errors do (exit code 2).
                execution_successful: !checked.errors.iter().any(Diagnostic::is_error),
                tool_execution_notifications: checked
                    .errors
                    .iter()
                    .map(|d| notification(d, sources))
                    .collect(),
            }],
            column_kind: "unicodeCodePoints",
            artifacts: artifacts(signoff),
            results,
            properties: run_properties(checked, signoff),
        }],
    }
}

/// The suppression of a finding a waiver accepts.
fn suppression(w: &AppliedWaiver) -> Suppression {
    Suppression {
        kind: "external",
        status: "accepted",
        justification: w.reason.clone(),
        location: at(PhysicalLocation {
            artifact_location: ArtifactLocation { uri: uri(&w.file) },
            region: Region {
                start_line: w.line.max(1),
                start_column: None,
                end_line: None,
                end_column: None,
            },
        }),
        properties: JsonWaiver::of(w),
    }
}

/// A finding of the baseline that is gone, as an `absent` result: no
/// locations (the run has none for it), its rule's level and index when the
/// pack still has the rule.
fn absent(f: &FixedFinding, program: &Program) -> SarifResult {
    let index = program.rules.iter().position(|r| r.id == f.rule);
    let text = if f.message.is_empty() {
        format!("`{}` no longer fails", f.rule)
    } else {
        f.message.clone()
    };
    SarifResult {
        rule_id: f.rule.clone(),
        rule_index: index,
        level: index.map_or("none", |i| level(program.severity(i))),
        message: Text { text },
        locations: Vec::new(),
        related_locations: Vec::new(),
        partial_fingerprints: Fingerprints {
            preflight: format!("{}|{}|{}", f.rule, f.document, f.subject),
        },
        baseline_state: Some("absent"),
        suppressions: Vec::new(),
        properties: ResultProperties {
            document: f.document.clone(),
            subject: f.subject.clone(),
            outcome: "fixed",
            help: None,
        },
    }
}

/// Each input file of the provenance, once, with its SHA-256 (SARIF wants
/// the artifacts distinct: a file given twice is listed once).
fn artifacts(signoff: &SignOff) -> Vec<Artifact> {
    let mut seen = std::collections::HashSet::new();
    let inputs = signoff.provenance.iter().flat_map(|p| &p.inputs);
    inputs
        .map(|input| (uri(&input.file), input.sha256.hex()))
        .filter(|pair| seen.insert(pair.clone()))
        .map(|(uri, sha256)| Artifact {
            location: ArtifactLocation { uri },
            roles: vec!["analysisTarget"],
            hashes: Hashes { sha256 },
        })
        .collect()
}

/// The run's property bag: provenance and baseline, in the JSON form's
/// shapes; none without either.
fn run_properties(checked: &Checked, signoff: &SignOff) -> Option<RunProperties> {
    let count = |mark| {
        let outcomes = checked.documents.iter().flat_map(|d| &d.outcomes);
        outcomes
            .filter(|o| o.finding.is_some() && o.disposition.baseline == Some(mark))
            .count() as u64
    };
    let any = signoff.provenance.is_some() || signoff.baseline.is_some();
    any.then(|| RunProperties {
        provenance: signoff.provenance.as_ref().map(JsonProvenance::of),
        baseline: signoff.baseline.as_ref().map(|b| {
            BaselineSummary::of(b, count(BaselineMark::New), count(BaselineMark::Unchanged))
        }),
    })
}

/// A rule as a reporting descriptor.
fn descriptor(rule: &Rule) -> ReportingDescriptor {
    let doc = rule.doc.as_deref().map(str::trim).filter(|d| !d.is_empty());
    ReportingDescriptor {
        id: rule.id.clone(),
        short_description: Text {
            text: doc.map_or_else(|| rule.id.clone(), doc_text::first_sentence),
        },
        full_description: doc.map(|d| Text {
            text: doc_text::reflow(d),
        }),
        default_configuration: Configuration {
            level: level(rule.severity),
        },
    }
}

/// A problem of the run as a notification.
fn notification(d: &Diagnostic, sources: &Sources) -> Notification {
    Notification {
        level: match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "note",
        },
        message: Text {
            text: d.message.clone(),
        },
        descriptor: DescriptorReference {
            id: d.code.as_str(),
        },
        locations: d
            .labels
            .iter()
            .filter_map(|l| {
                physical(sources, l.span).map(|place| SarifLocation {
                    id: None,
                    physical_location: Some(place),
                    message: l.text.clone().map(|text| Text { text }),
                })
            })
            .collect(),
        properties: d.help.clone().map(|help| HelpProperty { help }),
    }
}

/// A location that is a place alone.
fn at(place: PhysicalLocation) -> SarifLocation {
    SarifLocation {
        id: None,
        physical_location: Some(place),
        message: None,
    }
}

/// A related location with a message.
fn located(place: PhysicalLocation, text: String) -> SarifLocation {
    SarifLocation {
        id: None,
        physical_location: Some(place),
        message: Some(Text { text }),
    }
}

/// The file and range of a span.
fn physical(sources: &Sources, span: Span) -> Option<PhysicalLocation> {
    let file = sources.get(span.file)?;
    let (start_line, start_column) = file.line_col(span.start as usize);
    let (end_line, end_column) = file.line_col(span.end as usize);
    Some(PhysicalLocation {
        artifact_location: ArtifactLocation {
            uri: uri(file.name()),
        },
        region: Region {
            start_line,
            start_column: Some(start_column),
            end_line: Some(end_line),
            end_column: Some(end_column),
        },
    })
}

/// A file name as a URI reference: a relative name stays relative, an absolute
/// one becomes a `file:` URI; every byte but unreserved characters and `/` (and
/// `:` in a `file:` URI) is percent-encoded. On Windows, `\` separates directories and becomes `/`.
pub fn uri(name: &str) -> String {
    let name = if cfg!(windows) {
        name.replace('\\', "/")
    } else {
        name.to_string()
    };
    let mut out = String::with_capacity(name.len() + 8);
    let absolute =
        std::path::Path::new(&name).is_absolute() || (cfg!(windows) && name.starts_with('/'));
    if absolute {
        out.push_str("file://");
        if !name.starts_with('/') {
            out.push('/');
        }
    }
    for b in name.bytes() {
        // A `:` in the first segment of a relative reference would read as a scheme.
        let colon = absolute && b == b':';
        if b.is_ascii_alphanumeric() || colon || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_become_uri_references() {
        assert_eq!(uri("plans/q3.yaml"), "plans/q3.yaml");
        assert_eq!(
            uri("<default pack>/offers.policy"),
            "%3Cdefault%20pack%3E/offers.policy"
        );
        assert_eq!(uri("a b%c/é.yaml"), "a%20b%25c/%C3%A9.yaml");
        if !cfg!(windows) {
            assert_eq!(uri("/tmp/plan.yaml"), "file:///tmp/plan.yaml");
        }
    }
}

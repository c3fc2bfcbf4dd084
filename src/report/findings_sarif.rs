//! Findings as SARIF 2.1.0, for code-scanning dashboards (cli.md, "Output forms").
//!
//! One run; `tool.driver.rules` lists every rule of the pack with its doc text and
//! its severity as the default level. One `result` per finding (`fail` and `error`
//! outcomes), in the order of the JSON form: the physical location is the place in
//! the input file the finding points to, `relatedLocations` are the failing clause
//! of the policy (id 0), then the values it read and the sub-values it computed.
//! `properties` carry what SARIF has no field for (document, subject, outcome,
//! help). The problems that kept the run from being complete are
//! `invocations[0].toolExecutionNotifications`, and make `executionSuccessful`
//! false.
//!
//! Columns count characters (`run.columnKind` is `unicodeCodePoints`), as in the
//! other forms. File names become URI references: relative names stay relative,
//! absolute ones become `file:` URIs, and characters a URI cannot hold are
//! percent-encoded (`<default pack>` reads `%3Cdefault%20pack%3E`).

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::program::RuleSeverity;
use crate::model::program::{Program, Rule};
use crate::report::findings::{computed_label, finding_text, sorted, value_label};
use crate::run::Checked;
use crate::signoff::SignOff;
use crate::source::{Sources, Span};

/// The URI of the SARIF 2.1.0 schema, as `$schema`.
pub const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// Renders the findings of a run as one SARIF log: pretty JSON and a newline.
pub fn render(checked: &Checked, program: &Program, signoff: &SignOff) -> String {
    let log = log(checked, program);
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
    /// One result per finding.
    pub results: Vec<SarifResult>,
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
    /// The rule's index in `tool.driver.rules`.
    pub rule_index: usize,
    /// From the rule's severity.
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
    /// What SARIF has no field for.
    pub properties: ResultProperties,
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
    /// `fail` or `error`.
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
/// column one past the last character.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Region {
    /// First line.
    pub start_line: usize,
    /// First column.
    pub start_column: usize,
    /// Last line.
    pub end_line: usize,
    /// Column after the last character.
    pub end_column: usize,
}

/// Builds the SARIF log of a run.
pub fn log(checked: &Checked, program: &Program) -> Log {
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
                rule_id: id,
                rule_index: o.rule,
                level: level(program.severity(o.rule)),
                message: Text {
                    text: finding_text(f),
                },
                locations: f
                    .location
                    .and_then(|s| physical(sources, s))
                    .map(|place| SarifLocation {
                        id: None,
                        physical_location: Some(place),
                        message: None,
                    })
                    .into_iter()
                    .collect(),
                related_locations: related,
                properties: ResultProperties {
                    document: doc.name.clone(),
                    subject: o.subject.clone(),
                    outcome: o.kind.as_str(),
                    help: f.help.clone(),
                },
            });
        }
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
                execution_successful: checked.errors.is_empty(),
                tool_execution_notifications: checked
                    .errors
                    .iter()
                    .map(|d| notification(d, sources))
                    .collect(),
            }],
            column_kind: "unicodeCodePoints",
            results,
        }],
    }
}

/// A rule as a reporting descriptor.
fn descriptor(rule: &Rule) -> ReportingDescriptor {
    let doc = rule.doc.as_deref().map(str::trim).filter(|d| !d.is_empty());
    ReportingDescriptor {
        id: rule.id.clone(),
        short_description: Text {
            text: doc.map_or_else(|| rule.id.clone(), first_sentence),
        },
        full_description: doc.map(|d| Text { text: reflow(d) }),
        default_configuration: Configuration {
            level: level(rule.severity),
        },
    }
}

/// The first sentence of a doc comment's first paragraph, its lines joined: a
/// word ending with a period and followed by a capital letter ends it (not
/// `e.g.` or `i.e.`).
fn first_sentence(doc: &str) -> String {
    let paragraph = doc
        .split("\n\n")
        .next()
        .unwrap_or(doc)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let mut end = 0;
    for word in paragraph.split(' ') {
        end += word.len();
        let next = paragraph
            .get(end + 1..)
            .and_then(|rest| rest.chars().next());
        // `e.g.` and `i.e.` hold a period before their last one.
        let abbreviation = word.trim_end_matches('.').contains('.');
        if word.ends_with('.') && !abbreviation && next.is_some_and(char::is_uppercase) {
            return paragraph.get(..end).unwrap_or(&paragraph).to_string();
        }
        end += 1;
    }
    paragraph
}

/// A doc comment with the lines of each paragraph joined, since viewers wrap
/// text themselves; blank lines, and lines that start a list item or are
/// indented, are kept.
fn reflow(doc: &str) -> String {
    let mut out = String::with_capacity(doc.len());
    let mut previous_blank = true;
    for line in doc.lines() {
        let blank = line.trim().is_empty();
        let item = line.starts_with(char::is_whitespace)
            || ["- ", "* ", "+ "].iter().any(|m| line.starts_with(m))
            || line
                .split_once(". ")
                .is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
        if !out.is_empty() {
            out.push(if blank || previous_blank || item {
                '\n'
            } else {
                ' '
            });
        }
        out.push_str(if blank { "" } else { line });
        previous_blank = blank;
    }
    out
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
            start_column,
            end_line,
            end_column,
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

    #[test]
    fn the_short_description_is_the_first_sentence() {
        assert_eq!(
            first_sentence("A partner can only resell in its region. A\npartner from elsewhere."),
            "A partner can only resell in its region."
        );
        assert_eq!(
            first_sentence("Offers, e.g. Office 365 E3, must\nbe sold\n\nMore."),
            "Offers, e.g. Office 365 E3, must be sold"
        );
    }

    #[test]
    fn full_descriptions_are_reflowed() {
        assert_eq!(
            reflow("One\nparagraph.\n\nA list:\n- a\n- b\n  more\n2. c\nd"),
            "One paragraph.\n\nA list:\n- a\n- b\n  more\n2. c d"
        );
    }
}

//! What the change-board report says (signoff.md §4), computed once for its
//! two forms, HTML ([`super::findings_html`]) and Markdown
//! ([`super::findings_markdown`]): each finding with its values, places and
//! snippets; the summary; the waivers; the provenance. The values here are
//! plain text; each form escapes them for its own markup, so that no value
//! from a plan is ever written as markup.

use std::io::Write as _;

use super::counts::{Counts, OutcomeCounts};
use super::diagnostics_json::location;
use super::doc_text::first_sentence;
use super::findings::{computed_label, finding_text, sorted, value_label};
use super::form::{Decision, Problems, ReportOptions, Threshold, Verdict, program_or_empty};
use super::snippet::{Snippet, snippets};
use crate::diagnostic::Diagnostic;
use crate::model::program::Program;
use crate::run::{AppliedWaiver, DocumentResult, ReportedOutcome};
use crate::signoff::{SignOff, WaiverStatus};
use crate::source::{Sources, Span};

/// Problems of the run listed one by one; the rest are counted (a wave of
/// unreadable files should not make the report as large as the wave).
pub(crate) const PROBLEMS_LISTED: usize = 1_000;

/// At most this many values of one finding get a snippet; the others are
/// listed with their places only.
const SNIPPET_VALUES: usize = 8;

/// The severities in the order reports list them, with their index in
/// [`Counts::by_severity`].
pub(crate) const SEVERITIES: [&str; 3] = ["error", "warning", "info"];

/// A document with findings.
#[derive(Debug)]
pub(crate) struct DocumentView<'a> {
    /// `FILE` or `FILE#N`.
    pub(crate) name: &'a str,
    /// What the pack's `title` says it is (the customer and the partners).
    pub(crate) title: Option<&'a str>,
    /// Whether it was evaluated.
    pub(crate) evaluated: bool,
    /// Its findings in report order (rule id, then subject).
    pub(crate) findings: Vec<FindingView<'a>>,
}

/// One finding, ready to write.
#[derive(Debug)]
pub(crate) struct FindingView<'a> {
    /// The rule id.
    pub(crate) rule: &'a str,
    /// `error`, `warning` or `info`.
    pub(crate) severity: &'static str,
    /// `fail`, `error` or `waived`.
    pub(crate) outcome: &'static str,
    /// With `--baseline`: `new` or `unchanged`.
    pub(crate) baseline: Option<&'static str>,
    /// The subject's path (empty for a rule about the whole document).
    pub(crate) subject: &'a str,
    /// The message, with what stopped evaluation for an `error` outcome.
    pub(crate) message: String,
    /// The interpolated help.
    pub(crate) help: Option<&'a str>,
    /// The first sentence of the rule's doc comment.
    pub(crate) doc: Option<String>,
    /// The failing requirement as written.
    pub(crate) requirement: Option<&'a str>,
    /// Where the finding points, `file:line:column`.
    pub(crate) place: Option<String>,
    /// The values the requirement read.
    pub(crate) values: Vec<ValueView>,
    /// Sub-values the failing clause computed (`sum(…) = 40`).
    pub(crate) computed: Vec<String>,
    /// The source lines around the values.
    pub(crate) snippets: Vec<Snippet>,
    /// The waiver that accepts it.
    pub(crate) waiver: Option<&'a AppliedWaiver>,
}

/// A value a finding read.
#[derive(Debug)]
pub(crate) struct ValueView {
    /// `expr: value`, as the human form labels it.
    pub(crate) label: String,
    /// `file:line:column`, when it was found in a file.
    pub(crate) place: Option<String>,
}

/// `file:line:column` of a span.
fn place(sources: &Sources, span: Span) -> Option<String> {
    location(sources, span).map(|l| format!("{}:{}:{}", l.file, l.line, l.column))
}

impl<'a> DocumentView<'a> {
    /// The findings of `doc` (`None` when it has none), while `sources`
    /// still holds its text.
    pub(crate) fn of(
        program: &'a Program,
        sources: &Sources,
        doc: &'a DocumentResult,
    ) -> Option<DocumentView<'a>> {
        let findings: Vec<FindingView<'a>> = sorted(&doc.outcomes, program)
            .into_iter()
            .filter_map(|o| FindingView::of(program, sources, o))
            .collect();
        (!findings.is_empty()).then_some(DocumentView {
            name: &doc.name,
            title: doc.title.as_deref(),
            evaluated: doc.evaluated,
            findings,
        })
    }
}

impl<'a> FindingView<'a> {
    /// The view of an outcome with a finding.
    fn of(
        program: &'a Program,
        sources: &Sources,
        outcome: &'a ReportedOutcome,
    ) -> Option<FindingView<'a>> {
        let finding = outcome.finding.as_ref()?;
        let rule = program.rules.get(outcome.rule);
        let mut marks: Vec<(Span, String)> = Vec::new();
        let mut values = Vec::new();
        for v in &finding.values {
            let label = value_label(v);
            if let Some(span) = v.location
                && marks.len() < SNIPPET_VALUES
            {
                marks.push((span, label.clone()));
            }
            values.push(ValueView {
                label,
                place: v.location.and_then(|s| place(sources, s)),
            });
        }
        if let Some(span) = finding.location
            && !marks.iter().any(|(s, _)| s.file == span.file)
        {
            let what = match (&finding.anchor, outcome.subject.is_empty()) {
                (Some(anchor), _) => anchor.clone(),
                (None, true) => "in this document".to_string(),
                (None, false) => format!("subject {}", outcome.subject),
            };
            marks.insert(0, (span, what));
        }
        Some(FindingView {
            rule: rule.map_or("", |r| r.id.as_str()),
            severity: program.severity(outcome.rule).as_str(),
            outcome: outcome.word(),
            baseline: outcome.disposition.baseline.map(|b| b.as_str()),
            subject: &outcome.subject,
            message: finding_text(finding),
            help: finding.help.as_deref(),
            doc: rule.and_then(|r| r.doc.as_deref()).map(first_sentence),
            requirement: finding.requirement.as_deref(),
            place: finding.location.and_then(|s| place(sources, s)),
            values,
            computed: finding.computed.iter().map(computed_label).collect(),
            snippets: snippets(sources, &marks),
            waiver: outcome.disposition.waiver.as_deref(),
        })
    }
}

/// A waived finding, as the waivers section lists it.
#[derive(Debug, Clone)]
pub(crate) struct WaivedFinding {
    /// The document.
    pub(crate) document: String,
    /// The rule id.
    pub(crate) rule: String,
    /// The subject.
    pub(crate) subject: String,
    /// The waiver file and line, which identify the waiver.
    pub(crate) waiver: (String, usize),
}

/// The waived findings of a run, kept as documents stream by, up to a bound
/// (a glob waiver may accept a whole wave's findings; the rest are counted).
#[derive(Debug, Default)]
pub(crate) struct WaivedList {
    /// The first [`WaivedList::KEPT`] of them.
    pub(crate) kept: Vec<WaivedFinding>,
    /// How many more there were.
    pub(crate) more: u64,
}

impl WaivedList {
    /// How many waived findings the report lists one by one.
    pub(crate) const KEPT: usize = 10_000;

    /// Notes the waived findings of a document.
    pub(crate) fn add(&mut self, program: &Program, doc: &DocumentResult) {
        for o in &doc.outcomes {
            let Some(w) = &o.disposition.waiver else {
                continue;
            };
            if self.kept.len() >= Self::KEPT {
                self.more += 1;
                continue;
            }
            self.kept.push(WaivedFinding {
                document: doc.name.clone(),
                rule: program
                    .rules
                    .get(o.rule)
                    .map_or_else(String::new, |r| r.id.clone()),
                subject: o.subject.clone(),
                waiver: (w.file.clone(), w.line),
            });
        }
    }
}

/// A waiver with what became of it, and the findings it accepted.
#[derive(Debug)]
pub(crate) struct WaiverView<'a> {
    /// The waiver.
    pub(crate) waiver: &'a AppliedWaiver,
    /// Its rule id.
    pub(crate) rule: &'a str,
    /// `applied`, `expired` or `unused`.
    pub(crate) status: &'static str,
    /// How many findings it matched.
    pub(crate) matched: u64,
    /// The findings it accepted, as far as the report lists them.
    pub(crate) findings: Vec<&'a WaivedFinding>,
}

/// The waivers of a run, in file order.
pub(crate) fn waiver_views<'a>(
    signoff: &'a SignOff,
    waived: &'a WaivedList,
) -> Vec<WaiverView<'a>> {
    signoff
        .waivers
        .iter()
        .map(|u| WaiverView {
            waiver: &u.waiver,
            rule: &u.rule,
            status: u.status.as_str(),
            matched: u.matched,
            findings: if u.status == WaiverStatus::Applied {
                waived
                    .kept
                    .iter()
                    .filter(|f| f.waiver.0 == u.waiver.file && f.waiver.1 == u.waiver.line)
                    .collect()
            } else {
                Vec::new()
            },
        })
        .collect()
}

/// A problem of the run, as the report lists it.
#[derive(Debug)]
pub(crate) struct ProblemView {
    /// `error`, `warning` or `info`.
    pub(crate) severity: &'static str,
    /// What is wrong.
    pub(crate) message: String,
    /// What to do.
    pub(crate) help: Option<String>,
    /// `file:line:column`.
    pub(crate) place: Option<String>,
    /// The document it is about.
    pub(crate) document: Option<String>,
}

impl ProblemView {
    /// The view of a problem while `sources` holds the files it points into.
    pub(crate) fn of(sources: &Sources, d: &Diagnostic) -> ProblemView {
        ProblemView {
            severity: d.severity.as_str(),
            message: d.message.clone(),
            help: d.help.clone(),
            place: d.primary_span().and_then(|s| place(sources, s)),
            document: d.document.as_deref().map(str::to_string),
        }
    }
}

/// A rule and its findings, for the summary and its chart.
#[derive(Debug)]
pub(crate) struct RuleCount<'a> {
    /// The rule id.
    pub(crate) id: &'a str,
    /// Its severity.
    pub(crate) severity: &'static str,
    /// Its findings, waived ones left out.
    pub(crate) findings: u64,
    /// Its doc comment, paragraphs kept.
    pub(crate) doc: Option<&'a str>,
}

/// The summary of a run: what the decision rests on.
#[derive(Debug)]
pub(crate) struct Summary<'a> {
    /// GO, NO GO or CANNOT TELL.
    pub(crate) decision: Decision,
    /// Why, in one sentence.
    pub(crate) reason: String,
    /// Documents evaluated, and read but not evaluated.
    pub(crate) evaluated: usize,
    /// See `evaluated`.
    pub(crate) not_evaluated: usize,
    /// Outcomes by kind.
    pub(crate) outcomes: OutcomeCounts,
    /// Findings (not waived) by severity, in [`SEVERITIES`] order.
    pub(crate) by_severity: [u64; 3],
    /// Every rule with findings, most findings first, then by id.
    pub(crate) rules: Vec<RuleCount<'a>>,
    /// Every rule of the pack, in id order (for the rules section).
    pub(crate) all_rules: Vec<RuleCount<'a>>,
    /// Problems of the run: errors, warnings and notes.
    pub(crate) problems: Problems,
    /// With `--baseline`: new, unchanged and fixed findings, and the file.
    pub(crate) baseline: Option<BaselineCounts<'a>>,
    /// `--fail-on`.
    pub(crate) fail_on: &'static str,
}

/// How the run compares with its baseline.
#[derive(Debug)]
pub(crate) struct BaselineCounts<'a> {
    /// The baseline file.
    pub(crate) file: &'a str,
    /// Findings the baseline did not have.
    pub(crate) new: u64,
    /// Findings it had too.
    pub(crate) unchanged: u64,
    /// Its findings this run no longer has.
    pub(crate) fixed: usize,
    /// Whether it was made with another pack digest.
    pub(crate) other_pack: bool,
}

impl<'a> Summary<'a> {
    /// The summary of a finished run.
    pub(crate) fn of(
        program: &'a Program,
        counts: &Counts,
        problems: Problems,
        threshold: Threshold,
        signoff: &'a SignOff,
    ) -> Summary<'a> {
        let verdict: Verdict = problems.verdict(counts, threshold);
        let decision = verdict.decision();
        let fail_on = threshold.severity.as_str();
        let at_or_above: u64 = counts
            .by_severity
            .iter()
            .take(SEVERITIES.iter().position(|s| *s == fail_on).unwrap_or(0) + 1)
            .sum();
        let reason = match decision {
            Decision::CannotTell => format!(
                "{} problem(s) kept this run from being complete: documents that could not be read or checked may hide findings",
                problems.errors
            ),
            Decision::NoGo if threshold.new_only => format!(
                "findings of severity {fail_on} or above that the baseline did not have ({} new)",
                counts.new
            ),
            Decision::NoGo if at_or_above == 0 => {
                format!("the run's data warnings fail it under --fail-on {fail_on}")
            }
            Decision::NoGo => {
                format!("{at_or_above} finding(s) of severity {fail_on} or above, not waived")
            }
            Decision::Go if counts.waived() > 0 => format!(
                "no finding of severity {fail_on} or above is left unwaived ({} waived)",
                counts.waived()
            ),
            Decision::Go => format!("no finding of severity {fail_on} or above"),
        };
        let rule_count = |(i, r): (usize, &'a crate::model::program::Rule)| RuleCount {
            id: r.id.as_str(),
            severity: r.severity.as_str(),
            findings: counts.by_rule.get(i).copied().unwrap_or(0),
            doc: r.doc.as_deref(),
        };
        let mut all_rules: Vec<RuleCount<'a>> =
            program.rules.iter().enumerate().map(rule_count).collect();
        all_rules.sort_by(|a, b| a.id.cmp(b.id));
        let mut rules: Vec<RuleCount<'a>> = program
            .rules
            .iter()
            .enumerate()
            .map(rule_count)
            .filter(|r| r.findings > 0)
            .collect();
        rules.sort_by(|a, b| b.findings.cmp(&a.findings).then(a.id.cmp(b.id)));
        Summary {
            decision,
            reason,
            evaluated: counts.evaluated,
            not_evaluated: counts.not_evaluated,
            outcomes: counts.outcomes(),
            by_severity: counts.by_severity,
            rules,
            all_rules,
            problems,
            baseline: signoff.baseline.as_ref().map(|b| BaselineCounts {
                file: &b.file,
                new: counts.new,
                unchanged: counts.unchanged,
                fixed: b.fixed.len(),
                other_pack: b.same_pack == Some(false),
            }),
            fail_on,
        }
    }

    /// Findings not waived.
    pub(crate) fn findings(&self) -> u64 {
        self.by_severity.iter().sum()
    }
}

/// What both change-board forms keep while documents stream by: the counts,
/// the problems (listed up to a bound), the waived findings (likewise), and
/// what the header says about the command. Everything else is written as it
/// comes.
pub(crate) struct Board<'p> {
    /// The program (a run of no rules when the pack did not load).
    pub(crate) program: &'p Program,
    /// The summary's counts.
    pub(crate) counts: Counts,
    /// The run's problems, counted.
    pub(crate) problems: Problems,
    /// The pack's warnings, then the run's problems, as far as listed.
    pub(crate) listed: Vec<ProblemView>,
    /// Waived findings, as far as listed.
    pub(crate) waived: WaivedList,
    /// `--fail-on`, `--fail-on-new`.
    pub(crate) fail_on: Threshold,
    /// The command as typed.
    pub(crate) command_line: String,
    color_stderr: bool,
}

impl<'p> Board<'p> {
    /// The state of a report about to start; the pack's `warnings` are
    /// listed with the problems but, as in the JSON form, do not change the
    /// exit code.
    pub(crate) fn new(
        options: &ReportOptions,
        program: Option<&'p Program>,
        sources: &Sources,
        warnings: &[Diagnostic],
    ) -> Board<'p> {
        Board {
            program: program_or_empty(program),
            counts: Counts::default(),
            problems: Problems::default(),
            listed: warnings
                .iter()
                .map(|w| ProblemView::of(sources, w))
                .collect(),
            waived: WaivedList::default(),
            fail_on: options.fail_on,
            command_line: options.command_line.clone(),
            color_stderr: options.color_stderr,
        }
    }

    /// Notes a problem of the run; it also goes to standard error, as in
    /// every form, since the report itself usually goes to a file.
    pub(crate) fn error(&mut self, sources: &Sources, error: &Diagnostic) {
        self.problems.add(error);
        if self.listed.len() < PROBLEMS_LISTED {
            self.listed.push(ProblemView::of(sources, error));
        }
        let text = super::diagnostics_human::render(
            std::slice::from_ref(error),
            sources,
            self.color_stderr,
        );
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
    }

    /// Counts a document and returns its findings to write, while `sources`
    /// still holds its text.
    pub(crate) fn document<'d>(
        &mut self,
        sources: &Sources,
        document: &'d DocumentResult,
    ) -> Option<DocumentView<'d>>
    where
        'p: 'd,
    {
        self.counts.add(self.program, document);
        self.waived.add(self.program, document);
        DocumentView::of(self.program, sources, document)
    }

    /// The verdict of the run so far.
    pub(crate) fn verdict(&self) -> Verdict {
        self.problems.verdict(&self.counts, self.fail_on)
    }

    /// The summary of the finished run.
    pub(crate) fn summary<'s>(&'s self, signoff: &'s SignOff) -> Summary<'s> {
        Summary::of(
            self.program,
            &self.counts,
            self.problems,
            self.fail_on,
            signoff,
        )
    }

    /// Problems of the run beyond those listed.
    pub(crate) fn problems_left(&self) -> usize {
        let p = self.problems;
        (p.errors + p.warnings + p.infos).saturating_sub(PROBLEMS_LISTED)
    }
}

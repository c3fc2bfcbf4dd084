//! Findings as miette reports, the "why" view of language.md §7.
//!
//! One report per finding: the rule id as code, the interpolated message, the
//! input file with a label on every value the failing `require` read, then the
//! data files it read from and the policy with the failing clause and its computed
//! sub-values, then the help. A summary closes the output.

use std::fmt;
use std::io::{BufWriter, Stderr, Stdout, Write};

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan};

use super::counts::Counts;
use super::diagnostics_human;
use super::findings::{computed_label, finding_text, sorted, value_label};
use super::form::{self, Problems, ReportOptions, Threshold, Verdict};
use crate::diagnostic::{CharColumnSource, Diagnostic};
use crate::eval::OutcomeKind;
use crate::model::program::{Program, RuleSeverity};
use crate::run::{AppliedWaiver, Checked, DocumentResult, Finding, ReportedOutcome, Sink};
use crate::signoff::{BaselineOutcome, SignOff};
use crate::source::{FileId, Sources, Span};

/// Renders every finding (and, with `show_all`, one line per other outcome) and
/// the closing summary.
pub fn render(
    checked: &Checked,
    program: &Program,
    show_all: bool,
    color: bool,
    width: usize,
) -> String {
    let mut stream = Stream::new(program, show_all, color, width, Vec::new());
    for doc in &checked.documents {
        stream.document(&checked.sources, doc);
    }
    let out = stream.finish(!checked.errors.is_empty(), &SignOff::default());
    String::from_utf8_lossy(&out).into_owned()
}

/// The human form written a document at a time, as a run checks them: each
/// document's findings as soon as it is checked, the summary at the end.
pub struct Stream<'p, W: Write> {
    program: &'p Program,
    handler: GraphicalReportHandler,
    show_all: bool,
    /// With `show_all`: one row per outcome, laid out as a table at the end.
    rows: Vec<[String; 4]>,
    /// One line per waived finding, for the block after the findings.
    waived: Vec<String>,
    counts: Counts,
    out: W,
}

impl<'p, W: Write> Stream<'p, W> {
    /// A stream writing to `out`, in colour or not, laid out for `width` columns.
    pub fn new(program: &'p Program, show_all: bool, color: bool, width: usize, out: W) -> Self {
        let handler = if color {
            GraphicalReportHandler::new_themed(GraphicalTheme::unicode()).with_width(width)
        } else {
            GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
                .with_width(width)
                .with_links(false)
        }
        // Messages carry offer ids like `796B6B5F-613C-…`: never break them at a hyphen.
        .with_wrap_lines(false);
        Stream {
            program,
            handler,
            show_all,
            rows: Vec::new(),
            waived: Vec::new(),
            counts: Counts::default(),
            out,
        }
    }

    /// Writes the findings of one document. A write error (a closed pipe) is
    /// ignored: the run goes on, and its exit code still tells the result.
    pub fn document(&mut self, sources: &Sources, doc: &DocumentResult) {
        let program = self.program;
        self.counts.add(program, doc);
        let mut out = String::new();
        for outcome in sorted(&doc.outcomes, program) {
            if self.show_all {
                let id = program.rule_id(outcome.rule);
                let subject = if outcome.subject.is_empty() {
                    "(document)"
                } else {
                    &outcome.subject
                };
                self.rows.push([
                    outcome.word().to_string(),
                    id.to_string(),
                    doc.name.clone(),
                    subject.to_string(),
                ]);
            }
            let Some(finding) = &outcome.finding else {
                continue;
            };
            let id = program.rule_id(outcome.rule);
            if let Some(w) = &outcome.disposition.waiver {
                self.waived
                    .push(waived_line(id, &doc.name, outcome, finding, w));
                continue;
            }
            let severity = program.severity(outcome.rule);
            for report in reports(
                sources,
                id,
                severity,
                outcome,
                finding,
                doc.name.contains('#').then_some(doc.name.as_str()),
            ) {
                // Writing into a String cannot fail.
                let _ = self.handler.render_report(&mut out, &report);
            }
            out.push('\n');
        }
        let _ = self.out.write_all(out.as_bytes());
    }

    /// Writes out what is buffered.
    pub fn flush(&mut self) {
        let _ = self.out.flush();
    }

    /// What has been counted so far.
    pub fn counts(&self) -> &Counts {
        &self.counts
    }

    /// Writes the table of outcomes (with `show_all`), the waived findings and
    /// the summary; `errors` says whether the run had problems. Gives the
    /// writer back.
    pub fn finish(mut self, errors: bool, signoff: &SignOff) -> W {
        let mut out = String::new();
        if !self.waived.is_empty() {
            out.push_str(&format!("waived ({}):\n", self.waived.len()));
            for line in &self.waived {
                out.push_str(line);
            }
            out.push('\n');
        }
        if self.show_all {
            let rows = &self.rows;
            let width = |i: usize| {
                rows.iter()
                    .map(|r| r.get(i).map_or(0, |c| c.chars().count()))
                    .max()
                    .unwrap_or(0)
            };
            let (w0, w1, w2) = (width(0), width(1), width(2));
            for [kind, id, doc, subject] in rows {
                out.push_str(&format!("{kind:<w0$}  {id:<w1$}  {doc:<w2$}  {subject}\n"));
            }
            out.push('\n');
        }
        out.push_str(&summary(&self.counts, self.program, errors));
        if let Some(b) = &signoff.baseline {
            out.push_str(&baseline_summary(&self.counts, b));
        }
        let _ = self.out.write_all(out.as_bytes());
        let _ = self.out.flush();
        self.out
    }
}

/// `check`'s human form: findings on standard output as documents are
/// checked, the pack's warnings and the run's problems on standard error, and
/// the summary at the end. Without a pack (it did not load) only the problems
/// are shown.
pub(crate) struct HumanReport<'p> {
    findings: Option<Stream<'p, BufWriter<Stdout>>>,
    stderr: Stderr,
    color_stderr: bool,
    /// Standard output is a terminal: each document's findings are shown at once.
    live: bool,
    problems: Problems,
    fail_on: Threshold,
}

impl<'p> HumanReport<'p> {
    /// The form, with the pack's `warnings` written at once.
    pub(crate) fn new(
        options: &ReportOptions,
        program: Option<&'p Program>,
        sources: &Sources,
        warnings: &[Diagnostic],
    ) -> Self {
        let mut stderr = std::io::stderr();
        let text = diagnostics_human::render(warnings, sources, options.color_stderr);
        let _ = stderr.write_all(text.as_bytes());
        HumanReport {
            findings: program.map(|program| {
                let stdout = BufWriter::with_capacity(1 << 16, std::io::stdout());
                Stream::new(
                    program,
                    options.show_all,
                    options.color_stdout,
                    options.width,
                    stdout,
                )
            }),
            stderr,
            color_stderr: options.color_stderr,
            live: options.stdout_is_terminal,
            problems: Problems::default(),
            fail_on: options.fail_on,
        }
    }
}

impl Sink for HumanReport<'_> {
    fn keeps_spans(&self) -> bool {
        false
    }

    fn error(&mut self, sources: &Sources, error: Diagnostic) {
        self.problems.add(&error);
        let text =
            diagnostics_human::render(std::slice::from_ref(&error), sources, self.color_stderr);
        let _ = self.stderr.write_all(text.as_bytes());
    }

    fn document(&mut self, sources: &Sources, document: DocumentResult) {
        if let Some(findings) = &mut self.findings {
            findings.document(sources, &document);
            if self.live {
                findings.flush();
            }
        }
    }
}

impl form::Report for HumanReport<'_> {
    fn finish(mut self: Box<Self>, _: Sources, signoff: &SignOff) -> Verdict {
        let errors = self.problems.errors;
        let verdict = match self.findings.take() {
            Some(findings) => {
                let verdict = self.problems.verdict(findings.counts(), self.fail_on);
                findings.finish(errors > 0, signoff);
                verdict
            }
            None => self.problems.verdict(&Counts::default(), self.fail_on),
        };
        if errors > 0 {
            let _ = writeln!(
                self.stderr,
                "error: {errors} problem(s) kept this run from being complete"
            );
        }
        verdict
    }

    fn shows_documents(&self) -> bool {
        self.live
    }
}

/// The closing summary: documents, outcomes, findings by severity, the rules
/// with most findings.
fn summary(counts: &Counts, program: &Program, errors: bool) -> String {
    let evaluated = counts.evaluated;
    let skipped = counts.not_evaluated;
    let t = counts.outcomes();
    let waived = if t.waived > 0 {
        format!(", {} waived", t.waived)
    } else {
        String::new()
    };
    let mut out = format!(
        "checked {evaluated} document(s) against {} rule(s): {} pass, {} fail, {} skip, {} error{waived}\n",
        program.rules.len(),
        t.pass,
        t.fail,
        t.skip,
        t.error
    );
    if skipped > 0 {
        out.push_str(&format!(
            "{skipped} document(s) could not be checked (see the errors above)\n"
        ));
    }
    let [e, w, i] = counts.by_severity;
    if e + w + i == 0 {
        out.push_str(if !errors {
            "no findings\n"
        } else if evaluated == 0 {
            "nothing was checked: see the errors above\n"
        } else {
            "no findings in the documents that could be checked\n"
        });
    } else {
        out.push_str(&format!("findings: {e} error, {w} warning, {i} info\n"));
        let mut top: Vec<(&str, u64)> = counts
            .by_rule
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(rule, n)| (program.rule_id(rule), *n))
            .collect();
        top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let shown: Vec<String> = top
            .iter()
            .take(5)
            .map(|(id, n)| format!("{id} ({n})"))
            .collect();
        out.push_str(&format!("most findings: {}\n", shown.join(", ")));
    }
    out
}

/// How many fixed findings the human form lists; the JSON form has them all.
const FIXED_SHOWN: usize = 20;

/// The line of the summary that compares the run with its baseline, and the
/// findings it fixed.
fn baseline_summary(counts: &Counts, b: &BaselineOutcome) -> String {
    let mut out = format!(
        "{} new, {} unchanged, {} fixed since the baseline\n",
        counts.new,
        counts.unchanged,
        b.fixed.len()
    );
    match (b.same_pack, &b.digest) {
        (Some(false), Some(digest)) => out.push_str(&format!(
            "note: the baseline was made with another pack ({digest}): findings may differ because the pack changed\n"
        )),
        (None, _) => out.push_str("note: the baseline records no pack digest\n"),
        _ => {}
    }
    for f in b.fixed.iter().take(FIXED_SHOWN) {
        let subject = if f.subject.is_empty() {
            "(document)"
        } else {
            &f.subject
        };
        out.push_str(&format!("  fixed  {}  {}  {subject}\n", f.rule, f.document));
    }
    if b.fixed.len() > FIXED_SHOWN {
        out.push_str(&format!(
            "  … and {} more (the JSON form lists them all)\n",
            b.fixed.len() - FIXED_SHOWN
        ));
    }
    out
}

/// The line of a waived finding: rule, document, subject, its message, and
/// the waiver's reason, owner and expiry.
fn waived_line(
    id: &str,
    document: &str,
    outcome: &ReportedOutcome,
    finding: &Finding,
    w: &AppliedWaiver,
) -> String {
    let subject = if outcome.subject.is_empty() {
        String::new()
    } else {
        format!(" {}", outcome.subject)
    };
    let approved = w
        .approved_by
        .as_deref()
        .map_or(String::new(), |a| format!(", approved by {a}"));
    let text = format!(
        "  {id}  {document}{subject}: {}\n    accepted by {} until {}{approved} ({}:{}): {}\n",
        super::findings::message(finding),
        w.owner,
        w.expires,
        w.file,
        w.line,
        w.reason
    );
    crate::source::escape_for_terminal(&text).into_owned()
}

/// The reports of one finding: the main one on the input file, then one per
/// other file involved (data files, the policy).
fn reports(
    sources: &Sources,
    id: &str,
    severity: RuleSeverity,
    outcome: &ReportedOutcome,
    finding: &Finding,
    document: Option<&str>,
) -> Vec<Report> {
    // Labels per file, in the order the files first appear.
    let mut files: Vec<(FileId, Vec<LabeledSpan>)> = Vec::new();
    let mut add = |span: Span, text: String, primary: bool| {
        let span = crate::diagnostic::fit_span(sources, span);
        let text = crate::source::escape_for_terminal(&text).into_owned();
        let label = if primary {
            LabeledSpan::new_primary_with_span(Some(text), (span.start as usize, span.len()))
        } else {
            LabeledSpan::new_with_span(Some(text), (span.start as usize, span.len()))
        };
        match files.iter_mut().find(|(f, _)| *f == span.file) {
            Some((_, labels)) => labels.push(label),
            None => files.push((span.file, vec![label])),
        }
    };
    let mut located_in_input = false;
    for v in &finding.values {
        if let Some(span) = v.location {
            let primary = Some(span) == finding.location;
            located_in_input |= finding.location.is_some_and(|l| l.file == span.file);
            add(span, value_label(v), primary);
        }
    }
    if !located_in_input && let Some(span) = finding.location {
        let what = if let Some(anchor) = &finding.anchor {
            anchor.clone()
        } else if outcome.subject.is_empty() {
            "in this document".to_string()
        } else {
            format!("subject {}", outcome.subject)
        };
        add(span, what, true);
    }
    for (span, text) in policy_labels(outcome, finding) {
        add(span, text, false);
    }
    // The input file first: it is where the reader has to act.
    if let Some(input) = finding.location.map(|l| l.file)
        && let Some(pos) = files.iter().position(|(f, _)| *f == input)
    {
        let first = files.remove(pos);
        files.insert(0, first);
    }
    let mut reports = Vec::new();
    let main_severity = match severity {
        RuleSeverity::Error => miette::Severity::Error,
        RuleSeverity::Warning => miette::Severity::Warning,
        RuleSeverity::Info => miette::Severity::Advice,
    };
    // Labels in the input far from the primary one go to a snippet of their
    // own after it, so that the first `file:line:column` shown is the finding's
    // location (as in the JSON form).
    let mut far = Vec::new();
    if let Some(location) = finding.location
        && let Some((file, labels)) = files.first_mut()
        && *file == location.file
    {
        let (near, away): (Vec<LabeledSpan>, Vec<LabeledSpan>) =
            std::mem::take(labels).into_iter().partition(|l| {
                crate::diagnostic::near_enough(
                    sources,
                    *file,
                    location.start as usize,
                    l.offset(),
                    NEAR_LINES,
                )
            });
        *labels = near;
        far = away;
    }
    let mut files = files.into_iter();
    let first = files.next();
    reports.push(Report {
        code: Some(id.to_string()),
        severity: main_severity,
        message: {
            // An `error` says so: its message was written for a failure.
            let message = finding_text(finding);
            match document {
                // In a file of several documents, say which one.
                Some(name) => format!("{name}: {message}"),
                None => message,
            }
        },
        help: finding.help.clone(),
        source: first
            .as_ref()
            .and_then(|(f, _)| CharColumnSource::of(sources, *f)),
        labels: first.map(|(_, l)| l).unwrap_or_default(),
    });
    if let (false, Some(location)) = (far.is_empty(), finding.location) {
        reports.push(Report {
            code: None,
            severity: miette::Severity::Advice,
            message: "also read".to_string(),
            help: None,
            source: CharColumnSource::of(sources, location.file),
            labels: far,
        });
    }
    for (file, labels) in files {
        let name = sources.get(file).map_or("", |f| f.name());
        reports.push(Report {
            code: None,
            severity: miette::Severity::Advice,
            message: format!("in `{name}`"),
            help: None,
            source: CharColumnSource::of(sources, file),
            labels,
        });
    }
    reports
}

/// The labels on the policy: the failing clause (or the expression that could
/// not be evaluated) and the computed sub-values. miette cannot draw labels that
/// overlap on one line, so when sub-values are shown only the `require` keyword
/// carries the clause's label, and a sub-value inside a larger one is left to
/// the JSON form.
fn policy_labels(outcome: &ReportedOutcome, finding: &Finding) -> Vec<(Span, String)> {
    let mut taken: Vec<(Span, String)> = Vec::new();
    let overlaps = |a: Span, b: Span| a.file == b.file && a.start < b.end && b.start < a.end;
    let mut computed: Vec<_> = finding.computed.iter().collect();
    // Larger expressions first: `a + b = 301` explains more than `b = 2`.
    computed.sort_by_key(|c| std::cmp::Reverse(c.span.len()));
    match (&finding.error, finding.policy) {
        (Some(e), Some(span)) => taken.push((span, format!("could not be evaluated: {e}"))),
        (None, Some(span)) if outcome.kind == OutcomeKind::Fail => {
            let keyword = Span {
                end: span.start.saturating_add(7).min(span.end),
                ..span
            };
            if computed.is_empty() {
                taken.push((span, "this requirement does not hold".to_string()));
            } else {
                taken.push((keyword, "this requirement does not hold".to_string()));
            }
        }
        _ => {}
    }
    for c in computed {
        if !taken.iter().any(|(s, _)| overlaps(*s, c.span)) {
            taken.push((c.span, computed_label(c)));
        }
    }
    taken
}

/// How many lines from a finding's location a label may be and still share its
/// snippet.
const NEAR_LINES: usize = 4;

/// One miette report.
#[derive(Debug)]
struct Report {
    code: Option<String>,
    severity: miette::Severity,
    message: String,
    help: Option<String>,
    source: Option<CharColumnSource>,
    labels: Vec<LabeledSpan>,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Messages interpolate values from input files: never let them reach a
        // terminal as control sequences.
        f.write_str(&crate::source::escape_for_terminal(&self.message))
    }
}

impl std::error::Error for Report {}

impl miette::Diagnostic for Report {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.code
            .as_ref()
            .map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn url<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        None
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }
}

//! The change-board report as one self-contained HTML file (signoff.md §4):
//! inline CSS, a small inline script for the filters, an inline SVG chart,
//! nothing fetched when it opens.
//!
//! It streams like the JSON form: the head and the finding table's opening
//! are written at once, each document's rows as it is checked (while its text
//! is still at hand for the snippets), and the decision, summary, waivers and
//! provenance at the end, placed first on screen and on the first printed page
//! by the stylesheet. Memory stays flat: only the run's problems and a bounded
//! list of waived findings are kept.
//!
//! The markup is in `templates/report/`, compiled by askama with HTML escaping
//! on: every value from a plan reaches the page as text.

use std::io::{BufWriter, Stdout, Write};

use askama::Template;

use super::board::{
    Board, DocumentView, ProblemView, SEVERITIES, Summary, WaiverView, waiver_views,
};
use super::form::{Report, ReportOptions, Verdict};
use crate::diagnostic::Diagnostic;
use crate::model::program::Program;
use crate::run::provenance::Provenance;
use crate::run::{DocumentResult, Sink};
use crate::signoff::{BaselineOutcome, SignOff};
use crate::source::Sources;

/// Filters of the report's templates.
mod filters {
    use std::fmt::{Display, Write as _};

    use askama::filters::Safe;

    /// Escapes a value for the content of an element (never an attribute):
    /// `&`, `<` and `>` only. Quotes are left as they are, which keeps the
    /// snippets of JSON plans readable in the source and a fifth shorter
    /// than with askama's escaper; a quote closes nothing outside an
    /// attribute.
    #[askama::filter_fn]
    pub fn text<T: Display>(value: T, _: &dyn askama::Values) -> askama::Result<Safe<String>> {
        let mut raw = String::new();
        write!(raw, "{value}")?;
        let mut out = String::with_capacity(raw.len());
        for c in raw.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                c => out.push(c),
            }
        }
        Ok(Safe(out))
    }
}

/// The start of the file: head, styles, the filters and the table's head.
#[derive(Template)]
#[template(path = "report/head.html")]
struct Head<'a> {
    version: &'a str,
    rules: Vec<&'a str>,
}

/// One document's section of the finding table: its heading and its rows.
#[derive(Template)]
#[template(path = "report/document.html")]
struct DocumentRows<'a> {
    doc: &'a DocumentView<'a>,
}

/// The end of the file: problems, waivers, rules, then the header with the
/// decision and the summary, and the script.
#[derive(Template)]
#[template(path = "report/tail.html")]
struct Tail<'a> {
    version: &'a str,
    command_line: &'a str,
    summary: &'a Summary<'a>,
    severities: Vec<(&'static str, u64)>,
    chart: Chart<'a>,
    problems: &'a [ProblemView],
    problems_left: usize,
    baseline: Option<&'a BaselineOutcome>,
    waivers: Vec<WaiverView<'a>>,
    waived_more: u64,
    provenance: Option<&'a Provenance>,
}

impl Tail<'_> {
    /// A doc comment's paragraphs, lines joined.
    fn paragraphs(&self, doc: &str) -> Vec<String> {
        super::doc_text::reflow(doc)
            .split("\n\n")
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty())
            .collect()
    }
}

/// The bar chart of findings by rule, coloured by severity, as SVG geometry.
#[derive(Debug)]
struct Chart<'a> {
    width: u32,
    height: u32,
    label_width: u32,
    bars: Vec<Bar<'a>>,
    legend: Vec<LegendKey>,
}

/// One rule's bar.
#[derive(Debug)]
struct Bar<'a> {
    id: &'a str,
    severity: &'static str,
    count: u64,
    y: u32,
    width: u32,
}

/// A severity in the legend.
#[derive(Debug)]
struct LegendKey {
    severity: &'static str,
    x: u32,
}

impl<'a> Chart<'a> {
    /// Rules with the most findings come first; at most this many bars.
    const MAX_BARS: usize = 40;
    const ROW: u32 = 20;
    const BAR_SPACE: u32 = 420;

    fn of(summary: &Summary<'a>) -> Chart<'a> {
        let longest = summary
            .rules
            .iter()
            .map(|r| r.id.chars().count())
            .max()
            .unwrap_or(0);
        let label_width = 16 + 7 * u32::try_from(longest.min(48)).unwrap_or(48);
        let max = summary.rules.first().map_or(1, |r| r.findings.max(1));
        let bars: Vec<Bar<'a>> = summary
            .rules
            .iter()
            .take(Self::MAX_BARS)
            .zip(0u32..)
            .map(|(r, i)| Bar {
                id: r.id,
                severity: r.severity,
                count: r.findings,
                y: i * Self::ROW,
                // At least a sliver, so that a rule with one finding among
                // thousands still shows.
                width: u32::try_from(r.findings.saturating_mul(u64::from(Self::BAR_SPACE)) / max)
                    .unwrap_or(Self::BAR_SPACE)
                    .max(2),
            })
            .collect();
        let rows = u32::try_from(bars.len()).unwrap_or(0);
        let legend = SEVERITIES
            .iter()
            .zip(0u32..)
            .map(|(s, i)| LegendKey {
                severity: s,
                x: label_width + i * 90,
            })
            .collect();
        Chart {
            width: label_width + Self::BAR_SPACE + 70,
            height: rows * Self::ROW + 28,
            label_width,
            bars,
            legend,
        }
    }
}

/// `check -f html` on standard output.
pub(crate) struct HtmlReport<'p> {
    board: Board<'p>,
    out: BufWriter<Stdout>,
}

impl<'p> HtmlReport<'p> {
    /// The form; the head of the file is written at once. Without a pack (it
    /// did not load) it reports a run of no rules whose problems are the
    /// pack's diagnostics.
    pub(crate) fn new(
        options: &ReportOptions,
        program: Option<&'p Program>,
        sources: &Sources,
        warnings: &[Diagnostic],
    ) -> Self {
        let board = Board::new(options, program, sources, warnings);
        let mut out = BufWriter::with_capacity(1 << 16, std::io::stdout());
        let mut rules: Vec<&str> = board.program.rules.iter().map(|r| r.id.as_str()).collect();
        rules.sort_unstable();
        let head = Head {
            version: env!("CARGO_PKG_VERSION"),
            rules,
        };
        let _ = head.write_into(&mut out);
        HtmlReport { board, out }
    }
}

impl Sink for HtmlReport<'_> {
    fn keeps_spans(&self) -> bool {
        false
    }

    fn error(&mut self, sources: &Sources, error: Diagnostic) {
        self.board.error(sources, &error);
    }

    fn document(&mut self, sources: &Sources, document: DocumentResult) {
        if let Some(doc) = self.board.document(sources, &document) {
            let _ = DocumentRows { doc: &doc }.write_into(&mut self.out);
        }
    }
}

impl Report for HtmlReport<'_> {
    fn finish(mut self: Box<Self>, _: Sources, signoff: &SignOff) -> Verdict {
        let board = &self.board;
        let summary = board.summary(signoff);
        let tail = Tail {
            version: env!("CARGO_PKG_VERSION"),
            command_line: &board.command_line,
            severities: SEVERITIES
                .iter()
                .copied()
                .zip(summary.by_severity)
                .collect(),
            chart: Chart::of(&summary),
            summary: &summary,
            problems: &board.listed,
            problems_left: board.problems_left(),
            baseline: signoff.baseline.as_ref(),
            waivers: waiver_views(signoff, &board.waived),
            waived_more: board.waived.more,
            provenance: signoff.provenance.as_ref(),
        };
        let _ = tail.write_into(&mut self.out);
        // askama drops the template's last line end; a text file has one.
        let _ = self.out.write_all(b"\n");
        let _ = self.out.flush();
        self.board.verdict()
    }
}

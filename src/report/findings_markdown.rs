//! The change-board report as GitHub-flavoured Markdown (signoff.md §4), for
//! a pull request comment or a wiki page: the decision line, the provenance,
//! the summary tables, the findings grouped by document with their plan
//! snippets, the problems, the baseline's fixed findings and the waivers. No
//! chart and no filters: Markdown has neither.
//!
//! Markdown reads top to bottom and the decision is known only at the end,
//! so the documents' sections are kept (as text, written while each
//! document's source is at hand) and the whole is written when the run is
//! over. A pull request comment is small; a wave of a million subscriptions
//! belongs in the HTML or JSON form, which stream.
//!
//! Every value from the input goes through [`text`], [`code`] or
//! [`code_block`], which escape it for Markdown, so that a plan cannot write
//! a link, an image, HTML or a table cell into the report.

use std::fmt::Write as _;
use std::io::Write as _;

use super::board::{Board, DocumentView, FindingView, Summary, waiver_views};
use super::form::{Report, ReportOptions, Verdict};
use super::snippet::Snippet;
use crate::diagnostic::Diagnostic;
use crate::model::program::Program;
use crate::run::{DocumentResult, Sink};
use crate::signoff::SignOff;
use crate::source::Sources;

/// `check -f markdown` on standard output.
pub(crate) struct MarkdownReport<'p> {
    board: Board<'p>,
    /// The documents' sections, written at the end after the summary.
    sections: String,
}

impl<'p> MarkdownReport<'p> {
    /// The form; nothing is written before the end.
    pub(crate) fn new(
        options: &ReportOptions,
        program: Option<&'p Program>,
        sources: &Sources,
        warnings: &[Diagnostic],
    ) -> Self {
        MarkdownReport {
            board: Board::new(options, program, sources, warnings),
            sections: String::new(),
        }
    }
}

impl Sink for MarkdownReport<'_> {
    fn keeps_spans(&self) -> bool {
        false
    }

    fn error(&mut self, sources: &Sources, error: Diagnostic) {
        self.board.error(sources, &error);
    }

    fn document(&mut self, sources: &Sources, document: DocumentResult) {
        if let Some(doc) = self.board.document(sources, &document) {
            write_document(&mut self.sections, &doc);
        }
    }
}

impl Report for MarkdownReport<'_> {
    fn finish(self: Box<Self>, _: Sources, signoff: &SignOff) -> Verdict {
        let mut out = String::new();
        let board = &self.board;
        let summary = board.summary(signoff);
        write_head(&mut out, board, &summary, signoff);
        out.push_str("\n## Findings\n\n");
        if self.sections.is_empty() {
            out.push_str("No findings.\n");
        } else {
            out.push_str(&self.sections);
        }
        write_problems(&mut out, board);
        write_fixed(&mut out, signoff);
        write_waivers(&mut out, board, signoff);
        let mut stdout = std::io::stdout().lock();
        let _ = stdout.write_all(out.as_bytes());
        let _ = stdout.flush();
        self.board.verdict()
    }
}

/// The title, the decision, the provenance and the summary.
fn write_head(out: &mut String, board: &Board<'_>, summary: &Summary<'_>, signoff: &SignOff) {
    let word = summary.decision.word();
    let _ = writeln!(out, "# preflight check report: {word}\n");
    // The reason is the report's own words and numbers, no input value.
    let _ = writeln!(out, "**{word}**: {}.\n", summary.reason);
    out.push_str("| | |\n|---|---|\n");
    if let Some(p) = &signoff.provenance {
        let _ = writeln!(out, "| Pack | {} |", cell_code(&p.pack));
        let _ = writeln!(
            out,
            "| Pack digest | {} |",
            cell_code(&p.digest.to_string())
        );
        let _ = writeln!(out, "| Date | {} |", text(&p.today));
        if !p.params.is_empty() {
            let params: Vec<String> = p
                .params
                .iter()
                .map(|(name, value)| cell_code(&format!("{name}={value}")))
                .collect();
            let _ = writeln!(out, "| Params | {} |", params.join(", "));
        }
    }
    let _ = writeln!(out, "| Command | {} |", cell_code(&board.command_line));
    let _ = writeln!(out, "| Tool | preflight {} |", env!("CARGO_PKG_VERSION"));
    if let Some(p) = signoff.provenance.as_ref().filter(|p| !p.inputs.is_empty()) {
        let _ = writeln!(
            out,
            "\n<details><summary>{} input file(s), with their SHA-256</summary>\n",
            p.inputs.len()
        );
        for i in &p.inputs {
            let _ = writeln!(out, "- {} {}", code(&i.sha256.hex()), text(&i.file));
        }
        out.push_str("\n</details>\n");
    }

    out.push_str("\n## Summary\n\n");
    let documents = summary.evaluated + summary.not_evaluated;
    let mut header = String::from("| Documents | Findings | error | warning | info | Waived |");
    let mut rule = String::from("|---:|---:|---:|---:|---:|---:|");
    let [e, w, i] = summary.by_severity;
    let mut row = format!(
        "| {documents} | {} | {e} | {w} | {i} | {} |",
        summary.findings(),
        summary.outcomes.waived
    );
    if let Some(b) = &summary.baseline {
        header.push_str(" New | Unchanged | Fixed |");
        rule.push_str("---:|---:|---:|");
        let _ = write!(row, " {} | {} | {} |", b.new, b.unchanged, b.fixed);
    }
    header.push_str(" Problems |");
    rule.push_str("---:|");
    let _ = write!(row, " {} |", summary.problems.errors);
    let _ = writeln!(out, "{header}\n{rule}\n{row}");
    if summary.not_evaluated > 0 {
        let _ = writeln!(
            out,
            "\n{} document(s) could not be evaluated.",
            summary.not_evaluated
        );
    }
    if let Some(b) = &summary.baseline {
        let _ = writeln!(
            out,
            "\nCompared with the baseline {}{}.",
            code(b.file),
            if b.other_pack {
                ", made with another version of the pack"
            } else {
                ""
            }
        );
    }
    if !summary.rules.is_empty() {
        out.push_str("\n| Rule | Severity | Findings |\n|---|---|---:|\n");
        for r in &summary.rules {
            let _ = writeln!(out, "| {} | {} | {} |", text(r.id), r.severity, r.findings);
        }
    }
    let _ = writeln!(
        out,
        "\nFindings count towards the decision at severity {} or above.",
        summary.fail_on
    );
}

/// One document's findings.
fn write_document(out: &mut String, doc: &DocumentView<'_>) {
    let count = format!(
        "{} finding(s){}",
        doc.findings.len(),
        if doc.evaluated { "" } else { ", not evaluated" }
    );
    match doc.title {
        Some(title) => {
            let _ = writeln!(out, "### {}\n\n{}, {count}\n", text(title), code(doc.name));
        }
        None => {
            let _ = writeln!(out, "### {}\n\n{count}\n", text(doc.name));
        }
    }
    for f in &doc.findings {
        write_finding(out, f);
    }
    out.push('\n');
}

/// One finding: a list item with its details and snippets under it.
fn write_finding(out: &mut String, f: &FindingView<'_>) {
    let mut tags = vec![f.severity.to_string()];
    if f.waiver.is_some() {
        tags.push("waived".into());
    }
    if f.outcome == "error" {
        tags.push("not evaluated".into());
    }
    if f.baseline == Some("new") {
        tags.push("new".into());
    }
    let subject = if f.subject.is_empty() {
        String::new()
    } else {
        format!(" on {}", code(f.subject))
    };
    let _ = writeln!(
        out,
        "- **{}** ({}){subject}: {}",
        text(f.rule),
        tags.join(", "),
        text(&f.message)
    );
    if let Some(help) = f.help {
        let _ = writeln!(out, "  - What to do: {}", text(help));
    }
    if let Some(doc) = &f.doc {
        let _ = writeln!(out, "  - Why: {}", text(doc));
    }
    if let Some(w) = f.waiver {
        let approved = w
            .approved_by
            .as_deref()
            .map(|a| format!(", approved by {}", text(a)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  - Waived: {} (owner {}{approved}, until {}; {})",
            text(&w.reason),
            text(&w.owner),
            text(&w.expires),
            code(&format!("{}:{}", w.file, w.line))
        );
    }
    if let Some(req) = f.requirement {
        let _ = writeln!(out, "  - Requires: {}", code(req));
    }
    for v in &f.values {
        let at = v
            .place
            .as_deref()
            .map(|p| format!(" at {}", text(p)))
            .unwrap_or_default();
        let _ = writeln!(out, "  - {}{at}", code(&v.label));
    }
    for c in &f.computed {
        let _ = writeln!(out, "  - {} (computed)", code(c));
    }
    if f.values.is_empty()
        && let Some(p) = &f.place
    {
        let _ = writeln!(out, "  - at {}", text(p));
    }
    for s in &f.snippets {
        let _ = writeln!(out, "\n  {}:\n", text(&s.file));
        out.push_str(&code_block(&snippet_lines(s), "  "));
    }
}

/// A snippet as plain lines: numbered, each mark underlined with `^` and
/// followed by its labels.
fn snippet_lines(s: &Snippet) -> String {
    let width = s
        .lines
        .iter()
        .map(|l| l.number.to_string().len())
        .max()
        .unwrap_or(1);
    let mut text = String::new();
    for line in &s.lines {
        let _ = writeln!(text, "{:>width$} | {}", line.number, line.text());
        let under = line.underline();
        if !under.is_empty() || !line.labels.is_empty() {
            let _ = writeln!(text, "{:>width$} | {under} {}", "", line.label());
        }
    }
    text
}

/// The run's problems, when there are any.
fn write_problems(out: &mut String, board: &Board<'_>) {
    if board.listed.is_empty() {
        return;
    }
    out.push_str("\n## Problems of the run\n\n");
    for p in &board.listed {
        let document = p
            .document
            .as_deref()
            .map(|d| format!("{}: ", code(d)))
            .unwrap_or_default();
        let place = p
            .place
            .as_deref()
            .map(|at| format!(" ({})", text(at)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "- **{}** {document}{}{place}",
            p.severity,
            text(&p.message)
        );
        if let Some(h) = &p.help {
            let _ = writeln!(out, "  - What to do: {}", text(h));
        }
    }
    let left = board.problems_left();
    if left > 0 {
        let _ = writeln!(out, "- and {left} more (the JSON form lists them all)");
    }
}

/// The baseline's findings that are gone, when a baseline was given.
fn write_fixed(out: &mut String, signoff: &SignOff) {
    let Some(b) = &signoff.baseline else {
        return;
    };
    out.push_str("\n## Fixed since the baseline\n\n");
    if b.fixed.is_empty() {
        out.push_str("None of the baseline's findings is gone.\n");
        return;
    }
    out.push_str("| Rule | Document | Subject | Message in the baseline |\n|---|---|---|---|\n");
    for f in &b.fixed {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            text(&f.rule),
            text(&f.document),
            cell_code(&f.subject),
            text(&f.message)
        );
    }
}

/// Every waiver with what became of it, and the findings it accepted.
fn write_waivers(out: &mut String, board: &Board<'_>, signoff: &SignOff) {
    out.push_str("\n## Waivers\n\n");
    let waivers = waiver_views(signoff, &board.waived);
    if waivers.is_empty() {
        out.push_str("No waiver file was given (`--waivers`).\n");
        return;
    }
    out.push_str(
        "| Waiver | Rule | Status | Findings | Reason | Owner | Approved by | Expires |\n\
         |---|---|---|---:|---|---|---|---|\n",
    );
    for w in &waivers {
        let a = w.waiver;
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            cell_code(&format!("{}:{}", a.file, a.line)),
            text(w.rule),
            w.status,
            w.matched,
            text(&a.reason),
            text(&a.owner),
            a.approved_by.as_deref().map_or_else(|| "—".into(), text),
            text(&a.expires)
        );
    }
    for w in waivers.iter().filter(|w| !w.findings.is_empty()) {
        let _ = writeln!(
            out,
            "\nAccepted by {}:\n",
            code(&format!("{}:{}", w.waiver.file, w.waiver.line))
        );
        for f in &w.findings {
            let subject = if f.subject.is_empty() {
                String::new()
            } else {
                format!(" on {}", code(&f.subject))
            };
            let _ = writeln!(out, "- {}: {}{subject}", code(&f.document), text(&f.rule));
        }
    }
    if board.waived.more > 0 {
        let _ = writeln!(
            out,
            "\n{} more waived finding(s) are not listed (the HTML and JSON forms list them all).",
            board.waived.more
        );
    }
}

/// Characters that mean something in GitHub-flavoured Markdown wherever they
/// stand (emphasis, code, links and images, HTML, tables, strikethrough,
/// math, entity references, mentions and issue references): escaped with
/// `\`, which CommonMark allows before any ASCII punctuation. `(`, `!` and
/// the like mean something only next to an escaped `[`, so they stay as they
/// are.
const MARKUP: &[char] = &[
    '\\', '`', '*', '_', '[', ']', '<', '>', '|', '~', '&', '$', '#', '@',
];

/// `s` as Markdown text: markup characters escaped, line breaks turned into
/// spaces (a line break could start a heading or a list).
pub(crate) fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' | '\r' => out.push(' '),
            c if MARKUP.contains(&c) => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// `s` as an inline code span: fenced by one backtick more than its longest
/// run of backticks, padded when it starts or ends with one.
pub(crate) fn code(s: &str) -> String {
    let s = s.replace(['\n', '\r'], " ");
    let fence = "`".repeat(longest_run(&s, '`') + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') || s.starts_with(' ') && s.ends_with(' ') {
        " "
    } else {
        ""
    };
    if s.trim().is_empty() {
        // An empty or blank code span does not render; say what it was.
        return format!("{fence} {s} {fence}");
    }
    format!("{fence}{pad}{s}{pad}{fence}")
}

/// `s` as a code span in a table cell, where GitHub splits cells at `|`
/// even inside code: it is written `\|` there.
fn cell_code(s: &str) -> String {
    code(s).replace('|', "\\|")
}

/// `lines` as a fenced code block indented by `indent`: the fence is longer
/// than any run of backticks in the text, so no line can close it.
pub(crate) fn code_block(lines: &str, indent: &str) -> String {
    let fence = "`".repeat(longest_run(lines, '`').max(2) + 1);
    let mut out = format!("{indent}{fence}text\n");
    for line in lines.lines() {
        let line = line.replace('\r', " ");
        let _ = writeln!(out, "{indent}{line}");
    }
    let _ = writeln!(out, "{indent}{fence}");
    out
}

/// The longest run of `c` in `s`.
fn longest_run(s: &str, c: char) -> usize {
    let (mut best, mut run) = (0, 0);
    for x in s.chars() {
        if x == c {
            run += 1;
            best = best.max(run);
        } else {
            run = 0;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_escapes_every_markup_character() {
        assert_eq!(
            text("[x](http://e) <b>|a|</b> `c` *d*\n# h"),
            "\\[x\\](http://e) \\<b\\>\\|a\\|\\</b\\> \\`c\\` \\*d\\* \\# h"
        );
    }

    #[test]
    fn code_spans_and_blocks_outlast_the_backticks_inside() {
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x`"), "`` `x` ``");
        assert_eq!(cell_code("a|b"), "`a\\|b`");
        let block = code_block("```\nx\n", "  ");
        assert!(block.starts_with("  ````text\n"), "{block}");
        assert!(block.ends_with("  ````\n"), "{block}");
    }
}

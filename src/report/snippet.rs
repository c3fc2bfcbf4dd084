//! The source lines around a finding's values, for the forms that show them
//! as text of their own (HTML and Markdown) rather than through miette: the
//! lines of the input with each value marked and labelled, a line of context
//! on each side, as the human form draws them.
//!
//! A snippet is made of plain pieces of text; each form escapes them for its
//! own markup. Lines come from the terminal-safe text of the file (control
//! characters and bidirectional overrides replaced), so that a plan cannot
//! make a line read differently from what it is.

use crate::source::{FileId, Sources, Span};

/// Lines of context shown before and after a marked line.
const CONTEXT: usize = 1;
/// A line longer than this (in bytes) is cut around its marks.
const LONG_LINE: usize = 160;
/// Bytes kept on each side of the marks of a cut line.
const AROUND: usize = 40;
/// Bytes kept of a cut line that has no mark (a line of context).
const CONTEXT_KEEP: usize = 100;

/// Consecutive lines of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Snippet {
    /// The file as the run names it.
    pub(crate) file: String,
    /// The lines, in order.
    pub(crate) lines: Vec<SnippetLine>,
}

/// One line of a snippet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SnippetLine {
    /// Its 1-based number in the file.
    pub(crate) number: usize,
    /// Its text, cut into marked and unmarked pieces (line end left out).
    pub(crate) pieces: Vec<Piece>,
    /// The labels of the marks that start on it.
    pub(crate) labels: Vec<String>,
}

/// A piece of a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Piece {
    /// The text.
    pub(crate) text: String,
    /// Whether it is (part of) a value the finding points at.
    pub(crate) marked: bool,
}

impl SnippetLine {
    /// The line's text, marks left out.
    pub(crate) fn text(&self) -> String {
        self.pieces.iter().map(|p| p.text.as_str()).collect()
    }

    /// A line to draw under this one in a monospace font: `^` under each
    /// marked character, blanks elsewhere, nothing after the last mark
    /// (empty when nothing is marked).
    pub(crate) fn underline(&self) -> String {
        let mut under = String::new();
        for p in &self.pieces {
            let c = if p.marked { '^' } else { ' ' };
            under.extend(std::iter::repeat_n(c, p.text.chars().count()));
        }
        under.trim_end().to_string()
    }

    /// The labels of the line's marks, as one text.
    pub(crate) fn label(&self) -> String {
        self.labels.join("; ")
    }
}

/// The snippets that show `marks` (a span and its label each): one per run of
/// nearby lines, the files in the order their first mark comes, lines in file
/// order. Spans of files the run no longer holds are left out.
pub(crate) fn snippets(sources: &Sources, marks: &[(Span, String)]) -> Vec<Snippet> {
    let mut files: Vec<FileId> = Vec::new();
    for (span, _) in marks {
        if !files.contains(&span.file) {
            files.push(span.file);
        }
    }
    let mut out = Vec::new();
    for id in files {
        let Some(file) = sources.get(id) else {
            continue;
        };
        let mut here: Vec<(Span, &str)> = marks
            .iter()
            .filter(|(s, _)| s.file == id)
            .map(|(s, l)| (*s, l.as_str()))
            .collect();
        here.sort_by_key(|(s, _)| (s.start, s.end));
        let text = file.display_text();
        let starts = file.line_starts();
        let line_of = |offset: usize| starts.partition_point(|&s| s <= offset).saturating_sub(1);
        let last_line = starts.len().saturating_sub(1);
        // Runs of lines: each mark's line with its context, merged when they
        // touch.
        let mut runs: Vec<(usize, usize)> = Vec::new();
        for (span, _) in &here {
            let line = line_of(span.start as usize);
            let (from, to) = (
                line.saturating_sub(CONTEXT),
                (line + CONTEXT).min(last_line),
            );
            match runs.last_mut() {
                Some((_, end)) if from <= *end + 1 => *end = (*end).max(to),
                _ => runs.push((from, to)),
            }
        }
        for (from, to) in runs {
            let lines = (from..=to)
                .map(|i| {
                    let start = starts.get(i).copied().unwrap_or(text.len());
                    let end = starts.get(i + 1).copied().unwrap_or(text.len());
                    let raw = text.get(start..end).unwrap_or("");
                    let line = raw.trim_end_matches(['\n', '\r']);
                    let on_line: Vec<(usize, usize)> = here
                        .iter()
                        .filter_map(|(s, _)| {
                            let (a, b) = (s.start as usize, (s.end as usize).max(s.start as usize));
                            let covers =
                                line_of(a) <= i && i <= line_of(b.saturating_sub(1).max(a));
                            covers.then(|| {
                                let from = a.saturating_sub(start).min(line.len());
                                (from, b.saturating_sub(start).clamp(from, line.len()))
                            })
                        })
                        .collect();
                    let labels = here
                        .iter()
                        .filter(|(s, _)| line_of(s.start as usize) == i)
                        .map(|(_, l)| (*l).to_string())
                        .collect();
                    SnippetLine {
                        number: i + 1 + file.first_line(),
                        pieces: pieces(line, &on_line),
                        labels,
                    }
                })
                .collect();
            out.push(Snippet {
                file: file.name().to_string(),
                lines,
            });
        }
    }
    out
}

/// A line cut into pieces at its marked byte ranges (merged when they
/// overlap), a long line shortened around them.
fn pieces(line: &str, marks: &[(usize, usize)]) -> Vec<Piece> {
    let mut ranges: Vec<(usize, usize)> = marks
        .iter()
        .map(|&(a, b)| (boundary(line, a), boundary(line, b)))
        .collect();
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (a, b) in ranges {
        match merged.last_mut() {
            Some((_, end)) if a <= *end => *end = (*end).max(b),
            _ => merged.push((a, b)),
        }
    }
    // The parts of the line shown: all of a short line; of a long one, a
    // window around each mark (windows that touch are merged), so that two
    // values far apart on one JSON Lines record do not bring in all that
    // lies between them.
    let mut windows: Vec<(usize, usize)> = Vec::new();
    if line.len() <= LONG_LINE {
        windows.push((0, line.len()));
    } else if merged.is_empty() {
        windows.push((0, boundary(line, CONTEXT_KEEP)));
    } else {
        for &(a, b) in &merged {
            let window = (
                boundary(line, a.saturating_sub(AROUND)),
                boundary(line, (b + AROUND).min(line.len())),
            );
            match windows.last_mut() {
                Some((_, end)) if window.0 <= *end => *end = (*end).max(window.1),
                _ => windows.push(window),
            }
        }
    }
    let mut out = Vec::new();
    let mut push = |text: &str, marked: bool| {
        if !text.is_empty() {
            out.push(Piece {
                text: text.to_string(),
                marked,
            });
        }
    };
    let mut at = 0;
    for (shown_from, shown_to) in windows {
        if shown_from > at {
            push("…", false);
        }
        at = shown_from;
        for &(a, b) in &merged {
            if b <= shown_from || a >= shown_to {
                continue;
            }
            let (a, b) = (a.clamp(at, shown_to), b.clamp(at, shown_to));
            push(line.get(at..a).unwrap_or(""), false);
            push(line.get(a..b).unwrap_or(""), true);
            at = b;
        }
        push(line.get(at..shown_to).unwrap_or(""), false);
        at = shown_to;
    }
    if at < line.len() {
        push("…", false);
    }
    out
}

/// The nearest character boundary of `text` at or before `offset`.
fn boundary(text: &str, offset: usize) -> usize {
    let mut at = offset.min(text.len());
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(line: &SnippetLine) -> Vec<&str> {
        line.pieces
            .iter()
            .filter(|p| p.marked)
            .map(|p| p.text.as_str())
            .collect()
    }

    #[test]
    fn marks_a_value_with_a_line_of_context() {
        let mut sources = Sources::new();
        let id = sources.add("plan.yaml", "a: 1\nb: 22\nc: 3\nd: 4\n");
        let span = Span::new(id, 8, 10);
        let out = snippets(&sources, &[(span, "b: 22".to_string())]);
        assert_eq!(out.len(), 1);
        let lines = &out[0].lines;
        assert_eq!(
            lines.iter().map(|l| l.number).collect::<Vec<_>>(),
            [1, 2, 3]
        );
        assert_eq!(marked(&lines[1]), ["22"]);
        assert_eq!(lines[1].labels, ["b: 22"]);
        assert_eq!(lines[1].text(), "b: 22");
        assert!(lines[0].labels.is_empty());
    }

    #[test]
    fn near_marks_share_a_snippet_and_far_ones_do_not() {
        let text: String = (1..=20).map(|i| format!("k{i}: {i}\n")).collect();
        let mut sources = Sources::new();
        let id = sources.add("plan.yaml", text.as_str());
        let at = |line: usize| {
            let start: usize = text.lines().take(line - 1).map(|l| l.len() + 1).sum();
            Span::new(id, start, start + 2)
        };
        let marks = [
            (at(15), "far".to_string()),
            (at(2), "a".to_string()),
            (at(4), "b".to_string()),
        ];
        let out = snippets(&sources, &marks);
        let numbers: Vec<Vec<usize>> = out
            .iter()
            .map(|s| s.lines.iter().map(|l| l.number).collect())
            .collect();
        assert_eq!(numbers, [vec![1, 2, 3, 4, 5], vec![14, 15, 16]]);
    }

    #[test]
    fn a_long_line_is_cut_around_its_mark_on_a_character_boundary() {
        let line = format!("{}VALUE{}", "é".repeat(200), "x".repeat(300));
        let mut sources = Sources::new();
        let id = sources.add("wave.jsonl", line.as_str());
        let start = line.find("VALUE").unwrap_or(0);
        let out = snippets(&sources, &[(Span::new(id, start, start + 5), "v".into())]);
        let l = &out[0].lines[0];
        assert_eq!(marked(l), ["VALUE"]);
        let text = l.text();
        assert!(text.starts_with('…') && text.ends_with('…'), "{text}");
        assert!(text.len() < 200, "{}", text.len());
    }

    #[test]
    fn two_marks_far_apart_on_a_long_line_are_shown_in_two_windows() {
        let line = format!(
            "{}FIRST{}SECOND{}NEAR{}",
            "a".repeat(300),
            "b".repeat(400),
            "c".repeat(10),
            "d".repeat(300)
        );
        let mut sources = Sources::new();
        let id = sources.add("wave.jsonl", line.as_str());
        let span = |word: &str| {
            let start = line.find(word).unwrap_or(0);
            Span::new(id, start, start + word.len())
        };
        let out = snippets(
            &sources,
            &[
                (span("FIRST"), "1".into()),
                (span("SECOND"), "2".into()),
                (span("NEAR"), "3".into()),
            ],
        );
        let l = &out[0].lines[0];
        assert_eq!(marked(l), ["FIRST", "SECOND", "NEAR"]);
        let text = l.text();
        // …a{40}FIRSTb{40}…b{40}SECONDc{10}NEARd{40}…
        assert_eq!(text.matches('…').count(), 3, "{text}");
        assert!(!text.contains(&"b".repeat(81)), "{text}");
        assert!(text.contains(&format!("SECOND{}NEAR", "c".repeat(10))));
        assert_eq!(text.chars().count(), 3 + 40 + 5 + 40 + 40 + 6 + 10 + 4 + 40);
        // The underline keeps each mark under its text.
        let under = l.underline();
        let carets: Vec<usize> = under
            .char_indices()
            .filter(|&(_, c)| c == '^')
            .map(|(i, _)| i)
            .collect();
        let chars: Vec<char> = text.chars().collect();
        assert!(carets.iter().all(|&i| chars[i].is_ascii_uppercase()));
        assert_eq!(carets.len(), 5 + 6 + 4);
    }

    #[test]
    fn fragments_number_lines_as_the_whole_file_and_odd_spans_do_not_panic() {
        let mut sources = Sources::new();
        let id = sources.add_fragment("wave.jsonl", "{\"a\": 1}", 41);
        let out = snippets(
            &sources,
            &[
                (Span::new(id, 6, 7), "a".into()),
                (Span::new(id, 7, 3), "backwards".into()),
                (Span::new(id, 500, 900), "past the end".into()),
            ],
        );
        assert_eq!(out[0].lines[0].number, 42);
        let other = Span::new(FileId::NONE, 0, 1);
        assert!(snippets(&sources, &[(other, "x".into())]).is_empty());
    }
}

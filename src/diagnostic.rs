//! The one diagnostic type of the front end, and its rendering through miette.
//!
//! A [`Diagnostic`] is plain data: a stable [`Code`], a message, labelled spans
//! (possibly in several files) and an optional help. Keeping it free of miette types
//! lets the checker build diagnostics cheaply and lets every output form (graphical,
//! JSON) read the same fields. [`Diagnostic::render`] turns it into a miette report:
//! labels in the primary label's file are drawn on that file, labels in other files
//! become related reports, each on its own file.

use std::fmt;

use miette::{LabeledSpan, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use crate::source::{Sources, Span};

/// A stable diagnostic code. Users match on these in scripts, so a code is never
/// renamed once released; new codes may be added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Code {
    /// A file could not be read, or a pack has no policy files.
    Io,
    /// The text is not valid syntax (including common slips such as `&&`).
    Parse,
    /// A built-in limit was exceeded (nesting depth, file size).
    Limit,
    /// A literal is malformed: an integer out of range, a bad escape, a bad date.
    Literal,
    /// A name is declared twice.
    Duplicate,
    /// A variable is not in scope.
    UnknownName,
    /// A type name is not declared.
    UnknownType,
    /// A record has no field of that name.
    UnknownField,
    /// A string is not a member of the expected enum.
    UnknownMember,
    /// A function or generator name does not exist.
    UnknownFunction,
    /// An expression has the wrong type.
    Type,
    /// A function is called with the wrong number or types of arguments.
    Arguments,
    /// An optional field is read where it may be absent, or `??` is misused.
    Optional,
    /// A rule's clauses are missing, repeated or out of order.
    Clause,
    /// The pack's `input` declaration is missing, repeated or not a record.
    Input,
    /// A `param` declaration has an unsupported type or a non-literal default.
    Param,
    /// A `matches` pattern is not a valid regular expression.
    Regex,
    /// A record contains itself through required fields, so no document can match.
    RecursiveType,
    /// A doc comment is not followed by anything it could document.
    DocComment,
    /// An input or data file cannot be parsed or does not conform to its type.
    Data,
    /// A command-line value is wrong: an unknown `--param` or `--data` name, a
    /// value that does not fit the param's type, a malformed `--today`.
    Usage,
    /// A pack's test file (`tests/*.test.yaml`) is malformed.
    Test,
    /// A declared optional field of an open record is absent while the same
    /// object has a key spelt almost like it (a warning).
    NearMiss,
    /// A pack function calls itself, directly or through others.
    Recursion,
    /// A waiver file is malformed (`--waivers`).
    Waiver,
    /// A waiver has expired: it no longer applies (a warning).
    WaiverExpired,
    /// A waiver matched no finding of the run (an info).
    WaiverUnused,
    /// A baseline file is not the JSON output of a preflight run (`--baseline`),
    /// or comes from another pack (an info).
    Baseline,
}

impl Code {
    /// The code as users see it, e.g. `preflight::unknown-field`.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Io => "preflight::io",
            Code::Parse => "preflight::parse",
            Code::Limit => "preflight::limit",
            Code::Literal => "preflight::literal",
            Code::Duplicate => "preflight::duplicate",
            Code::UnknownName => "preflight::unknown-name",
            Code::UnknownType => "preflight::unknown-type",
            Code::UnknownField => "preflight::unknown-field",
            Code::UnknownMember => "preflight::unknown-member",
            Code::UnknownFunction => "preflight::unknown-function",
            Code::Type => "preflight::type",
            Code::Arguments => "preflight::arguments",
            Code::Optional => "preflight::optional",
            Code::Clause => "preflight::clause",
            Code::Input => "preflight::input",
            Code::Param => "preflight::param",
            Code::Regex => "preflight::regex",
            Code::RecursiveType => "preflight::recursive-type",
            Code::DocComment => "preflight::doc-comment",
            Code::Data => "preflight::data",
            Code::Usage => "preflight::usage",
            Code::Test => "preflight::test",
            Code::NearMiss => "preflight::near-miss",
            Code::Recursion => "preflight::recursion",
            Code::Waiver => "preflight::waiver",
            Code::WaiverExpired => "preflight::waiver-expired",
            Code::WaiverUnused => "preflight::waiver-unused",
            Code::Baseline => "preflight::baseline",
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How serious a diagnostic is. Only errors make a pack fail to load.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The pack is rejected.
    Error,
    /// Worth fixing; the pack still loads.
    Warning,
    /// Worth knowing (a waiver that matched nothing); fails a run only under
    /// `--fail-on info`.
    Info,
}

impl Severity {
    /// The word of the JSON forms' `severity` field, which the change-board
    /// report shows too.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// A labelled span. The first label of a diagnostic is its primary location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What to say there; `None` underlines without text.
    pub text: Option<String>,
}

/// A problem found in a policy pack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable code.
    pub code: Code,
    /// Error or warning.
    pub severity: Severity,
    /// One line, lower case, no trailing period; user input in backticks.
    pub message: String,
    /// Labelled spans; the first is the primary location. May be empty for problems
    /// that belong to no file (an empty pack directory).
    pub labels: Vec<Label>,
    /// What to write instead, when there is something to say.
    pub help: Option<String>,
    /// The input document the problem belongs to (`FILE` or `FILE#N`), for
    /// problems of one document: so that every document of a run can be
    /// accounted for, evaluated or reported.
    pub document: Option<Box<str>>,
    /// Mechanical changes of the text that the help names ("did you mean",
    /// `&&` → `and`, a guard to add), for editors to offer as quick fixes.
    pub fixes: Box<[Fix]>,
}

/// A change of the policy text that resolves a diagnostic, as its help says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// What the change does, as an editor lists it: "change to `quantity`".
    pub title: String,
    /// Where to write what; an empty span inserts.
    pub span: Span,
    /// The text to write there.
    pub text: String,
}

impl Diagnostic {
    /// An error with a message and no labels yet.
    pub fn error(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            labels: Vec::new(),
            help: None,
            document: None,
            fixes: Box::default(),
        }
    }

    /// A warning with a message and no labels yet.
    pub fn warning(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    /// The error for a name declared twice: the second place is primary, the
    /// first is labelled too (possibly in another file).
    pub fn declared_twice(
        code: Code,
        message: impl Into<String>,
        again: Span,
        first: Span,
    ) -> Diagnostic {
        Diagnostic::error(code, message)
            .label(again, "declared again here")
            .label(first, "first declared here")
    }

    /// A note with a message and no labels yet.
    pub fn info(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Info,
            ..Diagnostic::error(code, message)
        }
    }

    /// Adds a label with text.
    pub fn label(mut self, span: Span, text: impl Into<String>) -> Diagnostic {
        self.labels.push(Label {
            span,
            text: Some(text.into()),
        });
        self
    }

    /// Adds a label without text.
    pub fn mark(mut self, span: Span) -> Diagnostic {
        self.labels.push(Label { span, text: None });
        self
    }

    /// Sets the help text.
    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Offers a quick fix: write `text` over `span`.
    pub fn fix(
        mut self,
        title: impl Into<String>,
        span: Span,
        text: impl Into<String>,
    ) -> Diagnostic {
        // A boxed slice keeps `Diagnostic` small; fixes are few and added once.
        let mut fixes = std::mem::take(&mut self.fixes).into_vec();
        fixes.push(Fix {
            title: title.into(),
            span,
            text: text.into(),
        });
        self.fixes = fixes.into_boxed_slice();
        self
    }

    /// Offers a quick fix when there is one: `(title, text)` written over `span`.
    pub fn fix_when(self, fix: Option<(String, String)>, span: Span) -> Diagnostic {
        match fix {
            Some((title, text)) => self.fix(title, span, text),
            None => self,
        }
    }

    /// Sets the help text when there is one.
    pub fn maybe_help(mut self, help: Option<String>) -> Diagnostic {
        if help.is_some() {
            self.help = help;
        }
        self
    }

    /// Whether this diagnostic rejects the pack.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The primary location, if any.
    pub fn primary_span(&self) -> Option<Span> {
        self.labels.first().map(|l| l.span)
    }

    /// A miette report of this diagnostic against `sources`.
    pub fn render<'a>(&'a self, sources: &'a Sources) -> Rendered<'a> {
        Rendered::new(self, sources)
    }
}

/// A [`Diagnostic`] bound to its sources, ready for any miette report handler.
#[derive(Debug)]
pub struct Rendered<'a> {
    diagnostic: &'a Diagnostic,
    source: Option<CharColumnSource>,
    labels: Vec<LabeledSpan>,
    related: Vec<Related>,
}

/// Labels that live in another file than the primary one.
#[derive(Debug)]
struct Related {
    source: CharColumnSource,
    same_file: bool,
    labels: Vec<LabeledSpan>,
}

/// How many lines away from the primary label another label may be and still be
/// drawn in the same snippet.
/// (miette draws one line of context around each label, so labels at most two
/// lines apart share one snippet, and the primary's stays first.)
const NEAR_LINES: usize = 2;

impl<'a> Rendered<'a> {
    fn new(diagnostic: &'a Diagnostic, sources: &'a Sources) -> Rendered<'a> {
        let named = |span: Span| CharColumnSource::of(sources, span.file);
        let labeled = |label: &Label, primary: bool| {
            let fitted = fit_span(sources, label.span);
            let span = (fitted.start as usize, fitted.len());
            let text = label
                .text
                .as_deref()
                .map(|t| crate::source::escape_for_terminal(t).into_owned());
            if primary {
                LabeledSpan::new_primary_with_span(text, span)
            } else {
                LabeledSpan::new_with_span(text, span)
            }
        };
        // Labels near the primary one are drawn with it; labels elsewhere (another
        // file, or far away in the same file, like the declaration of an enum) go
        // into short follow-up reports, so that the first `file:line:col` a
        // terminal shows is always where the problem is.
        let line_of = |span: Span| {
            sources
                .get(span.file)
                .map_or(0, |f| f.line_col(span.start as usize).0)
        };
        let primary = diagnostic
            .labels
            .first()
            .map(|l| (l.span.file, line_of(l.span)));
        let first = diagnostic.labels.first().map(|l| l.span);
        let near = |span: Span| {
            first.is_some_and(|p| {
                span.file == p.file
                    && near_enough(
                        sources,
                        p.file,
                        p.start as usize,
                        span.start as usize,
                        NEAR_LINES,
                    )
            })
        };
        let source = diagnostic.labels.first().and_then(|l| named(l.span));
        let mut labels = Vec::new();
        let mut related: Vec<(crate::source::FileId, Related)> = Vec::new();
        for (i, label) in diagnostic.labels.iter().enumerate() {
            if i == 0 || near(label.span) {
                labels.push(labeled(label, i == 0));
            } else if let Some(entry) = related.iter_mut().find(|(f, _)| *f == label.span.file) {
                entry.1.labels.push(labeled(label, false));
            } else if let Some(source) = named(label.span) {
                // Two fragments of one streamed file are the same file to the reader.
                let name = |file| sources.get(file).map(|f| f.name());
                let same_file = primary.is_some_and(|(file, _)| {
                    file == label.span.file || name(file) == name(label.span.file)
                });
                related.push((
                    label.span.file,
                    Related {
                        source,
                        same_file,
                        labels: vec![labeled(label, false)],
                    },
                ));
            }
        }
        Rendered {
            diagnostic,
            source,
            labels,
            related: related.into_iter().map(|(_, r)| r).collect(),
        }
    }
}

impl fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Messages quote values from input files: never let them reach a
        // terminal as control sequences.
        f.write_str(&crate::source::escape_for_terminal(
            &self.diagnostic.message,
        ))
    }
}

impl std::error::Error for Rendered<'_> {}

impl miette::Diagnostic for Rendered<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.diagnostic.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diagnostic.help.as_ref().map(|h| {
            Box::new(crate::source::escape_for_terminal(h).into_owned()) as Box<dyn fmt::Display>
        })
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

impl Rendered<'_> {
    /// Reports for labels that point into other files than the primary one (a
    /// duplicate declared in another file, a field declared optional elsewhere).
    /// Renderers print them right after the main report; they are not miette
    /// "related" reports, whose rendering adds a stray `Advice:` line.
    pub fn other_files(&self) -> impl Iterator<Item = &dyn miette::Diagnostic> {
        self.related.iter().map(|r| r as &dyn miette::Diagnostic)
    }
}

impl fmt::Display for Related {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.same_file {
            f.write_str("see also")
        } else {
            write!(f, "also in `{}`", self.source.name)
        }
    }
}

impl std::error::Error for Related {}

impl miette::Diagnostic for Related {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Advice)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
}

/// A file for miette, reporting columns in characters (as the JSON output and
/// editors count them) where miette itself would count bytes, and showing only a
/// window of the text around each snippet.
///
/// The window matters for input files: miette locates a snippet by scanning the
/// text it is given from its start, so handing it a whole multi-megabyte plan
/// made reports quadratic in the file's size; and a label far along a minified
/// line (column 65,536 or more) would make miette's formatting panic. The text
/// is the file's display text (control characters neutralised, see
/// [`SourceFile`](crate::source::SourceFile)).
#[derive(Debug, Clone)]
pub(crate) struct CharColumnSource {
    name: String,
    text: std::sync::Arc<str>,
    line_starts: std::sync::Arc<[usize]>,
    /// Lines of the whole file before this text (see `SourceFile::first_line`).
    first_line: usize,
    /// Characters of the whole file before this text on its first line (see
    /// `SourceFile::first_column`).
    first_column: usize,
}

/// Lines longer than this many bytes are cropped around the label they carry.
const MAX_SHOWN_LINE: usize = 240;
/// How many bytes of a long line are shown on each side of a label.
const CROP_CONTEXT: usize = 80;
/// Labels whose snippets are at most this many lines apart are drawn together.
const MERGE_GAP: usize = 3;

impl CharColumnSource {
    /// The file `id` of `sources`, for a miette report.
    pub(crate) fn of(sources: &Sources, id: crate::source::FileId) -> Option<CharColumnSource> {
        sources.get(id).map(|f| CharColumnSource {
            name: f.name().to_string(),
            text: f.display_text(),
            line_starts: std::sync::Arc::clone(f.line_starts()),
            first_line: f.first_line(),
            first_column: f.first_column(),
        })
    }

    fn line_of(&self, offset: usize) -> usize {
        self.line_starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1)
    }

    fn line_start(&self, line: usize) -> usize {
        self.line_starts.get(line).copied().unwrap_or(0)
    }

    /// Where line `line` ends, without its line break.
    fn line_end(&self, line: usize) -> usize {
        let next = self
            .line_starts
            .get(line + 1)
            .copied()
            .unwrap_or(self.text.len());
        let bytes = self.text.as_bytes();
        let mut end = next;
        while end > self.line_start(line) && matches!(bytes.get(end - 1), Some(b'\n') | Some(b'\r'))
        {
            end -= 1;
        }
        end
    }

    /// Characters from the start of `offset`'s line to `offset`, a byte order
    /// mark not counted; on the first line of a fragment, counted from the
    /// start of the whole file's line.
    fn char_column(&self, offset: usize) -> usize {
        let line = self.line_of(offset);
        let mut start = self.line_start(line);
        if line == 0 && self.text.starts_with('\u{feff}') && offset >= 3 {
            start = 3;
        }
        let before = if line == 0 { self.first_column } else { 0 };
        before
            + self
                .text
                .get(start..offset)
                .map_or(0, |t| t.chars().count())
    }

    fn floor_boundary(&self, mut i: usize) -> usize {
        while i > 0 && !self.text.is_char_boundary(i) {
            i -= 1;
        }
        i
    }

    fn ceil_boundary(&self, mut i: usize) -> usize {
        while i < self.text.len() && !self.text.is_char_boundary(i) {
            i += 1;
        }
        i
    }
}

impl SourceCode for CharColumnSource {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, miette::MietteError> {
        let len = self.text.len();
        let start = span.offset().min(len);
        let end = start.saturating_add(span.len()).min(len);
        let first = self.line_of(start);
        let last = self.line_of(end.saturating_sub(usize::from(end > start)).max(start));
        let long = (first..=last).any(|l| self.line_end(l) - self.line_start(l) > MAX_SHOWN_LINE);
        // The window of text miette gets: whole lines with their context, or, on
        // a long line, the label's neighbourhood only.
        let (from, to, before, after) = if long {
            let from = self.floor_boundary(
                start
                    .saturating_sub(CROP_CONTEXT)
                    .max(self.line_start(first)),
            );
            let to = self.ceil_boundary(end.saturating_add(CROP_CONTEXT).min(self.line_end(last)));
            // The window holds only the label's line(s): asking for context
            // gives the whole window, asking for none (the header's read) the
            // span alone.
            (from, to, before.min(1), after.min(1))
        } else {
            let lo = first.saturating_sub(before);
            let hi = last.saturating_add(after);
            let from = self.line_start(lo);
            let to = self.line_starts.get(hi + 1).copied().unwrap_or(len);
            (from, to, before, after)
        };
        let window = self.text.get(from..to).unwrap_or("");
        let inner = window.read_span(
            &SourceSpan::new((start - from).into(), end - start),
            before,
            after,
        )?;
        let contents_start = from + inner.span().offset();
        let contents_end = contents_start + inner.span().len();
        // miette draws two labels in one snippet when their contexts' line ranges
        // meet (`line + line_count >= next line`): counting a few lines more lets
        // labels up to MERGE_GAP lines apart share a snippet with the lines between,
        // while labels further apart get snippets of their own.
        let lines = self.line_of(contents_end.saturating_sub(1).max(contents_start))
            - self.line_of(contents_start)
            + 1;
        let contents = MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            SourceSpan::new(contents_start.into(), inner.span().len()),
            self.line_of(contents_start) + self.first_line,
            self.char_column(if before == 0 && after == 0 {
                start
            } else {
                contents_start
            }),
            lines + MERGE_GAP,
        )
        .with_language("preflight");
        Ok(Box::new(contents))
    }
}

/// The longest label drawn, in bytes: a longer span (a 10 MB string, a huge
/// list literal) is drawn as its beginning.
const MAX_LABEL: usize = 160;

/// A label's span as it is worth drawing: a span over more than three lines (a
/// whole record, a long list) is cut to its first line, since drawing it would
/// print all of it, and a span longer than [`MAX_LABEL`] bytes to its start.
pub(crate) fn fit_span(sources: &Sources, span: Span) -> Span {
    let Some(file) = sources.get(span.file) else {
        return span;
    };
    let text = file.text();
    let (first, _) = file.line_col(span.start as usize);
    let (last, _) = file.line_col(span.end as usize);
    let rest = text
        .get(span.start as usize..span.end as usize)
        .unwrap_or("");
    let mut cut = rest.len();
    if last.saturating_sub(first) > 2 {
        cut = rest.find(['\n', '\r']).unwrap_or(rest.len());
    }
    if cut > MAX_LABEL {
        cut = MAX_LABEL;
        while cut > 0 && !rest.is_char_boundary(cut) {
            cut -= 1;
        }
    }
    Span {
        end: span.start.saturating_add(u32::try_from(cut).unwrap_or(0)),
        ..span
    }
}

/// Whether a label at byte `offset` may share a snippet with one at `anchor`
/// (same file): at most `max_lines` lines apart, and, on a line too long to show
/// whole, close enough that one cropped window holds both.
pub(crate) fn near_enough(
    sources: &Sources,
    file: crate::source::FileId,
    anchor: usize,
    offset: usize,
    max_lines: usize,
) -> bool {
    let Some(source) = sources.get(file) else {
        return false;
    };
    // Line numbers and lengths from the file's table of line starts.
    let starts = source.line_starts();
    let bytes = source.text().as_bytes();
    let line_of = |o: usize| starts.partition_point(|&s| s <= o).saturating_sub(1);
    let line_len = |line: usize| {
        let start = starts.get(line).copied().unwrap_or(0);
        let mut end = starts.get(line + 1).copied().unwrap_or(bytes.len());
        while end > start && matches!(bytes.get(end - 1), Some(b'\n' | b'\r')) {
            end -= 1;
        }
        end - start
    };
    let (a, b) = (line_of(anchor), line_of(offset));
    if a.abs_diff(b) > max_lines {
        return false;
    }
    let long = line_len(a) > MAX_SHOWN_LINE || line_len(b) > MAX_SHOWN_LINE;
    !long || anchor.abs_diff(offset) <= CROP_CONTEXT
}

/// Renders diagnostics as text without colour at a fixed width: what the UI
/// snapshots and `--color never` use, identical on every machine.
pub fn render_plain(diagnostics: &[Diagnostic], sources: &Sources, width: usize) -> String {
    let handler =
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
            .with_width(width)
            .with_links(false);
    render_with(&handler, diagnostics, sources)
}

/// Renders diagnostics with any graphical handler, each followed by the reports
/// for its labels in other files.
pub fn render_with(
    handler: &miette::GraphicalReportHandler,
    diagnostics: &[Diagnostic],
    sources: &Sources,
) -> String {
    let mut out = String::new();
    for diagnostic in diagnostics {
        let rendered = diagnostic.render(sources);
        // Writing into a String cannot fail; a handler error would only drop this report.
        let _ = handler.render_report(&mut out, &rendered);
        for other in rendered.other_files() {
            let _ = handler.render_report(&mut out, other);
        }
        out.push('\n');
    }
    out
}

//! The declarations of a file in canonical layout, with their comments and blank
//! lines carried over (the rules are in the module documentation of `format`).
//!
//! The printer walks the syntax tree in textual order and emits one output line per
//! *item*: a one-line declaration, a declaration's header and closing brace, a
//! record field, an enum member, a rule clause. Comments are taken from the
//! [`Trivia`] in order: each comment that starts before the next item is emitted
//! before it (standing alone) or appended to the line just printed (trailing);
//! comments inside an item's code go on their own lines just above it.

use std::ops::Range;

use crate::syntax::ast::{
    ClauseKind, DataDecl, Decl, EnumDecl, Expr, ExprKind, File, FnDecl, InputDecl, ParamDecl,
    RecordDecl, RuleDecl, Template,
};

use super::doc::{self, Doc, INDENT};
use super::expr::{ExprPrinter, type_expr};
use super::trivia::{Comment, Trivia};

/// The column limit that lists, `and`/`or` chains and one-line enums respect.
pub(super) const WIDTH: usize = 100;

/// Formats a parsed file; `src` is the text `file` was parsed from.
pub(super) fn layout(src: &str, file: &File) -> String {
    let mut strings = Vec::new();
    for decl in &file.decls {
        decl_strings(decl, &mut strings);
    }
    let mut printer = Printer {
        src,
        trivia: Trivia::scan(src, strings),
        next: 0,
        lines: Vec::new(),
        block_start: true,
        exprs: ExprPrinter { src },
    };
    for decl in &file.decls {
        printer.decl(decl);
    }
    printer.comments_before(usize::MAX, 0);
    printer.finish()
}

/// One line of output (several when a list literal or a chain was broken).
struct OutLine {
    text: String,
    /// Whether the line ends in a comment (nothing more may be appended).
    comment: bool,
}

struct Printer<'a> {
    src: &'a str,
    trivia: Trivia<'a>,
    /// The first comment not printed yet.
    next: usize,
    lines: Vec<OutLine>,
    /// Whether nothing was printed since the start of the file or of a block (no
    /// blank line may come here).
    block_start: bool,
    exprs: ExprPrinter<'a>,
}

impl<'a> Printer<'a> {
    fn finish(self) -> String {
        let mut out = String::new();
        for line in &self.lines {
            out.push_str(&line.text);
            out.push('\n');
        }
        out
    }

    /// The next comment if it starts before `pos`.
    fn comment_before(&mut self, pos: usize) -> Option<Comment<'a>> {
        let comment = *self.trivia.comments().get(self.next)?;
        (comment.start < pos).then(|| {
            self.next += 1;
            comment
        })
    }

    fn push(&mut self, indent: usize, text: &str, comment: bool) {
        let mut line = " ".repeat(indent);
        line.push_str(text);
        self.lines.push(OutLine {
            text: line,
            comment,
        });
        self.block_start = false;
    }

    /// Pushes the header line of a block (`record Name {`).
    fn open(&mut self, indent: usize, text: &str) {
        self.push(indent, text, false);
        self.block_start = true;
    }

    /// A blank line, when the source has one before `pos` and one may stand here.
    fn blank_before(&mut self, pos: usize) {
        let after_text = self.lines.last().is_some_and(|line| !line.text.is_empty());
        if !self.block_start && after_text && self.trivia.blank_before(pos) {
            self.lines.push(OutLine {
                text: String::new(),
                comment: false,
            });
        }
    }

    /// Appends a trailing comment to the last line, if that line can take it.
    fn append(&mut self, comment: &Comment<'_>) -> bool {
        match self.lines.last_mut() {
            Some(line) if !line.comment && !line.text.is_empty() => {
                line.text.push(' ');
                line.text.push_str(comment.text);
                line.comment = true;
                true
            }
            _ => false,
        }
    }

    /// A comment on a line of its own.
    fn standalone(&mut self, comment: &Comment<'_>, indent: usize) {
        self.blank_before(comment.start);
        self.push(indent, comment.text, true);
    }

    /// A comment where it was: after the last line when it trailed code, else on a
    /// line of its own. A `///` comment always has a line of its own, above what it
    /// documents.
    fn comment(&mut self, comment: &Comment<'_>, indent: usize) {
        if !(comment.trailing && !comment.doc && self.append(comment)) {
            self.standalone(comment, indent);
        }
    }

    /// Prints the comments that start before `pos`.
    fn comments_before(&mut self, pos: usize, indent: usize) {
        while let Some(comment) = self.comment_before(pos) {
            self.comment(&comment, indent);
        }
    }

    /// Everything that comes before an item's line: the comments before `start`, a
    /// blank line, and the comments inside the item's code (up to `end`), which
    /// move onto lines of their own above it.
    fn begin(&mut self, code: Range<usize>, indent: usize) {
        self.comments_before(code.start, indent);
        self.blank_before(code.start);
        while let Some(comment) = self.comment_before(code.end) {
            self.push(indent, comment.text, true);
        }
    }

    /// The comments before a declaration that starts at `start` and has
    /// `doc_lines` lines of doc comment.
    ///
    /// Its doc comments are the last `doc_lines` `///` comments before it; they
    /// are printed in column 0, which is what makes them its doc comments. Any
    /// earlier `///` comment documents nothing (in the source it was indented,
    /// which the parser's split into declarations does not take as a doc
    /// comment): it stays at the end of its line, or is indented by one level so
    /// that it still documents nothing.
    fn decl_comments(&mut self, start: usize, doc_lines: usize) {
        let gap = self
            .trivia
            .comments()
            .get(self.next..)
            .unwrap_or(&[])
            .iter()
            .take_while(|c| c.start < start)
            .filter(|c| c.doc)
            .count();
        let mut stray = gap.saturating_sub(doc_lines);
        while let Some(comment) = self.comment_before(start) {
            if !comment.doc {
                self.comment(&comment, 0);
            } else if stray > 0 {
                stray -= 1;
                if !(comment.trailing && self.append(&comment)) {
                    self.standalone(&comment, INDENT);
                }
            } else {
                self.standalone(&comment, 0);
            }
        }
    }

    /// Lays out `doc` for a line indented by `indent`, and pushes it.
    fn push_doc(&mut self, indent: usize, doc: &Doc<'_>) {
        let text = doc::render(doc, indent, WIDTH);
        self.push(indent, &text, false);
    }

    /// Where the closing brace of a block declaration whose span ends at `end` is.
    fn close_brace(&self, end: usize) -> usize {
        let end = self.trivia.code_end(end);
        match self.src.get(..end) {
            Some(before) if before.ends_with('}') => end - 1,
            _ => end,
        }
    }

    /// The comments before a closing brace, then the brace.
    fn close(&mut self, brace: usize) {
        self.comments_before(brace, INDENT);
        self.push(0, "}", false);
    }

    fn decl(&mut self, decl: &Decl) {
        match decl {
            Decl::Enum(d) => self.enum_decl(d),
            Decl::Record(d) => self.record_decl(d),
            Decl::Input(d) => self.input_decl(d),
            Decl::Data(d) => self.data_decl(d),
            Decl::Param(d) => self.param_decl(d),
            Decl::Rule(d) => self.rule_decl(d),
            Decl::Fn(d) => self.fn_decl(d),
        }
    }

    fn enum_decl(&mut self, decl: &EnumDecl) {
        let start = decl.span.start as usize;
        let name_end = decl.name.span.end as usize;
        let brace = self.close_brace(decl.span.end as usize);
        self.decl_comments(start, doc_lines(decl.doc.as_ref()));
        self.begin(start..name_end, 0);
        let members: Vec<&str> = decl
            .members
            .iter()
            .map(|m| self.src.get(m.span.range()).unwrap_or(""))
            .collect();
        if !self.has_comment_before(brace) {
            let line = if members.is_empty() {
                format!("enum {} {{}}", decl.name.name)
            } else {
                format!("enum {} {{ {} }}", decl.name.name, members.join(", "))
            };
            if members.is_empty() || line.chars().count() <= WIDTH {
                self.push(0, &line, false);
                return;
            }
        }
        self.open(0, &format!("enum {} {{", decl.name.name));
        for (member, text) in decl.members.iter().zip(members) {
            self.begin(member.span.range(), INDENT);
            self.push(INDENT, &format!("{text},"), false);
        }
        self.close(brace);
    }

    fn record_decl(&mut self, decl: &RecordDecl) {
        let start = decl.span.start as usize;
        let brace = self.close_brace(decl.span.end as usize);
        self.decl_comments(start, doc_lines(decl.doc.as_ref()));
        self.begin(start..decl.name.span.end as usize, 0);
        let header = format!("record {} {{", decl.name.name);
        if decl.fields.is_empty() && !decl.open && !self.has_comment_before(brace) {
            self.push(0, &format!("{header}}}"), false);
            return;
        }
        self.open(0, &header);
        let mut after = decl.name.span.end as usize;
        for field in &decl.fields {
            let end = self.trivia.code_end(field.ty.span.end as usize);
            self.begin(field.name.span.start as usize..end, INDENT);
            let name = self.exprs.field_name(&field.name);
            let text = format!("{name}: {},", type_expr(&field.ty));
            self.push(INDENT, &text, false);
            after = end;
        }
        if decl.open {
            let dots = self.trivia.find_code(after, brace, "..").unwrap_or(after);
            self.begin(dots..dots + 2, INDENT);
            self.push(INDENT, "..", false);
        }
        self.close(brace);
    }

    fn input_decl(&mut self, decl: &InputDecl) {
        self.one_line_decl(decl.span.range(), doc_lines(decl.doc.as_ref()));
        let mut text = format!("input {}: {}", decl.name.name, type_expr(&decl.ty));
        if let Some(title) = &decl.title {
            text.push_str(" title ");
            text.push_str(self.src.get(title.span.range()).unwrap_or("\"\""));
        }
        self.push(0, &text, false);
    }

    fn data_decl(&mut self, decl: &DataDecl) {
        self.one_line_decl(decl.span.range(), doc_lines(decl.doc.as_ref()));
        let mut text = format!("data {}: {}", decl.name.name, type_expr(&decl.ty));
        if let Some((_, span)) = &decl.path {
            text.push_str(" = ");
            text.push_str(self.src.get(span.range()).unwrap_or("\"\""));
        }
        self.push(0, &text, false);
    }

    fn param_decl(&mut self, decl: &ParamDecl) {
        self.one_line_decl(decl.span.range(), doc_lines(decl.doc.as_ref()));
        let head = format!("param {}: {} = ", decl.name.name, type_expr(&decl.ty));
        let doc = Doc::Concat(vec![Doc::text(head), self.exprs.clause(&decl.default)]);
        self.push_doc(0, &doc);
    }

    /// `fn name(a: T, …): R = body` on one line when it fits, else the body on
    /// the next line, one level deeper (where a long body breaks further, as a
    /// clause's expression does).
    fn fn_decl(&mut self, decl: &FnDecl) {
        self.one_line_decl(decl.span.range(), doc_lines(decl.doc.as_ref()));
        let params: Vec<String> = decl
            .params
            .iter()
            .map(|(name, ty)| format!("{}: {}", name.name, type_expr(ty)))
            .collect();
        let head = format!(
            "fn {}({}): {} =",
            decl.name.name,
            params.join(", "),
            type_expr(&decl.result)
        );
        let doc = Doc::Concat(vec![
            Doc::text(head),
            Doc::group(Doc::indent(Doc::Concat(vec![
                Doc::Line,
                self.exprs.clause(&decl.body),
            ]))),
        ]);
        self.push_doc(0, &doc);
    }

    fn one_line_decl(&mut self, span: Range<usize>, doc_lines: usize) {
        self.decl_comments(span.start, doc_lines);
        let end = self.trivia.code_end(span.end);
        self.begin(span.start..end, 0);
    }

    fn rule_decl(&mut self, decl: &RuleDecl) {
        let start = decl.span.start as usize;
        let brace = self.close_brace(decl.span.end as usize);
        self.decl_comments(start, doc_lines(decl.doc.as_ref()));
        self.begin(start..decl.id_span.end as usize, 0);
        let header = format!("rule {} {{", decl.id);
        if decl.clauses.is_empty() && !self.has_comment_before(brace) {
            self.push(0, &format!("{header}}}"), false);
            return;
        }
        self.open(0, &header);
        for clause in &decl.clauses {
            let code = clause.span.start as usize..self.trivia.code_end(clause.span.end as usize);
            self.begin(code, INDENT);
            let exprs = self.exprs;
            let keyword = clause.kind.keyword();
            let doc = match &clause.kind {
                ClauseKind::Severity(severity) => {
                    Doc::text(format!("{keyword} {}", severity.as_str()))
                }
                ClauseKind::For(var, iter, position) => Doc::Concat(vec![
                    Doc::text(match position {
                        Some(p) => format!("{keyword} {}, {} in ", p.name, var.name),
                        None => format!("{keyword} {} in ", var.name),
                    }),
                    exprs.clause(iter),
                ]),
                ClauseKind::Let(name, value) => Doc::Concat(vec![
                    Doc::text(format!("{keyword} {} = ", name.name)),
                    exprs.clause(value),
                ]),
                ClauseKind::When(cond) | ClauseKind::Require(cond) | ClauseKind::At(cond) => {
                    Doc::Concat(vec![Doc::text(format!("{keyword} ")), exprs.clause(cond)])
                }
                ClauseKind::Message(template) | ClauseKind::Help(template) => Doc::text(format!(
                    "{keyword} {}",
                    self.src.get(template.span.range()).unwrap_or("\"\"")
                )),
            };
            self.push_doc(INDENT, &doc);
        }
        self.close(brace);
    }

    /// Whether a comment not printed yet starts before `pos`.
    fn has_comment_before(&self, pos: usize) -> bool {
        self.trivia
            .comments()
            .get(self.next)
            .is_some_and(|c| c.start < pos)
    }
}

/// The number of `///` lines a doc comment was written with.
fn doc_lines(doc: Option<&String>) -> usize {
    doc.map_or(0, |d| d.split('\n').count())
}

/// The byte ranges of the string literals of a declaration (`message` and `help`
/// strings whole), which the comment scan must skip.
fn decl_strings(decl: &Decl, out: &mut Vec<Range<usize>>) {
    match decl {
        Decl::Enum(d) => out.extend(d.members.iter().map(|m| m.span.range())),
        // A quoted field name is a string (an identifier's span holds no comment).
        Decl::Record(d) => out.extend(d.fields.iter().map(|f| f.name.span.range())),
        Decl::Input(d) => out.extend(d.title.iter().map(|t| t.span.range())),
        Decl::Data(d) => out.extend(d.path.iter().map(|(_, span)| span.range())),
        Decl::Param(d) => expr_strings(&d.default, out),
        Decl::Fn(d) => expr_strings(&d.body, out),
        Decl::Rule(d) => {
            for clause in &d.clauses {
                match &clause.kind {
                    ClauseKind::Severity(_) => {}
                    ClauseKind::For(_, e, _)
                    | ClauseKind::Let(_, e)
                    | ClauseKind::When(e)
                    | ClauseKind::Require(e)
                    | ClauseKind::At(e) => expr_strings(e, out),
                    ClauseKind::Message(Template { span, .. })
                    | ClauseKind::Help(Template { span, .. }) => out.push(span.range()),
                }
            }
        }
    }
}

fn expr_strings(expr: &Expr, out: &mut Vec<Range<usize>>) {
    match &expr.kind {
        ExprKind::Str(_) => out.push(expr.span.range()),
        ExprKind::Bool(_) | ExprKind::Int(_) | ExprKind::Var(_) | ExprKind::Invalid => {}
        ExprKind::List(items) | ExprKind::Call(_, items) => {
            for item in items {
                expr_strings(item, out);
            }
        }
        ExprKind::Has(e, name) => {
            expr_strings(e, out);
            out.push(name.span.range());
        }
        ExprKind::Paren(e) | ExprKind::Field(e, _) | ExprKind::Unary(_, e) => {
            expr_strings(e, out);
        }
        ExprKind::Index(a, b) | ExprKind::Binary(_, _, a, b) => {
            expr_strings(a, out);
            expr_strings(b, out);
        }
        ExprKind::If(i) => {
            expr_strings(&i.cond, out);
            expr_strings(&i.then_branch, out);
            expr_strings(&i.else_branch, out);
        }
        ExprKind::Generator(g) => {
            if let Some(key) = &g.key {
                expr_strings(key, out);
            }
            expr_strings(&g.body, out);
            expr_strings(&g.iter, out);
            if let Some(filter) = &g.filter {
                expr_strings(filter, out);
            }
        }
    }
}

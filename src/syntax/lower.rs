//! Lowering of declarations, clauses and templates from pest pairs into the AST.
//!
//! The grammar guarantees the shape of the pairs; where this code still has to
//! handle a missing child (to satisfy the no-panic rule), it reports an internal
//! error instead of panicking.

use std::cell::{Cell, RefCell};

use pest::iterators::{Pair, Pairs};

use super::ast::{
    Clause, ClauseKind, DataDecl, Decl, EnumDecl, EnumMember, FieldDecl, File, FnDecl, Ident,
    InputDecl, ParamDecl, RecordDecl, RuleDecl, Template, TemplatePart, TypeExpr, TypeExprKind,
    Unparsed,
};
use super::grammar::Rule;
use super::literal::unescape;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::program::RuleSeverity;
use crate::source::{FileId, Span};
use crate::suggest::did_you_mean;

/// State of lowering one file: where we are and what went wrong so far.
pub(crate) struct Lowerer {
    pub(crate) file: FileId,
    /// Where the text being lowered starts in the file (declarations are parsed
    /// one chunk at a time, see `syntax::parse`).
    pub(crate) base: usize,
    pub(crate) diags: RefCell<Vec<Diagnostic>>,
    pub(crate) depth_reported: Cell<bool>,
    /// Declarations that parsed but cannot be lowered (a `fn` without a result
    /// type), already reported; kept so that the checker does not call their
    /// names unknown.
    pub(crate) unparsed: RefCell<Vec<Unparsed>>,
}

impl Lowerer {
    pub(crate) fn new(file: FileId, base: usize) -> Lowerer {
        Lowerer {
            file,
            base,
            diags: RefCell::new(Vec::new()),
            depth_reported: Cell::new(false),
            unparsed: RefCell::new(Vec::new()),
        }
    }

    pub(crate) fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let s = pair.as_span();
        Span::new(self.file, self.base + s.start(), self.base + s.end())
    }

    /// The diagnostics found, in source order (the Pratt parser builds inner
    /// operators first, so reports arrive out of order).
    pub(crate) fn into_diagnostics(self) -> Vec<Diagnostic> {
        let mut diags = self.diags.into_inner();
        diags.sort_by_key(|d| d.primary_span().map(|s| (s.start, s.end)));
        diags
    }

    pub(crate) fn report(&self, diagnostic: Diagnostic) {
        self.diags.borrow_mut().push(diagnostic);
    }

    /// Reports a pair tree whose shape the grammar should have ruled out.
    pub(crate) fn internal(&self, span: Span) {
        self.report(
            Diagnostic::error(Code::Parse, "internal error: unexpected syntax tree here")
                .mark(span)
                .help("this is a bug in preflight; please report it with this policy"),
        );
    }

    /// Lowers the `file` pair.
    pub(crate) fn file(&self, pair: Pair<'_, Rule>) -> File {
        let mut decls = Vec::new();
        let mut docs: Vec<Pair<'_, Rule>> = Vec::new();
        for item in pair.into_inner() {
            match item.as_rule() {
                Rule::doc_comment => docs.push(item),
                Rule::declaration => {
                    let doc = doc_text(&docs);
                    docs.clear();
                    let span = self.span(&item);
                    match item.into_inner().next().and_then(|d| self.decl(d, doc)) {
                        Some(Some(decl)) => decls.push(decl),
                        Some(None) => {}
                        None => self.internal(span),
                    }
                }
                _ => {}
            }
        }
        self.stray_docs(&docs, "at the end of the file");
        File {
            decls,
            unparsed: self.unparsed.take(),
        }
    }

    fn stray_docs(&self, docs: &[Pair<'_, Rule>], where_: &str) {
        if let (Some(first), Some(last)) = (docs.first(), docs.last()) {
            self.report(
                Diagnostic::warning(Code::DocComment, format!("doc comment {where_} documents nothing"))
                    .label(self.span(first).to(self.span(last)), "this `///` comment")
                    .help("`///` documents the declaration, field or enum member below it; write `//` for a plain comment"),
            );
        }
    }

    /// A declaration; `Some(None)` for one that was reported and left out.
    fn decl(&self, pair: Pair<'_, Rule>, doc: Option<String>) -> Option<Option<Decl>> {
        if pair.as_rule() == Rule::fn_decl {
            return self.fn_decl(pair, doc);
        }
        self.plain_decl(pair, doc).map(Some)
    }

    fn plain_decl(&self, pair: Pair<'_, Rule>, doc: Option<String>) -> Option<Decl> {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let mut inner = pair.into_inner();
        let _keyword = inner.next()?;
        match rule {
            Rule::enum_decl => {
                let name = self.ident(&inner.next()?);
                let (items, docs): (Vec<_>, Vec<_>) =
                    inner.partition(|p| p.as_rule() != Rule::doc_comment);
                self.stray_docs(&docs, "at the end of an enum");
                let members = items
                    .into_iter()
                    .filter_map(|m| self.enum_member(m))
                    .collect();
                Some(Decl::Enum(EnumDecl {
                    doc,
                    name,
                    members,
                    span,
                }))
            }
            Rule::record_decl => {
                let name = self.ident(&inner.next()?);
                let (items, docs): (Vec<_>, Vec<_>) =
                    inner.partition(|p| p.as_rule() != Rule::doc_comment);
                self.stray_docs(&docs, "at the end of a record");
                let mut fields = Vec::with_capacity(items.len());
                let mut open = false;
                let count = items.len();
                for (index, item) in items.into_iter().enumerate() {
                    if item.as_rule() == Rule::open_mark {
                        self.open_mark(item, index + 1 == count);
                        open = true;
                    } else {
                        fields.push(self.field(item)?);
                    }
                }
                Some(Decl::Record(RecordDecl {
                    open,
                    doc,
                    name,
                    fields,
                    span,
                }))
            }
            Rule::input_decl => {
                let name = self.ident(&inner.next()?);
                let ty = self.type_expr(inner.next()?)?;
                let title = inner
                    .next()
                    .and_then(|clause| clause.into_inner().nth(1))
                    .map(|t| self.template(t));
                Some(Decl::Input(InputDecl {
                    doc,
                    name,
                    ty,
                    title,
                    span,
                }))
            }
            Rule::data_decl => {
                let name = self.ident(&inner.next()?);
                let ty = self.type_expr(inner.next()?)?;
                let path = inner.next().map(|p| {
                    let span = self.span(&p);
                    let text = if p.as_rule() == Rule::single_quoted {
                        self.single_quoted(&p)
                    } else {
                        self.string_lit(p)
                    };
                    (text, span)
                });
                Some(Decl::Data(DataDecl {
                    doc,
                    name,
                    ty,
                    path,
                    span,
                }))
            }
            Rule::param_decl => {
                let name = self.ident(&inner.next()?);
                let ty = self.type_expr(inner.next()?)?;
                let default = self.expr(inner.next()?);
                Some(Decl::Param(ParamDecl {
                    doc,
                    name,
                    ty,
                    default,
                    span,
                }))
            }
            Rule::rule_decl => {
                let id_pair = inner.next()?;
                let id_span = self.span(&id_pair);
                let id = id_pair.as_str().to_string();
                self.check_rule_id(&id, id_span);
                let clauses = self.clauses(inner);
                Some(Decl::Rule(RuleDecl {
                    doc,
                    id,
                    id_span,
                    clauses,
                    span,
                }))
            }
            _ => None,
        }
    }

    fn check_rule_id(&self, id: &str, span: Span) {
        if is_kebab_case(id) {
            return;
        }
        let suggestion = to_kebab_case(id);
        let help = if suggestion.is_empty() || !is_kebab_case(&suggestion) {
            "rule ids are lower-case words joined by `-`, as in `same-region`".to_string()
        } else {
            format!("write `{suggestion}`; rule ids are lower-case words joined by `-`")
        };
        self.report(
            Diagnostic::error(Code::Parse, format!("rule id `{id}` is not kebab-case"))
                .label(span, "not a valid rule id")
                .help(help),
        );
    }

    fn enum_member(&self, pair: Pair<'_, Rule>) -> Option<EnumMember> {
        let mut docs = Vec::new();
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::doc_comment => docs.push(p),
                Rule::single_quoted => {
                    let span = self.span(&p);
                    return Some(EnumMember {
                        doc: doc_text(&docs),
                        value: self.single_quoted(&p),
                        span,
                    });
                }
                _ => {
                    let span = self.span(&p);
                    return Some(EnumMember {
                        doc: doc_text(&docs),
                        value: self.string_lit(p),
                        span,
                    });
                }
            }
        }
        None
    }

    fn field(&self, pair: Pair<'_, Rule>) -> Option<FieldDecl> {
        let mut docs = Vec::new();
        let mut inner = pair.into_inner();
        loop {
            let p = inner.next()?;
            if p.as_rule() == Rule::doc_comment {
                docs.push(p);
                continue;
            }
            let name = self.field_name(p);
            let ty = self.type_expr(inner.next()?)?;
            return Some(FieldDecl {
                doc: doc_text(&docs),
                name,
                ty,
            });
        }
    }

    /// The `..` of an open record, which must come after the last field; a `///`
    /// above it documents nothing.
    fn open_mark(&self, pair: Pair<'_, Rule>, last: bool) {
        let span = self.span(&pair);
        let docs: Vec<_> = pair.into_inner().collect();
        self.stray_docs(&docs, "above `..`");
        if !last {
            let dots = Span::new(self.file, span.end as usize - 2, span.end as usize);
            self.report(
                Diagnostic::error(Code::Parse, "`..` must come after the last field")
                    .label(dots, "fields follow this `..`")
                    .help("move `..` to the end of the record, after the last field: `record R { a: int, b: string, .. }`"),
            );
        }
    }

    /// A field name: an identifier, or a string literal (escapes resolved) for a
    /// name that is a keyword or not an identifier. The span of a quoted name is
    /// its literal, quotes included.
    pub(crate) fn field_name(&self, pair: Pair<'_, Rule>) -> Ident {
        if pair.as_rule() != Rule::string_lit {
            return self.ident(&pair);
        }
        let span = self.span(&pair);
        let name = self.string_lit(pair);
        if name.is_empty() {
            self.report(
                Diagnostic::error(Code::Parse, "a field name cannot be empty")
                    .label(span, "an empty name")
                    .help("write the key as the data spells it, in quotes when it is not a plain name, as in `\"@odata.type\": string?`"),
            );
        }
        Ident { name, span }
    }

    /// `fn name(params): Type = body`; a declaration without a result type is
    /// reported and left out (`Some(None)`).
    fn fn_decl(&self, pair: Pair<'_, Rule>, doc: Option<String>) -> Option<Option<Decl>> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let _keyword = inner.next()?;
        let name = self.ident(&inner.next()?);
        let params_pair = inner.next()?;
        let params_span = self.span(&params_pair);
        let mut params = Vec::new();
        for param in params_pair.into_inner() {
            let mut parts = param.into_inner();
            let param_name = self.ident(&parts.next()?);
            let ty = self.type_expr(parts.next()?)?;
            params.push((param_name, self.not_optional(ty, "parameter")));
        }
        let next = inner.next()?;
        let (result, body) = if next.as_rule() == Rule::type_expr {
            let ty = self.type_expr(next)?;
            (
                Some(self.not_optional(ty, "result")),
                self.expr(inner.next()?),
            )
        } else {
            (None, self.expr(next))
        };
        let Some(result) = result else {
            let at = Span::new(
                self.file,
                params_span.end as usize,
                params_span.end as usize,
            );
            let params_text: Vec<String> = params
                .iter()
                .map(|(p, t)| format!("{}: {}", p.name, type_text(t)))
                .collect();
            self.report(
                Diagnostic::error(Code::Parse, format!("function `{}` has no result type", name.name))
                    .label(at, "write `: TYPE` here")
                    .help(format!(
                        "a function declares the type of its result after its parameters: `fn {}({}): TYPE = …`",
                        name.name,
                        params_text.join(", ")
                    )),
            );
            self.unparsed.borrow_mut().push(Unparsed {
                keyword: "fn".to_string(),
                name: name.name,
            });
            return Some(None);
        };
        Some(Some(Decl::Fn(FnDecl {
            doc,
            name,
            params,
            result,
            body,
            span,
        })))
    }

    /// A parameter or result type, reported when written `T?` (the value is
    /// always there), and returned as `T` so that no second error follows.
    fn not_optional(&self, ty: TypeExpr, what: &str) -> TypeExpr {
        match ty.kind {
            TypeExprKind::Optional(inner) => {
                self.report(
                    Diagnostic::error(Code::Parse, format!("a function's {what} cannot be optional"))
                        .label(ty.span, format!("write `{}` here", type_text(&inner)))
                        .help("parameters and results of a function always hold a value; write the type without `?`, and handle an absent field where the function is called, as in `f(x.field ?? default)`"),
                );
                *inner
            }
            _ => ty,
        }
    }

    fn type_expr(&self, pair: Pair<'_, Rule>) -> Option<TypeExpr> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let atom = inner.next()?;
        let atom_span = self.span(&atom);
        let kind = match atom.as_rule() {
            Rule::named_type => TypeExprKind::Named(self.ident(&atom.into_inner().next()?)),
            _ => {
                let mut parts = atom.into_inner();
                let first = self.type_expr(parts.next()?)?;
                match parts.next() {
                    Some(second) => {
                        TypeExprKind::Map(Box::new(first), Box::new(self.type_expr(second)?))
                    }
                    None => TypeExprKind::List(Box::new(first)),
                }
            }
        };
        Some(match inner.next() {
            Some(_question_mark) => TypeExpr {
                kind: TypeExprKind::Optional(Box::new(TypeExpr {
                    kind,
                    span: atom_span,
                })),
                span,
            },
            None => TypeExpr { kind, span },
        })
    }

    fn clauses(&self, pairs: Pairs<'_, Rule>) -> Vec<Clause> {
        let mut clauses = Vec::new();
        let mut docs = Vec::new();
        for pair in pairs {
            if pair.as_rule() == Rule::doc_comment {
                docs.push(pair);
                continue;
            }
            self.stray_docs(&docs, "inside a rule");
            docs.clear();
            let span = self.span(&pair);
            match pair.into_inner().next().and_then(|c| self.clause(c)) {
                Some(clause) => clauses.push(clause),
                None => self.internal(span),
            }
        }
        self.stray_docs(&docs, "inside a rule");
        clauses
    }

    fn clause(&self, pair: Pair<'_, Rule>) -> Option<Clause> {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let mut inner = pair.into_inner();
        let keyword_span = self.span(&inner.next()?);
        let kind = match rule {
            Rule::severity_clause => ClauseKind::Severity(self.severity(&inner.next()?)),
            Rule::for_clause => {
                let first = self.ident(&inner.next()?);
                let next = inner.next()?;
                if next.as_rule() == Rule::ident {
                    let var = self.ident(&next);
                    let _in = inner.next()?;
                    ClauseKind::For(var, self.expr(inner.next()?), Some(first))
                } else {
                    ClauseKind::For(first, self.expr(inner.next()?), None)
                }
            }
            Rule::let_clause => {
                let name = self.ident(&inner.next()?);
                ClauseKind::Let(name, self.expr(inner.next()?))
            }
            Rule::when_clause => ClauseKind::When(self.expr(inner.next()?)),
            Rule::require_clause => ClauseKind::Require(self.expr(inner.next()?)),
            Rule::message_clause => ClauseKind::Message(self.template(inner.next()?)),
            Rule::help_clause => ClauseKind::Help(self.template(inner.next()?)),
            Rule::at_clause => ClauseKind::At(self.expr(inner.next()?)),
            _ => return None,
        };
        Some(Clause {
            kind,
            span,
            keyword_span,
        })
    }

    fn severity(&self, pair: &Pair<'_, Rule>) -> RuleSeverity {
        match pair.as_str() {
            "error" => RuleSeverity::Error,
            "warning" => RuleSeverity::Warning,
            "info" => RuleSeverity::Info,
            other => {
                let known = ["error", "warning", "info"];
                let help = match did_you_mean(other, known.iter().copied()) {
                    Some(s) => {
                        format!("did you mean `{s}`? a severity is `error`, `warning` or `info`")
                    }
                    None => "a severity is `error`, `warning` or `info`".to_string(),
                };
                let mut diagnostic =
                    Diagnostic::error(Code::Clause, format!("unknown severity `{other}`"))
                        .label(self.span(pair), "not a severity")
                        .help(help);
                if let Some(s) = did_you_mean(other, known.iter().copied()) {
                    diagnostic = diagnostic.fix(format!("change to `{s}`"), self.span(pair), s);
                }
                self.report(diagnostic);
                RuleSeverity::Error
            }
        }
    }

    fn template(&self, pair: Pair<'_, Rule>) -> Template {
        let span = self.span(&pair);
        if pair.as_rule() == Rule::single_quoted {
            let text = self.single_quoted(&pair);
            return Template {
                parts: vec![TemplatePart::Text(text)],
                span,
            };
        }
        let mut parts: Vec<TemplatePart> = Vec::new();
        let push_text = |parts: &mut Vec<TemplatePart>, text: &str| match parts.last_mut() {
            Some(TemplatePart::Text(last)) => last.push_str(text),
            _ => parts.push(TemplatePart::Text(text.to_string())),
        };
        for piece in pair.into_inner() {
            let piece_span = self.span(&piece);
            match piece.as_rule() {
                Rule::template_text => {
                    let (text, errors) = unescape(piece.as_str());
                    for error in errors {
                        let start = piece_span.start as usize;
                        self.report(
                            Diagnostic::error(Code::Literal, error.message)
                                .label(
                                    Span::new(self.file, start + error.range.start, start + error.range.end),
                                    "in this string",
                                )
                                .help(r#"the escapes are `\"`, `\\`, `\n`, `\t` and `\u{hex}`; write `{{` and `}}` for braces"#),
                        );
                    }
                    push_text(&mut parts, &text.text);
                }
                Rule::template_brace => {
                    push_text(&mut parts, piece.as_str().get(..1).unwrap_or(""))
                }
                Rule::template_expr => match piece.into_inner().next() {
                    Some(e) => parts.push(TemplatePart::Expr(self.expr(e))),
                    None => self.internal(piece_span),
                },
                _ => {
                    self.report(
                        Diagnostic::error(Code::Parse, "a lone `}` in a string")
                            .label(piece_span, "write `}}` for a brace")
                            .help("`{expr}` interpolates a value; `{{` and `}}` stand for literal braces"),
                    );
                    push_text(&mut parts, "}");
                }
            }
        }
        Template { parts, span }
    }
}

/// A type as it is written, for messages.
fn type_text(ty: &TypeExpr) -> String {
    match &ty.kind {
        TypeExprKind::Named(name) => name.name.clone(),
        TypeExprKind::List(element) => format!("[{}]", type_text(element)),
        TypeExprKind::Map(key, value) => format!("[{}: {}]", type_text(key), type_text(value)),
        TypeExprKind::Optional(inner) => format!("{}?", type_text(inner)),
    }
}

/// The text of a run of `///` comments: one line each, one leading space removed.
fn doc_text(docs: &[Pair<'_, Rule>]) -> Option<String> {
    if docs.is_empty() {
        return None;
    }
    let lines: Vec<&str> = docs
        .iter()
        .map(|d| {
            let text = d.as_str().strip_prefix("///").unwrap_or("");
            text.strip_prefix(' ').unwrap_or(text).trim_end()
        })
        .collect();
    Some(lines.join("\n"))
}

/// `[a-z][a-z0-9]*(-[a-z0-9]+)*`
pub(crate) fn is_kebab_case(id: &str) -> bool {
    id.split('-').enumerate().all(|(i, word)| {
        !word.is_empty()
            && word
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            && (i > 0 || word.starts_with(|c: char| c.is_ascii_lowercase()))
    })
}

/// The kebab-case spelling of `SameRegion`, `same_region` or `Same-Region`.
fn to_kebab_case(id: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in id.chars() {
        if c == '_' || c == '-' {
            if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
            prev_lower = false;
        } else if c.is_ascii_uppercase() {
            if prev_lower && !out.ends_with('-') {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
            prev_lower = false;
        } else {
            out.push(c);
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        }
    }
    out.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kebab_case() {
        assert!(is_kebab_case("same-region"));
        assert!(is_kebab_case("a1-2b"));
        assert!(!is_kebab_case("Same-Region"));
        assert!(!is_kebab_case("1abc"));
        assert!(!is_kebab_case("a--b"));
        assert!(!is_kebab_case("a-"));
        assert_eq!(to_kebab_case("SameRegion"), "same-region");
        assert_eq!(to_kebab_case("same__region_"), "same-region");
    }
}

//! Checking of a rule body: clause counts and order, scopes of `for`/`let`,
//! narrowing from `when` and `require`, and the message templates.

use super::Checker;
use super::scope::Scope;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::index::SymbolKind;
use crate::model::program::{DocumentTitle, RuleSeverity};
use crate::model::program::{Require, Rule, Step, TExpr, TExprKind, Template, TemplatePart};
use crate::model::types::Type;
use crate::source::Span;
use crate::syntax::ast::{self, ClauseKind, RuleDecl};

impl Checker<'_> {
    pub(crate) fn rule(&mut self, r: &RuleDecl) -> Rule {
        let mut scope = Scope::default();
        let mut severity: Option<(RuleSeverity, Span)> = None;
        let mut message: Option<(&ast::Template, Span)> = None;
        let mut help: Option<(&ast::Template, Span)> = None;
        let mut at: Option<(&ast::Expr, Span)> = None;
        let mut first_require: Option<Span> = None;
        let mut facts_before_requires = 0;
        let mut steps = Vec::new();
        let mut requires = Vec::new();
        for clause in &r.clauses {
            let kw = clause.keyword_span;
            self.clause = Some(clause.span);
            match &clause.kind {
                ClauseKind::Severity(s) => self.once(&mut severity, (*s, kw), "severity", &r.id),
                ClauseKind::Message(t) => self.once(&mut message, (t, kw), "message", &r.id),
                ClauseKind::Help(t) => self.once(&mut help, (t, kw), "help", &r.id),
                ClauseKind::At(e) => self.once(&mut at, (e, kw), "at", &r.id),
                ClauseKind::For(..) | ClauseKind::Let(..) | ClauseKind::When(_) => {
                    // Where a `for` or `let` variable is in scope, for editors.
                    let visible = Self::after(clause.span, r.span);
                    if let Some(require) = first_require {
                        let keyword = clause.kind.keyword();
                        self.report(
                            Diagnostic::error(Code::Clause, format!("`{keyword}` after `require`"))
                                .label(kw, format!("this `{keyword}` comes after…"))
                                .label(require, "…this `require`")
                                .help("move it above the first `require`: `for`, `let` and `when` take effect in order, and every `require` comes after them"),
                        );
                    }
                    match &clause.kind {
                        ClauseKind::For(var, iter, position) => {
                            let iter = self.expr(&mut scope, iter, None);
                            let elem = self.element_type(&iter);
                            let position = position.as_ref().map(|p| {
                                self.check_new_name(&scope, p);
                                self.note_local(
                                    p,
                                    &Type::Int,
                                    visible,
                                    SymbolKind::Local,
                                    Some(r.id_span),
                                );
                                scope.bind(&p.name, Type::Int, p.span, false)
                            });
                            self.check_new_name(&scope, var);
                            self.note_local(
                                var,
                                &elem,
                                visible,
                                SymbolKind::Local,
                                Some(r.id_span),
                            );
                            let slot = scope.bind(&var.name, elem, var.span, false);
                            steps.push(Step::For {
                                slot,
                                iter,
                                position,
                            });
                        }
                        ClauseKind::Let(name, value) => {
                            let path = scope.path_key(value);
                            let value = self.expr(&mut scope, value, None);
                            self.check_new_name(&scope, name);
                            self.note_local(
                                name,
                                &value.ty,
                                visible,
                                SymbolKind::Local,
                                Some(r.id_span),
                            );
                            let slot = scope.bind(&name.name, value.ty.clone(), name.span, false);
                            if let Some(path) = path {
                                scope.alias(&name.name, path);
                            }
                            steps.push(Step::Let { slot, value });
                        }
                        ClauseKind::When(cond) => {
                            let t = self.expr(&mut scope, cond, Some(&Type::Bool));
                            self.expect_type(&t, &Type::Bool, "a `when` condition");
                            let facts = scope.facts_when_true(cond);
                            scope.assume(facts);
                            steps.push(Step::When(t));
                        }
                        _ => {}
                    }
                }
                ClauseKind::Require(cond) => {
                    if first_require.is_none() {
                        first_require = Some(kw);
                        facts_before_requires = scope.facts_mark();
                    }
                    let t = self.expr(&mut scope, cond, Some(&Type::Bool));
                    self.expect_type(&t, &Type::Bool, "a `require` condition");
                    // A later `require` runs only if this one held.
                    let facts = scope.facts_when_true(cond);
                    scope.assume(facts);
                    requires.push(Require {
                        expr: t,
                        span: clause.span,
                    });
                }
            }
        }
        self.clause = None;
        if requires.is_empty() {
            let has_when = r
                .clauses
                .iter()
                .any(|c| matches!(c.kind, ClauseKind::When(_)));
            let help = if has_when {
                "`when` only says where the rule applies; add a `require` saying what must hold there, as in `require s.quantity > 0`"
            } else {
                "add a `require` clause saying what must hold, as in `require transfer.relationship == \"accepted\"`"
            };
            self.report(
                Diagnostic::error(Code::Clause, format!("rule `{}` has no `require`", r.id))
                    .label(r.id_span, "this rule checks nothing")
                    .help(help),
            );
        }
        // Messages are rendered for failing subjects: every `when` held, but a
        // `require` did not, so only the facts of `when` clauses apply.
        if first_require.is_some() {
            scope.restore_facts(facts_before_requires);
        }
        let message = message.map(|(t, _)| self.template(&mut scope, t, "message"));
        let help = help.map(|(t, _)| self.template(&mut scope, t, "message"));
        let at = at.map(|(e, _)| self.anchor(&mut scope, e));
        let slot_names = scope.into_slot_names();
        let slots = u32::try_from(slot_names.len()).unwrap_or(u32::MAX);
        Rule {
            id: r.id.clone(),
            doc: r.doc.clone(),
            severity: severity.map_or(RuleSeverity::Error, |(s, _)| s),
            steps,
            requires,
            message,
            help,
            at,
            slots,
            slot_names,
            span: r.span,
            id_span: r.id_span,
        }
    }

    /// The `at` clause: a value of the document (or of a data file) whose place
    /// a finding points at. It reads what `message` can read; an expression
    /// that computes a new value has no place, which is an error.
    fn anchor(&mut self, scope: &mut Scope, e: &ast::Expr) -> TExpr {
        let t = self.expr(scope, e, None);
        if !names_a_value(&t) {
            // `at len(xs)`: the value it is computed from is the place to show.
            let source = match &t.kind {
                TExprKind::Call { args, .. } => args.first(),
                TExprKind::Aggregate { list, .. } => Some(&**list),
                _ => None,
            }
            .filter(|a| names_a_value(a));
            let help = match source {
                Some(a) => format!(
                    "point at the value it is computed from: `at {}`",
                    self.sources.slice(a.span)
                ),
                None => "write the value the finding is about, as in `at s.quantity` or `at sub.status`: the finding points at its place in the file".to_string(),
            };
            self.report(
                Diagnostic::error(Code::Clause, "`at` names a value read from the document")
                    .label(
                        t.span,
                        format!(
                            "this computes a new `{}`, which is in no file",
                            self.type_name(&t.ty)
                        ),
                    )
                    .help(help),
            );
        }
        t
    }

    /// Records a clause allowed at most once, reporting a repeat.
    fn once<T>(
        &mut self,
        slot: &mut Option<(T, Span)>,
        value: (T, Span),
        keyword: &str,
        rule: &str,
    ) {
        if let Some((_, first)) = slot {
            let first = *first;
            self.report(
                Diagnostic::error(
                    Code::Clause,
                    format!("rule `{rule}` has two `{keyword}` clauses"),
                )
                .label(value.1, "second one here")
                .label(first, "first one here")
                .help(format!("a rule has at most one `{keyword}`; keep one")),
            );
        } else {
            *slot = Some(value);
        }
    }

    /// The `title` of the `input` declaration: a template checked where no
    /// rule variable is in scope.
    pub(super) fn title(&mut self, files: &[ast::File]) -> Option<DocumentTitle> {
        let title = files.iter().flat_map(|f| &f.decls).find_map(|d| match d {
            ast::Decl::Input(i) => i.title.as_ref(),
            _ => None,
        })?;
        let mut scope = Scope::default();
        let template = self.template(&mut scope, title, "title");
        let slots = u32::try_from(scope.into_slot_names().len()).unwrap_or(u32::MAX);
        Some(DocumentTitle { template, slots })
    }

    /// A checked template; `what` names it in diagnostics (`message`, `title`).
    fn template(&mut self, scope: &mut Scope, t: &ast::Template, what: &str) -> Template {
        let parts = t
            .parts
            .iter()
            .map(|part| match part {
                ast::TemplatePart::Text(s) => TemplatePart::Text(s.clone()),
                ast::TemplatePart::Expr(e) => {
                    self.in_template = true;
                    let typed = self.expr(scope, e, None);
                    self.in_template = false;
                    if !interpolatable(&typed.ty) {
                        let ty = self.type_name(&typed.ty);
                        let help = match &typed.ty {
                            Type::Record(_) => "pick a field of it, as in `{s.id}`",
                            _ => "interpolate strings, numbers, dates, datetimes, booleans, enum values or lists of them",
                        };
                        self.report(
                            Diagnostic::error(Code::Type, format!("a `{ty}` cannot be shown in a {what}"))
                                .label(typed.span, format!("this is `{ty}`"))
                                .help(help),
                        );
                    }
                    TemplatePart::Expr(typed)
                }
            })
            .collect();
        Template {
            parts,
            span: t.span,
        }
    }

    /// Reports a `for`, `let` or generator variable whose name is taken.
    pub(crate) fn check_new_name(&mut self, scope: &Scope, name: &ast::Ident) {
        let taken = scope
            .lookup(&name.name)
            .map(|l| l.span)
            .or_else(|| self.global(&name.name).map(|g| g.span));
        if let Some(first) = taken {
            self.report(
                Diagnostic::error(Code::Duplicate, format!("`{}` is already defined", name.name))
                    .label(name.span, "defined again here")
                    .label(first, "first defined here")
                    .help("choose another name: rule variables cannot shadow `input`, `data`, `param` or another variable in scope"),
            );
        }
    }
}

fn interpolatable(t: &Type) -> bool {
    match t {
        Type::Record(_) | Type::Map(_) => false,
        Type::List(e) => interpolatable(e),
        _ => true,
    }
}

/// Whether an `at` expression can name a value that is in a file: a name, a
/// field, an element, a lookup, or what a `??`, a conditional or a pack
/// function gives (which may be a value of the document). Literals,
/// operators and built-in calls compute new values.
fn names_a_value(t: &TExpr) -> bool {
    t.is_path()
        || matches!(
            t.kind,
            TExprKind::Default { .. }
                | TExprKind::If { .. }
                | TExprKind::CallFn { .. }
                | TExprKind::Invalid
        )
}

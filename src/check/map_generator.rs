//! `map(key: value for x in xs if cond)`: the generator that builds a
//! `[string: V]`, so that a rule can look items up by key instead of scanning a
//! list for each of them.

use super::Checker;
use super::expr::{invalid, typed};
use super::scope::Scope;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::index::SymbolKind;
use crate::model::program::{TExpr, TExprKind};
use crate::model::types::Type;
use crate::source::Span;
use crate::syntax::ast::Generator;

impl Checker<'_> {
    /// Types a `map(…)` generator: the key a string, the value any type; the
    /// filter narrows both.
    pub(crate) fn map_generator(&mut self, scope: &mut Scope, g: &Generator, span: Span) -> TExpr {
        let iter = self.expr(scope, &g.iter, None);
        let elem = self.element_type(&iter);
        self.check_new_name(scope, &g.var);
        self.note_local(&g.var, &elem, span, SymbolKind::Local, None);
        let slot = scope.bind(&g.var.name, elem, g.var.span, true);
        let mark = scope.facts_mark();
        let filter = g.filter.as_ref().map(|f| {
            let t = self.expr(scope, f, Some(&Type::Bool));
            self.expect_type(&t, &Type::Bool, "an `if` filter");
            let facts = scope.facts_when_true(f);
            scope.assume(facts);
            t
        });
        let key = g.key.as_ref().map(|k| {
            let t = self.expr(scope, k, Some(&Type::String));
            self.expect_type(&t, &Type::String, "the key of a `map` entry");
            t
        });
        let value = self.expr(scope, &g.body, None);
        scope.restore_facts(mark);
        scope.unbind();
        let Some(key) = key else {
            let body = self.sources.slice(g.body.span).to_string();
            let var = g.var.name.as_str();
            self.report(
                Diagnostic::error(Code::Arguments, "`map` needs a key for each entry")
                    .label(g.body.span, "this is the value; the key is missing")
                    .help(format!(
                        "write the key, a colon, then the value: `map({var}.id: {body} for …)`"
                    )),
            );
            return invalid(span);
        };
        let ty = Type::Map(Box::new(value.ty.clone()));
        typed(
            TExprKind::MapGenerator {
                slot,
                iter: Box::new(iter),
                filter: filter.map(Box::new),
                key: Box::new(key),
                value: Box::new(value),
            },
            ty,
            span,
        )
    }

    /// A key given to a generator other than `map` (`count(k: v for …)`).
    pub(crate) fn key_outside_map(&mut self, g: &Generator) {
        if let Some(key) = &g.key {
            self.report(
                Diagnostic::error(Code::Arguments, format!("`{}` takes no key", g.func.name))
                    .label(key.span, "a key is only written in `map(key: value for …)`")
                    .help(format!(
                        "remove the key and the colon: `{}({} for …)`",
                        g.func.name,
                        self.sources.slice(g.body.span)
                    )),
            );
        }
    }
}

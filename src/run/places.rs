//! Findings with their places: the paths a finding's trace names, turned into
//! spans of the input and data files while the document's tree is at hand.

use crate::data::locate::locate;
use crate::data::node::Node;
use crate::eval::Outcome;
use crate::eval::trace::{Computed, Read};
use crate::model::path::{Path, Root};
use crate::model::program::Program;
use crate::model::value::Value;
use crate::source::{FileId, Sources, Span};

use super::result::{ComputedValue, Finding, FindingValue, ReportedOutcome};

/// What is needed to turn paths into places.
pub(super) struct Places<'a> {
    pub(super) sources: &'a Sources,
    pub(super) program: &'a Program,
    pub(super) doc: (FileId, &'a Node),
    pub(super) data: &'a [(FileId, Node)],
}

impl Places<'_> {
    pub(super) fn span_of(&self, path: &Path) -> Option<Span> {
        let (file, root) = match &path.root {
            Root::Input => (self.doc.0, self.doc.1),
            Root::Data(i, _) => {
                let (file, node) = self.data.get(*i as usize)?;
                (*file, node)
            }
            Root::Computed { .. } => return None,
        };
        let node = locate(root, &path.segs)?;
        Some(Span::new(file, node.start as usize, node.end as usize))
    }

    pub(super) fn resolve(&self, outcome: Outcome) -> ReportedOutcome {
        let finding = outcome.finding.map(|f| {
            let schema = &self.program.schema;
            let values: Vec<FindingValue> = f
                .reads
                .iter()
                .map(|r: &Read| FindingValue {
                    expr: one_line(self.sources.slice(r.span)),
                    value: r.value.to_json(&r.ty, schema),
                    display: shown(&r.value, &r.ty, self.program),
                    location: self.span_of(&r.path),
                })
                .collect();
            let in_doc = |s: &Option<Span>| s.filter(|s| s.file == self.doc.0);
            let error_place = f
                .error
                .as_ref()
                .and_then(|e| e.path.as_ref())
                .and_then(|p| self.span_of(p));
            let location = values
                .iter()
                .find_map(|v| in_doc(&v.location))
                .or_else(|| in_doc(&error_place))
                .or_else(|| in_doc(&self.span_of(&outcome.subject)));
            let computed = f
                .computed
                .iter()
                .map(|c: &Computed| {
                    let expr = one_line(self.sources.slice(c.span));
                    ComputedValue {
                        label: computed_label(&expr, &c.value.display(&c.ty, schema)),
                        value: c.value.to_json(&c.ty, schema),
                        expr,
                        span: c.span,
                    }
                })
                .collect();
            let error = f.error.as_ref().map(|e| e.message.clone());
            let message_from_rule = f.message.is_some();
            let (message, help) = match &f.error {
                // The rule's message, as for a `fail`; without one, the error.
                // The rule's help, else how to let the rule decide.
                Some(e) => (
                    f.message
                        .unwrap_or_else(|| format!("could not be evaluated: {}", e.message)),
                    f.help.or_else(|| e.help.clone()),
                ),
                None => (
                    f.message.unwrap_or_else(|| {
                        let text = f.require.map(|s| self.sources.slice(s)).unwrap_or("");
                        let text = text.strip_prefix("require").unwrap_or(text);
                        format!("`{}` does not hold", one_line(text))
                    }),
                    f.help,
                ),
            };
            Finding {
                message,
                message_from_rule,
                help,
                location,
                policy: f.require.or(f.error.as_ref().map(|e| e.span)),
                error,
                values,
                computed,
            }
        });
        ReportedOutcome {
            rule: outcome.rule,
            subject: outcome.subject.to_string(),
            kind: outcome.kind,
            finding,
        }
    }
}

/// A value as a label on the input shows it: strings and enum members quoted
/// (so that blanks and case are visible), numbers, dates and booleans bare.
pub(super) fn shown(value: &Value, ty: &crate::model::types::Type, program: &Program) -> String {
    use crate::model::types::Type;
    let text = value.display(ty, &program.schema);
    let text = if text.chars().count() > 80 {
        format!("{}…", text.chars().take(79).collect::<String>())
    } else {
        text
    };
    match ty {
        Type::String | Type::Enum(_) => format!("{text:?}"),
        _ => text,
    }
}

/// A label for a computed sub-value: `sum(…) = 40`, long expressions shortened.
pub(super) fn computed_label(expr: &str, value: &str) -> String {
    let expr = one_line(expr);
    let short = if expr.chars().count() <= 32 {
        expr
    } else if let Some(open) = expr.find('(') {
        format!("{}(…)", expr.get(..open).unwrap_or(""))
    } else {
        format!("{}…", expr.chars().take(30).collect::<String>())
    };
    let value = if value.chars().count() > 60 {
        format!("{}…", value.chars().take(59).collect::<String>())
    } else {
        value.to_string()
    };
    format!("{short} = {value}")
}

/// An expression's text on one line, runs of whitespace as one space.
pub(super) fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

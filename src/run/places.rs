//! Findings with their places: the paths a finding's trace names, turned into
//! spans of the input and data files while the document's tree is at hand.

use crate::data::locate::locate;
use crate::data::node::Node;
use crate::eval::Outcome;
use crate::eval::trace::{Computed, Read};
use crate::model::path::{Path, Root, Seg};
use crate::model::program::Program;
use crate::model::types::Type;
use crate::source::{FileId, Sources, Span};

use super::result::{ComputedValue, Finding, FindingValue, ReportedOutcome};

/// What is needed to turn paths into places.
pub(super) struct Places<'a> {
    pub(super) sources: &'a Sources,
    pub(super) program: &'a Program,
    pub(super) doc: DocTree<'a>,
    pub(super) data: &'a [(FileId, Node)],
}

/// The parsed files of a document, where its values' places are looked up.
pub(super) enum DocTree<'a> {
    /// A document of one file.
    One(FileId, &'a Node),
    /// A document made of a directory: for each field that has a file, the
    /// field's position, the file and its tree.
    Fields(&'a [(u32, FileId, Node)]),
}

impl DocTree<'_> {
    /// Whether `file` is one of the document's files.
    fn contains(&self, file: FileId) -> bool {
        match self {
            DocTree::One(f, _) => *f == file,
            DocTree::Fields(files) => files.iter().any(|(_, f, _)| *f == file),
        }
    }
}

impl Places<'_> {
    pub(super) fn span_of(&self, path: &Path) -> Option<Span> {
        let (file, root, segs) = match (&path.root, &self.doc) {
            (Root::Input, DocTree::One(file, node)) => (*file, *node, path.segs.as_slice()),
            (Root::Input, DocTree::Fields(files)) => {
                // The first step names the field, hence the file.
                let (Seg::Key(name), rest) = path.segs.split_first()? else {
                    return None;
                };
                let Type::Record(id) = &self.program.input.ty else {
                    return None;
                };
                let (index, _) = self.program.schema.record(*id)?.field(name)?;
                let (_, file, node) = files.iter().find(|(i, _, _)| *i == index)?;
                (*file, node, rest)
            }
            (Root::Data(i, _), _) => {
                let (file, node) = self.data.get(*i as usize)?;
                (*file, node, path.segs.as_slice())
            }
            (Root::Computed { .. }, _) => return None,
        };
        let node = locate(root, segs)?;
        Some(Span::new(file, node.start as usize, node.end as usize))
    }

    pub(super) fn resolve(&self, outcome: Outcome) -> ReportedOutcome {
        let finding = outcome.finding.map(|f| {
            let schema = &self.program.schema;
            let value = |r: &Read| FindingValue {
                expr: one_line(self.sources.slice(r.span)),
                value: r.value.to_json(&r.ty, schema),
                text: r.value.display(&r.ty, schema),
                is_text: matches!(r.ty, Type::String | Type::Enum(_)),
                location: self.span_of(&r.path),
            };
            let in_doc = |s: &Option<Span>| s.filter(|s| self.doc.contains(s.file));
            // The `at` value comes first (a scalar is shown like a value read,
            // once); a record or list only gives the location.
            let anchor = f.anchor.as_ref();
            let anchor_place = anchor.and_then(|a| in_doc(&self.span_of(&a.path)));
            let shown_anchor = anchor.filter(|a| a.ty.is_scalar());
            let values: Vec<FindingValue> = shown_anchor
                .into_iter()
                .chain(
                    f.reads
                        .iter()
                        .filter(|r| shown_anchor.is_none_or(|a| a.path != r.path)),
                )
                .map(value)
                .collect();
            let error_place = f
                .error
                .as_ref()
                .and_then(|e| e.path.as_ref())
                .and_then(|p| self.span_of(p));
            let location = anchor_place
                .or_else(|| values.iter().find_map(|v| in_doc(&v.location)))
                .or_else(|| in_doc(&error_place))
                .or_else(|| in_doc(&self.span_of(&outcome.subject)));
            let computed = f
                .computed
                .iter()
                .map(|c: &Computed| ComputedValue {
                    expr: one_line(self.sources.slice(c.span)),
                    value: c.value.to_json(&c.ty, schema),
                    text: c.value.display(&c.ty, schema),
                    span: c.span,
                })
                .collect();
            let requirement = f.require.map(|span| {
                let text = self.sources.slice(span);
                one_line(text.strip_prefix("require").unwrap_or(text))
            });
            // The rule's help, else how to let the rule decide.
            let help = match &f.error {
                Some(e) => f.help.or_else(|| e.help.clone()),
                None => f.help,
            };
            let anchor = match (anchor, anchor_place) {
                (Some(a), Some(_)) if !a.ty.is_scalar() => {
                    Some(one_line(self.sources.slice(a.span)))
                }
                _ => None,
            };
            Finding {
                message: f.message,
                requirement,
                help,
                location,
                anchor,
                policy: f.require.or(f.error.as_ref().map(|e| e.span)),
                error: f.error.map(|e| e.message),
                values,
                computed,
            }
        });
        ReportedOutcome {
            rule: outcome.rule,
            subject: outcome.subject.to_string(),
            kind: outcome.kind,
            finding,
            disposition: Default::default(),
        }
    }
}

/// An expression's text on one line, runs of whitespace as one space.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

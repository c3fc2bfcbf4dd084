//! Definition, references and the outline of a file.

use lsp_types::{DocumentSymbol, Location, SymbolKind as LspKind};

use super::analysis::{Analysis, Found};
use super::text::Encoding;
use crate::model::index::SymbolKind;
use crate::source::FileId;

/// Where the name `found` is declared.
pub fn definition(analysis: &Analysis, found: &Found, encoding: Encoding) -> Option<Location> {
    let symbol = analysis.symbol(&found.target)?;
    analysis.location(symbol.name_span, encoding)
}

/// Every use of what `found` names in the pack, and its declaration first
/// when asked for.
pub fn references(
    analysis: &Analysis,
    found: &Found,
    declaration: bool,
    encoding: Encoding,
) -> Vec<Location> {
    let declared = analysis.symbol(&found.target).map(|s| s.name_span);
    let mut out: Vec<Location> = declared
        .filter(|_| declaration)
        .and_then(|s| analysis.location(s, encoding))
        .into_iter()
        .collect();
    out.extend(
        super::rename::occurrences(analysis, found)
            .into_iter()
            .filter(|s| Some(*s) != declared)
            .filter_map(|s| analysis.location(s, encoding)),
    );
    out
}

/// The outline of `file`: records with their fields, enums with their
/// members, globals, functions and rules, in text order.
pub fn document_symbols(
    analysis: &Analysis,
    file: FileId,
    encoding: Encoding,
) -> Vec<DocumentSymbol> {
    let index = &analysis.index;
    let schema = &index.schema;
    let make = |id: usize, children: Option<Vec<DocumentSymbol>>| {
        let s = index.symbol(id)?;
        let kind = match s.kind {
            SymbolKind::Record => LspKind::STRUCT,
            SymbolKind::Field => LspKind::FIELD,
            SymbolKind::Enum => LspKind::ENUM,
            SymbolKind::Member => LspKind::ENUM_MEMBER,
            SymbolKind::Input => LspKind::VARIABLE,
            SymbolKind::Data => LspKind::CONSTANT,
            SymbolKind::Param => LspKind::PROPERTY,
            SymbolKind::Function => LspKind::FUNCTION,
            SymbolKind::Rule => LspKind::EVENT,
            SymbolKind::Parameter | SymbolKind::Local => LspKind::VARIABLE,
        };
        let detail = match s.kind {
            SymbolKind::Function => s.signature.clone(),
            SymbolKind::Rule => Some("rule".to_string()),
            _ => s.type_text(schema),
        };
        #[expect(
            deprecated,
            reason = "the field is required by the type; it is left empty"
        )]
        Some(DocumentSymbol {
            name: if s.name.is_empty() {
                "?".into()
            } else {
                s.name.clone()
            },
            detail,
            kind,
            tags: None,
            deprecated: None,
            range: analysis.range(s.span.to(s.name_span), encoding),
            selection_range: analysis.range(s.name_span, encoding),
            children,
        })
    };
    let tops = index.symbols.iter().enumerate().filter(|(_, s)| {
        s.name_span.file == file
            && s.parent.is_none()
            && !matches!(s.kind, SymbolKind::Local | SymbolKind::Parameter)
    });
    tops.filter_map(|(id, s)| {
        let children = matches!(s.kind, SymbolKind::Record | SymbolKind::Enum).then(|| {
            index
                .symbols
                .iter()
                .enumerate()
                .filter(|(_, c)| {
                    c.parent == Some(id) && matches!(c.kind, SymbolKind::Field | SymbolKind::Member)
                })
                .filter_map(|(child, _)| make(child, None))
                .collect()
        });
        make(id, children)
    })
    .collect()
}

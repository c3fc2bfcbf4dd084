//! `textDocument/hover`: what a name is (its type or signature) and its doc
//! comment, as Markdown.

use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind};

use super::analysis::{Analysis, Found};
use super::text::Encoding;
use crate::check::call::builtin_functions;
use crate::model::index::{Symbol, SymbolKind, Target};
use crate::model::types::{Schema, Type};

/// The hover for the name `found`.
pub fn hover(analysis: &Analysis, found: &Found, encoding: Encoding) -> Option<Hover> {
    let value = match &found.target {
        Target::Builtin(name) => {
            let signature = builtin_functions()
                .iter()
                .find(|(n, _)| n == name)
                .map_or(*name, |(_, s)| *s);
            format!("```preflight\n{signature}\n```\n\nA built-in function.")
        }
        Target::Symbol(id) => describe(analysis, analysis.index.symbol(*id)?),
    };
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value,
        }),
        range: Some(analysis.range(found.span, encoding)),
    })
}

/// The Markdown for one declaration: a code line saying what it is, its doc
/// comment, and the doc of the record or enum its value is.
pub fn describe(analysis: &Analysis, symbol: &Symbol) -> String {
    let schema = &analysis.index.schema;
    let ty = |s: &Symbol| s.type_text(schema).unwrap_or_else(|| "_".to_string());
    let parent = |s: &Symbol| s.parent.and_then(|p| analysis.index.symbol(p));
    let (code, note) = match symbol.kind {
        SymbolKind::Record => (format!("record {}", symbol.name), None),
        SymbolKind::Enum => (format!("enum {}", symbol.name), None),
        SymbolKind::Field => {
            let owner = parent(symbol).map_or("?", |p| p.name.as_str());
            (format!("{owner}.{}: {}", symbol.name, ty(symbol)), None)
        }
        SymbolKind::Member => {
            let owner = parent(symbol).map_or("?", |p| p.name.as_str());
            (
                crate::syntax::literal::quote(&symbol.name),
                Some(format!("A member of enum `{owner}`.")),
            )
        }
        SymbolKind::Input => (format!("input {}: {}", symbol.name, ty(symbol)), None),
        SymbolKind::Data => (format!("data {}: {}", symbol.name, ty(symbol)), None),
        SymbolKind::Param => (format!("param {}: {}", symbol.name, ty(symbol)), None),
        SymbolKind::Function => (
            format!(
                "fn {}",
                symbol
                    .signature
                    .clone()
                    .unwrap_or_else(|| symbol.name.clone())
            ),
            None,
        ),
        SymbolKind::Parameter => {
            let owner = parent(symbol).map_or("?", |p| p.name.as_str());
            (
                format!("{}: {}", symbol.name, ty(symbol)),
                Some(format!("A parameter of `{owner}`.")),
            )
        }
        SymbolKind::Local => {
            let note = Some(parent(symbol).map_or_else(
                || "A generator's variable.".to_string(),
                |p| format!("A variable of rule `{}`.", p.name),
            ));
            (format!("{}: {}", symbol.name, ty(symbol)), note)
        }
        SymbolKind::Rule => (format!("rule {}", symbol.name), None),
    };
    let mut out = format!("```preflight\n{code}\n```");
    for part in [note, symbol.doc.clone()].into_iter().flatten() {
        out.push_str("\n\n");
        out.push_str(part.trim());
    }
    let declares_type = matches!(symbol.kind, SymbolKind::Record | SymbolKind::Enum);
    if let Some(t) = symbol.ty.as_ref().filter(|_| !declares_type)
        && let Some((name, doc)) = type_doc(t, schema)
    {
        out.push_str(&format!("\n\n---\n\n`{name}`: {}", doc.trim()));
    }
    if symbol.kind == SymbolKind::Record {
        let record = analysis.index.declared_at(symbol.name_span);
        let fields: Vec<String> = analysis
            .index
            .symbols
            .iter()
            .filter(|s| s.kind == SymbolKind::Field && s.parent == record)
            .map(|s| format!("- `{}: {}`", s.name, ty(s)))
            .collect();
        if !fields.is_empty() {
            out.push_str("\n\n");
            out.push_str(&fields.join("\n"));
        }
    }
    out
}

/// The record or enum a value of type `t` is (through lists and maps), with
/// its doc comment.
fn type_doc<'a>(t: &Type, schema: &'a Schema) -> Option<(&'a str, &'a str)> {
    match t {
        Type::List(inner) | Type::Map(inner) => type_doc(inner, schema),
        Type::Record(id) => {
            let r = schema.record(*id)?;
            Some((r.name.as_str(), r.doc.as_deref()?))
        }
        Type::Enum(id) => {
            let e = schema.enum_def(*id)?;
            Some((e.name.as_str(), e.doc.as_deref()?))
        }
        _ => None,
    }
}

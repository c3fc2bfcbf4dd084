//! Changes the server offers: the layout of `preflight fmt`, and the quick
//! fixes diagnostics carry.

use std::collections::HashMap;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, Range, TextEdit, Uri, WorkspaceEdit,
};

use super::analysis::Analysis;
use super::publish;
use super::text::{Encoding, LineIndex};
use crate::source::FileId;

/// The edit that gives `text` the layout of `preflight fmt`: one edit over
/// the lines that change, none when the file is formatted already or does
/// not parse.
pub fn format(name: &str, text: &str, encoding: Encoding) -> Vec<TextEdit> {
    let Ok(formatted) = crate::format::format_source(name, text) else {
        return Vec::new();
    };
    if formatted == text {
        return Vec::new();
    }
    // The lines both share at the start and the end stay untouched, so that
    // the editor keeps the cursor and the undo step is small.
    let old: Vec<&str> = text.split_inclusive('\n').collect();
    let new: Vec<&str> = formatted.split_inclusive('\n').collect();
    let head = old.iter().zip(&new).take_while(|(a, b)| a == b).count();
    let tail = old
        .iter()
        .rev()
        .zip(new.iter().rev())
        .take(old.len().min(new.len()) - head)
        .take_while(|(a, b)| a == b)
        .count();
    let start: usize = old.iter().take(head).map(|l| l.len()).sum();
    let end = text.len() - old.iter().rev().take(tail).map(|l| l.len()).sum::<usize>();
    let new_end = formatted.len() - new.iter().rev().take(tail).map(|l| l.len()).sum::<usize>();
    let lines = LineIndex::new(text);
    vec![TextEdit {
        range: lines.range(text, start, end, encoding),
        new_text: formatted.get(start..new_end).unwrap_or("").to_string(),
    }]
}

/// The quick fixes of the diagnostics of `file` that touch `range`.
pub fn code_actions(
    analysis: &Analysis,
    file: FileId,
    range: Range,
    encoding: Encoding,
) -> Vec<CodeActionOrCommand> {
    let Some(uri) = analysis.uri(file).and_then(|u| u.parse::<Uri>().ok()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for diagnostic in analysis.diagnostics_of(file) {
        let Some(primary) = diagnostic.primary_span() else {
            continue;
        };
        let at = analysis.range(primary, encoding);
        if at.end < range.start || range.end < at.start {
            continue;
        }
        let lsp = publish::convert(analysis, diagnostic, encoding);
        let only = diagnostic.fixes.len() == 1;
        for fix in diagnostic.fixes.iter().filter(|f| f.span.file == file) {
            let edit = TextEdit {
                range: analysis.range(fix.span, encoding),
                new_text: fix.text.clone(),
            };
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: fix.title.clone(),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![lsp.clone()]),
                edit: Some(WorkspaceEdit {
                    changes: Some(HashMap::from([(uri.clone(), vec![edit])])),
                    ..WorkspaceEdit::default()
                }),
                is_preferred: Some(only),
                ..CodeAction::default()
            }));
        }
    }
    out
}

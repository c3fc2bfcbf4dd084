//! Rename and document highlights: every place a declaration's name is
//! written, from the index.

use std::collections::HashMap;

use lsp_types::{DocumentHighlight, DocumentHighlightKind, Range, TextEdit, Uri, WorkspaceEdit};

use super::analysis::{Analysis, Found};
use super::text::Encoding;
use crate::model::index::{SymbolKind, Target};
use crate::source::{FileId, Span};
use crate::syntax::literal::{is_plain_name, quote};

/// The declaration and every use of what `found` names, each once, in text
/// order.
pub fn occurrences(analysis: &Analysis, found: &Found) -> Vec<Span> {
    let mut spans: Vec<Span> = analysis
        .symbol(&found.target)
        .map(|s| s.name_span)
        .into_iter()
        .chain(
            analysis
                .index
                .references
                .iter()
                .filter(|r| r.target == found.target)
                .map(|r| r.span),
        )
        .collect();
    spans.sort_by_key(|s| (s.file, s.start, s.end));
    spans.dedup();
    spans
}

/// Why the name at `found` cannot be renamed, if it cannot.
fn refusal(analysis: &Analysis, found: &Found) -> Option<String> {
    let symbol = match &found.target {
        Target::Builtin(name) => return Some(format!("`{name}` is a built-in function")),
        Target::Symbol(_) => analysis.symbol(&found.target)?,
    };
    match symbol.kind {
        SymbolKind::Rule => Some(
            "a rule id is what waivers, baselines and pack tests name; rename it by hand, with them"
                .to_string(),
        ),
        SymbolKind::Field if !is_plain_name(&symbol.name) => {
            Some(format!("`{}` is a quoted field name; rename it by hand", symbol.name))
        }
        _ => None,
    }
}

/// `prepareRename`: the range of the name under the cursor, or why it
/// cannot be renamed.
pub fn prepare(analysis: &Analysis, found: &Found, encoding: Encoding) -> Result<Range, String> {
    match refusal(analysis, found) {
        Some(why) => Err(why),
        None => Ok(analysis.range(found.span, encoding)),
    }
}

/// `rename`: the edits that write `new_name` at every occurrence, or why
/// not.
#[expect(
    clippy::mutable_key_type,
    reason = "the protocol's edits are keyed by `Uri`, whose parsed parts are cached inside; no key is changed"
)]
pub fn rename(
    analysis: &Analysis,
    found: &Found,
    new_name: &str,
    encoding: Encoding,
) -> Result<WorkspaceEdit, String> {
    if let Some(why) = refusal(analysis, found) {
        return Err(why);
    }
    let member = analysis
        .symbol(&found.target)
        .is_some_and(|s| s.kind == SymbolKind::Member);
    let text = if member {
        // A member is written as a string, its declaration and its uses alike.
        quote(new_name)
    } else if is_plain_name(new_name) {
        new_name.to_string()
    } else {
        return Err(format!(
            "`{new_name}` is not a name: a letter or `_`, then letters, digits or `_`, and not a keyword"
        ));
    };
    let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    for span in occurrences(analysis, found) {
        let Some(uri) = analysis.uri(span.file).and_then(|u| u.parse().ok()) else {
            continue;
        };
        changes.entry(uri).or_default().push(TextEdit {
            range: analysis.range(span, encoding),
            new_text: text.clone(),
        });
    }
    Ok(WorkspaceEdit {
        changes: Some(changes),
        ..WorkspaceEdit::default()
    })
}

/// The occurrences of the name under the cursor in its file: the
/// declaration marked as written, the uses as read.
pub fn highlights(
    analysis: &Analysis,
    file: FileId,
    found: &Found,
    encoding: Encoding,
) -> Vec<DocumentHighlight> {
    let declared = analysis.symbol(&found.target).map(|s| s.name_span);
    occurrences(analysis, found)
        .into_iter()
        .filter(|s| s.file == file)
        .map(|s| DocumentHighlight {
            range: analysis.range(s, encoding),
            kind: Some(if Some(s) == declared {
                DocumentHighlightKind::WRITE
            } else {
                DocumentHighlightKind::READ
            }),
        })
        .collect()
}

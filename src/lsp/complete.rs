//! `textDocument/completion`: fields after a dot, members inside a string
//! compared with an enum, and in expression position the variables in
//! scope, the functions and the keywords.
//!
//! While the author types, the text is often not a policy yet (`s.` ends in
//! a dot). So the pack is checked once more with a placeholder name written
//! at the cursor: `s.` becomes a field read whose receiver the checker
//! records, `require ` a variable whose scope it knows.

use std::collections::{HashMap, HashSet};

use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionTextEdit, Documentation, MarkupContent,
    MarkupKind, TextEdit,
};

use super::analysis::{Analysis, Buffer, PackKey};
use super::text::Encoding;
use crate::check::call::builtin_functions;
use crate::model::index::SymbolKind;
use crate::model::types::Type;
use crate::source::{FileId, Span};

/// Written at the cursor when nothing is typed there yet; no author writes it.
const PLACEHOLDER: &str = "__preflight_completion__";

/// Words of clauses that are not reserved (a field may be called `at`).
const CLAUSE_WORDS: &[&str] = &["at", "title"];

/// What can be written at byte `offset` of the buffer `name` of the pack
/// `key`, given `current`, the analysis of the text as it is.
pub fn complete(
    key: &PackKey,
    buffers: &HashMap<String, Buffer>,
    name: &str,
    offset: usize,
    current: &Analysis,
    encoding: Encoding,
) -> Vec<CompletionItem> {
    let Some(file) = current.file(name) else {
        return Vec::new();
    };
    let text = current.text(file);
    if let Some(items) = enum_members(current, file, offset, encoding) {
        return items;
    }
    let before = text.get(..offset).unwrap_or("");
    if in_open_string(before) {
        // A string not closed yet (`== "acc`): closed at the cursor, it is a
        // literal the checker reads, and its members can be offered.
        let closed = with_text_at(buffers, name, text, offset, "\"");
        let analysis = Analysis::of(key, &closed);
        let items = analysis
            .file(name)
            .and_then(|f| enum_members(&analysis, f, offset, encoding));
        return items.unwrap_or_default();
    }
    let prefix_len = before
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .map(char::len_utf8)
        .sum::<usize>();
    let start = offset - prefix_len;
    let lead = before.get(..start).unwrap_or("").trim_end();
    let after_dot = lead.ends_with('.') && !lead.ends_with("..");
    let after_has = lead
        .strip_suffix("has")
        .is_some_and(|b| b.ends_with(|c: char| c.is_whitespace() || c == ')'));
    let at = u32::try_from(start).unwrap_or(u32::MAX);
    if prefix_len > 0 {
        // A name is written at the cursor: the text as it is says what it is.
        if after_dot || after_has {
            return fields(current, file, at);
        }
        return expression(&[current], file, at);
    }
    // Nothing is written there yet: check the text with a name at the
    // cursor, so that a field read or the scope at the cursor exists.
    let placeheld = Analysis::of(key, &with_text_at(buffers, name, text, offset, PLACEHOLDER));
    let Some(placeheld_file) = placeheld.file(name) else {
        return Vec::new();
    };
    if after_dot || after_has {
        return fields(&placeheld, placeheld_file, at);
    }
    // Just before a name (`require |s.id`) the placeholder breaks what
    // parsed; the text as it is knows the scope there. Both are asked.
    expression(&[current, &placeheld], file, at)
}

/// The buffers with `insert` written at `offset` of the buffer `name`
/// (whose text is `text`).
fn with_text_at(
    buffers: &HashMap<String, Buffer>,
    name: &str,
    text: &str,
    offset: usize,
    insert: &str,
) -> HashMap<String, Buffer> {
    let mut edited = buffers.clone();
    let mut new_text = text.to_string();
    if new_text.is_char_boundary(offset) {
        new_text.insert_str(offset, insert);
    }
    let uri = buffers
        .get(name)
        .map_or_else(String::new, |b| b.uri.clone());
    edited.insert(
        name.to_string(),
        Buffer {
            text: new_text,
            uri,
        },
    );
    edited
}

/// Whether the end of `before` is inside a string opened on its last line
/// and not closed: quotes no backslash escapes, outside a comment, and not
/// inside the `{…}` of a message template, which is code again.
fn in_open_string(before: &str) -> bool {
    let line = before.rsplit('\n').next().unwrap_or("");
    // `true`: a string; `false`: the code of an interpolation in one.
    let mut nesting: Vec<bool> = Vec::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        let in_string = nesting.last() == Some(&true);
        match c {
            '\\' if in_string => {
                chars.next();
            }
            '"' if in_string => {
                nesting.pop();
            }
            '"' => nesting.push(true),
            '{' if in_string => nesting.push(false),
            '}' if nesting.last() == Some(&false) => {
                nesting.pop();
            }
            '/' if !in_string && chars.peek() == Some(&'/') => return false,
            _ => {}
        }
    }
    nesting.last() == Some(&true)
}

/// Inside a string literal the checker read as a member of an enum: the
/// members, replacing what is between the quotes.
fn enum_members(
    analysis: &Analysis,
    file: FileId,
    offset: usize,
    encoding: Encoding,
) -> Option<Vec<CompletionItem>> {
    let offset = u32::try_from(offset).ok()?;
    let (span, id) = analysis
        .index
        .enum_strings
        .iter()
        .find(|(s, _)| s.file == file && s.start < offset && offset < s.end)?;
    let def = analysis.index.schema.enum_def(*id)?;
    let inside = Span {
        file,
        start: span.start + 1,
        end: span.end.saturating_sub(1).max(span.start + 1),
    };
    let range = analysis.range(inside, encoding);
    Some(
        def.members
            .iter()
            .map(|m| CompletionItem {
                label: m.value.clone(),
                kind: Some(CompletionItemKind::ENUM_MEMBER),
                detail: Some(def.name.clone()),
                documentation: m.doc.clone().map(markdown),
                text_edit: Some(CompletionTextEdit::Edit(TextEdit {
                    range,
                    new_text: escape_in_string(&m.value),
                })),
                ..CompletionItem::default()
            })
            .collect(),
    )
}

/// The fields of the record a field is read from at `at`.
fn fields(analysis: &Analysis, file: FileId, at: u32) -> Vec<CompletionItem> {
    let index = &analysis.index;
    let Some(receiver) = index
        .receivers
        .iter()
        .find(|r| r.field.file == file && r.field.start == at)
    else {
        return Vec::new();
    };
    let Type::Record(id) = receiver.ty else {
        return Vec::new();
    };
    let Some(record) = index.schema.record(id) else {
        return Vec::new();
    };
    record
        .fields
        .iter()
        .filter(|f| crate::syntax::literal::is_plain_name(&f.name))
        .map(|f| {
            let q = if f.optional { "?" } else { "" };
            CompletionItem {
                label: f.name.clone(),
                kind: Some(CompletionItemKind::FIELD),
                detail: Some(format!("{}{q}", f.ty.display(&index.schema))),
                documentation: f.doc.clone().map(markdown),
                ..CompletionItem::default()
            }
        })
        .collect()
}

/// Variables in scope at `at`, globals, functions and keywords, from each
/// of `analyses` (of the same file, which has the same id in each).
fn expression(analyses: &[&Analysis], file: FileId, at: u32) -> Vec<CompletionItem> {
    let mut items = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for analysis in analyses {
        declared_names(analysis, file, at, &mut seen, &mut items);
    }
    for (name, signature) in builtin_functions() {
        items.push(CompletionItem {
            label: (*name).to_string(),
            kind: Some(CompletionItemKind::FUNCTION),
            detail: Some((*signature).to_string()),
            ..CompletionItem::default()
        });
    }
    for keyword in crate::syntax::KEYWORDS.iter().chain(CLAUSE_WORDS) {
        items.push(CompletionItem {
            label: (*keyword).to_string(),
            kind: Some(CompletionItemKind::KEYWORD),
            ..CompletionItem::default()
        });
    }
    items
}

/// The pack's names that can be written at `at`: locals in scope there,
/// globals and functions, each once.
fn declared_names(
    analysis: &Analysis,
    file: FileId,
    at: u32,
    seen: &mut HashSet<String>,
    items: &mut Vec<CompletionItem>,
) {
    let index = &analysis.index;
    let schema = &index.schema;
    for s in &index.symbols {
        let kind = match s.kind {
            SymbolKind::Local | SymbolKind::Parameter => {
                let visible = s.visible.is_some_and(|v| {
                    v.file == file && v.start <= at && at <= v.end && s.name_span.end <= at
                });
                if !visible {
                    continue;
                }
                CompletionItemKind::VARIABLE
            }
            SymbolKind::Input | SymbolKind::Data | SymbolKind::Param => {
                CompletionItemKind::CONSTANT
            }
            SymbolKind::Function => CompletionItemKind::FUNCTION,
            _ => continue,
        };
        if s.name == PLACEHOLDER || !seen.insert(s.name.clone()) {
            continue;
        }
        let detail = match s.kind {
            SymbolKind::Function => s.signature.clone(),
            _ => s.type_text(schema),
        };
        items.push(CompletionItem {
            label: s.name.clone(),
            kind: Some(kind),
            detail,
            documentation: s.doc.clone().map(markdown),
            ..CompletionItem::default()
        });
    }
}

fn markdown(text: String) -> Documentation {
    Documentation::MarkupContent(MarkupContent {
        kind: MarkupKind::Markdown,
        value: text,
    })
}

/// A member's text as written between quotes.
fn escape_in_string(value: &str) -> String {
    let quoted = crate::syntax::literal::quote(value);
    quoted
        .strip_prefix('"')
        .and_then(|q| q.strip_suffix('"'))
        .unwrap_or(&quoted)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::in_open_string;

    #[test]
    fn open_strings_are_told_from_code_in_templates_and_comments() {
        assert!(in_open_string("  require s.status == \"acc"));
        assert!(!in_open_string("  require s.status == \"active\""));
        assert!(!in_open_string("  message \"subscription {s."));
        assert!(in_open_string("  message \"subscription {s.status == \"ac"));
        assert!(in_open_string("  message \"a \\\" b"));
        assert!(!in_open_string("  // a \"comment"));
        assert!(!in_open_string("line one \"\nline two"));
    }
}

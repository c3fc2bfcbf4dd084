//! `textDocument/semanticTokens/full`: every name of a file coloured by what
//! it is, which a TextMate grammar cannot know (a `data` from a local, a
//! field from a variable, a pack function from a built-in one).

use lsp_types::{
    SemanticToken, SemanticTokenModifier, SemanticTokenType, SemanticTokens, SemanticTokensLegend,
};

use super::analysis::Analysis;
use super::text::Encoding;
use crate::model::index::{SymbolKind, Target};
use crate::source::{FileId, Span};

/// The token types, in the order of the legend.
const TYPES: &[SemanticTokenType] = &[
    SemanticTokenType::STRUCT,
    SemanticTokenType::ENUM,
    SemanticTokenType::PROPERTY,
    SemanticTokenType::ENUM_MEMBER,
    SemanticTokenType::VARIABLE,
    SemanticTokenType::PARAMETER,
    SemanticTokenType::FUNCTION,
];

/// The modifiers, in the order of the legend (bit 0 first).
const MODIFIERS: &[SemanticTokenModifier] = &[
    SemanticTokenModifier::DECLARATION,
    SemanticTokenModifier::READONLY,
    SemanticTokenModifier::DEFAULT_LIBRARY,
];

const DECLARATION: u32 = 1;
const READONLY: u32 = 2;
const DEFAULT_LIBRARY: u32 = 4;

/// What the client is told the numbers of the tokens mean.
pub fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend {
        token_types: TYPES.to_vec(),
        token_modifiers: MODIFIERS.to_vec(),
    }
}

/// The index of a type in [`TYPES`], and the modifiers, of what a name is.
fn classify(kind: SymbolKind) -> Option<(u32, u32)> {
    Some(match kind {
        SymbolKind::Record => (0, 0),
        SymbolKind::Enum => (1, 0),
        SymbolKind::Field => (2, 0),
        SymbolKind::Member => (3, 0),
        SymbolKind::Input | SymbolKind::Data | SymbolKind::Param => (4, READONLY),
        SymbolKind::Local => (4, 0),
        SymbolKind::Parameter => (5, 0),
        SymbolKind::Function => (6, 0),
        // A rule id is coloured by the grammar; it is used nowhere else.
        SymbolKind::Rule => return None,
    })
}

/// The tokens of `file`, in text order.
pub fn tokens(analysis: &Analysis, file: FileId, encoding: Encoding) -> SemanticTokens {
    let index = &analysis.index;
    let mut names: Vec<(Span, u32, u32)> = Vec::new();
    for symbol in index.symbols.iter().filter(|s| s.name_span.file == file) {
        if let Some((ty, modifiers)) = classify(symbol.kind) {
            names.push((symbol.name_span, ty, modifiers | DECLARATION));
        }
    }
    for reference in index.references.iter().filter(|r| r.span.file == file) {
        let class = match &reference.target {
            Target::Builtin(_) => Some((6, DEFAULT_LIBRARY)),
            Target::Symbol(id) => index.symbol(*id).and_then(|s| classify(s.kind)),
        };
        if let Some((ty, modifiers)) = class {
            names.push((reference.span, ty, modifiers));
        }
    }
    names.sort_by_key(|(s, _, _)| (s.start, s.end));
    names.dedup_by_key(|(s, _, _)| s.start);
    let mut data = Vec::with_capacity(names.len());
    let (mut line, mut start) = (0, 0);
    for (span, token_type, token_modifiers_bitset) in names {
        let range = analysis.range(span, encoding);
        // A token is on one line; a name never spans two.
        if range.start.line != range.end.line {
            continue;
        }
        let delta_line = range.start.line.saturating_sub(line);
        let delta_start = if delta_line == 0 {
            range.start.character.saturating_sub(start)
        } else {
            range.start.character
        };
        data.push(SemanticToken {
            delta_line,
            delta_start,
            length: range.end.character.saturating_sub(range.start.character),
            token_type,
            token_modifiers_bitset,
        });
        (line, start) = (range.start.line, range.start.character);
    }
    SemanticTokens {
        result_id: None,
        data,
    }
}

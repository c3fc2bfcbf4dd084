//! `textDocument/signatureHelp`: inside the parentheses of a call, the
//! function's signature, its doc, and which argument the cursor is at.
//!
//! The call is found in the text before the cursor, not in the index: while
//! an argument is being typed the call does not parse yet.

use lsp_types::{
    Documentation, MarkupContent, MarkupKind, ParameterInformation, ParameterLabel, SignatureHelp,
    SignatureInformation,
};

use super::analysis::Analysis;
use crate::check::call::builtin_functions;
use crate::model::index::SymbolKind;

/// The signature of the call whose parentheses hold the end of `before`.
pub fn signature_help(analysis: &Analysis, before: &str) -> Option<SignatureHelp> {
    let (name, argument) = open_call(before)?;
    let pack_function = analysis
        .index
        .symbols
        .iter()
        .find(|s| s.kind == SymbolKind::Function && s.name == name);
    let (label, doc, parameters) = match pack_function {
        Some(f) => {
            let signature = f.signature.clone().unwrap_or_else(|| format!("{name}(…)"));
            let parameters = parameter_ranges(&signature);
            (signature, f.doc.clone(), parameters)
        }
        None => {
            let (_, signature) = builtin_functions().iter().find(|(n, _)| *n == name)?;
            let parameters = parameter_ranges(signature);
            (signature.to_string(), None, parameters)
        }
    };
    let count = parameters.len();
    let parameters = parameters
        .into_iter()
        .map(|(start, end)| ParameterInformation {
            label: ParameterLabel::LabelOffsets([start, end]),
            documentation: None,
        })
        .collect();
    Some(SignatureHelp {
        signatures: vec![SignatureInformation {
            label,
            documentation: doc.map(|value| {
                Documentation::MarkupContent(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value,
                })
            }),
            parameters: Some(parameters),
            active_parameter: None,
        }],
        active_signature: Some(0),
        active_parameter: u32::try_from(argument.min(count.saturating_sub(1))).ok(),
    })
}

/// The name of the innermost call left open at the end of `text`, and the
/// index of the argument being written (commas at its own depth, outside
/// strings). `None` when the end is in no call's parentheses.
fn open_call(text: &str) -> Option<(&str, usize)> {
    // The open brackets, innermost last: where each opened, and for a `(`
    // the commas seen at its depth.
    let mut open: Vec<(char, usize, usize)> = Vec::new();
    let mut in_string = false;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' if in_string => {
                chars.next();
            }
            '"' => in_string = !in_string,
            _ if in_string => {}
            '/' if chars.peek().is_some_and(|(_, n)| *n == '/') => {
                // A comment: to the end of its line.
                for (_, n) in chars.by_ref() {
                    if n == '\n' {
                        break;
                    }
                }
            }
            '(' | '[' | '{' => open.push((c, i, 0)),
            ')' | ']' | '}' => {
                open.pop();
            }
            ',' => {
                if let Some(last) = open.last_mut() {
                    last.2 += 1;
                }
            }
            _ => {}
        }
    }
    let &(bracket, at, commas) = open.last()?;
    if bracket != '(' {
        return None;
    }
    let head = text.get(..at)?.trim_end();
    let start = head
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_alphanumeric() || *c == '_')
        .last()
        .map(|(i, _)| i)?;
    let name = head.get(start..)?;
    Some((name, commas))
}

/// The byte ranges of each parameter in a signature's label, `f(a, b): T`
/// or `f(a, b) -> T`: the text between the parentheses split at commas of
/// depth one.
fn parameter_ranges(signature: &str) -> Vec<(u32, u32)> {
    let Some(open) = signature.find('(') else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut depth = 0;
    let mut start = open + 1;
    for (i, c) in signature.char_indices().skip_while(|(i, _)| *i <= open) {
        match c {
            '(' | '[' => depth += 1,
            ']' => depth -= 1,
            ')' if depth == 0 => {
                if i > start {
                    out.push((start, i));
                }
                break;
            }
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push((start, i));
                start = i + 2;
            }
            _ => {}
        }
    }
    let utf16 = |byte: usize| {
        let text = signature.get(..byte).unwrap_or("");
        u32::try_from(text.encode_utf16().count()).unwrap_or(u32::MAX)
    };
    out.into_iter().map(|(s, e)| (utf16(s), utf16(e))).collect()
}

#[cfg(test)]
mod tests {
    use super::{open_call, parameter_ranges};

    #[test]
    fn the_open_call_and_its_argument_are_found() {
        assert_eq!(
            open_call("require starts_with(s.id, "),
            Some(("starts_with", 1))
        );
        assert_eq!(open_call("require len("), Some(("len", 0)));
        assert_eq!(open_call("f(a, g(b, c), "), Some(("f", 2)));
        assert_eq!(open_call("f(a, \"x, (y\", "), Some(("f", 2)));
        assert_eq!(open_call("f(a) and "), None);
        assert_eq!(open_call("xs[f(a)"), None);
        assert_eq!(open_call("// f(\nrequire "), None);
    }

    #[test]
    fn parameters_are_located_in_the_label() {
        let label = "join([string], separator) -> string";
        let ranges = parameter_ranges(label);
        let texts: Vec<&str> = ranges
            .iter()
            .map(|&(s, e)| &label[s as usize..e as usize])
            .collect();
        assert_eq!(texts, ["[string]", "separator"]);
        assert!(parameter_ranges("today() -> date").is_empty());
        let label = "catalog_key(offer_id: string, n: [string: int]): string";
        let texts: Vec<String> = parameter_ranges(label)
            .iter()
            .map(|&(s, e)| label[s as usize..e as usize].to_string())
            .collect();
        assert_eq!(texts, ["offer_id: string", "n: [string: int]"]);
    }
}

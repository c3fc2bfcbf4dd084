//! Reading input files whole: bytes to text, and the diagnostics of files that
//! cannot be read or parsed.

use super::*;

/// Reads an input file (or standard input) as UTF-8 text.
pub(super) fn read_input(input: &Input) -> Result<(String, String), Unreadable> {
    let (name, bytes) = read_bytes(input)?;
    decode_input(name, bytes)
}

/// Reads the bytes of an input file (or standard input).
pub(super) fn read_bytes(input: &Input) -> Result<(String, Vec<u8>), Unreadable> {
    let (name, bytes) = match input {
        Input::Stdin(_) => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .lock()
                .take(MAX_DATA_FILE_BYTES + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| {
                    Diagnostic::error(
                        Code::Io,
                        format!("cannot read standard input: {}", crate::pack::io_reason(&e)),
                    )
                })?;
            ("<stdin>".to_string(), bytes)
        }
        Input::Memory { name, bytes, .. } => (name.clone(), bytes.clone()),
        Input::File(path) => {
            let name = path.display().to_string();
            let bytes = std::fs::read(path).map_err(|e| {
                Diagnostic::error(
                    Code::Io,
                    format!("cannot read `{name}`: {}", crate::pack::io_reason(&e)),
                )
            })?;
            (name, bytes)
        }
    };
    Ok((name, bytes))
}

/// The text of an input read whole, or why it cannot be used.
pub(super) fn decode_input(name: String, bytes: Vec<u8>) -> Result<(String, String), Unreadable> {
    if bytes.len() as u64 > MAX_DATA_FILE_BYTES {
        return Err(Unreadable::from(
            Diagnostic::error(Code::Limit, format!("`{name}` is larger than 4 GiB"))
                .help("split the batch into several files"),
        ));
    }
    match crate::source::decode_text(bytes) {
        crate::source::Decoded::Text(text) => Ok((name, text)),
        crate::source::Decoded::Utf16 => Err(Unreadable::from(
            Diagnostic::error(Code::Data, format!("`{name}` is UTF-16 text"))
                .help("save the file as UTF-8"),
        )),
        crate::source::Decoded::Invalid { lossy, offset } => Err(Unreadable {
            diagnostic: Diagnostic::error(Code::Data, format!("`{name}` is not UTF-8 text"))
                .help("save the file as UTF-8"),
            text: Some(Box::new((name, lossy, offset))),
        }),
    }
}

/// Why an input or data file could not be read; for a file that is not UTF-8,
/// its text with the bad bytes replaced, so the error can show where.
pub(super) struct Unreadable {
    diagnostic: Diagnostic,
    /// The file's name, its text with bad bytes replaced, the first bad byte.
    text: Option<Box<(String, String, usize)>>,
}

impl From<Diagnostic> for Unreadable {
    fn from(diagnostic: Diagnostic) -> Unreadable {
        Unreadable {
            diagnostic,
            text: None,
        }
    }
}

impl Unreadable {
    /// The diagnostic, pointing at the first bad byte when there is one (its
    /// file is added to `sources`).
    pub(super) fn into_diagnostic(self, sources: &mut Sources) -> Diagnostic {
        match self.text.map(|t| *t) {
            Some((name, lossy, offset)) => {
                let file = sources.add(name, lossy);
                self.diagnostic.label(
                    crate::source::replacement_span(file, offset),
                    "the first byte that is not UTF-8",
                )
            }
            None => self.diagnostic,
        }
    }
}

pub(super) fn load_error(e: &LoadError, file: FileId) -> Diagnostic {
    let span = Span::new(file, e.start as usize, e.end as usize);
    let mut d = Diagnostic::error(Code::Data, e.message.clone());
    d = d.label(span, e.label.clone().unwrap_or_else(|| "here".to_string()));
    if let Some((start, end, text)) = &e.other {
        d = d.label(
            Span::new(file, *start as usize, *end as usize),
            text.clone(),
        );
    }
    d.maybe_help(e.help.clone())
}

/// Whether text that failed to parse as JSON looks like YAML.
pub(super) fn looks_like_yaml(text: &str) -> bool {
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    first.starts_with('#') || first.starts_with("---") || first.starts_with("- ") || {
        let key = first.split(": ").next().unwrap_or("");
        first.contains(": ") && !key.starts_with('{') && !key.starts_with('"')
    }
}

//! Reading inputs and data files: where documents come from ([`Input`]), the
//! bytes of a file or standard input, and their text, or why there is none
//! (unreadable, too large, not UTF-8: [`Unreadable`]).
//!
//! Files read whole come through here; JSON Lines and top-level JSON arrays
//! are read as streams ([`super::jsonl`], [`super::array_stream`]).

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;

use super::array_stream::{sniff, starts_array};
use super::format::Format;
use super::hashing::{self, DigestSlot, HashingReader};
use super::node::LoadError;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::digest::Sha256Hex;
use crate::source::{Decoded, FileId, Sources, Span, decode_text, io_reason, replacement_span};

/// Largest input or data file read: offsets in spans are 32-bit.
pub const MAX_DATA_FILE_BYTES: u64 = u32::MAX as u64;

/// Where documents come from.
#[derive(Debug, Clone)]
pub enum Input {
    /// A file; its format from its extension.
    File(PathBuf),
    /// Standard input, in the given format.
    Stdin(Format),
    /// Bytes already in memory, named `name` in reports: for programs that embed
    /// preflight (and its fuzz targets), which should not need a file.
    Memory {
        /// The name reports give the input.
        name: String,
        /// The raw bytes, decoded like a file's.
        bytes: Vec<u8>,
        /// Their format.
        format: Format,
    },
}

impl Input {
    /// The name reports give the input: the path as given, `<stdin>`, or the
    /// name given to bytes in memory.
    pub fn name(&self) -> String {
        match self {
            Input::File(path) => path.display().to_string(),
            Input::Stdin(_) => "<stdin>".to_string(),
            Input::Memory { name, .. } => name.clone(),
        }
    }

    /// Why the input cannot be read, in words.
    fn cannot_read(&self, e: &std::io::Error) -> Diagnostic {
        let what = match self {
            Input::Stdin(_) => "standard input".to_string(),
            _ => format!("`{}`", self.name()),
        };
        Diagnostic::error(Code::Io, format!("cannot read {what}: {}", io_reason(e)))
    }

    /// The format of this input: its own (standard input and bytes in memory carry
    /// one), else what its name says, else `fallback`; a usage error when none of
    /// them says it.
    pub fn format(&self, fallback: Option<Format>) -> Result<Format, Diagnostic> {
        match self {
            Input::Stdin(f) | Input::Memory { format: f, .. } => Ok(*f),
            Input::File(path) => Format::from_path(path).or(fallback).ok_or_else(|| {
                Diagnostic::error(
                    Code::Usage,
                    format!(
                        "`{}`: the file name does not say its format",
                        path.display()
                    ),
                )
                .help(
                    "name it `.json`, `.yaml`, `.yml`, `.jsonl` or `.ndjson`, or give `--input-format`",
                )
            }),
        }
    }
}

/// Reads an input file (or standard input) as UTF-8 text.
pub fn read_input(input: &Input) -> Result<(String, String), Unreadable> {
    read_input_hashed(input, None)
}

/// Reads an input as UTF-8 text, leaving the SHA-256 of its bytes in `slot`
/// when one is given (even when the bytes are not text).
pub fn read_input_hashed(
    input: &Input,
    slot: Option<&DigestSlot>,
) -> Result<(String, String), Unreadable> {
    let (name, bytes) = read_bytes(input)?;
    if let Some(slot) = slot {
        hashing::fill(slot, Sha256Hex::of(&bytes));
    }
    decode_input(name, bytes)
}

/// Reads the bytes of an input file (or standard input).
pub fn read_bytes(input: &Input) -> Result<(String, Vec<u8>), Unreadable> {
    let bytes = match input {
        Input::Stdin(_) => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .lock()
                .take(MAX_DATA_FILE_BYTES + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| input.cannot_read(&e))?;
            bytes
        }
        Input::Memory { bytes, .. } => bytes.clone(),
        Input::File(path) => std::fs::read(path).map_err(|e| input.cannot_read(&e))?,
    };
    Ok((input.name(), bytes))
}

/// A JSON input, opened: a top-level array, to read as a stream, or anything
/// else, read whole.
pub enum JsonInput<'a> {
    /// An array: the input's name, and its bytes from the first.
    Array(String, Box<dyn Read + Send + 'a>),
    /// Not an array: the name and text, or why there are none.
    Whole(Result<(String, String), Unreadable>),
}

/// Opens a JSON input and looks at its first bytes to see whether its top
/// level is an array; those bytes are read again, with the rest, either way.
/// With a `slot`, the SHA-256 of the input's bytes is left there once the
/// reader returned is dropped (or at once, for an input read whole).
pub fn open_json<'a>(input: &'a Input, slot: Option<&DigestSlot>) -> JsonInput<'a> {
    let cannot_read = |e: &std::io::Error| JsonInput::Whole(Err(input.cannot_read(e).into()));
    let name = input.name();
    let raw: Box<dyn Read + Send> = match input {
        Input::Memory { bytes, .. } => {
            if starts_array(bytes) == Some(true) {
                return JsonInput::Array(name, hashed(Box::new(bytes.as_slice()), slot));
            }
            return JsonInput::Whole(read_input_hashed(input, slot));
        }
        Input::File(path) => match std::fs::File::open(path) {
            Ok(file) => Box::new(file),
            Err(e) => return cannot_read(&e),
        },
        Input::Stdin(_) => Box::new(std::io::stdin()),
    };
    let rest = hashed(raw, slot);
    let mut rest = std::io::BufReader::with_capacity(1 << 16, rest);
    let head = match sniff(&mut rest) {
        Ok((sniffed, true)) => {
            let reader = std::io::Cursor::new(sniffed).chain(rest);
            return JsonInput::Array(name, Box::new(reader));
        }
        Ok((sniffed, _)) => sniffed,
        Err(e) => return cannot_read(&e),
    };
    let mut bytes = head;
    let limit = (MAX_DATA_FILE_BYTES + 1).saturating_sub(bytes.len() as u64);
    if let Err(e) = rest.by_ref().take(limit).read_to_end(&mut bytes) {
        return cannot_read(&e);
    }
    // The hashing reader leaves its digest when dropped.
    drop(rest);
    JsonInput::Whole(decode_input(name, bytes))
}

/// The reader, hashing what it reads when there is a slot for the digest.
fn hashed<'a>(
    raw: Box<dyn Read + Send + 'a>,
    slot: Option<&DigestSlot>,
) -> Box<dyn Read + Send + 'a> {
    match slot {
        Some(slot) => Box::new(HashingReader::new(raw, slot.clone())),
        None => raw,
    }
}

/// Opens a JSON Lines input for reading line by line: its name and a buffered
/// reader, or why it cannot be opened. With a `slot`, the SHA-256 of the
/// input's bytes is left there once the reader is dropped.
pub fn open_jsonl<'a>(
    input: &'a Input,
    slot: Option<&DigestSlot>,
) -> Result<(String, Box<dyn BufRead + Send + 'a>), Diagnostic> {
    let raw: Box<dyn Read + Send> = match input {
        Input::File(path) => match std::fs::File::open(path) {
            Ok(file) => Box::new(file),
            Err(e) => return Err(input.cannot_read(&e)),
        },
        Input::Stdin(_) => Box::new(std::io::stdin()),
        Input::Memory { bytes, .. } => Box::new(bytes.as_slice()),
    };
    let reader = BufReader::with_capacity(1 << 20, hashed(raw, slot));
    Ok((input.name(), Box::new(reader)))
}

/// The text of an input read whole, or why it cannot be used.
pub fn decode_input(name: String, bytes: Vec<u8>) -> Result<(String, String), Unreadable> {
    if bytes.len() as u64 > MAX_DATA_FILE_BYTES {
        return Err(Unreadable::from(
            Diagnostic::error(Code::Limit, format!("`{name}` is larger than 4 GiB"))
                .help("split the batch into several files"),
        ));
    }
    match decode_text(bytes) {
        Decoded::Text(text) => Ok((name, text)),
        Decoded::Utf16 => Err(Unreadable::from(
            Diagnostic::error(Code::Data, format!("`{name}` is UTF-16 text"))
                .help("save the file as UTF-8"),
        )),
        Decoded::Invalid { lossy, offset } => Err(Unreadable {
            diagnostic: Diagnostic::error(Code::Data, format!("`{name}` is not UTF-8 text"))
                .help("save the file as UTF-8"),
            text: Some(Box::new((name, lossy, offset))),
        }),
    }
}

/// Why an input or data file could not be read; for a file that is not UTF-8,
/// its text with the bad bytes replaced, so the error can show where.
pub struct Unreadable {
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
    pub fn into_diagnostic(self, sources: &mut Sources) -> Diagnostic {
        match self.text.map(|t| *t) {
            Some((name, lossy, offset)) => {
                let file = sources.add(name, lossy);
                self.diagnostic.label(
                    replacement_span(file, offset),
                    "the first byte that is not UTF-8",
                )
            }
            None => self.diagnostic,
        }
    }
}

/// Whether text that failed to parse as JSON looks like YAML.
pub fn looks_like_yaml(text: &str) -> bool {
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

/// The diagnostic of a document or data file that does not parse.
pub fn load_error(e: &LoadError, file: FileId) -> Diagnostic {
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

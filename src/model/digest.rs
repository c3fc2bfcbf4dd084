//! SHA-256 digests for provenance (signoff.md §3): the pack digest, which
//! tells a change board which version of the policy and its data said "go",
//! and the digest of each input file.
//!
//! The pack digest must be the same on every machine for the same content, so
//! it is computed over a canonical form that leaves out everything a checkout
//! can change without changing the content:
//!
//! - each file is named by its path relative to its pack (`offers.policy`,
//!   `catalog.yaml`), with `/` as the separator, or by its file name for a
//!   `--data` file; never by an absolute path;
//! - each text has its line endings normalised to `\n` (`\r\n` and a lone `\r`
//!   both become `\n`);
//! - files are taken in byte order of that name (then of content, should two
//!   packs of one run hold a file of the same name), whatever order the file
//!   system lists them in;
//! - the SHA-256 is of the bytes `preflight-pack-digest-v1\n`, then for each
//!   file its name, a NUL byte, the byte length of its normalised text in
//!   decimal, a NUL byte, and the normalised text. The lengths make the
//!   encoding unambiguous: no two different packs give the same bytes.
//!
//! Params are not part of it (reports list them beside it).

use std::fmt;

use sha2::{Digest, Sha256};

/// The SHA-256 of a pack's policy files and the data files in effect, in the
/// canonical form this module describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PackDigest(pub Sha256Hex);

/// A SHA-256 value, shown as `sha256:` and 64 lowercase hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Sha256Hex(pub [u8; 32]);

/// The label of the canonical form, hashed first: a later change of the form
/// changes every digest rather than colliding with an old one.
const FORM: &[u8] = b"preflight-pack-digest-v1\n";

impl PackDigest {
    /// The digest of these `(name, text)` files.
    pub fn of<N: AsRef<str>, T: AsRef<str>>(files: impl IntoIterator<Item = (N, T)>) -> PackDigest {
        let mut files: Vec<(String, String)> = files
            .into_iter()
            .map(|(n, t)| (n.as_ref().replace('\\', "/"), normalise(t.as_ref())))
            .collect();
        files.sort_unstable_by(|a, b| {
            (a.0.as_bytes(), a.1.as_bytes()).cmp(&(b.0.as_bytes(), b.1.as_bytes()))
        });
        let mut hasher = Sha256::new();
        hasher.update(FORM);
        for (name, text) in &files {
            hasher.update(name.as_bytes());
            hasher.update([0]);
            hasher.update(text.len().to_string().as_bytes());
            hasher.update([0]);
            hasher.update(text.as_bytes());
        }
        PackDigest(Sha256Hex(hasher.finalize().into()))
    }
}

impl Sha256Hex {
    /// The SHA-256 of these bytes.
    pub fn of(bytes: &[u8]) -> Sha256Hex {
        Sha256Hex(Sha256::digest(bytes).into())
    }

    /// The 64 hex digits alone, as the JSON form's `sha256` fields give them.
    pub fn hex(&self) -> String {
        use fmt::Write;
        let mut out = String::with_capacity(64);
        for b in self.0 {
            let _ = write!(out, "{b:02x}");
        }
        out
    }
}

impl fmt::Display for Sha256Hex {
    /// `sha256:` and the hex digits: how the pack digest is printed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sha256:{}", self.hex())
    }
}

impl fmt::Display for PackDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A SHA-256 computed a piece at a time, for an input read as a stream.
#[derive(Debug, Clone, Default)]
pub struct StreamDigest(Sha256);

impl StreamDigest {
    /// Adds the next bytes.
    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    /// The digest of every byte added.
    pub fn finish(self) -> Sha256Hex {
        Sha256Hex(self.0.finalize().into())
    }
}

/// The text with `\r\n` and lone `\r` turned into `\n`.
fn normalise(text: &str) -> String {
    if !text.contains('\r') {
        return text.to_string();
    }
    text.replace("\r\n", "\n").replace('\r', "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_known_text() {
        // The SHA-256 of "abc" (FIPS 180-2, appendix B.1).
        assert_eq!(
            Sha256Hex::of(b"abc").hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn line_endings_and_order_do_not_change_the_digest() {
        let lf = PackDigest::of([("a.policy", "x\ny\n"), ("b.yaml", "k: v\n")]);
        let crlf = PackDigest::of([("b.yaml", "k: v\r\n"), ("a.policy", "x\r\ny\r")]);
        assert_eq!(lf, crlf);
        let windows = PackDigest::of([("b.yaml", "k: v\n"), ("a.policy", "x\ny\n")]);
        assert_eq!(lf, windows);
    }

    #[test]
    fn content_and_names_change_the_digest() {
        let base = PackDigest::of([("a.policy", "x\n"), ("b.yaml", "k: v\n")]);
        assert_ne!(
            base,
            PackDigest::of([("a.policy", "x\n"), ("b.yaml", "k: w\n")])
        );
        assert_ne!(
            base,
            PackDigest::of([("a.policy", "x\n"), ("c.yaml", "k: v\n")])
        );
        // Moving bytes from one file to the next is a different pack.
        assert_ne!(
            PackDigest::of([("a", "xy"), ("b", "z")]),
            PackDigest::of([("a", "x"), ("b", "yz")])
        );
    }

    #[test]
    fn the_canonical_form_is_fixed() {
        // Pinned: a change of this value is a change of the documented form,
        // which must then get a new label.
        let d = PackDigest::of([("a.policy", "rule r {}\n"), ("catalog.yaml", "[]\n")]);
        assert_eq!(d.to_string().len(), "sha256:".len() + 64);
        assert_eq!(d.to_string(), PINNED);
    }

    const PINNED: &str = "sha256:00464aae160e6a5494744a0eecd2985e1ead63dc8445b32b46f6bcdb028f2f9e";
}

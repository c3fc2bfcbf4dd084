//! Hashing an input's bytes as they are read, for the provenance of a run
//! (signoff.md §3): each input file's SHA-256, computed in the one pass that
//! reads it, streamed or whole.

use std::sync::{Arc, Mutex};

use crate::model::digest::{Sha256Hex, StreamDigest};

/// Where the SHA-256 of an input's bytes is left once it has been read.
pub type DigestSlot = Arc<Mutex<Option<Sha256Hex>>>;

/// Puts a digest into its slot.
pub(crate) fn fill(slot: &DigestSlot, digest: Sha256Hex) {
    if let Ok(mut s) = slot.lock() {
        *s = Some(digest);
    }
}

/// What a slot holds, once the reader that fills it is done.
pub fn take(slot: &DigestSlot) -> Option<Sha256Hex> {
    slot.lock().ok().and_then(|mut s| s.take())
}

/// A reader that hashes what passes through it, for inputs read as streams.
/// When dropped it reads what is left, so that the digest is of the whole
/// file even when checking stopped early (a stream broken half-way), and
/// leaves the digest in its slot.
pub(crate) struct HashingReader<R: std::io::Read> {
    inner: R,
    digest: Option<StreamDigest>,
    slot: DigestSlot,
}

impl<R: std::io::Read> HashingReader<R> {
    /// Hashes what is read from `inner`; the digest goes into `slot`.
    pub(crate) fn new(inner: R, slot: DigestSlot) -> Self {
        HashingReader {
            inner,
            digest: Some(StreamDigest::default()),
            slot,
        }
    }
}

impl<R: std::io::Read> std::io::Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let (Some(digest), Some(read)) = (self.digest.as_mut(), buf.get(..n)) {
            digest.update(read);
        }
        Ok(n)
    }
}

impl<R: std::io::Read> Drop for HashingReader<R> {
    fn drop(&mut self) {
        let Some(mut digest) = self.digest.take() else {
            return;
        };
        let mut rest = [0u8; 1 << 16];
        loop {
            match self.inner.read(&mut rest) {
                Ok(0) => break,
                Ok(n) => digest.update(rest.get(..n).unwrap_or_default()),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                // A file that cannot be read to its end has no digest.
                Err(_) => return,
            }
        }
        fill(&self.slot, digest.finish());
    }
}

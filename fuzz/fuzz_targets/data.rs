//! Arbitrary bytes → load and conform as JSON, YAML and JSON Lines against the
//! default CSP pack, evaluate what conforms, and render every output form.
//!
//! Properties: nothing panics; every document read is either evaluated or
//! reported (no document is lost); a run of the same bytes is deterministic.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use preflight::data::load::Format;
use preflight::pack::Pack;

mod common;

fn pack() -> &'static Pack {
    static PACK: OnceLock<Pack> = OnceLock::new();
    PACK.get_or_init(Pack::embedded)
}

fuzz_target!(|bytes: &[u8]| {
    let pack = pack();
    let Some(program) = pack.program.as_ref() else {
        return;
    };
    for (format, name) in [
        (Format::Json, "fuzz.json"),
        (Format::Yaml, "fuzz.yaml"),
        (Format::Jsonl, "fuzz.jsonl"),
    ] {
        let checked = common::check_bytes(pack, bytes, format, name);
        for doc in &checked.documents {
            assert!(
                doc.evaluated
                    || checked
                        .errors
                        .iter()
                        .any(|e| e.document.as_deref() == Some(doc.name.as_str())),
                "{} was neither evaluated nor reported",
                doc.name
            );
        }
        let first = common::render_checked(&checked, program);
        let again = common::render_checked(&common::check_bytes(pack, bytes, format, name), program);
        assert_eq!(first, again, "the same input gives the same report");
    }
});

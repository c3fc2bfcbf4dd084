//! Arbitrary bytes → load and conform as JSON, YAML and JSON Lines against the
//! default CSP pack, evaluate what conforms, and render every output form.
//!
//! Properties: nothing panics; every document read is either evaluated or
//! reported (no document is lost); a run of the same bytes is deterministic.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use preflight::data::format::Format;
use preflight::pack::Pack;

mod common;

fn pack() -> &'static Pack {
    static PACK: OnceLock<Pack> = OnceLock::new();
    PACK.get_or_init(Pack::embedded)
}

/// A small catalog (loading the whole default one for every input would be most
/// of the time spent): offers of the examples, a discontinued one, an add-on.
const CATALOG: &str = r#"offers:
  "796B6B5F-613C-4E24-A17C-EBA730D49C02": {name: E3, discontinued: false, equivalents: ["CFQ7TTC0LF8R:0001"], min_quantity: 1}
  "CFQ7TTC0LF8R:0001": {name: E3, discontinued: false, equivalents: ["796B6B5F-613C-4E24-A17C-EBA730D49C02"], max_quantity: 300}
  "LEGACY-O365-E4": {name: E4, discontinued: true, equivalents: ["CFQ7TTC0LF8R:0001"]}
  "ADDON": {name: Add-on, discontinued: false, equivalents: [], add_on: true}
"#;

fn catalog() -> &'static std::path::Path {
    static PATH: OnceLock<std::path::PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let path = std::env::temp_dir().join(format!(
            "preflight-fuzz-catalog-{}.yaml",
            std::process::id()
        ));
        let _ = std::fs::write(&path, CATALOG);
        path
    })
}

fuzz_target!(|bytes: &[u8]| {
    let pack = pack();
    let Some(program) = pack.program.as_ref() else {
        return;
    };
    // The first byte picks the format, the rest is the input.
    let Some((&selector, bytes)) = bytes.split_first() else {
        return;
    };
    let (format, name) = match selector % 3 {
        0 => (Format::Json, "fuzz.json"),
        1 => (Format::Yaml, "fuzz.yaml"),
        _ => (Format::Jsonl, "fuzz.jsonl"),
    };
    let data = [("catalog".to_string(), catalog().to_path_buf())];
    let checked = common::check_bytes(pack, bytes, format, name, &data);
    if let Some(doc) = checked.unaccounted().next() {
        panic!("{} was neither evaluated nor reported", doc.name);
    }
    let first = common::render_checked(&checked, program);
    let again = common::check_bytes(pack, bytes, format, name, &data);
    assert_eq!(
        first,
        common::render_checked(&again, program),
        "the same input gives the same report"
    );
});

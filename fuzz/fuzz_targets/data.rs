//! Arbitrary bytes → load and conform as JSON, YAML and JSON Lines against the
//! default CSP pack, or (by a bit of the selector) against a small pack of
//! open records with a quoted field, datetimes and optional fields (so that
//! ignored keys, near-miss warnings and datetime conformance are fuzzed too),
//! evaluate what conforms, and render every output form.
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

/// A pack over other systems' payloads: open records, a quoted field,
/// datetimes, optional fields a near miss can shadow.
const OPEN_PACK: &str = r#"
record Line { id: int, subscriptionId: string, quantity: int, "@odata.type": string?, ..}
record Sub { id: string, friendlyName: string?, quantity: int, autoRenewEnabled: bool?, commitmentEndDate: datetime?, .. }
record Case { lines: [Line], subs: [Sub], created: datetime, .. }
input c: Case
param cutoff: datetime = datetime("2026-05-01T00:00:00Z")
fn by_id(c2: Case): [string: Sub] = map(lower(s.id): s for s in c2.subs)
rule whole {
  for l in c.lines
  let subs = by_id(c)
  when lower(l.subscriptionId) in subs
  require l.quantity == subs[lower(l.subscriptionId)].quantity
  message "{l.subscriptionId}: {l.quantity} of {subs[lower(l.subscriptionId)].quantity} ({l["@odata.type"] ?? "-"})"
}
rule ends-later {
  for s in c.subs
  when s has commitmentEndDate
  require hours_between(c.created, s.commitmentEndDate) >= 24 and s.commitmentEndDate > cutoff
  message "{s.friendlyName ?? s.id} ends at {s.commitmentEndDate}"
}
"#;

fn open_pack() -> &'static Pack {
    static PACK: OnceLock<Pack> = OnceLock::new();
    PACK.get_or_init(|| Pack::from_texts([("open.policy", OPEN_PACK)]))
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
    // The first byte picks the format (its value modulo 3) and the pack (its
    // top bit); the rest is the input.
    let Some((&selector, bytes)) = bytes.split_first() else {
        return;
    };
    let open = selector & 0x80 != 0;
    let pack = if open { open_pack() } else { pack() };
    let Some(program) = pack.program.as_ref() else {
        panic!("the fuzz target's pack loads");
    };
    let (format, name) = match selector % 3 {
        0 => (Format::Json, "fuzz.json"),
        1 => (Format::Yaml, "fuzz.yaml"),
        _ => (Format::Jsonl, "fuzz.jsonl"),
    };
    let data = if open {
        Vec::new()
    } else {
        vec![("catalog".to_string(), catalog().to_path_buf())]
    };
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

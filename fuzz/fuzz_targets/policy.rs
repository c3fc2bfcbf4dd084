//! Policy text → parse, check, report, and (for a pack that loads) format.
//!
//! Properties: nothing panics or overflows the stack; a pack that loads formats
//! to a text that loads too, and formatting is idempotent.

#![no_main]

use libfuzzer_sys::fuzz_target;
use preflight::pack::Pack;

mod common;

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let pack = Pack::from_texts([("fuzz.policy", text)]);
    common::render_pack(&pack);
    if let Some(program) = pack.program.as_ref() {
        let _ = preflight::report::rules::table(program, &pack.sources);
        let _ = preflight::report::json_schema::input_schema(program);
        for rule in &program.rules {
            let _ = preflight::report::rules::explain(program, &pack.sources, &rule.id);
        }
    }
    if let Ok(formatted) = preflight::format::format_source("fuzz.policy", text) {
        let again = preflight::format::format_source("fuzz.policy", &formatted);
        assert_eq!(
            again.as_deref().ok(),
            Some(formatted.as_str()),
            "formatting is idempotent"
        );
        if pack.is_ok() {
            let reloaded = Pack::from_texts([("fuzz.policy", formatted.as_str())]);
            assert!(
                reloaded.is_ok(),
                "a formatted pack still loads: {:?}",
                reloaded.diagnostics
            );
        }
    }
});

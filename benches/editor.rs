//! What `preflight lsp` does after a keystroke: check the pack of the
//! changed file again, with the editor's buffer in place of the file, and
//! record every name and use for hover, definition and completion.
//!
//! The pack has 20 files: the default pack's six (schema and five rule
//! files) and 14 more, each a copy of its offer rules under other ids.
//! Run: `cargo bench -p preflight-benches --bench editor` (benches/README.md).

use std::collections::HashMap;
use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};
use preflight::lsp::analysis::{Analysis, Buffer, PackKey};

/// Writes the 20-file pack into a fresh directory and returns it.
fn twenty_files() -> PathBuf {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("../policies/csp");
    let dir = std::env::temp_dir().join(format!("preflight-bench-editor-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut offers = String::new();
    for entry in std::fs::read_dir(&source).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "policy") {
            let text = std::fs::read_to_string(&path).unwrap();
            if path.file_name().unwrap() == "offers.policy" {
                offers = text.clone();
            }
            std::fs::write(dir.join(path.file_name().unwrap()), text).unwrap();
        }
    }
    for n in 0..14 {
        let copy = offers
            .replace("sold_equivalents", &format!("sold_equivalents_{n}"))
            .lines()
            .map(|l| match l.strip_prefix("rule ") {
                Some(rest) => format!("rule copy{n}-{rest}"),
                None => l.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n");
        std::fs::write(dir.join(format!("offers-{n:02}.policy")), copy).unwrap();
    }
    let count = std::fs::read_dir(&dir).unwrap().count();
    assert_eq!(count, 20, "the pack has 20 files");
    dir
}

fn editor(c: &mut Criterion) {
    let dir = twenty_files();
    let name = dir.join("offers.policy").display().to_string();
    let text = std::fs::read_to_string(&name).unwrap();
    let key = PackKey::Dir(dir.clone());
    let uri = format!("file://{name}");
    // The buffer after a keystroke: a letter added inside a message.
    let typed = text.replacen("names offers", "names offerrs", 1);
    let buffers = HashMap::from([(name.clone(), Buffer { text: typed, uri })]);
    let check = Analysis::of(&key, &buffers);
    assert!(
        check.pack.diagnostics.is_empty(),
        "the bench pack is clean: {:?}",
        check.pack.diagnostics.first()
    );
    let mut group = c.benchmark_group("editor");
    group.bench_function("recheck-20-files", |b| {
        b.iter(|| Analysis::of(black_box(&key), black_box(&buffers)))
    });
    // The same pack loaded as `validate -p DIR` loads it, without an index:
    // what recording names and uses costs.
    group.bench_function("validate-20-files", |b| {
        b.iter(|| preflight::pack::Pack::load(black_box(std::slice::from_ref(&dir))))
    });
    group.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, editor);
criterion_main!(benches);

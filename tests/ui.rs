//! UI tests: every diagnostic the front end can emit, rendered as users see it.
//!
//! Each case under `tests/ui/` is a pack: a single `.policy` file, or a directory
//! whose name ends in `.pack` holding several. Cases under `tests/ui/valid/` must
//! load with no diagnostic at all; every other case must produce at least one, and
//! its rendering (no colour, 100 columns) is compared with the insta snapshot
//! beside it (`NAME.snap`). Review changes with `cargo insta review`, or accept
//! them with `INSTA_UPDATE=always cargo test --test ui`.

use std::path::{Path, PathBuf};

use preflight::diagnostic::render_plain;
use preflight::pack::Pack;

/// Every case: `.policy` files and `.pack` directories, in a stable order.
fn cases(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let is_pack = path.extension().is_some_and(|e| e == "pack");
        if path.is_dir() && !is_pack {
            cases(&path, out);
        } else if is_pack || path.extension().is_some_and(|e| e == "policy") {
            out.push(path);
        }
    }
}

fn load(case: &Path) -> Pack {
    let mut pack = Pack::load(&[case.to_path_buf()]);
    pack.check_default_data_files();
    pack
}

/// Every `.snap` file under `dir`.
fn snapshots(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            snapshots(&path, out);
        } else if path.extension().is_some_and(|e| e == "snap") {
            out.push(path);
        }
    }
}

#[test]
fn every_snapshot_has_its_case() {
    let mut snaps = Vec::new();
    snapshots(Path::new("tests/ui"), &mut snaps);
    for snap in snaps {
        let policy = snap.with_extension("policy");
        let pack = snap.with_extension("pack");
        assert!(
            policy.is_file() || pack.is_dir(),
            "{} has no case; delete it",
            snap.display()
        );
    }
}

#[test]
fn ui() {
    let root = Path::new("tests/ui");
    let mut all = Vec::new();
    cases(root, &mut all);
    assert!(
        all.len() >= 40,
        "expected at least 40 UI cases, found {}",
        all.len()
    );
    for case in all {
        let pack = load(&case);
        let rendered = render_plain(&pack.diagnostics, &pack.sources, 100);
        let relative = case.strip_prefix(root).unwrap();
        if relative.starts_with("valid") {
            assert!(
                pack.diagnostics.is_empty(),
                "{} should be valid, but:\n{rendered}",
                case.display()
            );
            assert!(pack.program.is_some(), "{} gave no program", case.display());
            continue;
        }
        assert!(
            !pack.diagnostics.is_empty(),
            "{} produced no diagnostic",
            case.display()
        );
        let name = case.file_stem().unwrap().to_string_lossy().into_owned();
        let dir = Path::new("ui").join(relative.parent().unwrap());
        insta::with_settings!({
            snapshot_path => dir,
            prepend_module_to_snapshot => false,
            description => case.display().to_string(),
            omit_expression => true,
        }, {
            insta::assert_snapshot!(name, rendered);
        });
    }
}

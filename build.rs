//! Embeds the packs of `policies/` into the binary, so that `preflight check
//! plan.yaml` works from any directory and `-p builtin:NAME` names a pack
//! without a checkout. Every sub-directory of `policies/` that holds `.policy`
//! files is a pack named after the directory (`policies/csp/` is `csp`, the
//! default); its `.policy` files and its data files (`.yaml`, `.yml`, `.json`)
//! are embedded, its `tests/` sub-directory is not. Writes `builtin_packs.rs`
//! into `OUT_DIR`: a list of `(pack name, [(file name, include_str!(…))])`, packs
//! and files in byte order of name.

use std::path::Path;

fn main() {
    let policies = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    println!("cargo:rerun-if-changed=policies");
    let mut packs: Vec<(String, Vec<(String, String)>)> = Vec::new();
    let mut dirs: Vec<_> = std::fs::read_dir(&policies)
        .map(|entries| entries.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    dirs.sort();
    for dir in dirs.into_iter().filter(|d| d.is_dir()) {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        println!("cargo:rerun-if-changed=policies/{name}");
        let mut files: Vec<(String, String)> = Vec::new();
        if let Ok(entries) = std::fs::read_dir(&dir) {
            for entry in entries.flatten() {
                let path = entry.path();
                let embedded = path
                    .extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| matches!(e, "policy" | "yaml" | "yml" | "json"));
                if path.is_file() && embedded {
                    let file = entry.file_name().to_string_lossy().into_owned();
                    println!("cargo:rerun-if-changed=policies/{name}/{file}");
                    files.push((file, path.display().to_string()));
                }
            }
        }
        files.sort();
        if files.iter().any(|(f, _)| f.ends_with(".policy")) {
            packs.push((name, files));
        }
    }
    let mut out = String::from(
        "/// The embedded packs: `(name, [(file name, text)])`, in byte order of name.\n\
         pub(crate) const PACKS: &[(&str, &[(&str, &str)])] = &[\n",
    );
    for (name, files) in &packs {
        out.push_str(&format!("    ({name:?}, &[\n"));
        for (file, path) in files {
            out.push_str(&format!("        ({file:?}, include_str!({path:?})),\n"));
        }
        out.push_str("    ]),\n");
    }
    out.push_str("];\n");
    let target = Path::new(&std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into()))
        .join("builtin_packs.rs");
    if let Err(e) = std::fs::write(&target, out) {
        println!("cargo:warning=cannot write {}: {e}", target.display());
    }
}

//! Embeds the default pack (`policies/csp/`: its `.policy` files and its data
//! files) into the binary, so that `preflight check plan.yaml` works from any
//! directory. Writes `default_pack.rs` into `OUT_DIR`: a list of
//! `(file name, include_str!(…))` pairs in byte order of file name. The pack's
//! `tests/` sub-directory is not embedded.

use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("policies")
        .join("csp");
    println!("cargo:rerun-if-changed=policies/csp");
    let mut files: Vec<(String, String)> = Vec::new();
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            let embedded = path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| matches!(e, "policy" | "yaml" | "yml" | "json"));
            if path.is_file() && embedded {
                let name = entry.file_name().to_string_lossy().into_owned();
                println!("cargo:rerun-if-changed=policies/csp/{name}");
                files.push((name, path.display().to_string()));
            }
        }
    }
    files.sort();
    let mut out = String::from(
        "/// The default pack's files: `(file name, text)`, in byte order of name.\n\
         pub(crate) const FILES: &[(&str, &str)] = &[\n",
    );
    for (name, path) in &files {
        out.push_str(&format!("    ({name:?}, include_str!({path:?})),\n"));
    }
    out.push_str("];\n");
    let target =
        Path::new(&std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into())).join("default_pack.rs");
    if let Err(e) = std::fs::write(&target, out) {
        println!("cargo:warning=cannot write {}: {e}", target.display());
    }
}

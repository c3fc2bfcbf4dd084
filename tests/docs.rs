//! The policy examples of the documentation parse: every ```policy block of
//! `docs/` and the README is read by the real parser. (Most blocks are
//! fragments over a schema the page describes, so they are parsed, not
//! type-checked.)

use preflight::source::Sources;
use preflight::syntax::parse;

fn markdown_files() -> Vec<std::path::PathBuf> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("README.md")];
    for dir in ["docs", "docs/packs"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "md") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn every_policy_example_of_the_docs_parses() {
    let mut blocks = 0;
    let mut failures = Vec::new();
    for path in markdown_files() {
        let text = std::fs::read_to_string(&path).unwrap();
        let mut lines = text.lines().enumerate();
        while let Some((start, line)) = lines.next() {
            if line.trim() != "```policy" {
                continue;
            }
            let body: Vec<&str> = lines
                .by_ref()
                .take_while(|(_, l)| l.trim() != "```")
                .map(|(_, l)| l)
                .collect();
            let source = body.join("\n");
            let mut sources = Sources::new();
            let file = sources.add("example.policy", source.as_str());
            let (_, diagnostics) = parse(file, &source);
            blocks += 1;
            if !diagnostics.is_empty() {
                failures.push(format!(
                    "{}:{}: {}",
                    path.display(),
                    start + 1,
                    diagnostics
                        .iter()
                        .map(|d| d.message.clone())
                        .collect::<Vec<_>>()
                        .join("; ")
                ));
            }
        }
    }
    assert!(blocks >= 15, "only {blocks} policy blocks found");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

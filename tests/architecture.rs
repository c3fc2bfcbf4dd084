//! The shape ARCHITECTURE.md describes, checked: which stage may use which,
//! and no two files that use each other (but the checker's expression and
//! call typing, which recurse into each other).
//!
//! A module "uses" another when its code (not its comments, not its unit
//! tests) names a path into it: `crate::data::read::Input`, `super::Checker`,
//! `self::form::Report`, or, in a `mod.rs`, a child module by its bare name.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Top-level modules every stage may use: the shared vocabulary and plumbing.
const SHARED: &[&str] = &["source", "diagnostic", "suggest", "limits", "model"];

/// What each top-level module may use besides [`SHARED`] (and itself).
const ALLOWED: &[(&str, &[&str])] = &[
    ("source", &[]),
    ("diagnostic", &["source"]),
    ("suggest", &[]),
    ("limits", &[]),
    ("model", &["source"]),
    ("syntax", &[]),
    ("check", &["syntax"]),
    ("format", &["syntax"]),
    ("pack", &["syntax", "check"]),
    ("data", &[]),
    ("eval", &[]),
    ("run", &["pack", "data", "eval"]),
    ("signoff", &["data", "eval", "run"]),
    ("testing", &["pack", "data", "eval", "run", "signoff"]),
    ("report", &["data", "eval", "run", "signoff"]),
    ("lsp", &["syntax", "check", "format", "pack"]),
    ("cli", &["*"]),
];

/// Pairs of files allowed to use each other.
const MUTUAL: &[(&str, &str)] = &[("check::call", "check::expr")];

/// Module path (`run::session`, `report` for `report/mod.rs`) → its code.
fn modules() -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![Path::new("src").to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let rel = path
                .strip_prefix("src")
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let Some(stem) = rel.strip_suffix(".rs") else {
                continue;
            };
            if matches!(stem, "main" | "lib") || stem.ends_with("tests") || stem.contains("/tests/")
            {
                continue;
            }
            let name = stem.strip_suffix("/mod").unwrap_or(stem).replace('/', "::");
            out.insert(name, std::fs::read_to_string(&path).unwrap());
        }
    }
    out
}

/// The code of a file without comments and unit tests.
fn code(text: &str) -> String {
    let text = text.split("#[cfg(test)]\nmod tests {").next().unwrap_or("");
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The paths `text` names after `crate::`, `super::` or `self::`, made
/// absolute; a `{…}` group gives one path per item.
fn paths(module: &str, is_mod_rs: bool, text: &str) -> Vec<Vec<String>> {
    let here: Vec<String> = module.split("::").map(String::from).collect();
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    for base in ["crate::", "super::", "self::"] {
        let mut from = 0;
        while let Some(at) = text[from..].find(base) {
            let start = from + at;
            from = start + base.len();
            let before = start.checked_sub(1).map(|i| bytes[i]);
            if before.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_') {
                continue;
            }
            let mut prefix: Vec<String> = match base {
                "crate::" => Vec::new(),
                // `super` in `a/b.rs` (module a::b) is `a`; in `a/b/mod.rs`
                // (module a::b) it is `a` too.
                "super::" => here[..here.len().saturating_sub(1)].to_vec(),
                _ => here.clone(),
            };
            let rest = &text[from..];
            let len = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
                .unwrap_or(rest.len());
            let chain = rest[..len].trim_end_matches(':');
            prefix.extend(
                chain
                    .split("::")
                    .filter(|s| !s.is_empty())
                    .map(String::from),
            );
            out.push(prefix.clone());
            if rest[len..].starts_with('{') && rest[..len].ends_with("::") {
                let group = &rest[len + 1..];
                let group = &group[..group.find('}').unwrap_or(group.len())];
                for item in group.split(',') {
                    let item = item.split(" as ").next().unwrap_or("").trim();
                    if item.is_empty() || item == "self" {
                        continue;
                    }
                    let mut path = prefix.clone();
                    path.extend(item.split("::").map(|s| s.trim().to_string()));
                    out.push(path);
                }
            }
        }
    }
    if is_mod_rs {
        // A child module named by its bare name in a folder's `mod.rs`:
        // `use child::Item;`, `child::function()`.
        let children = text.lines().filter_map(|l| {
            let l = l
                .trim_start()
                .strip_prefix("pub ")
                .unwrap_or(l.trim_start());
            let l = l.strip_prefix("pub(crate) ").unwrap_or(l);
            l.strip_prefix("mod ")?.strip_suffix(';')
        });
        for child in children {
            let named = text.match_indices(&format!("{child}::")).any(|(at, _)| {
                at.checked_sub(1)
                    .map(|i| bytes[i])
                    .is_none_or(|b| !(b.is_ascii_alphanumeric() || b == b'_' || b == b':'))
            });
            if named {
                out.push(here.iter().cloned().chain([child.to_string()]).collect());
            }
        }
    }
    out
}

/// Module → the modules (files) it uses.
fn uses() -> BTreeMap<String, BTreeSet<String>> {
    let modules = modules();
    let resolve = |path: &[String]| -> Option<String> {
        (1..=path.len())
            .rev()
            .map(|k| path[..k].join("::"))
            .find(|m| modules.contains_key(m))
    };
    let mut out = BTreeMap::new();
    for (module, text) in &modules {
        let is_mod_rs = Path::new("src")
            .join(module.replace("::", "/"))
            .join("mod.rs")
            .exists();
        let targets: BTreeSet<String> = paths(module, is_mod_rs, &code(text))
            .iter()
            .filter_map(|p| resolve(p))
            .filter(|t| t != module)
            .collect();
        out.insert(module.clone(), targets);
    }
    out
}

fn top(module: &str) -> &str {
    module.split("::").next().unwrap_or(module)
}

#[test]
fn stages_use_only_earlier_stages_and_the_model() {
    let mut wrong = Vec::new();
    for (module, targets) in uses() {
        let from = top(&module);
        let allowed = ALLOWED
            .iter()
            .find(|(m, _)| *m == from)
            .map(|(_, a)| *a)
            .unwrap_or_else(|| panic!("src/{from}: a new top-level module; add it to ALLOWED"));
        for target in targets {
            let to = top(&target);
            let ok = to == from
                || allowed.contains(&"*")
                || allowed.contains(&to)
                || (SHARED.contains(&to) && !SHARED.contains(&from));
            if !ok {
                wrong.push(format!("{module} uses {target}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "a stage reaches into a later one (or the model into a stage); move the shared \
         piece into src/model/ or the later stage:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn no_two_files_use_each_other() {
    let uses = uses();
    let mut cycles = Vec::new();
    for (a, targets) in &uses {
        for b in targets {
            let back = uses.get(b).is_some_and(|t| t.contains(a));
            let allowed = MUTUAL
                .iter()
                .any(|(x, y)| (x == a && y == b) || (x == b && y == a));
            if back && a < b && !allowed {
                cycles.push(format!("{a} <-> {b}"));
            }
        }
    }
    assert!(
        cycles.is_empty(),
        "files that use each other; move what both need into one of them, or a third:\n{}",
        cycles.join("\n")
    );
}

#[test]
fn the_checker_sees_a_use_and_a_cycle() {
    // The parsing above must not be vacuous: these uses are known to exist.
    let uses = uses();
    assert!(uses["run::session"].contains("data::read"));
    assert!(uses["report"].contains("report::findings_human"));
    assert!(uses["check::expr"].contains("check::call"));
    assert!(uses["check::call"].contains("check::expr"));
}

//! UI tests of `preflight check`: findings and data errors as users see them.
//!
//! Each directory under `tests/check/` (except those starting with `_`: `_pack`, the shared pack modelled
//! on the CSP pack) is a case: an `args` file with the command-line arguments
//! after `check` (whitespace-separated, paths relative to the case directory)
//! and the input files. The real binary runs in the case directory twice: once
//! for the human form (no colour, 100 columns), once with `-f json`. Both are
//! compared with the insta snapshots beside the case (`human.snap`,
//! `json.snap`); the JSON is also checked against the shape of cli.md, and the
//! human run is repeated to prove the output is byte-identical.
//! Accept changes with `INSTA_UPDATE=always cargo test --test check_ui`, after
//! reviewing the diff.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(dir: &Path, args: &[String]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_preflight"))
        .arg("check")
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .output()
        .expect("the binary runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn cases() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir("tests/check")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("args").is_file())
        .collect();
    out.sort();
    out
}

#[test]
fn every_case_directory_has_args() {
    for entry in std::fs::read_dir("tests/check").unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() && !name.starts_with('_') {
            assert!(
                path.join("args").is_file(),
                "{} has no `args` file",
                path.display()
            );
        }
    }
}

#[test]
fn check_ui() {
    let all = cases();
    assert!(
        all.len() >= 25,
        "expected at least 25 check cases, found {}",
        all.len()
    );
    for case in all {
        let args: Vec<String> = std::fs::read_to_string(case.join("args"))
            .unwrap()
            .split_whitespace()
            .map(String::from)
            .collect();
        let mut human_args = args.clone();
        human_args.extend(["--color".to_string(), "never".to_string()]);
        let human = run(&case, &human_args);
        let again = run(&case, &human_args);
        assert_eq!(
            (&human.stdout, &human.stderr, human.code),
            (&again.stdout, &again.stderr, again.code),
            "{}: two runs gave different output",
            case.display()
        );
        let mut json_args = args.clone();
        json_args.extend(["-f".to_string(), "json".to_string()]);
        let json = run(&case, &json_args);
        assert_eq!(
            json.code,
            human.code,
            "{}: exit codes differ between forms",
            case.display()
        );
        assert!(
            json.stderr.is_empty(),
            "{}: JSON run wrote to stderr:\n{}",
            case.display(),
            json.stderr
        );
        let value: Value = serde_json::from_str(&json.stdout)
            .unwrap_or_else(|e| panic!("{}: not JSON ({e}):\n{}", case.display(), json.stdout));
        if let Err(why) = check_shape(&value) {
            panic!(
                "{}: JSON does not have the shape of cli.md: {why}\n{}",
                case.display(),
                json.stdout
            );
        }
        check_board_forms(&case, &args, json.code, &value);
        let human_text = format!(
            "exit code: {}\n--- stdout\n{}--- stderr\n{}",
            human.code, human.stdout, human.stderr
        );
        let json_text = format!("exit code: {}\n{}", json.code, redact(&json.stdout, &args));
        let dir = Path::new("check").join(case.file_name().unwrap());
        insta::with_settings!({
            snapshot_path => dir,
            prepend_module_to_snapshot => false,
            description => format!("preflight check {}", args.join(" ")),
            omit_expression => true,
        }, {
            insta::assert_snapshot!("human", human_text);
            insta::assert_snapshot!("json", json_text);
        });
    }
}

/// The change-board forms of a case agree with its JSON form: the same exit
/// code, the decision that exit code means, and one entry per finding.
fn check_board_forms(case: &Path, args: &[String], code: i32, json: &Value) {
    let findings = json["findings"].as_array().map_or(0, Vec::len);
    let word = match code {
        0 => "GO",
        1 => "NO GO",
        _ => "CANNOT TELL",
    };
    let with_form = |form: &str| {
        let mut all = args.to_vec();
        all.extend(["-f".to_string(), form.to_string()]);
        run(case, &all)
    };
    let html = with_form("html");
    assert_eq!(html.code, code, "{}: -f html exit code", case.display());
    assert!(
        html.stdout.ends_with("</html>\n"),
        "{}: the HTML is not whole",
        case.display()
    );
    assert!(
        html.stdout
            .contains(&format!("<span class=\"word\">{word}</span>")),
        "{}: the HTML does not decide {word}",
        case.display()
    );
    assert_eq!(
        html.stdout.matches("<tr class=\"finding ").count(),
        findings,
        "{}: HTML findings",
        case.display()
    );
    let md = with_form("markdown");
    assert_eq!(md.code, code, "{}: -f markdown exit code", case.display());
    assert!(
        md.stdout
            .starts_with(&format!("# preflight check report: {word}\n")),
        "{}: the Markdown does not decide {word}",
        case.display()
    );
    let section = md
        .stdout
        .split("\n## Findings\n")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .unwrap_or_default();
    assert_eq!(
        section.lines().filter(|l| l.starts_with("- **")).count(),
        findings,
        "{}: Markdown findings",
        case.display()
    );
}

// ----- the JSON shape of cli.md ----------------------------------------------------

fn field<'a>(v: &'a Value, key: &str) -> Result<&'a Value, String> {
    v.get(key).ok_or_else(|| format!("missing `{key}` in {v}"))
}

fn string(v: &Value, key: &str) -> Result<(), String> {
    field(v, key)?
        .as_str()
        .map(|_| ())
        .ok_or_else(|| format!("`{key}` is not a string in {v}"))
}

fn count(v: &Value, key: &str) -> Result<(), String> {
    field(v, key)?
        .as_u64()
        .map(|_| ())
        .ok_or_else(|| format!("`{key}` is not a count in {v}"))
}

fn one_of(v: &Value, key: &str, allowed: &[&str]) -> Result<(), String> {
    let s = field(v, key)?
        .as_str()
        .ok_or_else(|| format!("`{key}` is not a string"))?;
    if allowed.contains(&s) {
        Ok(())
    } else {
        Err(format!("`{key}` is `{s}`, not one of {allowed:?}"))
    }
}

fn location(v: &Value) -> Result<(), String> {
    string(v, "file")?;
    for key in ["line", "column"] {
        let n = field(v, key)?
            .as_u64()
            .ok_or_else(|| format!("`{key}` is not a number"))?;
        if n == 0 {
            return Err(format!("`{key}` is 0; lines and columns count from 1"));
        }
    }
    Ok(())
}

fn optional(
    v: &Value,
    key: &str,
    check: impl Fn(&Value) -> Result<(), String>,
) -> Result<(), String> {
    match v.get(key) {
        None => Ok(()),
        Some(Value::Null) => Err(format!("`{key}` is null; leave it out instead")),
        Some(x) => check(x),
    }
}

/// Checks the JSON form of cli.md: required fields and their types, optional
/// fields left out rather than null.
fn check_shape(v: &Value) -> Result<(), String> {
    if field(v, "version")? != &Value::from(1) {
        return Err("`version` is not 1".into());
    }
    for f in field(v, "findings")?
        .as_array()
        .ok_or("`findings` is not an array")?
    {
        string(f, "rule")?;
        one_of(f, "severity", &["error", "warning", "info"])?;
        one_of(f, "outcome", &["fail", "error", "waived"])?;
        optional(f, "baseline", |b| match b.as_str() {
            Some("new" | "unchanged") => Ok(()),
            _ => Err(format!("`baseline` is {b}, not `new` or `unchanged`")),
        })?;
        if f["outcome"] == "waived" {
            let w = field(f, "waiver")?;
            for key in ["file", "reason", "owner", "expires"] {
                string(w, key)?;
            }
            count(w, "line")?;
        }
        string(f, "message")?;
        optional(f, "help", |h| {
            h.as_str()
                .map(|_| ())
                .ok_or("`help` is not a string".into())
        })?;
        string(f, "document")?;
        string(f, "subject")?;
        optional(f, "location", location)?;
        optional(f, "policy", location)?;
        optional(f, "values", |vs| {
            let vs = vs.as_array().ok_or("`values` is not an array")?;
            if vs.is_empty() {
                return Err("`values` is empty; leave it out instead".into());
            }
            for x in vs {
                string(x, "expr")?;
                field(x, "value")?;
                optional(x, "location", location)?;
            }
            Ok(())
        })?;
    }
    for e in field(v, "errors")?
        .as_array()
        .ok_or("`errors` is not an array")?
    {
        string(e, "code")?;
        string(e, "message")?;
        optional(e, "location", location)?;
    }
    let summary = field(v, "summary")?;
    count(summary, "documents")?;
    count(summary, "rules")?;
    let outcomes = field(summary, "outcomes")?;
    for key in ["pass", "fail", "skip", "error"] {
        count(outcomes, key)?;
    }
    count(outcomes, "waived")?;
    let findings = field(summary, "findings")?;
    for key in ["error", "warning", "info"] {
        count(findings, key)?;
    }
    optional(v, "provenance", provenance)?;
    optional(v, "waivers", |ws| {
        for w in ws.as_array().ok_or("`waivers` is not an array")? {
            string(w, "file")?;
            string(w, "rule")?;
            count(w, "line")?;
            count(w, "matched")?;
            one_of(w, "status", &["applied", "expired", "unused"])?;
        }
        Ok(())
    })?;
    optional(v, "fixed", |fs| {
        for f in fs.as_array().ok_or("`fixed` is not an array")? {
            for key in ["rule", "document", "subject", "message"] {
                string(f, key)?;
            }
        }
        Ok(())
    })?;
    Ok(())
}

/// Whether a text is `sha256:` (with `prefix`) and 64 lowercase hex digits.
fn is_sha256(text: &str, prefix: &str) -> bool {
    text.strip_prefix(prefix).is_some_and(|hex| {
        hex.len() == 64
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// The provenance of signoff.md §3.
fn provenance(p: &Value) -> Result<(), String> {
    let tool = field(p, "tool")?;
    if tool["name"] != "preflight" || tool["version"] != env!("CARGO_PKG_VERSION") {
        return Err(format!("`tool` is {tool}"));
    }
    let pack = field(p, "pack")?;
    string(pack, "name")?;
    if !pack["digest"]
        .as_str()
        .is_some_and(|d| is_sha256(d, "sha256:"))
    {
        return Err(format!("the pack digest is {}", pack["digest"]));
    }
    field(p, "params")?
        .as_object()
        .ok_or("`params` is not an object")?;
    let today = field(p, "today")?.as_str().unwrap_or_default();
    if today.len() != 10 {
        return Err(format!("`today` is {today:?}"));
    }
    for input in field(p, "inputs")?
        .as_array()
        .ok_or("`inputs` is not an array")?
    {
        string(input, "file")?;
        if !input["sha256"].as_str().is_some_and(|d| is_sha256(d, "")) {
            return Err(format!("an input's sha256 is {}", input["sha256"]));
        }
    }
    Ok(())
}

/// The JSON text with what changes without the case changing replaced: the
/// digest of an embedded pack (it changes with the pack, which
/// tests/builtin_packs.rs covers) and, for a case without `--today`, the
/// system's date.
fn redact(json: &str, args: &[String]) -> String {
    let builtin =
        regex::Regex::new(r#"("name": "builtin:[a-z-]+",\n\s*"digest": )"sha256:[0-9a-f]{64}""#)
            .unwrap();
    let out = builtin.replace_all(json, r#"${1}"[digest of the embedded pack]""#);
    if args.iter().any(|a| a == "--today") {
        return out.into_owned();
    }
    let today = regex::Regex::new(r#"(\n    "today": )"\d{4}-\d{2}-\d{2}""#).unwrap();
    today
        .replace_all(&out, r#"${1}"[the system's date]""#)
        .into_owned()
}

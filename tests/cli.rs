//! The `preflight` binary as users run it: exit codes, output streams, JSON shape.

mod common;

use std::process::{Command, Output};

use common::{preflight, text};

#[test]
fn valid_pack_exits_zero() {
    let out = preflight(&["validate", "-p", "examples/quickstart"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let (ok, digest) = stdout.split_once('\n').unwrap();
    assert_eq!(ok, "ok: 3 rule(s) in 1 file(s)");
    // The pack digest, for a change board (signoff.md §3).
    assert!(
        digest.starts_with("digest: sha256:") && digest.len() == "digest: sha256:".len() + 64 + 1
    );
    assert!(out.stderr.is_empty());
}

#[test]
fn invalid_pack_exits_two_with_diagnostics_on_stderr() {
    let out = preflight(&[
        "validate",
        "--color",
        "never",
        "-p",
        "tests/ui/multi/errors-in-several-rules.policy",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    insta::assert_snapshot!("validate_human_errors", text(&out.stderr));
}

#[test]
fn json_lists_every_error_with_its_location() {
    let out = preflight(&[
        "validate",
        "--format",
        "json",
        "-p",
        "tests/ui/multi/errors-in-several-rules.policy",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    assert_eq!(json["version"], 1);
    assert_eq!(json["valid"], false);
    let errors = json["errors"].as_array().expect("errors is an array");
    assert_eq!(errors.len(), 4);
    let first = &errors[0];
    assert_eq!(first["code"], "preflight::unknown-field");
    assert_eq!(first["message"], "unknown field `idd` on `Plan`");
    assert_eq!(
        first["location"]["file"],
        "tests/ui/multi/errors-in-several-rules.policy"
    );
    assert_eq!(first["location"]["line"], 8);
    assert_eq!(first["location"]["column"], 16);
    assert_eq!(json["summary"]["errors"], 4);
}

#[test]
fn json_for_a_valid_pack() {
    let out = preflight(&["validate", "-f", "json", "-p", "examples/quickstart"]);
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    assert_eq!(json["valid"], true);
    assert_eq!(json["errors"], serde_json::json!([]));
    assert_eq!(json["summary"]["rules"], 3);
}

#[test]
fn warnings_do_not_fail_validation() {
    let out = preflight(&[
        "validate",
        "-p",
        "tests/ui/parse/doc-comment-documents-nothing.policy",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stderr).contains("preflight::doc-comment"));
    assert!(text(&out.stdout).contains("2 warning(s)"));
}

#[test]
fn packs_given_twice_are_merged() {
    let out = preflight(&[
        "validate",
        "-p",
        "tests/ui/valid/split-across-files.pack/schema.policy",
        "-p",
        "tests/ui/valid/split-across-files.pack/rules.policy",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn missing_pack_is_an_io_error() {
    let out = preflight(&["validate", "-p", "no/such/pack"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("preflight::io"), "{stderr}");
    assert!(
        stderr.contains("cannot read pack `no/such/pack`: no such file or directory"),
        "{stderr}"
    );
}

#[test]
fn without_a_pack_the_embedded_default_pack_is_used() {
    let out = preflight(&["validate"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("ok: 20 rule(s) in 6 file(s)\ndigest: sha256:"));
    // From any directory: nothing is read from the working directory.
    let out = Command::new(env!("CARGO_BIN_EXE_preflight"))
        .args(["check", "--today", "2026-03-01", "-f", "json"])
        .arg(std::fs::canonicalize("examples/csp/clean-plan.yaml").unwrap())
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
}

#[test]
fn bad_command_line_exits_two() {
    let out = preflight(&["validate", "--format", "yaml"]);
    assert_eq!(out.status.code(), Some(2));
    let out = preflight(&["frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn help_shows_an_example() {
    let out = preflight(&["validate", "--help"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("Example: preflight validate -p"));
}

// ----- check ----------------------------------------------------------------------

fn check(args: &[&str]) -> Output {
    let mut all = vec![
        "check",
        "-p",
        "tests/check/_pack",
        "--today",
        "2026-03-01",
        "--color",
        "never",
    ];
    all.extend_from_slice(args);
    preflight(&all)
}

#[test]
fn check_exit_codes_follow_cli_md() {
    let clean = check(&["tests/check/yaml-clean/plan.yaml"]);
    assert_eq!(clean.status.code(), Some(0), "{}", text(&clean.stderr));
    assert!(clean.stderr.is_empty());
    let findings = check(&["tests/check/yaml-three-problems/plan.yaml"]);
    assert_eq!(findings.status.code(), Some(1));
    let bad_data = check(&["tests/check/yaml-typo-field/plan.yaml"]);
    assert_eq!(bad_data.status.code(), Some(2));
    assert!(text(&bad_data.stderr).contains("did you mean `auto_renew`?"));
    // Documents that load are still checked when another does not.
    let mixed = check(&[
        "tests/check/yaml-typo-field/plan.yaml",
        "tests/check/yaml-three-problems/plan.yaml",
    ]);
    assert_eq!(mixed.status.code(), Some(2));
    assert!(text(&mixed.stdout).contains("same-region"));
}

#[test]
fn check_unreadable_input_exits_two() {
    let out = check(&["tests/check/no-such-plan.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("cannot read `tests/check/no-such-plan.yaml`"));
}

#[test]
fn check_without_inputs_is_a_usage_error() {
    let out = preflight(&["check", "-p", "tests/check/_pack"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn check_with_a_broken_pack_exits_two() {
    let out = preflight(&[
        "check",
        "-p",
        "tests/ui/multi/errors-in-several-rules.policy",
        "tests/check/yaml-clean/plan.yaml",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!out.stderr.is_empty());
}

#[test]
fn check_fail_on_counts_lower_severities_only_when_asked() {
    // The clean plan with a subscription left to renew: warnings only.
    let plan = std::fs::read_to_string("tests/check/yaml-clean/plan.yaml")
        .unwrap()
        .replacen("auto_renew: false", "auto_renew: true", 1);
    let dir = std::env::temp_dir().join(format!("preflight-fail-on-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("plan.yaml");
    std::fs::write(&path, plan).unwrap();
    let path = path.to_str().unwrap();
    assert_eq!(check(&[path]).status.code(), Some(0));
    assert_eq!(
        check(&["--fail-on", "warning", path]).status.code(),
        Some(1)
    );
    assert_eq!(check(&["--fail-on", "info", path]).status.code(), Some(1));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn check_json_goes_to_stdout_only() {
    let out = check(&["-f", "json", "tests/check/yaml-typo-field/plan.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["errors"][0]["code"], "preflight::data");
    assert_eq!(v["errors"][0]["location"]["line"], 27);
}

#[test]
fn check_reads_standard_input() {
    use std::io::Write;
    use std::process::Stdio;
    let plan = std::fs::read_to_string("tests/check/yaml-three-problems/plan.yaml").unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_preflight"))
        .args(["check", "-p", "tests/check/_pack", "--today", "2026-03-01"])
        .args(["--input-format", "yaml", "-f", "json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(plan.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["findings"].as_array().unwrap().len(), 3);
    assert_eq!(v["findings"][0]["document"], "<stdin>");
}

// ----- test -----------------------------------------------------------------------

#[test]
fn test_runs_a_packs_tests_and_closes_with_counts() {
    let out = preflight(&["test", "tests/check/_pack", "--color", "never"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let stdout = text(&out.stdout);
    assert!(stdout.ends_with("4 passed, 0 failed\n"), "{stdout}");
    assert!(stdout.contains("  ok      three problems are found, each on its subject"));
}

#[test]
fn test_reports_malformed_test_files_with_exit_two() {
    let out = preflight(&["test", "tests/pack-tests/malformed", "--color", "never"]);
    assert_eq!(out.status.code(), Some(2));
    insta::assert_snapshot!("test_malformed_file", text(&out.stdout));
}

#[test]
fn test_without_a_pack_says_what_to_give() {
    let out = preflight(&["test"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("preflight test policies/csp"));
}

#[test]
fn every_embedded_pack_passes_its_own_tests_with_full_coverage() {
    for pack in ["policies/csp", "policies/csp-nce"] {
        let out = preflight(&["test", pack, "--coverage", "--color", "never"]);
        let stdout = text(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{pack}: {stdout}");
        assert!(stdout.contains("every rule was seen failing"), "{stdout}");
        assert!(!stdout.contains("never seen passing"), "{stdout}");
        assert!(stdout.trim_end().ends_with(" passed, 0 failed"), "{stdout}");
    }
}

#[test]
fn the_examples_exit_as_documented() {
    let clean = preflight(&["check", "examples/csp/clean-plan.yaml"]);
    assert_eq!(clean.status.code(), Some(0), "{}", text(&clean.stdout));
    let failing = preflight(&["check", "-f", "json", "examples/csp/failing-plan.yaml"]);
    assert_eq!(failing.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&failing.stdout).unwrap();
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    // One finding per planted problem.
    assert_eq!(
        rules,
        [
            "discontinued-offer",
            "license-count",
            "license-reassignment",
            "no-refund-cancellation",
            "reseller-relationship",
            "same-region"
        ]
    );
    let batch = preflight(&["check", "-f", "json", "examples/csp/batch.jsonl"]);
    assert_eq!(batch.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&batch.stdout).unwrap();
    assert_eq!(v["summary"]["documents"], 300);
    assert!(v["errors"].as_array().unwrap().is_empty());
}

// ----- fmt ------------------------------------------------------------------------

#[test]
fn fmt_check_passes_on_the_shipped_pack_and_reports_others() {
    let out = preflight(&[
        "fmt",
        "--check",
        "policies/csp",
        "policies/csp-nce",
        "examples/quickstart",
        "examples/terraform-plan/policy",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let dir = std::env::temp_dir().join(format!("preflight-fmt-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let messy = dir.join("messy.policy");
    std::fs::write(
        &messy,
        "record   Plan{id:string,n:int}\ninput plan:Plan\nrule r{require plan.n>0   // why\n}\n",
    )
    .unwrap();
    let broken = dir.join("broken.policy");
    std::fs::write(&broken, "rule r { require }\n").unwrap();
    let out = preflight(&["fmt", "--check", messy.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("would reformat"));
    let out = preflight(&["fmt", messy.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let formatted = std::fs::read_to_string(&messy).unwrap();
    assert_eq!(
        formatted,
        "record Plan {\n  id: string,\n  n: int,\n}\ninput plan: Plan\nrule r {\n  require plan.n > 0 // why\n}\n"
    );
    let out = preflight(&[
        "fmt",
        "--check",
        "--color",
        "never",
        broken.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("was not formatted: it does not parse"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn machine_forms_describe_a_pack_that_does_not_load() {
    let pack = "tests/ui/multi/errors-in-several-rules.policy";
    let plan = "tests/check/yaml-clean/plan.yaml";
    let sarif = preflight(&["check", "-p", pack, plan, "-f", "sarif"]);
    assert_eq!(sarif.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&sarif.stdout).unwrap();
    let invocation = &v["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    assert!(
        !invocation["toolExecutionNotifications"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let junit = preflight(&["check", "-p", pack, plan, "-f", "junit"]);
    assert!(text(&junit.stdout).contains("<error "));
    let github = preflight(&["check", "-p", pack, plan, "-f", "github"]);
    assert!(text(&github.stdout).starts_with("::error file="));
}

#[test]
fn output_is_the_same_whatever_the_number_of_threads() {
    // A streamed JSON Lines batch and a JSON array, in both main forms.
    let array = std::env::temp_dir().join(format!("preflight-array-{}.json", std::process::id()));
    let batch = std::fs::read_to_string("examples/csp/batch.jsonl").unwrap();
    let docs: Vec<&str> = batch.lines().collect();
    std::fs::write(&array, format!("[\n{}\n]\n", docs.join(",\n"))).unwrap();
    for input in ["examples/csp/batch.jsonl", array.to_str().unwrap()] {
        for form in ["human", "json"] {
            let run = |jobs: &str| {
                preflight(&["check", "--color", "never", "-f", form, "-j", jobs, input])
            };
            let one = run("1");
            let two = run("2");
            let four = run("4");
            assert_eq!(one.status.code(), Some(1));
            assert_eq!(text(&one.stdout), text(&two.stdout), "{input} {form}");
            assert_eq!(text(&one.stdout), text(&four.stdout), "{input} {form}");
            assert_eq!(text(&one.stderr), text(&two.stderr));
        }
    }
    let _ = std::fs::remove_file(&array);
}

#[test]
fn a_default_data_file_reached_through_a_link_out_of_the_pack_is_refused() {
    let root = std::env::temp_dir().join(format!("preflight-link-{}", std::process::id()));
    let pack = root.join("pack");
    std::fs::create_dir_all(&pack).unwrap();
    std::fs::write(root.join("secret.yaml"), "offers: [a]\n").unwrap();
    std::fs::write(
        pack.join("pack.policy"),
        "record Catalog { offers: [string] }\nrecord Plan { id: string }\ninput plan: Plan\ndata catalog: Catalog = \"catalog.yaml\"\nrule r {\n  require plan.id in catalog.offers\n}\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(root.join("secret.yaml"), pack.join("catalog.yaml")).unwrap();
    std::fs::write(root.join("plan.json"), "{\"id\": \"a\"}").unwrap();
    let pack_arg = pack.display().to_string();
    let plan_arg = root.join("plan.json").display().to_string();
    for args in [
        vec!["validate", "--color", "never", "-p", &pack_arg],
        vec!["check", "--color", "never", "-p", &pack_arg, &plan_arg],
    ] {
        let out = preflight(&args);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("the default file of `catalog` must be inside the pack")
                && stderr.contains("through a symbolic link"),
            "{args:?}: {stderr}"
        );
    }
    // A link that stays inside the pack is fine.
    std::fs::rename(root.join("secret.yaml"), pack.join("real.yaml")).unwrap();
    std::fs::remove_file(pack.join("catalog.yaml")).unwrap();
    std::os::unix::fs::symlink(pack.join("real.yaml"), pack.join("catalog.yaml")).unwrap();
    let out = preflight(&["check", "--color", "never", "-p", &pack_arg, &plan_arg]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    std::fs::remove_dir_all(&root).unwrap();
}

/// Every document of a batch appears in the JSON output, evaluated (with its
/// outcomes, under `--show all`) or not (with its errors, named by `document`),
/// whatever mix of conforming, non-conforming and unparsable documents it holds,
/// in each format that holds several documents.
#[test]
fn no_document_is_lost() {
    let batch = std::fs::read_to_string("examples/csp/batch.jsonl").unwrap();
    let mut lines = batch.lines();
    let good = [lines.next().unwrap(), lines.next().unwrap()];
    let typo = good[0].replacen("\"auto_renew\"", "\"auto_renw\"", 1);
    assert_ne!(typo, good[0]);
    let dir = std::env::temp_dir().join(format!("preflight-lost-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // JSON Lines: (line, evaluated?)
    let mut jsonl: Vec<u8> = Vec::new();
    for line in [good[0], &typo, "{\"id\": ", "[1]", good[1]] {
        jsonl.extend_from_slice(line.as_bytes());
        jsonl.extend_from_slice(b"\n\n");
    }
    jsonl.extend_from_slice(b"{\"id\": \"\xff\"}\n");
    jsonl.extend_from_slice(good[0].as_bytes());
    std::fs::write(dir.join("mixed.jsonl"), &jsonl).unwrap();
    let jsonl_expect = [true, false, false, false, true, false, true];
    // A YAML stream (JSON is YAML), with a document that does not parse.
    let yaml = format!(
        "---\n{}\n---\n{typo}\n---\nid: [\n---\n{}\n",
        good[0], good[1]
    );
    std::fs::write(dir.join("mixed.yaml"), yaml).unwrap();
    let yaml_expect = [true, false, false, true];
    // A JSON array.
    std::fs::write(
        dir.join("mixed.json"),
        format!("[{}, {typo}, 7, {}]", good[0], good[1]),
    )
    .unwrap();
    let json_expect = [true, false, false, true];

    let files = ["mixed.jsonl", "mixed.yaml", "mixed.json"];
    let paths: Vec<String> = files
        .iter()
        .map(|f| dir.join(f).display().to_string())
        .collect();
    let mut args = vec!["check", "-f", "json", "--show", "all"];
    args.extend(paths.iter().map(String::as_str));
    let out = preflight(&args);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let evaluated: std::collections::BTreeSet<&str> = json["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["document"].as_str().unwrap())
        .collect();
    let reported: std::collections::BTreeSet<&str> = json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["document"].as_str())
        .collect();
    let mut total = 0;
    for (path, expect) in paths
        .iter()
        .zip([&jsonl_expect[..], &yaml_expect[..], &json_expect[..]])
    {
        for (n, evaluated_expected) in expect.iter().enumerate() {
            let name = format!("{path}#{n}");
            assert_eq!(
                (
                    evaluated.contains(name.as_str()),
                    reported.contains(name.as_str())
                ),
                (*evaluated_expected, !evaluated_expected),
                "{name}: evaluated {evaluated:?}, reported {reported:?}"
            );
            total += 1;
        }
    }
    assert_eq!(evaluated.len() + reported.len(), total);
    let summary = &json["summary"];
    assert_eq!(summary["documents"].as_u64(), Some(evaluated.len() as u64));
    assert_eq!(
        summary["not_evaluated"].as_u64(),
        Some(reported.len() as u64)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

// ----- JSON arrays read as a stream -----------------------------------------------

/// A scratch directory for one test, removed at its end.
fn scratch(test: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("preflight-{test}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `preflight check -f json` with the default pack on `file`, as JSON.
fn check_json(file: &std::path::Path) -> serde_json::Value {
    let file = file.to_str().unwrap();
    let out = preflight(&["check", "--today", "2026-03-01", "-f", "json", file]);
    assert!(
        matches!(out.status.code(), Some(1 | 2)),
        "{}",
        text(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

/// The (1-based) line and column, in characters, of byte `offset` of `text`.
fn line_col(text: &str, offset: usize) -> (u64, u64) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line as u64, column as u64)
}

/// The JSON token written at `line`:`column` of `text`: a string whole, a
/// bracket alone, anything else up to the next delimiter.
fn token_at(text: &str, line: u64, column: u64) -> String {
    let line = text.split('\n').nth(line as usize - 1).unwrap();
    let rest: String = line.chars().skip(column as usize - 1).collect();
    let end = if let Some(string) = rest.strip_prefix('"') {
        string.find('"').map_or(rest.len(), |i| i + 2)
    } else if rest.starts_with(['{', '[']) {
        1
    } else {
        rest.find([',', '}', ']', ' ']).unwrap_or(rest.len())
    };
    rest[..end].to_string()
}

/// Every `location` in `file` of a `-f json` output, in order, replaced by
/// `null` in the value (so that what is left can be compared across files).
fn take_locations(value: &mut serde_json::Value, file: &str, out: &mut Vec<(u64, u64)>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if key == "location" && v["file"] == file {
                    if let (Some(line), Some(column)) = (v["line"].as_u64(), v["column"].as_u64()) {
                        out.push((line, column));
                    }
                    *v = serde_json::Value::Null;
                } else {
                    take_locations(v, file, out);
                }
            }
        }
        serde_json::Value::Array(items) => {
            items.iter_mut().for_each(|v| take_locations(v, file, out));
        }
        _ => {}
    }
}

#[test]
fn a_json_array_gives_the_findings_of_the_same_documents_as_json_lines() {
    let dir = scratch("array-as-jsonl");
    let batch = std::fs::read_to_string("examples/csp/batch.jsonl").unwrap();
    let mut docs: Vec<String> = batch.lines().take(120).map(str::to_string).collect();
    // A document that does not conform, one that does not parse, one that is
    // no object.
    docs[3] = docs[3].replacen("\"auto_renew\"", "\"auto_renw\"", 1);
    docs[7] = docs[7].replacen("\"relationship\"", "\"relationship\": 1,, \"x\"", 1);
    docs.insert(9, "7".to_string());
    let jsonl = dir.join("plans.jsonl");
    std::fs::write(&jsonl, docs.join("\n") + "\n").unwrap();
    // The same documents in a pretty array (those that parse are re-indented).
    let pretty: Vec<String> = docs
        .iter()
        .map(|d| match serde_json::from_str::<serde_json::Value>(d) {
            Ok(v) => serde_json::to_string_pretty(&v)
                .unwrap()
                .replace('\n', "\n  "),
            Err(_) => d.clone(),
        })
        .collect();
    let array = dir.join("plans.json");
    let array_text = format!("[\n  {}\n]\n", pretty.join(",\n  "));
    std::fs::write(&array, &array_text).unwrap();

    let mut from_jsonl = check_json(&jsonl);
    let mut from_array = check_json(&array);
    // The inputs' digests differ, as their bytes do.
    for v in [&mut from_jsonl, &mut from_array] {
        assert_eq!(v["provenance"]["inputs"].as_array().unwrap().len(), 1);
        v["provenance"]["inputs"] = serde_json::Value::Null;
    }
    let (mut at_jsonl, mut at_array) = (Vec::new(), Vec::new());
    take_locations(&mut from_jsonl, jsonl.to_str().unwrap(), &mut at_jsonl);
    take_locations(&mut from_array, array.to_str().unwrap(), &mut at_array);
    let from_jsonl = from_jsonl
        .to_string()
        .replace(jsonl.to_str().unwrap(), "FILE");
    let from_array = from_array
        .to_string()
        .replace(array.to_str().unwrap(), "FILE");
    assert_eq!(from_jsonl, from_array);
    assert!(from_array.contains("FILE#7: expected a string key, found `,`"));
    assert!(
        from_array.contains("FILE#3: unknown field `auto_renw`"),
        "{from_array}"
    );
    // Each finding and error points at the same value in both files.
    let jsonl_text = docs.join("\n") + "\n";
    assert!(at_array.len() > 20, "{at_array:?}");
    assert_eq!(at_jsonl.len(), at_array.len());
    for (j, a) in at_jsonl.iter().zip(&at_array) {
        let (want, got) = (
            token_at(&jsonl_text, j.0, j.1),
            token_at(&array_text, a.0, a.1),
        );
        assert_eq!(want, got, "line {} column {} of the array", a.0, a.1);
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn locations_in_pretty_and_minified_json_arrays_are_exact() {
    let dir = scratch("array-locations");
    let plans = std::fs::read_to_string("tests/check/json-array-three-plans/plans.json")
        .unwrap()
        // Characters of two bytes before the places: columns count characters.
        .replace("Contoso", "Cöntoso Zürich");
    let value: serde_json::Value = serde_json::from_str(&plans).unwrap();
    let minified = serde_json::to_string(&value).unwrap();
    assert!(!minified.contains('\n'));
    for (name, written) in [("pretty.json", plans), ("minified.json", minified)] {
        let path = dir.join(name);
        std::fs::write(&path, &written).unwrap();
        let out = check(&["-f", "json", path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let findings = json["findings"].as_array().unwrap();
        assert_eq!(findings.len(), 2, "{json}");
        // The third document (from its second `"id"`), then the named value.
        let third = written
            .match_indices("\"id\": \"T-2026-204\"")
            .chain(written.match_indices("\"id\":\"T-2026-204\""))
            .next()
            .unwrap()
            .0;
        let second = written.find("T-2026-203").unwrap();
        let expect = [
            (
                "transfer.partner.region",
                second,
                "\"europe\"",
                "\"partner\"",
            ),
            (
                "transfer.customer.region",
                second,
                "\"canada\"",
                "\"customer\"",
            ),
            ("s.auto_renew", third, "true", "\"auto_renew\""),
        ];
        let values = findings
            .iter()
            .flat_map(|f| f["values"].as_array().unwrap());
        let mut seen = 0;
        for v in values {
            let (_, from, value, key) = expect.iter().find(|e| e.0 == v["expr"]).unwrap();
            let key_at = from + written[*from..].find(key).unwrap();
            let at = key_at + written[key_at..].find(value).unwrap();
            let (line, column) = line_col(&written, at);
            assert_eq!(v["location"]["file"], path.to_str().unwrap());
            assert_eq!(
                (
                    v["location"]["line"].as_u64(),
                    v["location"]["column"].as_u64()
                ),
                (Some(line), Some(column)),
                "{name}: {}",
                v["expr"]
            );
            seen += 1;
        }
        assert_eq!(seen, 3);
        if name == "minified.json" {
            assert!(findings[0]["location"]["column"].as_u64().unwrap() > 400);
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_broken_element_is_its_documents_error_and_a_broken_array_stops_the_reading() {
    let dir = scratch("array-broken");
    let batch = std::fs::read_to_string("examples/csp/batch.jsonl").unwrap();
    let good: Vec<&str> = batch.lines().take(4).collect();
    // Element 1 does not parse; a comma is missing after element 2 (`good[1]`).
    let text = format!(
        "[\n  {},\n  {{\"id\": tru}},\n  {}\n  {},\n  {}\n]\n",
        good[0], good[1], good[2], good[3]
    );
    let path = dir.join("broken.json");
    std::fs::write(&path, &text).unwrap();
    let json = check_json(&path);
    let file = path.to_str().unwrap();
    let errors = json["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2, "{json}");
    let tru = text.find("tru}").unwrap();
    assert_eq!(errors[0]["document"], format!("{file}#1"));
    assert_eq!(
        errors[0]["message"],
        format!("{file}#1: expected a value, found `tru`")
    );
    let (line, column) = line_col(&text, tru);
    assert_eq!(errors[0]["location"]["line"].as_u64(), Some(line));
    assert_eq!(errors[0]["location"]["column"].as_u64(), Some(column));
    // Reading stops at the missing comma, with the parser's words.
    let missing = text.find(&format!("  {}", good[2])).unwrap() + 2;
    assert_eq!(
        errors[1]["message"],
        "expected `,` or `]` after an array element, found `{`"
    );
    assert!(errors[1]["document"].is_null());
    let (line, column) = line_col(&text, missing);
    assert_eq!(errors[1]["location"]["line"].as_u64(), Some(line));
    assert_eq!(errors[1]["location"]["column"].as_u64(), Some(column));
    // Elements 0 and 2 were checked, 3 and 4 were not read.
    assert_eq!(json["summary"]["documents"], 2);
    assert_eq!(json["summary"]["not_evaluated"], 1);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_array_on_standard_input_is_streamed_too() {
    use std::io::Write;
    use std::process::Stdio;
    let plans = std::fs::read_to_string("tests/check/json-array-three-plans/plans.json").unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_preflight"))
        .args(["check", "-p", "tests/check/_pack", "--today", "2026-03-01"])
        .args(["-f", "json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // Whitespace first, in a write of its own: the start is read until it
    // says what the input is.
    stdin.write_all(b"\xEF\xBB\xBF \n").unwrap();
    stdin.flush().unwrap();
    stdin.write_all(plans.as_bytes()).unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["findings"][0]["document"], "<stdin>#1");
    // One line more than in the file: the one written first.
    assert_eq!(v["findings"][0]["location"]["line"], 17);
    assert_eq!(v["findings"][0]["location"]["column"], 47);
    assert_eq!(v["summary"]["documents"], 3);
}

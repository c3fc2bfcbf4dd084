//! Sign-off end to end, on the real binary: waivers that accept a finding
//! until they expire, a baseline round trip on a plan that was edited, and
//! the pack digest that tells a change board which policy said "go".

mod common;

use std::path::{Path, PathBuf};

use common::{preflight, text};
use serde_json::Value;
use sha2::{Digest, Sha256};

const FAILING: &str = "examples/csp/failing-plan.yaml";

fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("preflight-signoff-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// `preflight check -f json ARGS`: the exit code and the JSON.
fn check_json(args: &[&str]) -> (i32, Value) {
    let mut all = vec!["check", "-f", "json"];
    all.extend_from_slice(args);
    let out = preflight(&all);
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(&out.stdout)));
    (out.status.code().unwrap(), json)
}

/// (rule, subject, outcome) of every finding.
fn findings(json: &Value) -> Vec<(String, String, String)> {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["subject"].as_str().unwrap().to_string(),
                f["outcome"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

const WAIVER: &str = "waivers:
  - rule: license-count
    document: examples/csp/failing-plan.yaml
    subject: /subscriptions/1
    reason: the customer buys the 50 missing seats in the week after the move
    owner: m.garcia@contoso-partner.example
    approved_by: CAB-2026-118
    expires: 2026-03-31
";

#[test]
fn a_waiver_accepts_exactly_its_finding_until_it_expires() {
    let dir = scratch("waiver");
    let waivers = dir.join("waivers.yaml");
    std::fs::write(&waivers, WAIVER).unwrap();
    let w = path(&waivers);

    let (_, plain) = check_json(&["--today", "2026-03-01", FAILING]);
    let (code, waived) = check_json(&["--today", "2026-03-01", "--waivers", w, FAILING]);
    assert_eq!(code, 1, "other error findings remain");
    // Exactly that finding changes, to `waived`; everything else is as before.
    let before = findings(&plain);
    let after = findings(&waived);
    assert_eq!(before.len(), after.len());
    for (b, a) in before.iter().zip(&after) {
        if b.0 == "license-count" && b.1 == "/subscriptions/1" {
            assert_eq!((b.2.as_str(), a.2.as_str()), ("fail", "waived"));
        } else {
            assert_eq!(b, a);
        }
    }
    let finding = waived["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["outcome"] == "waived")
        .unwrap();
    assert_eq!(finding["severity"], "error");
    assert_eq!(
        finding["waiver"]["owner"],
        "m.garcia@contoso-partner.example"
    );
    assert_eq!(finding["waiver"]["approved_by"], "CAB-2026-118");
    assert_eq!(finding["waiver"]["expires"], "2026-03-31");
    assert_eq!(finding["waiver"]["line"], 2);
    // It keeps its message, values and location.
    assert!(finding["values"].as_array().is_some_and(|v| !v.is_empty()));
    assert!(finding["location"]["line"].is_u64());
    let summary = &waived["summary"];
    assert_eq!(summary["outcomes"]["waived"], 1);
    assert_eq!(
        summary["outcomes"]["fail"].as_u64().unwrap() + 1,
        plain["summary"]["outcomes"]["fail"].as_u64().unwrap()
    );
    assert_eq!(
        summary["findings"]["error"].as_u64().unwrap() + 1,
        plain["summary"]["findings"]["error"].as_u64().unwrap()
    );
    assert_eq!(waived["waivers"][0]["status"], "applied");
    assert_eq!(waived["waivers"][0]["matched"], 1);

    // The last day it applies is its `expires` day.
    let (_, last_day) = check_json(&["--today", "2026-03-31", "--waivers", w, FAILING]);
    assert_eq!(last_day["summary"]["outcomes"]["waived"], 1);

    // The day after, the finding is back and the waiver is reported at its line.
    let (code, expired) = check_json(&["--today", "2026-04-01", "--waivers", w, FAILING]);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&expired)
            .iter()
            .filter(|f| f.2 == "waived")
            .count(),
        0
    );
    assert_eq!(findings(&expired).len(), before.len());
    assert_eq!(expired["waivers"][0]["status"], "expired");
    let warning = expired["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["code"] == "preflight::waiver-expired")
        .expect("the expired waiver is reported");
    assert_eq!(warning["severity"], "warning");
    assert_eq!(warning["location"]["line"], 2);
    assert!(
        warning["message"]
            .as_str()
            .unwrap()
            .contains("expired on 2026-03-31, owner m.garcia@contoso-partner.example")
    );
}

#[test]
fn when_only_waived_findings_are_left_the_run_passes() {
    let dir = scratch("all-waived");
    let waivers = dir.join("waivers.yaml");
    let all = "waivers:\n".to_string()
        + &[
            ("discontinued-offer", "/subscriptions/0"),
            ("license-count", "/subscriptions/1"),
            ("reseller-relationship", ""),
            ("same-region", ""),
        ]
        .iter()
        .map(|(rule, subject)| {
            format!(
                "  - {{rule: {rule}, document: {FAILING}, subject: \"{subject}\", reason: accepted, owner: cab@example.com, expires: 2026-04-30}}\n"
            )
        })
        .collect::<String>();
    std::fs::write(&waivers, all).unwrap();
    let (code, json) = check_json(&[
        "--today",
        "2026-03-01",
        "--waivers",
        path(&waivers),
        FAILING,
    ]);
    assert_eq!(code, 0, "only warnings are left: {json}");
    assert_eq!(json["summary"]["outcomes"]["waived"], 4);
    assert_eq!(json["summary"]["findings"]["error"], 0);
}

#[test]
fn a_malformed_waiver_file_waives_nothing_and_exits_two() {
    let dir = scratch("malformed");
    let waivers = dir.join("waivers.yaml");
    // The first entry is fine; the second lacks its owner.
    let text = format!("{WAIVER}  - rule: same-region\n    reason: x\n    expires: 2026-03-31\n");
    std::fs::write(&waivers, text).unwrap();
    let (code, json) = check_json(&[
        "--today",
        "2026-03-01",
        "--waivers",
        path(&waivers),
        FAILING,
    ]);
    assert_eq!(code, 2);
    assert_eq!(json["summary"]["outcomes"]["waived"], 0);
    assert!(findings(&json).iter().all(|f| f.2 != "waived"));
    let error = &json["errors"][0];
    assert_eq!(error["code"], "preflight::waiver");
    assert_eq!(error["message"], "this waiver has no `owner`");
    assert_eq!(error["location"]["line"], 9);
}

/// The failing plan edited: the license count of subscription 1 fixed, the
/// one of subscription 3 broken, and three comment lines on top, so that
/// every line moves.
fn edited_plan() -> String {
    let plan = std::fs::read_to_string(FAILING).unwrap();
    let fixed = plan.replacen(
        "      quantity: 200                                   # license-count: 250 licenses today",
        "      quantity: 250",
        1,
    );
    assert_ne!(fixed, plan);
    let broken = fixed.replacen(
        "      offer: \"CFQ7TTC0LH16:0001\"\n      quantity: 25",
        "      offer: \"CFQ7TTC0LH16:0001\"\n      quantity: 20",
        1,
    );
    assert_ne!(broken, fixed);
    format!(
        "# Revised after the board's review.\n# Seats of the E3 subscription fixed.\n#\n{broken}"
    )
}

#[test]
fn a_baseline_round_trip_reports_one_new_one_fixed_and_the_rest_unchanged() {
    let dir = scratch("baseline");
    let plan = dir.join("plan.yaml");
    std::fs::copy(FAILING, &plan).unwrap();
    let p = path(&plan);
    let out = preflight(&["check", "--today", "2026-03-01", "-f", "json", p]);
    let baseline = dir.join("baseline.json");
    std::fs::write(&baseline, &out.stdout).unwrap();
    let b = path(&baseline);

    std::fs::write(&plan, edited_plan()).unwrap();
    let (code, json) = check_json(&["--today", "2026-03-01", "--baseline", b, p]);
    assert_eq!(code, 1);
    let marks: Vec<(String, String, String)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let rule = f["rule"].as_str().unwrap().to_string();
            let subject = f["subject"].as_str().unwrap().to_string();
            (rule, subject, f["baseline"].as_str().unwrap().to_string())
        })
        .collect();
    let new: Vec<_> = marks.iter().filter(|m| m.2 == "new").collect();
    assert_eq!(new.len(), 1, "{marks:?}");
    assert_eq!(
        (new[0].0.as_str(), new[0].1.as_str()),
        ("license-count", "/subscriptions/3")
    );
    assert_eq!(
        marks.iter().filter(|m| m.2 == "unchanged").count(),
        5,
        "{marks:?}"
    );
    let fixed = json["fixed"].as_array().unwrap();
    assert_eq!(fixed.len(), 1);
    assert_eq!(fixed[0]["rule"], "license-count");
    assert_eq!(fixed[0]["subject"], "/subscriptions/1");
    assert_eq!(fixed[0]["document"], p);
    assert!(
        fixed[0]["message"]
            .as_str()
            .unwrap()
            .contains("250 licenses today")
    );
    let summary = &json["summary"]["baseline"];
    assert_eq!(
        (summary["new"].as_u64(), summary["unchanged"].as_u64()),
        (Some(1), Some(5))
    );
    assert_eq!(summary["fixed"], 1);
    assert_eq!(summary["same_pack"], true);

    // The human summary says so.
    let out = preflight(&["check", "--today", "2026-03-01", "--baseline", b, p]);
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("1 new, 5 unchanged, 1 fixed since the baseline\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("  fixed  license-count  {p}  /subscriptions/1\n")),
        "{stdout}"
    );

    // `--fail-on-new`: the new finding is an error, so the run fails; with the
    // baseline of this very run, nothing is new and it passes.
    let args = [
        "check",
        "--today",
        "2026-03-01",
        "--fail-on-new",
        "--baseline",
        b,
        p,
    ];
    assert_eq!(preflight(&args).status.code(), Some(1));
    let again = dir.join("again.json");
    let out = preflight(&["check", "--today", "2026-03-01", "-f", "json", p]);
    std::fs::write(&again, &out.stdout).unwrap();
    let args = [
        "check",
        "--today",
        "2026-03-01",
        "--fail-on-new",
        "--baseline",
        path(&again),
        p,
    ];
    let out = preflight(&args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("0 new, 6 unchanged, 0 fixed since the baseline"));
}

#[test]
fn fail_on_new_needs_a_baseline() {
    let out = preflight(&["check", "--fail-on-new", FAILING]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--baseline"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_baseline_of_another_pack_is_allowed_and_says_so() {
    let dir = scratch("other-pack");
    let pack = dir.join("pack");
    copy_pack(Path::new("policies/csp"), &pack, |_, text| text.to_string());
    let out = preflight(&[
        "check",
        "-p",
        path(&pack),
        "--today",
        "2026-03-01",
        "-f",
        "json",
        FAILING,
    ]);
    let baseline = dir.join("baseline.json");
    std::fs::write(&baseline, &out.stdout).unwrap();
    // A catalog update: one more byte.
    let catalog = pack.join("catalog.yaml");
    let text_of = std::fs::read_to_string(&catalog).unwrap() + "\n";
    std::fs::write(&catalog, text_of).unwrap();
    let args = [
        "-p",
        path(&pack),
        "--today",
        "2026-03-01",
        "--baseline",
        path(&baseline),
        FAILING,
    ];
    let (_, json) = check_json(&args);
    assert_eq!(json["summary"]["baseline"]["same_pack"], false);
    assert_eq!(json["summary"]["baseline"]["new"], 0);
    let mut human = vec!["check"];
    human.extend_from_slice(&args);
    let stdout = text(&preflight(&human).stdout);
    assert!(
        stdout.contains("note: the baseline was made with another pack (sha256:"),
        "{stdout}"
    );
}

/// Copies a pack directory (its files, not sub-directories), each text
/// through `change`.
fn copy_pack(from: &Path, to: &Path, change: impl Fn(&str, &str) -> String) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.path().is_file() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(entry.path()).unwrap();
            std::fs::write(to.join(&name), change(&name, &text)).unwrap();
        }
    }
}

/// The digest `rules -f json` prints.
fn rules_digest(pack: &[&str]) -> String {
    let mut args = vec!["rules", "-f", "json"];
    args.extend_from_slice(pack);
    let out = preflight(&args);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    json["pack"]["digest"].as_str().unwrap().to_string()
}

#[test]
fn the_digest_is_the_same_wherever_the_pack_is_read_from() {
    let embedded = rules_digest(&[]);
    assert!(embedded.starts_with("sha256:") && embedded.len() == 7 + 64);
    // The embedded pack and its directory are the same content.
    assert_eq!(rules_digest(&["-p", "policies/csp"]), embedded);
    assert_eq!(rules_digest(&["-p", "builtin:csp"]), embedded);
    // `validate`, `rules` (human) and a check's provenance say the same.
    let validate = text(&preflight(&["validate"]).stdout);
    assert!(
        validate.contains(&format!("digest: {embedded}\n")),
        "{validate}"
    );
    let rules = text(&preflight(&["rules"]).stdout);
    assert!(
        rules.ends_with(&format!("pack builtin:csp, digest {embedded}\n")),
        "{rules}"
    );
    let (_, json) = check_json(&["--today", "2026-03-01", FAILING]);
    assert_eq!(json["provenance"]["pack"]["digest"], embedded.as_str());
    assert_eq!(json["provenance"]["pack"]["name"], "builtin:csp");

    // Line endings and where the pack lives do not change it…
    let dir = scratch("digest");
    let crlf = dir.join("crlf");
    copy_pack(Path::new("policies/csp"), &crlf, |_, t| {
        t.replace('\n', "\r\n")
    });
    assert_eq!(rules_digest(&["-p", path(&crlf)]), embedded);
    // …a one-byte change to the catalog does.
    let changed = dir.join("changed");
    copy_pack(Path::new("policies/csp"), &changed, |name, t| {
        if name == "catalog.yaml" {
            t.replacen("name: ", "name:  ", 1)
        } else {
            t.to_string()
        }
    });
    assert_ne!(rules_digest(&["-p", path(&changed)]), embedded);
    // A `--data` file in effect is part of the digest of a check.
    let catalog = changed.join("catalog.yaml");
    let data = format!("catalog={}", path(&catalog));
    let (_, json) = check_json(&["--today", "2026-03-01", "--data", &data, FAILING]);
    assert_ne!(json["provenance"]["pack"]["digest"], embedded.as_str());
}

#[test]
fn the_digest_of_a_fixed_pack_is_pinned() {
    // The same bytes give this digest on every machine: the canonical form
    // (docs/signoff.md) names files relative to the pack, sorts them by name
    // and normalises line endings.
    let dir = scratch("pinned");
    std::fs::write(
        dir.join("rules.policy"),
        "input plan: Plan\nrecord Plan { n: int }\nrule positive {\n  require plan.n > 0\n}\n",
    )
    .unwrap();
    assert_eq!(
        rules_digest(&["-p", path(&dir)]),
        "sha256:5e58308e4eadd0376de082b771b4e6463aaa390d94a3a80a1862b5147ce16195"
    );
}

#[test]
fn the_provenance_has_each_input_files_sha256() {
    let dir = scratch("inputs");
    let jsonl = dir.join("plans.jsonl");
    let batch = std::fs::read_to_string("examples/csp/batch.jsonl").unwrap();
    let lines: String = batch.lines().take(5).map(|l| format!("{l}\n")).collect();
    std::fs::write(&jsonl, &lines).unwrap();
    let (_, json) = check_json(&["--today", "2026-03-01", FAILING, path(&jsonl)]);
    let inputs = json["provenance"]["inputs"].as_array().unwrap();
    let sha = |p: &str| {
        let bytes = std::fs::read(p).unwrap();
        Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    assert_eq!(inputs.len(), 2);
    assert_eq!(inputs[0]["file"], FAILING);
    assert_eq!(inputs[0]["sha256"], sha(FAILING).as_str());
    assert_eq!(inputs[1]["file"], path(&jsonl));
    assert_eq!(inputs[1]["sha256"], sha(path(&jsonl)).as_str());
    assert_eq!(json["provenance"]["today"], "2026-03-01");
    assert_eq!(json["provenance"]["params"]["grace_days"], 30);
    assert_eq!(
        json["provenance"]["tool"]["version"],
        env!("CARGO_PKG_VERSION")
    );
}

#[test]
fn standard_input_is_hashed_as_it_is_read() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let bytes = std::fs::read(FAILING).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_preflight"))
        .args([
            "check",
            "--today",
            "2026-03-01",
            "-f",
            "json",
            "--input-format",
            "yaml",
            "-",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&bytes).unwrap();
    let out = child.wait_with_output().unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let input = &json["provenance"]["inputs"][0];
    assert_eq!(input["file"], "<stdin>");
    let sha: String = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(input["sha256"], sha.as_str());
}

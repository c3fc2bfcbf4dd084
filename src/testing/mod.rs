//! `preflight test`: running a pack's own test files (cli.md, "Test files").
//!
//! A pack keeps `*.test.yaml` files in its `tests/` directory; each case gives an
//! input document (a file, or a mapping written in place), optional `today`,
//! `params` and `data`, and the outcome expected of some rules, or of some of
//! their subjects. Cases run through the same [`Session`] as `preflight check`.

pub mod file;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use self::file::{Expected, TestCase, TestInput};
use crate::data::load::parse_yaml;
use crate::data::read::Input;
use crate::diagnostic::{Code, Diagnostic};
use crate::eval::{Keep, OutcomeKind};
use crate::pack::Pack;
use crate::run::{Options, Session};
use crate::signoff::waivers::{self, DEFAULT_MAX_WAIVER_DAYS, WaiverContext};
use crate::signoff::{WaiverStatus, judge_run};
use crate::source::Sources;

/// What a run of a pack's tests came to.
#[derive(Debug, Default)]
pub struct TestRun {
    /// Cases whose expectations all held.
    pub passed: usize,
    /// Cases with an expectation that did not hold.
    pub failed: usize,
    /// Whether a test file (or the pack) was malformed: exit code 2.
    pub malformed: bool,
    /// Per rule id: whether some case saw it pass, and fail.
    pub coverage: BTreeMap<String, (bool, bool)>,
}

/// Renders diagnostics against the sources they point into.
pub type Render<'a> = &'a dyn Fn(&[Diagnostic], &Sources) -> String;

/// Runs every `tests/*.test.yaml` of the pack at `dir` (in byte order of file
/// name), writing one line per case (and the differences for failed ones) to
/// `out`, and diagnostics rendered with `render`.
pub fn run_pack(dir: &Path, out: &mut String, render: Render<'_>) -> TestRun {
    let mut run = TestRun::default();
    let pack = Pack::load(&[dir.to_path_buf()]);
    let Some(program) = pack.program.as_ref() else {
        out.push_str(&render(&pack.diagnostics, &pack.sources));
        run.malformed = true;
        return run;
    };
    for rule in &program.rules {
        run.coverage.insert(rule.id.clone(), (false, false));
    }
    let rules: Vec<&str> = program.rules.iter().map(|r| r.id.as_str()).collect();
    let tests_dir = dir.join("tests");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&tests_dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_file() && p.to_string_lossy().ends_with(".test.yaml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    if files.is_empty() {
        let d = Diagnostic::error(
            Code::Test,
            format!("no `*.test.yaml` files in `{}`", tests_dir.display()),
        )
        .help("a pack's tests are `*.test.yaml` files in its `tests/` directory");
        out.push_str(&render(&[d], &Sources::new()));
        run.malformed = true;
        return run;
    }
    for path in files {
        run_file(&pack, &path, &rules, out, render, &mut run);
    }
    run
}

fn run_file(
    pack: &Pack,
    path: &Path,
    rules: &[&str],
    out: &mut String,
    render: Render<'_>,
    run: &mut TestRun,
) {
    let name = path.display().to_string();
    let mut sources = Sources::new();
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            let d = Diagnostic::error(
                Code::Io,
                format!("cannot read `{name}`: {}", crate::source::io_reason(&e)),
            );
            out.push_str(&render(&[d], &sources));
            run.malformed = true;
            return;
        }
    };
    let file = sources.add(name.clone(), text.as_str());
    let (docs, error) = parse_yaml(&text);
    let mut diags = Vec::new();
    if let Some(e) = error {
        diags.push(Diagnostic::error(Code::Test, e.message.clone()).label(
            crate::source::Span::new(file, e.start as usize, e.end as usize),
            e.label.clone().unwrap_or_else(|| "here".into()),
        ));
    }
    if docs.len() > 1 {
        let second = docs.get(1).map_or(0, |d| d.start as usize);
        diags.push(
            Diagnostic::error(Code::Test, "a test file holds one YAML document")
                .label(
                    crate::source::Span::new(file, second, second),
                    "a second document starts here",
                )
                .help("put every case under the one `tests:` list"),
        );
    }
    let cases = match docs.first() {
        Some(root) if docs.len() == 1 => {
            let dir = path.parent().unwrap_or(Path::new("."));
            file::read(root, file, dir, rules, &mut diags)
        }
        None if diags.is_empty() => {
            diags.push(Diagnostic::error(Code::Test, format!("`{name}` is empty")));
            Vec::new()
        }
        _ => Vec::new(),
    };
    let _ = writeln!(out, "{name}");
    if !diags.is_empty() {
        out.push_str(&render(&diags, &sources));
        run.malformed |= diags.iter().any(Diagnostic::is_error);
    }
    // The test file as every case's session sees it, built once: inline inputs
    // point into it.
    let shared = sources.get(file).cloned();
    for case in &cases {
        let place = sources
            .get(file)
            .map(|f| format!("{name}:{}", f.line_col(case.span.start as usize).0))
            .unwrap_or_default();
        run_case(pack, shared.as_ref(), &place, &text, case, out, render, run);
    }
}

#[expect(clippy::too_many_arguments, reason = "one private step of the runner")]
fn run_case(
    pack: &Pack,
    test_file: Option<&crate::source::SourceFile>,
    place: &str,
    file_text: &str,
    case: &TestCase,
    out: &mut String,
    render: Render<'_>,
    run: &mut TestRun,
) {
    let options = Options {
        data: case.data.clone(),
        params: case.params.clone(),
        today: case.today.clone(),
        keep: Keep::All,
        input_format: None,
        limits: crate::limits::Limits::default(),
        hash_inputs: false,
    };
    let mut session = match Session::start(pack, &options) {
        Ok(s) => s,
        Err(failed) => {
            let _ = writeln!(
                out,
                "  FAILED  {}  ({place}: its settings are wrong)",
                case.name
            );
            out.push_str(&render(&failed.errors, &failed.sources));
            run.failed += 1;
            run.malformed = true;
            return;
        }
    };
    match &case.input {
        TestInput::File(path) => session.check_input(&Input::File(path.clone()), None),
        TestInput::Inline(node) => {
            if let Some(shared) = test_file {
                let file = session.sources.add_shared(shared);
                session.check_node(
                    file,
                    file_text,
                    node,
                    format!("{place} ({})", case.name),
                    false,
                );
            }
        }
    }
    // Warnings (near misses of open records) do not keep a case from running.
    let loads = !session.sink.errors.iter().any(Diagnostic::is_error);
    if loads && session.sink.documents.len() != 1 {
        session.sink.errors.push(
            Diagnostic::error(
                Code::Test,
                format!(
                    "the input of a test case is one document; this one holds {}",
                    session.sink.documents.len()
                ),
            )
            .help("give each document its own case"),
        );
    }
    if session.sink.errors.iter().any(Diagnostic::is_error) {
        let _ = writeln!(
            out,
            "  FAILED  {}  ({place}: its input does not load)",
            case.name
        );
        out.push_str(&render(&session.sink.errors, &session.sources));
        run.failed += 1;
        run.malformed = true;
        return;
    }
    let Some(program) = pack.program.as_ref() else {
        return;
    };
    let today = session.today();
    let mut checked = session.finish();
    let mut differences = Vec::new();
    if let Some(list) = &case.waivers {
        let Some(shared) = test_file else {
            return;
        };
        let file = checked.sources.add_shared(shared);
        let context = WaiverContext {
            program,
            today,
            max_days: DEFAULT_MAX_WAIVER_DAYS,
        };
        let (waivers, problems) = waivers::read_list(list, file, place, file_text, context);
        if problems.iter().any(Diagnostic::is_error) {
            let _ = writeln!(
                out,
                "  FAILED  {}  ({place}: its waivers are wrong)",
                case.name
            );
            out.push_str(&render(&problems, &checked.sources));
            run.failed += 1;
            run.malformed = true;
            return;
        }
        let signoff = judge_run(&mut checked, program, waivers, None, None);
        // A waiver that matches nothing is a mistake in the case.
        for w in signoff
            .waivers
            .iter()
            .filter(|w| w.status == WaiverStatus::Unused)
        {
            differences.push(format!(
                "the waiver of `{}` at line {} matches no finding",
                w.rule, w.waiver.line
            ));
        }
    }
    // (rule id, subject, outcome as reported, outcome of evaluation) of every subject.
    let outcomes: Vec<(&str, &str, &'static str, OutcomeKind)> = checked
        .documents
        .iter()
        .flat_map(|d| &d.outcomes)
        .map(|o| {
            let id = program.rule_id(o.rule);
            (id, o.subject.as_str(), o.word(), o.kind)
        })
        .collect();
    for (id, _, _, kind) in &outcomes {
        if let Some(seen) = run.coverage.get_mut(*id) {
            seen.0 |= *kind == OutcomeKind::Pass;
            seen.1 |= *kind == OutcomeKind::Fail;
        }
    }
    for exp in &case.expect {
        let of_rule = outcomes.iter().filter(|(id, ..)| *id == exp.rule);
        match &exp.subject {
            None => {
                let kinds: Vec<&str> = of_rule.map(|(_, _, w, _)| *w).collect();
                let has = |w: &str| kinds.contains(&w);
                let finding = has("fail") || has("error") || has("waived");
                let holds = match exp.outcome {
                    Expected::Kind(OutcomeKind::Fail) => has("fail"),
                    Expected::Kind(OutcomeKind::Error) => has("error"),
                    Expected::Waived => has("waived"),
                    Expected::Kind(OutcomeKind::Pass) => has("pass") && !finding,
                    Expected::Kind(OutcomeKind::Skip) => !has("pass") && !finding,
                };
                if !holds {
                    differences.push(format!(
                        "{}: expected {}, got {}",
                        exp.rule,
                        exp.outcome.as_str(),
                        tally(&kinds)
                    ));
                }
            }
            Some(subject) => {
                let kinds: Vec<&str> = of_rule
                    .filter(|(_, s, ..)| s == subject)
                    .map(|(_, _, w, _)| *w)
                    .collect();
                if kinds.is_empty() || kinds.iter().any(|k| *k != exp.outcome.as_str()) {
                    let got = if kinds.is_empty() {
                        // Say which subjects there are: a mistyped path is the
                        // usual cause.
                        let mut known: Vec<&str> = outcomes
                            .iter()
                            .filter(|(id, ..)| *id == exp.rule)
                            .map(|(_, s, ..)| {
                                if s.is_empty() {
                                    "\"\" (the document)"
                                } else {
                                    *s
                                }
                            })
                            .collect();
                        known.dedup();
                        known.truncate(6);
                        if known.is_empty() {
                            "no such subject (the rule has none)".to_string()
                        } else {
                            format!("no such subject; its subjects are {}", known.join(", "))
                        }
                    } else {
                        tally(&kinds)
                    };
                    differences.push(format!(
                        "{} {subject}: expected {}, got {got}",
                        exp.rule,
                        exp.outcome.as_str()
                    ));
                }
            }
        }
    }
    if differences.is_empty() {
        let _ = writeln!(out, "  ok      {}", case.name);
        run.passed += 1;
    } else {
        let _ = writeln!(out, "  FAILED  {}  ({place})", case.name);
        for d in differences {
            let _ = writeln!(out, "          {d}");
        }
        run.failed += 1;
    }
}

/// "1 fail, 2 pass", or "no subject" for a rule that produced none.
fn tally(kinds: &[&str]) -> String {
    if kinds.is_empty() {
        return "no subject (a `for` over an empty list)".to_string();
    }
    let mut parts = Vec::new();
    for k in ["fail", "error", "waived", "pass", "skip"] {
        let n = kinds.iter().filter(|x| **x == k).count();
        if n > 0 {
            parts.push(format!("{n} {k}"));
        }
    }
    parts.join(", ")
}

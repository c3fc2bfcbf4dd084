//! UI tests of conformance to the shapes of language v2 that the front end
//! cannot declare yet in this branch: open records (`..`) and `datetime`
//! fields. The pack `tests/conform/pack.policy` is loaded, then its record
//! `Subscription` is made open and its field `renewsAt` a `datetime`, as
//! `record Subscription { …, renewsAt: datetime?, .. }` will declare them.
//! Each directory under `tests/conform/` holds one input file (`plan.yaml` or
//! `plan.json`), checked through a [`Session`] like `preflight check` does;
//! the snapshot beside it holds the human form (the run's problems as the
//! terminal shows them, then the findings and the summary) and the JSON
//! form (findings, `errors` with their severities, summary), written by the
//! same streams the command line uses.
//!
//! Once the front end reads `..` and `datetime`, these cases belong in
//! `tests/check/` with the pack written out (and the exit code of
//! `--fail-on warning` checked on the binary).
//! Accept changes with `INSTA_UPDATE=always cargo test --test conform_ui`.

use std::path::{Path, PathBuf};

use preflight::data::read::Input;
use preflight::diagnostic::render_plain;
use preflight::model::types::Type;
use preflight::pack::Pack;
use preflight::report::{findings_human, findings_json};
use preflight::run::{Options, Session};

fn pack() -> Pack {
    let mut pack = Pack::load(&[PathBuf::from("tests/conform/pack.policy")]);
    assert!(pack.diagnostics.is_empty(), "{:?}", pack.diagnostics);
    let program = pack.program.as_mut().expect("the pack checks");
    let record = program
        .schema
        .records
        .iter_mut()
        .find(|r| r.name == "Subscription")
        .expect("Subscription is declared");
    record.open = true;
    record
        .fields
        .iter_mut()
        .find(|f| f.name == "renewsAt")
        .expect("renewsAt is declared")
        .ty = Type::DateTime;
    pack
}

fn run(pack: &Pack, input: &Path) -> String {
    let options = Options {
        today: Some("2026-03-01".into()),
        ..Options::default()
    };
    let mut session = Session::start(pack, &options).expect("the session starts");
    session.check_input(&Input::File(input.to_path_buf()), None);
    let checked = session.finish();
    let program = pack.program.as_ref().expect("a program");
    let mut human = render_plain(&checked.errors, &checked.sources, 100);
    let mut stream = findings_human::Stream::new(program, false, false, 100, Vec::new());
    let mut json = findings_json::Stream::new(program, false, Vec::new());
    for error in &checked.errors {
        json.error(&checked.sources, error);
    }
    for doc in &checked.documents {
        stream.document(&checked.sources, doc);
        json.document(&checked.sources, doc);
    }
    let errors = checked.errors.iter().any(|d| d.is_error());
    human.push_str(&String::from_utf8_lossy(&stream.finish(errors)));
    let json = String::from_utf8_lossy(&json.finish(&checked.sources, &[])).into_owned();
    format!("--- human\n{human}--- json\n{json}")
}

#[test]
fn conform_ui() {
    let pack = pack();
    let mut cases: Vec<PathBuf> = std::fs::read_dir("tests/conform")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 4, "cases: {cases:?}");
    for case in cases {
        let input = ["plan.yaml", "plan.json"]
            .iter()
            .map(|f| case.join(f))
            .find(|p| p.is_file())
            .unwrap_or_else(|| panic!("{} has no plan", case.display()));
        let output = run(&pack, &input);
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        insta::with_settings!({
            snapshot_path => Path::new("conform").join(&name),
            prepend_module_to_snapshot => false,
            description => input.display().to_string(),
            omit_expression => true,
        }, {
            insta::assert_snapshot!(name, output);
        });
    }
}

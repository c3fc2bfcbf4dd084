//! preflight itself: the default pack prepared once, documents conformed once.

use std::collections::BTreeSet;

use preflight::data::conform::{conform, conform_text};
use preflight::data::json::parse_json;
use preflight::data::yaml::parse_yaml;
use preflight::eval::{Evaluator, Keep, OutcomeKind};
use preflight::model::value::Value;
use preflight::pack::Pack;
use preflight::source::Sources;

use super::Violations;

/// The five preconditions without the `let`s and `help` that only explain a
/// finding (`lean.policy`).
pub const LEAN_PRECONDITIONS: &str = include_str!("lean.policy");

/// A loaded pack with its data and params, ready to build an [`Evaluator`].
#[derive(Debug)]
pub struct Preflight {
    /// The pack (it must load without errors).
    pub pack: Pack,
    /// The values of the pack's `data` declarations, in order.
    data: Vec<Value>,
    params: Vec<Value>,
}

impl Preflight {
    /// The whole default pack (`policies/csp/`, as compiled into preflight) with
    /// its catalog and the params' defaults.
    pub fn default_pack() -> Preflight {
        Preflight::with_pack(Pack::embedded())
    }

    /// The default pack's schema and only the five [`crate::PRECONDITIONS`], their
    /// text copied from the default pack compiled into preflight.
    pub fn preconditions() -> Preflight {
        let full = Pack::embedded();
        let mut rules = String::new();
        for id in crate::PRECONDITIONS {
            let text = full
                .sources
                .iter()
                .find_map(|(_, f)| rule_text(f.text(), id))
                .unwrap_or_else(|| panic!("the default pack has no rule `{id}`"));
            rules.push_str(text);
            rules.push('\n');
        }
        // The pack functions the rules may call, as written.
        for f in &full
            .program
            .as_ref()
            .expect("the default pack loads")
            .functions
        {
            let (name, body) = (f.name_span, f.body.span);
            let span =
                preflight::source::Span::new(name.file, name.start as usize, body.end as usize);
            rules.push_str("fn ");
            rules.push_str(full.sources.slice(span));
            rules.push('\n');
        }
        let schema = full
            .sources
            .iter()
            .find(|(_, f)| f.name().ends_with("/schema.policy"))
            .map(|(_, f)| f.text().to_string())
            .expect("the default pack has a schema.policy");
        Preflight::with_pack(Pack::from_texts([
            ("schema.policy", schema.as_str()),
            ("preconditions.policy", rules.as_str()),
        ]))
    }

    /// The default pack's schema and [`LEAN_PRECONDITIONS`]: the five rules with
    /// the same clauses but none of the `let`s and `help` that explain a finding.
    pub fn lean_preconditions() -> Preflight {
        let full = Pack::embedded();
        let schema = full
            .sources
            .iter()
            .find(|(_, f)| f.name().ends_with("/schema.policy"))
            .map(|(_, f)| f.text().to_string())
            .expect("the default pack has a schema.policy");
        Preflight::with_pack(Pack::from_texts([
            ("schema.policy", schema.as_str()),
            ("lean.policy", LEAN_PRECONDITIONS),
        ]))
    }

    fn with_pack(pack: Pack) -> Preflight {
        let Some(program) = pack.program.as_ref() else {
            let messages: Vec<&str> = pack
                .diagnostics
                .iter()
                .map(|d| d.message.as_str())
                .collect();
            panic!("the pack does not load: {messages:?}");
        };
        // Every `data` declaration gets the default pack's file for it (the
        // catalog, the region table), as `preflight check` would load it.
        let full = Pack::embedded();
        let mut sources = Sources::new();
        let data: Vec<Value> = program
            .data
            .iter()
            .map(|decl| {
                let (path, _) = decl.path.as_ref().expect("each data declares its file");
                let (name, text) = full
                    .embedded_data(path)
                    .unwrap_or_else(|| panic!("the default pack has `{path}`"));
                let (mut nodes, error) = parse_yaml(text);
                assert!(error.is_none(), "{name} parses");
                let node = nodes.pop().expect("a data file is one document");
                let file = sources.add(name.clone(), text);
                let (value, _warnings) =
                    conform(&program.schema, &decl.ty, &node, file, &decl.name)
                        .unwrap_or_else(|e| panic!("{name} conforms: {:?}", messages(&e)));
                value
            })
            .collect();
        let params = program
            .params
            .iter()
            .map(|p| Value::from_const(&p.default))
            .collect();
        Preflight { pack, data, params }
    }

    /// An evaluator of the pack, with the catalog and the params' defaults;
    /// `today()` is 2026-03-01 (none of the five preconditions reads it).
    pub fn evaluator(&self) -> Evaluator<'_> {
        let program = self.pack.program.as_ref().expect("the pack loaded");
        Evaluator::new(
            program,
            &self.pack.sources,
            self.data.clone(),
            self.params.clone(),
            jiff::civil::date(2026, 3, 1),
        )
    }

    /// The documents as the evaluator takes them: each one's JSON text parsed by
    /// preflight's JSON parser and conformed to the pack's input type. Panics with
    /// the conformance errors of the first document that does not conform.
    pub fn conform(&self, docs: &[serde_json::Value]) -> Vec<Value> {
        let program = self.pack.program.as_ref().expect("the pack loaded");
        let mut sources = Sources::new();
        docs.iter()
            .enumerate()
            .map(|(i, doc)| {
                let text = doc.to_string();
                let file = sources.add(format!("doc-{i}.json"), text.as_str());
                let node = parse_json(&text, 0)
                    .unwrap_or_else(|e| panic!("document {i} parses: {}", e.message));
                conform_text(
                    &program.schema,
                    &program.input.ty,
                    &node,
                    file,
                    &text,
                    &program.input.name,
                )
                .map(|(value, _warnings)| value)
                .unwrap_or_else(|e| panic!("document {i} does not conform: {:?}", messages(&e)))
            })
            .collect()
    }
}

/// The rules of `evaluator`'s pack that fail on `doc`, by id. Panics on an
/// `error` outcome: generated documents never cause one.
pub fn failing_rules(evaluator: &Evaluator<'_>, doc: &Value) -> Violations {
    let program = evaluator.program();
    let outcomes = evaluator.evaluate(doc, Keep::Findings);
    let mut failing = BTreeSet::new();
    for o in &outcomes.outcomes {
        let id = program.rules[o.rule].id.clone();
        match o.kind {
            OutcomeKind::Fail => {
                failing.insert(id);
            }
            OutcomeKind::Error => panic!(
                "rule `{id}` errs on {}: {:?}",
                o.subject,
                o.finding.as_ref().and_then(|f| f.error.as_ref())
            ),
            OutcomeKind::Pass | OutcomeKind::Skip => {}
        }
    }
    failing
}

/// The answers of [`failing_rules`] for every document.
pub fn answers(engine: &'static str, evaluator: &Evaluator<'_>, docs: &[Value]) -> super::Answers {
    super::Answers {
        engine,
        violations: docs.iter().map(|d| failing_rules(evaluator, d)).collect(),
    }
}

/// The text of `rule ID { … }` in a policy file, with its doc comment: from the
/// doc comment's first line to the `}` that closes the rule at the start of a
/// line.
pub fn rule_text<'t>(text: &'t str, id: &str) -> Option<&'t str> {
    let head = format!("rule {id} {{");
    let start = text
        .match_indices(&head)
        .map(|(i, _)| i)
        .find(|&i| i == 0 || text.as_bytes()[i - 1] == b'\n')?;
    // Back over the `///` lines just before it.
    let mut first = start;
    while first > 0 {
        let prev_end = first - 1;
        let prev_start = text[..prev_end].rfind('\n').map_or(0, |i| i + 1);
        if text[prev_start..prev_end].starts_with("///") {
            first = prev_start;
        } else {
            break;
        }
    }
    let end = text[start..].find("\n}").map(|i| start + i + 2)?;
    Some(&text[first..end])
}

fn messages(diagnostics: &[preflight::diagnostic::Diagnostic]) -> Vec<String> {
    diagnostics.iter().map(|d| d.message.clone()).collect()
}

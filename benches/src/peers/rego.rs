//! Rego (`regorus`): the five preconditions as a `violations` set
//! (`preconditions.rego`), with the catalog as `data.catalog` and each plan as
//! `input`. Evaluated by regorus's tree-walking interpreter ([`Rego`], the
//! `Engine` API) or compiled to its register virtual machine ([`RegoVm`]).

use std::sync::Arc;

use regorus::languages::rego::compiler::Compiler;
use regorus::rvm::RegoVM;
use regorus::rvm::program::Program;
use regorus::{Engine, Value};

use super::{Answers, Violations};
use crate::catalog::Catalog;

/// The Rego policy of the preconditions.
pub const POLICY: &str = include_str!("preconditions.rego");
/// The rule evaluated for each plan.
pub const RULE: &str = "data.preflight.violations";

/// A plan as Rego input: `serde_json`'s value converted to regorus's.
pub fn convert(doc: &serde_json::Value) -> Value {
    Value::from(doc.clone())
}

fn data(catalog: &Catalog) -> Value {
    let mut data = serde_json::Map::new();
    data.insert("catalog".into(), catalog.json.clone());
    Value::from(serde_json::Value::Object(data))
}

fn violation_set(v: &Value) -> Violations {
    match v {
        Value::Set(s) => s
            .iter()
            .map(|x| match x {
                Value::String(s) => s.to_string(),
                other => panic!("a violation that is not a string: {other}"),
            })
            .collect(),
        // A set rule with no element is an empty set, never undefined, but take
        // both.
        Value::Undefined => Violations::new(),
        other => panic!("`violations` is not a set: {other}"),
    }
}

fn engine(catalog: &Catalog) -> Engine {
    let mut engine = Engine::new();
    engine
        .add_policy("preconditions.rego".into(), POLICY.into())
        .unwrap_or_else(|e| panic!("the Rego policy parses: {e}"));
    engine
        .add_data(data(catalog))
        .unwrap_or_else(|e| panic!("the catalog loads as data: {e}"));
    engine
}

/// The policy and the catalog loaded into a regorus `Engine` once; each plan is
/// set as input and `violations` evaluated.
pub struct Rego {
    engine: Engine,
}

impl Rego {
    /// An engine with the policy and the catalog.
    pub fn new(catalog: &Catalog) -> Rego {
        Rego {
            engine: engine(catalog),
        }
    }

    /// `violations` for one plan, as regorus returns it (a set of strings).
    pub fn evaluate(&mut self, input: &Value) -> Value {
        self.engine.set_input(input.clone());
        self.engine
            .eval_rule(RULE.into())
            .unwrap_or_else(|e| panic!("Rego evaluation fails: {e}"))
    }

    /// Whether the plan violates any precondition.
    pub fn violates(&mut self, input: &Value) -> bool {
        match self.evaluate(input) {
            Value::Set(s) => !s.is_empty(),
            _ => false,
        }
    }

    /// The preconditions the plan violates.
    pub fn violations(&mut self, input: &Value) -> Violations {
        violation_set(&self.evaluate(input))
    }

    /// The answers of [`Rego::violations`] for every document.
    pub fn answers(&mut self, docs: &[Value]) -> Answers {
        Answers {
            engine: "regorus",
            violations: docs.iter().map(|d| self.violations(d)).collect(),
        }
    }
}

/// The policy compiled once to a regorus RVM program, run by one virtual machine
/// with the catalog as data.
pub struct RegoVm {
    vm: RegoVM,
}

impl RegoVm {
    /// Compiles the policy (with the catalog) for the `violations` entry point.
    pub fn new(catalog: &Catalog) -> RegoVm {
        let mut engine = engine(catalog);
        let compiled = engine
            .compile_with_entrypoint(&RULE.into())
            .unwrap_or_else(|e| panic!("the Rego policy compiles: {e}"));
        let program: Arc<Program> = Compiler::compile_from_policy(&compiled, &[RULE])
            .unwrap_or_else(|e| panic!("the Rego policy compiles to an RVM program: {e}"));
        let mut vm = RegoVM::new_with_policy(compiled);
        vm.load_program(program);
        vm.set_data(data(catalog))
            .unwrap_or_else(|e| panic!("the catalog loads as RVM data: {e}"));
        // The default instruction budget (25,000) is for untrusted policies; a
        // plan of many subscriptions needs more.
        vm.set_max_instructions(usize::MAX);
        RegoVm { vm }
    }

    /// `violations` for one plan.
    pub fn evaluate(&mut self, input: &Value) -> Value {
        self.vm.set_input(input.clone());
        self.vm
            .execute_entry_point_by_name(RULE)
            .unwrap_or_else(|e| panic!("RVM evaluation fails: {e}"))
    }

    /// Whether the plan violates any precondition.
    pub fn violates(&mut self, input: &Value) -> bool {
        match self.evaluate(input) {
            Value::Set(s) => !s.is_empty(),
            _ => false,
        }
    }

    /// The preconditions the plan violates.
    pub fn violations(&mut self, input: &Value) -> Violations {
        violation_set(&self.evaluate(input))
    }

    /// The answers of [`RegoVm::violations`] for every document.
    pub fn answers(&mut self, docs: &[Value]) -> Answers {
        Answers {
            engine: "regorus-rvm",
            violations: docs.iter().map(|d| self.violations(d)).collect(),
        }
    }
}

//! The five preconditions ([`crate::PRECONDITIONS`]) in three engines, over the
//! same generated documents:
//!
//! - [`preflight`]: the default pack's own rules (the whole pack, or a pack of
//!   its schema and just those five rules);
//! - [`cedar`]: a Cedar schema and policies (`preconditions.cedarschema`,
//!   `preconditions.cedar`), one authorization request per transfer plus one per
//!   subscription with a target;
//! - [`rego`]: a Rego package (`preconditions.rego`) with a `violations` set,
//!   evaluated by regorus's interpreter or by its virtual machine (RVM).
//!
//! Each engine takes the documents converted to its own input form once, outside
//! any timed loop, and answers with the set of preconditions a document violates.
//! [`assert_agreement`] checks that every engine gives the same set for every
//! document before anything is timed.

pub mod cedar;
pub mod preflight;
pub mod rego;

use std::collections::BTreeSet;

use crate::generate::Plan;

/// The preconditions one engine found violated by one document, by rule id.
pub type Violations = BTreeSet<String>;

/// One engine's answers for a list of documents, in document order.
#[derive(Debug, Clone)]
pub struct Answers {
    /// The engine's name, for messages.
    pub engine: &'static str,
    /// Per document, the preconditions it violates.
    pub violations: Vec<Violations>,
}

/// Panics, naming the first document and the engines that disagree, unless every
/// engine's answers equal the violation planted in each plan (none, or exactly
/// that one precondition). Returns the number of documents with a violation.
pub fn assert_agreement(plans: &[Plan], answers: &[Answers]) -> usize {
    for a in answers {
        assert_eq!(
            a.violations.len(),
            plans.len(),
            "{} answered for {} of {} documents",
            a.engine,
            a.violations.len(),
            plans.len()
        );
    }
    for (i, plan) in plans.iter().enumerate() {
        let expected: Violations = plan.planted.iter().map(|p| p.to_string()).collect();
        let wrong: Vec<&Answers> = answers
            .iter()
            .filter(|a| a.violations[i] != expected)
            .collect();
        if !wrong.is_empty() {
            let all: Vec<String> = answers
                .iter()
                .map(|a| format!("  {}: {:?}", a.engine, a.violations[i]))
                .collect();
            panic!(
                "the engines disagree on document {i} ({}): planted {expected:?}, found\n{}\ndocument: {}",
                plan.doc["id"],
                all.join("\n"),
                plan.doc
            );
        }
    }
    plans.iter().filter(|p| p.planted.is_some()).count()
}

//! Cedar (`cedar-policy`): the five preconditions as `forbid` policies over an
//! entity model of the plan (`preconditions.cedarschema`, `preconditions.cedar`).
//!
//! Cedar answers authorization requests, and its policies cannot quantify over a
//! set ("some subscription whose …"), so the idiomatic model asks one question per
//! decision the partner makes: one `transfer` request (principal: the partner;
//! resource: the customer) for the transfer-level preconditions, and one
//! `provision` request per subscription with a target (resource: the
//! subscription; context: the offer and quantity to provision) for the
//! subscription-level ones. A plan violates a precondition when some request is
//! denied with that policy among the reasons.

use std::collections::BTreeSet;
use std::str::FromStr as _;

use cedar_policy::{
    Authorizer, Context, Decision, Entities, EntityUid, PolicyId, PolicySet, Request, Schema,
    ValidationMode, Validator,
};
use serde_json::{Value as Json, json};

use super::{Answers, Violations};
use crate::catalog::Catalog;

/// The Cedar schema of the preconditions.
pub const SCHEMA: &str = include_str!("preconditions.cedarschema");
/// The Cedar policies of the preconditions.
pub const POLICIES: &str = include_str!("preconditions.cedar");

/// The schema and policies, parsed and validated once.
pub struct Cedar {
    schema: Schema,
    policies: PolicySet,
    authorizer: Authorizer,
}

/// One plan as Cedar input: its entity store and its requests.
pub struct CedarDoc {
    /// The partner, the customer, its subscriptions, and the catalog's offers.
    pub entities: Entities,
    /// The `transfer` request, then one `provision` request per subscription with
    /// a target.
    pub requests: Vec<Request>,
}

impl Cedar {
    /// Parses the schema and the policies, and validates the policies against the
    /// schema (strict mode). Each policy's id is its `@id` annotation, the default
    /// pack's rule id.
    pub fn new() -> Cedar {
        let (schema, warnings) = Schema::from_cedarschema_str(SCHEMA)
            .unwrap_or_else(|e| panic!("the Cedar schema parses: {e:?}"));
        let warnings: Vec<String> = warnings.map(|w| w.to_string()).collect();
        assert!(warnings.is_empty(), "Cedar schema warnings: {warnings:?}");
        let parsed = PolicySet::from_str(POLICIES)
            .unwrap_or_else(|e| panic!("the Cedar policies parse: {e:?}"));
        let mut policies = PolicySet::new();
        for p in parsed.policies() {
            let id = p
                .annotation("id")
                .expect("every policy has an @id")
                .to_string();
            policies
                .add(p.new_id(PolicyId::new(id)))
                .expect("policy ids are unique");
        }
        let validation = Validator::new(schema.clone()).validate(&policies, ValidationMode::Strict);
        assert!(
            validation.validation_passed_without_warnings(),
            "the Cedar policies validate: {validation}"
        );
        Cedar {
            schema,
            policies,
            authorizer: Authorizer::new(),
        }
    }

    /// A plan (the default pack's `Transfer` as JSON) as Cedar entities and
    /// requests, checked against the schema.
    pub fn convert(&self, doc: &Json, catalog: &Catalog) -> CedarDoc {
        let entity = |ty: &str, id: &str| json!({"__entity": {"type": ty, "id": id}});
        let partner_id = doc["partner"]["id"].as_str().unwrap_or_default();
        let customer_id = doc["customer"]["tenant_id"].as_str().unwrap_or_default();
        let partner = entity("Partner", partner_id);
        let resellers: Vec<Json> = if doc["relationship"] == "accepted" {
            vec![partner.clone()]
        } else {
            Vec::new()
        };
        let mut entities = vec![
            json!({
                "uid": {"type": "Partner", "id": partner_id},
                "attrs": {"region": doc["partner"]["region"]},
                "parents": [],
            }),
            json!({
                "uid": {"type": "Customer", "id": customer_id},
                "attrs": {"region": doc["customer"]["region"], "resellers": resellers},
                "parents": [],
            }),
        ];
        for o in &catalog.offers {
            entities.push(json!({
                "uid": {"type": "Offer", "id": o.id},
                "attrs": {
                    "discontinued": o.discontinued,
                    "equivalents": o.equivalents.iter().map(|e| entity("Offer", e)).collect::<Vec<_>>(),
                },
                "parents": [],
            }));
        }
        let uid = |ty: &str, id: &str| {
            EntityUid::from_json(json!({"type": ty, "id": id})).expect("a valid entity uid")
        };
        let principal = uid("Partner", partner_id);
        let transfer = uid("Action", "transfer");
        let provision = uid("Action", "provision");
        let mut requests = vec![
            Request::new(
                principal.clone(),
                transfer,
                uid("Customer", customer_id),
                Context::empty(),
                Some(&self.schema),
            )
            .expect("the transfer request conforms to the schema"),
        ];
        let no_subs = Vec::new();
        for s in doc["subscriptions"].as_array().unwrap_or(&no_subs) {
            let sub_id = s["id"].as_str().unwrap_or_default();
            entities.push(json!({
                "uid": {"type": "Subscription", "id": sub_id},
                "attrs": {"offer": entity("Offer", s["offer"].as_str().unwrap_or_default()), "quantity": s["quantity"]},
                "parents": [{"type": "Customer", "id": customer_id}],
            }));
            let Some(target) = s.get("target") else {
                continue;
            };
            let context = Context::from_json_value(
                json!({
                    "offer": entity("Offer", target["offer"].as_str().unwrap_or_default()),
                    "quantity": target["quantity"],
                }),
                Some((&self.schema, &provision)),
            )
            .expect("the provision context conforms to the schema");
            requests.push(
                Request::new(
                    principal.clone(),
                    provision.clone(),
                    uid("Subscription", sub_id),
                    context,
                    Some(&self.schema),
                )
                .expect("the provision request conforms to the schema"),
            );
        }
        let entities = Entities::from_json_value(Json::Array(entities), Some(&self.schema))
            .unwrap_or_else(|e| panic!("the entities conform to the schema: {e:?}"));
        CedarDoc { entities, requests }
    }

    /// Whether any request of the plan is denied: every request is decided (no
    /// early exit), as the other engines evaluate every rule.
    pub fn violates(&self, doc: &CedarDoc) -> bool {
        let mut denied = false;
        for r in &doc.requests {
            let response = self
                .authorizer
                .is_authorized(r, &self.policies, &doc.entities);
            denied |= response.decision() == Decision::Deny;
        }
        denied
    }

    /// The preconditions the plan violates: the reasons of its denied requests.
    /// Panics if a policy could not be evaluated.
    pub fn violations(&self, doc: &CedarDoc) -> Violations {
        let mut out = BTreeSet::new();
        for r in &doc.requests {
            let response = self
                .authorizer
                .is_authorized(r, &self.policies, &doc.entities);
            let errors: Vec<String> = response
                .diagnostics()
                .errors()
                .map(|e| e.to_string())
                .collect();
            assert!(errors.is_empty(), "Cedar evaluation errors: {errors:?}");
            if response.decision() == Decision::Deny {
                out.extend(response.diagnostics().reason().map(|id| id.to_string()));
            }
        }
        out
    }

    /// The answers of [`Cedar::violations`] for every document.
    pub fn answers(&self, docs: &[CedarDoc]) -> Answers {
        Answers {
            engine: "cedar",
            violations: docs.iter().map(|d| self.violations(d)).collect(),
        }
    }
}

impl Default for Cedar {
    fn default() -> Cedar {
        Cedar::new()
    }
}

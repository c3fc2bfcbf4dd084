//! The default pack's offer catalog (`policies/csp/catalog.yaml`), read with
//! preflight's own YAML loader, as the generator and the peer engines need it.

use preflight::data::node::{Node, NodeKind};
use preflight::data::yaml::parse_yaml;

/// The text of the default pack's catalog, as compiled into this crate.
pub const DEFAULT_CATALOG_YAML: &str = include_str!("../../policies/csp/catalog.yaml");

/// One offer of the catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    /// The catalog key (Partner Center offer id).
    pub id: String,
    /// The name the offer is sold under.
    pub name: String,
    /// Whether the offer is no longer sold.
    pub discontinued: bool,
    /// Keys of the offers a holder can move to without losing data.
    pub equivalents: Vec<String>,
    /// Fewest licenses the offer is sold with, when limited.
    pub min_quantity: Option<i64>,
    /// Most licenses the offer is sold with, when limited.
    pub max_quantity: Option<i64>,
}

impl Offer {
    /// Whether `quantity` licenses of this offer can be ordered.
    pub fn allows(&self, quantity: i64) -> bool {
        self.min_quantity.is_none_or(|m| quantity >= m)
            && self.max_quantity.is_none_or(|m| quantity <= m)
    }
}

/// An offer catalog: its offers in file order, and the whole file as JSON (the
/// form the Rego peer takes as `data.catalog`).
#[derive(Debug, Clone)]
pub struct Catalog {
    /// The offers, in the order the file lists them.
    pub offers: Vec<Offer>,
    /// The catalog as JSON: `{"offers": {KEY: {...}}}`.
    pub json: serde_json::Value,
}

impl Catalog {
    /// The default pack's catalog. Panics if the file compiled in is not a catalog
    /// (it is checked by the pack's own tests).
    pub fn default_pack() -> Catalog {
        match Catalog::from_yaml(DEFAULT_CATALOG_YAML) {
            Ok(c) => c,
            Err(e) => panic!("the default catalog does not load: {e}"),
        }
    }

    /// A catalog from YAML text in the default pack's `Catalog` shape.
    pub fn from_yaml(text: &str) -> Result<Catalog, String> {
        let (docs, error) = parse_yaml(text);
        if let Some(e) = error {
            return Err(e.message);
        }
        let [doc] = docs.as_slice() else {
            return Err(format!("expected one YAML document, found {}", docs.len()));
        };
        let json = node_to_json(doc);
        let offers = json
            .get("offers")
            .and_then(|o| o.as_object())
            .ok_or("no `offers` mapping")?
            .iter()
            .map(|(id, o)| Offer {
                id: id.clone(),
                name: o["name"].as_str().unwrap_or_default().to_string(),
                discontinued: o["discontinued"].as_bool().unwrap_or(false),
                equivalents: o["equivalents"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|e| e.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default(),
                min_quantity: o.get("min_quantity").and_then(|q| q.as_i64()),
                max_quantity: o.get("max_quantity").and_then(|q| q.as_i64()),
            })
            .collect();
        Ok(Catalog { offers, json })
    }

    /// The offer under `id`.
    pub fn get(&self, id: &str) -> Option<&Offer> {
        self.offers.iter().find(|o| o.id == id)
    }
}

/// A parsed data value as `serde_json`'s value (positions dropped). Integers too
/// big for 64 bits become `null`; they do not occur in catalogs.
pub fn node_to_json(node: &Node) -> serde_json::Value {
    use serde_json::Value as J;
    match &node.kind {
        NodeKind::Null | NodeKind::BigInt => J::Null,
        NodeKind::Bool(b) => J::Bool(*b),
        NodeKind::Int(i) => J::from(*i),
        NodeKind::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
        NodeKind::Str(s) => J::String(s.clone()),
        NodeKind::Array(items) => J::Array(items.iter().map(node_to_json).collect()),
        NodeKind::Object(entries) => J::Object(
            entries
                .iter()
                .map(|e| (e.key.clone(), node_to_json(&e.value)))
                .collect(),
        ),
    }
}

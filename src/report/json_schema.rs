//! The pack's `input` type as a JSON Schema (draft 2020-12), for editors and for
//! generators of plans (`preflight schema`).
//!
//! Records become objects with `required` fields and `additionalProperties:
//! false` (conformance rejects unknown fields too), or `true` for an open
//! record (declared with `..`: unknown fields are ignored); optional fields may
//! be absent or `null`; enums are strings with `enum`; dates are strings with
//! `format: date`, datetimes with `format: date-time`; lists are arrays and maps objects with `additionalProperties`. Doc
//! comments become `description`s. Every record and enum reachable from the
//! input is a definition under `$defs`, referenced by name.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use crate::model::program::Program;
use crate::model::types::Type;

/// The JSON Schema of the documents `program` checks.
pub fn input_schema(program: &Program) -> Value {
    let schema = &program.schema;
    let mut defs = Map::new();
    let mut pending = vec![program.input.ty.clone()];
    let mut seen: BTreeSet<String> = BTreeSet::new();
    while let Some(ty) = pending.pop() {
        match &ty {
            Type::Record(id) => {
                let Some(record) = schema.record(*id) else {
                    continue;
                };
                if !seen.insert(record.name.clone()) {
                    continue;
                }
                let mut properties = Map::new();
                let mut required = Vec::new();
                for field in &record.fields {
                    let mut prop = type_schema(&field.ty, program);
                    if field.optional {
                        prop = json!({ "anyOf": [prop, { "type": "null" }] });
                    } else {
                        required.push(Value::String(field.name.clone()));
                    }
                    if let (Some(doc), Value::Object(map)) = (&field.doc, &mut prop) {
                        map.insert("description".into(), Value::String(doc.clone()));
                    }
                    properties.insert(field.name.clone(), prop);
                    pending.push(field.ty.clone());
                }
                let mut def = json!({
                    "type": "object",
                    "properties": properties,
                    "required": required,
                    // An open record ignores keys it does not declare.
                    "additionalProperties": record.open,
                });
                describe(&mut def, record.doc.as_deref());
                defs.insert(record.name.clone(), def);
            }
            Type::Enum(id) => {
                let Some(def) = schema.enum_def(*id) else {
                    continue;
                };
                if !seen.insert(def.name.clone()) {
                    continue;
                }
                let members: Vec<Value> = def
                    .members
                    .iter()
                    .map(|m| Value::String(m.value.clone()))
                    .collect();
                let mut out = json!({ "type": "string", "enum": members });
                let documented: Vec<String> = def
                    .members
                    .iter()
                    .filter_map(|m| m.doc.as_ref().map(|d| format!("`{}`: {d}", m.value)))
                    .collect();
                let doc = match (&def.doc, documented.is_empty()) {
                    (Some(d), true) => Some(d.clone()),
                    (Some(d), false) => Some(format!("{d}\n\n{}", documented.join("\n"))),
                    (None, false) => Some(documented.join("\n")),
                    (None, true) => None,
                };
                describe(&mut out, doc.as_deref());
                defs.insert(def.name.clone(), out);
            }
            Type::List(inner) | Type::Map(inner) => pending.push((**inner).clone()),
            _ => {}
        }
    }
    let mut root = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": format!("{} ({})", program.input.name, program.input.ty.display(schema)),
    });
    if let (Value::Object(root_map), Value::Object(input)) =
        (&mut root, type_schema(&program.input.ty, program))
    {
        root_map.extend(input);
        if let Some(doc) = &program.input.doc {
            root_map.insert("description".into(), Value::String(doc.clone()));
        }
        root_map.insert("$defs".into(), Value::Object(defs));
    }
    root
}

/// The schema of a value of type `ty`: a reference for records and enums.
fn type_schema(ty: &Type, program: &Program) -> Value {
    match ty {
        Type::Bool => json!({ "type": "boolean" }),
        Type::Int => json!({ "type": "integer", "minimum": i64::MIN, "maximum": i64::MAX }),
        Type::String => json!({ "type": "string" }),
        // The pattern lets editors catch the shape; conformance also checks
        // that the day exists.
        Type::Date => {
            json!({ "type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" })
        }
        Type::DateTime => json!({ "type": "string", "format": "date-time" }),
        Type::Enum(_) | Type::Record(_) => {
            json!({ "$ref": format!("#/$defs/{}", ty.display(&program.schema)) })
        }
        Type::List(inner) => json!({ "type": "array", "items": type_schema(inner, program) }),
        Type::Map(inner) => {
            json!({ "type": "object", "additionalProperties": type_schema(inner, program) })
        }
        Type::Unknown => json!({}),
    }
}

fn describe(value: &mut Value, doc: Option<&str>) {
    if let (Some(doc), Value::Object(map)) = (doc, value) {
        map.insert("description".into(), Value::String(doc.to_string()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pack::Pack;

    #[test]
    fn open_records_allow_other_properties_and_datetimes_have_their_format() {
        let pack = Pack::from_texts([(
            "p.policy",
            "record Sub { id: string, at: date? }\nrecord Plan { subs: [Sub] }\ninput plan: Plan\n",
        )]);
        let Some(mut program) = pack.program else {
            panic!("{:?}", pack.diagnostics)
        };
        // `record Sub { id: string, at: datetime?, .. }`, once the front end reads it.
        for record in &mut program.schema.records {
            if record.name == "Sub" {
                record.open = true;
                for field in &mut record.fields {
                    if field.name == "at" {
                        field.ty = Type::DateTime;
                    }
                }
            }
        }
        let schema = input_schema(&program);
        let defs = &schema["$defs"];
        assert_eq!(defs["Sub"]["additionalProperties"], json!(true));
        assert_eq!(defs["Plan"]["additionalProperties"], json!(false));
        assert_eq!(
            defs["Sub"]["properties"]["at"]["anyOf"][0],
            json!({ "type": "string", "format": "date-time" })
        );
    }
}

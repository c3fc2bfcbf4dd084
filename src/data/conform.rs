//! Conformance: checking a parsed document against its declared type and
//! converting it into [`Value`]s.
//!
//! Every mismatch is reported at its place in the data file, with what was
//! expected and what to write instead; a misspelt field is never silently ignored
//! (language.md §3, "Data conformance"). A document with any error yields no value
//! and is not evaluated. Records become positional slots here, so the evaluator
//! reads fields by index and never by name.

use std::sync::Arc;

use super::node::{Entry, Node, NodeKind};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::date::date_help;
use crate::model::datetime::{datetime_help, parse_datetime};
use crate::model::types::Type;
use crate::model::types::{RecordDef, Schema};
use crate::model::value::{Map, Value};
use crate::source::{FileId, Span};
use crate::suggest;

/// At most this many conformance errors are reported per document; past it one
/// more diagnostic says how many were left out. A wrong file (say, a plan given
/// where a catalog was expected) would otherwise print thousands of lines.
pub const MAX_ERRORS_PER_DOCUMENT: usize = 20;

/// A conformed value with the warnings found on the way (near misses of open
/// records), or the errors (warnings included) that keep it from being one.
pub type Conformed = Result<(Value, Vec<Diagnostic>), Vec<Diagnostic>>;

/// Checks `node` against `ty` and converts it. `file` is the file the node was
/// parsed from, for the diagnostics' spans; `what` names the whole value in
/// messages (`transfer`, `catalog`).
pub fn conform(schema: &Schema, ty: &Type, node: &Node, file: FileId, what: &str) -> Conformed {
    conform_text(schema, ty, node, file, "", what)
}

/// [`conform`], with the text the node was parsed from: numbers are then judged
/// by their literal (`25.0` is a whole number, `25.0000000000000001` is not,
/// whatever a 64-bit float makes of them) and messages quote what was written.
pub fn conform_text(
    schema: &Schema,
    ty: &Type,
    node: &Node,
    file: FileId,
    text: &str,
    what: &str,
) -> Conformed {
    let mut c = Conformer {
        schema,
        text,
        file,
        errors: Vec::new(),
        dropped: 0,
    };
    let value = c.value(ty, node, What::Root(what));
    // In file order, whatever order the checks ran in.
    c.errors
        .sort_by_key(|d| d.primary_span().map(|s| (s.start, s.end)));
    if c.dropped > 0 {
        c.errors.push(
            Diagnostic::error(
                Code::Data,
                format!("{} more error(s) in this document are not shown", c.dropped),
            )
            .label(c.span(node), "in this document"),
        );
    }
    match value {
        Some(v) if !c.errors.iter().any(Diagnostic::is_error) => Ok((v, c.errors)),
        _ => Err(c.errors),
    }
}

struct Conformer<'a> {
    schema: &'a Schema,
    text: &'a str,
    file: FileId,
    errors: Vec<Diagnostic>,
    dropped: usize,
}

impl Conformer<'_> {
    fn span(&self, node: &Node) -> Span {
        Span::new(self.file, node.start as usize, node.end as usize)
    }

    /// The node's text as written (empty when the text is not known).
    fn literal(&self, node: &Node) -> &str {
        self.text
            .get(node.start as usize..node.end as usize)
            .unwrap_or("")
    }

    fn out_of_range(&mut self, node: &Node, what: What<'_>) -> Option<Value> {
        self.fail(
            node,
            format!("`{what}` is out of the range of a 64-bit integer"),
            if self.literal(node).trim_start().starts_with('-') {
                "too small"
            } else {
                "too large"
            },
            Some(format!("integers go from {} to {}", i64::MIN, i64::MAX)),
        )
    }

    fn key_span(&self, entry: &Entry) -> Span {
        Span::new(self.file, entry.key_start as usize, entry.key_end as usize)
    }

    fn report(&mut self, diagnostic: Diagnostic) {
        if self.errors.len() < MAX_ERRORS_PER_DOCUMENT {
            self.errors.push(diagnostic);
        } else {
            self.dropped += 1;
        }
    }

    /// `what` is the path of the value as a rule would write it
    /// (`transfer.subscriptions[0].quantity`), for messages.
    fn value(&mut self, ty: &Type, node: &Node, what: What<'_>) -> Option<Value> {
        match (ty, &node.kind) {
            (Type::Bool, NodeKind::Bool(b)) => Some(Value::Bool(*b)),
            (Type::Int, NodeKind::Int(i)) => Some(Value::Int(*i)),
            (Type::Int, NodeKind::BigInt) => self.out_of_range(node, what),
            (Type::Int, NodeKind::Float(f)) => match whole_number(self.literal(node)) {
                Some(Ok(i)) => Some(Value::Int(i)),
                Some(Err(())) => self.out_of_range(node, what),
                None if self.text.is_empty() && f.fract() == 0.0 && f.abs() < 9.0e18 => {
                    // No text to judge by: the float's own value.
                    #[expect(
                        clippy::cast_possible_truncation,
                        reason = "whole and well inside the i64 range, checked just above"
                    )]
                    Some(Value::Int(*f as i64))
                }
                None => self.fail(
                    node,
                    format!("`{what}` must be a whole number"),
                    "not an integer",
                    Some(if f.is_finite() {
                        format!(
                            "`int` values are written without a fraction, e.g. `{}`",
                            f.trunc()
                        )
                    } else {
                        "`int` values are whole numbers within the 64-bit range".to_string()
                    }),
                ),
            },
            (
                Type::String | Type::Date | Type::DateTime | Type::Enum(_),
                NodeKind::Int(_) | NodeKind::BigInt | NodeKind::Float(_) | NodeKind::Bool(_),
            ) if !self.literal(node).is_empty() => {
                let literal = self.literal(node).to_string();
                self.fail(
                    node,
                    format!(
                        "`{what}` must be {}, found {} `{literal}`",
                        describe(ty, self.schema),
                        node.describe()
                    ),
                    node.describe(),
                    Some(format!("write it in quotes: `\"{literal}\"`")),
                )
            }
            (Type::String, NodeKind::Str(s)) => Some(Value::Str(Arc::from(s.as_str()))),
            (Type::Date, NodeKind::Str(s)) => match crate::model::date::parse_date(s) {
                Ok(d) => Some(Value::Date(d)),
                Err(why) => {
                    let help = date_help(s);
                    self.fail(
                        node,
                        format!("`{what}` is not a valid date: {why}"),
                        "not a date",
                        help,
                    )
                }
            },
            (Type::DateTime, NodeKind::Str(s)) => match parse_datetime(s) {
                Ok(t) => Some(Value::DateTime(t)),
                Err(why) => {
                    let help = datetime_help(s);
                    self.fail(
                        node,
                        format!("`{what}` is not a valid datetime: {why}"),
                        "not a datetime",
                        Some(help),
                    )
                }
            },
            (Type::Enum(id), NodeKind::Str(s)) => {
                let def = self.schema.enum_def(*id)?;
                if let Some(i) = def.member(s) {
                    return Some(Value::Enum(i));
                }
                let members = def.members.iter().map(|m| m.value.as_str());
                let help = match suggest::did_you_mean(s, members.clone()) {
                    Some(close) => format!("did you mean `{close}`?"),
                    None => format!(
                        "the members of `{}` are {}",
                        def.name,
                        suggest::list_names(members, 12)
                    ),
                };
                let message = format!("`{what}` is `{s}`, which is not a member of `{}`", def.name);
                self.fail(node, message, "not a member", Some(help))
            }
            (Type::List(elem), NodeKind::Array(items)) => {
                let mut out = Vec::with_capacity(items.len());
                let mut ok = true;
                for (i, item) in items.iter().enumerate() {
                    match self.value(elem, item, What::Index(&what, i)) {
                        Some(v) => out.push(v),
                        None => ok = false,
                    }
                }
                ok.then(|| Value::List(Arc::from(out)))
            }
            (Type::Map(elem), NodeKind::Object(entries)) => {
                let mut out = Vec::with_capacity(entries.len());
                let mut ok = true;
                for entry in entries {
                    match self.value(elem, &entry.value, What::Key(&what, &entry.key)) {
                        Some(v) => out.push((Arc::from(entry.key.as_str()), v)),
                        None => ok = false,
                    }
                }
                ok.then(|| Value::Map(Arc::new(Map::new(out))))
            }
            (Type::Record(id), NodeKind::Object(entries)) => {
                let def = self.schema.record(*id)?;
                self.record(def, node, entries, what)
            }
            (Type::Unknown, _) => None,
            (_, NodeKind::Null) => {
                let what = what.to_string();
                self.fail(
                node,
                format!("`{what}` must be {}, found null", describe(ty, self.schema)),
                "null",
                Some(if what.ends_with(']') {
                    "lists and maps cannot hold null; leave the element out".to_string()
                } else if what.contains('.') {
                    format!(
                        "the field is required: give it a value of type `{}` (only fields declared with `?` may be null)",
                        ty.display(self.schema)
                    )
                } else {
                    "a document is an object of fields: `{ … }` in JSON, `key: value` lines in YAML".to_string()
                }),
            )
            }
            (Type::Int, NodeKind::Str(s)) if s.trim().parse::<i64>().is_ok() => self.fail(
                node,
                format!("`{what}` must be an integer, found a string"),
                "a string",
                Some(if self.literal(node).trim_start().starts_with('!') {
                    format!("drop the tag: `{}`", s.trim())
                } else {
                    format!("write the number without quotes: `{}`", s.trim())
                }),
            ),
            (Type::Bool, NodeKind::Str(s))
                if matches!(
                    s.to_ascii_lowercase().as_str(),
                    "yes" | "no" | "on" | "off" | "y" | "n"
                ) =>
            {
                let word = if matches!(s.to_ascii_lowercase().as_str(), "yes" | "on" | "y") {
                    "true"
                } else {
                    "false"
                };
                self.fail(
                    node,
                    format!("`{what}` must be a boolean, found the string `{s}`"),
                    "a string",
                    Some(format!(
                        "write `{word}`, without quotes (YAML 1.2 reads `{s}` as text)"
                    )),
                )
            }
            (Type::Bool, NodeKind::Str(s)) if matches!(s.as_str(), "true" | "false") => self.fail(
                node,
                format!("`{what}` must be a boolean, found a string"),
                "a string",
                Some(format!("write `{s}` without quotes")),
            ),
            _ => {
                let help = match ty {
                    Type::List(_) => Some(
                        "write a list, even for one element: `[…]`, or `- item` lines in YAML"
                            .to_string(),
                    ),
                    Type::Record(id) if matches!(node.kind, NodeKind::Array(_)) => {
                        Some(match self.schema.record(*id).and_then(collection_field) {
                            // A list given where the record that holds it is
                            // expected: an API response cut down to its list.
                            Some(field) => format!(
                                "a `{}` is an object that holds the list in its field `{field}`: give the whole response, as in `{{\"{field}\": [ … ]}}`, not the list alone",
                                self.schema.record(*id).map_or("", |r| r.name.as_str())
                            ),
                            None => "write an object: `{ … }`, or `key: value` lines in YAML"
                                .to_string(),
                        })
                    }
                    Type::Record(_) | Type::Map(_) => {
                        Some("write an object: `{ … }`, or `key: value` lines in YAML".to_string())
                    }
                    _ => None,
                };
                self.fail(
                    node,
                    format!(
                        "`{what}` must be {}, found {}",
                        describe(ty, self.schema),
                        node.describe()
                    ),
                    node.describe(),
                    help,
                )
            }
        }
    }

    fn record(
        &mut self,
        def: &RecordDef,
        node: &Node,
        entries: &[Entry],
        what: What<'_>,
    ) -> Option<Value> {
        let mut slots: Vec<Option<Value>> = vec![None; def.fields.len()];
        let mut ok = true;
        // Required fields the object has; when fewer than the record declares,
        // the missing ones are looked for (on the error path only).
        let mut required_seen = 0;
        // Fields that an unknown key was taken for a misspelling of: reported
        // once, as the misspelling, and not a second time as missing.
        let mut explained: Vec<bool> = Vec::new();
        // Keys an open record ignores, looked at again for near misses.
        let mut undeclared = false;
        for entry in entries {
            let Some((i, field)) = def.field(&entry.key) else {
                if def.open {
                    undeclared = true;
                } else {
                    ok = false;
                    self.unknown_field(def, entries, entry, what, &mut explained);
                }
                continue;
            };
            if !field.optional {
                required_seen += 1;
            }
            if field.optional && entry.value.kind == NodeKind::Null {
                continue;
            }
            match self.value(&field.ty, &entry.value, What::Field(&what, &entry.key)) {
                Some(v) => {
                    if let Some(slot) = slots.get_mut(i as usize) {
                        *slot = Some(v);
                    }
                }
                None => ok = false,
            }
        }
        if undeclared {
            self.near_misses(def, entries);
        }
        let mut missing = Vec::new();
        if required_seen < def.fields.iter().filter(|f| !f.optional).count() {
            for (i, field) in def.fields.iter().enumerate() {
                let present = entries.iter().any(|e| e.key == field.name);
                let explained = explained.get(i).copied().unwrap_or(false);
                if !present && !field.optional && !explained {
                    missing.push(field);
                }
            }
        }
        if !missing.is_empty() {
            ok = false;
            let names = suggest::list_names(missing.iter().map(|f| f.name.as_str()), 12);
            let (message, help) = match missing.as_slice() {
                [one] => (
                    format!(
                        "`{what}` has no field `{}`, which `{}` requires",
                        one.name, def.name
                    ),
                    format!(
                        "add `{}` (a value of type `{}`)",
                        one.name,
                        one.ty.display(self.schema)
                    ),
                ),
                _ => (
                    format!("`{what}` lacks required fields of `{}`: {names}", def.name),
                    format!("add {names}"),
                ),
            };
            let span = self.span(node).start_point();
            self.report(
                Diagnostic::error(Code::Data, message)
                    .label(span, format!("this `{}` is incomplete", def.name))
                    .help(help),
            );
        }
        ok.then(|| Value::Record(Arc::from(slots)))
    }

    /// Warns, for an open record, about each optional field the object lacks
    /// while it has an undeclared key spelt almost like it
    /// ([`suggest::near_miss`]): the data and the pack most likely disagree
    /// on the spelling, and the field would otherwise be silently absent.
    /// Called only when the object has undeclared keys, so a conforming
    /// object pays nothing for it.
    fn near_misses(&mut self, def: &RecordDef, entries: &[Entry]) {
        for field in def.fields.iter().filter(|f| f.optional) {
            if entries.iter().any(|e| e.key == field.name) {
                continue;
            }
            let close = entries
                .iter()
                .filter(|e| def.field(&e.key).is_none())
                .find(|e| suggest::near_miss(&field.name, &e.key));
            let Some(entry) = close else { continue };
            self.report(
                Diagnostic::warning(
                    Code::NearMiss,
                    format!(
                        "`{}` is declared but absent; the data has `{}`: did you mean it?",
                        field.name, entry.key
                    ),
                )
                .label(
                    self.key_span(entry),
                    format!("not a field of `{}`, close to `{}`", def.name, field.name),
                )
                .help(format!(
                    "if the data is right, rename the field `{}` of `{}` to {} in the pack; otherwise rename the key in the data",
                    field.name,
                    def.name,
                    field_name(&entry.key)
                )),
            );
        }
    }

    /// Reports a key that is not a field of `def`, suggesting the field it may
    /// be a misspelling of (marked in `explained`).
    fn unknown_field(
        &mut self,
        def: &RecordDef,
        entries: &[Entry],
        entry: &Entry,
        what: What<'_>,
        explained: &mut Vec<bool>,
    ) {
        let names = def.fields.iter().map(|f| f.name.as_str());
        // Suggest only fields the object does not have already.
        let absent = names
            .clone()
            .filter(|n| !entries.iter().any(|e| e.key == *n));
        let close = suggest::did_you_mean(&entry.key, absent);
        let help = match close {
            Some(close) => {
                if let Some((i, _)) = def.field(close)
                    && !entries.iter().any(|e| e.key == close)
                {
                    explained.resize(def.fields.len(), false);
                    if let Some(e) = explained.get_mut(i as usize) {
                        *e = true;
                    }
                }
                format!("did you mean `{close}`?")
            }
            None => format!(
                "the fields of `{}` are {}",
                def.name,
                suggest::list_names(names, 12)
            ),
        };
        self.report(
            Diagnostic::error(
                Code::Data,
                format!(
                    "unknown field `{}` in `{what}`, {} `{}`",
                    entry.key,
                    article(&def.name),
                    def.name
                ),
            )
            .label(self.key_span(entry), "not a field of this record")
            .help(help),
        );
    }

    fn fail(
        &mut self,
        node: &Node,
        message: String,
        label: &str,
        help: Option<String>,
    ) -> Option<Value> {
        let span = self.span(node);
        self.report(
            Diagnostic::error(Code::Data, message)
                .label(span, label)
                .maybe_help(help),
        );
        None
    }
}

/// Where a value is in the document, as messages name it
/// (`transfer.subscriptions[2].offer`): a chain on the stack, written out only
/// when an error needs it (formatting it for every value was a tenth of the time
/// of a run).
#[derive(Debug, Clone, Copy)]
enum What<'w> {
    /// The whole value (`transfer`); empty for a document without a name.
    Root(&'w str),
    /// A field of a record.
    Field(&'w What<'w>, &'w str),
    /// An element of a list.
    Index(&'w What<'w>, usize),
    /// An entry of a map.
    Key(&'w What<'w>, &'w str),
}

impl std::fmt::Display for What<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            What::Root(name) => f.write_str(name),
            What::Field(What::Root(""), key) => f.write_str(key),
            What::Field(parent, key) => write!(f, "{parent}.{key}"),
            What::Index(parent, i) => write!(f, "{parent}[{i}]"),
            What::Key(parent, key) => write!(f, "{parent}[{}]", quoted(key)),
        }
    }
}

/// "an integer", "a `Region`", "a list of `Subscription`" — what a type expects.
fn describe(ty: &Type, schema: &Schema) -> String {
    match ty {
        Type::Bool => "a boolean".into(),
        Type::Int => "an integer".into(),
        Type::String => "a string".into(),
        Type::Date => "a date (`YYYY-MM-DD`)".into(),
        Type::DateTime => "a datetime (RFC 3339 with a zone)".into(),
        Type::Enum(_) => format!(
            "{} `{}` (a string)",
            article(&ty.display(schema).to_string()),
            ty.display(schema)
        ),
        Type::Record(_) => format!(
            "{} `{}` (an object)",
            article(&ty.display(schema).to_string()),
            ty.display(schema)
        ),
        Type::List(_) => format!("a list `{}` (an array)", ty.display(schema)),
        Type::Map(_) => format!("a map `{}` (an object)", ty.display(schema)),
        Type::Unknown => "a value".into(),
    }
}

/// The value of a decimal literal with a fraction or exponent (`25.0`, `2.5e1`)
/// when it is a whole number: `Ok` when it fits 64 bits, `Err` when it does not;
/// `None` when it has a fractional part or is not a plain decimal (`.inf`).
/// Computed on the digits, so no precision is lost on the way.
fn whole_number(literal: &str) -> Option<Result<i64, ()>> {
    let (negative, body) = match literal.as_bytes().first() {
        Some(b'-') => (true, literal.get(1..)?),
        Some(b'+') => (false, literal.get(1..)?),
        _ => (false, literal),
    };
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (body.get(..i)?, body.get(i + 1..)?.parse::<i64>().ok()?),
        None => (body, 0),
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if !int_part
        .bytes()
        .chain(frac_part.bytes())
        .all(|b| b.is_ascii_digit())
        || int_part.len() + frac_part.len() == 0
    {
        return None;
    }
    let digits: String = format!("{int_part}{frac_part}");
    let digits = digits.trim_start_matches('0');
    if digits.is_empty() {
        return Some(Ok(0));
    }
    // value = digits × 10^scale
    let mut scale = exponent.checked_sub(i64::try_from(frac_part.len()).ok()?)?;
    let mut digits = digits;
    while scale < 0 {
        digits = digits.strip_suffix('0')?;
        scale += 1;
    }
    if digits.len() as i64 + scale > 19 {
        return Some(Err(()));
    }
    let mut value: i128 = digits.parse().ok()?;
    for _ in 0..scale {
        value = value.checked_mul(10)?;
    }
    if negative {
        value = -value;
    }
    Some(i64::try_from(value).map_err(|_| ()))
}

/// A key as a field name in a pack: as it is when it is an identifier
/// (`autoRenewEnabled`), quoted otherwise (`"@odata.type"`).
fn field_name(key: &str) -> String {
    let mut chars = key.chars();
    let identifier = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if identifier {
        format!("`{key}`")
    } else {
        format!("`{key:?}`")
    }
}

/// "a" or "an" before a name.
fn article(name: &str) -> &'static str {
    match name.chars().next().map(|c| c.to_ascii_lowercase()) {
        Some('a' | 'e' | 'i' | 'o' | 'u') => "an",
        _ => "a",
    }
}

/// A map key as a rule would write it: `"O365-E3"`.
fn quoted(key: &str) -> String {
    format!("{key:?}")
}

/// The one required list field of a record, if it has exactly one: the shape
/// of a collection (`{"totalCount": 3, "items": [ … ]}`), which an export cut
/// down to its list most likely stood for.
fn collection_field(record: &RecordDef) -> Option<&str> {
    let mut lists = record
        .fields
        .iter()
        .filter(|f| !f.optional && matches!(f.ty, Type::List(_)));
    let field = lists.next()?;
    lists.next().is_none().then_some(field.name.as_str())
}

#[cfg(test)]
mod tests {
    use super::{conform_text, whole_number};
    use crate::diagnostic::{Code, Diagnostic};
    use crate::model::types::{FieldDef, RecordDef, RecordId, Schema, Type};
    use crate::model::value::Value;
    use crate::source::{FileId, Span};

    /// `record Sub { offerId: string, autoRenewEnable: bool?, "@odata.type":
    /// string?, billingCycle: string?, at: datetime? }`, open or not.
    fn schema(open: bool) -> Schema {
        let field = |name: &str, ty: Type, optional: bool| FieldDef {
            name: name.to_string(),
            doc: None,
            ty,
            optional,
            span: Span::new(FileId::NONE, 0, 0),
        };
        let fields = vec![
            field("offerId", Type::String, false),
            field("autoRenewEnable", Type::Bool, true),
            field("@odata.type", Type::String, true),
            field("billingCycle", Type::String, true),
            field("at", Type::DateTime, true),
        ];
        let index = fields
            .iter()
            .enumerate()
            .map(|(i, f)| (f.name.clone(), i as u32))
            .collect();
        Schema {
            enums: Vec::new(),
            records: vec![RecordDef {
                name: "Sub".to_string(),
                doc: None,
                fields,
                name_span: Span::new(FileId::NONE, 0, 0),
                open,
                index,
            }],
        }
    }

    fn run(open: bool, json: &str) -> Result<(Value, Vec<Diagnostic>), Vec<Diagnostic>> {
        let node = crate::data::json::parse_json(json, 0).expect("valid JSON");
        conform_text(
            &schema(open),
            &Type::Record(RecordId(0)),
            &node,
            FileId::NONE,
            json,
            "sub",
        )
    }

    fn messages(diagnostics: &[Diagnostic]) -> Vec<String> {
        diagnostics.iter().map(|d| d.message.clone()).collect()
    }

    #[test]
    fn open_records_ignore_undeclared_keys() {
        let json = r##"{"offerId": "o", "@odata.type": "#x", "etag": 3, "nested": {"a": [1]}}"##;
        let (value, warnings) = run(true, json).expect("conforms");
        assert!(warnings.is_empty(), "{:?}", messages(&warnings));
        let Value::Record(slots) = value else {
            panic!("a record")
        };
        assert_eq!(slots.len(), 5);
        assert!(matches!(slots.get(2), Some(Some(Value::Str(s))) if &**s == "#x"));
    }

    #[test]
    fn closed_records_reject_undeclared_keys() {
        let errors = run(false, r#"{"offerId": "o", "etag": 3}"#).expect_err("unknown field");
        assert_eq!(
            messages(&errors),
            ["unknown field `etag` in `sub`, a `Sub`"]
        );
        // Keys are matched exactly: a difference of case is another key.
        let errors = run(false, r#"{"offerid": "o"}"#).expect_err("unknown field");
        assert_eq!(
            errors.first().and_then(|d| d.help.clone()).as_deref(),
            Some("did you mean `offerId`?")
        );
    }

    #[test]
    fn near_misses_of_optional_fields_are_warnings() {
        let json =
            r#"{"offerId": "o", "autoRenewEnabled": true, "billingType": "x", "@odata.Type": "y"}"#;
        let (_, warnings) = run(true, json).expect("a warning does not fail the value");
        assert_eq!(
            messages(&warnings),
            [
                "`autoRenewEnable` is declared but absent; the data has `autoRenewEnabled`: did you mean it?",
                "`@odata.type` is declared but absent; the data has `@odata.Type`: did you mean it?",
            ]
        );
        assert!(
            warnings
                .iter()
                .all(|d| !d.is_error() && d.code == Code::NearMiss)
        );
        // Located at the key.
        let start = json
            .find("\"autoRenewEnabled\"")
            .and_then(|i| u32::try_from(i).ok());
        assert_eq!(
            warnings
                .first()
                .and_then(Diagnostic::primary_span)
                .map(|s| s.start),
            start
        );
        // Present fields and closed records give no near-miss warning.
        let (_, warnings) = run(
            true,
            r#"{"offerId": "o", "autoRenewEnable": true, "autoRenewEnabled": 1}"#,
        )
        .expect("conforms");
        assert!(warnings.is_empty());
    }

    #[test]
    fn a_warning_travels_with_the_errors() {
        let errors = run(true, r#"{"autoRenewEnabled": true}"#).expect_err("offerId missing");
        assert_eq!(errors.len(), 2);
        assert!(errors.iter().any(|d| d.code == Code::NearMiss));
        assert!(errors.iter().any(Diagnostic::is_error));
    }

    #[test]
    fn datetimes_are_conformed_from_rfc3339_strings() {
        let (value, _) = run(
            true,
            r#"{"offerId": "o", "at": "2020-03-24T20:44:14.9602781Z"}"#,
        )
        .expect("a datetime");
        let Value::Record(slots) = value else {
            panic!("a record")
        };
        assert!(matches!(slots.get(4), Some(Some(Value::DateTime(_)))));
        for (text, says, helps) in [
            (
                "2026-05-01T09:30:00",
                "the time zone is missing",
                "add the time zone",
            ),
            ("2026-05-01", "a date alone", "declare the field `date`"),
            ("2026-05-01T09:30:00.1234567890Z", "10 digits", "RFC 3339"),
            ("2026-02-30T00:00:00Z", "day 30 does not exist", "RFC 3339"),
            ("2026-05-01T09:30:00+24:00", "out of range", "RFC 3339"),
        ] {
            let json = format!(r#"{{"offerId": "o", "at": "{text}"}}"#);
            let errors = run(true, &json).expect_err(text);
            let [error] = errors.as_slice() else {
                panic!("{text}: {:?}", messages(&errors))
            };
            assert!(
                error
                    .message
                    .starts_with("`sub.at` is not a valid datetime: ")
                    && error.message.contains(says),
                "{text}: {}",
                error.message
            );
            assert!(
                error.help.as_deref().unwrap_or("").contains(helps),
                "{text}: {:?}",
                error.help
            );
        }
        let errors = run(true, r#"{"offerId": "o", "at": 20260501}"#).expect_err("a number");
        assert_eq!(
            errors.first().and_then(|d| d.help.clone()).as_deref(),
            Some("write it in quotes: `\"20260501\"`")
        );
    }

    #[test]
    fn whole_numbers_are_judged_by_their_digits() {
        assert_eq!(whole_number("25.0"), Some(Ok(25)));
        assert_eq!(whole_number("2.5e1"), Some(Ok(25)));
        assert_eq!(whole_number("-3E2"), Some(Ok(-300)));
        assert_eq!(
            whole_number("9007199254740993.0"),
            Some(Ok(9_007_199_254_740_993))
        );
        assert_eq!(whole_number("9.1e18"), Some(Ok(9_100_000_000_000_000_000)));
        assert_eq!(whole_number("25.0000000000000001"), None);
        assert_eq!(whole_number("1e-400"), None);
        assert_eq!(whole_number("0.0e-5"), Some(Ok(0)));
        assert_eq!(whole_number("1e19"), Some(Err(())));
        assert_eq!(whole_number("1e400"), Some(Err(())));
        assert_eq!(whole_number(".inf"), None);
        assert_eq!(whole_number("12.5"), None);
    }
}

//! Declarations of the shape of the data: enums, records and type expressions.

use std::collections::HashMap;

use super::{Checker, TypeName};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::types::{EnumDef, FieldDef, MemberDef, RecordDef};
use crate::model::types::{EnumId, RecordId, Type};
use crate::suggest::{did_you_mean, list_names};
use crate::syntax::ast::{Decl, EnumDecl, File, RecordDecl, TypeExpr, TypeExprKind};

/// The built-in type names.
pub(crate) const BUILTIN_TYPES: [&str; 5] = ["bool", "int", "string", "date", "datetime"];

/// Names from other languages that authors reach for, and what preflight calls them.
const TYPE_ALIASES: [(&str, &str); 10] = [
    ("integer", "int"),
    ("i64", "int"),
    ("number", "int"),
    ("long", "int"),
    ("str", "string"),
    ("String", "string"),
    ("text", "string"),
    ("boolean", "bool"),
    ("Date", "date"),
    ("DateTime", "datetime"),
];

/// Name → position, for the lookup tables of enums and records.
fn positions<'a>(
    names: impl Iterator<Item = &'a str>,
) -> HashMap<String, u32, foldhash::fast::RandomState> {
    names
        .enumerate()
        .filter_map(|(i, n)| u32::try_from(i).ok().map(|i| (n.to_string(), i)))
        .collect()
}

impl Checker<'_> {
    /// Registers every record and enum name (so declaration order does not
    /// matter), then resolves members and fields.
    pub(crate) fn collect_schema(&mut self, files: &[File]) {
        let mut first_seen: HashMap<String, crate::source::Span> = HashMap::new();
        let mut enums: Vec<&EnumDecl> = Vec::new();
        let mut records: Vec<&RecordDecl> = Vec::new();
        for decl in files.iter().flat_map(|f| &f.decls) {
            let name = match decl {
                Decl::Enum(e) => &e.name,
                Decl::Record(r) => &r.name,
                _ => continue,
            };
            if BUILTIN_TYPES.contains(&name.name.as_str()) {
                self.report(
                    Diagnostic::error(
                        Code::Duplicate,
                        format!("`{}` is a built-in type", name.name),
                    )
                    .label(name.span, "cannot be declared again")
                    .help("choose another name for this type"),
                );
                continue;
            }
            if let Some(&first) = first_seen.get(&name.name) {
                self.report(
                    Diagnostic::declared_twice(Code::Duplicate, format!("type `{}` is declared twice", name.name), name.span, first)
                        .help("records and enums share one namespace across the pack; rename or remove one"),
                );
                continue;
            }
            first_seen.insert(name.name.clone(), name.span);
            match decl {
                Decl::Enum(e) => {
                    let id = EnumId(u32::try_from(enums.len()).unwrap_or(u32::MAX));
                    self.type_names
                        .insert(e.name.name.clone(), TypeName::Enum(id));
                    enums.push(e);
                }
                Decl::Record(r) => {
                    let id = RecordId(u32::try_from(records.len()).unwrap_or(u32::MAX));
                    self.type_names
                        .insert(r.name.name.clone(), TypeName::Record(id));
                    records.push(r);
                }
                _ => {}
            }
        }
        for e in enums {
            let def = self.enum_def(e);
            self.schema.enums.push(def);
        }
        for r in records {
            let def = self.record_def(r);
            self.schema.records.push(def);
        }
        self.check_recursive_records();
    }

    fn enum_def(&mut self, e: &EnumDecl) -> EnumDef {
        let mut members: Vec<MemberDef> = Vec::new();
        let mut seen: HashMap<&str, crate::source::Span> = HashMap::new();
        for m in &e.members {
            if let Some(&first) = seen.get(m.value.as_str()) {
                self.report(
                    Diagnostic::error(
                        Code::Duplicate,
                        format!("enum `{}` lists `{}` twice", e.name.name, m.value),
                    )
                    .label(m.span, "listed again here")
                    .label(first, "first listed here")
                    .help("remove one of them"),
                );
                continue;
            }
            seen.insert(&m.value, m.span);
            members.push(MemberDef {
                value: m.value.clone(),
                doc: m.doc.clone(),
                span: m.span,
            });
        }
        if e.members.is_empty() {
            self.report(
                Diagnostic::error(Code::Type, format!("enum `{}` has no members", e.name.name))
                    .label(e.span, "empty enum")
                    .help(format!(
                        "list its values, as in `enum {} {{ \"a\", \"b\" }}`",
                        e.name.name
                    )),
            );
        }
        let index = positions(members.iter().map(|m| m.value.as_str()));
        EnumDef {
            name: e.name.name.clone(),
            doc: e.doc.clone(),
            members,
            name_span: e.name.span,
            index,
        }
    }

    fn record_def(&mut self, r: &RecordDecl) -> RecordDef {
        let mut fields: Vec<FieldDef> = Vec::new();
        let mut seen: HashMap<&str, crate::source::Span> = HashMap::new();
        for f in &r.fields {
            let (ty, optional) = self.field_type(&f.ty);
            if let Some(&first) = seen.get(f.name.name.as_str()) {
                self.report(
                    Diagnostic::declared_twice(
                        Code::Duplicate,
                        format!(
                            "record `{}` declares field `{}` twice",
                            r.name.name, f.name.name
                        ),
                        f.name.span,
                        first,
                    )
                    .help("remove or rename one of them"),
                );
                continue;
            }
            seen.insert(&f.name.name, f.name.span);
            fields.push(FieldDef {
                name: f.name.name.clone(),
                doc: f.doc.clone(),
                ty,
                optional,
                span: f.name.span,
            });
        }
        let index = positions(fields.iter().map(|f| f.name.as_str()));
        RecordDef {
            name: r.name.name.clone(),
            doc: r.doc.clone(),
            fields,
            name_span: r.name.span,
            open: r.open,
            index,
        }
    }

    /// A field's type: `T?` is allowed at the top only.
    fn field_type(&mut self, t: &TypeExpr) -> (Type, bool) {
        match &t.kind {
            TypeExprKind::Optional(inner) => (self.resolve_type(inner), true),
            _ => (self.resolve_type(t), false),
        }
    }

    /// Resolves a type expression where optionality is not allowed.
    pub(crate) fn resolve_type(&mut self, t: &TypeExpr) -> Type {
        match &t.kind {
            TypeExprKind::Named(name) => match name.name.as_str() {
                "bool" => Type::Bool,
                "int" => Type::Int,
                "string" => Type::String,
                "date" => Type::Date,
                "datetime" => Type::DateTime,
                other => match self.type_names.get(other).copied() {
                    Some(found) => {
                        self.note_type_use(name.span, other);
                        match found {
                            TypeName::Enum(id) => Type::Enum(id),
                            TypeName::Record(id) => Type::Record(id),
                        }
                    }
                    None if self.unparsed_names.contains(other) => Type::Unknown,
                    None => {
                        let help = self.unknown_type_help(other);
                        let fix = self
                            .close_type(other)
                            .map(|s| (format!("change to `{s}`"), s.to_string()));
                        self.report(
                            Diagnostic::error(Code::UnknownType, format!("unknown type `{other}`"))
                                .label(name.span, "not a declared type")
                                .help(help)
                                .fix_when(fix, name.span),
                        );
                        Type::Unknown
                    }
                },
            },
            TypeExprKind::List(inner) => Type::List(Box::new(self.resolve_type(inner))),
            TypeExprKind::Map(key, value) => {
                let key_ty = self.resolve_type(key);
                if key_ty.is_known() && key_ty != Type::String {
                    self.report(
                        Diagnostic::error(Code::Type, "map keys must be strings")
                            .label(
                                key.span,
                                format!("keys of type `{}`", key_ty.display(&self.schema)),
                            )
                            .help(
                                "write `[string: T]`; JSON and YAML object keys are always strings",
                            ),
                    );
                }
                Type::Map(Box::new(self.resolve_type(value)))
            }
            TypeExprKind::Optional(inner) => {
                self.report(
                    Diagnostic::error(Code::Type, "only record fields can be optional")
                        .label(t.span, "`?` is not allowed here")
                        .help("declare the field itself optional (`name: T?`); lists and maps can simply be empty"),
                );
                self.resolve_type(inner)
            }
        }
    }

    /// The type a misspelt or foreign type name most likely means.
    fn close_type(&self, name: &str) -> Option<&str> {
        if let Some((_, real)) = TYPE_ALIASES.iter().find(|(alias, _)| *alias == name) {
            return Some(real);
        }
        let declared = self.type_names.keys().map(String::as_str);
        did_you_mean(name, BUILTIN_TYPES.iter().copied().chain(declared))
    }

    fn unknown_type_help(&self, name: &str) -> String {
        if let Some((_, real)) = TYPE_ALIASES.iter().find(|(alias, _)| *alias == name) {
            return format!("the type is called `{real}` in policies");
        }
        match self.close_type(name) {
            Some(s) => format!("did you mean `{s}`?"),
            None => {
                let mut names: Vec<&str> = self.type_names.keys().map(String::as_str).collect();
                names.sort_unstable();
                let all = BUILTIN_TYPES.iter().copied().chain(names);
                format!(
                    "declare it with `record {name} {{ … }}` or `enum {name} {{ … }}`; known types: {}",
                    list_names(all, 12)
                )
            }
        }
    }

    /// A record that contains itself through required record fields (not lists or
    /// maps, which may be empty, nor optional fields) cannot be matched by any
    /// finite document: report each such cycle once.
    fn check_recursive_records(&mut self) {
        let n = self.schema.records.len();
        // 0 = unvisited, 1 = on the stack, 2 = done.
        let mut state = vec![0u8; n];
        let mut stack: Vec<(usize, usize)> = Vec::new();
        for root in 0..n {
            if state.get(root) != Some(&0) {
                continue;
            }
            stack.push((root, 0));
            if let Some(s) = state.get_mut(root) {
                *s = 1;
            }
            while let Some(&mut (record, ref mut next_field)) = stack.last_mut() {
                let edge = self.schema.records.get(record).and_then(|r| {
                    r.fields
                        .iter()
                        .enumerate()
                        .skip(*next_field)
                        .find_map(|(i, f)| match (&f.ty, f.optional) {
                            (Type::Record(id), false) => Some((i, id.0 as usize, f.span)),
                            _ => None,
                        })
                });
                let Some((i, target, span)) = edge else {
                    if let Some(s) = state.get_mut(record) {
                        *s = 2;
                    }
                    stack.pop();
                    continue;
                };
                *next_field = i + 1;
                match state.get(target) {
                    Some(0) => {
                        if let Some(s) = state.get_mut(target) {
                            *s = 1;
                        }
                        stack.push((target, 0));
                    }
                    Some(1) => {
                        let name = self
                            .schema
                            .records
                            .get(target)
                            .map_or("", |r| r.name.as_str())
                            .to_string();
                        self.report(
                            Diagnostic::error(Code::RecursiveType, format!("record `{name}` contains itself"))
                                .label(span, "this required field leads back to the record")
                                .help("no finite document can match; make the field optional (`T?`) or a list (`[T]`)"),
                        );
                    }
                    _ => {}
                }
            }
        }
    }
}

//! Filling the [`Index`] of names while checking (see `model/index.rs`):
//! the declarations first, then each use where the checker resolves it.
//! Each recording is a no-op when the checker is not indexing, so `check`
//! and `validate` pay nothing.

use std::collections::HashMap;

use super::Checker;
use crate::model::index::{Index, Receiver, Reference, Symbol, SymbolKind, Target};
use crate::model::types::{EnumId, Type};
use crate::source::Span;
use crate::syntax::ast::{self, Decl, File};

impl Checker<'_> {
    /// Starts an index with the declarations of the files, before any of
    /// them is checked, so that a use can be recorded whatever the order of
    /// declarations.
    pub(super) fn start_index(&mut self, files: &[File]) {
        let mut index = Index::default();
        declare(&mut index, files);
        self.index = Some(index);
    }

    /// Fills in what only the end of checking knows: the types of fields,
    /// globals and functions, and the schema.
    pub(super) fn finish_index(&mut self) {
        let Some(mut index) = self.index.take() else {
            return;
        };
        let mut types: HashMap<Span, (Type, bool)> = HashMap::new();
        for record in &self.schema.records {
            for field in &record.fields {
                types.insert(field.span, (field.ty.clone(), field.optional));
            }
        }
        for global in &self.globals {
            types.insert(global.span, (global.ty.clone(), false));
        }
        let mut signatures = HashMap::new();
        for sig in &self.fns.signatures {
            types.insert(sig.name_span, (sig.result.clone(), false));
            signatures.insert(sig.name_span, sig.text(self));
        }
        for symbol in &mut index.symbols {
            if symbol.ty.is_none()
                && let Some((ty, optional)) = types.get(&symbol.name_span)
            {
                symbol.ty = Some(ty.clone());
                symbol.optional = *optional;
            }
            if let Some(sig) = signatures.remove(&symbol.name_span) {
                symbol.signature = Some(sig);
            }
        }
        index.schema = self.schema.clone();
        self.index = Some(index);
    }
}

/// The declarations of the files, in text order.
fn declare(index: &mut Index, files: &[File]) {
    for decl in files.iter().flat_map(|f| &f.decls) {
        match decl {
            Decl::Record(r) => {
                let record = index.add(declaration(
                    &r.name,
                    SymbolKind::Record,
                    r.doc.clone(),
                    r.span,
                ));
                index.name_type(&r.name.name, record);
                for f in &r.fields {
                    let mut field =
                        declaration(&f.name, SymbolKind::Field, f.doc.clone(), f.name.span);
                    field.span = f.name.span.to(f.ty.span);
                    field.parent = Some(record);
                    index.add(field);
                }
            }
            Decl::Enum(e) => {
                let parent = index.add(declaration(
                    &e.name,
                    SymbolKind::Enum,
                    e.doc.clone(),
                    e.span,
                ));
                index.name_type(&e.name.name, parent);
                for m in &e.members {
                    let name = ast::Ident {
                        name: m.value.clone(),
                        span: m.span,
                    };
                    let mut member = declaration(&name, SymbolKind::Member, m.doc.clone(), m.span);
                    member.parent = Some(parent);
                    index.add(member);
                }
            }
            Decl::Input(i) => {
                index.add(declaration(
                    &i.name,
                    SymbolKind::Input,
                    i.doc.clone(),
                    i.span,
                ));
            }
            Decl::Data(d) => {
                index.add(declaration(
                    &d.name,
                    SymbolKind::Data,
                    d.doc.clone(),
                    d.span,
                ));
            }
            Decl::Param(p) => {
                index.add(declaration(
                    &p.name,
                    SymbolKind::Param,
                    p.doc.clone(),
                    p.span,
                ));
            }
            Decl::Fn(f) => {
                index.add(declaration(
                    &f.name,
                    SymbolKind::Function,
                    f.doc.clone(),
                    f.span,
                ));
            }
            Decl::Rule(r) => {
                let id = ast::Ident {
                    name: r.id.clone(),
                    span: r.id_span,
                };
                index.add(declaration(&id, SymbolKind::Rule, r.doc.clone(), r.span));
            }
        }
    }
}

fn declaration(name: &ast::Ident, kind: SymbolKind, doc: Option<String>, span: Span) -> Symbol {
    Symbol {
        name: name.name.clone(),
        kind,
        ty: None,
        optional: false,
        signature: None,
        doc,
        name_span: name.span,
        span,
        parent: None,
        visible: None,
    }
}

/// The recording side, called where the checker resolves a name.
impl Checker<'_> {
    /// A use at `at` of the declaration whose name is written at `declared`.
    pub(super) fn note_use(&mut self, at: Span, declared: Span) {
        if let Some(index) = &mut self.index
            && let Some(id) = index.declared_at(declared)
        {
            index.references.push(Reference {
                span: at,
                target: Target::Symbol(id),
            });
        }
    }

    /// A use at `at` of the record or enum called `name`.
    pub(super) fn note_type_use(&mut self, at: Span, name: &str) {
        if let Some(index) = &mut self.index
            && let Some(&id) = index.type_named(name).as_ref()
        {
            index.references.push(Reference {
                span: at,
                target: Target::Symbol(id),
            });
        }
    }

    /// A call of the built-in function `name` at `at`.
    pub(super) fn note_builtin(&mut self, at: Span, name: &str) {
        if let Some(index) = &mut self.index
            && let Some(name) = super::call::builtin_name(name)
        {
            index.references.push(Reference {
                span: at,
                target: Target::Builtin(name),
            });
        }
    }

    /// A field `field` read from a value of type `ty`.
    pub(super) fn note_receiver(&mut self, field: Span, ty: &Type) {
        if let Some(index) = &mut self.index {
            index.receivers.push(Receiver {
                field,
                ty: ty.clone(),
            });
        }
    }

    /// A string literal read as a member of the enum `id`.
    pub(super) fn note_enum_string(&mut self, at: Span, id: EnumId) {
        if let Some(index) = &mut self.index {
            index.enum_strings.push((at, id));
        }
    }

    /// A local variable (or a function's parameter) bound at `name`, in scope
    /// in `visible`, declared in the rule or function whose name is written at
    /// `owner`.
    pub(super) fn note_local(
        &mut self,
        name: &ast::Ident,
        ty: &Type,
        visible: Span,
        kind: SymbolKind,
        owner: Option<Span>,
    ) {
        let Some(index) = &mut self.index else {
            return;
        };
        let parent = owner.and_then(|o| index.declared_at(o));
        let mut symbol = declaration(name, kind, None, name.span);
        symbol.ty = Some(ty.clone());
        symbol.parent = parent;
        symbol.visible = Some(visible);
        index.add(symbol);
    }

    /// The span from the end of `from` to the end of `to`: where a clause's
    /// variable is in scope.
    pub(super) fn after(from: Span, to: Span) -> Span {
        Span {
            file: from.file,
            start: from.end,
            end: to.end.max(from.end),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::source::Sources;

    /// Every policy of the UI cases, valid or not, checked both ways.
    #[test]
    fn recording_names_changes_no_diagnostic() {
        let mut stack = vec![std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/ui"
        ))];
        let mut checked = 0;
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let Ok(text) = std::fs::read_to_string(&path) else {
                    continue;
                };
                if path.extension().is_none_or(|e| e != "policy") {
                    continue;
                }
                let mut sources = Sources::new();
                let id = sources.add(path.display().to_string(), text.as_str());
                let (file, _) = crate::syntax::parse(id, &text);
                let files = [file];
                let (plain_program, plain) = super::super::check(&sources, &files);
                let (indexed_program, indexed, index) =
                    super::super::check_indexed(&sources, &files);
                assert_eq!(plain, indexed, "{}", path.display());
                assert_eq!(plain_program.is_some(), indexed_program.is_some());
                if plain_program.is_some() {
                    assert!(!index.symbols.is_empty(), "{}", path.display());
                }
                checked += 1;
            }
        }
        assert!(checked > 50, "only {checked} UI policies found");
    }
}

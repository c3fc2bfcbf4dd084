//! Stage 2, check: ASTs of a pack in, a typed [`Program`] out.
//!
//! Owns name resolution, type checking, narrowing of optional fields, and the
//! diagnostics for all of them. Every error of the pack is reported in one run;
//! a program is returned only when there is none. Knows nothing of pest (input is
//! the AST) nor of data files (they are loaded and conformed later).
//!
//! Order of work: type names first (so declarations may come in any order), then
//! enum members and record fields, then `input`/`data`/`param`, then each rule.

pub mod call;
mod expr;
mod function;
mod index;
mod map_generator;
mod rule;
mod schema;
mod scope;

use std::collections::HashMap;

use crate::diagnostic::{Code, Diagnostic};
pub use crate::model::index::Index;
use crate::model::program::{Const, DataDef, Global, ParamDef, Program, TExprKind};
use crate::model::types::{EnumId, RecordId, Schema, Type};
use crate::source::{Sources, Span};
use crate::syntax::ast::{Decl, ExprKind, File, UnaryOp};
use scope::Scope;

/// Checks the parsed files of one pack (in the pack's file order). Returns the
/// program when there is no error, and every diagnostic (errors and warnings).
pub fn check(sources: &Sources, files: &[File]) -> (Option<Program>, Vec<Diagnostic>) {
    let (program, diags, _) = check_with(sources, files, false);
    (program, diags)
}

/// [`check`], also recording every declaration, use and field read in an
/// [`Index`] (for editors), whether or not the pack has errors.
pub fn check_indexed(
    sources: &Sources,
    files: &[File],
) -> (Option<Program>, Vec<Diagnostic>, Index) {
    let (program, diags, index) = check_with(sources, files, true);
    (program, diags, index.unwrap_or_default())
}

fn check_with(
    sources: &Sources,
    files: &[File],
    indexed: bool,
) -> (Option<Program>, Vec<Diagnostic>, Option<Index>) {
    let unparsed: Vec<&crate::syntax::ast::Unparsed> =
        files.iter().flat_map(|f| &f.unparsed).collect();
    let mut checker = Checker {
        sources,
        schema: Schema::default(),
        type_names: HashMap::new(),
        globals: Vec::new(),
        global_index: HashMap::new(),
        regexes: HashMap::new(),
        fns: Functions::default(),
        in_template: false,
        index: None,
        clause: None,
        diags: Vec::new(),
        unparsed_names: unparsed.iter().map(|u| u.name.clone()).collect(),
        input_may_be_unparsed: unparsed.iter().any(|u| {
            !matches!(
                u.keyword.as_str(),
                "enum" | "record" | "data" | "param" | "rule"
            )
        }),
    };
    if indexed {
        checker.start_index(files);
    }
    checker.collect_schema(files);
    let (input, data, params) = checker.globals(files);
    let functions = checker.functions(files);
    let title = checker.title(files);
    let mut rules = Vec::new();
    let mut rule_ids: HashMap<&str, Span> = HashMap::new();
    for decl in files.iter().flat_map(|f| &f.decls) {
        let Decl::Rule(r) = decl else { continue };
        if let Some(&first) = rule_ids.get(r.id.as_str()) {
            checker.report(
                Diagnostic::declared_twice(
                    Code::Duplicate,
                    format!("rule `{}` is declared twice", r.id),
                    r.id_span,
                    first,
                )
                .help("rule ids are unique across the pack; rename one of them"),
            );
        } else {
            rule_ids.insert(&r.id, r.id_span);
        }
        rules.push(checker.rule(r));
    }
    checker.finish_index();
    let diags = checker.diags;
    let index = checker.index;
    let program = match input {
        Some(input) if !diags.iter().any(Diagnostic::is_error) => Some(Program {
            functions,
            schema: checker.schema,
            input,
            data,
            params,
            rules,
            title,
        }),
        _ => None,
    };
    (program, diags, index)
}

/// What a call of a pack function needs to know before its body is checked.
#[derive(Debug, Clone)]
pub(crate) struct Signature {
    pub(crate) name: String,
    pub(crate) params: Vec<(String, Type)>,
    pub(crate) result: Type,
    pub(crate) name_span: Span,
}

/// The pack functions known to the checker, and the calls between them.
#[derive(Debug, Default)]
pub(crate) struct Functions {
    pub(crate) signatures: Vec<Signature>,
    pub(crate) index: HashMap<String, u32>,
    /// The function whose body is being checked, if any.
    pub(crate) current: Option<u32>,
    /// (caller, callee, where the call is written), in the order checked.
    pub(crate) calls: Vec<(u32, u32, Span)>,
}

/// A declared type name.
#[derive(Debug, Clone, Copy)]
pub(crate) enum TypeName {
    Enum(EnumId),
    Record(RecordId),
}

/// What a global variable refers to.
#[derive(Debug, Clone, Copy)]
pub(crate) enum GlobalKind {
    Input,
    Data(u32),
    Param(u32),
}

/// An `input`, `data` or `param` name.
#[derive(Debug, Clone)]
pub(crate) struct GlobalVar {
    pub(crate) name: String,
    pub(crate) kind: GlobalKind,
    pub(crate) ty: Type,
    pub(crate) span: Span,
}

/// The state of checking one pack.
pub(crate) struct Checker<'a> {
    sources: &'a Sources,
    schema: Schema,
    type_names: HashMap<String, TypeName>,
    globals: Vec<GlobalVar>,
    /// Global name → index in `globals`.
    global_index: HashMap<String, usize>,
    /// Whether a `message` or `help` is being checked (for the wording of help).
    in_template: bool,
    /// Pack functions: their signatures and the calls between them.
    fns: Functions,
    /// Compiled `matches` patterns, shared between identical ones.
    regexes: HashMap<String, std::sync::Arc<regex::Regex>>,
    diags: Vec<Diagnostic>,
    /// Names of declarations that did not parse: "unknown" errors about them
    /// would only repeat the syntax error.
    unparsed_names: std::collections::HashSet<String>,
    /// Whether a declaration that did not parse may have been the `input`.
    input_may_be_unparsed: bool,
    /// Names and uses recorded for editors, when asked for.
    index: Option<Index>,
    /// The rule clause being checked, where a fix may insert a clause before it.
    clause: Option<Span>,
}

impl Checker<'_> {
    /// The `input`, `data` or `param` of this name.
    fn global(&self, name: &str) -> Option<&GlobalVar> {
        self.global_index
            .get(name)
            .and_then(|&i| self.globals.get(i))
    }

    fn report(&mut self, diagnostic: Diagnostic) {
        self.diags.push(diagnostic);
    }

    /// Checks `input`, `data` and `param` declarations and makes them visible to
    /// rules.
    fn globals(&mut self, files: &[File]) -> (Option<Global>, Vec<DataDef>, Vec<ParamDef>) {
        let mut input: Option<Global> = None;
        let mut data = Vec::new();
        let mut params = Vec::new();
        for decl in files.iter().flat_map(|f| &f.decls) {
            let (name, kind, ty) = match decl {
                Decl::Input(i) => {
                    let ty = self.resolve_type(&i.ty);
                    if ty.is_known() && !matches!(ty, Type::Record(_)) {
                        let found = self.type_name(&ty);
                        self.report(
                            Diagnostic::error(Code::Input, "the input must be a record")
                                .label(i.ty.span, format!("this is `{found}`"))
                                .help("each document checked is a JSON or YAML object: declare a `record` for it"),
                        );
                    }
                    if let Some(first) = &input {
                        self.report(
                            Diagnostic::declared_twice(
                                Code::Input,
                                "the pack declares `input` twice",
                                i.span,
                                first.span,
                            )
                            .help("a pack checks one kind of document: keep one `input`"),
                        );
                        continue;
                    }
                    input = Some(Global {
                        name: i.name.name.clone(),
                        doc: i.doc.clone(),
                        ty: ty.clone(),
                        span: i.span,
                    });
                    (&i.name, GlobalKind::Input, ty)
                }
                Decl::Data(d) => {
                    let ty = self.resolve_type(&d.ty);
                    if let Some((path, span)) = &d.path
                        && path.trim().is_empty()
                    {
                        self.report(
                            Diagnostic::error(Code::Literal, "empty data path")
                                .label(*span, "no file named")
                                .help("give the file's path relative to the pack, or leave out `= \"…\"`"),
                        );
                    }
                    let index = u32::try_from(data.len()).unwrap_or(u32::MAX);
                    data.push(DataDef {
                        name: d.name.name.clone(),
                        doc: d.doc.clone(),
                        ty: ty.clone(),
                        path: d.path.clone(),
                        span: d.span,
                    });
                    (&d.name, GlobalKind::Data(index), ty)
                }
                Decl::Param(p) => {
                    let ty = self.resolve_type(&p.ty);
                    let allowed = matches!(
                        ty,
                        Type::Bool
                            | Type::Int
                            | Type::String
                            | Type::Date
                            | Type::DateTime
                            | Type::Enum(_)
                    );
                    if ty.is_known() && !allowed {
                        let found = self.type_name(&ty);
                        self.report(
                            Diagnostic::error(Code::Param, format!("a param cannot be `{found}`"))
                                .label(p.ty.span, "unsupported param type")
                                .help("params are `bool`, `int`, `string`, `date`, `datetime` or an enum, so they can be set from the command line"),
                        );
                    }
                    // An unsupported type was reported; its default would only repeat it.
                    let default = if allowed || !ty.is_known() {
                        self.param_default(&p.default, &ty, allowed)
                    } else {
                        None
                    };
                    let index = u32::try_from(params.len()).unwrap_or(u32::MAX);
                    if let Some(default) = default {
                        params.push(ParamDef {
                            name: p.name.name.clone(),
                            doc: p.doc.clone(),
                            ty: ty.clone(),
                            default,
                            span: p.span,
                        });
                    }
                    (&p.name, GlobalKind::Param(index), ty)
                }
                _ => continue,
            };
            if let Some(first) = self.global(&name.name) {
                let first = first.span;
                self.report(
                    Diagnostic::declared_twice(
                        Code::Duplicate,
                        format!("`{}` is declared twice", name.name),
                        name.span,
                        first,
                    )
                    .help(
                        "`input`, `data` and `param` names share one namespace; rename one of them",
                    ),
                );
                continue;
            }
            self.global_index
                .insert(name.name.clone(), self.globals.len());
            self.globals.push(GlobalVar {
                name: name.name.clone(),
                kind,
                ty,
                span: name.span,
            });
        }
        if input.is_none() && !self.input_may_be_unparsed {
            let first_file = self
                .sources
                .iter()
                .next()
                .map(|(id, _)| Span::new(id, 0, 0));
            let mut diagnostic = Diagnostic::error(Code::Input, "the pack declares no `input`")
                .help(
                    "declare the type of the documents to check, as in `input transfer: Transfer`",
                );
            if let Some(span) = first_file {
                diagnostic = diagnostic.label(span, "in this pack");
            }
            self.report(diagnostic);
        }
        (input, data, params)
    }

    /// A param default: a literal of the param's type.
    fn param_default(
        &mut self,
        e: &crate::syntax::ast::Expr,
        ty: &Type,
        allowed: bool,
    ) -> Option<Const> {
        let literal = match &e.unparen().kind {
            ExprKind::Int(_) | ExprKind::Bool(_) | ExprKind::Str(_) => true,
            ExprKind::Unary(UnaryOp::Neg, inner) => {
                matches!(inner.unparen().kind, ExprKind::Int(_))
            }
            ExprKind::Call(f, args) => {
                (f.name == "date" || f.name == "datetime")
                    && matches!(args.as_slice(), [a] if matches!(a.unparen().kind, ExprKind::Str(_)))
            }
            ExprKind::Invalid => return None,
            _ => false,
        };
        if !literal {
            self.report(
                Diagnostic::error(Code::Param, "a param's default must be a literal")
                    .label(e.span, "not a literal")
                    .help("write a number, a string, `true`/`false`, an enum member's string, `date(\"…\")` or `datetime(\"…\")`"),
            );
            return None;
        }
        let typed = self.expr(&mut Scope::default(), e, Some(ty));
        if allowed && !typed.ty.compatible(ty) {
            let (want, found) = (self.type_name(ty), self.type_name(&typed.ty));
            let mut diagnostic = Diagnostic::error(
                Code::Type,
                format!("the default must be `{want}`, found `{found}`"),
            )
            .label(e.span, format!("this is `{found}`"));
            if *ty == Type::Date && typed.ty == Type::String {
                diagnostic = diagnostic.help("write a date default as `date(\"2026-01-31\")`");
            }
            if *ty == Type::DateTime && typed.ty == Type::String {
                let text = self.sources.slice(e.span);
                diagnostic =
                    diagnostic.help(format!("write a datetime default as `datetime({text})`"));
            }
            self.report(diagnostic);
            return None;
        }
        match typed.kind {
            TExprKind::Const(c) => Some(c),
            TExprKind::Neg(inner) => match inner.kind {
                TExprKind::Const(Const::Int(n)) => Some(Const::Int(-n)),
                _ => None,
            },
            _ => None,
        }
    }
}

//! Pack functions (`fn name(p: T, …): R = body`): their signatures, their
//! bodies, the calls to them, and the rule that none may call itself.
//!
//! Signatures are collected before any body or rule is checked, so that a
//! function may be called from anywhere in the pack whatever the file order.
//! Each body is checked once, where it is declared, against its declared result.
//! Calls between functions are recorded while bodies are checked; a cycle among
//! them is reported once, labelling every call on it, because evaluation could
//! otherwise never end (the language stays total).

use super::expr::{invalid, typed};
use super::scope::Scope;
use super::{Checker, Signature};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::index::SymbolKind;
use crate::model::program::{Function, TExpr, TExprKind};
use crate::model::types::Type;
use crate::source::Span;
use crate::syntax::ast::{Decl, Expr, File, FnDecl, Ident};

impl Signature {
    /// `name(a: T, b: U): R`, for diagnostics.
    pub(super) fn text(&self, checker: &Checker<'_>) -> String {
        let params: Vec<String> = self
            .params
            .iter()
            .map(|(n, t)| format!("{n}: {}", checker.type_name(t)))
            .collect();
        format!(
            "{}({}): {}",
            self.name,
            params.join(", "),
            checker.type_name(&self.result)
        )
    }
}

impl Checker<'_> {
    /// Collects the signatures of every `fn`, then checks each body, then
    /// reports calls that form a cycle. Returns the checked functions in
    /// declaration order.
    pub(crate) fn functions(&mut self, files: &[File]) -> Vec<Function> {
        let decls: Vec<&FnDecl> = files
            .iter()
            .flat_map(|f| &f.decls)
            .filter_map(|d| match d {
                Decl::Fn(f) => Some(f),
                _ => None,
            })
            .collect();
        for f in &decls {
            self.declare_function(f);
        }
        let mut out = Vec::with_capacity(decls.len());
        for (i, f) in decls.iter().enumerate() {
            let index = u32::try_from(i).unwrap_or(u32::MAX);
            // A function declared twice keeps the first signature; the second
            // body is still checked, for its own errors.
            self.fns.current = Some(index);
            out.push(self.function_body(f));
            self.fns.current = None;
        }
        self.report_cycles();
        out
    }

    fn declare_function(&mut self, f: &FnDecl) {
        let name = f.name.name.as_str();
        if super::call::is_function_name(name) {
            self.report(
                Diagnostic::error(
                    Code::Duplicate,
                    format!("`{name}` is a built-in function"),
                )
                .label(f.name.span, "declared again here")
                .help(format!(
                    "pack functions share one namespace with the built-in functions: choose another name, e.g. `my_{name}` or a name that says what it computes"
                )),
            );
        } else if let Some(&first) = self.fns.index.get(name) {
            let first_span = self
                .fns
                .signatures
                .get(first as usize)
                .map_or(f.name.span, |s| s.name_span);
            self.report(
                Diagnostic::declared_twice(
                    Code::Duplicate,
                    format!("function `{name}` is declared twice"),
                    f.name.span,
                    first_span,
                )
                .help("function names are unique across the pack; rename one of them"),
            );
        } else if let Some(global) = self.global(name) {
            let span = global.span;
            self.report(
                Diagnostic::declared_twice(
                    Code::Duplicate,
                    format!("`{name}` is already the name of an `input`, `data` or `param`"),
                    f.name.span,
                    span,
                )
                .help("choose another name for the function"),
            );
        }
        let params = f
            .params
            .iter()
            .map(|(n, t)| (n.name.clone(), self.resolve_type(t)))
            .collect();
        let result = self.resolve_type(&f.result);
        let index = u32::try_from(self.fns.signatures.len()).unwrap_or(u32::MAX);
        self.fns.index.entry(name.to_string()).or_insert(index);
        self.fns.signatures.push(Signature {
            name: name.to_string(),
            params,
            result,
            name_span: f.name.span,
        });
    }

    fn function_body(&mut self, f: &FnDecl) -> Function {
        let mut scope = Scope::default();
        let mut params = Vec::with_capacity(f.params.len());
        let index = self.fns.current.unwrap_or(0) as usize;
        let types: Vec<Type> = self
            .fns
            .signatures
            .get(index)
            .map(|s| s.params.iter().map(|(_, t)| t.clone()).collect())
            .unwrap_or_default();
        for (i, (name, _)) in f.params.iter().enumerate() {
            let ty = types.get(i).cloned().unwrap_or(Type::Unknown);
            if let Some(first) = f.params.iter().take(i).find(|(n, _)| n.name == name.name) {
                self.report(
                    Diagnostic::declared_twice(
                        Code::Duplicate,
                        format!("parameter `{}` is declared twice", name.name),
                        name.span,
                        first.0.span,
                    )
                    .help("give each parameter its own name"),
                );
            } else {
                self.check_new_name(&scope, name);
            }
            let visible = f.span;
            self.note_local(name, &ty, visible, SymbolKind::Parameter, Some(f.name.span));
            scope.bind(&name.name, ty.clone(), name.span, false);
            params.push((name.name.clone(), ty));
        }
        let result = self
            .fns
            .signatures
            .get(index)
            .map_or(Type::Unknown, |s| s.result.clone());
        let body = self.expr(&mut scope, &f.body, Some(&result));
        if !body.ty.compatible(&result) {
            let (found, want) = (self.type_name(&body.ty), self.type_name(&result));
            self.report(
                Diagnostic::error(
                    Code::Type,
                    format!(
                        "`{}` is declared to return `{want}`, but its body gives `{found}`",
                        f.name.name
                    ),
                )
                .label(f.result.span, format!("declared `{want}`"))
                .label(body.span, format!("this is `{found}`"))
                .help("change the declared result type, or make the body compute that type"),
            );
        }
        let slot_names = scope.into_slot_names();
        Function {
            name: f.name.name.clone(),
            doc: f.doc.clone(),
            params,
            result,
            body,
            slots: u32::try_from(slot_names.len()).unwrap_or(u32::MAX),
            slot_names,
            name_span: f.name.span,
            span: f.span,
        }
    }

    /// A call of a pack function, or `None` when `func` names none.
    pub(crate) fn pack_call(
        &mut self,
        scope: &mut Scope,
        func: &Ident,
        args: &[Expr],
        span: Span,
    ) -> Option<TExpr> {
        let &index = self.fns.index.get(&func.name)?;
        let sig = self.fns.signatures.get(index as usize)?.clone();
        self.note_use(func.span, sig.name_span);
        if let Some(caller) = self.fns.current {
            self.fns.calls.push((caller, index, func.span));
        }
        if args.len() != sig.params.len() {
            let want = sig.params.len();
            let plural = if want == 1 { "argument" } else { "arguments" };
            self.report(
                Diagnostic::error(
                    Code::Arguments,
                    format!(
                        "`{}` takes {want} {plural}, found {}",
                        func.name,
                        args.len()
                    ),
                )
                .label(span, format!("called with {} here", args.len()))
                .label(sig.name_span, "declared here")
                .help(format!("the signature is `{}`", sig.text(self))),
            );
            for a in args {
                self.expr(scope, a, None);
            }
            return Some(invalid(span));
        }
        let mut typed_args = Vec::with_capacity(args.len());
        for (i, (arg, (pname, want))) in args.iter().zip(&sig.params).enumerate() {
            let t = self.expr(scope, arg, Some(want));
            if !t.ty.compatible(want) {
                let (found, wanted) = (self.type_name(&t.ty), self.type_name(want));
                self.report(
                    Diagnostic::error(
                        Code::Arguments,
                        format!(
                            "argument {} of `{}` must be `{wanted}`, found `{found}`",
                            i + 1,
                            func.name
                        ),
                    )
                    .label(t.span, format!("this is `{found}`"))
                    .label(sig.name_span, format!("`{pname}` is declared `{wanted}`"))
                    .help(format!("the signature is `{}`", sig.text(self))),
                );
            }
            typed_args.push(t);
        }
        Some(typed(
            TExprKind::CallFn {
                func: index,
                args: typed_args,
            },
            sig.result.clone(),
            span,
        ))
    }

    /// The names of the pack's functions, for "did you mean".
    pub(crate) fn function_names(&self) -> impl Iterator<Item = &str> {
        self.fns.signatures.iter().map(|s| s.name.as_str())
    }

    /// Reports each cycle of calls between pack functions once, labelling every
    /// call on it.
    fn report_cycles(&mut self) {
        let n = self.fns.signatures.len();
        let mut edges: Vec<Vec<(u32, Span)>> = vec![Vec::new(); n];
        for &(from, to, span) in &self.fns.calls {
            if let Some(e) = edges.get_mut(from as usize) {
                e.push((to, span));
            }
        }
        // Iterative depth-first search; a back edge closes a cycle, whose calls
        // are the edges on the current path from the target to here.
        let mut state = vec![0u8; n]; // 0 new, 1 on the path, 2 done
        let mut reported: Vec<Vec<u32>> = Vec::new();
        let mut cycles: Vec<Vec<(u32, Span)>> = Vec::new();
        for start in 0..n {
            if state.get(start) != Some(&0) {
                continue;
            }
            // (node, next edge to follow); `path` holds the edge taken into
            // each node after the first.
            let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
            let mut path: Vec<(u32, Span)> = Vec::new();
            if let Some(s) = state.get_mut(start) {
                *s = 1;
            }
            while let Some(&mut (node, ref mut next)) = stack.last_mut() {
                let Some(&(to, span)) = edges.get(node).and_then(|e| e.get(*next)) else {
                    if let Some(s) = state.get_mut(node) {
                        *s = 2;
                    }
                    stack.pop();
                    path.pop();
                    continue;
                };
                *next += 1;
                match state.get(to as usize) {
                    Some(0) => {
                        if let Some(s) = state.get_mut(to as usize) {
                            *s = 1;
                        }
                        stack.push((to as usize, 0));
                        path.push((to, span));
                    }
                    Some(1) => {
                        // The cycle: the edges after the one into `to` (or all
                        // of them when `to` is where the path starts), and this one.
                        let from = stack.iter().position(|(n, _)| *n == to as usize);
                        let mut cycle: Vec<(u32, Span)> = match from {
                            Some(p) => path.iter().skip(p).copied().collect(),
                            None => Vec::new(),
                        };
                        cycle.push((to, span));
                        let mut members: Vec<u32> = stack
                            .iter()
                            .skip(from.unwrap_or(0))
                            .map(|(n, _)| u32::try_from(*n).unwrap_or(0))
                            .collect();
                        members.sort_unstable();
                        if !reported.contains(&members) {
                            reported.push(members);
                            cycles.push(cycle);
                        }
                    }
                    _ => {}
                }
            }
        }
        for cycle in cycles {
            self.report_cycle(&cycle);
        }
    }

    fn report_cycle(&mut self, cycle: &[(u32, Span)]) {
        let name = |i: u32| {
            self.fns
                .signatures
                .get(i as usize)
                .map_or("?", |s| s.name.as_str())
        };
        let Some(&(first, first_span)) = cycle.first() else {
            return;
        };
        let message = if cycle.len() == 1 {
            format!("function `{}` calls itself", name(first))
        } else {
            let mut names: Vec<&str> = cycle.iter().map(|(c, _)| name(*c)).collect();
            names.rotate_right(1);
            if let Some(&n) = names.first() {
                names.push(n);
            }
            format!(
                "functions call each other in a cycle: {}",
                names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(" → ")
            )
        };
        let mut d = Diagnostic::error(Code::Recursion, message);
        d = d.label(first_span, format!("calls `{}`", name(first)));
        for &(callee, span) in cycle.iter().skip(1) {
            d = d.label(span, format!("calls `{}`", name(callee)));
        }
        self.report(d.help(
            "pack functions cannot call themselves, directly or through others, so that every check ends; compute over lists with a generator (`all(… for x in xs)`, `list(…)`, `map(…)`) instead",
        ));
    }

    /// The signature of pack function `name`, for "did you mean" help.
    pub(crate) fn pack_signature(&self, name: &str) -> Option<String> {
        let &i = self.fns.index.get(name)?;
        self.fns.signatures.get(i as usize).map(|s| s.text(self))
    }
}

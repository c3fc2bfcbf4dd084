//! The pack's rules for people and scripts: `preflight rules` (a table, or JSON)
//! and `preflight explain RULE` (one rule in full).

use std::collections::BTreeSet;

use serde::Serialize;

use crate::diagnostic::{Code, Diagnostic};
use crate::model::program::{Function, Program, Rule, TExpr, TExprKind};
use crate::model::value::Value;
use crate::source::Sources;
use crate::suggest;

/// One rule as `rules --format json` lists it.
#[derive(Debug, Serialize)]
pub struct RuleEntry {
    /// The rule id.
    pub id: String,
    /// `error`, `warning` or `info`.
    pub severity: &'static str,
    /// The file it is declared in.
    pub file: String,
    /// 1-based line of the `rule` keyword.
    pub line: usize,
    /// The first line of its doc comment (empty without one).
    pub summary: String,
    /// The whole doc comment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
}

/// One pack function as `rules --format json` lists it.
#[derive(Debug, Serialize)]
pub struct FunctionEntry {
    /// The function's name.
    pub name: String,
    /// `name(param: type, …): type`.
    pub signature: String,
    /// The file it is declared in.
    pub file: String,
    /// 1-based line of the `fn` keyword.
    pub line: usize,
    /// The first line of its doc comment (empty without one).
    pub summary: String,
    /// The whole doc comment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
}

/// Every pack function, in pack order.
pub fn function_entries(program: &Program, sources: &Sources) -> Vec<FunctionEntry> {
    program
        .functions
        .iter()
        .map(|f| {
            let (file, line) = sources.get(f.span.file).map_or((String::new(), 0), |s| {
                (s.name().to_string(), s.line_col(f.span.start as usize).0)
            });
            FunctionEntry {
                name: f.name.clone(),
                signature: f.signature(&program.schema),
                file,
                line,
                summary: first_line(f.doc.as_deref()),
                doc: f.doc.clone(),
            }
        })
        .collect()
}

/// Every rule, in pack order.
pub fn entries(program: &Program, sources: &Sources) -> Vec<RuleEntry> {
    program
        .rules
        .iter()
        .map(|r| {
            let (file, line) = sources.get(r.span.file).map_or((String::new(), 0), |f| {
                (f.name().to_string(), f.line_col(r.span.start as usize).0)
            });
            RuleEntry {
                id: r.id.clone(),
                severity: r.severity.as_str(),
                file,
                line,
                summary: first_line(r.doc.as_deref()),
                doc: r.doc.clone(),
            }
        })
        .collect()
}

/// The rules as an aligned table: id, severity, file:line, first doc line.
pub fn table(program: &Program, sources: &Sources) -> String {
    let rows: Vec<[String; 4]> = entries(program, sources)
        .into_iter()
        .map(|e| {
            [
                e.id,
                e.severity.to_string(),
                format!("{}:{}", e.file, e.line),
                e.summary,
            ]
        })
        .collect();
    let width = |i: usize| {
        rows.iter()
            .map(|r| r.get(i).map_or(0, |c| c.chars().count()))
            .max()
            .unwrap_or(0)
    };
    let (w0, w1, w2) = (width(0).max(2), width(1).max(8), width(2).max(8));
    let mut out = format!(
        "{:<w0$}  {:<w1$}  {:<w2$}  {}\n",
        "id", "severity", "location", "what it checks"
    );
    for [id, severity, place, summary] in &rows {
        out.push_str(format!("{id:<w0$}  {severity:<w1$}  {place:<w2$}  {summary}").trim_end());
        out.push('\n');
    }
    let functions = function_entries(program, sources);
    if !functions.is_empty() {
        let rows: Vec<[String; 3]> = functions
            .into_iter()
            .map(|f| [f.signature, format!("{}:{}", f.file, f.line), f.summary])
            .collect();
        let width = |i: usize| {
            rows.iter()
                .map(|r| r.get(i).map_or(0, |c| c.chars().count()))
                .max()
                .unwrap_or(0)
        };
        let (w0, w1) = (width(0).max(8), width(1).max(8));
        out.push_str(&format!(
            "\n{:<w0$}  {:<w1$}  {}\n",
            "function", "location", "what it computes"
        ));
        for [sig, place, summary] in &rows {
            out.push_str(format!("{sig:<w0$}  {place:<w1$}  {summary}").trim_end());
            out.push('\n');
        }
    }
    out
}

/// One rule in full: id and severity, where it is, its doc comment, its source,
/// and the params and data it reads. An unknown id is an error with "did you
/// mean".
pub fn explain(program: &Program, sources: &Sources, id: &str) -> Result<String, Diagnostic> {
    if program.rule(id).is_none()
        && let Some(f) = program.functions.iter().find(|f| f.name == id)
    {
        return Ok(explain_function(program, sources, f));
    }
    let Some(rule) = program.rule(id) else {
        let ids = program
            .rules
            .iter()
            .map(|r| r.id.as_str())
            .chain(program.functions.iter().map(|f| f.name.as_str()));
        let help = match suggest::did_you_mean(id, ids.clone()) {
            Some(close) => format!("did you mean `{close}`?"),
            None => format!("the pack's rules are {}", suggest::list_names(ids, 40)),
        };
        return Err(
            Diagnostic::error(Code::UnknownName, format!("the pack has no rule `{id}`")).help(help),
        );
    };
    let place = sources.get(rule.span.file).map_or(String::new(), |f| {
        let (line, column) = f.line_col(rule.span.start as usize);
        format!("{}:{line}:{column}", f.name())
    });
    let mut out = format!("{} ({})\n{place}\n", rule.id, rule.severity.as_str());
    match &rule.doc {
        Some(doc) => {
            out.push('\n');
            out.push_str(doc);
            out.push('\n');
        }
        None => out.push_str("\n(no doc comment)\n"),
    }
    let mut roots = Vec::new();
    rule.visit(|e| roots.push(e));
    let (params, data, called) = reads_through(program, roots);
    if !called.is_empty() {
        out.push_str("\nfunctions it calls:\n");
        for i in &called {
            if let Some(f) = program.functions.get(*i as usize) {
                out.push_str(&format!("  {}\n", f.signature(&program.schema)));
                for line in f.doc.as_deref().unwrap_or("").lines() {
                    out.push_str("      ");
                    out.push_str(line);
                    out.push('\n');
                }
            }
        }
    }
    if !params.is_empty() {
        out.push_str("\nparams it reads:\n");
        for i in params {
            if let Some(p) = program.params.get(i as usize) {
                let default = Value::from_const(&p.default).display(&p.ty, &program.schema);
                out.push_str(&format!(
                    "  {}: {} = {default}\n",
                    p.name,
                    p.ty.display(&program.schema)
                ));
                for line in p.doc.as_deref().unwrap_or("").lines() {
                    out.push_str("      ");
                    out.push_str(line);
                    out.push('\n');
                }
            }
        }
    }
    if !data.is_empty() {
        out.push_str("\ndata it reads:\n");
        for i in data {
            if let Some(d) = program.data.get(i as usize) {
                let path = d
                    .path
                    .as_ref()
                    .map(|(p, _)| format!(" = {p:?}"))
                    .unwrap_or_default();
                out.push_str(&format!(
                    "  {}: {}{path}\n",
                    d.name,
                    d.ty.display(&program.schema)
                ));
            }
        }
    }
    out.push_str("\nsource:\n");
    let text = sources.slice(rule.span);
    for line in text.lines() {
        out.push_str("  ");
        out.push_str(line);
        out.push('\n');
    }
    Ok(out)
}

/// The params and data a rule reads, by index, in declaration order, through
/// the pack functions it calls as well.
pub fn reads(program: &Program, rule: &Rule) -> (BTreeSet<u32>, BTreeSet<u32>) {
    let mut roots = Vec::new();
    rule.visit(|e| roots.push(e));
    let (params, data, _) = reads_through(program, roots);
    (params, data)
}

/// The params, data and pack functions that these expressions reach,
/// following calls into function bodies (each body once).
fn reads_through<'a>(
    program: &'a Program,
    mut todo: Vec<&'a TExpr>,
) -> (BTreeSet<u32>, BTreeSet<u32>, BTreeSet<u32>) {
    let mut params = BTreeSet::new();
    let mut data = BTreeSet::new();
    let mut called = BTreeSet::new();
    while let Some(e) = todo.pop() {
        match e.kind {
            TExprKind::Param(i) => {
                params.insert(i);
            }
            TExprKind::Data(i) => {
                data.insert(i);
            }
            TExprKind::CallFn { func, .. } => {
                if called.insert(func)
                    && let Some(f) = program.functions.get(func as usize)
                {
                    f.body.visit(&mut |x| todo.push(x));
                }
            }
            _ => {}
        }
    }
    (params, data, called)
}

/// A pack function in full: its signature, where it is, its doc comment, its
/// source, and the rules that call it.
fn explain_function(program: &Program, sources: &Sources, f: &Function) -> String {
    let place = sources.get(f.span.file).map_or(String::new(), |s| {
        let (line, column) = s.line_col(f.span.start as usize);
        format!("{}:{line}:{column}", s.name())
    });
    let mut out = format!("fn {}\n{place}\n", f.signature(&program.schema));
    match &f.doc {
        Some(doc) => {
            out.push('\n');
            out.push_str(doc);
            out.push('\n');
        }
        None => out.push_str("\n(no doc comment)\n"),
    }
    let index = program.functions.iter().position(|g| std::ptr::eq(g, f));
    let callers: Vec<&str> = program
        .rules
        .iter()
        .filter(|r| {
            let mut roots = Vec::new();
            r.visit(|e| roots.push(e));
            let (_, _, called) = reads_through(program, roots);
            index.is_some_and(|i| called.contains(&u32::try_from(i).unwrap_or(u32::MAX)))
        })
        .map(|r| r.id.as_str())
        .collect();
    if !callers.is_empty() {
        out.push_str("\nrules that use it:\n");
        for id in callers {
            out.push_str(&format!("  {id}\n"));
        }
    }
    out.push_str("\nsource:\n");
    for line in sources.slice(f.span).lines() {
        out.push_str("  ");
        out.push_str(line);
        out.push('\n');
    }
    out
}

fn first_line(doc: Option<&str>) -> String {
    doc.and_then(|d| d.lines().next())
        .unwrap_or("")
        .trim()
        .to_string()
}

//! The canonical layout of policy files (being written).

use crate::diagnostic::Diagnostic;
use crate::source::Sources;

/// Formats the policy text `text` (named `name` in diagnostics): the canonical
/// layout, or the reasons it cannot be formatted (a file that does not parse is
/// never rewritten), with the sources they point into.
pub fn format_source(name: &str, text: &str) -> Result<String, (Sources, Vec<Diagnostic>)> {
    let _ = name;
    Ok(text.to_string())
}
#[cfg(test)]
mod probe {
    #[test]
    fn spans() {
        let text = "input a: A // c1\nrecord A { x: int // c2\n , y: [int] // c3\n}\nrule r {\n  require x // c4\n  require f(x) // c5\n  require x.y // c6\n  message \"a\" // c7\n}\nparam p: int = 1 // c8\n";
        let mut sources = crate::source::Sources::new();
        let id = sources.add("t", text);
        let (ast, diags) = crate::syntax::parse(id, text);
        println!("{diags:?}");
        for d in &ast.decls { println!("{d:#?}"); }
    }
}

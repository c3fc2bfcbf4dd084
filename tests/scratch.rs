#[test]
fn scratch() {
    let path = std::env::var("SCRATCH").unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let mut sources = preflight::source::Sources::new();
    let id = sources.add(path.clone(), text.clone());
    let (ast, diags) = preflight::syntax::parse(id, &text);
    if std::env::var("AST").is_ok() { println!("{ast:#?}"); } else { println!("{} decls", ast.decls.len()); }
    print!("{}", preflight::diagnostic::render_plain(&diags, &sources, 100));
}

//! The `preflight` binary: everything lives in the library; see `preflight::cli`.

/// Stack for the thread that does the work. Checking and evaluating recurse once
/// per level of a policy expression (at most 256 levels, see ARCHITECTURE.md,
/// "Bounded recursion"); in an unoptimised build a level can take tens of
/// kilobytes, more than a default 8 MiB main thread guarantees. The memory is
/// only reserved, not used.
const STACK_BYTES: usize = 256 * 1024 * 1024;

fn main() -> std::process::ExitCode {
    let worker = std::thread::Builder::new()
        .name("preflight".into())
        .stack_size(STACK_BYTES)
        .spawn(preflight::cli::run);
    match worker.map(std::thread::JoinHandle::join) {
        Ok(Ok(code)) => code,
        // The library does not panic on any input; should it ever, the panic has
        // been printed and the run is not to be trusted.
        Ok(Err(_)) => std::process::ExitCode::from(preflight::cli::EXIT_TROUBLE),
        // No thread could be started (a tiny address space): work on this one.
        Err(_) => preflight::cli::run(),
    }
}

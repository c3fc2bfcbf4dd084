//! The `preflight` binary: everything lives in the library; see `preflight::cli`.

fn main() -> std::process::ExitCode {
    preflight::cli::run()
}

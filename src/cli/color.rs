//! `--color`: when output is coloured. Deciding it needs the terminal and the
//! environment, so it is the command line's business; reports are only told
//! yes or no.

use std::io::IsTerminal;

/// When to use colour, as given by `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour when standard error is a terminal and `NO_COLOR` is not set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

impl ColorChoice {
    /// Whether to colour output written to standard error.
    pub fn for_stderr(self) -> bool {
        self.decide(std::io::stderr().is_terminal())
    }

    /// Whether to colour output written to standard output.
    pub fn for_stdout(self) -> bool {
        self.decide(std::io::stdout().is_terminal())
    }

    fn decide(self, terminal: bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && terminal
            }
        }
    }
}

//! The bounds that keep any policy or input from exhausting stack, memory or
//! time. Policy limits are fixed (they protect the checker's recursion and are
//! listed in docs/language.md §11); the limits on input are [`Limits`], with
//! defaults a real plan never reaches, and `check` can change them
//! (`--max-input-depth`, `--max-yaml-aliases`, `--max-steps`).

/// Limits on input data and on evaluation, for one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// How deep arrays and objects may nest in an input or data file. The
    /// parsers keep their own stack, but conformance, evaluation and freeing a
    /// document recurse once per level, so it is capped at
    /// [`MAX_INPUT_DEPTH_CEILING`].
    pub input_depth: usize,
    /// How many values YAML aliases may expand to, over a whole file (a string
    /// counts once per 64 bytes); stops "billion laughs" documents.
    pub yaml_alias_values: usize,
    /// Evaluation steps one document may take: one per expression evaluated,
    /// plus one per element an operation walks (`in`, `==` of lists, `sum`, …).
    /// A document that needs more gets an `error` outcome and its evaluation
    /// stops; `0` means no limit.
    pub eval_steps: u64,
}

/// Default of [`Limits::input_depth`].
pub const DEFAULT_INPUT_DEPTH: usize = 128;
/// The largest [`Limits::input_depth`] accepted (see its doc).
pub const MAX_INPUT_DEPTH_CEILING: usize = 1_000;
/// Default of [`Limits::yaml_alias_values`].
pub const DEFAULT_YAML_ALIAS_VALUES: usize = 100_000;
/// Default of [`Limits::eval_steps`]: a few seconds of evaluation, about 100
/// times what the default pack needs for a plan of a thousand subscriptions.
pub const DEFAULT_EVAL_STEPS: u64 = 100_000_000;

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            input_depth: DEFAULT_INPUT_DEPTH,
            yaml_alias_values: DEFAULT_YAML_ALIAS_VALUES,
            eval_steps: DEFAULT_EVAL_STEPS,
        }
    }
}

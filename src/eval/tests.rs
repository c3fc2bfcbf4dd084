//! Evaluator unit tests (being written).

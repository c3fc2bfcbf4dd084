//! Stage 5, report: turns results into text for people and for machines.
//!
//! One file per output form. Reporting never parses, checks or evaluates; it only
//! renders what earlier stages produced.

pub mod diagnostics_human;
pub mod diagnostics_json;
pub mod findings_github;
pub mod findings_human;
pub mod findings_json;
pub mod findings_junit;
pub mod findings_sarif;
pub mod json_schema;
pub mod rules;

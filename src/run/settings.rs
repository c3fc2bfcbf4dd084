//! The run's settings from the command line: `--param`, `--today`, `--data`.
//!
//! Each value is checked against the pack before anything is evaluated, and a
//! wrong one is reported like any other problem: with what was expected and, for
//! names, "did you mean".

use std::sync::Arc;

use jiff::civil::Date;

use crate::diagnostic::{Code, Diagnostic};
use crate::model::program::Program;
use crate::model::types::Type;
use crate::model::value::Value;
use crate::suggest;

/// The value of every `param`: its default, or the `--param NAME=VALUE` given.
pub fn params(
    program: &Program,
    overrides: &[(String, String)],
) -> Result<Vec<Value>, Vec<Diagnostic>> {
    let mut values: Vec<Value> = program
        .params
        .iter()
        .map(|p| Value::from_const(&p.default))
        .collect();
    let mut errors = Vec::new();
    for (name, text) in overrides {
        let Some(i) = program.params.iter().position(|p| &p.name == name) else {
            let names = program.params.iter().map(|p| p.name.as_str());
            let help = match suggest::did_you_mean(name, names.clone()) {
                Some(close) => format!("did you mean `{close}`?"),
                None if program.params.is_empty() => "this pack declares no params".to_string(),
                None => format!("the pack's params are {}", suggest::list_names(names, 20)),
            };
            errors.push(
                Diagnostic::error(Code::Usage, format!("the pack has no param `{name}`"))
                    .help(help),
            );
            continue;
        };
        let Some(def) = program.params.get(i) else {
            continue;
        };
        match parse_value(program, &def.ty, text) {
            Ok(v) => {
                if let Some(slot) = values.get_mut(i) {
                    *slot = v;
                }
            }
            Err(why) => errors.push(
                Diagnostic::error(Code::Usage, format!("`--param {name}={text}`: {why}")).help(
                    format!("`{name}` is declared `{}`", def.ty.display(&program.schema)),
                ),
            ),
        }
    }
    if errors.is_empty() {
        Ok(values)
    } else {
        Err(errors)
    }
}

/// Parses a command-line value as a value of `ty` (a param's type).
fn parse_value(program: &Program, ty: &Type, text: &str) -> Result<Value, String> {
    match ty {
        Type::Bool => match text {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err("expected `true` or `false`".into()),
        },
        Type::Int => text
            .replace('_', "")
            .parse::<i64>()
            .map(Value::Int)
            .map_err(|_| "expected a whole number within the 64-bit range".into()),
        Type::String => Ok(Value::Str(Arc::from(text))),
        Type::Date => crate::model::date::parse_date(text).map(Value::Date),
        Type::DateTime => crate::model::datetime::parse_datetime(text)
            .map(Value::DateTime)
            .map_err(|problem| match crate::model::date::parse_date(text) {
                Ok(_) => format!("{problem}: write `{text}T00:00:00Z` for midnight UTC"),
                Err(_) if problem.contains("e.g.") => problem,
                Err(_) => format!(
                    "{problem}; a datetime is written like `2026-05-01T09:30:00Z` or `2026-05-01T09:30:00+02:00`"
                ),
            }),
        Type::Enum(id) => {
            let def = program
                .schema
                .enum_def(*id)
                .ok_or_else(|| "unknown enum".to_string())?;
            match def.member(text) {
                Some(i) => Ok(Value::Enum(i)),
                None => {
                    let members = def.members.iter().map(|m| m.value.as_str());
                    Err(match suggest::did_you_mean(text, members.clone()) {
                        Some(close) => format!(
                            "`{text}` is not a member of `{}`; did you mean `{close}`?",
                            def.name
                        ),
                        None => format!(
                            "`{text}` is not a member of `{}`, whose members are {}",
                            def.name,
                            suggest::list_names(members, 12)
                        ),
                    })
                }
            }
        }
        _ => Err("params of this type cannot be given on the command line".into()),
    }
}

/// The run's date: `--today YYYY-MM-DD`, or the system's local date.
pub fn today(given: Option<&str>) -> Result<Date, Diagnostic> {
    match given {
        Some(text) => crate::model::date::parse_date(text).map_err(|why| {
            Diagnostic::error(
                Code::Usage,
                format!("`--today {text}` is not a date: {why}"),
            )
            .maybe_help(crate::model::date::date_help(text))
        }),
        None => Ok(jiff::Zoned::now().date()),
    }
}

/// Splits `NAME=VALUE`.
pub fn name_value(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => {
            Ok((name.trim().to_string(), value.to_string()))
        }
        _ => Err(format!("expected `NAME=VALUE`, found `{text}`")),
    }
}

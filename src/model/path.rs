//! Paths: where a value came from, as a JSON Pointer into a document or a data
//! file.
//!
//! Paths name subjects (`/subscriptions/2`, `@catalog/offers/O365-E3`) and let a
//! report find a value's line and column again ([`crate::data::locate`]). The
//! evaluator builds them only when it needs them: for an outcome it keeps, and
//! while tracing a failed `require`; passing subjects never pay for them.

use std::fmt;
use std::sync::Arc;

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Seg {
    /// A record field or a map key: an object member in the data.
    Key(Arc<str>),
    /// A list element: an array element in the data.
    Index(usize),
}

/// Where a path starts.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Root {
    /// The document being checked.
    Input,
    /// A `data` value, by index into the program's data declarations, with its name.
    Data(u32, Arc<str>),
    /// Element `index` of a list computed by the rule (`keys(…)`, `list(…)`), which
    /// is in no file; `base` is the enclosing subject's path.
    Computed {
        /// The enclosing subject, rendered.
        base: Arc<str>,
        /// The element's position in the computed list.
        index: usize,
    },
}

/// A path: a root and the steps from it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Path {
    /// Where it starts.
    pub root: Root,
    /// The steps, outermost first.
    pub segs: Vec<Seg>,
}

impl Path {
    /// The document root, `""`.
    pub fn input() -> Path {
        Path {
            root: Root::Input,
            segs: Vec::new(),
        }
    }

    /// This path extended by one step.
    pub fn child(&self, seg: Seg) -> Path {
        let mut segs = Vec::with_capacity(self.segs.len() + 1);
        segs.extend(self.segs.iter().cloned());
        segs.push(seg);
        Path {
            root: self.root.clone(),
            segs,
        }
    }
}

impl fmt::Display for Path {
    /// The path as language.md §4 writes subjects: a JSON Pointer for the document
    /// (`/subscriptions/2`, `""` for the root), `@NAME` and a pointer for data,
    /// and `BASE[N]` for an element of a computed list.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.root {
            Root::Input => {}
            Root::Data(_, name) => write!(f, "@{name}")?,
            Root::Computed { base, index } => write!(f, "{base}[{index}]")?,
        }
        for seg in &self.segs {
            match seg {
                Seg::Key(k) => {
                    f.write_str("/")?;
                    // JSON Pointer escaping (RFC 6901): `~` → `~0`, `/` → `~1`.
                    for c in k.chars() {
                        match c {
                            '~' => f.write_str("~0")?,
                            '/' => f.write_str("~1")?,
                            c => fmt::Write::write_char(f, c)?,
                        }
                    }
                }
                Seg::Index(i) => write!(f, "/{i}")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_as_json_pointers() {
        let p = Path::input()
            .child(Seg::Key(Arc::from("subscriptions")))
            .child(Seg::Index(2));
        assert_eq!(p.to_string(), "/subscriptions/2");
        assert_eq!(Path::input().to_string(), "");
        let d = Path {
            root: Root::Data(0, Arc::from("catalog")),
            segs: vec![Seg::Key(Arc::from("offers")), Seg::Key(Arc::from("a/b~c"))],
        };
        assert_eq!(d.to_string(), "@catalog/offers/a~1b~0c");
        let c = Path {
            root: Root::Computed {
                base: Arc::from("/subscriptions/1"),
                index: 3,
            },
            segs: vec![],
        };
        assert_eq!(c.to_string(), "/subscriptions/1[3]");
    }
}

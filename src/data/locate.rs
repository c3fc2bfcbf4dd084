//! Finding a value's node again from its path, for reports.
//!
//! The evaluator works on conformed values, which carry no positions; a report
//! that needs a value's line asks here, walking the document's [`Node`] tree along
//! the path. This costs a few steps per reported value and nothing for values
//! that are never reported.

use super::node::{Node, NodeKind};
use crate::model::path::Seg;

/// The node at `segs` below `node`, or `None` if the path leaves the tree (an
/// absent optional field, an element of a computed list).
pub fn locate<'a>(node: &'a Node, segs: &[Seg]) -> Option<&'a Node> {
    let mut here = node;
    for seg in segs {
        here = match (seg, &here.kind) {
            (Seg::Key(k), NodeKind::Object(entries)) => {
                &entries.iter().find(|e| e.key.as_str() == k.as_ref())?.value
            }
            (Seg::Index(i), NodeKind::Array(items)) => items.get(*i)?,
            _ => return None,
        };
    }
    Some(here)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::data::node::Entry;

    fn n(kind: NodeKind, start: u32) -> Node {
        Node {
            kind,
            start,
            end: start + 1,
        }
    }

    #[test]
    fn follows_keys_and_indexes() {
        let doc = n(
            NodeKind::Object(vec![Entry {
                key: "xs".into(),
                key_start: 1,
                key_end: 3,
                value: n(
                    NodeKind::Array(vec![n(NodeKind::Int(1), 7), n(NodeKind::Int(2), 9)]),
                    5,
                ),
            }]),
            0,
        );
        let found = locate(&doc, &[Seg::Key(Arc::from("xs")), Seg::Index(1)]);
        assert_eq!(found.map(|n| n.start), Some(9));
        assert!(locate(&doc, &[Seg::Key(Arc::from("ys"))]).is_none());
        assert!(locate(&doc, &[Seg::Key(Arc::from("xs")), Seg::Index(5)]).is_none());
    }
}

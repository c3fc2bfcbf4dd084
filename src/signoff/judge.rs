//! The judge: a sink between a session and its report that marks each
//! finding `waived` (by the first unexpired waiver that accepts it) and `new`
//! or `unchanged` (against the baseline), as documents come. At the end it
//! says which waivers were used and which baseline findings are fixed.

use std::collections::HashMap;
use std::sync::Arc;

use super::baseline::Baseline;
use super::conclusion::{BaselineOutcome, SignOff, WaiverStatus, WaiverUse};
use super::waivers::{Waiver, only_errors, unused};
use crate::diagnostic::Diagnostic;
use crate::eval::OutcomeKind;
use crate::model::program::Program;
use crate::run::provenance::Provenance;
use crate::run::{Checked, Collect, DocumentResult, Sink};
use crate::source::Sources;

/// A sink that decides what sign-off says about each finding, then hands the
/// document on.
pub struct Judge<'p, S: Sink> {
    inner: S,
    program: &'p Program,
    waivers: Vec<Waiver>,
    /// Waivers by rule index, in file order.
    by_rule: HashMap<usize, Vec<usize>>,
    /// Findings each waiver matched (an expired one too: it would have).
    matched: Vec<u64>,
    /// `error` outcomes each waiver covers but may not accept, being a
    /// pattern.
    refused: Vec<u64>,
    baseline: Option<Baseline>,
}

impl<'p, S: Sink> Judge<'p, S> {
    /// A judge with these waivers (already checked) and this baseline, in
    /// front of `inner`.
    pub fn new(
        inner: S,
        program: &'p Program,
        waivers: Vec<Waiver>,
        baseline: Option<Baseline>,
    ) -> Self {
        let mut by_rule: HashMap<usize, Vec<usize>> = HashMap::new();
        for (i, w) in waivers.iter().enumerate() {
            by_rule.entry(w.rule).or_default().push(i);
        }
        Judge {
            inner,
            program,
            matched: vec![0; waivers.len()],
            refused: vec![0; waivers.len()],
            waivers,
            by_rule,
            baseline,
        }
    }

    /// Marks the findings of one document.
    fn judge(&mut self, doc: &mut DocumentResult) {
        for o in doc.outcomes.iter_mut().filter(|o| o.finding.is_some()) {
            if let Some(baseline) = self.baseline.as_mut() {
                let rule = self.program.rule_id(o.rule);
                o.disposition.baseline = Some(baseline.mark(rule, &doc.name, &o.subject));
            }
            let Some(candidates) = self.by_rule.get(&o.rule) else {
                continue;
            };
            for &i in candidates {
                let Some(w) = self.waivers.get(i) else {
                    continue;
                };
                if !w.covers(&doc.name, &o.subject) {
                    continue;
                }
                // An evaluation that could not finish is accepted only by
                // name, never by a pattern.
                if o.kind == OutcomeKind::Error && !w.is_exact() {
                    if let Some(n) = self.refused.get_mut(i) {
                        *n += 1;
                    }
                    continue;
                }
                if let Some(n) = self.matched.get_mut(i) {
                    *n += 1;
                }
                if !w.expired && o.disposition.waiver.is_none() {
                    o.disposition.waiver = Some(Arc::clone(&w.shown));
                }
            }
        }
    }

    /// The sink behind the judge, with what sign-off concluded; waivers that
    /// matched nothing are reported to it first (as notes at their line).
    pub fn conclude(mut self, sources: &Sources, provenance: Option<Provenance>) -> (S, SignOff) {
        let mut uses = Vec::with_capacity(self.waivers.len());
        let counts = self.matched.iter().zip(&self.refused);
        for (w, (matched, refused)) in self.waivers.iter().zip(counts) {
            let status = if w.expired {
                WaiverStatus::Expired
            } else if *matched == 0 {
                let note = if *refused > 0 {
                    only_errors(w, *refused)
                } else {
                    unused(w)
                };
                self.inner.error(sources, note);
                WaiverStatus::Unused
            } else {
                WaiverStatus::Applied
            };
            uses.push(WaiverUse {
                waiver: Arc::clone(&w.shown),
                rule: w.rule_id.clone(),
                status,
                matched: *matched,
            });
        }
        let baseline = self.baseline.map(|b| {
            let this_pack = provenance.as_ref().map(|p| p.digest.to_string());
            let same_pack = match (&b.digest, this_pack) {
                (Some((theirs, _)), Some(ours)) => Some(*theirs == ours),
                _ => None,
            };
            BaselineOutcome {
                file: b.file.clone(),
                digest: b.digest.as_ref().map(|(d, _)| d.clone()),
                same_pack,
                fixed: b.fixed(),
            }
        });
        let signoff = SignOff {
            provenance,
            waivers: uses,
            baseline,
        };
        (self.inner, signoff)
    }
}

impl<S: Sink> Sink for Judge<'_, S> {
    fn keeps_spans(&self) -> bool {
        self.inner.keeps_spans()
    }

    fn error(&mut self, sources: &Sources, error: Diagnostic) {
        self.inner.error(sources, error);
    }

    fn document(&mut self, sources: &Sources, mut document: DocumentResult) {
        self.judge(&mut document);
        self.inner.document(sources, document);
    }

    fn read(&mut self, bytes: u64) {
        self.inner.read(bytes);
    }
}

/// Judges a run that was collected whole (`preflight test`, programs that
/// embed preflight): marks its findings in place, adds the notes about unused
/// waivers to its errors, and gives what sign-off concluded.
pub fn judge_run(
    checked: &mut Checked,
    program: &Program,
    waivers: Vec<Waiver>,
    baseline: Option<Baseline>,
    provenance: Option<Provenance>,
) -> SignOff {
    let mut judge = Judge::new(Collect::default(), program, waivers, baseline);
    for doc in checked.documents.drain(..) {
        judge.document(&checked.sources, doc);
    }
    let (collected, signoff) = judge.conclude(&checked.sources, provenance);
    checked.documents = collected.documents;
    checked.errors.extend(collected.errors);
    signoff
}

//! Stage 5, the run: a loaded pack, its data and settings, and input files in;
//! resolved outcomes and diagnostics out.
//!
//! This is where the stages meet: files are read and split ([`crate::data::load`]),
//! documents conformed ([`crate::data::conform`]), evaluated ([`crate::eval`]),
//! and each finding's paths resolved to places in the files
//! ([`crate::data::locate`]) while the document's tree is still at hand. What comes
//! out ([`Checked`]) holds everything a report needs, so reports never evaluate.

mod case;
mod document;
mod pack_data;
mod places;
pub mod provenance;
mod result;
mod session;
pub mod settings;
mod sink;
mod stream;

use crate::data::read::Input;
use crate::pack::Pack;

pub use self::pack_data::validate_data;
pub use self::result::{
    AppliedWaiver, BaselineMark, Checked, ComputedValue, Disposition, DocumentResult, Finding,
    FindingValue, ReportedOutcome,
};
pub use self::session::{Options, Session};
pub use self::sink::{Collect, Sink};

/// Runs `pack` over `inputs`. A pack that did not load gives its diagnostics as
/// errors; documents that cannot be read, parsed or conformed are reported and
/// skipped while the others are evaluated.
pub fn check(pack: &Pack, inputs: &[Input], options: &Options) -> Checked {
    let mut session = match Session::start(pack, options) {
        Ok(session) => session,
        Err(failed) => return failed,
    };
    session.check_inputs(inputs, options.input_format);
    session.finish()
}

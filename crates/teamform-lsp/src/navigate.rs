//! Go to definition (from a reference such as `team = "sales-fr"` to `[team.sales-fr]`) and
//! find references (every place a team, role, user or asset key is written).

use crate::position::range;
use crate::project::Snapshot;
use crate::symbols;
use crate::workspace::uri_of;
use lsp_types::Location;
use teamform_diagnostics::{FileId, Span};

/// The location of a span, as the editor addresses it.
pub fn location(snapshot: &Snapshot, span: Span) -> Option<Location> {
    let source = snapshot.file(span.file)?;
    let uri = uri_of(snapshot.path(span.file)?)?;
    Some(Location::new(uri, range(source, span)))
}

/// The definition of the key written at byte `offset` of `file`.
pub fn definition(snapshot: &Snapshot, file: FileId, offset: u32) -> Option<Location> {
    let policy = snapshot.policy();
    let here = symbols::at(policy, file, offset)?;
    let span = symbols::definition(policy, here.kind, &here.key)?;
    location(snapshot, span)
}

/// Every place where the key written at byte `offset` of `file` is written.
pub fn references(
    snapshot: &Snapshot,
    file: FileId,
    offset: u32,
    with_definition: bool,
) -> Vec<Location> {
    let policy = snapshot.policy();
    let Some(here) = symbols::at(policy, file, offset) else {
        return Vec::new();
    };
    symbols::references(policy, here.kind, &here.key, with_definition)
        .into_iter()
        .filter_map(|span| location(snapshot, span))
        .collect()
}

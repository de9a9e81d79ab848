//! The validation checks, one file per kind of entity. Each check appends diagnostics; none
//! stops the others.

mod assets;
mod guardrails;
mod portal;
mod roles;
mod teams;
mod users;

use crate::Options;
use crate::graph::OrgGraph;
use crate::resolve::Index;
use teamform_diagnostics::Diagnostic;
use teamform_model::Policy;

/// Everything a check may look at.
pub(crate) struct Ctx<'a> {
    pub policy: &'a Policy,
    pub index: &'a Index,
    pub graph: &'a OrgGraph,
    pub options: Options,
}

pub(crate) fn run(
    policy: &Policy,
    index: &Index,
    graph: &OrgGraph,
    options: Options,
    diags: &mut Vec<Diagnostic>,
) {
    let cx = Ctx {
        policy,
        index,
        graph,
        options,
    };
    portal::check(&cx, diags);
    teams::check(&cx, diags);
    roles::check(&cx, diags);
    users::check(&cx, diags);
    assets::check(&cx, diags);
    guardrails::check(&cx, diags);
}

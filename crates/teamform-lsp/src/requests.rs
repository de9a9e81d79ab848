//! Answering requests: each is routed to the compilation holding its file, and to the module
//! that knows the answer (hover, navigation, completion, quick fixes).

use crate::project::{Project, Snapshot};
use crate::workspace::path_of;
use crate::{actions, complete, hover, navigate, position};
use lsp_server::{ErrorCode, Request, Response};
use lsp_types::request::{
    CodeActionRequest, Completion, GotoDefinition, HoverRequest, References, Request as _,
};
use lsp_types::{CodeActionOrCommand, CompletionResponse, GotoDefinitionResponse, Url};
use teamform_diagnostics::FileId;

/// The response to `request`, from the latest compilations of `projects`.
pub fn respond(projects: &[Project], request: Request) -> Response {
    let locate = |uri: &Url| locate(projects, uri);
    match request.method.as_str() {
        HoverRequest::METHOD => answer::<HoverRequest>(request, |p| {
            let at = p.text_document_position_params;
            let (snapshot, file) = locate(&at.text_document.uri)?;
            let offset = position::offset(snapshot.file(file)?, at.position);
            hover::hover(snapshot, file, offset)
        }),
        GotoDefinition::METHOD => answer::<GotoDefinition>(request, |p| {
            let at = p.text_document_position_params;
            let (snapshot, file) = locate(&at.text_document.uri)?;
            let offset = position::offset(snapshot.file(file)?, at.position);
            navigate::definition(snapshot, file, offset).map(GotoDefinitionResponse::Scalar)
        }),
        References::METHOD => answer::<References>(request, |p| {
            let at = p.text_document_position;
            let (snapshot, file) = locate(&at.text_document.uri)?;
            let offset = position::offset(snapshot.file(file)?, at.position);
            let with_definition = p.context.include_declaration;
            Some(navigate::references(
                snapshot,
                file,
                offset,
                with_definition,
            ))
        }),
        Completion::METHOD => answer::<Completion>(request, |p| {
            let at = p.text_document_position;
            let (snapshot, file) = locate(&at.text_document.uri)?;
            let items = complete::complete(snapshot, file, at.position);
            Some(CompletionResponse::Array(items))
        }),
        CodeActionRequest::METHOD => answer::<CodeActionRequest>(request, |p| {
            let (snapshot, file) = locate(&p.text_document.uri)?;
            let source = snapshot.file(file)?;
            let start = position::offset(source, p.range.start);
            let end = position::offset(source, p.range.end);
            let fixes = actions::quick_fixes(snapshot, file, start, end);
            Some(
                fixes
                    .into_iter()
                    .map(CodeActionOrCommand::CodeAction)
                    .collect(),
            )
        }),
        _ => Response::new_err(
            request.id,
            ErrorCode::MethodNotFound as i32,
            format!("unsupported request `{}`", request.method),
        ),
    }
}

/// The latest compilation holding the file at `uri`, and the file's id in it.
fn locate<'p>(projects: &'p [Project], uri: &Url) -> Option<(&'p Snapshot, FileId)> {
    let path = path_of(uri)?;
    projects
        .iter()
        .filter(|p| p.contains(&path))
        .filter_map(Project::snapshot)
        .find_map(|s| s.file_id(&path).map(|id| (s, id)))
}

/// Answers a request of type `R` with `f` applied to its parameters.
fn answer<R: lsp_types::request::Request>(
    request: Request,
    f: impl FnOnce(R::Params) -> R::Result,
) -> Response {
    match serde_json::from_value::<R::Params>(request.params) {
        Ok(params) => Response::new_ok(request.id, f(params)),
        Err(e) => Response::new_err(
            request.id,
            ErrorCode::InvalidParams as i32,
            format!("invalid parameters: {e}"),
        ),
    }
}

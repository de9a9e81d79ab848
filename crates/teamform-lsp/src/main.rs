//! `teamform-lsp`: the language server as a standalone binary, for editors and for the tests
//! of this crate (`teamform lsp` runs the same server).

fn main() -> std::process::ExitCode {
    match teamform_lsp::run_stdio() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("teamform-lsp: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

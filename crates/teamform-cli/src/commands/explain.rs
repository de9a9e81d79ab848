//! `teamform explain CODE`: a diagnostic code's documentation.

use crate::error::{Error, ExitStatus, Outcome};
use teamform_diagnostics::{CODES, Code, did_you_mean};

pub fn run(code: Option<&str>) -> Outcome {
    let Some(text) = code else {
        for doc in CODES {
            outln!(
                "{}  {:<8} {:<26} {}",
                doc.code,
                doc.severity.as_str(),
                doc.name,
                doc.summary
            );
        }
        return Ok(ExitStatus::Success);
    };
    match Code::parse(text) {
        Some(code) => {
            let doc = code.doc();
            out!("{}", doc.doc);
            if !doc.doc.ends_with('\n') {
                outln!();
            }
            outln!("\nDefault severity: {}.", doc.severity.as_str());
            Ok(ExitStatus::Success)
        }
        None => {
            let names = CODES.iter().flat_map(|d| [d.code, d.name]);
            let hint = match did_you_mean(text, names) {
                Some(s) => format!("; did you mean `{s}`?"),
                None => "; `teamform explain` lists them all".to_string(),
            };
            Err(Error::invalid(format!(
                "`{text}` is not a diagnostic code{hint}"
            )))
        }
    }
}

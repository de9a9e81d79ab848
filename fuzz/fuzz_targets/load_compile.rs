//! Policy bytes → load → compile → every diagnostic renderer. The input is split into up to
//! three files at `\0` bytes, so that merging across files is fuzzed too. Nothing may panic,
//! and every diagnostic must point inside its file.

#![no_main]

use libfuzzer_sys::fuzz_target;
use teamform_compiler::{Options, compile};
use teamform_diagnostics::render::{Format, HumanOptions, render};
use teamform_diagnostics::{SourceFile, SourceMap};
use teamform_model::{Date, load_sources};

const TODAY: Date = Date {
    year: 2026,
    month: 11,
    day: 25,
};

fuzz_target!(|data: &[u8]| {
    let mut sources = SourceMap::new();
    for (i, part) in data.splitn(3, |b| *b == 0).enumerate() {
        // As `load_dir` decodes a file: a BOM dropped, invalid UTF-8 replaced.
        let part = part.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(part);
        let text = String::from_utf8_lossy(part).into_owned();
        sources.add(SourceFile::new(format!("f{i}.toml"), text));
    }
    let load = load_sources(sources);
    let compiled = compile(&load, Options { today: TODAY });
    for d in &compiled.diagnostics {
        for label in &d.labels {
            let file = load.sources.get(label.span.file).map(|f| f.text.len());
            assert!(file.is_some_and(|len| label.span.end as usize <= len + 1));
        }
    }
    for format in [Format::Human, Format::Json, Format::Sarif, Format::Github] {
        let mut out = Vec::new();
        let _ = render(
            format,
            &compiled.diagnostics,
            &load.sources,
            &HumanOptions::default(),
            &mut out,
        );
    }
});

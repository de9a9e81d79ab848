//! Loading and compiling a medium organisation ([`OrgSize::medium`]: 10,000 users, 500 teams,
//! 50 roles, 5,000 assets) from memory, so that `cargo bench -p teamform-bench` catches
//! regressions of the loader and the compiler without touching the disk.

use criterion::Criterion;
use std::hint::black_box;
use teamform_bench::{OrgSize, generate};
use teamform_compiler::{Options, compile};
use teamform_diagnostics::{SourceFile, SourceMap};
use teamform_model::{Date, load_sources};

fn sources(files: &[(String, String)]) -> SourceMap {
    let mut map = SourceMap::new();
    for (path, text) in files {
        map.add(SourceFile::new(path.clone(), text.as_str()));
    }
    map
}

fn bench(c: &mut Criterion) {
    let files = generate(&OrgSize::medium(), 1);
    let map = sources(&files);
    let options = Options {
        today: Date {
            year: 2026,
            month: 11,
            day: 25,
        },
    };
    let mut group = c.benchmark_group("medium");
    group.sample_size(10);
    group.bench_function("load_sources", |b| {
        b.iter(|| load_sources(black_box(map.clone())));
    });
    group.bench_function("load_sources+compile", |b| {
        b.iter(|| {
            let loaded = load_sources(black_box(map.clone()));
            compile(&loaded, options)
        });
    });
    group.finish();
}

// `criterion_main!` would define an undocumented public function, which the workspace lints
// reject, so `main` does what it expands to.
fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    bench(&mut criterion);
    criterion.final_summary();
}

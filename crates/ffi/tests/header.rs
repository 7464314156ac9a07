//! The committed `include/arqonhpo.h` must be exactly what cbindgen generates from the
//! current source; run `make c-header` (cargo run -p xtask -- c-header) after changing the C ABI.

mod common;

use std::path::Path;

use common::header;

fn ffi_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn committed_header_matches_the_source() {
    let generated = header::generate(ffi_dir()).unwrap();
    let path = header::header_path(ffi_dir());
    let committed = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}; run `make c-header`", path.display()));
    assert!(
        committed == generated,
        "{} is out of date with crates/ffi/src; run `make c-header` and commit the result",
        path.display()
    );
}

#[test]
fn header_documents_ownership_for_every_function() {
    let generated = header::generate(ffi_dir()).unwrap();
    // Each exported function is preceded by its doc comment; every one with a pointer
    // argument or result must say who owns it.
    let mut doc = String::new();
    for line in generated.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("/*") || trimmed.starts_with('*') {
            doc.push_str(trimmed);
            doc.push('\n');
        } else if let Some(start) = trimmed.find("arqon_").filter(|_| trimmed.contains('(')) {
            let name: String =
                trimmed[start..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            if line.contains('*') {
                assert!(
                    doc.contains("Ownership"),
                    "the doc comment of {name} does not state ownership:\n{doc}"
                );
            }
            doc.clear();
        } else if !trimmed.is_empty() {
            doc.clear();
        }
    }
}

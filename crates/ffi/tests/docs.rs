//! `docs/c-api.md` stays true to the code: it shows `examples/c/tune.c` verbatim (the file
//! the C tests compile and run) and documents every status code and function of the header.

use std::path::PathBuf;

fn read(relative: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

#[test]
fn the_guide_shows_the_tested_example_verbatim() {
    let doc = read("docs/c-api.md");
    let example = read("examples/c/tune.c");
    assert!(
        doc.contains(&format!("```c\n{example}```")),
        "docs/c-api.md must contain examples/c/tune.c verbatim in a ```c block; copy the file into the Example section"
    );
}

#[test]
fn the_guide_documents_every_status_and_function() {
    let doc = read("docs/c-api.md");
    let header = read("crates/ffi/include/arqonhpo.h");
    let mut names: Vec<String> = Vec::new();
    for word in header.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
        let is_status = word.starts_with("ARQON_STATUS_") && word.len() > "ARQON_STATUS_".len();
        let is_function = word.starts_with("arqon_") && header.contains(&format!("{word}("));
        if (is_status || is_function) && !names.iter().any(|n| n == word) {
            names.push(word.to_owned());
        }
    }
    assert!(names.len() > 20, "found only {names:?} in the header");
    let missing: Vec<&String> = names.iter().filter(|n| !doc.contains(&format!("`{n}`"))).collect();
    assert!(missing.is_empty(), "docs/c-api.md does not mention {missing:?}");
}

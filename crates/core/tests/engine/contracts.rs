//! Drift test: the committed contract files are exactly what the generator writes.
//! Regenerate with `make contracts` after changing a contract type or the engine.

// The schemas need the `schema` feature (`make test` and `make contracts` enable it); without
// it the generator would write only part of contracts/.
#[test]
#[cfg_attr(not(feature = "schema"), ignore = "needs `--features arqonhpo-core/schema`")]
fn contracts_match_the_generator() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../contracts");
    let files = arqonhpo_core::contracts::files();
    assert!(files.len() >= 6, "schemas and golden runs are generated (run with --features schema)");
    for (name, expected) in files {
        let path = root.join(&name);
        let found = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            found == expected,
            "contracts/{name} is out of date: run `make contracts` and commit the result"
        );
    }
}

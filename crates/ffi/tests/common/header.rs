//! Generates `include/arqonhpo.h` with cbindgen's library API, from `src/` and
//! `cbindgen.toml`. Shared by the drift test (`tests/header.rs`) and `make c-header`
//! (`examples/gen_header.rs`), so both produce the same bytes.

use std::path::{Path, PathBuf};

/// The crate directory (where `cbindgen.toml` and `include/` live).
pub fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Path of the committed header.
pub fn header_path() -> PathBuf {
    crate_dir().join("include").join("arqonhpo.h")
}

/// The header text as cbindgen generates it now.
pub fn generate() -> Result<String, String> {
    let dir = crate_dir();
    let config = cbindgen::Config::from_file(dir.join("cbindgen.toml"))
        .map_err(|e| format!("reading cbindgen.toml: {e}"))?;
    let bindings = cbindgen::Builder::new()
        .with_crate(&dir)
        .with_config(config)
        .generate()
        .map_err(|e| format!("cbindgen could not generate the header: {e}"))?;
    let mut out = Vec::new();
    bindings.write(&mut out);
    String::from_utf8(out).map_err(|e| format!("cbindgen wrote non-UTF-8 text: {e}"))
}

/// Writes the generated header to `path`.
#[allow(dead_code)]
pub fn write(path: &Path) -> Result<(), String> {
    std::fs::write(path, generate()?).map_err(|e| format!("writing {}: {e}", path.display()))
}

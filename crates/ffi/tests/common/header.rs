//! Generates `include/arqonhpo.h` with cbindgen's library API, from the crate's source and
//! `cbindgen.toml`. Shared by the drift test (`tests/header.rs`) and `cargo run -p xtask --
//! c-header` (which includes this file), so both produce the same bytes.

use std::path::{Path, PathBuf};

/// Path of the committed header, in the FFI crate directory `dir`.
pub fn header_path(dir: &Path) -> PathBuf {
    dir.join("include").join("arqonhpo.h")
}

/// The header text as cbindgen generates it now from the FFI crate in `dir`.
pub fn generate(dir: &Path) -> Result<String, String> {
    let config = cbindgen::Config::from_file(dir.join("cbindgen.toml"))
        .map_err(|e| format!("reading cbindgen.toml: {e}"))?;
    let bindings = cbindgen::Builder::new()
        .with_crate(dir)
        .with_config(config)
        .generate()
        .map_err(|e| format!("cbindgen could not generate the header: {e}"))?;
    let mut out = Vec::new();
    bindings.write(&mut out);
    String::from_utf8(out).map_err(|e| format!("cbindgen wrote non-UTF-8 text: {e}"))
}

//! Regenerates the files the repository commits and checks for drift:
//!
//! - `contracts`: the JSON schemas and golden runs in `contracts/`;
//! - `cli-docs`: the CLI reference page, man pages and shell completions;
//! - `c-header`: `crates/ffi/include/arqonhpo.h`.
//!
//! Run as `cargo run -p xtask -- <task>` (the Makefile's `contracts`, `cli-docs` and `c-header`
//! targets). Each generator is the code its drift test compares against, so a test fails until
//! the regenerated files are committed.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[path = "../../crates/ffi/tests/common/header.rs"]
mod header;

const USAGE: &str = "usage: cargo run -p xtask -- contracts|cli-docs|c-header";

fn main() -> ExitCode {
    let task = std::env::args().nth(1).unwrap_or_default();
    let result = match task.as_str() {
        "contracts" => write_all(&root().join("contracts"), arqonhpo_core::contracts::files()),
        "cli-docs" => write_all(&root(), arqonhpo_cli::docs::files()),
        "c-header" => c_header(),
        _ => Err(USAGE.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root (this crate sits directly under it).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Writes `(relative path, contents)` pairs under `dir`, creating directories as needed.
fn write_all<P: AsRef<Path>, T: AsRef<[u8]>>(
    dir: &Path,
    files: impl IntoIterator<Item = (P, T)>,
) -> Result<(), String> {
    for (name, text) in files {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("creating {}: {e}", parent.display()))?;
        }
        std::fs::write(&path, text).map_err(|e| format!("writing {}: {e}", path.display()))?;
        println!("wrote {}", path.display());
    }
    Ok(())
}

fn c_header() -> Result<(), String> {
    let ffi = root().join("crates/ffi");
    let path = header::header_path(&ffi);
    std::fs::write(&path, header::generate(&ffi)?)
        .map_err(|e| format!("writing {}: {e}", path.display()))?;
    println!("wrote {}", path.display());
    Ok(())
}

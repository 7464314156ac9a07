//! Writes the generated contract files: the JSON schemas of `SolverConfig` and `RunArtifact`
//! and the golden runs every front replays. `make contracts` runs it; the drift test in
//! `tests/contracts.rs` fails when the committed files differ from what this writes.

use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../contracts");
    for (name, text) in arqonhpo_core::contracts::files() {
        let path = root.join(name);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(&path, text)?;
        println!("wrote {}", path.display());
    }
    Ok(())
}

//! Regenerates the CLI reference page, man pages and shell completions (`make cli-docs`).

use std::path::Path;

fn main() -> std::io::Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    for (path, contents) in arqonhpo_cli::docs::files() {
        let target = root.join(&path);
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(&target, contents)?;
        println!("wrote {}", path.display());
    }
    Ok(())
}

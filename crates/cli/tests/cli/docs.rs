//! Generated docs do not drift, and the usage guide's examples run.

use std::path::Path;

use crate::common::*;

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

#[test]
fn generated_reference_man_pages_and_completions_are_committed() {
    let mut stale = Vec::new();
    for (path, contents) in arqonhpo_cli::docs::files() {
        if std::fs::read(root().join(&path)).ok().as_deref() != Some(&contents[..]) {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "generated files differ from the CLI definition; run `make cli-docs` and commit: {stale:?}"
    );
}

#[test]
fn the_usage_guide_examples_run() {
    let guide = read(&root().join("docs/cli.md"));
    let mut script = String::from("set -euo pipefail\n");
    let mut blocks = 0;
    let mut inside = false;
    for line in guide.lines() {
        if inside {
            if line.starts_with("```") {
                inside = false;
            } else {
                script.push_str(line);
                script.push('\n');
            }
        } else if line.trim_end() == "```sh" {
            inside = true;
            blocks += 1;
        }
    }
    assert!(blocks >= 5, "the guide has {blocks} sh examples");
    let dir = workdir();
    let bin_dir = bin().parent().map(Path::to_path_buf).unwrap_or_default();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(dir.path())
        .env("PATH", path)
        .env_remove("RUST_LOG")
        .output()
        .expect("cannot run bash");
    assert!(
        out.status.success(),
        "the guide's examples failed ({}):\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

//! Generated documentation: the CLI reference page, man pages and shell completions.
//!
//! All of it is rendered from the clap definition in [`crate::cli`], committed to the
//! repository, and checked by a test that fails when a committed file differs from what
//! [`files`] produces. `make cli-docs` (`cargo run -p xtask -- cli-docs`) rewrites them.

use std::path::PathBuf;

use clap_complete::Shell;

/// Width the help text is wrapped to in generated files, whatever the terminal.
const WIDTH: usize = 100;

/// Every generated file: `(path relative to the workspace root, contents)`.
pub fn files() -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = vec![(PathBuf::from("docs/cli-reference.md"), reference().into_bytes())];
    for (name, page) in man_pages() {
        out.push((PathBuf::from("crates/cli/assets/man").join(name), page));
    }
    for (shell, file) in [
        (Shell::Bash, "arqonhpo-cli.bash"),
        (Shell::Zsh, "_arqonhpo-cli"),
        (Shell::Fish, "arqonhpo-cli.fish"),
    ] {
        let mut buf = Vec::new();
        clap_complete::generate(shell, &mut crate::cli::command(), "arqonhpo-cli", &mut buf);
        out.push((PathBuf::from("crates/cli/assets/completions").join(file), buf));
    }
    out
}

fn command() -> clap::Command {
    crate::cli::command().term_width(WIDTH).max_term_width(WIDTH)
}

/// The Markdown reference: the long help of the command and of every subcommand.
pub fn reference() -> String {
    let mut cmd = command();
    cmd.build();
    let mut out = String::from(
        "# arqonhpo-cli reference\n\n\
         <!-- Generated from the clap definition by `make cli-docs`; do not edit by hand. -->\n\n\
         See [the usage guide](cli.md) for a walk-through.\n\n",
    );
    out += &section("arqonhpo-cli", &mut cmd.clone());
    for sub in cmd.get_subcommands_mut() {
        if sub.get_name() == "help" {
            continue;
        }
        let name = format!("arqonhpo-cli {}", sub.get_name());
        out += &section(&name, &mut sub.clone().bin_name(&name));
    }
    out
}

fn section(title: &str, cmd: &mut clap::Command) -> String {
    let help = cmd.render_long_help().to_string();
    let body: String = help.lines().map(|l| format!("{}\n", l.trim_end())).collect();
    format!("## `{title}`\n\n```text\n{body}```\n\n")
}

/// Man pages: `arqonhpo-cli.1` and one `arqonhpo-cli-<sub>.1` per subcommand.
pub fn man_pages() -> Vec<(String, Vec<u8>)> {
    let mut cmd = command();
    cmd.build();
    let mut pages = Vec::new();
    let mut render = |name: String, c: clap::Command| {
        let mut buf = Vec::new();
        // Writing into a Vec cannot fail.
        let _ = clap_mangen::Man::new(c).render(&mut buf);
        pages.push((name, buf));
    };
    render("arqonhpo-cli.1".into(), cmd.clone());
    for sub in cmd.get_subcommands() {
        if sub.get_name() == "help" {
            continue;
        }
        let name = format!("arqonhpo-cli-{}", sub.get_name());
        render(format!("{name}.1"), sub.clone().name(name));
    }
    pages
}

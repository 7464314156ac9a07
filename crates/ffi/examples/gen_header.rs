//! Regenerates `include/arqonhpo.h` (run by `make c-header`).

#[path = "../tests/common/header.rs"]
mod header;

fn main() {
    let path = header::header_path();
    if let Err(e) = header::write(&path) {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
    println!("wrote {}", path.display());
}

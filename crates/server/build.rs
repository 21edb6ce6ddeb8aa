//! The web front end is embedded from `web/dist`. A build before the front end exists (plain
//! `cargo build` on a fresh clone) must still work and must pick the files up once
//! `npm run build` has made them, so the folder is created empty when missing.

fn main() {
    let dist = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web/dist");
    if !dist.exists() {
        let _ = std::fs::create_dir_all(&dist);
    }
    println!("cargo:rerun-if-changed=../../web/dist");
    println!("cargo:rerun-if-changed=../../web/dist/index.html");
}

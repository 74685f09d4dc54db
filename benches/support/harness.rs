//! What the whole-process benchmarks share: a fresh release build of py201,
//! the number of runs, and the median.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Cargo's target directory: `CARGO_TARGET_DIR` when set (the binary is
/// built there, and the benchmarks keep their collections there), else
/// `target` in the repository.
pub fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root.join(dir),
        None => root.join("target"),
    }
}

/// Builds py201 in release mode and returns the binary's path.
pub fn release_binary(root: &Path) -> PathBuf {
    let built = Command::new("cargo")
        .args(["build", "--release", "--quiet"])
        .current_dir(root)
        .status();
    assert!(built.unwrap().success(), "cargo build --release");
    target_dir(root).join("release/py201")
}

/// PY201_BENCH_RUNS, else `default`.
pub fn runs(default: usize) -> usize {
    std::env::var("PY201_BENCH_RUNS")
        .ok()
        .map(|v| v.parse().expect("PY201_BENCH_RUNS is a number of runs"))
        .unwrap_or(default)
}

pub fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

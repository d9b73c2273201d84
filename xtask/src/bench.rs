//! `cargo xtask bench`: placeholder until the benchmark driver lands.

/// Runs the benchmarks named by `args`.
pub fn run(_args: &[String]) -> Result<(), String> {
    Err("not implemented".to_string())
}

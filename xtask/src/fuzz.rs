//! `cargo xtask fuzz <target> <seconds>`: one cargo-fuzz target for a fixed time.
//!
//! New inputs go to `fuzz/corpus/<target>` (gitignored); the checked-in seeds in
//! `fuzz/seeds/<target>` are read too. libFuzzer's own output streams through, and its final
//! stats line is repeated at the end.

use crate::{cmd, tools};

/// `cargo xtask fuzz <target> <seconds>`.
pub fn run(args: &[String]) -> Result<(), String> {
    let [target, seconds] = args else {
        return Err(
            "usage: cargo xtask fuzz <target> <seconds>  (targets: decode, framer, dissect, payload, protobuf, sparkplug)".into(),
        );
    };
    let seconds: u64 = seconds
        .parse()
        .map_err(|_| format!("bad number of seconds `{seconds}`"))?;
    let root = cmd::root();
    if !root.join("fuzz").join("Cargo.toml").exists() {
        return Err("fuzz/Cargo.toml is missing: there are no fuzz targets yet".into());
    }
    tools::nightly()?;
    tools::cargo_fuzz()?;
    let corpus = format!("fuzz/corpus/{target}");
    std::fs::create_dir_all(root.join(&corpus)).map_err(|e| format!("creating {corpus}: {e}"))?;
    let mut fuzz = cmd::cargo(&["+nightly", "fuzz", "run", target, &corpus]);
    let seeds = format!("fuzz/seeds/{target}");
    if root.join(&seeds).is_dir() {
        fuzz.arg(&seeds);
    } else {
        println!("note: no {seeds}, starting from the corpus alone");
    }
    fuzz.arg("--").arg(format!("-max_total_time={seconds}"));
    let (status, log) = cmd::tee_status(&mut fuzz, cmd::Stream::Stderr)?;
    let stats = final_stats(&log).unwrap_or("(no stats line found)");
    if status.success() {
        println!("\nfuzz {target}: {stats}");
        return Ok(());
    }
    let artifact = log
        .lines()
        .rev()
        .find(|l| l.contains("Test unit written to"));
    Err(format!(
        "fuzz {target} failed ({status}); last stats: {stats}\n{}",
        artifact.unwrap_or("(no crash artifact reported)").trim()
    ))
}

/// libFuzzer's last status line (`#N DONE cov: .. exec/s: ..`), or the last `#N` line.
fn final_stats(log: &str) -> Option<&str> {
    let mut status = log.lines().filter(|l| l.starts_with('#'));
    let done = status.clone().rfind(|l| l.contains("DONE"));
    done.or_else(|| status.next_back())
}

#[cfg(test)]
mod tests {
    use super::final_stats;

    #[test]
    fn final_stats_prefers_the_done_line() {
        let log = "INFO: seed\n#2\tINITED cov: 10 ft: 11\n#4096\tpulse  cov: 12\n\
                   #90000\tDONE   cov: 40 ft: 90 corp: 20/1Kb exec/s: 9000 rss: 40Mb\n\
                   Done 90000 runs in 10 second(s)\n";
        assert!(final_stats(log).unwrap().starts_with("#90000\tDONE"));
        assert_eq!(final_stats("#7\tNEW cov: 3\n"), Some("#7\tNEW cov: 3"));
        assert_eq!(final_stats("nothing"), None);
    }
}

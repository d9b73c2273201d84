//! Running child processes: echo the command line, stream the output, turn a failure into a
//! message that names the command.

use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::process::{Command, ExitStatus, Stdio};

/// The repository root (the parent of `xtask/`).
pub fn root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

/// A command for `program` that runs in the repository root.
pub fn command(program: &str) -> Command {
    let mut cmd = Command::new(program);
    cmd.current_dir(root());
    cmd
}

/// Shorthand: `cargo` with `args`, in the repository root.
pub fn cargo(args: &[&str]) -> Command {
    let mut cmd = command("cargo");
    cmd.args(args);
    cmd
}

/// The command line as a person would type it, for logs and error messages.
pub fn display(cmd: &Command) -> String {
    let mut line = cmd.get_program().to_string_lossy().into_owned();
    for arg in cmd.get_args() {
        line.push(' ');
        line.push_str(&arg.to_string_lossy());
    }
    line
}

/// Runs `cmd` with inherited stdio and fails unless it exits with status 0.
pub fn run(cmd: &mut Command) -> Result<(), String> {
    println!("$ {}", display(cmd));
    let status = cmd.status().map_err(|e| spawn_error(cmd, e))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{}` failed ({status})", display(cmd)))
    }
}

/// Which output stream of a child [`run_tee`] captures.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// Capture stdout; stderr is inherited (keeps cargo's progress bar).
    Stdout,
    /// Capture stderr; stdout is inherited.
    Stderr,
}

/// Runs `cmd`, copying the captured stream through to ours as it arrives, and returns what
/// it captured; fails if the command failed.
pub fn run_tee(cmd: &mut Command, stream: Stream) -> Result<String, String> {
    let (status, text) = tee_status(cmd, stream)?;
    if status.success() {
        Ok(text)
    } else {
        Err(format!("`{}` failed ({status})", display(cmd)))
    }
}

/// Like [`run_tee`], but returns the exit status instead of failing on it; fails only if
/// the command could not be run.
pub fn tee_status(cmd: &mut Command, stream: Stream) -> Result<(ExitStatus, String), String> {
    println!("$ {}", display(cmd));
    match stream {
        Stream::Stdout => cmd.stdout(Stdio::piped()),
        Stream::Stderr => cmd.stderr(Stdio::piped()),
    };
    let mut child = cmd.spawn().map_err(|e| spawn_error(cmd, e))?;
    let captured = match stream {
        Stream::Stdout => child.stdout.take().map(|s| tee(s, io::stdout())),
        Stream::Stderr => child.stderr.take().map(|s| tee(s, io::stderr())),
    };
    let status = child.wait().map_err(|e| spawn_error(cmd, e))?;
    Ok((status, captured.unwrap_or_default()))
}

/// Runs `cmd` quietly and returns its stdout if it started and exited with status 0.
pub fn output(cmd: &mut Command) -> Option<String> {
    let out = cmd.stderr(Stdio::null()).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Copies `src` to `dst` chunk by chunk until end of file and returns everything copied.
fn tee(mut src: impl Read, mut dst: impl Write) -> String {
    let mut captured = Vec::new();
    let mut buf = [0u8; 8192];
    while let Ok(n) = src.read(&mut buf) {
        if n == 0 {
            break;
        }
        // A closed terminal must not stop the child: keep reading even if writing fails.
        let _ = dst.write_all(&buf[..n]).and_then(|()| dst.flush());
        captured.extend_from_slice(&buf[..n]);
    }
    String::from_utf8_lossy(&captured).into_owned()
}

/// The error for a command that could not be started (usually: not installed).
fn spawn_error(cmd: &Command, e: io::Error) -> String {
    format!("could not run `{}`: {e}", display(cmd))
}

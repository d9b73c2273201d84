//! The `mqttscope` binary; everything lives in the library so tests can drive it.

fn main() -> std::process::ExitCode {
    mqttscope_cli::main()
}

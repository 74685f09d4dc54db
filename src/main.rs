use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = py201::commands::argv::flags_first(std::env::args_os().collect());
    let cli = py201::cli::Cli::parse_from(args);
    match py201::commands::run(cli) {
        Ok(code) => code,
        Err(e) => {
            // A usage error found after parsing: clap's words and exit code 2.
            let e = match e.downcast::<clap::Error>() {
                Ok(usage) => usage.exit(),
                Err(e) => e,
            };
            // One line, whatever the chain of causes: "py201: error: a: b: c".
            let msg = format!("{e:#}").replace('\n', " ");
            eprintln!("py201: error: {msg}");
            ExitCode::from(1)
        }
    }
}

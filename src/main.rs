//! The `capacity` command line: parse, validate, call the library, render. Exit codes:
//! 0 ok; 1 a failure, or drift found by `check`; 2 a usage or input error.

mod cmd;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cmd::Cli::parse();
    match cmd::run(cli) {
        Ok(code) => code,
        Err(err) => {
            // A closed pipe (`capacity model | head`) is not an error.
            if cmd::is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            let _ = std::io::stdout().flush();
            // Not eprintln!: it panics when stderr is a closed pipe (`2>&1 | head`).
            let _ = writeln!(std::io::stderr(), "error: {err:#}");
            ExitCode::from(cmd::exit_code(&err))
        }
    }
}

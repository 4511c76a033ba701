//! The `klynge` command line: parse arguments, call the library, print.

mod cli;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

#[tokio::main]
async fn main() -> ExitCode {
    // Rust ignores SIGPIPE, so printing into a pipe the reader has closed (`| head`) would
    // panic; with the default action the process ends quietly, like any Unix tool.
    #[cfg(unix)]
    // SAFETY: called first thing in main, before any other thread or signal handler.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // Help and clap's errors are in the user's language, which must be known before
    // clap has parsed anything.
    let lang = cli::help::early_lang(&argv);
    let parsed = cli::help::localize(cli::Cli::command(), lang)
        .try_get_matches_from(&argv)
        .and_then(|m| cli::Cli::from_arg_matches(&m));
    let args = match parsed {
        Ok(args) => args,
        Err(e) => {
            let text = cli::help::error_text(&e, lang);
            if e.use_stderr() {
                eprint!("{text}");
            } else {
                print!("{text}");
            }
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    match cli::run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{}", e.message);
            ExitCode::from(e.code)
        }
    }
}

//! `capacity completions SHELL` and `capacity man`: shell completion scripts and manual pages,
//! generated from the same clap definitions as `--help`, so they never fall out of step.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Args, CommandFactory};
use clap_complete::Shell;

use super::io::{emit, Failure};
use super::Cli;

const COMPLETIONS_HELP: &str = "\
Install (the script goes to stdout):
  bash        capacity completions bash > ~/.local/share/bash-completion/completions/capacity
  zsh         capacity completions zsh > ~/.zfunc/_capacity   (with fpath+=~/.zfunc before compinit)
  fish        capacity completions fish > ~/.config/fish/completions/capacity.fish
  PowerShell  capacity completions powershell >> $PROFILE
  elvish      capacity completions elvish >> ~/.config/elvish/rc.elv";

/// Print a shell completion script for capacity
#[derive(Args, Debug)]
#[command(after_help = COMPLETIONS_HELP)]
pub struct CompletionsArgs {
    /// The shell to complete in
    #[arg(value_enum)]
    pub shell: Shell,
}

pub fn completions(args: CompletionsArgs) -> Result<ExitCode> {
    let mut cmd = Cli::command();
    let mut bytes = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "capacity", &mut bytes);
    emit(None, &String::from_utf8(bytes)?)?;
    Ok(ExitCode::SUCCESS)
}

const MAN_HELP: &str = "\
Examples:
  capacity man | man -l -                 read it now
  capacity man --dir ~/.local/share/man/man1   install capacity.1 and a page per subcommand
                                          (capacity-model.1, ...), then `man capacity`";

/// Print the manual page (roff), or write a page per subcommand into a folder
#[derive(Args, Debug)]
#[command(after_help = MAN_HELP)]
pub struct ManArgs {
    /// Write capacity.1 and capacity-SUBCOMMAND.1 into this existing folder instead
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

pub fn man(args: ManArgs) -> Result<ExitCode> {
    let cmd = Cli::command();
    match args.dir {
        Some(dir) => {
            if !dir.is_dir() {
                return Err(capacity::InputError::one(format!(
                    "--dir {}: not a folder; create it first (e.g. mkdir -p {})",
                    dir.display(),
                    dir.display()
                ))
                .into());
            }
            clap_mangen::generate_to(cmd, &dir).map_err(|e| {
                Failure(format!(
                    "--dir {}: writing the pages failed: {e}",
                    dir.display()
                ))
            })?;
        }
        None => {
            let mut bytes = Vec::new();
            clap_mangen::Man::new(cmd).render(&mut bytes)?;
            emit(None, &String::from_utf8(bytes)?)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

//! `citizen-soak run | bench | client` — see the library's docs.

use std::process::ExitCode;

use citizen_soak::{bench, client, soak};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(about = "Sync proof under faults and kill -9, and sync/server benchmarks")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// The soak: reports queued offline, link faults, kill -9; checks 0 lost, 0 duplicated.
    Run(soak::RunArgs),
    /// Benchmarks: server GET/POST, client sync vs a plain POST loop, local save.
    Bench(bench::BenchArgs),
    /// (internal) The sync engine as a killable child process.
    Client(client::ClientArgs),
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Run(args) => soak::run(args),
        Command::Bench(args) => bench::run(args),
        Command::Client(args) => client::run(args),
    }
}

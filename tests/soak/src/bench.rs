//! `citizen-soak bench` (filled in below).

#[derive(clap::Args)]
pub struct BenchArgs {}

pub fn run(_args: BenchArgs) -> std::process::ExitCode {
    std::process::ExitCode::SUCCESS
}

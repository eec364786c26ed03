//! The soak at CI size: 2 seeds × 120 reports through the fault proxy with kill -9 of the
//! client (random and right after an acknowledgement). The full run is
//! `cargo run --release -p citizen-soak -- run` (1,000 reports × 20 seeds).

use std::process::Command;

#[test]
fn no_report_is_lost_or_duplicated_under_faults_and_kills() {
    let out = Command::new(env!("CARGO_BIN_EXE_citizen-soak"))
        .args([
            "run",
            "--reports",
            "120",
            "--seeds",
            "2",
            "--fault-rate",
            "0.08",
            "--min-faults",
            "8",
            "--min-kills",
            "4",
            "--min-ack-kills",
            "2",
        ])
        .output()
        .expect("run the soak");
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}");
    eprintln!("{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "soak failed");
    assert!(stdout.contains("lost 0, duplicated 0, left in outbox 0, without a city id 0"));
}

//! Ward search timings: p50/p95 per query over the real 168 units and a synthetic 10,000-name
//! list, against a naive baseline (fold every name on every query) measured in the same run.
//! Prints figures; asserts nothing about time (shared machines are noisy).

use std::hint::black_box;
use std::time::{Duration, Instant};

use core_engine::bundled::hcmc_catalog;
use core_engine::collate::VietnameseOrder;
use core_engine::directory::WardDirectory;
use model::{UnitKind, Ward, WardCode};

const QUERIES: &[&str] = &[
    "ben thanh",
    "BẾN THÀNH",
    "phuong ben thanh",
    "duong",
    "an",
    "xa tan",
    "26734",
    "zzz",
];
const ROUNDS: usize = 200;

fn percentiles(mut samples: Vec<Duration>) -> (Duration, Duration) {
    samples.sort_unstable();
    let at = |p: f64| samples[((samples.len() as f64 - 1.0) * p).round() as usize];
    (at(0.50), at(0.95))
}

fn time(mut f: impl FnMut(&str)) -> (Duration, Duration) {
    let mut samples = Vec::with_capacity(ROUNDS * QUERIES.len());
    for _ in 0..ROUNDS {
        for q in QUERIES {
            let start = Instant::now();
            f(q);
            samples.push(start.elapsed());
        }
    }
    percentiles(samples)
}

/// What one would write without an index: fold every name for every query.
fn naive(wards: &[Ward], query: &str) -> usize {
    let q = model::fold(query);
    wards
        .iter()
        .filter(|w| model::fold(&w.name).contains(&q))
        .count()
}

fn synthetic(base: &[Ward], n: usize) -> Vec<Ward> {
    const EXTRA: &[&str] = &[
        "Mới",
        "Đông",
        "Tây",
        "Nam",
        "Bắc",
        "Thượng",
        "Hạ",
        "Trung",
        "Phú",
        "Hòa",
    ];
    (0..n)
        .map(|i| {
            let w = &base[i % base.len()];
            let extra = EXTRA[(i / base.len()) % EXTRA.len()];
            Ward {
                code: WardCode::parse(&format!("{:05}", 10_000 + i))
                    .unwrap_or_else(|_| w.code.clone()),
                name: format!(
                    "{} {} {}",
                    w.name,
                    extra,
                    i / (base.len() * EXTRA.len()) + 1
                ),
                kind: if i % 3 == 0 {
                    UnitKind::Xa
                } else {
                    UnitKind::Phuong
                },
                ..w.clone()
            }
        })
        .collect()
}

fn report(label: &str, wards: Vec<Ward>, order: &VietnameseOrder) {
    let build = Instant::now();
    let dir = WardDirectory::new(wards.clone(), order);
    let build = build.elapsed();
    let (p50, p95) = time(|q| {
        black_box(dir.search(black_box(q), 50));
    });
    let (b50, b95) = time(|q| {
        black_box(naive(black_box(&wards), black_box(q)));
    });
    println!(
        "{label:<16} build {build:>9.2?}  search p50 {p50:>9.2?} p95 {p95:>9.2?}  | naive p50 {b50:>9.2?} p95 {b95:>9.2?}  | p50 ratio index/naive {:.2}",
        p50.as_secs_f64() / b50.as_secs_f64()
    );
}

fn main() {
    let catalog = match hcmc_catalog() {
        Ok(c) => c,
        Err(err) => {
            eprintln!("bundled catalogue invalid: {err}");
            std::process::exit(1);
        }
    };
    let order = VietnameseOrder::new();
    println!(
        "== ward search ({} queries × {ROUNDS} rounds, limit 50) ==",
        QUERIES.len()
    );
    report("168 HCMC units", catalog.units.clone(), &order);
    report(
        "10,000 synthetic",
        synthetic(&catalog.units, 10_000),
        &order,
    );
}

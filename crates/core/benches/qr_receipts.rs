//! Reading the receipt's QR code from 20 synthetic 12 MP phone photos of varying angle, blur and
//! light (`test_receipts::corpus`): the success rate, and the time per photo (p50/p95) against
//! the time to merely decode the same JPEG, measured in the same run, photo by photo (the
//! machine is shared and noisy: the ratio travels, the milliseconds do not). Also the time to
//! give up on photos with no code, where every look is tried. Prints figures; asserts nothing.

use std::hint::black_box;
use std::time::{Duration, Instant};

use core_engine::qr::read_qr;
use test_receipts::{Receipt, SAMPLE_PAYLOAD, Shot, corpus, photograph, render};

const PHOTOS: u64 = 20;
/// A 12 MP phone camera, portrait.
const W: u32 = 3000;
const H: u32 = 4000;
/// Each photo is read this many times; its time is the median.
const ROUNDS: usize = 5;

fn percentile(mut samples: Vec<f64>, p: f64) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples
        .get(((samples.len() as f64 - 1.0) * p).round() as usize)
        .copied()
        .unwrap_or(f64::NAN)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Median over ROUNDS of (time to read, time to decode the JPEG only), alternating the two so
/// both see the same machine.
fn time_photo(jpeg: &[u8]) -> (f64, f64) {
    let mut read = Vec::with_capacity(ROUNDS);
    let mut decode = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        let start = Instant::now();
        black_box(
            image::load_from_memory(black_box(jpeg))
                .map(|i| i.width())
                .ok(),
        );
        decode.push(ms(start.elapsed()));
        let start = Instant::now();
        black_box(read_qr(black_box(jpeg)).ok());
        read.push(ms(start.elapsed()));
    }
    (percentile(read, 0.5), percentile(decode, 0.5))
}

/// The photos, made on both cores (a 12 MP photo takes a few seconds to make).
fn photos(page: &image::RgbImage, shots: &[Shot]) -> Vec<(Shot, Vec<u8>)> {
    let half = shots.len().div_ceil(2);
    std::thread::scope(|s| {
        let workers: Vec<_> = shots
            .chunks(half.max(1))
            .map(|chunk| {
                s.spawn(move || {
                    chunk
                        .iter()
                        .filter_map(|shot| match photograph(page, shot) {
                            Ok(jpeg) => Some((shot.clone(), jpeg)),
                            Err(err) => {
                                eprintln!("photo {} not made: {err}", shot.seed);
                                None
                            }
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_default())
            .collect()
    })
}

fn main() {
    let (receipt, blank) = match (
        render(&Receipt::with_payload(SAMPLE_PAYLOAD)),
        render(&Receipt::without_qr()),
    ) {
        (Ok(r), Ok(b)) => (r, b),
        (Err(err), _) | (_, Err(err)) => {
            eprintln!("receipt not rendered: {err}");
            std::process::exit(1);
        }
    };
    let made = Instant::now();
    let set = photos(&receipt, &corpus(PHOTOS, W, H));
    let without = photos(&blank, &corpus(3, W, H));
    println!(
        "== QR on receipt photos ({} photos {W}×{H} JPEG, made in {:.1?}; median of {ROUNDS} reads each) ==",
        set.len(),
        made.elapsed()
    );

    let mut read_ms = Vec::new();
    let mut decode_ms = Vec::new();
    let mut ratios = Vec::new();
    let mut ok = 0;
    for (shot, jpeg) in &set {
        let found = read_qr(jpeg);
        let right = found.as_deref().is_ok_and(|t| t == [SAMPLE_PAYLOAD]);
        ok += usize::from(right);
        let (read, decode) = time_photo(jpeg);
        println!(
            "photo {:>2}: {:<9} read {read:>6.1} ms  decode {decode:>6.1} ms  ×{:.2}  (tilt {:>3.0}°/{:>3.0}°, turn {:>3.0}°, blur {:.2}, shake {:.2}, light {:.2}, shadow {:.2}, JPEG q{}, {} KB)",
            shot.seed,
            if right { "read" } else { "NOT READ" },
            read / decode,
            shot.tilt_x,
            shot.tilt_y,
            shot.turn,
            shot.blur,
            shot.shake,
            shot.light,
            shot.shadow,
            shot.jpeg_quality,
            jpeg.len() / 1024,
        );
        read_ms.push(read);
        decode_ms.push(decode);
        ratios.push(read / decode);
    }
    let mut give_up = Vec::new();
    let mut give_up_ratios = Vec::new();
    for (_, jpeg) in &without {
        let (read, decode) = time_photo(jpeg);
        give_up.push(read);
        give_up_ratios.push(read / decode);
    }
    println!(
        "read {ok}/{} ({:.0} %)",
        set.len(),
        100.0 * ok as f64 / set.len().max(1) as f64
    );
    println!(
        "time per photo, all steps: p50 {:.1} ms  p95 {:.1} ms  | JPEG decode only: p50 {:.1} ms  p95 {:.1} ms",
        percentile(read_ms.clone(), 0.5),
        percentile(read_ms, 0.95),
        percentile(decode_ms.clone(), 0.5),
        percentile(decode_ms, 0.95),
    );
    println!(
        "ratio read/decode per photo: p50 ×{:.2}  p95 ×{:.2}",
        percentile(ratios.clone(), 0.5),
        percentile(ratios, 0.95),
    );
    println!(
        "no code in the photo ({} photos, every look tried): max {:.1} ms, ×{:.2} the decode",
        without.len(),
        give_up.iter().copied().fold(0.0, f64::max),
        give_up_ratios.iter().copied().fold(0.0, f64::max),
    );
}

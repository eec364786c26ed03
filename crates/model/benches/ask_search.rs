//! The question box over 10,000 local items — the procedures guide, the 1022 feedback fields
//! and tracked dossiers named after their procedures (`LocalAnswerer` over `Candidate`s, what
//! the app's question box runs) — asked questions typed without diacritics: the issue's
//! examples, every procedure's and field's name in both languages, every procedure keyword,
//! and dossier codes typed as people type them.
//!
//! Recall is a hard check: the expected item must be among the first 5 answers of every
//! question (the process fails otherwise). Latency is a printed figure, p50/p95 over several
//! rounds, next to a baseline measured in the same run: a plain scan that folds every text of
//! every item for each question and keeps the items holding all its words (what one writes
//! without an index, and which neither ranks nor forgives filler). Nothing asserts a time.

use std::hint::black_box;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use model::ask::{AnswerKind, Answerer, Candidate, LocalAnswerer};
use model::fold;
use model::guide::Guide;
use model::service::ServiceCatalog;

#[path = "../tests/common/ask_examples.rs"]
mod ask_examples;

const ITEMS: usize = 10_000;
const ROUNDS: usize = 10;
const LIMIT: usize = 5;

const GUIDE: &str = include_str!("../../../assets/procedures-guide.json");
const SERVICES: &str = include_str!("../../../assets/services-1022.json");

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).copied().unwrap_or_default()
}

/// The guide, the fields, then tracked dossiers up to `ITEMS`: receipt codes of HCMC's and the
/// two merged provinces' agencies over many days, each named after one of the guide's
/// procedures in turn.
fn items(guide: &Guide, services: &ServiceCatalog) -> Vec<Candidate> {
    let mut items = Candidate::procedures(guide);
    items.extend(Candidate::feedback_fields(services));
    let mut n = 0usize;
    while items.len() < ITEMS {
        let p = &guide.procedures[n % guide.procedures.len()];
        let agency = ["H29", "H09", "H02"][n % 3];
        let day = 1 + (n / 7) % 28;
        let month = 1 + (n / 196) % 12;
        let code = format!(
            "000.{:02}.{:02}.{agency}-26{month:02}{day:02}-{:04}",
            n % 40,
            n % 97,
            1 + n % 9_999
        );
        items.push(Candidate::dossier(&code, &p.name));
        n += 1;
    }
    items
}

/// (question typed without marks, the id expected among the answers).
fn questions(
    guide: &Guide,
    services: &ServiceCatalog,
    items: &[Candidate],
) -> Vec<(String, String)> {
    let mut q: Vec<(String, String)> = ask_examples::EXAMPLES
        .iter()
        .map(|(q, want)| (fold(q), (*want).to_owned()))
        .collect();
    for p in &guide.procedures {
        q.push((fold(&p.name.vi), p.id.clone()));
        q.push((fold(&p.name.en), p.id.clone()));
        for k in p.keywords.vi.iter().chain(&p.keywords.en) {
            q.push((fold(k), p.id.clone()));
        }
    }
    for s in services.services.iter().filter(|s| !s.triage) {
        q.push((fold(&s.name.vi), s.code.to_string()));
        q.push((fold(&s.name.en), s.code.to_string()));
    }
    // Codes as typed from a receipt: lower case, spaces around the dashes.
    let dossiers: Vec<&Candidate> = items
        .iter()
        .filter(|c| c.kind == AnswerKind::Dossier)
        .collect();
    for c in dossiers.iter().step_by(dossiers.len() / 40 + 1) {
        q.push((c.id.to_lowercase().replace('-', " - "), c.id.clone()));
    }
    q
}

/// The baseline: fold every text of every item, keep the items holding every word.
fn naive(items: &[Candidate], question: &str) -> usize {
    let words: Vec<String> = fold(question)
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    items
        .iter()
        .filter(|c| {
            let texts: Vec<String> = c.texts.iter().chain([&c.code]).map(|t| fold(t)).collect();
            words
                .iter()
                .all(|w| texts.iter().any(|t| t.contains(w.as_str())))
        })
        .count()
}

fn run() -> Result<(), String> {
    let guide = Guide::from_json(GUIDE).map_err(|e| format!("bundled guide: {e}"))?;
    let services =
        ServiceCatalog::from_json(SERVICES).map_err(|e| format!("bundled services: {e:?}"))?;
    let items = items(&guide, &services);
    let questions = questions(&guide, &services, &items);
    let build = Instant::now();
    let answerer = LocalAnswerer::new(items.clone());
    let build = build.elapsed();

    let (mut found, mut first) = (0usize, 0usize);
    let mut missed = Vec::new();
    for (q, want) in &questions {
        let answer = answerer.answer(q, LIMIT);
        match answer.matches().iter().position(|m| &m.id == want) {
            Some(rank) => {
                found += 1;
                first += usize::from(rank == 0);
            }
            None => missed.push(format!("{q:?} → {want}")),
        }
    }
    if !missed.is_empty() {
        return Err(format!(
            "recall {found}/{}: not among the first {LIMIT}: {}",
            questions.len(),
            missed.join("; ")
        ));
    }

    let (mut index, mut scan) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        for (q, _) in &questions {
            let t = Instant::now();
            black_box(answerer.answer(black_box(q), LIMIT));
            index.push(t.elapsed());
            let t = Instant::now();
            black_box(naive(black_box(&items), black_box(q)));
            scan.push(t.elapsed());
        }
    }
    index.sort_unstable();
    scan.sort_unstable();
    let (p50, p95) = (percentile(&index, 0.5), percentile(&index, 0.95));
    let (b50, b95) = (percentile(&scan, 0.5), percentile(&scan, 0.95));
    println!(
        "== question box over {} items ({} procedures, {} feedback fields, {} tracked dossiers) ==",
        items.len(),
        guide.procedures.len(),
        services.services.iter().filter(|s| !s.triage).count(),
        items.len()
            - guide.procedures.len()
            - services.services.iter().filter(|s| !s.triage).count(),
    );
    println!(
        "recall: {found}/{} questions typed without marks find their item among the first {LIMIT} (100 %), {first} of them first",
        questions.len()
    );
    println!(
        "answer p50 {p50:>9.2?} p95 {p95:>9.2?} (index built in {build:.2?}; {} questions x {ROUNDS} rounds) | plain folded scan p50 {b50:>9.2?} p95 {b95:>9.2?} | p95 ratio index/scan {:.2}",
        questions.len(),
        p95.as_secs_f64() / b95.as_secs_f64().max(1e-9)
    );
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("ask_search: {err}");
            ExitCode::FAILURE
        }
    }
}

//! Turns `i18n/vi.json` and `i18n/en.json` (flat key → text) into one table sorted by key, which
//! `lookup` binary-searches (a `match` per language compiled to 15 KB of code). A file that is
//! not a flat object of strings, or a key missing from one of the files, stops the build with
//! its name.

#![allow(
    clippy::expect_used,
    reason = "a build script: failing is how it reports"
)]

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

fn messages(lang: &str) -> BTreeMap<String, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../i18n")
        .join(format!("{lang}.json"));
    println!("cargo:rerun-if-changed={}", path.display());
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let map: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    map.into_iter()
        .map(|(key, value)| match value {
            serde_json::Value::String(text) => (key, text),
            _ => panic!("{}: {key} is not a string", path.display()),
        })
        .collect()
}

fn main() {
    let (vi, en) = (messages("vi"), messages("en"));
    let missing: Vec<&String> = vi
        .keys()
        .filter(|k| !en.contains_key(*k))
        .chain(en.keys().filter(|k| !vi.contains_key(*k)))
        .collect();
    assert!(
        missing.is_empty(),
        "i18n: these keys are in only one of vi.json / en.json: {missing:?}"
    );
    let mut rows = String::new();
    // BTreeMap iterates in byte order of the keys: the order `str::cmp` searches in.
    for (key, text_vi) in &vi {
        let _ = writeln!(rows, "    ({key:?}, {text_vi:?}, {:?}),", en[key]);
    }
    let code = format!(
        "/// (key, Vietnamese, English), sorted by key.\n\
         static MESSAGES: [(&str, &str, &str); {}] = [\n{rows}];\n",
        vi.len()
    );
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("messages.rs");
    std::fs::write(out, code).expect("write messages.rs");
}

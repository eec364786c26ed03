//! Turns `i18n/vi.json` and `i18n/en.json` (flat key → text) into `match` tables. A file that is
//! not a flat object of strings stops the build with its name; key equality is the tests' job.

use std::fmt::Write;
use std::path::Path;

fn table(lang: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../i18n")
        .join(format!("{lang}.json"));
    println!("cargo:rerun-if-changed={}", path.display());
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let map: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut out = String::new();
    for (key, value) in &map {
        let text = value
            .as_str()
            .unwrap_or_else(|| panic!("{}: {key} is not a string", path.display()));
        let _ = writeln!(out, "        {key:?} => Some({text:?}),");
    }
    out
}

fn main() {
    let code = format!(
        "/// The message for `key` in `lang`, if there is one.\n\
         pub fn lookup(lang: model::Language, key: &str) -> Option<&'static str> {{\n\
         match lang {{\n\
         model::Language::Vi => match key {{\n{}        _ => None,\n}},\n\
         model::Language::En => match key {{\n{}        _ => None,\n}},\n\
         }}\n}}\n",
        table("vi"),
        table("en")
    );
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("messages.rs");
    std::fs::write(out, code).expect("write messages.rs");
}

//! The consent the app records (`model::trust::CONSENT_VERSION`, sent with contact details and
//! kept by the city) names the text the citizen agreed to. Each version is held here to its
//! texts, a SHA-256 per language: a changed consent text without a new version fails, and so
//! does a new version without its texts written down.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

use model::Language;
use model::trust::CONSENT_VERSION;
use sha2::{Digest, Sha256};

/// The keys that make up the consent text: the explanation and the box's label.
const KEYS: [&str; 2] = ["contact.consent_text", "contact.consent"];

/// Every version shown so far: (version, SHA-256 of the Vietnamese texts, of the English).
/// Version 1 predates this record.
const VERSIONS: &[(u16, &str, &str)] = &[
    // Promised "you can delete your data at any time", which nothing did yet.
    (
        2,
        "e5fef612e476455cfa46853cbed95a6ef498c9083f4dbbd135cdb8690fd0f117",
        "98e58b9e175d924edeabeb713e3b8699f4a7382146c591792a42b130d162a002",
    ),
    // Says only what is true: sent with the report for the handling unit, never published,
    // kept with the report on the device; anonymous otherwise.
    (
        3,
        "a05f8293a8a87cf0dc9787447f61e6d1c2c76e17b7063a0e48651a8c5ddbf3a3",
        "c8ed758b52138629fc8ee0336a95a9d206f1eb76d9bba9b2db93d715881fec5b",
    ),
];

/// The texts' hash as written above: the keys' texts joined by a newline.
fn hash(lang: Language) -> String {
    let text = KEYS
        .iter()
        .map(|k| i18n::lookup(lang, k).expect("consent text"))
        .collect::<Vec<_>>()
        .join("\n");
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn the_consent_text_is_the_one_its_version_names() {
    let (version, vi, en) = *VERSIONS.last().expect("a version");
    assert_eq!(
        version, CONSENT_VERSION,
        "CONSENT_VERSION was bumped: write its texts' hashes here"
    );
    assert_eq!(
        (hash(Language::Vi).as_str(), hash(Language::En).as_str()),
        (vi, en),
        "the consent text changed: bump model::trust::CONSENT_VERSION and add its hashes"
    );
}

#[test]
fn versions_only_grow_and_each_has_its_own_text() {
    for pair in VERSIONS.windows(2) {
        assert!(pair[0].0 < pair[1].0, "{pair:?}");
        assert_ne!(
            pair[0].1, pair[1].1,
            "a new version with the same Vietnamese text"
        );
        assert_ne!(
            pair[0].2, pair[1].2,
            "a new version with the same English text"
        );
    }
}

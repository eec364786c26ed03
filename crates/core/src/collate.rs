//! Vietnamese alphabetical order (a < ă < â, d < đ, o < ô < ơ, tones after letters), not byte order.

use std::cmp::Ordering;

use icu_collator::CollatorPreferences;
use icu_collator::options::CollatorOptions;
use icu_collator::{Collator, CollatorBorrowed};

/// A Vietnamese collator. Built once; comparing is cheap.
pub struct VietnameseOrder(Option<CollatorBorrowed<'static>>);

impl VietnameseOrder {
    pub fn new() -> Self {
        let prefs = CollatorPreferences::from(&icu_locale_core::locale!("vi"));
        let collator = Collator::try_new(prefs, CollatorOptions::default());
        if let Err(err) = &collator {
            // The data is compiled in, so this does not happen; byte order is the safe fallback.
            tracing::error!(%err, "no Vietnamese collation data");
        }
        Self(collator.ok())
    }

    pub fn compare(&self, a: &str, b: &str) -> Ordering {
        match &self.0 {
            Some(collator) => collator.compare(a, b),
            None => a.cmp(b),
        }
    }
}

impl Default for VietnameseOrder {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::VietnameseOrder;

    #[test]
    fn sorts_the_vietnamese_way() {
        let order = VietnameseOrder::new();
        let mut names = vec![
            "Đông Hòa",
            "Dĩ An",
            "Ân Nhơn",
            "An Khánh",
            "Ăn Lạc",
            "Ơn",
            "Ốc",
            "Ô Môn",
            "Bà Rịa",
            "Bàn Cờ",
        ];
        names.sort_by(|a, b| order.compare(a, b));
        assert_eq!(
            names,
            [
                "An Khánh",
                "Ăn Lạc",
                "Ân Nhơn",
                "Bà Rịa",
                "Bàn Cờ",
                "Dĩ An",
                "Đông Hòa",
                "Ô Môn",
                "Ốc",
                "Ơn"
            ]
        );
    }
}

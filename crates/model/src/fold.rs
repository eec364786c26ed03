//! Vietnamese folding for search: the one place where "Bến Thành", "BEN THANH" and "ben  thanh"
//! become equal.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Folds text for matching: lower case, tone and vowel marks removed, `đ`/`Đ` → `d`, and every
/// run of non-alphanumeric characters collapsed to one space (trimmed at both ends).
///
/// Decomposing first (NFD) makes the old and new tone placements (`hoà`/`hòa`) and precomposed
/// or combining input fold the same. `đ` is a letter of its own, not `d` plus a mark, so no
/// Unicode normalisation (nor SQLite's `remove_diacritics`) folds it: it is mapped here.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut gap = false;
    for c in text.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        // U+00D0 (Ð) is often typed for Đ on keyboards without Vietnamese support, and text
        // lower-cased before folding turns it into U+00F0 (ð).
        let c = match c {
            'đ' | 'Đ' | 'Ð' | 'ð' => 'd',
            other => other,
        };
        if c.is_alphanumeric() {
            if gap && !out.is_empty() {
                out.push(' ');
            }
            gap = false;
            out.extend(c.to_lowercase());
        } else {
            gap = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn removes_marks_and_case() {
        assert_eq!(fold("Phường Bến Thành"), "phuong ben thanh");
        assert_eq!(fold("BẾN THÀNH"), "ben thanh");
        assert_eq!(fold("Ưu Đãi Ơn"), "uu dai on");
    }

    #[test]
    fn folds_d_with_stroke() {
        assert_eq!(fold("Đường"), "duong");
        assert_eq!(fold("đặc khu Côn Đảo"), "dac khu con dao");
        assert_eq!(fold("ÐONG"), "dong");
    }

    #[test]
    fn old_and_new_tone_placement_are_equal() {
        assert_eq!(fold("hoà"), fold("hòa"));
        assert_eq!(fold("Thuỷ"), fold("Thủy"));
        // Combining sequence (NFD input) equals precomposed input.
        assert_eq!(fold("be\u{0302}\u{0301}n"), fold("bến"));
    }

    #[test]
    fn collapses_punctuation_and_spaces() {
        assert_eq!(fold("  Thoát nước – ngập  "), "thoat nuoc ngap");
        assert_eq!(fold("Bà Rịa-Vũng Tàu"), "ba ria vung tau");
        assert_eq!(fold(""), "");
        assert_eq!(fold(" -- "), "");
    }

    #[test]
    fn keeps_digits() {
        assert_eq!(fold("Phường 26734"), "phuong 26734");
    }

    #[test]
    fn eth_typed_for_d_bar_folds_to_d_in_either_case() {
        assert_eq!(fold("Ðổi tên"), "doi ten");
        assert_eq!(fold("ðổi tên"), "doi ten");
    }
}

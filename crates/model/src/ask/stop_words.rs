//! Words a question is read without: how people ask ("tôi muốn", "làm sao", "xin", "cho hỏi"),
//! not what they ask about. Written with marks for readers; matched folded, so "lam sao" and
//! "làm sao" are the same.
//!
//! Folding makes words collide, so a filler word whose folded form is also a word people ask
//! about is filler only when typed with its marks (`STOP_WORDS_MARKED`): "đang" (đăng ký),
//! "đó" (sổ đỏ), "đến" (đèn), "về" (vé), "thì" (đô thị), "mới" (môi trường), "đâu" (lần
//! đầu), "cần" (căn hộ), "thế" (thẻ), "bạn" (mua bán), "ở" (ổ gà), "thủ" (thu gom, hôn thú),
//! "hỏi" (mùi hôi), "của" (cửa hàng), "để" (đề xuất), "nhờ" (nhỏ), "tục" (tục lệ). Words without marks that
//! collide ("bao": báo tử; "anh": ánh sáng) are never filler, nor are "lại" (cấp lại) and
//! "không" ("xây dựng không phép" is not a permit).

pub const STOP_WORDS: &[&str] = &[
    // Who asks, and how politely.
    "tôi", "mình", "em", "ad", "ạ", "à", "ơi", "nhé", "vậy", // Wanting and asking.
    "muốn", "xin", "cho", "giúp", "được", "phải", "nên",
    // How, what, how long, how much.
    "làm", "sao", "nào", "như", "gì", "lâu", "nhiêu", "mấy", "khi", "là", "có", "hay", "hoặc", "và",
    "với", "các", "những", "một", "này", "ra", "sẽ", // English.
    "i", "want", "how", "get", "my", "where", "what", "please", "need", "apply",
];

/// Filler only when typed with these marks; without marks they fold onto content words.
pub const STOP_WORDS_MARKED: &[&str] = &[
    "thì", "đang", "đó", "đến", "về", "mới", "đâu", "cần", "thế", "bạn", "chị", "bị", "đã", "rồi",
    "đi", "tại", "ở", "hỏi", "nhờ", "của", "để", "thủ", "tục",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fold::fold;

    /// Each entry is one word, and none is a word that names what people ask about.
    #[test]
    fn stop_words_are_single_filler_words() {
        for w in STOP_WORDS.iter().chain(STOP_WORDS_MARKED) {
            assert!(!fold(w).contains(' '), "{w}");
        }
        // A marked-only filler must have marks, or it would hide the word it folds onto.
        for w in STOP_WORDS_MARKED {
            assert_ne!(fold(w), *w, "{w}");
        }
        for kept in [
            "khong", "con", "nha", "so", "do", "dang", "ky", "giay", "phep", "can", "the", "lai",
            "dau", "bao", "tu", "den", "ve", "moi", "thi", "ban", "anh", "an", "to", "thu", "hoi",
            "cua", "de", "nho", "tuc",
        ] {
            assert!(!STOP_WORDS.iter().any(|w| fold(w) == kept), "{kept}");
        }
    }
}

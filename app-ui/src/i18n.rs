//! The texts on screen, in the language of the moment. The wasm carries none: the shell hands
//! over one language's table (`ui_messages`) before the first screen and on a switch. A table is
//! kept once it has arrived, so lookups hand out `&'static str` and a switch back is instant.

use std::sync::OnceLock;

use model::{ErrorDto, Language, Messages};

use crate::bridge;

static VI: OnceLock<Messages> = OnceLock::new();
static EN: OnceLock<Messages> = OnceLock::new();

fn cell(lang: Language) -> &'static OnceLock<Messages> {
    match lang {
        Language::Vi => &VI,
        Language::En => &EN,
    }
}

/// Fetches `lang`'s table from the shell unless it is here already.
pub async fn load(lang: Language) -> Result<(), ErrorDto> {
    if cell(lang).get().is_none() {
        let messages = bridge::ui_messages(lang).await?;
        // Two loads racing for one language got the same table: either may stay.
        let _ = cell(lang).set(messages);
    }
    Ok(())
}

/// The message for `key` in `lang`, if its table is here and has it.
fn lookup(lang: Language, key: &str) -> Option<&'static str> {
    cell(lang).get()?.get(key)
}

/// The message for `key`, else `error.generic`: never an empty place on the screen (the shell's
/// build refuses a key missing from one language). "…" only before the table arrived, which no
/// screen shows (the app waits for it).
pub fn t(lang: Language, key: &str) -> &'static str {
    model::messages::or_generic(|k| lookup(lang, k), key).unwrap_or("…")
}

/// The message for `key` with each `{name}` replaced by its value.
pub fn t_with(lang: Language, key: &str, args: &[(&str, &str)]) -> String {
    model::messages::fill(t(lang, key), args)
}

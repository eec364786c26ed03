//! Form bodies as name/value pairs (`application/x-www-form-urlencoded`, Open311's POST format),
//! in the order they were written.

/// A form's fields, in order; a name may repeat (multi-valued attributes).
pub type Pairs = Vec<(String, String)>;

/// The first value of field `name`.
pub fn field<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Appends `name=value` when there is a value.
pub(crate) fn push(pairs: &mut Pairs, name: &str, value: Option<&str>) {
    if let Some(v) = value {
        pairs.push((name.to_owned(), v.to_owned()));
    }
}

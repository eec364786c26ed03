//! How numbers and moments are written on screen.

/// `value` with `decimals` digits after the point. Integer arithmetic: float formatting would add
/// ~10 KB of wasm for three numbers.
pub fn fixed(value: f64, decimals: u32) -> String {
    let scale = 10_i64.pow(decimals);
    let scaled = (value * scale as f64).round() as i64;
    let sign = if scaled < 0 { "-" } else { "" };
    let abs = scaled.unsigned_abs();
    let scale = scale.unsigned_abs();
    format!(
        "{sign}{}.{:0width$}",
        abs / scale,
        abs % scale,
        width = decimals as usize
    )
}

/// A moment as the citizen reads it, in the device's time zone: `02/12/2026 14:05`.
pub fn local_time(ms: f64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms));
    if d.get_time().is_nan() {
        return String::new();
    }
    format!(
        "{:02}/{:02}/{} {:02}:{:02}",
        d.get_date(),
        d.get_month() + 1,
        d.get_full_year(),
        d.get_hours(),
        d.get_minutes()
    )
}

/// The day of an RFC 3339 time from the city, in the device's time zone: `02/12/2026`.
pub fn city_date(text: &str) -> String {
    let ms = js_sys::Date::parse(text);
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms));
    if ms.is_nan() {
        return text.to_owned();
    }
    format!(
        "{:02}/{:02}/{}",
        d.get_date(),
        d.get_month() + 1,
        d.get_full_year()
    )
}

/// An RFC 3339 time from the city, shown the same way.
pub fn city_time(text: &str) -> String {
    let ms = js_sys::Date::parse(text);
    if ms.is_nan() {
        text.to_owned()
    } else {
        local_time(ms)
    }
}

#[cfg(test)]
mod tests {
    use super::fixed;

    #[test]
    fn fixed_point() {
        assert_eq!(fixed(58.156, 2), "58.16");
        assert_eq!(fixed(1.0, 2), "1.00");
        assert_eq!(fixed(10.77131, 4), "10.7713");
        assert_eq!(fixed(-0.5, 1), "-0.5");
        assert_eq!(fixed(106.00004, 4), "106.0000");
    }
}

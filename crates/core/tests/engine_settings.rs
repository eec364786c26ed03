//! Preferences and "my ward" are durable across restarts of the engine.

mod common;

use common::{NOWHERE, engine_at};
use model::dto::DbStatus;
use model::{ErrorCode, Language, TextSize};

#[test]
fn choices_survive_a_restart() {
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let engine = engine_at(dir.path(), NOWHERE);
        let status = engine.status();
        assert_eq!(status.db, DbStatus::Ready);
        assert_eq!(
            status.settings.language,
            Language::Vi,
            "Vietnamese by default"
        );
        assert_eq!(status.settings.api_base_url, NOWHERE);
        let hit = engine
            .search_wards("ben thanh", 1)
            .expect("search")
            .wards
            .remove(0);
        engine.set_my_ward(hit.code.as_str()).expect("set my ward");
        engine.set_language(Language::En).expect("language");
        engine.set_text_size(TextSize::Large).expect("text size");
        engine
            .set_api_base_url("https://api.example.vn/city", true)
            .expect("url, confirmed");
    }
    let engine = engine_at(dir.path(), NOWHERE);
    let s = engine.status().settings;
    assert_eq!(s.language, Language::En);
    assert_eq!(s.text_size, TextSize::Large);
    assert_eq!(s.api_base_url, "https://api.example.vn/city/");
    let my = s.my_ward.expect("my ward kept");
    assert_eq!(engine.ward(&my).expect("ward").name, "Phường Bến Thành");
}

#[test]
fn bad_input_is_refused_with_a_code_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let engine = engine_at(dir.path(), NOWHERE);
    let code =
        |r: Result<model::dto::SettingsDto, core_engine::CoreError>| r.map_err(|e| e.code()).err();
    assert_eq!(
        code(engine.set_my_ward("00000")),
        Some(ErrorCode::UnknownWard)
    );
    assert_eq!(
        code(engine.set_my_ward("'; DROP TABLE wards; --")),
        Some(ErrorCode::UnknownWard)
    );
    assert_eq!(
        code(engine.set_api_base_url("http://api.city.vn", true)),
        Some(ErrorCode::ApiUrlInsecure)
    );
    assert_eq!(
        code(engine.set_api_base_url("", true)),
        Some(ErrorCode::ApiUrlEmpty)
    );
    assert_eq!(
        code(engine.set_api_base_url("not a url", true)),
        Some(ErrorCode::ApiUrlMalformed)
    );
    // Not an official address, not confirmed: asked about first, nothing changes.
    assert_eq!(
        code(engine.set_api_base_url("https://api.example.vn/city", false)),
        Some(ErrorCode::ApiUrlNotOfficial)
    );
    let s = engine.status().settings;
    assert_eq!(s.my_ward, None);
    assert_eq!(s.api_base_url, NOWHERE);
    assert_eq!(engine.search_wards("", 500).expect("all").total, 168);
}

/// The city's official address, the one the app was started with and (in debug and test
/// builds) this device are used without asking; any other only once confirmed.
#[test]
fn only_other_addresses_are_confirmed_first() {
    let dir = tempfile::tempdir().expect("tempdir");
    let engine = engine_at(dir.path(), "https://started-with.example.vn/");
    let official = model::api_url::OFFICIAL_API_URLS[0];
    let set = |url: &str, confirmed: bool| {
        engine
            .set_api_base_url(url, confirmed)
            .map(|s| s.api_base_url)
            .map_err(|e| e.code())
    };
    assert_eq!(set(official, false), Ok(official.to_owned()));
    assert_eq!(
        set("https://started-with.example.vn", false),
        Ok("https://started-with.example.vn/".to_owned())
    );
    assert_eq!(
        set("http://127.0.0.1:8722", false),
        Ok("http://127.0.0.1:8722/".to_owned()),
        "the local reference server, in a test build"
    );
    assert_eq!(
        set("https://elsewhere.example.com/", false),
        Err(ErrorCode::ApiUrlNotOfficial)
    );
    assert_eq!(
        engine.status().settings.api_base_url,
        "http://127.0.0.1:8722/",
        "unchanged"
    );
    assert_eq!(
        set("https://elsewhere.example.com/", true),
        Ok("https://elsewhere.example.com/".to_owned())
    );
    assert_eq!(
        set("https://elsewhere.example.com/", false),
        Ok("https://elsewhere.example.com/".to_owned()),
        "the address in use is not asked about again"
    );
}

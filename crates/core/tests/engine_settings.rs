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
            .set_api_base_url("https://api.example.vn/city")
            .expect("url");
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
        code(engine.set_api_base_url("http://api.city.vn")),
        Some(ErrorCode::ApiUrlInsecure)
    );
    assert_eq!(
        code(engine.set_api_base_url("")),
        Some(ErrorCode::ApiUrlEmpty)
    );
    assert_eq!(
        code(engine.set_api_base_url("not a url")),
        Some(ErrorCode::ApiUrlMalformed)
    );
    let s = engine.status().settings;
    assert_eq!(s.my_ward, None);
    assert_eq!(s.api_base_url, NOWHERE);
    assert_eq!(engine.search_wards("", 500).expect("all").total, 168);
}

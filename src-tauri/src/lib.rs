//! The Tauri shell: builds the window, holds the engine from `crates/core`, and exposes thin
//! typed commands. Decisions live in `core`, not here.

mod commands;
mod dossiers;
mod feedback;
mod login;
mod map;
mod monitor;
mod my_data;
mod notify;
mod ratings;
mod syncer;
mod voice;

use std::path::PathBuf;
use std::sync::Arc;

use core_engine::{Engine, EngineConfig};
use model::ApiBaseUrl;
use tauri::Manager;

pub use monitor::Monitor;
pub use syncer::Syncer;

/// Where the city API is until the citizen sets another address in Settings: the
/// `CITIZEN_API_URL` environment variable, else the local reference server.
pub const DEFAULT_API_URL: &str = "http://127.0.0.1:8722/";

#[allow(clippy::expect_used, reason = "a constant, parsed by a test")]
fn default_api_url() -> ApiBaseUrl {
    let fallback = || ApiBaseUrl::parse(DEFAULT_API_URL).expect("DEFAULT_API_URL is valid");
    match std::env::var("CITIZEN_API_URL") {
        Ok(text) => ApiBaseUrl::parse(&text).unwrap_or_else(|err| {
            tracing::error!(%err, "CITIZEN_API_URL ignored");
            fallback()
        }),
        Err(_) => fallback(),
    }
}

/// Registers the commands and managed state on a builder (shared by `run` and the tests).
pub fn build<R: tauri::Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder
        .invoke_handler(tauri::generate_handler![
            commands::app_status,
            commands::ui_messages,
            commands::search_wards,
            commands::search_places,
            commands::get_ward,
            commands::set_my_ward,
            commands::set_language,
            commands::set_text_size,
            commands::set_api_base_url,
            login::login_state,
            login::log_in,
            login::log_out,
            commands::refresh_wards,
            commands::start_fresh,
            feedback::list_services,
            feedback::search_services,
            feedback::get_draft,
            feedback::save_draft,
            feedback::discard_draft,
            feedback::check_draft,
            feedback::add_photo,
            feedback::remove_photo,
            feedback::pending_photos,
            feedback::photo_place,
            feedback::submit_draft,
            feedback::fix_refused,
            feedback::my_reports,
            feedback::unseen_count,
            feedback::report_detail,
            feedback::report_photo,
            feedback::rate_report,
            feedback::not_fixed,
            feedback::nearby_reports,
            feedback::follow_report,
            feedback::ward_reports,
            feedback::sync_now,
            dossiers::add_dossier,
            dossiers::read_receipt_qr,
            dossiers::my_dossiers,
            dossiers::dossier_detail,
            dossiers::remove_dossier,
            dossiers::dossiers_unseen,
            dossiers::ask,
            dossiers::procedure_guide,
            my_data::my_data_summary,
            my_data::export_my_data,
            my_data::delete_my_data,
            map::map_wards,
            map::map_reports,
            map::ward_card,
            map::map_offices,
            map::map_stats,
            map::map_sources,
            map::map_basemap_range,
            voice::voice_surveys,
            voice::voice_survey,
            voice::voice_save_answer_draft,
            voice::voice_answer_survey,
            voice::voice_announcements,
            voice::voice_open_announcement,
            ratings::rate_ward,
            ratings::ward_rating_status,
            ratings::scoreboard,
            ratings::ward_scoreboard,
        ])
        .plugin(tauri_plugin_notification::init())
        .setup(|app| Ok(init(app.handle())?))
}

/// Opens the engine on the app's data folder and starts the connection monitor. Run by the
/// builder's setup hook (tests without an event loop call it themselves).
pub fn init<R: tauri::Runtime>(app: &tauri::AppHandle<R>) -> tauri::Result<()> {
    let data_dir = data_dir(app)?;
    let engine = Arc::new(Engine::start(EngineConfig {
        data_dir,
        default_api_url: default_api_url(),
        api_key: std::env::var("CITIZEN_API_KEY")
            .ok()
            .filter(|k| !k.trim().is_empty())
            .unwrap_or_else(|| core_engine::engine::DEMO_API_KEY.to_owned()),
    }));
    let syncer = Syncer::new(engine.clone());
    let monitor = Monitor::new(engine.clone(), syncer.clone());
    monitor.spawn(app.clone());
    syncer.spawn(app.clone());
    app.manage(engine);
    app.manage(monitor);
    app.manage(syncer);
    Ok(())
}

/// The app's private data folder (XDG_DATA_HOME on Linux; the app sandbox on mobile).
fn data_dir<R: tauri::Runtime>(app: &tauri::AppHandle<R>) -> tauri::Result<PathBuf> {
    app.path().app_data_dir()
}

#[cfg_attr(mobile, tauri::mobile_entry_point)]
pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("CITIZEN_LOG")
                .unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    // GTK panics deep inside the windowing library without a display: say it plainly first.
    #[cfg(all(target_os = "linux", not(mobile)))]
    if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        eprintln!(
            "citizen-app: no display found (DISPLAY / WAYLAND_DISPLAY are unset).\n\
             On a server or over SSH, run it under a virtual display: xvfb-run -a citizen-app"
        );
        std::process::exit(1);
    }
    if let Err(err) = build(tauri::Builder::default()).run(tauri::generate_context!()) {
        eprintln!("citizen-app could not start: {err}");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_default_api_url_is_valid() {
        assert!(model::ApiBaseUrl::parse(super::DEFAULT_API_URL).is_ok());
    }
}

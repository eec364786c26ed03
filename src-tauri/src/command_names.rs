// The app's commands, one list: build.rs declares them to Tauri's ACL (`AppManifest::commands`),
// and tests check that `capabilities/` allows exactly these and that each one is served.
// Included by build.rs, so plain Rust with no dependencies.

pub const COMMANDS: &[&str] = &[
    "app_status",
    "search_wards",
    "get_ward",
    "set_my_ward",
    "set_language",
    "set_text_size",
    "set_api_base_url",
    "refresh_wards",
    "start_fresh",
];

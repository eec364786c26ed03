//! The one list of what crosses between the UI and the shell: every command the UI may invoke
//! and every event the shell emits. The shell declares `Command::ALL` to Tauri's ACL (build.rs),
//! the UI's bridge calls by these names, and tests check that `capabilities/` allows exactly
//! these and that each is served.

use crate::wire::wire_enum;

wire_enum! {
    /// A Tauri command of the shell (`#[tauri::command]` of the same name).
    pub enum Command {
        AppStatus = "app_status",
        UiMessages = "ui_messages",
        SearchWards = "search_wards",
        SearchPlaces = "search_places",
        GetWard = "get_ward",
        SetMyWard = "set_my_ward",
        SetLanguage = "set_language",
        SetTextSize = "set_text_size",
        SetApiBaseUrl = "set_api_base_url",
        LoginState = "login_state",
        LogIn = "log_in",
        LogOut = "log_out",
        RefreshWards = "refresh_wards",
        StartFresh = "start_fresh",
        ListServices = "list_services",
        SearchServices = "search_services",
        GetDraft = "get_draft",
        SaveDraft = "save_draft",
        DiscardDraft = "discard_draft",
        CheckDraft = "check_draft",
        AddPhoto = "add_photo",
        RemovePhoto = "remove_photo",
        PendingPhotos = "pending_photos",
        PhotoPlace = "photo_place",
        SubmitDraft = "submit_draft",
        FixRefused = "fix_refused",
        MyReports = "my_reports",
        UnseenCount = "unseen_count",
        ReportDetail = "report_detail",
        ReportPhoto = "report_photo",
        RateReport = "rate_report",
        NotFixed = "not_fixed",
        NearbyReports = "nearby_reports",
        FollowReport = "follow_report",
        WardReports = "ward_reports",
        SyncNow = "sync_now",
        AddDossier = "add_dossier",
        ReadReceiptQr = "read_receipt_qr",
        MyDossiers = "my_dossiers",
        DossierDetail = "dossier_detail",
        RemoveDossier = "remove_dossier",
        DossiersUnseen = "dossiers_unseen",
        Ask = "ask",
        ProcedureGuide = "procedure_guide",
        MyDataSummary = "my_data_summary",
        ExportMyData = "export_my_data",
        DeleteMyData = "delete_my_data",
        // The city map (`map::dto`).
        MapWards = "map_wards",
        MapReports = "map_reports",
        WardCard = "ward_card",
        MapOffices = "map_offices",
        MapStats = "map_stats",
        MapSources = "map_sources",
        MapBasemapRange = "map_basemap_range",
        // The city's surveys and announcements (`voice_dto`).
        VoiceSurveys = "voice_surveys",
        VoiceSurvey = "voice_survey",
        VoiceSaveAnswerDraft = "voice_save_answer_draft",
        VoiceAnswerSurvey = "voice_answer_survey",
        VoiceAnnouncements = "voice_announcements",
        VoiceOpenAnnouncement = "voice_open_announcement",
        // Rating wards and the 766 scoreboard (`rating_dto`).
        RateWard = "rate_ward",
        WardRatingStatus = "ward_rating_status",
        Scoreboard = "scoreboard",
        WardScoreboard = "ward_scoreboard",
    }
}

wire_enum! {
    /// An event the shell emits to the UI; the payload type is named on each.
    pub enum Event {
        /// `dto::ConnectionDto`: the city API became reachable or not.
        ConnectionChanged = "connection-changed",
        /// `()`: the ward list was replaced by a newer one.
        WardsUpdated = "wards-updated",
        /// `i64`, a local report id: one of its outbox items moved.
        OutboxChanged = "outbox-changed",
        /// `report_dto::NewsEvent`: the city said something new about a report.
        ReportsNews = "reports-news",
        /// `dossier_dto::DossierNewsEvent`: the city changed a tracked dossier.
        DossiersNews = "dossiers-news",
        /// `()`: the map's data on this device changed (reports, stats, offices, boundaries or
        /// the basemap were pulled anew): ask again.
        MapUpdated = "map-updated",
        /// `()`: the surveys, a survey answer's state or the announcements on this device
        /// changed: ask again.
        VoiceUpdated = "voice-updated",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_round_trip() {
        let mut names: Vec<_> = Command::ALL.iter().map(|c| c.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Command::ALL.len());
        for c in Command::ALL {
            assert_eq!(Command::parse(c.as_str()), Some(*c));
            // Tauri's ACL names a command's permission `allow-<name with dashes>`.
            assert!(
                c.as_str()
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'_')
            );
        }
        for e in Event::ALL {
            assert_eq!(Event::parse(e.as_str()), Some(*e));
        }
    }
}

//! What the whole UI shares: the app status from the shell, the current screen, and helpers to
//! translate. `Ctx` is `Copy` (signals), so closures take it by value.

use leptos::prelude::*;
use leptos::task::spawn_local;
use model::draft::FormStep;
use model::dto::{AppStatus, ConnectionDto, SettingsDto};
use model::service::ServiceCatalog;
use model::{ErrorDto, Language, Ward};

use crate::{bridge, i18n};

/// The screens of the app.
#[derive(Clone, Debug, PartialEq)]
pub enum Screen {
    Home,
    Wards,
    Ward(Ward),
    Settings,
    /// Feedback: new report, "My reports", the ward's list.
    Feedback,
    NewReport(FormStep),
    Report(i64),
    WardReports(String),
    /// Dossiers and the procedures guide: one variant, so the start part holds one lazy door
    /// for all of them (each door costs start bytes).
    Dossiers(DossierScreen),
    /// The city map and its list view, in one lazily loaded part with MapLibre behind it.
    Map(MapScreen),
    /// The citizens' voice: rating a ward, the scoreboard, the city's surveys and announcements.
    Voice(VoiceScreen),
}

/// The citizens' voice screens (issue 15), all in one lazily loaded part.
#[derive(Clone, Debug, PartialEq)]
pub enum VoiceScreen {
    /// The part's first page: rate a ward, the scoreboard, surveys, announcements.
    Hub,
    /// Rate the ward with this code; "back" and "done" return to `back`.
    Rate { ward: String, back: BackTo },
    /// Every ward's scoreboard for a kind of period.
    Scoreboard {
        period: model::scoreboard::PeriodKind,
    },
    /// One ward's scoreboard and its history, by its code.
    WardScore(String),
    /// The city's surveys open to the citizen, and those they answered.
    Surveys,
    /// One survey (by the city's id): its questions, the citizen's answer, its results.
    Survey(i64),
    /// What the city tells the citizen now, urgent first.
    Announcements,
    /// One announcement (by the city's id).
    Announcement(i64),
}

/// Where the rating screen returns to (a small `Copy` value rather than a boxed `Screen`: the
/// start part carries the glue of every `Screen` variant).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum BackTo {
    Hub,
    /// The rated ward's page.
    Ward,
    /// The rated ward's scoreboard page.
    Score,
    Dossier(i64),
    Report(i64),
    Map,
}

/// The map screens, all in one lazily loaded part.
#[derive(Clone, Debug, PartialEq)]
pub enum MapScreen {
    /// The map (or, `list: true`, its list view: "skip the map").
    Browse { list: bool },
    /// "Choose on the map" for the report being written: a pin, its ward, back to the form.
    Pick,
}

/// The dossier screens, all in one lazily loaded part.
#[derive(Clone, Debug, PartialEq)]
pub enum DossierScreen {
    /// "My dossiers".
    Mine,
    Add,
    /// One tracked dossier, by the device's id.
    One(i64),
    /// The question box and the list of procedures.
    Guide,
    /// A procedure's page, by its guide id.
    Procedure(String),
}

/// A message above the screen: a key (shown in the language of the moment, so switching
/// language translates it too) or a text already filled in.
#[derive(Clone, Debug, PartialEq)]
pub enum Notice {
    Key(&'static str),
    Text(String),
}

#[derive(Clone, Copy)]
pub struct Ctx {
    /// `None` until the shell answered `app_status`.
    pub status: RwSignal<Option<AppStatus>>,
    pub screen: RwSignal<Screen>,
    /// The full record of "my ward", for the home card.
    pub my_ward: RwSignal<Option<Ward>>,
    /// Bumped when the shell says the ward list changed: searches re-run.
    pub wards_version: RwSignal<u32>,
    /// A one-line message shown above the screen (e.g. where an old database was kept).
    pub notice: RwSignal<Option<Notice>>,
    /// The notice was set for the screen being opened: keep it for that one screen.
    notice_fresh: StoredValue<bool>,
    /// The feedback categories, loaded once.
    pub catalog: RwSignal<Option<ServiceCatalog>>,
    /// Reports with news the citizen has not opened (the badge).
    pub unseen: RwSignal<usize>,
    /// Bumped when the shell says reports moved or changed: lists re-load.
    pub reports_version: RwSignal<u32>,
    /// Tracked dossiers with news the citizen has not opened (the dossiers tile's badge).
    pub dossiers_unseen: RwSignal<usize>,
    /// Urgent announcements the citizen has not opened (the voice tile's badge).
    pub urgent: RwSignal<usize>,
    /// Bumped when the shell says the city changed tracked dossiers: lists re-load.
    pub dossiers_version: RwSignal<u32>,
    /// Bumped when the shell says the map's data on this device changed: the map re-loads.
    pub map_version: RwSignal<u32>,
    /// The report being written, shared by the steps of the form.
    pub form: crate::screens::feedback::draft::Form,
}

impl Ctx {
    pub fn new() -> Self {
        Self {
            status: RwSignal::new(None),
            screen: RwSignal::new(Screen::Home),
            my_ward: RwSignal::new(None),
            wards_version: RwSignal::new(0),
            notice: RwSignal::new(None),
            notice_fresh: StoredValue::new(false),
            catalog: RwSignal::new(None),
            unseen: RwSignal::new(0),
            reports_version: RwSignal::new(0),
            dossiers_unseen: RwSignal::new(0),
            urgent: RwSignal::new(0),
            dossiers_version: RwSignal::new(0),
            map_version: RwSignal::new(0),
            form: crate::screens::feedback::draft::Form::new(),
        }
    }

    /// Loads (or reloads) the status, the texts of its language and the "my ward" record. Screens
    /// show once the status is set, so the texts are fetched first.
    pub fn load_status(self) {
        spawn_local(async move {
            match bridge::app_status().await {
                Ok(status) => {
                    if let Err(err) = i18n::load(status.settings.language).await {
                        leptos::logging::error!("ui_messages failed: {}", err.code);
                    }
                    let my = status.settings.my_ward.clone();
                    self.unseen.set(status.news.reports);
                    self.dossiers_unseen.set(status.news.dossiers);
                    self.urgent.set(status.news.urgent);
                    self.status.set(Some(status));
                    self.load_my_ward(my);
                }
                Err(err) => leptos::logging::error!("app_status failed: {}", err.code),
            }
        });
    }

    /// The full record of "my ward" for the home card (`None`: not chosen).
    pub fn load_my_ward(self, code: Option<String>) {
        let Some(code) = code else {
            self.my_ward.set(None);
            return;
        };
        spawn_local(async move {
            self.my_ward.set(bridge::get_ward(&code).await.ok());
        });
    }

    pub fn lang(&self) -> Language {
        self.status
            .with(|s| s.as_ref().map(|s| s.settings.language).unwrap_or_default())
    }

    /// Translated text for `key` in the current language (reactive when called in a closure).
    pub fn t(&self, key: &str) -> &'static str {
        i18n::t(self.lang(), key)
    }

    pub fn t_with(&self, key: &str, args: &[(&str, &str)]) -> String {
        i18n::t_with(self.lang(), key, args)
    }

    /// Switches the UI and the stored setting to `language`; its texts are fetched first, so
    /// the screen never shows a language it has no words for.
    pub fn switch_language(&self, language: Language) {
        let ctx = *self;
        spawn_local(async move {
            let switched = match i18n::load(language).await {
                Ok(()) => bridge::set_language(language).await,
                Err(err) => Err(err),
            };
            match switched {
                Ok(settings) => ctx.set_settings(settings),
                Err(err) => ctx.show(Notice::Text(ctx.error_text(&err).to_owned())),
            }
        });
    }

    /// Shows `key` above the screen.
    pub fn notify(&self, key: &'static str) {
        self.show(Notice::Key(key));
    }

    /// Shows a notice until the citizen closes it or leaves the next screen.
    pub fn show(&self, notice: Notice) {
        self.notice.set(Some(notice));
        self.notice_fresh.set_value(true);
    }

    /// The translated message of an error from the shell (`t` falls back to the generic one).
    pub fn error_text(&self, err: &ErrorDto) -> &'static str {
        self.t(&err.message_key)
    }

    pub fn settings(&self) -> Option<SettingsDto> {
        self.status.with(|s| s.as_ref().map(|s| s.settings.clone()))
    }

    pub fn set_settings(&self, settings: SettingsDto) {
        self.status.update(|s| {
            if let Some(s) = s {
                s.settings = settings;
            }
        });
    }

    pub fn set_connection(&self, connection: ConnectionDto) {
        self.status.update(|s| {
            if let Some(s) = s {
                s.connection = connection;
            }
        });
    }

    pub fn go(&self, screen: Screen) {
        if !self.notice_fresh.get_value() {
            self.notice.set(None);
        }
        self.notice_fresh.set_value(false);
        self.screen.set(screen);
        // A new screen starts at the top of the page, with focus on it for screen readers and
        // keyboards (without scrolling the header away).
        if let Some(w) = web_sys::window() {
            w.scroll_to_with_x_and_y(0.0, 0.0);
        }
        if let Some(main) = document().get_element_by_id("main")
            && let Ok(el) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(main)
        {
            let options = web_sys::FocusOptions::new();
            options.set_prevent_scroll(true);
            let _ = el.focus_with_options(&options);
        }
    }
}

pub fn use_ctx() -> Ctx {
    expect_context::<Ctx>()
}

//! What the whole UI shares: the app status from the shell, the current screen, and helpers to
//! translate. `Ctx` is `Copy` (signals), so closures take it by value.

use leptos::prelude::*;
use model::dto::{AppStatus, ConnectionDto, SettingsDto};
use model::{ErrorDto, Language, Ward};

/// The screens of the app. Feedback, dossiers, map and rating are not built yet.
#[derive(Clone, Debug, PartialEq)]
pub enum Screen {
    Home,
    Wards,
    Ward(Ward),
    Settings,
    Coming(Part),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    Feedback,
    Dossiers,
    Map,
    Rate,
}

impl Part {
    pub const ALL: [Self; 4] = [Self::Feedback, Self::Dossiers, Self::Map, Self::Rate];

    /// i18n key stem: `home.<stem>`, `home.<stem>_hint`, `coming.<stem>`.
    pub fn stem(self) -> &'static str {
        match self {
            Self::Feedback => "feedback",
            Self::Dossiers => "dossiers",
            Self::Map => "map",
            Self::Rate => "rate",
        }
    }
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
    pub notice: RwSignal<Option<String>>,
}

impl Ctx {
    pub fn new() -> Self {
        Self {
            status: RwSignal::new(None),
            screen: RwSignal::new(Screen::Home),
            my_ward: RwSignal::new(None),
            wards_version: RwSignal::new(0),
            notice: RwSignal::new(None),
        }
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

    /// The translated message of an error from the shell.
    pub fn error_text(&self, err: &ErrorDto) -> &'static str {
        i18n::lookup(self.lang(), &err.message_key).unwrap_or_else(|| self.t("error.generic"))
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
        self.screen.set(screen);
    }
}

pub fn use_ctx() -> Ctx {
    expect_context::<Ctx>()
}

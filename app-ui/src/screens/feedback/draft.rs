//! The draft on screen, shared by the steps of the report form: it is read from the shell once,
//! edited in memory, and saved shortly after typing stops, in the order [`DraftSaver`] keeps.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use model::ErrorDto;
use model::draft::Draft;
use model::draft_save::{AfterSave, DraftSaver};
use model::report_dto::PhotoDto;

use crate::bridge;

/// Wait this long after the last keystroke before saving the draft.
const SAVE_AFTER: Duration = Duration::from_millis(400);

/// The draft on screen, its photos, and whether the last change is on disk. One for the whole
/// app (in `Ctx`): the steps share it, so moving between them never waits for the disk.
#[derive(Clone, Copy)]
pub struct Form {
    pub draft: RwSignal<Option<Draft>>,
    pub photos: RwSignal<Vec<PhotoDto>>,
    /// The last error from the shell (the screen translates it).
    pub problem: RwSignal<Option<ErrorDto>>,
    /// A place chosen outside the form (the map), put into the draft when the form next shows.
    /// A plain value handed over, so the map's part shares no form code (each piece shared by
    /// two lazy parts goes into the start part).
    pub chosen: RwSignal<Option<Chosen>>,
    /// Mirrors `saver.is_saved()` for the "saved" line.
    saved: RwSignal<bool>,
    saver: StoredValue<DraftSaver>,
}

/// What the map hands the form.
#[derive(Clone, Debug)]
pub enum Chosen {
    /// "Choose on the map": a point and the ward it falls in.
    Point {
        lat: f64,
        lon: f64,
        ward_code: String,
    },
    /// A ward's "report a problem here".
    Ward(String),
}

impl Form {
    pub fn new() -> Self {
        Self {
            draft: RwSignal::new(None),
            photos: RwSignal::new(Vec::new()),
            problem: RwSignal::new(None),
            chosen: RwSignal::new(None),
            saved: RwSignal::new(true),
            saver: StoredValue::new(DraftSaver::default()),
        }
    }

    /// Forgets what is in memory: the next form screen reads the draft from the shell (after
    /// sending, after "fix and resend", when coming from the hub).
    pub fn reload(self) {
        self.draft.set(None);
    }

    /// Whether what is on screen is on disk (reactive).
    pub fn saved(self) -> bool {
        self.saved.get()
    }

    pub fn load_if_needed(self) {
        if self.draft.with_untracked(Option::is_some) {
            return;
        }
        spawn_local(async move {
            match bridge::feedback::get_draft().await {
                Ok(d) => {
                    self.photos.set(d.photos);
                    self.draft.set(Some(d.draft));
                    self.saver.update_value(DraftSaver::loaded);
                    self.show_saved();
                }
                Err(err) => self.problem.set(Some(err)),
            }
        });
    }

    fn show_saved(self) {
        self.saved.set(self.saver.with_value(DraftSaver::is_saved));
    }

    /// Changes the draft on screen; it is saved once no other edit came for [`SAVE_AFTER`].
    pub fn edit(self, f: impl FnOnce(&mut Draft)) {
        self.draft.update(|d| {
            if let Some(d) = d {
                f(d);
            }
        });
        let Some(mine) = self.saver.try_update_value(|s| s.edit()) else {
            return;
        };
        self.show_saved();
        set_timeout(
            move || {
                if self.saver.with_value(|s| s.is_latest(mine)) {
                    self.save_now();
                }
            },
            SAVE_AFTER,
        );
    }

    /// Saves at once (leaving a step), or right after the save on its way.
    pub fn save_now(self) {
        let Some(draft) = self.draft.get_untracked() else {
            return;
        };
        if !self
            .saver
            .try_update_value(DraftSaver::begin)
            .unwrap_or(false)
        {
            return;
        }
        spawn_local(async move {
            let result = bridge::feedback::save_draft(&draft).await;
            let ok = result.is_ok();
            if let Err(err) = result {
                self.problem.set(Some(err));
            }
            let after = self.saver.try_update_value(|s| s.end(ok));
            self.show_saved();
            if after == Some(AfterSave::SaveAgain) {
                self.save_now();
            }
        });
    }

    /// Waits until what is on screen is on disk (before checking or sending it).
    pub async fn flush(self) -> Result<(), ErrorDto> {
        while self.saver.with_value(DraftSaver::is_in_flight) {
            crate::geo::sleep(20).await;
        }
        match self.draft.get_untracked() {
            Some(draft) => {
                bridge::feedback::save_draft(&draft).await?;
                self.saver.update_value(DraftSaver::loaded);
                self.show_saved();
                Ok(())
            }
            None => Ok(()),
        }
    }
}

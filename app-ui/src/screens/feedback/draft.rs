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
    /// Mirrors `saver.is_saved()` for the "saved" line.
    saved: RwSignal<bool>,
    saver: StoredValue<DraftSaver>,
}

impl Form {
    pub fn new() -> Self {
        Self {
            draft: RwSignal::new(None),
            photos: RwSignal::new(Vec::new()),
            problem: RwSignal::new(None),
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
        self.edit_loaded(|_| {});
    }

    /// Edits the draft once it is in memory, read from the shell first when it is not: a screen
    /// outside the form (the map's "choose on the map", a ward's "report a problem here") sets
    /// what the citizen chose there. An edit that changes nothing saves nothing.
    pub fn edit_loaded(self, f: impl FnOnce(&mut Draft) + 'static) {
        if self.draft.with_untracked(Option::is_some) {
            self.edit_if_changed(f);
            return;
        }
        spawn_local(async move {
            match bridge::feedback::get_draft().await {
                Ok(d) => {
                    self.photos.set(d.photos);
                    self.draft.set(Some(d.draft));
                    self.saver.update_value(DraftSaver::loaded);
                    self.show_saved();
                    self.edit_if_changed(f);
                }
                Err(err) => self.problem.set(Some(err)),
            }
        });
    }

    fn edit_if_changed(self, f: impl FnOnce(&mut Draft)) {
        let Some(mut changed) = self.draft.with_untracked(Clone::clone) else {
            return;
        };
        f(&mut changed);
        if self.draft.with_untracked(|d| d.as_ref() != Some(&changed)) {
            self.edit(move |d| *d = changed);
        }
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

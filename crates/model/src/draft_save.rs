//! When the report form saves its draft, as a plain state machine the UI drives (its timers and
//! calls to the shell stay in the UI): saves go out one at a time, a save that started before the
//! latest edit never reports "saved", and an edit made while a save is on its way is saved after it.

/// A ticket for one edit: the UI's timer saves only if no later edit came.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Edit(u32);

/// What to do when a save has answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AfterSave {
    /// Edits came while it was on its way: save again now.
    SaveAgain,
    /// Nothing more to save (the screen's "saved" line reads [`DraftSaver::is_saved`]).
    Idle,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DraftSaver {
    edits: u32,
    /// The edit count the save on its way carries.
    in_flight: Option<u32>,
    /// A save was asked for while another was on its way.
    again: bool,
    saved: bool,
}

impl Default for DraftSaver {
    fn default() -> Self {
        Self {
            edits: 0,
            in_flight: None,
            again: false,
            saved: true,
        }
    }
}

impl DraftSaver {
    /// The draft read from disk is what is on screen.
    pub fn loaded(&mut self) {
        self.saved = true;
    }

    /// The citizen changed something.
    pub fn edit(&mut self) -> Edit {
        self.edits = self.edits.wrapping_add(1);
        self.saved = false;
        Edit(self.edits)
    }

    /// No edit came after `edit`: its timer may save.
    pub fn is_latest(&self, edit: Edit) -> bool {
        edit.0 == self.edits
    }

    /// Asks to save now: `true` when the UI should send the draft; `false` when a save is on its
    /// way (this one then follows it, see [`AfterSave::SaveAgain`]).
    pub fn begin(&mut self) -> bool {
        if self.in_flight.is_some() {
            self.again = true;
            return false;
        }
        self.in_flight = Some(self.edits);
        true
    }

    /// The save on its way answered (`ok`: the shell kept it).
    pub fn end(&mut self, ok: bool) -> AfterSave {
        let carried = self.in_flight.take();
        if std::mem::take(&mut self.again) {
            return AfterSave::SaveAgain;
        }
        if ok && carried == Some(self.edits) {
            self.saved = true;
        }
        AfterSave::Idle
    }

    pub fn is_in_flight(&self) -> bool {
        self.in_flight.is_some()
    }

    /// What is on screen is on disk.
    pub fn is_saved(&self) -> bool {
        self.saved
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_save_of_the_latest_edit_says_saved() {
        let mut s = DraftSaver::default();
        let e = s.edit();
        assert!(!s.is_saved());
        assert!(s.is_latest(e));
        assert!(s.begin());
        assert!(s.is_in_flight());
        assert_eq!(s.end(true), AfterSave::Idle);
        assert!(s.is_saved() && !s.is_in_flight());
    }

    #[test]
    fn a_later_edit_makes_the_earlier_timer_stale() {
        let mut s = DraftSaver::default();
        let first = s.edit();
        let second = s.edit();
        assert!(!s.is_latest(first));
        assert!(s.is_latest(second));
    }

    #[test]
    fn a_save_asked_while_one_is_on_its_way_follows_it_and_only_the_last_says_saved() {
        let mut s = DraftSaver::default();
        s.edit();
        assert!(s.begin());
        s.edit();
        assert!(!s.begin(), "one save at a time");
        assert_eq!(s.end(true), AfterSave::SaveAgain);
        assert!(!s.is_saved(), "the first save carried an older draft");
        assert!(s.begin());
        assert_eq!(s.end(true), AfterSave::Idle);
        assert!(s.is_saved());
    }

    #[test]
    fn an_edit_during_a_save_keeps_it_unsaved_until_it_is_saved_too() {
        let mut s = DraftSaver::default();
        s.edit();
        assert!(s.begin());
        s.edit(); // its timer has not fired yet
        assert_eq!(s.end(true), AfterSave::Idle);
        assert!(!s.is_saved());
    }

    #[test]
    fn a_failed_save_is_not_saved() {
        let mut s = DraftSaver::default();
        s.edit();
        assert!(s.begin());
        assert_eq!(s.end(false), AfterSave::Idle);
        assert!(!s.is_saved());
        assert!(!s.is_in_flight(), "the next edit can save again");
    }

    #[test]
    fn loading_from_disk_is_saved() {
        let mut s = DraftSaver::default();
        s.edit();
        s.loaded();
        assert!(s.is_saved());
    }
}

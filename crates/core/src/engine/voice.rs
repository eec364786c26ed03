//! The city's surveys and announcements (issue 15): the background round and the commands'
//! answers, from the copy of the city address in use.
//!
//! `sync_voice` sends the citizen's saved survey answers (signed, each under its own
//! Idempotency-Key, `sync::worker`), then asks the city, with ETags, for the surveys open to the
//! citizen's ward and the announcements for it, then, for each survey the citizen had counted
//! and whose results are not kept, the survey again and its results once published, and last
//! the kept scoreboards (`Engine::refresh_scoreboards`, not while the city cannot be reached).
//! Each answer is checked before it replaces the kept copy: a bad or missing answer leaves it
//! as it was.
//!
//! An answer is checked with `model::survey::answer`'s rules (the city's own) before it is
//! saved; saved means committed, then sent by the round.

use chrono::{DateTime, Utc};
use model::ApiBaseUrl;
use model::announcement::{self, Announcement, AnnouncementList, Urgency};
use model::survey::answer::{Response, SurveyAnswer};
use model::survey::results::SurveyResults;
use model::survey::{Survey, SurveyList, SurveyState};
use model::voice_dto::{
    AnnouncementOpened, AnnouncementsDto, AnswerArgs, AnswerOutcome, AnswerProblem, AnswerStatus,
    SurveyBrief, SurveyDetailDto, SurveyListDto,
};

use super::{Engine, Pulled};
use crate::error::CoreError;
use crate::store::{AnswerDelivery, AnswerRow, VoiceCopy, VoiceResource};
use crate::sync::transport::{self, Target};
use crate::sync::{PassSummary, Worker};

/// A list of surveys or announcements is a few KB; a survey of 30 questions ~20 KB.
const MAX_LIST_BODY: usize = 2 * 1024 * 1024;
const MAX_SURVEY_BODY: usize = 256 * 1024;

/// What one [`Engine::sync_voice`] round did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VoiceSync {
    /// Survey answers sent and their ends.
    pub sent: PassSummary,
    /// A kept list, survey or results changed: the screens should ask again.
    pub changed: bool,
    /// What the round could not refresh (offline, refused, a bad answer), by name.
    pub failed: Vec<&'static str>,
}

/// Why one pull did not refresh its copy.
#[derive(Debug, thiserror::Error)]
enum PullError {
    #[error(transparent)]
    Link(#[from] transport::LinkError),
    #[error("the city API answered {0}")]
    Status(u16),
    #[error("the answer is refused: {0}")]
    Refused(String),
    #[error("local storage failed: {0}")]
    Store(#[from] CoreError),
}

fn now_text() -> String {
    Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The status of a kept answer (pure).
pub fn answer_status(row: Option<&AnswerRow>) -> AnswerStatus {
    let Some(row) = row else {
        return AnswerStatus::NotYet;
    };
    match row.delivery {
        None => AnswerStatus::NotYet,
        Some(AnswerDelivery::Queued) => AnswerStatus::Saved,
        Some(AnswerDelivery::NeedsAttention) => AnswerStatus::Refused {
            message_key: row
                .refusal
                .map_or(model::reason::OTHER_KEY, |r| r.message_key())
                .to_owned(),
        },
        Some(AnswerDelivery::Sent) => AnswerStatus::Counted {
            at: row.counted_at.clone().unwrap_or_default(),
        },
    }
}

/// Whether the citizen may answer `survey` now: it takes answers, and nothing was counted
/// unless changes are allowed (pure).
pub fn can_answer(survey: &Survey, row: Option<&AnswerRow>, now: DateTime<Utc>) -> bool {
    let counted = row.is_some_and(|r| r.sends_counted > 0);
    survey.takes_answers_at(now) && (!counted || survey.edits_allowed)
}

impl Engine {
    /// One round of the surveys and announcements for the address in use (see the module's
    /// doc).
    pub async fn sync_voice(&self) -> Result<VoiceSync, CoreError> {
        let http = self
            .client
            .as_ref()
            .ok_or(CoreError::NoHttpClient)?
            .http()
            .clone();
        let base = self.api_url();
        let target = Target {
            base: base.clone(),
            api_key: self.config.api_key.clone(),
        };
        let mut out = VoiceSync {
            sent: Worker::new(http.clone(), target)
                .send_survey_answers(self)
                .await?,
            ..VoiceSync::default()
        };
        if out.sent.unreachable > 0 {
            self.note_unreachable();
        }
        let ward = self.with_ready(|r| Ok(r.store.my_ward()?))?;
        let ward_text = ward
            .as_ref()
            .map(|w| w.as_str().to_owned())
            .unwrap_or_default();
        let mut reached = out.sent.unreachable == 0;
        for (name, resource) in [
            ("surveys", VoiceResource::Surveys),
            ("announcements", VoiceResource::Announcements),
        ] {
            match self.pull_list(&http, &base, resource, &ward_text).await {
                Ok(changed) => out.changed |= changed,
                Err(err) => {
                    tracing::debug!(%err, resource = name, "voice pull failed");
                    reached &= !matches!(err, PullError::Link(transport::LinkError::Network(_)));
                    out.failed.push(name);
                }
            }
        }
        match self.pull_results(&http, &base).await {
            Ok(changed) => out.changed |= changed,
            Err(err) => {
                tracing::debug!(%err, "survey results pull failed");
                out.failed.push("results");
            }
        }
        // The kept scoreboards, so the screen opens with today's figures; not asked while the
        // city cannot be reached (the copies stay as they are).
        if reached {
            match self.refresh_scoreboards().await {
                Ok(Pulled::Same) => {}
                Ok(Pulled::New) => out.changed = true,
                Ok(Pulled::Failed | Pulled::Unreachable) => out.failed.push("scoreboard"),
                Err(err) => {
                    tracing::debug!(%err, "scoreboards not refreshed");
                    out.failed.push("scoreboard");
                }
            }
        } else {
            out.failed.push("scoreboard");
        }
        Ok(out)
    }

    /// One list, revalidated by its ETag when it was asked for the same ward.
    async fn pull_list(
        &self,
        http: &reqwest::Client,
        base: &ApiBaseUrl,
        resource: VoiceResource,
        ward: &str,
    ) -> Result<bool, PullError> {
        let kept = self.with_ready(|r| Ok(r.store.voice_copy(resource, base.as_str())?))?;
        let etag = kept
            .as_ref()
            .filter(|k| k.ward == ward)
            .and_then(|k| k.etag.clone());
        let path = match resource {
            VoiceResource::Surveys => "api/v1/surveys",
            VoiceResource::Announcements => "api/v1/announcements",
        };
        let query: Vec<(&str, String)> = if ward.is_empty() {
            Vec::new()
        } else {
            vec![("ward", ward.to_owned())]
        };
        let answer = transport::get(
            http,
            &base.join(path),
            &query,
            etag.as_deref(),
            MAX_LIST_BODY,
        )
        .await?;
        let now = now_text();
        match answer.status {
            304 if etag.is_some() => {
                self.with_ready(|r| {
                    Ok(r.store
                        .mark_voice_copy_fresh(resource, base.as_str(), &now)?)
                })?;
                return Ok(false);
            }
            200 => {}
            other => return Err(PullError::Status(other)),
        }
        let text =
            std::str::from_utf8(&answer.body).map_err(|e| PullError::Refused(e.to_string()))?;
        // Checked whole before anything is kept.
        let surveys = match resource {
            VoiceResource::Surveys => {
                let list: SurveyList =
                    serde_json::from_str(text).map_err(|e| PullError::Refused(e.to_string()))?;
                list.surveys
            }
            VoiceResource::Announcements => {
                serde_json::from_str::<AnnouncementList>(text)
                    .map_err(|e| PullError::Refused(e.to_string()))?;
                Vec::new()
            }
        };
        let copy = VoiceCopy {
            ward: ward.to_owned(),
            body: text.to_owned(),
            etag: answer.etag.clone(),
            pulled_at: now.clone(),
        };
        self.with_ready(|r| {
            for s in &surveys {
                let json = serde_json::to_string(s).map_err(|_| CoreError::Encode)?;
                r.store.save_survey(base.as_str(), s.id, &json, &now)?;
            }
            r.store.save_voice_copy(resource, base.as_str(), &copy)?;
            Ok(kept.is_none_or(|k| k.body != copy.body))
        })
        .map_err(PullError::from)
    }

    /// Surveys the citizen answered: asked again until their results are published, then the
    /// results kept.
    async fn pull_results(
        &self,
        http: &reqwest::Client,
        base: &ApiBaseUrl,
    ) -> Result<bool, PullError> {
        let waiting =
            self.with_ready(|r| Ok(r.store.surveys_awaiting_results(base.as_str())?))?;
        let mut changed = false;
        for id in waiting {
            let answer = transport::get(
                http,
                &base.join(&format!("api/v1/surveys/{id}")),
                &[],
                None,
                MAX_SURVEY_BODY,
            )
            .await?;
            if answer.status != 200 {
                return Err(PullError::Status(answer.status));
            }
            let survey: Survey = serde_json::from_slice(&answer.body)
                .map_err(|e| PullError::Refused(e.to_string()))?;
            if survey.id != id {
                return Err(PullError::Refused("another survey".into()));
            }
            let now = now_text();
            let text =
                std::str::from_utf8(&answer.body).map_err(|e| PullError::Refused(e.to_string()))?;
            let before = self.with_ready(|r| {
                let before = r.store.survey(base.as_str(), id)?;
                r.store.save_survey(base.as_str(), id, text, &now)?;
                Ok(before)
            })?;
            changed |= before.is_none_or(|b| {
                serde_json::from_str::<Survey>(&b.json).ok().as_ref() != Some(&survey)
            });
            if survey.state != SurveyState::Published {
                continue;
            }
            let answer = transport::get(
                http,
                &base.join(&format!("api/v1/surveys/{id}/results")),
                &[],
                None,
                MAX_SURVEY_BODY,
            )
            .await?;
            if answer.status != 200 {
                return Err(PullError::Status(answer.status));
            }
            let results: SurveyResults = serde_json::from_slice(&answer.body)
                .map_err(|e| PullError::Refused(e.to_string()))?;
            if results.survey_id != id || results.questions.len() != survey.questions.len() {
                return Err(PullError::Refused("results of another survey".into()));
            }
            let text =
                std::str::from_utf8(&answer.body).map_err(|e| PullError::Refused(e.to_string()))?;
            self.with_ready(|r| Ok(r.store.save_survey_results(base.as_str(), id, text)?))?;
            changed = true;
        }
        Ok(changed)
    }

    /// The surveys open to the citizen (as last pulled, still in their window), then the ones
    /// they answered, newest first.
    pub fn voice_surveys(&self) -> Result<SurveyListDto, CoreError> {
        let base = self.api_url();
        let now = Utc::now();
        self.with_ready(|r| {
            let ward = r.store.my_ward()?;
            let copy = r.store.voice_copy(VoiceResource::Surveys, base.as_str())?;
            let open: Vec<i64> = copy
                .as_ref()
                .and_then(|c| serde_json::from_str::<SurveyList>(&c.body).ok())
                .map(|l| l.surveys.iter().map(|s| s.id).collect())
                .unwrap_or_default();
            let answers = r.store.survey_answers(base.as_str())?;
            let mut surveys = Vec::new();
            for (id, row) in r.store.surveys(base.as_str())? {
                let Ok(survey) = serde_json::from_str::<Survey>(&row.json) else {
                    continue;
                };
                let mine = answers.iter().find(|a| a.survey_id == id);
                // The ward may have changed since the list was pulled.
                let listed = open.contains(&id)
                    && survey.takes_answers_at(now)
                    && survey.asks(ward.as_ref());
                let answered = mine.is_some_and(|a| a.delivery.is_some());
                if !listed && !answered {
                    continue;
                }
                surveys.push(SurveyBrief {
                    id,
                    title: survey.title.clone(),
                    state: survey.state,
                    closes_at: rfc3339(survey.closes_at),
                    takes_answers: survey.takes_answers_at(now),
                    answer: answer_status(mine),
                    has_results: row.results_json.is_some(),
                });
            }
            // Open ones first, each group newest first (the store's order).
            surveys.sort_by_key(|s| !s.takes_answers);
            Ok(SurveyListDto {
                surveys,
                pulled_at: copy.map(|c| c.pulled_at),
                no_ward: ward.is_none(),
            })
        })
    }

    /// One kept survey with the citizen's answer and its results when published.
    pub fn voice_survey(&self, id: i64) -> Result<SurveyDetailDto, CoreError> {
        let base = self.api_url();
        self.with_ready(|r| {
            let row = r
                .store
                .survey(base.as_str(), id)?
                .ok_or(CoreError::UnknownSurvey)?;
            let survey: Survey =
                serde_json::from_str(&row.json).map_err(|_| CoreError::UnknownSurvey)?;
            let answer = r.store.survey_answer(base.as_str(), id)?;
            let results = row
                .results_json
                .as_deref()
                .and_then(|j| serde_json::from_str::<SurveyResults>(j).ok());
            Ok(detail(survey, answer.as_ref(), results, Utc::now()))
        })
    }

    /// Keeps what the citizen is typing (nothing is checked or sent).
    pub fn save_answer_draft(&self, args: &AnswerArgs) -> Result<(), CoreError> {
        let base = self.api_url();
        let json = serde_json::to_string(&args.responses).map_err(|_| CoreError::Encode)?;
        self.with_ready(|r| {
            r.store
                .survey(base.as_str(), args.id)?
                .ok_or(CoreError::UnknownSurvey)?;
            Ok(r.store.save_answer_draft(base.as_str(), args.id, &json)?)
        })
    }

    /// Checks the answer with the city's rules and saves it to be sent (committed before it
    /// returns); every problem found instead (each with its question), nothing saved. Refused when the survey takes
    /// no answer now, or the city counted one and takes no change.
    pub fn answer_survey(&self, args: &AnswerArgs) -> Result<AnswerOutcome, CoreError> {
        let base = self.api_url();
        let now = Utc::now();
        self.with_ready(|r| {
            let row = r
                .store
                .survey(base.as_str(), args.id)?
                .ok_or(CoreError::UnknownSurvey)?;
            let survey: Survey =
                serde_json::from_str(&row.json).map_err(|_| CoreError::UnknownSurvey)?;
            let kept = r.store.survey_answer(base.as_str(), args.id)?;
            if !can_answer(&survey, kept.as_ref(), now) {
                return Err(CoreError::SurveyClosed);
            }
            let ward = r.store.my_ward()?;
            let answer = match check_answer(&survey, ward, &args.responses) {
                Ok(a) => a,
                Err(problems) => return Ok(AnswerOutcome::Problems { problems }),
            };
            let json = serde_json::to_string(&answer).map_err(|_| CoreError::Encode)?;
            r.store.queue_survey_answer(
                base.as_str(),
                args.id,
                &json,
                crate::sync::worker::now_ms(),
            )?;
            let kept = r.store.survey_answer(base.as_str(), args.id)?;
            let results = row
                .results_json
                .as_deref()
                .and_then(|j| serde_json::from_str::<SurveyResults>(j).ok());
            Ok(AnswerOutcome::Saved {
                detail: Box::new(detail(survey, kept.as_ref(), results, now)),
            })
        })
    }

    /// Opens announcement `id` (none when it is no longer shown to the citizen): counted as
    /// opened from now on, so it leaves the home tile's count of urgent ones.
    pub fn open_announcement(&self, id: i64) -> Result<AnnouncementOpened, CoreError> {
        let base = self.api_url();
        self.with_ready(|r| {
            let ward = r.store.my_ward()?;
            let copy = r
                .store
                .voice_copy(VoiceResource::Announcements, base.as_str())?;
            let shown = shown_now(copy.as_ref(), ward.as_ref(), Utc::now());
            let announcement = shown.into_iter().find(|a| a.id == id);
            if announcement.is_some() {
                r.store
                    .mark_announcement_read(base.as_str(), id, &now_text())?;
            }
            Ok(AnnouncementOpened {
                announcement,
                urgent_unread: urgent_unread(&r.store, base.as_str())?,
            })
        })
    }

    /// Urgent announcements shown now to the citizen that they have not opened.
    pub fn urgent_unread(&self) -> Result<usize, CoreError> {
        let base = self.api_url();
        self.with_ready(|r| Ok(urgent_unread(&r.store, base.as_str())?))
    }

    /// The announcements for the citizen now (as last pulled, still in their time, for the
    /// city or their ward), urgent first.
    pub fn voice_announcements(&self) -> Result<AnnouncementsDto, CoreError> {
        let base = self.api_url();
        self.with_ready(|r| {
            let ward = r.store.my_ward()?;
            let copy = r
                .store
                .voice_copy(VoiceResource::Announcements, base.as_str())?;
            let mut list = shown_now(copy.as_ref(), ward.as_ref(), Utc::now());
            announcement::order(&mut list);
            Ok(AnnouncementsDto {
                announcements: list,
                pulled_at: copy.map(|c| c.pulled_at),
                no_ward: ward.is_none(),
            })
        })
    }

    /// Urgent announcements for the citizen now that were never notified: each is recorded as
    /// notified before it is returned (at most once, even if the notification then fails).
    pub fn urgent_to_notify(&self) -> Result<Vec<Announcement>, CoreError> {
        let base = self.api_url();
        self.with_ready(|r| {
            let ward = r.store.my_ward()?;
            let copy = r
                .store
                .voice_copy(VoiceResource::Announcements, base.as_str())?;
            let mut out = Vec::new();
            let now = now_text();
            for a in shown_now(copy.as_ref(), ward.as_ref(), Utc::now()) {
                if a.urgency == Urgency::Urgent
                    && r.store
                        .mark_announcement_notified(base.as_str(), a.id, &now)?
                {
                    out.push(a);
                }
            }
            Ok(out)
        })
    }

    /// The link is back: saved answers that waited for it are due now.
    pub fn wake_answers(&self) -> Result<usize, CoreError> {
        let now = crate::sync::worker::now_ms();
        self.with_ready(|r| Ok(r.store.wake_offline_answers(now)?))
    }
}

/// How many urgent announcements shown now to the citizen of `store` they have not opened.
fn urgent_unread(store: &crate::store::Store, base: &str) -> rusqlite::Result<usize> {
    let ward = store.my_ward()?;
    let copy = store.voice_copy(VoiceResource::Announcements, base)?;
    let mut n = 0;
    for a in shown_now(copy.as_ref(), ward.as_ref(), Utc::now()) {
        if a.urgency == Urgency::Urgent && !store.announcement_read(base, a.id)? {
            n += 1;
        }
    }
    Ok(n)
}

/// The announcements of a kept list shown at `now` to a citizen of `ward` (pure).
pub fn shown_now(
    copy: Option<&VoiceCopy>,
    ward: Option<&model::WardCode>,
    now: DateTime<Utc>,
) -> Vec<Announcement> {
    copy.and_then(|c| serde_json::from_str::<AnnouncementList>(&c.body).ok())
        .map(|l| l.announcements)
        .unwrap_or_default()
        .into_iter()
        .filter(|a| a.shown(now, ward))
        .collect()
}

/// The answer as the city will read it, checked with its rules (pure).
pub fn check_answer(
    survey: &Survey,
    ward: Option<model::WardCode>,
    responses: &[Option<Response>],
) -> Result<SurveyAnswer, Vec<AnswerProblem>> {
    let mut responses = responses.to_vec();
    responses.resize(survey.questions.len(), None);
    let written = SurveyAnswer { ward, responses };
    SurveyAnswer::check(&written.to_pairs(), &survey.questions)
        .map_err(|e| e.all().map(AnswerProblem::from_error).collect())
}

fn detail(
    survey: Survey,
    row: Option<&AnswerRow>,
    results: Option<SurveyResults>,
    now: DateTime<Utc>,
) -> SurveyDetailDto {
    let shown = row
        .and_then(|r| r.draft.as_deref())
        .and_then(|d| serde_json::from_str::<Vec<Option<Response>>>(d).ok())
        .or_else(|| {
            row.and_then(|r| r.answer.as_deref())
                .and_then(|a| serde_json::from_str::<SurveyAnswer>(a).ok())
                .map(|a| a.responses)
        });
    let mut responses = shown.unwrap_or_default();
    responses.resize(survey.questions.len(), None);
    SurveyDetailDto {
        takes_answers: survey.takes_answers_at(now),
        answer: answer_status(row),
        responses,
        can_answer: can_answer(&survey, row, now),
        results: results.filter(|_| survey.state == SurveyState::Published),
        survey,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::survey::{Audience, Bilingual, Question, QuestionKind};

    fn text(s: &str) -> Bilingual {
        Bilingual {
            vi: s.into(),
            en: s.into(),
        }
    }

    fn survey(edits: bool) -> Survey {
        Survey {
            id: 1,
            state: SurveyState::Open,
            title: text("t"),
            questions: vec![
                Question {
                    prompt: text("q1"),
                    required: true,
                    kind: QuestionKind::SingleChoice {
                        choices: vec![text("a"), text("b")],
                    },
                },
                Question {
                    prompt: text("q2"),
                    required: false,
                    kind: QuestionKind::ShortText { max_chars: 5 },
                },
            ],
            opens_at: Utc::now() - chrono::Duration::hours(1),
            closes_at: Utc::now() + chrono::Duration::hours(1),
            audience: Audience::City {},
            edits_allowed: edits,
        }
    }

    fn row(delivery: Option<AnswerDelivery>, counted: i64) -> AnswerRow {
        AnswerRow {
            survey_id: 1,
            draft: None,
            answer: None,
            delivery,
            refusal: None,
            counted_at: Some("2026-12-07T10:00:00Z".into()),
            sends_counted: counted,
        }
    }

    #[test]
    fn answers_are_checked_with_the_citys_rules_and_name_the_question() {
        let s = survey(false);
        let ok = check_answer(&s, None, &[Some(Response::Choice(2))]).expect("valid");
        assert_eq!(ok.responses.len(), 2);
        let questions = |r: Result<SurveyAnswer, Vec<AnswerProblem>>| {
            r.map_err(|ps| ps.into_iter().map(|p| p.question).collect::<Vec<_>>())
        };
        let missing = check_answer(&s, None, &[None, Some(Response::Text("hi".into()))]);
        assert_eq!(questions(missing), Err(vec![1]));
        let long = check_answer(
            &s,
            None,
            &[
                Some(Response::Choice(1)),
                Some(Response::Text("toolong".into())),
            ],
        );
        assert_eq!(
            long.map_err(|ps| ps
                .into_iter()
                .map(|p| (p.question, p.message_key))
                .collect()),
            Err(vec![(2, "reason.too_long".to_owned())])
        );
        let wrong = check_answer(&s, None, &[Some(Response::Choice(3))]);
        assert_eq!(questions(wrong), Err(vec![1]));
        // Every question's problem, not only the first.
        let both = check_answer(&s, None, &[None, Some(Response::Text("toolong".into()))]);
        assert_eq!(
            both.map_err(|ps| ps
                .into_iter()
                .map(|p| (p.question, p.message_key))
                .collect()),
            Err(vec![
                (1, "reason.missing".to_owned()),
                (2, "reason.too_long".to_owned())
            ])
        );
    }

    #[test]
    fn a_counted_answer_is_changed_only_where_the_city_allows() {
        let now = Utc::now();
        assert!(can_answer(&survey(false), None, now));
        assert!(can_answer(
            &survey(false),
            Some(&row(Some(AnswerDelivery::Queued), 0)),
            now
        ));
        assert!(!can_answer(
            &survey(false),
            Some(&row(Some(AnswerDelivery::Sent), 1)),
            now
        ));
        assert!(can_answer(
            &survey(true),
            Some(&row(Some(AnswerDelivery::Sent), 1)),
            now
        ));
        let mut closed = survey(true);
        closed.state = SurveyState::Closed;
        assert!(!can_answer(&closed, None, now));
        assert_eq!(answer_status(None), AnswerStatus::NotYet);
        assert_eq!(
            answer_status(Some(&row(Some(AnswerDelivery::Sent), 1))),
            AnswerStatus::Counted {
                at: "2026-12-07T10:00:00Z".into()
            }
        );
        assert_eq!(
            answer_status(Some(&row(Some(AnswerDelivery::Queued), 1))),
            AnswerStatus::Saved
        );
    }
}

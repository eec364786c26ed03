//! Every ward's Decision 766 scoreboard for a week, month or quarter (sortable by each group,
//! by what could be computed and by the total, the city beside), and one ward's page with its
//! history. Read from the device's copy first, then refreshed: readable offline, "updated"
//! says when the city last served it. A group the data cannot support says why, never a number.

use std::collections::HashMap;

use leptos::prelude::*;
use model::index766::{Group, Total};
use model::rating_dto::{Refresh, ScoreboardDto, WardScoreDto};
use model::scoreboard::{PeriodInfo, PeriodKind, Row, Scoreboard};
use model::ward_rating::RatingStats;

use super::{day_text, group_text, month_text, points_text, total_text, trend_text};
use crate::format::city_time;
use crate::state::{BackTo, Ctx, Screen, VoiceScreen, use_ctx};
use crate::{bridge, load};

/// What the list is sorted by.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Measure {
    Group(Group),
    /// The points that could be computed, as a share of their maximum.
    Computable,
    /// The 766 total (only when every group is computed).
    Total,
}

impl Measure {
    fn all() -> Vec<Self> {
        Group::ALL
            .iter()
            .map(|&g| Self::Group(g))
            .chain([Self::Computable, Self::Total])
            .collect()
    }

    fn value(self) -> String {
        match self {
            Self::Group(g) => g.as_str().to_owned(),
            Self::Computable => "computable".into(),
            Self::Total => "total".into(),
        }
    }

    fn parse(text: &str) -> Self {
        Self::all()
            .into_iter()
            .find(|m| m.value() == text)
            .unwrap_or(Self::Computable)
    }

    fn label(self, ctx: Ctx) -> &'static str {
        match self {
            Self::Group(g) => ctx.t(g.message_key()),
            Self::Computable => ctx.t("scoreboard.computable"),
            Self::Total => ctx.t("scoreboard.total"),
        }
    }

    /// The key a row sorts by: `None` (not computable) always last.
    fn key(self, row: &Row) -> Option<f64> {
        match self {
            Self::Group(g) => row
                .groups
                .iter()
                .find(|c| c.group == g)
                .and_then(|c| c.outcome.figures())
                .map(|(p, max)| if max > 0.0 { p / max } else { 0.0 }),
            Self::Computable => {
                (row.computable.of_max > 0.0).then(|| row.computable.points / row.computable.of_max)
            }
            Self::Total => match row.total {
                Total::Computed { points, .. } => Some(points),
                Total::NotComputable { .. } => None,
            },
        }
    }

    fn figure(self, ctx: Ctx, row: &Row) -> String {
        match self {
            Self::Group(g) => row
                .groups
                .iter()
                .find(|c| c.group == g)
                .map(|c| group_text(ctx, &c.outcome))
                .unwrap_or_default(),
            Self::Computable => points_text(row.computable.points, row.computable.of_max),
            Self::Total => total_text(ctx, &row.total),
        }
    }

    fn trend(self, ctx: Ctx, row: &Row) -> String {
        match self {
            Self::Group(g) => row
                .groups
                .iter()
                .find(|c| c.group == g)
                .map(|c| trend_text(ctx, c.trend))
                .unwrap_or_default(),
            _ => "–".into(),
        }
    }
}

fn period_line(ctx: Ctx, p: &PeriodInfo) -> String {
    let key = if p.complete {
        "scoreboard.period_range"
    } else {
        "scoreboard.period_running"
    };
    ctx.t_with(
        key,
        &[
            ("from", &day_text(&p.start.to_string())),
            ("to", &day_text(&p.last_day.to_string())),
        ],
    )
}

/// "Updated …", or that the copy is all there is now.
fn updated(ctx: Ctx, at: Option<&str>, refresh: Refresh) -> AnyView {
    let at = at.map(|t| ctx.t_with("scoreboard.updated", &[("time", &city_time(t))]));
    let offline = (refresh == Refresh::Failed).then(|| ctx.t("scoreboard.offline_copy"));
    view! {
        <p class="muted" id="score-updated" role="status">{at}" "{offline}</p>
    }
    .into_any()
}

/// A screen's answer from the city, which may come without its body: the shell's kept copy
/// was missing or the city could not be asked.
trait CityAnswer {
    fn has_body(&self) -> bool;
    fn refresh(&self) -> Refresh;
    fn set_refresh(&mut self, refresh: Refresh);
}

impl CityAnswer for ScoreboardDto {
    fn has_body(&self) -> bool {
        self.board.is_some()
    }
    fn refresh(&self) -> Refresh {
        self.refresh
    }
    fn set_refresh(&mut self, refresh: Refresh) {
        self.refresh = refresh;
    }
}

impl CityAnswer for WardScoreDto {
    fn has_body(&self) -> bool {
        self.history.is_some()
    }
    fn refresh(&self) -> Refresh {
        self.refresh
    }
    fn set_refresh(&mut self, refresh: Refresh) {
        self.refresh = refresh;
    }
}

/// The kept copy at once, then what the city says now (`fetch(refresh)`). An answer without a
/// body does not replace one shown: only how the refresh went is taken from it.
fn copy_then_city<T, Fut>(
    ctx: Ctx,
    data: RwSignal<Option<T>>,
    problem: RwSignal<Option<&'static str>>,
    fetch: impl Fn(bool) -> Fut + Clone + 'static,
) where
    T: CityAnswer + Send + Sync + 'static,
    Fut: Future<Output = Result<T, model::ErrorDto>> + 'static,
{
    for refresh in [false, true] {
        let fetch = fetch.clone();
        load::latest(
            || (),
            move |()| fetch(refresh),
            move |answer| match answer {
                Ok(d) if d.has_body() || data.with_untracked(Option::is_none) => {
                    data.set(Some(d));
                }
                Ok(d) => data.update(|old| {
                    if let Some(old) = old {
                        old.set_refresh(d.refresh());
                    }
                }),
                Err(err) => problem.set(Some(ctx.error_text(&err))),
            },
        );
    }
}

#[component]
pub fn Board(period: PeriodKind) -> impl IntoView {
    let ctx = use_ctx();
    let data = RwSignal::new(None::<ScoreboardDto>);
    let names = RwSignal::new(HashMap::<String, String>::new());
    let measure = RwSignal::new(Measure::Group(Group::Satisfaction));
    let best_first = RwSignal::new(true);
    let problem = RwSignal::new(None::<&'static str>);
    load::latest(
        || (),
        |()| async move { bridge::search_wards("", 500).await },
        move |answer| {
            if let Ok(r) = answer {
                names.set(
                    r.wards
                        .into_iter()
                        .map(|w| (w.code.to_string(), w.name))
                        .collect(),
                );
            }
        },
    );
    copy_then_city(ctx, data, problem, move |refresh| {
        bridge::voice::scoreboard(period, refresh)
    });
    let tabs = move || {
        PeriodKind::ALL
            .iter()
            .map(|&p| {
                view! {
                    <button id=format!("period-{p}") class=if p == period { "primary" } else { "" } aria-pressed=if p == period { "true" } else { "false" }
                        on:click=move |_| ctx.go(Screen::Voice(VoiceScreen::Scoreboard { period: p }))>
                        {ctx.t(p.message_key())}
                    </button>
                }
            })
            .collect_view()
    };
    let body = move || {
        let Some(d) = data.get() else {
            return view! { <p class="muted" role="status">{ctx.t("app.loading")}</p> }.into_any();
        };
        let Some(board) = d.board.clone() else {
            let key = if d.refresh == Refresh::Failed {
                "scoreboard.none_offline"
            } else {
                "app.loading"
            };
            return view! { <p class="notice" id="score-none" role="status">{ctx.t(key)}</p> }
                .into_any();
        };
        view! {
            <p id="score-period">{period_line(ctx, &board.period)}</p>
            {updated(ctx, d.updated_at.as_deref(), d.refresh)}
            {names.with(|n| table(ctx, &board, measure.get(), best_first.get(), n))}
            {bands(ctx, &board)}
        }
        .into_any()
    };
    view! {
        <section class="screen scoreboard">
            <button class="secondary back" on:click=move |_| ctx.go(Screen::Voice(VoiceScreen::Hub))>{move || ctx.t("nav.back")}</button>
            <h1>{move || ctx.t("scoreboard.title")}</h1>
            <p class="muted">{move || ctx.t("scoreboard.intro")}</p>
            <div class="rate-row" role="group" aria-label=move || ctx.t("scoreboard.period_label")>{tabs}</div>
            <label for="score-sort" class="field-label">{move || ctx.t("scoreboard.sort_by")}</label>
            <select id="score-sort" on:change=move |ev| measure.set(Measure::parse(&event_target_value(&ev)))>
                {move || Measure::all().into_iter().map(|m| view! {
                    <option value=m.value() selected=measure.get_untracked() == m>{m.label(ctx)}</option>
                }).collect_view()}
            </select>
            <label for="score-order" class="field-label">{move || ctx.t("scoreboard.order")}</label>
            <select id="score-order" on:change=move |ev| best_first.set(event_target_value(&ev) == "best")>
                <option value="best" selected=true>{move || ctx.t("scoreboard.order_best")}</option>
                <option value="worst">{move || ctx.t("scoreboard.order_worst")}</option>
            </select>
            <p class="error" role="alert">{move || problem.get().unwrap_or_default()}</p>
            {body}
        </section>
    }
}

/// What marks a row besides its cells: its id, its count of ratings, whether it is the city's.
#[derive(Default)]
struct Mark {
    id: Option<String>,
    ratings: Option<String>,
    city: bool,
}

/// One row of a table: its heading cell (what the row is) and its figures, a cell each.
fn board_row(mark: Mark, head: impl IntoView + 'static, figures: Vec<String>) -> impl IntoView {
    view! {
        <tr id=mark.id data-ratings=mark.ratings class:city=mark.city>
            <th scope="row">{head}</th>
            {figures.into_iter().map(|f| view! { <td>{f}</td> }).collect_view()}
        </tr>
    }
}

/// A table of this screen: its caption, its column headings and its rows.
fn board_table(
    id: &'static str,
    caption: String,
    columns: Vec<&'static str>,
    rows: impl IntoView + 'static,
) -> impl IntoView {
    view! {
        <table class="board" id=id>
            <caption>{caption}</caption>
            <thead><tr>{columns.into_iter().map(|c| view! { <th scope="col">{c}</th> }).collect_view()}</tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

fn table(
    ctx: Ctx,
    board: &Scoreboard,
    measure: Measure,
    best_first: bool,
    names: &HashMap<String, String>,
) -> AnyView {
    let name = |row: &Row| {
        row.ward_code
            .as_deref()
            .map(|c| names.get(c).cloned().unwrap_or_else(|| c.to_owned()))
            .unwrap_or_default()
    };
    let mut rows: Vec<(String, &Row)> = board.wards.iter().map(|r| (name(r), r)).collect();
    rows.sort_by(|(na, a), (nb, b)| {
        let (ka, kb) = (measure.key(a), measure.key(b));
        let by_value = match (ka, kb) {
            (Some(x), Some(y)) if best_first => y.total_cmp(&x),
            (Some(x), Some(y)) => x.total_cmp(&y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        };
        by_value.then_with(|| na.cmp(nb))
    });
    let line = |row: &Row| vec![measure.figure(ctx, row), measure.trend(ctx, row)];
    let city = board_row(
        Mark {
            id: Some("score-city".into()),
            city: true,
            ..Mark::default()
        },
        ctx.t("scoreboard.city"),
        line(&board.city),
    );
    let wards = rows
        .into_iter()
        .map(|(n, row)| {
            let code = row.ward_code.clone().unwrap_or_default();
            let mark = Mark {
                id: Some(format!("score-{code}")),
                ratings: Some(row.ratings.to_string()),
                city: false,
            };
            let open = view! {
                <button class="link" on:click=move |_| ctx.go(Screen::Voice(VoiceScreen::WardScore(code.clone())))>{n}</button>
            };
            board_row(mark, open, line(row))
        })
        .collect_view();
    board_table(
        "score-table",
        ctx.t_with("scoreboard.caption", &[("measure", measure.label(ctx))]),
        vec![
            ctx.t("scoreboard.col_ward"),
            ctx.t("scoreboard.col_figure"),
            ctx.t("scoreboard.col_trend"),
        ],
        (city, wards),
    )
    .into_any()
}

/// The bands as the city serves them: a band is given only with a total.
fn bands(ctx: Ctx, board: &Scoreboard) -> AnyView {
    view! {
        <h2>{ctx.t("scoreboard.bands")}</h2>
        <p class="muted">{ctx.t("scoreboard.bands_note")}</p>
        <dl class="facts" id="score-bands">
            {board.bands.iter().map(|b| view! {
                <dt>{ctx.t(&b.band.message_key())}</dt>
                <dd>
                    {ctx.t_with("scoreboard.band_from", &[("min", &(b.min.round() as i64).to_string())])}
                    {(!b.verified).then(|| format!(" ({})", ctx.t("scoreboard.band_unverified")))}
                </dd>
            }).collect_view()}
        </dl>
    }
    .into_any()
}

#[component]
pub fn WardScore(code: String) -> impl IntoView {
    let ctx = use_ctx();
    let name = RwSignal::new(String::new());
    let data = RwSignal::new(None::<WardScoreDto>);
    let city = RwSignal::new(None::<Scoreboard>);
    let problem = RwSignal::new(None::<&'static str>);
    {
        let code = code.clone();
        load::latest(
            || (),
            move |()| {
                let code = code.clone();
                async move { bridge::get_ward(&code).await }
            },
            move |w| {
                if let Ok(w) = w {
                    name.set(w.name);
                }
            },
        );
    }
    load::latest(
        || (),
        |()| async move { bridge::voice::scoreboard(PeriodKind::Month, false).await },
        move |answer| city.set(answer.ok().and_then(|d| d.board)),
    );
    {
        let code = code.clone();
        copy_then_city(ctx, data, problem, move |refresh| {
            let code = code.clone();
            async move { bridge::voice::ward_scoreboard(&code, refresh).await }
        });
    }
    let body = move || {
        let Some(d) = data.get() else {
            return view! { <p class="muted" role="status">{ctx.t("app.loading")}</p> }.into_any();
        };
        let Some(history) = d.history.clone() else {
            let key = if d.refresh == Refresh::Failed {
                "scoreboard.none_offline"
            } else {
                "app.loading"
            };
            return view! { <p class="notice" id="score-none" role="status">{ctx.t(key)}</p> }
                .into_any();
        };
        let Some(latest) = history.periods.first().cloned() else {
            return view! { <p class="notice">{ctx.t("scoreboard.none_offline")}</p> }.into_any();
        };
        // The city beside the ward, when the kept month is the same one.
        let city_row = city
            .get()
            .filter(|b| b.period.start == latest.period.start)
            .map(|b| b.city);
        let month = month_text(&latest.period.start.to_string()[..7]);
        let groups = latest
            .scorecard
            .groups
            .iter()
            .map(|g| {
                let beside = city_row
                    .as_ref()
                    .and_then(|c| c.groups.iter().find(|x| x.group == g.group))
                    .map_or_else(
                        || ctx.t("scoreboard.not_kept").to_owned(),
                        |x| group_text(ctx, &x.outcome),
                    );
                let head = format!(
                    "{} ({})",
                    ctx.t(g.group.message_key()),
                    g.max.round() as i64
                );
                let mark = Mark {
                    id: Some(format!("ward-group-{}", g.group.as_str())),
                    ..Mark::default()
                };
                board_row(mark, head, vec![group_text(ctx, &g.outcome), beside])
            })
            .collect_view();
        let total = board_row(
            Mark {
                id: Some("ward-total".into()),
                ..Mark::default()
            },
            ctx.t("scoreboard.total"),
            vec![
                total_text(ctx, &latest.scorecard.total),
                city_row
                    .as_ref()
                    .map(|c| total_text(ctx, &c.total))
                    .unwrap_or_default(),
            ],
        );
        let groups_table = board_table(
            "ward-score-groups",
            ctx.t("scoreboard.groups_caption").to_owned(),
            vec![
                ctx.t("scoreboard.col_group"),
                ctx.t("scoreboard.col_ward_figure"),
                ctx.t("scoreboard.city"),
            ],
            (groups, total),
        );
        let months = history
            .periods
            .iter()
            .map(|p| {
                let sat = p
                    .scorecard
                    .group(Group::Satisfaction)
                    .map(|g| group_text(ctx, &g.outcome))
                    .unwrap_or_default();
                let computable = &p.scorecard.computable;
                board_row(
                    Mark::default(),
                    month_text(&p.period.start.to_string()[..7]),
                    vec![
                        points_text(computable.points, computable.of_max),
                        sat,
                        p.ratings.count.to_string(),
                    ],
                )
            })
            .collect_view();
        let history_table = board_table(
            "ward-history",
            ctx.t("scoreboard.history_caption").to_owned(),
            vec![
                ctx.t("scoreboard.col_month"),
                ctx.t("scoreboard.computable"),
                ctx.t(Group::Satisfaction.message_key()),
                ctx.t("scoreboard.col_ratings"),
            ],
            months,
        );
        view! {
            {updated(ctx, d.updated_at.as_deref(), d.refresh)}
            <h2 id="ward-score-latest">{ctx.t_with("scoreboard.month_of", &[("month", &month)])}</h2>
            <p class="muted">{period_line(ctx, &latest.period)}</p>
            {groups_table}
            {answers(ctx, &latest.ratings)}
            <h2>{ctx.t("scoreboard.history")}</h2>
            {history_table}
        }
        .into_any()
    };
    let rate = {
        let code = code.clone();
        move |_| {
            ctx.go(Screen::Voice(VoiceScreen::Rate {
                ward: code.clone(),
                back: BackTo::Score,
            }))
        }
    };
    view! {
        <section class="screen ward-score">
            <button class="secondary back" on:click=move |_| ctx.go(Screen::Voice(VoiceScreen::Scoreboard { period: PeriodKind::Month }))>{move || ctx.t("nav.back")}</button>
            <h1 id="ward-score-title">{move || ctx.t_with("scoreboard.ward_title", &[("name", &name.get())])}</h1>
            <p class="error" role="alert">{move || problem.get().unwrap_or_default()}</p>
            {body}
            <button id="ward-score-rate" class="primary" on:click=rate>{move || ctx.t("rate_prompt.open")}</button>
        </section>
    }
}

/// The citizens' answers per element in the period: counts, no average.
fn answers(ctx: Ctx, stats: &RatingStats) -> AnyView {
    if stats.count == 0 {
        return view! { <p class="muted" id="ward-answers-none">{ctx.t("scoreboard.no_ratings")}</p> }.into_any();
    }
    let rows = stats
        .elements
        .iter()
        .map(|e| {
            let c = &e.counts;
            board_row(
                Mark::default(),
                ctx.t(e.element.message_key()),
                vec![
                    c.satisfied.to_string(),
                    c.neutral.to_string(),
                    c.unsatisfied.to_string(),
                ],
            )
        })
        .collect_view();
    board_table(
        "ward-answers",
        ctx.t_with(
            "scoreboard.answers_caption",
            &[("n", &stats.count.to_string())],
        ),
        vec![
            ctx.t("scoreboard.col_element"),
            ctx.t("rate.satisfied"),
            ctx.t("rate.neutral"),
            ctx.t("rate.unsatisfied"),
        ],
        rows,
    )
    .into_any()
}

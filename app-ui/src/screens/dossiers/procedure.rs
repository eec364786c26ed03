//! A procedure's page from the guide: papers, fees, legal processing time, where to file,
//! whether it can be filed online, each with the public text it was read in. A fact the guide
//! could not verify reads "not verified", never a guess.

use leptos::prelude::*;
use leptos::task::spawn_local;
use model::Language;
use model::guide::{Cite, Fact, Guide, NOT_VERIFIED_KEY, Procedure, TimeLimit};

use super::day_text;
use crate::bridge;
use crate::state::{Ctx, DossierScreen, Screen, use_ctx};

#[component]
pub fn ProcedurePage(id: String) -> impl IntoView {
    let ctx = use_ctx();
    let guide = RwSignal::new(None::<Guide>);
    let problem = RwSignal::new(None::<&'static str>);
    spawn_local(async move {
        match bridge::dossiers::procedure_guide().await {
            Ok(g) => guide.set(Some(g)),
            Err(err) => problem.set(Some(ctx.error_text(&err))),
        }
    });
    let body = move || {
        let g = guide.get()?;
        Some(match g.get(&id) {
            Some(p) => page(ctx, &g, p.clone()).into_any(),
            None => view! { <p class="error" role="alert">{ctx.t("guide.unknown")}</p> }.into_any(),
        })
    };
    view! {
        <section class="screen procedure">
            <button class="secondary back" on:click=move |_| ctx.go(Screen::Dossiers(DossierScreen::Guide))>{move || ctx.t("nav.back")}</button>
            {body}
            <p class="error" role="alert">{move || problem.get().unwrap_or_default()}</p>
        </section>
    }
}

fn page(ctx: Ctx, g: &Guide, p: Procedure) -> impl IntoView {
    let lang = ctx.lang();
    let cite = |c: &Cite| source_line(ctx, g, c, lang);
    let missing = p.unverified();
    let not_verified = move |fact: Fact| {
        missing.contains(&fact).then(|| {
            view! {
                <dt>{ctx.t(fact.message_key())}</dt>
                <dd data-fact=fact.message_key()><span class="chip">{ctx.t(NOT_VERIFIED_KEY)}</span></dd>
            }
        })
    };
    let code = p.code.map(|c| {
        let src = cite(&c.cite);
        view! { <dt>{ctx.t(Fact::Code.message_key())}</dt><dd>{c.code}{src}</dd> }
    });
    let papers = p.papers.map(|papers| {
        let src = cite(&papers.cite);
        view! {
            <dt>{ctx.t(Fact::Papers.message_key())}</dt>
            <dd><ul id="procedure-papers">{papers.items.into_iter().map(|i| view! { <li>{i.get(lang).to_owned()}</li> }).collect_view()}</ul>{src}</dd>
        }
    });
    let fee = p.fee.map(|f| {
        let src = cite(&f.cite);
        view! {
            <dt>{ctx.t(Fact::Fee.message_key())}</dt>
            <dd><strong>{ctx.t(f.kind.message_key())}</strong>" "{f.text.get(lang).to_owned()}{src}</dd>
        }
    });
    let time = p.time.map(|t| {
        let src = cite(&t.cite);
        let limit = match t.limit {
            TimeLimit::WorkingDays(n) | TimeLimit::Days(n) => {
                ctx.t_with(t.limit.message_key(), &[("days", &n.to_string())])
            }
            other => ctx.t(other.message_key()).to_owned(),
        };
        view! {
            <dt>{ctx.t(Fact::Time.message_key())}</dt>
            <dd id="procedure-time"><strong>{limit}</strong>" "{t.text.get(lang).to_owned()}{src}</dd>
        }
    });
    let place = p.place.map(|pl| {
        let src = cite(&pl.cite);
        view! { <dt>{ctx.t(Fact::Place.message_key())}</dt><dd>{pl.text.get(lang).to_owned()}{src}</dd> }
    });
    let online = p.online.map(|o| {
        let src = cite(&o.cite);
        view! {
            <dt>{ctx.t(Fact::Online.message_key())}</dt>
            <dd><strong>{ctx.t(o.mode.message_key())}</strong>" "{o.text.get(lang).to_owned()}{src}</dd>
        }
    });
    let notes = (!p.notes.is_empty()).then(|| {
        let items = p
            .notes
            .into_iter()
            .map(|n| {
                let src = cite(&n.cite);
                view! { <li>{n.text.get(lang).to_owned()}{src}</li> }
            })
            .collect_view();
        view! { <h2>{ctx.t("guide.notes")}</h2><ul>{items}</ul> }
    });
    let basis = p
        .basis
        .iter()
        .map(|c| view! { <li>{label(g, c, lang)}</li> })
        .collect_view();
    let sources_used = p.basis.iter().filter_map(|c| g.source(&c.source));
    let links = sources_used
        .filter_map(|s| s.url.clone())
        .map(|u| view! { <li class="muted">{u}</li> })
        .collect_view();
    view! {
        <h1 id="procedure-title">{p.name.get(lang).to_owned()}</h1>
        <p class="meta"><span class="chip">{ctx.t(p.field.message_key())}</span></p>
        <dl class="facts" id="procedure-facts">
            {code}{not_verified(Fact::Code)}
            {papers}{not_verified(Fact::Papers)}
            {fee}{not_verified(Fact::Fee)}
            {time}{not_verified(Fact::Time)}
            {place}{not_verified(Fact::Place)}
            {online}{not_verified(Fact::Online)}
        </dl>
        {notes}
        <h2>{ctx.t("guide.sources")}</h2>
        <ul id="procedure-sources">{basis}{links}</ul>
        <p class="muted" id="procedure-as-of">{ctx.t_with("guide.as_of", &[("date", &day_text(&g.as_of.to_string()))])}</p>
        {g.note.clone().map(|n| view! { <p class="muted">{n}</p> })}
    }
}

/// A citation as the reader sees it: the source's title and where in it.
fn label(g: &Guide, c: &Cite, lang: Language) -> String {
    g.cite_label(c)
        .map(|l| l.get(lang).to_owned())
        .unwrap_or_else(|| c.source.clone())
}

/// "Source: …" under a fact.
fn source_line(ctx: Ctx, g: &Guide, c: &Cite, lang: Language) -> impl IntoView + use<> {
    let text = ctx.t_with("guide.source_of", &[("source", &label(g, c, lang))]);
    view! { <p class="muted">{text}</p> }
}

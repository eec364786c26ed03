//! Home: the four parts of the product, the ward finder and "my ward".

use leptos::prelude::*;

use model::part::Part;

use crate::state::{DossierScreen, MapScreen, Screen, VoiceScreen, use_ctx};

#[component]
pub fn Home() -> impl IntoView {
    let ctx = use_ctx();
    let tiles = Part::ALL
        .into_iter()
        .map(|part| {
            let stem = part.stem();
            // News the citizen has not opened: reports on the feedback tile, dossiers on theirs,
            // urgent announcements on the voice tile (said in words, not only a mark).
            let news = move || match part {
                Part::Feedback => ctx.unseen.get(),
                Part::Dossiers => ctx.dossiers_unseen.get(),
                Part::Rate => ctx.urgent.get(),
                Part::Map => 0,
            };
            let (badge_id, badge_key) = match part {
                Part::Feedback => ("news-badge", "home.news_badge"),
                Part::Dossiers => ("dossiers-badge", "home.news_badge"),
                _ => ("urgent-badge", "home.urgent_badge"),
            };
            view! {
                <li>
                    <button id=format!("nav-{stem}") class=format!("tile tile-{stem}") on:click=move |_| ctx.go(match part {
                        Part::Feedback => Screen::Feedback,
                        Part::Dossiers => Screen::Dossiers(DossierScreen::Mine),
                        Part::Map => Screen::Map(MapScreen::Browse { list: false }),
                        Part::Rate => Screen::Voice(VoiceScreen::Hub),
                    })>
                        <span class="tile-title">
                            {move || ctx.t(part.title_key())}
                            <Show when=move || { news() > 0 }>
                                <span class="badge-count" id=badge_id>{move || ctx.t_with(badge_key, &[("n", &news().to_string())])}</span>
                            </Show>
                        </span>
                        <span class="tile-hint">{move || ctx.t(part.hint_key())}</span>
                    </button>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="screen home">
            <h1 class="greeting">{move || ctx.t("home.greeting")}</h1>
            <section class="card my-ward" aria-labelledby="my-ward-heading">
                <h2 id="my-ward-heading">{move || ctx.t("home.my_ward")}</h2>
                {move || match ctx.my_ward.get() {
                    Some(ward) => view! {
                        <p id="my-ward-name" class="my-ward-name">{ward.name.clone()}</p>
                    }.into_any(),
                    None => view! { <p class="muted">{ctx.t("home.no_my_ward")}</p> }.into_any(),
                }}
                <button id="nav-wards" class="primary wide" on:click=move |_| ctx.go(Screen::Wards)>
                    <span class="tile-title">{move || ctx.t("home.find_ward")}</span>
                    <span class="tile-hint">{move || ctx.t("home.find_ward_hint")}</span>
                </button>
            </section>
            <h2 class="visually-hidden">{move || ctx.t("home.parts")}</h2>
            <ul class="tiles">{tiles}</ul>
        </section>
    }
}

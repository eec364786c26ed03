//! The citizen's ward ratings and the kept scoreboards against the real reference city API
//! (issue 15): a rating saved offline and counted when the city is back, signed, once a month
//! (known on the device, and from the city's own refusal); the scoreboard and a ward's history
//! kept per address with their ETag, read offline, a bad answer never replacing them.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

mod common;

use std::time::Duration;

use common::{NOWHERE, city_on, count, engine_at, free_port};
use core_engine::Engine;
use core_engine::sync::Quiet;
use model::ErrorCode;
use model::rating_dto::{RateWardArgs, RatingState, Refresh, ScoreboardArgs, WardScoreArgs};
use model::scoreboard::PeriodKind;
use model::ward_rating::Answer;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const WARD: &str = "26743";

fn rating(ward: &str) -> RateWardArgs {
    RateWardArgs {
        ward_code: ward.into(),
        answers: [
            Answer::Satisfied,
            Answer::Neutral,
            Answer::Satisfied,
            Answer::Unsatisfied,
            Answer::Satisfied,
        ],
        comment: Some("Cán bộ hướng dẫn tận tình".into()),
    }
}

/// Rounds until nothing is due (the worker's back-off woken each time).
async fn sync(engine: &Engine) {
    for _ in 0..10 {
        engine.wake_outbox().unwrap();
        let out = engine.sync(&Quiet).await.unwrap();
        if out.round.sent.next_due_ms.is_none() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn this_month() -> String {
    core_engine::sync::worker::vietnam_month(core_engine::sync::worker::now_ms())
}

#[tokio::test]
async fn a_rating_saved_offline_is_counted_once_when_the_city_is_back() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let app = tempfile::tempdir().unwrap();
    let engine = engine_at(app.path(), &format!("http://127.0.0.1:{port}/"));

    // Offline: saved and queued, and the device already knows this month is taken.
    let saved = engine.rate_ward(&rating(WARD)).unwrap();
    assert_eq!(saved.state, RatingState::Queued);
    assert_eq!(saved.given_month, this_month());
    assert_eq!(saved.counted_month, None);
    assert_eq!(saved.answers.len(), 5);
    sync(&engine).await;
    let status = engine.ward_rating_status(WARD).unwrap();
    assert!(!status.can_rate);
    assert_eq!(status.current.unwrap().state, RatingState::Queued);
    assert_eq!(
        engine.rate_ward(&rating(WARD)).unwrap_err().code(),
        ErrorCode::AlreadyRatedThisMonth
    );
    // Another ward is another rating.
    assert!(engine.ward_rating_status("26809").unwrap().can_rate);

    // The city comes back: sent signed (the device registers), counted for this month.
    let city = city_on(dir.path(), port).await;
    sync(&engine).await;
    let status = engine.ward_rating_status(WARD).unwrap();
    let current = status.current.unwrap();
    assert_eq!(current.state, RatingState::Counted);
    assert_eq!(
        current.counted_month.as_deref(),
        Some(this_month().as_str())
    );
    assert!(!status.can_rate);
    assert_eq!(count(&city, "SELECT count(*) FROM ward_ratings"), 1);
    assert_eq!(count(&city, "SELECT count(*) FROM devices"), 1);
    assert_eq!(
        count(
            &city,
            "SELECT count(*) FROM ward_ratings WHERE comment = 'Cán bộ hướng dẫn tận tình'"
        ),
        1
    );
    // Nothing more is sent by later rounds.
    sync(&engine).await;
    assert_eq!(count(&city, "SELECT count(*) FROM ward_ratings"), 1);
}

#[tokio::test]
async fn the_citys_refusal_of_a_second_rating_this_month_is_said_kindly() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let city = city_on(dir.path(), port).await;
    let app = tempfile::tempdir().unwrap();
    let engine = engine_at(app.path(), &city.url);
    engine.rate_ward(&rating(WARD)).unwrap();
    sync(&engine).await;
    assert_eq!(
        engine
            .ward_rating_status(WARD)
            .unwrap()
            .current
            .unwrap()
            .state,
        RatingState::Counted
    );
    drop(engine);

    // The device's own record of the month is lost (as after restoring an old backup of the
    // app's data): the rating looks given last month and goes again under a new key.
    let conn = rusqlite::Connection::open(common::db_file(app.path())).unwrap();
    conn.execute(
        "UPDATE ward_ratings SET given_month = '2000-01', counted_month = NULL,
             state = 'queued', idempotency_key = 'another-key'",
        [],
    )
    .unwrap();
    drop(conn);
    let engine = engine_at(app.path(), &city.url);
    assert!(engine.ward_rating_status(WARD).unwrap().can_rate);
    sync(&engine).await;
    // The city answered 409 `already_rated_this_month`: not counted again, nothing to fix.
    assert_eq!(count(&city, "SELECT count(*) FROM ward_ratings"), 1);
    let status = engine.ward_rating_status(WARD).unwrap();
    let current = status.current.unwrap();
    assert_eq!(current.state, RatingState::AlreadyCounted);
    assert_eq!(
        current.counted_month.as_deref(),
        Some(this_month().as_str())
    );
    assert!(!status.can_rate);
    assert_eq!(engine.outbox_counts().unwrap().needs_attention, 0);
}

#[tokio::test]
async fn a_bad_rating_or_ward_is_refused_before_anything_is_saved() {
    let app = tempfile::tempdir().unwrap();
    let engine = engine_at(app.path(), NOWHERE);
    for ward in ["99999", "2673", "x"] {
        assert_eq!(
            engine.rate_ward(&rating(ward)).unwrap_err().code(),
            ErrorCode::UnknownWard,
            "{ward}"
        );
    }
    let long = RateWardArgs {
        comment: Some("a".repeat(model::ward_rating::MAX_COMMENT_CHARS + 1)),
        ..rating(WARD)
    };
    assert_eq!(
        engine.rate_ward(&long).unwrap_err().code(),
        ErrorCode::RatingInvalid
    );
    assert!(engine.ward_rating_status(WARD).unwrap().can_rate);
}

#[tokio::test]
async fn the_scoreboard_is_kept_revalidated_and_read_offline() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let city = city_on(dir.path(), port).await;
    let proxy = common::Counting::start(&city.url).await;
    let app = tempfile::tempdir().unwrap();
    let engine = engine_at(app.path(), &proxy.url);
    let month = ScoreboardArgs {
        period: PeriodKind::Month,
        refresh: true,
    };

    // Nothing kept yet, and nothing read without asking.
    let none = engine
        .scoreboard(ScoreboardArgs {
            refresh: false,
            ..month
        })
        .await
        .unwrap();
    assert_eq!((none.board, none.refresh), (None, Refresh::NotAsked));

    let first = engine.scoreboard(month).await.unwrap();
    assert_eq!(first.refresh, Refresh::Current);
    let board = first.board.unwrap();
    assert_eq!(board.wards.len(), 168);
    assert_eq!(board.period.kind, PeriodKind::Month);
    let row = board
        .wards
        .iter()
        .find(|w| w.ward_code.as_deref() == Some(WARD))
        .unwrap();
    assert_eq!(row.ratings, 0);
    assert!(first.updated_at.is_some());

    // Asked again with its ETag: the city answers 304, the copy stays.
    let again = engine.scoreboard(month).await.unwrap();
    assert_eq!(again.refresh, Refresh::Current);
    assert_eq!(again.board.as_ref(), Some(&board));
    assert_eq!(proxy.count("GET", "/api/v1/scoreboard"), 2);
    // The app asks for gzip and reads it: the board came gzipped (then a 304, no body).
    assert_eq!(
        proxy.codings("/api/v1/scoreboard"),
        [Some("gzip".to_owned()), None]
    );

    // A rating counted: the ward's row moves on the next refresh.
    engine.rate_ward(&rating(WARD)).unwrap();
    sync(&engine).await;
    let moved = engine.scoreboard(month).await.unwrap().board.unwrap();
    let row = moved
        .wards
        .iter()
        .find(|w| w.ward_code.as_deref() == Some(WARD))
        .unwrap();
    assert_eq!(row.ratings, 1);
    assert_eq!(moved.city.ratings, 1);

    // The ward's history, kept the same way.
    let args = WardScoreArgs {
        ward_code: WARD.into(),
        refresh: true,
    };
    let history = engine.ward_scoreboard(&args).await.unwrap();
    assert_eq!(history.refresh, Refresh::Current);
    let periods = history.history.clone().unwrap().periods;
    assert_eq!(periods.len(), model::scoreboard::HISTORY_DEFAULT);
    assert_eq!(periods[0].ratings.count, 1);

    // Offline: the copies answer, the refresh says it failed.
    drop(proxy);
    drop(city);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let offline = engine.scoreboard(month).await.unwrap();
    assert_eq!(offline.refresh, Refresh::Failed);
    assert_eq!(offline.board.as_ref(), Some(&moved));
    let offline = engine.ward_scoreboard(&args).await.unwrap();
    assert_eq!(offline.refresh, Refresh::Failed);
    assert_eq!(offline.history, history.history);
    // Other periods were never pulled: nothing is made up for them.
    let week = engine
        .scoreboard(ScoreboardArgs {
            period: PeriodKind::Week,
            refresh: true,
        })
        .await
        .unwrap();
    assert_eq!((week.board, week.refresh), (None, Refresh::Failed));
}

/// A server on `port` that answers every request with `body` (200, JSON).
async fn broken_city(port: u16, body: &'static str) -> tokio::task::JoinHandle<()> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .unwrap();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = vec![0u8; 8192];
                let _ = sock.read(&mut buf).await;
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = sock.write_all(answer.as_bytes()).await;
            });
        }
    })
}

#[tokio::test]
async fn a_bad_answer_never_replaces_the_kept_scoreboard() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let city = city_on(dir.path(), port).await;
    let app = tempfile::tempdir().unwrap();
    let engine = engine_at(app.path(), &city.url);
    let month = ScoreboardArgs {
        period: PeriodKind::Month,
        refresh: true,
    };
    let args = WardScoreArgs {
        ward_code: WARD.into(),
        refresh: true,
    };
    let board = engine.scoreboard(month).await.unwrap().board.unwrap();
    let history = engine
        .ward_scoreboard(&args)
        .await
        .unwrap()
        .history
        .unwrap();
    drop(city);
    tokio::time::sleep(Duration::from_millis(100)).await;
    for body in [
        "<html>Wi-Fi login</html>",
        "{}",
        r#"{"ward_code":"26809","periods":[]}"#,
    ] {
        let broken = broken_city(port, body).await;
        let got = engine.scoreboard(month).await.unwrap();
        let ward = engine.ward_scoreboard(&args).await.unwrap();
        broken.abort();
        let _ = broken.await;
        assert_eq!(got.refresh, Refresh::Failed, "{body}");
        assert_eq!(got.board.as_ref(), Some(&board));
        assert_eq!(ward.refresh, Refresh::Failed, "{body}");
        assert_eq!(ward.history.as_ref(), Some(&history));
    }
}

#[tokio::test]
async fn copies_and_ratings_belong_to_their_address() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let city = city_on(dir.path(), port).await;
    let app = tempfile::tempdir().unwrap();
    let engine = engine_at(app.path(), &city.url);
    let month = ScoreboardArgs {
        period: PeriodKind::Month,
        refresh: true,
    };
    assert!(engine.scoreboard(month).await.unwrap().board.is_some());
    engine.set_api_base_url(NOWHERE, true).unwrap();
    // Rated while another address is in use: bound to that one, never sent to the first.
    engine.rate_ward(&rating(WARD)).unwrap();
    let elsewhere = engine
        .scoreboard(ScoreboardArgs {
            refresh: false,
            ..month
        })
        .await
        .unwrap();
    assert_eq!(elsewhere.board, None);
    engine.set_api_base_url(&city.url, true).unwrap();
    sync(&engine).await;
    assert_eq!(count(&city, "SELECT count(*) FROM ward_ratings"), 0);
    assert!(engine.ward_rating_status(WARD).unwrap().can_rate);
    assert!(
        engine
            .scoreboard(ScoreboardArgs {
                refresh: false,
                ..month
            })
            .await
            .unwrap()
            .board
            .is_some()
    );
}

/// The bytes of a scoreboard sync on the demo city (180 seeded dossiers, 8 open reports per
/// ward): the month's board as served to a client that does not take gzip and to one that does
/// (the app), then the revalidating round's 304, which carries no body.
#[tokio::test]
async fn a_scoreboard_round_costs_one_body_then_a_304() {
    let dir = tempfile::tempdir().unwrap();
    let city = common::city(dir.path()).await;
    let wards = city.state.wards.clone();
    city.db
        .with(|c| {
            city_api::db::dossiers::seed_dossiers(c, chrono::Utc::now())?;
            city_api::db::map::seed_demo_reports(c, &wards, 8, chrono::Utc::now())
        })
        .unwrap();
    // Unpacks nothing itself: the bytes counted are the bytes sent.
    let http = reqwest::Client::builder().no_gzip().build().unwrap();
    let url = format!(
        "{}/api/v1/scoreboard?period=month",
        city.url.trim_end_matches('/')
    );
    let first = http.get(&url).send().await.unwrap();
    assert_eq!(first.status(), 200);
    let body = first.bytes().await.unwrap();
    let zipped = http
        .get(&url)
        .header("Accept-Encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(zipped.headers()["content-encoding"], "gzip");
    let etag = zipped.headers()["etag"].to_str().unwrap().to_owned();
    let zipped = zipped.bytes().await.unwrap();
    assert!(zipped.len() * 10 < body.len());
    let again = http
        .get(&url)
        .header("Accept-Encoding", "gzip")
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    let empty = again.bytes().await.unwrap();
    assert!(empty.is_empty());
    println!(
        "scoreboard (month, 168 wards): {} B raw, {} B gzip as served; the next round: 304, 0 B of body",
        body.len(),
        zipped.len()
    );
}

/// The voice round keeps the scoreboards fresh in the background, as it keeps the
/// announcements: the month's board pulled before the screen asks, then revalidated with its
/// ETag (a 304 changes nothing), replaced when the city's figures move, a period the citizen
/// opened kept fresh too, and nothing asked while the city cannot be reached.
#[tokio::test]
async fn the_voice_round_keeps_the_scoreboards_fresh_in_the_background() {
    let dir = tempfile::tempdir().unwrap();
    let city = city_on(dir.path(), free_port()).await;
    let proxy = common::Counting::start(&city.url).await;
    let app = tempfile::tempdir().unwrap();
    let engine = engine_at(app.path(), &proxy.url);
    let kept = |period| ScoreboardArgs {
        period,
        refresh: false,
    };

    // The round pulls the month's board: the screen opens with it, asking nobody.
    let round = engine.sync_voice().await.unwrap();
    assert!(round.changed && round.failed.is_empty(), "{round:?}");
    let board = engine
        .scoreboard(kept(PeriodKind::Month))
        .await
        .unwrap()
        .board
        .expect("kept by the round");
    assert_eq!(board.wards.len(), 168);
    assert_eq!(proxy.count("GET", "/api/v1/scoreboard"), 1);
    // A period never opened is not pulled.
    let week = engine.scoreboard(kept(PeriodKind::Week)).await.unwrap();
    assert_eq!(week.board, None);

    // Nothing changed: one bodiless 304, no change said.
    let round = engine.sync_voice().await.unwrap();
    assert!(!round.changed && round.failed.is_empty(), "{round:?}");
    assert_eq!(proxy.count("GET", "/api/v1/scoreboard"), 2);
    assert_eq!(
        proxy.codings("/api/v1/scoreboard"),
        [Some("gzip".to_owned()), None]
    );

    // The citizen opened the week's board once: from then on the round keeps it fresh too.
    engine
        .scoreboard(ScoreboardArgs {
            period: PeriodKind::Week,
            refresh: true,
        })
        .await
        .unwrap();
    // A rating counted: the next round brings the moved figures.
    engine.rate_ward(&rating(WARD)).unwrap();
    sync(&engine).await;
    let before = proxy.count("GET", "/api/v1/scoreboard");
    let round = engine.sync_voice().await.unwrap();
    assert!(round.changed, "{round:?}");
    assert_eq!(proxy.count("GET", "/api/v1/scoreboard"), before + 2);
    for period in [PeriodKind::Month, PeriodKind::Week] {
        let moved = engine
            .scoreboard(kept(period))
            .await
            .unwrap()
            .board
            .unwrap();
        assert_eq!(moved.city.ratings, 1, "{period}");
    }

    // Offline: the round asks for no scoreboard, and the copies stay.
    drop(city);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let before = proxy.count("GET", "/api/v1/scoreboard");
    let round = engine.sync_voice().await.unwrap();
    assert!(round.failed.contains(&"scoreboard"), "{round:?}");
    assert_eq!(proxy.count("GET", "/api/v1/scoreboard"), before);
    let offline = engine.scoreboard(kept(PeriodKind::Month)).await.unwrap();
    assert_eq!(offline.board.unwrap().city.ratings, 1);
}

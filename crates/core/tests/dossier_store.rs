//! Tracked dossiers in the real SQLite file: added once, re-typed after "not found", at most
//! 500, the city's answers applied with the cursor in one transaction (kept when the answer was
//! cut short), answers for rows changed meanwhile left alone, kept across a reopen.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

use core_engine::store::{Applied, DossierSync, Store, Tracked};
use model::dossier::{
    ChangesAnswer, Dossier, DossierEvent, DossierStatus, MAX_TRACKED, TrackedPair,
};
use model::dossier_dto::Lookup;

/// The city API address the dossiers are added with.
const HERE: &str = "https://a.example/";

fn code(n: usize) -> String {
    format!("000.00.04.H29-240115-{n:04}")
}

fn pair(n: usize, check: &str) -> TrackedPair {
    TrackedPair {
        code: code(n),
        check: check.into(),
    }
}

fn dossier(n: usize, status: DossierStatus) -> Dossier {
    Dossier {
        code: code(n),
        procedure_code: "ho-tich-khai-sinh".into(),
        procedure: "Đăng ký khai sinh".into(),
        field: "civil_status".into(),
        agency: "UBND phường Bến Thành".into(),
        ward_code: "26734".into(),
        ward_name: "Phường Bến Thành".into(),
        status,
        submitted_at: "2026-12-01T02:00:00Z".into(),
        expected_at: "2026-12-02T10:00:00Z".into(),
        finished_at: None,
        on_time: None,
        timeline: vec![DossierEvent {
            at: "2026-12-01T02:00:00Z".into(),
            status: DossierStatus::Received,
            note: "Đã tiếp nhận".into(),
        }],
        supplement: None,
    }
}

fn answer(
    cursor: i64,
    complete: bool,
    changed: Vec<Dossier>,
    not_found: Vec<TrackedPair>,
) -> ChangesAnswer {
    ChangesAnswer {
        cursor,
        complete,
        changed,
        not_found,
    }
}

fn apply(store: &mut Store, sent: &[TrackedPair], a: &ChangesAnswer) -> Vec<i64> {
    store
        .apply_dossier_changes(&Applied {
            sent,
            answer: a,
            api_base: HERE,
            checked_at: "2026-12-07T05:00:00Z",
            not_before_ms: 99,
        })
        .expect("apply")
        .into_iter()
        .map(|n| n.id)
        .collect()
}

#[test]
fn a_code_is_tracked_once_and_re_typed_only_after_not_found() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut store = Store::open_in(dir.path()).expect("open");
    let found = dossier(1, DossierStatus::Processing);
    let Tracked::Added { id, lookup } = store
        .track_dossier(
            &code(1),
            "K7M2QX",
            Some((&found, "2026-12-07T05:00:00Z")),
            10,
            HERE,
        )
        .expect("add")
    else {
        panic!("not added");
    };
    assert_eq!(lookup, Lookup::Known);
    assert_eq!(
        store
            .track_dossier(&code(1), "AAAAAA", None, 11, HERE)
            .expect("again"),
        Tracked::AlreadyTracked {
            id,
            rechecked: false
        }
    );
    let row = store.dossier(id).expect("read").expect("row");
    assert_eq!((row.check.as_str(), row.lookup), ("K7M2QX", Lookup::Known));
    assert_eq!(row.dossier, Some(found));

    let Tracked::Added { id: w, lookup } = store
        .track_dossier(&code(2), "K7M2QX", None, 12, HERE)
        .expect("add")
    else {
        panic!("not added");
    };
    assert_eq!(lookup, Lookup::Waiting);
    let sent = [pair(2, "K7M2QX")];
    apply(&mut store, &sent, &answer(5, true, vec![], sent.to_vec()));
    assert_eq!(
        store.dossier(w).expect("read").expect("row").lookup,
        Lookup::NotFound
    );
    assert_eq!(
        store
            .track_dossier(&code(2), "BBBBBB", None, 13, HERE)
            .expect("retyped"),
        Tracked::AlreadyTracked {
            id: w,
            rechecked: true
        }
    );
    let row = store.dossier(w).expect("read").expect("row");
    assert_eq!(
        (row.check.as_str(), row.lookup, row.unseen),
        ("BBBBBB", Lookup::Waiting, false)
    );

    // Newest first, and all of it after a reopen.
    let before = store.dossiers().expect("list");
    assert_eq!(before.iter().map(|r| r.id).collect::<Vec<_>>(), [w, id]);
    drop(store);
    let store = Store::open_in(dir.path()).expect("reopen");
    assert_eq!(store.dossiers().expect("list"), before);
}

#[test]
fn at_most_500_are_tracked() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut store = Store::open_in(dir.path()).expect("open");
    for n in 1..=MAX_TRACKED {
        assert!(matches!(
            store
                .track_dossier(&code(n), "K7M2QX", None, n as i64, HERE)
                .expect("add"),
            Tracked::Added { .. }
        ));
    }
    assert_eq!(
        store
            .track_dossier(&code(MAX_TRACKED + 1), "K7M2QX", None, 0, HERE)
            .expect("full"),
        Tracked::Full
    );
    assert_eq!(store.dossier_count().expect("count"), MAX_TRACKED);
}

#[test]
fn answers_and_the_cursor_are_stored_together_and_a_cut_answer_keeps_the_cursor() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut store = Store::open_in(dir.path()).expect("open");
    for n in 1..=3 {
        store
            .track_dossier(&code(n), "K7M2QX", None, n as i64, HERE)
            .expect("add");
    }
    assert_eq!(
        store.dossier_sync(HERE).expect("sync"),
        DossierSync::default()
    );
    let sent: Vec<_> = (1..=3).map(|n| pair(n, "K7M2QX")).collect();

    // Cut short after the first: it is known, the others still wait, the cursor stays at 0
    // and the city's wait is kept.
    let news = apply(
        &mut store,
        &sent,
        &answer(
            0,
            false,
            vec![dossier(1, DossierStatus::Processing)],
            vec![],
        ),
    );
    assert_eq!(news.len(), 1);
    assert_eq!(
        store.dossier_sync(HERE).expect("sync"),
        DossierSync {
            cursor: 0,
            not_before_ms: 99
        }
    );
    let lookups: Vec<Lookup> = store
        .dossiers()
        .expect("list")
        .iter()
        .map(|r| r.lookup)
        .collect();
    assert_eq!(lookups, [Lookup::Waiting, Lookup::Waiting, Lookup::Known]);

    // Meanwhile the citizen removed the third: its answer is dropped, not resurrected.
    let third = store
        .dossier_by_code(&code(3))
        .expect("read")
        .expect("row")
        .id;
    assert!(store.remove_dossier(third).expect("remove"));
    let news = apply(
        &mut store,
        &sent,
        &answer(
            40,
            true,
            vec![
                dossier(1, DossierStatus::Processing),
                dossier(2, DossierStatus::Ready),
                dossier(3, DossierStatus::Ready),
            ],
            vec![],
        ),
    );
    assert_eq!(news.len(), 1, "the first is unchanged, the third is gone");
    assert_eq!(
        store.dossier_sync(HERE).expect("sync"),
        DossierSync {
            cursor: 40,
            not_before_ms: 0
        }
    );
    assert_eq!(store.dossier_count().expect("count"), 2);
    assert_eq!(store.unseen_dossiers().expect("unseen"), 2);
    let first = store.dossier_by_code(&code(1)).expect("read").expect("row");
    store.mark_dossier_seen(first.id).expect("seen");
    assert_eq!(store.unseen_dossiers().expect("unseen"), 1);

    // A pair sent with a check value the citizen has since re-typed is not marked not found.
    let stale = [pair(2, "AAAAAA")];
    apply(
        &mut store,
        &stale,
        &answer(41, true, vec![], stale.to_vec()),
    );
    assert_eq!(
        store
            .dossier_by_code(&code(2))
            .expect("read")
            .expect("row")
            .lookup,
        Lookup::Known
    );
}

//! The outbox on real SQLite files: a saved report is durable and queued at once; an attempt cut
//! off by a crash goes back to the queue; answers move items to sent or needs-attention.

use core_engine::store::{ItemState, OutboxCounts, Receipt, Store};
use model::ApiBaseUrl;
use model::delivery::{Refusal, RetryReason};
use model::reason::Reason;

const CITY: &str = "https://city.example/";

#[allow(clippy::expect_used, reason = "test code: a constant, valid")]
fn city() -> ApiBaseUrl {
    ApiBaseUrl::parse(CITY).expect("url")
}

fn form(n: usize) -> Vec<(String, String)> {
    vec![
        ("service_code".into(), "cay-xanh".into()),
        ("description".into(), format!("Cây đổ số {n}")),
        ("ward_code".into(), "26743".into()),
    ]
}

#[test]
fn saved_reports_are_queued_durably_and_survive_an_interrupted_send() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open_in(dir.path()).expect("open");
    let a = store
        .save_report(&form(1), &[], &city(), 1_000)
        .expect("save");
    let b = store
        .save_report(&form(2), &[], &city(), 1_001)
        .expect("save");
    assert_ne!(a, b);
    let due = store.due_items(&city(), 2_000, 10).expect("due");
    assert_eq!(due.len(), 2);
    assert_eq!(due[0].report_id, a);
    assert_ne!(due[0].idempotency_key, due[1].idempotency_key);
    assert!(due[0].payload.contains("Cây đổ số 1"));
    let key = due[0].idempotency_key.clone();
    drop(store); // the process dies mid-send

    let mut store = Store::open_in(dir.path()).expect("reopen");
    let due = store.due_items(&city(), 2_000, 10).expect("due");
    assert_eq!(due.len(), 2, "nothing lost");
    assert_eq!(due[0].idempotency_key, key, "the same key is sent again");

    let receipt = Receipt::Report {
        server_id: "41".into(),
    };
    store
        .record_delivered(&due[0], &receipt, 3_000)
        .expect("delivered");
    assert_eq!(
        store.followed_reports(&city()).expect("followed")[0].server_id,
        "41"
    );
    store
        .record_retry(due[1].id, 9_000, RetryReason::Offline)
        .expect("retry");
    assert!(store.due_items(&city(), 8_999, 10).expect("due").is_empty());
    assert_eq!(store.next_due_ms(&city()).expect("next"), Some(9_000));
    store
        .record_refused(
            due[1].id,
            Refusal::City(Reason::TooLong),
            Some("description"),
        )
        .expect("refused");
    let refused = store.outbox_item(due[1].id).expect("item").expect("exists");
    assert_eq!(refused.state, ItemState::NeedsAttention);
    assert_eq!(refused.last_field.as_deref(), Some("description"));
    assert_eq!(
        store.outbox_counts().expect("counts"),
        OutboxCounts {
            queued: 0,
            sending: 0,
            sent: 1,
            needs_attention: 1
        }
    );
}

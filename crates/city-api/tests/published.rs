//! What the city publishes and what it keeps (issue 13): public answers carry a coarse place and
//! no street address, the staff route the exact one; photos are served without their metadata;
//! contact details, spent idempotency answers and photos are purged on schedule; the sync's
//! query has its index and Open311's date window.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

mod common;

use common::{API_KEY, STAFF_KEY, TestServer, json, report_form};
use reqwest::StatusCode;
use serde_json::Value;

/// The report's exact point and the street address the citizen typed.
const LAT: f64 = 10.7713;
const LONG: f64 = 106.694;
const STREET: &str = "12 Lê Lợi, trước cửa nhà số 12";

async fn file_with_address(s: &TestServer) -> String {
    let mut form = report_form();
    form.push(("address_string", STREET));
    let (st, body) = json(
        s.post("/open311/v2/requests.json")
            .form(&form)
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    body[0]["service_request_id"]
        .as_str()
        .expect("id")
        .to_owned()
}

/// Every report in a public answer: coarse point (not the exact one, within ~160 m of it), the
/// ward's name instead of the street address, the ward code kept.
#[track_caller]
fn assert_public(what: &str, reports: &Value) {
    let reports = reports.as_array().expect("a list");
    assert!(!reports.is_empty(), "{what}: no report");
    for r in reports {
        let text = r.to_string();
        assert!(!text.contains("Lê Lợi"), "{what}: street address in {text}");
        let (lat, long) = (
            r["lat"].as_f64().expect("lat"),
            r["long"].as_f64().expect("long"),
        );
        assert!(
            (lat, long) != (LAT, LONG),
            "{what}: the exact point is public: {text}"
        );
        // ~111 km per degree of latitude, ~109 km per degree of longitude in HCMC.
        let off_m = ((lat - LAT) * 111_000.0).hypot((long - LONG) * 109_000.0);
        assert!(off_m < 160.0, "{what}: {off_m} m off");
        assert_eq!((lat, long), (10.771, 106.695), "{what}: the cell's centre");
        assert_eq!(r["address_id"], "26743", "{what}: {text}");
        assert_eq!(r["address"], "Phường Bến Thành", "{what}: {text}");
    }
}

#[tokio::test]
async fn public_answers_never_carry_the_exact_point_and_the_staff_one_does() {
    let s = TestServer::start().await;
    let id = file_with_address(&s).await;
    // Every route that serves a report to anyone.
    for path in [
        "/open311/v2/requests.json".to_owned(),
        format!("/open311/v2/requests/{id}.json"),
        format!("/open311/v2/requests.json?service_request_id={id}&cursor=0"),
        "/open311/v2/requests.json?ward_code=26743".to_owned(),
        "/open311/v2/requests.json?cursor=0".to_owned(),
        format!("/open311/v2/requests.json?updated_after=2020-01-01&service_request_id={id}"),
    ] {
        let (st, body) = json(s.get(&path).send().await.expect("send")).await;
        assert_eq!(st, StatusCode::OK, "{path}: {body}");
        assert_public(&path, &body);
    }
    // "Me too" answers the supporter, another citizen, with the report.
    let neighbour = s.register().await;
    let (st, body) = json(
        s.signed(
            &neighbour,
            &format!("/open311/v2/requests/{id}/supporters.json"),
            &[("api_key", API_KEY)],
            "me-too-1",
        )
        .send()
        .await
        .expect("send"),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_public("me too", &body);

    // The back office sees the exact place: in its read and in a move's answer.
    let (st, body) = json(
        s.get(&format!("/api/v1/staff/requests/{id}"))
            .header("X-Staff-Key", STAFF_KEY)
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(
        (body[0]["lat"].as_f64(), body[0]["long"].as_f64()),
        (Some(LAT), Some(LONG))
    );
    assert_eq!(body[0]["address"], STREET);
    let (st, body) = json(s.staff(&id, "assigned").await).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(body[0]["lat"].as_f64(), Some(LAT));
    assert_eq!(body[0]["address"], STREET);
    // Without the key, nothing.
    for key in [None, Some("guess")] {
        let mut req = s.get(&format!("/api/v1/staff/requests/{id}"));
        if let Some(k) = key {
            req = req.header("X-Staff-Key", k);
        }
        let (st, body) = json(req.send().await.expect("send")).await;
        common::assert_refused(st, &body, StatusCode::FORBIDDEN, "invalid_staff_key");
    }
}

// ---- Photos lose their metadata on the server too ----

use img_parts::jpeg::{Jpeg, JpegSegment, markers};
use img_parts::png::{Png, PngChunk};
use img_parts::{Bytes, ImageEXIF};
use little_exif::exif_tag::ExifTag;
use little_exif::filetype::FileExtension;
use little_exif::rational::uR64;

/// The camera's serial number a phone writes into EXIF (and here into every other place a
/// stock client's photo may carry it).
const SERIAL: &str = "SN-4F7A-990213";

/// An EXIF block as a phone writes it: GPS position (Bến Thành, to the metre), make, serial
/// number, and "turn 90° clockwise to show" (orientation 6).
fn phone_exif() -> Vec<u8> {
    let r = |nominator, denominator| uR64 {
        nominator,
        denominator,
    };
    let mut meta = little_exif::metadata::Metadata::new();
    meta.set_tag(ExifTag::GPSLatitudeRef("N".into()));
    meta.set_tag(ExifTag::GPSLatitude(vec![r(10, 1), r(46, 1), r(1668, 100)]));
    meta.set_tag(ExifTag::GPSLongitudeRef("E".into()));
    meta.set_tag(ExifTag::GPSLongitude(vec![
        r(106, 1),
        r(41, 1),
        r(5388, 100),
    ]));
    meta.set_tag(ExifTag::Make("PhoneMaker".into()));
    meta.set_tag(ExifTag::SerialNumber(SERIAL.into()));
    meta.set_tag(ExifTag::Orientation(vec![6]));
    let mut jpeg = common::photo(image::ImageFormat::Jpeg);
    meta.write_to_vec(&mut jpeg, FileExtension::JPEG)
        .expect("write EXIF");
    Jpeg::from_bytes(Bytes::from(jpeg))
        .expect("jpeg")
        .exif()
        .expect("EXIF written")
        .to_vec()
}

/// A JPEG as a stock Open311 client uploads it from a phone: EXIF (above), XMP, IPTC and a
/// comment naming the serial, and a "motion photo" appended after the end of the image.
fn phone_jpeg() -> Vec<u8> {
    let mut jpeg =
        Jpeg::from_bytes(Bytes::from(common::photo(image::ImageFormat::Jpeg))).expect("jpeg");
    jpeg.set_exif(Some(Bytes::from(phone_exif())));
    let xmp = format!(
        "http://ns.adobe.com/xap/1.0/\0<x:xmpmeta><exif:GPSLatitude>10,46.278N</exif:GPSLatitude><aux:SerialNumber>{SERIAL}</aux:SerialNumber></x:xmpmeta>"
    );
    let iptc =
        format!("Photoshop 3.0\08BIM\x04\x04\0\0\0\0\0\x10\x1c\x02\x5a\0\x0aHo Chi Minh{SERIAL}");
    let comment = format!("camera {SERIAL}");
    for (marker, contents) in [
        (markers::APP1, xmp.into_bytes()),
        (markers::APP13, iptc.into_bytes()),
        (markers::COM, comment.into_bytes()),
    ] {
        jpeg.segments_mut().insert(
            2,
            JpegSegment::new_with_contents(marker, Bytes::from(contents)),
        );
    }
    let mut out = jpeg.encoder().bytes().to_vec();
    out.extend_from_slice(format!("\0\0\0\x18ftypmp42 motion photo {SERIAL}").as_bytes());
    out
}

/// A PNG with text chunks, a time, and the phone's EXIF in `eXIf`.
fn phone_png() -> Vec<u8> {
    let mut png =
        Png::from_bytes(Bytes::from(common::photo(image::ImageFormat::Png))).expect("png");
    png.set_exif(Some(Bytes::from(phone_exif())));
    for (kind, contents) in [
        (*b"tEXt", format!("Comment\0{SERIAL}").into_bytes()),
        (
            *b"iTXt",
            format!("XML:com.adobe.xmp\0\0\0\0\0<x:xmpmeta>{SERIAL}</x:xmpmeta>").into_bytes(),
        ),
        (*b"tIME", vec![0x07, 0xEA, 12, 7, 9, 30, 0]),
        (*b"prVt", SERIAL.as_bytes().to_vec()),
    ] {
        png.chunks_mut()
            .insert(1, PngChunk::new(kind, Bytes::from(contents)));
    }
    png.encoder().bytes().to_vec()
}

/// The EXIF fields in a photo, as `(tag, value)` texts; empty when it has none.
fn exif_fields(bytes: &[u8]) -> Vec<(String, String)> {
    let Ok(exif) = exif::Reader::new().read_from_container(&mut std::io::Cursor::new(bytes)) else {
        return Vec::new();
    };
    exif.fields()
        .map(|f| (f.tag.to_string(), f.display_value().to_string()))
        .collect()
}

async fn upload(s: &TestServer, id: &str, photo: &[u8], name: &str, mime: &str) -> Value {
    let part = reqwest::multipart::Part::bytes(photo.to_vec())
        .file_name(name.to_owned())
        .mime_str(mime)
        .expect("mime");
    let form = reqwest::multipart::Form::new()
        .text("api_key", API_KEY)
        .text("owner_key", common::OWNER_KEY)
        .part("media", part);
    let (st, body) = json(
        s.post(&format!("/open311/v2/requests/{id}/media.json"))
            .multipart(form)
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    body
}

async fn served(media_url: &str) -> Vec<u8> {
    let resp = common::client().get(media_url).send().await.expect("send");
    assert_eq!(resp.status(), StatusCode::OK);
    resp.bytes().await.expect("bytes").to_vec()
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// What a photo must look like once served: no GPS, no serial anywhere in the bytes, no
/// EXIF field but the orientation, and the same pixels.
#[track_caller]
fn assert_clean(what: &str, sent: &[u8], got: &[u8]) {
    assert!(
        !contains(got, SERIAL.as_bytes()),
        "{what}: the serial is served"
    );
    assert!(!contains(got, b"xmpmeta"), "{what}: XMP is served");
    assert!(
        !contains(got, b"ftypmp42"),
        "{what}: the video after the image is served"
    );
    assert_eq!(
        exif_fields(got),
        [(
            "Orientation".to_owned(),
            "row 0 at right and column 0 at top".to_owned()
        )],
        "{what}: only the orientation is left"
    );
    let (a, b) = (
        image::load_from_memory(sent)
            .expect("sent decodes")
            .to_rgb8(),
        image::load_from_memory(got)
            .expect("served decodes")
            .to_rgb8(),
    );
    assert!(a == b, "{what}: the pixels changed");
}

#[tokio::test]
async fn served_photos_carry_no_gps_no_serial_and_keep_their_orientation() {
    let s = TestServer::start().await;
    let id = s.file_report(None).await;

    let jpeg = phone_jpeg();
    // The test photo is what it claims: GPS and serial are in it before upload.
    let before = exif_fields(&jpeg);
    for tag in [
        "GPSLatitude",
        "GPSLongitude",
        "BodySerialNumber",
        "Orientation",
    ] {
        assert!(
            before.iter().any(|(t, _)| t == tag),
            "{tag} missing in {before:?}"
        );
    }
    assert!(contains(&jpeg, SERIAL.as_bytes()));
    let posted = upload(&s, &id, &jpeg, "IMG_0001.jpg", "image/jpeg").await;
    let got = served(posted["media_url"].as_str().expect("url")).await;
    assert_clean("jpeg", &jpeg, &got);
    assert_eq!(posted["bytes"].as_u64(), Some(got.len() as u64));
    assert!(got.len() < jpeg.len());
    // Still a JPEG that ends where its image ends.
    assert!(got.starts_with(&[0xFF, 0xD8]) && got.ends_with(&[0xFF, 0xD9]));

    let png = phone_png();
    assert!(exif_fields(&png).iter().any(|(t, _)| t == "GPSLatitude"));
    let posted = upload(&s, &id, &png, "x.png", "image/png").await;
    let got = served(posted["media_url"].as_str().expect("url")).await;
    assert_clean("png", &png, &got);
    let kinds: Vec<[u8; 4]> = Png::from_bytes(Bytes::from(got))
        .expect("png")
        .chunks()
        .iter()
        .map(PngChunk::kind)
        .collect();
    assert_eq!(kinds, [*b"IHDR", *b"eXIf", *b"IDAT", *b"IEND"]);

    // An upright photo (no orientation) comes back with no EXIF at all; so does the city's.
    let plain = common::photo(image::ImageFormat::Jpeg);
    let posted = upload(&s, &id, &plain, "y.jpg", "image/jpeg").await;
    let got = served(posted["media_url"].as_str().expect("url")).await;
    assert!(exif_fields(&got).is_empty());
    assert_eq!(s.staff(&id, "assigned").await.status(), StatusCode::OK);
    let part = reqwest::multipart::Part::bytes(jpeg.clone())
        .file_name("result.jpg")
        .mime_str("image/jpeg")
        .expect("mime");
    let (st, posted) = json(
        s.post(&format!("/api/v1/staff/requests/{id}/media"))
            .header("X-Staff-Key", STAFF_KEY)
            .multipart(reqwest::multipart::Form::new().part("media", part))
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{posted}");
    let got = served(posted["media_url"].as_str().expect("url")).await;
    assert_clean("staff jpeg", &jpeg, &got);
}

/// The smallest lossless WebP (1×1), as `xtask/api-check/hooks.py` sends it.
const WEBP_1X1: &[u8] = b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0e\x00\x00\x00\x2f\x00\x00\x00\x00\x07\x10\x11\xfd\x0f\x44\x44\xff\x03";

#[tokio::test]
async fn a_webp_loses_its_exif_and_xmp_and_keeps_its_orientation() {
    use img_parts::riff::{RiffChunk, RiffContent};
    use img_parts::webp::WebP;
    let s = TestServer::start().await;
    let id = s.file_report(None).await;
    let mut webp = WebP::from_bytes(Bytes::from_static(WEBP_1X1)).expect("webp");
    webp.set_exif(Some(Bytes::from(phone_exif())));
    webp.chunks_mut().push(RiffChunk::new(
        *b"XMP ",
        RiffContent::Data(Bytes::from(format!("<x:xmpmeta>{SERIAL}</x:xmpmeta>"))),
    ));
    let sent = webp.encoder().bytes().to_vec();
    assert!(contains(&sent, SERIAL.as_bytes()) && contains(&sent, b"VP8X"));
    let posted = upload(&s, &id, &sent, "z.webp", "image/webp").await;
    assert_eq!(posted["content_type"], "image/webp");
    let got = served(posted["media_url"].as_str().expect("url")).await;
    assert!(!contains(&got, SERIAL.as_bytes()));
    let back = WebP::from_bytes(Bytes::from(got)).expect("still a WebP");
    let ids: Vec<[u8; 4]> = back.chunks().iter().map(RiffChunk::id).collect();
    assert_eq!(ids, [*b"VP8X", *b"VP8L", *b"EXIF"]);
    let exif = back.exif().expect("the orientation's EXIF");
    let read = exif::Reader::new().read_raw(exif.to_vec()).expect("exif");
    let fields: Vec<String> = read.fields().map(|f| f.tag.to_string()).collect();
    assert_eq!(fields, ["Orientation"]);
}

// ---- Retention ----

use city_api::db::retention::{Policy, Purged, purge};

fn contact_of(s: &TestServer, id: &str) -> (Option<String>, Option<i64>) {
    let id: i64 = id.parse().expect("id");
    s.db.with(|c| {
        c.query_row(
            "SELECT contact, consent_version FROM requests WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
    })
    .expect("row")
}

fn run_purge(s: &TestServer) -> Purged {
    let now = s.state.clock.now();
    s.db.with(|c| purge(c, &Policy::default(), now))
        .expect("purge")
}

fn count(s: &TestServer, sql: &str) -> i64 {
    s.db.with(|c| c.query_row(sql, [], |r| r.get(0)))
        .expect("count")
}

#[tokio::test]
async fn contact_details_old_answers_and_spent_photos_are_purged_on_schedule() {
    let s = TestServer::start().await;
    let resolved = s.file_report(Some("key-of-the-resolved-report")).await;
    let open = s.file_report(None).await;
    s.db.with(|c| {
        // The consent record next to the contact details (another migration of issue 13 adds
        // it; here it is added if that one is not in this tree yet).
        let has: i64 = c.query_row(
            "SELECT count(*) FROM pragma_table_info('requests') WHERE name = 'consent_version'",
            [],
            |r| r.get(0),
        )?;
        if has == 0 {
            c.execute_batch("ALTER TABLE requests ADD COLUMN consent_version INTEGER")?;
        }
        // Contact details as the report form stores them (written here directly, so the test
        // does not depend on how consent is sent).
        c.execute(
            "UPDATE requests SET contact = json('{\"first_name\":\"An\",\"phone\":\"0901234567\"}'),
                 consent_version = 2",
            [],
        )?;
        // A photo stored before the server stripped metadata, and one no report holds.
        c.execute(
            "INSERT INTO media (id, request_id, kind, content_type, sha256, bytes, created_at, stripped)
             VALUES ('00000000000000000000000000000001', ?1, 'report', 'image/jpeg', 'x', ?2,
                     '2026-01-01T00:00:00Z', 0)",
            rusqlite::params![open.parse::<i64>().expect("id"), phone_jpeg()],
        )?;
        c.pragma_update(None, "foreign_keys", false)?;
        c.execute(
            "INSERT INTO media (id, request_id, kind, content_type, sha256, bytes, created_at, stripped)
             VALUES ('00000000000000000000000000000002', 999999, 'report', 'image/png', 'x', x'00',
                     '2026-01-01T00:00:00Z', 1)",
            [],
        )?;
        c.pragma_update(None, "foreign_keys", true)?;
        Ok::<_, rusqlite::Error>(())
    })
    .expect("setup");
    assert_eq!(
        s.staff(&resolved, "resolved").await.status(),
        StatusCode::OK
    );

    // Today: nothing is old enough; the old photo is stripped, the orphan deleted.
    assert_eq!(
        run_purge(&s),
        Purged {
            contacts: 0,
            idempotency_answers: 0,
            photos_stripped: 1,
            photos_deleted: 1,
        }
    );
    let legacy = served(&format!(
        "{}/open311/v2/media/00000000000000000000000000000001",
        s.url
    ))
    .await;
    assert_clean("a photo of before", &phone_jpeg(), &legacy);
    assert_eq!(
        count(&s, "SELECT count(*) FROM media WHERE stripped = 0"),
        0
    );
    assert!(contact_of(&s, &resolved).0.is_some());

    // 59 days after the resolution the citizen's contact details are still there.
    s.state.clock.advance(chrono::Duration::days(59));
    let purged = run_purge(&s);
    assert_eq!(purged.contacts, 0);
    assert!(purged.idempotency_answers >= 1, "{purged:?}");
    assert!(contact_of(&s, &resolved).0.is_some());
    assert_eq!(count(&s, "SELECT count(*) FROM idempotency"), 0);

    // Past 60 days the background task, on its schedule, removes them and the consent record;
    // the open report keeps both.
    s.state.clock.advance(chrono::Duration::days(2));
    let task = city_api::retention::spawn(
        s.db.clone(),
        Policy::default(),
        std::time::Duration::from_millis(20),
        s.state.clock.clone(),
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while contact_of(&s, &resolved).0.is_some() {
        assert!(std::time::Instant::now() < deadline, "the purge never ran");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    task.abort();
    assert_eq!(contact_of(&s, &resolved), (None, None));
    assert_eq!(
        contact_of(&s, &open),
        (
            Some("{\"first_name\":\"An\",\"phone\":\"0901234567\"}".to_owned()),
            Some(2)
        )
    );
    // The public report itself is kept.
    let (st, body) = json(
        s.get(&format!("/open311/v2/requests/{resolved}.json"))
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{body}");
}

// ---- Queries ----

/// `updated_after` reads the reports changed since a moment through its index, not by reading
/// the whole table.
#[test]
fn updated_after_is_answered_from_its_index() {
    let dir = tempfile::tempdir().expect("dir");
    let db = city_api::Db::open(&dir.path().join("city.db")).expect("db");
    let filter = city_api::db::requests::Filter {
        updated_after: Some("2026-12-01T00:00:00Z".into()),
        limit: 1000,
        ..Default::default()
    };
    let (sql, args) = city_api::db::requests::list_query(&filter);
    let plan: Vec<String> = db
        .with(|c| {
            let mut stmt = c.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
            stmt.query_map(rusqlite::params_from_iter(args), |r| r.get::<_, String>(3))?
                .collect::<Result<Vec<_>, _>>()
        })
        .expect("plan");
    assert!(
        plan.iter()
            .any(|d| d.contains("USING INDEX requests_updated (updated_at>?)")),
        "{plan:#?}"
    );
    assert!(!plan.iter().any(|d| d == "SCAN r"), "{plan:#?}");
}

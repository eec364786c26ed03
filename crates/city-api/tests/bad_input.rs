//! A corpus of bad requests — malformed and huge bodies, wrong types and content types, invalid
//! UTF-8, unknown codes, points outside HCMC, injection strings, path tricks, reused keys. Each
//! must get a 4xx with a clear JSON error; none a 5xx; the database must not change.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

mod common;

use common::{API_KEY, OWNER_KEY, STAFF_KEY, TestServer, photo, report_form};
use image::ImageFormat;
use model::trust::signature::SignedRequest;
use model::trust::{ContentDigest, DeviceCredential};
use reqwest::Method;
use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;

/// Headers of a case: name, value.
type HeaderPairs = Vec<(&'static str, Vec<u8>)>;

/// Multipart parts: name, file name (for files), content.
type Parts<'a> = Vec<(&'a str, Option<&'a str>, &'a [u8])>;

struct Case {
    what: String,
    method: Method,
    path: String,
    headers: HeaderMap,
    body: Vec<u8>,
}

fn form_bytes(pairs: &[(String, String)]) -> Vec<u8> {
    serde_urlencoded::to_string(pairs)
        .expect("encode")
        .into_bytes()
}

fn form_case(what: String, path: &str, pairs: Vec<(String, String)>) -> Case {
    let mut headers = HeaderMap::new();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/x-www-form-urlencoded"),
    );
    Case {
        what,
        method: Method::POST,
        path: path.into(),
        headers,
        body: form_bytes(&pairs),
    }
}

fn base() -> Vec<(String, String)> {
    report_form()
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

fn with(field: &str, value: &str) -> Vec<(String, String)> {
    let mut f = base();
    f.retain(|(k, _)| k != field);
    f.push((field.into(), value.into()));
    f
}

const INJECTIONS: &[&str] = &[
    "' OR '1'='1",
    "1; DROP TABLE requests;--",
    "\" OR 1=1 --",
    "<script>alert(1)</script>",
    "../../../../etc/passwd",
    "..\\..\\windows\\system32",
    "%00",
    "${jndi:ldap://127.0.0.1/a}",
    "{{7*7}}",
    "$(rm -rf /)",
    "\u{202e}gnp.exe",
    "🏙️🚧",
];

fn multipart(parts: &[(&str, Option<&str>, &[u8])]) -> (HeaderMap, Vec<u8>) {
    let boundary = "XbOuNdArYx";
    let mut body = Vec::new();
    for (name, file, bytes) in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match file {
            Some(f) => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: image/jpeg\r\n\r\n").as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            ),
        }
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let mut headers = HeaderMap::new();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_str(&format!("multipart/form-data; boundary={boundary}")).expect("ct"),
    );
    (headers, body)
}

fn corpus(open_id: &str, open_dossier: &str) -> Vec<Case> {
    let post = "/open311/v2/requests.json";
    let mut cases = Vec::new();

    // Every field of a report with values that field cannot take.
    let bad_values: &[(&str, &[&str])] = &[
        (
            "service_code",
            &["", "nope", "GIAO-THONG", "giao thong", "0"],
        ),
        (
            "lat",
            &[
                "abc",
                "NaN",
                "inf",
                "1e999",
                "-91",
                "91",
                "21.0285",
                "",
                "10.77,106.69",
            ],
        ),
        ("long", &["abc", "NaN", "-181", "181", "105.85", "1e309"]),
        // Optional in GeoReport v2: an empty one is no description, not an error.
        ("description", &["\u{0}", "a\u{7}b"]),
        ("email", &["a", "a@", "@b.vn", "a b@c.vn", "a@b", "a@@b.vn"]),
        (
            "phone",
            &[
                "12",
                "abc",
                "0909-123-45x",
                "+84 90 ++1",
                "1234567890123456789",
            ],
        ),
        ("device_id", &["short", "has space in it", "ü-ü-ü-ü-ü-ü"]),
        ("ward_code", &["99999", "2674", "267430", "abcde", "79"]),
        ("address_id", &["00000", "x"]),
        ("attribute[kind]", &["", "volcano", "FLOOD"]),
        (
            "attribute[depth_cm]",
            &[
                "deep",
                "NaN",
                "1e999",
                "-2.065648271549829e+16",
                "1000000000.5",
            ],
        ),
        ("attribute[colour]", &["red"]),
        (
            "media_url",
            &[
                "javascript:alert(1)",
                "file:///etc/passwd",
                "not a url",
                "ftp://x/y.jpg",
            ],
        ),
        ("jurisdiction_id", &["hanoi.gov.vn", "x"]),
        ("api_key", &["", "wrong", "test-app-key "]),
        ("favourite_colour", &["red"]),
    ];
    for (field, values) in bad_values {
        for v in *values {
            cases.push(form_case(format!("{field}={v:?}"), post, with(field, v)));
        }
    }
    for field in [
        "service_code",
        "lat",
        "email",
        "phone",
        "device_id",
        "ward_code",
        "attribute[kind]",
        "jurisdiction_id",
        "api_key",
    ] {
        for inj in INJECTIONS {
            cases.push(form_case(
                format!("{field} injection {inj:?}"),
                post,
                with(field, inj),
            ));
        }
    }
    for (field, max) in [
        ("description", 4000),
        ("address_string", 300),
        ("first_name", 100),
        ("email", 254),
    ] {
        cases.push(form_case(
            format!("{field} too long"),
            post,
            with(field, &"ạ".repeat(max + 1)),
        ));
    }
    // Contact details without the consent to send them, half a consent, or a consent that
    // cannot be read (issue 13): refused, naming the field, nothing stored.
    let consented = |extra: &[(&str, &str)]| {
        let mut f = base();
        f.extend(
            extra
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
        );
        f
    };
    let at = ("consent_at", "2026-12-07T08:00:00+07:00");
    for contact in [
        ("email", "an@example.vn"),
        ("phone", "0903123456"),
        ("first_name", "An"),
        ("last_name", "Nguyễn"),
    ] {
        cases.push(form_case(
            format!("{} without consent", contact.0),
            post,
            consented(&[contact]),
        ));
        cases.push(form_case(
            format!("{} with consent_version only", contact.0),
            post,
            consented(&[contact, ("consent_version", "1")]),
        ));
        cases.push(form_case(
            format!("{} with consent_at only", contact.0),
            post,
            consented(&[contact, at]),
        ));
    }
    cases.push(form_case(
        "email sent empty without consent".into(),
        post,
        consented(&[("email", "")]),
    ));
    for v in [
        "0", "-1", "99", "65536", "1.5", "abc", "NaN", "1e3", "\u{0}",
    ] {
        cases.push(form_case(
            format!("consent_version={v:?}"),
            post,
            consented(&[("email", "an@example.vn"), ("consent_version", v), at]),
        ));
    }
    for v in [
        "yesterday",
        "2026-12-07",
        "2026-12-07 08:00:00",
        "2026-12-07 08:00:00Z",
        "2026-13-07T08:00:00Z",
        "2026-12-07T25:00:00Z",
        "1e9",
        "\u{0}",
    ] {
        cases.push(form_case(
            format!("consent_at={v:?}"),
            post,
            consented(&[
                ("email", "an@example.vn"),
                ("consent_version", "1"),
                ("consent_at", v),
            ]),
        ));
    }
    for inj in INJECTIONS {
        cases.push(form_case(
            format!("consent_at injection {inj:?}"),
            post,
            consented(&[
                ("email", "an@example.vn"),
                ("consent_version", "1"),
                ("consent_at", inj),
            ]),
        ));
    }
    let mut dup = base();
    dup.push(("description".into(), "again".into()));
    cases.push(form_case("repeated field".into(), post, dup));
    let mut half = base();
    half.retain(|(k, _)| k != "long");
    cases.push(form_case("lat without long".into(), post, half));
    let mut nowhere = base();
    nowhere.retain(|(k, _)| k != "lat" && k != "long");
    cases.push(form_case("no location".into(), post, nowhere));
    for missing in ["service_code", "attribute[kind]", "api_key"] {
        let mut f = base();
        f.retain(|(k, _)| k != missing);
        cases.push(form_case(format!("missing {missing}"), post, f));
    }
    // Points outside the city.
    for (lat, lon) in [
        ("21.0285", "105.8542"),
        ("16.0544", "108.2022"),
        ("10.0", "107.6"),
        ("0", "0"),
        ("-33.86", "151.2"),
    ] {
        let mut f = base();
        f.retain(|(k, _)| k != "lat" && k != "long");
        f.push(("lat".into(), lat.into()));
        f.push(("long".into(), lon.into()));
        cases.push(form_case(format!("outside HCMC {lat},{lon}"), post, f));
    }

    // Bodies that are not a form at all.
    let raw_bodies: &[(&str, Option<&str>, Vec<u8>)] = &[
        (
            "json body",
            Some("application/json"),
            br#"{"service_code":"giao-thong"}"#.to_vec(),
        ),
        (
            "malformed json as form",
            Some("application/json"),
            b"{\"a\":".to_vec(),
        ),
        ("text/plain", Some("text/plain"), b"hello".to_vec()),
        ("no content type", None, form_bytes(&base())),
        (
            "xml",
            Some("application/xml"),
            b"<service_request/>".to_vec(),
        ),
        (
            "multipart without boundary",
            Some("multipart/form-data"),
            b"x".to_vec(),
        ),
        (
            "empty form",
            Some("application/x-www-form-urlencoded"),
            Vec::new(),
        ),
        (
            "invalid utf-8 raw",
            Some("application/x-www-form-urlencoded"),
            b"service_code=\xff\xfe&description=\xc3\x28".to_vec(),
        ),
        (
            "invalid utf-8 escaped",
            Some("application/x-www-form-urlencoded"),
            b"service_code=%FF%FE&description=%C3%28".to_vec(),
        ),
        (
            "binary noise",
            Some("application/x-www-form-urlencoded"),
            (0..=255u8).collect(),
        ),
        (
            "huge form",
            Some("application/x-www-form-urlencoded"),
            format!("description={}", "a".repeat(70_000)).into_bytes(),
        ),
        (
            "over the body limit",
            Some("application/x-www-form-urlencoded"),
            vec![b'a'; support_limit() + 1],
        ),
        (
            "only separators",
            Some("application/x-www-form-urlencoded"),
            b"&&&===&&".to_vec(),
        ),
        (
            "charset latin1 garbage",
            Some("application/x-www-form-urlencoded; charset=latin1"),
            b"description=%E9t%E9".to_vec(),
        ),
    ];
    for (what, ct, body) in raw_bodies {
        let mut headers = HeaderMap::new();
        if let Some(ct) = ct {
            headers.insert(CONTENT_TYPE, HeaderValue::from_str(ct).expect("ct"));
        }
        cases.push(Case {
            what: (*what).into(),
            method: Method::POST,
            path: post.into(),
            headers,
            body: body.clone(),
        });
    }

    // Queries that make no sense.
    let queries = [
        "status=pending",
        "status=open,maybe",
        "start_date=yesterday",
        "end_date=2026-13-45T00:00:00Z",
        "start_date=2026-01-01T00:00:00Z&end_date=2026-12-01T00:00:00Z",
        "start_date=2026-06-01T00:00:00Z&end_date=2026-05-01T00:00:00Z",
        "page_size=0",
        "page_size=100000",
        "page_size=-1",
        "page_size=abc",
        "page_size=%2B5",
        "cursor=-5",
        "cursor=%2B5",
        "cursor=abc",
        "cursor=99999999999999999999",
        "service_request_id=abc",
        "service_request_id=-1",
        "service_request_id=%2B1",
        "service_request_id=1,2,x",
        "ward_code=xyz",
        "ward_code=123",
        "updated_after=garbage",
        "jurisdiction_id=hanoi.gov.vn",
        "status=%FF",
        "service_code=%C3%28&status=%FF",
    ];
    for q in queries {
        cases.push(Case {
            what: format!("GET requests.json?{q}"),
            method: Method::GET,
            path: format!("/open311/v2/requests.json?{q}"),
            headers: HeaderMap::new(),
            body: Vec::new(),
        });
    }
    // The map's open reports (issue 14): bad boxes, page sizes and cursors.
    let map_queries = [
        "bbox=1,2,3",
        "bbox=1,2,3,4,5",
        "bbox=a,b,c,d",
        "bbox=106.8,10.7,106.6,10.9",
        "bbox=106.6,10.9,106.8,10.7",
        "bbox=NaN,10,107,11",
        "bbox=-inf,10,107,11",
        "bbox=-181,10,107,11",
        "bbox=106,-91,107,11",
        "bbox=%FF",
        "bbox=1e400,10,107,11",
        "limit=0",
        "limit=",
        "limit=1001",
        "limit=-1",
        "limit=1.5",
        "limit=99999999999999999999",
        "cursor=-1",
        "cursor=abc",
        "cursor=99999999999999999999",
        "cursor=1%20OR%201=1",
    ];
    // The scoreboard (issue 15): bad periods, dates and counts, unknown wards.
    for path in [
        "/api/v1/scoreboard?period=year",
        "/api/v1/scoreboard?period=WEEK",
        "/api/v1/scoreboard?period=%00",
        "/api/v1/scoreboard?at=2025-02-30",
        "/api/v1/scoreboard?at=2025-3-1",
        "/api/v1/scoreboard?at=20250301",
        "/api/v1/scoreboard?at=1999-12-31",
        "/api/v1/scoreboard?at=9999-12-31",
        "/api/v1/scoreboard?at=%2B2025-03-01",
        "/api/v1/scoreboard?at=%FF",
        "/api/v1/wards/99999/scoreboard",
        "/api/v1/wards/2674/scoreboard",
        "/api/v1/wards/26743/scoreboard?count=0",
        "/api/v1/wards/26743/scoreboard?count=25",
        "/api/v1/wards/26743/scoreboard?count=-1",
        "/api/v1/wards/26743/scoreboard?count=99999999999999999999",
        "/api/v1/wards/26743/scoreboard?period=day",
        "/api/v1/wards/26743/scoreboard?at=2025-00-10",
    ] {
        cases.push(Case {
            what: format!("GET {path}"),
            method: Method::GET,
            path: path.to_owned(),
            headers: HeaderMap::new(),
            body: Vec::new(),
        });
    }
    for q in map_queries {
        cases.push(Case {
            what: format!("GET map/reports.geojson?{q}"),
            method: Method::GET,
            path: format!("/api/v1/map/reports.geojson?{q}"),
            headers: HeaderMap::new(),
            body: Vec::new(),
        });
    }
    let ids: String = (1..=300)
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(",");
    cases.push(Case {
        what: "too many ids".into(),
        method: Method::GET,
        path: format!("/open311/v2/requests.json?service_request_id={ids}"),
        headers: HeaderMap::new(),
        body: Vec::new(),
    });

    // Paths: unknown codes and tricks.
    let paths = [
        "/open311/v2/services/nope.json",
        "/open311/v2/services/thoat-nuoc.xml",
        "/open311/v2/services/thoat-nuoc",
        "/open311/v2/services/..%2F..%2Fetc%2Fpasswd.json",
        "/open311/v2/services/%00.json",
        "/open311/v2/requests/0.json",
        "/open311/v2/requests/-1.json",
        "/open311/v2/requests/abc.json",
        "/open311/v2/requests/99999999999999999999.json",
        "/open311/v2/requests/1%20OR%201=1.json",
        "/open311/v2/requests/..%2F..%2Fdb.json",
        "/open311/v2/tokens/nope.json",
        "/open311/v2/tokens/..%2F.json",
        "/open311/v2/media/..%2F..%2Fetc%2Fpasswd",
        "/open311/v2/media/00000000000000000000000000000000",
        "/open311/v2/media/zz",
        "/open311/v2/requests/999/events.json",
        "/open311/v2/requests/x/events.json",
        "/api/v1/wards/..%2F..",
        "/api/v1/map/boundaries.geojson",
        "/api/v1/map/basemap.pmtiles",
        "/api/v1/map/..%2F..%2Fetc%2Fpasswd",
        "/api/v1/map/reports.json",
        "/api/v1/wards/offices/26734",
        "/api/v1/wards/%27%20OR%201=1",
        "/etc/passwd",
        "/open311/v2/../../etc/passwd",
        "/open311/v2/requests.xml",
        "/openapi.json/../../x",
    ];
    for p in paths {
        cases.push(Case {
            what: format!("GET {p}"),
            method: Method::GET,
            path: p.into(),
            headers: HeaderMap::new(),
            body: Vec::new(),
        });
    }
    let long_path = format!("/open311/v2/requests/{}.json", "9".repeat(5000));
    cases.push(Case {
        what: "very long path".into(),
        method: Method::GET,
        path: long_path,
        headers: HeaderMap::new(),
        body: Vec::new(),
    });
    for (m, p) in [
        (Method::DELETE, "/open311/v2/requests.json"),
        (Method::PUT, "/open311/v2/services.json"),
        (Method::PATCH, "/api/v1/wards"),
        (Method::DELETE, "/api/v1/staff/requests/1/status"),
    ] {
        cases.push(Case {
            what: format!("{m} {p}"),
            method: m,
            path: p.into(),
            headers: HeaderMap::new(),
            body: Vec::new(),
        });
    }

    // Photo uploads.
    let jpeg = photo(ImageFormat::Jpeg);
    let media = format!("/open311/v2/requests/{open_id}/media.json");
    let uploads: Vec<(&str, Parts<'_>)> = vec![
        (
            "not an image",
            vec![
                ("api_key", None, API_KEY.as_bytes()),
                ("owner_key", None, OWNER_KEY.as_bytes()),
                ("media", Some("a.jpg"), b"GIF89a-not-really"),
            ],
        ),
        (
            "html as jpg",
            vec![
                ("api_key", None, API_KEY.as_bytes()),
                ("owner_key", None, OWNER_KEY.as_bytes()),
                ("media", Some("a.jpg"), b"<html><script>x</script></html>"),
            ],
        ),
        (
            "empty file",
            vec![
                ("api_key", None, API_KEY.as_bytes()),
                ("owner_key", None, OWNER_KEY.as_bytes()),
                ("media", Some("a.jpg"), b""),
            ],
        ),
        (
            "no photo",
            vec![
                ("api_key", None, API_KEY.as_bytes()),
                ("owner_key", None, OWNER_KEY.as_bytes()),
            ],
        ),
        (
            "two photos",
            vec![
                ("api_key", None, API_KEY.as_bytes()),
                ("owner_key", None, OWNER_KEY.as_bytes()),
                ("media", Some("a.jpg"), &jpeg),
                ("media", Some("b.jpg"), &jpeg),
            ],
        ),
        (
            "wrong owner key",
            vec![
                ("api_key", None, API_KEY.as_bytes()),
                (
                    "owner_key",
                    None,
                    b"BgYGBgYGBgYGBgYGBgYGBgYGBgYGBgYGBgYGBgYGBgY",
                ),
                ("media", Some("a.jpg"), &jpeg),
            ],
        ),
        (
            "no owner key",
            vec![
                ("api_key", None, API_KEY.as_bytes()),
                ("media", Some("a.jpg"), &jpeg),
            ],
        ),
        (
            "a device id instead of the owner key",
            vec![
                ("api_key", None, API_KEY.as_bytes()),
                ("device_id", None, b"device-0001-aaaa-bbbb"),
                ("media", Some("a.jpg"), &jpeg),
            ],
        ),
        (
            "malformed owner key",
            vec![
                ("api_key", None, API_KEY.as_bytes()),
                ("owner_key", None, b"' OR 1=1 --"),
                ("media", Some("a.jpg"), &jpeg),
            ],
        ),
        (
            "no api key",
            vec![
                ("owner_key", None, OWNER_KEY.as_bytes()),
                ("media", Some("a.jpg"), &jpeg),
            ],
        ),
        (
            "bad kind",
            vec![
                ("api_key", None, API_KEY.as_bytes()),
                ("owner_key", None, OWNER_KEY.as_bytes()),
                ("kind", None, b"result"),
                ("media", Some("a.jpg"), &jpeg),
            ],
        ),
        (
            "unknown field",
            vec![
                ("api_key", None, API_KEY.as_bytes()),
                ("owner_key", None, OWNER_KEY.as_bytes()),
                ("path", None, b"/etc"),
                ("media", Some("a.jpg"), &jpeg),
            ],
        ),
        (
            "path trick name, not image",
            vec![
                ("api_key", None, API_KEY.as_bytes()),
                ("owner_key", None, OWNER_KEY.as_bytes()),
                ("media", Some("../../../etc/passwd"), b"root:x:0:0"),
            ],
        ),
        (
            "null byte name, not image",
            vec![
                ("api_key", None, API_KEY.as_bytes()),
                ("owner_key", None, OWNER_KEY.as_bytes()),
                ("media", Some("a\0.jpg"), b"\0\0\0\0"),
            ],
        ),
    ];
    for (what, parts) in uploads {
        let (headers, body) = multipart(&parts);
        cases.push(Case {
            what: format!("upload: {what}"),
            method: Method::POST,
            path: media.clone(),
            headers,
            body,
        });
    }
    let (headers, body) = multipart(&[
        ("api_key", None, API_KEY.as_bytes()),
        ("owner_key", None, OWNER_KEY.as_bytes()),
        ("media", Some("a.jpg"), &jpeg),
    ]);
    for id in ["0", "999999", "abc"] {
        cases.push(Case {
            what: format!("upload to report {id}"),
            method: Method::POST,
            path: format!("/open311/v2/requests/{id}/media.json"),
            headers: headers.clone(),
            body: body.clone(),
        });
    }
    let mut truncated = body.clone();
    truncated.truncate(body.len() / 2);
    cases.push(Case {
        what: "truncated multipart".into(),
        method: Method::POST,
        path: media.clone(),
        headers: headers.clone(),
        body: truncated,
    });

    // Re-open and rating on a report that is not resolved, or with the wrong owner key.
    for (what, path, pairs) in [
        (
            "reopen while open",
            format!("/open311/v2/requests/{open_id}/reopen.json"),
            vec![
                ("api_key", API_KEY),
                ("owner_key", OWNER_KEY),
                ("description", "x"),
            ],
        ),
        (
            "reopen wrong owner key",
            format!("/open311/v2/requests/{open_id}/reopen.json"),
            vec![
                ("api_key", API_KEY),
                ("owner_key", "BgYGBgYGBgYGBgYGBgYGBgYGBgYGBgYGBgYGBgYGBgY"),
                ("description", "x"),
            ],
        ),
        (
            "reopen with a device id as before",
            format!("/open311/v2/requests/{open_id}/reopen.json"),
            vec![
                ("api_key", API_KEY),
                ("device_id", "device-0001-aaaa-bbbb"),
                ("description", "x"),
            ],
        ),
        (
            "reopen no text",
            format!("/open311/v2/requests/{open_id}/reopen.json"),
            vec![("api_key", API_KEY), ("owner_key", OWNER_KEY)],
        ),
        (
            "rate while open",
            format!("/open311/v2/requests/{open_id}/rating.json"),
            vec![
                ("api_key", API_KEY),
                ("owner_key", OWNER_KEY),
                ("satisfaction", "satisfied"),
            ],
        ),
        (
            "rate bad value",
            format!("/open311/v2/requests/{open_id}/rating.json"),
            vec![
                ("api_key", API_KEY),
                ("owner_key", OWNER_KEY),
                ("satisfaction", "5"),
            ],
        ),
        (
            "rate unknown report",
            "/open311/v2/requests/999999/rating.json".to_owned(),
            vec![
                ("api_key", API_KEY),
                ("owner_key", OWNER_KEY),
                ("satisfaction", "neutral"),
            ],
        ),
        (
            "rate no key",
            format!("/open311/v2/requests/{open_id}/rating.json"),
            vec![("owner_key", OWNER_KEY), ("satisfaction", "neutral")],
        ),
        (
            "me too naming a device in the form, as before",
            format!("/open311/v2/requests/{open_id}/supporters.json"),
            vec![("api_key", API_KEY), ("device_id", "device-0001-aaaa-bbbb")],
        ),
        (
            "me too unsigned",
            format!("/open311/v2/requests/{open_id}/supporters.json"),
            vec![("api_key", API_KEY)],
        ),
        (
            "me too with a bad device id",
            format!("/open311/v2/requests/{open_id}/supporters.json"),
            vec![
                ("api_key", API_KEY),
                ("device_id", "x'; DROP TABLE supporters;--"),
            ],
        ),
        (
            "me too on an unknown report",
            "/open311/v2/requests/999999/supporters.json".to_owned(),
            vec![("api_key", API_KEY)],
        ),
        (
            "me too without a key",
            format!("/open311/v2/requests/{open_id}/supporters.json"),
            vec![],
        ),
        (
            "register without a key",
            "/api/v1/devices".to_owned(),
            vec![],
        ),
        (
            "register with a wrong key",
            "/api/v1/devices".to_owned(),
            vec![("api_key", "nope")],
        ),
        (
            "register with a chosen id",
            "/api/v1/devices".to_owned(),
            vec![("api_key", API_KEY), ("device_id", "device-0001-aaaa-bbbb")],
        ),
        (
            "register with a chosen secret",
            "/api/v1/devices".to_owned(),
            vec![("api_key", API_KEY), ("secret", "AAAA")],
        ),
    ] {
        let pairs = pairs
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        cases.push(form_case(what.into(), &path, pairs));
    }

    // The back office.
    let staff = format!("/api/v1/staff/requests/{open_id}/status");
    let staff_bodies: &[(&str, &str)] = &[
        ("not json", "status=resolved"),
        ("truncated json", "{\"status\":"),
        ("wrong type", "{\"status\":5}"),
        ("unknown status", "{\"status\":\"teleported\"}"),
        (
            "unknown field",
            "{\"status\":\"assigned\",\"sql\":\"DROP\"}",
        ),
        ("array", "[\"assigned\"]"),
        ("empty", ""),
        ("null", "null"),
        ("not allowed move", "{\"status\":\"closed\"}"),
        ("citizen-only move", "{\"status\":\"reopened\"}"),
        (
            "note too long",
            &format!(
                "{{\"status\":\"assigned\",\"note\":\"{}\"}}",
                "x".repeat(2001)
            ),
        ),
    ];
    for (what, body) in staff_bodies {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert(
            HeaderName::from_static("x-staff-key"),
            HeaderValue::from_static(STAFF_KEY),
        );
        cases.push(Case {
            what: format!("staff: {what}"),
            method: Method::POST,
            path: staff.clone(),
            headers,
            body: body.as_bytes().to_vec(),
        });
    }
    for key in ["", "guess", "test-staff-secret2"] {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert(
            HeaderName::from_static("x-staff-key"),
            HeaderValue::from_str(key).expect("key"),
        );
        cases.push(Case {
            what: format!("staff key {key:?}"),
            method: Method::POST,
            path: staff.clone(),
            headers,
            body: b"{\"status\":\"assigned\"}".to_vec(),
        });
    }

    // Injection strings in every query parameter, path segment and follow-up field.
    let get = |what: String, path: String| Case {
        what,
        method: Method::GET,
        path,
        headers: HeaderMap::new(),
        body: Vec::new(),
    };
    for inj in INJECTIONS {
        let q = |k: &str| serde_urlencoded::to_string([(k, *inj)]).expect("query");
        for param in [
            "status",
            "start_date",
            "end_date",
            "page_size",
            "cursor",
            "service_request_id",
            "ward_code",
            "updated_after",
            "jurisdiction_id",
        ] {
            cases.push(get(
                format!("query {param}={inj:?}"),
                format!("/open311/v2/requests.json?{}", q(param)),
            ));
        }
        cases.push(get(
            format!("services jurisdiction {inj:?}"),
            format!("/open311/v2/services.json?{}", q("jurisdiction_id")),
        ));
        cases.push(get(
            format!("definition jurisdiction {inj:?}"),
            format!(
                "/open311/v2/services/giao-thong.json?{}",
                q("jurisdiction_id")
            ),
        ));
        let seg = encode_segment(inj);
        for path in [
            format!("/open311/v2/requests/{seg}.json"),
            format!("/open311/v2/services/{seg}.json"),
            format!("/open311/v2/tokens/{seg}.json"),
            format!("/api/v1/wards/{seg}"),
        ] {
            cases.push(get(format!("path {path}"), path));
        }
        let reopen = format!("/open311/v2/requests/{open_id}/reopen.json");
        let rating = format!("/open311/v2/requests/{open_id}/rating.json");
        let pairs = |v: Vec<(&str, &str)>| {
            v.into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect()
        };
        cases.push(form_case(
            format!("reopen owner key {inj:?}"),
            &reopen,
            pairs(vec![
                ("api_key", API_KEY),
                ("owner_key", inj),
                ("description", "x"),
            ]),
        ));
        cases.push(form_case(
            format!("rating owner key {inj:?}"),
            &rating,
            pairs(vec![
                ("api_key", API_KEY),
                ("owner_key", inj),
                ("satisfaction", "neutral"),
            ]),
        ));
        cases.push(form_case(
            format!("rating value {inj:?}"),
            &rating,
            pairs(vec![
                ("api_key", API_KEY),
                ("owner_key", OWNER_KEY),
                ("satisfaction", inj),
            ]),
        ));
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert(
            HeaderName::from_static("x-staff-key"),
            HeaderValue::from_static(STAFF_KEY),
        );
        cases.push(Case {
            what: format!("staff status {inj:?}"),
            method: Method::POST,
            path: staff.clone(),
            headers,
            body: serde_json::to_vec(&serde_json::json!({ "status": inj })).expect("json"),
        });
    }

    // Dossiers: codes of the wrong shape, check values missing or malformed, injections.
    let dossier = "000.00.04.H29-240115-0001";
    for (what, path) in [
        (
            "dossier without check",
            format!("/api/v1/dossiers/{dossier}"),
        ),
        (
            "dossier empty check",
            format!("/api/v1/dossiers/{dossier}?check="),
        ),
        (
            "dossier short check",
            format!("/api/v1/dossiers/{dossier}?check=K7M2Q"),
        ),
        (
            "dossier check with O",
            format!("/api/v1/dossiers/{dossier}?check=K7M2QO"),
        ),
        (
            "dossier short code",
            "/api/v1/dossiers/000.00.04.H29-240115-001?check=K7M2QX".into(),
        ),
        (
            "dossier other province",
            "/api/v1/dossiers/000.00.04.H01-240115-0001?check=K7M2QX".into(),
        ),
        (
            "dossier traversal",
            "/api/v1/dossiers/..%2F..%2Fetc%2Fpasswd?check=K7M2QX".into(),
        ),
        (
            "dossier bad utf-8 query",
            format!("/api/v1/dossiers/{dossier}?check=%FF%FE"),
        ),
        (
            "receipt without check",
            format!("/api/v1/dossiers/{dossier}/receipt.svg"),
        ),
        (
            "receipt short check",
            format!("/api/v1/dossiers/{dossier}/receipt.svg?check=K7M2Q"),
        ),
        (
            "receipt unknown dossier",
            format!("/api/v1/dossiers/{dossier}/receipt.svg?check=K7M2QX"),
        ),
        (
            "receipt not a date",
            "/api/v1/dossiers/000.00.04.H29-240231-0001/receipt.svg?check=K7M2QX".into(),
        ),
        (
            "receipt as png",
            format!("/api/v1/dossiers/{dossier}/receipt.png?check=K7M2QX"),
        ),
        (
            "receipt bad utf-8 query",
            format!("/api/v1/dossiers/{dossier}/receipt.svg?check=%FF%FE"),
        ),
    ] {
        cases.push(Case {
            what: what.into(),
            method: Method::GET,
            path,
            headers: HeaderMap::new(),
            body: Vec::new(),
        });
    }
    for inj in INJECTIONS {
        let seg = encode_segment(inj);
        let check = serde_urlencoded::to_string([("check", *inj)]).expect("query");
        for path in [
            format!("/api/v1/dossiers/{seg}?check=K7M2QX"),
            format!("/api/v1/dossiers/{dossier}?{check}"),
            format!("/api/v1/dossiers/{seg}/receipt.svg?check=K7M2QX"),
            format!("/api/v1/dossiers/{dossier}/receipt.svg?{check}"),
            format!("/api/v1/wards/{seg}/stats"),
        ] {
            cases.push(Case {
                what: format!("GET {path}"),
                method: Method::GET,
                path,
                headers: HeaderMap::new(),
                body: Vec::new(),
            });
        }
    }
    cases.extend(sync_cases(dossier));
    cases.extend(staff_dossier_cases(open_dossier));
    cases.extend(published_cases(open_id));
    // Ward ratings: every criterion missing, out of range or of the wrong type; bad devices,
    // keys, wards, fields and content types.
    let rating_form = |over: &[(&str, &str)], drop: &str| -> Vec<(String, String)> {
        let mut f: Vec<(String, String)> = [
            ("api_key", API_KEY),
            ("access", "satisfied"),
            ("procedures", "satisfied"),
            ("officials", "satisfied"),
            ("result", "satisfied"),
            ("feedback", "neutral"),
        ]
        .iter()
        .filter(|(k, _)| *k != drop)
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        for (k, v) in over {
            f.retain(|(fk, _)| fk != k);
            f.push(((*k).to_owned(), (*v).to_owned()));
        }
        f
    };
    let rate = "/api/v1/wards/26743/ratings";
    for field in model::ward_rating::ELEMENTS.map(|e| e.as_str()) {
        cases.push(form_case(
            format!("rating without {field}"),
            rate,
            rating_form(&[], field),
        ));
        // The earlier 1–5 scale is refused too: never mapped to an answer.
        for v in [
            "0",
            "5",
            "3.5",
            "",
            "năm",
            "Satisfied",
            "hài lòng",
            "very_satisfied",
            "satisfied ,neutral",
            "99999999999999999999",
        ] {
            cases.push(form_case(
                format!("rating {field}={v:?}"),
                rate,
                rating_form(&[(field, v)], ""),
            ));
        }
    }
    for (what, over, drop) in [
        ("rating unsigned", vec![], ""),
        ("rating without key", vec![], "api_key"),
        ("rating wrong key", vec![("api_key", "nope")], ""),
        (
            "rating naming a device, as before",
            vec![("device_id", "device-0001-aaaa-bbbb")],
            "",
        ),
        (
            "rating device injection",
            vec![("device_id", "' OR 1=1 --")],
            "",
        ),
        ("rating unknown field", vec![("stars", "5")], ""),
        (
            "rating comment control chars",
            vec![("comment", "a\u{0}b")],
            "",
        ),
    ] {
        cases.push(form_case(what.into(), rate, rating_form(&over, drop)));
    }
    let long_comment = "x".repeat(model::ward_rating::MAX_COMMENT_CHARS + 1);
    cases.push(form_case(
        "rating comment too long".into(),
        rate,
        rating_form(&[("comment", &long_comment)], ""),
    ));
    for (what, path) in [
        ("rating unknown ward", "/api/v1/wards/99999/ratings"),
        ("rating bad ward code", "/api/v1/wards/2674/ratings"),
    ] {
        cases.push(form_case(what.into(), path, rating_form(&[], "")));
    }
    let mut json = form_case("rating as JSON".into(), rate, Vec::new());
    json.headers
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    json.body = br#"{"access":"satisfied"}"#.to_vec();
    cases.push(json);

    // A key already used for another report, and malformed keys.
    for (what, key) in [
        ("replayed key, other body", "used-key"),
        ("key with space", "a b"),
        ("key too long", &"k".repeat(300)[..]),
    ] {
        let mut c = form_case(
            what.into(),
            post,
            with("description", "Một phản ánh khác hẳn"),
        );
        c.headers.insert(
            HeaderName::from_static("idempotency-key"),
            HeaderValue::from_str(key).expect("key"),
        );
        cases.push(c);
    }
    cases
}

/// What the city publishes (issue 13): the staff's exact read of a report without the key or
/// with bad ids, and photos whose content passes the sniff but whose container is broken
/// further in (the metadata stripper must refuse them, not fail).
fn published_cases(open_id: &str) -> Vec<Case> {
    let mut cases = Vec::new();
    let staff_key = |key: &str| {
        let mut h = HeaderMap::new();
        h.insert(
            HeaderName::from_static("x-staff-key"),
            HeaderValue::from_str(key).expect("key"),
        );
        h
    };
    let exact = format!("/api/v1/staff/requests/{open_id}");
    for (what, headers) in [
        ("no key", HeaderMap::new()),
        ("wrong key", staff_key("guess")),
        ("empty key", staff_key("")),
    ] {
        cases.push(Case {
            what: format!("staff read, {what}"),
            method: Method::GET,
            path: exact.clone(),
            headers,
            body: Vec::new(),
        });
    }
    let mut ids: Vec<String> = ["0", "-1", "abc", "1.json", "99999999", &"9".repeat(40)]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    ids.extend(INJECTIONS.iter().map(|i| encode_segment(i)));
    for id in ids {
        cases.push(Case {
            what: format!("staff read of {id:?}"),
            method: Method::GET,
            path: format!("/api/v1/staff/requests/{id}"),
            headers: staff_key(STAFF_KEY),
            body: Vec::new(),
        });
    }
    let jpeg = photo(ImageFormat::Jpeg);
    let png = photo(ImageFormat::Png);
    let broken: Vec<(&str, Vec<u8>)> = vec![
        // An APP1 segment longer than the file.
        (
            "jpeg, APP1 past the end",
            b"\xFF\xD8\xFF\xE1\xFF\xFFExif\0\0MM".to_vec(),
        ),
        // The first scan's header, then nothing.
        (
            "jpeg, no scan data",
            b"\xFF\xD8\xFF\xDB\x00\x03\x00\xFF\xDA\x00\x02".to_vec(),
        ),
        ("jpeg, cut in a table", jpeg[..30].to_vec()),
        ("png, cut in a chunk", png[..40].to_vec()),
        ("png, signature only", png[..8].to_vec()),
    ];
    let media = format!("/open311/v2/requests/{open_id}/media.json");
    for (what, bytes) in &broken {
        let (headers, body) = multipart(&[
            ("api_key", None, API_KEY.as_bytes()),
            ("owner_key", None, OWNER_KEY.as_bytes()),
            ("media", Some("a.jpg"), bytes),
        ]);
        cases.push(Case {
            what: format!("photo: {what}"),
            method: Method::POST,
            path: media.clone(),
            headers,
            body,
        });
    }
    cases
}

/// The dossiers' sync (`POST /api/v1/dossiers/changes`): bodies of the wrong type, shape, size
/// and content, bad pairs, cursors and keys.
fn sync_cases(dossier: &str) -> Vec<Case> {
    let path = "/api/v1/dossiers/changes";
    let json_case = |what: String, body: Vec<u8>| {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        Case {
            what: format!("sync {what}"),
            method: Method::POST,
            path: path.into(),
            headers,
            body,
        }
    };
    let pair = serde_json::json!({"code": dossier, "check": "K7M2QX"});
    let mut bodies: Vec<(String, serde_json::Value)> = vec![
        ("no cursor".into(), serde_json::json!({"dossiers": []})),
        ("no list".into(), serde_json::json!({"cursor": 0})),
        (
            "cursor -1".into(),
            serde_json::json!({"cursor": -1, "dossiers": []}),
        ),
        (
            "cursor text".into(),
            serde_json::json!({"cursor": "0", "dossiers": []}),
        ),
        (
            "cursor float".into(),
            serde_json::json!({"cursor": 1.5, "dossiers": []}),
        ),
        (
            "cursor huge".into(),
            serde_json::json!({"cursor": 1e30, "dossiers": []}),
        ),
        (
            "list of strings".into(),
            serde_json::json!({"cursor": 0, "dossiers": [dossier]}),
        ),
        (
            "list is an object".into(),
            serde_json::json!({"cursor": 0, "dossiers": pair}),
        ),
        (
            "unknown field".into(),
            serde_json::json!({"cursor": 0, "dossiers": [], "all": true}),
        ),
        (
            "pair without check".into(),
            serde_json::json!({"cursor": 0, "dossiers": [{"code": dossier}]}),
        ),
        (
            "pair with extra".into(),
            serde_json::json!({"cursor": 0, "dossiers": [{"code": dossier, "check": "K7M2QX", "id": 1}]}),
        ),
        (
            "pair check null".into(),
            serde_json::json!({"cursor": 0, "dossiers": [{"code": dossier, "check": null}]}),
        ),
        (
            "501 pairs".into(),
            serde_json::json!({"cursor": 0, "dossiers": vec![pair.clone(); 501]}),
        ),
        ("top-level array".into(), serde_json::json!([pair])),
    ];
    for bad in ["", "K7M2Q", "K7M2QO", "K7M2QX9", "Ð7M2QX"] {
        bodies.push((
            format!("check {bad:?}"),
            serde_json::json!({"cursor": 0, "dossiers": [{"code": dossier, "check": bad}]}),
        ));
    }
    for bad in [
        "",
        "000.00.04.H29-240115-001",
        "000.00.04.H29-241315-0001",
        "000.00.04.H29-240115-0000",
    ] {
        bodies.push((
            format!("code {bad:?}"),
            serde_json::json!({"cursor": 0, "dossiers": [{"code": bad, "check": "K7M2QX"}]}),
        ));
    }
    for inj in INJECTIONS {
        bodies.push((
            format!("code {inj:?}"),
            serde_json::json!({"cursor": 0, "dossiers": [{"code": inj, "check": "K7M2QX"}]}),
        ));
        bodies.push((
            format!("check {inj:?}"),
            serde_json::json!({"cursor": 0, "dossiers": [{"code": dossier, "check": inj}]}),
        ));
    }
    let mut cases: Vec<Case> = bodies
        .into_iter()
        .map(|(what, body)| json_case(what, serde_json::to_vec(&body).expect("json")))
        .collect();
    for (what, body) in [
        ("empty body", Vec::new()),
        ("not json", b"cursor=0".to_vec()),
        (
            "truncated json",
            br#"{"cursor": 0, "dossiers": [{"code""#.to_vec(),
        ),
        (
            "invalid utf-8",
            b"{\"cursor\": 0, \"dossiers\": [\"\xff\"]}".to_vec(),
        ),
        (
            "deep nesting",
            format!("{}{}", "[".repeat(5000), "]".repeat(5000)).into_bytes(),
        ),
        (
            "200 KiB",
            format!(
                r#"{{"cursor": 0, "dossiers": [], "x": "{}"}}"#,
                "a".repeat(200 * 1024)
            )
            .into_bytes(),
        ),
    ] {
        cases.push(json_case(what.into(), body));
    }
    let ok = serde_json::to_vec(&serde_json::json!({"cursor": 0, "dossiers": []})).expect("json");
    let mut form = json_case("as a form".into(), b"cursor=0&dossiers=".to_vec());
    form.headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/x-www-form-urlencoded"),
    );
    cases.push(form);
    let mut no_type = json_case("no content type".into(), ok.clone());
    no_type.headers.remove(CONTENT_TYPE);
    cases.push(no_type);
    let mut bad_key = json_case("bad idempotency key".into(), ok);
    bad_key.headers.insert(
        HeaderName::from_static("idempotency-key"),
        HeaderValue::from_static("two words"),
    );
    cases.push(bad_key);
    cases
}

/// The back office's dossier moves: keys, codes, states, notes, supplement requests of every
/// wrong shape, content types; on a dossier that exists, so only the request is at fault.
fn staff_dossier_cases(code: &str) -> Vec<Case> {
    let path = format!("/api/v1/staff/dossiers/{code}/status");
    let case = |what: String, path: &str, key: Option<&str>, ct: &'static str, body: Vec<u8>| {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(ct));
        if let Some(k) = key {
            headers.insert(
                HeaderName::from_static("x-staff-key"),
                HeaderValue::from_str(k).expect("key"),
            );
        }
        Case {
            what: format!("staff dossier {what}"),
            method: Method::POST,
            path: path.into(),
            headers,
            body,
        }
    };
    let json = "application/json";
    let ok = |v: serde_json::Value| serde_json::to_vec(&v).expect("json");
    let paper = serde_json::json!({"name": "Tờ khai", "form": "original"});
    let desk = serde_json::json!({"way": "at_desk", "place": "Bộ phận một cửa"});
    let supplement = |over: serde_json::Value| {
        let mut s = serde_json::json!({"papers": [paper], "hand_in": desk});
        if let (Some(s), Some(o)) = (s.as_object_mut(), over.as_object()) {
            for (k, v) in o {
                s.insert(k.clone(), v.clone());
            }
        }
        serde_json::json!({"status": "supplement_requested", "supplement": s})
    };
    let mut cases = vec![
        case(
            "no key".into(),
            &path,
            None,
            json,
            ok(serde_json::json!({"status": "paused"})),
        ),
        case(
            "wrong key".into(),
            &path,
            Some("nope"),
            json,
            ok(serde_json::json!({"status": "paused"})),
        ),
    ];
    let bodies: Vec<(String, serde_json::Value)> = vec![
        ("no status".into(), serde_json::json!({"note": "x"})),
        (
            "status other".into(),
            serde_json::json!({"status": "other"}),
        ),
        (
            "status unknown".into(),
            serde_json::json!({"status": "da_chuyen_lien_thong"}),
        ),
        (
            "status upper".into(),
            serde_json::json!({"status": "PAUSED"}),
        ),
        ("status number".into(), serde_json::json!({"status": 3})),
        (
            "same state".into(),
            serde_json::json!({"status": "received", "x": 1}),
        ),
        (
            "note too long".into(),
            serde_json::json!({"status": "paused", "note": "ư".repeat(2001)}),
        ),
        (
            "note_en too long".into(),
            serde_json::json!({"status": "paused", "note_en": "a".repeat(2001)}),
        ),
        (
            "note number".into(),
            serde_json::json!({"status": "paused", "note": 1}),
        ),
        (
            "unknown field".into(),
            serde_json::json!({"status": "paused", "agency": "x"}),
        ),
        (
            "papers without request".into(),
            serde_json::json!({"status": "supplement_requested"}),
        ),
        (
            "papers null".into(),
            serde_json::json!({"status": "supplement_requested", "supplement": null}),
        ),
        (
            "papers on another state".into(),
            serde_json::json!({"status": "paused", "supplement": {"papers": [paper], "hand_in": desk}}),
        ),
        (
            "no papers".into(),
            supplement(serde_json::json!({"papers": []})),
        ),
        (
            "31 papers".into(),
            supplement(serde_json::json!({"papers": vec![paper.clone(); 31]})),
        ),
        (
            "blank paper".into(),
            supplement(serde_json::json!({"papers": [{"name": " \u{3000} ", "form": "copy"}]})),
        ),
        (
            "long paper".into(),
            supplement(serde_json::json!({"papers": [{"name": "a".repeat(301), "form": "copy"}]})),
        ),
        (
            "0 copies".into(),
            supplement(serde_json::json!({"papers": [{"name": "a", "form": "copy", "copies": 0}]})),
        ),
        (
            "256 copies".into(),
            supplement(
                serde_json::json!({"papers": [{"name": "a", "form": "copy", "copies": 256}]}),
            ),
        ),
        (
            "unknown form".into(),
            supplement(serde_json::json!({"papers": [{"name": "a", "form": "scan"}]})),
        ),
        (
            "no hand_in".into(),
            serde_json::json!({"status": "supplement_requested", "supplement": {"papers": [paper]}}),
        ),
        (
            "unknown way".into(),
            supplement(serde_json::json!({"hand_in": {"way": "by_pigeon"}})),
        ),
        (
            "desk without place".into(),
            supplement(serde_json::json!({"hand_in": {"way": "at_desk"}})),
        ),
        (
            "blank desk".into(),
            supplement(serde_json::json!({"hand_in": {"way": "at_desk", "place": "  "}})),
        ),
        (
            "blank post".into(),
            supplement(serde_json::json!({"hand_in": {"way": "by_post", "address": ""}})),
        ),
        (
            "due yesterday".into(),
            supplement(serde_json::json!({"due": "2020-01-01"})),
        ),
        (
            "due not a date".into(),
            supplement(serde_json::json!({"due": "2026-02-30"})),
        ),
        (
            "due as time".into(),
            supplement(serde_json::json!({"due": "2030-01-01T00:00:00Z"})),
        ),
    ];
    for (what, body) in bodies {
        cases.push(case(what, &path, Some(STAFF_KEY), json, ok(body)));
    }
    for inj in INJECTIONS {
        cases.push(case(
            format!("status {inj:?}"),
            &path,
            Some(STAFF_KEY),
            json,
            ok(serde_json::json!({"status": inj})),
        ));
        let seg = encode_segment(inj);
        cases.push(case(
            format!("code {inj:?}"),
            &format!("/api/v1/staff/dossiers/{seg}/status"),
            Some(STAFF_KEY),
            json,
            ok(serde_json::json!({"status": "paused"})),
        ));
    }
    let paused = ok(serde_json::json!({"status": "paused"}));
    cases.push(case(
        "as a form".into(),
        &path,
        Some(STAFF_KEY),
        "application/x-www-form-urlencoded",
        b"status=paused".to_vec(),
    ));
    cases.push(case(
        "truncated".into(),
        &path,
        Some(STAFF_KEY),
        json,
        b"{\"status\": \"pau".to_vec(),
    ));
    cases.push(case(
        "bad code".into(),
        "/api/v1/staff/dossiers/000.00.04.H29-240230-0001/status",
        Some(STAFF_KEY),
        json,
        paused.clone(),
    ));
    cases.push(case(
        "unknown code".into(),
        "/api/v1/staff/dossiers/000.99.99.H29-010101-9999/status",
        Some(STAFF_KEY),
        json,
        paused.clone(),
    ));
    cases.push(case(
        "huge".into(),
        &path,
        Some(STAFF_KEY),
        json,
        format!(
            r#"{{"status": "paused", "note": "{}"}}"#,
            "a".repeat(70 * 1024)
        )
        .into_bytes(),
    ));
    let mut reused = case("reused key".into(), &path, Some(STAFF_KEY), json, paused);
    reused.headers.insert(
        HeaderName::from_static("idempotency-key"),
        HeaderValue::from_static("used-key"),
    );
    cases.push(reused);
    cases
}

/// Percent-encodes every byte that is not an ASCII letter or digit.
fn encode_segment(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The device signature's headers, junk and near misses, on the three routes that read them;
/// and what a valid signature cannot carry (another body, another key, no key, a stale time).
fn signature_cases(s: &TestServer, open_id: &str, device: &DeviceCredential) -> Vec<Case> {
    let now = s.state.clock.now().timestamp();
    let me_too = format!("/open311/v2/requests/{open_id}/supporters.json");
    let rating: Vec<(String, String)> = [
        ("api_key", API_KEY),
        ("access", "satisfied"),
        ("procedures", "satisfied"),
        ("officials", "satisfied"),
        ("result", "satisfied"),
        ("feedback", "neutral"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    // A report that is valid but for its signature (a new key, so not a replay).
    let mut report = with("description", "Một phản ánh có chữ ký sai");
    report.retain(|(k, _)| k != "owner_key");
    let routes: Vec<(String, Vec<(String, String)>)> = vec![
        (me_too, vec![("api_key".into(), API_KEY.into())]),
        ("/api/v1/wards/26743/ratings".into(), rating),
        ("/open311/v2/requests.json".into(), report),
    ];
    // Signed by a device the city never registered (its secret derived as the city would).
    let stranger = DeviceCredential::from_registration(
        &s.state
            .device_key
            .registration(&model::feedback::DeviceId::parse("never-registered-0001").expect("id")),
    )
    .expect("credential");
    let mut cases = Vec::new();
    for (path, pairs) in routes {
        let body = form_bytes(&pairs);
        let sign = |who: &DeviceCredential, time: i64, key: &str, content: &[u8]| {
            who.sign(&SignedRequest {
                method: "POST",
                path_and_query: &path,
                time,
                idempotency_key: key,
                content: ContentDigest::of_body(content),
            })
        };
        let good = sign(device, now, "sig-key", &body);
        let id = device.id.as_str().to_owned();
        let t = now.to_string();
        let headers: Vec<(&str, HeaderPairs)> = vec![
            (
                "device only",
                vec![("citizen-device", id.clone().into_bytes())],
            ),
            (
                "no signature",
                vec![
                    ("citizen-device", id.clone().into_bytes()),
                    ("citizen-time", t.clone().into_bytes()),
                    ("idempotency-key", b"sig-key".to_vec()),
                ],
            ),
            (
                "signature only",
                vec![
                    ("citizen-signature", good.clone().into_bytes()),
                    ("idempotency-key", b"sig-key".to_vec()),
                ],
            ),
            (
                "stale time",
                vec![
                    ("citizen-device", id.clone().into_bytes()),
                    ("citizen-time", (now - 3600).to_string().into_bytes()),
                    (
                        "citizen-signature",
                        sign(device, now - 3600, "sig-key", &body).into_bytes(),
                    ),
                    ("idempotency-key", b"sig-key".to_vec()),
                ],
            ),
            (
                "time from the future",
                vec![
                    ("citizen-device", id.clone().into_bytes()),
                    ("citizen-time", (now + 3600).to_string().into_bytes()),
                    (
                        "citizen-signature",
                        sign(device, now + 3600, "sig-key", &body).into_bytes(),
                    ),
                    ("idempotency-key", b"sig-key".to_vec()),
                ],
            ),
            (
                "signed without an Idempotency-Key",
                vec![
                    ("citizen-device", id.clone().into_bytes()),
                    ("citizen-time", t.clone().into_bytes()),
                    (
                        "citizen-signature",
                        sign(device, now, "", &body).into_bytes(),
                    ),
                ],
            ),
            (
                "another body's signature",
                vec![
                    ("citizen-device", id.clone().into_bytes()),
                    ("citizen-time", t.clone().into_bytes()),
                    (
                        "citizen-signature",
                        sign(device, now, "sig-key", b"api_key=other").into_bytes(),
                    ),
                    ("idempotency-key", b"sig-key".to_vec()),
                ],
            ),
            (
                "another key's signature",
                vec![
                    ("citizen-device", id.clone().into_bytes()),
                    ("citizen-time", t.clone().into_bytes()),
                    ("citizen-signature", good.clone().into_bytes()),
                    ("idempotency-key", b"sig-key-2".to_vec()),
                ],
            ),
            (
                "an unregistered device",
                vec![
                    ("citizen-device", stranger.id.as_str().as_bytes().to_vec()),
                    ("citizen-time", t.clone().into_bytes()),
                    (
                        "citizen-signature",
                        sign(&stranger, now, "sig-key", &body).into_bytes(),
                    ),
                    ("idempotency-key", b"sig-key".to_vec()),
                ],
            ),
        ];
        for (what, hs) in headers {
            let mut c = form_case(format!("{path}: {what}"), &path, pairs.clone());
            for (name, value) in hs {
                c.headers.insert(
                    HeaderName::from_static(name),
                    HeaderValue::from_bytes(&value).expect("value"),
                );
            }
            cases.push(c);
        }
        let junk: &[(&str, &[&[u8]])] = &[
            (
                "citizen-device",
                &[b"x", b"' OR 1=1 --", "ü-ü-ü-ü-ü".as_bytes(), &[b'a'; 200]],
            ),
            (
                "citizen-time",
                &[
                    b"",
                    b"abc",
                    b"-5",
                    b"1e9",
                    b"1.5",
                    b"99999999999999999999",
                    b"+1800000000",
                ],
            ),
            (
                "citizen-signature",
                &[b"", b"!!!", &[b'A'; 43], &[b'A'; 10_000], "é".as_bytes()],
            ),
        ];
        for (name, values) in junk {
            for v in *values {
                let mut c = form_case(
                    format!("{path}: {name}={:?}", String::from_utf8_lossy(v)),
                    &path,
                    pairs.clone(),
                );
                for (n, good_value) in [
                    ("citizen-device", id.as_bytes()),
                    ("citizen-time", t.as_bytes()),
                    ("citizen-signature", good.as_bytes()),
                    ("idempotency-key", &b"sig-key"[..]),
                ] {
                    let value: &[u8] = if n == *name { v } else { good_value };
                    c.headers.insert(
                        HeaderName::from_static(n),
                        HeaderValue::from_bytes(value).expect("value"),
                    );
                }
                cases.push(c);
            }
        }
        let mut twice = form_case(format!("{path}: device header twice"), &path, pairs.clone());
        for (n, v) in [
            ("citizen-device", id.as_bytes()),
            ("citizen-device", id.as_bytes()),
            ("citizen-time", t.as_bytes()),
            ("citizen-signature", good.as_bytes()),
            ("idempotency-key", &b"sig-key"[..]),
        ] {
            twice.headers.append(
                HeaderName::from_static(n),
                HeaderValue::from_bytes(v).expect("value"),
            );
        }
        cases.push(twice);
    }
    cases
}

/// A case of [`my_device_cases`]: what, device header, time, signature, key, body.
type MeVariant<'a> = (String, &'a str, i64, String, &'a str, &'a [u8]);

/// `GET` / `DELETE /api/v1/devices/me` ("export my data", "delete my data"): unsigned, half
/// signed, signed for another method, body, key or time, by a device the city never
/// registered, with junk headers. None may read or delete anything.
fn my_device_cases(s: &TestServer, device: &DeviceCredential) -> Vec<Case> {
    use model::trust::my_data::MY_DEVICE_PATH;
    let now = s.state.clock.now().timestamp();
    let stranger = DeviceCredential::from_registration(
        &s.state
            .device_key
            .registration(&model::feedback::DeviceId::parse("never-registered-0002").expect("id")),
    )
    .expect("credential");
    let mut cases = Vec::new();
    for method in [Method::GET, Method::DELETE] {
        let sign = |who: &DeviceCredential, how: &Method, time: i64, key: &str, body: &[u8]| {
            who.sign(&SignedRequest {
                method: how.as_str(),
                path_and_query: MY_DEVICE_PATH,
                time,
                idempotency_key: key,
                content: ContentDigest::of_body(body),
            })
        };
        let other = if method == Method::GET {
            Method::DELETE
        } else {
            Method::GET
        };
        let id = device.id.as_str();
        let good = sign(device, &method, now, "me-key", b"");
        let variants: Vec<MeVariant<'_>> = vec![
            ("unsigned".into(), "", now, String::new(), "me-key", b""),
            ("device only".into(), id, now, String::new(), "", b""),
            (
                "no key".into(),
                id,
                now,
                sign(device, &method, now, "", b""),
                "",
                b"",
            ),
            (
                "stale".into(),
                id,
                now - 3600,
                sign(device, &method, now - 3600, "me-key", b""),
                "me-key",
                b"",
            ),
            (
                "other method's signature".into(),
                id,
                now,
                sign(device, &other, now, "me-key", b""),
                "me-key",
                b"",
            ),
            (
                "another key's signature".into(),
                id,
                now,
                good.clone(),
                "me-key-2",
                b"",
            ),
            (
                "a body not signed".into(),
                id,
                now,
                good.clone(),
                "me-key",
                b"x=1",
            ),
            (
                "another device's id".into(),
                stranger.id.as_str(),
                now,
                good.clone(),
                "me-key",
                b"",
            ),
            (
                "an unregistered device".into(),
                stranger.id.as_str(),
                now,
                sign(&stranger, &method, now, "me-key", b""),
                "me-key",
                b"",
            ),
            (
                "junk signature".into(),
                id,
                now,
                "A".repeat(43),
                "me-key",
                b"",
            ),
            (
                "junk key".into(),
                id,
                now,
                good.clone(),
                "a key with spaces",
                b"",
            ),
        ];
        for (what, dev, time, sig, key, body) in variants {
            let mut headers = HeaderMap::new();
            let mut put = |n: &'static str, v: &str| {
                if !v.is_empty() {
                    headers.insert(
                        HeaderName::from_static(n),
                        HeaderValue::from_str(v).expect("value"),
                    );
                }
            };
            put("citizen-device", dev);
            if !dev.is_empty() {
                put("citizen-time", &time.to_string());
            }
            put("citizen-signature", &sig);
            put("idempotency-key", key);
            cases.push(Case {
                what: format!("{method} {MY_DEVICE_PATH}: {what}"),
                method: method.clone(),
                path: MY_DEVICE_PATH.into(),
                headers,
                body: body.to_vec(),
            });
        }
    }
    cases
}

/// A survey's and an announcement's routes: answers that break the open survey's questions
/// (signed by a registered device, so only the content is at fault), unsigned or by a stranger,
/// the back office's bodies of every wrong shape, lists with bad wards. `survey`: an open
/// survey of ward 26743 whose questions are one single choice of 2 (required) and one short text
/// of at most 10 characters.
fn survey_cases(s: &TestServer, survey: i64, device: &DeviceCredential) -> Vec<Case> {
    let now = s.state.clock.now().timestamp();
    let path = format!("/api/v1/surveys/{survey}/answers");
    let stranger = DeviceCredential::from_registration(
        &s.state
            .device_key
            .registration(&model::feedback::DeviceId::parse("never-registered-0003").expect("id")),
    )
    .expect("credential");
    let signed_case = |what: &str,
                       path: &str,
                       who: &DeviceCredential,
                       ct: &'static str,
                       pairs: &[(&str, &str)]| {
        let body = serde_urlencoded::to_string(pairs)
            .expect("form")
            .into_bytes();
        let key = format!("survey-bad-{what}");
        let sig = who.sign(&SignedRequest {
            method: "POST",
            path_and_query: path,
            time: now,
            idempotency_key: &key,
            content: ContentDigest::of_body(&body),
        });
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(ct));
        for (name, value) in [
            ("idempotency-key", key.clone()),
            ("citizen-device", who.id.as_str().to_owned()),
            ("citizen-time", now.to_string()),
            ("citizen-signature", sig),
        ] {
            headers.insert(
                HeaderName::from_static(name),
                HeaderValue::from_str(&value).expect("header"),
            );
        }
        Case {
            what: format!("survey answer {what}"),
            method: Method::POST,
            path: path.to_owned(),
            headers,
            body,
        }
    };
    let form = "application/x-www-form-urlencoded";
    let ok: Vec<(&str, &str)> = vec![
        ("api_key", API_KEY),
        ("ward_code", "26743"),
        ("answer[1]", "1"),
    ];
    let with = |extra: &[(&'static str, &'static str)], drop: &str| {
        let mut v: Vec<(&str, &str)> = ok.iter().copied().filter(|(k, _)| *k != drop).collect();
        v.extend_from_slice(extra);
        v
    };
    let long = "ư".repeat(11);
    let mut cases = vec![
        signed_case(
            "missing required",
            &path,
            device,
            form,
            &with(&[], "answer[1]"),
        ),
        signed_case(
            "choice 0",
            &path,
            device,
            form,
            &with(&[("answer[1]", "0")], "answer[1]"),
        ),
        signed_case(
            "choice 3",
            &path,
            device,
            form,
            &with(&[("answer[1]", "3")], "answer[1]"),
        ),
        signed_case(
            "choice text",
            &path,
            device,
            form,
            &with(&[("answer[1]", "có")], "answer[1]"),
        ),
        signed_case(
            "choice twice",
            &path,
            device,
            form,
            &with(&[("answer[1]", "2")], ""),
        ),
        signed_case(
            "as multiple",
            &path,
            device,
            form,
            &with(&[("answer[1][]", "1")], "answer[1]"),
        ),
        signed_case(
            "question 3",
            &path,
            device,
            form,
            &with(&[("answer[3]", "1")], ""),
        ),
        signed_case(
            "question 0",
            &path,
            device,
            form,
            &with(&[("answer[0]", "1")], ""),
        ),
        signed_case(
            "unknown field",
            &path,
            device,
            form,
            &with(&[("comment", "x")], ""),
        ),
        signed_case(
            "device_id field",
            &path,
            device,
            form,
            &with(&[("device_id", "invented-0001")], ""),
        ),
        signed_case("no ward", &path, device, form, &with(&[], "ward_code")),
        signed_case(
            "other ward",
            &path,
            device,
            form,
            &with(&[("ward_code", "26737")], "ward_code"),
        ),
        signed_case(
            "unknown ward",
            &path,
            device,
            form,
            &with(&[("ward_code", "00000")], "ward_code"),
        ),
        signed_case(
            "bad ward",
            &path,
            device,
            form,
            &with(&[("ward_code", "2674'")], "ward_code"),
        ),
        signed_case("no api key", &path, device, form, &with(&[], "api_key")),
        signed_case("json body", &path, device, "application/json", &ok),
        signed_case("stranger", &path, &stranger, form, &ok),
        signed_case(
            "unknown survey",
            &format!("/api/v1/surveys/{}/answers", survey + 1000),
            device,
            form,
            &ok,
        ),
        signed_case(
            "survey id text",
            "/api/v1/surveys/x/answers",
            device,
            form,
            &ok,
        ),
        signed_case(
            "survey id negative",
            "/api/v1/surveys/-1/answers",
            device,
            form,
            &ok,
        ),
    ];
    let mut long_text = with(&[], "");
    long_text.push(("answer[2]", long.as_str()));
    cases.push(signed_case(
        "text too long",
        &path,
        device,
        form,
        &long_text,
    ));
    let mut control = with(&[], "");
    control.push(("answer[2]", "a\u{1}b"));
    cases.push(signed_case("text control", &path, device, form, &control));
    for inj in INJECTIONS {
        let mut v = with(&[], "answer[1]");
        v.push(("answer[1]", inj));
        cases.push(signed_case(
            &format!("injection {inj}"),
            &path,
            device,
            form,
            &v,
        ));
    }
    cases.push(form_case(
        "survey answer unsigned".into(),
        &path,
        ok.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
    ));

    // The back office.
    let staff = |what: String,
                 method: Method,
                 path: &str,
                 key: Option<&str>,
                 ct: &'static str,
                 body: Vec<u8>| {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(ct));
        if let Some(k) = key {
            headers.insert(
                HeaderName::from_static("x-staff-key"),
                HeaderValue::from_str(k).expect("key"),
            );
        }
        Case {
            what,
            method,
            path: path.into(),
            headers,
            body,
        }
    };
    let b = |t: &str| serde_json::json!({"vi": t, "en": t});
    let good = serde_json::json!({
        "title": b("Khảo sát"),
        "questions": [{"prompt": b("Câu hỏi?"), "required": true,
                       "kind": {"type": "single_choice", "choices": [b("Có"), b("Không")]}}],
        "opens_at": "2026-01-01T00:00:00+07:00", "closes_at": "2036-01-01T00:00:00+07:00",
        "audience": {"kind": "city"}, "edits_allowed": false,
    });
    let changed = |f: &dyn Fn(&mut Value)| {
        let mut v = good.clone();
        f(&mut v);
        serde_json::to_vec(&v).expect("json")
    };
    let json_ct = "application/json";
    let bodies: Vec<(&str, Vec<u8>)> = vec![
        ("blank title", changed(&|v| v["title"]["vi"] = "  ".into())),
        (
            "title too long",
            changed(&|v| v["title"]["en"] = "x".repeat(201).into()),
        ),
        (
            "title control",
            changed(&|v| v["title"]["en"] = "a\u{7}".into()),
        ),
        (
            "no title",
            changed(&|v| {
                v.as_object_mut().expect("obj").remove("title");
            }),
        ),
        ("title string", changed(&|v| v["title"] = "Khảo sát".into())),
        (
            "no questions",
            changed(&|v| v["questions"] = serde_json::json!([])),
        ),
        (
            "31 questions",
            changed(&|v| {
                let q = v["questions"][0].clone();
                v["questions"] = Value::Array(vec![q; 31]);
            }),
        ),
        (
            "one choice",
            changed(&|v| v["questions"][0]["kind"]["choices"] = serde_json::json!([b("Có")])),
        ),
        (
            "13 choices",
            changed(&|v| v["questions"][0]["kind"]["choices"] = Value::Array(vec![b("Có"); 13])),
        ),
        (
            "unknown kind",
            changed(&|v| v["questions"][0]["kind"]["type"] = "ranking".into()),
        ),
        (
            "text limit 0",
            changed(&|v| {
                v["questions"][0]["kind"] =
                    serde_json::json!({"type": "short_text", "max_chars": 0})
            }),
        ),
        (
            "text limit 1001",
            changed(&|v| {
                v["questions"][0]["kind"] =
                    serde_json::json!({"type": "short_text", "max_chars": 1001})
            }),
        ),
        (
            "text limit huge",
            changed(&|v| {
                v["questions"][0]["kind"] =
                    serde_json::json!({"type": "short_text", "max_chars": 99999999999u64})
            }),
        ),
        (
            "scale without labels",
            changed(&|v| v["questions"][0]["kind"] = serde_json::json!({"type": "scale"})),
        ),
        (
            "kind extra field",
            changed(&|v| v["questions"][0]["kind"]["max_picks"] = 2.into()),
        ),
        (
            "required text",
            changed(&|v| v["questions"][0]["required"] = "yes".into()),
        ),
        (
            "window reversed",
            changed(&|v| v["closes_at"] = "2025-01-01T00:00:00Z".into()),
        ),
        (
            "window empty",
            changed(&|v| v["closes_at"] = v["opens_at"].clone()),
        ),
        (
            "time not rfc3339",
            changed(&|v| v["opens_at"] = "2026-01-01 00:00".into()),
        ),
        (
            "time a number",
            changed(&|v| v["opens_at"] = 1767225600.into()),
        ),
        (
            "unknown ward",
            changed(&|v| v["audience"] = serde_json::json!({"kind": "wards", "wards": ["00000"]})),
        ),
        (
            "ward with blank",
            changed(&|v| v["audience"] = serde_json::json!({"kind": "wards", "wards": [" 26743"]})),
        ),
        (
            "ward twice",
            changed(&|v| {
                v["audience"] = serde_json::json!({"kind": "wards", "wards": ["26743", "26743"]})
            }),
        ),
        (
            "no wards",
            changed(&|v| v["audience"] = serde_json::json!({"kind": "wards", "wards": []})),
        ),
        (
            "city with wards",
            changed(&|v| v["audience"] = serde_json::json!({"kind": "city", "wards": ["26743"]})),
        ),
        (
            "audience unknown",
            changed(&|v| v["audience"] = serde_json::json!({"kind": "country"})),
        ),
        ("extra field", changed(&|v| v["state"] = "open".into())),
        ("not json", b"{\"title\":".to_vec()),
        ("array", b"[]".to_vec()),
    ];
    for (what, body) in bodies {
        cases.push(staff(
            format!("staff survey {what}"),
            Method::POST,
            "/api/v1/staff/surveys",
            Some(STAFF_KEY),
            json_ct,
            body.clone(),
        ));
        cases.push(staff(
            format!("staff survey edit {what}"),
            Method::PUT,
            &format!("/api/v1/staff/surveys/{survey}"),
            Some(STAFF_KEY),
            json_ct,
            body,
        ));
    }
    let good_bytes = serde_json::to_vec(&good).expect("json");
    cases.extend([
        staff(
            "staff survey no key".into(),
            Method::POST,
            "/api/v1/staff/surveys",
            None,
            json_ct,
            good_bytes.clone(),
        ),
        staff(
            "staff survey wrong key".into(),
            Method::POST,
            "/api/v1/staff/surveys",
            Some("nope"),
            json_ct,
            good_bytes.clone(),
        ),
        staff(
            "staff survey form".into(),
            Method::POST,
            "/api/v1/staff/surveys",
            Some(STAFF_KEY),
            "application/x-www-form-urlencoded",
            b"title=x".to_vec(),
        ),
        staff(
            "staff survey edit while open".into(),
            Method::PUT,
            &format!("/api/v1/staff/surveys/{survey}"),
            Some(STAFF_KEY),
            json_ct,
            good_bytes.clone(),
        ),
        staff(
            "staff survey edit unknown".into(),
            Method::PUT,
            "/api/v1/staff/surveys/99999",
            Some(STAFF_KEY),
            json_ct,
            good_bytes,
        ),
    ]);
    let state_path = format!("/api/v1/staff/surveys/{survey}/state");
    for (what, body) in [
        ("back to draft", r#"{"state":"draft"}"#),
        ("published while open", r#"{"state":"published"}"#),
        ("open again", r#"{"state":"open"}"#),
        ("unknown state", r#"{"state":"reopened"}"#),
        ("state upper", r#"{"state":"CLOSED"}"#),
        ("no state", r#"{}"#),
        ("extra", r#"{"state":"closed","why":"x"}"#),
    ] {
        cases.push(staff(
            format!("staff survey move {what}"),
            Method::POST,
            &state_path,
            Some(STAFF_KEY),
            json_ct,
            body.as_bytes().to_vec(),
        ));
    }
    cases.push(staff(
        "staff survey move no key".into(),
        Method::POST,
        &state_path,
        None,
        json_ct,
        br#"{"state":"closed"}"#.to_vec(),
    ));
    cases.push(staff(
        "staff survey move unknown".into(),
        Method::POST,
        "/api/v1/staff/surveys/99999/state",
        Some(STAFF_KEY),
        json_ct,
        br#"{"state":"closed"}"#.to_vec(),
    ));
    let announcement = serde_json::json!({
        "title": b("Cúp nước"), "body": b("Từ 8 giờ"), "audience": {"kind": "city"}, "urgency": "urgent",
        "valid_from": "2026-01-01T00:00:00Z", "valid_until": "2036-01-01T00:00:00Z",
    });
    let a_changed = |f: &dyn Fn(&mut Value)| {
        let mut v = announcement.clone();
        f(&mut v);
        serde_json::to_vec(&v).expect("json")
    };
    for (what, body) in [
        (
            "window reversed",
            a_changed(&|v| v["valid_until"] = "2025-01-01T00:00:00Z".into()),
        ),
        ("blank body", a_changed(&|v| v["body"]["en"] = "\n".into())),
        (
            "body too long",
            a_changed(&|v| v["body"]["vi"] = "ư".repeat(4001).into()),
        ),
        (
            "urgency unknown",
            a_changed(&|v| v["urgency"] = "critical".into()),
        ),
        (
            "no urgency",
            a_changed(&|v| {
                v.as_object_mut().expect("obj").remove("urgency");
            }),
        ),
        (
            "unknown ward",
            a_changed(&|v| {
                v["audience"] = serde_json::json!({"kind": "wards", "wards": ["99999"]})
            }),
        ),
        ("extra field", a_changed(&|v| v["id"] = 1.into())),
    ] {
        cases.push(staff(
            format!("staff announcement {what}"),
            Method::POST,
            "/api/v1/staff/announcements",
            Some(STAFF_KEY),
            json_ct,
            body,
        ));
    }
    cases.push(staff(
        "staff announcement no key".into(),
        Method::POST,
        "/api/v1/staff/announcements",
        None,
        json_ct,
        serde_json::to_vec(&announcement).expect("json"),
    ));
    cases.push(staff(
        "staff withdraw no key".into(),
        Method::POST,
        "/api/v1/staff/announcements/1/withdraw",
        None,
        json_ct,
        Vec::new(),
    ));
    cases.push(staff(
        "staff withdraw unknown".into(),
        Method::POST,
        "/api/v1/staff/announcements/99999/withdraw",
        Some(STAFF_KEY),
        json_ct,
        Vec::new(),
    ));
    cases.push(staff(
        "staff withdraw text id".into(),
        Method::POST,
        "/api/v1/staff/announcements/abc/withdraw",
        Some(STAFF_KEY),
        json_ct,
        Vec::new(),
    ));
    // Public reads.
    let get = |what: &str, path: String, key: Option<&str>| {
        staff(
            format!("get {what}"),
            Method::GET,
            &path,
            key,
            json_ct,
            Vec::new(),
        )
    };
    cases.extend([
        get("surveys bad ward", "/api/v1/surveys?ward=abc".into(), None),
        get(
            "surveys unknown ward",
            "/api/v1/surveys?ward=00000".into(),
            None,
        ),
        get(
            "surveys ward injection",
            "/api/v1/surveys?ward=%27%20OR%201%3D1".into(),
            None,
        ),
        get(
            "announcements bad ward",
            "/api/v1/announcements?ward=123456".into(),
            None,
        ),
        get(
            "announcements unknown ward",
            "/api/v1/announcements?ward=99999".into(),
            None,
        ),
        get(
            "survey unknown",
            format!("/api/v1/surveys/{}", survey + 1000),
            None,
        ),
        get("survey text id", "/api/v1/surveys/abc".into(), None),
        get(
            "survey results while open",
            format!("/api/v1/surveys/{survey}/results"),
            None,
        ),
        get(
            "staff results no key",
            format!("/api/v1/staff/surveys/{survey}/results"),
            None,
        ),
        get(
            "staff results unknown",
            "/api/v1/staff/surveys/99999/results".into(),
            Some(STAFF_KEY),
        ),
    ]);
    cases
}

/// An open survey of ward 26743: a single choice of 2 (required), a short text of at most 10.
async fn open_survey(s: &TestServer) -> i64 {
    let b = |t: &str| serde_json::json!({"vi": t, "en": t});
    let spec = serde_json::json!({
        "title": b("Khảo sát"),
        "questions": [
            {"prompt": b("Có hay không?"), "required": true,
             "kind": {"type": "single_choice", "choices": [b("Có"), b("Không")]}},
            {"prompt": b("Góp ý"), "required": false, "kind": {"type": "short_text", "max_chars": 10}},
        ],
        "opens_at": "2026-01-01T00:00:00+07:00", "closes_at": "2036-01-01T00:00:00+07:00",
        "audience": {"kind": "wards", "wards": ["26743"]}, "edits_allowed": false,
    });
    let created: Value = s
        .post("/api/v1/staff/surveys")
        .header("X-Staff-Key", STAFF_KEY)
        .json(&spec)
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let id = created["id"].as_i64().expect("id");
    let opened = s
        .post(&format!("/api/v1/staff/surveys/{id}/state"))
        .header("X-Staff-Key", STAFF_KEY)
        .json(&serde_json::json!({"state": "open"}))
        .send()
        .await
        .expect("send");
    assert!(opened.status().is_success());
    id
}

fn support_limit() -> usize {
    city_api::MAX_BODY
}

#[tokio::test]
async fn every_bad_request_is_a_clear_4xx_and_changes_nothing() {
    // The corpus is about what each request says, not how many come from one address.
    let s = TestServer::start_with(|st| st.with_limits(common::generous_limits())).await;
    let open_id = s.file_report(Some("used-key")).await;
    let device = s.register().await;
    let open_dossier =
        s.db.with(|c| city_api::db::dossiers::samples(c, 1))
            .expect("sample")
            .remove(0)
            .0;
    let survey = open_survey(&s).await;
    let mut cases = corpus(&open_id, &open_dossier);
    cases.extend(signature_cases(&s, &open_id, &device));
    cases.extend(survey_cases(&s, survey, &device));
    cases.extend(my_device_cases(&s, &device));
    assert!(cases.len() >= 500, "corpus has {} cases", cases.len());
    let before = s.snapshot();
    let client = common::client();
    let mut failures = Vec::new();
    for c in &cases {
        let resp = client
            .request(c.method.clone(), format!("{}{}", s.url, c.path))
            .headers(c.headers.clone())
            .body(c.body.clone())
            .send()
            .await;
        let Ok(resp) = resp else {
            failures.push(format!("{}: connection failed", c.what));
            continue;
        };
        let status = resp.status();
        let body: Value = resp.json().await.unwrap_or(Value::Null);
        let clear = body[0]["code"] == status.as_u16()
            && body[0]["description"]
                .as_str()
                .is_some_and(|d| !d.is_empty())
            && body[0]["reason"].as_str().is_some_and(|r| !r.is_empty());
        if !status.is_client_error() || !clear {
            failures.push(format!("{}: {status} {body}", c.what));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    assert_eq!(s.snapshot(), before, "a bad request changed the database");
    let health = client
        .get(format!("{}/health", s.url))
        .send()
        .await
        .expect("alive");
    assert!(health.status().is_success());
    println!("{} bad requests: all 4xx, database unchanged", cases.len());
}

//! The server against the text of GeoReport v2 and Service Discovery, clause by clause, as a
//! city integrator with a stock client would read them. Each test names the clause it checks.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

mod common;

use std::time::Duration;

use common::{STAFF_KEY, TestServer, json, photo, report_form};
use image::ImageFormat;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::Value;

async fn get(s: &TestServer, path: &str) -> (StatusCode, Value) {
    json(s.get(path).send().await.expect("send")).await
}

async fn post(s: &TestServer, form: &[(&str, &str)]) -> (StatusCode, Value) {
    json(
        s.post("/open311/v2/requests.json")
            .form(form)
            .send()
            .await
            .expect("send"),
    )
    .await
}

/// "POST Service Request" → Response: `token` "should not be returned if" the id is.
#[tokio::test]
async fn a_filed_report_is_answered_with_its_id_and_no_token() {
    let s = TestServer::start().await;
    let (st, posted) = post(&s, &report_form()).await;
    assert_eq!(st, StatusCode::OK, "{posted}");
    let answer = posted[0].as_object().expect("object");
    assert!(answer["service_request_id"].as_str().is_some());
    assert!(!answer.contains_key("token"), "{posted}");
}

/// "POST Service Request" → Arguments: `description` is optional; a report without one is
/// filed, and read back without the field (absent fields are omitted).
#[tokio::test]
async fn description_is_optional() {
    let s = TestServer::start().await;
    let mut form = report_form();
    form.retain(|(k, _)| *k != "description");
    let (st, posted) = post(&s, &form).await;
    assert_eq!(st, StatusCode::OK, "{posted}");
    let id = posted[0]["service_request_id"].as_str().expect("id");
    let (st, one) = get(&s, &format!("/open311/v2/requests/{id}.json")).await;
    assert_eq!(st, StatusCode::OK);
    assert!(one[0].get("description").is_none(), "{one}");
}

/// "Errors": 404 for "jurisdiction_id provided was not found" and "service_code ... not
/// found", on every route that takes them.
#[tokio::test]
async fn unknown_jurisdiction_and_service_are_404() {
    let s = TestServer::start().await;
    for path in [
        "/open311/v2/services.json?jurisdiction_id=hanoi.gov.vn",
        "/open311/v2/services/thoat-nuoc.json?jurisdiction_id=hanoi.gov.vn",
        "/open311/v2/requests.json?jurisdiction_id=hanoi.gov.vn",
        "/open311/v2/requests/1.json?jurisdiction_id=hanoi.gov.vn",
        "/open311/v2/tokens/abc.json?jurisdiction_id=hanoi.gov.vn",
    ] {
        let (st, err) = get(&s, path).await;
        common::assert_refused(st, &err, StatusCode::NOT_FOUND, "unknown_jurisdiction");
    }
    let mut form = report_form();
    form.push(("jurisdiction_id", "hanoi.gov.vn"));
    let (st, err) = post(&s, &form).await;
    common::assert_refused(st, &err, StatusCode::NOT_FOUND, "unknown_jurisdiction");

    let mut form = report_form();
    form.retain(|(k, _)| *k != "service_code");
    form.push(("service_code", "khong-co"));
    let (st, err) = post(&s, &form).await;
    common::assert_refused(st, &err, StatusCode::NOT_FOUND, "unknown_service");
    assert_eq!(err[0]["field"], "service_code");
}

/// An empty query argument is the argument left out (`?status=` is what many HTML forms and
/// client libraries send for "any").
#[tokio::test]
async fn empty_arguments_are_absent_arguments() {
    let s = TestServer::start().await;
    s.file_report(None).await;
    let (st, all) = get(&s, "/open311/v2/requests.json").await;
    assert_eq!(st, StatusCode::OK);
    let (st, same) = get(
        &s,
        "/open311/v2/requests.json?status=&service_code=&start_date=&end_date=&jurisdiction_id=",
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{same}");
    assert_eq!(all, same);
}

/// "GET Service Requests": `start_date`/`end_date` are w3 date formats (NOTE-datetime), not
/// only full timestamps; a repeated `service_request_id` and a comma list mean the same.
#[tokio::test]
async fn w3_dates_and_lists_are_read_as_the_spec_writes_them() {
    let s = TestServer::start().await;
    let id = s.file_report(None).await;
    let today = chrono::Utc::now().date_naive();
    let (from, to) = (today - chrono::Days::new(5), today + chrono::Days::new(5));
    let month = (today - chrono::Days::new(30)).format("%Y-%m");
    for window in [
        format!("start_date={from}&end_date={to}"),
        format!("start_date={month}&end_date={to}"),
        format!("start_date={from}T00:00Z&end_date={to}T23:59:59.5%2B07:00"),
        // A '+' left unescaped reads as a space in a query; it still means the offset.
        format!("start_date={from}T00:00:00+07:00&end_date={to}T00:00:00+07:00"),
    ] {
        let (st, list) = get(&s, &format!("/open311/v2/requests.json?{window}")).await;
        assert_eq!(st, StatusCode::OK, "{window}: {list}");
        assert_eq!(list.as_array().map(Vec::len), Some(1), "{window}");
    }
    let (st, list) = get(
        &s,
        &format!("/open311/v2/requests.json?service_request_id={id}&service_request_id=99999"),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{list}");
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    let (st, err) = get(
        &s,
        "/open311/v2/requests.json?start_date=2026-12-01&end_date=2026-11-01",
    )
    .await;
    common::assert_refused(st, &err, StatusCode::BAD_REQUEST, "invalid_window");
}

/// "GET Service Requests": "the default query period is the last 90 days" also bounds a window
/// given by one end only: a start alone reaches 90 days on, an end alone 90 days back.
#[tokio::test]
async fn one_date_opens_a_ninety_day_window() {
    let s = TestServer::start().await;
    s.file_report(None).await;
    let today = chrono::Utc::now().date_naive();
    let long_ago = today - chrono::Days::new(200);
    let soon = today + chrono::Days::new(1);
    for (query, expect) in [
        (format!("start_date={long_ago}T00:00:00Z"), 0),
        (
            format!("start_date={}T00:00:00Z", today - chrono::Days::new(1)),
            1,
        ),
        (format!("end_date={soon}T00:00:00Z"), 1),
        (
            format!("end_date={}T00:00:00Z", today + chrono::Days::new(200)),
            0,
        ),
    ] {
        let (st, list) = get(&s, &format!("/open311/v2/requests.json?{query}")).await;
        assert_eq!(st, StatusCode::OK, "{query}: {list}");
        assert_eq!(list.as_array().map(Vec::len), Some(expect), "{query}");
    }
}

/// "updated_datetime: The date and time when the service request was last modified"; for a
/// closed request stock clients read it as the close date, so a photo of the result added
/// later does not move it.
#[tokio::test]
async fn a_closed_request_is_updated_when_it_closed() {
    let s = TestServer::start().await;
    let id = s.file_report(None).await;
    assert_eq!(s.staff(&id, "resolved").await.status(), StatusCode::OK);
    let (_, before) = get(&s, &format!("/open311/v2/requests/{id}.json")).await;
    assert_eq!(before[0]["status"], "closed");
    // Timestamps have seconds: let one pass so a later write would show.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let part = Part::bytes(photo(ImageFormat::Jpeg))
        .file_name("result.jpg")
        .mime_str("image/jpeg")
        .expect("mime");
    let resp = s
        .post(&format!("/api/v1/staff/requests/{id}/media"))
        .header("X-Staff-Key", STAFF_KEY)
        .multipart(Form::new().part("media", part))
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), StatusCode::OK);
    let (_, after) = get(&s, &format!("/open311/v2/requests/{id}.json")).await;
    assert_eq!(after[0]["updated_datetime"], before[0]["updated_datetime"]);
    assert_ne!(after[0]["media_url"], before[0]["media_url"]);
}

/// Service Discovery: "Format must be both: xml, json", with the endpoint's url, its
/// specification and its formats.
#[tokio::test]
async fn service_discovery_in_json_and_xml() {
    let s = TestServer::start().await;
    let (st, doc) = get(&s, "/open311/discovery.json").await;
    assert_eq!(st, StatusCode::OK);
    let endpoint = &doc["endpoints"][0];
    assert_eq!(
        endpoint["specification"],
        "http://wiki.open311.org/GeoReport_v2"
    );
    assert!(
        endpoint["url"]
            .as_str()
            .is_some_and(|u| u.ends_with("/open311/v2")),
        "{doc}"
    );
    assert_eq!(endpoint["formats"][0], "application/json");
    assert!(doc["changeset"].as_str().is_some());
    let resp = s.get("/open311/discovery.xml").send().await.expect("send");
    assert_eq!(resp.status(), StatusCode::OK);
    let mime = resp
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(mime.starts_with("text/xml"), "{mime}");
    let xml = resp.text().await.expect("text");
    assert!(xml.starts_with("<?xml"), "{xml}");
    assert!(xml.contains("<specification>http://wiki.open311.org/GeoReport_v2</specification>"));
    assert!(xml.contains("<format>application/json</format>"), "{xml}");
}

/// "POST Service Request" → `phone`: "the phone number of the person submitting the request",
/// as people write it; letters are still refused.
#[tokio::test]
async fn phone_numbers_are_taken_as_people_write_them() {
    let s = TestServer::start().await;
    for phone in [
        "(028) 3822-1234",
        "+84 90 123 4567",
        "0903.123.456",
        "028-3822-1234",
    ] {
        let mut form = report_form();
        form.push(("phone", phone));
        // Contact details go with the citizen's consent (issue 13).
        form.push(("consent_version", "1"));
        form.push(("consent_at", "2026-12-07T08:00:00+07:00"));
        let (st, answer) = post(&s, &form).await;
        assert_eq!(st, StatusCode::OK, "{phone}: {answer}");
    }
    for phone in [
        "028 ABC 1234",
        "+84 90 123 456x",
        "84+ 90 123 4567",
        "12 34",
    ] {
        let mut form = report_form();
        form.push(("phone", phone));
        let (st, err) = post(&s, &form).await;
        common::assert_refused(st, &err, StatusCode::BAD_REQUEST, "invalid");
        assert_eq!(err[0]["field"], "phone", "{phone}");
    }
}

/// "Format Support": the format is the resource's suffix. This server serves JSON (and
/// discovery.xml), so the `.xml` form of every Open311 resource, with or without a path
/// argument and for every method, gets the same 400 `unsupported_format` in Open311's error
/// shape; a name that is no resource in any format stays 404.
#[tokio::test]
async fn xml_is_refused_alike_on_every_open311_route() {
    let s = TestServer::start().await;
    let (_, doc) = get(&s, "/openapi.json").await;
    let paths = doc["paths"].as_object().expect("paths");
    let mut tried = 0;
    for (template, ops) in paths {
        // discovery.xml is served; a photo (media/{id}) is no JSON document.
        if !template.starts_with("/open311/v2/") || template.starts_with("/open311/v2/media/") {
            continue;
        }
        let path = match template.strip_suffix(".json") {
            Some(stem) => format!("{stem}.xml"),
            None => format!("{template}.xml"),
        };
        let path = path
            .replace("{id}", "1")
            .replace("{code}", "thoat-nuoc")
            .replace("{token}", "abc");
        for method in ops.as_object().expect("operations").keys() {
            let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).expect("m");
            let resp = common::client()
                .request(method.clone(), format!("{}{path}", s.url))
                .send()
                .await
                .expect("send");
            let (st, err) = json(resp).await;
            common::assert_refused(st, &err, StatusCode::BAD_REQUEST, "unsupported_format");
            tried += 1;
        }
    }
    assert!(tried >= 11, "{tried} routes");
    let resp = s.get("/open311/discovery.xml").send().await.expect("send");
    assert_eq!(resp.status(), StatusCode::OK);
    let (st, err) = get(&s, "/open311/v2/nothing.xml").await;
    common::assert_refused(st, &err, StatusCode::NOT_FOUND, "not_found");
}

/// "POST Service Request" has no `locale` (only GET Service List reads one, here also the other
/// GETs): every POST form refuses it as it refuses any field it does not take.
#[tokio::test]
async fn locale_is_no_field_of_a_post() {
    let s = TestServer::start().await;
    let id = s.file_report(None).await;
    let mut form = report_form();
    form.push(("locale", "en"));
    let (st, err) = post(&s, &form).await;
    common::assert_refused(st, &err, StatusCode::BAD_REQUEST, "unknown_field");
    assert_eq!(err[0]["field"], "locale");
    let follow_ups: [(&str, &[(&str, &str)]); 3] = [
        ("reopen", &[("description", "Vẫn còn ngập")]),
        ("rating", &[("satisfaction", "satisfied")]),
        ("supporters", &[]),
    ];
    for (route, fields) in follow_ups {
        let mut form = vec![("api_key", common::API_KEY)];
        if route != "supporters" {
            form.push(("owner_key", common::OWNER_KEY));
        }
        form.push(("locale", "en"));
        form.extend_from_slice(fields);
        let resp = s
            .post(&format!("/open311/v2/requests/{id}/{route}.json"))
            .form(&form)
            .send()
            .await
            .expect("send");
        let (st, err) = json(resp).await;
        common::assert_refused(st, &err, StatusCode::BAD_REQUEST, "unknown_field");
        assert_eq!(err[0]["field"], "locale", "{route}");
    }
}

/// "Format Support": "JSON: Content-Type: application/json; charset=utf-8", on every JSON
/// answer: documents, lists, replays, and errors from handlers, from axum and from the limits.
#[tokio::test]
async fn json_answers_name_their_charset() {
    let s = TestServer::start().await;
    let id = s.file_report(None).await;
    let form = serde_urlencoded::to_string(report_form()).expect("form");
    let c = common::client();
    let url = |p: &str| format!("{}{p}", s.url);
    let requests = [
        c.get(url("/health")),
        c.get(url("/openapi.json")),
        c.get(url("/open311/discovery.json")),
        c.get(url("/open311/v2/services.json")),
        c.get(url("/open311/v2/services/thoat-nuoc.json")),
        c.get(url("/open311/v2/requests.json")),
        c.get(url(&format!("/open311/v2/requests/{id}.json"))),
        c.get(url(&format!("/open311/v2/requests/{id}/events.json"))),
        c.get(url("/api/v1/services")),
        c.get(url("/api/v1/wards")),
        c.get(url("/api/v1/wards/26743")),
        c.get(url("/api/v1/wards/26743/stats")),
        // Errors: a handler's, the fallback's, axum's 405, a format, the body limit, 415.
        c.get(url("/open311/v2/requests/999999.json")),
        c.get(url("/nowhere")),
        c.delete(url("/open311/v2/services.json")),
        c.get(url("/open311/v2/services.xml")),
        c.post(url("/open311/v2/requests.json"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(vec![b'a'; city_api::MAX_BODY + 1]),
        c.post(url("/open311/v2/requests.json")).body("x"),
        // A POST and its replay.
        c.post(url("/open311/v2/requests.json"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("Idempotency-Key", "charset-1")
            .body(form.clone()),
        c.post(url("/open311/v2/requests.json"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("Idempotency-Key", "charset-1")
            .body(form),
    ];
    for req in requests {
        let req = req.build().expect("request");
        let what = format!("{} {}", req.method(), req.url().path());
        let resp = c.execute(req).await.expect("send");
        let mime = resp
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        assert_eq!(
            mime,
            "application/json; charset=utf-8",
            "{what}: {}",
            resp.status()
        );
    }
}

/// `agency_responsible` is the city's own name of the unit in charge: the Vietnamese one,
/// whatever language the report was filed or is read in (names of services follow `locale`).
#[tokio::test]
async fn agency_responsible_is_the_vietnamese_name_in_any_language() {
    let s = TestServer::start().await;
    let (_, catalog) = get(&s, "/api/v1/services").await;
    let agency = catalog["services"]
        .as_array()
        .and_then(|all| all.iter().find(|x| x["code"] == "thoat-nuoc"))
        .map(|x| x["agency"].clone())
        .expect("thoat-nuoc");
    let resp = s
        .post("/open311/v2/requests.json?locale=en")
        .header("Accept-Language", "en")
        .form(&report_form())
        .send()
        .await
        .expect("send");
    let (st, posted) = json(resp).await;
    assert_eq!(st, StatusCode::OK, "{posted}");
    let id = posted[0]["service_request_id"].as_str().expect("id");
    for (path, lang) in [
        (format!("/open311/v2/requests/{id}.json?locale=en"), "en"),
        (format!("/open311/v2/requests/{id}.json"), "en"),
        (
            format!("/open311/v2/requests.json?service_request_id={id}"),
            "en",
        ),
        (format!("/open311/v2/requests/{id}.json"), "vi"),
    ] {
        let resp = s
            .get(&path)
            .header("Accept-Language", lang)
            .send()
            .await
            .expect("send");
        let (st, one) = json(resp).await;
        assert_eq!(st, StatusCode::OK, "{path}: {one}");
        assert_eq!(one[0]["agency_responsible"], agency["vi"], "{path} {lang}");
        assert_ne!(one[0]["agency_responsible"], agency["en"], "{path} {lang}");
    }
    let (_, en) = get(&s, &format!("/open311/v2/requests/{id}.json?locale=en")).await;
    assert_eq!(en[0]["service_name"], "Drainage and flooding", "{en}");
}

/// "GET Service Definition" → `order`: "any positive integer not used for other attributes in
/// the same service_code". A catalogue breaking that is refused when loaded, a stored service
/// breaking it is not served, and what is served keeps to it.
#[tokio::test]
async fn attribute_order_is_positive_and_unique_per_service() {
    const SEED: &str = include_str!("../../../assets/services-1022.json");
    let seed: Value = serde_json::from_str(SEED).expect("seed");
    let flood = seed["services"]
        .as_array()
        .and_then(|all| all.iter().position(|x| x["code"] == "thoat-nuoc"))
        .expect("thoat-nuoc");
    for orders in [[0, 1], [2, 2]] {
        let mut bad = seed.clone();
        for (i, order) in orders.into_iter().enumerate() {
            bad["services"][flood]["attributes"][i]["order"] = order.into();
        }
        let text = bad.to_string();
        assert!(
            model::service::ServiceCatalog::from_json(&text).is_err(),
            "{orders:?} loaded"
        );
    }
    let s = TestServer::start().await;
    let stored_bad = {
        let mut service = seed["services"][flood].clone();
        service["attributes"][1]["order"] = 1.into();
        service.to_string()
    };
    let served =
        s.db.with(|conn| {
            conn.execute(
                "UPDATE services SET definition = ?1 WHERE code = 'thoat-nuoc'",
                [&stored_bad],
            )?;
            city_api::db::services::catalog(conn)
        })
        .expect("catalogue");
    let served = served.expect("loaded");
    assert!(
        served.get("thoat-nuoc").is_none(),
        "a stored duplicate order is served"
    );
    assert!(served.get("cay-xanh").is_some());

    let (_, services) = get(&s, "/open311/v2/services.json").await;
    for code in services
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|x| x["service_code"].as_str())
    {
        let (st, def) = get(&s, &format!("/open311/v2/services/{code}.json")).await;
        assert_eq!(st, StatusCode::OK, "{code}");
        let orders: Vec<u64> = def["attributes"]
            .as_array()
            .expect("attributes")
            .iter()
            .filter_map(|a| a["order"].as_u64())
            .collect();
        let mut unique = orders.clone();
        unique.dedup();
        assert!(orders.iter().all(|o| *o >= 1), "{code}: {orders:?}");
        assert!(orders.is_sorted() && unique == orders, "{code}: {orders:?}");
    }
}

/// "Errors": the error names what was wrong as the client sent it. A stock client sends
/// Open311's `address_id`; the app sends this API's `ward_code`: each is named back.
#[tokio::test]
async fn an_unknown_ward_is_named_by_the_field_sent() {
    let s = TestServer::start().await;
    for (field, value) in [
        ("address_id", "99999"),
        ("address_id", "abc"),
        ("ward_code", "99999"),
        ("ward_code", "abc"),
    ] {
        let mut form = report_form();
        form.retain(|(k, _)| !matches!(*k, "lat" | "long"));
        form.push((field, value));
        let (st, err) = post(&s, &form).await;
        common::assert_refused(st, &err, StatusCode::BAD_REQUEST, "unknown_ward");
        assert_eq!(err[0]["field"], field, "{field}={value}");
    }
    let mut form = report_form();
    form.retain(|(k, _)| !matches!(*k, "lat" | "long"));
    form.push(("address_id", "26743"));
    let (st, posted) = post(&s, &form).await;
    assert_eq!(st, StatusCode::OK, "{posted}");
}

/// "GET Service Requests": `service_request_id` "overrides all other arguments": they do not
/// narrow the answer, but a malformed one is still refused, as without ids, not silently
/// ignored (the OpenAPI document's patterns hold with or without ids).
#[tokio::test]
async fn ids_override_other_arguments_but_malformed_ones_are_refused() {
    let s = TestServer::start().await;
    let id = s.file_report(None).await;
    let (st, list) = get(
        &s,
        &format!("/open311/v2/requests.json?service_request_id={id}&status=closed"),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{list}");
    assert_eq!(
        list.as_array().map(Vec::len),
        Some(1),
        "ids override status"
    );
    for bad in [
        "updated_after=garbage",
        "status=pending",
        "page_size=0",
        "ward_code=xyz",
        "start_date=yesterday",
    ] {
        let (st, err) = get(
            &s,
            &format!("/open311/v2/requests.json?service_request_id={id}&{bad}"),
        )
        .await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{bad}: {err}");
    }
}

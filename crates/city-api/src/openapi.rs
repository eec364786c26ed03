//! What the OpenAPI document says about inputs, in one place: the patterns of codes and texts
//! the server accepts, its security schemes, and the schemas of its form bodies. The rule: a
//! request the document allows is one the server takes (it may still answer 403, 404 or 409,
//! which depend on keys and data, not on the request's shape). `cargo xtask api-check` holds
//! the server to it with a property-based tester.
//!
//! Patterns short enough to read stay in each route's `params(...)`. The new-report form is built from the loaded catalogue and wards ([`patch`]): which
//! `service_code`s exist, which questions each asks (required or not, their choices), which
//! ward codes are known.

use model::dossier::DossierStatus;
use model::dossier::supplement::{MAX_PAPERS, MAX_TEXT as SUPPLEMENT_TEXT};
use model::feedback::{
    MAX_ADDRESS_CHARS, MAX_DESCRIPTION_CHARS, MAX_EMAIL_CHARS, MAX_NAME_CHARS, MAX_NOTE_CHARS,
    MAX_PHOTO_BYTES,
};
use model::service::{Datatype, MAX_STRING_ANSWER, MAX_TEXT_ANSWER, ServiceCatalog};
use model::trust::{CONSENT_VERSION, consent};
use model::ward_rating::{Answer, ELEMENTS, MAX_COMMENT_CHARS};
use serde_json::{Map, Value, json};
use utoipa::Modify;
use utoipa::openapi::OpenApi;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};

use crate::state::AppState;

/// A day of the year (February 29 left out: no pattern knows leap years without pages of it).
const MONTH_DAY: &str = "((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|(0[469]|11)-(0[1-9]|[12][0-9]|30)|02-(0[1-9]|1[0-9]|2[0-8]))";

/// What the server trims off a value: Unicode White_Space, as Rust's `str::trim`.
const WS: &str = r"[\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]";

/// A text that is not only what [`WS`] holds (the server refuses a blank one).
fn not_blank() -> String {
    format!("[^{}]", &WS[1..WS.len() - 1])
}

/// A query value as the server reads it: `core`, or nothing (Open311: an empty argument is an
/// absent one), with blanks around it.
fn trimmed(core: &str) -> String {
    format!("^{WS}*({core})?{WS}*$")
}

/// A comma-separated list as the server reads it (Open311: "comma delimited"): items of
/// `item`, blanks around each, empty items skipped; at most `max` of them (`None`: no limit).
fn list_of(item: &str, max: Option<usize>) -> String {
    let one = format!("{WS}*({item}{WS}*)?");
    let more = max.map_or("*".to_owned(), |m| format!("{{0,{}}}", m - 1));
    format!("^{one}(,{one}){more}$")
}

/// A time in one of the w3 note's forms (`model::w3c_time`). A `+` before the offset that a
/// client left unescaped in a query arrives as a blank, which the server reads as `+`.
fn w3c_time() -> String {
    let zone = "(Z|[+ -]([01][0-9]|2[0-3]):[0-5][0-9])";
    let clock = r"([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,9})?)?";
    format!("[0-9]{{4}}(-(0[1-9]|1[0-2]))?|[0-9]{{4}}-{MONTH_DAY}(T{clock}{zone})?")
}

/// A dossier code as printed on the receipt: `model::dossier::DossierCode::parse`'s rule, kept
/// next to the parser (and tested against it) in `model`.
pub use model::dossier::CODE_PATTERN as DOSSIER_CODE;
/// A check value (`model::dossier::CheckValue`; the server also forgives spaces).
pub const CHECK: &str = "^[2-9A-HJKMNP-Za-hjkmnp-z]{6}$";
/// The largest cursor a JSON client can hold exactly (2⁵³ − 1).
pub const MAX_CURSOR: i64 = 9_007_199_254_740_991;

/// The patterns of `GET requests.json`'s arguments (too long to read in the route's `params`).
fn query_patterns() -> Vec<(&'static str, String)> {
    let time = trimmed(&w3c_time());
    vec![
        ("service_request_id", list_of("[0-9]{1,18}", Some(200))),
        ("status", list_of("open|closed", None)),
        ("ward_code", trimmed("[0-9]{5}")),
        // The surveys' and announcements' lists.
        ("ward", trimmed("[0-9]{5}")),
        ("cursor", trimmed("[0-9]{1,18}")),
        ("start_date", time.clone()),
        ("end_date", time.clone()),
        ("updated_after", time),
    ]
}

/// Free text: anything but control characters other than tab and line breaks (`feedback::text`).
const TEXT: &str = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$";
/// Free text that must say something (not only blanks, which read as absent).
const SOME_TEXT: &str = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$";
/// A report's owner key (`model::trust::OwnerKey`): 43 characters of unpadded base64url, the
/// last one carrying 4 bits (its 2 low bits zero, as a strict decoder wants).
const OWNER_KEY_CORE: &str = "[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]";
const OWNER_KEY: &str = "^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$";

/// The device signature's headers (`model::trust::signature`), as the OpenAPI document states
/// them on the routes that read them (`params(…, SignatureHeaders)`).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code, reason = "only its OpenAPI description is used")]
pub struct SignatureHeaders {
    /// The id the city issued at registration (`POST /api/v1/devices`)
    #[param(rename = "Citizen-Device", pattern = "^[A-Za-z0-9_-]{8,128}$")]
    device: Option<String>,
    /// The request's time, Unix seconds; more than 300 s from the server's clock is refused
    #[param(rename = "Citizen-Time", pattern = "^[0-9]{1,12}$")]
    time: Option<String>,
    /// base64url (unpadded) HMAC-SHA256 with the device's secret over `citizen-sig-v1`, the method, the path with its query, Citizen-Time, the Idempotency-Key (required when signing) and the hex SHA-256 of the body, one per line
    #[param(rename = "Citizen-Signature", pattern = "^[A-Za-z0-9_-]{43}$")]
    signature: Option<String>,
}

/// The security schemes: Open311's `api_key` (for posts; sent here as the `X-Api-Key` header,
/// or as the form field `api_key` that stock clients use) and the back office's key.
pub struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-Api-Key",
                "An api_key the city issued (Open311). Stock clients send it as the form field `api_key` instead; either is enough.",
            ))),
        );
        components.add_security_scheme(
            "device_signature",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "Citizen-Signature",
                "A registered device's signature of this request, with `Citizen-Device` and `Citizen-Time` (see those headers): register once with `POST /api/v1/devices`.",
            ))),
        );
        components.add_security_scheme(
            "citizen_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "An OpenID Connect ID token from the city's identity provider (`--oidc-issuer`), for the writes counted once per citizen. Only in a city that configures one; elsewhere a token is refused (`no_identity_provider`).",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "staff_key",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-Staff-Key",
                "The back office's secret (`--staff-key`); the staff routes are off without one.",
            ))),
        );
    }
}

fn text(max: usize) -> Value {
    json!({"type": "string", "maxLength": max, "pattern": TEXT})
}

fn some_text(max: usize) -> Value {
    json!({"type": "string", "maxLength": max, "pattern": SOME_TEXT})
}

fn api_key_field() -> Value {
    json!({"type": "string", "description": "Open311's api_key, when not sent as the X-Api-Key header"})
}

fn owner_key() -> Value {
    json!({"type": "string", "pattern": OWNER_KEY, "description": "The report's owner key, as its filer sent it with the report"})
}

/// The photo of an upload: its bytes, whose type the multipart `encoding` names.
fn photo_part() -> Value {
    json!({
        "type": "string",
        "format": "binary",
        "minLength": 1,
        "maxLength": MAX_PHOTO_BYTES,
        "description": "One JPEG, PNG or WebP photo, at most 2 MiB (checked by content)",
    })
}

/// A form: `properties`, the `required` ones, nothing else.
fn form(properties: Value, required: &[&str]) -> Value {
    json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    })
}

/// The forms that do not depend on the data.
fn static_forms() -> Vec<(String, Value)> {
    let mut ward_rating = Map::new();
    ward_rating.insert("api_key".into(), api_key_field());
    let answers: Vec<&str> = Answer::ALL.iter().map(|a| a.as_str()).collect();
    for e in ELEMENTS {
        ward_rating.insert(
            e.as_str().into(),
            json!({"type": "string", "enum": answers}),
        );
    }
    ward_rating.insert("comment".into(), text(MAX_COMMENT_CHARS));
    let rating_required = ELEMENTS.map(|e| e.as_str());
    let photo = |fields: Value, required: &[&str]| {
        json!({
            "type": "object",
            "properties": fields,
            "required": required,
            "additionalProperties": false,
        })
    };
    vec![
        (
            "ReopenForm".into(),
            form(
                json!({
                    "api_key": api_key_field(),
                    "owner_key": owner_key(),
                    "description": some_text(MAX_NOTE_CHARS),
                }),
                &["owner_key", "description"],
            ),
        ),
        (
            "RatingForm".into(),
            form(
                json!({
                    "api_key": api_key_field(),
                    "owner_key": owner_key(),
                    "satisfaction": {"type": "string", "enum": ["satisfied", "neutral", "unsatisfied"]},
                    "comment": text(MAX_NOTE_CHARS),
                }),
                &["owner_key", "satisfaction"],
            ),
        ),
        (
            "SupportForm".into(),
            form(json!({"api_key": api_key_field()}), &[]),
        ),
        (
            "DeviceForm".into(),
            form(json!({"api_key": api_key_field()}), &[]),
        ),
        (
            "WardRatingForm".into(),
            form(Value::Object(ward_rating), &rating_required),
        ),
        (
            "PhotoUpload".into(),
            photo(
                json!({
                    "api_key": api_key_field(),
                    "owner_key": owner_key(),
                    "kind": {"type": "string", "enum": ["report", "reopen"], "description": "`reopen` for a photo sent with a \"not fixed\" answer"},
                    "media": photo_part(),
                }),
                &["owner_key", "media"],
            ),
        ),
        (
            "StaffPhotoUpload".into(),
            photo(
                json!({
                    "media": photo_part(),
                }),
                &["media"],
            ),
        ),
    ]
}

/// The photo a multipart upload carries, as its `encoding` names it.
const PHOTO_TYPES: &str = "image/jpeg, image/png, image/webp";

/// The document as served: the generated one, plus what JSON Schema says better than utoipa's
/// types (the form schemas, `dependentRequired`, multipart encodings) and what depends on the
/// data the server loaded (services, their questions, wards).
pub fn served(doc: &OpenApi, state: &AppState) -> Value {
    let mut doc = match serde_json::to_value(doc) {
        Ok(v) => v,
        Err(err) => {
            tracing::error!(%err, "OpenAPI document");
            return Value::Null;
        }
    };
    let patterns = query_patterns();
    if let Some(paths) = doc["paths"].as_object_mut() {
        for (path, item) in paths.iter_mut() {
            let is_dossier_route = path.starts_with("/api/v1/dossiers/{code}")
                || path.starts_with("/api/v1/staff/dossiers/{code}");
            for op in item
                .as_object_mut()
                .into_iter()
                .flat_map(|item| item.values_mut())
            {
                let parameters = op.get_mut("parameters").and_then(Value::as_array_mut);
                for p in parameters.into_iter().flatten() {
                    let name = p["name"].as_str().unwrap_or_default();
                    let pattern = patterns.iter().find(|(n, _)| *n == name);
                    if p["in"] == "query"
                        && let Some((_, pattern)) = pattern
                        && let Some(schema) = p.get_mut("schema").and_then(Value::as_object_mut)
                    {
                        schema.insert("pattern".into(), pattern.clone().into());
                    }
                }
                if is_dossier_route {
                    dossier_params(op);
                }
                // Every body here is required: a POST without one is refused.
                if let Some(body) = op.get_mut("requestBody").and_then(Value::as_object_mut) {
                    body.insert("required".into(), true.into());
                    if let Some(multipart) = body
                        .get_mut("content")
                        .and_then(|c| c.get_mut("multipart/form-data"))
                        .and_then(Value::as_object_mut)
                    {
                        multipart.insert(
                            "encoding".into(),
                            json!({"media": {"contentType": PHOTO_TYPES}}),
                        );
                    }
                }
            }
        }
    }
    add_links(&mut doc);
    let wards: Vec<&str> = state.wards.iter().map(|w| w.code.as_str()).collect();
    if let Some(schemas) = doc["components"]["schemas"].as_object_mut() {
        for (name, schema) in static_forms() {
            schemas.insert(name, schema);
        }
        schemas.insert(
            "NewRequestForm".into(),
            new_request_form(&state.services, &wards),
        );
        dossier_schemas(schemas);
        dossier_move_schemas(schemas);
        survey_schemas(schemas, &wards);
    }
    doc
}

/// The dossier routes' `code` (path) and `check` (query) as the server reads them.
fn dossier_params(op: &mut Value) {
    let parameters = op.get_mut("parameters").and_then(Value::as_array_mut);
    for p in parameters.into_iter().flatten() {
        let pattern = match (p["in"].as_str(), p["name"].as_str()) {
            (Some("path"), Some("code")) => DOSSIER_CODE,
            (Some("query"), Some("check")) => CHECK,
            _ => continue,
        };
        if let Some(schema) = p.get_mut("schema").and_then(Value::as_object_mut) {
            schema.insert("pattern".into(), pattern.into());
        }
    }
}

/// A back-office move: a known state, and a supplement request exactly with
/// `supplement_requested`, one the citizen can act on (`SupplementRequest::check`).
fn dossier_move_schemas(schemas: &mut Map<String, Value>) {
    let name = json!({"type": "string", "minLength": 1, "maxLength": SUPPLEMENT_TEXT, "pattern": not_blank()});
    if let Some(m) = schemas.get_mut("DossierMove") {
        let states: Vec<&str> = DossierStatus::ALL
            .iter()
            .filter(|s| **s != DossierStatus::Other)
            .map(|s| s.as_str())
            .collect();
        m["properties"]["status"]["enum"] = json!(states);
        m["if"] = json!({"properties": {"status": {"const": "supplement_requested"}}, "required": ["status"]});
        m["then"] = json!({"required": ["supplement"], "properties": {"supplement": {"$ref": "#/components/schemas/SupplementRequest"}}});
        m["else"] = json!({"properties": {"supplement": {"type": "null"}}});
    }
    if let Some(s) = schemas.get_mut("SupplementRequest") {
        s["properties"]["papers"]["minItems"] = 1.into();
        s["properties"]["papers"]["maxItems"] = MAX_PAPERS.into();
        s["properties"]["due"]["description"] =
            "The last day to hand it in, if the agency set one; not before the day it is asked (Vietnam time).".into();
    }
    if let Some(p) = schemas.get_mut("RequestedPaper") {
        p["properties"]["name"] = name.clone();
        p["properties"]["copies"]["minimum"] = 1.into();
        p["properties"]["copies"]["maximum"] = u8::MAX.into();
    }
    let ways = schemas
        .get_mut("HandIn")
        .and_then(|h| h.get_mut("oneOf"))
        .and_then(Value::as_array_mut);
    for way in ways.into_iter().flatten() {
        for field in ["place", "address"] {
            if let Some(prop) = way["properties"].get_mut(field) {
                let nullable = prop["type"].is_array();
                *prop = name.clone();
                if nullable {
                    prop["type"] = json!(["string", "null"]);
                }
            }
        }
    }
}

/// A text in both languages, each saying something within `max` characters.
fn bilingual(max: usize) -> Value {
    form(
        json!({"vi": some_text(max), "en": some_text(max)}),
        &["vi", "en"],
    )
}

/// The whole city, or a set of known wards, each once.
fn audience(wards: &[&str]) -> Value {
    json!({"oneOf": [
        form(json!({"kind": {"type": "string", "const": "city"}}), &["kind"]),
        form(json!({
            "kind": {"type": "string", "const": "wards"},
            "wards": {"type": "array", "items": {"type": "string", "enum": wards},
                      "minItems": 1, "uniqueItems": true, "description": "Official five-digit codes"},
        }), &["kind", "wards"]),
    ]})
}

/// What the back office sends for a survey and an announcement, with every limit
/// `model::survey::SurveySpec::check` and `AnnouncementSpec::check` hold it to (the window's
/// order aside: its fields' descriptions say it).
fn survey_schemas(schemas: &mut Map<String, Value>, wards: &[&str]) {
    use model::survey::{
        MAX_CHOICES, MAX_LABEL_CHARS, MAX_PROMPT_CHARS, MAX_QUESTIONS, MAX_SHORT_TEXT,
        MAX_TITLE_CHARS, MIN_CHOICES,
    };
    let choices = json!({"type": "array", "items": bilingual(MAX_LABEL_CHARS),
                         "minItems": MIN_CHOICES, "maxItems": MAX_CHOICES});
    let kind = json!({"oneOf": [
        form(json!({"type": {"type": "string", "const": "single_choice"}, "choices": choices}), &["type", "choices"]),
        form(json!({"type": {"type": "string", "const": "multiple_choice"}, "choices": choices}), &["type", "choices"]),
        form(json!({"type": {"type": "string", "const": "scale"},
                    "low": bilingual(MAX_LABEL_CHARS), "high": bilingual(MAX_LABEL_CHARS)}), &["type", "low", "high"]),
        form(json!({"type": {"type": "string", "const": "short_text"},
                    "max_chars": {"type": "integer", "minimum": 1, "maximum": MAX_SHORT_TEXT}}), &["type", "max_chars"]),
    ]});
    let question = form(
        json!({"prompt": bilingual(MAX_PROMPT_CHARS), "required": {"type": "boolean"}, "kind": kind}),
        &["prompt", "required", "kind"],
    );
    let time = |description: &str| json!({"type": "string", "format": "date-time", "description": description});
    schemas.insert(
        "SurveySpec".into(),
        form(
            json!({
                "title": bilingual(MAX_TITLE_CHARS),
                "questions": {"type": "array", "items": question, "minItems": 1, "maxItems": MAX_QUESTIONS,
                              "description": "In the order they are asked; an answer names them 1, 2, …"},
                "opens_at": time("Answers are taken from this moment (RFC 3339; shown in Ho Chi Minh City time)"),
                "closes_at": time("…until this one (excluded); later than opens_at"),
                "audience": audience(wards),
                "edits_allowed": {"type": "boolean", "description": "Whether a citizen may change their answer until the survey closes"},
            }),
            &["title", "questions", "opens_at", "closes_at", "audience", "edits_allowed"],
        ),
    );
    use model::announcement::{MAX_BODY_CHARS, MAX_TITLE_CHARS as MAX_HEADLINE};
    schemas.insert(
        "AnnouncementSpec".into(),
        form(
            json!({
                "title": bilingual(MAX_HEADLINE),
                "body": bilingual(MAX_BODY_CHARS),
                "audience": audience(wards),
                "urgency": {"type": "string", "enum": ["normal", "urgent"], "description": "`urgent`: shown as a notification"},
                "valid_from": time("Listed from this moment (RFC 3339)"),
                "valid_until": time("…until this one (excluded); later than valid_from"),
            }),
            &["title", "body", "audience", "urgency", "valid_from", "valid_until"],
        ),
    );
    let mut ward_or_empty: Vec<&str> = wards.to_vec();
    ward_or_empty.push("");
    schemas.insert(
        "SurveyAnswerForm".into(),
        json!({
            "type": "object",
            "properties": {
                "api_key": api_key_field(),
                "ward_code": {"type": "string", "enum": ward_or_empty, "description": "The citizen's ward; required by a survey of some wards"},
            },
            "patternProperties": {
                r"^answer\[[1-9][0-9]{0,2}\]$": {"type": "string", "maxLength": MAX_SHORT_TEXT, "pattern": TEXT,
                    "description": "Question N's answer: the choice's number (from 1), the scale's point (1-5), or the text"},
                r"^answer\[[1-9][0-9]{0,2}\]\[\]$": {"type": "array", "items": {"type": "string", "pattern": "^[1-9][0-9]?$"},
                    "minItems": 1, "uniqueItems": true, "description": "A multiple-choice question's choices (numbers from 1)"},
            },
            "additionalProperties": false,
        }),
    );
}

/// The sync request's limits: the pairs' patterns, at most 500 of them, a cursor ≥ 0.
fn dossier_schemas(schemas: &mut Map<String, Value>) {
    if let Some(pair) = schemas.get_mut("TrackedPair") {
        pair["properties"]["code"]["pattern"] = DOSSIER_CODE.into();
        pair["properties"]["check"]["pattern"] = CHECK.into();
    }
    if let Some(request) = schemas.get_mut("ChangesRequest") {
        request["properties"]["dossiers"]["maxItems"] = model::dossier::MAX_TRACKED.into();
        request["properties"]["cursor"]["minimum"] = 0.into();
        request["properties"]["cursor"]["maximum"] = MAX_CURSOR.into();
    }
}

/// A report's id in an answer that is a list of reports (or of one posted report).
const FIRST_ID: &str = "$response.body#/0/service_request_id";
/// The same, as the `{id}` of `requests/{id}` (Open311 puts the format in that segment).
const FIRST_ID_JSON: &str = "{$response.body#/0/service_request_id}.json";
/// The report's owner key, which alone may add photos, re-open and rate.
const FILER: &str = "$request.body#/owner_key";

/// How answers lead to further requests (OpenAPI links): what a client does next with a
/// report it filed, a photo it sent, a list it read. `(from, status, to, parameters, body)`.
fn links() -> Vec<(
    &'static str,
    &'static str,
    &'static str,
    Value,
    Option<Value>,
)> {
    let id = json!({"id": FIRST_ID});
    let survey = json!({"id": "$response.body#/id"});
    let by_filer = Some(json!({"owner_key": FILER}));
    vec![
        (
            "post_request",
            "200",
            "get_request",
            json!({"id": FIRST_ID_JSON}),
            None,
        ),
        (
            "post_request",
            "200",
            "get_request_events",
            id.clone(),
            None,
        ),
        (
            "post_request",
            "200",
            "post_request_media",
            id.clone(),
            by_filer.clone(),
        ),
        ("post_request", "200", "support_request", id.clone(), None),
        ("post_request", "200", "staff_set_status", id.clone(), None),
        ("post_request", "200", "staff_get_request", id.clone(), None),
        (
            "staff_set_status",
            "200",
            "reopen_request",
            id.clone(),
            None,
        ),
        ("staff_set_status", "200", "rate_request", id.clone(), None),
        (
            "staff_set_status",
            "200",
            "staff_add_photo",
            id.clone(),
            None,
        ),
        (
            "staff_set_status",
            "200",
            "get_request_events",
            id.clone(),
            None,
        ),
        (
            "list_requests",
            "200",
            "get_request",
            json!({"id": FIRST_ID_JSON}),
            None,
        ),
        ("list_requests", "200", "reopen_request", id.clone(), None),
        ("list_requests", "200", "rate_request", id, None),
        (
            "post_request_media",
            "200",
            "get_media",
            json!({"id": "$response.body#/media_id"}),
            None,
        ),
        (
            "staff_add_photo",
            "200",
            "get_media",
            json!({"id": "$response.body#/media_id"}),
            None,
        ),
        (
            "list_services",
            "200",
            "get_service_definition",
            json!({"code": "{$response.body#/0/service_code}.json"}),
            None,
        ),
        (
            "list_wards",
            "200",
            "get_ward",
            json!({"code": "$response.body#/units/0/code"}),
            None,
        ),
        (
            "list_wards",
            "200",
            "get_ward_stats",
            json!({"code": "$response.body#/units/0/code"}),
            None,
        ),
        (
            "list_wards",
            "200",
            "rate_ward",
            json!({"code": "$response.body#/units/0/code"}),
            None,
        ),
        // A survey the back office wrote: what it and citizens do next with it.
        (
            "staff_create_survey",
            "201",
            "staff_move_survey",
            survey.clone(),
            None,
        ),
        (
            "staff_create_survey",
            "201",
            "staff_edit_survey",
            survey.clone(),
            None,
        ),
        (
            "staff_create_survey",
            "201",
            "staff_survey_results",
            survey.clone(),
            None,
        ),
        (
            "staff_create_survey",
            "201",
            "get_survey",
            survey.clone(),
            None,
        ),
        (
            "staff_move_survey",
            "200",
            "answer_survey",
            survey.clone(),
            None,
        ),
        (
            "staff_move_survey",
            "200",
            "get_survey_results",
            survey.clone(),
            None,
        ),
        (
            "staff_move_survey",
            "200",
            "staff_move_survey",
            survey,
            None,
        ),
        (
            "staff_create_announcement",
            "201",
            "staff_withdraw_announcement",
            json!({"id": "$response.body#/id"}),
            None,
        ),
    ]
}

fn add_links(doc: &mut Value) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (from, status, to, parameters, body) in links() {
        let op = paths
            .values_mut()
            .filter_map(Value::as_object_mut)
            .flat_map(|item| item.values_mut())
            .find(|op| op.get("operationId").and_then(Value::as_str) == Some(from));
        let Some(response) = op
            .and_then(|op| op.get_mut("responses"))
            .and_then(|r| r.get_mut(status))
            .and_then(Value::as_object_mut)
        else {
            tracing::error!(
                from,
                status,
                "link from an operation or answer that is not documented"
            );
            continue;
        };
        let mut link = json!({"operationId": to, "parameters": parameters});
        if let Some(body) = body {
            link["requestBody"] = body;
        }
        let links = response
            .entry("links")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(links) = links.as_object_mut() {
            links.insert(to.to_owned(), link);
        }
    }
}

/// Open311's `POST requests.json` form: one alternative per service (its code and its
/// questions), each with a location (`lat` + `long`, `address_string`, `address_id` or
/// `ward_code`).
pub fn new_request_form(catalog: &ServiceCatalog, wards: &[&str]) -> Value {
    // Empty reads as absent, so it is allowed; a location needs a non-empty one.
    let mut ward_or_empty: Vec<&str> = wards.to_vec();
    ward_or_empty.push("");
    let mut common = Map::new();
    common.insert("api_key".into(), api_key_field());
    common.insert(
        "jurisdiction_id".into(),
        json!({"type": "string", "enum": [catalog.jurisdiction_id, ""]}),
    );
    // Points well inside the city; the server takes any point within reach of a unit's centre
    // (`model::geo::unit_at`), a shape no schema can draw.
    common.insert(
        "lat".into(),
        json!({"type": "number", "minimum": 10.70, "maximum": 10.85, "description": "WGS84, with `long`; a point in Ho Chi Minh City"}),
    );
    common.insert(
        "long".into(),
        json!({"type": "number", "minimum": 106.60, "maximum": 106.78, "description": "WGS84, with `lat`"}),
    );
    common.insert("address_string".into(), text(MAX_ADDRESS_CHARS));
    common.insert(
        "address_id".into(),
        json!({"type": "string", "enum": ward_or_empty, "description": "A ward's official code"}),
    );
    common.insert("ward_code".into(), json!({"type": "string", "enum": ward_or_empty, "description": "Extension: the same as address_id"}));
    common.insert("description".into(), text(MAX_DESCRIPTION_CHARS));
    common.insert("first_name".into(), text(MAX_NAME_CHARS));
    common.insert("last_name".into(), text(MAX_NAME_CHARS));
    common.insert(
        "email".into(),
        json!({"type": "string", "maxLength": MAX_EMAIL_CHARS,
               "pattern": r"^([^@\s\x00-\x1F\x7F-\x9F]+@[^@\s.\x00-\x1F\x7F-\x9F][^@\s\x00-\x1F\x7F-\x9F]*\.[^@\s\x00-\x1F\x7F-\x9F]*[^@\s.\x00-\x1F\x7F-\x9F])?$"}),
    );
    common.insert(
        "phone".into(),
        json!({"type": "string", "maxLength": 20, "pattern": r"^(\+?[ .()-]*([0-9][ .()-]*){8,15})?$",
               "description": "8-15 digits, as people write them: '(028) 3822-1234', '+84 90 123 4567'"}),
    );
    common.insert(
        "device_id".into(),
        json!({"type": "string", "pattern": "^([A-Za-z0-9_-]{8,128})?$",
               "description": "Open311's; accepted, never stored or trusted (a signature proves a device)"}),
    );
    common.insert(
        "owner_key".into(),
        json!({"type": "string", "pattern": format!("^({OWNER_KEY_CORE})?$"),
               "description": "Extension: the report's own key (43 characters of base64url), which its photos, \"not fixed\" and rating must show; only its SHA-256 is kept"}),
    );
    common.insert("account_id".into(), json!({"type": "string"}));
    // The citizen's consent to send contact details (`model::trust::Consent`): with any contact
    // field, both are required (`consent_missing` names the one absent).
    common.insert(
        consent::VERSION_FIELD.into(),
        json!({"type": "integer", "minimum": 1, "maximum": CONSENT_VERSION,
               "description": "Which consent text the citizen agreed to (the app's version of it); required with contact details"}),
    );
    common.insert(
        consent::AT_FIELD.into(),
        json!({"type": "string", "format": "date-time",
               "description": "When the citizen agreed (RFC 3339); required with contact details"}),
    );
    common.insert(
        "media_url".into(),
        json!({"type": "string", "maxLength": 500,
               "pattern": r"^(https?://([a-z0-9]+\.)*[a-z][a-z0-9]*(/[A-Za-z0-9._~-]*)*)?$",
               "description": "A photo already online (http or https)"}),
    );
    let services: Vec<Value> = catalog
        .services
        .iter()
        .map(|s| {
            let mut properties = common.clone();
            properties.insert(
                "service_code".into(),
                json!({"type": "string", "const": s.code.as_str()}),
            );
            let mut required = vec![Value::from("service_code")];
            for a in &s.attributes {
                let keys: Vec<&str> = a.values.iter().map(|v| v.key.as_str()).collect();
                let (name, schema) = match a.datatype {
                    Datatype::Singlevaluelist => (
                        format!("attribute[{}]", a.code),
                        json!({"type": "string", "enum": keys}),
                    ),
                    Datatype::Multivaluelist => (
                        format!("attribute[{}][]", a.code),
                        json!({"type": "array", "items": {"type": "string", "enum": keys},
                               "minItems": 1, "uniqueItems": true}),
                    ),
                    Datatype::Number => (
                        format!("attribute[{}]", a.code),
                        json!({"type": "number", "minimum": -model::service::MAX_NUMBER_ANSWER, "maximum": model::service::MAX_NUMBER_ANSWER}),
                    ),
                    Datatype::Datetime => (
                        format!("attribute[{}]", a.code),
                        json!({"type": "string", "format": "date-time"}),
                    ),
                    // Blank reads as unanswered: a required one must say something.
                    Datatype::String | Datatype::Text => {
                        let max = if a.datatype == Datatype::Text {
                            MAX_TEXT_ANSWER
                        } else {
                            MAX_STRING_ANSWER
                        };
                        let mut schema = json!({"type": "string", "maxLength": max});
                        if a.required {
                            schema["pattern"] = r"\S".into();
                        }
                        (format!("attribute[{}]", a.code), schema)
                    }
                };
                if a.required {
                    required.push(Value::from(name.clone()));
                }
                properties.insert(name, schema);
            }
            json!({
                "type": "object",
                "title": s.code.as_str(),
                "properties": properties,
                "required": required,
                "additionalProperties": false,
            })
        })
        .collect();
    json!({
        "description": "Open311's form: the service, a location, the answers to its questions (`attribute[code]`), optional contact fields — sent at all, only with the citizen's consent (`consent_version` and `consent_at`; without them: 400 `consent_missing`). Other empty fields read as absent.",
        "type": "object",
        "oneOf": services,
        "anyOf": [
            {"required": ["lat", "long"]},
            {"required": ["address_string"], "properties": {"address_string": {"pattern": SOME_TEXT}}},
            {"required": ["address_id"], "properties": {"address_id": {"minLength": 1}}},
            {"required": ["ward_code"], "properties": {"ward_code": {"minLength": 1}}},
        ],
        // Contact fields need the consent to send them: sent at all (even empty), both
        // consent fields are required, and each of those needs the other.
        "dependentRequired": {
            "lat": ["long"], "long": ["lat"],
            "first_name": ["consent_version", "consent_at"],
            "last_name": ["consent_version", "consent_at"],
            "email": ["consent_version", "consent_at"],
            "phone": ["consent_version", "consent_at"],
            "consent_version": ["consent_at"], "consent_at": ["consent_version"],
        },
    })
}

//! `GET services.json` and `GET services/{code}.json`: the 1022 fields and their questions.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use model::Language;
use model::open311::{AttributeOut, AttributeValueOut, ServiceDefinition, ServiceSummary};
use model::service::{Datatype, Service};

use super::{check_jurisdiction, language, pairs, strip_json};
use crate::error::{ApiError, ErrorEntry};
use crate::state::AppState;

fn summary(s: &Service, lang: Language) -> ServiceSummary {
    let keywords = match lang {
        Language::Vi => &s.keywords.vi,
        Language::En => &s.keywords.en,
    };
    ServiceSummary {
        service_code: s.code.to_string(),
        service_name: s.name.get(lang).to_owned(),
        description: s.description.get(lang).to_owned(),
        metadata: s.has_metadata(),
        kind: "realtime".into(),
        keywords: keywords.join(","),
        group: s.group.get(lang).to_owned(),
    }
}

fn datatype(d: Datatype) -> &'static str {
    match d {
        Datatype::String => "string",
        Datatype::Number => "number",
        Datatype::Datetime => "datetime",
        Datatype::Text => "text",
        Datatype::Singlevaluelist => "singlevaluelist",
        Datatype::Multivaluelist => "multivaluelist",
    }
}

/// The feedback categories.
#[utoipa::path(
    get,
    path = "/open311/v2/services.json", operation_id = "list_services",
    tag = "open311",
    params(
        ("jurisdiction_id" = Option<String>, Query, description = "This city's id, optional"),
        ("locale" = Option<String>, Query, description = "`vi` (default) or `en`; `Accept-Language` also works"),
    ),
    responses(
        (status = 200, body = [ServiceSummary]),
        (status = 404, body = [ErrorEntry], description = "Unknown jurisdiction_id"),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Json<Vec<ServiceSummary>>, ApiError> {
    let query = pairs(query.unwrap_or_default().as_bytes())?;
    check_jurisdiction(&state, &query)?;
    let lang = language(&headers, &query);
    Ok(Json(
        state
            .services
            .services
            .iter()
            .map(|s| summary(s, lang))
            .collect(),
    ))
}

/// The questions of one category (`{code}` is `<service_code>.json`).
#[utoipa::path(
    get,
    path = "/open311/v2/services/{code}", operation_id = "get_service_definition",
    tag = "open311",
    params(
        ("code" = String, Path, pattern = "^[a-z0-9-]{1,64}\\.json$", description = "`<service_code>.json`, e.g. `thoat-nuoc.json`"),
        ("jurisdiction_id" = Option<String>, Query, description = "This city's id, optional"),
        ("locale" = Option<String>, Query, description = "`vi` (default) or `en`"),
    ),
    responses(
        (status = 200, body = ServiceDefinition),
        (status = 400, body = [ErrorEntry], description = "Not `.json`"),
        (status = 404, body = [ErrorEntry], description = "Unknown service_code or jurisdiction_id"),
    )
)]
pub async fn definition(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(code): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<ServiceDefinition>, ApiError> {
    // The format first, as for the routes without a path argument (`services.xml`).
    let code = strip_json(&code)?;
    let query = pairs(query.unwrap_or_default().as_bytes())?;
    check_jurisdiction(&state, &query)?;
    let lang = language(&headers, &query);
    let service = state
        .services
        .get(code)
        .ok_or_else(|| ApiError::NotFound("no service has this code".into()))?;
    let mut attributes: Vec<AttributeOut> = service
        .attributes
        .iter()
        .map(|a| AttributeOut {
            variable: true,
            code: a.code.clone(),
            datatype: datatype(a.datatype).to_owned(),
            required: a.required,
            datatype_description: None,
            order: a.order,
            description: a.description.get(lang).to_owned(),
            values: a
                .values
                .iter()
                .map(|v| AttributeValueOut {
                    key: v.key.clone(),
                    name: v.name.get(lang).to_owned(),
                })
                .collect(),
        })
        .collect();
    attributes.sort_by_key(|a| a.order);
    Ok(Json(ServiceDefinition {
        service_code: service.code.to_string(),
        attributes,
    }))
}

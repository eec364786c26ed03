//! Open311 Service Discovery (required by GeoReport v2): where this city's endpoint is, its
//! formats, how to get an api_key. Served as `discovery.json` and `discovery.xml`, as that spec
//! asks ("Format must be both: xml, json"); the JSON follows the XML by the Spark convention.

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
use serde::Serialize;
use utoipa::ToSchema;

use crate::state::AppState;

/// When this document last changed (sortable, as the spec asks): the routes' version.
const CHANGESET: &str = "2026-12-03 00:00";
const GEOREPORT_V2: &str = "http://wiki.open311.org/GeoReport_v2";
const CONTACT: &str = "Reference city API of the Citizen App (crates/city-api); a city \
    publishing it writes its own IT team's contact here.";
const KEY_SERVICE: &str = "api_key values are issued by the city's IT team \
    (city-api --api-key); the app's own key ships inside the app.";

#[derive(Debug, Serialize, ToSchema)]
pub struct Discovery {
    changeset: &'static str,
    contact: &'static str,
    key_service: &'static str,
    endpoints: Vec<Endpoint>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Endpoint {
    specification: &'static str,
    url: String,
    changeset: &'static str,
    /// `production` or `test`.
    #[serde(rename = "type")]
    kind: &'static str,
    /// MIME types the endpoint answers in.
    formats: Vec<&'static str>,
}

fn document(state: &AppState) -> Discovery {
    Discovery {
        changeset: CHANGESET,
        contact: CONTACT,
        key_service: KEY_SERVICE,
        endpoints: vec![Endpoint {
            specification: GEOREPORT_V2,
            url: format!("{}/open311/v2", state.public_url),
            changeset: CHANGESET,
            // A reference server: reports filed here are not acted upon by a city.
            kind: "test",
            formats: vec!["application/json"],
        }],
    }
}

/// Service Discovery as JSON.
#[utoipa::path(get, path = "/open311/discovery.json", operation_id = "get_discovery_json", tag = "open311",
    responses((status = 200, body = Discovery)))]
pub async fn json(State(state): State<AppState>) -> Json<Discovery> {
    Json(document(&state))
}

/// Service Discovery as XML (the same document).
#[utoipa::path(get, path = "/open311/discovery.xml", operation_id = "get_discovery_xml", tag = "open311",
    responses((status = 200, content_type = "text/xml", description = "The same document as XML")))]
pub async fn xml(State(state): State<AppState>) -> Response {
    let doc = document(&state);
    let mut w = Writer::new(Vec::new());
    // Writing to a Vec cannot fail; a failure would only lose this optional document.
    let written = write_xml(&mut w, &doc);
    match written {
        Ok(()) => (
            [(header::CONTENT_TYPE, "text/xml; charset=utf-8")],
            w.into_inner(),
        )
            .into_response(),
        Err(err) => {
            tracing::error!(%err, "discovery.xml");
            crate::error::ApiError::NotFound("discovery.xml".into()).into_response()
        }
    }
}

fn write_xml(w: &mut Writer<Vec<u8>>, doc: &Discovery) -> std::io::Result<()> {
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    w.create_element("discovery").write_inner_content(|w| {
        text(w, "changeset", doc.changeset)?;
        text(w, "contact", doc.contact)?;
        text(w, "key_service", doc.key_service)?;
        w.create_element("endpoints").write_inner_content(|w| {
            for e in &doc.endpoints {
                w.create_element("endpoint").write_inner_content(|w| {
                    text(w, "specification", e.specification)?;
                    text(w, "url", &e.url)?;
                    text(w, "changeset", e.changeset)?;
                    text(w, "type", e.kind)?;
                    w.create_element("formats").write_inner_content(|w| {
                        for f in &e.formats {
                            text(w, "format", f)?;
                        }
                        Ok(())
                    })?;
                    Ok(())
                })?;
            }
            Ok(())
        })?;
        Ok(())
    })?;
    Ok(())
}

fn text(w: &mut Writer<Vec<u8>>, name: &str, value: &str) -> std::io::Result<()> {
    w.create_element(name)
        .write_text_content(BytesText::new(value))?;
    Ok(())
}

//! The base of the OpenAPI document; paths are collected from the routes.

use utoipa::Modify;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "Sportello API",
        description = "REST API of Sportello, the online citizen desk for TARI and municipal services. \
                       JSON, snake_case, string ids, RFC 3339 UTC timestamps, dates YYYY-MM-DD, amounts in cents. \
                       Errors are application/problem+json with field-level `errors`.",
        license(name = "EUPL-1.2"),
    ),
    servers((url = "/", description = "This server")),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Registration, sign-in and sessions"),
        (name = "registrations", description = "Identity checks of new citizens (operators)"),
        (name = "requests", description = "Requests (istanze), their messages and transitions"),
        (name = "registry", description = "TQRIF register and compliance"),
        (name = "admin", description = "Tenant settings, offices, users, routing (administrators)"),
        (name = "platform", description = "The platform's tenants: host names, logo, settings, first administrator (platform administrators)"),
        (name = "public", description = "Public information, no sign-in"),
        (name = "agenda", description = "Desks, public slots and bookings without an account, the staff's agenda"),
        (name = "pickups", description = "Bulky-waste pickup zones, items, bookings and route sheets"),
        (name = "taxpayer", description = "The taxpayer's account: contribuenti, utenze, acts, payments, the estratto conto, instalment plans"),
        (name = "imports", description = "Imports from the Comune's tax system (CSV, background jobs)"),
        (name = "pagopa", description = "pagoPA payment notices, paying online, receipts and reconciliation"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                Http::builder()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// Final touches on the generated document, applied once all paths are known: error
/// bodies are `application/problem+json`, every operation documents a `default`
/// problem response for the statuses it does not list (400, 401, 413, 415, 429, 5xx…),
/// and a response the annotations leave undescribed (OpenAPI requires a description) gets
/// the meaning of its status code here.
pub fn finish(spec: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    // A document that does not survive the round trip is a bug in the annotations: fail
    // loudly (every test reading the contract does) instead of serving it unfinished.
    let mut value = serde_json::to_value(&spec).expect("the OpenAPI document serialises");
    let problem_ref = serde_json::json!({"$ref": "#/components/schemas/Problem"});
    if let Some(paths) = value.get_mut("paths").and_then(|p| p.as_object_mut()) {
        for item in paths.values_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            for op in item.values_mut() {
                let Some(responses) = op.get_mut("responses").and_then(|r| r.as_object_mut())
                else {
                    continue;
                };
                for (status, response) in responses.iter_mut() {
                    if let Some(response) = response.as_object_mut()
                        && !response.contains_key("description")
                    {
                        let meaning = status_description(status);
                        let description = match body_name(response) {
                            Some(body) => format!("{meaning}: {body}"),
                            None => meaning.to_owned(),
                        };
                        response.insert("description".into(), description.into());
                    }
                    let Some(content) = response.get_mut("content").and_then(|c| c.as_object_mut())
                    else {
                        continue;
                    };
                    let is_problem = content
                        .get("application/json")
                        .and_then(|j| j.get("schema"))
                        == Some(&problem_ref);
                    if let Some(json) = is_problem
                        .then(|| content.remove("application/json"))
                        .flatten()
                    {
                        content.insert("application/problem+json".into(), json);
                    }
                }
                responses.entry("default").or_insert_with(|| {
                    serde_json::json!({
                        "description": "Error, as RFC 9457 problem details",
                        "content": {"application/problem+json": {"schema": problem_ref.clone()}}
                    })
                });
            }
        }
    }
    serde_json::from_value(value).expect("the finished OpenAPI document deserialises")
}

/// What a status code means on this API, for responses whose annotation gives no
/// description of their own.
fn status_description(status: &str) -> &'static str {
    match status {
        "200" => "OK",
        "201" => "Created",
        "202" => "Accepted: the work goes on in the background",
        "204" => "Done; no body",
        "400" => "Malformed request",
        "401" => "Not signed in, or the session has expired",
        "403" => "Signed in, but the caller's role may not do this",
        "404" => "Not found, or not visible to the caller",
        "409" => "Not possible in the resource's current state; the problem says why",
        "410" => "No longer available",
        "412" => "The resource changed since it was read",
        "413" => "The upload is too large",
        "415" => "Unsupported content type",
        "422" => "Invalid input; `errors` names each field with a message",
        "429" => "Too many requests from this client; retry later",
        "502" => "A service this one depends on answered with an error",
        "503" => "Temporarily unavailable; retry later",
        _ => "Response",
    }
}

/// "`Office`" or "a list of `Office`", from a response's JSON body schema.
fn body_name(response: &serde_json::Map<String, serde_json::Value>) -> Option<String> {
    let schema = response
        .get("content")?
        .get("application/json")?
        .get("schema")?;
    let name = |s: &serde_json::Value| {
        s.get("$ref")?
            .as_str()?
            .strip_prefix("#/components/schemas/")
            .map(str::to_owned)
    };
    match schema.get("items") {
        Some(items) => name(items).map(|n| format!("a list of `{n}`")),
        None => name(schema).map(|n| format!("`{n}`")),
    }
}

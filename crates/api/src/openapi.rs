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
        (name = "public", description = "Public information, no sign-in"),
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

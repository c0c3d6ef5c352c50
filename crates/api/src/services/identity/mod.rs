//! Sign-in with SPID and CIE through an OpenID Connect proxy: the protocol (`client`),
//! the tenant's settings (`settings`) and the flow from redirect to session (`signin`).

pub mod client;
pub mod settings;
pub mod signin;

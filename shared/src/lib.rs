//! Common library of the HubSpot ⇄ QuickBooks Online integration.
//!
//! Every Lambda wires these pieces together in its `main.rs`; handlers parse and verify a request, call one
//! function here and map the result to a response.

pub mod actions;
pub mod app;
pub mod config;
pub mod connect;
pub mod connections;
pub mod documents;
pub mod domain;
pub mod email;
pub mod error;
pub mod http;
pub mod hubspot;
pub mod ids;
pub mod installs;
pub mod oauth;
pub mod outbound;
pub mod pace;
pub mod quickbooks;
pub mod settings;
pub mod store;
pub mod sync;
pub mod tokens;
pub mod vault;
pub mod verify;

pub use app::App;
pub use config::{AppCredentials, Config};
pub use error::{AppError, ErrorCode};
pub use store::Store;
pub use vault::{TokenSet, Vault};

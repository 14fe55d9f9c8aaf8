//! The Asterisk Manager Interface protocol, and nothing else: no model, no UI.

pub mod action;
mod backoff;
pub mod codec;
mod connection;
mod event_queue;
mod lines;
mod login;
pub mod message;
mod pending;
mod runner;
pub mod session;
mod session_types;
mod tls;
mod transport;

pub use action::{Action, InvalidAction};
pub use backoff::RetryPolicy;
pub use codec::{AmiCodec, AmiVersion, Banner, Frame, Limits, Malformed, MalformedReason};
pub use message::{Kind, Message};
pub use session::{
    AuthMode, ConnectionState, Reply, SendError, SessionConfig, SessionEvent, SessionEvents,
    SessionHandle, spawn,
};
pub use tls::Fingerprint;

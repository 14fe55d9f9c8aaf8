//! The Asterisk Manager Interface protocol, and nothing else: no model, no UI.

pub mod action;
pub mod codec;
pub mod message;

pub use action::{Action, InvalidAction};
pub use codec::{AmiCodec, AmiVersion, Banner, Frame, Limits, Malformed, MalformedReason};
pub use message::{Kind, Message};

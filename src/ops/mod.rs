//! Acting on the PBX: what the operator may ask for, the forms that gather
//! the details, their validation, the AMI action each one sends, and the
//! words that tell the user how it went.
//!
//! Why it exists apart from the UI: everything here is plain data (strings
//! in, an [`Action`](crate::ami::Action) or a description out), so the
//! rules — no line break ever reaches the wire, destructive actions ask
//! first, read-only mode sends nothing — are tested without a terminal, and
//! the dashboard only draws forms and forwards keys.
//!
//! Flow: [`start()`] an [`Op`] on the selected row ([`Selection`]); it gives
//! a [`Form`] to fill in (then [`Form::submit`]) or a ready [`Request`];
//! a request with [`Request::confirmation`] is confirmed by the user before
//! it is sent; the reply goes through [`describe`], and the later
//! `OriginateResponse` of an accepted Originate through [`OriginateWatch`].

mod any_action;
mod check;
pub mod conference;
mod detail_query;
mod features;
mod form;
mod forms;
mod op;
mod originate;
mod outcome;
pub mod parking;
mod read_only;
mod start;
pub mod supervise;
mod supervisor;

pub use any_action::{any_action, header_line};
pub use detail_query::{detail_query, queried_mailbox};
pub use form::{FieldError, FieldSpec, Form};
pub use op::{Choice, Op, RecordedLeg, Refusal, Request, RowKind, Selection};
pub use originate::OriginateWatch;
pub use outcome::{Outcome, describe};
pub use read_only::{read_only_allows, read_only_refusal};
pub use start::{Start, permit, start};

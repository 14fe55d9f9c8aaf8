//! amitop: a live terminal dashboard for the Asterisk PBX.
//!
//! Layers, in the direction data flows: `ami` (protocol and session) feeds
//! `model` (a pure reducer); the binary's front ends read the model.

pub mod ami;
pub mod app;
pub mod cli;
pub mod config;
pub mod event_filter;
pub mod logging;
pub mod model;
pub mod ops;
pub mod resync;
pub mod sim;
pub mod ui;

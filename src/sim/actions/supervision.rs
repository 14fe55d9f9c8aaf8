//! The recording actions, answered as app_mixmonitor does (`e6`): replies
//! carry no `Message`; `MixMonitor` answers with the recording's id on 12+.

use super::{Reply, Request};
use crate::sim::vocab::Dialect;
use crate::sim::wire::Fields;

fn channel_or_error(r: &Request) -> Result<String, Reply> {
    r.header("Channel")
        .filter(|c| !c.is_empty())
        .ok_or_else(|| r.error("No channel specified"))
}

/// A bare `Response: Success` with the request's ActionID.
fn bare_success(r: &Request) -> Fields {
    Fields::response("Success", r.id())
}

pub(super) fn mix_monitor(r: &mut Request) -> Reply {
    let channel = match channel_or_error(r) {
        Ok(channel) => channel,
        Err(reply) => return reply,
    };
    match r.shared.change(|pbx| pbx.mix_monitor(&channel)) {
        Ok(id) => {
            let reply = bare_success(r);
            let reply = match r.dialect() {
                Dialect::Modern => reply.with("MixMonitorID", id),
                Dialect::Ami11 => reply,
            };
            Reply::one(reply.build())
        }
        Err(message) => r.error(message),
    }
}

pub(super) fn mix_monitor_mute(r: &mut Request) -> Reply {
    let channel = match channel_or_error(r) {
        Ok(channel) => channel,
        Err(reply) => return reply,
    };
    let direction = r.header("Direction").unwrap_or_else(|| "both".into());
    if !["read", "write", "both"].contains(&direction.to_ascii_lowercase().as_str()) {
        return r.error("Invalid direction specified. Must be read, write or both");
    }
    let on = r.header("State").is_some_and(|s| s.trim() == "1");
    match r
        .shared
        .change(|pbx| pbx.mix_monitor_mute(&channel, &direction, on))
    {
        Ok(()) => Reply::one(bare_success(r).build()),
        Err(message) => r.error(message),
    }
}

pub(super) fn stop_mix_monitor(r: &mut Request) -> Reply {
    let channel = match channel_or_error(r) {
        Ok(channel) => channel,
        Err(reply) => return reply,
    };
    let id = r.header("MixMonitorID");
    match r
        .shared
        .change(|pbx| pbx.stop_mix_monitor(&channel, id.as_deref()))
    {
        Ok(()) => Reply::one(bare_success(r).build()),
        Err(message) => r.error(message),
    }
}

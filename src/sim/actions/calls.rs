//! Channel and bridge lists (CoreShowChannels, Status, BridgeList,
//! BridgeInfo) and the actions that change calls (Originate, Hangup,
//! Redirect, Atxfer), with Asterisk's replies and error texts
//! (`c1_call_bridge.ami`, `b4_errors.ami`, `asterisk20-sip/s3_sip_call_hold.ami`).

use super::{Reply, Request, is_true};
use crate::sim::channel::{Channel, NORMAL_CLEARING, Party};
use crate::sim::clock;
use crate::sim::flows::{Originate, OriginateTarget};
use crate::sim::pbx::{Pbx, bridge_item};
use crate::sim::vocab::{Dialect, channel_fields};
use crate::sim::wire::Fields;

/// This client's flood calls, which the PBX lists after its own.
fn flood_channels(r: &Request) -> Vec<Channel> {
    r.session
        .flood
        .as_ref()
        .map(|f| crate::sim::lock(f).channels())
        .unwrap_or_default()
}

pub(super) fn core_show_channels(r: &mut Request) -> Reply {
    let id = r.id();
    let flood = flood_channels(r);
    let items = r.shared.read(|pbx| {
        pbx.channels()
            .iter()
            .chain(&flood)
            .map(|chan| {
                let head = Fields::event("CoreShowChannel").with_action_id(id);
                channel_fields(head, "", chan)
                    .with("Application", chan.application.clone())
                    .with("ApplicationData", chan.app_data.clone())
                    .with("Duration", clock::hours_minutes_seconds(pbx.age(chan)))
                    .with("BridgeId", chan.bridge.clone().unwrap_or_default())
            })
            .collect()
    });
    Reply::list(
        id,
        "Channels will follow",
        items,
        "CoreShowChannelsComplete",
        |f, _| f,
    )
}

/// `Status`: every channel, or the one named by `Channel`.
pub(super) fn status(r: &mut Request) -> Reply {
    let id = r.id();
    let only = r.header("Channel");
    let dialect = r.dialect();
    let flood = flood_channels(r);
    let items = r.shared.read(|pbx| {
        pbx.channels()
            .iter()
            .chain(&flood)
            .filter(|chan| only.as_ref().is_none_or(|name| *name == chan.name))
            .map(|chan| status_item(dialect, pbx, chan, id))
            .collect()
    });
    Reply::list_in(
        dialect,
        id,
        "Channel status will follow",
        items,
        "StatusComplete",
        |f, count| f.with("Items", count.to_string()),
    )
}

fn status_item(dialect: Dialect, pbx: &Pbx, chan: &Channel, id: Option<&str>) -> Fields {
    let seconds = pbx.age(chan).as_secs().to_string();
    let head = Fields::event("Status").with("Privilege", "Call");
    match dialect {
        Dialect::Modern => channel_fields(head, "", chan)
            .with(
                "Type",
                crate::sim::channel::device_of_channel(&chan.name)
                    .split('/')
                    .next()
                    .unwrap_or(""),
            )
            .with("DNID", "")
            .with("EffectiveConnectedLineNum", chan.connected.num.clone())
            .with("EffectiveConnectedLineName", chan.connected.name.clone())
            .with("TimeToHangup", "0")
            .with("BridgeID", chan.bridge.clone().unwrap_or_default())
            .with("Application", chan.application.clone())
            .with("Data", chan.app_data.clone())
            .with("Nativeformats", "(ulaw)")
            .with("Readformat", "ulaw")
            .with("Readtrans", "")
            .with("Writeformat", "ulaw")
            .with("Writetrans", "")
            .with("Callgroup", "0")
            .with("Pickupgroup", "0")
            .with("Seconds", seconds)
            .with_action_id(id),
        Dialect::Ami11 => {
            let peer = pbx.channels().iter().find(|other| {
                other.uniqueid != chan.uniqueid
                    && other.bridge.is_some()
                    && other.bridge == chan.bridge
            });
            head.with("Channel", chan.name.clone())
                .with("CallerIDNum", chan.caller.num.clone())
                .with("CallerIDName", chan.caller.name.clone())
                .with("ConnectedLineNum", chan.connected.num.clone())
                .with("ConnectedLineName", chan.connected.name.clone())
                .with("Accountcode", chan.account_code.clone())
                .with("ChannelState", chan.state.code().to_string())
                .with("ChannelStateDesc", chan.state.desc())
                .with("Context", chan.context.clone())
                .with("Extension", chan.exten.clone())
                .with("Priority", chan.priority.to_string())
                .with("Seconds", seconds)
                .with(
                    "BridgedChannel",
                    peer.map(|p| p.name.clone()).unwrap_or_default(),
                )
                .with(
                    "BridgedUniqueid",
                    peer.map(|p| p.uniqueid.clone()).unwrap_or_default(),
                )
                .with("Uniqueid", chan.uniqueid.clone())
                .with_action_id(id)
        }
    }
}

pub(super) fn bridge_list(r: &mut Request) -> Reply {
    let id = r.id();
    let flood = r
        .session
        .flood
        .as_ref()
        .map(|f| crate::sim::lock(f).bridges())
        .unwrap_or_default();
    let items = r.shared.read(|pbx| {
        pbx.bridges()
            .iter()
            .chain(&flood)
            .map(|bridge| bridge_item("BridgeListItem", bridge, id))
            .collect()
    });
    Reply::list(
        id,
        "Bridge listing will follow",
        items,
        "BridgeListComplete",
        |f, _| f,
    )
}

pub(super) fn bridge_info(r: &mut Request) -> Reply {
    let id = r.id();
    let Some(wanted) = r.header("BridgeUniqueid") else {
        return r.error("BridgeUniqueid must be provided");
    };
    let found = r.shared.read(|pbx| {
        let bridge = pbx.bridges().iter().find(|b| b.id == wanted)?.clone();
        let members = bridge
            .members
            .iter()
            .filter_map(|uid| pbx.channels().iter().find(|c| c.uniqueid == *uid))
            .map(|chan| {
                channel_fields(
                    Fields::event("BridgeInfoChannel").with_action_id(id),
                    "",
                    chan,
                )
            })
            .collect::<Vec<_>>();
        Some((bridge, members))
    });
    let Some((bridge, members)) = found else {
        return r.error(&format!("Bridge {wanted} not found"));
    };
    Reply::list(
        id,
        "Bridge channel listing will follow",
        members,
        "BridgeInfoComplete",
        |f, _| {
            let mut f = f;
            f.append(bridge_item("unused", &bridge, None).without("Event"));
            f
        },
    )
}

pub(super) fn originate(r: &mut Request) -> Reply {
    let Some(device) = r.header("Channel") else {
        return r.error("Channel not specified");
    };
    if !device.contains('/') {
        return r.error("Invalid channel");
    }
    let target = match (r.header("Exten"), r.header("Application")) {
        (Some(exten), _) => OriginateTarget::Exten {
            context: r.header("Context").unwrap_or_else(|| "default".into()),
            exten,
        },
        (None, Some(application)) => OriginateTarget::App {
            application,
            data: r.header("Data").unwrap_or_default(),
        },
        (None, None) => return r.error("Originate failed"),
    };
    let is_async = r.header("Async").is_some_and(|v| is_true(&v));
    let request = Originate {
        device,
        target,
        caller_id: r.header("CallerID").map(|cid| parse_caller_id(&cid)),
        account: r.header("Account"),
        variables: r
            .msg
            .get_all("Variable")
            .flat_map(|v| {
                v.split(',')
                    .filter_map(|pair| pair.split_once('='))
                    .map(|(k, v)| (k.trim().to_owned(), v.to_owned()))
                    .collect::<Vec<_>>()
            })
            .collect(),
        report: is_async.then(|| r.id.clone()),
    };
    r.shared.change(|pbx| pbx.originate(&request));
    let mut reply = r.success("Originate successfully queued");
    reply.events_first = !is_async;
    reply
}

pub(super) fn hangup(r: &mut Request) -> Reply {
    let Some(channel) = r.header("Channel") else {
        return r.error("No channel specified");
    };
    // Like Asterisk, a bad cause is ignored rather than keeping the call up.
    let cause = r
        .header("Cause")
        .and_then(|text| text.parse().ok())
        .filter(|cause| (1..=127).contains(cause))
        .unwrap_or(NORMAL_CLEARING);
    if r.shared.change(|pbx| pbx.hangup(&channel, cause, true)) {
        r.success("Channel Hungup")
    } else {
        r.error("No such channel")
    }
}

/// `Redirect`: the channel leaves its call for `Exten@Context`.
pub(super) fn redirect(r: &mut Request) -> Reply {
    let Some(channel) = r.header("Channel") else {
        return r.error("Channel not specified");
    };
    let Some(exten) = r.header("Exten") else {
        return r.error("Exten not specified");
    };
    let context = r.header("Context").unwrap_or_else(|| "default".into());
    if r.shared
        .change(|pbx| pbx.redirect(&channel, &context, &exten))
    {
        r.success("Redirect successful")
    } else {
        r.error(&format!("Channel does not exist: {channel}"))
    }
}

/// `Atxfer`: the channel consults `Exten`, then hands its peer over.
pub(super) fn atxfer(r: &mut Request) -> Reply {
    let Some(channel) = r.header("Channel") else {
        return r.error("No channel specified");
    };
    let Some(exten) = r.header("Exten") else {
        return r.error("No extension specified");
    };
    let exists = r
        .shared
        .read(|pbx| pbx.channels().iter().any(|c| c.name == channel));
    if !exists {
        return r.error("Channel specified does not exist");
    }
    match r
        .shared
        .change(|pbx| pbx.attended_transfer(&channel, &exten))
    {
        Some(_) => r.success("Atxfer successfully queued"),
        None => r.error("Atxfer failed"),
    }
}

/// `"Alice Example" <5551000>`, `<5551000>`, `Alice` or `5551000`.
fn parse_caller_id(text: &str) -> Party {
    if let Some((name, rest)) = text.split_once('<') {
        let num = rest.split('>').next().unwrap_or_default().trim();
        let name = name.trim().trim_matches('"').trim();
        return Party::new(num, name);
    }
    let text = text.trim();
    let is_number = text
        .chars()
        .all(|c| c.is_ascii_digit() || "+*#".contains(c));
    if is_number {
        Party::new(text, "")
    } else {
        Party::new("", text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caller_ids_parse_like_asterisk() {
        assert_eq!(
            parse_caller_id("\"Alice Example\" <5551000>"),
            Party::new("5551000", "Alice Example")
        );
        assert_eq!(parse_caller_id("<100>"), Party::new("100", ""));
        assert_eq!(parse_caller_id("Bob"), Party::new("", "Bob"));
        assert_eq!(parse_caller_id("+3212"), Party::new("+3212", ""));
    }
}

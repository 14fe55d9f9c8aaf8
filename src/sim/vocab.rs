//! The two vocabularies the simulator speaks: Asterisk 12+ ("modern", the
//! layouts of `tests/fixtures/ami/c1_call_bridge.ami`) and AMI 1.1
//! (Asterisk 1.6 to 11, `assets/manager_1_1.txt` and the Asterisk 11 streams
//! under `tests/fixtures/ami/third-party/`). The PBX says what happened;
//! this module decides how each dialect writes it, or that it stays silent
//! (1.1 has no bridge objects, modern has no `Rename` for these calls).

use std::borrow::Cow;

use super::channel::{Channel, UNKNOWN, cause_text};
use super::wire::Fields;

/// Which Asterisk generation the simulator imitates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// Asterisk 12 and later (bridges, DialBegin/End, Hold/Unhold).
    Modern,
    /// AMI 1.1 (Dial SubEvents, Bridge Link/Unlink, Hold Status, Join/Leave).
    Ami11,
}

impl Dialect {
    /// The dialect of a banner version: `1.x` is AMI 1, anything else modern.
    pub fn of_ami_version(version: &str) -> Dialect {
        if version.trim().starts_with("1.") {
            Dialect::Ami11
        } else {
            Dialect::Modern
        }
    }
}

/// Something that happened to one channel.
#[derive(Clone, Debug)]
pub enum ChannelEvent<'a> {
    New,
    State,
    HangupRequest { soft: bool, cause: u32 },
    Hangup { cause: u32 },
    Exten { application: &'a str, data: &'a str },
    VarSet { name: &'a str, value: &'a str },
    CallerId,
    AccountCode { old: &'a str },
    Hold { on: bool },
    Music { on: bool },
}

/// How `dialect` reports `event` on `chan`.
pub fn channel_event(dialect: Dialect, event: &ChannelEvent, chan: &Channel) -> Fields {
    match dialect {
        Dialect::Modern => modern_channel_event(event, chan),
        Dialect::Ami11 => legacy_channel_event(event, chan),
    }
}

fn modern_channel_event(event: &ChannelEvent, chan: &Channel) -> Fields {
    let (name, class) = match event {
        ChannelEvent::New => ("Newchannel", "call"),
        ChannelEvent::State => ("Newstate", "call"),
        ChannelEvent::HangupRequest { soft: true, .. } => ("SoftHangupRequest", "call"),
        ChannelEvent::HangupRequest { soft: false, .. } => ("HangupRequest", "call"),
        ChannelEvent::Hangup { .. } => ("Hangup", "call"),
        ChannelEvent::Exten { .. } => ("Newexten", "dialplan"),
        ChannelEvent::VarSet { .. } => ("VarSet", "dialplan"),
        ChannelEvent::CallerId => ("NewCallerid", "call"),
        ChannelEvent::AccountCode { .. } => ("NewAccountCode", "call"),
        ChannelEvent::Hold { on: true } => ("Hold", "call"),
        ChannelEvent::Hold { on: false } => ("Unhold", "call"),
        ChannelEvent::Music { on: true } => ("MusicOnHoldStart", "call"),
        ChannelEvent::Music { on: false } => ("MusicOnHoldStop", "call"),
    };
    let head = Fields::event(name).with("Privilege", format!("{class},all"));
    let fields = channel_fields(head, "", chan);
    match event {
        ChannelEvent::HangupRequest { cause, .. } => fields.with("Cause", cause.to_string()),
        ChannelEvent::Hangup { cause } => fields
            .with("Cause", cause.to_string())
            .with("Cause-txt", cause_text(*cause)),
        ChannelEvent::Exten { application, data } => fields
            .with("Extension", chan.exten.clone())
            .with("Application", *application)
            .with("AppData", *data),
        ChannelEvent::VarSet { name, value } => {
            fields.with("Variable", *name).with("Value", *value)
        }
        ChannelEvent::CallerId => {
            fields.with("CID-CallingPres", "0 (Presentation Allowed, Not Screened)")
        }
        ChannelEvent::AccountCode { old } => fields.with("OldAccountCode", *old),
        ChannelEvent::Music { on: true } => fields.with("Class", "default"),
        _ => fields,
    }
}

fn legacy_channel_event(event: &ChannelEvent, chan: &Channel) -> Fields {
    let call = |name: &str| Fields::event(name).with("Privilege", "call,all");
    let dialplan = |name: &str| Fields::event(name).with("Privilege", "dialplan,all");
    let name = || chan.name.clone();
    let uid = || chan.uniqueid.clone();
    match event {
        ChannelEvent::New => call("Newchannel")
            .with("Channel", name())
            .with("ChannelState", chan.state.code().to_string())
            .with("ChannelStateDesc", chan.state.desc())
            .with("CallerIDNum", chan.caller.num.clone())
            .with("CallerIDName", chan.caller.name.clone())
            .with("AccountCode", chan.account_code.clone())
            .with("Exten", chan.exten.clone())
            .with("Context", chan.context.clone())
            .with("Uniqueid", uid()),
        ChannelEvent::State => call("Newstate")
            .with("Channel", name())
            .with("ChannelState", chan.state.code().to_string())
            .with("ChannelStateDesc", chan.state.desc())
            .with("CallerIDNum", chan.caller.num.clone())
            .with("CallerIDName", chan.caller.name.clone())
            .with("ConnectedLineNum", chan.connected.num.clone())
            .with("ConnectedLineName", chan.connected.name.clone())
            .with("Uniqueid", uid()),
        ChannelEvent::HangupRequest { soft, .. } => call(if *soft {
            "SoftHangupRequest"
        } else {
            "HangupRequest"
        })
        .with("Channel", name())
        .with("Uniqueid", uid()),
        ChannelEvent::Hangup { cause } => call("Hangup")
            .with("Channel", name())
            .with("Uniqueid", uid())
            .with("CallerIDNum", chan.caller.num.clone())
            .with("CallerIDName", chan.caller.name.clone())
            .with("ConnectedLineNum", chan.connected.num.clone())
            .with("ConnectedLineName", chan.connected.name.clone())
            .with("AccountCode", chan.account_code.clone())
            .with("Cause", cause.to_string())
            .with("Cause-txt", cause_text(*cause)),
        ChannelEvent::Exten { application, data } => dialplan("Newexten")
            .with("Channel", name())
            .with("Context", chan.context.clone())
            .with("Extension", chan.exten.clone())
            .with("Priority", chan.priority.to_string())
            .with("Application", *application)
            .with("AppData", *data)
            .with("Uniqueid", uid()),
        ChannelEvent::VarSet { name: var, value } => dialplan("VarSet")
            .with("Channel", name())
            .with("Variable", *var)
            .with("Value", *value)
            .with("Uniqueid", uid()),
        ChannelEvent::CallerId => call("NewCallerid")
            .with("Channel", name())
            .with("CallerIDNum", chan.caller.num.clone())
            .with("CallerIDName", chan.caller.name.clone())
            .with("Uniqueid", uid())
            .with("CID-CallingPres", "0 (Presentation Allowed, Not Screened)"),
        ChannelEvent::AccountCode { old } => call("NewAccountCode")
            .with("Channel", name())
            .with("Uniqueid", uid())
            .with("AccountCode", chan.account_code.clone())
            .with("OldAccountCode", *old),
        ChannelEvent::Hold { on } => call("Hold")
            .with("Status", if *on { "On" } else { "Off" })
            .with("Channel", name())
            .with("Uniqueid", uid()),
        ChannelEvent::Music { on } => {
            let fields = call("MusicOnHold")
                .with("Channel", name())
                .with("UniqueID", uid())
                .with("State", if *on { "Start" } else { "Stop" });
            if *on {
                fields.with("Class", "default")
            } else {
                fields
            }
        }
    }
}

/// The standard channel snapshot Asterisk 12+ puts in call events, with an
/// optional key prefix (`Dest` in DialBegin).
pub fn channel_fields(mut fields: Fields, prefix: &'static str, chan: &Channel) -> Fields {
    let key = |k: &'static str| -> Cow<'static, str> {
        if prefix.is_empty() {
            Cow::Borrowed(k)
        } else {
            Cow::Owned(format!("{prefix}{k}"))
        }
    };
    fields.push(key("Channel"), chan.name.clone());
    fields.push(key("ChannelState"), chan.state.code().to_string());
    fields.push(key("ChannelStateDesc"), chan.state.desc());
    fields.push(key("CallerIDNum"), or_unknown(&chan.caller.num));
    fields.push(key("CallerIDName"), or_unknown(&chan.caller.name));
    fields.push(key("ConnectedLineNum"), or_unknown(&chan.connected.num));
    fields.push(key("ConnectedLineName"), or_unknown(&chan.connected.name));
    fields.push(key("Language"), "en");
    fields.push(key("AccountCode"), chan.account_code.clone());
    fields.push(key("Context"), chan.context.clone());
    fields.push(key("Exten"), chan.exten.clone());
    fields.push(key("Priority"), chan.priority.to_string());
    fields.push(key("Uniqueid"), chan.uniqueid.clone());
    fields.push(key("Linkedid"), chan.linkedid.clone());
    fields
}

fn or_unknown(value: &str) -> String {
    if value.is_empty() {
        UNKNOWN.to_owned()
    } else {
        value.to_owned()
    }
}

/// `Dial` begins: modern `DialBegin`, 1.1 `Dial` with `SubEvent: Begin`.
pub fn dial_begin(
    dialect: Dialect,
    caller: &Channel,
    callee: &Channel,
    dialstring: &str,
) -> Fields {
    match dialect {
        Dialect::Modern => {
            let head = Fields::event("DialBegin").with("Privilege", "call,all");
            channel_fields(channel_fields(head, "", caller), "Dest", callee)
                .with("DialString", dialstring)
        }
        Dialect::Ami11 => Fields::event("Dial")
            .with("Privilege", "call,all")
            .with("SubEvent", "Begin")
            .with("Channel", caller.name.clone())
            .with("Destination", callee.name.clone())
            .with("CallerIDNum", caller.caller.num.clone())
            .with("CallerIDName", caller.caller.name.clone())
            .with("ConnectedLineNum", caller.connected.num.clone())
            .with("ConnectedLineName", caller.connected.name.clone())
            .with("UniqueID", caller.uniqueid.clone())
            .with("DestUniqueID", callee.uniqueid.clone())
            .with("Dialstring", dialstring),
    }
}

/// `Dial` ends with a status (`ANSWER`, `NOANSWER`, `CANCEL`).
pub fn dial_end(dialect: Dialect, caller: &Channel, callee: &Channel, status: &str) -> Fields {
    match dialect {
        Dialect::Modern => {
            let head = Fields::event("DialEnd").with("Privilege", "call,all");
            channel_fields(channel_fields(head, "", caller), "Dest", callee)
                .with("DialStatus", status)
        }
        Dialect::Ami11 => Fields::event("Dial")
            .with("Privilege", "call,all")
            .with("SubEvent", "End")
            .with("Channel", caller.name.clone())
            .with("UniqueID", caller.uniqueid.clone())
            .with("DialStatus", status),
    }
}

/// 1.1's `Bridge` event: two channels linked or unlinked.
pub fn legacy_bridge(linked: bool, one: &Channel, two: &Channel) -> Fields {
    Fields::event("Bridge")
        .with("Privilege", "call,all")
        .with("Bridgestate", if linked { "Link" } else { "Unlink" })
        .with("Bridgetype", "core")
        .with("Channel1", one.name.clone())
        .with("Channel2", two.name.clone())
        .with("Uniqueid1", one.uniqueid.clone())
        .with("Uniqueid2", two.uniqueid.clone())
        .with("CallerID1", one.caller.num.clone())
        .with("CallerID2", two.caller.num.clone())
}

/// 1.1's `Rename`: a masquerade moved a channel to a new name.
pub fn legacy_rename(chan: &Channel, new_name: &str) -> Fields {
    Fields::event("Rename")
        .with("Privilege", "call,all")
        .with("Channel", chan.name.clone())
        .with("Newname", new_name)
        .with("Uniqueid", chan.uniqueid.clone())
}

/// A transfer: `transferer` sent `transferee` to `exten@context` (blind) or
/// to `target`, the channel it was consulting (attended).
pub struct Transfer<'a> {
    pub transferer: &'a Channel,
    pub transferee: &'a Channel,
    pub target: Option<&'a Channel>,
    pub exten: &'a str,
    pub context: &'a str,
    pub bridge: &'a str,
}

pub fn transfer(dialect: Dialect, t: &Transfer) -> Fields {
    match (dialect, t.target) {
        (Dialect::Ami11, target) => {
            // chan_sip reports the transfer (the phones are SIP), with the call's SIP id.
            let fields = Fields::event("Transfer")
                .with("Privilege", "call,all")
                .with("TransferMethod", "SIP")
                .with(
                    "TransferType",
                    if target.is_some() {
                        "Attended"
                    } else {
                        "Blind"
                    },
                )
                .with("Channel", t.transferer.name.clone())
                .with("Uniqueid", t.transferer.uniqueid.clone())
                .with("SIP-Callid", format!("{}@127.0.0.1", t.transferer.uniqueid))
                .with("TargetChannel", target.unwrap_or(t.transferee).name.clone())
                .with(
                    "TargetUniqueid",
                    target.unwrap_or(t.transferee).uniqueid.clone(),
                );
            match target {
                Some(_) => fields,
                None => fields
                    .with("TransferExten", t.exten)
                    .with("TransferContext", t.context),
            }
        }
        (Dialect::Modern, None) => {
            let head = Fields::event("BlindTransfer")
                .with("Privilege", "call,all")
                .with("Result", "Success");
            channel_fields(
                channel_fields(head, "Transferer", t.transferer),
                "Transferee",
                t.transferee,
            )
            .with("BridgeUniqueid", t.bridge)
            .with("BridgeType", "basic")
            .with("IsExternal", "No")
            .with("Context", t.context)
            .with("Extension", t.exten)
        }
        (Dialect::Modern, Some(target)) => {
            let head = Fields::event("AttendedTransfer")
                .with("Privilege", "call,all")
                .with("Result", "Success");
            channel_fields(
                channel_fields(
                    channel_fields(head, "OrigTransferer", t.transferer),
                    "OrigTransferee",
                    t.transferee,
                ),
                "TransferTarget",
                target,
            )
            .with("OrigBridgeUniqueid", t.bridge)
            .with("IsExternal", "No")
            .with("DestType", "Bridge")
            .with("DestBridgeUniqueid", t.bridge)
        }
    }
}

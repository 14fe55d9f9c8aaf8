//! Modules (ModuleCheck, ModuleLoad, Reload; `b2_modules.ami`) and the
//! channel drivers' registration and peer lists (SIPpeers,
//! SIPshowregistry, IAXregistry, IAXpeers; `asterisk20-sip/`, `c9`).

use super::{Reply, Request};
use crate::sim::registry::{self, Tech};
use crate::sim::wire::Fields;

pub(super) fn module_check(r: &mut Request) -> Reply {
    let module = r.header("Module").unwrap_or_default();
    if !r.shared.read(|pbx| pbx.modules().is_loaded(&module)) {
        return r.error("Module not loaded");
    }
    // Asterisk 22 no longer reports module versions: the header stays empty.
    Reply::one(
        Fields::response("Success", r.id())
            .with("Version", "")
            .build(),
    )
}

pub(super) fn module_load(r: &mut Request) -> Reply {
    let (load_type, module) = (r.header("LoadType"), r.header("Module"));
    let result = r.shared.change(|pbx| {
        let outcome = pbx
            .modules
            .load_action(load_type.as_deref(), module.as_deref());
        outcome.events.into_iter().for_each(|e| pbx.emit(e));
        outcome.result
    });
    r.outcome(result)
}

pub(super) fn reload(r: &mut Request) -> Reply {
    let module = r.header("Module").unwrap_or_else(|| "manager".into());
    let result = r.shared.change(|pbx| {
        let outcome = pbx.modules.reload(&module, "Module Reloaded");
        outcome.events.into_iter().for_each(|e| pbx.emit(e));
        outcome.result
    });
    r.outcome(result)
}

pub(super) fn sip_peers(r: &mut Request) -> Reply {
    let (id, dialect) = (r.id(), r.dialect());
    let items = r.shared.read(|pbx| {
        pbx.registry()
            .peers
            .iter()
            .map(|peer| registry::peer_entry(dialect, peer, id))
            .collect()
    });
    peer_list(id, items)
}

/// The reply of `SIPpeers` and `IAXpeers`, around their `PeerEntry` items.
fn peer_list(id: Option<&str>, items: Vec<Fields>) -> Reply {
    Reply::list(
        id,
        "Peer status list will follow",
        items,
        "PeerlistComplete",
        |f, _| f,
    )
}

fn registrations(r: &mut Request, tech: Tech) -> Reply {
    let (id, dialect) = (r.id(), r.dialect());
    let items = r.shared.read(|pbx| {
        pbx.registry()
            .registrations
            .iter()
            .filter(|reg| reg.tech == tech)
            .map(|reg| registry::registry_entry(dialect, reg, id))
            .collect()
    });
    Reply::list(
        id,
        "Registrations will follow",
        items,
        "RegistrationsComplete",
        |f, _| f,
    )
}

pub(super) fn sip_registry(r: &mut Request) -> Reply {
    registrations(r, Tech::Sip)
}

pub(super) fn iax_registry(r: &mut Request) -> Reply {
    registrations(r, Tech::Iax2)
}

/// `IAXpeers`: the IAX2 peer behind each IAX2 registration. Like chan_iax2,
/// the items carry no ActionID (only the response and completion do).
pub(super) fn iax_peers(r: &mut Request) -> Reply {
    if r.shared.config.profile.is_1_4() {
        return iax_peers_1_4(r);
    }
    let id = r.id();
    let items = r.shared.read(|pbx| {
        pbx.registry()
            .registrations
            .iter()
            .filter(|reg| reg.tech == Tech::Iax2)
            .map(|reg| {
                Fields::event("PeerEntry")
                    .with("Channeltype", "IAX2")
                    .with("ObjectName", reg.username.clone())
                    .with("ChanObjectType", "peer")
                    .with("IPaddress", reg.host.clone())
                    .with("IPport", reg.port.to_string())
                    .with("Dynamic", "no")
                    .with("Trunk", "no")
                    .with("Encryption", "no")
                    .with(
                        "Status",
                        if reg.registered {
                            "OK (3 ms)"
                        } else {
                            "UNREACHABLE"
                        },
                    )
                    .with("Description", "")
            })
            .collect()
    });
    peer_list(id, items)
}

/// Asterisk 1.4's `IAXpeers`: its ActionID, then the `iax2 show peers` CLI
/// table as raw text, then blank lines: no Response header, no events.
fn iax_peers_1_4(r: &mut Request) -> Reply {
    let mut text = String::new();
    if let Some(id) = r.id() {
        text.push_str(&format!("ActionID: {id}\r\n"));
    }
    text.push_str(
        "Name/Username    Host                 Mask             Port          Status\r\n",
    );
    let (mut online, mut offline) = (0, 0);
    r.shared.read(|pbx| {
        for reg in pbx
            .registry()
            .registrations
            .iter()
            .filter(|reg| reg.tech == Tech::Iax2)
        {
            let status = if reg.registered {
                "OK (3 ms)"
            } else {
                "UNREACHABLE"
            };
            if reg.registered {
                online += 1;
            } else {
                offline += 1;
            }
            text.push_str(&format!(
                "{:<16} {:<20} 255.255.255.255  {:<13} {status}\r\n",
                reg.username, reg.host, reg.port
            ));
        }
    });
    text.push_str(&format!(
        "{} iax2 peers [{online} online, {offline} offline, 0 unmonitored]\r\n\r\n\r\n",
        online + offline
    ));
    Reply::new(vec![bytes::Bytes::from(text)])
}

//! Modules (ModuleCheck, ModuleLoad, Reload; `b2_modules.ami`) and the
//! channel drivers' registration and peer lists (SIPpeers,
//! SIPshowregistry, IAXregistry, IAXpeers; `asterisk20-sip/`, `c9`).

use super::super::registry::{self, Tech};
use super::super::wire::Fields;
use super::{Reply, Request};

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

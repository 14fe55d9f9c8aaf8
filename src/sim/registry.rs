//! Phones and trunks: the SIP peers that register to the PBX, and the
//! PBX's own outbound registrations (a SIP trunk that flaps, an IAX2 link),
//! with the events and list items of chan_sip and chan_iax2
//! (`asterisk20-sip/s1_sip_status.ami`, `c9_iax2_peerstatus.ami`).

use super::vocab::Dialect;
use super::wire::Fields;

/// A SIP phone registered to the PBX.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Peer {
    /// `2001`: the device is `SIP/2001`.
    pub name: String,
    pub description: String,
    /// Where it registered from, while registered.
    pub port: Option<u16>,
}

impl Peer {
    pub fn device(&self) -> String {
        format!("SIP/{}", self.name)
    }
}

/// Technology of an outbound registration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tech {
    Sip,
    Iax2,
}

impl Tech {
    fn channel_type(self) -> &'static str {
        match self {
            Tech::Sip => "SIP",
            Tech::Iax2 => "IAX2",
        }
    }
}

/// The PBX registering to a provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Registration {
    pub tech: Tech,
    pub host: String,
    pub port: u16,
    pub username: String,
    pub refresh: u32,
    pub registered: bool,
    /// Epoch seconds of the last successful registration (0: never).
    pub registered_at: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Registry {
    pub peers: Vec<Peer>,
    pub registrations: Vec<Registration>,
}

impl Registry {
    /// The office's phones and trunks, all registered at `now_epoch`.
    pub fn office(phones: &[(&str, &str)], now_epoch: u64) -> Self {
        Registry {
            peers: phones
                .iter()
                .enumerate()
                .map(|(i, (name, description))| Peer {
                    name: (*name).into(),
                    description: (*description).into(),
                    port: Some(5061 + i as u16),
                })
                .collect(),
            registrations: vec![
                Registration {
                    tech: Tech::Sip,
                    host: "sip.provider.example".into(),
                    port: 5060,
                    username: "trunk".into(),
                    refresh: 105,
                    registered: true,
                    registered_at: now_epoch,
                },
                Registration {
                    tech: Tech::Iax2,
                    host: "10.0.0.2".into(),
                    port: 4569,
                    username: "branch".into(),
                    refresh: 60,
                    registered: true,
                    registered_at: now_epoch,
                },
            ],
        }
    }
}

/// `PeerStatus` of a phone registering (`port` set) or expiring.
pub fn peer_status(peer: &Peer) -> Fields {
    let fields = Fields::event("PeerStatus")
        .with("Privilege", "system,all")
        .with("ChannelType", "SIP")
        .with("Peer", peer.device());
    match peer.port {
        Some(port) => fields
            .with("PeerStatus", "Registered")
            .with("Address", format!("127.0.0.1:{port}")),
        None => fields
            .with("PeerStatus", "Unregistered")
            .with("Cause", "Expired"),
    }
}

/// `Registry`: an outbound registration changed state.
pub fn registry_event(r: &Registration) -> Fields {
    Fields::event("Registry")
        .with("Privilege", "system,all")
        .with("ChannelType", r.tech.channel_type())
        .with("Username", r.username.clone())
        .with("Domain", r.host.clone())
        .with(
            "Status",
            if r.registered {
                "Registered"
            } else {
                "Rejected"
            },
        )
}

/// `PeerEntry` of `SIPpeers`.
pub fn peer_entry(dialect: Dialect, peer: &Peer, id: Option<&str>) -> Fields {
    let (address, port, status) = match peer.port {
        Some(port) => ("127.0.0.1".to_owned(), port, "OK (1 ms)"),
        None => ("-none-".to_owned(), 0, "UNKNOWN"),
    };
    let fields = Fields::event("PeerEntry")
        .with_action_id(id)
        .with("Channeltype", "SIP")
        .with("ObjectName", peer.name.clone())
        .with("ChanObjectType", "peer")
        .with("IPaddress", address)
        .with("IPport", port.to_string())
        .with("Dynamic", "yes")
        .with("AutoForcerport", "no")
        .with("Forcerport", "no")
        .with("AutoComedia", "no")
        .with("Comedia", "no")
        .with("VideoSupport", "no")
        .with("TextSupport", "no")
        .with("ACL", "no")
        .with("Status", status)
        .with("RealtimeDevice", "no");
    match dialect {
        Dialect::Modern => fields
            .with("Description", peer.description.clone())
            .with("Accountcode", ""),
        Dialect::Ami11 => fields,
    }
}

/// `RegistryEntry` of `SIPshowregistry` or `IAXregistry`.
pub fn registry_entry(dialect: Dialect, r: &Registration, id: Option<&str>) -> Fields {
    let state = if r.registered {
        "Registered"
    } else {
        "Rejected"
    };
    match (r.tech, dialect) {
        (Tech::Iax2, _) => Fields::event("RegistryEntry")
            .with_action_id(id)
            .with("Host", format!("{}:{}", r.host, r.port))
            .with("DNSmanager", "N")
            .with("Username", r.username.clone())
            .with("Perceived", format!("{}:{}", r.host, r.port))
            .with("Refresh", r.refresh.to_string())
            .with("State", state),
        (Tech::Sip, Dialect::Modern) => Fields::event("RegistryEntry")
            .with_action_id(id)
            .with("Host", r.host.clone())
            .with("Port", r.port.to_string())
            .with("Username", r.username.clone())
            .with("Domain", r.host.clone())
            .with("DomainPort", r.port.to_string())
            .with("Refresh", r.refresh.to_string())
            .with("State", state)
            .with("RegistrationTime", r.registered_at.to_string()),
        // 1.1 appends the ActionID last (manager_1_1.txt).
        (Tech::Sip, Dialect::Ami11) => Fields::event("RegistryEntry")
            .with("Host", r.host.clone())
            .with("Port", r.port.to_string())
            .with("Username", r.username.clone())
            .with("Refresh", r.refresh.to_string())
            .with("State", state)
            .with("RegistrationTime", r.registered_at.to_string())
            .with_action_id(id),
    }
}

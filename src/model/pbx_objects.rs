//! Dispatch for the PBX's other objects: parked calls, conferences,
//! voicemail boxes, peer details and DAHDI ports.
//!
//! Why it exists: these sub-models share two rules with the channels: an
//! event names its object by name, and a channel that hangs up (or a
//! resync sweeps) leaves every parking space and room at once. Keeping the
//! dispatch here keeps `model/mod.rs` one line per entry point.

use super::State;
use crate::ami::Message;

impl State {
    /// An event or list item for one of these objects; false when none
    /// handles it.
    pub(super) fn apply_pbx_object(&mut self, msg: &Message, event: &str, now: f64) -> bool {
        self.apply_parking(msg, event, now)
            || self.apply_conference(msg, event, now)
            || self.apply_voicemail(msg, event)
            || self.dahdi.apply(msg, event, self.generation)
            || self.apply_supervision(msg, event, now)
            || (event.ends_with("detail") || event == "endpointdetailcomplete")
                && self.peer_details.endpoint_item(msg, event)
    }

    /// A plain reply: `SIPshowpeer`'s, `MailboxCount`'s, `MailboxStatus`'s.
    pub(super) fn apply_pbx_reply(&mut self, msg: &Message) {
        if msg.is("Response", "Success") && !self.peer_details.peer_report(msg) {
            self.apply_voicemail_reply(msg);
        }
    }

    /// A channel is gone: it waits in no parking space, sits in no room,
    /// spies on nothing and records nothing.
    pub(super) fn forget_in_pbx_objects(&mut self, uniqueid: &str) {
        self.parking.forget_channel(uniqueid);
        self.conferences.forget_channel(uniqueid);
        self.supervision.forget_channel(uniqueid);
    }
}

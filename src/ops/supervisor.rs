//! The requests of the supervisor's operations: a spy on the row's channel
//! from the configured phone, and recordings of the row's channels. The
//! actions themselves are built by [`super::supervise`]; this decides
//! which channel, which file, and what is asked first (barge and record
//! are intrusive: the people in the call hear or are kept).

use crate::model::SpyMode;

use crate::ops::op::{Op, Request, Selection};
use crate::ops::supervise;

/// Labelled requests to pick one of (`start` offers a lone one at once).
pub(super) type Options = Vec<(String, Request)>;

/// The ChanSpy mode of a spy operation.
pub(super) fn mode_of(op: Op) -> SpyMode {
    match op {
        Op::Whisper => SpyMode::Whisper,
        Op::Barge => SpyMode::Barge,
        _ => SpyMode::Listen,
    }
}

/// The spy `op` from `phone` on `target`, asked first when it barges in.
pub(super) fn spy_request(op: Op, phone: &str, target: &str) -> Request {
    let mode = mode_of(op);
    let request = Request::new(op, supervise::spy(phone, target, mode));
    match mode {
        SpyMode::Barge => request.confirm_with(format!(
            "Barge into {target} from {phone}? Both sides will hear you."
        )),
        SpyMode::Listen | SpyMode::Whisper => request,
    }
}

/// The spy from the configured phone; `None` when no phone is configured
/// (the spy form asks for it).
pub(super) fn spy(op: Op, selection: &Selection) -> Option<Request> {
    let phone = selection.supervisor.as_deref().filter(|p| !p.is_empty())?;
    let target = selection.spy_target.as_deref().unwrap_or_default();
    Some(spy_request(op, phone, target))
}

/// Each channel alone, then (for several) all of them at once.
fn each_or_all(requests: Options, all: &str) -> Options {
    let mut options: Options = requests
        .iter()
        .map(|(channel, request)| (format!("only {channel}"), request.clone()))
        .collect();
    if let [(_, first), rest @ ..] = requests.as_slice()
        && !rest.is_empty()
    {
        let mut whole = first.clone();
        whole.also = rest.iter().map(|(_, r)| r.action.clone()).collect();
        options.push((format!("{all}: all {} legs", requests.len()), whole));
    }
    options
}

/// Records the selected channel, or one leg or every leg of the call
/// (each leg's recording holds both sides, as that channel hears them),
/// into the file the config's template names; asked first.
pub(super) fn record(selection: &Selection) -> Options {
    let setup = &selection.recording;
    let files: Vec<(String, String)> = (selection.to_record.iter())
        .map(|(channel, uniqueid)| {
            let file = supervise::recording_file(&setup.template, uniqueid, channel, selection.now);
            (channel.clone(), file)
        })
        .collect();
    let requests: Vec<(String, Request)> = (files.iter())
        .map(|(channel, file)| {
            let action = supervise::record_with(channel, file, &setup.options);
            let question = format!("Record {channel} into {file}?");
            let request = Request::new(Op::Record, action).confirm_with(question);
            (channel.clone(), request)
        })
        .collect();
    let mut options = each_or_all(requests, "every leg, a file each");
    // The whole call is asked once, naming every file.
    if options.len() > 1
        && let Some((_, whole)) = options.last_mut()
    {
        let named: Vec<String> = (files.iter())
            .map(|(channel, file)| format!("{channel} into {file}"))
            .collect();
        *whole = whole
            .clone()
            .confirm_with(format!("Record every leg: {}?", named.join(", ")));
    }
    options
}

/// Mutes the selected recording (both directions), or unmutes it when
/// it is muted.
pub(super) fn mute(selection: &Selection) -> Options {
    (selection.recorded.iter())
        .map(|leg| {
            let action = supervise::mute_recording(&leg.channel, "both", !leg.muted);
            let word = if leg.muted { "unmute" } else { "mute" };
            let request = Request::new(Op::MuteRecording, action);
            (format!("{word} {}", leg.channel), request)
        })
        .collect()
}

/// Stops the selected recording, or one or every one of the call's.
pub(super) fn stop(selection: &Selection) -> Options {
    let requests = (selection.recorded.iter())
        .map(|leg| {
            let action = supervise::stop_recording(&leg.channel, leg.id.as_deref());
            (leg.channel.clone(), Request::new(Op::StopRecording, action))
        })
        .collect();
    each_or_all(requests, "every recording")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::op::{RecordedLeg, Refusal, RowKind};
    use crate::ops::start::{Start, start};
    use crate::ops::supervise::RecordingSetup;

    fn call() -> Selection {
        Selection {
            spy_target: Some("PJSIP/3001-00000004".into()),
            to_record: vec![
                ("PJSIP/100-00000001".into(), "17.1".into()),
                ("PJSIP/3001-00000004".into(), "17.4".into()),
            ],
            recording: RecordingSetup {
                template: "{uniqueid}.wav".into(),
                options: "b".into(),
            },
            now: 10.0,
            ..Selection::default()
        }
    }

    #[test]
    fn a_configured_phone_spies_at_once_and_barging_asks_first() {
        let selection = Selection {
            supervisor: Some("PJSIP/200".into()),
            ..call()
        };
        let Ok(Start::Ready(listen)) = start(Op::Listen, &selection, false) else {
            panic!("listen needs no form with a phone configured");
        };
        assert_eq!(listen.action.get("Channel"), Some("PJSIP/200"));
        assert_eq!(listen.action.get("Data"), Some("PJSIP/3001-00000004,qE"));
        assert_eq!(listen.confirmation(), None);
        let Ok(Start::Ready(barge)) = start(Op::Barge, &selection, false) else {
            panic!("barge needs no form with a phone configured");
        };
        assert_eq!(barge.action.get("Data"), Some("PJSIP/3001-00000004,qBE"));
        assert!(barge.confirmation().unwrap().contains("Both sides"));
    }

    #[test]
    fn without_a_phone_the_form_asks_and_offers_the_last_one_typed() {
        let selection = Selection {
            last_phone: Some("SIP/2005".into()),
            ..call()
        };
        let Ok(Start::Form(form)) = start(Op::Whisper, &selection, false) else {
            panic!("whisper asks for the phone");
        };
        assert_eq!(form.value(form.index_of("Phone").unwrap()), "SIP/2005");
        let request = form.submit().unwrap();
        assert_eq!(request.action.get("Data"), Some("PJSIP/3001-00000004,qwE"));
        assert_eq!(
            start(Op::Listen, &Selection::default(), false),
            Err(Refusal::NeedsSelection(RowKind::Heard))
        );
    }

    #[test]
    fn a_call_is_recorded_one_leg_or_every_leg_each_asked_first() {
        let Ok(Start::Choose(choice)) = start(Op::Record, &call(), false) else {
            panic!("a call of two legs offers a choice");
        };
        let labels: Vec<&str> = choice.options.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(
            labels,
            [
                "only PJSIP/100-00000001",
                "only PJSIP/3001-00000004",
                "every leg, a file each: all 2 legs"
            ]
        );
        let one = &choice.options[0].1;
        assert_eq!(
            one.confirmation(),
            Some("Record PJSIP/100-00000001 into 17.1.wav?")
        );
        assert_eq!(one.action.get("Options"), Some("b"));
        let whole = choice.options[2].1.clone();
        assert!(whole.confirmation().unwrap().contains("17.4.wav"));
        let files: Vec<String> = (whole.split().into_iter())
            .map(|r| r.action.get("File").unwrap().to_owned())
            .collect();
        assert_eq!(files, ["17.1.wav", "17.4.wav"]);
    }

    #[test]
    fn mute_toggles_and_stop_needs_a_recording() {
        let recorded = Selection {
            recorded: vec![RecordedLeg {
                channel: "PJSIP/100-00000001".into(),
                muted: true,
                id: Some("0x7f9ce40038f0".into()),
            }],
            ..Selection::default()
        };
        let Ok(Start::Ready(unmute)) = start(Op::MuteRecording, &recorded, false) else {
            panic!("one recording needs no choice");
        };
        assert_eq!(unmute.action.get("State"), Some("0"));
        assert_eq!(unmute.action.get("Direction"), Some("both"));
        let Ok(Start::Ready(stop)) = start(Op::StopRecording, &recorded, false) else {
            panic!("one recording needs no choice");
        };
        assert_eq!(stop.action.name(), "StopMixMonitor");
        assert_eq!(stop.action.get("MixMonitorID"), Some("0x7f9ce40038f0"));
        assert_eq!(
            start(Op::StopRecording, &call(), false),
            Err(Refusal::NeedsSelection(RowKind::Recorded))
        );
    }
}

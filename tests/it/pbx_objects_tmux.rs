//! End to end: the built `amitop` binary in tmux against the test PBX,
//! for the hints (BLF) and voicemail panes, the DAHDI rows of the peers
//! pane, and Enter on a peer, a DAHDI channel and a mailbox, which asks
//! the server (SIPshowpeer, DAHDIShowChannels, VoicemailBoxSummary) and
//! shows its answer.

use crate::support::tmux::{Dashboard, line_with};

/// Each key as its own `send-keys`, so none is read as part of another
/// (Esc then a key would be Alt-key).
fn keys(tmux: &crate::support::tmux::Tmux, keys: &[&str]) {
    for key in keys {
        tmux.send_keys(&[key]);
    }
}

/// The BLF grid's cell of `exten`: from its lamp to the next lamp or the
/// pane's border.
fn lamp(screen: &str, exten: &str) -> Option<String> {
    let start = format!("● {exten} ");
    let line = screen.lines().find(|l| l.contains(&start))?;
    let cell = &line[line.find(&start)? + '●'.len_utf8()..];
    let end = cell.find(['●', '│']).unwrap_or(cell.len());
    Some(cell[..end].trim().to_owned())
}

/// The extension of the lamp right of `exten`'s on its line.
fn neighbour(screen: &str, exten: &str) -> Option<String> {
    let start = format!("● {exten} ");
    let line = screen.lines().find(|l| l.contains(&start))?;
    let rest = &line[line.find(&start)? + start.len()..];
    let next = &rest[rest.find('●')? + '●'.len_utf8()..];
    next.split_whitespace().next().map(str::to_owned)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_blf_panel_follows_a_call_and_shows_presence() {
    let (pbx, dashboard) = Dashboard::on_test_pbx(120, 30).await;
    let tmux = &dashboard.tmux;
    keys(tmux, &["v", "h"]);
    let screen = tmux
        .wait_for("the hints", |s| {
            s.contains("Hints (BLF)") && lamp(s, "3004").is_some()
        })
        .await;
    // A grid: lamps side by side, every phone's once.
    let lamps = |line: &str| line.matches("● 2").count() + line.matches("● 3").count();
    assert!(screen.lines().any(|l| lamps(l) >= 2), "{screen}");
    let phones = amitop::sim::PHONES;
    let shown: usize = screen.lines().map(lamps).sum();
    assert_eq!(shown, phones.len(), "{screen}");
    // Names from the peers, presence from PresenceStateList.
    let chloe = lamp(&screen, "2003").expect("2003's lamp");
    assert!(chloe.contains("Chloe Accounts"), "{chloe}");
    assert!(
        chloe.contains("dnd") && chloe.contains("In a meeting"),
        "{chloe}"
    );
    let emma = lamp(&screen, "2005").expect("2005's lamp");
    assert!(
        emma.contains("away (lunch)") && emma.contains("Back at 14:00"),
        "{emma}"
    );
    assert!(lamp(&screen, "2001").is_some_and(|l| l.contains("Idle")));

    // A call lights both phones' lamps, and they go out after it.
    let linkedid = pbx.start_call("2001", "2002", "Anna Reception");
    tmux.wait_for("2001 in use", |s| {
        lamp(s, "2001").is_some_and(|l| l.contains("InUse"))
            && lamp(s, "2002").is_some_and(|l| l.contains("InUse"))
    })
    .await;
    assert!(lamp(&tmux.screen(), "2003").is_some_and(|l| l.contains("Idle")));
    assert!(pbx.hangup_call(&linkedid));
    tmux.wait_for("2001 idle again", |s| {
        lamp(s, "2001").is_some_and(|l| l.contains("Idle"))
    })
    .await;

    // Arrows move through the lamps: Down from the first, Enter opens it.
    keys(tmux, &["Down", "Enter"]);
    tmux.wait_for("the second lamp's detail", |s| {
        s.contains("Hint 2002@default")
    })
    .await;
    keys(tmux, &["Escape"]);
    let screen = tmux
        .wait_for("the detail to close", |s| !s.contains("Hint 2002@default"))
        .await;
    // Right: the lamp beside 2002 on its line, in the next column; Left
    // back to 2002.
    let beside = neighbour(&screen, "2002").expect("a lamp right of 2002");
    keys(tmux, &["Right", "Enter"]);
    let detail = format!("Hint {beside}@default");
    tmux.wait_for("the neighbour's detail", |s| s.contains(&detail))
        .await;
    keys(tmux, &["Escape"]);
    tmux.wait_for("the detail to close", |s| !s.contains(&detail))
        .await;
    keys(tmux, &["Left", "Enter"]);
    tmux.wait_for("2002's detail again", |s| s.contains("Hint 2002@default"))
        .await;
    keys(tmux, &["Escape"]);
    tmux.wait_for("the detail to close", |s| !s.contains("Hint 2002@default"))
        .await;

    // Enter: the hint's devices and presence.
    keys(tmux, &["/", "2", "0", "0", "5", "Enter", "Enter"]);
    tmux.wait_for("the hint's detail", |s| {
        s.contains("Hint 2005@default") && s.contains("presence CustomPresence:2005")
    })
    .await;
    keys(tmux, &["q"]);
    assert_eq!(tmux.wait_exit().await, "0");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_voicemail_pane_counts_and_enter_reads_the_messages() {
    let (pbx, dashboard) = Dashboard::on_test_pbx(120, 30).await;
    let tmux = &dashboard.tmux;
    let boxes = pbx.snapshot().features.mailboxes;
    keys(tmux, &["v", "m"]);
    let title = format!("Voicemail ({})", boxes.len());
    let screen = tmux.wait_for("the mailboxes", |s| s.contains(&title)).await;
    for mailbox in &boxes {
        let row = line_with(&screen, &mailbox.id()).expect("a row per box");
        assert!(row.contains(&mailbox.full_name), "{row}");
        let counts = format!(" {} ", mailbox.new_messages);
        assert!(row.contains(&counts), "{row}");
    }
    // Bob's box (2 new, 1 old): Enter lists its three messages.
    let bob = boxes
        .iter()
        .find(|m| m.new_messages == 2)
        .expect("a full box");
    keys(tmux, &["/"]);
    keys(tmux, &[bob.number.as_str(), "Enter", "Enter"]);
    let detail = tmux
        .wait_for("the messages", |s| {
            s.contains("VoicemailBoxSummary: 3 items read")
        })
        .await;
    assert!(
        detail.contains(&format!("Mailbox {}", bob.id())),
        "{detail}"
    );
    assert!(detail.contains("say envelope"), "{detail}");
    let inbox = detail.lines().filter(|l| l.contains("│INBOX")).count();
    let old = detail.lines().filter(|l| l.contains("│Old ")).count();
    assert_eq!((inbox, old), (2, 1), "{detail}");
    keys(tmux, &["q"]);
    assert_eq!(tmux.wait_exit().await, "0");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enter_on_a_peer_or_dahdi_channel_shows_what_the_driver_says() {
    let (_pbx, dashboard) = Dashboard::on_test_pbx(120, 40).await;
    let tmux = &dashboard.tmux;
    keys(tmux, &["4"]);
    let screen = tmux
        .wait_for("the DAHDI span", |s| s.contains("DAHDI/4"))
        .await;
    let alarmed = line_with(&screen, "DAHDI/4").unwrap();
    assert!(
        alarmed.contains("Red Alarm") && alarmed.contains("FXS Kewlstart"),
        "{alarmed}"
    );
    assert!(line_with(&screen, "DAHDI/1").is_some_and(|l| l.contains("No Alarm")));

    keys(tmux, &["/", "SIP/2002", "Enter", "Enter"]);
    let detail = tmux
        .wait_for("SIPshowpeer's answer", |s| {
            s.contains("Peer SIP/2002") && s.contains("SIPshowpeer: details read")
        })
        .await;
    assert!(line_with(&detail, "Callerid").is_some_and(|l| l.contains("\"Ben Sales\" <2002>")));
    assert!(detail.contains("Parkinglot"), "{detail}");

    // Esc closes the detail, then clears the filter; waiting after each
    // keeps the next key from reading as Alt-key.
    keys(tmux, &["Escape"]);
    tmux.wait_for("the detail to close", |s| !s.contains("Peer SIP/2002"))
        .await;
    keys(tmux, &["Escape"]);
    tmux.wait_for("the filter to clear", |s| s.contains("DAHDI/4"))
        .await;
    keys(tmux, &["/", "DAHDI/4", "Enter", "Enter"]);
    tmux.wait_for("the port's detail", |s| {
        s.contains("DAHDI channel 4") && s.contains("DAHDIShowChannels: 1 items read")
    })
    .await;
    keys(tmux, &["q"]);
    assert_eq!(tmux.wait_exit().await, "0");
}

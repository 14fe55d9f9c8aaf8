//! `amitop sim`: the simulated PBX as a standalone AMI server, so any AMI
//! client (amitop itself, another library) can connect, until Ctrl-C.

use std::io::Write;
use std::sync::Arc;

use crate::cli::args::{GlobalArgs, SimAmi, SimArgs};
use crate::cli::error::CliError;
use crate::cli::tail::stop_requested;
use crate::sim::{FloodConfig, PbxConfig, Recording, ReplayConfig, SimTls, SimUser, TestPbx};

/// The user when `--user` is not given.
const DEFAULT_USER: &str = "amitop";

pub async fn run(global: &GlobalArgs, args: &SimArgs) -> Result<(), CliError> {
    let config = config(global, args)?;
    let summary = describe(&config, args);
    let mut listen = args.listen;
    if let Some(port) = args.port {
        listen.set_port(port);
    }
    let pbx = TestPbx::start_on(listen, config)
        .await
        .map_err(|err| CliError::Connection(format!("cannot listen on {listen}: {err}")))?;
    let user = &pbx.config().users[0];
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "amitop sim: listening on {} ({summary}); log in as {} / {} (Ctrl-C stops)",
        pbx.addr(),
        user.username,
        user.secret
    )
    .and_then(|()| out.flush())
    .map_err(CliError::Output)?;
    drop(out);
    tracing::info!("simulator listening on {}", pbx.addr());
    stop_requested().await;
    Ok(())
}

fn config(global: &GlobalArgs, args: &SimArgs) -> Result<PbxConfig, CliError> {
    if !(args.rate.is_finite() && args.rate >= 0.0) {
        return Err(CliError::Usage(format!(
            "--rate {}: expected calls per minute, 0 or more",
            args.rate
        )));
    }
    let replay = match &args.replay {
        Some(path) => {
            let recording = Recording::load(path)
                .map_err(|err| CliError::Usage(format!("--replay {}: {err}", path.display())))?;
            Some(ReplayConfig {
                recording: Arc::new(recording),
                realtime: args.realtime,
            })
        }
        None => None,
    };
    let username = global
        .connect
        .user
        .clone()
        .unwrap_or_else(|| DEFAULT_USER.to_owned());
    let tls = match (&args.cert, &args.key) {
        (Some(cert), Some(key)) => {
            Some(SimTls::from_pem_files(cert, key).map_err(CliError::Usage)?)
        }
        _ if args.tls => {
            return Err(CliError::Usage(
                "sim --tls: give the certificate to serve with --cert FILE --key FILE \
                 (PEM; e.g. openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost \
                 -keyout key.pem -out cert.pem)"
                    .to_owned(),
            ));
        }
        _ => None,
    };
    let config = PbxConfig {
        users: vec![SimUser::new(username, args.secret.clone(), true)],
        seed: args.seed,
        // A replay or a flood sends that, not traffic.
        calls_per_minute: (replay.is_none() && !args.flood).then_some(args.rate),
        // Like the demo, traffic is already flowing when the first client
        // logs in (a replay or a flood sends its own stream from the start).
        warm_up: if args.cold || replay.is_some() || args.flood {
            std::time::Duration::ZERO
        } else {
            crate::sim::DEMO_WARM_UP
        },
        replay,
        flood: args.flood.then_some(FloodConfig {
            live_calls: args.live_calls,
            events: args.flood_events,
        }),
        tls,
        ..PbxConfig::default()
    };
    Ok(match args.ami {
        SimAmi::Modern => config,
        SimAmi::V1_1 => config.ami_1_1(),
    })
}

/// What the server will do, in a few words.
fn describe(config: &PbxConfig, args: &SimArgs) -> String {
    let ami = match &config.tls {
        Some(tls) => format!(
            "AMI {} over TLS, certificate {}",
            config.ami_version,
            tls.fingerprint()
        ),
        None => format!("AMI {}", config.ami_version),
    };
    match (&config.replay, &args.replay) {
        (Some(replay), Some(path)) => format!(
            "{ami}, replaying {} events of {}{}",
            replay.recording.events.len(),
            path.display(),
            if replay.realtime {
                " at the recorded pace"
            } else {
                ""
            }
        ),
        _ if args.flood => format!(
            "{ami}, flooding each client with {} live calls",
            args.live_calls
        ),
        _ => format!("{ami}, seed {}, {} calls/min", args.seed, args.rate),
    }
}

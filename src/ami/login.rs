//! The start of a connection: read the banner, then authenticate.
//!
//! Why it exists: login is a strict request/answer sequence that happens
//! before the session's event loop starts, with its own failure modes. By
//! default it uses `Challenge` with `AuthType: MD5` and proves the secret
//! with `Key = md5(challenge + secret)` (lower-case hex), so the secret never
//! crosses the wire; plaintext `Login` is used only when configured or when
//! the server refuses the challenge. The `Events:` header of `Login` sets
//! which events the server sends from then on. Real Asterisk answers a bad
//! secret with `Response: Error` / `Message: Authentication failed` about a
//! second later and then closes the socket.

use std::time::Duration;

use md5::{Digest, Md5};

use super::action::Action;
use super::codec::{Banner, Frame};
use super::connection::Connection;
use super::message::Message;
use super::pending::ActionIds;
use super::session_types::AuthMode;

/// Who we are and which events we want.
pub(crate) struct Credentials<'a> {
    pub username: &'a str,
    pub secret: &'a str,
    pub auth: AuthMode,
    pub events: &'a str,
}

/// How a login attempt ended, when it did not succeed.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum LoginError {
    /// The server said no; its `Message`.
    Refused(String),
    /// The connection failed or went silent; why.
    Failed(String),
}

/// The key for an MD5 login: lower-case hex of md5(challenge + secret).
pub(crate) fn md5_key(challenge: &str, secret: &str) -> String {
    let digest = Md5::new()
        .chain_update(challenge.as_bytes())
        .chain_update(secret.as_bytes())
        .finalize();
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads the greeting line (`Asterisk Call Manager/11.0.0`).
pub(crate) async fn read_banner(
    conn: &mut Connection,
    limit: Duration,
) -> Result<Banner, LoginError> {
    let frame = tokio::time::timeout(limit, conn.read_frame())
        .await
        .map_err(|_| LoginError::Failed(format!("no AMI banner within {limit:?}")))?;
    match frame {
        Ok(Some(Frame::Banner(banner))) => Ok(banner),
        Ok(Some(_)) => Err(LoginError::Failed(
            "the server did not greet with an AMI banner".into(),
        )),
        Ok(None) => Err(LoginError::Failed(
            "the server closed the connection before its banner".into(),
        )),
        Err(e) => Err(LoginError::Failed(format!("read error: {e}"))),
    }
}

/// Authenticates; each step must be answered within `step_limit`.
pub(crate) async fn login(
    conn: &mut Connection,
    ids: &mut ActionIds,
    who: &Credentials<'_>,
    step_limit: Duration,
) -> Result<(), LoginError> {
    let mut login = Action::new("Login").header("Username", who.username);
    if who.auth == AuthMode::Md5 {
        let challenge = Action::new("Challenge").header("AuthType", "MD5");
        let answer = request(conn, ids, &challenge, step_limit).await?;
        match answer.get("Challenge").filter(|_| is_success(&answer)) {
            Some(challenge) => {
                login.push("AuthType", "MD5");
                login.push("Key", md5_key(&challenge, who.secret));
            }
            None => {
                tracing::warn!(
                    message = %answer.get_or_empty("Message"),
                    "the server refused the MD5 challenge; logging in with a plaintext secret"
                );
                login.push("Secret", who.secret);
            }
        }
    } else {
        login.push("Secret", who.secret);
    }
    login.push("Events", who.events);
    let answer = request(conn, ids, &login, step_limit).await?;
    if is_success(&answer) {
        Ok(())
    } else {
        let message = answer
            .get("Message")
            .map_or_else(|| "login refused".to_owned(), |m| m.into_owned());
        Err(LoginError::Refused(message))
    }
}

fn is_success(response: &Message) -> bool {
    response.is("Response", "Success")
}

/// Sends `action` and waits for the response carrying its ActionID; anything
/// else arriving meanwhile is not expected before login and is skipped.
async fn request(
    conn: &mut Connection,
    ids: &mut ActionIds,
    action: &Action,
    limit: Duration,
) -> Result<Message, LoginError> {
    let id = ids.next();
    let exchange = async {
        conn.write_action(&id, action)
            .await
            .map_err(|e| LoginError::Failed(format!("write error: {e}")))?;
        loop {
            match conn.read_frame().await {
                Ok(Some(Frame::Message(m))) if m.has("Response") && m.is("ActionID", &id) => {
                    return Ok(m);
                }
                Ok(Some(other)) => tracing::debug!(?other, "skipped during login"),
                Ok(None) => {
                    return Err(LoginError::Failed(format!(
                        "the server closed the connection during {}",
                        action.name()
                    )));
                }
                Err(e) => return Err(LoginError::Failed(format!("read error: {e}"))),
            }
        }
    };
    tokio::time::timeout(limit, exchange).await.map_err(|_| {
        LoginError::Failed(format!("no answer to {} within {limit:?}", action.name()))
    })?
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};

    #[test]
    fn md5_key_matches_the_real_asterisk_capture() {
        // a2_login_md5: challenge 169249100, secret "amitop-secret".
        let sent = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/ami/a2_login_md5.sent"
        ))
        .unwrap();
        let key = md5_key("169249100", "amitop-secret");
        assert!(
            sent.contains(&format!("Key: {key}\r\n")),
            "{key} not in {sent}"
        );
        assert_eq!(key, key.to_lowercase());
    }

    /// Plays the server side of a login: answers each action with the next
    /// canned reply (with the client's ActionID put in) and returns what the
    /// client sent.
    async fn serve(mut server: DuplexStream, replies: &[&str]) -> String {
        server
            .write_all(b"Asterisk Call Manager/1.1\r\n")
            .await
            .unwrap();
        let mut seen = String::new();
        let mut buf = vec![0; 4096];
        for (answered, reply) in replies.iter().enumerate() {
            while seen.matches("\r\n\r\n").count() <= answered {
                let n = server.read(&mut buf).await.unwrap();
                seen.push_str(std::str::from_utf8(&buf[..n]).unwrap());
            }
            let last_id = seen.rsplit("ActionID: ").next().unwrap();
            let id = last_id.split("\r\n").next().unwrap();
            server
                .write_all(reply.replace("{id}", id).as_bytes())
                .await
                .unwrap();
        }
        seen
    }

    async fn run_login(
        auth: AuthMode,
        replies: &'static [&'static str],
    ) -> (Result<(), LoginError>, String) {
        let (client, server) = tokio::io::duplex(4096);
        let script = tokio::spawn(serve(server, replies));
        let mut conn = Connection::new(Box::new(client), None);
        let limit = Duration::from_secs(5);
        let banner = read_banner(&mut conn, limit).await.unwrap();
        assert_eq!(banner.text, "Asterisk Call Manager/1.1");
        let who = Credentials {
            username: "amitop",
            secret: "s3cret",
            auth,
            events: "system,call",
        };
        let result = login(&mut conn, &mut ActionIds::default(), &who, limit).await;
        (result, script.await.unwrap())
    }

    #[tokio::test]
    async fn md5_login_sends_the_key_not_the_secret() {
        let (result, sent) = run_login(
            AuthMode::Md5,
            &[
                "Response: Success\r\nActionID: {id}\r\nChallenge: 42\r\n\r\n",
                "Response: Success\r\nActionID: {id}\r\nMessage: Authentication accepted\r\n\r\n",
            ],
        )
        .await;
        assert_eq!(result, Ok(()));
        assert!(sent.contains("Action: Challenge\r\n"));
        assert!(sent.contains(&format!("Key: {}\r\n", md5_key("42", "s3cret"))));
        assert!(sent.contains("Events: system,call\r\n"));
        assert!(!sent.contains("s3cret"));
    }

    #[tokio::test]
    async fn a_refused_challenge_falls_back_to_plaintext() {
        let (result, sent) = run_login(
            AuthMode::Md5,
            &[
                "Response: Error\r\nActionID: {id}\r\nMessage: Must specify AuthType\r\n\r\n",
                "Response: Success\r\nActionID: {id}\r\n\r\n",
            ],
        )
        .await;
        assert_eq!(result, Ok(()));
        assert!(sent.contains("Secret: s3cret\r\n"));
    }

    #[tokio::test]
    async fn a_refusal_carries_the_server_message() {
        let (result, sent) = run_login(
            AuthMode::Plain,
            &["Response: Error\r\nActionID: {id}\r\nMessage: Authentication failed\r\n\r\n"],
        )
        .await;
        assert_eq!(
            result,
            Err(LoginError::Refused("Authentication failed".into()))
        );
        assert!(!sent.contains("Challenge"));
    }

    #[tokio::test]
    async fn a_closed_connection_is_a_failure_not_a_refusal() {
        let (client, mut server) = tokio::io::duplex(4096);
        server
            .write_all(b"Asterisk Call Manager/1.1\r\n")
            .await
            .unwrap();
        drop(server);
        let mut conn = Connection::new(Box::new(client), None);
        read_banner(&mut conn, Duration::from_secs(5))
            .await
            .unwrap();
        let who = Credentials {
            username: "u",
            secret: "s",
            auth: AuthMode::Md5,
            events: "on",
        };
        let result = login(
            &mut conn,
            &mut ActionIds::default(),
            &who,
            Duration::from_secs(5),
        )
        .await;
        assert!(matches!(result, Err(LoginError::Failed(_))), "{result:?}");
    }
}

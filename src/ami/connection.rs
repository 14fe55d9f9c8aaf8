//! One open AMI connection: frames in, actions out, raw bytes recorded.
//!
//! Why it exists instead of `FramedRead`: `--record FILE` must capture every
//! received byte exactly as it arrived, so the bytes are read here into our
//! own buffer, appended to the recording, and only then decoded. Reading a
//! frame is cancel-safe (it can sit in a `select!` next to timers and
//! commands): bytes already read stay in the buffer.

use std::fs::File;
use std::io::{self, Write};

use bytes::BytesMut;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_util::codec::{Decoder, Encoder};

use super::action::Action;
use super::codec::{AmiCodec, Frame, Outgoing};
use super::transport::AmiStream;

const READ_CHUNK: usize = 64 * 1024;

pub(crate) struct Connection {
    stream: Box<dyn AmiStream>,
    codec: AmiCodec,
    buf: BytesMut,
    out: BytesMut,
    record: Option<File>,
    at_eof: bool,
}

impl Connection {
    /// Wraps an open stream; `record` receives every byte read.
    pub(crate) fn new(stream: Box<dyn AmiStream>, record: Option<File>) -> Self {
        Connection {
            stream,
            codec: AmiCodec::default(),
            buf: BytesMut::with_capacity(READ_CHUNK),
            out: BytesMut::new(),
            record,
            at_eof: false,
        }
    }

    /// The next frame, or `None` once the server has closed the connection
    /// and every complete frame has been returned. Cancel-safe.
    pub(crate) async fn read_frame(&mut self) -> io::Result<Option<Frame>> {
        loop {
            if self.at_eof {
                return self.codec.decode_eof(&mut self.buf);
            }
            if let Some(frame) = self.codec.decode(&mut self.buf)? {
                return Ok(Some(frame));
            }
            self.buf.reserve(READ_CHUNK);
            let before = self.buf.len();
            let n = self.stream.read_buf(&mut self.buf).await?;
            if n == 0 {
                self.at_eof = true;
            } else {
                self.record(before);
            }
        }
    }

    /// Appends the bytes from `start` to the end of the buffer to the
    /// recording. A failing recording is reported once and then stopped;
    /// it must not take the session down.
    fn record(&mut self, start: usize) {
        if let Some(file) = &mut self.record
            && let Err(error) = file.write_all(&self.buf[start..])
        {
            tracing::warn!(%error, "recording stopped: cannot write the record file");
            self.record = None;
        }
    }

    /// Writes one action with the given ActionID.
    pub(crate) async fn write_action(
        &mut self,
        action_id: &str,
        action: &Action,
    ) -> io::Result<()> {
        self.out.clear();
        self.codec
            .encode(Outgoing { action_id, action }, &mut self.out)?;
        self.stream.write_all(&self.out).await?;
        self.stream.flush().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncWriteExt;

    #[tokio::test]
    async fn frames_split_across_reads_are_decoded_and_every_byte_is_recorded() {
        let (client, mut server) = tokio::io::duplex(64);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rec.ami");
        let file = File::options()
            .create(true)
            .append(true)
            .open(&path)
            .unwrap();
        let mut conn = Connection::new(Box::new(client), Some(file));
        let sent: &[u8] =
            b"Asterisk Call Manager/2.10.4\r\nEvent: A\r\nX: \xe9\r\n\r\nEvent: B\r\n";
        let writer = tokio::spawn(async move {
            for chunk in sent.chunks(7) {
                server.write_all(chunk).await.unwrap();
                tokio::task::yield_now().await;
            }
        });
        assert!(matches!(
            conn.read_frame().await.unwrap(),
            Some(Frame::Banner(_))
        ));
        let Some(Frame::Message(a)) = conn.read_frame().await.unwrap() else {
            panic!("expected event A")
        };
        assert_eq!(a.event().as_deref(), Some("A"));
        writer.await.unwrap();
        // The last event has no blank line: the end of the stream closes it.
        let Some(Frame::Message(b)) = conn.read_frame().await.unwrap() else {
            panic!("expected event B")
        };
        assert_eq!(b.event().as_deref(), Some("B"));
        assert!(conn.read_frame().await.unwrap().is_none());
        assert_eq!(std::fs::read(&path).unwrap(), sent);
    }

    #[tokio::test]
    async fn actions_go_out_with_their_action_id() {
        let (client, mut server) = tokio::io::duplex(1024);
        let mut conn = Connection::new(Box::new(client), None);
        conn.write_action("7", &Action::new("Ping")).await.unwrap();
        let mut got = vec![0; 64];
        let n = tokio::io::AsyncReadExt::read(&mut server, &mut got)
            .await
            .unwrap();
        assert_eq!(&got[..n], b"Action: Ping\r\nActionID: 7\r\n\r\n");
    }
}

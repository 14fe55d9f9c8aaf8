//! A recorded event stream to play back (`amitop sim --replay FILE.ami`):
//! the events of an `.ami` capture, each with the time it arrived when the
//! capture's `.timing.tsv` is beside it.

use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use bytes::BytesMut;
use tokio_util::codec::Decoder;

use crate::ami::{AmiCodec, Frame, Message};

/// The events of a capture, in order, with their arrival times.
#[derive(Clone, Debug, Default)]
pub struct Recording {
    /// Time since the recorded connection opened, and the event.
    pub events: Vec<(Duration, Message)>,
}

impl Recording {
    /// Reads `path` and, if present, the `.timing.tsv` beside it.
    pub fn load(path: &Path) -> io::Result<Recording> {
        let ami = std::fs::read(path)?;
        let timing = match std::fs::read_to_string(timing_path(path)) {
            Ok(text) => Some(text),
            Err(err) if err.kind() == io::ErrorKind::NotFound => None,
            Err(err) => return Err(err),
        };
        Recording::parse(&ami, timing.as_deref())
    }

    /// The events of `ami`, timed by the `recv` rows of `timing` (all at
    /// zero without it).
    pub fn parse(ami: &[u8], timing: Option<&str>) -> io::Result<Recording> {
        let mut decoder = EventDecoder::default();
        match timing {
            Some(timing) => {
                for (at, range) in recv_chunks(timing)? {
                    let chunk = ami.get(range.clone()).ok_or_else(|| {
                        invalid(format!(
                            "timing row {range:?} is past the end of the capture"
                        ))
                    })?;
                    decoder.feed(chunk, at, false)?;
                }
                decoder.feed(&[], decoder.last, true)?;
            }
            None => decoder.feed(ami, Duration::ZERO, true)?,
        }
        Ok(Recording {
            events: decoder.events,
        })
    }
}

/// `x.ami` -> `x.timing.tsv`.
fn timing_path(path: &Path) -> PathBuf {
    path.with_extension("timing.tsv")
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

/// The received chunks of a timing file: when, and which bytes.
fn recv_chunks(timing: &str) -> io::Result<Vec<(Duration, std::ops::Range<usize>)>> {
    let mut chunks = Vec::new();
    for (number, line) in timing.lines().enumerate().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.get(2) != Some(&"recv") {
            continue;
        }
        let bad = || invalid(format!("timing line {}: {line:?}", number + 1));
        let at: f64 = cols[0].parse().map_err(|_| bad())?;
        let offset: usize = cols.get(3).and_then(|c| c.parse().ok()).ok_or_else(bad)?;
        let length: usize = cols.get(4).and_then(|c| c.parse().ok()).ok_or_else(bad)?;
        let at = Duration::try_from_secs_f64(at).map_err(|_| bad())?;
        chunks.push((at, offset..offset + length));
    }
    Ok(chunks)
}

#[derive(Default)]
struct EventDecoder {
    codec: AmiCodec,
    buffer: BytesMut,
    events: Vec<(Duration, Message)>,
    last: Duration,
}

impl EventDecoder {
    fn feed(&mut self, bytes: &[u8], at: Duration, eof: bool) -> io::Result<()> {
        self.buffer.extend_from_slice(bytes);
        self.last = at;
        loop {
            let frame = if eof {
                self.codec.decode_eof(&mut self.buffer)?
            } else {
                self.codec.decode(&mut self.buffer)?
            };
            match frame {
                Some(Frame::Message(m)) if m.event().is_some() => self.events.push((at, m)),
                Some(_) => {}
                None => return Ok(()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_take_the_time_of_the_chunk_that_completed_them() {
        let ami = b"Asterisk Call Manager/11.0.0\r\nResponse: Success\r\n\r\nEvent: A\r\n\r\nEvent: B\r\n\r\n";
        let timing = "t_rel_s\tt_epoch\tdir\toffset\tlength\n\
                      0.5\t1\trecv\t0\t63\n\
                      0.6\t1\tsent\t0\t10\n\
                      1.25\t1\trecv\t63\t12\n";
        let recording = Recording::parse(ami, Some(timing)).unwrap();
        let names: Vec<(Duration, String)> = recording
            .events
            .iter()
            .map(|(at, m)| (*at, m.event().unwrap().into_owned()))
            .collect();
        assert_eq!(
            names,
            [
                (Duration::from_millis(500), "A".to_owned()),
                (Duration::from_millis(1250), "B".to_owned())
            ]
        );
        assert!(Recording::parse(ami, Some("h\n1\t1\trecv\t500\t9\n")).is_err());
    }
}

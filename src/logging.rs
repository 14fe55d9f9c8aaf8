//! Diagnostics go to a log file, never to the terminal: the terminal belongs
//! to the dashboard (or to the output of `tail` and `send`).
//!
//! The level comes from `AMITOP_LOG` (`info` by default; any tracing
//! `EnvFilter` directive works, e.g. `AMITOP_LOG=amitop=debug`).

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tracing_subscriber::EnvFilter;

/// The environment variable holding the log filter.
pub const LOG_ENV: &str = "AMITOP_LOG";
const FILE_NAME: &str = "amitop.log";

/// `amitop.log` in the user state directory (`~/.local/state/amitop` on
/// Linux), or in the cache directory where there is no state directory.
pub fn default_path() -> Option<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "amitop")?;
    let dir = dirs.state_dir().unwrap_or_else(|| dirs.cache_dir());
    Some(dir.join(FILE_NAME))
}

/// Sends `tracing` output to `path` (appended; created, with its directory,
/// if needed). Fails only when the file cannot be opened.
pub fn init(path: &Path) -> std::io::Result<()> {
    let file = open(path)?;
    let filter = EnvFilter::try_from_env(LOG_ENV).unwrap_or_else(|_| EnvFilter::new("info"));
    // A second init in one process (tests) keeps the first subscriber.
    let _ = tracing_subscriber::fmt()
        .with_writer(Mutex::new(file))
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init();
    Ok(())
}

fn open(path: &Path) -> std::io::Result<File> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    // Logs name peers, channels and numbers: keep them private.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opening_creates_the_directory_and_appends() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/deeper/amitop.log");
        drop(open(&path).unwrap());
        std::fs::write(&path, "first\n").unwrap();
        {
            use std::io::Write;
            let mut file = open(&path).unwrap();
            file.write_all(b"second\n").unwrap();
        }
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "first\nsecond\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "mode {mode:o}");
        }
    }

    #[test]
    fn an_unopenable_path_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("file");
        std::fs::write(&file, "").unwrap();
        assert!(open(&file.join("below-a-file.log")).is_err());
    }
}

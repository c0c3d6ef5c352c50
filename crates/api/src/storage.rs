//! Where uploaded files live: a local folder (the default, one node) or an S3-compatible
//! object store (`SPORTELLO_FILES_URL=s3://bucket/prefix`, any number of nodes).
//!
//! Keys are relative paths of `[A-Za-z0-9._-]` segments, `{tenant}/{kind}/{name}`. The
//! calls are blocking: they run on blocking threads (`web::block`, `spawn_blocking`),
//! never on an async worker. Errors are `io::Error`s; a file the store does not have is
//! [`io::ErrorKind::NotFound`] (404 to clients) and a store that cannot be reached or
//! answers with a server error carries [`Unavailable`] (503, see [`is_unavailable`]).

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

pub mod s3;
pub mod sweep;

pub use s3::S3Files;

/// One stored file as listed: its key and when it was written.
pub type Listed = (String, DateTime<Utc>);

/// What [`FileStore::list`] yields, one file at a time.
pub type Listing<'a> = Box<dyn Iterator<Item = io::Result<Listed>> + Send + 'a>;

pub trait FileStore: Send + Sync {
    /// Stores `bytes` under `key` durably (the call returns after the data is on disk).
    fn put(&self, key: &str, bytes: &[u8]) -> io::Result<()>;
    fn get(&self, key: &str) -> io::Result<Vec<u8>>;
    fn delete(&self, key: &str) -> io::Result<()>;

    /// Stores what `reader` yields under `key`, durably; returns the size. Stores that can
    /// stream override it so a large upload is never held in memory whole.
    fn put_reader(&self, key: &str, reader: &mut dyn io::Read) -> io::Result<u64> {
        let mut bytes = Vec::new();
        reader.read_to_end(&mut bytes)?;
        self.put(key, &bytes)?;
        Ok(bytes.len() as u64)
    }

    /// Reads a stored file as a stream (see [`FileStore::put_reader`]).
    fn open(&self, key: &str) -> io::Result<Box<dyn io::Read + Send>> {
        Ok(Box::new(io::Cursor::new(self.get(key)?)))
    }

    /// Every stored file whose key starts with the segments of `prefix` (`""`: all of
    /// them), with the time it was written, in no particular order.
    fn list(&self, prefix: &str) -> io::Result<Listing<'_>>;
}

/// A stored file that is not there.
#[derive(Debug, thiserror::Error)]
#[error("no stored file {0:?}")]
pub struct Missing(pub String);

/// The file store cannot be reached, timed out or answered with a server error: worth
/// trying again later.
#[derive(Debug, thiserror::Error)]
#[error("file store unavailable: {0}")]
pub struct Unavailable(pub String);

/// `key` is not in the store.
pub fn missing(key: &str) -> io::Error {
    io::Error::new(io::ErrorKind::NotFound, Missing(key.to_owned()))
}

/// The store is down (`kind` says how, when known).
pub fn unavailable(kind: io::ErrorKind, what: impl Into<String>) -> io::Error {
    io::Error::new(kind, Unavailable(what.into()))
}

/// An outage of the store (unreachable, timed out, 5xx) rather than a fault of the call.
pub fn is_unavailable(e: &io::Error) -> bool {
    matches!(e.get_ref(), Some(inner) if inner.is::<Unavailable>()) || outage_kind(e.kind())
}

/// The kinds of error a remote store that is down gives.
pub(crate) fn outage_kind(kind: io::ErrorKind) -> bool {
    use io::ErrorKind as K;
    matches!(
        kind,
        K::ConnectionRefused
            | K::ConnectionReset
            | K::ConnectionAborted
            | K::NotConnected
            | K::TimedOut
            | K::HostUnreachable
            | K::NetworkUnreachable
            | K::NetworkDown
    )
}

/// Whether an error came from a file store and says what the client should hear: the
/// file is missing or the store is down.
pub fn is_store_error(e: &io::Error) -> bool {
    e.get_ref()
        .is_some_and(|inner| inner.is::<Missing>() || inner.is::<Unavailable>())
}

/// Refuses keys that could leave the store's root (or its prefix): non-empty segments of
/// `[A-Za-z0-9._-]`, none of them `.` or `..`.
pub fn check_key(key: &str) -> io::Result<()> {
    let valid = !key.is_empty()
        && key.split('/').all(|seg| {
            !seg.is_empty()
                && seg != "."
                && seg != ".."
                && seg
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        });
    if valid {
        Ok(())
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("invalid storage key {key:?}"),
        ))
    }
}

/// The store `config` names: the bucket of `SPORTELLO_FILES_URL` when set, otherwise the
/// folder `SPORTELLO_FILES_DIR`.
pub fn from_config(
    config: &crate::config::Config,
) -> anyhow::Result<std::sync::Arc<dyn FileStore>> {
    Ok(match &config.files_url {
        Some(url) => std::sync::Arc::new(S3Files::from_url(url, config.files_endpoint.as_deref())?),
        None => std::sync::Arc::new(LocalFiles::new(&config.files_dir)?),
    })
}

/// Files under a root folder; keys are relative paths of `[A-Za-z0-9._-]` segments.
#[derive(Debug, Clone)]
pub struct LocalFiles {
    root: PathBuf,
}

impl LocalFiles {
    pub fn new(root: impl Into<PathBuf>) -> io::Result<Self> {
        let root = root.into();
        fs::create_dir_all(&root)?;
        Ok(Self { root })
    }

    /// Where `key` lives under the root; refuses keys that could leave it.
    pub fn path_of(&self, key: &str) -> io::Result<PathBuf> {
        self.path(key)
    }

    fn path(&self, key: &str) -> io::Result<PathBuf> {
        check_key(key)?;
        Ok(self.root.join(key))
    }
}

/// A missing file says which key it was (404 to clients, see [`Missing`]).
fn found<T>(key: &str, r: io::Result<T>) -> io::Result<T> {
    r.map_err(|e| {
        if e.kind() == io::ErrorKind::NotFound {
            missing(key)
        } else {
            e
        }
    })
}

impl FileStore for LocalFiles {
    fn put(&self, key: &str, bytes: &[u8]) -> io::Result<()> {
        let path = self.path(key)?;
        let dir = path.parent().unwrap_or(&self.root).to_path_buf();
        fs::create_dir_all(&dir)?;
        // Write to a temporary name, fsync, then rename: a crash leaves the old state or
        // the whole file, never a torn one.
        let tmp = path.with_extension("part");
        {
            let mut f = fs::File::create(&tmp)?;
            f.write_all(bytes)?;
            f.sync_all()?;
        }
        fs::rename(&tmp, &path)?;
        sync_dir(&dir);
        Ok(())
    }

    fn get(&self, key: &str) -> io::Result<Vec<u8>> {
        found(key, fs::read(self.path(key)?))
    }

    fn delete(&self, key: &str) -> io::Result<()> {
        match fs::remove_file(self.path(key)?) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            other => other,
        }
    }

    fn put_reader(&self, key: &str, reader: &mut dyn io::Read) -> io::Result<u64> {
        let path = self.path(key)?;
        let dir = path.parent().unwrap_or(&self.root).to_path_buf();
        fs::create_dir_all(&dir)?;
        let tmp = path.with_extension("part");
        let size = {
            let mut f = fs::File::create(&tmp)?;
            let size = io::copy(reader, &mut f)?;
            f.sync_all()?;
            size
        };
        fs::rename(&tmp, &path)?;
        sync_dir(&dir);
        Ok(size)
    }

    fn open(&self, key: &str) -> io::Result<Box<dyn io::Read + Send>> {
        let file = found(key, fs::File::open(self.path(key)?))?;
        Ok(Box::new(io::BufReader::new(file)))
    }

    fn list(&self, prefix: &str) -> io::Result<Listing<'_>> {
        let start = if prefix.is_empty() {
            self.root.clone()
        } else {
            self.path(prefix)?
        };
        // Depth first, one folder's entries at a time.
        let mut pending = vec![start];
        let mut entries: Option<fs::ReadDir> = None;
        let root = self.root.clone();
        Ok(Box::new(std::iter::from_fn(move || {
            loop {
                let Some(dir) = entries.as_mut() else {
                    let next = pending.pop()?;
                    match fs::read_dir(&next) {
                        Ok(d) => entries = Some(d),
                        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                        // The prefix named a file, not a folder.
                        Err(_) if next.is_file() => return Some(listed(&root, &next)),
                        Err(e) => return Some(Err(e)),
                    }
                    continue;
                };
                let Some(entry) = dir.next() else {
                    entries = None;
                    continue;
                };
                let entry = match entry {
                    Ok(e) => e,
                    Err(e) => return Some(Err(e)),
                };
                match entry.file_type() {
                    Ok(t) if t.is_dir() => pending.push(entry.path()),
                    Ok(t) if t.is_file() => return Some(listed(&root, &entry.path())),
                    Ok(_) => {}
                    Err(e) => return Some(Err(e)),
                }
            }
        })))
    }
}

/// A file under `root` as listed: its key and modification time.
fn listed(root: &Path, path: &Path) -> io::Result<Listed> {
    let modified = fs::metadata(path)?.modified()?;
    let key = path
        .strip_prefix(root)
        .map_err(io::Error::other)?
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    Ok((key, DateTime::<Utc>::from(modified)))
}

fn sync_dir(dir: &Path) {
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn put_get_delete_and_key_checks() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalFiles::new(dir.path()).unwrap();
        store.put("t1/2026/abc.pdf", b"%PDF-1.4").unwrap();
        assert_eq!(store.get("t1/2026/abc.pdf").unwrap(), b"%PDF-1.4");
        store.delete("t1/2026/abc.pdf").unwrap();
        assert!(store.get("t1/2026/abc.pdf").is_err());
        let n = store
            .put_reader("t1/imports/a.csv", &mut &b"codice_fiscale\n"[..])
            .unwrap();
        assert_eq!(n, 15);
        let mut back = String::new();
        std::io::Read::read_to_string(&mut store.open("t1/imports/a.csv").unwrap(), &mut back)
            .unwrap();
        assert_eq!(back, "codice_fiscale\n");
        store.delete("t1/2026/abc.pdf").unwrap();
        let err = store.get("t1/2026/abc.pdf").unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
        assert!(is_store_error(&err) && !is_unavailable(&err));
        store.put("t1/attachments/b.pdf", b"b").unwrap();
        store.put("t2/attachments/c.pdf", b"c").unwrap();
        let mut all: Vec<String> = store.list("").unwrap().map(|r| r.unwrap().0).collect();
        all.sort();
        assert_eq!(
            all,
            [
                "t1/attachments/b.pdf",
                "t1/imports/a.csv",
                "t2/attachments/c.pdf"
            ]
        );
        let t1: Vec<String> = store
            .list("t1/attachments")
            .unwrap()
            .map(|r| r.unwrap().0)
            .collect();
        assert_eq!(t1, ["t1/attachments/b.pdf"]);
        assert_eq!(store.list("t9").unwrap().count(), 0);
        let (_, when) = store.list("t2").unwrap().next().unwrap().unwrap();
        assert!((Utc::now() - when).num_seconds().abs() < 60);
        assert!(store.list("../x").is_err());
        for bad in ["../x", "a/../../b", "/etc/passwd", "a//b", "", "a b"] {
            assert!(store.put(bad, b"x").is_err(), "{bad}");
        }
    }
}

//! Where uploaded files live. The local folder is the default; the trait keeps room for
//! an S3-compatible store in scale-out deployments.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

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
            Ok(self.root.join(key))
        } else {
            Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("invalid storage key {key:?}"),
            ))
        }
    }
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
        fs::read(self.path(key)?)
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
        Ok(Box::new(io::BufReader::new(fs::File::open(
            self.path(key)?,
        )?)))
    }
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
        for bad in ["../x", "a/../../b", "/etc/passwd", "a//b", "", "a b"] {
            assert!(store.put(bad, b"x").is_err(), "{bad}");
        }
    }
}

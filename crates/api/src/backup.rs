//! Backups of the embedded default: one archive with the database and the stored files.
//! SQLite's `VACUUM INTO` writes a consistent snapshot of a live database in one read
//! transaction (writers keep going); the files follow, each with its SHA-256 in the
//! manifest. Restoring checks everything before it puts anything in place. PostgreSQL
//! deployments use `pg_dump` and the object store's own versioning (docs/deploy.md).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use diesel::prelude::*;
use diesel::sql_types::Text;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::db::{Backend, Db, DbConn};
use crate::storage::{FileStore, LocalFiles};

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(
        "backups of PostgreSQL are made with its own tools: pg_dump -Fc \"$DATABASE_URL\" > sportello.dump, \
         restored with pg_restore --clean -d \"$DATABASE_URL\" sportello.dump"
    )]
    Postgres,
    #[error(
        "the stored files are in an S3-compatible bucket (SPORTELLO_FILES_URL), which this command \
         does not copy: back up the database (PostgreSQL: pg_dump -Fc \"$DATABASE_URL\" > sportello.dump) \
         and keep the bucket versioned or replicated (see the README, \"The sportello command\")"
    )]
    ObjectStore,
    #[error("{0} already exists: choose a new file")]
    Exists(PathBuf),
    #[error("{0} is not a Sportello backup: {1}")]
    NotABackup(PathBuf, String),
    #[error("database: {0}")]
    Db(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

#[derive(QueryableByName)]
struct One {
    #[diesel(sql_type = Text)]
    value: String,
}

/// What a backup holds, written as its last entry (`manifest.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub database: FileEntry,
    pub files: Vec<FileEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    /// The storage key (the database's own name for the snapshot).
    pub key: String,
    pub size: u64,
    pub sha256: String,
}

const FORMAT: u32 = 1;
const DB_ENTRY: &str = "sportello.db";
const MANIFEST_ENTRY: &str = "manifest.json";
const FILES_PREFIX: &str = "files/";

/// Writes one archive (tar) to `dest` (which must not exist): a consistent snapshot of
/// the live database, then every stored file, then the manifest with each one's SHA-256.
///
/// Files are written before the row that names them commits and never change after, so
/// every file the snapshot refers to is already on disk when the folder is walked after
/// it; files newer than the snapshot come along as harmless extras. The one deletion
/// that follows a commit (a public document withdrawn) can race the walk: the file is
/// then missing from the archive, and `restore` reports the rows left without their file.
pub fn backup(db: &Db, files_dir: &Path, dest: &Path) -> Result<Manifest, BackupError> {
    if db.backend == Backend::Postgres {
        return Err(BackupError::Postgres);
    }
    if dest.exists() {
        return Err(BackupError::Exists(dest.to_owned()));
    }
    let staging = tempfile::Builder::new()
        .prefix(".sportello-backup")
        .tempdir_in(
            dest.parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(Path::new(".")),
        )?;
    let snapshot = staging.path().join(DB_ENTRY);
    {
        let mut conn = db.reader().map_err(|e| BackupError::Db(e.to_string()))?;
        let DbConn::Sqlite(c) = &mut *conn else {
            return Err(BackupError::Postgres);
        };
        diesel::sql_query("VACUUM INTO ?")
            .bind::<Text, _>(snapshot.display().to_string())
            .execute(c)
            .map_err(|e| BackupError::Db(e.to_string()))?;
    }
    let partial = staging.path().join("archive.tar");
    let out = std::fs::File::create(&partial)?;
    let mut tar = tar::Builder::new(std::io::BufWriter::new(out));
    let database = append(&mut tar, &snapshot, DB_ENTRY)?;
    let mut files = Vec::new();
    for (path, key) in stored_files(files_dir)? {
        match append(&mut tar, &path, &format!("{FILES_PREFIX}{key}")) {
            Ok(mut entry) => {
                entry.key = key;
                files.push(entry);
            }
            // Withdrawn since the walk listed it (see above).
            Err(BackupError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    let manifest = Manifest {
        format: FORMAT,
        created_at: chrono::Utc::now(),
        database: FileEntry {
            key: DB_ENTRY.into(),
            ..database
        },
        files,
    };
    let json = serde_json::to_vec_pretty(&manifest).map_err(std::io::Error::other)?;
    let mut header = tar::Header::new_gnu();
    header.set_size(json.len() as u64);
    header.set_mode(0o600);
    header.set_mtime(u64::try_from(manifest.created_at.timestamp()).unwrap_or(0));
    header.set_cksum();
    tar.append_data(&mut header, MANIFEST_ENTRY, json.as_slice())?;
    let out = tar
        .into_inner()?
        .into_inner()
        .map_err(std::io::IntoInnerError::into_error)?;
    out.sync_all()?;
    // Appears whole or not at all.
    std::fs::hard_link(&partial, dest).or_else(|_| std::fs::copy(&partial, dest).map(|_| ()))?;
    Ok(manifest)
}

/// Adds `path` as `name`, hashing it as it is read.
fn append<W: Write>(
    tar: &mut tar::Builder<W>,
    path: &Path,
    name: &str,
) -> Result<FileEntry, BackupError> {
    let file = std::fs::File::open(path)?;
    let size = file.metadata()?.len();
    let mut header = tar::Header::new_gnu();
    header.set_size(size);
    header.set_mode(0o600);
    header.set_cksum();
    let mut reader = Hashing::new(file);
    tar.append_data(&mut header, name, &mut reader)?;
    Ok(FileEntry {
        key: name.to_owned(),
        size,
        sha256: reader.hex(),
    })
}

/// Every stored file under `root` as `(path, key)`, skipping files being written
/// (`*.part`, renamed into place when complete).
fn stored_files(root: &Path) -> Result<Vec<(PathBuf, String)>, BackupError> {
    let mut out = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e.into()),
        };
        for entry in entries {
            let entry = entry?;
            let path = entry.path();
            let kind = entry.file_type()?;
            if kind.is_dir() {
                dirs.push(path);
            } else if kind.is_file() && path.extension().is_none_or(|e| e != "part") {
                let key = path
                    .strip_prefix(root)
                    .map_err(std::io::Error::other)?
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push((path, key));
            }
        }
    }
    out.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(out)
}

/// A reader that hashes what passes through it.
struct Hashing<R> {
    inner: R,
    hash: Sha256,
}

impl<R: Read> Hashing<R> {
    fn new(inner: R) -> Self {
        Self {
            inner,
            hash: Sha256::new(),
        }
    }

    fn hex(&self) -> String {
        self.hash
            .clone()
            .finalize()
            .iter()
            .fold(String::with_capacity(64), |mut s, b| {
                use std::fmt::Write as _;
                let _ = write!(s, "{b:02x}");
                s
            })
    }
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }
}

fn sqlite_path(database_url: &str) -> Option<PathBuf> {
    let rest = database_url
        .strip_prefix("sqlite://")
        .or_else(|| database_url.strip_prefix("sqlite:"))?;
    Some(PathBuf::from(rest))
}

/// Checks that `file` is an intact Sportello database.
fn verify(file: &Path) -> Result<(), BackupError> {
    let not = |why: String| BackupError::NotABackup(file.to_owned(), why);
    let mut conn = diesel::SqliteConnection::establish(&file.display().to_string())
        .map_err(|e| not(e.to_string()))?;
    let integrity: One =
        diesel::sql_query("SELECT integrity_check AS value FROM pragma_integrity_check")
            .get_result(&mut conn)
            .map_err(|e| not(e.to_string()))?;
    if integrity.value != "ok" {
        return Err(not(format!("integrity check: {}", integrity.value)));
    }
    diesel::sql_query(
        "SELECT name AS value FROM sqlite_master WHERE type = 'table' AND name = 'requests'",
    )
    .get_result::<One>(&mut conn)
    .map_err(|_| not("no requests table".into()))?;
    Ok(())
}

/// What `restore` put back.
#[derive(Debug)]
pub struct Restored {
    pub database: PathBuf,
    pub files: usize,
}

fn is_archive(src: &Path) -> Result<bool, BackupError> {
    let mut head = [0u8; 512];
    let mut f = std::fs::File::open(src)?;
    let mut read = 0;
    while read < head.len() {
        match f.read(&mut head[read..])? {
            0 => break,
            n => read += n,
        }
    }
    Ok(read == head.len() && &head[257..262] == b"ustar")
}

/// Replaces the database named by `database_url` (and, for an archive, the stored files
/// under `files_dir`) with the backup `src`. Run it with the server stopped. Everything is
/// checked first — every file's SHA-256 against the manifest, the database's integrity —
/// and only then put in place: the files, then the database by an atomic rename. A bare
/// database file (the format before files were included) is restored alone.
pub fn restore(database_url: &str, files_dir: &Path, src: &Path) -> Result<Restored, BackupError> {
    let target = sqlite_path(database_url).ok_or(BackupError::Postgres)?;
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    if !is_archive(src)? {
        verify(src)?;
        let staging = target.with_extension("restoring");
        std::fs::copy(src, &staging)?;
        swap_in(&staging, &target)?;
        return Ok(Restored {
            database: target,
            files: 0,
        });
    }
    let not = |why: String| BackupError::NotABackup(src.to_owned(), why);
    let staging = tempfile::Builder::new()
        .prefix(".sportello-restore")
        .tempdir_in(
            target
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(Path::new(".")),
        )?;
    let mut hashes: std::collections::BTreeMap<String, (u64, String)> =
        std::collections::BTreeMap::new();
    let mut manifest: Option<Manifest> = None;
    let mut archive = tar::Archive::new(std::io::BufReader::new(std::fs::File::open(src)?));
    for entry in archive.entries()? {
        let mut entry = entry?;
        let name = entry.path()?.to_string_lossy().into_owned();
        if name == MANIFEST_ENTRY {
            let mut json = Vec::new();
            entry.read_to_end(&mut json)?;
            manifest = Some(serde_json::from_slice(&json).map_err(|e| not(e.to_string()))?);
            continue;
        }
        let key = if name == DB_ENTRY {
            DB_ENTRY.to_owned()
        } else if let Some(key) = name.strip_prefix(FILES_PREFIX) {
            key.to_owned()
        } else {
            return Err(not(format!("unexpected entry {name}")));
        };
        let dest = if key == DB_ENTRY && name == DB_ENTRY {
            staging.path().join(DB_ENTRY)
        } else {
            // The same rule the store applies to its keys: no way out of the folder.
            LocalFiles::new(staging.path().join("files"))?.path_of(&key)?
        };
        if let Some(dir) = dest.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut reader = Hashing::new(&mut entry);
        let mut out = std::fs::File::create(&dest)?;
        let size = std::io::copy(&mut reader, &mut out)?;
        out.sync_all()?;
        hashes.insert(name, (size, reader.hex()));
    }
    let manifest = manifest.ok_or_else(|| not("no manifest".into()))?;
    if manifest.format != FORMAT {
        return Err(not(format!(
            "format {} (this version reads {FORMAT})",
            manifest.format
        )));
    }
    let expected = std::iter::once((DB_ENTRY.to_owned(), &manifest.database)).chain(
        manifest
            .files
            .iter()
            .map(|f| (format!("{FILES_PREFIX}{}", f.key), f)),
    );
    let mut count = 0;
    for (name, want) in expected {
        match hashes.remove(&name) {
            Some((size, sha)) if size == want.size && sha == want.sha256 => count += 1,
            Some(_) => return Err(not(format!("{name} does not match its checksum"))),
            None => return Err(not(format!("{name} is missing"))),
        }
    }
    if let Some(name) = hashes.keys().next() {
        return Err(not(format!("{name} is not in the manifest")));
    }
    let db_file = staging.path().join(DB_ENTRY);
    verify(&db_file)?;
    // Checked: now put in place. The files first (each by its own copy and rename),
    // then the database that refers to them.
    let store = LocalFiles::new(files_dir)?;
    for f in &manifest.files {
        let from = LocalFiles::new(staging.path().join("files"))?.path_of(&f.key)?;
        let mut reader = std::fs::File::open(&from)?;
        store.put_reader(&f.key, &mut reader)?;
    }
    let db_staging = target.with_extension("restoring");
    std::fs::rename(&db_file, &db_staging)
        .or_else(|_| std::fs::copy(&db_file, &db_staging).map(|_| ()))?;
    swap_in(&db_staging, &target)?;
    Ok(Restored {
        database: target,
        files: count - 1,
    })
}

/// Moves a checked database file over `target`, dropping the old WAL and shared memory.
fn swap_in(staging: &Path, target: &Path) -> Result<(), BackupError> {
    std::fs::File::open(staging)?.sync_all()?;
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", target.display()));
        match std::fs::remove_file(&side) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
            _ => {}
        }
    }
    std::fs::rename(staging, target)?;
    Ok(())
}

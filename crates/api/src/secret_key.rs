//! Secrets at rest: mailbox passwords, SMS and App IO keys and the generated JWT key are
//! stored sealed with XChaCha20-Poly1305 under the installation's secret key, so the
//! database and its backups hold only ciphertext.
//!
//! A sealed value is `sv1:<key id>:<base64url(nonce ‖ ciphertext)>`: a random 192-bit nonce
//! per value, the id of the key that sealed it (so a rotation can tell old from new), and
//! associated data naming its table, column and row, so a ciphertext copied into another
//! row or column does not open.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::config::Config;

const PREFIX: &str = "sv1";
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;

/// Where a sealed value lives: the associated data of its ciphertext.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    ImapPassword,
    SmtpPassword,
    SmsToken,
    IoApiKey,
    GpdSubscriptionKey,
    AppSecret,
    FdrSubscriptionKey,
    IdentityProviderKey,
    TurnSecret,
}

impl Column {
    fn name(self) -> &'static str {
        match self {
            Self::ImapPassword => "mailboxes.imap_password",
            Self::SmtpPassword => "mailboxes.smtp_password",
            Self::SmsToken => "channel_settings.sms_token",
            Self::IoApiKey => "channel_settings.io_api_key",
            Self::GpdSubscriptionKey => "pagopa_settings.gpd_subscription_key",
            Self::AppSecret => "app_secrets.value",
            Self::FdrSubscriptionKey => "pagopa_settings.fdr_subscription_key",
            Self::IdentityProviderKey => "identity_providers.private_key",
            Self::TurnSecret => "video_settings.turn_secret",
        }
    }
}

fn aad(column: Column, row: &str) -> Vec<u8> {
    format!("sportello/{}/{row}", column.name()).into_bytes()
}

#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error("a stored secret is not sealed")]
    NotSealed,
    #[error("a stored secret was sealed with key {found}, but the configured key is {current}")]
    OtherKey { found: String, current: String },
    #[error("a stored secret does not open: altered, or moved from another row")]
    Corrupt,
}

/// The installation's key. Its `Debug` shows only the key id.
#[derive(Clone)]
pub struct SecretKey {
    id: String,
    bytes: [u8; 32],
    cipher: XChaCha20Poly1305,
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretKey")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl SecretKey {
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        // The id names the key without revealing it: 32 bits of a hash of it.
        let digest = Sha256::new()
            .chain_update(b"sportello secret key id\0")
            .chain_update(bytes)
            .finalize();
        let id = hex(&digest[..4]);
        Self {
            id,
            bytes,
            cipher: XChaCha20Poly1305::new(&bytes.into()),
        }
    }

    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        Self::from_bytes(bytes)
    }

    /// 32 bytes written as base64 (standard or URL-safe, padded or not) or 64 hex digits.
    pub fn parse(text: &str) -> Result<Self, KeyError> {
        let t = text.trim();
        let decoded = if t.len() == 64 && t.chars().all(|c| c.is_ascii_hexdigit()) {
            (0..32)
                .map(|i| u8::from_str_radix(&t[2 * i..2 * i + 2], 16))
                .collect::<Result<Vec<u8>, _>>()
                .ok()
        } else {
            let std = t.replace('-', "+").replace('_', "/");
            base64::engine::general_purpose::STANDARD_NO_PAD
                .decode(std.trim_end_matches('='))
                .ok()
        };
        decoded
            .and_then(|v| <[u8; 32]>::try_from(v).ok())
            .map(Self::from_bytes)
            .ok_or(KeyError::Malformed)
    }

    /// The key as stored in a key file (base64).
    pub fn to_text(&self) -> String {
        STANDARD.encode(self.bytes)
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// Seals `plain` for `column` of row `row`.
    pub fn seal(&self, plain: &str, column: Column, row: &str) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let aad = aad(column, row);
        let ct = self
            .cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plain.as_bytes(),
                    aad: &aad,
                },
            )
            .expect("XChaCha20-Poly1305 seals any length we store");
        let mut blob = nonce.to_vec();
        blob.extend_from_slice(&ct);
        format!("{PREFIX}:{}:{}", self.id, URL_SAFE_NO_PAD.encode(blob))
    }

    /// Opens a value sealed for `column` of row `row`.
    pub fn open(&self, stored: &str, column: Column, row: &str) -> Result<String, SealError> {
        let (kid, blob) = parse_sealed(stored).ok_or(SealError::NotSealed)?;
        if kid != self.id {
            return Err(SealError::OtherKey {
                found: kid.to_owned(),
                current: self.id.clone(),
            });
        }
        let aad = aad(column, row);
        let plain = self
            .cipher
            .decrypt(
                XNonce::from_slice(&blob[..NONCE_LEN]),
                Payload {
                    msg: &blob[NONCE_LEN..],
                    aad: &aad,
                },
            )
            .map_err(|_| SealError::Corrupt)?;
        String::from_utf8(plain).map_err(|_| SealError::Corrupt)
    }

    /// Opens an optional stored value.
    pub fn open_opt(
        &self,
        stored: Option<&str>,
        column: Column,
        row: &str,
    ) -> Result<Option<String>, SealError> {
        stored.map(|s| self.open(s, column, row)).transpose()
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// `(key id, nonce ‖ ciphertext)` of a sealed value, or `None` for anything else.
fn parse_sealed(stored: &str) -> Option<(&str, Vec<u8>)> {
    let rest = stored.strip_prefix(PREFIX)?.strip_prefix(':')?;
    let (kid, b64) = rest.split_once(':')?;
    let blob = URL_SAFE_NO_PAD.decode(b64).ok()?;
    (kid.len() == 8 && blob.len() >= NONCE_LEN + TAG_LEN).then_some((kid, blob))
}

/// The id of the key a stored value is sealed with; `None` when it is not sealed (clear
/// text left from before encryption at rest).
pub fn sealed_with(stored: &str) -> Option<&str> {
    parse_sealed(stored).map(|(kid, _)| kid)
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("the secret key must be 32 bytes written as base64 or 64 hex digits")]
    Malformed,
    #[error(
        "PostgreSQL needs an explicit secret key, the same on every node: set SPORTELLO_SECRET_KEY \
         (32 bytes as base64 or hex, e.g. from `openssl rand -base64 32`) or SPORTELLO_SECRET_KEY_FILE"
    )]
    MissingForPostgres,
    #[error(
        "the secret key file {0} does not exist: on PostgreSQL every node needs the same key, so it \
         is never generated; create it once (openssl rand -base64 32 > {0}) and give it to every node"
    )]
    MissingFile(PathBuf),
    #[error(
        "the secret key file {0} does not exist but the database holds secrets sealed with key {1}: \
         restore the key file (or set SPORTELLO_SECRET_KEY); see `sportello rotate-secret-key --help` \
         to discard secrets whose key is lost"
    )]
    Lost(PathBuf, String),
    #[error("secret key file {0}: {1}")]
    Io(PathBuf, std::io::Error),
}

/// Where the key comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    /// `SPORTELLO_SECRET_KEY`.
    Env,
    /// A key file, explicit or (SQLite) the default one next to the database.
    File { path: PathBuf, explicit: bool },
}

/// The key source of a configuration, or why there is none (PostgreSQL without a key).
pub fn source(config: &Config) -> Result<KeySource, KeyError> {
    if config.secret_key.as_deref().is_some_and(|k| !k.is_empty()) {
        return Ok(KeySource::Env);
    }
    if let Some(path) = &config.secret_key_file {
        return Ok(KeySource::File {
            path: path.clone(),
            explicit: true,
        });
    }
    match crate::db::sqlite_path(&config.database_url) {
        Some(db) => {
            let dir = Path::new(&db)
                .parent()
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
            Ok(KeySource::File {
                path: dir.join("secret.key"),
                explicit: false,
            })
        }
        None => Err(KeyError::MissingForPostgres),
    }
}

/// Loads the key. On SQLite (one node) a missing key file is created, mode 0600, unless
/// the database already holds secrets sealed with some key (`sealed_key`): a new key
/// would not open them. On PostgreSQL the key must be given: every node needs the same.
pub fn load(config: &Config, sealed_key: Option<&str>) -> Result<SecretKey, KeyError> {
    let src = source(config)?;
    let path = match src {
        KeySource::Env => return SecretKey::parse(config.secret_key.as_deref().unwrap_or("")),
        KeySource::File { path, .. } => path,
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            warn_if_readable_by_others(&path);
            SecretKey::parse(&text)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if crate::db::sqlite_path(&config.database_url).is_none() {
                return Err(KeyError::MissingFile(path));
            }
            if let Some(kid) = sealed_key {
                return Err(KeyError::Lost(path, kid.to_owned()));
            }
            let key = SecretKey::generate();
            write_key_file(&path, &key).map_err(|e| KeyError::Io(path.clone(), e))?;
            tracing::warn!(
                path = %path.display(),
                key_id = key.id(),
                "created a new secret key for the stored secrets: back it up apart from the database \
                 (without it mailbox passwords and channel keys cannot be read)"
            );
            Ok(key)
        }
        Err(e) => Err(KeyError::Io(path, e)),
    }
}

/// Writes a new key file readable by its owner only; fails if the file exists.
pub fn write_key_file(path: &Path, key: &SecretKey) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut f = options.open(path)?;
    std::io::Write::write_all(&mut f, format!("{}\n", key.to_text()).as_bytes())?;
    f.sync_all()
}

fn warn_if_readable_by_others(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path)
            && meta.permissions().mode() & 0o077 != 0
        {
            tracing::warn!(path = %path.display(), "the secret key file is readable by other users: chmod 600 it");
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// `sportello rotate-secret-key`: every stored secret re-sealed with the key in
/// `new_key_file` (created with a fresh key if missing, before anything depends on it), in
/// one transaction. Returns what it did, for the operator.
pub fn rotate(
    config: &Config,
    new_key_file: &Path,
    discard_unreadable: bool,
) -> anyhow::Result<String> {
    let db = crate::db::Db::connect(&config.database_url, 2, config.sqlite_sync_full)?;
    let sealed = db.read(crate::db::repo::secrets::sealing_keys)?;
    let old = match load(config, sealed.first().map(String::as_str)) {
        Ok(k) => k,
        // A lost key opens nothing: every sealed value is discarded.
        Err(KeyError::Lost(..)) if discard_unreadable => SecretKey::generate(),
        Err(e) => return Err(e.into()),
    };
    let (new, created) = match std::fs::read_to_string(new_key_file) {
        Ok(text) => (SecretKey::parse(&text)?, false),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = SecretKey::generate();
            write_key_file(new_key_file, &key)
                .map_err(|e| KeyError::Io(new_key_file.to_owned(), e))?;
            (key, true)
        }
        Err(e) => return Err(KeyError::Io(new_key_file.to_owned(), e).into()),
    };
    anyhow::ensure!(
        new.id() != old.id(),
        "{} holds the current key ({}): give a new one",
        new_key_file.display(),
        old.id()
    );
    let done =
        db.write_tx(|c| crate::db::repo::secrets::reseal_all(c, &old, &new, discard_unreadable))?;
    let mut report = format!(
        "{} stored secrets now sealed with key {} (was {}): {} re-sealed, {} sealed from clear text, \
         {} already done, {} discarded.\n",
        done.total(),
        new.id(),
        old.id(),
        done.rotated,
        done.sealed,
        done.kept,
        done.discarded,
    );
    if created {
        let _ = writeln!(
            report,
            "The new key was written to {}.",
            new_key_file.display()
        );
    }
    let next = match source(config) {
        Ok(KeySource::File {
            path,
            explicit: false,
        }) => format!(
            "With the server stopped: mv {} {}, then start it",
            new_key_file.display(),
            path.display()
        ),
        _ => format!(
            "Start every node with SPORTELLO_SECRET_KEY_FILE={} (or its content as SPORTELLO_SECRET_KEY): \
             nodes still running with the old key cannot open the secrets any more",
            new_key_file.display()
        ),
    };
    report.push_str(&next);
    report.push_str(
        ".\nKeep the old key as long as you keep backups made before now: they are sealed with it.",
    );
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seals_and_opens_bound_to_its_row_and_column() {
        let key = SecretKey::generate();
        let sealed = key.seal("hunter2", Column::ImapPassword, "mb1");
        assert!(sealed.starts_with(&format!("sv1:{}:", key.id())));
        assert!(!sealed.contains("hunter2"));
        assert_eq!(sealed_with(&sealed), Some(key.id()));
        assert_eq!(
            key.open(&sealed, Column::ImapPassword, "mb1").unwrap(),
            "hunter2"
        );
        // Random nonces: the same secret seals differently each time.
        assert_ne!(sealed, key.seal("hunter2", Column::ImapPassword, "mb1"));
        // Moved to another row or column, it does not open.
        assert!(matches!(
            key.open(&sealed, Column::ImapPassword, "mb2"),
            Err(SealError::Corrupt)
        ));
        assert!(matches!(
            key.open(&sealed, Column::SmtpPassword, "mb1"),
            Err(SealError::Corrupt)
        ));
        // Another key says so, and clear text is not taken for a sealed value.
        let other = SecretKey::generate();
        assert!(matches!(
            other.open(&sealed, Column::ImapPassword, "mb1"),
            Err(SealError::OtherKey { .. })
        ));
        assert!(matches!(
            key.open("hunter2", Column::ImapPassword, "mb1"),
            Err(SealError::NotSealed)
        ));
        assert_eq!(sealed_with("sv1:nothex"), None);
    }

    #[test]
    fn keys_parse_from_base64_and_hex_and_never_print() {
        let key = SecretKey::generate();
        let again = SecretKey::parse(&format!("{}\n", key.to_text())).unwrap();
        assert_eq!(again.id(), key.id());
        assert_eq!(SecretKey::parse(&hex(&key.bytes)).unwrap().id(), key.id());
        assert_eq!(
            SecretKey::parse(&URL_SAFE_NO_PAD.encode(key.bytes))
                .unwrap()
                .id(),
            key.id()
        );
        assert!(SecretKey::parse("short").is_err());
        let debug = format!("{key:?}");
        assert!(!debug.contains(&key.to_text()) && debug.contains(key.id()));
    }
}

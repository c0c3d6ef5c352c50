//! Files in a bucket of an S3-compatible object store (AWS S3, Garage, MinIO, Ceph…),
//! through `object_store`. Selected by `SPORTELLO_FILES_URL=s3://bucket/prefix`; the
//! endpoint, region and credentials come from the standard environment
//! (`AWS_ENDPOINT_URL`, `AWS_REGION`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
//! `AWS_ALLOW_HTTP=true` for a plain-HTTP endpoint), with path-style addressing.
//!
//! The [`FileStore`] calls are blocking and run on blocking threads; they drive
//! `object_store`'s futures on a multi-threaded Tokio runtime captured when the store is
//! made (the server's own, or a small one of the store's when the caller has none), so no
//! runtime is made per call and no async worker is ever blocked. Large files stream:
//! uploads go up in parts of [`PART`] bytes (a multipart upload, two parts in flight),
//! reads come down in ranges of [`PART`] bytes.

use std::collections::VecDeque;
use std::future::Future;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
use object_store::client::HttpErrorKind;
use object_store::path::Path as StorePath;
use object_store::{
    BackoffConfig, ClientConfigKey, ObjectMeta, ObjectStore, PutPayload, RetryConfig,
};
use tokio::runtime::{Handle, Runtime, RuntimeFlavor};

use super::{FileStore, Listed, Listing, check_key, missing, unavailable};

/// Size of the parts of an upload and of the ranges of a read (S3 wants parts of 5 MiB at
/// least, but the last).
pub const PART: usize = 8 * 1024 * 1024;
/// Parts of one upload in flight at once (the memory it holds is about one more).
const PARTS_IN_FLIGHT: usize = 2;

pub struct S3Files {
    store: Arc<dyn ObjectStore>,
    /// The bucket and prefix, for messages.
    url: String,
    /// Segments every key is put under (`""`: the bucket's root).
    prefix: String,
    rt: Handle,
    /// The store's own runtime when the caller had no multi-threaded one.
    own: Option<Runtime>,
}

impl std::fmt::Debug for S3Files {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Files")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl Drop for S3Files {
    fn drop(&mut self) {
        // Dropping a runtime blocks, which may not happen inside another one.
        if let Some(rt) = self.own.take() {
            rt.shutdown_background();
        }
    }
}

impl S3Files {
    /// The store at `url` (`s3://bucket` or `s3://bucket/prefix`), configured from the
    /// `AWS_*` environment; `endpoint`, when given, replaces `AWS_ENDPOINT_URL`.
    pub fn from_url(url: &str, endpoint: Option<&str>) -> anyhow::Result<Self> {
        let parsed = url::Url::parse(url).map_err(|e| anyhow::anyhow!("files URL {url:?}: {e}"))?;
        anyhow::ensure!(
            parsed.scheme() == "s3",
            "files URL {url:?}: only s3://bucket/prefix is supported"
        );
        let bucket = parsed
            .host_str()
            .filter(|b| !b.is_empty())
            .ok_or_else(|| anyhow::anyhow!("files URL {url:?}: no bucket"))?
            .to_owned();
        anyhow::ensure!(
            parsed.query().is_none() && parsed.username().is_empty() && parsed.password().is_none(),
            "files URL {url:?}: give credentials and options in the AWS_* environment"
        );
        let prefix = parsed.path().trim_matches('/').to_owned();
        if !prefix.is_empty() {
            check_key(&prefix).map_err(|e| anyhow::anyhow!("files URL {url:?}: prefix: {e}"))?;
        }
        let mut builder = AmazonS3Builder::from_env()
            .with_bucket_name(&bucket)
            // An outage answers within seconds (503 to the client), not after minutes.
            .with_retry(RetryConfig {
                backoff: BackoffConfig::default(),
                max_retries: 3,
                retry_timeout: Duration::from_secs(20),
            })
            .with_config(
                AmazonS3ConfigKey::Client(ClientConfigKey::ConnectTimeout),
                "5 seconds",
            )
            .with_config(
                AmazonS3ConfigKey::Client(ClientConfigKey::Timeout),
                "60 seconds",
            );
        if let Some(endpoint) = endpoint {
            builder = builder.with_endpoint(endpoint);
        }
        let store = builder
            .build()
            .map_err(|e| anyhow::anyhow!("files URL {url:?}: {e}"))?;
        let (rt, own) = match Handle::try_current() {
            Ok(h) if h.runtime_flavor() == RuntimeFlavor::MultiThread => (h, None),
            // A current-thread runtime (actix's) drives IO only inside its own
            // `block_on`: the store gets two threads of its own.
            _ => {
                let rt = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .thread_name("file-store")
                    .enable_all()
                    .build()?;
                (rt.handle().clone(), Some(rt))
            }
        };
        Ok(Self {
            store: Arc::new(store),
            url: format!("s3://{bucket}/{prefix}"),
            prefix,
            rt,
            own,
        })
    }

    fn location(&self, key: &str) -> io::Result<StorePath> {
        check_key(key)?;
        let full = if self.prefix.is_empty() {
            key.to_owned()
        } else {
            format!("{}/{key}", self.prefix)
        };
        StorePath::parse(full).map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))
    }

    /// Runs one of the store's futures to its end from this (blocking) thread.
    fn run<T>(&self, key: &str, f: impl Future<Output = object_store::Result<T>>) -> io::Result<T> {
        self.rt.block_on(f).map_err(|e| to_io(key, &e))
    }

    fn put_multipart(
        &self,
        key: &str,
        location: &StorePath,
        first: Vec<u8>,
        reader: &mut dyn io::Read,
    ) -> io::Result<u64> {
        let mut upload = self.run(key, self.store.put_multipart(location))?;
        let mut in_flight = VecDeque::new();
        let mut size = 0u64;
        let mut chunk = first;
        let result = loop {
            if !chunk.is_empty() {
                size += chunk.len() as u64;
                let part = upload.put_part(PutPayload::from(Bytes::from(chunk)));
                in_flight.push_back(self.rt.spawn(part));
            }
            if in_flight.len() >= PARTS_IN_FLIGHT
                && let Err(e) = self.wait(key, in_flight.pop_front())
            {
                break Err(e);
            }
            chunk = match read_up_to(reader, PART) {
                Ok(c) if c.is_empty() => break Ok(()),
                Ok(c) => c,
                Err(e) => break Err(e),
            };
        };
        let result = result.and_then(|()| {
            while let Some(part) = in_flight.pop_front() {
                self.wait(key, Some(part))?;
            }
            self.run(key, upload.complete()).map(|_| size)
        });
        if result.is_err() {
            for part in in_flight {
                part.abort();
            }
            if let Err(e) = self.run(key, upload.abort()) {
                tracing::warn!(key, error = %e, "abandoned multipart upload not aborted");
            }
        }
        result
    }

    fn wait(
        &self,
        key: &str,
        part: Option<tokio::task::JoinHandle<object_store::Result<()>>>,
    ) -> io::Result<()> {
        let Some(part) = part else { return Ok(()) };
        match self.rt.block_on(part) {
            Ok(r) => r.map_err(|e| to_io(key, &e)),
            Err(e) => Err(io::Error::other(e)),
        }
    }
}

impl FileStore for S3Files {
    fn put(&self, key: &str, bytes: &[u8]) -> io::Result<()> {
        let location = self.location(key)?;
        let payload = PutPayload::from(Bytes::copy_from_slice(bytes));
        self.run(key, self.store.put(&location, payload))
            .map(|_| ())
    }

    fn get(&self, key: &str) -> io::Result<Vec<u8>> {
        let location = self.location(key)?;
        self.run(key, async {
            self.store.get(&location).await?.bytes().await
        })
        .map(|b| b.to_vec())
    }

    fn delete(&self, key: &str) -> io::Result<()> {
        let location = self.location(key)?;
        match self.run(key, self.store.delete(&location)) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            other => other,
        }
    }

    /// One PUT for a file smaller than a part, a multipart upload otherwise: never more
    /// than a few parts in memory.
    fn put_reader(&self, key: &str, reader: &mut dyn io::Read) -> io::Result<u64> {
        let location = self.location(key)?;
        let first = read_up_to(reader, PART)?;
        if first.len() < PART {
            let size = first.len() as u64;
            let payload = PutPayload::from(Bytes::from(first));
            return self
                .run(key, self.store.put(&location, payload))
                .map(|_| size);
        }
        self.put_multipart(key, &location, first, reader)
    }

    /// Reads the file a range of [`PART`] bytes at a time, each when the previous one is
    /// used up; a missing file fails here, not at the first read.
    fn open(&self, key: &str) -> io::Result<Box<dyn io::Read + Send>> {
        let location = self.location(key)?;
        let meta = self.run(key, self.store.head(&location))?;
        Ok(Box::new(RangeReader {
            store: self.store.clone(),
            rt: self.rt.clone(),
            key: key.to_owned(),
            location,
            size: meta.size,
            next: 0,
            buf: Bytes::new(),
        }))
    }

    fn list(&self, prefix: &str) -> io::Result<Listing<'_>> {
        let location = match (prefix.is_empty(), self.prefix.is_empty()) {
            (true, true) => None,
            (true, false) => Some(StorePath::parse(&self.prefix).map_err(io::Error::other)?),
            (false, _) => Some(self.location(prefix)?),
        };
        let stream = self.store.list(location.as_ref());
        Ok(Box::new(S3Listing {
            store: self,
            stream,
        }))
    }
}

/// The listing of [`S3Files::list`]: a page at a time underneath.
struct S3Listing<'a> {
    store: &'a S3Files,
    stream: BoxStream<'static, object_store::Result<ObjectMeta>>,
}

impl Iterator for S3Listing<'_> {
    type Item = io::Result<Listed>;

    fn next(&mut self) -> Option<Self::Item> {
        let next = self.store.rt.block_on(self.stream.next())?;
        Some(match next {
            Ok(meta) => {
                let full = meta.location.as_ref();
                let key = if self.store.prefix.is_empty() {
                    full
                } else {
                    full.strip_prefix(self.store.prefix.as_str())
                        .and_then(|k| k.strip_prefix('/'))
                        .unwrap_or(full)
                };
                Ok((key.to_owned(), meta.last_modified))
            }
            Err(e) => Err(to_io(self.store.prefix.as_str(), &e)),
        })
    }
}

/// A stored file read in ranges (see [`S3Files::open`]).
struct RangeReader {
    store: Arc<dyn ObjectStore>,
    rt: Handle,
    key: String,
    location: StorePath,
    size: u64,
    /// Where the next range starts.
    next: u64,
    buf: Bytes,
}

impl io::Read for RangeReader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.buf.is_empty() {
            if self.next >= self.size || out.is_empty() {
                return Ok(0);
            }
            let end = self.size.min(self.next + PART as u64);
            let range = self.next..end;
            self.buf = self
                .rt
                .block_on(self.store.get_range(&self.location, range))
                .map_err(|e| to_io(&self.key, &e))?;
            if self.buf.is_empty() {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!("stored file {:?} ended early", self.key),
                ));
            }
            self.next += self.buf.len() as u64;
        }
        let n = out.len().min(self.buf.len());
        out[..n].copy_from_slice(&self.buf.split_to(n));
        Ok(n)
    }
}

/// Reads until `limit` bytes or the end of `reader`.
fn read_up_to(reader: &mut dyn io::Read, limit: usize) -> io::Result<Vec<u8>> {
    let mut buf = Vec::with_capacity(limit.min(64 * 1024));
    io::Read::read_to_end(&mut io::Read::take(reader, limit as u64), &mut buf)?;
    Ok(buf)
}

/// `object_store`'s error as the file store's (see the module `storage`): missing,
/// unavailable, or a fault of the call or of the configuration.
fn to_io(key: &str, e: &object_store::Error) -> io::Error {
    use object_store::Error as E;
    match e {
        E::NotFound { .. } => missing(key),
        E::InvalidPath { .. } => io::Error::new(io::ErrorKind::InvalidInput, e.to_string()),
        E::PermissionDenied { .. } | E::Unauthenticated { .. } => {
            io::Error::new(io::ErrorKind::PermissionDenied, format!("file store: {e}"))
        }
        _ => match outage(e) {
            Some(kind) => unavailable(kind, e.to_string()),
            None => io::Error::other(format!("file store: {e}")),
        },
    }
}

/// Whether the error is the store being down, and how: it could not be reached, timed out
/// or answered 5xx (or 429, slow down) after the retries.
fn outage(e: &object_store::Error) -> Option<io::ErrorKind> {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cause {
        if let Some(http) = err.downcast_ref::<object_store::client::HttpError>() {
            match http.kind() {
                HttpErrorKind::Connect => return Some(io::ErrorKind::ConnectionRefused),
                HttpErrorKind::Timeout => return Some(io::ErrorKind::TimedOut),
                HttpErrorKind::Request | HttpErrorKind::Interrupted => {
                    return Some(io::ErrorKind::ConnectionReset);
                }
                _ => {}
            }
        }
        if let Some(r) = err.downcast_ref::<reqwest::Error>() {
            if r.is_timeout() {
                return Some(io::ErrorKind::TimedOut);
            }
            if r.is_connect() {
                return Some(io::ErrorKind::ConnectionRefused);
            }
        }
        if let Some(io) = err.downcast_ref::<io::Error>()
            && super::outage_kind(io.kind())
        {
            return Some(io.kind());
        }
        // The retry layer's last answer: "Server returned non-2xx status code: 503 …".
        let text = err.to_string();
        if let Some(status) = text.split("status code: ").nth(1)
            && (status.starts_with('5') || status.starts_with("429"))
        {
            return Some(io::ErrorKind::Other);
        }
        if text.starts_with("Server returned error response") {
            return Some(io::ErrorKind::Other);
        }
        cause = err.source();
    }
    None
}

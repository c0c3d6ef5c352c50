//! The import worker of `sportello serve` (with `SPORTELLO_BACKGROUND_WORKERS`): it claims
//! open imports one at a time, on a blocking thread, woken by an upload or every
//! `SPORTELLO_WORKER_INTERVAL_MS`. On shutdown the running import stops between two
//! batches and is released; the next claim (here or on another node) resumes it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use actix_web::web;
use tokio::sync::Notify;
use tokio::task::JoinHandle;

use super::job::{self, Env, Watch};
use crate::state::AppState;

static WAKE: Notify = Notify::const_new();

/// A new import was queued in this process: look now rather than at the next tick.
pub fn wake() {
    WAKE.notify_waiters();
}

struct StopFlag(Arc<AtomicBool>);

impl Watch for StopFlag {
    fn stop(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

#[derive(Debug)]
pub struct ImportWorker {
    stop: Arc<AtomicBool>,
    handle: JoinHandle<()>,
}

impl ImportWorker {
    pub fn spawn(state: web::Data<AppState>) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let every = Duration::from_millis(state.config.worker_interval_ms.max(50));
        let flag = stop.clone();
        let handle = tokio::spawn(async move {
            loop {
                if flag.load(Ordering::SeqCst) {
                    break;
                }
                let st = state.clone();
                let f = flag.clone();
                let ran = tokio::task::spawn_blocking(move || {
                    let env = Env {
                        db: &st.db,
                        files: &*st.files,
                        batch_rows: st.config.import_batch_rows.max(1),
                    };
                    job::claim_and_run(env, None, &StopFlag(f))
                })
                .await;
                match ran {
                    // One done: there may be more.
                    Ok(Ok(Some(_))) => continue,
                    Ok(Ok(None)) => {}
                    Ok(Err(e)) => tracing::error!(error = %e, "import worker"),
                    Err(e) => tracing::error!(error = %e, "import worker panicked"),
                }
                tokio::select! {
                    () = tokio::time::sleep(every) => {}
                    () = WAKE.notified() => {}
                }
            }
        });
        Self { stop, handle }
    }

    /// Stops between two batches and waits (up to 30 s) for the import in progress.
    pub async fn stop(self) {
        self.stop.store(true, Ordering::SeqCst);
        wake();
        let _ = tokio::time::timeout(Duration::from_secs(30), self.handle).await;
    }
}

//! A value read from the database and shared by every request for a short
//! while: one load per period however many pages ask, instead of the same
//! queries on every page.
//!
//! A write made through this process calls [`Snapshot::invalidate`] after it
//! commits, so this process never serves what it has itself replaced. Another
//! process (a second instance on the same PostgreSQL) sees the write when its
//! own snapshot expires, at most one period later.

use crate::error::BackendResult;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub struct Snapshot<T> {
    period: Duration,
    state: Mutex<State<T>>,
    /// Held while loading, so that a burst of requests after expiry makes one
    /// load and the rest wait for it.
    loading: tokio::sync::Mutex<()>,
}

struct State<T> {
    value: Option<(Instant, Arc<T>)>,
    /// Bumped by every invalidation: a load begun before one is not kept.
    generation: u64,
}

impl<T> Snapshot<T> {
    pub fn new(period: Duration) -> Self {
        Self {
            period,
            state: Mutex::new(State {
                value: None,
                generation: 0,
            }),
            loading: tokio::sync::Mutex::new(()),
        }
    }

    /// The kept value when it is younger than the period and `usable` says it
    /// serves this request; otherwise a fresh one from `load`, kept for the
    /// next requests.
    pub async fn get<L, F>(&self, usable: impl Fn(&T) -> bool, load: L) -> BackendResult<Arc<T>>
    where
        L: FnOnce() -> F,
        F: Future<Output = BackendResult<T>>,
    {
        if let Some(value) = self.current(&usable) {
            return Ok(value);
        }
        let _loading = self.loading.lock().await;
        if let Some(value) = self.current(&usable) {
            return Ok(value);
        }
        let generation = self.lock().generation;
        let value = Arc::new(load().await?);
        let mut state = self.lock();
        if state.generation == generation {
            state.value = Some((Instant::now(), Arc::clone(&value)));
        }
        Ok(value)
    }

    /// Forgets the kept value: the next request loads afresh.
    pub fn invalidate(&self) {
        let mut state = self.lock();
        state.value = None;
        state.generation += 1;
    }

    fn current(&self, usable: &impl Fn(&T) -> bool) -> Option<Arc<T>> {
        let state = self.lock();
        let (loaded_at, value) = state.value.as_ref()?;
        (loaded_at.elapsed() < self.period && usable(value)).then(|| Arc::clone(value))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State<T>> {
        // The state is two plain fields, valid even if a holder panicked.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl<T> std::fmt::Debug for Snapshot<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Snapshot")
            .field("period", &self.period)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    async fn counted(loads: &AtomicUsize) -> BackendResult<usize> {
        Ok(loads.fetch_add(1, Ordering::SeqCst) + 1)
    }

    #[tokio::test]
    async fn loads_once_per_period() {
        let loads = AtomicUsize::new(0);
        let snapshot = Snapshot::new(Duration::from_secs(60));
        for _ in 0..5 {
            let value = snapshot.get(|_| true, || counted(&loads)).await.unwrap();
            assert_eq!(*value, 1);
        }
        assert_eq!(loads.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn expires_after_the_period() {
        let loads = AtomicUsize::new(0);
        let snapshot = Snapshot::new(Duration::from_millis(20));
        snapshot.get(|_| true, || counted(&loads)).await.unwrap();
        tokio::time::sleep(Duration::from_millis(30)).await;
        let value = snapshot.get(|_| true, || counted(&loads)).await.unwrap();
        assert_eq!(*value, 2);
    }

    #[tokio::test]
    async fn invalidation_and_unusable_values_load_again() {
        let loads = AtomicUsize::new(0);
        let snapshot = Snapshot::new(Duration::from_secs(60));
        snapshot.get(|_| true, || counted(&loads)).await.unwrap();
        snapshot.invalidate();
        assert_eq!(
            *snapshot.get(|_| true, || counted(&loads)).await.unwrap(),
            2
        );
        let value = snapshot.get(|v| *v > 2, || counted(&loads)).await.unwrap();
        assert_eq!(*value, 3);
    }

    #[tokio::test]
    async fn a_load_overtaken_by_an_invalidation_is_not_kept() {
        let loads = AtomicUsize::new(0);
        let snapshot = Snapshot::new(Duration::from_secs(60));
        let first = snapshot
            .get(
                |_| true,
                || async {
                    // A write commits while this load is reading.
                    snapshot.invalidate();
                    counted(&loads).await
                },
            )
            .await
            .unwrap();
        assert_eq!(*first, 1);
        assert_eq!(
            *snapshot.get(|_| true, || counted(&loads)).await.unwrap(),
            2
        );
    }

    #[tokio::test]
    async fn a_failed_load_keeps_nothing() {
        let loads = AtomicUsize::new(0);
        let snapshot: Snapshot<usize> = Snapshot::new(Duration::from_secs(60));
        let failed = snapshot
            .get(
                |_| true,
                || async { Err(crate::BackendError::Internal("down".to_string())) },
            )
            .await;
        assert!(failed.is_err());
        assert_eq!(
            *snapshot.get(|_| true, || counted(&loads)).await.unwrap(),
            1
        );
    }
}

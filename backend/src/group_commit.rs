//! Group commit: many writers, one durable commit.
//!
//! On SQLite every write goes through one connection, and each commit waits
//! for the disk (`synchronous = FULL`), so writes that each commit alone
//! are bounded by the disk's flushes per second. Here a writer takes a
//! [`WriteTurn`]: its statements run on the writer connection inside the
//! batch's open transaction, in a savepoint of their own (so a writer that
//! fails takes back only its own statements). When a writer ends its turn
//! and nobody is waiting for the next one, or the batch is full or old, the
//! batch commits: one flush for all of them. Every writer is answered only
//! after the commit that made its statements durable, or with the reason
//! it failed; nothing is acknowledged before it is on disk.
//!
//! PostgreSQL already flushes concurrent commits together, so there a turn
//! is a pooled connection of its own and its transaction commits alone.

use crate::error::{BackendError, BackendResult};
use sqlx::pool::PoolConnection;
use sqlx::AnyConnection;
use sqlx::{Any, AnyPool, TransactionManager};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{watch, Mutex, OwnedMutexGuard};

type Transactions = <Any as sqlx::Database>::TransactionManager;

/// A batch commits after this many writers even if more are waiting...
const MAX_WRITES_PER_BATCH: usize = 256;
/// ... or once it has been open this long, so a steady stream of writers
/// is answered too.
const MAX_BATCH_AGE: Duration = Duration::from_millis(10);

/// Why a batch did not commit, as every writer in it is told.
#[derive(Clone, Debug)]
struct CommitFailure {
    /// The disk is full or read-only (a 503 for the person).
    storage: bool,
    message: String,
}

impl CommitFailure {
    fn of(error: sqlx::Error) -> Self {
        let error = BackendError::from(error);
        Self {
            storage: matches!(error, BackendError::Storage(_)),
            message: error.log_detail().to_string(),
        }
    }

    fn error(&self) -> BackendError {
        if self.storage {
            BackendError::Storage(self.message.clone())
        } else {
            BackendError::Internal(format!("group commit: {}", self.message))
        }
    }
}

/// What the writers of one batch wait for: `None` while it is open.
type Outcome = Option<Result<(), CommitFailure>>;

/// The open batch: the writer connection inside its transaction.
struct Batch {
    connection: PoolConnection<Any>,
    writes: usize,
    opened_at: Instant,
    outcome: watch::Sender<Outcome>,
}

/// The writer connection's batches, shared by every clone of a database.
pub(crate) struct GroupCommit {
    pool: AnyPool,
    batch: Arc<Mutex<Option<Batch>>>,
    /// Writers holding or waiting for a turn.
    writers: AtomicUsize,
    /// Batches committed (or failed) since the process started.
    commits: AtomicU64,
}

impl std::fmt::Debug for GroupCommit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GroupCommit")
            .field("writers", &self.writers.load(Ordering::SeqCst))
            .finish()
    }
}

impl GroupCommit {
    pub(crate) fn new(pool: AnyPool) -> Arc<Self> {
        Arc::new(Self {
            pool,
            batch: Arc::new(Mutex::new(None)),
            writers: AtomicUsize::new(0),
            commits: AtomicU64::new(0),
        })
    }

    /// Waits for a turn in the open batch (opening one if none is).
    pub(crate) async fn turn(self: &Arc<Self>) -> BackendResult<WriteTurn> {
        self.writers.fetch_add(1, Ordering::SeqCst);
        let registered = Registered(Some(Arc::clone(self)));
        let mut guard = Arc::clone(&self.batch).lock_owned().await;
        if guard.is_none() {
            let mut connection = self.pool.acquire().await?;
            Transactions::begin(&mut connection, None).await?;
            *guard = Some(Batch {
                connection,
                writes: 0,
                opened_at: Instant::now(),
                outcome: watch::channel(None).0,
            });
        }
        let batch = guard.as_mut().expect("a batch was opened above");
        batch.writes += 1;
        let outcome = batch.outcome.subscribe();
        Ok(WriteTurn(Turn::Batched {
            registered,
            guard: Some(guard),
            outcome,
        }))
    }

    /// Ends a turn: commits the batch when nobody else is waiting for one,
    /// or it is full or old; otherwise leaves it open for the next writer.
    /// The commit runs on a task of its own, so a writer whose request is
    /// dropped meanwhile cannot cut it short for the others.
    fn end_turn(self: Arc<Self>, guard: OwnedMutexGuard<Option<Batch>>) {
        let waiting = self.writers.fetch_sub(1, Ordering::SeqCst) - 1;
        let due = guard.as_ref().is_some_and(|batch| {
            waiting == 0
                || batch.writes >= MAX_WRITES_PER_BATCH
                || batch.opened_at.elapsed() >= MAX_BATCH_AGE
        });
        if due {
            let mut guard = guard;
            tokio::spawn(async move { self.commit(&mut guard).await });
        }
    }

    /// How many batches this process committed (or failed to).
    pub(crate) fn commits(&self) -> u64 {
        self.commits.load(Ordering::SeqCst)
    }

    /// After a writer went away without ending its turn (its request was
    /// dropped): if nobody else will end the batch, commit it for the
    /// writers already in it.
    fn settle_later(self: Arc<Self>) {
        if self.writers.fetch_sub(1, Ordering::SeqCst) != 1 {
            return;
        }
        tokio::spawn(async move {
            let mut guard = Arc::clone(&self.batch).lock_owned().await;
            if self.writers.load(Ordering::SeqCst) == 0 {
                self.commit(&mut guard).await;
            }
        });
    }

    /// Commits the open batch, if any, and tells its writers.
    async fn commit(&self, guard: &mut OwnedMutexGuard<Option<Batch>>) {
        let Some(batch) = guard.take() else {
            return;
        };
        self.commits.fetch_add(1, Ordering::SeqCst);
        commit_batch(batch).await;
    }
}

async fn commit_batch(mut batch: Batch) {
    let result = Transactions::commit(&mut batch.connection)
        .await
        .map_err(CommitFailure::of);
    if result.is_err() && Transactions::get_transaction_depth(&batch.connection) > 0 {
        // The connection is in a state no one should write on: let it go.
        let _ = Transactions::rollback(&mut batch.connection).await;
        if Transactions::get_transaction_depth(&batch.connection) > 0 {
            batch.connection.close_on_drop();
        }
    }
    batch.outcome.send_replace(Some(result));
}

/// A writer's place in the current batch until [`WriteTurn::durable`].
#[must_use = "a turn ends with durable()"]
pub struct WriteTurn(Turn);

enum Turn {
    /// SQLite: a turn in the shared batch.
    Batched {
        registered: Registered,
        guard: Option<OwnedMutexGuard<Option<Batch>>>,
        outcome: watch::Receiver<Outcome>,
    },
    /// PostgreSQL: a connection of the writer's own.
    Alone(PoolConnection<Any>),
}

/// A writer counted in [`GroupCommit::writers`] until it ends its turn.
struct Registered(Option<Arc<GroupCommit>>);

impl Drop for Registered {
    fn drop(&mut self) {
        if let Some(group) = self.0.take() {
            group.settle_later();
        }
    }
}

impl WriteTurn {
    pub(crate) async fn alone(pool: &AnyPool) -> BackendResult<Self> {
        Ok(Self(Turn::Alone(pool.acquire().await?)))
    }

    /// The connection to write on: begin a transaction on it (a savepoint
    /// in the batch), write, and commit it before [`Self::durable`].
    pub fn connection(&mut self) -> &mut AnyConnection {
        match &mut self.0 {
            Turn::Batched { guard, .. } => {
                &mut guard
                    .as_mut()
                    .and_then(|g| g.as_mut())
                    .expect("a turn holds its batch until it ends")
                    .connection
            }
            Turn::Alone(connection) => connection,
        }
    }

    /// Ends the turn and waits until what it wrote is on disk.
    pub async fn durable(self) -> BackendResult<()> {
        match self.0 {
            Turn::Alone(_) => Ok(()),
            Turn::Batched {
                mut registered,
                mut guard,
                mut outcome,
            } => {
                let group = registered.0.take().expect("registered until now");
                if let Some(guard) = guard.take() {
                    group.end_turn(guard);
                }
                let settled = outcome
                    .wait_for(Option::is_some)
                    .await
                    .map_err(|_| BackendError::Internal("group commit went away".into()))?
                    .clone();
                match settled {
                    Some(Ok(())) => Ok(()),
                    Some(Err(failure)) => Err(failure.error()),
                    None => Err(BackendError::Internal("group commit unsettled".into())),
                }
            }
        }
    }
}

//! Graceful shutdown: on SIGTERM or Ctrl-C, report not-ready at once, stop
//! accepting connections, and let requests in flight finish.

use crate::health::Readiness;

/// Resolves when the process is asked to stop, after marking it not ready.
pub async fn signal(readiness: Readiness) {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut stream) => {
                stream.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    readiness.begin_shutdown();
    tracing::info!("shutting down: finishing requests in flight");
}

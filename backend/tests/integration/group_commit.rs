//! Group commit from outside: a burst of writers shares commits, each is
//! answered once its write is kept, and a writer that fails or goes away
//! takes back only its own statements.

use backend::db::{Database, Engine};
use backend::on_both_engines;
use sqlx::{AnyConnection, Connection};
use std::time::Duration;

const WRITERS: usize = 64;

/// A row named `bucket`; a second one of the same name fails.
async fn insert(connection: &mut AnyConnection, bucket: &str) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO throttle_counts (bucket, window_start, hits) VALUES ($1, 0, 1)")
        .bind(bucket)
        .execute(connection)
        .await
        .map(|_| ())
}

/// One writer's row, in its own turn.
async fn write(db: &Database, bucket: String) -> backend::error::BackendResult<()> {
    let mut turn = db.write_turn().await?;
    let mut tx = turn.connection().begin().await?;
    insert(&mut tx, &bucket).await?;
    tx.commit().await?;
    turn.durable().await
}

async fn kept(db: &Database, prefix: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM throttle_counts WHERE bucket LIKE $1")
        .bind(format!("{prefix}%"))
        .fetch_one(db.reader())
        .await
        .unwrap()
}

on_both_engines!(
    a_burst_of_writers_is_kept_whole_in_fewer_commits,
    |db: Database| async move {
        let commits_before = db.group_commits();
        let writers: Vec<_> = (0..WRITERS)
            .map(|n| {
                let db = db.clone();
                tokio::spawn(async move { write(&db, format!("burst:{n}")).await })
            })
            .collect();
        for writer in writers {
            writer
                .await
                .unwrap()
                .expect("every writer is answered with success");
        }
        // Answered means kept: every row is readable by anyone now.
        assert_eq!(kept(&db, "burst:").await, WRITERS as i64);
        let commits = db.group_commits() - commits_before;
        match db.engine() {
            // Writers that came while a batch was open shared its commit.
            Engine::Sqlite => assert!(
                (1..WRITERS as u64).contains(&commits),
                "{WRITERS} writers in {commits} commits"
            ),
            Engine::Postgres => assert_eq!(commits, 0, "PostgreSQL commits each alone"),
        }
    }
);

on_both_engines!(
    a_failing_writer_takes_back_only_its_own_statements,
    |db: Database| async move {
        let failing = {
            let db = db.clone();
            tokio::spawn(async move {
                let mut turn = db.write_turn().await?;
                let mut tx = turn.connection().begin().await?;
                insert(&mut tx, "fail:1").await?;
                // The same key again: the statement fails, the writer gives up.
                insert(&mut tx, "fail:1").await?;
                tx.commit().await?;
                turn.durable().await
            })
        };
        let others: Vec<_> = (0..8)
            .map(|n| {
                let db = db.clone();
                tokio::spawn(async move { write(&db, format!("ok:{n}")).await })
            })
            .collect();
        assert!(failing.await.unwrap().is_err());
        for other in others {
            other.await.unwrap().unwrap();
        }
        assert_eq!(kept(&db, "fail:").await, 0);
        assert_eq!(kept(&db, "ok:").await, 8);
    }
);

on_both_engines!(
    a_writer_that_goes_away_leaves_the_others_answered,
    |db: Database| async move {
        // A writer whose request is dropped halfway through its turn.
        let gone = {
            let db = db.clone();
            tokio::spawn(async move {
                let mut turn = db.write_turn().await.unwrap();
                let mut tx = turn.connection().begin().await.unwrap();
                insert(&mut tx, "gone:1").await.unwrap();
                tokio::time::sleep(Duration::from_secs(3600)).await;
                tx.commit().await.unwrap();
                turn.durable().await.unwrap();
            })
        };
        tokio::time::sleep(Duration::from_millis(100)).await;
        let others: Vec<_> = (0..8)
            .map(|n| {
                let db = db.clone();
                tokio::spawn(async move { write(&db, format!("stay:{n}")).await })
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(100)).await;
        gone.abort();
        for other in others {
            tokio::time::timeout(Duration::from_secs(10), other)
                .await
                .expect("the others are answered")
                .unwrap()
                .unwrap();
        }
        assert_eq!(kept(&db, "gone:").await, 0);
        assert_eq!(kept(&db, "stay:").await, 8);
        // The writer is free again for anyone.
        write(&db, "after".to_string()).await.unwrap();
        assert_eq!(kept(&db, "after").await, 1);
    }
);

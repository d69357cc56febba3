//! The SQLite and PostgreSQL migrations build the same schema: per table
//! the same columns with the same type family, nullability, default and
//! primary key; the same indexes (columns, uniqueness, partial predicate);
//! the same foreign keys. Read back from each engine's catalogue, then
//! normalised, so a difference of spelling is not one of meaning. The
//! partitions of a PostgreSQL table are its storage, not more schema.

use backend::db::{Database, Engine};
use backend::testing::TestDb;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Column {
    name: String,
    /// "integer", "text", "real", "blob", "boolean"
    family: String,
    not_null: bool,
    default: Option<String>,
    primary_key: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Index {
    table: String,
    /// None for the index behind a UNIQUE constraint (engines name it apart).
    name: Option<String>,
    unique: bool,
    /// Column names; "<expression>" for an expression.
    columns: Vec<String>,
    predicate: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct ForeignKey {
    table: String,
    columns: Vec<String>,
    references: String,
    referenced_columns: Vec<String>,
    on_delete: String,
}

#[derive(Debug, Default, PartialEq, Eq)]
struct Schema {
    tables: BTreeMap<String, Vec<Column>>,
    indexes: BTreeSet<Index>,
    foreign_keys: BTreeSet<ForeignKey>,
}

impl Schema {
    /// What one has and the other has not, one line each.
    fn differences(&self, other: &Schema) -> Vec<String> {
        let mut lines = Vec::new();
        let tables: BTreeSet<&String> = self.tables.keys().chain(other.tables.keys()).collect();
        for table in tables {
            let (a, b) = (self.tables.get(table), other.tables.get(table));
            if a != b {
                lines.push(format!("table {table}: {a:?} <> {b:?}"));
            }
        }
        for index in self.indexes.symmetric_difference(&other.indexes) {
            lines.push(format!("index only on one side: {index:?}"));
        }
        for key in self.foreign_keys.symmetric_difference(&other.foreign_keys) {
            lines.push(format!("foreign key only on one side: {key:?}"));
        }
        lines
    }
}

fn family(declared: &str) -> String {
    let t = declared.to_ascii_lowercase();
    let family = if t.contains("int") {
        "integer"
    } else if t.contains("char") || t.contains("text") || t.contains("clob") {
        "text"
    } else if t.contains("real")
        || t.contains("floa")
        || t.contains("doub")
        || t.contains("numeric")
    {
        "real"
    } else if t.contains("blob") || t.contains("bytea") {
        "blob"
    } else if t.contains("bool") {
        "boolean"
    } else {
        t.as_str()
    };
    family.to_string()
}

/// A default as either engine spells it: `'open'::text` and `'open'` alike.
fn default_value(text: Option<String>) -> Option<String> {
    let text = text?;
    let mut value = text.trim().to_string();
    if let Some(cast) = value.find("::") {
        value.truncate(cast);
    }
    let value = value
        .trim_matches(|c| c == '(' || c == ')')
        .trim()
        .to_string();
    (!value.to_ascii_lowercase().starts_with("nextval")).then_some(value)
}

/// A partial index's predicate without its parentheses, spaces or case.
fn predicate(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != '(' && *c != ')')
        .flat_map(char::to_lowercase)
        .collect()
}

async fn sqlite_schema(db: &Database) -> Schema {
    let pool = db.reader();
    let mut schema = Schema::default();
    let columns: Vec<(String, String, String, i64, Option<String>, i64)> = sqlx::query_as(
        "SELECT m.name, p.name, p.type, p.\"notnull\", p.dflt_value, p.pk \
         FROM sqlite_master m, pragma_table_info(m.name) p \
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations' \
         ORDER BY m.name, p.cid",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    for (table, name, declared, not_null, default, pk) in columns {
        schema.tables.entry(table).or_default().push(Column {
            name,
            family: family(&declared),
            not_null: not_null == 1 || pk > 0,
            default: default_value(default),
            primary_key: pk > 0,
        });
    }
    let indexes: Vec<(String, String, i64, String, Option<String>)> = sqlx::query_as(
        "SELECT m.name, l.name, l.\"unique\", l.origin, i.sql \
         FROM sqlite_master m, pragma_index_list(m.name) l \
         LEFT JOIN sqlite_master i ON i.type = 'index' AND i.name = l.name \
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations'",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    for (table, name, unique, origin, sql) in indexes {
        if origin == "pk" {
            continue;
        }
        let columns: Vec<Option<String>> =
            sqlx::query_scalar("SELECT name FROM pragma_index_info($1) ORDER BY seqno")
                .bind(&name)
                .fetch_all(pool)
                .await
                .unwrap();
        let where_clause = sql
            .as_deref()
            .and_then(|sql| sql.rsplit_once(" WHERE "))
            .map(|(_, condition)| predicate(condition));
        schema.indexes.insert(Index {
            table,
            name: (origin == "c").then_some(name),
            unique: unique == 1,
            columns: columns
                .into_iter()
                .map(|c| c.unwrap_or_else(|| "<expression>".to_string()))
                .collect(),
            predicate: where_clause,
        });
    }
    let keys: Vec<(String, i64, String, String, Option<String>, String)> = sqlx::query_as(
        "SELECT m.name, f.id, f.\"table\", f.\"from\", f.\"to\", f.on_delete \
         FROM sqlite_master m, pragma_foreign_key_list(m.name) f \
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, f.id, f.seq",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let mut grouped: BTreeMap<(String, i64), ForeignKey> = BTreeMap::new();
    for (table, id, references, from, to, on_delete) in keys {
        let key = grouped
            .entry((table.clone(), id))
            .or_insert_with(|| ForeignKey {
                table,
                columns: Vec::new(),
                references: references.clone(),
                referenced_columns: Vec::new(),
                on_delete: on_delete.to_ascii_uppercase().replace("NO ACTION", ""),
            });
        key.columns.push(from);
        // A key naming no column references the primary key.
        key.referenced_columns
            .push(to.unwrap_or_else(|| "id".to_string()));
    }
    schema.foreign_keys = grouped.into_values().collect();
    schema
}

async fn postgres_schema(db: &Database) -> Schema {
    let pool = db.reader();
    let mut schema = Schema::default();
    let columns: Vec<(String, String, String, bool, Option<String>, bool)> = sqlx::query_as(
        "SELECT c.table_name::text, c.column_name::text, c.data_type::text, \
                c.is_nullable = 'NO', c.column_default::text, \
                EXISTS (SELECT 1 FROM information_schema.table_constraints t \
                        JOIN information_schema.key_column_usage k \
                          ON k.constraint_name = t.constraint_name AND k.table_schema = t.table_schema \
                        WHERE t.constraint_type = 'PRIMARY KEY' AND t.table_schema = c.table_schema \
                          AND t.table_name = c.table_name AND k.column_name = c.column_name) \
         FROM information_schema.columns c \
         WHERE c.table_schema = current_schema() AND c.table_name <> '_sqlx_migrations' \
           AND NOT EXISTS (SELECT 1 FROM pg_class p WHERE p.relname = c.table_name \
                           AND p.relnamespace = current_schema()::regnamespace AND p.relispartition) \
         ORDER BY c.table_name, c.ordinal_position",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    for (table, name, declared, not_null, default, primary_key) in columns {
        schema.tables.entry(table).or_default().push(Column {
            name,
            family: family(&declared),
            not_null: not_null || primary_key,
            default: default_value(default),
            primary_key,
        });
    }
    let indexes: Vec<(String, String, bool, bool, Option<String>, String)> = sqlx::query_as(
        "SELECT t.relname::text, i.relname::text, ix.indisunique, \
                EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = ix.indexrelid), \
                pg_get_expr(ix.indpred, ix.indrelid), \
                (SELECT string_agg(COALESCE(a.attname::text, '<expression>'), ',' ORDER BY k.ord) \
                 FROM unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) \
                 LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum AND k.attnum > 0) \
         FROM pg_index ix \
         JOIN pg_class i ON i.oid = ix.indexrelid \
         JOIN pg_class t ON t.oid = ix.indrelid \
         JOIN pg_namespace n ON n.oid = t.relnamespace \
         WHERE n.nspname = current_schema() AND NOT ix.indisprimary \
           AND NOT t.relispartition AND t.relname <> '_sqlx_migrations'",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    for (table, name, unique, from_constraint, where_clause, columns) in indexes {
        schema.indexes.insert(Index {
            table,
            name: (!from_constraint).then_some(name),
            unique,
            columns: columns.split(',').map(str::to_string).collect(),
            predicate: where_clause.as_deref().map(predicate),
        });
    }
    let keys: Vec<(String, String, String, String, String)> = sqlx::query_as(
        "SELECT t.relname::text, r.relname::text, \
                (SELECT string_agg(a.attname::text, ',' ORDER BY k.ord) \
                 FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord) \
                 JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum), \
                (SELECT string_agg(a.attname::text, ',' ORDER BY k.ord) \
                 FROM unnest(c.confkey) WITH ORDINALITY AS k(attnum, ord) \
                 JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum), \
                CASE c.confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' \
                     WHEN 'd' THEN 'SET DEFAULT' WHEN 'r' THEN 'RESTRICT' ELSE '' END \
         FROM pg_constraint c \
         JOIN pg_class t ON t.oid = c.conrelid \
         JOIN pg_class r ON r.oid = c.confrelid \
         JOIN pg_namespace n ON n.oid = t.relnamespace \
         WHERE c.contype = 'f' AND n.nspname = current_schema() AND NOT t.relispartition",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    for (table, references, columns, referenced, on_delete) in keys {
        schema.foreign_keys.insert(ForeignKey {
            table,
            columns: columns.split(',').map(str::to_string).collect(),
            references,
            referenced_columns: referenced.split(',').map(str::to_string).collect(),
            on_delete,
        });
    }
    schema
}

async fn schema_of(db: &Database) -> Schema {
    match db.engine() {
        Engine::Sqlite => sqlite_schema(db).await,
        Engine::Postgres => postgres_schema(db).await,
    }
}

async fn run(db: &Database, sql: &str) {
    sqlx::raw_sql(sql).execute(db.writer()).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_engines_build_the_same_schema() {
    let sqlite = TestDb::sqlite().await;
    let postgres = TestDb::postgres().await;
    let on_sqlite = schema_of(&sqlite.db).await;
    let on_postgres = schema_of(&postgres.db).await;
    assert!(
        on_sqlite.tables.len() >= 25,
        "tables: {:?}",
        on_sqlite.tables.keys()
    );
    assert!(
        on_sqlite.indexes.len() >= 40,
        "indexes: {}",
        on_sqlite.indexes.len()
    );
    assert!(
        on_sqlite.foreign_keys.len() >= 40,
        "keys: {}",
        on_sqlite.foreign_keys.len()
    );
    assert!(
        on_sqlite.indexes.iter().any(|i| i.predicate.is_some()),
        "partial indexes are read"
    );
    let differences = on_sqlite.differences(&on_postgres);
    assert!(differences.is_empty(), "{}", differences.join("\n"));

    // The comparison sees a deliberate difference of each kind.
    run(
        &sqlite.db,
        "CREATE TABLE deliberate (id INTEGER PRIMARY KEY, a INTEGER NOT NULL, b TEXT)",
    )
    .await;
    run(
        &postgres.db,
        "CREATE TABLE deliberate (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, \
         a BIGINT NOT NULL, b TEXT)",
    )
    .await;
    assert_eq!(
        schema_of(&sqlite.db)
            .await
            .differences(&schema_of(&postgres.db).await),
        Vec::<String>::new()
    );
    let kinds = [
        (
            "ALTER TABLE deliberate ADD COLUMN c INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE deliberate ADD COLUMN c TEXT NOT NULL DEFAULT '0'",
            "ALTER TABLE deliberate DROP COLUMN c",
            "a column's type",
        ),
        (
            "ALTER TABLE deliberate ADD COLUMN d TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE deliberate ADD COLUMN d TEXT DEFAULT ''",
            "ALTER TABLE deliberate DROP COLUMN d",
            "a NOT NULL",
        ),
        (
            "ALTER TABLE deliberate ADD COLUMN e TEXT NOT NULL DEFAULT 'open'",
            "ALTER TABLE deliberate ADD COLUMN e TEXT NOT NULL DEFAULT 'shut'",
            "ALTER TABLE deliberate DROP COLUMN e",
            "a default",
        ),
        (
            "CREATE INDEX deliberate_a ON deliberate(a, b)",
            "CREATE INDEX deliberate_a ON deliberate(b, a)",
            "DROP INDEX deliberate_a",
            "an index's columns",
        ),
        (
            "CREATE UNIQUE INDEX deliberate_b ON deliberate(b) WHERE b IS NOT NULL",
            "CREATE UNIQUE INDEX deliberate_b ON deliberate(b)",
            "DROP INDEX deliberate_b",
            "a partial index",
        ),
        (
            "CREATE TABLE deliberate_child (id INTEGER PRIMARY KEY, \
             parent_id INTEGER REFERENCES deliberate(id) ON DELETE CASCADE)",
            "CREATE TABLE deliberate_child (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, \
             parent_id BIGINT REFERENCES deliberate(id))",
            "DROP TABLE deliberate_child",
            "a foreign key's ON DELETE",
        ),
    ];
    for (on_sqlite_only, on_postgres_only, undo, what) in kinds {
        run(&sqlite.db, on_sqlite_only).await;
        run(&postgres.db, on_postgres_only).await;
        let differences = schema_of(&sqlite.db)
            .await
            .differences(&schema_of(&postgres.db).await);
        assert!(
            differences.iter().any(|d| d.contains("deliberate")),
            "{what} went unseen: {differences:?}"
        );
        run(&sqlite.db, undo).await;
        run(&postgres.db, undo).await;
        let differences = schema_of(&sqlite.db)
            .await
            .differences(&schema_of(&postgres.db).await);
        assert!(differences.is_empty(), "after {what}: {differences:?}");
    }
    sqlite.finish().await;
    postgres.finish().await;
}

/// Rows of the tables migration 0012 rebuilds on SQLite, and of those that
/// refer to them.
async fn kept_rows(db: &Database) -> Vec<(String, i64)> {
    let mut counts = Vec::new();
    for table in [
        "outages",
        "outage_stations",
        "outage_buildings",
        "outage_updates",
        "season_announcements",
        "season_announcement_companies",
    ] {
        let count: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(db.reader())
            .await
            .unwrap();
        counts.push((table.to_string(), count));
    }
    counts
}

/// Migration 0012 widens two CHECKs; on SQLite that rebuilds two tables
/// that others refer to. A city seeded before it keeps every row and
/// every reference, foreign keys stay enforced, and the new kinds go in.
async fn heat_source_kinds_arrive_without_losing_a_row(engine: Engine) {
    let test_db = TestDb::migrated_through(engine, 11).await;
    let db = &test_db.db;
    let now = domain::clock::local_instant(2026, 11, 28, 10).unwrap();
    backend::seed::demo::seed_demo(db, now).await.unwrap();
    run(
        db,
        "INSERT INTO season_announcement_companies (announcement_id, company_id) \
         SELECT MIN(a.id), MIN(c.id) FROM season_announcements a, heating_companies c",
    )
    .await;
    let refused = sqlx::query("UPDATE outages SET kind = 'heat_source'")
        .execute(db.writer())
        .await;
    assert!(refused.is_err(), "the old CHECK stands before 0012");
    let before = kept_rows(db).await;
    let rows_of = |table: &str| {
        before
            .iter()
            .find(|(t, _)| t == table)
            .map_or(0, |(_, n)| *n)
    };
    for table in [
        "outages",
        "outage_updates",
        "season_announcements",
        "season_announcement_companies",
    ] {
        assert!(rows_of(table) > 0, "{table}: {before:?}");
    }

    db.migrate().await.unwrap();
    assert_eq!(kept_rows(db).await, before);
    run(
        db,
        "UPDATE outages SET kind = 'heat_source' WHERE id = (SELECT MIN(id) FROM outages)",
    )
    .await;
    run(
        db,
        "UPDATE season_announcements SET kind = 'heat_source_limit' \
         WHERE id = (SELECT MIN(id) FROM season_announcements)",
    )
    .await;
    let unknown = sqlx::query("UPDATE outages SET kind = 'unknown'")
        .execute(db.writer())
        .await;
    assert!(unknown.is_err(), "the new CHECK still checks");
    let dangling = sqlx::query(
        "INSERT INTO outage_updates (outage_id, posted_at, message) VALUES (999999, 0, 'x')",
    )
    .execute(db.writer())
    .await;
    assert!(dangling.is_err(), "foreign keys are still enforced");
    if matches!(engine, Engine::Sqlite) {
        let broken: Vec<(String, i64)> =
            sqlx::query_as("SELECT \"table\", COALESCE(rowid, 0) FROM pragma_foreign_key_check")
                .fetch_all(db.reader())
                .await
                .unwrap();
        assert!(broken.is_empty(), "{broken:?}");
    }
    test_db.finish().await;
}

#[tokio::test]
async fn heat_source_kinds_arrive_without_losing_a_row_on_sqlite() {
    heat_source_kinds_arrive_without_losing_a_row(Engine::Sqlite).await;
}

#[tokio::test]
async fn heat_source_kinds_arrive_without_losing_a_row_on_postgres() {
    heat_source_kinds_arrive_without_losing_a_row(Engine::Postgres).await;
}

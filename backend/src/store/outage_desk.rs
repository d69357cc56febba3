//! The duty desk's outages: a company's own, written as drafts, published,
//! updated, restored or cancelled, each step one guarded statement; and
//! the people of an outage's area, counted and told in one statement.

use super::outages::placeholders;
use crate::error::BackendResult;
use domain::outage_desk::{Audience, CheckedOutage, OutageNews};
use sqlx::{Any, AnyPool, Transaction};

/// An outage as its company's desk sees it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct DeskOutageRow {
    pub id: i64,
    pub kind: String,
    pub status: String,
    pub title: String,
    pub cause: String,
    pub contact: String,
    pub short_notice_reason: String,
    pub starts_at: i64,
    pub expected_restore_at: i64,
    pub restored_at: Option<i64>,
    pub cancelled_at: Option<i64>,
    pub published_at: i64,
}

const DESK_COLUMNS: &str = "id, kind, status, title, cause, contact, short_notice_reason, \
     starts_at, expected_restore_at, restored_at, cancelled_at, published_at";

/// The company's outages: drafts and those not ended first, then the
/// newest ended ones, `limit` in all.
pub async fn company_outages(
    pool: &AnyPool,
    company_id: i64,
    limit: i64,
) -> BackendResult<Vec<DeskOutageRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {DESK_COLUMNS} FROM outages WHERE company_id = $1 \
         ORDER BY CASE status WHEN 'draft' THEN 0 WHEN 'published' THEN 1 ELSE 2 END, \
                  starts_at DESC, id DESC LIMIT $2"
    ))
    .bind(company_id)
    .bind(limit)
    .fetch_all(pool)
    .await?)
}

/// One of the company's outages; another company's is not found.
pub async fn company_outage(
    pool: &AnyPool,
    company_id: i64,
    outage_id: i64,
) -> BackendResult<Option<DeskOutageRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {DESK_COLUMNS} FROM outages WHERE id = $1 AND company_id = $2"
    ))
    .bind(outage_id)
    .bind(company_id)
    .fetch_optional(pool)
    .await?)
}

/// A station, community or building the desk's form offers.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PlaceRow {
    pub id: i64,
    pub label: String,
}

/// The company's stations, the communities with a building it heats, and
/// those buildings, each in its natural order.
pub async fn company_places(
    pool: &AnyPool,
    company_id: i64,
) -> BackendResult<(Vec<PlaceRow>, Vec<PlaceRow>, Vec<PlaceRow>)> {
    let stations = sqlx::query_as(
        "SELECT id, name AS label FROM stations WHERE company_id = $1 ORDER BY code, id",
    )
    .bind(company_id)
    .fetch_all(pool)
    .await?;
    let communities = sqlx::query_as(
        "SELECT c.id, c.district || ' · ' || c.name AS label FROM communities c \
         WHERE c.id IN (SELECT b.community_id FROM buildings b \
                        JOIN stations s ON s.id = b.station_id WHERE s.company_id = $1) \
         ORDER BY c.district, c.name",
    )
    .bind(company_id)
    .fetch_all(pool)
    .await?;
    let buildings = sqlx::query_as(
        "SELECT b.id, c.name || ' ' || b.name AS label FROM buildings b \
         JOIN stations s ON s.id = b.station_id JOIN communities c ON c.id = b.community_id \
         WHERE s.company_id = $1 ORDER BY c.district, c.name, b.sort_key",
    )
    .bind(company_id)
    .fetch_all(pool)
    .await?;
    Ok((stations, communities, buildings))
}

/// How many of `ids` in `table` the company heats: stations it runs,
/// buildings on its stations, communities with a building on its stations.
async fn count_company_places(
    pool: &AnyPool,
    company_id: i64,
    sql: &str,
    ids: &[i64],
) -> BackendResult<i64> {
    if ids.is_empty() {
        return Ok(0);
    }
    let sql = sql.replace("{ids}", &placeholders(2, ids.len()));
    let mut query = sqlx::query_scalar(&sql).bind(company_id);
    for id in ids {
        query = query.bind(*id);
    }
    Ok(query.fetch_one(pool).await?)
}

/// Whether every chosen place is the company's.
pub async fn places_are_company_s(
    pool: &AnyPool,
    company_id: i64,
    outage: &CheckedOutage,
) -> BackendResult<bool> {
    let checks = [
        (
            "SELECT COUNT(*) FROM stations WHERE company_id = $1 AND id IN ({ids})",
            &outage.station_ids,
        ),
        (
            "SELECT COUNT(*) FROM buildings b JOIN stations s ON s.id = b.station_id \
             WHERE s.company_id = $1 AND b.id IN ({ids})",
            &outage.building_ids,
        ),
        (
            "SELECT COUNT(DISTINCT b.community_id) FROM buildings b \
             JOIN stations s ON s.id = b.station_id \
             WHERE s.company_id = $1 AND b.community_id IN ({ids})",
            &outage.community_ids,
        ),
    ];
    for (sql, ids) in checks {
        if count_company_places(pool, company_id, sql, ids).await? != ids.len() as i64 {
            return Ok(false);
        }
    }
    Ok(true)
}

/// A draft's `published_at`: not public, and it stays so when the draft is
/// discarded (the public board shows an outage only when it went public
/// before it ended).
pub const NOT_YET_PUBLISHED: i64 = i64::MAX;

/// Writes a draft: the outage and its places.
pub async fn insert_draft(
    tx: &mut Transaction<'_, Any>,
    company_id: i64,
    outage: &CheckedOutage,
    created_by: i64,
    now: i64,
) -> BackendResult<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO outages (company_id, kind, title, cause, contact, short_notice_reason, \
                              starts_at, expected_restore_at, published_at, published_by, status, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'draft', $11) RETURNING id",
    )
    .bind(company_id)
    .bind(outage.kind.as_str())
    .bind(&outage.title)
    .bind(&outage.cause)
    .bind(&outage.contact)
    .bind(outage.short_notice_reason())
    .bind(outage.starts_at)
    .bind(outage.expected_restore_at)
    .bind(NOT_YET_PUBLISHED)
    .bind(created_by)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    insert_places(tx, id, company_id, outage).await?;
    Ok(id)
}

/// Links an outage to its places (a community stands for its buildings on
/// the company's stations).
async fn insert_places(
    tx: &mut Transaction<'_, Any>,
    outage_id: i64,
    company_id: i64,
    outage: &CheckedOutage,
) -> BackendResult<()> {
    for station in &outage.station_ids {
        sqlx::query("INSERT INTO outage_stations (outage_id, station_id) VALUES ($1, $2)")
            .bind(outage_id)
            .bind(*station)
            .execute(&mut **tx)
            .await?;
    }
    for building in &outage.building_ids {
        sqlx::query(
            "INSERT INTO outage_buildings (outage_id, building_id) VALUES ($1, $2) \
             ON CONFLICT (outage_id, building_id) DO NOTHING",
        )
        .bind(outage_id)
        .bind(*building)
        .execute(&mut **tx)
        .await?;
    }
    for community in &outage.community_ids {
        sqlx::query(
            "INSERT INTO outage_buildings (outage_id, building_id) \
             SELECT $1, b.id FROM buildings b JOIN stations s ON s.id = b.station_id \
             WHERE b.community_id = $2 AND s.company_id = $3 \
             ON CONFLICT (outage_id, building_id) DO NOTHING",
        )
        .bind(outage_id)
        .bind(*community)
        .bind(company_id)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Rewrites a draft of the company's from `outage`: texts, times and
/// places. False when it is not (or no longer) a draft.
pub async fn rewrite_draft(
    tx: &mut Transaction<'_, Any>,
    company_id: i64,
    outage_id: i64,
    outage: &CheckedOutage,
) -> BackendResult<bool> {
    let done = sqlx::query(
        "UPDATE outages SET kind = $1, title = $2, cause = $3, contact = $4, \
                short_notice_reason = $5, starts_at = $6, expected_restore_at = $7 \
         WHERE id = $8 AND company_id = $9 AND status = 'draft'",
    )
    .bind(outage.kind.as_str())
    .bind(&outage.title)
    .bind(&outage.cause)
    .bind(&outage.contact)
    .bind(outage.short_notice_reason())
    .bind(outage.starts_at)
    .bind(outage.expected_restore_at)
    .bind(outage_id)
    .bind(company_id)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    for table in ["outage_stations", "outage_buildings"] {
        sqlx::query(&format!("DELETE FROM {table} WHERE outage_id = $1"))
            .bind(outage_id)
            .execute(&mut **tx)
            .await?;
    }
    insert_places(tx, outage_id, company_id, outage).await?;
    Ok(true)
}

/// The stations and the buildings an outage names itself (its
/// communities were written down as their buildings).
pub async fn chosen_places(pool: &AnyPool, outage_id: i64) -> BackendResult<(Vec<i64>, Vec<i64>)> {
    let stations = sqlx::query_scalar(
        "SELECT station_id FROM outage_stations WHERE outage_id = $1 ORDER BY station_id",
    )
    .bind(outage_id)
    .fetch_all(pool)
    .await?;
    let buildings = sqlx::query_scalar(
        "SELECT building_id FROM outage_buildings WHERE outage_id = $1 ORDER BY building_id",
    )
    .bind(outage_id)
    .fetch_all(pool)
    .await?;
    Ok((stations, buildings))
}

/// Publishes a draft of the company's at `published_at`; false when it is
/// not (or no longer) a draft.
pub async fn publish(
    tx: &mut Transaction<'_, Any>,
    company_id: i64,
    outage_id: i64,
    published_at: i64,
    published_by: i64,
) -> BackendResult<bool> {
    let done = sqlx::query(
        "UPDATE outages SET status = 'published', published_at = $1, published_by = $2 \
         WHERE id = $3 AND company_id = $4 AND status = 'draft'",
    )
    .bind(published_at)
    .bind(published_by)
    .bind(outage_id)
    .bind(company_id)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Sets a published outage's expected restore; false when it is not
/// published (any more).
pub async fn move_restore(
    tx: &mut Transaction<'_, Any>,
    company_id: i64,
    outage_id: i64,
    expected_restore_at: i64,
) -> BackendResult<bool> {
    let done = sqlx::query(
        "UPDATE outages SET expected_restore_at = $1 \
         WHERE id = $2 AND company_id = $3 AND status = 'published' AND starts_at < $1",
    )
    .bind(expected_restore_at)
    .bind(outage_id)
    .bind(company_id)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Whether a published outage of the company is still published (taken
/// under the transaction's write, so a concurrent restore waits or wins).
pub async fn touch_published(
    tx: &mut Transaction<'_, Any>,
    company_id: i64,
    outage_id: i64,
) -> BackendResult<bool> {
    let done = sqlx::query(
        "UPDATE outages SET status = status WHERE id = $1 AND company_id = $2 AND status = 'published'",
    )
    .bind(outage_id)
    .bind(company_id)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Ends an outage of the company that is in status `from`: restored (heat
/// is back) or cancelled at `now`, in one guarded statement. Returns when
/// it went (or goes) public, or `None` when it was not in `from` (any more).
pub async fn end(
    tx: &mut Transaction<'_, Any>,
    company_id: i64,
    outage_id: i64,
    from: &str,
    to_restored: bool,
    now: i64,
) -> BackendResult<Option<i64>> {
    let set = if to_restored {
        "status = 'restored', restored_at = $1"
    } else {
        "status = 'cancelled', cancelled_at = $1"
    };
    Ok(sqlx::query_scalar(&format!(
        "UPDATE outages SET {set} WHERE id = $2 AND company_id = $3 AND status = $4 \
         RETURNING published_at"
    ))
    .bind(now)
    .bind(outage_id)
    .bind(company_id)
    .bind(from)
    .fetch_optional(&mut **tx)
    .await?)
}

/// A progress note, with the expected restore it set if it moved it.
pub async fn insert_update(
    tx: &mut Transaction<'_, Any>,
    outage_id: i64,
    posted_at: i64,
    message: &str,
    expected_restore_at: Option<i64>,
    posted_by: Option<i64>,
) -> BackendResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO outage_updates (outage_id, posted_at, message, expected_restore_at, posted_by) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(outage_id)
    .bind(posted_at)
    .bind(message)
    .bind(expected_restore_at)
    .bind(posted_by)
    .fetch_one(&mut **tx)
    .await?)
}

/// One entry of an outage's timeline.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct UpdateRow {
    pub posted_at: i64,
    pub message: String,
    pub expected_restore_at: Option<i64>,
}

/// Every progress note of an outage, oldest first.
pub async fn updates(pool: &AnyPool, outage_id: i64) -> BackendResult<Vec<UpdateRow>> {
    Ok(sqlx::query_as(
        "SELECT posted_at, message, expected_restore_at FROM outage_updates \
         WHERE outage_id = $1 ORDER BY posted_at, id",
    )
    .bind(outage_id)
    .fetch_all(pool)
    .await?)
}

/// The buildings an outage touches, directly or through its stations.
const AFFECTED_BUILDINGS: &str = "SELECT building_id FROM outage_buildings WHERE outage_id = $1 \
     UNION SELECT b.id FROM outage_stations os JOIN buildings b ON b.station_id = os.station_id \
     WHERE os.outage_id = $1";

/// The people to tell of an outage: residents bound to a household in an
/// affected building, the grid workers of those buildings and their
/// property managers; enabled, with a phone.
fn people_to_tell() -> String {
    format!(
        "SELECT p.id, p.phone, p.outage_news_opt_out_at FROM people p WHERE p.disabled_at IS NULL \
           AND p.phone IS NOT NULL AND p.id IN ( \
             SELECT ph.person_id FROM person_households ph \
               JOIN households h ON h.id = ph.household_id JOIN units u ON u.id = h.unit_id \
               WHERE u.building_id IN ({AFFECTED_BUILDINGS}) \
             UNION SELECT ga.person_id FROM grid_assignments ga \
               JOIN grid_buildings gb ON gb.grid_id = ga.grid_id \
               WHERE gb.building_id IN ({AFFECTED_BUILDINGS}) \
             UNION SELECT ba.person_id FROM building_assignments ba \
               WHERE ba.building_id IN ({AFFECTED_BUILDINGS}))"
    )
}

/// Who an outage's news reaches: buildings, households, people, and of
/// them who declined routine news.
pub async fn audience(pool: &AnyPool, outage_id: i64) -> BackendResult<Audience> {
    let (buildings, households): (i64, i64) = sqlx::query_as(&format!(
        "SELECT (SELECT COUNT(*) FROM ({AFFECTED_BUILDINGS}) a), \
                (SELECT COUNT(*) FROM households h JOIN units u ON u.id = h.unit_id \
                 WHERE u.building_id IN ({AFFECTED_BUILDINGS}))"
    ))
    .bind(outage_id)
    .fetch_one(pool)
    .await?;
    let (people, opted_out): (i64, i64) = sqlx::query_as(&format!(
        "SELECT COUNT(*), COUNT(t.outage_news_opt_out_at) FROM ({}) t",
        people_to_tell()
    ))
    .bind(outage_id)
    .fetch_one(pool)
    .await?;
    let count = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
    Ok(Audience {
        buildings: count(buildings),
        households: count(households),
        people: count(people),
        opted_out: count(opted_out),
    })
}

/// Where a piece of outage news goes: each person's phone, or each WeChat
/// openid linked to the person.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NewsAddress {
    Phone,
    WeChat,
}

/// One piece of news for everyone an outage touches.
pub struct OutageNewsRow<'a> {
    pub outage_id: i64,
    pub address: NewsAddress,
    /// Unique per piece of news ("published", "update:17", …): with the
    /// person, the message's dedupe key, so telling twice queues once.
    pub news_key: &'a str,
    pub channel: &'a str,
    pub payload: &'a str,
    pub now: i64,
    /// When it may go out (quiet hours, a scheduled publication).
    pub send_at: i64,
    /// Routine news skips people who declined it.
    pub urgent: bool,
    /// Only people who were sent (or are being sent) its publication or a
    /// moved restore time, and were not given up on: an ending is news
    /// only to those who heard of the outage.
    pub only_those_told: bool,
}

/// The news key of a progress note that moved the expected restore, before
/// the note's id.
pub const UPDATE_NEWS_KEY_PREFIX: &str = "update:";

/// The dedupe key of a piece of an outage's news for one person, before
/// the person's id.
fn news_key_prefix(outage_id: i64, news_key: &str) -> String {
    format!("outage:{outage_id}:{news_key}:person:")
}

/// Whether the person `t.id` was told of outage `$1`'s publication (key
/// prefix `$8`) or of a moved restore time (`$9` before the note's id):
/// sent, or in a worker's hands, and not given up.
const WAS_TOLD: &str = "(EXISTS (SELECT 1 FROM outbox o \
        WHERE o.dedupe_key = $8 || CAST(t.id AS TEXT) AND o.abandoned_at IS NULL) \
     OR EXISTS (SELECT 1 FROM outage_updates u JOIN outbox o \
        ON o.dedupe_key = $9 || CAST(u.id AS TEXT) || ':person:' || CAST(t.id AS TEXT) \
        WHERE u.outage_id = $1 AND u.expected_restore_at IS NOT NULL \
          AND o.abandoned_at IS NULL))";

/// [`WAITING`] with `now` bound at `now_param`.
fn waiting(now_param: &str) -> String {
    WAITING
        .replace("$NOW", now_param)
        .replace("$LEASE", &domain::delivery::CLAIM_LEASE.to_string())
}

/// An outbox row neither delivered nor given up, and not in a worker's hands
/// (a claimed row's `available_at` is pushed up to a lease ahead).
const WAITING: &str = "delivered_at IS NULL AND abandoned_at IS NULL \
     AND NOT (available_at > $NOW AND available_at <= $NOW + $LEASE)";

/// Queues one message per person to tell (a text), or per WeChat openid
/// linked to them, in one statement; returns how many were queued (a
/// repeat queues none). Whether a person was told is read from their texts.
pub async fn queue_news(
    tx: &mut Transaction<'_, Any>,
    news: &OutageNewsRow<'_>,
) -> BackendResult<u64> {
    let (recipient, key_suffix, openids) = match news.address {
        NewsAddress::Phone => ("t.phone", "", ""),
        NewsAddress::WeChat => (
            "w.openid",
            " || ':wechat:' || w.openid",
            "JOIN wechat_links w ON w.person_id = t.id",
        ),
    };
    let sql =
        format!(
        "INSERT INTO outbox (channel, recipient, dedupe_key, payload, created_at, available_at) \
         SELECT $2, {recipient}, $3 || CAST(t.id AS TEXT){key_suffix}, $4, $5, $6 \
         FROM ({}) t {openids} \
         WHERE ($7 = 1 OR t.outage_news_opt_out_at IS NULL) AND {} \
         ON CONFLICT (dedupe_key) DO NOTHING",
        people_to_tell(),
        if news.only_those_told { WAS_TOLD } else { "1 = 1" }
    );
    let mut query = sqlx::query(&sql)
        .bind(news.outage_id)
        .bind(news.channel)
        .bind(news_key_prefix(news.outage_id, news.news_key))
        .bind(news.payload)
        .bind(news.now)
        .bind(news.send_at)
        .bind(i64::from(news.urgent));
    if news.only_those_told {
        query = query
            .bind(news_key_prefix(
                news.outage_id,
                OutageNews::Published.as_str(),
            ))
            .bind(format!(
                "outage:{}:{UPDATE_NEWS_KEY_PREFIX}",
                news.outage_id
            ));
    }
    let done = query.execute(&mut **tx).await?;
    Ok(done.rows_affected())
}

/// Takes back an outage's news not yet sent (a notice called off before
/// it went out, or news overtaken by its end); returns how many.
pub async fn withdraw_pending_news(
    tx: &mut Transaction<'_, Any>,
    outage_id: i64,
    now: i64,
) -> BackendResult<u64> {
    let done = sqlx::query(&format!(
        "DELETE FROM outbox WHERE dedupe_key LIKE $1 AND {}",
        waiting("$2")
    ))
    .bind(format!("outage:{outage_id}:%"))
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected())
}

/// Records (or clears) a person's wish for no routine outage news.
pub async fn set_news_opt_out(
    tx: &mut Transaction<'_, Any>,
    person_id: i64,
    opted_out_at: Option<i64>,
) -> BackendResult<()> {
    sqlx::query("UPDATE people SET outage_news_opt_out_at = $1 WHERE id = $2")
        .bind(opted_out_at)
        .bind(person_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Takes back the news of outages of `routine_kinds` still waiting for a
/// person (who has just declined routine news), texts and WeChat messages;
/// returns how many.
pub async fn withdraw_routine_news_of(
    tx: &mut Transaction<'_, Any>,
    person_id: i64,
    routine_kinds: &[&str],
    now: i64,
) -> BackendResult<u64> {
    if routine_kinds.is_empty() {
        return Ok(0);
    }
    let sql = format!(
        "DELETE FROM outbox WHERE (dedupe_key LIKE $1 OR dedupe_key LIKE $1 || ':wechat:%') \
         AND {} AND EXISTS (SELECT 1 FROM outages x WHERE x.kind IN ({}) \
                     AND outbox.dedupe_key LIKE 'outage:' || CAST(x.id AS TEXT) || ':%')",
        waiting("$2"),
        placeholders(3, routine_kinds.len())
    );
    let mut query = sqlx::query(&sql)
        .bind(format!("outage:%:person:{person_id}"))
        .bind(now);
    for kind in routine_kinds {
        query = query.bind(*kind);
    }
    Ok(query.execute(&mut **tx).await?.rows_affected())
}

/// Whether a person declined routine outage news.
pub async fn news_opted_out(pool: &AnyPool, person_id: i64) -> BackendResult<bool> {
    let at: Option<Option<i64>> =
        sqlx::query_scalar("SELECT outage_news_opt_out_at FROM people WHERE id = $1")
            .bind(person_id)
            .fetch_optional(pool)
            .await?;
    Ok(at.flatten().is_some())
}

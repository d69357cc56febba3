//! When the outbox tries a message again: texts and WeChat messages a few
//! times, twice as late each time; news for the 12345 platform for as long
//! as it takes, as the platform must hear every step.

use crate::clock::UnixSeconds;

/// Attempts before a text or WeChat message that keeps failing is given up.
pub const MAX_ATTEMPTS: i64 = 5;
/// The first retry waits this long (seconds); each further one twice as long.
pub const FIRST_RETRY_AFTER: i64 = 10;
/// The longest wait between two tries of a 12345 callback.
pub const HOTLINE_MAX_RETRY_AFTER: i64 = 30 * 60;
/// How long a worker holds a message it is sending: far beyond any
/// provider's timeout, so a message is never sent twice by two live
/// workers, and one whose worker died goes out again after this.
pub const CLAIM_LEASE: i64 = 120;

/// When to try a text or WeChat message again after its `attempts`-th
/// failure (counting that one), or None: given up.
pub fn retry_at(attempts: i64, now: UnixSeconds) -> Option<UnixSeconds> {
    (attempts < MAX_ATTEMPTS).then(|| now + FIRST_RETRY_AFTER * (1 << (attempts - 1).clamp(0, 10)))
}

/// When to try a 12345 callback again after `attempts_before` failed tries:
/// doubling, never more than [`HOTLINE_MAX_RETRY_AFTER`] apart.
pub fn hotline_retry_at(attempts_before: i64, now: UnixSeconds) -> UnixSeconds {
    now + (FIRST_RETRY_AFTER << attempts_before.clamp(0, 20)).min(HOTLINE_MAX_RETRY_AFTER)
}

/// Texts per second the provider takes when the operator sets no rate
/// (`HEATDESK_SMS_RATE`); all instances together stay under it.
pub const DEFAULT_TEXTS_PER_SECOND: u32 = 100;
/// The highest rate an operator may set.
pub const MAX_TEXTS_PER_SECOND: u32 = 10_000;

/// How the texts of one delivery round go out, in order: each text meant
/// for one person alone (a code, a case's news) in a call of its own, and
/// the bulk texts (an outage's news) of the same words together, at most
/// `batch_size` numbers a call. `bulk_key` is None for a text of its own,
/// and the words of a bulk text. The order within and between sends is
/// the order the texts came in.
pub fn plan_sends<T, K: PartialEq>(
    texts: Vec<T>,
    bulk_key: impl Fn(&T) -> Option<K>,
    batch_size: usize,
) -> Vec<Vec<T>> {
    let batch_size = batch_size.max(1);
    let mut sends: Vec<Vec<T>> = Vec::new();
    // Open batches: the key and the index of its send in `sends`.
    let mut open: Vec<(K, usize)> = Vec::new();
    for text in texts {
        let Some(key) = bulk_key(&text) else {
            sends.push(vec![text]);
            continue;
        };
        match open.iter().position(|(open_key, _)| *open_key == key) {
            Some(at) if sends[open[at].1].len() < batch_size => sends[open[at].1].push(text),
            Some(at) => {
                open[at].1 = sends.len();
                sends.push(vec![text]);
            }
            None => {
                open.push((key, sends.len()));
                sends.push(vec![text]);
            }
        }
    }
    sends
}

/// The numbers one call may carry under a rate of `texts_per_second`:
/// the provider's batch limit, or fewer when the rate is lower, so every
/// call fits in one second's allowance.
pub fn batch_size_under(provider_batch_limit: usize, texts_per_second: u32) -> usize {
    provider_batch_limit
        .min(usize::try_from(texts_per_second).unwrap_or(usize::MAX))
        .max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_texts_go_alone_and_bulk_texts_of_the_same_words_together() {
        // (id, words): None is a text of its own.
        let texts = vec![
            (1, None),
            (2, Some("停热A")),
            (3, Some("停热B")),
            (4, Some("停热A")),
            (5, None),
            (6, Some("停热A")),
            (7, Some("停热A")),
        ];
        let sends = plan_sends(texts, |(_, words)| *words, 2);
        let ids: Vec<Vec<i32>> = sends
            .iter()
            .map(|send| send.iter().map(|(id, _)| *id).collect())
            .collect();
        assert_eq!(ids, vec![vec![1], vec![2, 4], vec![3], vec![5], vec![6, 7]]);
    }

    #[test]
    fn no_text_is_lost_or_doubled_and_no_batch_is_too_big() {
        for batch_size in [0, 1, 3, 100] {
            let texts: Vec<(usize, Option<usize>)> = (0..250)
                .map(|id| (id, (id % 7 != 0).then_some(id % 3)))
                .collect();
            let sends = plan_sends(texts, |(_, key)| *key, batch_size);
            let mut ids: Vec<usize> = sends.iter().flatten().map(|(id, _)| *id).collect();
            ids.sort_unstable();
            assert_eq!(ids, (0..250).collect::<Vec<_>>());
            for send in &sends {
                assert!(send.len() <= batch_size.max(1));
                assert!(send.iter().all(|(_, key)| *key == send[0].1));
            }
        }
    }

    #[test]
    fn a_batch_fits_in_one_second_of_the_rate() {
        assert_eq!(batch_size_under(100, DEFAULT_TEXTS_PER_SECOND), 100);
        assert_eq!(batch_size_under(100, 30), 30);
        assert_eq!(batch_size_under(100, MAX_TEXTS_PER_SECOND), 100);
        assert_eq!(batch_size_under(100, 0), 1);
    }

    #[test]
    fn texts_are_tried_five_times_twice_as_late_each_time() {
        assert_eq!(retry_at(1, 0), Some(10));
        assert_eq!(retry_at(2, 0), Some(20));
        assert_eq!(retry_at(4, 0), Some(80));
        assert_eq!(retry_at(MAX_ATTEMPTS, 0), None);
    }

    #[test]
    fn the_platform_is_tried_until_it_answers() {
        assert_eq!(hotline_retry_at(0, 100), 110);
        assert_eq!(hotline_retry_at(3, 100), 180);
        assert_eq!(hotline_retry_at(1_000, 100), 100 + HOTLINE_MAX_RETRY_AFTER);
    }
}

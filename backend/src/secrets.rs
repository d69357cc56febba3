//! Random tokens, one-time codes and password hashes. Nothing secret is
//! stored in the clear: tokens and codes as SHA-256, passwords as argon2id.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rand::rngs::OsRng;
use rand::{Rng, RngCore};
use sha2::{Digest, Sha256};

/// A fresh 256-bit token for a cookie, URL-safe.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What the database keeps of a token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A six-digit code, uniformly drawn.
pub fn new_code() -> String {
    format!("{:06}", OsRng.gen_range(0..1_000_000u32))
}

/// A code's hash, keyed with the challenge token of the browser it was sent
/// for: without that token (which only the browser holds) the stored hash
/// cannot be tested against the million possible codes.
pub fn code_hash(challenge_token: &str, code: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"heatdesk-sign-in-code\0");
    hasher.update(challenge_token.as_bytes());
    hasher.update(b"\0");
    hasher.update(code.as_bytes());
    hex::encode(hasher.finalize())
}

/// Compares two hashes without an early exit.
pub fn same_hash(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// argon2id with OWASP's minimum: 19 MiB, 2 passes, 1 lane.
fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("constant argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A PHC string ("$argon2id$v=19$m=19456,t=2,p=1$…") for a new password.
pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .expect("argon2 hashing with valid parameters and a fresh salt cannot fail")
}

/// Whether `password` matches a stored PHC string; a malformed string never matches.
pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|hash| hasher().verify_password(password.as_bytes(), &hash).is_ok())
        .unwrap_or(false)
}

/// Spends the time of one verification, so that an unknown username answers
/// as slowly as a wrong password.
pub fn verify_nothing(password: &str) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let stored = DUMMY.get_or_init(|| hash_password("heatdesk-timing-equalizer-0"));
    let _ = verify_password(password, stored);
}

/// Password work (argon2, 19 MiB each) running at once, at most: it shares
/// tokio's blocking pool with file I/O and image decoding, and a burst of
/// sign-ins must not take all of it, nor all the memory.
pub const PASSWORD_WORKERS: usize = 2;
/// How long a sign-in waits for its turn before it is told to retry.
const PASSWORD_QUEUE_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// Why password work did not run.
#[derive(Debug)]
pub enum PasswordWorkError {
    /// Too many sign-ins queued for longer than [`PASSWORD_QUEUE_WAIT`].
    Busy,
    /// The blocking task stopped (a panic).
    Stopped(String),
}

/// Runs argon2 work off the async threads, [`PASSWORD_WORKERS`] at a time.
pub async fn password_work<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, PasswordWorkError> {
    static TURNS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    let turns = TURNS.get_or_init(|| tokio::sync::Semaphore::new(PASSWORD_WORKERS));
    let _turn = tokio::time::timeout(PASSWORD_QUEUE_WAIT, turns.acquire())
        .await
        .map_err(|_| PasswordWorkError::Busy)?
        .map_err(|e| PasswordWorkError::Stopped(e.to_string()))?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| PasswordWorkError::Stopped(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_url_safe() {
        let a = new_token();
        let b = new_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert!(a
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
    }

    #[test]
    fn codes_are_six_digits() {
        for _ in 0..200 {
            let code = new_code();
            assert_eq!(code.len(), 6);
            assert!(code.chars().all(|c| c.is_ascii_digit()));
        }
    }

    #[test]
    fn code_hashes_depend_on_the_challenge() {
        assert_eq!(code_hash("t1", "123456"), code_hash("t1", "123456"));
        assert_ne!(code_hash("t1", "123456"), code_hash("t2", "123456"));
        assert_ne!(code_hash("t1", "123456"), code_hash("t1", "123457"));
    }

    #[test]
    fn same_hash_compares_whole_strings() {
        assert!(same_hash("abcd", "abcd"));
        assert!(!same_hash("abcd", "abce"));
        assert!(!same_hash("abcd", "abc"));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn password_work_runs_two_at_a_time() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::Arc;
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let (running, most) = (running.clone(), most.clone());
                tokio::spawn(password_work(move || {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(30));
                    running.fetch_sub(1, Ordering::SeqCst);
                }))
            })
            .collect();
        for task in tasks {
            task.await.unwrap().unwrap();
        }
        assert_eq!(most.load(Ordering::SeqCst), PASSWORD_WORKERS);
    }

    #[test]
    fn passwords_hash_with_argon2id_owasp_parameters() {
        let stored = hash_password("heating2026");
        assert!(
            stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{stored}"
        );
        assert!(verify_password("heating2026", &stored));
        assert!(!verify_password("heating2027", &stored));
        assert!(!verify_password("heating2026", "not a hash"));
        assert_ne!(hash_password("heating2026"), stored, "salted");
    }
}

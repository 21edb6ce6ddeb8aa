//! Password hashing with argon2id (PHC strings), and the random secrets behind sessions, CSRF
//! and API tokens. Hashing is CPU-heavy by design: callers on the async runtime use
//! [`hash_blocking`] / [`verify_blocking`] so they don't stall other requests.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// The shortest password accepted.
pub const MIN_LENGTH: usize = 8;

/// Hashes a password (argon2id, random salt).
pub fn hash(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default().hash_password(password.as_bytes(), &salt)?.to_string())
}

/// Checks a password against a stored PHC string.
pub fn verify(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// [`hash`] on the blocking pool.
pub async fn hash_blocking(password: String) -> Result<String, argon2::password_hash::Error> {
    tokio::task::spawn_blocking(move || hash(&password)).await.expect("hashing does not panic")
}

/// [`verify`] on the blocking pool.
pub async fn verify_blocking(password: String, phc: String) -> bool {
    tokio::task::spawn_blocking(move || verify(&password, &phc)).await.unwrap_or(false)
}

/// A random URL-safe secret of 32 bytes (hex).
pub fn random_secret() -> String {
    let mut b = [0u8; 32];
    rand::rng().fill_bytes(&mut b);
    hex::encode(b)
}

/// SHA-256 of a token, hex: what the database stores instead of the token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A new API token: `(token, hash, prefix)`. The token is shown once; only the hash is kept.
pub fn new_api_token() -> (String, String, String) {
    let token = format!("clp_{}", random_secret());
    let hash = token_hash(&token);
    let prefix = token[..12].to_owned();
    (token, hash, prefix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hashed_password_verifies_and_a_wrong_one_does_not() {
        let h = hash("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("correct horse", &h));
        assert!(!verify("wrong horse", &h));
        assert!(!verify("correct horse", "not a hash"));
    }

    #[test]
    fn api_tokens_are_random_and_stored_by_hash() {
        let (a, ha, pa) = new_api_token();
        let (b, _, _) = new_api_token();
        assert_ne!(a, b);
        assert_eq!(token_hash(&a), ha);
        assert!(a.starts_with(&pa));
    }
}

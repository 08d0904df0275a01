//! Password hashing with argon2id at OWASP's recommended cost (19 MiB, 2 passes, 1 lane).
//!
//! Hashing takes tens of milliseconds by design, so it runs on the blocking pool, never on the
//! async executor.

use std::sync::OnceLock;

use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};
use mailroom_domain::Password;

fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

pub async fn hash(password: Password) -> Result<String, HashError> {
    actix_web::rt::task::spawn_blocking(move || {
        hasher()
            .hash_password(password.expose().as_bytes())
            .map(|hash| hash.to_string())
            .map_err(|e| HashError(e.to_string()))
    })
    .await
    .map_err(|e| HashError(e.to_string()))?
}

/// Whether `candidate` matches `stored`. With no stored hash (an unknown address) it checks against
/// a dummy hash anyway, so a failed sign-in takes as long whether or not the account exists.
pub async fn verify(candidate: String, stored: Option<String>) -> bool {
    actix_web::rt::task::spawn_blocking(move || {
        let known = stored.is_some();
        let hash = stored.unwrap_or_else(|| dummy_hash().to_owned());
        let matches = hasher()
            .verify_password(candidate.as_bytes(), hash.as_str())
            .is_ok();
        known && matches
    })
    .await
    .unwrap_or(false)
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        hasher()
            .hash_password(b"mailroom dummy password, never matches a stored hash")
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[actix_web::test]
    async fn a_hash_verifies_its_password_and_nothing_else() {
        let password = Password::parse("correct horse battery").expect("valid");
        let stored = hash(password).await.expect("hashed");
        assert!(
            stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{stored}"
        );
        assert!(verify("correct horse battery".into(), Some(stored.clone())).await);
        assert!(!verify("correct horse batterx".into(), Some(stored)).await);
    }

    #[actix_web::test]
    async fn an_unknown_account_never_verifies() {
        assert!(!verify("anything at all".into(), None).await);
    }
}

//! Random secrets handed to people (mail links, refresh tokens, API tokens), kept only as hashes.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Personal API tokens start with this, so they are recognisable (and told apart from JWTs).
pub const API_TOKEN_PREFIX: &str = "mr_";

pub struct Secret {
    /// Given to the person once.
    pub plain: String,
    /// What the database keeps.
    pub hash: String,
}

/// 256 random bits, URL-safe, after an optional recognisable prefix.
pub fn generate(prefix: &str) -> Secret {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let plain = format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes));
    let hash = hash(&plain);
    Secret { plain, hash }
}

/// SHA-256 is enough here: the secrets are random and long, nothing to brute-force.
pub fn hash(plain: &str) -> String {
    hex::encode(Sha256::digest(plain.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_unique_prefixed_and_stored_only_as_their_hash() {
        let a = generate(API_TOKEN_PREFIX);
        let b = generate(API_TOKEN_PREFIX);
        assert_ne!(a.plain, b.plain);
        assert!(a.plain.starts_with("mr_"));
        assert_eq!(a.plain.len(), 3 + 43);
        assert_eq!(a.hash, hash(&a.plain));
        assert_eq!(a.hash.len(), 64);
        assert!(!a.hash.contains(&a.plain));
    }
}

//! Access tokens: HS256 JWTs that live 15 minutes (ACCESS_TOKEN_TTL_SECONDS) and name the user
//! and their session version.

use std::time::Duration;

use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

pub const DEFAULT_ACCESS_TOKEN_TTL: Duration = Duration::from_secs(15 * 60);
const ISSUER: &str = "mailroom";
/// Seconds a token is still taken after its expiry, for clocks a little apart.
const LEEWAY_SECS: i64 = 5;

/// Why an access token is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("the access token has expired")]
    Expired,
    #[error("the access token is not valid")]
    Invalid,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The user's id.
    pub sub: String,
    /// The user's session version when issued; a password change or reset bumps it.
    pub sv: i64,
    pub iat: i64,
    pub exp: i64,
    pub iss: String,
}

impl Claims {
    pub fn user_id(&self) -> Option<i64> {
        self.sub.parse().ok()
    }
}

pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    ttl: Duration,
}

impl JwtKeys {
    /// Keys signing with `secret` tokens that live `ttl`.
    pub fn new(secret: &SecretString, ttl: Duration) -> Self {
        let bytes = secret.expose_secret().as_bytes();
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_required_spec_claims(&["exp", "sub", "iss"]);
        // Expiry is checked against the application's clock (`verify`), not the system's.
        validation.validate_exp = false;
        Self {
            encoding: EncodingKey::from_secret(bytes),
            decoding: DecodingKey::from_secret(bytes),
            validation,
            ttl,
        }
    }

    /// How long an access token lives.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    pub fn issue(
        &self,
        user_id: i64,
        session_version: i64,
        now: DateTime<Utc>,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        let claims = Claims {
            sub: user_id.to_string(),
            sv: session_version,
            iat: now.timestamp(),
            exp: now.timestamp() + self.ttl.as_secs() as i64,
            iss: ISSUER.to_owned(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
    }

    /// The claims of a token this server signed and that has not expired at `now`.
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<Claims, TokenError> {
        let claims = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|_| TokenError::Invalid)?
            .claims;
        if claims.exp + LEEWAY_SECS <= now.timestamp() {
            return Err(TokenError::Expired);
        }
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(secret: &str) -> JwtKeys {
        JwtKeys::new(
            &SecretString::from(secret.to_owned()),
            DEFAULT_ACCESS_TOKEN_TTL,
        )
    }

    #[test]
    fn an_issued_token_verifies_and_names_its_user_and_session() {
        let keys = keys("a-test-secret-a-test-secret-a-test-secret");
        let token = keys.issue(42, 3, Utc::now()).expect("issued");
        let claims = keys.verify(&token, Utc::now()).expect("valid");
        assert_eq!(claims.user_id(), Some(42));
        assert_eq!(claims.sv, 3);
        assert_eq!(claims.exp - claims.iat, 900);
    }

    #[test]
    fn a_token_signed_with_another_secret_is_refused() {
        let token = keys("secret-one-secret-one-secret-one-secret")
            .issue(1, 0, Utc::now())
            .expect("issued");
        assert!(
            keys("secret-two-secret-two-secret-two-secret")
                .verify(&token, Utc::now())
                .is_err()
        );
    }

    #[test]
    fn an_expired_token_is_refused() {
        let keys = keys("a-test-secret-a-test-secret-a-test-secret");
        let token = keys
            .issue(1, 0, Utc::now() - chrono::Duration::minutes(16))
            .expect("issued");
        assert_eq!(keys.verify(&token, Utc::now()), Err(TokenError::Expired));
        let issued = Utc::now();
        let token = keys.issue(1, 0, issued).expect("issued");
        let lifetime = chrono::Duration::seconds(900);
        assert!(
            keys.verify(&token, issued + lifetime).is_ok(),
            "within the leeway"
        );
        assert_eq!(
            keys.verify(&token, issued + lifetime + chrono::Duration::seconds(6)),
            Err(TokenError::Expired),
            "the application's clock decides"
        );
    }
}

//! Unsubscribe links: `/u/{token}`, where the token names a client and is signed, so that nobody
//! can unsubscribe someone else by guessing ids. Nothing is stored: every process that shares
//! `JWT_SECRET` can check any token.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use mailroom_domain::PublicBaseUrl;
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;

/// 128 bits of signature: unguessable, and the link stays short.
const SIGNATURE_BYTES: usize = 16;

#[derive(Clone)]
pub struct UnsubscribeKeys {
    key: SecretString,
}

impl UnsubscribeKeys {
    pub fn new(secret: &SecretString) -> Self {
        Self {
            key: secret.clone(),
        }
    }

    fn mac(&self, client_id: i64) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(self.key.expose_secret().as_bytes())
            .expect("HMAC takes a key of any length");
        // A purpose prefix keeps these signatures apart from anything else signed with the secret.
        mac.update(b"mailroom-unsubscribe:");
        mac.update(client_id.to_string().as_bytes());
        mac
    }

    pub fn token(&self, client_id: i64) -> String {
        let signature = self.mac(client_id).finalize().into_bytes();
        // No dot: the web app's server treats a last path segment with a dot as a file name.
        format!(
            "{client_id}-{}",
            URL_SAFE_NO_PAD.encode(&signature[..SIGNATURE_BYTES])
        )
    }

    /// The address in a client's mail that unsubscribes them.
    pub fn url(&self, base: &PublicBaseUrl, client_id: i64) -> String {
        base.join(&format!("/u/{}", self.token(client_id)))
    }

    /// The client a token names, if its signature is right.
    pub fn verify(&self, token: &str) -> Option<i64> {
        let (id, signature) = token.split_once('-')?;
        let client_id: i64 = id.parse().ok()?;
        let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
        if signature.len() != SIGNATURE_BYTES {
            return None;
        }
        // Constant-time comparison of the truncated signature.
        self.mac(client_id)
            .verify_truncated_left(&signature)
            .ok()
            .map(|()| client_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(secret: &str) -> UnsubscribeKeys {
        UnsubscribeKeys::new(&SecretString::from(secret))
    }

    #[test]
    fn a_token_names_its_client_and_only_its_signer_accepts_it() {
        let token = keys("one secret of enough length.....").token(42);
        assert!(token.starts_with("42-"));
        assert_eq!(
            keys("one secret of enough length.....").verify(&token),
            Some(42)
        );
        assert_eq!(
            keys("another secret of enough length.").verify(&token),
            None
        );
    }

    #[test]
    fn a_forged_or_truncated_token_is_refused() {
        let k = keys("one secret of enough length.....");
        let token = k.token(42);
        let signature = token.split_once('-').expect("dash").1;
        assert_eq!(k.verify(&format!("43-{signature}")), None);
        assert_eq!(k.verify(&token[..token.len() - 4]), None);
        assert_eq!(k.verify("42"), None);
        assert_eq!(k.verify("x-y"), None);
    }
}

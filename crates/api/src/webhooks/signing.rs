//! Standard Webhooks signatures, made by the spec's own library: `v1,` and the base64 of the
//! HMAC-SHA256 of `id.timestamp.body` under the secret's bytes. During a rotation's overlap the
//! header carries one signature per secret, space-separated, so receivers holding either verify.

use standardwebhooks::Webhook;

/// The `webhook-signature` header for one try.
pub fn signature(
    secrets: &[&str],
    message_id: &str,
    timestamp: i64,
    body: &[u8],
) -> Result<String, String> {
    let mut signatures = Vec::with_capacity(secrets.len());
    for secret in secrets {
        let signer =
            Webhook::new(secret).map_err(|e| format!("the endpoint's secret is unusable: {e}"))?;
        let signed = signer
            .sign(message_id, timestamp, body)
            .map_err(|e| format!("cannot sign: {e}"))?;
        signatures.push(signed);
    }
    Ok(signatures.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_secrets_give_two_signatures_and_each_verifies_alone() {
        let (old, new) = (
            super::super::secret::generate(),
            super::super::secret::generate(),
        );
        let header = signature(&[&new, &old], "msg_1", 1_700_000_000, b"{}").expect("signed");
        let parts: Vec<&str> = header.split(' ').collect();
        assert_eq!(parts.len(), 2);
        assert!(parts.iter().all(|p| p.starts_with("v1,")));
        let only_new = signature(&[&new], "msg_1", 1_700_000_000, b"{}").expect("signed");
        assert_eq!(parts[0], only_new);
    }
}

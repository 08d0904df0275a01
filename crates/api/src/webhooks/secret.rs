//! Signing secrets in the Standard Webhooks form: `whsec_` and the base64 of random bytes (the
//! spec allows 24 to 64; 32 here, the size of an HMAC-SHA256 key's block-free best).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rand::RngCore;

const BYTES: usize = 32;

pub fn generate() -> String {
    let mut key = [0_u8; BYTES];
    rand::rng().fill_bytes(&mut key);
    format!("whsec_{}", STANDARD.encode(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_is_whsec_and_the_base64_of_32_random_bytes_never_twice_the_same() {
        let (one, two) = (generate(), generate());
        assert_ne!(one, two);
        let bytes = STANDARD
            .decode(one.strip_prefix("whsec_").expect("the prefix"))
            .expect("base64");
        assert_eq!(bytes.len(), BYTES);
    }
}

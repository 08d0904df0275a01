//! VERP: each delivery's own envelope sender, `bounces+<token>@bounce.example.org` for
//! `BOUNCE_ADDRESS=bounces@bounce.example.org`, so that a bounce names the delivery it is about
//! by the address it is sent to. The token is the delivery's id and a signature (HMAC-SHA256 with
//! the installation's secret, cut to 96 bits) of that id *and the address it was sent to*: a
//! forged one names nothing, and neither does an old one whose id SQLite gave to another delivery
//! since (it reuses the ids of deleted rows). Lower-case hex only, since some mail servers change
//! the case of local parts.

use hmac::{Hmac, Mac};
use lettre::Address;
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;

const SIGNATURE_BYTES: usize = 12;

/// What a recipient address says about a delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    /// The address has no token (it is the bounce address itself, or another).
    None,
    /// A token naming this delivery, whose signature `Verp::vouches` checks against the
    /// delivery's address.
    Delivery(Signed),
    /// A token that cannot be ours (no id, a signature of the wrong length): ignored.
    Forged,
}

/// A token's delivery id and signature, as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    pub delivery_id: i64,
    signature: Vec<u8>,
}

#[derive(Clone)]
pub struct Verp {
    /// `BOUNCE_ADDRESS`, split: the local part before the `+`, and the domain.
    local: String,
    domain: String,
    key: SecretString,
}

impl std::fmt::Debug for Verp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Verp({}@{})", self.local, self.domain)
    }
}

impl Verp {
    pub fn new(bounce_address: &Address, secret: &SecretString) -> Self {
        Self {
            local: bounce_address.user().to_owned(),
            domain: bounce_address.domain().to_owned(),
            key: secret.clone(),
        }
    }

    fn mac(&self, delivery_id: i64, to: &str) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(self.key.expose_secret().as_bytes())
            .expect("HMAC takes a key of any length");
        // Kept apart from everything else signed with the secret; the id's end is marked, so
        // that no other id and address sign the same bytes.
        mac.update(b"mailroom-verp:");
        mac.update(delivery_id.to_string().as_bytes());
        mac.update(b":");
        mac.update(to.to_lowercase().as_bytes());
        mac
    }

    /// The token of the delivery with this id, sent to `to`.
    pub fn token(&self, delivery_id: i64, to: &str) -> String {
        let signature = self.mac(delivery_id, to).finalize().into_bytes();
        format!(
            "{delivery_id}-{}",
            hex::encode(&signature[..SIGNATURE_BYTES])
        )
    }

    /// The envelope sender of one delivery's mail, to `to`.
    pub fn envelope_sender(&self, delivery_id: i64, to: &str) -> Option<Address> {
        Address::new(
            format!("{}+{}", self.local, self.token(delivery_id, to)),
            &self.domain,
        )
        .ok()
    }

    /// Whether the token was signed for this delivery's address.
    pub fn vouches(&self, token: &Signed, delivery_email: &str) -> bool {
        self.mac(token.delivery_id, delivery_email)
            .verify_truncated_left(&token.signature)
            .is_ok()
    }

    /// Whether a mail sent to `address` is for the bounce address (with a token or without).
    pub fn accepts(&self, address: &str) -> bool {
        self.split(address).is_some()
    }

    /// What the token of a recipient address names.
    pub fn read(&self, address: &str) -> Token {
        match self.split(address) {
            Some(Some(token)) => Self::parse(token).map_or(Token::Forged, Token::Delivery),
            Some(None) | None => Token::None,
        }
    }

    /// `Some(token)` for `local+token@domain`, `Some(None)` for `local@domain`, `None` for any
    /// other address. Compared in any case, as mail servers do.
    fn split<'a>(&self, address: &'a str) -> Option<Option<&'a str>> {
        let address = address.trim().trim_start_matches('<').trim_end_matches('>');
        let (local, domain) = address.rsplit_once('@')?;
        if !domain.eq_ignore_ascii_case(&self.domain) {
            return None;
        }
        match local.split_once('+') {
            Some((base, token)) if base.eq_ignore_ascii_case(&self.local) => Some(Some(token)),
            None if local.eq_ignore_ascii_case(&self.local) => Some(None),
            _ => None,
        }
    }

    fn parse(token: &str) -> Option<Signed> {
        let (id, signature) = token.split_once('-')?;
        let delivery_id: i64 = id.parse().ok()?;
        let signature = hex::decode(signature.to_ascii_lowercase()).ok()?;
        (signature.len() == SIGNATURE_BYTES).then_some(Signed {
            delivery_id,
            signature,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verp(secret: &str) -> Verp {
        Verp::new(
            &"bounces@bounce.example.org".parse().expect("address"),
            &SecretString::from(secret),
        )
    }

    fn signed(token: Token) -> Signed {
        match token {
            Token::Delivery(signed) => signed,
            other => panic!("not a delivery's token: {other:?}"),
        }
    }

    #[test]
    fn a_deliverys_envelope_sender_names_it_and_only_its_signer_vouches_for_it() {
        let ours = verp("one secret of enough length.....");
        let sender = ours
            .envelope_sender(42, "Fay@example.net")
            .expect("an address")
            .to_string();
        assert!(sender.starts_with("bounces+42-"), "{sender}");
        assert!(sender.ends_with("@bounce.example.org"));
        assert!(
            sender.len() <= 64 + 20,
            "a local part stays short: {sender}"
        );
        let token = signed(ours.read(&sender));
        assert_eq!(token.delivery_id, 42);
        assert!(ours.vouches(&token, "fay@example.net"), "in any case");
        let shouted = signed(ours.read(&sender.to_uppercase()));
        assert!(
            ours.vouches(&shouted, "fay@example.net"),
            "a server may change the case"
        );
        assert!(!verp("another secret of enough length.").vouches(&token, "fay@example.net"));
    }

    #[test]
    fn a_token_signed_for_another_address_or_id_vouches_for_nothing() {
        let ours = verp("one secret of enough length.....");
        let token = ours.token(42, "fay@example.net");
        let signature = token.split_once('-').expect("dash").1;
        // The id of a deleted delivery, given to another one since.
        let stale = signed(ours.read(&format!("bounces+{token}@bounce.example.org")));
        assert!(!ours.vouches(&stale, "gus@example.net"));
        let moved = signed(ours.read(&format!("bounces+43-{signature}@bounce.example.org")));
        assert!(!ours.vouches(&moved, "fay@example.net"));
    }

    #[test]
    fn a_cut_token_names_nothing_and_other_addresses_are_not_ours() {
        let ours = verp("one secret of enough length.....");
        let token = ours.token(42, "fay@example.net");
        assert_eq!(
            ours.read(&format!(
                "bounces+{}@bounce.example.org",
                &token[..token.len() - 2]
            )),
            Token::Forged
        );
        assert_eq!(ours.read("bounces+x-00@bounce.example.org"), Token::Forged);
        assert_eq!(ours.read("bounces@bounce.example.org"), Token::None);
        assert!(ours.accepts("<Bounces@Bounce.Example.org>"));
        assert!(!ours.accepts("someone@bounce.example.org"));
        assert!(!ours.accepts("bounces@example.org"));
        assert_eq!(ours.read("bounces+1-00@other.example"), Token::None);
    }
}

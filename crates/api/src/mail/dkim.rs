//! DKIM (RFC 6376; Ed25519 by RFC 8463): every mail Mailroom sends is signed when a key is set,
//! relaxed/relaxed, by lettre. This file reads the key once at start (PEM: RSA in PKCS#1 or
//! PKCS#8, of at least 2048 bits, or Ed25519 in PKCS#8), turns it into the forms lettre takes,
//! and makes new keys with the DNS record to publish for them.

use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
// The same PKCS#8 traits serve both key types.
use ed25519_dalek::pkcs8::{DecodePrivateKey as _, EncodePrivateKey as _};
use lettre::Message;
use lettre::message::dkim::{
    DkimCanonicalization, DkimCanonicalizationType, DkimConfig, DkimSigningAlgorithm,
    DkimSigningKey, dkim_sign,
};
use lettre::message::header::HeaderName;
use rsa::pkcs1::{DecodeRsaPrivateKey as _, EncodeRsaPrivateKey as _};
use rsa::pkcs8::{EncodePublicKey as _, LineEnding};
use rsa::traits::PublicKeyParts as _;

/// The smallest RSA key mail providers accept (RFC 8301 asks for 1024 at least; Gmail and Yahoo
/// want 2048).
pub const MIN_RSA_BITS: usize = 2048;

/// The headers signed, when the mail has them: the ones RFC 6376 names, the MIME ones, and
/// RFC 8058's one-click pair, which a signature must cover for one-click unsubscribe to count.
const SIGNED_HEADERS: &[&str] = &[
    "From",
    "Reply-To",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "MIME-Version",
    "Content-Type",
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
    "List-Id",
    "Feedback-ID",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum KeyAlgorithm {
    Rsa,
    Ed25519,
}

#[derive(Debug, thiserror::Error)]
pub enum DkimError {
    #[error("DKIM: cannot read the key DKIM_PRIVATE_KEY_FILE names ({path}): {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "DKIM: DKIM_PRIVATE_KEY_FILE ({path}) holds no private key Mailroom can sign with: it takes \
         a PEM RSA key (BEGIN RSA PRIVATE KEY or BEGIN PRIVATE KEY) or an Ed25519 one (BEGIN \
         PRIVATE KEY); `mailroom dkim generate` makes one"
    )]
    Malformed { path: PathBuf },
    #[error(
        "DKIM: the key in DKIM_PRIVATE_KEY_FILE ({path}) is encrypted; Mailroom needs it \
         unencrypted, readable by its own user only (`openssl pkey -in key.pem -out plain.pem`)"
    )]
    Encrypted { path: PathBuf },
    #[error(
        "DKIM: the RSA key in DKIM_PRIVATE_KEY_FILE ({path}) has {bits} bits; mail providers want \
         at least {MIN_RSA_BITS}"
    )]
    Weak { path: PathBuf, bits: usize },
    #[error("DKIM: DKIM_SELECTOR is set but DKIM_PRIVATE_KEY_FILE is not; set both or neither")]
    SelectorWithoutKey,
    #[error("DKIM: DKIM_PRIVATE_KEY_FILE is set but DKIM_SELECTOR is not; set both or neither")]
    KeyWithoutSelector,
    #[error("DKIM: DKIM_SELECTOR '{0}' is not a DNS name such as 's1' or 'mail2026'")]
    Selector(String),
    #[error("DKIM: DKIM_DOMAIN '{0}' is not a domain name such as 'example.org'")]
    Domain(String),
}

/// The three settings as given, each perhaps unset.
#[derive(Debug, Clone, Copy, Default)]
pub struct DkimOptions<'a> {
    pub key_file: Option<&'a Path>,
    pub selector: Option<&'a str>,
    pub domain: Option<&'a str>,
}

/// What the settings say about signing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DkimSettings {
    pub key_file: PathBuf,
    pub selector: String,
    pub domain: String,
}

impl DkimSettings {
    /// The settings, when a key is set; `default_domain` is MAIL_FROM's.
    pub fn parse(
        options: DkimOptions<'_>,
        default_domain: &str,
    ) -> Result<Option<Self>, DkimError> {
        let (key_file, selector) = match (options.key_file, options.selector) {
            (None, None) => return Ok(None),
            (None, Some(_)) => return Err(DkimError::SelectorWithoutKey),
            (Some(_), None) => return Err(DkimError::KeyWithoutSelector),
            (Some(key), Some(selector)) => (key, selector.trim()),
        };
        if !is_dns_name(selector) {
            return Err(DkimError::Selector(selector.to_owned()));
        }
        let domain = options.domain.map(str::trim).unwrap_or(default_domain);
        if !is_dns_name(domain) || !domain.contains('.') {
            return Err(DkimError::Domain(domain.to_owned()));
        }
        Ok(Some(Self {
            key_file: key_file.to_path_buf(),
            selector: selector.to_owned(),
            domain: domain.to_ascii_lowercase(),
        }))
    }
}

/// Labels of letters, digits and inner hyphens, joined by dots.
fn is_dns_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
}

/// Signs mail with one key; read once, shared by every send.
pub struct DkimSigner {
    config: DkimConfig,
    record: String,
}

impl std::fmt::Debug for DkimSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DkimSigner")
            .field("record", &self.record)
            .finish_non_exhaustive()
    }
}

/// A private key read from PEM, with its public half as DKIM publishes it.
enum Key {
    Rsa(rsa::RsaPrivateKey),
    Ed25519(ed25519_dalek::SigningKey),
}

impl Key {
    fn from_pem(pem: &str) -> Option<Self> {
        if let Ok(key) = rsa::RsaPrivateKey::from_pkcs1_pem(pem) {
            return Some(Key::Rsa(key));
        }
        if let Ok(key) = rsa::RsaPrivateKey::from_pkcs8_pem(pem) {
            return Some(Key::Rsa(key));
        }
        ed25519_dalek::SigningKey::from_pkcs8_pem(pem)
            .ok()
            .map(Key::Ed25519)
    }

    /// The DNS TXT record's value for this key.
    fn record(&self) -> String {
        match self {
            Key::Rsa(key) => {
                let public = key
                    .to_public_key()
                    .to_public_key_der()
                    .map(|der| STANDARD.encode(der.as_bytes()))
                    .unwrap_or_default();
                format!("v=DKIM1; k=rsa; p={public}")
            }
            Key::Ed25519(key) => format!(
                "v=DKIM1; k=ed25519; p={}",
                STANDARD.encode(key.verifying_key().to_bytes())
            ),
        }
    }

    /// The key as lettre takes it: PKCS#1 PEM for RSA, the raw key in base64 for Ed25519.
    fn for_lettre(&self) -> Option<DkimSigningKey> {
        match self {
            Key::Rsa(key) => {
                let pem = key.to_pkcs1_pem(LineEnding::LF).ok()?;
                DkimSigningKey::new(&pem, DkimSigningAlgorithm::Rsa).ok()
            }
            Key::Ed25519(key) => DkimSigningKey::new(
                &STANDARD.encode(key.to_bytes()),
                DkimSigningAlgorithm::Ed25519,
            )
            .ok(),
        }
    }
}

impl DkimSigner {
    pub fn load(settings: &DkimSettings) -> Result<Self, DkimError> {
        let path = &settings.key_file;
        let pem = std::fs::read_to_string(path).map_err(|source| DkimError::Read {
            path: path.clone(),
            source,
        })?;
        let malformed = || DkimError::Malformed { path: path.clone() };
        if pem.contains("ENCRYPTED") {
            return Err(DkimError::Encrypted { path: path.clone() });
        }
        // What secret stores add around a key (a byte-order mark, blank lines, spaces) is not
        // part of it; the PEM parser wants exactly one line end after it.
        let pem = format!("{}\n", pem.trim_start_matches('\u{feff}').trim());
        let key = Key::from_pem(&pem).ok_or_else(malformed)?;
        if let Key::Rsa(rsa) = &key {
            let bits = rsa.n().bits();
            if bits < MIN_RSA_BITS {
                return Err(DkimError::Weak {
                    path: path.clone(),
                    bits,
                });
            }
        }
        let signing = key.for_lettre().ok_or_else(malformed)?;
        let headers = SIGNED_HEADERS
            .iter()
            .map(|h| HeaderName::new_from_ascii_str(h))
            .collect();
        // Relaxed headers: simple ones break as soon as a relay refolds a header (and dkimpy
        // rejects lettre's simple canonicalization outright).
        let config = DkimConfig::new(
            settings.selector.clone(),
            settings.domain.clone(),
            signing,
            headers,
            DkimCanonicalization {
                header: DkimCanonicalizationType::Relaxed,
                body: DkimCanonicalizationType::Relaxed,
            },
        );
        Ok(Self {
            config,
            record: key.record(),
        })
    }

    pub fn sign(&self, message: &mut Message) {
        dkim_sign(message, &self.config);
    }

    /// The TXT record that verifies this key's signatures.
    pub fn record(&self) -> &str {
        &self.record
    }
}

/// A new key, in PEM (PKCS#8), and the TXT record to publish for it.
pub struct NewKey {
    pub pem: String,
    pub record: String,
}

pub fn generate(algorithm: KeyAlgorithm) -> Result<NewKey, String> {
    let key = match algorithm {
        KeyAlgorithm::Rsa => Key::Rsa(
            rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, MIN_RSA_BITS)
                .map_err(|e| format!("cannot make an RSA key: {e}"))?,
        ),
        KeyAlgorithm::Ed25519 => {
            let seed: [u8; 32] = rand::random();
            Key::Ed25519(ed25519_dalek::SigningKey::from_bytes(&seed))
        }
    };
    let pem = match &key {
        Key::Rsa(key) => key.to_pkcs8_pem(LineEnding::LF).map(|p| p.to_string()),
        Key::Ed25519(key) => key.to_pkcs8_pem(LineEnding::LF).map(|p| p.to_string()),
    }
    .map_err(|e| format!("cannot write the key as PEM: {e}"))?;
    Ok(NewKey {
        pem,
        record: key.record(),
    })
}

/// DNS limits one string of a TXT record to 255 characters; a 2048-bit RSA key's record is
/// longer, so it is published as several strings in a row.
fn txt_strings(record: &str) -> String {
    record
        .as_bytes()
        .chunks(255)
        .map(|chunk| format!("\"{}\"", String::from_utf8_lossy(chunk)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `mailroom dkim generate`: writes a new key to `out` (never over an existing file; readable by
/// its owner only) and says what to publish and set.
pub fn write_new_key(
    algorithm: KeyAlgorithm,
    selector: &str,
    domain: &str,
    out: &Path,
) -> Result<String, String> {
    let domain = domain.trim().to_ascii_lowercase();
    let settings = DkimSettings::parse(
        DkimOptions {
            key_file: Some(out),
            selector: Some(selector),
            domain: Some(&domain),
        },
        &domain,
    )
    .map_err(|e| {
        e.to_string()
            .replace("DKIM_SELECTOR", "--selector")
            .replace("DKIM_DOMAIN", "--domain")
    })?
    .ok_or("a selector and a domain are needed")?;
    let key = generate(algorithm)?;
    write_private(out, &key.pem)?;
    let name = format!("{}._domainkey.{}", settings.selector, settings.domain);
    let kind = match algorithm {
        KeyAlgorithm::Rsa => "RSA (2048-bit)",
        KeyAlgorithm::Ed25519 => {
            "Ed25519 (note: Gmail does not check ed25519-sha256 signatures yet; RSA is the safe choice)"
        }
    };
    Ok(format!(
        "Wrote a new {kind} DKIM key to {path}.\n\n\
         1. Publish this TXT record:\n\n   {name}  TXT  {record}\n\n\
         2. Set DKIM_PRIVATE_KEY_FILE={path} DKIM_SELECTOR={selector} DKIM_DOMAIN={domain}\n   \
         (MAIL_FROM's address should be at {domain}, so that the signature aligns with it).\n\n\
         3. If {domain} has none yet, it also needs:\n   \
         {domain}  TXT  \"v=spf1 mx -all\"   (SPF: name the servers that send its mail)\n   \
         _dmarc.{domain}  TXT  \"v=DMARC1; p=none; rua=mailto:dmarc@{domain}\"   (DMARC: start with p=none)\n",
        path = out.display(),
        record = txt_strings(&key.record),
        selector = settings.selector,
        domain = settings.domain,
    ))
}

fn write_private(path: &Path, contents: &str) -> Result<(), String> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => {
            format!("{} exists already; choose another --out", path.display())
        }
        _ => format!("cannot create {}: {e}", path.display()),
    })?;
    file.write_all(contents.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

//! Settings resolved from the command line and environment (`cli::Config`), with the embedded-mode
//! defaults filled in and every value checked once, at start-up.

use std::io::Write;
use std::path::{Path, PathBuf};

use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};

pub use mailroom_domain::PublicBaseUrl;

use crate::cli::{Config, Environment};
use crate::db::{Backend, DatabaseUrl};
use crate::mail::dkim::DkimOptions;
use crate::mail::{MailSettings, MailTransport};
use crate::sending::{SendingSettings, WorkerSettings};

/// Short secrets can be brute-forced offline from a single token.
const MIN_JWT_SECRET_LEN: usize = 32;

#[derive(Debug, Clone)]
pub struct Settings {
    pub database_url: DatabaseUrl,
    pub database_pool_size: u32,
    pub redis_url: Option<SecretString>,
    pub cache: CacheSettings,
    pub mail: MailSettings,
    pub jwt_secret: SecretString,
    pub access_token_ttl: std::time::Duration,
    pub public_base_url: PublicBaseUrl,
    pub bind: String,
    pub spa_dir: PathBuf,
    pub sending: SendingSettings,
    /// `BOUNCE_ADDRESS`: where bounces come back to, each delivery with its own token.
    pub bounce_address: Option<lettre::Address>,
    /// `BOUNCE_SMTP_BIND`: where the bounce listener listens, if anywhere.
    pub bounce_smtp_bind: Option<String>,
    pub webhooks: crate::webhooks::WebhookSettings,
    /// `TRUSTED_PROXIES`.
    pub trusted_proxies: crate::http::client_addr::TrustedProxies,
    /// `ATTEMPTS_RETENTION_DAYS`: how long the attempts log keeps an attempt (None: forever).
    pub attempts_retention: Option<chrono::TimeDelta>,
}

/// The server cache (see `crate::cache`).
#[derive(Debug, Clone)]
pub struct CacheSettings {
    pub prefix: String,
    pub ttl: std::time::Duration,
    pub timeout: std::time::Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(transparent)]
    DatabaseUrl(#[from] crate::db::pool::DatabaseUrlError),
    #[error("REDIS_URL '{0}' must start with redis://, rediss:// or unix://")]
    RedisUrl(String),
    #[error("PUBLIC_BASE_URL '{0}' must be an absolute http:// or https:// address")]
    PublicBaseUrl(String),
    #[error("JWT_SECRET must have at least {MIN_JWT_SECRET_LEN} characters (it has {0})")]
    JwtSecretTooShort(usize),
    #[error(
        "JWT_SECRET is required with PostgreSQL: every API and worker process must sign and \
         check tokens with the same secret (generate one with `openssl rand -hex 32`)"
    )]
    JwtSecretRequired,
    #[error("cannot read or write {path}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Mail(#[from] crate::mail::MailConfigError),
    #[error("{0}")]
    Sending(&'static str),
    #[error("ACCESS_TOKEN_TTL_SECONDS must be between 1 and 86400 (it is {0})")]
    AccessTokenTtl(u64),
    #[error("BOUNCE_ADDRESS '{0}' is not an email address such as bounces@bounce.example.org")]
    BounceAddress(String),
    #[error("BOUNCE_ADDRESS '{0}' must have no '+': the part after it is each delivery's token")]
    BounceAddressPlus(String),
    #[error("MAILROOM_ENV=production needs {0} to be set explicitly")]
    ProductionNeeds(&'static str),
}

impl Settings {
    pub fn from_config(config: &Config) -> Result<Self, ConfigError> {
        if config.environment == Environment::Production {
            // Generated secrets and guessed addresses are conveniences for a laptop, not a server.
            if config.jwt_secret.is_none() {
                return Err(ConfigError::ProductionNeeds(
                    "JWT_SECRET (at least 32 characters)",
                ));
            }
            if config.public_base_url.is_none() {
                return Err(ConfigError::ProductionNeeds("PUBLIC_BASE_URL"));
            }
        }
        let database_url = match &config.database_url {
            Some(url) => DatabaseUrl::parse(url)?,
            None => DatabaseUrl::sqlite_file(&config.data_dir.join("mailroom.db")),
        };
        let redis_url = match config.redis_url.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(url) if is_redis_url(url) => Some(SecretString::from(url.to_owned())),
            Some(url) => return Err(ConfigError::RedisUrl(url.to_owned())),
        };
        let jwt_secret = match config.jwt_secret.as_deref() {
            Some(secret) if secret.chars().count() < MIN_JWT_SECRET_LEN => {
                return Err(ConfigError::JwtSecretTooShort(secret.chars().count()));
            }
            Some(secret) => SecretString::from(secret.to_owned()),
            None if database_url.backend() == Backend::Postgres => {
                return Err(ConfigError::JwtSecretRequired);
            }
            None => load_or_create_secret(&config.data_dir.join("jwt_secret"))?,
        };
        let public_base_url = match &config.public_base_url {
            Some(url) => PublicBaseUrl::parse(url),
            None => PublicBaseUrl::parse(&format!("http://{}", config.bind)),
        }
        .map_err(|e| ConfigError::PublicBaseUrl(e.0))?;
        let transport = match config.smtp_url.as_deref().map(str::trim) {
            None | Some("") => MailTransport::Outbox(config.data_dir.join("outbox")),
            Some(url) => MailTransport::Smtp(SecretString::from(url.to_owned())),
        };
        let smtp = matches!(transport, MailTransport::Smtp(_));
        let dkim = DkimOptions {
            key_file: config.dkim_private_key_file.as_deref(),
            selector: config.dkim_selector.as_deref(),
            domain: config.dkim_domain.as_deref(),
        };
        let mail = MailSettings::new(transport, &config.mail_from, dkim)?;
        if config.environment == Environment::Production && smtp && mail.dkim.is_none() {
            tracing::warn!(
                "mail is sent unsigned: set DKIM_PRIVATE_KEY_FILE and DKIM_SELECTOR \
                 (`mailroom dkim generate` makes a key), or Gmail and Yahoo will junk bulk mail"
            );
        }
        let spa_dir = config
            .spa_dir
            .clone()
            .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../frontend/dist"));
        if !(1..=86_400).contains(&config.access_token_ttl_seconds) {
            return Err(ConfigError::AccessTokenTtl(config.access_token_ttl_seconds));
        }
        Ok(Self {
            database_url,
            database_pool_size: config.database_pool_size.max(1),
            redis_url,
            cache: CacheSettings {
                prefix: config.cache_prefix.trim().to_owned(),
                ttl: std::time::Duration::from_secs(config.cache_ttl_seconds),
                timeout: std::time::Duration::from_millis(config.cache_timeout_ms.max(1)),
            },
            mail,
            jwt_secret,
            access_token_ttl: std::time::Duration::from_secs(config.access_token_ttl_seconds),
            public_base_url,
            bind: config.bind.clone(),
            spa_dir,
            sending: sending_settings(config)?,
            bounce_address: bounce_address(config.bounces.bounce_address.as_deref())?,
            bounce_smtp_bind: config
                .bounces
                .bounce_smtp_bind
                .as_deref()
                .map(str::trim)
                .filter(|b| !b.is_empty())
                .map(str::to_owned),
            webhooks: crate::webhooks::WebhookSettings {
                allow_private: config.webhooks.webhook_allow_private,
                https_only: config.environment == Environment::Production,
                retry_base: std::time::Duration::from_secs(config.webhooks.webhook_retry_base_secs),
            },
            trusted_proxies: config.trusted_proxies.clone(),
            attempts_retention: config
                .attempts_retention_days
                .map(|days| chrono::TimeDelta::days(i64::from(days))),
        })
    }
}

fn sending_settings(config: &Config) -> Result<SendingSettings, ConfigError> {
    let s = &config.sending;
    if s.send_retry_base_secs == 0 || s.send_retry_max_secs < s.send_retry_base_secs {
        return Err(ConfigError::Sending(
            "SEND_RETRY_BASE_SECS must be at least 1 and at most SEND_RETRY_MAX_SECS",
        ));
    }
    if s.send_lease_secs < 5 {
        return Err(ConfigError::Sending(
            "SEND_LEASE_SECS must be at least 5: a shorter lease lets workers take each other's mail",
        ));
    }
    Ok(SendingSettings {
        connections: s.smtp_pool_size.max(1),
        rate: std::num::NonZeroU32::new(s.send_rate),
        per_domain: s.send_per_domain.max(1),
        worker: WorkerSettings {
            concurrency: s.send_concurrency.max(1),
            batch: s.send_batch.max(1),
            retry: mailroom_domain::delivery::RetryPolicy {
                max_attempts: s.send_max_attempts.max(1),
                base_delay: std::time::Duration::from_secs(s.send_retry_base_secs),
                max_delay: std::time::Duration::from_secs(s.send_retry_max_secs),
            },
            lease: std::time::Duration::from_secs(s.send_lease_secs),
            bounces: crate::bounces::BounceRules {
                soft_limit: config.bounces.bounce_soft_limit.max(1),
            },
            ..WorkerSettings::default()
        },
        in_process: !s.no_worker,
        ..SendingSettings::default()
    })
}

fn bounce_address(raw: Option<&str>) -> Result<Option<lettre::Address>, ConfigError> {
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(None);
    };
    let address: lettre::Address = raw
        .parse()
        .map_err(|_| ConfigError::BounceAddress(raw.to_owned()))?;
    if address.user().contains('+') {
        return Err(ConfigError::BounceAddressPlus(raw.to_owned()));
    }
    Ok(Some(address))
}

fn is_redis_url(url: &str) -> bool {
    ["redis://", "rediss://", "unix://", "redis+unix://"]
        .iter()
        .any(|scheme| url.starts_with(scheme))
}

/// Reads the embedded mode's signing secret, creating it (readable by the owner only) on first run,
/// so sessions survive a restart without anyone having to configure a secret.
fn load_or_create_secret(path: &Path) -> Result<SecretString, ConfigError> {
    let io_error = |source| ConfigError::Io {
        path: path.to_owned(),
        source,
    };
    match std::fs::read_to_string(path) {
        Ok(existing) if existing.trim().len() >= MIN_JWT_SECRET_LEN => {
            return Ok(SecretString::from(existing.trim().to_owned()));
        }
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(io_error(e)),
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io_error)?;
    }
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let secret: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(io_error)?;
    file.write_all(secret.as_bytes()).map_err(io_error)?;
    tracing::info!(path = %path.display(), "generated a new JWT secret");
    Ok(SecretString::from(secret))
}

impl Settings {
    pub fn redis_url(&self) -> Option<&str> {
        self.redis_url.as_ref().map(ExposeSecret::expose_secret)
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::Cli;

    fn config(args: &[&str], data_dir: &Path) -> Config {
        let mut argv = vec![
            "mailroom",
            "--data-dir",
            data_dir.to_str().expect("utf-8 path"),
        ];
        argv.extend_from_slice(args);
        Cli::try_parse_from(argv).expect("parses").config
    }

    #[test]
    fn with_no_settings_everything_lives_under_the_data_folder() {
        let dir = tempfile::tempdir().expect("temp dir");
        let settings = Settings::from_config(&config(&[], dir.path())).expect("valid");
        assert_eq!(settings.database_url.backend(), Backend::Sqlite);
        assert_eq!(
            settings.database_url.sqlite_path(),
            Some(dir.path().join("mailroom.db"))
        );
        assert!(settings.redis_url.is_none());
        assert!(
            matches!(&settings.mail.transport, MailTransport::Outbox(p) if *p == dir.path().join("outbox"))
        );
        assert_eq!(settings.public_base_url.as_str(), "http://127.0.0.1:8080");
    }

    #[test]
    fn the_generated_jwt_secret_is_kept_and_private() {
        let dir = tempfile::tempdir().expect("temp dir");
        let first = Settings::from_config(&config(&[], dir.path())).expect("valid");
        let second = Settings::from_config(&config(&[], dir.path())).expect("valid");
        assert_eq!(
            first.jwt_secret.expose_secret(),
            second.jwt_secret.expose_secret(),
            "a restart keeps the secret"
        );
        assert!(first.jwt_secret.expose_secret().len() >= MIN_JWT_SECRET_LEN);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("jwt_secret"))
                .expect("secret file")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn postgres_without_a_jwt_secret_is_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let err = Settings::from_config(&config(
            &["--database-url", "postgres://localhost/mailroom"],
            dir.path(),
        ))
        .expect_err("refused");
        assert!(matches!(err, ConfigError::JwtSecretRequired));
    }

    #[test]
    fn production_refuses_to_start_without_an_explicit_secret_and_address() {
        let dir = tempfile::tempdir().expect("temp dir");
        let err = Settings::from_config(&config(&["--env", "production"], dir.path()))
            .expect_err("refused");
        assert!(err.to_string().contains("JWT_SECRET"), "{err}");
        let secret = "s".repeat(40);
        let err = Settings::from_config(&config(
            &["--env", "production", "--jwt-secret", &secret],
            dir.path(),
        ))
        .expect_err("refused");
        assert!(err.to_string().contains("PUBLIC_BASE_URL"), "{err}");
        let ok = Settings::from_config(&config(
            &[
                "--env",
                "production",
                "--jwt-secret",
                &secret,
                "--public-base-url",
                "https://mail.example.org",
            ],
            dir.path(),
        ));
        assert!(ok.is_ok());
        assert!(
            !dir.path().join("jwt_secret").exists(),
            "no secret generated"
        );
    }

    #[test]
    fn a_short_jwt_secret_is_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let err = Settings::from_config(&config(&["--jwt-secret", "short"], dir.path()))
            .expect_err("refused");
        assert_eq!(
            err.to_string(),
            "JWT_SECRET must have at least 32 characters (it has 5)"
        );
    }

    #[test]
    fn an_access_token_life_outside_a_second_to_a_day_is_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        for (value, accepted) in [("0", false), ("1", true), ("86400", true), ("86401", false)] {
            let parsed =
                Settings::from_config(&config(&["--access-token-ttl-seconds", value], dir.path()));
            match (parsed, accepted) {
                (Ok(settings), true) => {
                    assert_eq!(settings.access_token_ttl.as_secs().to_string(), value)
                }
                (Err(err), false) => assert_eq!(
                    err.to_string(),
                    format!("ACCESS_TOKEN_TTL_SECONDS must be between 1 and 86400 (it is {value})")
                ),
                (other, _) => panic!("{value}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_redis_url_with_another_scheme_is_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let err = Settings::from_config(&config(&["--redis-url", "http://cache"], dir.path()))
            .expect_err("refused");
        assert!(matches!(err, ConfigError::RedisUrl(_)));
    }

    /// Why start-up stops with these DKIM settings (the key file written first, when given).
    fn dkim_refusal(key: Option<&str>, args: &[&str]) -> String {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("dkim.pem");
        if let Some(key) = key {
            std::fs::write(&path, key).expect("key written");
        }
        let path = path.to_str().expect("utf-8 path").to_owned();
        let mut argv = vec!["--mail-from", "Mailroom <m@example.org>"];
        argv.extend(
            args.iter()
                .map(|a| if *a == "KEY" { path.as_str() } else { a }),
        );
        Settings::from_config(&config(&argv, dir.path()))
            .expect_err("start-up stops")
            .to_string()
    }

    #[test]
    fn a_missing_unreadable_malformed_or_weak_dkim_key_stops_start_up_naming_the_setting() {
        use rsa::pkcs1::EncodeRsaPrivateKey as _;
        let with_key = ["--dkim-private-key-file", "KEY", "--dkim-selector", "s1"];
        let missing = dkim_refusal(None, &with_key);
        assert!(
            missing.contains("DKIM_PRIVATE_KEY_FILE") && missing.contains("cannot read"),
            "{missing}"
        );
        let garbage = dkim_refusal(Some("-----BEGIN NONSENSE-----\nabc\n"), &with_key);
        assert!(
            garbage.contains("DKIM_PRIVATE_KEY_FILE") && garbage.contains("no private key"),
            "{garbage}"
        );
        let weak = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 1024)
            .expect("a small key")
            .to_pkcs1_pem(rsa::pkcs8::LineEnding::LF)
            .expect("PEM")
            .to_string();
        let weak = dkim_refusal(Some(&weak), &with_key);
        assert!(
            weak.contains("1024 bits") && weak.contains("2048"),
            "{weak}"
        );
        let no_key = dkim_refusal(None, &["--dkim-selector", "s1"]);
        assert!(
            no_key.contains("DKIM_SELECTOR is set but DKIM_PRIVATE_KEY_FILE is not"),
            "{no_key}"
        );
        let no_selector = dkim_refusal(None, &["--dkim-private-key-file", "KEY"]);
        assert!(
            no_selector.contains("DKIM_SELECTOR is not"),
            "{no_selector}"
        );
        let ed25519 = crate::mail::dkim::generate(crate::mail::dkim::KeyAlgorithm::Ed25519)
            .expect("a key")
            .pem;
        let bad_selector = dkim_refusal(
            Some(&ed25519),
            &[
                "--dkim-private-key-file",
                "KEY",
                "--dkim-selector",
                "no selector",
            ],
        );
        assert!(
            bad_selector.contains("DKIM_SELECTOR 'no selector'"),
            "{bad_selector}"
        );
    }

    #[test]
    fn a_good_dkim_key_signs_for_the_senders_domain_unless_another_is_named() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("dkim.pem");
        let key =
            crate::mail::dkim::generate(crate::mail::dkim::KeyAlgorithm::Ed25519).expect("a key");
        std::fs::write(&path, &key.pem).expect("key written");
        let path = path.to_str().expect("utf-8 path");
        let settings = Settings::from_config(&config(
            &[
                "--mail-from",
                "News <news@shop.example>",
                "--dkim-private-key-file",
                path,
                "--dkim-selector",
                "s1",
            ],
            dir.path(),
        ))
        .expect("valid");
        let signer = settings.mail.dkim.expect("signing");
        assert_eq!(signer.record(), key.record);

        // As a secret store may hand it over: a byte-order mark, CRLF line ends, blank lines.
        let handled = format!("\u{feff}{}\n\n  ", key.pem.replace('\n', "\r\n"));
        std::fs::write(path, handled).expect("key written");
        let settings = Settings::from_config(&config(
            &[
                "--mail-from",
                "News <news@shop.example>",
                "--dkim-private-key-file",
                path,
                "--dkim-selector",
                "s1",
            ],
            dir.path(),
        ))
        .expect("valid");
        assert_eq!(settings.mail.dkim.expect("signing").record(), key.record);
    }

    #[test]
    fn an_encrypted_dkim_key_is_refused_with_how_to_decrypt_it() {
        let encrypted = "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQwwHAQI\n-----END ENCRYPTED PRIVATE KEY-----\n";
        let refused = dkim_refusal(
            Some(encrypted),
            &["--dkim-private-key-file", "KEY", "--dkim-selector", "s1"],
        );
        assert!(
            refused.contains("encrypted") && refused.contains("openssl pkey"),
            "{refused}"
        );
    }
}

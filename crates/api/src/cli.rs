//! The `mailroom` command line: subcommands and every setting, each also read from the environment.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::mail::dkim::KeyAlgorithm;

#[derive(Debug, Parser)]
#[command(
    name = "mailroom",
    version,
    about = "Mailroom: keep recipients and messages, schedule mailings, send them and see every attempt.",
    long_about = "Mailroom: keep recipients and messages, schedule mailings, send them and see every \
                  attempt.\n\nWith no settings at all it runs embedded: a SQLite file, an in-process \
                  cache and an outbox folder for mail, all under ./data. Every option can also be set \
                  through the environment variable named beside it."
)]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Serve the REST API, the web app and the API docs (the default). Applies pending migrations first.
    Serve,
    /// Apply pending database migrations, then exit.
    Migrate,
    /// Create an active manager account. The password is asked for at a terminal, or read from the
    /// first line of standard input when it is not a terminal.
    CreateManager {
        /// The manager's email address.
        #[arg(long)]
        email: String,
        /// The manager's full name.
        #[arg(long, default_value = "Manager")]
        full_name: String,
    },
    /// Make an existing account a manager.
    Promote {
        #[arg(long)]
        email: String,
    },
    /// Make a manager a plain user again.
    Demote {
        #[arg(long)]
        email: String,
    },
    /// Send a mailing now: queue a run and send it from this process, with a progress bar and a
    /// summary at the end.
    Send {
        /// The mailing's id.
        mailing_id: i64,
        /// Only queue the run; a running `serve` or `worker` sends it.
        #[arg(long)]
        no_wait: bool,
    },
    /// Run a sending worker and the scheduler without the web server. Any number of workers may
    /// share a PostgreSQL database; stops cleanly on SIGTERM or Ctrl-C.
    Worker,
    /// Read one mail that came back (a bounce, a complaint, anything) on standard input and act on
    /// it: for an MTA's pipe transport or an alias (`bounces: "|mailroom bounce"`). Exits 0 for
    /// anything it could read, report or not; 75 (try again later) when the database is
    /// unreachable, so that the MTA keeps the mail.
    Bounce {
        /// The address the mail was delivered to, with a delivery's token; Postfix's local
        /// delivery sets RECIPIENT. [default: the mail's X-Original-To or Delivered-To]
        #[arg(long, env = "RECIPIENT")]
        recipient: Option<String>,
        /// The envelope sender (Postfix sets SENDER); bounces have none.
        #[arg(long, env = "SENDER", default_value = "")]
        sender: String,
    },
    /// DKIM keys for signing outgoing mail.
    Dkim {
        #[command(subcommand)]
        action: DkimCommand,
    },
    /// Print the OpenAPI document of the REST API (JSON).
    Openapi {
        /// Write it to this file instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Subcommand)]
pub enum DkimCommand {
    /// Write a new private key (readable by its owner only) and print the DNS records to publish.
    Generate {
        /// The selector to publish the key under, e.g. s1.
        #[arg(long)]
        selector: String,
        /// The domain mail is signed for (the domain of MAIL_FROM).
        #[arg(long)]
        domain: String,
        #[arg(long, value_enum, default_value_t = KeyAlgorithm::Rsa)]
        algorithm: KeyAlgorithm,
        /// Where to write the key; an existing file is never overwritten.
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Folder for the embedded mode's files: the SQLite database, the generated JWT secret and the
    /// mail outbox. Created when missing.
    #[arg(long, env = "DATA_DIR", default_value = "data", global = true)]
    pub data_dir: PathBuf,

    /// Database to use: postgres://user:password@host:5432/name, or sqlite://path/to/file.db.
    /// [default: sqlite://<DATA_DIR>/mailroom.db]
    #[arg(long, env = "DATABASE_URL", hide_env_values = true, global = true)]
    pub database_url: Option<String>,

    /// Most database connections this process keeps open.
    #[arg(long, env = "DATABASE_POOL_SIZE", default_value_t = 10, global = true)]
    pub database_pool_size: u32,

    /// Redis for the shared cache, e.g. redis://127.0.0.1:6379. Without it the cache lives in the
    /// process (fine for one process; several processes need Redis).
    #[arg(long, env = "REDIS_URL", hide_env_values = true, global = true)]
    pub redis_url: Option<String>,

    /// Start of every cache key, so that several Mailroom installations can share one Redis.
    #[arg(long, env = "CACHE_PREFIX", default_value = "mailroom", global = true)]
    pub cache_prefix: String,

    /// Longest time, in seconds, a cached statistic or list page is kept (writes make it stale
    /// at once anyway); 0 turns the server cache off.
    #[arg(long, env = "CACHE_TTL_SECONDS", default_value_t = 60, global = true)]
    pub cache_ttl_seconds: u64,

    /// How long, in milliseconds, a request waits for Redis before asking the database instead.
    #[arg(long, env = "CACHE_TIMEOUT_MS", default_value_t = 100, global = true)]
    pub cache_timeout_ms: u64,

    /// SMTP server for outgoing mail: smtp://host:25, smtps://user:password@host:465 or
    /// smtp://user:password@host:587?tls=required. Without it every mail is written as an .eml
    /// file to <DATA_DIR>/outbox and logged.
    #[arg(long, env = "SMTP_URL", hide_env_values = true, global = true)]
    pub smtp_url: Option<String>,

    /// The sender of Mailroom's own mail (confirmations, password resets).
    #[arg(
        long,
        env = "MAIL_FROM",
        default_value = "Mailroom <mailroom@localhost>",
        global = true
    )]
    pub mail_from: String,

    /// A PEM private key to sign every outgoing mail with DKIM: RSA of at least 2048 bits, or
    /// Ed25519 (`mailroom dkim generate` makes one). Needs DKIM_SELECTOR.
    #[arg(long, env = "DKIM_PRIVATE_KEY_FILE", global = true)]
    pub dkim_private_key_file: Option<PathBuf>,

    /// The DKIM selector the key is published under: <selector>._domainkey.<domain>.
    #[arg(long, env = "DKIM_SELECTOR", global = true)]
    pub dkim_selector: Option<String>,

    /// The domain mail is signed for. [default: the domain of MAIL_FROM]
    #[arg(long, env = "DKIM_DOMAIN", global = true)]
    pub dkim_domain: Option<String>,

    /// Secret that signs access tokens; at least 32 characters, the same in every process. When
    /// unset in the embedded mode, one is generated and kept in <DATA_DIR>/jwt_secret. Required
    /// with PostgreSQL.
    #[arg(long, env = "JWT_SECRET", hide_env_values = true, global = true)]
    pub jwt_secret: Option<String>,

    /// How long, in seconds, an access token lives (1 to 86400). The web app renews it before it
    /// expires; a shorter life makes blocking and sign-out bite sooner for integrations.
    #[arg(
        long,
        env = "ACCESS_TOKEN_TTL_SECONDS",
        default_value_t = 900,
        global = true
    )]
    pub access_token_ttl_seconds: u64,

    /// The address people reach Mailroom at, used in links sent by mail.
    /// [default: http://<BIND>]
    #[arg(long, env = "PUBLIC_BASE_URL", global = true)]
    pub public_base_url: Option<String>,

    /// Address and port to listen on.
    #[arg(long, env = "BIND", default_value = "127.0.0.1:8080", global = true)]
    pub bind: String,

    /// Folder holding the built web app (trunk's output).
    /// [default: frontend/dist of the source tree this binary was built from]
    #[arg(long, env = "SPA_DIR", global = true)]
    pub spa_dir: Option<PathBuf>,

    /// `production` refuses to start without an explicit JWT_SECRET and PUBLIC_BASE_URL.
    #[arg(long = "env", env = "MAILROOM_ENV", value_enum, default_value_t = Environment::Development, global = true)]
    pub environment: Environment,

    #[command(flatten)]
    pub sending: SendingConfig,

    #[command(flatten)]
    pub bounces: BounceConfig,

    #[command(flatten)]
    pub webhooks: WebhookConfig,

    /// Reverse proxies whose `Forwarded` or `X-Forwarded-For` header names the client:
    /// networks or addresses, comma-separated (`10.0.0.0/8, 127.0.0.1`). Only from these peers
    /// are the headers read, up to the rightmost hop that is not one of them; from any other
    /// peer its own address counts. Empty: nobody's headers are read.
    #[arg(
        long,
        env = "TRUSTED_PROXIES",
        value_parser = crate::http::client_addr::TrustedProxies::parse,
        default_value = "",
        global = true
    )]
    pub trusted_proxies: crate::http::client_addr::TrustedProxies,

    /// Days the attempts log keeps each attempt; older ones are deleted by the housekeeping job.
    /// The statistics keep counting them. 1 to 36,500 (a century); unset: kept forever (they
    /// are the record).
    #[arg(
        long,
        env = "ATTEMPTS_RETENTION_DAYS",
        value_parser = clap::value_parser!(u32).range(1..=36_500),
        global = true
    )]
    pub attempts_retention_days: Option<u32>,

    /// Log format: human-readable lines, or one JSON object per line for log collectors.
    /// The level is set with RUST_LOG (default: info).
    #[arg(long, env = "LOG_FORMAT", value_enum, default_value_t = LogFormat::Pretty, global = true)]
    pub log_format: LogFormat,
}

/// Webhook endpoints.
#[derive(Debug, Clone, Args)]
pub struct WebhookConfig {
    /// Lets webhook endpoints lead to loopback, private and link-local addresses (tests, and
    /// receivers inside the installation's own network). Off, such endpoints are refused, at
    /// creation and at each delivery. As an environment variable: WEBHOOK_ALLOW_PRIVATE=1.
    #[arg(
        long,
        env = "WEBHOOK_ALLOW_PRIVATE",
        global = true,
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    pub webhook_allow_private: bool,

    /// The unit of the webhook retry schedule, in seconds: a failed call is tried again after
    /// 1, 60, 360, 1,440, 3,600, 7,200 and 7,200 of them (±10 %), eight tries over about a
    /// day with the default.
    #[arg(
        long,
        env = "WEBHOOK_RETRY_BASE_SECS",
        default_value_t = 5,
        value_parser = clap::value_parser!(u64).range(1..=3600),
        global = true
    )]
    pub webhook_retry_base_secs: u64,
}

/// Bounces and complaints.
#[derive(Debug, Clone, Args)]
pub struct BounceConfig {
    /// The address bounces come back to, e.g. bounces@bounce.example.org. Each delivery is then
    /// sent with its own envelope sender, bounces+<signed token>@bounce.example.org, so that a
    /// bounce names its delivery. Without it the envelope sender is MAIL_FROM's address and a
    /// report is matched by the Message-ID it quotes.
    #[arg(long, env = "BOUNCE_ADDRESS", global = true)]
    pub bounce_address: Option<String>,

    /// Soft bounces in a row (a mailbox full, a delay…) that put an address on its owner's
    /// suppression list; an accepted mail that draws no bounce starts the count again.
    #[arg(long, env = "BOUNCE_SOFT_LIMIT", default_value_t = 3, global = true)]
    pub bounce_soft_limit: u32,

    /// Address and port for a receive-only SMTP listener that takes bounces and complaints for
    /// the bounce address (e.g. 0.0.0.0:2525), in `serve` and `worker`. Unset: no listener.
    #[arg(long, env = "BOUNCE_SMTP_BIND", global = true)]
    pub bounce_smtp_bind: Option<String>,
}

/// How mailings are sent.
#[derive(Debug, Clone, Args)]
pub struct SendingConfig {
    /// SMTP connections kept open at most, per process.
    #[arg(long, env = "SMTP_POOL_SIZE", default_value_t = 8, global = true)]
    pub smtp_pool_size: u32,

    /// Messages per second at most, per process (0: no limit).
    #[arg(long, env = "SEND_RATE", default_value_t = 0, global = true)]
    pub send_rate: u32,

    /// Messages sent at once to one recipient domain at most, per process.
    #[arg(long, env = "SEND_PER_DOMAIN", default_value_t = 20, global = true)]
    pub send_per_domain: usize,

    /// Deliveries in flight at once per worker (sent, reply not yet recorded). Also the most
    /// messages that can be sent twice if the worker is killed.
    #[arg(long, env = "SEND_CONCURRENCY", default_value_t = 200, global = true)]
    pub send_concurrency: usize,

    /// Deliveries a worker claims per query.
    #[arg(long, env = "SEND_BATCH", default_value_t = 500, global = true)]
    pub send_batch: usize,

    /// Tries per delivery in all, before a temporary failure becomes final.
    #[arg(long, env = "SEND_MAX_ATTEMPTS", default_value_t = 5, global = true)]
    pub send_max_attempts: u32,

    /// First wait before a retry, in seconds; it doubles with each try (with jitter).
    #[arg(
        long,
        env = "SEND_RETRY_BASE_SECS",
        default_value_t = 30,
        global = true
    )]
    pub send_retry_base_secs: u64,

    /// Longest wait before a retry, in seconds.
    #[arg(
        long,
        env = "SEND_RETRY_MAX_SECS",
        default_value_t = 3600,
        global = true
    )]
    pub send_retry_max_secs: u64,

    /// How long a worker holds the deliveries it claimed; a dead worker's deliveries are taken
    /// over after this many seconds.
    #[arg(long, env = "SEND_LEASE_SECS", default_value_t = 60, global = true)]
    pub send_lease_secs: u64,

    /// `serve` only answers requests: sending is left to `mailroom worker` processes. As an
    /// environment variable: NO_WORKER=1 (or true, yes, on).
    #[arg(
        long,
        env = "NO_WORKER",
        global = true,
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    pub no_worker: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Environment {
    Development,
    Production,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Pretty,
    Json,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn serve_is_the_default_and_options_may_follow_a_subcommand() {
        let cli = Cli::try_parse_from(["mailroom"]).expect("parses");
        assert!(cli.command.is_none());
        let cli =
            Cli::try_parse_from(["mailroom", "migrate", "--data-dir", "/tmp/x"]).expect("parses");
        assert!(matches!(cli.command, Some(Command::Migrate)));
        assert_eq!(cli.config.data_dir, PathBuf::from("/tmp/x"));
    }
}

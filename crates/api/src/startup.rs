//! Builds the application from settings, for `main` and for the tests alike.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::middleware::{Compress, NormalizePath, TrailingSlash, from_fn};
use actix_web::{App, HttpServer, web};
use tracing_actix_web::TracingLogger;
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::account_mail::{AccountMail, AccountMailContext};
use crate::auth::{AuthRateLimits, JwtKeys};
use crate::bounces::inbound::{BounceContext, ProcessInbound};
use crate::bounces::listener::Listener;
use crate::bounces::verp::Verp;
use crate::cache::{Cache, Redis};
use crate::clock::{Clock, SystemClock};
use crate::config::Settings;
use crate::db::{self, DbPool};
use crate::housekeeping::{self, Housekeeping, HousekeepingContext};
use crate::http::{
    fallback, idempotency, invalidation, language, openapi, problem, request_id, security_headers,
    spa, validators,
};
use crate::jobs::{Backoff, Runner};
use crate::mail::test_send::TestSendLimit;
use crate::mail::{MailConfigError, Mailer, Transport};
use crate::routes;
use crate::sending::compose::Composer;
use crate::sending::throttle::Throttle;
use crate::sending::unsubscribe::UnsubscribeKeys;
use crate::sending::{Background, LocalWorker, SenderHealth, Worker};
use crate::webhooks::client::WebhookClient;
use crate::webhooks::deliver::{DeliverWebhook, NotifyWebhookDisabled, WebhookContext};

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Database(#[from] db::pool::ConnectError),
    #[error("cannot apply the database migrations: {0}")]
    Migrations(String),
    #[error("REDIS_URL is not a valid Redis address: {0}")]
    Redis(#[source] redis::RedisError),
    #[error(transparent)]
    Mail(#[from] MailConfigError),
    #[error("{0}")]
    Webhooks(String),
    #[error("cannot listen on {address}: {source}")]
    Bind {
        address: String,
        #[source]
        source: std::io::Error,
    },
}

/// What `serve` runs beside the server, unless told not to: a worker, the jobs, their clock and
/// the scheduler's tick.
type InProcess = (
    Worker,
    Runner<JobContext>,
    Arc<dyn Clock>,
    std::time::Duration,
);

pub struct Application {
    port: u16,
    server: Server,
    pool: DbPool,
    cache: Cache,
    background: Option<InProcess>,
    bounces: Option<std::net::TcpListener>,
    clock: Arc<dyn Clock>,
    settings: Settings,
    sender: SenderHealth,
}

impl Application {
    /// Connects, migrates and binds; the server starts answering once `run_until_stopped` is awaited.
    pub async fn build(settings: Settings) -> Result<Self, StartupError> {
        Self::build_with_clock(settings, Arc::new(SystemClock)).await
    }

    /// As `build`, with the time the sending engine and the API see (tests move it by hand).
    pub async fn build_with_clock(
        settings: Settings,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, StartupError> {
        let pool = open_database(&settings).await?;
        let (redis, cache) = open_cache(&settings)?;
        let transport = open_transport(&settings)?;
        let mailer = Mailer::new(settings.mail.from.clone(), transport.clone());
        let webhooks = webhook_context(&settings, pool.clone(), clock.clone(), mailer.clone())?;
        let listener = TcpListener::bind(&settings.bind).map_err(|source| StartupError::Bind {
            address: settings.bind.clone(),
            source,
        })?;
        let port = listener.local_addr().map(|a| a.port()).unwrap_or_default();
        let bounces = bind_bounce_listener(&settings)?;
        let worker = build_worker(
            &settings,
            transport.clone(),
            pool.clone(),
            cache.clone(),
            clock.clone(),
        );
        let local = LocalWorker::new(settings.sending.in_process.then(|| worker.clone()));
        let sender = SenderHealth::default();
        let server = serve(
            listener,
            &settings,
            Services {
                pool: pool.clone(),
                redis,
                cache: cache.clone(),
                mailer,
                clock: clock.clone(),
                local,
                sender: sender.clone(),
                webhooks,
            },
        )?;
        let jobs = build_jobs(
            &settings,
            pool.clone(),
            cache.clone(),
            clock.clone(),
            transport.clone(),
        )?;
        let background = settings.sending.in_process.then_some((
            worker,
            jobs,
            clock.clone(),
            settings.sending.tick,
        ));
        Ok(Self {
            port,
            server,
            pool,
            cache,
            background,
            sender,
            bounces,
            clock: clock.clone(),
            settings,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The bounce listener's port, when it listens.
    pub fn bounce_port(&self) -> Option<u16> {
        self.bounces
            .as_ref()
            .and_then(|socket| socket.local_addr().ok())
            .map(|address| address.port())
    }

    pub fn pool(&self) -> &DbPool {
        &self.pool
    }

    pub fn cache(&self) -> &Cache {
        &self.cache
    }

    /// Serves (and sends, unless told not to) until SIGINT or SIGTERM, then finishes the requests
    /// and the deliveries in flight and returns.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let stop_listening = tokio_util::sync::CancellationToken::new();
        let listening = match self.bounces {
            Some(socket) => Some(spawn_bounce_listener(
                &self.settings,
                socket,
                self.pool.clone(),
                self.cache.clone(),
                self.clock.clone(),
                stop_listening.clone(),
            )?),
            None => None,
        };
        let background = self.background.map(|(worker, jobs, clock, tick)| {
            Background::spawn(
                worker,
                jobs,
                self.pool.clone(),
                self.cache.clone(),
                clock,
                tick,
                self.sender.clone(),
            )
        });
        let served = self.server.await;
        stop_listening.cancel();
        if let Some(listening) = listening {
            let _ = listening.await;
        }
        if let Some(background) = background {
            tracing::info!("stopping the sender: finishing the deliveries in flight");
            background.shutdown().await;
        }
        served
    }
}

/// The process's one mail transport: `SMTP_URL`'s pool of connections, or the outbox folder.
pub fn open_transport(settings: &Settings) -> Result<Transport, MailConfigError> {
    Transport::new(&settings.mail, settings.sending.connections)
}

/// The sending worker these settings describe, over `transport`, on the given clock (tests bring
/// their own).
pub fn build_worker(
    settings: &Settings,
    transport: Transport,
    pool: DbPool,
    cache: Cache,
    clock: Arc<dyn Clock>,
) -> Worker {
    let sending = &settings.sending;
    let composer = Composer::new(
        settings.mail.from.clone(),
        settings.public_base_url.clone(),
        UnsubscribeKeys::new(&settings.jwt_secret),
        settings
            .bounce_address
            .as_ref()
            .map(|address| Verp::new(address, &settings.jwt_secret)),
    );
    let throttle = Arc::new(Throttle::new(sending.rate, sending.per_domain));
    Worker::new(
        pool,
        cache,
        transport,
        composer,
        throttle,
        clock,
        sending.worker.clone(),
    )
}

/// What reading received mail needs (the SMTP listener, `mailroom bounce`, the jobs).
pub fn bounce_context(
    settings: &Settings,
    pool: DbPool,
    cache: Cache,
    clock: Arc<dyn Clock>,
) -> BounceContext {
    BounceContext {
        pool,
        cache,
        clock,
        verp: settings
            .bounce_address
            .as_ref()
            .map(|address| Verp::new(address, &settings.jwt_secret)),
        rules: settings.sending.worker.bounces,
        domain: settings.mail.from.email.domain().to_owned(),
    }
}

/// The bounce listener's socket (`BOUNCE_SMTP_BIND`), bound at start-up so that a taken port
/// stops the process with a message; none when unset.
pub fn bind_bounce_listener(
    settings: &Settings,
) -> Result<Option<std::net::TcpListener>, StartupError> {
    let Some(address) = &settings.bounce_smtp_bind else {
        return Ok(None);
    };
    let socket = TcpListener::bind(address)
        .and_then(|socket| socket.set_nonblocking(true).map(|()| socket))
        .map_err(|source| StartupError::Bind {
            address: address.clone(),
            source,
        })?;
    tracing::info!(address = %address, "bounce listener ready");
    Ok(Some(socket))
}

/// Serves the bounce listener on `socket` until `stop` is cancelled.
pub fn spawn_bounce_listener(
    settings: &Settings,
    socket: std::net::TcpListener,
    pool: DbPool,
    cache: Cache,
    clock: Arc<dyn Clock>,
    stop: tokio_util::sync::CancellationToken,
) -> std::io::Result<tokio::task::JoinHandle<()>> {
    let listener = Listener::new(
        bounce_context(settings, pool, cache, clock),
        settings.mail.from.email.to_string(),
    );
    let socket = tokio::net::TcpListener::from_std(socket)?;
    Ok(tokio::spawn(listener.serve(socket, stop)))
}

/// What the background jobs need, each kind its part.
#[derive(Clone)]
pub struct JobContext {
    pub bounces: BounceContext,
    pub webhooks: WebhookContext,
    pub account_mail: AccountMailContext,
    pub housekeeping: HousekeepingContext,
}

/// The background job runner, with every kind of job registered; account mail goes out through
/// `transport`.
pub fn build_jobs(
    settings: &Settings,
    pool: DbPool,
    cache: Cache,
    clock: Arc<dyn Clock>,
    transport: Transport,
) -> Result<Runner<JobContext>, StartupError> {
    let mailer = Mailer::new(settings.mail.from.clone(), transport);
    let account_mail = AccountMailContext {
        pool: pool.clone(),
        mailer: mailer.clone(),
        base_url: settings.public_base_url.clone(),
        clock: clock.clone(),
    };
    let context = JobContext {
        bounces: bounce_context(settings, pool.clone(), cache, clock.clone()),
        webhooks: webhook_context(settings, pool.clone(), clock.clone(), mailer)?,
        account_mail,
        housekeeping: HousekeepingContext {
            pool: pool.clone(),
            clock: clock.clone(),
            attempts_retention: settings.attempts_retention,
        },
    };
    // Account mail waits between tries as mailings do.
    let retry = settings.sending.worker.retry;
    let mail_backoff = Backoff {
        first: retry.base_delay,
        longest: retry.max_delay,
    };
    Ok(Runner::new(pool, clock, context)
        .register::<ProcessInbound>(|c| c.bounces.clone())
        .register::<DeliverWebhook>(|c| c.webhooks.clone())
        .register::<NotifyWebhookDisabled>(|c| c.webhooks.clone())
        .register_with::<AccountMail>(|c| c.account_mail.clone(), mail_backoff)
        .every::<Housekeeping>(|c| c.housekeeping.clone(), housekeeping::EVERY))
}

/// What sending webhooks needs (the jobs, and the API's test calls).
pub fn webhook_context(
    settings: &Settings,
    pool: DbPool,
    clock: Arc<dyn Clock>,
    mailer: Mailer,
) -> Result<WebhookContext, StartupError> {
    Ok(WebhookContext {
        pool,
        clock,
        settings: settings.webhooks,
        client: WebhookClient::new(settings.webhooks.allow_private)
            .map_err(StartupError::Webhooks)?,
        mailer,
        base_url: settings.public_base_url.clone(),
    })
}

/// Redis when configured (the URL is checked; it is connected at first use), and the cache over
/// it or over memory.
pub fn open_cache(settings: &Settings) -> Result<(Option<Redis>, Cache), StartupError> {
    let redis = settings
        .redis_url()
        .map(|url| Redis::open(url, settings.cache.timeout))
        .transpose()
        .map_err(StartupError::Redis)?;
    let cache = Cache::new(redis.clone(), &settings.cache.prefix, settings.cache.ttl);
    tracing::info!(store = cache.store_name(), "cache ready");
    Ok((redis, cache))
}

/// Opens the pool and applies pending migrations (both block, so off the async executor).
pub async fn open_database(settings: &Settings) -> Result<DbPool, StartupError> {
    let url = settings.database_url.clone();
    let size = settings.database_pool_size;
    actix_web::rt::task::spawn_blocking(move || {
        let pool = db::connect(&url, size)?;
        let mut conn = pool
            .get()
            .map_err(|e| StartupError::Migrations(e.to_string()))?;
        let applied =
            db::run_migrations(&mut conn).map_err(|e| StartupError::Migrations(e.to_string()))?;
        if !applied.is_empty() {
            tracing::info!(versions = ?applied, "applied database migrations");
        }
        tracing::info!(database = %url, backend = url.backend().as_str(), "database ready");
        Ok(pool)
    })
    .await
    .map_err(|e| StartupError::Migrations(e.to_string()))?
}

/// What the handlers share.
struct Services {
    pool: DbPool,
    redis: Option<Redis>,
    cache: Cache,
    mailer: Mailer,
    clock: Arc<dyn Clock>,
    local: LocalWorker,
    sender: SenderHealth,
    webhooks: WebhookContext,
}

fn serve(
    listener: TcpListener,
    settings: &Settings,
    services: Services,
) -> Result<Server, StartupError> {
    let Services {
        pool,
        redis,
        cache,
        mailer,
        clock,
        local,
        sender,
        webhooks,
    } = services;
    let address = listener
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_default();
    let pool = web::Data::new(pool);
    let redis = web::Data::new(redis);
    let cache = web::Data::new(cache);
    let mailer = web::Data::new(mailer);
    let base_url = web::Data::new(settings.public_base_url.clone());
    let jwt_keys = web::Data::new(JwtKeys::new(
        &settings.jwt_secret,
        settings.access_token_ttl,
    ));
    let rate_limits = web::Data::new(AuthRateLimits::new(
        redis.get_ref().clone(),
        &settings.cache.prefix,
        &settings.jwt_secret,
    ));
    let test_sends = web::Data::new(TestSendLimit::default());
    let clock: web::Data<dyn Clock> = web::Data::from(clock);
    let local = web::Data::new(local);
    let sender = web::Data::new(sender);
    let unsubscribe_keys = web::Data::new(UnsubscribeKeys::new(&settings.jwt_secret));
    let webhook_settings = web::Data::new(settings.webhooks);
    let trusted_proxies = web::Data::new(settings.trusted_proxies.clone());
    let webhooks = web::Data::new(webhooks);
    let pruned = rate_limits.clone();
    let pruned_tests = test_sends.clone();
    tokio::spawn(async move {
        let mut every_minute = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            every_minute.tick().await;
            pruned.prune();
            pruned_tests.prune();
        }
    });
    let spa_dir = settings.spa_dir.clone();
    let server = HttpServer::new(move || {
        let (app, api) = App::new()
            .into_utoipa_app()
            .openapi(openapi::ApiDoc::openapi())
            .app_data(problem::json_config())
            .app_data(web::PayloadConfig::new(
                crate::routes::clients::MAX_IMPORT_BYTES,
            ))
            .app_data(fallback::path_config())
            .app_data(problem::query_config())
            .app_data(pool.clone())
            .app_data(redis.clone())
            .app_data(cache.clone())
            .app_data(mailer.clone())
            .app_data(base_url.clone())
            .app_data(jwt_keys.clone())
            .app_data(rate_limits.clone())
            .app_data(trusted_proxies.clone())
            .app_data(test_sends.clone())
            .app_data(clock.clone())
            .app_data(local.clone())
            .app_data(sender.clone())
            .app_data(unsubscribe_keys.clone())
            .app_data(webhook_settings.clone())
            .app_data(webhooks.clone())
            .configure(routes::configure)
            .split_for_parts();
        let api = openapi::with_middleware(api);
        let known_routes = web::Data::new(fallback::KnownRoutes::from_openapi(&api));
        app.app_data(known_routes)
            .service(web::redirect("/docs", "/docs/"))
            .route("/metrics", web::get().to(routes::health::metrics))
            .service(SwaggerUi::new("/docs/{_:.*}").url("/api-docs/openapi.json", api))
            .configure(|cfg| spa::configure(cfg, &spa_dir))
            .default_service(web::to(fallback::no_route))
            // The last wrap is the outermost: the log and the request id see every response,
            // including the errors rewritten into problem documents. ETags are taken before
            // compression.
            .wrap(from_fn(idempotency::keys))
            .wrap(from_fn(validators::etags))
            .wrap(from_fn(invalidation::after_writes))
            .wrap(from_fn(spa::cache_control))
            .wrap(problem::error_handlers())
            .wrap(Compress::default())
            .wrap(NormalizePath::new(TrailingSlash::MergeOnly))
            .wrap(from_fn(security_headers::add))
            .wrap(from_fn(request_id::add_request_id_header))
            .wrap(from_fn(language::scope))
            .wrap(TracingLogger::default())
    })
    .listen(listener)
    .map_err(|source| StartupError::Bind {
        address: address.clone(),
        source,
    })?
    .run();
    tracing::info!("listening on http://{address}");
    Ok(server)
}

//! `mailroom send <id>`: queue a run, send it from this process with a progress bar, and sum up.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use mailroom_api::clock::{Clock, SystemClock};
use mailroom_api::config::Settings;
use mailroom_api::db::queries::runs;
use mailroom_api::db::rows::RunRow;
use mailroom_api::db::{DbError, DbPool, blocking};
use mailroom_api::sending::WorkerStats;
use mailroom_api::sending::start::{StartError, start_now};
use mailroom_api::startup;
use tokio_util::sync::CancellationToken;

pub async fn send(settings: &Settings, mailing_id: i64, no_wait: bool) -> anyhow::Result<()> {
    let pool = startup::open_database(settings).await?;
    let (_, cache) = startup::open_cache(settings)?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let now = clock.now();
    let queued: RunRow = blocking(&pool, move |conn| start_now(conn, mailing_id, now))
        .await
        .map_err(|e| match e {
            StartError::Db(e) => anyhow::Error::new(e).context("cannot queue the run"),
            refused => anyhow::anyhow!("mailing {mailing_id} cannot be sent: {refused}"),
        })?;
    println!(
        "run {} of mailing {mailing_id}: {} deliveries queued{}",
        queued.id,
        queued.total,
        match queued.skipped {
            0 => String::new(),
            n => format!(" ({n} unsubscribed clients left out)"),
        }
    );
    if no_wait {
        println!("a running `mailroom serve` or `mailroom worker` will send it");
        return Ok(());
    }
    let run_id = queued.id;
    let owners = blocking(&pool, move |conn| {
        Ok::<_, DbError>(runs::owners(conn, &[run_id])?)
    })
    .await
    .context("cannot read the run's owner")?;
    cache.changed(owners).await;
    let transport = mailroom_api::startup::open_transport(settings)?;
    let worker =
        mailroom_api::startup::build_worker(settings, transport, pool.clone(), cache, clock);
    let stop = CancellationToken::new();
    let sender = {
        let stop = stop.clone();
        let worker = worker.clone();
        tokio::spawn(async move { worker.drain(Some(queued.id), stop).await })
    };
    let bar = ProgressBar::new(u64::try_from(queued.total).unwrap_or_default());
    bar.set_style(
        ProgressStyle::with_template(
            "{bar:40} {pos}/{len} sent or settled, {per_sec}, {elapsed} elapsed, {eta} left",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let started = Instant::now();
    let stats = worker.stats();
    let mut interrupted = false;
    loop {
        tokio::select! {
            () = tokio::time::sleep(Duration::from_millis(250)) => {}
            () = stopped(), if !interrupted => {
                bar.println("stopping: finishing the deliveries in flight (the rest stays queued)");
                stop.cancel();
                interrupted = true;
            }
        }
        // This process's own progress: counting in the database on every tick would slow the
        // sending it reports on.
        bar.set_position(settled(&stats));
        if sender.is_finished() {
            break;
        }
    }
    sender
        .await
        .context("the sender stopped unexpectedly")?
        .context("the sender stopped")?;
    let counts = figures(&pool, queued.id).await?;
    bar.set_position(u64::try_from(counts.total - counts.pending()).unwrap_or_default());
    bar.finish();
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "sent {}, failed {}, cancelled {}, suppressed {}, pending {} in {elapsed:.1} s ({:.0} messages/s{})",
        counts.sent,
        counts.failed,
        counts.cancelled,
        counts.suppressed,
        counts.pending(),
        (counts.sent + counts.failed) as f64 / elapsed.max(0.001),
        match (stats.latency(0.5), stats.latency(0.99)) {
            (Some(p50), Some(p99)) => format!(
                ", SMTP latency p50 {:.1} ms, p99 {:.1} ms",
                p50.as_secs_f64() * 1e3,
                p99.as_secs_f64() * 1e3
            ),
            _ => String::new(),
        }
    );
    if counts.pending() > 0 {
        println!(
            "{} deliveries wait (for a retry, or while the run is paused); a running `mailroom serve` or `mailroom worker` sends them",
            counts.pending()
        );
    }
    Ok(())
}

async fn figures(pool: &DbPool, run_id: i64) -> anyhow::Result<RunRow> {
    blocking(pool, move |conn| {
        Ok::<_, DbError>(runs::find(conn, run_id)?)
    })
    .await?
    .context("the run was deleted meanwhile (its mailing was deleted?)")
}

fn settled(stats: &WorkerStats) -> u64 {
    stats.sent.load(Ordering::Relaxed)
        + stats.failed.load(Ordering::Relaxed)
        + stats.cancelled.load(Ordering::Relaxed)
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn stopped() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

//! The background job queue: a job runs once, a failing one is tried again later and given up
//! on after its tries, a claimed one is another process's until its lease runs out.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::Duration;
use diesel::prelude::*;
use mailroom_api::db::schema::background_jobs;
use mailroom_api::jobs::{BackgroundJob, MAX_ATTEMPTS, Runner};
use serde::{Deserialize, Serialize};

use crate::helpers::spawn_sending_app;

#[derive(Clone, Default)]
struct Counted(Arc<AtomicUsize>);

#[derive(Serialize, Deserialize)]
struct Count {
    fail: bool,
}

impl BackgroundJob for Count {
    const JOB_TYPE: &'static str = "test_count";
    type Context = Counted;

    async fn run(self, context: Counted) -> Result<(), String> {
        context.0.fetch_add(1, Ordering::SeqCst);
        if self.fail {
            Err("told to fail".into())
        } else {
            Ok(())
        }
    }
}

fn jobs_left(app: &crate::helpers::TestApp) -> Vec<(i32, Option<String>, bool)> {
    let mut conn = app.pool.get().expect("connection");
    background_jobs::table
        .select((
            background_jobs::attempts,
            background_jobs::last_error,
            background_jobs::failed_at.is_not_null(),
        ))
        .load(&mut conn)
        .expect("jobs")
}

#[tokio::test]
async fn a_job_enqueued_in_a_transaction_runs_once_and_is_gone() {
    let app = spawn_sending_app().await;
    let counted = Counted::default();
    let runner = Runner::new(app.pool.clone(), app.clock.clone(), counted.clone())
        .register::<Count>(Counted::clone);
    {
        let mut conn = app.pool.get().expect("connection");
        // Rolled back with its transaction: never runs.
        let _ = conn.transaction::<(), diesel::result::Error, _>(|conn| {
            Count { fail: false }
                .enqueue(conn, app.clock_now())
                .expect("enqueued");
            Err(diesel::result::Error::RollbackTransaction)
        });
        Count { fail: false }
            .enqueue(&mut conn, app.clock_now())
            .expect("enqueued");
    }
    assert_eq!(runner.run_due().await.expect("ran"), 1);
    assert_eq!(runner.run_due().await.expect("ran"), 0);
    assert_eq!(counted.0.load(Ordering::SeqCst), 1);
    assert!(jobs_left(&app).is_empty());
}

#[tokio::test]
async fn a_failing_job_is_tried_again_later_and_kept_once_its_tries_are_used_up() {
    let app = spawn_sending_app().await;
    let counted = Counted::default();
    let runner = Runner::new(app.pool.clone(), app.clock.clone(), counted.clone())
        .register::<Count>(Counted::clone);
    {
        let mut conn = app.pool.get().expect("connection");
        Count { fail: true }
            .enqueue(&mut conn, app.clock_now())
            .expect("enqueued");
    }
    assert_eq!(runner.run_due().await.expect("ran"), 1);
    assert_eq!(
        runner.run_due().await.expect("ran"),
        0,
        "it waits before its next try"
    );
    assert_eq!(
        jobs_left(&app),
        [(1, Some("told to fail".to_owned()), false)]
    );
    for _ in 1..MAX_ATTEMPTS {
        app.clock.advance(Duration::hours(1));
        assert_eq!(runner.run_due().await.expect("ran"), 1);
    }
    app.clock.advance(Duration::hours(2));
    assert_eq!(runner.run_due().await.expect("ran"), 0, "given up on");
    assert_eq!(counted.0.load(Ordering::SeqCst), MAX_ATTEMPTS as usize);
    assert_eq!(
        jobs_left(&app),
        [(MAX_ATTEMPTS, Some("told to fail".to_owned()), true)],
        "kept for a person to look at"
    );
}

#[tokio::test]
async fn a_claimed_job_is_left_alone_until_its_lease_runs_out() {
    let app = spawn_sending_app().await;
    let counted = Counted::default();
    let runner = Runner::new(app.pool.clone(), app.clock.clone(), counted.clone())
        .register::<Count>(Counted::clone);
    let now = app.clock_now();
    {
        let mut conn = app.pool.get().expect("connection");
        Count { fail: false }
            .enqueue(&mut conn, now)
            .expect("enqueued");
        // Another process claimed it and died.
        let claimed = mailroom_api::db::queries::jobs::claim(
            &mut conn,
            now,
            now + Duration::minutes(5),
            7,
            MAX_ATTEMPTS,
        )
        .expect("claimed");
        assert!(claimed.is_some());
    }
    assert_eq!(runner.run_due().await.expect("ran"), 0);
    app.clock.advance(Duration::minutes(6));
    assert_eq!(runner.run_due().await.expect("ran"), 1);
    assert_eq!(counted.0.load(Ordering::SeqCst), 1);
    assert!(jobs_left(&app).is_empty());
}

#[tokio::test]
async fn a_job_whose_process_dies_on_every_try_is_given_up_on_not_claimed_forever() {
    let app = spawn_sending_app().await;
    let counted = Counted::default();
    let runner = Runner::new(app.pool.clone(), app.clock.clone(), counted.clone())
        .register::<Count>(Counted::clone);
    {
        let mut conn = app.pool.get().expect("connection");
        Count { fail: false }
            .enqueue(&mut conn, app.clock_now())
            .expect("enqueued");
        // Each try's process is killed (the job eats all memory, say) before it can say so.
        for lease in 1..=i64::from(MAX_ATTEMPTS) {
            let now = app.clock_now();
            let claimed = mailroom_api::db::queries::jobs::claim(
                &mut conn,
                now,
                now + Duration::minutes(5),
                lease,
                MAX_ATTEMPTS,
            )
            .expect("claimed");
            assert!(claimed.is_some(), "try {lease}");
            app.clock.advance(Duration::minutes(6));
        }
    }
    assert_eq!(runner.run_due().await.expect("ran"), 0);
    assert_eq!(counted.0.load(Ordering::SeqCst), 0);
    assert_eq!(
        jobs_left(&app),
        [(
            MAX_ATTEMPTS,
            Some("its process stopped before it finished, on every try".to_owned()),
            true
        )],
        "kept for a person to look at"
    );
}

#[tokio::test]
async fn a_job_nobody_knows_is_kept_with_the_reason() {
    let app = spawn_sending_app().await;
    let runner = Runner::new(app.pool.clone(), app.clock.clone(), Counted::default());
    {
        let mut conn = app.pool.get().expect("connection");
        Count { fail: false }
            .enqueue(&mut conn, app.clock_now())
            .expect("enqueued");
    }
    assert_eq!(runner.run_due().await.expect("ran"), 1);
    let left = jobs_left(&app);
    assert_eq!(left.len(), 1);
    assert_eq!(
        left[0].1.as_deref(),
        Some("no handler for jobs of type test_count")
    );
}

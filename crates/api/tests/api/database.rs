use chrono::{Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel::sql_types::{BigInt, Text};
use mailroom_api::db::queries::{audiences, runs};
use mailroom_api::db::rows::*;
use mailroom_api::db::schema::{
    attempts, client_tags, clients, deliveries, mailing_clients, mailing_tags, mailings, messages,
    tags, users,
};
use mailroom_api::db::{self, Backend, DbConnection};
use mailroom_domain::audience::{AudienceKind, TagRule};
use mailroom_domain::delivery::RunTrigger;
use mailroom_domain::message::MessageFormat;
use mailroom_domain::{AttemptStatus, Role, Schedule, UserState};

use crate::helpers::{TestDatabase, backend};

fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}

fn insert_user(conn: &mut DbConnection, email: &str) -> i64 {
    diesel::insert_into(users::table)
        .values(NewUser {
            email,
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
            full_name: "Ann Lee",
            role: Role::User,
            state: UserState::Active,
            created_at: now(),
            updated_at: now(),
        })
        .returning(users::id)
        .get_result(conn)
        .expect("user inserted")
}

fn insert_client(conn: &mut DbConnection, owner_id: i64, email: &str) -> QueryResult<i64> {
    diesel::insert_into(clients::table)
        .values(NewClient {
            owner_id,
            email,
            full_name: "Bob Stone",
            comment: "met at the fair",
            created_at: now(),
            updated_at: now(),
        })
        .returning(clients::id)
        .get_result(conn)
}

fn insert_message(conn: &mut DbConnection, owner_id: i64) -> i64 {
    diesel::insert_into(messages::table)
        .values(NewMessage {
            owner_id,
            subject: "Hello {{full_name}}",
            body: "News for {{email}}",
            format: MessageFormat::Text,
            created_at: now(),
            updated_at: now(),
        })
        .returning(messages::id)
        .get_result(conn)
        .expect("message inserted")
}

fn insert_mailing(
    conn: &mut DbConnection,
    owner_id: i64,
    message_id: i64,
    starts_at: NaiveDateTime,
    ends_at: NaiveDateTime,
) -> QueryResult<i64> {
    diesel::insert_into(mailings::table)
        .values(NewMailing {
            owner_id,
            from_name: None,
            name: "Winter sale".into(),
            audience: AudienceKind::Clients,
            message_id,
            starts_at,
            ends_at,
            created_at: now(),
            updated_at: now(),
            schedule: Schedule::Once,
            next_run_at: None,
        })
        .returning(mailings::id)
        .get_result(conn)
}

/// A run of the mailing (one delivery per client) and an attempt of its delivery to `email`;
/// returns the delivery's id and the attempt's.
fn insert_attempt(conn: &mut DbConnection, mailing_id: i64, email: &str) -> (i64, i64) {
    let mailing: MailingRow = mailings::table
        .find(mailing_id)
        .select(MailingRow::as_select())
        .first(conn)
        .expect("mailing");
    let audience = audiences::of(conn, &mailing).expect("audience");
    let run = runs::create(
        conn,
        &NewRun {
            mailing_id,
            trigger: RunTrigger::Manual,
            scheduled_for: None,
            created_at: now(),
        },
    )
    .expect("run made");
    runs::queue_next(conn, &run, &audience, 100, now()).expect("run queued");
    let delivery: i64 = deliveries::table
        .filter(deliveries::run_id.eq(run.id))
        .filter(deliveries::email.eq(email))
        .select(deliveries::id)
        .first(conn)
        .expect("delivery queued");
    let attempt = diesel::insert_into(attempts::table)
        .values(NewAttempt {
            mailing_id,
            client_email: email,
            attempted_at: now(),
            status: AttemptStatus::Success,
            run_id: Some(run.id),
            server_response: "250 2.0.0 Ok: queued as 4F2A",
        })
        .returning(attempts::id)
        .get_result(conn)
        .expect("attempt inserted");
    (delivery, attempt)
}

fn assert_violation<T: std::fmt::Debug>(result: QueryResult<T>, expected: DatabaseErrorKind) {
    match result {
        Err(DieselError::DatabaseError(kind, info)) => assert!(
            std::mem::discriminant(&kind) == std::mem::discriminant(&expected),
            "expected {expected:?}, got {kind:?}: {}",
            info.message()
        ),
        other => panic!("expected a {expected:?}, got {other:?}"),
    }
}

/// One of everything, linked together: a user with a client, a message, a mailing, a run of it
/// with its delivery, and an attempt.
struct World {
    user: i64,
    client: i64,
    message: i64,
    mailing: i64,
    delivery: i64,
    attempt: i64,
}

fn world(conn: &mut DbConnection) -> World {
    let user = insert_user(conn, "ann@example.org");
    let client = insert_client(conn, user, "bob@example.org").expect("client inserted");
    let message = insert_message(conn, user);
    let mailing = insert_mailing(conn, user, message, now(), now() + Duration::days(7))
        .expect("mailing inserted");
    diesel::insert_into(mailing_clients::table)
        .values(MailingClientRow {
            mailing_id: mailing,
            client_id: client,
        })
        .execute(conn)
        .expect("mailing client inserted");
    let (delivery, attempt) = insert_attempt(conn, mailing, "bob@example.org");
    World {
        user,
        client,
        message,
        mailing,
        delivery,
        attempt,
    }
}

#[test]
fn migrations_apply_from_scratch_and_every_table_matches_the_schema() {
    let db = TestDatabase::create();
    let pool = db.migrated_pool();
    let mut conn = pool.get().expect("connection");
    assert_eq!(conn.backend(), backend());

    let w = world(&mut conn);

    // Loading every column of every table proves schema.rs and the migration agree.
    let user: UserRow = users::table
        .find(w.user)
        .select(UserRow::as_select())
        .first(&mut *conn)
        .expect("user");
    assert_eq!(
        (user.email.as_str(), user.role.as_str(), user.state.as_str()),
        ("ann@example.org", "user", "active")
    );
    let client: ClientRow = clients::table
        .find(w.client)
        .select(ClientRow::as_select())
        .first(&mut *conn)
        .expect("client");
    assert_eq!(
        (client.owner_id, client.comment.as_str()),
        (w.user, "met at the fair")
    );
    let message: MessageRow = messages::table
        .find(w.message)
        .select(MessageRow::as_select())
        .first(&mut *conn)
        .expect("message");
    assert_eq!(message.subject, "Hello {{full_name}}");
    let mailing: MailingRow = mailings::table
        .find(w.mailing)
        .select(MailingRow::as_select())
        .first(&mut *conn)
        .expect("mailing");
    assert_eq!(
        (mailing.schedule.as_str(), mailing.disabled),
        ("once", false)
    );
    let links: Vec<MailingClientRow> = mailing_clients::table
        .select(MailingClientRow::as_select())
        .load(&mut *conn)
        .expect("links");
    assert_eq!(
        links,
        vec![MailingClientRow {
            mailing_id: w.mailing,
            client_id: w.client
        }]
    );
    let attempt: AttemptRow = attempts::table
        .find(w.attempt)
        .select(AttemptRow::as_select())
        .first(&mut *conn)
        .expect("attempt");
    assert_eq!(attempt.server_response, "250 2.0.0 Ok: queued as 4F2A");
    let delivery: ClaimedDelivery = deliveries::table
        .find(w.delivery)
        .select(ClaimedDelivery::as_select())
        .first(&mut *conn)
        .expect("delivery");
    assert_eq!(delivery.client_id, Some(w.client));
}

#[test]
fn applying_migrations_twice_changes_nothing_and_they_revert_cleanly() {
    let db = TestDatabase::create();
    let pool = db.migrated_pool();
    let mut conn = pool.get().expect("connection");

    assert!(
        db::run_migrations(&mut conn)
            .expect("second run")
            .is_empty()
    );
    let reverted = db::revert_all_migrations(&mut conn).expect("revert");
    assert!(!reverted.is_empty());
    let applied = db::run_migrations(&mut conn).expect("apply again");
    assert_eq!(applied.len(), reverted.len());
}

#[test]
fn a_client_email_is_unique_per_owner_whatever_its_case() {
    let db = TestDatabase::create();
    let pool = db.migrated_pool();
    let mut conn = pool.get().expect("connection");
    let owner = insert_user(&mut conn, "ann@example.org");
    insert_client(&mut conn, owner, "Bob@Example.org").expect("first client");

    let duplicate = insert_client(&mut conn, owner, "bob@example.ORG");

    assert_violation(duplicate, DatabaseErrorKind::UniqueViolation);
    let count: i64 = clients::table
        .count()
        .get_result(&mut *conn)
        .expect("count");
    assert_eq!(count, 1, "nothing was written");
}

fn insert_tag(conn: &mut DbConnection, owner_id: i64, name: &str) -> QueryResult<i64> {
    diesel::insert_into(tags::table)
        .values(NewTag {
            owner_id,
            name,
            name_key: &name.to_lowercase(),
            created_at: now(),
        })
        .returning(tags::id)
        .get_result(conn)
}

#[test]
fn a_tag_is_unique_per_owner_and_key_and_its_links_go_with_the_client_or_the_tag() {
    let db = TestDatabase::create();
    let pool = db.migrated_pool();
    let mut conn = pool.get().expect("connection");
    let w = world(&mut conn);
    let other = insert_user(&mut conn, "eve@example.org");
    let fair = insert_tag(&mut conn, w.user, "Fair").expect("tag");
    assert_violation(
        insert_tag(&mut conn, w.user, "FAIR"),
        DatabaseErrorKind::UniqueViolation,
    );
    insert_tag(&mut conn, other, "fair").expect("another owner's tag of that name");
    let vip = insert_tag(&mut conn, w.user, "vip").expect("tag");
    for tag_id in [fair, vip] {
        diesel::insert_into(client_tags::table)
            .values(ClientTagRow {
                tag_id,
                client_id: w.client,
            })
            .execute(&mut *conn)
            .expect("link");
    }
    let tag: TagRow = tags::table
        .find(fair)
        .select(TagRow::as_select())
        .first(&mut *conn)
        .expect("tag row");
    assert_eq!((tag.name.as_str(), tag.name_key.as_str()), ("Fair", "fair"));

    diesel::insert_into(mailing_tags::table)
        .values(MailingTagRow {
            mailing_id: w.mailing,
            rule: TagRule::Exclude,
            tag_id: fair,
        })
        .execute(&mut *conn)
        .expect("segment condition");
    let conditions: Vec<MailingTagRow> = mailing_tags::table
        .select(MailingTagRow::as_select())
        .load(&mut *conn)
        .expect("conditions");
    assert_eq!(conditions[0].rule, TagRule::Exclude);
    assert_violation(
        diesel::delete(tags::table.find(fair)).execute(&mut *conn),
        DatabaseErrorKind::ForeignKeyViolation,
    );
    diesel::delete(tags::table.find(vip))
        .execute(&mut *conn)
        .expect("tag deleted");
    let links: Vec<ClientTagRow> = client_tags::table
        .select(ClientTagRow::as_select())
        .load(&mut *conn)
        .expect("links");
    assert_eq!(
        links,
        [ClientTagRow {
            tag_id: fair,
            client_id: w.client
        }]
    );
    diesel::delete(clients::table.find(w.client))
        .execute(&mut *conn)
        .expect("client deleted");
    let left: i64 = client_tags::table
        .count()
        .get_result(&mut *conn)
        .expect("count");
    assert_eq!(left, 0, "a deleted client leaves no tag behind");
    // The segment's tag goes with its owner, the segment with the mailing.
    diesel::delete(users::table.find(w.user))
        .execute(&mut *conn)
        .expect("an owner of segments is deleted");
    let conditions: i64 = mailing_tags::table
        .count()
        .get_result(&mut *conn)
        .expect("count");
    assert_eq!(conditions, 0);
}

#[test]
fn two_owners_may_both_keep_the_same_client_email() {
    let db = TestDatabase::create();
    let pool = db.migrated_pool();
    let mut conn = pool.get().expect("connection");
    let ann = insert_user(&mut conn, "ann@example.org");
    let cid = insert_user(&mut conn, "cid@example.org");

    insert_client(&mut conn, ann, "bob@example.org").expect("ann's client");
    insert_client(&mut conn, cid, "bob@example.org").expect("cid's client");

    let count: i64 = clients::table
        .count()
        .get_result(&mut *conn)
        .expect("count");
    assert_eq!(count, 2);
}

#[test]
fn a_user_email_is_unique_whatever_its_case() {
    let db = TestDatabase::create();
    let pool = db.migrated_pool();
    let mut conn = pool.get().expect("connection");
    insert_user(&mut conn, "ann@example.org");

    let duplicate = diesel::insert_into(users::table)
        .values(NewUser {
            email: "ANN@example.org",
            password_hash: "x",
            full_name: "",
            role: Role::User,
            state: UserState::Unconfirmed,
            created_at: now(),
            updated_at: now(),
        })
        .execute(&mut *conn);

    assert_violation(duplicate, DatabaseErrorKind::UniqueViolation);
}

#[test]
fn a_mailing_must_end_after_it_starts() {
    let db = TestDatabase::create();
    let pool = db.migrated_pool();
    let mut conn = pool.get().expect("connection");
    let owner = insert_user(&mut conn, "ann@example.org");
    let message = insert_message(&mut conn, owner);
    let start = now();

    let result = insert_mailing(&mut conn, owner, message, start, start - Duration::hours(1));

    assert_violation(result, DatabaseErrorKind::CheckViolation);
}

#[test]
fn a_schedule_outside_the_known_ones_is_refused() {
    let db = TestDatabase::create();
    let pool = db.migrated_pool();
    let mut conn = pool.get().expect("connection");
    let w = world(&mut conn);

    let result = diesel::update(mailings::table.find(w.mailing))
        .set(mailings::schedule.eq("hourly"))
        .execute(&mut *conn);

    assert_violation(result, DatabaseErrorKind::CheckViolation);
}

#[test]
fn a_message_used_by_a_mailing_cannot_be_deleted() {
    let db = TestDatabase::create();
    let pool = db.migrated_pool();
    let mut conn = pool.get().expect("connection");
    let w = world(&mut conn);

    let result = diesel::delete(messages::table.find(w.message)).execute(&mut *conn);

    // SQLite reports a RESTRICT action without diesel's ForeignKeyViolation kind; both name it.
    match result {
        Err(DieselError::DatabaseError(_, info)) => {
            let message = info.message().to_lowercase();
            assert!(message.contains("foreign key"), "{message}");
        }
        other => panic!("expected the delete to be refused, got {other:?}"),
    }
    let kept: i64 = messages::table
        .count()
        .get_result(&mut *conn)
        .expect("count");
    assert_eq!(kept, 1);
}

#[test]
fn deleting_a_client_takes_it_off_its_mailings_and_keeps_its_attempts() {
    let db = TestDatabase::create();
    let pool = db.migrated_pool();
    let mut conn = pool.get().expect("connection");
    let w = world(&mut conn);

    diesel::delete(clients::table.find(w.client))
        .execute(&mut *conn)
        .expect("deleted");

    let links: i64 = mailing_clients::table
        .count()
        .get_result(&mut *conn)
        .expect("count");
    assert_eq!(links, 0);
    let attempt: AttemptRow = attempts::table
        .find(w.attempt)
        .select(AttemptRow::as_select())
        .first(&mut *conn)
        .expect("kept");
    assert_eq!(attempt.client_email, "bob@example.org");
    let client_of_delivery: Option<i64> = deliveries::table
        .find(w.delivery)
        .select(deliveries::client_id)
        .first(&mut *conn)
        .expect("delivery kept");
    assert_eq!(client_of_delivery, None);
}

#[test]
fn deleting_a_mailing_deletes_its_runs_deliveries_and_attempts_and_nothing_else() {
    let db = TestDatabase::create();
    let pool = db.migrated_pool();
    let mut conn = pool.get().expect("connection");
    let w = world(&mut conn);
    let kept = insert_mailing(
        &mut conn,
        w.user,
        w.message,
        now(),
        now() + Duration::days(7),
    )
    .expect("second mailing");
    diesel::insert_into(mailing_clients::table)
        .values(MailingClientRow {
            mailing_id: kept,
            client_id: w.client,
        })
        .execute(&mut *conn)
        .expect("linked");
    let (kept_delivery, kept_attempt) = insert_attempt(&mut conn, kept, "bob@example.org");

    diesel::delete(mailings::table.find(w.mailing))
        .execute(&mut *conn)
        .expect("deleted");

    let attempts_left: Vec<i64> = attempts::table
        .select(attempts::id)
        .load(&mut *conn)
        .expect("attempts");
    assert_eq!(attempts_left, vec![kept_attempt]);
    let deliveries_left: Vec<i64> = deliveries::table
        .select(deliveries::id)
        .load(&mut *conn)
        .expect("deliveries");
    assert_eq!(deliveries_left, vec![kept_delivery]);
    let runs_left: Vec<i64> = mailroom_api::db::schema::runs::table
        .select(mailroom_api::db::schema::runs::mailing_id)
        .load(&mut *conn)
        .expect("runs");
    assert_eq!(runs_left, vec![kept]);
}

#[test]
fn deleting_a_user_deletes_everything_they_own() {
    let db = TestDatabase::create();
    let pool = db.migrated_pool();
    let mut conn = pool.get().expect("connection");
    let w = world(&mut conn);
    let other = insert_user(&mut conn, "cid@example.org");
    insert_client(&mut conn, other, "bob@example.org").expect("other's client");

    diesel::delete(users::table.find(w.user))
        .execute(&mut *conn)
        .expect("deleted");

    let remaining_clients: Vec<i64> = clients::table
        .select(clients::owner_id)
        .load(&mut *conn)
        .expect("clients");
    assert_eq!(remaining_clients, vec![other]);
    for (table, count) in [
        (
            "messages",
            messages::table.count().get_result::<i64>(&mut *conn),
        ),
        (
            "mailings",
            mailings::table.count().get_result::<i64>(&mut *conn),
        ),
        (
            "attempts",
            attempts::table.count().get_result::<i64>(&mut *conn),
        ),
    ] {
        assert_eq!(count.expect("count"), 0, "{table} left behind");
    }
}

#[test]
fn database_defaults_record_timestamps_in_utc() {
    let db = TestDatabase::create();
    let pool = db.migrated_pool();
    let mut conn = pool.get().expect("connection");
    let before = now();

    diesel::sql_query("INSERT INTO users (email, password_hash) VALUES ('utc@example.org', 'x')")
        .execute(&mut *conn)
        .expect("inserted with defaults");

    let created: NaiveDateTime = users::table
        .select(users::created_at)
        .first(&mut *conn)
        .expect("read");
    let drift = (created - before).num_seconds().abs();
    assert!(drift < 60, "created_at {created} is not UTC (now {before})");
}

#[derive(QueryableByName)]
struct Setting {
    #[diesel(sql_type = Text)]
    value: String,
}

#[derive(QueryableByName)]
struct Number {
    #[diesel(sql_type = BigInt)]
    value: i64,
}

#[test]
fn every_pooled_connection_gets_the_backend_settings() {
    let db = TestDatabase::create();
    let pool = db.migrated_pool();
    // Two connections at once: the settings are applied to each, not only the first.
    let mut first = pool.get().expect("connection");
    let mut second = pool.get().expect("second connection");
    for conn in [&mut first, &mut second] {
        match backend() {
            Backend::Sqlite => {
                let mode: Setting =
                    diesel::sql_query("SELECT journal_mode AS value FROM pragma_journal_mode")
                        .get_result(&mut **conn)
                        .expect("journal mode");
                assert_eq!(mode.value, "wal");
                let fk: Number =
                    diesel::sql_query("SELECT foreign_keys AS value FROM pragma_foreign_keys")
                        .get_result(&mut **conn)
                        .expect("foreign keys");
                assert_eq!(fk.value, 1);
                let timeout: Number =
                    diesel::sql_query("SELECT timeout AS value FROM pragma_busy_timeout")
                        .get_result(&mut **conn)
                        .expect("busy timeout");
                assert!(timeout.value >= 1000, "busy timeout {}", timeout.value);
            }
            Backend::Postgres => {
                let zone: Setting =
                    diesel::sql_query("SELECT current_setting('TimeZone') AS value")
                        .get_result(&mut **conn)
                        .expect("time zone");
                assert_eq!(zone.value, "UTC");
            }
        }
    }
}

#[test]
fn a_stored_name_no_enum_knows_is_an_error_naming_it_not_a_default() {
    let db = TestDatabase::create();
    let pool = db.migrated_pool();
    let mut conn = pool.get().expect("connection");

    let read = diesel::select("frozen".into_sql::<Text>()).get_result::<UserState>(&mut *conn);

    let error = mailroom_api::db::DbError::from(read.expect_err("no such state")).to_string();
    assert!(
        error.contains("'frozen' is not a valid UserState"),
        "{error}"
    );
    let known = diesel::select("blocked".into_sql::<Text>()).get_result::<UserState>(&mut *conn);
    assert_eq!(known.ok(), Some(UserState::Blocked));
}

//! The delivery queue. A claim is a lease: the claimed rows stay `pending` with `lease` set to the
//! claim's token and `leased_until` to the lease's end. Only that claim can record an outcome; if
//! its worker dies, the rows fall due again when the lease runs out. A claim leaves the indexed
//! columns alone, so PostgreSQL updates the row in place.
//!
//! `claim.rs` takes deliveries and keeps or gives back their leases, `record.rs` writes what
//! became of them, `cancel.rs` stops those that must not go. Raw SQL names the `pending` state as a
//! literal: the partial indexes (migration 000007) only serve a query that says `'pending'`.

mod cancel;
mod claim;
mod record;

pub use cancel::{RunsOf, cancel, cancel_for_client};
pub use claim::{Claim, any_due, claim, held_of, hold, release, renew};
pub use record::{Attempt, Outcome, record};

#[cfg(test)]
mod tests {
    use mailroom_domain::delivery::DeliveryState;

    /// Every state the raw statements name is one the application knows.
    #[test]
    fn the_states_named_in_raw_sql_are_delivery_states() {
        for sql in [
            super::claim::CLAIM_POSTGRES,
            super::claim::CLAIM_SQLITE,
            super::claim::RENEW_POSTGRES,
            super::record::RECORD_POSTGRES,
            super::record::OUTCOME_SQLITE,
        ] {
            let mut named = 0;
            for quoted in sql.split('\'').skip(1).step_by(2) {
                assert!(
                    quoted.parse::<DeliveryState>().is_ok(),
                    "'{quoted}' in {sql}"
                );
                named += 1;
            }
            assert!(named > 0, "{sql}");
        }
    }
}

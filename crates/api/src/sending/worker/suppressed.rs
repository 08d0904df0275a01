//! What one claimed batch knows is not to be sent: the deliveries whose address was on the
//! suppression list when the batch was claimed (one query for the whole batch), and the
//! addresses refused for good (hard bounces) while it was being sent. The recorder writes a
//! refusal to the list a moment after it happened: without the second, a later mail to the same
//! address in the same batch (another mailing of the same owner) would still go. One per batch,
//! so nothing here outlives the list: an address taken off it is sent to from the next batch on.

use std::collections::HashSet;
use std::sync::Mutex;

#[derive(Debug, Default)]
pub struct BatchSuppressions {
    listed: HashSet<i64>,
    refused: Mutex<HashSet<(i64, String)>>,
}

impl BatchSuppressions {
    /// `listed`: the batch's deliveries whose address is on its owner's list.
    pub fn new(listed: HashSet<i64>) -> Self {
        Self {
            listed,
            refused: Mutex::default(),
        }
    }

    /// The owner's address was refused for good just now.
    pub fn refused(&self, owner_id: i64, email: &str) {
        self.lock().insert((owner_id, email.to_lowercase()));
    }

    /// Whether this delivery, of this owner to this address, must not go.
    pub fn holds(&self, delivery_id: i64, owner_id: i64, email: &str) -> bool {
        self.listed.contains(&delivery_id)
            || self.lock().contains(&(owner_id, email.to_lowercase()))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashSet<(i64, String)>> {
        // A panic elsewhere while holding it left the set whole: inserts are single steps.
        self.refused
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listed_delivery_and_an_address_refused_in_any_case_are_held_for_their_owner_only() {
        let batch = BatchSuppressions::new(HashSet::from([7]));
        assert!(batch.holds(7, 1, "ann@example.net"));
        batch.refused(1, "Fay@Example.net");
        assert!(batch.holds(8, 1, "fay@example.net"));
        assert!(!batch.holds(8, 2, "fay@example.net"));
        assert!(!batch.holds(8, 1, "gus@example.net"));
    }
}

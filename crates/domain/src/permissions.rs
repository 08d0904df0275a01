//! Who may do what. The server asks these before acting; nothing else decides access.

use crate::Role;
use crate::catalogue::{Explain, Msg, Said};

/// Someone acting: their id and the role the database gives them now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    pub id: i64,
    pub role: Role,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    NotAManager,
    Themself,
    AnotherManager,
}

impl Explain for Refusal {
    fn said(&self) -> Said {
        Said::new(match self {
            Refusal::NotAManager => Msg::NotAManager,
            Refusal::Themself => Msg::BlockThemself,
            Refusal::AnotherManager => Msg::BlockManager,
        })
    }
}

crate::explained!(Refusal);

/// Why a row owned by someone may not be touched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowRefusal {
    /// The row is someone else's and the actor may not even know it exists: answer 404.
    Hidden,
    /// A manager sees the row but never changes another person's data: answer 403.
    ReadOnly,
}

impl Actor {
    /// Users see their own rows; managers see everyone's.
    pub fn may_read(self, owner_id: i64) -> Result<(), RowRefusal> {
        if owner_id == self.id || self.role.is_manager() {
            Ok(())
        } else {
            Err(RowRefusal::Hidden)
        }
    }

    /// Only the owner changes a row: managers get a refusal they can see, others a 404.
    pub fn may_change(self, owner_id: i64) -> Result<(), RowRefusal> {
        self.may_read(owner_id)?;
        if owner_id == self.id {
            Ok(())
        } else {
            Err(RowRefusal::ReadOnly)
        }
    }

    /// The owner whose rows a list shows: always the actor for users; for managers everyone, or
    /// the owner they filter on.
    pub fn list_scope(self, requested_owner: Option<i64>) -> Option<i64> {
        if self.role.is_manager() {
            requested_owner
        } else {
            Some(self.id)
        }
    }

    /// Disabling or enabling anyone's mailing.
    pub fn may_disable_mailings(self) -> Result<(), Refusal> {
        self.may_oversee_users()
    }

    /// Listing and reading other people's accounts.
    pub fn may_oversee_users(self) -> Result<(), Refusal> {
        if self.role.is_manager() {
            Ok(())
        } else {
            Err(Refusal::NotAManager)
        }
    }

    /// Blocking or unblocking `target`: managers may, but never themselves or another manager.
    pub fn may_block(self, target_id: i64, target_role: Role) -> Result<(), Refusal> {
        self.may_oversee_users()?;
        if target_id == self.id {
            Err(Refusal::Themself)
        } else if target_role.is_manager() {
            Err(Refusal::AnotherManager)
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANAGER: Actor = Actor {
        id: 1,
        role: Role::Manager,
    };
    const USER: Actor = Actor {
        id: 2,
        role: Role::User,
    };

    #[test]
    fn a_user_reads_and_changes_only_their_own_rows_and_never_learns_of_others() {
        assert_eq!(USER.may_read(2), Ok(()));
        assert_eq!(USER.may_change(2), Ok(()));
        assert_eq!(USER.may_read(9), Err(RowRefusal::Hidden));
        assert_eq!(USER.may_change(9), Err(RowRefusal::Hidden));
    }

    #[test]
    fn a_manager_reads_every_row_but_changes_only_their_own() {
        assert_eq!(MANAGER.may_read(9), Ok(()));
        assert_eq!(MANAGER.may_change(9), Err(RowRefusal::ReadOnly));
        assert_eq!(MANAGER.may_change(1), Ok(()));
    }

    #[test]
    fn a_users_list_is_always_their_own_whatever_they_ask() {
        assert_eq!(USER.list_scope(Some(9)), Some(2));
        assert_eq!(USER.list_scope(None), Some(2));
        assert_eq!(MANAGER.list_scope(None), None);
        assert_eq!(MANAGER.list_scope(Some(9)), Some(9));
    }

    #[test]
    fn a_manager_may_block_a_user() {
        assert_eq!(MANAGER.may_block(2, Role::User), Ok(()));
    }

    #[test]
    fn a_manager_may_not_block_themself_or_another_manager() {
        assert_eq!(MANAGER.may_block(1, Role::Manager), Err(Refusal::Themself));
        assert_eq!(
            MANAGER.may_block(3, Role::Manager),
            Err(Refusal::AnotherManager)
        );
    }

    #[test]
    fn a_user_may_neither_block_nor_list_users() {
        assert_eq!(USER.may_block(3, Role::User), Err(Refusal::NotAManager));
        assert_eq!(USER.may_oversee_users(), Err(Refusal::NotAManager));
    }
}

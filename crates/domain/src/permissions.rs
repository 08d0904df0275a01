//! Who may do what. The server asks these before acting; nothing else decides access.

use crate::Role;

/// Someone acting: their id and the role the database gives them now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    pub id: i64,
    pub role: Role,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("only managers may do this")]
    NotAManager,
    #[error("managers cannot block themselves")]
    Themself,
    #[error("managers cannot block other managers")]
    AnotherManager,
}

impl Actor {
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

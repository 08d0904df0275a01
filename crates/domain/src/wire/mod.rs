//! The JSON shapes exchanged between the server and its clients (the SPA and integrations).

mod account;
mod audit;
mod client;
mod health;
mod mailing;
mod message;
mod page;
mod problem;
mod run;
mod stats;
mod suppression;
mod tag;
mod webhook;
mod webhook_event;

pub use account::{
    Accepted, ApiToken, ChangePasswordRequest, CreatedApiToken, EmailRequest, LoginRequest,
    NewApiTokenRequest, PasswordResetConfirm, RefreshRequest, RegisterRequest, TokenRequest,
    TokenResponse, UpdateMeRequest, User,
};
pub use audit::AuditEntry;
pub use client::{
    BulkClientsRequest, BulkClientsResult, Client, ClientFilter, ClientPatch, ClientRequest,
    ImportReport, RejectedRow,
};
pub use health::{Check, CheckStatus, Liveness, NotReady, Readiness, ReadinessChecks, ReadyStatus};
pub use mailing::{
    Attempt, Audience, AudiencePreview, AudiencePreviewRequest, Mailing, MailingClients,
    MailingPatch, MailingRequest,
};
pub use message::{
    Message, MessagePatch, MessagePreview, MessagePreviewRequest, MessageRequest, TestSendRequest,
    TestSent,
};
pub use page::{DEFAULT_PER_PAGE, MAX_PER_PAGE, Page, PageError, PageRequest};
pub use problem::{FieldError, PROBLEM_CONTENT_TYPE, Problem, ProblemKind, types as problem_types};
pub use run::{Run, RunOutcome, Unsubscribed};
pub use stats::{
    AttemptCounts, DailyAttempts, MailingCounts, MailingStats, MyStats, Overview, UserStats,
};
pub use suppression::{DeliveryEvent, NewSuppression, Suppression, SuppressionSort};
pub use tag::{Tag, TagList, TagRename};
pub use webhook::{
    NewWebhook, Webhook, WebhookDelivery, WebhookDeliverySort, WebhookPatch, WebhookSort,
    WebhookTry, WebhookWithSecret,
};
pub use webhook_event::{
    AttemptData, AttemptsData, MailingDisabledData, ReportData, RunData, SuppressedData, TestData,
    UnsubscribedData, WebhookPayload,
};

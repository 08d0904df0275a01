//! The diesel schema shared by both backends. It mirrors `migrations/{postgres,sqlite}`; the
//! `database` integration tests load every column of every table on both to keep it honest.

diesel::table! {
    users (id) {
        id -> BigInt,
        email -> Text,
        password_hash -> Text,
        full_name -> Text,
        role -> Text,
        state -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        session_version -> BigInt,
    }
}

diesel::table! {
    clients (id) {
        id -> BigInt,
        owner_id -> BigInt,
        email -> Text,
        full_name -> Text,
        comment -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    messages (id) {
        id -> BigInt,
        owner_id -> BigInt,
        subject -> Text,
        body -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    mailings (id) {
        id -> BigInt,
        owner_id -> BigInt,
        message_id -> BigInt,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        status -> Text,
        disabled -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    mailing_clients (mailing_id, client_id) {
        mailing_id -> BigInt,
        client_id -> BigInt,
    }
}

diesel::table! {
    attempts (id) {
        id -> BigInt,
        mailing_id -> BigInt,
        client_id -> Nullable<BigInt>,
        client_email -> Text,
        attempted_at -> Timestamp,
        status -> Text,
        server_response -> Text,
    }
}

diesel::table! {
    one_time_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        purpose -> Text,
        token_hash -> Text,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        family -> Text,
        token_hash -> Text,
        expires_at -> Timestamp,
        rotated_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        name -> Text,
        token_hash -> Text,
        prefix -> Text,
        expires_at -> Nullable<Timestamp>,
        last_used_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(clients -> users (owner_id));
diesel::joinable!(one_time_tokens -> users (user_id));
diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(api_tokens -> users (user_id));
diesel::joinable!(messages -> users (owner_id));
diesel::joinable!(mailings -> users (owner_id));
diesel::joinable!(mailings -> messages (message_id));
diesel::joinable!(mailing_clients -> mailings (mailing_id));
diesel::joinable!(mailing_clients -> clients (client_id));
diesel::joinable!(attempts -> mailings (mailing_id));

diesel::allow_tables_to_appear_in_same_query!(
    users,
    clients,
    messages,
    mailings,
    mailing_clients,
    attempts,
    one_time_tokens,
    refresh_tokens,
    api_tokens,
);

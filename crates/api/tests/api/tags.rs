//! Tags on clients, the filters made of them, bulk changes, and the tags' own endpoints.

use reqwest::Method;
use serde_json::{Value, json};

use crate::accounts::Session;
use crate::helpers::{TestApp, problem, spawn_app};

async fn tagged(app: &TestApp, who: &Session, email: &str, tags: &[&str]) -> Value {
    let response = app
        .post_as(
            "/api/v1/clients",
            &who.access,
            &json!({"email": email, "tags": tags}),
        )
        .await;
    assert_eq!(response.status().as_u16(), 201, "client {email} created");
    response.json().await.expect("JSON")
}

async fn json_of(response: reqwest::Response) -> Value {
    assert_eq!(response.status().as_u16(), 200, "a 200 answer");
    response.json().await.expect("JSON")
}

/// The addresses a client list answers, in order.
async fn emails(app: &TestApp, who: &Session, query: &str) -> Vec<String> {
    let page = json_of(
        app.get_as(&format!("/api/v1/clients?sort=email{query}"), &who.access)
            .await,
    )
    .await;
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|c| c["email"].as_str().expect("email").to_owned())
        .collect()
}

/// The tags list as (name, clients) pairs.
async fn tag_counts(app: &TestApp, who: &Session) -> Vec<(String, u64)> {
    let list = json_of(app.get_as("/api/v1/tags", &who.access).await).await;
    list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|t| {
            (
                t["name"].as_str().expect("name").to_owned(),
                t["clients"].as_u64().expect("clients"),
            )
        })
        .collect()
}

async fn tags_of(app: &TestApp, who: &Session, id: &Value) -> Vec<String> {
    let client = json_of(
        app.get_as(&format!("/api/v1/clients/{id}"), &who.access)
            .await,
    )
    .await;
    serde_json::from_value(client["tags"].clone()).expect("tags")
}

async fn bulk(app: &TestApp, who: &Session, body: Value) -> reqwest::Response {
    app.post_as("/api/v1/clients/bulk", &who.access, &body)
        .await
}

async fn changed(app: &TestApp, who: &Session, body: Value) -> u64 {
    json_of(bulk(app, who, body).await).await["changed"]
        .as_u64()
        .expect("changed")
}

fn counts(pairs: &[(&str, u64)]) -> Vec<(String, u64)> {
    pairs.iter().map(|(n, c)| ((*n).to_owned(), *c)).collect()
}

#[tokio::test]
async fn a_clients_tags_are_trimmed_kept_once_in_their_first_spelling_and_counted() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;
    let bob = tagged(&app, &ann, "bob@example.org", &[" VIP ", "vip", "fair"]).await;
    assert_eq!(bob["tags"], json!(["fair", "VIP"]));
    let cid = tagged(&app, &ann, "cid@example.org", &["Vip"]).await;
    assert_eq!(
        cid["tags"],
        json!(["VIP"]),
        "the tag keeps its first spelling"
    );
    tagged(&app, &ann, "dee@example.org", &[]).await;

    assert_eq!(
        tag_counts(&app, &ann).await,
        counts(&[("fair", 1), ("VIP", 2)])
    );
    let page = json_of(app.get_as("/api/v1/clients", &ann.access).await).await;
    assert!(
        page["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|c| c["tags"].is_array()),
        "every client in a list carries its tags: {page}"
    );
}

#[tokio::test]
async fn a_replace_without_tags_keeps_them_and_a_patch_with_tags_replaces_them() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;
    let bob = tagged(&app, &ann, "bob@example.org", &["fair", "vip"]).await;
    let path = format!("/api/v1/clients/{}", bob["id"]);

    let replaced = app
        .send_as(
            Method::PUT,
            &path,
            &ann.access,
            Some(&json!({"email": "bob@example.org", "full_name": "Bob"})),
        )
        .await;
    assert_eq!(json_of(replaced).await["tags"], json!(["fair", "vip"]));

    let patched = app
        .send_as(
            Method::PATCH,
            &path,
            &ann.access,
            Some(&json!({"tags": ["web"]})),
        )
        .await;
    let patched = json_of(patched).await;
    assert_eq!(
        (patched["tags"].clone(), patched["full_name"].clone()),
        (json!(["web"]), json!("Bob"))
    );
    let cleared = app
        .send_as(
            Method::PUT,
            &path,
            &ann.access,
            Some(&json!({"email": "bob@example.org", "tags": []})),
        )
        .await;
    assert_eq!(json_of(cleared).await["tags"], json!([]));
    assert_eq!(
        tag_counts(&app, &ann).await,
        counts(&[("fair", 0), ("vip", 0), ("web", 0)]),
        "tags stay, with no clients, until deleted"
    );
}

#[tokio::test]
async fn invalid_tags_are_refused_by_name_and_nothing_is_written() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;
    let many: Vec<String> = (0..51).map(|n| format!("t{n}")).collect();
    for (tags, message) in [
        (json!(["a,b"]), "a tag may not contain a comma: 'a,b'"),
        (json!(["  "]), "a tag must not be blank"),
        (
            json!(many),
            "a client may have at most 50 tags (repeats in the list count)",
        ),
    ] {
        let refused = app
            .post_as(
                "/api/v1/clients",
                &ann.access,
                &json!({"email": "nope", "tags": tags}),
            )
            .await;
        let body = problem(refused, 422).await;
        let fields: Vec<&str> = body["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .filter_map(|e| e["field"].as_str())
            .collect();
        assert_eq!(fields, ["email", "tags"], "both fields named: {body}");
        assert_eq!(body["errors"][1]["message"], message);
    }
    assert!(emails(&app, &ann, "").await.is_empty());
    assert!(tag_counts(&app, &ann).await.is_empty());
}

/// ann's clients: a (vip, fair), b (fair), c (vip, churned), d (none).
async fn four_clients(app: &TestApp, ann: &Session) -> Vec<Value> {
    vec![
        tagged(app, ann, "a@example.org", &["vip", "fair"]).await,
        tagged(app, ann, "b@example.org", &["fair"]).await,
        tagged(app, ann, "c@example.net", &["VIP", "churned"]).await,
        tagged(app, ann, "d@example.net", &[]).await,
    ]
}

#[tokio::test]
async fn list_filters_combine_any_all_and_none_of_tags_with_search_and_ids() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;
    let clients = four_clients(&app, &ann).await;
    let cases = [
        ("&tags_any=vip,fair", vec!["a", "b", "c"]),
        ("&tags_all=vip,FAIR", vec!["a"]),
        ("&tags_any=vip&exclude_tags=churned", vec!["a"]),
        ("&exclude_tags=churned,fair", vec!["d"]),
        ("&tags_any=fair&q=example.org", vec!["a", "b"]),
        ("&tags_any=nobody-has-this", vec![]),
        (
            &*format!(
                "&ids={},{}&tags_any=vip",
                clients[0]["id"], clients[1]["id"]
            ),
            vec!["a"],
        ),
    ];
    for (query, expected) in cases {
        let found: Vec<String> = emails(&app, &ann, query)
            .await
            .iter()
            .map(|e| e[..1].to_owned())
            .collect();
        assert_eq!(found, expected, "clients for {query}");
    }
    let page = json_of(
        app.get_as("/api/v1/clients?tags_any=fair&per_page=1", &ann.access)
            .await,
    )
    .await;
    assert_eq!(page["total"], 2, "the total counts the filtered clients");

    let blank = app
        .get_as("/api/v1/clients?tags_any=%20,", &ann.access)
        .await;
    assert_eq!(
        json_of(blank).await["total"],
        4,
        "blank items are skipped: no condition"
    );
    for query in ["ids=1,x".to_owned(), format!("tags_any={}", "x".repeat(51))] {
        let refused = app
            .get_as(&format!("/api/v1/clients?{query}"), &ann.access)
            .await;
        problem(refused, 422).await;
    }
}

#[tokio::test]
async fn filters_never_reach_another_owners_clients() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;
    let eve = app.user("eve@example.org").await;
    tagged(&app, &ann, "a@example.org", &["fair"]).await;
    let eves = tagged(&app, &eve, "e@example.org", &["fair"]).await;
    assert_eq!(
        emails(&app, &ann, "&tags_any=fair").await,
        ["a@example.org"]
    );
    assert!(
        emails(&app, &ann, &format!("&ids={}", eves["id"]))
            .await
            .is_empty()
    );
    assert_eq!(tag_counts(&app, &ann).await, counts(&[("fair", 1)]));
}

#[tokio::test]
async fn a_bulk_change_tags_and_untags_the_matching_clients_counting_those_it_changed() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;
    let clients = four_clients(&app, &ann).await;

    let add = json!({"filter": {"tags_any": ["fair"]}, "add_tags": ["Customer"]});
    assert_eq!(changed(&app, &ann, add.clone()).await, 2);
    assert_eq!(changed(&app, &ann, add).await, 0, "already tagged");
    assert_eq!(
        tags_of(&app, &ann, &clients[1]["id"]).await,
        ["Customer", "fair"]
    );

    let swap = json!({"filter": {}, "add_tags": ["lead"], "remove_tags": ["customer", "vip"]});
    assert_eq!(
        changed(&app, &ann, swap).await,
        4,
        "every client gained lead"
    );
    assert_eq!(
        tags_of(&app, &ann, &clients[0]["id"]).await,
        ["fair", "lead"]
    );
    assert_eq!(
        tags_of(&app, &ann, &clients[2]["id"]).await,
        ["churned", "lead"]
    );

    let untag = json!({"filter": {"q": "example.net"}, "remove_tags": ["lead", "unknown"]});
    assert_eq!(changed(&app, &ann, untag).await, 2);
    assert_eq!(
        tag_counts(&app, &ann).await,
        counts(&[
            ("churned", 1),
            ("Customer", 0),
            ("fair", 2),
            ("lead", 2),
            ("vip", 0)
        ])
    );
}

#[tokio::test]
async fn a_bulk_delete_removes_exactly_the_matching_clients() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;
    four_clients(&app, &ann).await;
    let gone =
        json!({"filter": {"tags_any": ["vip"], "exclude_tags": ["churned"]}, "delete": true});
    assert_eq!(changed(&app, &ann, gone).await, 1);
    assert_eq!(
        emails(&app, &ann, "").await,
        ["b@example.org", "c@example.net", "d@example.net"]
    );
    assert_eq!(
        changed(&app, &ann, json!({"filter": {}, "delete": true})).await,
        3
    );
    assert!(emails(&app, &ann, "").await.is_empty());
}

#[tokio::test]
async fn a_bulk_change_touches_only_the_signed_in_owners_clients_even_a_managers() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;
    let eve = app.user("eve@example.org").await;
    let boss = app.manager("boss@example.org").await;
    tagged(&app, &ann, "a@example.org", &["fair"]).await;
    let eves = tagged(&app, &eve, "e@example.org", &["fair"]).await;

    for who in [&ann, &boss] {
        let everyone = json!({"filter": {}, "add_tags": ["mine"]});
        changed(&app, who, everyone).await;
        let by_id = json!({"filter": {"ids": [eves["id"]]}, "delete": true});
        assert_eq!(changed(&app, who, by_id).await, 0);
    }
    assert_eq!(tags_of(&app, &eve, &eves["id"]).await, ["fair"]);
    assert_eq!(tag_counts(&app, &eve).await, counts(&[("fair", 1)]));
    assert_eq!(
        tag_counts(&app, &ann).await,
        counts(&[("fair", 1), ("mine", 1)])
    );
}

#[tokio::test]
async fn a_bulk_change_that_would_pass_fifty_tags_changes_nothing() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;
    let full: Vec<String> = (0..49).map(|n| format!("t{n}")).collect();
    let full: Vec<&str> = full.iter().map(String::as_str).collect();
    let crowded = tagged(&app, &ann, "a@example.org", &full).await;
    let roomy = tagged(&app, &ann, "b@example.org", &[]).await;

    let refused = bulk(&app, &ann, json!({"filter": {}, "add_tags": ["x", "y"]})).await;
    let body = problem(refused, 422).await;
    assert_eq!(
        body["errors"][0]["message"],
        "1 of these clients would carry more than 50 tags; nothing was changed"
    );
    assert_eq!(tags_of(&app, &ann, &crowded["id"]).await.len(), 49);
    assert!(tags_of(&app, &ann, &roomy["id"]).await.is_empty());
    // Making room first is one change: 49 - 1 + 2 is within the limit.
    let swap = json!({"filter": {}, "add_tags": ["x", "y"], "remove_tags": ["t0"]});
    assert_eq!(changed(&app, &ann, swap).await, 2);
    assert_eq!(tags_of(&app, &ann, &crowded["id"]).await.len(), 50);
}

#[tokio::test]
async fn bad_bulk_requests_are_refused_naming_what_is_wrong() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;
    let a = tagged(&app, &ann, "a@example.org", &["fair"]).await;
    let cases = [
        (json!({"filter": {}}), "add_tags"),
        (
            json!({"filter": {}, "add_tags": ["x"], "delete": true}),
            "delete",
        ),
        (
            json!({"filter": {}, "add_tags": ["VIP"], "remove_tags": ["vip"]}),
            "remove_tags",
        ),
        (
            json!({"filter": {"tags_all": ["a,b"]}, "delete": true}),
            "filter.tags_all",
        ),
        (
            json!({"filter": {"ids": (0..10_001).collect::<Vec<i64>>()}, "delete": true}),
            "filter.ids",
        ),
    ];
    for (body, field) in cases {
        let refused = problem(bulk(&app, &ann, body).await, 422).await;
        assert_eq!(refused["errors"][0]["field"], field, "{refused}");
    }
    let no_filter = problem(bulk(&app, &ann, json!({"delete": true})).await, 422).await;
    assert!(
        no_filter["detail"]
            .as_str()
            .is_some_and(|d| d.contains("filter")),
        "the filter is required: {no_filter}"
    );
    assert_eq!(tags_of(&app, &ann, &a["id"]).await, ["fair"]);
    assert_eq!(emails(&app, &ann, "").await, ["a@example.org"]);
}

#[tokio::test]
async fn renaming_a_tag_renames_it_on_every_client_and_onto_another_merges_the_two() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;
    four_clients(&app, &ann).await;

    let renamed = app
        .send_as(
            Method::PATCH,
            "/api/v1/tags/FAIR",
            &ann.access,
            Some(&json!({"name": "Expo / 2026"})),
        )
        .await;
    assert_eq!(
        json_of(renamed).await,
        json!({"name": "Expo / 2026", "clients": 2})
    );
    assert_eq!(
        emails(&app, &ann, "&tags_any=expo%20%2F%202026").await,
        ["a@example.org", "b@example.org"]
    );

    // A name with a slash is one path segment once encoded.
    let merged = app
        .send_as(
            Method::PATCH,
            "/api/v1/tags/vip",
            &ann.access,
            Some(&json!({"name": "EXPO / 2026"})),
        )
        .await;
    assert_eq!(
        json_of(merged).await,
        json!({"name": "EXPO / 2026", "clients": 3}),
        "a carried both: counted once"
    );
    assert_eq!(
        tag_counts(&app, &ann).await,
        counts(&[("churned", 1), ("EXPO / 2026", 3)])
    );
    let back = app
        .send_as(
            Method::PATCH,
            "/api/v1/tags/expo%20%2F%202026",
            &ann.access,
            Some(&json!({"name": "expo"})),
        )
        .await;
    assert_eq!(json_of(back).await["clients"], 3);
}

#[tokio::test]
async fn a_tag_is_renamed_or_deleted_only_by_its_owner_and_only_to_a_valid_name() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;
    let eve = app.user("eve@example.org").await;
    let boss = app.manager("boss@example.org").await;
    four_clients(&app, &ann).await;

    let invalid = app
        .send_as(
            Method::PATCH,
            "/api/v1/tags/fair",
            &ann.access,
            Some(&json!({"name": "a,b"})),
        )
        .await;
    assert_eq!(problem(invalid, 422).await["errors"][0]["field"], "name");
    for who in [&eve, &boss] {
        let rename = app
            .send_as(
                Method::PATCH,
                "/api/v1/tags/fair",
                &who.access,
                Some(&json!({"name": "mine"})),
            )
            .await;
        assert_eq!(problem(rename, 404).await["detail"], "no tag 'fair'");
        let delete = app
            .send_as(Method::DELETE, "/api/v1/tags/fair", &who.access, None)
            .await;
        problem(delete, 404).await;
    }
    let unknown = app
        .send_as(Method::DELETE, "/api/v1/tags/nope", &ann.access, None)
        .await;
    problem(unknown, 404).await;
    assert_eq!(
        tag_counts(&app, &ann).await,
        counts(&[("churned", 1), ("fair", 2), ("vip", 2)])
    );
}

#[tokio::test]
async fn deleting_a_tag_takes_it_off_its_clients_and_keeps_them() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;
    let clients = four_clients(&app, &ann).await;
    let deleted = app
        .send_as(Method::DELETE, "/api/v1/tags/Vip", &ann.access, None)
        .await;
    assert_eq!(deleted.status().as_u16(), 204);
    assert_eq!(tags_of(&app, &ann, &clients[0]["id"]).await, ["fair"]);
    assert_eq!(emails(&app, &ann, "").await.len(), 4);
    assert_eq!(
        tag_counts(&app, &ann).await,
        counts(&[("churned", 1), ("fair", 2)])
    );
}

#[tokio::test]
async fn tags_travel_through_the_csv_export_and_import_and_the_export_takes_the_filter() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;
    let bob = app.user("bob@example.org").await;
    four_clients(&app, &ann).await;

    let export = app
        .get_as("/api/v1/clients/export?tags_any=fair", &ann.access)
        .await;
    let csv = export.text().await.expect("CSV");
    assert_eq!(
        csv,
        "email,full_name,comment,tags\na@example.org,,,\"fair, vip\"\nb@example.org,,,fair\n"
    );
    let bad = app
        .get_as("/api/v1/clients/export?ids=x", &ann.access)
        .await;
    problem(bad, 422).await;

    let imported = app
        .client
        .post(app.url("/api/v1/clients/import"))
        .bearer_auth(&bob.access)
        .header("content-type", "text/csv")
        .body(format!("{csv}c@example.org,,,\"new, a,b\"\n"))
        .send()
        .await
        .expect("sent");
    let report = json_of(imported).await;
    assert_eq!(report["created"], 3, "{report}");
    assert_eq!(
        tag_counts(&app, &bob).await,
        counts(&[("a", 1), ("b", 1), ("fair", 2), ("new", 1), ("vip", 1)])
    );

    // Importing known addresses adds the file's tags to the ones they have.
    let again = app
        .client
        .post(app.url("/api/v1/clients/import"))
        .bearer_auth(&bob.access)
        .header("content-type", "text/csv")
        .body("email,tags\nb@example.org,vip\n")
        .send()
        .await
        .expect("sent");
    assert_eq!(json_of(again).await["updated"], 1);
    assert_eq!(
        emails(&app, &bob, "&tags_all=fair,vip").await,
        ["a@example.org", "b@example.org"]
    );
}

use serde_json::{Value, json};

use crate::accounts::Session;
use crate::fixtures::read;
use crate::helpers::{TestApp, problem, spawn_app};

async fn create(app: &TestApp, who: &Session, email: &str, name: &str) -> Value {
    let response = app
        .post_as(
            "/api/v1/clients",
            &who.access,
            &json!({"email": email, "full_name": name, "comment": ""}),
        )
        .await;
    assert_eq!(response.status().as_u16(), 201, "client {email} created");
    response.json().await.expect("JSON")
}

async fn list(app: &TestApp, who: &Session, query: &str) -> Value {
    let response = app
        .get_as(&format!("/api/v1/clients{query}"), &who.access)
        .await;
    assert_eq!(response.status().as_u16(), 200);
    response.json().await.expect("JSON")
}

fn emails(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|c| c["email"].as_str().map(str::to_owned))
        .collect()
}

async fn send(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    who: &Session,
    body: Option<Value>,
) -> reqwest::Response {
    app.send_as(method, path, &who.access, body.as_ref()).await
}

async fn import(app: &TestApp, who: &Session, csv: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/clients/import"))
        .bearer_auth(&who.access)
        .header("content-type", "text/csv")
        .body(csv.to_owned())
        .send()
        .await
        .expect("sent")
}

#[tokio::test]
async fn a_client_is_created_read_replaced_patched_and_deleted() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;

    let created = app
        .post_as(
            "/api/v1/clients",
            &ann.access,
            &json!({"email": "bob@example.org", "full_name": " Bob Stone ", "comment": "fair"}),
        )
        .await;
    assert_eq!(created.status().as_u16(), 201);
    let location = created
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("Location")
        .to_owned();
    let client: Value = created.json().await.expect("JSON");
    assert_eq!(location, format!("/api/v1/clients/{}", client["id"]));
    assert_eq!(client["full_name"], "Bob Stone");
    assert_eq!(client["owner_id"], ann.id);

    let fetched: Value = app
        .get_as(&location, &ann.access)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(fetched, client);

    let replaced: Value = send(
        &app,
        reqwest::Method::PUT,
        &location,
        &ann,
        Some(json!({"email": "robert@example.org"})),
    )
    .await
    .json()
    .await
    .expect("JSON");
    assert_eq!(
        (
            replaced["email"].as_str(),
            replaced["full_name"].as_str(),
            replaced["comment"].as_str()
        ),
        (Some("robert@example.org"), Some(""), Some(""))
    );

    let patched: Value = send(
        &app,
        reqwest::Method::PATCH,
        &location,
        &ann,
        Some(json!({"comment": "vip"})),
    )
    .await
    .json()
    .await
    .expect("JSON");
    assert_eq!(
        (patched["email"].as_str(), patched["comment"].as_str()),
        (Some("robert@example.org"), Some("vip"))
    );

    let deleted = send(&app, reqwest::Method::DELETE, &location, &ann, None).await;
    assert_eq!(deleted.status().as_u16(), 204);
    problem(app.get_as(&location, &ann.access).await, 404).await;
}

#[tokio::test]
async fn invalid_fields_are_a_422_per_field_and_nothing_is_written() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;

    let bad = app
        .post_as(
            "/api/v1/clients",
            &ann.access,
            &json!({"email": "nope", "full_name": "x".repeat(201)}),
        )
        .await;
    let body = problem(bad, 422).await;
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(fields, ["email", "full_name"]);
    let missing = app
        .post_as(
            "/api/v1/clients",
            &ann.access,
            &json!({"full_name": "No Address"}),
        )
        .await;
    problem(missing, 422).await;
    assert_eq!(list(&app, &ann, "").await["total"], 0);

    let client = create(&app, &ann, "bob@example.org", "Bob").await;
    let path = format!("/api/v1/clients/{}", client["id"]);
    let bad_put = send(
        &app,
        reqwest::Method::PUT,
        &path,
        &ann,
        Some(json!({"email": "still nope"})),
    )
    .await;
    problem(bad_put, 422).await;
    let bad_patch = send(
        &app,
        reqwest::Method::PATCH,
        &path,
        &ann,
        Some(json!({"full_name": "x".repeat(201)})),
    )
    .await;
    problem(bad_patch, 422).await;
    let unchanged: Value = app
        .get_as(&path, &ann.access)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(unchanged, client);
}

#[tokio::test]
async fn an_address_is_kept_once_per_owner_whatever_its_case() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;
    let cid = app.user("cid@example.org").await;
    create(&app, &ann, "bob@example.org", "Bob").await;
    let other = create(&app, &ann, "rob@example.org", "Rob").await;

    let duplicate = app
        .post_as(
            "/api/v1/clients",
            &ann.access,
            &json!({"email": "BOB@example.org"}),
        )
        .await;
    let body = problem(duplicate, 409).await;
    assert_eq!(
        body["detail"],
        "you already have a client with the address BOB@example.org"
    );
    let renamed = send(
        &app,
        reqwest::Method::PATCH,
        &format!("/api/v1/clients/{}", other["id"]),
        &ann,
        Some(json!({"email": "Bob@Example.org"})),
    )
    .await;
    problem(renamed, 409).await;
    // Another owner may keep the same address.
    create(&app, &cid, "bob@example.org", "Bob").await;
}

#[tokio::test]
async fn another_users_clients_are_invisible_and_untouchable() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;
    let eve = app.user("eve@example.org").await;
    let client = create(&app, &ann, "bob@example.org", "Bob").await;
    let path = format!("/api/v1/clients/{}", client["id"]);

    assert_eq!(list(&app, &eve, "").await["total"], 0);
    assert_eq!(
        list(&app, &eve, &format!("?owner_id={}", ann.id)).await["total"],
        0,
        "owner_id is ignored for users"
    );
    let body = problem(app.get_as(&path, &eve.access).await, 404).await;
    assert_eq!(body["detail"], format!("no client {}", client["id"]));
    problem(
        send(
            &app,
            reqwest::Method::PUT,
            &path,
            &eve,
            Some(json!({"email": "x@example.org"})),
        )
        .await,
        404,
    )
    .await;
    problem(
        send(
            &app,
            reqwest::Method::PATCH,
            &path,
            &eve,
            Some(json!({"comment": "mine"})),
        )
        .await,
        404,
    )
    .await;
    problem(
        send(&app, reqwest::Method::DELETE, &path, &eve, None).await,
        404,
    )
    .await;
    let export = app
        .get_as("/api/v1/clients/export", &eve.access)
        .await
        .text()
        .await
        .expect("CSV");
    assert_eq!(export, "email,full_name,comment,tags\n");

    let unchanged: Value = app
        .get_as(&path, &ann.access)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(unchanged, client);
}

#[tokio::test]
async fn a_manager_sees_every_client_but_changes_only_their_own() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;
    let cid = app.user("cid@example.org").await;
    let mia = app.manager("mia@example.org").await;
    let anns = create(&app, &ann, "bob@example.org", "Bob").await;
    create(&app, &cid, "dan@example.org", "Dan").await;
    create(&app, &mia, "max@example.org", "Max").await;

    let all = list(&app, &mia, "?sort=email").await;
    assert_eq!(
        emails(&all),
        ["bob@example.org", "dan@example.org", "max@example.org"]
    );
    let only_ann = list(&app, &mia, &format!("?owner_id={}", ann.id)).await;
    assert_eq!(emails(&only_ann), ["bob@example.org"]);
    assert_eq!(only_ann["items"][0]["owner_id"], ann.id);

    let path = format!("/api/v1/clients/{}", anns["id"]);
    assert_eq!(app.get_as(&path, &mia.access).await.status().as_u16(), 200);
    let body = problem(
        send(
            &app,
            reqwest::Method::PATCH,
            &path,
            &mia,
            Some(json!({"comment": "x"})),
        )
        .await,
        403,
    )
    .await;
    assert!(
        body["detail"]
            .as_str()
            .is_some_and(|d| d.contains("cannot change")),
        "{body}"
    );
    problem(
        send(
            &app,
            reqwest::Method::PUT,
            &path,
            &mia,
            Some(json!({"email": "x@example.org"})),
        )
        .await,
        403,
    )
    .await;
    problem(
        send(&app, reqwest::Method::DELETE, &path, &mia, None).await,
        403,
    )
    .await;
    let unchanged: Value = app
        .get_as(&path, &ann.access)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(unchanged, anns);
}

#[tokio::test]
async fn searches_ignore_case_beyond_ascii_in_clients_messages_mailings_and_attempts() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;
    let ivan = create(&app, &ann, "ivan@example.org", "Иван Петров").await;
    create(&app, &ann, "karel@example.org", "Karel Čapek").await;
    create(&app, &ann, "bob@example.org", "Bob Stone").await;
    for (query, expected) in [
        ("?q=%D0%B8%D0%B2%D0%B0%D0%BD", "Иван Петров"), // иван
        ("?q=%D0%9F%D0%95%D0%A2%D0%A0%D0%9E%D0%92", "Иван Петров"), // ПЕТРОВ
        ("?q=%C4%8Capek", "Karel Čapek"),               // Čapek
        ("?q=%C4%8DAPEK", "Karel Čapek"),               // čAPEK
    ] {
        let found = list(&app, &ann, query).await;
        assert_eq!(found["total"], 1, "{query}");
        assert_eq!(found["items"][0]["full_name"], expected, "{query}");
    }

    let message: Value = app
        .post_as(
            "/api/v1/messages",
            &ann.access,
            &json!({"subject": "Новости недели", "body": "Привет"}),
        )
        .await
        .json()
        .await
        .expect("JSON");
    let mailing = app
        .post_as(
            "/api/v1/mailings",
            &ann.access,
            &json!({
                "message_id": message["id"], "client_ids": [ivan["id"]],
                "starts_at": "2030-01-01T09:00:00Z", "ends_at": "2030-01-08T09:00:00Z",
            }),
        )
        .await;
    assert_eq!(mailing.status().as_u16(), 201);
    // НОВОСТИ
    let upper = "%D0%9D%D0%9E%D0%92%D0%9E%D0%A1%D0%A2%D0%98";
    for path in ["/api/v1/messages", "/api/v1/mailings"] {
        let found: Value = app
            .get_as(&format!("{path}?q={upper}"), &ann.access)
            .await
            .json()
            .await
            .expect("JSON");
        assert_eq!(found["total"], 1, "{path}");
    }
}

#[tokio::test]
async fn lists_page_sort_and_search() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;
    for (email, name) in [
        ("cat@example.org", "Zoe Cat"),
        ("Abe@example.org", "Abe Lincoln"),
        ("bob@example.org", "Bob Stone_50%"),
    ] {
        create(&app, &ann, email, name).await;
    }

    let newest_first = list(&app, &ann, "").await;
    assert_eq!(
        emails(&newest_first),
        ["bob@example.org", "Abe@example.org", "cat@example.org"]
    );
    let by_email = list(&app, &ann, "?sort=email&per_page=2").await;
    assert_eq!(emails(&by_email), ["Abe@example.org", "bob@example.org"]);
    assert_eq!(
        (by_email["total"].as_u64(), by_email["per_page"].as_u64()),
        (Some(3), Some(2))
    );
    let page_two = list(&app, &ann, "?sort=email&per_page=2&page=2").await;
    assert_eq!(emails(&page_two), ["cat@example.org"]);
    let by_name_desc = list(&app, &ann, "?sort=-full_name").await;
    assert_eq!(
        emails(&by_name_desc),
        ["cat@example.org", "bob@example.org", "Abe@example.org"]
    );
    let found = list(&app, &ann, "?q=LINCOLN").await;
    assert_eq!(emails(&found), ["Abe@example.org"]);
    let literal = list(&app, &ann, "?q=_50%25").await;
    assert_eq!(emails(&literal), ["bob@example.org"]);
    let nul = list(&app, &ann, "?q=%00").await;
    assert_eq!(
        nul["total"], 3,
        "a NUL in a search matches like an empty search"
    );
    let none = list(&app, &ann, "?q=%25%25").await;
    assert_eq!(none["total"], 0);

    let bad_sort = problem(
        app.get_as("/api/v1/clients?sort=password", &ann.access)
            .await,
        422,
    )
    .await;
    assert_eq!(bad_sort["errors"][0]["field"], "sort");
    problem(
        app.get_as("/api/v1/clients?per_page=201", &ann.access)
            .await,
        422,
    )
    .await;
    problem(app.get_as("/api/v1/clients?page=0", &ann.access).await, 422).await;
    problem(
        app.get_as("/api/v1/clients?page=abc", &ann.access).await,
        400,
    )
    .await;
}

#[tokio::test]
async fn a_csv_import_applies_good_rows_and_reports_each_bad_one() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;
    create(&app, &ann, "known@example.org", "Old Name").await;

    let csv = "\u{feff}email,full_name,comment\r\n\
               new@example.org,\"Stone, Bob\",\"said \"\"hi\"\"\"\r\n\
               KNOWN@example.org,New Name,updated\r\n\
               broken,Nobody,\r\n\
               new@example.org,Twice,\r\n\
               short@example.org\r\n";
    let response = import(&app, &ann, csv).await;

    assert_eq!(response.status().as_u16(), 200);
    let report: Value = response.json().await.expect("JSON");
    assert_eq!(
        (report["created"].as_u64(), report["updated"].as_u64()),
        (Some(1), Some(1))
    );
    let rejected: Vec<(u64, String)> = report["rejected"]
        .as_array()
        .expect("rejected")
        .iter()
        .map(|r| {
            (
                r["line"].as_u64().unwrap_or(0),
                r["reason"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        rejected,
        [
            (4, "email: 'broken' is not a valid email address".to_owned()),
            (5, "new@example.org already appears on line 2".to_owned()),
            (6, "expected 3 fields, found 1".to_owned()),
        ]
    );
    let all = list(&app, &ann, "?sort=email").await;
    assert_eq!(emails(&all), ["known@example.org", "new@example.org"]);
    assert_eq!(all["items"][0]["full_name"], "New Name");
    assert_eq!(all["items"][1]["full_name"], "Stone, Bob");
    assert_eq!(all["items"][1]["comment"], "said \"hi\"");
}

#[tokio::test]
async fn an_import_that_is_not_csv_or_has_no_header_changes_nothing() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;

    let json_body = app
        .post_as(
            "/api/v1/clients/import",
            &ann.access,
            &json!({"email": "a@b.io"}),
        )
        .await;
    problem(json_body, 415).await;
    let headerless = import(&app, &ann, "ann@example.org,Ann,\n").await;
    let body = problem(headerless, 400).await;
    assert!(
        body["detail"]
            .as_str()
            .is_some_and(|d| d.contains("header")),
        "{body}"
    );
    let empty = import(&app, &ann, "").await;
    problem(empty, 400).await;
    assert_eq!(list(&app, &ann, "").await["total"], 0);
}

#[tokio::test]
async fn an_export_imports_back_to_the_same_clients() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;
    let cid = app.user("cid@example.org").await;
    for (email, name) in [
        ("a@example.org", "Quote \"Q\""),
        ("b@example.org", "Comma, Name"),
        ("c@example.org", "Line\nBreak"),
    ] {
        create(&app, &ann, email, name).await;
    }

    let export = app.get_as("/api/v1/clients/export", &ann.access).await;
    assert_eq!(export.status().as_u16(), 200);
    assert!(
        export
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/csv"))
    );
    let csv = export.text().await.expect("CSV");
    assert!(csv.starts_with("email,full_name,comment,tags\n"));

    let report: Value = import(&app, &cid, &csv).await.json().await.expect("JSON");
    assert_eq!(
        (
            report["created"].as_u64(),
            report["rejected"].as_array().map(Vec::len)
        ),
        (Some(3), Some(0))
    );
    let strip = |page: Value| -> Vec<(String, String, String)> {
        page["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|c| {
                (
                    c["email"].as_str().unwrap_or("").to_owned(),
                    c["full_name"].as_str().unwrap_or("").to_owned(),
                    c["comment"].as_str().unwrap_or("").to_owned(),
                )
            })
            .collect()
    };
    assert_eq!(
        strip(list(&app, &cid, "?sort=email").await),
        strip(list(&app, &ann, "?sort=email").await)
    );
}

#[tokio::test]
async fn a_blocked_user_is_refused_on_every_resource_at_once() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;
    let mia = app.manager("mia@example.org").await;
    let client = create(&app, &ann, "bob@example.org", "Bob").await;

    let blocked = app
        .post_as(
            &format!("/api/v1/users/{}/block", ann.id),
            &mia.access,
            &json!({}),
        )
        .await;
    assert_eq!(blocked.status().as_u16(), 200);

    for path in [
        "/api/v1/clients".to_owned(),
        format!("/api/v1/clients/{}", client["id"]),
        "/api/v1/clients/export".to_owned(),
        "/api/v1/messages".to_owned(),
        "/api/v1/mailings".to_owned(),
        "/api/v1/attempts".to_owned(),
    ] {
        let body = problem(app.get_as(&path, &ann.access).await, 403).await;
        assert_eq!(
            body["type"], "urn:mailroom:problem:account-blocked",
            "{path}"
        );
    }
    let create = app
        .post_as(
            "/api/v1/clients",
            &ann.access,
            &json!({"email": "new@example.org"}),
        )
        .await;
    problem(create, 403).await;
    let clients: Value = app
        .get_as(&format!("/api/v1/clients?owner_id={}", ann.id), &mia.access)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(clients["total"], 1, "nothing was written");
}

#[tokio::test]
async fn an_import_sent_as_a_forms_file_part_imports_like_a_csv_body() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;
    let post_form = |form: reqwest::multipart::Form| {
        app.client
            .post(app.url("/api/v1/clients/import"))
            .bearer_auth(&ann.access)
            .multipart(form)
            .send()
    };
    // A form without the part: refused, nothing imported.
    let no_file = reqwest::multipart::Form::new().text("other", "email\nbob@example.net\n");
    problem(post_form(no_file).await.expect("sent"), 400).await;
    assert_eq!(read(&app, &ann, "/api/v1/clients").await["total"], 0);

    let csv = "email,full_name,comment,tags\nbob@example.net,Bob,,vip\ncy@example.net,Cy,,\nnot-an-address,X,,\n";
    let file = reqwest::multipart::Part::bytes(csv.as_bytes().to_vec())
        .file_name("clients.csv")
        .mime_str("text/csv")
        .expect("a part");
    let form = reqwest::multipart::Form::new()
        .text("note", "ignored")
        .part("file", file);
    let imported = post_form(form).await.expect("sent");
    assert_eq!(imported.status().as_u16(), 200);
    let report: Value = imported.json().await.expect("JSON");
    assert_eq!(report["created"], 2, "{report}");
    assert_eq!(report["rejected"].as_array().expect("rejected").len(), 1);
    assert_eq!(read(&app, &ann, "/api/v1/clients").await["total"], 2);

    // Neither CSV nor a form: the answer says both ways.
    let json = app
        .post_as(
            "/api/v1/clients/import",
            &ann.access,
            &json!({"email": "x"}),
        )
        .await;
    let refused = problem(json, 415).await;
    assert!(
        refused["detail"]
            .as_str()
            .expect("a detail")
            .contains("multipart/form-data"),
        "{refused}"
    );
}

/// The totals a list and the statistics give, beside what the database holds.
async fn totals(app: &TestApp, who: &Session) -> (Value, Value, i64) {
    use diesel::prelude::*;
    use mailroom_api::db::schema::clients;
    let listed = list(app, who, "?per_page=2").await["total"].clone();
    let stats = read(app, who, "/api/v1/stats/me").await["clients"].clone();
    let owner = who.id;
    let mut conn = app.pool.get().expect("connection");
    let counted: i64 = clients::table
        .filter(clients::owner_id.eq(owner))
        .count()
        .get_result(&mut conn)
        .expect("count");
    (listed, stats, counted)
}

#[tokio::test]
async fn the_client_total_follows_every_way_clients_come_and_go() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;
    let bob = app.user("bob@example.org").await;
    let expect = |n: i64| (json!(n), json!(n), n);
    assert_eq!(totals(&app, &ann).await, expect(0), "no client yet");

    let first = create(&app, &ann, "a@example.org", "A").await;
    create(&app, &bob, "b@example.org", "B").await;
    assert_eq!(totals(&app, &ann).await, expect(1));
    let csv = (0..30).fold(String::from("email,full_name\n"), |csv, i| {
        csv + &format!("c{i}@example.net,C {i}\n")
    });
    crate::fixtures::import_csv(&app, &ann, csv).await;
    assert_eq!(
        totals(&app, &ann).await,
        expect(31),
        "an import counts each row"
    );
    let deleted = app
        .send_as(
            reqwest::Method::DELETE,
            &format!("/api/v1/clients/{}", first["id"]),
            &ann.access,
            None,
        )
        .await;
    assert_eq!(deleted.status().as_u16(), 204);
    let bulk = app
        .post_as(
            "/api/v1/clients/bulk",
            &ann.access,
            &json!({"filter": {"q": "c1"}, "delete": true}),
        )
        .await;
    assert_eq!(bulk.status().as_u16(), 200, "{:?}", bulk.text().await);
    let (listed, stats, counted) = totals(&app, &ann).await;
    assert_eq!(counted, 30 - 11, "c1 and c10–c19 are gone");
    assert_eq!((listed, stats), (json!(counted), json!(counted)));
    assert_eq!(
        totals(&app, &bob).await,
        expect(1),
        "another owner's count is their own"
    );

    let manager = app.manager("mia@example.org").await;
    let everyone = list(&app, &manager, "?per_page=2").await;
    assert_eq!(
        everyone["total"],
        json!(counted + 1),
        "a manager's list counts everyone's"
    );
}

/// The mailing totals of the list and of the statistics.
async fn read_totals(app: &TestApp, who: &Session) -> (Value, Value) {
    let listed = read(app, who, "/api/v1/mailings?per_page=1").await;
    let stats = read(app, who, "/api/v1/stats/me").await;
    (listed["total"].clone(), stats["mailings"]["total"].clone())
}

#[tokio::test]
async fn the_mailing_total_follows_creates_copies_and_deletes() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;
    let clients = crate::fixtures::numbered_clients(&app, &ann, 3).await;
    assert_eq!(read_totals(&app, &ann).await, (json!(0), json!(0)));
    let first = crate::fixtures::open_mailing(&app, &ann, &clients).await;
    crate::fixtures::open_mailing(&app, &ann, &clients[..1]).await;
    let copy = app
        .post_as(
            &format!("/api/v1/mailings/{first}/duplicate"),
            &ann.access,
            &json!({}),
        )
        .await;
    assert_eq!(copy.status().as_u16(), 201, "{:?}", copy.text().await);
    assert_eq!(read_totals(&app, &ann).await, (json!(3), json!(3)));
    let deleted = app
        .send_as(
            reqwest::Method::DELETE,
            &format!("/api/v1/mailings/{first}"),
            &ann.access,
            None,
        )
        .await;
    assert_eq!(deleted.status().as_u16(), 204);
    assert_eq!(read_totals(&app, &ann).await, (json!(2), json!(2)));
}

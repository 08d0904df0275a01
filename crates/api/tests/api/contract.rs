//! The OpenAPI document against the server that serves it: for every operation, the answers the
//! document promises for a missing token, a body that is not JSON and a body of another type are
//! the answers the server gives, as problem documents, and nothing is written.

use reqwest::Method;
use serde_json::Value;

use crate::helpers::spawn_app;

/// Each operation of the served document: method, a path with every parameter set to 1, the
/// operation.
fn operations(doc: &Value) -> Vec<(Method, String, Value)> {
    let mut all = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        let concrete: String = {
            let mut out = String::new();
            let mut in_name = false;
            for c in path.chars() {
                match c {
                    '{' => {
                        in_name = true;
                        out.push('1');
                    }
                    '}' => in_name = false,
                    c if !in_name => out.push(c),
                    _ => {}
                }
            }
            out
        };
        for (method, op) in item.as_object().expect("an item") {
            let method = match method.as_str() {
                "get" => Method::GET,
                "post" => Method::POST,
                "put" => Method::PUT,
                "patch" => Method::PATCH,
                "delete" => Method::DELETE,
                _ => continue,
            };
            all.push((method, concrete.clone(), op.clone()));
        }
    }
    all
}

fn documents(op: &Value, status: u16) -> bool {
    op["responses"].get(status.to_string()).is_some()
}

async fn is_problem(response: reqwest::Response) -> (u16, bool) {
    let status = response.status().as_u16();
    let typed = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/problem+json"));
    let body: Value = response.json().await.unwrap_or(Value::Null);
    (status, typed && body["status"] == status)
}

#[tokio::test]
async fn every_operation_answers_a_missing_token_and_a_bad_body_as_its_document_says() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;
    let doc: Value = app
        .get("/api-docs/openapi.json")
        .await
        .json()
        .await
        .expect("the document");
    let before = app
        .get_as("/api/v1/stats/me", &ann.access)
        .await
        .text()
        .await;
    let mut wrong = Vec::new();
    for (method, path, op) in operations(&doc) {
        let signed_in = op["security"].as_array().is_some_and(|s| !s.is_empty());
        if signed_in {
            let answer = app
                .client
                .request(method.clone(), app.url(&path))
                .send()
                .await
                .expect("sent");
            let (status, problem) = is_problem(answer).await;
            if status != 401 || !problem || !documents(&op, 401) {
                wrong.push(format!("{method} {path} without a token: {status}"));
            }
        }
        let json_body = op["requestBody"]["content"]["application/json"].is_object()
            && op["requestBody"]["required"] == true;
        if !json_body {
            continue;
        }
        for (content_type, body, expected) in [
            ("application/json", "{\"not\": json", 400),
            ("text/plain", "hello", 415),
        ] {
            let answer = app
                .client
                .request(method.clone(), app.url(&path))
                .bearer_auth(&ann.access)
                .header("content-type", content_type)
                .body(body)
                .send()
                .await
                .expect("sent");
            let (status, problem) = is_problem(answer).await;
            if status != expected || !problem || !documents(&op, expected) {
                wrong.push(format!(
                    "{method} {path} with {content_type} {body:?}: {status}, documented: {}",
                    documents(&op, expected)
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    let after = app
        .get_as("/api/v1/stats/me", &ann.access)
        .await
        .text()
        .await;
    assert_eq!(before.ok(), after.ok(), "nothing was written");
}

#[tokio::test]
async fn every_list_states_the_page_bounds_the_server_checks() {
    let app = spawn_app().await;
    let doc: Value = app
        .get("/api-docs/openapi.json")
        .await
        .json()
        .await
        .expect("the document");
    let max = mailroom_domain::wire::MAX_PER_PAGE;
    let mut lists = 0;
    for (method, path, op) in operations(&doc) {
        for param in op["parameters"].as_array().into_iter().flatten() {
            let (name, schema) = (&param["name"], &param["schema"]);
            if name == "page" {
                assert_eq!(schema["minimum"], 1, "{method} {path}: page");
                lists += 1;
            }
            if name == "per_page" {
                assert_eq!(schema["minimum"], 1, "{method} {path}: per_page");
                assert_eq!(schema["maximum"], max, "{method} {path}: per_page");
            }
        }
    }
    assert!(lists >= 10, "{lists} lists");
}

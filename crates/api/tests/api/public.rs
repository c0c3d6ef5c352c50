//! Public pages: the tenant card, documents and FAQ.

use reqwest::Method;
use serde_json::{Value, json};

use crate::admin::{admin_token, call, fields};
use crate::helpers::*;

/// `POST /documents` with a `data` part and a `file` part.
pub async fn upload(
    app: &TestApp,
    token: &str,
    data: &Value,
    bytes: &[u8],
    filename: &str,
) -> reqwest::Response {
    let form = reqwest::multipart::Form::new()
        .part(
            "data",
            reqwest::multipart::Part::text(data.to_string())
                .mime_str("application/json")
                .unwrap(),
        )
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(filename.to_owned()),
        );
    app.client
        .post(app.url("/documents"))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
const EXE: &[u8] = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff";

db_test!(public_tenant_card);
async fn public_tenant_card(app: TestApp) {
    let (status, tenant) = call(&app, Method::GET, "/public/tenant", None, None).await;
    assert_eq!(status, 200);
    assert_eq!(tenant["name"], "Sportello");
    assert_eq!(tenant["patron_saint"], Value::Null);
    assert_eq!(tenant["closure_days"], json!([]));
    assert!(tenant["id"].as_str().is_some_and(|s| !s.is_empty()));
}

db_test!(documents_upload_and_download);
async fn documents_upload_and_download(app: TestApp) {
    app.staff("operatore@comune.test", "operator", &[]);
    let admin = admin_token(&app).await;
    let data = json!({
        "title": "Regolamento TARI",
        "description": "Testo vigente",
        "category": "Regolamenti",
        "position": 2
    });
    let res = upload(&app, &admin, &data, PDF, "regolamento tari.pdf").await;
    assert_eq!(res.status(), 201);
    let doc: Value = res.json().await.unwrap();
    assert_eq!(doc["title"], "Regolamento TARI");
    assert_eq!(doc["category"], "Regolamenti");
    assert_eq!(doc["content_type"], "application/pdf");
    assert_eq!(doc["size"], PDF.len());
    assert_eq!(doc["filename"], "regolamento tari.pdf");
    let id = doc["id"].as_str().unwrap().to_owned();
    assert_eq!(doc["url"], format!("/api/v1/public/documents/{id}/file"));

    // Only PDFs: images and executables are refused, whatever their name says.
    let res = upload(&app, &admin, &json!({"title": "Logo"}), PNG, "logo.pdf").await;
    assert_eq!(res.status(), 422);
    let problem: Value = res.json().await.unwrap();
    assert_eq!(fields(&problem), ["file"], "{problem}");
    let res = upload(&app, &admin, &json!({"title": "Virus"}), EXE, "setup.pdf").await;
    assert_eq!(res.status(), 422);
    let problem: Value = res.json().await.unwrap();
    assert_eq!(fields(&problem), ["file"], "{problem}");
    // A title is required; bad JSON is named.
    let res = upload(&app, &admin, &json!({"title": " "}), PDF, "a.pdf").await;
    assert_eq!(res.status(), 422);
    let problem: Value = res.json().await.unwrap();
    assert_eq!(fields(&problem), ["title"]);
    let res = upload(&app, &admin, &json!({"titolo": "x"}), PDF, "a.pdf").await;
    assert_eq!(res.status(), 422);

    // Operators cannot publish.
    let op = app.token("operatore@comune.test").await;
    let res = upload(&app, &op, &data, PDF, "a.pdf").await;
    assert_eq!(res.status(), 403);

    // A second document with a lower position comes first.
    let res = upload(
        &app,
        &admin,
        &json!({"title": "Carta della qualità", "position": 1}),
        PDF,
        "carta.pdf",
    )
    .await;
    assert_eq!(res.status(), 201);

    // Anyone lists and downloads them.
    let (status, list) = call(&app, Method::GET, "/public/documents", None, None).await;
    assert_eq!(status, 200);
    let titles: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Carta della qualità", "Regolamento TARI"]);
    let res = app
        .client
        .get(app.url(&format!("/public/documents/{id}/file")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    let disposition = res.headers()["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment;") && disposition.contains("regolamento%20tari.pdf"),
        "{disposition}"
    );
    assert_eq!(res.bytes().await.unwrap().as_ref(), PDF);

    // Edited: title, category and order change, the file stays; a blank title is refused
    // with its field, an operator is refused, an unknown document is 404.
    let (status, edited) = call(
        &app,
        Method::PUT,
        &format!("/documents/{id}"),
        Some(&admin),
        Some(&json!({"title": "Regolamento TARI 2026", "category": "Regolamenti", "position": 3})),
    )
    .await;
    assert_eq!(status, 200, "{edited}");
    assert_eq!(edited["title"], "Regolamento TARI 2026");
    assert_eq!(edited["category"], "Regolamenti");
    assert_eq!(edited["filename"], "regolamento tari.pdf");
    let (_, list) = call(&app, Method::GET, "/public/documents", None, None).await;
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|d| d["id"] == id.as_str() && d["title"] == "Regolamento TARI 2026"),
        "{list}"
    );
    let (status, problem) = call(
        &app,
        Method::PUT,
        &format!("/documents/{id}"),
        Some(&admin),
        Some(&json!({"title": "  "})),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(problem["errors"][0]["field"], "title", "{problem}");
    for (who, expected) in [(&op, 403), (&admin, 404)] {
        let path = if expected == 404 {
            "/documents/no-such-document".to_owned()
        } else {
            format!("/documents/{id}")
        };
        let (status, _) = call(
            &app,
            Method::PUT,
            &path,
            Some(who),
            Some(&json!({"title": "Altro"})),
        )
        .await;
        assert_eq!(status, expected);
    }
    let res = app
        .client
        .get(app.url(&format!("/public/documents/{id}/file")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.bytes().await.unwrap().as_ref(), PDF, "the file stays");

    // Withdrawn: gone from the list and the download.
    assert_eq!(
        call(
            &app,
            Method::DELETE,
            &format!("/documents/{id}"),
            Some(&op),
            None
        )
        .await
        .0,
        403
    );
    assert_eq!(
        call(
            &app,
            Method::DELETE,
            &format!("/documents/{id}"),
            Some(&admin),
            None
        )
        .await
        .0,
        204
    );
    let (_, list) = call(&app, Method::GET, "/public/documents", None, None).await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    let res = app
        .client
        .get(app.url(&format!("/public/documents/{id}/file")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    assert_eq!(
        call(
            &app,
            Method::DELETE,
            &format!("/documents/{id}"),
            Some(&admin),
            None
        )
        .await
        .0,
        404
    );
}

db_test!(faq_search);
async fn faq_search(app: TestApp) {
    app.staff("operatore@comune.test", "operator", &[]);
    let admin = admin_token(&app).await;
    for (position, question, answer) in [
        (
            30,
            "Come prenoto il ritiro degli ingombranti?",
            "Con la richiesta di ritiro a domicilio.",
        ),
        (
            10,
            "Chi deve pagare la TARI?",
            "Chi occupa locali che producono RIFIUTI urbani.",
        ),
        (
            20,
            "Posso pagare a rate?",
            "Sì, con la richiesta di rateizzazione.",
        ),
    ] {
        let (status, faq) = call(
            &app,
            Method::POST,
            "/faq",
            Some(&admin),
            Some(&json!({"question": question, "answer": answer, "position": position, "category": "TARI"})),
        )
        .await;
        assert_eq!(status, 201, "{faq}");
    }

    // In position order.
    let (status, all) = call(&app, Method::GET, "/public/faq", None, None).await;
    assert_eq!(status, 200);
    let positions: Vec<i64> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["position"].as_i64().unwrap())
        .collect();
    assert_eq!(positions, [10, 20, 30]);

    // Case-insensitive, in question or answer, every word.
    let questions = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|f| f["question"].as_str().unwrap().to_owned())
            .collect()
    };
    let (_, found) = call(&app, Method::GET, "/public/faq?q=rifiuti", None, None).await;
    assert_eq!(questions(&found), ["Chi deve pagare la TARI?"]);
    let (_, found) = call(&app, Method::GET, "/public/faq?q=PAGARE", None, None).await;
    assert_eq!(
        questions(&found),
        ["Chi deve pagare la TARI?", "Posso pagare a rate?"]
    );
    let (_, found) = call(
        &app,
        Method::GET,
        "/public/faq?q=richiesta%20rate",
        None,
        None,
    )
    .await;
    assert_eq!(questions(&found), ["Posso pagare a rate?"]);
    let (_, found) = call(&app, Method::GET, "/public/faq?q=s%C3%8C", None, None).await;
    assert_eq!(questions(&found), ["Posso pagare a rate?"]);
    let (_, found) = call(&app, Method::GET, "/public/faq?q=imu", None, None).await;
    assert_eq!(found, json!([]));

    // Edit, validate, delete.
    let id = all[2]["id"].as_str().unwrap().to_owned();
    let (status, edited) = call(
        &app,
        Method::PUT,
        &format!("/faq/{id}"),
        Some(&admin),
        Some(&json!({"question": "Come prenoto gli ingombranti?", "answer": "Online.", "position": 5})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(edited["position"], 5);
    assert_eq!(edited["category"], Value::Null);
    let (_, all) = call(&app, Method::GET, "/public/faq", None, None).await;
    assert_eq!(all[0]["question"], "Come prenoto gli ingombranti?");
    let (status, problem) = call(
        &app,
        Method::POST,
        "/faq",
        Some(&admin),
        Some(&json!({"question": "", "answer": ""})),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(fields(&problem), ["question", "answer"]);
    let op = app.token("operatore@comune.test").await;
    let (status, _) = call(
        &app,
        Method::POST,
        "/faq",
        Some(&op),
        Some(&json!({"question": "Q?", "answer": "A."})),
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(
        call(
            &app,
            Method::DELETE,
            &format!("/faq/{id}"),
            Some(&admin),
            None
        )
        .await
        .0,
        204
    );
    let (_, all) = call(&app, Method::GET, "/public/faq", None, None).await;
    assert_eq!(all.as_array().unwrap().len(), 2);
    assert_eq!(
        call(
            &app,
            Method::PUT,
            &format!("/faq/{id}"),
            Some(&admin),
            Some(&json!({"question": "Q?", "answer": "A."}))
        )
        .await
        .0,
        404
    );
}

//! Public content: the transparency section (TITR) with the compliance computed from the
//! register, the Riciclabolario and its CSV import, answers before filing and the
//! suggestions beside a request.

use serde_json::{Value, json};

use crate::admin::admin_token;
use crate::helpers::*;

const DEMO_CSV: &str = include_str!("../../../domain/data/riciclabolario-demo.csv");

async fn json_of(res: reqwest::Response) -> Value {
    let status = res.status();
    let body: Value = res.json().await.unwrap();
    assert!(status.is_success(), "{status}: {body}");
    body
}

/// A public GET as an English-speaking visitor's browser sends it.
async fn get_in_english(app: &TestApp, path: &str) -> Value {
    let res = app
        .client
        .get(app.url(path))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    json_of(res).await
}

async fn import_csv(app: &TestApp, token: &str, csv: &str) -> reqwest::Response {
    app.client
        .post(app.url("/settings/riciclabolario/import"))
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .body(csv.to_owned())
        .send()
        .await
        .unwrap()
}

/// A phone request received on `received` (staff back-date what they register).
async fn phone_request(
    app: &TestApp,
    op: &str,
    kind: &str,
    subject: &str,
    received: &str,
) -> Value {
    let body = json!({
        "type": kind,
        "subject": subject,
        "description": format!("{subject}: richiesta registrata allo sportello telefonico."),
        "fields": {"servizio": "raccolta"},
        "channel": "phone",
        "received_at": received,
    });
    json_of(app.post_json("/requests", Some(op), &body).await).await
}

async fn resolve(app: &TestApp, op: &str, id: &str, note: &str) {
    for action in [
        json!({"action": "take"}),
        json!({"action": "resolve", "note": note}),
    ] {
        let path = format!("/requests/{id}/transitions");
        json_of(app.post_json(&path, Some(op), &action).await).await;
    }
}

fn reclamo_line(snapshot: &Value) -> Value {
    snapshot["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["kind"] == "reclamo")
        .cloned()
        .unwrap_or_else(|| panic!("no reclamo line: {snapshot}"))
}

db_test!(transparency_publishes_last_years_compliance_from_the_register);
async fn transparency_publishes_last_years_compliance_from_the_register(app: TestApp) {
    let admin = admin_token(&app).await;
    let office = app.office("Ufficio Tributi");
    app.staff("op@comune.test", "operator", &[&office]);
    let op = app.token("op@comune.test").await;
    let year = crate::authz::last_year();
    let day = |d: &str| format!("{year}-{d}T09:00:00Z");
    let a = phone_request(&app, &op, "tari_reclamo", "Avviso errato", &day("03-02")).await;
    phone_request(&app, &op, "tari_reclamo", "Raccolta mancata", &day("05-04")).await;
    // This year's requests are not last year's.
    let this_year = json!({"type": "tari_reclamo", "subject": "Oggi", "description": "Una richiesta di quest'anno.", "fields": {"servizio": "raccolta"}, "channel": "phone"});
    json_of(app.post_json("/requests", Some(&op), &this_year).await).await;
    resolve(&app, &op, a["id"].as_str().unwrap(), "Risposto.").await;

    let page = json_of(app.get("/public/transparency", None).await).await;
    assert_eq!(page["compliance"]["year"], year);
    let line = reclamo_line(&page["compliance"]);
    assert_eq!(line["standard_days"], 30);
    assert_eq!(line["received"], 2, "{line}");
    assert_eq!(line["resolved"], 1, "{line}");
    // Resolved now, months after receipt: outside the 30 working days.
    assert_eq!(line["resolved_within_standard"], 0, "{line}");
    assert_eq!(line["percent_within_standard"], 0.0, "{line}");
    assert_eq!(page["compliance"]["total"]["received"], 2);
    assert_eq!(page["compliance_years"], json!([year]));
    // Every item of art. 3.1, in order, "in aggiornamento" until written.
    let letters: Vec<&str> = page["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["letter"].as_str().unwrap())
        .collect();
    assert_eq!(
        letters,
        ["a", "b", "c", "d", "e", "f", "g", "i", "j", "k", "q", "u"]
    );
    assert!(
        page["sections"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["body"].is_null())
    );

    // The snapshot is kept: a late registration of last year does not rewrite it…
    phone_request(&app, &op, "tari_reclamo", "Tardiva", &day("06-01")).await;
    let page = json_of(app.get("/public/transparency", None).await).await;
    assert_eq!(reclamo_line(&page["compliance"])["received"], 2);
    // …until an administrator publishes it again.
    let path = format!("/settings/transparency/compliance/{year}");
    assert_eq!(
        app.post_json(&path, Some(&op), &json!({})).await.status(),
        403
    );
    let again = json_of(app.post_json(&path, Some(&admin), &json!({})).await).await;
    assert_eq!(reclamo_line(&again)["received"], 3);
    let stored = json_of(
        app.get(&format!("/public/transparency/compliance/{year}"), None)
            .await,
    )
    .await;
    assert_eq!(stored, again);
    assert_eq!(
        app.get("/public/transparency/compliance/2010", None)
            .await
            .status(),
        404
    );

    // An item with text, a link and a published document, in English too.
    let doc = crate::public::upload(
        &app,
        &admin,
        &json!({"title": "Delibera tariffe"}),
        PDF,
        "tariffe.pdf",
    )
    .await;
    let doc: Value = json_of(doc).await;
    let save = json!({
        "body": "Quota fissa e quota variabile.\n\nDelibera del Consiglio comunale.",
        "links": [{"label": "PEF", "url": "https://www.comune.esempio.it/pef"}],
        "document_ids": [doc["id"]],
    });
    let section = json_of(
        app.put_json("/settings/transparency/items/tariffe", Some(&admin), &save)
            .await,
    )
    .await;
    assert_eq!(section["letter"], "j");
    assert_eq!(section["documents"][0]["title"], "Delibera tariffe");
    let page = get_in_english(&app, "/public/transparency").await;
    let tariffs = &page["sections"][8];
    assert_eq!(tariffs["item"], "tariffe");
    assert_eq!(tariffs["title"], "Tariffs and how they are computed");
    assert_eq!(
        tariffs["links"][0]["url"],
        "https://www.comune.esempio.it/pef"
    );
    assert!(tariffs["body"].as_str().unwrap().starts_with("Quota fissa"));

    // Separate collection: the last three years, oldest first; removing one.
    for (y, p) in [
        (year - 3, 60.0),
        (year - 2, 62.5),
        (year - 1, 64.1),
        (year, 67.4),
    ] {
        let path = format!("/settings/transparency/separate-collection/{y}");
        let saved = json_of(
            app.put_json(&path, Some(&admin), &json!({"percent": p}))
                .await,
        )
        .await;
        assert_eq!(saved, json!({"year": y, "percent": p}));
    }
    let page = json_of(app.get("/public/transparency", None).await).await;
    assert_eq!(
        page["separate_collection"],
        json!([{"year": year - 2, "percent": 62.5}, {"year": year - 1, "percent": 64.1}, {"year": year, "percent": 67.4}])
    );
    let path = format!("/settings/transparency/separate-collection/{}", year - 1);
    let res = app
        .client
        .delete(app.url(&path))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let page = json_of(app.get("/public/transparency", None).await).await;
    let years: Vec<i64> = page["separate_collection"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| y["year"].as_i64().unwrap())
        .collect();
    assert_eq!(
        years,
        [i64::from(year - 3), i64::from(year - 2), i64::from(year)]
    );
}

db_test!(riciclabolario_import_search_and_edits);
async fn riciclabolario_import_search_and_edits(app: TestApp) {
    let admin = admin_token(&app).await;
    let report = json_of(import_csv(&app, &admin, DEMO_CSV).await).await;
    assert_eq!(report, json!({"created": 153, "updated": 0}));
    // The same file again rewrites, never duplicates.
    let report = json_of(import_csv(&app, &admin, DEMO_CSV).await).await;
    assert_eq!(report, json!({"created": 0, "updated": 153}));

    let all = json_of(app.get("/public/riciclabolario", None).await).await;
    let names: Vec<String> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap().to_lowercase())
        .collect();
    assert_eq!(names.len(), 153);
    assert!(names.windows(2).all(|w| w[0] <= w[1]), "A–Z");

    // Plurals, typos and words being typed find the same item first.
    for q in [
        "bottiglia",
        "bottiglie",
        "botiglia",
        "bottig",
        "BOTTIGLIA di plastica",
    ] {
        let found = json_of(
            app.get(&format!("/public/riciclabolario?q={q}"), None)
                .await,
        )
        .await;
        assert_eq!(found[0]["name"], "Bottiglia di plastica", "{q}: {found}");
        assert_eq!(found[0]["fraction"], "multimateriale");
    }
    let none = json_of(app.get("/public/riciclabolario?q=zzzzqqq", None).await).await;
    assert_eq!(none, json!([]));

    // An administrator's own item is found at once (the index follows the writes).
    let item = json!({"name": "Racchetta da ping pong", "fraction": "indifferenziato", "synonyms": ["tennistavolo"], "notes": "Senza la pallina."});
    let created = json_of(
        app.post_json("/settings/riciclabolario", Some(&admin), &item)
            .await,
    )
    .await;
    let id = created["id"].as_str().unwrap();
    assert_eq!(created["fraction_label"], "Indifferenziato");
    let found = json_of(app.get("/public/riciclabolario?q=racchette", None).await).await;
    assert_eq!(found[0]["id"], id, "{found}");
    let moved = json!({"name": "Racchetta da ping pong", "fraction": "ingombranti", "take_to": "centro_raccolta"});
    let updated = json_of(
        app.put_json(
            &format!("/settings/riciclabolario/{id}"),
            Some(&admin),
            &moved,
        )
        .await,
    )
    .await;
    assert_eq!(updated["fraction"], "ingombranti");
    assert_eq!(updated["synonyms"], json!([]));
    let en = get_in_english(&app, "/public/riciclabolario?q=tennistavolo%20racchetta").await;
    assert_eq!(en[0]["id"], id);
    assert_eq!(en[0]["take_to_label"], "Collection centre", "{en}");
    let res = app
        .client
        .delete(app.url(&format!("/settings/riciclabolario/{id}")))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let found = json_of(
        app.get("/public/riciclabolario?q=tennistavolo%20racchetta", None)
            .await,
    )
    .await;
    assert!(
        found.as_array().unwrap().iter().all(|i| i["id"] != id),
        "{found}"
    );
}

db_test!(answers_before_filing_count_deflections_and_suggest_replies);
async fn answers_before_filing_count_deflections_and_suggest_replies(app: TestApp) {
    let admin = admin_token(&app).await;
    let tributi = app.office("Ufficio Tributi");
    let tecnico = app.office("Ufficio Tecnico");
    app.staff("op@comune.test", "operator", &[&tributi]);
    app.staff("tecnico@comune.test", "operator", &[&tecnico]);
    let op = app.token("op@comune.test").await;
    let other = app.token("tecnico@comune.test").await;
    let rules = json!([{"kind": "informazioni", "office_id": tributi}]);
    json_of(app.put_json("/routing-rules", Some(&admin), &rules).await).await;
    let faq = json!({"question": "Come posso pagare la TARI?", "answer": "Con l'avviso pagoPA, in banca, alle Poste o online.", "category": "Pagamenti"});
    let faq = json_of(app.post_json("/faq", Some(&admin), &faq).await).await;
    json_of(
        app.post_json(
            "/faq",
            Some(&admin),
            &json!({"question": "Dove butto il vetro?", "answer": "Nella campana verde."}),
        )
        .await,
    )
    .await;

    let found = json_of(
        app.get("/public/answers?q=come%20si%20paga%20la%20tari", None)
            .await,
    )
    .await;
    assert_eq!(found[0]["source"], "faq", "{found}");
    assert_eq!(found[0]["id"], faq["id"]);
    assert!(found[0]["url"].as_str().unwrap().starts_with("/faq#faq-"));
    assert!(found.as_array().unwrap().len() <= 5);
    assert_eq!(
        json_of(app.get("/public/answers?q=%20", None).await).await,
        json!([])
    );

    // A published PDF is found by the text it holds, not only by its title.
    let pdf = api::seed::simple_pdf(
        "Regolamento",
        &["Il compostaggio domestico riduce la quota variabile del 20 per cento."],
    );
    let doc = crate::public::upload(
        &app,
        &admin,
        &json!({"title": "Regolamento comunale"}),
        &pdf,
        "regolamento.pdf",
    )
    .await;
    let doc = json_of(doc).await;
    let found = json_of(
        app.get("/public/answers?q=riduzione%20compostaggio", None)
            .await,
    )
    .await;
    assert_eq!(found[0]["source"], "document", "{found}");
    assert_eq!(found[0]["id"], doc["id"]);
    assert!(
        found[0]["text"]
            .as_str()
            .unwrap()
            .contains("compostaggio domestico"),
        "{found}"
    );

    // Edited content is answered at once.
    let path = format!("/faq/{}", faq["id"].as_str().unwrap());
    json_of(app.put_json(&path, Some(&admin), &json!({"question": "Come si versa la tassa rifiuti?", "answer": "Con l'avviso pagoPA.", "position": 0})).await).await;
    let found = json_of(
        app.get("/public/answers?q=versare%20tassa%20rifiuti", None)
            .await,
    )
    .await;
    assert_eq!(
        found[0]["title"], "Come si versa la tassa rifiuti?",
        "{found}"
    );

    // "Sì, ho risolto": counted per answer, shown to staff only.
    for _ in 0..2 {
        let res = app
            .post_json(
                "/public/answers/deflections",
                None,
                &json!({"source": "faq", "id": faq["id"]}),
            )
            .await;
        assert_eq!(res.status(), 204);
    }
    let report = json_of(app.get("/reports/deflections", Some(&op)).await).await;
    assert_eq!(report["total"], 2, "{report}");
    assert_eq!(
        report["answers"][0]["title"],
        "Come si versa la tassa rifiuti?"
    );
    assert_eq!(report["answers"][0]["count"], 2);
    assert_eq!(app.get("/reports/deflections", None).await.status(), 401);

    // An operator's reply on a resolved request is suggested for a similar one, to the
    // operators of that office only, and never to visitors.
    let today = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let first = phone_request(
        &app,
        &op,
        "tari_informazioni",
        "Scadenza della rata di dicembre",
        &today,
    )
    .await;
    assert_eq!(first["office"]["id"], tributi, "{first}");
    let reply = "La rata di dicembre scade il 16: l'avviso pagoPA è nell'area personale.";
    let path = format!("/requests/{}/messages", first["id"].as_str().unwrap());
    json_of(
        app.post_json(&path, Some(&op), &json!({"body": reply}))
            .await,
    )
    .await;
    resolve(&app, &op, first["id"].as_str().unwrap(), "Risposto.").await;
    let second = phone_request(
        &app,
        &op,
        "tari_informazioni",
        "Quando scade la rata di dicembre?",
        &today,
    )
    .await;
    let path = format!("/requests/{}/suggestions", second["id"].as_str().unwrap());
    let mine = json_of(app.get(&path, Some(&op)).await).await;
    let reply_found = mine
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["source"] == "reply");
    let reply_found = reply_found.unwrap_or_else(|| panic!("no earlier reply: {mine}"));
    assert_eq!(reply_found["id"], first["id"]);
    assert!(
        reply_found["text"]
            .as_str()
            .unwrap()
            .contains("scade il 16")
    );
    let theirs = json_of(app.get(&path, Some(&other)).await).await;
    assert!(
        theirs
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["source"] != "reply"),
        "{theirs}"
    );
    let public = json_of(
        app.get("/public/answers?q=scadenza%20rata%20dicembre", None)
            .await,
    )
    .await;
    assert!(
        public
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["source"] != "reply"),
        "{public}"
    );
}

db_test!(site_search_and_page_ratings);
async fn site_search_and_page_ratings(app: TestApp) {
    let admin = admin_token(&app).await;
    app.staff("op.ratings@comune.test", "operator", &[]);
    let op = app.token("op.ratings@comune.test").await;
    let faq = json!({"question": "Posso pagare la TARI a rate?", "answer": "Sì, chiedendo la rateizzazione entro la scadenza dell'avviso.", "category": "Pagamenti"});
    let faq = json_of(app.post_json("/faq", Some(&admin), &faq).await).await;

    // Services and pages first, then the FAQ; each with the page to open.
    let found = json_of(app.get("/public/search?q=rateizzazione", None).await).await;
    assert_eq!(found["query"], "rateizzazione");
    let items = found["items"].as_array().unwrap();
    assert_eq!(items[0]["kind"], "service", "{found}");
    assert_eq!(items[0]["title"], "Rateizzazione");
    assert_eq!(items[0]["url"], "/servizi/tari_rateizzazione");
    let faq_at = items
        .iter()
        .position(|i| i["kind"] == "faq")
        .expect("the FAQ entry is found");
    assert!(
        items[..faq_at]
            .iter()
            .all(|i| i["kind"] == "service" || i["kind"] == "page")
    );
    assert_eq!(
        items[faq_at]["url"],
        format!("/faq#faq-{}", faq["id"].as_str().unwrap())
    );
    // A page of the portal, by a word it is known by (and a typo away).
    let found = json_of(app.get("/public/search?q=appuntamnto", None).await).await;
    assert_eq!(found["items"][0]["url"], "/prenotazioni", "{found}");
    // An inactive service is not found; nothing for an empty query.
    let found = json_of(app.get("/public/search?q=%20%20", None).await).await;
    assert_eq!(found, json!({"query": "", "items": []}));
    let found = json_of(app.get("/public/search?q=xyzzy%20quux", None).await).await;
    assert_eq!(found["items"], json!([]), "{found}");

    // "Valuta questo servizio": anonymous, per page, reported to the staff.
    for body in [
        json!({"page": "/servizi/tari_rateizzazione", "stars": 5, "aspects": ["clear"], "details": "  Chiaro e veloce "}),
        json!({"page": "/servizi/tari_rateizzazione", "stars": 4, "aspects": ["clear", "complete"]}),
        json!({"page": "/servizi/tari_rateizzazione", "stars": 2, "aspects": ["technical_issues"]}),
        json!({"page": "/nuova-richiesta", "stars": 5}),
    ] {
        let res = app.post_json("/public/ratings", None, &body).await;
        assert_eq!(res.status(), 204, "{body}");
    }
    let report = json_of(app.get("/reports/ratings", Some(&op)).await).await;
    assert_eq!(report["total"], 4, "{report}");
    let line = &report["pages"][0];
    assert_eq!(line["page"], "/servizi/tari_rateizzazione");
    assert_eq!(line["title"], "Rateizzazione");
    assert_eq!(line["count"], 3);
    assert_eq!(line["stars"], json!([0, 1, 0, 1, 1]));
    assert_eq!(line["aspects"][0], json!({"aspect": "clear", "count": 2}));
    let line: domain::api::PageRatingLine = serde_json::from_value(line.clone()).unwrap();
    assert_eq!(line.average_tenths(), 37);
    assert_eq!(report["pages"][1]["title"], "Conferma della richiesta");
    assert_eq!(report["comments"].as_array().unwrap().len(), 1);
    assert_eq!(report["comments"][0]["details"], "Chiaro e veloce");
    assert_eq!(report["comments"][0]["stars"], 5);
    // A period without ratings.
    let empty = json_of(
        app.get("/reports/ratings?from=2025-01-01&to=2025-01-31", Some(&op))
            .await,
    )
    .await;
    assert_eq!(empty["total"], 0, "{empty}");
    assert_eq!(empty["pages"], json!([]));
}

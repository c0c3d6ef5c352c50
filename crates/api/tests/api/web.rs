//! The web app on the wire: precompressed siblings chosen by `Accept-Encoding`, never
//! compressed twice, and cached for a year only under a content-hashed URL.

use std::path::Path;

use crate::helpers::*;

const WASM: &[u8] = b"\0asm\x01\0\0\0 the original module, never sent compressed twice";
const WASM_BR: &[u8] = b"brotli bytes of the module";
const WASM_GZ: &[u8] = b"\x1f\x8b gzip bytes of the module";
const INDEX: &[u8] = b"<!doctype html><title>Sportello</title>";
const INDEX_BR: &[u8] = b"brotli bytes of index.html";

/// A `dist/` as `scripts/build-web.sh` leaves it: assets with `.br` and `.gz` siblings.
fn dist(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    for (name, bytes) in [
        ("sportello_bg.wasm", WASM),
        ("sportello_bg.wasm.br", WASM_BR),
        ("sportello_bg.wasm.gz", WASM_GZ),
        ("index.html", INDEX),
        ("index.html.br", INDEX_BR),
        (
            "LICENSE",
            b"licence text, long enough to be worth compressing".as_slice(),
        ),
    ] {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
}

async fn web_app() -> (TestApp, tempfile::TempDir) {
    let web = tempfile::tempdir().unwrap();
    dist(web.path());
    let root = web.path().to_owned();
    let app = spawn_with(Backend::Sqlite, move |c| c.web_dir = root)
        .await
        .unwrap();
    (app, web)
}

async fn get(app: &TestApp, path: &str, accept: Option<&str>) -> reqwest::Response {
    let mut req = reqwest::Client::new().get(format!("{}{path}", app.address));
    if let Some(accept) = accept {
        req = req.header("Accept-Encoding", accept);
    }
    req.send().await.unwrap()
}

fn header<'a>(res: &'a reqwest::Response, name: &str) -> Option<&'a str> {
    res.headers().get(name).map(|v| v.to_str().unwrap())
}

const HASHED: &str = "/sportello_bg.wasm?v=0123456789ab";
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn brotli_is_preferred_and_sent_as_built() {
    let (app, _web) = web_app().await;
    // Chromium's header: gzip comes first, brotli still wins.
    let res = get(&app, HASHED, Some("gzip, deflate, br, zstd")).await;
    assert_eq!(res.status(), 200);
    assert_eq!(header(&res, "content-encoding"), Some("br"));
    assert_eq!(header(&res, "content-type"), Some("application/wasm"));
    assert_eq!(header(&res, "vary"), Some("accept-encoding"));
    assert_eq!(header(&res, "cache-control"), Some(IMMUTABLE));
    assert_eq!(header(&res, "content-disposition"), None);
    // The file's own bytes: the Compress middleware did not encode them again.
    assert_eq!(res.bytes().await.unwrap().as_ref(), WASM_BR);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gzip_when_brotli_is_not_accepted() {
    let (app, _web) = web_app().await;
    for accept in ["gzip", "br;q=0, gzip", "gzip;q=1, br;q=0.5"] {
        let res = get(&app, HASHED, Some(accept)).await;
        assert_eq!(res.status(), 200, "{accept}");
        assert_eq!(header(&res, "content-encoding"), Some("gzip"), "{accept}");
        assert_eq!(header(&res, "content-type"), Some("application/wasm"));
        assert_eq!(header(&res, "vary"), Some("accept-encoding"));
        assert_eq!(res.bytes().await.unwrap().as_ref(), WASM_GZ, "{accept}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn identity_otherwise() {
    let (app, _web) = web_app().await;
    for accept in [None, Some("identity"), Some("br;q=0, gzip;q=0")] {
        let res = get(&app, HASHED, accept).await;
        assert_eq!(res.status(), 200, "{accept:?}");
        assert_eq!(header(&res, "content-encoding"), None, "{accept:?}");
        assert_eq!(header(&res, "content-type"), Some("application/wasm"));
        assert_eq!(header(&res, "vary"), Some("accept-encoding"));
        assert_eq!(header(&res, "cache-control"), Some(IMMUTABLE));
        assert_eq!(res.bytes().await.unwrap().as_ref(), WASM, "{accept:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unhashed_urls_and_the_app_shell_are_revalidated() {
    let (app, _web) = web_app().await;
    // The same file without its content hash may change at the next build.
    let res = get(&app, "/sportello_bg.wasm", Some("br")).await;
    assert_eq!(header(&res, "cache-control"), Some("no-cache"));
    assert_eq!(res.bytes().await.unwrap().as_ref(), WASM_BR);
    for path in ["/index.html", "/", "/area-personale/richieste"] {
        let res = get(&app, path, Some("gzip, br")).await;
        assert_eq!(res.status(), 200, "{path}");
        assert_eq!(header(&res, "cache-control"), Some("no-cache"), "{path}");
        assert_eq!(header(&res, "content-encoding"), Some("br"), "{path}");
        assert_eq!(
            header(&res, "content-type"),
            Some("text/html; charset=utf-8")
        );
        assert_eq!(res.bytes().await.unwrap().as_ref(), INDEX_BR, "{path}");
        // index.html has no gzip sibling: without brotli it goes out as it is on disk.
        let res = get(&app, path, None).await;
        assert_eq!(res.bytes().await.unwrap().as_ref(), INDEX, "{path}");
    }
    // A file without siblings does not vary by a precompressed choice.
    let res = get(&app, "/LICENSE", None).await;
    assert_eq!(res.status(), 200);
    assert_eq!(header(&res, "vary"), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ranges_head_and_revalidation_work_on_the_chosen_file() {
    let (app, _web) = web_app().await;
    let client = reqwest::Client::new();
    let url = format!("{}{HASHED}", app.address);
    let res = client
        .get(&url)
        .header("Accept-Encoding", "br")
        .header("Range", "bytes=0-5")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 206);
    assert_eq!(header(&res, "content-encoding"), Some("br"));
    assert_eq!(res.bytes().await.unwrap().as_ref(), &WASM_BR[..6]);

    let res = client
        .head(&url)
        .header("Accept-Encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(header(&res, "content-encoding"), Some("gzip"));
    assert_eq!(
        header(&res, "content-length"),
        Some(WASM_GZ.len().to_string().as_str())
    );

    // Each representation has its own validator.
    let etag_of = |accept: &'static str| {
        let (client, url) = (client.clone(), url.clone());
        async move {
            let res = client
                .get(&url)
                .header("Accept-Encoding", accept)
                .send()
                .await
                .unwrap();
            header(&res, "etag").unwrap().to_owned()
        }
    };
    let (br, gz) = (etag_of("br").await, etag_of("gzip").await);
    assert_ne!(br, gz);
    let res = client
        .get(&url)
        .header("Accept-Encoding", "br")
        .header("If-None-Match", &br)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 304);
}

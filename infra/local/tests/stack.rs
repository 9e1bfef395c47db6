//! `make run`'s binary, started for real: it comes up on loopback, routes like template.yaml, runs the
//! scheduler, and Ctrl-C (SIGINT) stops it and its moto.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// Kills the stack if the test fails before stopping it, so no server outlives the test.
struct Stack(Child);

impl Drop for Stack {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[tokio::test]
async fn starts_routes_and_stops_cleanly_on_ctrl_c() {
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_local-stack"))
        .env("PORT", port.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start local-stack");
    let stdout = child.stdout.take().unwrap();
    let mut stack = Stack(child);
    let (lines_tx, lines) = mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = lines_tx.send(line);
        }
    });
    let mut banner = Vec::new();
    loop {
        let line = lines
            .recv_timeout(Duration::from_secs(60))
            .expect("the stack prints its banner");
        banner.push(line.clone());
        if line.contains("Ctrl-C stops everything") {
            break;
        }
    }
    let banner = banner.join("\n");
    let url_after = |label: &str| {
        banner
            .lines()
            .find(|l| l.contains(label))
            .and_then(|l| {
                l.split_whitespace()
                    .find(|w| w.starts_with("http://127.0.0.1:"))
            })
            .unwrap_or_else(|| panic!("{label} URL in the banner:\n{banner}"))
            .to_string()
    };
    let moto = url_after("moto");
    let sims = [
        url_after("QuickBooks Online simulator"),
        url_after("HubSpot simulator"),
    ];
    for route in [
        "/oauth/{proxy+}",
        "/card/{proxy+}",
        "/actions/{proxy+}",
        "/connections",
    ] {
        assert!(
            banner.contains(route),
            "route {route} from template.yaml in:\n{banner}"
        );
    }
    assert!(banner.contains("scheduler"), "{banner}");

    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    // A card route reaches the card function, which refuses the unsigned call.
    let res = http
        .get(format!("{base}/card/companies?portalId=1"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unauthorized");
    // A signed call goes through and finds no install (the table is empty).
    let path = "/card/companies?portalId=62515";
    let ts = chrono::Utc::now().timestamp_millis().to_string();
    let sig = shared::verify::hubspot::sign_v3(
        hubspot_sim::CLIENT_SECRET,
        "GET",
        &format!("{base}{path}"),
        b"",
        &ts,
    );
    let res = http
        .get(format!("{base}{path}"))
        .header("X-HubSpot-Signature-v3", sig)
        .header("X-HubSpot-Request-Timestamp", ts)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unknown_portal");
    // No route in the template: the gateway's own 404.
    let res = http.get(format!("{base}/nowhere")).send().await.unwrap();
    assert_eq!(res.status(), 404);

    // A browser installs the app and connects QuickBooks, through the gateway and both simulators.
    let page = http
        .get(format!("{base}/oauth/hubspot/install"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(page.contains("HubSpot is connected"), "{page}");
    let connect = page
        .split("href=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .replace("&amp;", "&");
    let done = http
        .get(connect)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(done.contains("QuickBooks is connected"), "{done}");
    // HubSpot's own way of calling the card (an independent signer, userEmail with an @) reaches the company.
    let caller = hubspot_sim::HubSpotCaller::new(hubspot_sim::CLIENT_SECRET, 62515);
    let sent = caller
        .fetch("GET", &format!("{base}/card/companies"), None)
        .await
        .unwrap();
    assert_eq!(sent.status, 200, "{}", sent.body);
    assert_eq!(
        sent.json()["companies"][0]["status"],
        "active",
        "{}",
        sent.body
    );

    // A change in QuickBooks reaches HubSpot within seconds: the simulator's webhook, the gateway's
    // /webhooks/quickbooks, the queue and the sync. A merge (as a person makes it in QuickBooks) moves an
    // invoice to customer 58, whose contact the woken job brings (the company's first sync of contacts).
    assert!(banner.contains("/webhooks/quickbooks"), "{banner}");
    let merge = serde_json::json!({"realm_id": "9130357766900011", "from": "59", "into": "58"});
    let merged = http
        .post(format!("{}/_sim/merge", sims[0]))
        .json(&merge)
        .send()
        .await
        .unwrap();
    assert!(merged.status().is_success(), "{}", merged.status());
    let started = std::time::Instant::now();
    loop {
        let state: serde_json::Value = http
            .get(format!("{}/_sim/state", sims[1]))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let synced = state["objects"]["contacts"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|c| {
                c["properties"]["email"] == "billing@acme.example"
                    && c["properties"]["qbo_customer_key"] == "9130357766900011:58"
            });
        if synced {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the merge did not reach HubSpot"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let pid = stack.0.id().to_string();
    assert!(Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap()
        .success());
    let status = tokio::task::spawn_blocking(move || {
        let s = stack.0.wait();
        (s, stack)
    })
    .await
    .unwrap()
    .0
    .unwrap();
    assert!(status.success(), "exit status {status}");
    let rest: Vec<String> = lines.try_iter().collect();
    assert!(rest.iter().any(|l| l.contains("stopped")), "{rest:?}");
    for url in sims.iter().chain([&moto]) {
        let port: u16 = url.rsplit(':').next().unwrap().parse().unwrap();
        assert!(
            std::net::TcpStream::connect(("127.0.0.1", port)).is_err(),
            "{url} still listens"
        );
    }
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", port)).is_err(),
        "gateway still listens"
    );
}

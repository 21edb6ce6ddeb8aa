//! Nothing acknowledged is ever lost: the server is killed with SIGKILL in the middle of an
//! intake run, restarted on the same data, and every case number it had acknowledged must be
//! there, findable by search, with the hash chains intact (`cloop verify`). On SQLite and on
//! PostgreSQL (`CLOOP_TEST_DATABASE_URL`, always set in CI), whose search terms are indexed after
//! the commit: those of the last batches before the kill are indexed when the server restarts.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

mod support;
use support::{PgDatabase, postgres_url};

/// `--database-url URL` for PostgreSQL, nothing for the data directory's SQLite.
fn database_args(url: Option<&str>) -> Vec<&str> {
    url.map(|u| vec!["--database-url", u]).unwrap_or_default()
}

fn cloop(data_dir: &Path, url: Option<&str>, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_cloop"))
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .args(database_args(url))
        .env_remove("CLOOP_DATABASE_URL")
        .output()
        .expect("cloop runs")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

fn start_server(data_dir: &Path, url: Option<&str>, port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_cloop"))
        .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--data-dir"])
        .arg(data_dir)
        .args(database_args(url))
        .env_remove("CLOOP_DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("server starts")
}

async fn wait_ready(client: &reqwest::Client, base: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if let Ok(r) = client.get(format!("{base}/readyz")).send().await
            && r.status().is_success()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("server at {base} did not become ready");
}

fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cloop-crash-{}-{}", std::process::id(), rand::random::<u32>()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_complaints_survive_sigkill() {
    survives_sigkill(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_complaints_survive_sigkill_on_postgres() {
    let Some(server) = postgres_url() else { return };
    let pg = PgDatabase::create(&server).await;
    let result = tokio::spawn(survives_sigkill(Some(pg.url.clone()))).await;
    pg.drop_it().await;
    if let Err(e) = result {
        std::panic::resume_unwind(e.into_panic());
    }
}

async fn survives_sigkill(url: Option<String>) {
    let url = url.as_deref();
    let dir = temp_dir();
    let out = cloop(&dir, url, &["user", "add", "--username", "crash", "--password", "password123", "--role", "agent"]);
    assert!(out.status.success(), "user add: {}", String::from_utf8_lossy(&out.stderr));
    let out = cloop(&dir, url, &["token", "create", "--username", "crash", "--name", "crash-test"]);
    assert!(out.status.success(), "token create: {}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let token = stdout
        .split_whitespace()
        .find(|w| w.starts_with("clp_"))
        .unwrap_or_else(|| panic!("no token in: {stdout}"))
        .to_owned();

    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = start_server(&dir, url, port);
    let client = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().expect("client");
    wait_ready(&client, &base).await;

    let acked: Arc<Mutex<Vec<String>>> = Arc::default();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut tasks = Vec::new();
    for worker in 0..16 {
        let (client, base, token, acked, stop) =
            (client.clone(), base.clone(), token.clone(), acked.clone(), stop.clone());
        tasks.push(tokio::spawn(async move {
            let mut i = 0u32;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                i += 1;
                let body = serde_json::json!({
                    "customer": {"name": "测试客户", "phone": format!("139{:04}{:04}", worker, i % 10_000)},
                    "channel": "api",
                    "content": format!("第 {i} 次测试投诉：快递三天未到，客服电话打不通。"),
                });
                let res = client.post(format!("{base}/api/v1/complaints")).bearer_auth(&token).json(&body).send().await;
                match res {
                    Ok(r) if r.status() == reqwest::StatusCode::CREATED => {
                        if let Ok(v) = r.json::<serde_json::Value>().await
                            && let Some(no) = v["case_no"].as_str()
                        {
                            acked.lock().expect("lock").push(no.to_owned());
                        }
                    }
                    // Refused connections once the server is dead.
                    _ => tokio::time::sleep(Duration::from_millis(20)).await,
                }
            }
        }));
    }
    // Let intake run until plenty is acknowledged (a busy machine may need longer than a quiet
    // one), then kill the server without any chance to flush.
    let started = std::time::Instant::now();
    tokio::time::sleep(Duration::from_millis(2500)).await;
    while acked.lock().expect("lock").len() < 200 && started.elapsed() < Duration::from_secs(30) {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    server.kill().expect("SIGKILL the server");
    server.wait().expect("reap");
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for t in tasks {
        t.await.expect("client task");
    }
    let acked = acked.lock().expect("lock").clone();
    assert!(acked.len() > 50, "too few complaints acknowledged before the kill ({}) to prove anything", acked.len());

    // Restart on the same data: every acknowledged case number must be there.
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = start_server(&dir, url, port);
    wait_ready(&client, &base).await;
    let mut missing = Vec::new();
    for no in &acked {
        let r = client.get(format!("{base}/api/v1/complaints/{no}")).bearer_auth(&token).send().await.expect("get");
        if r.status() != reqwest::StatusCode::OK {
            missing.push(no.clone());
        }
    }
    let listed: serde_json::Value = client
        .get(format!("{base}/api/v1/complaints?per_page=1"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    // Every content says 快递: each acknowledged complaint is found by search after the restart.
    let searched: serde_json::Value = client
        .get(format!("{base}/api/v1/complaints?q=%E5%BF%AB%E9%80%92&sort=received_at&per_page=1"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("search")
        .json()
        .await
        .expect("json");
    server.kill().expect("stop");
    server.wait().expect("reap");
    assert!(
        missing.is_empty(),
        "{} acknowledged complaints lost after SIGKILL, e.g. {:?}",
        missing.len(),
        &missing[..missing.len().min(5)]
    );
    let total = listed["total"].as_u64().expect("total");
    assert!(total >= acked.len() as u64, "database holds {total} complaints but {} were acknowledged", acked.len());
    assert_eq!(searched["total"].as_u64(), Some(total), "search finds every complaint after the restart");

    let out = cloop(&dir, url, &["verify"]);
    assert!(
        out.status.success(),
        "verify after the crash: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

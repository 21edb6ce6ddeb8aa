//! The harness: every test gets its own fresh database (SQLite in a temp dir, or a new
//! PostgreSQL database on the server named by `CLOOP_TEST_DATABASE_URL`), its own server on a
//! random port, and a small seeded organisation with one user per role.

use cloop_server::routing::RoutingConfig;
use cloop_server::{AppState, ServerConfig, password};
use cloop_store::accounts::NewUser;
use cloop_store::{Store, StoreConfig};
use reqwest::{Method, StatusCode};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::LazyLock;

/// The password of every seeded user.
pub const PASSWORD: &str = "password123";

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Generates `<name>_sqlite` and `<name>_postgres` tests from one `async fn name(app: TestApp)`.
macro_rules! sqlite_and_postgres {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    $crate::helpers::run($crate::helpers::Backend::Sqlite, super::$name).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    $crate::helpers::run($crate::helpers::Backend::Postgres, super::$name).await;
                }
            )*
        }
    };
}
pub(crate) use sqlite_and_postgres;

/// Like [`sqlite_and_postgres`], with intake routing on (the other suites run with it off, so
/// their complaints stay `received` at version 1 as they expect).
macro_rules! sqlite_and_postgres_routed {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    $crate::helpers::run_routed($crate::helpers::Backend::Sqlite, super::$name).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    $crate::helpers::run_routed($crate::helpers::Backend::Postgres, super::$name).await;
                }
            )*
        }
    };
}
pub(crate) use sqlite_and_postgres_routed;

/// Spawns an app on `backend`, runs `body`, and removes the database afterwards (a failing
/// test keeps it for inspection).
pub async fn run<F, Fut>(backend: Backend, body: F)
where
    F: FnOnce(TestApp) -> Fut,
    Fut: Future<Output = ()>,
{
    let Some(app) = spawn_app(backend).await else { return };
    let cleanup = app.cleanup.clone();
    body(app).await;
    cleanup.run().await;
}

/// [`run`] with intake routing on (rules and models refreshed on every use).
pub async fn run_routed<F, Fut>(backend: Backend, body: F)
where
    F: FnOnce(TestApp) -> Fut,
    Fut: Future<Output = ()>,
{
    run_routed_with(backend, RoutingConfig::default(), body).await;
}

/// [`run_routed`] with the given routing settings (a model's threshold, say).
pub async fn run_routed_with<F, Fut>(backend: Backend, routing: RoutingConfig, body: F)
where
    F: FnOnce(TestApp) -> Fut,
    Fut: Future<Output = ()>,
{
    let routing = RoutingConfig { refresh: std::time::Duration::ZERO, ..routing };
    let Some(app) = spawn_app_with(backend, routing).await else { return };
    let cleanup = app.cleanup.clone();
    body(app).await;
    cleanup.run().await;
}

/// Ids of what the seed created.
#[derive(Debug, Clone)]
pub struct Seed {
    pub group: i64,
    pub acme: i64,
    pub acme_cc: i64,
    pub acme_quality: i64,
    pub acme_finance: i64,
    pub beta: i64,
    pub beta_cc: i64,
    pub product_quality: i64,
    pub product_fault: i64,
    /// Username → user id.
    pub users: HashMap<&'static str, i64>,
    /// Role code → role id.
    pub roles: HashMap<String, i64>,
}

impl Seed {
    pub fn user(&self, username: &str) -> i64 {
        *self.users.get(username).unwrap_or_else(|| panic!("no seeded user {username}"))
    }

    pub fn role(&self, code: &str) -> i64 {
        *self.roles.get(code).unwrap_or_else(|| panic!("no role {code}"))
    }
}

/// What to remove after a passing test.
#[derive(Debug, Clone)]
pub enum Cleanup {
    Dir(PathBuf),
    Database { admin_url: String, name: String, store: Store, files_dir: PathBuf },
}

impl Cleanup {
    async fn run(self) {
        match self {
            Cleanup::Dir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Database { admin_url, name, store, files_dir } => {
                let _ = std::fs::remove_dir_all(files_dir);
                let _ = store.connection().clone().close().await;
                if let Ok(admin) = sea_orm::Database::connect(admin_url.as_str()).await {
                    let _ = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
                    let _ = admin.close().await;
                }
            }
        }
    }
}

/// A running app with its store and seed.
#[derive(Debug)]
pub struct TestApp {
    /// `http://127.0.0.1:<port>`.
    pub addr: String,
    pub store: Store,
    pub seed: Seed,
    /// The database URL (a second node opens the same database).
    pub url: String,
    cleanup: Cleanup,
}

fn random_name() -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    (0..16).map(|_| char::from(b'a' + rng.random_range(0..26u8))).collect()
}

/// One argon2id hash of [`PASSWORD`] per process, with the smallest cost argon2 allows: the
/// server verifies with the parameters stored in the PHC string, so seeded logins stay fast in
/// debug builds (the product's default cost is still exercised by users created through the
/// API and by password changes). Checked against [`password::verify`] once.
static PASSWORD_HASH: LazyLock<String> = LazyLock::new(|| {
    use argon2::password_hash::{PasswordHasher, SaltString, rand_core::OsRng};
    let params = argon2::Params::new(argon2::Params::MIN_M_COST, 1, 1, None).expect("params");
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let hash = argon.hash_password(PASSWORD.as_bytes(), &SaltString::generate(&mut OsRng)).expect("hash").to_string();
    assert!(password::verify(PASSWORD, &hash) && !password::verify("wrong", &hash));
    hash
});

/// Opens a fresh database on `backend`, starts the server and seeds it. `None` when the
/// PostgreSQL variant cannot run on a developer machine without PostgreSQL.
pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
    spawn_app_with(backend, RoutingConfig { enabled: false, ..RoutingConfig::default() }).await
}

/// [`spawn_app`] with the given routing configuration.
pub async fn spawn_app_with(backend: Backend, routing: RoutingConfig) -> Option<TestApp> {
    let files_dir;
    let (url, cleanup_of): (String, Box<dyn FnOnce(Store) -> Cleanup>) = match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join(format!("cloop-test-{}", random_name()));
            std::fs::create_dir_all(&dir).expect("temp dir");
            files_dir = dir.join("files");
            let d = dir.clone();
            (cloop_store::db::sqlite_url(&dir), Box::new(move |_| Cleanup::Dir(d)))
        }
        Backend::Postgres => {
            let Ok(base) = std::env::var("CLOOP_TEST_DATABASE_URL") else {
                if std::env::var("CI").as_deref() == Ok("true") {
                    panic!(
                        "CLOOP_TEST_DATABASE_URL is not set but CI=true: the PostgreSQL tests must run in CI. \
                         Start a server with `bash scripts/pg-test.sh start` and export \
                         CLOOP_TEST_DATABASE_URL=$(bash scripts/pg-test.sh url)"
                    );
                }
                eprintln!("note: CLOOP_TEST_DATABASE_URL is not set; skipping the PostgreSQL variant");
                return None;
            };
            let name = format!("cloop_t_{}", random_name());
            let admin = sea_orm::Database::connect(base.as_str())
                .await
                .unwrap_or_else(|e| panic!("cannot connect to CLOOP_TEST_DATABASE_URL ({base}): {e}"));
            admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create test database");
            admin.close().await.expect("close admin connection");
            let url = match base.rfind('/') {
                Some(i) if base[..i].contains("://") && base[i..].len() > 1 => {
                    let rest = &base[i + 1..];
                    let query = rest.find('?').map_or("", |q| &rest[q..]);
                    format!("{}/{name}{query}", &base[..i])
                }
                _ => panic!("CLOOP_TEST_DATABASE_URL must name a database: {base}"),
            };
            files_dir = std::env::temp_dir().join(format!("cloop-test-files-{}", random_name()));
            let admin_url = base.clone();
            let dir = files_dir.clone();
            (url, Box::new(move |store| Cleanup::Database { admin_url, name, store, files_dir: dir }))
        }
    };
    let config = StoreConfig { files_dir, ..StoreConfig::default() };
    let store = Store::open(&url, config).await.expect("open store");
    let seed = seed(&store).await;

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = format!("http://{}", listener.local_addr().expect("local addr"));
    let state =
        AppState::new(store.clone(), ServerConfig { public_url: addr.clone(), routing, ..ServerConfig::default() });
    tokio::spawn(async move {
        cloop_server::serve(listener, state, std::future::pending()).await.expect("server runs");
    });
    let cleanup = cleanup_of(store.clone());
    Some(TestApp { addr, store, seed, url, cleanup })
}

async fn seed(store: &Store) -> Seed {
    let units = store.org_units().await.expect("org units");
    let group = units.iter().find(|u| u.kind == "group").expect("group root").id;
    let unit = |parent: i64, kind: &'static str, code: &'static str, name: &'static str| async move {
        store.create_org_unit(Some(parent), kind, code, name, code).await.expect("org unit").id
    };
    let acme = unit(group, "company", "acme", "阿克米公司").await;
    let acme_cc = unit(acme, "department", "acme.cc", "客服中心").await;
    let acme_quality = unit(acme, "department", "acme.quality", "质量部").await;
    let acme_finance = unit(acme, "department", "acme.finance", "财务部").await;
    let beta = unit(group, "company", "beta", "贝塔公司").await;
    let beta_cc = unit(beta, "department", "beta.cc", "贝塔客服中心").await;
    let hq_office = unit(group, "department", "hq.office", "总裁办").await;

    let product_quality =
        store.create_category(None, "product_quality", "产品质量", "Product quality", 1).await.expect("category").id;
    let product_fault = store
        .create_category(Some(product_quality), "product_fault", "产品故障", "Product fault", 1)
        .await
        .expect("category")
        .id;

    let roles: HashMap<String, i64> =
        store.roles().await.expect("roles").into_iter().map(|r| (r.code.clone(), r.id)).collect();
    let people: [(&'static str, &str, i64, &str); 9] = [
        ("agent", "王客服", acme_cc, "agent"),
        ("supervisor", "李主管", acme_cc, "supervisor"),
        ("handler", "张处理", acme_quality, "handler"),
        ("manager", "赵经理", acme_quality, "dept_manager"),
        ("finance", "钱财务", acme_finance, "handler"),
        ("beta_agent", "孙客服", beta_cc, "agent"),
        ("admin", "管理员", group, "admin"),
        ("exec", "周总", hq_office, "executive"),
        ("legal", "吴法务", hq_office, "legal"),
    ];
    let mut users = HashMap::new();
    for (username, name, unit, role) in people {
        let u = store
            .create_user(&NewUser {
                username: username.into(),
                display_name: name.into(),
                email: Some(format!("{username}@example.com")),
                org_unit_id: unit,
                role_id: roles[role],
                password_hash: PASSWORD_HASH.clone(),
            })
            .await
            .expect("user");
        users.insert(username, u.id);
    }
    Seed {
        group,
        acme,
        acme_cc,
        acme_quality,
        acme_finance,
        beta,
        beta_cc,
        product_quality,
        product_fault,
        users,
        roles,
    }
}

/// An HTTP answer, read whole.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub bytes: Vec<u8>,
    /// The body as JSON (`Null` when it is not JSON).
    pub json: Value,
}

impl Reply {
    pub async fn read(res: reqwest::Response) -> Self {
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.bytes().await.expect("read body").to_vec();
        let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Self { status, headers, bytes, json }
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }

    /// Asserts the status, with the body in the failure message.
    #[track_caller]
    pub fn expect(&self, status: u16) -> &Value {
        assert_eq!(self.status.as_u16(), status, "unexpected status; body: {}", self.text());
        &self.json
    }

    /// Asserts an error answer: status, `error.code`, and bilingual messages.
    #[track_caller]
    pub fn expect_error(&self, status: u16, code: &str) -> &Value {
        self.expect(status);
        let e = &self.json["error"];
        assert_eq!(e["code"], code, "unexpected error code; body: {}", self.text());
        assert!(e["message"]["zh-CN"].as_str().is_some_and(|s| !s.is_empty()), "no zh message: {}", self.text());
        assert!(e["message"]["en"].as_str().is_some_and(|s| !s.is_empty()), "no en message: {}", self.text());
        e
    }

    /// Asserts a 422 whose first field error is `field` / `code`.
    #[track_caller]
    pub fn expect_field(&self, field: &str, code: &str) -> &Value {
        let e = self.expect_error(422, "validation_failed");
        let fields = e["fields"].as_array().unwrap_or_else(|| panic!("no fields: {}", self.text()));
        assert!(
            fields.iter().any(|f| f["field"] == field && f["code"] == code),
            "expected field {field} with code {code}; body: {}",
            self.text()
        );
        e
    }
}

/// A logged-in user (session cookie + CSRF token) or an API token holder.
#[derive(Debug, Clone)]
pub struct Session {
    pub client: reqwest::Client,
    pub base: String,
    pub csrf: Option<String>,
    pub bearer: Option<String>,
    /// What login answered (user, permissions, csrf_token); `Null` for token clients.
    pub me: Value,
}

impl Session {
    /// A request with the credentials; CSRF echoed on writes.
    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        let write = !matches!(method, Method::GET | Method::HEAD | Method::OPTIONS);
        let mut rb = self.raw(method, path);
        if let (true, Some(csrf)) = (write, &self.csrf) {
            rb = rb.header("x-csrf-token", csrf);
        }
        rb
    }

    /// A request with the cookie / bearer token but without the CSRF header.
    pub fn raw(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        let mut rb = self.client.request(method, format!("{}{path}", self.base));
        if let Some(t) = &self.bearer {
            rb = rb.bearer_auth(t);
        }
        rb
    }

    pub async fn send(rb: reqwest::RequestBuilder) -> Reply {
        Reply::read(rb.send().await.expect("request sent")).await
    }

    pub async fn get(&self, path: &str) -> Reply {
        Self::send(self.request(Method::GET, path)).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Reply {
        Self::send(self.request(Method::POST, path).json(body)).await
    }

    pub async fn put(&self, path: &str, body: &Value) -> Reply {
        Self::send(self.request(Method::PUT, path).json(body)).await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        Self::send(self.request(Method::DELETE, path)).await
    }

    /// Registers a complaint from [`intake_body`]; asserts 201 and answers the complaint.
    pub async fn intake(&self, phone: &str) -> Value {
        self.intake_with(&intake_body(phone)).await
    }

    /// Registers a complaint; asserts 201 and answers the complaint.
    pub async fn intake_with(&self, body: &Value) -> Value {
        self.post("/api/v1/complaints", body).await.expect(201).clone()
    }

    /// Runs a command on a complaint; asserts 200 and answers the new complaint.
    pub async fn command(&self, id: i64, command: &str, body: Value) -> Value {
        self.post(&format!("/api/v1/complaints/{id}/{command}"), &body).await.expect(200).clone()
    }

    /// The complaint's detail (complaint, customer, events …); asserts 200.
    pub async fn detail(&self, id: i64) -> Value {
        self.get(&format!("/api/v1/complaints/{id}")).await.expect(200).clone()
    }

    /// The `total` of the caller's complaint list.
    pub async fn total(&self) -> u64 {
        self.get("/api/v1/complaints").await.expect(200)["total"].as_u64().expect("total")
    }

    /// The complaint's version.
    pub async fn version(&self, id: i64) -> u64 {
        self.detail(id).await["complaint"]["version"].as_u64().expect("version")
    }
}

impl TestApp {
    /// A client without credentials (with a cookie store).
    pub fn anonymous(&self) -> Session {
        Session { client: cookie_client(), base: self.addr.clone(), csrf: None, bearer: None, me: Value::Null }
    }

    /// Logs `username` in with [`PASSWORD`].
    pub async fn login(&self, username: &str) -> Session {
        self.login_with(username, PASSWORD).await.unwrap_or_else(|r| panic!("login {username} failed: {}", r.text()))
    }

    /// Logs in; `Err` with the answer when refused.
    pub async fn login_with(&self, username: &str, password: &str) -> Result<Session, Reply> {
        let s = self.anonymous();
        let r = s.post("/api/v1/auth/login", &json!({"username": username, "password": password})).await;
        if r.status != StatusCode::OK {
            return Err(r);
        }
        let csrf = r.json["csrf_token"].as_str().expect("csrf_token").to_owned();
        Ok(Session { csrf: Some(csrf), me: r.json, ..s })
    }

    /// A client acting through a fresh API token of `username` (no cookies, no CSRF).
    pub async fn token_client(&self, username: &str) -> (Session, i64) {
        let (token, hash, prefix) = password::new_api_token();
        let info =
            self.store.create_api_token(self.seed.user(username), "test", &hash, &prefix).await.expect("api token");
        let s = Session {
            client: reqwest::Client::new(),
            base: self.addr.clone(),
            csrf: None,
            bearer: Some(token),
            me: Value::Null,
        };
        (s, info.id)
    }
}

fn cookie_client() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).build().expect("client")
}

/// A valid intake body for a customer with `phone`.
pub fn intake_body(phone: &str) -> Value {
    json!({
        "customer": {"name": "张三", "phone": phone, "email": "zhangsan@example.com"},
        "channel": "phone",
        "content": "洗衣机使用三天后无法启动。要求上门维修。",
        "severity": 2,
        "category": "product_fault",
        "received_at": (chrono::Utc::now() - chrono::Duration::hours(1)).to_rfc3339(),
    })
}

/// Whether `s` looks like `TS` + 8 date digits + 6 sequence digits.
pub fn is_case_no(s: &str) -> bool {
    s.len() == 16 && s.starts_with("TS") && s[2..].bytes().all(|b| b.is_ascii_digit())
}

/// Asserts the timeline's sequence numbers run 1, 2, 3 … and each event links to the previous
/// one's hash.
#[track_caller]
pub fn assert_chain(events: &Value) {
    let events = events.as_array().expect("events array");
    assert!(!events.is_empty(), "no events");
    for (i, e) in events.iter().enumerate() {
        assert_eq!(e["seq"].as_u64(), Some(i as u64 + 1), "seq of event {i}: {e}");
        assert_eq!(e["hash"].as_str().map(str::len), Some(64), "hash of event {i}: {e}");
        if i > 0 {
            assert_eq!(e["prev_hash"], events[i - 1]["hash"], "event {} does not link to {}", i + 1, i);
        }
    }
}

/// Registers, classifies and assigns a complaint to acme.quality / handler as the agent; answers
/// its id.
pub async fn assigned_complaint(app: &TestApp, agent: &Session, phone: &str) -> i64 {
    let c = agent.intake(phone).await;
    let id = c["id"].as_i64().expect("id");
    agent.command(id, "classify", json!({"category": "product_fault", "severity": 2})).await;
    let c = agent
        .command(id, "assign", json!({"department_id": app.seed.acme_quality, "handler_id": app.seed.user("handler")}))
        .await;
    assert_eq!(c["state"], "assigned");
    id
}

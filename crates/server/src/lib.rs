//! The HTTP face of Complaint Loop: the JSON API under `/api/v1` (documented by the OpenAPI
//! contract generated from these handlers), authentication, health and metrics, and the web
//! pages. [`serve`] starts the same app for the CLI, the tests and production.

pub mod alerting;
pub mod error;
pub mod extract;
pub mod near_dup_window;
mod observe;
pub mod password;
pub mod retrain;
mod routes;
pub mod routing;
pub mod scheduler;

use axum::Router;
use chrono::{DateTime, Utc};
use cloop_store::Store;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

pub use extract::Principal;

/// Settings of the HTTP layer.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The address people reach the product at (for links and logs).
    pub public_url: String,
    /// Mark cookies `Secure` (behind HTTPS).
    pub secure_cookies: bool,
    /// Shifts the server's clock (demos and tests of deadlines only).
    pub clock_offset: chrono::Duration,
    /// Intake routing: threshold, repeat window, on/off.
    pub routing: routing::RoutingConfig,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            public_url: "http://127.0.0.1:8080".into(),
            secure_cookies: false,
            clock_offset: chrono::Duration::zero(),
            routing: routing::RoutingConfig::default(),
        }
    }
}

/// Shared state of every request.
#[derive(Clone, Debug)]
pub struct AppState {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    store: Store,
    config: ServerConfig,
    /// API token → principal for a few seconds, so integrations that post thousands of
    /// complaints a second do not reload the same user each time. Revocation clears it.
    tokens: Mutex<HashMap<String, (Principal, Instant)>>,
    /// Requests per client address in the current minute, for the public (no-login) endpoints.
    public_hits: Mutex<HashMap<std::net::IpAddr, (Instant, u32)>>,
    /// Wakes the live alert badges of these users (SSE streams on this node).
    alert_pings: tokio::sync::broadcast::Sender<Arc<Vec<i64>>>,
    /// Intake routing: rules, models and their refresh.
    router: routing::Router,
}

const TOKEN_CACHE_TTL: Duration = Duration::from_secs(10);

/// How many requests one address may send to the public pages' API per minute.
pub const PUBLIC_REQUESTS_PER_MINUTE: u32 = 30;

impl AppState {
    /// State over an opened store.
    pub fn new(store: Store, config: ServerConfig) -> Self {
        let router = routing::Router::new(config.routing.clone());
        Self {
            inner: Arc::new(Inner {
                router,
                store,
                config,
                tokens: Mutex::new(HashMap::new()),
                public_hits: Mutex::new(HashMap::new()),
                alert_pings: tokio::sync::broadcast::channel(256).0,
            }),
        }
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The configuration.
    pub fn config(&self) -> &ServerConfig {
        &self.inner.config
    }

    /// Intake routing of this node.
    pub fn router(&self) -> &routing::Router {
        &self.inner.router
    }

    /// Takes a complaint in with routing (DESIGN §4): repeats, rules and classifier are worked
    /// out before the writer, and their events are written in the same commit as `registered`.
    pub async fn register(
        &self,
        new: cloop_store::NewComplaint,
        actor: cloop_domain::ActorRef,
        idempotency_key: Option<String>,
        now: DateTime<Utc>,
    ) -> Result<cloop_store::IntakeReceipt, cloop_store::StoreError> {
        let started = Instant::now();
        let routing = self.inner.router.plan(&self.inner.store, &new).await?;
        metrics::histogram!("cloop_routing_seconds").record(started.elapsed().as_secs_f64());
        if let Some(d) = &routing.decision {
            let outcome = match d.outcome {
                cloop_domain::routing::RoutingOutcome::Assigned => "assigned",
                cloop_domain::routing::RoutingOutcome::Triage => "triage",
            };
            metrics::counter!("cloop_routing_decisions_total", "outcome" => outcome).increment(1);
        }
        let fingerprint = routing.fingerprint;
        let receipt = self.inner.store.intake_routed(new, routing, actor, idempotency_key, now).await?;
        if let Some(complaint) = receipt.complaint.as_ref().filter(|_| receipt.created) {
            self.inner.router.registered(complaint, fingerprint);
        }
        Ok(receipt)
    }

    /// The current time as the product sees it (the real clock plus the demo offset).
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.inner.config.clock_offset
    }

    /// Tells this node's open alert streams that these users have new alerts.
    pub fn ping(&self, users: Vec<i64>) {
        // No receivers is fine: nobody has the page open.
        let _ = self.inner.alert_pings.send(Arc::new(users));
    }

    /// Subscribes to alert pings (one per open alert stream).
    pub fn alert_pings(&self) -> tokio::sync::broadcast::Receiver<Arc<Vec<i64>>> {
        self.inner.alert_pings.subscribe()
    }

    fn cached_token(&self, hash: &str) -> Option<Principal> {
        let cache = self.inner.tokens.lock().expect("token cache lock");
        cache.get(hash).filter(|(_, at)| at.elapsed() < TOKEN_CACHE_TTL).map(|(p, _)| p.clone())
    }

    fn cache_token(&self, hash: String, p: Principal) {
        let mut cache = self.inner.tokens.lock().expect("token cache lock");
        if cache.len() > 10_000 {
            cache.clear();
        }
        cache.insert(hash, (p, Instant::now()));
    }

    /// Counts one public request from `ip`; false once it made more than
    /// [`PUBLIC_REQUESTS_PER_MINUTE`] in the current minute.
    fn allow_public(&self, ip: std::net::IpAddr) -> bool {
        let mut hits = self.inner.public_hits.lock().expect("rate limit lock");
        let now = Instant::now();
        if hits.len() > 100_000 {
            hits.retain(|_, (start, _)| now.duration_since(*start) < Duration::from_secs(60));
        }
        let entry = hits.entry(ip).or_insert((now, 0));
        if now.duration_since(entry.0) >= Duration::from_secs(60) {
            *entry = (now, 0);
        }
        entry.1 += 1;
        entry.1 <= PUBLIC_REQUESTS_PER_MINUTE
    }

    fn clear_token_cache(&self) {
        self.inner.tokens.lock().expect("token cache lock").clear();
    }
}

/// The OpenAPI document's frame; paths come from the routers.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Complaint Loop API (投诉闭环)",
        description = "Complaint closed-loop management: intake, routing, remedies, approval, customer agreement, execution, satisfaction, return visits, closing and archiving, with a tamper-evident event log. Errors are `{\"error\": {code, message: {zh-CN, en}, fields}}`. Browser sessions use the `cloop_session` cookie and must echo the `cloop_csrf` cookie in the `X-CSRF-Token` header on writes; integrations send `Authorization: Bearer <token>`.",
        version = "1.0.0"
    ),
    modifiers(&SecurityAddon),
    tags(
        (name = "auth", description = "Login and sessions"),
        (name = "complaints", description = "Intake, lists, detail and every command of the loop"),
        (name = "customers", description = "Customer records"),
        (name = "public", description = "Customer portal: submit, track, agree to a remedy, rate (no login; rate-limited; links carry unguessable tokens)"),
        (name = "stats", description = "Counts for queues and the dashboard"),
        (name = "admin", description = "Organisation, users, roles, categories, authority matrix, API tokens"),
        (name = "alerts", description = "Alert centre: SLA warnings, breaches, escalations, level-1 cases, batch warnings; live unread count (SSE)"),
        (name = "sla", description = "Business calendar (holidays and 调休), SLA policy, warning / escalation / risk / batch thresholds"),
        (name = "routing", description = "Intake routing: keyword rules, classifier models and their training, a preview of a decision"),
        (name = "ops", description = "Health and metrics"),
    )
)]
struct ApiDoc;

struct SecurityAddon;

impl utoipa::Modify for SecurityAddon {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components
            .add_security_scheme("session", SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new("cloop_session"))));
    }
}

fn api() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi()).merge(routes::router()).split_for_parts()
}

/// The API contract as pretty JSON (what `/api/openapi.json` serves and `openapi.json` holds).
pub fn openapi_json() -> String {
    api().1.to_pretty_json().expect("the OpenAPI document serializes")
}

/// The whole application.
pub fn app(state: AppState) -> Router {
    let (api_router, doc) = api();
    let router = api_router.merge(routes::ops::router(doc)).merge(routes::web::router()).with_state(state);
    observe::layers(router)
}

/// Serves the app on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    observe::install_metrics();
    // The segmenter and keyword extractor build their dictionaries on first use (~200 ms);
    // build them while the server starts instead of in the first request that needs them.
    tokio::task::spawn_blocking(cloop_nlp::keywords::warm_up);
    let preload = state.clone();
    tokio::spawn(async move { preload.router().preload(preload.store()).await });
    axum::serve(listener, app(state).into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
}

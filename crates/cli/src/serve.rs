//! `cloop serve`: opens the store, binds the listener and runs the HTTP app until Ctrl-C or
//! SIGTERM, then lets requests in flight finish (graceful shutdown).

use crate::config::Config;
use crate::demo;
use anyhow::{Context, Result};
use clap::Args;
use cloop_server::{AppState, ServerConfig};

/// Options of `cloop serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free port) / 监听地址
    #[arg(long, env = "CLOOP_LISTEN", default_value = "127.0.0.1:8080", value_name = "ADDR")]
    pub listen: String,

    /// The URL people reach the product at (links, secure cookies when https) / 对外访问地址
    #[arg(long, env = "CLOOP_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,

    /// Print the demo logins at start (if the demo users exist) / 启动时打印演示账号
    #[arg(long)]
    pub print_logins: bool,

    /// Shift the server clock by N hours, for deadline demos and tests / 时钟偏移（小时）
    #[arg(
        long,
        env = "CLOOP_CLOCK_OFFSET_HOURS",
        default_value_t = 0,
        allow_negative_numbers = true,
        value_name = "N"
    )]
    pub clock_offset_hours: i64,

    /// Pretend it is this time now (RFC 3339), and let the clock run on from there — for demos
    /// and tests of deadlines only / 演示用：设定当前时间
    #[arg(long, env = "CLOOP_NOW", value_name = "TIME", conflicts_with = "clock_offset_hours")]
    pub now: Option<chrono::DateTime<chrono::Utc>>,

    /// Seconds between scheduler passes (SLA warnings, escalations, batch warnings) / 调度间隔（秒）
    #[arg(long, env = "CLOOP_SCHEDULER_INTERVAL", default_value_t = 15, value_name = "SECS")]
    pub scheduler_interval: u64,

    /// Do not run the scheduler on this node / 本节点不运行调度
    #[arg(long)]
    pub no_scheduler: bool,

    /// Route complaints on intake (keyword rules, classifier, repeat detection) / 受理时智能分派
    #[arg(long, env = "CLOOP_ROUTING", default_value_t = true, action = clap::ArgAction::Set, value_name = "BOOL")]
    pub routing: bool,

    /// A classifier's choice counts only at or above this probability; below it the complaint waits in triage / 分派置信度阈值
    #[arg(long, env = "CLOOP_ROUTING_THRESHOLD", default_value_t = 0.6, value_name = "P")]
    pub routing_threshold: f64,

    /// Earlier complaints of the same customer, order or text within this many days are linked as repeats / 重复投诉时间窗（天）
    #[arg(long, env = "CLOOP_REPEAT_WINDOW_DAYS", default_value_t = 30, value_name = "DAYS")]
    pub repeat_window_days: u32,

    /// How many of the company's newest complaints in the window are compared for near-duplicate text (0: none) / 相似文本比对条数
    #[arg(long, env = "CLOOP_NEAR_DUP_SCAN", default_value_t = 100, value_name = "N")]
    pub near_dup_scan: u64,
}

/// Runs the server until a shutdown signal.
pub async fn run(config: &Config, args: ServeArgs) -> Result<()> {
    if !(0.0..=1.0).contains(&args.routing_threshold) {
        anyhow::bail!("--routing-threshold must be between 0 and 1 / 分派置信度阈值须在 0 到 1 之间");
    }
    let store = config.open_store().await?;
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .with_context(|| format!("binding the listener to {}", args.listen))?;
    let addr = listener.local_addr().context("reading the bound address")?;
    let public_url = args.public_url.clone().unwrap_or_else(|| format!("http://{addr}"));
    let server_config = ServerConfig {
        secure_cookies: public_url.starts_with("https://"),
        public_url,
        clock_offset: match args.now {
            Some(now) => now - chrono::Utc::now(),
            None => chrono::Duration::hours(args.clock_offset_hours),
        },
        routing: cloop_server::routing::RoutingConfig {
            enabled: args.routing,
            threshold: args.routing_threshold,
            repeat_window: chrono::Duration::days(i64::from(args.repeat_window_days)),
            near_dup_scan: args.near_dup_scan,
            ..Default::default()
        },
    };
    if args.print_logins {
        print_logins(&store).await?;
    }
    println!("Complaint Loop 投诉闭环 listening on http://{addr}");
    tracing::info!(%addr, public_url = %server_config.public_url, "listening");
    let state = AppState::new(store, server_config);
    if args.now.is_some() || args.clock_offset_hours != 0 {
        println!("demo clock: now is {}", state.now().to_rfc3339());
    }
    let scheduler = (!args.no_scheduler).then(|| {
        cloop_server::scheduler::spawn(
            state.clone(),
            cloop_server::scheduler::SchedulerConfig {
                interval: std::time::Duration::from_secs(args.scheduler_interval.max(1)),
                ..Default::default()
            },
        )
    });
    cloop_server::serve(listener, state, shutdown_signal()).await.context("running the HTTP server")?;
    if let Some(s) = scheduler {
        s.abort();
    }
    tracing::info!("stopped");
    Ok(())
}

/// The demo logins that exist in this database, as a table on standard output.
async fn print_logins(store: &cloop_store::Store) -> Result<()> {
    let mut rows = Vec::new();
    for login in demo::org::logins() {
        if store.user_by_username(&login.username).await.context("looking up demo users")?.is_some() {
            rows.push(login);
        }
    }
    if rows.is_empty() {
        println!("(no demo users in this database; run `cloop demo` to create them)");
        return Ok(());
    }
    print!("{}", demo::org::logins_table(&rows));
    Ok(())
}

/// Resolves on Ctrl-C or (on Unix) SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown signal received; finishing requests in flight");
}

//! `intake-load`: a closed-loop load generator for the complaint intake API
//! (`POST /api/v1/complaints`).
//!
//! Each of `--clients` tasks owns one keep-alive HTTP/1.1 connection (plain hyper, no pool, so
//! the client costs as little CPU as possible on a small machine shared with the server) and
//! loops: take the next complaint text from the data set, a phone number from a pool of 20,000
//! (so most customers are found and some are created), POST, and on `201 Created` record the
//! latency and the case number. Requests that complete during the warm-up are acknowledged (and
//! written to `--acked-out`) but not counted in the figures. When the measured window ends,
//! clients stop sending and wait for the requests in flight, so `--acked-out` holds every case
//! number the server acknowledged.
//!
//! Exits with status 1 if any request failed (non-201 status, transport error, timeout, or a
//! 201 without a case number).

use anyhow::{Context, Result, bail};
use bytes::Bytes;
use clap::Parser;
use cloop_bench::{Rng, default_data, load_texts, mean_ms, name, parse_duration, pct, phone, process_cpu};
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1;
use hyper::{Method, Request, StatusCode, Uri};
use hyper_util::rt::TokioIo;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Load generator for `POST /api/v1/complaints`.
#[derive(Debug, Parser)]
#[command(name = "intake-load", about)]
struct Args {
    /// Server base URL (the intake path is appended) or the full intake URL.
    #[arg(long, default_value = "http://127.0.0.1:18080")]
    url: String,
    /// API token (sent as `Authorization: Bearer …`).
    #[arg(long, env = "CLOOP_BENCH_TOKEN", hide_env_values = true)]
    token: String,
    /// Concurrent clients, one connection each.
    #[arg(long, default_value_t = 64)]
    clients: usize,
    /// Measured window, e.g. `20s`, `500ms`, `1m`.
    #[arg(long, default_value = "20s", value_parser = parse_duration)]
    duration: Duration,
    /// Warm-up before the measured window (acknowledged, not counted).
    #[arg(long, default_value = "3s", value_parser = parse_duration)]
    warmup: Duration,
    /// JSONL file of `{"text": …, "label": …}` lines used as complaint contents.
    #[arg(long)]
    data: Option<PathBuf>,
    /// Write every acknowledged case number here, one per line.
    #[arg(long)]
    acked_out: Option<PathBuf>,
    /// Write the summary as JSON here.
    #[arg(long)]
    json_out: Option<PathBuf>,
    /// Distinct customer phone numbers to draw from.
    #[arg(long, default_value_t = 20_000)]
    phones: usize,
    /// Worker threads of the load generator's runtime.
    #[arg(long, default_value_t = 2)]
    threads: usize,
    /// Send complaints with an unknown channel and expect `422`: measures HTTP, auth, JSON and
    /// validation without the store (nothing is written).
    #[arg(long)]
    invalid: bool,
    /// Per-request timeout (a timed-out request counts as a failure).
    #[arg(long, default_value = "30s", value_parser = parse_duration)]
    timeout: Duration,
}

const CHANNELS: &[&str] = &["web", "phone", "wechat", "sms", "api", "email"];

/// Shared between the clients.
struct Shared {
    texts: Vec<String>,
    next_text: AtomicUsize,
    phones: Vec<(String, String)>,
    uri: Uri,
    authority: String,
    auth: String,
    start: Instant,
    warmup_end: Instant,
    end: Instant,
    timeout: Duration,
    invalid: bool,
    /// Acks completed in each second since the start.
    per_second: Vec<AtomicU64>,
}

/// What one client saw.
#[derive(Default)]
struct ClientResult {
    /// Latencies (µs) of acks completed in the measured window.
    latencies: Vec<u32>,
    /// Every acknowledged case number.
    acked: Vec<String>,
    /// Requests sent.
    sent: u64,
    /// Expected refusals (`--invalid`).
    answered_422: u64,
    /// Failures by kind (`status 422`, `transport`, `timeout`, …).
    errors: BTreeMap<String, u64>,
    /// A few failure bodies, for the report.
    samples: Vec<String>,
}

impl ClientResult {
    fn fail(&mut self, kind: String, detail: String) {
        *self.errors.entry(kind).or_default() += 1;
        if self.samples.len() < 3 {
            self.samples.push(detail);
        }
    }
}

#[derive(Deserialize)]
struct Created {
    case_no: String,
}

type Sender = http1::SendRequest<Full<Bytes>>;

async fn connect(shared: &Shared) -> Result<Sender> {
    let stream = tokio::net::TcpStream::connect(&shared.authority)
        .await
        .with_context(|| format!("connecting to {}", shared.authority))?;
    stream.set_nodelay(true)?;
    let (sender, conn) = http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    Ok(sender)
}

async fn client(shared: Arc<Shared>, id: usize) -> ClientResult {
    let mut res = ClientResult::default();
    let mut rng = Rng::for_client(id);
    let mut sender: Option<Sender> = None;
    loop {
        if Instant::now() >= shared.end {
            break;
        }
        let s = match sender.take() {
            Some(s) if !s.is_closed() => Some(s),
            _ => match connect(&shared).await {
                Ok(s) => Some(s),
                Err(e) => {
                    res.fail("connect".into(), format!("{e:#}"));
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    None
                }
            },
        };
        let Some(mut s) = s else { continue };
        let r = rng.next_u64();
        let (ph, nm) = &shared.phones[(r >> 16) as usize % shared.phones.len()];
        let text = &shared.texts[shared.next_text.fetch_add(1, Ordering::Relaxed) % shared.texts.len()];
        let channel = if shared.invalid { "fax" } else { CHANNELS[(r & 0xff) as usize % CHANNELS.len()] };
        let body = format!(
            r#"{{"customer":{{"name":"{nm}","phone":"{ph}","email":null}},"channel":"{channel}","content":{text}}}"#
        );
        let req = Request::builder()
            .method(Method::POST)
            .uri(shared.uri.path())
            .header(hyper::header::HOST, shared.authority.as_str())
            .header(hyper::header::AUTHORIZATION, shared.auth.as_str())
            .header(hyper::header::CONTENT_TYPE, "application/json")
            .body(Full::new(Bytes::from(body)))
            .expect("a well-formed request");
        res.sent += 1;
        let t0 = Instant::now();
        let outcome = tokio::time::timeout(shared.timeout, async {
            s.ready().await?;
            let resp = s.send_request(req).await?;
            let status = resp.status();
            let bytes = resp.into_body().collect().await?.to_bytes();
            Ok::<_, hyper::Error>((status, bytes))
        })
        .await;
        let done = Instant::now();
        match outcome {
            Err(_) => {
                res.fail("timeout".into(), format!("no answer within {:?}", shared.timeout));
                // The connection is in an unknown state: drop it.
                continue;
            }
            Ok(Err(e)) => {
                res.fail("transport".into(), e.to_string());
                continue;
            }
            Ok(Ok((status, bytes))) => {
                sender = Some(s);
                if shared.invalid && status == StatusCode::UNPROCESSABLE_ENTITY {
                    res.answered_422 += 1;
                    if done >= shared.warmup_end && done <= shared.end {
                        res.latencies.push((done - t0).as_micros().min(u128::from(u32::MAX)) as u32);
                    }
                    let sec = (done - shared.start).as_secs() as usize;
                    if let Some(b) = shared.per_second.get(sec) {
                        b.fetch_add(1, Ordering::Relaxed);
                    }
                } else if status == StatusCode::CREATED && !shared.invalid {
                    match serde_json::from_slice::<Created>(&bytes) {
                        Ok(c) => {
                            res.acked.push(c.case_no);
                            if done >= shared.warmup_end && done <= shared.end {
                                let us = (done - t0).as_micros().min(u128::from(u32::MAX)) as u32;
                                res.latencies.push(us);
                            }
                            let sec = (done - shared.start).as_secs() as usize;
                            if let Some(b) = shared.per_second.get(sec) {
                                b.fetch_add(1, Ordering::Relaxed);
                            }
                        }
                        Err(e) => res.fail(
                            "201 without case_no".into(),
                            format!("{e}: {}", String::from_utf8_lossy(&bytes[..bytes.len().min(300)])),
                        ),
                    }
                } else {
                    res.fail(
                        format!("status {}", status.as_u16()),
                        format!("{status}: {}", String::from_utf8_lossy(&bytes[..bytes.len().min(300)])),
                    );
                }
            }
        }
    }
    res
}

#[derive(Debug, Serialize)]
struct Summary {
    clients: usize,
    warmup_s: f64,
    duration_s: f64,
    sent: u64,
    invalid_mode: bool,
    answered_422: u64,
    acknowledged: u64,
    acknowledged_in_window: u64,
    throughput_per_s: f64,
    errors: BTreeMap<String, u64>,
    p50_ms: f64,
    p90_ms: f64,
    p99_ms: f64,
    p999_ms: f64,
    max_ms: f64,
    mean_ms: f64,
    per_second: Vec<u64>,
    client_cpu_s: Option<f64>,
    wall_s: f64,
}

fn main() -> Result<()> {
    let args = Args::parse();
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(args.threads.max(1)).enable_all().build()?;
    rt.block_on(run(args))
}

async fn run(args: Args) -> Result<()> {
    if args.clients == 0 || args.phones == 0 {
        bail!("--clients and --phones must be at least 1");
    }
    let data = args.data.clone().unwrap_or_else(default_data);
    // Escaped once (quotes included), so building a body is a `format!`.
    let texts = load_texts(&data)?.iter().map(serde_json::to_string).collect::<Result<Vec<_>, _>>()?;
    let mut url: Uri = args.url.parse().with_context(|| format!("invalid --url {}", args.url))?;
    if url.scheme_str() != Some("http") {
        bail!("--url must be http://HOST:PORT[/path]");
    }
    if url.path() == "/" || url.path().is_empty() {
        url = format!("{}/api/v1/complaints", args.url.trim_end_matches('/')).parse()?;
    }
    let authority = url.authority().context("--url needs a host")?.to_string();
    let authority = if authority.contains(':') { authority } else { format!("{authority}:80") };
    let phones = (0..args.phones).map(|i| (phone(i), name(i))).collect();

    // Check the server answers at all before starting the clock.
    let start = Instant::now() + Duration::from_millis(100);
    let warmup_end = start + args.warmup;
    let end = warmup_end + args.duration;
    let seconds = (args.warmup + args.duration).as_secs() as usize + 2;
    let shared = Arc::new(Shared {
        texts,
        next_text: AtomicUsize::new(0),
        phones,
        uri: url.clone(),
        authority,
        auth: format!("Bearer {}", args.token.trim()),
        start,
        warmup_end,
        end,
        timeout: args.timeout,
        invalid: args.invalid,
        per_second: (0..seconds).map(|_| AtomicU64::new(0)).collect(),
    });
    connect(&shared).await.context("the server does not answer")?;
    eprintln!(
        "intake-load: {} clients → {} for {:?} after {:?} warm-up ({} texts, {} phones)",
        args.clients,
        url,
        args.duration,
        args.warmup,
        shared.texts.len(),
        shared.phones.len()
    );
    tokio::time::sleep_until(start.into()).await;
    let cpu0 = process_cpu();
    let handles: Vec<_> = (0..args.clients).map(|i| tokio::spawn(client(shared.clone(), i))).collect();
    let mut all = ClientResult::default();
    for h in handles {
        let r = h.await.context("a client panicked")?;
        all.latencies.extend(r.latencies);
        all.acked.extend(r.acked);
        all.sent += r.sent;
        all.answered_422 += r.answered_422;
        for (k, v) in r.errors {
            *all.errors.entry(k).or_default() += v;
        }
        for s in r.samples {
            if all.samples.len() < 5 {
                all.samples.push(s);
            }
        }
    }
    let wall = start.elapsed();
    let cpu = match (cpu0, process_cpu()) {
        (Some(a), Some(b)) => Some((b - a).as_secs_f64()),
        _ => None,
    };
    all.latencies.sort_unstable();
    let lat = &all.latencies;
    let summary = Summary {
        clients: args.clients,
        warmup_s: args.warmup.as_secs_f64(),
        duration_s: args.duration.as_secs_f64(),
        sent: all.sent,
        invalid_mode: args.invalid,
        answered_422: all.answered_422,
        acknowledged: all.acked.len() as u64,
        acknowledged_in_window: lat.len() as u64,
        throughput_per_s: lat.len() as f64 / args.duration.as_secs_f64(),
        errors: all.errors.clone(),
        p50_ms: pct(lat, 50.0),
        p90_ms: pct(lat, 90.0),
        p99_ms: pct(lat, 99.0),
        p999_ms: pct(lat, 99.9),
        max_ms: lat.last().map_or(0.0, |&u| f64::from(u) / 1000.0),
        mean_ms: mean_ms(lat),
        per_second: shared.per_second.iter().map(|a| a.load(Ordering::Relaxed)).collect(),
        client_cpu_s: cpu,
        wall_s: wall.as_secs_f64(),
    };

    if let Some(path) = &args.acked_out {
        let mut w = std::io::BufWriter::new(
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
        );
        for c in &all.acked {
            writeln!(w, "{c}")?;
        }
        w.flush()?;
    }
    if let Some(path) = &args.json_out {
        std::fs::write(path, serde_json::to_string_pretty(&summary)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }

    let failed: u64 = summary.errors.values().sum();
    println!("requests sent          {}", summary.sent);
    if args.invalid {
        println!(
            "refused as expected    {} (422, of which {} in the measured window)",
            summary.answered_422, summary.acknowledged_in_window
        );
    } else {
        println!(
            "acknowledged (201)     {} (of which {} in the measured window)",
            summary.acknowledged, summary.acknowledged_in_window
        );
    }
    if failed == 0 {
        println!("errors                 none");
    } else {
        println!("errors                 {failed}");
        for (k, v) in &summary.errors {
            println!("  {k:<20} {v}");
        }
        for s in &all.samples {
            println!("  e.g. {s}");
        }
    }
    println!("throughput             {:.0} answers/s over {:.1} s", summary.throughput_per_s, summary.duration_s);
    println!(
        "latency (ms)           p50 {:.2}  p90 {:.2}  p99 {:.2}  p99.9 {:.2}  max {:.2}  mean {:.2}",
        summary.p50_ms, summary.p90_ms, summary.p99_ms, summary.p999_ms, summary.max_ms, summary.mean_ms
    );
    let secs: Vec<String> = summary.per_second.iter().map(u64::to_string).collect();
    println!("answers per second       {}", secs.join(" "));
    if let Some(c) = cpu {
        println!(
            "load generator CPU     {:.1} s over {:.1} s wall ({:.0}% of one core)",
            c,
            summary.wall_s,
            100.0 * c / summary.wall_s
        );
    }
    let answered = if args.invalid { summary.answered_422 } else { summary.acknowledged };
    if failed > 0 || answered == 0 {
        eprintln!("intake-load: FAILED ({failed} failed requests, {answered} answered as expected)");
        std::process::exit(1);
    }
    Ok(())
}

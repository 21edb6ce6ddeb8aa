//! Helpers shared by the benchmark binaries: the complaint texts, the customer pool, durations,
//! percentiles and CPU accounting. Benchmarks, not tests: they may read `../shared`.

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The allocator `cloop` itself uses (crates/cli/src/main.rs), so `store-intake` measures the
/// store as the server runs it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The database a benchmark runs on (`#[command(flatten)]` into its arguments).
#[derive(Debug, clap::Args)]
pub struct StoreArgs {
    /// Database URL (sqlite://…?mode=rwc or postgres://…).
    #[arg(long)]
    pub database_url: String,
    /// Where attachments would go (unused, the store wants one).
    #[arg(long, default_value = "/tmp/cloop-bench-files")]
    pub files_dir: PathBuf,
}

impl StoreArgs {
    /// Opens the store (migrating it, as `cloop` would).
    pub async fn open(&self) -> Result<cloop_store::Store> {
        let config =
            cloop_store::StoreConfig { files_dir: self.files_dir.clone(), ..cloop_store::StoreConfig::default() };
        cloop_store::Store::open(&self.database_url, config).await.context("opening the store")
    }
}

/// Parses `20s`, `500ms`, `1m` or a bare number of seconds.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (num, unit) = s.find(|c: char| !c.is_ascii_digit() && c != '.').map_or((s, "s"), |i| s.split_at(i));
    let n: f64 = num.parse().map_err(|_| format!("invalid duration '{s}' (e.g. 20s, 500ms, 1m)"))?;
    let secs = match unit {
        "ms" => n / 1000.0,
        "s" => n,
        "m" | "min" => n * 60.0,
        _ => return Err(format!("invalid duration unit in '{s}' (ms, s, m)")),
    };
    Ok(Duration::from_secs_f64(secs))
}

/// Default data set: `shared/data/routing/…` beside the repository.
pub fn default_data() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/routing/shopping_complaints.train.jsonl")
}

#[derive(Deserialize)]
struct Line {
    text: String,
}

/// The complaint texts of a JSONL file of `{"text": …, "label": …}` lines, trimmed, keeping only
/// what the API accepts (1–5,000 characters, no control characters but newlines).
pub fn load_texts(path: &Path) -> Result<Vec<String>> {
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut out = Vec::new();
    for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let l: Line = serde_json::from_str(&line).with_context(|| format!("{}:{}", path.display(), i + 1))?;
        let t = l.text.trim();
        if t.is_empty() || t.chars().count() > 5000 || t.chars().any(|c| c.is_control() && c != '\n') {
            continue;
        }
        out.push(t.to_owned());
    }
    if out.is_empty() {
        bail!("no usable texts in {}", path.display());
    }
    Ok(out)
}

/// Phone number `i` of the pool: valid mainland mobile numbers, all distinct for `i` < 10⁵.
pub fn phone(i: usize) -> String {
    format!("1{}{:09}", 3 + i % 7, (i * 7919) % 1_000_000_000)
}

/// A stable customer name for phone `i` (the same caller always gives the same name).
pub fn name(i: usize) -> String {
    const SURNAMES: &[&str] = &["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙"];
    const GIVEN: &[&str] = &["伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明"];
    format!("{}{}{}", SURNAMES[i % SURNAMES.len()], GIVEN[(i / 12) % GIVEN.len()], GIVEN[(i / 168) % GIVEN.len()])
}

/// A small xorshift64* generator: enough to spread requests, no dependency.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator for client `id`.
    pub fn for_client(id: usize) -> Self {
        Self(0x9E37_79B9_7F4A_7C15 ^ ((id as u64 + 1).wrapping_mul(0x2545_F491_4F6C_DD1D)))
    }

    /// The next value.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

/// CPU time this process has used (user + system), from /proc; `None` off Linux.
pub fn process_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
    // USER_HZ is 100 on every Linux this runs on.
    Some(Duration::from_millis(ticks * 10))
}

/// The `p`th percentile (nearest rank) of sorted microsecond latencies, in milliseconds.
pub fn pct(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    f64::from(sorted[i.clamp(1, sorted.len()) - 1]) / 1000.0
}

/// Mean of microsecond latencies, in milliseconds.
pub fn mean_ms(v: &[u32]) -> f64 {
    if v.is_empty() { 0.0 } else { v.iter().map(|&u| f64::from(u)).sum::<f64>() / v.len() as f64 / 1000.0 }
}

/// "mean …, p50 …, p95 …, p99 …, max … ms" of sorted microsecond latencies.
pub fn latency_summary(sorted: &[u32]) -> String {
    format!(
        "mean {:.2} ms, p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        mean_ms(sorted),
        pct(sorted, 50.0),
        pct(sorted, 95.0),
        pct(sorted, 99.0),
        pct(sorted, 100.0)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_are_distinct_and_valid_mobiles() {
        let set: std::collections::HashSet<String> = (0..20_000).map(phone).collect();
        assert_eq!(set.len(), 20_000);
        for p in &set {
            assert_eq!(p.len(), 11, "{p}");
            assert!(p.starts_with('1') && ('3'..='9').contains(&p[1..2].chars().next().unwrap()), "{p}");
        }
    }

    #[test]
    fn durations_parse() {
        assert_eq!(parse_duration("20s").unwrap(), Duration::from_secs(20));
        assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse_duration("1m").unwrap(), Duration::from_secs(60));
        assert_eq!(parse_duration("3").unwrap(), Duration::from_secs(3));
        assert!(parse_duration("3h").is_err());
    }

    #[test]
    fn percentiles_pick_the_right_rank() {
        let v: Vec<u32> = (1..=100).map(|i| i * 1000).collect();
        assert_eq!(pct(&v, 50.0), 50.0);
        assert_eq!(pct(&v, 99.0), 99.0);
        assert_eq!(pct(&v, 100.0), 100.0);
    }
}

//! What one hot-words request costs the server (issue 5, "keyword extraction for hot words"):
//! `cloop_nlp::keywords::hot_words` over as many texts as `GET /api/v1/stats/hot-words` reads
//! for a period (2,000), timed per round. One thread; a benchmark, not a test.
//!
//! ```text
//! cargo run --release -p cloop-bench --bin hot_words
//! ```

use std::hint::black_box;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Parser;
use cloop_nlp::classifier::parse_jsonl;
use cloop_nlp::keywords::{hot_words, warm_up};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(about = "Time of hot words over a period's texts")]
struct Args {
    /// Complaint texts (JSONL lines {"text", "label"}).
    #[arg(long, default_value = "../shared/data/routing/shopping_complaints.test.jsonl")]
    data: String,
    /// Texts per request (the server reads at most 2,000).
    #[arg(long, default_value_t = 2_000)]
    texts: usize,
    /// Join this many consecutive texts into one, to time long complaints (the server reads at
    /// most `HOT_WORD_TEXT_CHARS` of each).
    #[arg(long, default_value_t = 1)]
    join: usize,
    /// Timed rounds.
    #[arg(long, default_value_t = 5)]
    rounds: usize,
}

fn main() -> Result<()> {
    let args = Args::parse();
    let file = std::fs::File::open(&args.data).with_context(|| format!("opening {}", args.data))?;
    let examples = parse_jsonl(std::io::BufReader::new(file)).map_err(|e| anyhow::anyhow!("{e}"))?;
    let joined: Vec<String> = examples
        .chunks(args.join.max(1))
        .map(|c| c.iter().map(|e| e.text.as_str()).collect::<Vec<_>>().join("。"))
        .cycle()
        .take(args.texts)
        .collect();
    let texts: Vec<&str> = joined.iter().map(String::as_str).collect();
    let chars: usize = texts.iter().map(|t| t.chars().count()).sum();
    let t = Instant::now();
    warm_up();
    println!("warm-up (dictionary, IDF table): {:.0} ms", t.elapsed().as_secs_f64() * 1e3);
    let mut times = Vec::with_capacity(args.rounds);
    let mut top = Vec::new();
    for _ in 0..args.rounds {
        let t = Instant::now();
        top = black_box(hot_words(texts.iter().copied(), 20));
        times.push(t.elapsed().as_secs_f64() * 1e3);
    }
    times.sort_by(f64::total_cmp);
    println!("texts: {} ({} characters, mean {:.0})", texts.len(), chars, chars as f64 / texts.len() as f64);
    println!(
        "hot_words per request: min {:.1} ms, median {:.1} ms, max {:.1} ms ({} rounds)",
        times[0],
        times[times.len() / 2],
        times[times.len() - 1],
        times.len()
    );
    let words: Vec<String> = top.iter().map(|h| format!("{} {}", h.word, h.texts)).collect();
    println!("top: {}", words.join(", "));
    Ok(())
}

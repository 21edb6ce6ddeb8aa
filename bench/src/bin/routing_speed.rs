//! What routing costs one intake on the request's thread, part by part (issue 5, "intake
//! throughput still holds with routing switched on"): segmenting the text once, the
//! near-duplicate fingerprint, and two classifiers (category and department) over the shared
//! analysis, as `cloop serve` runs them.
//!
//! Two default models are trained on the train split (the second on the labels of the first
//! reversed, so its weights differ and both compete for the cache, as two models do in a
//! server); then every test text is analysed, fingerprinted and classified by both, `--rounds`
//! times, and the mean per text of each part is printed. One thread; a benchmark, not a test.
//!
//! ```text
//! cargo run --release -p cloop-bench --bin routing_speed
//! ```

use std::fs::File;
use std::hint::black_box;
use std::io::BufReader;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Parser;
use cloop_nlp::classifier::{Example, TrainConfig, parse_jsonl, train};
use cloop_nlp::{near_dup, segment};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const DATA_DIR: &str = "../shared/data/routing";

#[derive(Parser)]
#[command(about = "Per-intake cost of routing: segmentation, fingerprint, two classifiers")]
struct Args {
    /// Training split (JSONL lines {"text", "label"}).
    #[arg(long, default_value_t = format!("{DATA_DIR}/shopping_complaints.train.jsonl"))]
    train: String,
    /// The texts to time.
    #[arg(long, default_value_t = format!("{DATA_DIR}/shopping_complaints.test.jsonl"))]
    test: String,
    /// Passes over the texts.
    #[arg(long, default_value_t = 5)]
    rounds: usize,
}

fn load(path: &str) -> Result<Vec<Example>> {
    let file = File::open(path).with_context(|| format!("opening {path}"))?;
    parse_jsonl(BufReader::new(file)).with_context(|| format!("reading {path}"))
}

fn main() -> Result<()> {
    let args = Args::parse();
    let train_set = load(&args.train)?;
    let texts: Vec<String> = load(&args.test)?.into_iter().map(|e| e.text).collect();
    segment::warm_up();
    let category = train(&train_set, &TrainConfig::default())?;
    let mut labels = cloop_nlp::classifier::labels_of(&train_set);
    labels.reverse();
    let renamed: Vec<Example> = train_set
        .iter()
        .map(|e| {
            let at = labels.iter().position(|l| *l == e.label).unwrap_or(0);
            Example::new(e.text.clone(), format!("dept-{at}"))
        })
        .collect();
    let department = train(&renamed, &TrainConfig { seed: 7, ..TrainConfig::default() })?;
    println!(
        "models: {} and {} features; {} texts × {} rounds",
        category.info().features,
        department.info().features,
        texts.len(),
        args.rounds
    );

    let (mut analyse, mut fingerprint, mut classify) = (0f64, 0f64, 0f64);
    let mut n = 0usize;
    for _ in 0..args.rounds {
        for text in &texts {
            let t0 = Instant::now();
            let analysis = segment::Analysis::of(text);
            black_box(analysis.tokens()); // the cut is lazy: make it here
            let t1 = Instant::now();
            black_box(near_dup::fingerprint_of(&analysis));
            let t2 = Instant::now();
            black_box(category.predict_analyzed(&analysis));
            black_box(department.predict_analyzed(&analysis));
            let t3 = Instant::now();
            analyse += (t1 - t0).as_secs_f64();
            fingerprint += (t2 - t1).as_secs_f64();
            classify += (t3 - t2).as_secs_f64();
            n += 1;
        }
    }
    let us = |s: f64| s * 1e6 / n as f64;
    println!(
        "per text, mean µs: analysis {:.1}, fingerprint {:.1}, two classifiers {:.1}, all {:.1}",
        us(analyse),
        us(fingerprint),
        us(classify),
        us(analyse + fingerprint + classify)
    );
    Ok(())
}

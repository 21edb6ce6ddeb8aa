//! `routing_eval`: the routing classifier on real complaint text (issue 5, DESIGN §4).
//!
//! Trains on the train split only and reports on the held-out test split of
//! `../shared/data/routing` (real Chinese negative shopping reviews, 10 product labels; see its
//! README): the naive-Bayes character n-gram baseline and the default model (logistic regression +
//! naive Bayes over words, word bigrams and character n-grams), each with accuracy, macro-F1 and
//! latency per prediction on one core; then the training time at `--scale` examples (the train
//! split repeated with small deterministic edits), the near-duplicate threshold measured on the
//! test texts, and a check that `search_text` finds every text containing a query word.
//!
//! Single-threaded on purpose: the figures are per core. Run in release:
//! `cargo run --release -p cloop-bench --bin routing_eval`.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Parser;
use cloop_nlp::classifier::{Example, Model, TrainConfig, parse_jsonl, train};
use cloop_nlp::near_dup::{SIMILAR_MAX_DISTANCE, fingerprint, hamming};
use cloop_nlp::{evaluate, segment};

const DATA_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/data/routing");

#[derive(Debug, Parser)]
#[command(about = "Train and evaluate the routing classifier on real complaint text")]
struct Args {
    /// Training split (JSONL lines {"text", "label"}).
    #[arg(long, default_value_t = format!("{DATA_DIR}/shopping_complaints.train.jsonl"))]
    train: String,
    /// Held-out test split.
    #[arg(long, default_value_t = format!("{DATA_DIR}/shopping_complaints.test.jsonl"))]
    test: String,
    /// How many examples the training-time measurement trains on (0 skips it).
    #[arg(long, default_value_t = 100_000)]
    scale: usize,
}

fn load(path: &str) -> Result<Vec<Example>> {
    let file = File::open(Path::new(path)).with_context(|| format!("opening {path}"))?;
    parse_jsonl(BufReader::new(file)).with_context(|| format!("reading {path}"))
}

/// A small, seedable generator for the deterministic edits.
struct SplitMix(u64);

impl SplitMix {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        ((z ^ (z >> 31)) % n.max(1) as u64) as usize
    }
}

/// Two random edits of the kinds a customer makes when writing the same complaint again: a
/// particle or comma inserted, a character dropped, punctuation removed, the first two clauses
/// swapped.
fn reword(text: &str, rng: &mut SplitMix) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for _ in 0..2 {
        match rng.below(4) {
            0 => {
                let at = rng.below(chars.len() + 1);
                let insert = ["了", "也", "都", "真的", "我", "，"][rng.below(6)];
                for (i, c) in insert.chars().enumerate() {
                    chars.insert(at + i, c);
                }
            }
            1 if chars.len() > 4 => {
                let at = rng.below(chars.len());
                chars.remove(at);
            }
            2 => chars.retain(|c| c.is_alphanumeric()),
            _ => {
                let s: String = chars.iter().collect();
                let mut clauses: Vec<&str> = s.split('，').collect();
                if clauses.len() > 1 {
                    clauses.swap(0, 1);
                    chars = clauses.join("，").chars().collect();
                }
            }
        }
    }
    let reworded: String = chars.into_iter().collect();
    // Dropping punctuation can leave nothing of a text that was only punctuation.
    if reworded.trim().is_empty() { text.to_owned() } else { reworded }
}

fn machine() -> String {
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("model name")).map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned());
    let rustc = std::process::Command::new("rustc")
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_else(|| "unknown".to_owned());
    format!("nproc {cores}, CPU {cpu}, {rustc}")
}

fn train_timed(examples: &[Example], config: &TrainConfig) -> Result<(Model, f64)> {
    let started = Instant::now();
    let model = train(examples, config)?;
    Ok((model, started.elapsed().as_secs_f64()))
}

fn main() -> Result<()> {
    let args = Args::parse();
    println!("machine: {}", machine());
    let train_set = load(&args.train)?;
    let test_set = load(&args.test)?;
    println!("data: train {} lines ({}), test {} lines ({})", train_set.len(), args.train, test_set.len(), args.test);
    let labels = cloop_nlp::classifier::labels_of(&train_set);
    println!("labels ({}): {}", labels.len(), labels.join(" "));
    segment::warm_up();

    println!("\n== baseline: naive Bayes over character 1-3-grams ==");
    let (baseline, secs) = train_timed(&train_set, &TrainConfig::naive_bayes_baseline())?;
    let report = evaluate(&baseline, &test_set);
    println!("trained in {secs:.2} s, {} features", baseline.info().features);
    for line in report.to_string().lines().take(3) {
        println!("{line}");
    }
    drop(baseline);

    println!("\n== default model: {:?} ==", TrainConfig::default().algorithm);
    let config = TrainConfig::default();
    println!("config: {}", serde_json::to_string(&config)?);
    let (model, secs) = train_timed(&train_set, &config)?;
    println!(
        "trained on {} examples in {secs:.2} s, {} features, confidence temperature {:.3}",
        train_set.len(),
        model.info().features,
        model.info().temperature
    );
    let bytes = model.to_bytes();
    let started = Instant::now();
    let reloaded = Model::from_bytes(&bytes)?;
    println!(
        "model bytes {:.1} MiB, reloaded in {:.0} ms",
        bytes.len() as f64 / 1048576.0,
        started.elapsed().as_secs_f64() * 1e3
    );
    let report = evaluate(&reloaded, &test_set);
    print!("{report}");
    confidence_table(&reloaded, &test_set);
    drop((model, reloaded, bytes));

    if args.scale > 0 {
        println!("\n== training time at {} examples ==", args.scale);
        let mut rng = SplitMix(20_261_122);
        let mut big: Vec<Example> = Vec::with_capacity(args.scale);
        'fill: loop {
            for ex in &train_set {
                if big.len() == args.scale {
                    break 'fill;
                }
                // The first copy as it is, later ones reworded so they are not exact repeats.
                let text = if big.len() < train_set.len() { ex.text.clone() } else { reword(&ex.text, &mut rng) };
                big.push(Example { text, label: ex.label.clone() });
            }
        }
        let (model, secs) = train_timed(&big, &config)?;
        let report = evaluate(&model, &test_set);
        println!(
            "trained on {} examples in {secs:.2} s ({} features); on test: accuracy {:.4}, macro-F1 {:.4}",
            big.len(),
            model.info().features,
            report.accuracy,
            report.macro_f1
        );
    }

    println!("\n== near-duplicates (SimHash, similar = distance <= {SIMILAR_MAX_DISTANCE}) ==");
    let texts: Vec<&Example> = test_set.iter().filter(|e| e.text.chars().count() >= 15).collect();
    let prints: Vec<u64> = texts.iter().map(|e| fingerprint(&e.text)).collect();
    let mut rng = SplitMix(7);
    let mut reworded = Vec::new();
    let mut unrelated = Vec::new();
    for (i, ex) in texts.iter().enumerate() {
        reworded.push(hamming(prints[i], fingerprint(&reword(&ex.text, &mut rng))));
        for _ in 0..10 {
            let j = rng.below(texts.len());
            if j != i && texts[j].label == ex.label && texts[j].text != ex.text {
                unrelated.push(hamming(prints[i], prints[j]));
            }
        }
    }
    reworded.sort_unstable();
    unrelated.sort_unstable();
    let within = |v: &[u32]| v.iter().filter(|&&d| d <= SIMILAR_MAX_DISTANCE).count();
    println!(
        "test texts of 15+ characters: {}; reworded by two edits: median distance {}, {} of {} ({:.1} %) similar",
        texts.len(),
        reworded[reworded.len() / 2],
        within(&reworded),
        reworded.len(),
        100.0 * within(&reworded) as f64 / reworded.len() as f64
    );
    println!(
        "different texts with the same label: median distance {}, minimum {}, {} of {} pairs similar",
        unrelated[unrelated.len() / 2],
        unrelated[0],
        within(&unrelated),
        unrelated.len()
    );

    println!("\n== search_text recall against a substring scan (train + test texts) ==");
    let all: Vec<&str> = train_set.iter().chain(&test_set).map(|e| e.text.as_str()).collect();
    let started = Instant::now();
    let indexed: Vec<Vec<String>> = all.iter().map(|t| segment::search_tokens(t)).collect();
    println!("segmented {} texts for the index in {:.2} s", all.len(), started.elapsed().as_secs_f64());
    for word in ["退货", "物流", "客服", "快递", "发票", "售后", "退款", "屏幕", "ipad", "质量问题", "不退款"]
    {
        let lower = word.to_lowercase();
        let containing: Vec<usize> =
            (0..all.len()).filter(|&i| segment::normalize(all[i]).contains(lower.as_str())).collect();
        let found = containing.iter().filter(|&&i| indexed[i].iter().any(|t| t == word)).count();
        println!("{word}: {} texts contain it, search_text finds {found}", containing.len());
    }
    Ok(())
}

/// How far the confidence can be trusted: for each triage threshold, the share of test texts the
/// model routes at or above it and how many of those it gets right; and the expected calibration
/// error (confidence against accuracy in ten bins, weighted by the bins' sizes).
fn confidence_table(model: &Model, test: &[Example]) {
    let predictions: Vec<(f32, bool)> = test
        .iter()
        .map(|e| {
            let p = model.predict(&e.text);
            (p.confidence, p.label == e.label)
        })
        .collect();
    let n = predictions.len() as f64;
    println!("\n== confidence (triage below the threshold) ==");
    for threshold in [0.5f32, 0.6, 0.7, 0.8, 0.9, 0.95] {
        let routed: Vec<bool> = predictions.iter().filter(|(c, _)| *c >= threshold).map(|&(_, ok)| ok).collect();
        let right = routed.iter().filter(|&&ok| ok).count();
        println!(
            "threshold {threshold:.2}: routed {:.1} % of texts, {:.2} % of those right",
            100.0 * routed.len() as f64 / n,
            100.0 * right as f64 / routed.len().max(1) as f64
        );
    }
    let mut ece = 0.0;
    for bin in 0..10 {
        let (lo, hi) = (bin as f32 / 10.0, (bin + 1) as f32 / 10.0);
        let in_bin: Vec<&(f32, bool)> =
            predictions.iter().filter(|(c, _)| *c >= lo && (*c < hi || (bin == 9 && *c <= hi))).collect();
        if in_bin.is_empty() {
            continue;
        }
        let m = in_bin.len() as f64;
        let confidence = in_bin.iter().map(|(c, _)| f64::from(*c)).sum::<f64>() / m;
        let accuracy = in_bin.iter().filter(|(_, ok)| *ok).count() as f64 / m;
        println!(
            "  confidence {lo:.1}-{hi:.1}: {:>5} texts, mean confidence {confidence:.3}, accuracy {accuracy:.3}",
            in_bin.len()
        );
        ece += m / n * (confidence - accuracy).abs();
    }
    println!("expected calibration error {ece:.4}");
}

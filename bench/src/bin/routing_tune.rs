//! `routing_tune`: compares classifier configurations on a hold-out of the **train** split only
//! (every 7th line), so the choice never looks at the test split; then scores the best one on the
//! test split once. Used for the issue-5 accuracy timeboxes (BENCHMARKS.md, "Routing").
//!
//! `cargo run --release -p cloop-bench --bin routing_tune` (`-- --train FILE --test FILE` for
//! other data, such as the English descriptions `bench/debian_descriptions.py` writes).

use std::fs::File;
use std::io::BufReader;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Parser;
use cloop_nlp::classifier::{Algorithm, Example, FeatureSet, TrainConfig, parse_jsonl, train};
use cloop_nlp::evaluate;

const DATA_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/data/routing");

#[derive(Debug, Parser)]
#[command(about = "Compare classifier configurations on a hold-out of the training split")]
struct Args {
    /// Training split (JSONL lines {"text", "label"}); every 7th line is the hold-out.
    #[arg(long, default_value_t = format!("{DATA_DIR}/shopping_complaints.train.jsonl"))]
    train: String,
    /// Test split, scored once with the configuration best on the hold-out.
    #[arg(long, default_value_t = format!("{DATA_DIR}/shopping_complaints.test.jsonl"))]
    test: String,
}

fn load(path: &str) -> Result<Vec<Example>> {
    let file = File::open(path).with_context(|| format!("opening {path}"))?;
    parse_jsonl(BufReader::new(file)).with_context(|| format!("reading {path}"))
}

fn main() -> Result<()> {
    let args = Args::parse();
    let train_set = load(&args.train)?;
    let test_set = load(&args.test)?;
    let (mut fit, mut held) = (Vec::new(), Vec::new());
    for (i, ex) in train_set.iter().enumerate() {
        if i % 7 == 0 { held.push(ex.clone()) } else { fit.push(ex.clone()) }
    }
    let base = TrainConfig::default();
    let without_length = FeatureSet { length: false, ..FeatureSet::ALL };
    let mut candidates: Vec<(String, TrainConfig)> = vec![
        ("default".into(), base.clone()),
        ("no length, nb 0.1".into(), TrainConfig { features: without_length, nb_weight: 0.1, ..base.clone() }),
        ("lr only".into(), TrainConfig { algorithm: Algorithm::LogisticRegression, ..base.clone() }),
    ];
    for epochs in [30, 50, 80] {
        for nb_weight in [0.02, 0.03, 0.05, 0.08] {
            candidates
                .push((format!("nb {nb_weight}, {epochs} epochs"), TrainConfig { nb_weight, epochs, ..base.clone() }));
        }
    }
    let mut best: Option<(f64, String, TrainConfig)> = None;
    for (name, config) in candidates {
        let started = Instant::now();
        let model = train(&fit, &config)?;
        let r = evaluate(&model, &held);
        println!(
            "{name:<24} hold-out accuracy {:.4} macro-F1 {:.4} ({} features, {:.1} s)",
            r.accuracy,
            r.macro_f1,
            model.info().features,
            started.elapsed().as_secs_f64()
        );
        if best.as_ref().is_none_or(|b| r.accuracy > b.0) {
            best = Some((r.accuracy, name, config));
        }
    }
    let (_, name, config) = best.expect("at least one candidate");
    let model = train(&train_set, &config)?;
    let r = evaluate(&model, &test_set);
    println!("best on the hold-out: {name}; on test: accuracy {:.4} macro-F1 {:.4}", r.accuracy, r.macro_f1);
    Ok(())
}

//! `routing_tune`: compares classifier configurations on a hold-out of the **train** split only
//! (every 7th line), so the choice never looks at the test split; then scores the best one on the
//! test split once. Used for the issue-5 accuracy timeboxes (BENCHMARKS.md, "Routing").
//!
//! `cargo run --release -p cloop-bench --bin routing_tune`

use std::fs::File;
use std::io::BufReader;
use std::time::Instant;

use anyhow::{Context, Result};
use cloop_nlp::classifier::{Algorithm, Example, FeatureSet, TrainConfig, parse_jsonl, train};
use cloop_nlp::evaluate;

const DATA_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/data/routing");

fn load(name: &str) -> Result<Vec<Example>> {
    let path = format!("{DATA_DIR}/{name}");
    let file = File::open(&path).with_context(|| format!("opening {path}"))?;
    parse_jsonl(BufReader::new(file)).with_context(|| format!("reading {path}"))
}

fn main() -> Result<()> {
    let train_set = load("shopping_complaints.train.jsonl")?;
    let test_set = load("shopping_complaints.test.jsonl")?;
    let (mut fit, mut held) = (Vec::new(), Vec::new());
    for (i, ex) in train_set.iter().enumerate() {
        if i % 7 == 0 { held.push(ex.clone()) } else { fit.push(ex.clone()) }
    }
    let base = TrainConfig::default();
    let without_length = FeatureSet { length: false, ..FeatureSet::ALL };
    let candidates: Vec<(&str, TrainConfig)> = vec![
        ("default", base.clone()),
        ("without the length, nb 0.1", TrainConfig { features: without_length, nb_weight: 0.1, ..base.clone() }),
        ("nb 0.03", TrainConfig { nb_weight: 0.03, ..base.clone() }),
        ("nb 0.05", TrainConfig { nb_weight: 0.05, ..base.clone() }),
        ("nb 0.1", TrainConfig { nb_weight: 0.1, ..base.clone() }),
        ("l2 2e-6", TrainConfig { l2: 2e-6, ..base.clone() }),
        (
            "chars 1-4, 600k",
            TrainConfig {
                features: FeatureSet { char_max: 4, ..FeatureSet::ALL },
                max_features: 600_000,
                ..base.clone()
            },
        ),
        ("lr only, 50 epochs", TrainConfig { algorithm: Algorithm::LogisticRegression, epochs: 50, ..base.clone() }),
    ];
    let mut best: Option<(f64, &str, TrainConfig)> = None;
    for (name, config) in candidates {
        let started = Instant::now();
        let model = train(&fit, &config)?;
        let r = evaluate(&model, &held);
        println!(
            "{name:<22} hold-out accuracy {:.4} macro-F1 {:.4} ({} features, {:.1} s)",
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

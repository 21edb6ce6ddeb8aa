//! `cloop train`, `cloop eval`, `cloop models` and `cloop restore`: the routing classifier
//! (DESIGN §4) trained from the database's own routed complaints or from a JSONL file, stored as
//! the next model version that every server node picks up, evaluated on a labelled file, listed,
//! and an older version put back in use.
//!
//! Bad training input (a malformed line, an empty text, a single label, bytes that are not UTF-8)
//! fails with the line named, and nothing is stored: the model in use stays as it was.

use crate::config::Config;
use anyhow::{Context, Result, anyhow, bail};
use clap::{Args, ValueEnum};
use cloop_nlp::classifier::{Model, parse_jsonl};
use cloop_server::routing::{TrainFailure, train_examples, train_from_database};
use cloop_store::routing::{ModelRow, ModelTarget};
use std::path::PathBuf;

/// What a model predicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Target {
    /// The category code.
    Category,
    /// The responsible department (by name).
    Department,
    /// Both (training from the database only).
    Both,
}

/// One model: what `eval` and `restore` work on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OneTarget {
    /// The category code.
    Category,
    /// The responsible department (by name).
    Department,
}

impl From<OneTarget> for ModelTarget {
    fn from(t: OneTarget) -> Self {
        match t {
            OneTarget::Category => ModelTarget::Category,
            OneTarget::Department => ModelTarget::Department,
        }
    }
}

/// Options of `cloop train`.
#[derive(Debug, Clone, Args)]
pub struct TrainArgs {
    /// What to predict / 预测目标
    #[arg(long, value_enum, default_value_t = Target::Both)]
    pub target: Target,
    /// Train on this JSONL file (one {"text","label"} a line) instead of the database / 训练文件
    #[arg(long, value_name = "FILE")]
    pub data: Option<PathBuf>,
}

/// Options of `cloop eval`.
#[derive(Debug, Clone, Args)]
pub struct EvalArgs {
    /// Labelled JSONL file to evaluate on / 评估文件
    #[arg(long, value_name = "FILE")]
    pub data: PathBuf,
    /// Which stored model to evaluate (its newest version) / 模型目标
    #[arg(long, value_enum, default_value_t = OneTarget::Category)]
    pub target: OneTarget,
}

/// Options of `cloop restore`.
#[derive(Debug, Clone, Args)]
pub struct RestoreArgs {
    /// Which model / 模型目标
    #[arg(long, value_enum)]
    pub target: OneTarget,
    /// The version to put back in use (`cloop models` lists them) / 恢复的版本
    #[arg(long)]
    pub version: i64,
}

fn targets(t: Target) -> Vec<ModelTarget> {
    match t {
        Target::Category => vec![ModelTarget::Category],
        Target::Department => vec![ModelTarget::Department],
        Target::Both => ModelTarget::ALL.to_vec(),
    }
}

fn describe(m: &ModelRow) -> String {
    let figure = |k: &str| m.metrics.get(k).and_then(serde_json::Value::as_f64);
    let held = match (figure("accuracy"), figure("macro_f1")) {
        (Some(a), Some(f)) => format!(
            "; held-out fifth ({} texts): accuracy {a:.4}, macro-F1 {f:.4}",
            m.metrics.get("held_out").and_then(serde_json::Value::as_i64).unwrap_or(0)
        ),
        _ => "; too few examples for a held-out score".to_owned(),
    };
    let calibrated = match figure("temperature") {
        Some(t) if t != 1.0 => format!("; confidence calibrated (temperature {t:.2})"),
        _ => String::new(),
    };
    let restored = m.restored_from.map(|v| format!(" (a copy of version {v}, put back in use)")).unwrap_or_default();
    format!(
        "{} model version {}{restored} stored: {} examples, {} labels, {} bytes{held}{calibrated}",
        m.target, m.version, m.examples, m.labels, m.size
    )
}

fn failure(target: ModelTarget, kept: Option<i64>, e: &TrainFailure) -> anyhow::Error {
    let kept = match kept {
        Some(v) => format!("the model in use stays version {v}"),
        None => "no model is stored".to_owned(),
    };
    anyhow!("training the {} model failed: {e}; {kept} / 训练失败，模型未更改", target.code())
}

/// `cloop train`.
pub async fn train(config: &Config, args: &TrainArgs) -> Result<()> {
    let store = config.open_store().await?;
    if let Some(path) = &args.data {
        let target = match args.target {
            Target::Both => bail!("--data trains one model: give --target category or --target department"),
            Target::Category => ModelTarget::Category,
            Target::Department => ModelTarget::Department,
        };
        let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
        let kept = store.latest_model_version(target).await?;
        let examples = parse_jsonl(std::io::BufReader::new(file))
            .map_err(|e| anyhow!("{}: {e}; nothing was trained, {} / 训练文件有误", path.display(), kept_text(kept)))?;
        let source = path.file_name().map_or_else(|| "file".to_owned(), |n| n.to_string_lossy().into_owned());
        let started = std::time::Instant::now();
        let row = train_examples(&store, target, &source, examples).await.map_err(|e| failure(target, kept, &e))?;
        println!("{} (trained in {:.1} s)", describe(&row), started.elapsed().as_secs_f64());
        return Ok(());
    }
    for target in targets(args.target) {
        let kept = store.latest_model_version(target).await?;
        let started = std::time::Instant::now();
        let row = train_from_database(&store, target).await.map_err(|e| failure(target, kept, &e))?;
        println!("{} (trained in {:.1} s)", describe(&row), started.elapsed().as_secs_f64());
    }
    Ok(())
}

fn kept_text(kept: Option<i64>) -> String {
    kept.map_or_else(|| "no model is stored".to_owned(), |v| format!("the model in use stays version {v}"))
}

/// `cloop eval`: the newest stored model of the target on a labelled file.
pub async fn eval(config: &Config, args: &EvalArgs) -> Result<()> {
    let target = ModelTarget::from(args.target);
    let file = std::fs::File::open(&args.data).with_context(|| format!("opening {}", args.data.display()))?;
    let examples = parse_jsonl(std::io::BufReader::new(file)).map_err(|e| anyhow!("{}: {e}", args.data.display()))?;
    if examples.is_empty() {
        bail!("{}: no examples to evaluate on", args.data.display());
    }
    let store = config.open_store().await?;
    let (version, bytes) = store
        .latest_model(target)
        .await?
        .ok_or_else(|| anyhow!("no {} model is stored; run `cloop train` first", target.code()))?;
    let model = Model::from_bytes(&bytes).map_err(|e| anyhow!("{} model version {version}: {e}", target.code()))?;
    let report = cloop_nlp::evaluate(&model, &examples);
    println!("{} model version {version} on {} ({} examples)", target.code(), args.data.display(), examples.len());
    print!("{report}");
    Ok(())
}

/// `cloop models`: every stored model, newest first; the newest of each target is the one in use.
pub async fn list(config: &Config) -> Result<()> {
    let store = config.open_store().await?;
    let models = store.models().await?;
    if models.is_empty() {
        println!("no model is stored; run `cloop train` / 尚无模型");
        return Ok(());
    }
    println!("target      version     in use  source          examples  held-out accuracy  stored at");
    for m in &models {
        let newest = models.iter().filter(|o| o.target == m.target).map(|o| o.version).max() == Some(m.version);
        let version = match m.restored_from {
            Some(v) => format!("{} (from {v})", m.version),
            None => m.version.to_string(),
        };
        let accuracy = m
            .metrics
            .get("accuracy")
            .and_then(serde_json::Value::as_f64)
            .map_or_else(|| "-".to_owned(), |a| format!("{a:.4}"));
        println!(
            "{:<11} {version:<11} {:<7} {:<15} {:<9} {accuracy:<18} {}",
            m.target,
            if newest { "yes" } else { "" },
            m.source,
            m.examples,
            m.created_at.format("%Y-%m-%d %H:%M:%S UTC"),
        );
    }
    Ok(())
}

/// `cloop restore`: puts an older model version back in use, as a copy stored as the next
/// version, which every server node picks up as it picks up a newly trained model.
pub async fn restore(config: &Config, args: &RestoreArgs) -> Result<()> {
    let target = ModelTarget::from(args.target);
    let store = config.open_store().await?;
    let row = store.restore_model(target, args.version).await.map_err(|e| match e {
        cloop_store::StoreError::Invalid(f) => anyhow!("{} / {}", f.message.en, f.message.zh),
        e => e.into(),
    })?;
    store
        .audit(
            None,
            "admin.routing_model.restore",
            &format!("routing_model:{}:{}", row.target, row.version),
            serde_json::json!({"restored_from": args.version, "via": "cli"}),
        )
        .await?;
    println!("{}", describe(&row));
    Ok(())
}

//! `cloop calendar`: load the State Council's holiday schedules (放假 and 调休上班) into the
//! business calendar, and print a year as the SLA clocks see it.

use crate::config::Config;
use anyhow::{Context, Result, bail};
use chrono::{Datelike, NaiveDate, Weekday};
use clap::Subcommand;
use cloop_domain::calendar::{CalendarDocument, DayKind};
use std::path::PathBuf;

/// `cloop calendar …`
#[derive(Debug, Subcommand)]
pub enum CalendarCommand {
    /// Load years from a JSON file (`{"years": {"2027": {"source", "holidays": [{date, name}], "workdays": [...]}}}`); the years in it replace stored ones / 导入节假日安排
    Import {
        /// The calendar file (same format as crates/domain/data/holidays-cn.json) / 日历文件
        file: PathBuf,
    },
    /// Print a year: holidays, make-up working days and the count of working days / 查看某年日历
    Show {
        /// The year / 年份
        year: i32,
    },
}

/// Runs a `calendar` subcommand.
pub async fn run(config: &Config, cmd: CalendarCommand) -> Result<()> {
    let store = config.open_store().await?;
    match cmd {
        CalendarCommand::Import { file } => {
            let bytes = std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let Ok(text) = String::from_utf8(bytes) else {
                bail!("{}: not UTF-8 text / 文件不是 UTF-8 编码", file.display());
            };
            let doc = CalendarDocument::from_json(&text)
                .map_err(|e| anyhow::anyhow!("{}: {} / {}", file.display(), e.message.zh, e.message.en))?;
            if doc.years.is_empty() {
                bail!("{}: no years in the file / 文件中没有年份", file.display());
            }
            if let Err(e) = store.import_calendar(&doc, chrono::Utc::now()).await {
                if let cloop_store::StoreError::InvalidFields(errors) = &e {
                    for f in errors {
                        eprintln!("  {}: {} / {}", f.field, f.message.zh, f.message.en);
                    }
                    bail!(
                        "{}: the calendar has {} mistake(s); nothing was changed / 日历有误，未做任何修改",
                        file.display(),
                        errors.len()
                    );
                }
                return Err(e).context("storing the calendar");
            }
            store.reload_sla_config().await.context("reloading the calendar")?;
            let n = store.refresh_open_complaints(chrono::Utc::now()).await.context("recomputing due times")?;
            let years: Vec<String> = doc.years.keys().map(|y| y.to_string()).collect();
            println!(
                "loaded {} / 已导入：{}; due times of {n} open complaint(s) recomputed",
                years.join(", "),
                years.join("、")
            );
        }
        CalendarCommand::Show { year } => {
            let cfg = store.sla_config();
            let Some(start) =
                NaiveDate::from_ymd_opt(year, 1, 1).filter(|_| cloop_domain::calendar::SCHEDULE_YEARS.contains(&year))
            else {
                bail!("year {year} is out of range / 年份超出范围");
            };
            let loaded = cfg.calendar.document().years.get(&year);
            match loaded.and_then(|y| y.source.as_deref()) {
                Some(source) => println!("{year}: {source}"),
                None if loaded.is_some() => println!("{year}"),
                None => println!(
                    "{year}: no schedule loaded — Monday–Friday are counted and deadlines are unconfirmed / 未导入，按周一至周五计算（未确认）"
                ),
            }
            let hours: Vec<String> =
                cfg.calendar.hours().windows().iter().map(|w| format!("{}–{}", w.start, w.end)).collect();
            println!("working hours / 工作时间: {}", hours.join(", "));
            let mut working = 0;
            let mut d = start;
            while d.year() == year {
                let wd = weekday_zh(d.weekday());
                match cfg.calendar.day_kind(d) {
                    DayKind::Holiday(name) => println!("  {d} {wd}  holiday 放假        {name}"),
                    DayKind::MakeUpWorkday(name) => {
                        working += 1;
                        println!("  {d} {wd}  make-up 调休上班   {name}");
                    }
                    DayKind::Working => working += 1,
                    DayKind::Weekend => {}
                }
                d = d.succ_opt().expect("dates go on");
            }
            println!("working days / 工作日: {working}");
        }
    }
    Ok(())
}

fn weekday_zh(w: Weekday) -> &'static str {
    ["周一", "周二", "周三", "周四", "周五", "周六", "周日"][w.num_days_from_monday() as usize]
}

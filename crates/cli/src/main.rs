//! `cloop`, the one Complaint Loop (投诉闭环) binary: parses the command line into a
//! [`config::Config`], sets up logging and hands over to one small function per subcommand.
//! Everything with substance lives in the library crates; this file only wires them.

mod admin;
mod calendar;
mod config;
mod demo;
mod maintain;
mod routing;
mod serve;

use anyhow::Result;
use clap::{Parser, Subcommand};
use config::{Config, GlobalArgs};
use std::path::PathBuf;
use std::process::ExitCode;

/// mimalloc instead of glibc's malloc: intake allocates on the HTTP threads and frees on the
/// writer's (and the reverse), and glibc spent a fifth of the writer thread's time in `free`
/// consolidating chunks (BENCHMARKS.md, "Where the time goes").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Complaint Loop 投诉闭环: complaint closed-loop management in one binary.
#[derive(Debug, Parser)]
#[command(name = "cloop", version, propagate_version = true)]
struct Cli {
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the web server and API / 启动服务
    Serve(serve::ServeArgs),
    /// Apply database migrations and print the schema version / 数据库迁移
    Migrate,
    /// Fill an empty database with a demo group, users and a year of complaints / 生成演示数据
    Demo(demo::DemoArgs),
    /// Recompute every complaint's hash chain, check every reference, and name the first broken link / 校验防篡改记录
    Verify,
    /// Write a consistent backup of the database to FILE / 备份数据库
    Backup {
        /// Where to write the backup (must not exist) / 备份文件
        file: PathBuf,
    },
    /// Manage staff users / 用户管理
    #[command(subcommand)]
    User(admin::UserCommand),
    /// Manage API tokens for integrations / 接口令牌
    #[command(subcommand)]
    Token(admin::TokenCommand),
    /// Print the OpenAPI contract of the HTTP API / 导出接口文档
    ExportOpenapi {
        /// Write to this file instead of standard output / 输出文件
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Complaint categories / 投诉分类
    #[command(subcommand)]
    Categories(admin::CategoriesCommand),
    /// The organisation tree / 组织架构
    #[command(subcommand)]
    Org(admin::OrgCommand),
    /// The business calendar: holidays and make-up working days per year / 工作日历
    #[command(subcommand)]
    Calendar(calendar::CalendarCommand),
    /// Train the routing classifier from routed complaints or a JSONL file and store it as the next version / 训练分派模型
    Train(routing::TrainArgs),
    /// Evaluate the stored routing classifier on a labelled JSONL file / 评估分派模型
    Eval(routing::EvalArgs),
    /// List the stored routing models; the newest of each target is in use / 模型版本
    Models,
    /// Put an older routing model version back in use (stored again as the next version) / 恢复旧版本模型
    // `--version` names the model's version here, not the program's.
    #[command(disable_version_flag = true)]
    Restore(routing::RestoreArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<ExitCode> {
    // Exporting the contract needs no database.
    if let Command::ExportOpenapi { output } = &cli.command {
        maintain::export_openapi(output.as_deref())?;
        return Ok(ExitCode::SUCCESS);
    }
    let config = Config::from_args(&cli.global)?;
    tracing::debug!(?config, "configuration");
    match cli.command {
        Command::Serve(args) => serve::run(&config, args).await?,
        Command::Migrate => maintain::migrate(&config).await?,
        Command::Demo(args) => demo::run(&config, &args).await?,
        Command::Verify => return maintain::verify(&config).await,
        Command::Backup { file } => maintain::backup(&config, &file).await?,
        Command::User(cmd) => admin::user(&config, cmd).await?,
        Command::Token(cmd) => admin::token(&config, cmd).await?,
        Command::Categories(cmd) => admin::categories(&config, cmd).await?,
        Command::Org(cmd) => admin::org(&config, cmd).await?,
        Command::Calendar(cmd) => calendar::run(&config, cmd).await?,
        Command::Train(args) => routing::train(&config, &args).await?,
        Command::Eval(args) => routing::eval(&config, &args).await?,
        Command::Models => routing::list(&config).await?,
        Command::Restore(args) => routing::restore(&config, &args).await?,
        Command::ExportOpenapi { .. } => unreachable!("handled above"),
    }
    Ok(ExitCode::SUCCESS)
}

/// Logs to standard error (standard output carries command results), filtered by `RUST_LOG`
/// (default `info`), as JSON lines when `CLOOP_LOG_JSON=1`.
fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if std::env::var("CLOOP_LOG_JSON").is_ok_and(|v| v == "1") {
        builder.json().init();
    } else {
        builder.init();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }
}

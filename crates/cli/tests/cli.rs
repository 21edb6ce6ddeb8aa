//! Black-box tests of the `cloop` binary: each test runs the built executable in a fresh data
//! directory and looks only at what a person or a script would see (exit code, output, files).
//! The PostgreSQL variant runs when `CLOOP_TEST_DATABASE_URL` names a server (always in CI).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{SystemTime, UNIX_EPOCH};

mod support;
use support::{PgDatabase, postgres_url, with_database};

/// Every state of the loop, as `cloop demo` prints them.
const STATES: [&str; 11] = [
    "received",
    "invalid",
    "assigned",
    "investigating",
    "pending_approval",
    "awaiting_customer",
    "executing",
    "resolved",
    "secondary_review",
    "closed",
    "archived",
];

/// A unique directory under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).expect("clock after 1970").as_nanos();
        let dir = std::env::temp_dir().join(format!("cloop-cli-{name}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create temp dir");
        Self(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs `cloop ARGS` with the data directory `dir` and no `CLOOP_*` settings from outside.
fn cloop(dir: &Path, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cloop"));
    for (key, _) in std::env::vars() {
        if key.starts_with("CLOOP_") {
            cmd.env_remove(key);
        }
    }
    cmd.env("RUST_LOG", "warn").env("CLOOP_DATA_DIR", dir).args(args).output().expect("run cloop")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[track_caller]
fn succeeds(o: &Output) -> String {
    assert!(o.status.success(), "cloop failed ({}):\nstdout: {}\nstderr: {}", o.status, stdout(o), stderr(o));
    stdout(o)
}

#[track_caller]
fn fails_with(o: &Output, needle: &str) {
    assert!(!o.status.success(), "cloop should have failed:\nstdout: {}", stdout(o));
    assert!(stderr(o).contains(needle), "expected '{needle}' in stderr: {}", stderr(o));
}

/// Runs the `sqlite3` CLI on a database file.
fn sqlite3(db: &Path, sql: &str) -> String {
    let out = Command::new("sqlite3")
        .arg(db)
        .arg(sql)
        .output()
        .expect("the sqlite3 CLI is installed (bash scripts/ensure-deps.sh)");
    assert!(out.status.success(), "sqlite3 failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// Checks the demo summary lists every state with at least one complaint.
#[track_caller]
fn reports_every_state(summary: &str) {
    for state in STATES {
        let line = summary
            .lines()
            .find(|l| l.split_whitespace().next() == Some(state))
            .unwrap_or_else(|| panic!("no line for {state} in:\n{summary}"));
        let count: i64 = line.split_whitespace().last().and_then(|n| n.parse().ok()).expect("a count");
        assert!(count > 0, "no complaint is {state}:\n{summary}");
    }
}

#[test]
fn every_subcommand_explains_itself() {
    let dir = TempDir::new("help");
    let commands: &[&[&str]] = &[
        &[],
        &["serve"],
        &["migrate"],
        &["demo"],
        &["verify"],
        &["backup"],
        &["user"],
        &["user", "add"],
        &["user", "passwd"],
        &["user", "list"],
        &["token"],
        &["token", "create"],
        &["token", "list"],
        &["token", "revoke"],
        &["export-openapi"],
        &["categories", "list"],
        &["org", "list"],
        &["calendar"],
        &["calendar", "import"],
        &["calendar", "show"],
    ];
    for args in commands {
        let mut with_help = args.to_vec();
        with_help.push("--help");
        let out = succeeds(&cloop(dir.path(), &with_help));
        assert!(out.contains("Usage:"), "{args:?}: {out}");
        assert!(out.contains("--data-dir"), "{args:?} lacks the global options: {out}");
    }
}

#[test]
fn users_are_created_once_and_errors_say_what_is_wrong() {
    let dir = TempDir::new("users");
    let out = succeeds(&cloop(dir.path(), &["migrate"]));
    assert!(out.starts_with("schema version "), "{out}");

    let add = |name: &str, role: &str, org: &str, password: &str| {
        cloop(dir.path(), &["user", "add", "--username", name, "--password", password, "--role", role, "--org", org])
    };
    let out = succeeds(&add("zhang.san", "admin", "group", "secret-password"));
    assert!(out.contains("created user zhang.san"), "{out}");
    fails_with(&add("zhang.san", "agent", "group", "secret-password"), "already taken");
    fails_with(&add("li.si", "janitor", "group", "secret-password"), "unknown role 'janitor'");
    fails_with(&add("li.si", "agent", "nowhere", "secret-password"), "unknown organisation unit 'nowhere'");
    fails_with(&add("li.si", "agent", "group", "short"), "at least 8 characters");

    succeeds(&cloop(dir.path(), &["user", "passwd", "--username", "zhang.san", "--password", "another-secret"]));
    fails_with(
        &cloop(dir.path(), &["user", "passwd", "--username", "nobody", "--password", "another-secret"]),
        "no user",
    );
    assert!(succeeds(&cloop(dir.path(), &["user", "list"])).contains("zhang.san"));

    let out = succeeds(&cloop(dir.path(), &["token", "create", "--username", "zhang.san", "--name", "crm-sync"]));
    let token = out.lines().last().expect("the token").trim().to_owned();
    assert!(token.starts_with("clp_"), "{out}");
    let list = succeeds(&cloop(dir.path(), &["token", "list"]));
    assert!(list.contains("crm-sync") && !list.contains(&token), "{list}");
    succeeds(&cloop(dir.path(), &["token", "revoke", "1"]));
    fails_with(&cloop(dir.path(), &["token", "revoke", "1"]), "no live token");
}

#[test]
fn openapi_is_exported_without_a_database() {
    let dir = TempDir::new("openapi");
    let out = succeeds(&cloop(dir.path(), &["export-openapi"]));
    let doc: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with('3')), "{doc}");
    let file = dir.path().join("openapi.json");
    succeeds(&cloop(dir.path(), &["export-openapi", "--output", file.to_str().unwrap()]));
    assert_eq!(std::fs::read_to_string(&file).unwrap().trim(), out.trim());
}

#[test]
fn demo_data_verifies_backs_up_and_tampering_is_caught() {
    let dir = TempDir::new("demo");
    let summary = succeeds(&cloop(dir.path(), &["demo", "--complaints", "150"]));
    reports_every_state(&summary);
    assert!(dir.path().join("demo-logins.txt").exists());

    // A second run refuses, or with --if-empty succeeds without changes.
    fails_with(&cloop(dir.path(), &["demo", "--complaints", "10"]), "already holds 150 complaints");
    assert!(succeeds(&cloop(dir.path(), &["demo", "--if-empty"])).contains("demo data exists"));

    let out = succeeds(&cloop(dir.path(), &["verify"]));
    assert!(out.contains("checked 150 complaints") && out.trim_end().ends_with("OK"), "{out}");

    // The backup is a database of its own with the same complaints; it never overwrites.
    let backup = dir.path().join("backup.db");
    succeeds(&cloop(dir.path(), &["backup", backup.to_str().unwrap()]));
    assert_eq!(sqlite3(&backup, "SELECT count(*) FROM complaints"), "150");
    fails_with(&cloop(dir.path(), &["backup", backup.to_str().unwrap()]), "exists already");

    // The server starts on the demo data, lists the demo logins, answers and stops on SIGTERM.
    let printed = serve_once(dir.path());
    assert!(printed.contains("a.quality.handler") && printed.contains("demo1234"), "{printed}");

    // Alter one rating in the log: verify names the complaint and exits with 2.
    let db = dir.path().join("cloop.db");
    let victim =
        "(SELECT min(id) FROM complaint_events WHERE kind = 'satisfaction_recorded' AND payload LIKE '%\"stars\":5%')";
    let case_no = sqlite3(
        &db,
        &format!(
            "SELECT c.case_no FROM complaints c JOIN complaint_events e ON e.complaint_id = c.id WHERE e.id = {victim}"
        ),
    );
    assert!(case_no.starts_with("TS"), "{case_no}");
    sqlite3(
        &db,
        &format!(
            "UPDATE complaint_events SET payload = replace(payload, '\"stars\":5', '\"stars\":1') WHERE id = {victim}"
        ),
    );
    let out = cloop(dir.path(), &["verify"]);
    assert_eq!(out.status.code(), Some(2), "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains(&format!("BROKEN: complaint {case_no} ")), "{}", stdout(&out));
}

#[test]
fn calendar_years_are_shown_imported_and_checked() {
    let dir = TempDir::new("calendar");
    // The shipped 2026 schedule: National Day holidays and the make-up Sunday before them.
    let y2026 = succeeds(&cloop(dir.path(), &["calendar", "show", "2026"]));
    assert!(y2026.contains("国务院办公厅"), "{y2026}");
    assert!(y2026.contains("2026-10-01") && y2026.contains("放假"), "{y2026}");
    assert!(y2026.contains("调休上班"), "{y2026}");
    assert!(y2026.contains("working days / 工作日:"), "{y2026}");
    let y2031 = succeeds(&cloop(dir.path(), &["calendar", "show", "2031"]));
    assert!(y2031.contains("no schedule loaded"), "{y2031}");

    let file = dir.path().join("2031.json");
    // A make-up working day on a Wednesday is a typo: refused, with nothing stored.
    std::fs::write(
        &file,
        r#"{"years": {"2031": {"holidays": [{"date": "2031-01-01", "name": "元旦"}], "workdays": [{"date": "2031-01-08", "name": "元旦调休上班"}]}}}"#,
    )
    .unwrap();
    let out = cloop(dir.path(), &["calendar", "import", file.to_str().unwrap()]);
    fails_with(&out, "nothing was changed");
    assert!(stderr(&out).contains("years.2031.workdays[0]"), "{}", stderr(&out));
    assert!(succeeds(&cloop(dir.path(), &["calendar", "show", "2031"])).contains("no schedule loaded"));
    std::fs::write(&file, [0xff, 0xfe, 0x00]).unwrap();
    fails_with(&cloop(dir.path(), &["calendar", "import", file.to_str().unwrap()]), "not UTF-8");
    std::fs::write(&file, "{\"years\": ").unwrap();
    fails_with(&cloop(dir.path(), &["calendar", "import", file.to_str().unwrap()]), "2031.json");

    std::fs::write(
        &file,
        r#"{"years": {"2031": {"source": "测试安排", "holidays": [{"date": "2031-01-01", "name": "元旦"}], "workdays": [{"date": "2031-01-04", "name": "元旦调休上班"}]}}}"#,
    )
    .unwrap();
    let out = succeeds(&cloop(dir.path(), &["calendar", "import", file.to_str().unwrap()]));
    assert!(out.contains("2031"), "{out}");
    let y2031 = succeeds(&cloop(dir.path(), &["calendar", "show", "2031"]));
    assert!(y2031.contains("测试安排") && y2031.contains("2031-01-04") && y2031.contains("元旦调休上班"), "{y2031}");
    fails_with(&cloop(dir.path(), &["calendar", "show", "99999"]), "out of range");
}

#[test]
fn the_data_directory_and_prefix_are_checked() {
    let dir = TempDir::new("options");
    fails_with(&cloop(dir.path(), &["migrate", "--case-prefix", "ts"]), "invalid --case-prefix");
    fails_with(&cloop(dir.path(), &["migrate", "--database-url", "mysql://x/y"]), "unsupported database URL");
    let nested = dir.path().join("a/b");
    succeeds(&cloop(dir.path(), &["migrate", "--data-dir", nested.to_str().unwrap()]));
    assert!(nested.join("cloop.db").exists());
}

/// Starts `cloop serve --print-logins` on a free port, checks `/readyz`, stops it with SIGTERM
/// and answers what it printed before listening.
fn serve_once(dir: &Path) -> String {
    use std::io::{BufRead, BufReader};
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cloop"));
    for (key, _) in std::env::vars() {
        if key.starts_with("CLOOP_") {
            cmd.env_remove(key);
        }
    }
    let mut child = cmd
        .env("RUST_LOG", "warn")
        .args(["serve", "--data-dir", dir.to_str().unwrap(), "--listen", "127.0.0.1:0", "--print-logins"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("start cloop serve");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let mut printed = String::new();
    let addr = loop {
        let Some(Ok(line)) = lines.next() else {
            let _ = child.kill();
            panic!("cloop serve ended before listening:\n{printed}");
        };
        if let Some(addr) = line.strip_prefix("Complaint Loop 投诉闭环 listening on ") {
            break addr.trim().to_owned();
        }
        printed.push_str(&line);
        printed.push('\n');
    };
    // Ready once the routing models are read (`/readyz` answers 503 until then), as a load
    // balancer would wait for it.
    let status = tokio::runtime::Runtime::new().expect("runtime").block_on(async {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            let status = reqwest::get(format!("{addr}/readyz")).await.map(|r| r.status());
            let waiting = status.as_ref().is_ok_and(|s| *s == reqwest::StatusCode::SERVICE_UNAVAILABLE);
            if !waiting || std::time::Instant::now() > deadline {
                break status;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    });
    let stopped = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().expect("kill");
    assert!(stopped.success());
    let exit = child.wait().expect("wait for cloop serve");
    assert!(status.as_ref().is_ok_and(|s| s.is_success()), "/readyz answered {status:?}");
    assert!(exit.success(), "cloop serve did not stop cleanly on SIGTERM: {exit}");
    printed
}

#[tokio::test(flavor = "multi_thread")]
async fn demo_and_verify_on_postgres() {
    let Some(server) = postgres_url() else { return };
    let pg = PgDatabase::create(&server).await;
    let dir = TempDir::new("pg");
    let url = pg.url.clone();
    let path = dir.path().to_owned();
    let result = tokio::task::spawn_blocking(move || {
        let summary = succeeds(&cloop(&path, &["demo", "--complaints", "150", "--database-url", &url]));
        reports_every_state(&summary);
        let out = succeeds(&cloop(&path, &["verify", "--database-url", &url]));
        assert!(out.contains("checked 150 complaints") && out.trim_end().ends_with("OK"), "{out}");
        assert!(!path.join("cloop.db").exists(), "PostgreSQL runs leave no SQLite file");
    })
    .await;
    pg.drop_it().await;
    if let Err(e) = result {
        std::panic::resume_unwind(e.into_panic());
    }
}

#[test]
fn database_names_are_swapped_in_urls() {
    assert_eq!(with_database("postgres://u@h:5432/cloop_test", "x"), "postgres://u@h:5432/x");
    assert_eq!(with_database("postgres://u:p@h/db?sslmode=disable", "x"), "postgres://u:p@h/x?sslmode=disable");
    assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
}

/// Two labels of clearly different text, `n` examples each, as JSONL.
fn training_file(n: usize) -> String {
    let mut out = String::new();
    for i in 0..n {
        out.push_str(&format!("{{\"text\": \"手机屏幕碎裂，屏幕质量太差 {i}\", \"label\": \"质量部\"}}\n"));
        out.push_str(&format!("{{\"text\": \"发票一直没开，退款也没到账 {i}\", \"label\": \"财务部\"}}\n"));
    }
    out
}

/// `cloop train --data` stores version 1; `cloop eval` prints the figures; every kind of bad
/// training file is refused naming its line, and the model in use stays version 1.
fn train_eval_and_bad_files(dir: &Path, db_args: &[&str]) {
    let with = |args: &[&str]| -> Vec<String> { args.iter().chain(db_args).map(|s| (*s).to_owned()).collect() };
    let run = |args: &[&str]| {
        let owned = with(args);
        cloop(dir, &owned.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let good = dir.join("good.jsonl");
    std::fs::write(&good, training_file(20)).expect("write");
    let good = good.to_str().expect("utf-8 path");
    fails_with(&run(&["eval", "--data", good]), "no category model is stored");
    let out = succeeds(&run(&["train", "--data", good, "--target", "category"]));
    assert!(out.contains("category model version 1 stored: 40 examples, 2 labels"), "{out}");
    let out = succeeds(&run(&["eval", "--data", good]));
    assert!(out.contains("category model version 1") && out.contains("accuracy 1.0000"), "{out}");
    assert!(out.contains("macro-F1") && out.contains("财务部"), "{out}");
    // What each triage threshold would route, and get right: all of these clear-cut texts at 0.30.
    assert!(out.contains("by confidence threshold"), "{out}");
    assert!(out.lines().any(|l| l.starts_with("0.30") && l.contains("(100.0 %)") && l.ends_with("100.0 %")), "{out}");

    let cases: [(&str, Vec<u8>, &str); 5] = [
        (
            "malformed.jsonl",
            b"{\"text\":\"a\",\"label\":\"x\"}\n{\"text\":\"b\",\"label\":\"y\"}\nnot json\n".to_vec(),
            "line 3",
        ),
        (
            "empty.jsonl",
            "{\"text\":\"退款\",\"label\":\"x\"}\n{\"text\":\"  \",\"label\":\"y\"}\n".as_bytes().to_vec(),
            "line 2: empty text",
        ),
        (
            "single.jsonl",
            "{\"text\":\"退款\",\"label\":\"x\"}\n{\"text\":\"发票\",\"label\":\"x\"}\n".as_bytes().to_vec(),
            "at least two labels",
        ),
        (
            "gbk.jsonl",
            [
                b"{\"text\":\"a\",\"label\":\"x\"}\n{\"text\":\"".as_slice(),
                &[0xCD, 0xCB, 0xBF, 0xEE],
                b"\",\"label\":\"y\"}\n",
            ]
            .concat(),
            "line 2: not valid UTF-8",
        ),
        ("nothing.jsonl", b"\n\n".to_vec(), "no training examples"),
    ];
    for (name, bytes, needle) in cases {
        let path = dir.join(name);
        std::fs::write(&path, bytes).expect("write");
        let o = run(&["train", "--data", path.to_str().expect("path"), "--target", "category"]);
        fails_with(&o, needle);
        fails_with(&o, "the model in use stays version 1");
    }
    let out = succeeds(&run(&["eval", "--data", good]));
    assert!(out.contains("category model version 1"), "{out}");
    fails_with(&run(&["train", "--data", good]), "--target category or --target department");

    // A second model, then the first put back in use: stored again as version 3.
    let out = succeeds(&run(&["train", "--data", good, "--target", "category"]));
    assert!(out.contains("category model version 2 stored"), "{out}");
    let out = succeeds(&run(&["restore", "--target", "category", "--version", "1"]));
    assert!(
        out.contains("category model version 3 (a copy of version 1, put back in use) stored: 40 examples"),
        "{out}"
    );
    fails_with(&run(&["restore", "--target", "category", "--version", "3"]), "version 3 is already the newest");
    fails_with(&run(&["restore", "--target", "department", "--version", "1"]), "there is no model version 1");
    fails_with(&run(&["restore", "--target", "both", "--version", "1"]), "invalid value 'both'");
    let out = succeeds(&run(&["models"]));
    let rows: Vec<&str> = out.lines().skip(1).collect();
    assert_eq!(rows.len(), 3, "{out}");
    assert!(rows[0].starts_with("category    3 (from 1)  yes     good.jsonl"), "{out}");
    assert!(rows[1].starts_with("category    2                   good.jsonl"), "{out}");
    let out = succeeds(&run(&["eval", "--data", good]));
    assert!(out.contains("category model version 3"), "{out}");
}

#[test]
fn train_and_eval_on_sqlite() {
    let dir = TempDir::new("train");
    train_eval_and_bad_files(dir.path(), &[]);
}

#[tokio::test(flavor = "multi_thread")]
async fn train_and_eval_on_postgres() {
    let Some(server) = postgres_url() else { return };
    let pg = PgDatabase::create(&server).await;
    let dir = TempDir::new("train-pg");
    let (url, path) = (pg.url.clone(), dir.path().to_owned());
    let result =
        tokio::task::spawn_blocking(move || train_eval_and_bad_files(&path, &["--database-url", url.as_str()])).await;
    pg.drop_it().await;
    if let Err(e) = result {
        std::panic::resume_unwind(e.into_panic());
    }
}

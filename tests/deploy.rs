//! The deployment files are checked against the binary they run: there is no Docker
//! engine or Kubernetes cluster here, so this test proves what can be proved without
//! one. It parses `Dockerfile`, `docker-compose.yml` and `deploy/*.yaml`, and checks
//! that
//! - every subcommand, flag and environment variable they give `report-ingest` exists in
//!   the built binary's `--help` (a misspelt variable would otherwise be silently ignored);
//! - the compose services are wired consistently (dependencies exist and are acyclic,
//!   conditions are valid and satisfiable, the worker is scalable, URLs point at services,
//!   the enqueued pages exist);
//! - the Kubernetes objects reference each other correctly (ConfigMap/Secret keys, probes
//!   on the metrics port, grace period above the shutdown grace, KEDA on `{prefix}.urls`,
//!   the PDB selecting the workers).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::Command;

use serde::Deserialize;
use serde_yaml::Value;

const BIN: &str = env!("CARGO_BIN_EXE_report-ingest");

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("reading {rel}: {e}"))
}

/// What `report-ingest <path…> --help` documents.
#[derive(Debug, Default, Clone)]
struct Help {
    subcommands: BTreeSet<String>,
    flags: BTreeSet<String>,
    envs: BTreeSet<String>,
    /// `[default: …]` per flag, e.g. `--shutdown-grace` → `20`.
    defaults: BTreeMap<String, String>,
}

/// Runs `--help` on a subcommand path; `None` when the path does not exist.
fn help(path: &[&str]) -> Option<Help> {
    let out = Command::new(BIN)
        .args(path)
        .arg("--help")
        .output()
        .expect("running the binary");
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).unwrap();
    let mut h = Help::default();
    let flag_re = regex::Regex::new(r"--[a-z0-9][a-z0-9-]*").unwrap();
    let env_re = regex::Regex::new(r"\[env:\s+([A-Z0-9_]+)").unwrap();
    let default_re = regex::Regex::new(r"\[default:\s+([^\]]*)\]").unwrap();
    // Split into blocks: one per option (its line plus the wrapped description lines
    // below it), so `[env: …]` and `[default: …]` wrapped onto the next line are found.
    let mut section = "";
    let mut blocks: Vec<(Option<String>, String)> = Vec::new();
    for line in text.lines() {
        if !line.starts_with(' ') && line.ends_with(':') {
            section = line.trim_end_matches(':');
            blocks.push((None, String::new()));
            continue;
        }
        if section == "Commands" && line.starts_with("  ") && !line.starts_with("      ") {
            if let Some(name) = line.split_whitespace().next() {
                h.subcommands.insert(name.to_owned());
            }
        }
        let trimmed = line.trim_start();
        if trimmed.starts_with('-') {
            let flag = flag_re.find(trimmed).map(|m| m.as_str().to_owned());
            blocks.push((flag, String::new()));
        }
        if let Some((_, b)) = blocks.last_mut() {
            b.push(' ');
            b.push_str(trimmed);
        } else {
            blocks.push((None, trimmed.to_owned()));
        }
    }
    for (flag, block) in &blocks {
        for m in flag_re.find_iter(block) {
            h.flags.insert(m.as_str().to_owned());
        }
        for c in env_re.captures_iter(block) {
            h.envs.insert(c[1].to_owned());
        }
        if let (Some(f), Some(c)) = (flag, default_re.captures(block)) {
            h.defaults.insert(f.clone(), c[1].to_owned());
        }
    }
    h.subcommands.remove("help");
    Some(h)
}

/// Resolves the subcommand path of an argument list (`["events", "tail", "--json"]` →
/// `["events", "tail"]`), checks every `--flag` exists for it, and returns its help.
fn check_command(ctx: &str, args: &[String]) -> (Vec<String>, Help) {
    let mut current = help(&[]).expect("top-level help");
    let mut path: Vec<String> = Vec::new();
    let mut rest = args.iter().peekable();
    // Descend while the next argument is a subcommand. Hidden subcommands
    // (healthcheck) are not listed, so existence is decided by `--help` succeeding.
    while let Some(a) = rest.peek() {
        if a.starts_with('-') || (!path.is_empty() && current.subcommands.is_empty()) {
            break;
        }
        let mut candidate: Vec<&str> = path.iter().map(String::as_str).collect();
        candidate.push(a.as_str());
        match help(&candidate) {
            Some(h) => {
                path.push((*a).clone());
                current = h;
                rest.next();
            }
            None => break,
        }
    }
    assert!(
        !path.is_empty(),
        "{ctx}: {args:?} names no subcommand of report-ingest"
    );
    assert!(
        current.subcommands.is_empty(),
        "{ctx}: {path:?} needs a subcommand, one of {:?}",
        current.subcommands
    );
    for a in rest {
        if let Some(flag) = a.strip_prefix("--") {
            let flag = format!("--{}", flag.split('=').next().unwrap_or(flag));
            assert!(
                current.flags.contains(&flag),
                "{ctx}: `report-ingest {}` has no flag {flag} (has {:?})",
                path.join(" "),
                current.flags
            );
        }
    }
    (path, current)
}

/// Checks environment variable names against what the command reads.
fn check_envs<'a>(ctx: &str, path: &[String], h: &Help, names: impl IntoIterator<Item = &'a str>) {
    for n in names {
        // RUST_LOG is read by the tracing filter, not by clap.
        if n == "RUST_LOG" {
            continue;
        }
        assert!(
            h.envs.contains(n),
            "{ctx}: `report-ingest {}` reads no environment variable {n} (reads {:?})",
            path.join(" "),
            h.envs
        );
    }
}

fn str_list(v: &Value) -> Vec<String> {
    match v {
        Value::Sequence(s) => s
            .iter()
            .map(|x| match x {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                other => panic!("not a scalar: {other:?}"),
            })
            .collect(),
        Value::String(s) => s.split_whitespace().map(str::to_owned).collect(),
        Value::Null => Vec::new(),
        other => panic!("not a list: {other:?}"),
    }
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn map_keys(v: &Value) -> Vec<String> {
    v.as_mapping()
        .map(|m| {
            m.keys()
                .filter_map(|k| k.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------
// Dockerfile
// ---------------------------------------------------------------------------------

/// Instructions of the Dockerfile with continuation lines joined and comments dropped.
fn dockerfile_instructions() -> Vec<(String, String)> {
    let text = read("Dockerfile");
    let mut out = Vec::new();
    let mut cur = String::new();
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with('#') || (t.is_empty() && cur.is_empty()) {
            continue;
        }
        if let Some(body) = t.strip_suffix('\\') {
            cur.push_str(body);
            cur.push(' ');
            continue;
        }
        cur.push_str(t);
        let full = std::mem::take(&mut cur);
        if let Some((k, rest)) = full.split_once(char::is_whitespace) {
            out.push((k.to_ascii_uppercase(), rest.trim().to_owned()));
        }
    }
    out
}

fn exec_form(ctx: &str, s: &str) -> Vec<String> {
    serde_json::from_str(s)
        .unwrap_or_else(|e| panic!("{ctx} is not in exec form (JSON array): {s}: {e}"))
}

#[test]
fn dockerfile_runs_real_commands_as_non_root() {
    let ins = dockerfile_instructions();
    let get =
        |k: &str| -> Vec<&String> { ins.iter().filter(|(i, _)| i == k).map(|(_, v)| v).collect() };

    // Multi-stage: a dependency stage, a build stage, a slim runtime.
    let froms = get("FROM");
    assert!(froms.len() >= 3, "expected ≥ 3 stages, got {froms:?}");
    assert!(
        froms.last().unwrap().contains("slim"),
        "runtime image is not slim: {froms:?}"
    );

    // The builder's Rust is at least the crate's rust-version.
    let args = get("ARG");
    let rust_version = args
        .iter()
        .find_map(|a| a.strip_prefix("RUST_VERSION="))
        .expect("ARG RUST_VERSION");
    let manifest: toml_lite::Manifest = toml_lite::parse(&read("Cargo.toml"));
    let need = manifest.rust_version.expect("rust-version in Cargo.toml");
    let parse = |v: &str| -> Vec<u32> { v.split('.').map(|p| p.parse().unwrap()).collect() };
    assert!(
        parse(rust_version) >= parse(&need),
        "Dockerfile Rust {rust_version} is older than rust-version {need}"
    );

    // The same release build as CI, from the locked dependency graph.
    let runs = get("RUN")
        .into_iter()
        .cloned()
        .collect::<Vec<_>>()
        .join("\n");
    assert!(runs.contains("cargo build --release --locked"), "{runs}");
    // Runtime has CA certificates (TLS to brokers, databases, https pages).
    assert!(runs.contains("ca-certificates"), "{runs}");

    // Non-root.
    let user = get("USER");
    let user = user.last().expect("USER");
    let name = user.split(':').next().unwrap();
    assert!(name != "root" && name != "0", "runs as root: {user}");

    // ENTRYPOINT is the binary; CMD is a real subcommand.
    let entry = exec_form("ENTRYPOINT", get("ENTRYPOINT").last().expect("ENTRYPOINT"));
    assert_eq!(entry, vec!["report-ingest".to_owned()]);
    let cmd = exec_form("CMD", get("CMD").last().expect("CMD"));
    let (path, worker_help) = check_command("Dockerfile CMD", &cmd);
    assert_eq!(path, vec!["worker"]);

    // ENV names are variables of the default command.
    let env_line = get("ENV")
        .into_iter()
        .cloned()
        .collect::<Vec<_>>()
        .join(" ");
    let env: BTreeMap<String, String> = env_line
        .split_whitespace()
        .filter_map(|kv| {
            kv.split_once('=')
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
        })
        .collect();
    check_envs(
        "Dockerfile ENV",
        &path,
        &worker_help,
        env.keys().map(String::as_str),
    );

    // HEALTHCHECK runs the hidden `healthcheck` subcommand on the metrics port.
    let hc = get("HEALTHCHECK");
    let hc = hc.last().expect("HEALTHCHECK");
    let (_, cmd_part) = hc.split_once("CMD ").expect("HEALTHCHECK … CMD […]");
    let hc_args = exec_form("HEALTHCHECK CMD", cmd_part.trim());
    assert_eq!(hc_args.first().map(String::as_str), Some("report-ingest"));
    let (hc_path, _) = check_command("HEALTHCHECK", &hc_args[1..]);
    assert_eq!(hc_path, vec!["healthcheck"]);
    let metrics_addr = env
        .get("REPORT_INGEST_METRICS_ADDR")
        .expect("ENV REPORT_INGEST_METRICS_ADDR");
    let port = metrics_addr.rsplit(':').next().unwrap();
    let url = hc_args
        .windows(2)
        .find(|w| w[0] == "--url")
        .map(|w| w[1].clone())
        .unwrap_or_else(|| "http://127.0.0.1:9090/healthz".into());
    assert!(
        url.contains(&format!(":{port}/healthz")),
        "HEALTHCHECK probes {url}, metrics on {metrics_addr}"
    );
    let exposed = get("EXPOSE");
    assert!(
        exposed
            .iter()
            .any(|e| e.split_whitespace().any(|p| p == port)),
        "EXPOSE {exposed:?}"
    );

    // What the build needs is not excluded from the context.
    let ignore = read(".dockerignore");
    for needed in ["src", "Cargo.toml", "Cargo.lock"] {
        assert!(
            !ignore.lines().any(|l| l.trim() == needed),
            ".dockerignore excludes {needed}"
        );
    }
    assert!(
        ignore.lines().any(|l| l.trim() == "target"),
        ".dockerignore keeps target/"
    );
}

/// Just enough TOML reading for `rust-version` (no toml crate in the tree).
mod toml_lite {
    pub struct Manifest {
        pub rust_version: Option<String>,
    }
    pub fn parse(text: &str) -> Manifest {
        let rust_version = text.lines().find_map(|l| {
            let (k, v) = l.split_once('=')?;
            (k.trim() == "rust-version").then(|| v.trim().trim_matches('"').to_owned())
        });
        Manifest { rust_version }
    }
}

// ---------------------------------------------------------------------------------
// docker-compose.yml
// ---------------------------------------------------------------------------------

fn compose() -> Value {
    let mut v: Value =
        serde_yaml::from_str(&read("docker-compose.yml")).expect("docker-compose.yml is YAML");
    v.apply_merge().expect("merge keys resolve");
    v
}

/// Services running our image (built from this repository).
fn is_ours(svc: &Value) -> bool {
    !svc["build"].is_null()
}

fn service_env(svc: &Value) -> BTreeMap<String, String> {
    match &svc["environment"] {
        Value::Mapping(m) => m
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().unwrap().to_owned(),
                    scalar(v).unwrap_or_default(),
                )
            })
            .collect(),
        Value::Sequence(s) => s
            .iter()
            .map(|kv| {
                let kv = kv.as_str().unwrap();
                let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                (k.to_owned(), v.to_owned())
            })
            .collect(),
        _ => BTreeMap::new(),
    }
}

fn has_healthcheck(svc: &Value) -> bool {
    let hc = &svc["healthcheck"];
    if hc["disable"].as_bool() == Some(true) {
        return false;
    }
    // Our image brings its own HEALTHCHECK (checked above).
    !hc["test"].is_null() || is_ours(svc)
}

#[test]
fn compose_commands_flags_and_env_exist_in_the_binary() {
    let c = compose();
    let services = c["services"].as_mapping().expect("services");
    let mut ours = 0;
    for (name, svc) in services {
        let name = name.as_str().unwrap();
        if !is_ours(svc) {
            continue;
        }
        ours += 1;
        let ctx = format!("compose service {name}");
        assert_eq!(
            svc["build"].as_str(),
            Some("."),
            "{ctx}: builds from the repository root"
        );
        let args = str_list(&svc["command"]);
        assert!(
            svc["entrypoint"].is_null(),
            "{ctx}: keeps the image's ENTRYPOINT"
        );
        let (path, h) = check_command(&ctx, &args);
        let env = service_env(svc);
        check_envs(&ctx, &path, &h, env.keys().map(String::as_str));
    }
    assert!(
        ours >= 4,
        "migrate, worker, enqueue and events run our image; found {ours}"
    );
}

#[test]
fn compose_services_are_wired_consistently() {
    let c = compose();
    let services = c["services"].as_mapping().expect("services");
    let names: BTreeSet<String> = services
        .keys()
        .map(|k| k.as_str().unwrap().to_owned())
        .collect();
    for required in [
        "rabbitmq", "postgres", "migrate", "worker", "site", "enqueue", "events",
    ] {
        assert!(
            names.contains(required),
            "service {required} missing (have {names:?})"
        );
    }
    let svc = |n: &str| &c["services"][n];
    let cmd_of = |n: &str| str_list(&svc(n)["command"]);

    // Images: RabbitMQ with the management UI, PostgreSQL 15.
    assert!(svc("rabbitmq")["image"]
        .as_str()
        .unwrap()
        .contains("management"));
    assert!(svc("postgres")["image"]
        .as_str()
        .unwrap()
        .starts_with("postgres:15"));

    // Dependencies: existing services, valid and satisfiable conditions, no cycle.
    let mut edges: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, s) in services {
        let name = name.as_str().unwrap();
        let deps = &s["depends_on"];
        let list: Vec<(String, String)> = match deps {
            Value::Mapping(m) => m
                .iter()
                .map(|(k, v)| {
                    let cond = v["condition"]
                        .as_str()
                        .unwrap_or("service_started")
                        .to_owned();
                    (k.as_str().unwrap().to_owned(), cond)
                })
                .collect(),
            Value::Sequence(_) => str_list(deps)
                .into_iter()
                .map(|d| (d, "service_started".into()))
                .collect(),
            Value::Null => Vec::new(),
            other => panic!("{name}: depends_on is {other:?}"),
        };
        for (dep, cond) in &list {
            assert!(
                names.contains(dep),
                "{name} depends on unknown service {dep}"
            );
            let target = svc(dep);
            match cond.as_str() {
                "service_started" => {}
                "service_healthy" => {
                    assert!(
                        has_healthcheck(target),
                        "{name} waits for {dep} to be healthy, but {dep} has no healthcheck"
                    )
                }
                "service_completed_successfully" => {
                    let restart = target["restart"].as_str().unwrap_or("no");
                    assert_eq!(
                        restart, "no",
                        "{name} waits for {dep} to complete, but {dep} restarts ({restart})"
                    );
                }
                other => panic!("{name}: unknown depends_on condition {other}"),
            }
        }
        edges.insert(name.to_owned(), list.into_iter().map(|(d, _)| d).collect());
    }
    // Kahn: every service can be ordered.
    let mut remaining = edges.clone();
    while !remaining.is_empty() {
        let ready: Vec<String> = remaining
            .iter()
            .filter(|(_, deps)| deps.iter().all(|d| !remaining.contains_key(d)))
            .map(|(n, _)| n.clone())
            .collect();
        assert!(
            !ready.is_empty(),
            "depends_on has a cycle among {:?}",
            remaining.keys()
        );
        for n in ready {
            remaining.remove(&n);
        }
    }
    let cond = |from: &str, to: &str| {
        c["services"][from]["depends_on"][to]["condition"]
            .as_str()
            .map(str::to_owned)
    };
    assert_eq!(
        cond("migrate", "rabbitmq").as_deref(),
        Some("service_healthy")
    );
    assert_eq!(
        cond("migrate", "postgres").as_deref(),
        Some("service_healthy")
    );
    for after_migrate in ["worker", "enqueue", "events"] {
        assert_eq!(
            cond(after_migrate, "migrate").as_deref(),
            Some("service_completed_successfully"),
            "{after_migrate} starts after the migration"
        );
    }

    // The worker scales: no fixed container name, no host ports; it does not migrate.
    let worker = svc("worker");
    assert!(
        worker["container_name"].is_null(),
        "worker has a container_name"
    );
    assert!(worker["ports"].is_null(), "worker publishes host ports");
    assert_eq!(cmd_of("worker"), vec!["worker"]);
    let wenv = service_env(worker);
    assert_eq!(
        wenv.get("REPORT_INGEST_NO_MIGRATE").map(String::as_str),
        Some("true")
    );
    if let (Some(grace), Some(stop)) = (
        wenv.get("REPORT_INGEST_SHUTDOWN_GRACE"),
        worker["stop_grace_period"].as_str(),
    ) {
        let grace: u64 = grace.parse().unwrap();
        let stop: u64 = stop.trim_end_matches('s').parse().unwrap();
        assert!(
            stop > grace,
            "stop_grace_period {stop}s must exceed the shutdown grace {grace}s"
        );
    }
    assert_eq!(cmd_of("migrate"), vec!["migrate"]);
    assert_eq!(&cmd_of("events")[..2], ["events", "tail"]);

    // Connection URLs point at the services, with the database's own credentials.
    let pg_env = service_env(svc("postgres"));
    for (name, s) in services {
        let name = name.as_str().unwrap();
        let env = service_env(s);
        if let Some(amqp) = env.get("AMQP_URL") {
            let u = url::Url::parse(amqp).unwrap();
            assert_eq!(u.host_str(), Some("rabbitmq"), "{name}: AMQP_URL host");
            assert_eq!(u.port().unwrap_or(5672), 5672, "{name}: AMQP_URL port");
        }
        if let Some(db) = env.get("DATABASE_URL") {
            let u = url::Url::parse(db).unwrap();
            assert_eq!(u.host_str(), Some("postgres"), "{name}: DATABASE_URL host");
            assert_eq!(u.port(), Some(5432), "{name}: DATABASE_URL port");
            assert_eq!(
                Some(u.username()),
                pg_env.get("POSTGRES_USER").map(String::as_str),
                "{name}: db user"
            );
            assert_eq!(
                u.password(),
                pg_env.get("POSTGRES_PASSWORD").map(String::as_str),
                "{name}: db password"
            );
            assert_eq!(
                Some(u.path().trim_start_matches('/')),
                pg_env.get("POSTGRES_DB").map(String::as_str),
                "{name}: db name"
            );
        }
    }
    // Every service running our image agrees on the prefix.
    let prefixes: BTreeSet<String> = services
        .values()
        .filter(|s| is_ours(s))
        .map(|s| {
            service_env(s)
                .get("REPORT_INGEST_PREFIX")
                .cloned()
                .unwrap_or_else(|| "report".into())
        })
        .collect();
    assert_eq!(
        prefixes.len(),
        1,
        "services disagree on REPORT_INGEST_PREFIX: {prefixes:?}"
    );

    // The site serves examples/pages on the port the enqueued URLs use, and every
    // sample page is enqueued (and nothing else).
    let site = svc("site");
    let mount = str_list(&site["volumes"])
        .into_iter()
        .find(|v| v.starts_with("./examples/pages:"))
        .expect("site mounts ./examples/pages");
    let served_dir = mount.split(':').nth(1).unwrap().to_owned();
    let site_cmd = cmd_of("site");
    assert!(
        site_cmd.contains(&served_dir),
        "site serves {served_dir}: {site_cmd:?}"
    );
    let site_port: u16 = site_cmd
        .iter()
        .find_map(|a| a.parse().ok())
        .expect("site port");
    let enqueue = cmd_of("enqueue");
    let (path, _) = check_command("enqueue", &enqueue);
    assert_eq!(path, vec!["enqueue"]);
    let mut enqueued = BTreeSet::new();
    for a in enqueue.iter().skip(1).filter(|a| !a.starts_with('-')) {
        let u = url::Url::parse(a).unwrap_or_else(|e| panic!("enqueue argument {a}: {e}"));
        assert_eq!(u.host_str(), Some("site"), "{a}");
        assert_eq!(u.port(), Some(site_port), "{a}");
        let file = u.path().trim_start_matches('/').to_owned();
        assert!(
            root().join("examples/pages").join(&file).is_file(),
            "{a}: examples/pages/{file} does not exist"
        );
        enqueued.insert(file);
    }
    let pages: BTreeSet<String> = std::fs::read_dir(root().join("examples/pages"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|f| f.ends_with(".html"))
        .collect();
    assert!(!pages.is_empty());
    assert_eq!(enqueued, pages, "enqueue lists exactly the sample pages");

    // The worker reaches the site on the compose network: private addresses allowed.
    assert_eq!(
        wenv.get("REPORT_INGEST_ALLOW_PRIVATE").map(String::as_str),
        Some("true")
    );
}

// ---------------------------------------------------------------------------------
// deploy/ (Kubernetes)
// ---------------------------------------------------------------------------------

/// Every object in deploy/*.yaml, with the file it came from.
fn k8s_objects() -> Vec<(String, Value)> {
    let dir = root().join("deploy");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let file = f.file_name().unwrap().to_string_lossy().into_owned();
        for doc in serde_yaml::Deserializer::from_str(&text) {
            let v = Value::deserialize(doc).unwrap_or_else(|e| panic!("{file}: {e}"));
            if !v.is_null() {
                out.push((file.clone(), v));
            }
        }
    }
    out
}

fn find<'a>(objs: &'a [(String, Value)], kind: &str) -> Vec<&'a Value> {
    objs.iter()
        .filter(|(_, v)| v["kind"].as_str() == Some(kind))
        .map(|(_, v)| v)
        .collect()
}

fn name_of(v: &Value) -> String {
    v["metadata"]["name"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn kubernetes_manifests_reference_each_other_and_the_binary() {
    let objs = k8s_objects();
    for (file, v) in &objs {
        assert!(
            v["apiVersion"].is_string() && v["kind"].is_string(),
            "{file}: object without apiVersion/kind"
        );
        assert!(
            v["metadata"]["namespace"].is_null(),
            "{file}: manifests are namespace-free"
        );
    }
    let configmaps: BTreeMap<String, &Value> = find(&objs, "ConfigMap")
        .into_iter()
        .map(|c| (name_of(c), c))
        .collect();
    let cm_value = |name: &str, key: &str| -> Option<String> {
        configmaps.get(name).and_then(|c| scalar(&c["data"][key]))
    };
    let mut secret_refs: BTreeSet<(String, String)> = BTreeSet::new();

    let deployments = find(&objs, "Deployment");
    let jobs = find(&objs, "Job");
    assert_eq!(deployments.len(), 1, "one worker Deployment");
    assert_eq!(jobs.len(), 1, "one migrate Job");

    // Containers: commands, flags and every environment variable exist in the binary.
    let mut worker_env: BTreeMap<String, String> = BTreeMap::new();
    for owner in deployments.iter().chain(jobs.iter()) {
        let kind = owner["kind"].as_str().unwrap();
        let containers = owner["spec"]["template"]["spec"]["containers"]
            .as_sequence()
            .expect("containers");
        for ctr in containers {
            let ctx = format!(
                "{kind} {} container {}",
                name_of(owner),
                ctr["name"].as_str().unwrap_or("?")
            );
            assert!(
                ctr["command"].is_null(),
                "{ctx}: keeps the image's ENTRYPOINT (use args)"
            );
            let args = str_list(&ctr["args"]);
            let (path, h) = check_command(&ctx, &args);
            let mut env: BTreeMap<String, String> = BTreeMap::new();
            for from in ctr["envFrom"].as_sequence().into_iter().flatten() {
                let cm = from["configMapRef"]["name"]
                    .as_str()
                    .expect("envFrom configMapRef");
                let c = configmaps
                    .get(cm)
                    .unwrap_or_else(|| panic!("{ctx}: ConfigMap {cm} not in deploy/"));
                for k in map_keys(&c["data"]) {
                    env.insert(
                        k.clone(),
                        scalar(&c["data"][k.as_str()]).unwrap_or_default(),
                    );
                }
            }
            for e in ctr["env"].as_sequence().into_iter().flatten() {
                let n = e["name"].as_str().unwrap().to_owned();
                let vf = &e["valueFrom"];
                let val = if let Some(v) = scalar(&e["value"]) {
                    v
                } else if !vf["secretKeyRef"].is_null() {
                    let (s, k) = (
                        vf["secretKeyRef"]["name"].as_str().unwrap(),
                        vf["secretKeyRef"]["key"].as_str().unwrap(),
                    );
                    secret_refs.insert((s.to_owned(), k.to_owned()));
                    String::new()
                } else if !vf["configMapKeyRef"].is_null() {
                    let (c, k) = (
                        vf["configMapKeyRef"]["name"].as_str().unwrap(),
                        vf["configMapKeyRef"]["key"].as_str().unwrap(),
                    );
                    cm_value(c, k).unwrap_or_else(|| panic!("{ctx}: ConfigMap {c} has no key {k}"))
                } else {
                    panic!("{ctx}: env {n} has neither value nor valueFrom")
                };
                env.insert(n, val);
            }
            check_envs(&ctx, &path, &h, env.keys().map(String::as_str));
            for needed in ["AMQP_URL", "DATABASE_URL"] {
                assert!(env.contains_key(needed), "{ctx}: {needed} not set");
            }
            let res = &ctr["resources"];
            for k in ["requests", "limits"] {
                assert!(!res[k]["memory"].is_null(), "{ctx}: resources.{k}.memory");
            }
            assert!(
                !res["requests"]["cpu"].is_null(),
                "{ctx}: resources.requests.cpu"
            );
            assert_eq!(
                ctr["securityContext"]["allowPrivilegeEscalation"].as_bool(),
                Some(false),
                "{ctx}"
            );
            assert_eq!(
                owner["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"].as_bool(),
                Some(true),
                "{ctx}"
            );
            if kind == "Deployment" {
                assert_eq!(path, vec!["worker"], "{ctx}");
                worker_env = env.clone();
                // Probes on the metrics port.
                let addr = env
                    .get("REPORT_INGEST_METRICS_ADDR")
                    .expect("REPORT_INGEST_METRICS_ADDR for the probes");
                let port: i64 = addr.rsplit(':').next().unwrap().parse().unwrap();
                let ports = ctr["ports"].as_sequence().expect("ports");
                let resolve = |p: &Value| -> i64 {
                    if let Some(n) = p.as_i64() {
                        return n;
                    }
                    let name = p.as_str().unwrap();
                    ports
                        .iter()
                        .find(|x| x["name"].as_str() == Some(name))
                        .and_then(|x| x["containerPort"].as_i64())
                        .unwrap_or_else(|| panic!("{ctx}: no port named {name}"))
                };
                for (probe, path) in [("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")]
                {
                    let g = &ctr[probe]["httpGet"];
                    assert_eq!(g["path"].as_str(), Some(path), "{ctx}: {probe}");
                    assert_eq!(
                        resolve(&g["port"]),
                        port,
                        "{ctx}: {probe} port vs REPORT_INGEST_METRICS_ADDR {addr}"
                    );
                }
                // Kubernetes waits longer than the worker's own shutdown deadline.
                let grace: u64 = env
                    .get("REPORT_INGEST_SHUTDOWN_GRACE")
                    .cloned()
                    .or_else(|| h.defaults.get("--shutdown-grace").cloned())
                    .expect("shutdown grace")
                    .parse()
                    .unwrap();
                let term = owner["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
                    .as_u64()
                    .expect("terminationGracePeriodSeconds");
                assert!(
                    term > grace,
                    "{ctx}: terminationGracePeriodSeconds {term} ≤ shutdown grace {grace}"
                );
                assert_eq!(
                    env.get("REPORT_INGEST_NO_MIGRATE").map(String::as_str),
                    Some("true"),
                    "{ctx}: the Job migrates"
                );
            } else {
                assert_eq!(path, vec!["migrate"], "{ctx}");
            }
        }
    }

    // Secrets: one Secret, documented in deploy/README.md (it is not committed).
    let secret_names: BTreeSet<&String> = secret_refs.iter().map(|(s, _)| s).collect();
    assert_eq!(secret_names.len(), 1, "one Secret: {secret_refs:?}");
    let secret = (*secret_names.iter().next().unwrap()).clone();
    let readme = read("deploy/README.md");
    assert!(
        readme.contains(&secret),
        "deploy/README.md explains how to create Secret {secret}"
    );
    for (_, key) in &secret_refs {
        assert!(
            readme.contains(key.as_str()),
            "deploy/README.md names Secret key {key}"
        );
    }

    // KEDA: scale the Deployment on `{prefix}.urls`, credentials from the same Secret.
    let prefix = worker_env
        .get("REPORT_INGEST_PREFIX")
        .cloned()
        .unwrap_or_else(|| "report".into());
    let scaled = find(&objs, "ScaledObject");
    assert_eq!(scaled.len(), 1);
    let so = scaled[0];
    assert_eq!(
        so["spec"]["scaleTargetRef"]["name"].as_str(),
        Some(name_of(deployments[0]).as_str())
    );
    let trig = so["spec"]["triggers"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|t| t["type"].as_str() == Some("rabbitmq"))
        .expect("rabbitmq trigger");
    assert_eq!(
        trig["metadata"]["queueName"].as_str(),
        Some(format!("{prefix}.urls").as_str())
    );
    assert_eq!(trig["metadata"]["mode"].as_str(), Some("QueueLength"));
    assert!(scalar(&trig["metadata"]["value"])
        .and_then(|v| v.parse::<u64>().ok())
        .is_some_and(|v| v > 0));
    let auth_name = trig["authenticationRef"]["name"]
        .as_str()
        .expect("authenticationRef");
    let auths = find(&objs, "TriggerAuthentication");
    let auth = auths
        .iter()
        .find(|a| name_of(a) == auth_name)
        .unwrap_or_else(|| panic!("TriggerAuthentication {auth_name} missing"));
    let host_ref = auth["spec"]["secretTargetRef"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|r| r["parameter"].as_str() == Some("host"))
        .expect("secretTargetRef for host");
    assert_eq!(host_ref["name"].as_str(), Some(secret.as_str()));
    assert_eq!(host_ref["key"].as_str(), Some("AMQP_URL"));
    let min = so["spec"]["minReplicaCount"].as_u64().unwrap_or(0);
    let max = so["spec"]["maxReplicaCount"]
        .as_u64()
        .expect("maxReplicaCount");
    assert!(min >= 1 && max > min, "replicas {min}..{max}");

    // The PodDisruptionBudget selects exactly the worker pods.
    let pdbs = find(&objs, "PodDisruptionBudget");
    assert_eq!(pdbs.len(), 1);
    let pod_labels = &deployments[0]["spec"]["template"]["metadata"]["labels"];
    let sel = &pdbs[0]["spec"]["selector"]["matchLabels"];
    for k in map_keys(sel) {
        assert_eq!(sel[k.as_str()], pod_labels[k.as_str()], "PDB selector {k}");
    }
    assert_eq!(
        deployments[0]["spec"]["selector"]["matchLabels"], *sel,
        "PDB and Deployment select the same pods"
    );
    let job_labels = &jobs[0]["spec"]["template"]["metadata"]["labels"];
    assert!(
        map_keys(sel)
            .iter()
            .any(|k| sel[k.as_str()] != job_labels[k.as_str()]),
        "PDB must not select the migrate Job"
    );

    // kustomization.yaml lists every manifest file.
    let kust: Value = serde_yaml::from_str(&read("deploy/kustomization.yaml")).unwrap();
    let listed: BTreeSet<String> = str_list(&kust["resources"]).into_iter().collect();
    let files: BTreeSet<String> = objs
        .iter()
        .map(|(f, _)| f.clone())
        .filter(|f| f != "kustomization.yaml")
        .collect();
    assert_eq!(listed, files, "kustomization.yaml resources");
}

#[test]
fn help_parser_sees_flags_envs_and_hidden_commands() {
    // Guards the checks above against a help parser that finds nothing.
    let top = help(&[]).unwrap();
    assert!(
        top.subcommands.contains("worker") && top.subcommands.contains("migrate"),
        "{top:?}"
    );
    assert!(
        !top.subcommands.contains("healthcheck"),
        "healthcheck is hidden"
    );
    let w = help(&["worker"]).unwrap();
    assert!(w.flags.contains("--metrics-addr"));
    assert!(w.envs.contains("REPORT_INGEST_METRICS_ADDR"));
    assert!(w.envs.contains("AMQP_URL"));
    assert!(
        w.envs.contains("REPORT_INGEST_LOG_FORMAT"),
        "global flags reach subcommands"
    );
    assert_eq!(
        w.defaults.get("--shutdown-grace").map(String::as_str),
        Some("20")
    );
    assert!(help(&["healthcheck"]).is_some());
    assert!(help(&["no-such-command"]).is_none());
    let bad = std::panic::catch_unwind(|| {
        check_command("t", &["worker".into(), "--no-such-flag".into()])
    });
    assert!(bad.is_err(), "an unknown flag is caught");
}

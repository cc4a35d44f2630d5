//! `report-ingest worker` child processes for the suites that need a real process (signals,
//! crashes, several pools): one way to spawn one, with its output captured in a log file,
//! and the signal and wait helpers. [`super::env::TestEnv::spawn_worker_process`] spawns one
//! on the env's prefix and schema; a suite with its own deployment settings (the fault
//! suite) calls [`spawn`] with all of its flags.
use std::path::PathBuf;
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

/// The binary under test (the same build as the test).
pub const BIN: &str = env!("CARGO_BIN_EXE_report-ingest");

/// The flags of a test worker on deployment `prefix` (also its schema): the connections,
/// private addresses allowed, no robots, no politeness limits, concurrency 4, short retry
/// delays. `--shutdown-grace` is the caller's.
pub fn worker_flags(prefix: &str, amqp_url: &str, database_url: &str) -> Vec<String> {
    [
        "--prefix",
        prefix,
        "--db-schema",
        prefix,
        "--amqp-url",
        amqp_url,
        "--database-url",
        database_url,
        "--allow-private",
        "--ignore-robots",
        "--host-rate",
        "100000",
        "--host-concurrency",
        "10000",
        "--concurrency",
        "4",
        "--retry-delays",
        "1,1,2",
        "--max-attempts",
        "3",
    ]
    .map(str::to_owned)
    .to_vec()
}

/// How to start a worker process, besides its connection settings.
#[derive(Debug, Clone, Default)]
pub struct WorkerOptions {
    /// More flags, after the caller's.
    pub args: Vec<String>,
    /// Environment overrides (`RUST_LOG` is `warn` unless set here).
    pub env: Vec<(String, String)>,
    /// Where stdout and stderr go (both, in order); `None`: a fresh file in the temp dir.
    pub log: Option<PathBuf>,
    /// An address-space limit (`RLIMIT_AS`, bytes) set in the child before exec.
    pub rlimit_as: Option<u64>,
}

impl WorkerOptions {
    /// Options with these extra flags.
    pub fn args<S: AsRef<str>>(args: &[S]) -> Self {
        Self {
            args: args.iter().map(|a| a.as_ref().to_owned()).collect(),
            ..Self::default()
        }
    }

    /// Adds an environment override.
    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.env.push((key.to_owned(), value.to_owned()));
        self
    }

    /// Sends stdout and stderr to `path`.
    pub fn log(mut self, path: impl Into<PathBuf>) -> Self {
        self.log = Some(path.into());
        self
    }
}

/// A running `report-ingest worker` (killed if dropped).
pub struct WorkerProcess {
    child: tokio::process::Child,
    /// Its stdout and stderr.
    pub log: PathBuf,
}

/// Starts `report-ingest worker ARGS…` with `opts` (its flags after `args`).
pub fn spawn(args: &[String], opts: &WorkerOptions) -> WorkerProcess {
    let log = opts.log.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("{}-worker.log", super::unique("proc")))
    });
    let file = std::fs::File::create(&log).unwrap();
    let mut cmd = tokio::process::Command::new(BIN);
    cmd.arg("worker")
        .args(args)
        .args(&opts.args)
        .env("RUST_LOG", "warn")
        .envs(opts.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .stdin(Stdio::null())
        .stdout(file.try_clone().unwrap())
        .stderr(file)
        .kill_on_drop(true);
    if let Some(limit) = opts.rlimit_as {
        // SAFETY: only setrlimit (async-signal-safe) runs between fork and exec.
        unsafe {
            cmd.pre_exec(move || {
                let lim = libc::rlimit {
                    rlim_cur: limit as libc::rlim_t,
                    rlim_max: limit as libc::rlim_t,
                };
                if libc::setrlimit(libc::RLIMIT_AS, &lim) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
    WorkerProcess {
        child: cmd.spawn().unwrap(),
        log,
    }
}

impl WorkerProcess {
    /// The process id (`None` once it has been waited for).
    pub fn id(&self) -> Option<u32> {
        self.child.id()
    }

    /// Sends SIGTERM (a graceful stop); false when there was no process to signal.
    pub fn sigterm(&self) -> bool {
        self.id().is_some_and(|pid| {
            std::process::Command::new("kill")
                .args(["-TERM", &pid.to_string()])
                .status()
                .is_ok_and(|s| s.success())
        })
    }

    /// Sends SIGKILL without waiting.
    pub fn start_kill(&mut self) {
        let _ = self.child.start_kill();
    }

    /// SIGKILL and wait for it.
    pub async fn kill(&mut self) {
        let _ = self.child.kill().await;
    }

    /// Waits for the process to exit.
    pub async fn wait(&mut self) -> ExitStatus {
        self.child.wait().await.unwrap()
    }

    /// Waits up to `timeout`: `None` if it is still running.
    pub async fn wait_timeout(&mut self, timeout: Duration) -> Option<ExitStatus> {
        tokio::time::timeout(timeout, self.child.wait())
            .await
            .ok()
            .map(Result::unwrap)
    }

    /// Its exit status if it has exited.
    pub fn try_wait(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// SIGTERM, then its exit status (panics if it takes longer than `timeout`).
    pub async fn stop(&mut self, timeout: Duration) -> ExitStatus {
        assert!(self.sigterm(), "SIGTERM could not be sent");
        match self.wait_timeout(timeout).await {
            Some(status) => status,
            None => panic!("the worker did not exit within {timeout:?} of SIGTERM"),
        }
    }

    /// What it has written so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

//! `report-ingest enqueue` as a process against the real RabbitMQ: what it says it
//! confirmed is what is in the queue, in the contract's message format.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use lapin::options::BasicGetOptions;
use report_ingest::queue::{self, parse_message, Names};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enqueue_from_a_file_confirms_every_line_and_skips_junk() {
    let prefix = support::unique("enq");
    let names = Names::new(&prefix);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("urls.txt");
    let mut text = String::new();
    for i in 0..2000 {
        text.push_str(&format!("https://example.org/r/{i}.html\n"));
    }
    text.push_str("{\"url\":\"https://example.org/json.html\",\"id\":\"j1\"}\n");
    text.push_str("ftp://example.org/nope\n\nnot a url\n");
    std::fs::write(&file, text).unwrap();

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_report-ingest"))
        .arg("enqueue")
        .args(["--prefix", &prefix, "--amqp-url", support::AMQP_URL])
        .arg("--file")
        .arg(&file)
        .args(["--meta", "{\"batch\":\"b1\"}"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("confirmed 2001 of 2001"), "{stdout}");
    assert!(stdout.contains("skipped 2"), "{stdout}");

    let conn = queue::connect(&support::broker_args(&prefix))
        .await
        .unwrap();
    let ch = conn.create_channel().await.unwrap();
    assert_eq!(support::queue_depth(&ch, &names.urls).await, 2001);
    let m = ch
        .basic_get(names.urls.as_str().into(), BasicGetOptions { no_ack: true })
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        m.delivery.properties.delivery_mode(),
        &Some(2),
        "persistent"
    );
    let msg = parse_message(&m.delivery.data).unwrap();
    assert!(msg.url.starts_with("https://example.org/r/"));
    assert_eq!(msg.meta, Some(serde_json::json!({"batch": "b1"})));
    support::delete_topology(&ch, &names, support::DEFAULT_RETRY_DELAYS, &[]).await;
    let _ = conn.close(200, "done".into()).await;
}

//! Attachments (issue 13), end to end against the real RabbitMQ and PostgreSQL and a real
//! local page server: a report page whose 附件 block links a DOCX, a PDF, a broken DOCX
//! and an image-only PDF (all generated here by `report_docread::testdata`). Listed in
//! the report and in `report_attachments`; with `--fetch-attachments` the Chinese text of
//! the two good files is stored as articles with figures, the two bad ones are recorded
//! as attachment errors, and the report is still stored.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::time::Duration;

use report_docread::testdata;
use serde_json::Value;
use support::env::TestEnv;

const WAIT: Duration = Duration::from_secs(60);

fn page() -> String {
    let para = "今年以来，区统计局紧扣全区发展大局，扎实开展各项统计调查，数据质量稳步提升，\
                统计服务能力明显增强，为区委区政府科学决策提供了有力支撑。";
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\">\
         <title>西江区统计局2023年工作总结_西江区人民政府</title></head><body>\
         <div class=\"nav\"><a href=\"/\">首页</a> <a href=\"/xxgk/\">信息公开</a></div>\
         <div class=\"article\"><h1>西江区统计局2023年工作总结</h1>\
         <div class=\"info\">发布日期：2024-02-01 来源：西江区统计局</div>\
         <div class=\"content\"><p>{para}</p><p>一、主要工作</p><p>{para}</p></div>\
         <div class=\"attach\">附件：\
         <p><a href=\"/files/zongjie.docx\">1. 2023年统计工作总结.docx</a></p>\
         <p><a href=\"/files/shuju.pdf\">2. 主要统计数据.pdf</a></p>\
         <p><a href=\"/files/broken.docx\">3. 损坏的文件.docx</a></p>\
         <p><a href=\"/files/scan.pdf\">4. 扫描件.pdf</a></p></div></div>\
         <div class=\"footer\">西江区人民政府 版权所有</div></body></html>"
    )
}

async fn serve(env: &TestEnv) {
    env.server.add_page(
        "/r/tongji.html",
        Some("text/html; charset=utf-8"),
        page().into_bytes(),
    );
    let docx = testdata::docx(&[
        "一、全年统计调查完成情况",
        "全年完成各类统计调查任务36项，联网直报企业达到1250家。",
        "二、下一步工作打算",
    ]);
    let pdf = testdata::pdf(&["一、主要经济指标", "地区生产总值增长5.6%，投资约25万元。"]);
    let mut broken = testdata::docx(&["这份文件被截断了。"]);
    broken.truncate(broken.len() / 2);
    let docx_type = Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    env.server.add_page("/files/zongjie.docx", docx_type, docx);
    env.server
        .add_page("/files/shuju.pdf", Some("application/pdf"), pdf);
    env.server.add_page("/files/broken.docx", docx_type, broken);
    env.server.add_page(
        "/files/scan.pdf",
        Some("application/pdf"),
        testdata::image_only_pdf(),
    );
}

async fn attachment_rows(
    env: &TestEnv,
    url: &str,
) -> Vec<(String, String, String, Option<String>)> {
    env.pg
        .query(
            &format!(
                "SELECT a.kind, a.url, a.status, a.error FROM \"{0}\".report_attachments a \
                 JOIN \"{0}\".reports r ON r.id = a.report_id WHERE r.url = $1 ORDER BY a.ordinal",
                env.prefix
            ),
            &[&url],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect()
}

async fn report_json(env: &TestEnv, url: &str) -> Value {
    env.pg
        .query_one(
            &format!(
                "SELECT report FROM \"{}\".reports WHERE url = $1",
                env.prefix
            ),
            &[&url],
        )
        .await
        .unwrap()
        .get(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn attachments_are_listed_without_the_flag_and_nothing_is_fetched() {
    let env = TestEnv::new("att_list").await;
    serve(&env).await;
    let w = env.start_worker();
    let url = env.server.url("/r/tongji.html");
    env.enqueue(serde_json::json!({"url": url})).await;
    let ev = env.events(1, WAIT).await.remove(0);
    assert_eq!(ev["type"], "report.completed", "{ev:#}");
    assert_eq!(ev["data"]["attachment_count"], 4);
    let rows = attachment_rows(&env, &url).await;
    let kinds: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(kinds, ["docx", "pdf", "docx", "pdf"]);
    assert_eq!(rows[0].1, env.server.url("/files/zongjie.docx"));
    assert!(
        rows.iter().all(|r| r.2 == "listed" && r.3.is_none()),
        "{rows:?}"
    );
    let report = report_json(&env, &url).await;
    assert_eq!(
        report["attachments"][0]["name"], "2023年统计工作总结",
        "{report:#}"
    );
    assert_eq!(report["attachments"][1]["name"], "主要统计数据");
    assert_eq!(report["articles"].as_array().unwrap().len(), 1);
    assert_eq!(env.server.hits("/files/zongjie.docx"), 0);
    w.stop().await;
    env.teardown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fetch_attachments_stores_their_text_as_articles_and_records_bad_files() {
    let mut env = TestEnv::new("att_fetch").await;
    env.settings.worker.fetch_attachments = true;
    serve(&env).await;
    let w = env.start_worker();
    let url = env.server.url("/r/tongji.html");
    env.enqueue(serde_json::json!({"url": url})).await;
    let ev = env.events(1, WAIT).await.remove(0);
    assert_eq!(ev["type"], "report.completed", "{ev:#}");
    assert_eq!(ev["data"]["attachment_count"], 4);
    let rows = attachment_rows(&env, &url).await;
    let got: Vec<(&str, Option<&str>)> = rows
        .iter()
        .map(|r| (r.2.as_str(), r.3.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            ("read", None),
            ("read", None),
            ("error", Some("corrupt")),
            ("error", Some("no_text"))
        ]
    );

    let report = report_json(&env, &url).await;
    let articles = report["articles"].as_array().unwrap();
    assert_eq!(articles.len(), 3, "{report:#}");
    assert!(articles[0].get("source").is_none());
    let docx = &articles[1];
    assert_eq!(docx["source"], "attachment");
    assert_eq!(
        docx["attachment_url"],
        env.server.url("/files/zongjie.docx")
    );
    assert_eq!(docx["title"], "2023年统计工作总结");
    let text = docx["main_text"].as_str().unwrap();
    assert!(text.contains("联网直报企业达到1250家"), "{text}");
    assert_eq!(docx["outline"][0]["marker"], "一、");
    assert_eq!(docx["outline"][1]["marker"], "二、");
    let units: Vec<&str> = docx["figures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["unit"].as_str().unwrap())
        .collect();
    assert!(units.contains(&"项") && units.contains(&"家"), "{units:?}");
    let pdf = &articles[2];
    assert_eq!(pdf["attachment_url"], env.server.url("/files/shuju.pdf"));
    let text = pdf["main_text"].as_str().unwrap();
    assert!(text.contains("地区生产总值增长5.6%"), "{text}");
    let values: Vec<f64> = pdf["figures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["value"].as_f64().unwrap())
        .collect();
    assert!(values.contains(&250000.0), "{values:?}");
    assert_eq!(report["attachments"][3]["error"], "no_text");

    // The article rows hold the attachment text too.
    let n: i64 = env
        .pg
        .query_one(
            &format!(
                "SELECT count(*) FROM \"{0}\".report_articles a JOIN \"{0}\".reports r \
                 ON r.id = a.report_id WHERE r.url = $1",
                env.prefix
            ),
            &[&url],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, 3);

    // A second pass with the same page and files changes nothing.
    env.enqueue(serde_json::json!({"url": url})).await;
    let ev2 = env.events(1, WAIT).await.remove(0);
    assert_eq!(ev2["data"]["unchanged"], true, "{ev2:#}");
    assert_eq!(ev2["id"], ev["id"]);
    w.stop().await;

    // replay re-extracts the page from its stored bytes and keeps the attachment
    // articles and errors (their files' bytes are not stored): nothing changes.
    let store = report_ingest::store::Store::connect(&env.settings.db)
        .await
        .unwrap();
    let stats = report_ingest::ops::replay::run(&store, &Default::default())
        .await
        .unwrap();
    assert_eq!(stats.changed, 0, "{stats:?}");
    assert_eq!(
        report_json(&env, &url).await["articles"],
        report["articles"]
    );
    assert_eq!(attachment_rows(&env, &url).await, rows);
    env.teardown().await;
}

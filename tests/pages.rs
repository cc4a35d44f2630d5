//! Reports split over pages (issue 13), end to end against the real RabbitMQ and
//! PostgreSQL and a real local page server: the worker follows `下一页` on the same
//! report, stores one stitched report with its `report_pages`, says `page_count` and
//! `pages_missing` in the event, changes nothing on a second pass, and `replay`
//! reassembles the report from the stored bytes. The pages are written here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::time::Duration;

use report_ingest::ops::replay::{self, ReplayOptions};
use report_ingest::store::Store;
use serde_json::Value;
use support::env::TestEnv;
use support::http::Page;

const WAIT: Duration = Duration::from_secs(60);

/// Page `n` of a report of `total` pages at `/r/{stem}.html`, `/r/{stem}_2.html`, …; the
/// heading repeats on every page, `next` is the link written in the page (if any).
fn report_page(n: u32, total: u32, next: Option<&str>, paras: &[String]) -> String {
    let body: String = paras.iter().map(|p| format!("<p>{p}</p>")).collect();
    let next = next.map_or(String::new(), |href| {
        format!("<a href=\"{href}\">下一页</a>")
    });
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\">\
         <title>东湖区卫生健康局2023年工作总结_东湖区人民政府</title></head><body>\
         <div class=\"nav\"><a href=\"/\">首页</a> <a href=\"/zwgk/\">政务公开</a> \
         <a href=\"/hdjl/\">互动交流</a></div>\
         <div class=\"article\"><h1>东湖区卫生健康局2023年工作总结</h1>\
         <div class=\"info\">发布时间：2024-01-15 来源：东湖区卫生健康局</div>\
         <div class=\"content\">{body}</div>\
         <div class=\"pages\">共{total}页 当前第{n}页 {next}</div></div>\
         <div class=\"footer\">主办单位：东湖区人民政府办公室 版权所有</div></body></html>"
    )
}

fn paras(section: &str, topic: &str, figure: &str) -> Vec<String> {
    vec![
        format!("{section}{topic}"),
        format!(
            "全年围绕{topic}这一重点，组织各科室逐项分解任务、明确责任，{figure}，\
             各项指标均按时完成，群众满意度较上年有所提高。"
        ),
        format!(
            "在推进{topic}的过程中，我们坚持问题导向，定期召开调度会议，\
             及时研究解决基层反映的困难，形成了一批可复制的经验做法。"
        ),
    ]
}

/// The three pages of the report: page 2 repeats page 1's last paragraph at its top (as
/// some sites do), page 3 links back to page 1 (a loop).
fn three_pages(stem: &str) -> [(String, String); 3] {
    let p1 = paras("一、", "公共卫生服务", "免费接诊群众51654人次");
    let mut p2 = vec![p1[2].clone()];
    p2.extend(paras("二、", "疫苗接种管理", "适龄儿童接种率90.70%"));
    let p3 = paras("三、", "基层医疗建设", "投入资金约25万元");
    [
        (
            format!("/r/{stem}.html"),
            report_page(1, 3, Some(&format!("{stem}_2.html")), &p1),
        ),
        (
            format!("/r/{stem}_2.html"),
            report_page(2, 3, Some(&format!("{stem}_3.html")), &p2),
        ),
        (
            format!("/r/{stem}_3.html"),
            report_page(3, 3, Some(&format!("{stem}.html")), &p3),
        ),
    ]
}

fn serve(env: &TestEnv, pages: &[(String, String)]) {
    for (path, html) in pages {
        env.server.add_page(
            path,
            Some("text/html; charset=utf-8"),
            html.clone().into_bytes(),
        );
    }
}

async fn one_row(env: &TestEnv, sql: &str, url: &str) -> tokio_postgres::Row {
    env.pg
        .query_one(&sql.replace("{s}", &format!("\"{}\"", env.prefix)), &[&url])
        .await
        .unwrap()
}

/// The stored report's main text (all articles) and its JSON.
async fn stored(env: &TestEnv, url: &str) -> (String, Value) {
    let row = one_row(
        env,
        "SELECT r.report, (SELECT string_agg(main_text, E'\\n' ORDER BY ordinal) \
         FROM {s}.report_articles a WHERE a.report_id = r.id) FROM {s}.reports r WHERE url = $1",
        url,
    )
    .await;
    (
        row.get::<_, Option<String>>(1).unwrap_or_default(),
        row.get(0),
    )
}

fn occurrences(text: &str, needle: &str) -> usize {
    text.matches(needle).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_pages_are_stored_as_one_report_and_a_second_pass_changes_nothing() {
    let env = TestEnv::new("pg_three").await;
    let pages = three_pages("300");
    serve(&env, &pages);
    let w = env.start_worker();
    let url = env.server.url(&pages[0].0);
    env.enqueue(serde_json::json!({"url": url, "id": "three"}))
        .await;
    let ev = env.events(1, WAIT).await.remove(0);
    assert_eq!(ev["type"], "report.completed", "{ev:#}");
    let d = &ev["data"];
    assert_eq!(d["page_count"], 3, "{d:#}");
    assert_eq!(d["pages_missing"], 0);
    assert_eq!(d["incomplete"], false);
    assert_eq!(d["id"], "three");
    // Each page fetched once: the loop back from page 3 to page 1 ends the walk.
    for (path, _) in &pages {
        assert_eq!(env.server.hits(path), 1, "{path}");
    }
    // Each page's extraction is counted once in the extract metrics, later pages too.
    let text = w.metrics.render();
    assert!(
        text.lines()
            .any(|l| l == "report_ingest_articles_per_page_count 3"),
        "{text}"
    );

    let (text, report) = stored(&env, &url).await;
    for needle in ["公共卫生服务", "疫苗接种管理", "基层医疗建设"] {
        assert_eq!(
            occurrences(&text, &format!("全年围绕{needle}")),
            1,
            "{text}"
        );
    }
    // The paragraph page 2 repeats from page 1 is kept once; the heading not at all.
    assert_eq!(occurrences(&text, "在推进公共卫生服务"), 1, "{text}");
    assert_eq!(
        occurrences(&text, "东湖区卫生健康局2023年工作总结"),
        0,
        "{text}"
    );
    let outline: Vec<&str> = report["articles"][0]["outline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["marker"].as_str().unwrap())
        .collect();
    assert_eq!(outline, ["一、", "二、", "三、"], "{report:#}");
    let figure_pages: Vec<(String, u64)> = report["articles"][0]["figures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["unit"].as_str().unwrap().to_owned(),
                f["page"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(
        figure_pages.contains(&("人次".into(), 1)),
        "{figure_pages:?}"
    );
    assert!(figure_pages.contains(&("%".into(), 2)), "{figure_pages:?}");
    assert!(figure_pages.contains(&("元".into(), 3)), "{figure_pages:?}");
    let listed: Vec<&str> = report["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["url"].as_str().unwrap())
        .collect();
    assert_eq!(listed.len(), 3, "{report:#}");

    let row = one_row(
        &env,
        "SELECT page_count, pages_missing, updated_at::text, id FROM {s}.reports WHERE url = $1",
        &url,
    )
    .await;
    let (count, missing, updated, id): (i32, i32, String, i64) =
        (row.get(0), row.get(1), row.get(2), row.get(3));
    assert_eq!((count, missing), (3, 0));
    let rows = env
        .pg
        .query(
            &format!(
                "SELECT ordinal, url, http_status, body_zstd IS NOT NULL, length(content_sha256) \
                 FROM \"{}\".report_pages WHERE report_id = $1 ORDER BY ordinal",
                env.prefix
            ),
            &[&id],
        )
        .await
        .unwrap();
    let got: Vec<(i32, String, i32, bool, i32)> = rows
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4)))
        .collect();
    assert_eq!(
        got,
        vec![
            (1, url.clone(), 200, false, 64),
            (2, env.server.url(&pages[1].0), 200, true, 64),
            (3, env.server.url(&pages[2].0), 200, true, 64),
        ]
    );

    // Same pages, same content: no row changes, the event says unchanged.
    env.enqueue(serde_json::json!({"url": url})).await;
    let ev2 = env.events(1, WAIT).await.remove(0);
    assert_eq!(ev2["data"]["unchanged"], true, "{ev2:#}");
    assert_eq!(ev2["data"]["page_count"], 3);
    assert_eq!(ev2["id"], ev["id"]);
    let row = one_row(
        &env,
        "SELECT updated_at::text, (SELECT count(*) FROM {s}.report_pages p WHERE p.report_id = r.id) \
         FROM {s}.reports r WHERE url = $1",
        &url,
    )
    .await;
    assert_eq!(row.get::<_, String>(0), updated);
    assert_eq!(row.get::<_, i64>(1), 3);
    w.stop().await;

    // replay reassembles the report from the stored bytes, with no network: the page
    // server is gone, and a report spoiled in the table comes back whole.
    let hits_before: usize = pages.iter().map(|(p, _)| env.server.hits(p)).sum();
    env.pg
        .batch_execute(&format!(
            "UPDATE \"{0}\".reports SET report = jsonb_set(report, '{{articles}}', '[]') \
             WHERE id = {id}; DELETE FROM \"{0}\".report_articles WHERE report_id = {id};",
            env.prefix
        ))
        .await
        .unwrap();
    let store = Store::connect(&env.settings.db).await.unwrap();
    let stats = replay::run(&store, &ReplayOptions::default())
        .await
        .unwrap();
    assert_eq!(stats.changed, 1, "{stats:?}");
    let (again, replayed) = stored(&env, &url).await;
    assert_eq!(again, text);
    assert_eq!(replayed["articles"], report["articles"]);
    let hits_after: usize = pages.iter().map(|(p, _)| env.server.hits(p)).sum();
    assert_eq!(hits_after, hits_before, "replay fetched nothing");
    env.teardown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_404_on_page_3_stores_the_first_two_as_incomplete() {
    let env = TestEnv::new("pg_404").await;
    let pages = three_pages("404");
    serve(&env, &pages[..2]);
    env.server.add(
        &pages[2].0,
        Page {
            status: 404,
            content_type: Some("text/html".into()),
            headers: vec![],
            body: "<html><body>页面不存在</body></html>".into(),
        },
    );
    let w = env.start_worker();
    let url = env.server.url(&pages[0].0);
    env.enqueue(serde_json::json!({"url": url})).await;
    let ev = env.events(1, WAIT).await.remove(0);
    assert_eq!(ev["type"], "report.completed", "{ev:#}");
    assert_eq!(ev["data"]["page_count"], 2);
    assert_eq!(ev["data"]["pages_missing"], 1);
    assert_eq!(ev["data"]["incomplete"], true);
    let row = one_row(
        &env,
        "SELECT page_count, pages_missing FROM {s}.reports WHERE url = $1",
        &url,
    )
    .await;
    assert_eq!((row.get::<_, i32>(0), row.get::<_, i32>(1)), (2, 1));
    let (text, _) = stored(&env, &url).await;
    assert!(
        text.contains("疫苗接种管理") && !text.contains("基层医疗建设"),
        "{text}"
    );
    // A permanent failure of a later page is not retried.
    assert_eq!(env.server.hits(&pages[2].0), 1);
    w.stop().await;
    env.teardown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_503_on_page_2_retries_the_whole_message() {
    let env = TestEnv::new("pg_503").await;
    let pages = three_pages("503");
    serve(&env, &[pages[0].clone(), pages[2].clone()]);
    env.server.add(
        &pages[1].0,
        Page {
            status: 503,
            content_type: Some("text/html".into()),
            headers: vec![],
            body: "<html><body>busy</body></html>".into(),
        },
    );
    let w = env.start_worker();
    let url = env.server.url(&pages[0].0);
    env.enqueue(serde_json::json!({"url": url})).await;
    support::eventually(WAIT, "page 2 answered 503", || async {
        (env.server.hits(&pages[1].0) >= 1).then_some(())
    })
    .await;
    assert_eq!(env.report_rows(&url).await, 0, "no half report is stored");
    serve(&env, &pages[1..2]);
    let ev = env.events(1, WAIT).await.remove(0);
    assert_eq!(ev["type"], "report.completed", "{ev:#}");
    assert_eq!(ev["data"]["page_count"], 3);
    assert_eq!(ev["data"]["pages_missing"], 0);
    assert!(
        env.server.hits(&pages[0].0) >= 2,
        "page 1 fetched again on the retry"
    );
    assert_eq!(env.report_rows(&url).await, 1);
    w.stop().await;
    env.teardown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn page_two_enqueued_walks_forward_only_and_max_pages_cuts_the_walk() {
    let mut env = TestEnv::new("pg_fwd").await;
    env.settings.worker.max_pages = 2;
    let pages = three_pages("777");
    serve(&env, &pages);
    let w = env.start_worker();
    // Page 2 as enqueued: its own row, pages 2 and 3, nothing of page 1 fetched.
    let second = env.server.url(&pages[1].0);
    env.enqueue(serde_json::json!({"url": second})).await;
    let ev = env.events(1, WAIT).await.remove(0);
    assert_eq!(ev["data"]["url"], second.as_str());
    assert_eq!(ev["data"]["page_count"], 2);
    assert_eq!(ev["data"]["pages_missing"], 0);
    assert_eq!(env.server.hits(&pages[0].0), 0);
    // Page 1 with --max-pages 2: pages 1 and 2 stored, one missing.
    let first = env.server.url(&pages[0].0);
    env.enqueue(serde_json::json!({"url": first})).await;
    let ev = env.events(1, WAIT).await.remove(0);
    assert_eq!(ev["data"]["url"], first.as_str());
    assert_eq!(ev["data"]["page_count"], 2);
    assert_eq!(ev["data"]["pages_missing"], 1);
    assert_eq!(ev["data"]["incomplete"], true);
    w.stop().await;
    env.teardown().await;
}

/// A report whose third page changed since it was stored: the next pass stores the new
/// text (a new content hash and event id, not `unchanged`), replaces the articles and the
/// third page's row instead of adding any, and keeps one report row.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_changed_later_page_updates_the_report() {
    let env = TestEnv::new("pg_changed").await;
    let mut pages = three_pages("500");
    serve(&env, &pages);
    let w = env.start_worker();
    let url = env.server.url(&pages[0].0);
    env.enqueue(serde_json::json!({"url": url})).await;
    let first = env.events(1, WAIT).await.remove(0);
    assert_eq!(first["data"]["unchanged"], false, "{first:#}");
    let (before, _) = stored(&env, &url).await;
    assert_eq!(occurrences(&before, "全年围绕基层医疗建设"), 1, "{before}");

    pages[2].1 = report_page(
        3,
        3,
        Some("500.html"),
        &paras("三、", "家庭医生签约", "签约居民12800人"),
    );
    serve(&env, &pages[2..]);
    env.enqueue(serde_json::json!({"url": url})).await;
    let second = env.events(1, WAIT).await.remove(0);
    assert_eq!(second["type"], "report.completed", "{second:#}");
    assert_eq!(second["data"]["unchanged"], false, "{second:#}");
    assert_eq!(second["data"]["page_count"], 3);
    assert_ne!(second["id"], first["id"]);
    assert_ne!(
        second["data"]["content_sha256"],
        first["data"]["content_sha256"]
    );

    let (after, report) = stored(&env, &url).await;
    assert_eq!(occurrences(&after, "全年围绕基层医疗建设"), 0, "{after}");
    assert_eq!(occurrences(&after, "全年围绕家庭医生签约"), 1, "{after}");
    assert_eq!(occurrences(&after, "全年围绕公共卫生服务"), 1, "{after}");
    assert_eq!(
        report["articles"].as_array().unwrap().len(),
        1,
        "{report:#}"
    );
    let row = one_row(
        &env,
        "SELECT (SELECT count(*) FROM {s}.reports WHERE url = $1), \
         (SELECT count(*) FROM {s}.report_articles a JOIN {s}.reports r ON r.id = a.report_id \
          WHERE r.url = $1), \
         (SELECT count(*) FROM {s}.report_pages p JOIN {s}.reports r ON r.id = p.report_id \
          WHERE r.url = $1), \
         (SELECT p.content_sha256 FROM {s}.report_pages p JOIN {s}.reports r \
          ON r.id = p.report_id WHERE r.url = $1 AND p.ordinal = 3)",
        &url,
    )
    .await;
    assert_eq!(row.get::<_, i64>(0), 1);
    assert_eq!(row.get::<_, i64>(1), 1);
    assert_eq!(row.get::<_, i64>(2), 3);
    let page3_sha = report_ingest::store::save::content_sha256(pages[2].1.as_bytes());
    assert_eq!(row.get::<_, String>(3), page3_sha);
    w.stop().await;
    env.teardown().await;
}

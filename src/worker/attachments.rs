//! `--fetch-attachments`: the DOCX and PDF files a report links to (`附件：…`) are fetched
//! through the same robots check, host budget, SSRF guard and body cap as a page, read
//! (`report_docread`, on the blocking pool under an extraction slot), and their text
//! becomes an extra article with `source: "attachment"` and its own outline and figures.
//!
//! One attachment's failure never fails the report: it is recorded on that attachment
//! (`error`: `http_404`, `no_text` for a scanned PDF, `corrupt`, `host_budget`…) and the
//! report is stored. At most [`MAX_READ`] attachments are read per report.

use std::sync::Arc;

use bytes::Bytes;

use super::failure::Failure;
use super::pages::{fetch_checked, Got, Target};
use super::pipeline::Context;
use crate::extract::{self, Article, Report};
use crate::fetch;

/// Attachments read per report: a page listing fifty files is an archive index, not a
/// report with its annexes, and each read costs a fetch under the host's budget.
pub const MAX_READ: usize = 10;

/// Fetches and reads the report's DOCX/PDF attachments; appends an article per file
/// read, records an error on each that failed. Returns the bodies read (their hashes
/// join the report's content hash, so a changed attachment updates the report).
pub async fn read_all(ctx: &Context, report: &mut Report) -> Vec<Bytes> {
    let readable: Vec<(usize, report_docread::Kind)> = report
        .attachments
        .iter()
        .enumerate()
        .filter_map(|(i, a)| report_docread::kind_of(&a.kind).map(|k| (i, k)))
        .take(MAX_READ)
        .collect();
    let mut bodies = Vec::new();
    for (i, kind) in readable {
        let Some(a) = report.attachments.get(i) else {
            continue;
        };
        let result = fetch_and_read(ctx, kind, &a.name, &a.url).await;
        match result {
            Ok((article, body)) => {
                bodies.push(body);
                report.articles.push(article);
            }
            Err(code) => {
                if let Some(a) = report.attachments.get_mut(i) {
                    tracing::info!(url = %a.url, reason = %code, "An attachment could not be read.");
                    a.error = Some(code);
                }
            }
        }
    }
    bodies
}

async fn fetch_and_read(
    ctx: &Context,
    kind: report_docread::Kind,
    name: &str,
    url: &str,
) -> Result<(Article, Bytes), String> {
    let parsed = fetch::validate_url(url).map_err(|e| reason_of(&Failure::from_error(&e)))?;
    let fetched = match fetch_checked(ctx, &parsed, Target::Attachment).await {
        Ok(Got::Page(f)) => f,
        Ok(Got::OverBudget(_)) => return Err("host_budget".into()),
        Err(f) => return Err(reason_of(&f)),
    };
    let body = fetched.body.clone();
    let slot = Arc::clone(&ctx.extract_slots)
        .acquire_owned()
        .await
        .map_err(|_| "shutdown".to_owned())?;
    let name = name.to_owned();
    let url = url.to_owned();
    let bytes = body.clone();
    let joined = crate::extraction::guarded_blocking(move || {
        let _slot = slot;
        read_article(kind, &bytes, name, url)
    })
    .await;
    match joined {
        Ok(Ok(article)) => Ok((article, body)),
        Ok(Err(code)) => Err(code),
        Err(crate::extraction::Caught::Panicked(_)) => Err("read_panic".into()),
        Err(crate::extraction::Caught::Cancelled(_)) => Err("shutdown".into()),
    }
}

/// The article an attachment's text makes (pure CPU).
fn read_article(
    kind: report_docread::Kind,
    bytes: &[u8],
    name: String,
    url: String,
) -> Result<Article, String> {
    let text = report_docread::read(kind, bytes, &report_docread::Limits::default())
        .map_err(|e| e.code().to_owned())?;
    let title = (!name.is_empty()).then_some(name);
    let mut article = extract::article_from_text(title, &text.paragraphs.join("\n"));
    if article.main_text.trim().is_empty() {
        return Err("no_text".into());
    }
    article.tables = text.tables;
    article.source = Some("attachment".into());
    article.attachment_url = Some(url);
    Ok(article)
}

/// The short reason recorded on an attachment. A retryable failure is recorded too: the
/// report is stored without that attachment rather than retried for it.
fn reason_of(f: &Failure) -> String {
    f.reason.to_owned()
}

//! The pure extraction core: bytes + URL + headers in, a [`Report`] out.
//!
//! No IO, no async, no clock, no global mutable state; deterministic.
//! Rules are precompiled once (`LazyLock`) in [`rules`].

mod charset;
mod chrome;
mod content;
mod dom;
mod error;
pub mod figures;
pub mod metadata;
mod model;
pub mod outline;
mod rawtext;
mod rules;
mod split;

pub use error::ExtractError;
pub use model::{Article, CharsetInfo, Figure, Input, Options, OutlineItem, Pagination, Report};

/// Bumped whenever extraction output may change; stored with every report so `replay`
/// can select reports made by older versions.
pub const EXTRACTOR_VERSION: &str = "0.3.0";

/// Extracts the report from one page.
///
/// size guard → not-HTML sniff → charset → script/style bodies dropped → parse once → chrome sub-trees → main content
/// → articles (篇N) → pagination → metadata, outline and figures per article.
pub fn extract(input: &Input<'_>, opts: &Options) -> Result<Report, ExtractError> {
    let bytes = &input.bytes[..input.bytes.len().min(opts.max_bytes)];
    charset::sniff_not_html(bytes)?;
    let decoded = charset::decode(bytes, input.content_type);
    let html = parse(&decoded.text);
    let dom = dom::Dom::build(&html, opts.max_depth);
    let chrome = chrome::mark(&dom);
    let content = content::extract(&dom, &chrome);
    let headline = content.headline.clone();
    let pagination = split::pagination(&dom, input.url);
    let drafts = split::articles(content);
    if drafts.iter().all(|d| d.main_text.trim().is_empty()) {
        return Err(ExtractError::Empty);
    }
    let mut articles: Vec<Article> = drafts
        .into_iter()
        .map(|d| Article {
            title: d.title.or_else(|| headline.clone()),
            outline: outline::outline(&d.main_text),
            figures: figures::figures(&d.main_text),
            main_text: d.main_text,
            tables: d.tables,
        })
        .collect();
    let meta = metadata::metadata(&html, input.url, &articles);
    if let [only] = articles.as_mut_slice() {
        if meta.title.is_some() {
            only.title.clone_from(&meta.title);
        }
    }
    Ok(Report {
        url: input.url.map(str::to_owned),
        charset: Some(decoded.info.used.clone()),
        title: meta.title,
        published: meta.published,
        published_time: meta.published_time,
        source_org: meta.source_org,
        region: meta.region,
        doc_type: meta.doc_type,
        period: meta.period,
        script: meta.script,
        articles,
        pagination,
        error: None,
        charset_info: decoded.info,
        extractor_version: EXTRACTOR_VERSION.into(),
    })
}

/// The one parse of the page, after the script/style bodies nobody reads are dropped.
fn parse(text: &str) -> scraper::Html {
    let stripped = rawtext::strip(text);
    scraper::Html::parse_document(stripped.as_deref().unwrap_or(text))
}

/// A human-readable trace of how the main content was chosen (debugging aid for
/// `report-ingest extract --explain`).
pub fn explain(input: &Input<'_>, opts: &Options) -> String {
    let bytes = &input.bytes[..input.bytes.len().min(opts.max_bytes)];
    if let Err(e) = charset::sniff_not_html(bytes) {
        return format!("rejected: {e}");
    }
    let decoded = charset::decode(bytes, input.content_type);
    let html = parse(&decoded.text);
    let dom = dom::Dom::build(&html, opts.max_depth);
    let chrome = chrome::mark(&dom);
    content::explain(&dom, &chrome)
}

/// The extract JSON for a rejected page: `{"url":…, "error": "not_html", "articles": []}`.
pub fn rejected(input: &Input<'_>, err: &ExtractError) -> Report {
    Report {
        url: input.url.map(str::to_owned),
        error: Some(err.code().to_owned()),
        extractor_version: EXTRACTOR_VERSION.into(),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn run(html: &str) -> Report {
        let input = Input {
            bytes: html.as_bytes(),
            url: Some("http://example.org/a/100_2.html"),
            content_type: None,
        };
        extract(&input, &Options::default()).unwrap()
    }

    const PARA: &str =
        "本年度我们围绕中心工作，扎实推进各项任务落实，取得了明显成效，群众满意度持续提升。";

    #[test]
    fn chrome_lines_and_headline_are_not_main_text() {
        let html = format!(
            "<html><head><title>某单位年度工作总结_网站</title></head><body>\
             <div>当前位置:<a href='/'>首页</a> &gt; <a href='/x'>总结</a></div>\
             <div><h1>某单位年度工作总结</h1><div>发布时间:2023-01-02 信息来源:某单位</div>\
             <div><p>{PARA}</p><p>一、主要做法</p><p>{PARA}</p></div>\
             <div>【打印本页】 【关闭窗口】</div></div>\
             <div>版权所有 某单位 京ICP备00000000号</div></body></html>"
        );
        let r = run(&html);
        let text = &r.articles[0].main_text;
        assert!(text.contains("一、主要做法"), "{text}");
        for chrome in [
            "当前位置",
            "发布时间",
            "打印本页",
            "ICP备",
            "某单位年度工作总结",
        ] {
            assert!(!text.contains(chrome), "{chrome} leaked into {text}");
        }
        assert_eq!(text.lines().count(), 3);
    }

    #[test]
    fn pian_headings_split_articles_and_tables_keep_cells() {
        let html = format!(
            "<html><body><div><h2>工作计划篇1</h2><p>{PARA}</p><h2>工作计划篇2</h2><p>{PARA}</p>\
             <table><tr><td>项目</td><td>数量</td></tr><tr><td>义诊</td><td>3800人次</td></tr></table>\
             <p>{PARA}</p></div><div>共2页 当前第2页 <a href='100.html'>上一页</a></div></body></html>"
        );
        let r = run(&html);
        assert_eq!(r.articles.len(), 2);
        assert_eq!(r.articles[1].title.as_deref(), Some("工作计划篇2"));
        assert!(r.articles[1].main_text.contains("义诊\t3800人次"));
        assert_eq!(
            r.articles[1].tables,
            vec![vec![
                vec!["项目".to_owned(), "数量".to_owned()],
                vec!["义诊".to_owned(), "3800人次".to_owned()],
            ]]
        );
        let p = r.pagination.unwrap();
        assert_eq!((p.page, p.total), (2, Some(2)));
        assert_eq!(p.prev.as_deref(), Some("http://example.org/a/100.html"));
    }

    #[test]
    fn body_printed_twice_is_kept_once_and_json_ld_fills_lazy_pages() {
        let body =
            format!("<div class=\"txt\"><p>{PARA}</p><p>二、{PARA}</p><p>三、{PARA}</p></div>");
        let html = format!(
            "<html><body><div class=\"pc\">{body}</div>\
             <div class=\"m\" style=\"display:none\">{body}</div></body></html>"
        );
        let r = run(&html);
        assert_eq!(r.articles[0].main_text.matches("二、").count(), 1);

        let html = format!(
            "<html><head><script type=\"application/ld+json\">\
             {{\"@type\":\"Article\",\"articleBody\":\"{PARA}{PARA}\\n{PARA}共计三项重点任务。\"}}\
             </script></head><body><div id=\"app\"><p>本年度我们围绕中心工作...</p></div></body></html>"
        );
        let r = run(&html);
        assert!(
            r.articles[0].main_text.contains("三项重点任务"),
            "{:?}",
            r.articles
        );
    }

    #[test]
    fn numbered_pager_gives_page_and_total() {
        let html = format!(
            "<html><body><div><p>{PARA}</p><p>{PARA}</p></div>\
             <div class=\"pg\"><a href=\"100.html\">上一页</a> <a href=\"100.html\">1</a> \
             <span>2</span> <a href=\"100_3.html\">3</a> <a href=\"100_3.html\">下一页</a></div>\
             </body></html>"
        );
        let p = run(&html).pagination.unwrap();
        assert_eq!((p.page, p.total), (2, Some(3)));
        assert_eq!(p.next.as_deref(), Some("http://example.org/a/100_3.html"));
    }

    #[test]
    fn very_deep_nesting_extracts_without_overflow() {
        let depth = 12_000;
        let html = format!(
            "<html><body>{}<p>{PARA}</p>{}</body></html>",
            "<div>".repeat(depth),
            "</div>".repeat(depth)
        );
        let r = run(&html);
        assert!(r.articles[0].main_text.contains("扎实推进"));
    }

    #[test]
    fn pdf_and_binary_are_rejected() {
        let pdf = Input {
            bytes: b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n",
            ..Default::default()
        };
        assert_eq!(
            extract(&pdf, &Options::default()).unwrap_err().code(),
            "not_html"
        );
        let bin: Vec<u8> = (0u8..=255).cycle().take(4096).collect();
        let input = Input {
            bytes: &bin,
            ..Default::default()
        };
        assert!(extract(&input, &Options::default()).is_err());
    }
}

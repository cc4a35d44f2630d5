//! Attachments: the files a page offers with its report (the DOCX or PDF that often *is*
//! the report), as `{name, url, kind}`.
//!
//! A link is a file link when its URL names one of [`rules::ATTACH_EXTS`] (in the path, or
//! in a query value: `downfile.jsp?filename=x.pdf`), or when the URL names no page
//! ([`rules::PAGE_EXTS`]: `download.jsp?id=3`) and its text or `title` ends with such an
//! extension. A file link is an attachment when it is
//! 1. inside the content containers (`content.rs`) and not in a chrome sub-tree there, or
//! 2. in an attachment block: after a label text ([`rules::ATTACH_LABEL`]: `附件：`,
//!    `相关附件`, `附件下载`) with only numbering, sizes and buttons
//!    ([`rules::ATTACH_NOISE`]) between, the label inside the content or within
//!    [`rules::ATTACH_GAP_MAX`] of text weight from it. Such blocks often sit right after
//!    the body or are marked chrome; a site-wide download box is farther away.
//!
//! So a `.pdf` in the navigation or the footer, or a 下载中心 menu, is never listed.
//! Names lose the label, numbering, extension and download/size notes; URLs are made
//! absolute against the page ([`super::split::link_base`]), fragments dropped; one entry
//! per URL in page order, at most [`limits::MAX_ATTACHMENTS`].

use super::content::Acc;
use super::dom::{self, Dom, Kind, Tag};
use super::model::Attachment;
use super::{hant, limits, rules};

/// The attachments of the page and how many were left out past the cap.
/// `content` are the content containers' arena ranges.
pub fn attachments(
    dom: &Dom<'_>,
    chrome: &[bool],
    content: &[(usize, usize)],
    url: Option<&str>,
) -> (Vec<Attachment>, u64) {
    let links = file_links(dom, chrome, content);
    if links.is_empty() {
        return (Vec::new(), 0);
    }
    let gap = Gap::new(dom, content);
    let base = super::split::link_base(dom, url).and_then(|b| url::Url::parse(&b).ok());
    let mut out: Vec<Attachment> = Vec::new();
    let mut cut = 0u64;
    for l in links {
        let wanted = (l.in_content && !l.in_chrome) || l.label.is_some_and(|at| gap.near(at));
        if !wanted {
            continue;
        }
        let Some(url) = absolute(base.as_ref(), l.href) else {
            continue;
        };
        if out.iter().any(|a| a.url == url) {
            continue;
        }
        if out.len() >= limits::MAX_ATTACHMENTS {
            cut += 1;
            continue;
        }
        let name = name(&l.text, l.title, &url, l.kind);
        out.push(Attachment {
            name,
            url,
            kind: l.kind.to_owned(),
            error: None,
        });
    }
    (out, cut)
}

/// One file link of the page, before the nearness decision.
struct FileLink<'a> {
    href: &'a str,
    /// The link text, whitespace collapsed.
    text: String,
    title: Option<&'a str>,
    kind: &'static str,
    in_content: bool,
    in_chrome: bool,
    /// Arena index of the attachment-block label the link follows, if any.
    label: Option<usize>,
}

/// Every file link in document order, with where it sits. One walk over the arena keeps
/// the open attachment block (a label and the noise after it) as state.
fn file_links<'a>(dom: &Dom<'a>, chrome: &[bool], content: &[(usize, usize)]) -> Vec<FileLink<'a>> {
    let n = dom.nodes.len();
    let mut out = Vec::new();
    // The label of the block being read, while only file links and noise follow it.
    let mut label: Option<usize> = None;
    let mut chrome_end = 0usize;
    // Text of a link that is no file link: a label inside it labels nothing.
    let mut other_link_end = 0usize;
    let mut i = 0usize;
    while i < n {
        let Some(node) = dom.nodes.get(i) else { break };
        if chrome.get(i).copied().unwrap_or(false) {
            chrome_end = chrome_end.max(node.end as usize);
        }
        match node.kind {
            Kind::Elem(Tag::A, el) => {
                let end = (node.end as usize).max(i + 1);
                let Some(href) = el.attr("href").map(str::trim).filter(|h| usable(h)) else {
                    other_link_end = other_link_end.max(end);
                    i += 1;
                    continue;
                };
                let title = el.attr("title");
                let by_url = kind_of_url(href);
                let page_like = by_url.is_none() && names_a_page(href);
                if by_url.is_none() && page_like {
                    other_link_end = other_link_end.max(end);
                    i += 1;
                    continue;
                }
                let (text, folded) = link_text(dom, i, end);
                let kind = by_url
                    .or_else(|| kind_of_name(&text))
                    .or_else(|| title.and_then(kind_of_name));
                let Some(kind) = kind else {
                    other_link_end = other_link_end.max(end);
                    i += 1;
                    continue;
                };
                if rules::ATTACH_LABEL_PREFIX.is_match(folded.as_deref().unwrap_or(&text)) {
                    label = Some(i);
                }
                out.push(FileLink {
                    href,
                    text,
                    title,
                    kind,
                    in_content: content.iter().any(|&(lo, hi)| i >= lo && i < hi),
                    in_chrome: i < chrome_end,
                    label,
                });
                // The link's own text is read: go on after it.
                i = end;
                continue;
            }
            Kind::Text(t) => {
                let t = t.trim_matches(dom::is_space);
                if !t.is_empty() {
                    let folded = dom.folded(i, t).unwrap_or(t);
                    if i >= other_link_end && is_label(folded) {
                        label = Some(i);
                    } else if !rules::ATTACH_NOISE.is_match(folded) {
                        label = None;
                    }
                }
            }
            Kind::Elem(..) => {}
        }
        i += 1;
    }
    out
}

/// A text that is only an attachment-block label (short: the rule is anchored, this bounds
/// the cost on long texts).
fn is_label(folded: &str) -> bool {
    folded.len() <= 64 && rules::ATTACH_LABEL.is_match(folded)
}

/// A content line (folded, of text weight `weight`) that is only an attachment-block label.
pub(crate) fn is_label_line(folded: &str, weight: u32) -> bool {
    weight <= 40 && is_label(folded)
}

/// An href that can name a file: not empty, not a fragment, not a script or mail link.
fn usable(href: &str) -> bool {
    let lower: String = href
        .chars()
        .take(11)
        .collect::<String>()
        .to_ascii_lowercase();
    !href.is_empty()
        && !href.starts_with('#')
        && !["javascript:", "mailto:", "tel:", "data:", "file:", "about:"]
            .iter()
            .any(|p| lower.starts_with(p))
}

/// The href without query and fragment, and its query.
fn split_href(href: &str) -> (&str, &str) {
    let no_frag = href.split('#').next().unwrap_or(href);
    match no_frag.split_once('?') {
        Some((path, query)) => (path, query),
        None => (no_frag, ""),
    }
}

/// The lower-case extension of the last path segment, if it has one.
fn extension(path: &str) -> Option<String> {
    let seg = path.rsplit('/').next().unwrap_or(path);
    let (stem, ext) = seg.rsplit_once('.')?;
    (!stem.is_empty() && !ext.is_empty() && ext.len() <= 8).then(|| ext.to_ascii_lowercase())
}

fn attach_kind(ext: &str) -> Option<&'static str> {
    rules::ATTACH_EXTS.iter().copied().find(|k| *k == ext)
}

/// The attachment kind the URL names: its path's extension, else a query value's
/// (`downfile.jsp?filename=x.pdf`).
fn kind_of_url(href: &str) -> Option<&'static str> {
    let (path, query) = split_href(href);
    if let Some(k) = extension(path).as_deref().and_then(attach_kind) {
        return Some(k);
    }
    query
        .split('&')
        .filter_map(|kv| kv.split_once('=').map(|(_, v)| v))
        .find_map(|v| extension(v).as_deref().and_then(attach_kind))
}

/// The URL names a page or a picture: its text cannot make it a file.
fn names_a_page(href: &str) -> bool {
    let (path, _) = split_href(href);
    extension(path).is_some_and(|e| rules::PAGE_EXTS.contains(&e.as_str()))
}

/// The attachment kind a link text or title ends with (`2023年工作总结.docx（56KB）`).
fn kind_of_name(text: &str) -> Option<&'static str> {
    let t = strip_noise(text.trim());
    let (_, ext) = t.rsplit_once(['.', '．'])?;
    attach_kind(&ext.trim().to_ascii_lowercase())
}

/// The text of link `i` (sub-tree `i..end`), whitespace runs collapsed to one space, and
/// its folded copy when folding changes it.
fn link_text(dom: &Dom<'_>, i: usize, end: usize) -> (String, Option<String>) {
    let mut acc = Acc::default();
    for (j, node) in dom.nodes.iter().enumerate().take(end).skip(i + 1) {
        if let Kind::Text(t) = node.kind {
            acc.push_node(dom, j, t, false);
            if acc.text.len() > limits::MAX_ATTACHMENT_NAME_CHARS * 8 {
                break;
            }
        }
    }
    (acc.text, acc.folded)
}

/// The href made absolute against the page, fragment dropped; as written (minus the
/// fragment) when the page has no URL. `None` for schemes no fetcher reads.
fn absolute(base: Option<&url::Url>, href: &str) -> Option<String> {
    match base {
        Some(b) => {
            let mut u = b.join(href).ok()?;
            if !matches!(u.scheme(), "http" | "https" | "ftp") {
                return None;
            }
            u.set_fragment(None);
            Some(u.to_string())
        }
        None => {
            let h = href.split('#').next().unwrap_or(href);
            (!h.is_empty()).then(|| h.to_owned())
        }
    }
}

/// Text weight before every arena index, to measure how far an attachment block is from
/// the content.
struct Gap {
    /// `before[i]`: weight of the text nodes before index `i`.
    before: Vec<u32>,
    content: Vec<(usize, usize)>,
}

impl Gap {
    fn new(dom: &Dom<'_>, content: &[(usize, usize)]) -> Gap {
        let mut before = Vec::with_capacity(dom.nodes.len() + 1);
        let mut w = 0u32;
        for node in &dom.nodes {
            before.push(w);
            if let Kind::Text(t) = node.kind {
                w = w.saturating_add(dom::weight(t));
            }
        }
        before.push(w);
        Gap {
            before,
            content: content.to_vec(),
        }
    }

    fn at(&self, i: usize) -> u32 {
        self.before
            .get(i)
            .or(self.before.last())
            .copied()
            .unwrap_or(0)
    }

    /// Is a label at arena index `i` inside the content or close enough to it?
    fn near(&self, i: usize) -> bool {
        self.content.iter().any(|&(lo, hi)| {
            if i >= lo && i < hi {
                true
            } else if i >= hi {
                self.at(i).saturating_sub(self.at(hi)) <= rules::ATTACH_GAP_MAX
            } else {
                self.at(lo).saturating_sub(self.at(i + 1)) <= rules::ATTACH_GAP_MAX
            }
        })
    }
}

/// The readable name of an attachment: the link text without label, numbering,
/// extension and notes; else the same of its `title`; else the file name in the URL.
fn name(text: &str, title: Option<&str>, url: &str, kind: &str) -> String {
    let from_text = clean_name(text, kind);
    let name = if !from_text.is_empty() && !rules::ATTACH_GENERIC_TEXT.is_match(&from_text) {
        from_text
    } else {
        let from_title = title.map(|t| clean_name(t, kind)).unwrap_or_default();
        if !from_title.is_empty() && !rules::ATTACH_GENERIC_TEXT.is_match(&from_title) {
            from_title
        } else {
            let from_url = file_name(url)
                .map(|f| clean_name(&f, kind))
                .unwrap_or_default();
            if from_url.is_empty() {
                text.trim().to_owned()
            } else {
                from_url
            }
        }
    };
    limits::cap_chars(name, limits::MAX_ATTACHMENT_NAME_CHARS)
}

/// Trailing download/size notes removed (`（点击下载）`, `[下载]`, `(120KB)`), repeatedly.
fn strip_noise(s: &str) -> &str {
    let mut t = s.trim_end();
    for _ in 0..4 {
        match rules::ATTACH_NAME_NOISE.find(t) {
            Some(m) if m.start() > 0 => t = t[..m.start()].trim_end(),
            _ => break,
        }
    }
    t
}

/// Name text without the label, numbering, the `kind` extension and download/size notes.
fn clean_name(text: &str, kind: &str) -> String {
    let collapsed: String = {
        let mut s = String::with_capacity(text.len());
        for w in text.split(dom::is_space).filter(|w| !w.is_empty()) {
            if !s.is_empty() {
                s.push(' ');
            }
            s.push_str(w);
        }
        s
    };
    // A name may come from an attribute or the URL, not the arena: folded here, once.
    let folded_all = hant::fold(&collapsed);
    let folded = |t: &str| {
        dom::folded_part(&collapsed, t, &folded_all)
            .unwrap_or(t)
            .to_owned()
    };
    let mut t = strip_noise(&collapsed);
    // The extension (any attachment extension: `x.doc` linked as docx is still `x`).
    if let Some((stem, ext)) = t.rsplit_once(['.', '．']) {
        let ext = ext.trim().to_ascii_lowercase();
        if ext == kind || attach_kind(&ext).is_some() {
            t = strip_noise(stem);
        }
    }
    // The label (`附件1：`) and numbering (`1.`, `（2）`): offsets match in the folded copy.
    if let Some(m) = rules::ATTACH_LABEL_PREFIX.find(&folded(t)) {
        if m.end() < t.len() {
            t = &t[m.end()..];
        }
    }
    if let Some(c) = rules::ATTACH_NAME_NUMBER.captures(&folded(t)) {
        if let Some(m) = c.name("n").or_else(|| c.name("d")) {
            if m.end() < t.len() {
                t = &t[m.end()..];
            }
        }
    }
    let t = t.trim_matches(|c: char| {
        dom::is_space(c) || matches!(c, ':' | '：' | ',' | '，' | '、' | '-' | '_' | '—')
    });
    let t = match t
        .strip_prefix('《')
        .and_then(|r| r.strip_suffix('》'))
        .filter(|r| !r.contains(['《', '》']))
    {
        Some(inner) => inner.trim(),
        None => t,
    };
    t.to_owned()
}

/// The last path segment of `url`, percent-decoded when that gives UTF-8.
fn file_name(url: &str) -> Option<String> {
    let (path, _) = split_href(url);
    let seg = path.rsplit('/').next().filter(|s| !s.is_empty())?;
    Some(percent_decode(seg).unwrap_or_else(|| seg.to_owned()))
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let c = b.get(i).copied()?;
        if c == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(c);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use crate::{extract, Input, Options, Report};

    const PARA: &str =
        "全年共组织开展专项检查十二次，督促整改问题四十六个，群众反映的突出问题得到有效解决。";

    fn run(body: &str) -> Report {
        let html = format!(
            "<html><head><title>某局2023年工作总结_某县政府</title></head><body>\
             <div class=\"nav\"><a href=\"/\">首页</a> <a href=\"/xzzx/\">下载中心</a> \
             <a href=\"/files/guide.pdf\">办事指南</a></div>\
             <div class=\"main\"><h1>某局2023年工作总结</h1>{body}</div>\
             <div class=\"footer\">版权所有 某县人民政府 <a href=\"/files/privacy.pdf\">隐私声明.pdf</a></div>\
             </body></html>"
        );
        let input = Input {
            bytes: html.as_bytes(),
            url: Some("http://www.x.gov.cn/art/2024/1/5/art_1_2.html"),
            content_type: None,
        };
        match extract(&input, &Options::default()) {
            Ok(r) => r,
            Err(e) => crate::rejected(&input, &e),
        }
    }

    fn listed(r: &Report) -> Vec<(&str, &str, &str)> {
        r.attachments
            .iter()
            .map(|a| (a.name.as_str(), a.url.as_str(), a.kind.as_str()))
            .collect()
    }

    #[test]
    fn block_inside_the_content_is_listed_and_leaves_the_text_alone() {
        let r = run(&format!(
            "<div id=\"zoom\"><p>{PARA}</p><p>{PARA}</p><p>附件：</p>\
             <p><a href=\"/module/download/download.jsp?id=3\">1.2023年工作总结.docx</a></p>\
             <p><a href=\"../f/tongji.pdf#page=2\">2.主要指标统计表</a>（120KB）</p></div>"
        ));
        assert_eq!(
            listed(&r),
            vec![
                (
                    "2023年工作总结",
                    "http://www.x.gov.cn/module/download/download.jsp?id=3",
                    "docx"
                ),
                (
                    "主要指标统计表",
                    "http://www.x.gov.cn/art/2024/1/f/tongji.pdf",
                    "pdf"
                ),
            ]
        );
        // The label over the links is no text either (it was kept before 0.7.0).
        let text = &r.articles[0].main_text;
        assert_eq!(text.lines().count(), 2, "{text}");
    }

    #[test]
    fn label_in_the_line_and_block_marked_chrome_after_the_body() {
        let r = run(&format!(
            "<div class=\"content\"><p>{PARA}</p><p>{PARA}</p>\
             <p>附件：<a href=\"/f/a.pdf\">实施方案.pdf</a></p></div>\
             <div class=\"tools\">【打印本页】【关闭窗口】</div>\
             <aside class=\"related-files\"><h4>相关附件</h4><ul>\
             <li><a href=\"/f/b.xlsx\" title=\"项目汇总表.xlsx\">下载</a></li>\
             <li><a href=\"/f/a.pdf\">实施方案.pdf</a></li></ul></aside>"
        ));
        assert_eq!(
            listed(&r),
            vec![
                ("实施方案", "http://www.x.gov.cn/f/a.pdf", "pdf"),
                ("项目汇总表", "http://www.x.gov.cn/f/b.xlsx", "xlsx"),
            ]
        );
    }

    #[test]
    fn nav_footer_far_boxes_and_page_links_are_not_attachments() {
        let far: String = (0..16)
            .map(|i| format!("<li><a href=\"/n/{i}.html\">关于开展某项专项工作的通知公告</a></li>"))
            .collect();
        let r = run(&format!(
            "<div id=\"zoom\"><p>{PARA}</p><p>{PARA}</p>\
             <p>参考：<a href=\"/doc/8812.html\">2022年工作总结.docx</a></p></div>\
             <div class=\"side\"><ul>{far}</ul><h3>附件下载</h3>\
             <a href=\"/f/form.doc\">申请表.doc</a></div>"
        ));
        assert_eq!(listed(&r), Vec::<(&str, &str, &str)>::new());
    }

    #[test]
    fn inline_file_link_in_a_paragraph_is_listed_once() {
        let r = run(&format!(
            "<div id=\"zoom\"><p>{PARA}详见<a href=\"/f/gb.pdf\">《统计公报》</a>。</p>\
             <p>{PARA}再次参见<a href=\"/f/gb.pdf\">公报</a>。</p></div>"
        ));
        assert_eq!(
            listed(&r),
            vec![("统计公报", "http://www.x.gov.cn/f/gb.pdf", "pdf")]
        );
        assert!(r.articles[0].main_text.contains("详见《统计公报》。"));
    }

    #[test]
    fn a_notice_that_is_only_its_attachment_keeps_it_when_rejected() {
        let r = run(
            "<div id=\"zoom\"><p>附件：<a href=\"/f/tz.pdf\">关于开展检查的通知.pdf</a></p></div>",
        );
        if r.error.is_some() {
            assert!(r.articles.is_empty());
        }
        assert_eq!(
            listed(&r),
            vec![("关于开展检查的通知", "http://www.x.gov.cn/f/tz.pdf", "pdf")]
        );
    }

    #[test]
    fn attachments_are_capped() {
        let links: String = (0..limits::MAX_ATTACHMENTS + 5)
            .map(|i| format!("<li><a href=\"/f/{i}.pdf\">文件{i}.pdf</a></li>"))
            .collect();
        let r = run(&format!(
            "<div id=\"zoom\"><p>{PARA}</p><p>附件：</p><ul>{links}</ul></div>"
        ));
        assert_eq!(r.attachments.len(), limits::MAX_ATTACHMENTS);
        assert_eq!(r.truncated.attachments, 5);
    }

    #[test]
    fn names_lose_label_numbering_extension_and_notes() {
        for (text, kind, want) in [
            ("2023年工作总结.docx", "docx", "2023年工作总结"),
            ("附件1：2023年工作总结.docx", "docx", "2023年工作总结"),
            ("1.2023年工作总结.docx", "docx", "2023年工作总结"),
            ("2、统计表.xls（120KB）", "xls", "统计表"),
            ("（3）申报表.doc [下载]", "doc", "申报表"),
            ("项目清单.PDF (1.2MB)", "pdf", "项目清单"),
            ("《2023年度统计公报》", "pdf", "2023年度统计公报"),
            ("实施方案（点击下载）", "pdf", "实施方案"),
            ("1.5亿元项目明细.xlsx", "xlsx", "1.5亿元项目明细"),
            ("附件：关于印发方案的通知.ofd", "ofd", "关于印发方案的通知"),
        ] {
            assert_eq!(clean_name(text, kind), want, "{text}");
        }
        assert_eq!(
            name(
                "点击下载",
                Some("年度报告.pdf"),
                "http://a.cn/x/1.pdf",
                "pdf"
            ),
            "年度报告"
        );
        assert_eq!(
            name(
                "下载",
                None,
                "http://a.cn/x/%E5%B9%B4%E5%BA%A6%E6%8A%A5%E5%91%8A.pdf",
                "pdf"
            ),
            "年度报告"
        );
    }

    #[test]
    fn kinds_by_url_query_or_text() {
        assert_eq!(kind_of_url("/a/b/Report.PDF"), Some("pdf"));
        assert_eq!(kind_of_url("/a/b.docx#page=2"), Some("docx"));
        assert_eq!(
            kind_of_url("/module/download/downfile.jsp?classid=0&filename=2401.xlsx"),
            Some("xlsx")
        );
        assert_eq!(kind_of_url("download.jsp?id=3"), None);
        assert_eq!(kind_of_url("http://www.example.net/"), None);
        assert_eq!(kind_of_url("/a/index.html"), None);
        assert!(names_a_page("/doc/123.html") && !names_a_page("download.jsp?id=3"));
        assert_eq!(kind_of_name("2023年工作总结.docx"), Some("docx"));
        assert_eq!(kind_of_name("2023年工作总结.DOC （56KB）"), Some("doc"));
        assert_eq!(kind_of_name("年度工作总结"), None);
        assert_eq!(kind_of_name("版本1.2"), None);
    }

    #[test]
    fn labels_and_noise() {
        for l in [
            "附件：",
            "附件",
            "相关附件",
            "附件下载：",
            "附件1：",
            "【附件】",
            "附件：1.",
        ] {
            assert!(is_label(&hant::fold(l)), "{l}");
        }
        for l in ["附件是一份统计表。", "下载中心", "关于附件的说明"] {
            assert!(!is_label(l), "{l}");
        }
        for n in ["1.", "（56KB）", "[下载]", "2024-01-15", "、", "点击下载"] {
            assert!(rules::ATTACH_NOISE.is_match(n), "{n}");
        }
        assert!(!rules::ATTACH_NOISE.is_match("二、存在的问题"));
    }

    #[test]
    fn absolute_urls_without_fragment() {
        let base = url::Url::parse("http://www.a.gov.cn/art/2024/1/15/x.html").ok();
        assert_eq!(
            absolute(base.as_ref(), "../f/1.pdf#page=2").as_deref(),
            Some("http://www.a.gov.cn/art/2024/1/f/1.pdf")
        );
        assert_eq!(absolute(None, "f/1.pdf").as_deref(), Some("f/1.pdf"));
        assert!(!usable("javascript:void(0)") && !usable("#top") && !usable("mailto:a@b"));
    }
}

//! Every selector, pattern, keyword list and threshold of the extractor, in one place
//! (trafilatura's `xpaths.py` + `settings.cfg`). Regexes are compiled once (`LazyLock`).
//!
//! Text lengths are *weights*: an ASCII letter/digit counts 1, a CJK character counts
//! [`CJK_WEIGHT`] (about one English word), so thresholds work for both scripts.
//!
//! Calibration: thresholds were set on the dev corpus (15 report pages) and the
//! 181-page article-extraction-benchmark, preferring round values in flat regions of
//! the score, never per-page tuning; the chrome text patterns are the generic labels
//! Chinese CMS templates print (they are what a reader sees, not class names).
//!
//! Grouped by stage: `bytes` (bytes and charset), `chrome` (DOM and chrome), `content`
//! (blocks, articles, pagination), `thread` (forum threads), `attach` (attachments).
//!
//! Written in Simplified only: the rules match text folded to Simplified
//! ([`super::hant::fold`]); the arena folds every text node once (`dom.rs`) and blocks and
//! lines carry the folded copy beside the original, so Traditional pages (a 共3页 pager in
//! Traditional script, a Traditional 发布日期 label) match the same rules as Simplified ones.
//! One builder ([`re`]) folds (a Traditional variant slipped into a rule still matches),
//! and compiles; `rules_are_written_in_simplified` keeps the sources Simplified and
//! `every_rule_matches_its_samples` forces every rule.

mod attach;
mod bytes;
mod chrome;
mod content;
pub(crate) mod figures;
pub(crate) mod metadata;
pub(crate) mod outline;
mod thread;

pub use attach::*;
pub use bytes::*;
pub use chrome::*;
pub use content::*;
pub use thread::*;

use regex::Regex;

/// Compiles a pattern folded to Simplified (`hant::fold`), for rules that match folded text
/// and cut values out of the original at the same byte offsets. `None` only for an invalid
/// literal, which the `patterns_compile` tests of the modules using it rule out.
pub(crate) fn folded(pattern: &str) -> Option<Regex> {
    Regex::new(&super::hant::fold(pattern)).ok()
}

/// The alternation of `words`, each escaped (a word list inside a pattern).
pub(crate) fn words(words: &[&str]) -> String {
    let escaped: Vec<String> = words.iter().map(|w| regex::escape(w)).collect();
    escaped.join("|")
}

/// Compiles a pattern as written, for rules that match the page's own characters (Latin,
/// digits, URLs, or both scripts listed on purpose). `None` as for [`folded`].
pub(crate) fn exact(pattern: &str) -> Option<Regex> {
    Regex::new(pattern).ok()
}

/// [`folded`] for the rules of this table's own stages, which are always valid: a literal
/// that does not compile is a bug `every_rule_matches_its_samples` catches.
#[allow(clippy::expect_used)]
fn re(pattern: &str) -> Regex {
    // INVARIANT: every pattern is a literal of these files; `every_rule_matches_its_samples`
    // forces each one, so a typo fails the unit tests, never a page.
    folded(pattern).expect("rule patterns are literals checked by tests")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    /// Every rule of the table with samples it must match: compiling each one forces it
    /// (a typo in a pattern fails here, never on a page).
    fn rules() -> Vec<(&'static str, &'static Regex, &'static [&'static str])> {
        vec![
            (
                "UNLIKELY_CLASS",
                &UNLIKELY_CLASS,
                &["sidebar", "share-box", "footer"],
            ),
            ("OK_MAYBE", &OK_MAYBE, &["article-content", "main"]),
            (
                "CHROME_LINE",
                &CHROME_LINE,
                &[
                    "当前位置:首页 > 政务公开",
                    "版权所有 某单位",
                    "上一篇：某某",
                    "关键词：卫生",
                    "浏览次数：12",
                ],
            ),
            (
                "META_LABEL",
                &META_LABEL,
                &["发布时间：2023-01-02", "2023-07-29 16:05 来源:某局"],
            ),
            (
                "PLATFORM_LINE",
                &PLATFORM_LINE,
                &["播放速度", "责任编辑：王某某"],
            ),
            ("SECTION_HEAD", &SECTION_HEAD, &["相关文章", "猜你喜欢："]),
            ("SEO_INTRO", &SEO_INTRO, &["小编为您带来以下内容"]),
            (
                "HIDDEN_STYLE",
                &HIDDEN_STYLE,
                &["display: none", "visibility:hidden"],
            ),
            (
                "META_ITEMPROP",
                &META_ITEMPROP,
                &["datePublished", " author "],
            ),
            (
                "KEYWORD_LINE",
                &KEYWORD_LINE,
                &["2023 卫生局 行风 建设 上半年"],
            ),
            (
                "PIAN_HEADING",
                &PIAN_HEADING,
                &["篇一：卫生院工作总结", "工作计划篇2"],
            ),
            ("PAGE_TOTAL", &PAGE_TOTAL, &["共3页", "第1页/共2页"]),
            ("PAGE_CURRENT", &PAGE_CURRENT, &["当前第2页", "第1页/共2页"]),
            ("NEXT_TEXT", &NEXT_TEXT, &["下一页", "Next"]),
            ("PREV_TEXT", &PREV_TEXT, &["上一页", "Previous"]),
            (
                "URL_PAGE",
                &URL_PAGE,
                &["http://example.org/a/100_2.html", "/list?page=3"],
            ),
            (
                "FORUM_LINE",
                &FORUM_LINE,
                &["楼主", "发表于 2023-1-2 12:00"],
            ),
            ("FORUM_DATETIME", &FORUM_DATETIME, &["2023-1-2 12:00"]),
            ("FORUM_SKIP_CLASS", &FORUM_SKIP_CLASS, &["quote", "sign"]),
            (
                "ATTACH_LABEL",
                &ATTACH_LABEL,
                &["附件：", "附件1：", "相关附件"],
            ),
            (
                "ATTACH_LABEL_PREFIX",
                &ATTACH_LABEL_PREFIX,
                &["附件1：2023年工作总结.docx"],
            ),
            ("ATTACH_NOISE", &ATTACH_NOISE, &["（1.2MB）", "点击下载"]),
            (
                "ATTACH_NAME_NOISE",
                &ATTACH_NAME_NOISE,
                &["工作总结（点击下载）", "工作总结 (120KB)"],
            ),
            (
                "ATTACH_NAME_NUMBER",
                &ATTACH_NAME_NUMBER,
                &["1、工作总结", "（2）工作计划"],
            ),
            (
                "ATTACH_GENERIC_TEXT",
                &ATTACH_GENERIC_TEXT,
                &["点击下载", "here"],
            ),
        ]
    }

    /// The rules of the figure, outline and metadata stages (built with [`folded`] or
    /// [`exact`]) with samples they must match.
    fn stage_rules() -> Vec<(
        &'static str,
        Option<&'static Regex>,
        &'static [&'static str],
    )> {
        use super::figures::{BIG_PROJECTS, FIGURE, LIST_MARKER};
        use super::metadata::{
            ANY_DATE, CN_YEAR, DATE_LINE, EXTENSION, HEAD_ORG, LABELED, LABELED_ORG, LD_DATE,
            PAGE_NUMBER, PLACE_SEG, ROC_YEAR, SIGNATURE, TRAILING_DATE, TRAILING_TAG, URL_DATE,
            YEAR, YEAR_RANGE,
        };
        use super::outline::{GLUED_MARKER, MARKER};
        vec![
            ("FIGURE", FIGURE.as_ref(), &["3800人次", "约1.2万元", "98%"]),
            (
                "BIG_PROJECTS",
                BIG_PROJECTS.as_ref(),
                &["11大公共卫生服务项目"],
            ),
            (
                "LIST_MARKER",
                LIST_MARKER.as_ref(),
                &["1.家庭医生", "（2）签约"],
            ),
            (
                "MARKER",
                MARKER.as_ref(),
                &["一、主要做法", "（二）存在问题", "3.下步打算"],
            ),
            (
                "GLUED_MARKER",
                GLUED_MARKER.as_ref(),
                &["成效明显。 二、存在问题"],
            ),
            (
                "LABELED",
                LABELED.as_ref(),
                &["发布时间：2023-01-02", "日期:2023年1月2日"],
            ),
            (
                "ANY_DATE",
                ANY_DATE.as_ref(),
                &["2023-01-02 10:00", "二〇二三年一月二日"],
            ),
            (
                "DATE_LINE",
                DATE_LINE.as_ref(),
                &["某某局 2023年5月6日", "（二〇一九年七月五日）"],
            ),
            (
                "LD_DATE",
                LD_DATE.as_ref(),
                &[r#""datePublished": "2023-01-02T10:00""#],
            ),
            (
                "URL_DATE",
                URL_DATE.as_ref(),
                &["/2024/0517/x.html", "/t20240520_123.html"],
            ),
            (
                "LABELED_ORG",
                LABELED_ORG.as_ref(),
                &["信息来源：某县卫生局", "资料来源：某局"],
            ),
            (
                "HEAD_ORG",
                HEAD_ORG.as_ref(),
                &["区卫生健康委2023年工作总结"],
            ),
            ("SIGNATURE", SIGNATURE.as_ref(), &["某某县卫生健康局"]),
            (
                "PLACE_SEG",
                PLACE_SEG.as_ref(),
                &["淮南市谢家集区", "新竹縣"],
            ),
            (
                "TRAILING_DATE",
                TRAILING_DATE.as_ref(),
                &["某局 2023年5月6日"],
            ),
            (
                "YEAR_RANGE",
                YEAR_RANGE.as_ref(),
                &["2004—2024年", "2023-24"],
            ),
            ("CN_YEAR", CN_YEAR.as_ref(), &["二〇二三年"]),
            ("YEAR", YEAR.as_ref(), &["2023年工作总结"]),
            (
                "ROC_YEAR",
                ROC_YEAR.as_ref(),
                &["112年度工作报告", "民国111年"],
            ),
            (
                "EXTENSION",
                EXTENSION.as_ref(),
                &["工作总结.docx", "报告.PDF"],
            ),
            (
                "TRAILING_TAG",
                TRAILING_TAG.as_ref(),
                &["某某工作总结【转载】"],
            ),
            (
                "PAGE_NUMBER",
                PAGE_NUMBER.as_ref(),
                &["工作总结(2)", "工作总结（第3页）"],
            ),
        ]
    }

    #[test]
    fn every_rule_matches_its_samples() {
        let check = |name: &str, rule: &Regex, samples: &[&str]| {
            assert!(!samples.is_empty(), "{name} has no sample");
            for s in samples {
                assert!(rule.is_match(s), "{name} misses {s:?}");
            }
        };
        for (name, rule, samples) in rules() {
            check(name, rule, samples);
        }
        for (name, rule, samples) in stage_rules() {
            let Some(rule) = rule else {
                panic!("{name} does not compile");
            };
            check(name, rule, samples);
        }
        assert!(is_teaser("更多内容请点击…") && !is_teaser("本年度工作完成。"));
        assert!(is_sentence_punct('。') && !is_sentence_punct('a'));
        assert!(PIAN_WORDS
            .iter()
            .all(|w| PIAN_HEADING.is_match(&format!("{w}1："))
                || PIAN_HEADING.is_match(&format!("工作总结{w}1"))));
    }

    #[test]
    fn rules_are_written_in_simplified() {
        let sources = [
            ("attach.rs", include_str!("attach.rs")),
            ("bytes.rs", include_str!("bytes.rs")),
            ("chrome.rs", include_str!("chrome.rs")),
            ("content.rs", include_str!("content.rs")),
            ("figures.rs", include_str!("figures.rs")),
            ("metadata.rs", include_str!("metadata.rs")),
            ("outline.rs", include_str!("outline.rs")),
            ("thread.rs", include_str!("thread.rs")),
            // This file up to its tests (which feed Traditional samples on purpose).
            (
                "mod.rs",
                include_str!("mod.rs")
                    .split("#[cfg(test)]")
                    .next()
                    .unwrap_or(""),
            ),
        ];
        let mut exact = 0;
        for (file, src) in sources {
            // One item per paragraph: its doc comment, then its code. Comments may quote
            // Traditional examples; code may hold Traditional forms only in an item whose doc
            // says why it reads the page's own characters (`Exact:`).
            for item in src.split("\n\n") {
                let is_exact = item.lines().any(|l| l.starts_with("/// Exact:"));
                exact += usize::from(is_exact);
                for line in item.lines() {
                    let code = !line.trim_start().starts_with("//");
                    assert!(
                        !code || is_exact || !crate::hant::has_traditional(line),
                        "rules/{file}: a Traditional form in {line:?} (write the Simplified one: the builder folds)"
                    );
                }
            }
        }
        // The exact lists are the known few (the script sets, place and site names, dates read
        // as written, figure subjects).
        assert_eq!(exact, 12);
    }

    #[test]
    fn chrome_and_forum_samples() {
        assert!(CHROME_LINE.is_match("当前位置:首页 > 政务公开"));
        assert!(CHROME_LINE.is_match("【打印本页】 【关闭窗口】"));
        for chrome in [
            "播放速度",
            "0.5x 1.0x 1.5x 2.0x",
            "00:00 / 03:21",
            "错误代码：102630",
            "阅读 (3.2万)",
            "1.2万阅读",
            "首赞",
            "点赞 收藏 分享",
            "2023-05-06 10:22 发布于北京",
            "IP属地：广东",
            "扫码关注我们",
            "长按识别二维码",
            "责任编辑：王某某",
            "（编辑：李某）",
            "编辑：张三 审核：李四",
            "展开全文",
            "返回搜狐，查看更多",
            "平台声明：该文观点仅代表作者本人",
        ] {
            assert!(PLATFORM_LINE.is_match(chrome), "{chrome}");
        }
        for report in [
            "统筹推进乡村振兴",
            "（三）完善信息发布平台",
            "审核把关",
            "群众纷纷点赞，满意度达到98%。",
            "播放宣传片3场",
            "编辑出版宣传册2000册",
        ] {
            assert!(!PLATFORM_LINE.is_match(report), "{report}");
        }
        assert!(!CHROME_LINE.is_match("今年上半年,我局在市委的领导下开展工作。"));
        assert!(PIAN_HEADING.is_match("2023年某某工作计划篇3"));
        assert!(PIAN_HEADING.is_match("篇一：卫生院工作总结"));
        assert!(PIAN_HEADING.is_match("【篇2】卫生院工作总结"));
        assert!(!PIAN_HEADING.is_match("这篇文章讲述了篇章结构的安排"));
        assert!(PIAN_HEADING.is_match("范文二：卫生院工作总结"));
        assert!(PIAN_HEADING.is_match("卫生院工作总结（篇3）"));
        assert!(PIAN_HEADING.is_match("【第2篇】卫生院工作总结"));
        assert!(PIAN_HEADING.is_match("第二篇"));
        assert!(!PIAN_HEADING.is_match("范文大全网为您整理了以下内容"));
        assert!(!PIAN_HEADING.is_match("第一篇章讲的是卫生工作"));
        assert!(KEYWORD_LINE.is_match("2023 卫生局 行风 建设 上半年"));
        assert!(META_LABEL.is_match("2023-07-29 16:05 来源:某县卫生健康局"));
        assert!(META_LABEL.is_match("2023年7月29日 作者:办公室"));
        assert!(!META_LABEL.is_match("2023年7月29日,全县召开卫生工作会议。"));
        // Traditional lines match once folded (the callers fold; patterns are folded too).
        let f = |s: &str| crate::hant::fold(s).into_owned();
        assert!(META_LABEL.is_match(&f("發布單位：新竹縣政府衛生局")));
        assert!(CHROME_LINE.is_match(&f("點閱次數：2468")));
        assert!(CHROME_LINE.is_match(&f("[列印] [關閉視窗]")));
        assert!(CHROME_LINE.is_match(&f("字級大小：小 中 大")));
        assert!(CHROME_LINE.is_match(&f("回上頁")));
        assert!(SECTION_HEAD.is_match(&f("相關連結")));
        assert!(PAGE_TOTAL.is_match(&f("共3頁")));
        for chrome in [
            "楼主",
            "沙发",
            "2#",
            "#3",
            "5楼",
            "发表于 2023-1-2 12:00",
            "回复 支持 反对",
            "使用道具 举报",
            "积分 1234",
            "注册时间 2012-3-4",
            "本帖最后由 某人 于 2023-1-2 13:00 编辑",
            "Posted by someone on Mon Jan 02",
            "Joined: Jan 2020",
            "someone wrote:",
        ] {
            assert!(FORUM_LINE.is_match(&f(chrome)), "{chrome}");
        }
        assert!(FORUM_LINE.is_match(&f("發表於 2023-1-2 12:00")));
        for prose in [
            "我回复了楼主的问题，觉得这个办法可行。",
            "第二季度的工作重点是巩固提升。",
            "今年我们支持了三个村的建设。",
        ] {
            assert!(!FORUM_LINE.is_match(prose), "{prose}");
        }
        assert!(FORUM_DATETIME.is_match("2023-1-2 12:00"));
        assert!(FORUM_DATETIME.is_match("由 某人 » 2023年 5月 6日, 21:30"));
        assert!(!FORUM_DATETIME.is_match("2023年5月6日召开会议"));
        assert!(FORUM_SKIP_CLASS.is_match("quote") && FORUM_SKIP_CLASS.is_match("sign"));
        assert!(!FORUM_SKIP_CLASS.is_match("design") && !FORUM_SKIP_CLASS.is_match("signup"));
    }
}

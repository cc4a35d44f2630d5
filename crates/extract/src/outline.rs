//! Section outline: numbered headings at the start of paragraphs
//! (一、 / （一）(一)〔一〕 / 1. 1、 / （1）) → levels 1–4.
//!
//! Rules (checked against every dev-corpus outline, see `tests/extract_parts.rs`):
//! - A heading is a marker at the **start of a paragraph** (a line of main_text, leading
//!   whitespace incl. U+3000 ignored). Inline enumerations (`…如下:(1)…(2)…`) are not headings.
//! - Some sources flatten a whole document into one running line where paragraphs are
//!   separated by single spaces. A line with at least [`RUNNING_TEXT_MIN_MARKERS`] level-1/2
//!   markers right after whitespace is treated as such and split at every whitespace run.
//! - Level 3 `1.` must not be followed by a digit (`1.25元`), and a number followed by `-`,
//!   `年`, `月` … is not a marker at all (`1-6月`, `2023年`), because only `.`/`．`/`、` count.
//! - The heading runs to the first `。` `:` `：` `;` `；` `?` `？` `!` `！`, or up to an
//!   inline `一是` (headings often run straight into their first point), trailing commas cut.

use super::model::OutlineItem;
use crate::rules::outline::{GLUED_MARKER, MARKER, RUNNING_TEXT_MIN_MARKERS};

/// Characters that end a heading.
fn ends_heading(c: char) -> bool {
    matches!(c, '。' | ':' | '：' | ';' | '；' | '?' | '？' | '!' | '！')
}

/// The outline of one article's main text (one paragraph per line).
pub fn outline(main_text: &str) -> Vec<OutlineItem> {
    let mut out = Vec::new();
    for line in main_text.lines() {
        let glued = GLUED_MARKER.as_ref().map_or(0, |re| {
            re.find_iter(line).take(RUNNING_TEXT_MIN_MARKERS).count()
        });
        if glued >= RUNNING_TEXT_MIN_MARKERS {
            for seg in line.split(char::is_whitespace) {
                push_heading(seg, &mut out);
            }
        } else {
            push_heading(line, &mut out);
        }
    }
    out
}

/// Adds the heading that opens `para`, if any.
fn push_heading(para: &str, out: &mut Vec<OutlineItem>) {
    let para = para.trim();
    let Some(caps) = MARKER.as_ref().and_then(|re| re.captures(para)) else {
        return;
    };
    let (level, m) = if let Some(m) = caps.name("l1") {
        (1, m)
    } else if let Some(m) = caps.name("l2") {
        (2, m)
    } else if let Some(m) = caps.name("l3") {
        (3, m)
    } else if let Some(m) = caps.name("l4") {
        (4, m)
    } else {
        return;
    };
    let rest = &para[m.end()..];
    if level == 3 && (m.as_str().ends_with('.') || m.as_str().ends_with('．')) {
        // `1.25元`, `3.5%`: a decimal, not a marker.
        if rest
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
        {
            return;
        }
    }
    let rest = rest.trim_start();
    let mut end = rest.find(ends_heading).unwrap_or(rest.len());
    if let Some(i) = rest[..end].find("一是") {
        if i > 0 {
            end = i;
        }
    }
    let heading =
        rest[..end].trim_end_matches(|c: char| c.is_whitespace() || matches!(c, ',' | '，' | '、'));
    if heading.is_empty() {
        return;
    }
    out.push(OutlineItem {
        level,
        marker: m.as_str().to_owned(),
        heading: heading.to_owned(),
    });
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn patterns_compile() {
        assert!(MARKER.is_some() && GLUED_MARKER.is_some());
    }

    fn items(text: &str) -> Vec<(u8, String, String)> {
        outline(text)
            .into_iter()
            .map(|o| (o.level, o.marker, o.heading))
            .collect()
    }

    #[test]
    fn four_levels_with_page_characters() {
        let text = "前言一段。\n一、总体情况\n（一）主要做法。内容从这里开始。\n(二)第二点:说明\n〔三〕第三点\n1.细化措施。正文\n2、另一措施,继续\n3．全角点号\n（1）最细一层。后文\n(2)半角括号";
        assert_eq!(
            items(text),
            vec![
                (1, "一、".into(), "总体情况".into()),
                (2, "（一）".into(), "主要做法".into()),
                (2, "(二)".into(), "第二点".into()),
                (2, "〔三〕".into(), "第三点".into()),
                (3, "1.".into(), "细化措施".into()),
                (3, "2、".into(), "另一措施,继续".into()),
                (3, "3．".into(), "全角点号".into()),
                (4, "（1）".into(), "最细一层".into()),
                (4, "(2)".into(), "半角括号".into()),
            ]
        );
    }

    #[test]
    fn not_fooled_by_numbers_dates_and_inline_lists() {
        let text = "1-6月份共接诊病人300人次。\n1.25元的补助标准不变。\n2023年全面完成任务。\n12.5%的增长来自门诊。\n具体制度如下:(1)值班制度(2)报告制度\n今年一、二季度均达标。";
        assert!(items(text).is_empty(), "{:?}", items(text));
    }

    #[test]
    fn heading_stops_before_inline_first_point() {
        let text = "(二)加强健康管理,增进幸福感一是落实托幼行动。二是其他。";
        assert_eq!(
            items(text),
            vec![(2, "(二)".into(), "加强健康管理,增进幸福感".into())]
        );
    }

    #[test]
    fn indented_paragraphs_and_space_after_marker() {
        let text =
            "\u{3000}\u{3000}三、 工作内容\n\u{3000}\u{3000}1、全面落实 “健康促进县”创建工作。后文";
        assert_eq!(
            items(text),
            vec![
                (1, "三、".into(), "工作内容".into()),
                (3, "1、".into(), "全面落实 “健康促进县”创建工作".into()),
            ]
        );
    }

    #[test]
    fn running_text_split_at_spaces() {
        let text = "某局工作小结 开头一段。 一、第一部分标题 正文说明。 （一）小节标题。正文 （二）另一小节 正文 二、第二部分";
        assert_eq!(
            items(text),
            vec![
                (1, "一、".into(), "第一部分标题".into()),
                (2, "（一）".into(), "小节标题".into()),
                (2, "（二）".into(), "另一小节".into()),
                (1, "二、".into(), "第二部分".into()),
            ]
        );
    }

    #[test]
    fn ten_and_above() {
        let text = "十、第十项\n十一、第十一项:说明";
        assert_eq!(
            items(text),
            vec![
                (1, "十、".into(), "第十项".into()),
                (1, "十一、".into(), "第十一项".into())
            ]
        );
    }
}

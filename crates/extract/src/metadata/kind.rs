//! Document type, period and script.
//!
//! - doc_type: the earliest type word in the title (总结/小结 → 工作总结, 计划/规划/谋划/要点/工作打算/工作安排 →
//!   工作计划, 报告/汇报/述职 → 工作报告, 事迹 → 先进事迹; on the folded title, so Traditional forms match too; 计划生育 is
//!   not a plan); else the most frequent self-declaring phrase (工作总结, 总结如下, 述职报告…)
//!   in the opening of the content; else 其他.
//! - period: the first year in the title (`2023年`, `2023`), with 上半年/下半年 → H1/H2 and
//!   季度 → Q1–Q4; a year range (`2004—2024年`) gives none; else the same read on the
//!   document's own heading line (first content line, if short and naming a type).
//! - script: Han text is Hant when Traditional-only characters outnumber Simplified-only
//!   ones, else Hans; text dominated by another script gets its ISO 15924 code.

use super::Body;
use crate::rules::metadata::{
    CN_YEAR, HEADING_LINE_MAX_CHARS, NOT_TYPE, PERIOD_WORDS, ROC_YEAR, SCRIPT_SCAN_CHARS,
    SIMPLIFIED, TEXT_TYPE_PHRASES, TRADITIONAL, TYPE_SCAN_CHARS, TYPE_WORDS, YEAR, YEAR_RANGE,
};

/// The document type (see the module doc). `title` is folded to Simplified: type words
/// are matched on folded text (`工作總結` → 工作总结).
pub(crate) fn doc_type(title: Option<&str>, body: &Body<'_>) -> &'static str {
    if let Some(t) = title.and_then(earliest_type) {
        return t;
    }
    let head = body.folded_head(TYPE_SCAN_CHARS);
    let mut best: Option<(&'static str, usize)> = None;
    for (_, kind) in TEXT_TYPE_PHRASES {
        let n = TEXT_TYPE_PHRASES
            .iter()
            .filter(|(_, k)| k == kind)
            .map(|(w, _)| count_type_word(&head, w))
            .sum::<usize>();
        if n > 0 && best.is_none_or(|(_, b)| n > b) {
            best = Some((kind, n));
        }
    }
    best.map_or("其他", |(k, _)| k)
}

fn earliest_type(title: &str) -> Option<&'static str> {
    TYPE_WORDS
        .iter()
        .filter_map(|(w, k)| first_type_word(title, w).map(|i| (i, *k)))
        .min_by_key(|(i, _)| *i)
        .map(|(_, k)| k)
}

/// Byte offset of the first `word` in `s` that is not part of a [`NOT_TYPE`] term.
fn first_type_word(s: &str, word: &str) -> Option<usize> {
    s.match_indices(word)
        .map(|(i, _)| i)
        .find(|&i| !NOT_TYPE.iter().any(|n| s[i..].starts_with(n)))
}

fn count_type_word(s: &str, word: &str) -> usize {
    s.match_indices(word)
        .filter(|(i, _)| !NOT_TYPE.iter().any(|n| s[*i..].starts_with(n)))
        .count()
}

/// The reporting period (see the module doc).
///
/// `roc`: a Traditional page, where a Minguo year counts (`112年度` → 2023, also `民國112年`
/// or a three-digit `112年`). `title` is folded to Simplified.
pub(crate) fn period(title: Option<&str>, body: &Body<'_>, roc: bool) -> Option<String> {
    if let Some(t) = title {
        if let Some(p) = period_of(t, roc) {
            return p;
        }
    }
    let first = body.folded.first().filter(|l| {
        l.chars().count() <= HEADING_LINE_MAX_CHARS
            && !l.contains('。')
            && earliest_type(l).is_some()
    })?;
    period_of(first, roc).flatten()
}

/// The Minguo year of `s` as a Gregorian year (1949..=2061).
fn roc_year(s: &str) -> Option<(u32, usize)> {
    let c = ROC_YEAR.as_ref()?.captures(s)?;
    let g = c
        .name("m")
        .or_else(|| c.name("d"))
        .or_else(|| c.name("t"))?;
    let y: u32 = g.as_str().parse().ok()?;
    (38..=150).contains(&y).then_some((y + 1911, g.end()))
}

/// `Some(period)` when `s` settles the question (a year or a range), `None` when it says nothing.
fn period_of(s: &str, roc: bool) -> Option<Option<String>> {
    if YEAR_RANGE.as_ref()?.is_match(s) {
        return Some(None);
    }
    let (year, after) = if let Some(y) = YEAR.as_ref()?.captures(s).and_then(|c| c.name("y")) {
        (y.as_str().to_owned(), &s[y.end()..])
    } else if let Some((y, end)) = roc.then(|| roc_year(s)).flatten() {
        (y.to_string(), &s[end..])
    } else {
        let y = CN_YEAR.as_ref()?.captures(s).and_then(|c| c.name("y"))?;
        let n = y.as_str().chars().try_fold(0u32, |n, c| {
            let d = "〇一二三四五六七八九"
                .chars()
                .position(|x| x == c)
                .or(match c {
                    '○' | '零' => Some(0),
                    _ => None,
                })?;
            Some(n * 10 + u32::try_from(d).ok()?)
        })?;
        (n.to_string(), &s[y.end()..])
    };
    let suffix = PERIOD_WORDS
        .iter()
        .find(|(_, words)| words.iter().any(|w| after.contains(w)))
        .map_or("", |(p, _)| p);
    Some(Some(format!("{year}{suffix}")))
}

/// Scripts other than Han, by Unicode block, with their ISO 15924 codes.
fn other_script(c: char) -> Option<&'static str> {
    Some(match c {
        'A'..='Z' | 'a'..='z' | '\u{00C0}'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}' => "Latn",
        '\u{0400}'..='\u{04FF}' => "Cyrl",
        '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' => "Arab",
        '\u{0370}'..='\u{03FF}' => "Grek",
        '\u{0590}'..='\u{05FF}' => "Hebr",
        '\u{0900}'..='\u{097F}' => "Deva",
        '\u{0E00}'..='\u{0E7F}' => "Thai",
        '\u{AC00}'..='\u{D7AF}' | '\u{1100}'..='\u{11FF}' => "Hang",
        '\u{3040}'..='\u{30FF}' => "Jpan",
        _ => return None,
    })
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{2FFFF}')
}

/// The script (see the module doc). Han wins when it is at least a fifth of the letters
/// (a Chinese report quotes Latin names and units; a foreign page rarely has that much Han);
/// kana next to Han makes it Japanese.
pub(crate) fn script(title: Option<&str>, body: &Body<'_>) -> Option<String> {
    let text = body.head(SCRIPT_SCAN_CHARS);
    let sample = if text.trim().is_empty() {
        title.unwrap_or_default().to_owned()
    } else {
        text
    };
    let (mut han, mut simp, mut trad) = (0usize, 0usize, 0usize);
    let mut others: Vec<(&'static str, usize)> = Vec::new();
    for c in sample.chars() {
        if is_han(c) {
            han += 1;
            if SIMPLIFIED.contains(&c) {
                simp += 1;
            } else if TRADITIONAL.contains(&c) {
                trad += 1;
            }
        } else if let Some(s) = other_script(c) {
            match others.iter_mut().find(|(k, _)| *k == s) {
                Some(e) => e.1 += 1,
                None => others.push((s, 1)),
            }
        }
    }
    let letters = han + others.iter().map(|(_, n)| n).sum::<usize>();
    if letters == 0 {
        return None;
    }
    let kana = others
        .iter()
        .find(|(k, _)| *k == "Jpan")
        .map_or(0, |(_, n)| *n);
    if han * 5 >= letters {
        if kana * 10 >= han && kana > 0 {
            return Some("Jpan".to_owned());
        }
        return Some(if trad > simp { "Hant" } else { "Hans" }.to_owned());
    }
    others.sort_by_key(|o| std::cmp::Reverse(o.1));
    others.first().map(|(k, _)| (*k).to_owned())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use crate::hant::fold;
    use crate::rules::metadata::{SIMPLIFIED_ONLY, TRADITIONAL_ONLY};
    use crate::Article;

    fn body(arts: &[Article]) -> Body<'_> {
        Body::new(arts)
    }

    fn art(t: &str) -> Vec<Article> {
        vec![Article {
            main_text: t.into(),
            ..Default::default()
        }]
    }

    #[test]
    fn tables_agree() {
        assert_eq!(
            SIMPLIFIED_ONLY.chars().count(),
            TRADITIONAL_ONLY.chars().count()
        );
        let overlap: Vec<char> = SIMPLIFIED.intersection(&TRADITIONAL).copied().collect();
        assert!(overlap.is_empty(), "{overlap:?}");
        assert!(YEAR.is_some() && YEAR_RANGE.is_some() && CN_YEAR.is_some());
    }

    #[test]
    fn doc_types() {
        let a = art("");
        let b = body(&a);
        assert_eq!(
            doc_type(
                Some(&fold("区卫生健康委2023年工作总结与2024年工作谋划")),
                &b
            ),
            "工作总结"
        );
        assert_eq!(
            doc_type(Some(&fold("2023卫计办工作计划6篇")), &b),
            "工作计划"
        );
        assert_eq!(doc_type(Some(&fold("**市衛生局先進事蹟")), &b), "先进事迹");
        assert_eq!(
            doc_type(Some(&fold("計劃生育協會年度總結")), &b),
            "工作总结"
        );
        assert_eq!(doc_type(Some(&fold("政府工作報告")), &b), "工作报告");
        assert_eq!(doc_type(Some(&fold("卫生资料汇编")), &b), "其他");
        assert_eq!(
            doc_type(Some(&fold("卫生院下半年工作打算")), &b),
            "工作计划"
        );
        let a = art("现将上半年工作开展情况总结如下:");
        assert_eq!(doc_type(Some(&fold("卫生资料汇编")), &body(&a)), "工作总结");
        let a = art("社区托育点投入使用,街道计划明年再建两处,据报告入托需求旺盛。");
        assert_eq!(
            doc_type(Some(&fold("首个社区托育点投入使用")), &body(&a)),
            "其他"
        );
    }

    #[test]
    fn periods() {
        let a = art("");
        let b = body(&a);
        assert_eq!(
            period(Some(&fold("2023年卫生局行风建设上半年工作小结")), &b, false).as_deref(),
            Some("2023H1")
        );
        assert_eq!(
            period(
                Some("区卫生健康委2023年工作总结与2024年工作谋划"),
                &b,
                false
            )
            .as_deref(),
            Some("2023")
        );
        assert_eq!(
            period(Some(&fold("2023卫计办工作计划6篇")), &b, false).as_deref(),
            Some("2023")
        );
        assert_eq!(
            period(Some(&fold("卫生健康工作资料汇编(2004—2024年)")), &b, false),
            None
        );
        assert_eq!(period(Some(&fold("**市衛生局先進事蹟")), &b, false), None);
        assert_eq!(
            period(Some(&fold("2024年第三季度工作汇报")), &b, false).as_deref(),
            Some("2024Q3")
        );
        assert_eq!(
            period(Some(&fold("2023年1季度工作彙報")), &b, false).as_deref(),
            Some("2023Q1")
        );
        assert_eq!(
            period(Some(&fold("2022年下半年工作總結")), &b, false).as_deref(),
            Some("2022H2")
        );
        let a = art("某县卫生局2021年下半年工作总结\n正文。");
        assert_eq!(
            period(Some(&fold("卫生局工作总结")), &body(&a), false).as_deref(),
            Some("2021H2")
        );
    }

    #[test]
    fn minguo_periods_only_on_traditional_pages() {
        let a = art("");
        let b = body(&a);
        let p = |t: &str, roc: bool| period(Some(&fold(t)), &b, roc);
        assert_eq!(
            p("臺中市政府衛生局112年度工作報告", true).as_deref(),
            Some("2023")
        );
        assert_eq!(
            p("民國111年下半年工作報告", true).as_deref(),
            Some("2022H2")
        );
        assert_eq!(p("衛生局112年工作計畫", true).as_deref(), Some("2023"));
        assert_eq!(p("2023年度工作報告", true).as_deref(), Some("2023"));
        assert_eq!(p("卫生局112年度工作报告", false), None);
        // Ordinary counts are not years.
        assert_eq!(p("本局成立50年工作回顧", true), None);
        assert_eq!(p("第12年度", true), None);
    }

    #[test]
    fn scripts() {
        let a = art("近年來,市衛生局認真貫徹落實各項政策,醫療服務體系進一步完善。");
        assert_eq!(script(None, &body(&a)).as_deref(), Some("Hant"));
        let a = art("近年来,市卫生局认真贯彻落实各项政策,医疗服务体系进一步完善。");
        assert_eq!(script(None, &body(&a)).as_deref(), Some("Hans"));
        let a = art("The council voted on Tuesday to approve the plan.");
        assert_eq!(script(None, &body(&a)).as_deref(), Some("Latn"));
        let a = art("Городской совет утвердил бюджет.");
        assert_eq!(script(None, &body(&a)).as_deref(), Some("Cyrl"));
        let a = art("東京都は新しい計画を発表した。");
        assert_eq!(script(None, &body(&a)).as_deref(), Some("Jpan"));
        assert_eq!(script(None, &body(&art(""))), None);
    }
}

//! Figures: numbers with units in the main text, 万/亿 multiplied out, percentages,
//! per-mille, approximations (约/近/多/余/左右).
//!
//! One regex pass over the text finds `[约|近…] NUMBER [多|余] [万|亿] [多|余] UNIT [左右|以上]`;
//! a number only counts with a unit from [`UNITS`], so years (`2023年`), dates (`6月28日`),
//! ages (`35岁`), phone numbers and hotlines (`12345热线`) never qualify. Numbers glued to
//! Latin letters or other digits (`x202x`, `h7n9`, `0775-2821234`) and ordinals (`第3次`) are
//! skipped. The subject is the clause before the number (what is counted), `raw` the exact
//! span of main_text from the subject to the unit.
//!
//! Matching runs on the text folded to Simplified ([`super::hant::fold`], which keeps every
//! byte offset), so Traditional pages need no second set of rules; `raw`, `unit` and the
//! subject are cut from the original text at the same offsets.

use super::model::Figure;
use crate::rules::figures::{
    BIG_PROJECTS, FIGURE, GLUED_UNIT_WORDS, JIN_WORD_PREFIXES, LEAD_INS, LIST_MARKER, OPENERS,
    SHORT_SUBJECT_CHARS, SUBJECT_AFTER_MAX_CHARS, SUBJECT_MAX_CHARS, YUE_WORD_PREFIXES,
};

/// Whether the approximation word `pre` starting at byte `start` is really the tail of an
/// ordinary word (签约, 最近) and so marks nothing approximate.
fn part_of_word(text: &str, start: usize, pre: &str) -> bool {
    let prefixes = match pre {
        "约" => YUE_WORD_PREFIXES,
        "近" => JIN_WORD_PREFIXES,
        _ => return false,
    };
    text.get(..start)
        .and_then(|before| before.chars().next_back())
        .is_some_and(|c| prefixes.contains(c))
}

/// The figures of one article's main text (folded here: text that comes without its
/// folded copy, e.g. a stitched report).
pub fn figures(main_text: &str) -> Vec<Figure> {
    figures_of(main_text, &super::hant::fold(main_text))
}

/// [`figures`] of a main text whose folded copy (`hant::fold`) the caller carries.
pub(crate) fn figures_of(main_text: &str, folded: &str) -> Vec<Figure> {
    figures_at(main_text, folded)
        .into_iter()
        .map(|(_, f)| f)
        .collect()
}

/// [`figures_of`] with the byte offset in `main_text` of each figure's number (stitching
/// tells by it which page a figure came from).
pub(crate) fn figures_at(main_text: &str, folded: &str) -> Vec<(usize, Figure)> {
    let mut out = Vec::new();
    let Some(re) = FIGURE.as_ref() else {
        return out;
    };
    // Byte offset before which a subject may not reach (the end of the previous figure).
    let mut floor = 0;
    for caps in re.captures_iter(folded) {
        let (Some(whole), Some(num)) = (caps.get(0), caps.name("num")) else {
            continue;
        };
        if glued_to_code(folded, num.start())
            || glued_after(folded, whole.end(), caps.name("unit").map(|u| u.as_str()))
        {
            continue;
        }
        let Some(value) = parse_number(
            num.as_str(),
            mul_exponent(caps.name("mul").map(|m| m.as_str())),
        ) else {
            continue;
        };
        // The unit as the page writes it (same offsets in the original).
        let unit = match caps.name("unit").map(|u| &main_text[u.range()]) {
            Some("％" | "﹪") => "%".to_owned(),
            Some(u) => u.to_owned(),
            None => continue,
        };
        let approx = caps
            .name("pre")
            .is_some_and(|p| !part_of_word(folded, p.start(), p.as_str()))
            || caps.name("s1").is_some()
            || caps.name("s2").is_some()
            || caps.name("post").is_some_and(|p| p.as_str() == "左右");
        let (subject, raw_start) = subject_before(main_text, whole.start(), floor);
        // `选派4名主治医师`: a subject of a verb or two names the act, the words after the
        // unit name what is counted; both together say it.
        let (subject, raw_end) = if subject.chars().count() <= SHORT_SUBJECT_CHARS {
            let (after, end) = subject_after(main_text, whole.end());
            if after.is_empty() {
                (subject, whole.end())
            } else {
                (format!("{subject}{after}"), end)
            }
        } else {
            (subject, whole.end())
        };
        let subject = if subject.is_empty() {
            unit.clone()
        } else {
            subject
        };
        floor = whole.end();
        out.push((
            num.start(),
            Figure {
                subject,
                value: tidy(value),
                unit,
                raw: main_text[raw_start..raw_end].to_owned(),
                approx,
                page: None,
            },
        ));
    }
    if let Some(re) = BIG_PROJECTS.as_ref() {
        for caps in re.captures_iter(folded) {
            let (Some(whole), Some(num), Some(noun)) =
                (caps.get(0), caps.name("num"), caps.name("noun"))
            else {
                continue;
            };
            if glued_to_code(folded, num.start()) {
                continue;
            }
            let Some(value) = parse_number(num.as_str(), 0) else {
                continue;
            };
            // `项目` / `項目` as written: the unit is its first character.
            let tail = &main_text[noun.end()..whole.end()];
            out.push((
                num.start(),
                Figure {
                    subject: main_text[noun.start()..whole.end()].to_owned(),
                    value,
                    unit: tail
                        .chars()
                        .next()
                        .map_or_else(|| "项".to_owned(), String::from),
                    raw: main_text[whole.range()].to_owned(),
                    approx: false,
                    page: None,
                },
            ));
        }
    }
    out
}

/// Powers of ten of the 万/亿 multipliers (as matched in the folded text).
fn mul_exponent(mul: Option<&str>) -> i32 {
    match mul {
        Some("万") => 4,
        Some("亿") => 8,
        Some("万亿") => 12,
        _ => 0,
    }
}

/// Parses digits (ASCII or full-width, `,` groups, `.`/`．` point) times 10^exp, exactly
/// where possible: the digits are read as an integer and scaled once, so `4.521亿` is
/// 452100000, not 452100000.00000006.
fn parse_number(s: &str, exp: i32) -> Option<f64> {
    let mut mantissa: u64 = 0;
    let mut frac_digits: i32 = 0;
    let mut in_frac = false;
    let mut digits = 0;
    for c in s.chars() {
        let d = match c {
            '0'..='9' => c as u32 - '0' as u32,
            '０'..='９' => c as u32 - '０' as u32,
            '.' | '．' => {
                in_frac = true;
                continue;
            }
            _ => continue,
        };
        digits += 1;
        if digits > 17 {
            // Beyond u64 precision: not a plausible statistic (IDs, phone numbers glued).
            return None;
        }
        mantissa = mantissa * 10 + u64::from(d);
        if in_frac {
            frac_digits += 1;
        }
    }
    if digits == 0 {
        return None;
    }
    let e = exp - frac_digits;
    #[allow(clippy::cast_precision_loss)]
    let m = mantissa as f64;
    Some(if e >= 0 {
        m * 10f64.powi(e)
    } else {
        m / 10f64.powi(-e)
    })
}

/// Rounds away binary noise below 1e-9 relative (values are decimal by nature).
fn tidy(v: f64) -> f64 {
    let r = v.round();
    if (v - r).abs() <= 1e-9 * v.abs().max(1.0) {
        r
    } else {
        v
    }
}

/// True when the number at `start` continues a code rather than starting a quantity:
/// glued to a Latin letter or digit (`x202x`, `h7n9`), a dash/slash/colon (`0775-2821234`,
/// `3/4`, `09:12`), a decimal point, or an ordinal `第`.
fn glued_to_code(text: &str, start: usize) -> bool {
    text[..start].chars().next_back().is_some_and(|c| {
        c.is_ascii_alphanumeric()
            || ('０'..='９').contains(&c)
            || matches!(
                c,
                '.' | '．' | '-' | '/' | ':' | '第' | '_' | '#' | '＃' | '+'
            )
    })
}

/// True when the unit is really the start of a longer word: `人民`, `元旦`, `个人`, `次年`,
/// `名单`, `家庭`, `所在`, `位于`, `期间`…, or a Latin unit glued to more letters.
fn glued_after(text: &str, end: usize, unit: Option<&str>) -> bool {
    let Some(next) = text[end..].chars().next() else {
        return false;
    };
    match unit {
        Some(u) if u.is_ascii() => next.is_ascii_alphanumeric(),
        Some(u) => GLUED_UNIT_WORDS
            .iter()
            .any(|(unit, nexts)| *unit == u && nexts.contains(next)),
        None => false,
    }
}

/// Clause delimiters: a subject never reaches across them.
fn is_delim(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            ',' | '，'
                | '。'
                | ';'
                | '；'
                | ':'
                | '：'
                | '、'
                | '!'
                | '！'
                | '?'
                | '？'
                | '('
                | ')'
                | '（'
                | '）'
                | '〔'
                | '〕'
                | '“'
                | '”'
                | '"'
                | '《'
                | '》'
                | '['
                | ']'
                | '【'
                | '】'
                | '\t'
        )
}

/// The clause before byte offset `start` (not before `floor`), trimmed of lead-in and opener
/// words; returns the subject and the byte offset where the raw span starts.
fn subject_before(text: &str, start: usize, floor: usize) -> (String, usize) {
    let mut begin = start;
    for (n, (i, c)) in text[floor..start].char_indices().rev().enumerate() {
        if is_delim(c) || n >= SUBJECT_MAX_CHARS {
            break;
        }
        begin = floor + i;
    }
    let mut subject = &text[begin..start];
    loop {
        let before = subject;
        for w in LEAD_INS {
            if let Some(s) = subject.strip_suffix(w) {
                if !s.is_empty() {
                    subject = s;
                }
            }
        }
        if subject == before {
            break;
        }
    }
    // A list marker opening the clause (`1.家庭医生签约率`) is not part of the subject.
    if let Some(m) = LIST_MARKER.as_ref().and_then(|re| re.find(subject)) {
        if m.end() < subject.len() {
            subject = &subject[m.end()..];
        }
    }
    for w in OPENERS {
        if let Some(s) = subject.strip_prefix(w) {
            if !s.is_empty() {
                subject = s;
                break;
            }
        }
    }
    (subject.to_owned(), begin)
}

/// The words after the unit up to the next delimiter (for `1497例手足口病人救治`);
/// returns them and the byte offset where the raw span ends.
fn subject_after(text: &str, end: usize) -> (String, usize) {
    let mut stop = end;
    for (n, (i, c)) in text[end..].char_indices().enumerate() {
        if is_delim(c) || n >= SUBJECT_AFTER_MAX_CHARS {
            break;
        }
        stop = end + i + c.len_utf8();
    }
    (text[end..stop].to_owned(), stop)
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::float_cmp
    )]
    use super::*;

    fn vals(text: &str) -> Vec<(f64, String, bool)> {
        figures(text)
            .into_iter()
            .map(|f| (f.value, f.unit, f.approx))
            .collect()
    }

    #[test]
    fn units_that_start_a_word_count_nothing() {
        // 人民, 个体 (Traditional 個體 folds to it), 名单: the unit is the start of a word.
        for text in [
            "全县3800人民群众参与",
            "新增2個體育項目",
            "公布3名单位负责人",
        ] {
            assert!(figures(text).is_empty(), "{text}: {:?}", figures(text));
        }
        assert_eq!(figures("新增2个项目")[0].unit, "个");
    }

    #[test]
    fn patterns_compile() {
        assert!(FIGURE.is_some() && BIG_PROJECTS.is_some() && LIST_MARKER.is_some());
    }

    #[test]
    fn multipliers_and_exact_values() {
        assert_eq!(
            vals("优惠金额约25万元,报销金额510.07万元,让利群众4.521億元,业务收入2.1亿元。"),
            vec![
                (250_000.0, "元".into(), true),
                (5_100_700.0, "元".into(), false),
                (452_100_000.0, "元".into(), false),
                (210_000_000.0, "元".into(), false),
            ]
        );
    }

    #[test]
    fn percent_forms_and_per_mille() {
        assert_eq!(
            vals("参合率95.48%,办结率达到93﹪以上,覆盖率９０％左右,出生率为10.12‰。"),
            vec![
                (95.48, "%".into(), false),
                (93.0, "%".into(), false),
                (90.0, "%".into(), true),
                (10.12, "‰".into(), false),
            ]
        );
    }

    #[test]
    fn units_with_spaces_and_approx_suffixes() {
        assert_eq!(
            vals("选送35 人外出进修,医疗总费用30.14 万元,发放资料30多万份,组织5000余人。"),
            vec![
                (35.0, "人".into(), false),
                (301_400.0, "元".into(), false),
                (300_000.0, "份".into(), true),
                (5000.0, "人".into(), true),
            ]
        );
    }

    #[test]
    fn not_figures() {
        let text = "2023年5月6日,联系电话0775-2821234,拨打12345热线,35岁以上,第3次会议,x202x年,h7n9禽流感,1-6月份。";
        assert!(vals(text).is_empty(), "{:?}", figures(text));
    }

    #[test]
    fn subject_and_raw_span() {
        let text = "据统计,上半年全市共派出各级医疗卫生人员3800人次,1497例手足口病人救治成功。";
        let f = figures(text);
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].subject, "上半年全市共派出各级医疗卫生人员");
        assert_eq!(f[0].raw, "上半年全市共派出各级医疗卫生人员3800人次");
        assert_eq!(f[1].subject, "手足口病人救治成功");
        assert_eq!(f[1].raw, "1497例手足口病人救治成功");
        let g = figures("今年选派4名主治医师下乡。");
        assert_eq!(g[0].subject, "选派主治医师下乡");
        assert_eq!(g[0].raw, "今年选派4名主治医师下乡");
        for fig in &f {
            assert!(text.contains(&fig.raw));
        }
    }

    #[test]
    fn list_marker_not_in_subject() {
        let f = figures("1.家庭医生签约率达到70%以上。");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].subject, "家庭医生签约率");
        assert_eq!(f[0].raw, "1.家庭医生签约率达到70%以上");
    }

    #[test]
    fn compound_units_and_project_counts() {
        assert_eq!(
            vals("每年培训不低于20个学时,推进11大公共卫生服务项目,完成20个项目。"),
            vec![
                (20.0, "个学时".into(), false),
                (20.0, "个".into(), false),
                (11.0, "项".into(), false)
            ]
        );
    }

    #[test]
    fn yue_inside_a_word_is_not_approximate() {
        let f = figures("完成家庭医生签约11860人,挽回损失约5万元,最近3年新增病床120张。");
        let approx: Vec<(String, bool)> = f.iter().map(|f| (f.raw.clone(), f.approx)).collect();
        assert!(
            approx.iter().any(|(r, a)| r.contains("11860人") && !a),
            "{approx:?}"
        );
        assert!(
            approx.iter().any(|(r, a)| r.contains("约5万元") && *a),
            "{approx:?}"
        );
        assert!(
            f.iter().all(|f| !f.raw.contains("3年") || !f.approx),
            "{approx:?}"
        );
    }

    #[test]
    fn traditional_text_matches_through_folding() {
        // Units and words only written in Simplified in the rules (项目, 场次, 签约) work
        // on Traditional text; unit and raw keep the page's characters.
        let f = figures("推進11大公共衛生服務項目，辦理講座120場次，簽約率達到85.5%。");
        let got: Vec<(f64, &str, &str)> = f
            .iter()
            .map(|f| (f.value, f.unit.as_str(), f.raw.as_str()))
            .collect();
        assert!(
            got.contains(&(11.0, "項", "11大公共衛生服務項目")),
            "{got:?}"
        );
        assert!(got.iter().any(|g| g.0 == 120.0 && g.1 == "場次"), "{got:?}");
        let sign = f.iter().find(|f| f.unit == "%").map(|f| f.approx);
        assert_eq!(sign, Some(false), "簽約 is a word, not 約 'about': {f:?}");
    }

    #[test]
    fn counted_visits_and_traditional_approx() {
        assert_eq!(
            vals("检查单位1280家次,外借图书38.5万册次,登记古籍1860部,3部门联合,受益居民約5600人。"),
            vec![
                (1280.0, "家次".into(), false),
                (385_000.0, "册次".into(), false),
                (1860.0, "部".into(), false),
                (5600.0, "人".into(), true),
            ]
        );
    }

    #[test]
    fn thousands_groups_and_full_width_digits() {
        assert_eq!(
            vals("接种１２３４人次,服务1,234,567人。"),
            vec![
                (1234.0, "人次".into(), false),
                (1_234_567.0, "人".into(), false)
            ]
        );
    }
}

//! Issuing organization (`source_org`) and the most specific place (`region`).
//!
//! source_org, first found wins:
//! 1. A labeled line outside the article (else in its header zone, see the date rules):
//!    信息来源/来源/发布机构/发文单位/发布单位…:
//!    (generic values such as 网络, 本站, 原创 or a website name are ignored).
//! 2. `<meta name="ContentSource">` / `source`.
//! 3. The signature line at the end of the document (`XX县卫生局`, optionally with a date).
//! 4. The document's own heading line (first content line, then the meta description)
//!    shaped `<org><year>年<type>`, e.g. `某县卫生项目办公室XX年工作总结`.
//! 5. The page title, same shape (`区卫生健康委2023年工作总结…`, `2023年卫生局…小结`).
//!
//! region: the place names that open the organization (`淮南市谢家集区人民政府` → 谢家集区);
//! a placeholder (`xxx市`, `**市`) gives none; a bare level (`区卫生健康委`, `县…办公室`) is
//! resolved from the text when exactly one place of that level dominates it; with no
//! organization the title's opening place is used.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use super::{Body, Page};
use crate::dom::folded_part;
use crate::hant::fold;

/// Endings of organization names, longest alternatives first (leftmost-first regex order).
const ORG_SUFFIX: &str = concat!(
    "委员会|委員會|联合会|聯合會|办公室|辦公室|人民政府|政府|卫生院|衛生院|医院|醫院|中心|",
    "协会|協會|学会|學會|集团|集團|公司|学校|學校|大学|大學|中学|中學|小学|小學|幼儿园|幼兒園|",
    "党委|黨委|党组|黨組|支部|工会|工會|妇联|婦聯|团委|團委|",
    "局|委|厅|廳|院|所|处|處|科|站|队|隊|馆|館|署|部"
);

/// Characters an organization name is made of: Han, placeholders (`*`, `x`), roman numerals
/// (seen in project names such as 卫生Ⅷ项目), and brackets.
const ORG_CHARS: &str = r"[\p{Han}*＊xX×\u{2160}-\u{217F}（）()]";

/// Labels of the issuing-organization line.
const ORG_LABELS: &str = concat!(
    "信息来源|信息來源|文章来源|文章來源|稿件来源|来源单位|來源單位|发布机构|發布機構|发文单位|發文單位|",
    "发文机关|發文機關|发布单位|發布單位|发布部门|發布部門|供稿单位|供稿|",
    // Any two-character qualifier before 来源 (资料來源, 新闻来源, 消息来源…).
    r"\p{Han}{2}(?:来源|來源)|来源|來源"
);

/// Field labels that may follow the organization on the same line.
const NEXT_FIELDS: &[&str] = &[
    "作者", "发布", "發布", "时间", "時間", "日期", "浏览", "瀏覽", "点击", "點擊", "阅读", "閱讀",
    "编辑", "編輯", "字号", "字號", "责任", "責任", "访问", "訪問", "次数",
];
/// [`NEXT_FIELDS`] folded once, like the rule patterns.
static NEXT_FIELDS_FOLDED: LazyLock<Vec<String>> =
    LazyLock::new(|| NEXT_FIELDS.iter().map(|f| fold(f).into_owned()).collect());

/// Values of a 来源 line that name no issuing organization.
const GENERIC_SOURCES: &[&str] = &[
    "网络",
    "網絡",
    "網路",
    "网友",
    "網友",
    "本站",
    "原创",
    "原創",
    "互联网",
    "互聯網",
    "转载",
    "轉載",
    "佚名",
    "未知",
    "投稿",
    "整理",
    "admin",
    "http",
    "www",
    ".com",
    ".cn",
];

/// Longest organization name accepted, in characters.
const ORG_MAX_CHARS: usize = 40;

/// How many trailing content lines may hold the signature.
const SIGNATURE_TAIL: usize = 6;

/// Longest signature line, in characters (organization plus date).
const SIGNATURE_MAX_CHARS: usize = 40;

static LABELED_ORG: LazyLock<Option<Regex>> = LazyLock::new(|| {
    // Folded like the page text it matches (`發布單位` → 发布单位).
    folded_re(&format!(
        r"(?m)(?:^|[^\p{{Han}}])(?:{ORG_LABELS})\s*[:：]\s*(?P<v>[^\s|｜/,，;；]{{2,60}})"
    ))
});

/// `<org><year>年…` or `<org><doc-type word>…` at the start of a heading; or
/// `<year>年<org>…` (the year first).
static HEAD_ORG: LazyLock<Option<Regex>> = LazyLock::new(|| {
    folded_re(&format!(
        concat!(
            r"^(?:(?P<a>{c}{{2,30}}?(?:{s}))\s*(?:[0-9０-９xX*＊]{{2,4}}|[〇○零一二三四五六七八九]{{4}}|上半|下半|全|本)\s*年",
            r"|(?P<b>{c}{{2,30}}?(?:{s}))(?:工作|总结|總結|计划|計劃|报告|報告|事迹|事蹟|先进|先進|规划|規劃|要点|要點)",
            r"|[0-9０-９]{{4}}\s*年度?\s*(?P<c>{c}{{2,15}}?(?:{s})))"
        ),
        c = ORG_CHARS,
        s = ORG_SUFFIX
    ))
});

/// A line that is only an organization name (a signature).
static SIGNATURE: LazyLock<Option<Regex>> =
    LazyLock::new(|| folded_re(&format!(r"^(?P<org>{ORG_CHARS}{{3,30}}(?:{ORG_SUFFIX}))$")));

/// Compiles a pattern folded to Simplified (`hant::fold`): it runs on folded copies of the
/// text, and values are cut from the original at the same byte offsets.
fn folded_re(pattern: &str) -> Option<Regex> {
    Regex::new(&fold(pattern)).ok()
}

/// A leading place segment: name + administrative level.
static PLACE_SEG: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"^[\p{Han}*＊xX×]{0,10}?(?:特别行政区|特別行政區|自治区|自治區|自治州|自治县|自治縣|自治旗|省|市|县|縣|区|區|州|盟|旗|镇|鎮|乡|鄉|街道)").ok()
});

/// A trailing date on a signature line (removed before matching the organization).
static TRAILING_DATE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"[\s(（]*(?:[0-9０-９]{4}\s*[-/.年]\s*[0-9０-９]{1,2}\s*[-/.月]\s*[0-9０-９]{1,2}\s*日?|[〇○零一二三四五六七八九]{4}\s*年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日)[\s)）]*$").ok()
});

/// Decides the issuing organization (see the module doc).
/// `title`: the page title and its folded copy.
pub(crate) fn source_org(
    page: &Page,
    span: Option<(usize, usize)>,
    body: &Body<'_>,
    title: Option<(&str, &str)>,
) -> Option<String> {
    if let Some(re) = LABELED_ORG.as_ref() {
        for header_zone in [false, true] {
            for caps in re.captures_iter(page.match_text()) {
                let (Some(m), Some(v)) = (caps.get(0), caps.name("v")) else {
                    continue;
                };
                if !super::label_allowed(m.start(), span, header_zone) {
                    continue;
                }
                // The page's own characters at the folded match's offsets.
                let (Some(orig), Some(folded)) =
                    (page.text.get(v.range()), page.match_text().get(v.range()))
                else {
                    continue;
                };
                if let Some(org) = clean_source(orig, folded) {
                    return Some(org);
                }
            }
        }
    }
    if let Some(org) = page
        .meta(&["contentsource", "source"])
        .and_then(|v| clean_source(v, &fold(v)))
    {
        return Some(org);
    }
    if let Some(org) = signature(body) {
        return Some(org);
    }
    let first_line = body.lines.first().copied().zip(body.folded.first());
    if let Some(org) = first_line.and_then(|(l, f)| heading_org(l, f)) {
        return Some(org);
    }
    // An attribute, not content text: folded here.
    let description = page.meta(&["description", "og:description"]);
    if let Some(org) = description.and_then(|d| heading_org(d, &fold(d))) {
        return Some(org);
    }
    title.and_then(|(t, f)| heading_org(t, f))
}

/// A 来源 value cut at the next field label, or `None` when it names no organization.
/// `folded` is `whole` folded (same byte offsets): labels are found in it.
fn clean_source(whole: &str, folded: &str) -> Option<String> {
    let folded_part = |v: &str| folded_part(whole, v, folded).unwrap_or(v).to_owned();
    let mut v = whole.trim();
    // `谢家集区卫健委【打印】`, `某局[关闭]`: page tools glued to the value.
    if let Some(i) = v.find(['【', '[', '〖']) {
        v = &v[..i];
    }
    for f in NEXT_FIELDS_FOLDED.iter() {
        // Found in the folded copy (`點閱次數`), cut at the same offset in `v`.
        if let Some(i) = folded_part(v).find(f.as_str()) {
            v = &v[..i];
        }
    }
    let v = v.trim_matches(|c: char| {
        c.is_whitespace() || matches!(c, ':' | '：' | '[' | ']' | '【' | '】' | '.' | '。')
    });
    if v.contains([':', '：']) || v.starts_with(|c: char| c.is_ascii_digit()) {
        // `发布机构：` with an empty value runs into the next label (`索引号：…`).
        return None;
    }
    let lower = folded_part(v).to_lowercase();
    let han = v.chars().filter(|c| is_han(*c)).count();
    let generic =
        GENERIC_SOURCES.iter().any(|g| lower.contains(g)) || v.ends_with('网') || v.ends_with('網');
    (han >= 2 && !generic && v.chars().count() <= ORG_MAX_CHARS).then(|| v.to_owned())
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{2FFFF}')
}

/// The signature among the last lines of the last article.
fn signature(body: &Body<'_>) -> Option<String> {
    let sig = SIGNATURE.as_ref()?;
    let date = TRAILING_DATE.as_ref()?;
    let from = body.last_article_start.min(body.lines.len());
    let tail = body.lines.iter().zip(&body.folded).skip(from);
    for (line, folded) in tail.rev().take(SIGNATURE_TAIL) {
        if line.chars().count() > SIGNATURE_MAX_CHARS {
            continue;
        }
        let without_date = date.find(line).map_or(*line, |m| &line[..m.start()]);
        let name = without_date.trim();
        let folded_name = folded_part(line, name, folded).unwrap_or(name);
        if let Some(m) = sig.captures(folded_name).and_then(|c| c.name("org")) {
            return name.get(m.range()).map(str::to_owned);
        }
    }
    None
}

/// The organization opening a heading-like line (`<org><year>年<type>`, `<year>年<org>…`);
/// `folded` is the line folded.
fn heading_org(line: &str, folded: &str) -> Option<String> {
    let line = line.trim();
    let folded = folded.trim();
    let caps = HEAD_ORG.as_ref()?.captures(folded)?;
    let m = caps
        .name("a")
        .or_else(|| caps.name("b"))
        .or_else(|| caps.name("c"))?;
    let org = line.get(m.range())?;
    (org.chars().count() >= 3).then(|| org.to_owned())
}

/// What the opening of an organization (or title) says about its place.
#[derive(Debug, PartialEq, Eq)]
enum Place {
    /// A real place name, the most specific one (`谢家集区`).
    Named(String),
    /// A placeholder name (`xxx市`, `**市`): no region.
    Placeholder,
    /// Only the administrative level (`区卫生健康委`): the place is in the text.
    Bare(char),
    /// No place at all.
    None,
}

/// Level words that look like places but are generic (`社区`, `辖区`…).
const GENERIC_PLACES: &[&str] = &[
    "社区", "社區", "辖区", "轄區", "城区", "城區", "园区", "園區", "片区", "片區", "景区", "景區",
    "市区", "市區", "县区", "縣區", "郊区", "郊區", "山区", "山區", "灾区", "災區", "小区", "小區",
    "街区", "街區", "地区", "地區", "全市", "全县", "全縣", "全区", "全區", "全省", "本市", "本县",
    "本區", "本区", "我市", "我县", "我縣", "我区", "我區", "城市", "都市", "超市", "上市", "城乡",
    "城鄉",
];

/// Characters that mark an organization word, not a place name.
fn is_org_char(c: char) -> bool {
    matches!(
        c,
        '局' | '委'
            | '厅'
            | '廳'
            | '院'
            | '办'
            | '辦'
            | '部'
            | '处'
            | '處'
            | '科'
            | '所'
            | '站'
            | '室'
            | '会'
            | '會'
    )
}

fn is_placeholder(s: &str) -> bool {
    s.contains(['x', 'X', '×', '*', '＊']) || s.contains("某")
}

/// Characters that make a lone level character an ordinary word (`市场`, `县级`, `区域`,
/// `市民`, `市直`, `省内`).
const NOT_BARE_FOLLOW: &str = "场場域级級直属屬内內外民";

/// Reads the place segments opening `s`.
fn place_of(s: &str) -> Place {
    let Some(re) = PLACE_SEG.as_ref() else {
        return Place::None;
    };
    let mut segs: Vec<String> = Vec::new();
    let mut rest = s.trim();
    while let Some(m) = re.find(rest) {
        let seg = m.as_str();
        if seg.chars().any(is_org_char) || GENERIC_PLACES.contains(&seg) {
            break;
        }
        if seg.chars().count() == 1 {
            if let Some(prev) = segs.last_mut() {
                if prev.ends_with('州') {
                    // `广州` + `市`: a level after a name ending in 州 belongs to it.
                    prev.push_str(seg);
                    rest = &rest[m.end()..];
                    continue;
                }
                // `安吉县` + `市场监督管理局`: the level character opens the organization.
                break;
            }
        }
        segs.push(seg.to_owned());
        rest = &rest[m.end()..];
    }
    if segs.len() == 1
        && segs[0].chars().count() == 1
        && rest.starts_with(|c: char| NOT_BARE_FOLLOW.contains(c))
    {
        // `市场部`, `县级医院`, `区域中心`: the level character starts an ordinary word.
        return Place::None;
    }
    let Some(last) = segs.last() else {
        return Place::None;
    };
    if is_placeholder(last) {
        return Place::Placeholder;
    }
    let mut chars = last.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Place::Bare(c),
        _ => Place::Named(last.clone()),
    }
}

/// Decides the region (see the module doc).
pub(crate) fn region(org: Option<&str>, title: Option<&str>, body: &Body<'_>) -> Option<String> {
    match org.map(place_of) {
        Some(Place::Named(n)) => Some(n),
        Some(Place::Placeholder) => None,
        Some(Place::Bare(level)) => place_in_text(level, body),
        Some(Place::None) | None => match title.map(place_of) {
            Some(Place::Named(n)) => Some(n),
            Some(Place::Bare(level)) if org.is_none() => place_in_text(level, body),
            _ => None,
        },
    }
}

/// Characters of content text scanned for place names (the start of a report names its
/// place; 200k characters keep the 1 MB page cheap).
const PLACE_SCAN_CHARS: usize = 200_000;

/// Longest place name looked for before the level character, in characters.
const PLACE_NAME_MAX: usize = 6;

/// Characters that end a generic word or a verb before a level (`社区`, `全市`, `我县`,
/// `做好区…`): no place name ends in them.
const NOT_PLACE_ENDINGS: &str = "社辖轄城园園片景市县縣省区區乡鄉镇鎮全我本该該各每两兩三老郊山灾災校小街地新好的个個此其分入出进進";

/// Function words and verbs that cannot open a place name.
const NOT_PLACE_OPENINGS: &str =
    "在于於和与與及对對向为為是将將把从從到由了的等做抓让讓使给給其此各每";

fn generic_before_level(c: char) -> bool {
    NOT_PLACE_ENDINGS.contains(c)
}

fn function_char(c: char) -> bool {
    NOT_PLACE_OPENINGS.contains(c)
}

/// The one place of `level` (`区`, `县`…) that the content names repeatedly, if one
/// dominates: each occurrence of the level character is read as the longest name ending
/// there that occurs at least twice; the most frequent name wins if it has at least 2
/// occurrences and more than twice those of the runner-up.
fn place_in_text(level: char, body: &Body<'_>) -> Option<String> {
    let text: String = body.head(PLACE_SCAN_CHARS);
    let chars: Vec<char> = text.chars().collect();
    // Candidate names per occurrence: names of 2..=PLACE_NAME_MAX chars before the level.
    let mut occurrences: Vec<Vec<String>> = Vec::new();
    let mut counts: HashMap<String, usize> = HashMap::new();
    for (i, &c) in chars.iter().enumerate() {
        if c != level || i == 0 || generic_before_level(chars[i - 1]) {
            continue;
        }
        let mut cands = Vec::new();
        let mut start = i;
        while start > 0 && i - start < PLACE_NAME_MAX && is_han(chars[start - 1]) {
            start -= 1;
            if i - start >= 2 {
                let name: String = chars[start..=i].iter().collect();
                *counts.entry(name.clone()).or_default() += 1;
                cands.push(name);
            }
        }
        occurrences.push(cands);
    }
    let mut tally: HashMap<String, usize> = HashMap::new();
    for cands in occurrences {
        let best = cands.into_iter().rev().find(|n| {
            counts.get(n).copied().unwrap_or(0) >= 2
                && !n.chars().next().is_some_and(function_char)
                && !GENERIC_PLACES.contains(&n.as_str())
        });
        if let Some(b) = best {
            *tally.entry(b).or_default() += 1;
        }
    }
    let mut ranked: Vec<(String, usize)> = tally.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let (name, n) = ranked.first()?.clone();
    let runner_up = ranked.get(1).map_or(0, |r| r.1);
    (n >= 2 && n > 2 * runner_up).then_some(name)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn heading(line: &str) -> Option<String> {
        heading_org(line, &fold(line))
    }

    fn clean(v: &str) -> Option<String> {
        clean_source(v, &fold(v))
    }

    #[test]
    fn patterns_compile() {
        assert!(LABELED_ORG.is_some() && HEAD_ORG.is_some() && SIGNATURE.is_some());
        assert!(PLACE_SEG.is_some() && TRAILING_DATE.is_some());
    }

    #[test]
    fn heading_shapes() {
        assert_eq!(
            heading("区卫生健康委2023年工作总结与2024年工作谋划").as_deref(),
            Some("区卫生健康委")
        );
        assert_eq!(
            heading("某某自治县卫生Ⅷ项目办公室XX年工作总结").as_deref(),
            Some("某某自治县卫生Ⅷ项目办公室")
        );
        assert_eq!(
            heading("2023年卫生局行风建设上半年工作小结").as_deref(),
            Some("卫生局")
        );
        assert_eq!(heading("**市衛生局先進事蹟").as_deref(), Some("**市衛生局"));
        assert_eq!(heading("2023卫计办工作计划6篇"), None);
        assert_eq!(heading("今年以来,我局认真落实各项工作。"), None);
    }

    #[test]
    fn sources() {
        assert_eq!(
            clean("长宁县卫生健康局作者:张三").as_deref(),
            Some("长宁县卫生健康局")
        );
        assert_eq!(clean("網絡"), None);
        assert_eq!(clean("某某范文网"), None);
        assert_eq!(clean("本站原创"), None);
        assert_eq!(clean("索引号：11450000"), None);
        assert_eq!(
            clean("谢家集区卫健委【打印】").as_deref(),
            Some("谢家集区卫健委")
        );
    }

    #[test]
    fn places() {
        assert_eq!(
            place_of("淮南市谢家集区人民政府"),
            Place::Named("谢家集区".into())
        );
        assert_eq!(
            place_of("广州市卫生健康委员会"),
            Place::Named("广州市".into())
        );
        assert_eq!(place_of("某某土家族苗族自治县卫生局"), Place::Placeholder);
        assert_eq!(
            place_of("秀水土家族苗族自治县卫生局"),
            Place::Named("秀水土家族苗族自治县".into())
        );
        assert_eq!(place_of("xxx市卫生局"), Place::Placeholder);
        assert_eq!(place_of("区卫生健康委"), Place::Bare('区'));
        assert_eq!(
            place_of("安吉县市场监督管理局"),
            Place::Named("安吉县".into())
        );
        assert_eq!(
            place_of("恩施州卫生健康委员会"),
            Place::Named("恩施州".into())
        );
        assert_eq!(place_of("卫生局"), Place::None);
        assert_eq!(place_of("社区卫生服务中心"), Place::None);
    }

    #[test]
    fn bare_level_resolved_from_text() {
        let text = "今年,区卫生健康委完成任务,长丰区托育中心建成。\n完成长丰区医院改造,社区服务加强,全区推进。";
        let arts = [crate::Article {
            main_text: text.into(),
            ..Default::default()
        }];
        let body = Body::new(&arts);
        assert_eq!(
            region(Some("区卫生健康委"), None, &body).as_deref(),
            Some("长丰区")
        );
        let mixed = "北流市参合人数增加,重庆市也在推进。北流市完成,重庆市完成。";
        let arts = [crate::Article {
            main_text: mixed.into(),
            ..Default::default()
        }];
        let body = Body::new(&arts);
        assert_eq!(region(Some("市卫生健康委办公室"), None, &body), None);
    }
}

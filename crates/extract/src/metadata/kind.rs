//! Document type, period and script.
//!
//! - doc_type: the earliest type word in the title (总结/小结 → 工作总结, 计划/规划/谋划/要点/工作打算/工作安排 →
//!   工作计划, 报告/汇报/述职 → 工作报告, 事迹 → 先进事迹; Traditional forms too; 计划生育 is
//!   not a plan); else the most frequent self-declaring phrase (工作总结, 总结如下, 述职报告…)
//!   in the opening of the content; else 其他.
//! - period: the first year in the title (`2023年`, `2023`), with 上半年/下半年 → H1/H2 and
//!   季度 → Q1–Q4; a year range (`2004—2024年`) gives none; else the same read on the
//!   document's own heading line (first content line, if short and naming a type).
//! - script: Han text is Hant when Traditional-only characters outnumber Simplified-only
//!   ones, else Hans; text dominated by another script gets its ISO 15924 code.

use std::collections::HashSet;
use std::sync::LazyLock;

use regex::Regex;

use super::Body;

/// Type words → doc_type. Order matters only for equal positions.
const TYPE_WORDS: &[(&str, &str)] = &[
    ("总结", "工作总结"),
    ("總結", "工作总结"),
    ("小结", "工作总结"),
    ("小結", "工作总结"),
    ("述职", "工作报告"),
    ("述職", "工作报告"),
    ("报告", "工作报告"),
    ("報告", "工作报告"),
    ("汇报", "工作报告"),
    ("匯報", "工作报告"),
    ("计划", "工作计划"),
    ("計劃", "工作计划"),
    ("计画", "工作计划"),
    ("計畫", "工作计划"),
    ("规划", "工作计划"),
    ("規劃", "工作计划"),
    ("谋划", "工作计划"),
    ("謀劃", "工作计划"),
    ("工作要点", "工作计划"),
    ("工作要點", "工作计划"),
    ("工作思路", "工作计划"),
    ("工作打算", "工作计划"),
    ("工作安排", "工作计划"),
    ("事迹", "先进事迹"),
    ("事蹟", "先进事迹"),
    ("事跡", "先进事迹"),
];

/// Phrases by which a text declares its own type (bare 计划/报告 are too common in news
/// text to count: `计划于明年`, `据报告`).
const TEXT_TYPE_PHRASES: &[(&str, &str)] = &[
    ("工作总结", "工作总结"),
    ("工作總結", "工作总结"),
    ("总结如下", "工作总结"),
    ("總結如下", "工作总结"),
    ("年终总结", "工作总结"),
    ("工作计划", "工作计划"),
    ("工作計劃", "工作计划"),
    ("计划如下", "工作计划"),
    ("計劃如下", "工作计划"),
    ("工作要点", "工作计划"),
    ("工作要點", "工作计划"),
    ("工作报告", "工作报告"),
    ("工作報告", "工作报告"),
    ("报告如下", "工作报告"),
    ("報告如下", "工作报告"),
    ("述职报告", "工作报告"),
    ("述職報告", "工作报告"),
    ("先进事迹", "先进事迹"),
    ("先進事蹟", "先进事迹"),
    ("事迹材料", "先进事迹"),
    ("事蹟材料", "先进事迹"),
];

/// Type words that are part of a longer term of another meaning.
const NOT_TYPE: &[&str] = &[
    "计划生育",
    "計劃生育",
    "计划免疫",
    "計劃免疫",
    "计划单列",
    "報告會",
    "报告会",
];

/// Content characters read for the doc_type fallback (its opening states what it is).
const TYPE_SCAN_CHARS: usize = 600;

/// Longest first content line read as the document's own heading, in characters.
const HEADING_LINE_MAX_CHARS: usize = 60;

/// Characters read for the script decision (enough for a stable majority).
const SCRIPT_SCAN_CHARS: usize = 5_000;

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

static YEAR_RANGE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?:19|20)[0-9]{2}\s*年?\s*(?:[-—–~～至到]|－)\s*(?:19|20)?[0-9]{2}").ok()
});

/// A year in Chinese numerals followed by 年 (`二〇二三年`).
static CN_YEAR: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?P<y>[一二][〇○零一二三四五六七八九]{3})\s*年").ok());

static YEAR: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?:^|[^0-9])(?P<y>(?:19|20)[0-9]{2})(?:[^0-9]|$)").ok());

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

/// A Minguo year as a period: `112年度`, `民国112年`, or three digits + 年 (after folding).
static ROC_YEAR: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^0-9０-９.第])(?:民国\s*(?P<m>[0-9]{2,3})\s*年|(?P<d>[0-9]{2,3})\s*年度|(?P<t>[0-9]{3})\s*年)").ok()
});

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
    let suffix = if after.contains("上半年") {
        "H1"
    } else if after.contains("下半年") {
        "H2"
    } else if after.contains("第一季度") || after.contains("一季度") || after.contains("1季度")
    {
        "Q1"
    } else if after.contains("第二季度") || after.contains("二季度") || after.contains("2季度")
    {
        "Q2"
    } else if after.contains("第三季度") || after.contains("三季度") || after.contains("3季度")
    {
        "Q3"
    } else if after.contains("第四季度") || after.contains("四季度") || after.contains("4季度")
    {
        "Q4"
    } else {
        ""
    };
    Some(Some(format!("{year}{suffix}")))
}

/// Simplified-only characters (common ones whose Traditional form differs).
const SIMPLIFIED_ONLY: &str =
    "这们个为来时会国说对发经动进过学还样现实开问关长义点业体应从两气机东么门当没种员书电见头无与几万亿华产后间让认务设议计规划总结报卫医疗药护区县乡镇费组织级领导众项约达储预检测传协调监执识诊质标准专处办优资扩张网络统续运转车边选举择据历论将师亲爱观变获环节济难题类贵买卖读写听讲话语词请谢记访证满贫险扬红纪党风团队阶层职责绩维稳态岁儿妇龄营养离杂场厂库闭闻阅阔阳阴际陆随隐驻验鱼鸟龙齐术杀权条极构枪树档桥楼欢压厅厉参双叶号叹吗响启园围图圆圣坏块坚坛垒夺奋奖妈娱婴宁宝审宪宫宽宾寻尔尘尝属岗岛岭币带帮广庄庆废异弃弯弹归录彻径忆忧怀恶悬惊惧惯愿戏战户扫扰抚抢担拟拥挂挤挥损换掷搅摄摆携敌数断旧旷昼显晋晒栏梦横歼毕汇汉汤沟沪泽洁浅浓涂润涨渐温湾滚滞灭灯灵灾炉炼烟热焕爷牵犹状独狮猎献玛琼画畅疮盖盘矿码砖础确碍礼祸积称穷窃竞笔笼筑简签粮紧纠纳纸纺练细终绍绑绕给绝继绪综绿编缘缩罗罚罢联聪肃肤肿胁胜脉脑脚脸腾舰艺芦苏范荐荣莱萝蓝虑虽蚀补装视览觉誉订讨训讯许评诉译试诗诚该详误诸课谁谈谋谓谱贝负贡财贤败货贩贪购贯贴贷贸资赏赔赖赛赞赢赶趋践踪轨轮软轻载较辅辆输辖辽迁远违连迟适逊递逻遗邮邻郑释鉴针钟钢钱铁铺链销锁锅错键闪闯闲闸闹阀陈韩页顶顺须顾顿领频颜额飞饭饮馆驱鸡齿";

/// Traditional-only characters (the counterparts of [`SIMPLIFIED_ONLY`]).
const TRADITIONAL_ONLY: &str =
    "這們個為來時會國說對發經動進過學還樣現實開問關長義點業體應從兩氣機東麼門當沒種員書電見頭無與幾萬億華產後間讓認務設議計規劃總結報衛醫療藥護區縣鄉鎮費組織級領導眾項約達儲預檢測傳協調監執識診質標準專處辦優資擴張網絡統續運轉車邊選舉擇據歷論將師親愛觀變獲環節濟難題類貴買賣讀寫聽講話語詞請謝記訪證滿貧險揚紅紀黨風團隊階層職責績維穩態歲兒婦齡營養離雜場廠庫閉聞閱闊陽陰際陸隨隱駐驗魚鳥龍齊術殺權條極構槍樹檔橋樓歡壓廳厲參雙葉號嘆嗎響啟園圍圖圓聖壞塊堅壇壘奪奮獎媽娛嬰寧寶審憲宮寬賓尋爾塵嘗屬崗島嶺幣帶幫廣莊慶廢異棄彎彈歸錄徹徑憶憂懷惡懸驚懼慣願戲戰戶掃擾撫搶擔擬擁掛擠揮損換擲攪攝擺攜敵數斷舊曠晝顯晉曬欄夢橫殲畢匯漢湯溝滬澤潔淺濃塗潤漲漸溫灣滾滯滅燈靈災爐煉煙熱煥爺牽猶狀獨獅獵獻瑪瓊畫暢瘡蓋盤礦碼磚礎確礙禮禍積稱窮竊競筆籠築簡簽糧緊糾納紙紡練細終紹綁繞給絕繼緒綜綠編緣縮羅罰罷聯聰肅膚腫脅勝脈腦腳臉騰艦藝蘆蘇範薦榮萊蘿藍慮雖蝕補裝視覽覺譽訂討訓訊許評訴譯試詩誠該詳誤諸課誰談謀謂譜貝負貢財賢敗貨販貪購貫貼貸貿資賞賠賴賽贊贏趕趨踐蹤軌輪軟輕載較輔輛輸轄遼遷遠違連遲適遜遞邏遺郵鄰鄭釋鑒針鐘鋼錢鐵鋪鏈銷鎖鍋錯鍵閃闖閒閘鬧閥陳韓頁頂順須顧頓領頻顏額飛飯飲館驅雞齒";

static SIMPLIFIED: LazyLock<HashSet<char>> = LazyLock::new(|| SIMPLIFIED_ONLY.chars().collect());
static TRADITIONAL: LazyLock<HashSet<char>> = LazyLock::new(|| TRADITIONAL_ONLY.chars().collect());

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

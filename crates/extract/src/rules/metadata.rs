//! Metadata (`metadata.rs`, `metadata/`): page-text bounds, then title, date, organization
//! and region, document type, period and script.

use std::collections::HashSet;
use std::sync::LazyLock;

use regex::Regex;

use super::{exact, folded};

// ---------------------------------------------------------------- page text and content probes

/// Upper bound of visible text collected from the page, in bytes. The labeled date and
/// source lines sit near the article; 4 MB covers the largest pages the fetcher keeps
/// (bodies are capped at 10 MB of HTML, most of it markup) while bounding memory.
pub(crate) const PAGE_TEXT_MAX_BYTES: usize = 4 * 1024 * 1024;

/// Characters in a probe used to locate content lines in the page text.
pub(crate) const PROBE_CHARS: usize = 12;

/// Bytes at the start of the content where a labeled date or source still counts as the
/// page's own (an info box such as 索引号/发布机构/发文日期 that the content extractor kept);
/// 300 bytes is about two table rows of such a box. Labels deeper in the report are its text.
pub(crate) const HEADER_ZONE_BYTES: usize = 300;

/// Characters in the long probe (the opening of the first line, spaces included).
pub(crate) const LONG_PROBE_CHARS: usize = 40;

// ---------------------------------------------------------------- title

/// Title meta keys, most specific first.
pub(crate) const TITLE_METAS: &[&str] = &[
    "og:title",
    "articletitle",
    "twitter:title",
    "headline",
    "title",
];

/// Shortest first segment of a `<title>` accepted as the title, in characters: shorter
/// leading segments are breadcrumbs or abbreviations (`首页`), so the longest segment is used.
pub(crate) const MIN_TITLE_SEGMENT_CHARS: usize = 4;

pub(crate) static EXTENSION: LazyLock<Option<Regex>> =
    LazyLock::new(|| exact(r"(?i)\.(?:docx?|pdf|txt|wps|pptx?|xlsx?|rtf|caj)\s*$"));

/// A short bracketed tag after a title: a board or column name (`【自行车吧】`), a label
/// (`【转载】`, `【图】`). Cut only when at least [`MIN_TITLE_SEGMENT_CHARS`] characters stay.
pub(crate) static TRAILING_TAG: LazyLock<Option<Regex>> =
    LazyLock::new(|| exact(r"\s*[【\[〖][^【】\[\]〖〗]{1,12}[】\]〗]\s*$"));

/// Exact: matched on the page's own characters, so both scripts are listed.
pub(crate) static PAGE_NUMBER: LazyLock<Option<Regex>> =
    LazyLock::new(|| exact(r"\s*[(（]\s*(?:第\s*)?[0-9]{1,3}\s*(?:页|頁)?\s*[)）]\s*$"));

/// Endings of an organization's name that end a `<title>` after a wide gap (site-name
/// endings are also accepted there).
/// Exact: matched on the page's own characters, so both scripts are listed.
pub(crate) const ORG_ENDINGS: &[&str] = &[
    "人民政府",
    "政府",
    "委员会",
    "委員會",
    "办公室",
    "辦公室",
    "医院",
    "醫院",
    "卫生院",
    "衛生院",
    "大学",
    "大學",
    "学院",
    "學院",
    "学校",
    "學校",
    "中心",
    "协会",
    "協會",
    "公司",
    "集团",
    "集團",
    "局",
    "厅",
    "廳",
    "署",
];

/// Endings of a website's name (`某某范文网`, `某某门户网站`, `首页`).
/// Exact: matched on the page's own characters, so both scripts are listed.
pub(crate) const SITE_ENDINGS: &[&str] = &[
    "网", "網", "网站", "網站", "门户", "門戶", "首页", "首頁", "文库", "文庫",
];

// ---------------------------------------------------------------- date

/// Earliest and latest accepted years (reports from before 1949 are not on the web as
/// such; 2100 leaves room while rejecting typos and IDs).
pub(crate) const YEAR_MIN: u32 = 1949;

pub(crate) const YEAR_MAX: u32 = 2100;

/// How many trailing content lines may hold the document's own date line.
pub(crate) const DATE_LINE_TAIL: usize = 5;

/// Longest document date line, in characters (a signature plus a date).
pub(crate) const DATE_LINE_MAX_CHARS: usize = 40;

/// Arabic-digit date with optional time. Groups y, m, d, H, M, S.
/// Exact: also read as written by [`ANY_DATE`] (meta and JSON-LD values), so `時` stays.
pub(crate) const DATE: &str = concat!(
    r"(?P<y>[0-9０-９]{4})\s*[-/.．年]\s*(?P<m>[0-9０-９]{1,2})\s*[-/.．月]\s*(?P<d>[0-9０-９]{1,2})(?:\s*[日号])?",
    r"(?:\s*T?\s*(?P<H>[0-9０-９]{1,2})\s*[:：时時]\s*(?P<M>[0-9０-９]{2})(?:\s*[:：分]\s*(?P<S>[0-9０-９]{2}))?)?",
);

/// Chinese-numeral date. Groups cy, cm, cd.
pub(crate) const CN_DATE: &str = r"(?P<cy>[〇○零oO0一二三四五六七八九]{4})\s*年\s*(?P<cm>[一二三四五六七八九十]{1,3})\s*月\s*(?P<cd>[一二三四五六七八九十]{1,3})\s*日";

/// Minguo (ROC) date: year + 1911 (`民國112年3月5日`, `112-03-05`, `112/3/5`, `112.03.05`).
/// Groups mg (the 民國 prefix), ry, rm, rd. Only after a date label or as a whole date line,
/// and only on Traditional pages unless 民國 is written (see `metadata::date::from_caps`).
pub(crate) const ROC_DATE: &str = r"(?P<mg>民国\s*)?(?P<ry>[0-9０-９]{2,3})\s*[-/.．年]\s*(?P<rm>[0-9０-９]{1,2})\s*[-/.．月]\s*(?P<rd>[0-9０-９]{1,2})(?:\s*日)?";

/// Largest Minguo year read (2061).
pub(crate) const ROC_YEAR_MAX: u32 = 150;

/// Minguo year 1 is 1912.
pub(crate) const ROC_OFFSET: u32 = 1911;

/// Labels of a publication date line.
pub(crate) const LABELS: &str = concat!(
    r"发布时间|发布日期|发表时间|发表日期|更新时间|更新日期|成文日期|印发日期|公开日期|上传时间|",
    r"上传日期|发文日期|发稿时间|录入时间|刊发时间|上线时间|发稿日期|出版日期|公布日期|签发日期|",
    r"发布于|发表于|发布|发表|日期|时间|Published|Posted|Date",
);

pub(crate) static LABELED: LazyLock<Option<Regex>> = LazyLock::new(|| {
    folded(&format!(
        r"(?m)(?:^|[^\p{{Han}}])(?:{LABELS})\s*[:：]?\s*(?:{DATE}|{CN_DATE}|{ROC_DATE})"
    ))
});

pub(crate) static ANY_DATE: LazyLock<Option<Regex>> =
    LazyLock::new(|| exact(&format!("(?:{DATE}|{CN_DATE})")));

/// A whole short line that is a date, optionally after a signature: `某某局 2023年5月6日`,
/// `（二〇一九年七月五日）`.
pub(crate) static DATE_LINE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    folded(&format!(
        r"^[^,，。;；:：]{{0,30}}?[\s(（]*(?:{DATE}|{CN_DATE}|{ROC_DATE})[\s)）]*$"
    ))
});

pub(crate) static LD_DATE: LazyLock<Option<Regex>> =
    LazyLock::new(|| exact(r#""datePublished"\s*:\s*"(?P<v>[^"]{6,40})""#));

/// `<meta>` keys holding a publication date, most specific first.
pub(crate) const DATE_METAS: &[&str] = &[
    "article:published_time",
    "og:published_time",
    "published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish_date",
    "publishtime",
    "pubtime",
    "firstpublishedtime",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date.created",
    "dcterms.created",
    "dc.date",
    "dcterms.date",
    "citation_publication_date",
    "citation_date",
    "parsely-pub-date",
    "sailthru.date",
    "article.published",
    "date",
];

/// Bytes before the content searched for an unlabeled date (an info line between a
/// headline that differs from the page title and the body; ~130 CJK characters).
pub(crate) const BEFORE_CONTENT_BYTES: usize = 400;

/// A date in a URL's path or query: `/2024/0517/`, `/20240520/`, `t20240520_123.html`,
/// `/2024-05-17/`, `/2024/5/17/`. The host is skipped (a domain holds no date); a year
/// outside 1990..=2099 or an impossible day is no date.
pub(crate) static URL_DATE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    exact(concat!(
        r"(?:^|[^0-9])(?P<y>(?:199|20[0-9])[0-9])(?:[-_/]?)(?P<m>0[1-9]|1[0-2])(?:[-_/]?)(?P<d>0[1-9]|[12][0-9]|3[01])(?:[^0-9]|$)",
        r"|/(?P<y2>(?:199|20[0-9])[0-9])/(?P<m2>[1-9]|1[0-2])/(?P<d2>[1-9]|[12][0-9]|3[01])/",
    ))
});

/// Bytes after the headline searched for an unlabeled date (the byline sits right under it:
/// `2023-09-02 08:15　来源：…`; 600 bytes is about 200 CJK characters).
pub(crate) const BYLINE_MAX_BYTES: usize = 600;

/// Characters of the title used to find the headline in the page text.
pub(crate) const HEADLINE_PROBE_CHARS: usize = 12;

/// Bytes after a headline searched when the content span is unknown (headline, author,
/// date: a short byline).
pub(crate) const BYLINE_NEAR_BYTES: usize = 240;

// ---------------------------------------------------------------- organization and region

/// Endings of organization names, longest alternatives first (leftmost-first regex order).
pub(crate) const ORG_SUFFIX: &str = concat!(
    r"委员会|联合会|办公室|人民政府|政府|卫生院|医院|中心|协会|学会|",
    r"集团|公司|学校|大学|中学|小学|幼儿园|党委|党组|支部|",
    r"工会|妇联|团委|局|委|厅|院|所|处|科|",
    r"站|队|馆|署|部",
);

/// Characters an organization name is made of: Han, placeholders (`*`, `x`), roman numerals
/// (seen in project names such as 卫生Ⅷ项目), and brackets.
pub(crate) const ORG_CHARS: &str = r"[\p{Han}*＊xX×\u{2160}-\u{217F}（）()]";

/// Labels of the issuing-organization line.
pub(crate) const ORG_LABELS: &str = concat!(
    r"信息来源|文章来源|稿件来源|来源单位|发布机构|发文单位|发文机关|发布单位|发布部门|供稿单位|",
    // Any two-character qualifier before 来源 (资料来源, 新闻来源, 消息来源…).
    r"供稿|\p{Han}{2}来源|来源",
);

/// Field labels that may follow the organization on the same line.
pub(crate) const NEXT_FIELDS: &[&str] = &[
    "作者", "发布", "时间", "日期", "浏览", "点击", "阅读", "编辑", "字号", "责任", "访问", "次数",
];

/// Values of a 来源 line that name no issuing organization.
pub(crate) const GENERIC_SOURCES: &[&str] = &[
    "网络",
    "网路",
    "网友",
    "本站",
    "原创",
    "互联网",
    "转载",
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
pub(crate) const ORG_MAX_CHARS: usize = 40;

/// How many trailing content lines may hold the signature.
pub(crate) const SIGNATURE_TAIL: usize = 6;

/// Longest signature line, in characters (organization plus date).
pub(crate) const SIGNATURE_MAX_CHARS: usize = 40;

pub(crate) static LABELED_ORG: LazyLock<Option<Regex>> = LazyLock::new(|| {
    // Folded like the page text it matches (`發布單位` → 发布单位).
    folded(&format!(
        r"(?m)(?:^|[^\p{{Han}}])(?:{ORG_LABELS})\s*[:：]\s*(?P<v>[^\s|｜/,，;；]{{2,60}})"
    ))
});

/// `<org><year>年…` or `<org><doc-type word>…` at the start of a heading; or
/// `<year>年<org>…` (the year first).
pub(crate) static HEAD_ORG: LazyLock<Option<Regex>> = LazyLock::new(|| {
    folded(&format!(
        concat!(
            r"^(?:(?P<a>{c}{{2,30}}?(?:{s}))\s*(?:[0-9０-９xX*＊]{{2,4}}|[〇○零一二三四五六七八九]{{4}}|上半|下半|全|本)\s*年",
            r"|(?P<b>{c}{{2,30}}?(?:{s}))(?:工作|总结|计划|报告|事迹|先进|规划|要点)",
            r"|[0-9０-９]{{4}}\s*年度?\s*(?P<c>{c}{{2,15}}?(?:{s})))"
        ),
        c = ORG_CHARS,
        s = ORG_SUFFIX
    ))
});

/// A line that is only an organization name (a signature).
pub(crate) static SIGNATURE: LazyLock<Option<Regex>> =
    LazyLock::new(|| folded(&format!(r"^(?P<org>{ORG_CHARS}{{3,30}}(?:{ORG_SUFFIX}))$")));

/// A leading place segment: name + administrative level.
/// Exact: matched on the page's own characters, so both scripts are listed.
pub(crate) static PLACE_SEG: LazyLock<Option<Regex>> = LazyLock::new(|| {
    exact(
        r"^[\p{Han}*＊xX×]{0,10}?(?:特别行政区|特別行政區|自治区|自治區|自治州|自治县|自治縣|自治旗|省|市|县|縣|区|區|州|盟|旗|镇|鎮|乡|鄉|街道)",
    )
});

/// A trailing date on a signature line (removed before matching the organization).
pub(crate) static TRAILING_DATE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    exact(
        r"[\s(（]*(?:[0-9０-９]{4}\s*[-/.年]\s*[0-9０-９]{1,2}\s*[-/.月]\s*[0-9０-９]{1,2}\s*日?|[〇○零一二三四五六七八九]{4}\s*年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日)[\s)）]*$",
    )
});

/// Level words that look like places but are generic (`社区`, `辖区`…).
/// Exact: matched on the page's own characters, so both scripts are listed.
pub(crate) const GENERIC_PLACES: &[&str] = &[
    "社区", "社區", "辖区", "轄區", "城区", "城區", "园区", "園區", "片区", "片區", "景区", "景區",
    "市区", "市區", "县区", "縣區", "郊区", "郊區", "山区", "山區", "灾区", "災區", "小区", "小區",
    "街区", "街區", "地区", "地區", "全市", "全县", "全縣", "全区", "全區", "全省", "本市", "本县",
    "本區", "本区", "我市", "我县", "我縣", "我区", "我區", "城市", "都市", "超市", "上市", "城乡",
    "城鄉",
];

/// Characters that make a lone level character an ordinary word (`市场`, `县级`, `区域`,
/// `市民`, `市直`, `省内`).
/// Exact: matched on the page's own characters, so both scripts are listed.
pub(crate) const NOT_BARE_FOLLOW: &str = "场場域级級直属屬内內外民";

/// Characters of content text scanned for place names (the start of a report names its
/// place; 200k characters keep the 1 MB page cheap).
pub(crate) const PLACE_SCAN_CHARS: usize = 200_000;

/// Longest place name looked for before the level character, in characters.
pub(crate) const PLACE_NAME_MAX: usize = 6;

/// Characters that end a generic word or a verb before a level (`社区`, `全市`, `我县`,
/// `做好区…`): no place name ends in them.
/// Exact: matched on the page's own characters, so both scripts are listed.
pub(crate) const NOT_PLACE_ENDINGS: &str = "社辖轄城园園片景市县縣省区區乡鄉镇鎮全我本该該各每两兩三老郊山灾災校小街地新好的个個此其分入出进進";

/// Function words and verbs that cannot open a place name.
/// Exact: matched on the page's own characters, so both scripts are listed.
pub(crate) const NOT_PLACE_OPENINGS: &str =
    "在于於和与與及对對向为為是将將把从從到由了的等做抓让讓使给給其此各每";

// ---------------------------------------------------------------- document type, period and script

/// Type words → doc_type. Order matters only for equal positions.
pub(crate) const TYPE_WORDS: &[(&str, &str)] = &[
    ("总结", "工作总结"),
    ("小结", "工作总结"),
    ("述职", "工作报告"),
    ("报告", "工作报告"),
    ("汇报", "工作报告"),
    ("计划", "工作计划"),
    ("计画", "工作计划"),
    ("规划", "工作计划"),
    ("谋划", "工作计划"),
    ("工作要点", "工作计划"),
    ("工作思路", "工作计划"),
    ("工作打算", "工作计划"),
    ("工作安排", "工作计划"),
    ("事迹", "先进事迹"),
];

/// Phrases by which a text declares its own type (bare 计划/报告 are too common in news
/// text to count: `计划于明年`, `据报告`).
pub(crate) const TEXT_TYPE_PHRASES: &[(&str, &str)] = &[
    ("工作总结", "工作总结"),
    ("总结如下", "工作总结"),
    ("年终总结", "工作总结"),
    ("工作计划", "工作计划"),
    ("计划如下", "工作计划"),
    ("工作要点", "工作计划"),
    ("工作报告", "工作报告"),
    ("报告如下", "工作报告"),
    ("述职报告", "工作报告"),
    ("先进事迹", "先进事迹"),
    ("事迹材料", "先进事迹"),
];

/// Type words that are part of a longer term of another meaning.
pub(crate) const NOT_TYPE: &[&str] = &["计划生育", "计划免疫", "计划单列", "报告会"];

/// Content characters read for the doc_type fallback (its opening states what it is).
pub(crate) const TYPE_SCAN_CHARS: usize = 600;

/// Longest first content line read as the document's own heading, in characters.
pub(crate) const HEADING_LINE_MAX_CHARS: usize = 60;

/// Characters read for the script decision (enough for a stable majority).
pub(crate) const SCRIPT_SCAN_CHARS: usize = 5_000;

/// Words after the year that name the part of it a report covers, by period suffix, first
/// match wins (matched on the folded title or heading line).
pub(crate) const PERIOD_WORDS: &[(&str, &[&str])] = &[
    ("H1", &["上半年"]),
    ("H2", &["下半年"]),
    ("Q1", &["第一季度", "一季度", "1季度"]),
    ("Q2", &["第二季度", "二季度", "2季度"]),
    ("Q3", &["第三季度", "三季度", "3季度"]),
    ("Q4", &["第四季度", "四季度", "4季度"]),
];

pub(crate) static YEAR_RANGE: LazyLock<Option<Regex>> =
    LazyLock::new(|| exact(r"(?:19|20)[0-9]{2}\s*年?\s*(?:[-—–~～至到]|－)\s*(?:19|20)?[0-9]{2}"));

/// A year in Chinese numerals followed by 年 (`二〇二三年`).
pub(crate) static CN_YEAR: LazyLock<Option<Regex>> =
    LazyLock::new(|| exact(r"(?P<y>[一二][〇○零一二三四五六七八九]{3})\s*年"));

pub(crate) static YEAR: LazyLock<Option<Regex>> =
    LazyLock::new(|| exact(r"(?:^|[^0-9])(?P<y>(?:19|20)[0-9]{2})(?:[^0-9]|$)"));

/// A Minguo year as a period: `112年度`, `民国112年`, or three digits + 年 (after folding).
pub(crate) static ROC_YEAR: LazyLock<Option<Regex>> = LazyLock::new(|| {
    exact(
        r"(?:^|[^0-9０-９.第])(?:民国\s*(?P<m>[0-9]{2,3})\s*年|(?P<d>[0-9]{2,3})\s*年度|(?P<t>[0-9]{3})\s*年)",
    )
});

/// Simplified-only characters (common ones whose Traditional form differs).
pub(crate) const SIMPLIFIED_ONLY: &str =
    "这们个为来时会国说对发经动进过学还样现实开问关长义点业体应从两气机东么门当没种员书电见头无与几万亿华产后间让认务设议计规划总结报卫医疗药护区县乡镇费组织级领导众项约达储预检测传协调监执识诊质标准专处办优资扩张网络统续运转车边选举择据历论将师亲爱观变获环节济难题类贵买卖读写听讲话语词请谢记访证满贫险扬红纪党风团队阶层职责绩维稳态岁儿妇龄营养离杂场厂库闭闻阅阔阳阴际陆随隐驻验鱼鸟龙齐术杀权条极构枪树档桥楼欢压厅厉参双叶号叹吗响启园围图圆圣坏块坚坛垒夺奋奖妈娱婴宁宝审宪宫宽宾寻尔尘尝属岗岛岭币带帮广庄庆废异弃弯弹归录彻径忆忧怀恶悬惊惧惯愿戏战户扫扰抚抢担拟拥挂挤挥损换掷搅摄摆携敌数断旧旷昼显晋晒栏梦横歼毕汇汉汤沟沪泽洁浅浓涂润涨渐温湾滚滞灭灯灵灾炉炼烟热焕爷牵犹状独狮猎献玛琼画畅疮盖盘矿码砖础确碍礼祸积称穷窃竞笔笼筑简签粮紧纠纳纸纺练细终绍绑绕给绝继绪综绿编缘缩罗罚罢联聪肃肤肿胁胜脉脑脚脸腾舰艺芦苏范荐荣莱萝蓝虑虽蚀补装视览觉誉订讨训讯许评诉译试诗诚该详误诸课谁谈谋谓谱贝负贡财贤败货贩贪购贯贴贷贸资赏赔赖赛赞赢赶趋践踪轨轮软轻载较辅辆输辖辽迁远违连迟适逊递逻遗邮邻郑释鉴针钟钢钱铁铺链销锁锅错键闪闯闲闸闹阀陈韩页顶顺须顾顿领频颜额飞饭饮馆驱鸡齿";

/// Traditional-only characters (the counterparts of [`SIMPLIFIED_ONLY`]).
/// Exact: the script decision reads the page's own characters (this list is Traditional by
/// definition).
pub(crate) const TRADITIONAL_ONLY: &str =
    "這們個為來時會國說對發經動進過學還樣現實開問關長義點業體應從兩氣機東麼門當沒種員書電見頭無與幾萬億華產後間讓認務設議計規劃總結報衛醫療藥護區縣鄉鎮費組織級領導眾項約達儲預檢測傳協調監執識診質標準專處辦優資擴張網絡統續運轉車邊選舉擇據歷論將師親愛觀變獲環節濟難題類貴買賣讀寫聽講話語詞請謝記訪證滿貧險揚紅紀黨風團隊階層職責績維穩態歲兒婦齡營養離雜場廠庫閉聞閱闊陽陰際陸隨隱駐驗魚鳥龍齊術殺權條極構槍樹檔橋樓歡壓廳厲參雙葉號嘆嗎響啟園圍圖圓聖壞塊堅壇壘奪奮獎媽娛嬰寧寶審憲宮寬賓尋爾塵嘗屬崗島嶺幣帶幫廣莊慶廢異棄彎彈歸錄徹徑憶憂懷惡懸驚懼慣願戲戰戶掃擾撫搶擔擬擁掛擠揮損換擲攪攝擺攜敵數斷舊曠晝顯晉曬欄夢橫殲畢匯漢湯溝滬澤潔淺濃塗潤漲漸溫灣滾滯滅燈靈災爐煉煙熱煥爺牽猶狀獨獅獵獻瑪瓊畫暢瘡蓋盤礦碼磚礎確礙禮禍積稱窮竊競筆籠築簡簽糧緊糾納紙紡練細終紹綁繞給絕繼緒綜綠編緣縮羅罰罷聯聰肅膚腫脅勝脈腦腳臉騰艦藝蘆蘇範薦榮萊蘿藍慮雖蝕補裝視覽覺譽訂討訓訊許評訴譯試詩誠該詳誤諸課誰談謀謂譜貝負貢財賢敗貨販貪購貫貼貸貿資賞賠賴賽贊贏趕趨踐蹤軌輪軟輕載較輔輛輸轄遼遷遠違連遲適遜遞邏遺郵鄰鄭釋鑒針鐘鋼錢鐵鋪鏈銷鎖鍋錯鍵閃闖閒閘鬧閥陳韓頁頂順須顧頓領頻顏額飛飯飲館驅雞齒";

pub(crate) static SIMPLIFIED: LazyLock<HashSet<char>> =
    LazyLock::new(|| SIMPLIFIED_ONLY.chars().collect());

pub(crate) static TRADITIONAL: LazyLock<HashSet<char>> =
    LazyLock::new(|| TRADITIONAL_ONLY.chars().collect());

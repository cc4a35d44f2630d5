//! Figures (`figures.rs`): units, approximation words, the figure pattern, subject
//! lead-ins and openers.

use std::sync::LazyLock;

use regex::Regex;

use super::{exact, folded, words};

/// Units as written after a number, longest first so `人次` wins over `人`; matched on the
/// folded text, so Traditional pages need no forms of their own. `％`/`﹪` are normalised
/// to `%` in the output.
pub(crate) const UNITS: &[&str] = &[
    "平方公里",
    "平方千米",
    "个百分点",
    "个学时",
    "立方米",
    "平方米",
    "百分点",
    "人次",
    "家次",
    "册次",
    "批次",
    "件次",
    "场次",
    "班次",
    "例次",
    "艘次",
    "剂次",
    "户次",
    "车次",
    "架次",
    "台次",
    "学时",
    "公里",
    "千米",
    "公斤",
    "千克",
    "公顷",
    "千瓦",
    "ml",
    "mL",
    "km",
    "kg",
    "人",
    "元",
    "件",
    "张",
    "本",
    "个",
    "名",
    "户",
    "例",
    "起",
    "家",
    "所",
    "间",
    "次",
    "处",
    "项",
    "篇",
    "场",
    "份",
    "台",
    "辆",
    "床",
    "套",
    "册",
    "部",
    "座",
    "条",
    "支",
    "批",
    "宗",
    "种",
    "块",
    "亩",
    "吨",
    "米",
    "位",
    "期",
    "%",
    "％",
    "﹪",
    "‰",
];

/// Characters that, written just before a lone `约`/`約`, make it part of a word
/// (签约 signed, 履约, 合约, 节约, 制约, 预约…) rather than "about" (not 失: 损失约5万元): `家庭医生签约12.8万人`
/// counts signed residents exactly.
pub(crate) const YUE_WORD_PREFIXES: &str = "签履合节制契预条缔违邀";

/// Characters that, written just before a lone `近`, make it part of a word (最近 lately,
/// 附近 nearby, 临近, 靠近), not "nearly".
pub(crate) const JIN_WORD_PREFIXES: &str = "最附临靠邻贴逼";

/// The figure pattern. `num` accepts full-width digits, `,` thousands groups and `.`/`．`.
pub(crate) static FIGURE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    folded(&format!(
        concat!(
            r"(?P<pre>约为|约有|大约|约|接近|将近|近)?",
            r"(?P<num>[0-9０-９]+(?:,[0-9]{{3}})*(?:[.．][0-9０-９]+)?)",
            r"[ \u{{a0}}\u{{3000}}]*(?P<s1>多|余)?(?P<mul>万亿|万|亿)?",
            r"[ \u{{a0}}\u{{3000}}]*(?P<s2>多|余)?(?P<unit>{})(?P<post>左右|以上)?"
        ),
        words(UNITS)
    ))
});

/// `11大公共卫生服务项目`: a count of projects written as N大…项目 (unit 项).
pub(crate) static BIG_PROJECTS: LazyLock<Option<Regex>> =
    LazyLock::new(|| exact(r"(?P<num>[0-9]{1,3})大(?P<noun>\p{Han}{1,12}?)项目"));

/// A list marker at the start of a clause: `1.` `2、` `（3）` `(4)`.
pub(crate) static LIST_MARKER: LazyLock<Option<Regex>> =
    LazyLock::new(|| exact(r"^(?:[0-9]{1,2}[.、．]|[（(][0-9]{1,2}[)）])"));

/// A subject this short (a verb such as 选派, 为) is completed by the words after the unit.
pub(crate) const SHORT_SUBJECT_CHARS: usize = 2;

/// Longest subject kept after the unit, in characters (the counted noun phrase).
pub(crate) const SUBJECT_AFTER_MAX_CHARS: usize = 12;

/// Longest subject kept, in characters (a clause rarely names its counted thing in more).
pub(crate) const SUBJECT_MAX_CHARS: usize = 24;

/// Words that introduce a number rather than name what is counted (cut from the subject's end).
/// Exact: matched on the page's own characters, so both scripts are listed.
pub(crate) const LEAD_INS: &[&str] = &[
    "提高到",
    "提高至",
    "下降到",
    "下降至",
    "增长到",
    "增加到",
    "达到了",
    "达到",
    "達到",
    "不低于",
    "不低於",
    "不少于",
    "不少於",
    "不超过",
    "超过",
    "超過",
    "累计",
    "累計",
    "共计",
    "共計",
    "合计",
    "合計",
    "分别为",
    "分別為",
    "约为",
    "約為",
    "为",
    "為",
    "达",
    "達",
    "是",
    "共",
    "计",
    "計",
    "有",
    "至",
    "到",
    "了",
    "近",
    "约",
    "約",
    "占",
    "佔",
    "的",
    "每",
];

/// Words that open a clause without being part of what is counted (cut from the subject's start).
/// Exact: matched on the page's own characters, so both scripts are listed.
pub(crate) const OPENERS: &[&str] = &[
    "其中",
    "全市共",
    "全县共",
    "全区共",
    "全省共",
    "全市",
    "全县",
    "全区",
    "全省",
    "累计",
    "累計",
    "共",
    "已",
    "并",
    "並",
    "还",
    "還",
    "今年",
    "全年",
    "目前",
];

/// Units that start a longer word when one of these characters follows (`人民`, `元旦`,
/// `个人`, `次年`, `名单`, `家庭`, `所在`, `位于`, `期间`…): no figure then. Matched on the
/// folded text.
pub(crate) const GLUED_UNIT_WORDS: &[(&str, &str)] = &[
    ("人", "民员才事群士"),
    ("元", "旦素件"),
    ("个", "人体别案性"),
    ("次", "年日月要序"),
    ("部", "门分署队长位"),
    ("名", "单称义额字"),
    ("家", "庭长属乡"),
    ("所", "在有以属得需"),
    ("位", "于置"),
    ("期", "间限末"),
    ("米", "粮"),
];

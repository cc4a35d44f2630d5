//! Forum threads: per-post chrome and the thresholds of thread detection.

use std::sync::LazyLock;

use regex::Regex;

use super::re;

/// Per-post chrome of forum threads (Discuz!, phpwind, Tieba, vBulletin, phpBB and their
/// look-alikes), as the reader sees it: floor numbers, post headers, button rows,
/// user-card statistics, edit notes, quote headings and attachment lines. A post holding
/// such lines outside its body is evidence of a thread; inside a post body the line is
/// dropped. Only short lines ([`FORUM_LINE_MAX`]) are judged.
pub static FORUM_LINE: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"(?i)",
        // floor numbers: 楼主, 沙发, 板凳, 地板, 2#, #3, 3楼, 5F, 第6楼
        r"^\s*(楼主|沙发|板凳|地板|地下室|藤椅|[#＃]\s*\d{1,6}|\d{1,6}\s*(#|＃|楼|F)|第\s*\d{1,6}\s*楼)\s*[:：]?\s*$",
        // post headers and edit notes
        r"|发表于|发表时间|发帖时间|回复时间|回复于|本帖最后由|原帖由|IP属地|^\s*来自.{0,16}客户端\s*$",
        // a line made only of post buttons
        r"|^\s*((只看该作者|只看楼主|倒序浏览|正序浏览|阅读模式|电梯直达|使用道具|回复|引用|举报|支持|反对|评分|点评|收藏|分享|编辑|删除|收起回复|Reply|Quote|Report|Edit|Delete|Multi-?Quote|Like|Top)\s*[|｜·]?\s*)+$",
        // user-card statistics and profile fields
        r"|(积分|帖子|精华|主题|威望|金钱|贡献|注册时间|最后登录|在线时间|阅读权限|用户组|听众|收听|UID|经验|等级)\s*[:：]?\s*\d",
        r"|^\s*(积分|帖子|精华|主题|注册时间|在线时间|UID|头衔|等级|用户组)\s*$",
        r"|^\s*(Posts|Joined|Join Date|Location|Reputation|Registered|Rank|Thanks|Likes)\s*[:：]",
        r"|(?-u:\b)Posted\s+(by|on)(?-u:\b)|(?-u:\b)wrote\s*:\s*$|^\s*(引用|Quote)\s*[:：]?\s*$",
        // attachment lines
        r"|下载附件|保存到相册|下载次数|^\s*[^\s]{1,60}\.(jpe?g|png|gif|rar|zip|docx?|pdf)\s*(\([^)]*\))?\s*$|\d{4}-\d{1,2}-\d{1,2}\s+\d{1,2}:\d{2}\s*上传\s*$",
    ))
});
/// [`FORUM_LINE`] judges lines up to this weight.
pub const FORUM_LINE_MAX: u32 = 180;
/// A date with a time (`2023-1-2 12:00`, `2023年1月2日 12:00`): post headers carry one.
pub static FORUM_DATETIME: LazyLock<Regex> = LazyLock::new(|| {
    re(r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?[\s,，]+\d{1,2}:\d{2}")
});
/// Class/id tokens (digits stripped) of per-post elements that are not the post's text:
/// quoted replies and signatures.
pub static FORUM_SKIP_CLASS: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)quote|signature|^sign$|_sign$|^sig#?$|^sightml"));
/// A thread needs this many posts with a body…
pub const THREAD_MIN_POSTS: usize = 2;
/// …of which at least this share show per-post chrome ([`FORUM_LINE`] or a date-time
/// line) outside their body.
pub const THREAD_EVIDENCE_SHARE: f64 = 0.5;
/// A child holding at least this share of a post's prose is the post's body (or holds it).
pub const THREAD_BODY_SHARE: f64 = 0.8;
/// When the page's best element holds the post list, the thread's bodies must hold at
/// least this share of its prose.
pub const THREAD_LIST_SHARE: f64 = 0.5;
/// Distinct child signatures compared per parent (bounds the cost on huge lists).
pub const THREAD_MAX_GROUPS: usize = 24;

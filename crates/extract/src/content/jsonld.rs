//! The JSON-LD `articleBody` fallback for pages whose DOM holds much less text (lazy bodies).

use super::{Content, Line};
use crate::dom::{self, Dom};
use crate::rules;

/// JSON-LD `articleBody` replaces a DOM extraction that found much less text.
pub(super) fn json_ld_fallback(dom: &Dom<'_>, content: &mut Content) {
    let body = dom
        .json_ld
        .iter()
        .filter(|s| s.contains("articleBody"))
        .filter_map(|s| serde_json::from_str::<serde_json::Value>(s.trim()).ok())
        .find_map(|v| find_article_body(&v, 0));
    let Some(body) = body else { return };
    let w = dom::weight(&body);
    if w < rules::JSONLD_MIN {
        return;
    }
    let dom_w: u32 = content.lines.iter().map(|l| l.weight).sum();
    if (dom_w as f64) >= rules::JSONLD_PREFER_RATIO * w as f64 {
        return;
    }
    content.lines = body
        .lines()
        .map(|l| {
            l.split(dom::is_space)
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|l| !l.is_empty())
        .map(|text| Line {
            weight: dom::weight(&text),
            // Text from the JSON, not the arena: folded here, once.
            folded: match crate::hant::fold(&text) {
                std::borrow::Cow::Owned(f) => Some(f),
                std::borrow::Cow::Borrowed(_) => None,
            },
            text,
            heading: None,
            table: None,
        })
        .collect();
    content.tables.clear();
}

fn find_article_body(v: &serde_json::Value, depth: usize) -> Option<String> {
    if depth > 8 {
        return None;
    }
    match v {
        serde_json::Value::Object(m) => {
            if let Some(serde_json::Value::String(s)) = m.get("articleBody") {
                return Some(s.clone());
            }
            m.values().find_map(|x| find_article_body(x, depth + 1))
        }
        serde_json::Value::Array(a) => a.iter().find_map(|x| find_article_body(x, depth + 1)),
        _ => None,
    }
}

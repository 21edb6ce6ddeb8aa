//! Keywords of one complaint and hot words of many (DESIGN §4 "hot words").
//!
//! Both use TF-IDF: how often a word occurs in the text, times how rare it is in general Chinese
//! (the inverse document frequencies shipped with jieba; words it does not know get its median).
//! Only words of two or more characters that contain a letter are candidates, minus a list of
//! function words and complaint boilerplate in Chinese and English (`data/stop_words.txt`):
//! numbers, punctuation, 的/了, 你好/要求 and please/about never make a hot word. Neither do model
//! and serial codes (`KFR-35GW/HT1A`): jieba would cut them into fragments (`kfr`, `ht1a`) that
//! name nothing.
//!
//! For a corpus, [`keyword_counts`] counts the texts that have each word among their keywords,
//! and [`rank`] orders them, so a word is hot when many texts are about it, not when one long
//! text repeats it. [`hot_words`] is both in one.

use std::collections::HashMap;
use std::sync::LazyLock;

use jieba_rs::{KeywordExtract, KeywordExtractConfig, TfIdf};
use serde::{Deserialize, Serialize};

use crate::segment;

/// Function words that are never keywords, one a line.
const STOP_WORDS: &str = include_str!("../data/stop_words.txt");

/// How many keywords of each text [`hot_words`] adds up.
const KEYWORDS_PER_TEXT: usize = 20;
/// How much of each text [`keyword_counts`] reads: what a complaint is about is said early, and
/// a few very long texts must not make the dashboard wait (2,000 texts of 1,000 characters take
/// about a quarter of a second).
pub const HOT_WORD_TEXT_CHARS: usize = 1_000;

static EXTRACTOR: LazyLock<TfIdf> = LazyLock::new(|| {
    let mut builder = KeywordExtractConfig::builder().use_hmm(true).min_keyword_length(2);
    for word in STOP_WORDS.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        builder = builder.add_stop_word(word);
    }
    let mut tfidf = TfIdf::default();
    *tfidf.config_mut() = builder.build();
    tfidf
});

/// Loads the segmenter and the extractor's word frequencies now rather than on the first text
/// (about 200 ms), e.g. at server start, so the first detail page's similar complaints do not
/// wait for it.
pub fn warm_up() {
    segment::warm_up();
    LazyLock::force(&EXTRACTOR);
}

/// A keyword and its weight (higher is more characteristic).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Keyword {
    /// The word, normalised like [`segment::tokens`] (lower-case Latin).
    pub word: String,
    /// Its TF-IDF weight, or for [`hot_words`] the sum of weights over the texts.
    pub weight: f64,
}

/// The `k` most characteristic words of `text`, best first (ties in word order).
///
/// ```
/// let top = cloop_nlp::keywords::keywords("快递太慢，快递员态度差，快递一周才到，要求退款", 2);
/// assert_eq!(top[0].word, "快递");
/// ```
pub fn keywords(text: &str, k: usize) -> Vec<Keyword> {
    if k == 0 {
        return Vec::new();
    }
    let cleaned = without_codes_and_punctuation(&segment::normalize(text));
    // Ask for extra candidates: pure numbers are dropped afterwards.
    let mut out: Vec<Keyword> = EXTRACTOR
        .extract_keywords(segment::jieba(), &cleaned, k + 8, Vec::new())
        .into_iter()
        .filter(|kw| kw.keyword.chars().any(char::is_alphabetic))
        .map(|kw| Keyword { word: kw.keyword, weight: kw.weight })
        .collect();
    sort_keywords(&mut out);
    out.truncate(k);
    out
}

/// A word many texts of a set share.
#[derive(Debug, Clone, PartialEq)]
pub struct HotWord {
    /// The word.
    pub word: String,
    /// How many of the texts have it among their top keywords.
    pub texts: usize,
    /// Its TF-IDF weight added up over those texts.
    pub weight: f64,
}

/// For each word, how many of `texts` have it among their top keywords, and its TF-IDF weight
/// added up over those texts. Two periods counted apart can be compared word by word.
pub fn keyword_counts<'a>(texts: impl IntoIterator<Item = &'a str>) -> HashMap<String, (usize, f64)> {
    let mut totals: HashMap<String, (usize, f64)> = HashMap::new();
    for text in texts {
        let text = text.char_indices().nth(HOT_WORD_TEXT_CHARS).map_or(text, |(end, _)| &text[..end]);
        for kw in keywords(text, KEYWORDS_PER_TEXT) {
            let entry = totals.entry(kw.word).or_insert((0, 0.0));
            entry.0 += 1;
            entry.1 += kw.weight;
        }
    }
    totals
}

/// The `k` hot words of [`keyword_counts`]: the words most texts have among their top keywords,
/// then the heavier, leaving out `excluded` (compared after [`segment::normalize`], so `IPad`
/// leaves out `ipad`). Counting texts, not adding weights alone, keeps a rare word of one text
/// (its IDF is high) from outranking a common complaint many customers make.
pub fn rank(counts: &HashMap<String, (usize, f64)>, k: usize, excluded: &[String]) -> Vec<HotWord> {
    let excluded: Vec<String> = excluded.iter().map(|w| segment::normalize(w.trim())).collect();
    let mut out: Vec<HotWord> = counts
        .iter()
        .filter(|(word, _)| !excluded.contains(word))
        .map(|(word, &(texts, weight))| HotWord { word: word.clone(), texts, weight })
        .collect();
    out.sort_by(|a, b| {
        b.texts.cmp(&a.texts).then_with(|| b.weight.total_cmp(&a.weight)).then_with(|| a.word.cmp(&b.word))
    });
    out.truncate(k);
    out
}

/// The `k` hot words of a set of texts ([`keyword_counts`], then [`rank`] with nothing excluded).
///
/// ```
/// let texts = ["物流太慢了", "物流三天没更新", "客服不回复", "物流信息错误，客服也不管", "发票没开"];
/// let hot = cloop_nlp::keywords::hot_words(texts, 2);
/// assert_eq!((hot[0].word.as_str(), hot[0].texts), ("物流", 3));
/// assert_eq!((hot[1].word.as_str(), hot[1].texts), ("客服", 2));
/// ```
pub fn hot_words<'a>(texts: impl IntoIterator<Item = &'a str>, k: usize) -> Vec<HotWord> {
    rank(&keyword_counts(texts), k, &[])
}

/// `text` (normalised) with every character but letters and digits made a space, so no keyword
/// candidate is punctuation, and with every code blanked out: a run of ASCII letters, digits and
/// `-` `/` `_` `.` that holds both a letter and a digit (`kfr-35gw/ht1a`, `bcd-480wph`, `5g`).
/// Latin words without digits (`ipad`, `refund`) stay.
fn without_codes_and_punctuation(text: &str) -> String {
    let is_code_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '/' | '_' | '.');
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if is_code_char(chars[i]) {
            let start = i;
            while i < chars.len() && is_code_char(chars[i]) {
                i += 1;
            }
            let run = &chars[start..i];
            let is_code = run.iter().any(char::is_ascii_alphabetic) && run.iter().any(char::is_ascii_digit);
            for &c in run {
                out.push(if is_code || !c.is_ascii_alphanumeric() { ' ' } else { c });
            }
        } else {
            out.push(if chars[i].is_alphanumeric() { chars[i] } else { ' ' });
            i += 1;
        }
    }
    out
}

/// Best first; equal weights in word order, so results do not depend on hash order.
fn sort_keywords(keywords: &mut [Keyword]) {
    keywords.sort_by(|a, b| b.weight.total_cmp(&a.weight).then_with(|| a.word.cmp(&b.word)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_skip_punctuation_numbers_and_function_words() {
        let top = keywords("我们觉得！！！这个 2024 年的快递……真的太慢了，123456", 10);
        assert!(!top.is_empty());
        for kw in &top {
            assert!(kw.word.chars().all(char::is_alphanumeric), "{kw:?}");
            assert!(kw.word.chars().any(char::is_alphabetic), "{kw:?}");
            assert!(!["我们", "觉得", "这个", "真的"].contains(&kw.word.as_str()), "{kw:?}");
        }
        assert!(top.iter().any(|k| k.word == "快递"));
    }

    #[test]
    fn keywords_of_english_text_are_lower_case() {
        let top = keywords("Refund refused. The REFUND was promised twice, refund please", 1);
        assert_eq!(top[0].word, "refund");
    }

    #[test]
    fn english_politeness_and_function_words_are_no_keywords() {
        let text = "Hello, I am writing to complain. Please call me back about my order: the refund is \
                    still missing after two weeks. Thank you, regards";
        let words: Vec<String> = keywords(text, 20).into_iter().map(|k| k.word).collect();
        for noise in ["hello", "am", "complain", "please", "me", "about", "my", "still", "thank", "regards"] {
            assert!(!words.iter().any(|w| w == noise), "{noise} in {words:?}");
        }
        for topic in ["refund", "order", "missing"] {
            assert!(words.iter().any(|w| w == topic), "{topic} missing from {words:?}");
        }
    }

    #[test]
    fn keywords_are_sorted_and_bounded() {
        let top = keywords("发票一直没开，售后说发票要等一个月，物流也慢", 3);
        assert!(top.len() <= 3);
        assert!(top.windows(2).all(|w| w[0].weight >= w[1].weight));
        assert!(keywords("发票", 0).is_empty());
        assert!(keywords("！？。", 5).is_empty());
    }

    #[test]
    fn hot_words_favour_words_many_texts_share() {
        let mut texts = vec!["手机屏幕碎了".to_string(); 5];
        texts.push("充电器充电器充电器充电器充电器充电器坏了".to_string());
        let hot = hot_words(texts.iter().map(String::as_str), 1);
        assert_eq!(hot[0].word, "屏幕");
        // A rarer word of one text does not outrank a word three texts share.
        let texts = ["物流太慢了，一周还没到", "物流信息三天没更新", "快递员态度差，物流也慢", "发票一直没开"];
        let hot = hot_words(texts, 3);
        assert_eq!((hot[0].word.as_str(), hot[0].texts), ("物流", 3));
        assert!(hot.windows(2).all(|w| (w[0].texts, w[0].weight) >= (w[1].texts, w[1].weight)));
    }

    #[test]
    fn complaint_boilerplate_and_model_codes_are_no_keywords() {
        let text =
            "你好，我要投诉：华腾 KFR-35GW/HT1A 空调不制冷，BCD-480WPH 冰箱也坏了，要求尽快处理，ipad 也不能充电";
        let words: Vec<String> = keywords(text, 30).into_iter().map(|k| k.word).collect();
        for noise in ["你好", "投诉", "要求", "尽快", "处理", "kfr", "35gw", "ht1a", "bcd", "480wph"] {
            assert!(!words.iter().any(|w| w == noise), "{noise} in {words:?}");
        }
        for topic in ["空调", "制冷", "冰箱", "ipad", "充电"] {
            assert!(words.iter().any(|w| w == topic), "{topic} missing from {words:?}");
        }
        assert_eq!(without_codes_and_punctuation("型号kfr-35gw，3.5匹"), format!("型号{}3 5匹", " ".repeat(9)));
    }

    #[test]
    fn only_the_start_of_a_long_text_counts() {
        let long = format!("{}物流太慢", "屏幕碎了。".repeat(HOT_WORD_TEXT_CHARS / 5));
        let counts = keyword_counts([long.as_str()]);
        assert!(counts.contains_key("屏幕"));
        assert!(!counts.contains_key("物流"), "{counts:?}");
        assert!(keyword_counts(["物流太慢"]).contains_key("物流"));
    }

    #[test]
    fn rank_leaves_out_excluded_words_in_any_case() {
        let texts = ["华腾冰箱不制冷", "华腾冰箱噪音大", "华腾 ipad 屏幕碎了", "ipad 充电慢"];
        let counts = keyword_counts(texts);
        assert_eq!(counts["华腾"].0, 3);
        let hot = rank(&counts, 3, &[" 华腾 ".to_string(), "IPad".to_string()]);
        assert_eq!(hot[0].word, "冰箱");
        assert!(hot.iter().all(|h| h.word != "华腾" && h.word != "ipad"), "{hot:?}");
        assert_eq!(rank(&counts, 1, &[])[0].word, "华腾");
    }
}

//! Keywords of one complaint and hot words of many (DESIGN §4 "hot words").
//!
//! Both use TF-IDF: how often a word occurs in the text, times how rare it is in general Chinese
//! (the inverse document frequencies shipped with jieba; words it does not know get its median).
//! Only words of two or more characters that contain a letter are candidates, minus a list of
//! function words (`data/stop_words.txt`): numbers, punctuation and 的/了 never make a hot word.
//!
//! For a corpus, [`hot_words`] adds up each text's keyword weights, so a word is hot when many
//! texts are about it, not when one long text repeats it.

use std::collections::HashMap;
use std::sync::LazyLock;

use jieba_rs::{KeywordExtract, KeywordExtractConfig, TfIdf};
use serde::{Deserialize, Serialize};

use crate::segment;

/// Function words that are never keywords, one a line.
const STOP_WORDS: &str = include_str!("../data/stop_words.txt");

/// How many keywords of each text [`hot_words`] adds up.
const KEYWORDS_PER_TEXT: usize = 20;

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
    // Anything but letters and digits becomes a space, so no candidate is punctuation.
    let cleaned: String = segment::normalize(text).chars().map(|c| if c.is_alphanumeric() { c } else { ' ' }).collect();
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

/// The `k` hot words of a set of texts: the words most texts have among their top keywords,
/// then the heavier. Counting texts, not adding weights alone, keeps a rare word of one text
/// (its IDF is high) from outranking a common complaint many customers make.
///
/// ```
/// let texts = ["物流太慢了", "物流三天没更新", "客服不回复", "物流信息错误，客服也不管", "发票没开"];
/// let hot = cloop_nlp::keywords::hot_words(texts, 2);
/// assert_eq!((hot[0].word.as_str(), hot[0].texts), ("物流", 3));
/// assert_eq!((hot[1].word.as_str(), hot[1].texts), ("客服", 2));
/// ```
pub fn hot_words<'a>(texts: impl IntoIterator<Item = &'a str>, k: usize) -> Vec<HotWord> {
    let mut totals: HashMap<String, (usize, f64)> = HashMap::new();
    for text in texts {
        for kw in keywords(text, KEYWORDS_PER_TEXT) {
            let entry = totals.entry(kw.word).or_insert((0, 0.0));
            entry.0 += 1;
            entry.1 += kw.weight;
        }
    }
    let mut out: Vec<HotWord> =
        totals.into_iter().map(|(word, (texts, weight))| HotWord { word, texts, weight }).collect();
    out.sort_by(|a, b| {
        b.texts.cmp(&a.texts).then_with(|| b.weight.total_cmp(&a.weight)).then_with(|| a.word.cmp(&b.word))
    });
    out.truncate(k);
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
}

//! Word segmentation for Chinese (and English) complaint text, shared by every other module here
//! and by the database full-text index.
//!
//! One [`Jieba`] with jieba's default dictionary plus a small complaint vocabulary
//! (`data/complaint_words.txt`: 打不通, 不退款, 虚假宣传, 退货 …) is built on first use and shared by
//! all threads. Text is normalised before it is cut: full-width ASCII becomes ASCII, Latin letters
//! are lower-cased, and only the first [`MAX_CHARS`] characters are read, so the work done for any
//! input is bounded.
//!
//! A *token* is a run of letters or digits: whitespace, punctuation, symbols and emoji never become
//! tokens, and a token that mixes Latin letters and digits is split where they meet (`iphone6` →
//! `iphone`, `6`). Tokens are therefore safe to hand to any full-text engine without quoting
//! surprises, and Latin words inside Chinese text (`我的ipad坏了` → `ipad`) come out on their own.
//!
//! Search needs more than one best segmentation: jieba may cut `退货款` as `退/货款`, and then a
//! query for `退货` would miss a text that plainly contains it. [`search_tokens`] therefore adds,
//! after the precise tokens, every other dictionary word of two or more characters that occurs in
//! the text. Any query word that is in the dictionary is then found in every text containing it.

use std::io::BufReader;
use std::sync::LazyLock;

use jieba_rs::Jieba;

/// At most this many characters of a text are segmented; the rest is ignored. Complaints are far
/// shorter; the cap keeps a pasted log file or a hostile query from costing more than a few
/// milliseconds.
pub const MAX_CHARS: usize = 20_000;

/// The complaint vocabulary added to jieba's dictionary, `word frequency tag` a line.
const COMPLAINT_WORDS: &str = include_str!("../data/complaint_words.txt");

/// The shared segmenter, built on first use (it takes tens of milliseconds).
static JIEBA: LazyLock<Jieba> = LazyLock::new(|| {
    let mut jieba = Jieba::new();
    let entries: String = COMPLAINT_WORDS
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .flat_map(|line| [line, "\n"])
        .collect();
    jieba
        .load_dict(&mut BufReader::new(entries.as_bytes()))
        .expect("the complaint vocabulary shipped in the crate is well-formed");
    jieba
});

/// The shared jieba instance with the complaint vocabulary loaded. Exposed for the keyword
/// extractor; most callers want [`tokens`].
pub fn jieba() -> &'static Jieba {
    &JIEBA
}

/// Builds the shared segmenter now rather than on the first text, e.g. at server start.
pub fn warm_up() {
    LazyLock::force(&JIEBA);
}

/// Whether `word` (already normalised, e.g. a token) is in the segmenter's dictionary.
pub fn is_dictionary_word(word: &str) -> bool {
    JIEBA.has_word(word)
}

/// Normalises text for segmentation: keeps the first [`MAX_CHARS`] characters, maps full-width
/// ASCII (`Ａ１！`) and the ideographic space to ASCII, and lower-cases letters.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_CHARS * 4));
    for c in text.chars().take(MAX_CHARS) {
        let c = match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        };
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else if c.is_uppercase() {
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Segments `text` into tokens: jieba's precise mode (with HMM for unknown words) over the
/// normalised text, without whitespace, punctuation or symbols, Latin letters lower-cased and split
/// from digits. This is the tokenisation the classifier, the keyword extractor and the
/// near-duplicate fingerprint use.
///
/// ```
/// let tokens = cloop_nlp::segment::tokens("我的iPad坏了，客服电话打不通！");
/// assert!(tokens.contains(&"ipad".to_string()));
/// assert!(tokens.contains(&"客服".to_string()));
/// assert!(tokens.contains(&"打不通".to_string()));
/// assert!(!tokens.iter().any(|t| t == "，" || t == "！"));
/// ```
pub fn tokens(text: &str) -> Vec<String> {
    tokens_of_normalized(&normalize(text))
}

/// [`tokens`] of text that has already been through [`normalize`].
pub(crate) fn tokens_of_normalized(normalized: &str) -> Vec<String> {
    let mut out = Vec::new();
    for token in JIEBA.cut(normalized, true) {
        push_parts(token.word, &mut out);
    }
    out
}

/// The tokens to index for full-text search: first the precise [`tokens`] in text order (so phrase
/// queries over adjacent words work), then every other dictionary word of two or more characters
/// found anywhere in the text's Chinese runs (jieba's full mode), each once.
///
/// This is what makes a query for a dictionary word such as `退货` find every text that contains it
/// as a substring, whatever the precise segmentation chose around it.
pub fn search_tokens(text: &str) -> Vec<String> {
    let normalized = normalize(text);
    let mut out = tokens_of_normalized(&normalized);
    let mut seen: std::collections::HashSet<&str> = out.iter().map(String::as_str).collect();
    let mut extra = Vec::new();
    for token in JIEBA.cut_all(&normalized) {
        let word = token.word;
        if word.chars().nth(1).is_some() && word.chars().all(char::is_alphanumeric) && seen.insert(word) {
            extra.push(word.to_owned());
        }
    }
    out.extend(extra);
    out
}

/// The text to store in a full-text index column: [`search_tokens`] joined by single spaces.
/// SQLite FTS5 (`unicode61`) and PostgreSQL (`to_tsvector('simple', …)`) both split it back into
/// exactly these tokens. Empty for text without letters or digits.
///
/// ```
/// let s = cloop_nlp::segment::search_text("快递三天没到，要求退货退款");
/// let words: Vec<&str> = s.split(' ').collect();
/// for w in ["快递", "退货", "退款"] {
///     assert!(words.contains(&w), "{w} in {s}");
/// }
/// ```
pub fn search_text(text: &str) -> String {
    search_tokens(text).join(" ")
}

/// Segments a search query the same way as indexed text, in query order and without repeats.
/// Every term is a run of letters or digits, so it can be quoted for FTS5 or `tsquery` without
/// escaping anything but the quote itself. A query of symbols only gives no terms.
///
/// ```
/// assert_eq!(cloop_nlp::segment::query_terms("退货 物流"), ["退货", "物流"]);
/// assert!(cloop_nlp::segment::query_terms("!!!***((( )))").is_empty());
/// ```
pub fn query_terms(query: &str) -> Vec<String> {
    let mut terms = tokens(query);
    let mut seen = std::collections::HashSet::new();
    terms.retain(|t| seen.insert(t.clone()));
    terms
}

/// Pushes the alphanumeric parts of one jieba token: split at every non-alphanumeric character and
/// where Latin letters meet digits.
fn push_parts(word: &str, out: &mut Vec<String>) {
    let mut start: Option<usize> = None;
    let mut prev_class = CharClass::Other;
    for (i, c) in word.char_indices() {
        let class = CharClass::of(c);
        let boundary = class == CharClass::Other
            || (prev_class != CharClass::Other
                && class != prev_class
                && (class == CharClass::AsciiDigit || prev_class == CharClass::AsciiDigit)
                && (class == CharClass::Latin || prev_class == CharClass::Latin));
        if boundary && let Some(s) = start.take() {
            out.push(word[s..i].to_owned());
        }
        if class != CharClass::Other && start.is_none() {
            start = Some(i);
        }
        prev_class = class;
    }
    if let Some(s) = start {
        out.push(word[s..].to_owned());
    }
}

/// What a character is, for splitting tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CharClass {
    /// An ASCII digit.
    AsciiDigit,
    /// A Latin letter (ASCII or accented).
    Latin,
    /// Any other letter or digit: Chinese characters, other scripts.
    OtherAlnum,
    /// Whitespace, punctuation, symbols, emoji, control characters.
    Other,
}

impl CharClass {
    fn of(c: char) -> Self {
        if c.is_ascii_digit() {
            Self::AsciiDigit
        } else if c.is_ascii_alphabetic() || (c.is_alphabetic() && (c as u32) < 0x0250) {
            Self::Latin
        } else if c.is_alphanumeric() {
            Self::OtherAlnum
        } else {
            Self::Other
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has(tokens: &[String], word: &str) -> bool {
        tokens.iter().any(|t| t == word)
    }

    #[test]
    fn complaint_words_come_out_whole() {
        let t = tokens("客服电话一直打不通，商家不退款还虚假宣传，我要投诉到12315");
        for w in ["客服", "打不通", "不退款", "虚假宣传", "投诉", "12315"] {
            assert!(has(&t, w), "{w} missing from {t:?}");
        }
    }

    #[test]
    fn two_character_words_are_their_own_tokens() {
        let t = tokens("物流太慢了，快递员态度差，申请退货换货都不行，发票也没给，售后不管");
        for w in ["物流", "快递员", "退货", "换货", "发票", "售后"] {
            assert!(has(&t, w), "{w} missing from {t:?}");
        }
    }

    #[test]
    fn latin_words_inside_chinese_are_lower_cased_and_kept() {
        let t = tokens("我的iPad坏了，ＩＰＨＯＮＥ也是");
        assert!(has(&t, "ipad"), "{t:?}");
        assert!(has(&t, "iphone"), "{t:?}");
        assert!(!t.iter().any(|w| w.chars().any(|c| c.is_uppercase())));
    }

    #[test]
    fn letters_and_digits_are_split_where_they_meet() {
        let t = tokens("iphone6 屏幕坏了 mp3");
        assert!(has(&t, "iphone") && has(&t, "6") && has(&t, "mp") && has(&t, "3"), "{t:?}");
    }

    #[test]
    fn english_text_is_split_into_words() {
        let t = tokens("The refund never arrived, and customer-service hung up!");
        assert_eq!(t, ["the", "refund", "never", "arrived", "and", "customer", "service", "hung", "up"]);
    }

    #[test]
    fn whitespace_punctuation_symbols_and_emoji_are_dropped() {
        let t = tokens("  \t\n，。！？、；：“”（）【】《》…—~!@#$%^&*()_+-=[]{}|\\;':\",./<>? 😡👎 ");
        assert!(t.is_empty(), "{t:?}");
        assert!(search_text("😡😡😡 !!!").is_empty());
    }

    #[test]
    fn search_text_finds_words_that_precise_mode_cuts_across() {
        // Whatever precise mode does around it, a dictionary word in the text is indexed.
        for (text, word) in
            [("我要退货款", "退货"), ("申请退货品", "退货"), ("这个客服务必回复", "客服"), ("物流程序有问题", "物流")]
        {
            assert_eq!(query_terms(word), [word]);
            let indexed = search_tokens(text);
            assert!(indexed.iter().any(|t| t == word), "{word} not indexed for {text}: {indexed:?}");
        }
        let s = search_text("我要退货款");
        assert!(s.split(' ').any(|w| w == "退货"), "{s}");
    }

    #[test]
    fn search_text_starts_with_the_precise_tokens_in_order() {
        let text = "快递三天没到，要求退货退款";
        let s = search_text(text);
        assert!(s.starts_with(&tokens(text).join(" ")), "{s}");
        assert!(!s.contains("  ") && !s.starts_with(' ') && !s.ends_with(' '));
    }

    #[test]
    fn query_terms_are_deduplicated_in_order() {
        assert_eq!(query_terms("退货 退货 物流 ipad"), ["退货", "物流", "ipad"]);
    }

    #[test]
    fn work_is_bounded_for_huge_and_hostile_input() {
        let huge = "退货".repeat(200_000) + &"!@#￥%".repeat(100_000);
        let started = std::time::Instant::now();
        let t = tokens(&huge);
        assert!(t.len() <= MAX_CHARS);
        let q = query_terms(&"(*&^%$#@!\"'`OR AND NEAR NOT".repeat(10_000));
        assert!(q.iter().all(|w| w.chars().all(char::is_alphanumeric)));
        // Generous: debug builds on a busy machine.
        assert!(started.elapsed() < std::time::Duration::from_secs(10));
    }

    #[test]
    fn normalize_maps_full_width_ascii_and_lower_cases() {
        assert_eq!(normalize("ＡＢＣ１２３！　Ok"), "abc123! ok");
        assert_eq!(normalize(&"字".repeat(MAX_CHARS + 10)).chars().count(), MAX_CHARS);
    }
}

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

/// A text normalised once and segmented at most once, for everything that reads it: on intake
/// both classifiers and the near-duplicate fingerprint take the same [`Analysis`], so the text
/// is cut by jieba once instead of three times. The tokens are made on first use, so a reader
/// that needs only characters (a character n-gram model) never segments.
#[derive(Debug)]
pub struct Analysis {
    normalized: String,
    tokens: std::sync::OnceLock<Vec<String>>,
}

impl Analysis {
    /// Analyses `text` (normalising now, segmenting when first asked).
    pub fn of(text: &str) -> Self {
        Self { normalized: normalize(text), tokens: std::sync::OnceLock::new() }
    }

    /// The text as [`normalize`] makes it.
    pub fn normalized(&self) -> &str {
        &self.normalized
    }

    /// Its [`tokens`].
    pub fn tokens(&self) -> &[String] {
        self.tokens.get_or_init(|| tokens_of_normalized(&self.normalized))
    }
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

// ---------------------------------------------------------------------------------------------
// The full-text index (DESIGN §13 "Search")
//
// Word tokens cannot promise that a query finds every text containing it: jieba cuts `不退货` or
// `退货款` differently in a text than `退货` alone, and a word missing from the dictionary may be
// cut anywhere. The database index therefore holds *character bigrams* of every run of Chinese
// (and other non-Latin) letters, and queries are turned into phrases of the same bigrams: a text
// contains the string `退货款` exactly when its bigrams `退货 货款` stand next to each other, so
// the phrase query finds every text containing the string, however either side would be cut
// into words. Each run ends with its last character on its own, so every character of the run
// starts a token (a one-character query is a prefix query) and the bigrams of two runs never
// stand next to each other (no phrase matches across punctuation). Latin words and numbers are
// indexed whole and matched as prefixes (`ipad` finds `iPad2`, `ipads`).
//
// Jieba is used on the query side only, to split a typed run such as `退货物流` into the words the
// user meant (`退货` AND `物流`); each part is still a contiguous piece of the query, so anything
// containing the whole query string contains every part and is found.

/// Version of [`index_text`]'s tokenisation. The store keeps the version its index was built
/// with and rebuilds the index when this changes.
pub const INDEX_VERSION: i64 = 1;

/// Longest token kept, in characters; a longer Latin word or number is cut to this length on
/// both the index and the query side (PostgreSQL refuses lexemes over 2 KB).
pub const MAX_TOKEN_CHARS: usize = 60;

/// At most this many terms of a query are used; the rest are ignored (bounded work).
pub const MAX_QUERY_TERMS: usize = 12;

/// The tokens the database's full-text index stores for `text`, joined by single spaces: for
/// every run of Chinese (or other non-Latin) letters its character bigrams in order and then its
/// last character alone; for every Latin word or number the word, lower-cased. SQLite FTS5
/// (`unicode61`) and PostgreSQL (`to_tsvector('simple', …)`) both split the string back into
/// exactly these tokens. Needs no dictionary, so it is cheap on the intake path.
///
/// ```
/// assert_eq!(cloop_nlp::segment::index_text("我的iPad2坏了！"), "我的 的 ipad 2 坏了 了");
/// ```
pub fn index_text(text: &str) -> String {
    let normalized = normalize(text);
    let mut out = String::with_capacity(normalized.len() * 3);
    for run in runs(&normalized) {
        match run {
            Run::Han(chars) => {
                for pair in chars.windows(2) {
                    push_token(&mut out, pair);
                }
                push_token(&mut out, &chars[chars.len() - 1..]);
            }
            Run::Word(word) => push_token(&mut out, &word.chars().take(MAX_TOKEN_CHARS).collect::<Vec<_>>()),
        }
    }
    out
}

fn push_token(out: &mut String, chars: &[char]) {
    if !out.is_empty() {
        out.push(' ');
    }
    out.extend(chars);
}

/// A piece of normalised text that becomes index tokens.
enum Run<'a> {
    /// Consecutive letters of a script written without spaces (Chinese and any non-Latin
    /// letters or digits).
    Han(Vec<char>),
    /// A Latin word or a number.
    Word(&'a str),
}

/// Splits normalised text into runs: non-Latin letters together, Latin letters together, ASCII
/// digits together; everything else separates.
fn runs(normalized: &str) -> Vec<Run<'_>> {
    fn flush<'a>(piece: &'a str, class: CharClass, out: &mut Vec<Run<'a>>) {
        match class {
            CharClass::Other => {}
            CharClass::OtherAlnum => out.push(Run::Han(piece.chars().collect())),
            CharClass::Latin | CharClass::AsciiDigit => out.push(Run::Word(piece)),
        }
    }
    let mut out = Vec::new();
    let mut start = 0;
    let mut class = CharClass::Other;
    for (i, c) in normalized.char_indices() {
        let next = CharClass::of(c);
        if next != class {
            flush(&normalized[start..i], class, &mut out);
            start = i;
            class = next;
        }
    }
    flush(&normalized[start..], class, &mut out);
    out
}

/// One condition of a full-text query; a text matches the query when it matches every term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryTerm {
    /// Index tokens that must stand next to each other in this order: the bigrams of a piece of
    /// Chinese of two or more characters (one bigram for a two-character word).
    Phrase(Vec<String>),
    /// A token that must start an index token: a Latin word, a number, or one Chinese character.
    Prefix(String),
    /// Any one of these groups, a group matching when all its terms do: what `退货 OR 退款` asks
    /// (a typed run such as `退货物流` on one side is a group of its two words). Groups hold
    /// phrases and prefixes only, never another `AnyOf`.
    AnyOf(Vec<Vec<QueryTerm>>),
}

impl QueryTerm {
    /// How many phrases and prefixes the term stands for (what a query is bounded by).
    pub fn leaves(&self) -> usize {
        match self {
            QueryTerm::AnyOf(groups) => groups.iter().map(Vec::len).sum(),
            _ => 1,
        }
    }

    /// Whether normalised text holds the term, judged on the text itself (see
    /// [`SearchQuery::matches_text`]).
    fn in_text(&self, folded: &[char]) -> bool {
        match self {
            QueryTerm::Prefix(p) => !find_piece(folded, p).is_empty(),
            QueryTerm::Phrase(bigrams) => {
                // The piece the bigrams were cut from: the first, then each next one's last character.
                let mut piece: String = bigrams.first().cloned().unwrap_or_default();
                piece.extend(bigrams.iter().skip(1).filter_map(|b| b.chars().last()));
                !find_piece(folded, &piece).is_empty()
            }
            QueryTerm::AnyOf(groups) => groups.iter().any(|g| g.iter().all(|t| t.in_text(folded))),
        }
    }
}

/// A parsed full-text query: the terms for the index and the pieces of text to highlight.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchQuery {
    /// Conditions, all required; empty when the query has no letters or digits. At most
    /// [`MAX_QUERY_TERMS`] phrases and prefixes in all ([`QueryTerm::leaves`]).
    pub terms: Vec<QueryTerm>,
    /// The normalised query pieces the terms stand for (`退货`, `ipad`; every side of an `OR`),
    /// for highlighting.
    pub pieces: Vec<String>,
    /// What a match must not contain: one query per `-word` typed, each excluding the texts
    /// that match all of its own terms (`-退款物流` excludes texts with both 退款 and 物流, the
    /// texts `退款物流` would find). Never nested, never highlighted.
    pub excluded: Vec<SearchQuery>,
}

impl SearchQuery {
    /// Parses what a user typed. Never fails: punctuation, operators of other search syntaxes
    /// (`" * ( ) NEAR`) and symbols only separate pieces, so a query of symbols only has no
    /// terms. Words are all required, except that `OR` (in capitals) or `|` standing between two
    /// words asks for either (`退货 OR 退款 物流`: 物流 and one of the other two), as in other help
    /// desks' search; an `OR` with no word on one side only separates. Chinese runs are split
    /// into words with jieba, single characters staying attached to a neighbour (`很差劲` stays
    /// one piece, `退货物流` becomes `退货` and `物流`). A word that starts with a minus (`-退款`,
    /// or the full-width `－退款`) is excluded rather than searched for, as in other help desks'
    /// search; a minus inside a word (`退货-退款`) only separates.
    /// Chinese in quotes (`"退货物流"`, `“退货物流”`) is searched as typed, not split into words;
    /// a quote without its closing one only separates.
    ///
    /// ```
    /// use cloop_nlp::segment::{QueryTerm, SearchQuery};
    /// let q = SearchQuery::parse("退货款 iPad -退款");
    /// assert_eq!(q.terms, [
    ///     QueryTerm::Phrase(vec!["退货".into(), "货款".into()]),
    ///     QueryTerm::Prefix("ipad".into()),
    /// ]);
    /// assert_eq!(q.excluded[0].terms, [QueryTerm::Phrase(vec!["退款".into()])]);
    /// assert!(SearchQuery::parse("\"*()-: OR NEAR").terms.iter().all(|t| matches!(t, QueryTerm::Prefix(_))));
    /// assert_eq!(SearchQuery::parse("退货 OR ipad").terms, [QueryTerm::AnyOf(vec![
    ///     vec![QueryTerm::Phrase(vec!["退货".into()])],
    ///     vec![QueryTerm::Prefix("ipad".into())],
    /// ])]);
    /// assert!(SearchQuery::parse("!!! ***").is_empty());
    /// ```
    pub fn parse(query: &str) -> Self {
        let mut q = SearchQuery::default();
        let chunks = chunks(query);
        let mut i = 0;
        while i < chunks.len() {
            let chunk = chunks[i];
            i += 1;
            if chunk.is_or() {
                continue; // an OR with no word on one side only separates
            }
            if chunk.excluded {
                if q.excluded.len() < MAX_QUERY_TERMS {
                    let mut excluded = SearchQuery::default();
                    excluded.add(chunk.text, chunk.quoted);
                    excluded.truncate();
                    if !excluded.is_empty() && !q.excluded.contains(&excluded) {
                        q.excluded.push(excluded);
                    }
                }
                continue;
            }
            // The words joined to this one by OR, if any: `退货 OR 退款 OR "质量问题"`.
            let mut alternatives = vec![chunk];
            while i + 1 < chunks.len() && chunks[i].is_or() && !chunks[i + 1].excluded && !chunks[i + 1].is_or() {
                alternatives.push(chunks[i + 1]);
                i += 2;
            }
            q.add_any(&alternatives);
        }
        q.truncate();
        q
    }

    /// Keeps the first [`MAX_QUERY_TERMS`] phrases and prefixes (an `AnyOf` keeps the groups
    /// that fit) and as many pieces.
    fn truncate(&mut self) {
        let mut budget = MAX_QUERY_TERMS;
        let mut kept = Vec::new();
        for term in std::mem::take(&mut self.terms) {
            match term {
                QueryTerm::AnyOf(mut groups) => {
                    let mut used = 0;
                    let fit = groups.iter().take_while(|g| {
                        used += g.len();
                        used <= budget
                    });
                    let fit = fit.count();
                    groups.truncate(fit);
                    budget -= groups.iter().map(Vec::len).sum::<usize>();
                    match groups.len() {
                        0 => break,
                        1 => kept.extend(groups.pop().unwrap_or_default()),
                        _ => kept.push(QueryTerm::AnyOf(groups)),
                    }
                }
                term if budget > 0 => {
                    budget -= 1;
                    kept.push(term);
                }
                _ => break,
            }
        }
        self.terms = kept;
        self.pieces.truncate(MAX_QUERY_TERMS);
    }

    /// Adds one word of the query, or several joined by OR: a text must then hold all the terms
    /// of any one of them.
    fn add_any(&mut self, alternatives: &[Chunk<'_>]) {
        let mut groups: Vec<SearchQuery> = Vec::new();
        for chunk in alternatives {
            let mut alt = SearchQuery::default();
            alt.add(chunk.text, chunk.quoted);
            alt.truncate();
            if !alt.is_empty() && !groups.iter().any(|g| g.terms == alt.terms) {
                groups.push(alt);
            }
        }
        if groups.len() == 1 {
            let only = groups.remove(0);
            for (term, piece) in only.terms.into_iter().zip(only.pieces) {
                self.push(term, piece);
            }
        } else if groups.len() > 1 {
            let pieces: Vec<String> = groups.iter().flat_map(|g| g.pieces.iter().cloned()).collect();
            let any = QueryTerm::AnyOf(groups.into_iter().map(|g| g.terms).collect());
            if !self.terms.contains(&any) {
                self.terms.push(any);
                self.pieces.extend(pieces);
            }
        }
    }

    /// Adds the terms of `text` (punctuation and symbols only separate). Chinese runs are split
    /// into words unless `whole` (the user quoted them): then each run must occur as typed.
    fn add(&mut self, text: &str, whole: bool) {
        let q = self;
        let normalized = normalize(text);
        for run in runs(&normalized) {
            match run {
                Run::Word(word) => {
                    let word: String = word.chars().take(MAX_TOKEN_CHARS).collect();
                    q.push(QueryTerm::Prefix(word.clone()), word);
                }
                Run::Han(chars) if chars.len() == 1 => {
                    q.push(QueryTerm::Prefix(chars[0].to_string()), chars[0].to_string())
                }
                Run::Han(chars) => {
                    let pieces = if whole {
                        vec![chars.iter().take(MAX_QUOTED_CHARS).collect()]
                    } else {
                        han_pieces(&chars.iter().collect::<String>())
                    };
                    for piece in pieces {
                        let chars: Vec<char> = piece.chars().collect();
                        let bigrams = chars.windows(2).map(|p| p.iter().collect()).collect();
                        q.push(QueryTerm::Phrase(bigrams), piece);
                    }
                }
            }
        }
    }

    fn push(&mut self, term: QueryTerm, piece: String) {
        if !self.terms.contains(&term) {
            self.terms.push(term);
            self.pieces.push(piece);
        }
    }

    /// Whether there is nothing to search for (exclusions alone search for nothing).
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Whether the query only says what to leave out (`-退款`): the index cannot list what
    /// lacks a word, so the caller asks for a word to search for.
    pub fn excludes_only(&self) -> bool {
        self.terms.is_empty() && !self.excluded.is_empty()
    }

    /// Whether `text` contains every piece of the query and not all the pieces of any excluded
    /// word, judged on the text itself rather than an index: Chinese pieces anywhere, Latin
    /// words and numbers at the start of a word. This is the meaning the index promises; tests
    /// compare the two.
    pub fn matches_text(&self, text: &str) -> bool {
        let folded: Vec<char> = normalize_chars(text);
        let has_all = |q: &SearchQuery| q.terms.iter().all(|t| t.in_text(&folded));
        !self.is_empty() && has_all(self) && !self.excluded.iter().any(has_all)
    }
}

/// Chinese characters a quoted run is searched by at most (its phrase has one fewer bigrams).
const MAX_QUOTED_CHARS: usize = 50;

/// One word of a typed query: its text, whether a minus before it leaves it out, and whether it
/// was quoted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Chunk<'a> {
    text: &'a str,
    excluded: bool,
    quoted: bool,
}

impl Chunk<'_> {
    /// Whether the word is the OR operator: `OR` in capitals or `|`, standing alone (a quoted
    /// "OR" or a lower-case "or" is a word to search for).
    fn is_or(&self) -> bool {
        !self.quoted && !self.excluded && matches!(self.text, "OR" | "|" | "｜")
    }
}

fn is_open_quote(c: char) -> bool {
    matches!(c, '"' | '“' | '”' | '＂')
}

/// The words of a typed query: whitespace separates them, except inside a pair of quotes (ASCII,
/// full-width or Chinese, in any pairing, since input methods mix them); a minus at the start
/// of a word (before its quote, if any) marks it left out.
fn chunks(query: &str) -> Vec<Chunk<'_>> {
    let mut out = Vec::new();
    let mut rest = query;
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            return out;
        }
        let excluded = rest.starts_with(['-', '－']);
        if excluded {
            rest = &rest[rest.chars().next().map_or(0, char::len_utf8)..];
        }
        if let Some(open) = rest.chars().next().filter(|&c| is_open_quote(c)) {
            let inner = &rest[open.len_utf8()..];
            if let Some(close) = inner.find(is_open_quote) {
                out.push(Chunk { text: &inner[..close], excluded, quoted: true });
                let after = &inner[close..];
                rest = &after[after.chars().next().map_or(0, char::len_utf8)..];
                continue;
            }
        }
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        out.push(Chunk { text: &rest[..end], excluded, quoted: false });
        rest = &rest[end..];
    }
}

/// Splits a run of Chinese of two or more characters into query pieces of two or more
/// characters each: jieba's words, with single characters joined to the piece before (or after).
fn han_pieces(run: &str) -> Vec<String> {
    let mut pieces: Vec<String> = Vec::new();
    let mut last_single = false;
    for token in JIEBA.cut(run, false) {
        let single = token.word.chars().count() == 1;
        match pieces.last_mut() {
            Some(last) if single || last_single => last.push_str(token.word),
            _ => pieces.push(token.word.to_owned()),
        }
        last_single = single;
    }
    // A leading single character joined nothing before it; the merge above attached what follows.
    pieces
}

/// Normalises text one character for one character (unlike [`normalize`], never changing the
/// length), so positions in the result are positions in the original text.
pub fn normalize_chars(text: &str) -> Vec<char> {
    text.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .map(|c| c.to_lowercase().next().unwrap_or(c))
        .collect()
}

/// Where `piece` occurs in `folded` (from [`normalize_chars`]), as character ranges: anywhere for
/// Chinese pieces, only at the start of a word for Latin words and numbers.
pub fn find_piece(folded: &[char], piece: &str) -> Vec<std::ops::Range<usize>> {
    let needle: Vec<char> = piece.chars().collect();
    let Some(&first) = needle.first() else { return Vec::new() };
    let word = CharClass::of(first) != CharClass::OtherAlnum;
    let mut out = Vec::new();
    let mut i = 0;
    while i + needle.len() <= folded.len() {
        if folded[i..i + needle.len()] == needle[..]
            && !(word && i > 0 && CharClass::of(folded[i - 1]) == CharClass::of(first))
        {
            out.push(i..i + needle.len());
            i += needle.len();
        } else {
            i += 1;
        }
    }
    out
}

/// A piece of a snippet: text, and whether it is a match to highlight.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SnippetPart {
    /// The text, as in the original (not escaped: the caller renders it as text).
    pub text: String,
    /// Whether this is a match of the query.
    pub hit: bool,
}

/// A window of about `width` characters of `text`, split into parts with the matches marked;
/// `None` when the text contains no piece of the query. The window is the one that shows the most
/// different pieces of the query (for `退货 物流`, a place where both stand near each other rather
/// than the first 物流), the earliest of those, and starts a quarter of its width before its first
/// match. A word of a query of up to three words that the window does not show follows after a
/// cut, with a few characters around it. Whitespace runs are collapsed to one space; `…` marks cuts.
pub fn snippet(text: &str, query: &SearchQuery, width: usize) -> Option<Vec<SnippetPart>> {
    best_snippet(std::iter::once(text), query, width).map(|(_, parts)| parts)
}

/// [`snippet`] of the line among `lines` that shows the most different pieces of the query (the
/// earliest line of those), with that line's index; `None` when no line contains a piece.
pub fn best_snippet<'a>(
    lines: impl IntoIterator<Item = &'a str>,
    query: &SearchQuery,
    width: usize,
) -> Option<(usize, Vec<SnippetPart>)> {
    let mut best: Option<(usize, usize, &str, Vec<PieceHit>, usize)> = None;
    for (index, line) in lines.into_iter().enumerate() {
        let hits = piece_hits(line, query);
        let Some((anchor, shown)) = best_window(&hits, query.pieces.len(), width) else { continue };
        if best.as_ref().is_none_or(|b| shown > b.0) {
            best = Some((shown, index, line, hits, anchor));
            if shown == query.pieces.len() {
                break;
            }
        }
    }
    let (_, index, line, hits, anchor) = best?;
    Some((index, cut_snippet(line, &hits, anchor, width, query.pieces.len())))
}

/// A match of the query piece with index `piece`, in characters of the normalised text.
struct PieceHit {
    range: std::ops::Range<usize>,
    piece: usize,
}

/// Every match of every piece of `query` in `text`, by start (the longer first where two start
/// together).
fn piece_hits(text: &str, query: &SearchQuery) -> Vec<PieceHit> {
    let folded = normalize_chars(text);
    let mut hits: Vec<PieceHit> = query
        .pieces
        .iter()
        .enumerate()
        .flat_map(|(piece, p)| find_piece(&folded, p).into_iter().map(move |range| PieceHit { range, piece }))
        .collect();
    hits.sort_by_key(|h| (h.range.start, std::cmp::Reverse(h.range.end)));
    hits
}

/// Where a window starts that opens a quarter of `width` before the match `hits[anchor]`: a
/// little context before the match, and never further back, as the list shows a snippet in two
/// lines and a match with the window filled up from before it was cut off out of sight.
fn window(hits: &[PieceHit], anchor: usize, width: usize) -> std::ops::Range<usize> {
    let first = &hits[anchor].range;
    let start = first.start.saturating_sub(width / 4);
    start..start + Ord::max(width, first.len())
}

/// The windows tried for a snippet open at the first this many matches at most, so that a text
/// of thousands of matches of a one-character word costs no more than a short one.
const MAX_SNIPPET_WINDOWS: usize = 512;

/// The match whose window shows the most different pieces (the earliest of those), and how many
/// it shows. Each window is counted over the matches inside it only, so the work is bounded by
/// [`MAX_SNIPPET_WINDOWS`] times what one window can hold.
fn best_window(hits: &[PieceHit], pieces: usize, width: usize) -> Option<(usize, usize)> {
    let mut best: Option<(usize, usize)> = None;
    let mut seen = vec![false; pieces];
    let mut lo = 0;
    for anchor in 0..hits.len().min(MAX_SNIPPET_WINDOWS) {
        let w = window(hits, anchor, width);
        while hits[lo].range.start < w.start {
            lo += 1;
        }
        seen.fill(false);
        let mut shown = 0;
        for h in hits[lo..].iter().take_while(|h| h.range.start < w.end) {
            if h.range.end <= w.end && !std::mem::replace(&mut seen[h.piece], true) {
                shown += 1;
            }
        }
        if best.is_none_or(|(_, b)| shown > b) {
            best = Some((anchor, shown));
            if shown == pieces {
                break;
            }
        }
    }
    best
}

/// A query of at most this many pieces has every piece shown in its snippets, after cuts where
/// need be: what a person types. A longer one (the keywords behind "similar complaints") shows what
/// its best window holds, as a run of text that reads better than six fragments.
const MAX_SPREAD_PIECES: usize = 3;

/// The parts of the window at `hits[anchor]` of `text` for a query of `pieces` pieces, with the
/// first match of every piece the window does not show added after a cut (`…`), so that each
/// word of a short query is in sight.
fn cut_snippet(text: &str, hits: &[PieceHit], anchor: usize, width: usize, pieces: usize) -> Vec<SnippetPart> {
    let original: Vec<char> = text.chars().map(|c| if c.is_whitespace() { ' ' } else { c }).collect();
    let w = window(hits, anchor, width);
    let mut chosen: Vec<&PieceHit> = hits.iter().filter(|h| h.range.start >= w.start && h.range.end <= w.end).collect();
    let mut has_piece = vec![false; pieces];
    for h in &chosen {
        has_piece[h.piece] = true;
    }
    let from_window = chosen.len();
    if pieces <= MAX_SPREAD_PIECES {
        for h in hits {
            if !has_piece[h.piece] {
                has_piece[h.piece] = true;
                chosen.push(h);
            }
        }
    }
    let added = chosen.len() > from_window;
    chosen.sort_by_key(|h| (h.range.start, std::cmp::Reverse(h.range.end)));
    // Between a match and the next one of a piece not shown yet, a long stretch is cut to a few
    // characters on each side: the list shows two lines of the snippet, and the second word of
    // `退货 物流` sixty characters on would be out of sight.
    let context = Ord::max(4, width / 10);
    // With two words or more to show, less of what stands before the first: room for the rest.
    let several = chosen.iter().any(|h| h.piece != chosen[0].piece);
    let start = if several { chosen[0].range.start.saturating_sub(width / 8) } else { w.start };
    // After a match added from outside the window, a little context, not a window's width.
    let last = chosen.last().map_or(w.end, |h| h.range.end);
    let end = if added { Ord::max(last + 2 * context, Ord::min(w.end, last + width / 2)) } else { w.end };
    let end = Ord::min(original.len(), end);
    let mut parts: Vec<SnippetPart> = Vec::new();
    let push = |chars: &[char], hit: bool, parts: &mut Vec<SnippetPart>| {
        if chars.is_empty() {
            return;
        }
        let mut s = String::new();
        for &c in chars {
            if !(c == ' ' && s.ends_with(' ')) {
                s.push(c);
            }
        }
        match parts.last_mut() {
            Some(last) if last.hit == hit => last.text.push_str(&s),
            _ => parts.push(SnippetPart { text: s, hit }),
        }
    };
    if start > 0 {
        push(&['…'], false, &mut parts);
    }
    let mut shown = vec![false; has_piece.len()];
    let mut at = start;
    for h in chosen {
        let r = &h.range;
        if r.start < at {
            continue; // overlaps a match already marked
        }
        let gap = &original[at..r.start];
        if shown.iter().any(|&s| s) && !shown[h.piece] && gap.len() > 2 * context + 1 {
            push(&gap[..context], false, &mut parts);
            push(&['…'], false, &mut parts);
            push(&gap[gap.len() - context..], false, &mut parts);
        } else {
            push(gap, false, &mut parts);
        }
        push(&original[r.start..r.end], true, &mut parts);
        shown[h.piece] = true;
        at = r.end;
    }
    push(&original[at..end], false, &mut parts);
    if end < original.len() {
        push(&['…'], false, &mut parts);
    }
    parts
}

/// Every match of `query`'s pieces in the whole of `text`, marked, for showing a complaint
/// opened from a search with the words it was found by: unlike [`snippet`] nothing is cut and
/// the text is kept as written, line breaks and all, so the parts joined give `text` back.
/// Where two matches overlap the earlier one (the longer of two starting together) is marked;
/// matches that touch are one mark.
/// Excluded words are never marked. The work is one scan of the text per piece.
///
/// ```
/// use cloop_nlp::segment::{mark, SearchQuery};
/// let parts = mark("退货后物流\n说退货", &SearchQuery::parse("退货 -物流"));
/// let marked: Vec<_> = parts.iter().filter(|p| p.hit).map(|p| p.text.as_str()).collect();
/// assert_eq!(marked, ["退货", "退货"]);
/// assert_eq!(parts.iter().map(|p| p.text.as_str()).collect::<String>(), "退货后物流\n说退货");
/// ```
pub fn mark(text: &str, query: &SearchQuery) -> Vec<SnippetPart> {
    let original: Vec<char> = text.chars().collect();
    let mut parts: Vec<SnippetPart> = Vec::new();
    // Matches that touch are one mark (`扫地机器人` is searched as 扫地 and 机器人), as in snippets.
    let mut push = |chars: &[char], hit: bool| match parts.last_mut() {
        _ if chars.is_empty() => {}
        Some(last) if last.hit == hit => last.text.extend(chars),
        _ => parts.push(SnippetPart { text: chars.iter().collect(), hit }),
    };
    let mut at = 0;
    for h in piece_hits(text, query) {
        if h.range.start < at {
            continue; // overlaps a match already marked
        }
        push(&original[at..h.range.start], false);
        push(&original[h.range.clone()], true);
        at = h.range.end;
    }
    push(&original[at..], false);
    parts
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

    /// What the database does with [`index_text`] and a [`SearchQuery`]: phrases match
    /// consecutive tokens, prefixes match the start of a token.
    fn index_matches(indexed: &str, q: &SearchQuery) -> bool {
        let tokens: Vec<&str> = indexed.split(' ').filter(|t| !t.is_empty()).collect();
        fn holds(tokens: &[&str], term: &QueryTerm) -> bool {
            match term {
                QueryTerm::Prefix(p) => tokens.iter().any(|t| t.starts_with(p.as_str())),
                QueryTerm::Phrase(words) => {
                    tokens.windows(words.len()).any(|w| w.iter().zip(words).all(|(a, b)| a == b))
                }
                QueryTerm::AnyOf(groups) => groups.iter().any(|g| g.iter().all(|t| holds(tokens, t))),
            }
        }
        let all = |q: &SearchQuery| q.terms.iter().all(|t| holds(&tokens, t));
        !q.is_empty() && all(q) && !q.excluded.iter().any(all)
    }

    /// A small deterministic generator (no dependency needed for this).
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self, n: usize) -> usize {
            self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((self.0 >> 33) as usize) % n
        }
    }

    const PIECES: [&str; 28] = [
        "退",
        "货",
        "款",
        "不",
        "物",
        "流",
        "客",
        "服",
        "退货",
        "货款",
        "退货款",
        "不退货",
        "物流",
        "客服",
        "客服务",
        "服务",
        "ipad",
        "iPad",
        "ＩＰＡＤ",
        "2",
        "mini",
        "，",
        "。",
        " ",
        "！",
        "很差",
        "快递",
        "了",
    ];

    #[test]
    fn the_index_finds_every_text_containing_the_query_as_a_substring_scan_does() {
        let mut rng = Lcg(20261122);
        let texts: Vec<String> =
            (0..3000).map(|_| (0..1 + rng.next(14)).map(|_| PIECES[rng.next(PIECES.len())]).collect()).collect();
        let indexed: Vec<String> = texts.iter().map(|t| index_text(t)).collect();
        let queries = [
            "退货",
            "物流",
            "客服",
            "ipad",
            "iPad mini",
            "退货款",
            "不退货",
            "退",
            "货",
            "款不",
            "退货 物流",
            "客服 退货 ipad",
            "物流客服",
            "很差",
            "服务",
            "货款物流",
            "2",
            "快递了",
            "退货物流客服",
        ];
        for query in queries {
            let q = SearchQuery::parse(query);
            let mut expected = 0;
            for (text, idx) in texts.iter().zip(&indexed) {
                // The plain substring scan, word by word, on normalised text.
                let folded = normalize(text);
                let contains_all = normalize(query).split(' ').all(|w| folded.contains(w));
                let latin_word_start_only = q.matches_text(text);
                if contains_all && latin_word_start_only {
                    expected += 1;
                    assert!(index_matches(idx, &q), "{query:?} misses {text:?} (indexed {idx:?}, terms {:?})", q.terms);
                }
                // The index never finds a text the meaning does not cover.
                if index_matches(idx, &q) {
                    assert!(q.matches_text(text), "{query:?} wrongly finds {text:?}");
                }
            }
            assert!(expected > 0, "the generated texts should contain {query:?}");
        }
    }

    #[test]
    fn chinese_substrings_are_found_whatever_jieba_would_cut() {
        for (text, query) in [
            ("我要退货款", "退货"),
            ("商家说不退货", "退货"),
            ("这个客服务必回复", "客服"),
            ("物流程序有问题", "物流"),
            ("质量问题很严重", "质量问题"),
            ("差", "差"),
            ("价格太贵", "贵"),
        ] {
            let q = SearchQuery::parse(query);
            assert!(index_matches(&index_text(text), &q), "{query} in {text}: {:?}", index_text(text));
        }
    }

    #[test]
    fn phrases_do_not_match_across_punctuation() {
        let q = SearchQuery::parse("退货款");
        assert!(!index_matches(&index_text("我要退货，款到了再说"), &q));
        assert!(index_matches(&index_text("我要退货款"), &q));
    }

    #[test]
    fn a_word_after_a_minus_is_left_out_and_the_index_agrees() {
        let q = SearchQuery::parse("退货 -退款 －ipad");
        assert_eq!(q.pieces, ["退货"]);
        assert_eq!(q.excluded.iter().map(|e| e.pieces.clone()).collect::<Vec<_>>(), [vec!["退款"], vec!["ipad"]]);
        for (text, found) in [
            ("我要退货", true),
            ("我要退货退款", false),
            ("退货的iPad", false),
            ("退货，款到再说", true),
            ("myipad 退货", true),
        ] {
            assert_eq!(q.matches_text(text), found, "{text}");
            assert_eq!(index_matches(&index_text(text), &q), found, "{text}");
        }
        // A minus inside a word only separates; a word typed as one run is left out only when
        // all its words are there, as it would be found only then.
        assert!(SearchQuery::parse("退货-退款").excluded.is_empty());
        let both = SearchQuery::parse("客服 -退款物流");
        for (text, found) in [("客服说退款慢", true), ("客服说物流慢", true), ("客服说退款和物流都慢", false)]
        {
            assert_eq!(both.matches_text(text), found, "{text}");
            assert_eq!(index_matches(&index_text(text), &both), found, "{text}");
        }
        // Nothing but exclusions searches for nothing; a lone minus is no exclusion.
        let only = SearchQuery::parse("-退款");
        assert!(only.is_empty() && only.excludes_only() && !only.matches_text("发票"));
        let lone = SearchQuery::parse("退货 - --");
        assert!(lone.excluded.is_empty() && !lone.excludes_only());
        assert_eq!(SearchQuery::parse(&"-退款 ".repeat(100)).excluded.len(), 1);
        let many: String = (0..100).map(|i| format!(" -词{i}")).collect();
        assert_eq!(SearchQuery::parse(&many).excluded.len(), MAX_QUERY_TERMS);
    }

    #[test]
    fn quoted_chinese_is_searched_as_typed() {
        let split = SearchQuery::parse("退货物流");
        let whole = SearchQuery::parse("\"退货物流\"");
        assert_eq!(split.pieces, ["退货", "物流"]);
        assert_eq!(whole.pieces, ["退货物流"]);
        for (text, by_words, as_typed) in
            [("退货物流很慢", true, true), ("物流慢，要退货", true, false), ("退货", false, false)]
        {
            assert_eq!((split.matches_text(text), whole.matches_text(text)), (by_words, as_typed), "{text}");
            let idx = index_text(text);
            assert_eq!((index_matches(&idx, &split), index_matches(&idx, &whole)), (by_words, as_typed), "{text}");
        }
        // Chinese quotes, full-width ones, mixed pairs, and several quoted words with a space inside.
        for typed in ["“退货物流”", "＂退货物流＂", "“退货物流\""] {
            assert_eq!(SearchQuery::parse(typed).pieces, ["退货物流"], "{typed}");
        }
        let q = SearchQuery::parse("\"质量问题 ipad\" 客服 -\"退货物流\"");
        assert_eq!(q.pieces, ["质量问题", "ipad", "客服"]);
        assert_eq!(q.excluded.len(), 1);
        assert_eq!(q.excluded[0].pieces, ["退货物流"]);
        // An unclosed quote only separates; an empty pair is nothing.
        assert_eq!(SearchQuery::parse("\"退货物流").pieces, ["退货", "物流"]);
        assert!(SearchQuery::parse("\"\" “”").is_empty());
        // A quoted run is searched by its first MAX_QUOTED_CHARS characters.
        let long = SearchQuery::parse(&format!("\"{}\"", "退货".repeat(100)));
        assert_eq!(long.pieces[0].chars().count(), MAX_QUOTED_CHARS);
    }

    #[test]
    fn typed_runs_are_split_into_words_with_single_characters_kept_attached() {
        let q = SearchQuery::parse("退货物流");
        assert_eq!(q.pieces, ["退货", "物流"]);
        let q = SearchQuery::parse("很差劲");
        assert_eq!(q.pieces, ["很差劲"]);
        assert!(q.pieces.iter().all(|p| p.chars().count() >= 2));
    }

    #[test]
    fn latin_words_match_at_the_start_of_a_word() {
        let q = SearchQuery::parse("ipad");
        assert!(index_matches(&index_text("我的iPad2坏了"), &q));
        assert!(index_matches(&index_text("IPADS 都不行"), &q));
        assert!(!index_matches(&index_text("myipad"), &q));
        assert!(q.matches_text("我的iPad2坏了") && !q.matches_text("myipad"));
    }

    #[test]
    fn or_between_words_asks_for_either() {
        let q = SearchQuery::parse("退货 OR 退款 物流");
        assert_eq!(
            q.terms,
            [
                QueryTerm::AnyOf(vec![
                    vec![QueryTerm::Phrase(vec!["退货".into()])],
                    vec![QueryTerm::Phrase(vec!["退款".into()])]
                ]),
                QueryTerm::Phrase(vec!["物流".into()]),
            ]
        );
        assert_eq!(q.pieces, ["退货", "退款", "物流"]);
        assert!(q.matches_text("要求退货，物流太慢") && q.matches_text("物流丢件，退款"));
        assert!(!q.matches_text("要求退货退款") && !q.matches_text("物流太慢"));
        // `|` the same; a typed run on one side is a group of its words; a quoted side as typed.
        let q = SearchQuery::parse("ipad | 退货物流 OR “质量问题”");
        let QueryTerm::AnyOf(groups) = &q.terms[0] else { panic!("{q:?}") };
        assert_eq!(groups.len(), 3);
        assert_eq!(groups[1].len(), 2, "退货 and 物流");
        assert!(q.matches_text("物流慢，要求退货") && q.matches_text("有质量问题") && q.matches_text("iPad坏了"));
        assert!(!q.matches_text("要求退货") && !q.matches_text("质量有问题"));
    }

    #[test]
    fn or_without_a_word_on_both_sides_only_separates() {
        let plain = SearchQuery::parse("退货 物流");
        for query in ["OR 退货 物流", "退货 物流 OR", "退货 OR OR 物流", "退货 OR -物流 物流", "退货 OR !!! 物流"]
        {
            let q = SearchQuery::parse(query);
            assert!(q.terms.iter().all(|t| !matches!(t, QueryTerm::AnyOf(_))), "{query}: {q:?}");
            assert!(plain.terms.iter().all(|t| q.terms.contains(t)), "{query}: {q:?}");
        }
        // Lower case, quoted or after a minus, it is a word like any other.
        for query in ["退货 or 物流", "退货 \"OR\" 物流", "退货 -OR 物流"] {
            let q = SearchQuery::parse(query);
            assert!(q.terms.iter().all(|t| !matches!(t, QueryTerm::AnyOf(_))), "{query}: {q:?}");
        }
        assert_eq!(SearchQuery::parse("退货 -OR 物流").excluded[0].terms, [QueryTerm::Prefix("or".into())]);
        // Both sides the same: one word; the same OR twice: once.
        assert_eq!(SearchQuery::parse("退货 OR 退货").terms, [QueryTerm::Phrase(vec!["退货".into()])]);
        assert_eq!(SearchQuery::parse("退货 OR 退款 退货 OR 退款").terms.len(), 1);
    }

    #[test]
    fn a_query_of_many_ors_stays_bounded() {
        let q = SearchQuery::parse(&["退货物流"; 40].join(" OR "));
        assert!(q.terms.iter().map(QueryTerm::leaves).sum::<usize>() <= MAX_QUERY_TERMS);
        let q = SearchQuery::parse(
            &(0..40u8)
                .map(|i| format!("w{}{}", (b'a' + i % 26) as char, (b'a' + i / 26) as char))
                .collect::<Vec<_>>()
                .join(" OR "),
        );
        let QueryTerm::AnyOf(groups) = &q.terms[0] else { panic!("{q:?}") };
        assert_eq!(groups.len(), MAX_QUERY_TERMS);
        assert!(q.pieces.len() <= MAX_QUERY_TERMS);
    }

    #[test]
    fn hostile_queries_become_plain_terms_or_nothing() {
        for query in ["\"", "*", "( )", "NEAR(a b)", "a OR b", "-x", "'; DROP TABLE complaints; --", "^$@!~`", ""] {
            let q = SearchQuery::parse(query);
            let leaves = q.terms.iter().flat_map(|t| match t {
                QueryTerm::AnyOf(groups) => groups.concat(),
                t => vec![t.clone()],
            });
            for term in leaves {
                let words = match &term {
                    QueryTerm::Prefix(p) => vec![p.clone()],
                    QueryTerm::Phrase(w) => w.clone(),
                    QueryTerm::AnyOf(_) => panic!("{query}: an OR inside an OR"),
                };
                assert!(
                    words.iter().all(|w| !w.is_empty() && w.chars().all(char::is_alphanumeric)),
                    "{query}: {term:?}"
                );
            }
        }
        assert!(SearchQuery::parse("\"*()-:^").is_empty());
        let long = SearchQuery::parse(&"退货 物流 ".repeat(1000));
        assert!(long.terms.len() <= MAX_QUERY_TERMS);
        let long_word = SearchQuery::parse(&"a".repeat(500));
        assert_eq!(long_word.terms, [QueryTerm::Prefix("a".repeat(MAX_TOKEN_CHARS))]);
    }

    #[test]
    fn snippets_mark_matches_and_keep_the_original_text() {
        let q = SearchQuery::parse("退货 ipad");
        let parts = snippet("我的iPad坏了，要求<b>退货</b>", &q, 40).expect("matches");
        let marked: Vec<&str> = parts.iter().filter(|p| p.hit).map(|p| p.text.as_str()).collect();
        assert_eq!(marked, ["iPad", "退货"]);
        let all: String = parts.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(all, "我的iPad坏了，要求<b>退货</b>");
        assert!(snippet("没有关系", &q, 40).is_none());
    }

    #[test]
    fn marking_keeps_the_whole_text_and_marks_every_match() {
        let text = "  ＩＰＡＤ 屏幕碎了，退货\n\n客服说ipads不退货；myipad 不算，扫地机器人";
        let parts = mark(text, &SearchQuery::parse("退货 OR ipad 屏幕碎 扫地机器人"));
        let all: String = parts.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(all, text, "nothing cut, collapsed or normalised");
        let marked: Vec<&str> = parts.iter().filter(|p| p.hit).map(|p| p.text.as_str()).collect();
        // Latin words as prefixes at a word's start (full-width folded), not inside `myipad`.
        // 扫地机器人 is searched as 扫地 and 机器人, which touch: one mark.
        assert_eq!(marked, ["ＩＰＡＤ", "屏幕碎", "退货", "ipad", "退货", "扫地机器人"]);
        assert!(parts.windows(2).all(|w| w[0].hit != w[1].hit), "marked and unmarked parts alternate");
    }

    #[test]
    fn marking_takes_the_earlier_of_overlapping_matches_and_nothing_excluded() {
        let marked = |text: &str, q: &str| -> Vec<String> {
            mark(text, &SearchQuery::parse(q)).into_iter().filter(|p| p.hit).map(|p| p.text).collect()
        };
        assert_eq!(marked("不退货款", "退货 货款"), ["退货"]);
        assert_eq!(marked("退货款", "\"退货款\" 退货"), ["退货款"]);
        assert_eq!(marked("退款和物流", "物流 -退款"), ["物流"]);
        assert!(marked("退款和物流", "!!!").is_empty());
        assert!(mark("", &SearchQuery::parse("退货")).is_empty());
        assert_eq!(mark("没有", &SearchQuery::parse("退货")), [SnippetPart { text: "没有".into(), hit: false }]);
    }

    #[test]
    fn long_snippets_are_cut_around_the_first_match() {
        let text = format!("{}退货{}", "前".repeat(100), "后".repeat(100));
        let parts = snippet(&text, &SearchQuery::parse("退货"), 30).expect("matches");
        let all: String = parts.iter().map(|p| p.text.as_str()).collect();
        assert!(all.starts_with('…') && all.ends_with('…'), "{all}");
        assert!(all.chars().count() <= 32, "{all}");
        assert!(parts.iter().any(|p| p.hit && p.text == "退货"));
    }

    #[test]
    fn a_match_near_the_end_of_a_long_text_opens_the_snippet() {
        let text = format!("{}要求退货退款。", "外壳凹进去一大块".repeat(20));
        let parts = snippet(&text, &SearchQuery::parse("退货"), 80).expect("matches");
        let before: String = parts.iter().take_while(|p| !p.hit).map(|p| p.text.as_str()).collect();
        assert!(before.chars().count() <= 1 + 80 / 4, "the match comes early: {before}");
        let all: String = parts.iter().map(|p| p.text.as_str()).collect();
        assert!(all.starts_with('…') && all.ends_with("退款。"), "{all}");
    }

    #[test]
    fn the_snippet_shows_where_most_words_of_the_query_stand_together() {
        // 物流 alone early on; 退货 and 物流 together past the first window.
        let text = format!("物流很慢。{}后来客服同意退货，物流单号一直没有更新。", "外壳凹进去一大块".repeat(10));
        let parts = snippet(&text, &SearchQuery::parse("退货 物流"), 40).expect("matches");
        let marked: Vec<&str> = parts.iter().filter(|p| p.hit).map(|p| p.text.as_str()).collect();
        assert_eq!(marked, ["退货", "物流"], "{parts:?}");
        assert!(parts[0].text.starts_with('…'), "{parts:?}");
        // Less lead before the first word when there are two to show: an eighth of the width.
        assert_eq!(parts[0].text, "…来客服同意", "{parts:?}");
        // Words further apart than the window: the first of each, after a cut.
        let apart = format!("物流很慢。{}，后来要求退货，没人理。", "外壳凹进去一大块".repeat(20));
        let all: String = snippet(&apart, &SearchQuery::parse("退货 物流"), 40)
            .expect("matches")
            .iter()
            .map(|p| if p.hit { format!("[{}]", p.text) } else { p.text.clone() })
            .collect();
        assert_eq!(all, "[物流]很慢。外…后来要求[退货]，没人理。");
        // Four words or more (the keywords of "similar complaints"): the window as one run.
        let parts = snippet(&apart, &SearchQuery::parse("退货 物流 很慢 没人理"), 40).expect("matches");
        let all: String = parts.iter().map(|p| p.text.as_str()).collect();
        assert!(!all.contains("退货"), "{all}");
        // A long stretch between two different words is cut, so that both are in sight.
        let far = format!("要求退货。{}物流单号没有更新。", "外壳凹进去一大块".repeat(5));
        let parts = snippet(&far, &SearchQuery::parse("退货 物流"), 80).expect("matches");
        let all: String = parts.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(all, "要求退货。外壳凹进去一大…外壳凹进去一大块物流单号没有更新。");
        // Between two matches of the same word, nothing is cut.
        let twice = format!("退货{}退货", "外壳凹进去一大块".repeat(5));
        let all: String = snippet(&twice, &SearchQuery::parse("退货"), 80)
            .expect("matches")
            .iter()
            .map(|p| p.text.as_str())
            .collect();
        assert_eq!(all, twice);
        // With one word, the first match opens the snippet as before.
        let parts = snippet(&text, &SearchQuery::parse("物流"), 40).expect("matches");
        assert!(parts[0].hit && parts[0].text == "物流", "{parts:?}");
    }

    #[test]
    fn the_line_that_shows_most_of_the_query_is_chosen() {
        let q = SearchQuery::parse("退货 物流");
        let lines = ["TS2026", "要求退货", "物流弄坏了，要求退货", "退货物流都慢"];
        let (line, parts) = best_snippet(lines, &q, 80).expect("matches");
        assert_eq!(line, 2, "the first line with both words");
        assert_eq!(parts.iter().filter(|p| p.hit).count(), 2);
        assert!(best_snippet(["没有", "关系"], &q, 80).is_none());
        // Hundreds of matches of a one-character word: the window with both words is found.
        let long = "的".repeat(400) + "退货";
        let (_, parts) = best_snippet([long.as_str()], &SearchQuery::parse("的 退货"), 80).expect("matches");
        // Neighbouring matches merge into one marked part.
        assert!(parts.iter().any(|p| p.hit && p.text.ends_with("的退货")), "{parts:?}");
        // Past the windows tried, the first match opens the snippet: bounded work, a snippet still.
        let longer = "的".repeat(MAX_SNIPPET_WINDOWS * 8) + "退货";
        let (_, parts) = best_snippet([longer.as_str()], &SearchQuery::parse("的 退货"), 80).expect("matches");
        assert!(parts[0].hit && parts[0].text.starts_with('的'), "{parts:?}");
    }

    #[test]
    fn normalize_maps_full_width_ascii_and_lower_cases() {
        assert_eq!(normalize("ＡＢＣ１２３！　Ok"), "abc123! ok");
        assert_eq!(normalize(&"字".repeat(MAX_CHARS + 10)).chars().count(), MAX_CHARS);
    }
}

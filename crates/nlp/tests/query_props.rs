//! Property tests of the search query language against the index it is answered by: for any
//! query a user can type (words, one-character words, Latin words, minus signs, quotes of every
//! kind, OR, symbols) and any text, the database's answer — phrases of index tokens, prefixes,
//! either side of an OR, the excluded groups — is the answer the text itself gives (`SearchQuery::matches_text`), and
//! parsing never panics and stays bounded.

use cloop_nlp::segment::{MAX_QUERY_TERMS, QueryTerm, SearchQuery, index_text};
use proptest::prelude::*;

/// Words the texts and queries are made of: two- and one-character Chinese, Latin, digits.
const WORDS: &[&str] = &[
    "退货", "物流", "客服", "快递", "质量", "问题", "差", "好", "慢", "货款", "退款", "ipad", "iPad2", "mini", "2",
    "30", "屏幕", "很", "太", "不",
];
/// What may stand between words in a text.
const GLUE: &[&str] = &["", "", "，", " ", "。", "的", "了"];
/// What a user may put around and between words in a query.
const QUERY_MARKS: &[&str] = &[" ", " ", "-", "－", "\"", "“", "”", "＂", "*", "(", ")", ":", " OR ", " | ", " or "];

/// What the database does with `index_text` and a query: every term of the query matches (a
/// phrase: its tokens next to each other in order; a prefix: the start of a token), and no
/// excluded group matches in full.
fn index_matches(indexed: &str, q: &SearchQuery) -> bool {
    let tokens: Vec<&str> = indexed.split(' ').filter(|t| !t.is_empty()).collect();
    fn holds(tokens: &[&str], term: &QueryTerm) -> bool {
        match term {
            QueryTerm::Prefix(p) => tokens.iter().any(|t| t.starts_with(p.as_str())),
            QueryTerm::Phrase(words) => tokens.windows(words.len()).any(|w| w.iter().zip(words).all(|(a, b)| a == b)),
            // Either group, each in full (`退货 OR 退款`).
            QueryTerm::AnyOf(groups) => groups.iter().any(|g| g.iter().all(|t| holds(tokens, t))),
        }
    }
    let all = |q: &SearchQuery| q.terms.iter().all(|t| holds(&tokens, t));
    !q.is_empty() && all(q) && !q.excluded.iter().any(all)
}

/// The phrases and prefixes of a query, either side of an OR counted.
fn leaves(q: &SearchQuery) -> usize {
    q.terms.iter().map(QueryTerm::leaves).sum()
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec((prop::sample::select(WORDS), prop::sample::select(GLUE)), 1..12)
        .prop_map(|parts| parts.into_iter().map(|(w, g)| format!("{w}{g}")).collect())
}

fn query() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            3 => prop::sample::select(WORDS).prop_map(str::to_owned),
            2 => prop::sample::select(QUERY_MARKS).prop_map(str::to_owned),
        ],
        0..10,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn the_index_answers_what_the_text_says(q in query(), texts in prop::collection::vec(text(), 1..6)) {
        let parsed = SearchQuery::parse(&q);
        prop_assert!(leaves(&parsed) <= MAX_QUERY_TERMS && parsed.excluded.len() <= MAX_QUERY_TERMS);
        prop_assert!(parsed.excluded.iter().all(|e| !e.is_empty() && e.excluded.is_empty()), "{q:?}");
        for t in &texts {
            prop_assert_eq!(
                index_matches(&index_text(t), &parsed),
                parsed.matches_text(t),
                "query {:?} text {:?} terms {:?} excluded {:?}",
                q, t, parsed.terms, parsed.excluded.iter().map(|e| &e.terms).collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn any_input_parses_without_panicking(q in any::<String>()) {
        let parsed = SearchQuery::parse(&q);
        prop_assert!(leaves(&parsed) <= MAX_QUERY_TERMS);
        prop_assert!(parsed.excluded.len() <= MAX_QUERY_TERMS);
        // Every phrase and prefix has the piece it highlights.
        prop_assert!(leaves(&parsed) <= parsed.pieces.len() && parsed.pieces.len() <= MAX_QUERY_TERMS);
    }
}

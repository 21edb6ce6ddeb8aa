//! Turning a text into the sparse feature vector the classifier reads.
//!
//! Features are jieba word unigrams, word bigrams and character n-grams of the normalised text,
//! and a few buckets of its length, each hashed with 64-bit FNV-1a into a `u64` id (collisions
//! among the few hundred thousand features of a training set are vanishingly rare at 64 bits). The model keeps the ids it saw
//! often enough during training, sorted, and maps them to dense columns; ids it never kept are
//! ignored at prediction time. The hash is part of the model format: changing it, or the way
//! n-grams are formed, needs a new [`crate::classifier::FORMAT_VERSION`].

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::segment;

/// Which features a model extracts from a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeatureSet {
    /// jieba words (see [`segment::tokens`]).
    pub words: bool,
    /// Pairs of adjacent jieba words.
    pub word_bigrams: bool,
    /// Shortest character n-gram, 0 for none.
    pub char_min: u8,
    /// Longest character n-gram (at most 5), 0 for none.
    pub char_max: u8,
    /// The text's length, as one bucket on each of three logarithmic scales (see
    /// [`LENGTH_SCALES`]). The TF-IDF vector is scaled to unit length, which throws the length
    /// away, yet how much a customer writes says something about what they write about (on the
    /// routing benchmark a clothing complaint has 19 characters at the median, a hotel one 60).
    /// Absent from models trained before it existed (`false`), which keep their features.
    #[serde(default)]
    pub length: bool,
}

impl FeatureSet {
    /// Words, word bigrams, character 1–3-grams and the length: the default, and the best on real
    /// complaints.
    pub const ALL: Self = Self { words: true, word_bigrams: true, char_min: 1, char_max: 3, length: true };

    /// Character 1–3-grams only: the classic baseline for Chinese text classification.
    pub const CHARS: Self = Self { words: false, word_bigrams: false, char_min: 1, char_max: 3, length: false };

    /// Whether this set extracts anything at all, with sane n-gram bounds.
    pub fn is_valid(&self) -> bool {
        let chars_ok = (self.char_min == 0 && self.char_max == 0)
            || (self.char_min >= 1 && self.char_min <= self.char_max && self.char_max <= 5);
        let any = self.words || self.word_bigrams || self.char_max > 0;
        chars_ok && any
    }
}

impl Default for FeatureSet {
    fn default() -> Self {
        Self::ALL
    }
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// Namespaces keep a word and a character n-gram with the same characters apart.
const NS_WORD: u8 = b'w';
const NS_BIGRAM: u8 = b'b';
const NS_CHARS: u8 = b'c';
const NS_LENGTH: u8 = b'l';

/// Separates the two words of a bigram inside its hash.
const UNIT_SEPARATOR: u8 = 0x1f;

/// The length buckets of [`FeatureSet::length`]: a text of `n` characters (every character of
/// the normalised text) falls in bucket `⌊s · log2(n + 1)⌋` of each scale `s`. Three scales
/// rather than one tuned width, so that no single bucket edge decides; on the routing
/// benchmark's train hold-out each scale alone gained between half a point and a point.
pub const LENGTH_SCALES: [u8; 3] = [2, 3, 5];

#[inline]
fn fnv_bytes(mut hash: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(FNV_PRIME);
    }
    hash
}

#[inline]
fn fnv_char(hash: u64, c: char) -> u64 {
    let mut buf = [0u8; 4];
    fnv_bytes(hash, c.encode_utf8(&mut buf).as_bytes())
}

/// Appends the hashed features of `text` to `out`, one id per occurrence (so repeats count).
pub(crate) fn extract(text: &segment::Analysis, set: &FeatureSet, out: &mut Vec<u64>) {
    let normalized = text.normalized();
    if set.length {
        // Every character, punctuation included: counting letters and digits alone lost half the
        // gain on the routing benchmark's hold-out (how much punctuation there is is part of how
        // people write), though the n-grams below ignore punctuation.
        let log = ((normalized.chars().count() + 1) as f64).log2();
        for scale in LENGTH_SCALES {
            let bucket = (f64::from(scale) * log) as u64;
            out.push(fnv_bytes(fnv_bytes(FNV_OFFSET, &[NS_LENGTH, scale]), &bucket.to_le_bytes()));
        }
    }
    if set.words || set.word_bigrams {
        let words = text.tokens();
        if set.words {
            out.extend(words.iter().map(|w| fnv_bytes(fnv_bytes(FNV_OFFSET, &[NS_WORD]), w.as_bytes())));
        }
        if set.word_bigrams {
            for pair in words.windows(2) {
                let h = fnv_bytes(fnv_bytes(FNV_OFFSET, &[NS_BIGRAM]), pair[0].as_bytes());
                out.push(fnv_bytes(fnv_bytes(h, &[UNIT_SEPARATOR]), pair[1].as_bytes()));
            }
        }
    }
    if set.char_max > 0 {
        // Letters and digits as they are; every run of anything else becomes one space, so n-grams
        // see word boundaries without depending on how much punctuation there was.
        let mut chars: Vec<char> = Vec::with_capacity(normalized.len());
        for c in normalized.chars() {
            if c.is_alphanumeric() {
                chars.push(c);
            } else if chars.last().is_some_and(|&last| last != ' ') {
                chars.push(' ');
            }
        }
        if chars.last() == Some(&' ') {
            chars.pop();
        }
        for n in usize::from(set.char_min)..=usize::from(set.char_max) {
            for gram in chars.windows(n) {
                if n == 1 && gram[0] == ' ' {
                    continue;
                }
                let mut h = fnv_bytes(FNV_OFFSET, &[NS_CHARS, n as u8]);
                for &c in gram {
                    h = fnv_char(h, c);
                }
                out.push(h);
            }
        }
    }
}

/// How feature counts become feature values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Weighting {
    /// Raw counts (what multinomial naive Bayes expects).
    Counts,
    /// `(1 + ln tf) · idf`, the vector scaled to unit length (what the logistic model expects).
    SublinearTfIdfL2,
}

/// The feature columns a model knows: sorted feature ids and, for TF-IDF, their idf.
///
/// A feature id is found by its top bits: `starts[id >> shift]` is where the ids with those top
/// bits begin among the sorted keys, and a handful follow. Prediction looks up a few hundred ids
/// per text in a vocabulary of hundreds of thousands, which is one memory access each this way
/// (the table of starts is small enough to stay in cache) against two for a hash map twice the
/// size; on intake that was half of classification's time.
#[derive(Debug, Clone)]
pub(crate) struct Vocabulary {
    /// Sorted, distinct feature ids; position = column.
    pub keys: Vec<u64>,
    /// Inverse document frequency per column.
    pub idf: Vec<f32>,
    /// `starts[b]..starts[b + 1]` are the columns whose ids have top bits `b`.
    starts: Vec<u32>,
    /// `64 −` the number of top bits that pick a bucket.
    shift: u32,
}

impl Vocabulary {
    /// Builds the vocabulary from the training documents' feature ids: keeps ids seen in at least
    /// `min_df` documents, at most `max_features` of them (those in the most documents; ties by
    /// id), with their inverse document frequency `ln((n + 1) / (df + 1)) + 1`.
    pub fn build(docs: &[Vec<u64>], min_df: u32, max_features: usize) -> Self {
        let mut df: HashMap<u64, u32> = HashMap::new();
        let mut seen = Vec::new();
        for doc in docs {
            seen.clear();
            seen.extend_from_slice(doc);
            seen.sort_unstable();
            seen.dedup();
            for &id in &seen {
                *df.entry(id).or_insert(0) += 1;
            }
        }
        let mut kept: Vec<(u64, u32)> = df.into_iter().filter(|&(_, n)| n >= min_df).collect();
        if kept.len() > max_features {
            kept.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            kept.truncate(max_features);
        }
        kept.sort_unstable_by_key(|&(id, _)| id);
        let n_docs = docs.len() as f64;
        let idf = kept.iter().map(|&(_, n)| (((n_docs + 1.0) / (f64::from(n) + 1.0)).ln() + 1.0) as f32).collect();
        Self::from_parts(kept.into_iter().map(|(id, _)| id).collect(), idf)
    }

    /// Rebuilds the lookup index for stored keys (sorted; `idf` has one entry per key).
    pub fn from_parts(keys: Vec<u64>, idf: Vec<f32>) -> Self {
        debug_assert!(keys.windows(2).all(|w| w[0] < w[1]), "keys are sorted and distinct");
        // About four ids per bucket: 2^16 buckets (256 KiB) for 300,000 features.
        let bits = (keys.len() / 4).max(1).next_power_of_two().trailing_zeros().clamp(4, 20);
        let shift = 64 - bits;
        let mut starts = vec![0u32; (1 << bits) + 1];
        for &k in &keys {
            starts[(k >> shift) as usize + 1] += 1;
        }
        for b in 1..starts.len() {
            starts[b] += starts[b - 1];
        }
        Self { keys, idf, starts, shift }
    }

    /// The column of feature `id`, if the vocabulary has it.
    #[cfg(test)]
    fn column(&self, id: u64) -> Option<u32> {
        self.find(id, self.bucket(id))
    }

    /// Where the ids with `id`'s top bits lie among the keys.
    #[inline]
    fn bucket(&self, id: u64) -> (usize, usize) {
        let b = (id >> self.shift) as usize;
        (self.starts[b] as usize, self.starts[b + 1] as usize)
    }

    #[inline]
    fn find(&self, id: u64, (start, end): (usize, usize)) -> Option<u32> {
        let bucket = &self.keys[start..end];
        let at = if bucket.len() <= 8 { bucket.iter().position(|&k| k == id) } else { bucket.binary_search(&id).ok() };
        at.map(|i| (start + i) as u32)
    }

    /// Number of columns.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// One document's known features with their counts: `(column, count)` sorted by column.
    pub fn counts(&self, ids: &[u64]) -> Vec<(u32, f32)> {
        // In three passes, so that the cache misses of a text's few hundred look-ups overlap:
        // the buckets, then a read of each bucket's first key, then the searches. A loop that
        // only reads lets the processor run dozens of reads ahead; searching each bucket as it
        // was found, the misses came nearly one after the other (BENCHMARKS.md, eighth pass).
        let buckets: Vec<(usize, usize)> = ids.iter().map(|&id| self.bucket(id)).collect();
        let mut acc = 0u64;
        for &(start, end) in &buckets {
            if start < end {
                acc ^= self.keys[start];
            }
        }
        std::hint::black_box(acc);
        let mut cols: Vec<u32> = ids.iter().zip(&buckets).filter_map(|(&id, &b)| self.find(id, b)).collect();
        cols.sort_unstable();
        let mut out: Vec<(u32, f32)> = Vec::with_capacity(cols.len());
        for col in cols {
            match out.last_mut() {
                Some((last, n)) if *last == col => *n += 1.0,
                _ => out.push((col, 1.0)),
            }
        }
        out
    }

    /// Turns counts from [`Vocabulary::counts`] into the values `weighting` asks for.
    pub fn weigh(&self, row: &mut [(u32, f32)], weighting: Weighting) {
        if weighting == Weighting::Counts {
            return;
        }
        let mut norm = 0.0f32;
        for (col, v) in row.iter_mut() {
            *v = (1.0 + v.ln()) * self.idf[*col as usize];
            norm += *v * *v;
        }
        if norm > 0.0 {
            let inv = norm.sqrt().recip();
            for (_, v) in row.iter_mut() {
                *v *= inv;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(text: &str, set: FeatureSet) -> Vec<u64> {
        let mut out = Vec::new();
        extract(&segment::Analysis::of(text), &set, &mut out);
        out
    }

    #[test]
    fn the_same_text_always_gives_the_same_ids() {
        assert_eq!(ids("快递太慢了 refund", FeatureSet::ALL), ids("快递太慢了 refund", FeatureSet::ALL));
    }

    #[test]
    fn punctuation_and_case_do_not_change_features() {
        let set = FeatureSet { length: false, ..FeatureSet::ALL };
        assert_eq!(ids("快递太慢了！！！Refund", set), ids("快递太慢了 refund", set));
    }

    #[test]
    fn character_ngrams_count_every_window() {
        // 4 characters: 4 unigrams, 3 bigrams, 2 trigrams.
        assert_eq!(ids("屏幕发黄", FeatureSet::CHARS).len(), 9);
        assert!(ids("！？。", FeatureSet::CHARS).is_empty());
    }

    #[test]
    fn the_length_is_one_bucket_per_scale_and_only_the_length_decides_it() {
        let length = FeatureSet { words: false, word_bigrams: false, char_min: 0, char_max: 0, length: true };
        assert_eq!(ids("退货", length).len(), LENGTH_SCALES.len());
        assert_eq!(ids("退货", length), ids("物流", length), "same length, same buckets");
        let long = ids(&"物流太慢".repeat(20), length);
        assert!(ids("退货", length).iter().all(|id| !long.contains(id)), "2 and 80 characters share no bucket");
        // The text's own features are all still there, and none is a length bucket.
        let plain = ids("快递太慢了", FeatureSet { length: false, ..FeatureSet::ALL });
        let with = ids("快递太慢了", FeatureSet::ALL);
        assert_eq!(with.len(), plain.len() + LENGTH_SCALES.len());
        assert!(plain.iter().all(|id| with.contains(id)));
    }

    #[test]
    fn a_feature_set_saved_before_the_length_existed_reads_without_it() {
        let old: FeatureSet =
            serde_json::from_str(r#"{"words":true,"word_bigrams":true,"char_min":1,"char_max":3}"#).unwrap();
        assert_eq!(old, FeatureSet { length: false, ..FeatureSet::ALL });
    }

    #[test]
    fn words_and_character_ngrams_do_not_collide() {
        let words = ids("退", FeatureSet { words: true, word_bigrams: false, char_min: 0, char_max: 0, length: false });
        let chars =
            ids("退", FeatureSet { words: false, word_bigrams: false, char_min: 1, char_max: 1, length: false });
        assert_eq!(words.len(), 1);
        assert_ne!(words, chars);
    }

    #[test]
    fn tf_idf_vectors_have_unit_length_and_skip_unknown_features() {
        let docs = vec![ids("退货 退款", FeatureSet::ALL), ids("物流 太慢", FeatureSet::ALL)];
        let vocab = Vocabulary::build(&docs, 1, usize::MAX);
        let mut v = vocab.counts(&ids("退货退货 完全陌生的词", FeatureSet::ALL));
        assert!(v.iter().any(|&(_, n)| n == 2.0), "退货 counted twice: {v:?}");
        vocab.weigh(&mut v, Weighting::SublinearTfIdfL2);
        let norm: f32 = v.iter().map(|(_, x)| x * x).sum();
        assert!((norm - 1.0).abs() < 1e-5, "{norm}");
        assert!(v.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn every_kept_id_is_found_at_its_column_and_no_other_id_is() {
        // Ids that share their top bits (the same bucket), at the ends of the range, and many.
        let mut keys: Vec<u64> = (0..5_000u64).map(|i| i.wrapping_mul(0x9e37_79b9_7f4a_7c15)).collect();
        keys.extend([0, 1, 2, u64::MAX, u64::MAX - 1, 0xffff_0000_0000_0000, 0xffff_0000_0000_0001]);
        keys.extend((0..40u64).map(|i| (7 << 60) | i));
        keys.sort_unstable();
        keys.dedup();
        let vocab = Vocabulary::from_parts(keys.clone(), vec![1.0; keys.len()]);
        for (col, &k) in keys.iter().enumerate() {
            assert_eq!(vocab.column(k), Some(col as u32), "{k:#x}");
        }
        for missing in [3u64, u64::MAX - 2, (7 << 60) | 40, 0x1234_5678_9abc_def0] {
            assert_eq!(vocab.column(missing), None, "{missing:#x}");
        }
        let empty = Vocabulary::from_parts(Vec::new(), Vec::new());
        assert_eq!(empty.column(42), None);
    }

    #[test]
    fn the_vocabulary_keeps_the_most_frequent_features_up_to_the_cap() {
        let docs = vec![ids("退货", FeatureSet::CHARS), ids("退款", FeatureSet::CHARS), ids("退", FeatureSet::CHARS)];
        assert_eq!(Vocabulary::build(&docs, 1, usize::MAX).len(), 5);
        assert_eq!(Vocabulary::build(&docs, 2, usize::MAX).len(), 1);
        let capped = Vocabulary::build(&docs, 1, 1);
        assert_eq!(capped.keys, ids("退", FeatureSet::CHARS), "退 is in all three texts");
    }

    #[test]
    fn feature_sets_are_validated() {
        assert!(FeatureSet::ALL.is_valid() && FeatureSet::CHARS.is_valid());
        assert!(!FeatureSet { words: false, word_bigrams: false, char_min: 0, char_max: 0, length: false }.is_valid());
        assert!(!FeatureSet { words: true, word_bigrams: false, char_min: 3, char_max: 1, length: false }.is_valid());
        assert!(!FeatureSet { words: true, word_bigrams: false, char_min: 1, char_max: 9, length: false }.is_valid());
    }
}

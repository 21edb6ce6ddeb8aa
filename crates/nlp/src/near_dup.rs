//! Near-duplicate detection for repeat complaints (DESIGN §4): a 64-bit SimHash of a text's
//! segmented words, compared by Hamming distance.
//!
//! The fingerprint is a vote of hashed features of the text's [`segment::tokens`]: every character
//! bigram of the tokens written one after the other (so punctuation, spacing and case do not
//! matter, and a word cut differently still contributes the same bigrams) and every token of two or
//! more characters. Each feature hashes to 64 bits, and each bit of the fingerprint is the majority
//! vote of that bit over all features. A few changed particles or a moved clause flip a few bits;
//! an unrelated complaint lands about 31 bits away. Fingerprints are stable across processes and
//! across versions of this crate that keep [`FINGERPRINT_VERSION`], so the server can store them.

use crate::segment;

/// Bumped whenever the fingerprint of a text would change; stored fingerprints of another version
/// must be recomputed before comparing.
pub const FINGERPRINT_VERSION: u32 = 1;

/// Two texts are near-duplicates when their fingerprints differ in at most this many of 64 bits.
///
/// Chosen on real complaint text (the routing test split; `bench --bin routing_eval` repeats the
/// measurement): a text and its rewording by two random edits (a particle or comma inserted, a
/// character dropped, punctuation removed, two clauses swapped) stay within 12 bits for 93.9 % of
/// texts (median 5), while of 7,300 pairs of different complaints about the same product one came
/// within 12 bits (median 31, minimum 11). Very short texts are noisy either way: combine the
/// fingerprint with the same customer or order, as DESIGN §4 does.
pub const SIMILAR_MAX_DISTANCE: u32 = 12;

/// The SimHash of `text`; 0 for a text without letters or digits.
///
/// ```
/// use cloop_nlp::near_dup::{fingerprint, hamming};
/// let a = fingerprint("快递三天了还没到，客服电话一直打不通，我要求退款");
/// let b = fingerprint("快递三天了都还没到，客服电话一直打不通！我要求退款。");
/// let c = fingerprint("酒店房间有异味，空调也不制冷，前台态度很差");
/// assert!(hamming(a, b) < hamming(a, c));
/// ```
pub fn fingerprint(text: &str) -> u64 {
    fingerprint_of(&segment::Analysis::of(text))
}

/// [`fingerprint`] of a text already analysed (segmented once for every reader).
pub fn fingerprint_of(text: &segment::Analysis) -> u64 {
    let tokens = text.tokens();
    let chars: Vec<char> = tokens.iter().flat_map(|t| t.chars()).collect();
    let mut votes = [0i32; 64];
    let mut features = 0usize;
    let mut vote = |hash: u64| {
        features += 1;
        for (bit, v) in votes.iter_mut().enumerate() {
            *v += if hash >> bit & 1 == 1 { 1 } else { -1 };
        }
    };
    let mut buf = [0u8; 8];
    for pair in chars.windows(2) {
        let a = pair[0].encode_utf8(&mut buf).len();
        let b = pair[1].encode_utf8(&mut buf[a..]).len();
        vote(mix(fnv(SEED_BIGRAM, &buf[..a + b])));
    }
    for token in tokens.iter().filter(|t| t.chars().nth(1).is_some()) {
        vote(mix(fnv(SEED_TOKEN, token.as_bytes())));
    }
    if let [only] = chars.as_slice() {
        vote(mix(fnv(SEED_TOKEN, only.encode_utf8(&mut buf).as_bytes())));
    }
    if features == 0 {
        return 0;
    }
    votes.iter().enumerate().fold(0u64, |fp, (bit, &v)| if v > 0 { fp | 1 << bit } else { fp })
}

/// Seeds that keep a two-character token and the same character bigram apart.
const SEED_BIGRAM: u64 = 2;
const SEED_TOKEN: u64 = 0;

/// Number of bits in which two fingerprints differ (0–64).
pub fn hamming(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

/// Whether two stored fingerprints are near-duplicates: both of a text with letters or digits
/// (not 0) and within [`SIMILAR_MAX_DISTANCE`] bits. The one rule the node's window and the
/// writer's repeat look-up share.
pub fn fingerprints_similar(a: u64, b: u64) -> bool {
    a != 0 && b != 0 && hamming(a, b) <= SIMILAR_MAX_DISTANCE
}

/// Whether `a` and `b` are near-duplicates: fingerprints within [`SIMILAR_MAX_DISTANCE`] bits.
/// Texts without any letters or digits are never similar to anything.
pub fn similar(a: &str, b: &str) -> bool {
    let (fa, fb) = (fingerprint(a), fingerprint(b));
    fa != 0 && fb != 0 && hamming(fa, fb) <= SIMILAR_MAX_DISTANCE
}

/// 64-bit FNV-1a with a seed mixed into the offset basis.
fn fnv(seed: u64, bytes: &[u8]) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325 ^ seed;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// SplitMix64's finaliser: FNV's high bits are poorly mixed for short inputs, and SimHash needs
/// every bit to be a fair coin.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_similar_within_the_distance_and_never_when_empty() {
        let a = 0b1011u64 << 40 | 7;
        assert!(fingerprints_similar(a, a));
        assert!(fingerprints_similar(a, a ^ 0xfff), "12 bits apart");
        assert!(!fingerprints_similar(a, a ^ 0x1fff), "13 bits apart");
        assert!(!fingerprints_similar(0, 0), "a text without letters matches nothing");
        assert!(!fingerprints_similar(0, 1) && !fingerprints_similar(1, 0));
    }

    const PARAPHRASES: [(&str, &str); 5] = [
        (
            "我在你们店买的手机，用了三天就黑屏了，联系客服一直没人回复，要求退货退款。",
            "我在你们店里买的手机用了三天就黑屏了，联系客服也一直没人回复，要求退货并退款！",
        ),
        (
            "酒店房间有很大的烟味，空调不制冷，晚上隔音很差，前台服务态度恶劣，不会再住了",
            "酒店房间烟味很大，空调也不制冷，晚上隔音很差，前台服务态度恶劣，以后不会再住了。",
        ),
        (
            "The refund for order 1234 never arrived and customer service keeps hanging up on me.",
            "The refund for my order 1234 never arrived, and customer service keeps hanging up on me!",
        ),
        (
            "快递员没有送货上门，直接放在驿站也不通知，包裹被人拿走了，物流显示已签收",
            "快递员没有送货上门，直接放在驿站也不通知我，包裹被人拿走了！物流显示已签收。",
        ),
        (
            "洗发水用了以后头皮很痒，还掉了很多头发，怀疑是假货，商家拒绝退换",
            "用了这个洗发水以后头皮很痒，还掉了很多头发，怀疑是假货，商家拒绝退换。",
        ),
    ];

    const UNRELATED: [&str; 6] = [
        "书的纸张很差，印刷模糊，还有好几页是空白的，包装也破损了",
        "电脑开机很慢，风扇声音大，键盘有几个键按不下去",
        "水果到的时候已经烂了一半，个头也很小，跟图片完全不一样",
        "热水器安装师傅乱收费，装好以后还漏水，打售后电话没人接",
        "衣服尺码偏小，颜色和图片差别很大，洗了一次就掉色起球",
        "牛奶喝起来有股怪味，生产日期都快过期了，箱子也是压扁的",
    ];

    #[test]
    fn paraphrases_are_similar() {
        for (a, b) in PARAPHRASES {
            let d = hamming(fingerprint(a), fingerprint(b));
            assert!(similar(a, b), "distance {d} for\n{a}\n{b}");
        }
    }

    #[test]
    fn unrelated_complaints_are_not_similar() {
        let all: Vec<&str> = UNRELATED.iter().copied().chain(PARAPHRASES.iter().map(|p| p.0)).collect();
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                let d = hamming(fingerprint(a), fingerprint(b));
                assert!(!similar(a, b), "distance {d} for\n{a}\n{b}");
            }
        }
    }

    #[test]
    fn identical_texts_have_distance_zero_and_punctuation_does_not_matter() {
        let a = "快递三天没到";
        assert_eq!(hamming(fingerprint(a), fingerprint(a)), 0);
        assert_eq!(fingerprint("快递三天没到！！！"), fingerprint("快递，三天没到。"));
    }

    #[test]
    fn texts_without_words_are_never_similar() {
        assert_eq!(fingerprint("！？。…"), 0);
        assert!(!similar("！？。", "……"));
        assert!(!similar("", ""));
    }

    const PINNED: u64 = 17_862_444_235_966_508_402;

    #[test]
    fn fingerprints_are_stable_across_builds() {
        // Stored fingerprints must keep their meaning: a change here needs FINGERPRINT_VERSION + 1.
        assert_eq!(fingerprint("好"), mix(fnv(SEED_TOKEN, "好".as_bytes())));
        assert_eq!(fingerprint("快递三天没到，要求退款"), PINNED);
    }
}

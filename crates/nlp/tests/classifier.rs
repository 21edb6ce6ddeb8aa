//! The classifier end to end on small texts written for these tests (Chinese and English, six
//! labels): training, prediction, evaluation, model bytes, and refusing bad input by line.

use cloop_nlp::classifier::{
    Algorithm, Example, FORMAT_VERSION, MAX_LINE_BYTES, Model, ModelError, TrainConfig, TrainError, parse_jsonl, train,
};
use cloop_nlp::evaluate;

/// 60 training examples: four Chinese labels and two English ones, ten each.
fn training_set() -> Vec<Example> {
    let data: [(&str, [&str; 10]); 6] = [
        (
            "物流",
            [
                "快递三天了还没到，物流信息一直不更新",
                "物流太慢了，一个星期才送到",
                "快递员不送货上门，让我自己去驿站取",
                "包裹显示已签收但是我根本没收到快递",
                "发货太慢，下单五天了还没发出",
                "物流停在中转站好几天不动",
                "快递把包裹弄丢了，物流公司推卸责任",
                "配送员态度差，快递扔在门口就走",
                "说好次日达，结果快递拖了四天",
                "物流单号查不到任何信息，快递在哪里",
            ],
        ),
        (
            "退款",
            [
                "申请退款半个月了钱还没退回来",
                "商家拒绝退款，说已经过了退款期限",
                "退货寄回去了，退款一直不到账",
                "要求退款，商家一直拖着不处理",
                "取消订单后说好的退款没有收到",
                "退款被驳回，理由莫名其妙",
                "重复扣款了，要求把多扣的钱退给我",
                "退货退款流程太复杂，钱迟迟不退",
                "商家同意退款但是款项一直没有原路返回",
                "七天无理由退货，商家却不给退款",
            ],
        ),
        (
            "质量",
            [
                "手机用了两天就黑屏死机，质量太差",
                "衣服洗了一次就掉色起球，质量很差",
                "收到的杯子有裂缝，做工粗糙",
                "充电器用一次就坏了，质量有问题",
                "鞋子穿了一周就开胶了",
                "电视屏幕有坏点，画面发黄",
                "水果到的时候已经烂了好几个，不新鲜",
                "耳机一边没有声音，明显是次品",
                "家具有刺鼻的异味，板材质量很差",
                "牛奶喝起来有怪味，怀疑变质过期了",
            ],
        ),
        (
            "服务",
            [
                "客服态度恶劣，问两句就不耐烦",
                "打客服电话一直没人接，根本打不通",
                "客服机器人答非所问，转人工等了一小时",
                "售后推来推去，没人负责解决问题",
                "在线客服不回复消息，留言也没人理",
                "工作人员说话很难听，服务态度太差",
                "投诉了三次都没有人跟进处理",
                "客服挂我电话，还说是系统问题",
                "售后人员上门迟到三小时还不道歉",
                "客服承诺回电结果一直没有回电",
            ],
        ),
        (
            "billing",
            [
                "I was charged twice for the same order",
                "The invoice shows a fee I never agreed to",
                "My credit card was billed after I cancelled the subscription",
                "Wrong amount charged, the price at checkout was lower",
                "Hidden charges appeared on my monthly bill",
                "I was billed for a premium plan I did not order",
                "The payment was taken but the invoice says unpaid",
                "Overcharged by twenty dollars on my last statement",
                "Duplicate payment on my card, please fix the billing",
                "Subscription fee increased without any notice on the bill",
            ],
        ),
        (
            "delivery",
            [
                "My parcel never arrived and tracking has not updated",
                "The courier left the package outside in the rain",
                "Delivery was five days late with no explanation",
                "The driver marked the parcel delivered but I never got it",
                "Shipping took three weeks instead of three days",
                "The package was delivered to the wrong address",
                "Tracking number does not work, where is my shipment",
                "The delivery van never came during the booked slot",
                "Parcel arrived crushed, the courier threw it over the fence",
                "Express shipping paid but the package came by slow post",
            ],
        ),
    ];
    data.iter().flat_map(|(label, texts)| texts.iter().map(move |t| Example::new(*t, *label))).collect()
}

/// Held-out rewordings, none of them in the training set.
fn held_out() -> Vec<Example> {
    [
        ("快递一直没有送到，物流信息好几天不更新了", "物流"),
        ("包裹在驿站放着，快递员也不送上门", "物流"),
        ("退货以后退款迟迟没有到账", "退款"),
        ("商家一直拖着不给我退款", "退款"),
        ("新买的手机没用几天就死机黑屏", "质量"),
        ("衣服质量很差，洗一次就掉色", "质量"),
        ("客服电话打不通，在线客服也不回复", "服务"),
        ("售后态度恶劣，投诉也没人处理", "服务"),
        ("I was charged twice on my credit card", "billing"),
        ("There is a hidden fee on my invoice", "billing"),
        ("The parcel is late and the tracking never updates", "delivery"),
        ("Courier left my package at the wrong address", "delivery"),
    ]
    .into_iter()
    .map(|(t, l)| Example::new(t, l))
    .collect()
}

fn small_config(algorithm: Algorithm) -> TrainConfig {
    // Tiny data: keep every feature (the default drops features seen in only one text).
    TrainConfig { algorithm, min_df: 1, ..TrainConfig::default() }
}

#[test]
fn a_model_trained_on_sixty_examples_classifies_held_out_rewordings() {
    let model = train(&training_set(), &small_config(Algorithm::Ensemble)).unwrap();
    assert_eq!(model.labels(), ["billing", "delivery", "服务", "物流", "质量", "退款"]);
    for ex in held_out() {
        let p = model.predict(&ex.text);
        assert_eq!(p.label, ex.label, "{} -> {p:?}", ex.text);
    }
}

#[test]
fn every_algorithm_learns_the_small_set() {
    for algorithm in [Algorithm::NaiveBayes, Algorithm::LogisticRegression, Algorithm::Ensemble] {
        let model = train(&training_set(), &small_config(algorithm)).unwrap();
        let report = evaluate(&model, &held_out());
        assert!(report.accuracy >= 11.0 / 12.0, "{algorithm:?}:\n{report}");
    }
}

#[test]
fn predictions_are_probabilities_ranked_best_first() {
    let model = train(&training_set(), &small_config(Algorithm::Ensemble)).unwrap();
    let p = model.predict("客服电话一直打不通");
    assert_eq!(p.top.len(), 5);
    assert_eq!(p.top[0], (p.label.clone(), p.confidence));
    assert!(p.top.windows(2).all(|w| w[0].1 >= w[1].1));
    assert!(p.confidence > 0.0 && p.confidence <= 1.0);
    let total: f32 = model.probabilities("客服电话一直打不通").iter().sum();
    assert!((total - 1.0).abs() < 1e-4, "{total}");
    // Text with no known feature still gets an answer, with low confidence.
    let unknown = model.predict("🙂🙂🙂");
    assert!(unknown.confidence < 0.5, "{unknown:?}");
}

#[test]
fn model_bytes_round_trip_with_identical_predictions() {
    for algorithm in [Algorithm::NaiveBayes, Algorithm::LogisticRegression, Algorithm::Ensemble] {
        let model = train(&training_set(), &small_config(algorithm)).unwrap();
        let bytes = model.to_bytes();
        assert_eq!(&bytes[..8], b"CLOOPNLP");
        assert_eq!(u32::from_le_bytes(bytes[8..12].try_into().unwrap()), FORMAT_VERSION);
        let loaded = Model::from_bytes(&bytes).unwrap();
        assert_eq!(loaded.info(), model.info());
        for ex in held_out().iter().chain(&training_set()) {
            assert_eq!(loaded.predict(&ex.text), model.predict(&ex.text));
        }
        assert_eq!(loaded.to_bytes(), bytes);
    }
}

#[test]
fn training_is_deterministic_and_the_seed_matters() {
    let config = small_config(Algorithm::LogisticRegression);
    let a = train(&training_set(), &config).unwrap().to_bytes();
    let b = train(&training_set(), &config).unwrap().to_bytes();
    assert_eq!(a, b);
    let other = train(&training_set(), &TrainConfig { seed: 7, ..config }).unwrap().to_bytes();
    assert_ne!(a, other);
}

#[test]
fn damaged_model_bytes_are_refused() {
    let bytes = train(&training_set(), &small_config(Algorithm::Ensemble)).unwrap().to_bytes();
    assert!(matches!(Model::from_bytes(b"not a model at all"), Err(ModelError::BadMagic)));
    assert!(matches!(Model::from_bytes(&bytes[..bytes.len() - 1]), Err(ModelError::Corrupt(_))));
    assert!(matches!(Model::from_bytes(&bytes[..20]), Err(ModelError::Corrupt(_))));
    let mut newer = bytes.clone();
    newer[8..12].copy_from_slice(&(FORMAT_VERSION + 1).to_le_bytes());
    assert!(matches!(Model::from_bytes(&newer), Err(ModelError::UnsupportedVersion { .. })));
    let mut bad_header = bytes;
    bad_header[16] = b'!';
    assert!(matches!(Model::from_bytes(&bad_header), Err(ModelError::Header(_))));
}

fn parse(input: &[u8]) -> Result<Vec<Example>, TrainError> {
    parse_jsonl(input)
}

#[test]
fn jsonl_is_read_line_by_line_skipping_blank_lines() {
    let input = "\u{feff}{\"text\":\"快递太慢\",\"label\":\"物流\",\"id\":7}\n\n  \n{\"text\":\"late parcel\",\"label\":\" delivery \"}";
    let examples = parse(input.as_bytes()).unwrap();
    assert_eq!(examples, [Example::new("快递太慢", "物流"), Example::new("late parcel", "delivery")]);
}

/// What a test expects of an error.
type Check = Box<dyn Fn(&TrainError) -> bool>;

#[test]
fn bad_training_lines_are_named_by_line_number() {
    let good = "{\"text\":\"快递太慢\",\"label\":\"物流\"}\n";
    let cases: Vec<(String, Check)> = vec![
        (
            format!("{good}\n{good}{{\"text\":\"x\",\"label\":\"y\"\n"),
            Box::new(|e| matches!(e, TrainError::Malformed { line: 4, .. })),
        ),
        (
            format!("{good}{{\"text\":\"   \",\"label\":\"物流\"}}\n"),
            Box::new(|e| matches!(e, TrainError::EmptyText { line: 2 })),
        ),
        (format!("{good}{good}{{\"label\":\"物流\"}}\n"), Box::new(|e| matches!(e, TrainError::EmptyText { line: 3 }))),
        (format!("{{\"text\":\"快递太慢\"}}\n{good}"), Box::new(|e| matches!(e, TrainError::MissingLabel { line: 1 }))),
        (
            format!("{good}{{\"text\":\"快递太慢\",\"label\":\"\"}}\n"),
            Box::new(|e| matches!(e, TrainError::MissingLabel { line: 2 })),
        ),
        (
            format!("{good}{{\"text\":\"快递太慢\",\"label\":3}}\n"),
            Box::new(|e| matches!(e, TrainError::Malformed { line: 2, .. })),
        ),
        (format!("{good}[1, 2]\n"), Box::new(|e| matches!(e, TrainError::Malformed { line: 2, .. }))),
        (format!("{good}plain text, not JSON\n"), Box::new(|e| matches!(e, TrainError::Malformed { line: 2, .. }))),
    ];
    for (input, expected) in cases {
        let err = parse(input.as_bytes()).unwrap_err();
        assert!(expected(&err), "{input:?} gave {err:?}");
        assert!(err.to_string().starts_with("line "), "{err}");
    }
}

#[test]
fn text_in_another_encoding_is_refused_with_its_line() {
    // "快递太慢" in GBK, inside an otherwise valid line.
    let mut input = b"{\"text\":\"ok\",\"label\":\"a\"}\n{\"text\":\"".to_vec();
    input.extend_from_slice(&[0xbf, 0xec, 0xb5, 0xdd, 0xcc, 0xab, 0xc2, 0xfd]);
    input.extend_from_slice(b"\",\"label\":\"b\"}\n");
    let err = parse(&input).unwrap_err();
    assert!(matches!(err, TrainError::InvalidUtf8 { line: 2 }), "{err:?}");
    assert_eq!(err.to_string(), "line 2: not valid UTF-8 (convert the file to UTF-8 first)");
}

#[test]
fn an_overlong_line_is_refused_without_reading_it_all() {
    let mut input = b"{\"text\":\"ok\",\"label\":\"a\"}\n".to_vec();
    input.extend(std::iter::repeat_n(b'x', MAX_LINE_BYTES + 10));
    assert!(matches!(parse(&input), Err(TrainError::LineTooLong { line: 2, .. })));
}

#[test]
fn training_refuses_data_it_cannot_learn_from() {
    let config = TrainConfig::default();
    assert!(matches!(train(&[], &config), Err(TrainError::NoExamples)));

    let one_label = vec![Example::new("快递太慢", "物流"), Example::new("物流不动", "物流")];
    let err = train(&one_label, &config).unwrap_err();
    assert!(matches!(&err, TrainError::SingleLabel { label } if label == "物流"), "{err:?}");

    let empty = vec![Example::new("快递太慢", "物流"), Example::new(" ", "退款")];
    assert!(matches!(train(&empty, &config), Err(TrainError::EmptyExampleText { example: 2 })));
    let unlabeled = vec![Example::new("快递太慢", "物流"), Example::new("退款", "")];
    assert!(matches!(train(&unlabeled, &config), Err(TrainError::EmptyExampleLabel { example: 2 })));

    let few = TrainConfig { min_examples_per_label: 3, ..small_config(Algorithm::Ensemble) };
    let mut data = training_set();
    data.push(Example::new("The app crashes on start", "software"));
    let err = train(&data, &few).unwrap_err();
    assert!(matches!(&err, TrainError::TooFewExamples { label, count: 1, min: 3 } if label == "software"));

    let bad = TrainConfig { epochs: 0, ..TrainConfig::default() };
    assert!(matches!(train(&training_set(), &bad), Err(TrainError::InvalidConfig(_))));
    let bad = TrainConfig { nb_weight: 1.5, ..TrainConfig::default() };
    assert!(matches!(train(&training_set(), &bad), Err(TrainError::InvalidConfig(_))));

    let sparse = TrainConfig { min_df: 1000, ..TrainConfig::default() };
    assert!(matches!(train(&training_set(), &sparse), Err(TrainError::NoFeatures { min_df: 1000 })));
}

#[test]
fn evaluation_reports_accuracy_first() {
    let model = train(&training_set(), &small_config(Algorithm::Ensemble)).unwrap();
    let report = evaluate(&model, &held_out());
    let text = report.to_string();
    assert!(text.starts_with(&format!("accuracy {:.4}", report.accuracy)), "{text}");
    assert!(text.contains("macro-F1") && text.contains("latency per prediction") && text.contains("confusion"));
    assert_eq!(report.examples, 12);
    assert!(report.latency.is_some());
}

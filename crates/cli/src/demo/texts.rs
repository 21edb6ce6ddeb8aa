//! Demo text generator: the category tree and the Chinese complaint texts,
//! customer identities and follow-up wording that `cloop demo` uses to fill a
//! fresh database for the fictional group 华腾集团 (华腾电器有限公司 and
//! 华腾优选电商有限公司).
//!
//! Everything here is pure data plus a random draw: template fragments with
//! `{slot}` placeholders are combined with randomly drawn products, dates,
//! order numbers and amounts, so that a thousand complaints rarely repeat.
//! Nothing in this module touches the database or the domain model.

use std::time::{SystemTime, UNIX_EPOCH};

use rand::Rng;
use rand::seq::IndexedRandom;

// ───────────────────────────── category tree ─────────────────────────────

/// One category of the demo's category tree: (code, parent code, zh name, en name).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DemoCategory {
    /// Stable category code, e.g. `product_fault`.
    pub code: &'static str,
    /// Code of the parent category, `None` for a root.
    pub parent: Option<&'static str>,
    /// Chinese display name.
    pub name_zh: &'static str,
    /// English display name.
    pub name_en: &'static str,
}

const fn cat(
    code: &'static str,
    parent: Option<&'static str>,
    name_zh: &'static str,
    name_en: &'static str,
) -> DemoCategory {
    DemoCategory { code, parent, name_zh, name_en }
}

const CATEGORIES: &[DemoCategory] = &[
    cat("product_quality", None, "产品质量", "Product quality"),
    cat("delivery", None, "物流配送", "Delivery"),
    cat("after_sales", None, "安装维修", "Installation & repair"),
    cat("refund", None, "退换货与退款", "Returns & refunds"),
    cat("service", None, "服务态度", "Service"),
    cat("marketing", None, "营销与价格", "Marketing & pricing"),
    cat("billing", None, "账单与会员", "Billing & membership"),
    cat("privacy", None, "信息安全", "Privacy"),
    cat("suggestion", None, "意见建议", "Suggestions"),
    cat("product_fault", Some("product_quality"), "产品故障", "Product fault"),
    cat("appearance_defect", Some("product_quality"), "外观瑕疵", "Cosmetic defect"),
    cat("safety_hazard", Some("product_quality"), "安全隐患", "Safety hazard"),
    cat("delivery_delay", Some("delivery"), "配送延迟", "Late delivery"),
    cat("damaged_goods", Some("delivery"), "货物破损", "Damaged goods"),
    cat("wrong_item", Some("delivery"), "错发漏发", "Wrong or missing item"),
    cat("install_issue", Some("after_sales"), "安装不规范", "Poor installation"),
    cat("repair_delay", Some("after_sales"), "维修不及时", "Slow repair"),
    cat("service_fee", Some("after_sales"), "收费争议", "Service fee dispute"),
    cat("refund_delay", Some("refund"), "退款延迟", "Late refund"),
    cat("return_refused", Some("refund"), "退换货受阻", "Return refused"),
    cat("agent_attitude", Some("service"), "客服态度", "Staff attitude"),
    cat("hotline_unreachable", Some("service"), "热线难接通", "Hotline unreachable"),
    cat("false_advertising", Some("marketing"), "虚假宣传", "False advertising"),
    cat("price_dispute", Some("marketing"), "价格争议", "Price dispute"),
    cat("promotion_rules", Some("marketing"), "促销规则", "Promotion rules"),
    cat("double_charge", Some("billing"), "重复扣费", "Double charge"),
    cat("membership", Some("billing"), "会员权益", "Membership benefits"),
    cat("privacy_leak", Some("privacy"), "个人信息泄露", "Personal data leak"),
    cat("suggestion_general", Some("suggestion"), "一般建议", "General suggestion"),
];

/// The demo category tree, parents before children.
#[must_use]
pub fn categories() -> &'static [DemoCategory] {
    CATEGORIES
}

// ───────────────────────────── public output ─────────────────────────────

/// Which subsidiary of 华腾集团 a demo complaint concerns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DemoCompany {
    /// 华腾电器有限公司: home appliances with delivery, installation and repair.
    Appliances,
    /// 华腾优选电商有限公司: online shop for electronics, clothes, food, cosmetics, books.
    Ecommerce,
}

/// A generated complaint text.
#[derive(Clone, Debug)]
pub struct DemoText {
    /// Which subsidiary it concerns.
    pub company: DemoCompany,
    /// Always a leaf code from [`categories`].
    pub category_code: &'static str,
    /// Responsible department code (`quality`, `logistics`, `after_sales`,
    /// `finance`, `call_centre`, `marketing`, `legal`).
    pub department_code: &'static str,
    /// 1 = personal safety / media / legal risk / mass incident,
    /// 2 = product defect / service delay, 3 = general suggestion / minor.
    pub severity: u8,
    /// One line, at most 40 characters.
    pub summary: String,
    /// 40..=600 characters, the customer's own words.
    pub content: String,
    /// What the customer asks for, e.g. "要求全额退款并赔偿200元".
    pub customer_request: String,
    /// Product / model, when the complaint is about one.
    pub product_ref: Option<String>,
    /// Order number such as "HT2026110312345678", when there is one.
    pub order_ref: Option<String>,
    /// Intake channel: `phone`, `web`, `email`, `wechat`, `sms`, `walk_in` or `api`.
    pub channel: &'static str,
    /// A plausible amount (元) a remedy might offer, 0..=5000.
    pub compensation_yuan: u32,
}

// ───────────────────────────── product catalogues ─────────────────────────────

/// `(short, long)` pair: the short form fits a summary, the long one the content.
type Pair = (&'static str, &'static str);

struct Product {
    kind: &'static str,
    names: &'static [&'static str],
    price: (u32, u32),
    faults: &'static [Pair],
    flaws: &'static [Pair],
    hazards: &'static [Pair],
    /// Parts a technician might replace (empty: not repairable by part).
    comps: &'static [&'static str],
    /// Product-specific installation faults (empty: no installation).
    installs: &'static [&'static str],
}

const APPLIANCES: &[Product] = &[
    Product {
        kind: "空调",
        names: &[
            "华腾 KFR-35GW/HT1A 挂式空调",
            "华腾 KFR-26GW/HT3B 变频挂机",
            "华腾 KFR-72LW/HT5 立式柜机",
            "华腾 KFR-50LW/HT2 圆柱柜机",
        ],
        price: (2299, 7999),
        faults: &[
            ("不制冷", "开了两个多小时屋里还是三十度，出风口吹出来的都是热风"),
            ("外机噪音大", "外机一开就嗡嗡响，像拖拉机一样，晚上根本睡不着，邻居都来敲门了"),
            ("内机漏水", "内机一直往下滴水，墙上已经泡出一大片水印，木地板也鼓起来了"),
            ("频繁报E1故障", "用着用着就自动停机，面板上显示E1，断电重启也没用"),
            ("制热效果差", "开制热模式吹了一晚上，屋里温度才升了两度"),
            ("遥控失灵", "遥控器按了没反应，换了新电池也不行，每次只能拔插头"),
        ],
        flaws: &[
            ("面板有划痕", "内机面板上有一道五六厘米长的划痕"),
            ("外机外壳变形", "外机侧面凹进去一块，像是被撞过"),
            ("面板发黄", "白色面板明显发黄，跟旁边新装的一比差很多"),
        ],
        hazards: &[
            ("插头烧焦", "空调运行时闻到一股焦味，拔下插头一看插头已经烧黑，插座也熔了一块"),
            ("内机冒烟", "晚上睡觉时内机突然冒烟，还有噼啪的响声，吓得我们全家半夜跑出屋"),
            ("外机支架松动", "外机支架有一颗膨胀螺丝已经松脱，外机在六楼往下斜着悬着，楼下就是人行道"),
        ],
        comps: &["压缩机", "电脑板", "外机风扇电机", "温度传感器", "四通阀"],
        installs: &[
            "外机支架只打了两颗螺丝，晃晃悠悠的",
            "排水管没有做坡度，内机一直往屋里滴水",
            "墙上的孔打偏了又重新打了一个，现在墙上留了两个洞",
            "铜管接口没包好，没几天就漏氟不制冷了",
            "电源直接拉了个接线板，没有走专用线路",
        ],
    },
    Product {
        kind: "冰箱",
        names: &["华腾 BCD-480WPH 十字对开门冰箱", "华腾 BCD-325WTH 三门冰箱", "华腾 BCD-618WKH 对开门冰箱"],
        price: (2599, 8999),
        faults: &[
            ("冷藏室不制冷", "冷藏室温度一直在十五度左右，放进去的菜第二天就坏了"),
            ("异响严重", "压缩机时不时发出咔咔的响声，半夜特别明显，整晚睡不好"),
            ("冷冻室结冰", "冷冻室后壁结了一层厚厚的冰，抽屉都拉不出来"),
            ("显示屏乱跳", "门上的显示屏一会儿亮一会儿灭，温度显示乱跳"),
            ("门关不严", "冰箱门总是关不严，要用力推才行，报警声一直响"),
        ],
        flaws: &[
            ("门体凹陷", "左边门体上有一个明显的凹坑"),
            ("把手松动", "把手装上去就是松的，一拉就晃"),
            ("侧板掉漆", "侧板掉了一块漆，露出里面的铁皮"),
        ],
        hazards: &[
            ("外壳漏电", "手碰到冰箱侧板有明显的麻电感，用电笔一测是亮的"),
            ("电源线发烫冒烟", "冰箱后面的电源线摸上去烫手，前天晚上还冒了一股白烟"),
        ],
        comps: &["压缩机", "主控板", "温控器", "门封条", "化霜加热器"],
        installs: &[],
    },
    Product {
        kind: "洗衣机",
        names: &["华腾 XQG100-HT12B 滚筒洗衣机", "华腾 XQB80-HT36 波轮洗衣机", "华腾 XQG120-HT18D 洗烘一体机"],
        price: (1499, 5999),
        faults: &[
            ("脱水时剧烈晃动", "一到脱水就剧烈晃动，整台机器在卫生间里走来走去"),
            ("不排水", "洗完之后桶里的水排不出去，屏幕上报E21"),
            ("门锁打不开", "洗完衣服门锁一直锁着打不开，衣服在里面闷了一晚上"),
            ("烘干不干", "烘干程序走完衣服还是湿的，烘了三个小时还是一样"),
            ("底部漏水", "底部一直漏水，整个卫生间地上都是水"),
        ],
        flaws: &[("面板划伤", "控制面板上有几道明显的划痕"), ("玻璃门有裂纹", "机门玻璃上有一条细细的裂纹")],
        hazards: &[
            ("机身漏电", "洗衣服时手碰到机身被电了一下，手麻了好半天"),
            ("电机冒烟起火", "洗衣服过程中机器底部冒烟，还窜出了火苗，幸好家里人在旁边及时断了电"),
        ],
        comps: &["电机", "排水泵", "电脑板", "门锁", "减震器"],
        installs: &[
            "运输螺栓没拆就试机，机器剧烈晃动",
            "进水管接口没拧紧，第二天就漏水了",
            "排水管没插进地漏，水漫了一地",
        ],
    },
    Product {
        kind: "热水器",
        names: &["华腾 JSQ25-13HT 燃气热水器", "华腾 F60-HT21 电热水器（60升）", "华腾 F80-HT32 电热水器（80升）"],
        price: (1199, 4599),
        faults: &[
            ("水温忽冷忽热", "洗澡时水温忽冷忽热，一会儿烫一会儿凉"),
            ("打不着火", "打开热水龙头热水器点不着火，一直报E1"),
            ("加热很慢", "加热一个多小时水温才到四十度"),
            ("底部滴水", "热水器底部一直滴水，下面放的盆一晚上就接满了"),
        ],
        flaws: &[("外壳凹陷", "外壳右下角有个凹坑")],
        hazards: &[
            ("洗澡时漏电", "家里孩子洗澡时喊手麻，我用电笔测了一下，出水口带电"),
            ("燃气泄漏", "热水器附近一直有燃气味，燃气公司上门检测说是热水器接口漏气"),
            ("出水过烫致烫伤", "出水温度突然飙到七八十度，我母亲的手背被烫起了好几个水泡"),
        ],
        comps: &["主板", "加热管", "水流传感器", "点火针", "温控器"],
        installs: &["没有装漏电保护插座", "烟管没有伸出窗外，直接排在阳台上", "进出水管接反了"],
    },
    Product {
        kind: "油烟机",
        names: &["华腾 CXW-220-HT08 侧吸油烟机", "华腾 CXW-260-HT19 顶吸油烟机"],
        price: (1299, 4299),
        faults: &[
            ("吸力小", "炒菜时油烟根本吸不走，满屋子都是油烟味"),
            ("噪音大", "开到大档声音大得说话都听不见"),
            ("漏油", "油杯装不住，油顺着机身往下滴到灶台上"),
            ("按键失灵", "触控按键经常没反应，要按好几次才行"),
        ],
        flaws: &[("玻璃面板划痕", "玻璃面板上有好几道划痕")],
        hazards: &[
            ("机身脱落", "油烟机一侧的挂板突然脱落，整台机器歪了下来，差点砸到正在做饭的我"),
            ("电机冒烟", "开机后电机位置冒烟，闻到很浓的塑料烧焦味"),
        ],
        comps: &["电机", "控制面板", "风轮", "止回阀"],
        installs: &[
            "机器装歪了，左右差了快两厘米",
            "烟管接口没密封，油烟往屋里倒灌",
            "止回阀没装，楼上的油烟味全倒灌进来",
        ],
    },
    Product {
        kind: "电视",
        names: &["华腾 65HT-A7 65英寸智能电视", "华腾 55HT-E5 55英寸电视", "华腾 75HT-X9 75英寸MiniLED电视"],
        price: (2199, 9999),
        faults: &[
            ("黑屏有声音", "开机有声音，但屏幕一直是黑的"),
            ("屏幕出现竖线", "屏幕左侧出现几条彩色竖线，而且越来越多"),
            ("系统卡顿", "开机要等两三分钟，切换个应用就卡死"),
            ("频繁自动重启", "看着看着就自动重启，一晚上重启好几次"),
        ],
        flaws: &[
            ("边框有磕碰", "屏幕边框右上角有明显的磕碰痕迹"),
            ("屏幕有亮点", "屏幕中间有一个亮点，看深色画面时特别明显"),
        ],
        hazards: &[
            ("后壳冒烟", "看电视时后壳突然冒烟，屋里一股很重的焦糊味"),
            ("挂架脱落", "挂墙安装的电视连同挂架一起从墙上掉下来，砸坏了下面的柜子，差一点就砸到孩子"),
        ],
        comps: &["主板", "背光灯条", "电源板", "屏幕"],
        installs: &["挂架没有打在承重墙上", "电视挂歪了，一眼就能看出来", "电源线和信号线就那么明着拉在墙上"],
    },
    Product {
        kind: "净水器",
        names: &["华腾 HRO-600G-HT 反渗透净水器", "华腾 HRO-400G-HT2 厨下净水器"],
        price: (1599, 3999),
        faults: &[
            ("出水很慢", "出水特别慢，接一壶水要好几分钟"),
            ("一直渗水", "机器下面一直渗水，橱柜底板都泡坏了"),
            ("废水流个不停", "废水一直流个不停，这个月水费比以前多了一倍"),
            ("滤芯提示异常", "刚换的滤芯，屏幕还一直提示更换滤芯"),
        ],
        flaws: &[("外壳开裂", "外壳侧面有一道裂缝")],
        hazards: &[("接口爆裂水淹", "半夜进水接口突然爆开，厨房和客厅全被水淹了，楼下邻居家的天花板也在渗水")],
        comps: &["增压泵", "进水电磁阀", "RO膜滤芯", "废水比例阀"],
        installs: &["进水接口没拧紧，橱柜里一直渗水", "废水管随便塞在下水管里，厨房一股返臭味"],
    },
    Product {
        kind: "洗碗机",
        names: &["华腾 WQP12-HT7 嵌入式洗碗机", "华腾 WQP8-HT3 台式洗碗机"],
        price: (2399, 6999),
        faults: &[("洗不干净", "洗完的碗上还有油渍和饭粒，等于白洗"), ("进水报错", "一启动就报进水故障，程序走不下去")],
        flaws: &[("门板掉漆", "门板边缘掉了一块漆")],
        hazards: &[("漏电跳闸", "洗碗机一开家里就跳闸，有一次门边还打出了火花")],
        comps: &["水泵", "加热管", "电脑板", "进水阀"],
        installs: &["进水管接口没拧紧，第二天就漏水了", "嵌入的时候把橱柜侧板切坏了"],
    },
];

const SHOP: &[Product] = &[
    Product {
        kind: "蓝牙耳机",
        names: &["HT Sound 无线降噪蓝牙耳机（白色）", "真无线运动蓝牙耳机 X3"],
        price: (199, 899),
        faults: &[
            ("一边没声音", "用了没几天左耳就没声音了，重置配对也不行"),
            ("充电仓充不进电", "充电仓插上线指示灯不亮，根本充不进电"),
            ("频繁断连", "跟手机连接老是断，隔几分钟就断一次"),
        ],
        flaws: &[
            ("充电仓有划痕", "充电仓盖子上有明显划痕，像是别人用过的"),
            ("包装被拆过", "外包装的塑封已经被拆开了，里面的保护膜也没有"),
        ],
        hazards: &[("充电时发烫冒烟", "充电时充电仓烫得拿不住，还冒了烟")],
        comps: &["电池", "充电仓"],
        installs: &[],
    },
    Product {
        kind: "充电宝",
        names: &["20000毫安时快充充电宝", "磁吸无线充电宝 10000mAh"],
        price: (99, 299),
        faults: &[
            ("充不进电", "充了一晚上电量还是只有一格"),
            ("输出不稳定", "给手机充电断断续续，手机一直提示充电器不兼容"),
        ],
        flaws: &[("外壳有裂缝", "外壳边上有一道裂缝")],
        hazards: &[
            ("鼓包冒烟", "充电宝放在包里突然鼓包冒烟，包都被烧了一个洞"),
            ("充电时爆开", "放在床头充电时突然啪的一声爆开，床单烧焦了一大块"),
        ],
        comps: &[],
        installs: &[],
    },
    Product {
        kind: "羽绒服",
        names: &["女款中长款连帽羽绒服（M码）", "男士加厚短款羽绒服（XL码）"],
        price: (399, 1599),
        faults: &[
            ("严重跑绒", "穿了两天身上全是毛，里外都在跑绒"),
            ("拉链坏了", "穿了一次拉链就拉不上了，拉头直接掉了"),
            ("含绒量不符", "找专业机构检测，实际含绒量只有百分之五十左右，吊牌上标的是百分之九十"),
        ],
        flaws: &[
            ("有污渍", "衣服前襟有一块明显的污渍，怎么洗都洗不掉"),
            ("多处开线", "袖口和领口好几处开线"),
            ("色差严重", "实物颜色和图片差很多，图片是米白，收到的是发黄的"),
        ],
        hazards: &[("刺鼻异味致过敏", "衣服有很重的刺鼻味道，穿上之后脖子和手腕起了一片红疹")],
        comps: &[],
        installs: &[],
    },
    Product {
        kind: "运动鞋",
        names: &["男款缓震跑步鞋（42码）", "女款休闲板鞋（37码）"],
        price: (199, 799),
        faults: &[("鞋底开胶", "穿了不到两周鞋底就开胶了"), ("鞋面断裂", "鞋面在脚背弯折的地方裂开了")],
        flaws: &[
            ("两只颜色不一样", "两只鞋颜色明显不一样，一只偏黄"),
            ("鞋子被压变形", "鞋盒破得不成样子，鞋头也被压变形了"),
        ],
        hazards: &[],
        comps: &[],
        installs: &[],
    },
    Product {
        kind: "坚果礼盒",
        names: &["每日坚果混合装（750克/30袋）", "坚果炒货大礼包"],
        price: (69, 199),
        faults: &[
            ("临近保质期", "收到的货离过期只剩不到一个月，页面上写的是新鲜日期"),
            ("有哈喇味", "好几袋坚果都有哈喇味，明显是放久了"),
        ],
        flaws: &[("包装破损漏袋", "外包装盒被压扁，里面有几袋破了口")],
        hazards: &[
            ("吃出金属异物", "吃的时候咬到一个硬东西，吐出来是一小块金属片，牙都硌疼了"),
            ("食用后腹泻", "家里人吃了之后上吐下泻，去医院诊断是急性肠胃炎"),
        ],
        comps: &[],
        installs: &[],
    },
    Product {
        kind: "牛奶",
        names: &["纯牛奶（250ml×24盒）", "儿童成长牛奶（200ml×12盒）"],
        price: (49, 129),
        faults: &[("多盒胀包", "整箱里有好几盒牛奶胀包了"), ("结块变质", "打开倒出来是一块一块的，闻着发酸")],
        flaws: &[("外箱被压烂", "外箱被压烂了，有两盒漏了奶，整箱都黏糊糊的")],
        hazards: &[("已过期且孩子已饮用", "收到的牛奶生产日期是去年的，早就过期了，孩子已经喝了两盒，现在肚子疼")],
        comps: &[],
        installs: &[],
    },
    Product {
        kind: "护肤品",
        names: &["水润保湿面霜 50ml", "烟酰胺精华液 30ml", "清爽防晒乳 SPF50"],
        price: (129, 699),
        faults: &[
            ("泵头按不出", "泵头按不出东西，拆开看里面是满的"),
            ("油水分离有异味", "打开就发现已经油水分离，还有一股怪味"),
            ("疑似假货", "跟专柜买的对比，颜色、味道、批号都对不上，怀疑是假货"),
        ],
        flaws: &[("没有塑封", "瓶身有划痕，连塑封都没有"), ("外盒破损", "外盒被压坏了，本来是准备送人的")],
        hazards: &[("使用后过敏", "用了两天脸上又红又肿又痒，去医院诊断是接触性皮炎")],
        comps: &[],
        installs: &[],
    },
    Product {
        kind: "图书",
        names: &["《中国通史》精装全六册", "儿童科普绘本（全10册）", "考研英语真题解析"],
        price: (49, 399),
        faults: &[
            ("缺页", "第三册中间缺了二十多页，还有几页装订反了"),
            ("印刷模糊", "好多页字印得模糊，看着眼睛疼，怀疑是盗版"),
        ],
        flaws: &[("封面折损", "封面折了好几道，书角全压坏了")],
        hazards: &[],
        comps: &[],
        installs: &[],
    },
    Product {
        kind: "手机",
        names: &["HT Phone 12（8GB+256GB，曜石黑）", "5G 智能手机 A5（12GB+512GB）"],
        price: (1299, 4999),
        faults: &[
            ("频繁死机", "每天死机好几次，重启也没用"),
            ("信号差", "在家里经常没信号，打电话断断续续"),
            ("疑似翻新机", "激活日期显示是三个月前，电池循环次数也对不上，怀疑是翻新机"),
        ],
        flaws: &[("屏幕有划痕", "拆开就发现屏幕上有一道划痕")],
        hazards: &[("电池鼓包", "用了一个月电池就鼓包了，后盖都被顶了起来")],
        comps: &["主板", "屏幕", "电池", "充电接口"],
        installs: &[],
    },
    Product {
        kind: "空气炸锅",
        names: &["5升大容量空气炸锅", "可视化空气炸锅 6L"],
        price: (199, 599),
        faults: &[("不加热", "通电后指示灯亮，但就是不加热"), ("涂层脱落", "炸篮涂层一块一块往下掉")],
        flaws: &[("外壳有凹痕", "外壳侧面有个凹痕")],
        hazards: &[
            ("把手脱落烫伤", "拉出炸篮时把手突然脱落，热油溅出来把我的手烫伤了"),
            ("冒黑烟", "用的时候机器后面冒黑烟，一股塑料烧焦的味道"),
        ],
        comps: &["加热管", "温控器"],
        installs: &[],
    },
    Product {
        kind: "笔记本电脑",
        names: &["HT Book 14 轻薄笔记本（16G+512G）", "HT Book Pro 16 笔记本"],
        price: (3999, 7999),
        faults: &[
            ("键盘失灵", "有好几个按键按了没反应"),
            ("屏幕闪烁", "屏幕时不时闪一下，外接显示器却正常"),
            ("无法开机", "用了一周突然开不了机，充电灯也不亮"),
        ],
        flaws: &[("A面有磕碰", "A面有一处磕碰，掉了一小块漆")],
        hazards: &[],
        comps: &["主板", "键盘", "屏幕", "电池"],
        installs: &[],
    },
    Product {
        kind: "四件套",
        names: &["纯棉四件套（1.8米床）", "水洗棉四件套（1.5米床）"],
        price: (199, 599),
        faults: &[("严重掉色起球", "洗了一次就严重掉色，还起了一层球")],
        flaws: &[("有线头和污渍", "被套上有好几处线头和黄色污渍")],
        hazards: &[],
        comps: &[],
        installs: &[],
    },
];

// ───────────────────────────── slot values ─────────────────────────────

const RELATIVE_DAYS: &[&str] = &[
    "前天",
    "昨天",
    "大前天",
    "上周一",
    "上周二",
    "上周三",
    "上周四",
    "上周五",
    "上周六",
    "上周日",
    "这周一",
    "这周二",
];
const BUY_TIMES: &[&str] =
    &["上个月", "两个月前", "今年618", "去年双十一", "前阵子", "上周", "年初", "三个月前", "国庆期间"];
const CITIES: &[&str] = &[
    "杭州市西湖区",
    "南京市江宁区",
    "成都市武侯区",
    "郑州市金水区",
    "佛山市顺德区",
    "武汉市洪山区",
    "西安市雁塔区",
    "长沙市岳麓区",
    "济南市历下区",
    "合肥市蜀山区",
    "苏州市工业园区",
    "重庆市渝北区",
    "青岛市黄岛区",
    "昆明市五华区",
    "北京市朝阳区",
    "上海市闵行区",
    "广州市天河区",
    "深圳市龙岗区",
    "天津市南开区",
    "沈阳市浑南区",
    "石家庄市裕华区",
    "南宁市青秀区",
    "宁波市鄞州区",
    "东莞市南城区",
    "厦门市思明区",
    "福州市鼓楼区",
];
const COURIERS: &[&str] = &["华腾物流", "速达快递", "顺通快递", "捷运物流", "邦达快运"];
const PROMOS: &[&str] =
    &["双十一满300减50", "618限时直降", "以旧换新", "年货节满减", "会员日9折", "新人首单立减", "买一送一", "限时秒杀"];
const A_PARTS: &[&str] = &["遥控器", "安装支架", "进水管", "说明书和保修卡", "排水管", "底座"];
const E_PARTS: &[&str] = &["充电线", "赠品", "说明书和发票", "一只耳塞", "配套的收纳袋"];
const A_DAMAGE: &[&str] = &[
    "外壳凹进去一大块",
    "侧板有一道很深的撞痕",
    "机身背部的塑料件断裂",
    "底座断了一个脚",
    "包装箱一角全破了，里面的泡沫都碎了",
];
const E_DAMAGE: &[&str] = &["外箱被压扁了", "盒子湿透了，像是泡过水", "外包装破了个大洞", "箱子被踩得变了形"];
const INSTALL_GENERIC: &[&str] = &[
    "垃圾全留在家里没清理",
    "把地板划了一道长长的口子",
    "把墙面瓷砖打裂了两块",
    "打孔的时候没做任何遮挡，粉尘弄得满屋都是",
];
const COUPONS: &[u32] = &[20, 30, 50, 100, 200];

struct Slots {
    p: &'static str,
    k: &'static str,
    fs: &'static str,
    fl: &'static str,
    ds: &'static str,
    dl: &'static str,
    hs: &'static str,
    hl: &'static str,
    other: &'static str,
    buy: String,
    day: String,
    order: String,
    wo: String,
    amt: String,
    n: String,
    n2: String,
    m: String,
    fee: String,
    diff: String,
    ask: String,
    coupon: String,
    pts: String,
    rank: String,
    queue: String,
    hours: String,
    city: &'static str,
    courier: &'static str,
    promo: &'static str,
    part: &'static str,
    dmg: &'static str,
    inst: &'static str,
    comp: &'static str,
    sn: &'static str,
    tech: String,
    agent: String,
    // numeric twins used for amounts
    price: u32,
    fee_v: u32,
    diff_v: u32,
}

impl Slots {
    fn get(&self, key: &str) -> Option<&str> {
        Some(match key {
            "p" => self.p,
            "k" => self.k,
            "fs" => self.fs,
            "fl" => self.fl,
            "ds" => self.ds,
            "dl" => self.dl,
            "hs" => self.hs,
            "hl" => self.hl,
            "other" => self.other,
            "buy" => &self.buy,
            "day" => &self.day,
            "order" => &self.order,
            "wo" => &self.wo,
            "amt" => &self.amt,
            "n" => &self.n,
            "n2" => &self.n2,
            "m" => &self.m,
            "fee" => &self.fee,
            "diff" => &self.diff,
            "ask" => &self.ask,
            "coupon" => &self.coupon,
            "pts" => &self.pts,
            "rank" => &self.rank,
            "queue" => &self.queue,
            "hours" => &self.hours,
            "city" => self.city,
            "courier" => self.courier,
            "promo" => self.promo,
            "part" => self.part,
            "dmg" => self.dmg,
            "inst" => self.inst,
            "comp" => self.comp,
            "sn" => self.sn,
            "tech" => &self.tech,
            "agent" => &self.agent,
            _ => return None,
        })
    }

    fn draw<R: Rng + ?Sized>(rng: &mut R, company: DemoCompany, need: Need) -> Self {
        let catalogue = match company {
            DemoCompany::Appliances => APPLIANCES,
            DemoCompany::Ecommerce => SHOP,
        };
        let fitting: Vec<&Product> = catalogue
            .iter()
            .filter(|p| match need {
                Need::Any => true,
                Need::Hazard => !p.hazards.is_empty(),
                Need::Install => !p.installs.is_empty(),
            })
            .collect();
        let product = *fitting.choose(rng).unwrap_or(&&catalogue[0]);
        let others: Vec<&str> = catalogue.iter().map(|p| p.kind).filter(|k| *k != product.kind).collect();
        let (fs, fl) = pick_pair(rng, product.faults);
        let (ds, dl) = pick_pair(rng, product.flaws);
        let (hs, hl) = pick_pair(rng, product.hazards);
        let appliances = company == DemoCompany::Appliances;

        let price = shop_price(rng.random_range(product.price.0..=product.price.1));
        let fee_v = round_to(rng.random_range(50..=480), 10);
        let diff_v = match price * rng.random_range(3..=12) / 100 {
            d if d >= 100 => round_to(d, 10),
            d => d.max(10),
        };
        let ask_cap = (price / 2).clamp(300, 3000);
        let ask = round_to(rng.random_range(100..=ask_cap), 50).max(50);
        let sn = surname(rng);
        let (year, month, day) = recent_date(rng);

        Self {
            p: pick(rng, product.names),
            k: product.kind,
            fs,
            fl,
            ds,
            dl,
            hs,
            hl,
            other: others.choose(rng).copied().unwrap_or("配件"),
            buy: buy_time(rng),
            day: day_phrase(rng),
            order: format!("HT{year:04}{month:02}{day:02}{:08}", rng.random_range(0..100_000_000u32)),
            wo: format!("WX{:02}{month:02}{day:02}{:06}", year % 100, rng.random_range(0..1_000_000u32)),
            amt: price.to_string(),
            n: rng.random_range(3..=15u32).to_string(),
            n2: rng.random_range(1..=6u32).to_string(),
            m: rng.random_range(2..=6u32).to_string(),
            fee: fee_v.to_string(),
            diff: diff_v.to_string(),
            ask: ask.to_string(),
            coupon: COUPONS.choose(rng).copied().unwrap_or(50).to_string(),
            pts: round_to(rng.random_range(800..=20_000), 10).to_string(),
            rank: rng.random_range(3..=99u32).to_string(),
            queue: rng.random_range(30..=300u32).to_string(),
            hours: ["一", "两", "三"].choose(rng).copied().unwrap_or("两").to_owned(),
            city: pick(rng, CITIES),
            courier: pick(rng, COURIERS),
            promo: pick(rng, PROMOS),
            part: pick(rng, if appliances { A_PARTS } else { E_PARTS }),
            dmg: pick(rng, if appliances { A_DAMAGE } else { E_DAMAGE }),
            inst: if !product.installs.is_empty() && rng.random_bool(0.7) {
                pick(rng, product.installs)
            } else {
                pick(rng, INSTALL_GENERIC)
            },
            comp: product.comps.choose(rng).copied().unwrap_or("配件"),
            sn,
            tech: format!("{}师傅", surname(rng)),
            agent: agent_phrase(rng),
            price,
            fee_v,
            diff_v,
        }
    }
}

fn pick<R: Rng + ?Sized>(rng: &mut R, items: &[&'static str]) -> &'static str {
    items.choose(rng).copied().unwrap_or_default()
}

fn pick_pair<R: Rng + ?Sized>(rng: &mut R, items: &[Pair]) -> Pair {
    items.choose(rng).copied().unwrap_or(("", ""))
}

fn pick_weighted<'a, T, R: Rng + ?Sized>(rng: &mut R, items: &'a [T], weight: impl Fn(&T) -> u32) -> &'a T {
    let total: u32 = items.iter().map(&weight).sum();
    let mut ticket = rng.random_range(0..total.max(1));
    for item in items {
        let w = weight(item);
        if ticket < w {
            return item;
        }
        ticket -= w;
    }
    &items[items.len() - 1]
}

fn round_to(value: u32, step: u32) -> u32 {
    value / step * step
}

/// Shop-style price: 3299, 2599, 189, 69.
fn shop_price(raw: u32) -> u32 {
    let step = if raw >= 1000 { 100 } else { 10 };
    (raw / step).max(1) * step - 1
}

fn day_phrase<R: Rng + ?Sized>(rng: &mut R) -> String {
    if rng.random_bool(0.55) {
        pick(rng, RELATIVE_DAYS).to_owned()
    } else {
        format!("{}月{}日", rng.random_range(1..=12u32), rng.random_range(1..=28u32))
    }
}

fn buy_time<R: Rng + ?Sized>(rng: &mut R) -> String {
    match rng.random_range(0..10u8) {
        0..=5 => pick(rng, BUY_TIMES).to_owned(),
        6 | 7 => format!("{}月{}日", rng.random_range(1..=12u32), rng.random_range(1..=28u32)),
        8 => format!("{}月初", rng.random_range(1..=12u32)),
        _ => format!("上个月{}号", rng.random_range(1..=28u32)),
    }
}

fn agent_phrase<R: Rng + ?Sized>(rng: &mut R) -> String {
    match rng.random_range(0..5u8) {
        0 | 1 => format!("工号{}的客服", rng.random_range(1001..=3999u32)),
        2 => "一个女客服".to_owned(),
        3 => "接电话的男客服".to_owned(),
        _ => format!("一位姓{}的客服", surname(rng)),
    }
}

/// Year, month and day of a date within the twelve months before today
/// (used inside order and work-order numbers).
fn recent_date<R: Rng + ?Sized>(rng: &mut R) -> (i64, u32, u32) {
    let (year, month) = current_year_month();
    let back = rng.random_range(0..12i64);
    let index = year * 12 + i64::from(month) - 1 - back;
    let month = u32::try_from(index.rem_euclid(12) + 1).unwrap_or(1);
    (index.div_euclid(12), month, rng.random_range(1..=28u32))
}

/// Civil year and month of the system clock (UTC), via days-from-epoch.
fn current_year_month() -> (i64, u32) {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let days = i64::try_from(secs / 86_400).unwrap_or(20_000);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, u32::try_from(month).unwrap_or(1))
}

/// Replaces every `{key}` in `tpl` by its slot value; unknown keys stay as they are.
fn render(tpl: &str, slots: &Slots) -> String {
    let mut out = String::with_capacity(tpl.len() + 64);
    let mut rest = tpl;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let key = &after[..end];
        if let Some(value) = slots.get(key) {
            out.push_str(value);
        } else {
            out.push('{');
            out.push_str(key);
            out.push('}');
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

/// Cuts `text` to at most `max` characters, marking a cut with "…".
fn clip(text: String, max: usize) -> String {
    if text.chars().count() <= max {
        return text;
    }
    let mut cut: String = text.chars().take(max - 1).collect();
    cut.push('…');
    cut
}

// ───────────────────────────── complaint templates ─────────────────────────────

#[derive(Clone, Copy, PartialEq, Eq)]
enum Need {
    Any,
    Hazard,
    Install,
}

/// `(summary template, body template)`.
type Tpl = (&'static str, &'static str);

struct Leaf {
    code: &'static str,
    dept: &'static str,
    /// Draw weight for `[Appliances, Ecommerce]`.
    weight: [u32; 2],
    /// Fixed severity (safety, privacy, suggestion), else drawn.
    fixed: Option<u8>,
    /// Chance of severity 3 when drawn (and not escalated).
    minor: f64,
    need: Need,
    /// Whether a product reference is normally recorded.
    product_bound: bool,
    a: &'static [Tpl],
    e: &'static [Tpl],
    tried: &'static [&'static str],
    /// Requests that fit both companies.
    requests: &'static [&'static str],
    /// Extra requests for `[Appliances, Ecommerce]` only.
    requests_only: [&'static [&'static str]; 2],
}

const NO_EXTRA: [&[&str]; 2] = [&[], &[]];

const TRIED_PRODUCT: &[&str] = &[
    "按说明书上的方法断电重启、恢复出厂设置都试过了，一点用都没有。",
    "之前已经打过{m}次客服电话，每次都说会有专人联系，结果都没有下文。",
    "我在APP上提交了售后申请，到现在还显示“待处理”。",
    "照片和视频我都拍好了，随时可以发给你们。",
    "找过当初卖给我的门店，门店让我自己打总部热线。",
];
const TRIED_DELIVERY: &[&str] = &[
    "打了{courier}的电话，对方说要等仓库安排，让我找商家。",
    "物流单号查了无数遍，一直没有新的进展。",
    "在线客服那边问了{m}次，只会复制粘贴同样的话。",
    "联系过配送站点，站点说不归他们管。",
    "当时开箱的过程我拍了视频。",
];
const TRIED_SERVICE: &[&str] = &[
    "已经打过{m}次客服电话了，每次都说会反馈，然后就没有然后了。",
    "网点的电话我也打过，要么没人接，要么说在忙。",
    "我在APP上留言过{m}次，一直没有回复。",
    "找了你们门店的店长，店长说这事得总部处理。",
];
const TRIED_MONEY: &[&str] = &[
    "银行那边我也查过了，确实没有这笔入账。",
    "支付记录和银行流水的截图我都保存了。",
    "在线客服说已经催办了，让我等{n2}个工作日，现在早就过了。",
    "客服每次都说在走流程，让我耐心等。",
];
const TRIED_NONE: &[&str] = &["", "之前也跟客服提过一次。", "身边好几个朋友也有同样的感受。"];

const LEAVES: &[Leaf] = &[
    Leaf {
        code: "product_fault",
        dept: "quality",
        weight: [24, 9],
        fixed: None,
        minor: 0.2,
        need: Need::Any,
        requests_only: [
            &[
                "要求换一台新的",
                "要求尽快上门维修，并延长保修期一年",
                "要求换新并赔偿误工费{ask}元",
                "要求直接退货，不接受再维修",
            ],
            &["要求换一个新的", "要求退货退款，来回运费由你们承担", "要求退一赔三"],
        ],
        product_bound: true,
        a: &[
            (
                "{k}{fs}",
                "我{buy}在你们官方旗舰店买了一台{p}，订单号{order}，花了{amt}元。用了不到{n}天就开始{fs}，{fl}。",
            ),
            ("新买{k}才用{n}天就{fs}", "家里{buy}装的{p}，{fl}。才用了{n}天，新机器就这样，质量也太差了。"),
            ("{k}{fs}，要求处理", "从{day}开始，我家的{k}就{fs}了，{fl}。这台{p}是{buy}买的，还在保修期内。"),
            (
                "{k}{fs}，多次维修未解决",
                "我家的{p}出问题了，{fl}。前后报修了{m}次，师傅说是{comp}的问题，换了之后没几天又这样。",
            ),
            (
                "{k}质量问题：{fs}",
                "{buy}在{city}的华腾专卖店买的{p}，{amt}元。最近{fl}，我们家一直很信任华腾这个牌子，没想到会这样。",
            ),
        ],
        e: &[
            ("{k}{fs}", "{buy}在华腾优选买的{p}，订单号{order}，{amt}元。收到后{fl}。"),
            ("{k}质量问题：{fs}", "在你们商城下单的{p}，{day}收到的，{fl}。这才多长时间啊？"),
            (
                "{k}{fs}，售后推诿",
                "订单{order}里的{p}有质量问题，{fl}。申请售后，商家让我先自己寄回去检测，来回运费还要我出。",
            ),
            ("收到的{k}{fs}", "{day}收到你们发来的{p}，{fl}。花了{amt}元买到这种东西，心里真的很堵。"),
        ],
        tried: TRIED_PRODUCT,
        requests: &["要求退货退款", "要求给个说法，并赔偿{ask}元"],
    },
    Leaf {
        code: "appearance_defect",
        dept: "quality",
        weight: [6, 5],
        fixed: None,
        minor: 0.7,
        need: Need::Any,
        requests_only: NO_EXTRA,
        product_bound: true,
        a: &[
            ("新{k}{ds}", "{day}送货上门的{p}，当时师傅催着签收，没仔细看，装好以后才发现{dl}。"),
            ("新机{ds}，疑似样机", "刚送到的{p}，{dl}。花了{amt}元买新机，结果像是样机或者返修机。"),
            ("{k}外观瑕疵：{ds}", "新买的{k}{ds}，{dl}。虽然不影响使用，但是每天看着都闹心。"),
        ],
        e: &[
            ("收到的{k}{ds}", "{day}收到的{p}，打开就发现{dl}。订单号{order}。"),
            ("{k}{ds}，没法送人", "买的{p}是准备送人的，结果{dl}，根本拿不出手。"),
            ("{k}实物与图片不符", "商品详情页看着挺好，实物{ds}，{dl}。这还是{amt}元的东西。"),
        ],
        tried: TRIED_PRODUCT,
        requests: &["要求换一个新的", "要求补偿{ask}元，否则就退货", "要求退货退款", "要求换货，运费由你们承担"],
    },
    Leaf {
        code: "safety_hazard",
        dept: "quality",
        weight: [4, 2],
        fixed: Some(1),
        minor: 0.0,
        need: Need::Hazard,
        requests_only: NO_EXTRA,
        product_bound: true,
        a: &[
            ("{k}{hs}，存在严重安全隐患", "我要投诉你们的{p}，差点出大事！{day}{hl}。"),
            ("紧急：{k}{hs}", "{buy}买的{p}，{day}{hl}。这已经不是质量问题了，是要命的问题！"),
            ("{k}{hs}，要求赔偿", "{hl}。这台{p}装了才{n}天，家里有老人和小孩，想想都后怕。"),
        ],
        e: &[
            ("{k}{hs}，要求赔偿", "{day}，在你们商城买的{p}出事了：{hl}。订单号{order}。"),
            ("紧急：{k}{hs}", "在华腾优选买的{p}，{hl}。照片、视频和医院的单据我都留好了。"),
        ],
        tried: &[
            "当时就打了你们的热线，到现在没有人上门。",
            "已经报了警，派出所出了记录。",
            "出事之后马上断了电，东西原样保存着，等你们来人看。",
            "就医的病历和发票都在我这里。",
        ],
        requests: &[
            "要求全额退款并赔偿全部损失",
            "要求公司书面道歉并赔偿损失{ask}元",
            "要求派人上门检测，并出具书面鉴定报告",
            "要求召回同一批次的产品，并赔偿{ask}元",
            "要求赔偿财产损失和精神损失共{ask}元",
        ],
    },
    Leaf {
        code: "delivery_delay",
        dept: "logistics",
        weight: [8, 14],
        fixed: None,
        minor: 0.45,
        need: Need::Any,
        requests_only: NO_EXTRA,
        product_bound: true,
        a: &[
            ("{k}超时{n}天未送达", "{day}下单的{p}，订单号{order}，当时说三天内送货上门，到现在{n}天了还没到。"),
            (
                "约定送货时间爽约",
                "约好{day}上午送{k}，我特意请了一天假在家等，等到晚上也没人来，打送货师傅电话也不接。",
            ),
            ("{k}在仓库滞留{n}天不派送", "{p}显示到了{city}的仓库已经{n}天了，一直不派送，问客服就说在安排。"),
            ("送货时间一改再改", "新房装修等着用{k}，你们承诺的送货时间一改再改，已经改了{m}次了。"),
        ],
        e: &[
            (
                "订单超{n}天未发货",
                "订单{order}，{day}买的{p}，页面写的48小时内发货，结果{n}天了物流信息还停在“已揽件”。",
            ),
            ("物流{n}天未更新", "{courier}的物流信息{n}天没有更新了，一直显示在{city}转运中心。买的{p}是急用的。"),
            ("超过承诺送达时间未收货", "下单时页面写着次日达，现在都过去{n}天了还没收到，问客服只会说让我再等等。"),
            (
                "显示已签收但未收到货",
                "物流显示已签收，但我根本没收到！{p}，订单号{order}，快递员说放驿站了，驿站说没有。",
            ),
        ],
        tried: TRIED_DELIVERY,
        requests: &[
            "要求今天之内送到",
            "要求给个准确的送货时间，并补偿{ask}元",
            "要求取消订单全额退款",
            "要求赔偿我请假的损失{ask}元",
            "要求尽快查清楚货到底在哪",
        ],
    },
    Leaf {
        code: "damaged_goods",
        dept: "logistics",
        weight: [5, 7],
        fixed: None,
        minor: 0.3,
        need: Need::Any,
        requests_only: NO_EXTRA,
        product_bound: true,
        a: &[
            ("{k}送货途中损坏", "{day}送来的{p}，{dmg}，一看就是运输途中摔过。"),
            ("送货师傅搬运磕坏{k}", "送货师傅把{k}搬上楼的时候在楼道里磕了一下，当时他说没事，装好才发现{dmg}。"),
            (
                "签收后发现{k}破损，售后推诿",
                "签收的时候就发现{dmg}，送货员说先签收，有问题再找售后，现在售后又说签收了就不管。",
            ),
        ],
        e: &[
            ("到货破损，要求换新", "{day}收到的快递，{dmg}，里面的{p}也坏了。订单号{order}。"),
            ("{k}包装破损、商品损坏", "{courier}送来的包裹{dmg}，{p}没法用了，我当着快递员的面拍了视频。"),
            ("{k}到手即损坏", "买的{p}到手就是坏的，{dmg}。就这种包装，怎么可能不坏？"),
        ],
        tried: TRIED_DELIVERY,
        requests: &["要求换新", "要求退货退款", "要求补发并赔偿{ask}元", "要求上门取回并重新发货"],
    },
    Leaf {
        code: "wrong_item",
        dept: "logistics",
        weight: [2, 7],
        fixed: None,
        minor: 0.4,
        need: Need::Any,
        requests_only: NO_EXTRA,
        product_bound: true,
        a: &[
            ("{k}发错型号", "我订的是{p}，送来的却是另一个型号，功率都不一样，安装师傅也没核对就装上了。"),
            ("配件缺失：少了{part}", "{day}送货的{p}少了{part}，打电话说给补发，到现在{n}天了也没寄过来。"),
            (
                "订单漏发{other}",
                "订单{order}买了{k}和{other}两件，只送来了{k}，{other}说是分开发货，但查不到任何物流。",
            ),
        ],
        e: &[
            ("收到的商品与订单不符", "订单{order}，我买的是{p}，收到的却是{other}，完全不是一个东西。"),
            ("订单漏发，物流显示全部签收", "一起买了三件东西，只收到两件，{p}没有，物流却显示全部签收。"),
            ("{k}规格发错", "下单的{p}，规格选得清清楚楚，收到的却完全不对，明显是发错了。"),
            ("少了{part}，要开箱视频", "{p}包装里少了{part}，客服非要我提供开箱视频，谁拆快递还录视频？"),
        ],
        tried: TRIED_DELIVERY,
        requests: &["要求尽快补齐", "要求按订单重新发货", "要求退款", "要求三天内处理好并补偿{ask}元"],
    },
    Leaf {
        code: "install_issue",
        dept: "after_sales",
        weight: [12, 0],
        fixed: None,
        minor: 0.35,
        need: Need::Install,
        requests_only: NO_EXTRA,
        product_bound: true,
        a: &[
            ("{k}安装不规范", "{day}{tech}上门安装{p}，装完就走了，后来我发现{inst}。"),
            ("{k}安装质量差，要求返工", "安装师傅装{k}的时候{inst}，我当场指出来他还不承认。"),
            ("安装师傅不按规范施工", "你们的师傅安装{p}非常不规范：{inst}。现在我还得自己找人返工。"),
            ("{k}安装出问题，师傅推诿", "{tech}来装{k}，{inst}，他说不归他管，让我找公司。"),
        ],
        e: &[],
        tried: TRIED_SERVICE,
        requests: &[
            "要求派专业的师傅重新安装",
            "要求赔偿修复费用{ask}元",
            "要求免费返工，并对安装师傅进行处理",
            "要求公司派人来现场验收",
        ],
    },
    Leaf {
        code: "repair_delay",
        dept: "after_sales",
        weight: [12, 2],
        fixed: None,
        minor: 0.25,
        need: Need::Any,
        requests_only: [&["要求直接换新机", "要求给个确切的上门时间"], &["要求直接换新", "要求告诉我确切的修好时间"]],
        product_bound: true,
        a: &[
            ("{k}报修{n}天无人上门", "{k}坏了，{day}报修的，工单号{wo}，说好24小时内联系，现在{n}天了没人上门。"),
            ("{k}等配件{n}天仍未修好", "报修后师傅来看了一次，说要换{comp}，配件要等，这一等就是{n}天，{fl}。"),
            ("维修预约多次改期", "前前后后预约了{m}次上门，每次都说师傅临时有事改期，{k}已经坏了快{n}天了。"),
            ("{k}维修一拖再拖", "家里的{p}坏了{n}天，一家人的生活全乱了套，维修却一直拖着。"),
        ],
        e: &[
            ("寄修{n}天无进展", "{p}在保修期内出了故障，{day}按要求寄回去维修，{n}天了一点消息也没有。"),
            ("{k}寄修一直显示检测中", "寄修的{p}已经{n}天了，查询进度一直显示“检测中”，打电话问也说不清楚。"),
        ],
        tried: TRIED_SERVICE,
        requests: &["要求三天内修好", "要求尽快修好并赔偿{ask}元"],
    },
    Leaf {
        code: "service_fee",
        dept: "after_sales",
        weight: [6, 1],
        fixed: None,
        minor: 0.45,
        need: Need::Any,
        requests_only: NO_EXTRA,
        product_bound: true,
        a: &[
            ("保修期内维修被收费{fee}元", "维修师傅上门换了个{comp}，收了我{fee}元，可这台{k}明明还在保修期内。"),
            ("安装乱收费{fee}元", "安装{k}的时候师傅说要另外收{fee}元的材料费和高空作业费，事前根本没说过。"),
            ("上门检测费收费不合理", "{tech}上门看了一眼，什么都没修好，就收了{fee}元上门检测费。"),
            ("收费与官网标准不符", "收费单上写的{fee}元，跟你们官网公布的收费标准对不上，而且不给开发票。"),
        ],
        e: &[
            ("寄修被判人为损坏收费{fee}元", "{p}寄修，你们说是人为损坏不保修，要收{fee}元维修费，可我根本没摔过。"),
            ("退货被收取检测费{fee}元", "{p}退货，要我承担{fee}元的检测费，这在购买时根本没有说明。"),
        ],
        tried: TRIED_SERVICE,
        requests: &["要求退还{fee}元", "要求出具收费明细和收费依据", "要求退还多收的费用并道歉"],
    },
    Leaf {
        code: "refund_delay",
        dept: "finance",
        weight: [3, 12],
        fixed: None,
        minor: 0.35,
        need: Need::Any,
        requests_only: NO_EXTRA,
        product_bound: true,
        a: &[
            (
                "退货后{n}天未退款",
                "{p}退货手续{day}就办好了，机器你们也拉走了，说3到5个工作日退款，现在{n}天了钱还没到账。",
            ),
            ("取消订单后迟迟不退款", "订单{order}取消了，{amt}元一直没退回来，客服每次都说在走流程。"),
        ],
        e: &[
            ("退款{n}天未到账", "订单{order}申请退款，商家{day}就确认收到退货了，{n}天了{amt}元还没退。"),
            ("显示退款成功但未到账", "仅退款申请通过了，页面显示退款成功，但我的银行卡根本没收到这{amt}元。"),
            ("退货签收后退款一直处理中", "退货已经签收{n}天了，退款状态一直是“处理中”，这期间我打了{m}次客服。"),
            ("部分退款{diff}元未兑现", "买的{p}少发了一件，说好的部分退款{diff}元到现在也没退。"),
        ],
        tried: TRIED_MONEY,
        requests: &["要求立即退款", "要求退款并补偿利息损失", "要求三个工作日内退款到账", "要求给出退款的明确时间"],
    },
    Leaf {
        code: "return_refused",
        dept: "finance",
        weight: [4, 9],
        fixed: None,
        minor: 0.3,
        need: Need::Any,
        requests_only: NO_EXTRA,
        product_bound: true,
        a: &[
            ("{k}质量问题退换被拒", "新买的{p}，到货第{n2}天就{fs}，要求退换，你们说只能维修，不给换。"),
            ("未拆封{k}退货被拒", "{k}还没拆封安装，想退掉，你们说大件商品一旦送货上门就不能无理由退。"),
        ],
        e: &[
            ("七天无理由退货被拒", "{p}收到才{n2}天，符合七天无理由退货，商家却以“影响二次销售”为由拒绝。"),
            ("{k}质量问题退货被驳回{m}次", "{p}{fs}，申请退货被驳回了{m}次，理由一次一个样。"),
            ("换货变退款，运费不报销", "申请换货，商家让我先把{k}寄回去，收到之后又说没库存只能退款，运费也不给报。"),
        ],
        tried: TRIED_SERVICE,
        requests: &["要求按规定退货退款", "要求换货并承担来回运费", "要求退货，运费由商家承担"],
    },
    Leaf {
        code: "agent_attitude",
        dept: "call_centre",
        weight: [4, 5],
        fixed: None,
        minor: 0.5,
        need: Need::Any,
        requests_only: NO_EXTRA,
        product_bound: false,
        a: &[
            (
                "客服态度恶劣并挂断电话",
                "{day}打你们客服热线，{agent}态度非常差，我问了两句就不耐烦，最后直接挂了我电话。",
            ),
            ("客服推诿打官腔", "我就想问一下{k}的维修进度，{agent}一直在打官腔，说了半天等于什么都没说。"),
            ("维修师傅态度差", "{tech}上门维修时一直抽烟，还嫌我家楼层高，全程黑着脸，修完就走了。"),
        ],
        e: &[
            (
                "客服说“爱投诉就投诉”",
                "{agent}在电话里跟我说“爱投诉就投诉”，这是什么服务态度？我就是问一下{p}的退货进度。",
            ),
            ("在线客服回复敷衍", "在线客服一直是机器人回复，转人工后{agent}回一句话要等十分钟，还答非所问。"),
            ("客服推诿打官腔", "我就想问一下订单{order}的售后进度，{agent}一直在打官腔，说了半天等于什么都没说。"),
        ],
        tried: TRIED_NONE,
        requests: &["要求该客服向我道歉", "要求对该员工进行处理，并给我一个答复", "要求换一个人来处理我的问题"],
    },
    Leaf {
        code: "hotline_unreachable",
        dept: "call_centre",
        weight: [3, 3],
        fixed: None,
        minor: 0.65,
        need: Need::Any,
        requests_only: NO_EXTRA,
        product_bound: false,
        a: &[
            ("客服热线打不通", "从{day}开始打你们的400热线，打了{m}次都是“坐席忙，请稍候”，最长一次等了四十多分钟。"),
            ("语音导航转不到人工", "热线电话按语音提示一路按下去，绕了好几圈都转不到人工，我就想报修个{k}。"),
            ("承诺回电未回电", "留了回电请求，说24小时内回电，{n}天过去了没有任何人联系我。"),
        ],
        e: &[
            ("人工客服排队过长", "在线客服排队显示前面有{queue}人，等了{hours}个小时都没排到。"),
            ("客服热线打不通", "从{day}开始打你们的客服电话，打了{m}次都没人接，订单{order}的问题一直没人管。"),
            ("承诺回电未回电", "留了回电请求，说24小时内回电，{n}天过去了没有任何人联系我。"),
        ],
        tried: TRIED_NONE,
        requests: &["要求尽快安排人回电", "要求增加人工客服", "要求给一个能打通的联系方式"],
    },
    Leaf {
        code: "false_advertising",
        dept: "marketing",
        weight: [2, 5],
        fixed: None,
        minor: 0.3,
        need: Need::Any,
        requests_only: NO_EXTRA,
        product_bound: true,
        a: &[
            ("{k}能效宣传与实际不符", "买{p}的时候导购说是一级能效、一晚上只用一度电，实际上电费比以前高了一倍。"),
            ("宣传“静音”实际噪音大", "宣传页上写的{k}“超静音”，实际噪音大得晚上没法睡觉，这不就是虚假宣传吗？"),
            ("承诺五年保修实际仅一年", "门店说送五年整机保修，现在{k}坏了，你们又说只有一年，延保要另外买。"),
        ],
        e: &[
            ("“正品保障”疑为假货", "商品页面写着{p}“正品保障、假一赔十”，收到的东西做工跟专柜差很多。"),
            ("“仅此一天”天天都是", "详情页写的“限时特价，仅此一天”，结果我买完第二天还是这个价，天天都是“最后一天”。"),
            ("承诺赠品未兑现", "页面宣传买{p}送价值{coupon}元的赠品，下单后赠品一直没发。"),
        ],
        tried: TRIED_SERVICE,
        requests: &["要求退一赔三", "要求兑现宣传时的承诺", "要求给个合理的说法并赔偿{ask}元", "要求退货并赔偿{ask}元"],
    },
    Leaf {
        code: "price_dispute",
        dept: "marketing",
        weight: [3, 6],
        fixed: None,
        minor: 0.5,
        need: Need::Any,
        requests_only: NO_EXTRA,
        product_bound: true,
        a: &[
            (
                "购买{n}天后降价{diff}元，保价被拒",
                "{buy}买的{p}花了{amt}元，才过了{n}天就降价{diff}元，找你们说保价，客服说不在保价范围。",
            ),
            ("门店价格比官网低{diff}元", "同一款{k}，门店比你们官网便宜{diff}元，导购说是一模一样的东西。"),
        ],
        e: &[
            (
                "降价{diff}元申请价保被拒",
                "{p}我{buy}买的时候{amt}元，{day}看到同款降了{diff}元，页面写着“价保30天”，申请价保却被拒绝。",
            ),
            ("结算价格与页面不一致", "下单时页面显示{amt}元，付款时变成了更高的价格，多扣了{diff}元。"),
            ("结算时多出{fee}元服务费", "结算时突然多出来一笔{fee}元的“服务费”，之前页面上没有任何提示。"),
        ],
        tried: TRIED_MONEY,
        requests: &["要求退还差价{diff}元", "要求按原价格结算", "要求退还多收的钱"],
    },
    Leaf {
        code: "promotion_rules",
        dept: "marketing",
        weight: [1, 6],
        fixed: None,
        minor: 0.6,
        need: Need::Any,
        requests_only: NO_EXTRA,
        product_bound: false,
        a: &[
            ("{promo}活动承诺未兑现", "参加{promo}活动买的{k}，说好的赠品和安装费减免都没兑现。"),
            ("以旧换新补贴未到账", "以旧换新说补贴{diff}元，旧机你们拉走了，补贴到现在也没给。"),
        ],
        e: &[
            ("{promo}优惠未生效", "参加{promo}活动，凑够了金额，结算时优惠却没生效，多付了{diff}元。"),
            ("活动规则模糊，商品被说不参加", "{promo}的规则写得模棱两可，下单后客服说我买的{p}不参加活动。"),
            ("{coupon}元优惠券无法使用", "抢到的{coupon}元优惠券，下单时提示“不适用”，活动页面根本没写限制。"),
            ("免单活动资格被否认", "活动说前100名免单，我排第{rank}名，截图都有，结果说我不符合条件。"),
        ],
        tried: TRIED_NONE,
        requests: &["要求按活动规则退还{diff}元", "要求补发优惠券", "要求兑现活动承诺"],
    },
    Leaf {
        code: "double_charge",
        dept: "finance",
        weight: [1, 5],
        fixed: None,
        minor: 0.2,
        need: Need::Any,
        requests_only: NO_EXTRA,
        product_bound: false,
        a: &[
            ("维修费被重复收取", "维修费我已经当场微信付给{tech}了，后来系统又从我账户里扣了一次{fee}元。"),
            ("同一订单重复扣款", "订单{order}我只付了一次款，银行卡却扣了两笔{amt}元，到现在多扣的钱还没退。"),
        ],
        e: &[
            ("同一订单重复扣款", "订单{order}我只付了一次款，银行卡却扣了两笔{amt}元，到现在多扣的钱还没退。"),
            ("取消自动续费后仍被扣费", "开通的自动续费会员，上个月就已经取消了，这个月{n}号又扣了我{fee}元。"),
            ("支付失败重付被扣两次", "付款时提示支付失败，我又付了一次，结果两次都扣款成功了，一共{amt}元。"),
            ("延保服务重复扣费{m}次", "买{p}时加购的延保服务，被重复扣了{m}次费。"),
        ],
        tried: TRIED_MONEY,
        requests: &["要求退还重复扣款", "要求退款并关闭自动续费", "要求三天内把多扣的钱退回来"],
    },
    Leaf {
        code: "membership",
        dept: "finance",
        weight: [1, 4],
        fixed: None,
        minor: 0.65,
        need: Need::Any,
        requests_only: NO_EXTRA,
        product_bound: false,
        a: &[("会员延保权益查不到", "购机时承诺的会员延保权益，报修时系统里查不到，{tech}说要按过保收费。")],
        e: &[
            ("会员每月券未发放", "我是你们的黄金会员，说好的每月{coupon}元无门槛券这个月没发。"),
            ("积分{pts}分被清零未通知", "我的积分{pts}分说清零就清零了，事先没有任何通知。"),
            ("会员生日礼包未收到", "会员生日礼包一直没收到，客服说是系统问题，让我等。"),
            ("付费会员免运费权益失效", "付费开通的PLUS会员，免运费权益用不了，每次下单还是收运费。"),
        ],
        tried: TRIED_NONE,
        requests: &["要求补发本月权益", "要求恢复积分", "要求退还会员费", "要求兑现会员权益"],
    },
    Leaf {
        code: "privacy_leak",
        dept: "legal",
        weight: [1, 2],
        fixed: Some(1),
        minor: 0.0,
        need: Need::Any,
        requests_only: NO_EXTRA,
        product_bound: false,
        a: &[
            (
                "安装师傅泄露住址电话",
                "你们的安装师傅在业主群里发了我家的照片和地址，还附了我的电话，现在天天有陌生人打电话。",
            ),
            (
                "冒充客服诈骗，信息疑似泄露",
                "有人冒充华腾客服给我打电话，知道我买的{k}型号和安装地址，骗走了我{amt}元。",
            ),
            (
                "买{k}后天天接推销电话",
                "自从在你们这里买了{k}，天天接到各种推销电话和短信，连装修公司都知道我刚买了{k}。",
            ),
        ],
        e: &[
            (
                "下单后接到诈骗电话，疑似信息泄露",
                "我{day}在你们这里买了{p}，第二天就接到诈骗电话，对方准确说出了我的姓名、订单号和收货地址。",
            ),
            ("快递面单泄露个人信息", "我的快递面单上完整印着我的手机号和住址，被人拍了发到群里。"),
            ("冒充客服诈骗，信息疑似泄露", "有人冒充华腾优选客服给我打电话，知道我所有的购买记录，骗走了我{amt}元。"),
        ],
        tried: &["已经报了警。", "通话录音我都保存了。", "已经向网信办反映了。"],
        requests: &[
            "要求查明信息泄露原因并给出书面答复",
            "要求赔偿损失，否则走法律途径",
            "要求删除我的个人信息，并书面道歉",
        ],
    },
    Leaf {
        code: "suggestion_general",
        dept: "call_centre",
        weight: [4, 5],
        fixed: Some(3),
        minor: 1.0,
        need: Need::Any,
        requests_only: NO_EXTRA,
        product_bound: false,
        a: &[
            ("建议说明书写得更详细", "建议你们{k}的说明书写得再详细一点，字也大一点，老年人根本看不懂。"),
            (
                "建议师傅上门前提前联系",
                "上门师傅能不能提前半小时打个电话，别到了楼下才通知，我们上班的人来不及赶回家。",
            ),
            ("建议APP可查维修进度", "希望APP里能直接查询维修进度，现在每次都要打电话问，很不方便。"),
            ("建议显示面板字体做大", "{p}的显示面板字太小了，建议做大一点，家里老人总看不清。"),
            ("建议热线增加方言服务", "建议热线增加方言服务或者老年人专线，我父母打过去听不懂语音菜单。"),
        ],
        e: &[
            (
                "建议增加夜间配送",
                "建议增加夜间配送时间段，我们上班族白天家里没人，每次都只能放驿站，大件搬回家特别麻烦。",
            ),
            ("建议减少包装材料", "包装用的泡沫和胶带太多了，拆一个快递半天，垃圾一大堆，能不能换成环保一点的材料。"),
            ("建议支持电子发票", "希望能开具电子发票，纸质发票太容易丢了，报销的时候找不到很麻烦。"),
            ("建议简化语音菜单", "客服电话的语音菜单层级太多了，要按四五次才能转到人工，建议直接加一个转人工的选项。"),
            ("建议食品页标注生产日期", "建议在食品类商品的页面上标注具体的生产日期和保质期，方便下单前判断。"),
        ],
        tried: TRIED_NONE,
        requests: &["希望能采纳", "希望你们考虑一下", "没有别的要求，就是提个建议", "希望改进后告诉我一声"],
    },
];

// ───────────────────────────── tone and framing ─────────────────────────────

/// Intake channels with draw weights for `[Appliances, Ecommerce]`.
const CHANNELS: &[(&str, [u32; 2])] = &[
    ("phone", [40, 36]),
    ("web", [16, 24]),
    ("wechat", [15, 17]),
    ("api", [6, 10]),
    ("email", [6, 8]),
    ("walk_in", [11, 1]),
    ("sms", [6, 4]),
];

const OPEN_PHONE: &[&str] =
    &["", "喂，你好，", "你好，我要投诉。", "你好，我姓{sn}，", "你好，我想反映个问题。", "喂？是华腾客服吗？"];
const OPEN_WRITTEN: &[&str] = &["", "您好，", "贵公司你好：", "投诉内容如下：", "本人姓{sn}，", "你好，"];
const OPEN_CHAT: &[&str] = &["", "在吗？", "你好，", "客服你好，", "你好，麻烦看一下，"];
const OPEN_WALK_IN: &[&str] = &["", "我今天专门跑到你们服务网点来，", "我来当面反映一下，", "网点的同志你好，"];

const TONE_MILD: &[&str] = &[
    "问题不算大，就是希望你们能重视一下。",
    "不是什么大事，但体验确实不太好。",
    "麻烦帮忙反馈一下，谢谢。",
    "总体还可以，就是这一点希望改进。",
    "也不是很急，有空帮我看看就行。",
    "我对华腾的东西一直挺信任的，这次有点失望。",
];
const TONE_UPSET: &[&str] = &[
    "我真的很生气，这到底是什么服务？",
    "已经耽误了我好多事，实在是没耐心了。",
    "到现在都没有一个人给我一个明确的答复。",
    "每次打电话都让我等，到底要等到什么时候？",
    "你们这样做生意，以后谁还敢买？",
    "我对你们的处理非常不满意。",
    "",
];
/// Extra upset lines that only fit household appliances.
const TONE_UPSET_HOME: &[&str] = &[
    "家里老人孩子都等着用，真的没办法再等了。",
    "一家人的日子都被这台机器搅乱了。",
    "新房刚装修好，就碰上这种事，心情全没了。",
];
const TONE_ESCALATE: &[&str] = &[
    "如果三天内再不解决，我就直接打12315投诉。",
    "我已经咨询过律师了，保留追究你们法律责任的权利。",
    "我已经联系了本地电视台的记者，他们说对这件事很感兴趣。",
    "同小区好几户都是这个问题，我们已经拉了群，准备集体投诉。",
    "我已经向消协反映了，也在网上发了帖子。",
    "再不处理，我就把视频发到网上曝光。",
    "这件事我已经向市场监管局举报了。",
];
const TONE_SAFETY: &[&str] = &[
    "幸好发现得及时，不然后果不堪设想！",
    "现在想起来都后怕，家里还有两个孩子。",
    "这种安全问题，你们必须给我一个说法！",
    "这要是出了人命谁负责？",
];
const TONE_SUGGEST: &[&str] =
    &["", "个人一点小建议，仅供参考。", "你们辛苦了。", "用了这么久华腾的东西，希望越做越好。"];
const ASK_SUGGEST: &[&str] = &["{req}。", "{req}，谢谢！", "{req}，辛苦了。"];
/// Closing lines that lift a very short text over [`MIN_CONTENT_CHARS`].
const PADDING: &[&str] =
    &["麻烦收到后给我回个电话，我的手机号就是登记的这个号码。", "有什么需要补充的，随时打我登记的电话联系我就行。"];
const MIN_CONTENT_CHARS: usize = 40;
const ASK_WRAPPERS: &[&str] = &[
    "{req}。",
    "我的诉求是：{req}。",
    "{req}，请尽快给我回复。",
    "希望你们尽快处理，{req}。",
    "{req}，电话随时可以联系我。",
];

/// Chance that a complaint of an ordinary category escalates to severity 1
/// (media, lawyer, 12315, mass complaint).
const ESCALATION_RATE: f64 = 0.025;

fn pick_request<R: Rng + ?Sized>(rng: &mut R, leaf: &Leaf, side: usize) -> &'static str {
    let extra = leaf.requests_only[side];
    let index = rng.random_range(0..leaf.requests.len() + extra.len());
    leaf.requests.get(index).or_else(|| extra.get(index - leaf.requests.len())).copied().unwrap_or_default()
}

fn opening<R: Rng + ?Sized>(rng: &mut R, channel: &str) -> &'static str {
    pick(
        rng,
        match channel {
            "phone" => OPEN_PHONE,
            "wechat" | "sms" => OPEN_CHAT,
            "walk_in" => OPEN_WALK_IN,
            _ => OPEN_WRITTEN,
        },
    )
}

/// Draws one complaint text.
pub fn complaint_text<R: Rng + ?Sized>(rng: &mut R) -> DemoText {
    let company = if rng.random_bool(0.55) { DemoCompany::Appliances } else { DemoCompany::Ecommerce };
    let side = usize::from(company == DemoCompany::Ecommerce);
    let leaf = pick_weighted(rng, LEAVES, |l| l.weight[side]);
    let (severity, escalated) = match leaf.fixed {
        Some(fixed) => (fixed, false),
        None if rng.random_bool(ESCALATION_RATE) => (1, true),
        None if rng.random_bool(leaf.minor) => (3, false),
        None => (2, false),
    };
    let slots = Slots::draw(rng, company, leaf.need);
    let templates = if side == 0 { leaf.a } else { leaf.e };
    let (summary_tpl, body_tpl) = templates.choose(rng).copied().unwrap_or(("投诉", "{p}出现问题。"));
    let channel = pick_weighted(rng, CHANNELS, |c| c.1[side]).0;

    let request = render(pick_request(rng, leaf, side), &slots);
    let mut content = render(opening(rng, channel), &slots);
    content.push_str(&render(body_tpl, &slots));
    if rng.random_bool(0.65) {
        content.push_str(&render(pick(rng, leaf.tried), &slots));
    }
    let suggestion = leaf.code == "suggestion_general";
    let tone = match severity {
        3 if suggestion => TONE_SUGGEST,
        3 => TONE_MILD,
        1 if !escalated && leaf.need == Need::Hazard => TONE_SAFETY,
        1 => TONE_ESCALATE,
        _ if side == 0 && rng.random_bool(0.25) => TONE_UPSET_HOME,
        _ => TONE_UPSET,
    };
    content.push_str(&render(pick(rng, tone), &slots));
    if severity == 1 && !escalated && rng.random_bool(0.5) {
        content.push_str(pick(rng, TONE_ESCALATE));
    }
    let wrappers = if suggestion { ASK_SUGGEST } else { ASK_WRAPPERS };
    content.push_str(&pick(rng, wrappers).replace("{req}", &request));
    if content.chars().count() < MIN_CONTENT_CHARS {
        content.push_str(pick(rng, PADDING));
    }

    let mentions_product = ["{p}", "{k}"].iter().any(|s| body_tpl.contains(s) || summary_tpl.contains(s));
    let product_ref = (leaf.product_bound || mentions_product).then(|| slots.p.to_owned());
    let order_chance = match (company, leaf.product_bound) {
        (DemoCompany::Ecommerce, true) => 0.85,
        (DemoCompany::Appliances, true) => 0.6,
        (_, false) => 0.3,
    };
    let order_ref = (body_tpl.contains("{order}") || rng.random_bool(order_chance)).then(|| slots.order.clone());
    let department_code = if leaf.code == "service_fee" && rng.random_bool(0.5) { "finance" } else { leaf.dept };

    DemoText {
        company,
        category_code: leaf.code,
        department_code,
        severity,
        summary: clip(render(summary_tpl, &slots), 40),
        content: clip(content, 600),
        customer_request: request,
        product_ref,
        order_ref,
        channel,
        compensation_yuan: compensation(rng, leaf.code, severity, &slots),
    }
}

/// A plausible remedy amount: mostly small, the odd replacement-sized one.
fn compensation<R: Rng + ?Sized>(rng: &mut R, code: &str, severity: u8, slots: &Slots) -> u32 {
    let amount = match code {
        "suggestion_general" => {
            if rng.random_bool(0.75) {
                0
            } else {
                round_to(rng.random_range(20..=50), 10)
            }
        }
        "price_dispute" | "promotion_rules" => slots.diff_v,
        "service_fee" => slots.fee_v,
        "double_charge" => slots.price.max(slots.fee_v),
        _ if severity == 1 => round_to(rng.random_range(500..=5000), 100),
        "agent_attitude" | "hotline_unreachable" | "membership" => {
            if rng.random_bool(0.4) {
                0
            } else {
                round_to(rng.random_range(20..=100), 10)
            }
        }
        _ => match rng.random_range(0..100u8) {
            0..=14 => 0,
            15..=59 => round_to(rng.random_range(30..=200), 10),
            60..=89 => round_to(rng.random_range(200..=500), 10),
            _ => round_to(rng.random_range(500..=slots.price.clamp(600, 5000)), 50),
        },
    };
    amount.min(5000)
}

// ───────────────────────────── people ─────────────────────────────

/// Common surnames with a rough frequency weight (per mille).
const SURNAMES: &[(&str, u32)] = &[
    ("王", 71),
    ("李", 70),
    ("张", 67),
    ("刘", 54),
    ("陈", 45),
    ("杨", 31),
    ("黄", 22),
    ("赵", 20),
    ("吴", 20),
    ("周", 19),
    ("徐", 13),
    ("孙", 12),
    ("马", 12),
    ("朱", 11),
    ("胡", 10),
    ("郭", 10),
    ("何", 9),
    ("林", 9),
    ("高", 9),
    ("罗", 9),
    ("郑", 8),
    ("梁", 8),
    ("谢", 7),
    ("宋", 6),
    ("唐", 6),
    ("许", 6),
    ("韩", 6),
    ("冯", 6),
    ("邓", 6),
    ("曹", 5),
    ("彭", 5),
    ("曾", 5),
    ("肖", 5),
    ("田", 5),
    ("董", 5),
    ("袁", 5),
    ("潘", 5),
    ("于", 5),
    ("蒋", 5),
    ("蔡", 5),
    ("余", 5),
    ("杜", 4),
    ("叶", 4),
    ("程", 4),
    ("苏", 4),
    ("魏", 4),
    ("吕", 4),
    ("丁", 4),
    ("任", 4),
    ("沈", 4),
    ("姚", 4),
    ("卢", 4),
    ("姜", 4),
    ("崔", 4),
    ("钟", 4),
    ("谭", 3),
    ("陆", 3),
    ("汪", 3),
    ("范", 3),
    ("金", 3),
    ("石", 3),
    ("廖", 3),
    ("贾", 3),
    ("夏", 3),
    ("韦", 3),
    ("付", 3),
    ("方", 3),
    ("白", 3),
    ("邹", 3),
    ("孟", 3),
    ("熊", 3),
    ("秦", 3),
    ("邱", 3),
    ("江", 3),
    ("尹", 3),
    ("薛", 3),
    ("闫", 3),
    ("段", 3),
    ("雷", 3),
    ("侯", 3),
    ("龙", 3),
    ("史", 3),
    ("陶", 2),
    ("黎", 2),
    ("贺", 2),
    ("顾", 2),
    ("毛", 2),
    ("郝", 2),
    ("龚", 2),
    ("邵", 2),
    ("万", 2),
    ("钱", 2),
    ("严", 2),
    ("覃", 2),
    ("武", 2),
    ("戴", 2),
    ("莫", 2),
    ("孔", 2),
    ("向", 2),
    ("汤", 2),
    ("欧阳", 1),
    ("司马", 1),
    ("上官", 1),
];
const GIVEN_MALE: &[&str] = &[
    "伟", "强", "磊", "军", "勇", "杰", "涛", "斌", "超", "明", "刚", "平", "辉", "鹏", "华", "飞", "鑫", "波", "宇",
    "浩", "凯", "健", "俊", "帆", "旭", "宁", "龙", "林", "洋", "峰", "建", "国", "志", "文", "博", "晨", "子", "轩",
    "然", "宏", "亮", "成", "阳", "东", "海", "庆", "立", "新", "嘉", "泽", "睿", "铭", "昊", "航", "天", "毅", "锋",
    "彬",
];
const GIVEN_FEMALE: &[&str] = &[
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "燕", "玲", "婷", "雪", "琳", "慧", "颖", "倩", "洁", "欣", "怡",
    "佳", "梅", "兰", "晶", "萍", "红", "月", "莉", "蕾", "雯", "琪", "悦", "妍", "涵", "瑶", "思", "雨", "梦", "璐",
    "诗", "可", "馨", "莹", "琴", "丹", "淑", "秀", "春", "云",
];

fn surname<R: Rng + ?Sized>(rng: &mut R) -> &'static str {
    pick_weighted(rng, SURNAMES, |s| s.1).0
}

/// A plausible Chinese full name (surname from a weighted common-surname list + 1–2 char given name).
pub fn person_name<R: Rng + ?Sized>(rng: &mut R) -> String {
    let mut name = surname(rng).to_owned();
    let pool = if rng.random_bool(0.5) { GIVEN_MALE } else { GIVEN_FEMALE };
    let first = pick(rng, pool);
    name.push_str(first);
    match rng.random_range(0..100u8) {
        0..=27 => {}
        28..=31 => name.push_str(first),
        _ => {
            let mut second = pick(rng, pool);
            while second == first {
                second = pick(rng, pool);
            }
            name.push_str(second);
        }
    }
    name
}

const MOBILE_PREFIXES: &[&str] = &[
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155", "156",
    "157", "158", "159", "173", "175", "176", "177", "178", "180", "181", "182", "183", "184", "185", "186", "187",
    "188", "189", "191", "193", "195", "196", "198", "199",
];

/// A plausible, valid-format mainland mobile number (11 digits, 13x/15x/17x/18x/19x prefixes).
pub fn mobile_phone<R: Rng + ?Sized>(rng: &mut R) -> String {
    format!("{}{:08}", pick(rng, MOBILE_PREFIXES), rng.random_range(0..100_000_000u32))
}

const PINYIN_FAMILY: &[&str] = &[
    "zhang", "wang", "li", "liu", "chen", "yang", "huang", "zhao", "wu", "zhou", "xu", "sun", "ma", "zhu", "hu", "guo",
    "lin", "he", "gao", "luo",
];
const PINYIN_GIVEN: &[&str] = &[
    "wei", "fang", "jing", "lei", "min", "jie", "tao", "yan", "hui", "xin", "yu", "hao", "ting", "bo", "lan", "qiang",
    "ying", "chao", "ning", "peng",
];
const COMPANY_DOMAINS: &[&str] =
    &["mingda-group.com", "yuanhang.cn", "sunrise-edu.cn", "jinqiao-tech.com", "hengtong.com.cn"];

/// An email address for roughly a third of customers (qq.com, 163.com, 126.com, gmail.com, company domains), else None.
pub fn maybe_email<R: Rng + ?Sized>(rng: &mut R, phone: &str) -> Option<String> {
    if !rng.random_bool(0.33) {
        return None;
    }
    let family = pick(rng, PINYIN_FAMILY);
    let given = pick(rng, PINYIN_GIVEN);
    let year = rng.random_range(70..=105u32) % 100;
    Some(match rng.random_range(0..10u8) {
        0..=2 => format!("{}@qq.com", rng.random_range(100_000..4_000_000_000u64)),
        3 if !phone.is_empty() => format!("{phone}@163.com"),
        3 | 4 => format!("{family}{given}{year:02}@163.com"),
        5 => format!("{given}_{family}@126.com"),
        6 => format!("{family}.{given}{}@gmail.com", rng.random_range(1..=999u32)),
        7 => format!("{family}{given}@foxmail.com"),
        _ => format!("{given}.{family}@{}", pick(rng, COMPANY_DOMAINS)),
    })
}

// ───────────────────────────── follow-up texts ─────────────────────────────

/// Internal notes, customer-facing remedy explanations and execution results for one leaf.
struct FollowUps {
    code: &'static str,
    notes: &'static [&'static str],
    remedies: &'static [&'static str],
    results: &'static [&'static str],
}

const FOLLOW_UPS: &[FollowUps] = &[
    FollowUps {
        code: "product_fault",
        notes: &[
            "已联系{tech}上门检测，确认为核心部件故障，属于产品质量问题，在三包期内。",
            "调取该机维修记录，近几个月同一故障已维修{m}次，符合换机条件。",
            "客户提供的视频显示故障现象明确，质量管理部初步判断为元器件批次问题，已申请同批次抽检。",
            "已查看客户上传的照片和视频，故障属实，未发现人为损坏痕迹。",
        ],
        remedies: &[
            "经检测，您的产品存在部件故障，属于质量问题。我们将为您免费更换新机，并给予一定补偿，对给您造成的困扰深表歉意。",
            "根据三包规定，您的产品可享受免费维修。我们已安排{tech}于{n2}个工作日内上门更换故障部件，同时为整机延长保修一年。",
            "核实后确认为产品质量问题，我们同意为您办理退货退款，款项将原路退回，请留意到账信息。",
        ],
        results: &[
            "{tech}已上门更换故障部件，试机运行正常，客户签字确认。",
            "新机已送达并安装完毕，旧机已回收，工单号{wo}。",
            "退货已完成，退款已提交财务，预计{n2}个工作日内原路到账。",
        ],
    },
    FollowUps {
        code: "appearance_defect",
        notes: &[
            "客户提供的开箱照片显示瑕疵明显；出厂检验记录无异常，疑为运输途中造成。",
            "与送货人员核实，签收时未开箱验货，无法确定责任环节，按客户利益优先原则处理。",
            "核查仓库出库照片外观正常，瑕疵大概率发生在末端配送环节，已向物流方追责。",
        ],
        remedies: &[
            "对于外观瑕疵给您带来的不愉快，我们深表歉意。您可以选择上门更换面板，或保留商品并接受相应补偿。",
            "我们已为您申请免费换新，新品将在{n2}天内送达，届时请当面验货。",
            "经与您协商，我们为您办理部分退款作为补偿，款项将原路退回。",
        ],
        results: &[
            "已上门更换面板，客户现场验收无异议。",
            "换新商品已送达，客户当面开箱确认外观完好。",
            "补偿款已退回客户原支付账户。",
        ],
    },
    FollowUps {
        code: "safety_hazard",
        notes: &[
            "【安全事件】已第一时间电话安抚客户，确认人员伤情，已提醒客户断电（断气）并停止使用。",
            "质量管理部工程师已赶赴现场取证，故障产品已封存并送第三方检测机构鉴定。",
            "已排查同批次产品销售记录，已上报质量负责人评估是否启动召回。",
            "法务已介入，现场照片、视频及客户就医记录均已保全。",
        ],
        remedies: &[
            "对于此次事件给您和家人造成的惊吓和损失，我们深表歉意。故障产品已送权威机构检测，在结果出来前我们先为您全额退款，并承担相应的医疗费用及财产损失。",
            "经检测确认为产品元器件缺陷所致，我们将为您更换新机并由专业工程师上门安装，同时就您的损失给予赔偿。",
            "我们高度重视您反映的安全问题，已成立专项小组，工程师将于24小时内上门全面检查，赔偿将按检测结论与您协商确定。",
        ],
        results: &[
            "第三方检测已完成，结论为元器件过热；赔偿协议已签署，款项已支付。",
            "同批次产品已发布主动召回通知，客户家中产品已更换。",
            "已上门回收故障产品并完成检查，客户家中其他同类产品未见异常，客户确认。",
        ],
    },
    FollowUps {
        code: "delivery_delay",
        notes: &[
            "查询物流系统，该订单在{city}中转仓滞留{n}天，原因为区域运力不足。",
            "与{courier}核实，派送员因地址信息不全多次派送失败，且未及时联系客户。",
            "送装预约被系统自动改期{m}次，门店未与客户确认，属我方过失。",
        ],
        remedies: &[
            "非常抱歉耽误了您的时间。我们已协调专车为您优先配送，并为您申请了延误补偿。",
            "您的订单已加急处理，预计{n2}天内送达。如您不愿继续等待，也可随时取消订单并全额退款。",
            "经核实确为我方配送延误，我们将按延误赔付标准给予补偿，并已对相关配送站点进行考核。",
        ],
        results: &["商品已于{day}送达并签收，客户确认。", "已安排专车配送并完成送装。", "延误补偿已发放至客户账户。"],
    },
    FollowUps {
        code: "damaged_goods",
        notes: &[
            "客户提供了开箱视频，破损属实，外箱有明显挤压痕迹，判定为运输破损。",
            "已向{courier}发起理赔，物流方承认装卸不当。",
            "核对出库记录及包装规范，该批次包装未按规定加护角，已通知仓储整改。",
        ],
        remedies: &[
            "很抱歉商品在运输途中受损。我们已为您安排换新，旧件由快递上门取回，无需您承担任何费用。",
            "您可以选择退货退款或换新，两种方式的运费均由我们承担。",
            "我们已为您办理补发，并另行给予补偿以表歉意。",
        ],
        results: &["换新商品已签收，破损件已取回。", "退货已入库，退款已原路退回。", "物流理赔已结案，赔付款已到账。"],
    },
    FollowUps {
        code: "wrong_item",
        notes: &[
            "核对拣货记录，系仓库拣货错误，两个SKU编码相近导致。",
            "订单拆分为{m}个包裹发出，其中一个包裹未上传物流单号。",
            "配件包在出厂装箱时遗漏，已反馈质量管理部核查装箱流程。",
        ],
        remedies: &[
            "很抱歉发错了商品。正确的商品已为您加急发出，错发的商品我们会安排快递上门取回。",
            "缺少的配件已为您免费补发，预计{n2}天内送达。",
            "给您添麻烦了，如您不再需要该商品，我们可为您办理全额退款。",
        ],
        results: &["正确商品已送达，错发商品已取回入库。", "缺失配件已补发签收。", "已完成退款，订单关闭。"],
    },
    FollowUps {
        code: "install_issue",
        notes: &[
            "安排安装主管上门复查，确认安装未按规范执行，涉及安装工{tech}。",
            "现场照片显示支架固定螺栓数量不足，存在安全风险，需立即返工。",
            "安装网点承认施工时损坏墙面，同意承担修复费用。",
        ],
        remedies: &[
            "经复查，此前的安装确实不符合规范，我们深表歉意。已安排资深安装师傅{tech}上门免费返工，并对相关人员进行处理。",
            "对于安装过程中造成的损坏，我们将负责修复，或按实际费用给予赔偿。",
            "我们已重新为您安排安装，返工完成后将由主管现场验收。",
        ],
        results: &[
            "{tech}已上门返工，支架加固、排水管重新调整坡度，客户验收通过。",
            "墙面修复已完成，客户确认。",
            "返工完成，原安装工已按规定处罚并重新培训。",
        ],
    },
    FollowUps {
        code: "repair_delay",
        notes: &[
            "查询工单{wo}，派单后网点未及时接单，已超时{n}天。",
            "所需配件缺货，已从中心仓紧急调拨。",
            "原网点人手不足，已改派邻近网点处理。",
        ],
        remedies: &[
            "非常抱歉维修进度让您久等了。配件已经到位，{tech}将于明天上门维修。",
            "鉴于维修时间过长，我们决定为您直接换新机，并提供相应补偿。",
            "您的工单已升级为加急，我们会每天向您同步进度。",
        ],
        results: &[
            "已上门完成维修，设备运行正常。",
            "已为客户换新机，旧机已回收。",
            "维修完成，客户签字确认，工单{wo}已关闭。",
        ],
    },
    FollowUps {
        code: "service_fee",
        notes: &[
            "核对收费单，该机仍在保修期内，网点违规收费。",
            "按官网收费标准，该项目收费应在{fee}元以内，实际收费超标。",
            "网点收费符合标准，但师傅事前未告知客户，存在沟通问题。",
        ],
        remedies: &[
            "经核实，您被多收的费用将全额退还，我们已对相关网点进行处罚。",
            "保修期内的维修不应收费，相关费用将退还到您的账户，并向您致歉。",
            "随信附上官方收费标准，我们已按标准重新核算，多出的部分将退还给您。",
        ],
        results: &[
            "多收费用已退还客户，退款凭证已上传。",
            "已对网点罚款并通报，客户确认收到退款。",
            "财务已完成退款审核并打款。",
        ],
    },
    FollowUps {
        code: "refund_delay",
        notes: &[
            "查询退款流水，退款因银行卡信息错误被退回，系统未通知客户。",
            "退货已入库{n}天，仓库未及时确认收货，导致退款流程卡住。",
            "财务系统批量退款任务异常，该笔退款未被处理。",
        ],
        remedies: &[
            "很抱歉让您久等了。您的退款已重新提交，预计1到3个工作日内原路到账。",
            "退款延迟是我们的流程问题，款项已加急处理，并另外给予补偿。",
            "由于您原支付银行卡已注销，需要您提供新的收款账户，以便尽快完成退款。",
        ],
        results: &[
            "退款已原路退回，银行流水号已告知客户。",
            "加急退款已到账，客户确认。",
            "退款已完成，补偿款同步发放。",
        ],
    },
    FollowUps {
        code: "return_refused",
        notes: &[
            "核查商品状态，符合七天无理由退货条件，商家拒绝理由不成立。",
            "商品存在质量问题，按三包规定应予退换，网点处理有误。",
            "商品已拆封使用，但故障属于性能问题，可以办理换货。",
        ],
        remedies: &[
            "经核实，您的退货申请符合规定，我们已为您重新开通退货通道，运费由我们承担。",
            "您的产品符合三包换货条件，我们将为您更换新品。",
            "对于之前的错误处理我们深表歉意，退货已审核通过，请按页面指引寄回。",
        ],
        results: &["退货已完成，退款已到账。", "换货完成，新品已签收。", "上门取件已完成，商品已入库。"],
    },
    FollowUps {
        code: "agent_attitude",
        notes: &[
            "调取通话录音，客服在通话中语气生硬，并存在主动挂断行为，投诉属实。",
            "录音显示客服用语不规范，但未发现辱骂行为。",
            "已与当班组长及涉事员工面谈，员工承认态度问题。",
        ],
        remedies: &[
            "对于我们员工的不当态度，我们向您郑重道歉。涉事员工已被严肃处理，并将重新接受服务规范培训。",
            "感谢您的监督。我们已调听录音，确认服务存在问题，组长将亲自与您联系，跟进您最初的诉求。",
            "我们为这次不愉快的服务体验深表歉意，您之前咨询的问题已由专人负责跟进。",
        ],
        results: &[
            "涉事员工已扣罚当月绩效并完成复训。",
            "组长已致电客户致歉，客户表示接受。",
            "客户原诉求已跟进处理完毕。",
        ],
    },
    FollowUps {
        code: "hotline_unreachable",
        notes: &[
            "{day}高峰时段热线接通率偏低，排队时长超过30分钟。",
            "查询回电任务，该客户的回电请求因系统故障未被分配。",
            "IVR语音导航层级过深，转人工路径不清晰，已提交优化需求。",
        ],
        remedies: &[
            "很抱歉热线繁忙让您久等。我们已安排专属客服直接与您联系，后续问题可直接找这位客服。",
            "对于未能及时回电，我们深表歉意。回电流程已优化，您的问题已由专人跟进。",
            "感谢您的反馈，我们正在扩充高峰时段的人工坐席。",
        ],
        results: &[
            "已安排专人回电，客户问题已解答。",
            "热线高峰时段已增加{m}个坐席。",
            "IVR菜单已优化，转人工缩短为两步。",
        ],
    },
    FollowUps {
        code: "false_advertising",
        notes: &[
            "核查宣传页面及门店物料，相关宣传用语缺乏检测依据，存在夸大表述。",
            "核实导购承诺内容，门店确有口头承诺，但未在合同中体现。",
            "商品页面的赠品信息与实际活动配置不一致，系运营配置错误。",
        ],
        remedies: &[
            "经核实，商品宣传存在不准确的表述，我们向您道歉，并按相关规定为您办理退货及补偿。",
            "门店承诺的权益我们将予以兑现，已为您补登记延保服务。",
            "缺失的赠品已为您补发，相关页面已整改。",
        ],
        results: &["宣传页面已下线整改，客户补偿已发放。", "赠品已补发并签收。", "延保已登记，凭证已发送给客户。"],
    },
    FollowUps {
        code: "price_dispute",
        notes: &[
            "核对价格记录，客户购买后{n}天内同款降价，在价保期内。",
            "客户所提降价为限时秒杀价，不在价保范围内，需向客户解释。",
            "结算页价格与商品页不一致，系价格同步延迟所致。",
        ],
        remedies: &[
            "经核实，您的订单符合价格保护规则，差价将退回您的原支付账户。",
            "秒杀活动价格不适用价保规则，但考虑到您的购物体验，我们为您发放一张优惠券作为补偿。",
            "因系统价格同步问题导致您多付了款项，我们深表歉意，多付的金额将全额退还。",
        ],
        results: &["差价已退还客户。", "优惠券已发放至客户账户。", "多付款项已退回，商品价格已更正。"],
    },
    FollowUps {
        code: "promotion_rules",
        notes: &[
            "核查活动配置，该商品确在活动范围内，优惠未生效系规则冲突所致。",
            "活动规则页面对适用范围描述不清，容易产生误解。",
            "以旧换新补贴审核积压，客户补贴尚未发放。",
        ],
        remedies: &[
            "经核实，您的订单符合活动规则，未享受到的优惠金额将退还给您。",
            "活动规则表述不清给您带来了困扰，我们按照有利于您的理解进行处理。",
            "以旧换新补贴已审核通过，将在{n2}个工作日内发放。",
        ],
        results: &["优惠差额已退还。", "补贴已发放到账。", "活动规则页面已修改。"],
    },
    FollowUps {
        code: "double_charge",
        notes: &[
            "核查支付流水，同一订单存在两笔成功扣款，系支付回调超时后重复发起。",
            "自动续费取消指令未同步到支付渠道，导致续费扣款。",
            "客户线下已付款，系统未核销，导致重复收费。",
        ],
        remedies: &[
            "经核实确实存在重复扣款，多扣的款项将在1至3个工作日内原路退回，给您带来不便深表歉意。",
            "您的自动续费已彻底关闭，误扣的费用将全额退还。",
            "重复收取的费用已提交退款，相关系统问题已修复。",
        ],
        results: &["重复扣款已原路退回。", "自动续费已关闭，退款已到账。", "退款完成，财务已核销。"],
    },
    FollowUps {
        code: "membership",
        notes: &[
            "查询会员系统，当月权益发放任务失败，影响部分会员。",
            "积分清零规则已在会员协议中约定，但未按规定提前短信提醒。",
            "付费会员免运费权益配置有误。",
        ],
        remedies: &[
            "本月会员权益已为您补发，请在账户中查收。",
            "虽然积分清零符合规则，但我们没有及时提醒您，已为您恢复被清零的积分。",
            "免运费权益的问题已修复，您此前多付的运费将退还。",
        ],
        results: &["权益已补发。", "积分已恢复。", "运费已退还，权益配置已修正。"],
    },
    FollowUps {
        code: "privacy_leak",
        notes: &[
            "【信息安全】已上报法务合规部及信息安全负责人，启动个人信息泄露应急流程。",
            "排查订单数据访问日志，发现某合作站点账号存在异常批量导出记录。",
            "已提醒客户提高警惕，不要向陌生来电透露验证码，并建议其向公安机关报案。",
        ],
        remedies: &[
            "我们高度重视您反映的信息安全问题，已启动内部调查并配合公安机关侦查，调查结果将书面告知您，因此造成的损失我们将依法承担相应责任。",
            "我们已对涉事人员采取措施，并加强了面单隐私保护（隐藏手机号中间四位），对您造成的困扰深表歉意。",
            "涉事人员已被停止派单，您的相关信息已删除。",
        ],
        results: &[
            "调查报告已出具，涉事账号已停用，已向客户书面说明。",
            "隐私面单已全量上线。",
            "已协助客户向公安机关报案，并签署赔偿协议。",
        ],
    },
    FollowUps {
        code: "suggestion_general",
        notes: &[
            "客户建议合理，已整理转交相关部门评估。",
            "同类建议本月已收到{m}条，已列入需求池。",
            "已致电感谢客户。",
        ],
        remedies: &[
            "感谢您的宝贵建议！我们已将建议转交相关部门评估，后续如有改进会第一时间通知您。",
            "非常感谢您的反馈，您的建议已被采纳，预计在下个版本上线。",
            "感谢您对华腾的关注和支持，我们会持续改进服务。",
        ],
        results: &["建议已纳入季度改进计划。", "已完成优化并上线。", "已回复客户并记录。"],
    },
];

const GENERIC_FOLLOW_UP: FollowUps = FollowUps {
    code: "",
    notes: &["已与客户电话沟通，核实投诉内容基本属实。", "已调取相关记录，正在核实。"],
    remedies: &["关于您反映的问题，我们已核实并将按公司规定妥善处理，给您带来不便深表歉意。"],
    results: &["已按处理方案执行完毕。", "处理完成，客户已确认。"],
};

const NOTE_SUFFIX: &[&str] =
    &["", "", "已拍照存档。", "相关证据已上传附件。", "下一步：与客户确认解决方案。", "预计{n2}个工作日内闭环。"];
const REMEDY_OPENING: &[&str] = &["尊敬的客户您好，", "您好，", "{sn}先生/女士您好，", "您好，关于您反映的问题，"];
const REMEDY_CLOSING: &[&str] =
    &["", "如有疑问，请随时与我们联系。", "再次向您致歉，感谢您的理解与支持。", "祝您生活愉快！"];
const RESULT_SUFFIX: &[&str] = &["", "", "现场照片已上传。", "客户签字确认单已归档。", "执行人：{tech}。"];

fn follow_ups(code: &str) -> &'static FollowUps {
    FOLLOW_UPS.iter().find(|f| f.code == code).unwrap_or(&GENERIC_FOLLOW_UP)
}

/// Slots for follow-up texts, which know only the category.
fn any_slots<R: Rng + ?Sized>(rng: &mut R) -> Slots {
    let company = if rng.random_bool(0.55) { DemoCompany::Appliances } else { DemoCompany::Ecommerce };
    Slots::draw(rng, company, Need::Any)
}

/// The handler's internal note on what they found, for a leaf category.
pub fn investigation_note<R: Rng + ?Sized>(rng: &mut R, category_code: &str) -> String {
    let slots = any_slots(rng);
    let f = follow_ups(category_code);
    let mut note = render(pick(rng, f.notes), &slots);
    note.push_str(&render(pick(rng, NOTE_SUFFIX), &slots));
    note
}

/// The explanation sent to the customer together with the remedy, for a leaf category.
pub fn remedy_explanation<R: Rng + ?Sized>(rng: &mut R, category_code: &str) -> String {
    let slots = any_slots(rng);
    let f = follow_ups(category_code);
    let mut text = render(pick(rng, REMEDY_OPENING), &slots);
    text.push_str(&render(pick(rng, f.remedies), &slots));
    text.push_str(pick(rng, REMEDY_CLOSING));
    text
}

/// The responsible department's execution result, for a leaf category.
pub fn result_report<R: Rng + ?Sized>(rng: &mut R, category_code: &str) -> String {
    let slots = any_slots(rng);
    let f = follow_ups(category_code);
    let mut text = render(pick(rng, f.results), &slots);
    text.push_str(&render(pick(rng, RESULT_SUFFIX), &slots));
    text
}

const STARS: [&[&str]; 5] = [
    &[
        "根本没解决问题，就是走个流程。",
        "非常失望，以后再也不买了。",
        "说好的补偿到现在都没到。",
        "敷衍了事，我还是要去12315投诉。",
    ],
    &[
        "拖了太久，补偿也不到位。",
        "问题只解决了一半，不太满意。",
        "处理态度还行，但结果不行。",
        "前后折腾了好几次，很累。",
    ],
    &[
        "算是解决了吧，过程太折腾。",
        "结果一般，补偿有点少。",
        "解决是解决了，但打了好多次电话才有人管。",
        "还行，希望下次别再出这种问题。",
    ],
    &[
        "问题解决了，就是中间等得有点久。",
        "总体满意，希望以后沟通再主动一点。",
        "处理结果可以接受，谢谢。",
        "师傅不错，就是预约时间改了一次。",
    ],
    &[
        "处理得很及时，师傅也很专业，非常满意！",
        "客服一直在跟进，态度很好，给五星。",
        "问题完美解决，还给了补偿，很满意。",
        "比我预想的快多了，点赞。",
        "服务到位，以后还会支持华腾。",
    ],
];

/// The customer's satisfaction comment for a 1..=5 star rating (out-of-range values are clamped).
pub fn satisfaction_comment<R: Rng + ?Sized>(rng: &mut R, stars: u8) -> String {
    let index = usize::from(stars.clamp(1, 5) - 1);
    pick(rng, STARS[index]).to_owned()
}

const VISIT_SATISFIED: &[&str] = &[
    "电话回访客户，产品使用正常，客户对处理结果表示满意。",
    "回访确认问题已解决，客户对{tech}的服务表示认可。",
    "客户表示补偿已收到，对处理速度满意，同意结案。",
    "回访时客户表示已无其他诉求，感谢公司的处理。",
];
const VISIT_UNSATISFIED: &[&str] = &[
    "回访时客户表示问题虽已处理，但等待时间过长，对整体过程不满意。",
    "客户称故障仍偶尔出现，已重新派单跟进。",
    "客户认为补偿金额偏低，情绪较激动，已记录并上报主管。",
    "回访{m}次均未接通，已发送短信，客户回复“不满意”。",
];

/// The return-visit (回访) note, for a satisfied or dissatisfied customer.
pub fn return_visit_note<R: Rng + ?Sized>(rng: &mut R, satisfied: bool) -> String {
    let slots = any_slots(rng);
    let mut note = if rng.random_bool(0.4) { format!("{}回访：", day_phrase(rng)) } else { String::new() };
    note.push_str(&render(pick(rng, if satisfied { VISIT_SATISFIED } else { VISIT_UNSATISFIED }), &slots));
    note
}

const INVALID_REASONS: &[&str] = &[
    "经核实，客户所述产品非本公司销售，系其他品牌产品。",
    "与工单{wo}内容完全一致，系客户重复提交。",
    "客户留存的联系电话为空号，多次联系未果，且无订单信息，无法核实。",
    "经调取通话录音及监控，投诉内容与事实严重不符，且客户多次以投诉为由索要高额赔偿，判定为恶意投诉。",
    "客户反映的问题系自行拆机改装造成，不属于产品质量问题。",
    "系客户误操作提交的测试内容，客户已确认撤回。",
    "投诉对象为平台入驻的第三方商家，已引导客户联系商家处理。",
    "信息不全：无产品、无订单、无有效联系方式，{m}次尝试联系均失败。",
];

/// Why a complaint was judged invalid (恶意投诉, 非本公司产品, 重复提交, 信息不全无法联系 …).
pub fn invalid_reason<R: Rng + ?Sized>(rng: &mut R) -> String {
    let slots = any_slots(rng);
    render(pick(rng, INVALID_REASONS), &slots)
}

const TRANSFER_REASONS: &[&str] = &[
    "问题涉及退款到账，转财务部核实打款记录。",
    "经初步核实属于配送环节问题，转物流配送部处理。",
    "涉及产品质量鉴定，需质量管理部出具检测意见。",
    "客户提及将发律师函，转法务合规部评估。",
    "原处理人休假，转交同组{sn}同事处理。",
    "涉及促销规则解释，转市场营销部。",
    "涉及安装施工质量，转售后服务部安排复查。",
    "客户所在区域由{city}服务网点负责，转交当地处理。",
];

/// Why a complaint was handed over to another handler or department.
pub fn transfer_reason<R: Rng + ?Sized>(rng: &mut R) -> String {
    let slots = any_slots(rng);
    render(pick(rng, TRANSFER_REASONS), &slots)
}

const DISAGREE: &[&str] = &[
    "补偿太少了，连我请假的工资都不够。",
    "我要的是换新，不是维修。",
    "你们说是人为损坏，我不认可，要求第三方检测。",
    "一句道歉就完了？我不接受。",
    "修过的机器我不要，必须退货。",
    "优惠券我用不上，我要现金补偿。",
    "这个方案等于什么都没解决，我不同意。",
    "说要等{n2}个工作日，我等不了，要求今天给结果。",
];

/// The customer's comment when they reject the proposed remedy.
pub fn disagree_comment<R: Rng + ?Sized>(rng: &mut R) -> String {
    let slots = any_slots(rng);
    render(pick(rng, DISAGREE), &slots)
}

// ───────────────────────────── tests ─────────────────────────────

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use rand::SeedableRng;
    use rand::rngs::StdRng;

    use super::*;

    fn leaf_codes() -> HashSet<&'static str> {
        let parents: HashSet<_> = CATEGORIES.iter().filter_map(|c| c.parent).collect();
        CATEGORIES.iter().map(|c| c.code).filter(|c| !parents.contains(c)).collect()
    }

    #[test]
    fn category_tree_is_ordered_and_matches_templates() {
        let mut seen = HashSet::new();
        for c in categories() {
            if let Some(parent) = c.parent {
                assert!(seen.contains(parent), "{} listed before its parent", c.code);
            }
            assert!(seen.insert(c.code), "duplicate code {}", c.code);
        }
        let leaves = leaf_codes();
        let templated: HashSet<_> = LEAVES.iter().map(|l| l.code).collect();
        assert_eq!(leaves, templated);
        for leaf in LEAVES {
            assert!(leaf.weight[0] == 0 || !leaf.a.is_empty(), "{}: appliance templates", leaf.code);
            assert!(leaf.weight[1] == 0 || !leaf.e.is_empty(), "{}: shop templates", leaf.code);
            assert!(!leaf.requests.is_empty() && !leaf.tried.is_empty(), "{}", leaf.code);
            assert!(FOLLOW_UPS.iter().any(|f| f.code == leaf.code), "{}: follow-ups", leaf.code);
        }
        for p in APPLIANCES.iter().chain(SHOP) {
            assert!(!p.names.is_empty() && !p.faults.is_empty() && !p.flaws.is_empty(), "{}", p.kind);
        }
    }

    #[test]
    fn contents_are_mostly_distinct() {
        let mut rng = StdRng::seed_from_u64(20_261_122);
        let contents: HashSet<String> = (0..1200).map(|_| complaint_text(&mut rng).content).collect();
        assert!(contents.len() * 100 > 1200 * 95, "only {} distinct contents of 1200", contents.len());
    }

    #[test]
    fn texts_are_well_formed() {
        let mut rng = StdRng::seed_from_u64(1);
        let leaves = leaf_codes();
        let channels: HashSet<_> = CHANNELS.iter().map(|c| c.0).collect();
        for _ in 0..2000 {
            let t = complaint_text(&mut rng);
            assert!(leaves.contains(t.category_code), "{} is not a leaf", t.category_code);
            assert!(channels.contains(t.channel));
            let summary_len = t.summary.chars().count();
            assert!((1..=40).contains(&summary_len), "summary too long: {}", t.summary);
            let content_len = t.content.chars().count();
            assert!((MIN_CONTENT_CHARS..=600).contains(&content_len), "content length {content_len}: {}", t.content);
            assert!(!t.customer_request.is_empty());
            assert!(t.compensation_yuan <= 5000);
            for text in [&t.summary, &t.content, &t.customer_request] {
                assert!(!text.contains('{') && !text.contains('}'), "unfilled slot: {text}");
            }
            if let Some(order) = &t.order_ref {
                assert!(order.starts_with("HT") && order.len() == 18, "{order}");
            }
            let expected = match t.category_code {
                "product_fault" | "appearance_defect" | "safety_hazard" => "quality",
                "delivery_delay" | "damaged_goods" | "wrong_item" => "logistics",
                "service_fee" if t.department_code == "finance" => "finance",
                "install_issue" | "repair_delay" | "service_fee" => "after_sales",
                "agent_attitude" | "hotline_unreachable" | "suggestion_general" => "call_centre",
                "false_advertising" | "price_dispute" | "promotion_rules" => "marketing",
                "privacy_leak" => "legal",
                _ => "finance",
            };
            assert_eq!(t.department_code, expected, "{}", t.category_code);
            match t.category_code {
                "safety_hazard" | "privacy_leak" => assert_eq!(t.severity, 1),
                "suggestion_general" => assert_eq!(t.severity, 3),
                _ => assert!((1..=3).contains(&t.severity)),
            }
        }
    }

    #[test]
    fn severity_distribution_is_plausible() {
        let mut rng = StdRng::seed_from_u64(99);
        let mut counts = [0u32; 3];
        let mut appliances = 0;
        for _ in 0..2000 {
            let t = complaint_text(&mut rng);
            counts[usize::from(t.severity - 1)] += 1;
            appliances += u32::from(t.company == DemoCompany::Appliances);
        }
        let share = |n: u32| f64::from(n) / 2000.0;
        assert!((0.05..=0.08).contains(&share(counts[0])), "severity 1: {counts:?}");
        assert!((0.50..=0.60).contains(&share(counts[1])), "severity 2: {counts:?}");
        assert!((0.32..=0.45).contains(&share(counts[2])), "severity 3: {counts:?}");
        assert!((0.45..=0.65).contains(&share(appliances)));
    }

    #[test]
    fn phone_numbers_are_valid() {
        let mut rng = StdRng::seed_from_u64(3);
        for _ in 0..1000 {
            let phone = mobile_phone(&mut rng);
            assert_eq!(phone.len(), 11, "{phone}");
            assert!(phone.bytes().all(|b| b.is_ascii_digit()), "{phone}");
            assert!(matches!(&phone[..2], "13" | "15" | "17" | "18" | "19"), "{phone}");
        }
    }

    #[test]
    fn names_and_emails_look_right() {
        let mut rng = StdRng::seed_from_u64(4);
        let mut with_email = 0;
        for _ in 0..900 {
            let name = person_name(&mut rng);
            assert!((2..=4).contains(&name.chars().count()), "{name}");
            let phone = mobile_phone(&mut rng);
            if let Some(email) = maybe_email(&mut rng, &phone) {
                with_email += 1;
                let (local, domain) = email.split_once('@').expect("an @");
                assert!(!local.is_empty() && domain.contains('.'), "{email}");
            }
        }
        assert!((200..=400).contains(&with_email), "{with_email} emails of 900");
    }

    #[test]
    fn follow_up_texts_are_filled() {
        let mut rng = StdRng::seed_from_u64(5);
        let mut texts = Vec::new();
        for code in leaf_codes().into_iter().chain(["unknown"]) {
            for _ in 0..20 {
                texts.push(investigation_note(&mut rng, code));
                texts.push(remedy_explanation(&mut rng, code));
                texts.push(result_report(&mut rng, code));
            }
        }
        for i in 0..40u8 {
            texts.push(satisfaction_comment(&mut rng, i % 7));
            texts.push(return_visit_note(&mut rng, i % 2 == 0));
            texts.push(invalid_reason(&mut rng));
            texts.push(transfer_reason(&mut rng));
            texts.push(disagree_comment(&mut rng));
        }
        for text in texts {
            assert!(!text.is_empty());
            assert!(!text.contains('{') && !text.contains('}'), "unfilled slot: {text}");
        }
    }
}

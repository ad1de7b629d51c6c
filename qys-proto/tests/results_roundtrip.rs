//! No answer loses data: for every result type of the catalogue, a full answer with unknown
//! fields added at every level, IDs and numbers as JSON numbers or strings, and optional
//! fields `null`, decodes, and encoding the decoded value gives every field back.
//!
//! The test is driven by [`qys_proto::api::catalogue`]: an endpoint added tomorrow has a result
//! type, and a result type without a full sample here fails
//! [`every_result_type_has_a_full_sample`].
//!
//! "The same" is JSON equality modulo what a typed reader may change without losing anything:
//! a number and its decimal text (IDs are written as strings, numbers read from text are
//! written as numbers), and an absent field, `null` and `[]` (an empty list reads as none).

use std::collections::BTreeMap;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use qys_proto::api::catalogue::{RouteInfo, catalogue};
use serde_json::{Map, Value, json};

// --- samples: every field each result type knows, at every level, with a value -----------------

fn person() -> Value {
    json!({"name": "张三", "contact": "13800000000", "contactType": "MOBILE", "mobile": "13800000000"})
}

fn template_parameter() -> Value {
    json!({"name": "岗位", "type": "OPTION", "required": true, "options": ["销售", "研发"],
           "defaultValue": "研发"})
}

fn template() -> Value {
    json!({"id": "2589012016299597907", "name": "劳动合同", "title": "劳动合同", "status": "ENABLE",
           "state": "ENABLE", "parameters": [template_parameter()],
           "createTime": "2024-01-01 10:00:00"})
}

fn seal() -> Value {
    json!({"id": 2589012016299597907u64, "name": "合同专用章", "sealType": "ENTERPRISE",
           "spec": "CIRCULAR_42", "status": "NORMAL", "createTime": "2024-01-01 10:00:00",
           "users": [person(), person()]})
}

fn employee() -> Value {
    json!({"id": 2589012016299597001u64, "name": "李四", "mobile": "13900000000",
           "email": "li@example.com", "number": "E-007", "status": "NORMAL",
           "roles": ["SEAL_ADMIN", {"role": "TEMPLATE_ADMIN"}]})
}

fn company() -> Value {
    json!({"id": "2589012016299597111", "name": "某某科技有限公司",
           "registerNo": "91110000000000000X", "status": "AUTH_SUCCESS", "legalPerson": "王五",
           "authEndTime": "2027-01-01 00:00:00"})
}

fn category() -> Value {
    json!({"id": 2589012016299597222u64, "name": "采购合同", "createTime": "2024-01-01 10:00:00"})
}

fn stamper() -> Value {
    json!({"actionId": 2589012016299590001u64, "signatoryId": "2589012016299590002",
           "type": "COMPANY", "acrossType": "ALL_DOCUMENT", "sealPageConfig": "1,2",
           "documentId": 2589012016299590003u64, "documentIds": "2589012016299590003",
           "sealId": "2589012016299590004", "keyword": "甲方", "keywordIndex": -1, "page": 1,
           "offsetX": 0.25, "offsetY": -0.5, "datePattern": "HYPHEN",
           "datePatterns": ["HYPHEN", "Chinese"], "width": 40, "height": 40,
           "rotationDegrees": 90.5})
}

fn action() -> Value {
    json!({"id": 2589012016299590010u64, "type": "COMPANY", "name": "公章", "serialNo": 1,
           "corpSealIds": [2589012016299590004u64, "2589012016299590005"],
           "corpOperators": [person()], "sealId": "2589012016299590004",
           "sealIds": ["2589012016299590004"], "operators": [person(), {"name": "只有名字"}],
           "autoSign": false, "stampers": [stamper()], "actionNo": "A-1", "status": "SIGNED"})
}

fn signatory() -> Value {
    json!({"id": 2589012016299590020u64, "tenantType": "COMPANY", "tenantName": "某某科技有限公司",
           "receiver": {"name": "张三", "contact": "13800000000", "contactType": "MOBILE"},
           "serialNo": 1, "actions": [action()], "stampers": [stamper()],
           "attachments": [{"id": 2589012016299590030u64, "title": "营业执照", "required": true,
                            "needSign": false}],
           "userAuthInfo": {"idCardNo": "110101199001011234", "bankNo": "6222000000000000",
                            "bankMobile": "13800000000", "modifyFields": ["BANKNO"]},
           "category": {"id": "2589012016299597222", "name": "采购合同"},
           "delaySet": false, "fixedFlow": true, "signatoryNo": "S-1",
           "signValidateWay": "DEFAULT", "status": "SIGNING", "sponsor": true})
}

fn contract() -> Value {
    json!({"id": 2591540368898105360u64, "bizId": "order-7", "tenantName": "某某科技有限公司",
           "subject": "租赁合同", "description": "两年", "sn": "HT-001",
           "expireTime": "2027-01-01 00:00:00", "endTime": "2029-01-01 00:00:00",
           "ordinal": true, "send": false,
           "category": {"id": 2589012016299597222u64, "name": "采购合同"},
           "creator": {"name": "只有名字"}, "status": "SIGNING",
           "signatories": [signatory(), signatory()], "signFlowStrategy": "ALL_SIGN_FINISH",
           "stamperRule": "MUST_ALLOW",
           "templateParams": [{"name": "甲方", "value": "某某", "signatoryId": "2589012016299590020",
                               "readOnly": true, "required": false, "defaultValue": "-",
                               "description": "甲方名称"}],
           "documents": [{"id": "2589012016299590003", "title": "合同正文", "pageCount": 3,
                          "createTime": "2024-01-01 10:00:00", "contentType": "pdf"}],
           "copySendTime": "FINISH",
           "copySendReceivers": [{"id": 2589012016299590040u64, "name": "赵六",
                                  "receiver": {"contact": "zhao@example.com", "contactType": "EMAIL"},
                                  "prohibitType": "DOWNLOAD", "copySendPersonType": "PERSONAL",
                                  "createTime": "2024-01-01 10:00:00", "send": "true"}],
           "tags": ["年度", "重要"], "relatedContractIds": [2591540368898105361u64],
           "customFields": [{"key": "k", "name": "金额", "value": "100"}],
           "businessData": "{\"order\":7}", "callbackUrl": "https://cb.example/contract",
           "notifySponsor": false, "comments": "-", "invalidReason": "-",
           "publishTime": "2024-01-02 10:00:00", "createTime": "2024-01-01 10:00:00",
           "invalidExpireTime": "2024-02-01 10:00:00", "invalidFailType": "INVALID_CANCEL"})
}

fn page(items: Vec<Value>) -> Value {
    json!({"totalCount": items.len(), "list": items})
}

/// A full sample per result type, by the catalogue's result type name.
fn samples() -> BTreeMap<&'static str, Value> {
    let link = json!({"pageUrl": "https://qys.example/page?t=1", "status": "SIGNING"});
    BTreeMap::from([
        ("Ack", json!({"anything": [1, "two", null]})),
        (
            "Value",
            json!({"free": {"form": [1, 2.5, "三", true, null]}}),
        ),
        ("Link", link),
        ("TicketResult", json!({"ticket": "tk-1", "expireTime": 600})),
        (
            "DocumentIdResult",
            json!({"documentId": 2589012016299597333u64}),
        ),
        (
            "CreatedTemplate",
            json!({"templateId": "2589012016299597444", "name": "新模板"}),
        ),
        ("CreatedSeal", json!({"id": 2589012016299597555u64})),
        (
            "SealApplication",
            json!({"applyId": 2589012016299597666u64}),
        ),
        ("Seal", seal()),
        ("Page<Seal>", page(vec![seal(), seal()])),
        ("Template", template()),
        ("Page<Template>", page(vec![template()])),
        ("Option<Employee>", employee()),
        ("Page<Employee>", page(vec![employee(), employee()])),
        ("CompanyInfo", company()),
        ("Page<CompanyInfo>", page(vec![company()])),
        ("Page<CategoryInfo>", page(vec![category()])),
        (
            "Page<Value>",
            page(vec![json!({"appId": "a-1", "privileges": ["SIGN"]})]),
        ),
        ("FeeInfo", json!({"balance": 1234.5})),
        ("Contract", contract()),
        ("ContractPage", page(vec![contract(), contract()])),
        ("Signatory", signatory()),
        (
            "CategoryDetail",
            json!({"id": 2589012016299597222u64, "name": "采购合同", "templates": [template()],
                   "defineSignatories": true, "defineSponsor": false,
                   "signatories": [signatory()]}),
        ),
        (
            "AppInfo",
            json!({"appName": "集成应用", "accessToken": "tok", "callbackUrl": "https://cb.example/",
                   "encrypt": true, "callbackSecretKey": "k", "encryptType": "AES_CBC"}),
        ),
        (
            "PersonalAuthLink",
            json!({"authUrl": "https://qys.example/auth", "authId": 2589012016299597777u64}),
        ),
        (
            "PersonalAuthResult",
            json!({"realName": true, "mode": "FACEID"}),
        ),
        (
            "CompanyAuthLink",
            json!({"authUrl": "https://qys.example/cauth", "requestId": "2589012016299597888"}),
        ),
        (
            "CompanyAuthResult",
            json!({"status": 2, "basicStatus": 3, "basicReason": "-", "operAuthorizationReason": "-",
                   "authEndTime": "2027-01-01 00:00:00", "applicantName": "张三", "applicant": "张三"}),
        ),
        (
            "JoinUrls",
            json!({"joinUrls": [{"serialNo": 1, "url": "https://qys.example/join/1"}]}),
        ),
        (
            "DownloadUrls",
            json!({"downloadUrls": [
                {"contractId": 2589012016299597999u64, "documentId": "2589012016299598000",
                 "title": "合同.zip", "downloadItems": "CONTRACT,SIGNLOG",
                 "downloadUrl": "https://qys.example/d/1"},
                {"contractId": "2589012016299597999", "documentId": 2589012016299598001u64,
                 "title": "日志", "downloadItems": ["SIGNLOG"], "downloadUrl": "https://qys.example/d/2"}
            ]}),
        ),
    ])
}

/// Fields that may not be `null`, as (the key of the object's parent, key): the one value of a
/// one-value answer (top level: parent `result`), and the names of template parameters and
/// copy receivers, which qys requires.
const REQUIRED: &[(&str, &str)] = &[
    ("result", "pageUrl"),
    ("result", "ticket"),
    ("result", "documentId"),
    ("result", "templateId"),
    ("templateParams", "name"),
    ("copySendReceivers", "name"),
];

// --- "the same" ----------------------------------------------------------------------------------

/// Whether `v` says "nothing".
fn is_none_like(v: &Value) -> bool {
    v.is_null() || v.as_array().is_some_and(Vec::is_empty)
}

/// The text of a scalar, for comparing a number with its decimal text.
fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Where `sent` and `back` differ (empty when they are the same, see the module doc).
fn differences(sent: &Value, back: &Value, path: &str, out: &mut Vec<String>) {
    if is_none_like(sent) && is_none_like(back) {
        return;
    }
    match (sent, back) {
        (Value::Object(a), Value::Object(b)) => {
            for key in a.keys().chain(b.keys().filter(|k| !a.contains_key(*k))) {
                let x = a.get(key).unwrap_or(&Value::Null);
                let y = b.get(key).unwrap_or(&Value::Null);
                differences(x, y, &format!("{path}.{key}"), out);
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                differences(x, y, &format!("{path}[{i}]"), out);
            }
        }
        _ => {
            let same_text = scalar_text(sent).is_some() && scalar_text(sent) == scalar_text(back);
            let same_number = matches!(
                (sent.as_str().map_or(sent.as_f64(), |s| s.parse().ok()),
                 back.as_str().map_or(back.as_f64(), |s| s.parse().ok())),
                (Some(x), Some(y)) if x == y
            ) && !sent.is_boolean();
            if !(same_text || same_number) {
                out.push(format!("{path}: sent {sent}, got back {back}"));
            }
        }
    }
}

fn roundtrip(route: &RouteInfo, sent: &Value) -> Result<(), String> {
    let reencode = route.reencode.expect("only routes with a result");
    let back = reencode(sent.clone()).map_err(|e| format!("{}: {e}", route.type_name))?;
    // What qys wrote, qys reads back to the same.
    let again = reencode(back.clone()).map_err(|e| format!("{} again: {e}", route.type_name))?;
    if again != back {
        return Err(format!(
            "{}: not stable\nonce  {back}\ntwice {again}",
            route.type_name
        ));
    }
    let mut diff = Vec::new();
    differences(sent, &back, "result", &mut diff);
    if diff.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} ({}) loses data:\n  {}\nsent {sent}\nback {back}",
            route.type_name,
            route.result_type.unwrap_or_default(),
            diff.join("\n  ")
        ))
    }
}

/// The routes with a result, each with the sample of its result type.
fn cases() -> Vec<(&'static RouteInfo, Value)> {
    let samples = samples();
    catalogue()
        .iter()
        .filter_map(|r| Some((r, samples.get(r.result_type?)?.clone())))
        .collect()
}

// --- the sample covers the type --------------------------------------------------------------------

/// Paths where the encoding of `sample` has a field the sample lacks or leaves empty: a field
/// of the type the sample does not exercise.
fn uncovered(sample: &Value, back: &Value, path: &str, out: &mut Vec<String>) {
    match (sample, back) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, y) in b {
                let x = a.get(key).unwrap_or(&Value::Null);
                if is_none_like(x) && is_none_like(y) {
                    out.push(format!("{path}.{key}"));
                } else {
                    uncovered(x, y, &format!("{path}.{key}"), out);
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                uncovered(x, y, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn every_result_type_has_a_full_sample() {
    let samples = samples();
    let mut missing = Vec::new();
    for route in catalogue() {
        match (route.result_type, route.reencode) {
            (Some(name), Some(_)) if !samples.contains_key(name) => {
                missing.push(format!("{name} (of {})", route.type_name));
            }
            (None, None) => {}
            (Some(_), Some(_)) => {}
            _ => panic!("{} has a result type without reencode", route.type_name),
        }
    }
    for (route, sample) in cases() {
        roundtrip(route, &sample).unwrap();
        let back = route.reencode.unwrap()(sample.clone()).unwrap();
        let mut gaps = Vec::new();
        uncovered(&sample, &back, "result", &mut gaps);
        assert!(
            gaps.is_empty(),
            "the sample of {} leaves fields of the type untested: {gaps:?}",
            route.result_type.unwrap_or_default()
        );
    }
    missing.dedup();
    assert!(
        missing.is_empty(),
        "result types without a sample in tests/results_roundtrip.rs: {missing:?}"
    );
}

// --- mutations -----------------------------------------------------------------------------------

/// A small deterministic generator, seeded by proptest (shrinking the seed is enough here).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn chance(&mut self, in_four: u64) -> bool {
        self.next() % 4 < in_four
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[usize::try_from(self.next() % items.len() as u64).unwrap_or(0)]
    }
}

/// JSON the platform might add tomorrow.
fn unknown_value(rng: &mut Rng) -> Value {
    rng.pick(&[
        json!(null),
        json!(true),
        json!(0),
        json!(-17),
        json!(2.75),
        json!(9_223_372_036_854_775_807i64),
        json!(18_446_744_073_709_551_615u64),
        json!(""),
        json!("新字段 ✓ \"quoted\" \\ /"),
        json!([]),
        json!({}),
        json!([1, "two", {"three": [null]}]),
        json!({"nested": {"id": 2589012016299590000u64, "list": [{"a": 1}]}}),
    ])
    .clone()
}

fn is_id_key(key: &str) -> bool {
    key == "id" || key.ends_with("Id") || key.ends_with("Ids")
}

/// An ID as a number or a string, a number as a string.
fn flip_scalar(value: &mut Value, id: bool, rng: &mut Rng) {
    match value {
        Value::Number(n) if rng.chance(2) => *value = Value::String(n.to_string()),
        Value::String(s) if id && rng.chance(2) => {
            if let Ok(n) = s.parse::<u64>() {
                *value = json!(n);
            }
        }
        _ => {}
    }
}

/// Adds unknown fields to every object, flips IDs and numbers, and sets optional fields null;
/// `parent` is the key the value is under (`result` at the top).
fn mutate(value: &mut Value, parent: &str, rng: &mut Rng) {
    let id = is_id_key(parent);
    match value {
        Value::Object(map) => {
            let keys: Vec<String> = map.keys().cloned().collect();
            for key in keys {
                let field = map.get_mut(&key).expect("listed");
                if !REQUIRED.contains(&(parent, key.as_str())) && rng.chance(1) {
                    *field = Value::Null;
                } else {
                    mutate(field, &key, rng);
                }
            }
            let added = rng.next() % 3;
            for i in 0..added {
                map.insert(format!("zzUnknown{i}"), unknown_value(rng));
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| mutate(v, parent, rng)),
        scalar => flip_scalar(scalar, id, rng),
    }
}

#[test]
fn every_result_gives_back_every_field_whatever_is_added_flipped_or_nulled() {
    let cases = cases();
    assert!(!cases.is_empty());
    let mut runner = TestRunner::new(Config {
        cases: 64,
        ..Config::default()
    });
    runner
        .run(&any::<u64>(), |seed| {
            let mut rng = Rng(seed | 1);
            for (route, sample) in &cases {
                let mut sent = sample.clone();
                mutate(&mut sent, "result", &mut rng);
                roundtrip(route, &sent).map_err(TestCaseError::fail)?;
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn a_page_and_a_link_are_written_back_in_the_form_they_came() {
    let by_result = |name: &str| {
        catalogue()
            .iter()
            .find(|r| r.result_type == Some(name))
            .and_then(|r| r.reencode)
            .unwrap()
    };
    let page = by_result("Page<CompanyInfo>");
    assert_eq!(page(json!([{"name": "甲"}])).unwrap()[0]["name"], "甲");
    assert_eq!(page(Value::Null).unwrap(), Value::Null);
    let link = by_result("Link");
    let bare = json!("https://qys.example/x");
    assert_eq!(link(bare.clone()).unwrap(), bare);
    let short = json!({"shortUrl": "https://s.example/1", "expire": 3});
    assert_eq!(link(short.clone()).unwrap(), short);
    let mut only_name = Map::new();
    only_name.insert("users".into(), json!([{"name": "只有名字"}]));
    let seal = by_result("Seal")(Value::Object(only_name)).unwrap();
    assert_eq!(seal["users"][0]["name"], "只有名字");
}

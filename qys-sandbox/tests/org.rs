//! The organization, seal, template and category endpoints over real HTTP: successes built
//! with qys-proto's endpoint types (so the SDK and the sandbox's tables check each other, in
//! strict mode), and field-table rejections, state transitions and unknown IDs with hand-made
//! requests.

mod support;

use std::time::{Duration, Instant};

use qys_proto::api::category::*;
use qys_proto::api::company::*;
use qys_proto::api::employee::*;
use qys_proto::api::org_types::{MemberOperate, Role, Toggle};
use qys_proto::api::seal::*;
use qys_proto::api::template::*;
use qys_proto::multipart::UploadFile;
use qys_proto::types::{TemplateParam, User};
use qys_proto::{Error as QysError, ErrorCode, SealId};
use qys_sandbox::{CallbackKind, Sandbox};
use serde_json::{Value, json};
use support::*;

/// A signed multipart POST of text parts and one file part (through `support::post_form`).
fn multipart(
    sandbox: &Sandbox,
    path: &str,
    texts: &[(&str, &str)],
    file: Option<(&str, &str, &[u8])>,
) -> Answer {
    let mut parts: Vec<Part<'_>> = texts
        .iter()
        .map(|(name, value)| (*name, None, value.as_bytes()))
        .collect();
    if let Some((name, file_name, bytes)) = file {
        parts.push((name, Some(file_name), bytes));
    }
    post_form(sandbox, path, &parts)
}

#[track_caller]
fn api_code<T: std::fmt::Debug>(result: Result<T, QysError>) -> (ErrorCode, String) {
    let e = api_error(result);
    (e.kind(), e.response_code().unwrap_or_default().to_owned())
}

fn person(mobile: &str, name: &str) -> User {
    User::mobile(mobile).with_name(name)
}

// --- company -------------------------------------------------------------------------------------

#[test]
fn platform_info_and_company_detail() {
    let sandbox = strict();
    let f = sandbox.fixtures().clone();
    let info = call(&sandbox, &PlatformInfoRequest::new()).unwrap();
    assert_eq!(info.name.as_deref(), Some(f.authenticated_company.as_str()));
    assert_eq!(info.id.as_ref(), Some(&f.platform_company_id));
    assert_eq!(
        info.status,
        Some(qys_proto::api::org_types::CompanyStatus::AuthSuccess)
    );
    let by_name = call(
        &sandbox,
        &CompanyDetailRequest::by_name(&f.authenticated_company),
    )
    .unwrap();
    assert_eq!(by_name.id, info.id);
    assert!(by_name.legal_person.is_some() && by_name.auth_end_time.is_some());
    let reg = by_name.register_no.clone().unwrap();
    let by_reg = call(&sandbox, &CompanyDetailRequest::by_register_no(&reg)).unwrap();
    assert_eq!(by_reg.name, by_name.name);
    let unknown = call(&sandbox, &CompanyDetailRequest::by_name("不存在的公司")).unwrap();
    assert_eq!(
        unknown.status,
        Some(qys_proto::api::org_types::CompanyStatus::Unregistered)
    );
    assert_eq!(unknown.id, None);
    // Neither field: the rule of the table.
    assert_1005(
        &get(&sandbox, "/v2/company/detail", ""),
        "companyName or registerNo",
    );
}

#[test]
fn sub_companies_are_invited_and_removed() {
    let sandbox = strict();
    let f = sandbox.fixtures().clone();
    let names = |sandbox: &Sandbox| -> Vec<String> {
        call(sandbox, &SubCompanyListRequest::new())
            .unwrap()
            .list
            .into_iter()
            .map(|c| c.name.unwrap())
            .collect()
    };
    assert_eq!(names(&sandbox), std::slice::from_ref(&f.sub_company_name));
    call(
        &sandbox,
        &SubCompanyInviteRequest::new(&f.invitable_company).biz_id("inv-1"),
    )
    .unwrap();
    assert_eq!(
        names(&sandbox),
        [f.sub_company_name.clone(), f.invitable_company.clone()]
    );
    // The new sub-company can be acted for at once.
    let fee = call(
        &sandbox,
        &CompanyFeeInfoRequest::new().company_name(&f.invitable_company),
    )
    .unwrap();
    assert!(fee.balance.is_some());
    // Twice, the platform itself, an unknown company.
    let again = post_json(
        &sandbox,
        "/v2/subcompany/invite",
        &json!({"companyName": f.invitable_company}),
    );
    assert_1005(&again, "already a sub-company");
    let me = post_json(
        &sandbox,
        "/v2/subcompany/invite",
        &json!({"companyName": f.authenticated_company}),
    );
    assert_1005(&me, "platform company");
    let (code, rc) = api_code(call(
        &sandbox,
        &SubCompanyInviteRequest::new("没有认证的公司"),
    ));
    assert_eq!(
        (code, rc.as_str()),
        (ErrorCode::CompanyNotFound, "11041801")
    );
    assert_1005(
        &post_json(
            &sandbox,
            "/v2/subcompany/invite",
            &json!({"registerNo": "1"}),
        ),
        "companyName is required",
    );

    call(
        &sandbox,
        &SubCompanyRemoveRequest::new(&f.invitable_company),
    )
    .unwrap();
    assert_eq!(names(&sandbox), std::slice::from_ref(&f.sub_company_name));
    // Removed: known but no longer a member.
    let (code, _) = api_code(call(
        &sandbox,
        &SubCompanyRemoveRequest::new(&f.invitable_company),
    ));
    assert_eq!(code, ErrorCode::CompanyPermissionDenied);
    let (code, _) = api_code(call(&sandbox, &SubCompanyRemoveRequest::new("谁也不是")));
    assert_eq!(code, ErrorCode::CompanyNotFound);
    let (code, _) = api_code(call(
        &sandbox,
        &EmployeeListRequest::new().tenant_name(&f.invitable_company),
    ));
    assert_eq!(code, ErrorCode::CompanyPermissionDenied);
    assert_1005(
        &get(&sandbox, "/v2/subcompany/remove", ""),
        "companyName is required",
    );
}

#[test]
fn change_info_links_and_fees() {
    let sandbox = strict();
    let f = sandbox.fixtures().clone();
    let link = call(
        &sandbox,
        &CompanyChangeInfoRequest::new(f.admin.clone())
            .company_id(f.platform_company_id.clone())
            .h5(true),
    )
    .unwrap();
    assert!(
        link.url
            .starts_with(&format!("{}/sandbox/companyinfo/", sandbox.base_url())),
        "{}",
        link.url
    );
    let link = call(
        &sandbox,
        &CompanyChangeInfoRequest::new(f.admin.clone()).company_name(&f.sub_company_name),
    )
    .unwrap();
    assert!(link.url.contains("/sandbox/companyinfo/"), "{}", link.url);
    let (code, _) = api_code(call(
        &sandbox,
        &CompanyChangeInfoRequest::new(f.admin.clone()).company_name(&f.invitable_company),
    ));
    assert_eq!(code, ErrorCode::CompanyPermissionDenied);
    let bad = post_json(
        &sandbox,
        "/v2/company/changeinfo",
        &json!({"applicant": {"contact": "1", "contactType": "EMPLOYEEID"}, "companyName": f.authenticated_company}),
    );
    assert_1005(&bad, "applicant.contactType");
    let none = post_json(
        &sandbox,
        "/v2/company/changeinfo",
        &json!({"applicant": {"contact": "13900000000", "contactType": "MOBILE"}}),
    );
    assert_1005(&none, "companyName or companyId or registerNo");
    assert_1005(
        &post_json(
            &sandbox,
            "/v2/company/changeinfo",
            &json!({"applicant": {"contact": "1", "contactType": "MOBILE"}, "companyId": "x1"}),
        ),
        "companyId must be an ID",
    );

    let fee = call(&sandbox, &CompanyFeeInfoRequest::new()).unwrap();
    assert_eq!(fee.balance, Some(10_000.0));
    assert_eq!(fee.extra["companyName"], json!(f.authenticated_company));
    let sub = call(
        &sandbox,
        &CompanyFeeInfoRequest::new().company_name(&f.sub_company_name),
    )
    .unwrap();
    assert_eq!(sub.balance, Some(500.0));
    let (code, _) = api_code(call(
        &sandbox,
        &CompanyFeeInfoRequest::new().company_name("谁也不是"),
    ));
    assert_eq!(code, ErrorCode::CompanyNotFound);
}

// --- employees -----------------------------------------------------------------------------------

#[test]
fn employees_are_created_listed_updated_and_removed() {
    let sandbox = strict();
    let f = sandbox.fixtures().clone();
    let li = person("13700000001", "李四");
    let created = call(
        &sandbox,
        &EmployeeCreateRequest::new(li.clone()).number("E100"),
    )
    .unwrap()
    .expect("the new employee");
    assert_eq!(created.name.as_deref(), Some("李四"));
    assert_eq!(created.mobile.as_deref(), Some("13700000001"));
    let id = created.id.unwrap();

    // Listed after the seeded administrator; paged.
    let page = call(&sandbox, &EmployeeListRequest::new()).unwrap();
    assert_eq!(page.total_count, Some(2));
    assert_eq!(page.list[0].id.as_ref(), Some(&f.admin_employee_id));
    assert_eq!(page.list[1].id.as_ref(), Some(&id));
    let second = call(
        &sandbox,
        &EmployeeListRequest::new().select_offset(1).select_limit(1),
    )
    .unwrap();
    assert_eq!((second.total_count, second.list.len()), (Some(2), 1));
    assert_eq!(second.list[0].id.as_ref(), Some(&id));
    let past = call(&sandbox, &EmployeeListRequest::new().select_offset(5)).unwrap();
    assert!(past.list.is_empty());

    // Detail by mobile, by ID, by number.
    for user in [
        li.clone(),
        User::new(id.as_str(), qys_proto::types::ContactType::EmployeeId),
        User::new("E100", qys_proto::types::ContactType::Number),
    ] {
        let e = call(&sandbox, &EmployeeDetailRequest::new(user))
            .unwrap()
            .unwrap();
        assert_eq!(e.id.as_ref(), Some(&id));
    }
    // The same person again: the same employee; another name: 1703; a taken number: 1005.
    let again = call(&sandbox, &EmployeeCreateRequest::new(li.clone()))
        .unwrap()
        .unwrap();
    assert_eq!(again.id.as_ref(), Some(&id));
    let (code, rc) = api_code(call(
        &sandbox,
        &EmployeeCreateRequest::new(person("13700000001", "王五")),
    ));
    assert_eq!((code, rc.as_str()), (ErrorCode::Unknown(1703), "11041703"));
    let taken = call(
        &sandbox,
        &EmployeeCreateRequest::new(person("13700000002", "赵六")).number("E100"),
    );
    assert_eq!(api_code(taken).0, ErrorCode::InvalidParam);
    // The verified name holds in sub-companies too.
    let (code, _) = api_code(call(
        &sandbox,
        &EmployeeCreateRequest::new(person("13700000001", "王五")).tenant_name(&f.sub_company_name),
    ));
    assert_eq!(code, ErrorCode::Unknown(1703));
    let in_sub = call(
        &sandbox,
        &EmployeeCreateRequest::new(li.clone()).tenant_name(&f.sub_company_name),
    )
    .unwrap()
    .unwrap();
    assert_ne!(in_sub.id.as_ref(), Some(&id));

    // Update.
    call(
        &sandbox,
        &EmployeeUpdateRequest::new(li.clone()).number("E101"),
    )
    .unwrap();
    let e = call(&sandbox, &EmployeeDetailRequest::new(li.clone()))
        .unwrap()
        .unwrap();
    assert_eq!(e.number.as_deref(), Some("E101"));

    // Roles: grant, list by role, withdraw.
    call(
        &sandbox,
        &RoleManageRequest::new(Role::SealAdmin, [li.clone()]),
    )
    .unwrap();
    let admins = call(&sandbox, &EmployeeListRequest::new().role(Role::SealAdmin)).unwrap();
    assert_eq!(admins.total_count, Some(2));
    call(
        &sandbox,
        &RoleManageRequest::new(Role::SealAdmin, [li.clone()]).operate(MemberOperate::Remove),
    )
    .unwrap();
    let admins = call(&sandbox, &EmployeeListRequest::new().role(Role::SealAdmin)).unwrap();
    assert_eq!(admins.total_count, Some(1));
    call(
        &sandbox,
        &RoleManageRequest::new(Role::TemplateAdmin, [li.clone()]),
    )
    .unwrap();
    // All or nothing: one stranger fails the whole call.
    let (code, _) = api_code(call(
        &sandbox,
        &RoleManageRequest::new(Role::SealAdmin, [li.clone(), User::mobile("13000000000")]),
    ));
    assert_eq!(code, ErrorCode::EmployeeNotFound);
    assert_eq!(
        call(&sandbox, &EmployeeListRequest::new().role(Role::SealAdmin))
            .unwrap()
            .total_count,
        Some(1)
    );

    // Remove, handing the roles to the administrator: gone afterwards.
    call(
        &sandbox,
        &EmployeeRemoveRequest::new(li.clone()).transfer_employee(f.admin.contact.clone()),
    )
    .unwrap();
    let (code, rc) = api_code(call(&sandbox, &EmployeeDetailRequest::new(li.clone())));
    assert_eq!(
        (code, rc.as_str()),
        (ErrorCode::EmployeeNotFound, "11041701")
    );
    assert_eq!(
        api_code(call(&sandbox, &EmployeeRemoveRequest::new(li.clone()))).0,
        ErrorCode::EmployeeNotFound
    );
    assert_eq!(
        api_code(call(&sandbox, &EmployeeUpdateRequest::new(li.clone()))).0,
        ErrorCode::EmployeeNotFound
    );
    assert_eq!(
        call(&sandbox, &EmployeeListRequest::new())
            .unwrap()
            .total_count,
        Some(1)
    );
    // The sub-company's employee is another one and still there.
    assert!(
        call(
            &sandbox,
            &EmployeeDetailRequest::new(li).tenant_name(&f.sub_company_name)
        )
        .is_ok()
    );
}

#[test]
fn employee_field_tables() {
    let sandbox = strict();
    let no_name = post_json(
        &sandbox,
        "/v2/employee/create",
        &json!({"user": {"contact": "13700000009", "contactType": "MOBILE"}}),
    );
    assert_1005(&no_name, "user.name is required");
    let by_number = post_json(
        &sandbox,
        "/v2/employee/create",
        &json!({"user": {"contact": "9", "contactType": "NUMBER", "name": "x"}}),
    );
    assert_1005(&by_number, "user.contactType");
    assert_1005(
        &post_json(&sandbox, "/v2/employee/detail", &json!({})),
        "user is required",
    );
    assert_1005(
        &post_json(
            &sandbox,
            "/v2/employee/update",
            &json!({"user": "13700000009"}),
        ),
        "user must be an object",
    );
    let remove = post_json(
        &sandbox,
        "/v2/employee/remove",
        &json!({"contact": "9", "contactType": "NUMBER"}),
    );
    assert_1005(&remove, "contactType");
    let role = post_json(
        &sandbox,
        "/v2/role/manage",
        &json!({"role": "SYSTEM_ADMIN", "users": [{"contact": "1", "contactType": "MOBILE"}]}),
    );
    assert_1005(&role, "role must be one of SEAL_ADMIN, TEMPLATE_ADMIN");
    // 管理员工角色 does not mark `users` required; 员工列表 gives `selectLimit` no range.
    call(&sandbox, &RoleManageRequest::new(Role::SealAdmin, [])).expect("no users to change");
    let wide = call(&sandbox, &EmployeeListRequest::new().select_limit(1001)).expect("1001");
    assert!(!wide.list.is_empty());
    let none = call(&sandbox, &EmployeeListRequest::new().select_limit(0)).expect("0");
    assert!(none.list.is_empty());
    assert_1005(
        &get(&sandbox, "/v2/employee/list", "selectLimit=-1"),
        "selectLimit",
    );
    assert_1005(
        &get(&sandbox, "/v2/employee/list", "selectOffset=abc"),
        "selectOffset",
    );
    assert_1005(
        &get(&sandbox, "/v2/employee/list", "selectOffset=-1"),
        "selectOffset",
    );
    assert_1005(&get(&sandbox, "/v2/employee/list", "role=BOSS"), "role");
    // The contract list reads its page the same way: a bad value is 1005, never a default.
    for (query, field) in [
        ("selectLimit=abc", "selectLimit"),
        ("selectLimit=-1", "selectLimit"),
        ("selectOffset=-5", "selectOffset"),
    ] {
        assert_1005(&get(&sandbox, "/v2/contract/list", query), field);
    }
}

#[test]
fn the_same_create_request_five_times_in_an_hour_is_locked() {
    let sandbox = Sandbox::start().unwrap();
    let body = json!({"user": {"contact": "13700000077", "contactType": "MOBILE", "name": "钱七"}});
    for _ in 0..5 {
        let a = post_json(&sandbox, "/v2/employee/create", &body);
        assert_eq!(a.json()["code"], 0, "{}", a.json());
    }
    let locked = post_json(&sandbox, "/v2/employee/create", &body);
    assert_error(&locked, 200, 1006, "11990006");
    // Another request is not locked.
    let other = json!({"user": {"contact": "13700000077", "contactType": "MOBILE", "name": "钱七"}, "number": "E7"});
    assert_eq!(
        post_json(&sandbox, "/v2/employee/create", &other).json()["code"],
        0
    );
    // The lock lasts six hours by the sandbox's clock.
    let at_sandbox_time = |sandbox: &Sandbox| {
        let params = qys_proto::SigningParams::new(
            sandbox.clock().unix_ms(),
            qys_proto::Nonce::new(uuid_like()).unwrap(),
        );
        let request = signed_raw(
            sandbox,
            "POST",
            "/v2/employee/create",
            Some("application/json"),
            body.to_string().as_bytes(),
            &params,
        );
        send(sandbox, &request)
    };
    sandbox.clock().advance(Duration::from_secs(6 * 3600 - 60));
    assert_error(&at_sandbox_time(&sandbox), 200, 1006, "11990006");
    sandbox.clock().advance(Duration::from_secs(61));
    assert_eq!(at_sandbox_time(&sandbox).json()["code"], 0);
}

/// A nonce unlike any other in this test process.
fn uuid_like() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    format!("org-test-{}-{}", now_ms(), N.fetch_add(1, Ordering::SeqCst))
}

// --- seals ---------------------------------------------------------------------------------------

#[test]
fn seals_are_created_drawn_frozen_and_removed() {
    let sandbox = strict();
    let f = sandbox.fixtures().clone();
    let mut info = SealImageInfo::new(SealStyle::SpecialSeal);
    info.foot = Some("合同专用章".into());
    info.spec = Some(SealSpec::Oval45x30);
    let created = call(&sandbox, &SealAutoCreateRequest::new("合同专用章", info)).unwrap();
    let id = created.id.unwrap();

    let detail = call(&sandbox, &SealDetailRequest::new(id.clone())).unwrap();
    assert_eq!(detail.name.as_deref(), Some("合同专用章"));
    assert_eq!(detail.status, Some(SealStatus::Normal));
    assert_eq!(detail.seal_type, Some(SealType::Enterprise));
    assert_eq!(detail.spec, Some(SealSpec::Oval45x30));
    // Default users: the seal administrators.
    assert_eq!(detail.users.len(), 1);
    assert_eq!(detail.users[0].contact, f.admin.contact);

    let image = download(&sandbox, &SealImageRequest::new(id.clone()));
    assert_eq!(image.status, 200);
    assert_eq!(image.header("content-type"), Some("image/png"));
    assert!(image.body.starts_with(b"\x89PNG\r\n\x1a\n"));
    assert!(
        image
            .header("content-disposition")
            .unwrap()
            .contains(".png")
    );

    let ids = |sandbox: &Sandbox, status: Option<SealStatus>| -> Vec<SealId> {
        let mut r = SealListRequest::new();
        if let Some(s) = status {
            r = r.status(s);
        }
        call(sandbox, &r)
            .unwrap()
            .list
            .into_iter()
            .map(|s| s.id.unwrap())
            .collect()
    };
    assert_eq!(ids(&sandbox, None), [f.company_seal_id.clone(), id.clone()]);

    let (code, rc) = api_code(call(&sandbox, &SealRemoveRequest::new(id.clone())));
    assert_eq!(
        (code, rc.as_str()),
        (ErrorCode::InvalidSealStatus, "11011203")
    );
    call(
        &sandbox,
        &SealStatusRequest::new(id.clone(), Toggle::Disable),
    )
    .unwrap();
    assert_eq!(
        call(&sandbox, &SealDetailRequest::new(id.clone()))
            .unwrap()
            .status,
        Some(SealStatus::Freeze)
    );
    assert_eq!(
        ids(&sandbox, None),
        std::slice::from_ref(&f.company_seal_id)
    );
    assert_eq!(
        ids(&sandbox, Some(SealStatus::Freeze)),
        std::slice::from_ref(&id)
    );
    assert_eq!(ids(&sandbox, Some(SealStatus::All)).len(), 2);
    // Twice the same state is fine.
    call(
        &sandbox,
        &SealStatusRequest::new(id.clone(), Toggle::Disable),
    )
    .unwrap();
    call(&sandbox, &SealRemoveRequest::new(id.clone())).unwrap();
    for result in [
        call(&sandbox, &SealDetailRequest::new(id.clone())).map(|_| ()),
        call(
            &sandbox,
            &SealStatusRequest::new(id.clone(), Toggle::Enable),
        )
        .map(|_| ()),
        call(&sandbox, &SealRemoveRequest::new(id.clone())).map(|_| ()),
        call(&sandbox, &SealEditRequest::new(id.clone()).seal_name("x")).map(|_| ()),
    ] {
        let (code, rc) = api_code(result);
        assert_eq!((code, rc.as_str()), (ErrorCode::SealNotFound, "11011201"));
    }
    let gone = download(&sandbox, &SealImageRequest::new(id));
    assert_error(&gone, 200, 1201, "11011201");
}

#[test]
fn seal_edit_renames_and_changes_users() {
    let sandbox = strict();
    let f = sandbox.fixtures().clone();
    let li = person("13700000011", "李四");
    call(&sandbox, &EmployeeCreateRequest::new(li.clone())).unwrap();
    let seal = f.company_seal_id.clone();
    call(
        &sandbox,
        &SealEditRequest::new(seal.clone())
            .seal_name("新名字")
            .seal_users([li.clone()]),
    )
    .unwrap();
    let d = call(&sandbox, &SealDetailRequest::new(seal.clone())).unwrap();
    assert_eq!(d.name.as_deref(), Some("新名字"));
    assert_eq!(d.users.len(), 2);
    call(
        &sandbox,
        &SealEditRequest::new(seal.clone())
            .seal_users([f.admin])
            .operate(MemberOperate::Remove),
    )
    .unwrap();
    let d = call(&sandbox, &SealDetailRequest::new(seal.clone())).unwrap();
    assert_eq!(
        d.users
            .iter()
            .map(|u| u.contact.as_str())
            .collect::<Vec<_>>(),
        [li.contact.as_str()]
    );
    let (code, _) = api_code(call(
        &sandbox,
        &SealEditRequest::new(seal.clone()).seal_users([User::mobile("13000000000")]),
    ));
    assert_eq!(code, ErrorCode::EmployeeNotFound);
    // Removing the employee removes them from the seal.
    call(&sandbox, &EmployeeRemoveRequest::new(li)).unwrap();
    assert!(
        call(&sandbox, &SealDetailRequest::new(seal))
            .unwrap()
            .users
            .is_empty()
    );
}

#[test]
fn seal_field_tables() {
    let sandbox = strict();
    assert_1005(
        &get(&sandbox, "/v2/seal/sealdetail", "sealId=abc"),
        "sealId must be an ID",
    );
    assert_1005(&get(&sandbox, "/v2/seal/image", ""), "sealId is required");
    assert_1005(&get(&sandbox, "/v2/seal/remove", ""), "sealId is required");
    assert_1005(&get(&sandbox, "/v2/seal/list", "status=BROKEN"), "status");
    assert_1005(
        &get(&sandbox, "/v2/seal/list", "modifyTimeStart=2024-01-01"),
        "modifyTimeStart",
    );
    let unknown = get(&sandbox, "/v2/seal/sealdetail", "sealId=1");
    assert_error(&unknown, 200, 1201, "11011201");
    assert_1005(
        &post_json(
            &sandbox,
            "/v2/seal/autocreate",
            &json!({"name": "x", "sealImageInfo": {"style": "SPECIAL_SEAL"}}),
        ),
        "sealImageInfo.foot",
    );
    assert_1005(
        &post_json(
            &sandbox,
            "/v2/seal/autocreate",
            &json!({"name": "x", "sealImageInfo": {"style": "UNIVERSAL_SEAL", "spec": "SQUARE_20_20"}}),
        ),
        "sealImageInfo.spec",
    );
    assert_1005(
        &post_json(&sandbox, "/v2/seal/autocreate", &json!({"name": "x"})),
        "sealImageInfo is required",
    );
    assert_1005(
        &post_json(
            &sandbox,
            "/v2/seal/autocreate",
            &json!({"name": "印".repeat(101), "sealImageInfo": {"style": "UNIVERSAL_SEAL"}}),
        ),
        "name is longer than 100",
    );
    assert_1005(
        &post_json(
            &sandbox,
            "/v2/seal/status",
            &json!({"sealId": "1", "operate": "FREEZE"}),
        ),
        "operate",
    );
    assert_1005(
        &post_json(&sandbox, "/v2/seal/edit", &json!({"sealName": "x"})),
        "sealId is required",
    );
    let image = post_json(
        &sandbox,
        "/v2/seal/createbyimage",
        &json!({"sealName": "x", "sealImage": "data:image/png;base64,iVBO"}),
    );
    assert_1005(&image, "sealImage must be plain Base64");
    assert_1005(
        &post_json(
            &sandbox,
            "/v2/seal/createbyimage",
            &json!({"sealName": "x", "sealImage": "@@@"}),
        ),
        "sealImage is not valid Base64",
    );
    assert_1005(
        &post_json(
            &sandbox,
            "/v2/seal/createbyimage",
            &json!({"sealName": "x", "sealImage": "iVBORw0KGgo=", "sealType": "LP"}),
        ),
        "lpLetter is required",
    );
    assert_1005(
        &post_json(
            &sandbox,
            "/v2/seal/createbyimage",
            &json!({"sealName": "x", "sealImage": "iVBORw0KGgo=", "width": 30}),
        ),
        "only allowed with sealSpec DIY_SPEC",
    );
    assert_1005(
        &post_json(
            &sandbox,
            "/v2/seal/createbyimage",
            &json!({"sealName": "x", "sealImage": "iVBORw0KGgo=", "sealSpec": "DIY_SPEC", "width": 30}),
        ),
        "height is required",
    );
    let empty_users = post_json(
        &sandbox,
        "/v2/seal/createbyimage",
        &json!({"sealName": "x", "sealImage": "iVBORw0KGgo=", "sealUsers": []}),
    );
    assert_error(&empty_users, 200, 1207, "11011207");
}

fn deliveries_of(sandbox: &Sandbox, kind: CallbackKind, n: usize) -> Vec<qys_sandbox::Delivery> {
    let start = Instant::now();
    loop {
        let d: Vec<_> = sandbox
            .deliveries()
            .into_iter()
            .filter(|d| d.kind == kind)
            .collect();
        if d.len() >= n || start.elapsed() > Duration::from_secs(5) {
            return d;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn image_seals_are_reviewed_at_once_with_a_callback() {
    let sandbox = strict();
    let f = sandbox.fixtures().clone();
    // A real PNG (the sandbox's own drawing of the fixture seal), as Base64.
    let png = download(&sandbox, &SealImageRequest::new(f.company_seal_id)).body;
    let b64 = base64_encode(&png);
    let apply = call(
        &sandbox,
        &SealCreateByImageRequest::new("图片章", b64.clone())
            .callback_url("https://example.invalid/seal"),
    )
    .unwrap();
    let apply_id = apply.apply_id.unwrap();
    let d = deliveries_of(&sandbox, CallbackKind::SealReview, 1);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].url.as_deref(), Some("https://example.invalid/seal"));
    assert_eq!(d[0].fields["applyId"], json!(apply_id));
    assert_eq!(d[0].fields["result"], json!("PASS"));
    let detail: Value = serde_json::from_str(d[0].fields["detail"].as_str().unwrap()).unwrap();
    assert_eq!(detail["sealName"], json!("图片章"));
    assert_eq!(detail["sealType"], json!("ENTERPRISE"));
    let seal_id = SealId::new(detail["sealId"].as_str().unwrap());
    // The seal exists, NORMAL, with exactly the uploaded image.
    let seal = call(&sandbox, &SealDetailRequest::new(seal_id.clone())).unwrap();
    assert_eq!(seal.status, Some(SealStatus::Normal));
    assert_eq!(
        download(&sandbox, &SealImageRequest::new(seal_id)).body,
        png
    );

    // Not an image: rejected, no seal.
    let before = call(&sandbox, &SealListRequest::new().status(SealStatus::All))
        .unwrap()
        .total_count;
    call(
        &sandbox,
        &SealCreateByImageRequest::new("坏图", base64_encode(b"not an image")),
    )
    .unwrap();
    let d = deliveries_of(&sandbox, CallbackKind::SealReview, 2);
    assert_eq!(d[1].fields["result"], json!("REJECT"));
    let detail: Value = serde_json::from_str(d[1].fields["detail"].as_str().unwrap()).unwrap();
    assert!(detail["rejectReason"].as_str().is_some());
    assert!(detail.get("sealId").is_none());
    assert_eq!(
        call(&sandbox, &SealListRequest::new().status(SealStatus::All))
            .unwrap()
            .total_count,
        before
    );

    // One LP seal per company.
    let lp = || {
        SealCreateByImageRequest::new("法人章", b64.clone())
            .seal_type(SealType::Lp)
            .lp_letter("JVBERi0=")
    };
    call(&sandbox, &lp()).unwrap();
    let (code, rc) = api_code(call(&sandbox, &lp()));
    assert_eq!((code, rc.as_str()), (ErrorCode::Unknown(1204), "11011204"));
}

fn base64_encode(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in bytes.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

// --- templates -----------------------------------------------------------------------------------

const WORD: &[u8] =
    "PK\u{3}\u{4}word/document.xml 甲方：{{甲方}} 乙方：{{乙方}} 甲方签字：{{甲方}}".as_bytes();

fn word(name: &str) -> UploadFile<&'static [u8]> {
    UploadFile::new(name, WORD.len() as u64, WORD)
}

#[test]
fn templates_are_created_from_word_and_downloaded_back() {
    let sandbox = strict();
    let f = sandbox.fixtures().clone();
    let created = upload(
        &sandbox,
        &TemplateCreateByWordRequest::new("劳动合同", word("劳动合同.docx"))
            .rename_repeat_param(true)
            .managers([f.admin.clone()])
            .all_user(true),
        &[WORD],
    )
    .unwrap();
    let id = created.template_id;
    let t = call(&sandbox, &TemplateDetailRequest::new(id.clone())).unwrap();
    assert_eq!(t.name.as_deref(), Some("劳动合同"));
    assert_eq!(t.status.as_deref(), Some("ENABLED"));
    let names: Vec<_> = t
        .parameters
        .iter()
        .map(|p| p.name.clone().unwrap())
        .collect();
    assert_eq!(names, ["甲方", "乙方", "甲方1"]);

    let file = download(&sandbox, &TemplateDownloadRequest::new(id.clone()));
    assert_eq!(file.status, 200);
    assert_eq!(file.body, WORD);
    let cd = file.header("content-disposition").unwrap();
    assert!(
        cd.contains(&qys_proto::query::encode("劳动合同.docx").to_string()),
        "{cd}"
    );

    let list = call(&sandbox, &TemplateListRequest::new()).unwrap();
    assert_eq!(list.total_count, Some(2));
    assert_eq!(list.list[0].id.as_ref(), Some(&f.template_id));
    assert_eq!(list.list[1].id.as_ref(), Some(&id));
    let link = call(&sandbox, &TemplatePageUrlRequest::new(id.clone())).unwrap();
    assert!(link.url.contains(id.as_str()));

    // Edit: title and rules of an existing parameter; an unknown one is refused.
    let mut p = TemplateParam::new("乙方", "");
    p.value = None;
    p.required = Some(true);
    p.default_value = Some("某某公司".into());
    call(
        &sandbox,
        &TemplateEditRequest::new(id.clone())
            .title("新劳动合同")
            .template_params([p]),
    )
    .unwrap();
    let t = call(&sandbox, &TemplateDetailRequest::new(id.clone())).unwrap();
    assert_eq!(t.name.as_deref(), Some("新劳动合同"));
    assert_eq!(t.parameters[1].required, Some(true));
    assert_eq!(t.parameters[1].default_value.as_deref(), Some("某某公司"));
    let mut q = TemplateParam::new("丙方", "");
    q.value = None;
    assert_eq!(
        api_code(call(
            &sandbox,
            &TemplateEditRequest::new(id.clone()).template_params([q])
        ))
        .0,
        ErrorCode::InvalidParam
    );
    assert_eq!(
        api_code(call(
            &sandbox,
            &TemplateEditRequest::new(id.clone()).range([User::mobile("13000000000")])
        ))
        .0,
        ErrorCode::EmployeeNotFound
    );

    call(
        &sandbox,
        &TemplateStatusRequest::new(id.clone(), Toggle::Disable),
    )
    .unwrap();
    assert_eq!(
        call(&sandbox, &TemplateDetailRequest::new(id.clone()))
            .unwrap()
            .status
            .as_deref(),
        Some("DISABLE")
    );
    call(
        &sandbox,
        &TemplateStatusRequest::new(id.clone(), Toggle::Enable),
    )
    .unwrap();
    assert_eq!(
        call(&sandbox, &TemplateDetailRequest::new(id.clone()))
            .unwrap()
            .status
            .as_deref(),
        Some("ENABLED")
    );

    call(&sandbox, &TemplateRemoveRequest::new(id.clone())).unwrap();
    for r in [
        call(&sandbox, &TemplateDetailRequest::new(id.clone())).map(|_| ()),
        call(&sandbox, &TemplateRemoveRequest::new(id.clone())).map(|_| ()),
        call(&sandbox, &TemplatePageUrlRequest::new(id.clone())).map(|_| ()),
    ] {
        assert_eq!(api_code(r).0, ErrorCode::InvalidParam);
    }
    assert_1005(
        &download(&sandbox, &TemplateDownloadRequest::new(id)),
        "templateId",
    );

    // Created disabled, merged repeats.
    let off = upload(
        &sandbox,
        &TemplateCreateByWordRequest::new("停用", word("a.docx")).status(TemplateState::Disable),
        &[WORD],
    )
    .unwrap();
    let t = call(&sandbox, &TemplateDetailRequest::new(off.template_id)).unwrap();
    assert_eq!(t.status.as_deref(), Some("DISABLE"));
    assert_eq!(t.parameters.len(), 2);
}

#[test]
fn template_field_tables() {
    let sandbox = strict();
    let path = "/v3/template/createbyword";
    assert_1005(
        &multipart(&sandbox, path, &[], Some(("file", "a.docx", b"x"))),
        "title is required",
    );
    assert_1005(
        &multipart(&sandbox, path, &[("title", "t")], None),
        "file is required",
    );
    assert_1005(
        &multipart(
            &sandbox,
            path,
            &[("title", "t"), ("status", "ENABLE")],
            Some(("file", "a.docx", b"x")),
        ),
        "status",
    );
    assert_1005(
        &multipart(
            &sandbox,
            path,
            &[("title", "t"), ("allUser", "yes")],
            Some(("file", "a.docx", b"x")),
        ),
        "allUser",
    );
    assert_1005(
        &multipart(
            &sandbox,
            path,
            &[("title", "t"), ("managersInfo", "[{\"contact\":\"1\"}]")],
            Some(("file", "a.docx", b"x")),
        ),
        "managersInfo[0].contactType",
    );
    let pdf = multipart(
        &sandbox,
        path,
        &[("title", "t")],
        Some(("file", "a.pdf", b"%PDF")),
    );
    assert_error(&pdf, 200, 1402, "11011402");
    let stranger = multipart(
        &sandbox,
        path,
        &[
            ("title", "t"),
            (
                "rangeInfo",
                "[{\"contact\":\"13000000000\",\"contactType\":\"MOBILE\"}]",
            ),
        ],
        Some(("file", "a.docx", b"x")),
    );
    assert_error(&stranger, 200, 1701, "11041701");
    assert_1005(
        &get(&sandbox, "/v2/template/detail", "templateId=x"),
        "templateId must be an ID",
    );
    assert_1005(
        &get(&sandbox, "/v2/template/download", ""),
        "templateId is required",
    );
    assert_1005(
        &get(&sandbox, "/v2/template/list", "modifyTimeEnd=yesterday"),
        "modifyTimeEnd",
    );
    assert_1005(
        &post_json(&sandbox, "/v2/template/status", &json!({"templateId": "1"})),
        "operate is required",
    );
    assert_1005(
        &post_json(
            &sandbox,
            "/v2/template/edit",
            &json!({"templateId": "1", "templateParams": [{"required": true}]}),
        ),
        "templateParams[0].name is required",
    );
    assert_1005(
        &post_json(
            &sandbox,
            "/v2/template/edit",
            &json!({"templateId": "1", "templateParams": [{"name": "a", "readOnly": "yes"}]}),
        ),
        "templateParams[0].readOnly",
    );
}

// --- categories ----------------------------------------------------------------------------------

#[test]
fn categories_are_seeded_listed_and_read() {
    let sandbox = strict();
    let f = sandbox.fixtures().clone();
    let all = call(&sandbox, &CategoryListRequest::new()).unwrap();
    assert_eq!(all.total_count, Some(2));
    assert_eq!(all.list[0].id.as_ref(), Some(&f.category_id));
    assert_eq!(all.list[0].name.as_deref(), Some("默认业务分类"));
    let second = call(
        &sandbox,
        &CategoryListRequest::new().select_offset(1).select_limit(1),
    )
    .unwrap();
    assert_eq!(second.list.len(), 1);
    assert_eq!(second.list[0].name.as_deref(), Some("采购合同"));
    let window = call(
        &sandbox,
        &CategoryListRequest::new().modify_time_end("2000-01-01 00:00:00"),
    )
    .unwrap();
    assert_eq!(window.total_count, Some(0));
    let sub = call(
        &sandbox,
        &CategoryListRequest::new().tenant_name(&f.sub_company_name),
    )
    .unwrap();
    assert_eq!(sub.total_count, Some(1));

    let d = call(
        &sandbox,
        &CategoryDetailRequest::by_id(f.category_id.clone()),
    )
    .unwrap();
    assert_eq!(d.define_signatories, Some(false));
    assert!(d.templates.is_empty());
    let d = call(&sandbox, &CategoryDetailRequest::by_name("采购合同")).unwrap();
    assert_eq!(d.define_signatories, Some(true));
    assert_eq!(d.templates[0].id.as_ref(), Some(&f.template_id));
    assert_eq!(d.signatories[0].actions.len(), 1);
    let d = call(
        &sandbox,
        &CategoryDetailRequest::by_name("默认业务分类").tenant_name(&f.sub_company_name),
    )
    .unwrap();
    assert_ne!(d.id.as_ref(), Some(&f.category_id));
    // Removing a template removes it from its categories.
    call(&sandbox, &TemplateRemoveRequest::new(f.template_id)).unwrap();
    assert!(
        call(&sandbox, &CategoryDetailRequest::by_name("采购合同"))
            .unwrap()
            .templates
            .is_empty()
    );

    assert_eq!(
        api_code(call(&sandbox, &CategoryDetailRequest::by_name("没有"))).0,
        ErrorCode::InvalidParam
    );
    assert_eq!(
        api_code(call(
            &sandbox,
            &CategoryDetailRequest::by_id(qys_proto::CategoryId::new("1"))
        ))
        .0,
        ErrorCode::InvalidParam
    );
    assert_1005(
        &get(&sandbox, "/v2/category/detail", ""),
        "one of categoryId or categoryName",
    );
    assert_1005(
        &get(&sandbox, "/v2/category/detail", "categoryId=abc"),
        "categoryId must be an ID",
    );
    assert_1005(
        &get(&sandbox, "/v2/category/list", "selectLimit=x"),
        "selectLimit",
    );
}

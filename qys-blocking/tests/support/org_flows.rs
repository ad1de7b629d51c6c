//! The `org_flows` tests of both frontends, written once (included by `#[path]` in
//! `qys-blocking/tests/org_flows.rs` and `qys-async/tests/org_flows.rs`): [`org_flows_tests!`] stamps
//! them for a frontend's `Client`, given its test attribute and, for the async one, the
//! `async` and `.await` tokens, so that a flow and its assertions exist once.

/// Stamps the tests: `org_flows_tests!(test, [], [])` for the blocking client,
/// `org_flows_tests!(tokio::test, [async], [.await])` for the async one. `Client` and `common` must be
/// in scope.
macro_rules! org_flows_tests {
    ($test:meta, [$($kw:tt)*], [$($aw:tt)*]) => {
        use std::collections::BTreeSet;
        use std::io::Cursor;

        use qys_proto::api::company::PlatformInfoRequest;
        use qys_proto::api::employee::{
            EmployeeCreateRequest, EmployeeDetailRequest, EmployeeListRequest, EmployeeRemoveRequest,
            RoleManageRequest,
        };
        use qys_proto::api::org_types::{Role, Toggle};
        use qys_proto::api::seal::{
            SealAutoCreateRequest, SealDetailRequest, SealImageInfo, SealImageRequest, SealListRequest,
            SealStatus, SealStatusRequest, SealStyle,
        };
        use qys_proto::api::template::{
            TemplateCreateByWordRequest, TemplateDetailRequest, TemplateDownloadRequest,
        };
        use qys_proto::endpoint::Paged;
        use qys_proto::types::User;
        use qys_proto::multipart::UploadFile;
        use qys_proto::{EmployeeId, Error, ErrorCode, SealId};

        const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

        $($kw)* fn listed(client: &Client, status: Option<SealStatus>) -> Vec<SealId> {
            let mut r = SealListRequest::new();
            if let Some(s) = status {
                r = r.status(s);
            }
            let page = client.execute(&r)$($aw)*.unwrap();
            page.list.into_iter().map(|s| s.id.unwrap()).collect()
        }

        #[$test]
        $($kw)* fn employees_created_are_listed_page_by_page() {
            let sandbox = common::sandbox();
            let client = common::client(&sandbox);
            let mut created = BTreeSet::new();
            for i in 0..5 {
                let user = User::mobile(format!("1370000010{i}")).with_name(format!("员工{i}"));
                let e = client
                    .execute(&EmployeeCreateRequest::new(user).number(format!("N{i}")))
                    $($aw)*
                    .unwrap()
                    .expect("the created employee");
                created.insert(e.id.unwrap());
            }
            // Walk the list two at a time with selectOffset.
            let mut request = EmployeeListRequest::new().select_limit(2);
            let mut seen: Vec<EmployeeId> = Vec::new();
            let mut pages = 0;
            loop {
                let (items, total) = EmployeeListRequest::items(client.execute(&request)$($aw)*.unwrap());
                pages += 1;
                assert_eq!(
                    total,
                    Some(6),
                    "the seeded administrator and five new employees"
                );
                assert!(items.len() <= 2);
                let got = items.len();
                seen.extend(items.into_iter().map(|e| e.id.unwrap()));
                match request.next_offset(got, total) {
                    Some(offset) => request = request.with_offset(offset),
                    None => break,
                }
            }
            assert_eq!(pages, 3);
            assert_eq!(seen.len(), 6, "no employee twice, none missing: {seen:?}");
            assert_eq!(seen[0], sandbox.fixtures().admin_employee_id);
            assert_eq!(seen[1..].iter().cloned().collect::<BTreeSet<_>>(), created);

            // A role, then removal: gone (1701) afterwards.
            let first = User::mobile("13700000100");
            client
                .execute(&RoleManageRequest::new(
                    Role::TemplateAdmin,
                    [first.clone()],
                ))
                $($aw)*
                .unwrap();
            let admins = client
                .execute(&EmployeeListRequest::new().role(Role::TemplateAdmin))
                $($aw)*
                .unwrap();
            assert_eq!(admins.total_count, Some(2));
            client
                .execute(&EmployeeRemoveRequest::new(first.clone()))
                $($aw)*
                .unwrap();
            let err = client
                .execute(&EmployeeDetailRequest::new(first))
                $($aw)*
                .expect_err("removed");
            assert_eq!(err.code(), Some(ErrorCode::EmployeeNotFound), "{err:?}");
            assert!(!err.is_retryable());
        }

        #[$test]
        $($kw)* fn a_new_seal_has_a_png_image_and_can_be_frozen() {
            let sandbox = common::sandbox();
            let client = common::client(&sandbox);
            let created = client
                .execute(&SealAutoCreateRequest::new(
                    "财务专用章",
                    SealImageInfo::new(SealStyle::UniversalSeal),
                ))
                $($aw)*
                .unwrap();
            let id = created.id.unwrap();

            let mut png = Vec::new();
            let meta = client
                .download_to(&SealImageRequest::new(id.clone()), &mut png)
                $($aw)*
                .unwrap();
            assert!(
                png.starts_with(PNG_SIGNATURE),
                "{:?}",
                &png[..png.len().min(16)]
            );
            assert!(png.ends_with(b"IEND\xAE\x42\x60\x82"));
            assert_eq!(meta.content_type(), Some("image/png"));
            assert_eq!(meta.file_name(), Some("财务专用章.png"));
            assert_eq!(meta.content_length(), Some(png.len() as u64));

            assert!(listed(&client, None)$($aw)*.contains(&id));

            client
                .execute(&SealStatusRequest::new(id.clone(), Toggle::Disable))
                $($aw)*
                .unwrap();
            let detail = client
                .execute(&SealDetailRequest::new(id.clone()))
                $($aw)*
                .unwrap();
            assert_eq!(detail.status, Some(SealStatus::Freeze));
            assert!(
                !listed(&client, None)$($aw)*.contains(&id),
                "the default list shows NORMAL seals"
            );
            assert_eq!(
                listed(&client, Some(SealStatus::Freeze))$($aw)*,
                std::slice::from_ref(&id)
            );

            // An unknown seal's image is an API error, not a file.
            let mut sink = Vec::new();
            let err = client
                .download_to(&SealImageRequest::new(SealId::new("1")), &mut sink)
                $($aw)*
                .expect_err("unknown seal");
            assert_eq!(err.code(), Some(ErrorCode::SealNotFound), "{err:?}");
            assert!(sink.is_empty());
        }

        #[$test]
        $($kw)* fn a_word_template_uploads_and_downloads_byte_identical() {
            let sandbox = common::sandbox();
            let client = common::client(&sandbox);
            // Bytes of every value, and parameters written {{name}}.
            let mut word = b"PK\x03\x04".to_vec();
            word.extend((0..=255u8).cycle().take(70_000));
            word.extend_from_slice("合同甲方 {{甲方}} 合同乙方 {{乙方}}".as_bytes());
            let len = word.len() as u64;
            let mut request = TemplateCreateByWordRequest::new(
                "采购合同",
                UploadFile::new("采购合同.docx", len, Cursor::new(word.clone())),
            );
            let created = client.upload(&mut request)$($aw)*.unwrap();

            let detail = client
                .execute(&TemplateDetailRequest::new(created.template_id.clone()))
                $($aw)*
                .unwrap();
            assert_eq!(detail.name.as_deref(), Some("采购合同"));
            let names: Vec<_> = detail
                .parameters
                .iter()
                .filter_map(|p| p.name.clone())
                .collect();
            assert_eq!(names, ["甲方", "乙方"]);

            let mut back = Vec::new();
            let meta = client
                .download_to(
                    &TemplateDownloadRequest::new(created.template_id.clone()),
                    &mut back,
                )
                $($aw)*
                .unwrap();
            assert_eq!(back.len(), word.len());
            assert!(
                back == word,
                "the downloaded template differs from the upload"
            );
            assert_eq!(meta.file_name(), Some("采购合同.docx"));

            // To a path too, atomically.
            let dir = std::env::temp_dir().join(format!("qys-blocking-org-{}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            let path = dir.join("template.docx");
            client
                .download_to_path(&TemplateDownloadRequest::new(created.template_id), &path)
                $($aw)*
                .unwrap();
            assert_eq!(std::fs::read(&path).unwrap(), word);
            let _ = std::fs::remove_dir_all(&dir);
        }

        #[$test]
        $($kw)* fn the_platform_company_is_the_fixture_company() {
            let sandbox = common::sandbox();
            let client = common::client(&sandbox);
            let info = client.execute(&PlatformInfoRequest::new())$($aw)*.unwrap();
            assert_eq!(
                info.name.as_deref(),
                Some(sandbox.fixtures().authenticated_company.as_str())
            );
            let err = client
                .execute(&EmployeeListRequest::new().tenant_name("不存在的子公司"))
                $($aw)*
                .expect_err("unknown company");
            assert_eq!(err.code(), Some(ErrorCode::CompanyNotFound), "{err:?}");
            assert!(matches!(err, Error::Api(_)));
        }
    };
}

//! `ENDPOINTS.md` and the code cannot drift: every catalogue entry has exactly one row with
//! its method, path and Rust type, every row naming a Rust type is in the catalogue, and every
//! endpoint type in `src/api` is in the catalogue.

use std::collections::BTreeSet;

use qys_proto::api::catalogue;

/// (menu item, method, path, type, sandbox) for each data row.
fn rows() -> Vec<[String; 5]> {
    let table =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../ENDPOINTS.md")).unwrap();
    let mut lines = table
        .lines()
        .skip_while(|l| !l.starts_with("| menu item |"));
    let header = lines.next().expect("the table header");
    assert_eq!(
        header.trim(),
        "| menu item | METHOD | /path | Rust type | sandbox |"
    );
    lines
        .skip(1)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            let cells: Vec<String> = l
                .trim()
                .trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_owned())
                .collect();
            assert_eq!(cells.len(), 5, "row {l:?}");
            [
                cells[0].clone(),
                cells[1].clone(),
                cells[2].clone(),
                cells[3].clone(),
                cells[4].clone(),
            ]
        })
        .collect()
}

fn is_type(cell: &str) -> bool {
    cell.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && cell.chars().all(|c| c.is_ascii_alphanumeric())
}

#[test]
fn the_table_matches_the_catalogue() {
    let rows = rows();
    let catalogue = catalogue();
    assert!(!catalogue.is_empty());
    let mut seen = BTreeSet::new();
    for row in &rows {
        let [menu, method, path, ty, sandbox] = row;
        assert!(!menu.is_empty(), "{row:?}");
        assert!(
            sandbox == "yes" || sandbox.starts_with("no"),
            "sandbox column of {row:?}"
        );
        if is_type(ty) {
            let entry = catalogue
                .iter()
                .find(|e| e.type_name == ty)
                .unwrap_or_else(|| {
                    panic!("{ty} is in ENDPOINTS.md but not in qys_proto::api::catalogue()")
                });
            assert_eq!(entry.method.as_str(), method, "{ty}");
            assert_eq!(entry.path, path, "{ty}");
            assert!(
                seen.insert((method.clone(), path.clone())),
                "{method} {path} listed twice"
            );
        }
    }
    for entry in catalogue {
        let n = rows.iter().filter(|r| r[3] == entry.type_name).count();
        assert_eq!(
            n, 1,
            "{} ({} {}) needs exactly one row in ENDPOINTS.md",
            entry.type_name, entry.method, entry.path
        );
    }
}

/// Every type that implements an endpoint trait in `src/api` is in the catalogue.
#[test]
fn every_endpoint_type_is_catalogued() {
    let names: BTreeSet<&str> = catalogue().iter().map(|e| e.type_name).collect();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/api");
    let mut found = BTreeSet::new();
    for file in std::fs::read_dir(dir).unwrap() {
        let path = file.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        // `impl ... Endpoint for Type` (or `Upload`, `Download`), or a stamping macro
        // (`endpoint!(Type: ...)`, `upload!(Type: ...)`).
        for marker in [
            " Endpoint for ",
            " Upload for ",
            " Download for ",
            "endpoint!(",
            "upload!(",
        ] {
            for (at, _) in text.match_indices(marker) {
                let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
                let line = text[line_start..at].trim_start();
                let is_impl = marker.contains(" for ") && line.starts_with("impl");
                let is_macro = marker.ends_with('(')
                    && !line.starts_with("macro_rules")
                    && !line.starts_with("//");
                if !(is_impl || is_macro) {
                    continue;
                }
                let ty: String = text[at + marker.len()..]
                    .trim_start()
                    .chars()
                    .take_while(char::is_ascii_alphanumeric)
                    .collect();
                if is_type(&ty) && ty != "Type" {
                    found.insert(ty);
                }
            }
        }
    }
    // The scan itself must see the endpoints (generic and macro-stamped ones included).
    for known in [
        "ContractSignTicketRequest",
        "CompanyAuthLicenseTicketRequest",
        "SaasPrivilegeTicketRequest",
    ] {
        assert!(found.contains(known), "the scan missed {known}: {found:?}");
    }
    for ty in &found {
        assert!(
            names.contains(ty.as_str()),
            "{ty} implements an endpoint trait but is missing from api::catalogue()"
        );
    }
}

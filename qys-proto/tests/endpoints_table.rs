//! `ENDPOINTS.md` and the code cannot drift: every catalogue entry has exactly one row with
//! its method, path, Rust type and shape (read from the type's `Route::SHAPE`), every row
//! naming a Rust type is in the catalogue, and every endpoint type in `src/api` is in the
//! catalogue.

use std::collections::BTreeSet;

use qys_proto::api::catalogue;

/// The columns of the table, in order.
const HEADER: [&str; 6] = [
    "menu item",
    "METHOD",
    "/path",
    "Rust type",
    "shape",
    "sandbox",
];

/// One data row of the table.
#[derive(Debug)]
struct Row {
    menu: String,
    method: String,
    path: String,
    ty: String,
    shape: String,
    sandbox: String,
}

/// The cells of a table line.
fn cells(line: &str) -> Vec<String> {
    line.trim()
        .trim_matches('|')
        .split('|')
        .map(|c| c.trim().to_owned())
        .collect()
}

fn rows() -> Vec<Row> {
    let table =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../ENDPOINTS.md")).unwrap();
    let mut lines = table
        .lines()
        .skip_while(|l| !l.starts_with("| menu item |"));
    let header = lines.next().expect("the table header");
    assert_eq!(cells(header), HEADER);
    lines
        .skip(1)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            let c = cells(l);
            assert_eq!(c.len(), HEADER.len(), "row {l:?}");
            let [menu, method, path, ty, shape, sandbox] = <[String; 6]>::try_from(c).unwrap();
            Row {
                menu,
                method,
                path,
                ty,
                shape,
                sandbox,
            }
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
        assert!(!row.menu.is_empty(), "{row:?}");
        assert!(
            row.sandbox == "yes" || row.sandbox.starts_with("no"),
            "sandbox column of {row:?}"
        );
        if !is_type(&row.ty) {
            assert_eq!(
                row.shape, "–",
                "a row without a Rust type has no shape: {row:?}"
            );
            continue;
        }
        let ty = &row.ty;
        let entry = catalogue
            .iter()
            .find(|e| e.type_name == ty)
            .unwrap_or_else(|| {
                panic!("{ty} is in ENDPOINTS.md but not in qys_proto::api::catalogue()")
            });
        assert_eq!(entry.method.as_str(), row.method, "{ty}");
        assert_eq!(entry.path, row.path, "{ty}");
        assert_eq!(
            entry.shape.as_str(),
            row.shape,
            "{ty}: its type says {:?}",
            entry.shape
        );
        assert!(
            seen.insert((row.method.clone(), row.path.clone())),
            "{} {} listed twice",
            row.method,
            row.path
        );
    }
    for entry in catalogue {
        let n = rows.iter().filter(|r| r.ty == entry.type_name).count();
        assert_eq!(
            n, 1,
            "{} ({} {}) needs exactly one row in ENDPOINTS.md",
            entry.type_name, entry.method, entry.path
        );
    }
}

/// The table spells each shape one way (`Shape::as_str`), every shape is in it, and for one
/// type of each shape the row agrees with the trait that sends it (`Endpoint` for `execute`,
/// `Upload`, `Download`).
#[test]
fn shape_words_are_those_of_the_type() {
    use qys_proto::endpoint::Route;

    let rows = rows();
    let words: BTreeSet<&str> = rows
        .iter()
        .filter(|r| is_type(&r.ty))
        .map(|r| r.shape.as_str())
        .collect();
    assert_eq!(
        words,
        BTreeSet::from(["download", "empty", "form", "json", "query", "upload"])
    );
    // Spot checks against the types themselves, one per shape, each through the trait that
    // sends it: the shape and the trait agree.
    use qys_proto::api::{contract, document, saas, seal, tools};
    use qys_proto::endpoint::{Download, Endpoint, Shape, Upload};
    fn execute<E: Endpoint + Route>() -> Shape {
        E::SHAPE
    }
    fn upload<E: Upload + Route>() -> Shape {
        E::SHAPE
    }
    fn download<E: Download + Route>() -> Shape {
        E::SHAPE
    }
    for (ty, shape) in [
        (
            "ContractDraftRequest",
            execute::<contract::ContractDraftRequest>(),
        ),
        (
            "ContractDetailRequest",
            execute::<contract::ContractDetailRequest>(),
        ),
        ("SaasBindingRequest", execute::<saas::SaasBindingRequest>()),
        (
            "ElectronicProveApplyRequest",
            execute::<tools::ElectronicProveApplyRequest>(),
        ),
        (
            "DocumentAddByFileRequest",
            upload::<document::DocumentAddByFileRequest<()>>(),
        ),
        ("SealImageRequest", download::<seal::SealImageRequest>()),
    ] {
        let row = rows.iter().find(|r| r.ty == ty).unwrap();
        assert_eq!(row.shape, shape.as_str(), "{ty}");
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

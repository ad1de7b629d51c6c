//! The sandbox column of `ENDPOINTS.md` tells the truth: every `yes` row is served with that
//! method, and everything served has a `yes` row.

use std::collections::BTreeSet;

/// (method, path, sandbox) of each data row, the columns found by their header names.
fn table_rows() -> Vec<(String, String, String)> {
    let table =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../ENDPOINTS.md")).unwrap();
    let cells = |l: &str| -> Vec<String> {
        l.trim()
            .trim_matches('|')
            .split('|')
            .map(|c| c.trim().to_owned())
            .collect()
    };
    let mut lines = table
        .lines()
        .skip_while(|l| !l.starts_with("| menu item |"));
    let header = cells(lines.next().expect("the table header"));
    let column = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name:?} in {header:?}"))
    };
    let (method, path, sandbox) = (column("METHOD"), column("/path"), column("sandbox"));
    lines
        .skip(1)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            let c = cells(l);
            assert_eq!(c.len(), header.len(), "row {l:?}");
            (c[method].clone(), c[path].clone(), c[sandbox].clone())
        })
        .collect()
}

#[test]
fn the_sandbox_column_matches_what_is_served() {
    let served: BTreeSet<(String, String)> = qys_sandbox::supported_endpoints()
        .into_iter()
        .map(|(m, p)| (m.to_string(), p.to_owned()))
        .collect();
    assert!(served.len() >= 11);
    let rows = table_rows();
    for (method, path, sandbox) in &rows {
        let is_served = served.contains(&(method.clone(), path.clone()));
        if sandbox == "yes" {
            assert!(
                is_served,
                "ENDPOINTS.md says the sandbox serves {method} {path}, but it does not"
            );
        } else {
            assert!(
                !is_served,
                "the sandbox serves {method} {path}: mark it `yes` in ENDPOINTS.md"
            );
        }
    }
    for (method, path) in &served {
        assert!(
            rows.iter().any(|(m, p, _)| m == method && p == path),
            "the sandbox serves {method} {path}, which has no row in ENDPOINTS.md"
        );
    }
}

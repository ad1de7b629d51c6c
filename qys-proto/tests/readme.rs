//! The workspace README's Rust examples are compiled, each as a doctest of the crate its reader
//! depends on, and name only that crate (or as a file of a workspace member under `examples/`,
//! of which the block is a verbatim copy); its error table names every `Error` variant.
//!
//! Rustdoc cannot compile one file's blocks in different crates, so each crate's own
//! `README.md` (included as a doctest by its `lib.rs`) holds its examples, and the workspace
//! README shows copies of some of them: this test keeps the copies equal to the compiled ones.
//! Rustdoc also lets a doctest name every dependency of the crate (a `qys-async` doctest can
//! `use qys_proto`, which a user of `qys-async` cannot), so the crate names are checked here.

use std::path::{Path, PathBuf};

/// The crates a README example may name, by the name used in code, with their folders.
const CRATES: [(&str, &str); 4] = [
    ("qys_blocking", "qys-blocking"),
    ("qys_async", "qys-async"),
    ("qys_proto", "qys-proto"),
    ("qys_sandbox", "qys-sandbox"),
];
const FRONTENDS: [&str; 2] = ["qys_blocking", "qys_async"];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A fenced Rust block: its first line number and its whole text, fences included.
struct Block {
    line: usize,
    text: String,
}

impl Block {
    /// The code between the fences.
    fn code(&self) -> &str {
        let start = self.text.find('\n').unwrap() + 1;
        let end = self.text[..self.text.len() - 1].rfind('\n').unwrap() + 1;
        &self.text[start..end]
    }

    fn names(&self) -> Vec<&'static str> {
        CRATES
            .iter()
            .map(|(name, _)| *name)
            .filter(|name| self.text.contains(&format!("{name}::")))
            .collect()
    }
}

/// Whether a fence's info string makes rustdoc treat the block as Rust.
fn is_rust(info: &str) -> bool {
    let first = info.split(',').next().unwrap_or("").trim();
    matches!(
        first,
        "" | "rust" | "no_run" | "ignore" | "should_panic" | "compile_fail"
    )
}

fn rust_blocks(markdown: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut open: Option<(usize, bool, String)> = None;
    for (i, line) in markdown.lines().enumerate() {
        let fence = line.trim_start().starts_with("```");
        match (&mut open, fence) {
            (None, true) => {
                let info = line.trim_start().trim_start_matches('`');
                open = Some((i + 1, is_rust(info), format!("{line}\n")));
            }
            (Some((start, rust, text)), true) => {
                text.push_str(line);
                text.push('\n');
                if *rust {
                    blocks.push(Block {
                        line: *start,
                        text: std::mem::take(text),
                    });
                }
                open = None;
            }
            (Some((_, _, text)), false) => {
                text.push_str(line);
                text.push('\n');
            }
            (None, false) => {}
        }
    }
    assert!(open.is_none(), "a code block is not closed");
    blocks
}

/// Whether the block's code is, verbatim, part of a Rust file of the workspace (outside
/// `target/` and the fuzz corpus).
fn in_a_source_file(dir: &Path, block: &Block) -> bool {
    let code = block.code();
    std::fs::read_dir(dir).unwrap().any(|entry| {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy();
        if path.is_dir() {
            !matches!(&*name, "target" | "corpus" | ".git") && in_a_source_file(&path, block)
        } else {
            name.ends_with(".rs") && read(&path).contains(code)
        }
    })
}

fn folder(name: &str) -> &'static str {
    CRATES.iter().find(|(n, _)| *n == name).unwrap().1
}

/// The crate whose doctests must compile a block: the frontend it names, else the core or
/// the sandbox.
fn home(block: &Block) -> Result<&'static str, String> {
    let names = block.names();
    let frontends: Vec<_> = names.iter().filter(|n| FRONTENDS.contains(n)).collect();
    match frontends.as_slice() {
        [] => ["qys_proto", "qys_sandbox"]
            .into_iter()
            .find(|n| names.contains(n))
            .ok_or_else(|| "it names no qys crate".to_owned()),
        [one] if names.contains(&"qys_proto") => Err(format!(
            "it names {one} and qys_proto: a user of {one} has no qys_proto (use {one}::proto)"
        )),
        [one] => Ok(**one),
        _ => Err("it names both frontends: a reader depends on one".to_owned()),
    }
}

/// The text of every `.rs` file under `dir`, recursively.
fn example_sources(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut sources = Vec::new();
    for path in entries.flatten().map(|e| e.path()) {
        if path.is_dir() && !path.ends_with("target") {
            sources.extend(example_sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            sources.push(read(&path));
        }
    }
    sources
}

#[test]
fn every_readme_example_is_compiled_in_the_crate_it_names() {
    let root = workspace();
    let readme = read(&root.join("README.md"));
    let mut problems = Vec::new();
    let examples = example_sources(&root.join("examples"));
    for block in rust_blocks(&readme) {
        // A copy of a file of a workspace member under examples/ is compiled (and run) there.
        let body = block
            .text
            .lines()
            .filter(|l| !l.trim_start().starts_with("```"));
        let body: String = body.map(|l| format!("{l}\n")).collect();
        if examples.iter().any(|source| source.contains(&body)) {
            continue;
        }
        let home = match home(&block) {
            Ok(home) => home,
            Err(why) => {
                problems.push(format!("README.md:{}: {why}", block.line));
                continue;
            }
        };
        let dir = folder(home);
        let own = root.join(dir).join("README.md");
        let own_text = std::fs::read_to_string(&own).unwrap_or_default();
        // A block of the core or the sandbox may also be a whole test or example file of a
        // workspace crate that depends on that crate (e.g. examples/signing-middleware).
        let compiled_elsewhere = !FRONTENDS.contains(&home) && in_a_source_file(&root, &block);
        if !own_text.contains(&block.text) && !compiled_elsewhere {
            problems.push(format!(
                "README.md:{}: this block is not in {dir}/README.md, whose blocks are compiled \
                 as doctests of {dir}: copy it there verbatim",
                block.line
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn each_crate_readme_is_a_doctest_and_names_only_its_crate() {
    let root = workspace();
    let mut checked = 0;
    for (name, dir) in CRATES {
        let path = root.join(dir).join("README.md");
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let lib = read(&root.join(dir).join("src/lib.rs"));
        assert!(
            lib.contains("#[doc = include_str!(\"../README.md\")]")
                || lib.contains("#![doc = include_str!(\"../README.md\")]"),
            "{dir}/src/lib.rs must include its README.md as doctests"
        );
        for block in rust_blocks(&text) {
            let names = block.names();
            assert!(
                names.contains(&name),
                "{dir}/README.md:{}: the block does not use {name}",
                block.line
            );
            let foreign: Vec<_> = names
                .iter()
                .filter(|n| **n != name && **n != "qys_sandbox")
                .collect();
            assert!(
                foreign.is_empty(),
                "{dir}/README.md:{}: a user of {name} cannot name {foreign:?}",
                block.line
            );
            checked += 1;
        }
    }
    assert!(checked >= 8, "only {checked} blocks in the crates' READMEs");
}

#[test]
fn the_readme_error_table_names_every_error_variant() {
    let root = workspace();
    let source = read(&root.join("qys-proto/src/error.rs"));
    let start = source.find("pub enum Error {").expect("the Error enum");
    let body = &source[start..start + source[start..].find("\n}").unwrap()];
    let variants: Vec<&str> = body
        .lines()
        .filter_map(|l| l.strip_prefix("    "))
        .filter(|l| l.starts_with(|c: char| c.is_ascii_uppercase()))
        .filter_map(|l| l.split(['(', ' ', ',', '{']).next())
        .collect();
    assert!(variants.len() >= 7, "{variants:?}");
    let readme = read(&root.join("README.md"));
    for variant in variants {
        assert!(
            readme.contains(&format!("| `{variant}` |")),
            "README.md's error table has no row for Error::{variant}"
        );
    }
}

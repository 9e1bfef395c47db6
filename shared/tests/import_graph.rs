//! The crate's modules depend on each other without a cycle (issue 11): a lower layer never reaches back up,
//! so each one can be read, tested and changed on its own.
//!
//! The graph is read from the source: every path into the crate (`use crate::…`, `use super::…`, inline
//! `crate::x::Y`) outside unit-test modules is resolved to the module that defines the item, looking
//! through re-exports (`pub use`) so a facade such as `lib.rs` or `quickbooks/mod.rs` adds no edge of its
//! own. Nodes are the top-level modules, and the submodules of `documents`, `domain`, `quickbooks` and
//! `hubspot` (the layers that hold several separate parts).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Module groups whose submodules are nodes of their own.
const SPLIT: &[&str] = &["documents", "domain", "quickbooks", "hubspot"];

type ModPath = Vec<String>;

struct Module {
    path: ModPath,
    /// The source outside `#[cfg(test)]` modules, without comments.
    code: String,
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("source directory") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `quickbooks/api.rs` is `quickbooks::api`, `store/mod.rs` is `store`, `lib.rs` the root.
fn module_path(src: &Path, file: &Path) -> ModPath {
    let relative = file.strip_prefix(src).expect("under src");
    let mut parts: ModPath = relative
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// The code a module is built from: unit-test modules and comments say nothing about its layering.
fn code_of(text: &str) -> String {
    let before_tests = text.split("#[cfg(test)]").next().unwrap_or_default();
    before_tests
        .lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

fn load(src: &Path) -> Vec<Module> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    files
        .iter()
        .map(|file| Module {
            path: module_path(src, file),
            code: code_of(&std::fs::read_to_string(file).expect("readable source")),
        })
        .collect()
}

/// One `use` statement: whether it re-exports, and the paths its tree names (with the name each binds).
struct UseStatement {
    public: bool,
    paths: Vec<(Vec<String>, String)>,
}

/// The `use` statements of a module, their trees expanded (`a::{b, c::{d as e}}` → `a::b`, `a::c::d`).
fn use_statements(code: &str) -> Vec<UseStatement> {
    let mut found = Vec::new();
    for (at, _) in code.match_indices("use ") {
        let before = code[..at].trim_end();
        let public = before.ends_with("pub") || before.ends_with("pub(crate)");
        let keyword = before.is_empty() || public || before.ends_with([';', '{', '}', ']']);
        let glued = code[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_');
        if !keyword || glued {
            continue;
        }
        let tree = &code[at + 4..];
        let tree = &tree[..tree.find(';').unwrap_or(tree.len())];
        let mut paths = Vec::new();
        expand(&[], tree, &mut paths);
        found.push(UseStatement { public, paths });
    }
    found
}

fn expand(prefix: &[String], tree: &str, out: &mut Vec<(Vec<String>, String)>) {
    let tree = tree.trim();
    if let Some(open) = tree.find('{') {
        let head: Vec<String> = segments(&tree[..open]);
        let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
        let mut base = prefix.to_vec();
        base.extend(head);
        for part in split_top_level(inner) {
            expand(&base, part, out);
        }
        return;
    }
    let (path, alias) = match tree.split_once(" as ") {
        Some((path, alias)) => (path, Some(alias.trim().to_string())),
        None => (tree, None),
    };
    let mut full = prefix.to_vec();
    full.extend(segments(path));
    if full.last().is_some_and(|s| s == "self") {
        full.pop();
    }
    let Some(last) = full.last().cloned() else {
        return;
    };
    if last == "*" {
        return;
    }
    out.push((full, alias.unwrap_or(last)));
}

fn segments(path: &str) -> Vec<String> {
    path.split("::")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

/// The comma-separated parts of a brace group, nested groups kept whole.
fn split_top_level(inner: &str) -> Vec<&str> {
    let (mut parts, mut depth, mut start) = (Vec::new(), 0usize, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts.into_iter().filter(|p| !p.trim().is_empty()).collect()
}

/// Inline paths such as `crate::installs::Install::require(…)`.
fn inline_paths(code: &str) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    for (at, _) in code.match_indices("crate::") {
        let preceded_by_ident = code[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':');
        if preceded_by_ident {
            continue;
        }
        let path: String = code[at..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
            .collect();
        found.push(segments(&path));
    }
    found
}

struct Crate {
    modules: BTreeSet<ModPath>,
    /// Per module, the names it re-exports and the absolute path each stands for.
    reexports: BTreeMap<ModPath, BTreeMap<String, ModPath>>,
}

impl Crate {
    /// A path as written in module `at`, made absolute; `None` for other crates.
    fn absolute(&self, at: &ModPath, path: &[String]) -> Option<ModPath> {
        let (first, rest) = path.split_first()?;
        let mut base = match first.as_str() {
            "crate" => Vec::new(),
            "self" => at.clone(),
            "super" => at[..at.len().saturating_sub(1)].to_vec(),
            // A child module named without `self::` (edition 2018 paths); anything else is another crate.
            child => {
                let mut base = at.clone();
                base.push(child.to_string());
                if !self.modules.contains(&base) {
                    return None;
                }
                base
            }
        };
        for segment in rest {
            if segment == "super" {
                base.pop();
            } else {
                base.push(segment.clone());
            }
        }
        Some(base)
    }

    /// The module that defines what `path` names, following re-exports.
    fn defining_module(&self, path: &[String], depth: usize) -> ModPath {
        let module_len = (0..=path.len())
            .rev()
            .find(|&n| self.modules.contains(&path[..n]))
            .unwrap_or(0);
        let module = path[..module_len].to_vec();
        if depth < 8 {
            if let Some(target) = path
                .get(module_len)
                .and_then(|item| self.reexports.get(&module)?.get(item))
            {
                let mut target = target.clone();
                target.extend(path[module_len + 1..].iter().cloned());
                return self.defining_module(&target, depth + 1);
            }
        }
        module
    }
}

/// The node a module belongs to.
fn node(module: &ModPath) -> String {
    match module.as_slice() {
        [] => "crate".into(),
        [group, sub, ..] if SPLIT.contains(&group.as_str()) => format!("{group}::{sub}"),
        [top, ..] => top.clone(),
    }
}

type Graph = BTreeMap<String, BTreeSet<String>>;

/// Who depends on whom, from the sources under `src`.
fn import_graph(src: &Path) -> Graph {
    let modules = load(src);
    let mut krate = Crate {
        modules: modules.iter().map(|m| m.path.clone()).collect(),
        reexports: BTreeMap::new(),
    };
    for m in &modules {
        for statement in use_statements(&m.code).into_iter().filter(|s| s.public) {
            for (path, name) in statement.paths {
                if let Some(absolute) = krate.absolute(&m.path, &path) {
                    krate
                        .reexports
                        .entry(m.path.clone())
                        .or_default()
                        .insert(name, absolute);
                }
            }
        }
    }
    let mut graph = Graph::new();
    for m in &modules {
        let from = node(&m.path);
        graph.entry(from.clone()).or_default();
        let private_uses = use_statements(&m.code)
            .into_iter()
            .filter(|s| !s.public)
            .flat_map(|s| s.paths.into_iter().map(|(path, _)| path));
        for path in private_uses.chain(inline_paths(&m.code)) {
            let Some(absolute) = krate.absolute(&m.path, &path) else {
                continue;
            };
            let to = node(&krate.defining_module(&absolute, 0));
            if to != from && to != "crate" {
                graph.entry(from.clone()).or_default().insert(to);
            }
        }
    }
    graph
}

/// The strongly connected groups of more than one node (Tarjan), each sorted.
fn cycles(graph: &Graph) -> Vec<Vec<String>> {
    struct State<'a> {
        graph: &'a Graph,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        found: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
        let i = s.index.len();
        s.index.insert(v, i);
        s.low.insert(v, i);
        s.stack.push(v);
        s.on_stack.insert(v);
        for w in s.graph.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !s.index.contains_key(w) {
                visit(s, w);
                let low = s.low[v].min(s.low[w]);
                s.low.insert(v, low);
            } else if s.on_stack.contains(w) {
                let low = s.low[v].min(s.index[w]);
                s.low.insert(v, low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut group = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                group.push(w.to_string());
                if w == v {
                    break;
                }
            }
            if group.len() > 1 {
                group.sort();
                s.found.push(group);
            }
        }
    }
    let mut state = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !state.index.contains_key(v.as_str()) {
            visit(&mut state, v);
        }
    }
    state.found
}

/// For a failure message: the edges inside one cycle.
fn edges_within(graph: &Graph, group: &[String]) -> Vec<String> {
    group
        .iter()
        .flat_map(|from| {
            graph[from]
                .iter()
                .filter(|to| group.contains(to))
                .map(move |to| format!("{from} -> {to}"))
        })
        .collect()
}

fn shared_src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn the_modules_of_the_shared_crate_import_each_other_without_a_cycle() {
    let graph = import_graph(&shared_src());
    let found = cycles(&graph);
    let report: Vec<String> = found
        .iter()
        .map(|group| edges_within(&graph, group).join(", "))
        .collect();
    assert!(found.is_empty(), "import cycles: {report:#?}");
}

#[test]
fn errors_are_a_leaf() {
    let graph = import_graph(&shared_src());
    assert_eq!(graph.get("error"), Some(&BTreeSet::new()), "{graph:#?}");
}

/// The reader sees what the crate really imports: through re-exports, inline paths, `super::` and nested
/// trees, so a cycle cannot hide from the checks above.
#[test]
fn the_graph_follows_reexports_inline_paths_and_nested_trees() {
    let graph = import_graph(&shared_src());
    let edge = |from: &str, to: &str| graph.get(from).is_some_and(|targets| targets.contains(to));
    // `use crate::{AppError, …}` names the error module through lib.rs's re-export.
    assert!(edge("connect", "error"), "{graph:#?}");
    // `use super::fault::{…}` inside quickbooks/api.rs.
    assert!(edge("quickbooks::api", "quickbooks::fault"), "{graph:#?}");
    // `crate::quickbooks::QboApi` is defined in quickbooks/api.rs, not in its facade.
    assert!(edge("documents::company", "quickbooks::api"), "{graph:#?}");
}

#[test]
fn a_cycle_through_a_reexport_is_found() {
    let dir = std::env::temp_dir().join(format!("import-graph-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("quickbooks")).unwrap();
    let files = [
        ("lib.rs", "pub mod a;\npub mod quickbooks;\npub use a::Thing;\n"),
        ("a.rs", "use crate::quickbooks::{Api, other::{Y as Z}};\npub struct Thing;\n"),
        ("quickbooks/mod.rs", "pub mod api;\npub mod other;\npub use api::Api;\n"),
        ("quickbooks/other.rs", "pub struct Y;\n"),
        (
            "quickbooks/api.rs",
            "// use crate::nothing;\npub struct Api(crate::Thing);\n#[cfg(test)]\nmod tests { use crate::quickbooks::other::Y; }\n",
        ),
    ];
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let graph = import_graph(&dir);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(
        cycles(&graph),
        vec![vec!["a".to_string(), "quickbooks::api".to_string()]],
        "{graph:#?}"
    );
    assert!(graph["a"].contains("quickbooks::other"), "{graph:#?}");
    assert!(
        !graph["quickbooks::api"].contains("quickbooks::other"),
        "{graph:#?}"
    );
}

//! fanout: a declarative GitOps compiler for multi-cluster Kubernetes.
//!
//! It reads a repository of workloads, a Karmada cluster inventory, placement and override policies,
//! validates everything against the JSON Schemas in `schema/`, decides offline where each workload runs
//! and with how many replicas (as Karmada's scheduler would), and writes one manifest directory per cluster.
//!
//! The pipeline, one module per stage; only the EDGE modules (`load`, `emit`, `gitrev`) touch the disk:
//!
//! - [`load`]: EDGE. Walk the repository, read YAML files and `fanout.yaml` into [`source::Sources`].
//! - [`yaml`]: text → position-keeping nodes, with reader limits; [`template`] renders `*.yaml.j2` files
//!   per cluster first, each rendering on a thread of its own under a [`memory`] budget.
//! - [`classify`]: documents → objects by `apiVersion`/`kind` (`List`s expanded).
//! - [`validate`]: objects × [`schemas`] → located diagnostics.
//! - [`resolve`]: schema-valid objects → the typed [`model::Model`] (defaults, short forms expanded via
//!   [`shortform`], semantic rules in [`checks`]); [`matching`] finds the policy claiming each resource.
//! - [`place`]: the model → a decision per resource (filters in [`affinity`], capacity in [`estimate`],
//!   spread selection in [`spread`], replica division in [`divide`], dependencies in [`deps`]);
//!   [`plan`] prints decisions.
//! - [`render`]: decisions → each cluster's objects ([`overrides`] applied) and the output [`emit::Tree`].
//! - [`diff`]: old tree × new tree → unified diffs, Secret values masked.
//! - [`emit`]: EDGE. Write the tree: only changed files, owned files only, atomic switch.
//! - [`argocd`]: which cluster an Argo CD Application asks for (plugin parameters and env).
//! - [`import`]: live objects (`kubectl get -o yaml`) → short-form workloads.
//! - [`review`]: two compiled revisions → what changes per cluster; [`gitrev`] (EDGE) reads a revision.
//!
//! [`compile`] is the whole pipeline between the edges:
//!
//! ```text
//! analyse (parse → classify → validate → resolve, templates per cluster) → place → render
//! ```
//!
//! Invariants: every problem in the user's input is a [`diagnostic::Diagnostic`] with a span, never a
//! panic; all diagnostics of a stage are collected before stopping; the same input gives the same output
//! byte for byte (sorted walks, `BTreeMap`s, no clocks or randomness).

pub mod affinity;
pub mod api;
pub mod argocd;
pub mod checks;
pub mod classify;
pub mod config;
pub mod deps;
pub mod diagnostic;
pub mod diff;
pub mod divide;
pub mod emit;
pub mod estimate;
pub mod gitrev;
pub mod import;
pub mod load;
pub mod matching;
pub mod memory;
pub mod model;
pub mod names;
pub mod overrides;
pub mod place;
pub mod plan;
pub mod quantity;
pub mod render;
pub mod resolve;
pub mod review;
pub mod schemas;
pub mod shortform;
pub mod source;
pub mod spread;
pub mod template;
pub mod validate;
pub mod yaml;

use diagnostic::Diagnostic;
use model::Model;
use rayon::prelude::*;
use schemas::Schemas;
use source::{FileId, Sources};

/// The front end's result: the model, and every diagnostic found on the way. The model is only
/// meaningful when no diagnostic is an error.
#[derive(Debug)]
pub struct Analysis {
    pub model: Model,
    pub diagnostics: Vec<Diagnostic>,
}

impl Analysis {
    pub fn has_errors(&self) -> bool {
        diagnostic::has_errors(&self.diagnostics)
    }
}

/// Parse, classify, validate and resolve the given files; templates among them (`*.yaml.j2`) are
/// rendered per cluster once the inventory is known, their renderings added to `sources`.
pub fn analyse(
    sources: &mut Sources,
    files: &[FileId],
    limits: &config::Limits,
    schemas: &Schemas,
) -> Analysis {
    let mut diagnostics = Vec::new();
    let mut documents = Vec::new();
    let (templates, plain): (Vec<FileId>, Vec<FileId>) = files
        .iter()
        .partition(|&&id| template::is_template(&sources.get(id).rel_path));
    // Files parse independently: on every core, results kept in file order.
    let parsed: Vec<yaml::Parsed> = (plain.par_iter())
        .map(|&id| yaml::parse(id, &sources.get(id).text, limits.yaml))
        .collect();
    for parsed in parsed {
        diagnostics.extend(parsed.diagnostics);
        documents.extend(parsed.documents);
    }
    let (objects, found) = classify::classify(documents);
    diagnostics.extend(found);
    let (objects, found) = validate::validate(objects, schemas);
    diagnostics.extend(found);
    let (mut model, found) = resolve::resolve(&objects);
    diagnostics.extend(found);
    let (templated, found) = template::expand(
        sources,
        &templates,
        &model.clusters,
        limits.yaml,
        limits.template_fuel,
        schemas,
    );
    diagnostics.extend(found);
    if !templated.is_empty() {
        model.resources.extend(templated);
        resolve::sort_resources(&mut model.resources);
    }
    diagnostics.extend(checks::duplicates(&model));
    if !diagnostic::has_errors(&diagnostics) {
        diagnostics.extend(matching::claims(&model).1);
    }
    diagnostic::sort(&mut diagnostics, sources);
    Analysis { model, diagnostics }
}

/// Analyse a loaded repository: the front end in one call.
pub fn analyse_repo(repo: &mut load::Repo, schemas: &Schemas) -> Analysis {
    let files = repo.files.clone();
    let mut analysis = analyse(&mut repo.sources, &files, &repo.config.limits, schemas);
    analysis
        .diagnostics
        .extend(repo.diagnostics.iter().cloned());
    diagnostic::sort(&mut analysis.diagnostics, &repo.sources);
    analysis
}

/// What a render's output depends on, as one hash: fanout itself (`tool`, the running executable's
/// bytes), every file read from the repository (path and text, `fanout.yaml` included) and the clusters
/// asked for (all when empty). Equal fingerprints give equal trees: compiling is deterministic and reads
/// nothing else.
pub fn fingerprint(repo: &load::Repo, clusters: &[String], tool: &[u8]) -> blake3::Hash {
    let mut hasher = blake3::Hasher::new();
    let mut field = |bytes: &[u8]| {
        hasher.update(&(bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    };
    field(tool);
    for (_, file) in repo.sources.iter() {
        field(file.rel_path.as_bytes());
        field(file.text.as_bytes());
    }
    let clusters: std::collections::BTreeSet<&String> = clusters.iter().collect();
    field(b"clusters");
    for c in clusters {
        field(c.as_bytes());
    }
    hasher.finalize()
}

/// Everything a render needs, computed without touching the disk.
#[derive(Debug)]
pub struct Compiled {
    pub model: Model,
    pub decisions: Vec<place::Decision>,
    pub rendered: render::Rendered,
    /// Warnings found on the way.
    pub diagnostics: Vec<Diagnostic>,
}

/// The whole pipeline after loading: analyse, place, render. Nothing may be written unless this
/// succeeds; a workload that cannot be placed is an error located at the workload.
pub fn compile(repo: &mut load::Repo, schemas: &Schemas) -> Result<Compiled, Vec<Diagnostic>> {
    compile_clusters(repo, schemas, None)
}

/// [`compile`], rendering only the clusters in `only` (all when `None`; see
/// [`render::render_clusters`]).
pub fn compile_clusters(
    repo: &mut load::Repo,
    schemas: &Schemas,
    only: Option<&std::collections::BTreeSet<String>>,
) -> Result<Compiled, Vec<Diagnostic>> {
    let analysis = analyse_repo(repo, schemas);
    if analysis.has_errors() {
        return Err(analysis.diagnostics);
    }
    let model = analysis.model;
    let (decisions, found) = place::place(&model);
    let mut diagnostics = analysis.diagnostics;
    diagnostics.extend(found);
    diagnostics.extend(plan::idle_overrides(&model, &decisions));
    for d in &decisions {
        if let place::Outcome::Failed { error, .. } = &d.outcome {
            let r = &model.resources[d.resource];
            diagnostics.push(Diagnostic::error(
                "placement",
                r.origin.span_at("/metadata/name"),
                format!("`{}` cannot be placed: {error}", r.id),
            ));
        }
    }
    let rendered = if diagnostic::has_errors(&diagnostics) {
        None
    } else {
        match render::render_clusters(&model, &decisions, only) {
            Ok(r) => Some(r),
            Err(found) => {
                diagnostics.extend(found);
                None
            }
        }
    };
    diagnostic::sort(&mut diagnostics, &repo.sources);
    match rendered {
        Some(rendered) => Ok(Compiled {
            model,
            decisions,
            rendered,
            diagnostics,
        }),
        None => Err(diagnostics),
    }
}

//! fanout: a declarative GitOps compiler for multi-cluster Kubernetes.
//!
//! It reads a repository of workloads, a Karmada cluster inventory, placement and override policies,
//! validates everything against the JSON Schemas in `schema/`, decides offline where each workload runs
//! and with how many replicas (as Karmada's scheduler would), and writes one manifest directory per cluster.
//!
//! The folders are the pipeline's stages, in order; only the EDGE modules (`front::load`,
//! `front::gitrev`, `previous`, `emit`) touch the disk:
//!
//! - [`front`]: the front end. [`front::load`] (EDGE) walks the repository and reads `fanout.yaml`
//!   ([`front::config`]); [`front::gitrev`] (EDGE) reads a git revision; [`front::yaml`] turns text into
//!   position-keeping nodes under reader limits; [`front::template`] renders `*.yaml.j2` files per
//!   cluster under a [`front::memory`] budget; [`front::classify`] sorts documents by `apiVersion`/`kind`;
//!   [`front::validate`] checks them against [`front::schemas`]. [`front::analyse`] runs it all.
//! - [`model`]: the typed model. [`model::resolve`] turns schema-valid objects into [`model::Model`]
//!   (Karmada's API defaults, short forms expanded by [`model::shortform`], semantic rules in
//!   [`model::checks`], names in [`model::names`], integer fields in [`model::numbers`], quantities in
//!   [`model::quantity`], kinds' scope in [`model::scope`], policy fields beyond placement in
//!   [`model::policy_fields`], a repository's `ResourceInterpreterCustomization`s in
//!   [`model::customization`], Karmada's API types in [`model::api`]). [`front::yaml11`] says what
//!   YAML 1.1 readers make of a scalar.
//! - [`place`]: the model → a decision per resource: the claiming policy ([`place::matching`]),
//!   filters ([`place::api_enablement`], the repository's CRDs placed first; [`place::affinity`]),
//!   capacity ([`place::estimate`]), spread selection ([`place::spread`]),
//!   replica division ([`place::divide`]), dependencies ([`place::deps`]), custom kinds' replicas,
//!   revision and dependencies as Karmada's resource interpreter gives them ([`place::interpret`]),
//!   steady scheduling from the previous result ([`place::steady`]); [`place::plan`] prints decisions.
//! - [`previous`]: EDGE. Read the previous schedule result (`.fanout/schedule.tsv`, written by
//!   [`render::schedule`]) from an output directory, for placement to start from.
//! - [`render`]: decisions → each cluster's objects ([`render::overrides`] applied) and the output
//!   [`emit::Tree`], one file per object ([`render::paths`]); [`render::diff`] compares trees (Secret
//!   values masked); [`render::review`] compares two compiled revisions per cluster.
//! - [`emit`]: EDGE. Write the tree: only changed files, owned files only, atomic switch.
//! - [`shard`]: the objects split into N balanced shards of connected groups (a workload with its
//!   dependencies), each compiled on its own ([`shard::compile`]); the shards' renders together are the
//!   whole render.
//! - [`import`]: live objects (`kubectl get -o yaml`) → short-form workloads (a pipeline of its own).
//! - [`adopt`]: live ResourceBindings → the previous schedule result (`fanout adopt-bindings`).
//! - [`gocompat`]: what exists only to reproduce Go behaviour Karmada's results depend on (Go's sort, the
//!   FNV tie-break seed, yaml.v2 and JSON spelling, number formatting).
//! - [`safe_read`]: how the edges read a file from an untrusted tree (no symlink followed, no FIFO
//!   waited on, size checked first).
//! - [`source`] and [`diagnostic`]: the vocabulary every stage speaks (files, spans, located problems;
//!   printed with Secret values masked, see [`front::classify::secret_values`]).
//!
//! The commands themselves (`src/commands/`) belong to the binary: they call [`compile`] and the stages,
//! print, and map outcomes to exit codes.
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

pub mod adopt;
pub mod diagnostic;
pub mod emit;
pub mod front;
pub mod gocompat;
pub mod import;
pub mod model;
pub mod place;
pub mod previous;
pub mod render;
pub mod safe_read;
pub mod shard;
pub mod source;

pub use front::{Analysis, analyse, analyse_repo};

use diagnostic::Diagnostic;
use front::load;
use front::schemas::Schemas;
use model::Model;
use place::plan;

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

/// The whole pipeline after loading: analyse, place (a first schedule), render. Nothing may be written
/// unless this succeeds; a workload that cannot be placed is an error located at the workload.
pub fn compile(repo: &mut load::Repo, schemas: &Schemas) -> Result<Compiled, Vec<Diagnostic>> {
    compile_clusters(repo, schemas, None, &place::steady::Prior::default())
}

/// [`compile`], starting from the previous results in `prior` (see [`place::steady`]) and rendering
/// only the clusters in `only` (all when `None`; see [`render::render_clusters`]).
pub fn compile_clusters(
    repo: &mut load::Repo,
    schemas: &Schemas,
    only: Option<&std::collections::BTreeSet<String>>,
    prior: &place::steady::Prior,
) -> Result<Compiled, Vec<Diagnostic>> {
    let analysis = analyse_repo(repo, schemas);
    place_and_render(analysis, &repo.sources, only, prior)
}

/// The pipeline after the front end: place (from `prior`), then render (only the clusters in `only`,
/// all when `None`), all in memory. Errors of the analysis are returned as they are.
pub fn place_and_render(
    analysis: Analysis,
    sources: &source::Sources,
    only: Option<&std::collections::BTreeSet<String>>,
    prior: &place::steady::Prior,
) -> Result<Compiled, Vec<Diagnostic>> {
    if analysis.has_errors() {
        return Err(analysis.diagnostics);
    }
    let model = analysis.model;
    let (decisions, found) = place::place_with(&model, prior);
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
    diagnostic::sort(&mut diagnostics, sources);
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

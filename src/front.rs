//! The front end: from files to a validated, typed model. Reading the repository ([`load`], EDGE) or
//! a git revision ([`gitrev`], EDGE), parsing YAML with positions ([`yaml`]), rendering templates per
//! cluster ([`template`], under a [`memory`] budget), classifying documents ([`classify`]) and checking
//! them against the embedded JSON Schemas ([`validate`], [`schemas`]); then [`analyse`] hands the valid
//! objects to [`crate::model::resolve`].
//!
//! Nothing here places or renders: a diagnostic found here stops the pipeline before placement.

pub mod classify;
pub mod config;
pub mod gitrev;
pub mod load;
pub mod memory;
pub mod schemas;
pub mod template;
pub mod validate;
pub mod yaml;
pub mod yaml11;

use crate::diagnostic::{self, Diagnostic};
use crate::model::{self, Model, resolve};
use crate::place::matching;
use crate::source::{FileId, Sources};
use rayon::prelude::*;
use schemas::Schemas;

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
    for (&id, parsed) in plain.iter().zip(parsed) {
        if !diagnostic::has_errors(&parsed.diagnostics) {
            sources.set_secret_values(id, classify::secret_values(&parsed.documents));
        }
        diagnostics.extend(parsed.diagnostics);
        documents.extend(parsed.documents);
    }
    let (objects, found) = classify::classify(documents);
    diagnostics.extend(found);
    let validated = validate::validate(objects, schemas, &schemas::CustomResources::default());
    diagnostics.extend(validated.diagnostics);
    let (mut model, found) = resolve::resolve(&validated.objects);
    diagnostics.extend(found);
    let (templated, found) = template::expand(
        sources,
        &templates,
        &model.clusters,
        limits.yaml,
        limits.template_fuel,
        schemas,
        &validated.custom,
    );
    diagnostics.extend(found);
    if !templated.is_empty() {
        model.resources.extend(templated);
        resolve::sort_resources(&mut model.resources);
    }
    diagnostics.extend(model::checks::duplicates(&model));
    diagnostics.extend(model::checks::unknown_cluster_names(&model));
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
    analysis.model.skipped_namespaces = Some(repo.config.skipped_namespaces.clone());
    analysis
        .diagnostics
        .extend(repo.diagnostics.iter().cloned());
    diagnostic::sort(&mut analysis.diagnostics, &repo.sources);
    analysis
}

//! Jinja templates: a manifest file named `*.yaml.j2` (or `*.yml.j2`) is rendered once per cluster with
//! minijinja before it is parsed, with `cluster` in scope (`name`, `provider`, `region`, `zones`,
//! `labels`).
//!
//! The environment is sandboxed: no loader (so `include`, `import` and `extends` cannot reach any file),
//! no network, a fuel budget and a recursion limit so a template cannot loop forever, strict undefined
//! variables (a typo is an error, not an empty string), no auto-escaping, trailing newline kept. Errors
//! are located at the template's own line. Pure: text in, text out.

use crate::classify::{self, Class};
use crate::diagnostic::Diagnostic;
use crate::model::{Cluster, ObjectRef, Resource};
use crate::schemas::Schemas;
use crate::source::{FileId, Pos, SourceFile, Sources, Span};
use crate::{place, resolve, validate, yaml};
use minijinja::{AutoEscape, Environment, UndefinedBehavior, context};
use std::collections::BTreeMap;

/// Whether a repository path is a template.
pub fn is_template(path: &str) -> bool {
    path.ends_with(".yaml.j2") || path.ends_with(".yml.j2")
}

/// The sandboxed environment, with `fuel` as the instruction budget of one rendering.
fn environment(fuel: u64) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| AutoEscape::None);
    env.set_fuel(Some(fuel));
    env.set_recursion_limit(64);
    if let Ok(syntax) = minijinja::syntax::SyntaxConfig::builder()
        .keep_trailing_newline(true)
        .build()
    {
        env.set_syntax(syntax);
    }
    env
}

/// Render one template for one cluster.
pub fn render(
    file: FileId,
    name: &str,
    text: &str,
    cluster: &Cluster,
    fuel: u64,
) -> Result<String, Diagnostic> {
    let env = environment(fuel);
    let ctx = context! {
        cluster => context! {
            name => cluster.name.clone(),
            provider => cluster.provider.clone(),
            region => cluster.region.clone(),
            zones => cluster.zones.clone(),
            labels => cluster.labels.clone(),
        }
    };
    env.render_named_str(name, text, ctx).map_err(|e| {
        let line = u32::try_from(e.line().unwrap_or(1)).unwrap_or(1);
        let (start, end) = match e.range() {
            Some(r) => (col_of(text, r.start), col_of(text, r.end)),
            None => (Pos { line, col: 1 }, Pos { line, col: 1 }),
        };
        let what = match e.kind() {
            minijinja::ErrorKind::OutOfFuel => format!(
                "template ran out of fuel for cluster `{}` (limit {fuel}; raise `limits.templateFuel` in fanout.yaml if the template is meant to do that much work)",
                cluster.name
            ),
            _ => format!(
                "template error for cluster `{}`: {}",
                cluster.name,
                e.detail().map_or_else(|| e.kind().to_string(), str::to_owned)
            ),
        };
        Diagnostic::error("template", Span { file, start, end }, what)
    })
}

/// Render every template for every cluster, read the results like any other file (each rendering becomes
/// a source of its own, shown as `path (rendered for CLUSTER)`), and merge each object's renderings into
/// one [`Resource`] with a variant per cluster.
///
/// A template must produce the same objects for every cluster, and what placement reads (replicas, pod
/// requests, Job completions, labels, uid) must not differ between clusters: placement decides where an
/// object goes, the template only what it looks like there.
pub fn expand(
    sources: &mut Sources,
    templates: &[FileId],
    clusters: &[Cluster],
    limits: yaml::Limits,
    fuel: u64,
    schemas: &Schemas,
) -> (Vec<Resource>, Vec<Diagnostic>) {
    let mut resources = Vec::new();
    let mut diagnostics = Vec::new();
    for &file in templates {
        let source = sources.get(file).clone();
        if clusters.is_empty() {
            diagnostics.push(Diagnostic::warning(
                "template",
                Span::file_start(file),
                "the inventory has no clusters, so this template is rendered for none",
            ));
            continue;
        }
        let mut per_cluster: BTreeMap<&str, Vec<Resource>> = BTreeMap::new();
        let mut failed = false;
        for cluster in clusters {
            let text = match render(file, &source.rel_path, &source.text, cluster, fuel) {
                Ok(t) => t,
                Err(d) => {
                    // the first failing cluster is enough: template errors rarely depend on the cluster
                    diagnostics.push(d);
                    failed = true;
                    break;
                }
            };
            let id = sources.add(SourceFile {
                rel_path: source.rel_path.clone(),
                display_path: format!("{} (rendered for {})", source.display_path, cluster.name),
                text,
            });
            let parsed = yaml::parse(id, &sources.get(id).text, limits);
            diagnostics.extend(parsed.diagnostics);
            let (objects, found) = classify::classify(parsed.documents);
            diagnostics.extend(found);
            let (objects, found) = validate::validate(objects, schemas);
            diagnostics.extend(found);
            let (kept, others): (Vec<_>, Vec<_>) = objects
                .into_iter()
                .partition(|o| o.class == Class::Resource);
            for o in others {
                diagnostics.push(Diagnostic::error(
                    "template",
                    o.node.span,
                    format!(
                        "a template may only hold Kubernetes objects to place, not a `{}`",
                        o.kind
                    ),
                ));
            }
            let (model, found) = resolve::resolve(&kept);
            diagnostics.extend(found);
            per_cluster.insert(&cluster.name, model.resources);
        }
        if !failed {
            merge(file, per_cluster, &mut resources, &mut diagnostics);
        }
    }
    (resources, diagnostics)
}

/// What placement reads from an object, which must be the same in every rendering.
fn placement_view(r: &Resource) -> (place::Binding, BTreeMap<String, String>, String) {
    (place::binding(r), r.labels.clone(), r.uid.clone())
}

fn merge(
    file: FileId,
    per_cluster: BTreeMap<&str, Vec<Resource>>,
    out: &mut Vec<Resource>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut by_object: BTreeMap<ObjectRef, BTreeMap<&str, Resource>> = BTreeMap::new();
    for (cluster, resources) in &per_cluster {
        for r in resources {
            let slot = by_object.entry(r.id.clone()).or_default();
            if slot.insert(cluster, r.clone()).is_some() {
                diagnostics.push(Diagnostic::error(
                    "duplicate",
                    r.origin.span_at("/metadata/name"),
                    format!("`{}` is rendered twice for cluster `{cluster}`", r.id),
                ));
            }
        }
    }
    for (id, variants) in by_object {
        if let Some(missing) = per_cluster.keys().find(|c| !variants.contains_key(*c)) {
            let present = variants.keys().next().copied().unwrap_or_default();
            diagnostics.push(Diagnostic::error(
                "template",
                Span::file_start(file),
                format!(
                    "`{id}` is rendered for cluster `{present}` but not for `{missing}`; a template must produce the same objects for every cluster (placement decides where they go)"
                ),
            ));
            continue;
        }
        let mut iter = variants.iter();
        let Some((first_cluster, first)) = iter.next() else {
            continue;
        };
        let view = placement_view(first);
        if let Some((other, _)) = iter.find(|(_, r)| placement_view(r) != view) {
            diagnostics.push(Diagnostic::error(
                "template",
                first.origin.span_at("/metadata/name"),
                format!(
                    "`{id}` differs between clusters `{first_cluster}` and `{other}` in what placement reads (replicas, resource requests, Job completions, labels or uid); use an OverridePolicy or the short form's overrides for per-cluster differences"
                ),
            ));
            continue;
        }
        let mut resource = first.clone();
        resource.variants = variants
            .into_iter()
            .map(|(c, r)| (c.to_owned(), r.body))
            .collect();
        out.push(resource);
    }
}

/// Line and column of a byte offset.
fn col_of(text: &str, offset: usize) -> Pos {
    let prefix = text.get(..offset.min(text.len())).unwrap_or(text);
    crate::source::pos_after(prefix)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::place::tests::model;

    fn cluster() -> Cluster {
        let m = model(
            "apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata: {name: eu-1, labels: {env: prod}}\nspec: {provider: aws, region: eu-west-1, zones: [a, b]}\n",
        );
        m.clusters[0].clone()
    }

    #[test]
    fn cluster_fields_are_in_scope() {
        let out = render(
            FileId(0),
            "t.yaml.j2",
            "region: {{ cluster.region }}\nenv: {{ cluster.labels.env }}\nzones: {{ cluster.zones | join(',') }}\n",
            &cluster(),
            100_000,
        )
        .unwrap();
        assert_eq!(out, "region: eu-west-1\nenv: prod\nzones: a,b\n");
    }

    #[test]
    fn undefined_variables_are_located_errors() {
        let d = render(
            FileId(0),
            "t.yaml.j2",
            "a: 1\nb: {{ cluster.regoin }}\n",
            &cluster(),
            100_000,
        )
        .unwrap_err();
        assert_eq!(d.span.unwrap().start.line, 2);
        assert!(d.message.contains("eu-1"), "{}", d.message);
    }

    #[test]
    fn endless_loops_run_out_of_fuel() {
        let d = render(
            FileId(0),
            "t.yaml.j2",
            "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
            &cluster(),
            50_000,
        )
        .unwrap_err();
        assert!(d.message.contains("ran out of fuel"), "{}", d.message);
    }

    #[test]
    fn templates_cannot_read_files() {
        let d = render(
            FileId(0),
            "t.yaml.j2",
            "{% include '/etc/passwd' %}",
            &cluster(),
            100_000,
        )
        .unwrap_err();
        assert!(d.message.contains("template error"), "{}", d.message);
    }

    #[test]
    fn deep_recursion_is_stopped() {
        let d = render(
            FileId(0),
            "t.yaml.j2",
            "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}",
            &cluster(),
            10_000_000,
        )
        .unwrap_err();
        assert_eq!(d.code, "template");
    }
}

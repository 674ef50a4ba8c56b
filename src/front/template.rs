//! Jinja templates: a manifest file named `*.yaml.j2` (or `*.yml.j2`) is rendered once per cluster with
//! minijinja before it is parsed, with `cluster` in scope (`name`, `provider`, `region`, `zones`,
//! `labels`).
//!
//! The environment is sandboxed: no loader (so `include`, `import` and `extends` cannot reach any file),
//! no network, a fuel budget and a recursion limit so a template cannot loop forever, strict undefined
//! variables (a typo is an error, not an empty string), no auto-escaping, trailing newline kept. Errors
//! are located at the template's own line. Pure: text in, text out.
//!
//! Fuel counts instructions, not bytes, so the output of one rendering is bounded too: it is read as a
//! file, so it may be no larger than `limits.maxFileBytes` (16 MiB by default). Output past the limit is
//! dropped as it is written, and the rendering stops at its next `{{ ... }}` with an error located there.
//!
//! What this does not bound: values a rendering builds without writing them. minijinja 3.0 has no limit
//! on the size of a string that `~` or `+` make, nor on text captured by `{% set %}...{% endset %}` or a
//! macro call, and no hook to add one, so `{% set s = s ~ s %}` repeated (or through a namespace or a
//! recursive macro) doubles a string per instruction until memory runs out. Bounding that needs memory
//! accounting below minijinja, in the global allocator, which is the binary's to choose: see
//! `fuzz/oom/README.md`.

use crate::diagnostic::Diagnostic;
use crate::front::classify::{self, Class};
use crate::front::schemas::{CustomResources, Schemas};
use crate::front::{memory, validate, yaml};
use crate::model::resolve;
use crate::model::{Cluster, ObjectRef, Resource};
use crate::place;
use crate::source::{FileId, Pos, SourceFile, Sources, Span};
use minijinja::{AutoEscape, Environment, Error, ErrorKind, UndefinedBehavior, context};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Whether a repository path is a template.
pub fn is_template(path: &str) -> bool {
    path.ends_with(".yaml.j2") || path.ends_with(".yml.j2")
}

/// What one rendering may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    /// Instructions (`limits.templateFuel`).
    pub fuel: u64,
    /// Bytes of output (`limits.maxFileBytes`: the output is then read as a file).
    pub max_output: usize,
    /// Bytes of memory the rendering may hold at once ([`memory::with_budget`]).
    pub max_memory: usize,
    /// How long the rendering may take ([`TIME_LIMIT`]).
    pub max_time: Duration,
}

impl Budget {
    /// The budget from the configured limits: memory is [`MEMORY_PER_OUTPUT_BYTE`] times the output limit.
    pub fn new(fuel: u64, max_file_bytes: usize) -> Budget {
        Budget {
            fuel,
            max_output: max_file_bytes,
            max_memory: max_file_bytes.saturating_mul(MEMORY_PER_OUTPUT_BYTE),
            max_time: TIME_LIMIT,
        }
    }
}

/// How long one rendering may take, whatever its fuel: fuel counts instructions, not the size of the
/// values they work on, so a loop over a string of tens of MiB (`{% set t = s|upper %}`) runs for
/// minutes on the default fuel, hours on the ceiling's. Fixed: a repository cannot raise it. The tightest
/// loops finish the fuel ceiling's 20 million instructions within 1 to 2.5 s (release build, an idle
/// machine; 4 s with the machine's two cores shared by eight jobs).
pub const TIME_LIMIT: Duration = Duration::from_secs(10);

/// How much memory a rendering may hold per byte it may write: room for its output, the values it
/// builds, and minijinja's own state (256 MiB with the default 16 MiB `limits.maxFileBytes`).
pub const MEMORY_PER_OUTPUT_BYTE: usize = 16;

/// The rendering's output: what fits in the budget, and whether anything was dropped (shared with the
/// formatter, which minijinja requires to be `Send + Sync + 'static`).
struct CappedOutput {
    text: Vec<u8>,
    limit: usize,
    over: Arc<AtomicBool>,
}

impl std::io::Write for CappedOutput {
    /// Never fails: minijinja replaces the error of a failed write with one that has no location, so
    /// output past the limit is dropped instead and the formatter stops the rendering where it is.
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if self.over.load(Ordering::Relaxed) || bytes.len() > self.limit - self.text.len() {
            self.over.store(true, Ordering::Relaxed);
        } else {
            self.text.extend_from_slice(bytes);
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The error that the formatter raises once output was dropped; its text never reaches the user.
const OUTPUT_FULL: &str = "output limit reached";

/// The sandboxed environment for one rendering; `over` is set once its output went past the limit.
fn environment(fuel: u64, over: Arc<AtomicBool>) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| AutoEscape::None);
    env.set_fuel(Some(fuel));
    env.set_recursion_limit(64);
    // every `{{ ... }}` passes here, with its location known: stop at the first one after the limit
    env.set_formatter(move |out, state, value| {
        minijinja::escape_formatter(out, state, value)?;
        if over.load(Ordering::Relaxed) {
            return Err(Error::new(ErrorKind::InvalidOperation, OUTPUT_FULL));
        }
        Ok(())
    });
    if let Ok(syntax) = minijinja::syntax::SyntaxConfig::builder()
        .keep_trailing_newline(true)
        .build()
    {
        env.set_syntax(syntax);
    }
    env
}

/// Render one template for one cluster, on a thread of its own under the memory budget.
pub fn render(
    file: FileId,
    name: &str,
    text: &str,
    cluster: &Cluster,
    budget: Budget,
) -> Result<String, Diagnostic> {
    render_budgeted(file, name, text, cluster, budget).map_err(|(d, _)| *d)
}

/// [`render`], saying whether a failure was the memory budget's (`true`): rendering stops everywhere
/// then, since each overrun leaves its thread holding up to the budget.
fn render_budgeted(
    file: FileId,
    name: &str,
    text: &str,
    cluster: &Cluster,
    budget: Budget,
) -> Result<String, (Box<Diagnostic>, bool)> {
    let work = {
        let (name, text, cluster) = (name.to_owned(), text.to_owned(), cluster.clone());
        move || render_here(file, &name, &text, &cluster, budget)
    };
    match memory::with_budget(budget.max_memory, budget.max_time, work) {
        Ok(rendered) => rendered.map_err(|d| (Box::new(d), false)),
        Err(memory::Exceeded::Time) => Err((
            Box::new(Diagnostic::error(
                "template",
                Span::file_start(file),
                format!(
                    "template for cluster `{}` ran longer than {} s, the most one rendering may take (fuel counts instructions, not the size of the values they work on)",
                    cluster.name,
                    budget.max_time.as_secs_f64()
                ),
            )),
            true,
        )),
        Err(memory::Exceeded::Memory) => Err((
            Box::new(Diagnostic::error(
                "template",
                Span::file_start(file),
                format!(
                    "template for cluster `{}` needs more than {} bytes of memory ({MEMORY_PER_OUTPUT_BYTE} times `limits.maxFileBytes`; raise that in fanout.yaml if the template is meant to build values that large)",
                    cluster.name, budget.max_memory
                ),
            )),
            true,
        )),
    }
}

fn render_here(
    file: FileId,
    name: &str,
    text: &str,
    cluster: &Cluster,
    budget: Budget,
) -> Result<String, Diagnostic> {
    let over = Arc::new(AtomicBool::new(false));
    let env = environment(budget.fuel, Arc::clone(&over));
    let ctx = context! {
        cluster => context! {
            name => cluster.name.clone(),
            provider => cluster.provider.clone(),
            region => cluster.region.clone(),
            zones => cluster.zones.clone(),
            labels => cluster.labels.clone(),
        }
    };
    let mut output = CappedOutput {
        text: Vec::new(),
        limit: budget.max_output,
        over: Arc::clone(&over),
    };
    let too_large = || {
        format!(
            "template output for cluster `{}` is larger than {} bytes (raise `limits.maxFileBytes` in fanout.yaml if the template is meant to write that much)",
            cluster.name, budget.max_output
        )
    };
    let rendered = env
        .template_from_named_str(name, text)
        .and_then(|t| t.render_captured_to(ctx, &mut output).map(drop));
    match rendered {
        // output went past the limit in template text after the last `{{ ... }}`: no better place
        Ok(()) if over.load(Ordering::Relaxed) => Err(Diagnostic::error(
            "template",
            Span::file_start(file),
            too_large(),
        )),
        Ok(()) => Ok(String::from_utf8(output.text)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())),
        Err(e) => {
            let line = u32::try_from(e.line().unwrap_or(1)).unwrap_or(1);
            let (start, end) = match e.range() {
                Some(r) => (col_of(text, r.start), col_of(text, r.end)),
                None => (Pos { line, col: 1 }, Pos { line, col: 1 }),
            };
            let what = match e.kind() {
                _ if over.load(Ordering::Relaxed) => too_large(),
                ErrorKind::OutOfFuel => format!(
                    "template ran out of fuel for cluster `{}` (limit {}; raise `limits.templateFuel` in fanout.yaml if the template is meant to do that much work)",
                    cluster.name, budget.fuel
                ),
                _ => format!(
                    "template error for cluster `{}`: {}",
                    cluster.name,
                    e.detail()
                        .map_or_else(|| e.kind().to_string(), str::to_owned)
                ),
            };
            Err(Diagnostic::error(
                "template",
                Span { file, start, end },
                what,
            ))
        }
    }
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
    custom: &CustomResources,
) -> (Vec<Resource>, Vec<Diagnostic>) {
    let budget = Budget::new(fuel, limits.max_file_bytes);
    let mut resources = Vec::new();
    let mut diagnostics = Vec::new();
    'templates: for &file in templates {
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
            let rendered = render_budgeted(file, &source.rel_path, &source.text, cluster, budget);
            let text = match rendered {
                Ok(t) => t,
                Err((d, stop)) => {
                    // the first failing cluster is enough: template errors rarely depend on the cluster
                    diagnostics.push(*d);
                    if stop {
                        break 'templates;
                    }
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
            if !crate::diagnostic::has_errors(&parsed.diagnostics) {
                sources.set_secret_values(id, classify::secret_values(&parsed.documents));
            }
            diagnostics.extend(parsed.diagnostics);
            let (objects, found) = classify::classify(parsed.documents);
            diagnostics.extend(found);
            let validated = validate::validate(objects, schemas, custom);
            diagnostics.extend(validated.diagnostics);
            let (kept, others): (Vec<_>, Vec<_>) = validated
                .objects
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

    fn budget(fuel: u64) -> Budget {
        Budget::new(fuel, 1 << 20)
    }

    fn small_output(max_output: usize) -> Budget {
        Budget::new(1_000_000, max_output)
    }

    #[test]
    fn cluster_fields_are_in_scope() {
        let out = render(
            FileId(0),
            "t.yaml.j2",
            "region: {{ cluster.region }}\nenv: {{ cluster.labels.env }}\nzones: {{ cluster.zones | join(',') }}\n",
            &cluster(),
            budget(100_000),
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
            budget(100_000),
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
            budget(50_000),
        )
        .unwrap_err();
        assert!(d.message.contains("ran out of fuel"), "{}", d.message);
    }

    #[test]
    fn a_rendering_past_its_time_is_stopped() {
        // a loop that would end by itself within seconds, given a tenth of one
        let started = std::time::Instant::now();
        let d = render(
            FileId(0),
            "t.yaml.j2",
            "{% for i in range(100000) %}{% for j in range(100) %}{% endfor %}{% endfor %}",
            &cluster(),
            Budget {
                max_time: Duration::from_millis(100),
                ..budget(20_000_000)
            },
        )
        .unwrap_err();
        assert!(d.message.contains("ran longer than 0.1 s"), "{}", d.message);
        assert!(started.elapsed() < Duration::from_secs(2));
    }

    #[test]
    fn templates_cannot_read_files() {
        let d = render(
            FileId(0),
            "t.yaml.j2",
            "{% include '/etc/passwd' %}",
            &cluster(),
            budget(100_000),
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
            budget(10_000_000),
        )
        .unwrap_err();
        assert_eq!(d.code, "template");
    }

    #[test]
    fn output_is_bounded_where_it_grows() {
        // the shape of fuzz/oom's template-output: a short loop writing a long string
        let d = render(
            FileId(0),
            "t.yaml.j2",
            "{% set s = 'x' * 100 %}\ndata: {% for i in range(1000) %}{{ s }}{% endfor %}\n",
            &cluster(),
            small_output(1000),
        )
        .unwrap_err();
        assert_eq!(d.code, "template");
        assert_eq!(
            d.message,
            "template output for cluster `eu-1` is larger than 1000 bytes (raise `limits.maxFileBytes` in fanout.yaml if the template is meant to write that much)"
        );
        let span = d.span.unwrap();
        assert_eq!((span.start.line, span.start.col), (2, 36));
    }

    #[test]
    fn output_of_template_text_alone_is_bounded() {
        let d = render(
            FileId(0),
            "t.yaml.j2",
            "a: 1\n{% for i in range(1000) %}xxxxxxxxxx{% endfor %}",
            &cluster(),
            small_output(1000),
        )
        .unwrap_err();
        assert!(
            d.message.contains("larger than 1000 bytes"),
            "{}",
            d.message
        );
        assert_eq!(d.span.unwrap().start.line, 1);
    }

    #[test]
    fn output_up_to_the_limit_is_kept_whole() {
        let text = "{% for i in range(100) %}{{ 'x' * 9 }}\n{% endfor %}";
        let out = render(FileId(0), "t.yaml.j2", text, &cluster(), small_output(1000)).unwrap();
        assert_eq!(out, "xxxxxxxxx\n".repeat(100));
        assert!(render(FileId(0), "t.yaml.j2", text, &cluster(), small_output(999)).is_err());
    }
}

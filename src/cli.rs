//! The command line: clap arguments, and the exit codes every command shares.

use clap::{Parser, Subcommand, ValueEnum};
use fanout::shard::Shard;
use std::path::PathBuf;

/// Exit codes, the same for every command (documented in the README).
pub mod exit {
    /// Success: the input is valid (and, for `check`, the tree is up to date).
    pub const OK: i32 = 0;
    /// Differences found (`check`, `diff`).
    pub const DIFFERENCES: i32 = 1;
    /// The repository is invalid or a workload cannot be placed.
    pub const INVALID: i32 = 2;
    /// Usage or I/O error.
    pub const USAGE_OR_IO: i32 = 3;
}

/// `fanout -V`: the version and the git commit it was built from (`unknown` outside git; see build.rs).
const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("FANOUT_GIT_COMMIT"),
    ")"
);

/// `fanout --version`: also the Karmada and Kubernetes versions fanout follows, as the README states them
/// ("Placement: how fanout decides"; the Kubernetes version is the one `tests/integrations.rs` checks
/// rendered objects against).
const LONG_VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("FANOUT_GIT_COMMIT"),
    ")\nKarmada scheduler: v1.16 and later, checked against v1.19",
    "\nKubernetes: 1.37 (built-in kinds validated strictly against its API schemas)"
);

#[derive(Debug, Parser)]
#[command(
    name = "fanout",
    version = VERSION,
    long_version = LONG_VERSION,
    about = "A declarative GitOps compiler for multi-cluster Kubernetes: Karmada placement, offline",
    after_help = "Exit codes: 0 success, 1 differences found, 2 invalid input or unplaceable workload, 3 usage or I/O error."
)]
pub struct Cli {
    /// Print only errors and what the command is asked for (no warnings, no summary lines).
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// When to colour diagnostics: `auto` colours a terminal unless `NO_COLOR` is set or `TERM=dumb`
    /// (`CLICOLOR_FORCE` colours anywhere); `always` and `never` override the environment.
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check everything short of writing: schemas, fanout's rules, placement, dependencies, overrides and
    /// templates per cluster; report every problem at once (`--fast`: schemas and rules only).
    Validate {
        /// Repository root.
        #[arg(default_value = ".")]
        repo: PathBuf,
        /// How to print diagnostics.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        output: Format,
        /// Only the front end (schemas and semantic rules): no placement, dependencies, overrides or
        /// templates per cluster.
        #[arg(long)]
        fast: bool,
    },
    /// Show where every workload lands, with replicas per cluster and why other clusters were left out.
    Plan {
        /// Repository root.
        #[arg(default_value = ".")]
        repo: PathBuf,
        /// `text` (a readable table) or `json` (the stable format of schema/plan.schema.json).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        output: Format,
        /// Only this workload, as NAMESPACE/NAME (NAME for cluster-scoped objects); repeatable.
        #[arg(long, value_name = "NS/NAME")]
        workload: Vec<String>,
        /// Where the previous schedule result is read (`DIR/.fanout/schedule.tsv`) [default: `output`
        /// of fanout.yaml, else REPO/rendered].
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Schedule afresh instead of keeping the previous split, as Karmada's WorkloadRebalancer does:
        /// `--reschedule` for every object, `--reschedule=NS/NAME` (repeatable) for some.
        #[arg(long, value_name = "NS/NAME", num_args = 0..=1, require_equals = true,
              default_missing_value = "", action = clap::ArgAction::Append)]
        reschedule: Vec<String>,
        /// Only the objects of shard I of N (see `fanout shards`).
        #[arg(long, value_name = "I/N")]
        shard: Option<Shard>,
    },
    /// Write one manifest directory per cluster (only what changed; nothing unless everything is valid).
    Render {
        /// Repository root.
        #[arg(default_value = ".")]
        repo: PathBuf,
        /// Output directory [default: `output` of fanout.yaml, else REPO/rendered].
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Only these clusters (repeatable); other clusters' files are left as they are.
        #[arg(long = "cluster", value_name = "NAME")]
        clusters: Vec<String>,
        /// Print a unified diff of what changes (Secret values masked).
        #[arg(long)]
        diff: bool,
        /// Print the selected clusters' objects as one YAML stream instead of writing files.
        #[arg(long, conflicts_with = "diff")]
        stdout: bool,
        /// Schedule afresh instead of keeping the previous split, as Karmada's WorkloadRebalancer does:
        /// `--reschedule` for every object, `--reschedule=NS/NAME` (repeatable) for some.
        #[arg(long, value_name = "NS/NAME", num_args = 0..=1, require_equals = true,
              default_missing_value = "", action = clap::ArgAction::Append)]
        reschedule: Vec<String>,
        /// Only the objects of shard I of N (see `fanout shards`); the output defaults to
        /// `<output>/shard-I-of-N`.
        #[arg(long, value_name = "I/N")]
        shard: Option<Shard>,
    },
    /// Render in memory and compare with the tree on disk; exit 1 with the diff when it is stale.
    Check {
        /// Repository root.
        #[arg(default_value = ".")]
        repo: PathBuf,
        /// Output directory [default: `output` of fanout.yaml, else REPO/rendered].
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Schedule afresh instead of keeping the previous split, as Karmada's WorkloadRebalancer does:
        /// `--reschedule` for every object, `--reschedule=NS/NAME` (repeatable) for some.
        #[arg(long, value_name = "NS/NAME", num_args = 0..=1, require_equals = true,
              default_missing_value = "", action = clap::ArgAction::Append)]
        reschedule: Vec<String>,
        /// Only the objects of shard I of N (see `fanout shards`); the output defaults to
        /// `<output>/shard-I-of-N`.
        #[arg(long, value_name = "I/N")]
        shard: Option<Shard>,
    },
    /// Split the objects into N balanced shards for a CI matrix (workloads with their dependencies,
    /// each in exactly one shard); `render --shard I/N` renders one.
    Shards {
        /// Repository root.
        #[arg(default_value = ".")]
        repo: PathBuf,
        /// How many shards (1 to 1000).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=1000))]
        count: u64,
        /// `text` (a table) or `json` (one line: `[{"shard":"1/4",...}]`, for a CI matrix).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        output: Format,
    },
    /// What a change does per cluster: render the repository at a git revision and as it is now, and diff.
    Diff {
        /// Repository root.
        #[arg(default_value = ".")]
        repo: PathBuf,
        /// The revision to compare with (a commit, branch or tag), e.g. `origin/main`.
        #[arg(long, value_name = "GIT-REV")]
        base: String,
        /// `text`, `markdown` (a pull-request comment) or `json` (for bots).
        #[arg(long, value_enum, default_value_t = ReviewFormat::Text)]
        output: ReviewFormat,
    },
    /// Argo CD Config Management Plugin: print one cluster's objects as a YAML stream, the cluster
    /// taken from the Application (plugin parameter `cluster`, else plugin env `FANOUT_CLUSTER`).
    #[command(name = "argocd-generate")]
    ArgocdGenerate {
        /// Repository root (Argo CD runs the plugin in the Application's source directory).
        #[arg(default_value = ".")]
        repo: PathBuf,
    },
    /// Turn live Deployments and Jobs (`kubectl get deploy web -o yaml`, a Job, or a List) into short-form
    /// workloads, dropping status and server-set fields.
    Import {
        /// Files to read (YAML or JSON); `-` reads standard input.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Write one file per workload under this directory (`<namespace>/<name>.<kind>.yaml`) instead of
        /// printing them.
        #[arg(long, value_name = "DIR")]
        out_dir: Option<PathBuf>,
        /// Overwrite files that already exist under `--out-dir` (without it, an existing file stops the
        /// import before anything is written). A symlink is never written through, even with `--force`.
        #[arg(long, requires = "out_dir")]
        force: bool,
    },
    /// Record live Karmada ResourceBindings (`kubectl get resourcebindings,clusterresourcebindings -A
    /// -o yaml`) as the previous schedule result, so the next render starts where Karmada is.
    #[command(name = "adopt-bindings")]
    AdoptBindings {
        /// Files to read (YAML or JSON, objects or a `List`); `-` reads standard input.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Repository root (its objects and placements).
        #[arg(long, default_value = ".")]
        repo: PathBuf,
        /// Output directory whose `.fanout/schedule.tsv` is written [default: `output` of
        /// fanout.yaml, else REPO/rendered].
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Start a fanout repository: `fanout.yaml`, a cluster inventory, a sample workload,
    /// `.pre-commit-config.yaml`, and optionally the Argo CD or Flux wiring. Writes nothing if any of
    /// these files exists.
    Init {
        /// Directory to write into (created if missing).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// The inventory from `kubectl get clusters -o yaml` (or `-o json`) run against Karmada: one
        /// file per cluster under `clusters/`, server-set metadata dropped [default: two sample clusters].
        /// `-` reads standard input.
        #[arg(long, value_name = "FILE")]
        clusters: Option<PathBuf>,
        /// Also write an Argo CD ApplicationSet syncing each cluster's `rendered/<cluster>`
        /// (`gitops/argocd/`).
        #[arg(long)]
        argocd: bool,
        /// Also write, per cluster, a Flux GitRepository and Kustomization syncing `rendered/<cluster>`
        /// (`gitops/flux/`).
        #[arg(long)]
        flux: bool,
        /// The git URL Argo CD or Flux clones [default: a placeholder to edit].
        #[arg(long, value_name = "URL")]
        repo_url: Option<String>,
    },
    /// Write the JSON Schemas fanout validates with (each with a stable `$id`) for editors and other
    /// validators, and `fanout.schema.json` for any file fanout reads.
    Schemas {
        /// Repository the editor settings are for (`--vscode`).
        #[arg(default_value = ".")]
        repo: PathBuf,
        /// Directory to write the schemas into (created if missing; existing schemas are replaced).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Also set `yaml.schemas` in `.vscode/settings.json` of the current directory (other settings
        /// kept): REPO's YAML files to `fanout.schema.json`, its `fanout.yaml` to the config schema.
        #[arg(long)]
        vscode: bool,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `fanout man > fanout.1`; with `--dir`, write one page per
    /// command instead (`fanout.1`, `fanout-render.1`, ...).
    Man {
        /// Write `fanout.1` and a page per subcommand (`fanout-SUBCOMMAND.1`) into this directory
        /// (created if missing; existing pages are replaced).
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReviewFormat {
    Text,
    Markdown,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

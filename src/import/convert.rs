//! Conversion: the cleaned object → the short form, with a warning for everything the short form cannot
//! carry (never a silent drop). Cleaning is done before ([`super::clean`]).

use super::*;

pub(super) struct Converter {
    pub(super) kind: Kind,
    pub(super) name: String,
    /// What becomes of a Deployment's selector (a Job's is Kubernetes').
    pub(super) selector: Selector,
    pub(super) warnings: Vec<String>,
    pub(super) errors: Vec<String>,
}

/// A live Deployment's selector in the short form.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Selector {
    /// The short form's own, `app.kubernetes.io/name: <name>` (also a Job's: not written).
    Default,
    /// Written as `spec.selector`, normalized; the pods keep exactly their labels.
    Kept(Value),
    /// Missing, or not a selector the short form can hold: the short form's own, with a warning.
    Lost,
}

/// Why a field the short form cannot express matters, by field.
pub(super) fn consequence(field: &str) -> &'static str {
    match field {
        "strategy" => "the Deployment gets the default rolling update (25% surge, 25% unavailable)",
        "minReadySeconds" => "pods count as available as soon as they are ready",
        "revisionHistoryLimit" => "Kubernetes keeps its default of 10 old ReplicaSets",
        "progressDeadlineSeconds" => "the rollout deadline is the default 600 seconds",
        "ttlSecondsAfterFinished" => "the finished Job is no longer deleted automatically",
        "completionMode" => "pods no longer get completion indexes",
        "podFailurePolicy" => "every pod failure counts against `backoffLimit`",
        "podReplacementPolicy" => "failed pods are replaced as soon as they terminate",
        "backoffLimitPerIndex" | "maxFailedIndexes" => "retries are counted for the whole Job",
        "successPolicy" => "the Job succeeds when `completions` pods have succeeded",
        "managedBy" => "the built-in Job controller runs the Job",
        "finalizers" => "nothing holds the object's deletion",
        _ => "keep the object as a plain manifest in the repository if it matters",
    }
}

impl Converter {
    pub(super) fn warn(&mut self, message: String) {
        self.warnings.push(message);
    }

    pub(super) fn left_out(&mut self, path: &str, value: &Value) {
        let field = path.rsplit('.').next().unwrap_or(path);
        self.warn(format!(
            "`{path}` ({}) cannot be expressed in the short form and was left out: {}",
            compact(value),
            consequence(field)
        ));
    }

    /// A map of strings at `path`, or an error.
    pub(super) fn strings(&mut self, value: Option<&Value>, path: &str) -> Map<String, Value> {
        match value {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(m)) => {
                let mut out = Map::new();
                for (k, v) in m {
                    if v.is_string() {
                        out.insert(k.clone(), v.clone());
                    } else {
                        self.errors.push(format!(
                            "`{path}.{k}` must be a string, found {}",
                            type_name(v)
                        ));
                    }
                }
                out
            }
            Some(other) => {
                self.errors.push(format!(
                    "`{path}` must be a mapping, found {}",
                    type_name(other)
                ));
                Map::new()
            }
        }
    }

    /// An integer at `path`, or an error.
    pub(super) fn int(&mut self, spec: &Map<String, Value>, key: &str) -> Option<i64> {
        match spec.get(key) {
            None | Some(Value::Null) => None,
            Some(v) => match v.as_i64() {
                Some(n) => Some(n),
                None => {
                    self.errors.push(format!(
                        "`spec.{key}` must be an integer, found {}",
                        type_name(v)
                    ));
                    None
                }
            },
        }
    }

    pub(super) fn short_form(
        &mut self,
        live: &Value,
        namespace: Option<&str>,
    ) -> Map<String, Value> {
        let empty = Map::new();
        let meta = live
            .get("metadata")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let spec = match live.get("spec") {
            Some(Value::Object(s)) => s.clone(),
            None => Map::new(),
            Some(other) => {
                self.errors.push(format!(
                    "`spec` must be a mapping, found {}",
                    type_name(other)
                ));
                Map::new()
            }
        };
        for (key, value) in live.as_object().unwrap_or(&empty) {
            if !matches!(key.as_str(), "apiVersion" | "kind" | "metadata" | "spec") {
                self.left_out(key, value);
            }
        }

        // Metadata: workload labels and annotations; the name label is the short form's own.
        let mut labels = self.strings(meta.get("labels"), "metadata.labels");
        self.name_label(&mut labels, Some("metadata.labels"));
        let mut annotations = self.strings(meta.get("annotations"), "metadata.annotations");
        let description = match annotations.get(DESCRIPTION_ANNOTATION) {
            Some(Value::String(d)) if d.chars().count() <= 512 => {
                let d = d.clone();
                annotations.shift_remove(DESCRIPTION_ANNOTATION);
                Some(d)
            }
            _ => None,
        };
        for (key, value) in meta {
            if !matches!(
                key.as_str(),
                "name" | "namespace" | "labels" | "annotations"
            ) {
                self.left_out(&format!("metadata.{key}"), value);
            }
        }
        let mut metadata = Map::new();
        metadata.insert("name".into(), json!(self.name));
        if let Some(ns) = namespace {
            metadata.insert("namespace".into(), json!(ns));
        }
        if !labels.is_empty() {
            metadata.insert("labels".into(), Value::Object(labels.clone()));
        }
        if !annotations.is_empty() {
            metadata.insert("annotations".into(), Value::Object(annotations));
        }

        let mut short_spec = Map::new();
        if let Some(d) = description {
            short_spec.insert("description".into(), json!(d));
        }
        let template = self.template(&spec, &labels, &mut short_spec);
        match self.kind {
            Kind::Deployment => self.deployment(&spec, &mut short_spec),
            Kind::Job => self.job(&spec, &mut short_spec),
        }
        short_spec.insert("template".into(), Value::Object(template));

        let kind = match self.kind {
            Kind::Deployment => shortform::DEPLOYMENT_KIND,
            Kind::Job => shortform::JOB_KIND,
        };
        let mut out = Map::new();
        out.insert("apiVersion".into(), json!(shortform::API_VERSION));
        out.insert("kind".into(), json!(kind));
        out.insert("metadata".into(), Value::Object(metadata));
        out.insert("spec".into(), Value::Object(short_spec));
        out
    }

    /// Remove `app.kubernetes.io/name` from a label map: the short form sets it to the workload's name.
    /// A different value is reported when `path` is given.
    pub(super) fn name_label(&mut self, labels: &mut Map<String, Value>, path: Option<&str>) {
        if let Some(value) = labels.shift_remove(NAME_LABEL)
            && value.as_str() != Some(self.name.as_str())
            && let Some(path) = path
        {
            self.warn(format!(
                "`{path}.{NAME_LABEL}` is {} but the short form sets it to the workload's name `{}`",
                compact(&value),
                self.name
            ));
        }
    }

    /// The pod template: labels the workload already has removed, `restartedAt` and the Job restart
    /// policy taken out (the caller puts them in the spec).
    pub(super) fn template(
        &mut self,
        spec: &Map<String, Value>,
        labels: &Map<String, Value>,
        short_spec: &mut Map<String, Value>,
    ) -> Map<String, Value> {
        let mut template = match spec.get("template") {
            Some(Value::Object(t)) => t.clone(),
            None | Some(Value::Null) => Map::new(),
            Some(other) => {
                self.errors.push(format!(
                    "`spec.template` must be a mapping, found {}",
                    type_name(other)
                ));
                Map::new()
            }
        };
        let has_containers = template
            .get("spec")
            .and_then(|s| s.get("containers"))
            .and_then(Value::as_array)
            .is_some_and(|c| !c.is_empty());
        if !has_containers {
            self.errors
                .push("`spec.template.spec.containers` is missing or empty".into());
        }
        let mut meta = match template.shift_remove("metadata") {
            Some(Value::Object(m)) => m,
            None | Some(Value::Null) => Map::new(),
            Some(other) => {
                self.errors.push(format!(
                    "`spec.template.metadata` must be a mapping, found {}",
                    type_name(&other)
                ));
                Map::new()
            }
        };
        let path = "spec.template.metadata.labels";
        let mut pod_labels = self.strings(meta.get("labels"), path);
        let live_pod_labels = pod_labels.clone();
        // A different name label on the pods is reported with the selector (Deployment) or with the
        // labels the pods gain (Job). With a kept selector the short form adds no name label to the pods:
        // theirs stays.
        if !matches!(self.selector, Selector::Kept(_)) {
            self.name_label(&mut pod_labels, None);
        }
        pod_labels.retain(|k, v| labels.get(k) != Some(v));
        if pod_labels.is_empty() {
            meta.shift_remove("labels");
        } else {
            meta.insert("labels".into(), Value::Object(pod_labels));
        }
        if self.kind == Kind::Deployment
            && let Some(Value::Object(ann)) = meta.get_mut("annotations")
        {
            if let Some(Value::String(at)) = ann.get(RESTARTED_AT_ANNOTATION).cloned() {
                ann.shift_remove(RESTARTED_AT_ANNOTATION);
                short_spec.insert("restartedAt".into(), json!(at));
            }
            if ann.is_empty() {
                meta.shift_remove("annotations");
            }
        }
        self.gained_labels(labels, &live_pod_labels);
        if let Selector::Kept(selector) = &self.selector
            && !selects(selector, &live_pod_labels)
        {
            let text = selector_text(selector);
            self.warn(format!(
                "`spec.selector` `{text}` does not select the pod template's labels, as Kubernetes requires; `fanout validate` points at the rule in the imported file: fix the selector or the template's labels"
            ));
        }
        if self.kind == Kind::Job
            && let Some(Value::Object(pod)) = template.get_mut("spec")
        {
            match pod.get("restartPolicy") {
                Some(Value::String(p)) if p == "Never" || p == "OnFailure" => {
                    short_spec.insert("restartPolicy".into(), json!(p));
                    pod.shift_remove("restartPolicy");
                }
                _ => {}
            }
        }
        let mut out = Map::new();
        if !meta.is_empty() {
            out.insert("metadata".into(), Value::Object(meta));
        }
        out.extend(template);
        out
    }

    /// Warn when the expanded pod template gets labels the live one does not have: a Deployment rolls out
    /// new pods (unless its selector changes, which says more), a Job's template cannot change at all.
    pub(super) fn gained_labels(
        &mut self,
        labels: &Map<String, Value>,
        live_pod_labels: &Map<String, Value>,
    ) {
        let mut expanded = labels.clone();
        for (k, v) in live_pod_labels {
            expanded.insert(k.clone(), v.clone());
        }
        if !matches!(self.selector, Selector::Kept(_)) {
            expanded.insert(NAME_LABEL.into(), json!(self.name));
        }
        let gained: Vec<String> = expanded
            .iter()
            .filter(|(k, v)| live_pod_labels.get(*k) != Some(*v))
            .map(|(k, v)| format!("`{k}={}`", v.as_str().unwrap_or_default()))
            .collect();
        if gained.is_empty() {
            return;
        }
        let list = gained.join(", ");
        match self.kind {
            Kind::Deployment => match self.selector {
                Selector::Default => self.warn(format!(
                    "the pod template gains label(s) {list} (the short form labels its pods with the workload's labels and `{NAME_LABEL}`): applying it rolls out new pods"
                )),
                Selector::Kept(_) => self.warn(format!(
                    "the pod template gains label(s) {list} (the short form labels its pods with the workload's labels): applying it rolls out new pods"
                )),
                Selector::Lost => {}
            },
            Kind::Job => self.warn(format!(
                "the pod template gains label(s) {list} (the short form labels its pods with the workload's labels and `{NAME_LABEL}`); a Job's pod template cannot change, so delete the live Job before the rendered one is applied"
            )),
        }
    }

    pub(super) fn deployment(
        &mut self,
        spec: &Map<String, Value>,
        short_spec: &mut Map<String, Value>,
    ) {
        let replicas = self.int(spec, "replicas").unwrap_or(1);
        if replicas < 0 {
            self.errors
                .push(format!("`spec.replicas` is {replicas}, less than 0"));
        }
        let mut fields = Map::new();
        fields.insert("replicas".into(), json!(replicas));
        match spec.get("paused") {
            None | Some(Value::Null) | Some(Value::Bool(false)) => {}
            Some(Value::Bool(true)) => {
                fields.insert("paused".into(), json!(true));
            }
            Some(other) => self.errors.push(format!(
                "`spec.paused` must be a boolean, found {}",
                type_name(other)
            )),
        }
        // `description` first, then the Deployment's own fields, then `restartedAt` (set by `template`).
        let restarted_at = short_spec.shift_remove("restartedAt");
        short_spec.extend(fields);
        if let Some(at) = restarted_at {
            short_spec.insert("restartedAt".into(), at);
        }
        match &self.selector {
            Selector::Default => {}
            Selector::Kept(selector) => {
                short_spec.insert("selector".into(), selector.clone());
            }
            Selector::Lost => {
                let live = spec
                    .get("selector")
                    .map_or_else(|| "none".to_owned(), selector_text);
                self.warn(format!(
                    "`spec.selector` is `{live}` but the short form selects `{NAME_LABEL}={}`; a Deployment's selector cannot change, so the live Deployment must be deleted (with its pods) before the rendered one is applied",
                    self.name
                ));
            }
        }
        for (key, value) in spec {
            if !matches!(
                key.as_str(),
                "replicas" | "paused" | "selector" | "template"
            ) {
                self.left_out(&format!("spec.{key}"), value);
            }
        }
    }

    pub(super) fn job(&mut self, spec: &Map<String, Value>, short_spec: &mut Map<String, Value>) {
        let mut parallelism = self.int(spec, "parallelism");
        let mut completions = self.int(spec, "completions");
        let mut suspend = match spec.get("suspend") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(other) => {
                self.errors.push(format!(
                    "`spec.suspend` must be a boolean, found {}",
                    type_name(other)
                ));
                false
            }
        };
        if parallelism.is_some_and(|p| p < 1) {
            self.warn(format!(
                "`spec.parallelism` is {}, which runs no pod; the short form needs at least 1, so the Job is imported suspended (`suspend: true`) with parallelism 1",
                parallelism.unwrap_or_default()
            ));
            parallelism = Some(1);
            suspend = true;
        }
        let p = parallelism.unwrap_or(1);
        if completions.is_none() && p > 1 {
            self.warn(format!(
                "`spec.completions` is not set (a work-queue Job: done when one pod succeeds); the short form always counts completions, so it is imported as {p}, one success per parallel pod"
            ));
        }
        let c = completions.unwrap_or(p);
        if c < 1 {
            self.errors.push(format!(
                "`spec.completions` is {c}; the short form needs at least 1"
            ));
        }
        if p > c && c >= 1 {
            self.warn(format!(
                "`spec.parallelism` ({p}) is more than `completions` ({c}); imported as {c}, as many pods as Kubernetes runs at once"
            ));
            parallelism = Some(c);
        }
        completions = Some(c);
        let restart_policy = short_spec.shift_remove("restartPolicy");
        short_spec.insert("parallelism".into(), json!(parallelism.unwrap_or(1)));
        short_spec.insert("completions".into(), json!(completions.unwrap_or(1)));
        if let Some(t) = self.int(spec, "activeDeadlineSeconds") {
            if t >= 1 {
                short_spec.insert("timeoutSeconds".into(), json!(t));
            } else {
                self.left_out("spec.activeDeadlineSeconds", &json!(t));
            }
        }
        if let Some(policy) = restart_policy {
            short_spec.insert("restartPolicy".into(), policy);
        }
        if let Some(b) = self.int(spec, "backoffLimit") {
            if b >= 0 {
                short_spec.insert("backoffLimit".into(), json!(b));
            } else {
                self.left_out("spec.backoffLimit", &json!(b));
            }
        }
        if suspend {
            short_spec.insert("suspend".into(), json!(true));
        }
        if spec.get("manualSelector") == Some(&json!(true)) {
            let live = spec
                .get("selector")
                .map_or_else(|| "none".to_owned(), selector_text);
            self.warn(format!(
                "`spec.manualSelector` with `spec.selector` `{live}` cannot be expressed in the short form and was left out: Kubernetes generates the selector; a Job's selector cannot change, so delete the live Job before the rendered one is applied"
            ));
        }
        for (key, value) in spec {
            if !matches!(
                key.as_str(),
                "parallelism"
                    | "completions"
                    | "activeDeadlineSeconds"
                    | "backoffLimit"
                    | "suspend"
                    | "template"
                    | "manualSelector"
                    | "selector"
            ) {
                self.left_out(&format!("spec.{key}"), value);
            }
        }
    }
}

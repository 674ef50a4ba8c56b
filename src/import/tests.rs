use super::*;
use crate::front::schemas::Schemas;
use crate::front::yaml;
use crate::model::shortform::{JOB_KIND, ShortForm};
use crate::source::FileId;
use proptest::prelude::*;
use std::sync::OnceLock;

/// `kubectl get deploy web -n shop -o yaml` of a Deployment applied with `kubectl apply` and restarted
/// with `kubectl rollout restart`: managed fields, status and every server default filled in.
const LIVE_DEPLOYMENT: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  annotations:
    deployment.kubernetes.io/revision: "3"
    kubectl.kubernetes.io/last-applied-configuration: |
      {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"annotations":{"owner":"shop-team"},"labels":{"app":"web","team":"shop"},"name":"web","namespace":"shop"},"spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"annotations":{"prometheus.io/scrape":"true"},"labels":{"app":"web","tier":"frontend"}},"spec":{"containers":[{"image":"ghcr.io/acme/web:1.4.2","name":"web"}]}}}}
    owner: shop-team
  creationTimestamp: "2025-03-02T09:14:27Z"
  generation: 3
  labels:
    app: web
    team: shop
  managedFields:
  - apiVersion: apps/v1
    fieldsType: FieldsV1
    fieldsV1:
      f:metadata:
        f:annotations:
          .: {}
          f:kubectl.kubernetes.io/last-applied-configuration: {}
          f:owner: {}
        f:labels:
          .: {}
          f:app: {}
          f:team: {}
      f:spec:
        f:progressDeadlineSeconds: {}
        f:replicas: {}
        f:revisionHistoryLimit: {}
        f:selector: {}
    manager: kubectl-client-side-apply
    operation: Update
    time: "2025-03-02T09:14:27Z"
  - apiVersion: apps/v1
    fieldsType: FieldsV1
    fieldsV1:
      f:spec:
        f:template:
          f:metadata:
            f:annotations:
              f:kubectl.kubernetes.io/restartedAt: {}
    manager: kubectl-rollout
    operation: Update
    time: "2025-03-04T11:01:55Z"
  - apiVersion: apps/v1
    fieldsType: FieldsV1
    fieldsV1:
      f:metadata:
        f:annotations:
          f:deployment.kubernetes.io/revision: {}
      f:status:
        f:availableReplicas: {}
        f:conditions: {}
    manager: kube-controller-manager
    operation: Update
    subresource: status
    time: "2025-03-04T11:02:10Z"
  name: web
  namespace: shop
  resourceVersion: "884213"
  uid: 5f0d3c2e-8a7b-4f7e-9d0c-2b1a6e3f4c5d
spec:
  progressDeadlineSeconds: 600
  replicas: 3
  revisionHistoryLimit: 10
  selector:
    matchLabels:
      app: web
  strategy:
    rollingUpdate:
      maxSurge: 25%
      maxUnavailable: 25%
    type: RollingUpdate
  template:
    metadata:
      annotations:
        kubectl.kubernetes.io/restartedAt: "2025-03-04T11:01:55Z"
        prometheus.io/scrape: "true"
      creationTimestamp: null
      labels:
        app: web
        tier: frontend
    spec:
      containers:
      - env:
        - name: POD_NAME
          valueFrom:
            fieldRef:
              apiVersion: v1
              fieldPath: metadata.name
        - name: LOG_LEVEL
          value: info
        envFrom:
        - configMapRef:
            name: web-config
        image: ghcr.io/acme/web:1.4.2
        imagePullPolicy: IfNotPresent
        livenessProbe:
          failureThreshold: 3
          httpGet:
            path: /healthz
            port: 8080
            scheme: HTTP
          initialDelaySeconds: 5
          periodSeconds: 10
          successThreshold: 1
          timeoutSeconds: 1
        name: web
        ports:
        - containerPort: 8080
          name: http
          protocol: TCP
        readinessProbe:
          failureThreshold: 3
          httpGet:
            path: /ready
            port: http
            scheme: HTTP
          periodSeconds: 5
          successThreshold: 1
          timeoutSeconds: 2
        resources:
          limits:
            memory: 512Mi
          requests:
            cpu: 250m
            memory: 256Mi
        terminationMessagePath: /dev/termination-log
        terminationMessagePolicy: File
        volumeMounts:
        - mountPath: /etc/web
          name: config
          readOnly: true
        - mountPath: /cache
          name: cache
      - args:
        - tail
        - -F
        - /cache/access.log
        image: busybox
        imagePullPolicy: Always
        name: log-shipper
        resources: {}
        terminationMessagePath: /dev/termination-log
        terminationMessagePolicy: File
        volumeMounts:
        - mountPath: /cache
          name: cache
      dnsPolicy: ClusterFirst
      restartPolicy: Always
      schedulerName: default-scheduler
      securityContext: {}
      serviceAccount: web
      serviceAccountName: web
      terminationGracePeriodSeconds: 30
      volumes:
      - configMap:
          defaultMode: 420
          name: web-config
        name: config
      - emptyDir: {}
        name: cache
status:
  availableReplicas: 3
  conditions:
  - lastTransitionTime: "2025-03-02T09:14:40Z"
    lastUpdateTime: "2025-03-02T09:14:40Z"
    message: Deployment has minimum availability.
    reason: MinimumReplicasAvailable
    status: "True"
    type: Available
  - lastTransitionTime: "2025-03-02T09:14:27Z"
    lastUpdateTime: "2025-03-04T11:02:10Z"
    message: ReplicaSet "web-7d9c8b6f5d" has successfully progressed.
    reason: NewReplicaSetAvailable
    status: "True"
    type: Progressing
  observedGeneration: 3
  readyReplicas: 3
  replicas: 3
  updatedReplicas: 3
"#;

/// `kubectl get job report -n analytics -o yaml` of a Job created with labels on its pod template only
/// (so the API server copied them, with the controller's, onto the Job): generated selector, status.
const LIVE_JOB: &str = r#"apiVersion: batch/v1
kind: Job
metadata:
  annotations:
    batch.kubernetes.io/job-tracking: ""
  creationTimestamp: "2025-03-05T02:00:00Z"
  generation: 1
  labels:
    batch.kubernetes.io/controller-uid: 8c6f1a9e-3b2d-4e5f-a6b7-c8d9e0f1a2b3
    batch.kubernetes.io/job-name: report
    controller-uid: 8c6f1a9e-3b2d-4e5f-a6b7-c8d9e0f1a2b3
    job-name: report
    team: analytics
  managedFields:
  - apiVersion: batch/v1
    fieldsType: FieldsV1
    fieldsV1:
      f:spec:
        f:activeDeadlineSeconds: {}
        f:backoffLimit: {}
    manager: kubectl-create
    operation: Update
    time: "2025-03-05T02:00:00Z"
  name: report
  namespace: analytics
  resourceVersion: "901122"
  uid: 8c6f1a9e-3b2d-4e5f-a6b7-c8d9e0f1a2b3
spec:
  activeDeadlineSeconds: 3600
  backoffLimit: 3
  completionMode: NonIndexed
  completions: 8
  manualSelector: false
  parallelism: 4
  podReplacementPolicy: TerminatingOrFailed
  selector:
    matchLabels:
      batch.kubernetes.io/controller-uid: 8c6f1a9e-3b2d-4e5f-a6b7-c8d9e0f1a2b3
  suspend: false
  template:
    metadata:
      creationTimestamp: null
      labels:
        batch.kubernetes.io/controller-uid: 8c6f1a9e-3b2d-4e5f-a6b7-c8d9e0f1a2b3
        batch.kubernetes.io/job-name: report
        controller-uid: 8c6f1a9e-3b2d-4e5f-a6b7-c8d9e0f1a2b3
        job-name: report
        team: analytics
    spec:
      containers:
      - args:
        - --date=yesterday
        - --out=s3://acme-reports
        image: ghcr.io/acme/report:1.8.0
        imagePullPolicy: IfNotPresent
        name: report
        resources:
          requests:
            cpu: "2"
            memory: 4Gi
        terminationMessagePath: /dev/termination-log
        terminationMessagePolicy: File
        volumeMounts:
        - mountPath: /var/run/creds
          name: creds
          readOnly: true
      dnsPolicy: ClusterFirst
      restartPolicy: OnFailure
      schedulerName: default-scheduler
      securityContext: {}
      serviceAccount: report-writer
      serviceAccountName: report-writer
      terminationGracePeriodSeconds: 30
      volumes:
      - name: creds
        secret:
          defaultMode: 420
          secretName: report-credentials
  ttlSecondsAfterFinished: 86400
status:
  active: 4
  ready: 4
  startTime: "2025-03-05T02:00:00Z"
  terminating: 0
  uncountedTerminatedPods: {}
"#;

const EXPECTED_DEPLOYMENT: &str = r#"# imported by `fanout import` from apps/v1 Deployment shop/web
# no placement: every cluster runs the whole workload; add `spec.placement` and `spec.scheduling` to choose
# warning: the pod template gains label(s) `team=shop` (the short form labels its pods with the workload's labels): applying it rolls out new pods
apiVersion: fanout.dev/v1alpha1
kind: MulticloudDeployment
metadata:
  name: web
  namespace: shop
  labels:
    app: web
    team: shop
  annotations:
    owner: shop-team
spec:
  replicas: 3
  restartedAt: "2025-03-04T11:01:55Z"
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      annotations:
        prometheus.io/scrape: "true"
      labels:
        tier: frontend
    spec:
      containers:
      - name: web
        image: ghcr.io/acme/web:1.4.2
        env:
        - name: POD_NAME
          valueFrom:
            fieldRef:
              fieldPath: metadata.name
        - name: LOG_LEVEL
          value: info
        envFrom:
        - configMapRef:
            name: web-config
        livenessProbe:
          httpGet:
            path: /healthz
            port: 8080
          initialDelaySeconds: 5
        ports:
        - containerPort: 8080
          name: http
        readinessProbe:
          httpGet:
            path: /ready
            port: http
          periodSeconds: 5
          timeoutSeconds: 2
        resources:
          limits:
            memory: 512Mi
          requests:
            cpu: 250m
            memory: 256Mi
        volumeMounts:
        - mountPath: /etc/web
          name: config
          readOnly: true
        - mountPath: /cache
          name: cache
      - name: log-shipper
        image: busybox
        args:
        - tail
        - -F
        - /cache/access.log
        volumeMounts:
        - mountPath: /cache
          name: cache
      serviceAccountName: web
      volumes:
      - name: config
        configMap:
          name: web-config
      - name: cache
        emptyDir: {}
"#;

const EXPECTED_JOB: &str = r#"# imported by `fanout import` from batch/v1 Job analytics/report
# no placement: every cluster runs the whole workload; add `spec.placement` and `spec.scheduling` to choose
# warning: the pod template gains label(s) `app.kubernetes.io/name=report` (the short form labels its pods with the workload's labels and `app.kubernetes.io/name`); a Job's pod template cannot change, so delete the live Job before the rendered one is applied
# warning: `spec.ttlSecondsAfterFinished` (`86400`) cannot be expressed in the short form and was left out: the finished Job is no longer deleted automatically
apiVersion: fanout.dev/v1alpha1
kind: MulticloudJob
metadata:
  name: report
  namespace: analytics
  labels:
    team: analytics
spec:
  parallelism: 4
  completions: 8
  timeoutSeconds: 3600
  restartPolicy: OnFailure
  backoffLimit: 3
  template:
    spec:
      containers:
      - name: report
        image: ghcr.io/acme/report:1.8.0
        args:
        - --date=yesterday
        - --out=s3://acme-reports
        resources:
          requests:
            cpu: "2"
            memory: 4Gi
        volumeMounts:
        - mountPath: /var/run/creds
          name: creds
          readOnly: true
      serviceAccountName: report-writer
      volumes:
      - name: creds
        secret:
          secretName: report-credentials
"#;

/// The documents of a YAML (or JSON) text as JSON values, as the command line reads its files.
fn read(text: &str) -> Vec<Value> {
    let parsed = yaml::parse(FileId(0), text, yaml::Limits::default());
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    parsed.documents.iter().map(|d| d.root.to_json()).collect()
}

fn one(text: &str) -> Imported {
    let mut imported = import(&read(text)).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(imported.len(), 1);
    imported.remove(0)
}

fn schemas() -> &'static Schemas {
    static SCHEMAS: OnceLock<Schemas> = OnceLock::new();
    SCHEMAS.get_or_init(Schemas::new)
}

/// Read the produced YAML back as the repository loader does, validate it against the short form's
/// schema, expand it, and return the short form and the workload it stands for.
fn expand(imported: &Imported) -> (Value, Value) {
    let parsed = yaml::parse(FileId(0), &imported.yaml, yaml::Limits::default());
    assert!(
        parsed.diagnostics.is_empty(),
        "{:?}\n{}",
        parsed.diagnostics,
        imported.yaml
    );
    assert_eq!(parsed.documents.len(), 1);
    let json = parsed.documents[0].root.to_json();
    let kind = if imported.kind == JOB_KIND {
        SchemaKind::MulticloudJob
    } else {
        SchemaKind::MulticloudDeployment
    };
    let errors = schemas().validate(kind, &json);
    assert!(errors.is_empty(), "{errors:?}\n{}", imported.yaml);
    let short: ShortForm = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(short.kind, imported.kind);
    assert_eq!(short.namespace(), imported.namespace);
    assert_eq!(short.metadata.name, imported.name);
    let expanded = short.expand(3).unwrap();
    let placement = &expanded.propagation.spec.placement;
    assert_eq!(placement.cluster_affinity, None, "every cluster");
    assert_eq!(
        placement
            .replica_scheduling
            .as_ref()
            .map(|r| r.replica_scheduling_type.as_str()),
        Some("Duplicated")
    );
    assert!(expanded.overrides.is_none());
    (json, expanded.workload)
}

fn at<'a>(v: &'a Value, pointer: &str) -> &'a Value {
    v.pointer(pointer).unwrap_or(&Value::Null)
}

/// `sub`'s entries all appear in `map` with the same values.
fn contains(map: &Value, sub: &Value) -> bool {
    sub.as_object()
        .is_none_or(|s| s.iter().all(|(k, v)| map.get(k) == Some(v)))
}

/// The expanded workload carries everything meaningful of the cleaned live object: the whole pod spec,
/// pod annotations, every live pod label, the workload's labels and annotations, and the given spec fields.
fn assert_equivalent(live: &Value, workload: &Value, fields: &[&str]) {
    let live = clean(live);
    assert_eq!(at(workload, "/kind"), at(&live, "/kind"));
    assert_eq!(
        at(workload, "/spec/template/spec"),
        at(&live, "/spec/template/spec"),
        "pod spec"
    );
    assert_eq!(
        at(workload, "/spec/template/metadata/annotations"),
        at(&live, "/spec/template/metadata/annotations"),
        "pod annotations"
    );
    assert!(contains(
        at(workload, "/spec/template/metadata/labels"),
        at(&live, "/spec/template/metadata/labels")
    ));
    let mut labels = at(&live, "/metadata/labels").clone();
    if let Value::Object(l) = &mut labels {
        l.insert(NAME_LABEL.into(), at(workload, "/metadata/name").clone());
    } else {
        labels = json!({ NAME_LABEL: at(workload, "/metadata/name") });
    }
    assert_eq!(at(workload, "/metadata/labels"), &labels, "labels");
    assert_eq!(
        at(workload, "/metadata/annotations"),
        at(&live, "/metadata/annotations"),
        "annotations"
    );
    assert_eq!(
        at(workload, "/metadata/namespace"),
        at(&live, "/metadata/namespace")
    );
    for field in fields {
        let p = format!("/spec/{field}");
        assert_eq!(at(workload, &p), at(&live, &p), "{field}");
    }
}

#[test]
fn deployment_from_kubectl_output() {
    let imported = one(LIVE_DEPLOYMENT);
    assert_eq!(
        (
            imported.kind.as_str(),
            imported.namespace.as_str(),
            imported.name.as_str()
        ),
        ("MulticloudDeployment", "shop", "web")
    );
    assert_eq!(imported.yaml, EXPECTED_DEPLOYMENT);
    // The live selector is kept; only the workload label the pods lack is reported.
    assert_eq!(
        imported.warnings,
        [
            "the pod template gains label(s) `team=shop` (the short form labels its pods with the workload's labels): applying it rolls out new pods"
        ]
    );
    assert_eq!(imported.file_name(), "shop/web.deployment.yaml");
}

#[test]
fn deployment_round_trips_to_an_equivalent_deployment() {
    let live = &read(LIVE_DEPLOYMENT)[0];
    let imported = one(LIVE_DEPLOYMENT);
    let (_, workload) = expand(&imported);
    assert_equivalent(live, &workload, &["replicas"]);
    assert_eq!(at(&workload, "/spec/replicas"), 3);
    // The live selector; the live pod labels and the workload label they lacked (reported), no name label.
    assert_eq!(at(&workload, "/spec/selector"), at(live, "/spec/selector"));
    assert_eq!(
        at(&workload, "/spec/template/metadata/labels"),
        &json!({"app": "web", "team": "shop", "tier": "frontend"})
    );
    assert_eq!(
        at(
            &workload,
            "/spec/template/metadata/annotations/kubectl.kubernetes.io~1restartedAt"
        ),
        "2025-03-04T11:01:55Z"
    );
    // The cleaned object is what a user would have written.
    let cleaned = clean(live);
    assert_eq!(
        at(&cleaned, "/spec/template/spec/containers/1"),
        &json!({"name": "log-shipper", "image": "busybox", "args": ["tail", "-F", "/cache/access.log"],
                "volumeMounts": [{"mountPath": "/cache", "name": "cache"}]})
    );
}

#[test]
fn job_from_kubectl_output() {
    let imported = one(LIVE_JOB);
    assert_eq!(
        (
            imported.kind.as_str(),
            imported.namespace.as_str(),
            imported.name.as_str()
        ),
        ("MulticloudJob", "analytics", "report")
    );
    assert_eq!(imported.yaml, EXPECTED_JOB);
    assert_eq!(imported.warnings.len(), 2);
    assert!(imported.warnings[1].starts_with("`spec.ttlSecondsAfterFinished`"));
    assert_eq!(imported.file_name(), "analytics/report.job.yaml");
}

#[test]
fn job_round_trips_to_an_equivalent_job() {
    let live = &read(LIVE_JOB)[0];
    let (_, workload) = expand(&one(LIVE_JOB));
    assert_equivalent(
        live,
        &workload,
        &[
            "parallelism",
            "completions",
            "activeDeadlineSeconds",
            "backoffLimit",
            "suspend",
        ],
    );
    assert_eq!(
        at(&workload, "/spec/template/spec/restartPolicy"),
        "OnFailure"
    );
    assert_eq!(at(&workload, "/spec/selector"), &Value::Null);
    assert_eq!(
        at(&workload, "/metadata/labels"),
        &json!({NAME_LABEL: "report", "team": "analytics"})
    );
}

#[test]
fn server_set_fields_are_gone() {
    for text in [LIVE_DEPLOYMENT, LIVE_JOB] {
        let yaml: String = one(text)
            .yaml
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| format!("{l}\n"))
            .collect();
        for gone in [
            "managedFields",
            "uid",
            "resourceVersion",
            "creationTimestamp",
            "generation",
            "status",
            "revision",
            "last-applied",
            "job-tracking",
            "controller-uid",
            "job-name",
            "terminationMessage",
            "imagePullPolicy",
            "dnsPolicy",
            "schedulerName",
            "securityContext",
            "terminationGracePeriodSeconds",
            "defaultMode",
            "protocol",
            "progressDeadlineSeconds",
            "revisionHistoryLimit",
            "strategy",
            "serviceAccount:",
            "resources: {}",
            "scheme",
            "failureThreshold",
            "placement",
            "scheduling:",
        ] {
            assert!(!yaml.contains(gone), "{gone} in\n{yaml}");
        }
    }
    // A Job's generated selector is Kubernetes'.
    assert!(!one(LIVE_JOB).yaml.contains("selector"));
}

#[test]
fn a_list_of_both_in_yaml() {
    let list = format!(
        "apiVersion: v1\nkind: List\nmetadata:\n  resourceVersion: \"\"\nitems:\n- {}- {}",
        indent(LIVE_DEPLOYMENT),
        indent(LIVE_JOB)
    );
    let imported = import(&read(&list)).unwrap();
    assert_eq!(imported.len(), 2);
    assert_eq!(imported[0], one(LIVE_DEPLOYMENT));
    assert_eq!(imported[1], one(LIVE_JOB));
}

/// Indent every line but the first by two spaces: a document as an item of a YAML list.
fn indent(text: &str) -> String {
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        if i > 0 && !line.is_empty() {
            out.push_str("  ");
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[test]
fn a_list_in_json_and_a_typed_list_without_kinds() {
    let deployment = read(LIVE_DEPLOYMENT).remove(0);
    let job = read(LIVE_JOB).remove(0);
    let list = json!({"apiVersion": "v1", "kind": "List", "items": [deployment, job]});
    let text = serde_json::to_string_pretty(&list).unwrap();
    let imported = import(&read(&text)).unwrap();
    assert_eq!(imported, [one(LIVE_DEPLOYMENT), one(LIVE_JOB)]);

    // What the API itself returns: a `DeploymentList` whose items have no `apiVersion` or `kind`.
    let mut bare = deployment.clone();
    if let Value::Object(m) = &mut bare {
        m.shift_remove("apiVersion");
        m.shift_remove("kind");
    }
    let typed = json!({"apiVersion": "apps/v1", "kind": "DeploymentList", "items": [bare]});
    let nested = json!({"apiVersion": "v1", "kind": "List", "items": [typed]});
    assert_eq!(import(&[nested]).unwrap(), [one(LIVE_DEPLOYMENT)]);
}

#[test]
fn other_kinds_are_refused_by_name() {
    let service = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "shop"}});
    let errors = import(&[service]).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].object, "Service shop/web");
    assert_eq!(
        errors[0].to_string(),
        "`Service shop/web`: only a Deployment or a Job can be imported, not a `Service`; keep it in the repository as a plain manifest"
    );
    let old = json!({"apiVersion": "extensions/v1beta1", "kind": "Deployment", "metadata": {"name": "web"}});
    assert_eq!(
        import(&[old]).unwrap_err()[0].to_string(),
        "`Deployment web`: `apiVersion: extensions/v1beta1` is not supported: a Deployment must be `apps/v1`"
    );
    let bare = json!({"kind": "Job", "metadata": {"name": "x"}});
    assert_eq!(
        import(&[bare]).unwrap_err()[0].message,
        "no `apiVersion`: a Job must be `batch/v1`"
    );
    let errors = import(&[json!("text"), json!({"metadata": {"name": "x"}})]).unwrap_err();
    assert_eq!(
        errors.iter().map(ToString::to_string).collect::<Vec<_>>(),
        [
            "`object #1`: expected a Kubernetes object, found a string",
            "`object x`: no `kind`: only a Deployment or a Job can be imported"
        ]
    );
}

#[test]
fn a_missing_or_unusable_name_is_an_error() {
    let mut live = read(LIVE_DEPLOYMENT).remove(0);
    live["metadata"]
        .as_object_mut()
        .unwrap()
        .shift_remove("name");
    let errors = import(&[read(LIVE_JOB).remove(0), live.clone()]).unwrap_err();
    assert_eq!(
        errors,
        [ImportError {
            object: "Deployment #2".into(),
            message: "no `metadata.name`: a workload needs a name".into()
        }]
    );
    live["metadata"]["name"] = json!("web.v2");
    assert_eq!(
        import(&[live]).unwrap_err()[0].to_string(),
        "`Deployment shop/web.v2`: name `web.v2` is not a DNS-1123 label (at most 63 lower case letters, digits and `-`), which a short-form workload needs; rename it"
    );
}

#[test]
fn every_error_is_reported_and_nothing_is_returned() {
    let deployment = read(LIVE_DEPLOYMENT).remove(0);
    let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}});
    let errors = import(&[deployment.clone(), cm, deployment]).unwrap_err();
    assert_eq!(
        errors.iter().map(|e| e.object.as_str()).collect::<Vec<_>>(),
        ["ConfigMap c", "Deployment shop/web"]
    );
    assert!(errors[1].message.starts_with("imported twice"));
}

#[test]
fn wrong_types_are_errors_not_panics() {
    let bad = json!({"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "labels": {"n": 1}},
        "spec": {"replicas": "three", "template": {"spec": {"containers": []}}}});
    let messages: Vec<String> = import(&[bad])
        .unwrap_err()
        .into_iter()
        .map(|e| e.message)
        .collect();
    assert_eq!(
        messages,
        [
            "`metadata.labels.n` must be a string, found a number",
            "`spec.template.spec.containers` is missing or empty",
            "`spec.replicas` must be an integer, found a string",
        ]
    );
}

fn deployment(spec: Value) -> Value {
    let mut spec = spec;
    if let Value::Object(s) = &mut spec {
        s.entry("template").or_insert_with(|| {
            json!({"metadata": {"labels": {NAME_LABEL: "web"}},
                   "spec": {"containers": [{"name": "web", "image": "web:1"}]}})
        });
    }
    json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}, "spec": spec})
}

#[test]
fn a_deployment_written_as_the_short_form_would_imports_without_warnings() {
    let live = deployment(json!({"replicas": 2, "selector": {"matchLabels": {NAME_LABEL: "web"}}}));
    let imported = import(std::slice::from_ref(&live)).unwrap().remove(0);
    assert_eq!(imported.warnings, Vec::<String>::new());
    assert_eq!(imported.namespace, "default");
    let (short, workload) = expand(&imported);
    assert_eq!(at(&short, "/metadata"), &json!({"name": "web"}));
    assert_eq!(workload["spec"], clean(&live)["spec"]);
}

#[test]
fn what_the_short_form_cannot_express_is_a_warning_naming_the_field() {
    let live = deployment(json!({
        "replicas": 2,
        "selector": {"matchLabels": {NAME_LABEL: "web"}},
        "strategy": {"type": "Recreate"},
        "minReadySeconds": 10,
        "revisionHistoryLimit": 3,
        "progressDeadlineSeconds": 600,
    }));
    let mut live = live;
    live["metadata"]["finalizers"] = json!(["acme.io/protect"]);
    live["metadata"]["labels"] = json!({"team": "shop"});
    let imported = import(&[live]).unwrap().remove(0);
    assert_eq!(
        imported.warnings,
        [
            "`metadata.finalizers` (`[\"acme.io/protect\"]`) cannot be expressed in the short form and was left out: nothing holds the object's deletion",
            "the pod template gains label(s) `team=shop` (the short form labels its pods with the workload's labels and `app.kubernetes.io/name`): applying it rolls out new pods",
            "`spec.strategy` (`{\"type\":\"Recreate\"}`) cannot be expressed in the short form and was left out: the Deployment gets the default rolling update (25% surge, 25% unavailable)",
            "`spec.minReadySeconds` (`10`) cannot be expressed in the short form and was left out: pods count as available as soon as they are ready",
            "`spec.revisionHistoryLimit` (`3`) cannot be expressed in the short form and was left out: Kubernetes keeps its default of 10 old ReplicaSets",
        ]
    );
    for w in &imported.warnings {
        assert!(imported.yaml.contains(&format!("# warning: {w}\n")));
    }
    expand(&imported);
}

/// A live Deployment, as `kubectl get -o yaml` prints it, with its own selector and pod labels.
fn live_with_selector(selector: Value, pod_labels: Value) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "shop", "labels": {"app": "web"}},
        "spec": {"replicas": 2, "progressDeadlineSeconds": 600, "selector": selector,
            "template": {"metadata": {"labels": pod_labels},
                "spec": {"containers": [{"name": "web", "image": "web:1", "terminationMessagePath": "/dev/termination-log"}],
                         "dnsPolicy": "ClusterFirst"}}}})
}

#[test]
fn a_live_selector_is_kept_and_renders_back_with_the_pod_labels() {
    let live = live_with_selector(
        json!({"matchLabels": {"app": "web"}}),
        json!({"app": "web", "tier": "fe"}),
    );
    let imported = import(std::slice::from_ref(&live)).unwrap().remove(0);
    assert_eq!(
        imported.warnings,
        Vec::<String>::new(),
        "no selector warning"
    );
    let (short, workload) = expand(&imported);
    assert_eq!(
        at(&short, "/spec/selector"),
        &json!({"matchLabels": {"app": "web"}})
    );
    assert_eq!(
        at(&short, "/spec/template/metadata/labels"),
        &json!({"tier": "fe"})
    );
    assert_eq!(at(&workload, "/spec/selector"), at(&live, "/spec/selector"));
    assert_eq!(
        at(&workload, "/spec/template/metadata/labels"),
        at(&live, "/spec/template/metadata/labels")
    );
    assert_equivalent(&live, &workload, &["replicas", "selector"]);
}

#[test]
fn expressions_and_a_live_name_label_are_kept_as_they_are() {
    let selector = json!({
    "matchLabels": {"app": "web"},
    "matchExpressions": [
        {"key": "tier", "operator": "In", "values": ["a", "b"]},
        {"key": "canary", "operator": "DoesNotExist"},
    ]});
    // A name label other than the workload's name stays on the pods: the selector does not change.
    let pods = json!({"app": "web", "tier": "a", NAME_LABEL: "storefront"});
    let live = live_with_selector(selector.clone(), pods.clone());
    let imported = import(std::slice::from_ref(&live)).unwrap().remove(0);
    assert_eq!(imported.warnings, Vec::<String>::new());
    let (short, workload) = expand(&imported);
    assert_eq!(at(&short, "/spec/selector"), &selector);
    assert_eq!(at(&workload, "/spec/selector"), &selector);
    assert_eq!(at(&workload, "/spec/template/metadata/labels"), &pods);
    assert_eq!(
        at(&workload, "/metadata/labels/app.kubernetes.io~1name"),
        "web"
    );

    // The name label of the short form's own selector is not written to the pods: the expansion adds it.
    let live = live_with_selector(
        json!({"matchLabels": {NAME_LABEL: "web"}}),
        json!({NAME_LABEL: "web", "tier": "a"}),
    );
    let imported = import(std::slice::from_ref(&live)).unwrap().remove(0);
    let (short, workload) = expand(&imported);
    assert_eq!(at(&short, "/spec/selector"), &Value::Null);
    assert_eq!(
        at(&short, "/spec/template/metadata/labels"),
        &json!({"tier": "a"})
    );
    assert_eq!(
        at(&workload, "/spec/template/metadata/labels"),
        &json!({NAME_LABEL: "web", "app": "web", "tier": "a"})
    );
}

#[test]
fn a_selector_the_short_form_cannot_hold_keeps_the_warning() {
    for (selector, text) in [
        (Value::Null, "none"),
        (
            json!({"matchExpressions": [{"key": "n", "operator": "Gt", "values": ["1"]}]}),
            "{\"key\":\"n\",\"operator\":\"Gt\",\"values\":[\"1\"]}",
        ),
        (json!({"matchLabels": {}}), "{\"matchLabels\":{}}"),
    ] {
        let mut live = live_with_selector(selector, json!({"app": "web"}));
        if text == "none" {
            live["spec"]
                .as_object_mut()
                .unwrap()
                .shift_remove("selector");
        }
        let imported = import(&[live]).unwrap().remove(0);
        assert_eq!(
            imported.warnings,
            [format!(
                "`spec.selector` is `{text}` but the short form selects `app.kubernetes.io/name=web`; a Deployment's selector cannot change, so the live Deployment must be deleted (with its pods) before the rendered one is applied"
            )]
        );
        let (short, workload) = expand(&imported);
        assert_eq!(at(&short, "/spec/selector"), &Value::Null);
        assert_eq!(
            at(&workload, "/spec/selector"),
            &json!({"matchLabels": {NAME_LABEL: "web"}})
        );
    }
}

#[test]
fn a_selector_that_does_not_select_the_pods_is_reported() {
    let live = live_with_selector(
        json!({"matchLabels": {"app": "web"}, "matchExpressions": [{"key": "tier", "operator": "Exists"}]}),
        json!({"app": "web"}),
    );
    let imported = import(&[live]).unwrap().remove(0);
    assert_eq!(
        imported.warnings,
        [
            "`spec.selector` `app=web,tier` does not select the pod template's labels, as Kubernetes requires; `fanout validate` points at the rule in the imported file: fix the selector or the template's labels"
        ]
    );
    assert!(imported.yaml.contains("selector:"));
}

#[test]
fn job_selectors_are_described_as_kubectl_writes_them() {
    let (_, warnings) = job_spec(job(json!({"manualSelector": true, "selector": {
    "matchLabels": {"run": "x"},
    "matchExpressions": [
        {"key": "tier", "operator": "In", "values": ["a", "b"]},
        {"key": "canary", "operator": "DoesNotExist"},
    ]}})));
    assert!(
        warnings[0].starts_with(
            "`spec.manualSelector` with `spec.selector` `run=x,tier in (a,b),!canary` cannot be expressed"
        ),
        "{warnings:?}"
    );
}

#[test]
fn lifecycle_fields_description_and_tool_labels() {
    let mut live =
        deployment(json!({"paused": true, "selector": {"matchLabels": {NAME_LABEL: "web"}}}));
    live["metadata"]["annotations"] = json!({
        "fanout.dev/description": "Storefront",
        "meta.helm.sh/release-name": "web",
        "argocd.argoproj.io/tracking-id": "shop:apps/Deployment:shop/web",
        "propagationpolicy.karmada.io/name": "web",
        "kubernetes.io/change-cause": "kubectl set image",
    });
    live["metadata"]["labels"] = json!({
        NAME_LABEL: "web",
        "karmada.io/managed": "true",
        "kustomize.toolkit.fluxcd.io/name": "apps",
    });
    live["metadata"]["ownerReferences"] = json!([{"apiVersion": "example.io/v1", "kind": "WebApp",
        "name": "web", "uid": "1", "controller": true}]);
    let imported = import(&[live]).unwrap().remove(0);
    assert_eq!(
        imported.warnings,
        [
            "`metadata.ownerReferences`: the live object is controlled by WebApp `web`, which creates and updates it; the imported workload is an independent copy"
        ]
    );
    let (short, workload) = expand(&imported);
    assert_eq!(
        short["metadata"],
        json!({"name": "web", "annotations": {"kubernetes.io/change-cause": "kubectl set image"}})
    );
    assert_eq!(at(&short, "/spec/description"), "Storefront");
    assert_eq!(at(&short, "/spec/paused"), true);
    assert_eq!(at(&workload, "/spec/paused"), true);
    assert_eq!(
        at(&workload, "/metadata/annotations"),
        &json!({"kubernetes.io/change-cause": "kubectl set image", "fanout.dev/description": "Storefront"})
    );
}

#[test]
fn argo_cd_tracking_label_is_dropped_from_the_workload_only() {
    // Argo CD sets it on what it syncs: the Deployment, not its pods; the pods do not gain it.
    let mut live = deployment(json!({"selector": {"matchLabels": {NAME_LABEL: "web"}}}));
    live["metadata"]["labels"] = json!({"app.kubernetes.io/instance": "shop-web", "team": "shop"});
    live["spec"]["template"]["metadata"]["labels"] = json!({NAME_LABEL: "web", "team": "shop"});
    let imported = import(&[live]).unwrap().remove(0);
    assert_eq!(imported.warnings, Vec::<String>::new());
    assert!(!imported.yaml.contains("instance"), "{}", imported.yaml);
    let (short, workload) = expand(&imported);
    assert_eq!(at(&short, "/metadata/labels"), &json!({"team": "shop"}));
    assert_eq!(
        at(&workload, "/metadata/labels"),
        &json!({NAME_LABEL: "web", "team": "shop"})
    );

    // A Helm chart puts the same key on the pods and in the selector: there it stays.
    let helm = json!({"app.kubernetes.io/instance": "shop-web", NAME_LABEL: "nginx"});
    let mut live = live_with_selector(json!({"matchLabels": helm}), helm.clone());
    live["metadata"]["labels"] = helm.clone();
    let imported = import(std::slice::from_ref(&live)).unwrap().remove(0);
    let (short, workload) = expand(&imported);
    assert_eq!(at(&short, "/metadata/labels"), &Value::Null);
    assert_eq!(at(&workload, "/spec/selector"), at(&live, "/spec/selector"));
    assert_eq!(at(&workload, "/spec/template/metadata/labels"), &helm);
}

#[test]
fn a_different_name_label_is_reported() {
    let mut live = deployment(json!({"selector": {"matchLabels": {NAME_LABEL: "web"}}}));
    live["metadata"]["labels"] = json!({NAME_LABEL: "storefront"});
    let imported = import(&[live]).unwrap().remove(0);
    assert_eq!(
        imported.warnings,
        [
            "`metadata.labels.app.kubernetes.io/name` is `storefront` but the short form sets it to the workload's name `web`"
        ]
    );
}

fn job(spec: Value) -> Value {
    let mut spec = spec;
    if let Value::Object(s) = &mut spec {
        s.insert(
            "template".into(),
            json!({"metadata": {"labels": {NAME_LABEL: "batch"}},
                   "spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "c:1"}]}}),
        );
    }
    json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "batch", "namespace": "ops"}, "spec": spec})
}

fn job_spec(live: Value) -> (Value, Vec<String>) {
    let imported = import(&[live]).unwrap().remove(0);
    let (short, workload) = expand(&imported);
    assert_eq!(at(&workload, "/spec/template/spec/restartPolicy"), "Never");
    let mut spec = short["spec"].clone();
    if let Value::Object(s) = &mut spec {
        s.shift_remove("template");
    }
    (spec, imported.warnings)
}

#[test]
fn job_settings_map_to_the_short_form() {
    let (spec, warnings) = job_spec(job(
        json!({"parallelism": 2, "completions": 2, "suspend": true,
        "activeDeadlineSeconds": 60, "backoffLimit": 6}),
    ));
    assert_eq!(
        spec,
        json!({"parallelism": 2, "completions": 2, "timeoutSeconds": 60, "restartPolicy": "Never", "suspend": true})
    );
    assert_eq!(warnings, Vec::<String>::new());
}

#[test]
fn job_counts_the_short_form_cannot_hold_are_adjusted_with_a_warning() {
    let (spec, warnings) = job_spec(job(json!({"parallelism": 3})));
    assert_eq!(at(&spec, "/completions"), 3);
    assert!(warnings[0].starts_with("`spec.completions` is not set (a work-queue Job"));

    let (spec, warnings) = job_spec(job(json!({"parallelism": 5, "completions": 2})));
    assert_eq!(
        (at(&spec, "/parallelism"), at(&spec, "/completions")),
        (&json!(2), &json!(2))
    );
    assert!(warnings[0].starts_with("`spec.parallelism` (5) is more than `completions` (2)"));

    let (spec, warnings) = job_spec(job(json!({"parallelism": 0, "completions": 4})));
    assert_eq!(
        (at(&spec, "/parallelism"), at(&spec, "/suspend")),
        (&json!(1), &json!(true))
    );
    assert!(warnings[0].starts_with("`spec.parallelism` is 0, which runs no pod"));

    let (_, warnings) = job_spec(job(json!({"manualSelector": true,
        "selector": {"matchLabels": {"run": "x"}}, "completionMode": "Indexed"})));
    assert_eq!(warnings.len(), 2);
    assert!(warnings[0].starts_with("`spec.manualSelector` with `spec.selector` `run=x`"));
    assert!(warnings[1].starts_with("`spec.completionMode` (`Indexed`)"));
}

#[test]
fn pull_policy_defaults_follow_the_image_tag() {
    for (image, policy) in [
        ("nginx", "Always"),
        ("nginx:latest", "Always"),
        ("nginx:1.27", "IfNotPresent"),
        ("registry:5000/nginx", "Always"),
        ("registry:5000/nginx:1.27", "IfNotPresent"),
        ("nginx@sha256:abcd", "IfNotPresent"),
        ("nginx:latest@sha256:abcd", "IfNotPresent"),
    ] {
        assert_eq!(default_pull_policy(image), policy, "{image}");
    }
    // A policy other than the default is kept.
    let mut live = deployment(json!({"selector": {"matchLabels": {NAME_LABEL: "web"}}}));
    live["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"] = json!("Always");
    let imported = import(&[live]).unwrap().remove(0);
    assert!(imported.yaml.contains("imagePullPolicy: Always"));
}

#[test]
fn a_schema_modeline_only_where_the_schemas_are_known() {
    // By default no modeline: a path to `schema/` would not resolve in the user's repository.
    let imported = one(LIVE_JOB);
    assert!(
        imported.yaml.starts_with("# imported by `fanout import`"),
        "{}",
        imported.yaml
    );
    assert!(!imported.yaml.contains("yaml-language-server"));
    for (dir, modeline) in [
        (
            "../schema/",
            "# yaml-language-server: $schema=../schema/multicloudjob.schema.json\n",
        ),
        (
            "https://example.com/fanout/schema",
            "# yaml-language-server: $schema=https://example.com/fanout/schema/multicloudjob.schema.json\n",
        ),
    ] {
        let options = Options {
            schema_dir: Some(dir.into()),
        };
        let with = import_with(&read(LIVE_JOB), &options).unwrap().remove(0);
        assert_eq!(with.yaml, format!("{modeline}{}", imported.yaml));
    }
}

#[test]
fn output_is_deterministic() {
    let objects = [read(LIVE_DEPLOYMENT), read(LIVE_JOB)].concat();
    assert_eq!(import(&objects), import(&objects));
}

/// Any JSON value, a few levels deep.
fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        "[a-z]{0,4}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop_oneof![
                        Just("spec".to_owned()),
                        Just("template".to_owned()),
                        Just("metadata".to_owned()),
                        Just("labels".to_owned()),
                        Just("containers".to_owned()),
                        Just("replicas".to_owned()),
                        Just("selector".to_owned()),
                        Just("name".to_owned()),
                        Just("annotations".to_owned()),
                        "[a-z]{1,3}"
                    ],
                    inner
                ),
                0..4
            )
            .prop_map(|entries| Value::Object(entries.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn never_panics(kind in prop_oneof![Just("Deployment"), Just("Job"), Just("List")],
                    metadata in arbitrary_json(), spec in arbitrary_json(), items in arbitrary_json()) {
        let api_version = if kind == "Job" { "batch/v1" } else { "apps/v1" };
        let object = json!({"apiVersion": api_version, "kind": kind, "metadata": metadata,
                            "spec": spec, "items": items});
        if let Ok(imported) = import(&[object]) {
            for i in imported {
                prop_assert!(i.yaml.starts_with("# imported by `fanout import`"));
            }
        }
    }
}

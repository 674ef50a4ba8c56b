//! fanout and the real `kubernetes-validate --strict` (the PyPI package, run against the same Kubernetes
//! version as fanout's built-in schemas) agree on which objects of built-in kinds are valid: every case
//! below, and every object of a built-in kind in the example and the valid fixtures. Where fanout is
//! deliberately stricter (it checks what the API server checks and kubernetes-validate does not), the
//! case says so and the test checks that the difference is still exactly that.
//!
//! `.ci/run` installs kubernetes-validate; without it the test is skipped with a message, except under
//! `CI=true`, where it fails.

use fanout::front::classify::{self, Class};
use fanout::front::schemas::{KUBERNETES_VERSION, SchemaKind, Schemas};
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// What each validator says about a case.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Expect {
    /// Both accept.
    Valid,
    /// Both reject.
    Invalid,
    /// kubernetes-validate accepts (or has no schema for the kind), fanout rejects, for this reason.
    Stricter(&'static str),
    /// kubernetes-validate rejects, fanout accepts as the API server does, for this reason.
    Laxer(&'static str),
}

use Expect::*;

/// `(name, expectation, object)`: `metadata.name` is the case's name.
const CASES: &[(&str, Expect, &str)] = &[
    (
        "deployment-full",
        Valid,
        "apiVersion: apps/v1
kind: Deployment
metadata: {name: deployment-full, namespace: shop, labels: {app: web}, annotations: {a: b}}
spec:
  replicas: 3
  revisionHistoryLimit: 5
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 25%, maxUnavailable: 1}}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 100
              podAffinityTerm: {topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {app: web}}}
      securityContext: {runAsNonRoot: true, fsGroup: 2000}
      containers:
        - name: web
          image: ghcr.io/acme/web:1.0.0
          ports: [{name: http, containerPort: 8080, protocol: TCP}]
          env: [{name: A, value: b}, {name: POD, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]
          resources: {requests: {cpu: 250m, memory: 256Mi}, limits: {memory: 512Mi}}
          readinessProbe: {httpGet: {path: /healthz, port: http}, periodSeconds: 5}
          volumeMounts: [{name: cache, mountPath: /cache}]
      volumes: [{name: cache, emptyDir: {sizeLimit: 1Gi}}]
",
    ),
    (
        "statefulset",
        Valid,
        "apiVersion: apps/v1
kind: StatefulSet
metadata: {name: statefulset}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: postgres:16}]}
  volumeClaimTemplates:
    - metadata: {name: data}
      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 10Gi}}}
",
    ),
    (
        "cronjob",
        Valid,
        "apiVersion: batch/v1
kind: CronJob
metadata: {name: cronjob}
spec:
  schedule: '*/5 * * * *'
  concurrencyPolicy: Forbid
  jobTemplate:
    spec:
      backoffLimit: 2
      template:
        spec: {restartPolicy: OnFailure, containers: [{name: c, image: busybox, args: [date]}]}
",
    ),
    (
        "service",
        Valid,
        "apiVersion: v1
kind: Service
metadata: {name: service}
spec:
  type: ClusterIP
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http}, {name: grpc, port: 9090, targetPort: 9090}]
",
    ),
    (
        "secret",
        Valid,
        "apiVersion: v1
kind: Secret
metadata: {name: secret}
type: Opaque
data: {password: cGFzc3dvcmQ=}
stringData: {user: web}
",
    ),
    (
        "ingress",
        Valid,
        "apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: ingress}
spec:
  ingressClassName: nginx
  tls: [{hosts: [shop.example.com], secretName: shop-tls}]
  rules:
    - host: shop.example.com
      http:
        paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]
",
    ),
    (
        "networkpolicy",
        Valid,
        "apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: networkpolicy}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress]
  ingress: [{from: [{namespaceSelector: {matchLabels: {team: shop}}}], ports: [{port: 8080}]}]
",
    ),
    (
        "rolebinding",
        Valid,
        "apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: rolebinding}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
subjects: [{kind: ServiceAccount, name: web, namespace: shop}]
",
    ),
    (
        "clusterrole",
        Valid,
        "apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: clusterrole}
rules: [{apiGroups: [''], resources: [pods], verbs: [get, list]}]
",
    ),
    (
        "pdb",
        Valid,
        "apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: pdb}
spec: {minAvailable: 50%, selector: {matchLabels: {app: web}}}
",
    ),
    (
        "hpa",
        Valid,
        "apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: hpa}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 10
  metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}}]
",
    ),
    (
        "storageclass",
        Valid,
        "apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: storageclass}
provisioner: ebs.csi.aws.com
parameters: {type: gp3}
reclaimPolicy: Delete
volumeBindingMode: WaitForFirstConsumer
",
    ),
    (
        "priorityclass",
        Valid,
        "apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: priorityclass}
value: 1000
globalDefault: false
",
    ),
    (
        "lease",
        Valid,
        "apiVersion: coordination.k8s.io/v1
kind: Lease
metadata: {name: lease}
spec: {holderIdentity: a, leaseDurationSeconds: 15}
",
    ),
    (
        "resourcequota",
        Valid,
        "apiVersion: v1
kind: ResourceQuota
metadata: {name: resourcequota}
spec: {hard: {cpu: '10', memory: 20Gi, pods: '50'}}
",
    ),
    (
        "crd",
        Valid,
        "apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: crd}
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Widget, plural: widgets}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties: {spec: {type: object, x-kubernetes-preserve-unknown-fields: true}}
",
    ),
    (
        "replicaz",
        Invalid,
        "apiVersion: apps/v1
kind: Deployment
metadata: {name: replicaz}
spec:
  replicaz: 5
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx}]}
",
    ),
    (
        "deployment-without-selector",
        Invalid,
        "apiVersion: apps/v1
kind: Deployment
metadata: {name: deployment-without-selector}
spec:
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx}]}
",
    ),
    (
        "container-typo",
        Invalid,
        "apiVersion: v1
kind: Pod
metadata: {name: container-typo}
spec: {containers: [{name: web, image: nginx, imagePullPolice: Always}]}
",
    ),
    (
        "metadata-typo",
        Invalid,
        "apiVersion: v1
kind: ConfigMap
metadata: {name: metadata-typo, labelz: {a: b}}
data: {a: b}
",
    ),
    (
        "top-level-typo",
        Invalid,
        "apiVersion: v1
kind: ConfigMap
metadata: {name: top-level-typo}
dat: {a: b}
",
    ),
    (
        "service-port-string",
        Invalid,
        "apiVersion: v1
kind: Service
metadata: {name: service-port-string}
spec: {ports: [{port: '80'}]}
",
    ),
    (
        "env-value-integer",
        Invalid,
        "apiVersion: batch/v1
kind: Job
metadata: {name: env-value-integer}
spec:
  template:
    spec: {restartPolicy: Never, containers: [{name: j, image: busybox, env: [{name: A, value: 1}]}]}
",
    ),
    (
        "rolebinding-without-roleref",
        Invalid,
        "apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: rolebinding-without-roleref}
subjects: [{kind: User, name: a}]
",
    ),
    (
        "hpa-v1-field-in-v2",
        Invalid,
        "apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: hpa-v1-field-in-v2}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 3
  targetCPUUtilizationPercentage: 80
",
    ),
    (
        "replicas-int32-overflow",
        Stricter("int32 is range-checked; kubernetes-validate ignores formats"),
        "apiVersion: apps/v1
kind: Deployment
metadata: {name: replicas-int32-overflow}
spec:
  replicas: 2147483648
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx}]}
",
    ),
    (
        "quantity-with-words",
        Stricter("a quantity must parse; kubernetes-validate accepts any string"),
        "apiVersion: v1
kind: Pod
metadata: {name: quantity-with-words}
spec: {containers: [{name: web, image: nginx, resources: {limits: {cpu: 4 cores}}}]}
",
    ),
    (
        "secret-not-base64",
        Stricter("Secret data must be base64; kubernetes-validate ignores `format: byte`"),
        "apiVersion: v1
kind: Secret
metadata: {name: secret-not-base64}
data: {password: hello!}
",
    ),
    (
        "image-pull-policy",
        Stricter("fanout's pod template lists the values; the OpenAPI names them in prose only"),
        "apiVersion: apps/v1
kind: Deployment
metadata: {name: image-pull-policy}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx, imagePullPolicy: Sometimes}]}
",
    ),
    (
        "kind-typo",
        Stricter("apps/v1 has no such kind; kubernetes-validate only warns that it has no schema"),
        "apiVersion: apps/v1
kind: Deploymnet
metadata: {name: kind-typo}
",
    ),
    (
        "removed-version",
        Stricter("Kubernetes 1.37 does not serve it; kubernetes-validate only warns that it has no schema"),
        "apiVersion: extensions/v1beta1
kind: Ingress
metadata: {name: removed-version}
",
    ),
    (
        "null-int-or-string",
        Laxer("the API server takes null as absent; upstream's oneOf of two nullable types rejects it"),
        "apiVersion: apps/v1
kind: Deployment
metadata: {name: null-int-or-string}
spec:
  selector: {matchLabels: {app: web}}
  strategy: {rollingUpdate: {maxSurge: null}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx}]}
",
    ),
];

/// Is kubernetes-validate there, with Kubernetes [`KUBERNETES_VERSION`]? Under `CI=true` it must be.
fn available() -> bool {
    let probe = Command::new("kubernetes-validate")
        .args(["--strict", "-k", KUBERNETES_VERSION, "-"])
        .stdin(Stdio::null())
        .output();
    let why = match probe {
        Ok(o) if o.status.success() => return true,
        Ok(o) => format!(
            "kubernetes-validate cannot validate against Kubernetes {KUBERNETES_VERSION}: {}",
            String::from_utf8_lossy(&o.stdout)
        ),
        Err(e) => format!("kubernetes-validate is not installed ({e})"),
    };
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{why}; .ci/run installs it"
    );
    eprintln!("SKIPPED: {why}; .ci/run installs it");
    false
}

/// kubernetes-validate's verdict per `kind/name` (lower-case kind, as it prints them); a kind it has no
/// schema for is absent.
fn kubernetes_validate(stream: &str) -> BTreeMap<String, bool> {
    let mut child = Command::new("kubernetes-validate")
        .args(["--strict", "-k", KUBERNETES_VERSION, "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run kubernetes-validate");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stream.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    let mut verdicts = BTreeMap::new();
    for line in report.lines() {
        let verdict = if line.starts_with("INFO ") && line.contains(" passed for resource ") {
            true
        } else if line.starts_with("ERROR ") && line.contains(" did not validate for resource ") {
            false
        } else {
            continue;
        };
        let resource = line
            .split(" for resource ")
            .nth(1)
            .and_then(|rest| rest.split(' ').next())
            .unwrap();
        verdicts.insert(resource.to_string(), verdict);
    }
    verdicts
}

/// The objects of a YAML stream as fanout reads them.
fn objects(yaml: &str) -> Vec<classify::Object> {
    let parsed = fanout::front::yaml::parse(
        fanout::source::FileId(0),
        yaml,
        fanout::front::yaml::Limits::default(),
    );
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    let (objects, problems) = classify::classify(parsed.documents);
    assert!(problems.is_empty(), "{problems:?}");
    objects
}

fn key(object: &Value) -> String {
    format!(
        "{}/{}",
        object["kind"].as_str().unwrap().to_lowercase(),
        object["metadata"]["name"].as_str().unwrap()
    )
}

#[test]
fn fanout_and_kubernetes_validate_agree_on_built_in_kinds() {
    if !available() {
        return;
    }
    let schemas = Schemas::new();
    let fanout_accepts = |json: &Value| schemas.validate(SchemaKind::Resource, json).is_empty();

    // the cases, fed to kubernetes-validate as written
    let stream = CASES
        .iter()
        .map(|(_, _, yaml)| *yaml)
        .collect::<Vec<_>>()
        .join("---\n");
    let theirs = kubernetes_validate(&stream);
    let mut disagreements = Vec::new();
    for ((name, expect, _), object) in CASES.iter().zip(objects(&stream)) {
        assert_eq!(object.name, *name, "a case's metadata.name is its name");
        let json = object.json();
        let ours = fanout_accepts(&json);
        let theirs = theirs.get(&key(&json)).copied();
        let agreed = match expect {
            Valid => ours && theirs == Some(true),
            Invalid => !ours && theirs == Some(false),
            Stricter(_) => !ours && theirs != Some(false),
            Laxer(_) => ours && theirs == Some(false),
        };
        if !agreed {
            disagreements.push(format!(
                "{name}: expected {expect:?}; fanout accepts: {ours}, kubernetes-validate: {theirs:?}\n  {:?}",
                schemas.validate(SchemaKind::Resource, &json)
            ));
        }
    }

    // every object of a built-in kind in the example and the valid fixtures: both accept
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut repos = vec![root.join("examples/multicloud")];
    for entry in std::fs::read_dir(root.join("fixtures")).unwrap() {
        let path = entry.unwrap().path();
        if !path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("err-")
        {
            repos.push(path.join("repo"));
        }
    }
    let mut documents = Vec::new();
    for repo in repos {
        let loaded = fanout::front::load::load(&repo, None, &schemas).unwrap();
        for &id in &loaded.files {
            let file = loaded.sources.get(id);
            if fanout::front::template::is_template(&file.rel_path) {
                continue;
            }
            for object in objects(&file.text) {
                if object.class != Class::Resource {
                    continue;
                }
                let mut json = object.json();
                // unique names, so each verdict is found again
                json["metadata"]["name"] = format!("x{}", documents.len()).into();
                documents.push((format!("{}: {}", repo.display(), object.name), json));
            }
        }
    }
    assert!(documents.len() > 20, "{} objects", documents.len());
    let stream: String = documents
        .iter()
        .map(|(_, json)| format!("---\n{json}\n"))
        .collect();
    let theirs = kubernetes_validate(&stream);
    for (origin, json) in &documents {
        let (ours, theirs) = (fanout_accepts(json), theirs.get(&key(json)).copied());
        // kinds kubernetes-validate has no schema for (custom resources) are fanout's alone
        if !ours || theirs == Some(false) {
            disagreements.push(format!(
                "{origin} ({}): fanout accepts: {ours}, kubernetes-validate: {theirs:?}",
                key(json)
            ));
        }
    }
    assert!(
        disagreements.is_empty(),
        "fanout and kubernetes-validate --strict -k {KUBERNETES_VERSION} disagree:\n{}",
        disagreements.join("\n")
    );
}

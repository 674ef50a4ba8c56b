//! The built-in customizations whose scripts compute more than a table entry can say, each a named
//! strategy citing its script (under [`super::CUSTOMIZATIONS_DIR`]). Numbers follow Lua: every number
//! is a float, and GetReplicas' result is truncated to an int32.

use super::{Failure, field_name, template_requirements};
use crate::model::quantity::Quantity;
use crate::place::deps::{
    self, CONFIG_MAP, Collector, PERSISTENT_VOLUME_CLAIM, SECRET, SERVICE_ACCOUNT,
};
use crate::place::estimate::{ReplicaRequirements, ResourceList};
use serde_json::Value;

const CPU: &str = "cpu";
const MEMORY: &str = "memory";

/// The script's `to_num(v, default)`: nil or `''` gives the default, a number itself, a numeric string
/// its number (`tonumber`), anything else the default.
fn to_num(v: Option<&Value>) -> Option<f64> {
    match v? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
        _ => None,
    }
}

/// Lua's `math.max` argument: a number, or a string that reads as one.
fn lua_number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    }
}

/// A value converted into a `ResourceList` entry (a number or a quantity string).
fn quantity(v: &Value, at: &str) -> Result<Quantity, Failure> {
    Quantity::from_json(v).map_err(|_| Failure {
        pointer: at.to_owned(),
        message: format!("`{}` is not a quantity", field_name(at)),
    })
}

/// GetReplicas' int32 result.
fn int32(replicas: f64, at: &str) -> Result<i32, Failure> {
    if replicas.is_finite() && (0.0..=f64::from(i32::MAX)).contains(&replicas.trunc()) {
        Ok(replicas.trunc() as i32)
    } else {
        Err(Failure {
            pointer: at.to_owned(),
            message: format!("the replicas computed from it, {replicas}, are not a replica count"),
        })
    }
}

/// `flink.apache.org/v1beta1/FlinkDeployment` GetReplicas: replicas = job manager replicas (default 1)
/// + task manager replicas (when unset: ⌈`job.parallelism` / `taskmanager.numberOfTaskSlots`⌉, or 1
///   when either is unset or the slots are 0); per-pod requests = the larger `resource.cpu` (Lua's
///   `math.max`) and the larger `resource.memory` (by quantity, the task manager's on a tie) of the two
///   managers; the node claim from `spec.podTemplate.spec`. The requirements are never nil.
pub(super) fn flink_replicas(
    object: &Value,
) -> Result<(i32, Option<ReplicaRequirements>), Failure> {
    let at = |p: &str| object.pointer(p).filter(|v| !v.is_null());
    let non_empty = |p: &str| at(p).filter(|v| v.as_str() != Some(""));
    let jm = to_num(non_empty("/spec/jobManager/replicas")).unwrap_or(1.0);
    let tm = match to_num(non_empty("/spec/taskManager/replicas")) {
        Some(n) => n,
        None => {
            let parallelism = to_num(non_empty("/spec/job/parallelism"));
            let slots = to_num(
                object
                    .pointer("/spec/flinkConfiguration")
                    .and_then(|c| c.get("taskmanager.numberOfTaskSlots"))
                    .filter(|v| !v.is_null() && v.as_str() != Some("")),
            );
            match (parallelism, slots) {
                (Some(p), Some(s)) if s != 0.0 => (p / s).ceil(),
                _ => 1.0,
            }
        }
    };
    let replicas = int32(jm + tm, "/spec")?;

    let mut request = ResourceList::new();
    const TM_CPU: &str = "/spec/taskManager/resource/cpu";
    const JM_CPU: &str = "/spec/jobManager/resource/cpu";
    let cpu = match (at(TM_CPU), at(JM_CPU)) {
        (Some(t), Some(j)) => {
            let number = |v: &Value, p: &str| {
                lua_number(v).ok_or_else(|| Failure {
                    pointer: p.to_owned(),
                    message: format!("`{}` is not a number (`math.max` fails)", field_name(p)),
                })
            };
            let max = number(t, TM_CPU)?.max(number(j, JM_CPU)?);
            Some(quantity(&serde_json::json!(max), TM_CPU)?)
        }
        (Some(v), None) => Some(quantity(v, TM_CPU)?),
        (None, Some(v)) => Some(quantity(v, JM_CPU)?),
        (None, None) => None,
    };
    request.extend(cpu.map(|q| (CPU.to_owned(), q)));
    const JM_MEMORY: &str = "/spec/jobManager/resource/memory";
    const TM_MEMORY: &str = "/spec/taskManager/resource/memory";
    let memory = match (at(JM_MEMORY), at(TM_MEMORY)) {
        (Some(j), Some(t)) => {
            // `kube.getResourceQuantity` takes strings only
            let read = |v: &Value, p: &str| match v {
                Value::String(_) => quantity(v, p),
                _ => Err(Failure {
                    pointer: p.to_owned(),
                    message: format!("`{}` is not a quantity string", field_name(p)),
                }),
            };
            let (j, t) = (read(j, JM_MEMORY)?, read(t, TM_MEMORY)?);
            Some(if j > t { j } else { t })
        }
        (Some(v), None) => Some(quantity(v, JM_MEMORY)?),
        (None, Some(v)) => Some(quantity(v, TM_MEMORY)?),
        (None, None) => None,
    };
    request.extend(memory.map(|q| (MEMORY.to_owned(), q)));
    let pod = object.pointer("/spec/podTemplate/spec");
    let non_empty_field = |key: &str| {
        pod.and_then(|p| p.get(key)).is_some_and(|v| match v {
            Value::Object(m) => !m.is_empty(),
            Value::Array(l) => !l.is_empty(),
            _ => false,
        })
    };
    Ok((
        replicas,
        Some(ReplicaRequirements {
            resource_request: request,
            node_claim: non_empty_field("nodeSelector") || non_empty_field("tolerations"),
        }),
    ))
}

const RAY_CONFIG: &str = "/spec/rayClusterConfig";

/// `ray.io/v1/RayService` GetReplicas: 1 (the head) + the sum of the worker groups' `replicas` (absent:
/// 0); the requirements of the head's pod template, with its cpu and memory raised to the largest of any
/// worker group's (only when the head has requirements at all); no head template: 0 and none.
pub(super) fn ray_service_replicas(
    object: &Value,
) -> Result<(i32, Option<ReplicaRequirements>), Failure> {
    let Some(config) = object.pointer(RAY_CONFIG).filter(|v| !v.is_null()) else {
        return Ok((0, None));
    };
    let Some(head) = config
        .pointer("/headGroupSpec/template")
        .filter(|v| !v.is_null())
    else {
        return Ok((0, None));
    };
    let mut requirements = template_requirements(Some(head));
    let mut max_cpu = requirements
        .as_ref()
        .and_then(|r| r.resource_request.get(CPU).copied());
    let mut max_memory = requirements
        .as_ref()
        .and_then(|r| r.resource_request.get(MEMORY).copied());
    let mut total = 1.0;
    for (i, group) in deps::items(config.get("workerGroupSpecs")) {
        let at = format!("{RAY_CONFIG}/workerGroupSpecs/{i}/replicas");
        total += match group.get("replicas").filter(|v| !v.is_null()) {
            None => 0.0,
            Some(v) => lua_number(v).ok_or_else(|| Failure {
                message: format!("`{}` is not a number", field_name(&at)),
                pointer: at,
            })?,
        };
        let worker = template_requirements(group.get("template"));
        let request = worker.as_ref().map(|r| &r.resource_request);
        for (name, max) in [(CPU, &mut max_cpu), (MEMORY, &mut max_memory)] {
            if let Some(&q) = request.and_then(|r| r.get(name))
                && max.is_none_or(|m| q > m)
            {
                *max = Some(q);
            }
        }
    }
    if let Some(r) = requirements.as_mut() {
        r.resource_request
            .extend(max_cpu.map(|q| (CPU.to_owned(), q)));
        r.resource_request
            .extend(max_memory.map(|q| (MEMORY.to_owned(), q)));
    }
    Ok((int32(total, RAY_CONFIG)?, requirements))
}

/// `ray.io/v1/RayService` ReviseReplica: `replicas - 1` workers (at least 0) over the worker groups. One
/// group takes them all; several: all 0 when there are none, else each but the last gets
/// ⌊workers × its share of the current total + 0.5⌋ (an equal split, the remainder to the first groups,
/// when the current total is 0) and the last group the rest, which the rounding can make negative, as
/// in the script. No worker groups: unchanged.
pub(super) fn ray_service_revise(body: &mut Value, replicas: i64) {
    let Some(Value::Array(groups)) = body.pointer_mut(&format!("{RAY_CONFIG}/workerGroupSpecs"))
    else {
        return;
    };
    let workers = (replicas - 1).max(0);
    let count = groups.len() as i64;
    let set = |group: &mut Value, n: i64| {
        if let Value::Object(map) = group {
            map.insert("replicas".to_owned(), Value::from(n));
        }
    };
    match count {
        0 => {}
        1 => set(&mut groups[0], workers),
        _ => {
            let current: Vec<f64> = groups
                .iter()
                .map(|g| g.get("replicas").and_then(lua_number).unwrap_or(0.0))
                .collect();
            let total: f64 = current.iter().sum();
            if workers == 0 {
                groups.iter_mut().for_each(|g| set(g, 0));
                return;
            }
            let mut distributed = 0;
            for (i, group) in groups.iter_mut().enumerate() {
                let n = if i as i64 == count - 1 {
                    workers - distributed
                } else if total == 0.0 {
                    workers / count + i64::from((i as i64) < workers % count)
                } else {
                    (workers as f64 * (current[i] / total) + 0.5).floor() as i64
                };
                distributed += n;
                set(group, n);
            }
        }
    }
}

/// A non-empty string.
fn name(v: Option<&Value>) -> Option<&str> {
    v.and_then(Value::as_str).filter(|s| !s.is_empty())
}

/// `argoproj.io/v1alpha1/Workflow` GetDependencies, which reads the workflow's own fields, not a pod
/// template: the executor's service account (any non-empty name), the workflow's `serviceAccountName`
/// (unless empty or `default`), `imagePullSecrets`, the names of `volumeClaimTemplates` (as claims),
/// and in every volume each source the script knows (all of them, not the first): `configMap`,
/// `projected` config maps and secrets, the secret references of `azureFile`, `cephfs`, `cinder`,
/// `flexVolume`, `rbd`, `scaleIO`, `iscsi`, `storageos` and `csi`, `persistentVolumeClaim`. A `secret`
/// volume is read at `secret.name`, a field Secret volumes do not have (they name it `secretName`), so a
/// Secret mounted as a volume is never a dependency, as in Karmada. Containers are not read.
pub(super) fn workflow_dependencies(object: &Value, found: &mut Collector) -> Result<(), String> {
    let Some(spec) = object.get("spec").filter(|s| s.is_object()) else {
        return Err("the object has no `spec`".to_owned());
    };
    let mut claims = Vec::new();
    for (i, template) in deps::items(spec.get("volumeClaimTemplates")) {
        let Some(metadata) = template.get("metadata").filter(|m| !m.is_null()) else {
            return Err(format!(
                "`spec.volumeClaimTemplates[{i}]` has no `metadata`"
            ));
        };
        if let Some(n) = name(metadata.get("name")) {
            claims.push((n, format!("/spec/volumeClaimTemplates/{i}/metadata/name")));
        }
    }
    for (i, volume) in deps::items(spec.get("volumes")) {
        let at = format!("/spec/volumes/{i}");
        let mut add = |kind: &'static str, path: &str| {
            if let Some(n) = name(volume.pointer(path)) {
                found.add(kind, n, format!("{at}{path}"));
            }
        };
        add(CONFIG_MAP, "/configMap/name");
        for (j, _) in deps::items(volume.pointer("/projected/sources")) {
            add(
                CONFIG_MAP,
                &format!("/projected/sources/{j}/configMap/name"),
            );
            add(SECRET, &format!("/projected/sources/{j}/secret/name"));
        }
        add(SECRET, "/azureFile/secretName");
        for source in ["cephfs", "cinder", "flexVolume", "rbd"] {
            add(SECRET, &format!("/{source}/secretRef/name"));
        }
        add(SECRET, "/secret/name");
        for source in ["scaleIO", "iscsi", "storageos"] {
            add(SECRET, &format!("/{source}/secretRef/name"));
        }
        add(SECRET, "/csi/nodePublishSecretRef/name");
        add(PERSISTENT_VOLUME_CLAIM, "/persistentVolumeClaim/claimName");
    }
    for (i, reference) in deps::items(spec.get("imagePullSecrets")) {
        if let Some(n) = name(reference.get("name")) {
            found.add(SECRET, n, format!("/spec/imagePullSecrets/{i}/name"));
        }
    }
    if let Some(n) = name(object.pointer("/spec/executor/serviceAccountName")) {
        found.add(
            SERVICE_ACCOUNT,
            n,
            "/spec/executor/serviceAccountName".to_owned(),
        );
    }
    if let Some(n) = name(spec.get("serviceAccountName")).filter(|n| *n != "default") {
        found.add(SERVICE_ACCOUNT, n, "/spec/serviceAccountName".to_owned());
    }
    for (n, at) in claims {
        found.add(PERSISTENT_VOLUME_CLAIM, n, at);
    }
    Ok(())
}

use super::*;

fn field(at: &str, template: Option<&str>) -> Replicas {
    Replicas {
        source: ReplicaSource::Field(at.to_owned()),
        template: template.map(str::to_owned),
    }
}

#[test]
fn karmada_shapes_are_read() {
    // CloneSet's script (folded onto one line by its YAML), and the common multi-line form
    assert_eq!(
        get_replicas(
            "local kube = require(\"kube\") function GetReplicas(obj)\n  replica = obj.spec.replicas\n  requirement = kube.accuratePodRequirements(obj.spec.template)\n  return replica, requirement\nend\n"
        ),
        Ok(field("/spec/replicas", Some("/spec/template")))
    );
    assert_eq!(
        get_replicas(
            "local kube = require 'kube'\n-- replicas\nfunction GetReplicas(desiredObj)\n  local r = desiredObj.spec[\"size\"];\n  return r\nend"
        ),
        Ok(field("/spec/size", None))
    );
    // Notebook's: a constant, the requirements through a local
    assert_eq!(
        get_replicas(
            "local kube = require(\"kube\") function GetReplicas(obj)\n  local replica = 1\n  local requirement = kube.accuratePodRequirements(obj.spec.template)\n  return replica, requirement\nend"
        ),
        Ok(Replicas {
            source: ReplicaSource::Constant(1),
            template: Some("/spec/template".to_owned())
        })
    );
    // a variable holding a sub-object
    assert_eq!(
        get_replicas(
            "function GetReplicas(obj)\n  local spec = obj.spec.workload\n  return spec.replicas, nil\nend"
        ),
        Ok(field("/spec/workload/replicas", None))
    );
    assert_eq!(
        revise_replica(
            "function ReviseReplica(obj, desiredReplica)\n  obj.spec.replicas = desiredReplica\n  return obj\nend"
        ),
        Ok("/spec/replicas".to_owned())
    );
    assert_eq!(
        get_dependencies(
            "local kube = require(\"kube\") function GetDependencies(desiredObj)\n  refs = kube.getPodDependencies(desiredObj.spec.template, desiredObj.metadata.namespace)\n  return refs\nend"
        ),
        Ok("/spec/template".to_owned())
    );
    // Kruise DaemonSet's `or {}`
    assert_eq!(
        get_dependencies(
            "local kube = require(\"kube\") function GetDependencies(desiredObj)\n  return kube.getPodDependencies(desiredObj.spec.template, desiredObj.metadata.namespace) or {}\nend"
        ),
        Ok("/spec/template".to_owned())
    );
    // comments, long comments and keys that need escaping in a pointer
    assert_eq!(
        get_replicas(
            "--[[ header\n]] function GetReplicas(o) --[==[ x ]==]\n return o.spec[\"a/b\"] -- trailing\n end"
        ),
        Ok(field("/spec/a~1b", None))
    );
}

fn refusal(result: Result<impl std::fmt::Debug, Refusal>) -> (usize, String) {
    let r = result.expect_err("refused");
    (r.line, r.message)
}

#[test]
fn other_scripts_are_refused_with_the_line_and_the_reason() {
    // BroadcastJob's default: a condition
    let (line, message) = refusal(get_replicas(
        "local kube = require(\"kube\") function GetReplicas(obj)\n  replica = 1\n  if obj.spec.parallelism ~= nil then\n    replica = obj.spec.parallelism\n  end\n  return replica\nend",
    ));
    assert_eq!(line, 3);
    assert_eq!(
        message,
        "expected a statement, found `if` (conditions and loops are not read: fanout does not run Lua)"
    );
    let (line, message) = refusal(get_replicas(
        "function GetReplicas(obj)\n  return obj.spec.replicas + 1\nend",
    ));
    assert_eq!(line, 2);
    assert!(
        message.contains("found `+` (operators are not read"),
        "{message}"
    );
    let (_, message) = refusal(get_replicas(
        "function GetReplicas(obj)\n  return obj.spec.replicas or 1\nend",
    ));
    assert!(message.contains("`or`"), "{message}");
    let (_, message) = refusal(get_replicas(
        "local function helper(x) return x end\nfunction GetReplicas(obj) return helper(obj) end",
    ));
    assert_eq!(
        message,
        "expected a name, found `function` (helper functions are not read: fanout does not run Lua)"
    );
    assert_eq!(
        refusal(get_replicas(
            "x = 1\nfunction GetReplicas(obj) return 1 end"
        ))
        .1,
        "expected `require`, found the number `1`"
    );
    assert_eq!(
        refusal(get_replicas("function GetReplicas(obj) return total end")).1,
        "`total` is not defined in the script"
    );
    assert_eq!(
        refusal(get_replicas("function GetReplicas(obj) return nil end")).1,
        "the replicas are nil, which fails in Karmada"
    );
    assert_eq!(
        refusal(get_replicas(
            "function GetReplicas(obj) return obj.spec.replicas, kube.accuratePodRequirements(obj.spec.template) end"
        ))
        .1,
        "`kube` is used without `local kube = require(\"kube\")`"
    );
    assert_eq!(
        refusal(get_replicas(
            "function GetReplicas(obj) return obj.spec.replicas, obj.spec.template end"
        ))
        .1,
        "the requirements must be `kube.accuratePodRequirements(<pod template>)` or nil"
    );
    assert_eq!(
        refusal(get_replicas("function GetComponents(obj) return {} end")).1,
        "the function is `GetComponents`, not `GetReplicas`"
    );
    assert_eq!(
        refusal(get_replicas(
            "function GetReplicas(obj) obj.spec.x = 1 return 1 end"
        ))
        .1,
        "the object is modified"
    );
    assert_eq!(
        refusal(get_replicas(
            "function GetReplicas(obj) return string.len(obj.kind) end"
        ))
        .1,
        "`string.len(...)` is called: fanout reads only `kube.accuratePodRequirements` and `kube.getPodDependencies`"
    );
    assert_eq!(
        refusal(get_replicas(
            "function GetReplicas(obj)\n  return obj.spec.replicas"
        ))
        .1,
        "expected `end`, found the end of the script"
    );
    // RayService-like revision spreading replicas: refused
    let (line, message) = refusal(revise_replica(
        "function ReviseReplica(obj, desired)\n  local workers = desired - 1\n  return obj\nend",
    ));
    assert_eq!(line, 2);
    assert!(message.contains("operators are not read"), "{message}");
    assert_eq!(
        refusal(revise_replica(
            "function ReviseReplica(obj, desired)\n  obj.spec.replicas = 3\n  return obj\nend"
        ))
        .1,
        "only `obj.<field> = desired` is read"
    );
    assert_eq!(
        refusal(revise_replica(
            "function ReviseReplica(obj, desired)\n  obj.spec.replicas = desired\nend"
        ))
        .1,
        "the function does not end with `return obj`"
    );
    assert_eq!(
        refusal(get_dependencies(
            "local kube = require(\"kube\") function GetDependencies(o) return kube.getPodDependencies(o.spec.template, o.metadata.name) end"
        ))
        .1,
        "the namespace must be `o.metadata.namespace`"
    );
    assert_eq!(
        refusal(get_replicas("")).1,
        "the script defines no function"
    );
    assert_eq!(
        refusal(get_replicas("function GetReplicas(obj) return \"3 end")).1,
        "a string is not closed"
    );
}

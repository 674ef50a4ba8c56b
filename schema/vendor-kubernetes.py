#!/usr/bin/env python3
"""Writes schema/kubernetes.schema.json: the strict JSON Schemas of every built-in Kubernetes kind.

Source: the `v<VERSION>-local-strict/_definitions.json` that the PyPI package kubernetes-validate
(Apache-2.0) ships, itself generated from the Kubernetes OpenAPI of that version. Run it with the
package installed (`python3 -m pip install kubernetes-validate==1.37.0`), or give the wheel:

    python3 schema/vendor-kubernetes.py [kubernetes_validate-1.37.0-py3-none-any.whl]

What it keeps and changes (see schema/README.md):
- the kinds: every apiVersion/kind the OpenAPI declares (`x-kubernetes-group-version-kind`), except
  the `...List` wrappers and the `DeleteOptions`/`WatchEvent` every group version registers; the
  root dispatches on apiVersion + kind (`if`/`then` per kind) and `$defs/builtinKinds` rejects an
  unknown kind of a built-in API group, or a version of one that this Kubernetes does not serve;
- only the definitions those kinds reach; no `x-kubernetes-*` annotation;
- `format: int32` / `int64` become `minimum`/`maximum` as well (formats are annotations in JSON
  Schema 2020-12; the API server refuses a number that does not fit);
- `Quantity` is fanout's quantity (`defs.schema.json#/$defs/quantity`, a pattern the API server's
  parser accepts); `IntOrString` is an int32 or a string (upstream's `oneOf` of two nullable types
  rejected every null).
"""

import hashlib
import json
import os
import sys
import zipfile

VERSION = "1.37.0"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "kubernetes.schema.json")
SOURCE = f"kubernetes-json-schema/v{VERSION}-local-strict/_definitions.json"
INT_RANGE = {
    "int32": (-(2**31), 2**31 - 1),
    "int64": (-(2**63), 2**63 - 1),
}
QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity"
INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
SKIPPED_KINDS = {"DeleteOptions", "WatchEvent"}


def read_source(argv):
    if len(argv) > 1:
        with zipfile.ZipFile(argv[1]) as wheel:
            return wheel.read(f"kubernetes_validate/{SOURCE}")
    import kubernetes_validate.version  # noqa: the installed package

    installed = kubernetes_validate.version.__version__
    if installed != VERSION:
        sys.exit(f"kubernetes-validate {installed} is installed; {VERSION} is wanted")
    base = os.path.dirname(kubernetes_validate.version.__file__)
    with open(os.path.join(base, SOURCE), "rb") as f:
        return f.read()


def api_version(gvk):
    return f"{gvk['group']}/{gvk['version']}" if gvk["group"] else gvk["version"]


def is_list(name, definition, kind):
    return kind.endswith("List") and "items" in definition.get("properties", {})


def transform(schema):
    """One schema node (not a `properties` map), rewritten recursively."""
    if isinstance(schema, list):
        return [transform(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {}
    for key, value in schema.items():
        if key.startswith("x-kubernetes-"):
            continue
        if key in ("properties", "$defs", "patternProperties"):
            out[key] = {name: transform(s) for name, s in value.items()}
        elif key in ("enum", "const", "required", "default", "examples", "type", "description"):
            out[key] = value
        else:
            out[key] = transform(value)
    fmt = schema.get("format")
    if fmt in INT_RANGE:
        low, high = INT_RANGE[fmt]
        out["minimum"] = max(low, out.get("minimum", low))
        out["maximum"] = min(high, out.get("maximum", high))
    return out


def refs(schema, found):
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            found.add(ref[len("#/$defs/"):])
        for key, value in schema.items():
            if key in ("enum", "const", "required", "default", "examples"):
                continue
            refs(value, found)
    elif isinstance(schema, list):
        for s in schema:
            refs(s, found)


def main(argv):
    raw = read_source(argv)
    source = json.loads(raw)
    definitions = source["$defs"]

    kinds = {}  # (apiVersion, kind) -> definition name
    all_versions = set()
    for name, definition in definitions.items():
        for gvk in definition.get("x-kubernetes-group-version-kind", []):
            all_versions.add(api_version(gvk))
            if gvk["kind"] in SKIPPED_KINDS or is_list(name, definition, gvk["kind"]):
                continue
            key = (api_version(gvk), gvk["kind"])
            assert key not in kinds, key
            kinds[key] = name
    served = sorted({av for av, _ in kinds})
    groups = sorted({av.split("/")[0] for av in all_versions if "/" in av})

    # the definitions the kinds reach
    keep, todo = set(), sorted(set(kinds.values()))
    while todo:
        name = todo.pop()
        if name in keep:
            continue
        keep.add(name)
        found = set()
        refs(definitions[name], found)
        todo.extend(sorted(found - keep))

    defs = {}
    for name in sorted(keep):
        if name == QUANTITY:
            defs[name] = {
                "$ref": "defs.schema.json#/$defs/quantity",
                "description": definitions[name].get("description", "A quantity."),
            }
        elif name == INT_OR_STRING:
            low, high = INT_RANGE["int32"]
            defs[name] = {
                "description": "An int32 or a string (e.g. a port number or name, or a percentage).",
                "type": ["integer", "string", "null"],
                "minimum": low,
                "maximum": high,
            }
        else:
            defs[name] = transform(definitions[name])

    major_minor = ".".join(VERSION.split(".")[:2])
    group_pattern = "|".join(g.replace(".", "\\.") for g in groups)
    by_version = {}
    for av, kind in sorted(kinds):
        by_version.setdefault(av, []).append(kind)
    builtin = {
        "description": (
            f"An object of a built-in API group names an API version and a kind that Kubernetes "
            f"{major_minor} serves."
        ),
        "allOf": [
            {
                "if": {
                    "properties": {"apiVersion": {"pattern": f"^([^/]*|({group_pattern})/.*)$"}},
                    "required": ["apiVersion"],
                },
                "then": {
                    "properties": {
                        "apiVersion": {
                            "enum": served,
                            "errorMessage": (
                                f"this version of a built-in API group is not served by Kubernetes {major_minor}"
                            ),
                        }
                    }
                },
            }
        ]
        + [
            {
                "if": {"properties": {"apiVersion": {"const": av}}, "required": ["apiVersion"]},
                "then": {"properties": {"kind": {"enum": ks}}},
            }
            for av, ks in sorted(by_version.items())
        ],
    }
    assert "builtinKinds" not in defs
    defs["builtinKinds"] = builtin

    document = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"Kubernetes {major_minor} built-in kinds",
        "description": (
            f"The strict schema of every built-in kind of Kubernetes {major_minor}, chosen by apiVersion "
            "and kind: unknown fields are errors. Generated by schema/vendor-kubernetes.py; do not edit."
        ),
        "$comment": (
            f"From kubernetes-validate {VERSION} (Apache-2.0), {SOURCE}, sha256 "
            f"{hashlib.sha256(raw).hexdigest()}; derived from the Kubernetes OpenAPI "
            "(Apache-2.0, The Kubernetes Authors). See schema/README.md."
        ),
        "x-kubernetes-version": major_minor,
        "allOf": [{"$ref": "#/$defs/builtinKinds"}]
        + [
            {
                "if": {
                    "properties": {"apiVersion": {"const": av}, "kind": {"const": kind}},
                    "required": ["apiVersion", "kind"],
                },
                "then": {"$ref": f"#/$defs/{name}"},
            }
            for (av, kind), name in sorted(kinds.items())
        ],
        "$defs": defs,
    }
    with open(OUT, "w") as f:
        json.dump(document, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"{OUT}: {len(kinds)} kinds in {len(served)} API versions, {len(defs)} definitions")


if __name__ == "__main__":
    main(sys.argv)

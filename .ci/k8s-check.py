"""Validates the rendered Kubernetes manifests of deploy/kubernetes, strictly and offline.

Each file given is the output of `kubectl kustomize` for one kustomization. Every object is
checked against Kubernetes' own schemas (the `kubernetes-validate` package, strict: an unknown
field is an error) for the oldest and the newest Kubernetes the base supports; a custom
resource against the openAPIV3Schema of its CRD, vendored in .ci/schemas/, made as strict
(every object without `x-kubernetes-preserve-unknown-fields` rejects unknown fields). An
object of a kind with neither is an error, never a skip. Then what the deployment promises:
non-root, read-only root file system, no privilege escalation, resources, probes on /healthz
and /readyz, tokens only from files.

`--self-test` first checks that broken objects are refused (an unknown field in a Deployment,
in a ServiceMonitor, a wrong type, a token in the environment, a kind without a schema), so
that a check that passes everything cannot go unseen.

Usage: python3 .ci/k8s-check.py [--self-test] RENDERED.yaml...
"""

import copy
import pathlib
import sys

import jsonschema
import kubernetes_validate
import yaml

VERSIONS = ("1.29.0", "1.37.0")
SCHEMAS = pathlib.Path(__file__).parent / "schemas"
CRDS = ["servicemonitors.monitoring.coreos.com.yaml"]


def strict(schema):
    """The schema with `additionalProperties: false` wherever the API server would prune."""
    schema = copy.deepcopy(schema)

    def walk(node):
        if isinstance(node, dict):
            if (
                "properties" in node
                and "additionalProperties" not in node
                and not node.get("x-kubernetes-preserve-unknown-fields")
            ):
                node["additionalProperties"] = False
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    return schema


def crd_schemas():
    """(apiVersion, kind) -> a strict JSON schema, for every served version of every CRD."""
    found = {}
    for name in CRDS:
        crd = yaml.safe_load((SCHEMAS / name).read_text())
        group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"]
        for version in crd["spec"]["versions"]:
            if version.get("served"):
                schema = strict(version["schema"]["openAPIV3Schema"])
                # The API server checks these itself; the CRD's schema leaves them open.
                schema["properties"]["apiVersion"] = {"type": "string"}
                schema["properties"]["kind"] = {"type": "string"}
                schema["properties"]["metadata"] = {"type": "object"}
                found[(f"{group}/{version['name']}", kind)] = schema
    return found


def schema_problems(obj, crds):
    """Why `obj` is not a valid object of its kind, or an empty list."""
    key = (obj.get("apiVersion"), obj.get("kind"))
    if key in crds:
        validator = jsonschema.Draft7Validator(crds[key])
        return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(obj)]
    problems = []
    for version in VERSIONS:
        try:
            kubernetes_validate.validate(obj, version, strict=True)
        except kubernetes_validate.SchemaNotFoundError:
            return [f"no schema for {key[0]} {key[1]}: vendor its CRD into .ci/schemas"]
        except kubernetes_validate.ValidationError as e:
            path = "/".join(map(str, e.path))
            problems.append(f"Kubernetes {version}: {path}: {e.message}")
    return problems


def token_location(name):
    """Whether the variable `name` says where tokens are (a file or a directory), not what."""
    return name == "HUBSPOT_TOKEN_DIR" or name.startswith("HUBSPOT_TOKEN_FILE")


def deployment_problems(dep):
    """What the Deployment promises beyond its schema."""
    problems = []
    pod = dep["spec"]["template"]["spec"]
    if not pod.get("securityContext", {}).get("runAsNonRoot"):
        problems.append("the pod may run as root (runAsNonRoot)")
    if pod.get("automountServiceAccountToken") is not False:
        problems.append("the pod mounts a Kubernetes API token it does not need")
    for c in pod.get("initContainers", []) + pod["containers"]:
        sc = c.get("securityContext", {})
        if sc.get("readOnlyRootFilesystem") is not True:
            problems.append(f"container {c['name']}: the root file system is writable")
        if sc.get("allowPrivilegeEscalation") is not False:
            problems.append(f"container {c['name']}: privilege escalation is allowed")
        if sc.get("capabilities", {}).get("drop") != ["ALL"]:
            problems.append(f"container {c['name']}: capabilities are not all dropped")
        if not c.get("resources", {}).get("requests") or "memory" not in c.get("resources", {}).get("limits", {}):
            problems.append(f"container {c['name']}: no resource requests or memory limit")
        for env in c.get("env", []):
            if env["name"].startswith("HUBSPOT_TOKEN") and not token_location(env["name"]):
                problems.append(f"container {c['name']}: a token in the environment ({env['name']})")
    teamform = [c for c in pod["containers"] if c["name"] == "teamform"]
    if len(teamform) != 1:
        return problems + ["no container named teamform"]
    c = teamform[0]
    if c.get("livenessProbe", {}).get("httpGet", {}).get("path") != "/healthz":
        problems.append("the liveness probe is not GET /healthz")
    if c.get("readinessProbe", {}).get("httpGet", {}).get("path") != "/readyz":
        problems.append("the readiness probe is not GET /readyz")
    args = c.get("args", [])
    if args[:1] != ["reconcile"] or not any(a.startswith("--listen=") for a in args):
        problems.append("the container does not run `reconcile --listen`")
    if not any(token_location(e["name"]) for e in c.get("env", [])):
        problems.append("no token file is named (HUBSPOT_TOKEN_DIR, HUBSPOT_TOKEN_FILE[_NAME])")
    return problems


def check(objects, crds):
    problems = []
    for obj in objects:
        name = f"{obj.get('kind')}/{obj.get('metadata', {}).get('name')}"
        problems += [f"{name}: {p}" for p in schema_problems(obj, crds)]
        if obj.get("kind") == "Deployment":
            problems += [f"{name}: {p}" for p in deployment_problems(obj)]
    return problems


def self_test(objects, crds):
    """Broken copies of real objects must be refused."""
    dep = next(o for o in objects if o["kind"] == "Deployment")
    unknown = copy.deepcopy(dep)
    unknown["spec"]["template"]["spec"]["containers"][0]["livenesProbe"] = {}
    wrong_type = copy.deepcopy(dep)
    wrong_type["spec"]["replicas"] = "one"
    token = copy.deepcopy(dep)
    token["spec"]["template"]["spec"]["containers"][0]["env"].append({"name": "HUBSPOT_TOKEN", "value": "pat-x"})
    cases = [
        ("an unknown Deployment field", unknown),
        ("a string for replicas", wrong_type),
        ("a token in the environment", token),
    ]
    monitors = [o for o in objects if o["kind"] == "ServiceMonitor"]
    if monitors:
        bad = copy.deepcopy(monitors[0])
        bad["spec"]["endpoints"][0]["scrapeTimout"] = "10s"
        cases.append(("an unknown ServiceMonitor field", bad))
    unknown_kind = {"apiVersion": "example.com/v1", "kind": "Gadget", "metadata": {"name": "x"}}
    cases.append(("a kind without a schema", unknown_kind))
    failed = [what for what, obj in cases if not check([obj], crds)]
    for what in failed:
        print(f"k8s-check: self-test: {what} was accepted", file=sys.stderr)
    return not failed


def main(argv):
    test = "--self-test" in argv
    files = [a for a in argv if a != "--self-test"]
    crds = crd_schemas()
    ok = True
    for name in files:
        objects = [o for o in yaml.safe_load_all(pathlib.Path(name).read_text()) if o]
        if test and not self_test(objects, crds):
            ok = False
        problems = check(objects, crds)
        for p in problems:
            print(f"{name}: {p}", file=sys.stderr)
        kinds = ", ".join(sorted(o["kind"] for o in objects))
        print(f"{pathlib.Path(name).name}: {len(objects)} objects ({kinds}): {'valid' if not problems else 'INVALID'}")
        ok = ok and not problems
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

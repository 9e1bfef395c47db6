"""Fails when template.yaml, once SAM has transformed it, has a dependency cycle between resources.

cfn-lint and `sam validate` do not see cycles that only appear after the transform (an HttpApi's generated
OpenAPI body refers to its functions, so a function referring back to the API is a cycle CloudFormation
rejects at deploy time). Runs offline: CodeUris are replaced by placeholders, nothing is uploaded.
"""

import json
import re
import sys

from cfnlint.decode import cfn_yaml
from samtranslator.translator.transform import transform


class NoManagedPolicies:
    def load(self):
        return {}


def references(resource, names):
    text = json.dumps(resource)
    found = set(re.findall(r'"Ref": "([A-Za-z0-9]+)"', text))
    found |= set(re.findall(r'"Fn::GetAtt": \["([A-Za-z0-9]+)"', text))
    found |= set(re.findall(r"\$\{([A-Za-z0-9]+)[.}]", text))
    depends = resource.get("DependsOn", []) if isinstance(resource, dict) else []
    found |= set(depends if isinstance(depends, list) else [depends])
    return found & names


def find_cycle(graph):
    done = set()

    def visit(node, path):
        if node in path:
            return path[path.index(node):] + [node]
        if node in done:
            return None
        for nxt in sorted(graph[node]):
            cycle = visit(nxt, path + [node])
            if cycle:
                return cycle
        done.add(node)
        return None

    for node in sorted(graph):
        cycle = visit(node, [])
        if cycle:
            return cycle
    return None


def main(path):
    template = cfn_yaml.load(path)
    for resource in template["Resources"].values():
        if resource.get("Type") == "AWS::Serverless::Function":
            resource["Properties"]["CodeUri"] = "s3://placeholder/code.zip"
    resources = transform(template, {}, NoManagedPolicies())["Resources"]
    names = set(resources)
    graph = {name: references(body, names) - {name} for name, body in resources.items()}
    cycle = find_cycle(graph)
    if cycle:
        print("dependency cycle after the SAM transform: " + " -> ".join(cycle), file=sys.stderr)
        return 1
    print(f"no dependency cycles among {len(graph)} resources")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "template.yaml"))

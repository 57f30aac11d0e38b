#!/usr/bin/env python3
"""Check docs/topology.schema.json against the loader's fixtures.

Every topology under topologies/ and tests/topo/good/ must be valid under the
schema; every fixture under tests/topo/bad/ whose mistake a schema can express
(listed in SCHEMA_CATCHES) must be invalid. Run by test_schema.c; needs
python3-jsonschema (exit 77 when it is missing, so the test skips).
Usage: check_schema.py SOURCE_DIR
"""
import glob
import json
import os
import sys

try:
    import jsonschema
except ImportError:
    print("python3 jsonschema module not installed")
    sys.exit(77)

# Bad fixtures the schema alone rejects (the rest need cross-references:
# endpoints, reachability, clashes, duplicates that JSON parsers merge).
SCHEMA_CATCHES = {
    "addresses_not_array", "address_malformed", "address_no_length", "address_repeated",
    "bgp_not_object", "description_not_string", "dns_not_object", "endpoint_not_string",
    "endpoint_repeated", "endpoint_syntax", "forwarding_not_bool", "hash_policy_range",
    "hash_seed_range", "iface_name_dotdot", "iface_name_empty", "iface_name_lo",
    "iface_name_slash", "iface_name_space", "iface_name_too_long", "iface_unknown_key",
    "lan_without_name", "link_name_invalid", "link_name_too_long", "link_one_endpoint",
    "link_unknown_key", "links_not_array", "loopback_not_host", "loopback_v6_not_host",
    "mac_malformed", "mac_multicast", "mac_zero", "many_errors", "mtu_fraction",
    "mtu_too_large", "mtu_too_small", "multipath_unknown_key", "name_dash", "name_missing",
    "name_not_string", "name_too_long", "name_uppercase", "node_name_invalid",
    "node_name_too_long", "node_not_object", "node_unknown_key", "nodes_empty",
    "nodes_missing", "resolver_malformed", "resolver_too_many", "route_metric_negative",
    "role_unknown", "route_no_via_no_dev", "route_to_missing", "route_unknown_key",
    "scenarios_not_object", "site_invalid",
    "switch_false_lan", "switch_not_bool", "top_not_object", "top_unknown_key",
    "link_kind_unknown", "tunnel_key_on_veth", "tunnel_port_range", "tunnel_switch",
    "tunnel_three_endpoints", "tunnel_underlay_missing", "tunnel_underlay_one",
    "tunnel_vni_range",
}


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else "."
    with open(os.path.join(src, "docs/topology.schema.json")) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    failures = 0
    good = sorted(glob.glob(os.path.join(src, "topologies/*.json")) +
                  glob.glob(os.path.join(src, "tests/topo/good/*.json")))
    for path in good:
        with open(path) as f:
            doc = json.load(f)
        if "nodes" not in doc:
            continue
        errs = list(validator.iter_errors(doc))
        for e in errs:
            print(f"FAIL {path}: valid for anylab, rejected by the schema at "
                  f"{'/'.join(map(str, e.absolute_path))}: {e.message}")
        failures += bool(errs)
    seen = set()
    for path in sorted(glob.glob(os.path.join(src, "tests/topo/bad/*.json"))):
        name = os.path.basename(path)[:-5]
        if name not in SCHEMA_CATCHES:
            continue
        seen.add(name)
        with open(path) as f:
            doc = json.load(f)
        if validator.is_valid(doc):
            print(f"FAIL {path}: invalid for anylab, accepted by the schema")
            failures += 1
    for name in sorted(SCHEMA_CATCHES - seen):
        print(f"FAIL tests/topo/bad/{name}.json: listed but missing")
        failures += 1
    print(f"{len(good)} valid and {len(seen)} invalid files checked, {failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

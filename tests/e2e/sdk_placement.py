"""Placement through openstacksdk (0.101): conn.placement's resource providers and resource
classes, and raw adapter calls for what the proxy does not wrap (inventories, traits, allocation
candidates), against `stacksim serve`. Runs as `stacksim-system-admin` (Zed's Placement rules are
system-scoped); the project-scoped `stacksim-admin` is refused with 403."""
import os
import sys

import openstack
from openstack import exceptions

sys.dont_write_bytecode = True  # no __pycache__ left in tests/e2e/lib
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from sdk_support import SUFFIX, check_or_exit, connect, report  # noqa: E402

openstack.enable_logging(debug=False)


def check(what, ok):
    """check_or_exit with the arguments the other way round, and quiet when the check holds."""
    check_or_exit(ok, what, say_ok=False)


project_admin = connect("stacksim-admin")
try:
    list(project_admin.placement.resource_providers())
    check("project-scoped admin refused", False)
except exceptions.HttpException as e:
    check("403 %s" % e, e.status_code == 403)

conn = connect("stacksim-system-admin")
p = conn.placement

providers = list(p.resource_providers())
names = [rp.name for rp in providers]
check("devstack providers %r" % names, {"controller", "compute1", "compute2"} <= set(names))
compute1 = next(rp for rp in providers if rp.name == "compute1")
check("root uuid (1.14)", compute1.root_provider_id == compute1.id)
check("filter by name", [rp.name for rp in p.resource_providers(name="compute1")] == ["compute1"])
got = p.get_resource_provider(compute1.id)
check("get", got.name == "compute1" and got.generation == compute1.generation)
check("find by name", p.find_resource_provider("compute1").id == compute1.id)

name = "placement-sdk-" + SUFFIX
rp = p.create_resource_provider(name=name)
check("create returns the provider (1.20)", rp.id and rp.name == name and rp.generation == 0)
rp = p.update_resource_provider(rp, name=name + "-renamed")
check("update", rp.name == name + "-renamed" and rp.generation == 1)

# what the proxy does not wrap, through the same authenticated adapter
inv = p.put("/resource_providers/%s/inventories" % rp.id,
            json={"resource_provider_generation": rp.generation,
                  "inventories": {"VCPU": {"total": 4, "allocation_ratio": 2.0}}},
            microversion="1.26")
check("inventories %s %s" % (inv.status_code, inv.text), inv.status_code == 200 and inv.json()["inventories"]["VCPU"]["total"] == 4)
stale = p.put("/resource_providers/%s/inventories" % rp.id,
              json={"resource_provider_generation": rp.generation, "inventories": {}},
              microversion="1.26", raise_exc=False)
check("stale generation 409", stale.status_code == 409 and stale.json()["errors"][0]["code"] == "placement.concurrent_update")
cands = p.get("/allocation_candidates?resources=VCPU:8&in_tree=%s" % rp.id, microversion="1.34").json()
check("candidates %r" % cands, list(cands["provider_summaries"]) == [rp.id]
      and cands["allocation_requests"][0]["mappings"] == {"": [rp.id]}
      and cands["provider_summaries"][rp.id]["resources"]["VCPU"] == {"capacity": 8, "used": 0})
traits = p.get("/traits?name=startswith:COMPUTE_ARCH", microversion="1.6").json()["traits"]
check("traits", "COMPUTE_ARCH_X86_64" in traits)
versions = conn.session.get(p.get_endpoint().rstrip("/") + "/").json()
check("version document", versions["versions"][0]["max_version"] == "1.39")

classes = [rc.name for rc in p.resource_classes()]
check("standard classes", "VCPU" in classes and "DISK_GB" in classes)
rc_name = "CUSTOM_PLACEMENT_SDK_" + SUFFIX.replace("-", "_")
p.create_resource_class(name=rc_name)
check("get class", p.get_resource_class(rc_name).name == rc_name)
p.delete_resource_class(rc_name)
try:
    p.get_resource_class(rc_name)
    check("deleted class", False)
except exceptions.ResourceNotFound:
    pass

p.delete_resource_provider(rp)
try:
    p.get_resource_provider(rp.id)
    check("deleted provider", False)
except exceptions.ResourceNotFound:
    pass
report("sdk_placement")

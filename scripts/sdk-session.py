"""An openstacksdk session at the negotiated (latest) compute microversion against a LUC cloud:
servers with tags and a description, a server group whose anti-affinity puts its members on
different hosts, flavors, keypairs, usage. Prints one PASS/FAIL line per step and
"sdk: N passed, N failed". Usage: python sdk-session.py <auth-url> <zone>"""
import sys
import time

import openstack

AUTH, ZONE = sys.argv[1], sys.argv[2]
passed = failed = 0


def step(name, check):
    global passed, failed
    try:
        result = check()
        if result is False:
            raise AssertionError("check failed")
        print(f"PASS {name}")
        passed += 1
        return result
    except Exception as error:  # report every step, go on with the next
        print(f"FAIL {name}: {error}")
        failed += 1
        return None


conn = openstack.connect(auth_url=AUTH, username="admin", password="admin", project_name="admin",
                         user_domain_name="Default", project_domain_name="Default", identity_api_version="3")
compute = conn.compute


def negotiated():
    version = compute.get_endpoint_data().max_microversion
    assert str(version) in ("2.100", "(2, 100)"), version
    # The SDK uses the highest version both sides know for the calls below.
    return True


step("compute microversion negotiated is the cloud's maximum", negotiated)
flavor = step("flavor find m1.tiny", lambda: compute.find_flavor("m1.tiny", ignore_missing=False))
step("flavor list has description and extra_specs (2.55, 2.61)",
     lambda: all(f.description is None and f.extra_specs == {} for f in compute.flavors()))
image = step("image find", lambda: next(conn.image.images()))
step("keypair create", lambda: compute.create_keypair(name="sdk-key"))
step("keypair list", lambda: "sdk-key" in [k.name for k in compute.keypairs()])

group = step("server group create anti-affinity", lambda: compute.create_server_group(name="sdk-group", policy="anti-affinity"))
step("server group shows policy and rules (2.64)", lambda: group.policy == "anti-affinity" and group.rules == {})

servers = []


def boot(name):
    server = compute.create_server(name=name, image_id=image.id, flavor_id=flavor.id, networks="none",
                                   availability_zone=ZONE, key_name="sdk-key", tags=["sdk", name],
                                   description=f"{name} from openstacksdk", scheduler_hints={"group": group.id})
    servers.append(server)
    return server


step("server create with tags and description (2.52, 2.19)", lambda: boot("sdk-1") and boot("sdk-2"))


def wait_active():
    for server in servers:
        compute.wait_for_server(server, status="ACTIVE", wait=300)
    return True


step("servers ACTIVE", wait_active)
shown = step("server show", lambda: [compute.get_server(s.id) for s in servers])
step("tags and description in views", lambda: all(sorted(s.tags) == sorted(["sdk", s.name]) and s.description.endswith("openstacksdk") for s in shown))
step("anti-affinity: members on different hosts", lambda: len({s.compute_host for s in shown}) == 2)
step("server group members", lambda: sorted(compute.get_server_group(group.id).member_ids) == sorted(s.id for s in servers))
step("server_groups and pinned_availability_zone in show (2.71, 2.96)",
     lambda: all(s.server_groups == [group.id] and s.pinned_availability_zone == ZONE for s in shown))
step("list filtered by tag (2.26)", lambda: [s.name for s in compute.servers(tags="sdk-1")] == ["sdk-1"])
step("add a tag", lambda: compute.add_tag_to_server(servers[0], "extra") or True)
step("tag present", lambda: "extra" in compute.get_server(servers[0].id).tags)
step("remove the tag", lambda: compute.remove_tag_from_server(servers[0], "extra") or True)
step("tag gone", lambda: "extra" not in compute.get_server(servers[0].id).tags)
step("lock with a reason (2.73)", lambda: compute.lock_server(servers[0], locked_reason="maintenance") or True)
step("locked_reason shown", lambda: compute.get_server(servers[0].id).locked_reason == "maintenance")
step("unlock", lambda: compute.unlock_server(servers[0]) or True)
step("update description", lambda: compute.update_server(servers[0], description="changed").description == "changed")
step("usage", lambda: conn.compute.get_usage(conn.current_project_id, start=None, end=None) is not None)
step("limits", lambda: compute.get_limits().absolute.instances >= 2)


def delete_all():
    for server in servers:
        compute.delete_server(server)
    for server in servers:
        compute.wait_for_delete(server, wait=300)
    return True


step("server delete", delete_all)
step("server group delete", lambda: compute.delete_server_group(group) or True)
step("keypair delete", lambda: compute.delete_keypair("sdk-key") or True)
print(f"sdk: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)

#!/usr/bin/env python3
"""Crashes and concurrency on `luc lab` (real Redis per site): run by scripts/test.

One lab of 2 sites, 4 controllers in site A, 3 small hosts per site (8 GiB: 96 m1.nano each),
fake driver with a 1.5 s spawn delay:
  1. the 4 controllers of A each boot 250 servers into A at once (1,000 > 288 that fit):
     read from A's Redis afterwards, no host is overcommitted and its claims are exactly the
     ACTIVE servers on it; the rest are ERROR;
  2. kill -9 of one controller in the middle of a 200-server burst: the others finish every
     boot within 30 s, nothing stays in a transient state, and each host runs exactly the
     machines of its ACTIVE servers (no orphan, none missing; asked of the agent);
  3. kill -9 of A's agent: its hosts are down within 10 s.
Prints PASS/FAIL lines and "lab-crash: N passed, N failed".
Usage: lab-crash-test.py LUC_BINARY
"""
import json, os, random, signal, subprocess, sys, tempfile, threading, time
import requests

LUC = sys.argv[1]
FIT = 288      # 3 hosts × 96 m1.nano (8 GiB at 1.5× RAM overcommit)
BURST = 200
PORT = 20000 + random.randrange(10000)
STATE = tempfile.mkdtemp(prefix="luc-lab-crash-")
OUT = tempfile.mktemp(prefix="luc-lab-crash-out-")
passed = failed = 0


def check(name, ok):
    global passed, failed
    if ok:
        passed += 1
        print("PASS", name, flush=True)
    else:
        failed += 1
        print("FAIL", name, flush=True)


def token(url):
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "admin", "domain": {"name": "Default"}, "password": "admin"}}},
                     "scope": {"project": {"name": "admin", "domain": {"name": "Default"}}}}}
    for _ in range(5):
        r = requests.post(url + "/identity/v3/auth/tokens", json=body, timeout=10)
        if r.status_code == 201:
            return r.headers["X-Subject-Token"]
        print("login at", url, "answered", r.status_code, r.text[:200], flush=True)
        time.sleep(1)
    raise RuntimeError("cannot log in at " + url)


lab = subprocess.Popen([LUC, "lab", "up", "--state-dir", STATE, "--sites", "2", "--controllers-per-site", "4", "--port", str(PORT),
                        "--host-ram-mb", "8192", "--spawn-delay-ms", "1500"], stdout=open(OUT, "w"), stderr=subprocess.STDOUT)
try:
    for _ in range(120):
        if "lab is up" in open(OUT).read():
            break
        time.sleep(1)
    else:
        print(open(OUT).read())
        print("lab-crash: 0 passed, 1 failed")
        sys.exit(1)
    A = [f"http://127.0.0.1:{PORT + 2 + c}" for c in range(4)]
    T = token(A[0])
    H = {"X-Auth-Token": T}
    requests.put(A[0] + "/compute/v2.1/os-quota-sets/x", json={"quota_set": {}}, headers=H, timeout=10)
    project = requests.get(A[0] + "/identity/v3/auth/tokens", headers={**H, "X-Subject-Token": T}, timeout=10).json()["token"]["project"]["id"]
    requests.put(A[0] + f"/compute/v2.1/os-quota-sets/{project}", json={"quota_set": {"instances": -1, "cores": -1, "ram": -1}}, headers=H, timeout=10)
    image = requests.post(A[0] + "/image/v2/images", json={"name": "tiny", "disk_format": "raw", "container_format": "bare", "visibility": "public"}, headers=H, timeout=10).json()["id"]
    requests.put(A[0] + f"/image/v2/images/{image}/file", data=b"x" * 4096, headers={**H, "Content-Type": "application/octet-stream"}, timeout=10)
    for _ in range(60):
        hv = requests.get(A[0] + "/compute/v2.1/os-hypervisors", headers=H, timeout=10).json()["hypervisors"]
        if sum(1 for h in hv if h["state"] == "up") == 6:
            break
        time.sleep(1)

    def servers():
        return requests.get(A[0] + "/compute/v2.1/servers/detail?availability_zone=rennes", headers=H, timeout=30).json()["servers"]

    def settle(timeout):
        start = time.time()
        while time.time() - start < timeout:
            s = servers()
            if s and all(x["OS-EXT-STS:task_state"] is None and x["status"] in ("ACTIVE", "ERROR") for x in s):
                return time.time() - start, s
            time.sleep(0.5)
        return None, servers()

    # 1. four controllers, 1,000 boots, 288 places
    def boot(url, name, count):
        body = {"server": {"name": name, "imageRef": image, "flavorRef": "42", "availability_zone": "rennes", "min_count": count, "max_count": count}}
        r = requests.post(url + "/compute/v2.1/servers", json=body, headers={"X-Auth-Token": token(url)}, timeout=60)
        assert r.status_code == 202, r.text
    threads = [threading.Thread(target=boot, args=(url, f"c{i}", 250)) for i, url in enumerate(A)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    took, s = settle(180)
    check(f"1,000 concurrent boots through 4 controllers settle ({took})", took is not None and len(s) == 1000)
    active = [x for x in s if x["status"] == "ACTIVE"]
    check(f"exactly the {FIT} that fit are ACTIVE ({len(active)})", len(active) == FIT)
    if len(active) != FIT:
        faults = {}
        for x in s:
            if x["status"] == "ERROR":
                message = (x.get("fault") or {}).get("message", "")[:600]
                faults[message] = faults.get(message, 0) + 1
        print("  ERROR faults:", faults, flush=True)
    hosts = requests.get(A[0] + "/compute/v2.1/os-hypervisors/detail", headers=H, timeout=10).json()["hypervisors"]
    per_host = {}
    for x in active:
        per_host[x["OS-EXT-SRV-ATTR:host"]] = per_host.get(x["OS-EXT-SRV-ATTR:host"], 0) + 1
    ok = True
    for h in hosts:
        if not h["hypervisor_hostname"].startswith("rennes"):
            continue
        ok &= h["memory_mb_used"] <= h["memory_mb"] * 1.5
        ok &= h["running_vms"] == per_host.get(h["hypervisor_hostname"], 0)
        ok &= h["memory_mb_used"] == 128 * per_host.get(h["hypervisor_hostname"], 0)
    check("no host overcommitted; claims match the ACTIVE servers on each host (admin API)", ok)
    # The same invariant read straight from site A's Redis: host records and claim keys.
    def redis(*args):
        return subprocess.run(["redis-cli", "-p", str(PORT), *args], capture_output=True, text=True).stdout.split("\n")
    tag = "luc:{site/rennes}"
    claim_keys = [k for k in redis("ZRANGEBYLEX", tag + ":idx", "[claims/", "(claims0") if k]
    claims_by_host = {}
    for key in claim_keys:
        _, host, server = key.split("/")
        claims_by_host.setdefault(host, set()).add(server)
    ok = True
    active_by_host_id = {}
    for x in active:
        stored = json.loads(redis("HGET", tag + ":k:servers/" + x["id"], "v")[0])
        active_by_host_id.setdefault(stored["host"], set()).add(x["id"])
    host_keys = [k for k in redis("ZRANGEBYLEX", tag + ":idx", "[hosts/", "(hosts0") if k]
    for key in host_keys:
        record = json.loads(redis("HGET", tag + ":k:" + key, "v")[0])
        host = record["id"]
        ok &= record["used"]["ramMB"] <= record["cap"]["ramMB"] * record["ramRatio"]
        ok &= record["used"]["ramMB"] == 128 * len(claims_by_host.get(host, set()))
        ok &= claims_by_host.get(host, set()) == active_by_host_id.get(host, set())
    check(f"from the store: {len(host_keys)} hosts, {len(claim_keys)} claims, none overcommitted, claims = ACTIVE servers", ok and len(claim_keys) == FIT)
    for x in s:
        requests.delete(A[0] + f"/compute/v2.1/servers/{x['id']}", headers=H, timeout=30)
    for _ in range(120):
        if not servers():
            break
        time.sleep(0.5)
    check("all deleted", not servers())

    # 2. kill -9 of a controller mid-burst
    boot(A[1], "burst", BURST)
    time.sleep(0.3)
    victim = subprocess.run(["pgrep", "-f", f"listen 127.0.0.1:{PORT + 3}"], capture_output=True, text=True).stdout.split()
    for pid in victim:
        os.kill(int(pid), signal.SIGKILL)
    took, s = settle(60)
    check(f"after kill -9 of the owning controller, all {BURST} boots end within 30 s ({took})",
          took is not None and took < 30 and len(s) == BURST and all(x["status"] == "ACTIVE" for x in s))
    # No orphan and none missing: each host's agent runs exactly the machines of its ACTIVE servers
    # (reconcile runs every 10 s: give it two rounds).
    secret = json.load(open(os.path.join(STATE, "cloud-rennes.json")))["secret"]
    hv = requests.get(A[0] + "/compute/v2.1/os-hypervisors/detail", headers=H, timeout=10).json()["hypervisors"]
    expected = {}
    for x in s:
        if x["status"] == "ACTIVE":
            expected.setdefault(x["OS-EXT-SRV-ATTR:hypervisor_hostname"], set()).add(x["id"])
    mismatch = None
    for _ in range(25):
        mismatch = {}
        for h in hv:
            if not h["hypervisor_hostname"].startswith("rennes"):
                continue
            r = requests.get(f"http://127.0.0.1:{PORT + 9}/agent/v1/hosts/{h['hypervisor_hostname']}/machines",
                             headers={"X-LUC-Cluster-Secret": secret}, timeout=10)
            if r.status_code != 200:
                mismatch[h["hypervisor_hostname"]] = f"agent answered {r.status_code}: {r.text[:200]}"
                continue
            running = {m["serverID"] for m in r.json()}
            want = expected.get(h["hypervisor_hostname"], set())
            if running != want:
                mismatch[h["hypervisor_hostname"]] = (len(running - want), len(want - running))
        if not mismatch:
            break
        time.sleep(1)
    check(f"each host runs exactly its ACTIVE servers' machines (orphans, missing per host: {mismatch or 'none'})",
          not mismatch and sum(len(v) for v in expected.values()) == BURST)

    # 3. kill -9 of the agent
    agent = subprocess.run(["pgrep", "-f", f"listen 127.0.0.1:{PORT + 9}"], capture_output=True, text=True).stdout.split()
    for pid in agent:
        os.kill(int(pid), signal.SIGKILL)
    start = time.time()
    down = None
    while time.time() - start < 20:
        hv = requests.get(A[0] + "/compute/v2.1/os-hypervisors", headers=H, timeout=10).json()["hypervisors"]
        if all(h["state"] == "down" for h in hv if h["hypervisor_hostname"].startswith("rennes")):
            down = time.time() - start
            break
        time.sleep(0.5)
    check(f"after kill -9 of the agent, its hosts are down within 10 s ({down})", down is not None and down < 10)
finally:
    subprocess.run([LUC, "lab", "down", "--state-dir", STATE], capture_output=True)
    time.sleep(3)
    lab.terminate()
    try:
        lab.wait(timeout=10)
    except Exception:
        lab.kill()

print(f"lab-crash: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)

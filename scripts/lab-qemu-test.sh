#!/usr/bin/env bash
# Real VMs on `luc lab --driver qemu` (2 sites × 2 hosts, autonomous deployment, as root: every
# host a network namespace, sites joined by an underlay the lab cuts and heals):
#  - a1 and a2 on rennes' two hosts, b1 at nantes, on one network behind a router at rennes; a1
#    pings a2, b1 and rennes' outside namespace every second and says so on its console;
#  - `luc lab partition rennes`: a1 keeps reaching a2 and the outside, no longer b1; after
#    `luc lab heal` it reaches b1 again, with the same QEMU processes (nothing restarted);
#  - `luc lab down`: no QEMU process and no namespace of the lab left.
# Usage: lab-qemu-test.sh LUC_BINARY OPENSTACK_BINARY GUEST_DIR ; prints "lab-qemu: N passed, N failed".
set -u -o pipefail
LUC=$1 OSC=$2 GUEST=$3
STATE=$(mktemp -d -t luc-labqemu-XXXXXX)
OUT=$(mktemp -t luc-labqemu-out-XXXXXX)
PORT=$((20000 + RANDOM % 10000))
PASSED=0 FAILED=0
check() { if eval "$2"; then PASSED=$((PASSED + 1)); echo "PASS $1"; else FAILED=$((FAILED + 1)); echo "FAIL $1"; fi; }
qemus() { for p in /proc/[0-9]*; do { tr '\0' ' ' < "$p/cmdline"; } 2>/dev/null | grep -q -- "-pidfile $STATE/" && echo "${p#/proc/}"; done | sort; }
netns_left() { ip netns list 2>/dev/null | awk '{print $1}' | grep "^lab$PORT-"; }

if [ "$(id -u)" != 0 ]; then echo "SKIP the lab's data plane: needs root"; echo "lab-qemu: 0 passed, 0 failed"; exit 0; fi
"$LUC" lab up --state-dir "$STATE" --sites 2 --hosts-per-site 2 --rtt-ms 5 --port "$PORT" --driver qemu --guest-dir "$GUEST" > "$OUT" 2>&1 &
LAB=$!
cleanup() {
  "$LUC" lab down --state-dir "$STATE" >/dev/null 2>&1; for _ in $(seq 1 20); do kill -0 $LAB 2>/dev/null || break; sleep 0.5; done
  kill $LAB 2>/dev/null; for p in $(qemus); do kill -9 "$p"; done; for n in $(netns_left); do ip netns del "$n"; done; rm -rf "$STATE" "$OUT"
}
trap cleanup EXIT
for _ in $(seq 1 180); do grep -q "lab is up" "$OUT" 2>/dev/null && break; kill -0 $LAB 2>/dev/null || break; sleep 1; done
grep -q "lab is up" "$OUT" || { echo "lab did not start"; cat "$OUT"; tail -n 20 "$STATE"/logs/*.log; echo "lab-qemu: 0 passed, 1 failed"; exit 1; }
controller() { echo "http://127.0.0.1:$((PORT + 2 + 10 * $1))"; }
export OS_USERNAME=admin OS_PASSWORD=admin OS_PROJECT_NAME=admin OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default \
       OS_IDENTITY_API_VERSION=3 OS_REGION_NAME=RegionOne OS_AUTH_URL=$(controller 0)/identity/v3
up() { [ "$("$OSC" hypervisor list -f value -c State 2>/dev/null | grep -c '^up$')" = 4 ]; }
check "the lab says it has a data plane; 4 QEMU hosts up" 'grep -q "data plane: each host is a network namespace" "$OUT" && for _ in $(seq 1 120); do up && break; sleep 1; done; up'
settled() { for _ in $(seq 1 240); do [ "$("$OSC" server show "$1" -f value -c status 2>/dev/null)" = ACTIVE ] && return 0; sleep 0.5; done; return 1; }
console() { "$OSC" console log show "$1" 2>/dev/null; }
count() { console a1 | grep -c "^$1\$" || true; }
more() {  # more KIND COUNT SECONDS: waits for more KIND lines than COUNT
  for _ in $(seq 1 $(($3 * 2))); do [ "$(count "$1")" -gt "$2" ] && return 0; sleep 0.5; done; return 1; }

check "network, subnet, router at rennes on its uplink" '"$OSC" network create lnet >/dev/null && "$OSC" subnet create --network lnet --subnet-range 10.77.0.0/24 lsub >/dev/null && "$OSC" router create --external-gateway public-rennes lr >/dev/null && "$OSC" router add subnet lr lsub'
ip_of() { "$OSC" port show "$1" -f json | python3 -c 'import json,sys; print(json.load(sys.stdin)["fixed_ips"][0]["ip_address"])'; }
check "ports: two at rennes, one made through nantes" '"$OSC" port create --network lnet pa1 >/dev/null && "$OSC" port create --network lnet pa2 >/dev/null && OS_AUTH_URL=$(controller 1)/identity/v3 "$OSC" port create --network lnet pb1 >/dev/null'
A2=$(ip_of pa2) B1=$(ip_of pb1)
printf '#!/bin/sh\nwhile true; do for t in a2:%s b1:%s out:198.18.1.1; do if ping -c 1 -W 1 ${t#*:} >/dev/null 2>&1; then echo ${t%%%%:*}-ok; else echo ${t%%%%:*}-fail; fi; done; sleep 1; done\n' "$A2" "$B1" > "$STATE/pinger"
check "servers a1, a2 on rennes' two hosts and b1 at nantes" '"$OSC" server create --flavor m1.nano --image luc-guest --port pa1 --user-data "$STATE/pinger" --availability-zone rennes:rennes-h1 a1 >/dev/null && "$OSC" server create --flavor m1.nano --image luc-guest --port pa2 --availability-zone rennes:rennes-h2 a2 >/dev/null && "$OSC" server create --flavor m1.nano --image luc-guest --port pb1 --availability-zone nantes b1 >/dev/null && settled a1 && settled a2 && settled b1'
check "a1 reaches a2 (its site's other host), b1 (at nantes) and rennes' outside" 'more a2-ok 0 120 && more b1-ok 0 60 && more out-ok 0 60'
BEFORE=$(qemus)

"$LUC" lab partition rennes --state-dir "$STATE" >/dev/null
sleep 4  # pings in flight when the links went down
A2N=$(count a2-ok) B1N=$(count b1-ok) OUTN=$(count out-ok) B1F=$(count b1-fail)
check "rennes cut off: a1 still reaches a2 and the outside" 'more a2-ok $((A2N + 2)) 20 && more out-ok $((OUTN + 2)) 20'
check "and no longer b1 at nantes" 'more b1-fail $((B1F + 2)) 20 && [ "$(count b1-ok)" = "$B1N" ]'
"$LUC" lab heal --state-dir "$STATE" >/dev/null
check "healed: a1 reaches b1 again" 'more b1-ok "$B1N" 20'
check "with no change to the VMs (the same QEMU processes)" '[ "$(qemus)" = "$BEFORE" ] && [ -n "$BEFORE" ]'
check "delete servers, ports, router and network" '"$OSC" server delete --wait a1 a2 b1 && "$OSC" port delete pa1 pa2 pb1 && "$OSC" router remove subnet lr lsub && "$OSC" router delete lr && "$OSC" network delete lnet'
"$LUC" lab down --state-dir "$STATE" >/dev/null 2>&1
for _ in $(seq 1 60); do kill -0 $LAB 2>/dev/null || break; sleep 0.5; done
check "luc lab down: no QEMU process and no namespace of the lab left" '! kill -0 $LAB 2>/dev/null && [ -z "$(qemus)" ] && [ -z "$(netns_left)" ]'
if [ "$FAILED" -gt 0 ]; then for log in "$STATE"/logs/*.log; do echo "== tail of $log"; tail -n 15 "$log"; done; fi
echo "lab-qemu: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]

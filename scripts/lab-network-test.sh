#!/usr/bin/env bash
# Address allocation across sites on `luc lab` (4 sites, autonomous deployment, 10 ms RTT):
#  - one /24 shared by every site; 4 boot bursts of 20 servers, one per site, sent at the same
#    time through the 4 sites' controllers: every server gets an address, none twice;
#  - lyon cut off: inside lyon boots with an address keep working (from the blocks lyon holds),
#    outside the other sites keep booting; after heal every address is held once, by one port;
#  - the global keyspace's writes during the bursts are only block leases (at most one per site
#    per block of 16), counted from the lab's global Redis;
#  - a router and a floating IP on lyon's uplink through rennes (forwarded to lyon);
#  - deleting every server leaves no port.
# Usage: lab-network-test.sh LUC_BINARY OPENSTACK_BINARY ; prints "lab-network: N passed, N failed".
set -u -o pipefail
LUC=$1 OSC=$2
STATE=$(mktemp -d -t luc-labnet-XXXXXX)
OUT=$(mktemp -t luc-labnet-out-XXXXXX)
PORT=$((20000 + RANDOM % 10000))  # below the ephemeral range (32768+)
PASSED=0 FAILED=0
check() { if eval "$2"; then PASSED=$((PASSED + 1)); echo "PASS $1"; else FAILED=$((FAILED + 1)); echo "FAIL $1"; fi; }
SITES="rennes nantes lyon grenoble"

"$LUC" lab up --state-dir "$STATE" --sites 4 --rtt-ms 10 --port "$PORT" > "$OUT" 2>&1 &
LAB=$!
trap '"$LUC" lab down --state-dir "$STATE" >/dev/null 2>&1; sleep 3; kill $LAB 2>/dev/null; rm -rf "$STATE" "$OUT" "$OUT".*' EXIT
for _ in $(seq 1 120); do grep -q "lab is up" "$OUT" 2>/dev/null && break; sleep 1; done
grep -q "lab is up" "$OUT" || { echo "lab did not start"; cat "$OUT"; echo "lab-network: 0 passed, 1 failed"; exit 1; }
controller() { echo "http://127.0.0.1:$((PORT + 2 + 10 * $1))"; }
export OS_USERNAME=admin OS_PASSWORD=admin OS_PROJECT_NAME=admin OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default \
       OS_IDENTITY_API_VERSION=3 OS_REGION_NAME=RegionOne OS_AUTH_URL=$(controller 0)/identity/v3
head -c 65536 /dev/urandom > "$OUT.img"
"$OSC" image create --disk-format raw --container-format bare --public --file "$OUT.img" tiny >/dev/null
TOKEN=$("$OSC" token issue -f value -c id)
PROJECT_ID=$("$OSC" token issue -f value -c project_id)
curl -s -X PUT "$(controller 0)/compute/v2.1/os-quota-sets/$PROJECT_ID" -H "X-Auth-Token: $TOKEN" -H "Content-Type: application/json" \
  -d '{"quota_set":{"instances":-1,"cores":-1,"ram":-1}}' >/dev/null
check "one /24 for every site" '"$OSC" network create lan >/dev/null && "$OSC" subnet create --network lan --subnet-range 10.99.0.0/24 lan-sub >/dev/null'

# Every address held once: by the servers' views and by the ports (one per address).
addresses_once() {
  local listed ports
  listed=$("$OSC" server list -f value -c Networks | grep -oE '10\.99\.[0-9]+\.[0-9]+' | sort)
  ports=$("$OSC" port list --network lan -f value -c "Fixed IP Addresses" | grep -oE '10\.99\.[0-9]+\.[0-9]+' | sort)
  [ "$(echo "$listed" | wc -l)" = "$1" ] && [ -z "$(echo "$listed" | uniq -d)" ] && [ -z "$(echo "$ports" | uniq -d)" ] \
    && [ "$(echo "$ports" | wc -l)" = "$1" ]
}
active_count() { "$OSC" server list -f value -c Status | grep -c ACTIVE; }
wait_active() { for _ in $(seq 1 120); do [ "$(active_count)" = "$1" ] && return 0; sleep 1; done; return 1; }

# The global keyspace's primary (rennes' second port): its revision counter moves once per
# committed transaction, and each leased block is one key.
GLOBAL_REDIS=$((PORT + 1))
global_writes() { redis-cli -p "$GLOBAL_REDIS" get 'luc:{global}:rev'; }
leases() { redis-cli -p "$GLOBAL_REDIS" --scan --pattern 'luc:{global}:k:netblocks/*' | wc -l; }
WRITES_BEFORE=$(global_writes) LEASES_BEFORE=$(leases)
i=0 BURSTS=""
for site in $SITES; do
  OS_AUTH_URL=$(controller $i)/identity/v3 "$OSC" server create --flavor m1.nano --image tiny --network lan \
    --availability-zone "$site" --min 20 --max 20 "burst-$site" > "$OUT.$site" 2>&1 &
  BURSTS="$BURSTS $!" i=$((i + 1))
done
wait $BURSTS  # not a bare `wait`: the lab itself is a child of this shell
check "4 concurrent bursts of 20 (one per site, each through its own controller) acknowledged" '! grep -l "Error\|error" "$OUT".rennes "$OUT".nantes "$OUT".lyon "$OUT".grenoble'
check "80 servers ACTIVE" 'wait_active 80'
check "80 addresses, each held once" 'addresses_once 80'
LEASES=$(( $(leases) - LEASES_BEFORE )) WRITES=$(( $(global_writes) - WRITES_BEFORE ))
echo "global: $WRITES write transactions ($LEASES block leases; the rest periodic capacity summaries) for 80 boots at 4 sites"
check "the bursts leased at most 2 blocks of 16 per site (20 addresses each)" '[ "$LEASES" -le 8 ]'
check "fewer global writes than boots" '[ "$WRITES" -lt 80 ]'

"$LUC" lab partition lyon --state-dir "$STATE" >/dev/null
check "inside lyon: a boot with an address" 'OS_AUTH_URL=$(controller 2)/identity/v3 "$OSC" server create --flavor m1.nano --image tiny --network lan --availability-zone lyon --wait inside-lyon >/dev/null'
check "inside lyon: the server has an address of the /24" 'OS_AUTH_URL=$(controller 2)/identity/v3 "$OSC" server show inside-lyon -f value -c addresses | grep -qE "10\.99\."'
check "outside: rennes boots with an address" '"$OSC" server create --flavor m1.nano --image tiny --network lan --availability-zone rennes --wait outside-rennes >/dev/null'
check "outside: grenoble boots with an address" 'OS_AUTH_URL=$(controller 3)/identity/v3 "$OSC" server create --flavor m1.nano --image tiny --network lan --availability-zone grenoble --wait outside-grenoble >/dev/null'
"$LUC" lab heal --state-dir "$STATE" >/dev/null
check "after heal: 83 servers ACTIVE" 'wait_active 83'
check "after heal: 83 addresses, each held once" 'addresses_once 83'

# A router and a floating IP on lyon's uplink, asked through rennes: the floating IP lives in
# lyon's keyspace and its requests through any site are forwarded to lyon.
check "lyon's external network" '"$OSC" network create --external --availability-zone-hint lyon lyon-public >/dev/null && "$OSC" subnet create --network lyon-public --subnet-range 198.51.100.0/24 --no-dhcp lyon-public-sub >/dev/null'
check "router at lyon, through rennes, with lan-sub and lyon's uplink" '"$OSC" router create --availability-zone-hint lyon r-lyon >/dev/null && "$OSC" router add subnet r-lyon lan-sub && "$OSC" router set --external-gateway lyon-public r-lyon'
FIP=$("$OSC" floating ip create lyon-public -f value -c floating_ip_address 2>/dev/null)
FIP_ID=$("$OSC" floating ip show "$FIP" -f value -c id 2>/dev/null)
LYON_VM=$("$OSC" server list --name "^burst-lyon" -f value -c Name | head -1)
check "floating IP $FIP associated with $LYON_VM through rennes" '[ -n "$FIP" ] && "$OSC" server add floating ip "$LYON_VM" "$FIP" && "$OSC" server show "$LYON_VM" -f value -c addresses | grep -q "$FIP"'
check "the floating IP shown through nantes (forwarded to lyon)" '[ "$(curl -s -o /dev/null -w "%{http_code}" "$(controller 1)/networking/v2.0/floatingips/$FIP_ID" -H "X-Auth-Token: $TOKEN")" = 200 ]'
check "floating IP, router and external network deleted" '"$OSC" floating ip delete "$FIP" && "$OSC" router unset --external-gateway r-lyon && "$OSC" router remove subnet r-lyon lan-sub && "$OSC" router delete r-lyon && "$OSC" network delete lyon-public'

for site in $SITES; do "$OSC" server delete --wait $("$OSC" server list --name "^burst-$site" -f value -c ID) >/dev/null; done
"$OSC" server delete --wait inside-lyon outside-rennes outside-grenoble >/dev/null
check "every server deleted: no port left on the network" '[ -z "$("$OSC" port list --network lan -f value -c ID)" ]'
check "network delete" '"$OSC" network delete lan'
echo "lab-network: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]

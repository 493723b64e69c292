#!/usr/bin/env bash
# The network steps of issue 11 the smoke script does not cover, with the openstack CLI
# against `luc demo`: an external network (admin), a router with the tenant subnet and the
# external gateway, a floating IP on a server (shown in `server show`), `server add/remove
# port`, `network list --long`, `subnet show`, `quota show`; then everything is deleted and
# no port is left. Exits non-zero at the first step that does not do what it should.
set -euo pipefail
OSC=$1
export OS_AUTH_URL=$DEMO_AUTH OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default OS_IDENTITY_API_VERSION=3 \
       OS_REGION_NAME=RegionOne
unset OS_CLOUD OS_TOKEN OS_AUTH_TYPE 2>/dev/null || true
admin() { OS_USERNAME=admin OS_PASSWORD=admin OS_PROJECT_NAME=admin "$OSC" "$@"; }
demo() { OS_USERNAME=demo OS_PASSWORD=demo OS_PROJECT_NAME=demo "$OSC" "$@"; }
fail() { echo "FAIL $*"; exit 1; }
# Output is captured before matching: `cmd | grep -q` would kill cmd early (pipefail).
has() { grep -q -- "$1" <<<"$2"; }
zone=$(demo availability zone list -f value -c "Zone Name" | head -1)

admin network create --external --availability-zone-hint "$zone" osc-public >/dev/null
admin subnet create --network osc-public --subnet-range 198.51.100.0/24 --no-dhcp osc-public-sub >/dev/null
[ "$(admin network show osc-public -f value -c router:external)" = "True" ] || fail "external network"
demo network create osc-net >/dev/null
demo subnet create --network osc-net --subnet-range 10.77.0.0/24 osc-sub >/dev/null
[ "$(demo subnet show osc-sub -f value -c gateway_ip)" = "10.77.0.1" ] || fail "subnet show"
has "osc-public True" "$(demo network list --long -f value -c Name -c "Router Type")" || fail "network list --long"
echo "PASS external and tenant networks"

demo router create osc-router >/dev/null
demo router add subnet osc-router osc-sub
demo router set --external-gateway osc-public osc-router
gw=$(demo router show osc-router -f json -c external_gateway_info | python3 -c 'import json,sys; print(json.load(sys.stdin)["external_gateway_info"]["external_fixed_ips"][0]["ip_address"])')
case "$gw" in 198.51.100.*) ;; *) fail "router gateway address $gw";; esac
has "10.77.0.1'" "$(demo port list --router osc-router -f value -c "Fixed IP Addresses")" || fail "router interface at the gateway"
echo "PASS router with interface and external gateway ($gw)"

demo server create --flavor m1.nano --image cirros-tiny --network osc-net --availability-zone "$zone" --wait osc-vm >/dev/null
fip=$(demo floating ip create osc-public -f value -c floating_ip_address)
demo server add floating ip osc-vm "$fip"
has "$fip" "$(demo server show osc-vm -f value -c addresses)" || fail "floating IP in server show"
[ "$(demo floating ip show "$fip" -f value -c status)" = "ACTIVE" ] || fail "floating IP status"
echo "PASS floating IP $fip on the server"

demo port create --network osc-net osc-port >/dev/null
demo server add port osc-vm osc-port
address=$(demo port show osc-port -f json -c fixed_ips | python3 -c 'import json,sys; print(json.load(sys.stdin)["fixed_ips"][0]["ip_address"])')
has "$address" "$(demo server show osc-vm -f value -c addresses)" || fail "added port's address in server show"
[ "$(demo port show osc-port -f value -c status)" = "ACTIVE" ] || fail "added port bound"
demo server remove port osc-vm osc-port
[ -z "$(demo port show osc-port -f value -c device_id)" ] || fail "removed port still bound"
echo "PASS server add port / remove port"

has "^routers 10$" "$(demo quota show -f value -c Resource -c Limit)" || fail "quota show routers"
has "^floating-ips 50$\|^floating_ips 50$" "$(demo quota show -f value -c Resource -c Limit)" || fail "quota show floating IPs"
echo "PASS quota show with network quotas"

demo server remove floating ip osc-vm "$fip"
demo floating ip delete "$fip"
demo server delete --wait osc-vm
demo port delete osc-port
demo router unset --external-gateway osc-router
demo router remove subnet osc-router osc-sub
demo router delete osc-router
demo network delete osc-net
admin network delete osc-public
[ -z "$(admin port list -f value -c ID)" ] || fail "ports left: $(admin port list -f value -c ID -c device_owner)"
echo "PASS everything deleted, no port left"

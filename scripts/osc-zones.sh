#!/usr/bin/env bash
# As the demo user: boot one server into each availability zone (site) with
# `--availability-zone`, check that each landed in its zone, then delete them.
set -euo pipefail
OSC=$1
export OS_AUTH_URL=$DEMO_AUTH OS_USERNAME=demo OS_PASSWORD=demo OS_PROJECT_NAME=demo \
       OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default OS_IDENTITY_API_VERSION=3 OS_REGION_NAME=RegionOne
unset OS_CLOUD OS_TOKEN OS_AUTH_TYPE 2>/dev/null || true
zones=$("$OSC" availability zone list --compute -f value -c "Zone Name")
for zone in $zones; do
  "$OSC" server create --flavor m1.nano --image cirros-tiny --availability-zone "$zone" --wait "zone-$zone" -f value -c id >/dev/null
  got=$("$OSC" server show "zone-$zone" -f value -c OS-EXT-AZ:availability_zone)
  [ "$got" = "$zone" ] || { echo "zone-$zone landed in $got"; exit 1; }
  echo "PASS server in $zone"
done
for zone in $zones; do "$OSC" server delete --wait "zone-$zone"; done
echo "PASS deleted one server per zone"

#!/usr/bin/env bash
# Real VMs through the openstack CLI: a 2-site demo cloud with the qemu driver (software
# emulation where KVM cannot boot the guest), LUC's guest image built from Debian packages.
#  - the image is created at site A (rennes) and booted at site B (nantes): it travels once,
#    is registered at B, and a second boot at B moves no image bytes;
#  - the console log shows the guest's readiness marker; stop/start, pause/unpause,
#    suspend/resume, soft and hard reboot;
#  - kill -9 of the agent: the VMs keep running and the restarted agent adopts them;
#  - a QEMU killed behind the agent's back: the server goes SHUTOFF and starts again;
#  - a server with a NIC, a keypair and user data: the guest configures eth0, installs the key,
#    runs the script and starts dropbear from its config drive; a port hot-plugged and unplugged;
#  - as root, the data plane (hosts in network namespaces): two servers at two sites ping each
#    other only once a security group rule allows ICMP, and no longer after its deletion; kill -9
#    of an agent tears nothing down and the restarted one adopts its bridges and firewall tables;
#  - a router at rennes (gateway on rennes' uplink public-rennes, interface on the subnet): from
#    rennes' outside namespace `ssh root@<floating ip> hostname` prints the server's name, and
#    the server at nantes reaches the outside through the router's SNAT; a second rennes host
#    joins, the router's host dies: the router is made on the other and answers again;
#  - a volume attached to a running guest that writes a marker on it, detached (the guest
#    releases it), attached to a second server that reads the marker; snapshotted, a volume made
#    from the snapshot shows the marker too; extended; deleted, nothing left in the storage;
#  - boot from volume (--boot-from-volume, --volume, --block-device): the guest's root disk is
#    the volume; the root volume stays or goes with its server as asked;
#  - after deleting: no QEMU process, tap or machine file left (nor device or table in the hosts).
# Usage: qemu-test.sh LUC_BINARY OPENSTACK_BINARY GUEST_DIR ; prints "qemu: N passed, N failed".
set -u -o pipefail
LUC=$1 OSC=$2 GUEST=$3
STATE=$(mktemp -d -t luc-qemu-XXXXXX)
PORT=$((20000 + RANDOM % 10000))
PASSED=0 FAILED=0
check() { if eval "$2"; then PASSED=$((PASSED + 1)); echo "PASS $1"; else FAILED=$((FAILED + 1)); echo "FAIL $1"; fi; }
qemus() { for p in /proc/[0-9]*; do { tr '\0' ' ' < "$p/cmdline"; } 2>/dev/null | grep -q -- "-pidfile $STATE/" && echo "${p#/proc/}"; done; }

"$LUC" demo --sites 2 --hosts-per-site 1 --driver qemu --guest-dir "$GUEST" --state-dir "$STATE" --port "$PORT" > "$STATE/demo.out" 2>&1 &
DEMO=$!
netns_left() { ip netns list 2>/dev/null | awk '{print $1}' | grep "^luc$PORT-"; }
cleanup() {
  kill $DEMO 2>/dev/null; wait $DEMO 2>/dev/null; pkill -f -- "--state-dir $STATE/hosts" 2>/dev/null; for p in $(qemus); do kill -9 "$p"; done
  for n in $(netns_left); do ip netns del "$n"; done; rm -rf "$STATE"
}
trap cleanup EXIT
for _ in $(seq 1 120); do grep -q "cloud is up" "$STATE/demo.out" && break; kill -0 $DEMO 2>/dev/null || break; sleep 1; done
grep -q "cloud is up" "$STATE/demo.out" || { echo "demo did not start"; cat "$STATE/demo.out"; tail -n 20 "$STATE"/logs/*.log; echo "qemu: 0 passed, 1 failed"; exit 1; }
export OS_USERNAME=admin OS_PASSWORD=admin OS_PROJECT_NAME=admin OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default \
       OS_IDENTITY_API_VERSION=3 OS_REGION_NAME=RegionOne OS_AUTH_URL=http://127.0.0.1:$PORT/identity/v3
status() { "$OSC" server show "$1" -f value -c status 2>/dev/null; }
settled() {  # settled NAME STATUS: waits for STATUS with no task in progress
  for _ in $(seq 1 240); do
    [ "$("$OSC" server show "$1" -f json 2>/dev/null | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["status"], d["OS-EXT-STS:task_state"])')" = "$2 None" ] && return 0
    sleep 0.5
  done
  return 1
}
fetched() { grep -h "image fetched from site" "$STATE"/logs/controller-nantes-*.log 2>/dev/null | grep -c "$1"; }

check "luc status shows the hypervisor and its accelerator" '"$LUC" status --state-dir "$STATE" --auth-url "$OS_AUTH_URL" | grep -qE "QEMU \((tcg|kvm)\)"'
check "image create at rennes from the guest disk" '"$OSC" image create --disk-format raw --container-format bare --public --file "$GUEST/luc-guest.raw" guest -f value -c id > "$STATE/image.id"'
IMAGE=$(cat "$STATE/image.id")
check "image is held at rennes only" '"$OSC" image show guest -f json > "$STATE/image.json" 2>&1; grep -q "\"stores\": \"rennes\"" "$STATE/image.json" || { cat "$STATE/image.json"; false; }'
check "server create at nantes (the image travels)" '"$OSC" server create --flavor m1.nano --image guest --availability-zone nantes --wait vm1 >/dev/null'
check "the image was fetched once into nantes" '[ "$(fetched "$IMAGE")" = 1 ]'
check "image show lists both sites" '"$OSC" image show guest -f json > "$STATE/image.json" 2>&1; grep -q "\"stores\": \"rennes,nantes\"" "$STATE/image.json" || { cat "$STATE/image.json"; false; }'
check "second boot at nantes" '"$OSC" server create --flavor m1.nano --image guest --availability-zone nantes --wait vm2 >/dev/null'
check "second boot moved no image bytes between sites" '[ "$(fetched "$IMAGE")" = 1 ]'
check "console log shows the readiness marker" '"$OSC" console log show vm1 | grep -q "luc-guest: ready vm1"'
check "console log --lines 1" '[ "$("$OSC" console log show --lines 1 vm1 | wc -l)" = 1 ]'
check "stop" '"$OSC" server stop vm1 && settled vm1 SHUTOFF'
check "no QEMU for the stopped server" '[ "$(qemus | wc -l)" = 1 ]'
check "start" '"$OSC" server start vm1 && settled vm1 ACTIVE'
check "pause" '"$OSC" server pause vm1 && settled vm1 PAUSED'
check "unpause" '"$OSC" server unpause vm1 && settled vm1 ACTIVE'
check "suspend" '"$OSC" server suspend vm1 && settled vm1 SUSPENDED'
check "resume" '"$OSC" server resume vm1 && settled vm1 ACTIVE'
check "soft reboot" '"$OSC" server reboot vm1 && settled vm1 ACTIVE'
check "hard reboot" '"$OSC" server reboot --hard vm1 && settled vm1 ACTIVE'
check "the guest booted again (marker printed twice more)" '[ "$("$OSC" console log show vm1 | grep -c "luc-guest: ready")" -ge 3 ]'

# kill -9 of the agent: its VMs keep running; a new agent adopts them.
AGENT=$(pgrep -f -- "compute .*--site nantes" | head -1)
ARGS=$(tr '\0' '\n' < /proc/$AGENT/cmdline | tail -n +2 | sed '/^--parent-pid$/,+1d')  # this script is its parent now
BEFORE=$(qemus | sort | tr '\n' ' ')
kill -9 "$AGENT"
sleep 1
check "VMs survive kill -9 of the agent" '[ "$(qemus | sort | tr "\n" " ")" = "$BEFORE" ]'
mapfile -t ARGV <<< "$ARGS"
"$LUC" "${ARGV[@]}" >> "$STATE/logs/compute-nantes-restarted.log" 2>&1 &
check "restarted agent adopts them: pause/unpause work" 'sleep 3; "$OSC" server pause vm2 && settled vm2 PAUSED && "$OSC" server unpause vm2 && settled vm2 ACTIVE'
check "VMs are the same processes" '[ "$(qemus | sort | tr "\n" " ")" = "$BEFORE" ]'

# A QEMU killed behind the agent's back.
VM2_PID=$(for p in $(qemus); do tr '\0' ' ' < /proc/$p/cmdline | grep -q "$("$OSC" server show vm2 -f value -c id)" && echo "$p"; done)
kill -9 "$VM2_PID"
check "server whose QEMU was killed goes SHUTOFF" 'settled vm2 SHUTOFF'
check "and starts again" '"$OSC" server start vm2 && settled vm2 ACTIVE'

# A server with a NIC, a keypair and user data: LUC's guest reads them from its config drive.
console_has() { for _ in $(seq 1 40); do "$OSC" console log show "$1" 2>/dev/null | grep -q -- "$2" && return 0; sleep 0.5; done; return 1; }
check "network and subnet" '"$OSC" network create qnet >/dev/null && "$OSC" subnet create --network qnet --subnet-range 10.88.0.0/24 --dns-nameserver 10.88.0.2 qsub >/dev/null'
ssh-keygen -q -t ed25519 -N "" -f "$STATE/key"
printf '#!/bin/sh\necho user-data-says-hello from $(hostname)\n' > "$STATE/user-data"
check "keypair import" '"$OSC" keypair create --public-key "$STATE/key.pub" qkey >/dev/null'
check "server create with a NIC, a keypair and user data" '"$OSC" server create --flavor m1.nano --image guest --network qnet --key-name qkey --user-data "$STATE/user-data" --availability-zone rennes --wait vm3 >/dev/null'
ADDR=$("$OSC" server show vm3 -f value -c addresses | grep -oE '10\.88\.0\.[0-9]+' | head -1)
check "the guest configured eth0 from network_data.json ($ADDR)" '[ -n "$ADDR" ] && console_has vm3 "luc-guest: eth0 $ADDR/24"'
check "the guest installed the keypair's public key for root" 'console_has vm3 "luc-guest: 1 authorized key(s) for root"'
check "the guest ran the user data script" 'console_has vm3 "user-data-says-hello from vm3"'
check "the guest's SSH server runs" 'console_has vm3 "luc-guest: sshd (dropbear) on port 22"'
check "the server's port is bound and ACTIVE" '[ "$("$OSC" port list --server vm3 -f value -c Status)" = ACTIVE ]'
check "server add port: a second NIC hot-plugged" '"$OSC" port create --network qnet qport >/dev/null && "$OSC" server add port vm3 qport && [ "$("$OSC" port show qport -f value -c status)" = ACTIVE ]'
check "server remove port: unplugged, the port released" '"$OSC" server remove port vm3 qport && [ "$("$OSC" port show qport -f value -c status)" = DOWN ] && "$OSC" port delete qport'

# Volumes (the site's storage: qcow2 files in <data>/<site>/volumes): attached to a running
# guest, written by one server, detached, attached to another that reads the same bytes.
VOLDIR="$STATE/data/nantes/volumes"
printf '#!/bin/sh\nuntil [ -b /dev/vdc ]; do sleep 0.2; done\necho "luc-volume-marker-$(hostname)" > /dev/vdc && sync && echo marker-written\n' > "$STATE/vol-writer"
printf '#!/bin/sh\nwhile true; do\n  until [ -b /dev/vdc ]; do sleep 0.2; done\n  echo "volume-says: $(head -n 1 /dev/vdc)"\n  while [ -b /dev/vdc ]; do sleep 0.2; done\ndone\n' > "$STATE/vol-reader"
check "volume create --size 1 at nantes: available, its file in the site's storage" '"$OSC" volume create --size 1 --availability-zone nantes qvol >/dev/null && for _ in $(seq 1 40); do [ "$("$OSC" volume show qvol -f value -c status)" = available ] && break; sleep 0.25; done && [ "$("$OSC" volume show qvol -f value -c status)" = available ] && ls "$VOLDIR" | grep -q "^$("$OSC" volume show qvol -f value -c id).qcow2$"'
check "writer and reader servers at nantes" '"$OSC" server create --flavor m1.nano --image guest --user-data "$STATE/vol-writer" --availability-zone nantes --wait vw >/dev/null && "$OSC" server create --flavor m1.nano --image guest --user-data "$STATE/vol-reader" --availability-zone nantes --wait vr >/dev/null'
vol_status() { for _ in $(seq 1 60); do [ "$("$OSC" volume show qvol -f value -c status)" = "$1" ] && return 0; sleep 0.25; done; return 1; }
check "server add volume vw qvol: in-use, and the guest saw vdc arrive" 'T0=$(date +%s.%N); "$OSC" server add volume vw qvol && vol_status in-use && awk "BEGIN { printf \"  (in-use %.2f s after the request)\n\", $(date +%s.%N) - $T0 }" && console_has vw "luc-guest: disk vdc add"'
check "the writer wrote its marker on the volume" 'console_has vw marker-written'
check "server show vw lists the volume" '"$OSC" server show vw -f json | grep -q "$("$OSC" volume show qvol -f value -c id)"'
check "server remove volume: the guest released it, the volume is available" '"$OSC" server remove volume vw qvol && vol_status available && console_has vw "luc-guest: disk vdc remove"'
check "attached to the reader, the marker is there" '"$OSC" server add volume vr qvol && vol_status in-use && console_has vr "volume-says: luc-volume-marker-vw"'
check "volume extend refused while in use; detached from the reader" '! "$OSC" volume set --size 2 qvol 2>/dev/null && "$OSC" server remove volume vr qvol && vol_status available && console_has vr "luc-guest: disk vdc remove"'
check "volume snapshot create, volume create --snapshot: the copy is available" '"$OSC" volume snapshot create --volume qvol qsnap >/dev/null && for _ in $(seq 1 40); do [ "$("$OSC" volume snapshot show qsnap -f value -c status)" = available ] && break; sleep 0.25; done && "$OSC" volume create --snapshot qsnap qvol2 >/dev/null && for _ in $(seq 1 40); do [ "$("$OSC" volume show qvol2 -f value -c status)" = available ] && break; sleep 0.25; done && [ "$("$OSC" volume show qvol2 -f value -c status)" = available ]'
check "the volume made from the snapshot, attached to the reader, has the marker too" '"$OSC" server add volume vr qvol2 && for _ in $(seq 1 60); do [ "$("$OSC" console log show vr | grep -c "volume-says: luc-volume-marker-vw")" -ge 2 ] && break; sleep 0.5; done; [ "$("$OSC" console log show vr | grep -c "volume-says: luc-volume-marker-vw")" -ge 2 ]'
check "the reader deleted with qvol2 attached: qvol2 is available again; snapshot and qvol2 deleted" '"$OSC" server delete --wait vr && for _ in $(seq 1 40); do [ "$("$OSC" volume show qvol2 -f value -c status)" = available ] && break; sleep 0.25; done && "$OSC" volume delete qvol2 && "$OSC" volume snapshot delete qsnap && for _ in $(seq 1 40); do [ -z "$(ls "$VOLDIR/snapshots" 2>/dev/null)" ] && break; sleep 0.25; done && [ -z "$(ls "$VOLDIR/snapshots" 2>/dev/null)" ]'
check "volume set --size 2 (extend), then delete: no file left in the storage" '"$OSC" volume set --size 2 qvol && vol_status available && [ "$("$OSC" volume show qvol -f value -c size)" = 2 ] && "$OSC" volume delete qvol && for _ in $(seq 1 40); do [ -z "$(ls "$VOLDIR" | grep -v "^snapshots$")" ] && break; sleep 0.25; done && [ -z "$(ls "$VOLDIR" | grep -v "^snapshots$")" ] && "$OSC" server delete --wait vw'

# Boot from volume: the root disk is a volume made from the image at the site (an overlay over
# the site storage's copy of it), booted through the firmware; the guest reads vda's serial.
booted() { for _ in $(seq 1 120); do "$OSC" console log show "$1" 2>/dev/null | grep -q -- "$2" && return 0; sleep 0.5; done; return 1; }
printf '#!/bin/sh\necho "root-serial: $(cat /sys/block/vda/serial)"\n' > "$STATE/root-serial"
check "server create --boot-from-volume 1 --image guest: the guest boots from its root volume (vda is the volume)" '"$OSC" server create --flavor m1.nano --image guest --boot-from-volume 1 --user-data "$STATE/root-serial" --availability-zone nantes --nic none --wait vbfv >/dev/null && RV=$("$OSC" server show vbfv -f value -c volumes_attached | grep -oE "[0-9a-f-]{36}") && [ "$("$OSC" volume show "$RV" -f value -c status)" = in-use ] && [ "$("$OSC" volume show "$RV" -f value -c bootable)" = True ] && booted vbfv "luc-guest: ready vbfv" && booted vbfv "root-serial: $(echo "$RV" | tr -d - | cut -c1-20)"'
check "its root volume cannot be detached; after server delete it stays, available" '! "$OSC" server remove volume vbfv "$RV" 2>/dev/null && "$OSC" server delete --wait vbfv && for _ in $(seq 1 40); do [ "$("$OSC" volume show "$RV" -f value -c status)" = available ] && break; sleep 0.25; done && [ "$("$OSC" volume show "$RV" -f value -c status)" = available ]'
check "server create --volume: the kept volume boots a new server at its zone" '"$OSC" server create --flavor m1.nano --volume "$RV" --nic none --wait vbfv2 >/dev/null && [ "$("$OSC" server show vbfv2 -f value -c OS-EXT-AZ:availability_zone)" = nantes ] && booted vbfv2 "luc-guest: ready vbfv2"'
check "--block-device source_type=image,destination_type=volume,delete_on_termination=true: the root volume goes with its server" '"$OSC" server create --flavor m1.nano --block-device uuid=$IMAGE,source_type=image,destination_type=volume,volume_size=1,boot_index=0,delete_on_termination=true --availability-zone nantes --nic none --wait vbd >/dev/null && BV=$("$OSC" server show vbd -f value -c volumes_attached | grep -oE "[0-9a-f-]{36}") && booted vbd "luc-guest: ready vbd" && "$OSC" server delete --wait vbd vbfv2 && for _ in $(seq 1 40); do ! "$OSC" volume show "$BV" >/dev/null 2>&1 && break; sleep 0.25; done && ! "$OSC" volume show "$BV" >/dev/null 2>&1'
check "volume delete of the root volume: only the site storage's copy of the image is left" '"$OSC" volume delete "$RV" && for _ in $(seq 1 40); do [ -z "$(ls "$VOLDIR" | grep -vE "^(snapshots|images)$")" ] && break; sleep 0.25; done && [ -z "$(ls "$VOLDIR" | grep -vE "^(snapshots|images)$")" ] && [ "$(ls "$VOLDIR/images")" = "$IMAGE.raw" ]'

# The data plane (root: the demo runs each host in a network namespace of an underlay): two
# servers on qnet at two sites, in a security group with only its default egress rules; the
# first pings the second every second and says so on its console.
# A port lives at its site and takes its address from a block that site leases: pb's address is
# chosen in a block rennes has not taken (rennes holds vm3's block and pa's).
B=$(( ${ADDR##*.} / 16 )); NB=$(( (B + 5) % 16 )); [ "$NB" = 1 ] && NB=2
PB=10.88.0.$(( NB * 16 + 8 ))
pings() { "$OSC" console log show va 2>/dev/null | grep -c "^$1 $PB" || true; }
until_more() {  # until_more KIND COUNT: waits (up to 20 s) for more KIND lines than COUNT; prints the seconds it took
  local start=$(date +%s.%N); for _ in $(seq 1 80); do [ "$(pings "$1")" -gt "$2" ] && { awk "BEGIN { printf \"%.1f\", $(date +%s.%N) - $start }"; return 0; }; sleep 0.25; done; return 1; }
if grep -q "data plane: each host is a network namespace" "$STATE/demo.out"; then
  printf '#!/bin/sh\nwhile true; do if ping -c 1 -W 1 %s >/dev/null 2>&1; then echo "ping-ok %s"; else echo "ping-fail %s"; fi; sleep 1; done\n' "$PB" "$PB" "$PB" > "$STATE/pinger"
  OUTSIDE=198.18.1.1  # rennes' outside namespace, on its uplink LAN (no route to any tenant subnet)
  printf '#!/bin/sh\nwhile true; do if ping -c 1 -W 1 %s >/dev/null 2>&1; then echo "out-ok"; else echo "out-fail"; fi; sleep 1; done\n' "$OUTSIDE" > "$STATE/outpinger"
  check "a security group, two ports with fixed addresses in it (pb made through nantes: a port lives at its site)" '"$OSC" security group create qsg >/dev/null && "$OSC" port create --network qnet --security-group qsg --fixed-ip subnet=qsub,ip-address=10.88.0.21 pa >/dev/null && OS_AUTH_URL=http://127.0.0.1:$((PORT + 1))/identity/v3 "$OSC" port create --network qnet --security-group qsg --fixed-ip subnet=qsub,ip-address=$PB pb >/dev/null'
  check "servers on them at rennes and at nantes" '"$OSC" server create --flavor m1.nano --image guest --port pa --key-name qkey --user-data "$STATE/pinger" --availability-zone rennes va >/dev/null && "$OSC" server create --flavor m1.nano --image guest --port pb --key-name qkey --user-data "$STATE/outpinger" --availability-zone nantes --wait vb >/dev/null && settled va ACTIVE'
  check "the hosts carry qnet: a VXLAN device in each host namespace" '(for h in luc$PORT-s1h1 luc$PORT-s2h1; do ip -n $h -o link show type vxlan | grep -q vx || exit 1; done)'
  check "without an ICMP rule the ping across sites fails" 'console_has va "ping-fail $PB" && [ "$(pings ping-ok)" = 0 ]'
  OK=$(pings ping-ok)
  check "security group rule create --protocol icmp: the ping passes" '"$OSC" security group rule create --protocol icmp qsg >/dev/null && T=$(until_more ping-ok "$OK") && echo "  (first ping-ok after ${T} s)"'
  # kill -9 of rennes' agent (va's host): nothing is torn down, and the restarted agent adopts
  # its bridge, VXLAN device and firewall tables without duplicating any.
  # (va's console is read through that agent: it is counted once the agent is back.)
  OKN=$(pings ping-ok) FAILN=$(pings ping-fail)
  AGENT=$(pgrep -f -- "compute .*--site rennes" | head -1)
  ARGS=$(tr '\0' '\n' < /proc/$AGENT/cmdline | tail -n +2 | sed '/^--parent-pid$/,+1d')
  kill -9 "$AGENT"
  sleep 5
  mapfile -t ARGV <<< "$ARGS"
  "$LUC" "${ARGV[@]}" >> "$STATE/logs/compute-rennes-restarted.log" 2>&1 & disown
  check "agent kill -9: the VMs kept talking while it was gone (no failed ping)" 'sleep 3 && [ "$(pings ping-ok)" -ge $((OKN + 4)) ] && [ "$(pings ping-fail)" = "$FAILN" ]'
  HOST1=luc$PORT-s1h1
  adopted() { [ "$(ip netns exec $HOST1 nft list tables | grep -c " luc-")" = 2 ] && [ "$(bridge -n $HOST1 fdb show | grep -c "^00:00:00:00:00:00")" = 1 ] && ip netns exec $HOST1 nft list ruleset | grep -q "tcp dport 22"; }
  check "restarted agent adopts the data plane: a rule change applies, nothing duplicated" 'for _ in $(seq 1 60); do "$OSC" console log show --lines 1 va >/dev/null 2>&1 && break; sleep 0.5; done; "$OSC" security group rule create --protocol tcp --dst-port 22 qsg >/dev/null && for _ in $(seq 1 20); do adopted && break; sleep 0.5; done; adopted || { ip netns exec $HOST1 nft list tables; bridge -n $HOST1 fdb show | grep "^00:00"; false; }'
  OKN=$(pings ping-ok)
  check "and the VMs still talk" 'until_more ping-ok "$OKN" >/dev/null'
  FAIL=$(pings ping-fail)
  check "rule deleted: the ping fails again" 'R=$("$OSC" security group rule list qsg --protocol icmp -f value -c ID) && "$OSC" security group rule delete $R && until_more ping-fail "$FAIL" >/dev/null && sleep 2.5 && "$OSC" console log show --lines 1 va | grep -q "^ping-fail"'
  # A router at rennes on its uplink and qsub: floating IP for va, SNAT for vb (at nantes).
  OUT=luc$PORT-s1out
  routerns() { ip netns list | awk '{print $1}' | grep -E "^luc$PORT-s1h[0-9]+-r"; }
  check "vb cannot reach the outside without a router" 'console_has vb "out-fail" && ! "$OSC" console log show vb | grep -q out-ok'
  check "router create --external-gateway public-rennes, router add subnet qsub" '"$OSC" router create --external-gateway public-rennes qr >/dev/null && "$OSC" router add subnet qr qsub'
  check "the router runs in a namespace of rennes' host with its two legs" 'for _ in $(seq 1 20); do [ -n "$(routerns)" ] && break; sleep 0.5; done; [ "$(ip -n "$(routerns)" -o link | grep -cE ": q[rg]-")" = 2 ]'
  check "vb at nantes reaches rennes' outside through the router (SNAT: the outside has no route back)" 'console_has vb "out-ok"'
  check "floating ip create public-rennes, server add floating ip va" 'F=$("$OSC" floating ip create public-rennes -f value -c floating_ip_address) && echo "$F" > "$STATE/fip" && "$OSC" server add floating ip va "$F"'
  FIP=$(cat "$STATE/fip" 2>/dev/null)
  check "server show va lists its floating address ($FIP)" '[ -n "$FIP" ] && "$OSC" server show va -f value -c addresses | grep -q "$FIP"'
  sshto() { ip netns exec $OUT ssh -i "$STATE/key" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o ConnectTimeout=3 -o BatchMode=yes "root@$1" hostname 2>/dev/null; }
  answers() { for _ in $(seq 1 "$3"); do [ "$(sshto "$1")" = "$2" ] && return 0; sleep 1; done; return 1; }  # answers FIP NAME SECONDS
  check "from rennes' outside namespace: ssh root@$FIP hostname prints va" 'answers "$FIP" va 20'

  # Failover: a second host joins rennes (another agent); the router's host goes down (its agent
  # killed, its router namespace gone with it, as a dead host's would be): the router is made
  # again on the other host, and a floating IP of vb (at nantes, behind rennes' router) answers
  # again. The host that comes back runs no second copy.
  AGENT1=$(pgrep -f -- "compute .*--site rennes" | head -1)
  mapfile -t ARGV1 < <(tr '\0' '\n' < /proc/$AGENT1/cmdline | tail -n +2 | sed '/^--parent-pid$/,+1d')
  ARGV2=(); NEXT=0; for a in "${ARGV1[@]}"; do if [ $NEXT = 1 ]; then a=127.0.0.1:$((PORT + 150)); NEXT=0; fi; [ "$a" = --listen ] && NEXT=1; ARGV2+=("$a"); done
  "$LUC" "${ARGV2[@]}" --first-host 2 >> "$STATE/logs/compute-rennes-2.log" 2>&1 &
  AGENT2=$!; disown
  up3() { [ "$("$OSC" hypervisor list -f value -c State | grep -c '^up$')" = 3 ]; }
  check "a second host joins rennes (luc compute --first-host 2)" 'for _ in $(seq 1 60); do up3 && break; sleep 0.5; done; up3'
  check "floating IP for vb: ssh from rennes' outside reaches nantes through rennes' router" 'F2=$("$OSC" floating ip create public-rennes -f value -c floating_ip_address) && echo "$F2" > "$STATE/fip2" && "$OSC" server add floating ip vb "$F2" && answers "$F2" vb 20'
  FIP2=$(cat "$STATE/fip2" 2>/dev/null)
  RNS=$(routerns); RH=${RNS#luc$PORT-s1h}; RH=${RH%%-r*}
  if [ "$RH" = 1 ]; then DEAD=$AGENT1; DEADARGS=("${ARGV1[@]}"); else DEAD=$AGENT2; DEADARGS=("${ARGV2[@]}" --first-host 2); fi
  DOWN_AT=$(date +%s.%N); kill -9 "$DEAD"; ip netns del "$RNS"
  check "the router's host (h$RH) goes down: the router is made again on the other rennes host" 'for _ in $(seq 1 60); do [ -n "$(routerns)" ] && [ "$(routerns)" != "$RNS" ] && break; sleep 0.5; done; [ -n "$(routerns)" ] && [ "$(routerns)" != "$RNS" ]'
  check "and vb's floating IP answers ssh again" 'answers "$FIP2" vb 30 && awk "BEGIN { printf \"  (answered again %.1f s after the host went down; its lease lasts 6 s)\n\", $(date +%s.%N) - $DOWN_AT }"'
  "$LUC" "${DEADARGS[@]}" >> "$STATE/logs/compute-rennes-back.log" 2>&1 & disown
  check "the host comes back: still one router at rennes, and vb's floating IP answers" 'sleep 12; [ "$(routerns | wc -l)" = 1 ] && answers "$FIP2" vb 10'
  check "floating IPs, router interface and router deleted: the router's namespace is gone" '"$OSC" floating ip delete "$FIP" "$FIP2" && "$OSC" router remove subnet qr qsub && "$OSC" router delete qr && for _ in $(seq 1 20); do [ -z "$(routerns)" ] && break; sleep 0.5; done; [ -z "$(routerns)" ]'
  check "delete the two servers, ports and the group" '"$OSC" server delete --wait va vb && "$OSC" port delete pa pb && "$OSC" security group delete qsg'
else
  echo "SKIP data plane checks: the demo has no data plane here (needs root)"; grep "data plane" "$STATE/demo.out"
fi

check "delete" '"$OSC" server delete --wait vm1 vm2 vm3 && "$OSC" network delete qnet'
check "no QEMU process left" '[ -z "$(qemus)" ]'
check "no machine files left" '[ -z "$(ls "$STATE"/hosts/*/machines/ 2>/dev/null | grep -v "^/\|^$")" ]'
check "no tap device left" '! ip -o link 2>/dev/null | grep -q " lt[0-9a-f]"'
if [ -n "$(netns_left)" ]; then
  check "no tap, bridge, VXLAN device, router leg or firewall table left in the host namespaces" '(for n in $(netns_left); do ! ip -n $n -o link | grep -qE " (lt|lb|rl)[0-9a-f]+| vx[0-9]" && ! ip netns exec $n nft list tables | grep -q luc- || { ip -n $n -o link; ip netns exec $n nft list tables; exit 1; }; done)'
fi
if [ "$FAILED" -gt 0 ]; then  # what the cloud's processes said, for the failures above
  for log in "$STATE"/logs/*.log; do
    if grep -q "Program crashed\|Fatal error" "$log"; then echo "== $log crashed:"; grep -m5 -A12 "Program crashed\|Fatal error" "$log"; fi
    echo "== tail of $log"; tail -n 15 "$log"
  done
fi
echo "qemu: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]

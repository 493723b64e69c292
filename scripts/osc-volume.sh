#!/usr/bin/env bash
# The block-storage steps of issue 13 the smoke script does not cover, with the openstack CLI
# against `luc demo` (4 sites): volumes from an image, a snapshot and another volume; snapshots;
# extend; revert; volume types; servers booted from a volume (--boot-from-volume, --volume,
# --block-device); a backup kept at another site and restored there; quota and limits; then
# everything is deleted and no volume, snapshot or backup is left. Exits non-zero at the first
# step that does not do what it should; prints one PASS line per step.
set -euo pipefail
OSC=$1
export OS_AUTH_URL=$DEMO_AUTH OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default OS_IDENTITY_API_VERSION=3 \
       OS_REGION_NAME=RegionOne OS_USERNAME=demo OS_PASSWORD=demo OS_PROJECT_NAME=demo
unset OS_CLOUD OS_TOKEN OS_AUTH_TYPE 2>/dev/null || true
o() { "$OSC" "$@"; }
fail() { echo "FAIL $*"; exit 1; }
has() { grep -q -- "$1" <<<"$2"; }
# until_is KIND NAME FIELD VALUE: waits up to 10 s for `KIND show NAME -c FIELD` to be VALUE.
until_is() { for _ in $(seq 1 40); do [ "$(o $1 show "$2" -f value -c "$3" 2>/dev/null)" = "$4" ] && return 0; sleep 0.25; done; return 1; }
gone() { for _ in $(seq 1 40); do o $1 show "$2" >/dev/null 2>&1 || return 0; sleep 0.25; done; return 1; }
read -r home other <<<"$(o availability zone list --volume -f value -c "Zone Name" | head -2 | tr '\n' ' ')"
[ -n "$other" ] || fail "two volume zones: $home $other"

o volume create --image cirros-tiny --size 1 --availability-zone "$home" ov-img >/dev/null
until_is volume ov-img status available || fail "volume create --image"
[ "$(o volume show ov-img -f value -c bootable)" = True ] || fail "a volume from an image is bootable"
has "cirros-tiny" "$(o volume show ov-img -f value -c volume_image_metadata)" || fail "volume_image_metadata"
echo "PASS volume create --image: bootable, with the image's metadata"

o volume create --source ov-img ov-copy >/dev/null && until_is volume ov-copy status available || fail "volume create --source"
o volume snapshot create --volume ov-copy ov-snap >/dev/null && until_is "volume snapshot" ov-snap status available || fail "snapshot create"
has ov-snap "$(o volume snapshot list -f value -c Name)" || fail "snapshot list"
o volume create --snapshot ov-snap ov-fromsnap >/dev/null && until_is volume ov-fromsnap status available || fail "volume create --snapshot"
o volume revert ov-snap && until_is volume ov-copy status available || fail "volume revert"
o volume set --size 2 ov-copy && until_is volume ov-copy size 2 || fail "volume set --size"
has __DEFAULT__ "$(o volume type list -f value -c Name)" || fail "volume type list"
echo "PASS volume create --source/--snapshot, snapshot create/list, revert, extend, type list"

o server create --flavor m1.tiny --image cirros-tiny --boot-from-volume 1 --availability-zone "$home" --nic none --wait ov-bfv >/dev/null
has "booted from volume" "$(o server show ov-bfv -f value -c image)" || fail "server show: booted from volume"
root=$(o server show ov-bfv -f value -c volumes_attached | grep -oE '[0-9a-f-]{36}')
[ "$(o volume show "$root" -f value -c status)" = in-use ] || fail "the root volume is in use"
o server create --flavor m1.tiny --volume ov-img --nic none --wait ov-vol >/dev/null
[ "$(o server show ov-vol -f value -c OS-EXT-AZ:availability_zone)" = "$home" ] || fail "server create --volume: at the volume's zone"
IMG=$(o image show cirros-tiny -f value -c id)
o server create --flavor m1.tiny --block-device uuid=$IMG,source_type=image,destination_type=volume,volume_size=1,boot_index=0,delete_on_termination=true \
  --nic none --wait ov-bd >/dev/null
bd=$(o server show ov-bd -f value -c volumes_attached | grep -oE '[0-9a-f-]{36}')
o server delete --wait ov-bfv ov-vol ov-bd
gone volume "$bd" || fail "delete_on_termination: the root volume went with its server"
until_is volume "$root" status available && until_is volume ov-img status available || fail "kept root volumes are available again"
o volume delete "$root"
echo "PASS server create --boot-from-volume, --volume, --block-device; root volumes kept or deleted as asked"

o volume backup create --availability-zone "$other" --name ov-backup ov-copy >/dev/null
until_is "volume backup" ov-backup status available || fail "backup create"
[ "$(o volume backup show ov-backup -f value -c availability_zone)" = "$other" ] || fail "the backup is kept at $other"
has ov-backup "$(o volume backup list -f value -c Name)" || fail "backup list"
o volume backup restore ov-backup ov-restored >/dev/null && until_is volume ov-restored status available || fail "backup restore"
[ "$(o volume show ov-restored -f value -c availability_zone)" = "$other" ] || fail "restored at the backup's zone"
[ "$(o volume show ov-restored -f value -c size)" = 2 ] || fail "restored with the backup's size"
echo "PASS volume backup create --availability-zone $other, list, restore there"

has backups "$(o quota show -f value -c Resource)" || fail "quota show lists volume quotas"
has total_backups_used "$(o limits show --absolute -f value -c Name)" || fail "limits show --absolute"
echo "PASS quota show and limits show --absolute with volume limits"

o volume backup delete ov-backup && gone "volume backup" ov-backup || fail "backup delete"
o volume snapshot delete ov-snap && gone "volume snapshot" ov-snap || fail "snapshot delete"
o volume delete ov-img ov-copy ov-fromsnap ov-restored
for v in ov-img ov-copy ov-fromsnap ov-restored; do gone volume $v || fail "volume delete $v"; done
left="$(o volume list -f value -c ID -c Name)$(o volume snapshot list -f value -c Name)$(o volume backup list -f value -c Name)"
! has "ov-\|$root\|$bd" "$left" || fail "left behind: $left"
echo "PASS everything deleted: no volume, snapshot or backup left"

#!/usr/bin/env bash
# Builds LUC OS's tiny guest from Debian packages only: the Debian cloud kernel and busybox-static.
#
#   scripts/build-guest-image.sh [OUTDIR]      (default: .build/guest)
#
# Produces in OUTDIR:
#   vmlinuz         the kernel (linux-image-*-cloud-amd64, unpacked, never installed on this host)
#   initrd.img      busybox initramfs: virtio modules, /init
#   luc-guest.raw   a BIOS-bootable disk (FAT + syslinux) holding vmlinuz, initrd.img, syslinux.cfg:
#                   the form uploaded to the image API
#   luc-guest.qcow2 the same disk as qcow2
#
# The guest's /init reads the OpenStack config drive (a FAT disk holding openstack/latest/):
# hostname from meta_data.json, the keypair's public keys into /root/.ssh/authorized_keys,
# every NIC (found by MAC) configured from network_data.json (address, MTU, default route, DNS),
# and runs user_data if it is a script. Without a config drive it takes eth0's address from the
# kernel command line or QEMU's fw_cfg (opt/org.luc/cmdline: luc.ip=ADDR/PREFIX luc.gw=ADDR
# luc.hostname=NAME). It prints "luc-guest: ready" and one "luc-guest: <nic> <address>" line per
# address on the serial console, runs dropbear (Debian's dropbear-bin, with its libraries) for
# root logins by key, answers ACPI power-button events (acpid), reports hot-plugged disks and
# idles without polling.
# Needs: apt-get (download only), dpkg-deb, depmod/modprobe (kmod), cpio, gzip, mtools, dosfstools,
# syslinux, qemu-img. About 10 s with the packages in apt's cache.
set -euo pipefail

OUT=${1:-.build/guest}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
WORK=$(mktemp -d)
chmod 755 "$WORK"
trap 'rm -rf "$WORK"' EXIT

MARKER="luc-guest: ready"
kernel_package() { apt-cache depends linux-image-cloud-amd64 2>/dev/null | awk '/Depends: linux-image-/ {print $2; exit}'; }
KPKG=$(kernel_package)
[ -n "$KPKG" ] || { apt-get update -qq >/dev/null 2>&1; KPKG=$(kernel_package); }
[ -n "$KPKG" ] || { echo "build-guest-image: cannot resolve linux-image-cloud-amd64 (apt-get update?)" >&2; exit 1; }

cd "$WORK"
apt-get download -q -o APT::Sandbox::User=root "$KPKG" busybox-static dropbear-bin libtomcrypt1 libtommath1 libgmp10 libcrypt1 \
  zlib1g libc6 >/dev/null
dpkg-deb -x "$KPKG"_*.deb kernel
dpkg-deb -x busybox-static_*.deb bb
for deb in dropbear-bin_*.deb libtomcrypt1_*.deb libtommath1_*.deb libgmp10_*.deb libcrypt1_*.deb zlib1g_*.deb libc6_*.deb; do dpkg-deb -x "$deb" ssh; done
KVER=$(ls kernel/lib/modules)
cp kernel/boot/vmlinuz-"$KVER" "$OUT/vmlinuz"

# Modules the guest needs, in dependency order as modprobe resolves them.
depmod -b kernel "$KVER"
ROOT=initramfs
mkdir -p $ROOT/{bin,dev,proc,sys,tmp,mnt/config,etc/acpi/PWRF,etc/acpi/PWRB,lib/modules,var/log,root,lib64,lib/x86_64-linux-gnu,etc/dropbear}
: > $ROOT/lib/modules/order
for m in virtio_pci virtio_mmio virtio_blk virtio_net virtio_balloon evdev button qemu_fw_cfg vfat nls_cp437 nls_ascii; do
  modprobe -d kernel -S "$KVER" --show-depends "$m" 2>/dev/null | awk '$1 == "insmod" {print $2}'
done | awk '!seen[$0]++' | while read -r path; do
  name=$(basename "$path")
  case "$name" in
    *.ko.xz) xz -dc "$path" > "$ROOT/lib/modules/${name%.xz}"; name=${name%.xz} ;;
    *.ko.zst) zstd -qdc "$path" > "$ROOT/lib/modules/${name%.zst}"; name=${name%.zst} ;;
    *) cp "$path" "$ROOT/lib/modules/$name" ;;
  esac
  echo "$name" >> $ROOT/lib/modules/order
done

cp bb/bin/busybox $ROOT/bin/busybox
# dropbear and exactly the libraries it links (from the downloaded packages, not this host).
cp ssh/usr/sbin/dropbear $ROOT/bin/dropbear
needed() { objdump -p "$1" 2>/dev/null | awk '$1 == "NEEDED" {print $2}'; }
todo="$(needed ssh/usr/sbin/dropbear) ld-linux-x86-64.so.2"
while [ -n "$todo" ]; do  # the transitive closure of the libraries it needs
  set -- $todo; lib=$1; shift; todo="$*"
  [ -e "$ROOT/lib/x86_64-linux-gnu/$lib" ] && continue
  found=$(find ssh -name "$lib" | head -1)
  [ -n "$found" ] || { echo "build-guest-image: $lib for dropbear not found in the packages" >&2; exit 1; }
  cp -L "$found" "$ROOT/lib/x86_64-linux-gnu/$lib"
  todo="$todo $(needed "$ROOT/lib/x86_64-linux-gnu/$lib")"
done
ln -sf ../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 $ROOT/lib64/ld-linux-x86-64.so.2
printf 'root:x:0:0:root:/root:/bin/sh\n' > $ROOT/etc/passwd
printf 'root:x:0:\n' > $ROOT/etc/group
printf '/bin/sh\n' > $ROOT/etc/shells
# Applet links made here, not by `busybox --install` at boot (0.2 s under emulation).
for applet in $(bb/bin/busybox --list); do [ -e "$ROOT/bin/$applet" ] || ln -s busybox "$ROOT/bin/$applet"; done
# Disks plugged in or out while running are reported on the console (volumes). Device nodes
# come from devtmpfs; busybox `uevent` only runs this for each kernel event (no scan of /sys).
cat > $ROOT/etc/uevent.sh <<'UEVENT'
#!/bin/sh
case "$SUBSYSTEM/$DEVTYPE/$ACTION" in
  block/disk/add|block/disk/remove) echo "luc-guest: disk $DEVNAME $ACTION" > /dev/console ;;
esac
UEVENT
chmod +x $ROOT/etc/uevent.sh
for f in PWRF PWRB; do
  printf '#!/bin/sh\necho "luc-guest: power button, powering off"\nsync\npoweroff -f\n' > "$ROOT/etc/acpi/$f/00000080"
  chmod +x "$ROOT/etc/acpi/$f/00000080"
done
cat > $ROOT/init <<EOF
#!/bin/busybox sh
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
echo "luc-guest: booting \$(uname -r)"
for m in \$(cat /lib/modules/order); do insmod /lib/modules/\$m 2>/dev/null; done
# Free page reporting is ineffective on small guests at the default order.
echo 4 > /sys/module/page_reporting/parameters/page_reporting_order 2>/dev/null
read -r words < /proc/cmdline
read -r extra < /sys/firmware/qemu_fw_cfg/by_name/opt/org.luc/cmdline/raw 2>/dev/null
words="\$words \$extra"
ip= gw= name=luc-guest shown=
for w in \$words; do
  case "\$w" in
    luc.ip=*) ip=\${w#luc.ip=} ;;
    luc.gw=*) gw=\${w#luc.gw=} ;;
    luc.hostname=*) name=\${w#luc.hostname=} ;;
  esac
done
ip link set lo up
# The config drive: the disk whose FAT holds openstack/latest/meta_data.json.
cfg=
for b in /sys/block/vd*; do
  if mount -t vfat -o ro,iocharset=ascii /dev/\${b##*/} /mnt/config 2>/dev/null; then
    [ -f /mnt/config/openstack/latest/meta_data.json ] && { cfg=/mnt/config/openstack/latest; break; }
    umount /mnt/config
  fi
done
if [ -n "\$cfg" ]; then
  echo "luc-guest: config drive \${b##*/}"
  # Our drive's JSON has one item per line; v(k) reads a string or number member of a line.
  parse='function v(k,  i, r) { i = index(\$0, "\\"" k "\\": "); if (!i) return "-"; r = substr(\$0, i + length(k) + 4)
    if (substr(r, 1, 1) == "\\"") { r = substr(r, 2); return substr(r, 1, index(r, "\\"") - 1) }
    match(r, /^[0-9]+/); return substr(r, 1, RLENGTH) }'
  h=\$(awk "\$parse"' /^"hostname": / { print v("hostname") }' \$cfg/meta_data.json)
  [ -n "\$h" ] && name=\$h
  keys=\$(awk '/^"public_keys": \\{\$/ { k = 1; next } k && /^\\}/ { k = 0 } k { sub(/^"[^"]*": "/, ""); sub(/"\$/, ""); print }' \$cfg/meta_data.json)
  if [ -n "\$keys" ]; then
    mkdir -p /root/.ssh && echo "\$keys" > /root/.ssh/authorized_keys && chmod 700 /root/.ssh && chmod 600 /root/.ssh/authorized_keys
    echo "luc-guest: \$(echo "\$keys" | wc -l) authorized key(s) for root"
  fi
  awk "\$parse"' /"ethernet_mac_address"/ { print "link", v("id"), v("ethernet_mac_address"), v("mtu") }
    /"ip_address"/ { print "net", v("link"), v("ip_address"), v("netmask"), v("gateway") }
    /"type": "dns"/ { n = split(\$0, parts, "\\"address\\": \\""); for (i = 2; i <= n; i++) print "dns", substr(parts[i], 1, index(parts[i], "\\"") - 1) }' \
    \$cfg/network_data.json > /tmp/network
  : > /tmp/links
  while read -r kind a b c d; do
    case \$kind in
      link)
        for n in /sys/class/net/*; do
          [ "\$(cat \$n/address)" = "\$b" ] || continue
          echo "\$a \${n##*/}" >> /tmp/links
          [ "\$c" != - ] && ip link set \${n##*/} mtu \$c
          ip link set \${n##*/} up
        done ;;
      net)
        dev=\$(awk -v l="\$a" '\$1 == l { print \$2 }' /tmp/links)
        [ -n "\$dev" ] || continue
        eval \$(ipcalc -p "\$b" "\$c")
        ip addr add "\$b/\$PREFIX" dev "\$dev"
        [ "\$d" != - ] && ip route add default via "\$d" 2>/dev/null
        shown="\$shown \$dev=\$b/\$PREFIX"
        echo "luc-guest: \$dev \$b/\$PREFIX" ;;
      dns) echo "nameserver \$a" >> /etc/resolv.conf ;;
    esac
  done < /tmp/network
elif [ -n "\$ip" ] && ip link show eth0 >/dev/null 2>&1; then
  ip addr add "\$ip" dev eth0
  ip link set eth0 up
  shown=\$ip
  [ -n "\$gw" ] && ip route add default via "\$gw"
fi
hostname "\$name"
mkdir -p /dev/pts && mount -t devpts devpts /dev/pts
if dropbear -R -p 22 2>/tmp/dropbear.err; then echo "luc-guest: sshd (dropbear) on port 22"; else echo "luc-guest: sshd failed: \$(cat /tmp/dropbear.err)"; fi
acpid -c /etc/acpi -l /var/log/acpid.log
uevent /etc/uevent.sh &
echo "$MARKER \$name\$shown"
if [ -n "\$cfg" ] && [ "\$(head -c 2 \$cfg/user_data 2>/dev/null)" = "#!" ]; then
  cp \$cfg/user_data /tmp/user_data && chmod +x /tmp/user_data
  (/tmp/user_data > /dev/console 2>&1; echo "luc-guest: user_data exited \$?") &
fi
while :; do sleep 3600; done
EOF
chmod +x $ROOT/init
(cd $ROOT && find . | cpio -o -H newc --quiet | gzip -9) > "$OUT/initrd.img"

# The disk: FAT with syslinux, so BIOS boots it; the QEMU driver boots its kernel directly.
cat > syslinux.cfg <<EOF
DEFAULT luc
PROMPT 0
TIMEOUT 0
LABEL luc
  KERNEL vmlinuz
  INITRD initrd.img
  APPEND console=ttyS0 quiet tsc=reliable cryptomgr.notests
EOF
rm -f "$OUT/luc-guest.raw"
mkfs.vfat -C -n LUCGUEST "$OUT/luc-guest.raw" 24576 >/dev/null
syslinux --install "$OUT/luc-guest.raw"
mcopy -i "$OUT/luc-guest.raw" "$OUT/vmlinuz" "$OUT/initrd.img" syslinux.cfg ::/
qemu-img convert -f raw -O qcow2 "$OUT/luc-guest.raw" "$OUT/luc-guest.qcow2"
echo "$KVER" > "$OUT/kernel-version"
echo "guest image in $OUT: kernel $KVER, initrd $(stat -c %s "$OUT/initrd.img") bytes, disk $(stat -c %s "$OUT/luc-guest.raw") bytes"

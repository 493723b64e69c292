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
# The guest's /init prints "luc-guest: ready" on the serial console once eth0 is configured
# from the kernel command line or from QEMU's fw_cfg (opt/org.luc/cmdline): words
# luc.ip=ADDR/PREFIX luc.gw=ADDR luc.hostname=NAME. It answers ACPI power-button events
# (acpid), loads hot-plugged disks (mdev -d) and idles without polling.
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
apt-get download -q -o APT::Sandbox::User=root "$KPKG" busybox-static >/dev/null
dpkg-deb -x "$KPKG"_*.deb kernel
dpkg-deb -x busybox-static_*.deb bb
KVER=$(ls kernel/lib/modules)
cp kernel/boot/vmlinuz-"$KVER" "$OUT/vmlinuz"

# Modules the guest needs, in dependency order as modprobe resolves them.
depmod -b kernel "$KVER"
ROOT=initramfs
mkdir -p $ROOT/{bin,dev,proc,sys,tmp,etc/acpi/PWRF,etc/acpi/PWRB,lib/modules,var/log,root}
: > $ROOT/lib/modules/order
for m in virtio_pci virtio_mmio virtio_blk virtio_net virtio_balloon evdev button qemu_fw_cfg; do
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
hostname "\$name"
ip link set lo up
if [ -n "\$ip" ] && ip link show eth0 >/dev/null 2>&1; then
  ip addr add "\$ip" dev eth0
  ip link set eth0 up
  shown=\$ip
  [ -n "\$gw" ] && ip route add default via "\$gw"
fi
acpid -c /etc/acpi -l /var/log/acpid.log
uevent /etc/uevent.sh &
echo "$MARKER \$name \$shown"
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

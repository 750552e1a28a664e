# consentwall: lines for the device's BoardConfig.mk.
#
# The module, built for the device's GKI kernel (Kleaf: kmod/BUILD.bazel;
# or make -C $KERNEL_OUT M=... as TARGET_KERNEL_EXT_MODULES does), goes
# into the vendor ramdisk and is loaded by first-stage init, so the
# handset is never on a network without it.
BOARD_VENDOR_RAMDISK_KERNEL_MODULES += $(KERNEL_MODULES_OUT)/consentwall.ko
BOARD_VENDOR_RAMDISK_KERNEL_MODULES_LOAD += consentwall.ko
# consentd's SELinux domain
BOARD_VENDOR_SEPOLICY_DIRS += vendor/consentwall/userspace/android/sepolicy

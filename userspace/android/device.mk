# consentwall: lines for the device's device.mk (product makefile).
PRODUCT_PACKAGES += \
    consentd \
    consentctl \
    consentd.conf \
    consentwall_rules

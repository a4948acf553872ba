# SPDX-License-Identifier: Apache-2.0
# The portable core's source lists, one per component. Every build of the
# core (host libraries, fuzz builds, firmware ports) takes them from here, so
# a file moved between components is moved in one place.
#
#   common   error texts, flash area helpers, RAM flash device
#   boot     what a bootloader links: image format, swap, status, counter, boot decision
#            (boot/plain/: the variant of a bootloader without decryption)
#   app      what an application links: confirm/trial, HTTP client, manifest, update agent
#   storage  block devices, SD over SPI, FAT12/16/32
#   card     the update.bin card flow (bootloader side) and the agent's download to a card
#   crypto   the crypto seam's BearSSL backend: FERRY_CRYPTO_BASE_SRC (SHA-256, ferry_ct_memcmp)
#            and FERRY_P256_BEARSSL_SRC (ferry_p256_verify over BearSSL, the default)
#   p256     Ferry's own verify-only P-256 (docs/p256.md), not in FERRY_ALL_SRC: a build
#            that picks it compiles, in place of FERRY_P256_BEARSSL_SRC, FERRY_P256_OWN_SRC
#            (fastest: written-out field multiply, 2 KiB table of G) or
#            FERRY_P256_OWN_SMALL_SRC (smallest: loops, no table); any pairing of one
#            p256_fe_mul_*.c with one p256_gtab_*.c also works
#   crypto_enc  encrypted images' crypto (ECIES unwrap, AES-CTR; include/ferry/crypto_enc.h):
#            not part of FERRY_ALL_SRC; a build that offers encrypted images adds
#            FERRY_CRYPTO_ENC_SRC next to FERRY_CRYPTO_SRC (it calls ferry_ct_memcmp)
set(FERRY_SRC_DIR ${CMAKE_CURRENT_LIST_DIR})
foreach(part common boot app storage card)
  string(TOUPPER ${part} PART)
  file(GLOB FERRY_${PART}_SRC CONFIGURE_DEPENDS ${FERRY_SRC_DIR}/${part}/*.c)
endforeach()
set(FERRY_CRYPTO_BASE_SRC ${FERRY_SRC_DIR}/crypto/bearssl.c)
set(FERRY_P256_BEARSSL_SRC ${FERRY_SRC_DIR}/crypto/bearssl_p256.c)
set(FERRY_CRYPTO_SRC ${FERRY_CRYPTO_BASE_SRC} ${FERRY_P256_BEARSSL_SRC})
set(ferry_p256_core ${FERRY_SRC_DIR}/crypto/p256/p256_fe.c ${FERRY_SRC_DIR}/crypto/p256/p256_sc.c
    ${FERRY_SRC_DIR}/crypto/p256/p256_point.c ${FERRY_SRC_DIR}/crypto/p256/p256_verify.c)
set(FERRY_P256_OWN_SRC ${ferry_p256_core} ${FERRY_SRC_DIR}/crypto/p256/p256_fe_mul_comba.c
    ${FERRY_SRC_DIR}/crypto/p256/p256_gtab_const.c)
set(FERRY_P256_OWN_SMALL_SRC ${ferry_p256_core} ${FERRY_SRC_DIR}/crypto/p256/p256_fe_mul_loop.c
    ${FERRY_SRC_DIR}/crypto/p256/p256_gtab_ram.c)
# A bootloader that cannot decrypt links these before the core (they replace
# boot/image_enc.c and boot/boot_crypt.c: encrypted images are refused).
set(FERRY_BOOT_PLAIN_SRC ${FERRY_SRC_DIR}/boot/plain/image_enc_none.c
    ${FERRY_SRC_DIR}/boot/plain/boot_crypt_none.c)
set(FERRY_CRYPTO_ENC_SRC ${FERRY_SRC_DIR}/crypto/bearssl_enc.c ${FERRY_SRC_DIR}/crypto/decrypt_sw.c)
set(FERRY_ALL_SRC ${FERRY_COMMON_SRC} ${FERRY_BOOT_SRC} ${FERRY_APP_SRC} ${FERRY_STORAGE_SRC}
    ${FERRY_CARD_SRC} ${FERRY_CRYPTO_SRC})
# The public headers (include/ferry/*.h), the usage requirement of every component.
get_filename_component(FERRY_INCLUDE_DIR ${FERRY_SRC_DIR}/../include ABSOLUTE)
# Private headers (*_priv.h) are found through these.
set(FERRY_PRIV_INCLUDE_DIRS ${FERRY_SRC_DIR}/boot ${FERRY_SRC_DIR}/app ${FERRY_SRC_DIR}/storage
    ${FERRY_SRC_DIR}/card)

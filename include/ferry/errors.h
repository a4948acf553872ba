/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ferry: one error space for the whole project.
 *
 * Every function that can fail returns an int: 0 on success, a negative
 * FERRY_E_* value on failure. Positive values are free for counts.
 *
 * The groups matter to callers:
 *  - I/O errors (the storage failed) are distinct from CORRUPT/INVALID (the
 *    storage worked but the bytes are wrong). A boot decision treats them
 *    differently: an I/O error is retried or reported, corrupt data is rejected.
 *  - Image errors name exactly what is wrong with an image, so the CLI and the
 *    bootloader can print one precise line.
 */
#ifndef FERRY_ERRORS_H
#define FERRY_ERRORS_H

enum ferry_err {
    FERRY_OK = 0,

    /* Generic */
    FERRY_E_IO = -1,          /* the storage device reported a failure */
    FERRY_E_CORRUPT = -2,     /* data read back is structurally invalid */
    FERRY_E_INVAL = -3,       /* a caller passed an invalid argument */
    FERRY_E_ALIGN = -4,       /* address or length breaks the device's alignment */
    FERRY_E_RANGE = -5,       /* address or length outside the device or area */
    FERRY_E_NOT_ERASED = -6,  /* program over bytes that are not erased */
    FERRY_E_NOSPC = -7,       /* no room left (area, log, buffer) */
    FERRY_E_POWER_LOSS = -8,  /* simulator: power was cut during this operation */
    FERRY_E_NOT_FOUND = -9,   /* nothing there (no image, no record) */
    FERRY_E_UNSUPPORTED = -10,/* the device or build does not offer this */
    FERRY_E_TIMEOUT = -11,    /* a device or peer did not answer in time */
    FERRY_E_LOCKED = -12,     /* flash region write-locked until the next reset */

    /* Image format and verification (docs/image-format.md) */
    FERRY_E_IMG_MAGIC = -20,      /* no Ferry image magic at the slot start */
    FERRY_E_IMG_FORMAT = -21,     /* unknown format version */
    FERRY_E_IMG_HEADER = -22,     /* header fields inconsistent (sizes, reserved bits) */
    FERRY_E_IMG_TLV = -23,        /* metadata entry malformed, duplicated or overlapping */
    FERRY_E_IMG_CRITICAL = -24,   /* unknown critical metadata entry */
    FERRY_E_IMG_TOO_BIG = -25,    /* image does not fit the slot */
    FERRY_E_IMG_TRUNCATED = -26,  /* image file ends before its trailer does */
    FERRY_E_IMG_TRAILING = -27,   /* image file has bytes after its trailer */
    FERRY_E_IMG_TRAILER = -28,    /* trailer magic, size or signature type wrong */
    FERRY_E_IMG_DIGEST = -29,     /* SHA-256 of the protected bytes does not match */
    FERRY_E_IMG_KEY = -30,        /* signed by a key this verifier does not trust */
    FERRY_E_IMG_SIGNATURE = -31,  /* signature does not verify */
    FERRY_E_IMG_VENDOR = -32,     /* vendor ID is not this device's vendor */
    FERRY_E_IMG_CLASS = -33,      /* device class ID is not this device's class */
    FERRY_E_IMG_DOWNGRADE = -34,  /* version not newer than the running image */
    FERRY_E_IMG_ROLLBACK = -35,   /* security counter below the stored minimum */
    FERRY_E_IMG_MISSING = -36,    /* a required metadata entry is absent */
    FERRY_E_IMG_REVERTED = -37,   /* this image ran on trial, was not confirmed and was reverted */
    FERRY_E_IMG_CHANGED = -38,    /* the image read back differently the second time (flash
                                     that changes between reads, or an interposer on its bus) */
    FERRY_E_KEY_REVOKED = -39,    /* signed by a key revoked on this device (docs/keys.md) */

    /* Boot */
    FERRY_E_NO_IMAGE = -40,       /* no bootable image anywhere: stay in the bootloader */
    FERRY_E_STATE = -41,          /* boot status area holds an impossible state */
    FERRY_E_IMG_REVOKES_SIGNER = -42, /* the image would revoke the key that signed it */
    FERRY_E_IMG_KEYWRAP = -43,    /* encrypted image: its content key does not unwrap with this
                                     device's class key (encrypted for another key, or altered;
                                     docs/encryption-crypto.md) */
    FERRY_E_IMG_ENC_KEY = -44,    /* encrypted image for a class key this device does not
                                     hold, or a device with no class key (docs/encryption.md) */
    FERRY_E_IMG_CIPHERTEXT = -45, /* encrypted payload does not hash to its signed digest */
    FERRY_E_IMG_PLAINTEXT = -46,  /* payload (decrypted, or in the primary slot) does not hash
                                     to its signed plaintext digest */
    FERRY_E_IMG_PLAIN = -47,      /* the device requires encrypted images; this one is not */

    /* Network download (docs/http.md) */
    FERRY_E_HTTP_STATUS = -50,    /* server answered with a non-2xx status */
    FERRY_E_HTTP_PROTO = -51,     /* malformed or unacceptable HTTP response */
    FERRY_E_HTTP_LENGTH = -52,    /* body length differs from what was announced, or bad chunking */
    FERRY_E_HTTP_REDIRECTS = -53, /* too many redirects, or a redirect that is refused */
    FERRY_E_TLS = -54,            /* TLS handshake failed or the certificate was refused */
    FERRY_E_DEADLINE = -55,       /* the overall deadline of a check or download passed */

    /* Update agent (docs/agent.md) */
    FERRY_E_MANIFEST = -60,       /* release manifest malformed (JSON, types, ranges, path) */
    FERRY_E_MANIFEST_SIG = -61,   /* manifest signature missing, by an untrusted key, or invalid */
    FERRY_E_NO_UPDATE = -62,      /* the release is not newer than the running image */
    FERRY_E_BUSY = -63,           /* a trial image is pending: confirm it before downloading */
    FERRY_E_MANIFEST_REPLAY = -64,/* manifest sequence below the highest one accepted here */
    FERRY_E_MANIFEST_EXPIRED = -65,/* manifest past its "expires" time */
    FERRY_E_CANCELLED = -66,      /* the application cancelled (its progress callback said stop) */

    /* FAT filesystem (docs/fat.md) */
    FERRY_E_FAT_NOFS = -70,       /* no FAT volume on the device, bare or in an MBR partition */
    FERRY_E_FAT_FULL = -71,       /* no free cluster or directory entry left on the volume */

    /* SD card in SPI mode (docs/sd-card.md) */
    FERRY_E_SD_NOCARD = -72,      /* no card answers on the bus (none inserted, or no power) */
    FERRY_E_SD_PROTO = -73,       /* the card answered, but not as the SD protocol says */

    /* TLS transport (docs/tls.md) */
    FERRY_E_ENTROPY = -74,        /* no entropy source given, or it failed: TLS refuses to start */
};

/* Short, stable, human-readable text for an error code ("ok" for 0). Never NULL. */
const char *ferry_strerror(int err);

#endif

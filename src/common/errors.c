/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Text for the project-wide error codes (include/ferry/errors.h).
 *
 * The strings are part of the user interface (the CLI and the bootloader
 * print them as one line), so keep them short, lowercase and stable.
 */
#include "ferry/errors.h"

const char *ferry_strerror(int err)
{
    switch (err) {
    case FERRY_OK:               return "ok";

    case FERRY_E_IO:             return "i/o error";
    case FERRY_E_CORRUPT:        return "data corrupt";
    case FERRY_E_INVAL:          return "invalid argument";
    case FERRY_E_ALIGN:          return "misaligned address or length";
    case FERRY_E_RANGE:          return "address out of range";
    case FERRY_E_NOT_ERASED:     return "target not erased";
    case FERRY_E_NOSPC:          return "no space left";
    case FERRY_E_POWER_LOSS:     return "power lost";
    case FERRY_E_NOT_FOUND:      return "not found";
    case FERRY_E_UNSUPPORTED:    return "not supported";
    case FERRY_E_TIMEOUT:        return "timed out";
    case FERRY_E_LOCKED:         return "flash region write-locked until reset";

    case FERRY_E_IMG_MAGIC:      return "no image magic";
    case FERRY_E_IMG_FORMAT:     return "unknown image format version";
    case FERRY_E_IMG_HEADER:     return "image header inconsistent";
    case FERRY_E_IMG_TLV:        return "image metadata malformed";
    case FERRY_E_IMG_CRITICAL:   return "unknown critical image metadata";
    case FERRY_E_IMG_TOO_BIG:    return "image does not fit the slot";
    case FERRY_E_IMG_TRUNCATED:  return "image truncated";
    case FERRY_E_IMG_TRAILING:   return "bytes after image trailer";
    case FERRY_E_IMG_TRAILER:    return "image trailer invalid";
    case FERRY_E_IMG_DIGEST:     return "image digest mismatch";
    case FERRY_E_IMG_KEY:        return "image signed by untrusted key";
    case FERRY_E_IMG_SIGNATURE:  return "image signature invalid";
    case FERRY_E_IMG_VENDOR:     return "image vendor mismatch";
    case FERRY_E_IMG_CLASS:      return "image device class mismatch";
    case FERRY_E_IMG_DOWNGRADE:  return "image version not newer";
    case FERRY_E_IMG_ROLLBACK:   return "image security counter too low";
    case FERRY_E_IMG_MISSING:    return "required image metadata missing";
    case FERRY_E_IMG_REVERTED:   return "image was reverted after a failed trial";
    case FERRY_E_KEY_REVOKED:    return "signed by a key revoked on this device";
    case FERRY_E_IMG_REVOKES_SIGNER: return "image would revoke its own signing key";
    case FERRY_E_IMG_KEYWRAP:    return "image key does not unwrap with this device's key";
    case FERRY_E_IMG_ENC_KEY:    return "encrypted for a class key this device does not hold";
    case FERRY_E_IMG_CIPHERTEXT: return "encrypted payload does not match its signed digest";
    case FERRY_E_IMG_PLAINTEXT:  return "decrypted payload does not match its signed digest";
    case FERRY_E_IMG_PLAIN:      return "image is not encrypted, and this device requires it";
    case FERRY_E_IMG_CHANGED:    return "image read back differently (flash changed between reads)";

    case FERRY_E_NO_IMAGE:       return "no bootable image";
    case FERRY_E_STATE:          return "boot state invalid";

    case FERRY_E_HTTP_STATUS:    return "http error status";
    case FERRY_E_HTTP_PROTO:     return "malformed http response";
    case FERRY_E_HTTP_LENGTH:    return "http body length mismatch";
    case FERRY_E_HTTP_REDIRECTS: return "too many or refused redirects";
    case FERRY_E_TLS:            return "tls handshake or certificate refused";
    case FERRY_E_DEADLINE:       return "overall deadline passed";

    case FERRY_E_MANIFEST:       return "release manifest malformed";
    case FERRY_E_MANIFEST_SIG:   return "release manifest signature invalid";
    case FERRY_E_NO_UPDATE:      return "no newer release";
    case FERRY_E_BUSY:           return "trial image pending: confirm first";
    case FERRY_E_MANIFEST_REPLAY: return "release manifest older than one already seen";
    case FERRY_E_MANIFEST_EXPIRED: return "release manifest expired";
    case FERRY_E_CANCELLED:      return "cancelled by the application";

    case FERRY_E_FAT_NOFS:       return "no fat filesystem";
    case FERRY_E_FAT_FULL:       return "fat volume full";

    case FERRY_E_SD_NOCARD:      return "no sd card";
    case FERRY_E_SD_PROTO:       return "sd card protocol error";

    case FERRY_E_ENTROPY:        return "no entropy source, or it failed";
    }
    return "unknown error";
}

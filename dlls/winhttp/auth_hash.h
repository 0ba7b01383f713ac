/* MD5 (RFC 1321) and SHA-256 (FIPS 180-4), the hashes of HTTP Digest
 * authentication (RFC 7616), and SHA-1 (FIPS 180-4), which the WebSocket
 * handshake's Sec-WebSocket-Accept is made of (RFC 6455 section 4.1).
 * Pure C, so that they are computed and unit tested on the host exactly as
 * the DLL computes them; no hash protects a secret here beyond what the
 * protocol itself gives. */
#ifndef WINHTTP_AUTH_HASH_H
#define WINHTTP_AUTH_HASH_H

#include <stddef.h>
#include <stdint.h>

#define AUTH_HASH_MAX 32        /* bytes of the longest digest */

enum auth_hash_kind { AUTH_HASH_MD5, AUTH_HASH_SHA256, AUTH_HASH_SHA1 };

struct auth_hash
{
    enum auth_hash_kind kind;
    uint32_t state[8];
    uint64_t length;            /* bytes hashed so far */
    unsigned char block[64];
    size_t used;
};

void auth_hash_init(struct auth_hash *hash, enum auth_hash_kind kind);
void auth_hash_update(struct auth_hash *hash, const void *data, size_t len);
/* Writes the digest (16, 32 or 20 bytes) and returns its length. */
size_t auth_hash_final(struct auth_hash *hash, unsigned char *out);

#endif

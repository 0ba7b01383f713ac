/* MD5, SHA-256 and SHA-1: see auth_hash.h.  All take 64-byte blocks and pad
 * the same way; MD5 differs in the byte order of words and of the length. */
#include <string.h>

#include "auth_hash.h"

static uint32_t rotl(uint32_t x, unsigned n) { return (x << n) | (x >> (32 - n)); }
static uint32_t rotr(uint32_t x, unsigned n) { return (x >> n) | (x << (32 - n)); }

/* ---- MD5 (RFC 1321, section 3.4) ---- */

static const uint32_t md5_k[64] =
{
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
    0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
    0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
    0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
    0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
};
static const unsigned char md5_shift[16] = { 7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21 };

static void md5_block(uint32_t *s, const unsigned char *p)
{
    uint32_t m[16], a = s[0], b = s[1], c = s[2], d = s[3];

    for (int i = 0; i < 16; i++)
        m[i] = p[4 * i] | (uint32_t)p[4 * i + 1] << 8 | (uint32_t)p[4 * i + 2] << 16 | (uint32_t)p[4 * i + 3] << 24;
    for (int i = 0; i < 64; i++)
    {
        int round = i / 16, g;
        uint32_t f, t;

        if (round == 0) { f = (b & c) | (~b & d); g = i; }
        else if (round == 1) { f = (d & b) | (~d & c); g = (5 * i + 1) % 16; }
        else if (round == 2) { f = b ^ c ^ d; g = (3 * i + 5) % 16; }
        else { f = c ^ (b | ~d); g = (7 * i) % 16; }
        t = d;
        d = c;
        c = b;
        b = b + rotl(a + f + md5_k[i] + m[g], md5_shift[round * 4 + i % 4]);
        a = t;
    }
    s[0] += a; s[1] += b; s[2] += c; s[3] += d;
}

/* ---- SHA-256 (FIPS 180-4, section 6.2) ---- */

static const uint32_t sha256_k[64] =
{
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static void sha256_block(uint32_t *s, const unsigned char *p)
{
    uint32_t w[64], v[8];

    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 64; i++)
    {
        uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    memcpy(v, s, sizeof(v));
    for (int i = 0; i < 64; i++)
    {
        uint32_t e1 = rotr(v[4], 6) ^ rotr(v[4], 11) ^ rotr(v[4], 25);
        uint32_t ch = (v[4] & v[5]) ^ (~v[4] & v[6]);
        uint32_t t1 = v[7] + e1 + ch + sha256_k[i] + w[i];
        uint32_t e0 = rotr(v[0], 2) ^ rotr(v[0], 13) ^ rotr(v[0], 22);
        uint32_t maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);

        memmove(v + 1, v, 7 * sizeof(uint32_t));
        v[4] += t1;
        v[0] = t1 + e0 + maj;
    }
    for (int i = 0; i < 8; i++) s[i] += v[i];
}

/* ---- SHA-1 (FIPS 180-4, section 6.1) ---- */

static void sha1_block(uint32_t *s, const unsigned char *p)
{
    uint32_t w[80], a = s[0], b = s[1], c = s[2], d = s[3], e = s[4];

    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 80; i++) w[i] = rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    for (int i = 0; i < 80; i++)
    {
        uint32_t f, k, t;

        if (i < 20) { f = (b & c) | (~b & d); k = 0x5a827999; }
        else if (i < 40) { f = b ^ c ^ d; k = 0x6ed9eba1; }
        else if (i < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8f1bbcdc; }
        else { f = b ^ c ^ d; k = 0xca62c1d6; }
        t = rotl(a, 5) + f + e + k + w[i];
        e = d;
        d = c;
        c = rotl(b, 30);
        b = a;
        a = t;
    }
    s[0] += a; s[1] += b; s[2] += c; s[3] += d; s[4] += e;
}

/* ---- all ---- */

static void run_block(struct auth_hash *hash, const unsigned char *block)
{
    if (hash->kind == AUTH_HASH_MD5) md5_block(hash->state, block);
    else if (hash->kind == AUTH_HASH_SHA1) sha1_block(hash->state, block);
    else sha256_block(hash->state, block);
}

void auth_hash_init(struct auth_hash *hash, enum auth_hash_kind kind)
{
    static const uint32_t md5_init[4] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476 };
    static const uint32_t sha256_init[8] =
        { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
    static const uint32_t sha1_init[5] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0 };

    memset(hash, 0, sizeof(*hash));
    hash->kind = kind;
    if (kind == AUTH_HASH_MD5) memcpy(hash->state, md5_init, sizeof(md5_init));
    else if (kind == AUTH_HASH_SHA1) memcpy(hash->state, sha1_init, sizeof(sha1_init));
    else memcpy(hash->state, sha256_init, sizeof(sha256_init));
}

void auth_hash_update(struct auth_hash *hash, const void *data, size_t len)
{
    const unsigned char *p = data;

    hash->length += len;
    while (len)
    {
        size_t take = 64 - hash->used < len ? 64 - hash->used : len;
        memcpy(hash->block + hash->used, p, take);
        hash->used += take;
        p += take;
        len -= take;
        if (hash->used == 64)
        {
            run_block(hash, hash->block);
            hash->used = 0;
        }
    }
}

size_t auth_hash_final(struct auth_hash *hash, unsigned char *out)
{
    uint64_t bits = hash->length * 8;
    size_t words = hash->kind == AUTH_HASH_MD5 ? 4 : hash->kind == AUTH_HASH_SHA1 ? 5 : 8;
    unsigned char pad = 0x80, zero = 0, length[8];

    auth_hash_update(hash, &pad, 1);
    while (hash->used != 56) auth_hash_update(hash, &zero, 1);
    for (int i = 0; i < 8; i++)     /* MD5 little-endian, the SHAs big-endian */
        length[i] = (unsigned char)(bits >> (hash->kind == AUTH_HASH_MD5 ? 8 * i : 56 - 8 * i));
    auth_hash_update(hash, length, 8);
    for (size_t i = 0; i < words; i++)
        for (int j = 0; j < 4; j++)
            out[4 * i + j] = (unsigned char)(hash->state[i] >> (hash->kind == AUTH_HASH_MD5 ? 8 * j : 24 - 8 * j));
    return words * 4;
}

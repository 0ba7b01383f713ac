/* import-ca FILE...
 *
 * Adds each certificate FILE (DER, or PEM with its BEGIN CERTIFICATE
 * line) to the local machine's "Root" store of the system it runs on.
 * Run under Wine, that is the Wine prefix's registry and nothing else: the
 * test runner uses it to trust the test CA of tools/make-test-pki for the
 * HTTPS conformance cases without touching the host's trust store.
 * Adding a certificate that is already there changes nothing.  Prints
 * nothing on success; on failure says why on stderr and exits with 1.
 *
 * On Windows it needs an elevated prompt, and it really does trust the
 * certificate machine-wide: remove it afterwards (certutil -delstore Root).
 */
#include <windows.h>
#include <wincrypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The file's bytes, NUL-terminated; NULL if it cannot be read. */
static BYTE *read_file(const char *path, DWORD *size)
{
    FILE *file = fopen(path, "rb");
    BYTE *bytes = NULL;
    long length;

    if (!file) return NULL;
    if (!fseek(file, 0, SEEK_END) && (length = ftell(file)) > 0 && length < (1 << 20) && !fseek(file, 0, SEEK_SET)
        && (bytes = malloc(length + 1)) && fread(bytes, 1, length, file) == (size_t)length)
    {
        bytes[length] = 0;
        *size = length;
    }
    else
    {
        free(bytes);
        bytes = NULL;
    }
    fclose(file);
    return bytes;
}

/* PEM text becomes DER in place; DER is left alone. */
static BOOL to_der(BYTE *bytes, DWORD *size)
{
    DWORD der_size = *size;

    if (!strstr((const char *)bytes, "-----BEGIN CERTIFICATE-----")) return TRUE;
    return CryptStringToBinaryA((const char *)bytes, 0, CRYPT_STRING_BASE64HEADER, bytes, &der_size, NULL, NULL)
           && (*size = der_size);
}

static BOOL import(HCERTSTORE root, const char *path)
{
    DWORD size;
    BYTE *bytes = read_file(path, &size);
    BOOL done;

    if (!bytes)
    {
        fprintf(stderr, "import-ca: cannot read %s\n", path);
        return FALSE;
    }
    done = to_der(bytes, &size) && CertAddEncodedCertificateToStore(root, X509_ASN_ENCODING, bytes, size,
                                                                  CERT_STORE_ADD_REPLACE_EXISTING, NULL);
    if (!done) fprintf(stderr, "import-ca: cannot add %s: error %#lx\n", path, GetLastError());
    free(bytes);
    return done;
}

int main(int argc, char **argv)
{
    HCERTSTORE root;
    int status = 0;

    if (argc < 2)
    {
        fprintf(stderr, "usage: import-ca FILE...\n");
        return 2;
    }
    root = CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0, CERT_SYSTEM_STORE_LOCAL_MACHINE, L"Root");
    if (!root)
    {
        fprintf(stderr, "import-ca: cannot open the local machine's Root store: error %lu\n", GetLastError());
        return 1;
    }
    for (int i = 1; i < argc; i++)
        if (!import(root, argv[i])) status = 1;
    CertCloseStore(root, 0);
    return status;
}

/* The anchor of the bench's gzip group: zlib's own inflate on the host,
 * over the same gzip file the DLL downloads, from memory into a 1 MiB
 * buffer (the size the DLL's caller reads with), as fast as it goes.
 *
 * usage: inflate-speed FILE.gz
 * prints: inflate mib_s=M bytes=DECODED seconds=S
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <zlib.h>

#define OUT_SIZE (1 << 20)

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static unsigned char *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    unsigned char *data;
    long length;

    if (!f || fseek(f, 0, SEEK_END) || (length = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) return NULL;
    if ((data = malloc(length ? length : 1)) && fread(data, 1, length, f) != (size_t)length)
    {
        free(data);
        data = NULL;
    }
    fclose(f);
    *size = length;
    return data;
}

int main(int argc, char **argv)
{
    unsigned char *in, *out = malloc(OUT_SIZE);
    unsigned long long decoded = 0;
    z_stream z = { 0 };
    double start, seconds;
    size_t size;
    int ret;

    if (argc != 2 || !out || !(in = read_file(argv[1], &size)))
    {
        fprintf(stderr, "usage: inflate-speed FILE.gz\n");
        return 2;
    }
    if (inflateInit2(&z, 15 + 16) != Z_OK) return 1;     /* gzip */
    start = now_seconds();
    z.next_in = in;
    z.avail_in = size;
    do
    {
        z.next_out = out;
        z.avail_out = OUT_SIZE;
        ret = inflate(&z, Z_NO_FLUSH);
        decoded += OUT_SIZE - z.avail_out;
    } while (ret == Z_OK);
    seconds = now_seconds() - start;
    if (ret != Z_STREAM_END)
    {
        fprintf(stderr, "inflate-speed: zlib error %d after %llu bytes\n", ret, decoded);
        return 1;
    }
    printf("inflate mib_s=%.1f bytes=%llu seconds=%.4f\n", decoded / seconds / (1 << 20), decoded, seconds);
    inflateEnd(&z);
    free(in);
    free(out);
    return 0;
}

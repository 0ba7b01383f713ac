/* A minimal unit-test harness for the host-native tests of the pure-C parts.
 * Each failed CHECK prints file:line and the expression; main() ends with
 * UNIT_DONE(), which prints "N passed, M failed" and gives the exit code. */
#ifndef UNIT_H
#define UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_passed, unit_failed;

#define CHECK_MSG(cond, ...)                                                       \
    do {                                                                           \
        if (cond) unit_passed++;                                                   \
        else {                                                                     \
            unit_failed++;                                                         \
            printf("FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);                 \
            printf(__VA_ARGS__);                                                   \
            printf("\n");                                                          \
        }                                                                          \
    } while (0)

#define CHECK(cond) CHECK_MSG(cond, "%s", "")
#define CHECK_INT(got, want)                                                       \
    do {                                                                           \
        long long got_ = (long long)(got), want_ = (long long)(want);             \
        CHECK_MSG(got_ == want_, "got %lld, want %lld", got_, want_);              \
    } while (0)

#define UNIT_DONE()                                                                \
    (printf("%s: %d passed, %d failed\n", __FILE__, unit_passed, unit_failed),     \
     unit_failed ? 1 : 0)

#endif

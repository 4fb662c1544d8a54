/*
 * Shared by the C tests. Each test is a standalone program that calls the rw_
 * wrappers directly and exits T_EXIT_PASS, T_EXIT_FAIL or T_EXIT_SKIP.
 */
#ifndef RINGWIRE_TEST_H
#define RINGWIRE_TEST_H

#include "ringwire.h"

#include <stdio.h>
#include <string.h>

#define T_EXIT_PASS 0
#define T_EXIT_FAIL 1
#define T_EXIT_SKIP 77

/* Fails the calling function (which returns int) with the file, line and text. */
#define CHECK(cond)                                                              \
    do {                                                                         \
        if (!(cond)) {                                                           \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
            return T_EXIT_FAIL;                                                  \
        }                                                                        \
    } while (0)

/* Like CHECK for "got == want", printing both values (as long long). */
#define CHECK_EQ(got, want)                                                      \
    do {                                                                         \
        long long got_ = (long long)(got), want_ = (long long)(want);            \
        if (got_ != want_) {                                                     \
            fprintf(stderr, "%s:%d: %s == %lld, expected %s == %lld\n", __FILE__, \
                    __LINE__, #got, got_, #want, want_);                         \
            return T_EXIT_FAIL;                                                  \
        }                                                                        \
    } while (0)

/* Runs one sub-test and leaves main with its result unless it passed. */
#define RUN(test)                                                                \
    do {                                                                         \
        int rc_ = (test);                                                        \
        if (rc_ != T_EXIT_PASS) {                                                \
            fprintf(stderr, "%s: %s\n", #test, rc_ == T_EXIT_SKIP ? "skipped" : "failed"); \
            return rc_;                                                          \
        }                                                                        \
    } while (0)

#endif

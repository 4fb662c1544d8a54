/*
 * A log-linear latency histogram: exact below 64 ns, then 32 buckets per power of two, so any
 * recorded value is reported within about 3% of itself. Fixed size, no allocation, O(1) record.
 */
#ifndef LOADGEN_HIST_H
#define LOADGEN_HIST_H

#include <stdint.h>

#define HIST_SUB_BITS 5                               /* 32 sub-buckets per octave */
#define HIST_BUCKETS  ((64 - HIST_SUB_BITS) << HIST_SUB_BITS)

struct hist {
    uint64_t count;
    uint64_t max_ns;
    uint64_t buckets[HIST_BUCKETS];
};

void hist_reset(struct hist *h);
void hist_record(struct hist *h, uint64_t ns);
/* The value at quantile q (0..1), as the midpoint of its bucket; 0 when empty. */
uint64_t hist_quantile(const struct hist *h, double q);

#endif

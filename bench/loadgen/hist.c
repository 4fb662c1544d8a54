#include "hist.h"

#include <string.h>

#define SUB (1u << HIST_SUB_BITS)

void hist_reset(struct hist *h)
{
    memset(h, 0, sizeof(*h));
}

/* Values below 2*SUB map to themselves; above, the top HIST_SUB_BITS+1 bits pick the bucket. */
static unsigned index_of(uint64_t v)
{
    if (v < 2 * SUB)
        return (unsigned)v;
    unsigned msb = 63u - (unsigned)__builtin_clzll(v);
    unsigned shift = msb - HIST_SUB_BITS;
    return (shift + 1) * SUB + (unsigned)((v >> shift) - SUB);
}

static uint64_t value_of(unsigned idx)
{
    if (idx < 2 * SUB)
        return idx;
    unsigned shift = idx / SUB - 1;
    uint64_t low = (uint64_t)(idx % SUB + SUB) << shift;
    return low + ((uint64_t)1 << shift) / 2;
}

void hist_record(struct hist *h, uint64_t ns)
{
    unsigned idx = index_of(ns);
    if (idx >= HIST_BUCKETS)
        idx = HIST_BUCKETS - 1;
    h->buckets[idx]++;
    h->count++;
    if (ns > h->max_ns)
        h->max_ns = ns;
}

uint64_t hist_quantile(const struct hist *h, double q)
{
    if (h->count == 0)
        return 0;
    /* The rank of the q-quantile, 1-based: the smallest value with at least q of all at or below. */
    uint64_t rank = (uint64_t)(q * (double)h->count + 0.5);
    if (rank < 1)
        rank = 1;
    if (rank > h->count)
        rank = h->count;
    uint64_t seen = 0;
    for (unsigned i = 0; i < HIST_BUCKETS; i++) {
        seen += h->buckets[i];
        if (seen >= rank) {
            uint64_t v = value_of(i);
            return v > h->max_ns ? h->max_ns : v;
        }
    }
    return h->max_ns;
}

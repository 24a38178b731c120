/* benchmarks/c/bench.h — the run protocol shared by the C peers of the benchmark harness.
 * A workload program runs its work RUNS times (the last command line argument; the first run is the
 * warm-up), prints one "time SECONDS" line per run (CLOCK_MONOTONIC wall time) and then one
 * "result KEY=VALUE ..." line. Inputs are read through volatile variables so that gcc cannot fold a
 * run away or merge the repeated runs. Build: gcc -O2 -ffp-contract=off (no fast-math, no FMA), so the
 * float results are the same IEEE operations as the Python and mvm versions. */
#ifndef BENCH_H
#define BENCH_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double bench_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int bench_runs(int argc, char **argv) {
    return atoi(argv[argc - 1]);
}

#endif

/* benchmarks/c/fib.c N RUNS — doubly recursive Fibonacci (twin of benchmarks/models/fib.mvm). */
#include "bench.h"
#include <stdint.h>

static int64_t fib(int64_t k) {
    if (k < 2) return k;
    return fib(k - 1) + fib(k - 2);
}

int main(int argc, char **argv) {
    volatile int64_t n = atoll(argv[1]);
    volatile int64_t result = 0;
    int runs = bench_runs(argc, argv);
    for (int r = 0; r < runs; r++) {
        double t0 = bench_now();
        result = fib(n);
        double t1 = bench_now();
        printf("time %.9f\n", t1 - t0);
    }
    printf("result fib=%lld\n", (long long)result);
    return 0;
}

/* benchmarks/c/mandelbrot.c SIZE MAX_ITER RUNS — escape-time iterations summed over a grid
 * (twin of benchmarks/models/mandelbrot.mvm). */
#include "bench.h"
#include <stdint.h>

static int64_t mandelbrot(int64_t size, int64_t max_iter) {
    int64_t total = 0;
    for (int64_t py = 0; py < size; py++) {
        double ci = 2.0 * (double)py / (double)size - 1.0;
        for (int64_t px = 0; px < size; px++) {
            double cr = 2.0 * (double)px / (double)size - 1.5;
            double zr = 0.0, zi = 0.0;
            int64_t i = 0;
            while (i < max_iter) {
                double zr2 = zr * zr;
                double zi2 = zi * zi;
                if (zr2 + zi2 > 4.0) break;
                zi = 2.0 * zr * zi + ci;
                zr = zr2 - zi2 + cr;
                i += 1;
            }
            total += i;
        }
    }
    return total;
}

int main(int argc, char **argv) {
    volatile int64_t size = atoll(argv[1]);
    volatile int64_t max_iter = atoll(argv[2]);
    volatile int64_t result = 0;
    int runs = bench_runs(argc, argv);
    for (int r = 0; r < runs; r++) {
        double t0 = bench_now();
        result = mandelbrot(size, max_iter);
        double t1 = bench_now();
        printf("time %.9f\n", t1 - t0);
    }
    printf("result total=%lld\n", (long long)result);
    return 0;
}

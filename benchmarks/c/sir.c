/* benchmarks/c/sir.c BETA GAMMA DAYS POPULATION RUNS — the discrete-time SIR epidemic
 * (twin of benchmarks/models/sir.mvm). Reports the peak and the left-to-right sum of the infected series.
 * Like the DSL's `new float[days]`, each run allocates a zero-filled array. */
#include "bench.h"
#include <stdint.h>

#define DT 1.0

static double g_beta, g_population;

static double infections(double s, double i) {
    return g_beta * s * i / g_population * DT;
}

static double *sir(double beta, double gamma, int64_t days, double population, double *peak_out) {
    g_beta = beta;
    g_population = population;
    double s = population - 1.0;
    double i = 1.0;
    double r = 0.0;
    double *infected = calloc((size_t)days, sizeof(double));
    double peak = 0.0;
    for (int64_t d = 0; d < days; d++) {
        double new_inf = infections(s, i);
        double new_rec = gamma * i * DT;
        s = s - new_inf;
        i = i + new_inf - new_rec;
        r += new_rec;
        infected[d] = i;
        if (i > peak) peak = i;
    }
    (void)r;
    *peak_out = peak;
    return infected;
}

int main(int argc, char **argv) {
    volatile double beta = atof(argv[1]);
    volatile double gamma = atof(argv[2]);
    volatile int64_t days = atoll(argv[3]);
    volatile double population = atof(argv[4]);
    int runs = bench_runs(argc, argv);
    double peak = 0.0;
    double *infected = NULL;
    for (int r = 0; r < runs; r++) {
        free(infected);
        double t0 = bench_now();
        infected = sir(beta, gamma, days, population, &peak);
        double t1 = bench_now();
        printf("time %.9f\n", t1 - t0);
    }
    double sum = 0.0;
    for (int64_t d = 0; d < days; d++) sum += infected[d];
    printf("result peak=%.17g checksum=%.17g\n", peak, sum);
    free(infected);
    return 0;
}

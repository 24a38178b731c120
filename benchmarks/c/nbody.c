/* benchmarks/c/nbody.c STEPS RUNS — the sun and the four giant planets, classic N-body advance
 * (twin of benchmarks/models/nbody.mvm). */
#include "bench.h"
#include <math.h>
#include <stdint.h>

#define N 5
static const double PI = 3.141592653589793;
#define SOLAR_MASS (4.0 * PI * PI)
#define DAYS_PER_YEAR 365.24
#define DT 0.01

typedef struct { double x[N], y[N], z[N], vx[N], vy[N], vz[N], m[N]; } system_t;

static void set_body(system_t *b, int k, double bx, double by, double bz,
                     double bvx, double bvy, double bvz, double bm) {
    b->x[k] = bx;
    b->y[k] = by;
    b->z[k] = bz;
    b->vx[k] = bvx * DAYS_PER_YEAR;
    b->vy[k] = bvy * DAYS_PER_YEAR;
    b->vz[k] = bvz * DAYS_PER_YEAR;
    b->m[k] = bm * SOLAR_MASS;
}

static double energy(const system_t *b) {
    double e = 0.0;
    for (int i = 0; i < N; i++) {
        e += 0.5 * b->m[i] * (b->vx[i] * b->vx[i] + b->vy[i] * b->vy[i] + b->vz[i] * b->vz[i]);
        for (int j = i + 1; j < N; j++) {
            double dx = b->x[i] - b->x[j];
            double dy = b->y[i] - b->y[j];
            double dz = b->z[i] - b->z[j];
            e -= b->m[i] * b->m[j] / sqrt(dx * dx + dy * dy + dz * dz);
        }
    }
    return e;
}

static void advance(system_t *b, double dt) {
    for (int i = 0; i < N; i++) {
        for (int j = i + 1; j < N; j++) {
            double dx = b->x[i] - b->x[j];
            double dy = b->y[i] - b->y[j];
            double dz = b->z[i] - b->z[j];
            double d2 = dx * dx + dy * dy + dz * dz;
            double mag = dt / (d2 * sqrt(d2));
            double mj = b->m[j] * mag;
            b->vx[i] -= dx * mj;
            b->vy[i] -= dy * mj;
            b->vz[i] -= dz * mj;
            double mi = b->m[i] * mag;
            b->vx[j] += dx * mi;
            b->vy[j] += dy * mi;
            b->vz[j] += dz * mi;
        }
    }
    for (int i = 0; i < N; i++) {
        b->x[i] += dt * b->vx[i];
        b->y[i] += dt * b->vy[i];
        b->z[i] += dt * b->vz[i];
    }
}

static void nbody(int64_t steps, double *e0, double *e1) {
    system_t b = {0};
    set_body(&b, 0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0);
    set_body(&b, 1, 4.84143144246472090, -1.16032004402742839, -0.103622044471123109,
             1.66007664274403694e-03, 7.69901118419740425e-03, -6.90460016972063023e-05,
             9.54791938424326609e-04);
    set_body(&b, 2, 8.34336671824457987, 4.12479856412430479, -0.403523417114321381,
             -2.76742510726862411e-03, 4.99852801234917238e-03, 2.30417297573763929e-05,
             2.85885980666130812e-04);
    set_body(&b, 3, 12.8943695621391310, -15.1111514016986312, -0.223307578892655734,
             2.96460137564761618e-03, 2.37847173959480950e-03, -2.96589568540237556e-05,
             4.36624404335156298e-05);
    set_body(&b, 4, 15.3796971148509165, -25.9193146099879641, 0.179258772950371181,
             2.68067772490389322e-03, 1.62824170038242295e-03, -9.51592254519715870e-05,
             5.15138902046611451e-05);
    double px = 0.0, py = 0.0, pz = 0.0;
    for (int i = 0; i < N; i++) {
        px += b.vx[i] * b.m[i];
        py += b.vy[i] * b.m[i];
        pz += b.vz[i] * b.m[i];
    }
    b.vx[0] = -px / SOLAR_MASS;
    b.vy[0] = -py / SOLAR_MASS;
    b.vz[0] = -pz / SOLAR_MASS;
    *e0 = energy(&b);
    for (int64_t s = 0; s < steps; s++) advance(&b, DT);
    *e1 = energy(&b);
}

int main(int argc, char **argv) {
    volatile int64_t steps = atoll(argv[1]);
    int runs = bench_runs(argc, argv);
    double e0 = 0.0, e1 = 0.0;
    for (int r = 0; r < runs; r++) {
        double t0 = bench_now();
        nbody(steps, &e0, &e1);
        double t1 = bench_now();
        printf("time %.9f\n", t1 - t0);
    }
    printf("result e0=%.17g e1=%.17g\n", e0, e1);
    return 0;
}

"""Plain CPython versions of the benchmark workloads.

Input: the workload sizes as arguments. Output: the same values the DSL models in ``benchmarks/models``
return (a dict for a record, an int otherwise).

Each function performs the same arithmetic operations, in the same order and with the same association, as
its model, so float results must match the mvm interpreter bit for bit (IEEE 754 without fast-math). They
are deliberately written the way the models are (explicit ``float()`` conversions, one helper call per step
where the model has one), not the way one would write idiomatic fast Python.
"""

from __future__ import annotations

import math


# --- fib (benchmarks/models/fib.mvm) --------------------------------------------------------------------

def fib(k: int) -> int:
    """The doubly recursive Fibonacci number."""
    if k < 2:
        return k
    return fib(k - 1) + fib(k - 2)


def fib_main(n: int) -> int:
    """``main`` of fib.mvm: ``fib(n)``."""
    return fib(n)


# --- mandelbrot (benchmarks/models/mandelbrot.mvm) -------------------------------------------------------

def mandelbrot_main(size: int, max_iter: int) -> int:
    """Escape-time iterations summed over a ``size`` x ``size`` grid of [-1.5, 0.5] x [-1, 1]."""
    total = 0
    for py in range(0, size):
        ci = 2.0 * float(py) / float(size) - 1.0
        for px in range(0, size):
            cr = 2.0 * float(px) / float(size) - 1.5
            zr = 0.0
            zi = 0.0
            i = 0
            while i < max_iter:
                zr2 = zr * zr
                zi2 = zi * zi
                if zr2 + zi2 > 4.0:
                    break
                zi = 2.0 * zr * zi + ci
                zr = zr2 - zi2 + cr
                i += 1
            total += i
    return total


# --- sir (benchmarks/models/sir.mvm, the model of examples/sir.mvm) ------------------------------------

DT = 1.0


def sir_main(beta: float, gamma: float, days: int, population: float) -> dict:
    """The discrete-time SIR epidemic: the peak of ``i`` and ``i`` for every day."""

    def infections(s: float, i: float) -> float:
        return beta * s * i / population * DT

    s = population - 1.0
    i = 1.0
    r = 0.0
    infected = [0.0] * days
    peak = 0.0
    for d in range(0, days):
        new_inf = infections(s, i)
        new_rec = gamma * i * DT
        s = s - new_inf
        i = i + new_inf - new_rec
        r += new_rec
        infected[d] = i
        if i > peak:
            peak = i
    return {"peak": peak, "infected": infected}


# --- nbody (benchmarks/models/nbody.mvm) -----------------------------------------------------------------

PI = 3.141592653589793
SOLAR_MASS = 4.0 * PI * PI
DAYS_PER_YEAR = 365.24
NBODY_DT = 0.01


def set_body(x, y, z, vx, vy, vz, m, k, bx, by, bz, bvx, bvy, bvz, bm):
    """Store body ``k``: position, velocity in AU/day converted to AU/year, mass in solar masses."""
    x[k] = bx
    y[k] = by
    z[k] = bz
    vx[k] = bvx * DAYS_PER_YEAR
    vy[k] = bvy * DAYS_PER_YEAR
    vz[k] = bvz * DAYS_PER_YEAR
    m[k] = bm * SOLAR_MASS


def energy(x, y, z, vx, vy, vz, m) -> float:
    """Total energy: kinetic of each body minus the potential of each pair."""
    e = 0.0
    n = len(m)
    for i in range(0, n):
        e += 0.5 * m[i] * (vx[i] * vx[i] + vy[i] * vy[i] + vz[i] * vz[i])
        for j in range(i + 1, n):
            dx = x[i] - x[j]
            dy = y[i] - y[j]
            dz = z[i] - z[j]
            e -= m[i] * m[j] / math.sqrt(dx * dx + dy * dy + dz * dz)
    return e


def advance(x, y, z, vx, vy, vz, m, dt: float) -> None:
    """One step of the classic N-body ``advance``: pairwise velocity updates, then positions."""
    n = len(m)
    for i in range(0, n):
        for j in range(i + 1, n):
            dx = x[i] - x[j]
            dy = y[i] - y[j]
            dz = z[i] - z[j]
            d2 = dx * dx + dy * dy + dz * dz
            mag = dt / (d2 * math.sqrt(d2))
            mj = m[j] * mag
            vx[i] -= dx * mj
            vy[i] -= dy * mj
            vz[i] -= dz * mj
            mi = m[i] * mag
            vx[j] += dx * mi
            vy[j] += dy * mi
            vz[j] += dz * mi
    for i in range(0, n):
        x[i] += dt * vx[i]
        y[i] += dt * vy[i]
        z[i] += dt * vz[i]


def nbody_main(steps: int) -> dict:
    """Sun and the four giant planets: energy before and after ``steps`` steps of 0.01 years."""
    n = 5
    x = [0.0] * n
    y = [0.0] * n
    z = [0.0] * n
    vx = [0.0] * n
    vy = [0.0] * n
    vz = [0.0] * n
    m = [0.0] * n
    set_body(x, y, z, vx, vy, vz, m, 0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0)
    set_body(x, y, z, vx, vy, vz, m, 1,
             4.84143144246472090, -1.16032004402742839, -0.103622044471123109,
             1.66007664274403694e-03, 7.69901118419740425e-03, -6.90460016972063023e-05,
             9.54791938424326609e-04)
    set_body(x, y, z, vx, vy, vz, m, 2,
             8.34336671824457987, 4.12479856412430479, -0.403523417114321381,
             -2.76742510726862411e-03, 4.99852801234917238e-03, 2.30417297573763929e-05,
             2.85885980666130812e-04)
    set_body(x, y, z, vx, vy, vz, m, 3,
             12.8943695621391310, -15.1111514016986312, -0.223307578892655734,
             2.96460137564761618e-03, 2.37847173959480950e-03, -2.96589568540237556e-05,
             4.36624404335156298e-05)
    set_body(x, y, z, vx, vy, vz, m, 4,
             15.3796971148509165, -25.9193146099879641, 0.179258772950371181,
             2.68067772490389322e-03, 1.62824170038242295e-03, -9.51592254519715870e-05,
             5.15138902046611451e-05)
    # offset the sun's momentum so the total is zero
    px = 0.0
    py = 0.0
    pz = 0.0
    for i in range(0, n):
        px += vx[i] * m[i]
        py += vy[i] * m[i]
        pz += vz[i] * m[i]
    vx[0] = -px / SOLAR_MASS
    vy[0] = -py / SOLAR_MASS
    vz[0] = -pz / SOLAR_MASS
    e0 = energy(x, y, z, vx, vy, vz, m)
    for _ in range(0, steps):
        advance(x, y, z, vx, vy, vz, m, NBODY_DT)
    e1 = energy(x, y, z, vx, vy, vz, m)
    return {"e0": e0, "e1": e1}

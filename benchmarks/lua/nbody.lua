-- benchmarks/lua/nbody.lua STEPS RUNS — the sun and the four giant planets, classic N-body advance
-- (twin of benchmarks/models/nbody.mvm). Arrays are 1-based here; the arithmetic is the same.
local dir = arg[0]:match("(.*/)") or "./"
local bench = dofile(dir .. "common.lua")

local sqrt = math.sqrt
local PI = 3.141592653589793
local SOLAR_MASS = 4.0 * PI * PI
local DAYS_PER_YEAR = 365.24
local DT = 0.01

local function set_body(x, y, z, vx, vy, vz, m, k, bx, by, bz, bvx, bvy, bvz, bm)
    x[k] = bx
    y[k] = by
    z[k] = bz
    vx[k] = bvx * DAYS_PER_YEAR
    vy[k] = bvy * DAYS_PER_YEAR
    vz[k] = bvz * DAYS_PER_YEAR
    m[k] = bm * SOLAR_MASS
end

local function energy(x, y, z, vx, vy, vz, m)
    local e = 0.0
    local n = #m
    for i = 1, n do
        e = e + 0.5 * m[i] * (vx[i] * vx[i] + vy[i] * vy[i] + vz[i] * vz[i])
        for j = i + 1, n do
            local dx = x[i] - x[j]
            local dy = y[i] - y[j]
            local dz = z[i] - z[j]
            e = e - m[i] * m[j] / sqrt(dx * dx + dy * dy + dz * dz)
        end
    end
    return e
end

local function advance(x, y, z, vx, vy, vz, m, dt)
    local n = #m
    for i = 1, n do
        for j = i + 1, n do
            local dx = x[i] - x[j]
            local dy = y[i] - y[j]
            local dz = z[i] - z[j]
            local d2 = dx * dx + dy * dy + dz * dz
            local mag = dt / (d2 * sqrt(d2))
            local mj = m[j] * mag
            vx[i] = vx[i] - dx * mj
            vy[i] = vy[i] - dy * mj
            vz[i] = vz[i] - dz * mj
            local mi = m[i] * mag
            vx[j] = vx[j] + dx * mi
            vy[j] = vy[j] + dy * mi
            vz[j] = vz[j] + dz * mi
        end
    end
    for i = 1, n do
        x[i] = x[i] + dt * vx[i]
        y[i] = y[i] + dt * vy[i]
        z[i] = z[i] + dt * vz[i]
    end
end

local function nbody(steps)
    local n = 5
    local x, y, z, vx, vy, vz, m = {}, {}, {}, {}, {}, {}, {}
    for k = 1, n do
        x[k], y[k], z[k], vx[k], vy[k], vz[k], m[k] = 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0
    end
    set_body(x, y, z, vx, vy, vz, m, 1, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0)
    set_body(x, y, z, vx, vy, vz, m, 2,
             4.84143144246472090, -1.16032004402742839, -0.103622044471123109,
             1.66007664274403694e-03, 7.69901118419740425e-03, -6.90460016972063023e-05,
             9.54791938424326609e-04)
    set_body(x, y, z, vx, vy, vz, m, 3,
             8.34336671824457987, 4.12479856412430479, -0.403523417114321381,
             -2.76742510726862411e-03, 4.99852801234917238e-03, 2.30417297573763929e-05,
             2.85885980666130812e-04)
    set_body(x, y, z, vx, vy, vz, m, 4,
             12.8943695621391310, -15.1111514016986312, -0.223307578892655734,
             2.96460137564761618e-03, 2.37847173959480950e-03, -2.96589568540237556e-05,
             4.36624404335156298e-05)
    set_body(x, y, z, vx, vy, vz, m, 5,
             15.3796971148509165, -25.9193146099879641, 0.179258772950371181,
             2.68067772490389322e-03, 1.62824170038242295e-03, -9.51592254519715870e-05,
             5.15138902046611451e-05)
    local px, py, pz = 0.0, 0.0, 0.0
    for i = 1, n do
        px = px + vx[i] * m[i]
        py = py + vy[i] * m[i]
        pz = pz + vz[i] * m[i]
    end
    vx[1] = -px / SOLAR_MASS
    vy[1] = -py / SOLAR_MASS
    vz[1] = -pz / SOLAR_MASS
    local e0 = energy(x, y, z, vx, vy, vz, m)
    for _ = 1, steps do
        advance(x, y, z, vx, vy, vz, m, DT)
    end
    local e1 = energy(x, y, z, vx, vy, vz, m)
    return {e0 = e0, e1 = e1}
end

local steps = math.floor(tonumber(arg[1]))
bench.run(function() return nbody(steps) end,
          function(r) return "e0=" .. bench.fmt_float(r.e0) .. " e1=" .. bench.fmt_float(r.e1) end)

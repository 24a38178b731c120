-- benchmarks/lua/common.lua — the run protocol shared by the Lua peers of the benchmark harness.
-- A workload script calls bench.run(name, work, report): it runs work() `runs` times (the last command
-- line argument; the first run is the warm-up), prints one "time SECONDS" line per run and then one
-- "result KEY=VALUE ..." line made by report(result) from the last run.
-- Time is wall-clock (clock_gettime through the FFI) under LuaJIT, and os.clock() CPU time under
-- PUC Lua, which has no wall clock finer than a second; for these single-threaded loops the two agree.

local bench = {}

local now = os.clock
if jit ~= nil then
    local ok, ffi = pcall(require, "ffi")
    if ok then
        ffi.cdef[[
            typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
            int clock_gettime(int clk_id, bench_timespec *tp);
        ]]
        local ts = ffi.new("bench_timespec")
        now = function()
            ffi.C.clock_gettime(1, ts)  -- CLOCK_MONOTONIC
            return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) * 1e-9
        end
    end
end

function bench.fmt_float(x)
    return string.format("%.17g", x)
end

function bench.fmt_int(x)
    return string.format("%d", x)
end

function bench.run(work, report)
    local runs = tonumber(arg[#arg])
    local result
    for _ = 1, runs do
        local t0 = now()
        result = work()
        local t1 = now()
        print(string.format("time %.9f", t1 - t0))
    end
    print("result " .. report(result))
end

return bench

-- benchmarks/lua/fib.lua N RUNS — doubly recursive Fibonacci (twin of benchmarks/models/fib.mvm).
local dir = arg[0]:match("(.*/)") or "./"
local bench = dofile(dir .. "common.lua")

local function fib(k)
    if k < 2 then return k end
    return fib(k - 1) + fib(k - 2)
end

local n = tonumber(arg[1])
bench.run(function() return fib(n) end,
          function(r) return "fib=" .. bench.fmt_int(r) end)

-- benchmarks/lua/mandelbrot.lua SIZE MAX_ITER RUNS — escape-time iterations summed over a grid
-- (twin of benchmarks/models/mandelbrot.mvm).
local dir = arg[0]:match("(.*/)") or "./"
local bench = dofile(dir .. "common.lua")

local function mandelbrot(size, max_iter)
    local total = 0
    local fsize = size + 0.0
    for py = 0, size - 1 do
        local ci = 2.0 * (py + 0.0) / fsize - 1.0
        for px = 0, size - 1 do
            local cr = 2.0 * (px + 0.0) / fsize - 1.5
            local zr = 0.0
            local zi = 0.0
            local i = 0
            while i < max_iter do
                local zr2 = zr * zr
                local zi2 = zi * zi
                if zr2 + zi2 > 4.0 then break end
                zi = 2.0 * zr * zi + ci
                zr = zr2 - zi2 + cr
                i = i + 1
            end
            total = total + i
        end
    end
    return total
end

local size = math.tointeger and math.tointeger(tonumber(arg[1])) or tonumber(arg[1])
local max_iter = math.tointeger and math.tointeger(tonumber(arg[2])) or tonumber(arg[2])
bench.run(function() return mandelbrot(size, max_iter) end,
          function(r) return "total=" .. bench.fmt_int(r) end)

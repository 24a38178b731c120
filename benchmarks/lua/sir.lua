-- benchmarks/lua/sir.lua BETA GAMMA DAYS POPULATION RUNS — the discrete-time SIR epidemic
-- (twin of benchmarks/models/sir.mvm). Reports the peak and the left-to-right sum of the infected series.
local dir = arg[0]:match("(.*/)") or "./"
local bench = dofile(dir .. "common.lua")

local DT = 1.0

local function sir(beta, gamma, days, population)
    local function infections(s, i)
        return beta * s * i / population * DT
    end
    local s = population - 1.0
    local i = 1.0
    local r = 0.0
    local infected = {}
    for d = 1, days do infected[d] = 0.0 end
    local peak = 0.0
    for d = 1, days do
        local new_inf = infections(s, i)
        local new_rec = gamma * i * DT
        s = s - new_inf
        i = i + new_inf - new_rec
        r = r + new_rec
        infected[d] = i
        if i > peak then
            peak = i
        end
    end
    return {peak = peak, infected = infected}
end

local beta, gamma = tonumber(arg[1]), tonumber(arg[2])
local days, population = math.floor(tonumber(arg[3])), tonumber(arg[4])
bench.run(function() return sir(beta, gamma, days, population) end,
          function(r)
              local sum = 0.0
              for d = 1, #r.infected do sum = sum + r.infected[d] end
              return "peak=" .. bench.fmt_float(r.peak) .. " checksum=" .. bench.fmt_float(sum)
          end)

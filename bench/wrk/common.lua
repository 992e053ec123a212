-- Shared by the API scenarios: the key and the id range come from the environment.
key = os.getenv("BENCH_KEY")
max_id = tonumber(os.getenv("BENCH_MAX_ID") or "1000000")
auth = { ["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json" }

-- Each run draws other numbers: without this, every run would post the same people and patch the
-- same leads as the run before (which then only join those leads, or get 409).
math.randomseed(os.time())

function setup(thread)
  thread:set("seed", math.random(1, 1e9))
end

function init(args)
  math.randomseed(seed)
end

-- RATE=<requests a second> (bench/api_bench.sh): the 16 connections pace themselves to that rate in all,
-- each waiting a random (exponential) time before each request, instead of sending as fast as answered.
local rate = tonumber(os.getenv("BENCH_RATE") or "")
if rate and rate > 0 then
  local mean_ms = 16 * 1000 / rate
  function delay()
    return math.floor(-math.log(1 - math.random()) * mean_ms)
  end
end

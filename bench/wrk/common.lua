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

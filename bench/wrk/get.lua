dofile("bench/wrk/common.lua")
local path = os.getenv("BENCH_PATH")
request = function()
  return wrk.format("GET", path, auth)
end

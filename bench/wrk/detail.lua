dofile("bench/wrk/common.lua")
request = function()
  return wrk.format("GET", "/api/v1/leads/" .. math.random(1, max_id), auth)
end

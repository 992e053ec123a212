dofile("bench/wrk/common.lua")
local n = 0
request = function()
  n = n + 1
  local who = string.format("%d-%d", math.random(1, 1e9), n)
  local body = string.format(
    '{"name": "Bench Person %s", "email": "bench-%s@example.com", "phone": "+1 202 555 %04d", "service": "bench", "message": "load test"}',
    who, who, math.random(0, 9999))
  return wrk.format("POST", "/api/v1/leads", auth, body)
end

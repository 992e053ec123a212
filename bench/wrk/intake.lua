dofile("bench/wrk/common.lua")
-- A new person each time: a random email, and a random phone among 8 million, so that nearly every
-- request creates a lead (a phone seen before joins that person's open lead instead).
local n = 0
request = function()
  n = n + 1
  local who = string.format("%d-%d", math.random(1, 1e9), n)
  local body = string.format(
    '{"name": "Bench Person %s", "email": "bench-%s@example.com", "phone": "+1 415 %03d %04d", "service": "bench", "message": "load test"}',
    who, who, math.random(200, 999), math.random(0, 9999))
  return wrk.format("POST", "/api/v1/leads", auth, body)
end

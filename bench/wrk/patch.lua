dofile("bench/wrk/common.lua")
-- Each request unassigns a random seeded lead at version 1: the first change of that lead wins.
request = function()
  return wrk.format("PATCH", "/api/v1/leads/" .. math.random(1, max_id), auth, '{"assignee_id": null, "version": 1}')
end

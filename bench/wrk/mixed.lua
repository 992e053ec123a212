-- Mixed staff and API traffic on one set of connections (bench/mixed_load.py sets the environment):
-- 35% lead list (status filter), 20% search, 25% lead detail, 10% status change, 10% API intake.
-- Status changes move leads from `new` to `contacted`, each lead once, from a list of new leads.
cookie = os.getenv("BENCH_COOKIE")
csrf = os.getenv("BENCH_CSRF")
key = os.getenv("BENCH_KEY")
max_id = tonumber(os.getenv("BENCH_MAX_ID"))
ids_file = os.getenv("BENCH_NEW_IDS")
names = {}
for name in string.gmatch(os.getenv("BENCH_NAMES"), "[^,]+") do names[#names + 1] = name end

threads = {}
counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("index", counter)
  thread:set("seed", math.random(1, 1e9) + counter)
  threads[#threads + 1] = thread
end

function init(args)
  math.randomseed(seed)
  statuses, pool, next_new, sent = {}, {}, 1, 0
  local n = 0
  for line in io.lines(ids_file) do
    n = n + 1
    if n % 2 == index - 1 then pool[#pool + 1] = line end  -- wrk runs 2 threads: each its own leads
  end
  web = { ["Cookie"] = cookie }
  form = { ["Cookie"] = cookie, ["Content-Type"] = "application/x-www-form-urlencoded" }
  api = { ["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json" }
end

function request()
  sent = sent + 1
  local roll = math.random(100)
  if roll <= 35 then
    return wrk.format("GET", "/leads?status=new", web)
  elseif roll <= 55 then
    return wrk.format("GET", "/leads?q=" .. names[math.random(#names)], web)
  elseif roll <= 80 or next_new > #pool then
    return wrk.format("GET", "/leads/" .. math.random(max_id), web)
  elseif roll <= 90 then
    local id = pool[next_new]
    next_new = next_new + 1
    return wrk.format("POST", "/leads/" .. id .. "/status", form, "status=contacted&csrf_token=" .. csrf)
  end
  local who = string.format("mixed-%d-%d-%d", index, seed, sent)
  local body = string.format('{"name": "Mixed Load", "email": "%s@load.example", "message": "mixed load"}', who)
  return wrk.format("POST", "/api/v1/leads", api, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      totals[status] = (totals[status] or 0) + count
    end
  end
  for status, count in pairs(totals) do io.write(string.format("status %d: %d\n", status, count)) end
end

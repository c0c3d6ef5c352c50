-- POST /api/v1/requests with a fresh Idempotency-Key per request (citizens filing).
local counter = 0
local threads = 0

function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

function init(args)
  wrk.method = "POST"
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
  wrk.headers["Content-Type"] = "application/json"
  wrk.body = '{"type":"tari_reclamo","subject":"Mancata raccolta","description":"Il mastello dell\'umido non viene svuotato da una settimana.","fields":{"servizio":"raccolta"}}'
  run = os.getenv("RUN_ID") or "0"
end

function request()
  counter = counter + 1
  wrk.headers["Idempotency-Key"] = string.format("load-%s-%d-%d", run, tid, counter)
  return wrk.format("POST", "/api/v1/requests")
end

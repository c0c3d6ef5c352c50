-- GET with a bearer token: PATHS is a space-separated list, cycled through.
local paths = {}
local i = 0

function init(args)
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
  for p in string.gmatch(os.getenv("PATHS"), "%S+") do
    table.insert(paths, p)
  end
end

function request()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end

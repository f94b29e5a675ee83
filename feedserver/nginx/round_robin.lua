-- wrk script for ./run bench-server: cycle through every feed path of a manifest (TSV, path in column 2).
-- Usage: wrk -s round_robin.lua http://127.0.0.1:PORT -- MANIFEST_FILE
local paths = {}
local next_index = 1

function init(args)
  local file = assert(io.open(args[1], "r"), "cannot open manifest " .. tostring(args[1]))
  local header = true
  for line in file:lines() do
    if header then
      header = false
    else
      local _, path = line:match("^([^\t]*)\t([^\t]*)")
      if path and path ~= "" then paths[#paths + 1] = path end
    end
  end
  file:close()
  assert(#paths > 0, "manifest has no feeds")
end

function request()
  local path = paths[next_index]
  next_index = next_index % #paths + 1
  return wrk.format("GET", path)
end

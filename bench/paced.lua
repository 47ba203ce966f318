-- A steady load for wrk: each connection sends its next request a fixed pause after its last
-- answer (`wrk --script paced.lua URL -- PAUSE_MS`), instead of at once. Latency is still timed
-- from the request's first byte to its answer's last.
local pause = 1

function init(args)
    pause = tonumber(args[1]) or pause
end

function delay()
    return pause
end

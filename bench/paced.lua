-- A steady load for wrk: each connection sends its next request a pause after its last answer
-- (`wrk --script paced.lua URL -- PAUSE_MS`), instead of at once. Latency is still timed from
-- the request's first byte to its answer's last. wrk's `delay` hook waits whole milliseconds,
-- so a pause with a fraction is spread over each thread's delays: 2.5 ms gives 2, 3, 2, 3, ...
local pause = 1
local owed = 0

function init(args)
    pause = tonumber(args[1]) or pause
end

function delay()
    owed = owed + pause
    local whole = math.floor(owed)
    owed = owed - whole
    return whole
end

-- wrk script: POST product-link Updates, each with a fresh update_id / chat_id (a repeated id would
-- only hit the dedupe path), shaped like the peers harness's drive.js updates. One wrk thread (-t1):
-- the counter is per thread. Secret: env WRK_SECRET (default bench-secret).
local secret = os.getenv("WRK_SECRET") or "bench-secret"
local base = tonumber(os.getenv("WRK_ID_BASE") or "500000000000")
local n = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Telegram-Bot-Api-Secret-Token"] = secret
request = function()
  n = n + 1
  local id = base + n
  local url = "http://127.0.0.1:40000/p/" .. id
  local text = "Ciao! Mi dici se vale la pena? " .. url
  local body = string.format(
    '{"update_id":%d,"message":{"message_id":1,"from":{"id":%d,"is_bot":false,"first_name":"Giulia",' ..
    '"last_name":"Test1","username":"giulia_%d","language_code":"it"},"chat":{"id":%d,"first_name":"Giulia",' ..
    '"last_name":"Test1","username":"giulia_%d","type":"private"},"date":1796000000,"text":"%s",' ..
    '"entities":[{"offset":31,"length":%d,"type":"url"}],"link_preview_options":{"url":"%s"}}}',
    id, id, id, id, id, text, #url, url)
  return wrk.format(nil, nil, nil, body)
end

-- Real-editor test: Neovim 0.7 (headless, built-in LSP client, no plugins) runs the bundled
-- language server over stdio on the file it was opened with, waits (polling, with a deadline)
-- for 13 separable-conv diagnostics, and checks the hover on conv2. Exits 0 on success, 1 on
-- any failure or error. Run from the repo root (test/editors/run.mjs does):
--   nvim --headless -u NONE -i NONE -n -c 'luafile test/editors/nvim/test.lua' examples/mobilenet_v1_conv.layers
-- Environment: LAYERLINT_NODE (default "node"), LAYERLINT_SERVER (default dist/server.js).
local TIMEOUT_MS = 20000

local function say(msg)
  io.stdout:write("nvim: " .. msg .. "\n")
end

local function code_of(d)
  if d.code then return d.code end
  local lsp = d.user_data and d.user_data.lsp
  return lsp and lsp.code
end

local function main()
  local bufnr = vim.api.nvim_get_current_buf()
  assert(vim.api.nvim_buf_get_name(bufnr):match("mobilenet_v1_conv%.layers$"), "open examples/mobilenet_v1_conv.layers")
  vim.bo[bufnr].filetype = "layerspec"
  local root = vim.fn.getcwd()
  local id = vim.lsp.start_client({
    name = "layerlint",
    cmd = { os.getenv("LAYERLINT_NODE") or "node", os.getenv("LAYERLINT_SERVER") or (root .. "/dist/server.js"), "--stdio" },
    root_dir = root,
  })
  assert(id, "start_client failed")
  assert(vim.lsp.buf_attach_client(bufnr, id), "buf_attach_client failed")

  local function separable()
    local out = {}
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      if code_of(d) == "separable-conv" then table.insert(out, d) end
    end
    return out
  end
  local t0 = vim.loop.now()
  local ok = vim.wait(TIMEOUT_MS, function() return #separable() == 13 end, 50)
  assert(ok, ("expected 13 separable-conv diagnostics within %d ms, got %d (all: %d)"):format(TIMEOUT_MS, #separable(), #vim.diagnostic.get(bufnr)))
  say(("ok 13 separable-conv diagnostics (%d ms)"):format(vim.loop.now() - t0))

  local lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
  local line, col
  for i, l in ipairs(lines) do
    if l:match("^conv2:") then line, col = i - 1, l:find("conv 64") end
  end
  assert(line and col, "conv2 line not found")
  local client = vim.lsp.get_client_by_id(id)
  local params = { textDocument = { uri = vim.uri_from_bufnr(bufnr) }, position = { line = line, character = col - 1 + 2 } }
  local resp, err = client.request_sync("textDocument/hover", params, TIMEOUT_MS, bufnr)
  assert(resp and not resp.err, "hover request failed: " .. vim.inspect(err or (resp and resp.err)))
  local contents = resp.result and resp.result.contents
  local text = type(contents) == "table" and (contents.value or vim.inspect(contents)) or tostring(contents)
  assert(text:find("231,211,008", 1, true), "hover on conv2 lacks 231,211,008: " .. text)
  say("ok hover on conv2 contains 231,211,008")
  vim.lsp.stop_client(id)
end

local ok, err = xpcall(main, debug.traceback)
if ok then
  say("passed")
  vim.cmd("qall!")
else
  say("FAILED: " .. tostring(err))
  vim.cmd("cquit 1")
end

-- Real-editor test: Neovim 0.7 (headless, built-in LSP client, no plugins) with the README's
-- recipe, editors/neovim/layerlint.lua, loaded as it is: `layerlint-language-server` on PATH
-- is a shim that runs the bundled server. Opens examples/mobilenet_v1_conv.layers, waits
-- (polling, with a deadline) for 13 separable-conv diagnostics and checks the hover on conv2
-- and conv2's code lenses as vim.lsp.codelens resolves them;
-- then examples/yolov3-tiny.cfg (Darknet, under Neovim's own `cfg` filetype) gets
-- diagnostics, and a setup.cfg gets none; `layerlint.bench` on a small network ends in a
-- measured lens (ONNX Runtime from the repository's node_modules). Exits 0 on success, 1 on any failure or error.
-- Run from the repo root (test/editors/run.mjs does):
--   nvim --headless -u NONE -i NONE -n -c 'luafile test/editors/nvim/test.lua'
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

local function with_code(bufnr, code)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if code_of(d) == code then table.insert(out, d) end
  end
  return out
end

--- A folder with a `layerlint-language-server` that runs the bundled server, for PATH.
local function server_shim(root)
  local dir = vim.fn.tempname()
  vim.fn.mkdir(dir, "p")
  local node = os.getenv("LAYERLINT_NODE") or "node"
  local server = os.getenv("LAYERLINT_SERVER") or (root .. "/dist/server.js")
  local path = dir .. "/layerlint-language-server"
  vim.fn.writefile({ "#!/bin/sh", ("exec '%s' '%s' \"$@\""):format(node, server) }, path)
  vim.fn.setfperm(path, "rwxr-xr-x")
  return dir
end

local function open(path)
  vim.cmd("edit " .. vim.fn.fnameescape(path))
  return vim.api.nvim_get_current_buf()
end

local function main()
  local root = vim.fn.getcwd()
  vim.env.PATH = server_shim(root) .. ":" .. vim.env.PATH
  vim.cmd("filetype on")
  dofile(root .. "/editors/neovim/layerlint.lua")

  local bufnr = open("examples/mobilenet_v1_conv.layers")
  assert(vim.bo[bufnr].filetype == "layerspec", "the recipe maps .layers to layerspec")
  local t0 = vim.loop.now()
  local ok = vim.wait(TIMEOUT_MS, function() return #with_code(bufnr, "separable-conv") == 13 end, 50)
  assert(ok, ("expected 13 separable-conv diagnostics within %d ms, got %d (all: %d)"):format(TIMEOUT_MS, #with_code(bufnr, "separable-conv"), #vim.diagnostic.get(bufnr)))
  say(("ok 13 separable-conv diagnostics (%d ms)"):format(vim.loop.now() - t0))

  local lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
  local line, col
  for i, l in ipairs(lines) do
    if l:match("^conv2:") then line, col = i - 1, l:find("conv 64") end
  end
  assert(line and col, "conv2 line not found")
  local client = vim.lsp.get_active_clients({ name = "layerlint" })[1]
  assert(client, "the layerlint client is running")
  local params = { textDocument = { uri = vim.uri_from_bufnr(bufnr) }, position = { line = line, character = col - 1 + 2 } }
  local resp, err = client.request_sync("textDocument/hover", params, TIMEOUT_MS, bufnr)
  assert(resp and not resp.err, "hover request failed: " .. vim.inspect(err or (resp and resp.err)))
  local contents = resp.result and resp.result.contents
  local text = type(contents) == "table" and (contents.value or vim.inspect(contents)) or tostring(contents)
  assert(text:find("231,211,008", 1, true), "hover on conv2 lacks 231,211,008: " .. text)
  say("ok hover on conv2 contains 231,211,008")

  -- Neovim's own code lenses: the per-line lenses come without a command, and
  -- vim.lsp.codelens resolves them (codeLens/resolve) before showing their titles.
  vim.lsp.codelens.refresh()
  local conv2_titles
  ok = vim.wait(TIMEOUT_MS, function()
    conv2_titles = {}
    for _, lens in ipairs(vim.lsp.codelens.get(bufnr) or {}) do
      if lens.range.start.line == line and lens.command then table.insert(conv2_titles, lens.command.title) end
    end
    return #conv2_titles == 2
  end, 50)
  assert(ok, "conv2's two lenses not resolved: " .. vim.inspect(conv2_titles))
  table.sort(conv2_titles)
  assert(conv2_titles[1] == "231.2M MACs (4.8%) · 18.4K params · separable: 29.3M, -87.3%", vim.inspect(conv2_titles))
  assert(conv2_titles[2] == "Make depthwise-separable", vim.inspect(conv2_titles))
  say("ok conv2's lenses resolved by vim.lsp.codelens: " .. table.concat(conv2_titles, " | "))

  -- LayerLint: Measure latency on this machine, with the README's command line, on a small
  -- network; the server runs ONNX Runtime in its bench process, then the network lens shows it.
  local net_path = vim.fn.tempname() .. "-n.layers"
  vim.fn.writefile({ "network n", "input 32x32x16", "c1: conv 32 3x3 | bn | relu", "p: conv 64 1x1", "f: fc 10" }, net_path)
  local net = open(net_path)
  ok = vim.wait(TIMEOUT_MS, function() return #with_code(net, "separable-conv") == 1 end, 50)
  assert(ok, "expected the separable-conv diagnostic on the small network")
  vim.lsp.buf.execute_command({ command = 'layerlint.bench', arguments = { vim.uri_from_bufnr(0) } })
  local measured
  ok = vim.wait(60000, function()
    local r = client.request_sync("textDocument/codeLens", { textDocument = { uri = vim.uri_from_bufnr(net) } }, TIMEOUT_MS, net)
    for _, lens in ipairs((r and r.result) or {}) do
      local title = lens.command and lens.command.title or ""
      if title:match("^measured [%d.]+ ms on this machine, 1 thread, median of 10") then measured = title end
    end
    return measured ~= nil
  end, 200)
  assert(ok, "no measured lens on the network line within 60 s")
  say("ok layerlint.bench: " .. measured)

  local setup_path = vim.fn.tempname() .. "-setup.cfg"
  vim.fn.writefile({ "[metadata]", "name = demo" }, setup_path)
  local setup = open(setup_path)
  local cfg = open("examples/yolov3-tiny.cfg")
  assert(vim.bo[cfg].filetype == "cfg", "Neovim's own filetype for .cfg: " .. vim.bo[cfg].filetype)
  ok = vim.wait(TIMEOUT_MS, function() return #with_code(cfg, "separable-conv") > 0 end, 50)
  assert(ok, "expected separable-conv diagnostics on yolov3-tiny.cfg")
  say(("ok %d separable-conv diagnostics on yolov3-tiny.cfg"):format(#with_code(cfg, "separable-conv")))
  local lenses = client.request_sync("textDocument/codeLens", { textDocument = { uri = vim.uri_from_bufnr(setup) } }, TIMEOUT_MS, setup)
  assert(lenses and not lenses.err and #(lenses.result or {}) == 0, "no lenses on setup.cfg: " .. vim.inspect(lenses))
  assert(#vim.diagnostic.get(setup) == 0, "no diagnostics on setup.cfg")
  say("ok setup.cfg left alone")
  vim.lsp.stop_client(client.id)
end

local ok, err = xpcall(main, debug.traceback)
if ok then
  say("passed")
  vim.cmd("qall!")
else
  say("FAILED: " .. tostring(err))
  vim.cmd("cquit 1")
end

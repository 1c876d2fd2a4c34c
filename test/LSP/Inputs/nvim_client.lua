-- Neovim's own LSP client (0.7, Debian 12) attached to `nasc lsp`: opens
-- $NASC_LSP_FILE, waits for the diagnostics, asks a hover and a definition
-- at $NASC_LSP_LINE:$NASC_LSP_CHAR (0-based), writes what the editor got to
-- $NASC_LSP_OUT and quits. Run headless by test/LSP/neovim.test.
local out = {}
local function say(s) table.insert(out, s) end
local file = os.getenv("NASC_LSP_FILE")
vim.cmd("edit " .. vim.fn.fnameescape(file))
local buf = vim.api.nvim_get_current_buf()
local id = vim.lsp.start_client({
  name = "nasc",
  cmd = { "nasc", "lsp", "--stdlib", os.getenv("NASC_LSP_STDLIB") },
  root_dir = vim.fn.fnamemodify(file, ":p:h"),
})
vim.lsp.buf_attach_client(buf, id)
vim.wait(20000, function() return #vim.diagnostic.get(buf) > 0 end, 20)
for _, d in ipairs(vim.diagnostic.get(buf)) do
  say(string.format("diagnostic %d:%d %s", d.lnum + 1, d.col + 1, d.message))
end
local position = { line = tonumber(os.getenv("NASC_LSP_LINE")), character = tonumber(os.getenv("NASC_LSP_CHAR")) }
local params = { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = position }
for _, r in pairs(vim.lsp.buf_request_sync(buf, "textDocument/hover", params, 20000) or {}) do
  if r.result then say("hover " .. r.result.contents.value:gsub("\n", " | ")) end
end
for _, r in pairs(vim.lsp.buf_request_sync(buf, "textDocument/definition", params, 20000) or {}) do
  if r.result then
    say(string.format("definition %s:%d", vim.fn.fnamemodify(vim.uri_to_fname(r.result.uri), ":t"),
      r.result.range.start.line + 1))
  end
end
vim.lsp.stop_client(id)
vim.wait(2000, function() return vim.lsp.client_is_stopped(id) end, 20)
say("stopped " .. tostring(vim.lsp.client_is_stopped(id)))
vim.fn.writefile(out, os.getenv("NASC_LSP_OUT"))
vim.cmd("qa!")

-- LayerLint in Neovim 0.7 and later, no plugins: every model format (.layers, Caffe
-- .prototxt, Darknet .cfg, Ultralytics .yaml). The server judges .cfg and .yaml files by
-- their content and leaves those that are no model (a setup.cfg, a compose.yaml) alone.
-- Needs `layerlint-language-server` on PATH and `filetype on` (any usual init.lua has it).
-- test/editors/nvim/test.lua runs this file as it is.
for ext, filetype in pairs({ layers = 'layerspec', prototxt = 'prototxt' }) do
  vim.api.nvim_create_autocmd({ 'BufRead', 'BufNewFile' }, {
    pattern = '*.' .. ext,
    callback = function(args) vim.bo[args.buf].filetype = filetype end,
  })
end
local layerlint
vim.api.nvim_create_autocmd('FileType', {
  pattern = { 'layerspec', 'prototxt', 'cfg', 'yaml' },
  callback = function(args)
    layerlint = layerlint
      or vim.lsp.start_client({
        name = 'layerlint',
        cmd = { 'layerlint-language-server', '--stdio' },
        root_dir = vim.fn.getcwd(),
      })
    vim.lsp.buf_attach_client(args.buf, layerlint)
  end,
})

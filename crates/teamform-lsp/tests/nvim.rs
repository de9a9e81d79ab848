//! The server with a real editor as its client: Neovim, headless, opens a policy file with an
//! unknown team reference after accents and an emoji, waits for the diagnostic, fixes the
//! reference by editing the buffer, and waits for the diagnostic to clear.
//!
//! Skipped, with a message, when `nvim` is not installed (`apt-get install -y neovim`).

mod support;

use std::process::Command;
use support::{USERS, Workspace, ZOE_LINE};

/// The Lua script Neovim runs: paths come in through environment variables.
const SCRIPT: &str = r#"
local server, root, file, out = vim.env.TF_SERVER, vim.env.TF_ROOT, vim.env.TF_FILE, vim.env.TF_OUT
local lines = {}
local function record(label)
  table.insert(lines, label)
  for _, d in ipairs(vim.diagnostic.get(0)) do
    local message = d.message:gsub('\n', ' ')
    table.insert(lines, string.format('%d:%d:%s:%s', d.lnum, d.col, tostring(d.code), message))
  end
end
local config = { name = 'teamform', cmd = { server }, root_dir = root,
  workspace_folders = { { uri = vim.uri_from_fname(root), name = 'test' } } }
vim.cmd('edit ' .. vim.fn.fnameescape(file))
local client_id = vim.lsp.start_client(config)
vim.lsp.buf_attach_client(0, client_id)
local found = vim.wait(20000, function() return #vim.diagnostic.get(0) > 0 end, 20)
record(found and 'diagnosed' or 'timeout')
-- Fix the typo as a user would, by editing the buffer (sent as an incremental change).
local row = tonumber(vim.env.TF_LINE)
local text = vim.api.nvim_buf_get_lines(0, row, row + 1, false)[1]
vim.api.nvim_buf_set_lines(0, row, row + 1, false, { (text:gsub('ventes%-fx', 'ventes-fr')) })
local cleared = vim.wait(20000, function() return #vim.diagnostic.get(0) == 0 end, 20)
record(cleared and 'cleared' or 'still there')
vim.fn.writefile(lines, out)
vim.lsp.stop_client(client_id)
vim.cmd('qa!')
"#;

#[test]
fn neovim_shows_the_diagnostic_and_clears_it_after_an_edit() {
    if Command::new("nvim").arg("--version").output().is_err() {
        eprintln!("skipped: `nvim` is not installed (on Debian: `apt-get install -y neovim`)");
        return;
    }
    let ws = Workspace::new();
    let users = ws.file("users.toml");
    std::fs::write(&users, USERS.replace("\"ventes-fr\" }", "\"ventes-fx\" }")).expect("write");
    let script = ws.dir.path().join("test.lua");
    std::fs::write(&script, SCRIPT).expect("write");
    let out = ws.dir.path().join("diagnostics.txt");
    let status = Command::new("nvim")
        .args(["--headless", "-u", "NONE", "-i", "NONE", "-n", "-c"])
        .arg(format!("luafile {}", script.display()))
        .env("TF_SERVER", env!("CARGO_BIN_EXE_teamform-lsp"))
        .env("TF_ROOT", ws.dir.path())
        .env("TF_FILE", &users)
        .env("TF_OUT", &out)
        .env("TF_LINE", ZOE_LINE.to_string())
        .current_dir(ws.dir.path())
        .status()
        .expect("nvim runs");
    assert!(status.success(), "{status:?}");
    let report = std::fs::read_to_string(&out).expect("the script wrote its report");
    let lines: Vec<&str> = report.lines().collect();
    // Neovim reports columns in bytes: the quote of `"ventes-fx"` is byte 79 of its line
    // (UTF-16 column 75, after `é`, `😀` and `Ø`).
    assert_eq!(lines.first(), Some(&"diagnosed"), "{report}");
    assert!(
        lines.get(1).is_some_and(|l| l.starts_with(&format!(
            "{ZOE_LINE}:79:TF0102:unknown team `ventes-fx` help: did you mean `ventes-fr`?"
        ))),
        "{report}"
    );
    assert_eq!(lines.get(2), Some(&"cleared"), "{report}");
    assert_eq!(lines.len(), 3, "{report}");
}

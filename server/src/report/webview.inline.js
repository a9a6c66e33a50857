// The report webview's only script, inlined as text by html.ts (esbuild `text` loader for
// *.inline.js): clicks become messages to the extension; `update` messages replace <main>.
(() => {
  const vscode = acquireVsCodeApi();
  const reveal = (el) => vscode.postMessage({ type: 'reveal', line: Number(el.dataset.line) });
  document.addEventListener('click', (e) => {
    const t = e.target instanceof Element ? e.target : null;
    const btn = t?.closest('button[data-apply]');
    if (btn) {
      e.preventDefault();
      btn.disabled = true;
      vscode.postMessage({ type: 'apply', layer: Number(btn.dataset.apply) });
      return;
    }
    const link = t?.closest('[data-line].link');
    if (link) {
      e.preventDefault();
      reveal(link);
    }
  });
  document.addEventListener('keydown', (e) => {
    const t = e.target instanceof Element ? e.target : null;
    if ((e.key === 'Enter' || e.key === ' ') && t && t.matches('g.link[data-line]')) {
      e.preventDefault();
      reveal(t);
    }
  });
  window.addEventListener('message', (e) => {
    const m = e.data;
    if (m?.type !== 'update' || typeof m.body !== 'string') return;
    const main = document.getElementById('report');
    const open = main.querySelector('details')?.open ?? false;
    const y = window.scrollY;
    main.innerHTML = m.body;
    const d = main.querySelector('details');
    if (d) d.open = open;
    window.scrollTo(0, y);
  });
  vscode.postMessage({ type: 'ready' });
})();

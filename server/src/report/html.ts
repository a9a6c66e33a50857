// The visual cost report: Report + ReportExtras → HTML with inline SVG charts. One renderer
// for the standalone file (`layerlint report FILE --format html`) and the VS Code webview.
//
// Contract: pure (no I/O, no DOM, no Node APIs), so the client and the CLI bundle it alike.
// Output loads nothing: no network, no external resources; a strict CSP meta (default-src
// 'none', styles by nonce, scripts by nonce in the webview and none in the standalone file);
// no inline style attributes. Every string from the source file is HTML-escaped. Every
// figure is the report's own number: exact integers with thousands separators appear in
// the tables and in `data-*` attributes (data-macs, data-params, data-value), compact ones
// (568.7M) in the charts. Colours come from CSS variables that follow VS Code's theme
// (--vscode-*, body classes vscode-light / vscode-dark / vscode-high-contrast) and fall
// back to a light or dark palette (prefers-color-scheme) in a browser.
import { KIND_LABELS, type CostKind } from '../core/costs';
import { ruleDocUrl, type Severity } from '../core/diagnostics';
import { compact, exact } from '../core/format';
import type { Report, ReportLayer } from './model';
import type { GridCell, LayerTraffic, ReportExtras } from './extras';
import STYLE_SHEET from './html.css';
import WEBVIEW_SCRIPT from './webview.inline.js';

export interface HtmlOptions {
  /** 'webview' adds the click/apply script (acquireVsCodeApi) and apply buttons. */
  mode: 'standalone' | 'webview';
  /** CSP nonce for the style (and, in the webview, script) element; derived from the content when absent. */
  nonce?: string;
  /** Machine balance in MACs per byte: layers below it are memory-bound. Default RIDGE_MACS_PER_BYTE. */
  ridge?: number;
  /** Footer line, e.g. the generator and version. */
  generator?: string;
}

/** Reference balance point (fp32 MACs per DRAM byte) of a phone-class CPU; see docs/report.md. */
export const RIDGE_MACS_PER_BYTE = 8;

export const KIND_ORDER: CostKind[] = ['standard', 'pointwise', 'depthwise', 'fc', 'other'];

const WEIGHTED_KINDS = new Set<CostKind>(['standard', 'pointwise', 'depthwise', 'fc']);

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const esc = escapeHtml;
const pct = (part: number, total: number, digits = 2) =>
  total > 0 ? `${((100 * part) / total).toFixed(digits)}%` : '0%';
const num = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(4));
const fmtIntensity = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const fmtRho = (r: number) => ({ 1: '1', [6 / 7]: '6/7', [5 / 7]: '5/7', [4 / 7]: '4/7' })[r] ?? r.toFixed(3);
const shapeText = (s: [number, number, number] | null) => (s ? s.join('×') : '?');

/** FNV-1a, for a deterministic nonce of the standalone file. */
function hash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

/** The `<main>` content: what the webview replaces on each update. */
export function renderReportBody(report: Report, extras: ReportExtras, options: HtmlOptions): string {
  const ctx: Ctx = {
    report,
    extras,
    webview: options.mode === 'webview',
    ridge: options.ridge ?? report.target?.ridgeMacsPerByte ?? RIDGE_MACS_PER_BYTE,
  };
  return [
    header(ctx),
    findingsSection(ctx),
    layerChart(ctx),
    breakdown(ctx),
    gridSection(ctx),
    intensitySection(ctx),
    candidatesSection(ctx),
    layerTable(ctx),
  ].join('\n');
}

/** A complete, self-contained HTML document. */
export function renderHtmlReport(report: Report, extras: ReportExtras, options: HtmlOptions): string {
  const body = renderReportBody(report, extras, options);
  const nonce = options.nonce ?? hash(body);
  const webview = options.mode === 'webview';
  const csp = `default-src 'none'; style-src 'nonce-${nonce}'; script-src ${webview ? `'nonce-${nonce}'` : "'none'"}; img-src 'none'; font-src 'none'; connect-src 'none'; form-action 'none'; base-uri 'none'`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(report.network || report.file)}: LayerLint cost report</title>
<style nonce="${nonce}">:root { --chart-width: ${W}px; }${STYLE_SHEET}</style>
</head>
<body class="${webview ? 'webview' : 'standalone'}">
<main id="report">
${body}
</main>
<footer>${esc(options.generator ?? 'LayerLint')} · counting conventions: docs/counting.md · charts: docs/report.md</footer>
${webview ? `<script nonce="${nonce}">${WEBVIEW_SCRIPT}</script>` : ''}
</body>
</html>
`;
}

interface Ctx {
  report: Report;
  extras: ReportExtras;
  webview: boolean;
  ridge: number;
}

/** A clickable element that leads to a source line: a reveal in the webview, an anchor to the table row in the file. */
function lineLink(ctx: Ctx, index: number, line: number, inner: string, svg = false): string {
  if (ctx.webview)
    return svg
      ? `<g class="link" tabindex="0" role="link" data-line="${line}" aria-label="line ${line}">${inner}</g>`
      : `<a class="link" href="#" data-line="${line}">${inner}</a>`;
  return `<a class="link" href="#layer-${index}" data-line="${line}">${inner}</a>`;
}

function header(ctx: Ctx): string {
  const r = ctx.report;
  const t = r.totals;
  const stat = (key: string, label: string, value: number, unit = '') =>
    `<div class="stat"><dt>${label}</dt><dd class="big" data-total="${key}" data-value="${value}">${compact(value)}${unit}</dd><dd class="exact">${exact(value)}</dd></div>`;
  const meta = [
    esc(r.file),
    `${esc(r.format)} format`,
    `input ${shapeText(r.input)}`,
    r.batch > 1 ? `batch ${r.batch}` : '',
    `α ${r.width}`,
  ]
    .filter(Boolean)
    .join(' · ');
  let budget = '';
  if (r.budget) {
    const parts: string[] = [];
    if (r.budget.macs !== undefined)
      parts.push(
        `${compact(r.budget.macs)} MACs${t.macs > r.budget.macs ? ' <strong class="over">exceeded</strong>' : ' ✓'}`,
      );
    if (r.budget.params !== undefined)
      parts.push(
        `${compact(r.budget.params)} params${t.params > r.budget.params ? ' <strong class="over">exceeded</strong>' : ' ✓'}`,
      );
    if (r.budget.activationBytes !== undefined)
      parts.push(
        `${compact(r.budget.activationBytes)}B peak activations${t.peakActivationBytes > r.budget.activationBytes ? ' <strong class="over">exceeded</strong>' : ' ✓'}`,
      );
    budget = `<p class="budget">Budget: ${parts.join(' · ')}</p>`;
  }
  const errors = r.diagnostics.filter((d) => d.severity === 'error').length;
  const warn = !r.complete
    ? `<p class="warn">Partial: some shapes could not be inferred, so the totals leave those layers out${errors ? ` (${errors} error${errors > 1 ? 's' : ''})` : ''}.</p>`
    : errors
      ? `<p class="warn">${errors} error${errors > 1 ? 's' : ''} in the file.</p>`
      : '';
  return `<header>
<h1>${esc(r.network || r.file)} <span class="muted">cost report</span></h1>
<p class="meta">${meta}</p>
<dl class="totals">${stat('macs', 'MACs', t.macs)}${stat('params', 'Parameters', t.params)}${stat('flops', 'FLOPs', t.flops)}${stat('peakActivationBytes', `Peak activation memory (${r.peakActivation.precision}${r.peakActivation.complete ? '' : ', at least'})`, t.peakActivationBytes, 'B')}${stat('activations', 'All activations (sum)', t.activations)}${stat('activationBytes', 'All activations (sum, fp32)', t.activationBytes, 'B')}</dl>
${peakNote(r)}
${budget}${warn}
</header>`;
}

/** How many of the buffers live at the peak the report names. */
const LIVE_SHOWN = 8;

/** Where the peak activation memory is reached and what is live there (docs/counting.md#peak-activation-memory). */
function peakNote(r: Report): string {
  const p = r.peakActivation;
  if (p.layer === undefined) return '';
  const live = p.live
    .slice(0, LIVE_SHOWN)
    .map((t) => `${esc(t.name)} ${shapeText(t.shape)} (${compact(t.bytes)}B)`)
    .join(', ');
  const more = p.live.length > LIVE_SHOWN ? ` and ${p.live.length - LIVE_SHOWN} more` : '';
  return `<p class="meta" data-peak-layer="${esc(p.layer)}">Peak at ${esc(p.layer)} (line ${p.line}${p.batch > 1 ? `, batch ${p.batch}` : ''}): live ${live}${more}.</p>`;
}

function legend(extra = ''): string {
  const items = KIND_ORDER.filter((k) => k !== 'other').map(
    (k) =>
      `<span class="key"><svg width="12" height="12" aria-hidden="true"><rect class="k-${k}" width="12" height="12" rx="2"/></svg>${KIND_LABELS[k]}</span>`,
  );
  return `<p class="legend">${items.join('')}${extra}</p>`;
}

function weightedRows(ctx: Ctx): { l: ReportLayer; i: number }[] {
  return ctx.report.layers.map((l, i) => ({ l, i })).filter(({ l }) => WEIGHTED_KINDS.has(l.kind));
}

const ROW = 20;
const BAR = 14;
const W = 960;
/** The per-layer chart's width: MACs and parameters side by side in about 600 px, so a report beside the editor (half a screen) shows both, with their labels. */
const LAYER_CHART_W = 610;

function layerChart(ctx: Ctx): string {
  const rows = weightedRows(ctx);
  if (!rows.length)
    return `<section id="layers"><h2>Cost per layer</h2><p class="muted">No weighted layers (conv, dwconv, deconv, fc) with a known shape.</p></section>`;
  const maxMacs = Math.max(1, ...rows.map(({ l }) => l.macs));
  const maxParams = Math.max(1, ...rows.map(({ l }) => l.params));
  const labelW = 160,
    colW = 180,
    gap = 50,
    x1 = labelW,
    x2 = labelW + colW + gap;
  const top = 22;
  const h = top + rows.length * ROW + 4;
  const out: string[] = [];
  out.push(`<text class="axis" x="${x1}" y="14">MACs</text><text class="axis" x="${x2}" y="14">Parameters</text>`);
  rows.forEach(({ l, i }, n) => {
    const y = top + n * ROW;
    const sep = ctx.extras.separable[i];
    const cls = `row k-${l.kind}${sep ? ' cand' : ''}`;
    const wm = (colW * l.macs) / maxMacs,
      wp = (colW * l.params) / maxParams;
    const title = `${l.name} · line ${l.line} · ${l.op} (${KIND_LABELS[l.kind]}) · output ${shapeText(l.output)} · ${exact(l.macs)} MACs (${l.share}%) · ${exact(l.params)} params${sep ? ` · separable: ${exact(sep.separableMacs)} MACs` : ''}`;
    const ghost = sep
      ? `<rect class="ghost" x="${x1}" y="${y + 3}" width="${num((colW * sep.separableMacs) / maxMacs)}" height="${BAR - 6}"/>`
      : '';
    const inner =
      `<title>${esc(title)}</title>` +
      `<rect class="hit" x="0" y="${y - 2}" width="${LAYER_CHART_W}" height="${ROW}"/>` +
      `<text class="name" x="${labelW - 44}" y="${y + 11}" text-anchor="end">${sep ? '<tspan class="mark">◆ </tspan>' : ''}${esc(truncate(l.name, 18))}</text>` +
      `<text class="lineno" x="${labelW - 8}" y="${y + 11}" text-anchor="end">L${l.line}</text>` +
      `<rect class="bar" x="${x1}" y="${y}" width="${num(Math.max(wm, l.macs > 0 ? 1 : 0))}" height="${BAR}" rx="2"/>${ghost}` +
      `<text class="val" x="${num(x1 + wm + 4)}" y="${y + 11}">${compact(l.macs)}</text>` +
      `<rect class="bar" x="${x2}" y="${y}" width="${num(Math.max(wp, l.params > 0 ? 1 : 0))}" height="${BAR}" rx="2"/>` +
      `<text class="val" x="${num(x2 + wp + 4)}" y="${y + 11}">${compact(l.params)}</text>`;
    out.push(
      `<g class="${cls}" data-layer="${i}" data-name="${esc(l.name)}" data-macs="${l.macs}" data-params="${l.params}">${lineLink(ctx, i, l.line, inner, true)}</g>`,
    );
  });
  const candNote = ctx.extras.candidates.length
    ? '<span class="key"><span class="mark">◆</span> depthwise-separable candidate (light inner bar: its separable cost)</span>'
    : '';
  return `<section id="layers">
<h2>Cost per layer <span class="muted">(network order, weighted layers)</span></h2>
${legend(candNote)}
<div class="scroll"><svg class="chart layer-chart" viewBox="0 0 ${LAYER_CHART_W} ${h}" role="img" aria-label="MACs and parameters per layer">${out.join('')}</svg></div>
<p class="note">${ctx.webview ? 'Click a bar to go to its line.' : 'Click a bar for the layer’s row in the table below; hover for exact figures.'}</p>
</section>`;
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

function stackedBar(values: { kind: CostKind; value: number }[], total: number, label: string): string {
  let x = 0;
  const parts = values
    .filter((v) => v.value > 0)
    .map((v) => {
      const w = total > 0 ? (W * v.value) / total : 0;
      const r = `<rect class="k-${v.kind}" x="${num(x)}" y="0" width="${num(w)}" height="18"><title>${esc(`${KIND_LABELS[v.kind]}: ${exact(v.value)} (${pct(v.value, total)})`)}</title></rect>`;
      x += w;
      return r;
    });
  return `<svg class="stack" viewBox="0 0 ${W} 18" preserveAspectRatio="none" role="img" aria-label="${esc(label)}">${parts.join('')}</svg>`;
}

function breakdown(ctx: Ctx): string {
  const r = ctx.report;
  const rows = KIND_ORDER.map((k) => {
    const b = r.byKind[k];
    return `<tr data-kind="${k}"><th scope="row"><svg width="10" height="10" aria-hidden="true"><rect class="k-${k}" width="10" height="10" rx="2"/></svg> ${KIND_LABELS[k]}</th><td class="num" data-macs="${b.macs}">${exact(b.macs)}</td><td class="num">${pct(b.macs, r.totals.macs)}</td><td class="num" data-params="${b.params}">${exact(b.params)}</td><td class="num">${pct(b.params, r.totals.params)}</td></tr>`;
  });
  return `<section id="kinds">
<h2>Breakdown by kind <span class="muted">(as Table 2 of the MobileNet paper)</span></h2>
<div class="stacks"><span class="stack-label">MACs</span>${stackedBar(
    KIND_ORDER.map((k) => ({ kind: k, value: r.byKind[k].macs })),
    r.totals.macs,
    'MACs by kind',
  )}
<span class="stack-label">Params</span>${stackedBar(
    KIND_ORDER.map((k) => ({ kind: k, value: r.byKind[k].params })),
    r.totals.params,
    'Parameters by kind',
  )}</div>
<table class="data"><thead><tr><th>Type</th><th class="num">MACs</th><th class="num">share</th><th class="num">Parameters</th><th class="num">share</th></tr></thead>
<tbody>${rows.join('')}</tbody>
<tfoot><tr><th scope="row">Total</th><td class="num">${exact(r.totals.macs)}</td><td class="num">100%</td><td class="num">${exact(r.totals.params)}</td><td class="num">100%</td></tr></tfoot></table>
</section>`;
}

function gridSection(ctx: Ctx): string {
  const g = ctx.extras.grid;
  if (!g)
    return `<section id="grid"><h2>Width α × resolution ρ</h2><p class="muted">No input size, so no estimates.</p></section>`;
  const max = Math.max(1, ...g.cells.flat().map((c) => c.macs));
  const cell = (c: GridCell) => {
    const level = Math.min(7, Math.floor((8 * c.macs) / (max + 1)));
    const current = c.alpha === g.current.alpha && c.side === g.current.side;
    const cls = `cell h${level}${c.overBudget ? ' over' : ''}${current ? ' current' : ''}`;
    const title = `α ${c.alpha}, input ${c.side}: ${exact(c.macs)} MACs, ${exact(c.params)} params${c.overBudget ? ' (over budget)' : ''}${c.complete ? '' : ' (partial)'}`;
    return `<td class="${cls}" data-alpha="${c.alpha}" data-side="${c.side}" data-macs="${c.macs}" data-params="${c.params}" title="${esc(title)}"><span class="cm">${compact(c.macs)}</span><span class="cp">${compact(c.params)} params</span>${c.overBudget ? '<span class="flag">over budget</span>' : ''}${current ? '<span class="flag cur">this file</span>' : ''}</td>`;
  };
  const head = g.sides
    .map((s, j) => `<th scope="col">${s}<span class="muted"> (ρ ${fmtRho(g.rhos[j]!)})</span></th>`)
    .join('');
  const body = g.cells
    .map((row, i) => `<tr><th scope="row">α ${g.alphas[i]}</th>${row.map(cell).join('')}</tr>`)
    .join('');
  const b = g.budget;
  const budgetText = b
    ? `Budget: ${[b.macs !== undefined ? `${exact(b.macs)} MACs` : '', b.params !== undefined ? `${exact(b.params)} parameters` : ''].filter(Boolean).join(' and ')}; cells over it are hatched and marked.${ctx.report.budget?.fit.alpha !== undefined ? ` Largest α that fits: ${ctx.report.budget.fit.alpha}.` : ''}${ctx.report.budget?.fit.side !== undefined ? ` Largest input side that fits: ${ctx.report.budget.fit.side}.` : ''}`
    : 'No budget in the file (add <code>budget macs=300M</code> to draw one).';
  return `<section id="grid">
<h2>Width α × resolution ρ <span class="muted">(total MACs and parameters, exact recounts)</span></h2>
<table class="grid"><thead><tr><th><span class="muted">α \\ input</span></th>${head}</tr></thead><tbody>${body}</tbody></table>
<p class="note">${budgetText} Cost shrinks about as α² and ρ²; parameters depend on α only.</p>
</section>`;
}

function intensitySection(ctx: Ctx): string {
  const rows = weightedRows(ctx).filter(({ i }) => ctx.extras.traffic[i]);
  if (!rows.length) return '';
  const tr = (i: number) => ctx.extras.traffic[i]!;
  const ridge = ctx.ridge;
  const values = rows.map(({ i }) => tr(i).intensity).filter((x) => x > 0);
  const lo = 10 ** Math.floor(Math.log10(Math.min(ridge, ...values)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(ridge * 1.01, ...values)));
  const labelW = 190,
    plotW = 640,
    top = 22;
  const xOf = (v: number) =>
    labelW + (plotW * (Math.log10(Math.max(v, lo)) - Math.log10(lo))) / (Math.log10(hi) - Math.log10(lo));
  const h = top + rows.length * ROW + 6;
  const out: string[] = [];
  for (let d = lo; d <= hi * 1.0001; d *= 10) {
    const x = num(xOf(d));
    out.push(
      `<line class="tick" x1="${x}" x2="${x}" y1="${top - 4}" y2="${h - 4}"/><text class="axis" x="${x}" y="14" text-anchor="middle">${d >= 1 ? d : d.toPrecision(1)}</text>`,
    );
  }
  const xr = num(xOf(ridge));
  out.push(
    `<rect class="membound" x="${labelW}" y="${top - 4}" width="${num(xOf(ridge) - labelW)}" height="${h - top}"/>`,
  );
  rows.forEach(({ l, i }, n) => {
    const y = top + n * ROW;
    const t = tr(i);
    const bound = t.intensity < ridge ? 'memory-bound' : 'compute-bound';
    const title = `${l.name} · line ${l.line} · ${KIND_LABELS[l.kind]} · ${exact(l.macs)} MACs / ${exact(t.bytes)} bytes = ${fmtIntensity(t.intensity)} MACs/byte · ${bound}${t.gemm ? ` · GEMM ${t.gemm.map(exact).join(' × ')}` : ''}`;
    const w = xOf(t.intensity) - labelW;
    const inner =
      `<title>${esc(title)}</title><rect class="hit" x="0" y="${y - 2}" width="${W}" height="${ROW}"/>` +
      `<text class="name" x="${labelW - 48}" y="${y + 11}" text-anchor="end">${esc(truncate(l.name, 24))}</text><text class="lineno" x="${labelW - 8}" y="${y + 11}" text-anchor="end">L${l.line}</text>` +
      `<rect class="bar" x="${labelW}" y="${y}" width="${num(Math.max(1, w))}" height="${BAR}" rx="2"/>` +
      `<text class="val" x="${num(labelW + w + 4)}" y="${y + 11}">${fmtIntensity(t.intensity)}</text>`;
    out.push(
      `<g class="row k-${l.kind} ${bound}" data-layer="${i}" data-intensity="${t.intensity}" data-bytes="${t.bytes}">${lineLink(ctx, i, l.line, inner, true)}</g>`,
    );
  });
  out.push(
    `<line class="ridge" x1="${xr}" x2="${xr}" y1="${top - 6}" y2="${h + 10}"/>` +
      `<text class="ridge-label" x="${num(xOf(ridge) - 6)}" y="${h + 12}" text-anchor="end">◀ memory-bound</text>` +
      `<text class="ridge-label" x="${num(xOf(ridge) + 6)}" y="${h + 12}">compute-bound ▶ (ridge ${ridge} MACs/byte${ctx.report.target ? ` on ${esc(ctx.report.target.id)}` : ''})</text>`,
  );

  // Per kind: aggregate intensity (sum of MACs over sum of bytes) and how many layers are memory-bound.
  const agg = new Map<CostKind, { n: number; macs: number; bytes: number; mem: number }>();
  for (const { l, i } of rows) {
    const a = agg.get(l.kind) ?? { n: 0, macs: 0, bytes: 0, mem: 0 };
    a.n++;
    a.macs += l.macs;
    a.bytes += tr(i).bytes;
    if (tr(i).intensity < ridge) a.mem++;
    agg.set(l.kind, a);
  }
  const kindRows = KIND_ORDER.filter((k) => agg.has(k)).map((k) => {
    const a = agg.get(k)!;
    return `<tr data-kind="${k}"><th scope="row"><svg width="10" height="10" aria-hidden="true"><rect class="k-${k}" width="10" height="10" rx="2"/></svg> ${KIND_LABELS[k]}</th><td class="num">${a.n}</td><td class="num">${exact(a.macs)}</td><td class="num">${exact(a.bytes)}</td><td class="num">${fmtIntensity(a.macs / a.bytes)}</td><td class="num">${a.mem} of ${a.n}</td></tr>`;
  });
  return `<section id="intensity">
<h2>Memory-bound or compute-bound <span class="muted">(arithmetic intensity, MACs per byte moved, log scale)</span></h2>
<p class="note">Bytes moved = 4 × (input elements + output elements + parameters), fp32. Left of the ridge (shaded) a layer waits on memory; right of it, on arithmetic.</p>
<div class="scroll"><svg class="chart" viewBox="0 0 ${W} ${h + 18}" role="img" aria-label="Arithmetic intensity per layer">${out.join('')}</svg></div>
${intensityNote(rows, tr)}
<table class="data"><thead><tr><th>Type</th><th class="num">layers</th><th class="num">MACs</th><th class="num">bytes moved</th><th class="num">MACs/byte</th><th class="num">memory-bound</th></tr></thead><tbody>${kindRows.join('')}</tbody></table>
</section>`;
}

function intensityNote(rows: { l: ReportLayer; i: number }[], tr: (i: number) => LayerTraffic): string {
  const largest = (k: CostKind) => rows.filter(({ l }) => l.kind === k).sort((a, b) => b.l.macs - a.l.macs)[0];
  const pw = largest('pointwise');
  const dw = largest('depthwise');
  const parts: string[] = [];
  if (pw) {
    const g = tr(pw.i).gemm;
    parts.push(
      `A 1x1 convolution is a matrix multiply on the input exactly as it lies in memory (no im2col): <b>${esc(pw.l.name)}</b> is a GEMM of ${g ? g.map(exact).join(' × ') : '?'} (pixels × input channels × output channels) at ${fmtIntensity(tr(pw.i).intensity)} MACs/byte.`,
    );
  }
  if (dw)
    parts.push(
      `A depthwise convolution does only K×K MACs per input value it reads: <b>${esc(dw.l.name)}</b> reaches ${fmtIntensity(tr(dw.i).intensity)} MACs/byte, so it is bound by memory, not arithmetic.`,
    );
  if (!parts.length) return '';
  return `<p class="note">${parts.join(' ')}</p>`;
}

const SEVERITY_ORDER: Severity[] = ['error', 'warning', 'info', 'hint'];

/** Every diagnostic of the file, most severe first, each with its rule's documentation and a link to its line. */
function findingsSection(ctx: Ctx): string {
  const ds = [...ctx.report.diagnostics].sort(
    (a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) || a.line - b.line,
  );
  if (!ds.length) return `<section id="findings"><h2>Findings</h2><p class="muted">None.</p></section>`;
  const layerAt = new Map<number, number>();
  ctx.report.layers.forEach((l, i) => {
    if (!layerAt.has(l.line)) layerAt.set(l.line, i);
  });
  const rows = ds.map((d) => {
    const layer = layerAt.get(d.line);
    const line = layer === undefined ? String(d.line) : lineLink(ctx, layer, d.line, String(d.line));
    return `<tr class="finding sev-${d.severity}" data-code="${esc(d.code)}" data-line="${d.line}"><td>${d.severity}</td><td><a href="${esc(ruleDocUrl(d.code))}">${esc(d.code)}</a></td><td class="num">${line}</td><td>${esc(d.message)}</td></tr>`;
  });
  const counts = SEVERITY_ORDER.map((s) => [s, ds.filter((d) => d.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}${n > 1 && s !== 'info' ? 's' : ''}`);
  return `<section id="findings">
<h2>Findings <span class="muted">(${counts.join(', ')})</span></h2>
<table class="data findings"><thead><tr><th>severity</th><th>rule</th><th class="num">line</th><th>message</th></tr></thead>
<tbody>${rows.join('')}</tbody></table>
</section>`;
}

function candidatesSection(ctx: Ctx): string {
  const cs = ctx.extras.candidates;
  const r = ctx.report;
  if (!cs.length)
    return `<section id="candidates"><h2>Depthwise-separable candidates</h2><p class="muted">None: no standard KxK convolution here would be cheaper as depthwise + pointwise.</p></section>`;
  const saved = cs.reduce((a, c) => a + c.macs - c.separableMacs, 0);
  const rows = cs.map((c) => {
    const s = c.macs - c.separableMacs;
    // The button sits by the layer's name: at half a screen the right-hand columns scroll, it must not.
    const apply = ctx.webview
      ? ` <button class="apply" data-apply="${c.layer}" title="Rewrite as depthwise + BN + activation + pointwise + BN">Make depthwise-separable</button>`
      : '';
    return `<tr class="cand-row" data-layer="${c.layer}" data-line="${c.line}" data-macs="${c.macs}" data-separable-macs="${c.separableMacs}"><th scope="row">${lineLink(ctx, c.layers[0]!, c.line, esc(c.name))}${c.layers.length > 1 ? ` <span class="muted">×${c.layers.length}</span>` : ''}${apply}</th><td class="num saved">−${exact(s)} <span class="muted">(−${((100 * s) / c.macs).toFixed(1)}%)</span></td><td class="num">${exact(c.macs)}</td><td class="num wide">${exact(c.separableMacs)}</td><td class="num wide">${c.line}</td><td class="num wide">${exact(c.params)} → ${exact(c.separableParams)}</td><td class="num wide">${c.ratio.toFixed(3)}</td></tr>`;
  });
  return `<section id="candidates">
<h2>Depthwise-separable candidates <span class="muted">(${cs.length})</span></h2>
<p class="note">Rewriting all of them saves ${exact(saved)} MACs: ${exact(r.totals.macs)} → ${exact(r.totals.macs - saved)} (−${pct(saved, r.totals.macs, 1)}). Ratio = 1/N + 1/K².</p>
<table class="data"><thead><tr><th>Layer</th><th class="num">saved</th><th class="num">MACs now</th><th class="num wide">separable</th><th class="num wide">line</th><th class="num wide">params now → separable</th><th class="num wide">ratio</th></tr></thead>
<tbody>${rows.join('')}</tbody></table>
</section>`;
}

function layerTable(ctx: Ctx): string {
  const r = ctx.report;
  const rows = r.layers.map((l, i) => {
    const t = ctx.extras.traffic[i];
    return `<tr id="layer-${i}" class="layer-row" data-layer="${i}" data-name="${esc(l.name)}" data-macs="${l.macs}" data-params="${l.params}"><td class="num">${i}</td><th scope="row">${lineLink(ctx, i, l.line, esc(l.name))}</th><td>${esc(l.op)}</td><td>${l.kind === 'other' ? '' : KIND_LABELS[l.kind]}</td><td class="num">${l.line}</td><td class="num">${shapeText(l.output)}</td><td class="num macs"${l.formula ? ` title="${esc(l.formula)}"` : ''}>${exact(l.macs)}</td><td class="num">${l.share ? `${l.share}%` : ''}</td><td class="num params">${exact(l.params)}</td><td class="num">${t ? exact(t.bytes) : ''}</td><td class="num">${t ? fmtIntensity(t.intensity) : ''}</td></tr>`;
  });
  return `<section id="table">
<details${ctx.webview ? '' : ' open'}><summary><h2>All layers <span class="muted">(${r.layers.length}, exact figures)</span></h2></summary>
<table class="data layers"><thead><tr><th class="num">#</th><th>Layer</th><th>op</th><th>kind</th><th class="num">line</th><th class="num">output</th><th class="num">MACs</th><th class="num">share</th><th class="num">params</th><th class="num">bytes moved</th><th class="num">MACs/byte</th></tr></thead>
<tbody>${rows.join('')}</tbody>
<tfoot><tr><td></td><th scope="row">Total</th><td></td><td></td><td></td><td></td><td class="num">${exact(r.totals.macs)}</td><td class="num">100%</td><td class="num">${exact(r.totals.params)}</td><td></td><td></td></tr></tfoot></table>
</details>
</section>`;
}

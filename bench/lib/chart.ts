/** A hand-written SVG of latency CDFs: one panel per figure, one line per variant, log-scale x. */

export interface Series {
  label: string;
  color: string;
  /** [value ms, cumulative share 0..1], sorted by share. */
  points: Array<[number, number]>;
}

export interface Panel {
  title: string;
  subtitle?: string;
  series: Series[];
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function fmtMs(v: number): string {
  if (v >= 1000) return `${v / 1000} s`;
  if (v >= 1) return `${v} ms`;
  return `${v * 1000} µs`;
}

function panelSvg(panel: Panel, x0: number, y0: number, w: number, h: number): string {
  const m = { left: 52, right: 14, top: 42, bottom: 40 };
  const pw = w - m.left - m.right;
  const ph = h - m.top - m.bottom;
  const values = panel.series.flatMap((s) => s.points.map((p) => Math.max(p[0], 0.1)));
  const out: string[] = [];
  out.push(`<g transform="translate(${x0},${y0})">`);
  out.push(`<text x="${m.left}" y="18" font-size="14" font-weight="600">${esc(panel.title)}</text>`);
  if (panel.subtitle) out.push(`<text x="${m.left}" y="33" font-size="11" fill="#555">${esc(panel.subtitle)}</text>`);
  if (!values.length) {
    out.push(
      `<text x="${m.left + pw / 2}" y="${m.top + ph / 2}" text-anchor="middle" font-size="12" fill="#888">no data</text></g>`,
    );
    return out.join('\n');
  }
  const lo = Math.floor(Math.log10(Math.min(...values)));
  const hi = Math.ceil(Math.log10(Math.max(...values) * 1.0001));
  const decades = Math.max(1, hi - lo);
  const sx = (v: number) => m.left + ((Math.log10(Math.max(v, 10 ** lo)) - lo) / decades) * pw;
  const sy = (q: number) => m.top + (1 - q) * ph;
  // Grid: decades (and 2, 5 within) on x; quartiles on y.
  for (let d = lo; d <= hi; d++) {
    for (const k of [1, 2, 5]) {
      const v = k * 10 ** d;
      if (Math.log10(v) > hi + 1e-9) continue;
      const x = sx(v).toFixed(1);
      out.push(`<line x1="${x}" y1="${m.top}" x2="${x}" y2="${m.top + ph}" stroke="${k === 1 ? '#ccc' : '#eee'}"/>`);
      if (k === 1 || decades <= 2) {
        out.push(
          `<text x="${x}" y="${m.top + ph + 14}" font-size="10" text-anchor="middle" fill="#444">${fmtMs(v)}</text>`,
        );
      }
    }
  }
  for (const q of [0, 0.25, 0.5, 0.75, 0.9, 0.99]) {
    const y = sy(q).toFixed(1);
    out.push(
      `<line x1="${m.left}" y1="${y}" x2="${m.left + pw}" y2="${y}" stroke="${q === 0.99 || q === 0.9 ? '#f0d0d0' : '#eee'}"/>`,
    );
    out.push(
      `<text x="${m.left - 4}" y="${(sy(q) + 3).toFixed(1)}" font-size="10" text-anchor="end" fill="#444">${q === 0.99 ? 'p99' : q === 0.9 ? 'p90' : `${q * 100}%`}</text>`,
    );
  }
  out.push(`<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>`);
  out.push(
    `<text x="${m.left + pw / 2}" y="${h - 6}" font-size="10" text-anchor="middle" fill="#444">milliseconds (log scale)</text>`,
  );
  // Lines: a step CDF through the quantile points.
  let ly = m.top + ph - 8;
  for (const s of [...panel.series].reverse()) {
    if (!s.points.length) continue;
    const d = s.points
      .map(([v, q], i) => {
        const x = sx(Math.max(v, 0.1)).toFixed(1);
        const y = sy(q).toFixed(1);
        if (i === 0) return `M${x},${sy(0).toFixed(1)} L${x},${y}`;
        const prevY = sy(s.points[i - 1][1]).toFixed(1);
        return `L${x},${prevY} L${x},${y}`;
      })
      .join(' ');
    out.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
    out.push(`<rect x="${m.left + pw - 150}" y="${ly - 8}" width="10" height="10" fill="${s.color}"/>`);
    out.push(`<text x="${m.left + pw - 136}" y="${ly + 1}" font-size="11">${esc(s.label)}</text>`);
    ly -= 15;
  }
  out.push('</g>');
  return out.join('\n');
}

export function cdfChartSvg(title: string, panels: Panel[], columns = 2): string {
  const w = 480;
  const h = 320;
  const rows = Math.ceil(panels.length / columns);
  const width = w * columns;
  const height = h * rows + 34;
  const body = panels.map((p, i) => panelSvg(p, (i % columns) * w, 34 + Math.floor(i / columns) * h, w, h)).join('\n');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="12" y="22" font-size="15" font-weight="700">${esc(title)}</text>`,
    body,
    '</svg>',
    '',
  ].join('\n');
}

// @vitest-environment node
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const css = readFileSync(
  fileURLToPath(new URL('./main.css', import.meta.url)),
  'utf8',
);

function variables(block: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const [, name, value] of block.matchAll(
    /--(color-[\w-]+):\s*(#[0-9a-f]{6})\s*;/gi,
  )) {
    found[name!] = value!;
  }
  return found;
}

const darkStart = css.indexOf('@media (prefers-color-scheme: dark)');
const light = variables(css.slice(0, darkStart));
const dark = { ...light, ...variables(css.slice(darkStart)) };

function luminance(hex: string): number {
  const channels = [1, 3, 5].map(
    (i) => parseInt(hex.slice(i, i + 2), 16) / 255,
  );
  const [r, g, b] = channels.map((c) =>
    c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4,
  );
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

/** [foreground, background] pairs of text actually used. */
const TEXT_PAIRS = [
  ['text', 'bg'],
  ['text', 'surface'],
  ['muted', 'bg'],
  ['muted', 'surface'],
  ['link', 'surface'],
  ['danger', 'surface'],
  ['on-facebook', 'facebook'],
  ['on-facebook', 'facebook-hover'],
  ['on-facebook', 'facebook-active'],
  ['on-google', 'google'],
  ['on-google', 'google-hover'],
  ['on-google', 'google-active'],
  ['on-secondary', 'secondary-bg'],
  ['on-secondary', 'secondary-hover'],
] as const;

/** Focus rings and the spinner: non-text contrast (3:1). */
const UI_PAIRS = [
  ['focus', 'bg'],
  ['focus', 'surface'],
  ['accent', 'surface'],
  // The Google button's outline against the card.
  ['google-border', 'surface'],
] as const;

describe.each([
  ['light', light],
  ['dark', dark],
])('%s palette', (_, palette) => {
  const color = (name: string) => {
    const value = palette[`color-${name}`];
    if (!value) throw new Error(`--color-${name} is not a #rrggbb colour`);
    return value;
  };

  it.each(TEXT_PAIRS)('%s on %s reaches 4.5:1', (fg, bg) => {
    expect(contrast(color(fg), color(bg))).toBeGreaterThanOrEqual(4.5);
  });

  it.each(UI_PAIRS)('%s on %s reaches 3:1', (fg, bg) => {
    expect(contrast(color(fg), color(bg))).toBeGreaterThanOrEqual(3);
  });
});

describe('contrast', () => {
  it('matches known values', () => {
    expect(contrast('#ffffff', '#000000')).toBeCloseTo(21, 5);
    // Why the button is not #1877F2: white on it is only ~4.2:1.
    expect(contrast('#ffffff', '#1877f2')).toBeLessThan(4.5);
  });
});

/**
 * A grouped bar chart as hand-written SVG (no chart library): one group per category, one bar per
 * series in each group, on a log10 value axis with a gridline per decade, a title, an axis label and
 * a legend. A missing or non-positive value gets no bar but an `n/a` mark. Pure: returns the text.
 */

export interface BarChartSeries {
  readonly label: string;
  /** A CSS colour. */
  readonly color: string;
}

export interface BarChartGroup {
  readonly label: string;
  /** One value per series, in the series' order; undefined = no figure. */
  readonly values: readonly (number | undefined)[];
}

export interface BarChartSpec {
  readonly title: string;
  /** The value axis' label; the chart adds "(log scale)". */
  readonly valueLabel: string;
  readonly series: readonly BarChartSeries[];
  readonly groups: readonly BarChartGroup[];
  /** A bar's tooltip text of its value; default: the number with SI prefix k/M (as the ticks). */
  readonly formatValue?: (value: number) => string;
}

const BAR_WIDTH = 16;
const GROUP_GAP = 18;
const PLOT_HEIGHT = 260;
const MARGIN = { top: 64, right: 24, bottom: 40, left: 78 } as const;

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function siFormat(value: number): string {
  if (value >= 1e6) return `${+(value / 1e6).toPrecision(3)} M`;
  if (value >= 1e3) return `${+(value / 1e3).toPrecision(3)} k`;
  return `${+value.toPrecision(3)}`;
}

/** The decades [10^lo, 10^hi] that hold every positive value (one decade around a single value). */
export function logDomain(values: readonly number[]): { readonly lo: number; readonly hi: number } {
  const positive = values.filter((v) => Number.isFinite(v) && v > 0);
  if (positive.length === 0) return { lo: 0, hi: 1 };
  // A value on a decade still gets a visible bar: the axis starts a decade below it.
  const lo = Math.floor(Math.log10(Math.min(...positive)) - 1e-9);
  const hi = Math.ceil(Math.log10(Math.max(...positive)));
  return { lo, hi: hi > lo ? hi : lo + 1 };
}

function n(value: number): string {
  return Number(value.toFixed(1)).toString();
}

export function renderBarChart(spec: BarChartSpec): string {
  const format = spec.formatValue ?? siFormat;
  const seriesCount = Math.max(1, spec.series.length);
  const groupWidth = seriesCount * BAR_WIDTH + GROUP_GAP;
  const plotWidth = Math.max(1, spec.groups.length) * groupWidth;
  const width = MARGIN.left + plotWidth + MARGIN.right;
  const height = MARGIN.top + PLOT_HEIGHT + MARGIN.bottom;
  const { lo, hi } = logDomain(spec.groups.flatMap((g) => g.values.filter((v) => v !== undefined)));
  const yOf = (value: number): number =>
    MARGIN.top + PLOT_HEIGHT - ((Math.log10(value) - lo) / (hi - lo)) * PLOT_HEIGHT;
  const baseline = MARGIN.top + PLOT_HEIGHT;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
      `font-family="sans-serif" font-size="11" role="img" aria-label="${escapeXml(spec.title)}">`,
    `<title>${escapeXml(spec.title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${MARGIN.left}" y="20" font-size="14" font-weight="bold">${escapeXml(spec.title)}</text>`,
  );
  // Legend: one swatch and label per series, in a row under the title.
  let legendX = MARGIN.left;
  for (const s of spec.series) {
    out.push(
      `<rect class="legend" x="${legendX}" y="32" width="12" height="12" fill="${escapeXml(s.color)}"/>`,
      `<text x="${legendX + 16}" y="42">${escapeXml(s.label)}</text>`,
    );
    legendX += 16 + s.label.length * 6.5 + 18;
  }
  // Value axis: a gridline and label per decade.
  for (let decade = lo; decade <= hi; decade++) {
    const y = n(yOf(10 ** decade));
    out.push(
      `<line x1="${MARGIN.left}" y1="${y}" x2="${MARGIN.left + plotWidth}" y2="${y}" stroke="#dddddd"/>`,
      `<text x="${MARGIN.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${escapeXml(siFormat(10 ** decade))}</text>`,
    );
  }
  const axisMid = n(MARGIN.top + PLOT_HEIGHT / 2);
  out.push(
    `<text x="14" y="${axisMid}" text-anchor="middle" transform="rotate(-90 14 ${axisMid})">` +
      `${escapeXml(`${spec.valueLabel} (log scale)`)}</text>`,
    `<line x1="${MARGIN.left}" y1="${MARGIN.top}" x2="${MARGIN.left}" y2="${baseline}" stroke="#333333"/>`,
    `<line x1="${MARGIN.left}" y1="${baseline}" x2="${MARGIN.left + plotWidth}" y2="${baseline}" stroke="#333333"/>`,
  );
  spec.groups.forEach((group, g) => {
    const groupX = MARGIN.left + g * groupWidth + GROUP_GAP / 2;
    spec.series.forEach((s, i) => {
      const value = group.values[i];
      const x = groupX + i * BAR_WIDTH;
      if (value === undefined || !Number.isFinite(value) || value <= 0) {
        out.push(
          `<text class="missing" x="${n(x + BAR_WIDTH / 2)}" y="${baseline - 4}" text-anchor="middle" ` +
            `font-size="8" fill="#888888">n/a</text>`,
        );
        return;
      }
      const y = Math.min(baseline, Math.max(MARGIN.top, yOf(value)));
      const tooltip = `${group.label} ${s.label}: ${format(value)}`;
      out.push(
        `<rect class="bar" data-group="${escapeXml(group.label)}" data-series="${escapeXml(s.label)}" ` +
          `x="${n(x)}" y="${n(y)}" width="${BAR_WIDTH - 2}" height="${n(baseline - y)}" fill="${escapeXml(s.color)}">` +
          `<title>${escapeXml(tooltip)}</title></rect>`,
      );
    });
    out.push(
      `<text x="${n(groupX + (seriesCount * BAR_WIDTH) / 2)}" y="${baseline + 16}" text-anchor="middle">` +
        `${escapeXml(group.label)}</text>`,
    );
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

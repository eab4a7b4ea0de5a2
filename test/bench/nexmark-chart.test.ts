import { describe, expect, it } from 'vitest';
import { escapeXml, logDomain, renderBarChart } from './nexmark/bar-chart-svg.js';
import { nexmarkChartSvg } from './nexmark/nexmark-chart.js';
import type { NexmarkMeasurement } from './nexmark/nexmark-report.js';

/** Throws unless `xml` is well-formed: tags nest and close, attributes are quoted, text is escaped. */
function checkWellFormed(xml: string): void {
  const stack: string[] = [];
  const token = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)|(<)/g;
  let match: RegExpExecArray | null;
  let roots = 0;
  while ((match = token.exec(xml)) !== null) {
    const [, closing, name, , selfClosing, text, stray] = match;
    if (stray !== undefined)
      throw new Error(`malformed tag at ${match.index}: ${xml.slice(match.index, match.index + 40)}`);
    if (text !== undefined) {
      if (/&(?!(amp|lt|gt|quot|apos);)/.test(text)) throw new Error(`unescaped & in ${JSON.stringify(text)}`);
      if (stack.length === 0 && text.trim() !== '') throw new Error(`text outside the root: ${text}`);
      continue;
    }
    if (closing === '/') {
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> closes <${open}>`);
    } else if (selfClosing !== '/') {
      if (stack.length === 0) roots++;
      stack.push(name!);
    } else if (stack.length === 0) {
      roots++;
    }
  }
  if (stack.length > 0) throw new Error(`unclosed ${stack.join(' > ')}`);
  if (roots !== 1) throw new Error(`${roots} root elements`);
}

const bars = (svg: string): string[] => svg.match(/<rect class="bar"[^>]*>/g) ?? [];

describe('renderBarChart', () => {
  it('writes well-formed SVG with one bar per figure, a legend entry per series and labelled log axis', () => {
    const svg = renderBarChart({
      title: 'A & B <chart>',
      valueLabel: 'events/s per core',
      series: [
        { label: 'one', color: '#111111' },
        { label: 'two', color: '#222222' },
      ],
      groups: [
        { label: 'q0', values: [379_000, 5_000] },
        { label: 'q1', values: [undefined, 120] },
      ],
    });
    checkWellFormed(svg);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(bars(svg)).toHaveLength(3);
    expect(svg.match(/class="missing"/g)).toHaveLength(1);
    expect(svg.match(/<rect class="legend"/g)).toHaveLength(2);
    expect(svg).toContain('events/s per core (log scale)');
    expect(svg).toContain('A &amp; B &lt;chart&gt;');
    // Decades 100 … 1 M, one gridline label each.
    for (const tick of ['>100<', '>1 k<', '>10 k<', '>100 k<', '>1 M<']) expect(svg).toContain(tick);
  });

  it('draws a bar ten times the value one decade taller', () => {
    const svg = renderBarChart({
      title: 't',
      valueLabel: 'v',
      series: [{ label: 's', color: 'red' }],
      groups: [
        { label: 'a', values: [1_000] },
        { label: 'b', values: [10_000] },
        { label: 'c', values: [100_000] },
      ],
    });
    const heights = bars(svg).map((bar) => Number(/height="([\d.]+)"/.exec(bar)![1]));
    expect(heights[0]).toBeGreaterThan(0);
    expect(heights[1]! - heights[0]!).toBeCloseTo(heights[2]! - heights[1]!, 0);
  });

  it('spans whole decades around the values', () => {
    expect(logDomain([1000, 45_000])).toEqual({ lo: 2, hi: 5 });
    expect(logDomain([5_000])).toEqual({ lo: 3, hi: 4 });
    expect(escapeXml(`"a'`)).toBe('&quot;a&apos;');
  });
});

describe('nexmarkChartSvg', () => {
  it('has a bar per measured backend and per Flink figure, none for a failed run', () => {
    const run = (query: 'q0' | 'q5', backend: 'hashmap' | 'rocksdb'): NexmarkMeasurement => ({
      outcome: 'ok',
      query,
      backend,
      events: 1_000_000,
      wallSeconds: 10,
      processingSeconds: 5,
      cpuSeconds: 10,
      checkpoints: 1,
    });
    const svg = nexmarkChartSvg(
      ['q0', 'q5'],
      ['hashmap', 'rocksdb'],
      [
        run('q0', 'hashmap'),
        run('q0', 'rocksdb'),
        run('q5', 'hashmap'),
        { outcome: 'failed', query: 'q5', backend: 'rocksdb', message: 'x' },
      ],
      '1 M events',
    );
    checkWellFormed(svg);
    expect(bars(svg)).toHaveLength(5);
    expect(bars(svg).filter((b) => b.includes('data-series="Flink 2.0 (Nexmark V2)"'))).toHaveLength(2);
    expect(svg).toContain('<title>q5 Flink 2.0 (Nexmark V2): 74.5 k</title>');
    expect(svg).toContain('<title>q0 Freshet hashmap: 100 k</title>');
    // Decade ticks read 10 k … 1 M (not the tooltips' 10.0 k / 1.00 M).
    for (const tick of ['>10 k<', '>100 k<', '>1 M<']) expect(svg).toContain(tick);
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { barChart, lineChart, scatterChart } from '../../src/report/svg-charts.js';
import {
  escapeXml, linearScale, niceDomain, niceStep, niceTicks,
} from '../../src/report/svg-scale.js';
import { markupProblems } from './markup-check.js';

test('tick steps are 1, 2 or 5 times a power of ten', () => {
  const cases: [number, number][] = [[10, 2], [100, 20], [7, 1], [1, 0.2], [0.03, 0.005],
    [1234, 200], [0, 1]];
  for (const [span, want] of cases) assert.equal(niceStep(span), want, `span ${span}`);
});

test('nice domains widen to whole steps and give a flat domain some width', () => {
  const cases: [number, number, [number, number]][] = [
    [0, 97, [0, 100]], [3.2, 47.9, [0, 50]], [-3, 12, [-4, 12]], [5, 5, [4.4, 5.6]], [0, 0, [0, 1]],
  ];
  for (const [min, max, want] of cases) assert.deepEqual(niceDomain(min, max), want);
});

test('ticks are free of float noise', () => {
  assert.deepEqual(niceTicks([0, 1]), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks([0, 0.3]), [0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3]);
});

test('a linear scale maps ends to ends and a flat domain to the middle', () => {
  const scale = linearScale([0, 10], [100, 0]);
  assert.equal(scale(0), 100);
  assert.equal(scale(10), 0);
  assert.equal(scale(5), 50);
  assert.equal(linearScale([3, 3], [0, 10])(3), 5);
});

test('text is escaped for XML', () => {
  assert.equal(escapeXml(`a<b & "c" 'd'>`), 'a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;');
});

test('every chart kind renders well-formed SVG, with data or without', () => {
  const points: [number, number][] = [[0, 1], [1, 4], [2, 2.5]];
  const charts = {
    line: lineChart({ title: 'L <1>', xLabel: 'x', yLabel: 'y', series: [{ name: 'a', points }],
      markers: [{ x: 1, label: 'p50 & more' }] }),
    lineEmpty: lineChart({ title: 'L', xLabel: 'x', yLabel: 'y',
      series: [{ name: 'a', points: [] }] }),
    scatter: scatterChart({ title: 'S', xLabel: 'x', yLabel: 'y',
      series: [{ name: 'a', points }, { name: 'b', points: [[1, 1]] }] }),
    bars: barChart({ title: 'B', xLabel: 'ms', bars: [{ label: 'x', value: 3 },
      { label: 'neg', value: -0.5 }] }),
    barsEmpty: barChart({ title: 'B', xLabel: 'ms', bars: [] }),
  };
  for (const [name, svg] of Object.entries(charts)) {
    assert.deepEqual(markupProblems(svg), [], name);
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/, name);
    assert.doesNotMatch(svg, /NaN|Infinity|undefined/, name);
  }
  assert.match(charts.lineEmpty, /no data/);
  assert.match(charts.line, /p50 &amp; more/);
  assert.match(charts.scatter, /a \(3\)/, 'the legend counts points');
});

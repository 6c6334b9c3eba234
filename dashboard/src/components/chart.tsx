import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  values: (number | null)[];
  dashed?: boolean;
}

/** Tick steps of a count axis: whole numbers only. */
const INTEGER_STEPS = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500]
  .flatMap((step) => [step, step * 1_000, step * 1_000_000])
  .sort((a, b) => a - b);

function cssColor(element: Element, name: string): string {
  return getComputedStyle(element).getPropertyValue(name).trim() || '#2f5bd3';
}

/**
 * A line chart of one metric over buckets (uPlot, canvas). The x axis is the bucket's index with
 * the API's own labels, so no date is shifted by the browser's timezone. `drawn` is set on the
 * container once the canvas holds the data (the dashboard bench waits for it).
 */
export function Chart({
  labels,
  series,
  format,
  integer,
  description,
}: {
  labels: string[];
  series: ChartSeries[];
  format: (value: number) => string;
  /** Counts: no ticks between whole numbers. */
  integer: boolean;
  description: string;
}) {
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const dark = window.matchMedia('(prefers-color-scheme: dark)');
    let plot: uPlot | undefined;
    const build = () => {
      plot?.destroy();
      const accent = cssColor(element, '--accent');
      const muted = cssColor(element, '--muted');
      const grid = cssColor(element, '--line');
      const axis = {
        stroke: muted,
        grid: { stroke: grid, width: 1 },
        ticks: { show: false },
        font: '12px system-ui, sans-serif',
      };
      plot = new uPlot(
        {
          width: element.clientWidth,
          height: 240,
          legend: { show: false },
          cursor: { drag: { x: false, y: false }, points: { size: 7 } },
          scales: {
            x: { time: false },
            y: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.1] },
          },
          axes: [
            {
              ...axis,
              values: (_u, splits) => splits.map((split) => labels[split] ?? ''),
            },
            {
              ...axis,
              size: 56,
              values: (_u, splits) => splits.map((split) => format(split)),
              ...(integer ? { incrs: INTEGER_STEPS } : {}),
            },
          ],
          series: [
            {},
            ...series.map((line) => ({
              label: line.label,
              stroke: line.dashed ? muted : accent,
              width: 2,
              dash: line.dashed ? [5, 4] : undefined,
              fill: line.dashed ? undefined : `${accent}22`,
              // Dots only where they stand apart (about 12 px each): a phone's 30 days is a line.
              points: { show: labels.length * 12 < element.clientWidth },
            })),
          ],
        },
        [labels.map((_label, index) => index), ...series.map((line) => line.values)],
        element,
      );
      element.dataset.drawn = 'true';
      // When the chart was first drawn, from the navigation's start (read by the dashboard bench).
      element.dataset.drawnAt ??= String(Math.round(performance.now()));
    };
    build();
    const resize = new ResizeObserver(() =>
      plot?.setSize({ width: element.clientWidth, height: 240 }),
    );
    resize.observe(element);
    dark.addEventListener('change', build);
    return () => {
      resize.disconnect();
      dark.removeEventListener('change', build);
      plot?.destroy();
      delete element.dataset.drawn;
      delete element.dataset.drawnAt;
    };
  }, [labels, series, format, integer]);
  return <div ref={container} className="chart" role="img" aria-label={description} />;
}

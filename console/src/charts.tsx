import './charts.css';
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartConfiguration,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import { useEffect, useRef } from 'preact/hooks';
import type { ChartFigures } from './view/overview';

// Only the parts the console draws, so the bundle carries no other chart type.
Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Legend,
  Tooltip,
);

export type ChartKind = 'stacked-bars' | 'horizontal-stacked-bars' | 'bars' | 'lines';

export interface ChartFigureProps {
  kind: ChartKind;
  figures: ChartFigures;
  /** Names the chart's table (its caption) and the labels' column. */
  title: string;
  labelHeading: string;
  /** What the chart shows in words, read out in place of the picture. */
  summary: string;
  /** How a value reads on the axis, in the tooltip and in the table; counts by default. */
  formatValue?: (value: number) => string;
}

const count = (value: number) => value.toLocaleString('en-US');

/**
 * A Chart.js chart over `figures`, announced as an image by its summary, with the same figures as a
 * table in a <details> below it for whoever cannot or would rather not read the picture. The chart is
 * made once and updated in place when the figures change (no flicker on a refresh), destroyed on unmount.
 */
export function ChartFigure({ kind, figures, title, labelHeading, summary, formatValue = count }: ChartFigureProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart | null>(null);
  useEffect(
    () => () => {
      chart.current?.destroy();
      chart.current = null;
    },
    [],
  );
  useEffect(() => {
    const config = chartConfig(kind, figures, formatValue);
    if (chart.current) {
      chart.current.data = config.data;
      chart.current.update('none');
    } else if (canvas.current) chart.current = new Chart(canvas.current, config);
  }, [kind, figures, formatValue]);
  return (
    <figure class="chart">
      <div class="chart-box">
        <canvas ref={canvas} role="img" aria-label={summary}>
          {summary}
        </canvas>
      </div>
      <details>
        <summary>{title}: the figures</summary>
        <div class="table-scroll">
          <table class="striped">
            <caption>{title}</caption>
            <thead>
              <tr>
                <th scope="col">{labelHeading}</th>
                {figures.series.map((series) => (
                  <th scope="col" class="number" key={series.name}>
                    {series.name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {figures.labels.map((label, i) => (
                <tr key={label}>
                  <th scope="row">{label}</th>
                  {figures.series.map((series) => {
                    const value = series.values[i];
                    return (
                      <td class="number" key={series.name}>
                        {value === null || value === undefined ? '-' : formatValue(value)}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}

function chartConfig(
  kind: ChartKind,
  figures: ChartFigures,
  formatValue: (value: number) => string,
): ChartConfiguration<'bar' | 'line', (number | null)[], string> {
  const stacked = kind === 'stacked-bars' || kind === 'horizontal-stacked-bars';
  const valueAxis = {
    stacked,
    beginAtZero: true,
    ticks: { precision: 0, callback: (value: string | number) => formatValue(Number(value)) },
  };
  const labelAxis = { stacked, grid: { display: false } };
  const horizontal = kind === 'horizontal-stacked-bars';
  return {
    type: kind === 'lines' ? 'line' : 'bar',
    data: {
      labels: figures.labels,
      datasets: figures.series.map((series) => ({
        label: series.name,
        data: series.values,
        backgroundColor: series.colour,
        borderColor: kind === 'lines' ? series.colour : '#ffffff',
        // White borders part stacked segments, whatever their colours.
        borderWidth: kind === 'lines' ? 2 : 1,
        borderDash: series.dash ?? [],
        pointRadius: 2,
        tension: 0,
      })),
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      indexAxis: horizontal ? 'y' : 'x',
      scales: horizontal ? { x: valueAxis, y: labelAxis } : { x: labelAxis, y: valueAxis },
      plugins: {
        // A line's legend entry is a stretch of the line itself, dashes and all, not a filled box.
        legend: {
          position: 'bottom',
          labels: kind === 'lines' ? { usePointStyle: true, pointStyle: 'line', pointStyleWidth: 36 } : {},
        },
        tooltip: {
          callbacks: { label: (item) => `${item.dataset.label ?? ''}: ${formatValue(Number(item.raw ?? 0))}` },
        },
      },
    },
  };
}

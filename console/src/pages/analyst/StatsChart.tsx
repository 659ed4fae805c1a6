/**
 * A bar chart of the statistics groups (ECharts, only the parts used are imported: no network, no
 * theme files). Canvas renderer; resizes with the window.
 */
import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]);

export interface ChartBar {
  label: string;
  count: number;
  highRisk: number;
}

export function StatsChart({ bars, title }: { bars: ChartBar[]; title: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    const chart = echarts.init(ref.current, undefined, { renderer: 'canvas' });
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: "'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif" },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { data: ['企业数', '高风险企业数（C、D级）'], top: 0 },
      grid: { left: 56, right: 24, top: 36, bottom: bars.length > 6 ? 90 : 40 },
      xAxis: {
        type: 'category',
        data: bars.map((b) => b.label),
        axisLabel: { interval: 0, rotate: bars.length > 6 ? 35 : 0 },
        name: title,
        nameLocation: 'end',
      },
      yAxis: { type: 'value', name: '企业数', minInterval: 1 },
      series: [
        { name: '企业数', type: 'bar', data: bars.map((b) => b.count), itemStyle: { color: '#1d4f91' }, barMaxWidth: 36 },
        {
          name: '高风险企业数（C、D级）',
          type: 'bar',
          data: bars.map((b) => b.highRisk),
          itemStyle: { color: '#b42318' },
          barMaxWidth: 36,
        },
      ],
    });
    const onResize = () => chart.resize();
    window.addEventListener('resize', onResize);
    return () => {
      window.removeEventListener('resize', onResize);
      chart.dispose();
    };
  }, [bars, title]);
  return <div ref={ref} className="chart" data-testid="stats-chart" role="img" aria-label={`${title}分组统计图`} />;
}

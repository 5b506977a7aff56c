/*!
 * Reservoir reports: Apache ECharts (static/vendor/echarts) for the analytics pages.
 *
 *   <div data-report-chart="chart-id" data-height="320"></div>  {{ spec|json_script:"chart-id" }}
 *
 * Builders for shapes static/js/charts.js does not draw — several series, stacked bars, a
 * second axis (revenue and revenue per customer; the Pareto's cumulative share) and a heat
 * map on any scale — attached to its chart lifecycle and theme (load charts.js first). The JSON spec
 * carries data only (see reservoir/analytics/views/charts.py); a point with a link
 * navigates there when clicked, through htmx when the page is boosted.
 */
(function () {
  "use strict";

  const theme = window.ReservoirCharts.theme;

  const lang = document.documentElement.lang || "en";
  const formats = {
    money: new Intl.NumberFormat(lang, { minimumFractionDigits: 0, maximumFractionDigits: 2 }),
    int: new Intl.NumberFormat(lang, { maximumFractionDigits: 0 }),
    float: new Intl.NumberFormat(lang, { maximumFractionDigits: 2 }),
    compact: new Intl.NumberFormat(lang, { notation: "compact", maximumFractionDigits: 1 }),
  };

  function fmt(value, format, compact) {
    if (value === null || value === undefined) return "—";
    if (format === "percent") return formats.float.format(value) + "%";
    if (format === "percent100") return Math.round(value) + "%";
    if (compact && Math.abs(value) >= 10000) return formats.compact.format(value);
    return (formats[format] || formats.float).format(value);
  }

  function axisLabel(t, extra) {
    return Object.assign({ color: t.text3, fontFamily: t.font, fontSize: 12 }, extra || {});
  }

  function tooltip(t) {
    return {
      confine: true,
      backgroundColor: t.surface,
      borderColor: t.border,
      textStyle: { color: t.text, fontFamily: t.font, fontSize: 12 },
    };
  }

  function series(spec, t, narrow) {
    const axes = spec.axes && spec.axes.length ? spec.axes : [{ format: "float" }];
    const links = spec.links || [];
    const many = spec.categories.length > 24;
    const option = {
      color: t.palette,
      grid: { left: 8, right: 8, top: 36, bottom: many ? 48 : 8, containLabel: true },
      legend: {
        top: 0,
        left: 0,
        type: "scroll",
        textStyle: { color: t.text2, fontFamily: t.font },
        show: spec.series.length > 1,
      },
      tooltip: Object.assign(tooltip(t), {
        trigger: "axis",
        axisPointer: { type: "shadow" },
        valueFormatter: null,
        formatter: (items) => {
          const head = items.length ? items[0].axisValueLabel : "";
          return [head].concat(items.map((p) => {
            const s = spec.series[p.seriesIndex];
            const f = (axes[s.axis || 0] || axes[0]).format;
            return p.marker + p.seriesName + ": <b>" + fmt(p.value, f) + "</b>";
          })).join("<br>");
        },
      }),
      xAxis: {
        type: "category",
        data: spec.categories,
        axisLine: { lineStyle: { color: t.border } },
        axisTick: { show: false },
        triggerEvent: links.length > 0,
        axisLabel: axisLabel(t, {
          color: t.text2,
          hideOverlap: true,
          interval: narrow ? Math.max(0, Math.ceil(spec.categories.length / 6) - 1) : "auto",
          rotate: narrow || many ? 40 : 0,
          width: narrow ? 70 : 120,
          overflow: "truncate",
        }),
      },
      yAxis: axes.map((a, i) => ({
        type: "value",
        max: a.max || null,
        position: i === 0 ? "left" : "right",
        splitLine: { show: i === 0, lineStyle: { color: t.grid } },
        axisLabel: axisLabel(t, { formatter: (v) => fmt(v, a.format, true) }),
      })),
      series: spec.series.map((s, i) => {
        const color = s.muted ? t.muted : t.palette[i % t.palette.length];
        const out = {
          type: s.kind === "line" ? "line" : "bar",
          name: s.name,
          data: s.values,
          yAxisIndex: s.axis || 0,
          stack: s.stack || undefined,
          itemStyle: { color: color },
          cursor: links.length ? "pointer" : "default",
          emphasis: { focus: "series" },
        };
        if (out.type === "bar") {
          out.barMaxWidth = 44;
          if (!s.stack) out.itemStyle.borderRadius = [4, 4, 0, 0];
        } else {
          out.smooth = false;
          out.symbolSize = spec.categories.length > 40 ? 0 : 6;
          out.lineStyle = { width: 2.5, color: color, type: s.muted ? "dashed" : "solid" };
        }
        if (spec.markline && s.axis === 1) {
          out.markLine = {
            silent: true,
            symbol: "none",
            lineStyle: { color: t.text3, type: "dotted" },
            label: { formatter: spec.markline + "%", color: t.text3 },
            data: [{ yAxis: spec.markline }],
          };
        }
        return out;
      }),
    };
    if (many && !narrow) {
      option.dataZoom = [{ type: "inside" }, { type: "slider", height: 18, bottom: 4 }];
    } else if (many) {
      option.dataZoom = [{ type: "inside" }];
    }
    return option;
  }

  function heatmap(spec, t, narrow) {
    const values = spec.data.map((d) => d[2]);
    const max = spec.max !== undefined ? spec.max : Math.max.apply(null, values.concat([1]));
    const min = spec.min !== undefined ? spec.min : Math.min.apply(null, values.concat([0]));
    return {
      grid: { left: 8, right: 8, top: 8, bottom: 56, containLabel: true },
      tooltip: Object.assign(tooltip(t), {
        trigger: "item",
        formatter: (p) =>
          spec.y[p.value[1]] + "<br>" + spec.x[p.value[0]] + ": <b>" + fmt(p.value[2], spec.format) + "</b>",
      }),
      xAxis: {
        type: "category",
        data: spec.x,
        axisTick: { show: false },
        axisLine: { show: false },
        axisLabel: axisLabel(t, { color: t.text2, rotate: narrow ? 60 : 30, width: 100, overflow: "truncate" }),
      },
      yAxis: {
        type: "category",
        data: spec.y,
        inverse: true,
        axisTick: { show: false },
        axisLine: { show: false },
        axisLabel: axisLabel(t, { color: t.text2, width: narrow ? 80 : 160, overflow: "truncate" }),
      },
      visualMap: {
        min: min,
        max: max,
        calculable: false,
        orient: "horizontal",
        left: "center",
        bottom: 0,
        itemHeight: narrow ? 120 : 200,
        itemWidth: 10,
        formatter: (v) => fmt(v, spec.format, true),
        textStyle: { color: t.text3, fontFamily: t.font },
        inRange: { color: ["#eef2ff", "#93a8f4", t.brand] },
      },
      series: [{
        type: "heatmap",
        data: spec.data,
        label: {
          show: !narrow && spec.x.length <= 14,
          color: t.text,
          fontFamily: t.font,
          fontSize: 11,
          formatter: (p) => fmt(p.value[2], spec.format, true),
        },
        itemStyle: { borderColor: t.surface, borderWidth: 2, borderRadius: 3 },
      }],
    };
  }

  const BUILDERS = { series: series, heatmap: heatmap };

  function go(url) {
    if (!url) return;
    const boosted = document.querySelector("[hx-boost='true']");
    if (window.htmx && boosted) {
      window.htmx.ajax("GET", url, {
        target: boosted.getAttribute("hx-target") || "body",
        select: boosted.getAttribute("hx-select") || undefined,
        swap: "outerHTML",
      }).then(() => window.history.pushState({}, "", url));
    } else {
      window.location.assign(url);
    }
  }

  function onClick(spec, params) {
    const links = spec.links || [];
    if (!links.length) return;
    if (params.componentType === "xAxis") go(links[spec.categories.indexOf(params.value)]);
    else go(links[params.dataIndex]);
  }

  window.ReservoirCharts.attach({
    attribute: "reportChart",
    builders: BUILDERS,
    onClick: onClick,
    height: (el) => parseFloat(el.dataset.height || "300"),
    duration: 300,
  });
})();

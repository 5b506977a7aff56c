/*!
 * Reservoir reports: Apache ECharts (static/vendor/echarts) for the analytics pages.
 *
 *   <div data-report-chart="chart-id" data-height="320"></div>  {{ spec|json_script:"chart-id" }}
 *
 * Written beside static/js/charts.js (same look, same CSS variables) because the reports need
 * shapes it does not draw: several series, stacked bars, a second axis (revenue and revenue
 * per customer; the Pareto's cumulative share) and a heat map on any scale. The JSON spec
 * carries data only (see reservoir/analytics/views/charts.py); a point with a link
 * navigates there when clicked, through htmx when the page is boosted.
 */
(function () {
  "use strict";

  const live = new Set();

  function css(name, fallback) {
    const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  function theme() {
    return {
      brand: css("--c-brand", "#3b5bdb"),
      text: css("--text", "#151a26"),
      text2: css("--text-2", "#475467"),
      text3: css("--text-3", "#7a8294"),
      border: css("--border", "#e6e8ee"),
      grid: css("--c-n100", "#f2f4f7"),
      muted: css("--c-n300", "#c4c9d4"),
      surface: css("--bg-surface", "#ffffff"),
      font: css("--font", "system-ui, sans-serif"),
      palette: [
        css("--c-brand", "#3b5bdb"),
        "#12b76a",
        "#f79009",
        "#7a5af8",
        "#ee46bc",
        "#06aed4",
        "#f04438",
        "#667085",
      ],
    };
  }

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

  function create(el) {
    const source = document.getElementById(el.dataset.reportChart);
    if (!source || !window.echarts) return;
    const spec = JSON.parse(source.textContent);
    const build = BUILDERS[spec.type];
    if (!build) return;
    el.style.height = parseFloat(el.dataset.height || "300") + "px";
    const narrow = el.clientWidth < 560;
    const chart = window.echarts.init(el, null, { renderer: "svg" });
    const t = theme();
    const option = build(spec, t, narrow);
    option.textStyle = { fontFamily: t.font };
    option.animationDuration = window.matchMedia("(prefers-reduced-motion: reduce)").matches ? 0 : 300;
    chart.setOption(option);
    chart.on("click", (params) => onClick(spec, params));
    el.dataset.chartReady = "1";
    el._chart = { chart: chart, narrow: narrow, spec: spec, build: build };
    live.add(el);
  }

  function init(root) {
    (root || document).querySelectorAll("[data-report-chart]:not([data-chart-ready])").forEach(create);
  }

  let pending = 0;
  function resizeAll() {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(() => {
      live.forEach((el) => {
        if (!el.isConnected) {
          el._chart.chart.dispose();
          live.delete(el);
          return;
        }
        const narrow = el.clientWidth < 560;
        if (narrow !== el._chart.narrow) {
          el._chart.narrow = narrow;
          el._chart.chart.setOption(el._chart.build(el._chart.spec, theme(), narrow), true);
        }
        el._chart.chart.resize();
      });
    });
  }

  window.addEventListener("resize", resizeAll);
  document.addEventListener("DOMContentLoaded", () => init(document));
  document.addEventListener("htmx:afterSettle", () => {
    resizeAll();
    init(document);
  });
  if (document.readyState !== "loading") init(document);
})();

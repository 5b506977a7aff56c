/*!
 * Reservoir charts: Apache ECharts (static/vendor/echarts) driven by data attributes.
 *
 *   <div data-chart="chart-id" data-height="260"></div>   {{ spec|json_script:"chart-id" }}
 *
 * `data-height` is pixels, or a number of rows when `data-row-height` is given. The JSON spec
 * carries data only — {type: "column"|"hbar"|"heatmap", categories, values, links, ...} —
 * and this file owns the look, taken from the design system's custom properties, so every
 * chart matches the CSS. Charts are created on load and after htmx swaps, follow their
 * container's size, and a bar or cell with a link navigates there when clicked.
 */
(function () {
  "use strict";

  function css(name, fallback) {
    const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  function theme() {
    return {
      brand: css("--c-brand", "#3b5bdb"),
      brandSoft: css("--c-brand-soft-2", "#dde5ff"),
      text: css("--text", "#151a26"),
      text2: css("--text-2", "#475467"),
      text3: css("--text-3", "#7a8294"),
      border: css("--border", "#e6e8ee"),
      grid: css("--c-n100", "#f2f4f7"),
      success: css("--c-success", "#067647"),
      successBg: css("--c-success-bd", "#abefc6"),
      warning: "#f79009",
      warningBg: css("--c-warning-bd", "#fedf89"),
      danger: "#f04438",
      dangerBg: css("--c-danger-bd", "#fecdd6"),
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

  function tooltip(t, unit) {
    return {
      trigger: "item",
      confine: true,
      backgroundColor: t.surface,
      borderColor: t.border,
      textStyle: { color: t.text, fontFamily: t.font, fontSize: 12 },
      valueFormatter: (v) => (v === null || v === undefined ? "—" : v + (unit || "")),
    };
  }

  function axisLabel(t, extra) {
    return Object.assign({ color: t.text2, fontFamily: t.font, fontSize: 12 }, extra || {});
  }

  function column(spec, t) {
    const tones = spec.tones || [];
    return {
      grid: { left: 8, right: 8, top: 16, bottom: 4, containLabel: true },
      tooltip: tooltip(t, spec.unit),
      xAxis: {
        type: "category",
        data: spec.categories,
        axisLine: { lineStyle: { color: t.border } },
        axisTick: { show: false },
        axisLabel: axisLabel(t),
      },
      yAxis: {
        type: "value",
        minInterval: 1,
        splitLine: { lineStyle: { color: t.grid } },
        axisLabel: axisLabel(t, { color: t.text3 }),
      },
      series: [
        {
          type: "bar",
          name: spec.name,
          barMaxWidth: 56,
          data: spec.values.map((v, i) => ({
            value: v,
            itemStyle: { color: t[tones[i]] || t.brand, borderRadius: [4, 4, 0, 0] },
          })),
          label: { show: true, position: "top", color: t.text2, fontFamily: t.font },
        },
      ],
    };
  }

  function hbar(spec, t, narrow) {
    const links = spec.links || [];
    return {
      grid: { left: 8, right: 48, top: 4, bottom: 4, containLabel: true },
      tooltip: tooltip(t, spec.unit),
      xAxis: {
        type: "value",
        max: spec.max || null,
        splitLine: { lineStyle: { color: t.grid } },
        axisLabel: axisLabel(t, { color: t.text3, formatter: "{value}" + (spec.unit || "") }),
      },
      yAxis: {
        type: "category",
        data: spec.categories,
        axisLine: { show: false },
        axisTick: { show: false },
        axisLabel: axisLabel(t, { width: narrow ? 110 : 180, overflow: "truncate" }),
        triggerEvent: links.length > 0,
      },
      series: [
        {
          type: "bar",
          name: spec.name,
          barMaxWidth: 18,
          cursor: links.length ? "pointer" : "default",
          data: spec.values.map((v) => ({
            value: v,
            itemStyle: {
              color: v >= 50 ? t.danger : v >= 20 ? t.warning : t.brand,
              borderRadius: [0, 4, 4, 0],
            },
          })),
          label: {
            show: true,
            position: "right",
            color: t.text2,
            fontFamily: t.font,
            formatter: (p) => p.value + (spec.unit || ""),
          },
        },
      ],
    };
  }

  function heatmap(spec, t, narrow) {
    return {
      grid: { left: 8, right: 8, top: 8, bottom: 48, containLabel: true },
      tooltip: Object.assign(tooltip(t, spec.unit), {
        formatter: (p) =>
          spec.y[p.value[1]] + "<br>" + spec.x[p.value[0]] + ": <b>" + p.value[2] +
          (spec.unit || "") + "</b>",
      }),
      xAxis: {
        type: "category",
        data: spec.x,
        splitArea: { show: false },
        axisTick: { show: false },
        axisLine: { show: false },
        axisLabel: axisLabel(t, {
          interval: 0,
          rotate: narrow ? 60 : 35,
          width: narrow ? 80 : 120,
          overflow: "truncate",
        }),
      },
      yAxis: {
        type: "category",
        data: spec.y,
        axisTick: { show: false },
        axisLine: { show: false },
        axisLabel: axisLabel(t, { width: narrow ? 100 : 190, overflow: "truncate" }),
      },
      visualMap: {
        min: 0,
        max: spec.max || 100,
        calculable: false,
        orient: "horizontal",
        left: "center",
        bottom: 0,
        itemHeight: narrow ? 120 : 200,
        itemWidth: 10,
        text: ["100" + (spec.unit || ""), "0"],
        textStyle: { color: t.text3, fontFamily: t.font },
        inRange: { color: [t.successBg, t.warningBg, t.danger] },
      },
      series: [
        {
          type: "heatmap",
          name: spec.name,
          data: spec.data,
          cursor: "pointer",
          label: {
            show: !narrow,
            color: t.text,
            fontFamily: t.font,
            fontSize: 11,
            formatter: (p) => Math.round(p.value[2]),
          },
          itemStyle: { borderColor: t.surface, borderWidth: 2, borderRadius: 3 },
          emphasis: { itemStyle: { borderColor: t.text, borderWidth: 1 } },
        },
      ],
    };
  }

  const BUILDERS = { column: column, hbar: hbar, heatmap: heatmap };

  function heightOf(el) {
    const base = parseFloat(el.dataset.height || "240");
    const row = parseFloat(el.dataset.rowHeight || "0");
    return Math.round(row ? base * row : base);
  }

  function onClick(spec, params) {
    let url = "";
    if (params.componentType === "yAxis" && spec.links) {
      url = spec.links[spec.categories.indexOf(params.value)] || "";
    } else if (params.data && typeof params.data === "object" && params.data.url) {
      url = params.data.url;
    } else if (spec.links) {
      url = spec.links[params.dataIndex] || "";
    }
    if (url) window.location.assign(url);
  }

  /*
   * attach({attribute, builders, onClick, height, duration}) mounts every element carrying
   * data-<attribute> (camelCase, e.g. "reportChart" for data-report-chart): builds its chart
   * from the JSON spec the attribute names, follows the container's size, rebuilds when it
   * crosses the narrow breakpoint, disposes charts whose element left the page, and does so
   * again after htmx swaps. Other chart sets (the analytics reports) attach their builders.
   */
  function attach(options) {
    const live = new Set();
    const selector = "[data-" + options.attribute.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase()) + "]";

    function create(el) {
      const source = document.getElementById(el.dataset[options.attribute]);
      if (!source || !window.echarts) return;
      const spec = JSON.parse(source.textContent);
      const build = options.builders[spec.type];
      if (!build) return;
      el.style.height = options.height(el) + "px";
      const narrow = el.clientWidth < 560;
      const chart = window.echarts.init(el, null, { renderer: "svg" });
      const t = theme();
      const option = build(spec, t, narrow);
      option.textStyle = { fontFamily: t.font };
      option.animationDuration = window.matchMedia("(prefers-reduced-motion: reduce)").matches
        ? 0
        : options.duration;
      chart.setOption(option);
      chart.on("click", (params) => options.onClick(spec, params));
      el.dataset.chartReady = "1";
      el._chart = { chart: chart, narrow: narrow, spec: spec, build: build };
      live.add(el);
    }

    function init(root) {
      (root || document).querySelectorAll(selector + ":not([data-chart-ready])").forEach(create);
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
    return { init: init, resize: resizeAll };
  }

  const own = attach({
    attribute: "chart",
    builders: BUILDERS,
    onClick: onClick,
    height: heightOf,
    duration: 400,
  });
  window.ReservoirCharts = { init: own.init, resize: own.resize, attach: attach, theme: theme };
})();

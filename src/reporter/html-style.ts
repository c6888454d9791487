/** Internal to the reporter: the stylesheet inlined in the HTML report. */
export const HTML_STYLE = `
:root { color-scheme: light; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg-soft: #f6f8fa;
  --bar: #4c72b0; --floor: #c0392b; --good: #1a7f37; --bad: #cf222e; --warn: #9a6700; }
* { box-sizing: border-box; }
body { font: 14px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); margin: 0 auto;
  max-width: 1100px; padding: 24px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; border-bottom: 1px solid var(--line); padding-bottom: 4px; margin-top: 32px; }
h3 { font-size: 15px; margin-top: 20px; }
.meta, .note, .none { color: var(--muted); }
code, pre { font: 12.5px/1.45 ui-monospace, SFMono-Regular, Menlo, monospace; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; }
thead th { color: var(--muted); font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.change.regressed { color: var(--bad); font-weight: 600; }
td.change.improved { color: var(--good); }
td.change.unchanged, td.change.incomparable { color: var(--muted); }
ul { padding-left: 20px; }
li.gate.failed, li.alert.P0 { color: var(--bad); }
li.gate.passed { color: var(--good); }
li.gate.skipped { color: var(--muted); }
li.alert.P1 { color: var(--warn); }
.charts { display: flex; flex-wrap: wrap; gap: 16px; }
figure { margin: 0; }
figcaption { color: var(--muted); font-size: 12px; text-align: center; }
svg.chart { background: var(--bg-soft); border: 1px solid var(--line); border-radius: 6px; }
svg .bar { fill: var(--bar); }
svg .axis { stroke: var(--muted); stroke-width: 1; }
svg .floor { stroke: var(--floor); stroke-width: 2; }
svg .floor.dashed { stroke-dasharray: 5 4; stroke-width: 1.5; }
svg .trend { fill: none; stroke: var(--bar); stroke-width: 2; }
svg .point { fill: var(--bar); }
svg rect.interval { fill: var(--fg); fill-opacity: 0.12; }
svg rect.interval.baseline { fill: var(--muted); }
svg line.interval { stroke: var(--bar); stroke-width: 1.5; stroke-opacity: 0.6; }
svg line.mean { stroke: var(--fg); stroke-width: 1.5; }
svg line.mean.baseline { stroke: var(--muted); stroke-dasharray: 3 3; }
svg text { font-size: 10px; fill: var(--muted); text-anchor: middle; }
svg text.y { text-anchor: end; }
svg text.floor-label { fill: var(--floor); text-anchor: start; }
svg text.count { fill: var(--fg); }
p.judged { color: var(--muted); margin: 4px 0 12px; }
p.judged strong { color: var(--fg); font-weight: 600; }
.calibration.ok { color: var(--good); }
.calibration.weak, .calibration.stale { color: var(--warn); }
.calibration.uncalibrated { color: var(--bad); }
a.source { color: inherit; }
article.output { border: 1px solid var(--line); border-radius: 6px; margin: 12px 0; padding: 8px 12px; }
article.output header { display: flex; gap: 12px; align-items: baseline; flex-wrap: wrap; }
article.output .score { font-weight: 700; }
article.output .score.failed { color: var(--bad); }
article.output .judge { color: var(--muted); margin-left: auto; }
dl { margin: 8px 0 0; }
dt { font-weight: 600; margin-top: 6px; }
dd { margin: 2px 0 0; }
pre { background: var(--bg-soft); padding: 6px 8px; border-radius: 4px; white-space: pre-wrap; overflow-wrap: anywhere;
  margin: 0; max-height: 24em; overflow: auto; }
ins { background: #dafbe1; text-decoration: none; }
article.output .turn { color: var(--muted); }
ol.chat { list-style: none; padding: 0; margin: 0; display: flex; flex-direction: column; gap: 6px; }
ol.chat li.msg { border-left: 3px solid var(--line); padding: 2px 0 2px 8px; }
ol.chat li.msg.user { border-color: var(--bar); }
ol.chat li.msg.assistant { border-color: var(--good); }
ol.chat li.msg.tool { border-color: var(--warn); margin-left: 24px; }
ol.chat li.msg.judged { background: #fff8c5; }
ol.chat .role { font-weight: 600; }
ol.chat .n, ol.chat .call-id, ol.chat li.omitted { color: var(--muted); font-size: 12px; }
ol.chat .tool-error { color: var(--bad); font-weight: 600; }
ol.chat ul.calls { list-style: none; padding: 0; margin: 4px 0 0; }
ol.chat li.call:target { outline: 2px solid var(--bar); }
del { background: #ffebe9; }
`

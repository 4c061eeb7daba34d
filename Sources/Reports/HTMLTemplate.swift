import Foundation

/// The HTML report's page as a Mustache template (rendered by swift-mustache, which HTML-escapes every
/// `{{value}}`; only the SVG the report draws itself goes in unescaped, as `{{{svg}}}`).
/// Self-contained: inline CSS, inline SVG, thumbnails as data: URIs; no script, font or link leaves the file.
/// A line ending in `\#` continues on the next (a raw string's escaped newline): source lines stay under 160
/// characters while the page keeps its bytes.
enum HTMLTemplate {
    static let page = #"""
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="TakeSense">
<title>{{title}}</title>
<style>
{{{css}}}
</style>
</head>
<body>
<main>
<header class="page">
  <h1>{{heading}}</h1>
  <p class="sub">{{subtitle}}</p>
</header>
{{#multiple}}
<section class="panel ranking" id="ranking">
  <h3>Ranking, best first</h3>
  <table>
    <thead><tr><th class="num">#</th><th>Take</th><th>Verdict</th><th class="num">P(same)</th><th class="num">Congruence</th><th>Why</th></tr></thead>
    <tbody>
    {{#ranking}}
      <tr><td class="num">{{rank}}</td><td class="name"><a href="#{{anchor}}">{{name}}</a></td><td>\#
<span class="badge small {{decision}}">{{decisionLabel}}</span></td><td class="num">{{probability}}</td><td class="num">{{score}}</td><td>{{reason}}</td></tr>
    {{/ranking}}
    </tbody>
  </table>
</section>
{{/multiple}}
{{#takes}}
<section class="panel take" id="{{anchor}}">
  <div class="head">
    <div class="badge {{decision}}">{{decisionLabel}}</div>
    <div class="title">
      <h2>{{#rank}}<span class="rank">#{{rank}}</span> {{/rank}}{{name}}</h2>
      {{#path}}<p class="path">{{path}}</p>{{/path}}
    </div>
  </div>
  <div class="facts">
    {{#facts}}<div class="fact"><b>{{label}}</b>{{#colour}}<span class="swatch" style="background:{{colour}}">\#
</span>{{/colour}}{{value}}{{#note}}<small>{{note}}</small>{{/note}}</div>{{/facts}}
  </div>
  <h3>Why</h3>
  <ul class="reasons">
    {{#reasons}}<li>{{.}}</li>{{/reasons}}
    {{^reasons}}<li class="muted">no reason given</li>{{/reasons}}
  </ul>
  <h3>{{spansHeading}}</h3>
  {{#hasSpans}}
  <ol class="spans">
    {{#spans}}<li class="{{kind}}"><span class="tc">{{start}} – {{end}}</span> <span class="smpte">{{smpteStart}} – {{smpteEnd}}</span>\#
<br>{{reason}}</li>{{/spans}}
  </ol>
  {{/hasSpans}}
  {{^hasSpans}}<p class="muted">No stretch of the take calls for a retake.</p>{{/hasSpans}}
  <h3>Timeline</h3>
  <div class="legend">
    {{#legend}}<span><span class="swatch" style="background:{{colour}}"></span>{{label}}</span>{{/legend}}
    <span class="key"><span class="line"></span>face, per frame</span>
    <span class="key"><span class="bandkey"></span>voice, per speech segment</span>
    {{#hasSpans}}<span class="key"><span class="spankey {{spanKind}}"></span>{{spanLegend}}</span>{{/hasSpans}}
  </div>
  <figure class="plot">
{{{timeline}}}
  </figure>
  <div class="cols">
    <div>
      <h3>Scene: face against voice</h3>
      <figure class="plot">
{{{bars}}}
      </figure>
    </div>
    <div>
      <h3>Face</h3>
      {{#hasThumbnails}}
      <div class="thumbs">
        {{#thumbnails}}<figure><img src="data:image/png;base64,{{png}}" width="{{width}}" height="{{height}}" alt="face at {{time}}">\#
<figcaption>{{time}}</figcaption></figure>{{/thumbnails}}
      </div>
      {{/hasThumbnails}}
      {{^hasThumbnails}}<p class="muted">No face thumbnails in this analysis.</p>{{/hasThumbnails}}
    </div>
  </div>
  <h3>Valence and arousal</h3>
  <div class="cols affect">
    <figure class="plot circ">
{{{circumplex}}}
    </figure>
    <div>
      {{#hasAffect}}
      <table class="affect">
        <thead><tr><th>Axis</th><th>Face</th><th>Voice</th><th class="num">Gap</th><th></th></tr></thead>
        <tbody>
        {{#affect}}<tr><td>{{axis}}</td><td>{{face}}</td><td>{{voice}}</td><td class="num">{{gap}}</td><td class="{{verdictClass}}">{{verdict}}</td>\#
</tr>{{/affect}}
        </tbody>
      </table>
      {{/hasAffect}}
      <p class="muted small">Russell's circumplex: the take's face (circle) and voice (square), each speech segment faintly; \#
emotion points after Russell &amp; Mehrabian (1977).</p>
    </div>
  </div>
  <h3>Speech segments</h3>
  {{#hasSegments}}
  <table class="segments">
    <thead><tr><th>Time</th><th>Voice</th><th>Face over the span</th><th class="num">Face seen</th><th>Match</th><th class="num">P(same)</th>\#
<th>Valence / arousal</th><th class="num">Congruence</th></tr></thead>
    <tbody>
    {{#segments}}
      <tr{{#flagged}} class="flag"{{/flagged}}><td class="tc">{{start}} – {{end}}</td><td><span class="swatch" style="background:{{voiceColour}}">\#
</span>{{voice}}</td><td>{{#faceColour}}<span class="swatch" style="background:{{faceColour}}"></span>{{/faceColour}}{{face}}</td>\#
<td class="num">{{coverage}}</td><td class="{{matchClass}}">{{match}}</td><td class="num">{{probability}}</td><td class="{{axesClass}}">{{axes}}</td>\#
<td class="num">{{score}}</td></tr>
    {{/segments}}
    </tbody>
  </table>
  {{/hasSegments}}
  {{^hasSegments}}<p class="muted">No speech was found.</p>{{/hasSegments}}
  <details>
    <summary>How this take was analysed</summary>
    <dl>{{#settings}}<dt>{{label}}</dt><dd>{{value}}</dd>{{/settings}}</dl>
  </details>
  {{#multiple}}<p class="top"><a href="#ranking">↑ ranking</a></p>{{/multiple}}
</section>
{{/takes}}
</main>
</body>
</html>

"""#

    static let css = #"""
:root { --fg: #1f2328; --muted: #59636e; --line: #d8dee4; --panel: #f6f8fa;
  --keep: #1a7f37; --retake: #cf222e; --unsure: #9a6700; color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #eef1f4; color: var(--fg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", "Liberation Sans", sans-serif; }
main { max-width: 1080px; margin: 0 auto; padding: 28px 24px 48px; }
header.page h1 { font-size: 24px; margin: 0 0 2px; letter-spacing: -0.01em; }
.sub { color: var(--muted); margin: 0 0 20px; }
.panel { background: #fff; border: 1px solid var(--line); border-radius: 12px; padding: 22px 26px; margin: 0 0 24px;
  box-shadow: 0 1px 2px rgba(31, 35, 40, 0.04); }
.head { display: flex; gap: 20px; align-items: center; }
.title { min-width: 0; }
.badge { flex: none; font-weight: 800; letter-spacing: 0.08em; color: #fff; border-radius: 10px; padding: 12px 22px; font-size: 28px; line-height: 1; }
.badge.keep { background: var(--keep); } .badge.retake { background: var(--retake); } .badge.unsure { background: var(--unsure); }
.badge.small { font-size: 11px; padding: 3px 9px; border-radius: 999px; letter-spacing: 0.06em; }
h2 { font-size: 21px; margin: 0; overflow-wrap: anywhere; }
h2 .rank { color: var(--muted); font-weight: 600; }
.path { margin: 2px 0 0; color: var(--muted); font-size: 13px; overflow-wrap: anywhere; }
h3 { font-size: 12px; text-transform: uppercase; letter-spacing: 0.08em; color: var(--muted); margin: 24px 0 8px; }
.facts { display: grid; grid-template-columns: repeat(auto-fit, minmax(165px, 1fr)); gap: 10px; margin: 18px 0 0; }
.fact { background: var(--panel); border-radius: 8px; padding: 8px 12px; font-size: 15px; font-variant-numeric: tabular-nums; }
.fact b { display: block; font-size: 11px; color: var(--muted); font-weight: 600; text-transform: uppercase; letter-spacing: 0.06em; }
.fact small { display: block; color: var(--muted); font-size: 12px; }
ul.reasons, ol.spans { margin: 0; padding-left: 22px; }
ul.reasons li, ol.spans li { margin: 3px 0; }
ol.spans li.retake::marker { color: var(--retake); font-weight: 700; }
ol.spans li.check::marker { color: var(--unsure); font-weight: 700; }
.tc { font-variant-numeric: tabular-nums; font-weight: 600; white-space: nowrap; }
.smpte { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 12px; color: var(--muted); margin-left: 6px; }
.muted { color: var(--muted); }
.legend { display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 13px; color: var(--muted); margin: 0 0 6px; }
.swatch { display: inline-block; width: 11px; height: 11px; border-radius: 3px; vertical-align: -1px; margin-right: 6px; }
.key .line { display: inline-block; width: 18px; height: 0; border-top: 2px solid #6e7781; vertical-align: 4px; margin-right: 6px; }
.key .bandkey { display: inline-block; width: 18px; height: 10px; background: #6e7781; opacity: 0.7; border-radius: 2px; vertical-align: -1px; \#
margin-right: 6px; }
.key .spankey { display: inline-block; width: 18px; height: 12px; border-top: 3px solid var(--retake); background: rgba(207, 34, 46, 0.12); \#
vertical-align: -2px; margin-right: 6px; }
.key .spankey.check { border-top-color: #bf8700; background: rgba(191, 135, 0, 0.12); }
figure { margin: 0; }
figure.plot svg { display: block; width: 100%; height: auto; }
svg text { font-family: inherit; }
svg .tick { font-size: 11px; fill: #59636e; font-variant-numeric: tabular-nums; }
svg .row { font-size: 12px; fill: #59636e; font-weight: 600; }
svg .band { font-size: 11px; fill: #fff; font-weight: 700; paint-order: stroke; stroke: rgba(0, 0, 0, 0.35); stroke-width: 2px; }
svg .empty { font-size: 13px; fill: #8c959f; }
svg .value { font-size: 10px; fill: #59636e; font-variant-numeric: tabular-nums; }
svg .label { font-size: 12px; fill: #1f2328; }
.cols { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 28px; }
@media (max-width: 760px) { .cols { grid-template-columns: minmax(0, 1fr); } .badge { font-size: 20px; padding: 10px 14px; } }
figure.circ svg { max-width: 300px; margin: 0 auto; }
p.small { font-size: 12px; }
.thumbs { display: flex; flex-wrap: wrap; gap: 12px; }
.thumbs figure { text-align: center; }
.thumbs img { display: block; width: 92px; height: auto; border-radius: 8px; background: #d0d7de; }
.thumbs figcaption { font-size: 12px; color: var(--muted); font-variant-numeric: tabular-nums; margin-top: 2px; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid #eaeef2; vertical-align: top; }
th { font-size: 11px; color: var(--muted); font-weight: 600; text-transform: uppercase; letter-spacing: 0.06em; }
td.name { overflow-wrap: break-word; min-width: 12ch; }
.panel > h3:first-child { margin-top: 0; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.flag td { background: #fff1f0; }
td.agree { color: var(--keep); } td.differ { color: var(--retake); font-weight: 600; } td.none { color: var(--muted); }
a { color: #0969da; text-decoration: none; } a:hover { text-decoration: underline; }
details { margin-top: 20px; font-size: 13px; color: var(--muted); }
summary { cursor: pointer; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 8px 0 0; }
dt { font-weight: 600; } dd { margin: 0; overflow-wrap: anywhere; }
p.top { margin: 16px 0 0; font-size: 13px; }
@media print { body { background: #fff; } main { padding: 0; } .panel { border: none; box-shadow: none; break-inside: avoid-page; } }
"""#
}

import Foundation

/// The correlation study's HTML page as a Mustache template (rendered by swift-mustache, which
/// HTML-escapes every `{{value}}` as `SVG.escape` does; only the heatmaps the report draws itself go in
/// unescaped, as `{{{svg}}}`). Self-contained: inline CSS and SVG, no script, font or link leaves the file.
/// Lines ending in `\#` continue on the next line (a raw string's escaped newline), so the template's
/// source lines stay under 160 characters while the page keeps its bytes.
enum CorrelationHTMLTemplate {
    static let page = #"""
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{title}}</title>
<style>
body { font-family: -apple-system, "Segoe UI", "DejaVu Sans", Helvetica, Arial, sans-serif; color: #1d1d1f; background: #fff; \#
margin: 24px auto; max-width: 1560px; padding: 0 20px; line-height: 1.45; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
p, li, dd { font-size: 14px; max-width: 1100px; }
.sub { color: #555; margin-top: 0; }
.reading ul { padding-left: 20px; }
.reading li.lead { font-weight: 600; font-size: 16px; }
.numbers { border-collapse: collapse; font-size: 14px; }
.numbers td, .numbers th { padding: 4px 14px 4px 0; text-align: left; vertical-align: top; }
.numbers th { color: #555; font-weight: normal; }
.figures { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
figure { margin: 0; }
figcaption { font-size: 13px; color: #444; margin-top: 2px; max-width: 640px; }
.note { color: #555; font-size: 13px; }
.small li { font-size: 13px; }
table.report, table.scenes { border-collapse: collapse; font-size: 12px; margin-top: 8px; }
table.report td, table.report th, table.scenes td, table.scenes th { border-bottom: 1px solid #eee; padding: 2px 8px; text-align: right; }
table.report td:first-child, table.report th:first-child, table.scenes td:first-child { text-align: left; }
dt { font-weight: 600; font-size: 14px; margin-top: 8px; }
svg text { font-family: inherit; }
</style>
</head>
<body>
<h1>{{title}}</h1>
<p class="sub">{{scenes}} scene{{scenesPlural}} analysed{{leftOutNote}} · labels: {{labelList}} · \#
Yates' correction {{yates}} · alpha = {{alpha}}</p>
<section class="reading"><h2>Reading</h2><ul>
{{#reading}}
<li{{#lead}} class="lead"{{/lead}}>{{text}}</li>
{{/reading}}
</ul></section>
<section><h2>Numbers</h2><table class="numbers">
{{#numbers}}
<tr><th>{{name}}</th><td>{{value}}</td></tr>
{{/numbers}}
</table></section>
<section><h2>Face against voice: contingency table</h2>
<p>Number of scenes for each pair of top emotions. Grey labels mark emotions a classifier never predicted; \#
their empty rows or columns were dropped before the chi-square test.</p>
<div class="figures"><figure>{{{contingency}}}<figcaption>img_pred (rows) × speech_pred (columns)</figcaption></figure></div></section>
<section><h2>phi: signed association of one-hot predictions</h2>
<p>{{phiExplanation}}</p>
<div class="figures">\#
<figure>{{{phi}}}<figcaption>phi (variables img_pred_one_hot_&lt;emotion&gt; and speech_pred_one_hot_&lt;emotion&gt;)</figcaption></figure>\#
<figure>{{{pairwiseP}}}<figcaption>pairwise_p: 2×2 chi-square p-values{{#yatesCorrection}} (Yates-corrected){{/yatesCorrection}}; \#
bold: p &lt; {{alpha}}</figcaption></figure>\#
</div>
<p class="note">{{pairwisePExplanation}}</p>
{{#phiNotes}}
<details class="note"><summary>{{count}} undefined cell{{plural}} or variable{{plural}} (n/a): why</summary>\#
<ul class="small">{{#items}}<li>{{.}}</li>{{/items}}</ul></details>
{{/phiNotes}}
</section>
<section><h2>Pearson's r between per-class probabilities</h2>
<p>{{pearsonExplanation}}</p>
<div class="figures">\#
<figure>{{{pearson}}}<figcaption>pearson (variables img_pred_prob_&lt;emotion&gt; and speech_pred_prob_&lt;emotion&gt;)</figcaption></figure>\#
<figure>{{{pearsonP}}}<figcaption>pearson_p: two-sided p-values; bold: p &lt; {{alpha}}</figcaption></figure>\#
</div>
{{#pearsonNotes}}
<details class="note"><summary>{{count}} undefined cell{{plural}} or variable{{plural}} (n/a): why</summary>\#
<ul class="small">{{#items}}<li>{{.}}</li>{{/items}}</ul></details>
{{/pearsonNotes}}
</section>
{{#classification}}
<section><h2>Against the ground truth</h2>
<p>{{scenes}} scene{{plural}} with a known emotion. Rows: the true emotion; columns: the classifier's.</p>
<div class="figures">{{#modalities}}<figure>{{{heatmap}}}\#
<table class="report"><tr><th></th><th>precision</th><th>recall</th><th>f1-score</th><th>support</th></tr>\#
{{#classes}}<tr><td>{{label}}</td><td>{{precision}}</td><td>{{recall}}</td><td>{{f1}}</td><td>{{support}}</td></tr>{{/classes}}\#
<tr><td>accuracy</td><td></td><td></td><td>{{accuracy}}</td><td>{{support}}</td></tr>\#
{{#macro}}<tr><td>macro avg</td><td>{{precision}}</td><td>{{recall}}</td><td>{{f1}}</td><td>{{support}}</td></tr>{{/macro}}\#
{{#weighted}}<tr><td>weighted avg</td><td>{{precision}}</td><td>{{recall}}</td><td>{{f1}}</td><td>{{support}}</td></tr>{{/weighted}}\#
</table><figcaption>{{who}}: accuracy {{accuracy}}, macro-F1 {{macroF1}}</figcaption></figure>{{/modalities}}</div>
{{#leftOut}}
<p class="note">Left out of these reports: {{.}}</p>
{{/leftOut}}
</section>
{{/classification}}
<section><h2>What the measures mean</h2><dl>
{{#measures}}
<dt>{{term}}</dt><dd>{{text}}</dd>
{{/measures}}
</dl></section>
{{#hasExcluded}}
<section><h2>Scenes left out</h2><ul class="small">
{{#excluded}}
<li><code>{{scene}}</code>: {{reason}}</li>
{{/excluded}}
</ul></section>
{{/hasExcluded}}
<section><details><summary>Scene table ({{sceneCount}} rows)</summary>
<table class="scenes"><tr><th>scene</th><th>img_pred</th><th>speech_pred</th>\#
{{#tableLabels}}<th>img_pred_prob_{{.}}</th>{{/tableLabels}}{{#tableLabels}}<th>speech_pred_prob_{{.}}</th>{{/tableLabels}}<th>truth</th></tr>
{{#sceneRows}}
<tr><td>{{scene}}</td><td>{{imgPred}}</td><td>{{speechPred}}</td>{{#probabilities}}<td>{{.}}</td>{{/probabilities}}<td>{{truth}}</td></tr>
{{/sceneRows}}
</table></details></section>

</body>
</html>

"""#
}

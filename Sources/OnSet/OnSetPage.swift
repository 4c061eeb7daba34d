/// The video-assist page: one file, no outside resource. It arrives with the takes of the moment inlined (drawn
/// at once, before any request), then reads `/api/takes` again whenever `/events` says the store changed (no
/// reload); a token in the page's own URL is passed on to both.
enum OnSetPage {
    /// The page with `takesJSON` (`{"takes": [...]}`) inlined; `</` is escaped so no take name can close the script.
    static func html(takesJSON: String) -> String {
        template.replacingOccurrences(of: "/*TAKES*/null", with: takesJSON.replacingOccurrences(of: "</", with: "<\\/"))
    }

    static let template = #"""
    <!DOCTYPE html>
    <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
    <title>TakeSense on set</title>
    <style>
    body{font-family:system-ui,sans-serif;margin:0;background:#111;color:#eee}
    header{padding:.6em 1em;background:#222;display:flex;justify-content:space-between}
    .take{padding:1em 1.5em;border-bottom:1px solid #333}
    .take:first-of-type{background:#1b1b1b}
    .decision{font-size:4em;font-weight:800;letter-spacing:.05em}
    .take:not(:first-of-type) .decision{font-size:1.6em}
    .keep{color:#3fb950}.retake{color:#ff5252}.unsure{color:#e3b341}.failed{color:#999}
    .name{font-size:1.3em;font-weight:600}.emotions{color:#bbb;margin:.3em 0}
    ul{margin:.3em 0}a{color:#79c0ff}
    </style></head><body>
    <header><strong>TakeSense · on set</strong><span id="status">connecting…</span></header>
    <main id="takes"><p style="padding:1em">Waiting for the first take…</p></main>
    <script>
    const token = new URLSearchParams(location.search).get('token');
    const q = token ? '?token=' + encodeURIComponent(token) : '';
    const esc = s => String(s ?? '').replace(/[&<>"]/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
    function render(takes) {
      if (!takes.length) return;
      document.getElementById('takes').innerHTML = takes.map(t => {
        if (t.status === 'failed') {
          return `<section class="take" data-id="${esc(t.id)}"><div class="name">${esc(t.take)}</div>` +
                 `<div class="decision failed">FAILED</div><div>${esc(t.error)}</div></section>`;
        }
        const v = t.verdict || {};
        const spans = (v.spans || []).map(s =>
          `<li>${esc(s.start_timecode || s.start.toFixed(1) + ' s')}–${esc(s.end_timecode || s.end.toFixed(1) + ' s')}: ${esc(s.reason)}</li>`).join('');
        return `<section class="take" data-id="${esc(t.id)}"><div class="name">${esc(t.take.split('/').pop())}</div>` +
               `<div class="decision ${esc(v.decision)}">${esc((v.decision || '?').toUpperCase())}</div>` +
               `<div class="emotions">face: ${esc(t.face && t.face.emotion || '–')} · voice: ${esc(t.voice && t.voice.emotion || '–')}</div>` +
               `<ul>${(v.reasons || []).map(r => `<li>${esc(r)}</li>`).join('')}</ul>` +
               (spans ? `<div>Spans:</div><ul class="spans">${spans}</ul>` : '') +
               `<a href="${esc(t.report)}${q}">full report</a></section>`;
      }).join('');
    }
    async function refresh() {
      const r = await fetch('/api/takes' + q, {cache: 'no-store'});
      if (r.ok) render((await r.json()).takes);
    }
    const events = new EventSource('/events' + q);
    events.addEventListener('takes', () => refresh());
    events.onopen = () => document.getElementById('status').textContent = 'live';
    events.onerror = () => document.getElementById('status').textContent = 'reconnecting…';
    const initial = /*TAKES*/null;
    if (initial) render(initial.takes);
    </script></body></html>
    """#
}

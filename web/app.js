/* app.js — small progressive enhancements; every page works without it.
 * Loaded with `defer` right after htmx, so it runs before DOMContentLoaded,
 * i.e. before htmx initialises: config set here is in force from the start.
 * No inline script or style anywhere (the CSP forbids both). */
(function () {
    'use strict';

    /* Phones: the server renders the menu <details open> so it works without
     * JavaScript; on a narrow screen we close it so the page content comes first.
     * Back on a wide screen the sidebar must be open (its summary is hidden there). */
    var narrow = window.matchMedia('(max-width: 899.98px)');
    var nav = document.querySelector('details.navwrap');
    if (nav) {
        if (narrow.matches) nav.removeAttribute('open');
        narrow.addEventListener('change', function (e) {
            if (!e.matches) nav.setAttribute('open', '');
        });
    }

    /* A table wider than the screen scrolls inside .table-wrap; keyboard users
     * can scroll it only if it can take focus (WCAG 2.1.1, axe's
     * scrollable-region-focusable). Only when it overflows: no useless tab stop. */
    function scrollersFocusable() {
        document.querySelectorAll('.table-wrap').forEach(function (w) {
            if (w.scrollWidth > w.clientWidth + 1) w.setAttribute('tabindex', '0');
            else w.removeAttribute('tabindex');
        });
    }
    var pending = 0;
    function later() {
        if (!pending) pending = requestAnimationFrame(function () { pending = 0; scrollersFocusable(); });
    }
    scrollersFocusable();
    window.addEventListener('resize', later);
    document.addEventListener('htmx:afterSettle', later);

    if (!window.htmx) return;
    var c = htmx.config;

    /* htmx's default swaps 2xx only. A 422 carries the re-rendered form with its
     * field messages, so it swaps like a success; the other 4xx/5xx rules stay
     * as htmx ships them. */
    c.responseHandling = [
        { code: '204', swap: false },
        { code: '[23]..', swap: true },
        { code: '422', swap: true },
        { code: '[45]..', swap: false, error: true }
    ];

    /* Other errors: the router answers an htmx request with a .flash fragment and
     * `HX-Retarget: #flash`; show it there (ignoring the trigger's hx-select, which
     * would find nothing in the fragment) and keep htmx's error events. */
    document.addEventListener('htmx:beforeSwap', function (e) {
        var d = e.detail;
        if (d.xhr.status >= 400 && d.xhr.getResponseHeader('HX-Retarget') === '#flash') {
            d.shouldSwap = true;
            d.selectOverride = 'unset';
        }
    });

    /* A new request makes the last error message stale: clear it. */
    document.addEventListener('htmx:beforeRequest', function () {
        var f = document.getElementById('flash');
        if (f) f.textContent = '';
    });

    /* CSP: no inline <style> (htmx would inject one for indicators, and the
     * browser would refuse it), no eval (hx-on / js: expressions). */
    c.includeIndicatorStyles = false;
    c.allowEval = false;

    /* Pages hold CSRF tokens and personal data: do not copy them into
     * sessionStorage for the back button; reload the page from the server instead. */
    c.historyCacheSize = 0;
    c.refreshOnHistoryMiss = true;

    /* hx-confirm only acts on htmx requests, but the team delete button sits in a
     * plain form: ask before that form submits too. */
    document.addEventListener('submit', function (e) {
        var b = e.submitter, msg = b && b.getAttribute('hx-confirm');
        if (msg && !b.closest('[hx-post],[hx-put],[hx-patch],[hx-delete],[hx-get]') && !window.confirm(msg)) {
            e.preventDefault();
        }
    });

    /* Task board: dragging a card onto a column posts the card's move form
     * with that column chosen (and the card's version: a stale card answers
     * 412). Moving to "blocked" needs a reason: the field is focused instead. */
    var dragged = null;
    document.addEventListener('dragstart', function (e) {
        var card = e.target.closest && e.target.closest('.task-card[draggable="true"]');
        if (card) { dragged = card; e.dataTransfer.setData('text/plain', card.dataset.task); }
    });
    document.addEventListener('dragover', function (e) {
        var col = dragged && e.target.closest && e.target.closest('.board .column');
        if (col) { e.preventDefault(); col.classList.add('drop'); }
    });
    document.addEventListener('dragleave', function (e) {
        var col = e.target.closest && e.target.closest('.board .column');
        if (col) col.classList.remove('drop');
    });
    document.addEventListener('drop', function (e) {
        var col = dragged && e.target.closest && e.target.closest('.board .column');
        if (!col) return;
        e.preventDefault();
        col.classList.remove('drop');
        var form = dragged.querySelector('form.move');
        var option = form && form.querySelector('option[value="' + col.dataset.status + '"]');
        dragged = null;
        if (!option) return; /* its own column */
        option.selected = true;
        form.elements.status.dispatchEvent(new Event('change', { bubbles: true }));
        var reason = form.elements.blocked_reason;
        if (reason && col.dataset.status === 'blocked' && !reason.value) reason.focus();
        else form.requestSubmit();
    });
    /* The reason is required exactly when "blocked" is the chosen target. */
    document.addEventListener('change', function (e) {
        var sel = e.target;
        if (!sel.matches || !sel.matches('.task-card form.move select[name="status"]')) return;
        var reason = sel.form.elements.blocked_reason;
        if (reason) reason.required = sel.value === 'blocked';
    });
})();

/* ---- tasks: CSV import page (/tasks/import) ----
 * The page is a plain multipart form (a file input and a textarea) that works
 * without script; with script, the chosen file is read into the textarea as
 * UTF-8 text for review and the file input is cleared, so that what is
 * posted is the text as edited. */
(function () {
  function ready() {
    var input = document.querySelector('input[type=file][data-import-into]');
    if (!input) return;
    var target = document.getElementById(input.getAttribute('data-import-into'));
    if (!target) return;
    input.addEventListener('change', function () {
      var file = input.files && input.files[0];
      if (!file) return;
      var reader = new FileReader();
      reader.onload = function () { target.value = String(reader.result); input.value = ''; target.focus(); };
      reader.readAsText(file, 'utf-8');
    });
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', ready);
  else ready();
})();

/* ---- event logs: upload (/eventlogs) ----
 * The form posts multipart/form-data to POST /eventlogs and works without
 * script. With script the submit is taken over: the file goes raw to POST
 * /api/v1/eventlogs (the API route takes the body as it is; the session's
 * CSRF token from <body data-csrf>), with a progress bar; on success the
 * analysis page opens, on refusal the problem's message is shown. The range
 * slider of the process map submits its form on change. */
(function () {
  function ready() {
    document.querySelectorAll('input[type=range][data-autosubmit]').forEach(function (input) {
      var out = input.form && input.form.querySelector('output[for="' + input.id + '"]');
      input.addEventListener('input', function () { if (out) out.textContent = input.value + '%'; });
      input.addEventListener('change', function () { input.form.requestSubmit(); });
    });
    var form = document.getElementById('eventlog-upload');
    if (!form) return;
    var bar = document.getElementById('el-progress');
    var status = document.getElementById('el-status');
    var error = document.getElementById('el-error');
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var file = form.elements.file.files[0];
      if (!file) return;
      var q = new URLSearchParams();
      q.set('file_name', file.name);
      ['name', 'format', 'case', 'activity', 'timestamp', 'resource', 'lifecycle', 'start_timestamp'].forEach(function (k) {
        var v = form.elements[k] && form.elements[k].value.trim();
        if (v) q.set(k, v);
      });
      var xhr = new XMLHttpRequest();
      xhr.open('POST', form.getAttribute('data-endpoint') + '?' + q.toString());
      xhr.setRequestHeader('X-CSRF-Token', document.body.getAttribute('data-csrf') || '');
      xhr.setRequestHeader('Content-Type', 'application/octet-stream');
      error.hidden = true;
      bar.hidden = false;
      bar.value = 0;
      form.querySelector('button[type=submit]').disabled = true;
      xhr.upload.addEventListener('progress', function (e) {
        if (e.lengthComputable) bar.value = Math.round(e.loaded * 100 / e.total);
      });
      xhr.onload = function () {
        var body = null;
        try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
        if (xhr.status === 201 && body && body.id) {
          status.textContent = form.getAttribute('data-done');
          window.location.assign('/eventlogs/' + body.id);
          return;
        }
        var msg = body && body.errors && body.errors[0] ? body.errors[0].message : (body && body.title) || String(xhr.status);
        error.textContent = form.getAttribute('data-error-prefix') + ': ' + msg;
        error.hidden = false;
        bar.hidden = true;
        form.querySelector('button[type=submit]').disabled = false;
      };
      xhr.onerror = function () {
        error.textContent = form.getAttribute('data-error-prefix');
        error.hidden = false;
        bar.hidden = true;
        form.querySelector('button[type=submit]').disabled = false;
      };
      xhr.send(file);
    });
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', ready);
  else ready();
})();

/* SOPs: the operation manual's print button (a data-print attribute; no inline script under the CSP). */
document.addEventListener('click', function (e) {
  var b = e.target.closest && e.target.closest('[data-print]');
  if (b) window.print();
});

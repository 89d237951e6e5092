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

    /* Task board: dragging a card onto a column posts the same form as its
     * "move to …" button (with the card's version: a stale card answers 412). */
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
        var form = dragged.querySelector('form input[name="status"][value="' + col.dataset.status + '"]');
        form = form && form.form;
        dragged = null;
        if (form && !form.querySelector('input[name="blocked_reason"]')) form.requestSubmit();
        else if (form) form.querySelector('input[name="blocked_reason"]').focus();
    });
})();

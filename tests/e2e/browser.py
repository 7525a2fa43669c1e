#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Opens the HTML report in headless Chromium and says what a reader's browser saw.

    python3 browser.py CHROMIUM PAGE.html SHOT.png

Drives the browser over the DevTools protocol on --remote-debugging-pipe (fd 3 in,
fd 4 out, NUL-terminated JSON: no socket, no handshake), standard library only.
Prints one line per finding, for tests/e2e/report_html.sh to check:

    request URL          a request for anything but the page itself (there should be none)
    console LEVEL TEXT   a console message or log entry at warning or error level
    exception TEXT       an uncaught script error
    probe JSON           what the probe script below counted in the page, after its script ran
    screenshot PATH      the 1400x3000 screenshot written

Exits 2 when the browser cannot be driven (it did not start, or timed out).
Every request the browser itself might make is sent to a closed port on 127.0.0.1 and
every host name fails to resolve, so nothing leaves this machine whatever happens.
"""
import base64
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time

TIMEOUT = 90  # seconds for the whole visit

# Runs in the page once it has loaded. Counts the marks of every chart, checks each chart
# has a text equivalent, and works the flags table's filter and sort as a reader would.
PROBE = r"""
(function () {
  var q = function (s, root) { return Array.prototype.slice.call((root || document).querySelectorAll(s)); };
  var r = {};
  r.events = {};
  q('rect.event').forEach(function (e) {
    var b = e.getAttribute('data-body'); r.events[b] = (r.events[b] || 0) + 1; });
  r.events_total = q('rect.event').length;
  r.timelines = q('svg.timeline').length;
  r.flag_marks = q('svg.timeline g.flag').length;
  r.flag_marked = q('svg.timeline g.flag').reduce(function (n, g) {
    return n + parseInt(g.getAttribute('data-count'), 10); }, 0);
  r.flag_marker_shapes = q('svg.timeline .flag-marker').length;
  r.bars_charts = q('svg.bars').length;
  r.burden_events = q('rect.burden-events').reduce(function (n, e) {
    return n + parseFloat(e.getAttribute('data-value')); }, 0);
  r.burden_hours = Math.round(q('rect.burden-hours').reduce(function (n, e) {
    return n + parseFloat(e.getAttribute('data-value')); }, 0) * 10) / 10;
  r.matrices = q('svg.matrix').length;
  r.cells = q('svg.matrix rect.cell').length;
  r.cells_banded = q('svg.matrix rect.cell:not([data-band="0"])').length;
  r.cells_contradiction = q('svg.matrix rect.cell.contradiction').length;
  r.cells_divergence = q('svg.matrix rect.cell.divergence').length;
  r.charts = q('svg.chart').length;
  // A chart without a <title> and <desc> named by aria-labelledby, or without a table beside it.
  r.charts_unlabelled = q('svg.chart').filter(function (s) {
    var ids = (s.getAttribute('aria-labelledby') || '').split(' ');
    var t = document.getElementById(ids[0]), d = document.getElementById(ids[1]);
    return !(s.getAttribute('role') === 'img' && t && t.tagName === 'title' && t.textContent &&
             d && d.tagName === 'desc' && d.textContent);
  }).length;
  r.charts_without_table = q('svg.chart').filter(function (s) {
    var n = s.closest('.charts') || s.closest('figure');
    while (n && n.tagName !== 'DETAILS') n = n.nextElementSibling;
    return !(n && n.querySelector('table'));
  }).length;
  r.marks_without_title = q('rect.event, rect.burden-events, rect.burden-hours, svg .flag-marker, rect.cell')
    .filter(function (e) { return !e.querySelector('title'); }).length;
  r.scripts = q('script').length;
  r.external = q('[src], link[href], object, embed, iframe').length;
  r.flag_rows = q('#flags-table tbody tr').length;
  r.details = q('article.flag').length;
  r.answer_columns = q('article.flag .answers > section').length;
  var form = document.getElementById('flag-filters');
  r.filters_shown = !!form && !form.hidden;
  r.flag_count_text = (document.getElementById('flag-count') || {}).textContent || '';
  var visible = function () { return q('#flags-table tbody tr').filter(function (t) { return !t.hidden; }).length; };
  if (form) {
    var kind = form.querySelector('select[name=kind]');
    kind.value = 'CONTRADICTION';
    kind.dispatchEvent(new Event('change', { bubbles: true }));
    r.filtered_contradiction = visible();
    kind.value = '';
    kind.dispatchEvent(new Event('change', { bubbles: true }));
    var sev = form.querySelector('select[name=severity]');
    sev.value = 'high';
    sev.dispatchEvent(new Event('change', { bubbles: true }));
    r.filtered_high = visible();
    sev.value = '';
    sev.dispatchEvent(new Event('change', { bubbles: true }));
    var words = form.querySelector('input');
    var unit = form.querySelector('select[name=unit]');
    unit.value = 'N54CLE';
    unit.dispatchEvent(new Event('change', { bubbles: true }));
    r.filtered_unit = visible();
    unit.value = '';
    unit.dispatchEvent(new Event('change', { bubbles: true }));
    words.value = 'Sunderland';
    words.dispatchEvent(new Event('input', { bubbles: true }));
    r.filtered_words = visible();
    words.value = '';
    words.dispatchEvent(new Event('input', { bubbles: true }));
    r.unfiltered = visible();
    var no = q('#flags-table thead th button')[0];
    no.click(); no.click();
    r.sorted_first = q('#flags-table tbody tr')[0].getAttribute('data-n');
    r.sorted_aria = q('#flags-table thead th')[0].getAttribute('aria-sort');
    no.click();
    r.sorted_back = q('#flags-table tbody tr')[0].getAttribute('data-n');
    // Severity, descending then ascending: ties keep the table's order either way.
    var high = q('#flags-table tbody tr[data-severity=high]').map(function (t) {
      return t.getAttribute('data-n'); });
    var low = q('#flags-table tbody tr[data-severity=low]').map(function (t) {
      return t.getAttribute('data-n'); });
    var sevb = q('#flags-table thead th button')[2];
    sevb.click();
    r.sorted_severity = q('#flags-table tbody tr').slice(0, high.length).map(function (t) {
      return t.getAttribute('data-n'); }).join(' ') === high.join(' ');
    sevb.click();
    r.sorted_severity_desc = q('#flags-table tbody tr').slice(0, low.length).map(function (t) {
      return t.getAttribute('data-n'); }).join(' ') === low.join(' ');
    no.click();
  }
  window.scrollTo(0, 0);
  return JSON.stringify(r);
})()
"""


class Browser:
    def __init__(self, chromium, user_data_dir):
        to_r, self.to_w = os.pipe()
        self.from_r, from_w = os.pipe()

        def fds():  # in the child: our pipe ends become its fds 3 and 4
            a, b = os.dup(to_r), os.dup(from_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        args = [chromium, '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
                '--no-first-run', '--disable-background-networking', '--disable-component-update',
                '--disable-sync', '--disable-extensions', '--disable-default-apps',
                '--disable-domain-reliability', '--disable-breakpad', '--no-pings',
                '--disable-features=Translate,MediaRouter,OptimizationHints,AutofillServerCommunication',
                '--proxy-server=http://127.0.0.1:9', '--proxy-bypass-list=<-loopback>',
                '--host-resolver-rules=MAP * ~NOTFOUND',
                '--hide-scrollbars', '--window-size=1400,3000', '--force-device-scale-factor=1',
                '--user-data-dir=' + user_data_dir, '--remote-debugging-pipe', 'about:blank']
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, preexec_fn=fds, close_fds=False)
        os.close(to_r)
        os.close(from_w)
        self.buf = b''
        self.next_id = 0
        self.events = []
        self.deadline = time.monotonic() + TIMEOUT

    def _read_message(self):
        while b'\0' not in self.buf:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError('the browser did not answer in time')
            ready, _, _ = select.select([self.from_r], [], [], left)
            if not ready:
                continue
            chunk = os.read(self.from_r, 1 << 20)
            if not chunk:
                raise EOFError('the browser closed the pipe')
            self.buf += chunk
        msg, self.buf = self.buf.split(b'\0', 1)
        return json.loads(msg)

    def send(self, method, params=None, session=None):
        self.next_id += 1
        msg = {'id': self.next_id, 'method': method, 'params': params or {}}
        if session:
            msg['sessionId'] = session
        os.write(self.to_w, json.dumps(msg).encode() + b'\0')
        while True:
            m = self._read_message()
            if m.get('id') == self.next_id:
                if 'error' in m:
                    raise RuntimeError('%s: %s' % (method, m['error']))
                return m.get('result', {})
            self.events.append(m)

    def wait_event(self, method, seconds):
        end = min(self.deadline, time.monotonic() + seconds)
        for i, m in enumerate(self.events):
            if m.get('method') == method:
                return True
        while time.monotonic() < end:
            saved = self.deadline
            self.deadline = end
            try:
                m = self._read_message()
            except TimeoutError:
                return False
            finally:
                self.deadline = saved
            self.events.append(m)
            if m.get('method') == method:
                return True
        return False

    def close(self):
        try:
            self.send('Browser.close')
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def main():
    if len(sys.argv) != 4:
        print('usage: browser.py CHROMIUM PAGE.html SHOT.png', file=sys.stderr)
        return 64
    chromium, page, shot = sys.argv[1:]
    url = 'file://' + os.path.abspath(page)
    udd = tempfile.mkdtemp(prefix='concord-chromium-')
    b = None
    try:
        b = Browser(chromium, udd)
        target = b.send('Target.createTarget', {'url': 'about:blank'})['targetId']
        s = b.send('Target.attachToTarget', {'targetId': target, 'flatten': True})['sessionId']
        for m in ('Page.enable', 'Network.enable', 'Runtime.enable', 'Log.enable'):
            b.send(m, session=s)
        b.send('Emulation.setDeviceMetricsOverride',
               {'width': 1400, 'height': 3000, 'deviceScaleFactor': 1, 'mobile': False}, session=s)
        b.events.clear()
        b.send('Page.navigate', {'url': url}, session=s)
        if not b.wait_event('Page.loadEventFired', 60):
            print('exception the page did not finish loading')
        b.wait_event('Never.happens', 0.5)  # late requests or messages
        probe = b.send('Runtime.evaluate', {'expression': PROBE, 'returnByValue': True}, session=s)
        if 'exceptionDetails' in probe:
            print('exception in the probe: %s' % json.dumps(probe['exceptionDetails'])[:500])
        else:
            print('probe ' + probe['result']['value'])
        png = b.send('Page.captureScreenshot', {'format': 'png'}, session=s)['data']
        os.makedirs(os.path.dirname(os.path.abspath(shot)), exist_ok=True)
        with open(shot, 'wb') as f:
            f.write(base64.b64decode(png))
        print('screenshot ' + shot)
        b.wait_event('Never.happens', 0.2)
        for m in b.events:
            p = m.get('params', {})
            meth = m.get('method')
            if meth == 'Network.requestWillBeSent':
                u = p.get('request', {}).get('url', '')
                if u != url and not u.startswith(('data:', 'about:')):
                    print('request ' + u)
            elif meth == 'Runtime.consoleAPICalled' and p.get('type') in ('error', 'warning', 'assert'):
                text = ' '.join(str(a.get('value', a.get('description', ''))) for a in p.get('args', []))
                print('console %s %s' % (p.get('type'), text))
            elif meth == 'Log.entryAdded' and p.get('entry', {}).get('level') in ('error', 'warning'):
                e = p['entry']
                print('console %s %s (%s)' % (e.get('level'), e.get('text'), e.get('url', '')))
            elif meth == 'Runtime.exceptionThrown':
                d = p.get('exceptionDetails', {})
                print('exception %s %s' % (d.get('text', ''),
                                           d.get('exception', {}).get('description', '')))
        return 0
    except (OSError, EOFError, TimeoutError, RuntimeError, KeyError) as e:
        print('browser: %s' % e, file=sys.stderr)
        return 2
    finally:
        if b:
            b.close()
        shutil.rmtree(udd, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())

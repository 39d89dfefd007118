import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/demo/seed';
import { openBrowser } from '../support/browser';
import { bearer, startTestApp, TestApp } from '../support/test-app';

/**
 * The /ui page in a real browser (Debian's Chromium), against the real app and the demo cluster
 * (seeded as `npm start` seeds it): a person pastes the key, picks cce-demo, the pod
 * default/frontend-1 and the Service default/backend-nodeport, and reads the answer. What the page
 * shows is compared with what the REST API answers for the same question. Every request to
 * anywhere but this server is refused and recorded: the page must need none.
 */
const CLIENT = 'default/frontend-1';
const SERVICE = 'default/backend-nodeport';
const GREEN = 'rgb(31, 136, 61)';
const RED = 'rgb(207, 34, 46)';
const FOCUS = 'rgb(9, 105, 218)';

interface Rule {
  id: string;
  statement: string;
}
interface Endpoint {
  pod: string | null;
  outcome: string;
  rule: string | null;
}
interface Group {
  id: string;
  kind: string;
  network: string | null;
  verdict: string;
  rule: string | null;
  addresses: { address: string; node: string | null; network?: string | null }[];
  endpoints: Endpoint[];
  path: { at: string; rule: string }[];
}
interface Reachability {
  summary: { verdict: string; text: string; sourceIpPreserved: unknown };
  groups: Group[];
  rules: Rule[];
  affinity?: { shares: { pod: string | null; share: number }[] };
}
interface Matrix {
  columns: { id: string; label: string }[];
  rows: {
    client: { name: string; kind: string };
    cells: { verdict: string; sourceIpPreserved: boolean | null; rule: string | null }[];
  }[];
  rules: Rule[];
}

let t: TestApp;
let browser: Browser;
let base: string;
let key: string;
let clusterId: string;
let dataDir: string;
let answer: Reachability;
let matrix: Matrix;

beforeAll(async () => {
  t = await startTestApp();
  dataDir = mkdtempSync(join(tmpdir(), 'svcpath-ui-demo-'));
  const demo = await seedDemo(t.app, dataDir);
  key = demo.apiKey;
  clusterId = demo.clusterId;
  answer = (
    await t.http
      .post(`/v1/clusters/${clusterId}/reachability`)
      .set(bearer(key))
      .send({ client: { pod: CLIENT }, service: SERVICE })
      .expect(200)
  ).body as Reachability;
  matrix = (
    await t.http.get(`/v1/clusters/${clusterId}/services/default/backend-nodeport/matrix`).set(bearer(key)).expect(200)
  ).body as Matrix;
  ({ base, browser } = await openBrowser(t));
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

interface Watched {
  page: Page;
  context: BrowserContext;
  outside: string[];
  problems: string[];
}

/** A fresh page whose requests to anywhere but this server are refused and recorded, as are console errors (CSP reports among them). */
async function openPage(viewport = { width: 1280, height: 800 }): Promise<Watched> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const outside: string[] = [];
  const problems: string[] = [];
  await page.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.origin === new URL(base).origin) return route.continue();
    outside.push(url.href);
    return route.abort();
  });
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(String(e)));
  await page.goto(`${base}/ui`);
  await page.waitForSelector('html[data-ready="true"]');
  return { page, context, outside, problems };
}

/** Pastes the key and picks cce-demo, the pod and the Service, as a person does. */
async function askAsAPerson(page: Page): Promise<void> {
  await page.fill('#api-key', key);
  await page.click('#use-key');
  await page.waitForSelector(`#cluster option[value="${clusterId}"]`, { state: 'attached' });
  await page.selectOption('#cluster', { label: 'cce-demo (CCE)' });
  await page.waitForFunction(() => !(document.getElementById('service') as HTMLSelectElement).disabled);
  await page.selectOption('#client-kind', 'pod');
  await page.selectOption('#client', CLIENT);
  await page.selectOption('#service', SERVICE);
  await page.click('#ask');
  await waitForAnswer(page);
}

async function waitForAnswer(page: Page): Promise<void> {
  await page.waitForSelector('#results[data-answer="reachability"]', { timeout: 20_000 }).catch(async (e: unknown) => {
    await page.screenshot({ path: join(tmpdir(), 'svcpath-ui-failure.png'), fullPage: true });
    throw e;
  });
  await page.waitForSelector('#matrix-grid td.cell');
}

const style = (page: Page, selector: string, prop: string) =>
  page.$eval(selector, (el, p) => getComputedStyle(el).getPropertyValue(p), prop);

/** The API's group for a node's NodePort on one network (`network`, or the addresses' own). */
function nodePortGroup(node: string, network: string): Group {
  const group = answer.groups.find(
    (g) => g.kind === 'NODE_PORT' && g.addresses.some((a) => a.node === node && (a.network ?? g.network) === network),
  );
  if (!group) throw new Error(`the API answer has no NodePort group for ${node} (${network})`);
  return group;
}

describe('/ui, the page', () => {
  it('is served by the app with its assets, a strict Content-Security-Policy, and without credentials', async () => {
    const page = await t.http.get('/ui').expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/unsafe-|https?:|\*/);
    // Every script, style and icon the page names is one of the app's own files.
    const refs = [...String(page.text).matchAll(/(?:src|href)="([^"]+)"/g)]
      .map((m) => m[1])
      .filter((r) => !r.startsWith('#'));
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      expect(ref.startsWith('/ui/assets/')).toBe(true);
      await t.http.get(ref).expect(200);
    }
    const js = await t.http.get('/ui/assets/app.js').expect(200);
    expect(js.headers['content-type']).toMatch(/^text\/javascript/);
    expect(js.headers['content-security-policy']).toBe(csp);
    expect((await t.http.get('/ui/assets/ui.css').expect(200)).headers['content-type']).toMatch(/^text\/css/);
    await t.http.get('/ui/assets/nothing.js').expect(404);
    await t.http.get('/ui/assets/..%2Fui.controller.ts').expect(404);
    const openapi = (await t.http.get('/docs/openapi.json').expect(200)).body as { paths: Record<string, unknown> };
    expect(Object.keys(openapi.paths).filter((p) => p.startsWith('/ui'))).toEqual([]);
  });

  it("shows the summary, the path, the matrix and the shares of the API's answer, with nothing leaving the machine", async () => {
    const { page, context, outside, problems } = await openPage();
    await askAsAPerson(page);

    // 1. The summary sentence and the verdict badge.
    expect(await page.textContent('#summary-text')).toBe(answer.summary.text);
    expect(await page.getAttribute('#verdict-badge', 'data-verdict')).toBe(answer.summary.verdict);

    // 2. One lane per group. ClusterIP: reachable, green, with its hops (client, node-3).
    expect(await page.$$eval('#lanes .lane', (els) => els.map((e) => (e as HTMLElement).dataset.group))).toEqual(
      answer.groups.map((g) => g.id),
    );
    const clusterIp = answer.groups.find((g) => g.kind === 'CLUSTER_IP');
    expect(clusterIp?.verdict).toBe('REACHABLE');
    const cip = '.lane[data-kind="CLUSTER_IP"]';
    expect(await page.getAttribute(cip, 'data-verdict')).toBe('REACHABLE');
    expect(await style(page, `${cip} .badge`, 'background-color')).toBe(GREEN);
    expect(await style(page, cip, 'border-left-color')).toBe(GREEN);
    expect(await page.$$eval(`${cip} .hop`, (els) => els.map((e) => (e as SVGElement).dataset.kind))).toEqual([
      'client',
      'node',
    ]);
    expect(await page.getAttribute(`${cip} .hop[data-kind="node"]`, 'data-node')).toBe('node-3');
    // Its translation: the ClusterIP before, the endpoints after (step.before/after).
    const dnat = clusterIp!.path.find((s) => (s as { after?: unknown }).after) as unknown as {
      before: { destination: string };
      after: { destination: string };
    };
    const natText = await page.$eval(`${cip} .hop[data-kind="node"]`, (el) =>
      [...el.querySelectorAll('.nat')].map((n) => n.textContent).join('\n'),
    );
    expect(natText).toContain(`to ${dnat.before.destination} → ${dnat.after.destination.split(', ').length} endpoints`);
    expect(natText).toContain('(kept)'); // the source: a pod to a ClusterIP is not masqueraded
    expect(await page.$$eval(`${cip} .endpoint`, (els) => els.map((e) => (e as SVGElement).dataset.outcome))).toEqual(
      clusterIp!.endpoints.map((e) => e.outcome),
    );

    // node-3's NodePort: the client's own node runs no backend, so every connection fails (CCE failure table).
    const node3 = nodePortGroup('node-3', 'PRIVATE');
    expect(node3.verdict).toBe('UNREACHABLE');
    const lane3 = `.lane[data-group="${node3.id}"]`;
    expect(await page.getAttribute(lane3, 'data-verdict')).toBe('UNREACHABLE');
    expect((await page.getAttribute(lane3, 'data-nodes'))?.split(' ')).toContain('node-3');
    expect(await style(page, lane3, 'border-left-color')).toBe(RED);
    const outcomes = await page.$$eval(`${lane3} .endpoint`, (els) =>
      els.map((e) => (e as SVGElement).dataset.outcome),
    );
    expect(outcomes).toEqual(node3.endpoints.map(() => 'FAILS'));
    expect(outcomes.length).toBeGreaterThan(0);
    expect(await style(page, `${lane3} .endpoint .card`, 'stroke')).toBe(RED);
    const failingHop = `${lane3} .hop[data-outcome="FAILS"]`;
    expect(await page.getAttribute(failingHop, 'data-rule')).toBe(node3.rule);

    // The deciding rule: on hover (tooltip) and on click (details: statement from the rules table).
    const rules = new Map(answer.rules.map((r) => [r.id, r]));
    await page.hover(failingHop);
    await page.waitForSelector('#tip:not([hidden])');
    expect(await page.textContent('#tip')).toBe(`${node3.rule}: ${rules.get(node3.rule!)!.statement}`);
    await page.click(failingHop);
    await page.waitForSelector('#details:not([hidden])');
    expect(await page.textContent('#details-body .rule .statement')).toBe(rules.get(node3.rule!)!.statement);
    expect(await page.getAttribute('#details-body .rule', 'data-rule-id')).toBe(node3.rule);
    // Every hop's rule is one of the answer's rules.
    for (const id of await page.$$eval('#lanes .hop[data-rule]', (els) =>
      els.map((e) => (e as SVGElement).dataset.rule!),
    ))
      expect(rules.has(id)).toBe(true);
    // A failing endpoint shows the rule that failed it.
    const failed = node3.endpoints[0];
    await page.click(`${lane3} .endpoint[data-pod="${failed.pod}"]`);
    expect(await page.getAttribute('#details-body .rule', 'data-rule-id')).toBe(failed.rule);
    expect(await page.textContent('#details-body .rule .statement')).toBe(rules.get(failed.rule!)!.statement);
    await page.click('#details-close');
    expect(await page.isHidden('#details')).toBe(true);

    // 3. The matrix: every cell the API answers, with its verdict, source IP and rule.
    const cells = await page.$$eval('#matrix-grid td.cell', (els) =>
      els.map((e) => {
        const d = (e as HTMLElement).dataset;
        return {
          client: d.client,
          column: d.column,
          verdict: d.verdict,
          rule: d.rule ?? null,
          title: e.getAttribute('title'),
          label: e.getAttribute('aria-label'),
        };
      }),
    );
    const expected = matrix.rows.flatMap((row) =>
      row.cells.map((cell, i) => ({
        client: row.client.name,
        column: matrix.columns[i].id,
        verdict: cell.verdict,
        rule: cell.rule ?? null,
      })),
    );
    expect(cells.map(({ client, column, verdict, rule }) => ({ client, column, verdict, rule }))).toEqual(expected);
    expect(expected.some((c) => c.verdict === 'REACHABLE')).toBe(true);
    for (const cell of cells) {
      if (cell.rule) expect(cell.title).toContain(cell.rule);
      expect(cell.label).toBeTruthy();
    }
    // Known pairs: the pod on node-3 by every column, the colours of a reachable and an unreachable cell.
    const podRow = matrix.rows.find((r) => r.client.kind === 'POD' && r.client.name === CLIENT);
    expect(podRow).toBeDefined();
    for (const [i, col] of matrix.columns.entries()) {
      const sel = `#matrix-grid td.cell[data-client="${CLIENT}"][data-column="${col.id}"]`;
      expect(await page.getAttribute(sel, 'data-verdict')).toBe(podRow!.cells[i].verdict);
    }
    expect(await style(page, '#matrix-grid td.cell[data-verdict="REACHABLE"]', 'background-color')).toBe(GREEN);
    if (expected.some((c) => c.verdict === 'UNREACHABLE'))
      expect(await style(page, '#matrix-grid td.cell[data-verdict="UNREACHABLE"]', 'background-color')).toBe(RED);
    const ruled = expected.find((c) => c.rule && c.verdict !== 'NOT_APPLICABLE')!;
    await page.click(`#matrix-grid td.cell[data-client="${ruled.client}"][data-column="${ruled.column}"]`);
    expect(await page.getAttribute('#details-body .rule', 'data-rule-id')).toBe(ruled.rule);
    expect(await page.textContent('#details-body .rule .statement')).toBe(
      new Map(matrix.rules.map((r) => [r.id, r])).get(ruled.rule!)!.statement,
    );

    // 4. CCE: the traffic share per backend pod, as bars as long as the shares.
    const shares = answer.affinity?.shares ?? [];
    expect(shares.map((s) => s.pod).sort()).toEqual(['default/backend-1', 'default/backend-2', 'default/backend-3']);
    const bars = await page.$$eval('#share-bars li', (els) =>
      els.map((li) => ({
        pod: (li as HTMLElement).dataset.pod,
        share: Number((li as HTMLElement).dataset.share),
        ratio:
          (li.querySelector('.fill') as HTMLElement).getBoundingClientRect().width /
          (li.querySelector('.bar') as HTMLElement).getBoundingClientRect().width,
      })),
    );
    expect(bars.map(({ pod, share }) => ({ pod, share }))).toEqual(shares.map((s) => ({ pod: s.pod, share: s.share })));
    for (const bar of bars) expect(bar.ratio).toBeCloseTo(bar.share, 2);

    await page.keyboard.press('Escape');
    expect(await page.isHidden('#details')).toBe(true);
    // Pictures to look at (not compared): the whole page, the path and the grid.
    await page.screenshot({ path: join(tmpdir(), 'svcpath-ui-1280.png'), fullPage: true });
    await page.locator('#path').screenshot({ path: join(tmpdir(), 'svcpath-ui-path.png') });
    await page.locator('#matrix').screenshot({ path: join(tmpdir(), 'svcpath-ui-matrix.png') });
    expect(outside).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it('works from the keyboard: Tab reaches every control, Enter on a hop opens its details, Escape closes them', async () => {
    const { page, context, outside, problems } = await openPage();
    const focused = () =>
      page.evaluate(
        () =>
          document.activeElement?.id ||
          (document.activeElement as HTMLElement | null)?.dataset?.key ||
          document.activeElement?.tagName ||
          '',
      );
    // Tab through the controls in order, using them as a keyboard user would.
    const seen: string[] = [];
    const tabTo = async (id: string) => {
      for (let i = 0; i < 25; i++) {
        await page.keyboard.press('Tab');
        const now = await focused();
        seen.push(now);
        if (now === id) return;
      }
      throw new Error(`Tab never reached #${id}: ${seen.join(' → ')}`);
    };
    await tabTo('api-key');
    await page.keyboard.insertText(key);
    await page.keyboard.press('Enter');
    await page.waitForSelector(`#cluster option[value="${clusterId}"]`, { state: 'attached' });
    await page.waitForFunction(() => !(document.getElementById('service') as HTMLSelectElement).disabled);
    await tabTo('cluster');
    await tabTo('mode-service');
    await tabTo('client-kind');
    await tabTo('client');
    await page.selectOption('#client', CLIENT); // the select has focus: pick as the arrow keys would
    await tabTo('service');
    await page.selectOption('#service', SERVICE);
    await tabTo('port');
    await tabTo('ask');
    expect(await style(page, '#ask', 'outline-color')).toBe(FOCUS);
    await page.keyboard.press('Enter');
    await waitForAnswer(page);

    // Into the diagram: the first hop of the first lane is a tab stop; its focus ring shows.
    let hop = '';
    for (let i = 0; i < 20 && !hop.startsWith('s'); i++) {
      await page.keyboard.press('Tab');
      hop = await page.evaluate(() =>
        document.activeElement?.closest('.hop') ? ((document.activeElement as SVGElement).dataset.key ?? '') : '',
      );
      if (hop === 'client') hop = '';
    }
    expect(hop).toMatch(/^s\d+$/);
    expect(await page.evaluate(() => getComputedStyle(document.activeElement!.querySelector('.ring')!).stroke)).toBe(
      FOCUS,
    );
    const rule = await page.evaluate(() => (document.activeElement as SVGElement).dataset.rule!);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#details:not([hidden])');
    expect(await page.getAttribute('#details-body .rule', 'data-rule-id')).toBe(rule);
    expect(await page.textContent('#details-body .rule .statement')).toBe(
      answer.rules.find((r) => r.id === rule)!.statement,
    );
    await page.keyboard.press('Escape');
    expect(await page.isHidden('#details')).toBe(true);
    expect(await page.evaluate(() => (document.activeElement as SVGElement).dataset.key)).toBe(hop);
    // Space opens too.
    await page.keyboard.press(' ');
    await page.waitForSelector('#details:not([hidden])');
    await page.keyboard.press('Escape');

    // The matrix is one tab stop; arrows move within it; Enter opens a cell.
    const grid = await page.evaluate(() => {
      const first = document.querySelector('#matrix-grid td.cell[tabindex="0"]') as HTMLElement;
      first.focus();
      return first.dataset.column;
    });
    expect(grid).toBe(matrix.columns[0].id);
    await page.keyboard.press('ArrowRight');
    expect(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.column)).toBe(
      matrix.columns[1]?.id ?? matrix.columns[0].id,
    );
    await page.keyboard.press('Enter');
    await page.waitForSelector('#details:not([hidden])');
    expect(outside).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it('fits a phone (375×667): no horizontal page scroll; the diagram stacks, the grid scrolls in its own box', async () => {
    const { page, context, outside, problems } = await openPage({ width: 375, height: 667 });
    const pageScroll = () =>
      page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(await pageScroll()).toBe(0);
    await askAsAPerson(page);
    expect(await pageScroll()).toBe(0);
    expect(await page.$$eval('#lanes svg.diagram', (els) => els.every((e) => e.classList.contains('vertical')))).toBe(
      true,
    );
    expect(
      await page.$$eval('#lanes svg.diagram', (els) => Math.max(...els.map((e) => e.getBoundingClientRect().right))),
    ).toBeLessThanOrEqual(375);
    const box = await page.$eval('#matrix .grid-box', (el) => ({
      right: el.getBoundingClientRect().right,
      client: el.clientWidth,
    }));
    expect(box.right).toBeLessThanOrEqual(375);
    await page.click('.lane .hop[data-kind="node"]');
    await page.waitForSelector('#details:not([hidden])');
    expect(await pageScroll()).toBe(0);
    await page.screenshot({ path: join(tmpdir(), 'svcpath-ui-375.png') });
    expect(outside).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it("traces one packet typed by hand: the trace's summary, its hops and its failing endpoints", async () => {
    const destination = { ip: '192.168.0.12', port: 30000 };
    const trace = (
      await t.http
        .post(`/v1/clusters/${clusterId}/trace`)
        .set(bearer(key))
        .send({ source: { pod: CLIENT }, destination })
        .expect(200)
    ).body as {
      summary: { verdict: string; text: string };
      endpoints: Endpoint[];
      rules: Rule[];
      node: string;
      connection: string | null;
    };
    const { page, context, outside, problems } = await openPage();
    await page.fill('#api-key', key);
    await page.click('#use-key');
    await page.waitForFunction(() => !(document.getElementById('trace') as HTMLButtonElement).disabled);
    await page.check('#mode-trace');
    await page.fill('#trace-source', CLIENT);
    await page.fill('#trace-destination', `${destination.ip}:${destination.port}`);
    await page.click('#trace');
    await page.waitForSelector('#results[data-answer="trace"]');
    expect(await page.textContent('#summary-text')).toBe(trace.summary.text);
    expect(await page.getAttribute('#verdict-badge', 'data-verdict')).toBe(trace.summary.verdict);
    expect(await page.getAttribute('.lane .hop[data-kind="node"]', 'data-node')).toBe(trace.node);
    expect(await page.$$eval('.lane .endpoint', (els) => els.map((e) => (e as SVGElement).dataset.outcome))).toEqual(
      trace.endpoints.map((e) => e.outcome),
    );
    expect(trace.endpoints.every((e) => e.outcome === 'FAILS')).toBe(true);
    expect(trace.connection).toBe('FAILS');
    expect(await page.textContent('.lane h3')).toContain('connection FAILS');
    expect(await page.getAttribute('.lane', 'data-verdict')).toBe(trace.summary.verdict);
    const rule = (await page.getAttribute('.lane .hop[data-kind="node"]', 'data-rule'))!;
    await page.click('.lane .hop[data-kind="node"]');
    expect(await page.textContent('#details-body .rule .statement')).toBe(
      trace.rules.find((r) => r.id === rule)!.statement,
    );
    expect(await page.isHidden('#matrix')).toBe(true);
    expect(outside).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it('keeps the key in the tab only: a reload finds it in sessionStorage, "Forget key" removes it', async () => {
    const { page, context, outside, problems } = await openPage();
    await page.fill('#api-key', key);
    await page.click('#use-key');
    await page.waitForSelector(`#cluster option[value="${clusterId}"]`, { state: 'attached' });
    expect(
      await page.evaluate(() => ({
        session: sessionStorage.getItem('svcpath.apiKey'),
        local: localStorage.length,
        cookie: document.cookie,
      })),
    ).toEqual({ session: key, local: 0, cookie: '' });
    await page.reload();
    await page.waitForSelector(`#cluster option[value="${clusterId}"]`, { state: 'attached' });
    await page.click('#forget-key');
    expect(await page.evaluate(() => sessionStorage.getItem('svcpath.apiKey'))).toBeNull();
    expect(await page.inputValue('#api-key')).toBe('');
    expect(outside).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  }, 60_000);
});

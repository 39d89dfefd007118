import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser } from '../support/browser';
import { bearer, createTenant, startTestApp, TestApp, TestTenant } from '../support/test-app';

/**
 * The playground in a real browser (Debian's Chromium), as a user works it: open /graphiql, paste
 * the API key into the Headers editor, type a query, press Execute, read the answer. Every request
 * the page makes to anywhere but this server is refused and recorded: the page must need none.
 */
let t: TestApp;
let tenant: TestTenant;
let browser: Browser;
let base: string;

beforeAll(async () => {
  t = await startTestApp();
  tenant = await createTenant(t);
  await t.http
    .post('/v1/clusters')
    .set(bearer(tenant.apiKey))
    .send({ name: 'seen-in-the-browser', profile: 'CCE' })
    .expect(201);
  ({ base, browser } = await openBrowser(t));
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

async function replaceEditorText(page: import('playwright-core').Page, selector: string, text: string): Promise<void> {
  await page.click(selector);
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(text);
  // The editor auto-closes brackets and quotes as text arrives: drop what it added after the cursor.
  await page.keyboard.press('Shift+Control+End');
  await page.keyboard.press('Delete');
}

describe('GraphiQL at /graphiql', () => {
  it('loads with no outside requests and runs a query with the pasted API key', async () => {
    const page = await browser.newPage();
    const outside: string[] = [];
    await page.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.host === new URL(base).host || url.protocol === 'data:' || url.protocol === 'blob:')
        return route.continue();
      outside.push(url.href);
      return route.abort();
    });
    await page.goto(`${base}/graphiql`);
    const headers = '.graphiql-editor-tool .graphiql-editor:not(.hidden)';
    // Ready when the editors show their initial contents (the default query and headers).
    await page.waitForFunction(
      (sel) => document.querySelector(`${sel} .view-lines`)?.textContent?.replace(/\s/g, '').includes('yourAPIkey'),
      headers,
      { timeout: 20_000 },
    );
    await page.waitForFunction(
      () => document.querySelector('.graphiql-query-editor .view-lines')?.textContent?.includes('clusters'),
      null,
      { timeout: 20_000 },
    );

    await replaceEditorText(
      page,
      `${headers} .monaco-editor`,
      JSON.stringify({ Authorization: `Bearer ${tenant.apiKey}` }),
    );
    await replaceEditorText(
      page,
      '.graphiql-query-editor .monaco-editor',
      'query Clusters { clusters { items { name profile } } }',
    );
    await page.waitForFunction(
      (sel) => document.querySelector(`${sel} .view-lines`)?.textContent?.includes('svc_'),
      headers,
    );
    await page.click('button[aria-label="Execute query (Ctrl-Enter)"]');
    await page
      .waitForFunction(() => document.querySelector('.graphiql-response')?.textContent?.includes('"profile"'), null, {
        timeout: 45_000,
      })
      .catch(async (e: unknown) => {
        await page.screenshot({ path: '/tmp/graphiql-failure.png' });
        throw e;
      });

    // The response editor renders its lines as text: compare it with whitespace removed.
    const text = (await page.$eval('.graphiql-response .view-lines', (el) => el.textContent ?? '')).replace(/\s+/g, '');
    expect(text).toBe(
      JSON.stringify({ data: { clusters: { items: [{ name: 'seen-in-the-browser', profile: 'CCE' }] } } }),
    );
    expect(outside).toEqual([]);
    await page.close();
  }, 120_000);
});

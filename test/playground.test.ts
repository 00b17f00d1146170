// The GraphiQL playground in a real browser (Debian's Chromium via playwright-core): load it, send a query with a token, see the result.
import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { signUp } from './support/actors';
import { startTestServer, type TestServer } from './support/server';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = fs.existsSync(CHROMIUM);
if (!haveChromium) {
  console.warn(`Skipping the playground browser test: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);
}
const describeWithBrowser = haveChromium ? describe : describe.skip;

describeWithBrowser('playground', () => {
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await startTestServer();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('serves GraphiQL from local assets and runs an authenticated query', async () => {
    const user = await signUp(server, 'playground');
    const page = await browser.newPage();
    const outside: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(server.url.replace(/\/graphql$/, ''))) outside.push(request.url());
    });
    await page.goto(server.url);
    await page.waitForSelector('.graphiql-query-editor .CodeMirror', { timeout: 60_000 });

    await page.evaluate(
      ({ token }) => {
        type CodeMirrorElement = Element & { CodeMirror: { setValue(value: string): void } };
        const editor = (selector: string) => (document.querySelector(selector) as CodeMirrorElement).CodeMirror;
        editor('.graphiql-query-editor .CodeMirror').setValue('query Me { me { email } }');
        editor('.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror, .graphiql-editor-tool .CodeMirror').setValue('{}');
        const headers = Array.from(document.querySelectorAll('.graphiql-editor-tool .CodeMirror')) as CodeMirrorElement[];
        // The tools pane holds the variables and the headers editors; the last is the headers one.
        headers[headers.length - 1].CodeMirror.setValue(JSON.stringify({ Authorization: `Bearer ${token}` }));
      },
      { token: user.token },
    );
    // GraphiQL debounces editor changes into its state; it persists the headers once they are taken in.
    await page.waitForFunction((token) => localStorage.getItem('graphiql:headers')?.includes(token) ?? false, user.token, { timeout: 20_000 });
    await page.click('.graphiql-execute-button');
    await page.waitForFunction(() => document.querySelector('.result-window')?.textContent?.includes('"email"'), null, { timeout: 20_000 });
    const result = await page.evaluate(() => {
      const element = document.querySelector('.result-window .CodeMirror') as Element & { CodeMirror: { getValue(): string } };
      return element.CodeMirror.getValue();
    });
    expect(JSON.parse(result)).toEqual({ data: { me: { email: user.email } } });
    expect(outside).toEqual([]);
    await page.close();
  }, 120_000);
});

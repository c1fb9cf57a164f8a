// Open a notebook in JupyterLab in headless Chromium (Debian's, driven by playwright-core),
// check that the server wants a token, run all cells from the Run menu, wait for an expected
// output, print it, and save a screenshot.
//
//   node jupyterlab_run_notebook.mjs BASE_URL TOKEN NOTEBOOK SCREENSHOT.png EXPECTED_REGEX
//
// Output: lines "login-required: yes|no" and "output: <text of the matching output>".
import { chromium } from 'playwright-core';

const [baseUrl, token, notebook, screenshot, expected] = process.argv.slice(2);
if (!expected) {
  console.error('usage: node jupyterlab_run_notebook.mjs BASE_URL TOKEN NOTEBOOK SCREENSHOT EXPECTED_REGEX');
  process.exit(2);
}
const timeout = Number(process.env.NOTEBOOK_TIMEOUT_MS || 480000);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
  // Without the token the server must send us to its login page.
  await page.goto(`${baseUrl}/lab`, { waitUntil: 'domcontentloaded' });
  console.log(`login-required: ${page.url().includes('/login') ? 'yes' : 'no'}`);

  await page.goto(`${baseUrl}/lab/tree/${notebook}?token=${token}`, { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('.jp-Notebook .jp-Cell', { timeout: 120000 });
  // The kernel must be up before "Run All Cells" means anything.
  await page.waitForFunction(
    () => document.querySelector('.jp-Notebook-ExecutionIndicator')?.getAttribute('data-status') === 'idle',
    null, { timeout: 120000 });
  // "Run All Cells" sent while the kernel's websocket is still connecting can be dropped:
  // try again until some cell shows it is queued or ran ([*] or [n]).
  const started = async () => (await page.locator('.jp-InputPrompt').allInnerTexts())
    .some((t) => /\[(\*|\d+)\]/.test(t));
  // JupyterLab may ask which kernel to use even though the notebook names one that exists and
  // the server started it (seen with JupyterLab 4.6.6, after a first "Run All Cells" that
  // started nothing): take the one it offers, as a user would. Any other dialog is a failure,
  // and says so.
  const answerDialogs = async () => {
    const dialog = page.locator('.jp-Dialog');
    if (!(await dialog.count())) return;
    const text = (await dialog.first().innerText()).replace(/\s+/g, ' ');
    console.log(`dialog: ${text.slice(0, 500)}`);
    if (!/^Select Kernel/.test(text)) throw new Error(`unexpected dialog: ${text.slice(0, 500)}`);
    await dialog.first().locator('button.jp-mod-accept').click();
    await dialog.first().waitFor({ state: 'detached', timeout: 30000 });
  };
  const runAll = async () => {
    await answerDialogs();
    await page.getByRole('menuitem', { name: 'Run', exact: true }).click();
    await page.getByRole('menuitem', { name: /^Run All Cells/ }).click();
  };
  for (let attempt = 1; ; attempt++) {
    await runAll();
    const deadline = Date.now() + 30000;
    while (!(await started()) && Date.now() < deadline) await page.waitForTimeout(500);
    if (await started()) break;
    if (attempt === 4) throw new Error('no cell started after 4 "Run All Cells"');
    console.log(`run-all-retry: ${attempt}`);
  }
  const re = new RegExp(expected);
  const output = page.locator('.jp-OutputArea-output').filter({ hasText: re }).first();
  try {
    // The expected output, or the first error a cell raised (then fail at once). A "Run All
    // Cells" can also stop after the first cell when the kernel's first websocket failed
    // (seen: a 500 on /channels, then the kernel idle with the other cells never run, "[ ]"):
    // the kernel idle for 15 s with cells that never ran means run them all again (at most
    // twice more; the first cell only rebuilds the Spark session).
    const until = Date.now() + timeout;
    let idleTicks = 0;
    let reruns = 0;
    for (;;) {
      const state = await page.evaluate((src) => {
        const outs = [...document.querySelectorAll('.jp-OutputArea-output')];
        if (outs.some((o) => new RegExp(src).test(o.innerText))) return { done: true };
        const err = outs.find((o) => o.getAttribute('data-mime-type') === 'application/vnd.jupyter.stderr'
          && /Error|Traceback/.test(o.innerText));
        if (err) return { error: err.innerText.slice(-1500) };
        const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
          .map((p) => p.innerText.trim());
        const idle = document.querySelector('.jp-Notebook-ExecutionIndicator')
          ?.getAttribute('data-status') === 'idle';
        return { idle, neverRan: prompts.filter((p) => /^\[\s*\]/.test(p)).length };
      }, expected);
      if (state.done) break;
      if (state.error) throw new Error(`a cell failed: ${state.error}`);
      if (Date.now() > until) throw new Error(`no output matching /${expected}/ after ${timeout} ms`);
      idleTicks = state.idle && state.neverRan > 0 ? idleTicks + 1 : 0;
      if (idleTicks >= 3) {
        if (++reruns > 2) throw new Error(`${state.neverRan} cells never ran after 3 "Run All Cells"`);
        console.log(`run-all-again: ${reruns} (kernel idle, ${state.neverRan} cells never ran)`);
        await runAll();
        idleTicks = 0;
      }
      await page.waitForTimeout(5000);
    }
    await output.waitFor({ timeout: 10000 });
  } catch (e) {
    // Keep what the page showed: the screenshot and the outputs so far.
    await page.screenshot({ path: screenshot, fullPage: true });
    const texts = await page.locator('.jp-OutputArea-output').allInnerTexts();
    console.log(`outputs-so-far: ${JSON.stringify(texts).slice(0, 4000)}`);
    throw e;
  }
  await output.scrollIntoViewIfNeeded();
  console.log(`output: ${(await output.innerText()).trim()}`);
  // Show the figure the cell drew (the output after the text), then capture the window.
  const figure = page.locator('.jp-OutputArea-output img').last();
  if (await figure.count()) await figure.scrollIntoViewIfNeeded();
  await page.waitForTimeout(1000);
  await page.screenshot({ path: screenshot });
  const errors = await page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
    .filter({ hasText: /Traceback|Error/ }).count();
  console.log(`error-outputs: ${errors}`);
} finally {
  await browser.close();
}

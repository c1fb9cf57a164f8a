// Open a notebook in JupyterLab in headless Chromium (Debian's, driven by playwright-core),
// check that the server wants a token, wait until JupyterLab and the notebook's kernel are
// ready, run all cells, check that the expected output is shown in the page, print it, and save
// a screenshot. Dialogs and toasts JupyterLab shows on the way are answered or reported
// (jupyterlab_page.mjs).
//
//   ARROWROOT_JUPYTER_TOKEN=... node jupyterlab_run_notebook.mjs BASE_URL NOTEBOOK SCREENSHOT.png EXPECTED_REGEX
//
// BASE_URL is the server's URL (with its base path, if any); NOTEBOOK a path on the server.
// Environment: ARROWROOT_JUPYTER_TOKEN (the server's token), CHROMIUM (the browser),
// LAB_READY_TIMEOUT_MS (JupyterLab and the kernel ready; 240000), NOTEBOOK_TIMEOUT_MS (the run;
// 480000), LAB_WORKSPACE (a JupyterLab workspace name; one of its own by default).
// Output: "key: value" lines: login-required, lab-ready-ms, kernel-ready-ms, run-ms, output,
// error-outputs; dialog:/toast: for each prompt seen. On failure, exit 1 after failure-phase,
// failure, failure-screenshot and what the page showed (dialogs, toasts, kernel, cells).
import { chromium } from 'playwright-core';
import { LabPage, newLabContext } from './jupyterlab_page.mjs';

const [baseArg, notebook, screenshot, expected] = process.argv.slice(2);
const token = process.env.ARROWROOT_JUPYTER_TOKEN;
if (!expected || !token) {
  console.error('usage: ARROWROOT_JUPYTER_TOKEN=... node jupyterlab_run_notebook.mjs BASE_URL NOTEBOOK SCREENSHOT EXPECTED_REGEX');
  process.exit(2);
}
const baseUrl = baseArg.replace(/\/$/, '');
const readyMs = Number(process.env.LAB_READY_TIMEOUT_MS || 240000);
const runMs = Number(process.env.NOTEBOOK_TIMEOUT_MS || 480000);
const workspace = process.env.LAB_WORKSPACE || `arrowroot-test-${process.pid}-${Date.now()}`;
const hide = (s) => String(s).split(token).join('***');
const log = (line) => console.log(hide(line));
const failureShot = screenshot.replace(/(\.png)?$/, '-failure.png');

let phase = 'launch';
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  timeout: 120000,
});
let lab;
let code = 0;
try {
  // Without the token the server must send us to its login page (a context of its own, so
  // that no login cookie is around yet).
  phase = 'login check';
  const anonymous = await browser.newContext();
  const probe = await anonymous.newPage();
  await probe.goto(`${baseUrl}/lab`, { waitUntil: 'domcontentloaded', timeout: 120000 });
  log(`login-required: ${new URL(probe.url()).pathname.endsWith('/login') ? 'yes' : 'no'}`);
  await anonymous.close();

  phase = 'open the notebook';
  const context = await newLabContext(browser);
  const page = await context.newPage();
  lab = new LabPage(page, { notebook, log, token });
  // A workspace of the test's own, reset: nothing a previous session left open on that server
  // (other notebooks, their kernels, dialogs) comes with it.
  const path = notebook.split('/').map(encodeURIComponent).join('/');
  await page.goto(`${baseUrl}/lab/workspaces/${workspace}/tree/${path}?reset&token=${token}`,
    { waitUntil: 'domcontentloaded' });
  if (new URL(page.url()).pathname.endsWith('/login')) throw new Error('the server refused the token (sent to its login page)');

  phase = 'wait for JupyterLab and the kernel';
  const ready = await lab.ready(readyMs);
  log(`lab-ready-ms: ${ready.appMs}`);
  log(`kernel-ready-ms: ${ready.kernelMs}`);
  log(`kernel: ${ready.kernel.name} ${ready.kernel.status} ${ready.kernel.connection}`);

  phase = 'run all cells';
  const run = await lab.runAll(runMs);
  log(`run-ms: ${run.runMs}`);

  // What the user sees: the output that matches, rendered in the page.
  phase = 'find the expected output in the page';
  const re = new RegExp(expected);
  const cell = run.cells.find((c) => re.test(c.text));
  if (!cell) throw new Error(`no cell output matches /${expected}/`);
  await lab.eval('reveal', notebook, cell.index);
  const output = page.locator(`[data-arrowroot-cell="${cell.index}"] .jp-OutputArea-output`)
    .filter({ hasText: re }).first();
  await output.waitFor({ state: 'visible', timeout: 30000 });
  log(`output: ${(await output.innerText()).trim()}`);

  // Show the figure the cell drew (the output after the text), then capture the window.
  phase = 'screenshot';
  const figure = page.locator(`[data-arrowroot-cell="${cell.index}"] .jp-OutputArea-output img`).last();
  if (await figure.count()) {
    await figure.scrollIntoViewIfNeeded();
    await page.waitForFunction((img) => img.complete && img.naturalWidth > 0, await figure.elementHandle(), { timeout: 30000 });
  }
  await lab.settle();
  await page.screenshot({ path: screenshot });
  const errors = await page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
    .filter({ hasText: /Traceback|Error/ }).count();
  log(`error-outputs: ${errors}`);
} catch (e) {
  code = 1;
  log(`failure-phase: ${phase}`);
  log(`failure: ${String(e?.message ?? e).split('\n').slice(0, 20).join('\n  ')}`);
  if (lab) {
    const seen = await lab.diagnose(failureShot).catch((d) => ({ diagnose: String(d) }));
    for (const [k, v] of Object.entries(seen)) log(`${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  }
} finally {
  await browser.close().catch(() => {});
}
process.exit(code);

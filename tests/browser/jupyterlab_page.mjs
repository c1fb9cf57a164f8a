// A JupyterLab page driven by playwright-core, for the browser test: the application object
// exposed (window.jupyterapp), readiness read from JupyterLab's own state (app started and
// restored, the notebook's context ready, its kernel connected, idle and answering), and the
// dialogs and toasts JupyterLab may put over the notebook answered, or reported, between steps.
//
// Every wait is bounded and names what it waited for; nothing retries without a limit.

// Runs in the page before JupyterLab's scripts (an init script): helpers that read JupyterLab's
// state for the test. Serialised by playwright: it must not use anything from this module.
function pageHelpers() {
  const visible = (el) => !!el && el.getClientRects().length > 0;
  const text = (el) => (el?.innerText ?? '').replace(/\s+/g, ' ').trim();
  const strip = (s) => String(s ?? '').replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');
  const outputText = (o) => {
    if (o.output_type === 'stream') return [].concat(o.text ?? []).join('');
    if (o.output_type === 'error') return `${o.ename}: ${o.evalue}`;
    return [].concat(o.data?.['text/plain'] ?? []).join('');
  };
  window.__arrowroot = {
    infoOk: new Set(),
    run: null,
    panel(path) {
      const shell = window.jupyterapp?.shell;
      if (!shell) return null;
      for (const w of shell.widgets('main')) {
        if (w?.context?.path === path && w.content?.widgets) return w;
      }
      return null;
    },
    app() {
      const app = window.jupyterapp;
      if (!app) return { exposed: false, configPatched: window.__arrowrootExposed ?? 'not yet' };
      const state = { exposed: true, started: false, restored: false };
      if (!app.__arrowrootHooked) {
        app.__arrowrootHooked = true;
        app.started.then(() => { app.__arrowrootStarted = true; });
        app.restored.then(() => { app.__arrowrootRestored = true; });
      }
      state.started = !!app.__arrowrootStarted;
      state.restored = !!app.__arrowrootRestored;
      return state;
    },
    // The notebook's kernel as JupyterLab sees it; `info` once its kernel_info reply came back.
    kernel(path) {
      const p = this.panel(path);
      if (!p) return { panel: false };
      const sc = p.sessionContext;
      const k = sc.session?.kernel ?? null;
      if (k && !k.__arrowrootHooked) {
        k.__arrowrootHooked = true;
        k.info.then(() => this.infoOk.add(k.id), () => {});
      }
      return {
        panel: true,
        contextReady: p.context.isReady,
        sessionReady: sc.isReady,
        hasNoKernel: sc.hasNoKernel,
        display: sc.kernelDisplayStatus,
        wanted: p.model?.getMetadata?.('kernelspec')?.name ?? null,
        name: k?.name ?? null,
        status: k?.status ?? null,
        connection: k?.connectionStatus ?? null,
        info: !!k && this.infoOk.has(k.id),
      };
    },
    dialogs() {
      return [...document.querySelectorAll('.jp-Dialog')].filter(visible).map((d) => ({
        title: text(d.querySelector('.jp-Dialog-header')),
        body: text(d.querySelector('.jp-Dialog-body')).slice(0, 1500),
        buttons: [...d.querySelectorAll('.jp-Dialog-footer button')].map(text),
        options: [...d.querySelectorAll('select option')].map((o) => ({ value: o.value, text: text(o) })),
      }));
    },
    toasts() {
      return [...document.querySelectorAll('.jp-toastContainer .Toastify__toast')].filter(visible)
        .map((t) => ({
          text: text(t.querySelector('.jp-toast-message') ?? t).slice(0, 500),
          buttons: [...t.querySelectorAll('.jp-toast-button')].map(text),
        }));
    },
    // "Run All Cells" through JupyterLab's command registry (what the Run menu item executes),
    // on this notebook made the current widget; the command's promise settles when every cell
    // ran or the run stopped at an error.
    runAll(path) {
      const app = window.jupyterapp;
      const p = this.panel(path);
      if (!p) return `no notebook panel for ${path}`;
      app.shell.activateById(p.id);
      if (app.shell.currentWidget !== p) return 'the notebook is not the current widget';
      if (!app.commands.isEnabled('notebook:run-all-cells')) return 'notebook:run-all-cells is disabled';
      const run = (this.run = { done: false, started: Date.now() });
      app.commands.execute('notebook:run-all-cells').then(
        (ok) => Object.assign(run, { done: true, ok: ok !== false }),
        (e) => Object.assign(run, { done: true, ok: false, error: String(e?.message ?? e) }));
      return 'started';
    },
    runState() {
      return this.run;
    },
    // Each cell from the notebook model: execution count, whether it runs, its outputs' text.
    cells(path) {
      const p = this.panel(path);
      if (!p) return [];
      return p.content.widgets.map((c, index) => {
        const m = c.model;
        const outs = [];
        for (let i = 0; m.outputs && i < m.outputs.length; i++) outs.push(m.outputs.get(i).toJSON());
        return {
          index,
          type: m.type,
          count: m.type === 'code' ? m.executionCount : null,
          running: m.executionState === 'running',
          errors: outs.filter((o) => o.output_type === 'error')
            .map((o) => `${o.ename}: ${o.evalue}\n${strip((o.traceback ?? []).join('\n')).slice(-1500)}`),
          text: outs.map(outputText).join('\n').slice(0, 2000),
        };
      });
    },
    // Bring a cell into the page (JupyterLab may leave cells outside the view unrendered) and
    // mark its node for the test's locators.
    async reveal(path, index) {
      const p = this.panel(path);
      const cell = p?.content.widgets[index];
      if (!cell) return false;
      p.content.activeCellIndex = index;
      if (p.content.scrollToItem) await p.content.scrollToItem(index, 'start');
      else cell.node.scrollIntoView();
      cell.node.setAttribute('data-arrowroot-cell', String(index));
      return true;
    },
  };
}

// A browser context for JupyterLab pages. JupyterLab's page config (the jupyter-config-data
// element) gets exposeAppInBrowser, what `jupyter lab --expose-app-in-browser` sets, so the test
// reads the application's state on any server, the local one or a driver pod's, without changing
// that server's config. The page itself still comes straight from the server (a page served by
// the test instead would lose its origin's address space: Chromium then blocks its websockets
// to 127.0.0.1, ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS).
export async function newLabContext(browser) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1100 } });
  context.setDefaultTimeout(30000);
  context.setDefaultNavigationTimeout(120000);
  await context.addInitScript(pageHelpers);
  await context.addInitScript(exposeApp);
  return context;
}

// Runs in the page: when the document is parsed ("interactive") and before its deferred scripts
// (JupyterLab's main.js, which reads the page config) run, set exposeAppInBrowser.
function exposeApp() {
  document.addEventListener('readystatechange', () => {
    const el = document.getElementById('jupyter-config-data');
    if (document.readyState !== 'interactive' || !el) return;
    try {
      const config = JSON.parse(el.textContent);
      config.exposeAppInBrowser = true;
      el.textContent = JSON.stringify(config);
      window.__arrowrootExposed = 'yes';
    } catch (e) {
      window.__arrowrootExposed = `no: ${e}`;
    }
  });
}

export class LabPage {
  constructor(page, { notebook, log, token }) {
    this.page = page;
    this.notebook = notebook;
    this.log = log;
    this.token = token;
    this.seen = new Map(); // dialog/toast text -> times handled
    this.consoleErrors = [];
    page.on('console', (m) => { if (m.type() === 'error') this.consoleErrors.push(m.text().slice(0, 300)); });
    page.on('pageerror', (e) => this.consoleErrors.push(`pageerror: ${String(e).slice(0, 300)}`));
    // A native alert/confirm/beforeunload: none is expected; say so and dismiss it.
    page.on('dialog', (d) => { this.log(`native-dialog: ${d.type()}: ${d.message()}`); d.dismiss().catch(() => {}); });
  }

  // Call a page helper; a page too busy to answer in 60 s is an error, not a hang.
  async eval(name, ...args) {
    let timer;
    const late = new Promise((_, fail) => {
      timer = setTimeout(() => fail(new Error(`the page did not answer ${name}() in 60 s`)), 60000);
    });
    try {
      return await Promise.race([
        this.page.evaluate(([n, a]) => window.__arrowroot[n](...a), [name, args]), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  // Answer the dialogs and toasts JupyterLab shows, as a user would: the notebook's own kernel
  // in "Select Kernel", no rebuild, no restart nobody asked for, no Jupyter news. A dialog that
  // reports a failure, or one this does not know, ends the test with its text.
  async settle() {
    for (let round = 0; round < 10; round++) {
      const dialog = (await this.eval('dialogs')).at(-1); // the top one
      const toasts = await this.eval('toasts');
      const news = toasts.find((t) => /official Jupyter news/.test(t.text) && t.buttons.includes('No'));
      for (const t of toasts) if (t.text) this.note('toast', t.text);
      if (!dialog && !news) return;
      if (news) {
        // A DOM click: the toast slides in and re-renders, never "stable" for playwright's click.
        await this.page.evaluate(() => {
          const toast = [...document.querySelectorAll('.jp-toastContainer .Toastify__toast')]
            .find((t) => /official Jupyter news/.test(t.innerText));
          [...(toast?.querySelectorAll('.jp-toast-button') ?? [])].find((b) => b.innerText.trim() === 'No')?.click();
        });
        await this.page.waitForFunction(() => ![...document.querySelectorAll('.jp-toastContainer .Toastify__toast')]
          .some((t) => /official Jupyter news/.test(t.innerText)), null, { timeout: 10000 });
        continue;
      }
      this.note('dialog', `${dialog.title} | ${dialog.body.slice(0, 300)} | buttons: ${dialog.buttons.join(', ')}`);
      await this.answer(dialog);
    }
    throw new Error('dialogs kept coming: answered 10 in a row');
  }

  note(kind, text) {
    const n = (this.seen.get(`${kind}: ${text}`) ?? 0) + 1;
    this.seen.set(`${kind}: ${text}`, n);
    if (n === 1) this.log(`${kind}: ${text}`);
  }

  async answer(dialog) {
    // The top dialog (JupyterLab stacks them: e.g. one "Select Kernel" per cell of a run issued
    // before the kernel was there); wait for that one to go, not for all.
    const box = this.page.locator('.jp-Dialog').last();
    const handle = await box.elementHandle({ timeout: 10000 });
    const press = async (button) => {
      await box.locator(`.jp-Dialog-footer button${button}`).first().click({ timeout: 10000 });
      await handle.waitForElementState('hidden', { timeout: 30000 });
    };
    const t = dialog.title;
    if (t === 'Select Kernel') {
      // Seen when "Run All Cells" came before the notebook's session had its kernel. If the
      // notebook has the kernel it names by now, keep it (the dialog's reject button, labelled
      // "No Kernel" or "Cancel", changes nothing); else pick that kernel.
      const k = await this.eval('kernel', this.notebook);
      if (!k.hasNoKernel && k.name === k.wanted) return press('.jp-mod-reject');
      const option = dialog.options.find((o) => { try { return JSON.parse(o.value)?.name === k.wanted; } catch { return false; } });
      if (!option) throw new Error(`"Select Kernel" offers no "${k.wanted}" kernel: ${JSON.stringify(dialog.options)}`);
      await box.locator('select').selectOption(option.value, { timeout: 10000 });
      return press('.jp-mod-accept');
    }
    // Never rebuild JupyterLab in a test; never restart a kernel nobody asked to restart.
    if (t === 'Build Recommended' || t === 'Restart Kernel?') return press('.jp-mod-reject');
    throw new Error(`JupyterLab dialog "${t}": ${dialog.body} [buttons: ${dialog.buttons.join(', ')}]`);
  }

  // Poll `probe` (a function returning {done, ...state}) every `every` ms, answering dialogs
  // between polls, until done or `ms` elapsed; the error names `what` and the last state.
  async until(what, ms, probe, every = 500) {
    const end = Date.now() + ms;
    let state;
    for (;;) {
      await this.settle();
      state = await probe();
      if (state?.done) return state;
      if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}; last state: ${JSON.stringify(state)}`);
      await this.page.waitForTimeout(every);
    }
  }

  // JupyterLab started and restored, the notebook open with its context ready, and its kernel
  // (the one the notebook names) connected, idle and answering kernel_info.
  async ready(ms) {
    const t0 = Date.now();
    await this.until('JupyterLab to start (window.jupyterapp started and restored)', ms, async () => {
      const s = await this.eval('app');
      return { ...s, done: s.started && s.restored };
    });
    const tApp = Date.now();
    const left = Math.max(ms - (tApp - t0), 30000);
    const k = await this.until(`the notebook ${this.notebook} and its kernel to be ready`, left, async () => {
      const s = await this.eval('kernel', this.notebook);
      if (s.status === 'dead') throw new Error(`the kernel died before anything ran: ${JSON.stringify(s)}`);
      if (s.name && s.wanted && s.name !== s.wanted) throw new Error(`the notebook got kernel "${s.name}", it names "${s.wanted}"`);
      return { ...s, done: s.contextReady && s.sessionReady && !s.hasNoKernel && s.status === 'idle'
        && s.connection === 'connected' && s.display === 'idle' && s.info };
    });
    return { appMs: tApp - t0, kernelMs: Date.now() - tApp, kernel: k };
  }

  // Run all cells and wait until the command's run ends. A cell's error, or the kernel dying,
  // ends the wait at once.
  async runAll(ms) {
    const started = await this.eval('runAll', this.notebook);
    if (started !== 'started') throw new Error(`could not run all cells: ${started}`);
    const t0 = Date.now();
    await this.until('"Run All Cells" to finish', ms, async () => {
      const run = await this.eval('runState');
      const cells = await this.eval('cells', this.notebook);
      const failed = cells.find((c) => c.errors.length);
      if (failed) throw new Error(`cell ${failed.index} failed: ${failed.errors[0]}`);
      const k = await this.eval('kernel', this.notebook);
      if (k.status === 'dead' || k.display === 'restarting') throw new Error(`the kernel died: ${JSON.stringify(k)}`);
      if (run.error) throw new Error(`"Run All Cells" failed: ${run.error}`);
      const code = cells.filter((c) => c.type === 'code');
      return {
        done: run.done,
        ran: code.filter((c) => c.count != null && !c.running).length,
        of: code.length,
        running: code.filter((c) => c.running).map((c) => c.index),
      };
    }, 1000);
    const cells = await this.eval('cells', this.notebook);
    const never = cells.filter((c) => c.type === 'code' && c.count == null).map((c) => c.index);
    if (never.length) throw new Error(`"Run All Cells" finished but cells ${never.join(', ')} never ran`);
    return { runMs: Date.now() - t0, cells };
  }

  // What the page shows when something went wrong: a screenshot, the dialogs and toasts on it,
  // the kernel, the cells, the browser's console errors.
  async diagnose(screenshot) {
    const out = {};
    try {
      await this.page.screenshot({ path: screenshot, fullPage: true, timeout: 30000 });
      out['failure-screenshot'] = screenshot;
    } catch (e) { out['failure-screenshot'] = `(none: ${String(e).split('\n')[0]})`; }
    const grab = async (name, ...args) => {
      try { return await this.eval(name, ...args); } catch (e) { return `(unavailable: ${String(e).split('\n')[0]})`; }
    };
    out['page-url'] = this.page.url().replace(/token=[^&]*/, 'token=***');
    out['visible-dialogs'] = await grab('dialogs');
    out['visible-toasts'] = await grab('toasts');
    await grab('app'); // the first look only hooks app.started/restored
    out.app = await grab('app');
    out.kernel = await grab('kernel', this.notebook);
    const cells = await grab('cells', this.notebook);
    out.cells = Array.isArray(cells)
      ? cells.filter((c) => c.type === 'code').map((c) => ({ i: c.index, count: c.count, running: c.running, out: c.text.slice(-300), errors: c.errors }))
      : cells;
    out['console-errors'] = this.consoleErrors.slice(-10);
    return out;
  }
}

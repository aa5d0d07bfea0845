// A form marked data-draft-key keeps what was typed in this device's localStorage until the
// server confirms it, and offers to send it again when the connection failed (a phone in a
// village loses its signal more often than the server goes down). The form is sent with fetch
// so a failure leaves the page, and the typing, where it is; the hidden submission_token makes
// a resend of a report that did arrive harmless (the server answers with the report filed).
(() => {
  const form = document.querySelector("form[data-draft-key]");
  if (!form) return;
  const key = `portal-draft:${form.dataset.draftKey}`;
  const restoredNotice = document.querySelector("[data-draft-restored]");
  const failedNotice = document.querySelector("[data-draft-failed]");
  // The button that sent the form ("Simpan dan ajukan" or "Simpan sebagai draf"): a resend
  // sends the same choice with the form as it is now.
  let submitter = null;
  let failedOnce = false;
  // The version of the record the kept typing started from (an edit form's `version`): a page
  // the server showed again after a colleague's change carries theirs, but the typing kept
  // here predates it. Restored later, it must meet the "changed meanwhile" warning again
  // rather than pass as written after their change.
  let startedFrom = null;

  // Not kept: the tokens. A restored draft is a new send with this page's own submission token
  // (an old one, already used by a send that did arrive, would have the server answer "already
  // sent" and drop the new typing); "Kirim lagi" on the same page resends with the first one.
  const UNKEPT = ["csrfmiddlewaretoken", "submission_token"];
  const fields = () =>
    Array.from(form.elements).filter(
      (el) =>
        el.name &&
        !UNKEPT.includes(el.name) &&
        !["file", "submit", "button", "reset"].includes(el.type),
    );

  function read() {
    try {
      return JSON.parse(localStorage.getItem(key) || "null");
    } catch {
      return null;
    }
  }

  function save() {
    const values = {};
    for (const el of fields()) {
      values[el.name] ??= [];
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) values[el.name].push(el.value);
      } else if (el.tagName === "SELECT" && el.multiple) {
        values[el.name].push(...Array.from(el.selectedOptions, (o) => o.value));
      } else {
        values[el.name].push(el.value);
      }
    }
    if (startedFrom && values.version) values.version = startedFrom;
    try {
      localStorage.setItem(key, JSON.stringify(values));
    } catch {
      // Storage full or disabled: the form still works, only without the safety net.
    }
  }

  function forget() {
    try {
      localStorage.removeItem(key);
    } catch {
      // Nothing stored, nothing to forget.
    }
  }

  function restore(values) {
    // Rows added with "Tambah …" (formset.js) are added again before they are filled.
    for (const button of form.querySelectorAll("[data-formset-add]")) {
      const prefix = button.dataset.formsetAdd;
      const wanted = parseInt((values[`${prefix}-TOTAL_FORMS`] || ["0"])[0], 10);
      const total = document.getElementById(`id_${prefix}-TOTAL_FORMS`);
      while (total && parseInt(total.value, 10) < wanted && wanted < 100) button.click();
    }
    for (const el of fields()) {
      const saved = values[el.name];
      if (!saved) continue;
      if (el.type === "checkbox" || el.type === "radio") {
        const was = el.checked;
        el.checked = saved.includes(el.value);
        // Let what depends on the choice follow it (the risk section shows for a potential).
        if (el.checked && !was) el.dispatchEvent(new Event("change", { bubbles: true }));
      } else if (el.tagName === "SELECT") {
        const changed = !el.multiple && el.value !== saved[0];
        for (const option of el.options) option.selected = saved.includes(option.value);
        if (!el.multiple && el.value !== saved[0]) {
          // A choice loaded later (the desa list follows the kecamatan): set once it arrives.
          el.dataset.draftValue = saved[0];
        }
        // Let dependent lists (hx-get on change) reload for the restored choice.
        if (changed && el.hasAttribute("hx-get")) el.dispatchEvent(new Event("change"));
      } else {
        el.value = saved[0];
      }
    }
  }

  function replacePage(html, url) {
    if (url) history.replaceState(null, "", url);
    document.open();
    document.write(html);
    document.close();
  }

  function setBusy(busy) {
    for (const button of form.querySelectorAll("[type=submit]")) button.disabled = busy;
  }

  function formData() {
    const data = new FormData(form);
    if (submitter?.name) data.append(submitter.name, submitter.value);
    return data;
  }

  async function send(data) {
    if (failedNotice) failedNotice.hidden = true;
    setBusy(true);
    let response;
    try {
      response = await fetch(form.action || window.location.href, {
        method: "POST",
        body: data,
        credentials: "same-origin",
      });
    } catch {
      return failed();
    }
    const loggedOut =
      response.redirected && new URL(response.url).pathname === form.dataset.loginUrl;
    if (loggedOut) {
      // The session ended while typing: the draft stays here for after the login.
      window.location.assign(response.url);
      return;
    }
    if (response.redirected && response.ok) {
      forget(); // the server confirmed: it now holds the report
      return replacePage(await response.text(), response.url);
    }
    if (response.status === 400 || response.status === 403) {
      // Refused with messages next to the fields, or refused outright (a stale security token,
      // a role taken away) with the page saying why: the draft stays until a send succeeds.
      return replacePage(await response.text());
    }
    // 413: the proxy in front of the portal refused the send as too large (its own page, in
    // English): the attachments must shrink, a plain resend would fail the same way.
    return failed(response.status === 413);
  }

  function failed(tooLarge = false) {
    failedOnce = true;
    setBusy(false);
    if (failedNotice) {
      failedNotice.querySelector("[data-draft-unsent]").hidden = tooLarge;
      failedNotice.querySelector("[data-draft-too-large]").hidden = !tooLarge;
      failedNotice.hidden = false;
      failedNotice.scrollIntoView({ block: "center" });
    }
  }

  document.body.addEventListener("htmx:afterSwap", (event) => {
    // Only the swap that filled that list (the desa of the restored kecamatan), not the
    // notification bell's or another list's.
    const target = event.detail.target;
    for (const el of form.querySelectorAll("select[data-draft-value]")) {
      if (target !== el) continue;
      el.value = el.dataset.draftValue;
      delete el.dataset.draftValue;
      save();
    }
  });
  form.addEventListener("input", save);
  form.addEventListener("change", save);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    save();
    submitter = event.submitter;
    send(formData());
  });

  // "Kirim lagi" sends the form as it is now (a typo fixed since the failed send is kept); its
  // submission token is the page's own, so a first send that did arrive is not filed twice.
  document.querySelector("[data-draft-resend]")?.addEventListener("click", () => {
    if (failedOnce) {
      save();
      send(formData());
    } else form.requestSubmit(form.querySelector("[type=submit]"));
  });
  document.querySelector("[data-draft-discard]")?.addEventListener("click", () => {
    forget();
    window.location.reload();
  });
  // "Batal": the typing was given up on purpose.
  for (const link of document.querySelectorAll("[data-draft-forget]")) {
    link.addEventListener("click", forget);
  }

  function start() {
    const stored = read();
    if (form.dataset.draftBound) {
      startedFrom = stored?.version ?? null;
      save(); // a form shown again by the server: what it shows is the latest typing
    } else if (stored) {
      restore(stored);
      if (restoredNotice) restoredNotice.hidden = false;
      // A restored value other than what this page offers (a date kept from an older draft,
      // not today's) is pointed out next to its field, not only in the notice above.
      for (const el of form.querySelectorAll("[data-draft-check]")) {
        const notice = document.querySelector(`[data-draft-check-notice="${el.name}"]`);
        if (notice) notice.hidden = el.value === el.defaultValue;
      }
    }
  }

  // htmx wires its requests up once the document is parsed: a list reloaded for a restored
  // choice (the desa of the kecamatan) must wait for that, or the request is never made.
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

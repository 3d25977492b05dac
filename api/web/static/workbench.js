// The workbench's script: progressive enhancement of pages the server renders whole.
//
// Every view works without it (read, follow links, send forms); it adds what a page
// cannot do alone: an access token sent with every request when the service asks for
// one, navigation that swaps the page's <main> instead of reloading it, reading a
// profile file into the paste box, and small conveniences. It holds no rule logic:
// every decision, comparison and preview is the server's answer, rendered there.
(() => {
  "use strict";

  const TOKEN_KEY = "advisor-token";
  const NOT_PAGES = /^\/(v1|docs|redoc|openapi\.json|workbench|healthz|readyz|metrics)(\/|$)/;
  let retriedWithToken = false;
  // The service's words when it refused the token the tab held, shown on the next prompt.
  let refusal = null;

  const storedToken = () => sessionStorage.getItem(TOKEN_KEY);

  function requestHeaders(extra) {
    const headers = Object.assign({ Accept: "text/html" }, extra || {});
    const token = storedToken();
    if (token) headers.Authorization = "Bearer " + token;
    return headers;
  }

  function isPage(url) {
    return url.origin === location.origin && !NOT_PAGES.test(url.pathname);
  }

  // Fetch a page and put its <main> (and the header's navigation) in place of ours.
  async function load(url, init, history_) {
    document.body.setAttribute("aria-busy", "true");
    const options = Object.assign({}, init || {});
    options.headers = requestHeaders(options.headers);
    let response;
    try {
      response = await fetch(url, options);
    } catch (error) {
      document.body.removeAttribute("aria-busy");
      if (!init || !init.method || init.method === "GET") location.assign(url);
      return;
    }
    const html = await response.text();
    if (response.status === 401 && options.headers.Authorization && !isHtml(response)) {
      // The service's access check refuses an unknown token before any page is rendered,
      // in the API's JSON. Reloading would send no token and only ask for one again; so
      // the token is forgotten and the request made without it, which brings the prompt,
      // and the prompt then says why.
      refusal = errorMessage(html) || "the token is not known";
      sessionStorage.removeItem(TOKEN_KEY);
      load(url, init, history_);
      return;
    }
    const doc = new DOMParser().parseFromString(html, "text/html");
    const main = doc.querySelector("main");
    if (!main) {
      location.assign(response.url || url);
      return;
    }
    for (const selector of ["main", "header.site nav", "footer.site"]) {
      const fresh = doc.querySelector(selector);
      const current = document.querySelector(selector);
      if (fresh && current) current.replaceWith(fresh);
    }
    document.title = doc.title;
    const landed = new URL(response.url || url, location.href);
    const target = new URL(url, location.href);
    if (!landed.hash && target.hash && landed.pathname === target.pathname) landed.hash = target.hash;
    if (history_ === "push") history.pushState({}, "", landed);
    else if (history_ === "replace") history.replaceState({}, "", landed);
    document.body.removeAttribute("aria-busy");
    settle(document.querySelector("main"), landed);
  }

  function isHtml(response) {
    return (response.headers.get("Content-Type") || "").startsWith("text/html");
  }

  // The message of an API error body ({"error": {"message": ...}}), or null.
  function errorMessage(text) {
    try {
      const error = JSON.parse(text).error;
      return error && typeof error.message === "string" ? error.message : null;
    } catch (error) {
      return null;
    }
  }

  // After a swap: enhance the new content and move focus where a reader expects it.
  function settle(main, url) {
    enhance(main);
    refusal = null; // said on this page's prompt, or no prompt came: either way, said once
    let target = url.hash ? document.getElementById(decodeURIComponent(url.hash.slice(1))) : null;
    if (!target) target = main.querySelector("[data-focus]");
    if (target) {
      if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
      target.focus({ preventScroll: true });
      target.scrollIntoView({ block: "start" });
    } else {
      main.focus({ preventScroll: true });
      window.scrollTo(0, 0);
    }
  }

  function enhance(root) {
    root.querySelectorAll("[data-clear], .file-pick, #token-form, [data-filter]").forEach((el) => {
      el.hidden = false;
    });
    const status = document.getElementById("token-status");
    if (status) status.hidden = !storedToken();
    const needed = root.querySelector("#token-needed");
    if (needed && refusal) {
      const note = document.createElement("p");
      note.id = "token-refused";
      note.className = "field-error";
      note.setAttribute("role", "alert");
      note.textContent = "The service refused this token (" + refusal + "); enter another.";
      needed.insertBefore(note, needed.querySelector("form"));
    } else if (needed && storedToken()) {
      if (!retriedWithToken) {
        retriedWithToken = true;
        load(location.href, {}, "replace");
        return;
      }
      const note = document.createElement("p");
      note.className = "field-error";
      note.textContent = "The service refused the token this tab holds; enter another.";
      needed.insertBefore(note, needed.querySelector("form"));
    }
    root.querySelectorAll("textarea[data-line]").forEach(showLine);
  }

  function showLine(textarea) {
    const line = parseInt(textarea.dataset.line, 10);
    const lines = textarea.value.split("\n");
    if (!(line >= 1 && line <= lines.length)) return;
    const start = lines.slice(0, line - 1).join("\n").length + (line > 1 ? 1 : 0);
    textarea.setSelectionRange(start, start + lines[line - 1].length);
    const height = parseFloat(getComputedStyle(textarea).lineHeight) || 18;
    textarea.scrollTop = Math.max(0, (line - 4) * height);
  }

  document.addEventListener("click", (event) => {
    const forget = event.target.closest("[data-forget-token]");
    if (forget) {
      sessionStorage.removeItem(TOKEN_KEY);
      retriedWithToken = false;
      load(location.href, {}, "replace");
      return;
    }
    const clear = event.target.closest("[data-clear]");
    if (clear) {
      const field = document.getElementById(clear.dataset.clear);
      if (field) {
        field.value = "";
        field.dispatchEvent(new Event("change", { bubbles: true }));
        field.focus();
      }
      return;
    }
    const link = event.target.closest("a[href]");
    if (!link || event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    if (link.target || link.hasAttribute("download") || link.hasAttribute("data-plain")) return;
    const url = new URL(link.href, location.href);
    if (!isPage(url)) return;
    if (url.pathname === location.pathname && url.search === location.search && url.hash) return;
    event.preventDefault();
    load(url.href, {}, "push");
  });

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.id === "token-form") {
      event.preventDefault();
      const value = form.querySelector("input[name=token]").value.trim();
      if (value) sessionStorage.setItem(TOKEN_KEY, value);
      retriedWithToken = true;
      load(location.href, {}, "replace");
      return;
    }
    const action = new URL(form.getAttribute("action") || location.href, location.href);
    if (!isPage(action)) return;
    event.preventDefault();
    const fields = new URLSearchParams(new FormData(form));
    if ((form.getAttribute("method") || "get").toLowerCase() === "post") {
      load(action.href, {
        method: "POST",
        body: fields,
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
      }, "push");
    } else {
      action.search = fields.toString();
      load(action.href, {}, "push");
    }
  });

  document.addEventListener("change", (event) => {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || input.type !== "file" || !input.dataset.into) return;
    const file = input.files && input.files[0];
    const box = document.getElementById(input.dataset.into);
    if (!file || !box) return;
    const reader = new FileReader();
    reader.onload = () => {
      box.value = String(reader.result);
      box.focus();
    };
    reader.readAsText(file);
  });

  document.addEventListener("input", (event) => {
    const box = event.target;
    if (!(box instanceof HTMLInputElement) || !box.dataset.filter) return;
    const words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
    document.querySelectorAll(box.dataset.filter).forEach((row) => {
      const text = row.textContent.toLowerCase();
      row.hidden = !words.every((word) => text.includes(word));
    });
  });

  window.addEventListener("popstate", () => load(location.href, {}, "none"));

  const start = () => enhance(document);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

// The coding screen: suggestions highlighted in the note, the code panel, the code-search
// type-ahead and the claim edits, re-run on the draft codes whenever they change.
(function () {
  "use strict";

  var root = document.getElementById("workspace");
  if (!root) return;
  var editable = root.dataset.editable === "1";
  var csrf = root.querySelector("input[name=csrfmiddlewaretoken]").value;
  var saved = JSON.parse(document.getElementById("saved-codes").textContent);

  // State: the codes on screen and what happened to each suggestion.
  // Saved codes are plain codes; a kept draft also says which suggestion each came from.
  var dx = saved.diagnoses.map(function (c) {
    return typeof c === "string" ? { code: dotted(c), suggested: "" }
      : { code: dotted(c.code), suggested: c.suggested || "" };
  });
  var lines = saved.lines.map(function (l) {
    return { code: l.code, modifiers: l.modifiers.join(" "), units: l.units,
      pointers: l.dx_pointers.join(" "), charge: l.charge || "", suggested: l.suggested || "",
      unit_basis: l.unit_basis || "UN", ndc: l.ndc || "", ndc_quantity: l.ndc_quantity || "",
      ndc_unit: l.ndc_unit || "" };
  });
  // What keeps the codes from being saved, by line: [{line, field, message}].
  var problems = JSON.parse(document.getElementById("draft-problems").textContent) || [];
  var suggestions = [];
  var rejected = {};
  (saved.rejected || []).forEach(function (c) { rejected[plain(c)] = true; });
  var cursor = 0;
  var dirty = false;
  var noteText = JSON.parse(document.getElementById("note-text").textContent) || "";

  function $(id) { return document.getElementById(id); }
  function plain(code) { return String(code || "").toUpperCase().replace(/\./g, "").trim(); }
  function dotted(code) {
    code = plain(code);
    return /^[A-Z][0-9]/.test(code) && code.length > 3 ? code.slice(0, 3) + "." + code.slice(3) : code;
  }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "class") node.className = attrs[k]; else node.setAttribute(k, attrs[k]);
    });
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json" },
      body: JSON.stringify(body),
    }).then(function (r) { return r.json().then(function (data) { return { ok: r.ok, data: data }; }); });
  }

  // -- the draft sent to the scrubber and the save endpoint -------------------------------
  function split(text) { return String(text || "").split(/[\s,]+/).filter(Boolean); }
  // A drug (HCPCS J code, or a line that has an NDC) is billed with its NDC; anesthesia
  // (00100-01999) may be billed in minutes.
  function isDrug(l) { return /^J[0-9]{4}$/.test(plain(l.code)) || !!String(l.ndc || "").trim(); }
  function isAnesthesia(l) {
    var code = plain(l.code);
    return /^0[0-1][0-9]{3}$/.test(code) && Number(code) >= 100;
  }
  function draft() {
    return {
      diagnoses: dx.map(function (d) { return { code: plain(d.code), suggested: plain(d.suggested) }; }),
      lines: lines.map(function (l) {
        var out = { code: plain(l.code), modifiers: split(l.modifiers), units: l.units || "1",
          dx_pointers: split(l.pointers), charge: String(l.charge || "").trim() || null,
          suggested: plain(l.suggested), unit_basis: isAnesthesia(l) ? (l.unit_basis || "UN") : "UN" };
        if (isDrug(l)) {
          out.ndc = String(l.ndc || "").trim();
          out.ndc_quantity = String(l.ndc_quantity || "").trim();
          out.ndc_unit = l.ndc_unit || "";
        }
        return out;
      }),
      rejected: Object.keys(rejected),
    };
  }
  function has(code) {
    code = plain(code);
    return dx.some(function (d) { return plain(d.code) === code; }) ||
      lines.some(function (l) { return plain(l.code) === code; });
  }

  // -- the note with its evidence highlighted ----------------------------------------------
  function renderNote() {
    var box = $("note");
    box.textContent = "";
    var spans = [];
    suggestions.forEach(function (s, i) {
      (s.evidence || []).forEach(function (e) { spans.push({ start: e.start, end: e.end, i: i }); });
    });
    spans.sort(function (a, b) { return a.start - b.start || b.end - a.end; });
    var at = 0;
    spans.forEach(function (sp) {
      if (sp.start < at) return; // overlapping evidence: the first span shows it
      if (sp.start > at) box.appendChild(document.createTextNode(noteText.slice(at, sp.start)));
      var s = suggestions[sp.i];
      var mark = el("mark", { "data-i": sp.i, "class": "ev " + s.state, title: s.code + " " + s.description },
        noteText.slice(sp.start, sp.end));
      mark.addEventListener("click", function () { focusSuggestion(sp.i); });
      box.appendChild(mark);
      at = sp.end;
    });
    box.appendChild(document.createTextNode(noteText.slice(at)));
  }

  // -- suggestions ----------------------------------------------------------------------------
  function renderSuggestions() {
    var list = $("suggestions");
    list.textContent = "";
    if (!suggestions.length) { list.appendChild(el("li", { "class": "empty" }, "No suggestions for this note.")); }
    suggestions.forEach(function (s, i) {
      var li = el("li", { "class": "suggestion " + s.state + (i === cursor ? " current" : ""), "data-i": i,
        tabindex: "-1" });
      var head = el("div", { "class": "s-head" });
      head.appendChild(el("code", {}, s.code + (s.modifiers && s.modifiers.length ? "-" + s.modifiers.join("-") : "")));
      head.appendChild(el("span", { "class": "s-desc" }, s.description));
      head.appendChild(el("span", { "class": "s-kind" }, s.kind === "dx" ? (s.status === "review" ? "maybe" : "dx") : s.kind));
      li.appendChild(head);
      if (s.why) li.appendChild(el("div", { "class": "s-why" }, s.why));
      if (s.trail) li.appendChild(el("div", { "class": "s-trail trail", title: "Alphabetic Index route" }, "Index: " + s.trail));
      var ev = (s.evidence || []).map(function (e) { return "“" + e.text + "”"; }).join(" · ");
      if (ev) li.appendChild(el("div", { "class": "s-evidence" }, ev));
      var actions = el("div", { "class": "s-actions" });
      if (s.state === "pending" && editable) {
        var accept = el("button", { type: "button", "class": "accept" }, "Accept (a)");
        accept.addEventListener("click", function () { focusSuggestion(i); acceptCurrent(); });
        var reject = el("button", { type: "button", "class": "reject" }, "Reject (r)");
        reject.addEventListener("click", function () { focusSuggestion(i); rejectCurrent(); });
        var edit = el("button", { type: "button", "class": "edit" }, "Edit (e)");
        edit.addEventListener("click", function () { focusSuggestion(i); editCurrent(); });
        actions.appendChild(accept); actions.appendChild(reject); actions.appendChild(edit);
      } else {
        actions.appendChild(el("span", { "class": "s-state" }, {
          accepted: "accepted", rejected: "rejected", edited: "edited → " + (s.editedTo || ""),
          pending: "", coded: "already coded" }[s.state] || ""));
      }
      li.appendChild(actions);
      li.addEventListener("click", function (evt) { if (evt.target.tagName !== "BUTTON") focusSuggestion(i); });
      list.appendChild(li);
    });
  }

  function focusSuggestion(i) {
    if (!suggestions.length) return;
    cursor = Math.max(0, Math.min(i, suggestions.length - 1));
    renderSuggestions();
    document.querySelectorAll("#note mark.ev").forEach(function (m) {
      m.classList.toggle("active", Number(m.dataset.i) === cursor);
    });
    var item = document.querySelector('#suggestions li[data-i="' + cursor + '"]');
    if (item) { item.focus({ preventScroll: true }); item.scrollIntoView({ block: "nearest" }); }
    var mark = document.querySelector('#note mark.ev[data-i="' + cursor + '"]');
    if (mark) mark.scrollIntoView({ block: "nearest" });
  }

  // A line added before any diagnosis has nothing to point at; the first diagnosis coded
  // becomes its pointer, so the E/M accepted first is not left without one.
  function addDiagnosis(entry) {
    dx.push(entry);
    if (dx.length === 1) {
      lines.forEach(function (l) { if (!split(l.pointers).length) l.pointers = "1"; });
    }
  }

  function addFromSuggestion(s, code) {
    var suggested = code === s.code ? "" : s.code;
    if (s.kind === "dx") {
      if (!has(code)) addDiagnosis({ code: dotted(code), suggested: suggested || s.code, trail: suggested ? "" : s.trail || "" });
    } else if (!has(code)) {
      lines.push({ code: plain(code), modifiers: (s.modifiers || []).join(" "), units: String(s.units || 1),
        pointers: dx.length ? "1" : "", suggested: suggested || s.code });
    }
  }

  function nextPending() {
    for (var k = 1; k <= suggestions.length; k++) {
      var j = (cursor + k) % suggestions.length;
      if (suggestions[j].state === "pending") return j;
    }
    return cursor;
  }

  function acceptCurrent() {
    var s = suggestions[cursor];
    if (!s || s.state !== "pending" || !editable) return;
    addFromSuggestion(s, s.code);
    s.state = "accepted";
    delete rejected[plain(s.code)];
    changed();
    focusSuggestion(nextPending());
  }
  function rejectCurrent() {
    var s = suggestions[cursor];
    if (!s || s.state !== "pending" || !editable) return;
    s.state = "rejected";
    rejected[plain(s.code)] = true;
    changed();
    focusSuggestion(nextPending());
  }
  function editCurrent() {
    var s = suggestions[cursor];
    if (!s || s.state !== "pending" || !editable) return;
    var item = document.querySelector('#suggestions li[data-i="' + cursor + '"] .s-actions');
    item.textContent = "";
    var input = el("input", { "class": "edit-code", value: s.code, "aria-label": "Code instead of " + s.code, size: "9" });
    var ok = el("button", { type: "button" }, "Use");
    function apply() {
      var code = input.value.trim();
      if (!code) return;
      addFromSuggestion(s, plain(code) === plain(s.code) ? s.code : code);
      s.state = plain(code) === plain(s.code) ? "accepted" : "edited";
      s.editedTo = dotted(code);
      changed();
      focusSuggestion(nextPending());
    }
    ok.addEventListener("click", apply);
    input.addEventListener("keydown", function (evt) {
      if (evt.key === "Enter") { evt.preventDefault(); apply(); }
      if (evt.key === "Escape") { evt.preventDefault(); renderSuggestions(); }
    });
    item.appendChild(input); item.appendChild(ok);
    input.focus(); input.select();
  }

  // -- the code panel ---------------------------------------------------------------------------
  // The Index route to a coded diagnosis: the one search showed when it was typed, else the
  // one the engine gave when it suggested the same code.
  function trailOf(d) {
    if (d.trail) return d.trail;
    var same = suggestions.filter(function (s) { return s.kind === "dx" && plain(s.code) === plain(d.code) && s.trail; });
    return same.length ? same[0].trail : "";
  }

  function renderCodes() {
    var list = $("dx-list");
    list.textContent = "";
    if (!dx.length) list.appendChild(el("li", { "class": "empty" }, "No diagnoses yet."));
    dx.forEach(function (d, i) {
      var li = el("li", { "class": "dx" });
      li.appendChild(el("code", {}, dotted(d.code)));
      if (i === 0) li.appendChild(el("span", { "class": "primary-tag" }, "primary"));
      var trail = trailOf(d);
      if (trail) li.appendChild(el("div", { "class": "dx-trail trail", title: "Alphabetic Index route" }, "Index: " + trail));
      var tools = el("span", { "class": "tools" });
      [["↑", "Move up", -1], ["↓", "Move down", 1]].forEach(function (b) {
        var btn = el("button", { type: "button", title: b[1], "aria-label": b[1] + " " + d.code }, b[0]);
        btn.disabled = !editable || (b[2] < 0 ? i === 0 : i === dx.length - 1);
        btn.addEventListener("click", function () { moveDx(i, b[2]); });
        tools.appendChild(btn);
      });
      var rm = el("button", { type: "button", "class": "remove", "aria-label": "Remove " + d.code }, "✕");
      rm.disabled = !editable;
      rm.addEventListener("click", function () { dx.splice(i, 1); fixPointersAfterRemove(i + 1); changed(); });
      tools.appendChild(rm);
      li.appendChild(tools);
      list.appendChild(li);
    });
    var body = $("line-table").tBodies[0];
    body.textContent = "";
    if (!lines.length) {
      var row = body.insertRow();
      var td = el("td", { "class": "empty", colspan: "7" }, "No services yet.");
      row.appendChild(td);
    }
    var fieldOf = { modifiers: "modifiers", units: "units", pointers: "dx_pointers", charge: "charge" };
    lines.forEach(function (l, i) {
      var tr = body.insertRow();
      var mine = problems.filter(function (p) { return p.line === i; });
      tr.className = mine.length ? "has-problem" : "";
      tr.appendChild(el("td", {}, String(i + 1)));
      tr.appendChild(el("td", {}, "")).appendChild(el("code", {}, l.code));
      [["modifiers", "7"], ["units", "3"], ["pointers", "7"], ["charge", "7"]].forEach(function (f) {
        var input = el("input", { value: l[f[0]] || "", size: f[1], "aria-label": f[0] + " of line " + (i + 1),
          "class": "line-" + f[0] });
        if (f[0] === "charge") input.placeholder = "auto";
        if (mine.some(function (p) { return p.field === fieldOf[f[0]]; })) {
          input.classList.add("invalid");
          input.setAttribute("aria-invalid", "true");
          if (f[0] === "charge") input.placeholder = "enter";
        }
        input.disabled = !editable;
        input.addEventListener("input", function () {
          l[f[0]] = input.value; input.classList.remove("invalid"); changed(true);
        });
        tr.appendChild(el("td")).appendChild(input);
      });
      var rm = el("button", { type: "button", "class": "remove", "aria-label": "Remove line " + (i + 1) }, "✕");
      rm.disabled = !editable;
      rm.addEventListener("click", function () {
        lines.splice(i, 1);
        problems = problems.filter(function (p) { return p.line !== i; })
          .map(function (p) { return p.line !== null && p.line > i ? Object.assign({}, p, { line: p.line - 1 }) : p; });
        changed();
      });
      tr.appendChild(el("td")).appendChild(rm);
      if (isDrug(l) || isAnesthesia(l)) detailRow(body, l, i, mine);
      if (mine.length) {
        var note = body.insertRow();
        note.className = "line-problem";
        var cell = el("td", { colspan: "7", role: "alert" });
        mine.forEach(function (p) { cell.appendChild(el("div", {}, "Line " + (i + 1) + ": " + p.message)); });
        note.appendChild(cell);
      }
    });
    var general = problems.filter(function (p) { return p.line === null; });
    var dxNote = $("dx-problems");
    dxNote.textContent = "";
    general.forEach(function (p) { dxNote.appendChild(el("div", {}, p.label + ": " + p.message)); });
    dxNote.hidden = !general.length;
  }

  // The drug's NDC, quantity and unit, or anesthesia's unit basis, under its line.
  function detailRow(body, l, i, mine) {
    var tr = body.insertRow();
    tr.className = "line-detail";
    var cell = el("td", { colspan: "7" });
    function field(label, name, size) {
      var input = el("input", { value: l[name] || "", size: size, "class": "line-" + name,
        "aria-label": label + " of line " + (i + 1) });
      input.disabled = !editable;
      if (mine.some(function (p) { return p.field === name; })) input.classList.add("invalid");
      input.addEventListener("input", function () { l[name] = input.value; input.classList.remove("invalid"); changed(true); });
      var wrap = el("label", {}, label + " ");
      wrap.appendChild(input);
      return wrap;
    }
    function choice(label, name, options) {
      var select = el("select", { "class": "line-" + name, "aria-label": label + " of line " + (i + 1) });
      options.forEach(function (o) {
        var opt = el("option", { value: o[0] }, o[1]);
        if ((l[name] || "") === o[0]) opt.selected = true;
        select.appendChild(opt);
      });
      select.disabled = !editable;
      if (mine.some(function (p) { return p.field === name; })) select.classList.add("invalid");
      select.addEventListener("change", function () { l[name] = select.value; changed(true); });
      var wrap = el("label", {}, label + " ");
      wrap.appendChild(select);
      return wrap;
    }
    if (isDrug(l)) {
      cell.appendChild(field("NDC", "ndc", "13"));
      cell.appendChild(field("quantity", "ndc_quantity", "6"));
      cell.appendChild(choice("unit", "ndc_unit", [["", "—"], ["F2", "international unit"],
        ["GR", "gram"], ["ME", "milligram"], ["ML", "milliliter"], ["UN", "unit"]]));
    }
    if (isAnesthesia(l)) {
      cell.appendChild(choice("units are", "unit_basis", [["UN", "units"], ["MJ", "anesthesia minutes"]]));
    }
    tr.appendChild(cell);
  }

  // Pointers follow their diagnosis when the list is reordered or shortened.
  function remap(fn) {
    lines.forEach(function (l) {
      l.pointers = split(l.pointers).map(function (p) { return fn(Number(p)); })
        .filter(function (p) { return p > 0; }).join(" ");
    });
  }
  function moveDx(i, step) {
    var j = i + step;
    if (j < 0 || j >= dx.length) return;
    var tmp = dx[i]; dx[i] = dx[j]; dx[j] = tmp;
    remap(function (p) { return p === i + 1 ? j + 1 : p === j + 1 ? i + 1 : p; });
    changed();
  }
  function fixPointersAfterRemove(pos) {
    remap(function (p) { return p === pos ? 0 : p > pos ? p - 1 : p; });
  }

  // -- claim edits, live ------------------------------------------------------------------------
  var scrubTimer = null;
  var scrubTicket = 0;
  function scrubSoon() {
    clearTimeout(scrubTimer);
    scrubTimer = setTimeout(scrub, 250);
  }
  function scrub() {
    var ticket = ++scrubTicket;
    post(root.dataset.scrub, draft()).then(function (res) {
      if (ticket === scrubTicket && res.ok) renderFindings(res.data);
    }).catch(function () {});
  }
  function renderFindings(result) {
    var list = $("findings");
    list.textContent = "";
    if (!result.findings.length) {
      list.appendChild(el("li", { "class": "clean" }, "No edit found a problem."));
      return;
    }
    result.findings.forEach(function (f) {
      var li = el("li", { "class": "finding " + f.severity, "data-code": f.code });
      li.appendChild(el("span", { "class": "sev" }, f.severity));
      li.appendChild(el("code", {}, f.code));
      var text = String(f.message || "");
      if (text.indexOf(f.code) === 0) text = text.slice(f.code.length).trim();
      li.appendChild(el("span", { "class": "f-msg" }, text));
      if (f.fix && f.fix.text) li.appendChild(el("div", { "class": "fix" }, "Fix: " + f.fix.text));
      list.appendChild(li);
    });
  }

  // A suggestion whose code is on the claim shows as coded; removing the code brings it back.
  function refreshStates() {
    var touched = false;
    suggestions.forEach(function (s) {
      var coded = has(s.code);
      if (s.state === "pending" && coded) { s.state = "coded"; touched = true; }
      else if ((s.state === "coded" || s.state === "accepted") && !coded) { s.state = "pending"; touched = true; }
    });
    if (touched) renderSuggestions();
  }

  function changed(keepFocus) {
    dirty = true;
    refreshStates();
    $("save-state").className = "muted";
    $("save-state").textContent = "unsaved changes";
    if (!keepFocus) { renderCodes(); }
    renderNote();
    scrubSoon();
  }

  function save() {
    if (!editable) return Promise.resolve(true);
    $("save-state").textContent = "saving…";
    return post(root.dataset.save, draft()).then(function (res) {
      if (!res.ok) {
        problems = res.data.problems || [];
        var state = $("save-state");
        state.textContent = res.data.error || "Not saved.";
        state.className = "save-problem";
        if (res.data.kept) {
          dirty = false;  // the draft is kept: a reload shows it again
          var status = $("visit-status");
          if (status) { status.textContent = "Coding"; status.className = "status coding"; }
        }
        renderCodes();
        scrub();
        var first = document.querySelector("#line-table input.invalid");
        if (first) first.focus();
        return false;
      }
      problems = [];
      dirty = false;
      renderCodes();
      $("save-state").className = "muted";
      $("save-state").textContent = "saved";
      var status = $("visit-status");
      if (status) { status.textContent = "Coding"; status.className = "status coding"; }
      renderFindings(res.data);
      return true;
    });
  }

  // -- code search type-ahead -------------------------------------------------------------------
  var searchInput = $("add-code");
  var results = $("add-results");
  var searchTimer = null;
  var searchTicket = 0;
  var active = -1;
  function search() {
    var q = searchInput.value.trim();
    if (!q) { results.hidden = true; return; }
    var params = new URLSearchParams({ q: q, limit: "8", practice: root.dataset.practice, date: root.dataset.date });
    if ($("add-kind").value === "dx") params.append("system", "icd10cm");
    else { params.append("system", "cpt"); params.append("system", "hcpcs"); }
    var ticket = ++searchTicket;
    fetch(root.dataset.search + "?" + params.toString(), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (hits) {
        if (ticket !== searchTicket) return;
        results.textContent = "";
        active = -1;
        hits.forEach(function (hit, i) {
          var li = el("li", { role: "option", "data-code": hit.code, "data-trail": hit.trail || "", id: "hit-" + i, "class": hit.billable ? "" : "header" });
          li.appendChild(el("code", {}, hit.code));
          li.appendChild(el("span", {}, " " + hit.description + (hit.billable ? "" : " (not billable)")));
          if (hit.trail) li.appendChild(el("div", { "class": "hit-trail trail" }, hit.trail));
          li.addEventListener("mousedown", function (evt) { evt.preventDefault(); pick(hit.code, hit.trail); });
          results.appendChild(li);
        });
        if (!hits.length) results.appendChild(el("li", { "class": "empty" }, "No codes found."));
        results.hidden = false;
      }).catch(function () {});
  }
  function pick(code, trail) {
    if ($("add-kind").value === "dx") {
      if (!has(code)) addDiagnosis({ code: dotted(code), suggested: "", trail: trail || "" });
    } else if (!has(code)) {
      lines.push({ code: plain(code), modifiers: "", units: "1", pointers: dx.length ? "1" : "", suggested: "" });
    }
    searchInput.value = "";
    results.hidden = true;
    changed();
  }
  function highlight(step) {
    var items = results.querySelectorAll("li[role=option]");
    if (!items.length) return;
    active = (active + step + items.length) % items.length;
    items.forEach(function (li, i) { li.classList.toggle("active", i === active); });
    searchInput.setAttribute("aria-activedescendant", items[active].id);
  }
  searchInput.addEventListener("input", function () { clearTimeout(searchTimer); searchTimer = setTimeout(search, 120); });
  $("add-kind").addEventListener("change", search);
  searchInput.addEventListener("keydown", function (evt) {
    if (evt.key === "ArrowDown") { evt.preventDefault(); highlight(1); }
    else if (evt.key === "ArrowUp") { evt.preventDefault(); highlight(-1); }
    else if (evt.key === "Enter") {
      evt.preventDefault();
      var items = results.querySelectorAll("li[role=option]");
      if (items.length) {
        var chosen = items[Math.max(active, 0)];
        pick(chosen.dataset.code, chosen.dataset.trail);
      }
    } else if (evt.key === "Escape") { results.hidden = true; searchInput.blur(); }
  });
  searchInput.addEventListener("blur", function () { setTimeout(function () { results.hidden = true; }, 150); });

  // -- keys -------------------------------------------------------------------------------------
  function toggleKeys() {
    var box = $("keys");
    box.hidden = !box.hidden;
    $("show-keys").setAttribute("aria-expanded", String(!box.hidden));
  }
  $("show-keys").addEventListener("click", toggleKeys);
  $("save-codes").addEventListener("click", save);
  $("finish-form").addEventListener("submit", function (evt) {
    if (!dirty) return;
    evt.preventDefault();
    save().then(function (ok) { if (ok) evt.target.submit(); });
  });
  document.addEventListener("keydown", function (evt) {
    var t = evt.target;
    if (evt.ctrlKey || evt.metaKey || evt.altKey) return;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT")) return;
    var k = evt.key;
    var handled = true;
    if (k === "j") focusSuggestion(cursor + 1);
    else if (k === "k") focusSuggestion(cursor - 1);
    else if (k === "a") acceptCurrent();
    else if (k === "r") rejectCurrent();
    else if (k === "e") editCurrent();
    else if (k === "/") searchInput.focus();
    else if (k === "s") save();
    else if (k === "f") { if (!$("finish").disabled) $("finish").click(); }
    else if (k === "n") { var nxt = $("next-visit"); if (nxt) nxt.click(); }
    else if (k === "?") toggleKeys();
    else handled = false;
    if (handled) evt.preventDefault();
  });
  window.addEventListener("beforeunload", function (evt) {
    if (dirty && editable) { evt.preventDefault(); evt.returnValue = ""; }
  });

  // -- start: the engine's suggestions ----------------------------------------------------------
  function load(data) {
    noteText = data.note || noteText;
    var list = [];
    (data.diagnoses || []).forEach(function (d) {
      list.push({ kind: "dx", code: d.code, description: d.description, evidence: d.evidence,
        trail: d.trail || "", status: d.status, why: d.status === "review" ? "worth a look (score " + Number(d.score).toFixed(2) + ")" : "" });
    });
    (data.procedures || []).forEach(function (p) {
      list.push({ kind: "service", code: p.code, description: p.description, evidence: p.evidence,
        units: p.units || 1, modifiers: p.modifiers || [] });
    });
    if (data.em && data.em.code) {
      list.push({ kind: "E/M", code: data.em.code, description: "Office visit level (" + data.em.basis + ")",
        evidence: [], modifiers: data.em.modifiers || [], units: 1, why: data.em.reason });
    }
    list.forEach(function (s) {
      s.state = has(s.code) ? "coded" : rejected[plain(s.code)] ? "rejected" : "pending";
    });
    suggestions = list;
    var notes = $("engine-notes");
    (data.notes || []).forEach(function (n) { notes.appendChild(el("p", { "class": "muted" }, n)); });
    renderNote();
    renderSuggestions();
    renderCodes();  // saved diagnoses show the trail of the suggestion they came from
    var first = suggestions.findIndex(function (s) { return s.state === "pending"; });
    if (first >= 0) focusSuggestion(first);
  }
  renderCodes();
  renderNote();
  scrub();
  fetch(root.dataset.suggestions, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
    .then(load)
    .catch(function () {
      var list = $("suggestions");
      list.textContent = "";
      list.appendChild(el("li", { "class": "empty" }, "No suggestions: the engine is not available. Code from the note."));
    });
})();

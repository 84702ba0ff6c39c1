/* Switch a chapter's verdicts to another data choice, from results computed when the book was built.
 *
 * Each chapter page carries, in <script type="application/json" class="claimbook-switch-data">, its verdicts as
 * executed ("page") and those of every swept copy ("alternatives", keyed "parameter=value"). The control
 * (form.claimbook-switch, hidden until this script runs) has one <select> per swept parameter; choosing a value
 * shows that copy's label, evidence, conclusion and note on the cards and in the verdict boxes, and marks every
 * verdict that differs from the default. No server, no network, no library: it works from file://.
 * Printing shows the page's own choice (the default) whatever was selected; the table of alternatives is
 * printed below the cards.
 */
(function () {
  "use strict";

  function labelClass(label) {
    return "verdict-" + label.replace(/ /g, "-");
  }

  function setLabelClass(el, label) {
    Array.prototype.slice.call(el.classList).forEach(function (c) {
      if (c.indexOf("verdict-") === 0 && c !== "verdict-badge" && c !== "verdict-label" && c !== "verdict-meta" &&
          c !== "verdict-content" && c !== "verdict-sources" && c !== "verdict-switched") {
        el.classList.remove(c);
      }
    });
    el.classList.add(labelClass(label));
  }

  function setBadge(badge, label) {
    if (!badge) { return; }
    setLabelClass(badge, label);
    badge.textContent = label;
  }

  function setEvidence(holder, label, evidence) {
    if (!holder) { return; }
    var badge = holder.classList && holder.classList.contains("evidence-badge") ? holder
      : holder.querySelector(".evidence-badge");
    if (label === "not rated" || !evidence) {
      if (badge) { badge.hidden = true; }
      return;
    }
    if (!badge) {
      badge = document.createElement("span");
      badge.className = "evidence-badge";
      holder.appendChild(badge);
    }
    badge.hidden = false;
    badge.textContent = "evidence: " + evidence;
  }

  function init(root) {
    var dataEl = root.querySelector("script.claimbook-switch-data");
    var form = root.querySelector("form.claimbook-switch");
    if (!dataEl || !form) { return; }
    var data = JSON.parse(dataEl.textContent);
    if (!data.parameters || !data.parameters.length) { return; }
    var params = {};
    data.parameters.forEach(function (p) { params[p.name] = p; });
    var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-param]"));
    var status = form.querySelector(".switch-status");
    var first = data.parameters[0];
    var defaults = data.alternatives[first.name + "=" + first["default"]] || data.page;
    var originals = {};  // each verdict box's own conclusion, to restore

    function chosen() {
      for (var i = 0; i < selects.length; i++) {
        var p = params[selects[i].getAttribute("data-param")];
        if (selects[i].value !== p.current) { return {name: p.name, value: selects[i].value}; }
      }
      return null;
    }

    function describe(choice) {
      var p = params[choice.name];
      return choice.name + " = " + choice.value + (choice.value === p["default"] ? " (the default)" : "");
    }

    function updateBox(cid, v, differs, choice) {
      var box = document.getElementById("verdict-" + cid);
      if (!box) { return; }
      setLabelClass(box, v.label);
      box.classList.toggle("verdict-differs", differs);
      var head = box.querySelector(".verdict-label");
      if (head) {
        setBadge(head.querySelector(".verdict-badge"), v.label);
        setEvidence(head, v.label, v.evidence);
        var conclusion = head.nextElementSibling;
        if (conclusion && conclusion.tagName === "P" && !conclusion.className) {
          if (!(cid in originals)) { originals[cid] = conclusion.textContent; }
          conclusion.textContent = choice ? v.conclusion : originals[cid];
        }
      }
      var note = box.querySelector(".verdict-switched");
      if (!choice) {
        if (note) { note.parentNode.removeChild(note); }
        return;
      }
      if (!note) {
        note = document.createElement("p");
        note.className = "verdict-meta verdict-switched";
        if (head) { head.parentNode.insertBefore(note, head.nextElementSibling ? head.nextElementSibling.nextSibling : null); }
        else { box.insertBefore(note, box.firstChild); }
      }
      note.textContent = "Shown for " + describe(choice) + (differs ? ": this verdict differs from the default (" +
        defaults[cid].label + ")." : ": the same label as the default.") +
        " The label and conclusion above follow that choice; the findings, figures and sources on this page are " +
        "for the page's own choice.";
    }

    function updateCard(card, v, differs) {
      var cid = card.getAttribute("data-claim");
      setLabelClass(card, v.label);
      card.classList.toggle("card-differs", differs);
      setBadge(card.querySelector(".card-label .verdict-badge"), v.label);
      setEvidence(card.querySelector(".card-evidence"), v.label, v.evidence);
      card.querySelector(".card-conclusion").textContent = v.conclusion;
      card.querySelector(".card-note").textContent = v.note || "";
      var flag = card.querySelector(".card-differs");
      flag.hidden = !differs;
      flag.textContent = differs ? "differs from the default (" + defaults[cid].label + ")" : "";
    }

    function apply() {
      var choice = chosen();
      var shown = choice ? data.alternatives[choice.name + "=" + choice.value] || {} : data.page;
      var cards = root.querySelectorAll(".claimbook-card[data-claim]");
      var n = 0, differing = 0;
      Array.prototype.forEach.call(cards, function (card) {
        var cid = card.getAttribute("data-claim");
        var v = shown[cid] || data.page[cid];
        var base = defaults[cid] || data.page[cid];
        var differs = !!(choice && v && base && v.label !== base.label);
        n += 1;
        if (differs) { differing += 1; }
        updateCard(card, v, differs);
        updateBox(cid, v, differs, choice);
      });
      root.classList.toggle("claimbook-switched", !!choice);
      if (status) {
        status.textContent = choice
          ? "Showing " + describe(choice) + ": " + differing + " of " + n + " verdicts differ from the default" +
            (differing ? " (highlighted)." : ".")
          : "Showing the page's own choice (" + data.parameters.map(function (p) {
            return p.name + " = " + p.current + (p.current === p["default"] ? ", the default" : "");
          }).join("; ") + ").";
      }
    }

    selects.forEach(function (select) {
      select.addEventListener("change", function () {
        selects.forEach(function (other) {  // one choice at a time: the build swept each alone
          if (other !== select) { other.value = params[other.getAttribute("data-param")].current; }
        });
        apply();
      });
    });
    var reset = form.querySelector(".switch-reset");
    if (reset) {
      reset.addEventListener("click", function () {
        selects.forEach(function (s) { s.value = params[s.getAttribute("data-param")].current; });
        apply();
      });
    }
    var saved = null;
    window.addEventListener("beforeprint", function () {
      saved = selects.map(function (s) { return s.value; });
      selects.forEach(function (s) { s.value = params[s.getAttribute("data-param")].current; });
      apply();
    });
    window.addEventListener("afterprint", function () {
      if (saved) { selects.forEach(function (s, i) { s.value = saved[i]; }); saved = null; apply(); }
    });
    form.hidden = false;
    apply();
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll(".claimbook-cards"), init);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

// Small progressive enhancements; every page works without them.
(function () {
  "use strict";

  // Ask before destructive actions: <form data-confirm="question">.
  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  // Select a shown-once value on focus so it can be copied at once.
  document.addEventListener("focusin", function (event) {
    if (event.target.hasAttribute && event.target.hasAttribute("data-select-on-focus")) {
      event.target.select();
    }
  });

  // In the channel form, offer only the kinds the chosen network has.
  function syncKinds() {
    var data = document.getElementById("kinds-by-network");
    var network = document.getElementById("id_network");
    if (!data || !network) return;
    var allowed = JSON.parse(data.textContent)[network.value] || null;
    document.querySelectorAll("input[name='kind']").forEach(function (radio) {
      var ok = !allowed || allowed.indexOf(radio.value) !== -1;
      radio.disabled = !ok;
      radio.closest("label").hidden = !ok;
      if (!ok && radio.checked) radio.checked = false;
    });
    if (allowed && allowed.length === 1) {
      var only = document.querySelector("input[name='kind'][value='" + allowed[0] + "']");
      if (only) only.checked = true;
    }
  }
  document.addEventListener("change", function (event) {
    if (event.target.id === "id_network") syncKinds();
  });
  document.addEventListener("DOMContentLoaded", syncKinds);
  // Counts next to module links (unread messages): fetched after the page is shown.
  document.querySelectorAll("[data-count-url]").forEach(function (badge) {
    fetch(badge.getAttribute("data-count-url"), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data || !data.count) return;
        badge.querySelector("[data-count]").textContent = data.count;
        badge.hidden = false;
      })
      .catch(function () {});
  });
  // Inbox: choosing a canned answer puts its text (placeholders filled) into the answer.
  document.addEventListener("change", function (event) {
    var data = document.getElementById("canned-texts");
    if (!data || event.target.id !== "id_canned") return;
    var text = JSON.parse(data.textContent)[event.target.value];
    if (text) document.getElementById("id_text").value = text;
  });
})();
